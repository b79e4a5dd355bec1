"""The drawing speed-ups (dlteach/widgets/fastagg.py) draw exactly what the plain path draws, on a first
draw and on every later one; each runs only on the matplotlib versions it was proven against, and the
plain path everywhere else."""
import io
import re
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from PIL import Image

from dlteach import widgets
from dlteach.widgets import fastagg
from dlteach.widgets.fastagg import TextCachingCanvas, TextCachingRenderer

ROOT = Path(__file__).resolve().parents[1]
needs = {name: pytest.mark.skipif(not on, reason=f"the {name} is not proven on matplotlib {matplotlib.__version__}: "
                                                 "the plain path runs (tested below)")
         for name, on in fastagg.ON.items()}


def ci_matplotlib_series() -> dict[str, str]:
    """{constraints file: matplotlib minor series} of every environment make test runs."""
    found = {}
    for path in sorted(ROOT.glob("constraints*.txt")):
        version = re.search(r"^matplotlib==(\S+)", path.read_text(), re.M)
        found[path.name] = fastagg.minor_series(version[1])
    return found


def test_every_speed_up_is_proven_where_ci_runs_it_and_on_with_the_pinned_matplotlib():
    """A version named in PROVEN must be one that make test runs (a claim with its proof); the pinned
    set's must be there for every speed-up, so that raising matplotlib in constraints.txt fails here
    until the pixel tests have passed with the new version and it is added to PROVEN."""
    series = ci_matplotlib_series()
    assert {"constraints.txt", "constraints-colab.txt", "constraints-lowest.txt"} <= set(series)
    for name, proven in fastagg.PROVEN.items():
        assert set(proven) <= set(series.values()), (name, proven, series)
        assert series["constraints.txt"] in proven, (name, proven)
    assert fastagg.ON == {name: fastagg.MATPLOTLIB in proven for name, proven in fastagg.PROVEN.items()}


def test_the_version_check_reads_minor_series():
    assert fastagg.minor_series("3.11.2") == "3.11"
    assert fastagg.minor_series("3.12.0rc1") == "3.12"
    assert fastagg.minor_series("3.8.4.dev12+g1234") == "3.8"
    assert fastagg.MATPLOTLIB == fastagg.minor_series(matplotlib.__version__)


def plain(monkeypatch):
    """Switch every speed-up off, as on a matplotlib version none was proven against."""
    for name in fastagg.ON:
        monkeypatch.setitem(fastagg.ON, name, False)


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


@needs["text cache"]
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


@needs["text cache"]
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


@needs["font metrics"]
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


def test_the_plain_path_is_matplotlibs_own_agg(monkeypatch):
    """With no speed-up on, TextCachingCanvas is FigureCanvasAgg: its renderer is a plain RendererAgg
    and it draws FigureCanvasAgg's pixels (this runs on every version, proven or not)."""
    plain(monkeypatch)
    fig, reference = Figure(figsize=(6, 3), dpi=90), Figure(figsize=(6, 3), dpi=90)
    TextCachingCanvas(fig)
    FigureCanvasAgg(reference)
    for step in [0, 1, 0]:
        scene(fig, step).canvas.draw()
        scene(reference, step).canvas.draw()
        assert type(fig.canvas.get_renderer()) is RendererAgg
        assert np.array_equal(np.asarray(fig.canvas.buffer_rgba()), np.asarray(reference.canvas.buffer_rgba()))


@needs["text cache"]
@needs["font metrics"]
def test_the_plain_path_draws_the_fast_paths_pixels(monkeypatch):
    """The same figures drawn with the speed-ups and then without: equal pixels at every step."""
    fast, slow = Figure(figsize=(6, 3), dpi=90, layout="constrained"), Figure(figsize=(6, 3), dpi=90, layout="constrained")
    TextCachingCanvas(fast)
    TextCachingCanvas(slow)
    steps = [0, 1, 0, 2]
    drawn = []
    for step in steps:
        scene(fast, step).canvas.draw()
        assert type(fast.canvas.get_renderer()) is TextCachingRenderer
        drawn.append(np.asarray(fast.canvas.buffer_rgba()).copy())
    plain(monkeypatch)
    for step, picture in zip(steps, drawn):
        scene(slow, step).canvas.draw()
        assert type(slow.canvas.get_renderer()) is RendererAgg
        assert np.array_equal(np.asarray(slow.canvas.buffer_rgba()), picture), step


def pixels(png: bytes):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def test_the_playgrounds_plain_path_is_a_full_render(monkeypatch):
    """Without blitting, every Playground picture is the whole figure drawn anew (what savefig draws)."""
    from dlteach.widgets import Playground

    plain(monkeypatch)
    pg = Playground(dataset="spiral3", optimizer="adam")
    pg.step(3)
    pg.png()
    pg.step(20)  # the loss plot's range grows
    pg.set(hidden=1)
    pg.step(2)
    png = pg.png()
    buf = io.BytesIO()
    pg.figure.savefig(buf, format="png")
    assert not pg._blit.on and np.array_equal(pixels(png), pixels(buf.getvalue()))


@needs["blitting"]
@pytest.mark.parametrize("settings", [dict(dataset="spiral3"), dict(dataset="reg_gauss", hidden=0), {}])
def test_the_playgrounds_blitted_pictures_equal_the_plain_paths(settings, monkeypatch):
    """The Playground's pictures with blitting (the still parts kept, the changing artists drawn over
    them, the loss plot and the network panel drawn again into the kept bitmap) and without, after the
    same moves: anti-aliased edges blended over the kept bitmap may differ slightly, nothing else."""
    from dlteach.widgets import Playground

    def run():
        pg = Playground(optimizer="adam", **settings)
        pictures = []
        for change in [None, "steps", "network", "activation"]:
            if change == "steps":
                pg.step(22)  # the loss plot's x range doubles
            elif change == "network":
                pg.set(neurons=3)
                pg.step(2)
            elif change == "activation":
                pg.set(activation="relu")
            pictures.append(pixels(pg.png()))
        return pg, pictures

    fast_pg, fast = run()
    plain(monkeypatch)
    slow_pg, slow = run()
    assert fast_pg._blit.on and not slow_pg._blit.on
    for a, b in zip(fast, slow):
        diff = np.abs(a - b).max(axis=2)
        assert diff.max() <= 16 and np.mean(diff > 2) < 0.002, (diff.max(), np.mean(diff > 2))


EXPLORERS = [name for name in widgets.__all__ if isinstance(getattr(widgets, name), type)
             and issubclass(getattr(widgets, name), widgets.Explorer) and name not in ("Explorer", "TrainingExplorer")]


def first_move(cls):
    """One control moved to the other end of its range (the first that has one), to go through refresh()."""
    for name, p in cls.PARAMS.items():
        if p.choices is not None:
            return {name: next(c for c in p.choices if c != p.default)}
        if p.low is not None:
            value = p.low if p.default != p.low else p.high
            return {name: int(value) if isinstance(p.default, int) else value}
    return {}


@needs["layout"]
@needs["text cache"]
@pytest.mark.parametrize("name", EXPLORERS)
def test_every_explorers_fast_picture_equals_the_plain_paths(name, monkeypatch):
    """Every explorer drawn with the speed-ups (text cache, font metrics, replayed and restarted
    layout, a figure refreshed in place) and with none: the same pixels, first drawing and after a move."""
    cls = getattr(widgets, name)
    ex = cls()
    first = ex.png()
    move = first_move(cls)
    ex.set(**move)
    moved = ex.png()
    plain(monkeypatch)
    assert np.array_equal(pixels(cls().png()), pixels(first))
    assert np.array_equal(pixels(cls(**ex.cfg).png()), pixels(moved)), move
