"""Start JupyterLab on the lessons and print the one URL to open (what `make lab` runs).

    python scripts/lab.py [--port N] [--ip ADDRESS] [--no-browser]

Works for any user, root included (JupyterLab refuses root without --allow-root), and without a
desktop (SSH, a container, a headless server): the server's own log goes to .cache/lab.log, and the
last thing printed is the address with its token. Ctrl-C stops the server, and so do closing the
terminal (SIGHUP) and kill or timeout (SIGTERM); on Linux the server also ends if this script is killed
outright (SIGKILL), so it never outlives the script holding its port, kernels and memory.
"""
from __future__ import annotations

import argparse
import ctypes
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
LOG = ROOT / ".cache" / "lab.log"
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def port_is_free(port: int, ip: str) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((ip if ip not in ("", "0.0.0.0") else "", port))
        except OSError:
            return False
    return True


def choose_port(requested: int | None, ip: str) -> int:
    """The requested port if free (else a clear error), or the first free one from 8888."""
    if requested is not None:
        if not 1 <= requested <= 65535:
            sys.exit(f"make lab: PORT must be from 1 to 65535, got {requested}.")
        if not port_is_free(requested, ip):
            sys.exit(f"make lab: port {requested} is already in use; choose another, e.g. make lab PORT={requested + 1}")
        return requested
    for port in range(8888, 8988):
        if port_is_free(port, ip):
            return port
    sys.exit("make lab: no free port between 8888 and 8987; choose one with make lab PORT=N")


class Stopped(BaseException):
    """Raised in the main thread by Ctrl-C (SIGINT), a closed terminal (SIGHUP) or kill/timeout (SIGTERM)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


class StopSignals:
    """SIGINT, SIGHUP and SIGTERM raise Stopped, once, and only while armed (i.e. while the server is
    known): one that arrives while Popen starts the server is kept and raised by arm(), so the server is
    never left behind unknown; after disarm() (the cleanup) further signals are only ignored."""

    NAMES = ("SIGINT", "SIGHUP", "SIGTERM")

    def __init__(self):
        self.received: int | None = None
        self.armed = False
        for name in self.NAMES:
            signum = getattr(signal, name, None)
            # An ignored signal stays ignored: `nohup make lab &` outlives its terminal, as nohup promises.
            if signum is not None and signal.getsignal(signum) is not signal.SIG_IGN:
                signal.signal(signum, self._handle)

    def _handle(self, signum, frame):
        if self.received is None:
            self.received = signum
        if self.armed:
            self.armed = False
            raise Stopped(signum)

    def arm(self):
        self.armed = True
        if self.received is not None:
            self.armed = False
            raise Stopped(self.received)

    def disarm(self):
        self.armed = False


def dies_with_this_script():
    """Popen's preexec_fn on Linux: the server gets SIGTERM (and stops cleanly, kernels included) when this
    script ends in any way, even by SIGKILL (prctl PR_SET_PDEATHSIG). None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def setup():  # in the child, between fork and exec
        # Until exec this is still a copy of this script, whose handler would only note a SIGTERM.
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        prctl(PR_SET_PDEATHSIG, ctypes.c_ulong(signal.SIGTERM), ctypes.c_ulong(0), ctypes.c_ulong(0),
              ctypes.c_ulong(0))
        if os.getppid() != parent:  # the script died before prctl took effect
            os._exit(1)

    return setup


def stop_server(server: subprocess.Popen) -> None:
    """SIGTERM, which JupyterLab takes as "stop": it frees the port, shuts its kernels down and exits.
    A server still there after 10 s is killed; its kernels notice (they poll their parent) and exit."""
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def has_desktop() -> bool:
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def server_answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=None, help="port (default: first free from 8888)")
    parser.add_argument("--ip", default="127.0.0.1", help="address to listen on (0.0.0.0 for every interface)")
    parser.add_argument("--no-browser", action="store_true", help="do not try to open a browser")
    args = parser.parse_args(argv)

    port = choose_port(args.port, args.ip)
    token = secrets.token_hex(24)
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    # A browser started by root refuses to run without --no-sandbox; on SSH there is none to start.
    open_browser = has_desktop() and not is_root and not args.no_browser
    command = [sys.executable, "-m", "jupyter", "lab",
               f"--ServerApp.root_dir={NOTEBOOKS}", f"--ServerApp.ip={args.ip}", f"--ServerApp.port={port}",
               "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
               f"--ServerApp.open_browser={open_browser}"]
    if is_root:
        command.append("--allow-root")

    LOG.parent.mkdir(parents=True, exist_ok=True)
    host = "127.0.0.1" if args.ip in ("", "0.0.0.0", "127.0.0.1", "localhost") else args.ip
    url = f"http://{host}:{port}/lab?token={token}"
    print(f"Starting JupyterLab on {NOTEBOOKS} (server log: {LOG.relative_to(ROOT)}) ...", flush=True)
    with open(LOG, "w") as log:
        # Own session and no stdin: Ctrl-C and a closed terminal reach this script only, which then stops
        # the server cleanly (JupyterLab would otherwise ask "Shutdown this Jupyter server (y/[n])?" unseen).
        signals = StopSignals()
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                  cwd=NOTEBOOKS, start_new_session=True, preexec_fn=dies_with_this_script())
        try:
            signals.arm()
            deadline = time.monotonic() + 120
            while not server_answers(f"http://{host}:{port}/api/status?token={token}"):
                if server.poll() is not None or time.monotonic() > deadline:
                    stop_server(server)
                    print(LOG.read_text()[-3000:], file=sys.stderr)
                    print(f"make lab: JupyterLab did not start (log above, full log in {LOG}).", file=sys.stderr)
                    return 1
                time.sleep(0.2)
            if args.ip == "0.0.0.0":
                print("Listening on every interface: use this machine's address instead of 127.0.0.1.")
            print(f"\nJupyterLab is running. Open the lessons at\n\n    {url}\n\n"
                  f"(on a remote machine: ssh -L {port}:127.0.0.1:{port} you@machine, then open that URL here).\n"
                  "Press Ctrl-C to stop.", flush=True)
            return server.wait()
        except Stopped as stop:
            # Ctrl-C is the ordinary way to stop; the others exit as "terminated by that signal".
            return 0 if stop.signum == signal.SIGINT else 128 + stop.signum
        finally:
            signals.disarm()
            stop_server(server)


if __name__ == "__main__":
    sys.exit(main())
