"""Weight initialisers. Each returns W of shape (n_in, n_out), the Keras layout.

- glorot_uniform (Keras's default): U(-limit, limit), limit = sqrt(6 / (n_in + n_out)),
  keeps the variance of activations roughly constant for tanh/sigmoid layers.
- he_normal: truncated normal with std sqrt(2 / n_in), the right scale for ReLU layers.
- bad_normal: N(0, 1), deliberately too large, for the depth-and-initialisation lesson.
- zeros: every neuron identical, so they stay identical (the symmetry problem).
"""
from __future__ import annotations

import numpy as np

from ._checks import as_generator, check_positive_int, lookup


def glorot_uniform(n_in: int, n_out: int, seed=None) -> np.ndarray:
    """seed: None, an int >= 0 or a numpy Generator (as everywhere in dlteach)."""
    limit = np.sqrt(6.0 / (n_in + n_out))
    return as_generator(seed).uniform(-limit, limit, size=(n_in, n_out))


def truncated_normal(shape, std: float, seed=None) -> np.ndarray:
    """Normal(0, std) with draws beyond 2 std redrawn, as Keras's truncated_normal."""
    rng = as_generator(seed)
    w = rng.standard_normal(shape)
    bad = np.abs(w) > 2
    while bad.any():
        w[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(w) > 2
    return std * w


def he_normal(n_in: int, n_out: int, seed=None) -> np.ndarray:
    # Keras divides by .8796..., the std of a unit normal truncated at +-2, so the final std is exact.
    std = np.sqrt(2.0 / n_in) / 0.87962566103423978
    return truncated_normal((n_in, n_out), std, seed)


def bad_normal(n_in: int, n_out: int, seed=None) -> np.ndarray:
    return as_generator(seed).standard_normal((n_in, n_out))


def zeros(n_in: int, n_out: int, seed=None) -> np.ndarray:
    return np.zeros((n_in, n_out))


INITIALIZERS = {
    "glorot_uniform": glorot_uniform,
    "he_normal": he_normal,
    "bad_normal": bad_normal,
    "zeros": zeros,
}


def get_initializer(name):
    """An initialiser by name, or a callable f(n_in, n_out, seed) -> W (n_in, n_out) as it is."""
    if callable(name):
        return name
    return lookup(name, INITIALIZERS, "initializer")


def initial_weights(init, n_in: int, n_out: int, seed=None) -> np.ndarray:
    """W (n_in, n_out) from `init` (a name or a callable), checked: a custom initialiser that
    returns the wrong shape or NaN is named here, not three layers later."""
    n_in, n_out = check_positive_int(n_in, "n_in"), check_positive_int(n_out, "n_out")
    rng = as_generator(seed)
    W = np.asarray(get_initializer(init)(n_in, n_out, rng), dtype=np.float64)
    if W.shape != (n_in, n_out) or not np.all(np.isfinite(W)):
        raise ValueError(f"initializer {init!r} must return finite weights of shape {(n_in, n_out)}, "
                         f"got shape {W.shape}" + ("" if np.all(np.isfinite(W)) else " with NaN or inf") + ".")
    return W
