"""L1/L2 weight penalties, Keras's form: penalty = l1 * sum|W| + l2 * sum W^2 (no 1/2).

As in Keras, the factors are used as float32 numbers (see _compat.keras_constant)."""
from __future__ import annotations

import numpy as np

from ._compat import check_keras_constant, keras_constant


class L1L2:
    """Weight penalty l1 sum|W| + l2 sum(W**2) (Keras's, no 1/2), added to the loss; its gradient
    l1 sign(W) + 2 l2 W is added to dW. Factors >= 0, taken through float32 as Keras does."""

    def __init__(self, l1: float = 0.0, l2: float = 0.0):
        self.l1 = check_keras_constant(l1, "l1")  # >= 0, and a float32 number as in Keras
        self.l2 = check_keras_constant(l2, "l2")

    def __bool__(self):
        return bool(self.l1 or self.l2)

    def penalty(self, W: np.ndarray) -> float:
        l1, l2 = keras_constant(self.l1), keras_constant(self.l2)
        return float(l1 * np.sum(np.abs(W)) + l2 * np.sum(W**2))

    def grad(self, W: np.ndarray) -> np.ndarray:
        """d penalty / dW = l1 sign(W) + 2 l2 W."""
        l1, l2 = keras_constant(self.l1), keras_constant(self.l2)
        return l1 * np.sign(W) + 2.0 * l2 * W

    def __repr__(self):
        return f"L1L2(l1={self.l1}, l2={self.l2})"
