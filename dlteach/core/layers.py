"""Layers with forward and backward passes. Samples are rows: x has shape (n, n_in).

Dense:    z = x @ W + b,   a = f(z)
backward: delta = dL/dz = dL/da * f'(z)
          dW = x.T @ delta,  db = sum_rows(delta),  dL/dx = delta @ W.T
"""
from __future__ import annotations

import numpy as np

from ._checks import as_generator, check_fraction, check_positive_int, check_size
from .activations import get_activation
from .init import initial_weights
from .regularizers import L1L2


class Layer:
    """Base class: a layer maps x -> a and sends gradients back."""

    trainable = True

    def params(self):
        """[(name, value, grad)] for every parameter; optimizers update `value` in place."""
        return []

    def weights(self):
        """[(name, value)] of every weight in Keras's get_weights() order: params() and the
        non-trainable weights no optimizer touches (BatchNormalization's moving statistics)."""
        return [(name, value) for name, value, _ in self.params()]

    def trainable_params(self):
        """params() if the layer is trainable, else [] (a block of layers asks each of them)."""
        return self.params() if self.trainable else []

    def penalty(self) -> float:
        return 0.0

    def forward(self, x, training: bool = False):
        raise NotImplementedError

    def backward(self, grad_a):
        raise NotImplementedError


def _check_name(name):
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty string, got {name!r}.")
    return name


class Dense(Layer):
    """Fully connected layer, Keras layout: W (n_in, units), b (units,).

    n_in, units  positive integers (Keras infers n_in from the data; here it is given)
    activation   a name ('relu', 'tanh', ...); init: an initialiser name or f(n_in, units, seed)
    l1, l2       weight penalties >= 0 (Keras's kernel_regularizer=L1L2(l1, l2))
    seed         None, an int >= 0 or a numpy Generator, for the initial weights
    """

    def __init__(self, n_in: int, units: int, activation="linear", init="glorot_uniform",
                 l1: float = 0.0, l2: float = 0.0, seed=None, name: str = "dense"):
        n_in, units = check_positive_int(n_in, "Dense n_in"), check_positive_int(units, "Dense units")
        check_size(n_in * units, f"Dense({n_in}, {units})")
        self.name = _check_name(name)
        self.act = get_activation(activation)
        self.reg = L1L2(l1, l2)
        self.W = initial_weights(init, n_in, units, as_generator(seed, "seed"))
        self.b = np.zeros(units)  # Keras's default bias initialiser
        self.dW = np.zeros_like(self.W)
        self.db = np.zeros_like(self.b)

    @property
    def n_in(self):
        return self.W.shape[0]

    @property
    def n_out(self):
        return self.W.shape[1]

    units = n_out  # Keras's name for the number of outputs

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

    def __init__(self, rate: float, seed=None, name: str = "dropout"):
        self.rate = check_fraction(rate, "dropout rate")
        self.rng = as_generator(seed, "seed")  # seed: None, an int >= 0 or a numpy Generator
        self.name = _check_name(name)
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
