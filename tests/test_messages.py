"""dlteach's own messages in Chinese (dlteach/i18n.py, gettext): the checkers' verdicts and hints and the explorers'
labels follow dt.set_language, English stays the default and the fallback, every message of the code is in the
catalogue, every translation keeps its {fields}, and the compiled catalogue the package reads is current."""
import importlib.util
import re
import string

import numpy as np
import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

import dlteach as dt
from dlteach import i18n
from dlteach.exercises import check
from browser_support import ROOT

spec = importlib.util.spec_from_file_location("messages", ROOT / "scripts" / "messages.py")
messages = importlib.util.module_from_spec(spec)
spec.loader.exec_module(messages)
CATALOGUE = ROOT / "dlteach" / "locale" / "zh_CN" / "LC_MESSAGES" / "dlteach.po"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def chinese():
    dt.set_language("zh_CN")
    yield
    dt.set_language("en")


def _catalogue():
    with CATALOGUE.open("rb") as f:
        return read_po(f)


def _fields(text: str) -> set:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_the_compiled_catalogue_is_current():
    """setup.py compiles it at every build (pip install, -e, Colab's git+); after editing the .po by hand:
    python scripts/messages.py compile."""
    mo = CATALOGUE.with_suffix(".mo")
    assert mo.exists(), f"{mo.relative_to(ROOT)} missing: pip install -e . or python scripts/messages.py compile"
    # What gettext reads, message by message: not the bytes, which carry the version of the Babel that wrote them
    # (pip builds the package with the newest Babel, the tests run with the pinned one).
    with mo.open("rb") as f:
        compiled = {m.id: m.string for m in read_mo(f) if m.id}
    wanted = {m.id: m.string for m in _catalogue() if m.id and m.string and not m.fuzzy}
    stale = sorted(set(compiled.items()) ^ set(wanted.items()), key=str)[:3]
    assert compiled == wanted, f"dlteach.mo is older than dlteach.po ({stale}): python scripts/messages.py compile"


def test_every_message_of_the_code_is_in_the_catalogue(tmp_path):
    """Every _("...") of the package (an exercise's or explorer's own text may wait for the next extract: until
    then it shows in English, as any untranslated message)."""
    found = messages.missing(tmp_path / "dlteach.pot", data=False)
    assert not found, "run python scripts/messages.py extract, then translate:\n" + "\n".join(found[:20])


def test_every_translation_keeps_the_fields_of_its_message():
    wrong = [(m.id, m.string) for m in _catalogue() if m.id and m.string and _fields(m.id) != _fields(m.string)]
    assert not wrong, wrong


def test_what_a_learner_reads_most_is_translated():
    """The verdicts, the hint ladder's frame, dt.expect's refusal, the explorers' frame: all translated."""
    untranslated = [m.id for m in _catalogue() if m.id and not m.string
                    and any(path.endswith(("exercises/__init__.py", "hints.py", "runner.py", "lesson.py", "base.py"))
                            for path, _ in m.locations)]
    assert not untranslated, untranslated


def test_a_verdict_speaks_the_language_set(capsys, chinese):
    dt.exercises.reset_hints("02.sigmoid_backward")
    assert check("02.sigmoid_backward", lambda z, grad_a: grad_a * z) is False
    said = capsys.readouterr().out
    assert said.startswith("还不对。你的结果不对。") and "  期望：" in said and "提示1/3：" in said
    assert 'dt.hint("02.sigmoid_backward")' in said
    sigmoid = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    assert check("02.sigmoid_backward", lambda z, grad_a: sigmoid(z) * (1 - sigmoid(z)) * grad_a)
    assert capsys.readouterr().out.startswith("正确！")
    with pytest.raises(dt.ClaimError, match="^课文说："):
        dt.expect(False, "损失下降")
    dt.set_language("en")
    check("02.sigmoid_backward", lambda z, grad_a: grad_a * z)
    said = capsys.readouterr().out
    assert said.startswith("Not yet. Your result is not right.") and not CJK.search(said.split("\n")[0])


def test_a_message_without_a_translation_is_english(chinese):
    assert i18n.gettext_("A sentence no catalogue has.") == "A sentence no catalogue has."
    assert i18n.gettext_("") == ""  # not the catalogue's header
    assert i18n.gettext_("Correct! ") == "正确！"


def test_the_explorers_controls_are_labelled_in_the_language_set(chinese):
    pytest.importorskip("ipywidgets")
    from dlteach.widgets import GradientDescentExplorer  # noqa: PLC0415

    ui = GradientDescentExplorer().widget()
    descriptions = {w.description for w in ui.controls.values()}
    assert "学习率" in descriptions and "曲面" in descriptions, descriptions
