"""A lesson opens clean in JupyterLab (issue 28, part 5): no "modified" dot on its tab before anything runs.

JupyterLab marks a notebook modified when the model it loaded changes without the user: on connecting a
kernel it writes that kernel's kernelspec and language_info into the metadata. The lessons said
"Python 3" (jupytext's default in the sources) where ipykernel's kernel is "Python 3 (ipykernel)", so
every lesson opened modified and asked to be saved on closing. scripts/lessons.py normalises the
kernelspec when it builds a notebook (English and translated) and the sources say the same, since
jupytext refuses to open a paired notebook whose metadata differs from its newer source.

These fast tests read every stored notebook and source; tests/test_notebook_clean.py opens two lessons in
JupyterLab.
"""
import copy
import importlib.util

import jupytext
import nbformat
import pytest
from ipykernel.kernelspec import KERNEL_NAME, get_kernel_dict

from browser_support import ROOT

spec = importlib.util.spec_from_file_location("lessons", ROOT / "scripts" / "lessons.py")
lessons = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lessons)

NOTEBOOKS = sorted(lessons.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")) + sorted(lessons.NOTEBOOKS.glob("*/[0-9][0-9]_*.ipynb"))


def test_the_kernelspec_is_the_one_jupyterlab_writes():
    """ipykernel's own kernelspec (what pip, conda and Binder install): JupyterLab writes it on connecting."""
    installed = get_kernel_dict()
    assert lessons.KERNELSPEC == {"display_name": installed["display_name"], "language": installed["language"],
                                  "name": KERNEL_NAME}


def test_normalising_sets_the_kernelspec_and_keeps_the_rest():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# A lesson")],
                                  metadata={"kernelspec": {"display_name": "Python 3", "language": "python",
                                                           "name": "python3"}, "language": "zh_CN"})
    before = copy.deepcopy(nb)
    lessons.normalise(nb)
    assert nb.metadata.kernelspec == lessons.KERNELSPEC
    assert nb.metadata.language == "zh_CN" and nb.cells == before.cells


def test_a_build_names_the_kernel_as_jupyterlab_does(tmp_path):
    """notebook_from_source, which both builds use (scripts/lessons.py and scripts/translate_lessons.py)."""
    source = tmp_path / "99_test.md"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")],
                                  metadata={"kernelspec": {"display_name": "Python 3", "language": "python",
                                                           "name": "python3"}})
    jupytext.write(nb, source, fmt=lessons.FORMAT)
    assert "display_name: Python 3\n" in source.read_text()
    assert lessons.notebook_from_source(source).metadata.kernelspec == lessons.KERNELSPEC


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(lessons.NOTEBOOKS)))
def test_every_stored_notebook_is_what_jupyterlab_would_save(path):
    """Normalised, and written as the server writes it (nbformat's JSON, a final newline)."""
    text = path.read_text(encoding="utf-8")
    nb = nbformat.reads(text, as_version=4)
    assert (nb.nbformat, nb.nbformat_minor) == (4, 5) and all(cell.get("id") for cell in nb.cells)
    assert nb.metadata.get("kernelspec") == lessons.KERNELSPEC, "run: python scripts/lessons.py normalise"
    assert "widgets" not in nb.metadata
    assert text == nbformat.writes(nb) + "\n"


@pytest.mark.parametrize("source", sorted(lessons.SOURCES.glob("[0-9][0-9]_*.md")), ids=lambda p: p.stem)
def test_every_source_names_the_same_kernel(source):
    """jupytext opens a paired notebook only if it agrees with its source, metadata included."""
    assert jupytext.read(source, fmt=lessons.FORMAT).metadata.get("kernelspec") == lessons.KERNELSPEC
