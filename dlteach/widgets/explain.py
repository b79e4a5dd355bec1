"""Lesson 12 explorer: why did the digits model say that? Saliency, occlusion and the hidden
layer's activations for one test image and a chosen class."""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from .. import data, plots
from ..core import MLP, fit
from ..core.explain import occlusion, saliency
from .base import Explorer, Param


@lru_cache(maxsize=1)
def digits_model(seed: int = 0):
    """The lesson-09 MLP (64-64-10, ReLU, softmax) trained 60 epochs on the 8x8 digits; cached."""
    X_train, X_test, y_train, y_test = data.load_digits(seed=seed)
    model = MLP([64, 64, 10], "relu", "softmax", "categorical_crossentropy", seed=seed)
    fit(model, X_train, data.one_hot(y_train, 10), "adam", learning_rate=1e-3, epochs=60, verbose=0)
    return model, X_test, y_test


class ExplainExplorer(Explorer):
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
