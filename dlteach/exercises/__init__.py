"""Checkers for the lessons' exercises.

Two kinds, one entry point:

    from dlteach.exercises import check
    ok = check("01.and_neuron", (w1, w2, b))             # a quiz: a number, a word, a few weights
    ok = check("02.sigmoid_backward", sigmoid_backward)  # code: the learner's function is run and compared

`check` prints one verdict and returns True or False; it never raises on a learner's answer. A
miss says what is wrong in the output, then climbs a ladder of three hints (where to look, the
idea, the recipe; never the reference code); `hint(name)` climbs it on request and `reset_hints()`
starts every exercise again at the bottom (see hints.py). A numeric quiz states its precision
(`precision_of(name)`) and accepts any answer correct to it. For autograded cells (nbgrader)
`assert_check` raises AssertionError with the same message and always the first hint. The
instructors' solutions live in dlteach.solutions, which nothing here imports.
"""
from __future__ import annotations

from . import hints
from ..i18n import gettext_ as _
from .code import CODE_EXERCISES
from .quiz import QUIZZES, Verdict, precision_of
from .runner import Case, CodeExercise, run

EXERCISES = sorted([*QUIZZES, *CODE_EXERCISES])
CHECKS = QUIZZES  # kept for older imports

__all__ = ["check", "assert_check", "hint", "reset_hints", "precision_of", "ladder", "EXERCISES",
           "CODE_EXERCISES", "QUIZZES", "Case", "CodeExercise"]


def _known(exercise: str) -> None:
    if exercise not in CODE_EXERCISES and exercise not in QUIZZES:
        raise ValueError(f"Unknown exercise {exercise!r}. Valid: {', '.join(EXERCISES)}.")


def ladder(exercise: str) -> hints.Ladder:
    """The three hints of `exercise` (where to look, the idea, the recipe)."""
    _known(exercise)
    return (CODE_EXERCISES[exercise] if exercise in CODE_EXERCISES else QUIZZES[exercise]).ladder


def _verdict(exercise: str, answer, seed: int, rung: int | None = None) -> tuple[bool, str]:
    """(ok, message). rung=None climbs the exercise's ladder on a miss and resets it on success;
    a fixed rung (assert_check) leaves the ladder alone."""
    _known(exercise)
    if exercise in CODE_EXERCISES:
        ok, message, attempted = run(CODE_EXERCISES[exercise], answer, seed)
        message = (_("Correct! ") if ok else _("Not yet. ")) + message
    elif answer is None:
        ok, message, attempted = False, _("No answer yet: replace None with your answer and run the cell again."), False
    else:
        try:
            verdict = QUIZZES[exercise](answer)
        except (TypeError, ValueError) as err:
            verdict = Verdict(False, _("Could not read the answer: {error}").format(error=err), attempted=False)
        ok, attempted = verdict.ok, verdict.attempted
        message = (_("Correct! ") if ok else _("Not yet. ")) + verdict.text
    if ok:
        if rung is None:
            hints.solved(exercise)
        return True, message
    if not attempted:
        return False, message
    k = rung if rung is not None else hints.climb(exercise)
    return False, message + "\n" + hints.line(exercise, ladder(exercise), k)


def check(exercise: str, answer, seed: int = 0, raise_on_fail: bool = False) -> bool:
    """Check the answer to `exercise` (e.g. '02.sigmoid_backward'); print a verdict and, after a
    miss, the next hint of the exercise's ladder.

    For a code exercise `answer` is the learner's function; it runs on several cases drawn with
    `seed` and is compared with the package's implementation (and Keras where the lesson has a twin).
    With raise_on_fail a wrong answer raises AssertionError carrying the message instead of printing it.
    """
    ok, message = _verdict(exercise, answer, seed)
    if not ok and raise_on_fail:
        raise AssertionError(message)
    print(message)
    return ok


def assert_check(exercise: str, answer, seed: int = 0) -> None:
    """The form for nbgrader's autograded test cells: raise AssertionError with the verdict and the
    first hint on a wrong answer. Always rung 1 and no state: the autograder runs a cell once."""
    ok, message = _verdict(exercise, answer, seed, rung=1)
    if not ok:
        raise AssertionError(message)
    print(message)


def hint(exercise: str) -> None:
    """Print the next hint for `exercise` (e.g. dt.hint("04.gradient_step")); calling it again climbs
    to the idea, then to the recipe. The reference code is never shown."""
    _known(exercise)
    k = hints.climb(exercise)
    text = hints.line(exercise, ladder(exercise), k)
    print(text if k < hints.RUNGS else text + _(" (That is the last hint.)"))


def reset_hints(exercise: str | None = None) -> None:
    """Start the hint ladder of `exercise` (or of every exercise) again at rung 1."""
    if exercise is not None:
        _known(exercise)
    hints.reset(exercise)
