"""Lesson 04 (gradient descent): one gradient step, one mini-batch epoch.

Each exercise's cases (the place for its edge cases), reference, diagnoses and twin, then the
CodeExercise entries that code.py collects."""
from __future__ import annotations

import numpy as np

from ..i18n import N_, gettext_ as _
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
    for n, d, B, lr, note in ((12, 2, 4, 0.1, ""), (10, 3, 4, 0.1, _("the last batch is smaller")),
                              (9, 2, 9, 0.1, _("one full batch")), (9, 2, 4, 0.1, _("the last batch holds one sample")),
                              (5, 3, 1, 0.05, _("batch_size = 1: one step per sample")),
                              (11, 5, 3, 0.02, _("5 inputs, batches of 3, 3, 3 and 2")),
                              (7, 2, 6, 0.3, _("a batch of 6, then one of 1"))):
        X = rng.normal(size=(n, d))
        y = X @ rng.normal(size=d) + 0.1 * rng.normal(size=n)
        cases.append(Case({"w": rng.normal(size=d), "X": X, "y": y, "learning_rate": lr, "batch_size": B}, note))
    return cases


def _epoch_ref(w, X, y, learning_rate, batch_size):
    w = w.copy()
    for idx in batches(len(X), batch_size, None):  # in order, no shuffling
        _loss, dL_dy_hat = mse(y[idx, None], (X[idx] @ w)[:, None])  # (2/B)(y_hat - y), shape (B, 1)
        w = w - learning_rate * (X[idx].T @ dL_dy_hat)[:, 0]
    return w


def _step_ratio(w, expected, got) -> str | None:
    """'your step w_new - w is k times the expected step', when one constant k fits every entry."""
    mine, step = got - w, expected - w
    if not np.all(np.abs(step) > 1e-12):
        return None
    ratio = mine / step
    if not np.allclose(ratio, ratio[0], rtol=1e-6) or np.isclose(ratio[0], 1.0):
        return None
    if np.isclose(ratio[0], -1.0):
        return _("your step w_new - w has the expected size in the opposite direction: uphill.")
    return _("your step w_new - w is {ratio:.4g} times the expected step in every entry.").format(ratio=ratio[0])


def _walk(args, batches, divide_by=None, stale=False):
    """w after one step per batch in `batches` (lists of row indices): the gradient of a batch is
    2 / divide_by(batch) X_b^T (X_b w - y_b), by default the batch's mean; stale: every gradient at the first w."""
    X, y, lr = args["X"], args["y"], args["learning_rate"]
    w = start = args["w"].copy()
    for idx in batches:
        k = len(idx) if divide_by is None else divide_by(idx)
        w = w - lr * 2 / k * X[idx].T @ (X[idx] @ (start if stale else w) - y[idx])
    return w


def _epoch_diagnose(args, expected, got):
    X, B = args["X"], args["batch_size"]
    n = len(X)
    starts = range(0, n, B)
    batches = [np.arange(i, min(i + B, n)) for i in starts]
    full = [idx for idx in batches if len(idx) == B]
    counts = ", ".join(str(len(idx)) for idx in batches)
    balanced = np.array_split(np.arange(n), len(batches))
    known = [
        (_walk(args, full), _("your w is what the full batches alone give: the last, smaller batch ({value} of the {n} "
                            "samples) made no step.").format(value=n % B, n=n)),
        (_walk(args, batches, lambda idx: 2.0), _("your w is what steps {value:g} times too long on each full batch of "
                                                "B = {B} give.").format(value=B / 2, B=B)),
        (_walk(args, batches, lambda idx: 1.0), _("your w is what steps {B:g} times too long on each full batch of "
                                                "B = {B} give.").format(B=B)),
        (_walk(args, [np.arange(n)] * len(batches)), _("your w is what steps on the whole data set give: each step "
                                                     "should use its own batch only.")),
        (_walk(args, batches, lambda idx: B), _("your last batch's gradient is divided by B = {B}; that batch holds "
                                              "only {value} samples, and its mean divides by that.").format(B=B, value=n % B or B)),
        (_walk(args, batches, lambda idx: n), _("each of your batch gradients is divided by n = {n}, the size of the "
                                              "whole data set; a batch's mean divides by the batch's own size.").format(n=n)),
        (_walk(args, batches, stale=True), _("your w is what steps whose gradients are all taken at the starting w "
                                           "give: each batch's gradient uses the w left by the step before.")),
        (args["w"] - (args["w"] - _walk(args, batches, stale=True)) / len(batches),
         _("your w made one step, with the average of the batch gradients; an epoch makes one step per batch, "
         "{length} here.").format(length=len(batches))),
        (_walk(args, batches[::-1]), _("your w is what the batches in reverse order give; they go in order, rows 0 to "
                                     "{value} first.").format(value=min(B, n) - 1)),
        (_walk(args, balanced), _("your batches have the sizes {value} "
                                "(np.array_split); the batches X[i:i+B] have the sizes {counts}.").format(value=', '.join((str(len(b)) for b in balanced)), counts=counts)),
    ]
    for wrong, message in known:
        if np.allclose(got, wrong) and not np.allclose(wrong, expected):
            return message
    return _step_ratio(args["w"], expected, got) if n <= B else None


def _step_cases(rng):
    cases = []
    for n, d, lr, note in ((8, 2, 0.1, ""), (5, 3, 0.1, ""), (1, 2, 0.1, _("one sample")), (3, 3, 0.05, _("X square")),
                           (2, 4, 0.2, _("more inputs than samples")), (40, 3, 0.01, "")):
        X = rng.normal(size=(n, d))
        y = X @ rng.normal(size=d) + 0.1 * rng.normal(size=n)
        cases.append(Case({"w": rng.normal(size=d), "X": X, "y": y, "learning_rate": lr}, note))
    return cases


def _step_ref(w, X, y, learning_rate):
    _loss, dL_dy_hat = mse(y[:, None], (X @ w)[:, None])  # (2/n)(y_hat - y), shape (n, 1)
    return w - learning_rate * (X.T @ dL_dy_hat)[:, 0]


def _step_diagnose(args, expected, got):
    X, y, w, lr = args["X"], args["y"], args["w"], args["learning_rate"]
    n, d = X.shape
    if np.allclose(got, 2 / n * X.T @ (X @ w - y)) and not np.allclose(got, expected):
        return _("your result is the gradient itself; the function returns the new w, one step away from w.")
    wrong = _step_ratio(w, expected, got)
    if wrong and n > 1 and np.allclose(got - w, n * (expected - w)):
        return wrong + _(" This case has n = {n} samples.").format(n=n)
    if wrong and n != d and np.allclose(got - w, n / d * (expected - w)):
        return wrong + _(" This case has n = {n} samples and d = {d} inputs: the mean is over the samples.").format(n=n, d=d)
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
                 twin=tf_twin(N_("Keras's SGD with tf.GradientTape"), _step_twin_args, _keras_step,
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
                 twin=tf_twin(N_("Keras's SGD on the same batches"), _epoch_twin_args, _keras_epoch,
                              tol=1e-7)),  # Keras keeps the learning rate in float32
]
