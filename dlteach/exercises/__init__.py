"""Checkers for the lessons' exercises.

Two kinds, one entry point:

    from dlteach.exercises import check
    ok = check("01.and_neuron", (w1, w2, b))             # a quiz: a number, a word, a few weights
    ok = check("02.sigmoid_backward", sigmoid_backward)  # code: the learner's function is run and compared

`check` prints one verdict and returns True or False; it never raises on a learner's answer. For
autograded cells (nbgrader) `assert_check` raises AssertionError with the same message instead.
The instructors' solutions live in dlteach.solutions, which nothing here imports.
"""
from __future__ import annotations

import contextlib
import io

from .code import CODE_EXERCISES
from .quiz import CHECKS as QUIZZES
from .runner import Case, CodeExercise, run

EXERCISES = sorted([*QUIZZES, *CODE_EXERCISES])
CHECKS = QUIZZES  # kept for the quiz tests and older imports

__all__ = ["check", "assert_check", "EXERCISES", "CODE_EXERCISES", "QUIZZES", "Case", "CodeExercise"]


def _verdict(exercise: str, answer, seed: int) -> tuple[bool, str]:
    if exercise in CODE_EXERCISES:
        ok, message = run(CODE_EXERCISES[exercise], answer, seed)
        return ok, ("Correct! " if ok else "Not yet. ") + message
    if exercise not in QUIZZES:
        raise ValueError(f"Unknown exercise {exercise!r}. Valid: {', '.join(EXERCISES)}.")
    if answer is None:
        return False, "No answer yet: replace None with your answer and run the cell again."
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            ok = QUIZZES[exercise](answer)
    except (TypeError, ValueError) as err:
        return False, f"Could not read the answer: {err}"
    return ok, out.getvalue().rstrip("\n")


def check(exercise: str, answer, seed: int = 0, raise_on_fail: bool = False) -> bool:
    """Check the answer to `exercise` (e.g. '02.sigmoid_backward'); print a verdict or a hint.

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
    """check(..., raise_on_fail=True): the form for nbgrader's autograded test cells."""
    check(exercise, answer, seed, raise_on_fail=True)
