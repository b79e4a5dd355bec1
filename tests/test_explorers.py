"""Lesson explorers 01-06 driven headless: every control at its extremes, and what they drew."""
import numpy as np
import pytest

from dlteach.widgets.activations import ActivationExplorer
from dlteach.widgets.backprop import BackpropExplorer
from dlteach.experiments import apply_kernel
from dlteach.widgets.conv import ConvExplorer
from dlteach.widgets.depth import DepthExplorer
from dlteach.widgets.digits import DigitsExplorer
from dlteach.widgets.descent import GradientDescentExplorer, OptimizerExplorer
from dlteach.widgets.explain import ExplainExplorer
from dlteach.widgets.losses import LossExplorer
from dlteach.widgets.overfit import OverfitExplorer
from dlteach.widgets.small import SmallModelsExplorer
from dlteach.widgets.neuron import NeuronExplorer

EXPLORERS = [NeuronExplorer, ActivationExplorer, LossExplorer, GradientDescentExplorer, OptimizerExplorer,
             BackpropExplorer, DepthExplorer, DigitsExplorer, OverfitExplorer, ConvExplorer,
             ExplainExplorer, SmallModelsExplorer]


def extremes(cls):
    for name, p in cls.PARAMS.items():
        if name == "keras":
            continue  # Keras paths: tested once below (TensorFlow import)
        values = p.choices if p.choices is not None else (p.low, p.high)
        for v in values:
            yield name, v


@pytest.mark.parametrize("cls,name,value", [(c, n, v) for c in EXPLORERS for n, v in extremes(c)],
                         ids=lambda x: getattr(x, "__name__", str(x)))
def test_every_control_at_its_extremes_draws_a_labelled_figure(cls, name, value):
    ex = cls()
    try:
        ex.set(**{name: value})
    except ValueError as err:  # a refused combination says why and leaves the explorer as it was
        assert "prediction" in str(err) and cls is LossExplorer
        return
    assert ex.cfg[name] == value  # the setting took effect
    fig = ex.draw()
    for ax in fig.axes:
        if ax.axison and ax.get_label() != "<colorbar>":
            assert ax.get_xlabel() and ax.get_ylabel(), (cls.__name__, name, value)
        # every point of every curve and scatter is drawn: a NaN or inf is a gap the learner cannot see
        for line in ax.lines:
            xy = np.asarray(line.get_xydata(), dtype=float)
            assert np.all(np.isfinite(xy)), (cls.__name__, name, value, ax.get_title(), line.get_label())
        for collection in ax.collections:
            offsets = np.asarray(collection.get_offsets(), dtype=float)
            assert np.all(np.isfinite(offsets)), (cls.__name__, name, value, ax.get_title())
    assert fig.axes[0].get_title() or any(ax.get_title() for ax in fig.axes)


def test_out_of_range_and_unknown_settings_are_named():
    with pytest.raises(ValueError, match="w1 must be from -5 to 5, got 9"):
        NeuronExplorer(w1=9)
    with pytest.raises(ValueError, match="Unknown activation 'step'"):
        NeuronExplorer().set(activation="step")
    with pytest.raises(ValueError, match="no setting 'lr'"):
        GradientDescentExplorer(lr=0.1)
    with pytest.raises(TypeError, match="steps must be a number"):
        OptimizerExplorer(steps="many")


def test_neuron_explorer_counts_and_draws_the_gate():
    ex = NeuronExplorer(w1=1, w2=1, b=-1.5, gate="AND")
    assert ex.correct == 4
    ex.set(gate="XOR")
    assert ex.correct < 4  # no line separates XOR
    fig = ex.draw()
    assert "XOR" in fig.axes[0].get_title()
    assert len(fig.axes[0].lines) == 1  # the decision line


def test_activation_explorer_finds_saturation():
    assert ActivationExplorer(activation="sigmoid", z_range=20).saturated_fraction > 0.6
    assert ActivationExplorer(activation="relu", z_range=20).saturated_fraction == pytest.approx(0.5, abs=0.01)
    assert ActivationExplorer(activation="linear").saturated_fraction == 0


def test_loss_explorer_value_and_slope():
    ex = LossExplorer(target=1.0, prediction=0.9)
    assert ex.values["bce"] == pytest.approx(-np.log(0.9)) and ex.slopes["bce"] == pytest.approx(-1 / 0.9)
    assert ex.values["mse"] == pytest.approx(0.01) and ex.slopes["mse"] == pytest.approx(2 * (0.9 - 1))
    ex.set(axis="logit z")  # slopes with respect to z: a - y for BCE, 2 (a - y) a (1 - a) for MSE
    assert ex.z == pytest.approx(np.log(9.0))
    assert ex.slopes["bce"] == pytest.approx(0.9 - 1) and ex.slopes["mse"] == pytest.approx(2 * -0.1 * 0.9 * 0.1)
    with pytest.raises(ValueError, match="prediction must be from 0.001 to 0.999"):
        ex.set(prediction=3.0)
    assert ex.cfg["prediction"] == 0.9  # refused: unchanged


def test_loss_explorer_try_this_outcomes():
    """The outcomes lesson 03's "try this" list promises."""
    ex = LossExplorer(target=1.0, prediction=0.1)  # confidently wrong: BCE pushes harder
    assert ex.slopes["bce"] == pytest.approx(-10.0) and ex.slopes["mse"] == pytest.approx(-1.8)
    ex.set(axis="logit z")
    assert abs(ex.slopes["bce"]) > 5 * abs(ex.slopes["mse"])
    ex.set(prediction=0.001)  # saturated: MSE's slope through the sigmoid all but vanishes
    assert abs(ex.slopes["mse"]) < 0.01 and abs(ex.slopes["bce"]) > 0.99
    fig = ex.draw()
    left, right = fig.axes[:2]
    assert left.get_xlim() == right.get_xlim() and left.get_ylim() == right.get_ylim()
    assert "dL/dz" in left.get_legend().get_texts()[1].get_text()
    assert "logit z" in left.get_xlabel()
    ex.set(axis="probability a")
    assert "dL/da" in ex.draw().axes[1].get_legend().get_texts()[1].get_text()
    # every prediction the slider offers is one both losses accept
    for a in (0.001, 0.5, 0.999):
        for axis in ("probability a", "logit z"):
            ex.set(prediction=a, axis=axis)
            assert np.isfinite(list(ex.values.values())).all()


def test_activation_explorer_offers_keras_activations():
    for name in ("elu", "selu", "gelu"):
        ex = ActivationExplorer(activation=name, z_range=10)
        assert 0.2 < ex.saturated_fraction < 0.6, name  # flat on the left only
        assert name in ex.draw().axes[0].get_title()


def test_gradient_descent_converges_then_diverges():
    ok = GradientDescentExplorer(surface="ravine", learning_rate=0.09, steps=200)
    assert not ok.diverged and ok.final_loss < 1e-6
    bad = GradientDescentExplorer(surface="ravine", learning_rate=0.11, steps=200)
    assert bad.diverged and "Try a learning rate below 0.11" in bad.message
    fig = bad.draw()
    assert "diverged" in fig.axes[1].get_title()


def test_mini_batches_make_a_noisier_path():
    full = GradientDescentExplorer(surface="regression", batch_size=100, learning_rate=0.3, steps=100)
    sgd = GradientDescentExplorer(surface="regression", batch_size=1, learning_rate=0.3, steps=100)
    tail = slice(50, None)
    assert np.std(full.path[tail], axis=0).sum() < 0.2 * np.std(sgd.path[tail], axis=0).sum()


def test_optimizer_paths_equal_keras():
    ex = OptimizerExplorer(surface="rosenbrock", steps=50, learning_rate=0.01, keras="on")
    assert set(ex.keras_paths) == {"sgd", "momentum", "nesterov", "rmsprop", "adam"}
    # whole paths are compared (the difference is taken over the shorter of the two), and they move
    assert all(len(ex.keras_paths[n]) == len(ex.paths[n]) == 51 for n in ex.paths)
    assert all(np.abs(ex.paths[n][-1] - ex.paths[n][0]).max() > 0.1 for n in ex.paths)
    assert ex.max_keras_difference() < 1e-12
    assert "Keras" in ex.draw().axes[2].get_title()  # the agreement is drawn: |w_numpy - w_keras| per step


def test_backprop_explorer_matches_the_chain_rule():
    ex = BackpropExplorer(x1=1.0, x2=-2.0, w1=0.5, w2=-0.3, b=0.1, y=1.0, activation="tanh")
    z = 0.5 * 1.0 + -0.3 * -2.0 + 0.1
    a = np.tanh(z)
    delta = 2 * (a - 1.0) * (1 - a**2)
    g = ex.gradients()
    assert g["w1"] == pytest.approx(delta * 1.0) and g["w2"] == pytest.approx(delta * -2.0)
    assert g["b"] == pytest.approx(delta) and g["x1"] == pytest.approx(delta * 0.5)
    texts = [t.get_text() for t in ex.draw().axes[0].texts]
    assert f"grad {g['w1']:.4f}" in texts and "L (**2)" in texts


def test_widgets_call_set_and_show_errors():
    ex = LossExplorer()
    ui = ex.widget()
    first = ui.image.value
    ui.controls["prediction"].value = 0.2
    assert ex.cfg["prediction"] == 0.2 and ui.image.value != first

    class Refusing(LossExplorer):  # an explorer that refuses one combination, as some do
        def update(self):
            if self.cfg["prediction"] > 0.5 and self.cfg["axis"] == "logit z":
                raise ValueError("prediction above 0.5 refused here")
            super().update()

    ex = Refusing()
    ui = ex.widget()
    ui.controls["axis"].value = "logit z"
    ui.controls["prediction"].value = 0.8
    assert "refused here" in ui.message.value and ex.cfg["prediction"] == 0.1


def test_depth_explorer_shows_vanishing_and_its_cure():
    vanishing = DepthExplorer(depth=15, activation="sigmoid", init="glorot_uniform")
    assert vanishing.ratio < 1e-6  # the first layer's gradient is a millionth of the last one's
    cured = DepthExplorer(depth=15, activation="relu", init="he_normal")
    assert 1e-2 < cured.ratio < 1e2
    exploding = DepthExplorer(depth=15, activation="relu", init="bad_normal")
    assert np.std(exploding.acts[-1]) > 1e6 * np.std(exploding.acts[0])
    axes = vanishing.draw().axes
    assert "first/last" in axes[2].get_title() and axes[0].get_title() == "activation histograms"


def test_digits_explorer_learns_and_reports_per_class():
    ex = DigitsExplorer(hidden=64, learning_rate=3e-3, epochs=15)
    assert ex.val_accuracy > 0.93
    assert ex.confusion.sum() == len(ex.y_val) and ex.confusion.shape == (10, 10)
    assert np.all((ex.precision > 0.7) & (ex.recall > 0.7))
    ex.set(learning_rate=0.3, epochs=5)  # far too large for Adam: it does not learn, and says nothing false
    assert ex.val_accuracy < 0.9
    ax_curves, ax_matrix = ex.draw().axes[:2]
    assert ax_matrix.get_xlabel() == "predicted" and len(ax_matrix.texts) == 100


def test_overfitting_and_its_cures():
    plain = OverfitExplorer()
    assert plain.best_epoch < 100 and plain.gap > 0.25  # validation loss rises after its minimum
    assert plain.history["val_data_loss"][-1] > 1.3 * min(plain.history["val_data_loss"])  # lesson 10 states 1.3
    l2 = OverfitExplorer(l2=0.003)
    assert l2.gap < 0.5 * plain.gap and l2.val_accuracy > plain.val_accuracy
    stopped = OverfitExplorer(early_stopping="on")
    assert stopped.history.stopped == "early_stopping" and len(stopped.history.epoch) < 300
    assert OverfitExplorer(augment="on").gap < plain.gap
    assert OverfitExplorer(dropout=0.4).val_accuracy > plain.val_accuracy


def test_image_and_point_augmentation():
    from dlteach import data

    img = np.zeros((1, 64))
    img[0, 8 * 3 + 3] = 1.0  # pixel (row 3, column 3)
    assert data.shift_images(img, 1, 0).reshape(8, 8)[3, 4] == 1.0
    assert data.shift_images(img, 0, -1).reshape(8, 8)[2, 3] == 1.0
    X_aug, y_aug = data.augment_shifts(np.repeat(img, 2, 0), np.array([4, 7]))
    assert X_aug.shape == (10, 64) and list(y_aug[:4]) == [4, 7, 4, 7]
    X, y = data.jitter(np.zeros((3, 2)), np.array([0, 1, 1]), copies=4, sigma=0.1)
    assert X.shape == (15, 2) and 0.05 < X[3:].std() < 0.2 and list(y[3:6]) == [0, 1, 1]


def test_conv_explorer_shapes_and_values():
    ex = ConvExplorer(kernel="identity")
    assert np.allclose(ex.feature_map, ex.image) and ex.pooled.shape == (4, 4)
    ex.set(strides=2, padding="valid")
    assert ex.feature_map.shape == (3, 3)
    ex.set(strides=3)
    assert ex.feature_map.shape == (2, 2) and ex.pooled.shape == (1, 1)
    edge = apply_kernel(np.tile([0.0, 0, 0, 0, 1, 1, 1, 1], (8, 1)), np.array([[1.0, 0, -1]] * 3), 1, "valid")
    assert np.all(edge[:, 2:4] < 0) and np.all(edge[:, :2] == 0)  # the vertical edge lights up, flat parts do not
    assert "feature map" in ex.draw().axes[2].get_title()


def test_explain_explorer():
    from dlteach import data

    ex = ExplainExplorer(image=5)
    # what the explorer shows, recomputed by hand from its model's weights (64-64-10, ReLU, softmax)
    (W1, b1), (W2, b2) = [(layer.W, layer.b) for layer in ex.model.dense_layers]
    x = data.load_digits(seed=0)[1][5]
    assert np.array_equal(ex.x, x)
    h = np.maximum(x @ W1 + b1, 0.0)
    z = h @ W2 + b2
    p = np.exp(z - z.max()) / np.exp(z - z.max()).sum()

    def saliency_by_hand(c):  # dz_c/dx = W1 (relu'(z1) * W2[:, c])
        return (W1 @ ((h > 0) * W2[:, c])).reshape(8, 8)

    def occlusion_by_hand(c, patch):
        out = np.zeros((9 - patch, 9 - patch))
        for i in range(9 - patch):
            for j in range(9 - patch):
                xo = x.reshape(8, 8).copy()
                xo[i:i + patch, j:j + patch] = 0.0
                zo = np.maximum(xo.reshape(-1) @ W1 + b1, 0.0) @ W2 + b2
                out[i, j] = p[c] - (np.exp(zo - zo.max()) / np.exp(zo - zo.max()).sum())[c]
        return out

    assert np.allclose(ex.probs, p, rtol=0, atol=1e-12) and np.allclose(ex.hidden, h, rtol=0, atol=1e-12)
    assert ex.predicted == int(np.argmax(z)) and ex.cls == ex.predicted  # target -1: the predicted class
    assert np.allclose(ex.saliency, saliency_by_hand(ex.predicted), rtol=0, atol=1e-12)
    assert np.allclose(ex.occlusion, occlusion_by_hand(ex.predicted, 2), rtol=0, atol=1e-12)
    other = 3 if ex.predicted != 3 else 4  # a class the model did not predict
    ex.set(target=other, patch=4)
    assert ex.cls == other and ex.predicted == int(np.argmax(z))
    assert np.allclose(ex.saliency, saliency_by_hand(other), rtol=0, atol=1e-12)
    assert np.allclose(ex.occlusion, occlusion_by_hand(other, 4), rtol=0, atol=1e-12)
    assert ex.occlusion.shape == (5, 5)
    axes = ex.draw().axes
    assert f"saliency dz_{other}/dx" in axes[1].get_title() and f"p({other})" in axes[2].get_title()
    assert f"predicted {ex.predicted} ({p[ex.predicted]:.2f})" in axes[0].get_title()


def test_small_models_explorer():
    ex = SmallModelsExplorer(fraction=0.07, temperature=4.0)
    assert ex.soft_accuracy > ex.hard_accuracy  # distillation helps the small student on 100 images
    accs = [a for a, _ in ex.prune_curve]
    sizes = [b for _, b in ex.prune_curve]
    assert sizes == sorted(sizes, reverse=True) and accs[0] > 0.95 and accs[-1] < 0.7
    assert ex.quant_curve[0][0] < 0.6 and ex.quant_curve[2][0] > 0.95  # 2 bits breaks it, 4 bits does not


def test_log_sliders_have_their_value_on_their_grid():
    """The browser snaps a slider to its grid when it is shown: a default off the grid (0.03 on a
    grid of 10**(-5 + 0.1 k)) would change in the kernel before anyone touched it."""
    import ipywidgets as W

    import dlteach as dt

    uis = [dt.widgets.Playground(learning_rate=0.03).widget(), dt.widgets.OptimizerExplorer().widget(),
           dt.widgets.GradientDescentExplorer(learning_rate=0.09).widget()]
    sliders = [w for ui in uis for w in ui.controls.values() if isinstance(w, W.FloatLogSlider)]
    assert len(sliders) == 1  # the Playground's; the explorers' log sliders take round values (base.round_log_slider)
    rounds = [ui.controls["learning_rate"] for ui in uis[1:]]
    assert all(isinstance(s, W.SelectionSlider) and s.value in s._options_values for s in rounds)
    assert rounds[1].value == 0.09  # a default between the round values is one of them
    for s in sliders:
        k = (np.log10(s.value) - s.min) / s.step
        assert abs(k - round(k)) < 1e-6, (s.description, s.value, s.min)
        assert s.min <= np.log10(s.value) <= s.max
    assert sliders[0].value == 0.03 and 10 ** sliders[0].min >= 1e-5 - 1e-12 and 10 ** sliders[0].max <= 10


def test_a_chinese_label_gets_the_room_of_its_characters():
    """Labels take 7 px a column plus 14; a Chinese character is two columns (about 1 em at 13 px): the
    activation explorer's 输入范围 ± was cut to 输入范… when each character counted as one."""
    import dlteach as dt
    from dlteach.widgets.base import columns

    assert columns("input range ±") == 13 and columns("输入范围 ±") == 10 and columns("（第02课）") == 10
    try:
        dt.set_language("zh_CN")
        ui = ActivationExplorer().widget()
        labels = [w.description for w in ui.controls.values()]
        width = int(next(iter(ui.controls.values())).style.description_width.rstrip("px"))
    finally:
        dt.set_language("en")
    assert any(ord(ch) > 0x3000 for label in labels for ch in label), labels  # the labels are Chinese
    assert width >= min(7 * max(columns(label) for label in labels) + 14, 150)
    assert width > 7 * max(len(label) for label in labels) + 14  # more than a count of characters gives
