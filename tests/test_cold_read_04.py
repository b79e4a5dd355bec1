"""Lesson 04 cold read: the answers the quiz checkers misjudged or misworded, pinned; the regression surface's
gradient broadcasting (used by the lesson's vectorised SGD races)."""
import io
from contextlib import redirect_stdout

import numpy as np
import pytest

import dlteach as dt
from dlteach.exercises import check


def _run(exercise, answer):
    out = io.StringIO()
    with redirect_stdout(out):
        ok = check(exercise, answer)
    return ok, out.getvalue()


@pytest.mark.parametrize("answer", [4, 4.0, np.int64(4), "4"])
def test_updates_per_epoch_keras_default_batch(answer):
    ok, text = _run("04.updates_per_epoch", answer)
    assert ok is True, text
    assert "ceil(100 / 32)" in text


@pytest.mark.parametrize("answer, message", [
    (3, "counts the full batches only"),          # 100 // 32: the partial last batch dropped
    (3.125, "a whole number"),                      # 100 / 32 not rounded
    (32, "that is the batch size"),
    (10, "Your answer is too large"),               # the old exercise's answer (batch size 10)
    (100, "batch size 1"),
    (1, "full-batch"),
])
def test_updates_per_epoch_wrong_answers(answer, message):
    ok, text = _run("04.updates_per_epoch", answer)
    assert ok is False
    assert message.lower() in text.lower(), text


def test_predict_oscillating_accepted_and_converges_message_reads_right():
    ok, text = _run("04.predict_at_bound", "oscillating")
    assert ok is True, text
    ok, text = _run("04.predict_at_bound", "converges")
    assert ok is False
    assert "W1" not in text and "about w2, not w1" in text
    assert "coefficient of 25 w2², for its curvature" in text   # 1/25 = 2/50: the cancelling path, caught here


def test_largest_stable_lr_success_names_the_curvature():
    # For c w² the bound 2/(2c) is 1/c, so "curvature = coefficient" with "bound = 1/curvature" also gives 0.04
    # (for every c: no choice of numbers separates them); the success message says the curvature is 50.
    assert all(abs(2 / (2 * c) - 1 / c) < 1e-15 for c in (25.0, 30.0, 12.5))
    ok, text = _run("04.largest_stable_lr", 0.04)
    assert ok is True and "the curvature itself is 50, not 25" in text, text


def test_regression_grad_broadcasts_like_f():
    reg = dt.LinearRegression()
    rng = np.random.default_rng(0)
    W = rng.normal(size=(3, 4, 2))
    idx = np.array([rng.choice(100, 5, replace=False) for _ in range(4)])   # one batch per seed (axis 1)
    G = reg.grad(W, idx)
    assert G.shape == (3, 4, 2)
    for i in range(3):
        for j in range(4):
            assert np.allclose(G[i, j], reg.grad(W[i, j], idx[j]), rtol=1e-14, atol=0)
    w = np.array([0.3, -0.2])
    assert reg.grad(w).shape == (2,) and np.allclose(reg.grad(w), reg.minibatch_grad(100)(w, 0), atol=1e-15)
    assert np.allclose(reg.grad(W), np.stack([[reg.grad(v) for v in row] for row in W]), rtol=1e-14, atol=0)
