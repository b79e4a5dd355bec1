"""Execution time of every lesson, top to bottom in a fresh kernel (nothing is written back).

    python benchmarks/bench_lessons.py      (or: make bench)
"""
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def run(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    t = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    return time.perf_counter() - t


def main():
    paths = [Path(p) for p in sys.argv[1:]] or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    total = 0.0
    print(f"{'lesson':<32s} {'seconds':>8s}")
    for p in paths:
        seconds = run(p)
        total += seconds
        print(f"{p.name:<32s} {seconds:8.1f}")
    print(f"{'all ' + str(len(paths)) + ' lessons':<32s} {total:8.1f}")


if __name__ == "__main__":
    main()
