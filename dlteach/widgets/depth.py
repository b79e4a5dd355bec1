"""Lesson 08 explorer: how depth, activation and initialiser shape the activations and the
gradients of a deep MLP at initialisation (before any training)."""
from __future__ import annotations

import numpy as np

from .. import plots
from ..core import INITIALIZERS
from ..experiments import layer_statistics
from .base import Explorer, Param


class DepthExplorer(Explorer):
    """Lesson 08: an MLP of `depth` hidden layers at initialisation: activation histograms,
    the spread of the activations per layer and the gradient norm ||dL/dW|| per layer
    (experiments.layer_statistics); `ratio` is first/last."""

    PARAMS = {
        "depth": Param(10, 1, 30, label="hidden layers"),
        "width": Param(64, 4, 256, step=4, label="neurons/layer"),
        "activation": Param("sigmoid", choices=("sigmoid", "tanh", "relu", "leaky_relu", "linear")),
        "init": Param("glorot_uniform", choices=tuple(INITIALIZERS), label="initialiser"),
    }
    FIGSIZE = (13, 3.8)

    def update(self):
        c = self.cfg
        with np.errstate(all="ignore"):  # bad_normal with relu overflows on purpose: shown, not warned
            self.acts, self.norms, self.model = layer_statistics(c["depth"], c["width"], c["activation"], c["init"])
        finite = self.norms[np.isfinite(self.norms) & (self.norms > 0)]
        self.ratio = float(finite[0] / finite[-1]) if len(finite) > 1 else np.nan  # first layer vs last

    def _histograms(self, ax):
        """Histograms of the activations of the first, middle and last hidden layers."""
        picks = sorted({0, len(self.acts) // 2, len(self.acts) - 1})
        finite = [a[np.isfinite(a)] for a in self.acts]
        lo = min(float(np.percentile(finite[i], 1)) for i in picks)
        hi = max(float(np.percentile(finite[i], 99)) for i in picks)
        if hi <= lo:
            hi = lo + 1.0
        bins = np.linspace(lo, hi, 40)
        colours = [plots.ORANGE, plots.GREEN, plots.BLUE]
        for colour, i in zip(colours, picks):
            ax.hist(np.clip(finite[i], lo, hi), bins=bins, density=True, histtype="step", lw=1.5, color=colour,
                    label=f"layer {i + 1}")
        ax.set_xlabel("activation a (1st-99th percentile)")
        ax.set_ylabel("density")
        ax.set_title("activation histograms", fontsize=10)
        ax.legend(frameon=False, fontsize=8)

    def draw_on(self, fig):
        c = self.cfg
        ax_h, ax_a, ax_g = fig.subplots(1, 3)
        self._histograms(ax_h)
        layers = np.arange(1, len(self.acts) + 1)
        std = np.array([np.std(a) for a in self.acts])
        positive = std[std > 0]
        log = positive.size and positive.max() > 10 * positive.min()  # log scale only for a wide range
        # a zero spread (e.g. zeros init: every unit equal) is drawn at 0 unless the axis is logarithmic
        shown = std > 0 if log else np.isfinite(std)
        ax_a.plot(layers[shown], std[shown], "-o", ms=3, color=plots.BLUE)
        if log:
            ax_a.set_yscale("log")
        else:
            ax_a.set_ylim(0, max(float(positive.max()) * 1.15, 1e-12) if positive.size else 1)
        ax_a.set_xlabel("hidden layer")
        ax_a.set_ylabel("std of activations")
        ax_a.set_title(f"activation spread, {c['activation']}, {c['init']}", fontsize=10)
        all_layers = np.arange(1, len(self.norms) + 1)
        shown = np.where(np.isfinite(self.norms) & (self.norms > 0), self.norms, np.nan)
        ax_g.bar(all_layers, shown, color=plots.ORANGE)
        ax_g.set_yscale("log")
        ax_g.set_xlabel("layer (1 = next to the input)")
        ax_g.set_ylabel("||dL/dW||")
        if np.isfinite(self.ratio):
            ax_g.set_title(f"gradient norm per layer: first/last = {self.ratio:.2g}", fontsize=10)
        else:
            ax_g.set_title("gradients overflowed or vanished entirely", fontsize=10, color="#b2182b")
