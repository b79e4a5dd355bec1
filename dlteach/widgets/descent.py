"""Lessons 04 and 05 explorers: gradient descent and the optimizers on 2-D loss surfaces.

Both answer a control within a few tens of milliseconds: the contours of each surface are computed
once per process as an image (`_contour_image`); the paths are a few hundred NumPy steps; one figure
serves every setting, with its still parts kept as bitmaps (each surface's panel, each loss panel's
frame per limits) and only what changed drawn over them (`_Cached`); the Keras twin's paths come
from one compiled call per optimizer (keras_twin.keras_descend_compiled) and the fair race's sweeps
are run once per optimizer and reused for every step count. Settings already drawn are not drawn again.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.axes import Axes
from .fastagg import TextCachingCanvas
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox
from matplotlib.ticker import LogLocator, NullFormatter

from .. import plots
from ..core import get_optimizer
from ..core.surfaces import (SURFACES, LinearRegression, descend, descend_many, get_surface, race_score,
                             race_settings, race_starts)
from ..i18n import gettext_ as _
from .base import Explorer, Param, set_tooltip

OPTIMIZER_NAMES = ("sgd", "momentum", "nesterov", "rmsprop", "adam")
OPTIMIZER_COLOURS = {"sgd": "#000000", "momentum": plots.ORANGE, "nesterov": "#CC79A7", "rmsprop": plots.GREEN,
                     "adam": plots.BLUE}
# The learning rates of the fair race: 10**(-3 + 0.1 k), 31 rates from 0.001 to 1 (the 05 slider's grid).
RACE_RATES = 10.0 ** np.round(np.arange(-3.0, 0.001, 0.1), 1)
DIVERGED_RED = "#b2182b"
REGRESSION = LinearRegression()  # the 100 fixed points of lesson 04's regression surface


def _problem(name):
    return REGRESSION if name == "regression" else get_surface(name)


def _grid_loss(problem, gx, gy):
    """L at every point of the grid (gx, gy) (2-D arrays of w1 and w2)."""
    if isinstance(problem, LinearRegression):
        # mean_i (w x_i + b - y_i)² expanded: a quadratic in (w, b) with the data's means as coefficients,
        # one pass over the 100 points instead of one per grid point (a 57,600 x 100 array: 150 ms)
        x, y = problem.x, problem.y
        return (gx**2 * np.mean(x * x) + 2 * gx * gy * np.mean(x) + gy**2 - 2 * gx * np.mean(x * y)
                - 2 * gy * np.mean(y) + np.mean(y * y))
    return np.reshape(problem.f(np.c_[gx.ravel(), gy.ravel()]), gx.shape)


@lru_cache(maxsize=16)
def _contour_image(name, resolution: int = 240, levels: int = 25):
    """The filled contours of log10(L - L_min + 1e-3) as an RGBA image, with a thin light line where
    the level changes: computed once per surface, then drawn as an image (a few ms) instead of
    contourf (about 100 ms per redraw)."""
    from matplotlib import colormaps  # noqa: PLC0415

    problem = _problem(name)
    x0, x1, y0, y1 = problem.extent
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    Z = _grid_loss(problem, gx, gy)
    Z = np.log10(Z - Z.min() + 1e-3)
    level = np.minimum(((Z - Z.min()) / (Z.max() - Z.min()) * levels).astype(int), levels - 1)
    rgba = colormaps["viridis"](level / (levels - 1))
    edge = np.zeros_like(level, dtype=bool)
    edge[1:, :] |= level[1:, :] != level[:-1, :]
    edge[:, 1:] |= level[:, 1:] != level[:, :-1]
    rgba[edge, :3] = 0.55 * rgba[edge, :3] + 0.45  # the contour lines: halfway to white
    return rgba


def _surface_panel(ax, name):
    """The surface's contours, limits, labels and formula in `ax`: drawn on new axes, or replacing
    another surface's on axes that show one (their ticks are kept and moved)."""
    problem = _problem(name)
    if ax.images:
        ax.images[0].set_data(_contour_image(name))
        ax.images[0].set_extent(problem.extent)
    else:
        ax.imshow(_contour_image(name), extent=problem.extent, origin="lower", aspect="auto",
                  interpolation="bilinear")
    ax.set_xlim(problem.extent[:2])
    ax.set_ylim(problem.extent[2:])
    if isinstance(problem, LinearRegression):
        ax.set_xlabel(_("w (slope)"))
        ax.set_ylabel(_("b (intercept)"))
    else:
        ax.set_xlabel("w1")
        ax.set_ylabel("w2")
    _title(ax, _("{formula}   (X: minimum)").format(formula=problem.formula))


def _title(ax, text, color="black"):
    """A panel's title, 10 pt. Its colour is given every time (the loss panels' axes are reused: a red
    title of a diverged run must not stay red). y=1.0 is where matplotlib places it anyway (no tick
    labels on top), given explicitly so that it does not measure every tick label again per draw to
    find that out (about 10 ms)."""
    ax.set_title(text, fontsize=10, color=color, y=1.0)


def _mark_minimum(ax, problem):
    """The minimum as a white X, drawn after the paths so that none hides it."""
    ax.plot(*problem.minimum, "X", color="white", ms=10, mec="black", zorder=5)


def _inside(problem, path):
    """The points of a path up to where it first leaves the plotted area (plus that first point, so
    the line visibly runs off the edge)."""
    x0, x1, y0, y1 = problem.extent
    out = ~((path[:, 0] >= x0) & (path[:, 0] <= x1) & (path[:, 1] >= y0) & (path[:, 1] <= y1))
    if not out.any():
        return path, False
    first = int(np.argmax(out))
    return path[: first + 1], True


def _mark_diverged(ax, problem, path, colour, text=None):
    """'diverged' (or `text`) written on the surface where the path leaves it (or at its last point)."""
    text = _("diverged") if text is None else text
    shown, left = _inside(problem, path)
    x0, x1, y0, y1 = problem.extent
    x, y = shown[-1]
    x, y = np.clip(x, x0 + 0.05 * (x1 - x0), x1 - 0.05 * (x1 - x0)), np.clip(y, y0 + 0.1 * (y1 - y0),
                                                                             y1 - 0.1 * (y1 - y0))
    # written towards the middle, so that a long label ("diverged: sgd, momentum, nesterov") stays inside
    third = (x1 - x0) / 3
    ha = "left" if x < x0 + third else "right" if x > x1 - third else "center"
    ax.text(x, y, text.replace(": ", ":\n"), color="white", fontsize=10, fontweight="bold", ha=ha, va="center", zorder=6,
            bbox={"boxstyle": "round,pad=0.2", "fc": DIVERGED_RED if colour is None else colour, "ec": "white"})


def _clear_data(ax):
    """Remove what was plotted in `ax` (lines, texts, collections) but keep the axes themselves: their
    ticks, labels and scale are reused by the next drawing instead of built again (ax.cla() makes new
    Tick objects and texts: 20-40 ms a redraw). The next plot sets the data limits afresh."""
    for artist in [*ax.lines, *ax.texts, *ax.collections]:
        artist.remove()
    ax.relim()


def _excess(problem, path):
    """L(w) - L_min along a path, clipped to >= 1e-16 so that a log axis can show it."""
    floor = float(problem.f(np.asarray(problem.minimum, dtype=np.float64)))
    with np.errstate(all="ignore"):
        return np.clip(problem.f(path) - floor, 1e-16, 1e300)


def _log_axis(ax, values):
    """A log y axis whose limits are whole decades, labelled only at the decades (10⁻³, 10⁰, ...):
    never the 2.08×10¹ ticks matplotlib writes when the data span less than a decade."""
    finite = np.concatenate([np.ravel(v) for v in values]) if values else np.array([1.0])
    finite = finite[np.isfinite(finite) & (finite > 0)]
    low, high = (np.log10(finite.min()), np.log10(finite.max())) if finite.size else (0.0, 1.0)
    low, high = np.floor(low), np.ceil(high)
    if high - low < 2:
        low, high = low - 1, high + 1
    ax.set_yscale("log")
    ax.set_ylim(10**low, 10**high)
    ax.yaxis.set_major_locator(LogLocator(base=10, numticks=6))
    ax.yaxis.set_minor_formatter(NullFormatter())


class _Cached(Explorer):
    """update() and png() skip the work when the settings are those already computed and drawn. One
    figure per layout (layout_key: which panels) serves every setting: its axes are made once
    (draw_static), the surface panel (contours, axes, labels) is kept as a bitmap per surface and
    what the settings change (draw_dynamic) is drawn over it, by blitting. A surface shown again
    costs no drawing of its panel, and a new one reuses the axes (their ticks) of the last. The
    result equals a fresh explorer's pixel for pixel (tests/test_descent_explorers.py)."""

    def update(self):
        key = tuple(sorted(self.cfg.items()))
        if getattr(self, "_computed_for", None) == key:
            return
        self.compute()
        self._computed_for = key

    def compute(self):
        raise NotImplementedError

    def layout_key(self):
        """What the figure's size and panels depend on (a new figure for each)."""
        return None

    def figsize(self):
        return self.FIGSIZE

    def draw_static(self, fig):
        """Make the axes and set self._axes: the surface panel first, then those draw_dynamic fills."""
        raise NotImplementedError

    def draw_dynamic(self, fig) -> list:
        """Draw what the settings change; return the artists (and whole axes) to blit."""
        raise NotImplementedError

    def draw_on(self, fig):
        self.draw_static(fig)
        _surface_panel(self._axes[0], self.cfg["surface"])
        self.draw_dynamic(fig)

    def draw(self) -> Figure:
        layouts = self.__dict__.setdefault("_layouts", {})  # layout_key -> its figure, axes, bitmaps
        scene = layouts.get(self.layout_key())
        if scene is None:
            fig = Figure(figsize=self.figsize(), dpi=90)
            TextCachingCanvas(fig)
            self.draw_static(fig)
            scene = layouts[self.layout_key()] = {"figure": fig, "axes": self._axes, "surface": None,
                                                  "backgrounds": {}, "moving": []}
        fig, axes = self.figure, self._axes = scene["figure"], scene["axes"]
        for artist in scene["moving"]:  # what the last settings drew on it
            if isinstance(artist, Axes):
                _clear_data(artist)
            else:
                artist.remove()
        scene["moving"] = []
        surface = self.cfg["surface"]
        if scene["surface"] != surface:
            _surface_panel(axes[0], surface)
            scene["surface"] = surface
        if surface not in scene["backgrounds"]:  # the still part, drawn once per surface
            for ax in axes[1:]:
                ax.set_visible(False)
            fig.canvas.draw()
            scene["backgrounds"][surface] = fig.canvas.copy_from_bbox(fig.bbox)
            for ax in axes[1:]:
                ax.set_visible(True)
        self._background = scene["backgrounds"][surface]
        self._blit = scene["moving"] = self.draw_dynamic(fig)
        return fig

    def png(self) -> bytes:
        """The figure as PNG: the kept background, the changed artists drawn over it, encoded fast
        (plots.canvas_png)."""
        key = tuple(sorted(self.cfg.items()))
        if getattr(self, "_png_for", None) != key:
            fig = self.draw()
            fig.canvas.restore_region(self._background)
            for artist in self._blit:  # first the panels' frames, so that nothing drawn before is pasted over
                if isinstance(artist, Axes):
                    self._paste_frame(fig, artist)
            for artist in self._blit:
                if isinstance(artist, Axes):
                    for part in _contents(artist):
                        fig.draw_artist(part)
                else:
                    fig.draw_artist(artist)
            self._png, self._png_for = plots.canvas_png(fig), key
        return self._png


    MAX_FRAMES = 32  # about 0.4 MB each

    def _paste_frame(self, fig, ax):
        """Draw the frame of a panel whose content changes: its background, ticks, tick labels and
        axis labels (what the axes draw before their content). They depend only on the limits and
        scales; 60 log-scale minor ticks take 15 ms to draw, so the frame is kept as a bitmap per
        limits and pasted when they come back (a learning-rate drag keeps the limits)."""
        key = (id(ax), ax.get_xlim(), ax.get_ylim(), ax.get_xscale(), ax.get_yscale(), ax.get_xlabel(),
               ax.get_ylabel())
        frames = self.__dict__.setdefault("_frames", {})
        if key in frames:
            fig.canvas.restore_region(frames[key])
            return
        contents = [a for a in _contents(ax) if a.get_visible()]
        for artist in contents:
            artist.set_visible(False)
        try:
            fig.draw_artist(ax)
            renderer = fig.canvas.get_renderer()
            box = Bbox.union([ax.get_tightbbox(renderer), ax.bbox]).padded(4)
        finally:
            for artist in contents:
                artist.set_visible(True)
        if len(frames) >= self.MAX_FRAMES:
            frames.clear()
        frames[key] = fig.canvas.copy_from_bbox(box)


def _contents(ax):
    """What `ax` draws after its frame (patch, x and y axis), in the order Axes.draw draws it: lines,
    texts, spines, titles by zorder. Content below the axes' ticks' zorder would need them drawn
    after it: none of these panels has any (checked)."""
    frame = (ax.patch, ax.xaxis, ax.yaxis)
    contents = sorted((a for a in ax.get_children() if all(a is not f for f in frame)), key=lambda a: a.get_zorder())
    if any(a.get_zorder() < ax.xaxis.get_zorder() for a in contents):
        raise RuntimeError("content drawn below the ticks: the frame cannot be drawn first")
    return contents


class GradientDescentExplorer(_Cached):
    """w <- w - lr * grad L(w) from a start point, on a chosen surface; on 'regression' the
    gradient is taken on mini-batches of `batch_size` of the 100 points (seeded, seed 0).
    Choosing a surface moves the start to that surface's own start unless a start is given too."""

    PARAMS = {
        # lesson 04's surfaces (rotated_ravine is lesson 05's) and the regression
        "surface": Param("bowl", choices=tuple(n for n in SURFACES if n != "rotated_ravine") + ("regression",)),
        # 10 steps a decade through 0.1 (0.1, 0.126, 0.158, 0.2, ...): each arrow press moves the readout, and the
        # range takes 35 presses (a grid of 0.0002 of a decade took 5,000 presses, its readout still for ten)
        "learning_rate": Param(0.1, 1e-3, 3.0, log=True, step=0.1, label="learning rate"),
        "start_w1": Param(-1.6, -2.0, 2.0, step=0.01, label="start w1"),
        "start_w2": Param(1.4, -2.0, 2.0, step=0.01, label="start w2"),
        "steps": Param(30, 1, 200, label="steps"),
        "batch_size": Param(100, 1, 100, label="batch size"),
    }
    FIGSIZE = (9, 3.8)

    def set(self, **settings):
        if "surface" in settings and "start_w1" not in settings and "start_w2" not in settings:
            start = _problem(self.PARAMS["surface"].validate("surface", settings["surface"])).start
            settings = {**settings, "start_w1": float(start[0]), "start_w2": float(start[1])}
        return super().set(**settings)

    def compute(self):
        c = self.cfg
        self.problem = _problem(c["surface"])
        if isinstance(self.problem, LinearRegression):
            grad_fn = self.problem.minibatch_grad(c["batch_size"], seed=0)
        else:
            grad_fn = lambda w, t: self.problem.grad(w)  # noqa: E731
        self.path = descend(grad_fn, get_optimizer("sgd", learning_rate=c["learning_rate"]),
                            (c["start_w1"], c["start_w2"]), c["steps"])
        start_loss = float(self.problem.f(self.path[0]))
        self.final_loss = float(self.problem.f(self.path[-1]))
        self.diverged = len(self.path) < c["steps"] + 1 or self.final_loss > start_loss

    @property
    def message(self) -> str:
        """Why the path diverged and what to try, in the language in use ("" when it did not diverge)."""
        if not self.diverged:
            return ""
        return _("Diverged after {steps} steps: each step overshoots the minimum by more than the last. Try a "
                 "learning rate below {rate}.").format(steps=len(self.path) - 1,
                                                       rate=f"{self.cfg['learning_rate']:.3g}")

    def widget(self):
        """The controls and the figure; choosing a surface also moves the start sliders to its start."""
        ui = super().widget()
        surface = ui.controls["surface"]

        def follow(change):
            ui.controls["start_w1"].value = self.cfg["start_w1"]
            ui.controls["start_w2"].value = self.cfg["start_w2"]

        surface.observe(follow, names="value")
        return ui

    def batch_note(self) -> str:
        """What the batch size does on this surface: on 'regression', which batches; elsewhere nothing at
        the default (100, the full gradient) and, once it is moved, that it has no effect here."""
        b = self.cfg["batch_size"]
        if isinstance(self.problem, LinearRegression):
            return (_("full batch: all 100 points") if b == 100 else
                    _("mini-batches of {size} of the 100 points\n(the same batches at every redraw)").format(size=b))
        if b == self.PARAMS["batch_size"].default:
            return ""
        return _("batch size ({size}) applies to the regression\nsurface only: this surface has no data").format(size=b)

    def draw_static(self, fig):
        ax_s, ax_l = fig.subplots(1, 2, width_ratios=[1.2, 1],
                                  gridspec_kw={"left": 0.08, "right": 0.98, "bottom": 0.13, "top": 0.9, "wspace": 0.3})
        self._axes = ax_s, ax_l

    def draw_dynamic(self, fig):
        c = self.cfg
        ax_s, ax_l = self._axes
        before = set(ax_s.lines) | set(ax_s.texts)
        plots.path(ax_s, self.path, label=_("gradient descent"))  # the axes clip what leaves the plot
        _mark_minimum(ax_s, self.problem)
        if self.diverged:
            _mark_diverged(ax_s, self.problem, self.path, None)
        excess = _excess(self.problem, self.path)
        ax_l.plot(np.arange(len(excess)), excess, color=plots.ORANGE, marker="o", ms=2)
        _log_axis(ax_l, [excess])
        ax_l.set_xlabel(_("step"))
        ax_l.set_ylabel(_("L − L_min (log scale)"))
        lr = f"η = {c['learning_rate']:.3g}"
        if self.diverged:
            _title(ax_l, _("{rate}: diverged, L grew for {steps} steps").format(rate=lr, steps=len(self.path) - 1),
                   color=DIVERGED_RED)
        else:
            _title(ax_l, _("{rate}: after {steps} steps L − L_min = {excess}").format(
                rate=lr, steps=len(self.path) - 1, excess=f"{excess[-1]:.2g}"))
        note = self.batch_note()
        if note:
            # lines broken by hand (wrap=True measures the figure, not the panel, and runs past the axes); the
            # corner the curve leaves free: upper right when the loss falls, lower right when it grows
            falling = excess[-1] <= excess[0]
            ax_l.text(0.97, 0.96 if falling else 0.04, note, transform=ax_l.transAxes, fontsize=9, color="#333333",
                      ha="right", va="top" if falling else "bottom", linespacing=1.3,
                      bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": "#bbbbbb", "alpha": 0.85})
        return [a for a in [*ax_s.lines, *ax_s.texts] if a not in before] + [ax_l]


def _hyperparameters(name, momentum, beta_1, rho=0.9) -> dict:
    """The explorer's hyperparameters that optimizer `name` takes (momentum, RMSprop's rho or Adam's beta_1)."""
    if name in ("momentum", "nesterov"):
        return {"momentum": momentum}
    if name == "rmsprop":
        return {"rho": rho}
    return {"beta_1": beta_1} if name == "adam" else {}


SELECTION_STARTS = 5  # the fair race chooses on race_starts(surface, 5, seed=0), as lesson 05's optimizer_race
FULLY_TUNED = "all"   # the settings key of race_settings(name): every hyperparameter tuned


def _settings(name, hyperparameters) -> dict:
    """What the race tries for `name`: race_settings(name) (hyperparameters == FULLY_TUNED), or the rates
    RACE_RATES with the other hyperparameters held at the given ((key, value), ...)."""
    if hyperparameters == FULLY_TUNED:
        return race_settings(name)
    return {"learning_rate": RACE_RATES, **dict(hyperparameters)}


_SELECTIONS: dict = {}  # (surface, optimizer, hyperparameters) -> L - L_min (settings, starts, step counts)


def _selection_runs(surface, name, hyperparameters, steps: int):
    """The race's runs of every setting `_settings` lists from the SELECTION_STARTS selection starts, for
    every step count up to at least `steps` (descend_many's array). A k-step run is the first k steps of a
    longer run, so one run per setting and start serves every step count up to its length: a drag of the
    steps slider computes nothing new. Runs longer than asked for: twice the last length (at most the
    slider's end)."""
    key = (surface, name, hyperparameters)
    have = _SELECTIONS.get(key)
    if have is not None and have.shape[-1] > steps:
        return have
    longest = OptimizerExplorer.PARAMS["steps"].high
    horizon = steps if have is None else min(max(steps, 2 * (have.shape[-1] - 1)), longest)
    losses = descend_many(surface, name, race_starts(surface, SELECTION_STARTS, 0), horizon,
                          **_settings(name, hyperparameters))
    if len(_SELECTIONS) >= 64:
        _SELECTIONS.clear()
    _SELECTIONS[key] = losses
    return losses


def _chosen(surface, name, steps, hyperparameters) -> dict:
    """The setting the fair race chooses for `name` after `steps` steps: the lowest mean over the selection
    starts of log10(race_score) (a setting that diverges from any of them is out), as optimizer_race."""
    runs = _selection_runs(surface, name, hyperparameters, steps)[..., : steps + 1]
    with np.errstate(divide="ignore"):
        score = np.log10(np.maximum(race_score(runs), 1e-300)).mean(axis=1)  # as optimizer_race
    best = int(np.argmin(score))
    return {k: float(np.broadcast_to(v, score.shape)[best]) for k, v in _settings(name, hyperparameters).items()}


class OptimizerExplorer(_Cached):
    """The five optimizers (or one) from the surface's start: at one shared learning rate, each at its
    best rate for the momentum, rho and beta_1 set (rates='each its best'), or each fully tuned over all
    of its hyperparameters (rates='each fully tuned': lesson 05's fair race). Both tuned modes choose as
    optimizer_race does: on the race's selection starts (not the start drawn), by race_score (the mean
    loss over the last quarter of the steps). With keras='on', the keras.optimizers paths are computed
    too and |w_numpy - w_keras| is plotted per step."""

    NAMES = OPTIMIZER_NAMES        # the optimizers it races, in drawing order
    COLOURS = OPTIMIZER_COLOURS    # name -> colour, the same in every figure of lesson 05
    RACE_RATES = RACE_RATES        # the learning rates of 'each its best': 10**(-3 + 0.1 k), 0.001 to 1

    PARAMS = {
        "surface": Param("ravine", choices=tuple(SURFACES)),
        "optimizer": Param("all", choices=("all",) + OPTIMIZER_NAMES),
        "rates": Param("one shared", choices=("one shared", "each its best", "each fully tuned"), label="tuning"),
        "learning_rate": Param(0.05, 1e-3, 1.0, log=True, label="learning rate"),
        "momentum": Param(0.9, 0.0, 0.99, step=0.01),
        "rho": Param(0.9, 0.0, 0.99, step=0.01, label="RMSprop rho"),
        "beta_1": Param(0.9, 0.0, 0.99, step=0.01, label="Adam beta_1"),
        "steps": Param(60, 1, 300),
        "keras": Param("off", choices=("off", "on"), label="Keras twin"),
    }
    FIGSIZE = (10, 4.2)

    def settings_of(self, name) -> dict:
        """The hyperparameters optimizer `name` runs with: the sliders', or those the race chose."""
        c = self.cfg
        mode = c["rates"]
        hyper = _hyperparameters(name, c["momentum"], c["beta_1"], c["rho"])
        if mode == "each fully tuned":
            return _chosen(c["surface"], name, c["steps"], FULLY_TUNED)
        if mode == "each its best":
            return _chosen(c["surface"], name, c["steps"], tuple(sorted(hyper.items())))
        return {"learning_rate": c["learning_rate"], **hyper}

    # The optimizers that read each hyperparameter slider (the learning rate: all of them).
    TAKERS = {"momentum": ("momentum", "nesterov"), "rho": ("rmsprop",), "beta_1": ("adam",)}

    def unused_settings(self) -> dict:
        """The sliders the current settings ignore, each with why: the widget greys them out and says why
        in their tooltip. The learning rate where the race chooses the rates; a hyperparameter of no
        optimizer drawn (momentum for plain SGD); every hyperparameter when each is fully tuned."""
        c = self.cfg
        drawn = set(OPTIMIZER_NAMES if c["optimizer"] == "all" else (c["optimizer"],))
        unused = {}
        if c["rates"] != "one shared":
            unused["learning_rate"] = _("not used with tuning '{mode}': each optimizer runs at the rate the race "
                                        "chose for it (in the legend); choose 'one shared' to set it here"
                                        ).format(mode=c["rates"])
        for name, takers in self.TAKERS.items():
            if not drawn & set(takers):
                unused[name] = _("not used by {optimizer}: it applies to {takers} only").format(
                    optimizer=c["optimizer"], takers=", ".join(takers))
            elif c["rates"] == "each fully tuned":
                unused[name] = _("not used with tuning 'each fully tuned': the race chose it (in the legend)")
        return unused

    def widget(self):
        """The controls and the figure; the sliders the settings ignore are greyed out (unused_settings)."""
        ui = super().widget()

        def grey_out(change=None):
            unused = self.unused_settings()
            for name in ("learning_rate", *self.TAKERS):
                control = ui.controls[name]
                control.disabled = name in unused
                set_tooltip(control, unused.get(name))

        for name in ("rates", "optimizer"):  # observed after the base's handler: self.cfg is already set
            ui.controls[name].observe(grey_out, names="value")
        grey_out()
        return ui

    def learning_rate_of(self, name) -> float:
        return self.settings_of(name)["learning_rate"]

    def optimizer(self, name):
        return get_optimizer(name, **self.settings_of(name))

    def compute(self):
        c = self.cfg
        self.problem = get_surface(c["surface"])
        names = OPTIMIZER_NAMES if c["optimizer"] == "all" else (c["optimizer"],)
        self.paths = {n: descend(lambda w, t: self.problem.grad(w), self.optimizer(n), self.problem.start, c["steps"])
                      for n in names}
        self.keras_paths = {}
        if c["keras"] == "on":
            from ..keras_twin import keras_descend_compiled  # noqa: PLC0415

            self.keras_paths = {n: keras_descend_compiled(self.problem.f, self.optimizer(n), self.problem.start, c["steps"])
                                for n in names}
        start_loss = float(self.problem.f(np.asarray(self.problem.start, dtype=np.float64)))
        self.final = {n: float(self.problem.f(p[-1])) for n, p in self.paths.items()}
        self.diverged = {n: len(p) < c["steps"] + 1 or self.final[n] > start_loss for n, p in self.paths.items()}
        # race_score of each path drawn: the mean of L - L_min over its last quarter of steps (inf: diverged)
        floor = float(self.problem.f(np.asarray(self.problem.minimum, dtype=np.float64)))
        self.score = {n: np.inf if self.diverged[n] else float(race_score(np.maximum(self.problem.f(p) - floor, 0.0)))
                      for n, p in self.paths.items()}

    def paired_paths(self):
        """(from-scratch points, Keras points) of all paths, stacked (needs keras='on'); a path that
        diverged is compared up to where the from-scratch run stopped it."""
        ours, theirs = [], []
        for n, k in self.keras_paths.items():
            m = min(len(k), len(self.paths[n]))
            ours.append(self.paths[n][:m])
            theirs.append(k[:m])
        return np.concatenate(ours), np.concatenate(theirs)

    def keras_differences(self) -> dict:
        """Per optimizer, max over (w1, w2) of |w_numpy - w_keras| at each step (needs keras='on')."""
        out = {}
        for n, k in self.keras_paths.items():
            m = min(len(k), len(self.paths[n]))
            out[n] = np.max(np.abs(self.paths[n][:m] - k[:m]), axis=1)
        return out

    def max_keras_difference(self) -> float:
        """Largest |from-scratch - Keras| over all points of all paths (needs keras='on')."""
        ours, theirs = self.paired_paths()
        return float(np.max(np.abs(ours - theirs)))

    def layout_key(self):
        return bool(self.keras_paths)  # the Keras panel: a third axes, a wider figure

    def figsize(self):
        return (12.5 if self.keras_paths else self.FIGSIZE[0], self.FIGSIZE[1])

    def draw_static(self, fig):
        panels = 3 if self.keras_paths else 2
        axes = fig.subplots(1, panels, width_ratios=[1.25, 1, 1][:panels],
                            gridspec_kw={"left": 0.07 if panels == 3 else 0.085, "right": 0.98, "bottom": 0.22, "top": 0.88,
                                         "wspace": 0.3 if panels == 2 else 0.35})
        self._axes = list(axes)

    def draw_dynamic(self, fig):
        c = self.cfg
        ax_s, ax_l = self._axes[:2]
        before = set(ax_s.lines) | set(ax_s.texts)
        handles = []
        for n, p in self.paths.items():
            label = f"{n} ({self.settings_label(n)})" + (_(", diverged") if self.diverged[n] else "")
            handles.append(plots.path(ax_s, p, label=label, color=OPTIMIZER_COLOURS[n]))
        _mark_minimum(ax_s, self.problem)
        diverged = [n for n in self.paths if self.diverged[n]]
        if diverged:
            _mark_diverged(ax_s, self.problem, self.paths[diverged[0]], DIVERGED_RED,
                           text=_("diverged: {names}").format(names=", ".join(diverged)))
        excess = {n: _excess(self.problem, p) for n, p in self.paths.items()}
        for n, e in excess.items():
            ax_l.plot(np.arange(len(e)), e, color=OPTIMIZER_COLOURS[n], ls="--" if self.diverged[n] else "-")
        _log_axis(ax_l, [e for n, e in excess.items() if not self.diverged[n]] or list(excess.values()))
        ax_l.set_xlabel(_("step"))
        ax_l.set_ylabel(_("L − L_min (log scale)"))
        converged = {n: score for n, score in self.score.items() if not self.diverged[n]}
        rates = {"each its best": _("each at its best rate"),
                 "each fully tuned": _("each tuned in all its hyperparameters")}.get(
            c["rates"]) or _("all at lr {rate}").format(rate=f"{c['learning_rate']:.3g}")
        if converged:
            best = min(converged, key=converged.get)
            k = c["steps"]
            last = (_("step {step}").format(step=k) if k < 4 else
                    _("steps {first}–{last}").format(first=k - (k + 3) // 4 + 1, last=k))
            _title(ax_l, _("{rates}\nlowest mean L over {steps}: {best}").format(rates=rates, steps=last, best=best))
        else:
            _title(ax_l, _("{rates}: every path diverged").format(rates=rates), color=DIVERGED_RED)
        moving = [a for a in [*ax_s.lines, *ax_s.texts] if a not in before] + [ax_l]
        if self.keras_paths:
            ax_k = self._axes[2]
            for n, d in self.keras_differences().items():
                ax_k.plot(np.arange(len(d)), np.maximum(d, 1e-17), color=OPTIMIZER_COLOURS[n], marker="o", ms=2)
            ax_k.set_yscale("log")
            ax_k.set_ylim(1e-18, 1e-6)
            ax_k.axhline(1e-17, color="grey", lw=0.6)
            # 9 pt: the figure is shown scaled down to fit the notebook, where 8 pt read as about 7 px
            ax_k.text(0.02, 4e-18, _("on this line: identical (difference 0)"), ha="left", va="center", fontsize=9,
                      transform=ax_k.get_yaxis_transform())
            ax_k.set_xlabel(_("step"))
            ax_k.set_ylabel("max |w_numpy − w_keras|")
            _title(ax_k, _("from scratch vs Keras\nlargest difference {difference}").format(
                difference=f"{self.max_keras_difference():.1g}"))
            moving.append(ax_k)
        tuned = c["rates"] == "each fully tuned" and len(handles) > 1  # longer labels: two rows
        moving.append(fig.legend(handles=handles, loc="lower center", ncols=3 if tuned else min(len(handles), 5),
                                 fontsize=9, frameon=False, columnspacing=1.2))
        return moving

    SYMBOLS = {"momentum": "μ", "rho": "ρ", "beta_1": "β₁", "beta_2": "β₂"}

    def settings_label(self, name) -> str:
        """'lr 0.05' (one shared rate, or each its best), or every tuned hyperparameter: 'lr 0.0631, μ 0.6'."""
        settings = self.settings_of(name)
        label = f"lr {settings['learning_rate']:.3g}"
        if self.cfg["rates"] == "each fully tuned":
            label += "".join(f", {self.SYMBOLS[k]} {v:.3g}" for k, v in settings.items() if k in self.SYMBOLS)
        return label
