"""Every lesson opens in Colab: a badge, and a first cell that installs dlteach there and only there."""
import importlib.util
import re
import sys
import types
from pathlib import Path

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
spec = importlib.util.spec_from_file_location("lesson_header", ROOT / "scripts" / "lesson_header.py")
header = importlib.util.module_from_spec(spec)
spec.loader.exec_module(header)


class FakeIPython:
    """Records the magics a cell runs instead of running them."""

    def __init__(self):
        self.magics = []

    def run_line_magic(self, name, line, *args, **kwargs):
        self.magics.append((name, line))


def run_install_cell(source: str, in_colab: bool, monkeypatch):
    shell = FakeIPython()
    if in_colab:
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    code = TransformerManager().transform_cell(source)
    exec(compile(code, "<install cell>", "exec"), {"get_ipython": lambda: shell})
    return shell.magics


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_has_the_badge_and_the_colab_only_install(path, monkeypatch):
    nb = nbformat.read(path, as_version=4)
    assert header.badge(path) in nb.cells[0].source, "no Open-in-Colab badge under the title"
    install = nb.cells[1]
    assert install.cell_type == "code" and header.TAG in install.metadata.get("tags", [])
    assert install.source == header.install_source()
    magics = run_install_cell(install.source, in_colab=True, monkeypatch=monkeypatch)
    assert magics == [("pip", f'install -q --no-deps "dlteach @ git+https://github.com/{header.REPO}@{header.REF}"')]
    # The badge opens this lesson at the same ref as the package it installs.
    assert re.search(rf"blob/{re.escape(header.REF)}/notebooks/{re.escape(path.name)}\)", nb.cells[0].source)
    assert run_install_cell(install.source, in_colab=False, monkeypatch=monkeypatch) == []
    assert not install.get("outputs"), "outside Colab the install cell prints nothing"


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_imports_dlteach_before_tensorflow(path):
    """import dlteach sets TensorFlow's quiet defaults; it must come before any TensorFlow/Keras import."""
    code = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
    first_dlteach = re.search(r"^\s*(import dlteach|from dlteach)", code, re.M)
    first_tf = re.search(r"^\s*(import (tensorflow|keras)|from (tensorflow|keras))", code, re.M)
    assert first_dlteach is not None
    assert first_tf is None or first_dlteach.start() < first_tf.start()


def test_the_badges_name_the_release_pyproject_declares():
    """A lesson opened from its badge installs the tag REF; that release must be the package version
    pyproject.toml states (0.1.0 in pyproject beside v0.2.0 in every badge was a review finding)."""
    import tomllib  # noqa: PLC0415
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert header.REF == f"v{version}", (header.REF, version)
    import dlteach  # noqa: PLC0415
    assert dlteach.__version__ == version
