"""Gradient checking: compare an analytic gradient with central differences.

    dL/dw_i ~ (L(w + h e_i) - L(w - h e_i)) / (2h)           error O(h^2)
    relative error = ||a - b|| / (||a|| + ||b||)                (1e-7 or less: correct in float64)

The error is taken over the whole array (2-norms), not element by element: a tiny entry of a
gradient (1e-6 next to entries of 1) has a finite-difference round-off of 1e-11 that would look
like a large relative error on its own while the gradient as a whole is right.
"""
from __future__ import annotations

import numpy as np

from ..i18n import gettext_ as _, pad


def numerical_gradient(f, x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Central-difference gradient of the scalar function f at x (x is perturbed in place and restored)."""
    grad = np.zeros_like(x, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        f_plus = f()
        x[i] = old - h
        f_minus = f()
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def rel_error(a, b) -> float:
    """||a - b|| / (||a|| + ||b||), 0 when both are 0."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"cannot compare shapes {a.shape} and {b.shape}.")
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / denom) if denom > 0 else 0.0


def check_model(model, X, y, h: float = 1e-5) -> dict[str, float]:
    """Relative error between backprop and central differences for every parameter of `model`.

    Dropout is off (training=False) so that the loss is a deterministic function of the weights.
    """
    model.loss_and_grads(X, y, training=False)
    analytic = {name: g.copy() for name, _, g in model.params()}
    errors = {}
    for name, w, _ in model.params():
        numeric = numerical_gradient(lambda: model.evaluate(X, y), w, h)
        errors[name] = rel_error(analytic[name], numeric)
    return errors


def compare(name: str, ours, ref, tol: float = 1e-7) -> bool:
    """Print one line comparing two arrays, e.g. 'dW  from scratch vs tf.GradientTape: rel err 3e-16  OK'.

    Errors are printed as a coarse bound (0, < 1e-12, or the next power of ten above 1e-12), so
    that lesson outputs do not drift with the last bits of another machine's arithmetic.
    """
    err = rel_error(ours, ref)
    ok = err <= tol
    if err == 0:
        shown = "0"
    elif err < 1e-12:
        shown = "<1e-12"
    else:
        shown = f"<1e{int(np.ceil(np.log10(err)))}"
    # the padding stays outside the message, by display width: a translated name keeps the English columns
    print(_("{name} rel err {error}  {verdict}").format(name=pad(name, 40), error=f"{shown:>7s}",
                                                        verdict=_("OK") if ok else _("MISMATCH")))
    return ok
