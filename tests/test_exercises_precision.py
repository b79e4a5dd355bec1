"""Numeric quizzes state a precision and accept every answer correct to it: the exact value, the value
rounded at the stated precision (either way at a tie), more digits, fractions such as 40/45. A right value
with too few digits, or cut off instead of rounded, is told "close" without a hint about the concept; a
wrong value gets the concept's first hint."""
import math

import pytest

from dlteach import solutions
from dlteach.exercises import check, precision_of, reset_hints
from dlteach.exercises.quiz import NUMERIC

from test_exercises import WRONG_QUIZ


@pytest.fixture(autouse=True)
def _ladders_at_the_bottom():
    reset_hints()
    yield
    reset_hints()


def _verdict(name, answer, capsys):
    ok = check(name, answer)
    return ok, capsys.readouterr().out


def _passes(name, answer, capsys):
    ok, out = _verdict(name, answer, capsys)
    assert ok and out.startswith("Correct!"), f"{name}: {answer!r} should pass ({precision_of(name)}): {out}"


def _fails(name, answer, capsys):
    ok, out = _verdict(name, answer, capsys)
    assert not ok, f"{name}: {answer!r} should fail ({precision_of(name)})"
    return out


@pytest.mark.parametrize("name", sorted(NUMERIC))
def test_every_numeric_quiz_states_a_precision(name):
    text = precision_of(name)
    assert text == "exact" or text.endswith(("decimals", "decimal", "significant digits"))
    assert NUMERIC[name].passes(solutions.QUIZ[name])


def test_precision_of_examples_and_refusals():
    assert precision_of("02.sigmoid_max_slope") == "2 decimals"
    assert precision_of("08.sigmoid_factor") == "2 significant digits"
    assert precision_of("11.conv_params") == "exact"
    with pytest.raises(ValueError, match="'04.predict_at_bound' is not a numeric quiz. Numeric quizzes: 01.z_change"):
        precision_of("04.predict_at_bound")


@pytest.mark.parametrize("name", sorted(NUMERIC))
def test_exact_value_rounded_values_and_more_digits_pass(name, capsys):
    quiz = NUMERIC[name]
    v = quiz.value
    _passes(name, v, capsys)
    d = quiz.decimals_asked()
    if d is None:  # exact: an int where the value is whole, and the value itself
        if float(v).is_integer():
            _passes(name, int(v), capsys)
            _passes(name, str(int(v)), capsys)
        return
    _passes(name, round(v, d), capsys)                   # rounded at the stated precision
    _passes(name, round(v, d + 1), capsys)               # one digit more
    _passes(name, round(v, d + 3), capsys)               # several more
    _passes(name, f"{round(v, d):.{max(d, 0)}f}", capsys)  # typed as text
    down, up = math.floor(v * 10**d) / 10**d, math.ceil(v * 10**d) / 10**d
    for candidate in (down, up):  # both directions: the one nearer passes; both do at a tie
        if abs(candidate - v) <= 0.5 * 10**-d + 1e-15:
            _passes(name, candidate, capsys)
    half = quiz.half_unit()
    _passes(name, v + 0.98 * half, capsys)
    _passes(name, v - 0.98 * half, capsys)
    _fails(name, v + 1.05 * half, capsys)
    if not quiz.magnitude:
        _fails(name, v - 1.05 * half, capsys)


@pytest.mark.parametrize("name", sorted(NUMERIC))
def test_a_near_miss_is_told_its_precision_not_a_concept_hint(name, capsys):
    """The right value rounded to one digit fewer than asked: 'Close, but give ...', no hint, no climb."""
    quiz = NUMERIC[name]
    d = quiz.decimals_asked()
    if d is None and float(quiz.value).is_integer():
        pytest.skip("a whole number has no coarser rounding")
    coarse = d - 1 if d is not None else max(0, -math.floor(math.log10(abs(quiz.value))) - 1)
    near = round(quiz.value, coarse)
    if near == 0 or quiz.passes(near):
        pytest.skip(f"rounded to {coarse} decimals the value is still right ({near})")
    out = _fails(name, near, capsys)
    assert out.startswith("Not yet. Close, but ") and "Hint" not in out, out
    assert ("give " in out and precision_of(name) in out) or "exact value" in out
    out = _fails(name, near, capsys)
    assert "Hint" not in out  # still no hint: the concept is right


@pytest.mark.parametrize("name", sorted(NUMERIC))
def test_a_wrong_answer_gets_the_first_hint_not_close(name, capsys):
    out = _fails(name, WRONG_QUIZ[name], capsys)
    assert out.startswith("Not yet.") and "Close" not in out
    assert "Hint 1 of 3: " in out and "See '" in out


@pytest.mark.parametrize("name,answers", [
    ("09.precision", [0.89, 0.889, 0.8889, 40 / 45, "40/45", "40 / (40 + 5)", "88.9%", " 0.89 "]),
    ("08.glorot_limit", [0.17, 0.173, 0.1732, "sqrt(6/200)", "sqrt(6 / (100 + 100))"]),
    ("13.soft_target", [0.73, 0.731, 0.7311, "e/(e+1)", "exp(1)/(exp(1)+1)"]),
    ("03.bce_value", [0.11, 0.105, 0.1054, "-log(0.9)", "-ln(0.9)"]),
    ("03.bce_confident_wrong", [4.6, 4.61, 4.605, "-log(0.01)"]),
    ("08.sigmoid_factor", [9.5e-7, 9.54e-7, "9.5e-7", "0.25**10", "(1/4)**10"]),
    ("11.conv_params", [12864, "12864", "12_864", "5*5*8*64 + 64", 12864.0]),
    ("04.largest_stable_lr", [0.04, 0.0399, "2/50"]),
    ("05.adam_first_step", [0.01, -0.01]),  # the size of the step is asked: its sign may be either
])
def test_the_reviews_rounded_answers_pass(name, answers, capsys):
    for answer in answers:
        _passes(name, answer, capsys)


@pytest.mark.parametrize("name,answer,fragment", [
    ("09.precision", 0.9, "Close, but give 2 decimals (yours has 1 decimal)."),
    ("09.precision", 0.88, "Close, but round to 2 decimals: to the nearest, not cut off."),
    ("08.glorot_limit", 0.2, "Close, but give 2 decimals"),
    ("03.bce_value", 0.1, "Close, but give 2 significant digits (yours has 1 significant digit)."),
    ("08.sigmoid_factor", 1e-6, "Close, but give 2 significant digits"),
    ("10.l2_gradient", 0.1, "Close, but give the exact value"),
    ("09.precision", 88.9, "looks like a percentage: give the fraction"),
    ("09.recall", 80, "looks like a percentage"),
])
def test_near_misses_and_percentages_say_what_to_fix(name, answer, fragment, capsys):
    out = _fails(name, answer, capsys)
    assert fragment in out and "Hint" not in out


@pytest.mark.parametrize("name,answer,fragment", [
    ("09.precision", 0.8, "divides by the real 1s"),
    ("09.recall", 0.89, "divides by the images predicted as 1"),
    ("03.bce_value", 0.0458, "natural log"),
    ("03.bce_confident_wrong", 0.01, "probability of the true class, not its loss"),
    ("04.largest_stable_lr", 0.08, "the curvature is the second derivative"),
    ("04.largest_stable_lr", 0.041, "Your answer is too large."),
    ("08.glorot_limit", 0.1, "standard deviation"),
    ("11.conv_params", 12800, "no biases"),
    ("12.linear_saliency", 3, "wrong sign"),
    ("13.soft_target", 0.881, "softmax at T = 1"),
])
def test_typical_wrong_values_are_named(name, answer, fragment, capsys):
    out = _fails(name, answer, capsys)
    assert fragment in out and "Hint 1 of 3" in out and "Close" not in out


@pytest.mark.parametrize("answer,fragment", [
    ("0,89", "without commas"), ("a lot", "should be a number or arithmetic"), ("__import__('os')", "arithmetic"),
    ("2**1000", "exponent above 100"), ("1/0", "arithmetic"), ([0.89], "one number"), (True, "should be a number"),
    (float("nan"), "finite"),
])
def test_unreadable_answers_are_refused_without_a_hint(answer, fragment, capsys):
    out = _fails("09.precision", answer, capsys)
    assert out.startswith("Not yet. Could not read the answer:") and fragment in out and "Hint" not in out
