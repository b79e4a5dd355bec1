"""Variational autoencoders (Kingma & Welling 2014): the reparameterisation trick, the KL term and a VAE.

A plain autoencoder needs nothing new: Sequential([Dense(64, 16, 'relu'), Dense(16, 2), Dense(2, 16, 'relu'),
Dense(16, 64, 'sigmoid')], loss='binary_crossentropy') trained with fit(model, X, X) squeezes each image
through 2 numbers. A VAE's encoder outputs a distribution instead, a diagonal Gaussian N(mu, diag(exp(log_var))),
and the decoder sees a sample of it.

Sampling (the reparameterisation trick): the sample is a function of mu, log_var and noise drawn apart,
    z = mu + sigma * eps,      sigma = exp(0.5 log_var),   eps ~ N(0, I)
so that the gradient reaches mu and log_var (a draw "z ~ N(mu, sigma^2)" has no derivative):
    dL/dmu = g,                dL/dlog_var = g * eps * 0.5 sigma          with g = dL/dz

KL term of q = N(mu, diag(sigma^2)) against the prior N(0, I), per sample (sum over the k latent numbers):
    KL = -0.5 sum_j (1 + log_var_j - mu_j^2 - exp(log_var_j))
    dKL/dmu = mu,              dKL/dlog_var = 0.5 (exp(log_var) - 1)
It is 0 only at mu = 0, log_var = 0: it pulls every code towards the prior, so that decoding a draw of
N(0, I) gives an image.

VAE loss (the negative ELBO, as in Keras's VAE example), averaged over the n samples of the batch:
    L = (1/n) sum_i [ sum_pixels BCE(x_i, x_hat_i) + beta KL_i ]
BCE is computed from the decoder's logits a (x_hat = sigmoid(a)), as Keras's does behind a sigmoid output:
    BCE = max(a, 0) - a x + log(1 + e^-|a|)       dL/da = (sigmoid(a) - x) / n
Backward: the decoder's Dense layers give g = dL/dz; Sampling turns it into dL/dmu and dL/dlog_var, to which
the KL term adds beta/n times its own gradient; the two heads' dL/dh add at the fork (both read h):
    dL/dh = dL/dmu @ W_mu.T + dL/dlog_var @ W_log_var.T
and the encoder's Dense layers take it from there.
"""
from __future__ import annotations

import numpy as np

from ..i18n import gettext_ as _
from ._checks import as_float_array, as_generator, check_positive, check_positive_int
from .activations import get_activation, sigmoid
from .layers import Dense, Layer, _check_name
from .losses import Loss
from .network import Sequential


def _pair(inputs, name):
    """(mu, log_var) as float64 arrays of one shape (n, k): Keras's Sampling()([z_mean, z_log_var])."""
    if not isinstance(inputs, (tuple, list)) or len(inputs) != 2:
        raise TypeError(f"{name} takes a pair [mu, log_var] (Keras: Sampling()([z_mean, z_log_var])), "
                        f"got {type(inputs).__name__}.")
    mu, log_var = as_float_array(inputs[0], "mu", ndim=2), as_float_array(inputs[1], "log_var", ndim=2)
    if mu.shape != log_var.shape:
        raise ValueError(f"mu has shape {mu.shape} but log_var has shape {log_var.shape}; they must match.")
    return mu, log_var


class Sampling(Layer):
    """z = mu + exp(0.5 log_var) * eps with eps ~ N(0, I): the reparameterisation trick, the layer of
    Keras's VAE example (Sampling()([z_mean, z_log_var])).

    seed     None, an int >= 0 or a numpy Generator, for the draws of eps
    forward([mu, log_var], training, eps=None): in training a new eps is drawn from the layer's generator;
             at inference z = mu (eps = 0), as Keras's noise layers (Dropout, GaussianNoise) add noise only
             in training. eps given (an (n, k) array) is used as is in either mode: the same noise for a twin.
    backward(g) returns the pair (dL/dmu, dL/dlog_var) = (g, g eps 0.5 sigma).
    After forward: mu, log_var, sigma, eps and z.
    """

    trainable = False

    def __init__(self, seed=None, name: str = "sampling"):
        self.rng = as_generator(seed, "seed")
        self.name = _check_name(name)

    def forward(self, inputs, training: bool = False, eps=None):
        self.mu, self.log_var = _pair(inputs, "Sampling")
        if eps is None:
            eps = self.rng.standard_normal(self.mu.shape) if training else np.zeros(self.mu.shape)
        eps = as_float_array(eps, "eps")
        if eps.shape != self.mu.shape:
            raise ValueError(f"eps has shape {eps.shape} but mu has shape {self.mu.shape}; give one draw per "
                             "latent number of every sample.")
        self.eps = eps
        self.sigma = np.exp(0.5 * self.log_var)
        self.z = self.mu + self.sigma * self.eps
        return self.z

    def backward(self, grad_z):
        """dL/dmu = g (z moves with mu one for one), dL/dlog_var = g eps 0.5 sigma (dsigma/dlog_var = sigma/2)."""
        return grad_z, grad_z * self.eps * (0.5 * self.sigma)

    def __repr__(self):
        return "Sampling()"


def gaussian_kl(mu, log_var):
    """KL(N(mu, diag(exp(log_var))) || N(0, I)) of each sample and its gradient.

    mu, log_var  (n, k) arrays
    Returns (kl, dkl_dmu, dkl_dlog_var): kl of shape (n,), -0.5 sum_j (1 + log_var - mu^2 - exp(log_var)),
    and the gradients of each sample's kl with respect to its own mu and log_var, (n, k) each:
    mu and 0.5 (exp(log_var) - 1) (a batch mean's gradient is these over n).
    """
    mu, log_var = _pair((mu, log_var), "gaussian_kl")
    var = np.exp(log_var)
    kl = -0.5 * np.sum(1.0 + log_var - mu**2 - var, axis=-1)
    return kl, mu.copy(), 0.5 * (var - 1.0)


def _bce_sum_from_logits(y_true, logits, from_logits=True):
    """(mean over samples of BCE summed over pixels, dL/dlogits): the VAE's reconstruction term."""
    n = logits.shape[0]
    per_pixel = np.maximum(logits, 0) - logits * y_true + np.log1p(np.exp(-np.abs(logits)))
    # sigmoid(a) - y written as in losses.py, (1 - y) sigmoid(a) - y sigmoid(-a): accurate at large |a|
    grad = ((1 - y_true) * sigmoid(logits) - y_true * sigmoid(-logits)) / n
    return float(np.mean(np.sum(per_pixel, axis=-1))), grad


RECONSTRUCTION = Loss("reconstruction_bce_sum", _bce_sum_from_logits, True)


class VAE:
    """A variational autoencoder of Dense layers, trained with fit(vae, X, X) or step by step.

    encoder  Dense(n_in -> hidden[0], activation) ... then two linear heads Dense(-> latent), z_mean and z_log_var
    Sampling z = mu + exp(0.5 log_var) eps (a new eps each training batch; z = mu at inference)
    decoder  Dense(latent -> hidden[-1], activation) ... Dense(-> n_in, 'sigmoid') (the hidden widths mirrored)
    loss     mean over the batch of [BCE summed over the n_in pixels + beta KL] (see the module docstring)

    n_in, latent  positive integers (64 and 2 for the 8x8 digits in a plane); hidden: widths, may be empty
    beta          >= 0: the KL's weight (1: the VAE; 0: an autoencoder with noise; > 1: beta-VAE)
    seed          None, an int >= 0 or a numpy Generator: the initial weights, then the draws of eps
    Parameters in Keras's layout and order: encoder_1 ..., z_mean, z_log_var, decoder_1 ..., reconstruction.
    After a forward pass: mu, log_var, z, logits (decoder's before the sigmoid); after a loss, reconstruction_loss
    and kl_loss (both batch means, kl_loss before beta); after loss_and_grads, grad_input = dL/dX through the
    encoder (X as input, the target held fixed).
    """

    def __init__(self, n_in: int = 64, hidden=(32,), latent: int = 2, activation="relu", beta: float = 1.0,
                 seed=None):
        n_in, latent = check_positive_int(n_in, "VAE n_in"), check_positive_int(latent, "VAE latent")
        if isinstance(hidden, (int, np.integer)) and not isinstance(hidden, bool):
            hidden = (hidden,)
        if not isinstance(hidden, (tuple, list)):
            raise TypeError(f"hidden must be a list of widths, e.g. [32] or [] (none), got {hidden!r}.")
        hidden = [check_positive_int(h, "VAE hidden width") for h in hidden]
        get_activation(activation)  # refused by name here, before any layer is built
        self.beta = check_positive(beta, "beta", allow_zero=True)
        rng = as_generator(seed, "seed")
        widths = [n_in, *hidden]
        self.encoder = [Dense(a, b, activation, seed=rng, name=f"encoder_{i + 1}")
                        for i, (a, b) in enumerate(zip(widths, widths[1:]))]
        self.z_mean = Dense(widths[-1], latent, seed=rng, name="z_mean")
        self.z_log_var = Dense(widths[-1], latent, seed=rng, name="z_log_var")
        back = [latent, *reversed(hidden)]
        self.decoder = [Dense(a, b, activation, seed=rng, name=f"decoder_{i + 1}")
                        for i, (a, b) in enumerate(zip(back, back[1:]))]
        self.decoder.append(Dense(back[-1], n_in, "sigmoid", seed=rng, name="reconstruction"))
        self.sampling = Sampling(seed=rng)
        self.loss = RECONSTRUCTION  # fit reads loss.name (no accuracy for it); the KL is added here

    # --- shapes and parameters -------------------------------------------------------------
    @property
    def layers(self):
        """The Dense layers in Keras's order (the Sampling layer has no weights)."""
        return [*self.encoder, self.z_mean, self.z_log_var, *self.decoder]

    @property
    def n_in(self):
        return self.z_mean.n_in if not self.encoder else self.encoder[0].n_in

    @property
    def latent(self):
        return self.z_mean.n_out

    def params(self):
        return [p for layer in self.layers for p in layer.params()]

    def trainable_params(self):
        return [p for layer in self.layers for p in layer.trainable_params()]

    def weights(self):
        return [w for layer in self.layers for w in layer.weights()]

    # Sequential's weight bookkeeping, which needs only weights() and layers (one copy of the rules).
    get_weights, set_weights = Sequential.get_weights, Sequential.set_weights
    count_params, penalty = Sequential.count_params, Sequential.penalty

    # --- forward -------------------------------------------------------------------------------
    def _check_X(self, X):
        X = as_float_array(X, "X", ndim=2)
        if X.shape[1] != self.n_in:
            raise ValueError(f"X has {X.shape[1]} features (shape {X.shape}) but the VAE expects {self.n_in}.")
        return X

    def _as_targets(self, y, n):
        y = as_float_array(y, "y", ndim=2)
        if y.shape != (n, self.n_in):
            raise ValueError(f"y must be the images to reconstruct, shape ({n}, {self.n_in}), got {y.shape} "
                             "(a VAE is trained with fit(vae, X, X)).")
        return y

    def encode(self, X):
        """(mu, log_var) of q(z|x) for each row of X, shape (n, latent) each."""
        h = self._check_X(X)
        for layer in self.encoder:
            h = layer.forward(h)
        return self.z_mean.forward(h), self.z_log_var.forward(h)

    def decode(self, z):
        """x_hat = the decoder's sigmoid output for codes z (n, latent): pixel probabilities (n, n_in)."""
        a = as_float_array(z, "z", ndim=2)
        if a.shape[1] != self.latent:
            raise ValueError(f"z has {a.shape[1]} numbers per sample but the VAE's codes have {self.latent}.")
        for layer in self.decoder:
            a = layer.forward(a)
        return a

    def generate(self, n: int, seed=None):
        """n new images: the decoder's output for n draws of the prior N(0, I)."""
        n = check_positive_int(n, "n")
        return self.decode(as_generator(seed, "seed").standard_normal((n, self.latent)))

    def forward(self, X, training: bool = False, eps=None):
        """Reconstructions x_hat (n, n_in): at inference from z = mu, in training from a sample (or eps)."""
        return self._forward(self._check_X(X), training, eps)

    predict = forward

    def _forward(self, X, training: bool = False, eps=None):
        h = X
        for layer in self.encoder:
            h = layer.forward(h, training=training)
        self.mu = self.z_mean.forward(h, training=training)
        self.log_var = self.z_log_var.forward(h, training=training)
        self.z = self.sampling.forward([self.mu, self.log_var], training=training, eps=eps)
        a = self.z
        for layer in self.decoder:
            a = layer.forward(a, training=training)
        self.logits = self.decoder[-1].z
        return a

    def _output_loss(self, y, out=None):
        """(reconstruction + beta KL + 0, dL/dlogits) of the last forward pass (its logits, mu and log_var)."""
        self.reconstruction_loss, grad = _bce_sum_from_logits(y, self.logits)
        self.kl_loss = float(np.mean(gaussian_kl(self.mu, self.log_var)[0]))
        return self.reconstruction_loss + self.beta * self.kl_loss, grad, True

    # --- backward -----------------------------------------------------------------------------
    def loss_and_grads(self, X, y=None, training: bool = True, eps=None):
        """Total loss and the gradient of it in every layer's dW, db (y defaults to X; eps: the noise to use,
        (n, latent), else drawn in training)."""
        X = self._check_X(X)
        y = X if y is None else self._as_targets(y, X.shape[0])
        loss, grads, _ = self._loss_grads_and_output(X, y, training, eps)
        return loss, grads

    def _loss_grads_and_output(self, X, y, training: bool = True, eps=None):
        out = self._forward(X, training, eps)
        loss, grad, _ = self._output_loss(y, out)
        g = self.decoder[-1].backward(grad, through_activation=False)  # the sigmoid is inside the loss
        for layer in reversed(self.decoder[:-1]):
            g = layer.backward(g)
        d_mu, d_log_var = self.sampling.backward(g)
        n = X.shape[0]
        _, kl_mu, kl_log_var = gaussian_kl(self.mu, self.log_var)
        d_mu = d_mu + self.beta / n * kl_mu            # the KL term reaches mu and log_var directly
        d_log_var = d_log_var + self.beta / n * kl_log_var
        g = self.z_mean.backward(d_mu) + self.z_log_var.backward(d_log_var)  # both heads read h: they add
        for layer in reversed(self.encoder):
            g = layer.backward(g)
        self.grad_input = g  # dL/dX through the encoder, X as input (the target y held fixed)
        return loss + self.penalty(), [grad for _, _, grad in self.params()], out

    def evaluate(self, X, y=None, include_penalty: bool = True) -> float:
        """The loss at inference (z = mu, so no noise: the same number every call), no gradients."""
        X = self._check_X(X)
        y = X if y is None else self._as_targets(y, X.shape[0])
        self._forward(X)
        return self._output_loss(y)[0] + (self.penalty() if include_penalty else 0.0)

    def summary(self) -> str:
        lines = [repr(layer) for layer in [*self.encoder, self.z_mean, self.z_log_var]]
        lines += [repr(self.sampling)] + [repr(layer) for layer in self.decoder]
        lines.append(_("loss: reconstruction (BCE summed over {pixels} pixels) + {beta} KL, parameters: {count}")
                     .format(pixels=self.n_in, beta=f"{self.beta:g}", count=self.count_params()))
        return "\n".join(lines)

    def __repr__(self):
        hidden = [layer.n_out for layer in self.encoder]
        return f"VAE(n_in={self.n_in}, hidden={hidden}, latent={self.latent}, beta={self.beta:g})"
