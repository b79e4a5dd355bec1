"""Lesson 06 cold read: what a fresh reader's attempts found in the checkers.

A float32 answer (right to about 1e-7) used to be rejected with "expected" and "received" printed alike and no
reason; the quiz's synonyms of 'larger' got a format message instead of the diagnosis of 'larger'. The other
wrong answers of the cold read are pinned as rejected, each with the part of its message that says what is wrong.
"""
import numpy as np
import pytest

from dlteach.exercises import CODE_EXERCISES
from dlteach.exercises.quiz import QUIZZES
from dlteach.exercises.runner import run


def sig(z):
    return 0.5 * (1 + np.tanh(0.5 * z))


def dense(x, W, b, grad_a, slope=lambda a: 1 - a**2):
    delta = grad_a * slope(np.tanh(x @ W + b))
    return x.T @ delta, delta.sum(axis=0), delta @ W.T


def dense_float32(x, W, b, grad_a):
    return dense(*(v.astype(np.float32) for v in (x, W, b, grad_a)))


def dense_rounded(x, W, b, grad_a):
    return tuple(np.round(g, 6) for g in dense(x, W, b, grad_a))


def dense_outer_of_sums(x, W, b, grad_a):
    dW, db, dx = dense(x, W, b, grad_a)
    return np.outer(x.sum(axis=0), db), db, dx


def dense_db_first_row(x, W, b, grad_a):
    delta = grad_a * (1 - np.tanh(x @ W + b) ** 2)
    return x.T @ delta, delta[0], delta @ W.T


def dense_grad_a_in_place(x, W, b, grad_a):
    grad_a *= 1 - np.tanh(x @ W + b) ** 2
    return x.T @ grad_a, grad_a.sum(axis=0), grad_a @ W.T


def two_layer(X, y, W1, b1, W2, b2, n=None):
    a1 = np.tanh(X @ W1 + b1)
    a2 = sig(a1 @ W2 + b2)
    delta2 = (a2 - y) / (len(X) if n is None else n)
    delta1 = (delta2 @ W2.T) * (1 - a1**2)
    return X.T @ delta1, delta1.sum(axis=0), a1.T @ delta2, delta2.sum(axis=0)


def two_layer_float32(X, y, W1, b1, W2, b2):
    return two_layer(*(v.astype(np.float32) for v in (X, y, W1, b1, W2, b2)))


def two_layer_divided_by_inputs(X, y, W1, b1, W2, b2):
    return two_layer(X, y, W1, b1, W2, b2, n=X.shape[1])


def two_layer_y_broadcast(X, y, W1, b1, W2, b2):  # a2 (n, 1) minus y (n,): an (n, n) array, averaged back
    a1 = np.tanh(X @ W1 + b1)
    a2 = sig(a1 @ W2 + b2)
    delta2 = (a2 - y.ravel()).mean(axis=1, keepdims=True) / len(X)
    delta1 = (delta2 @ W2.T) * (1 - a1**2)
    return X.T @ delta1, delta1.sum(axis=0), a1.T @ delta2, delta2.sum(axis=0)


@pytest.mark.parametrize("key, func, words", [
    ("06.dense_backward", dense_float32, "float32 arrays, right only to about 1e-07"),
    ("06.dense_backward", dense_rounded, "something rounds them"),
    ("06.two_layer_backward", two_layer_float32, "float32 arrays, right only to about"),
    ("06.dense_backward", dense_outer_of_sums, "not right: `dW`"),
    ("06.dense_backward", dense_db_first_row, "not right: `db`"),
    ("06.dense_backward", dense_grad_a_in_place, "changed its input `grad_a` in place"),
    ("06.two_layer_backward", two_layer_divided_by_inputs, "3 times the expected one"),
    ("06.two_layer_backward", two_layer_y_broadcast, "not right: `dW1`, `db1`, `dW2`"),
])
def test_the_cold_reads_wrong_answers_are_rejected_and_told_why(key, func, words):
    """Low-precision answers (float32, rounded) and the reader's wrong answers: each rejected, with its diagnosis."""
    ok, message, attempted = run(CODE_EXERCISES[key], func)
    assert not ok and attempted
    assert words in message, message


def test_the_right_answer_in_float64_still_passes_and_precision_is_not_blamed_on_a_real_mistake():
    assert run(CODE_EXERCISES["06.dense_backward"], dense)[0]
    ok, message, _ = run(CODE_EXERCISES["06.dense_backward"], lambda x, W, b, grad_a: dense(x, W, b, grad_a, lambda a: 1 - a))
    assert not ok and "precision" not in message and "float32" not in message


@pytest.mark.parametrize("word", ["larger", "bigger", "increases", "grows", "higher", "Bigger "])
def test_every_way_of_saying_larger_gets_the_diagnosis_of_larger(word):
    verdict = QUIZZES["06.predict_saturated"](word)
    assert not verdict.ok and "dL/da only" in verdict.text


@pytest.mark.parametrize("word", ["smaller", "Smaller", "decreases", "shrinks", "lower"])
def test_every_way_of_saying_smaller_is_accepted(word):
    assert QUIZZES["06.predict_saturated"](word).ok
