"""Lesson 07 cold read: what a fresh reader's attempts found in the checkers.

No wrong answer was accepted and no right answer rejected. A forward pass computed in float32 (right to about
5e-8) used to be told "not right" with "expected" and "received" printed alike and a hint about shape and range;
it is now told that its precision is float32. The cold read's other wrong answers are pinned as rejected, each
with the part of its message that says what is wrong, and its right answers written differently as accepted.
"""
import numpy as np
import pytest

from dlteach.exercises import CODE_EXERCISES
from dlteach.exercises.quiz import QUIZZES
from dlteach.exercises.runner import run


def sig(z):
    return 1 / (1 + np.exp(-z))


def forward(X, W1, b1, W2, b2):
    return sig(np.tanh(X @ W1 + b1) @ W2 + b2)


def forward_float32(X, W1, b1, W2, b2):
    return forward(*(v.astype(np.float32) for v in (X, W1, b1, W2, b2)))


def forward_epsilon(X, W1, b1, W2, b2):
    return sig(np.tanh(X @ W1 + b1) @ W2 + b2) + 1e-6


def forward_b2_outside(X, W1, b1, W2, b2):
    return sig(np.tanh(X @ W1 + b1) @ W2) + b2


def forward_tanh_output(X, W1, b1, W2, b2):
    return np.tanh(np.tanh(X @ W1 + b1) @ W2 + b2)


def forward_clipped(X, W1, b1, W2, b2):
    return sig(np.clip(np.tanh(X @ W1 + b1) @ W2 + b2, -5, 5))


def forward_squeezed(X, W1, b1, W2, b2):
    return forward(X, W1, b1, W2, b2).squeeze()[:, None]


def forward_standardises_x(X, W1, b1, W2, b2):
    X -= X.mean(axis=0)
    return forward(X, W1, b1, W2, b2)


def forward_einsum(X, W1, b1, W2, b2):
    z = np.einsum("nh,ho->no", np.tanh(np.einsum("ni,ih->nh", X, W1) + b1), W2) + b2
    return 0.5 * (1 + np.tanh(z / 2))


@pytest.mark.parametrize("func, words", [
    (forward_float32, "your result is float32"),
    (forward_epsilon, "a small added constant"),
])
def test_a_nearly_right_forward_is_told_it_is_a_precision_matter(func, words):
    ok, message, attempted = run(CODE_EXERCISES["07.forward"], func)
    assert not ok and attempted and "float64" in message and words in message, message


@pytest.mark.parametrize("func, words", [
    (forward_b2_outside, "outside [0, 1]"),
    (forward_tanh_output, "not right"),
    (forward_clipped, "saturated units"),
    (forward_squeezed, "IndexError"),  # the batch of one: squeeze() leaves a 0-d array
    (forward_standardises_x, "changed its input `X` in place"),
])
def test_the_cold_reads_wrong_answers_are_rejected(func, words):
    ok, message, attempted = run(CODE_EXERCISES["07.forward"], func)
    assert not ok and attempted and words in message, message
    assert "float64" not in message  # a real mistake is not blamed on precision


def test_right_answers_written_differently_pass():
    assert run(CODE_EXERCISES["07.forward"], forward)[0]
    assert run(CODE_EXERCISES["07.forward"], forward_einsum)[0]


@pytest.mark.parametrize("key, answer", [("07.parameters", 37.0), ("07.parameters", np.int64(37)),
                                         ("07.xor_hidden", 2.0), ("07.xor_two_in_practice", " No ")])
def test_quiz_answers_written_differently_pass(key, answer):
    assert QUIZZES[key](answer).ok


@pytest.mark.parametrize("key, answer", [("07.parameters", 36), ("07.parameters", 28), ("07.parameters", 36.99999),
                                         ("07.xor_hidden", 1), ("07.xor_hidden", 3),
                                         ("07.xor_two_in_practice", "yes")])
def test_quiz_wrong_answers_fail(key, answer):
    assert not QUIZZES[key](answer).ok
