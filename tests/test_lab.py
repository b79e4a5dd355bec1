"""`make lab` (the README's first command) starts JupyterLab for whoever runs it, root included, and
whatever ends it (Ctrl-C, a closed terminal, kill, timeout, the script killed outright) ends the server too."""
import json
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

import psutil
import pytest
from jupyter_client import BlockingKernelClient

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
                            stderr=subprocess.STDOUT, text=True, start_new_session=True, preexec_fn=as_in_a_terminal)


def as_in_a_terminal():
    """Ctrl-C and a closed terminal do what they do in a terminal, whoever started the tests: a run started with
    `nohup ... &` passes SIGHUP and SIGINT on ignored (nohup; a non-interactive shell's background job), and the
    ignored dispositions are inherited through make into the server, which then outlived both endings."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)


# How long an ending may take (a few seconds; the times are printed).
LIMIT = 20


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)          # what Ctrl-C does in a terminal
        try:
            process.wait(timeout=LIMIT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            pytest.fail(f"make lab did not stop within {LIMIT} s of Ctrl-C")


def read_until_running(lab) -> list[str]:
    """make lab's lines up to its last one, "Press Ctrl-C to stop." (or until it ends without it)."""
    lines = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = lab.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip())
        if line.startswith("Press Ctrl-C"):
            break
    return lines


def test_make_lab_serves_the_lessons_and_prints_the_url_last():
    port = free_port()
    lab = start_lab(f"PORT={port}")
    try:
        lines = read_until_running(lab)
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
    deadline = time.monotonic() + LIMIT
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                break
        time.sleep(0.2)
    else:
        pytest.fail(f"JupyterLab still answers on port {port} {LIMIT} s after Ctrl-C")


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


def port_answers(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def alive(processes) -> list:
    """Those still running; a zombie (ended, not yet reaped by an init that may never reap) holds nothing."""
    left = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                left.append(process)
        except psutil.NoSuchProcess:
            pass
    return left


def command_line(process):
    """The process's command line, or [] for one that has ended (a zombie or gone) since it was listed."""
    try:
        return process.cmdline()
    except (psutil.ZombieProcess, psutil.NoSuchProcess):
        return []


# How `make lab` ends: Ctrl-C and a closed terminal signal the terminal's foreground process group (make
# and scripts/lab.py); kill and timeout send SIGTERM (timeout to the group, and make passes SIGTERM on to
# scripts/lab.py, so it arrives twice); `kill -9` or the OOM killer end scripts/lab.py with no chance to
# clean up.
ENDINGS = {"ctrl-c": (signal.SIGINT, "group"), "terminal-closed": (signal.SIGHUP, "group"),
           "kill": (signal.SIGTERM, "group"), "kill-9": (signal.SIGKILL, "script")}


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="POSIX signals")
@pytest.mark.parametrize("ending", ENDINGS)
def test_whatever_ends_make_lab_ends_its_server_and_kernels(ending):
    signum, target = ENDINGS[ending]
    if signum == signal.SIGKILL and not sys.platform.startswith("linux"):
        pytest.skip("the server follows a killed script through prctl(PR_SET_PDEATHSIG), which is Linux's")
    port = free_port()
    lab = start_lab(f"PORT={port}")
    processes = []
    try:
        lines = read_until_running(lab)
        assert lines and lines[-1].startswith("Press Ctrl-C"), "\n".join(lines)
        token = re.findall(rf"http://127\.0\.0\.1:{port}/lab\?token=(\w+)", "\n".join(lines))[0]
        api = f"http://127.0.0.1:{port}/api/kernels"
        request = urllib.request.Request(f"{api}?token={token}", data=b'{"name": "python3"}', method="POST")
        with urllib.request.urlopen(request, timeout=30) as response:
            kernel_id = json.loads(response.read())["id"]
        make = psutil.Process(lab.pid)
        # make, scripts/lab.py, the server, the kernel; and perhaps a short-lived helper the server ran, already
        # ended (a zombie, whose command line cannot be read) or gone: those are left out.
        processes = [p for p in [make, *make.children(recursive=True)] if command_line(p)]
        script = next(p for p in processes if "scripts/lab.py" in " ".join(command_line(p)))
        server = next(p for p in processes if f"--IdentityProvider.token={token}" in command_line(p))
        kernels = [p for p in processes if any(f"kernel-{kernel_id}.json" in arg for arg in command_line(p))]
        assert len(kernels) == 1 and kernels[0] in server.children(), [command_line(p) for p in processes]
        # A kernel that answers, not one still importing (the server reports "starting" until a page connects).
        connection_file = next(arg for arg in kernels[0].cmdline() if arg.endswith(f"kernel-{kernel_id}.json"))
        client = BlockingKernelClient(connection_file=connection_file)
        client.load_connection_file()
        client.start_channels(hb=False)   # a heartbeat missed on a busy machine is no death
        try:
            client.wait_for_ready(timeout=60)
        finally:
            client.stop_channels()

        sent = time.monotonic()
        if target == "group":
            os.killpg(lab.pid, signum)
        else:
            script.send_signal(signum)
        while port_answers(port) and time.monotonic() < sent + LIMIT:
            time.sleep(0.02)
        port_freed = time.monotonic() - sent
        while alive(processes) and time.monotonic() < sent + LIMIT + 10:
            time.sleep(0.02)
        all_gone = time.monotonic() - sent
        left = alive(processes)
        print(f"\n{ending} ({signal.Signals(signum).name} to the {target}): port free after {port_freed:.2f} s, "
              f"make, scripts/lab.py, server and kernel gone after {all_gone:.2f} s")
        assert not port_answers(port), f"JupyterLab still answers on port {port} {LIMIT} s after {ending}"
        assert not left, f"still running {LIMIT + 10} s after {ending}: {[command_line(p) for p in left]}"
        lab.wait(timeout=5)
    finally:
        if lab.poll() is None:
            os.killpg(lab.pid, signal.SIGKILL)
            lab.wait()
        for process in alive(processes):   # a server left behind (the failure) must not outlive the test
            process.kill()
