"""What the checkers and dt.spread say comes in the language set (issue 27): a checker's specific diagnosis, a case's
note, a twin's line, a quiz's verdict and known mistake, dt.spread's suffix. Each test triggers the message through
the real code (a real wrong answer through the real checker, a real dt.spread call), reads it in Chinese, then in
English: Chinese characters and the same numbers in zh_CN, the English text (which the English notebooks pin) in en."""
import re

import numpy as np
import pytest
from babel.messages.pofile import read_po

import dlteach as dt
from dlteach import solutions
from dlteach.exercises import check, reset_hints
from browser_support import ROOT

CJK = re.compile(r"[\u4e00-\u9fff]")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")
CATALOGUE = ROOT / "dlteach" / "locale" / "zh_CN" / "LC_MESSAGES" / "dlteach.po"


@pytest.fixture(autouse=True)
def english_after():
    yield
    dt.set_language("en")


def said(capsys, language, exercise, answer) -> str:
    """The verdict line(s) of check(exercise, answer) in `language`, without the hint rung (hints are tested
    elsewhere)."""
    dt.set_language(language)
    reset_hints(exercise)
    check(exercise, answer)
    text = capsys.readouterr().out
    return text.split("\nHint 1 of 3")[0].split("\n提示1/3")[0]


def numbers(text: str) -> list[str]:
    return sorted(NUMBER.findall(text))


def test_spread_suffix_follows_the_language():
    values = [0.97, 0.96, 0.98, 0.97, 0.95]
    dt.set_language("zh_CN")
    chinese, short = str(dt.spread(values)), f"{dt.spread(values):.3f}"
    assert CJK.search(chinese) and CJK.search(short), (chinese, short)
    assert chinese.startswith("0.966 ± 0.011（") and "n = 5" in chinese and "0.95" in chinese and "0.98" in chinese
    assert short.startswith("0.966 ± 0.011（") and "n = 5" in short
    dt.set_language("en")
    assert str(dt.spread(values)) == "0.966 ± 0.011 (n = 5, min 0.95, max 0.98)"
    assert f"{dt.spread(values):.3f}" == "0.966 ± 0.011 (n = 5)"


def test_a_specific_diagnosis_of_a_code_exercise(capsys):
    """neuron_forward returning z = X w + b: the exercise's own diagnosis, in Chinese, then the English one."""
    def returns_z(X, w, b):
        return X @ w + b

    chinese = said(capsys, "zh_CN", "01.neuron_forward", returns_z)
    assert "你的结果等于 z = X w + b" in chinese and "  期望：" in chinese
    english = said(capsys, "en", "01.neuron_forward", returns_z)
    assert "  Your result equals z = X w + b, the neuron's input to its activation, not its output." in english
    assert numbers(chinese) == numbers(english)  # the same inputs, expected and received values


def test_a_diagnosis_with_numbers_keeps_them(capsys):
    """he_normal drawing uniform weights of variance 1/3: the variance sentence carries the same numbers."""
    def uniform(n_in, n_out, rng):
        return rng.uniform(-1, 1, (n_in, n_out))

    chinese = said(capsys, "zh_CN", "08.he_normal", uniform)
    english = said(capsys, "en", "08.he_normal", uniform)
    assert english.startswith("Not yet. For (500, 600) the variance should be 2 / n_in = 0.004; yours is ")
    assert CJK.search(chinese) and "方差应为 2 / n_in = 0.004" in chinese
    assert numbers(chinese) == numbers(english)


def test_the_shape_message_and_its_advice(capsys):
    def column(X, w, b):
        return (X @ w + b)[:, None]

    chinese = said(capsys, "zh_CN", "01.neuron_forward", column)
    english = said(capsys, "en", "01.neuron_forward", column)
    assert "你的结果的形状是(4, 1)，期望的是(4,)。" in chinese and "reshape" in chinese
    assert "Your result has shape (4, 1), expected (4,). Same number of entries" in english


def test_a_case_note_and_a_plural(capsys):
    """A note with a count (ngettext_) in the verdict's first line: '3 hidden neurons' / '3个隐藏神经元'."""
    def no_output_sigmoid(X, W1, b1, W2, b2):
        return np.tanh(X @ W1 + b1) @ W2 + b2

    chinese = said(capsys, "zh_CN", "07.forward", no_output_sigmoid)
    english = said(capsys, "en", "07.forward", no_output_sigmoid)
    assert "(4 hidden neurons)" in english.splitlines()[0], english
    assert "(4个隐藏神经元)" in chinese.splitlines()[0], chinese
    assert "你的输出等于输出层sigmoid之前的z：不是概率。" in chinese


def test_a_quiz_verdict_a_known_mistake_and_the_success_text(capsys):
    chinese = said(capsys, "zh_CN", "01.z_change", 2.5)
    assert chinese.strip() == "还不对。那是只有w.x的变化：b也移动了。"
    assert said(capsys, "en", "01.z_change", 2.5).strip() == "Not yet. That is the change of w.x alone: b moved too."
    close = said(capsys, "zh_CN", "02.sigmoid_max_slope", 0.2)
    assert close.strip() == ("还不对。很接近，但请给出2位小数（你的是1位小数）。在后面补零不会改变这个数：算出下一位数字。")
    assert said(capsys, "en", "02.sigmoid_max_slope", 0.2).strip() == (
        "Not yet. Close, but give 2 decimals (yours has 1 decimal). Adding zeros does not change the number: work out "
        "the next digit.")
    assert CJK.search(said(capsys, "zh_CN", "02.sigmoid_max_slope", 0.25))
    line = said(capsys, "zh_CN", "01.and_neuron", (1, 1, -1))
    assert "(0, 1)和(1, 0)恰好落在这条线上" in line
    assert "(0, 1) and (1, 0) lie exactly on the line" in said(capsys, "en", "01.and_neuron", (1, 1, -1))


def test_a_twin_line_after_every_case_passed(capsys):
    """The Keras twin's agreement, after a correct answer (TensorFlow is imported here)."""
    chinese = said(capsys, "zh_CN", "02.sigmoid_backward", solutions.sigmoid_backward)
    assert "通过tf.sigmoid的tf.GradientTape与你的结果一致，" in chinese and CJK.search(chinese.split("。")[0])
    english = said(capsys, "en", "02.sigmoid_backward", solutions.sigmoid_backward)
    assert re.search(r"tf\.GradientTape through tf\.sigmoid agrees (exactly|to < 1e-\d+)\.", english), english


def test_every_message_of_the_checkers_and_stats_is_translated():
    """Every message of dlteach/exercises, lesson.py and stats.py has a Chinese translation that is not fuzzy:
    otherwise a Chinese learner reads that one in English."""
    with CATALOGUE.open("rb") as f:
        catalogue = read_po(f)
    mine = ("dlteach/exercises/", "dlteach/lesson.py", "dlteach/stats.py")
    untranslated = [m.id for m in catalogue if m.id and any(p.startswith(mine) for p, _ in m.locations)
                    and (m.fuzzy or not (m.string if isinstance(m.string, str) else m.string[0]))]
    assert not untranslated, untranslated[:10]


def test_an_unreadable_quiz_answer(capsys):
    chinese = said(capsys, "zh_CN", "02.sigmoid_max_slope", "0,25")
    assert chinese.strip() == "还不对。无法读取答案：写数字时不要用逗号（写12864，或用小数点写0.89），却得到了'0,25'。"
    assert said(capsys, "en", "02.sigmoid_max_slope", "0,25").strip() == (
        "Not yet. Could not read the answer: write the number without commas (12864, or 0.89 with a decimal point), "
        "got '0,25'.")


def test_the_precision_a_lesson_prints_follows_the_language():
    from dlteach.exercises import precision_of

    dt.set_language("zh_CN")
    assert precision_of("14.batch_of_one") == "2位小数"
    dt.set_language("en")
    assert precision_of("14.batch_of_one") == "2 decimals"


def test_an_arrays_later_rows_stand_under_its_first_in_chinese_too():
    """The verdict's "expected:"/"received:" matrices: later rows indented by the label's display width (期望： is
    six columns wide, the English 'expected: ' ten), so the columns of numbers line up in both languages."""
    import dlteach as dt  # noqa: PLC0415
    from dlteach.exercises.runner import _shown  # noqa: PLC0415

    arr = np.array([[0.1, 0.2], [0.3, 0.4]])
    for language, label in (("en", "  expected: "), ("zh_CN", "  期望：")):
        dt.set_language(language)
        try:
            first, second = _shown(dt.i18n.gettext_("  expected: {value}"), arr).split("\n")[:2]
        finally:
            dt.set_language("en")
        assert first.startswith(label + "[[") and dt.columns(second[:second.index("[")]) == dt.columns(label) + 1
