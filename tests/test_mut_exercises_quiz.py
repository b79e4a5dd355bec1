"""Mutation tests for the quizzes' readers (dlteach/exercises/quiz.py): the AND-neuron quiz on every kind
of line (unreadable, through the points, the lesson's line scaled or flipped, on the wrong side, right),
the workflow order, and the arithmetic a numeric answer may be written in (what is read, what is refused
and why), each through check() with the first line of what the learner sees pinned."""
import warnings

import numpy as np
import pytest

from dlteach.exercises import check, reset_hints


@pytest.fixture(autouse=True)
def _ladders_at_the_bottom():
    reset_hints()
    yield
    reset_hints()


def _says(name, answer, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a notebook would print any warning under the verdict
        ok = check(name, answer)
    return ok, capsys.readouterr().out.splitlines()[0]


ON_THE_LINE = "exactly on the line: z = 0 and a = 0.5, undecided. The exercise asks for a line that passes " \
              "through none of the four points."
AND_NEURON = [
    ("abc", False, "Not yet. Could not read the answer: answer should be three numbers (w1, w2, b), got 'abc'."),
    (5, False, "Not yet. Could not read the answer: answer should be three numbers (w1, w2, b), got 5."),
    ((1, 2), False, "Not yet. Could not read the answer: answer should be three numbers (w1, w2, b), got (1, 2)."),
    ((True, 1, 1), False, "Not yet. Could not read the answer: answer should be a number, got True."),
    ((0, 0, 0), False, "Not yet. (0, 0) and (0, 1) and (1, 0) and (1, 1) lie " + ON_THE_LINE),
    ((2, 1, -2), False, "Not yet. (1, 0) lies " + ON_THE_LINE),
    ((1, 1, -1), False, "Not yet. (0, 1) and (1, 0) lie " + ON_THE_LINE),
    # within 1e-12 of 0 relative to the largest weight: on the line; 1e-8 off: a = 0.50 on the wrong side
    ((2e3, 1e3, -2e3 + 1e-10), False, "Not yet. (1, 0) lies " + ON_THE_LINE),
    ((2e3, 1e3, -2e3 + 1e-8), False, "Not yet. On the wrong side of a = 0.5: (1, 0) gets a = 0.50."),
    ((-1, -1, 1.5), False, "Not yet. That is the lesson's line with every sign flipped: the same line, but its "
                           "positive side (a > 0.5) now holds (0, 0), (0, 1) and (1, 0), the other three points (that "
                           "is NAND). Keep (1, 1) on the positive side."),
    ((-2, -2, 3), False, "Not yet. That is the lesson's line with every sign flipped: the same line, but its "
                         "positive side (a > 0.5) now holds (0, 0), (0, 1) and (1, 0), the other three points (that "
                         "is NAND). Keep (1, 1) on the positive side."),
    ((2, 2, -3), False, "Not yet. That is the line the lesson shows, (1, 1, -1.5) (scaling all three numbers by the "
                        "same factor gives the same line). Find a different line: tilt it (w1 != w2) or move it."),
    ((1, 1, -1.5000001), False, "Not yet. That is the line the lesson shows, (1, 1, -1.5) (scaling all three numbers "
                                "by the same factor gives the same line). Find a different line: tilt it (w1 != w2) "
                                "or move it."),
    ((1, 1, -0.5), False, "Not yet. On the wrong side of a = 0.5: (0, 1) gets a = 0.62; (1, 0) gets a = 0.62."),
    ((-1, 1, 0.5), False, "Not yet. On the wrong side of a = 0.5: (0, 0) gets a = 0.62; (0, 1) gets a = 0.82."),
    ((-1, 1, -0.5), False, "Not yet. On the wrong side of a = 0.5: (0, 1) gets a = 0.62; (1, 1) gets a = 0.38."),
    ((1, 2, -2.5), True, "Correct! Only (1, 1) gets z = w1 + w2 + b > 0."),
    ((1, 1, -1.4), True, "Correct! Only (1, 1) gets z = w1 + w2 + b > 0."),
    (("1", "1/2", "-1.2"), True, "Correct! Only (1, 1) gets z = w1 + w2 + b > 0."),
]


@pytest.mark.parametrize("answer,ok,first_line", AND_NEURON, ids=[repr(a[0]) for a in AND_NEURON])
def test_and_neuron_says_what_is_wrong_with_each_kind_of_line(answer, ok, first_line, capsys):
    assert _says("01.and_neuron", answer, capsys) == (ok, first_line)


def test_and_neuron_climbs_the_ladder_only_on_a_line():
    from dlteach.exercises import hints

    for answer in ("abc", 5, (1, 2)):
        check("01.and_neuron", answer)
    assert hints.reached("01.and_neuron") == 0
    check("01.and_neuron", (1, 1, -0.5))
    assert hints.reached("01.and_neuron") == 1


WORKFLOW = [
    ("DBEAC", True, "Correct! Preprocess (split, then scale with training statistics), design, train, compare "
                    "settings on data the weights were not fitted to, and test once at the very end."),
    ("d-b-e-a-c", True, "Correct! Preprocess (split, then scale with training statistics), design, train, compare "
                        "settings on data the weights were not fitted to, and test once at the very end."),
    ("BDEAC", False, "Not yet. Not in place: B in place 1, D in place 2."),
    ("CAEBD", False, "Not yet. Not in place: C in place 1, A in place 2, B in place 4, D in place 5."),
    ("DBEAE", False, "Not yet. Give each of the five letters A-E exactly once, e.g. 'ABCDE'."),
    ("abcd", False, "Not yet. Give each of the five letters A-E exactly once, e.g. 'ABCDE'."),
    ("DBEACF", False, "Not yet. Give each of the five letters A-E exactly once, e.g. 'ABCDE'."),
    (12345, False, "Not yet. Give each of the five letters A-E exactly once, e.g. 'ABCDE'."),
]


@pytest.mark.parametrize("answer,ok,first_line", WORKFLOW, ids=[repr(a[0]) for a in WORKFLOW])
def test_workflow_order_names_the_misplaced_letters(answer, ok, first_line, capsys):
    assert _says("00.workflow_order", answer, capsys) == (ok, first_line)


def test_workflow_order_letters_that_are_not_five_do_not_climb():
    from dlteach.exercises import hints

    check("00.workflow_order", "abcd")
    assert hints.reached("00.workflow_order") == 0
    check("00.workflow_order", "BDEAC")
    assert hints.reached("00.workflow_order") == 1


UNREADABLE = "Not yet. Could not read the answer: answer should be a number or arithmetic such as 40/45, got "
ONLY = " (only numbers and + - * / **, sqrt, exp, log, log10)."
# 03.bce_value: -ln(0.9) = 0.10536 to 2 significant digits
ARITHMETIC = [
    ("-log(0.9)", True, "Correct! L = -log 0.9 = 0.105."),
    ("log(1/0.9)", True, "Correct! L = -log 0.9 = 0.105."),
    ("-ln(0.9)", True, "Correct! L = -log 0.9 = 0.105."),
    ("log10(1.274)", True, "Correct! L = -log 0.9 = 0.105."),
    ("pi/30", True, "Correct! L = -log 0.9 = 0.105."),
    ("e/26", True, "Correct! L = -log 0.9 = 0.105."),
    ("exp(-2.25)", True, "Correct! L = -log 0.9 = 0.105."),
    ("sqrt(0.0111)", True, "Correct! L = -log 0.9 = 0.105."),
    ("0.3 - 0.2 + 0.005", True, "Correct! L = -log 0.9 = 0.105."),
    ("0.0105 * 10", True, "Correct! L = -log 0.9 = 0.105."),
    ("+0.105", True, "Correct! L = -log 0.9 = 0.105."),
    ("(0.105)", True, "Correct! L = -log 0.9 = 0.105."),
    ("10.5%", True, "Correct! L = -log 0.9 = 0.105."),
    ("10%", False, "Not yet. Close, but round to 2 significant digits: to the nearest, not cut off."),
    ("0.1", False, "Not yet. Close, but give 2 significant digits (yours has 1 significant digit). Adding zeros does "
                   "not change the number: work out the next digit."),
    ("1e-1", False, "Not yet. Close, but give 2 significant digits (yours has 1 significant digit). Adding zeros does "
                    "not change the number: work out the next digit."),
    ("0.10", False, "Not yet. Close, but round to 2 significant digits: to the nearest, not cut off."),
    ("-log10(0.9)", False, "Not yet. That is -log10(0.9): the cross-entropy uses the natural log."),
    ("-0.105", False, "Not yet. Your answer has the wrong sign."),
    ("0.2", False, "Not yet. Your answer is too large."),
    ("2**100", False, "Not yet. Your answer is too large."),
    ("2**-100", False, "Not yet. Your answer is too small."),
    ("0.11%", False, "Not yet. Your answer is too small."),
    ("2**101", False, UNREADABLE + "'2**101' (an exponent above 100)."),
    ("2**-101", False, UNREADABLE + "'2**-101' (an exponent above 100)."),
    ("foo(2)", False, UNREADABLE + "'foo(2)'" + ONLY),
    ("sqrt(x=2)", False, UNREADABLE + "'sqrt(x=2)'" + ONLY),
    ("sqrt()", False, UNREADABLE + "'sqrt()'" + ONLY),
    ("True", False, UNREADABLE + "'True'" + ONLY),
    ("x", False, UNREADABLE + "'x'" + ONLY),
    ("2 % 3", False, UNREADABLE + "'2 % 3'" + ONLY),
    ("not 0", False, UNREADABLE + "'not 0'" + ONLY),
    ("1/0", False, UNREADABLE + "'1/0' (float division by zero)."),
    ("sqrt(2, 3)", False, "Not yet. Could not read the answer: write the number without commas (12864, or 0.89 with "
                          "a decimal point), got 'sqrt(2, 3)'."),
    ([0.1], False, "Not yet. Could not read the answer: answer should be one number, got list [0.1]."),
    (True, False, "Not yet. Could not read the answer: answer should be a number, got True."),
    (float("nan"), False, "Not yet. Could not read the answer: answer should be a finite number, got nan."),
]


@pytest.mark.parametrize("answer,ok,first_line", ARITHMETIC, ids=[repr(a[0]) for a in ARITHMETIC])
def test_a_numeric_answer_is_read_as_arithmetic_or_refused_with_the_reason(answer, ok, first_line, capsys):
    assert _says("03.bce_value", answer, capsys) == (ok, first_line)


WORD = [
    (" NO ", True, "Correct! No line puts (0,1), (1,0) on one side and (0,0), (1,1) on the other: XOR needs a hidden "
                   "layer.", 0),
    (0, True, "Correct! No line puts (0,1), (1,0) on one side and (0,0), (1,1) on the other: XOR needs a hidden "
              "layer.", 0),
    ("yes", False, "Not yet. Name the line: which (w1, w2, b) puts the two diagonals on different sides?", 1),
    ("maybe", False, "Not yet. Answer with one of 'yes', 'no'.", 0),
    (3, False, "Not yet. Answer with one of 'yes', 'no'.", 0),
    ([1], False, "Not yet. Could not read the answer: answer should be one word, 'yes' or 'no', got [1].", 0),
    (2.5, False, "Not yet. Could not read the answer: answer should be one word, 'yes' or 'no', got 2.5.", 0),
]


@pytest.mark.parametrize("answer,ok,first_line,rung", WORD, ids=[repr(a[0]) for a in WORD])
def test_a_word_answer_is_read_or_the_choices_are_named_without_a_hint(answer, ok, first_line, rung, capsys):
    from dlteach.exercises import hints

    assert _says("01.xor_one_neuron", answer, capsys) == (ok, first_line)
    assert hints.reached("01.xor_one_neuron") == rung


def test_assert_check_uses_the_seed_it_is_given():
    """Its message shows the inputs of the seed's cases: the same as check's with that seed, not seed 0's."""
    from dlteach.exercises import assert_check

    def wrong(z, grad_a):
        return grad_a / (1 + np.exp(-z))

    messages = {}
    for seed in (0, 3):
        reset_hints()
        with pytest.raises(AssertionError) as raised:
            assert_check("02.sigmoid_backward", wrong, seed=seed)
        messages[seed] = str(raised.value)
        reset_hints()
        with pytest.raises(AssertionError) as same:
            check("02.sigmoid_backward", wrong, seed=seed, raise_on_fail=True)
        assert str(same.value) == messages[seed]
    assert messages[0] != messages[3] and "z = [" in messages[3]
