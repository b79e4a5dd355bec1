"""Lesson 02 explorer: an activation f(z) and its derivative over a chosen input range, with the
saturated region (where |f'(z)| is under 5% of its largest value) shaded."""
from __future__ import annotations

import numpy as np

from .. import plots
from ..core import derivative, get_activation
from ..i18n import gettext_ as _
from .base import Explorer, Param
from .inplace import text_size_layout_key


class ActivationExplorer(Explorer):
    """Lesson 02: an activation f(z) and its derivative f'(z) on [-z_range, z_range], with the
    saturated region (|f'(z)| under 5 % of its largest value) shaded. The size of the slope counts, not
    its sign: GELU's negative slope below zero still passes gradient on (with its sign flipped)."""

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
        slope = np.abs(self.df)
        peak = slope.max()
        self.saturated = slope < 0.05 * peak if peak > 0 else np.zeros_like(self.z, dtype=bool)
        self.saturated_fraction = float(self.saturated.mean())

    def draw_on(self, fig):
        ax = fig.subplots()
        plots.activation_plot(ax, self.cfg["activation"], (-self.cfg["z_range"], self.cfg["z_range"]))
        self._curves, self._fill = ax.lines[:2], None  # f and f' (then the axis lines at 0)
        self._show(ax)
        ax.legend(frameon=False, fontsize=10, loc="upper left")

    def refresh(self, fig):
        ax = fig.axes[0]
        z = np.linspace(-self.cfg["z_range"], self.cfg["z_range"], len(self._curves[0].get_xdata()))
        self._curves[0].set_data(z, get_activation(self.cfg["activation"])(z))  # as activation_plot draws them
        self._curves[1].set_data(z, derivative(self.cfg["activation"], z))
        self._show(ax)
        return True

    def layout_cache_key(self, fig):
        return text_size_layout_key(fig)  # the menu changes only the curves and the title

    def _show(self, ax):
        """The saturated band over the curves' y range, and the title."""
        if self._fill is not None:
            self._fill.remove()
        # The limits activation_plot's autoscaling gives: the two curves', stretched to value 0 when
        # that lies outside them (its axhline at 0 asks for it then; its axvline at z = 0 never does).
        value_0, z_0 = ax.lines[2:4]
        value_0.set_visible(False)
        z_0.set_visible(False)
        ax.set_autoscale_on(True)
        ax.relim(visible_only=True)
        ax.autoscale_view()
        ymin, ymax = ax.get_ybound()
        value_0.set_visible(True)
        if not ymin <= 0 <= ymax:
            ax.relim(visible_only=True)
            ax.autoscale_view()
        z_0.set_visible(True)
        ymin, ymax = ax.get_ylim()
        self._fill = ax.fill_between(self.z, ymin, ymax, where=self.saturated, color="grey", alpha=0.2, lw=0,
                                     label=_("saturated: |f'| < 5% of max"))
        ax.set_ylim(ymin, ymax)
        ax.set_title(_("{activation}: saturated on {percent}% of this range").format(
            activation=self.cfg["activation"], percent=f"{100 * self.saturated_fraction:.0f}"),
            fontsize=11, y=1.0)  # y: where matplotlib puts it, without measuring
