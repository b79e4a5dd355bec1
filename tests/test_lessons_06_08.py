"""Lessons 06-08, second edition: what their explorers and claims rest on, beyond the lessons' own checks.

06: the backprop graph is readable on a projector and its boxes hold their text; the delta recursion the
lesson teaches gives the package's gradients on deeper networks too. 07: the settings whose trained state
the lesson shows converge without a loss spike on other seeds as well. 08: the depth explorer's
forward/backward metric classes each case as the lesson says over several seeds (the exploding case was
'healthy' by the old first/last gradient-norm ratio), and its figure says so.
"""
import numpy as np
import pytest

import dlteach as dt
from dlteach.widgets import BackpropExplorer, DepthExplorer, Playground
from dlteach.widgets import fastagg

# Width of a notebook output at 1366x768 in JupyterLab with the file browser open (measured in
# Chromium: 930-940 px); a wider figure is scaled down to it.
OUTPUT_PX = 930


# ------------------------------------------------------------------ 06
def test_backprop_graph_text_is_at_least_10_px_on_a_projector():
    ex = BackpropExplorer()
    fig = ex.draw()
    scale = min(1.0, OUTPUT_PX / (fig.get_figwidth() * fig.dpi))
    texts = [t for t in fig.axes[0].texts if t.get_text()]
    assert len(texts) == 3 * len(ex.L.topo())  # label, data, grad of every node
    smallest_px = min(t.get_fontsize() for t in texts) * fig.dpi / 72 * scale
    assert smallest_px >= 10, f"node text is {smallest_px:.1f} px on a 1366x768 screen"


def test_backprop_graph_boxes_hold_their_text_and_do_not_overlap():
    ex = BackpropExplorer(x1=-2.5, x2=-2.9, w1=-2.7, w2=2.8, b=-3.0, y=-1.0)  # long negative numbers
    fig = ex.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    boxes = [p.get_window_extent(renderer) for p in ax.patches]
    for text in ax.texts:
        if not text.get_text():
            continue
        t = text.get_window_extent(renderer)
        assert any(b.x0 <= t.x0 and t.x1 <= b.x1 and b.y0 <= t.y0 and t.y1 <= b.y1 for b in boxes), text.get_text()
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
def test_the_delta_recursion_of_lesson_06_gives_the_package_gradients(activation):
    """delta_L = (a_L - y)/n, then delta_l = (delta_{l+1} W_{l+1}^T) * f'(z_l), dW_l = a_{l-1}^T delta_l,
    written out for a 5-layer network, against model.loss_and_grads and central differences."""
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(9, 3)), rng.integers(0, 2, (9, 1)).astype(float)
    model = dt.MLP([3, 5, 4, 4, 3, 1], activation, "sigmoid", "binary_crossentropy", seed=2)
    layers = model.dense_layers
    slope = {"tanh": lambda z: 1 - np.tanh(z) ** 2, "relu": lambda z: (z > 0).astype(float),
             "sigmoid": lambda z: (s := 1 / (1 + np.exp(-z))) * (1 - s)}[activation]
    f = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0), "sigmoid": lambda z: 1 / (1 + np.exp(-z))}[activation]
    a, zs = [X], []
    for i, layer in enumerate(layers):
        zs.append(a[-1] @ layer.W + layer.b)
        a.append(1 / (1 + np.exp(-zs[-1])) if i == len(layers) - 1 else f(zs[-1]))
    delta = (a[-1] - y) / len(X)
    grads = []
    for i in reversed(range(len(layers))):
        grads[:0] = [a[i].T @ delta, delta.sum(axis=0)]
        if i:
            delta = (delta @ layers[i].W.T) * slope(zs[i - 1])
    _, package = model.loss_and_grads(X, y)
    assert max(dt.rel_error(m, p) for m, p in zip(grads, package)) < 1e-12
    numerical = [dt.numerical_gradient(lambda: model.evaluate(X, y), value) for _, value, _ in model.params()]
    assert max(dt.rel_error(m, n) for m, n in zip(grads, numerical)) < 1e-6


# ------------------------------------------------------------------ 07
@pytest.mark.parametrize("seed", range(5))
def test_lesson_07_trained_state_is_converged_on_every_seed(seed):
    pg = Playground(dataset="circle", hidden=2, neurons=4, activation="tanh", optimizer="adam",
                    learning_rate=0.01, seed=seed)
    pg.step(60)
    loss = np.array(pg.history["train"])
    assert loss[-1] <= 1.05 * loss[-10:].min() and loss[-1] < loss[-30]
    assert pg.accuracy("test") >= 0.98


# ------------------------------------------------------------------ 08
@pytest.mark.parametrize("seed", range(5))
def test_depth_metric_classes_each_case_as_the_lesson_says(seed):
    vanishing = DepthExplorer(depth=15, activation="sigmoid", init="glorot_uniform", seed=seed)
    assert vanishing.backward_ratio < 1e-6 and 0.1 < vanishing.forward_ratio < 10 and not vanishing.healthy
    assert vanishing.verdict == "gradients vanish"
    for activation, init in (("relu", "he_normal"), ("tanh", "glorot_uniform")):
        assert DepthExplorer(depth=15, activation=activation, init=init, seed=seed).healthy
    exploding = DepthExplorer(depth=15, activation="relu", init="bad_normal", seed=seed)
    assert exploding.forward_ratio > 1e6 and exploding.backward_ratio > 1e6 and not exploding.healthy
    assert exploding.verdict == "activations explode; gradients explode"
    # why the metric changed: first/last ||dW|| looks healthy while every ||dW|| is enormous
    assert 0.01 < exploding.ratio < 10 and exploding.norms.min() > 1e9
    shrinking = DepthExplorer(depth=15, activation="relu", init="glorot_uniform", seed=seed)
    assert shrinking.forward_ratio < 0.1 and shrinking.backward_ratio < 0.1


def test_zeros_have_no_signal_and_the_figure_says_it():
    ex = DepthExplorer(depth=5, activation="tanh", init="zeros")
    assert not np.any(ex.a_std) and ex.verdict.startswith("no signal") and not ex.healthy
    fig = ex.draw()
    assert "every activation is 0" in [t.get_text() for t in fig.axes[0].texts]
    assert "no signal" in fig._suptitle.get_text()


def test_depth_figure_histograms_are_logarithmic_and_the_title_gives_the_verdict():
    ex = DepthExplorer(depth=15, activation="relu", init="bad_normal")
    fig = ex.draw()
    ax_h, ax_s, ax_g = fig.axes
    assert ax_h.get_xscale() == "log" and ax_s.get_yscale() == "log"
    low, high = ax_h.get_xlim()
    assert high / low > 1e9  # layer 1 (|a| near 1) and layer 15 (near 1e11) both in view
    assert ex.verdict in fig._suptitle.get_text()
    assert "first/last" in ax_g.get_title() and "δ first/last" in ax_s.get_title()


def test_depth_controls_accept_what_the_lesson_asks_for():
    ui = DepthExplorer().widget()
    assert ui.controls["depth"].max == 30 and "glorot_uniform" in ui.controls["init"].options
    ui.controls["depth"].value = 30
    ui.controls["seed"].value = 3
    ui.controls["activation"].value = "relu"
    ui.controls["init"].value = "he_normal"
    assert ui.message.value == ""


@pytest.mark.browser
def test_depth_slider_at_30_and_the_initialiser_name_are_visible_at_1366x768(tmp_path):
    """In JupyterLab at 1366x768 (file browser open): the depth slider's handle at 30 lies inside its
    slider and the dropdown shows 'glorot_uniform' uncut (both were reported cut)."""
    import nbformat
    from browser_support import chromium_page, jupyterlab, require_chromium, run_all_cells

    require_chromium()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("from dlteach.widgets import DepthExplorer\n"
                                          "DepthExplorer(depth=30, init='glorot_uniform').widget()")]
    nbformat.write(nb, tmp_path / "depth.ipynb")
    with jupyterlab(tmp_path) as url, chromium_page() as page:
        run_all_cells(page, url, "depth.ipynb")
        page.wait_for_selector(".widget-hslider .noUi-handle", timeout=60_000)
        slider = page.locator(".widget-hslider").first  # 'hidden layers', the first control
        assert "hidden layers" in slider.inner_text() and "30" in slider.inner_text()
        box, handle = slider.bounding_box(), slider.locator(".noUi-handle").bounding_box()
        assert handle["width"] > 5 and box["x"] <= handle["x"] and handle["x"] + handle["width"] <= box["x"] + box["width"]
        # a <select> never overflows, it cuts its text: measure the text in the select's own font
        fits = page.evaluate("""() => [...document.querySelectorAll('.widget-dropdown select')].map(s => {
            const ctx = document.createElement('canvas').getContext('2d');
            ctx.font = getComputedStyle(s).font;
            const text = s.options[s.selectedIndex].text;
            return [text, ctx.measureText(text).width + 24 <= s.clientWidth];   // 24 px: padding and arrow
        })""")
        assert ["glorot_uniform", True] in fits, fits


def _png_pixels(png: bytes):
    import io

    from PIL import Image
    return np.asarray(Image.open(io.BytesIO(png)))


def test_depth_figure_updated_in_place_through_every_shape_equals_a_fresh_one():
    """DepthExplorer.refresh updates its three panels in place (no new axes) through the settings that
    change what they hold: 1 or 2 histograms, no histogram (every activation 0), no spread to show,
    one bar or 31, a red title; each drawing equals a fresh explorer's, pixel for pixel."""
    ex = DepthExplorer()
    ex.png()
    axes = list(ex.figure.axes)
    for settings in [dict(init="zeros"), dict(activation="relu"), dict(depth=1), dict(init="glorot_uniform"),
                     dict(depth=2), dict(depth=30), dict(init="zeros"), dict(activation="sigmoid"),
                     dict(depth=10, init="bad_normal", activation="relu"), dict(width=256), dict(seed=3, init="zeros"),
                     dict(init="he_normal", activation="tanh"), dict(depth=1, activation="linear"), dict(depth=10)]:
        ex.set(**settings)
        assert np.array_equal(_png_pixels(ex.png()), _png_pixels(DepthExplorer(**ex.cfg).png())), ex.cfg
        assert ex.figure.axes == axes  # updated, not drawn anew


def test_depth_explorer_remembers_settings_and_recomputes_what_it_dropped(monkeypatch):
    """A setting that comes back is read from DepthExplorer.CACHE, with the numbers a new computation
    gives; its activations and model, not kept, are computed again when read."""
    from dlteach.experiments import layer_statistics
    from dlteach.widgets import depth

    calls = []
    monkeypatch.setattr(depth, "layer_statistics", lambda *a, **k: calls.append(a) or layer_statistics(*a, **k))
    monkeypatch.setattr(DepthExplorer, "CACHE", {})
    ex = DepthExplorer(depth=6, width=16, activation="tanh", init="he_normal", seed=2)
    ex.set(seed=3)
    ex.set(seed=2)
    assert len(calls) == 2  # the second seed=2 was remembered
    acts, norms, model = layer_statistics(6, 16, "tanh", "he_normal", seed=2)
    assert np.array_equal(ex.norms, norms)
    assert np.array_equal(ex.a_std, [np.std(a) for a in acts])
    assert np.array_equal(ex.delta_std, [np.std(layer.delta) for layer in model.dense_layers[:-1]])
    assert all(np.array_equal(a, b) for a, b in zip(ex.acts, acts)) and len(calls) == 3  # computed again
    assert np.array_equal(ex.model.dense_layers[0].dW, model.dense_layers[0].dW) and len(calls) == 3
    with pytest.raises(ValueError):
        ex.a_std[0] = 1.0  # read-only: shared by every explorer showing this setting


def test_depth_histogram_fractions_equal_numpy_histogram():
    from dlteach.widgets.depth import _fractions

    rng = np.random.default_rng(0)
    bins = np.geomspace(1e-3, 10.0, 40)
    x = np.concatenate([np.clip(np.exp(rng.normal(size=5000)), bins[0], bins[-1]), bins, bins[[0, -1, -1]]])
    expected = np.histogram(x, bins=bins)[0] / 6000
    assert np.allclose(_fractions(x, bins, 6000), expected, rtol=0, atol=1e-15)
    assert np.array_equal(_fractions(x, bins, 1), np.histogram(x, bins=bins)[0])


def test_depth_layout_shared_by_settings_whose_texts_take_the_same_room():
    """DepthExplorer keys its cached layout by the room its texts take, not by its limits: settings
    share layouts, and each replayed layout equals a constrained layout computed from scratch."""
    ex = DepthExplorer()
    ex.png()
    moves = [dict(seed=s) for s in range(1, 6)] + [dict(depth=16), dict(width=132), dict(depth=30, seed=2),
                                                     dict(activation="tanh"), dict(init="he_normal", depth=12)]
    for settings in moves:
        ex.set(**settings)
        fresh = DepthExplorer(**ex.cfg)
        fresh.LAYOUT_CACHE = False  # a plain constrained layout
        assert np.array_equal(_png_pixels(ex.png()), _png_pixels(fresh.png())), ex.cfg
    # matplotlib 3.8 (the lowest set) places other log ticks and measures tick labels a little differently:
    # there none of these settings takes exactly another's room (the pictures are still equal, above)
    if fastagg.MATPLOTLIB != "3.8":
        assert len(ex.figure.get_layout_engine().cache) < len(moves)  # some settings replayed another's layout


def test_wide_networks_are_measured_on_a_smaller_batch_of_as_many_values():
    """DepthExplorer pushes 512 examples through networks up to 64 wide (every network of lesson 08) and
    32,768 / width through wider ones: each layer's spread is over 32,768 values, at a quarter of the cost."""
    from dlteach.experiments import layer_statistics
    from dlteach.widgets.depth import batch_size

    assert [batch_size(w) for w in (4, 16, 64, 128, 256)] == [512, 512, 512, 256, 128]
    assert DepthExplorer(depth=3, width=64).acts[0].shape == (512, 64)
    wide = DepthExplorer(depth=3, width=256, activation="tanh", seed=2)
    assert wide.acts[0].shape == (128, 256)
    acts, norms, _ = layer_statistics(3, 256, "tanh", "glorot_uniform", n=128, seed=2)
    np.testing.assert_allclose(wide.a_std, [np.std(a) for a in acts], rtol=1e-12)  # BLAS threads: round-off
    np.testing.assert_allclose(wide.norms, norms, rtol=1e-12)


def test_with_nothing_to_show_the_layer_axes_still_span_the_layers():
    """The zeros initialiser with tanh: every spread and gradient is 0, nothing is drawn on the log axes,
    yet their x axes run over the network's layers (not matplotlib's -0.05..0.05 of an empty axes)."""
    ex = DepthExplorer(depth=12, activation="tanh", init="zeros")
    _, ax_spreads, ax_gradients = ex.draw().axes
    assert ax_spreads.get_xlim() == (0.5, 12.5) and ax_gradients.get_xlim() == (0.5, 13.5)
    ex.set(init="he_normal")
    ex.set(init="zeros", depth=5)  # refreshed in place: the same
    _, ax_spreads, ax_gradients = ex.draw().axes
    assert ax_spreads.get_xlim() == (0.5, 5.5) and ax_gradients.get_xlim() == (0.5, 6.5)


@pytest.mark.parametrize("settings", [dict(activation="relu", init="he_normal"), dict(activation="tanh", depth=5),
                                      dict(depth=15, width=16), dict(depth=1, activation="linear")])
def test_depth_log_axes_do_not_zoom_a_healthy_spread_into_a_vanishing_one(settings):
    """The spreads and ||dL/dW|| axes span whole decades, at least 4 of them: a 1.6x spread of gradient norms
    (tanh, 5 layers) used to fill the panel from 7e-2 to 1.2e-1, as 10 decades of vanishing do. They hold
    every value drawn, the largest in the top decade."""
    ex = DepthExplorer(**settings)
    fig = ex.draw()
    fig.canvas.draw()
    for ax, values in ((fig.axes[1], np.r_[ex.a_std, ex.delta_std]), (fig.axes[2], ex.norms)):
        values = values[np.isfinite(values) & (values > 0)]
        low, high = np.log10(ax.get_ylim())
        assert np.isclose(low, round(low)) and np.isclose(high, round(high)) and high - low >= 4 - 1e-9
        assert 10**low <= values.min() and values.max() <= 10**high and values.max() > 10 ** (high - 1)
    if settings.get("depth") == 5:  # healthy: the bars' tops lie within the top quarter of the panel
        low, high = np.log10(fig.axes[2].get_ylim())
        tops = (np.log10(ex.norms) - low) / (high - low)
        assert tops.min() > 0.7, tops


@pytest.mark.parametrize("settings", [dict(), dict(activation="relu", init="he_normal"),
                                      dict(activation="tanh", depth=5), dict(depth=15, width=16)])
def test_depth_histogram_legend_leaves_the_outlines_clear(settings):
    """The histograms' legend sits above the tallest bin (the y axis leaves room for it): it covered them."""
    fig = DepthExplorer(**settings).draw()
    fig.canvas.draw()
    ax = fig.axes[0]
    legend = ax.get_legend().get_window_extent()
    for outline in ax.patches:
        xy = ax.transData.transform(outline.get_xy())
        under = (xy[:, 0] >= legend.x0) & (xy[:, 0] <= legend.x1)
        assert np.all(xy[under, 1] < legend.y0), "a bin reaches into the legend"
