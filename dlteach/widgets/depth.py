"""Lesson 08 explorer: how depth, activation and initialiser shape the activations and the
gradients of a deep MLP at initialisation (before any training)."""
from __future__ import annotations

from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
from matplotlib.patches import Polygon
from matplotlib.transforms import Bbox
from matplotlib.ticker import (FixedFormatter, FixedLocator, LogFormatterSciNotation, LogLocator, MaxNLocator,
                               NullLocator, ScalarFormatter)

from .. import plots
from ..core import INITIALIZERS
from ..experiments import _one_blas_thread, layer_statistics
from ..i18n import gettext_ as _
from .base import Explorer, Param

VALUES_PER_LAYER = 512 * 64  # activations (batch x width) each spread is measured over


def batch_size(width: int) -> int:
    """The batch pushed through a network of this width: 512 examples up to 64 units (the lesson's
    networks); for wider ones 32,768 / width, so that each layer's spread is still measured over
    32,768 values while a 30 x 256 network costs a quarter of the time (a slider must answer in ~0.1 s)."""
    return min(512, VALUES_PER_LAYER // width)


HEALTHY = (0.1, 10.0)  # a spread that changes by less than 10x from the first hidden layer to the last
N_BINS = 39            # histogram bins (40 edges) between the 0.5th and 99.5th percentiles of |a|
# At most this many major ticks per axis: what matplotlib picks from the axis length of this figure's
# panels (nbins="auto", numticks="auto"), fixed so that no tick depends on where an earlier drawing
# (or the first pass of the layout) left the axes.
TICKS = {"x": 8, "y": 9}
# The log axes of the spreads and gradient norms span at least this many decades (_span_decades), and the
# histograms' y axis reaches this fraction above the tallest bin: room for the legend's three rows.
MIN_DECADES = 4
HISTOGRAM_HEADROOM = 0.45
# The limits matplotlib autoscales an axis without data to (the locator's default range, 5 % margins).
EMPTY_LIMITS = {"linear": (-0.055, 0.055), "log": (10 ** -0.05, 10 ** 1.05)}


def _ratio(top, bottom) -> float:
    """top / bottom, or NaN where either is 0 or not finite (no signal, or an overflow)."""
    if not (np.isfinite(top) and np.isfinite(bottom)) or top == 0 or bottom == 0:
        return float("nan")
    return float(top / bottom)


def _frozen(array) -> np.ndarray:
    """A read-only copy: cached statistics are shared by every explorer showing the same setting."""
    array = np.array(array, dtype=float)
    array.flags.writeable = False
    return array


@dataclass(frozen=True)
class _Statistics:
    """What the figure and the lesson read of one network (everything but its activations and model).

    a_std (depth,), delta_std (depth,): std(a) and std(delta) of every hidden layer; norms (depth + 1,):
    ||dL/dW|| of every layer. Histograms of |a| of the picked hidden layers (0-based): `bins` (N_BINS + 1,)
    log-spaced edges (None where every activation is 0), `heights` the fraction of units per bin, one
    row a picked layer, and `zeros` the fraction of its activations that are exactly 0 (its legend
    `labels`, in the language in use: the statistics are shared by every language)."""

    a_std: np.ndarray
    delta_std: np.ndarray
    norms: np.ndarray
    picks: tuple
    bins: np.ndarray | None
    heights: tuple
    zeros: tuple

    @property
    def labels(self) -> tuple:
        """The histograms' legend entries: 'layer 1', and '(40% are 0)' where over 1 % of |a| are 0."""
        return tuple(_("layer {layer}").format(layer=i + 1)
                     + (_(" ({percent} are 0)").format(percent=f"{z:.0%}") if z > 0.01 else "")
                     for i, z in zip(self.picks, self.zeros))


def _fractions(x, bins, n: int) -> np.ndarray:
    """np.histogram(x, bins)[0] / n for x within [bins[0], bins[-1]], without sorting x (np.histogram
    sorts the data when bins are not evenly spaced: half the time of a 512 x 128 network): each value's
    bin by binary search among the edges, the last bin holding its right edge as in np.histogram."""
    index = np.clip(np.searchsorted(bins, x, side="right") - 1, 0, len(bins) - 2)
    return np.bincount(index, minlength=len(bins) - 1) / n


def _statistics(acts, norms, model) -> _Statistics:
    """What the figure and the lesson read of one pass of experiments.layer_statistics: acts (the
    depth hidden layers' a, each (n, width)), norms (depth + 1,) and the model (its layers' delta)."""
    hidden = model.dense_layers[:-1]
    picks = tuple(sorted({0, len(acts) // 2, len(acts) - 1}))
    values = [np.abs(acts[i][np.isfinite(acts[i])]) for i in picks]
    positive = np.concatenate([v[v > 0] for v in values])
    bins, heights, zeros = None, (), ()
    if positive.size:
        # A log axis: a spread of 1e-3 and one of 1e11 are both readable; the ends are clipped into
        # the outer bins. Exact zeros (ReLU) have no place on it: the legend counts them.
        low, high = np.percentile(positive, [0.5, 99.5])
        lo = max(float(low), 1e-300)
        hi = max(float(high), lo * 10)
        bins = _frozen(np.geomspace(lo, hi, N_BINS + 1))
        heights = tuple(_frozen(_fractions(np.clip(v[v > 0], lo, hi), bins, max(v.size, 1))) for v in values)
        zeros = tuple(float(np.mean(v == 0)) if v.size else 1.0 for v in values)
    return _Statistics(a_std=_frozen([np.std(a) for a in acts]), delta_std=_frozen([np.std(l.delta) for l in hidden]),
                       norms=_frozen(norms), picks=picks, bins=bins, heights=heights, zeros=zeros)


def _step_outline(bins, heights) -> np.ndarray:
    """The (x, y) vertices of a step histogram's outline, as Axes.hist(histtype="step") draws it:
    up from 0 at the first edge, along the tops, down to 0 at the last edge."""
    return np.column_stack([np.repeat(bins, 2), np.concatenate([[0.0], np.repeat(heights, 2), [0.0]])])


def _positive(values) -> np.ndarray:
    """values with the ones a log axis cannot show (0, negative, not finite) as NaN (not drawn)."""
    return np.where(np.isfinite(values) & (values > 0), values, np.nan)


def _shown_points(values):
    """(layer, value) of the layers 1, 2, ... whose value a log axis can show: the others are left out."""
    layers = np.arange(1, len(values) + 1)
    shown = np.isfinite(values) & (values > 0)
    return layers[shown], values[shown]


def _choosing_locators(axis, integer: bool = False):
    """The locators and formatters matplotlib's scale of `axis` starts with (they also widen limits
    that would be a single value, in autoscale), with as many ticks as fit these panels; integer: only
    whole numbers (layer numbers)."""
    n_ticks = TICKS[axis.axis_name]
    if axis.get_scale() == "log":
        axis.set_major_locator(LogLocator(numticks=n_ticks))
        axis.set_major_formatter(LogFormatterSciNotation())
        axis.set_minor_locator(LogLocator(subs=None, numticks=n_ticks))
        axis.set_minor_formatter(LogFormatterSciNotation(labelOnlyBase=False))
    else:
        axis.set_major_locator(MaxNLocator(nbins=n_ticks, steps=[1, 2, 2.5, 5, 10], integer=integer))
        axis.set_major_formatter(ScalarFormatter())


def _fix_ticks(axis):
    """The ticks and labels the locators and formatters choose for the current limits, fixed
    (FixedLocator, FixedFormatter): they would otherwise be chosen again on every draw and every
    layout pass. No minor ticks on a log axis spanning more than 2 decades: over 20 decades they are
    hundreds of unlabelled ticks; a shorter axis keeps its labelled minor ticks."""
    low, high = sorted(axis.get_view_interval())
    if axis.get_scale() == "log" and low > 0 and np.log10(high / low) > 2:
        axis.set_minor_locator(NullLocator())
    for which in ("major", "minor"):
        ticker = getattr(axis, which)
        if isinstance(ticker.locator, NullLocator):
            continue
        locs = axis.get_minorticklocs() if which == "minor" else axis.get_majorticklocs()
        labels = ticker.formatter.format_ticks(locs)  # from every tick: the formatter looks at all of them
        shown = _in_view(axis, locs)  # the locators add ticks beyond the limits, which are never drawn
        fixed = FixedFormatter([label for label, keep in zip(labels, shown) if keep])
        fixed.set_offset_string(ticker.formatter.get_offset())
        getattr(axis, f"set_{which}_locator")(FixedLocator(np.asarray(locs)[shown]))
        getattr(axis, f"set_{which}_formatter")(fixed)


def _bar_corners(bars) -> np.ndarray:
    """The 4 corners of every bar (n_bars * 4, 2), as matplotlib finds a bar's data limits: a bar of
    height NaN (nothing to show on a log axis) has none (its corners are NaN, left out)."""
    x0, y0 = np.array([bar.get_xy() for bar in bars]).T
    width, height = np.array([(bar.get_width(), bar.get_height()) for bar in bars]).T
    x1, y1 = x0 + width, y0 + height
    corners = np.stack([np.column_stack(c) for c in ((x0, y0), (x1, y0), (x1, y1), (x0, y1))], axis=1)
    corners[~np.isfinite(height)] = np.nan
    return corners.reshape(-1, 2)


def _in_view(axis, locs) -> np.ndarray:
    """Which tick locations an axis draws: those within its limits, measured as matplotlib's
    Axis._update_ticks measures them (in the scale's coordinates, with a tolerance of 1e-10 of the
    span)."""
    low, high = sorted(axis.get_transform().transform(np.asarray(sorted(axis.get_view_interval()))))
    tolerance = (high - low) * 1e-10
    with np.errstate(invalid="ignore", divide="ignore"):
        where = axis.get_transform().transform(np.asarray(locs, dtype=float))
    return (where >= low - tolerance) & (where <= high + tolerance)


def _rescale(ax, integer_x: bool = False, corners=None, layers: int | None = None, decades: int | None = None,
             headroom: float | None = None):
    """Limits from the data now drawn, as a fresh drawing autoscales them, then fixed ticks; integer_x:
    only whole numbers on the x axis (layer numbers); layers: the x axis spans layers 1..layers even
    where nothing is drawn (every spread 0: the zeros initialiser). corners (n, 2): the vertices of the patches drawn,
    for their data limits (relim() follows every edge of a patch as a Bezier curve: 10 ms for 3
    histograms and 30 bars); else relim() (lines). decades: a log y axis spans at least that many
    decades (_span_decades); headroom: a linear y axis reaches that fraction above the data (room for
    the legend)."""
    _choosing_locators(ax.xaxis, integer=integer_x)
    _choosing_locators(ax.yaxis)
    ax.dataLim = Bbox.null()  # relim() keeps the smallest positive value seen before, as a fresh axes has none
    if corners is None:
        ax.relim()
    else:
        ax.dataLim.update_from_data_xy(corners, ignore=True)  # points that are not finite are left out
    ax.autoscale_view()
    # An axis without data (every spread 0: zeros initialiser) keeps earlier limits in autoscale_view;
    # it gets the limits matplotlib gives a fresh axes without data.
    if not np.all(np.isfinite(ax.dataLim.intervalx)):
        ax.set_xlim(*((0.5, layers + 0.5) if layers else EMPTY_LIMITS[ax.get_xscale()]), auto=True)
    if not np.all(np.isfinite(ax.dataLim.intervaly)):
        ax.set_ylim(*EMPTY_LIMITS[ax.get_yscale()], auto=True)
    elif decades is not None and ax.get_yscale() == "log":
        _span_decades(ax, decades)
    elif headroom is not None and ax.get_yscale() == "linear":
        low, high = ax.get_ylim()
        ax.set_ylim(low, high + headroom * (high - low), auto=None)  # None: the next _rescale autoscales again
    _fix_ticks(ax.xaxis)
    _fix_ticks(ax.yaxis)


def _span_decades(ax, decades: int):
    """A log y axis from whole decade to whole decade, at least `decades` of them: an axis that zooms in
    on its data makes a 1.3x spread fill the panel as 10 decades would (healthy gradients drawn as
    vanishing ones). Widened downwards: the bars and points keep their place near the top. From the data
    limits (autoscale's margins would add a decade where the largest value lies just below one)."""
    low, high = np.log10([ax.dataLim.minposy, ax.dataLim.y1])
    top = np.ceil(high - 1e-9)
    bottom = min(np.floor(low + 1e-9), top - decades)
    ax.set_ylim(10.0 ** bottom, 10.0 ** top, auto=None)  # None: the next _rescale autoscales again


def _layout_key(fig, start) -> tuple:
    """What the constrained layout of this figure depends on, as sizes of texts rather than limits and
    strings, so that settings whose texts take the same room share one layout (a layout is ~50 ms).

    The layout sees each axes' tight box: the axes, its tick labels, axis labels and title (spines
    and legends are kept out, _outside_layout), and the super-title's height. Per axes: the widest
    y tick label (they are right-aligned against the axes; the title, always there at y=1, rises
    higher above the axes than any of them, and the x tick labels reach lower below it); the
    tallest x tick label (they hang from the axes at one height); where an x tick label could
    stick out past the right end (its position and width, for labels within half their width of
    the end of an axes 9/10 as wide as where the layout starts; at the left end the y tick labels
    reach further); the height of the title and axis labels, and their width where it could be
    wider than such an axes. Sizes are rounded to 1e-6 pixel: the same text measures a few 1e-14
    pixel differently at another place."""
    renderer = fig.canvas.get_renderer()
    widths = {ax: ax.get_position(original=True).width * fig.bbox.width for ax, *_ in start[0]}

    def size(text):
        box = text.get_window_extent(renderer)
        return round(box.width, 6), round(box.height, 6)

    def text_room(text, reach):
        width, height = size(text)
        return text.get_visible(), text.get_in_layout(), width if width > reach else None, height

    def tick_labels(axis):
        """(width, height, position along the axis from 0 to 1) of every label the axis draws."""
        low, high = sorted(axis.get_transform().transform(np.asarray(sorted(axis.get_view_interval()))))
        labels = []
        for minor in (False, True):
            locs = axis.get_minorticklocs() if minor else axis.get_majorticklocs()
            texts = axis.get_minorticklabels() if minor else axis.get_majorticklabels()
            where = (axis.get_transform().transform(np.asarray(locs, dtype=float)) - low) / (high - low)
            labels += [(*size(t), f) for t, f, keep in zip(texts, where, _in_view(axis, locs)) if keep and t.get_text()]
        return labels

    axes = []
    for ax in fig.axes:
        reach = 0.9 * widths[ax]
        x_labels, y_labels = tick_labels(ax.xaxis), tick_labels(ax.yaxis)
        y_width = max((w for w, _, _ in y_labels), default=0.0)
        ends = tuple((f, w) for w, _, f in x_labels if (1 - f) * reach < w / 2 + 1 or (f * reach < w / 2 + 1
                                                                                        and w / 2 > y_width))
        axes.append((ax.get_xscale(), ax.get_yscale(), ax.xaxis.get_visible(), ax.yaxis.get_visible(), ax.axison,
                     y_width, max((h for _, h, _ in x_labels), default=0.0), ends,
                     tuple(text_room(t, reach) for t in (ax._left_title, ax.title, ax._right_title)),
                     text_room(ax.xaxis.label, reach), text_room(ax.yaxis.label, reach),
                     tuple((t.get_text(), t.get_position()) for t in ax.texts)))
    suptitle = fig._suptitle
    return (tuple(fig.get_size_inches()), fig.dpi, tuple(axes),
            None if suptitle is None else (suptitle.get_in_layout(), size(suptitle)[1]))


def _outside_layout(ax):
    """Leave out of the constrained layout what lies within the room the tick labels, axis labels and
    title take anyway: the spines with their tick marks (measuring them updates every tick again,
    about 15 ms a layout) and a legend inside the axes."""
    for spine in ax.spines.values():
        spine.set_in_layout(False)
    if ax.get_legend() is not None:
        ax.get_legend().set_in_layout(False)


class DepthExplorer(Explorer):
    """Lesson 08: an MLP of `depth` hidden layers at initialisation (experiments.layer_statistics);
    `seed` draws its weights and its input batch (batch_size(width) examples).

    Forward, the spread std(a) of every hidden layer's activations; backward, the spread std(delta)
    of every hidden layer's delta = dL/dz; and the gradient norm ||dL/dW|| per layer.
    forward_ratio = std(a) last hidden / first hidden; backward_ratio = std(delta) first hidden /
    last hidden; both inside HEALTHY (0.1 to 10) is `healthy`. ratio: ||dL/dW|| first / last layer.
    The statistics of each setting are computed once (a network of 30 layers of 256 takes 0.3 s) and
    remembered; `acts` and `model` are computed again when read after a remembered setting came back.
    """

    PARAMS = {
        "depth": Param(10, 1, 30, label="hidden layers"),
        "width": Param(64, 4, 256, step=4, label="neurons/layer"),
        "activation": Param("sigmoid", choices=("sigmoid", "tanh", "relu", "leaky_relu", "linear")),
        "init": Param("glorot_uniform", choices=tuple(INITIALIZERS), label="initialiser"),
        "seed": Param(0, 0, 9),
    }
    FIGSIZE = (13, 4.2)
    LAYOUT_CACHE = True  # an earlier layout is replayed where the texts take the same room (_layout_key)
    CACHE: dict = {}     # settings -> _Statistics, shared by every DepthExplorer (small: ~2 kB a setting)
    MAX_CACHED = 1024

    def update(self):
        c = self.cfg
        key = tuple(c[name] for name in self.PARAMS)
        stats = self.CACHE.get(key)
        if stats is None:
            self._compute()
            stats = _statistics(self._acts, self._norms, self._model)
            if len(self.CACHE) >= self.MAX_CACHED:
                self.CACHE.clear()
            self.CACHE[key] = stats
        else:
            self._acts = self._model = None  # computed again if read
        self._stats = stats
        self.a_std, self.delta_std, self.norms = stats.a_std, stats.delta_std, stats.norms
        finite = self.norms[np.isfinite(self.norms) & (self.norms > 0)]
        self.ratio = float(finite[0] / finite[-1]) if len(finite) > 1 else np.nan  # first layer vs last
        self.forward_ratio = _ratio(self.a_std[-1], self.a_std[0])
        self.backward_ratio = _ratio(self.delta_std[0], self.delta_std[-1])
        self.verdict = self._verdict()

    def _compute(self):
        c = self.cfg
        # bad_normal with relu overflows on purpose: shown, not warned
        with np.errstate(all="ignore"), _one_blas_thread():
            self._acts, self._norms, self._model = layer_statistics(c["depth"], c["width"], c["activation"],
                                                                    c["init"], n=batch_size(c["width"]),
                                                                    seed=c["seed"])

    @property
    def acts(self) -> list:
        """The activations a_l (batch_size(width), width) of every hidden layer (experiments.layer_statistics)."""
        if self._acts is None:
            self._compute()
        return self._acts

    @property
    def model(self):
        """The network, its layers holding z, a, delta, dW and db of the pass."""
        if self._model is None:
            self._compute()
        return self._model

    @property
    def healthy(self) -> bool:
        """Both spreads stay within a factor of 10 from the first hidden layer to the last."""
        lo, hi = HEALTHY
        return bool(lo <= self.forward_ratio <= hi and lo <= self.backward_ratio <= hi)

    def _verdict(self) -> str:
        lo, hi = HEALTHY
        if not (np.isfinite(self.forward_ratio) and np.isfinite(self.backward_ratio)):
            return _("no signal: activations or deltas are all 0, or overflowed")
        words = []
        if not lo <= self.forward_ratio <= hi:
            words.append(_("activations explode") if self.forward_ratio > hi else _("activations shrink away"))
        if not lo <= self.backward_ratio <= hi:
            words.append(_("gradients explode") if self.backward_ratio > hi else _("gradients vanish"))
        return "; ".join(words) if words else _("healthy: both spreads stay within 10x")

    # --- the texts and the shape of the drawing, shared by draw_on and refresh ----------------------
    def _spreads_title(self) -> str:
        fmt = lambda r: f"{r:.1e}" if np.isfinite(r) else "n/a"  # noqa: E731
        return _("a last/first = {forward}, δ first/last = {backward}").format(forward=fmt(self.forward_ratio),
                                                                               backward=fmt(self.backward_ratio))

    def _gradients_title(self) -> str:
        if np.isfinite(self.ratio):
            return _("||dL/dW|| per layer: first/last = {ratio}").format(ratio=f"{self.ratio:.2g}")
        return _("gradients overflowed or vanished entirely")

    def _suptitle(self) -> tuple[str, str]:
        c = self.cfg
        colour = "#1a7837" if self.healthy else "#b2182b"
        text = _("{depth} hidden layers of {width}, {activation}, {init}: {verdict}").format(
            depth=c["depth"], width=c["width"], activation=c["activation"], init=c["init"], verdict=self._verdict())
        return text, colour  # the verdict in the language in use now (self.verdict: when last computed)

    def _gradients_colour(self) -> str:
        """Red where the gradients overflowed or vanished entirely, else a title's usual colour."""
        if not np.isfinite(self.ratio):
            return "#b2182b"
        usual = mpl.rcParams["axes.titlecolor"]
        return mpl.rcParams["text.color"] if usual == "auto" else usual

    # --- drawing -----------------------------------------------------------------------------------
    def _histograms(self, ax):
        """Step histograms of |a| of the first, middle and last hidden layers, on a log axis: a spread
        of 1e-3 and one of 1e11 are both readable. Exact zeros (ReLU) are counted in the legend."""
        if self._stats.bins is not None:
            ax.set_xscale("log")
            self._outlines(ax)
        else:
            ax.text(0.5, 0.5, _("every activation is 0"), ha="center", va="center", transform=ax.transAxes,
                    fontsize=11)
        ax.set_xlabel(_("|a| (log scale)"), fontsize=11)
        ax.set_ylabel(_("fraction of units"), fontsize=11)
        ax.set_title(_("activation histograms"), fontsize=11, y=1)

    def _outlines(self, ax):
        """The step histograms, their limits and legend."""
        s = self._stats
        for colour, heights, label in zip((plots.ORANGE, plots.GREEN, plots.BLUE), s.heights, s.labels):
            outline = Polygon(_step_outline(s.bins, heights), closed=False, fill=False, edgecolor=colour, lw=1.8,
                              label=label)
            outline.sticky_edges.y.append(0)  # the bars stand on 0, as in Axes.hist
            ax.add_patch(outline)
        _rescale(ax, corners=np.concatenate([p.get_xy() for p in ax.patches]), headroom=HISTOGRAM_HEADROOM)
        # above the outlines, in the room the headroom leaves: a legend placed "best" sat on them
        ax.legend(frameon=False, fontsize=10, loc="upper left")

    def _spreads(self, ax):
        for values, colour, name in ((self.a_std, plots.BLUE, _("forward: std(a)")),
                                     (self.delta_std, plots.ORANGE, _("backward: std(δ), δ = dL/dz"))):
            ax.plot(*_shown_points(values), "-o", ms=3, color=colour, label=name)
        ax.set_yscale("log")
        _rescale(ax, integer_x=True, layers=len(self.a_std), decades=MIN_DECADES)
        ax.set_xlabel(_("hidden layer (1 = next to the input)"), fontsize=11)
        ax.set_ylabel(_("standard deviation"), fontsize=11)
        ax.legend(frameon=False, fontsize=10)
        ax.set_title(self._spreads_title(), fontsize=11, y=1)

    def _gradients(self, ax):
        ax.bar(np.arange(1, len(self.norms) + 1), _positive(self.norms), color=plots.ORANGE)
        ax.set_yscale("log")
        _rescale(ax, integer_x=True, corners=_bar_corners(ax.containers[0]), layers=len(self.norms), decades=MIN_DECADES)
        ax.set_xlabel(_("layer (1 = next to the input)"), fontsize=11)
        ax.set_ylabel("||dL/dW||", fontsize=11)
        ax.set_title(self._gradients_title(), fontsize=11, y=1, color=self._gradients_colour())

    def layout_cache_key(self, fig):
        """The menus' values and what the layout depends on (see _layout_key)."""
        return super().layout_cache_key(fig)[0], _layout_key(fig, self._layout_start)

    # Titles are set at y=1 (above the axes, by the usual pad): where matplotlib puts them here (no tick
    # labels above the axes) after measuring every tick label again on every draw and layout pass.
    def draw_on(self, fig):
        for ax, draw in zip(fig.subplots(1, 3), (self._histograms, self._spreads, self._gradients)):
            draw(ax)
            _outside_layout(ax)
        text, colour = self._suptitle()
        fig.suptitle(text, fontsize=12, color=colour)

    def refresh(self, fig) -> bool:
        """Update the drawing in place: new outlines, points, bar heights, titles and limits."""
        ax_h, ax_s, ax_g = fig.axes
        if bool(ax_h.patches) == (self._stats.bins is not None):
            self._update_histograms(ax_h)
        else:  # histograms instead of the note that every activation is 0, or the other way round
            ax_h.clear()
            ax_h.dataLim = Bbox.null()  # clear() keeps the old data limits, which set the limits of no data
            self._histograms(ax_h)
            _outside_layout(ax_h)
        self._update_spreads(ax_s)
        self._update_gradients(ax_g)
        text, colour = self._suptitle()
        fig._suptitle.set_text(text)
        fig._suptitle.set_color(colour)
        return True

    def _update_histograms(self, ax):
        s = self._stats
        if s.bins is None:
            return
        if len(ax.patches) == len(s.heights):
            for outline, heights, label, text in zip(ax.patches, s.heights, s.labels, ax.get_legend().get_texts()):
                outline.set_xy(_step_outline(s.bins, heights))
                outline.set_label(label)
                text.set_text(label)
            _rescale(ax, corners=np.concatenate([p.get_xy() for p in ax.patches]), headroom=HISTOGRAM_HEADROOM)
        else:  # 1 or 2 hidden layers: fewer histograms
            for outline in list(ax.patches):
                outline.remove()
            ax.get_legend().remove()
            self._outlines(ax)
            _outside_layout(ax)

    def _update_spreads(self, ax):
        for line, values in zip(ax.lines, (self.a_std, self.delta_std)):
            line.set_data(*_shown_points(values))
        _rescale(ax, integer_x=True, layers=len(self.a_std), decades=MIN_DECADES)
        ax.title.set_text(self._spreads_title())

    def _update_gradients(self, ax):
        bars, heights = ax.containers[0], _positive(self.norms)
        if len(bars) == len(heights):
            for bar, height in zip(bars, heights):
                bar.set_height(height)
        else:  # another depth: as many new bars
            bars.remove()
            ax.bar(np.arange(1, len(heights) + 1), heights, color=plots.ORANGE)
        _rescale(ax, integer_x=True, corners=_bar_corners(ax.containers[0]), layers=len(self.norms), decades=MIN_DECADES)
        ax.title.set_text(self._gradients_title())
        ax.title.set_color(self._gradients_colour())
