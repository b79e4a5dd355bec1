"""Lesson 12 explorer: why did the digits model say that? Saliency, occlusion (on the image's own
pixels) and the hidden units that fire most, each shown with the 8x8 input pattern it weighs, for
one test image and a chosen class."""
from __future__ import annotations

import numpy as np

from .. import plots
from ..core import occlusion, occlusion_pixels, saliency
from ..experiments import digits_model
from .base import Explorer, Param


class ExplainExplorer(Explorer):
    """Lesson 12: saliency, occlusion and the hidden activations of the digits model
    (experiments.digits_model, a private copy) for one test image and class (-1: the predicted one)."""

    PARAMS = {
        "image": Param(0, 0, 359, label="test image #"),
        "target": Param(-1, -1, 9, label="class (-1=pred.)"),
        "patch": Param(2, 1, 4, label="occlusion patch"),
    }
    FIGSIZE = (9.5, 5.6)
    LAYOUT_CACHE = True  # the layout of an earlier drawing with the same texts and limits is replayed

    def update(self):
        c = self.cfg
        self.model, X_test, y_test = digits_model()
        self.x, self.label = X_test[c["image"]], int(y_test[c["image"]])
        self.probs = self.model.predict(self.x[None])[0]
        self.predicted = int(self.probs.argmax())
        self.cls = self.predicted if c["target"] < 0 else int(c["target"])
        self.saliency = saliency(self.model, self.x[None], self.cls)[0].reshape(8, 8)
        self.occlusion = occlusion(self.model, self.x, self.cls, 8, c["patch"])  # one value per patch position
        self.occlusion_pixels = occlusion_pixels(self.model, self.x, self.cls, 8, c["patch"])  # (8, 8), aligned
        self.hidden = self.model.activations(self.x[None])[0][0]
        W1 = self.model.dense_layers[0].W
        # a hidden unit's share of the class score: its activation times its weight to class cls
        self.contribution = self.hidden * self.model.dense_layers[1].W[:, self.cls]
        self.top_units = np.argsort(-self.contribution)[:3]
        self.unit_maps = W1[:, self.top_units].T.reshape(-1, 8, 8)

    def draw_on(self, fig):
        axes = fig.subplots(2, 3).ravel()  # top: the image and its two maps; bottom: the three top hidden units
        axes[0].imshow(self.x.reshape(8, 8), cmap="gray_r")
        axes[0].set_title(f"true {self.label}, predicted {self.predicted} ({self.probs[self.predicted]:.2f})",
                          fontsize=10)
        lim = max(np.abs(self.saliency).max(), 1e-12)
        axes[1].imshow(self.saliency, cmap=plots.DIVERGING, vmin=-lim, vmax=lim)
        axes[1].set_title(f"saliency dz_{self.cls}/dx", fontsize=10)
        lim = max(np.abs(self.occlusion_pixels).max(), 1e-12)
        axes[2].imshow(self.occlusion_pixels, cmap=plots.DIVERGING, vmin=-lim, vmax=lim)
        axes[2].set_title(f"occlusion:\ndrop in p({self.cls})", fontsize=10)
        for ax in axes[:3]:
            ax.set_xlabel("column")
            ax.set_ylabel("row")
        for k, (ax, unit, pattern) in enumerate(zip(axes[3:], self.top_units, self.unit_maps)):
            lim = max(np.abs(pattern).max(), 1e-12)
            ax.imshow(pattern, cmap=plots.DIVERGING, vmin=-lim, vmax=lim)
            ax.set_title(f"unit {unit}: a={self.hidden[unit]:.2f}", fontsize=10)
            ax.set_xlabel(f"its input weights (#{k + 1})", fontsize=10)
            ax.set_ylabel(f"a*w to z_{self.cls}: {self.contribution[unit]:.2f}", fontsize=10)
        for ax in axes:
            ax.set_xticks([])
            ax.set_yticks([])
