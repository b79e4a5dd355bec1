"""The lessons' experiments: the models that the explorers train and the lessons reuse, built and
trained here from the engine and the data, with no drawing. An explorer calls one of these and
draws what it returns; a lesson can call the same function and look at the numbers.

    acts, norms, model = layer_statistics(depth=10, width=64, activation="sigmoid", init="glorot_uniform")
    X, y, X_val, y_val = moons_split(60)                  # lesson 10's small noisy moons
    model, history, split = overfit_run(n_train=60, l2=0.01)
    model, X_test, y_test = digits_model()                # lesson 09's MLP, trained once per process
    feature_map = apply_kernel(image, KERNELS["blur"], strides=2)

Trained models that take seconds (the digits model, the distillation teacher) are trained once
per process and cached, but every call returns a deep copy: a caller that changes its model
(saliency stores gradients in it, pruning zeroes weights) never changes what the next call gets.
"""
from __future__ import annotations

import copy
import os
import zipfile
from functools import lru_cache
from pathlib import Path
from statistics import NormalDist

import numpy as np

from . import data
from .core import (MLP, Callback, Conv2D, Dense, EarlyStopping, Flatten, MaxPool2D, Sequential, Temperature, accuracy, fit,
                   prune, quantize, soft_targets, weight_bytes)
from .core._checks import as_float_array, check_fraction, check_int, check_positive
from .runs import _digits_split, _one_blas_thread, _progress_callbacks, _reporting, digits_split  # noqa: F401 (re-exported)

__all__ = ["layer_statistics", "DataLoss", "moons_split", "moons_test", "overfit_run", "overfit_scores", "kfold",
           "cross_validate", "accuracy_interval", "digits_split", "train_digits",
           "digits_model", "digits_teacher", "student", "distill", "compressed_accuracy", "KERNELS",
           "apply_kernel", "max_pool", "digits_mlp", "digits_cnn", "cache_path",
           "load_or_train"]


# --- lesson 08: depth and initialisation ---------------------------------------------------------
def layer_statistics(depth: int, width: int, activation: str, init: str, n: int = 512, seed: int = 0):
    """An MLP of `depth` hidden layers of `width` units at initialisation: push a standard-normal
    batch X (n, width) through it and backpropagate a binary cross-entropy loss once.

    Returns (acts, norms, model): acts[l] the activations a_l (n, width) of hidden layer l + 1,
    norms the gradient norms ||dL/dW_l|| of every layer from input to output (depth + 1,), and
    the model (its layers keep z, a, dW, db of this pass)."""
    depth = check_int(depth, "depth", low=1)
    width = check_int(width, "width", low=1)
    n = check_int(n, "n", low=1)
    seed = check_int(seed, "seed", low=0)  # an integer: it seeds both the batch and the weights
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, width))
    y = (rng.random(n) > 0.5).astype(float)
    model = MLP([width] + [width] * depth + [1], activation, "sigmoid", "binary_crossentropy", init=init, seed=seed)
    model.loss_and_grads(X, y, training=False)
    acts = [layer.a for layer in model.dense_layers[:-1]]
    norms = np.array([np.linalg.norm(layer.dW) for layer in model.dense_layers])
    return acts, norms, model


# --- lesson 10: overfitting and regularisation ---------------------------------------------------
class DataLoss(Callback):
    """Records the loss WITHOUT the L2 penalty on train and validation data after each epoch, so
    that runs with different L2 can be compared (Keras's val_loss includes the penalty)."""

    def __init__(self, X, y, X_val, y_val):
        self.sets, self.train, self.val = (X, y, X_val, y_val), [], []

    def on_epoch_end(self, epoch, logs, model, history):
        X, y, _, _ = self.sets
        self.train.append(model.evaluate(X, y, include_penalty=False))
        self.val.append(logs["val_loss"] - model.penalty())  # fit's val_loss = data loss + penalty


def moons_split(n_train: int = 60, seed: int = 0):
    """400 noisy moons points (noise 0.3): the first n_train of a shuffled order train, the last
    200 validate. Returns (X, y, X_val, y_val); n_train from 1 to 200."""
    n_train = check_int(n_train, "n_train", low=1, high=200)
    seed = check_int(seed, "seed", low=0)
    X, y = data.make_dataset("moons", n=400, noise=0.3, seed=seed)
    order = np.random.default_rng(seed).permutation(400)
    return X[order[:n_train]], y[order[:n_train]], X[order[200:]], y[order[200:]]


def moons_test(n: int = 1000, seed: int = 0):
    """n fresh noisy moons points (noise 0.3) for the runs of moons_split(.., seed): drawn from another
    random stream than its 400, so no run trains on them, stops on them or is tuned on them: a test
    set. Returns (X_test, y_test)."""
    n = check_int(n, "n", low=4)
    seed = check_int(seed, "seed", low=0)
    return data.make_dataset("moons", n=n, noise=0.3, seed=np.random.default_rng([seed, 1]))


def _train_overfit(X, y, X_val, y_val, hidden, l2, dropout, early_stopping, augment, epochs, seed,
                   weight_decay=0.0, patience=20, jitter=0.4):
    X_fit, y_fit = data.jitter(X, y, copies=5, sigma=jitter, seed=seed) if augment else (X, y)
    model = MLP([2, hidden, hidden, 1], "relu", "sigmoid", "binary_crossentropy", l2=l2, dropout=dropout, seed=seed)
    curves = DataLoss(X, y, X_val, y_val)
    callbacks = [curves] + ([EarlyStopping("val_loss", patience=patience)] if early_stopping else [])
    callbacks += _progress_callbacks(epochs, curves=curves)  # last: after curves has logged the epoch
    optimizer = {"optimizer": "adamw", "weight_decay": weight_decay} if weight_decay else {"optimizer": "adam"}
    with _one_blas_thread():
        history = fit(model, X_fit, y_fit, learning_rate=0.01, epochs=epochs, batch_size=None,
                      validation_data=(X_val, y_val), callbacks=callbacks, seed=seed, verbose=0, **optimizer)
    history.history["data_loss"], history.history["val_data_loss"] = curves.train, curves.val
    return model, history


@lru_cache(maxsize=256)
def _overfit_run(n_train, hidden, l2, dropout, early_stopping, augment, epochs, seed, data_seed, weight_decay,
                 patience=20, jitter=0.4):
    split = moons_split(n_train, data_seed)
    model, history = _train_overfit(*split, hidden, l2, dropout, early_stopping, augment, epochs, seed, weight_decay,
                                    patience, jitter)
    return model, history, split


def overfit_run(n_train: int = 60, hidden: int = 64, l2: float = 0.0, dropout: float = 0.0,
                early_stopping: bool = False, augment: bool = False, epochs: int = 150, seed: int = 0,
                data_seed: int | None = None, weight_decay: float = 0.0, progress=None, patience: int = 20,
                jitter: float = 0.4):
    """Train a 2-hidden-hidden-1 ReLU MLP (Adam 0.01, full batch) on moons_split(n_train, data_seed).

    seed draws the initial weights (and dropout masks, jitter); data_seed the points (default: seed).
    l2 and dropout regularise every layer; weight_decay > 0 trains with AdamW (decoupled decay)
    instead of Adam; early_stopping stops when the validation loss has not improved for `patience`
    epochs and restores the best weights; augment trains on the points plus 5 jittered copies
    (Gaussian noise of standard deviation `jitter` added to both coordinates).
    Returns (model, history, (X, y, X_val, y_val)); history also has 'data_loss' and
    'val_data_loss', the losses without the L2 term. Runs are cached per process (an explorer that
    returns to a setting answers at once); each call returns a fresh copy. progress: None, or a
    function called after every epoch of a run that is not cached yet, as
    progress(epoch, epochs, model, history, curves=DataLoss) (an explorer's widget draws from it)."""
    seed = check_int(seed, "seed", low=0)
    data_seed = seed if data_seed is None else check_int(data_seed, "data_seed", low=0)
    key = (check_int(n_train, "n_train", low=1, high=200), check_int(hidden, "hidden", low=1),
           float(l2), float(dropout), bool(early_stopping), bool(augment), check_int(epochs, "epochs", low=1),
           seed, data_seed, float(check_positive(weight_decay, "weight_decay", allow_zero=True)),
           check_int(patience, "patience", low=1), float(check_positive(jitter, "jitter", allow_zero=True)))
    with _reporting(progress):
        return copy.deepcopy(_overfit_run(*key))


def overfit_scores(model, X, y, X_val, y_val) -> dict:
    """The model as it is now (after early stopping: its restored best weights), scored on its
    training and validation points: 'train_loss' and 'val_loss' (cross-entropy without the L2
    term), 'gap' = val_loss - train_loss, 'val_accuracy'."""
    train_loss = model.evaluate(X, y, include_penalty=False)
    val_loss = model.evaluate(X_val, y_val, include_penalty=False)
    return {"train_loss": train_loss, "val_loss": val_loss, "gap": val_loss - train_loss,
            "val_accuracy": accuracy(model, X_val, y_val)}


def kfold(n: int, k: int = 5, seed: int = 0):
    """k-fold cross-validation indices for n samples: a list of k (train_idx, val_idx) pairs; the
    val_idx parts are disjoint, cover every sample once, and differ in size by at most one."""
    n = check_int(n, "n", low=2)
    k = check_int(k, "k", low=2, high=n)
    order = np.random.default_rng(check_int(seed, "seed", low=0)).permutation(n)
    folds = np.array_split(order, k)
    return [(np.concatenate(folds[:i] + folds[i + 1:]), folds[i]) for i in range(k)]


def cross_validate(l2_values=(0.0, 0.003, 0.03), k: int = 5, n_train: int = 60, hidden: int = 64,
                   epochs: int = 150, seed: int = 0) -> dict:
    """k-fold cross-validation of the L2 strength on the n_train training points of
    moons_split(n_train, seed) alone: for each l2, k networks each trained on k - 1 folds and
    scored on the held-out fold. Returns {'loss': (len(l2_values), k), 'accuracy': (len, k)}
    arrays of held-out cross-entropy (without the L2 term) and accuracy."""
    X, y, _, _ = moons_split(n_train, seed)
    loss, acc = np.zeros((len(l2_values), k)), np.zeros((len(l2_values), k))
    for i, l2 in enumerate(l2_values):
        for j, (tr, va) in enumerate(kfold(len(X), k, seed)):
            model, _ = _train_overfit(X[tr], y[tr], X[va], y[va], hidden, float(l2), 0.0, False, False, epochs, seed)
            loss[i, j] = model.evaluate(X[va], y[va], include_penalty=False)
            acc[i, j] = accuracy(model, X[va], y[va])
    return {"loss": loss, "accuracy": acc}


# --- lessons 09 and 12: handwritten digits ------------------------------------------------------
def accuracy_interval(accuracy: float, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for an accuracy measured on n independent test images: the range of
    true accuracies that would make this measurement unsurprising (at `confidence`). With n = 360
    and 0.98, about (0.96, 0.99): the third digit of a test accuracy is noise."""
    n = check_int(n, "n", low=1)
    p = check_fraction(accuracy, "accuracy", upper_inclusive=True)
    confidence = check_fraction(confidence, "confidence")
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


@lru_cache(maxsize=64)
def _train_digits(hidden, learning_rate, epochs, seed, split_seed):
    X_train, X_val, _, y_train, y_val, _ = _digits_split(split_seed)
    model = MLP([64, hidden, 10], "relu", "softmax", "categorical_crossentropy", seed=seed)
    with _one_blas_thread():
        history = fit(model, X_train, data.one_hot(y_train, 10), "adam", learning_rate=learning_rate, epochs=epochs,
                      batch_size=32, validation_data=(X_val, data.one_hot(y_val, 10)), seed=seed, verbose=0,
                      callbacks=_progress_callbacks(epochs))
    return model, history


def train_digits(hidden: int = 64, learning_rate: float = 1e-3, epochs: int = 20, seed: int = 0,
                 split_seed: int = 0, progress=None):
    """A 64-hidden-10 ReLU/softmax MLP trained with Adam, batches of 32, on digits_split(split_seed)'s
    training part, validated on its validation part; seed draws the initial weights and the batch
    order. Returns (model, history); a diverging learning rate ends in history.diverged with the
    last good weights. Cached per process (fresh copies): a setting seen before answers at once.
    progress: None, or a function called after every epoch of a run not cached yet, as
    progress(epoch, epochs, model, history)."""
    key = (check_int(hidden, "hidden", low=1), float(check_positive(learning_rate, "learning_rate")),
           check_int(epochs, "epochs", low=1), check_int(seed, "seed", low=0),
           check_int(split_seed, "split_seed", low=0))
    with _reporting(progress):
        return copy.deepcopy(_train_digits(*key))


@lru_cache(maxsize=2)
def _digits_model(seed):
    X_train, X_test, y_train, y_test = data.load_digits(seed=seed)
    model = MLP([64, 64, 10], "relu", "softmax", "categorical_crossentropy", seed=seed)
    fit(model, X_train, data.one_hot(y_train, 10), "adam", learning_rate=1e-3, epochs=60, verbose=0)
    return model, X_test, y_test


def digits_model(seed: int = 0):
    """The lesson-09 MLP (64-64-10, ReLU, softmax) trained 60 epochs with Adam 1e-3 on
    data.load_digits(seed=seed)'s 1,437 training images. Returns (model, X_test, y_test): a fresh
    copy each call (trained once per process, about a second)."""
    return copy.deepcopy(_digits_model(seed))


# --- lesson 13: small data, small models --------------------------------------------------------
@lru_cache(maxsize=2)
def _digits_teacher(seed):
    X_train, X_test, y_train, y_test = data.load_digits(seed=seed)
    teacher = MLP([64, 256, 10], "relu", "softmax", "categorical_crossentropy", seed=seed)
    with _one_blas_thread():
        fit(teacher, X_train, data.one_hot(y_train, 10), "adam", learning_rate=1e-3, epochs=40, verbose=0)
    return teacher, X_train, X_test, data.one_hot(y_train, 10), data.one_hot(y_test, 10)


def digits_teacher(seed: int = 0):
    """A large 64-256-10 teacher trained 40 epochs (Adam 1e-3) on all 1,437 training digits.
    Returns (teacher, X_train, X_test, Y_train, Y_test) with one-hot Y: a fresh copy each call
    (trained once per process)."""
    return copy.deepcopy(_digits_teacher(seed))


def student(hidden: int = 16, T: float | None = None, seed: int = 1):
    """A small 64-hidden-10 ReLU student. Without T it ends in softmax (trained on hard labels);
    with a temperature T it ends in logits / T and the loss takes logits, for learning the soft
    targets softmax(z_teacher / T)."""
    if T is None:
        return MLP([64, hidden, 10], "relu", "softmax", "categorical_crossentropy", seed=seed)
    logits = MLP([64, hidden, 10], "relu", "linear", seed=seed)  # the same initial weights as without T
    return Sequential([*logits.layers, Temperature(T)], loss="categorical_crossentropy_from_logits")


TEACHERS = ("all labels", "same labels", "same + unlabelled")


def distill(fraction: float = 0.07, temperature: float = 4.0, hidden: int = 16, seed: int = 0,
            student_seed: int | None = None, progress=None, teacher: str = "all labels") -> dict:
    """Knowledge distillation on a `fraction` of the training digits (at least 10 images).

    Two identical students (`student(hidden)`) learn from the same n images, one from their hard
    labels, one from a teacher's soft targets at `temperature`. The teacher (TEACHERS) is either
    'all labels': digits_teacher(seed), trained on all 1,437 training labels (the student then gets,
    through the teacher, labels the hard-label student never sees); 'same labels': a 64-256-10 MLP
    trained on the student's n labels only; or 'same + unlabelled': that teacher, whose soft
    targets the student learns on all 1,437 training images (the other ones without their labels).
    Adam at DISTILLATION_SETTINGS' rates (chosen on validation digits for 100 labels), about 15,000
    image presentations for each (20 to 150 epochs of the n images; the same count of presentations
    on the 1,437). student_seed (default: seed) draws the images and the initial weights, so that
    one teacher can be distilled over several seeds. Returns a dict: n_train, epochs, the test
    accuracies 'teacher', 'hard' and 'soft', and 'teacher_labels' (how many labels the teacher was
    trained on); computed once per process for each setting (the runs are deterministic). progress:
    None, or a function called after every epoch of each network's training in a setting not cached
    yet, as progress(epoch, epochs, model, history, student="hard", "teacher" or "soft", X_test=,
    Y_test=, n_train=), for the teacher and the soft student also hard= (the hard-label student's
    accuracy), and for the soft student teacher= and teacher_labels= (its teacher's accuracy and labels)."""
    fraction = check_fraction(fraction, "fraction", upper_inclusive=True)
    temperature = check_positive(temperature, "temperature")
    seed = check_int(seed, "seed", low=0)
    student_seed = seed if student_seed is None else check_int(student_seed, "student_seed", low=0)
    if teacher not in TEACHERS:
        raise ValueError(f"teacher must be one of {', '.join(map(repr, TEACHERS))}; got {teacher!r}.")
    with _reporting(progress):
        return dict(_distill(float(fraction), float(temperature), check_int(hidden, "hidden", low=1), seed,
                             student_seed, teacher))


@lru_cache(maxsize=64)
def _distill(fraction, temperature, hidden, seed, student_seed, teacher="all labels"):
    big, X_train, X_test, Y_train, Y_test = digits_teacher(seed)
    n, idx, epochs = _student_data(fraction, len(X_train), student_seed)
    hard_accuracy = _hard_student(fraction, hidden, seed, student_seed)  # the same at every temperature
    extra = {"X_test": X_test, "Y_test": Y_test, "n_train": n, "hard": hard_accuracy}
    if teacher == "all labels":
        model, teacher_labels = big, len(X_train)
    else:
        model, teacher_labels = _same_label_teacher(fraction, seed, student_seed, hard_accuracy), n
    X_soft, soft_epochs = X_train[idx], epochs
    if teacher == "same + unlabelled":  # as many presentations, spread over all the images
        X_soft, soft_epochs = X_train, max(1, int(round(epochs * n / len(X_train))))
    rate = DISTILLATION_SETTINGS["soft + unlabelled" if teacher == "same + unlabelled" else "soft"]
    teacher_accuracy = accuracy(model, X_test, Y_test)
    soft = student(hidden, T=temperature, seed=student_seed + 1)
    with _one_blas_thread():
        fit(soft, X_soft, soft_targets(model, X_soft, temperature), "adam", learning_rate=rate["learning_rate"],
            epochs=soft_epochs, verbose=0,
            callbacks=_progress_callbacks(soft_epochs, student="soft", teacher=teacher_accuracy,
                                          teacher_labels=teacher_labels, **extra))
    return {"n_train": n, "epochs": epochs, "teacher": teacher_accuracy, "teacher_labels": teacher_labels,
            "hard": hard_accuracy, "soft": accuracy(soft, X_test, Y_test)}


@lru_cache(maxsize=16)
def _same_label_teacher(fraction, seed, student_seed, hard):
    """A 64-256-10 teacher trained on the student's images and labels only (distill's 'same labels');
    `hard` (the hard-label student's accuracy) is only passed on to the progress reports."""
    _, X_train, X_test, Y_train, Y_test = digits_teacher(seed)
    n, idx, epochs = _student_data(fraction, len(X_train), student_seed)
    model = MLP([64, 256, 10], "relu", "softmax", "categorical_crossentropy", seed=student_seed + 1)
    with _one_blas_thread():
        fit(model, X_train[idx], Y_train[idx], "adam", learning_rate=DISTILLATION_SETTINGS["teacher"]["learning_rate"],
            epochs=epochs, verbose=0, seed=student_seed,
            callbacks=_progress_callbacks(epochs, student="teacher", X_test=X_test, Y_test=Y_test, n_train=n, hard=hard))
    return model


def _student_data(fraction, n_all, student_seed):
    """(n, the indices of the n training images, epochs) of a student trained on `fraction`."""
    n = max(10, int(fraction * n_all))
    idx = np.random.default_rng(student_seed).permutation(n_all)[:n]
    epochs = int(min(150, max(20, 15_000 // n)))  # about the same number of updates for any fraction
    return n, idx, epochs


@lru_cache(maxsize=64)
def _hard_student(fraction, hidden, seed, student_seed):
    """Test accuracy of the student trained on the hard labels (distill's baseline)."""
    _, X_train, X_test, Y_train, Y_test = digits_teacher(seed)
    n, idx, epochs = _student_data(fraction, len(X_train), student_seed)
    hard = student(hidden, seed=student_seed + 1)
    with _one_blas_thread():
        fit(hard, X_train[idx], Y_train[idx], "adam", learning_rate=DISTILLATION_SETTINGS["hard"]["learning_rate"],
            epochs=epochs, verbose=0,
            callbacks=_progress_callbacks(epochs, student="hard", X_test=X_test, Y_test=Y_test, n_train=n))
    return accuracy(hard, X_test, Y_test)


def compressed_accuracy(model, X, Y, sparsity: float = 0.0, bits: int = 32):
    """(accuracy, bytes) of a copy of `model` pruned to `sparsity` and, below 32 bits, quantised
    to `bits`; `model` itself is left unchanged. The bytes are core.compress.storage_bytes: what
    rebuilds the model (the positions of the non-zero weights included)."""
    from .core.compress import storage_bytes  # noqa: PLC0415

    m = prune(copy.deepcopy(model), sparsity)
    if bits < 32:
        quantize(m, bits)
    return accuracy(m, X, Y), storage_bytes(m, bits)


def augmentation_trial(kind: str = "none", n_train: int = 100, seed: int = 0, presentations: int = 15_000):
    """Lesson 13's augmentation test: a 64-64-10 ReLU MLP (Adam 3e-3, batches of 20) trained on
    n_train training digits drawn with `seed`, 'none' as they are, 'shifts' plus their four 1-pixel
    shifts, or 'noise' plus four copies with pixel noise (sigma 0.1): 5x the images. Every kind sees
    the same number of images (`presentations`), so the same number of updates. Returns the
    accuracy on data.load_digits()'s 360 test digits."""
    kind = str(kind)
    if kind not in ("none", "shifts", "noise"):
        raise ValueError(f"kind must be 'none', 'shifts' or 'noise', got {kind!r}.")
    n_train = check_int(n_train, "n_train", low=10, high=1437)
    seed = check_int(seed, "seed", low=0)
    X_train, X_test, y_train, y_test = data.load_digits()
    idx = np.random.default_rng(seed).permutation(len(X_train))[:n_train]
    X, y = X_train[idx], y_train[idx]
    if kind == "shifts":
        X, y = data.augment_shifts(X, y)
    elif kind == "noise":
        X, y = data.jitter(X, y, copies=4, sigma=0.1, seed=seed)
    model = MLP([64, 64, 10], "relu", "softmax", "categorical_crossentropy", seed=seed)
    epochs = max(1, presentations // len(X))
    with _one_blas_thread():
        fit(model, X, data.one_hot(y, 10), "adam", learning_rate=3e-3, epochs=epochs, batch_size=20, seed=seed,
            verbose=0)
    return accuracy(model, X_test, data.one_hot(y_test, 10))


__all__ += ["augmentation_trial"]


# Lesson 13, second edition: augmentation that copies a variation the test digits have, and
# distillation with the credit isolated (each student's settings chosen on validation digits).
def _canvas_test(pad: int = 2):
    """data.load_digits()'s 360 test digits on the canvas, centred and moved as in lesson 11."""
    _, X_test, _, y_test = data.load_digits()
    centred = digits_on_canvas(X_test, pad=pad).reshape(len(X_test), -1)
    moved = digits_on_canvas(X_test, pad=pad, shifts=random_shifts(len(X_test), low=1, high=2, seed=0))
    return centred, moved.reshape(len(X_test), -1), y_test


def shift_augmentation_trial(augment: bool = False, n_train: int = 100, seed: int = 0, learning_rate: float = 3e-3,
                             copies: int = 4, presentations: int = 15_000) -> dict:
    """Lesson 13's augmentation where the test digits really vary: n_train training digits (drawn with
    `seed` from data.load_digits()'s 1,437) on lesson 11's 12x12 canvas (digits_on_canvas, pad 2),
    and with `augment` also `copies` copies of each moved by 1 or 2 pixels in a random direction
    (random_shifts, drawn from another random stream than the test moves: the same KIND of move,
    never the test digits' own). A 144-64-10 ReLU MLP (initial weights from `seed`, Adam at
    `learning_rate`, batches of 20) sees `presentations` images either way, so the same number of
    updates. Returns {"centred": ..., "moved": ...}: one boolean per test digit (True where the
    prediction is right) on the 360 test digits centred on the canvas and moved as in lesson 11
    (random_shifts(360, 1, 2, seed=0)): the same test items for every run, for paired comparisons."""
    if not isinstance(augment, (bool, np.bool_)):
        raise TypeError(f"augment must be True or False, got {augment!r}.")
    n_train = check_int(n_train, "n_train", low=10, high=1437)
    seed = check_int(seed, "seed", low=0)
    learning_rate = float(check_positive(learning_rate, "learning_rate"))
    copies = check_int(copies, "copies", low=1)
    presentations = check_int(presentations, "presentations", low=1)
    return {k: v.copy() for k, v in
            _shift_augmentation_trial(bool(augment), n_train, seed, learning_rate, copies, presentations).items()}


@lru_cache(maxsize=64)
def _shift_augmentation_trial(augment, n_train, seed, learning_rate, copies, presentations):
    X_train, _, y_train, _ = data.load_digits()
    idx = np.random.default_rng(seed).permutation(len(X_train))[:n_train]
    X, y = X_train[idx], y_train[idx]
    images = [digits_on_canvas(X, pad=2)]
    if augment:  # the moves' stream: (seed, 1), never random_shifts(.., seed=0) of the test digits
        rng = np.random.default_rng([seed, 1])
        images += [digits_on_canvas(X, pad=2, shifts=random_shifts(n_train, 1, 2, seed=int(rng.integers(2**31))))
                   for _ in range(copies)]
    C = np.concatenate(images).reshape(len(images) * n_train, -1)  # rows of 12 x 12 = 144 pixels
    labels = np.concatenate([y] * len(images))
    model = MLP([C.shape[1], 64, 10], "relu", "softmax", "categorical_crossentropy", seed=seed)
    with _one_blas_thread():
        fit(model, C, data.one_hot(labels, 10), "adam", learning_rate=learning_rate,
            epochs=max(1, presentations // len(C)), batch_size=20, seed=seed, verbose=0)
    centred, moved, y_test = _canvas_test()
    return {"centred": model.predict(centred).argmax(axis=1) == y_test,
            "moved": model.predict(moved).argmax(axis=1) == y_test}


DISTILLATION_METHODS = {
    "hard": "the hard labels of its n labelled digits",
    "teacher": "(the teacher itself) a 64-256-10 MLP trained on the same n labels",
    "soft": "that teacher's soft targets on the same n digits",
    "soft + unlabelled": "that teacher's soft targets on the n digits and on the other pool digits, unlabelled",
    "soft from all-label teacher": "the soft targets, on the same n digits, of digits_teacher(), trained on all 1,437 labels",
    "hard, all labels": "the hard labels of all 1,437 training digits",
}
# Chosen on the 288 validation digits by distillation_search() (rates 0.003-0.1; T 2-16; seeds
# 0-4; the best mean validation accuracy): every method at its own best setting, none chosen on the test.
# The last two reuse the settings of 'hard' and 'soft': they are not tuned.
DISTILLATION_SETTINGS = {
    "hard": {"learning_rate": 1e-2},
    "teacher": {"learning_rate": 3e-3},
    "soft": {"learning_rate": 1e-2, "temperature": 8.0},
    "soft + unlabelled": {"learning_rate": 3e-2, "temperature": 4.0},
}
_TUNED = ("hard", "teacher", "soft", "soft + unlabelled")


def _distillation_data():
    """digits_split(0): the pool of 1,149 training digits, 288 validation digits, 360 test digits."""
    X_pool, X_val, X_test, y_pool, y_val, y_test = _digits_split(0)
    return X_pool, data.one_hot(y_pool, 10), X_val, y_val, X_test, y_test


def _epochs(presentations, n):
    return max(1, int(round(presentations / n)))


@lru_cache(maxsize=32)
def _label_teacher(seed, n_labelled, learning_rate, presentations):
    """A 64-256-10 teacher trained on the n_labelled pool digits of `seed` (the student's labels only)."""
    X_pool, Y_pool, *_ = _distillation_data()
    labelled = np.random.default_rng(seed).permutation(len(X_pool))[:n_labelled]
    teacher = MLP([64, 256, 10], "relu", "softmax", "categorical_crossentropy", seed=seed + 1)
    with _one_blas_thread():
        fit(teacher, X_pool[labelled], Y_pool[labelled], "adam", learning_rate=learning_rate,
            epochs=_epochs(presentations, n_labelled), seed=seed, verbose=0)
    return teacher


@lru_cache(maxsize=256)
def _distillation_run(method, seed, learning_rate, temperature, n_labelled, hidden, presentations):
    X_pool, Y_pool, X_val, y_val, X_test, y_test = _distillation_data()
    labelled = np.random.default_rng(seed).permutation(len(X_pool))[:n_labelled]
    teacher_rate = DISTILLATION_SETTINGS["teacher"]["learning_rate"]
    if method == "teacher":
        model = _label_teacher(seed, n_labelled, learning_rate, presentations)
    else:
        if method in ("hard", "hard, all labels"):
            X, Y = X_pool[labelled], Y_pool[labelled]
            if method == "hard, all labels":
                X_all, _, y_all, _ = data.load_digits()
                X, Y = X_all, data.one_hot(y_all, 10)
            model = student(hidden, seed=seed + 1)
        else:
            teacher = (digits_teacher()[0] if method == "soft from all-label teacher"
                       else _label_teacher(seed, n_labelled, teacher_rate, presentations))
            X = X_pool if method == "soft + unlabelled" else X_pool[labelled]
            Y = soft_targets(teacher, X, temperature)
            model = student(hidden, T=temperature, seed=seed + 1)
        with _one_blas_thread():
            fit(model, X, Y, "adam", learning_rate=learning_rate, epochs=_epochs(presentations, len(X)), seed=seed,
                verbose=0)
    return (model.predict(X_val).argmax(axis=1) == y_val, model.predict(X_test).argmax(axis=1) == y_test)


def distillation_trial(method: str, seed: int = 0, learning_rate: float | None = None,
                       temperature: float | None = None, n_labelled: int = 100, hidden: int = 16,
                       presentations: int = 15_000, validation: bool = False) -> np.ndarray:
    """Lesson 13's distillation with the credit isolated: what a 64-`hidden`-10 student (student(),
    initial weights seed + 1) learns from what `method` grants it (DISTILLATION_METHODS):
        'hard'                     the hard labels of n_labelled pool digits (drawn by seed)
        'teacher'                  not a student: the 64-256-10 teacher trained on those same labels
        'soft'                     that teacher's soft targets softmax(z / T) on the same digits
        'soft + unlabelled'          its soft targets on the whole pool of 1,149: the n_labelled digits and
                                   the others without their labels
        'soft from all-label teacher'  soft targets on the same digits from digits_teacher(), which was
                                   trained on all 1,437 training labels (the first edition's distillation)
        'hard, all labels'         the hard labels of all 1,437 training digits
    The pool, the 288 validation and 360 test digits are digits_split(0)'s (its test digits are
    digits_teacher()'s). Every run: Adam, batches of 32, about `presentations` images (the same number
    of updates). learning_rate / temperature None: DISTILLATION_SETTINGS (chosen on the validation
    digits; the last two methods reuse 'hard' and 'soft'). Returns one boolean per test digit, True
    where the prediction is right (per validation digit with validation=True); cached per process."""
    if method not in DISTILLATION_METHODS:
        raise ValueError(f"method must be one of {', '.join(map(repr, DISTILLATION_METHODS))}; got {method!r}.")
    seed = check_int(seed, "seed", low=0)
    n_labelled = check_int(n_labelled, "n_labelled", low=10, high=1149)
    hidden = check_int(hidden, "hidden", low=1)
    presentations = check_int(presentations, "presentations", low=1)
    settings = DISTILLATION_SETTINGS[{"hard, all labels": "hard", "soft from all-label teacher": "soft"}.get(method, method)]
    learning_rate = float(check_positive(settings["learning_rate"] if learning_rate is None else learning_rate,
                                         "learning_rate"))
    if "temperature" in settings:
        temperature = float(check_positive(settings["temperature"] if temperature is None else temperature,
                                           "temperature"))
    elif temperature is not None:
        raise ValueError(f"method {method!r} has no temperature: it learns from labels, not soft targets.")
    val, test = _distillation_run(method, seed, learning_rate, temperature, n_labelled, hidden, presentations)
    return (val if validation else test).copy()


def distillation_search(seeds=range(5), learning_rates=(3e-3, 1e-2, 3e-2, 1e-1), temperatures=(2.0, 4.0, 8.0, 16.0),
                        n_labelled: int = 100) -> dict:
    """Each tunable method's best setting ('hard', 'teacher', 'soft', 'soft + unlabelled'), by mean
    accuracy on the 288 validation digits over `seeds` (the test digits are never looked at): every
    learning rate for each, and every temperature for the soft students, which learn from the teacher
    at DISTILLATION_SETTINGS' rate. Returns {method: {"best": settings, "validation": {settings tuple:
    mean validation accuracy}}}; DISTILLATION_SETTINGS is its answer for the defaults (about a minute)."""
    seeds = [check_int(s, "seed", low=0) for s in seeds]
    result = {}
    for method in _TUNED:
        grid = [{"learning_rate": lr} for lr in learning_rates]
        if method.startswith("soft"):
            grid = [{"learning_rate": lr, "temperature": t} for lr in learning_rates for t in temperatures]
        scores = {tuple(g.values()): float(np.mean([distillation_trial(method, s, n_labelled=n_labelled,
                                                                        validation=True, **g).mean()
                                                     for s in seeds])) for g in grid}
        best = max(grid, key=lambda g: scores[tuple(g.values())])  # the first of equal scores
        result[method] = {"best": best, "validation": scores}
    return result


__all__ += ["TEACHERS", "shift_augmentation_trial", "DISTILLATION_METHODS", "DISTILLATION_SETTINGS", "distillation_trial",
            "distillation_search"]


@lru_cache(maxsize=1)
def _transfer_base():
    """Lesson 13's source network: a 64-64-5 ReLU MLP trained on the training digits 0-4."""
    X_train, _, y_train, _ = data.load_digits()
    low = y_train < 5
    base = MLP([64, 64, 5], "relu", "softmax", "categorical_crossentropy", seed=0)
    with _one_blas_thread():
        fit(base, X_train[low], data.one_hot(y_train[low], 5), "adam", learning_rate=1e-3, epochs=40, verbose=0)
    return base


def transfer_base():
    """The network transfer_trial starts from: 64-64-5 (ReLU, softmax), Adam 1e-3 for 40 epochs on
    data.load_digits()'s training digits 0-4. A fresh copy each call (trained once per process)."""
    return copy.deepcopy(_transfer_base())


TRANSFER_METHODS = ("scratch", "frozen", "fine-tuned")
# Chosen on validation digits by transfer_search() (rates 0.001-0.1, seeds 0-4, the best mean accuracy on
# the training digits 5-9 no run trained on): each network at its own best rate, none chosen on the test.
TRANSFER_SETTINGS = {"scratch": 3e-3, "frozen": 1e-1, "fine-tuned": 3e-3}


def _transfer_split(seed, per_digit):
    """The seed's few training digits 5-9 (per_digit of each) and the other training digits 5-9."""
    X_train, _, y_train, _ = data.load_digits()
    rng = np.random.default_rng(seed)
    few = np.concatenate([rng.choice(np.flatnonzero(y_train == d), per_digit, replace=False) for d in range(5, 10)])
    rest = np.setdiff1d(np.flatnonzero(y_train >= 5), few)
    return (X_train[few], data.one_hot(y_train[few] - 5, 5)), (X_train[rest], data.one_hot(y_train[rest] - 5, 5))


def transfer_models(seed: int = 0):
    """The three networks of transfer_trial before training: (scratch, frozen, fine-tuned). scratch has
    new random weights (seed + 1); frozen is transfer_base()'s hidden layer, frozen (trainable =
    False), with a new output layer (seed + 1); fine-tuned the same start with every layer trainable."""
    base = _transfer_base()
    scratch = MLP([64, 64, 5], "relu", "softmax", "categorical_crossentropy", seed=seed + 1)
    frozen = Sequential([copy.deepcopy(base.layers[0]), Dense(64, 5, "softmax", seed=seed + 1)],
                        loss="categorical_crossentropy")
    frozen.layers[0].trainable = False                                       # only the new head learns
    tuned = Sequential([copy.deepcopy(base.layers[0]), Dense(64, 5, "softmax", seed=seed + 1)],
                       loss="categorical_crossentropy")                      # starts from the 0-4 features
    return scratch, frozen, tuned


@lru_cache(maxsize=256)
def _transfer_run(method, seed, learning_rate, per_digit, epochs):
    (X_few, Y_few), (X_val, Y_val) = _transfer_split(seed, per_digit)
    _, X_test, _, y_test = data.load_digits()
    high = y_test >= 5
    model = transfer_models(seed)[TRANSFER_METHODS.index(method)]
    with _one_blas_thread():
        fit(model, X_few, Y_few, "adam", learning_rate=learning_rate, epochs=epochs, seed=seed, verbose=0)
    return accuracy(model, X_val, Y_val), accuracy(model, X_test[high], data.one_hot(y_test[high] - 5, 5))


def transfer_trial(seed: int = 0, learning_rates: dict | None = None, per_digit: int = 10, epochs: int = 100,
                   validation: bool = False) -> list:
    """Lesson 13's transfer test on the digits 5-9 with `per_digit` training images of each (drawn by
    `seed`): the three networks of transfer_models(seed), each trained `epochs` epochs with Adam
    (batches of 32) at its rate, learning_rates[method] (default TRANSFER_SETTINGS, chosen on
    validation digits). Returns [scratch, frozen, fine-tuned] accuracies on data.load_digits()'s test
    digits 5-9, or with validation=True on the other training digits 5-9 (none of them trained on)."""
    seed = check_int(seed, "seed", low=0)
    per_digit = check_int(per_digit, "per_digit", low=1, high=100)
    epochs = check_int(epochs, "epochs", low=1)
    rates = dict(TRANSFER_SETTINGS, **(learning_rates or {}))
    if set(rates) != set(TRANSFER_METHODS):
        raise ValueError(f"learning_rates: give rates for {', '.join(TRANSFER_METHODS)}; got {sorted(rates)}.")
    return [_transfer_run(m, seed, float(check_positive(rates[m], "learning_rate")), per_digit, epochs)[0 if validation
                                                                                                     else 1]
            for m in TRANSFER_METHODS]


def transfer_search(seeds=range(5), learning_rates=(1e-3, 3e-3, 1e-2, 3e-2, 1e-1)) -> dict:
    """Each transfer network's best rate by mean validation accuracy over `seeds` (the test digits are
    never looked at): {method: {"best": rate, "validation": {rate: mean accuracy}}}. TRANSFER_SETTINGS
    is its answer for the defaults."""
    seeds = [check_int(s, "seed", low=0) for s in seeds]
    result = {}
    for j, method in enumerate(TRANSFER_METHODS):
        scores = {float(r): float(np.mean([transfer_trial(s, {method: r}, validation=True)[j] for s in seeds]))
                  for r in learning_rates}
        result[method] = {"best": max(scores, key=scores.get), "validation": scores}
    return result


__all__ += ["transfer_base", "transfer_models", "TRANSFER_METHODS", "TRANSFER_SETTINGS", "transfer_trial",
            "transfer_search"]


# --- lesson 11: one convolution by hand ----------------------------------------------------------
KERNELS = {
    "vertical edge": np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], dtype=float),   # Sobel
    "horizontal edge": np.array([[1, 2, 1], [0, 0, 0], [-1, -2, -1]], dtype=float),
    "blur": np.full((3, 3), 1 / 9),
    "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=float),
    "identity": np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], dtype=float),
}


def apply_kernel(image, kernel, strides: int = 1, padding: str = "same"):
    """Convolve one (h, w) image with one square (k, k) kernel using the from-scratch Conv2D
    (bias 0, no activation); returns the feature map (oh, ow)."""
    image = as_float_array(image, "image", ndim=2)
    kernel = as_float_array(kernel, "kernel", ndim=2)
    if kernel.shape[0] != kernel.shape[1]:
        raise ValueError(f"kernel must be square (k, k), got shape {kernel.shape}.")
    conv = Conv2D(1, 1, kernel.shape[0], strides=strides, padding=padding)
    conv.W[...] = kernel[:, :, None, None]
    return conv.forward(image[None, :, :, None])[0, :, :, 0]


def max_pool(feature_map, pool_size: int = 2):
    """Max-pooling of one (h, w) map with the from-scratch MaxPool2D: (h // pool_size, w // pool_size);
    None when the map is smaller than one pool."""
    feature_map = as_float_array(feature_map, "feature_map", ndim=2)
    pool_size = check_int(pool_size, "pool_size", low=1)
    if min(feature_map.shape) < pool_size:
        return None
    return MaxPool2D(pool_size).forward(feature_map[None, :, :, None])[0, :, :, 0]


def digits_on_canvas(X, pad: int = 2, shifts=None) -> np.ndarray:
    """Square digit images (rows of side*side pixels, e.g. (n, 64)) placed on a larger blank canvas
    of side + 2 * pad pixels, centred, or moved by shifts[i] = (dx, dy) pixels (right, down) with
    |dx|, |dy| <= pad so that no stroke leaves the canvas. Returns (n, side + 2 pad, side + 2 pad)."""
    X = as_float_array(X, "X", ndim=2)
    side = int(round(np.sqrt(X.shape[1])))
    if side * side != X.shape[1]:
        raise ValueError(f"X: rows of {X.shape[1]} pixels are not square images.")
    pad = check_int(pad, "pad", low=0)
    shifts = np.zeros((len(X), 2), dtype=int) if shifts is None else np.asarray(shifts)
    if shifts.shape != (len(X), 2) or not np.issubdtype(shifts.dtype, np.integer):
        raise ValueError(f"shifts must be integer pairs (dx, dy), shape ({len(X)}, 2), got shape {shifts.shape}.")
    if np.abs(shifts).max(initial=0) > pad:
        raise ValueError(f"shifts of up to {np.abs(shifts).max()} px leave a canvas with pad = {pad}: "
                         f"use |dx|, |dy| <= pad.")
    canvas = np.zeros((len(X), side + 2 * pad, side + 2 * pad))
    for i, (dx, dy) in enumerate(shifts):
        canvas[i, pad + dy:pad + dy + side, pad + dx:pad + dx + side] = X[i].reshape(side, side)
    return canvas


def random_shifts(n: int, low: int = 1, high: int = 2, seed: int = 0) -> np.ndarray:
    """n moves (dx, dy), each drawn uniformly from those with low <= max(|dx|, |dy|) <= high pixels
    (up, down, sideways and diagonal): (n, 2) integers."""
    n = check_int(n, "n", low=1)
    high = check_int(high, "high", low=1)
    low = check_int(low, "low", low=1, high=high)
    moves = np.array([(dx, dy) for dx in range(-high, high + 1) for dy in range(-high, high + 1)
                      if low <= max(abs(dx), abs(dy))])
    seed = check_int(seed, "seed", low=0)
    return moves[np.random.default_rng(seed).integers(len(moves), size=n)]


__all__ += ["digits_on_canvas", "random_shifts"]


# --- the digit drawer: lesson 09's MLP and lesson 11's CNN, kept between sessions -----------------
def _cnn_layers(seed: int) -> Sequential:
    """The digit drawer's CNN in the from-scratch engine (lesson 11's layers on the 8x8 digits, ending in
    Flatten + Dense instead of lesson 11's global max-pooling; lesson 12 explains it): conv 16 (3x3,
    same, ReLU), max-pool 2, conv 32 (3x3, same, ReLU), flatten, dense 10 softmax; input (n, 8, 8, 1)."""
    return Sequential([Conv2D(1, 16, 3, padding="same", activation="relu", seed=seed, name="conv1"),
                       MaxPool2D(2, name="pool"),
                       Conv2D(16, 32, 3, padding="same", activation="relu", seed=seed + 1, name="conv2"),
                       Flatten(name="flatten"),
                       Dense(4 * 4 * 32, 10, "softmax", seed=seed + 2, name="dense")],
                      loss="categorical_crossentropy")


def cache_path(name: str) -> Path:
    """Where trained weights are kept between sessions: $DLTEACH_CACHE, else ~/.cache/dlteach."""
    return Path(os.environ.get("DLTEACH_CACHE", Path.home() / ".cache" / "dlteach")) / f"{name}.npz"


# Weights that ship with the package (dlteach/weights/NAME.npz), made by the same training on one machine: a model
# that Keras trains can differ in its last bits from CPU to CPU, enough to move a number lesson 12 prints from
# 0.75 to 0.76; loaded, it is the same network everywhere. tests/test_draw.py trains it again and compares.
SHIPPED = Path(__file__).resolve().parent / "weights"


def load_or_train(model, name: str, train):
    """Set `model`'s weights from the package's shipped file SHIPPED/name.npz or cache_path(name), or call
    train(model) and store its weights in the cache; return model.

    `model` is anything with get_weights()/set_weights(): a dt.Sequential or a built Keras model. The name is the
    only key: a model trained by another recipe needs another name (a file of another architecture is
    not loaded: the model is trained again). Delete the cache's file to train again."""
    path = cache_path(name)
    for source in (SHIPPED / f"{name}.npz", path):
        try:
            with np.load(source) as f:
                model.set_weights([f[f"w{i}"] for i in range(len(f.files))])
            return model
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):  # none, or another architecture's
            pass
    train(model)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # written under a name of this process, then renamed: a process that reads it at the same
        # time (pytest -n 2) sees either no file or a whole one
        tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")
        np.savez(tmp, **{f"w{i}": w for i, w in enumerate(model.get_weights())})
        os.replace(tmp, path)
    except OSError:  # a read-only home: keep the model for this process only
        pass
    return model


def _train_cnn_with_keras(model: Sequential, epochs: int, seed: int):
    """The digit drawer CNN's training: the Keras twin of `model`, Keras's own fit (float32, Adam 2e-3,
    shuffled batches of 32); the trained weights are copied back into `model`."""
    from .keras_twin import keras_fit  # noqa: PLC0415 (TensorFlow only when the CNN must be trained)

    X_train, _, y_train, _ = data.load_digits(seed=seed)
    kmodel, _ = keras_fit(model, X_train.reshape(-1, 8, 8, 1), data.one_hot(y_train, 10), "adam", epochs=epochs,
                          batch_size=32, shuffle=True, seed=seed, dtype="float32", learning_rate=2e-3)
    model.set_weights([np.asarray(w, dtype=np.float64) for w in kmodel.get_weights()])


@lru_cache(maxsize=2)
def _digits_cnn(epochs: int, seed: int):
    return load_or_train(_cnn_layers(seed), f"digits_cnn_v1_e{epochs}_s{seed}",
                          lambda m: _train_cnn_with_keras(m, epochs, seed))


def digits_cnn(epochs: int = 15, seed: int = 0) -> Sequential:
    """The digit drawer's CNN (see _cnn_layers: lesson 11's layers ending in Flatten + Dense, the CNN
    lesson 12 explains) trained with Keras (Adam 2e-3, batch 32, `epochs` epochs) on
    data.load_digits(seed=seed)'s training images, returned as the same network in the
    from-scratch engine (input (n, 8, 8, 1)), so that it predicts and explains itself without
    TensorFlow. Trained once (10-30 s with the TensorFlow import), then loaded from
    cache_path(); a fresh copy each call."""
    return copy.deepcopy(_digits_cnn(int(epochs), int(seed)))


@lru_cache(maxsize=2)
def _digits_mlp(seed: int):
    def train(model):
        model.set_weights(digits_model(seed)[0].get_weights())

    return load_or_train(MLP([64, 64, 10], "relu", "softmax", "categorical_crossentropy", seed=seed),
                          f"digits_mlp_s{seed}", train)


def digits_mlp(seed: int = 0) -> Sequential:
    """Lesson 09's MLP, dlteach.experiments.digits_model(seed)'s weights, kept in cache_path() so
    that later sessions start in well under a second; a fresh copy each call."""
    return copy.deepcopy(_digits_mlp(int(seed)))


# --- lesson 05: a fair race between optimizers (run in core.surfaces, beside descend) -------------
from .core.surfaces import (OptimizerRace, descend_many, optimizer_race, race_score,  # noqa: E402
                            race_settings, race_starts)

__all__ += ["optimizer_race", "OptimizerRace", "race_settings", "race_starts", "race_score", "descend_many"]

# --- lesson 15: sequences and recurrent networks (their runs live in dlteach/sequences.py) ---------------
from .sequences import (LEARNING_RATES, MEMORY_CELLS, MEMORY_SYMBOLS, TUNING_SEED, MemoryRun,  # noqa: E402
                        char_model, char_vocabulary, char_windows, choose_learning_rate, decode, encode,
                        generate, known_word_fraction, marked_symbol_data, memory_accuracy, memory_model,
                        memory_run, memory_test, state_gradients, zen_text)

__all__ += ["marked_symbol_data", "memory_model", "memory_run", "MemoryRun", "memory_accuracy", "memory_test",
            "choose_learning_rate", "TUNING_SEED", "LEARNING_RATES", "MEMORY_CELLS", "MEMORY_SYMBOLS",
            "state_gradients", "zen_text", "char_vocabulary", "encode", "decode", "char_windows", "char_model",
            "generate", "known_word_fraction"]


# --- lesson 14: deep MLPs with batch normalisation and residual connections (in dlteach.deepnets) --
from .deepnets import DEEP_VARIANTS, deep_mlp, deep_run, deep_scores, deep_search, gradient_norms  # noqa: E402

__all__ += ["DEEP_VARIANTS", "deep_mlp", "gradient_norms", "deep_run", "deep_scores", "deep_search"]

# --- lesson 16: attention and the transformer (in dlteach.attention_runs) ----------------------------------
from .attention_runs import (REVERSE_LENGTH, REVERSE_SETTINGS, REVERSE_SYMBOLS, SEP,  # noqa: E402
                             answer_accuracy, answer_correct, attend, format_sequence, reverse_data,
                             position_loss, reverse_model, reverse_split, reverse_test, score_statistics)

__all__ += ["REVERSE_SYMBOLS", "REVERSE_LENGTH", "SEP", "REVERSE_SETTINGS", "reverse_data", "reverse_split",
            "reverse_test", "reverse_model", "answer_accuracy", "answer_correct", "attend", "score_statistics",
            "format_sequence", "position_loss"]

# --- lesson 17: autoencoders and VAEs of the digits (in dlteach.generative) -----------------------------------
from .generative import (VAE_BETAS, ae_run, autoencoder, autoencoder_scores, decode_codes,  # noqa: E402
                         encode_images, interpolate_codes, nearest_distance, reconstruction_error, vae_run)

__all__ += ["VAE_BETAS", "autoencoder", "ae_run", "vae_run", "encode_images", "decode_codes", "reconstruction_error",
            "autoencoder_scores", "nearest_distance", "interpolate_codes"]
