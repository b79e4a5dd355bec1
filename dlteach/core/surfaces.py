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
from ._compat import keras_constant as _f32


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


def _rotated_ravine(W):  # the ravine turned by 45 degrees: steep across the diagonal w1 = w2, shallow along it
    return ((W[..., 0] + W[..., 1]) ** 2 + 20 * (W[..., 0] - W[..., 1]) ** 2) / 4


def _saddle(W):  # a saddle at the origin (up along w1, down along w2), minima at (0, -1) and (0, 1)
    return 0.5 * (W[..., 0] ** 2 - W[..., 1] ** 2) + 0.25 * W[..., 1] ** 4


def _saddle_bowl(W):  # two valleys separated by a ridge along w1 = 0
    return 0.25 * W[..., 0] ** 4 - 0.5 * W[..., 0] ** 2 + 0.5 * W[..., 1] ** 2 + 0.3 * W[..., 0]


SURFACES = {
    "bowl": Surface("bowl", _bowl, lambda W: np.stack([W[..., 0], W[..., 1]], -1), (0.0, 0.0), (-1.6, 1.4),
                    (-2, 2, -2, 2), "L = (w1² + w2²) / 2"),
    "ravine": Surface("ravine", _ravine, lambda W: np.stack([W[..., 0], 20 * W[..., 1]], -1), (0.0, 0.0),
                      (-1.8, 0.6), (-2, 2, -1, 1), "L = (w1² + 20 w2²) / 2"),
    # the same valley as "ravine" in coordinates turned by 45 degrees (u = (w1 + w2)/sqrt 2 along the floor,
    # v = (w2 - w1)/sqrt 2 across it), its start the ravine's start turned with it: no coordinate is steep or shallow
    "rotated_ravine": Surface("rotated_ravine", _rotated_ravine,
                              lambda W: np.stack([(21 * W[..., 0] - 19 * W[..., 1]) / 2,
                                                  (21 * W[..., 1] - 19 * W[..., 0]) / 2], -1),
                              (0.0, 0.0), (-1.2 * 2**0.5, -0.6 * 2**0.5), (-2, 2, -2, 2), "L = ((w1 + w2)² + 20 (w1 − w2)²) / 4"),
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
    """The loss surface of lessons 04/05 by name (bowl, ravine, rotated_ravine, rosenbrock, two_valleys,
    saddle), or a Surface as is."""
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


# What descend_many runs: each optimizer's hyperparameters and their defaults (get_optimizer's).
_MANY = {"sgd": {}, "momentum": {"momentum": 0.9}, "nesterov": {"momentum": 0.9}, "rmsprop": {"rho": 0.9, "epsilon": 1e-7},
         "adam": {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}}


def descend_many(surface, optimizer, starts, steps: int, noise: float = 0.0, seed=0, **hyperparameters):
    """Many runs at once: L(w_k) - L_min for k = 0, ..., steps, for every setting from every start.

    optimizer: 'sgd', 'momentum', 'nesterov', 'rmsprop' or 'adam'. hyperparameters: learning_rate
    (required) and that optimizer's others (momentum; rho, epsilon; beta_1, beta_2, epsilon), each a
    number or a 1-D array, one entry per setting (arrays of one length). starts: (n, 2) points.
    Returns an array (settings, starts, steps + 1). Each run is the run of `descend` with
    get_optimizer(optimizer, **that setting) from that start, bit for bit (the same Keras rules,
    computed on arrays of runs instead of one run at a time: tests/test_lesson_05_support.py), and is
    inf from the step it diverged: it left the plane [-1e6, 1e6] (descend stops there) or its loss is
    above its start's at that step (as learning_rate_sweep).
    noise: the standard deviation of Gaussian noise added to each coordinate of every gradient. The
    noise of start i at step t is drawn once (from `seed`) and is the same for every setting, so
    settings are compared on the same noise."""
    problem = get_surface(surface)
    lookup(optimizer, _MANY, "optimizer")
    name = optimizer.lower().replace("-", "_").replace(" ", "_")
    steps = check_int(steps, "steps", low=0)
    starts = as_float_array(starts, "starts", ndim=2)
    if starts.shape[1] != 2 or len(starts) == 0:
        raise ValueError(f"starts must have shape (n, 2), one point (w1, w2) per row, got {starts.shape}.")
    noise = check_positive(noise, "noise", allow_zero=True)
    rng = as_generator(seed, "seed")
    valid = ("learning_rate", *_MANY[name])
    unknown = [k for k in hyperparameters if k not in valid]
    if unknown or "learning_rate" not in hyperparameters:
        raise ValueError(f"descend_many({optimizer!r}) takes the hyperparameters {', '.join(valid)} (learning_rate "
                         f"required), got {', '.join(hyperparameters) or 'none'}.")
    from .optimizers import CHECKS  # noqa: PLC0415 (optimizers does not need surfaces)

    settings = {k: np.atleast_1d(np.asarray(v, dtype=np.float64)) for k, v in {**_MANY[name], **hyperparameters}.items()}
    sizes = {len(v) for v in settings.values() if len(v) != 1}
    if len(sizes) > 1 or any(v.ndim != 1 for v in settings.values()):
        raise ValueError("descend_many: each hyperparameter must be a number or a 1-D array, the arrays of one length; "
                         f"got lengths {', '.join(f'{k} {v.shape}' for k, v in settings.items())}.")
    n_set, n_start = (sizes.pop() if sizes else 1), len(starts)
    for key, values in settings.items():
        for value in values:
            CHECKS[key](float(value), key)  # the optimizers' own checks (learning_rate > 0, momentum in [0, 1), ...)

    def column(key, f32=False):  # one value per run (settings x starts), as a column against the (runs, 2) weights
        values = np.broadcast_to(settings[key], (n_set,))
        if f32:  # the constants Keras passes through float32 (as dt.SGD and dt.Adam do)
            values = np.array([_f32(v) for v in values])
        return np.repeat(values, n_start)[:, None]

    lr = column("learning_rate")
    W = np.tile(starts, (n_set, 1))
    m, v = np.zeros_like(W), np.zeros_like(W)
    floor = float(problem.f(np.asarray(problem.minimum, dtype=np.float64)))
    start_loss = np.tile(problem.f(starts) - floor, n_set)
    record = np.empty((steps + 1, len(W)))  # L - L_min of every run after each step, row by row
    record[0] = start_loss
    stopped = np.full(len(W), steps + 1)    # the first step a run is off the plane (steps + 1: never)
    xi = noise * rng.normal(size=(steps, n_start, 2)) if noise else None
    if name in ("momentum", "nesterov"):
        mu = column("momentum", f32=True)
    elif name == "rmsprop":
        rho, eps = column("rho"), column("epsilon")
    elif name == "adam":
        b1, b2, eps = column("beta_1"), column("beta_2"), column("epsilon")
        b1_32, b2_32 = column("beta_1", f32=True), column("beta_2", f32=True)
    with np.errstate(all="ignore"):
        for t in range(steps):
            g = problem.grad(W)
            if xi is not None:
                g = g + np.tile(xi[t], (n_set, 1))
            # the update rules of optimizers.py, operation for operation
            if name == "sgd":
                W -= lr * g
            elif name in ("momentum", "nesterov"):
                m[...] = m * mu - g * lr
                W += m * mu - g * lr if name == "nesterov" else m
            elif name == "rmsprop":
                v[...] = rho * v + (1 - rho) * g**2
                W -= lr * g / np.sqrt(v + eps)
            else:
                # the bias corrections one number at a time, as descend computes them (C's pow): NumPy's
                # power of a whole array may take a SIMD path (AVX-512) that differs in the last bit
                c1, c2 = (np.array([b ** (t + 1) for b in beta.ravel().tolist()]).reshape(beta.shape)
                          for beta in (b1_32, b2_32))
                alpha = lr * np.sqrt(1 - c2) / (1 - c1)
                m += (g - m) * (1 - b1)
                v += (g**2 - v) * (1 - b2)
                W -= alpha * m / (np.sqrt(v) + eps)
            on_plane = np.abs(W).max(axis=1) <= 1e6  # False for inf and NaN too
            if not on_plane.all():  # stopped there, as descend stops: parked at the minimum, no longer counted
                left = ~on_plane
                stopped[left & (stopped > steps)] = t + 1
                W[left], m[left], v[left] = problem.minimum, 0.0, 0.0
            record[t + 1] = problem.f(W)
        after = record.T - floor
        kept = (after <= start_loss[:, None]) & (np.arange(steps + 1) < stopped[:, None])
        losses = np.where(kept, np.maximum(after, 0.0), np.inf)
    losses[:, 0] = start_loss
    return losses.reshape(n_set, n_start, steps + 1)


# --- the fair race of lesson 05 -------------------------------------------------------------------
RACE_OPTIMIZERS = ("sgd", "momentum", "nesterov", "rmsprop", "adam")
RACE_BUDGET = 128  # settings tried per optimizer, whatever its number of hyperparameters
_RACE_RATES = 10.0 ** np.linspace(-3.0, 0.0, 16)  # 0.001 to 1, a fifth of a decade apart
_RACE_SECOND = (0.0, 0.2, 0.4, 0.6, 0.8, 0.9, 0.95, 0.99)  # momentum, or RMSprop's rho
_RACE_ADAM = tuple((b1, b2) for b1 in (0.0, 0.5, 0.8, 0.9) for b2 in (0.99, 0.999))  # (beta_1, beta_2)


def race_settings(optimizer) -> dict:
    """The RACE_BUDGET = 128 settings the fair race tries for `optimizer`, as {hyperparameter: array}:
    SGD 128 learning rates from 0.001 to 1 (log-spaced); momentum and Nesterov 16 rates (0.001 to 1, a
    fifth of a decade apart) x 8 momenta (0, 0.2, 0.4, 0.6, 0.8, 0.9, 0.95, 0.99); RMSprop the 16 rates x
    the same 8 values of rho; Adam the 16 rates x beta_1 in (0, 0.5, 0.8, 0.9) x beta_2 in (0.99, 0.999).
    Every optimizer gets the same number of runs; epsilon stays at Keras's 1e-7."""
    lookup(optimizer, {n: n for n in RACE_OPTIMIZERS}, "optimizer")
    name = optimizer.lower()
    if name == "sgd":
        return {"learning_rate": 10.0 ** np.linspace(-3.0, 0.0, RACE_BUDGET)}
    lr = np.repeat(_RACE_RATES, 8)
    if name == "adam":
        b1, b2 = np.tile(np.array(_RACE_ADAM).T, len(_RACE_RATES))
        return {"learning_rate": lr, "beta_1": b1, "beta_2": b2}
    return {"learning_rate": lr, "rho" if name == "rmsprop" else "momentum": np.tile(_RACE_SECOND, len(_RACE_RATES))}


def race_starts(surface, n: int, seed: int = 0):
    """n starting points (n, 2) for a race on `surface`, drawn from `seed`: at distances between 1 and 2
    (uniform) from its minimum, in random directions (uniform) counted from the direction of the surface's
    own start. So a surface turned with its start gets the same starting points turned: rotated_ravine's
    are the ravine's turned by 45 degrees."""
    problem = get_surface(surface)
    n = check_int(n, "n", low=1)
    rng = as_generator(check_int(seed, "seed", low=0), "seed")
    minimum = np.asarray(problem.minimum, dtype=np.float64)
    towards_start = np.asarray(problem.start, dtype=np.float64) - minimum
    angle = np.arctan2(towards_start[1], towards_start[0]) + rng.uniform(0, 2 * np.pi, n)
    distance = rng.uniform(1.0, 2.0, n)
    return minimum + distance[:, None] * np.c_[np.cos(angle), np.sin(angle)]


def race_score(losses):
    """The score of a run of k steps: the mean of L - L_min over its last quarter of steps (the last
    ceil(k / 4), at least 1), inf if it diverged there. `losses` holds L - L_min after 0, 1, ..., k steps
    on its last axis (as descend_many returns). A mean over several steps does not depend on where an
    oscillating run happens to be at its very last step, as the loss at that step does."""
    losses = np.asarray(losses, dtype=np.float64)
    k = losses.shape[-1] - 1
    if k < 1:
        raise ValueError(f"race_score needs the losses after at least 1 step (k + 1 >= 2 values), got {k + 1}.")
    return losses[..., k - (k + 3) // 4 + 1:].mean(axis=-1)


@dataclass(frozen=True)
class OptimizerRace:
    """The result of optimizer_race: per optimizer (name -> ...) the chosen setting, the selection score
    of every setting tried, and the scores of the chosen setting from the held-out starts."""

    surface: str
    steps: int
    noise: float
    selection_starts: np.ndarray   # (n, 2): the settings are chosen on these
    heldout_starts: np.ndarray     # (m, 2): and scored on these
    settings: dict                 # name -> {hyperparameter: array of the 128 settings}
    selection: dict                # name -> (128,) mean over the selection starts of log10(score); inf: diverged
    chosen: dict                   # name -> {hyperparameter: value} of the setting with the lowest selection score
    heldout: dict                  # name -> (m,) score from each held-out start (a diverged run: its start's loss)
    diverged: dict                 # name -> (m,) True where the run from that held-out start diverged

    def log10(self, name):
        """log10 of the held-out scores of `name`, one per held-out start (for dt.stats.paired_seeds)."""
        return np.log10(np.maximum(self.heldout[name], 1e-300))

    def ranking(self) -> list:
        """The optimizers by their mean log10 held-out score, best first."""
        return sorted(self.heldout, key=lambda n: float(np.mean(self.log10(n))))


def optimizer_race(surface, steps: int, optimizers=RACE_OPTIMIZERS, selection: int = 5, heldout: int = 10,
                   seed: int = 0, noise: float = 0.0, starts=None, settings=None) -> OptimizerRace:
    """A fair race: each optimizer tuned over all of its hyperparameters with the same budget, chosen on
    some starting points and scored on others.

    For each optimizer, every setting of race_settings (128 each) runs `steps` steps from each of the
    `selection` starts; the setting with the lowest mean log10(race_score) over them is chosen (a setting
    that diverges from any of them is out). The chosen setting then runs from the `heldout` other starts,
    and each of those runs is scored by race_score; a run that diverged there scores its start's loss (it
    got nowhere). Starts: race_starts(surface, ..., seed) and race_starts(surface, ..., seed + 1000), or
    `starts` = (selection_starts, heldout_starts) given. noise > 0: Gaussian noise of that standard
    deviation on every gradient coordinate (descend_many), other noise for the held-out runs.
    The held-out scores of two optimizers are paired (the same starts): compare them with
    dt.stats.paired_seeds(race.log10(a), race.log10(b), higher_is_better=False).
    settings: {name: {hyperparameter: array}} to try instead of race_settings(name) for some optimizers
    (e.g. momentum with its momentum held at 0.9 and 128 rates); `optimizers` may then name an entry of
    it with the optimizer in front: 'momentum' or 'momentum, mu = 0.9' (the part before the comma)."""
    problem = get_surface(surface)
    steps = check_int(steps, "steps", low=1)
    seed = check_int(seed, "seed", low=0)
    if starts is None:
        chosen_on, scored_on = race_starts(problem, selection, seed), race_starts(problem, heldout, seed + 1000)
    else:
        chosen_on, scored_on = (as_float_array(p, "starts", ndim=2) for p in starts)
    floor = float(problem.f(np.asarray(problem.minimum, dtype=np.float64)))
    start_loss = problem.f(scored_on) - floor
    given = {} if settings is None else dict(settings)
    settings, scores, chosen, held, diverged = {}, {}, {}, {}, {}
    for name in optimizers:
        rule = name.split(",")[0].strip()
        grid = settings[name] = given[name] if name in given else race_settings(rule)
        with np.errstate(divide="ignore"):
            score = np.log10(np.maximum(race_score(descend_many(problem, rule, chosen_on, steps, noise, seed, **grid)),
                                        1e-300))  # 0 (the minimum exactly): no -inf beside an inf
        scores[name] = score.mean(axis=1)  # inf if any start diverged
        best = int(np.argmin(scores[name]))
        chosen[name] = {k: float(np.broadcast_to(v, scores[name].shape)[best]) for k, v in grid.items()}
        run = race_score(descend_many(problem, rule, scored_on, steps, noise, seed + 1000, **chosen[name]))[0]
        diverged[name] = ~(run <= start_loss)
        held[name] = np.where(diverged[name], start_loss, run)
    return OptimizerRace(problem.name, steps, noise, chosen_on, scored_on, settings, scores, chosen, held, diverged)


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
        """dL/d(w, b) on the samples idx (all when None): the mini-batch gradient. Like `f`, it takes
        w of shape (..., 2); idx of shape (..., B) gives each leading index its own batch."""
        x = self.x if idx is None else self.x[idx]
        y = self.y if idx is None else self.y[idx]
        w = np.asarray(w, dtype=np.float64)
        r = w[..., 0, None] * x + w[..., 1, None] - y
        return np.stack([2 * np.mean(r * x, axis=-1), 2 * np.mean(r, axis=-1)], axis=-1)
