"""Execution time and peak memory of every lesson, top to bottom in a fresh kernel (nothing is
written back). Free Binder gives 1-2 GB, so every lesson must stay under 1 GB.

    python benchmarks/bench_lessons.py [notebooks/NN_x.ipynb ...]      (or: make bench)
"""
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("execute_notebooks", ROOT / "scripts" / "execute_notebooks.py")
execute_notebooks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(execute_notebooks)


def main():
    paths = [Path(p) for p in sys.argv[1:]] or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    execute_notebooks.use_this_environment()
    total, worst = 0.0, 0.0
    print(f"{'lesson':<32s} {'seconds':>8s} {'peak GB':>8s}")
    for p in paths:
        seconds, peak_gb, _ = execute_notebooks.execute(p, store=False)  # the kernel's own peak RSS
        total, worst = total + seconds, max(worst, peak_gb)
        print(f"{p.name:<32s} {seconds:8.1f} {peak_gb:8.2f}", flush=True)
    print(f"{'all ' + str(len(paths)) + ' lessons':<32s} {total:8.1f} {worst:8.2f} (largest)")
    if worst >= 1.0:
        sys.exit("a lesson needs 1 GB or more: too much for free Binder")


if __name__ == "__main__":
    main()
