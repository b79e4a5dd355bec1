"""Learning-rate schedules against Keras's formulas written out here with hand-picked numbers, and
their messages word for word (mutation testing, docs/MUTATION.md; the Keras comparison itself is
in tests/test_lessons_04_05.py)."""
import math

import numpy as np
import pytest

from dlteach.core.schedules import cosine_decay, exponential_decay, piecewise_constant_decay


def test_piecewise_constant_by_hand():
    steps = [0, 9, 10, 11, 19, 20, 21, 1000]
    got = piecewise_constant_decay(steps, [10, 20], [1.0, 0.5, 0.25])
    assert got.tolist() == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25]  # a boundary stays in the earlier piece
    assert piecewise_constant_decay(15, (10,), [0.3, 0.2]) == 0.2 and type(piecewise_constant_decay(15, [10], [1, 2])) is float
    assert piecewise_constant_decay(np.array([[5]]), [10], [0.3, 0.2]).shape == (1, 1)


def test_exponential_by_hand():
    assert exponential_decay(0, 0.5, 10, 0.25) == 0.5
    assert exponential_decay(5, 0.5, 10, 0.25) == pytest.approx(0.5 * 0.25 ** 0.5, rel=1e-15)
    assert exponential_decay(25, 0.5, 10, 0.25) == pytest.approx(0.5 * 0.25 ** 2.5, rel=1e-15)
    assert exponential_decay(25, 0.5, 10, 0.25, staircase=True) == pytest.approx(0.5 * 0.25 ** 2, rel=1e-15)
    assert exponential_decay(29.9, 0.5, 10, 0.25, staircase=np.bool_(True)) == pytest.approx(0.5 * 0.25 ** 2)
    got = exponential_decay(np.array([0, 10, 20]), 2.0, 10, 0.5)
    assert isinstance(got, np.ndarray) and np.allclose(got, [2.0, 1.0, 0.5], rtol=1e-15)
    assert type(exponential_decay(3, 0.1, 10, 0.5)) is float


def test_cosine_by_hand():
    assert cosine_decay(0, 0.8, 100) == pytest.approx(0.8, rel=1e-15)
    assert cosine_decay(25, 0.8, 100) == pytest.approx(0.8 * (1 + math.cos(math.pi / 4)) / 2, rel=1e-15)
    assert cosine_decay(25, 0.8, 100, alpha=0.2) == pytest.approx(
        0.8 * (0.8 * (1 + math.cos(math.pi / 4)) / 2 + 0.2), rel=1e-15)
    assert cosine_decay(100, 0.8, 100) == pytest.approx(0.0, abs=1e-16)
    assert cosine_decay(300, 0.8, 100, alpha=0.25) == pytest.approx(0.2, rel=1e-15)  # held at alpha lr0 after
    assert cosine_decay(300, 0.8, 100, alpha=1.0) == pytest.approx(0.8, rel=1e-15)
    assert np.allclose(cosine_decay([0, 50, 100], 1.0, 100), [1.0, 0.5, 0.0], atol=1e-15)


@pytest.mark.parametrize("call,error,text", [
    (lambda: exponential_decay(-1, 0.1, 10, 0.5), ValueError, "step must be >= 0 and finite, got -1."),
    (lambda: exponential_decay([0, np.inf], 0.1, 10, 0.5), ValueError, "step must be >= 0 and finite, got [0, inf]."),
    (lambda: cosine_decay(True, 0.1, 10), TypeError, "step must be an integer >= 0 (or an array of them), got True."),
    (lambda: piecewise_constant_decay(3, [10, 20], [0.1, 0.01]), ValueError,
     "values must have one entry more than boundaries, got 2 values for 2 boundaries."),
    (lambda: piecewise_constant_decay(3, [], [0.1]), ValueError,
     "values must have one entry more than boundaries, got 1 values for 0 boundaries."),
    (lambda: piecewise_constant_decay(3, [20, 20], [0.1, 0.01, 0.001]), ValueError,
     "boundaries must increase, got [20, 20]."),
    (lambda: piecewise_constant_decay(3, [10], [0.1, 0.0]), ValueError,
     "each learning rate in values must be > 0, got 0.0."),
    (lambda: exponential_decay(3, 0.0, 10, 0.5), ValueError, "initial_learning_rate must be > 0, got 0.0."),
    (lambda: exponential_decay(3, 0.1, 0, 0.5), ValueError, "decay_steps must be > 0, got 0.0."),
    (lambda: exponential_decay(3, 0.1, 10, -0.5), ValueError, "decay_rate must be > 0, got -0.5."),
    (lambda: exponential_decay(3, 0.1, 10, 0.5, staircase=1), TypeError, "staircase must be True or False, got 1."),
    (lambda: cosine_decay(3, -0.1, 10), ValueError, "initial_learning_rate must be > 0, got -0.1."),
    (lambda: cosine_decay(3, 0.1, 0), ValueError, "decay_steps must be > 0, got 0.0."),
    (lambda: cosine_decay(3, 0.1, 10, alpha=1.5), ValueError, "alpha must be in [0, 1], got 1.5."),
])
def test_schedule_messages_word_for_word(call, error, text):
    with pytest.raises(error) as err:
        call()
    assert str(err.value) == text
