"""The language of what dlteach says and draws: English (the default) or Simplified Chinese.

    dt.set_language("zh_CN")   # the checkers' verdicts and hints, the explorers' labels, figures' Chinese text
    dt.set_language("en")      # back to English
    dt.set_language()          # the locale's: Chinese when LANGUAGE, LC_ALL, LC_MESSAGES or LANG says zh

Messages go through standard gettext: `_("...")` marks a message in the package's code, Babel extracts them
into dlteach/locale/zh_CN/LC_MESSAGES/dlteach.po, and the build compiles that into dlteach.mo (setup.py).
A message without a translation is shown in English. Programmer-facing errors (a ValueError naming a bad
parameter) stay English: they are searched for, and pinned by tests.

Figures: in Chinese, matplotlib's font family becomes [DejaVu Sans (the usual sans-serif), Noto Sans SC
dlteach], a cut of Noto Sans CJK SC shipped in dlteach/fonts (SIL OFL 1.1; scripts/make_font.py). matplotlib
>= 3.6 looks each glyph up in the list in order, so Latin text is drawn by DejaVu Sans exactly as in English
and only the characters DejaVu lacks come from the Chinese font. No network and no system font is needed,
in Colab neither.

A lesson says its language in its first code cell (scripts/lesson_header.py): the English lessons call
`dlteach.set_language("en")` and the translated ones, built by scripts/translate_lessons.py, "zh_CN".
"""
from __future__ import annotations

import gettext
import os
import sys
import unicodedata
from pathlib import Path

__all__ = ["LANGUAGES", "set_language", "get_language", "gettext_", "ngettext_", "N_", "use_figure_font", "columns",
           "pad"]

LANGUAGES = ("en", "zh_CN")
DOMAIN = "dlteach"
HERE = Path(__file__).resolve().parent
LOCALE_DIR = HERE / "locale"
FONT = HERE / "fonts" / "NotoSansSC-dlteach.otf"
FONT_FAMILY = "Noto Sans SC dlteach"

_state = {"language": None, "translation": gettext.NullTranslations(), "font_added": False}


def language_from_environment() -> str:
    """'zh_CN' when the first of LANGUAGE, LC_ALL, LC_MESSAGES, LANG that is set (gettext's order) starts
    with zh, else 'en'. DLTEACH_LANGUAGE, when set, wins (tests and classrooms pin it)."""
    chosen = os.environ.get("DLTEACH_LANGUAGE")
    if chosen:
        return chosen if chosen in LANGUAGES else "en"
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "zh_CN" if value.split(":")[0].lower().startswith("zh") else "en"
    return "en"


def set_language(language: str | None = None) -> None:
    """Speak and draw in `language` ("en" or "zh_CN"; None: the locale's); get_language() tells which is set.
    Returns None, so that a lesson's first cell, which calls it last, prints nothing."""
    if language is None:
        language = language_from_environment()
    if language not in LANGUAGES:
        raise ValueError(f"set_language: language must be one of {', '.join(map(repr, LANGUAGES))}, "
                         f"got {language!r}.")
    _state["language"] = language
    _state["translation"] = (gettext.NullTranslations() if language == "en" else
                             gettext.translation(DOMAIN, LOCALE_DIR, [language], fallback=True))
    if language != "en" or "matplotlib" in sys.modules:  # English needs no matplotlib; Chinese figures do
        use_figure_font()


def get_language() -> str:
    """The language in use ("en" or "zh_CN"); the locale's until set_language is called."""
    if _state["language"] is None:
        set_language(None)
    return _state["language"]


def gettext_(message: str) -> str:
    """`message` in the language in use (English when it has no translation). Imported as `_`."""
    if not message:  # gettext("") is the catalogue's header
        return message
    get_language()
    return _state["translation"].gettext(message)


def N_(message: str) -> str:
    """Marks `message` for extraction where it is defined; it is translated where shown, with _(message)."""
    return message


def ngettext_(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for `n`, in the language in use."""
    get_language()
    return _state["translation"].ngettext(singular, plural, n)


def _add_font(manager) -> None:
    """The Chinese font, registered under every weight: only Regular is shipped, so bold Chinese (a title,
    weight="bold") is drawn with the regular glyphs instead of matplotlib warning "findfont: Failed to find
    font weight bold for Noto Sans SC dlteach" once per figure. Latin text keeps DejaVu Sans' weights."""
    import dataclasses  # noqa: PLC0415

    manager.addfont(str(FONT))
    regular = [e for e in manager.ttflist if e.fname == str(FONT)]
    for weight in range(100, 1000, 100):
        manager.ttflist += [dataclasses.replace(e, weight=weight) for e in regular if e.weight != weight]
    manager._findfont_cached.cache_clear()  # as addfont does: a lookup made before must not stay cached


def use_figure_font() -> None:
    """matplotlib's font family for the language in use: the Chinese font appended as a fallback after
    the usual families in Chinese, removed in English (English figures stay exactly as they were)."""
    import matplotlib as mpl  # noqa: PLC0415 (only figures need it)
    from matplotlib import font_manager  # noqa: PLC0415

    family = [f for f in mpl.rcParams["font.family"] if f != FONT_FAMILY]
    if get_language() != "en":
        if not _state["font_added"]:
            _add_font(font_manager.fontManager)
            _state["font_added"] = True
        family.append(FONT_FAMILY)
    mpl.rcParams["font.family"] = family


def columns(text: str) -> int:
    """The width of `text` in columns of a Latin letter, as a terminal or a notebook's monospaced output shows
    it: a Chinese character (East Asian wide or full-width) takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def pad(text, width: int, align: str = "<") -> str:
    """`text` padded with spaces to `width` columns (see `columns`), like f"{text:<width}" but aligned in a
    Chinese edition too: f"{name:15s}" counts 批量规范化 as 5 wide, the screen shows it 10 wide.
    align: "<" (left, the default) or ">" (right). Longer text is kept whole."""
    if align not in ("<", ">"):
        raise ValueError(f"pad: align must be '<' or '>', got {align!r}.")
    text = str(text)
    fill = " " * max(0, width - columns(text))
    return text + fill if align == "<" else fill + text
