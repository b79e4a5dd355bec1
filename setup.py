"""setuptools build hook: dlteach's message catalogues (dlteach/locale/<language>/LC_MESSAGES/dlteach.po, gettext)
are compiled to dlteach.mo whenever the package is built, so `pip install .`, `pip install -e .` (make) and Colab's
`pip install git+...` all get them; the .mo files are not kept in git. Everything else is in pyproject.toml.

scripts/messages.py extracts the messages (Babel), updates the catalogues and compiles them by hand;
tests/test_messages.py fails when a compiled catalogue is older than its .po.
"""
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

LOCALE = Path(__file__).resolve().parent / "dlteach" / "locale"


def compile_catalogues(locale_dir: Path = LOCALE) -> list[Path]:
    """Write <name>.mo beside every <name>.po under locale_dir (fuzzy translations left out: gettext then shows the
    English); returns the files written."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as f:
            catalogue = read_po(f)
        with po.with_suffix(".mo").open("wb") as f:
            write_mo(f, catalogue, use_fuzzy=False)
        written.append(po.with_suffix(".mo"))
    return written


class BuildPyWithCatalogues(build_py):
    """build_py (also run by editable installs) that compiles the catalogues first, into the source tree, so the
    package data it copies (pyproject.toml: locale/*/LC_MESSAGES/*.mo) includes them."""

    def run(self):
        compile_catalogues()
        super().run()


if __name__ == "__main__":
    setup(cmdclass={"build_py": BuildPyWithCatalogues})
