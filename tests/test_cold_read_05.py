"""Lesson 05 cold read: what a fresh reader's attempts found in the checkers and the text.

No wrong answer was accepted. The one right-looking answer rejected was 9.99 (a finite run's speed-up)
for 05.momentum_speedup, whose precision ("exact") the lesson did not state; exercise 1's "2 significant
digits" was not stated either. The lesson now states both; these tests keep the text and the quizzes
in step, and pin the cold read's wrong answers as rejected, each with its diagnosis where it has one.
"""
import pathlib
import re

import numpy as np
import pytest

from dlteach.exercises import CODE_EXERCISES, precision_of
from dlteach.exercises.quiz import QUIZZES
from dlteach.exercises.runner import run

LESSON = (pathlib.Path(__file__).resolve().parents[1] / "lessons" / "05_optimizers.md").read_text()


def _exercise_text(number):
    """The paragraph of exercise `number` (from its bold label up to its code cell)."""
    match = re.search(rf"\*\*{number}\.(.*?)```", LESSON, re.S)
    assert match, f"exercise {number} not found"
    return " ".join(match.group(1).split())


@pytest.mark.parametrize("number, key, stated", [
    (1, "05.adam_first_step", "2 significant digits"),
    (2, "05.momentum_speedup", "exact"),
])
def test_each_quiz_states_the_precision_its_checker_uses(number, key, stated):
    assert precision_of(key) == stated
    assert stated in _exercise_text(number)


@pytest.mark.parametrize("answer", [0.0095, 0.01, 0.0105, "1e-2", -0.01])
def test_adam_first_step_accepts_every_answer_right_to_2_significant_digits(answer):
    assert QUIZZES["05.adam_first_step"](answer).ok


@pytest.mark.parametrize("key, answer", [
    ("05.adam_first_step", 0.0316),     # no bias correction: lr (1 - beta_1) / sqrt(1 - beta_2)
    ("05.adam_first_step", 0.00316),
    ("05.adam_first_step", 0.001),      # lr (1 - beta_1)
    ("05.adam_first_step", 0.1),
    ("05.adam_first_step", 0.011),
    ("05.momentum_speedup", 9),         # mu / (1 - mu)
    ("05.momentum_speedup", 19),        # (1 + mu) / (1 - mu)
    ("05.momentum_speedup", 100),       # 1 / (1 - mu)²
    ("05.momentum_speedup", 1.9),       # 1 + mu
    ("05.momentum_speedup", 0.1),       # 1 - mu
    ("05.momentum_speedup", 3.16),      # 1 / sqrt(1 - mu)
    ("05.momentum_speedup", -10),
    ("05.momentum_speedup", 9.99),      # a finite run's ratio: the exercise now asks for the exact limit
])
def test_the_cold_reads_wrong_quiz_answers_are_rejected(key, answer):
    assert not QUIZZES[key](answer).ok


def _momentum(update_m, update_w):
    def momentum_step(w, m, g, learning_rate, momentum):
        m_new = update_m(m, g, learning_rate, momentum)
        return update_w(w, m, m_new, g, learning_rate, momentum), m_new
    return momentum_step


PLAIN_M = lambda m, g, lr, mu: mu * m - lr * g  # noqa: E731
PLAIN_W = lambda w, m, m_new, g, lr, mu: w + m_new  # noqa: E731


@pytest.mark.parametrize("func, words", [
    (_momentum(lambda m, g, lr, mu: mu * m + lr * g, PLAIN_W), "goes uphill"),
    (_momentum(PLAIN_M, lambda w, m, m_new, g, lr, mu: w + m), "moved by the old m"),
    (_momentum(PLAIN_M, lambda w, m, m_new, g, lr, mu: w + mu * m_new - lr * g), "Nesterov"),
    (_momentum(lambda m, g, lr, mu: mu * m - g, lambda w, m, m_new, g, lr, mu: w + lr * m_new), "not right: `m_new`"),
    (_momentum(lambda m, g, lr, mu: mu * m - (1 - mu) * lr * g, PLAIN_W), "None of `w_new`, `m_new` is right"),
    (_momentum(lambda m, g, lr, mu: 0.9 * m - lr * g, PLAIN_W), "what momentum = 0.9 gives"),
    (_momentum(lambda m, g, lr, mu: mu * m - lr * np.clip(g, -1, 1), PLAIN_W), "not right"),
    (_momentum(lambda m, g, lr, mu: mu * m - lr * np.mean(g), PLAIN_W), "not right"),
])
def test_the_cold_reads_wrong_momentum_steps_are_rejected(func, words):
    ok, message, attempted = run(CODE_EXERCISES["05.momentum_step"], func)
    assert not ok and attempted
    assert words in message, message


def _adam(alpha=None, v_of=None, step=None):
    def adam_step(w, m, v, g, t, learning_rate, beta_1, beta_2, epsilon):
        m_new = beta_1 * m + (1 - beta_1) * g
        v_new = v_of(v, g, beta_2) if v_of else beta_2 * v + (1 - beta_2) * g**2
        a = alpha(learning_rate, beta_1, beta_2, t) if alpha else (
            learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t))
        size = step(m_new, v_new, epsilon) if step else m_new / (np.sqrt(v_new) + epsilon)
        return w - a * size, m_new, v_new
    return adam_step


@pytest.mark.parametrize("func, words", [
    (_adam(alpha=lambda lr, b1, b2, t: lr), "without its bias correction"),
    (_adam(alpha=lambda lr, b1, b2, t: lr / (1 - b1**t)), "not right: `w_new`"),     # m's correction only
    (_adam(alpha=lambda lr, b1, b2, t: lr * (1 - b2**t) / (1 - b1**t)), "without its square root"),
    (_adam(v_of=lambda v, g, b2: b2 * v + (1 - b2) * np.abs(g)), "not right"),         # |g| instead of g²
    (_adam(v_of=lambda v, g, b2: np.maximum(v, b2 * v + (1 - b2) * g**2)), "epsilon matters"),  # AMSGrad
    (_adam(step=lambda m, v, eps: m / np.sqrt(v + eps)), "inside the square root"),
    (_adam(step=lambda m, v, eps: m / np.sqrt(v)), "not right"),                        # epsilon left out
    (_adam(step=lambda m, v, eps: m / (np.sqrt(v) + 1e-8)), "not right"),               # PyTorch's epsilon, fixed
])
def test_the_cold_reads_wrong_adam_steps_are_rejected(func, words):
    ok, message, attempted = run(CODE_EXERCISES["05.adam_step"], func)
    assert not ok and attempted
    assert words in message, message


def test_right_answers_written_differently_pass():
    def momentum_on_copies(w, m, g, learning_rate, momentum):
        w_new, m_new = np.array(w, dtype=float, copy=True), np.negative(learning_rate * g)
        m_new += momentum * m
        w_new += m_new
        return w_new, m_new

    def adam_papers_form(w, m, v, g, t, learning_rate, beta_1, beta_2, epsilon):
        m_new, v_new = m + (1 - beta_1) * (g - m), v + (1 - beta_2) * (g * g - v)
        m_hat, v_hat = m_new / (1 - beta_1**t), v_new / (1 - beta_2**t)
        return w - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon / np.sqrt(1 - beta_2**t)), m_new, v_new

    assert run(CODE_EXERCISES["05.momentum_step"], momentum_on_copies)[0]
    assert run(CODE_EXERCISES["05.adam_step"], adam_papers_form)[0]


def test_the_race_printout_says_what_it_is_sorted_by():
    assert "best first by the mean log10 held-out score" in LESSON
    assert "mean log10 {np.mean(race.log10(n))" in LESSON
