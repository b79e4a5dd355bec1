"""Loss functions L(y_true, y_pred) returning the value and the gradient dL/dy_pred.

Conventions follow Keras: samples are rows, a per-sample loss is averaged over the batch
("sum_over_batch_size"), so every gradient carries a factor 1/n.

From probabilities, cross-entropies clip p to [eps, 1 - eps] exactly as Keras does, so that
p = 0 or p = 1 never gives log(0) = -inf (the gradient is zero where the clip is active).
From logits they use the log-sum-exp identities, which are exact and never overflow:
    BCE(y, z) = max(z, 0) - z y + log(1 + e^-|z|)      dBCE/dz = (1 - y) sigmoid(z) - y sigmoid(-z)
    CCE(y, z) = -sum_k y_k (z_k - logsumexp(z))          dCCE/dz = softmax(z) sum_k y_k - y
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ._checks import as_float_array, lookup
from .activations import sigmoid, softmax

EPSILON = 1e-7  # keras.backend.epsilon()


def _prepare(y_true, y_pred):
    """Both as float64 (n, k) arrays: a 1-D array is one value per sample, (n,) -> (n, 1)."""
    y_pred = as_float_array(y_pred, "y_pred")
    y_true = as_float_array(y_true, "y_true")
    for name, arr in (("y_true", y_true), ("y_pred", y_pred)):
        if arr.ndim not in (1, 2) or arr.size == 0:
            raise ValueError(f"{name} must be a non-empty 1-D (n,) or 2-D (n, k) array, got shape {arr.shape}.")
    if y_pred.ndim == 1:
        y_pred = y_pred[:, None]
    if y_true.ndim == 1:
        y_true = y_true[:, None]
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"y_true has shape {y_true.shape} but y_pred has shape {y_pred.shape}; they must match "
            "(one-hot encode class labels for categorical cross-entropy)."
        )
    return y_true, y_pred


def _checked(fn, y_true, y_pred, from_logits):
    """fn on checked inputs; its (value, grad), or a ValueError when finite inputs overflowed
    (e.g. the squares of 1e200), instead of NumPy warnings and an infinite loss."""
    if not isinstance(from_logits, (bool, np.bool_)):
        raise TypeError(f"from_logits must be True or False, got {from_logits!r}.")
    y_true, y_pred = _prepare(y_true, y_pred)
    with np.errstate(all="ignore"):
        value, grad = fn(y_true, y_pred, from_logits)
    if not (np.isfinite(value) and np.all(np.isfinite(grad))):
        raise ValueError(f"the loss or its gradient overflows float64 (loss {value}); the values are too "
                         "large: scale the data (e.g. standardise it) first.")
    return value, grad


def mse(y_true, y_pred):
    """Mean squared error: L = mean_i mean_k (y_pred - y_true)^2. Returns (L, dL/dy_pred)."""
    return _checked(_mse, y_true, y_pred, False)


def _mse(y_true, y_pred, from_logits: bool = False):  # from_logits: same signature as the others
    n, k = y_pred.shape
    diff = y_pred - y_true
    return float(np.mean(np.mean(diff**2, axis=-1))), 2.0 * diff / (n * k)


def binary_crossentropy(y_true, y_pred, from_logits: bool = False):
    """L = -mean[y log p + (1-y) log(1-p)], p = y_pred or sigmoid(y_pred). Returns (L, dL/dy_pred)."""
    return _checked(_binary_crossentropy, y_true, y_pred, from_logits)


def _binary_crossentropy(y_true, y_pred, from_logits):
    n, k = y_pred.shape
    if from_logits:
        z = y_pred
        per_elem = np.maximum(z, 0) - z * y_true + np.log1p(np.exp(-np.abs(z)))
        # dL/dz = sigmoid(z) - y, written as (1 - y) sigmoid(z) - y sigmoid(-z) (equal, since
        # sigmoid(-z) = 1 - sigmoid(z)): no difference of two numbers near 1, so it stays accurate
        # to the last bits at large |z| (sigmoid(40) - 1 would give 0 instead of -4.2e-18).
        grad = ((1 - y_true) * sigmoid(z) - y_true * sigmoid(-z)) / (n * k)
    else:
        p = np.clip(y_pred, EPSILON, 1.0 - EPSILON)
        inside = (y_pred >= EPSILON) & (y_pred <= 1.0 - EPSILON)  # clip passes no gradient outside
        per_elem = -(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))
        grad = -(y_true / p - (1 - y_true) / (1 - p)) * inside / (n * k)
    return float(np.mean(np.mean(per_elem, axis=-1))), grad


def categorical_crossentropy(y_true, y_pred, from_logits: bool = False):
    """L = -mean_i sum_k y_ik log p_ik, p = y_pred (rows renormalised) or softmax(y_pred)."""
    return _checked(_categorical_crossentropy, y_true, y_pred, from_logits)


def _categorical_crossentropy(y_true, y_pred, from_logits):
    n = y_pred.shape[0]
    if from_logits:
        z = y_pred
        z_max = z.max(axis=-1, keepdims=True)
        log_p = z - z_max - np.log(np.sum(np.exp(z - z_max), axis=-1, keepdims=True))
        per_sample = -np.sum(y_true * log_p, axis=-1)
        grad = (softmax(z) * y_true.sum(axis=-1, keepdims=True) - y_true) / n
        return float(np.mean(per_sample)), grad
    if np.any(y_pred < 0):
        raise ValueError("categorical_crossentropy from probabilities needs y_pred >= 0; pass from_logits=True for raw scores.")
    s = y_pred.sum(axis=-1, keepdims=True)
    if np.any(s == 0):
        raise ValueError("a row of y_pred sums to 0; probabilities must sum to 1 (or use from_logits=True).")
    q = y_pred / s  # Keras renormalises the rows first
    p = np.clip(q, EPSILON, 1.0 - EPSILON)
    inside = (q >= EPSILON) & (q <= 1.0 - EPSILON)
    per_sample = -np.sum(y_true * np.log(p), axis=-1)
    grad_q = -y_true / p * inside
    # Through q = y / s: dq_j/dy_i = (delta_ij - q_j) / s
    grad = (grad_q - np.sum(grad_q * q, axis=-1, keepdims=True)) / s / n
    return float(np.mean(per_sample)), grad


@dataclass(frozen=True)
class Loss:
    """A named loss; `fused_activation` is the output activation it can absorb (see Sequential)."""

    name: str
    fn: Callable  # unchecked: (y_true, y_pred, from_logits) -> (L, dL/dy_pred), both (n, k) float arrays
    from_logits: bool = False
    fused_activation: str | None = None

    def __call__(self, y_true, y_pred):
        """Checked: converts and validates the inputs first."""
        return _checked(self.fn, y_true, y_pred, self.from_logits)

    def compute(self, y_true, y_pred):
        """Unchecked, for the training loop, whose inputs were validated once before the epochs."""
        return self.fn(y_true, y_pred, self.from_logits)


LOSSES = {
    "mse": Loss("mse", _mse),
    "mean_squared_error": Loss("mse", _mse),
    "binary_crossentropy": Loss("binary_crossentropy", _binary_crossentropy, False, "sigmoid"),
    "bce": Loss("binary_crossentropy", _binary_crossentropy, False, "sigmoid"),
    "binary_crossentropy_from_logits": Loss("binary_crossentropy_from_logits", _binary_crossentropy, True),
    "categorical_crossentropy": Loss("categorical_crossentropy", _categorical_crossentropy, False, "softmax"),
    "cce": Loss("categorical_crossentropy", _categorical_crossentropy, False, "softmax"),
    "categorical_crossentropy_from_logits": Loss(
        "categorical_crossentropy_from_logits", _categorical_crossentropy, True
    ),
}


def get_loss(name) -> Loss:
    """Look up a loss by name (or pass a Loss through)."""
    if isinstance(name, Loss):
        return name
    return lookup(name, LOSSES, "loss")


def logits_twin(loss: Loss) -> Loss:
    """The same loss taking logits: used when the model's last activation is the loss's own
    (sigmoid + BCE, softmax + CCE), which is what Keras's fit does too. It is exact, stable and
    its gradient is the famous dL/dz = (a - y) / n."""
    return LOSSES[loss.name + "_from_logits"]
