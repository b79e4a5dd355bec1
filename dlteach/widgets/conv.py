"""Lesson 11 explorer: one convolution kernel applied to a digit by hand: choose the kernel, its
centre value, strides and padding; see the feature map z, and relu(z) max-pooled 2x2, the order of
a CNN layer (a max over signed values would keep the largest and drop the strong negative ones).
`move` moves the digit right by 1 or 2 pixels: a 2-pixel move moves the pooled map by one cell, a
1-pixel move falls between its cells and changes it (aliasing)."""
from __future__ import annotations

import numpy as np
from matplotlib.ticker import MaxNLocator

from .. import data, plots
from ..experiments import KERNELS, apply_kernel, max_pool
from ..i18n import N_
from ..i18n import gettext_ as _
from .base import Explorer, Param
from .inplace import text_size_layout_key

# KERNELS' names (the menu's values, compared as they are): translated where a title shows them
KERNEL_NAMES = (N_("vertical edge"), N_("horizontal edge"), N_("blur"), N_("sharpen"), N_("identity"))


class ConvExplorer(Explorer):
    """Lesson 11: a 3x3 kernel (plus `centre` on its middle) applied to one 8x8 digit with
    `strides` and `padding`; shows the feature map z (the cross-correlation, signed) and the
    2x2 max-pooling of a = relu(z), as in Conv2D(activation="relu") followed by MaxPooling2D.
    `move` (0-2) moves the digit right first: zeros come in on the left, and the ink pushed past
    the right edge is lost. One colour bar gives the values of z and of the pooled map."""

    PARAMS = {
        "kernel": Param("vertical edge", choices=tuple(KERNELS)),
        "centre": Param(0.0, -4.0, 8.0, step=0.25, label="add to centre"),
        "strides": Param(1, 1, 3, label="strides"),
        "padding": Param("same", choices=("same", "valid")),
        "image": Param(0, 0, 19, label="digit #"),
        "move": Param(0, 0, 2, label="move right (px)"),
    }
    FIGSIZE = (10, 2.9)
    LAYOUT_CACHE = True  # the layout of an earlier drawing with the same texts and limits is replayed

    def __init__(self, **settings):
        X, _test_X, y, _test_y = data.load_digits()
        self.images, self.labels = X[:20].reshape(-1, 8, 8), y[:20]
        super().__init__(**settings)

    def update(self):
        c = self.cfg
        self.kernel_values = KERNELS[c["kernel"]].copy()
        self.kernel_values[1, 1] += c["centre"]
        image = self.images[c["image"]]
        # moved right by `move` pixels: zeros come in on the left, the rightmost columns drop out
        self.image = np.pad(image, ((0, 0), (c["move"], 0)))[:, :image.shape[1]]
        self.feature_map = apply_kernel(self.image, self.kernel_values, c["strides"], c["padding"])
        self.activated = np.maximum(self.feature_map, 0.0)  # the layer's ReLU comes before the pooling
        self.pooled = max_pool(self.activated, 2)  # None when the map is too small to pool

    def draw_on(self, fig):
        axes = fig.subplots(1, 4)
        self._images = [axes[0].imshow(self.image, cmap="gray_r"),
                        axes[1].imshow(self.kernel_values, cmap=plots.DIVERGING),
                        axes[2].imshow(self.feature_map, cmap=plots.DIVERGING)]
        self._cells = [axes[1].text(j, i, "", ha="center", va="center", fontsize=12, fontweight="bold")
                       for (i, j), _ in np.ndenumerate(self.kernel_values)]
        if self.pooled is not None:
            self._images.append(axes[3].imshow(self.pooled, cmap=plots.DIVERGING))
        else:
            axes[3].text(0.5, 0.5, _("too small to pool"), ha="center", va="center", transform=axes[3].transAxes)
        # one bar for z and the pooled map (the same colour scale): blue positive, orange negative
        bar = fig.colorbar(self._images[2], ax=axes[2:], shrink=0.85, pad=0.02, aspect=15)
        bar.set_label(_("value of z"), fontsize=9)
        bar.ax.tick_params(labelsize=8)
        # the ticks matplotlib picks for this bar whatever its length: the layout depends on the range
        # only through the tick labels (text_size_layout_key's `ticked`)
        bar.locator = MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10])
        self._bar_axes = bar.ax
        for ax in axes:
            ax.set_xlabel(_("column"))
            ax.set_ylabel(_("row"))
            ax.set_xticks([])
            ax.set_yticks([])
            for text in ax.texts:  # inside the axes: the layout need not measure them
                text.set_in_layout(False)
        self._show()

    def refresh(self, fig):
        if (self.pooled is None) != (len(self._images) == 3):
            return False  # the last panel changes between a picture and "too small to pool"
        self._show()
        return True

    def layout_cache_key(self, fig):
        return text_size_layout_key(fig, ticked=(self._bar_axes,))  # the menus change only pictures and titles

    def _show(self):
        """Put the current pictures, kernel values and titles into the artists draw_on made."""
        c = self.cfg
        axes = [im.axes for im in self._images[:3]] + [self._images[0].figure.axes[3]]
        lim = max(np.abs(self.kernel_values).max(), 1e-9)
        m = max(np.abs(self.feature_map).max(), 1e-9)
        pictures = [(self.image, None), (self.kernel_values, (-lim, lim)), (self.feature_map, (-m, m)),
                    (self.pooled, (-m, m))]
        for im, (values, clim) in zip(self._images, pictures):
            h, w = values.shape
            im.set_data(values)
            im.set_extent((-0.5, w - 0.5, h - 0.5, -0.5))  # as imshow places an (h, w) picture
            if clim is None:
                im.autoscale()  # the input's own range, as imshow without vmin/vmax
            else:
                im.set_clim(*clim)
        for text, v in zip(self._cells, self.kernel_values.ravel()):
            text.set_text(f"{v:.2g}")
            text.set_color("white" if abs(v) > 0.6 * lim else "black")  # readable on the dark cells too
        fh, fw = self.feature_map.shape
        moved = _(", moved {pixels} right").format(pixels=c["move"]) if c["move"] else ""
        titles = [_("input: a {digit} (8x8)").format(digit=self.labels[c["image"]]) + moved,
                  _("kernel: {kernel}").format(kernel=_(c["kernel"])),
                  _("feature map {height}x{width} (strides {strides}, {padding})").format(
                      height=fh, width=fw, strides=c["strides"], padding=c["padding"]),
                  _("relu, then max-pool 2x2") if self.pooled is None
                  else _("relu, then max-pool 2x2: {height}x{width}").format(height=self.pooled.shape[0],
                                                                             width=self.pooled.shape[1])]
        for ax, title in zip(axes, titles):
            ax.set_title(title, fontsize=9, y=1.0)  # where matplotlib puts it, without measuring to find out
