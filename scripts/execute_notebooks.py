"""Execute lessons top to bottom in a fresh kernel of THIS Python environment.

    python scripts/execute_notebooks.py [--check] [--jobs N] [--results FILE.json] [notebooks/07_playground.ipynb ...]

Without paths: every lesson, the translated ones too (notebooks/zh_CN/*.ipynb).

Without --check each lesson is stored back with its outputs (what `make notebooks` runs). Widget state
(metadata.widgets, tens of KB, not compared by nbval) is stripped afterwards; store_widget_state=False is
not used because it crashes nbclient 0.11 on interactive cells.

With --check nothing is written: a lesson fails if a cell raises or anything reaches stderr (a red box in
class, and a zero in nbgrader). TensorFlow's logging variables are removed from the kernel's environment
first, so this also proves that `import dlteach` silences TensorFlow by itself, as it must outside `make`
(conda, Binder, JupyterHub, Colab). Prints each lesson's run time and the kernel's peak memory.
--results writes the counts as JSON (what make test's summary reads: scripts/test_summary.py).
--jobs N runs N lessons at once, each in its own process and kernel (default 1). A lesson's kernel is mostly
one busy Python thread, so two at once on two cores take about half the time; each prints its time when done.
--longest-first FILE starts the lessons that took longest in an earlier run first (FILE: the --results JSON of
that run, which holds each lesson's seconds, or the JUnit XML of the strict nbval run, its cells' times summed),
lessons FILE does not know before them: in alphabetical order a long lesson drawn last leaves the other job idle
while it runs. A FILE that is missing or unreadable changes nothing. make test gives it scripts/lesson_seconds.json,
written by `python scripts/execute_notebooks.py --seconds-from .cache/test-results/pinned.xml > scripts/lesson_seconds.json`
(--seconds-from FILE prints FILE's seconds per lesson in the --results format).

Kernels talk to this process over IPC sockets in a private temporary folder, not TCP on localhost: no
port is opened, and the kernel does not log "running over TCP without encryption" for every lesson.
"""
from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from concurrent.futures import ProcessPoolExecutor
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from traitlets.config import Config

QUIET_VARIABLES = ("TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS")
PEAK_MEMORY = "import resource as _r; print(_r.getrusage(_r.RUSAGE_SELF).ru_maxrss)"  # KiB on Linux


def use_this_environment() -> None:
    """Point Jupyter at a kernelspec that runs sys.executable (a user-level python3 kernel may not)."""
    spec_dir = Path(tempfile.mkdtemp(prefix="dlteach-kernels-")) / "kernels" / "python3"
    spec_dir.mkdir(parents=True)
    spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3 (dlteach)", "language": "python"}
    (spec_dir / "kernel.json").write_text(json.dumps(spec))
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(spec_dir.parents[1]),
                                                              os.environ.get("JUPYTER_PATH")]))


def ipc_kernels(folder: str) -> Config:
    """Kernel managers configured for IPC transport, their socket files in `folder` (a private one)."""
    config = Config()
    config.KernelManager.transport = "ipc"
    config.KernelManager.ip = str(Path(folder) / "kernel")
    return config


def stderr_of(nb) -> list[str]:
    found = []
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr" and out.get("text", "").strip():
                found.append(f"cell {index}: {out['text'].strip().splitlines()[0][:160]}")
    return found


def execute(path: Path, store: bool = True) -> tuple[float, float, list[str]]:
    """Run one lesson; return (seconds, peak memory in GB, stderr lines)."""
    nb = nbformat.read(path, as_version=4)
    if not store:
        nb.cells.append(nbformat.v4.new_code_cell(PEAK_MEMORY))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="dlteach-ipc-") as sockets:
        # a guard against a hang, not a time limit: make test runs the lowest set's lessons beside the pinned run at a
        # lower priority, where a cell of 45 s alone can take a few minutes (nbval's own default is 2,000 s)
        NotebookClient(nb, timeout=1200, kernel_name="python3", record_timing=False, config=ipc_kernels(sockets),
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    elapsed = time.perf_counter() - started
    peak_gb = float("nan")
    if not store:
        probe = nb.cells.pop()
        peak_gb = int(probe.outputs[0]["text"]) / 1024 ** 2
    else:
        nb.metadata.pop("widgets", None)
        nbformat.write(nb, path)
    return elapsed, peak_gb, stderr_of(nb)


def lessons() -> list[Path]:
    """Every lesson: the English ones, then the translated ones (notebooks/zh_CN/, ...) that exist."""
    return sorted(Path("notebooks").glob("[0-9][0-9]_*.ipynb")) + sorted(Path("notebooks").glob("*/[0-9][0-9]_*.ipynb"))


def earlier_seconds(source: Path) -> dict[str, float]:
    """Each lesson's seconds in an earlier run: a --results JSON, or nbval's JUnit XML (cell times summed)."""
    try:
        if source.suffix == ".xml":
            seconds: dict[str, float] = {}
            for case in ET.parse(source).getroot().iter("testcase"):
                notebook = case.get("classname", "")  # notebooks.zh_CN.07_playground.ipynb for nbval's cells
                if notebook.endswith(".ipynb"):
                    path = notebook[:-len(".ipynb")].replace(".", "/") + ".ipynb"
                    seconds[path] = seconds.get(path, 0.0) + float(case.get("time", 0))
            return seconds
        return {str(path): float(s) for path, s in json.loads(source.read_text()).get("seconds", {}).items()}
    except (OSError, ValueError, ET.ParseError, AttributeError):
        return {}


def longest_first(paths: list[Path], seconds: dict[str, float]) -> list[Path]:
    """Lessons by their earlier time, longest first; those without one first of all, in their order."""
    return sorted(paths, key=lambda path: -seconds.get(path.as_posix(), float("inf")))


def run_one(path: Path, check: bool) -> tuple[list[str], float]:
    """Execute one lesson, print its line; return its failures (a cell that raised, stderr) and its seconds."""
    started = time.perf_counter()
    try:
        elapsed, peak_gb, stderr = execute(path, store=not check)
    except Exception as err:  # a cell raised: report the lesson and go on with the others
        print(f"{path}: FAILED", flush=True)
        return [f"{path}: {type(err).__name__}: {str(err).strip().splitlines()[-1][:300]}"], time.perf_counter() - started
    memory = f", peak memory {peak_gb:.2f} GB" if check else ""
    print(f"{path}: {elapsed:.1f} s{memory}", flush=True)
    return [f"{path}: stderr in {line}" for line in stderr], elapsed


def main(argv: list[str]) -> int:
    if argv[:1] == ["--seconds-from"]:  # each lesson's seconds in an earlier run, as a --longest-first FILE
        seconds = earlier_seconds(Path(argv[1]))
        if not seconds:
            print(f"{argv[1]}: no lesson's seconds in it", file=sys.stderr)
            return 1
        print(json.dumps({"seconds": {path: round(s, 1) for path, s in sorted(seconds.items())}}, indent=1))
        return 0
    check = "--check" in argv
    results = None
    if "--results" in argv:
        at = argv.index("--results")
        results, argv = Path(argv[at + 1]), argv[:at] + argv[at + 2:]
    jobs = 1
    if "--jobs" in argv:
        at = argv.index("--jobs")
        jobs, argv = int(argv[at + 1]), argv[:at] + argv[at + 2:]
    order = None
    if "--longest-first" in argv:
        at = argv.index("--longest-first")
        order, argv = Path(argv[at + 1]), argv[:at] + argv[at + 2:]
    paths = [Path(p) for p in argv if p != "--check"] or lessons()
    if order is not None:
        paths = longest_first(paths, earlier_seconds(order))
    use_this_environment()
    if check:
        for name in QUIET_VARIABLES:
            os.environ.pop(name, None)
    failures = []
    if jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            outcomes = list(pool.map(run_one, paths, [check] * len(paths)))
    else:
        outcomes = [run_one(path, check) for path in paths]
    for lines, _ in outcomes:
        failures += lines
    if failures:
        print("\n".join(["", "Lessons that failed:", *failures]), file=sys.stderr)
    failed = len({f.split(":", 1)[0] for f in failures})
    print(f"lessons: {len(paths) - failed} passed, {failed} failed")
    if results is not None:
        results.parent.mkdir(parents=True, exist_ok=True)
        seconds = {path.as_posix(): round(s, 1) for path, (_, s) in zip(paths, outcomes)}
        results.write_text(json.dumps({"passed": len(paths) - failed, "failed": failed, "failures": failures,
                                       "seconds": seconds}))
    return 1 if failures else 0


if __name__ == "__main__":
    import same_numbers  # the kernels this starts print the same numbers on every x86-64 CPU

    same_numbers.use()
    sys.exit(main(sys.argv[1:]))
