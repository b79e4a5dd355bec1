"""Activations against values worked out by hand, their derivatives at the kinks as TensorFlow
defines them, and the checked entry points (mutation testing, docs/MUTATION.md)."""
import math

import numpy as np
import pytest

from dlteach.core.activations import ACTIVATIONS, LEAKY_RELU_SLOPE, derivative, get_activation, softmax

Z = np.array([[-2.0, -0.5, 0.0, 0.5, 3.0]])


@pytest.mark.parametrize("name,values,slopes", [
    ("linear", [-2.0, -0.5, 0.0, 0.5, 3.0], [1.0] * 5),
    ("relu", [0.0, 0.0, 0.0, 0.5, 3.0], [0.0, 0.0, 0.0, 1.0, 1.0]),  # f'(0) = 0, as TensorFlow
    ("leaky_relu", [-0.4, -0.1, 0.0, 0.5, 3.0], [0.2, 0.2, 0.2, 1.0, 1.0]),
    ("tanh", [math.tanh(v) for v in Z[0]], [1 - math.tanh(v) ** 2 for v in Z[0]]),
    ("sigmoid", [1 / (1 + math.exp(-v)) for v in Z[0]], [math.exp(-v) / (1 + math.exp(-v)) ** 2 for v in Z[0]]),
    ("elu", [math.expm1(-2.0), math.expm1(-0.5), 0.0, 0.5, 3.0], [math.exp(-2.0), math.exp(-0.5), 1.0, 1.0, 1.0]),
])
def test_values_and_slopes_by_hand(name, values, slopes):
    act = get_activation(name)
    assert np.allclose(act(Z), [values], rtol=1e-6 if name == "leaky_relu" else 1e-15, atol=0)
    assert np.allclose(derivative(name, Z), [slopes], rtol=1e-6 if name == "leaky_relu" else 1e-14, atol=0)
    assert np.allclose(derivative(name, Z[0].tolist()), slopes, rtol=1e-6, atol=0)  # lists are accepted
    grad_a = np.array([[1.0, 2.0, -1.0, 0.5, 3.0]])
    assert np.allclose(act.backward(Z, act(Z), grad_a), grad_a * np.array([slopes]), rtol=1e-6, atol=0)


def test_leaky_relu_slope_is_keras_s_float32_0_2():
    assert LEAKY_RELU_SLOPE == 0.2
    assert get_activation("leaky_relu")(np.array([-1.0]))[0] == -float(np.float32(0.2))
    assert derivative("leaky_relu", [-1.0])[0] == float(np.float32(0.2))
    assert ACTIVATIONS["leaky_relu"].formula == "f(z) = z if z > 0 else 0.2 z"


def test_softmax_backward_is_the_jacobian_product():
    z = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])
    a = softmax(z)
    e = np.exp(z)
    assert np.allclose(a, e / e.sum(axis=1, keepdims=True), rtol=1e-15)
    g = np.array([[1.0, -1.0, 2.0], [0.5, 0.0, 1.0]])
    expected = np.stack([g[i] @ (np.diag(a[i]) - np.outer(a[i], a[i])) for i in range(2)])
    assert np.allclose(get_activation("softmax").backward(z, a, g), expected, rtol=1e-14, atol=1e-16)
    with pytest.raises(ValueError) as err:
        derivative("softmax", z)
    assert str(err.value) == "softmax has no elementwise derivative; use softmax_jacobian(a_row)."


def test_checked_call_and_lookups():
    with pytest.raises(ValueError) as err:
        get_activation("tanh")([1.0, np.nan])
    assert str(err.value) == "z contains 1 NaN or infinite value(s); clean or impute the data first."
    with pytest.raises(ValueError, match="z contains 1 NaN"):
        derivative("tanh", [np.inf])
    assert get_activation(None) is ACTIVATIONS["linear"]
    assert get_activation(ACTIVATIONS["relu"]) is ACTIVATIONS["relu"]
    assert get_activation("Leaky-ReLU") is ACTIVATIONS["leaky_relu"]
    assert all(act.name == key for key, act in ACTIVATIONS.items())
