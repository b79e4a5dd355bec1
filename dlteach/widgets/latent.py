"""Lesson 17 explorer: walk the 2-D code space of a VAE trained on the 8x8 digits. Two sliders choose a code
z = (z1, z2) and the decoder draws its digit at once; the map beside it shows where the 360 test digits' codes
(the encoder's mu) lie, coloured by digit; a menu chooses the KL weight beta of the VAE (each beta its own
trained VAE, generative.vae_run(beta, seed=0))."""
from __future__ import annotations

import numpy as np

from .. import generative
from ..i18n import gettext_ as _
from ..runs import _one_blas_thread, digits_split
from .base import Explorer, Param, layout_key

LIMIT = 4.0     # the sliders' range, -LIMIT to LIMIT: about 4 standard deviations of the prior N(0, 1)
VIEW = 4.3      # the map's axes, a little beyond the sliders
DIGIT_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                 "#bcbd22", "#17becf")  # matplotlib's tab10, one per digit


class LatentExplorer(Explorer):
    """Lesson 17: a VAE with a 2-D code (generative.vae_run(beta, seed=0): 64 -> 32 -> 2 -> 32 -> 64). Left: the
    codes mu of the 360 test digits, coloured and labelled by digit, the prior's 1- and 2-sigma circles, and the
    code (z1, z2) chosen with the sliders (a cross); right: the decoder's image of that code. beta = 0 trains
    without the KL term (an autoencoder with noise: its codes spread beyond the map); a large beta pulls every
    code to 0 and the decoder draws the same blur everywhere. After update(): codes, labels, image (8x8),
    outside (the number of test codes beyond the map), reconstruction and kl (test means, at z = mu)."""

    PARAMS = {
        "z1": Param(0.0, -LIMIT, LIMIT, step=0.05, label="z1"),
        "z2": Param(0.0, -LIMIT, LIMIT, step=0.05, label="z2"),
        "beta": Param(1.0, choices=generative.VAE_BETAS, label="beta (KL weight)"),
    }
    FIGSIZE = (10, 4.4)
    LAYOUT_CACHE = True

    def __init__(self, **settings):
        self.labels = digits_split(0)[5]
        self._beta, self._seen = None, {}  # beta -> (model, reconstruction, kl, codes, outside)
        super().__init__(**settings)

    def update(self):
        c = self.cfg
        with _one_blas_thread():  # small matrices: two BLAS threads fighting over a busy machine take 100 times longer
            if c["beta"] != self._beta:  # another VAE: its codes and scores, computed once per beta
                if c["beta"] not in self._seen:
                    model, _history = generative.vae_run(c["beta"], seed=0)  # (not `_`: the gettext)
                    scores = generative.autoencoder_scores(model)
                    codes = generative.encode_images(model, digits_split(0)[2])
                    self._seen[c["beta"]] = (model, scores["reconstruction"], scores["kl"], codes,
                                             int(np.sum(np.any(np.abs(codes) > VIEW, axis=1))))
                self.model, self.reconstruction, self.kl, self.codes, self.outside = self._seen[c["beta"]]
                self._beta = c["beta"]
            self.z = np.array([[c["z1"], c["z2"]]])
            self.image = generative.decode_codes(self.model, self.z).reshape(8, 8)

    def widget(self):
        """The base widget with beta on a slider over VAE_BETAS instead of a menu (the menu, linked to it, stays
        the control the explorer listens to); released, not dragged: a beta not trained yet takes a second."""
        import ipywidgets as W  # noqa: PLC0415

        ui = super().widget()
        menu = ui.controls["beta"]
        slider = W.SelectionSlider(options=list(menu.options), value=menu.value, description=menu.description,
                                   continuous_update=False, layout=menu.layout,
                                   style={"description_width": menu.style.description_width})
        W.link((slider, "value"), (menu, "value"))
        row = ui.children[0]
        row.children = tuple(slider if control is menu else control for control in row.children)
        ui.controls["beta"] = slider
        return ui

    def draw_on(self, fig):
        ax_map, ax_img = fig.subplots(1, 2, width_ratios=[1.5, 1])
        t = np.linspace(0, 2 * np.pi, 200)
        for r in (1, 2):  # the prior N(0, I): where its draws fall (39 % and 86 % of them inside in 2-D)
            ax_map.plot(r * np.cos(t), r * np.sin(t), color="grey", lw=0.8, ls="--")
        ax_map.text(0.02, 0.02, _("dashed: the prior's 1 and 2 sigma"), transform=ax_map.transAxes, fontsize=8,
                    color="dimgrey").set_in_layout(False)
        colours = [DIGIT_COLOURS[k] for k in self.labels]
        self._points = ax_map.scatter(self.codes[:, 0], self.codes[:, 1], c=colours, s=10, alpha=0.75, lw=0)
        self._names = [ax_map.text(0, 0, str(k), fontsize=13, fontweight="bold", ha="center", va="center",
                                   color=DIGIT_COLOURS[k], clip_on=True, zorder=3,
                                   bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8})
                       for k in range(10)]
        for text in self._names:
            text.set_in_layout(False)
        (self._cross,) = ax_map.plot([], [], marker="X", ms=14, color="black", mec="white", mew=1.5, ls="none", zorder=5)
        ax_map.set_xlim(-VIEW, VIEW)
        ax_map.set_ylim(-VIEW, VIEW)
        ax_map.set_aspect("equal")
        ax_map.set_xlabel("z1")
        ax_map.set_ylabel("z2")
        self._image = ax_img.imshow(self.image, cmap="gray_r", vmin=0, vmax=1)
        ax_img.set_xticks([])
        ax_img.set_yticks([])
        ax_img.set_xlabel(_("8 x 8 pixels (black = 1)"))
        ax_img.set_ylabel(_("the decoder's digit"))
        self._show()

    def refresh(self, fig):
        self._show()
        return True

    def _show(self):
        """Put the current codes, cross, image and titles into the artists draw_on made."""
        c = self.cfg
        ax_map, ax_img = self._points.axes, self._image.axes
        self._points.set_offsets(self.codes)
        for k, text in enumerate(self._names):  # each digit's name at the median of its codes
            text.set_position(tuple(np.clip(np.median(self.codes[self.labels == k], axis=0), -VIEW + 0.3, VIEW - 0.3)))
        self._cross.set_data([c["z1"]], [c["z2"]])
        self._image.set_data(self.image)
        beyond = _("; {n} beyond the map").format(n=self.outside) if self.outside else ""
        ax_map.set_title(_("beta {beta:g}: codes of the 360 test digits{beyond}\n"
                           "test reconstruction {reconstruction:.1f}, KL {kl:.2f}").format(
                             beta=c["beta"], beyond=beyond, reconstruction=self.reconstruction, kl=self.kl),
                         fontsize=10, y=1.0)
        ax_img.set_title(_("decoded from z = ({z1:.2f}, {z2:.2f})").format(z1=c["z1"], z2=c["z2"]), fontsize=10, y=1.0)

    def layout_cache_key(self, fig):
        # the titles get new numbers at every move; counted by their lines, an earlier layout is replayed
        return layout_key(fig, label_lines=True)
