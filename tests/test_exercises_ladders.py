"""The hint ladder of every exercise: three different rungs, a pointer to a real section of the lesson,
no reference code and no answer in any rung; a first miss shows rung 1 only, later misses and dt.hint climb,
a correct answer starts again at the bottom, and nbgrader's assert_check always shows rung 1. Success
messages do not answer a later exercise of the same lesson."""
import ast
import inspect
import re
import textwrap
from pathlib import Path

import pytest

import dlteach as dt
from dlteach import solutions
from dlteach.exercises import (CODE_EXERCISES, EXERCISES, QUIZZES, assert_check, check, hint, ladder,
                               reset_hints)
from dlteach.exercises import hints as hint_state
from dlteach.exercises.quiz import NUMERIC, WORDS

from test_exercises import WRONG_CODE, WRONG_QUIZ

ROOT = Path(__file__).resolve().parents[1]
LESSONS = {path.name[:2]: path for path in (ROOT / "lessons").glob("[0-9][0-9]_*.md")}


@pytest.fixture(autouse=True)
def _ladders_at_the_bottom():
    reset_hints()
    yield
    reset_hints()


def _rungs(name):
    lad = ladder(name)
    return [lad.rung(k) for k in (1, 2, 3)]


def _normal(text: str) -> str:
    """Code or prose with the spaces out and 1.0 written 1, to compare fragments."""
    text = re.sub(r"\s+", "", text)
    return re.sub(r"(\d)\.0\b", r"\1", text)


def _solution_fragments(name) -> set[str]:
    """The reference's lines of code: its statements (assignments, returns), their right-hand sides, its
    NumPy calls with their arguments, its loop headers."""
    func = getattr(solutions, CODE_EXERCISES[name].func_name)
    tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.Return)) and node.value is not None:
            found.add(ast.unparse(node))
            kinds = (ast.BinOp, ast.Call, ast.UnaryOp, ast.Compare)
            if sum(isinstance(n, kinds) for n in ast.walk(node.value)) >= 2:  # a formula, not a single name, index or quotient of the exercise's own names
                found.add(ast.unparse(node.value))
        if isinstance(node, ast.Call) and ast.unparse(node.func).startswith("np.") and node.args:
            found.add(ast.unparse(node))
        if isinstance(node, ast.For):
            found.add(f"for {ast.unparse(node.target)} in {ast.unparse(node.iter)}")
    return {_normal(f) for f in found if len(_normal(f)) >= 8}


@pytest.mark.parametrize("name", EXERCISES)
def test_three_different_rungs_the_first_pointing_at_the_lesson(name):
    r1, r2, r3 = _rungs(name)
    assert len({r1, r2, r3}) == 3 and all(len(r) >= 20 for r in (r1, r2, r3))
    assert ladder(name).look not in r3 and r1 != r3


@pytest.mark.parametrize("name", EXERCISES)
def test_the_first_rung_names_a_section_the_lesson_has(name):
    lesson = LESSONS[name[:2]]
    headings = {line.lstrip("#").strip() for line in lesson.read_text(encoding="utf-8").splitlines()
                if re.match(r"#{2,3} ", line)}
    where = ladder(name).where
    assert where in headings, (f"{name}: its hints point at the section '{where}', which {lesson.name} does not "
                               f"have (rename the ladder's `where` in dlteach/exercises). Sections: {sorted(headings)}")


@pytest.mark.parametrize("name", sorted(CODE_EXERCISES))
def test_no_rung_holds_code_of_the_reference(name):
    fragments = _solution_fragments(name)
    assert fragments, name
    for k, rung in enumerate(_rungs(name), start=1):
        text = _normal(rung)
        copied = [f for f in fragments if f in text]
        assert not copied, f"{name} rung {k} contains the reference's code {copied}"
        assert not re.search(r"\bnp\.\w+\(", rung) and not re.search(r"\bdef \w+\(", rung), (name, k)


@pytest.mark.parametrize("name", sorted(QUIZZES))
def test_no_rung_of_a_quiz_holds_its_answer(name):
    rungs = " ".join(_rungs(name))
    if name in NUMERIC:
        quiz = NUMERIC[name]
        if float(quiz.value).is_integer():
            pytest.skip("a whole-number answer: its digits appear in any arithmetic")
        d = quiz.decimals_asked()
        shown = {f"{quiz.value:.3g}", f"{quiz.value:.2g}"} | ({f"{quiz.value:.{d}f}"} if d is not None else set())
        assert not [s for s in shown if re.search(rf"(?<![\d.]){re.escape(s)}(?!\d)", rungs)], (name, shown)
    elif name in WORDS and WORDS[name].accepted[0] not in ("yes", "no"):
        assert not re.search(rf"\b{WORDS[name].accepted[0]}\b", rungs, re.I), name


def _later(name):
    lesson = name[:2]
    return [other for other in EXERCISES if other[:2] == lesson and other > name]


SPOILERS = {  # what a success message must not give away about a later code exercise
    "10.dropout_forward": ["1 / (1 - rate)", "1/(1 - rate)", "1/(1-rate)"],
    "04.predict_at_bound": ["flips sign", "oscillat"],
    "07.xor_two_in_practice": ["in practice", "3-4 neurons"],
    "13.distillation_loss": ["(n T)", "/ T"],
}


@pytest.mark.parametrize("name", EXERCISES)
def test_no_success_message_answers_a_later_exercise(name):
    ex = CODE_EXERCISES.get(name) or QUIZZES[name]
    good = getattr(ex, "good", None)
    if good is None:  # a quiz with its own check: its success text is in the function
        good = inspect.getsource(ex.check)
    exercise_order = sorted(EXERCISES, key=lambda n: (n[:2], _position(n)))
    later = [n for n in exercise_order[exercise_order.index(name) + 1:] if n[:2] == name[:2]]
    for other in later:
        for phrase in SPOILERS.get(other, []):
            assert phrase not in good, f"{name}'s success message gives away {other}: {phrase!r}"
        if other in NUMERIC and not float(NUMERIC[other].value).is_integer():
            quiz = NUMERIC[other]
            d = quiz.decimals_asked()
            shown = f"{quiz.value:.{d}f}" if d is not None else f"{quiz.value:g}"
            assert not re.search(rf"(?<![\d.]){re.escape(shown)}(?!\d)", good), (name, other, shown)
        if other in WORDS and WORDS[other].accepted[0] not in ("yes", "no"):
            assert WORDS[other].accepted[0] not in good.lower(), (name, other)


def _position(name):
    """An exercise's place in its lesson: the order of the check calls in the lesson's source."""
    text = LESSONS[name[:2]].read_text(encoding="utf-8")
    found = text.find(f'"{name}"')
    return found if found >= 0 else len(text)


# --- climbing --------------------------------------------------------------------------------------
def _wrong(name):
    return WRONG_CODE[name][0] if name in WRONG_CODE else WRONG_QUIZ[name]


@pytest.mark.parametrize("name", EXERCISES)
def test_first_miss_rung_one_then_the_idea_then_the_recipe(name, capsys):
    r1, r2, r3 = _rungs(name)
    outs = []
    for _ in range(4):
        assert check(name, _wrong(name)) is False
        outs.append(capsys.readouterr().out)
    assert f"Hint 1 of 3: {r1}" in outs[0] and r3 not in outs[0] and r2 not in outs[0]
    assert f"Hint 2 of 3: {r2}" in outs[1] and r3 not in outs[1]
    assert f"Hint 3 of 3: {r3}" in outs[2] and f"Hint 3 of 3: {r3}" in outs[3]


def test_dt_hint_climbs_and_a_correct_answer_starts_again(capsys):
    name = "04.gradient_step"
    r1, r2, r3 = _rungs(name)
    dt.hint(name)
    assert capsys.readouterr().out.strip() == f'Hint 1 of 3: {r1} More: dt.hint("{name}").'
    hint(name)
    assert f"Hint 2 of 3: {r2}" in capsys.readouterr().out
    check(name, _wrong(name))
    assert f"Hint 3 of 3: {r3}" in capsys.readouterr().out  # the miss after two hints gets the recipe
    hint(name)
    assert "(That is the last hint.)" in capsys.readouterr().out
    assert check(name, solutions.gradient_step) is True
    check(name, _wrong(name))
    assert "Hint 1 of 3" in capsys.readouterr().out  # solved once: the next mistake starts at the bottom
    check("09.precision", 0.8)
    reset_hints()
    check("09.precision", 0.8)
    check(name, _wrong(name))
    out = capsys.readouterr().out
    assert out.count("Hint 1 of 3") == 3
    with pytest.raises(ValueError, match="Unknown exercise '04.gradient'"):
        hint("04.gradient")
    with pytest.raises(ValueError, match="Unknown exercise"):
        reset_hints("99.x")


def test_non_attempts_do_not_climb_and_keep_their_stored_message(capsys):
    """None, an untouched stub, an unreadable answer and a 'close' number are not misses: no hint line,
    so the lessons' stored outputs of unanswered cells stay as they are."""
    def stub(z, grad_a):
        return None

    assert check("02.sigmoid_backward", stub) is False
    assert capsys.readouterr().out == "Not yet. sigmoid_backward() returned None. Did you forget `return`?\n"
    assert check("03.bce_with_logits", lambda z, y: None) is False
    assert capsys.readouterr().out == ("Not yet. bce_with_logits() returned None; it should return 2 values: "
                                       "return loss, dL_dz\n")
    assert check("09.precision", None) is False
    assert capsys.readouterr().out == "No answer yet: replace None with your answer and run the cell again.\n"
    for answer in ("a lot", 0.9):
        check("09.precision", answer)
        assert "Hint" not in capsys.readouterr().out
    check("08.glorot_uniform", lambda n_in, n_out, rng: None)
    assert "Hint" not in capsys.readouterr().out
    assert all(hint_state.reached(name) == 0 for name in EXERCISES)


def test_assert_check_always_gives_the_first_rung_and_changes_nothing(capsys):
    name = "02.sigmoid_backward"
    r1 = _rungs(name)[0]
    for _ in range(3):
        with pytest.raises(AssertionError) as info:
            assert_check(name, _wrong(name))
        assert f"Hint 1 of 3: {r1}" in str(info.value)
    assert hint_state.reached(name) == 0
    check(name, _wrong(name))
    assert "Hint 1 of 3" in capsys.readouterr().out
    assert_check(name, solutions.sigmoid_backward)
    assert capsys.readouterr().out.startswith("Correct!")
    assert hint_state.reached(name) == 1  # assert_check's success leaves the learner's ladder alone


@pytest.mark.parametrize("name", sorted(WRONG_CODE))
def test_every_wrong_answer_says_what_is_wrong_before_the_hint(name, capsys):
    """Each typical wrong answer gets a diagnosis line (or a shape, NaN, exception message) and rung 1."""
    for wrong in WRONG_CODE[name]:
        reset_hints()
        assert check(name, wrong) is False
        out = capsys.readouterr().out
        before_hint = out.split("Hint 1 of 3:")[0]
        assert "Hint 1 of 3:" in out and ladder(name).recipe not in out
        lines = [line.strip() for line in before_hint.splitlines()]
        assert any(w in before_hint for w in ("shape", "NaN", "inf", "raised", "should", "weights", "Your", "Every",
                                             "your", "variance", "mean", "seed", "Right in this case")), (name, out)
        assert lines, name


def test_ladder_of_every_exercise_is_reachable():
    for name in EXERCISES:
        assert isinstance(ladder(name), hint_state.Ladder)
    with pytest.raises(ValueError, match="Unknown exercise"):
        ladder("13.nothing")
