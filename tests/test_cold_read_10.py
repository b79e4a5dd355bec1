"""Lesson 10 cold read: what a fresh reader's attempts found.

dt.EarlyStopping put the best weights back only when its patience ran out; a run that reached its last epoch
kept its last weights, where Keras 3 restores the best ones at the end of training too (the lesson's Keras
twin, seed 0 with L2 + dropout + early stopping, ran all 150 epochs: Keras kept epoch 143, dlteach epoch 150).
Exercise 1 told the answer 6 (2 w, lambda forgotten) that it "looks like a percentage". No wrong answer was
accepted; the other wrong answers of the cold read are pinned as rejected.
"""
import pathlib
import re

import numpy as np
import pytest

import dlteach as dt
from dlteach.exercises import CODE_EXERCISES, precision_of
from dlteach.exercises.quiz import QUIZZES
from dlteach.exercises.runner import run

LESSON = (pathlib.Path(__file__).resolve().parents[1] / "lessons" / "10_overfitting.md").read_text()


def _exercise_text(number):
    match = re.search(rf"\*\*{number}\.(.*?)```", LESSON, re.S)
    assert match, f"exercise {number} not found"
    return " ".join(match.group(1).split())


def _data(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(40, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(float)
    return X[:30], y[:30], X[30:], y[30:]


def _val_loss_after(patience, epochs=40):
    X, y, X_val, y_val = _data()
    model = dt.MLP([2, 16, 1], "relu", "sigmoid", "binary_crossentropy", seed=0)
    history = dt.fit(model, X, y, learning_rate=0.05, epochs=epochs, batch_size=None, validation_data=(X_val, y_val),
                     callbacks=[dt.EarlyStopping("val_loss", patience=patience)], seed=0, verbose=0)
    return model.evaluate(X_val, y_val), history


def test_early_stopping_restores_the_best_weights_when_the_patience_never_runs_out():
    kept, history = _val_loss_after(patience=1000)
    assert history.stopped is None and len(history.epoch) == 40
    best = int(np.argmin(history["val_loss"]))
    assert best < 39, "the test needs a run whose last epoch is not its best"
    assert np.isclose(kept, history["val_loss"][best]) and kept < history["val_loss"][-1]
    assert "Best weights restored." in history.message


def test_early_stopping_that_stops_still_restores_once_and_says_so():
    kept, history = _val_loss_after(patience=2, epochs=200)
    assert history.stopped == "early_stopping"
    assert np.isclose(kept, min(history["val_loss"]))
    assert history.message.startswith("Early stopping at epoch")


def test_without_restore_best_weights_the_last_weights_stay():
    X, y, X_val, y_val = _data()
    model = dt.MLP([2, 16, 1], "relu", "sigmoid", "binary_crossentropy", seed=0)
    history = dt.fit(model, X, y, learning_rate=0.05, epochs=40, batch_size=None, validation_data=(X_val, y_val),
                     callbacks=[dt.EarlyStopping("val_loss", patience=1000, restore_best_weights=False)],
                     seed=0, verbose=0)
    assert np.isclose(model.evaluate(X_val, y_val), history["val_loss"][-1])


@pytest.mark.parametrize("number, key", [(1, "10.l2_gradient"), (2, "10.dropout_scale")])
def test_each_quiz_states_the_precision_its_checker_uses(number, key):
    assert precision_of(key) == "exact"
    assert "exact value" in _exercise_text(number)


@pytest.mark.parametrize("answer, words", [
    (6, "2 w, the slope of w² alone"),        # lambda forgotten: not a percentage
    (-0.06, "minus the gradient"),
    (0.03, "that is lambda w"),
    (0.09, "the penalty lambda w² itself"),
])
def test_l2_gradient_diagnoses_the_cold_reads_answers(answer, words):
    verdict = QUIZZES["10.l2_gradient"](answer)
    assert not verdict.ok and verdict.attempted and words.lower() in verdict.text.lower(), verdict.text
    assert "percentage" not in verdict.text


@pytest.mark.parametrize("key, answer", [
    ("10.l2_gradient", 0.6), ("10.l2_gradient", 0.0006), ("10.l2_gradient", 0.18), ("10.l2_gradient", 0.059),
    ("10.l2_gradient", 0.1), ("10.dropout_scale", 0.5), ("10.dropout_scale", 1), ("10.dropout_scale", 0),
    ("10.dropout_scale", 1.5), ("10.dropout_scale", -2), ("10.dropout_scale", 0.25), ("10.dropout_scale", 1.99),
])
def test_the_cold_reads_wrong_quiz_answers_are_rejected(key, answer):
    assert not QUIZZES[key](answer).ok


@pytest.mark.parametrize("key, answer", [
    ("10.l2_gradient", "2*0.01*3"), ("10.l2_gradient", "6e-2"), ("10.dropout_scale", "1/(1-0.5)"),
    ("10.dropout_scale", 2.0),
])
def test_right_quiz_answers_written_differently_pass(key, answer):
    assert QUIZZES[key](answer).ok


@pytest.mark.parametrize("func, words", [
    (lambda x, mask, rate: x * mask, "0.5 times the expected one"),
    (lambda x, mask, rate: x * mask / rate, "4 times the expected one"),
    (lambda x, mask, rate: x * (1 - mask) / (1 - rate), "keeps the units whose mask is 0"),
    (lambda x, mask, rate: x * mask / mask.mean(), "the fraction this mask keeps"),
    (lambda x, mask, rate: x * mask / np.maximum(mask.mean(axis=-1, keepdims=True), 1e-12), "not right"),
    (lambda x, mask, rate: x * (np.random.default_rng(0).random(x.shape) >= rate) / (1 - rate), "not right"),
    (lambda x, mask, rate: x / (1 - rate), "the units whose mask is 0 are not 0"),
])
def test_the_cold_reads_wrong_dropouts_are_rejected(func, words):
    def dropout_forward(x, mask, rate):
        return func(x, mask, rate)
    ok, message, attempted = run(CODE_EXERCISES["10.dropout_forward"], dropout_forward)
    assert not ok and attempted and words in message, message


@pytest.mark.parametrize("func, words", [
    (lambda W, l2: (0.5 * l2 * np.sum(W**2), l2 * W), "half the expected one"),
    (lambda W, l2: (l2 * np.sum(W**2), 2 * l2 * np.sum(W) * np.ones_like(W)), "not right: `dW`"),
    (lambda W, l2: (l2 * np.sum(W) ** 2, 2 * l2 * W), "not right: `penalty`"),
    (lambda W, l2: (l2 * np.sum(np.abs(W)), l2 * np.sign(W)), "None of `penalty`, `dW` is right"),
    (lambda W, l2: (l2 * np.mean(W**2), 2 * l2 * W / W.size), "a mean, not the sum"),
    (lambda W, l2: (l2 * np.linalg.norm(W), l2 * W / np.linalg.norm(W)), "a square root too many"),
    (lambda W, l2: (l2 * np.sum(W**2), -2 * l2 * W), "opposite sign"),
])
def test_the_cold_reads_wrong_l2_penalties_are_rejected(func, words):
    def l2_penalty(W, l2):
        return func(W, l2)
    ok, message, attempted = run(CODE_EXERCISES["10.l2_penalty"], l2_penalty)
    assert not ok and attempted and words in message, message


def test_the_explorer_says_the_best_weights_are_kept_when_early_stopping_never_stopped():
    from dlteach.widgets import OverfitExplorer

    explorer = OverfitExplorer(early_stopping="on", l2=0.003, dropout=0.2)
    assert explorer.history.stopped is None
    assert "the best epoch's weights kept" in explorer.titles()[1]
    assert np.isclose(explorer.scores["val_loss"], min(explorer.history["val_data_loss"]), rtol=0.05)
