"""Lesson 11 explorer: one convolution kernel applied to a digit by hand: choose the kernel, its
centre value, strides and padding; see the feature map z, and relu(z) max-pooled 2x2, the order of
a CNN layer (a max over signed values would keep the largest and drop the strong negative ones)."""
from __future__ import annotations

import numpy as np

from .. import data, plots
from ..experiments import KERNELS, apply_kernel, max_pool
from .base import Explorer, Param

class ConvExplorer(Explorer):
    """Lesson 11: a 3x3 kernel (plus `centre` on its middle) applied to one 8x8 digit with
    `strides` and `padding`; shows the feature map z (the cross-correlation, signed) and the
    2x2 max-pooling of a = relu(z), as in Conv2D(activation="relu") followed by MaxPooling2D."""

    PARAMS = {
        "kernel": Param("vertical edge", choices=tuple(KERNELS)),
        "centre": Param(0.0, -4.0, 8.0, step=0.25, label="add to centre"),
        "strides": Param(1, 1, 3, label="strides"),
        "padding": Param("same", choices=("same", "valid")),
        "image": Param(0, 0, 19, label="digit #"),
    }
    FIGSIZE = (10, 2.9)

    def __init__(self, **settings):
        X, _, y, _ = data.load_digits()
        self.images, self.labels = X[:20].reshape(-1, 8, 8), y[:20]
        super().__init__(**settings)

    def update(self):
        c = self.cfg
        self.kernel_values = KERNELS[c["kernel"]].copy()
        self.kernel_values[1, 1] += c["centre"]
        self.image = self.images[c["image"]]
        self.feature_map = apply_kernel(self.image, self.kernel_values, c["strides"], c["padding"])
        self.activated = np.maximum(self.feature_map, 0.0)  # the layer's ReLU comes before the pooling
        self.pooled = max_pool(self.activated, 2)  # None when the map is too small to pool

    def draw_on(self, fig):
        c = self.cfg
        axes = fig.subplots(1, 4)
        axes[0].imshow(self.image, cmap="gray_r")
        axes[0].set_title(f"input: a {self.labels[c['image']]} (8x8)", fontsize=9)
        lim = max(np.abs(self.kernel_values).max(), 1e-9)
        axes[1].imshow(self.kernel_values, cmap=plots.DIVERGING, vmin=-lim, vmax=lim)
        for (i, j), v in np.ndenumerate(self.kernel_values):
            axes[1].text(j, i, f"{v:.2g}", ha="center", va="center", fontsize=12, fontweight="bold",
                         color="white" if abs(v) > 0.6 * lim else "black")  # readable on the dark cells too
        axes[1].set_title(f"kernel: {c['kernel']}", fontsize=9)
        m = max(np.abs(self.feature_map).max(), 1e-9)
        axes[2].imshow(self.feature_map, cmap=plots.DIVERGING, vmin=-m, vmax=m)
        fh, fw = self.feature_map.shape
        axes[2].set_title(f"feature map {fh}x{fw} (strides {c['strides']}, {c['padding']})", fontsize=9)
        if self.pooled is not None:
            axes[3].imshow(self.pooled, cmap=plots.DIVERGING, vmin=-m, vmax=m)
            axes[3].set_title(f"relu, then max-pool 2x2: {self.pooled.shape[0]}x{self.pooled.shape[1]}", fontsize=9)
        else:
            axes[3].text(0.5, 0.5, "too small to pool", ha="center", va="center", transform=axes[3].transAxes)
            axes[3].set_title("relu, then max-pool 2x2", fontsize=9)
        for ax in axes:
            ax.set_xlabel("column")
            ax.set_ylabel("row")
            ax.set_xticks([])
            ax.set_yticks([])
