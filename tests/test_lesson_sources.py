"""Lessons are written as text (lessons/NN_name.md) and the notebooks are built from them (scripts/lessons.py).

The committed notebooks must agree with their sources cell by cell, in both directions; the check says which
cell and which command fixes it; a one-word change of prose is a one-line change of a source; building keeps
the outputs and ids of unchanged cells; and JupyterLab, saving a lesson, writes its source (jupytext.toml).
"""
import difflib
import importlib.util
import json
import shutil
import urllib.request

import jupytext
import nbformat
import pytest

from browser_support import ROOT, jupyterlab

spec = importlib.util.spec_from_file_location("lessons", ROOT / "scripts" / "lessons.py")
lessons = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lessons)

LESSON = "07_playground"


def test_every_notebook_matches_its_source():
    problems = lessons.check()
    assert not problems, "\n".join(problems)
    assert len(list(lessons.SOURCES.glob("[0-9][0-9]_*.md"))) == len(list(lessons.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")))


@pytest.fixture
def pair(tmp_path):
    """A copy of one lesson's source and notebook in lessons/ and notebooks/ of a temporary folder."""
    (tmp_path / "lessons").mkdir()
    (tmp_path / "notebooks").mkdir()
    shutil.copy(lessons.SOURCES / f"{LESSON}.md", tmp_path / "lessons")
    shutil.copy(lessons.NOTEBOOKS / f"{LESSON}.ipynb", tmp_path / "notebooks")
    assert lessons.check(tmp_path / "lessons", tmp_path / "notebooks") == []
    return tmp_path / "lessons" / f"{LESSON}.md", tmp_path / "notebooks" / f"{LESSON}.ipynb"


def _first_prose_line(text: str, after: str = "## Why it matters") -> str:
    lines = text.splitlines()
    return lines[lines.index(after) + 1]


def test_a_source_edited_without_rebuilding_is_caught(pair):
    source, notebook = pair
    text = source.read_text(encoding="utf-8")
    line = _first_prose_line(text)
    source.write_text(text.replace(line, line.replace("straight", "curved"), 1), encoding="utf-8")
    problems = lessons.check(source.parent, notebook.parent)
    assert problems, "a changed source went unnoticed"
    report = "\n".join(problems)
    assert "cell 3 (markdown)" in report and "curved" in report and "straight" in report
    assert "make notebooks LESSON=07" in report


def test_a_notebook_edited_without_its_source_is_caught(pair):
    source, notebook = pair
    nb = nbformat.read(notebook, as_version=4)
    code = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "SETTINGS" in c.source)
    nb.cells[code].source += "\nprint('added in the lab')"
    nb.cells[1].metadata["tags"] = []  # the Colab install cell lost its tag
    nbformat.write(nb, notebook)
    report = "\n".join(lessons.check(source.parent, notebook.parent))
    assert f"cell {code + 1} (code)" in report and "added in the lab" in report
    assert "cell 2 (code)" in report and "colab-install" in report
    assert "make sources LESSON=07" in report


def test_a_missing_cell_or_file_is_caught(pair):
    source, notebook = pair
    nb = nbformat.read(notebook, as_version=4)
    del nb.cells[-1]
    nbformat.write(nb, notebook)
    assert any("cells, its source" in p for p in lessons.check(source.parent, notebook.parent))
    notebook.unlink()
    assert any("has no notebook" in p for p in lessons.check(source.parent, notebook.parent))
    shutil.copy(lessons.NOTEBOOKS / f"{LESSON}.ipynb", notebook)
    source.unlink()
    assert any("has no source" in p for p in lessons.check(source.parent, notebook.parent))


def test_one_word_of_prose_is_one_line_of_source(pair):
    source, notebook = pair
    nb = nbformat.read(notebook, as_version=4)
    before = jupytext.writes(nb, fmt=lessons.FORMAT)
    cell = next(c for c in nb.cells if c.cell_type == "markdown" and "## Why it matters" in c.source)
    cell.source = cell.source.replace("straight", "curved", 1)
    after = jupytext.writes(nb, fmt=lessons.FORMAT)
    changed = [d for d in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
               if d[:1] in "+-" and not d.startswith(("+++", "---"))]
    assert len(changed) == 2 and changed[0].startswith("-") and changed[1].startswith("+"), changed


def test_building_keeps_outputs_and_ids_of_unchanged_cells(pair):
    source, notebook = pair
    old = nbformat.read(notebook, as_version=4)
    text = source.read_text(encoding="utf-8")
    text = text.replace("pg = Playground(**SETTINGS)", "pg = Playground(**SETTINGS)  # the same network", 1)
    source.write_text(text, encoding="utf-8")
    new = lessons.notebook_from_source(source, old)
    assert len(new.cells) == len(old.cells)
    changed = [i for i, (a, b) in enumerate(zip(old.cells, new.cells)) if a.source != b.source]
    assert len(changed) == 1
    for i, (a, b) in enumerate(zip(old.cells, new.cells)):
        if i in changed:
            assert b.id != a.id and b.outputs == []  # a changed cell must be run again
        else:
            assert b.id == a.id and b.get("outputs") == a.get("outputs")
    assert len({c.id for c in new.cells}) == len(new.cells)
    nbformat.validate(new)
    assert "jupytext" not in new.metadata and new.metadata["kernelspec"]["name"] == "python3"


def test_saving_a_lesson_in_jupyterlab_writes_its_source(pair, tmp_path):
    """The pairing in jupytext.toml, as JupyterLab with jupytext (make lab's environment) applies it."""
    source, notebook = pair
    shutil.copy(ROOT / "jupytext.toml", tmp_path)
    with jupyterlab(tmp_path) as url:
        api = f"{url}/api/contents/notebooks/{LESSON}.ipynb"
        model = json.load(urllib.request.urlopen(api + "?content=1"))
        cells = model["content"]["cells"]
        cell = next(c for c in cells if c["cell_type"] == "markdown" and "## Why it matters" in c["source"])
        cell["source"] = cell["source"].replace("straight", "curved", 1)
        body = json.dumps({"type": "notebook", "format": "json", "content": model["content"]}).encode()
        request = urllib.request.Request(api, data=body, method="PUT", headers={"Content-Type": "application/json"})
        urllib.request.urlopen(request).read()
    text = source.read_text(encoding="utf-8")
    assert _first_prose_line(text).startswith("One neuron draws one curved line")
    assert lessons.check(source.parent, notebook.parent) == []
