"""Give every lesson the same first lines: an "Open in Colab" badge and a cell that installs dlteach
only when the lesson runs in Google Colab (elsewhere it does nothing) and says the lesson's language.

    python scripts/lesson_header.py [--ref v0.2.0]      # rewrite the headers of the sources, lessons/*.md
    make notebooks                                       # then build the notebooks from them

Colab already has TensorFlow, Keras, NumPy, scikit-learn and ipywidgets 7.7, so the package is installed
with --no-deps: no second TensorFlow is downloaded. The badge and the install point at the same git ref,
so a lesson opened in Colab runs with the package of its own release. When tagging a release, run this
with the new tag and re-execute the lessons (make notebooks).
"""
from __future__ import annotations

import argparse
from pathlib import Path

import jupytext
import nbformat

REPO = "dlteach/dlteach"
REF = "v0.2.0"
TAG = "colab-install"


def badge(path: Path, ref: str = REF) -> str:
    url = f"https://colab.research.google.com/github/{REPO}/blob/{ref}/notebooks/{path.name}"
    return f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({url})"


def install_source(ref: str = REF, language: str = "en") -> str:
    """The install cell; its last line says the lesson's language (scripts/translate_lessons.py writes the
    translated lesson's there), which dlteach speaks and draws in: checkers' messages, explorers, figures' fonts."""
    return ("# Only in Google Colab: install dlteach (Colab already has TensorFlow, Keras and ipywidgets).\n"
            "import sys\n"
            "if \"google.colab\" in sys.modules:\n"
            f"    %pip install -q --no-deps \"dlteach @ git+https://github.com/{REPO}@{ref}\"\n"
            "import dlteach\n"
            f"dlteach.set_language(\"{language}\")  # the language of dlteach's messages and figures in this lesson")


def apply(nb, path: Path, ref: str = REF) -> None:
    """Put the badge under the title (first markdown cell) and the install cell right after it."""
    title = nb.cells[0]
    assert title.cell_type == "markdown", f"{path}: the first cell must be the lesson's title"
    lines = [line for line in title.source.splitlines() if "colab-badge.svg" not in line]
    lines.insert(1, "\n" + badge(path, ref)) if len(lines) > 1 else lines.append(badge(path, ref))
    title.source = "\n".join(lines).replace("\n\n\n", "\n\n")
    # drop the old install cell, also one whose tag an editor lost (it would run twice otherwise)
    nb.cells = [c for c in nb.cells if TAG not in c.get("metadata", {}).get("tags", [])
                and not (c.cell_type == "code" and c.source.startswith("# Only in Google Colab"))]
    cell = nbformat.v4.new_code_cell(install_source(ref))
    cell.metadata["tags"] = [TAG]
    nb.cells.insert(1, cell)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", default=REF)
    parser.add_argument("paths", nargs="*")
    args = parser.parse_args()
    paths = [Path(p) for p in args.paths] or sorted(Path("lessons").glob("[0-9][0-9]_*.md"))
    for path in paths:
        nb = jupytext.read(path, fmt="md:myst")
        apply(nb, Path("notebooks") / f"{path.stem}.ipynb", args.ref)  # the badge opens the built notebook
        jupytext.write(nb, path, fmt="md:myst")
        print(f"{path}: header written ({args.ref}); build the notebook: make notebooks LESSON={path.stem[:2]}")

if __name__ == "__main__":
    main()
