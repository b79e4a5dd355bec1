"""Every explorer for a keyboard and a screen reader, in JupyterLab in headless Chromium at 1366x768
(issue 28). One notebook builds every explorer (scripts/make_apps.py's table) and is run once; then:

1. axe-core (the copy bundled by the PyPI package axe-playwright-python: no network at test time) over
   each explorer's output: no critical and no serious violation. Counts per explorer and rule land in
   .cache/access/axe.json.
2. keys only: each control is focused and changed by its keys (sliders: arrows, Home/End/PageUp;
   menus: arrows and letters; buttons and toggles: Enter/Space), and the notebook's command-mode
   letters (x, a, b, m, d d) are pressed inside the explorer: the notebook must keep every cell, the
   control must change, and the explorer's picture must have changed by the end. Report in
   .cache/access/keys.json; screenshots in .cache/access/.
"""
import json
import re
from pathlib import Path

import nbformat
import pytest

from browser_support import (EXPLORERS, PROJECTOR, ROOT, chromium_page, explorers_notebook, jupyterlab,
                             require_chromium, run_all_cells)

pytestmark = pytest.mark.browser
require_chromium()

axe_playwright_python = pytest.importorskip("axe_playwright_python")  # the `test` extra installs it
AXE_JS = Path(axe_playwright_python.__file__).with_name("axe.min.js")

OUT = ROOT / ".cache" / "access"

CELLS = "() => document.querySelectorAll('.jp-Notebook .jp-Cell').length"
PICTURE = "(box) => [...box.querySelectorAll('img')].map(i => i.src.length + ':' + i.src.slice(-80)).join('|')"
AXE_RUN = """async (box) => {
  const r = await axe.run(box, {resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,
                                 where: v.nodes.slice(0, 3).map(n => n.html.slice(0, 160))}));
}"""

# One entry per control, in page order: [kind, css selector of its focusable element, index among them].
CONTROLS = """(box) => {
  const found = [];
  const add = (kind, sel) => box.querySelectorAll(sel).forEach((el, i) => found.push([kind, sel, i]));
  add('slider', '.widget-slider .noUi-handle, .widget-slider input[type=range]');
  add('menu', '.widget-dropdown select');
  add('toggle', '.widget-toggle-buttons .widget-toggle-button');
  // separate toggles last first: the features x1, x2 are on, the rest off; x2 turned off first would leave one
  const single = '.widget-toggle-button:not(.widget-toggle-buttons *)';
  [...box.querySelectorAll(single)].forEach((el, i) => found.push(['toggle', single, i]));
  found.splice(found.length - box.querySelectorAll(single).length, Infinity,
               ...found.slice(found.length - box.querySelectorAll(single).length).reverse());
  add('upload', '.widget-upload');
  add('multiple', '.widget-select-multiple select');
  add('checkbox', '.widget-checkbox input');
  add('button', 'button.widget-button:not(.widget-toggle-button):not(.widget-upload), .widget-play button, '
                + 'button.dlteach-clear');
  return found;
}"""

# What a control shows now (its readout, its chosen option, which toggle is on, whether it is pressed).
STATE = """(el) => {
  const w = el.closest('.widget-slider, .widget-dropdown, .widget-toggle-buttons, .widget-select-multiple, '
                       + '.widget-checkbox, .widget-play') || el;
  const readout = w.querySelector('.widget-readout');
  const select = w.querySelector('select');
  return [readout ? readout.textContent : '', el.getAttribute('aria-valuenow') || '',
          select ? [...select.selectedOptions].map(o => o.value).join(',') : '',
          [...w.querySelectorAll('.mod-active')].map(b => b.textContent).join(','),
          el.checked === undefined ? '' : String(el.checked), el.classList.contains('mod-active')].join('#');
}"""


# What a screen reader hears from each slider and the figure: [label, valuenow, valuetext, readout] per
# slider handle, and the figure's alt text.
HEARD = """(box) => ({
  sliders: [...box.querySelectorAll('[role=slider]')].map(h => {
    const w = h.closest('.widget-slider');
    return [h.getAttribute('aria-label'), h.getAttribute('aria-valuenow'), h.getAttribute('aria-valuetext'),
            w && w.querySelector('.widget-readout') ? w.querySelector('.widget-readout').textContent : null];
  }),
  alt: (box.querySelector('img.dlteach-figure, .dlteach-figure img') || {}).alt || ''})"""


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    """JupyterLab with every explorer built (Run All), at 1366x768 with the file browser open, axe-core loaded."""
    folder = tmp_path_factory.mktemp("access")
    explorers_notebook(folder)
    OUT.mkdir(parents=True, exist_ok=True)
    with jupyterlab(folder) as url, chromium_page() as page:
        run_all_cells(page, url, "explorers.ipynb", timeout_ms=240_000)
        if not page.locator(".jp-DirListing").is_visible():
            page.keyboard.press("Control+Shift+F")
        page.wait_for_timeout(1000)
        page.add_script_tag(content=AXE_JS.read_text())
        yield page


def boxes(page):
    outputs = page.locator(".jp-Cell .jp-OutputArea-output")
    assert outputs.count() == len(EXPLORERS), f"{outputs.count()} outputs for {len(EXPLORERS)} explorers"
    return {name: outputs.nth(i) for i, (name, _) in enumerate(EXPLORERS)}


def idle(page):
    """The kernel has answered every key so far (what a key changes on screen, readout or selection, is
    immediate; the kernel's picture is checked once per explorer, after the last idle)."""
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
    page.wait_for_timeout(40)  # a message still in flight has turned the indicator busy by then


def test_axe_finds_no_critical_or_serious_violation(page):
    report, bad = {}, {}
    for name, box in boxes(page).items():
        box.scroll_into_view_if_needed()
        violations = box.evaluate(AXE_RUN)
        counts = {}
        for v in violations:
            counts[v["impact"]] = counts.get(v["impact"], 0) + v["nodes"]
        heard = box.evaluate(HEARD)
        report[name] = {"counts": counts, "violations": violations, "heard": heard}
        worst = [v for v in violations if v["impact"] in ("critical", "serious")]
        # each slider announces its label and the readout's text (not a log slider's exponent)
        worst += [f"slider {label!r} says {text!r}, its readout {shown!r}" for label, _, text, shown in heard["sliders"]
                  if not label or shown is not None and text != shown]
        # one number format: what the kernel writes (menu labels, alt text) reads like the browser's readouts,
        # "0.03" and "0.9", never d3's "0.0300" or "0.900"
        worst += [f"slider {label!r} reads {shown!r}: trailing zeros" for label, _, _, shown in heard["sliders"]
                  if shown and re.fullmatch(r"-?\d*\.\d*0(e[+-]\d+)?", shown)]
        if not heard["alt"].startswith(dict(EXPLORERS)[name]):
            worst.append(f"the figure's alt text is {heard['alt']!r}")
        if worst:
            bad[name] = worst
    (OUT / "axe.json").write_text(json.dumps(report, indent=1))
    print("\naxe (critical/serious per explorer): " + "; ".join(
        f"{n} {r['counts'].get('critical', 0)}/{r['counts'].get('serious', 0)}" for n, r in report.items()))
    assert not bad, json.dumps(bad, indent=1)


# Each explorer's figure: its PNG's natural size, the size it is drawn at (CSS px), the room beside it.
SIZES = """(box) => { const img = box.querySelector('img.dlteach-figure, .dlteach-figure img');
  const r = img.getBoundingClientRect(), box_ = img.parentElement, room = box_.getBoundingClientRect();
  return {natural: img.naturalWidth, shown: r.width, room: room.width, ratio: devicePixelRatio,
          overflow: box_.scrollWidth - box_.clientWidth}; }"""


def test_every_figure_is_drawn_at_its_natural_size_unless_too_wide(page):
    """A figure stretched to its box's width was blurred (810 px drawn at 930, x1.15; 630 at 930, x1.48): each
    is shown at natural size / devicePixelRatio (1 here), or scaled down to the room there is, never up."""
    sizes = {name: box.evaluate(SIZES) for name, box in boxes(page).items()}
    (OUT / "sizes.json").write_text(json.dumps(sizes, indent=1))
    wrong = {name: s for name, s in sizes.items()
             if s["shown"] > s["natural"] / s["ratio"] + 0.5
             or abs(s["shown"] - min(s["natural"] / s["ratio"], s["room"] - 4)) > 1  # its margins: 2 x 2 px
             or s["overflow"] > 0}  # scaled down inside its box, not past it (a scroll bar)
    assert not wrong, json.dumps(wrong, indent=1)
    assert any(s["shown"] == s["natural"] for s in sizes.values())  # the test can tell natural from stretched


def keys_for(kind: str, first: bool) -> list[list[str]]:
    """Key sequences that change a control of this kind (each tried until the control changes), then the
    notebook's command-mode letters, which must do nothing to the notebook inside an explorer."""
    change = {"slider": [["ArrowRight"], ["ArrowLeft"]] + ([["End"], ["Home"], ["PageUp"]] if first else []),
              "menu": [["ArrowDown"], ["ArrowUp"], ["x"]],
              "multiple": [["ArrowDown"], ["ArrowUp"]],
              "toggle": [["Enter"], ["Space"]],
              "checkbox": [["Space"]],
              "upload": [],
              "button": [["Enter"]]}[kind]
    return change


SHORTCUTS = [["x"], ["a"], ["b"], ["m"], ["d", "d"], ["z"]]  # cut, insert above/below, to markdown, delete, undo


def test_every_explorer_works_by_keys_alone(page):
    report, problems = {}, {}
    try:
        for name, box in boxes(page).items():
            try:
                report[name] = drive_by_keys(page, name, box, problems)
            except Exception as err:  # noqa: BLE001 (a wrecked notebook is a finding; the others still run)
                problems.setdefault(name, []).append(f"{type(err).__name__}: {str(err)[:200]}")
            cells = page.evaluate(CELLS)
            if cells != len(EXPLORERS) + 1:
                problems.setdefault(name, []).append(f"the notebook has {cells} cells, not {len(EXPLORERS) + 1}")
                break
    finally:
        page.screenshot(path=str(OUT / "notebook.png"))
        (OUT / "keys.json").write_text(json.dumps({"problems": problems, "done": report}, indent=1))
    assert not problems, json.dumps(problems, indent=1)


def drive_by_keys(page, name, box, problems) -> list[str]:
    """Change every control of one explorer by keys, and press the notebook's letters in each."""
    cells = page.evaluate(CELLS)
    box.scroll_into_view_if_needed()
    idle(page)
    picture = box.evaluate(PICTURE)
    done, first_slider = [], True
    headers = box.locator(".jupyter-widget-Collapse-header")
    for i in range(headers.count()):  # a collapsed group ("more settings"): opened by Enter, its controls driven
        header = headers.nth(i)
        header.focus()
        page.keyboard.press("Enter")
        page.wait_for_timeout(300)
        opened = header.get_attribute("aria-expanded") == "true"
        done.append(f"group '{header.inner_text()[:30]}': {'opened' if opened else 'NOT opened'} by Enter")
        if not opened:
            problems.setdefault(name, []).append(f"group '{header.inner_text()}': Enter did not open it")
    for kind, selector, index in box.evaluate(CONTROLS):
        el = box.locator(selector).nth(index)
        if not el.is_visible() or (kind != "slider" and el.is_disabled()):
            continue
        label = el.evaluate("e => e.getAttribute('aria-label') || e.title || e.textContent || ''").strip()
        if kind == "button" and label in ("Keras code",):
            continue
        el.focus()
        before = el.evaluate(STATE)
        changed = kind == "button"  # a button's effect is on the figure, checked below
        if kind == "upload":  # Enter or Space opens the file chooser
            for key in ("Enter", "Space"):
                el.focus()
                try:
                    with page.expect_file_chooser(timeout=5000):
                        page.keyboard.press(key)
                    changed = key
                    break
                except Exception:  # noqa: BLE001 (no chooser: the next key, then recorded below)
                    changed = False
        for seq in keys_for(kind, first_slider and kind == "slider"):
            for key in seq:
                page.keyboard.press(key)
            idle(page)
            if not el.is_visible():
                break
            if el.evaluate(STATE) != before:
                changed = True
                if kind != "slider" or not first_slider:  # an explorer's first slider tries End, Home, PageUp too
                    break
        if kind == "button" and label == "play":  # playing: pause it by keys too
            page.wait_for_timeout(1000)
            box.locator(".widget-play button[aria-label=pause]").focus()
            page.keyboard.press("Enter")
            idle(page)
        first_slider = first_slider and kind != "slider"
        if el.is_visible():
            el.focus()
            for seq in SHORTCUTS:
                for key in seq:
                    page.keyboard.press(key)
            idle(page)
        now = page.evaluate(CELLS)
        done.append(f"{kind} '{label[:30]}': {'NOT changed' if not changed else 'changed'}"
                    f"{' by ' + changed if isinstance(changed, str) else ''}, {now} cells")
        if now != cells:
            problems.setdefault(name, []).append(f"{kind} '{label}': the notebook went from {cells} to {now} cells")
            cells = now
        if not changed:
            problems.setdefault(name, []).append(f"{kind} '{label}': its keys did not change it")
    idle(page)
    if name != "draw" and box.evaluate(PICTURE) == picture:
        problems.setdefault(name, []).append("the picture did not change")
    box.screenshot(path=str(OUT / f"{name}-keys.png"))
    return done


def test_notebook_7_slider_takes_arrow_keys(tmp_path, page):
    """Notebook 7 (jupyter/notebook #7716: arrows did not move sliders): one explorer, its first slider by keys
    (in a second tab of the JupyterLab test's browser: Playwright's sync API runs one at a time)."""
    import os
    import sys

    from browser_support import free_port, serving

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import dlteach as dt\ndt.widgets.NeuronExplorer().widget()")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "one.ipynb")
    port = free_port()
    command = [sys.executable, "-m", "notebook", "--no-browser", "--allow-root", f"--port={port}", "--ip=127.0.0.1",
               "--ServerApp.port_retries=0", "--IdentityProvider.token=", "--ServerApp.password=",
               "--ServerApp.disable_check_xsrf=True", f"--ServerApp.root_dir={tmp_path}"]
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path / ".jupyter"), JUPYTER_PLATFORM_DIRS="1")
    lab, page = page, page.context.browser.new_page(viewport=PROJECTOR)
    with serving(command, f"http://127.0.0.1:{port}", "/api", tmp_path / "server.log", env=env) as url:
        page.goto(f"{url}/notebooks/one.ipynb")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
        page.wait_for_timeout(1000)  # the kernel connects after the indicator shows
        page.locator(".jp-Cell").first.click()
        page.keyboard.press("Shift+Enter")
        handle = page.locator(".widget-slider .noUi-handle").first
        handle.wait_for(timeout=120_000)
        readout = page.locator(".widget-slider .widget-readout").first
        cells, before = page.evaluate(CELLS), readout.inner_text()
        picture = page.locator(".jp-OutputArea-output").first.evaluate(PICTURE)
        handle.focus()
        for key in ("ArrowRight", "ArrowRight", "x", "a", "b"):
            page.keyboard.press(key)
        page.wait_for_timeout(1500)
        idle(page)
        page.screenshot(path=str(OUT / "notebook7.png"))
        assert readout.inner_text() != before, "the arrow keys did not move the slider"
        assert page.evaluate(CELLS) == cells
        assert handle.get_attribute("aria-valuetext") == readout.inner_text()
        assert page.locator(".jp-OutputArea-output").first.evaluate(PICTURE) != picture
    page.close()
    lab.bring_to_front()
