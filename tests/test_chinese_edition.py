"""The Chinese lessons (notebooks/zh_CN/) are tested as the English ones: the strict nbval run takes them, the lesson
runner takes them (make test's Colab run executes them, the lowest run their English twins), each opens in Colab in
Chinese, and a changed English sentence of a real lesson fails its translation, naming the lesson and the message."""
import importlib.util
import shutil
import subprocess
import sys

import jupytext
import nbformat
import pytest

from browser_support import ROOT
from test_colab import run_install_cell


def _module(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tl, header, runner = _module("translate_lessons"), _module("lesson_header"), _module("execute_notebooks")
CHINESE = sorted((ROOT / "notebooks" / "zh_CN").glob("[0-9][0-9]_*.ipynb"))


def test_the_lesson_runs_take_the_chinese_lessons(monkeypatch):
    monkeypatch.chdir(ROOT)
    taken = {p.resolve() for p in runner.lessons()}
    assert {p.resolve() for p in CHINESE} <= taken
    assert {p.resolve() for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")} <= taken
    # the strict nbval run of make test is `pytest ... --nbval notebooks`: it collects the subfolder too
    collected = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:randomly", "--nbval",
                                "--nbval-current-env", "notebooks"], cwd=ROOT, capture_output=True, text=True).stdout
    assert all(f"notebooks/zh_CN/{p.name}::" in collected for p in CHINESE)


@pytest.mark.skipif(not CHINESE, reason="no Chinese lesson built yet")
@pytest.mark.parametrize("path", CHINESE, ids=[p.stem for p in CHINESE])
def test_a_chinese_lesson_opens_in_colab_in_chinese(path, monkeypatch):
    nb = nbformat.read(path, as_version=4)
    assert f"/blob/{header.REF}/notebooks/zh_CN/{path.name})" in nb.cells[0].source, "the badge opens this notebook"
    install = nb.cells[1]
    assert header.TAG in install.metadata.get("tags", []) and not install.get("outputs")
    assert tl.same_code(header.install_source(), install.source) is None
    assert 'dlteach.set_language("zh_CN")' in install.source
    magics = run_install_cell(install.source, in_colab=True, monkeypatch=monkeypatch)
    assert magics == [("pip", f'install -q --no-deps "dlteach @ git+https://github.com/{header.REPO}@{header.REF}"')]
    import dlteach  # noqa: PLC0415
    try:
        assert dlteach.get_language() == "zh_CN"  # the cell ran in this process
    finally:
        dlteach.set_language("en")


def _complete_lessons():
    return [s for s in tl.translated_sources("zh_CN") if not tl.problems(s, "zh_CN")]


def test_a_changed_english_sentence_of_a_real_lesson_fails_naming_it(tmp_path):
    complete = _complete_lessons()
    if not complete:
        pytest.skip("no lesson fully translated yet")
    source = complete[0]
    copy = tmp_path / source.name
    shutil.copy(source, copy)
    (tmp_path / "zh_CN").mkdir()
    shutil.copy(tl.catalogue_path(source, "zh_CN"), tl.catalogue_path(copy, "zh_CN"))
    assert tl.problems(copy, "zh_CN") == []
    nb = jupytext.read(copy, fmt=tl.FORMAT)
    cell, block = next((c, b) for c in nb.cells if c.cell_type == "markdown"
                       for b in tl.markdown_blocks(c.source) if tl.is_message(b) and " the " in b)
    changed = block.replace(" the ", " the very ", 1)
    copy.write_text(copy.read_text(encoding="utf-8").replace(block, changed, 1), encoding="utf-8")
    found = tl.problems(copy, "zh_CN")
    assert len(found) == 1 and found[0].startswith(f"{source.stem} [zh_CN] cell ") and "not in the catalogue" in found[0]
    assert repr(changed[:60])[:-1] in found[0]  # the message as the translator finds it in the catalogue
    with pytest.raises(ValueError, match=source.stem):
        tl.translated_notebook(copy, "zh_CN")


def test_the_chinese_readme_lists_every_chinese_lesson_with_its_badge():
    readme = (ROOT / "README.zh-CN.md").read_text(encoding="utf-8")
    for path in CHINESE:
        row = next((line for line in readme.splitlines() if f"](notebooks/zh_CN/{path.name})" in line), None)
        assert row is not None, f"README.zh-CN.md has no row for {path.name}"
        assert f"/blob/{header.REF}/notebooks/zh_CN/{path.name})" in row, f"{path.name}: no Colab badge"
    assert "[简体中文](README.zh-CN.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
