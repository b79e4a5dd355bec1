"""Rosenblatt's perceptron: a neuron with a step activation, y_hat = [w . x + b > 0], trained by
    w <- w + eta (y - y_hat) x,    b <- b + eta (y - y_hat)
which converges when a straight line separates the classes (AND, OR) and never when none
does (XOR): the reason for hidden layers."""
from __future__ import annotations

import numpy as np

from ._checks import as_float_array, check_positive, check_positive_int

LOGIC = {
    "AND": np.array([0.0, 0.0, 0.0, 1.0]),
    "OR": np.array([0.0, 1.0, 1.0, 1.0]),
    "XOR": np.array([0.0, 1.0, 1.0, 0.0]),
    "NAND": np.array([1.0, 1.0, 1.0, 0.0]),
}
LOGIC_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def check_finite(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {value!r}.")
    if not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}.")
    return float(value)


def logic_data(name: str):
    """The four points of a two-input logic gate and its truth table: (X (4, 2), y (4,))."""
    name = name.upper() if isinstance(name, str) else name
    if name not in LOGIC:
        raise ValueError(f"Unknown logic gate {name!r}. Valid: {', '.join(LOGIC)}.")
    return LOGIC_X.copy(), LOGIC[name].copy()


def perceptron_train(X, y, eta: float = 0.1, epochs: int = 20, w=None, b: float = 0.0):
    """Train a perceptron; returns (w, b, errors) with errors[k] = misclassified points in epoch k.
    Stops early after an epoch without errors."""
    X = as_float_array(X, "X", ndim=2)
    y = as_float_array(y, "y", ndim=1)
    if len(y) != len(X):
        raise ValueError(f"X has {len(X)} samples but y has {len(y)}.")
    eta = check_positive(eta, "eta")
    epochs = check_positive_int(epochs, "epochs")
    w = np.zeros(X.shape[1]) if w is None else as_float_array(w, "w", ndim=1)
    if w.shape != (X.shape[1],):
        raise ValueError(f"w must have one weight per feature, shape ({X.shape[1]},), got {w.shape}.")
    b = check_finite(b, "b")
    errors = []
    for _ in range(epochs):
        wrong = 0
        for x_i, y_i in zip(X, y):
            y_hat = float(x_i @ w + b > 0)
            if y_hat != y_i:
                w = w + eta * (y_i - y_hat) * x_i
                b = b + eta * (y_i - y_hat)
                wrong += 1
        errors.append(wrong)
        if wrong == 0:
            break
    return w, b, errors
