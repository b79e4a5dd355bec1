"""Write the Voilà app pages in apps/: the Playground, every lesson's explorer, and an index, in English
and again in Chinese (apps/zh_CN/).

    python scripts/make_apps.py            # every page; then: make app
    python scripts/make_apps.py extract    # after changing a title or hint below: update apps/zh_CN/apps.po

Each page is a notebook whose only code sets the page's language and builds one explorer; Voilà runs it and
shows the widgets without the code. The table below is the one place that lists them, in English; the
Chinese pages take its texts through the gettext catalogue apps/zh_CN/apps.po (the format of the lessons'
catalogues), and the explorers' own labels from the package's. A text with no translation, or whose English
changed since it was translated (fuzzy), stops the build, naming it; tests/test_app.py fails when a stored page
differs from what this script writes.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

sys.path.insert(0, str(Path(__file__).resolve().parent))
from translate_lessons import write_catalogue  # noqa: E402 (the lessons' catalogues are merged the same way)

APPS = [  # file, explorer class, title, what to try
    ("playground", "Playground", "The Playground",
     "Pick a dataset, shape the network, press play and watch the decision boundary form."),
    ("neuron", "NeuronExplorer", "One neuron (lesson 01)", "Move w1, w2 and b and watch the decision line."),
    ("activations", "ActivationExplorer", "Activation functions (lesson 02)",
     "Compare each activation with its derivative; find where it saturates."),
    ("losses", "LossExplorer", "Loss functions (lesson 03)", "Move the prediction and watch the loss and its slope."),
    ("gradient_descent", "GradientDescentExplorer", "Gradient descent (lesson 04)",
     "Raise the learning rate until the path overshoots."),
    ("optimizers", "OptimizerExplorer", "Optimizers (lesson 05)", "Race SGD, momentum, RMSprop and Adam on one surface."),
    ("backprop", "BackpropExplorer", "Backpropagation (lesson 06)", "Follow every local gradient through one neuron."),
    ("depth", "DepthExplorer", "Depth and initialisation (lesson 08)",
     "Add layers and watch the gradients vanish or explode."),
    ("digits", "DigitsExplorer", "Handwritten digits (lesson 09)", "Train a network on 8x8 digits."),
    ("overfitting", "OverfitExplorer", "Overfitting and regularisation (lesson 10)",
     "Give a big network little data, then tame it."),
    ("cnn", "ConvExplorer", "Convolution (lesson 11)", "Slide a kernel over a digit."),
    ("explaining", "ExplainExplorer", "Explaining a model (lesson 12)", "Which pixels made the network decide?"),
    ("draw", "DigitDrawer", "Draw a digit (lessons 09, 11, 12)",
     "Draw a digit with the mouse or a finger: two networks read it and show where they looked."),
    ("small", "SmallModelsExplorer", "Small data, small models (lesson 13)",
     "Distil, prune and quantise; watch accuracy against size."),
    ("deepnets", "DeepNetExplorer", "Normalisation and residual connections (lesson 14)",
     "Make a network 20 layers deep; add batch norm or residual connections and watch every layer's gradient."),
    ("sequences", "SequenceExplorer", "Sequences and recurrent networks (lesson 15)",
     "Make a recurrent network remember a symbol: change the cell, the length and clipping; sample text at a temperature."),
    ("attention", "AttentionExplorer", "Attention and the transformer (lesson 16)",
     "Look inside a transformer that reverses digits: each head's attention map; take out the scale, the mask or "
     "the positions."),
    ("autoencoders", "LatentExplorer", "Autoencoders and generative models (lesson 17)",
     "Walk a VAE's 2-D code space and watch the decoder draw; change beta and watch the codes spread or collapse."),
]


LANGUAGES = {"zh_CN": "简体中文"}  # besides English: each page again in apps/<language>/, from apps/<language>/apps.po
INDEX_TITLE = "dlteach explorers"
INDEX_LEAD = "Each page is one explorer from the lessons, live: move its controls and watch."
ALL_EXPLORERS = "All explorers"
FOLDER = Path(__file__).resolve().parents[1] / "apps"


def messages() -> list[str]:
    """Every English text the pages show, in page order: the catalogue's msgids."""
    found = [INDEX_TITLE, INDEX_LEAD, ALL_EXPLORERS]
    for _, _, title, hint in APPS:
        found += [title, hint]
    return found


def catalogue_path(language: str, folder: Path = FOLDER) -> Path:
    return folder / language / "apps.po"


def extract(language: str, folder: Path = FOLDER) -> Path:
    """Create or update the catalogue of `language` from APPS: a new text comes in untranslated, a changed one
    keeps its old translation marked fuzzy (a translator checks it), a text no longer used becomes obsolete."""
    template = Catalog(project="dlteach apps", locale=language, fuzzy=False)
    for text in messages():
        template.add(text, locations=[("scripts/make_apps.py", None)])
    return write_catalogue(template, catalogue_path(language, folder), language)


def translations(language: str, folder: Path = FOLDER) -> dict[str, str]:
    """English text -> translation, for every text the pages show; ValueError naming each text that has no
    usable translation (missing, empty or fuzzy), so that a page never shows English or stale text."""
    path = catalogue_path(language, folder)
    if not path.exists():
        raise ValueError(f"no {language} catalogue {path}; make it with: python scripts/make_apps.py extract")
    with path.open("rb") as f:
        catalogue = read_po(f, locale=language)
    found, missing = {}, []
    for text in messages():
        entry = catalogue.get(text)
        if entry is None or entry.fuzzy or not entry.string:
            reason = ("not in the catalogue (new or changed: run python scripts/make_apps.py extract)"
                      if entry is None else "fuzzy (its English changed: check it, then remove the flag)"
                      if entry.fuzzy else "not translated yet")
            missing.append(f"{path.name} [{language}]: {reason}: {text!r}")
        else:
            found[text] = entry.string
    if missing:
        raise ValueError("\n".join(missing))
    return found


def _notebook(cells) -> nbformat.NotebookNode:
    """A page with fixed cell ids, so that building twice writes the same bytes (the drift test compares them)."""
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i}"
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def _other_language(language: str | None, path: str) -> str:
    """The language switch of a page: a link to the same page in each other language."""
    if language is None:
        return " · ".join(f"[{name}]({code}/{path})" for code, name in LANGUAGES.items())
    return f"[English](../{path})"


def page(explorer: str, title: str, hint: str, name: str = "", language: str | None = None, _=lambda s: s):
    """One explorer's page; `language` None is English, else the page sets it (controls, figures) and `_`
    translates the texts."""
    switch = f" · {_other_language(language, f'{name}.ipynb')}" if name else ""
    return _notebook([
        nbformat.v4.new_markdown_cell(f"# {_(title)}\n\n{_(hint)}  [{_(ALL_EXPLORERS)}](index.ipynb){switch}"),
        nbformat.v4.new_code_cell(f'import dlteach as dt\n\ndt.set_language("{language or "en"}")\n'
                                  f"dt.widgets.{explorer}().widget()")])


def index(language: str | None = None, _=lambda s: s):
    separator = ": " if language is None else "："
    rows = "\n".join(f"- [{_(title)}]({name}.ipynb){separator}{_(hint)}" for name, _explorer, title, hint in APPS)
    switch = (f"English · {_other_language(None, 'index.ipynb')}" if language is None else
              f"{_other_language(language, 'index.ipynb')} · {LANGUAGES[language]}")
    return _notebook([nbformat.v4.new_markdown_cell(f"# {_(INDEX_TITLE)}\n\n{switch}\n\n{_(INDEX_LEAD)}\n\n{rows}")])


def build(folder: Path = FOLDER) -> list[Path]:
    """Write every page, English in `folder` and each language's in folder/<language>/; returns the paths.
    The translations are checked first: a missing or fuzzy one stops the build before anything is written."""
    translated = {language: translations(language, folder) for language in LANGUAGES}
    pages = {folder / "index.ipynb": index()}
    pages |= {folder / f"{name}.ipynb": page(explorer, title, hint, name) for name, explorer, title, hint in APPS}
    for language, table in translated.items():
        _ = table.__getitem__
        pages[folder / language / "index.ipynb"] = index(language, _)
        pages |= {folder / language / f"{name}.ipynb": page(explorer, title, hint, name, language, _)
                  for name, explorer, title, hint in APPS}
    for path, nb in pages.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, path)
    return list(pages)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", nargs="?", default="build", choices=("build", "extract"),
                        help="build: write the pages (default); extract: update apps/<language>/apps.po from APPS")
    args = parser.parse_args(argv)
    if args.command == "extract":
        for language in LANGUAGES:
            print(extract(language))
        return 0
    try:
        written = build()
    except ValueError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"{len(written)} pages written")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
