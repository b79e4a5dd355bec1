"""The Playground driven headless: through its methods and through its widget controls."""
import numpy as np
import pytest

import dlteach as dt
from dlteach import data
from dlteach.core import L1L2
from dlteach.widgets import Playground
from dlteach.widgets.playground import ACTIVATIONS, LIMITS, OPTIMIZERS, REG_RATES
from colab_support import last_line_in_colab, needs_colab
from twin_tolerance import twin_tol


def weights(pg):
    return [w.copy() for w in pg.model.get_weights()]


def same(a, b):
    return all(np.array_equal(x, y) for x, y in zip(a, b))


def test_default_run_learns_and_draws_everything():
    pg = Playground(optimizer="adam", learning_rate=0.03)
    pg.step(30)
    assert pg.epoch == 30 and len(pg.history["train"]) == 30
    assert pg.history["train"][-1] < 0.5 * pg.history["train"][0]
    fig = pg.draw()
    ax_net, ax_out, ax_loss = fig.axes
    assert ax_out.get_title().startswith("output after epoch 30: train loss")
    assert ax_out.get_xlabel() == "x1" and ax_out.get_ylabel() == "x2"
    assert ax_loss.get_xlabel() == "epoch" and ax_loss.get_ylabel() == "loss"
    assert len(ax_loss.lines) == 2 and len(ax_loss.lines[0].get_xdata()) == 30
    # the boundary is real data: probabilities, and the circle's centre is class 1 (blue)
    assert pg.boundary.shape == (50 * 50,) and 0 <= pg.boundary.min() and pg.boundary.max() <= 1
    centre = pg.boundary.reshape(50, 50)[22:28, 22:28].mean()
    corner = pg.boundary.reshape(50, 50)[:5, :5].mean()
    assert centre > 0.7 and corner < 0.3
    # one neuron map per node: 2 inputs + 4 + 4 + 1 output, each on its own symmetric colour range
    maps = pg._artists["network"]["maps"].maps
    assert maps.shape == (2 + 4 + 4 + 1, 20, 20) and np.allclose(np.abs(maps * 2 - 1).max(axis=(1, 2)), 1)
    assert len(pg.png()) > 10_000


def test_learning_rate_and_regularisation_do_not_reset_but_architecture_does():
    pg = Playground()
    pg.step(5)
    w = weights(pg)
    pg.set(learning_rate=0.1, regularization="L2", reg_rate=0.01, batch_size=30, optimizer="adam")
    assert pg.epoch == 5 and same(w, weights(pg))
    assert all(layer.reg.l2 == 0.01 for layer in pg.model.dense_layers)
    # the changes reached the optimizer that trains, not only the settings dictionary
    assert type(pg.optimizer).__name__ == "Adam" and pg.optimizer.learning_rate == 0.1
    pg.set(learning_rate=0.3)  # a learning rate alone also reaches the optimizer
    assert pg.optimizer.learning_rate == 0.3 and pg.epoch == 5
    pg.step(2)
    assert pg.epoch == 7
    pg.set(neurons=3)
    assert pg.epoch == 0 and pg.sizes == [2, 3, 3, 1]


def test_rewind_replays_exactly_and_reset_draws_new_weights():
    pg = Playground(dataset="xor", optimizer="momentum")
    w0 = weights(pg)
    pg.step(4)
    first = list(pg.history["train"])
    pg.rewind()
    assert pg.epoch == 0 and same(w0, weights(pg))
    pg.step(4)
    assert pg.history["train"] == first
    pg.reset()
    assert not same(w0, weights(pg))


@pytest.mark.parametrize("dataset", data.DATASETS)
def test_every_dataset_trains_and_draws(dataset):
    pg = Playground(dataset=dataset, optimizer="adam", learning_rate=0.01)
    initial = pg.losses()[0]
    pg.step(5)
    pg.draw()
    assert pg.epoch == 5 and pg.message == ""
    assert np.all(np.isfinite(pg.history["train"])) and pg.history["train"][-1] < initial  # it learns
    if dataset == "spiral3":
        assert set(np.unique(pg.boundary)) <= {0, 1, 2} and pg.sizes[-1] == 3
    elif dataset.startswith("reg"):
        assert pg.model.loss.name == "mse" and pg.sizes[-1] == 1


@pytest.mark.parametrize("key", ["hidden", "neurons", "batch_size", "learning_rate", "train_ratio", "noise"])
@pytest.mark.parametrize("end", [0, 1])
def test_slider_extremes(key, end):
    value = LIMITS[key][end]
    pg = Playground(**{key: value})
    pg.step(2)
    fig = pg.draw()
    # every extreme trains (measured: even the largest learning rate, 10, does not diverge in 2 epochs)
    assert pg.epoch == 2 and pg.message == "" and np.all(np.isfinite(pg.history["train"]))
    assert fig.axes[1].get_title().startswith("output after epoch 2")
    assert pg.cfg[key] == value
    if key == "hidden":
        assert len(pg.sizes) == 2 + value
    elif key == "neurons":
        assert pg.sizes == [2, value, value, 1]
    elif key == "learning_rate":
        assert pg.optimizer.learning_rate == value
    elif key == "train_ratio":
        assert len(pg.X_train) == round(value * 500) and len(pg.X_train) + len(pg.X_test) == 500


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_every_activation_and_optimizer(activation, optimizer):
    pg = Playground(activation=activation, optimizer=optimizer, loss="mse")
    initial = pg.losses()[0]
    pg.step(2)
    assert pg.epoch == 2 and pg.message == "" and pg.history["train"][-1] < initial  # trained, not diverged
    assert all(layer.act.name == activation for layer in pg.model.dense_layers[:-1])
    assert pg.model.loss.name == "mse"
    # the same run as the lessons' fit with this activation and optimizer, bit for bit
    model = dt.MLP(pg.sizes, activation, "sigmoid", "mse", seed=0)
    dt.fit(model, pg.X_train, pg.y_train, optimizer, learning_rate=0.03, epochs=2, batch_size=10, seed=0,
           verbose=0)
    assert same(model.get_weights(), weights(pg))


@pytest.mark.parametrize("features", [("x1",), ("x1^2", "x2^2"), tuple(data.FEATURES)])
def test_input_features(features):
    pg = Playground(features=features)
    assert pg.sizes[0] == len(features)
    pg.step(1)
    assert [t.get_text() for t in pg.draw().axes[0].texts[:len(features)]] == list(features)


@pytest.mark.parametrize("rate", [REG_RATES[1], REG_RATES[-1]])
def test_regularisation_extremes(rate):
    pg = Playground(regularization="L1", reg_rate=rate, dataset="gauss")
    assert all((layer.reg.l1, layer.reg.l2) == (rate, 0.0) for layer in pg.model.dense_layers)
    pg.step(3)
    assert pg.epoch == 3 and pg.message == ""
    plain = Playground(dataset="gauss")  # the same run without the penalty
    plain.step(3)

    def l1_norm(p):
        return sum(np.abs(layer.W).sum() for layer in p.model.dense_layers)

    # L1 pulls every weight towards zero: smaller weights than without it, far smaller at rate 10
    assert l1_norm(pg) < l1_norm(plain)
    if rate == REG_RATES[-1]:
        assert l1_norm(pg) < 0.5 * l1_norm(plain)
    # and exactly the lessons' fit with an L1 penalty on every Dense layer
    model = dt.MLP(pg.sizes, "tanh", "sigmoid", "binary_crossentropy", seed=0)
    for layer in model.dense_layers:
        layer.reg = L1L2(rate, 0.0)
    dt.fit(model, pg.X_train, pg.y_train, "sgd", learning_rate=0.03, epochs=3, batch_size=10, seed=0, verbose=0)
    assert same(model.get_weights(), weights(pg))


def test_divergence_shows_a_message_not_a_grey_plot():
    pg = Playground(dataset="reg_plane", activation="relu", learning_rate=10.0, hidden=3, neurons=8)
    pg.step(10)
    assert pg.message.startswith("Training diverged at epoch")
    assert "smaller learning rate than 10" in pg.message
    assert all(np.all(np.isfinite(w)) for w in pg.model.get_weights())
    fig = pg.draw()
    assert np.all(np.isfinite(pg.boundary))
    assert any("Training diverged" in t.get_text() and t.get_visible() for t in fig.axes[1].texts)
    full = pg.png()
    buf = __import__("io").BytesIO()
    pg.figure.savefig(buf, format="png")  # the message drawn in place equals a full render
    diff = np.abs(pixels(full) - pixels(buf.getvalue())).max(axis=2)
    assert diff.max() <= 16 and np.mean(diff > 2) < 0.002, (diff.max(), np.mean(diff > 2))
    epoch = pg.epoch
    pg.step(5)  # stays stopped
    assert pg.epoch == epoch
    pg.set(learning_rate=0.001)  # a new learning rate lets training go on from the kept weights
    assert pg.message == "" and pg.epoch == epoch
    pg.step(2)
    assert pg.epoch == epoch + 2
    assert not any("Training diverged" in t.get_text() and t.get_visible() for t in pg.draw().axes[1].texts)
    pg.rewind()
    assert pg.message == "" and pg.epoch == 0


def test_bad_settings_are_named():
    with pytest.raises(ValueError, match="hidden must be an integer from 0 to 6, got 7"):
        Playground(hidden=7)
    with pytest.raises(ValueError, match="learning_rate must be from 1e-05 to 10"):
        Playground(learning_rate=100.0)
    with pytest.raises(ValueError, match="Unknown activation 'swish'. Valid: tanh"):
        Playground().set(activation="swish")
    with pytest.raises(ValueError, match="at least one input feature"):
        Playground().set(features=())
    with pytest.raises(ValueError, match="no setting 'depth'"):
        Playground(depth=3)
    with pytest.raises(ValueError, match="Unknown dataset 'circles'"):
        Playground(dataset="circles")


def test_keras_backend_gives_the_same_run():
    runs = {}
    for backend in ("numpy", "keras"):
        pg = Playground(dataset="xor", backend=backend, optimizer="adam", learning_rate=0.01,
                        regularization="L2", reg_rate=0.001, batch_size=25)
        pg.step(3)
        runs[backend] = (pg.history["train"], weights(pg))
    assert np.allclose(runs["numpy"][0], runs["keras"][0], rtol=twin_tol(1e-12))
    assert max(np.max(np.abs(a - b)) for a, b in zip(runs["numpy"][1], runs["keras"][1])) < twin_tol(1e-12)


def test_widget_controls_drive_the_playground():
    pg = Playground()
    ui = pg.widget()
    first = ui.image.value
    ui.controls["learning_rate"].value = 1.0
    assert pg.cfg["learning_rate"] == pytest.approx(1.0) and pg.epoch == 0
    assert pg.optimizer.learning_rate == pytest.approx(1.0) and ui.message.value == ""
    ui.step_button.click()
    assert pg.epoch == 10 and "epoch 10" in ui.status.value
    assert ui.image.value != first
    ui.play.value = 1  # what a tick of the play button does: one frame, about 60 ms of whole epochs
    trained = pg.epoch - 10
    assert trained >= 1 and f"epoch {pg.epoch}</b> (+{trained} this frame)" in ui.status.value
    ui.controls["hidden"].value = 0
    assert pg.sizes == [2, 1] and pg.epoch == 0
    ui.controls["features"].value = ()
    assert "at least one input feature" in ui.message.value
    ui.controls["dataset"].value = "spiral3"
    assert pg.sizes[-1] == 3 and ui.message.value == ""  # a good change clears the old message
    ui.step_button.click()
    assert pg.epoch == 10
    ui.rewind_button.click()
    assert pg.epoch == 0 and same(pg.initial_weights, weights(pg)) and "epoch 0" in ui.status.value
    w0 = weights(pg)
    ui.reset_button.click()
    assert pg.epoch == 0 and not same(w0, weights(pg))  # new initial weights


def test_updating_the_figure_draws_the_same_as_rebuilding_it():
    a = Playground(optimizer="adam")
    a.step(5)
    a.png()
    a.step(5)
    updated = a.png()  # same data and architecture: artists updated in place
    b = Playground(optimizer="adam")
    b.step(10)
    assert updated == b.png()  # drawn from scratch


@pytest.mark.parametrize("settings", [{}, {"dataset": "spiral3"}, {"dataset": "reg_gauss", "hidden": 0}])
def test_blitted_png_equals_a_full_render(settings):
    import io

    from PIL import Image

    pg = Playground(optimizer="adam", **settings)
    pg.step(3)
    pg.png()
    pg.step(2)  # an update that only redraws the changing artists over the kept background
    blitted = np.asarray(Image.open(io.BytesIO(pg.png())).convert("RGB")).astype(int)
    buf = io.BytesIO()
    pg.figure.savefig(buf, format="png")  # everything drawn from scratch
    full = np.asarray(Image.open(buf).convert("RGB")).astype(int)
    assert blitted.shape == full.shape
    diff = np.abs(blitted - full).max(axis=2)
    # the same picture: only anti-aliased edges blended over the kept background differ, slightly
    assert diff.max() <= 16 and np.mean(diff > 2) < 0.002, (diff.max(), np.mean(diff > 2))


def test_training_settings_say_they_apply_at_the_next_step():
    """Learning rate, batch size, optimizer, regularisation and backend change nothing on the figure
    until the next step: the widget says so at once, and the note goes away with the step."""
    pg = Playground(dataset="xor", seed=0)
    ui = pg.widget()
    assert ui.note.value == ""
    ui.controls["batch_size"].value = 20
    assert "batch size = 20: applies from the next step" in ui.note.value and ui.message.value == ""
    ui.step_button.click()
    assert ui.note.value == "" and pg.epoch == 10
    ui.controls["noise"].value = 0.1          # a data setting redraws at once: no note
    assert ui.note.value == ""
    if "tooltip" in ui.play.trait_names():  # ipywidgets 8; 7.7 (Colab) has none on Play
        assert "play" in ui.play.tooltip


def test_a_time_budget_cuts_the_same_run_into_frames():
    """frame() and step(budget=) train whole epochs until the budget is spent (at least one): the
    run is the same as without a budget, only cut into pieces."""
    whole = Playground(dataset="xor", hidden=6, neurons=8, batch_size=1)
    whole.step(3)
    framed = Playground(dataset="xor", hidden=6, neurons=8, batch_size=1)
    assert framed.step(3, budget=1e-9).epoch == 1  # a budget spent at once: one epoch
    assert framed.frame(budget=1e-9) == 1 and framed.epoch == 2
    assert framed.frame(budget=60.0, max_epochs=1) == 1  # at most max_epochs
    assert framed.history == whole.history and same(weights(framed), weights(whole))
    # a small network trains many epochs a frame (2 s: enough for two epochs on a machine busy with other runs)
    assert Playground().frame(budget=2.0, max_epochs=500) > 1
    with pytest.raises(ValueError, match="budget must be > 0"):
        Playground().step(1, budget=0)


def test_a_growing_loss_range_rescales_the_plot_without_a_rebuild():
    import io

    from PIL import Image

    pg = Playground(optimizer="adam")
    pg.step(15)
    pg.png()
    axes, background = pg.figure.axes, pg._blit.background
    pg.step(10)  # epoch 25: the x range doubles from 20 to 40
    png = pg.png()
    assert pg.figure.axes == axes and pg.figure.axes[2].get_xlim() == (0, 40)  # the same figure, rescaled
    assert pg._blit.background is not background or not pg._blit.on  # drawn again where blitting runs
    blitted = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    buf = io.BytesIO()
    pg.figure.savefig(buf, format="png")
    full = np.asarray(Image.open(buf).convert("RGB")).astype(int)
    diff = np.abs(blitted - full).max(axis=2)
    assert diff.max() <= 16 and np.mean(diff > 2) < 0.002, (diff.max(), np.mean(diff > 2))
    # and the same picture as a figure built at epoch 25 from scratch
    fresh = Playground(optimizer="adam")
    fresh.step(25)
    rebuilt = np.asarray(Image.open(io.BytesIO(fresh.png())).convert("RGB")).astype(int)
    assert np.abs(blitted - rebuilt).max() <= 16 and np.mean(np.abs(blitted - rebuilt).max(axis=2) > 2) < 0.002


@pytest.mark.parametrize("settings", [dict(dataset="spiral3", optimizer="momentum", batch_size=30),
                                      dict(dataset="reg_gauss", optimizer="rmsprop", batch_size=7, hidden=3)])
def test_keras_backend_runs_whole_epochs_in_one_call_with_the_same_batches(settings):
    """The Keras backend takes an epoch's steps in one compiled call (KerasEpochTrainer): ragged last
    batches, softmax and regression outputs, every batch's loss and the weights as the NumPy run."""
    runs = {}
    for backend in ("numpy", "keras"):
        pg = Playground(backend=backend, learning_rate=0.01, **settings)
        pg.step(2)
        pg.step(1, budget=1e-9)  # cut into pieces: the next epoch's batches all the same
        runs[backend] = (pg.history["train"], weights(pg), pg.epoch)
    assert runs["numpy"][2] == runs["keras"][2] == 3
    assert np.allclose(runs["numpy"][0], runs["keras"][0], rtol=twin_tol(1e-12))
    assert max(np.max(np.abs(a - b)) for a, b in zip(runs["numpy"][1], runs["keras"][1])) < twin_tol(1e-12)


def test_keras_backend_diverges_as_the_numpy_one():
    messages = {}
    for backend in ("numpy", "keras"):
        pg = Playground(dataset="reg_plane", activation="relu", learning_rate=10.0, hidden=3, neurons=8,
                        backend=backend)
        pg.step(10)
        assert all(np.all(np.isfinite(w)) for w in pg.model.get_weights())  # the last good weights kept
        messages[backend] = (pg.message, pg.epoch)
    assert messages["keras"] == messages["numpy"] and messages["keras"][0].startswith("Training diverged")


# --- the widget's feedback and its picture where no kernel runs -------------------------------------
LIVE_TEXT = "Playground (a live widget: run the notebook to use its controls)"


def displayed(ui) -> dict:
    """The bundle a notebook receives for `ui` (ipywidgets 8: IPython's formatter; 7.7: _ipython_display_'s)."""
    import ipywidgets as W
    from IPython.core.formatters import DisplayFormatter

    if W.__version__.startswith("7."):
        return ui._repr_mimebundle_()
    return DisplayFormatter().format(ui)[0]


def test_the_display_carries_the_figure_as_a_picture_not_the_vbox_repr():
    import base64

    from dlteach.widgets.base import WIDGET_VIEW

    pg = Playground()
    ui = pg.widget()
    shown = displayed(ui)
    assert shown[WIDGET_VIEW]["model_id"] == ui.model_id
    assert shown["text/plain"] == LIVE_TEXT and "VBox(" not in shown["text/plain"]
    assert base64.b64decode(shown["image/png"]) == ui.image.value
    ui.step_button.click()                                        # trained: the picture follows the figure
    assert base64.b64decode(displayed(ui)["image/png"]) == ui.image.value != base64.b64decode(shown["image/png"])


@needs_colab
def test_the_picture_and_tooltips_with_ipywidgets_7():
    code = ("import ipywidgets as W; from dlteach.widgets import Playground\n"
            "pg = Playground(); ui = pg.widget(); d = ui._repr_mimebundle_()\n"
            "ui.pg_features = lambda: pg.cfg['features']\n"
            "assert callable(ui._ipython_display_)\n"
            "assert ui.more.value is False and ui.upload.description_tooltip.startswith('upload a CSV')\n"
            "ui.controls['features'].buttons[2].value = True; assert ui.pg_features() == ('x1', 'x2', 'x1^2')\n"
            "print(); print(W.__version__, d['image/png'][:8], sorted(d)[1], ui.play.description_tooltip[:5], "
            "ui.busy.value == '', d['text/plain'])")
    version, png, kind, tip, idle, text = last_line_in_colab(code).split(" ", 5)
    assert version.startswith("7.") and png == "iVBORw0K"           # base64 of the PNG signature
    assert kind == "image/png" and tip == "play:" and idle == "True" and text == LIVE_TEXT


def test_a_slow_step_shows_the_busy_sign_and_a_fast_frame_does_not(monkeypatch):
    from dlteach.widgets import base

    pg = Playground()
    ui = pg.widget()
    seen, shown = [], []
    ui.busy.observe(lambda change: shown.append(change["new"]), names="value")
    step = pg.step

    def slow_step(*args, **kwargs):
        import time
        time.sleep(0.3)
        seen.append((ui.busy.value, "dlteach-busy" in ui._dom_classes))  # what the page shows meanwhile
        return step(*args, **kwargs)

    monkeypatch.setattr(base, "BUSY_AFTER", 0.1)
    monkeypatch.setattr(pg, "step", slow_step)
    ui.step_button.click()
    assert pg.epoch == 10 and seen
    busy_text, dimmed = seen[0]
    assert "computing" in busy_text and "step" in busy_text and dimmed
    assert shown == [busy_text, ""] and "dlteach-busy" not in ui._dom_classes   # shown once, cleared once
    monkeypatch.setattr(pg, "step", step)
    from test_widget_feedback import all_cancelled, record_timers

    timers = record_timers(monkeypatch)  # a frame (~60 ms) far below BUSY_AFTER: its sign's timer is cancelled
    shown.clear()
    ui.play.value = 1
    assert shown == [] and pg.epoch > 10 and all_cancelled(timers)


def test_a_control_echoed_back_by_the_browser_changes_nothing():
    pg = Playground()
    ui = pg.widget()
    rate = pg.cfg["learning_rate"]
    ui.controls["learning_rate"].value = float(10 ** np.log10(rate)) * (1 + 1e-14)  # the browser's 10 ** position
    assert pg.cfg["learning_rate"] == rate and ui.note.value == ""  # no "learning rate = 0.0300000001" note
    ui.controls["learning_rate"].value = 0.3
    assert pg.cfg["learning_rate"] == 0.3 and "learning rate = 0.3: applies from the next step" in ui.note.value


def test_a_preset_off_the_slider_grid_gets_a_new_learning_rate_slider():
    """A shown slider sent a new range and value snaps one to the other in the browser and sends the
    result back (a preset's 0.01 came back as 0.0316, measured in JupyterLab): a rate off the slider's
    grid gets a new slider whose grid passes through it; a rate on the grid moves the same slider."""
    pg = Playground()                                             # 0.03: grid 10^(-1.523 + 0.1 k)
    ui = pg.widget()
    first = ui.controls["learning_rate"]
    ui.presets.value = "too high a learning rate"                 # 3.0 = 10^(-1.523 + 2.0): on the grid
    assert ui.controls["learning_rate"] is first and first.value == pytest.approx(3.0)
    ui.presets.value = "a spiral needs depth"                     # 0.01: off it
    slider = ui.controls["learning_rate"]
    assert slider is not first and slider.value == pytest.approx(0.01) and pg.cfg["learning_rate"] == 0.01
    steps = (np.log10(0.01) - slider.min) / slider.step
    assert abs(steps - round(steps)) < 1e-9                       # its grid passes through 0.01
    shown = ui.children[0].children
    assert slider in shown and first not in shown and slider.description == first.description
    slider.value = 0.1                                            # the new slider drives the Playground
    assert pg.cfg["learning_rate"] == 0.1 and pg.optimizer.learning_rate == pytest.approx(0.1)


def pixels(png):
    import io

    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


@pytest.mark.parametrize("change", [dict(noise=0.3), dict(dataset="spiral"), dict(train_ratio=0.2), dict(seed=3),
                                    dict(hidden=6, neurons=8), dict(hidden=0), dict(neurons=1),
                                    dict(features=("x1", "x2", "x1^2", "sin x2")), dict(activation="relu"),
                                    dict(dataset="spiral3"), dict(dataset="reg_plane")])
def test_a_change_of_settings_updates_the_figure_in_place_as_a_fresh_one_draws_it(change):
    """A control changes the kept figure in place (points moved, network panel or loss plot drawn
    again into the background), not rebuilt: the picture equals a fresh Playground's with the same
    settings. Only a new number of classes or a regression task builds new axes."""
    kept = Playground(dataset="xor", optimizer="adam")
    kept.step(25)  # the loss plot's x range has doubled to 40: a new run goes back to 20
    kept.png()
    axes = kept.figure.axes
    kept.set(**change)
    kept.step(3)
    updated = pixels(kept.png())
    fresh = Playground(**{"dataset": "xor", "optimizer": "adam", **change})
    fresh.step(3)
    assert (kept.figure.axes == axes) == (kept.k == 2 and kept.classify)  # 3 classes, regression: new axes
    diff = np.abs(updated - pixels(fresh.png())).max(axis=2)
    # anti-aliased edges blended over the kept background may differ slightly, nothing else
    assert diff.max() <= 16 and np.mean(diff > 2) < 0.002, (diff.max(), np.mean(diff > 2))


@pytest.mark.parametrize("sizes", [(2, 4, 4, 1), (7, 8, 8, 8, 8, 8, 8, 1), (2, 1)])
def test_the_network_panel_draws_what_network_diagram_draws(sizes):
    """plots.network_panel (one NodeMaps artist for every node's map and frame) draws the picture of
    plots.network_diagram (an AxesImage and a Rectangle per node): only bilinear blends differ a
    little (colours interpolated before or after the colour map)."""
    from matplotlib.figure import Figure

    from dlteach import plots
    from dlteach.widgets import fastagg
    from dlteach.widgets.fastagg import TextCachingCanvas

    rng = np.random.default_rng(0)
    weights = [rng.normal(size=(a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    grid = plots.grid(6.0, 20)
    maps = [[np.tanh(grid @ rng.normal(size=2) + rng.normal()).reshape(20, 20) for _ in range(n)] for n in sizes]
    drawn = []
    for draw in (plots.network_diagram, plots.network_panel):
        fig = Figure(figsize=(6.4, 4.3), dpi=80)
        TextCachingCanvas(fig)
        draw(fig.add_axes((0, 0, 1, 0.93)), weights, list(sizes), input_names=[f"x{i}" for i in range(sizes[0])],
             node_maps=maps)
        fig.canvas.draw()
        drawn.append(np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(int))
    diff = np.abs(drawn[0] - drawn[1]).max(axis=2)
    # matplotlib 3.8 (the lowest set) places network_diagram's resampled AxesImages a pixel row apart from
    # where 3.11 (and NodeMaps, on every version) put them
    near, far = (0.06, 0.015) if fastagg.MATPLOTLIB == "3.8" else (0.05, 0.003)
    assert np.mean(diff > 2) < near and np.mean(diff > 40) < far, (np.mean(diff > 2), np.mean(diff > 40))
    assert (drawn[1] != 255).any(axis=2).mean() > 0.05  # the maps are there at all (white would pass the above)


def test_the_png_holds_exactly_the_drawn_pixels():
    """plots.canvas_png (unfiltered RGB rows, deflated) is a valid PNG that PIL reads back as exactly
    the canvas's pixels."""
    pg = Playground(dataset="spiral3", hidden=3)
    pg.step(2)
    png = pg.png()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    canvas = np.asarray(pg.figure.canvas.buffer_rgba())
    assert (canvas[..., 3] == 255).all()  # opaque: dropping alpha loses nothing
    assert np.array_equal(pixels(png), canvas[..., :3])


def test_a_frame_trains_for_what_the_drawing_leaves_of_the_frame_time(monkeypatch):
    """frame()'s default budget is FRAME_TIME less the last PNG's drawing time, and training stops
    before an epoch (as long as the last) that would end past it. A clock that moves 10 ms a reading
    (one reading at the start, one per epoch end) makes every epoch last 10 ms."""
    import itertools

    from dlteach.widgets import playground as P

    pg = Playground()
    pg.png()
    assert 0 < pg._draw_seconds < 1  # measured on every plain redraw
    clock = itertools.count(0.0, 0.01)
    monkeypatch.setattr(P.time, "perf_counter", lambda: next(clock))
    pg._draw_seconds = P.FRAME_TIME - 0.055  # 55 ms left: epochs end at 20, 30, 40, 50 ms; a 5th would end at 60
    assert pg.frame() == 4
    pg._draw_seconds = P.FRAME_TIME  # the drawing fills the frame: still one epoch, so that play moves on
    assert pg.frame() == 1
    assert pg.frame(budget=0.055, max_epochs=3) == 3 and pg.epoch == 8


# --- one projector screen and lesson 07's defects (issue 28) ----------------------------------------------
def test_a_training_setting_is_noted_in_the_readouts_format():
    """The note printed 0.01258925412 where the slider's readout says 0.0126: one format (.3g)."""
    pg = Playground()
    ui = pg.widget()
    ui.controls["learning_rate"].value = 0.01258925412
    assert "learning rate = 0.0126: applies from the next step" in ui.note.value and "0.01258" not in ui.note.value
    ui.controls["learning_rate"].value = 3.1622776601683795  # the browser's 10 ** 0.5
    assert "learning rate = 3.16:" in ui.note.value


def test_rewind_is_disabled_when_there_is_nothing_to_rewind_and_says_why():
    from dlteach.widgets.playground_ui import build

    pg = Playground()
    ui = pg.widget()
    assert ui.rewind_button.disabled and "nothing to rewind" in ui.rewind_button.tooltip
    ui.step_button.click()
    assert not ui.rewind_button.disabled and "nothing" not in ui.rewind_button.tooltip
    ui.reset_button.click()                                       # reset: epoch 0 from new weights
    assert pg.epoch == 0 and ui.rewind_button.disabled
    ui.rewind_button._click_handlers(ui.rewind_button)            # a click that reached it anyway says why
    assert "nothing to rewind" in ui.note.value and pg.epoch == 0
    ui.step_button.click()
    ui.rewind_button.click()
    assert pg.epoch == 0 and ui.rewind_button.disabled and ui.note.value == ""
    diverged = Playground(dataset="reg_plane", activation="relu", learning_rate=10.0, hidden=3, neurons=8)
    diverged.step(10)
    diverged.rewind()
    diverged.message = "Training diverged in the first epoch"     # where the first epoch diverges: epoch 0
    ui = build(diverged)
    assert diverged.epoch == 0 and not ui.rewind_button.disabled  # something to go back from: the divergence


def test_the_csv_control_has_a_tooltip():
    ui = Playground().widget()
    tip = ui.upload.tooltip if "tooltip" in ui.upload.trait_names() else ui.upload.description_tooltip
    assert tip and tip.startswith("upload a CSV file of x1, x2, label")


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""
    def luminance(colour):
        c = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255
        c = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_the_features_are_one_row_of_toggles_whose_selected_state_is_clear():
    """Seven toggle buttons in one row (a list took seven rows); the selected ones dark blue with white
    bold text (at least 4.5:1, where the list's selection was faint grey) and a check mark; a button's
    width does not depend on its state."""
    import re

    from dlteach.widgets.playground_ui import FEATURES_CSS

    pg = Playground()
    ui = pg.widget()
    chooser = ui.controls["features"]
    assert [b.description for b in chooser.buttons] == list(data.FEATURES)
    assert [b.value for b in chooser.buttons] == [True, True, False, False, False, False, False]
    widths = [b.layout.width for b in chooser.buttons]
    chooser.buttons[3].value = True                               # x2^2 on: the Playground follows
    assert pg.cfg["features"] == ("x1", "x2", "x2^2") and chooser.value == pg.cfg["features"]
    assert [b.icon for b in chooser.buttons][:4] == ["check", "check", "", "check"]
    assert [b.layout.width for b in chooser.buttons] == widths
    chooser.value = ("sin x1",)                                   # set from code (a preset): the buttons follow
    assert [b.value for b in chooser.buttons] == [False] * 5 + [True, False] and pg.cfg["features"] == ("sin x1",)
    assert all("dlteach-feature" in b._dom_classes for b in chooser.buttons)
    background = re.search(r"mod-active \{background: (#[0-9a-f]{6})", FEATURES_CSS).group(1)
    text = re.search(r"color: (#[0-9a-f]{3,6})", FEATURES_CSS).group(1)
    text = "#" + "".join(ch * 2 for ch in text[1:]) if len(text) == 4 else text
    assert contrast(background, text) >= 4.5 and contrast(background, "#eeeeee") >= 3  # and against a plain one


def test_the_keras_code_opens_in_the_pictures_place_at_its_height():
    from dlteach.widgets.playground_settings import FIGURE_DPI, FIGURE_INCHES

    pg = Playground()
    ui = pg.widget()
    assert ui.keras_code.layout.display == "none" and ui.image.layout.display != "none"
    ui.keras_button.click()
    assert ui.keras_code.layout.display == "block" and ui.image.layout.display == "none"
    assert "keras.Sequential" in ui.keras_code.value or "import keras" in ui.keras_code.value
    assert ui.keras_code.layout.height == f"{FIGURE_INCHES[1] * FIGURE_DPI:.0f}px"
    assert ui.children.index(ui.keras_code) == ui.children.index(ui.image) - 1  # where the picture is
    ui.keras_button.click()
    assert ui.keras_code.layout.display == "none" and ui.image.layout.display != "none"


def test_the_layout_keeps_still_what_changes_state():
    """Rarely used settings in a collapsed group that a button (keys too) opens; the buttons' row never wraps
    and the status has a fixed width; notes, messages and the busy sign share one line of fixed minimum height."""
    pg = Playground()
    ui = pg.widget()
    assert ui.more.value is False and ui.more_settings.layout.display == "none"   # a button opens the group
    ui.more.value = True
    assert ui.more_settings.layout.display == "flex" and ui.more.icon == "caret-down"
    inside = ui.more_settings.children
    for key in ("regularization", "reg_rate", "optimizer", "loss", "backend", "seed"):
        assert ui.controls[key] in inside
    assert ui.upload in inside and ui.task in inside
    assert "widget-inline-hbox" in ui.controls["backend"]._dom_classes  # its label beside its buttons
    buttons = ui.step_button.layout
    row = next(c for c in ui.children if ui.step_button in getattr(c, "children", ()))
    assert row.layout.flex_flow == "row nowrap" and ui.status in row.children and ui.status.layout.width
    assert buttons.width and ui.play.layout.flex == "0 0 auto"
    info = next(c for c in ui.children if ui.note in getattr(c, "children", ()))
    assert ui.busy in info.children and ui.message in info.children and info.layout.min_height
    assert ui.image.layout.align_self == "flex-start"             # its natural size, not the box's width


def test_the_network_panel_spreads_a_tall_network_across_its_width():
    """At 3 hidden layers of 8 the equal-scale panel drew the network in a narrow column (its layers 0.42
    of the panel's width apart in all); now the layers spread over most of it, the node maps stay square,
    and each weight still ends at its nodes' edges."""
    pg = Playground(hidden=3, neurons=8)
    pg.png()
    ax, net = pg._artists["ax_net"], pg._artists["network"]
    to_pixels = ax.transData.transform
    xs = [to_pixels(p)[:, 0] for p in net["positions"]]
    panel = ax.get_position(original=True).width * pg.figure.bbox.width
    assert (xs[-1][0] - xs[0][0]) > 0.7 * panel
    maps = net["maps"]
    corners = to_pixels(maps.centres + maps.half) - to_pixels(maps.centres - maps.half)
    assert np.allclose(corners[:, 0], corners[:, 1], atol=1)      # square maps
    first = net["lines"].get_segments()[0]                         # input 0 -> hidden 1's node 0
    assert np.isclose(first[0][0], maps.centres[0, 0] + maps.half)
    assert np.isclose(first[1][0], net["positions"][1][0, 0] - maps.half)
    small = Playground(hidden=0)
    small.png()
    a = small._artists
    assert a["ax_net"].get_xlim()[1] > a["network"]["positions"][-1][0, 0]  # the output node inside the panel


def test_the_widget_speaks_chinese_when_set_and_keeps_its_english_keys():
    """dt.set_language("zh_CN") (issue 27): labels, status, notes and a preset's sentence in Chinese; the menus'
    values stay the English keys the Playground compares (a preset is chosen by its English name)."""
    dt.set_language("zh_CN")
    try:
        pg = Playground(dataset="xor", seed=0)
        ui = pg.widget()
        assert ui.controls["batch_size"].description == "批量大小" and "第 0 轮" in ui.status.value
        ui.controls["batch_size"].value = 20
        assert "批量大小 = 20：从下一步起生效" in ui.note.value
        assert ui.presets.label == "（选择预设）" and ("螺旋需要深度", "a spiral needs depth") in ui.presets.options
        ui.presets.value = "a spiral needs depth"
        assert pg.cfg["dataset"] == "spiral" and "<b>螺旋需要深度</b>（训练约 300 轮）：三个隐藏层" in ui.watch.value
        assert pg.figure.axes[0].get_title().startswith("网络 2-8-8-8-1，tanh：")
    finally:
        dt.set_language("en")
    pg = Playground(dataset="xor", seed=0)
    ui = pg.widget()
    assert ui.presets.label == "(choose a preset)" and ui.status.value == "<b>epoch 0</b>"
    assert pg.figure.axes[0].get_title().startswith("network 2-4-4-1, tanh: ")
