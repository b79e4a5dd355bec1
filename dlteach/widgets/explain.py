"""Lesson 12 explorer: why did the digits model say that? Saliency, occlusion (on the image's own
pixels) and the hidden units that fire most, each shown with the 8x8 input pattern it weighs, for
one test image and a chosen class."""
from __future__ import annotations

import numpy as np
from matplotlib.ticker import MaxNLocator

from .. import plots
from ..core import occlusion, occlusion_pixels, saliency
from ..experiments import digits_model
from ..i18n import gettext_ as _
from .base import Explorer, Param
from .inplace import text_size_layout_key


class ExplainExplorer(Explorer):
    """Lesson 12: saliency, occlusion and the hidden activations of the digits model
    (experiments.digits_model, a private copy) for one test image and class (-1: the predicted one).
    Each map has its own colour bar (blue positive, orange negative): a saliency in logit units per
    unit of ink, an occlusion drop in probability, a unit's input weights."""

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
        # room between a colour bar's label and the next map's row label (the default 0.02 left 15 px: read as one)
        fig.get_layout_engine().set(wspace=0.1)
        self._images = [axes[0].imshow(self.x.reshape(8, 8), cmap="gray_r")]
        self._images += [ax.imshow(np.zeros((8, 8)), cmap=plots.DIVERGING) for ax in axes[1:]]
        self._bar_axes = []
        # what each map's colour means (0 in the middle: the limits are symmetric, _show)
        units = [_("logit per unit of ink"), _("drop in probability"), *[_("input weight")] * 3]
        for im, unit in zip(self._images[1:], units):
            bar = fig.colorbar(im, ax=im.axes, shrink=0.85, pad=0.03, aspect=15)
            bar.set_label(unit, fontsize=9, labelpad=2)
            bar.ax.tick_params(labelsize=8)
            # ticks chosen whatever the bar's length: the layout depends on the range only through the
            # tick labels (text_size_layout_key's `ticked`)
            bar.locator = MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10])
            self._bar_axes.append(bar.ax)
        for ax in axes[:3]:
            ax.set_xlabel(_("column"))
            ax.set_ylabel(_("row"))
        for ax in axes:
            ax.set_xticks([])
            ax.set_yticks([])
        self._show()

    def refresh(self, fig):
        self._show()
        return True

    def layout_cache_key(self, fig):
        return text_size_layout_key(fig, ticked=tuple(self._bar_axes))  # new numbers in titles: the same layout

    def _show(self):
        """Put the current image, maps, unit patterns and their titles into the artists draw_on made."""
        axes = [im.axes for im in self._images]
        self._images[0].set_data(self.x.reshape(8, 8))
        self._images[0].autoscale()  # the image's own range, as imshow without vmin/vmax
        axes[0].set_title(_("true {label}, predicted {predicted} ({p:.2f})").format(
            label=self.label, predicted=self.predicted, p=self.probs[self.predicted]),
            fontsize=10, y=1.0)  # y (every title): where matplotlib puts it, without measuring
        maps = [self.saliency, self.occlusion_pixels, *self.unit_maps]
        for im, m in zip(self._images[1:], maps):
            lim = max(np.abs(m).max(), 1e-12)
            im.set_data(m)
            im.set_clim(-lim, lim)
        axes[1].set_title(_("saliency dz_{cls}/dx").format(cls=self.cls), fontsize=10, y=1.0)
        axes[2].set_title(_("occlusion:\ndrop in p({cls})").format(cls=self.cls), fontsize=10, y=1.0)
        for k, (ax, unit) in enumerate(zip(axes[3:], self.top_units)):
            ax.set_title(_("unit {unit}: a={a:.2f}").format(unit=unit, a=self.hidden[unit]), fontsize=10, y=1.0)
            ax.set_xlabel(_("its input weights (#{rank})").format(rank=k + 1), fontsize=10)
            ax.set_ylabel(_("a*w to z_{cls}: {value:.2f}").format(cls=self.cls, value=self.contribution[unit]),
                          fontsize=10)
