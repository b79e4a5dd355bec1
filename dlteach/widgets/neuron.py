"""Lesson 01 explorer: one neuron a = f(w1 x1 + w2 x2 + b) on a logic gate's four points."""
from __future__ import annotations

import numpy as np

from .. import plots
from ..core import get_activation
from ..core.perceptron import LOGIC, logic_data
from .base import Explorer, Param

# Where each activation's output is read as "class 1": the middle of its range.
THRESHOLD = {"sigmoid": 0.5, "tanh": 0.0, "relu": 0.0, "linear": 0.0, "leaky_relu": 0.0}


class NeuronExplorer(Explorer):
    """Lesson 01: one neuron a = f(w1 x1 + w2 x2 + b) on the four points of a logic gate: its
    output over the plane, the decision line z = 0 and how many points it gets right."""

    PARAMS = {
        "w1": Param(1.0, -5.0, 5.0, step=0.1),
        "w2": Param(1.0, -5.0, 5.0, step=0.1),
        "b": Param(-1.5, -5.0, 5.0, step=0.1),
        "activation": Param("sigmoid", choices=tuple(THRESHOLD)),
        "gate": Param("AND", choices=tuple(LOGIC)),
    }
    FIGSIZE = (9, 3.8)
    LAYOUT_CACHE = True  # the layout of an earlier drawing with the same texts and limits is replayed

    def update(self):
        c = self.cfg
        self.X, self.y = logic_data(c["gate"])
        act = get_activation(c["activation"])
        self.z = self.X @ np.array([c["w1"], c["w2"]]) + c["b"]
        self.a = act(self.z)
        self.y_hat = (self.a > THRESHOLD[c["activation"]]).astype(float)
        self.correct = int(np.sum(self.y_hat == self.y))

    def draw_on(self, fig):
        c = self.cfg
        ax_plane, ax_act = fig.subplots(1, 2, width_ratios=[1.1, 1])
        act = get_activation(c["activation"])
        xs = np.linspace(-0.5, 1.5, 121)
        g1, g2 = np.meshgrid(xs, xs[::-1])
        a_grid = act(c["w1"] * g1 + c["w2"] * g2 + c["b"])
        lo, hi = (0.0, 1.0) if c["activation"] == "sigmoid" else (-max(1e-9, np.abs(a_grid).max()), max(1e-9, np.abs(a_grid).max()))
        im = ax_plane.imshow(a_grid, extent=(-0.5, 1.5, -0.5, 1.5), cmap=plots.BACKGROUND, vmin=lo, vmax=hi)
        fig.colorbar(im, ax=ax_plane, label="neuron output a", shrink=0.85)
        if abs(c["w2"]) > 1e-12:  # the decision line z = w1 x1 + w2 x2 + b = 0
            ax_plane.plot(xs, (-c["b"] - c["w1"] * xs) / c["w2"], color="black", lw=1.5, label="z = 0")
        elif abs(c["w1"]) > 1e-12:
            ax_plane.axvline(-c["b"] / c["w1"], color="black", lw=1.5, label="z = 0")
        plots.scatter_points(ax_plane, self.X, self.y, size=90)
        for (x1, x2), t in zip(self.X, self.y):
            ax_plane.annotate(f"y={int(t)}", (x1, x2), textcoords="offset points", xytext=(6, 6), fontsize=10)
        ax_plane.set_xlim(-0.5, 1.5)
        ax_plane.set_ylim(-0.5, 1.5)
        ax_plane.set_xlabel("x1")
        ax_plane.set_ylabel("x2")
        ax_plane.set_title(f"{c['gate']}: {self.correct}/4 correct", fontsize=11)
        z = np.linspace(min(-6, self.z.min() - 1), max(6, self.z.max() + 1), 300)
        ax_act.plot(z, act(z), color=plots.BLUE)
        ax_act.scatter(self.z, self.a, c=np.array(plots.CLASS_COLOURS)[self.y.astype(int)], edgecolors="black", zorder=3)
        ax_act.axhline(THRESHOLD[c["activation"]], color="grey", ls=":", lw=1)
        ax_act.set_xlabel("z = w1 x1 + w2 x2 + b")
        ax_act.set_ylabel("a = f(z)")
        ax_act.set_title(f"{c['activation']}: the four points on f", fontsize=11)
