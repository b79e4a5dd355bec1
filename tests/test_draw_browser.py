"""End to end: JupyterLab in headless Chromium at 1366x768 shows the DigitDrawer; the mouse draws a
"1" on the anywidget canvas, and the probabilities that the kernel computes appear, change with a
second stroke, and go away with the clear button. Saves .cache/draw.png (looked at by a person).

Skipped without /usr/bin/chromium, except under CI (CI=true), where it must run.
"""
import time

import nbformat
import numpy as np
import pytest

from browser_support import ROOT, chromium_page, jupyterlab, require_chromium, run_all_cells

pytestmark = pytest.mark.browser
require_chromium()

CELLS = ["import dlteach as dt\nfrom dlteach.widgets import DigitDrawer\ndd = DigitDrawer()",
         "dd.widget()"]


def drag(page, box, points, steps=8):
    """Press the mouse at the first point (fractions of the box), move through the others, release."""
    xy = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in points]
    page.mouse.move(*xy[0])
    page.mouse.down()
    for x, y in xy[1:]:
        page.mouse.move(x, y, steps=steps)
    page.mouse.up()


def touch_drag(page, box, points, steps=8):
    """The same with a finger: touch events through the DevTools protocol (Chromium turns them into
    pointer events of type 'touch')."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 1})
    xy = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in points]
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": xy[0][0], "y": xy[0][1]}]})
    for (x0, y0), (x1, y1) in zip(xy, xy[1:]):
        for t in np.linspace(0, 1, steps + 1)[1:]:
            point = {"x": x0 + t * (x1 - x0), "y": y0 + t * (y1 - y0)}
            cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def wait_for_status_change(page, status, old, timeout_s=20.0):
    """Wait until the status text differs from `old`; returns (new text, seconds waited)."""
    start = time.monotonic()
    while time.monotonic() - start < timeout_s:
        text = status.inner_text()
        if text != old:
            return text, time.monotonic() - start
        time.sleep(0.02)
    pytest.fail(f"the probabilities did not change within {timeout_s} s: {old!r}")


def test_draw_a_digit_in_jupyterlab(tmp_path):
    from playwright.sync_api import expect

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "draw.ipynb")
    with jupyterlab(tmp_path) as url, chromium_page() as page:
        run_all_cells(page, url, "draw.ipynb")
        canvas = page.locator(".dlteach-canvas canvas")
        canvas.wait_for(timeout=30_000)
        status = page.locator(".dlteach-draw-status")
        empty = status.inner_text()
        image = page.locator(".jp-OutputArea-output img").last
        empty_src = image.get_attribute("src")
        assert "Draw a digit" in empty

        canvas.scroll_into_view_if_needed()
        box = canvas.bounding_box()
        assert box["width"] >= 200 and box["x"] + box["width"] < 1366  # fully on a projector-sized screen
        drag(page, box, [(0.5, 0.15), (0.5, 0.85)])  # a "1"
        one, latency = wait_for_status_change(page, status, empty)
        assert "MLP, lesson 09 (from scratch): 1 with p = " in one, one
        assert "CNN, lesson 11 (Keras): 1 with p = " in one, one

        drag(page, box, [(0.25, 0.15), (0.75, 0.15)])  # a bar on top: a "7"-like drawing, new probabilities
        seven, _ = wait_for_status_change(page, status, one)
        assert "with p = " in seven and seven != one
        assert image.get_attribute("src") != empty_src  # the figure changed with the text

        image.scroll_into_view_if_needed()
        expect(page.get_by_text("| Idle")).to_be_visible(timeout=20_000)  # the figure of the last stroke is in
        right = image.bounding_box()
        assert right["x"] + right["width"] <= 1366, right  # the figure is not cut at 1366 px
        (ROOT / ".cache").mkdir(exist_ok=True)
        page.screenshot(path=str(ROOT / ".cache" / "draw.png"))

        page.locator(".dlteach-clear").click()
        cleared, _ = wait_for_status_change(page, status, seven)
        assert "Draw a digit" in cleared

        touch_drag(page, box, [(0.5, 0.15), (0.5, 0.85)])  # a "1" drawn with a finger
        touched, _ = wait_for_status_change(page, status, cleared)
        assert "MLP, lesson 09 (from scratch): 1 with p = " in touched, touched
        errors = page.locator("[data-mime-type='application/vnd.jupyter.stderr'], .jp-RenderedText[data-mime-type"
                              "='application/vnd.jupyter.error']")
        assert errors.count() == 0, errors.all_inner_texts()
        print(f"stroke -> probabilities shown in the browser: {latency * 1000:.0f} ms")
        assert latency < 5.0


def test_playground_keras_code_button_in_jupyterlab(tmp_path):
    """The Playground's "Keras code" button shows the exported script; saves .cache/export.png."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "from dlteach.widgets import Playground\npg = Playground(dataset='spiral', hidden=2, neurons=4)\npg.widget()")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nbformat.write(nb, tmp_path / "export.ipynb")
    with jupyterlab(tmp_path) as url, chromium_page() as page:
        run_all_cells(page, url, "export.ipynb")
        button = page.get_by_role("button", name="Keras code")
        button.click()
        code = page.locator(".dlteach-keras-code")
        code.wait_for(timeout=20_000)
        text = code.inner_text()
        assert "keras.Sequential([" in text and "data.make_dataset('spiral'" in text and "model.fit(" in text
        # The code opens in the picture's place, in a box of the picture's height that scrolls: that box (what is
        # seen) fits the screen, and the script, longer than the box, scrolls inside it.
        scroller = page.locator(".widget-html", has=code).first
        scroller.scroll_into_view_if_needed()
        box = scroller.bounding_box()
        assert box["x"] + box["width"] <= 1366 and box["height"] <= 400, box
        assert code.bounding_box()["height"] > box["height"]
        assert scroller.evaluate("el => getComputedStyle(el).overflowY") == "auto"
        (ROOT / ".cache").mkdir(exist_ok=True)
        page.screenshot(path=str(ROOT / ".cache" / "export.png"))
        button.click()
        code.wait_for(state="hidden", timeout=10_000)
