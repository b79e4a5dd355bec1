"""The VAE against its TensorFlow twin in float64: Keras has no VAE layer, so the twin is written here as in
Keras's VAE example, from keras.layers.Dense and tf ops, with the same weights and the same eps. Sampling, the
KL term, the loss and every gradient under tf.GradientTape (to 1e-12), and SGD/Adam steps against
keras.optimizers' apply_gradients (to 1e-10); a plain dense autoencoder is a Sequential trained like Keras's
(the NumPy-only checks are in tests/test_mut_vae.py)."""
import keras  # a hard dependency: plain imports, so these tests fail (never skip) without it
import numpy as np
import pytest
import tensorflow as tf

import dlteach as dt
from dlteach import keras_twin as kt
from twin_tolerance import twin_tol


def close(ours, theirs, tol):
    """max |ours - theirs| <= tol * max(1, max |theirs|) (see tests/test_normalization.py)."""
    theirs = np.asarray(theirs, dtype=np.float64)
    return np.max(np.abs(ours - theirs)) <= tol * max(1.0, np.max(np.abs(theirs)))


def digits(n=16):
    return dt.data.load_digits()[0][:n]


def keras_twin(vae, sigmoid_output=False):
    """Keras Dense layers with the VAE's weights, in its order; the output layer's sigmoid is left to the loss
    (as Keras's binary cross-entropy does behind a sigmoid output) unless sigmoid_output, the sampling to tf ops."""
    layers = []
    for layer in vae.layers:
        act = None if layer is vae.decoder[-1] and not sigmoid_output else layer.act.name
        klayer = keras.layers.Dense(layer.n_out, activation=act, dtype="float64", name=layer.name)
        klayer.build((None, layer.n_in))
        klayer.set_weights([layer.W.copy(), layer.b.copy()])
        layers.append(klayer)
    return layers


def twin_loss(vae, klayers, x, eps, beta):
    """Keras's VAE example: z = mu + exp(0.5 log_var) eps, loss = mean(sum over pixels of BCE) + beta mean(KL).
    Returns (loss, logits, mu, log_var)."""
    n_enc = len(vae.encoder)
    h = x
    for layer in klayers[:n_enc]:
        h = layer(h)
    mu, log_var = klayers[n_enc](h), klayers[n_enc + 1](h)
    a = mu + tf.exp(0.5 * log_var) * eps
    for layer in klayers[n_enc + 2:]:
        a = layer(a)
    bce = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.stop_gradient(x), logits=a)
    reconstruction = tf.reduce_mean(tf.reduce_sum(bce, axis=1))
    kl = -0.5 * tf.reduce_sum(1 + log_var - tf.square(mu) - tf.exp(log_var), axis=1)
    return reconstruction + beta * tf.reduce_mean(kl), a, mu, log_var


def twin_gradients(vae, klayers, X, eps, beta):
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss, logits, mu, log_var = twin_loss(vae, klayers, x, tf.constant(eps), beta)
    weights = [w for layer in klayers for w in layer.trainable_weights]
    grads = tape.gradient(loss, [x] + weights)
    return float(loss), logits.numpy(), [g.numpy() for g in grads]


def test_sampling_and_its_gradients_equal_gradient_tape():
    rng = np.random.default_rng(0)
    mu, log_var, eps, g = rng.normal(size=(5, 3)), rng.normal(size=(5, 3)), rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    layer = dt.Sampling(seed=0)
    z = layer.forward([mu, log_var], training=True, eps=eps)
    d_mu, d_log_var = layer.backward(g)
    mu_t, log_var_t = tf.constant(mu), tf.constant(log_var)
    with tf.GradientTape() as tape:
        tape.watch([mu_t, log_var_t])
        z_t = mu_t + tf.exp(0.5 * log_var_t) * tf.constant(eps)  # the call of Keras's example's Sampling layer
        L = tf.reduce_sum(z_t * g)
    k_mu, k_log_var = tape.gradient(L, [mu_t, log_var_t])
    assert close(z, z_t.numpy(), twin_tol(1e-12))
    assert close(d_mu, k_mu.numpy(), twin_tol(1e-12)) and close(d_log_var, k_log_var.numpy(), twin_tol(1e-12))


def test_gaussian_kl_and_its_gradient_equal_gradient_tape():
    rng = np.random.default_rng(1)
    mu, log_var, w = rng.normal(size=(6, 4)), rng.normal(scale=2.0, size=(6, 4)), rng.normal(size=6)
    kl, d_mu, d_log_var = dt.gaussian_kl(mu, log_var)
    mu_t, log_var_t = tf.constant(mu), tf.constant(log_var)
    with tf.GradientTape() as tape:
        tape.watch([mu_t, log_var_t])
        kl_t = -0.5 * tf.reduce_sum(1 + log_var_t - tf.square(mu_t) - tf.exp(log_var_t), axis=1)
        L = tf.reduce_sum(kl_t * w)  # a different weight per sample: each sample's gradient is its own
    k_mu, k_log_var = tape.gradient(L, [mu_t, log_var_t])
    assert close(kl, kl_t.numpy(), twin_tol(1e-12))
    assert close(d_mu * w[:, None], k_mu.numpy(), twin_tol(1e-12))
    assert close(d_log_var * w[:, None], k_log_var.numpy(), twin_tol(1e-12))


@pytest.mark.parametrize("hidden, activation, beta", [([16], "relu", 1.0), ([16, 8], "tanh", 0.5), ([], "relu", 4.0)],
                         ids=["relu_16", "tanh_16_8", "no_hidden_beta4"])
def test_vae_loss_and_every_gradient_equal_gradient_tape(hidden, activation, beta):
    X = digits()
    vae = dt.VAE(64, hidden, 2, activation=activation, beta=beta, seed=3)
    rng = np.random.default_rng(5)
    for _, value in vae.weights():  # biases away from 0, log_var away from 0
        value += rng.normal(scale=0.1, size=value.shape)
    eps = rng.normal(size=(len(X), 2))
    klayers = keras_twin(vae)
    keras_names = {"W": "kernel", "b": "bias"}
    assert [w.path for layer in klayers for w in layer.weights] == [  # Keras's layout and order
        f"{layer}/{keras_names[p]}" for layer, p in (name.split("/") for name, _ in vae.weights())]
    loss, grads = vae.loss_and_grads(X, eps=eps)
    k_loss, k_logits, k_grads = twin_gradients(vae, klayers, X, eps, beta)
    assert abs(loss - k_loss) <= twin_tol(1e-12) * k_loss
    assert close(vae.logits, k_logits, twin_tol(1e-12))
    assert close(vae.grad_input, k_grads[0], twin_tol(1e-12))
    for (name, _, _), a, b in zip(vae.params(), grads, k_grads[1:], strict=True):
        assert close(a, b, twin_tol(1e-12)), name


def test_keras_binary_crossentropy_behind_a_sigmoid_output_gives_the_same_loss():
    """The Keras example computes keras.losses.binary_crossentropy on the sigmoid output; Keras takes the logits
    behind it, so (times the 64 pixels its mean divides by) it is our from-logits sum, not a clipped one."""
    X = digits(8)
    vae = dt.VAE(64, [8], 2, seed=0)
    vae.decoder[-1].b[:] = -20.0  # probabilities of 2e-9 < 1e-7: a clipped cross-entropy would differ here
    eps = np.random.default_rng(2).normal(size=(len(X), 2))
    loss = vae.loss_and_grads(X, eps=eps)[0]
    x_hat = vae.forward(X, eps=eps)
    encoder_1, z_mean, z_log_var, decoder_1, reconstruction = keras_twin(vae, sigmoid_output=True)
    h = encoder_1(tf.constant(X))
    mu, log_var = z_mean(h), z_log_var(h)
    out = reconstruction(decoder_1(mu + tf.exp(0.5 * log_var) * eps))
    assert close(x_hat, out.numpy(), twin_tol(1e-12))
    k_reconstruction = tf.reduce_mean(64 * keras.losses.binary_crossentropy(tf.constant(X), out))
    kl = tf.reduce_mean(-0.5 * tf.reduce_sum(1 + log_var - tf.square(mu) - tf.exp(log_var), axis=1))
    assert abs(loss - float(k_reconstruction + kl)) <= twin_tol(1e-12) * loss
    p = np.clip(x_hat, 1e-7, 1 - 1e-7)  # what clipped probabilities would give: far less
    clipped = np.mean(np.sum(-(X * np.log(p) + (1 - X) * np.log(1 - p)), axis=1))
    assert vae.reconstruction_loss - clipped > 10


def keras_optimizer(kind, kwargs):
    with kt.floatx("float64"):
        return getattr(keras.optimizers, kind)(**kwargs)


@pytest.mark.parametrize("kind, kwargs", [("SGD", {"learning_rate": 0.05}),
                                          ("SGD", {"learning_rate": 0.02, "momentum": 0.9}),
                                          ("Adam", {"learning_rate": 0.01})], ids=str)
def test_sgd_and_adam_steps_equal_keras_apply_gradients(kind, kwargs):
    """Three steps, each with a new eps (the same on both sides): the weights agree after each."""
    X = digits(16)
    vae = dt.VAE(64, [16], 2, beta=1.0, seed=7)
    klayers = keras_twin(vae)
    weights = [w for layer in klayers for w in layer.trainable_weights]
    opt, kopt = getattr(dt, kind)(**kwargs), keras_optimizer(kind, kwargs)
    rng = np.random.default_rng(11)
    for _ in range(3):
        eps = rng.normal(size=(len(X), 2))
        vae.loss_and_grads(X, eps=eps)
        opt.step(vae.trainable_params())
        _, _, k_grads = twin_gradients(vae, klayers, X, eps, 1.0)
        kopt.apply_gradients([(tf.constant(g), w) for g, w in zip(k_grads[1:], weights)])
        diff = max(np.max(np.abs(a - w.numpy())) for a, w in zip(vae.get_weights(), weights))
        assert diff < twin_tol(1e-10), diff
    moved = max(np.max(np.abs(a - b)) for a, b in zip(vae.get_weights(), dt.VAE(64, [16], 2, seed=7).get_weights()))
    assert moved > 1e-3  # the comparison ran on weights that moved


def test_a_dense_autoencoder_is_a_sequential_and_fits_like_keras():
    """No new layer: Dense(64 -> 16 -> 2 -> 16 -> 64, sigmoid) with binary cross-entropy, X as its own target,
    trained by fit equals Keras's model.fit."""
    X = digits(64)
    model = dt.Sequential([dt.Dense(64, 16, "relu", seed=0), dt.Dense(16, 2, seed=1), dt.Dense(2, 16, "relu", seed=2),
                           dt.Dense(16, 64, "sigmoid", seed=3)], loss="binary_crossentropy")
    kmodel, k_history = kt.keras_fit(model, X, X, "adam", epochs=3, batch_size=16, shuffle=False, learning_rate=0.01)
    history = dt.fit(model, X, X, "adam", epochs=3, batch_size=16, shuffle=False, verbose=0, learning_rate=0.01)
    assert kt.max_weight_difference(model, kmodel) < twin_tol(1e-10)
    assert np.allclose(history["loss"], k_history["loss"], rtol=twin_tol(1e-10), atol=0)
    assert history["loss"][-1] < history["loss"][0]
