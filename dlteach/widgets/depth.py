"""Lesson 08 explorer: how depth, activation and initialiser shape the activations and the
gradients of a deep MLP at initialisation (before any training)."""
from __future__ import annotations

import contextlib

import numpy as np
from matplotlib.ticker import NullLocator

from .. import plots
from ..core import INITIALIZERS
from ..experiments import layer_statistics
from .base import Explorer, Param

HEALTHY = (0.1, 10.0)  # a spread that changes by less than 10x from the first hidden layer to the last


def _one_blas_thread():
    """The matrices here are small (512 x 64): one BLAS thread is faster than several that fight over
    a busy machine's cores (measured on 2 busy cores: 0.04 s instead of 2 s per network)."""
    try:
        from threadpoolctl import threadpool_limits  # noqa: PLC0415
    except ImportError:  # pragma: no cover
        return contextlib.nullcontext()
    return threadpool_limits(1, user_api="blas")


def _ratio(top, bottom) -> float:
    """top / bottom, or NaN where either is 0 or not finite (no signal, or an overflow)."""
    if not (np.isfinite(top) and np.isfinite(bottom)) or top == 0 or bottom == 0:
        return float("nan")
    return float(top / bottom)



def _decades_only(axis, limits):
    """No minor ticks on a log axis spanning more than 2 decades: over 20 decades matplotlib builds hundreds of
    them (about 100 ms a redraw) and they carry no label; a shorter axis keeps its labelled minor ticks."""
    low, high = sorted(limits)
    if low > 0 and np.log10(high / low) > 2:
        axis.set_minor_locator(NullLocator())

class DepthExplorer(Explorer):
    """Lesson 08: an MLP of `depth` hidden layers at initialisation (experiments.layer_statistics);
    `seed` draws its weights and its input batch.

    Forward, the spread std(a) of every hidden layer's activations; backward, the spread std(delta)
    of every hidden layer's delta = dL/dz; and the gradient norm ||dL/dW|| per layer.
    forward_ratio = std(a) last hidden / first hidden; backward_ratio = std(delta) first hidden /
    last hidden; both inside HEALTHY (0.1 to 10) is `healthy`. ratio: ||dL/dW|| first / last layer.
    """

    PARAMS = {
        "depth": Param(10, 1, 30, label="hidden layers"),
        "width": Param(64, 4, 256, step=4, label="neurons/layer"),
        "activation": Param("sigmoid", choices=("sigmoid", "tanh", "relu", "leaky_relu", "linear")),
        "init": Param("glorot_uniform", choices=tuple(INITIALIZERS), label="initialiser"),
        "seed": Param(0, 0, 9),
    }
    FIGSIZE = (13, 4.2)
    LAYOUT_CACHE = True  # the layout of an earlier drawing with the same texts and limits is replayed

    def update(self):
        c = self.cfg
        # bad_normal with relu overflows on purpose: shown, not warned
        with np.errstate(all="ignore"), _one_blas_thread():
            self.acts, self.norms, self.model = layer_statistics(c["depth"], c["width"], c["activation"], c["init"],
                                                                 seed=c["seed"])
            hidden = self.model.dense_layers[:-1]
            self.a_std = np.array([np.std(a) for a in self.acts])
            self.delta_std = np.array([np.std(layer.delta) for layer in hidden])
        finite = self.norms[np.isfinite(self.norms) & (self.norms > 0)]
        self.ratio = float(finite[0] / finite[-1]) if len(finite) > 1 else np.nan  # first layer vs last
        self.forward_ratio = _ratio(self.a_std[-1], self.a_std[0])
        self.backward_ratio = _ratio(self.delta_std[0], self.delta_std[-1])
        self.verdict = self._verdict()

    @property
    def healthy(self) -> bool:
        """Both spreads stay within a factor of 10 from the first hidden layer to the last."""
        lo, hi = HEALTHY
        return bool(lo <= self.forward_ratio <= hi and lo <= self.backward_ratio <= hi)

    def _verdict(self) -> str:
        lo, hi = HEALTHY
        if not (np.isfinite(self.forward_ratio) and np.isfinite(self.backward_ratio)):
            return "no signal: activations or deltas are all 0, or overflowed"
        words = []
        if not lo <= self.forward_ratio <= hi:
            words.append("activations " + ("explode" if self.forward_ratio > hi else "shrink away"))
        if not lo <= self.backward_ratio <= hi:
            words.append("gradients " + ("explode" if self.backward_ratio > hi else "vanish"))
        return "; ".join(words) if words else "healthy: both spreads stay within 10x"

    def _histograms(self, ax):
        """Histograms of |a| of the first, middle and last hidden layers, on a log axis: a spread
        of 1e-3 and one of 1e11 are both readable. Exact zeros (ReLU) are counted in the legend."""
        picks = sorted({0, len(self.acts) // 2, len(self.acts) - 1})
        values = [np.abs(self.acts[i][np.isfinite(self.acts[i])]) for i in picks]
        positive = np.concatenate([v[v > 0] for v in values]) if values else np.array([])
        colours = [plots.ORANGE, plots.GREEN, plots.BLUE]
        if positive.size:
            lo = max(float(np.percentile(positive, 0.5)), 1e-300)
            hi = max(float(np.percentile(positive, 99.5)), lo * 10)
            bins = np.geomspace(lo, hi, 40)
            for colour, i, v in zip(colours, picks, values):
                zeros = float(np.mean(v == 0)) if v.size else 1.0
                label = f"layer {i + 1}" + (f" ({zeros:.0%} are 0)" if zeros > 0.01 else "")
                ax.hist(np.clip(v[v > 0], lo, hi), bins=bins, weights=np.full((v > 0).sum(), 1 / max(v.size, 1)),
                        histtype="step", lw=1.8, color=colour, label=label)
            ax.set_xscale("log")
            _decades_only(ax.xaxis, ax.get_xlim())
            ax.legend(frameon=False, fontsize=10)
        else:
            ax.text(0.5, 0.5, "every activation is 0", ha="center", va="center", transform=ax.transAxes,
                    fontsize=11)
        ax.set_xlabel("|a| (log scale)", fontsize=11)
        ax.set_ylabel("fraction of units", fontsize=11)
        ax.set_title("activation histograms", fontsize=11)

    def _spreads(self, ax):
        layers = np.arange(1, len(self.acts) + 1)
        for values, colour, name in ((self.a_std, plots.BLUE, "forward: std(a)"),
                                     (self.delta_std, plots.ORANGE, "backward: std(δ), δ = dL/dz")):
            shown = np.isfinite(values) & (values > 0)
            ax.plot(layers[shown], values[shown], "-o", ms=3, color=colour, label=name)
        ax.set_yscale("log")
        _decades_only(ax.yaxis, ax.get_ylim())
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.set_xlabel("hidden layer (1 = next to the input)", fontsize=11)
        ax.set_ylabel("standard deviation", fontsize=11)
        ax.legend(frameon=False, fontsize=10)
        fmt = lambda r: f"{r:.1e}" if np.isfinite(r) else "n/a"  # noqa: E731
        ax.set_title(f"a last/first = {fmt(self.forward_ratio)}, δ first/last = {fmt(self.backward_ratio)}",
                     fontsize=11)

    def draw_on(self, fig):
        c = self.cfg
        ax_h, ax_s, ax_g = fig.subplots(1, 3)
        self._histograms(ax_h)
        self._spreads(ax_s)
        all_layers = np.arange(1, len(self.norms) + 1)
        shown = np.where(np.isfinite(self.norms) & (self.norms > 0), self.norms, np.nan)
        ax_g.bar(all_layers, shown, color=plots.ORANGE)
        ax_g.set_yscale("log")
        _decades_only(ax_g.yaxis, ax_g.get_ylim())
        ax_g.xaxis.get_major_locator().set_params(integer=True)
        ax_g.set_xlabel("layer (1 = next to the input)", fontsize=11)
        ax_g.set_ylabel("||dL/dW||", fontsize=11)
        if np.isfinite(self.ratio):
            ax_g.set_title(f"||dL/dW|| per layer: first/last = {self.ratio:.2g}", fontsize=11)
        else:
            ax_g.set_title("gradients overflowed or vanished entirely", fontsize=11, color="#b2182b")
        colour = "#1a7837" if self.healthy else "#b2182b"
        fig.suptitle(f"{c['depth']} hidden layers of {c['width']}, {c['activation']}, {c['init']}: {self.verdict}",
                     fontsize=12, color=colour)
