"""Weight initialisers. Each returns W of shape (n_in, n_out), the Keras layout.

- glorot_uniform (Keras's default): U(-limit, limit), limit = sqrt(6 / (n_in + n_out)),
  keeps the variance of activations roughly constant for tanh/sigmoid layers.
- he_normal: truncated normal with std sqrt(2 / n_in), the right scale for ReLU layers.
- bad_normal: N(0, 1), deliberately too large, for the depth-and-initialisation lesson.
- zeros: every neuron identical, so they stay identical (the symmetry problem).
"""
from __future__ import annotations

import numpy as np

from ._checks import lookup


def _rng(seed_or_rng):
    if isinstance(seed_or_rng, np.random.Generator):
        return seed_or_rng
    return np.random.default_rng(seed_or_rng)


def glorot_uniform(n_in: int, n_out: int, rng=None) -> np.ndarray:
    limit = np.sqrt(6.0 / (n_in + n_out))
    return _rng(rng).uniform(-limit, limit, size=(n_in, n_out))


def truncated_normal(shape, std: float, rng=None) -> np.ndarray:
    """Normal(0, std) with draws beyond 2 std redrawn, as Keras's truncated_normal."""
    rng = _rng(rng)
    w = rng.standard_normal(shape)
    bad = np.abs(w) > 2
    while bad.any():
        w[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(w) > 2
    return std * w


def he_normal(n_in: int, n_out: int, rng=None) -> np.ndarray:
    # Keras divides by .8796..., the std of a unit normal truncated at +-2, so the final std is exact.
    std = np.sqrt(2.0 / n_in) / 0.87962566103423978
    return truncated_normal((n_in, n_out), std, rng)


def bad_normal(n_in: int, n_out: int, rng=None) -> np.ndarray:
    return _rng(rng).standard_normal((n_in, n_out))


def zeros(n_in: int, n_out: int, rng=None) -> np.ndarray:
    return np.zeros((n_in, n_out))


INITIALIZERS = {
    "glorot_uniform": glorot_uniform,
    "he_normal": he_normal,
    "bad_normal": bad_normal,
    "zeros": zeros,
}


def get_initializer(name):
    if callable(name):
        return name
    return lookup(name, INITIALIZERS, "initializer")
