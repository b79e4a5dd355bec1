"""The hint ladder: three rungs per exercise, climbed one miss (or one dt.hint call) at a time.

Rung 1 says what to look at in the output and where in the lesson ("See 'The formula, derived'"),
rung 2 gives the idea, rung 3 the recipe in words. No rung holds the reference code.

The rung reached is kept per exercise for the Python process (the kernel). A miss climbs one rung;
so does dt.hint(name). A correct answer puts the exercise back at the bottom, so the next mistake,
a new one, starts again from "what is wrong". Answers that are not attempts (None, an untouched
stub, an unreadable answer, a right number not given to the stated precision) do not climb.
reset_hints() forgets every exercise's rung. nbgrader's assert_check always shows rung 1 and leaves
the rungs alone, so an autograded notebook prints the same text however often it is run.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..i18n import gettext_ as _

RUNGS = 3
_reached: dict[str, int] = {}


@dataclass(frozen=True)
class Ladder:
    """An exercise's three hints. `where` is the heading of the lesson section to look at."""

    where: str
    look: str    # rung 1: what to compare in the output
    idea: str    # rung 2: the idea behind the right answer
    recipe: str  # rung 3: the steps in words (formulas, not the reference code)

    def rung(self, k: int) -> str:
        """Rung k in the language in use (dt.set_language): an exercise's own text shows translated once its
        catalogue has it (scripts/messages.py extract adds every ladder's text), else in English."""
        if k == 1:
            return _("{look} See '{where}' in this lesson.").format(look=_(self.look), where=_(self.where))
        return _(self.recipe) if k >= RUNGS else _(self.idea)


def climb(exercise: str) -> int:
    """One rung up for `exercise` (at most the last); returns the rung now reached."""
    _reached[exercise] = min(RUNGS, _reached.get(exercise, 0) + 1)
    return _reached[exercise]


def solved(exercise: str) -> None:
    """A correct answer: the next miss starts at rung 1 again."""
    _reached.pop(exercise, None)


def reached(exercise: str) -> int:
    """The highest rung shown so far for `exercise` (0: none)."""
    return _reached.get(exercise, 0)


def reset(exercise: str | None = None) -> None:
    """Forget the rung of `exercise`, or of every exercise."""
    if exercise is None:
        _reached.clear()
    else:
        _reached.pop(exercise, None)


def line(exercise: str, ladder: Ladder, k: int) -> str:
    """'Hint k of 3: ...', with how to get the next one while there is one."""
    more = _(' More: dt.hint("{exercise}").').format(exercise=exercise) if k < RUNGS else ""
    return _("Hint {k} of {n}: {hint}").format(k=k, n=RUNGS, hint=ladder.rung(k)) + more
