"""Lesson 14's experiments: deep, narrow MLPs on the 8x8 digits, plain or with batch normalisation,
residual connections or both (re-exported by dlteach.experiments; no drawing here).

Every variant has the same Dense layers and differs only in what surrounds them. The network is a
first Dense (64 pixels -> width units), then depth - 1 units, then the output, where a unit is
(f the activation, BN a BatchNormalization):
    plain       h <- f(h) W + b
    batch norm  h <- f(BN(h)) W + b
    residual    h <- h + f(h) W + b                  (a Residual block around the unit)
    both        h <- h + f(BN(h)) W + b
and the output is softmax(f(h) W + b), with BN before f in the batch-norm variants. Read as a chain,
plain is the usual MLP (Dense, f, Dense, f, ..., Dense) with depth hidden layers, and batch norm puts
BN between each Dense and its f. The residual blocks are "pre-activation" blocks (He et al. 2016,
"Identity mappings"; Transformers' pre-LN blocks have the same shape): the skip path carries h
untouched from block to block and each block adds a Dense's output, which has mean about 0.

    model, history = deep_run("both", depth=20, learning_rate=0.01)
    history["grad_norms"][0]      # ||dL/dW|| of each Dense layer at initialisation, first to last
"""
from __future__ import annotations

import copy
from functools import lru_cache

import numpy as np

from . import data
from .core import (ActivationLayer, BatchNormalization, Callback, Dense, Residual, Sequential, fit,
                   get_optimizer)
from .core._checks import check_fraction, check_int, check_positive
from .runs import _PROGRESS, _one_blas_thread, _progress_callbacks, _reporting, digits_split

__all__ = ["DEEP_VARIANTS", "deep_mlp", "gradient_norms", "deep_run", "deep_scores", "deep_search"]

DEEP_VARIANTS = ("plain", "batch norm", "residual", "both")
ACTIVATIONS = ("sigmoid", "tanh", "relu")
GRADIENT_BATCH = 256  # training images the gradient norms are measured on (the first ones of the split)


def _variant(variant) -> str:
    if variant not in DEEP_VARIANTS:
        raise ValueError(f"Unknown variant {variant!r}. Valid: {', '.join(map(repr, DEEP_VARIANTS))}.")
    return variant


def _activation(activation) -> str:
    if activation not in ACTIVATIONS:
        raise ValueError(f"Unknown activation {activation!r}. Valid: {', '.join(map(repr, ACTIVATIONS))}.")
    return activation


def _initialiser(activation: str) -> str:
    """Lesson 08's choice: He for ReLU, Glorot (Keras's default) for sigmoid and tanh."""
    return "he_normal" if activation == "relu" else "glorot_uniform"


def deep_mlp(variant: str = "plain", depth: int = 20, width: int = 16, activation: str = "sigmoid",
             seed: int = 0, momentum: float = 0.9) -> Sequential:
    """A 64 -> width x depth -> 10 softmax classifier of the 8x8 digits (module docstring: the four
    variants). Weights: He normal for ReLU, Glorot uniform (Keras's default) for sigmoid and tanh,
    drawn from `seed`. momentum: the BatchNormalization layers' (Keras's default is 0.99; see the
    lesson's pitfalls for why a short run uses 0.9)."""
    variant, activation = _variant(variant), _activation(activation)
    depth = check_int(depth, "depth", low=1)
    width = check_int(width, "width", low=1)
    seed = check_int(seed, "seed", low=0)
    momentum = check_fraction(momentum, "momentum")
    rng, init = np.random.default_rng(seed), _initialiser(activation)
    bn = variant in ("batch norm", "both")

    def unit(i, output=False):
        """[BN ->] f -> Dense: the unit that ends in Dense number i (the softmax output: Glorot, Keras's default)."""
        front = [BatchNormalization(width, momentum=momentum, name=f"bn_{i - 1}")] if bn else []
        dense = (Dense(width, 10, "softmax", seed=rng, name="output") if output else
                 Dense(width, width, init=init, seed=rng, name=f"dense_{i}"))
        return front + [ActivationLayer(activation, name=f"{activation}_{i - 1}"), dense]

    layers = [Dense(64, width, init=init, seed=rng, name="dense_1")]
    for i in range(2, depth + 1):
        layers += [Residual(unit(i), name=f"block_{i}")] if variant in ("residual", "both") else unit(i)
    layers += unit(depth + 1, output=True)
    return Sequential(layers, loss="categorical_crossentropy")


def _dense_layers(model) -> list:
    """The model's Dense layers from input to output, those inside residual blocks included."""
    found = []
    for layer in model.layers:
        inner = layer.layers if isinstance(layer, Residual) else [layer]
        found += [sub for sub in inner if isinstance(sub, Dense)]
    return found


def gradient_norms(model, X, Y) -> np.ndarray:
    """||dL/dW|| of each Dense layer of `model` (first hidden to output) on the batch (X, Y), computed
    in training mode (batch normalisation uses the batch's statistics, as in a training step); the
    moving statistics are left as they were, so measuring does not change the model."""
    bns = [layer for layer in _all_layers(model) if isinstance(layer, BatchNormalization)]
    saved = [(bn.moving_mean.copy(), bn.moving_variance.copy()) for bn in bns]
    try:
        model.loss_and_grads(X, Y, training=True)
    finally:
        for bn, (mean, var) in zip(bns, saved):
            bn.moving_mean[...], bn.moving_variance[...] = mean, var
    return np.array([np.linalg.norm(layer.dW) for layer in _dense_layers(model)])


def _all_layers(model) -> list:
    return [sub for layer in model.layers for sub in (layer.layers if isinstance(layer, Residual) else [layer])]


class _GradientNorms(Callback):
    """history["grad_norms"]: the gradient norms per layer at initialisation and at the end of training, on
    the first GRADIENT_BATCH training images. While a progress function listens (an explorer's frames), also
    after every epoch, reported as progress(..., norms=[at initialisation, now]); epoch 0 is initialisation."""

    def __init__(self, X, Y, epochs):
        self.X, self.Y, self.epochs, self.norms = X, Y, epochs, []
        self.report = _PROGRESS.get()

    def on_train_begin(self, model, history):
        self.norms[:] = [gradient_norms(model, self.X, self.Y)]
        if self.report is not None:
            self.report(0, self.epochs, model, history, norms=self.norms)

    def on_epoch_end(self, epoch, logs, model, history):
        if self.report is not None or epoch == self.epochs:
            self.norms[1:] = [gradient_norms(model, self.X, self.Y)]

    def on_train_end(self, model, history):
        if len(self.norms) == 1 or history.stopped:  # stopped early (divergence): the weights kept
            self.norms[1:] = [gradient_norms(model, self.X, self.Y)]


@lru_cache(maxsize=128)
def _deep_run(variant, depth, width, activation, learning_rate, epochs, seed, momentum):
    X_train, X_val, _, y_train, y_val, _ = digits_split(0)
    Y_train, Y_val = data.one_hot(y_train, 10), data.one_hot(y_val, 10)
    model = deep_mlp(variant, depth, width, activation, seed, momentum)
    norms = _GradientNorms(X_train[:GRADIENT_BATCH], Y_train[:GRADIENT_BATCH], epochs)
    with _one_blas_thread():
        history = fit(model, X_train, Y_train, get_optimizer("adam", learning_rate=learning_rate), epochs=epochs,
                      batch_size=64, validation_data=(X_val, Y_val), seed=seed, verbose=0,
                      callbacks=[norms, *_progress_callbacks(epochs, norms=norms.norms)])
    history.history["grad_norms"] = [n.copy() for n in norms.norms]  # [at initialisation, at the end]
    # Kept: the weights (moving statistics included) and the history, not the model, whose layers still hold
    # the last batch's activations and deltas (a few MB per run, 20 times its weights).
    return model.get_weights(), history


def deep_run(variant: str = "plain", depth: int = 20, width: int = 16, activation: str = "sigmoid",
             learning_rate: float = 0.01, epochs: int = 4, seed: int = 0, momentum: float = 0.9, progress=None):
    """deep_mlp(variant, depth, width, activation, seed, momentum) trained with Adam(learning_rate),
    batches of 64, on digits_split(0)'s 1,149 training images, validated after each epoch on its 288
    validation images; seed draws the initial weights and the batch order. Returns (model, history):
    history has loss, accuracy, val_loss, val_accuracy per epoch and grad_norms, the gradient norms
    of every Dense layer (first to last) at initialisation and at the end (two arrays; gradient_norms on
    the first 256 training images). A diverging rate ends in history.diverged with the last good
    weights. Cached per process (fresh copies). progress: None, or a function called as
    progress(epoch, epochs, model, history, norms=[at initialisation, now]) at initialisation (epoch 0)
    and after every epoch of a run not cached yet."""
    key = (_variant(variant), check_int(depth, "depth", low=1, high=60), check_int(width, "width", low=1, high=256),
           _activation(activation), float(check_positive(learning_rate, "learning_rate")),
           check_int(epochs, "epochs", low=1), check_int(seed, "seed", low=0),
           float(check_fraction(momentum, "momentum")))
    with _reporting(progress):
        weights, history = _deep_run(*key)
    model = deep_mlp(key[0], key[1], key[2], key[3], key[6], key[7])
    model.set_weights(weights)
    return model, copy.deepcopy(history)


def deep_scores(model) -> dict:
    """The model's accuracy on digits_split(0)'s 360 test images (inference mode: batch
    normalisation uses its moving statistics): {"test_accuracy", "test_correct"} with one True/False
    per test image, for paired comparisons on the same images."""
    _, _, X_test, _, _, y_test = digits_split(0)
    probabilities = copy.deepcopy(model).predict(X_test)  # a copy keeps the test batch's activations, not the model
    correct = np.argmax(probabilities, axis=1) == y_test
    return {"test_accuracy": float(np.mean(correct)), "test_correct": correct}


def deep_search(variant: str, learning_rates=(0.003, 0.01, 0.03), seed: int = 5, **settings) -> dict:
    """Each learning rate's final validation accuracy for deep_run(variant, ..., seed=seed), and the
    best: {"accuracy": {rate: accuracy}, "best": rate} (on a tie, the smaller rate). Choose on a seed
    that is not among those scored: the rate is then chosen on validation images and other weights."""
    accuracy = {}
    for rate in learning_rates:
        _, history = deep_run(variant, learning_rate=rate, seed=seed, **settings)
        accuracy[float(rate)] = float(history["val_accuracy"][-1])
    best = max(accuracy.values())
    return {"accuracy": accuracy, "best": min(r for r, a in accuracy.items() if a == best)}
