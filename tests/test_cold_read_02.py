"""Lesson 02 cold read: the answers the checkers judged wrongly, pinned (each wrong one is now rejected with a
message that says what is wrong; each right one written differently from the reference passes)."""
import numpy as np
import pytest

from dlteach.exercises import check, reset_hints


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.clip(z, -700, 700)))


def _verdict(name, answer, capsys):
    reset_hints(name)
    ok = check(name, answer)
    return ok, capsys.readouterr().out


@pytest.mark.parametrize("cut", [15.5, 18.0, 20.0])
def test_a_sigmoid_slope_cut_to_zero_for_large_z_is_rejected(cut, capsys):
    """Accepted before: no case lay between |z| = 15 and 40, so 'the slope is 0 for |z| > 20' passed."""
    def sigmoid_backward(z, grad_a):
        a = _sigmoid(z)
        return np.where(np.abs(z) > cut, 0.0, grad_a * a * (1 - a))
    ok, out = _verdict("02.sigmoid_backward", sigmoid_backward, capsys)
    assert ok is False
    assert "large |z|" in out and "small, not 0" in out and "cut it off" in out
    assert "Hint 1 of 3" in out and "a times (1 - a)" not in out          # no recipe on the first miss


@pytest.mark.parametrize("form", ["expit", "tanh", "abs"])
def test_sigmoid_backward_written_differently_passes(form, capsys):
    from scipy.special import expit

    def sigmoid_backward(z, grad_a):
        if form == "expit":
            return grad_a * expit(z) * expit(-z)
        if form == "tanh":
            return grad_a * 0.25 * (1 - np.tanh(z / 2) ** 2)
        e = np.exp(-np.abs(z))
        return grad_a * e / (1 + e) ** 2
    assert _verdict("02.sigmoid_backward", sigmoid_backward, capsys)[0] is True


@pytest.mark.parametrize("answer", [0.2, 0.20, 0.3])
def test_max_slope_one_decimal_does_not_send_the_learner_round_in_a_loop(answer, capsys):
    """Before: 0.2 got 'give 2 decimals (yours has 1 decimal).', and so did the 0.20 the learner typed next."""
    ok, out = _verdict("02.sigmoid_max_slope", answer, capsys)
    assert ok is False and out.startswith("Not yet. Close, but give 2 decimals") and "Hint" not in out
    assert "Adding zeros does not change the number: work out the next digit." in out
    assert "0.25" not in out                                                 # the answer is not handed over


@pytest.mark.parametrize("answer", [0.25, 1 / 4, "0.25", 0.246, 0.254])
def test_max_slope_right_to_two_decimals_passes(answer, capsys):
    assert _verdict("02.sigmoid_max_slope", answer, capsys)[0] is True


@pytest.mark.parametrize("answer", [0.01, 0.2])
def test_relu_slope_leaky_values_are_named(answer, capsys):
    ok, out = _verdict("02.relu_slope_negative", answer, capsys)
    assert ok is False and "leaky ReLU" in out


@pytest.mark.parametrize("answer", [0, 0.0, -0.0, "0"])
def test_relu_slope_zero_written_differently_passes(answer, capsys):
    assert _verdict("02.relu_slope_negative", answer, capsys)[0] is True
