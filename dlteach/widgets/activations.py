"""Lesson 02 explorer: an activation f(z) and its derivative over a chosen input range, with the
saturated region (where f'(z) is under 5% of its largest value) shaded."""
from __future__ import annotations

import numpy as np

from .. import plots
from ..core import derivative, get_activation
from .base import Explorer, Param


class ActivationExplorer(Explorer):
    """Lesson 02: an activation f(z) and its derivative f'(z) on [-z_range, z_range], with the
    saturated region (f'(z) under 5 % of its largest value) shaded."""

    PARAMS = {
        "activation": Param("sigmoid", choices=("sigmoid", "tanh", "relu", "leaky_relu", "elu",
                                                   "selu", "gelu", "linear")),
        "z_range": Param(6.0, 1.0, 20.0, step=0.5, label="input range ±"),
    }
    FIGSIZE = (7, 3.6)
    LAYOUT_CACHE = True  # the layout of an earlier drawing with the same texts and limits is replayed

    def update(self):
        c = self.cfg
        self.z = np.linspace(-c["z_range"], c["z_range"], 801)
        self.f = get_activation(c["activation"])(self.z)
        self.df = derivative(c["activation"], self.z)
        peak = self.df.max()
        self.saturated = self.df < 0.05 * peak if peak > 0 else np.zeros_like(self.z, dtype=bool)
        self.saturated_fraction = float(self.saturated.mean())

    def draw_on(self, fig):
        ax = fig.subplots()
        plots.activation_plot(ax, self.cfg["activation"], (-self.cfg["z_range"], self.cfg["z_range"]))
        ymin, ymax = ax.get_ylim()
        ax.fill_between(self.z, ymin, ymax, where=self.saturated, color="grey", alpha=0.2, lw=0,
                        label="saturated: f' < 5% of max")
        ax.set_ylim(ymin, ymax)
        ax.legend(frameon=False, fontsize=10, loc="upper left")
        ax.set_title(f"{self.cfg['activation']}: saturated on {100 * self.saturated_fraction:.0f}% "
                     "of this range", fontsize=11)
