"""dlteach's own messages in other languages (gettext, Babel): the checkers' verdicts and hints, the explorers' labels.

    python scripts/messages.py extract    # every _("...") of the package -> dlteach/locale/dlteach.pot, and merged
                                          # into each language's dlteach/locale/<lang>/LC_MESSAGES/dlteach.po
    python scripts/messages.py compile    # .po -> .mo (what every build does: setup.py)
    python scripts/messages.py check      # exit 1 if a message of the code is missing from a catalogue

A message changed in the code keeps its old translation marked fuzzy (not used until a translator checks it: gettext
shows the English); a message with no translation is shown in English (dlteach/i18n.py). The lessons' own text has
its catalogues in lessons/<lang>/ (scripts/translate_lessons.py).
"""
from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "dlteach" / "locale"
TEMPLATE = LOCALE / "dlteach.pot"
LANGUAGES = ("zh_CN",)
KEYWORDS = ["-k", "_", "-k", "N_", "-k", "ngettext_:1,2"]


def pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def exercise_texts() -> list[tuple[str, str]]:
    """(text, where) of every exercise's hint ladder (where to look, the idea, the recipe) and success line, and every
    explorer's control labels: data, not _() calls, shown through _() (hints.Ladder.rung, the runner, widgets/base.py),
    so they are added to the template here."""
    sys.path.insert(0, str(ROOT))
    from dlteach.exercises import CODE_EXERCISES, QUIZZES  # noqa: PLC0415

    found = []
    for name, exercise in sorted({**QUIZZES, **CODE_EXERCISES}.items()):
        where = f"dlteach/exercises/lesson_{name[:2]}.py"
        ladder = exercise.ladder
        found += [(text, where) for text in (ladder.where, ladder.look, ladder.idea, ladder.recipe,
                                             getattr(exercise, "good", "")) if text]
    import dlteach.widgets as widgets  # noqa: PLC0415 (the explorers' control labels: widgets/base.py shows _(label))

    for name in sorted(dir(widgets)):
        explorer = getattr(widgets, name)
        for key, param in sorted(getattr(explorer, "PARAMS", {}).items()) if isinstance(explorer, type) else ():
            found.append((param.label or key.replace("_", " "), f"dlteach/widgets/{explorer.__module__.split('.')[-1]}.py"))
    return found


def extract_template(path: Path = TEMPLATE, data: bool = True) -> Path:
    """Every message of the package into `path`: its _() and N_() calls, and with `data` the exercises' and
    explorers' texts (exercise_texts)."""
    here = os.getcwd()
    os.chdir(ROOT)  # locations relative to the repository
    try:
        pybabel("extract", "-F", "babel.cfg", *KEYWORDS, "--add-location=file", "--sort-by-file", "-w", "120",
                "--project", "dlteach", "--copyright-holder", "the dlteach authors", "-o", str(path), "dlteach")
    finally:
        os.chdir(here)
    with path.open("rb") as f:
        template = read_po(f)
    for text, where in exercise_texts() if data else ():
        if text not in template:
            template.add(text, locations=[(where, None)])
    with path.open("wb") as f:
        write_po(f, template, width=120)
    return path


def extract() -> None:
    """The template, then each language's catalogue updated from it (a changed message: its translation kept, fuzzy)."""
    extract_template()
    for language in LANGUAGES:
        po = LOCALE / language / "LC_MESSAGES" / "dlteach.po"
        command = "update" if po.exists() else "init"
        pybabel(command, "-i", str(TEMPLATE), "-d", str(LOCALE), "-D", "dlteach", "-l", language, "-w", "120")


def compile_catalogues() -> list[Path]:
    spec = importlib.util.spec_from_file_location("dlteach_setup", ROOT / "setup.py")
    setup = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(setup)  # setup() itself runs only as __main__
    return setup.compile_catalogues(LOCALE)


def missing(template_path: Path = TEMPLATE, data: bool = True) -> list[str]:
    """Messages of the code (the template, extracted anew; with `data` the exercises' and explorers' texts too) that
    a language's catalogue lacks."""
    with extract_template(template_path, data).open("rb") as f:
        template = read_po(f)
    found = []
    for language in LANGUAGES:
        with (LOCALE / language / "LC_MESSAGES" / "dlteach.po").open("rb") as f:
            catalogue = read_po(f)
        found += [f"{language}: not in the catalogue: {m.id!r}" for m in template if m.id and m.id not in catalogue]
    return found


def main(argv=None) -> int:
    command = (argv if argv is not None else sys.argv[1:] or ["check"])[0]
    if command == "extract":
        extract()
    elif command == "compile":
        for mo in compile_catalogues():
            print(f"{mo.relative_to(ROOT)} written")
    elif command == "check":
        found = missing()
        print("\n".join(found) if found else "every message is in every catalogue")
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
