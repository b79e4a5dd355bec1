"""A picture everywhere: an explorer's output carries a PNG of its figure beside the live widget.

Without a kernel (GitHub, nbviewer, nbconvert's HTML, JupyterLab before Run All) the frontend shows the
picture; with one, the live widget replaces it. Checked here: the display bundle (ipywidgets 8 and
Colab's 7.7), a notebook executed by nbclient (what `make notebooks` stores), nbconvert's HTML, and in
Chromium a stored notebook opened in JupyterLab without running it, then run.
"""
import base64
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from IPython.core.formatters import DisplayFormatter

from colab_support import COLAB_PYTHON, needs_colab
from dlteach.widgets import NeuronExplorer
from dlteach.widgets.base import WIDGET_VIEW, carry_picture, figure_image

ROOT = Path(__file__).resolve().parents[1]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CELL = "import dlteach as dt\nex = dt.widgets.NeuronExplorer(w1=-2.0)\nex.widget()"


def displayed(ui) -> dict:
    """The bundle a notebook receives for `ui`: through IPython's formatter with ipywidgets 8; with 7.7,
    whose widgets display themselves (_ipython_display_), the bundle that method sends."""
    import ipywidgets as W

    if W.__version__.startswith("7."):
        assert callable(ui._ipython_display_)
        return ui._repr_mimebundle_()
    return DisplayFormatter().format(ui)[0]


def explorer_notebook(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(CELL)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "explorer.ipynb"
    nbformat.write(nb, path)
    return path


def execute(path: Path, python: str = sys.executable) -> nbformat.NotebookNode:
    """Run the notebook in a kernel of `python`'s environment and store it as `make notebooks` does
    (scripts/execute_notebooks.py: outputs kept, widget state stripped)."""
    subprocess.run([python, str(ROOT / "scripts" / "execute_notebooks.py"), str(path)], check=True,
                   capture_output=True, text=True, cwd=ROOT, timeout=300)
    return nbformat.read(path, as_version=4)


def test_the_display_bundle_holds_the_widget_the_picture_and_a_short_text():
    ex = NeuronExplorer(w1=-2.0)
    ui = ex.widget()
    data = displayed(ui)
    assert data[WIDGET_VIEW]["model_id"] == ui.model_id
    assert base64.b64decode(data["image/png"]) == ex.png()            # the current figure, not a stale one
    assert data["text/plain"] == "NeuronExplorer (a live widget: run the notebook to use its controls)"
    ui.controls["w1"].value = 3.0                                     # moved: the picture follows
    data = displayed(ui)
    assert base64.b64decode(data["image/png"]) == ex.png() != base64.b64decode(
        displayed(NeuronExplorer(w1=-2.0).widget())["image/png"])


def test_carry_picture_on_any_box_and_without_a_figure_yet():
    import ipywidgets as W

    image = figure_image()
    ui = carry_picture(W.HBox([image]), image, "Drawer")
    data = displayed(ui)
    assert "image/png" not in data and WIDGET_VIEW in data             # nothing drawn yet: no empty picture
    image.value = NeuronExplorer().png()
    data = displayed(ui)
    assert base64.b64decode(data["image/png"]).startswith(PNG_SIGNATURE)


def stored_outputs(nb) -> dict:
    (out,) = nb.cells[-1].outputs
    return out


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """The explorer notebook executed and stored once (a kernel start and the imports cost seconds)."""
    return execute(explorer_notebook(tmp_path_factory.mktemp("stored")))


def test_an_executed_notebook_stores_the_picture(stored):
    out = stored_outputs(stored)
    assert set(out.data) == {WIDGET_VIEW, "image/png", "text/plain"}
    assert base64.b64decode(out.data["image/png"]) == NeuronExplorer(w1=-2.0).png()


@needs_colab
def test_ipywidgets_7_stores_the_picture_too(tmp_path):
    version = subprocess.run([str(COLAB_PYTHON), "-c", "import ipywidgets; print(ipywidgets.__version__)"],
                             capture_output=True, text=True, check=True).stdout.strip()
    assert version.startswith("7."), version
    out = stored_outputs(execute(explorer_notebook(tmp_path), str(COLAB_PYTHON)))
    assert set(out.data) == {WIDGET_VIEW, "image/png", "text/plain"}
    assert base64.b64decode(out.data["image/png"]).startswith(PNG_SIGNATURE)


def test_nbconvert_html_shows_the_picture_not_the_widget_repr(stored):
    from nbconvert import HTMLExporter

    html, _ = HTMLExporter().from_notebook_node(stored)   # what nbviewer and `jupyter nbconvert --to html` show
    png = stored_outputs(stored).data["image/png"]
    assert f'src="data:image/png;base64,{png}' in html
    assert "a live widget: run the notebook" not in html and "VBox(" not in html


@pytest.mark.browser
def test_jupyterlab_shows_the_picture_before_run_all_and_only_the_widget_after(stored, tmp_path):
    from browser_support import chromium_page, jupyterlab, require_chromium, run_all_cells
    from playwright.sync_api import expect

    require_chromium()
    nbformat.write(stored, tmp_path / "explorer.ipynb")   # as a student downloads it: untrusted outputs
    shots = ROOT / ".cache" / "projector"
    shots.mkdir(parents=True, exist_ok=True)
    with jupyterlab(tmp_path) as url, chromium_page() as page:
        page.goto(f"{url}/lab/tree/explorer.ipynb")
        output = page.locator(".jp-Notebook .jp-OutputArea-output").first
        picture = output.locator("img")
        expect(picture).to_be_visible(timeout=60_000)                # before any kernel has run the cell
        assert output.get_attribute("data-mime-type") == "image/png"
        assert picture.evaluate("img => img.naturalWidth") > 300
        page.wait_for_timeout(500)
        output.screenshot(path=str(shots / "static-picture-before-run.png"))
        run_all_cells(page, url, "explorer.ipynb")
        output = page.locator(".jp-Notebook .jp-OutputArea-output")
        expect(output.locator(".widget-slider").first).to_be_visible(timeout=30_000)
        assert output.count() == 1                                    # one output: the live widget ...
        assert page.locator(".jp-Notebook [data-mime-type='image/png']").count() == 0  # ... no picture beside it
        assert output.locator("img.widget-image").count() == 1
        output.screenshot(path=str(shots / "static-picture-after-run.png"))
