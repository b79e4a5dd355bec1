"""2-D loss surfaces L(w1, w2) for the gradient-descent and optimizer lessons.

Each surface is written with + - * ** only, so the same `f` runs on NumPy arrays and on
TensorFlow tensors (the Keras twin differentiates it with tf.GradientTape); `grad` is the
analytic gradient, checked against central differences in the tests.
W has shape (..., 2): one point (2,) or many (m, 2).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ._checks import as_float_array, as_generator, check_int, check_positive, lookup


@dataclass(frozen=True)
class Surface:
    name: str
    f: Callable
    grad: Callable
    minimum: tuple
    start: tuple
    extent: tuple  # (w1_min, w1_max, w2_min, w2_max) for plotting
    formula: str


def _bowl(W):
    return 0.5 * (W[..., 0] ** 2 + W[..., 1] ** 2)


def _ravine(W):  # condition number 20: the curvature along w2 is 20 times that along w1
    return 0.5 * (W[..., 0] ** 2 + 20 * W[..., 1] ** 2)


def _rosenbrock(W):
    return (1 - W[..., 0]) ** 2 + 5 * (W[..., 1] - W[..., 0] ** 2) ** 2


def _saddle(W):  # a saddle at the origin (up along w1, down along w2), minima at (0, -1) and (0, 1)
    return 0.5 * (W[..., 0] ** 2 - W[..., 1] ** 2) + 0.25 * W[..., 1] ** 4


def _saddle_bowl(W):  # two valleys separated by a ridge along w1 = 0
    return 0.25 * W[..., 0] ** 4 - 0.5 * W[..., 0] ** 2 + 0.5 * W[..., 1] ** 2 + 0.3 * W[..., 0]


SURFACES = {
    "bowl": Surface("bowl", _bowl, lambda W: np.stack([W[..., 0], W[..., 1]], -1), (0.0, 0.0), (-1.6, 1.4),
                    (-2, 2, -2, 2), "L = (w1² + w2²) / 2"),
    "ravine": Surface("ravine", _ravine, lambda W: np.stack([W[..., 0], 20 * W[..., 1]], -1), (0.0, 0.0),
                      (-1.8, 0.6), (-2, 2, -1, 1), "L = (w1² + 20 w2²) / 2"),
    "rosenbrock": Surface("rosenbrock", _rosenbrock,
                          lambda W: np.stack([-2 * (1 - W[..., 0]) - 20 * W[..., 0] * (W[..., 1] - W[..., 0] ** 2),
                                              10 * (W[..., 1] - W[..., 0] ** 2)], -1),
                          (1.0, 1.0), (-1.5, 1.5), (-2, 2, -1, 3), "L = (1 - w1)² + 5 (w2 - w1²)²"),
    "two_valleys": Surface("two_valleys", _saddle_bowl,
                           lambda W: np.stack([W[..., 0] ** 3 - W[..., 0] + 0.3, W[..., 1]], -1),
                           (-1.125, 0.0), (0.4, 1.5), (-2, 2, -2, 2), "L = w1⁴/4 - w1²/2 + 0.3 w1 + w2²/2"),
    # the start lies 0.01 off the ridge w2 = 0: gradient descent slides to the saddle, lingers, then escapes
    "saddle": Surface("saddle", _saddle, lambda W: np.stack([W[..., 0], W[..., 1] ** 3 - W[..., 1]], -1),
                      (0.0, 1.0), (-1.8, 0.01), (-2, 2, -1.6, 1.6), "L = (w1² - w2²)/2 + w2⁴/4"),
}


def get_surface(name) -> Surface:
    """The loss surface of lessons 04/05 by name (bowl, ravine, rosenbrock, two_valleys, saddle), or
    a Surface as is."""
    if isinstance(name, Surface):
        return name
    return lookup(name, SURFACES, "surface")


def descend(grad_fn, optimizer, start, steps: int):
    """Run `optimizer` for `steps` steps from `start` with gradients grad_fn(w, t); returns the
    path, shape (k + 1, 2). Stops early, with the path so far, if the point leaves [-1e6, 1e6]
    (divergence): the caller can tell by len(path) < steps + 1."""
    steps = check_int(steps, "steps", low=0)
    w = as_float_array(start, "start", ndim=1).copy()
    path = [w.copy()]
    with np.errstate(all="ignore"):
        for t in range(steps):
            g = np.asarray(grad_fn(w, t), dtype=np.float64)
            if not np.all(np.isfinite(g)):
                break
            optimizer.step([("w", w, g)])
            if not np.all(np.isfinite(w)) or np.max(np.abs(w)) > 1e6:
                break
            path.append(w.copy())
    return np.array(path)


def learning_rate_sweep(surface, optimizer, learning_rates, steps: int, start=None, **hyperparameters):
    """L(w_steps) - L_min after `steps` steps of `optimizer` (a name: 'sgd', 'adam', ...) from `start`
    (the surface's own start when None), for each learning rate; inf where the run diverged (left
    the plane, or ended higher than it started).
    A fair comparison of optimizers gives each one its own best rate: argmin of this curve."""
    from .optimizers import get_optimizer  # noqa: PLC0415 (optimizers does not need surfaces)

    problem = get_surface(surface)
    start = problem.start if start is None else start
    rates = as_float_array(learning_rates, "learning_rates", ndim=1)
    steps = check_int(steps, "steps", low=1)
    floor = float(problem.f(np.asarray(problem.minimum, dtype=np.float64)))
    start_loss = float(problem.f(np.asarray(start, dtype=np.float64))) - floor
    losses = np.full(len(rates), np.inf)
    for i, lr in enumerate(rates):
        path = descend(lambda w, t: problem.grad(w), get_optimizer(optimizer, learning_rate=float(lr), **hyperparameters),
                       start, steps)
        final = float(problem.f(path[-1])) - floor
        if len(path) == steps + 1 and final <= start_loss:
            losses[i] = max(final, 0.0)
    return losses


class LinearRegression:
    """y = w x + b fitted by MSE to n noisy points of y = 2x - 1: a real loss surface over (w, b)
    on which a mini-batch gradient differs from the full one (lesson 04: batch size)."""

    name = "regression"
    formula = "L(w, b) = mean_i (w x_i + b - y_i)²"
    extent = (-2, 4, -3, 2)
    start = (-0.5, 1.5)

    def __init__(self, n: int = 100, noise: float = 0.5, seed: int = 0):
        n = check_int(n, "n", low=2)  # two points at least: a line through them
        noise = check_positive(noise, "noise", allow_zero=True)
        rng = as_generator(seed, "seed")
        self.x = rng.uniform(-1, 1, n)
        self.y = 2 * self.x - 1 + noise * rng.normal(size=n)
        A = np.c_[self.x, np.ones(n)]
        self.minimum = tuple(np.linalg.lstsq(A, self.y, rcond=None)[0])

    def f(self, W):
        W = np.asarray(W, dtype=np.float64)
        r = W[..., 0, None] * self.x + W[..., 1, None] - self.y
        return np.mean(r**2, axis=-1)

    def minibatch_grad(self, batch_size: int, seed=0):
        """grad_fn(w, t) for `descend`: each step's gradient on `batch_size` samples drawn without
        replacement by a generator seeded with `seed` (batch_size = n: the full gradient)."""
        batch_size = check_int(batch_size, "batch_size", low=1, high=len(self.x))
        rng = as_generator(seed, "seed")
        return lambda w, t: self.grad(w, rng.choice(len(self.x), batch_size, replace=False))

    def grad(self, w, idx=None):
        """dL/d(w, b) on the samples idx (all when None): the mini-batch gradient."""
        x = self.x if idx is None else self.x[idx]
        y = self.y if idx is None else self.y[idx]
        r = w[0] * x + w[1] - y
        return np.array([2 * np.mean(r * x), 2 * np.mean(r)])
