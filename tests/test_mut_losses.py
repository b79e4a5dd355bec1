"""Losses against formulas written out here with hand-picked numbers, Keras's clipping at its
edges, gradients by central differences, and the messages word for word (mutation testing,
docs/MUTATION.md)."""
import math

import numpy as np
import pytest

from dlteach.core.losses import (EPSILON, LOSSES, Loss, binary_crossentropy, categorical_crossentropy, get_loss,
                                 logits_twin, mse)


def central(f, x, eps=1e-6):
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += eps
        down[i] -= eps
        g[i] = (f(up) - f(down)) / (2 * eps)
    return g


def test_keras_epsilon():
    assert EPSILON == 1e-7


def test_mse_by_hand():
    y = np.array([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0]])
    p = np.array([[1.5, 2.0, -1.0], [0.0, 1.0, 3.0]])
    value, grad = mse(y, p)
    assert value == pytest.approx((0.25 + 1 + 4) / 6, rel=1e-15)
    assert np.allclose(grad, 2 * (p - y) / 6, rtol=1e-15)
    value, grad = mse([1.0, 2.0], [2.0, 4.0])  # 1-D: one value per sample
    assert value == 2.5 and grad.shape == (2, 1) and np.allclose(grad[:, 0], [1.0, 2.0])


def test_bce_from_probabilities_by_hand_and_keras_s_clip():
    y = np.array([[1.0, 0.0], [0.0, 1.0]])
    p = np.array([[0.8, 0.3], [0.1, 0.6]])
    value, grad = binary_crossentropy(y, p)
    expected = -(math.log(0.8) + math.log(0.7) + math.log(0.9) + math.log(0.6)) / 4
    assert value == pytest.approx(expected, rel=1e-15)
    assert np.allclose(grad, -(y / p - (1 - y) / (1 - p)) / 4, rtol=1e-15)
    # p = 0 and 1: clipped to 1e-7 and 1 - 1e-7, and no gradient through the clip
    value, grad = binary_crossentropy([[1.0], [0.0]], [[0.0], [1.0]])
    assert value == pytest.approx((-math.log(1e-7) - math.log(1 - (1 - 1e-7))) / 2, rel=1e-14)
    assert np.array_equal(grad, np.zeros((2, 1)))
    # exactly at the clip's edges the gradient still flows
    edge = np.array([[EPSILON], [1 - EPSILON]])
    _, grad = binary_crossentropy([[1.0], [0.0]], edge)
    assert grad[0, 0] == pytest.approx(-1 / EPSILON / 2, rel=1e-9) and grad[1, 0] == pytest.approx(1 / EPSILON / 2,
                                                                                                      rel=1e-6)
    _, grad = binary_crossentropy([[1.0], [0.0]], [[1.0 + 1e-3], [-1e-3]])
    assert np.array_equal(grad, np.zeros((2, 1)))


def test_bce_from_logits_by_hand():
    y = np.array([[1.0, 0.0, 0.25], [0.0, 1.0, 1.0]])
    z = np.array([[2.0, -1.0, 0.5], [30.0, -30.0, 0.0]])
    value, grad = binary_crossentropy(y, z, from_logits=True)
    per = np.logaddexp(0, z) - z * y
    assert value == pytest.approx(per.mean(), rel=1e-14)
    assert np.allclose(grad, (1 / (1 + np.exp(-z)) - y) / 6, rtol=1e-12, atol=1e-20)
    assert np.allclose(grad, central(lambda t: binary_crossentropy(y, t, True)[0], z), rtol=1e-6, atol=1e-10)


def test_cce_from_probabilities_renormalises_rows_and_clips():
    y = np.array([[0.0, 1.0, 0.0], [0.5, 0.0, 0.5]])
    p = np.array([[0.2, 0.6, 0.2], [1.0, 2.0, 1.0]])  # the second row sums to 4: used as (0.25, 0.5, 0.25)
    value, grad = categorical_crossentropy(y, p)
    expected = (-math.log(0.6) - 0.5 * math.log(0.25) - 0.5 * math.log(0.25)) / 2
    assert value == pytest.approx(expected, rel=1e-15)
    assert np.allclose(grad, central(lambda t: categorical_crossentropy(y, t)[0], p), rtol=1e-7, atol=1e-10)
    value, grad = categorical_crossentropy([[1.0, 0.0]], [[0.0, 1.0]])
    assert value == pytest.approx(-math.log(1e-7), rel=1e-12)
    assert grad[0, 0] == 0.0  # no gradient through the clip


@pytest.mark.parametrize("y", [[[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], [[0.2, 0.3, 0.0], [0.0, 0.0, 2.0]]])
def test_cce_from_logits_by_hand(y):
    y = np.array(y)
    z = np.array([[1.0, 3.0, -2.0], [500.0, 0.0, -500.0]])
    value, grad = categorical_crossentropy(y, z, from_logits=True)
    lse = np.array([np.log(np.exp(z[0]).sum()), 500.0 + np.log1p(np.exp(-500.0) + np.exp(-1000.0))])
    assert value == pytest.approx(np.mean(-np.sum(y * (z - lse[:, None]), axis=1)), rel=1e-14)
    soft = np.exp(z - lse[:, None])
    assert np.allclose(grad, (soft * y.sum(axis=1, keepdims=True) - y) / 2, rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("call,error,text", [
    (lambda: mse([[1.0, 2.0]], [[1.0]]), ValueError,
     "y_true has shape (1, 2) but y_pred has shape (1, 1); they must match (one-hot encode class labels for "
     "categorical cross-entropy)."),
    (lambda: mse([], []), ValueError, "y_true must be a non-empty 1-D (n,) or 2-D (n, k) array, got shape (0,)."),
    (lambda: mse(np.zeros((2, 1)), np.zeros((2, 1, 1))), ValueError,
     "y_pred must be a non-empty 1-D (n,) or 2-D (n, k) array, got shape (2, 1, 1)."),
    (lambda: mse([1e200], [-1e200]), ValueError,
     "the loss or its gradient overflows float64 (loss inf); the values are too large: scale the data (e.g. "
     "standardise it) first."),
    (lambda: binary_crossentropy([1.0], [0.5], from_logits=1), TypeError, "from_logits must be True or False, got 1."),
    (lambda: categorical_crossentropy([[1.0, 0.0]], [[1.2, -0.2]]), ValueError,
     "categorical_crossentropy from probabilities needs y_pred >= 0; pass from_logits=True for raw scores."),
    (lambda: categorical_crossentropy([[1.0, 0.0]], [[0.0, 0.0]]), ValueError,
     "a row of y_pred sums to 0; probabilities must sum to 1 (or use from_logits=True)."),
])
def test_messages_word_for_word(call, error, text):
    with pytest.raises(error) as err:
        call()
    assert str(err.value) == text


def test_categorical_from_probabilities_accepts_a_zero_entry():
    value, _ = categorical_crossentropy([[0.0, 1.0]], [[0.0, 1.0]])
    assert value == pytest.approx(-math.log(1 - 1e-7), rel=1e-9)


def test_the_loss_table():
    expected = {"mse": ("mse", False, None), "mean_squared_error": ("mse", False, None),
                "binary_crossentropy": ("binary_crossentropy", False, "sigmoid"),
                "bce": ("binary_crossentropy", False, "sigmoid"),
                "binary_crossentropy_from_logits": ("binary_crossentropy_from_logits", True, None),
                "categorical_crossentropy": ("categorical_crossentropy", False, "softmax"),
                "cce": ("categorical_crossentropy", False, "softmax"),
                "categorical_crossentropy_from_logits": ("categorical_crossentropy_from_logits", True, None)}
    assert {k: (v.name, v.from_logits, v.fused_activation) for k, v in LOSSES.items()} == expected
    y, p = np.array([[1.0, 0.0]]), np.array([[0.7, 0.3]])
    assert LOSSES["bce"](y, p)[0] == pytest.approx(-(math.log(0.7) + math.log(0.7)) / 2, rel=1e-15)
    assert LOSSES["cce"](y, p)[0] == pytest.approx(-math.log(0.7), rel=1e-15)
    assert LOSSES["mean_squared_error"](y, p)[0] == pytest.approx(0.09, rel=1e-14)
    assert LOSSES["binary_crossentropy_from_logits"](y, p)[0] == pytest.approx(
        np.mean(np.logaddexp(0, p) - p * y), rel=1e-15)
    assert get_loss("BCE") is LOSSES["bce"] and get_loss(LOSSES["cce"]) is LOSSES["cce"]
    assert logits_twin(LOSSES["bce"]) is LOSSES["binary_crossentropy_from_logits"]
    assert logits_twin(LOSSES["categorical_crossentropy"]) is LOSSES["categorical_crossentropy_from_logits"]


def test_call_checks_and_compute_does_not():
    loss = Loss("custom", lambda y, p, from_logits: (float(np.sum(p)), p * 0 + (2.0 if from_logits else 1.0)), True)
    assert loss.fused_activation is None
    value, grad = loss([1.0, 2.0], [3.0, 4.0])  # checked: 1-D becomes (n, 1)
    assert value == 7.0 and grad.shape == (2, 1) and grad[0, 0] == 2.0
    with pytest.raises(ValueError, match="y_true has shape"):
        loss([1.0], [3.0, 4.0])
    raw = np.array([3.0, 4.0])
    assert loss.compute(None, raw)[1].shape == (2,)  # unchecked: passed as it is
    assert Loss("plain", loss.fn).from_logits is False
