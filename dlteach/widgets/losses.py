"""Lesson 03 explorer: MSE and binary cross-entropy side by side, against the same x axis (the
predicted probability a, or the logit z with a = sigmoid(z)), with the value and the slope that
backpropagation starts from at one prediction."""
from __future__ import annotations

import functools

import numpy as np

from .. import plots
from ..core import binary_crossentropy, derivative, get_activation, mse
from ..i18n import N_
from ..i18n import gettext_ as _
from .base import Explorer, Param
from .inplace import text_size_layout_key

AXES = ("probability a", "logit z")
LOSS_NAMES = {"mse": N_("MSE"), "bce": N_("binary cross-entropy")}  # shown as _(LOSS_NAMES[name])
LOSS_AXES = {"mse": N_("loss L (MSE)"), "bce": N_("loss L (cross-entropy)")}  # the y labels


def _logit(a):
    return float(np.log(a) - np.log1p(-a))


class LossExplorer(Explorer):
    """Lesson 03: MSE and binary cross-entropy of one prediction for a target y, drawn on the same
    axes. With x axis 'probability a' the slopes are dL/da; with 'logit z' (a = sigmoid(z), the
    neuron's output) they are dL/dz, the gradient that reaches the neuron's weights."""

    PARAMS = {
        "target": Param(1.0, 0.0, 1.0, step=1.0, label="target y"),
        "prediction": Param(0.1, 0.001, 0.999, step=0.001, label="prediction a"),
        "axis": Param("probability a", choices=AXES, label="x axis"),
    }
    FIGSIZE = (9, 3.8)
    LAYOUT_CACHE = True  # the layout of an earlier drawing with the same texts and limits is replayed

    def _point(self, a, y):
        """{loss: (value, slope)} at one prediction a; the slope is dL/da or dL/dz (see axis)."""
        z = _logit(a)
        L_mse, g_mse = mse([[y]], [[a]])
        if self.cfg["axis"] == "probability a":
            L_bce, g_bce = binary_crossentropy([[y]], [[a]])
            return {"mse": (L_mse, float(g_mse[0, 0])), "bce": (L_bce, float(g_bce[0, 0]))}
        # through a = sigmoid(z): MSE's slope picks up sigmoid'(z); BCE from logits has slope a - y
        sigmoid_slope = float(derivative("sigmoid", np.array([z]))[0])
        L_bce, g_bce = binary_crossentropy([[y]], [[z]], from_logits=True)
        return {"mse": (L_mse, float(g_mse[0, 0]) * sigmoid_slope), "bce": (L_bce, float(g_bce[0, 0]))}

    def update(self):
        c = self.cfg
        y, a = c["target"], c["prediction"]
        self.z = _logit(a)
        if c["axis"] == "probability a":
            self.x_point, self.slope_name = a, "dL/da"
        else:
            self.x_point, self.slope_name = self.z, "dL/dz"
        self.x, curves = self._curves(y, c["axis"])
        self.curves = dict(curves)
        point = self._point(a, y)
        self.values = {k: v for k, (v, _) in point.items()}
        self.slopes = {k: g for k, (_, g) in point.items()}

    @staticmethod
    @functools.lru_cache(maxsize=8)
    def _curves(y, axis):
        """x and both loss curves for target y: they do not depend on the prediction, so moving the
        prediction slider reuses them (400 loss calls each). Read-only arrays: shared between calls."""
        if axis == "probability a":
            x = np.linspace(0.001, 0.999, 400)
            probs = x
        else:
            x = np.linspace(-8.0, 8.0, 401)
            probs = get_activation("sigmoid")(x)
        curves = {"mse": (probs - y) ** 2}
        if axis == "logit z":  # exact from the logits (the clipped probabilities flatten the tails)
            curves["bce"] = np.array([binary_crossentropy([[y]], [[z]], from_logits=True)[0] for z in x])
        else:
            curves["bce"] = np.array([binary_crossentropy([[y]], [[p]])[0] for p in probs])
        for values in (x, *curves.values()):
            values.flags.writeable = False
        return x, curves

    def _shown(self):
        """What the figure shows for the current settings (draw_on draws it, refresh updates to it)."""
        c = self.cfg
        top = max(min(max(float(np.max(curve)) for curve in self.curves.values()), 5.0), *self.values.values())
        span = (self.x[-1] - self.x[0]) * 0.1
        t = np.array([self.x_point - span, self.x_point + span])
        margin = 0.05 * (self.x[-1] - self.x[0])  # matplotlib's autoscale margin around the curves
        panels = {name: {"tangent": (t, self.values[name] + self.slopes[name] * (t - self.x_point)),
                         "tangent_label": _("slope {name} = {value:.3g}").format(name=self.slope_name,
                                                                                 value=self.slopes[name]),
                         "title": f"{_(LOSS_NAMES[name])}: L = {self.values[name]:.3g}"} for name in ("mse", "bce")}
        return {"panels": panels, "ylim": (-0.05 * top, 1.1 * top),
                # the curves' range: the tangent at a prediction near an end is cut at the frame, the axis
                # does not stretch past the probabilities (below 0) to show all of it
                "xlim": (self.x[0] - margin, self.x[-1] + margin),
                "xlabel": (_("predicted probability a") if c["axis"] == "probability a"
                           else _("logit z  (a = sigmoid(z))")),
                "curve_label": _("L for target y = {target:g}").format(target=c["target"]),
                "suptitle": _("target y = {target:g}, prediction a = {prediction:g} (z = {z:.2f}); "
                              "same axes in both panels").format(target=c["target"], prediction=c["prediction"],
                                                                 z=self.z)}

    def draw_on(self, fig):
        axes = fig.subplots(1, 2, sharex=True, sharey=True)
        self._artists = {}
        for ax, name in zip(axes, ("mse", "bce")):
            (curve,) = ax.plot([], [], color=plots.BLUE)
            (point,) = ax.plot([], [], "o", color=plots.ORANGE, ms=8, zorder=3)
            (tangent,) = ax.plot([], [], color=plots.ORANGE, lw=2)
            ax.set_ylabel(_(LOSS_AXES[name]))
            ax.yaxis.set_tick_params(labelleft=True)
            self._artists[name] = {"ax": ax, "curve": curve, "point": point, "tangent": tangent}
        self._show(fig)
        for panel in self._artists.values():
            panel["legend"] = panel["ax"].legend(frameon=False, fontsize=10, loc="upper center")
            panel["legend"].set_in_layout(False)  # inside the axes: the layout need not measure it

    def refresh(self, fig):
        self._show(fig)
        for panel in self._artists.values():
            for text, line in zip(panel["legend"].get_texts(), (panel["curve"], panel["tangent"])):
                text.set_text(line.get_label())
        return True

    def _show(self, fig):
        """Put the current settings' data into the artists draw_on made (the same for a fresh figure)."""
        s = self._shown()
        for name, panel in self._artists.items():
            ax, shown = panel["ax"], s["panels"][name]
            panel["curve"].set_data(self.x, self.curves[name])
            panel["curve"].set_label(s["curve_label"])
            panel["point"].set_data([self.x_point], [self.values[name]])
            panel["tangent"].set_data(*shown["tangent"])
            panel["tangent"].set_label(shown["tangent_label"])
            ax.set_xlim(*s["xlim"])
            ax.set_ylim(*s["ylim"])
            ax.set_xlabel(s["xlabel"])
            ax.set_title(shown["title"], fontsize=11, y=1.0)  # where matplotlib puts it (no ticks on top),
            # given so that it does not measure every y tick label again per draw to find that out
        fig.suptitle(s["suptitle"], fontsize=11)

    def layout_cache_key(self, fig):
        return text_size_layout_key(fig)  # the menus change texts and limits only
