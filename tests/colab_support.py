"""Google Colab's versions (.venv-colab: ipywidgets 7.7, anywidget 0.9) from a test of the pinned run.

make test installs .venv-colab in the background while the pinned tests run, and its python exists before its
packages do: a test asks for the install stamp (`needs_colab`), not the interpreter. On a fresh clone the pinned
run skips such a test and the Colab run itself runs it, once the environment is installed."""
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COLAB_PYTHON = ROOT / ".venv-colab" / "bin" / "python"
needs_colab = pytest.mark.skipif(not (ROOT / ".venv-colab" / ".installed").exists(),
                                 reason="no installed .venv-colab (make test-colab builds it)")


def last_line_in_colab(code: str) -> str:
    """The last line `code` prints, run by .venv-colab's Python in the repository (its caches, no other variable)."""
    out = subprocess.run([str(COLAB_PYTHON), "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                         env={"MPLCONFIGDIR": str(ROOT / ".cache" / "matplotlib"), "PATH": "/usr/bin:/bin",
                              "KERAS_HOME": str(ROOT / ".cache" / "keras")}, timeout=180)
    return out.stdout.split("\n")[-2]
