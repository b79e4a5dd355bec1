"""Lesson 17's experiments: a dense autoencoder and variational autoencoders (VAEs) of the 8x8 digits, squeezed
through a 2-D code so that the code space can be drawn (no drawing here).

    model, history = ae_run(seed=0)          # a Sequential: 64 -> 32 -> 2 -> 32 -> 64 (sigmoid), X as its own target
    vae, history = vae_run(beta=1.0, seed=0)  # core.VAE(64, [32], 2, beta): history["val_reconstruction"], ["val_kl"]
    codes = encode_images(vae, X)                   # the codes (the VAE's mu) of some images, shape (n, 2)
    images = decode_codes(vae, codes)              # pixel probabilities (n, 64)

Every run trains on digits_split(0)'s 1,149 training images with Adam (batches of 64, LEARNING_RATE, EPOCHS
epochs) and scores on its 288 validation and 360 test images. A run's weights and history are kept in
experiments.cache_path() (like the digit drawer's networks: $DLTEACH_CACHE), so that a later session loads them in
milliseconds; with no cache the run trains (about 1.5 s of CPU). Cached per process too (fresh copies).
Re-exported by dlteach.experiments (a lesson says dt.experiments.vae_run), as deepnets.py and sequences.py are.
"""
from __future__ import annotations

import copy
import os
import zipfile
from functools import lru_cache

import numpy as np

from .core import VAE, Callback, Dense, Sequential, fit, get_optimizer
from .core._checks import as_float_array, check_int, check_positive
from .core.vae import _bce_sum_from_logits
from .runs import _one_blas_thread, digits_split

__all__ = ["VAE_BETAS", "autoencoder", "ae_run", "vae_run", "encode_images", "decode_codes", "reconstruction_error",
           "autoencoder_scores", "nearest_distance", "interpolate_codes"]

HIDDEN = (32,)          # the hidden widths of the encoder (the decoder mirrors them)
LATENT = 2              # numbers per code: a plane that can be drawn
EPOCHS = 50
LEARNING_RATE = 5e-3
BATCH_SIZE = 64
VAE_BETAS = (0.0, 0.25, 0.5, 1.0, 2.0, 4.0)  # the KL weights the lesson and its explorer train
CACHE_VERSION = 1       # bump when a run's recipe changes: older cached runs are then not read


def _latent(latent) -> int:
    return check_int(latent, "latent", low=1, high=16)


def autoencoder(latent: int = LATENT, seed: int = 0) -> Sequential:
    """A plain dense autoencoder: Dense(64 -> 32, relu) -> Dense(32 -> latent) (the code, linear) ->
    Dense(latent -> 32, relu) -> Dense(32 -> 64, sigmoid), binary cross-entropy; weights drawn from `seed`.
    The same layers as vae_run's VAE, without the sampling and the KL term."""
    latent, seed = _latent(latent), check_int(seed, "seed", low=0)
    rng = np.random.default_rng(seed)
    (h,) = HIDDEN
    return Sequential([Dense(64, h, "relu", seed=rng, name="encoder_1"), Dense(h, latent, seed=rng, name="code"),
                       Dense(latent, h, "relu", seed=rng, name="decoder_1"),
                       Dense(h, 64, "sigmoid", seed=rng, name="reconstruction")], loss="binary_crossentropy")


def _is_vae(model) -> bool:
    return isinstance(model, VAE)


def _check_model(model):
    if not (_is_vae(model) or (isinstance(model, Sequential) and len(model.layers) == 4)):
        raise TypeError(f"model must be a VAE or an autoencoder() Sequential, got {type(model).__name__}.")
    return model


def encode_images(model, X) -> np.ndarray:
    """The codes of the images X (n, 64): the VAE's mu (the centre of q(z|x)), or the autoencoder's bottleneck."""
    model = _check_model(model)
    X = as_float_array(X, "X", ndim=2)
    if _is_vae(model):
        return model.encode(X)[0]
    h = X
    for layer in model.layers[:2]:
        h = layer.forward(h)
    return h


def decode_codes(model, z) -> np.ndarray:
    """The decoder's pixel probabilities (n, 64) for codes z (n, latent)."""
    model = _check_model(model)
    z = as_float_array(z, "z", ndim=2)
    if _is_vae(model):
        return model.decode(z)
    latent = model.layers[2].n_in
    if z.shape[1] != latent:
        raise ValueError(f"z has {z.shape[1]} numbers per sample but the autoencoder's codes have {latent}.")
    a = z
    for layer in model.layers[2:]:
        a = layer.forward(a)
    return a


def reconstruction_error(model, X) -> np.ndarray:
    """Per image: binary cross-entropy summed over the 64 pixels between X and its reconstruction from its code
    (the VAE's z = mu: no noise), computed from the logits as in training."""
    X = as_float_array(X, "X", ndim=2)
    decode_codes(model, encode_images(model, X))
    logits = (model.decoder[-1] if _is_vae(model) else model.layers[-1]).z
    per_pixel = np.maximum(logits, 0) - logits * X + np.log1p(np.exp(-np.abs(logits)))
    return per_pixel.sum(axis=1)


class _ElboParts(Callback):
    """After every epoch, the VAE's two terms on the validation images at z = mu: val_reconstruction (BCE summed
    over the pixels, mean over the images) and val_kl (the KL before beta, mean over the images)."""

    def __init__(self, X_val):
        self.X_val = X_val

    def on_epoch_end(self, epoch, logs, model, history):
        model.evaluate(self.X_val)  # fit has logged this epoch already: the two terms join its history
        history.history.setdefault("val_reconstruction", []).append(float(model.reconstruction_loss))
        history.history.setdefault("val_kl", []).append(float(model.kl_loss))


def _store(path, weights, history):
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # written under a name of this process, then renamed: a process reading it meanwhile sees all or nothing
        tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")
        np.savez(tmp, **{f"w{i}": w for i, w in enumerate(weights)},
                 **{f"h_{key}": np.asarray(values) for key, values in history.items()})
        os.replace(tmp, path)
    except OSError:  # a read-only home: keep the run for this process only
        pass


def _load(path, n_weights):
    try:
        with np.load(path) as f:
            weights = [f[f"w{i}"] for i in range(n_weights)]
            history = {k[2:]: [float(v) for v in f[k]] for k in f.files if k.startswith("h_")}
        return weights, history
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None


def _train(model, name, val_parts):
    """(weights, history dict) of `model` trained by the lesson's recipe, from the cache when it is there."""
    from .experiments import cache_path  # noqa: PLC0415 (experiments re-exports this module's runs)

    path = cache_path(f"{name}_v{CACHE_VERSION}_e{EPOCHS}_lr{LEARNING_RATE:g}")
    found = _load(path, len(model.get_weights()))
    if found is not None and all(w.shape == v.shape for w, v in zip(found[0], model.get_weights())):
        return found
    X_train, X_val, *_ = digits_split(0)
    seed = int(name.rsplit("_s", 1)[1])
    with _one_blas_thread():
        history = fit(model, X_train, X_train, get_optimizer("adam", learning_rate=LEARNING_RATE), epochs=EPOCHS,
                      batch_size=BATCH_SIZE, validation_data=(X_val, X_val), seed=seed, verbose=0,
                      callbacks=[_ElboParts(X_val)] if val_parts else [])
    result = model.get_weights(), {k: list(v) for k, v in history.history.items()}
    _store(path, *result)
    return result


@lru_cache(maxsize=64)
def _ae_run(latent, seed):
    return _train(autoencoder(latent, seed), f"ae_l{latent}_s{seed}", False)


@lru_cache(maxsize=64)
def _vae_run(beta, latent, seed):
    return _train(VAE(64, HIDDEN, latent, beta=beta, seed=seed), f"vae_b{beta:g}_l{latent}_s{seed}", True)


def ae_run(latent: int = LATENT, seed: int = 0):
    """autoencoder(latent, seed) trained with fit(model, X, X) (Adam LEARNING_RATE, batches of 64, EPOCHS epochs,
    shuffled with `seed`) on digits_split(0)'s training images. Returns (model, history dict: loss, val_loss,
    each the mean BCE per pixel). Kept in cache_path() and per process; fresh copies."""
    weights, history = _ae_run(_latent(latent), check_int(seed, "seed", low=0))
    model = autoencoder(latent, seed)
    model.set_weights(weights)
    return model, copy.deepcopy(history)


def vae_run(beta: float = 1.0, latent: int = LATENT, seed: int = 0):
    """core.VAE(64, HIDDEN, latent, beta=beta, seed=seed) trained as ae_run's autoencoder (eps drawn from seed's
    generator). Returns (vae, history dict): loss, val_loss (reconstruction + beta KL, mean per image) and, per
    epoch on the validation images at z = mu, val_reconstruction and val_kl (before beta). beta >= 0 (0: no KL
    term). Kept in cache_path() and per process; fresh copies."""
    beta = float(check_positive(beta, "beta", allow_zero=True))
    if beta > 100:
        raise ValueError(f"beta must be from 0 to 100, got {beta!r}.")
    latent, seed = _latent(latent), check_int(seed, "seed", low=0)
    weights, history = _vae_run(beta, latent, seed)
    vae = VAE(64, HIDDEN, latent, beta=beta, seed=seed)
    vae.set_weights(weights)
    return vae, copy.deepcopy(history)


def autoencoder_scores(model) -> dict:
    """On digits_split(0)'s 360 test images at z = mu: {"reconstruction": mean summed BCE per image, "kl": mean
    KL per image (a VAE; NaN for an autoencoder), "reconstruction_each": one number per image (for pairing)}."""
    _, _, X_test, *_ = digits_split(0)
    each = reconstruction_error(model, X_test)
    kl = float("nan")
    if _is_vae(model):
        model.evaluate(X_test)
        kl = float(model.kl_loss)
    return {"reconstruction": float(each.mean()), "kl": kl, "reconstruction_each": each}


def nearest_distance(images, reference=None) -> np.ndarray:
    """For each image (n, 64), the Euclidean distance in pixel space to its nearest image of `reference`
    (default: digits_split(0)'s 1,149 training images): how far it is from every digit seen."""
    images = as_float_array(images, "images", ndim=2)
    if reference is None:
        reference = digits_split(0)[0]
    reference = as_float_array(reference, "reference", ndim=2)
    squared = (images**2).sum(1)[:, None] - 2 * images @ reference.T + (reference**2).sum(1)[None]
    return np.sqrt(np.maximum(squared.min(axis=1), 0.0))


def interpolate_codes(model, x_a, x_b, steps: int = 8) -> np.ndarray:
    """The decoded images along the straight line from x_a's code to x_b's (steps images, the ends included)."""
    steps = check_int(steps, "steps", low=2, high=100)
    codes = encode_images(model, np.vstack([as_float_array(x_a, "x_a").reshape(1, -1),
                                     as_float_array(x_b, "x_b").reshape(1, -1)]))
    t = np.linspace(0.0, 1.0, steps)[:, None]
    return decode_codes(model, (1 - t) * codes[0] + t * codes[1])
