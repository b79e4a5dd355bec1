"""Explaining a trained classifier: which inputs matter for its decision.

saliency   dz_c/dx: the gradient of the class-c logit with respect to each input, by the same
           backward pass as training (only the starting gradient differs);
occlusion  how much the probability of class c drops when a patch of the input is blanked;
permutation importance
           how much accuracy drops when one feature's values are shuffled across samples
           (breaking its link to the label while keeping its distribution);
gradient_x_input, integrated_gradients, smoothgrad
           saliency's refinements: weighted by the input (how much of the pixel there is), summed
           along a path from a baseline (the attributions add up to the change of the logit), or
           averaged over noisy copies of the input (less noise from units switching on and off).
"""
from __future__ import annotations

import copy

import numpy as np

from ._checks import as_float_array, as_generator, check_int, check_positive, check_positive_int
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



def gradient_x_input(model, X, c: int) -> np.ndarray:
    """x * dz_c/dx for every sample, element by element (Shrikumar et al. 2016): the gradient
    weighted by how much of each input there is, so an input at 0 gets 0. For a linear model
    z_c = x @ w + b it is each input's exact share x_i w_i of z_c - b. Same shape as X."""
    X = as_float_array(X, "X")
    return X * saliency(model, X, c)


def _baseline(baseline, X) -> np.ndarray:
    base = as_float_array(baseline, "baseline")
    try:
        return np.broadcast_to(base, X.shape)
    except ValueError:
        raise ValueError(f"baseline of shape {base.shape} does not fit X of shape {X.shape}: give one number, "
                         "one input's shape or X's shape.") from None


def integrated_gradients(model, X, c: int, baseline=0.0, steps: int = 50) -> np.ndarray:
    """Integrated gradients (Sundararajan et al. 2017) of the class-c logit for every sample:
    (x - x') * the mean of dz_c/dx along the straight path from the baseline x' to x,
    IG_i = (x_i - x'_i) * integral over a in [0, 1] of dz_c/dx_i at x' + a (x - x'),
    the integral taken as the mean gradient at the middles of `steps` equal pieces of the path.
    The attributions add up to z_c(x) - z_c(x') (completeness), exactly as steps grows; the
    baseline (one number, one input or one per sample) is what 'no signal' means, here 0 = blank.
    Same shape as X. The model is left untouched."""
    X = as_float_array(X, "X")
    steps = check_positive_int(steps, "steps")
    base = _baseline(baseline, X)
    total = np.zeros_like(X)
    for k in range(steps):
        a = (k + 0.5) / steps  # the middle of the k-th piece of the path
        total += saliency(model, base + a * (X - base), c)
    return (X - base) * total / steps


def smoothgrad(model, X, c: int, sigma: float = 0.15, samples: int = 50, seed=0) -> np.ndarray:
    """SmoothGrad (Smilkov et al. 2017): dz_c/dx averaged over `samples` noisy copies x + e,
    e ~ Normal(0, sigma^2) drawn independently for every input of every copy (sigma in the
    inputs' units: 0.15 is 15 % of a pixel range of [0, 1]). The noise averages out the jumps of
    the gradient where units switch on and off. Same shape as X. The model is left untouched."""
    X = as_float_array(X, "X")
    sigma = check_positive(sigma, "sigma")
    samples = check_positive_int(samples, "samples")
    rng = as_generator(seed, "seed")
    total = np.zeros_like(X)
    for _ in range(samples):
        total += saliency(model, X + rng.normal(0.0, sigma, size=X.shape), c)
    return total / samples

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


def occlusion_pixels(model, image, c: int, side: int, patch: int = 2, fill: float = 0.0) -> np.ndarray:
    """occlusion() brought back onto the image's own pixels: each pixel gets the mean drop in
    p(class c) over the patch x patch squares that cover it. Returns (side, side), aligned with the
    image (occlusion's own map has one value per patch position, (side - patch + 1) squared)."""
    drops = occlusion(model, image, c, side, patch, fill)
    total, count = np.zeros((side, side)), np.zeros((side, side))
    out = side - patch + 1
    for i in range(out):
        for j in range(out):
            total[i:i + patch, j:j + patch] += drops[i, j]
            count[i:i + patch, j:j + patch] += 1
    return total / count


def grad_cam(model, image, c: int, layer, per_position: bool = False) -> np.ndarray:
    """Grad-CAM (Selvaraju et al. 2017) of a from-scratch CNN for one image (h, w, channels).

    A = the output of `layer` (an index into model.layers or a layer name), shape (hA, wA, k);
    g = dz_c/dA (z_c the class-c logit, before softmax);
    cam = relu(sum_k alpha_k A_k) with alpha_k = mean over positions of g_k (Grad-CAM), or, with
    per_position=True, relu(sum_k g_k * A_k) position by position (HiResCAM, Draelos & Carin 2020:
    when A reaches the logit through Flatten + Dense, sum_k g_k A_k is each position's exact share
    of z_c - b_c). Returns (hA, wA). The model is left untouched (the backward pass runs on a copy)."""
    names = [getattr(lay, "name", None) for lay in model.layers]
    index = names.index(layer) if isinstance(layer, str) and layer in names else layer
    index = check_int(index, "layer (an index or a layer name)", low=0, high=len(model.layers) - 2)
    last = model.layers[-1]
    if not isinstance(last, Dense):
        raise ValueError("grad_cam needs a model whose last layer is Dense.")
    c = check_int(c, "c (the class)", low=0, high=last.n_out - 1)
    image = np.asarray(image, dtype=np.float64)
    work = copy.deepcopy(model)
    a = image[None]
    for k, lay in enumerate(work.layers):
        a = lay.forward(a)
        if k == index:
            A = a[0]
    if A.ndim != 3:
        raise ValueError(f"layer {layer!r} gives an output of shape {A.shape}, not feature maps (h, w, k).")
    grad = np.zeros_like(work.layers[-1].z)
    grad[:, c] = 1.0
    grad = work.layers[-1].backward(grad, through_activation=False)
    for lay in reversed(work.layers[index + 1:-1]):
        grad = lay.backward(grad)
    if per_position:
        return np.maximum((grad[0] * A).sum(axis=-1), 0.0)
    alpha = grad[0].mean(axis=(0, 1))  # one weight per feature map
    return np.maximum(A @ alpha, 0.0)
