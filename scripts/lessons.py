"""Lessons are written as text (lessons/NN_name.md, jupytext's MyST markdown); the notebooks are built from them.

    python scripts/lessons.py build [07 ...]             # source -> notebook, executed and stored with outputs
    python scripts/lessons.py build --no-execute [07]    # source -> notebook inputs, outputs of unchanged cells kept
    python scripts/lessons.py sources [07 ...]           # notebook -> source (a notebook edited without jupytext)
    python scripts/lessons.py check                      # exit 1 if any notebook's cells differ from its source
    python scripts/lessons.py normalise                  # the stored notebooks' metadata as a build writes it

`make notebooks [LESSON=07]` runs `build`; tests/test_lesson_sources.py runs `check`. A lesson is named by its
number (07), its stem (07_playground) or a path to either file. jupytext.toml pairs the two folders, so JupyterLab
(with jupytext installed, as `make lab` has it) writes the source whenever a lesson notebook is saved.

What must agree: the number of cells and, cell by cell, the cell type, the source text and the metadata (tags),
ignoring the execution timings nbclient records. Cell ids are kept from the existing notebook where a cell's
type and text are unchanged (so a rebuild does not rewrite every id), and are otherwise derived from the text.

A built notebook names the kernel as JupyterLab does on connecting ipykernel's python3 kernel (KERNELSPEC):
JupyterLab writes the kernelspec on connecting, so any other name made every lesson open "modified" (issue 28).
The sources name the same kernel: jupytext refuses to open a paired notebook whose metadata differs from it.
"""
from __future__ import annotations

import argparse
import difflib
import hashlib
import sys
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "lessons"
NOTEBOOKS = ROOT / "notebooks"
FORMAT = "md:myst"
IGNORED_CELL_METADATA = ("execution",)  # nbclient's timings: not part of what a lesson says
# ipykernel's kernelspec (jupytext's default display name is "Python 3", which JupyterLab would rewrite)
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def _shown(path: Path) -> str:
    """A path as the reader knows it: relative to the repository when inside it."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def source_of(notebook: Path) -> Path:
    return SOURCES / f"{notebook.stem}.md"


def notebook_of(source: Path) -> Path:
    return NOTEBOOKS / f"{source.stem}.ipynb"


def lessons(names=()) -> list[Path]:
    """Sources named by number, stem or path (all of them when no name is given)."""
    everything = sorted(SOURCES.glob("[0-9][0-9]_*.md"))
    if not names:
        return everything
    chosen = []
    for name in names:
        stem = Path(name).stem
        found = [p for p in everything if p.stem == stem or p.stem.split("_", 1)[0] == stem]
        if not found and (NOTEBOOKS / f"{stem}.ipynb").exists():
            found = [source_of(NOTEBOOKS / f"{stem}.ipynb")]  # `sources` may create a missing source
        if not found:
            valid = ", ".join(p.stem.split("_", 1)[0] for p in everything)
            raise SystemExit(f"No lesson {name!r}: give a number ({valid}) or a file name.")
        chosen += found
    return chosen


def read_source(path: Path):
    return jupytext.read(path, fmt=FORMAT)


def _metadata(cell) -> dict:
    return {k: v for k, v in cell.get("metadata", {}).items() if k not in IGNORED_CELL_METADATA}


def _key(cell) -> tuple:
    return cell.cell_type, cell.source, repr(sorted(_metadata(cell).items()))


def _derived_id(cell, taken: set) -> str:
    digest = hashlib.sha1(f"{cell.cell_type}\n{cell.source}".encode()).hexdigest()
    for start in range(0, len(digest) - 8):
        if digest[start:start + 8] not in taken:
            return digest[start:start + 8]
    raise RuntimeError("no free cell id")


def normalise(nb):
    """Metadata as JupyterLab writes it once a kernel is connected, so that a lesson opens unmodified."""
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    return nb


def notebook_from_source(source: Path, old=None):
    """The notebook of `source`; ids, outputs and execution counts of unchanged cells are taken from `old`."""
    nb = normalise(read_source(source))
    nb.metadata.pop("jupytext", None)  # the pairing lives in jupytext.toml, not in every notebook
    if old is not None and "language_info" in old.metadata:
        nb.metadata["language_info"] = old.metadata["language_info"]
    matcher = difflib.SequenceMatcher(None, [_key(c) for c in (old.cells if old else [])],
                                      [_key(c) for c in nb.cells], autojunk=False)
    kept = set()  # indices (in nb) of cells that keep their old id
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            continue
        for i, j in zip(range(i1, i2), range(j1, j2)):
            before, cell = old.cells[i], nb.cells[j]
            if before.get("id"):
                cell["id"] = before["id"]
                kept.add(j)
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = before.outputs, before.execution_count
    taken = {nb.cells[j]["id"] for j in kept}
    for j, cell in enumerate(nb.cells):
        if j not in kept:
            cell["id"] = _derived_id(cell, taken)
            taken.add(cell["id"])
    return nb


def differences(source: Path, notebook: Path) -> list[str]:
    """Where the notebook's cells differ from its source (empty when they agree)."""
    number = source.stem.split("_", 1)[0]
    fix = (f"If you edited the source, rebuild the notebook: make notebooks LESSON={number}. If you edited the "
           f"notebook outside JupyterLab's jupytext pairing, write its source: make sources LESSON={number}.")
    if not source.exists():
        return [f"{_shown(notebook)} has no source {_shown(source)}. "
                f"Write it: make sources LESSON={number}."]
    if not notebook.exists():
        return [f"{_shown(source)} has no notebook {_shown(notebook)}. "
                f"Build it: make notebooks LESSON={number}."]
    want, have = read_source(source).cells, nbformat.read(notebook, as_version=4).cells
    found = []
    for index, (a, b) in enumerate(zip(want, have), start=1):
        if _key(a) == _key(b):
            continue
        what = []
        if a.cell_type != b.cell_type:
            what.append(f"type {b.cell_type} in the notebook, {a.cell_type} in the source")
        if _metadata(a) != _metadata(b):
            what.append(f"metadata {_metadata(b)} in the notebook, {_metadata(a)} in the source")
        if a.source != b.source:
            diff = difflib.unified_diff(b.source.splitlines(), a.source.splitlines(), "notebook", "source",
                                        lineterm="", n=0)
            what.append("text differs:\n      " + "\n      ".join(list(diff)[2:8]))
        found.append(f"{_shown(notebook)}, cell {index} ({b.cell_type}): " + "; ".join(what))
        if len(found) == 3:
            found.append("... (the first three differences)")
            break
    if len(want) != len(have):
        found.append(f"{_shown(notebook)} has {len(have)} cells, its source {len(want)}")
    return found + [fix] if found else []


def check(sources: Path = SOURCES, notebooks: Path = NOTEBOOKS) -> list[str]:
    """Every source has a notebook and every lesson notebook a source, and each pair agrees."""
    names = {p.stem for p in sources.glob("[0-9][0-9]_*.md")} | {p.stem for p in notebooks.glob("[0-9][0-9]_*.ipynb")}
    problems = []
    for stem in sorted(names):
        problems += differences(sources / f"{stem}.md", notebooks / f"{stem}.ipynb")
    return problems


def build(source: Path, execute: bool = True) -> None:
    notebook = notebook_of(source)
    old = nbformat.read(notebook, as_version=4) if notebook.exists() else None
    nbformat.write(notebook_from_source(source, old), notebook)
    if execute:
        sys.path.insert(0, str(ROOT / "scripts"))
        from execute_notebooks import execute, use_this_environment
        use_this_environment()
        elapsed, _, stderr = execute(notebook)
        print(f"{_shown(notebook)}: built and executed in {elapsed:.1f} s", flush=True)
        for line in stderr:
            print(f"  stderr in {line}", file=sys.stderr)
    else:
        print(f"{_shown(notebook)}: built from {_shown(source)} (not executed)")


def write_source(notebook: Path) -> None:
    nb = nbformat.read(notebook, as_version=4)
    source = source_of(notebook)
    SOURCES.mkdir(exist_ok=True)
    jupytext.write(nb, source, fmt=FORMAT)
    print(f"{_shown(source)}: written from {_shown(notebook)}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["build", "sources", "check", "normalise"])
    parser.add_argument("lessons", nargs="*", help="numbers (07), stems or paths; all lessons when omitted")
    parser.add_argument("--no-execute", action="store_true", help="build the inputs only, keep unchanged outputs")
    args = parser.parse_args(argv)
    if args.command == "check":
        problems = check()
        print("\n".join(problems) if problems else f"{len(lessons())} lessons: every notebook matches its source")
        return 1 if problems else 0
    if args.command == "normalise":  # no execution: outputs stay as they are, English and translated
        for notebook in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")) + sorted(NOTEBOOKS.glob("*/[0-9][0-9]_*.ipynb")):
            stored = notebook.read_text(encoding="utf-8")
            text = nbformat.writes(normalise(nbformat.reads(stored, as_version=4))) + "\n"  # as nbformat.write
            if text != stored:
                notebook.write_text(text, encoding="utf-8")
                print(f"{_shown(notebook)}: normalised ({len(stored.encode())} -> {len(text.encode())} bytes)")
        return 0
    if args.command == "sources":
        targets = [notebook_of(s) for s in lessons(args.lessons)] if args.lessons else \
            sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
        for notebook in targets:
            write_source(notebook)
        return 0
    failed = 0
    for source in lessons(args.lessons):
        try:
            build(source, execute=not args.no_execute)
        except Exception as err:  # a cell raised: name the lesson, go on with the others
            failed += 1
            print(f"{_shown(source)}: FAILED: {type(err).__name__}: "
                  f"{str(err).strip().splitlines()[-1][:300]}", file=sys.stderr, flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    import same_numbers  # the kernels this starts print the same numbers on every x86-64 CPU

    same_numbers.use()
    sys.exit(main())
