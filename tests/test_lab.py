"""`make lab` (the README's first command) starts JupyterLab for whoever runs it, root included."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read()


def start_lab(*make_args):
    if shutil.which("make") is None:
        pytest.fail("make is not installed; the README's commands need it")
    return subprocess.Popen(["make", "--no-print-directory", "lab", *make_args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)          # what Ctrl-C does in a terminal
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            pytest.fail("make lab did not stop within 20 s of Ctrl-C")


def test_make_lab_serves_the_lessons_and_prints_the_url_last():
    port = free_port()
    lab = start_lab(f"PORT={port}")
    lines = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = lab.stdout.readline()
            if not line:
                break
            lines.append(line.rstrip())
            if line.startswith("Press Ctrl-C"):
                break
        output = "\n".join(lines)
        assert lines and lines[-1].startswith("Press Ctrl-C"), f"make lab did not report a running server:\n{output}"
        urls = re.findall(rf"http://127\.0\.0\.1:{port}/lab\?token=(\w+)", output)
        assert len(urls) == 1, output
        token = urls[0]
        assert len(token) >= 32
        # The URL printed is the one that opens the lessons: JupyterLab's page, then the tree of notebooks.
        status, page = get(f"http://127.0.0.1:{port}/lab?token={token}")
        assert status == 200 and b"JupyterLab" in page
        status, body = get(f"http://127.0.0.1:{port}/api/contents?token={token}")
        names = {item["name"] for item in json.loads(body)["content"]}
        lessons = {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}
        assert lessons and lessons <= names
        # Without the token, nothing is served (the server is not open to anyone on the machine).
        with pytest.raises(urllib.error.HTTPError) as refused:
            get(f"http://127.0.0.1:{port}/api/contents")
        assert refused.value.code == 403
    finally:
        stop(lab)
    # Ctrl-C stops the server too: within a few seconds nothing answers on the port any more.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                break
        time.sleep(0.2)
    else:
        pytest.fail(f"JupyterLab still answers on port {port} 15 s after Ctrl-C")


def test_make_lab_on_a_busy_port_names_the_problem_and_the_fix():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        lab = start_lab(f"PORT={port}")
        try:
            output, _ = lab.communicate(timeout=60)
        finally:
            stop(lab)
    assert lab.returncode != 0
    assert f"port {port} is already in use" in output and f"make lab PORT={port + 1}" in output
