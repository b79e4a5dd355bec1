"""Lesson 08 (depth and initialisation): Glorot-uniform and He-normal draws.

Each exercise's cases (the place for its edge cases), reference, diagnoses and twin, then the
CodeExercise entries that code.py collects."""
from __future__ import annotations

import numpy as np

from ..i18n import N_, gettext_ as _
from .hints import Ladder
from .runner import CodeExercise, Mismatch, NotAttempted


def _other_seed(func, name, W, n_in, n_out):
    """The weights must come from the generator passed in: another seed, other weights."""
    other = np.asarray(func(n_in=n_in, n_out=n_out, rng=np.random.default_rng(2)), dtype=float)
    if np.array_equal(W, other):
        raise Mismatch(_("Generators with seeds 1 and 2 gave the same weights: your {name}() does not draw from the "
                       "`rng` it is given (a generator of its own, or a fixed seed, makes every layer the same).").format(name=name))


def _independent(W, name):
    """Every weight its own draw: no unit (column) a copy of another, no input (row) repeated, no order between
    neighbours (sorted draws). An independent draw's neighbour correlation is about 1/sqrt(size): 0.003 here."""
    if W.shape[1] > 1 and np.all(W == W[:, :1]):
        raise Mismatch(_("Every column of your {name}() weights is the same: every unit starts as a copy of the first, "
                       "and gradient descent keeps them copies (the lesson's symmetry section). Draw every weight on "
                       "its own.").format(name=name))
    if W.shape[0] > 1 and np.all(W == W[:1, :]):
        raise Mismatch(_("Every row of your {name}() weights is the same: each unit gives all its inputs one weight. "
                       "Draw every weight on its own.").format(name=name))
    for axis, what in ((1, _("in a row")), (0, _("in a column"))):
        a, b = np.moveaxis(W, axis, -1)[..., :-1].ravel(), np.moveaxis(W, axis, -1)[..., 1:].ravel()
        r = float(np.corrcoef(a, b)[0, 1])
        if abs(r) > 10 / np.sqrt(W.size):
            raise Mismatch(_("Neighbouring weights {what} are correlated (r = {r:.2f}; independent draws give about 0): "
                           "the weights are not drawn independently (sorted, accumulated or repeated?). Draw every "
                           "weight on its own.").format(what=what, r=r))


def _glorot_checks(func) -> str:
    """A random answer cannot be compared value by value: check its shape, its bound, its mean, variance
    and shape of distribution on a large draw, and that it draws from the generator it is given."""
    for n_in, n_out in ((3, 2), (1, 5), (64, 32)):
        W = func(n_in=n_in, n_out=n_out, rng=np.random.default_rng(0))
        if W is None:
            raise NotAttempted(_("glorot_uniform() returned None. Did you forget `return`?"))
        if not isinstance(W, np.ndarray) or W.shape != (n_in, n_out):
            got = _("shape {W_shape}").format(W_shape=W.shape) if isinstance(W, np.ndarray) else type(W).__name__
            raise Mismatch(_("glorot_uniform({n_in}, {n_out}, rng) should return an array of shape ({n_in}, {n_out}) "
                           "(Keras's layout: one row per input), got {got}.").format(n_in=n_in, n_out=n_out, got=got))
    n_in, n_out = 300, 500
    limit = np.sqrt(6 / (n_in + n_out))
    W = np.asarray(func(n_in=n_in, n_out=n_out, rng=np.random.default_rng(1)), dtype=float)
    again = np.asarray(func(n_in=n_in, n_out=n_out, rng=np.random.default_rng(1)), dtype=float)
    if not np.array_equal(W, again):
        raise Mismatch(_("Two calls with generators of the same seed gave different weights: your function does not "
                       "draw only from the `rng` it is given, so a seed cannot make training reproducible."))
    _other_seed(func, "glorot_uniform", W, n_in, n_out)
    _independent(W, "glorot_uniform")
    var, sd = float(W.var()), limit / np.sqrt(3)
    if np.abs(W).max() > limit * (1 + 1e-12):
        raise Mismatch(_("Some weights lie outside [-limit, limit] with limit = sqrt(6 / (n_in + n_out)) = {limit:.4f} "
                       "for ({n_in}, {n_out}): the largest |w| is {max:.4f}.").format(limit=limit, n_in=n_in, n_out=n_out, max=np.abs(W).max()))
    if abs(W.mean()) > 5 * sd / np.sqrt(W.size):
        raise Mismatch(_("The weights' mean is {mean:.4f}, not 0: they are not centred on 0.").format(mean=W.mean()))
    if abs(var / sd**2 - 1) > 0.02:
        raise Mismatch(_("For ({n_in}, {n_out}) the variance should be limit²/3 = 2 / (n_in + n_out) = {value:.3g}; "
                       "yours is {var:.3g} ({value2:.2f} times).").format(n_in=n_in, n_out=n_out, value=sd ** 2, var=var, value2=var / sd ** 2))
    inner = float(np.mean(np.abs(W) < limit / 2))
    if abs(inner - 0.5) > 0.01:
        raise Mismatch(_("{inner:.0%} of the weights lie within limit/2 of 0; a uniform distribution puts 50 % there "
                       "(a normal one with the same variance 62 %): yours are not uniform.").format(inner=inner))
    return (_("Variance {var:.2e} = 2 / (n_in + n_out) within 2 %, all |w| <= limit, uniform: the signal's variance "
            "stays about the same forwards and backwards.").format(var=var))


def _he_checks(func) -> str:
    """He-normal is random too: check shape, generator, mean, a variance of 2 / n_in (fan-in only)
    and a bell shape (most weights near 0), on large draws."""
    for n_in, n_out in ((3, 2), (1, 5), (64, 32)):
        W = func(n_in=n_in, n_out=n_out, rng=np.random.default_rng(0))
        if W is None:
            raise NotAttempted(_("he_normal() returned None. Did you forget `return`?"))
        if not isinstance(W, np.ndarray) or W.shape != (n_in, n_out):
            got = _("shape {W_shape}").format(W_shape=W.shape) if isinstance(W, np.ndarray) else type(W).__name__
            raise Mismatch(_("he_normal({n_in}, {n_out}, rng) should return an array of shape ({n_in}, {n_out}), "
                           "got {got}.").format(n_in=n_in, n_out=n_out, got=got))
    a = np.asarray(func(n_in=50, n_out=20, rng=np.random.default_rng(1)), dtype=float)
    b = np.asarray(func(n_in=50, n_out=20, rng=np.random.default_rng(1)), dtype=float)
    if not np.array_equal(a, b):
        raise Mismatch(_("Two calls with generators of the same seed gave different weights: your function does not "
                       "draw only from the `rng` it is given."))
    _other_seed(func, "he_normal", a, 50, 20)
    for n_in, n_out in ((500, 600), (500, 100)):  # same fan-in, different fan-out: the same variance
        W = np.asarray(func(n_in=n_in, n_out=n_out, rng=np.random.default_rng(2)), dtype=float)
        _independent(W, "he_normal")
        target = 2.0 / n_in
        var = float(W.var())
        if abs(W.mean()) > 5 * np.sqrt(target / W.size):
            raise Mismatch(_("The weights' mean is {mean:.4f}, not 0.").format(mean=W.mean()))
        if abs(var / target - 1) > 0.03:
            times = f"{var / target:.2f}" if var >= 0.01 * target else f"{var / target:.2g}"
            squared = abs(var / target**2 - 1) < 0.03
            raise Mismatch(_("For ({n_in}, {n_out}) the variance should be 2 / n_in = {target:.3g}; yours is "
                           "{var:.3g} ({times} times).").format(n_in=n_in, n_out=n_out, target=target, var=var, times=times)
                           + (_(" That is the target variance squared: your standard deviation is the variance.")
                              if squared else ""))
        inner = float(np.mean(np.abs(W) < np.sqrt(target)))
        if inner < 0.615:  # 68 % for a normal, 65 % for Keras's truncated one, 58 % for a uniform
            raise Mismatch(_("Only {inner:.0%} of the weights lie within one standard deviation of 0; a normal "
                           "distribution puts 68 % there (a uniform one 58 %): yours are not normal.").format(inner=inner))
    return (_("Variance {var:.2e} = 2 / n_in within 3 % whatever n_out: ReLU layers keep the signal's "
            "variance from layer to layer.").format(var=var))


EXERCISES = [
    CodeExercise("08.glorot_uniform", "glorot_uniform", ("n_in", "n_out", "rng"), lambda rng: [], None,
                 ladder=Ladder(
                     "The formula, derived: keep the variance the same in every layer",
                     "The message above names the property that fails (shape, seed, bound, mean, variance or "
                     "distribution): fix that one first.",
                     "Glorot-uniform draws every weight independently from U(-limit, limit), with "
                     "limit = sqrt(6 / (n_in + n_out)), from the generator it is given, so that "
                     "Var(W) = 2 / (n_in + n_out).",
                     "Compute the limit from both n_in and n_out; draw an (n_in, n_out) array from the given rng's "
                     "uniform distribution between -limit and limit."),
                 good="", extra=_glorot_checks),
    CodeExercise("08.he_normal", "he_normal", ("n_in", "n_out", "rng"), lambda rng: [], None,
                 ladder=Ladder(
                     "The formula, derived: keep the variance the same in every layer",
                     "The message above names the property that fails (shape, seed, mean, variance or "
                     "distribution): fix that one first. The variance is measured at two n_out with one n_in.",
                     "He-normal draws every weight from a normal distribution with mean 0 and variance 2 / n_in: "
                     "the fan-in only, and a factor 2 for the half of its inputs a ReLU sets to 0.",
                     "Standard deviation sqrt(2 / n_in); draw an (n_in, n_out) array from the given rng's normal "
                     "distribution with mean 0 and that standard deviation."),
                 good="", extra=_he_checks),
]
