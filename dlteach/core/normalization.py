"""Normalisation layers, Keras's layout and defaults: BatchNormalization and LayerNormalization.

Both standardise x over some axis and then let the network rescale it:
    x_hat = (x - mu) / sigma,   sigma = sqrt(var + epsilon),   y = gamma * x_hat + beta
BatchNormalization takes mu and var per feature over the batch (every axis but the last: for
images (n, h, w, c) over n*h*w values per channel, Keras's axis=-1 on channels-last maps);
LayerNormalization takes them per sample over its features (the last axis).
var is the biased variance mean((x - mu)^2), as in Keras (tf.nn.moments).

The backward pass, for m values sharing one mu and sigma, with g = dL/dy and dx_hat = gamma * g:
    dgamma = sum(g * x_hat),  dbeta = sum(g)                         (sums over what shares gamma)
    dx = (dx_hat - mean(dx_hat) - x_hat * mean(dx_hat * x_hat)) / sigma
Derivation (one feature column x_1..x_m):
    1. d mu / d x_j = 1/m
    2. d var / d x_j = 2 (x_j - mu) / m        (the term through mu is (2/m) sum_i (x_i - mu) (-1/m) = 0)
    3. d sigma / d x_j = (d var / d x_j) / (2 sigma) = x_hat_j / m
    4. d x_hat_i / d x_j = (delta_ij - 1/m) / sigma - (x_i - mu) / sigma^2 * x_hat_j / m
                         = (delta_ij - 1/m - x_hat_i x_hat_j / m) / sigma
    5. dx_j = sum_i dx_hat_i d x_hat_i / d x_j = (dx_hat_j - mean(dx_hat) - x_hat_j mean(dx_hat x_hat)) / sigma
For BatchNormalization gamma is one number per column, so it comes out of the means:
    dx = gamma / (m sigma) * (m g - sum(g) - x_hat * sum(g * x_hat))
The two subtracted terms are why normalising is not a constant rescaling: the gradient has no
component along "move the whole column" (sum dx = 0 exactly) and, up to eps, none along x_hat
(sum dx * x_hat = gamma sum(g x_hat) eps / (sigma (var + eps)), zero only as eps -> 0: sum x_hat^2 = m var / (var + eps)).
At inference BatchNormalization uses fixed moving statistics, so mu and sigma do not depend on x:
    dx = gamma * g / sigma.
"""
from __future__ import annotations

import numpy as np

from ._checks import check_bool, check_fraction, check_positive, check_positive_int
from .layers import Layer, _check_name


def _features_last(layer, x, n_features):
    """x as a float64 array (n, ..., n_features), or an error naming the layer and the shape."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim < 2 or x.shape[-1] != n_features:
        raise ValueError(f"{layer.name} expects inputs of shape (n, ..., {n_features}) with its {n_features} "
                         f"features on the last axis, got {x.shape}.")
    return x


class BatchNormalization(Layer):
    """Normalise each feature over the batch, then y = gamma * x_hat + beta (Ioffe & Szegedy 2015).

    In training (fit, or forward(x, training=True)) mu and var are the batch's (biased variance),
    and the moving statistics follow them as in Keras:
        moving_mean     <- moving_mean * momentum + mu * (1 - momentum)
        moving_variance <- moving_variance * momentum + var * (1 - momentum)
    At inference (training=False) the moving statistics are used instead, so a prediction does
    not depend on the rest of its batch. A layer with trainable = False always runs in inference
    mode and leaves its moving statistics alone, as Keras's does.
    x: (n, n_features), or images (n, h, w, n_features) (statistics over n*h*w values per channel).

    n_features  positive integer (Keras infers it from the data; here it is given)
    momentum    in [0, 1): how much of the moving statistics each training batch keeps
    epsilon     > 0, added to the variance (Keras's 1e-3, not the paper's 1e-5)
    center      learn beta (else beta = 0);  scale: learn gamma (else gamma = 1)
    Weights in Keras's get_weights() order: gamma (ones), beta (zeros), moving_mean (zeros),
    moving_variance (ones); only gamma and beta are trained (params()), the moving statistics are
    set by forward passes in training mode, never by an optimizer.
    A batch of one sample in training has var = 0, so x_hat = 0 and y = beta whatever x is, and
    dx = 0: Keras computes the same and so does this layer; use batches of several samples.
    """

    def __init__(self, n_features: int, momentum: float = 0.99, epsilon: float = 1e-3, center: bool = True,
                 scale: bool = True, name: str = "batch_normalization"):
        n = check_positive_int(n_features, "BatchNormalization n_features")
        self.momentum = check_fraction(momentum, "momentum")
        self.epsilon = check_positive(epsilon, "epsilon")
        self.center, self.scale = check_bool(center, "center"), check_bool(scale, "scale")
        self.name = _check_name(name)
        self.gamma, self.beta = np.ones(n), np.zeros(n)  # fixed at 1 and 0 when scale / center is off
        self.moving_mean, self.moving_variance = np.zeros(n), np.ones(n)
        self.dgamma, self.dbeta = np.zeros(n), np.zeros(n)

    @property
    def n_features(self):
        return self.gamma.shape[0]

    def params(self):
        return ([(f"{self.name}/gamma", self.gamma, self.dgamma)] if self.scale else []) + \
               ([(f"{self.name}/beta", self.beta, self.dbeta)] if self.center else [])

    def weights(self):
        return [(name, value) for name, value, _ in self.params()] + [
            (f"{self.name}/moving_mean", self.moving_mean), (f"{self.name}/moving_variance", self.moving_variance)]

    def forward(self, x, training: bool = False):
        x = _features_last(self, x, self.n_features)
        axes = tuple(range(x.ndim - 1))  # every axis but the features'
        self.batch_statistics = bool(training) and self.trainable  # Keras: a frozen layer runs in inference mode
        if self.batch_statistics:
            mu = x.mean(axis=axes)
            var = ((x - mu) ** 2).mean(axis=axes)  # biased: divides by m, as Keras
            self.moving_mean[...] = self.moving_mean * self.momentum + mu * (1.0 - self.momentum)
            self.moving_variance[...] = self.moving_variance * self.momentum + var * (1.0 - self.momentum)
        else:
            mu, var = self.moving_mean, self.moving_variance
        self.sigma = np.sqrt(var + self.epsilon)
        self.x_hat = (x - mu) / self.sigma
        return self.gamma * self.x_hat + self.beta

    def backward(self, grad_a):
        """Fill dgamma, dbeta from g = dL/dy; return dL/dx (the module docstring derives it)."""
        g, x_hat = grad_a, self.x_hat
        axes = tuple(range(g.ndim - 1))
        self.dgamma[...] = (g * x_hat).sum(axis=axes)
        self.dbeta[...] = g.sum(axis=axes)
        if not self.batch_statistics:  # mu and sigma are constants here
            return self.gamma * g / self.sigma
        m = g.size // g.shape[-1]  # values per feature: n, or n*h*w for images
        return self.gamma / (m * self.sigma) * (m * g - self.dbeta - x_hat * self.dgamma)

    def __repr__(self):
        extra = "".join(f", {k}={getattr(self, k)!r}" for k, d in
                        (("momentum", 0.99), ("epsilon", 1e-3), ("center", True), ("scale", True))
                        if getattr(self, k) != d)
        return f"BatchNormalization({self.n_features}{extra})"


class LayerNormalization(Layer):
    """Normalise each sample over its features (the last axis), then y = gamma * x_hat + beta
    (Ba, Kiros & Hinton 2016). The same in training and at inference: no moving statistics, and a
    sample's output does not depend on the rest of the batch (hence its use in RNNs and
    Transformers, where batch statistics are awkward).
    x: (n, n_features), or any (n, ..., n_features) (one mu, sigma per position).

    n_features  positive integer;  epsilon > 0 (Keras's default 1e-3)
    center      learn beta (else beta = 0);  scale: learn gamma (else gamma = 1)
    Weights in Keras's order: gamma (ones), beta (zeros). (Keras's deprecated rms_scaling=True
    path, which Keras itself calls incorrect, is not reproduced.)
    Backward per sample, m = n_features: dx = (dx_hat - mean(dx_hat) - x_hat mean(dx_hat x_hat)) / sigma
    with dx_hat = gamma * g; gamma differs along the averaged axis, so it stays inside the means.
    """

    def __init__(self, n_features: int, epsilon: float = 1e-3, center: bool = True, scale: bool = True,
                 name: str = "layer_normalization"):
        n = check_positive_int(n_features, "LayerNormalization n_features")
        self.epsilon = check_positive(epsilon, "epsilon")
        self.center, self.scale = check_bool(center, "center"), check_bool(scale, "scale")
        self.name = _check_name(name)
        self.gamma, self.beta = np.ones(n), np.zeros(n)
        self.dgamma, self.dbeta = np.zeros(n), np.zeros(n)

    @property
    def n_features(self):
        return self.gamma.shape[0]

    def params(self):
        return ([(f"{self.name}/gamma", self.gamma, self.dgamma)] if self.scale else []) + \
               ([(f"{self.name}/beta", self.beta, self.dbeta)] if self.center else [])

    def forward(self, x, training: bool = False):
        x = _features_last(self, x, self.n_features)
        mu = x.mean(axis=-1, keepdims=True)
        var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
        self.sigma = np.sqrt(var + self.epsilon)
        self.x_hat = (x - mu) / self.sigma
        return self.gamma * self.x_hat + self.beta

    def backward(self, grad_a):
        """Fill dgamma, dbeta from g = dL/dy; return dL/dx (the module docstring derives it)."""
        g, x_hat = grad_a, self.x_hat
        axes = tuple(range(g.ndim - 1))
        self.dgamma[...] = (g * x_hat).sum(axis=axes)
        self.dbeta[...] = g.sum(axis=axes)
        dx_hat = self.gamma * g
        return (dx_hat - dx_hat.mean(axis=-1, keepdims=True)
                - x_hat * (dx_hat * x_hat).mean(axis=-1, keepdims=True)) / self.sigma

    def __repr__(self):
        extra = "".join(f", {k}={getattr(self, k)!r}" for k, d in (("epsilon", 1e-3), ("center", True),
                                                                   ("scale", True)) if getattr(self, k) != d)
        return f"LayerNormalization({self.n_features}{extra})"
