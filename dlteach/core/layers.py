"""Layers with forward and backward passes. Samples are rows: x has shape (n, n_in).

Dense:    z = x @ W + b,   a = f(z)
backward: delta = dL/dz = dL/da * f'(z)
          dW = x.T @ delta,  db = sum_rows(delta),  dL/dx = delta @ W.T
"""
from __future__ import annotations

import numpy as np

from ._checks import check_fraction
from .activations import get_activation
from .init import get_initializer
from .regularizers import L1L2


class Layer:
    """Base class: a layer maps x -> a and sends gradients back."""

    trainable = True

    def params(self):
        """[(name, value, grad)] for every parameter; optimizers update `value` in place."""
        return []

    def penalty(self) -> float:
        return 0.0

    def forward(self, x, training: bool = False):
        raise NotImplementedError

    def backward(self, grad_a):
        raise NotImplementedError


class Dense(Layer):
    """Fully connected layer, Keras layout: W (n_in, n_out), b (n_out,)."""

    def __init__(self, n_in: int, n_out: int, activation="linear", init="glorot_uniform",
                 l1: float = 0.0, l2: float = 0.0, rng=None, name: str = "dense"):
        for label, n in (("n_in", n_in), ("n_out", n_out)):
            if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
                raise ValueError(f"Dense {label} must be a positive integer, got {n!r}.")
        self.name = name
        self.act = get_activation(activation)
        self.W = get_initializer(init)(int(n_in), int(n_out), rng)
        self.b = np.zeros(int(n_out))  # Keras's default bias initialiser
        self.dW = np.zeros_like(self.W)
        self.db = np.zeros_like(self.b)
        self.reg = L1L2(l1, l2)

    @property
    def n_in(self):
        return self.W.shape[0]

    @property
    def n_out(self):
        return self.W.shape[1]

    def params(self):
        return [(f"{self.name}/W", self.W, self.dW), (f"{self.name}/b", self.b, self.db)]

    def penalty(self) -> float:
        return self.reg.penalty(self.W) if self.reg else 0.0

    def forward(self, x, training: bool = False, apply_activation: bool = True):
        if x.ndim != 2 or x.shape[1] != self.n_in:
            raise ValueError(f"{self.name} expects input of shape (n, {self.n_in}), got {x.shape}.")
        self.x = x
        self.z = x @ self.W + self.b
        self.a = self.act.forward(self.z) if apply_activation else self.z
        return self.a

    def backward(self, grad_a, through_activation: bool = True):
        """Given dL/da (or dL/dz when through_activation is False), fill dW, db; return dL/dx."""
        delta = self.act.backward(self.z, self.a, grad_a) if through_activation else grad_a
        self.delta = delta
        self.dW[...] = self.x.T @ delta
        if self.reg:
            self.dW += self.reg.grad(self.W)
        self.db[...] = delta.sum(axis=0)
        return delta @ self.W.T

    def __repr__(self):
        return f"Dense({self.n_in} -> {self.n_out}, {self.act.name})"


class Dropout(Layer):
    """Inverted dropout as in Keras: in training keep each unit with prob 1 - rate and scale by
    1/(1 - rate), so that inference needs no change; at inference it is the identity."""

    trainable = False

    def __init__(self, rate: float, rng=None, name: str = "dropout"):
        self.rate = check_fraction(rate, "dropout rate")
        self.rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
        self.name = name
        self.mask = None

    def forward(self, x, training: bool = False):
        if not training or self.rate == 0:
            self.mask = None
            return x
        self.mask = (self.rng.random(x.shape) >= self.rate) / (1.0 - self.rate)
        return x * self.mask

    def backward(self, grad_a):
        return grad_a if self.mask is None else grad_a * self.mask

    def __repr__(self):
        return f"Dropout({self.rate})"
