"""Saving a lesson in JupyterLab (jupytext's contents manager, as `make lab` serves the repository): an English
lesson writes its source, lessons/NN_x.md (jupytext.toml pairs them, so an edit made in the lab is not lost); a
Chinese lesson writes no text file (notebooks/zh_CN/jupytext.toml: its text lives in lessons/zh_CN/NN_x.po)."""
import asyncio
import shutil

import pytest

from browser_support import ROOT

jupytext_cm = pytest.importorskip("jupytext.async_contentsmanager")
filemanager = pytest.importorskip("jupyter_server.services.contents.filemanager")

ENGLISH, CHINESE = "notebooks/01_neuron.ipynb", "notebooks/zh_CN/01_neuron.ipynb"


def saved_text_files(root, rel: str) -> list[str]:
    """The text files under root/lessons after saving `rel` through jupytext's contents manager."""
    manager = jupytext_cm.build_async_jupytext_contents_manager_class(filemanager.AsyncFileContentsManager)(
        root_dir=str(root))

    async def save():
        await manager.save(await manager.get(rel), rel)

    asyncio.run(save())
    return sorted(p.relative_to(root).as_posix() for p in (root / "lessons").rglob("*") if p.is_file())


@pytest.mark.parametrize("rel, written", [(ENGLISH, ["lessons/01_neuron.md"]), (CHINESE, [])])
def test_saving_a_lesson_writes_its_source_or_nothing(tmp_path, rel, written):
    for config in ("jupytext.toml", "notebooks/zh_CN/jupytext.toml", rel):
        (tmp_path / config).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / config, tmp_path / config)
    (tmp_path / "lessons").mkdir()
    assert saved_text_files(tmp_path, rel) == written
