"""Explaining a trained classifier: which inputs matter for its decision.

saliency   dz_c/dx: the gradient of the class-c logit with respect to each input, by the same
           backward pass as training (only the starting gradient differs);
occlusion  how much the probability of class c drops when a patch of the input is blanked;
permutation importance
           how much accuracy drops when one feature's values are shuffled across samples
           (breaking its link to the label while keeping its distribution).
"""
from __future__ import annotations

import copy

import numpy as np

from ._checks import as_generator, check_int, check_positive_int
from .layers import Dense
from .training import accuracy


def saliency(model, X, c: int) -> np.ndarray:
    """dz_c / dX for every sample: (n, n_features), z_c the logit of class c (before softmax).
    The model is left untouched: the backward pass runs on a copy, so its stored gradients
    (dW, db) and activations stay those of its last training step."""
    last = model.layers[-1]
    if not isinstance(last, Dense):
        raise ValueError("saliency needs a model whose last layer is Dense.")
    c = check_int(c, "c (the class)", low=0, high=last.n_out - 1)
    work = copy.deepcopy(model)  # backward() overwrites each layer's dW, db and caches
    work.forward(X)
    grad = np.zeros_like(work.layers[-1].z)
    grad[:, c] = 1.0
    grad = work.layers[-1].backward(grad, through_activation=False)  # start from the logit, not the probability
    for layer in reversed(work.layers[:-1]):
        grad = layer.backward(grad)
    return grad


def occlusion(model, image, c: int, side: int, patch: int = 2, fill: float = 0.0) -> np.ndarray:
    """Drop in p(class c) when each patch x patch square of a (side*side,) image is set to `fill`;
    returns a (side - patch + 1, side - patch + 1) map."""
    side, patch = check_positive_int(side, "side"), check_int(patch, "patch", low=1, high=side)
    image = np.asarray(image, dtype=np.float64)
    if image.size != side * side:
        raise ValueError(f"image has {image.size} pixels, not side * side = {side * side}.")
    image = image.reshape(side, side)
    c = check_int(c, "c (the class)", low=0, high=model.layers[-1].n_out - 1)
    base = model.predict(image.reshape(1, -1))[0, c]
    out = side - patch + 1
    occluded = np.repeat(image[None], out * out, axis=0)
    for k in range(out * out):
        i, j = divmod(k, out)
        occluded[k, i:i + patch, j:j + patch] = fill
    return (base - model.predict(occluded.reshape(out * out, -1))[:, c]).reshape(out, out)


def permutation_importance(model, X, Y, n_repeats: int = 3, seed: int = 0) -> np.ndarray:
    """Mean drop in accuracy when each feature column is shuffled: (n_features,)."""
    n_repeats = check_positive_int(n_repeats, "n_repeats")
    rng = as_generator(seed, "seed")
    base = accuracy(model, X, Y)
    drops = np.zeros(X.shape[1])
    for j in range(X.shape[1]):
        for _ in range(n_repeats):
            Xp = X.copy()
            Xp[:, j] = rng.permutation(Xp[:, j])
            drops[j] += base - accuracy(model, Xp, Y)
    return drops / n_repeats
