"""Activation functions a = f(z) and their backward passes.

Each Activation has
- ``forward(z) -> a``                          same shape as z;
- ``backward(z, a, grad_a) -> grad_z``         the vector-Jacobian product dL/dz;
- ``derivative(z, a) -> f'(z)``                elementwise, given z and a = f(z) (a saves
                                               recomputing f: sigmoid' = a (1 - a)); None for
                                               softmax, whose derivative is a Jacobian, see
                                               `softmax_jacobian`.
The module function ``derivative(name, z)`` computes a = f(z) itself, for plotting f'(z).
Activations: linear, sigmoid, tanh, relu, leaky_relu, softmax, elu, selu, gelu (Keras's defaults).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ._checks import as_float_array, lookup
from ._compat import keras_constant

LEAKY_RELU_SLOPE = 0.2  # Keras's default negative_slope for keras.activations.leaky_relu
_SLOPE = keras_constant(LEAKY_RELU_SLOPE)  # TensorFlow holds it as a float32 attribute


def linear(z):
    return z


def sigmoid(z):
    """1 / (1 + e^-z), computed as exp(-log(1 + e^-z)) with np.logaddexp, which never overflows
    (the plain formula overflows in e^-z for z < -709) and is 3x faster on small arrays than
    branching on the sign of z; the result differs from the plain formula by at most 2e-16."""
    return np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=np.float64)))


def tanh(z):
    return np.tanh(z)


def relu(z):
    return np.maximum(z, 0.0)


def leaky_relu(z, slope: float = _SLOPE):
    return np.where(z > 0, z, slope * z)


ELU_ALPHA = 1.0  # Keras's default alpha for keras.activations.elu
# SELU's constants (Klambauer et al. 2017), as TensorFlow's kernel holds them (in double precision)
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946

_erfc = np.frompyfunc(math.erfc, 1, 1)  # NumPy has no erf; math.erfc is exact to the last bits
# 1/sqrt(2) as TensorFlow's gelu holds it: cast from a Python float through float32 (0.70710677),
# so Keras's GELU is z Phi(0.99999999 z); copying that makes the two agree to 1e-16, not 1e-8.
_INV_SQRT2 = keras_constant(1.0 / math.sqrt(2.0))


def _normal_cdf(z):
    """Phi(z) = P(N(0, 1) <= z) = erfc(-z / sqrt 2) / 2: erfc keeps the left tail's tiny values exact
    (1 + erf(z / sqrt 2) would cancel to 0 from z = -8 on)."""
    z = np.asarray(z, dtype=np.float64)
    return 0.5 * np.asarray(_erfc(-z * _INV_SQRT2), dtype=np.float64)  # a 0-d input gives a float


def elu(z, alpha: float = ELU_ALPHA):
    """z for z > 0, alpha (e^z - 1) below: smooth at 0, saturates at -alpha for z -> -inf."""
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0.0)))


def selu(z):
    """SELU_SCALE * elu(z, SELU_ALPHA): keeps mean 0 and variance 1 through layers (LeCun init)."""
    return SELU_SCALE * np.where(z > 0, z, SELU_ALPHA * np.expm1(np.minimum(z, 0.0)))


def gelu(z):
    """z Phi(z), Phi the standard normal CDF (the exact GELU, Keras's default approximate=False)."""
    z = np.asarray(z, dtype=np.float64)
    return z * _normal_cdf(z)


def _gelu_derivative(z, a):
    """f'(z) = Phi(z) + z phi(z): with Phi(z) = erfc(-c z) / 2, Phi'(z) = c e^(-(c z)^2) / sqrt(pi).
    c z is clipped to +-40, where e^(-1600) is 0 anyway, so that huge z cannot overflow the square."""
    u = np.clip(z * _INV_SQRT2, -40.0, 40.0)
    return _normal_cdf(z) + z * _INV_SQRT2 * np.exp(-u * u) / math.sqrt(math.pi)


def softmax(z):
    """Softmax over the last axis; subtracting the row max keeps exp from overflowing."""
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def softmax_jacobian(a_row):
    """da_i/dz_j = a_i (delta_ij - a_j) for one row a of shape (k,); returns (k, k)."""
    return np.diag(a_row) - np.outer(a_row, a_row)


@dataclass(frozen=True)
class Activation:
    name: str
    forward: Callable
    derivative: Callable | None  # f'(z) elementwise, given z and a = f(z)
    formula: str

    def __call__(self, z):
        """f(z), with z checked (numbers, finite); `forward` is the unchecked version for layers."""
        return self.forward(as_float_array(z, "z"))

    def backward(self, z, a, grad_a):
        """dL/dz from dL/da. Elementwise: grad_a * f'(z). Softmax: per row, grad_a @ J."""
        if self.derivative is None:  # softmax: (g - sum(g*a)) * a is grad_a @ J without forming J
            return a * (grad_a - np.sum(grad_a * a, axis=-1, keepdims=True))
        return grad_a * self.derivative(z, a)


ACTIVATIONS = {
    "linear": Activation("linear", linear, lambda z, a: np.ones_like(z), "f(z) = z"),
    "sigmoid": Activation("sigmoid", sigmoid, lambda z, a: a * (1.0 - a), "f(z) = 1 / (1 + e^-z)"),
    "tanh": Activation("tanh", tanh, lambda z, a: 1.0 - a**2, "f(z) = tanh(z)"),
    # At z == 0 we use the derivative 0, as TensorFlow does.
    "relu": Activation("relu", relu, lambda z, a: (z > 0).astype(np.float64), "f(z) = max(0, z)"),
    "leaky_relu": Activation(
        "leaky_relu",
        leaky_relu,
        lambda z, a: np.where(z > 0, 1.0, _SLOPE),
        f"f(z) = z if z > 0 else {LEAKY_RELU_SLOPE} z",
    ),
    "softmax": Activation("softmax", softmax, None, "f(z)_i = e^z_i / sum_j e^z_j"),
    # Below zero f' = alpha e^z = a + alpha: computed from a, as TensorFlow's EluGrad does; f'(0) = 1.
    "elu": Activation("elu", elu, lambda z, a: np.where(z < 0, a + ELU_ALPHA, 1.0),
                      "f(z) = z if z > 0 else e^z - 1"),
    "selu": Activation("selu", selu, lambda z, a: np.where(z < 0, a + SELU_SCALE * SELU_ALPHA, SELU_SCALE),
                       "f(z) = 1.0507 z if z > 0 else 1.0507 * 1.6733 (e^z - 1)"),
    "gelu": Activation("gelu", gelu, _gelu_derivative, "f(z) = z Phi(z)"),
}


def get_activation(name) -> Activation:
    """Look up an activation by name (or pass an Activation through)."""
    if isinstance(name, Activation):
        return name
    if name is None:
        return ACTIVATIONS["linear"]
    return lookup(name, ACTIVATIONS, "activation")


def derivative(name, z):
    """f'(z) for an elementwise activation, for plotting (lesson 02)."""
    act = get_activation(name)
    if act.derivative is None:
        raise ValueError("softmax has no elementwise derivative; use softmax_jacobian(a_row).")
    z = as_float_array(z, "z")
    return act.derivative(z, act.forward(z))
