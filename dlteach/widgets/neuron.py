"""Lesson 01 explorer: one neuron a = f(w1 x1 + w2 x2 + b) on a logic gate's four points."""
from __future__ import annotations

import numpy as np
from matplotlib.ticker import MaxNLocator

from .. import plots
from ..core import get_activation
from ..core.perceptron import LOGIC, logic_data
from ..i18n import gettext_ as _
from .base import Explorer, Param
from .inplace import text_size_layout_key

# Where each activation's output is read as "class 1": the middle of its range.
THRESHOLD = {"sigmoid": 0.5, "tanh": 0.0, "relu": 0.0, "linear": 0.0, "leaky_relu": 0.0}
PLANE = (-0.5, 1.5)  # the input plane shown, in x1 and in x2
XS = np.linspace(*PLANE, 121)  # grid of the output image, and x1 along the decision line
G1, G2 = np.meshgrid(XS, XS[::-1])


class NeuronExplorer(Explorer):
    """Lesson 01: one neuron a = f(w1 x1 + w2 x2 + b) on the four points of a logic gate: its
    output over the plane, the decision line z = 0 and how many points it gets right."""

    PARAMS = {
        "w1": Param(1.0, -5.0, 5.0, step=0.1),
        "w2": Param(1.0, -5.0, 5.0, step=0.1),
        "b": Param(-1.5, -5.0, 5.0, step=0.1),
        "activation": Param("sigmoid", choices=tuple(THRESHOLD)),
        "gate": Param("AND", choices=tuple(LOGIC)),
    }
    FIGSIZE = (9, 3.8)
    LAYOUT_CACHE = True  # the layout of an earlier drawing with the same texts and limits is replayed

    def update(self):
        c = self.cfg
        self.X, self.y = logic_data(c["gate"])
        act = get_activation(c["activation"])
        self.z = self.X @ np.array([c["w1"], c["w2"]]) + c["b"]
        self.a = act(self.z)
        self.y_hat = (self.a > THRESHOLD[c["activation"]]).astype(float)
        self.correct = int(np.sum(self.y_hat == self.y))

    def _shown(self):
        """What the figure shows for the current settings (draw_on draws it, refresh updates to it):
        the output a over the plane with its colour range, the decision line z = 0 (x1s, x2s; empty
        when w1 = w2 = 0) and the activation's curve around the four points' z."""
        c = self.cfg
        act = get_activation(c["activation"])
        a_grid = act(c["w1"] * G1 + c["w2"] * G2 + c["b"])
        top = max(1e-9, np.abs(a_grid).max())
        clim = (0.0, 1.0) if c["activation"] == "sigmoid" else (-top, top)
        if abs(c["w2"]) > 1e-12:  # the decision line z = w1 x1 + w2 x2 + b = 0
            line = (XS, (-c["b"] - c["w1"] * XS) / c["w2"])
        elif abs(c["w1"]) > 1e-12:  # vertical, across the whole plane
            line = ([-c["b"] / c["w1"]] * 2, list(PLANE))
        else:
            line = ([], [])
        z = np.linspace(min(-6, self.z.min() - 1), max(6, self.z.max() + 1), 300)
        return {"a_grid": a_grid, "clim": clim, "line": line, "arrow": self._w_arrow(), "curve": (z, act(z)),
                "colours": np.array(plots.CLASS_COLOURS)[self.y.astype(int)],
                "plane_title": _("{gate}: {correct}/4 correct").format(gate=c["gate"], correct=self.correct),
                "act_title": _("{activation}: the four points on f").format(activation=c["activation"])}

    def _w_arrow(self):
        """(base, tip) of the vector w drawn from the point of the line z = 0 nearest the plane's centre,
        0.25 long towards the side where z > 0; None when w = 0 or that point is off the plane."""
        w = np.array([self.cfg["w1"], self.cfg["w2"]])
        norm = np.linalg.norm(w)
        if norm < 1e-12:
            return None
        centre = np.array([np.mean(PLANE)] * 2)
        base = centre - (w @ centre + self.cfg["b"]) / norm ** 2 * w  # the projection of the centre on z = 0
        if not np.all((base > PLANE[0]) & (base < PLANE[1])):
            return None
        return base, base + 0.25 * w / norm

    def draw_on(self, fig):
        ax_plane, ax_act = fig.subplots(1, 2, width_ratios=[1.1, 1])
        # room between the colour bar's label and the next panel's y label (the default 0.02 left them touching)
        fig.get_layout_engine().set(wspace=0.08)
        im = ax_plane.imshow(np.zeros((2, 2)), extent=(*PLANE, *PLANE), cmap=plots.BACKGROUND)
        bar = fig.colorbar(im, ax=ax_plane, label=_("neuron output a"), shrink=0.85)
        # The ticks matplotlib picks for this bar (at most 9 bins), whatever its length: so the layout
        # depends on the range only through the tick labels (text_size_layout_key's `ticked`).
        bar.locator = MaxNLocator(nbins=9, steps=[1, 2, 2.5, 5, 10])
        (line,) = ax_plane.plot([], [], color="black", lw=1.5, label="z = 0")
        # the vector w, perpendicular to the line, pointing to the side where z > 0
        arrow = ax_plane.annotate("", xy=(0, 0), xytext=(0, 0), annotation_clip=False,
                                  arrowprops=dict(arrowstyle="-|>", color="black", lw=1.5, shrinkA=0, shrinkB=0))
        w_label = ax_plane.text(0, 0, "w", fontsize=11, fontweight="bold", ha="center", va="center", clip_on=True)
        for artist in (arrow, w_label):
            artist.set_in_layout(False)  # inside the axes: the layout does not depend on where they are
        points = plots.scatter_points(ax_plane, self.X, self.y, size=90)
        notes = [ax_plane.annotate(f"y={int(t)}", (x1, x2), textcoords="offset points", xytext=(6, 6), fontsize=10)
                 for (x1, x2), t in zip(self.X, self.y)]
        ax_plane.set_xlim(*PLANE)
        ax_plane.set_ylim(*PLANE)
        ax_plane.set_xlabel("x1")
        ax_plane.set_ylabel("x2")
        (curve,) = ax_act.plot([], [], color=plots.BLUE)
        on_f = ax_act.scatter(self.z, self.a, edgecolors="black", zorder=3)
        threshold = ax_act.axhline(THRESHOLD[self.cfg["activation"]], color="grey", ls=":", lw=1)
        ax_act.set_xlabel("z = w1 x1 + w2 x2 + b")
        ax_act.set_ylabel("a = f(z)")
        self._artists = dict(ax_plane=ax_plane, ax_act=ax_act, bar=bar.ax, im=im, line=line, points=points, notes=notes,
                             curve=curve, on_f=on_f, threshold=threshold, arrow=arrow, w_label=w_label)
        self._show()

    def refresh(self, fig):
        self._show()
        return True

    def layout_cache_key(self, fig):
        return text_size_layout_key(fig, ticked=(self._artists["bar"],))  # menus change only texts, limits

    def _show(self):
        """Put the current settings' data into the artists draw_on made (the same for a fresh figure)."""
        s, art = self._shown(), self._artists
        art["im"].set_data(s["a_grid"])
        art["im"].set_clim(*s["clim"])  # the colour bar follows
        art["line"].set_data(*s["line"])
        if s["arrow"] is None:
            art["arrow"].set_visible(False)
            art["w_label"].set_visible(False)
        else:
            base, tip = s["arrow"]
            art["arrow"].xy, art["arrow"].xyann = tuple(tip), tuple(base)
            art["arrow"].set_visible(True)
            along = np.array([base[1] - tip[1], tip[0] - base[0]]) / 0.25  # unit vector along the line
            art["w_label"].set_position(tuple((base + tip) / 2 + 0.1 * along))  # beside the arrow's middle
            art["w_label"].set_visible(True)
        art["points"].set_facecolor(s["colours"])
        for note, t in zip(art["notes"], self.y):
            note.set_text(f"y={int(t)}")
        # y=1.0: where matplotlib puts a title (no ticks on top), given so that it does not measure every
        # y tick label again per draw to find that out
        art["ax_plane"].set_title(s["plane_title"], fontsize=11, y=1.0)
        art["curve"].set_data(*s["curve"])
        art["on_f"].set_offsets(np.c_[self.z, self.a])
        art["on_f"].set_facecolor(s["colours"])
        threshold = THRESHOLD[self.cfg["activation"]]
        art["threshold"].set_ydata([threshold, threshold])
        ax_act = art["ax_act"]
        ax_act.relim()  # the limits autoscaled to the curve, the points and the threshold line
        ax_act.autoscale_view()
        ax_act.set_title(s["act_title"], fontsize=11, y=1.0)
