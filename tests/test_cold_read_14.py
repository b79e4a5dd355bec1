"""Lesson 14 cold read: the explorer's 'try this' 2 and 3 hold at every learning rate the lesson names, not only at
the explorer's default (the lesson's own pitfall: no comparison at one shared rate), and exercise 1 (a batch of one
at inference) accepts the right answer to its precision, names training mode's answer, and agrees with Keras."""
import numpy as np
import pytest

import dlteach as dt
from dlteach import experiments
from dlteach.exercises import check, reset_hints

RATES, SEEDS = (0.001, 0.003, 0.01, 0.03), range(3)


def _val(variant, rate, seed):
    _, history = experiments.deep_run(variant, activation="relu", learning_rate=rate, epochs=4, seed=seed)
    return history["val_accuracy"][-1]


@pytest.mark.parametrize("rate", RATES)
def test_residual_relu_goes_nowhere_and_both_trains_at_every_rate(rate):
    """'Not a bad rate: it stays below 30 % at every rate from 0.001 to 0.03 (over 3 seeds), while *both* with
    ReLU trains at each of them.' (measured: residual at most 0.22; both at least 0.44)"""
    residual = [_val("residual", rate, s) for s in SEEDS]
    both = [_val("both", rate, s) for s in SEEDS]
    assert max(residual) < 0.3, residual
    assert min(both) > 0.4 and min(both) > max(residual) + 0.2, both


def _verdict(answer, capsys):
    reset_hints()
    ok = check("14.batch_of_one", answer)
    return ok, capsys.readouterr().out


@pytest.mark.parametrize("answer", [2.5, 2.50, 2.4998, 2.49975, "2.50"])
def test_exercise_1_accepts_the_inference_answer_to_2_decimals(answer, capsys):
    ok, out = _verdict(answer, capsys)
    assert ok is True, out


def test_exercise_1_names_training_modes_answer(capsys):
    """0.5 is what the lesson's text says a batch of one gives in training mode: the old exercise's answer, on the
    screen. At inference it is wrong, and the message says why without giving the recipe."""
    ok, out = _verdict(0.5, capsys)
    assert ok is False
    assert "training mode's answer for a batch of one" in out
    assert "y = gamma x_hat + beta" not in out.splitlines()[0]


@pytest.mark.parametrize("answer", [6.5, 3.5, 1.5, 2.0, 4.5, 2.51])
def test_exercise_1_rejects_the_near_misses(answer, capsys):
    ok, _ = _verdict(answer, capsys)
    assert ok is False


def test_exercise_1_as_the_lesson_tells_to_run_it_and_in_keras():
    layer = dt.BatchNormalization(1)
    layer.gamma[:], layer.beta[:], layer.moving_mean[:], layer.moving_variance[:] = 2.0, 0.5, 1.0, 4.0
    ours = float(layer.forward(np.array([[3.0]]))[0, 0])
    assert round(ours, 2) == 2.50
    import keras
    bn = keras.layers.BatchNormalization(dtype="float64")
    bn.build((None, 1))
    bn.set_weights([np.array([2.0]), np.array([0.5]), np.array([1.0]), np.array([4.0])])
    theirs = float(np.asarray(bn(np.array([[3.0]]), training=False))[0, 0])
    assert abs(ours - theirs) < 1e-12
