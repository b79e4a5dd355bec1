"""Lesson 03 explorer: a loss as a function of one prediction, for a chosen target, with the
current value and the slope dL/dprediction that backpropagation starts from."""
from __future__ import annotations

import numpy as np

from .. import plots
from ..core import binary_crossentropy, mse
from .base import Explorer, Param

LOSS_CHOICES = ("mse", "binary_crossentropy", "binary_crossentropy_from_logits")


class LossExplorer(Explorer):
    """Lesson 03: a loss as a function of one prediction for a chosen target, with its value and
    the slope dL/dprediction that backpropagation starts from."""

    PARAMS = {
        "loss": Param("binary_crossentropy", choices=LOSS_CHOICES),
        "target": Param(1.0, 0.0, 1.0, step=1.0),
        "prediction": Param(0.7, -10.0, 10.0, step=0.01,
                            label="prediction"),
    }
    FIGSIZE = (7, 3.6)

    def _loss(self, p):
        y = np.full_like(p, self.cfg["target"])
        name = self.cfg["loss"]
        if name == "mse":
            return [mse([[t]], [[q]]) for t, q in zip(y, p)]
        return [binary_crossentropy([[t]], [[q]], from_logits=name.endswith("logits")) for t, q in zip(y, p)]

    def update(self):
        c = self.cfg
        from_probs = c["loss"] == "binary_crossentropy"
        if from_probs and not 0.0 <= c["prediction"] <= 1.0:
            raise ValueError(f"binary_crossentropy takes a probability in [0, 1], got prediction {c['prediction']}; "
                             "use binary_crossentropy_from_logits for any real number.")
        self.p_range = (0.0, 1.0) if from_probs else (-10.0, 10.0)
        self.p = np.linspace(*self.p_range, 401)
        self.curve = np.array([v for v, _ in self._loss(self.p)])
        value, grad = self._loss(np.array([c["prediction"]]))[0]
        self.value, self.grad = value, float(np.ravel(grad)[0])

    def draw_on(self, fig):
        c = self.cfg
        ax = fig.subplots()
        ax.plot(self.p, self.curve, color=plots.BLUE, label=f"target y = {c['target']:g}")
        ax.plot([c["prediction"]], [self.value], "o", color=plots.ORANGE, ms=8, zorder=3)
        span = (self.p_range[1] - self.p_range[0]) * 0.12
        t = np.array([c["prediction"] - span, c["prediction"] + span])
        ax.plot(t, self.value + self.grad * (t - c["prediction"]), color=plots.ORANGE, lw=1.5,
                label=f"slope dL/dŷ = {self.grad:.3g}")
        top = max(min(float(np.max(self.curve)), 6.0), self.value)  # the clipped log reaches 16: cut at 6
        ax.set_ylim(-0.05 * top, top * 1.1)
        ax.set_xlabel("prediction ŷ" + (" (a probability)" if self.p_range == (0.0, 1.0) else " (a logit z)"))
        ax.set_ylabel("loss L")
        ax.set_title(f"{c['loss']}: L = {self.value:.4g} at ŷ = {c['prediction']:g}", fontsize=10)
        ax.legend(frameon=False, fontsize=8)
