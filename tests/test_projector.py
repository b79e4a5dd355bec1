"""Projector-ready: every explorer at a 1366x768 browser window, JupyterLab's file browser open.

One notebook builds every explorer (the table in scripts/make_apps.py); after Run All, each explorer's
labels, value readouts and dropdowns must show their text uncut (scrollWidth <= clientWidth) and the
explorer must fit the notebook's width. Screenshots of each land in .cache/projector/ to look at.
"""
import importlib.util
import json

import nbformat
import pytest

from browser_support import ROOT, chromium_page, jupyterlab, require_chromium, run_all_cells

pytestmark = pytest.mark.browser
require_chromium()

spec = importlib.util.spec_from_file_location("make_apps", ROOT / "scripts" / "make_apps.py")
make_apps = importlib.util.module_from_spec(spec)
spec.loader.exec_module(make_apps)
EXPLORERS = [(name, explorer) for name, explorer, _, _ in make_apps.APPS]

# Elements whose text must be readable in full; each is checked for cut (overflowing) text.
CLIPPED = """
(box) => {
  const sel = '.widget-label, .widget-readout, .widget-dropdown select, .widget-toggle-button, '
            + '.widget-button, .widget-html-content, .widget-inline-hbox .widget-label-basic, .widget-image';
  const area = box.closest('.jp-OutputArea-output') || box;
  const cut = [];
  const describe = (el) => {
    const text = el.tagName === 'SELECT' ? el.options[el.selectedIndex]?.text : el.textContent;
    return `${el.className.split(' ')[0]} "${(text || '').trim().slice(0, 40)}"`;
  };
  for (const el of box.querySelectorAll(sel)) {
    if (el.offsetParent === null) continue;                       // not displayed
    if (el.scrollWidth > el.clientWidth + 1) {                     // its own text is cut ("glorot_unifo")
      cut.push(`${describe(el)}: ${el.scrollWidth} px of text in ${el.clientWidth} px`);
      continue;
    }
    // ... or a box around it hides part of it (a readout pushed out of a shrunk column)
    const r = el.getBoundingClientRect();
    for (let a = el.parentElement; a && a !== area.parentElement; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (style.overflowX === 'visible' && a !== area) continue;
      const b = a.getBoundingClientRect();
      if (r.right > b.right + 1 || r.left < b.left - 1) {
        cut.push(`${describe(el)}: ${Math.round(Math.max(r.right - b.right, b.left - r.left))} px outside its box`);
        break;
      }
    }
  }
  return cut;
}
"""


def explorers_notebook(folder):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import dlteach as dt")]
    nb.cells += [nbformat.v4.new_code_cell(f"dt.widgets.{explorer}().widget()") for _, explorer in EXPLORERS]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / "explorers.ipynb")


def test_every_explorer_is_readable_at_1366x768(tmp_path):
    explorers_notebook(tmp_path)
    shots = ROOT / ".cache" / "projector"
    shots.mkdir(parents=True, exist_ok=True)
    problems = {}
    with jupyterlab(tmp_path) as url, chromium_page() as page:
        run_all_cells(page, url, "explorers.ipynb", timeout_ms=240_000)
        if not page.locator(".jp-DirListing").is_visible():        # the file browser, as students have it
            page.keyboard.press("Control+Shift+F")
        assert page.locator(".jp-DirListing").is_visible()
        page.wait_for_timeout(1000)
        errors = page.locator("[data-mime-type='application/vnd.jupyter.stderr'],"
                              " [data-mime-type='application/vnd.jupyter.error']")
        assert errors.count() == 0, errors.first.inner_text()
        outputs = page.locator(".jp-Cell .jp-OutputArea-output")
        page.screenshot(path=str(shots / "notebook.png"))
        assert outputs.count() == len(EXPLORERS), f"{outputs.count()} outputs for {len(EXPLORERS)} explorers"
        for i, (name, _) in enumerate(EXPLORERS):
            box = outputs.nth(i)
            box.scroll_into_view_if_needed()
            box.screenshot(path=str(shots / f"{name}.png"))
            cut = box.evaluate(CLIPPED)
            if cut:
                problems[name] = cut
    (shots / "clipped.json").write_text(json.dumps(problems, indent=1))
    assert not problems, "cut text at 1366x768:\n" + json.dumps(problems, indent=1)
