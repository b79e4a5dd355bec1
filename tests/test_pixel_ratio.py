"""Explorers drawn at the screen's device pixel ratio once their controls rest (issue 28; base.SharpPicture,
fastagg.drawn_at), without a browser: the ratio as the Access helper takes it, the sharp picture's size and
pixels, the rest timer on an asyncio loop (as the kernel's), what a move does to a waiting redraw, nothing
extra at ratio 1, the stored picture. Runs under ipywidgets 8 and Colab's 7.7. The browser side:
tests/test_pixel_ratio_browser.py."""
import asyncio
import base64
import io
import math

import numpy as np
import pytest
from PIL import Image

import dlteach as dt
from dlteach.widgets import access, base, fastagg


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def in_loop(scenario):
    """Run `scenario` (a coroutine function) on a fresh asyncio loop, as the kernel runs cells and widget
    messages on its own: a widget built inside finds it (base.kernel_loop)."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(scenario())
    finally:
        loop.close()


@pytest.fixture
def drawn(monkeypatch):
    """Counts the sharp redraws (base.sharp_png calls) and the ratios they were drawn at."""
    calls = []
    real = base.sharp_png

    def counting(fig, ratio):
        calls.append(ratio)
        return real(fig, ratio)

    monkeypatch.setattr(base, "sharp_png", counting)
    return calls


def test_the_ratio_is_clamped_to_1_to_3_in_quarters():
    shown = {2: 2.0, 2.6: 2.5, 1.1: 1.0, 1.125: 1.0, 1.13: 1.25, 0.5: 1.0, 5: 3.0, math.nan: 1.0, None: 1.0, "x": 1.0}
    assert {k: access.pixel_ratio(k) for k in shown} == shown
    helper = access.Access()
    assert helper.pixel_ratio == 1.0  # until a browser reports one
    helper.pixel_ratio = 1.8
    assert helper.pixel_ratio == 1.75
    esm = access.Access._esm
    assert "devicePixelRatio" in esm and "matchMedia" in esm and 'model.set("pixel_ratio"' in esm


def test_at_ratio_2_the_rested_picture_has_twice_the_pixels_at_the_same_css_width(drawn):
    async def scenario():
        ex = dt.widgets.NeuronExplorer()
        ui = ex.widget()
        ui.controls["gate"].value = "XOR"  # a move first: the refreshed figure, its layout replayed
        one = ui.image.value
        alt = ui.access.alt
        assert ui.sharp.loop is asyncio.get_running_loop()
        ui.access.pixel_ratio = 2  # as the browser reports it
        assert ui.sharp.pending is not None and not drawn  # waits for the rest
        await asyncio.sleep(base.REST + 0.05)  # the loop runs the timer
        return ex, ui, one, alt

    ex, ui, one, alt = in_loop(scenario)
    assert drawn == [2.0] and ui.sharp.ratio == 2.0 and ui.sharp.pending is None
    (w, h), sharp = base.png_size(one), ui.image.value
    assert base.png_size(sharp) == (2 * w, 2 * h)
    assert ui.image.layout.width == f"{w}px"  # shown at the 1x picture's size: the layout does not change
    # the stored picture and the alt text stay the 1x ones
    assert ui.sharp.plain == one and base64.b64decode(ui._repr_mimebundle_()["image/png"]) == one
    assert ui.access.alt == alt
    assert np.array_equal(pixels(sharp), fresh_at(dt.widgets.NeuronExplorer(**ex.cfg), 2, one))


def fresh_at(ex, ratio, one):
    """The same picture with more pixels: a fresh explorer's figure (its 1x picture `one`), drawn by plain
    matplotlib at `ratio` times its dpi, its layout as computed for the 1x picture (the sharp picture keeps
    it, so nothing moves when it replaces the 1x one)."""
    assert ex.png() == one
    fig = ex.figure
    fig.set_layout_engine("none")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="rgba", dpi=ratio * fig.dpi)
    w, h = base.png_size(one)
    return np.frombuffer(buffer.getvalue(), np.uint8).reshape(round(ratio * h), round(ratio * w), 4)[..., :3]


def test_the_sharp_picture_keeps_the_1x_layout_where_it_is_computed_every_time(monkeypatch):
    """On a matplotlib the speed-ups are not proven for (fastagg.ON off) the constrained layout is computed at
    every draw: laid out again at 2x, a third of the pixels moved. The sharp picture keeps the 1x layout."""
    for name in fastagg.ON:
        monkeypatch.setitem(fastagg.ON, name, False)
    ex = dt.widgets.NeuronExplorer(gate="OR")
    one = ex.png()
    assert np.array_equal(pixels(base.sharp_png(ex.figure, 2)), fresh_at(dt.widgets.NeuronExplorer(gate="OR"), 2, one))


def test_a_move_cancels_the_waiting_sharp_redraw(drawn):
    async def scenario():
        ui = dt.widgets.NeuronExplorer().widget()
        ui.access.pixel_ratio = 2
        waiting = ui.sharp.pending
        for value in (0.5, -0.5, 1.0, 0.0):  # a drag: moves closer together than REST
            await asyncio.sleep(0)  # the loop runs what is due (no timer is)
            ui.controls["b"].value = value
            assert waiting.cancelled() and ui.sharp.pending is not waiting  # the old one will not draw
            waiting = ui.sharp.pending
        assert not drawn and base.png_size(ui.image.value) == base.png_size(ui.sharp.plain)
        await asyncio.sleep(base.REST + 0.05)
        assert drawn == [2.0]  # one sharp redraw, of the picture where the drag stopped
        ui.controls["b"].value = 0.5
        assert ui.sharp.ratio is None and ui.image.value == ui.sharp.plain  # a move shows 1x at once
        return ui

    ui = in_loop(scenario)
    ui.sharp.settle()
    assert drawn == [2.0, 2.0] and ui.sharp.ratio == 2.0


def test_at_ratio_1_nothing_extra_is_drawn_and_the_picture_is_todays(drawn):
    async def scenario():
        ex = dt.widgets.NeuronExplorer()
        ui = ex.widget()
        ui.controls["gate"].value = "XOR"
        ui.access.pixel_ratio = 1  # a 1x screen (or none: no browser reports anything)
        await asyncio.sleep(base.REST + 0.05)
        return ex, ui

    ex, ui = in_loop(scenario)
    assert not drawn and ui.sharp.pending is None and ui.sharp.ratio is None
    assert ui.image.layout.width is None  # the layout as before: the picture at its natural size
    assert ui.image.value == dt.widgets.NeuronExplorer(**ex.cfg).png()


def test_back_on_a_1x_screen_the_1x_picture_returns(drawn):
    ui = dt.widgets.ActivationExplorer().widget()
    ui.sharp.loop = asyncio.new_event_loop()  # as the kernel's (not run here: settle() draws)
    try:
        one = ui.image.value
        ui.access.pixel_ratio = 1.5
        ui.sharp.settle()
        assert drawn == [1.5] and base.png_size(ui.image.value) == tuple(round(1.5 * n) for n in base.png_size(one))
        ui.access.pixel_ratio = 1
        assert ui.image.value == one and ui.image.layout.width is None and ui.sharp.pending is None
    finally:
        ui.sharp.loop.close()


def test_no_sharp_frame_while_training_runs_or_the_playground_plays(drawn):
    pg = dt.widgets.Playground()
    ui = pg.widget()
    ui.sharp.loop = asyncio.new_event_loop()
    try:
        ui.access.pixel_ratio = 2
        playing = "playing" if "playing" in ui.play.trait_names() else "_playing"  # ipywidgets 8 / 7.7
        setattr(ui.play, playing, True)
        ui.sharp.settle()
        assert not drawn and ui.sharp.pending is not None  # tried again a REST later
        setattr(ui.play, playing, False)
        ui.sharp.settle()
        assert drawn == [2.0]
        # the Playground's blitted figure: the sharp picture draws the artists blitting keeps out of canvas.draw()
        one, sharp_1x = pixels(ui.sharp.plain), pixels(base.sharp_png(pg.figure, 1))
        assert one.shape == sharp_1x.shape and (np.abs(one.astype(int) - sharp_1x).max(axis=2) > 16).mean() < 1e-3
    finally:
        ui.sharp.loop.close()
    # a training explorer: while a run trains (frames coming), the timer waits
    ex = dt.widgets.OverfitExplorer()
    ui = ex.widget()
    ui.sharp.loop = asyncio.new_event_loop()
    try:
        ui.access.pixel_ratio = 2
        drawn.clear()
        ui.sharp.moving = lambda: True  # as ProgressiveTrainer.running() says during a run
        ui.sharp.settle()
        assert not drawn and ui.sharp.pending is not None
        ui.sharp.moving = ui.trainer.running
        ui.sharp.settle()
        assert drawn == [2.0] and base.png_size(ui.image.value)[0] == 2 * base.png_size(ui.sharp.plain)[0]
    finally:
        ui.sharp.loop.close()


def test_the_sharp_render_leaves_the_1x_drawing_as_it_was():
    """Every figure kind (refreshed with a replayed layout, blitted, fixed axes): after a sharp redraw the
    next 1x picture is byte for byte what it would have been."""
    for make in (dt.widgets.NeuronExplorer, dt.widgets.OptimizerExplorer, dt.widgets.Playground):
        ex = make()
        one = ex.png()
        base.sharp_png(ex.figure, 2)
        assert ex.png() == one, make.__name__


def test_a_training_explorer_gets_its_sharp_frame_when_the_run_ends(drawn):
    """The frames come from the trainer's thread, which moves the timer through the loop; no sharp frame while
    the run trains, one after its last frame."""
    async def scenario():
        ui = dt.widgets.OverfitExplorer().widget()
        ui.access.pixel_ratio = 2
        frames = []
        ui.image.observe(lambda change: frames.append(base.png_size(change["new"])[0]), names="value")
        ui.controls["hidden"].value = 40  # a run not cached: frames from the thread
        while ui.trainer.running():
            await asyncio.sleep(0.01)
            assert not drawn
        await asyncio.sleep(base.REST + 0.1)
        return ui, frames

    ui, frames = in_loop(scenario)
    assert drawn == [2.0] and len(frames) >= 2 and frames[-1] == 2 * frames[-2] == 2 * frames[0]
    assert ui.sharp.plain != ui.image.value and ui.sharp.ratio == 2.0
