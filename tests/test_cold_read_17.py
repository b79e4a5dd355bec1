"""Lesson 17 cold read: what a fresh reader found. The quiz on the KL of mu = (1, -2), log_var = 0 (answer 2.5)
told the wrong answers 2 and 3 "Close, but give 2 decimals": they are now rejected as wrong, with a message that
says so. Correct answers written differently from the reference still pass."""
import numpy as np
import pytest

from dlteach.exercises import _verdict, reset_hints


@pytest.fixture(autouse=True)
def _ladders_at_the_bottom():
    reset_hints()
    yield
    reset_hints()


@pytest.mark.parametrize("answer", [2.0, 2, 3.0, 3])
def test_kl_value_wrong_integers_are_not_called_close(answer):
    ok, message = _verdict("17.kl_value", answer, 0)
    assert not ok
    assert "Close" not in message and "decimal" not in message.split("\n")[0]
    assert "Hint 1 of 3" in message  # counted as an attempt: the ladder starts


@pytest.mark.parametrize("answer", [2.5, 2.50, "2.5", np.float32(2.5), 2.504, 2.4951])
def test_kl_value_right_answers_pass(answer):
    assert _verdict("17.kl_value", answer, 0)[0]


@pytest.mark.parametrize("answer", [0.81, 0.8069, 0.807, 0.806])
def test_kl_wide_right_answers_pass(answer):
    assert _verdict("17.kl_wide", answer, 0)[0]


def _kl_sigma_form(mu, log_var):
    s = np.exp(log_var / 2)
    return np.sum(-np.log(s) - 0.5 + 0.5 * (mu**2 + s**2), axis=-1), mu.copy(), 0.5 * s**2 - 0.5


def _kl_einsum(mu, log_var):
    return 0.5 * np.einsum("ij->i", mu * mu + np.exp(log_var) - log_var - 1), mu, 0.5 * np.expm1(log_var)


def _rep_via_z(mu, log_var, eps, g):
    z = mu + np.exp(log_var / 2) * eps
    return z, g.copy(), 0.5 * g * (z - mu)


def _rep_sqrt(mu, log_var, eps, g):
    s = np.sqrt(np.exp(log_var))
    return mu + s * eps, g, g * eps * s / 2


@pytest.mark.parametrize("exercise, fn", [("17.gaussian_kl", _kl_sigma_form), ("17.gaussian_kl", _kl_einsum),
                                          ("17.reparameterize", _rep_via_z), ("17.reparameterize", _rep_sqrt)])
def test_right_answers_written_differently_pass(exercise, fn):
    ok, message = _verdict(exercise, fn, 0)
    assert ok, message


def _rep_no_half(mu, log_var, eps, g):
    s = np.exp(0.5 * log_var)
    return mu + s * eps, g, g * eps * s


def _kl_mean_over_k(mu, log_var):
    return -0.5 * np.mean(1 + log_var - mu**2 - np.exp(log_var), axis=1), mu, 0.5 * (np.exp(log_var) - 1)


@pytest.mark.parametrize("exercise, fn, says", [("17.reparameterize", _rep_no_half, "twice"),
                                                ("17.gaussian_kl", _kl_mean_over_k, "averages")])
def test_first_miss_names_the_mistake_without_code(exercise, fn, says):
    ok, message = _verdict(exercise, fn, 0)
    assert not ok and says in message and "Hint 1 of 3" in message and "Hint 3" not in message
