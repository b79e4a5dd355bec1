"""An explorer on a HiDPI screen (issue 28): JupyterLab in headless Chromium with device_scale_factor 2. The
Access helper reports devicePixelRatio 2; once the picture rests (base.SharpPicture) the kernel draws it at
twice its pixels, and the <img> shows it at the 1x picture's CSS size: naturalWidth == 2 x clientWidth. A move
shows the 1x picture at once, then the sharp one again. Screenshots in .cache/pixel_ratio/. The kernel side:
tests/test_pixel_ratio.py."""
import json

import nbformat
import pytest

from browser_support import ROOT, chromium_page, jupyterlab, require_chromium, run_all_cells

pytestmark = pytest.mark.browser
require_chromium()

OUT = ROOT / ".cache" / "pixel_ratio"
FIGURE = "document.querySelector('img.dlteach-figure, .dlteach-figure img')"
SIZE = f"() => {{ const i = {FIGURE}; return i && {{natural: i.naturalWidth, naturalHeight: i.naturalHeight, " \
       "client: i.clientWidth, clientHeight: i.clientHeight, ratio: devicePixelRatio, src: i.src.slice(-120)}; }"
SHARP = f"() => {{ const i = {FIGURE}; return !!i && i.complete && i.clientWidth > 0 " \
        "&& i.naturalWidth === 2 * i.clientWidth; }"
# every picture the <img> loads from now on: its natural width
RECORD = f"() => {{ const i = {FIGURE}; window.dlteachWidths = []; " \
         "i.addEventListener('load', () => window.dlteachWidths.push(i.naturalWidth)); }"


def test_at_device_pixel_ratio_2_the_resting_picture_is_drawn_at_twice_its_pixels(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import dlteach as dt"),
                nbformat.v4.new_code_cell("dt.widgets.NeuronExplorer().widget()")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nbformat.write(nb, tmp_path / "ratio.ipynb")
    OUT.mkdir(parents=True, exist_ok=True)
    with jupyterlab(tmp_path) as url, chromium_page(scale=2) as page:
        run_all_cells(page, url, "ratio.ipynb")
        page.wait_for_function(SHARP, timeout=30_000)
        rested = page.evaluate(SIZE)
        page.locator(".dlteach-explorer").first.screenshot(path=str(OUT / "rested.png"))
        # the layout is the 1x picture's: 810 x 342 CSS px for the explorer's 9 x 3.8 in at 90 dpi
        assert rested["ratio"] == 2 and rested["client"] == 810 and rested["natural"] == 1620, rested
        assert rested["naturalHeight"] == 2 * rested["clientHeight"], rested
        # a move: the 1x picture answers it at once, at the same size; the sharp one follows at rest
        page.evaluate(RECORD)
        page.locator(".dlteach-explorer select[aria-label=gate]").select_option(label="XOR")
        page.wait_for_function(f"() => window.dlteachWidths.length >= 2 && ({SHARP})()", timeout=30_000)
        moved = page.evaluate(SIZE)
        widths = page.evaluate("() => window.dlteachWidths")
        page.locator(".dlteach-explorer").first.screenshot(path=str(OUT / "moved.png"))
        (OUT / "sizes.json").write_text(json.dumps({"rested": rested, "moved": moved, "loaded": widths}, indent=1))
        assert widths[0] == 810 and widths[-1] == 1620, widths
        assert moved["client"] == 810 and moved["natural"] == 1620 and moved["src"] != rested["src"], moved
