"""The checks that tests/test_mut_exercises_14_15.py and _16_17.py make of their tables (each file keeps its own
wrong answers, right answers, pinned cases and twin lines; the checks read the same way for every lesson)."""
import dataclasses

import numpy as np
import pytest

from dlteach import solutions
from dlteach.exercises import CODE_EXERCISES, check, reset_hints
from dlteach.exercises.runner import run
from test_exercises_adversary_00_06 import _digest


@pytest.fixture(autouse=True)
def _ladders_at_the_bottom():
    """Every test starts (and leaves) each exercise's hint ladder at its first rung (import it into a test file)."""
    reset_hints()
    yield
    reset_hints()


def without_twin(name):
    """The exercise `name` without its TensorFlow twin: only its cases (and gradient check) judge."""
    return dataclasses.replace(CODE_EXERCISES[name], twin=None)


def checked_lines(name, answer, capsys):
    """check(name, answer) and the lines it printed (overflow in a wrong answer is not a warning here)."""
    with np.errstate(all="ignore"):
        ok = check(name, answer)
    return ok, capsys.readouterr().out.splitlines()


def assert_fails_with(name, wrong, headline, diagnosis, capsys):
    """A wrong answer fails; its first line is the headline, the line above the first hint is the diagnosis."""
    ok, lines = checked_lines(name, wrong, capsys)
    assert ok is False
    hint = next(i for i, line in enumerate(lines) if line.startswith("Hint 1 of 3: "))
    assert (lines[0], lines[hint - 1].strip()) == ("Not yet. " + headline, diagnosis)
    assert lines[hint].endswith(f'More: dt.hint("{name}").')


def assert_right_and_instructors_pass(name, right, passed_says):
    """A right answer written differently and the instructors' solution pass on three seeds, message pinned."""
    ex = without_twin(name)
    for seed in range(3):
        for fn in (right, solutions.CODE[name]):
            assert run(ex, fn, seed) == (True, passed_says, True)


def assert_cases_pinned(name, notes_and_shapes, digest_pinned):
    """Seed 0 gives the pinned notes, shapes and values (one digest); seed 1 gives other values."""
    cases = CODE_EXERCISES[name].make_cases(np.random.default_rng(0))
    shapes = [tuple((k, np.shape(v)) for k, v in case.args.items()) for case in cases]
    assert ([case.note for case in cases], shapes) == notes_and_shapes
    digest = _digest([v for case in cases for v in case.args.values()])
    assert digest == pytest.approx(digest_pinned, rel=1e-9, abs=1e-9)
    other = CODE_EXERCISES[name].make_cases(np.random.default_rng(1))
    assert _digest([v for case in other for v in case.args.values()]) != pytest.approx(digest)  # the seed is used


def nan_off_the_cases(name):
    """An answer that is the instructors' on every case and NaN on any other input (such as a twin's own)."""
    known = [c.args for c in CODE_EXERCISES[name].make_cases(np.random.default_rng(0))]

    def answer(**args):
        out = solutions.CODE[name](**args)
        if any(all(np.array_equal(args[k], a[k]) for k in args) for a in known):
            return out
        return tuple(np.asarray(o) * np.nan for o in out) if isinstance(out, tuple) else np.asarray(out) * np.nan
    return answer


def assert_twin_agrees_then_refuses(name, says, passed_says, right, stand_in, seen, inputs_digest, capsys,
                                    refused_off=4e-12):
    """With NumPy stand-ins for TensorFlow: the instructors' answer passes with the twin's line `says[0]` (and
    the twin saw its own pinned inputs), a right answer with the stand-in off by 1e-13 passes with `says[1]`,
    and with it off by `refused_off` fails with `says[2]`."""
    agrees, off_a_little, refuses = says
    assert check(name, solutions.CODE[name]) is True
    assert capsys.readouterr().out == f"Correct! {passed_says} {agrees}\n"
    assert _digest(seen) == pytest.approx(inputs_digest, rel=1e-9)
    stand_in(1e-13)
    assert check(name, right) is True
    assert capsys.readouterr().out == f"Correct! {passed_says} {off_a_little}\n"
    stand_in(refused_off)
    assert check(name, right) is False
    assert capsys.readouterr().out.splitlines()[0] == "Not yet. " + refuses
