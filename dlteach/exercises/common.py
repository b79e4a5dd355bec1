"""Helpers shared by the lessons' checkers: the Keras/TensorFlow twin of a case and a coarse
agreement bound that reads the same on every machine."""
from __future__ import annotations

import numpy as np

from ..i18n import N_, gettext_ as _
from ..core.gradcheck import rel_error as _rel_error
from .runner import Mismatch


def rel_error(a, b) -> float:
    """core.gradcheck.rel_error, but inf when either side holds NaN or inf: the core's reads NaN as agreement
    (0, "agrees exactly"), which would pass a learner's gradient check or twin on a NaN result."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return float("inf")
    return _rel_error(a, b)


def bound(err: float) -> str:
    """A coarse bound for an agreement, stable across machines: '< 1e-12', '< 1e-9', ..."""
    if err == 0:
        return _("exactly")
    return _("to < 1e{exponent}").format(exponent=int(np.floor(np.log10(err))) + 1)


def tf_twin(label: str, make, reference, tol: float = 1e-12):
    """A twin check: reference(tf, keras, **args) computes with TensorFlow/Keras in float64 what the
    learner's function returns for make(rng); the learner's result must agree to tol (relative)."""

    def twin(func) -> str:
        return _compare_with_twin(label, make, reference, tol, func)

    return twin


def _compare_with_twin(label: str, make, reference, tol: float, func) -> str:
    """The body of tf_twin's check, a function of its own: tf_twin runs when the lessons' modules are imported,
    so mutation testing (which picks a mutant per call) could not reach a body inside it."""
    import keras  # imported only here, once the learner's function has passed every case
    import tensorflow as tf

    args = make(np.random.default_rng(5))
    ref = reference(tf, keras, **{k: np.copy(v) for k, v in args.items()})
    mine = func(**{k: np.copy(v) for k, v in args.items()})
    refs, mines = (ref, mine) if isinstance(ref, tuple) else ((ref,), (mine,))
    if not all(np.all(np.isfinite(np.asarray(m, dtype=float))) for m in mines):
        raise Mismatch(_("Your result agrees with the cases but holds NaN or inf on the inputs compared with "
                       "{label}: look for exp of a large number or log of 0.").format(label=_(label)))
    err = max(rel_error(np.asarray(m, dtype=float).reshape(np.shape(r)), np.asarray(r, dtype=float))
              for m, r in zip(mines, refs))
    if not err < tol:
        raise Mismatch(_("Your result agrees with the cases but not with {label}: relative difference {err:.3g}.").format(label=_(label), err=err))
    return _("{label} agrees {bound}.").format(label=_(label), bound=bound(err))
