"""Learning-rate schedules: the learning rate as a function of the step number, with Keras's rules
(keras.optimizers.schedules). `step` counts optimizer steps from 0 (Keras's `optimizer.iterations`
before the step is taken); an int gives a float, an array of steps gives an array.

    step decay         piecewise_constant_decay(step, boundaries, values)
                       values[0] while step <= boundaries[0], values[i] while
                       boundaries[i-1] < step <= boundaries[i], values[-1] after the last boundary
    exponential        exponential_decay(step, lr0, decay_steps, decay_rate)
                       lr0 * decay_rate ** (step / decay_steps)   (staircase: floor of the ratio)
    cosine             cosine_decay(step, lr0, decay_steps, alpha=0)
                       lr0 * ((1 - alpha) * (1 + cos(pi * min(step, decay_steps) / decay_steps)) / 2 + alpha)

A training loop uses one as `optimizer.set(learning_rate=schedule(t))` before step t.
"""
from __future__ import annotations

import numpy as np

from ._checks import check_bool, check_fraction, check_positive

__all__ = ["piecewise_constant_decay", "exponential_decay", "cosine_decay"]


def _steps(step):
    """The step number(s) as float64; negative or non-finite steps are refused."""
    if isinstance(step, bool):
        raise TypeError(f"step must be an integer >= 0 (or an array of them), got {step!r}.")
    s = np.asarray(step, dtype=np.float64)
    if not np.all(np.isfinite(s)) or np.any(s < 0):
        raise ValueError(f"step must be >= 0 and finite, got {step!r}.")
    return s


def _out(value):
    return float(value) if np.ndim(value) == 0 else value


def piecewise_constant_decay(step, boundaries, values):
    """Step decay (Keras's PiecewiseConstantDecay): values[i] between boundaries[i-1] (excluded) and
    boundaries[i] (included). boundaries: increasing steps, len k; values: k + 1 learning rates."""
    s = _steps(step)
    b = np.asarray(boundaries, dtype=np.float64).ravel()
    v = np.asarray(values, dtype=np.float64).ravel()
    if b.size == 0 or v.size != b.size + 1:
        raise ValueError(f"values must have one entry more than boundaries, got {v.size} values for "
                         f"{b.size} boundaries.")
    if np.any(np.diff(b) <= 0):
        raise ValueError(f"boundaries must increase, got {list(boundaries)}.")
    for x in v:
        check_positive(x, "each learning rate in values")
    return _out(v[np.searchsorted(b, s, side="left")])  # step == boundary stays in the earlier piece


def exponential_decay(step, initial_learning_rate, decay_steps, decay_rate, staircase=False):
    """lr0 * decay_rate ** (step / decay_steps): multiplied by decay_rate every decay_steps steps,
    smoothly (staircase=False) or in jumps (True). Keras's ExponentialDecay."""
    s = _steps(step)
    lr0 = check_positive(initial_learning_rate, "initial_learning_rate")
    n = check_positive(decay_steps, "decay_steps")
    rate = check_positive(decay_rate, "decay_rate")
    p = s / n
    if check_bool(staircase, "staircase"):
        p = np.floor(p)
    return _out(lr0 * rate**p)


def cosine_decay(step, initial_learning_rate, decay_steps, alpha=0.0):
    """Half a cosine from lr0 down to alpha * lr0 over decay_steps steps, then alpha * lr0.
    Keras's CosineDecay (without warm-up)."""
    s = _steps(step)
    lr0 = check_positive(initial_learning_rate, "initial_learning_rate")
    n = check_positive(decay_steps, "decay_steps")
    alpha = check_fraction(alpha, "alpha", upper_inclusive=True)
    fraction = np.minimum(s, n) / n
    cosine = 0.5 * (1.0 + np.cos(np.pi * fraction))
    return _out(lr0 * ((1 - alpha) * cosine + alpha))
