"""Lesson 04 (gradient descent): one gradient step, one mini-batch epoch.

Each exercise's cases (the place for its edge cases), reference, diagnoses and twin, then the
CodeExercise entries that code.py collects."""
from __future__ import annotations

import numpy as np

from ..core.losses import mse
from ..core.training import batches
from .common import tf_twin
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


def _epoch_diagnose(args, expected, got):
    X, y, lr, B = args["X"], args["y"], args["learning_rate"], args["batch_size"]
    w = args["w"].copy()
    for i in range(0, len(X) - B + 1, B):  # full batches only
        Xb, yb = X[i:i + B], y[i:i + B]
        w = w - lr * 2 / B * Xb.T @ (Xb @ w - yb)
    if len(X) % B and np.shape(got) == w.shape and np.allclose(got, w):
        return "the last, smaller batch is missing: range(0, n, batch_size) visits it too."
    for factor in (2.0, 1.0):
        w = args["w"].copy()
        for i in range(0, len(X), B):  # summed, not averaged, over the batch
            Xb, yb = X[i:i + B], y[i:i + B]
            w = w - lr * factor * Xb.T @ (Xb @ w - yb)
        if np.shape(got) == w.shape and np.allclose(got, w):
                return ("the loss is the *mean* over the batch, so its gradient has a factor 1/B (len(X_b) for "
                    "the last batch); without it the step grows with the batch size.")
    return None


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
    r = X @ w - y
    wrong = {"the gradient's factor 2 (from the square) is missing": w - lr * X.T @ r / len(X),
             "the loss is the *mean* over the samples: divide the summed gradient by n": w - lr * 2 * X.T @ r,
             "the step goes uphill: w - learning_rate * gradient, with gradient = (2/n) X.T @ (X @ w - y)":
                 w + lr * 2 * X.T @ r / len(X)}
    for why, value in wrong.items():
        if np.shape(got) == value.shape and np.allclose(got, value):
            return why
    return None


def _step_twin_args(rng):
    X = rng.normal(size=(9, 3))
    return {"w": rng.normal(size=3), "X": X, "y": X @ rng.normal(size=3), "learning_rate": np.float64(0.05)}


def _keras_step(tf, keras, w, X, y, learning_rate):
    return _keras_epoch(tf, keras, w, X, y, learning_rate, len(X))  # one batch of all n samples: one step


EXERCISES = [
    CodeExercise("04.gradient_step", "gradient_step", ("w", "X", "y", "learning_rate"), _step_cases, _step_ref,
                 hint="L = mean((X @ w - y)**2), so grad L = (2/n) X.T @ (X @ w - y); return w - learning_rate * grad.",
                 good="Every optimizer in lesson 05 starts from this gradient; only the step differs.",
                 diagnose=_step_diagnose,
                 twin=tf_twin("Keras's SGD with tf.GradientTape", _step_twin_args, _keras_step,
                              tol=1e-7)),  # Keras keeps the learning rate in float32
    CodeExercise("04.minibatch_epoch", "minibatch_epoch", ("w", "X", "y", "learning_rate", "batch_size"),
                 _epoch_cases, _epoch_ref,
                 hint="for each batch in order (X[i:i+B]): gradient of the batch's mean squared error, "
                      "(2/B) X_b.T @ (X_b @ w - y_b), then w = w - learning_rate * gradient.",
                 good="One epoch = ceil(n / B) updates, each on one batch.", diagnose=_epoch_diagnose,
                 twin=tf_twin("Keras's SGD on the same batches", _epoch_twin_args, _keras_epoch,
                              tol=1e-7)),  # Keras keeps the learning rate in float32
]
