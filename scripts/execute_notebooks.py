"""Execute lessons in place, top to bottom in a fresh kernel, and store them with their outputs.

    .venv/bin/python scripts/execute_notebooks.py [notebooks/07_playground.ipynb ...]

Widget state (metadata.widgets, tens of KB, not compared by nbval) is stripped afterwards;
store_widget_state=False is not used because it crashes nbclient 0.11 on interactive cells.
Run it through `make notebooks` so that the same environment variables as `make test` apply.
"""
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def execute(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    t = time.perf_counter()
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    elapsed = time.perf_counter() - t
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
    return elapsed


if __name__ == "__main__":
    paths = [Path(p) for p in sys.argv[1:]] or sorted(Path("notebooks").glob("[0-9][0-9]_*.ipynb"))
    for p in paths:
        print(f"{p}: {execute(p):.1f} s")
