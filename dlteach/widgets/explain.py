"""Lesson 12 explorer: why did the digits model say that? Saliency, occlusion and the hidden
layer's activations for one test image and a chosen class."""
from __future__ import annotations

import numpy as np

from .. import plots
from ..core import occlusion, saliency
from ..experiments import digits_model
from .base import Explorer, Param


class ExplainExplorer(Explorer):
    """Lesson 12: saliency, occlusion and the hidden activations of the digits model
    (experiments.digits_model, a private copy) for one test image and class (-1: the predicted one)."""

    PARAMS = {
        "image": Param(0, 0, 359, label="test image #"),
        "target": Param(-1, -1, 9, label="class (-1: predicted)"),
        "patch": Param(2, 1, 4, label="occlusion patch"),
    }
    FIGSIZE = (10, 2.9)

    def update(self):
        c = self.cfg
        self.model, X_test, y_test = digits_model()
        self.x, self.label = X_test[c["image"]], int(y_test[c["image"]])
        self.probs = self.model.predict(self.x[None])[0]
        self.predicted = int(self.probs.argmax())
        self.cls = self.predicted if c["target"] < 0 else int(c["target"])
        self.saliency = saliency(self.model, self.x[None], self.cls)[0].reshape(8, 8)
        self.occlusion = occlusion(self.model, self.x, self.cls, 8, c["patch"])
        self.hidden = self.model.activations(self.x[None])[0][0]

    def draw_on(self, fig):
        axes = fig.subplots(1, 4, width_ratios=[1, 1, 1, 1.5])
        axes[0].imshow(self.x.reshape(8, 8), cmap="gray_r")
        axes[0].set_title(f"true {self.label}, predicted {self.predicted} ({self.probs[self.predicted]:.2f})",
                          fontsize=9)
        lim = max(np.abs(self.saliency).max(), 1e-12)
        axes[1].imshow(self.saliency, cmap=plots.DIVERGING, vmin=-lim, vmax=lim)
        axes[1].set_title(f"saliency dz_{self.cls}/dx", fontsize=9)
        lim = max(np.abs(self.occlusion).max(), 1e-12)
        axes[2].imshow(self.occlusion, cmap=plots.DIVERGING, vmin=-lim, vmax=lim)
        axes[2].set_title(f"occlusion: drop in p({self.cls})", fontsize=9)
        for ax in axes[:3]:
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_xlabel("column")
            ax.set_ylabel("row")
        axes[3].bar(np.arange(len(self.hidden)), self.hidden, color=plots.BLUE)
        axes[3].set_xlabel("hidden unit")
        axes[3].set_ylabel("activation (ReLU)")
        axes[3].set_title(f"hidden layer: {int(np.sum(self.hidden > 0))} of {len(self.hidden)} units active",
                          fontsize=9)
