"""Lessons 04 and 05 explorers: gradient descent and the optimizers on 2-D loss surfaces."""
from __future__ import annotations

import numpy as np

from .. import plots
from ..core import get_optimizer
from ..core.surfaces import SURFACES, LinearRegression, descend, get_surface
from .base import Explorer, Param

OPTIMIZER_NAMES = ("sgd", "momentum", "nesterov", "rmsprop", "adam")
OPTIMIZER_COLOURS = {"sgd": "#000000", "momentum": plots.ORANGE, "nesterov": "#CC79A7", "rmsprop": plots.GREEN,
                     "adam": plots.BLUE}


def _problem(name):
    return LinearRegression() if name == "regression" else get_surface(name)


def _loss_panel(ax, problem, paths: dict):
    for label, (path, colour) in paths.items():
        ax.plot(np.arange(len(path)), problem.f(path) - problem.f(np.array(problem.minimum)) + 1e-12,
                color=colour, label=label)
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("L - L_min")


def _surface_panel(ax, problem):
    plots.loss_surface(ax, problem.f, extent=problem.extent)
    ax.plot(*problem.minimum, "X", color="white", ms=9, mec="black", label="minimum")
    ax.set_xlim(problem.extent[:2])
    ax.set_ylim(problem.extent[2:])
    if isinstance(problem, LinearRegression):
        ax.set_xlabel("w (slope)")
        ax.set_ylabel("b (intercept)")


class GradientDescentExplorer(Explorer):
    """w <- w - lr * grad L(w) from a start point, on a chosen surface; on 'regression' the
    gradient is taken on mini-batches of `batch_size` of the 100 points."""

    PARAMS = {
        "surface": Param("bowl", choices=tuple(SURFACES) + ("regression",)),
        "learning_rate": Param(0.1, 1e-3, 3.0, log=True, label="learning rate"),
        "start_w1": Param(-1.6, -2.0, 2.0, step=0.05, label="start w1"),
        "start_w2": Param(1.4, -2.0, 2.0, step=0.05, label="start w2"),
        "steps": Param(30, 1, 200, label="steps"),
        "batch_size": Param(100, 1, 100, label="batch size"),
    }
    FIGSIZE = (9, 3.8)

    def update(self):
        c = self.cfg
        self.problem = _problem(c["surface"])
        rng = np.random.default_rng(0)
        if isinstance(self.problem, LinearRegression):
            n = len(self.problem.x)
            grad_fn = lambda w, t: self.problem.grad(w, rng.choice(n, c["batch_size"], replace=False))  # noqa: E731
        else:
            grad_fn = lambda w, t: self.problem.grad(w)  # noqa: E731
        self.path = descend(grad_fn, get_optimizer("sgd", learning_rate=c["learning_rate"]),
                            (c["start_w1"], c["start_w2"]), c["steps"])
        start_loss = float(self.problem.f(self.path[0]))
        self.diverged = len(self.path) < c["steps"] + 1 or float(self.problem.f(self.path[-1])) > start_loss
        self.final_loss = float(self.problem.f(self.path[-1]))
        self.message = (f"Diverged after {len(self.path) - 1} steps: each step overshoots the minimum by more "
                        f"than the last. Try a learning rate below {c['learning_rate']:g}." if self.diverged else "")

    def draw_on(self, fig):
        ax_s, ax_l = fig.subplots(1, 2, width_ratios=[1.2, 1])
        _surface_panel(ax_s, self.problem)
        shown = self.path[np.all(np.abs(self.path) < 1e3, axis=1)]
        plots.path(ax_s, shown, label="gradient descent")
        ax_s.legend(frameon=False, fontsize=8, loc="lower right")
        ax_s.set_title(self.problem.formula, fontsize=9)
        _loss_panel(ax_l, self.problem, {"loss": (shown, plots.ORANGE)})
        if self.diverged:
            ax_l.set_title("diverged: learning rate too large", color="#b2182b", fontsize=10)
        else:
            ax_l.set_title(f"after {len(self.path) - 1} steps: L = {self.final_loss:.3g}", fontsize=10)


class OptimizerExplorer(Explorer):
    """All five optimizers (or one) from the same start with the same learning rate; with
    keras='on' the keras.optimizers paths are drawn over them (they coincide)."""

    PARAMS = {
        "surface": Param("ravine", choices=tuple(SURFACES)),
        "optimizer": Param("all", choices=("all",) + OPTIMIZER_NAMES),
        "learning_rate": Param(0.05, 1e-3, 1.0, log=True, label="learning rate"),
        "momentum": Param(0.9, 0.0, 0.99, step=0.01),
        "beta_1": Param(0.9, 0.0, 0.99, step=0.01, label="Adam beta_1"),
        "steps": Param(60, 1, 300),
        "keras": Param("off", choices=("off", "on"), label="Keras paths"),
    }
    FIGSIZE = (9.5, 4)

    def optimizer(self, name):
        c = self.cfg
        if name in ("momentum", "nesterov"):
            return get_optimizer(name, learning_rate=c["learning_rate"], momentum=c["momentum"])
        if name == "adam":
            return get_optimizer(name, learning_rate=c["learning_rate"], beta_1=c["beta_1"])
        return get_optimizer(name, learning_rate=c["learning_rate"])

    def update(self):
        c = self.cfg
        self.problem = get_surface(c["surface"])
        names = OPTIMIZER_NAMES if c["optimizer"] == "all" else (c["optimizer"],)
        self.paths = {n: descend(lambda w, t: self.problem.grad(w), self.optimizer(n), self.problem.start, c["steps"])
                      for n in names}
        self.keras_paths = {}
        if c["keras"] == "on":
            from ..keras_twin import keras_descend  # noqa: PLC0415

            self.keras_paths = {n: keras_descend(self.problem.f, self.optimizer(n), self.problem.start, c["steps"])
                                for n in names}
        self.final = {n: float(self.problem.f(p[-1])) for n, p in self.paths.items()}

    def paired_paths(self):
        """(from-scratch points, Keras points) of all paths, stacked (needs keras='on'); a path that
        diverged is compared up to where the from-scratch run stopped it."""
        ours, theirs = [], []
        for n, k in self.keras_paths.items():
            m = min(len(k), len(self.paths[n]))
            ours.append(self.paths[n][:m])
            theirs.append(k[:m])
        return np.concatenate(ours), np.concatenate(theirs)

    def max_keras_difference(self) -> float:
        """Largest |from-scratch - Keras| over all points of all paths (needs keras='on')."""
        ours, theirs = self.paired_paths()
        return float(np.max(np.abs(ours - theirs)))

    def draw_on(self, fig):
        ax_s, ax_l = fig.subplots(1, 2, width_ratios=[1.2, 1])
        _surface_panel(ax_s, self.problem)
        inside = lambda p: p[np.all(np.abs(p) < 1e3, axis=1)]  # noqa: E731
        for n, p in self.paths.items():
            plots.path(ax_s, inside(p), label=n, color=OPTIMIZER_COLOURS[n])
        for n, p in self.keras_paths.items():
            ax_s.plot(*inside(p).T, ls="none", marker="o", mfc="none", mec="white", ms=5, mew=0.8)
        if self.keras_paths:
            ax_s.plot([], [], ls="none", marker="o", mfc="none", mec="white", label="Keras (rings)")
        ax_s.legend(frameon=True, fontsize=7, loc="lower right")
        ax_s.set_title(self.problem.formula, fontsize=9)
        _loss_panel(ax_l, self.problem, {n: (inside(p), OPTIMIZER_COLOURS[n]) for n, p in self.paths.items()})
        best = min(self.final, key=self.final.get)
        ax_l.set_title(f"lowest after {self.cfg['steps']} steps: {best}", fontsize=10)
        ax_l.legend(frameon=False, fontsize=7)
