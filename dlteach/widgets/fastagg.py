"""A matplotlib Agg canvas that remembers how it drew each piece of text.

An explorer redraws its figure on every slider move, and most of its text (titles, axis labels,
tick labels of axes whose limits did not move) is drawn again at exactly the same place: laying out
and rasterising those glyphs was about a third of a redraw (20-40 ms of 70-170 ms, measured on the
lesson explorers). TextCachingCanvas keeps the glyph bitmaps of each text drawn, keyed by everything
the bitmaps depend on (string, font, size, angle, antialiasing, exact position, canvas size, dpi and
hinting), and pastes them again on a later draw with the colour and clipping of that draw. The pixels
are the ones plain Agg draws (tests/test_fastagg.py compares them); mathtext is drawn as usual.
"""
from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg


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
            else:  # an older matplotlib passes a font object: nothing to keep, draw it each time
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


class TextCachingRenderer(RendererAgg):
    """RendererAgg whose draw_text pastes remembered glyph bitmaps when the same text is drawn at the
    same place again. The cache is shared by every canvas of the process and bounded (MAX_TEXTS)."""

    CACHE: dict = {}
    MAX_TEXTS = 20_000  # about 1 kB a text: at most ~20 MB, then it starts again
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

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if ismath:
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        shaping = None
        if mtext is not None and hasattr(mtext, "get_fontfeatures"):
            shaping = (tuple(mtext.get_fontfeatures() or ()), mtext.get_language())
        key = (s, hash(prop), float(angle), bool(gc.get_antialiased()), float(x), float(y), self.width, self.height,
               self.dpi, mpl.rcParams["text.hinting"], mpl.rcParams["text.hinting_factor"], shaping)
        calls = self.CACHE.get(key)
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
            if len(self.CACHE) >= self.MAX_TEXTS:
                self.CACHE.clear()
            self.CACHE[key] = recorder.calls
        return None


class TextCachingCanvas(FigureCanvasAgg):
    """FigureCanvasAgg drawing with a TextCachingRenderer: same pixels, less time per redraw."""

    def get_renderer(self):
        w, h = self.get_width_height(physical=True)
        key = w, h, self.figure.dpi
        if self._lastKey != key:
            self.renderer = TextCachingRenderer(w, h, self.figure.dpi)
            self._lastKey = key
        return self.renderer
