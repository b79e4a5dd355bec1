"""End to end in a real browser: JupyterLab on 127.0.0.1 serves the playground lesson, headless
Debian Chromium driven by Playwright runs all cells, raises the learning rate, presses step, and
checks that the figure changed and that no error appeared.

Skipped when /usr/bin/chromium is missing, except under CI (CI=true), where it must run.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"

pytestmark = pytest.mark.browser

if not Path(CHROMIUM).exists():
    if os.environ.get("CI") == "true":
        raise RuntimeError("CI must run the browser test, but /usr/bin/chromium is missing (make browser installs it).")
    pytest.skip("Debian's chromium is not installed (run `make browser` as root)", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    shutil.copy(ROOT / "notebooks" / "07_playground.ipynb", root / "playground.ipynb")
    port = free_port()
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(root / ".jupyter"), TF_CPP_MIN_LOG_LEVEL="2",
               TF_ENABLE_ONEDNN_OPTS="0", JUPYTER_PLATFORM_DIRS="1")
    log = open(root / "server.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", f"--port={port}", "--ip=127.0.0.1",
         "--ServerApp.port_retries=0", "--IdentityProvider.token=", "--ServerApp.password=",
         "--ServerApp.disable_check_xsrf=True", f"--ServerApp.root_dir={root}",
         "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(url + "/api", timeout=1)
            break
        except OSError:
            if server.poll() is not None:
                pytest.fail("JupyterLab exited: " + (root / "server.log").read_text()[-2000:])
            time.sleep(0.25)
    else:
        pytest.fail("JupyterLab did not start in 30 s")
    yield url
    os.killpg(server.pid, signal.SIGTERM)  # the server and the kernels it started
    try:
        server.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
    log.close()


def test_playground_in_jupyterlab(lab, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"])
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        try:
            page.add_locator_handler(page.get_by_text("Select Kernel", exact=True),
                                     lambda: page.get_by_role("button", name="Select", exact=True).click())
            page.goto(f"{lab}/lab/tree/playground.ipynb")
            page.wait_for_selector(".jp-Notebook", timeout=60_000)
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
            # the indicator says idle while the kernel is still connecting: wait for the status bar too
            expect(page.get_by_text("| Idle")).to_be_visible(timeout=60_000)
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_text("Run All Cells", exact=True).click()
            step = page.get_by_role("button", name="step (10 epochs)")
            expect(step).to_be_visible(timeout=90_000)
            image = page.locator(".widget-image").last
            expect(image).to_be_visible(timeout=30_000)
            before = image.get_attribute("src")
            status = page.locator(".widget-html", has_text="epoch").last
            epoch_before = int(status.inner_text().split()[-1])

            slider = page.locator(".widget-slider", has_text="learning rate")
            readout = slider.locator(".widget-readout")
            lr_before = readout.inner_text()
            handle = slider.locator(".noUi-handle")
            handle.focus()
            for _ in range(5):
                handle.press("ArrowRight")  # 10^0.1 per press: 0.0316 -> 0.1
            expect(readout).not_to_have_text(lr_before, timeout=10_000)
            assert float(readout.inner_text()) > float(lr_before)
            step.click()
            expect(status).to_have_text(f"epoch {epoch_before + 10}", timeout=30_000)
            after = image.get_attribute("src")
            assert after and after != before, "the Playground figure did not change after step"
            errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'],"
                                  " .jp-RenderedText[data-mime-type='application/vnd.jupyter.error']")
            assert errors.count() == 0, errors.first.inner_text()
            page.screenshot(path=str(tmp_path / "playground.png"))
        except Exception:
            page.screenshot(path=str(ROOT / ".cache" / "browser-failure.png"))
            raise
        finally:
            browser.close()
