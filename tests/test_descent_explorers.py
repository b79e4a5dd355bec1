"""Lessons 04/05 explorers as a student meets them: every control changes the picture, a start
inside the plot, 'diverged' written on the figure, readable log axes, rates the lessons ask for."""
import numpy as np
import pytest

from dlteach.core.surfaces import SURFACES
from dlteach.widgets.descent import RACE_RATES, GradientDescentExplorer, OptimizerExplorer

# a second valid value for every control (keras is tested once, it imports TensorFlow)
OTHER = {
    GradientDescentExplorer: {"surface": "ravine", "learning_rate": 0.05, "start_w1": 1.0, "start_w2": -1.0,
                              "steps": 31, "batch_size": 10},
    OptimizerExplorer: {"surface": "rosenbrock", "optimizer": "adam", "rates": "each its best",
                        "learning_rate": 0.02, "momentum": 0.5, "rho": 0.5, "beta_1": 0.5, "steps": 61},
}


@pytest.mark.parametrize("cls,name", [(c, n) for c, values in OTHER.items() for n in values],
                         ids=lambda x: getattr(x, "__name__", str(x)))
def test_every_control_changes_the_picture(cls, name):
    ex = cls()
    assert set(OTHER[cls]) | {"keras"} >= set(cls.PARAMS)  # no control is left out of this test
    before = ex.png()
    ex.set(**{name: OTHER[cls][name]})
    assert ex.png() != before, (cls.__name__, name)


def test_batch_size_says_where_it_applies():
    ex = GradientDescentExplorer(batch_size=7)
    texts = [t.get_text().replace("\n", " ") for ax in ex.draw().axes for t in ax.texts]
    assert any("batch size (7) applies to the regression surface only" in t for t in texts)
    ex.set(surface="regression")
    texts = [t.get_text() for ax in ex.draw().axes for t in ax.texts]
    assert any("mini-batches of 7" in t for t in texts)
    # at the default (the full gradient) a surface without data says nothing about batches
    assert not any("batch" in t for t in _texts(GradientDescentExplorer(surface="ravine").draw()))


def test_the_batch_note_stays_inside_its_panel():
    for settings in (dict(batch_size=7), dict(surface="regression", batch_size=7),
                     dict(surface="ravine", learning_rate=0.105, batch_size=7)):
        fig = GradientDescentExplorer(**settings).draw()
        fig.canvas.draw()
        ax = fig.axes[1]
        note = [t for t in ax.texts if "batch" in t.get_text()]
        assert len(note) == 1, settings
        box, panel = note[0].get_window_extent(), ax.get_window_extent()
        assert panel.x0 <= box.x0 and box.x1 <= panel.x1 and panel.y0 <= box.y0 and box.y1 <= panel.y1, settings


@pytest.mark.parametrize("surface", GradientDescentExplorer.PARAMS["surface"].choices)
def test_choosing_a_surface_starts_inside_its_plot(surface):
    ex = GradientDescentExplorer().set(surface=surface)
    x0, x1, y0, y1 = ex.problem.extent
    assert x0 <= ex.cfg["start_w1"] <= x1 and y0 <= ex.cfg["start_w2"] <= y1
    assert (ex.cfg["start_w1"], ex.cfg["start_w2"]) == tuple(ex.problem.start)
    # an explicit start wins
    ex = GradientDescentExplorer(surface=surface, start_w1=0.5, start_w2=-0.5)
    assert (ex.cfg["start_w1"], ex.cfg["start_w2"]) == (0.5, -0.5)


def test_the_widget_moves_the_start_sliders_with_the_surface():
    ui = GradientDescentExplorer().widget()
    ui.controls["surface"].value = "ravine"
    assert ui.controls["start_w1"].value == pytest.approx(-1.8)
    assert ui.controls["start_w2"].value == pytest.approx(0.6)


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_diverged_paths_are_labelled_on_the_figure():
    gd = GradientDescentExplorer(surface="ravine", learning_rate=0.105, steps=60)
    assert gd.diverged and "diverged" in _texts(gd.draw())
    ok = GradientDescentExplorer(surface="ravine", learning_rate=0.09, steps=60)
    assert not ok.diverged and "diverged" not in " ".join(_texts(ok.draw()))
    opt = OptimizerExplorer(surface="ravine", learning_rate=1.0)
    assert [n for n, bad in opt.diverged.items() if bad] == ["sgd", "momentum", "nesterov"]
    assert "diverged:\nsgd, momentum, nesterov" in _texts(opt.draw())
    labels = [t.get_text() for t in opt.draw().legends[0].get_texts()]
    assert "sgd (lr 1), diverged" in labels and "adam (lr 1)" in labels


@pytest.mark.parametrize("settings", [dict(surface="ravine", learning_rate=0.1, steps=30),  # w2 flips: flat loss
                                      dict(surface="bowl"), dict(surface="ravine", learning_rate=0.105)])
def test_the_loss_axis_is_labelled_only_at_decades(settings):
    fig = GradientDescentExplorer(**settings).draw()
    fig.canvas.draw()
    ax = fig.axes[1]
    assert ax.get_yscale() == "log"
    low, high = np.log10(ax.get_ylim())
    assert low == int(low) and high == int(high) and high - low >= 2
    labels = [t.get_text() for t in ax.get_yticklabels(minor=True) if t.get_text()]
    assert labels == []  # no minor labels such as 2.08×10¹
    assert all("10^{" in t.get_text() for t in ax.get_yticklabels() if t.get_text())


@pytest.mark.parametrize("cls", [GradientDescentExplorer, OptimizerExplorer])
def test_each_press_of_an_arrow_key_moves_the_learning_rate_readout(cls):
    """A log slider steps 1-2-5 a decade (base.round_log_slider): every value reads differently at the
    readout's ".3g" and is round (a grid of 0.0002 of a decade took 5,000 presses across the range, the
    readout still for ten; 10 ** (k / 10) read 0.0126, 0.0158), the default is a value, a decade is 3 presses."""
    slider = cls().widget().controls["learning_rate"]
    values, readouts = list(slider._options_values), list(slider._options_labels)
    assert readouts == [f"{v:.3g}" for v in values] and len(set(readouts)) == len(readouts) <= 40
    assert values == sorted(values) and all(float(r) == v for r, v in zip(readouts, values))  # no float noise
    assert slider.value == cls.PARAMS["learning_rate"].default and slider.label == f"{slider.value:.3g}"
    p = cls.PARAMS["learning_rate"]
    assert (values[0], values[-1]) == (p.low, p.high)
    assert all(f"{v:.3g}"[-1] in "125" or v in (p.low, p.high, p.default) for v in values)  # 1-2-5
    # 3 presses make a decade: the readout after 3 presses up is ten times the one it started from
    assert values[values.index(0.01) + 3] == 0.1


def _greyed(ui):
    return {n for n in ("learning_rate", "momentum", "rho", "beta_1") if ui.controls[n].disabled}


def _tooltip(control):
    # ipywidgets 8: tooltip (its description_tooltip warns as deprecated); 7.7: description_tooltip
    return control.tooltip if "tooltip" in control.trait_names() else control.description_tooltip


def test_the_sliders_an_optimizer_ignores_are_greyed_out_and_say_why():
    """'each its best' ignores the learning-rate slider; plain SGD ignores momentum, rho and beta_1; 'each
    fully tuned' ignores them all. What is greyed out says why (its tooltip) and comes back when used."""
    ui = OptimizerExplorer().widget()
    assert _greyed(ui) == set()
    ui.controls["rates"].value = "each its best"
    assert _greyed(ui) == {"learning_rate"} and "one shared" in _tooltip(ui.controls["learning_rate"])
    ui.controls["optimizer"].value = "sgd"
    assert _greyed(ui) == {"learning_rate", "momentum", "rho", "beta_1"}
    assert "sgd" in _tooltip(ui.controls["momentum"]) and "adam" in _tooltip(ui.controls["beta_1"])
    ui.controls["optimizer"].value = "adam"
    assert _greyed(ui) == {"learning_rate", "momentum", "rho"} and not _tooltip(ui.controls["beta_1"])
    ui.controls["optimizer"].value = "nesterov"
    assert _greyed(ui) == {"learning_rate", "rho", "beta_1"}
    ui.controls["rates"].value = "each fully tuned"
    assert _greyed(ui) == {"learning_rate", "momentum", "rho", "beta_1"}
    ui.controls["rates"].value = "one shared"
    ui.controls["optimizer"].value = "all"
    assert _greyed(ui) == set() and not _tooltip(ui.controls["learning_rate"])


def test_the_keras_panels_note_is_readable():
    """The note on the 'identical' line of the Keras panel is at least 9 pt (it was 8 pt: about 7 px on screen)."""
    fig = OptimizerExplorer(surface="saddle", steps=20, keras="on").draw()
    notes = [t for t in fig.axes[2].texts if "identical" in t.get_text()]
    assert len(notes) == 1 and notes[0].get_fontsize() >= 9


def test_fair_race_mode_uses_each_optimizers_best_rate():
    """'each its best': the rate of RACE_RATES with the lowest mean log10(race_score) over the race's
    selection starts, the other hyperparameters as set; 'each fully tuned': optimizer_race's choice
    over race_settings (the same selection starts), for every optimizer and a few step counts."""
    from dlteach.core.surfaces import descend_many, optimizer_race, race_score, race_starts

    ex = OptimizerExplorer(surface="rosenbrock", rates="each its best", steps=150, momentum=0.8, rho=0.7)
    starts = race_starts("rosenbrock", 5, 0)
    for name in ex.paths:
        hyper = {"momentum": {"momentum": 0.8}, "nesterov": {"momentum": 0.8}, "rmsprop": {"rho": 0.7},
                 "adam": {"beta_1": 0.9}}.get(name, {})
        with np.errstate(divide="ignore"):
            score = np.log10(np.maximum(race_score(descend_many("rosenbrock", name, starts, 150, learning_rate=RACE_RATES,
                                                     **hyper)), 1e-300)).mean(axis=1)
        assert ex.settings_of(name) == {"learning_rate": RACE_RATES[int(np.argmin(score))], **hyper}
    assert len({ex.learning_rate_of(n) for n in ex.paths}) > 1  # not one shared rate
    shared = OptimizerExplorer(surface="rosenbrock", learning_rate=0.02, steps=150)
    assert max(shared.final, key=shared.final.get) == "adam"
    for surface, steps in [("ravine", 60), ("rosenbrock", 150), ("rotated_ravine", 23)]:
        tuned = OptimizerExplorer(surface=surface, rates="each fully tuned", steps=steps)
        race = optimizer_race(surface, steps)
        assert all(tuned.settings_of(n) == race.chosen[n] for n in tuned.paths), surface
    # what the title names: the lowest race_score of the paths drawn, from the surface's own start
    assert set(tuned.score) == set(tuned.paths) and all(np.isfinite(v) for v in tuned.score.values())


def test_the_fully_tuned_legend_names_every_chosen_hyperparameter():
    ex = OptimizerExplorer(rates="each fully tuned")
    chosen = {n: ex.settings_of(n) for n in ex.paths}
    assert set(chosen["adam"]) == {"learning_rate", "beta_1", "beta_2"} and set(chosen["rmsprop"]) == {"learning_rate", "rho"}
    legend = [t.get_text() for t in ex.draw().legends[0].get_texts()]
    assert legend[1] == f"momentum (lr {chosen['momentum']['learning_rate']:.3g}, μ {chosen['momentum']['momentum']:g})"
    assert all(label.count(",") == len(chosen[n]) - 1 for label, n in zip(legend, ex.paths))
    shared = OptimizerExplorer(rho=0.5)
    assert shared.settings_of("rmsprop") == {"learning_rate": 0.05, "rho": 0.5}
    assert [t.get_text() for t in shared.draw().legends[0].get_texts()][3] == "rmsprop (lr 0.05)"


def test_same_settings_are_not_computed_or_drawn_twice():
    ex = OptimizerExplorer()
    first = ex.png()
    assert ex.png() is first
    ex.set(steps=60)  # unchanged value
    assert ex.png() is first
    ex.set(steps=61)
    assert ex.png() is not first


def test_keras_twin_is_a_difference_panel():
    ex = OptimizerExplorer(surface="saddle", steps=20, keras="on")
    fig = ex.draw()
    assert len(fig.axes) == 3 and fig.axes[2].get_yscale() == "log"
    assert "largest difference" in fig.axes[2].get_title()
    assert all(len(d) == 21 for d in ex.keras_differences().values())
    assert ex.max_keras_difference() < 1e-7


def _pixels(png):
    import io

    from PIL import Image
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)


@pytest.mark.parametrize("cls,first,then", [
    (GradientDescentExplorer, {"surface": "ravine", "learning_rate": 0.105}, {"learning_rate": 0.05, "steps": 80}),
    (OptimizerExplorer, {"learning_rate": 1.0}, {"learning_rate": 0.02, "surface": "ravine", "optimizer": "adam"}),
])
def test_a_blitted_redraw_shows_what_a_fresh_full_drawing_shows(cls, first, then):
    """The redraw keeps the contours and draws the changes over them: nothing of the previous
    settings may remain, and the picture must be the one a new explorer draws in full."""
    ex = cls(**first)
    ex.png()
    ex.set(**then)
    blitted = _pixels(ex.png())
    fresh = cls(**ex.cfg).draw()
    fresh.canvas.draw()
    import io
    buf = io.BytesIO()
    fresh.savefig(buf, format="png")
    full = _pixels(buf.getvalue())
    assert blitted.shape == full.shape
    differing = np.mean(np.abs(blitted - full).max(axis=2) > 40)
    assert differing < 0.002, differing  # measured: 0 (an old path left on the figure: 1.7 %)


@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_the_compiled_keras_path_is_the_eager_one_bit_for_bit(surface):
    """OptimizerExplorer's Keras twin runs the steps in one compiled call (traced once per surface and
    optimizer hyperparameters, the rate, start and step count as inputs): every point must be the
    eager loop's (keras_descend), also when the traced loop is called again with another rate, start
    and step count, and after a path that diverged (inf/nan compare equal to inf/nan)."""
    from dlteach.core import get_optimizer
    from dlteach.core.surfaces import get_surface
    from dlteach.keras_twin import keras_descend, keras_descend_compiled

    f = get_surface(surface).f
    # the same rule with other hyperparameters is another trace (momentum 0.9 then 0.5, beta_1 0.8 then 0.9);
    # every rule and retrace on two surfaces, a plain and an adaptive rule on the others (a surface is traced
    # inside the loop the same way whatever the rule; 21 runs on each of six surfaces took about 250 s of
    # test time in make test's three environments)
    rules = [("sgd", {}), ("momentum", {"momentum": 0.9}), ("momentum", {"momentum": 0.5}),
             ("nesterov", {"momentum": 0.5}), ("rmsprop", {}), ("adam", {"beta_1": 0.8}), ("adam", {})]
    for name, hyper in rules if surface in ("ravine", "rosenbrock") else [rules[2], rules[-1]]:
        for lr, start, steps in [(0.03, (-1.5, 0.5), 25), (0.3, (0.7, -0.2), 15), (1.0, (1.9, 1.9), 20)]:
            opt = get_optimizer(name, learning_rate=lr, **hyper)
            compiled = keras_descend_compiled(f, opt, start, steps)
            assert compiled.shape == (steps + 1, 2)
            np.testing.assert_array_equal(compiled, keras_descend(f, opt, start, steps), err_msg=f"{name} {lr}")


def test_the_keras_twin_agrees_with_the_from_scratch_paths_after_every_move():
    ex = OptimizerExplorer(keras="on", steps=40)
    for move in [dict(learning_rate=0.3), dict(surface="rosenbrock"), dict(momentum=0.5), dict(steps=12),
                 dict(optimizer="adam", beta_1=0.7), dict(rates="each its best"), dict(rates="each fully tuned"),
                 dict(optimizer="rmsprop", rho=0.5)]:
        ex.set(**move)
        assert all(len(k) == ex.cfg["steps"] + 1 for k in ex.keras_paths.values()), move
        assert ex.max_keras_difference() < 1e-12, move


def _moves(cls):
    """Every control to both ends and the middle of its range (every choice of a menu), one after another."""
    for name, p in cls.PARAMS.items():
        if p.choices is not None:
            values = [c for c in p.choices if c != p.default] + [p.default]
        else:
            low, high = p.low, p.high
            middle = float(np.sqrt(low * high)) if p.log else (low + high) / 2
            values = [low, high, middle, p.default]
            values = [int(round(v)) for v in values] if isinstance(p.default, int) else values
        for v in values:
            yield name, v


@pytest.mark.parametrize("cls", [GradientDescentExplorer, OptimizerExplorer], ids=lambda c: c.__name__)
def test_a_redraw_after_any_sequence_of_moves_equals_a_fresh_explorer_pixel_for_pixel(cls):
    """The still part is kept per surface and the loss panels' axes are reused (only their data is
    replaced): nothing of an earlier setting may remain (a title's colour, a note, an old line, a
    scale, a limit), at any setting, keras panel included."""
    ex = cls()
    from PIL import Image
    import io
    assert Image.open(io.BytesIO(ex.png())).mode == "RGB"  # opaque: no alpha channel to send
    fresh = {}  # a fresh explorer's picture per settings, drawn once: the defaults come back after every control
    for name, value in _moves(cls):
        ex.set(**{name: value})
        settings = repr(sorted(ex.cfg.items()))
        if settings not in fresh:
            fresh[settings] = _pixels(cls(**ex.cfg).png())
        assert np.array_equal(_pixels(ex.png()), fresh[settings]), (name, value)


@pytest.mark.parametrize("surface", sorted(SURFACES) + ["regression"])
def test_the_contoured_loss_is_the_surfaces_loss(surface):
    """The contours are computed on a grid at once (the regression's MSE expanded as a quadratic in
    (w, b)): every grid value must be problem.f at that point."""
    from dlteach.widgets.descent import _grid_loss, _problem

    problem = _problem(surface)
    x0, x1, y0, y1 = problem.extent
    gx, gy = np.meshgrid(np.linspace(x0, x1, 37), np.linspace(y0, y1, 29))
    expected = [[problem.f(np.array([a, b])) for a, b in zip(row_x, row_y)] for row_x, row_y in zip(gx, gy)]
    np.testing.assert_allclose(_grid_loss(problem, gx, gy), expected, rtol=1e-12, atol=1e-12)


def test_the_fair_race_runs_of_every_step_count_are_descend_many_runs():
    """The fair race runs each setting once to the longest step count asked for and reads shorter
    counts off the same runs: every column must equal descend_many at that step count (diverged runs
    inf), also after the runs were lengthened, for every optimizer and surface."""
    from dlteach.core.surfaces import descend_many, race_starts
    from dlteach.widgets.descent import _SELECTIONS, _selection_runs

    diverged = []
    for surface in sorted(SURFACES):
        starts = race_starts(surface, 5, 0)
        for name, hyper in [("sgd", ()), ("momentum", (("momentum", 0.9),)), ("nesterov", (("momentum", 0.5),)),
                            ("rmsprop", (("rho", 0.8),)), ("adam", (("beta_1", 0.8),))]:
            _SELECTIONS.pop((surface, name, hyper), None)
            first = _selection_runs(surface, name, hyper, 23)
            assert first.shape == (len(RACE_RATES), 5, 24)
            longer = _selection_runs(surface, name, hyper, 61)  # lengthened: twice 23 is too short, so 61
            assert longer.shape[-1] == 62 and _selection_runs(surface, name, hyper, 40) is longer
            for k in (1, 23, 61):
                np.testing.assert_array_equal(longer[..., : k + 1],
                                              descend_many(surface, name, starts, k, learning_rate=RACE_RATES,
                                                           **dict(hyper)), err_msg=f"{surface} {name} after {k} steps")
            assert np.isfinite(longer[..., 61]).any()
            diverged.append(np.isinf(longer[..., 61]).any())
    assert any(diverged)  # the inf branch is compared too


@pytest.mark.parametrize("surface", OptimizerExplorer.PARAMS["surface"].choices)
def test_the_diverged_label_stays_inside_the_surface_panel(surface):
    """The label of the paths that left (up to three names) is written towards the middle of the panel."""
    fig = OptimizerExplorer(surface=surface, learning_rate=1.0).draw()
    fig.canvas.draw()
    ax = fig.axes[0]
    box = ax.get_window_extent()
    for text in ax.texts:
        if text.get_text().startswith("diverged"):
            extent = text.get_bbox_patch().get_window_extent()
            assert box.x0 <= extent.x0 and extent.x1 <= box.x1 and box.y0 <= extent.y0 and extent.y1 <= box.y1, \
                (text.get_text(), extent, box)
