"""Lesson 17's dense autoencoder (dlteach.generative.autoencoder: a Sequential of Dense layers, DESIGN 21) against
Keras in float64: forward and every gradient under tf.GradientTape (1e-12), one training step and whole shuffled
runs with a partial last batch against Keras's own optimizer steps and model.fit (1e-10). The VAE's twin is in
tests/test_vae.py."""
import keras  # a hard dependency: plain imports, so these tests fail (never skip) without it
import numpy as np
import pytest

import dlteach as dt
from dlteach import generative
from dlteach import keras_twin as kt
from twin_tolerance import twin_tol


def close(ours, theirs, tol):
    theirs = np.asarray(theirs, dtype=np.float64)
    return np.max(np.abs(ours - theirs)) <= tol * max(1.0, np.max(np.abs(theirs)))


def split():
    X_train, X_val, *_ = dt.experiments.digits_split(0)
    return X_train, X_val


def test_the_autoencoder_is_a_sequential_with_the_vaes_layers():
    model = generative.autoencoder(seed=0)
    assert isinstance(model, dt.Sequential) and model.loss.name == "binary_crossentropy"
    assert [(l.n_in, l.n_out, l.act.name) for l in model.layers] == [
        (64, 32, "relu"), (32, 2, "linear"), (2, 32, "relu"), (32, 64, "sigmoid")]
    vae = dt.VAE(64, generative.HIDDEN, 2)
    assert [(l.n_in, l.n_out) for l in model.layers] == [(l.n_in, l.n_out) for l in (*vae.encoder, vae.z_mean,
                                                                                      *vae.decoder)]


@pytest.mark.parametrize("n", [1, 7, 64])
def test_forward_and_every_gradient_equal_gradient_tape(n):
    X = split()[0][:n]
    model = generative.autoencoder(seed=3)
    kmodel = kt.to_keras(model)
    assert close(model.predict(X), kmodel(X).numpy(), twin_tol(1e-12))
    loss, grads = model.loss_and_grads(X, X)
    k_loss, k_grads = kt.keras_loss_and_gradients(kmodel, X, X, model.loss)
    assert abs(loss - k_loss) <= twin_tol(1e-12) * abs(k_loss)
    for (name, _, _), a, b in zip(model.params(), grads, k_grads, strict=True):
        assert close(a, b, twin_tol(1e-12)), name
    # the codes and the decoder alone are the model's own layers
    assert close(generative.decode_codes(model, generative.encode_images(model, X)), model.predict(X), 1e-15)


def test_one_adam_step_equals_keras():
    X = split()[0][:32]
    model = generative.autoencoder(seed=1)
    trainer = kt.KerasTrainer(model, dt.Adam(generative.LEARNING_RATE))
    opt = dt.Adam(generative.LEARNING_RATE)
    k_loss = trainer.train_batch(X, X)
    loss, _ = model.loss_and_grads(X, X)
    opt.step(model.trainable_params())
    assert abs(loss - k_loss) <= twin_tol(1e-12) * k_loss
    assert kt.max_weight_difference(model, trainer.kmodel) < twin_tol(1e-10)


def test_fit_equals_keras_model_fit_with_a_partial_last_batch_and_validation():
    """150 images in batches of 64 (the last holds 22), 3 epochs, the lesson's Adam rate, validation loss."""
    X_train, X_val = split()
    X, V = X_train[:150], X_val[:40]
    model = generative.autoencoder(seed=2)
    kmodel, k_history = kt.keras_fit(model, X, X, "adam", epochs=3, batch_size=64, shuffle=False,
                                     learning_rate=generative.LEARNING_RATE, validation_data=(V, V))
    history = dt.fit(model, X, X, "adam", epochs=3, batch_size=64, shuffle=False, verbose=0,
                     learning_rate=generative.LEARNING_RATE, validation_data=(V, V))
    assert kt.max_weight_difference(model, kmodel) < twin_tol(1e-10)
    for key in ("loss", "val_loss"):
        assert np.allclose(history[key], k_history[key], rtol=twin_tol(1e-10), atol=0), key
    assert history["loss"][-1] < history["loss"][0]


def test_the_lessons_shuffled_run_equals_keras_steps_on_the_same_batches():
    """The lesson's recipe (ae_run: 1,149 images, batches of 64 reshuffled every epoch, the last of 61) for 2
    epochs, with Keras taking every step (fit's trainer): the same weights and losses."""
    X_train, X_val = split()
    ours, theirs = generative.autoencoder(seed=4), generative.autoencoder(seed=4)
    settings = dict(epochs=2, batch_size=generative.BATCH_SIZE, seed=4, verbose=0, validation_data=(X_val, X_val))
    h_ours = dt.fit(ours, X_train, X_train, dt.Adam(generative.LEARNING_RATE), **settings)
    trainer = kt.KerasTrainer(theirs, dt.Adam(generative.LEARNING_RATE))
    h_theirs = dt.fit(theirs, X_train, X_train, dt.Adam(generative.LEARNING_RATE), trainer=trainer, **settings)
    assert kt.max_weight_difference(ours, trainer.kmodel) < twin_tol(1e-10)
    assert np.allclose(h_ours["loss"], h_theirs["loss"], rtol=twin_tol(1e-10), atol=0)
    assert np.allclose(h_ours["val_loss"], h_theirs["val_loss"], rtol=twin_tol(1e-10), atol=0)
    moved = max(np.max(np.abs(a - b)) for a, b in zip(ours.get_weights(), generative.autoencoder(seed=4).get_weights()))
    assert moved > 1e-2  # the comparison ran on weights that moved
