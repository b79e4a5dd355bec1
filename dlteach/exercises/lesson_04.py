"""Lesson 04 (gradient descent): one gradient step, one mini-batch epoch.

Each exercise's cases (the place for its edge cases), reference, diagnoses and twin, then the
CodeExercise entries that code.py collects."""
from __future__ import annotations

import numpy as np

from ..core.losses import mse
from ..core.training import batches
from .common import tf_twin
from .hints import Ladder
from .runner import Case, CodeExercise


def _keras_epoch(tf, keras, w, X, y, learning_rate, batch_size):
    var = tf.Variable(w)
    opt = keras.optimizers.SGD(learning_rate=float(learning_rate))
    for i in range(0, len(X), int(batch_size)):
        X_b, y_b = tf.constant(X[i:i + int(batch_size)]), tf.constant(y[i:i + int(batch_size)])
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((tf.linalg.matvec(X_b, var) - y_b) ** 2)
        opt.apply_gradients([(tape.gradient(loss, var), var)])
    return var.numpy()


def _epoch_twin_args(rng):
    X = rng.normal(size=(11, 3))
    return {"w": rng.normal(size=3), "X": X, "y": X @ rng.normal(size=3), "learning_rate": np.float64(0.05),
            "batch_size": np.int64(4)}


def _epoch_cases(rng):
    cases = []
    for n, d, B in ((12, 2, 4), (10, 3, 4), (9, 2, 9)):
        X = rng.normal(size=(n, d))
        y = X @ rng.normal(size=d) + 0.1 * rng.normal(size=n)
        note = {4: "the last batch is smaller" if n % B else "", 9: "one full batch"}.get(B, "")
        cases.append(Case({"w": rng.normal(size=d), "X": X, "y": y, "learning_rate": 0.1, "batch_size": B}, note))
    return cases


def _epoch_ref(w, X, y, learning_rate, batch_size):
    w = w.copy()
    for idx in batches(len(X), batch_size, None):  # in order, no shuffling
        _, dL_dy_hat = mse(y[idx, None], (X[idx] @ w)[:, None])  # (2/B)(y_hat - y), shape (B, 1)
        w = w - learning_rate * (X[idx].T @ dL_dy_hat)[:, 0]
    return w


def _step_ratio(w, expected, got) -> str | None:
    """'your step w_new - w is k times the expected step', when one constant k fits every entry."""
    if np.shape(got) != np.shape(w):
        return None
    mine, step = np.asarray(got, dtype=float) - w, np.asarray(expected, dtype=float) - w
    if not np.all(np.abs(step) > 1e-12):
        return None
    ratio = mine / step
    if not np.allclose(ratio, ratio[0], rtol=1e-6) or np.isclose(ratio[0], 1.0):
        return None
    if np.isclose(ratio[0], -1.0):
        return "your step w_new - w has the expected size in the opposite direction: uphill."
    return f"your step w_new - w is {ratio[0]:.4g} times the expected step in every entry."


def _epoch_diagnose(args, expected, got):
    X, y, lr, B = args["X"], args["y"], args["learning_rate"], args["batch_size"]
    w = args["w"].copy()
    for i in range(0, len(X) - B + 1, B):  # full batches only
        Xb, yb = X[i:i + B], y[i:i + B]
        w = w - lr * 2 / B * Xb.T @ (Xb @ w - yb)
    if len(X) % B and np.shape(got) == w.shape and np.allclose(got, w):
        return (f"your w is what the full batches alone give: the last, smaller batch ({len(X) % B} of the "
                f"{len(X)} samples) made no step.")
    for factor in (2.0, 1.0):
        w = args["w"].copy()
        for i in range(0, len(X), B):  # summed, not averaged, over the batch
            Xb, yb = X[i:i + B], y[i:i + B]
            w = w - lr * factor * Xb.T @ (Xb @ w - yb)
        if np.shape(got) == w.shape and np.allclose(got, w):
            return f"your w is what steps {factor * B / 2:g} times too long on each full batch of B = {B} give."
    w = args["w"].copy()
    for i in range(0, len(X), B):  # the whole data set at every step
        w = w - lr * 2 / len(X) * X.T @ (X @ w - y)
    if np.shape(got) == w.shape and np.allclose(got, w) and B < len(X):
        return "your w is what steps on the whole data set give: each step should use its own batch only."
    return _step_ratio(args["w"], expected, got) if len(X) <= B else None


def _step_cases(rng):
    cases = []
    for n, d in ((8, 2), (5, 3), (1, 2)):
        X = rng.normal(size=(n, d))
        y = X @ rng.normal(size=d) + 0.1 * rng.normal(size=n)
        cases.append(Case({"w": rng.normal(size=d), "X": X, "y": y, "learning_rate": 0.1},
                          "one sample" if n == 1 else ""))
    return cases


def _step_ref(w, X, y, learning_rate):
    _, dL_dy_hat = mse(y[:, None], (X @ w)[:, None])  # (2/n)(y_hat - y), shape (n, 1)
    return w - learning_rate * (X.T @ dL_dy_hat)[:, 0]


def _step_diagnose(args, expected, got):
    X, y, w, lr = args["X"], args["y"], args["w"], args["learning_rate"]
    wrong = _step_ratio(w, expected, got)
    if wrong and len(X) > 1 and np.allclose(np.asarray(got, dtype=float) - w, len(X) * (expected - w)):
        return wrong + f" This case has n = {len(X)} samples."
    return wrong


def _step_twin_args(rng):
    X = rng.normal(size=(9, 3))
    return {"w": rng.normal(size=3), "X": X, "y": X @ rng.normal(size=3), "learning_rate": np.float64(0.05)}


def _keras_step(tf, keras, w, X, y, learning_rate):
    return _keras_epoch(tf, keras, w, X, y, learning_rate, len(X))  # one batch of all n samples: one step


EXERCISES = [
    CodeExercise("04.gradient_step", "gradient_step", ("w", "X", "y", "learning_rate"), _step_cases, _step_ref,
                 ladder=Ladder(
                     "The formula, derived",
                     "Compare your step w_new - w with the expected one: too long, too short, or in the wrong "
                     "direction? The printed inputs let you check one entry by hand.",
                     "Differentiate L = mean((X w - y)²) with respect to w: the square brings a factor 2, the "
                     "inner X w brings X transposed, and the mean divides by n. The step goes against the "
                     "gradient.",
                     "Form the residuals r = X w - y (one per sample); the gradient is 2/n times X transposed "
                     "times r (the shape of w); return w minus the learning rate times that gradient, as a new "
                     "array."),
                 good="Every optimizer in lesson 05 starts from this gradient; only the step differs.",
                 diagnose=_step_diagnose,
                 twin=tf_twin("Keras's SGD with tf.GradientTape", _step_twin_args, _keras_step,
                              tol=1e-7)),  # Keras keeps the learning rate in float32
    CodeExercise("04.minibatch_epoch", "minibatch_epoch", ("w", "X", "y", "learning_rate", "batch_size"),
                 _epoch_cases, _epoch_ref,
                 ladder=Ladder(
                     "Batch, mini-batch, stochastic",
                     "Which cases fail: the one whose last batch is smaller, or all of them? Compare the size of "
                     "your change of w with the expected one.",
                     "One step per batch of rows i to i + B, in order, each with the gradient of that batch's own "
                     "mean squared error: divide by the batch's own size, which is smaller for the last one.",
                     "Go through the start rows 0, B, 2B, ... below n; take those rows of X and y (the last batch "
                     "may be short); compute the batch gradient as in exercise 4 with the batch's length in place "
                     "of n; step w; return w after the last batch."),
                 good="One epoch = ceil(n / B) updates, each on one batch.", diagnose=_epoch_diagnose,
                 twin=tf_twin("Keras's SGD on the same batches", _epoch_twin_args, _keras_epoch,
                              tol=1e-7)),  # Keras keeps the learning rate in float32
]
