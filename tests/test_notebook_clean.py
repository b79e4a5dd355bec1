"""A lesson opens clean in JupyterLab (issue 28, part 5): no "modified" dot on its tab before anything runs.

JupyterLab marks a notebook modified when the model it loaded changes without the user: on connecting a
kernel it writes that kernel's kernelspec and language_info into the metadata. One English lesson (paired
with its source through jupytext.toml, as `make lab` serves it) and one Chinese lesson are opened; the tab
must stay clean once the kernel is connected and every output (an explorer's too) has rendered, and Ctrl+S
must write back exactly the stored notebook. tests/test_notebook_normalised.py checks every notebook fast.
"""
import json
import shutil
import time

import pytest

from browser_support import ROOT, chromium_page, jupyterlab, require_chromium

pytestmark = pytest.mark.browser
require_chromium()

OPENED = ["notebooks/01_neuron.ipynb", "notebooks/zh_CN/07_playground.ipynb"]  # both have an explorer's output


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """The two lessons served as `make lab` serves them: the English one paired with its source."""
    root = tmp_path_factory.mktemp("clean")
    (root / "lessons").mkdir()
    shutil.copy(ROOT / "jupytext.toml", root)
    shutil.copy(ROOT / "lessons" / "01_neuron.md", root / "lessons")  # before its notebook, as a build writes them
    for rel in OPENED:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / rel, root / rel)
    with jupyterlab(root) as url:
        yield url, root


def _dirty_tabs(page) -> list[str]:
    return page.evaluate("() => [...document.querySelectorAll('.lm-TabBar-tab.jp-mod-dirty')]"
                         ".map(t => t.textContent)")


@pytest.mark.parametrize("rel", OPENED)
def test_a_lesson_opens_unmodified(lab, rel):
    from playwright.sync_api import expect

    url, root = lab
    path = root / rel
    stored = json.loads(path.read_text(encoding="utf-8"))
    # which code cells show outputs (JupyterLab shows consecutive prints to one stream as one output)
    shown = [bool(cell["outputs"]) for cell in stored["cells"] if cell["cell_type"] == "code"]
    with chromium_page() as page:
        page.goto(f"{url}/lab/tree/{rel}?reset")  # only this lesson: not the tabs an earlier test left open
        page.wait_for_selector(".jp-Notebook", timeout=60_000)
        # the kernel connected (JupyterLab then writes its kernelspec and language_info) ...
        expect(page.get_by_text("| Idle")).to_be_visible(timeout=60_000)
        # ... and every output rendered: an explorer's output too (its static picture in an untrusted notebook)
        page.wait_for_function("shown => JSON.stringify([...document.querySelectorAll('.jp-CodeCell')].map("
                               "c => !!c.querySelector('.jp-OutputArea-output'))) === JSON.stringify(shown)"
                               " && [...document.querySelectorAll('.jp-OutputArea-output img')].every(i => i.complete)",
                               arg=shown, timeout=30_000)
        assert _dirty_tabs(page) == [], f"{rel} opens modified in JupyterLab"
        # What JupyterLab saves is what is stored (save waits for nothing: compare once the file is rewritten).
        written = path.stat().st_mtime_ns
        page.locator(".jp-Notebook").first.click(position={"x": 5, "y": 5})
        page.keyboard.press("Control+s")
        page.wait_for_function("() => !document.querySelector('.lm-TabBar-tab.jp-mod-dirty')")
        deadline = time.monotonic() + 30
        while path.stat().st_mtime_ns == written and time.monotonic() < deadline:
            time.sleep(0.1)
        assert path.stat().st_mtime_ns != written, "Ctrl+S did not save"
    saved = json.loads(path.read_text(encoding="utf-8"))
    saved["metadata"].pop("jupytext", None)  # jupytext's save adds its lexer to a paired notebook
    assert saved["metadata"] == stored["metadata"]
    assert saved == stored
