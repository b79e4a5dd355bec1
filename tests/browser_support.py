"""Shared by the end-to-end tests: a JupyterLab server on a free local port, headless Debian Chromium.

Chromium is Debian's (/usr/bin/chromium, installed by `make browser`), driven by Playwright without
`playwright install`. Without it the browser tests skip, except under CI (CI=true), where they fail.
"""
from __future__ import annotations

import contextlib
import os
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
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
PROJECTOR = {"width": 1366, "height": 768}  # a common laptop and classroom projector


def _explorer_table():
    """(app name, explorer class name) of every explorer: scripts/make_apps.py's table, which the app is built from."""
    import importlib.util  # noqa: PLC0415

    spec = importlib.util.spec_from_file_location("make_apps", ROOT / "scripts" / "make_apps.py")
    make_apps = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_apps)
    return [(name, explorer) for name, explorer, _, _ in make_apps.APPS]


EXPLORERS = _explorer_table()


def explorers_notebook(folder: Path) -> None:
    """folder/explorers.ipynb: one cell that imports dlteach, then one cell per explorer showing its widget."""
    import nbformat  # noqa: PLC0415

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import dlteach as dt")]
    nb.cells += [nbformat.v4.new_code_cell(f"dt.widgets.{explorer}().widget()") for _, explorer in EXPLORERS]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nbformat.write(nb, folder / "explorers.ipynb")


def require_chromium() -> None:
    """Skip the calling module without Chromium, but fail under CI, where the browser tests must run."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            raise RuntimeError("CI must run the browser tests, but /usr/bin/chromium is missing "
                               "(make browser installs it).")
        pytest.skip("Debian's chromium is not installed (run `make browser` as root)", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def jupyterlab(root: Path):
    """Serve `root` with JupyterLab on 127.0.0.1 (no token: only this machine's tests talk to it)."""
    port = free_port()
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(root / ".jupyter"), JUPYTER_PLATFORM_DIRS="1")
    # JupyterLab 4 renders only the cells in view ("windowing"); render all so tests can read every output.
    settings = root / ".lab-settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    news = root / ".lab-settings" / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True, exist_ok=True)
    (news / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')  # no news toast
    log_path = root / "server.log"
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", f"--port={port}", "--ip=127.0.0.1",
               "--ServerApp.port_retries=0", "--IdentityProvider.token=", "--ServerApp.password=",
               "--ServerApp.disable_check_xsrf=True", f"--ServerApp.root_dir={root}",
               f"--LabApp.user_settings_dir={root / '.lab-settings'}", "--LabApp.news_url=",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    with serving(command, f"http://127.0.0.1:{port}", "/api", log_path, env=env) as url:
        yield url


@contextlib.contextmanager
def serving(command, url: str, probe: str, log_path: Path, timeout: float = 60, **popen):
    """Run a server command in its own process group (its log in log_path), wait until url + probe
    answers, yield url, and stop the server and everything it started."""
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, **popen)
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    urllib.request.urlopen(url + probe, timeout=2)
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        pytest.fail(f"{command[0]} ... did not serve: " + log_path.read_text()[-2000:])
                    time.sleep(0.25)
            yield url
        finally:
            os.killpg(server.pid, signal.SIGTERM)  # the server and the kernels it started
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)


@contextlib.contextmanager
def chromium_page(viewport=PROJECTOR, scale: float = 1):
    """A page of headless Chromium; `scale`: its device pixel ratio (2: a HiDPI laptop)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=viewport, device_scale_factor=scale)
            page.add_locator_handler(page.get_by_text("Select Kernel", exact=True),
                                     lambda: page.get_by_role("button", name="Select", exact=True).click())
            yield page
        finally:
            browser.close()


def run_all_cells(page, url: str, notebook: str, timeout_ms: int = 120_000) -> None:
    """Open a notebook in JupyterLab, wait for its kernel, Run All, and wait until the kernel is idle."""
    from playwright.sync_api import expect

    page.goto(f"{url}/lab/tree/{notebook}")
    page.wait_for_selector(".jp-Notebook", timeout=60_000)
    # the indicator says idle while the kernel is still connecting: wait for the status bar too
    expect(page.get_by_text("| Idle")).to_be_visible(timeout=60_000)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_text("Run All Cells", exact=True).click()
    # Done when no cell waits or runs ("[*]") and the kernel is idle (it is idle for a moment between cells).
    page.wait_for_function("() => [...document.querySelectorAll('.jp-InputPrompt')]"
                           ".every(p => !p.textContent.includes('*'))", timeout=timeout_ms)
    expect(page.get_by_text("| Idle")).to_be_visible(timeout=timeout_ms)
