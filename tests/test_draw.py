"""Draw a digit: the strokes-to-image preprocessing (pure NumPy, on synthetic strokes) and the
DigitDrawer driven by setting the canvas's strokes, as the browser does."""
import copy

import numpy as np
import pytest

import dlteach as dt
from dlteach import data
from dlteach.core import Sequential, saliency
from dlteach import strokes as C
from dlteach.experiments import digits_cnn
from dlteach.widgets import DigitDrawer
from dlteach.widgets.canvas import DrawingCanvas
from colab_support import last_line_in_colab, needs_colab
from twin_tolerance import twin_tol

ONE = [[[0.5, 0.15], [0.5, 0.85]]]
_t = np.linspace(0, 2 * np.pi, 60)
ZERO = [np.c_[0.5 + 0.22 * np.cos(_t), 0.5 + 0.32 * np.sin(_t)].tolist()]
SEVEN = [[[0.3, 0.2], [0.7, 0.2], [0.45, 0.85]]]


def moved(strokes, scale, dx, dy):
    return [[[x * scale + dx, y * scale + dy] for x, y in s] for s in strokes]


# --- preprocessing ---------------------------------------------------------------------------------
def test_block_counts_equal_an_explicit_loop_over_4x4_blocks():
    bitmap = np.random.default_rng(0).random((32, 32)) > 0.6
    expected = np.array([[bitmap[4 * i:4 * i + 4, 4 * j:4 * j + 4].sum() for j in range(8)] for i in range(8)])
    np.testing.assert_array_equal(C.block_counts(bitmap), expected)
    with pytest.raises(ValueError, match="block=4"):
        C.block_counts(np.zeros((30, 32)))


def test_render_covers_a_horizontal_line_with_the_pen_width():
    # a horizontal stroke across, scaled so its length (pen included) is `box` pixels
    img = C.render([[[0.2, 0.5], [0.8, 0.5]]], box=32, out=32, pen=8.0, supersample=4)
    assert img.shape == (32, 32) and img.min() >= 0 and img.max() <= 1
    rows = np.nonzero(img.max(axis=1) > 0)[0]
    assert rows[0] == 12 and rows[-1] == 19  # 8 pixels thick around the centre line y = 16
    cols = np.nonzero(img.max(axis=0) > 0)[0]
    assert cols[0] == 0 and cols[-1] == 31  # the longer side fills the box
    np.testing.assert_allclose(img.sum(), 24 * 8 + np.pi * 16, rtol=0.02)  # a rectangle and two half discs


def test_center_of_mass_and_shift():
    img = np.zeros((5, 7))
    img[1, 2] = 1.0
    img[3, 2] = 3.0
    np.testing.assert_allclose(C.center_of_mass(img), [2.5, 2.0])
    moved_img = C.shift(img, 1, -2)
    assert moved_img[2, 0] == 1.0 and moved_img[4, 0] == 3.0 and moved_img.sum() == 4.0
    assert C.shift(img, 5, 0).sum() == 0  # moved out entirely


def test_digits8_is_like_the_training_digits():
    x = C.digits8(ONE)
    assert x.shape == (64,) and x.min() >= 0 and x.max() <= 1
    counts = (x * 16).reshape(8, 8)
    np.testing.assert_array_equal(counts, np.round(counts))  # whole pixel counts 0..16, as in optdigits
    np.testing.assert_array_equal(counts, counts[:, ::-1])  # a centred vertical "1" is symmetric
    assert counts[:, 3].min() > 8 and counts[:, :2].max() == 0  # it fills the height, in the middle columns
    X, _, _, _ = data.load_digits()
    zero = (C.digits8(ZERO) * 16).reshape(8, 8)
    assert zero[0].any() and zero[7].any() and not zero[:, 0].any()  # full height like the training "0"s
    assert set(np.unique(X * 16)) >= set(np.unique(zero))


def test_size_and_position_do_not_matter():
    for strokes in (ONE, ZERO, SEVEN):
        big = C.digits8(strokes)
        np.testing.assert_array_equal(C.digits8(moved(strokes, 0.5, 0.0, 0.3)), big)  # small, lower left
        np.testing.assert_allclose(C.mnist28(moved(strokes, 0.4, 0.5, 0.1)), C.mnist28(strokes), atol=1e-12)


def test_mnist28_box_and_centre_of_mass():
    for strokes in (ONE, ZERO, SEVEN):
        img = C.mnist28(strokes).reshape(28, 28)
        assert img.min() >= 0 and img.max() == 1 and 0 < img[img > 0].min() < 1  # grey anti-aliased edges
        rows, cols = np.nonzero(img.any(axis=1))[0], np.nonzero(img.any(axis=0))[0]
        assert max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1 in (20, 21)  # the 20x20 box (a shift may split a pixel)
        assert np.all(np.abs(C.center_of_mass(img) - 13.5) <= 0.5)  # centred by mass, to the pixel


def test_empty_and_bad_strokes():
    np.testing.assert_array_equal(C.digits8([]), np.zeros(64))
    np.testing.assert_array_equal(C.digits8([[]]), np.zeros(64))
    assert C.digits8([[[0.4, 0.4]]]).any()  # a single dot is a pen-sized disc
    with pytest.raises(ValueError, match=r"strokes\[1\].*NaN"):
        C.digits8([ONE[0], [[0.1, np.nan]]])
    with pytest.raises(ValueError, match=r"strokes\[0\].*\(k, 2\)"):
        C.digits8([[0.1, 0.2, 0.3]])
    with pytest.raises(TypeError, match="strokes must be a list"):
        C.digits8("1")
    canvas = DrawingCanvas()
    with pytest.raises(ValueError, match="NaN"):
        canvas.strokes = [[[0.1, float("nan")]]]
    assert canvas.strokes == []


# --- the explorer --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def drawer():
    return DigitDrawer()


@pytest.mark.parametrize("strokes, digit", [(ONE, 1), (ZERO, 0), (SEVEN, 7)])
def test_drawn_digits_are_read_by_both_models(drawer, strokes, digit):
    drawer.canvas.strokes = strokes  # what the browser sends after a stroke
    assert set(drawer.probabilities) == {"mlp", "cnn"}
    for name, p in drawer.probabilities.items():
        assert p.shape == (10,) and abs(p.sum() - 1) < 1e-12 and p.min() >= 0
        assert p.argmax() == digit, (name, np.round(p, 3))
        assert drawer.saliency[name].shape == (8, 8) and np.abs(drawer.saliency[name]).max() > 0
    np.testing.assert_array_equal(drawer.x, C.digits8(strokes))
    assert f": {digit} with p = " in drawer.summary()


def test_clear_resets(drawer):
    drawer.canvas.strokes = ONE
    drawer.clear()
    assert drawer.canvas.strokes == [] and drawer.probabilities is None and drawer.saliency is None
    np.testing.assert_array_equal(drawer.x, np.zeros(64))
    assert drawer.summary().startswith("Draw a digit")
    drawer.png()  # the empty state draws


def test_saliency_is_the_gradient_of_the_winning_logit(drawer):
    """The drawer shows dz_c/dx for its guess c: checked against central differences. The drawn
    image has many equal pixels, so max-pooling has ties where the CNN is not differentiable: the
    CNN is checked at the drawing plus tiny noise (the drawer's map is core.saliency's, checked too)."""
    drawer.canvas.strokes = SEVEN
    noise = 1e-3 * np.random.default_rng(0).normal(size=64)
    for name, model in drawer.models.items():
        c, eps = int(drawer.probabilities[name].argmax()), 1e-6
        shape = (1, 8, 8, 1) if name == "cnn" else (1, 64)
        np.testing.assert_array_equal(drawer.saliency[name].reshape(64),
                                      saliency(model, drawer.x.reshape(shape), c).reshape(64))
        work = Sequential(copy.deepcopy(model.layers[:-1]))  # the same layers, up to the last Dense's input

        def logit(x):
            h = work.forward(x.reshape(shape))
            return float((h @ model.layers[-1].W[:, c])[0] + model.layers[-1].b[c])

        x = drawer.x + (noise if name == "cnn" else 0.0)
        numeric = np.array([(logit(x + eps * e) - logit(x - eps * e)) / (2 * eps) for e in np.eye(64)])
        np.testing.assert_allclose(saliency(model, x.reshape(shape), c).reshape(64), numeric, atol=1e-6,
                                   err_msg=name)


def test_the_cnn_is_the_keras_model_and_as_good_as_lesson_11():
    from dlteach import keras_twin  # TensorFlow is a hard dependency: fail, never skip, without it
    cnn = digits_cnn()
    kmodel = keras_twin.to_keras(cnn, dtype="float64", input_shape=(8, 8, 1))
    _, X_test, _, y_test = data.load_digits()
    X = X_test.reshape(-1, 8, 8, 1)
    np.testing.assert_allclose(cnn.predict(X), kmodel.predict(X, verbose=0), atol=twin_tol(1e-12))
    assert DigitDrawer(cnn=True).test_accuracy()["cnn"] > 0.97


def test_widget_updates_after_each_stroke(drawer):
    ui = drawer.widget()
    drawer.clear()
    empty_image, empty_status = ui.image.value, ui.status.value
    assert "Draw a digit" in empty_status
    drawer.canvas.strokes = ONE
    assert "1 with p = " in ui.status.value and ui.image.value != empty_image
    assert drawer.latency < 1.0
    with pytest.raises(TypeError, match="cnn must be True or False"):
        DigitDrawer(cnn="yes")


def test_blitted_figure_has_the_pixels_of_a_full_redraw(drawer):
    import io

    from PIL import Image

    drawer.canvas.strokes = ONE
    drawer.canvas.strokes = SEVEN  # a second update: only the changing artists are redrawn
    blitted = np.asarray(Image.open(io.BytesIO(drawer.png())).convert("RGBA"))
    fig = drawer.figure
    for artist in drawer._dynamic:
        artist.set_animated(False)
    try:
        fig.canvas.draw()
        full = np.asarray(fig.canvas.buffer_rgba())
    finally:
        for artist in drawer._dynamic:
            artist.set_animated(True)
        drawer.figure = None  # rebuild the background next time
    # Equal except a few antialiased pixels of the title text (measured: 18 pixels in one row, by at
    # most 11 of 255); a missing frame or a stale bar would differ in hundreds of pixels.
    differ = np.abs(blitted.astype(int) - full.astype(int)).max(axis=2)
    assert (differ > 0).sum() <= 40 and differ.max() <= 32, ((differ > 0).sum(), differ.max())


def test_trained_weights_are_cached_and_a_broken_file_is_retrained(tmp_path, monkeypatch):
    from dlteach import experiments as draw

    monkeypatch.setenv("DLTEACH_CACHE", str(tmp_path))
    calls = []

    def train(model):
        calls.append(1)
        model.set_weights([w + 1.0 for w in model.get_weights()])

    draw.cache_path("tiny").write_bytes(b"not a zip file")  # e.g. a run killed while writing
    trained = draw.load_or_train(dt.MLP([2, 3, 1], seed=0), "tiny", train)
    loaded = draw.load_or_train(dt.MLP([2, 3, 1], seed=0), "tiny", train)
    assert len(calls) == 1 and list(tmp_path.iterdir()) == [draw.cache_path("tiny")]  # no temporary file left
    for a, b in zip(trained.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)
    other = draw.load_or_train(dt.MLP([2, 4, 1], seed=0), "tiny", train)  # another architecture: retrained
    assert len(calls) == 2 and other.get_weights()[0].shape == (2, 4)


# --- its picture where no kernel runs (GitHub, nbviewer, JupyterLab before Run All) -----------------
LIVE_TEXT = "DigitDrawer (a live widget: run the notebook to use its controls)"


def test_the_display_carries_the_figure_as_a_picture_not_the_hbox_repr(drawer):
    import base64

    import ipywidgets as W
    from IPython.core.formatters import DisplayFormatter

    from dlteach.widgets.base import WIDGET_VIEW

    ui = drawer.widget()
    drawer.canvas.strokes = SEVEN
    # the bundle a notebook receives: IPython's formatter with ipywidgets 8, _ipython_display_'s with 7.7
    shown = ui._repr_mimebundle_() if W.__version__.startswith("7.") else DisplayFormatter().format(ui)[0]
    assert shown[WIDGET_VIEW]["model_id"] == ui.model_id
    assert shown["text/plain"] == LIVE_TEXT and "HBox(" not in shown["text/plain"]
    assert base64.b64decode(shown["image/png"]) == ui.image.value == drawer.png()
    drawer.clear()


@needs_colab
def test_the_picture_with_ipywidgets_7():
    code = ("import ipywidgets as W; from dlteach.widgets import DigitDrawer\n"
            "ui = DigitDrawer(cnn=False).widget(); d = ui._repr_mimebundle_()\n"
            "assert callable(ui._ipython_display_)\n"
            "print(); print(W.__version__, d['image/png'][:8], d['text/plain'])")
    version, png, text = last_line_in_colab(code).split(" ", 2)
    assert version.startswith("7.") and png == "iVBORw0K" and text == LIVE_TEXT


def test_the_drawer_speaks_chinese_when_set_and_english_again_after():
    """dt.set_language("zh_CN"): the titles it draws and the status line under the canvas (issue 27); a new drawer
    after set_language("en") is English again (the figure is built once, in the language of its first drawing)."""
    import re

    dt.set_language("zh_CN")
    try:
        zh = DigitDrawer(cnn=False)
        ui = zh.widget()
        assert zh.summary().startswith("在框中写一个数字")
        zh.canvas.strokes = ONE
        assert re.fullmatch(r"MLP，第09课（从零实现）：1，p = \d+\.\d%", zh.summary()), zh.summary()
        assert "MLP，第09课（从零实现）：1" in ui.status.value
        titles = [ax.get_title() for ax in zh.figure.axes if ax.get_title()]
        assert "模型的输入\n（8x8，同训练时）" in titles and titles.count("其猜测的显著图：\n红色像素使其升高") == 1
        assert any(t.startswith("MLP，第09课: 1 (p = ") for t in titles), titles
    finally:
        dt.set_language("en")
    en = DigitDrawer(cnn=False)
    en.canvas.strokes = ONE
    assert en.summary().startswith("MLP, lesson 09 (from scratch): 1 with p = ")
    en.draw()
    assert "the models' input\n(8x8, as in training)" in [ax.get_title() for ax in en.figure.axes]


def test_the_shipped_cnn_is_what_keras_training_makes_again(tmp_path, monkeypatch):
    """The CNN's weights ship with the package (experiments.SHIPPED): the same recipe, trained again with Keras on
    this machine, gives a network as good (its last bits may differ between CPUs, which is why it ships)."""
    from dlteach import experiments  # noqa: PLC0415

    shipped = digits_cnn()
    assert (experiments.SHIPPED / "digits_cnn_v1_e15_s0.npz").is_file()
    monkeypatch.setenv("DLTEACH_CACHE", str(tmp_path))
    monkeypatch.setattr(experiments, "SHIPPED", tmp_path / "none")
    experiments._digits_cnn.cache_clear()
    try:
        again = digits_cnn()
    finally:
        experiments._digits_cnn.cache_clear()
    assert (tmp_path / "digits_cnn_v1_e15_s0.npz").is_file()  # trained here, not loaded
    _, X_test, _, y_test = data.load_digits()
    X = X_test.reshape(-1, 8, 8, 1)
    accuracy = [float(np.mean(m.predict(X).argmax(axis=1) == y_test)) for m in (shipped, again)]
    assert abs(accuracy[0] - accuracy[1]) <= 0.02 and min(accuracy) > 0.97, accuracy
    agree = np.mean(shipped.predict(X).argmax(axis=1) == again.predict(X).argmax(axis=1))
    assert agree > 0.97, agree  # the same network, not only as good: the same answers on nearly every digit
