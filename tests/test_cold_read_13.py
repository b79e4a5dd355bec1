"""Lesson 13 cold read: the answers the checkers judged wrongly, pinned (each wrong one is now rejected with a
message that says what is wrong; right ones written differently from the reference pass)."""
import numpy as np
import pytest

from dlteach.exercises import check, reset_hints


def _verdict(name, answer, capsys):
    reset_hints(name)
    ok = check(name, answer)
    return ok, capsys.readouterr().out


def _soft(logits, T):
    z = logits / T
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_soft_targets_in_float32_is_rejected_by_the_tensorflow_twin(capsys):
    """Accepted before: the cases compare to rtol 1e-7 and there was no twin; float32 is off by ~1e-8."""
    ok, out = _verdict("13.soft_targets", lambda logits, T: _soft(logits, T).astype(np.float32), capsys)
    assert ok is False
    assert out.startswith("Not yet. Your result agrees with the cases but not with tf.nn.softmax: relative difference")
    assert "Hint 1 of 3" in out and "subtract each row's maximum; exponentiate" not in out   # no recipe first


def test_soft_targets_global_maximum_fails_on_the_twin_inputs_too(capsys):
    """The twin's inputs hold a row near 900 among rows of a few units."""
    def global_max(logits, T):
        z = logits / T
        e = np.exp(z - z.max())
        return e / e.sum(axis=1, keepdims=True)
    assert _verdict("13.soft_targets", global_max, capsys)[0] is False


@pytest.mark.parametrize("form", ["scipy", "logsumexp", "max first"])
def test_soft_targets_written_differently_pass(form, capsys):
    from scipy.special import logsumexp, softmax

    def soft_targets(logits, T):
        if form == "scipy":
            return softmax(logits / T, axis=1)
        if form == "logsumexp":
            return np.exp(logits / T - logsumexp(logits / T, axis=1, keepdims=True))
        e = np.exp((logits - logits.max(axis=1, keepdims=True)) / T)
        return e / e.sum(axis=1, keepdims=True)
    ok, out = _verdict("13.soft_targets", soft_targets, capsys)
    assert ok is True and "tf.nn.softmax agrees" in out


def test_int8_bytes_with_the_scale_is_told_what_it_counts(capsys):
    """Before: 10,004 (the weights and one float32 scale, as the lesson's honest count adds) got 'too large'."""
    ok, out = _verdict("13.int8_bytes", 10004, capsys)
    assert ok is False and "adds one float32 scale" in out


@pytest.mark.parametrize("answer", [10000, 10_000.0, "10000", "10_000", 1e4])
def test_int8_bytes_right_answers_pass(answer, capsys):
    assert _verdict("13.int8_bytes", answer, capsys)[0] is True
