"""Lesson 09 (digits): softmax with cross-entropy, a softmax-regression training loop.

Each exercise's cases (the place for its edge cases), reference, diagnoses and twin, then the
CodeExercise entries that code.py collects."""
from __future__ import annotations

import numpy as np

from ..i18n import N_, gettext_ as _
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
    for n, k in ((4, 3), (6, 10), (1, 2), (5, 4), (3, 7), (8, 2)):
        labels = rng.integers(0, k, n)
        cases.append(Case({"z": rng.normal(0, 2, (n, k)), "Y": np.eye(k)[labels]},
                          _("one sample") if n == 1 else _("{n} samples, {k} classes").format(n=n, k=k)))
    z = np.array([[1000.0, 0.0, -1000.0], [0.0, 1000.0, 999.0]])
    cases.append(Case({"z": z, "Y": np.eye(3)[[0, 2]]}, _("logits of size 1000")))
    cases.append(Case({"z": np.array([[1000.0, 0.0], [-1000.0, -999.0]]), "Y": np.eye(2)},
                      _("rows of very different scale: the second row's largest logit is -999, not 1000")))
    cases.append(Case({"z": np.array([[0.0, 1000.0, 3.0], [2.0, -1.0, 0.5]]), "Y": np.eye(3)[[0, 0]]},
                      _("a confident mistake: the true class is 1000 below the largest logit")))
    return cases


def _softmax_ce_ref(z, Y):
    return categorical_crossentropy(Y, z, from_logits=True)


def _softmax_ce_diagnose(args, expected, got):
    z, Y = args["z"], args["Y"]
    n, k = z.shape
    loss, grad = expected
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return None
    g_loss, g_grad = got
    if np.size(g_loss) == 1 and np.isfinite(float(np.asarray(g_loss))) and loss > 0 and n > 1 \
            and np.isclose(float(np.asarray(g_loss)), n * loss):
        return _("your loss is {n} times the expected one, and this case has n = {n} rows: a sum, not the mean.").format(n=n)
    if np.size(g_loss) == 1 and loss > 0 and np.isclose(float(np.asarray(g_loss)), loss / k):
        return _("your loss is {k} times smaller than expected: a mean over all {n} x {k} entries, not over the rows.").format(k=k, n=n)
    if np.size(g_loss) == 1 and loss > 0 and np.isclose(float(np.asarray(g_loss)), loss / np.log(10)):
        return _("your loss is the expected one divided by ln 10 = 2.303: a base-10 logarithm; cross-entropy uses ln.")
    if np.shape(g_grad) == z.shape:
        g_grad = np.asarray(g_grad, dtype=float)
        p = softmax(z)
        if n > 1 and np.allclose(g_grad, p - Y):
            return _("every entry of your dL_dz is {n} times the expected one, and this case has n = {n} rows.").format(n=n)
        if np.allclose(g_grad, p / n):
            return (_("every row of your dL_dz sums to 1/n, like p / n: the expected rows sum to 0, because Y is "
                    "subtracted."))
        columns = np.exp(z - z.max(axis=0)) / np.exp(z - z.max(axis=0)).sum(axis=0)
        if n > 1 and not np.allclose(columns, p) and np.allclose(g_grad, (columns - Y) / n):
            return (_("your dL_dz comes from probabilities that sum to 1 down each column (over the samples); a "
                    "softmax sums to 1 along each row (over the classes)."))
    return None


# (n, d, k, epochs, batch_size, learning rate, what the case is for)
_TRAIN_SETTINGS = ((6, 3, 4, 1, 6, 0.5, N_("one epoch of one full batch")),
                   (10, 3, 3, 3, 4, 0.5, N_("3 epochs of batches of 4, 4 and 2: a new order every epoch")),
                   (7, 2, 2, 2, 3, 1.0, N_("2 epochs of batches of 3, 3 and 1: the last batch holds one sample")),
                   (5, 4, 3, 2, 1, 0.3, N_("batch_size = 1: one step per sample, 2 epochs")),
                   (12, 3, 4, 4, 5, 0.5, N_("4 epochs of batches of 5, 5 and 2")),
                   (8, 2, 3, 3, 4, 0.8, N_("3 epochs of two batches of 4")))


def _train_softmax_cases(rng):
    cases = []
    for n, d, k, epochs, batch_size, lr, note in _TRAIN_SETTINGS:
        cases.append(Case({"X": rng.normal(size=(n, d)), "Y": np.eye(k)[rng.integers(0, k, n)],
                           "learning_rate": lr, "epochs": epochs, "batch_size": batch_size,
                           "seed": int(rng.integers(1, 1000))}, _(note)))
    return cases


def _softmax_loop(X, Y, learning_rate, epochs, batch_size, seed, order="new", drop_last=False):
    """The exercise's loop; `order` ('new' every epoch, 'same' every epoch, 'none': 0, 1, 2, ...) and
    drop_last give the loops of the typical mistakes, for the diagnoses."""
    W, b = np.zeros((X.shape[1], Y.shape[1])), np.zeros(Y.shape[1])
    n = len(X)
    rng = np.random.default_rng(seed)
    first = np.random.default_rng(seed).permutation(n)
    stop = n - batch_size + 1 if drop_last else n
    for _epoch in range(epochs):
        perm = {"new": rng.permutation(n) if order == "new" else None, "same": first, "none": np.arange(n)}[order]
        for i in range(0, stop, batch_size):
            idx = perm[i:i + batch_size]
            _loss, dL_dz = categorical_crossentropy(Y[idx], X[idx] @ W + b, from_logits=True)
            W, b = W - learning_rate * X[idx].T @ dL_dz, b - learning_rate * dL_dz.sum(axis=0)
    return W, b


def _train_softmax_ref(X, Y, learning_rate, epochs, batch_size, seed):
    return _softmax_loop(X, Y, learning_rate, epochs, batch_size, seed)


def _train_softmax_diagnose(args, expected, got):
    W_ref, b_ref = expected
    if not isinstance(got, (tuple, list)) or len(got) != 2 or np.shape(got[0]) != W_ref.shape \
            or np.shape(got[1]) != b_ref.shape:
        return None
    W, b = np.asarray(got[0], dtype=float), np.asarray(got[1], dtype=float)
    if np.allclose(b, 0.0) and not np.allclose(b_ref, 0.0):
        return _("your b is still all zeros: the bias never moved.")
    n, B, epochs = len(args["X"]), args["batch_size"], args["epochs"]

    def gives(**change):
        W_alt, b_alt = _softmax_loop(**{**args, **change})
        return not np.allclose(W_alt, W_ref) and np.allclose(W, W_alt) and np.allclose(b, b_alt)

    if gives(order="none"):
        return _("your W and b are what visiting the samples in their stored order (0, 1, 2, ...) gives: no shuffling.")
    if epochs > 1 and gives(order="same"):
        return (_("your W and b are what visiting the samples in the same order in all {epochs} epochs gives; the "
                "exercise visits them in a new order every epoch, drawn from one generator.").format(epochs=epochs))
    if n % B and gives(drop_last=True):
        return (_("your W and b are what a loop gives that leaves out the last, smaller batch of each epoch (here "
                "{value} of the {n} samples).").format(value=n % B, n=n))
    if B < n and gives(batch_size=n):
        return _("your W and b are what one step per epoch on all {n} samples gives, not one step per batch of {B}.").format(n=n, B=B)
    if args["seed"] != 0 and gives(seed=0):
        return _("your W and b are what seed 0 gives; this case has seed = {args}.").format(args=args['seed'])
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
        raise Mismatch(_("Two runs with the same seed gave different weights: your order of the samples does not "
                       "come from `seed` alone."))
    if np.array_equal(first, other):
        raise Mismatch(_("seed 0 and seed 1 gave the same weights with batches of 8: the batches are not shuffled "
                       "by the seed."))
    W, b = func(X=X_train, Y=Y_train, learning_rate=0.5, epochs=20, batch_size=32, seed=0)
    acc = float(np.mean((X_test @ np.asarray(W, dtype=float) + np.asarray(b, dtype=float)).argmax(axis=1) == y_test))
    if acc < 0.95:
        raise Mismatch(_("Trained on the 1,437 training digits (learning rate 0.5, 20 epochs, batches of 32) your "
                       "weights reach {acc:.3f} test accuracy; a correct loop with these settings does better.").format(acc=acc))
    return _("On the digits your loop reaches {acc:.3f} test accuracy (360 test images).").format(acc=acc)


EXERCISES = [
    CodeExercise("09.softmax_ce", "softmax_ce", ("z", "Y"), _softmax_ce_cases, _softmax_ce_ref,
                 outputs=("loss", "dL_dz"), kinds=("number", "array"),
                 ladder=Ladder(
                     "The formula, derived",
                     "Which output is wrong, the loss or dL_dz, and in which case (large logits? one row?)? "
                     "Compare its scale and sign with the expected.",
                     "Large logits break two steps: e^z overflows, and a p that underflows to 0 makes log p "
                     "= -inf (and 0 x log 0 = NaN). Shifting each row by the same number changes no p; and log p "
                     "can be computed from the shifted logits directly, without ever taking the log of p.",
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
