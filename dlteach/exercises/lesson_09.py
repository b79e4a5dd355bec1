"""Lesson 09 (digits): softmax with cross-entropy, a softmax-regression training loop.

Each exercise's cases (the place for its edge cases), reference, diagnoses and twin, then the
CodeExercise entries that code.py collects."""
from __future__ import annotations

import numpy as np

from ..core.activations import softmax
from ..core.losses import categorical_crossentropy
from .common import tf_twin
from .hints import Ladder
from .runner import Case, CodeExercise, Mismatch


def _tf_softmax_ce(tf, keras, z, Y):
    z = tf.constant(z)
    with tf.GradientTape() as tape:
        tape.watch(z)
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=tf.constant(Y), logits=z))
    return float(loss), tape.gradient(loss, z).numpy()


def _softmax_ce_twin_args(rng):
    return {"z": np.r_[rng.normal(0, 3, (4, 5)), [[900.0, 0, 0, 0, -900.0]]],
            "Y": np.eye(5)[rng.integers(0, 5, 5)]}


def _softmax_ce_cases(rng):
    cases = []
    for n, k in ((4, 3), (6, 10), (1, 2)):
        labels = rng.integers(0, k, n)
        cases.append(Case({"z": rng.normal(0, 2, (n, k)), "Y": np.eye(k)[labels]}, f"{n} samples, {k} classes"))
    z = np.array([[1000.0, 0.0, -1000.0], [0.0, 1000.0, 999.0]])
    cases.append(Case({"z": z, "Y": np.eye(3)[[0, 2]]}, "logits of size 1000"))
    return cases


def _softmax_ce_ref(z, Y):
    return categorical_crossentropy(Y, z, from_logits=True)


def _softmax_ce_diagnose(args, expected, got):
    z, Y = args["z"], args["Y"]
    if isinstance(got, (tuple, list)) and len(got) == 2 and np.shape(got[1]) == z.shape:
        if np.allclose(np.asarray(got[1], dtype=float), softmax(z) - Y):
            n = len(z)
            if n > 1:
                return f"every entry of your dL_dz is {n} times the expected one, and this case has n = {n} rows."
    return None


def _train_softmax_cases(rng):
    cases = []
    for n, d, k, epochs in ((6, 3, 4, 1), (10, 5, 3, 3), (4, 2, 2, 2)):
        cases.append(Case({"X": rng.normal(size=(n, d)), "Y": np.eye(k)[rng.integers(0, k, n)],
                           "learning_rate": 0.5, "epochs": epochs, "batch_size": n, "seed": 0},
                          f"{n} samples, {k} classes, {epochs} epoch(s) of one full batch (the order does not matter)"))
    return cases


def _train_softmax_ref(X, Y, learning_rate, epochs, batch_size, seed):
    W, b = np.zeros((X.shape[1], Y.shape[1])), np.zeros(Y.shape[1])
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for i in range(0, len(X), batch_size):
            idx = order[i:i + batch_size]
            _, dL_dz = categorical_crossentropy(Y[idx], X[idx] @ W + b, from_logits=True)
            W, b = W - learning_rate * X[idx].T @ dL_dz, b - learning_rate * dL_dz.sum(axis=0)
    return W, b


def _train_softmax_diagnose(args, expected, got):
    W_ref, b_ref = expected
    if isinstance(got, (tuple, list)) and len(got) == 2 and np.shape(got[1]) == b_ref.shape:
        if np.allclose(np.asarray(got[1], dtype=float), 0.0) and not np.allclose(b_ref, 0.0):
            return "your b is still all zeros: the bias never moved."
    return None


def _train_softmax_digits(func) -> str:
    """Train on the 8x8 digits with the lesson's settings: the result must reach 95 % test accuracy,
    and the batches must be shuffled by `seed` (reproducible, and different for another seed)."""
    from .. import data  # noqa: PLC0415 (scikit-learn's digits, loaded only here)

    X_train, X_test, y_train, y_test = data.load_digits()
    Y_train = data.one_hot(y_train, 10)
    small = {"X": X_train[:40], "Y": Y_train[:40], "learning_rate": 0.5, "epochs": 2, "batch_size": 8}
    first, again, other = (np.asarray(func(**small, seed=s)[0], dtype=float) for s in (0, 0, 1))
    if not np.array_equal(first, again):
        raise Mismatch("Two runs with the same seed gave different weights: your order of the samples does not "
                       "come from `seed` alone.")
    if np.array_equal(first, other):
        raise Mismatch("seed 0 and seed 1 gave the same weights with batches of 8: the batches are not shuffled "
                       "by the seed.")
    W, b = func(X=X_train, Y=Y_train, learning_rate=0.5, epochs=20, batch_size=32, seed=0)
    acc = float(np.mean((X_test @ np.asarray(W, dtype=float) + np.asarray(b, dtype=float)).argmax(axis=1) == y_test))
    if acc < 0.95:
        raise Mismatch(f"Trained on the 1,437 training digits (learning rate 0.5, 20 epochs, batches of 32) your "
                       f"weights reach {acc:.3f} test accuracy; softmax regression reaches 0.95 or more.")
    return f"On the digits your loop reaches {acc:.3f} test accuracy (360 test images)."


EXERCISES = [
    CodeExercise("09.softmax_ce", "softmax_ce", ("z", "Y"), _softmax_ce_cases, _softmax_ce_ref,
                 outputs=("loss", "dL_dz"), kinds=("number", "array"),
                 ladder=Ladder(
                     "The formula, derived",
                     "Which output is wrong, the loss or dL_dz, and in which case (large logits? one row?)? "
                     "Compare its scale and sign with the expected.",
                     "log p = z - log(sum of e^z) per row, computed after subtracting each row's own largest "
                     "logit (which changes no p and keeps exp from overflowing); the loss is the mean over rows "
                     "of -sum(Y log p); the gradient is (p - Y) / n.",
                     "Subtract each row's maximum from z; log p is that minus the log of the row's sum of "
                     "exponentials; the loss is minus the mean over rows of the sum of Y times log p; dL/dz is "
                     "(e^(log p) - Y) / n."),
                 good="Softmax and cross-entropy together have the simplest gradient there is: (p - Y) / n.",
                 diagnose=_softmax_ce_diagnose,
                 twin=tf_twin("tf.nn.softmax_cross_entropy_with_logits", _softmax_ce_twin_args, _tf_softmax_ce)),
    CodeExercise("09.train_softmax", "train_softmax", ("X", "Y", "learning_rate", "epochs", "batch_size", "seed"),
                 _train_softmax_cases, _train_softmax_ref, outputs=("W", "b"),
                 ladder=Ladder(
                     "The formula, derived",
                     "Which output is wrong, W or b? The case note says how many epochs and batches ran: compare "
                     "with the loop the exercise describes (one generator, one permutation per epoch, one step "
                     "per batch).",
                     "Start at zeros; make one generator from the seed; each epoch draws a fresh permutation of "
                     "the samples; each batch of that order gives z = X_b W + b, your softmax_ce's gradient, and "
                     "one step for W (X_b transposed times dL/dz) and b (dL/dz summed over the batch).",
                     "Zeros of shape (d, k) and (k,); the generator from the seed, made once; for every epoch a "
                     "permutation of n from it; for every start in steps of batch_size, the next batch_size "
                     "indices of that permutation; the gradient on those rows of X and Y; step W and b with the "
                     "learning rate; return W and b."),
                 good="", diagnose=_train_softmax_diagnose, extra=_train_softmax_digits),
]
