"""TextCachingCanvas must draw exactly what plain Agg draws, on a first draw and on every later one."""
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from dlteach.widgets.fastagg import TextCachingCanvas, TextCachingRenderer


def scene(fig, step: int):
    """A figure whose texts partly stay (titles, labels) and partly move or change (limits, colours,
    rotation, a mathtext label, a text that walks by fractions of a pixel)."""
    fig.clear()
    ax, bx = fig.subplots(1, 2)
    ax.plot(np.arange(10), np.arange(10) ** (1 + step / 10))
    ax.set_title("a title that stays", color="black" if step % 2 else "#b2182b")
    ax.set_xlabel("x label")
    ax.set_ylabel(r"$\alpha^2$ (mathtext)")
    ax.set_xlim(0, 9 + step)
    ax.text(0.1 + 0.0013 * step, 0.5, f"walks {step % 3}", transform=ax.transAxes, rotation=30 * (step % 2))
    bx.imshow(np.arange(12).reshape(3, 4) * step, cmap="viridis")
    bx.set_title(f"step {step}", fontsize=9 + step % 3)
    bx.annotate("arrow", (1, 1), xytext=(2, 2), arrowprops=dict(arrowstyle="->"), rotation=90)
    return fig


@pytest.mark.parametrize("layout", [None, "constrained"])
def test_cached_text_draws_the_same_pixels_as_agg(layout):
    plain, cached = Figure(figsize=(6, 3), dpi=90, layout=layout), Figure(figsize=(6, 3), dpi=90, layout=layout)
    FigureCanvasAgg(plain)
    TextCachingCanvas(cached)
    TextCachingRenderer.CACHE.clear()
    for step in [0, 1, 2, 1, 0, 3, 3, 2]:  # repeats: the second time every text is pasted from the cache
        scene(plain, step).canvas.draw()
        scene(cached, step).canvas.draw()
        assert np.array_equal(np.asarray(plain.canvas.buffer_rgba()), np.asarray(cached.canvas.buffer_rgba())), step
    assert len(TextCachingRenderer.CACHE) > 10


def test_the_cache_is_used_and_bounded(monkeypatch):
    fig = Figure(figsize=(4, 3), dpi=90)
    TextCachingCanvas(fig)
    TextCachingRenderer.CACHE.clear()
    scene(fig, 0).canvas.draw()
    filled = len(TextCachingRenderer.CACHE)
    scene(fig, 0).canvas.draw()
    assert len(TextCachingRenderer.CACHE) == filled  # nothing new: every text was found
    monkeypatch.setattr(TextCachingRenderer, "MAX_TEXTS", 5)
    for step in range(4):
        scene(fig, step + 10).canvas.draw()
    assert len(TextCachingRenderer.CACHE) <= 5 + filled


def test_remembered_font_metrics_measure_texts_as_agg_does():
    """TextCachingRenderer answers Text's font-metrics question from a cache: every text must measure
    the same as on a plain Agg renderer (sizes, weights, families, several lines, mathtext)."""
    from matplotlib.backends.backend_agg import RendererAgg

    fig = Figure(figsize=(4, 3), dpi=90)
    styles = [("plain", 10, "normal", "sans-serif"), ("lp gy\nTwo lines", 11, "bold", "serif"),
              (r"$10^{-5}$", 9, "normal", "sans-serif"), ("ÅÉ δ = dL/dz", 12.5, "light", "monospace")]
    texts = [fig.text(0.1, 0.1, s, fontsize=size, fontweight=weight, family=family) for s, size, weight, family in styles]
    plain, cached = RendererAgg(360, 270, 90), TextCachingRenderer(360, 270, 90)
    for _ in range(2):  # the second time from the cache
        for text in texts:
            assert text.get_window_extent(plain).bounds == text.get_window_extent(cached).bounds, text.get_text()
    assert TextCachingRenderer.FONT_METRICS
