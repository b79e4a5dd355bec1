"""End to end in a real browser: JupyterLab on 127.0.0.1 serves the playground lesson, headless
Debian Chromium driven by Playwright runs all cells, raises the learning rate, presses step, and
checks that each change took effect in the kernel (a cell appended to the copy prints the kernel's
Playground state), that the figure changed, and that no error a learner would see appeared: a red
widget message, an error or stderr output in a cell, or an entry in JupyterLab's log console (where
exceptions raised in widget callbacks go).

Skipped when /usr/bin/chromium is missing, except under CI (CI=true), where it must run.
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
KERNEL_CHECK = ("_check = globals().get('_check', 0) + 1\n"
                "print(f'check {_check}: learning_rate={pg.optimizer.learning_rate:.6g} "
                "setting={pg.cfg[\"learning_rate\"]:.6g} epoch={pg.epoch}')")

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
    nb = nbformat.read(ROOT / "notebooks" / "07_playground.ipynb", as_version=4)
    # a last cell that prints what the kernel's Playground holds, with a counter to tell runs apart
    nb.cells.append(nbformat.v4.new_code_cell(KERNEL_CHECK))
    nbformat.write(nb, root / "playground.ipynb")
    port = free_port()
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(root / ".jupyter"), TF_CPP_MIN_LOG_LEVEL="2",
               TF_ENABLE_ONEDNN_OPTS="0", JUPYTER_PLATFORM_DIRS="1",
               # the kernel imports the dlteach of this tree (the one under test), not an installed copy
               PYTHONPATH=os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
    log = open(root / "server.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", f"--port={port}", "--ip=127.0.0.1",
         "--ServerApp.port_retries=0", "--IdentityProvider.token=", "--ServerApp.password=",
         "--ServerApp.disable_check_xsrf=True", f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True",
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


def settle(page):
    """Wait until the kernel is idle and the page has drawn what it sent (widget updates, log entries)."""
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
    page.wait_for_timeout(1500)


def learner_visible_errors(page) -> list[str]:
    """Every error a learner would see: error or stderr outputs in cells, red widget messages (the
    explorers' and the Playground's message area) and entries in JupyterLab's log console."""
    settle(page)
    found = []
    outputs = page.locator(".jp-Notebook .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'],"
                           " .jp-Notebook .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']")
    found += [f"cell output: {t}" for t in outputs.all_inner_texts()]
    red = page.locator(".jp-Notebook .widget-html [style*='b2182b'], .jp-Notebook .widget-html [style*='178, 24, 43']")
    found += [f"widget message: {t}" for t in red.all_inner_texts() if t.strip()]
    # an exception raised in a widget callback has no cell to go to: JupyterLab logs it here
    log = page.locator(".jp-LogConsolePanel .jp-OutputArea-output")
    found += [f"log console: {t}" for t in log.all_inner_texts() if t.strip()]
    return found


class KernelCheck:
    """Runs the cell appended to the notebook (Ctrl+Enter runs it in place) and parses what the
    kernel's Playground holds: {'learning_rate' (its optimizer's), 'setting' (pg.cfg), 'epoch'}."""

    def __init__(self, page):
        self.page, self.runs = page, 1  # Run All ran it once

    def output(self):
        return self.page.locator(".jp-Notebook .jp-CodeCell").last.locator(".jp-OutputArea-output")

    def read(self) -> dict:
        text = self.output().inner_text()
        fields = dict(item.split("=") for item in text.split(":", 1)[1].split())
        return {"learning_rate": float(fields["learning_rate"]), "setting": float(fields["setting"]),
                "epoch": int(fields["epoch"])}

    def run(self) -> dict:
        from playwright.sync_api import expect

        self.runs += 1
        self.page.locator(".jp-Notebook .jp-CodeCell").last.locator(".jp-InputArea-editor").click()
        self.page.keyboard.press("Control+Enter")
        expect(self.output()).to_contain_text(f"check {self.runs}:", timeout=30_000)
        return self.read()

    def until(self, condition, seconds=20) -> dict:
        """Run until `condition(state)` holds: slider changes reach the kernel throttled, possibly
        after the cell's own request. Returns the last state either way."""
        deadline = time.monotonic() + seconds
        state = self.run()
        while not condition(state) and time.monotonic() < deadline:
            self.page.wait_for_timeout(500)
            state = self.run()
        return state


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
            page.evaluate("() => window.jupyterapp.commands.execute('logconsole:open')")  # open, so readable
            expect(page.locator(".jp-LogConsolePanel")).to_be_attached(timeout=10_000)
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_text("Run All Cells", exact=True).click()
            step = page.get_by_role("button", name="step (10 epochs)")
            expect(step).to_be_visible(timeout=90_000)
            image = page.locator(".widget-image").last
            expect(image).to_be_visible(timeout=30_000)
            kernel = KernelCheck(page)
            expect(kernel.output()).to_contain_text("check 1:", timeout=90_000)  # Run All reached the end
            # the bold "epoch N" of the status line (notes and preset sentences mention epochs too)
            buttons = step.locator("xpath=ancestor::div[contains(@class, 'widget-hbox')][1]")
            status = buttons.locator(".widget-html b").filter(has_text=re.compile(r"^epoch \d+$")).first
            step.scroll_into_view_if_needed()  # JupyterLab may leave cells out of view unrendered
            expect(status).to_be_visible(timeout=30_000)
            epoch_before = int(status.text_content().split()[-1])
            assert kernel.read()["epoch"] == epoch_before
            assert learner_visible_errors(page) == []

            slider = page.locator(".widget-slider", has_text="learning rate")
            readout = slider.locator(".widget-readout")
            lr_before = readout.inner_text()
            handle = slider.locator(".noUi-handle")
            handle.focus()
            for _ in range(5):
                handle.press("ArrowRight")  # 10^0.1 per press: 0.0316 -> 0.1
            expect(readout).not_to_have_text(lr_before, timeout=10_000)
            lr_shown = float(readout.inner_text())
            assert lr_shown > float(lr_before)
            # the change took effect in the kernel: the setting, and the optimizer that trains
            changed = kernel.until(lambda k: k["setting"] == pytest.approx(lr_shown, rel=5e-3))
            assert changed["setting"] == pytest.approx(lr_shown, rel=5e-3), changed
            assert changed["learning_rate"] == changed["setting"], f"the optimizer kept its old rate: {changed}"
            assert changed["epoch"] == epoch_before
            assert learner_visible_errors(page) == []

            before = image.get_attribute("src")  # just before the step
            step.click()
            expect(status).to_have_text(f"epoch {epoch_before + 10}", timeout=30_000)
            after = image.get_attribute("src")
            assert after and after != before, "the Playground figure did not change after step"
            stepped = kernel.run()
            assert stepped == dict(changed, epoch=epoch_before + 10), stepped
            assert learner_visible_errors(page) == []  # the log console keeps every earlier entry
            page.screenshot(path=str(tmp_path / "playground.png"))
        except Exception:
            page.screenshot(path=str(ROOT / ".cache" / "browser-failure.png"))
            raise
        finally:
            browser.close()
