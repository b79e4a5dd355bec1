"""The drawing speed-ups, in one place: everything that reaches into matplotlib's internals to draw
an explorer faster. An explorer's author never touches this module: Explorer (widgets/base.py) and
the Playground get their figures, canvas, layout and blitting from here.

- the text cache (TextCachingRenderer.draw_text): an explorer redraws its figure on every slider move,
  and most of its text (titles, axis labels, tick labels of axes whose limits did not move) is drawn
  again at exactly the same place; laying out and rasterising those glyphs was about a third of a
  redraw (20-40 ms of 70-170 ms, measured on the lesson explorers). The glyph bitmaps of each text
  drawn are kept, keyed by everything they depend on (string, font, size, angle, antialiasing, exact
  position, canvas size, dpi, hinting, shaping), and pasted again on a later draw with the colour and
  clipping of that draw. Mathtext is drawn as usual.
- the font metrics (TextCachingRenderer._get_font_height_metrics): Text._get_layout asks a renderer
  that has this method for a font's ascent, descent and line gap, which are then remembered instead of
  read from the font's tables for every text measured (a fifth of a layout or redraw).
- blitting (Blitter): a figure's still parts (axes, ticks, labels) kept as a bitmap, and only the
  artists that change drawn over it (the Playground).
- layout replay and restart (CachedConstrainedLayout, layout_start / restart_layout): a constrained
  layout computed once per key and replayed; a figure refreshed in place laid out again from where
  its explorer's draw_on left its axes (see Explorer.refresh).
- the sharp picture (drawn_at): a figure as last drawn, drawn whole again at the screen's pixel ratio on
  a canvas of its own, for base.SharpPicture's redraw once the controls rest (DESIGN 14).

Each depends on how one matplotlib version works inside (private methods, the arguments a C++ call
gets, which artists canvas.draw() leaves out), so each says which matplotlib versions it was proven
against (PROVEN: the minor series on which its pixel-equality tests pass in a CI environment,
constraints*.txt) and is on only there: ON[name], decided at import from matplotlib.__version__. On any
other version the plain path runs: matplotlib's own RendererAgg, a full canvas.draw(), a constrained
layout computed every time, a figure drawn anew. It draws the same pixels, only slower
(tests/test_fastagg.py compares them where both run); never a silent difference.
"""
from __future__ import annotations

import contextlib
import re

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine

# The matplotlib minor series each speed-up was proven against, and what it relies on there.
PROVEN = {
    # RendererAgg.draw_text hands draw_text_image each glyph bitmap as an array (3.8 hands it the font
    # object, whose bitmap changes under it: nothing could be kept)
    "text cache": ("3.11",),
    # Text._get_layout asks the renderer for _get_font_height_metrics (3.8 never asks)
    "font metrics": ("3.11",),
    # canvas.draw() leaves animated images out of the kept background (3.8 draws animated AxesImages
    # into it, and a blitted transparent image was then drawn twice: 9 % of the Playground's pixels)
    "blitting": ("3.11",),
    # Axes._set_position / Figure._suptitle and friends, and ConstrainedLayoutEngine.execute, as used
    # by CachedConstrainedLayout and restart_layout (the lowest set's 3.8 and the pinned 3.11)
    "layout": ("3.8", "3.11"),
}


def minor_series(version: str) -> str:
    """'3.11' for '3.11.2', '3.12.0rc1' or '3.11.0.dev12+g1234'."""
    match = re.match(r"(\d+)\.(\d+)", version)
    return f"{match[1]}.{match[2]}" if match else version


MATPLOTLIB = minor_series(mpl.__version__)
# Which speed-ups run in this process (tests set an entry to False to draw the plain path).
ON = {name: MATPLOTLIB in series for name, series in PROVEN.items()}


def figure(figsize, dpi: float, layout=None) -> Figure:
    """A Figure on a TextCachingCanvas: what every explorer draws on (without pyplot)."""
    fig = Figure(figsize=figsize, dpi=dpi, layout=layout)
    TextCachingCanvas(fig)
    return fig


# --- the text cache and the font metrics --------------------------------------------------------------

class _GlyphRecorder:
    """Stands in for the C++ renderer while one text is drawn: passes every call through and keeps a
    copy of each glyph bitmap pasted (draw_text_image), to paste again later."""

    def __init__(self, inner):
        self.inner, self.calls = inner, []

    def draw_text_image(self, image, x, y, angle, gc):
        self.inner.draw_text_image(image, x, y, angle, gc)
        if self.calls is not None:
            if isinstance(image, np.ndarray):
                self.calls.append((image.copy(), x, y, angle))
            else:  # not a bitmap (never on a proven version): nothing to keep, draw it each time
                self.calls = None

    def __getattr__(self, name):
        return getattr(self.inner, name)


def _font_height_metrics(prop, dpi):
    """(ascent, descent, line gap) in pixels of the font `prop` picks, from its OS/2 or hhea table:
    what matplotlib's Text._get_layout computes for every text it measures (3.11, same formula)."""
    from matplotlib.font_manager import fontManager, get_font  # noqa: PLC0415

    font = get_font(fontManager._find_fonts_by_props(prop))
    for table_name, gap_key, ascent_key, descent_key in (("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
                                                         ("hhea", "lineGap", "ascent", "descent")):
        table = font.get_sfnt_table(table_name)
        if table is None:
            continue
        scale = 1 / font.get_sfnt_table("head")["unitsPerEm"] * prop.get_size_in_points() * dpi / 72  # its order
        return table[ascent_key] * scale, -table[descent_key] * scale, table[gap_key] * scale
    return None, None, None  # matplotlib measures "lp" instead


class _TextCacheRenderer(RendererAgg):
    """RendererAgg whose draw_text pastes remembered glyph bitmaps when the same text is drawn at the
    same place again. The cache is shared by every canvas of the process and bounded (MAX_TEXTS)."""

    CACHE: dict = {}
    MAX_TEXTS = 20_000  # about 1 kB a text: at most ~20 MB, then it starts again

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if ismath or not ON["text cache"]:
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        shaping = None
        if mtext is not None and hasattr(mtext, "get_fontfeatures"):
            shaping = (tuple(mtext.get_fontfeatures() or ()), mtext.get_language())
        key = (s, hash(prop), float(angle), bool(gc.get_antialiased()), float(x), float(y), self.width, self.height,
               self.dpi, mpl.rcParams["text.hinting"], mpl.rcParams["text.hinting_factor"], shaping)
        cache = _TextCacheRenderer.CACHE
        calls = cache.get(key)
        if calls is not None:
            for image, xi, yi, a in calls:
                self._renderer.draw_text_image(image, xi, yi, a, gc)
            return None
        inner = self._renderer
        recorder = self._renderer = _GlyphRecorder(inner)
        try:
            super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        finally:
            self._renderer = inner
        if recorder.calls is not None:
            if len(cache) >= self.MAX_TEXTS:
                cache.clear()
            cache[key] = recorder.calls
        return None


class TextCachingRenderer(_TextCacheRenderer):
    """The text cache (see _TextCacheRenderer) and remembered font metrics."""

    FONT_METRICS: dict = {}  # (font properties, dpi) -> (ascent, descent, line gap)

    def _get_font_height_metrics(self, prop):
        """The font's ascent, descent and line gap, remembered: matplotlib's Text._get_layout asks a
        renderer that has this method (its PDF/PS backends do) instead of looking the font up and
        reading its tables again for each text measured, about a fifth of a layout or redraw."""
        key = (hash(prop), self.dpi)
        metrics = self.FONT_METRICS.get(key)
        if metrics is None:
            metrics = self.FONT_METRICS[key] = _font_height_metrics(prop, self.dpi)
        return metrics


def renderer_class() -> type:
    """The renderer the speed-ups that are ON give: matplotlib's own RendererAgg where none is."""
    if ON["font metrics"]:
        return TextCachingRenderer
    return _TextCacheRenderer if ON["text cache"] else RendererAgg


class TextCachingCanvas(FigureCanvasAgg):
    """FigureCanvasAgg drawing with a TextCachingRenderer where its speed-ups are proven (same pixels,
    less time per redraw), and exactly as FigureCanvasAgg elsewhere."""

    def get_renderer(self):
        cls = renderer_class()
        if cls is RendererAgg:
            if isinstance(getattr(self, "renderer", None), _TextCacheRenderer):
                self._lastKey = None  # the speed-ups were switched off (tests): a plain renderer anew
            return super().get_renderer()
        w, h = self.get_width_height(physical=True)
        key = w, h, self.figure.dpi, cls
        if self._lastKey != key:
            self.renderer = cls(w, h, self.figure.dpi)
            self._lastKey = key
        return self.renderer


# --- blitting -------------------------------------------------------------------------------------------

class Blitter:
    """A figure drawn as a kept bitmap of its still parts plus the artists that change, drawn over it
    on every render (`dynamic()` returns them in drawing order). With blitting proven (ON["blitting"])
    the changing artists are 'animated', so that canvas.draw() renders only the still parts, which are
    kept; render() restores them and draws just the changing artists. Elsewhere render() draws the
    whole figure (canvas.draw()): the same picture, only anti-aliased edges blended over the kept
    bitmap differ slightly. Made after the figure's artists, once per figure built."""

    def __init__(self, fig: Figure, dynamic, still_axes=()):
        """`still_axes`: axes whose still parts may be drawn again (redraw_still)."""
        from matplotlib.patches import Rectangle  # noqa: PLC0415
        from matplotlib.transforms import IdentityTransform  # noqa: PLC0415

        self.figure, self.dynamic, self.on = fig, dynamic, ON["blitting"]
        self.background, self.areas = None, {}
        if not self.on:
            return
        # A blank of an axes' area (axes, tick labels and axis labels, in pixels) that its new look is
        # drawn on (see redraw_still); never drawn by canvas.draw() itself.
        self.blank = Rectangle((0, 0), 1, 1, transform=IdentityTransform(), facecolor=fig.get_facecolor(),
                               edgecolor="none", visible=False, animated=True)
        fig.add_artist(self.blank)
        self.animate()
        fig.canvas.draw()
        self.background = fig.canvas.copy_from_bbox(fig.bbox)
        renderer = fig.canvas.get_renderer()
        self.areas = {ax: ax.get_tightbbox(renderer).padded(4) for ax in still_axes}

    def animate(self):
        """Mark the changing artists (again, after new ones were made) as drawn by render() only."""
        if self.on:
            for artist in self.dynamic():
                artist.set_animated(True)

    def redraw_still(self, ax):
        """Draw the still parts of one axes (frame, ticks, labels, texts; not the changing artists)
        again into the kept bitmap, over a blank of the area they covered before and cover now,
        instead of drawing the whole figure anew (after a new range, new nodes)."""
        if not self.on:
            return
        from matplotlib.transforms import Bbox  # noqa: PLC0415

        fig = self.figure
        new_area = ax.get_tightbbox(fig.canvas.get_renderer()).padded(4)
        area = Bbox.union([self.areas[ax], new_area])  # longer tick labels may reach further out
        self.areas[ax] = new_area
        fig.canvas.restore_region(self.background)
        blank = self.blank
        blank.set_bounds(area.x0, area.y0, area.width, area.height)
        blank.set_visible(True)
        fig.draw_artist(blank)
        blank.set_visible(False)
        fig.draw_artist(ax)  # animated artists (curves, maps, points) are left out, as in canvas.draw()
        self.background = fig.canvas.copy_from_bbox(fig.bbox)

    def render(self):
        """Bring the canvas's pixels up to date: the kept bitmap and the changing artists over it."""
        fig = self.figure
        if not self.on:
            fig.canvas.draw()
            return
        fig.canvas.restore_region(self.background)
        for artist in self.dynamic():
            fig.draw_artist(artist)


# --- layout replay and restart --------------------------------------------------------------------------

class CachedConstrainedLayout(ConstrainedLayoutEngine):
    """Constrained layout that remembers its result per `key` (set before each draw) and replays it
    when the key comes back: the layout is half of a redraw's time. The key must name everything the
    layout depends on (see base.layout_key): then a replayed drawing equals a fresh one. Explorer uses
    it only where ON["layout"]."""

    MAX_KEYS = 256

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.key, self.cache = None, {}

    def execute(self, fig):
        texts = [t for t in (fig._suptitle, fig._supxlabel, fig._supylabel) if t is not None]
        saved = self.cache.get(self.key) if self.key is not None else None
        if saved is not None and len(saved[0]) == len(fig.axes):
            for ax, (active, original, anchor, aspect) in zip(fig.axes, saved[0]):
                ax._set_position(original, which="original")
                ax._set_position(active, which="active")
                ax.set_anchor(anchor)
                ax.set_box_aspect(aspect)
            for text, position in zip(texts, saved[1]):
                text.set_position(position)
            return
        super().execute(fig)
        if self.key is not None:
            if len(self.cache) >= self.MAX_KEYS:
                self.cache.clear()
            self.cache[self.key] = ([(ax.get_position(original=False), ax.get_position(original=True),
                                      ax.get_anchor(), ax.get_box_aspect()) for ax in fig.axes],
                                    [t.get_position() for t in texts])


def layout_start(fig):
    """The positions, anchors and aspects of `fig`'s axes and the positions of its super-titles, as
    draw_on left them (call it at the end of draw_on, before the figure is drawn).

    Constrained layout is not a fixed point: laid out again from the positions of an earlier layout,
    the axes can land a few pixels away from where a fresh figure puts them (a colour bar beside an
    axes moves it most). So an explorer that refreshes remembers where draw_on left the axes, before
    any layout, and puts them back there before each refreshed drawing (restart_layout): the layout
    then starts from exactly the state a fresh figure starts from, and ends where it ends."""
    axes = [(ax, ax.get_position(original=True), ax.get_position(original=False), ax.get_anchor(),
             ax.get_box_aspect(), ax.get_aspect()) for ax in fig.axes]
    texts = [(t, t.get_position()) for t in (fig._suptitle, fig._supxlabel, fig._supylabel) if t is not None]
    return axes, texts


def restart_layout(state):
    """Put the axes and super-titles back where layout_start found them."""
    axes, texts = state
    for ax, original, active, anchor, box_aspect, aspect in axes:
        ax._set_position(original, which="original")
        ax._set_position(active, which="active")
        ax.set_anchor(anchor)
        ax.set_box_aspect(box_aspect)
        ax.set_aspect(aspect)
    for text, position in texts:
        text.set_position(position)


# --- the sharp picture ----------------------------------------------------------------------------------

@contextlib.contextmanager
def drawn_at(fig: Figure, ratio: float):
    """`fig` drawn whole at `ratio` times its dpi on a canvas of its own (the figure's `canvas` while
    inside: read its pixels there, e.g. plots.canvas_png(fig)); afterwards the figure is as it was.

    The same picture with more pixels: the layout is the one last computed at 1x (the layout engine is
    held, so nothing moves by a pixel when the sharp picture replaces the 1x one), and the artists a
    blitting owner marks animated (drawn by it over a kept background, skipped by canvas.draw()) are
    drawn too, in matplotlib's order. The figure's own canvas keeps its renderer and pixels, so blitting
    and the text cache go on at 1x as before. Public matplotlib except the held layout engine
    (Figure._layout_engine, as print_figure holds it; 3.8 and 3.11). The caller holds whatever lock
    keeps other threads from drawing the figure meanwhile."""
    canvas, dpi, engine = fig.canvas, fig.dpi, fig.get_layout_engine()
    animated = fig.findobj(lambda artist: artist.get_animated())
    sharp = TextCachingCanvas(fig)  # fig.canvas is this one until the end
    try:
        fig._layout_engine = None
        fig.dpi = dpi * ratio
        for artist in animated:
            artist.set_animated(False)
        sharp.draw()
        yield sharp
    finally:
        for artist in animated:
            artist.set_animated(True)
        fig.dpi = dpi
        fig._layout_engine = engine
        fig.set_canvas(canvas)
