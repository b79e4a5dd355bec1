"""Lesson 14 explorer: a deep, narrow MLP on the 8x8 digits, plain or with batch normalisation,
residual connections or both: the gradient norm of every layer and the accuracy curves, drawn as
the network trains."""
from __future__ import annotations

import time

import numpy as np
from matplotlib.ticker import LogLocator, MaxNLocator, NullFormatter

from .. import plots
from ..deepnets import ACTIVATIONS, DEEP_VARIANTS, deep_run
from ..i18n import N_
from ..i18n import gettext_ as _
from .base import Param, TrainingExplorer

MIN_DECADES = 4  # the gradient norms' log axis spans at least this many decades (norm_limits)
HEALTHY = 10.0  # lesson 08's criterion: within a factor of 10 from the first layer to the last hidden one
COLOURS = {"plain": plots.ORANGE, "batch norm": "#1b9e77", "residual": "#7570b3", "both": plots.BLUE}
# DEEP_VARIANTS' names (the menu's values, compared as they are): translated where a title shows them
VARIANT_NAMES = (N_("plain"), N_("batch norm"), N_("residual"), N_("both"))


def _shown(values):
    """(layer, value) of the layers 1, 2, ... whose value a log axis can show (positive and finite): a
    gradient of exactly 0 or an overflow is left out rather than drawn as a gap."""
    values = np.asarray(values, dtype=float)
    layers = np.arange(1, len(values) + 1)
    shown = np.isfinite(values) & (values > 0)
    return layers[shown], values[shown]


def spread_ratio(norms) -> float:
    """||dW|| of the first layer over the last hidden layer's (NaN where either is 0 or not finite)."""
    first, last = float(norms[0]), float(norms[-2])
    if not (np.isfinite(first) and np.isfinite(last)) or first <= 0 or last <= 0:
        return float("nan")
    return first / last


class DeepNetExplorer(TrainingExplorer):
    """Lesson 14: a 64 -> 16 units x depth -> 10 MLP on the digits (experiments.deep_run: the four
    variants plain, batch norm, residual, both), trained with Adam at the chosen rate for the chosen
    epochs (batches of 64, seed 0). Left: ||dL/dW|| of every Dense layer, at initialisation (grey) and
    after the epochs trained so far; right: training and validation accuracy per epoch. Runs are
    cached: a setting seen before answers at once. In the widget the network is drawn as it trains,
    starting with its gradients at initialisation."""

    PARAMS = {
        "variant": Param("plain", choices=DEEP_VARIANTS),
        "depth": Param(20, 2, 30, label="hidden layers"),
        "activation": Param("sigmoid", choices=ACTIVATIONS),
        "learning_rate": Param(0.01, 1e-3, 0.3, log=True, label="learning rate"),
        "epochs": Param(4, 1, 12),
    }
    FIGSIZE = (10, 3.9)
    LAYOUT_CACHE = True  # the layout of an earlier drawing with the same limits and title lines is replayed

    def update(self):
        c = self.cfg
        started = time.perf_counter()
        progress = self.progress

        def report(epoch, epochs, model, history, **extra):
            if epoch == 0:  # the network at initialisation: let the widget's first frame show it
                time.sleep(max(0.0, self.FRAME_BUDGET / 5 - (time.perf_counter() - started)))
            progress(epoch, epochs, model, history, **extra)

        self.model, self.history = deep_run(c["variant"], c["depth"], 16, c["activation"], c["learning_rate"],
                                            c["epochs"], progress=None if progress is None else report)
        self.training = None
        self.score(self.history["grad_norms"])

    def show_epoch(self, epoch, epochs, model, history, norms):
        self.model, self.history, self.training = model, history, (epoch, epochs)
        self.score(norms)

    def score(self, norms):
        """The numbers drawn: the gradient norms at initialisation and now, and the accuracy curves."""
        self.norms_init, self.norms = np.array(norms[0]), np.array(norms[-1])
        h = self.history.history
        self.train_accuracy, self.val_accuracy = list(h.get("accuracy", [])), list(h.get("val_accuracy", []))
        self.ratio_init, self.ratio = spread_ratio(self.norms_init), spread_ratio(self.norms)

    def titles(self):
        """(the gradients' title, the curves' title, the curves' title colour)."""
        def ratio(r):
            return _("no gradient") if not np.isfinite(r) else f"{r:.1g}"

        trained = len(self.val_accuracy)
        grads = _("||dL/dW|| per layer; first / last hidden layer:\n{ratio} at initialisation").format(
            ratio=ratio(self.ratio_init))
        if trained:
            grads += _(", {ratio} after epoch {epoch}").format(ratio=ratio(self.ratio), epoch=trained)
        if self.history.diverged:
            return grads, _("diverged: lower the learning rate"), "#b2182b"
        if self.training is not None:
            epoch, epochs = self.training
            if not trained:
                return grads, _("epoch 0/{epochs}: the network at initialisation").format(epochs=epochs), "black"
            return grads, _("epoch {epoch}/{epochs}, training: validation accuracy {accuracy}").format(
                epoch=epoch, epochs=epochs, accuracy=f"{self.val_accuracy[-1]:.2f}"), "black"
        return grads, _("{variant}: validation accuracy {accuracy}").format(
            variant=_(self.cfg["variant"]), accuracy=f"{self.val_accuracy[-1]:.2f}"), "black"

    def norm_limits(self):
        """A log axis from the decade below the smallest positive norm to the decade above the largest, at
        least MIN_DECADES long (widened downwards): zoomed in on a 1.3x spread, healthy norms would look
        as unequal as vanishing ones (lesson 08's explorer does the same)."""
        values = np.concatenate([_shown(self.norms_init)[1], _shown(self.norms)[1]])
        if not len(values):
            return 10.0 ** -MIN_DECADES, 1.0
        low, high = np.floor(np.log10(values.min())), np.ceil(np.log10(values.max()))
        return 10.0 ** min(low, high - MIN_DECADES), 10.0 ** high

    def draw_on(self, fig):
        # Every line is made even before the first epoch (empty then): a refresh updates them in place.
        ax_g, ax_c = fig.subplots(1, 2)
        ax_g.plot([], [], color="grey", ls="--", lw=1.2, marker=".", label=_("at initialisation"))
        ax_g.plot([], [], lw=1.8, marker="o", ms=3)
        ax_g.set_yscale("log")
        ax_g.yaxis.set_major_locator(LogLocator(numticks=8))
        ax_g.yaxis.set_minor_formatter(NullFormatter())
        ax_g.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=8))
        ax_g.set_ylabel(_("gradient norm ||dL/dW||"))
        ax_c.plot([], [], marker="o", ms=3, label=_("training"))
        ax_c.plot([], [], ls="--", marker="s", ms=3, label=_("validation"))
        ax_c.axhline(0.1, color="grey", ls=":", lw=1)
        ax_c.text(0, 0.12, _("chance (10 %)"), ha="right", va="bottom", fontsize=9, color="grey").set_in_layout(False)
        ax_c.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax_c.set_ylim(0, 1.02)
        ax_c.set_xlabel(_("epoch"))
        ax_c.set_ylabel(_("accuracy"))
        self.refresh(fig)

    def refresh(self, fig):
        # The same artists with new data, colours, legends, limits and titles.
        ax_g, ax_c = fig.axes
        trained = len(self.val_accuracy) > 0
        colour = COLOURS[self.cfg["variant"]]
        init, now = ax_g.lines
        train, val, _chance = ax_c.lines
        init.set_data(*_shown(self.norms_init))
        now.set_data(*(_shown(self.norms) if trained else ([], [])))
        now.set_label(_("after epoch {epoch}").format(epoch=len(self.val_accuracy)) if trained else "_untrained")
        epochs = np.arange(1, len(self.val_accuracy) + 1)
        train.set_data(epochs, self.train_accuracy)
        val.set_data(epochs, self.val_accuracy)
        for line in (now, train, val):
            line.set_color(colour)
        # legends inside the axes, kept out of the layout; made again, as their handles copy the lines' colours
        ax_g.legend(frameon=False, fontsize=9, loc="lower right").set_in_layout(False)
        if trained:
            ax_c.legend(frameon=False, fontsize=9, loc="upper left").set_in_layout(False)
        elif ax_c.get_legend() is not None:
            ax_c.get_legend().remove()
        ax_c.texts[0].set_x(self.cfg["epochs"] + 0.4)
        n = len(self.norms)
        ax_g.set_ylim(*self.norm_limits())
        ax_g.set_xlim(0.5, n + 0.5)
        ax_g.set_xlabel(_("Dense layer (1 = first, {n} = output)").format(n=n))
        ax_c.set_xlim(0.6, self.cfg["epochs"] + 0.4)
        grads_title, curves_title, title_colour = self.titles()
        ax_g.set_title(grads_title, fontsize=10, y=1.0)
        ax_c.set_title(curves_title, fontsize=10, color=title_colour, y=1.0)
        return True
