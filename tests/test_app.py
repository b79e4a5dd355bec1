"""`make app`: the explorers as standalone Voila pages. Headless Chromium opens the index, follows the
link to the Playground, moves the noise slider and sees the picture change, with no error on the page.

Skipped when /usr/bin/chromium is missing, except under CI (CI=true), where it must run.
"""
import re

import pytest

from browser_support import ROOT, chromium_page, free_port, require_chromium, serving

pytestmark = pytest.mark.browser
require_chromium()


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    port = free_port()
    log_path = tmp_path_factory.mktemp("app") / "voila.log"
    with serving(["make", "--no-print-directory", "app", f"APP_PORT={port}"], f"http://127.0.0.1:{port}", "/",
                 log_path, timeout=90, cwd=ROOT) as url:
        yield url


def test_index_lists_every_explorer_page():
    apps = {p.stem for p in (ROOT / "apps").glob("*.ipynb")} - {"index"}
    index = (ROOT / "apps" / "index.ipynb").read_text()
    assert "playground" in apps and len(apps) >= 13
    assert {name for name in apps if f"({name}.ipynb)" in index} == apps


def test_playground_app_answers_a_slider(app):
    page_errors = []
    with chromium_page() as page:
        page.on("pageerror", lambda err: page_errors.append(str(err)))
        page.goto(app + "/voila/render/index.ipynb")
        page.get_by_role("link", name="The Playground").click()
        page.wait_for_url(re.compile(r".*/playground\.ipynb$"))
        image = page.locator(".widget-image").first
        image.wait_for(state="visible", timeout=120_000)
        page.wait_for_function("() => { const i = document.querySelector('.widget-image');"
                               " return i && i.naturalWidth > 0; }", timeout=60_000)
        assert page.locator("text=import dlteach").count() == 0, "Voila must not show the code"
        before = image.get_attribute("src")
        noise = page.locator(".widget-slider", has=page.locator(".widget-label", has_text="noise"))
        noise.locator(".noUi-handle").first.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("before => document.querySelector('.widget-image').src !== before", arg=before,
                               timeout=30_000)
        page.wait_for_timeout(500)
        page.screenshot(path=str(ROOT / ".cache" / "app_playground.png"))
        text = page.inner_text("body")
        for bad in ("Traceback", "Error", "There was an error"):
            assert bad not in text, f"{bad!r} on the page:\n{text[-1500:]}"
        assert page.locator("[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
        assert page_errors == []
