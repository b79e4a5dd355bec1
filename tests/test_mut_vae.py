"""Sampling, gaussian_kl and the VAE without TensorFlow: the formulas written out here, the KL against a
Monte Carlo estimate, every gradient (input, mu, log_var and every weight) against central differences, the
draws of eps, the bookkeeping, fit(vae, X, X), a plain autoencoder as a Sequential, and the messages word for
word (mutation testing, docs/MUTATION.md; the TensorFlow twin is in tests/test_vae.py)."""
import numpy as np
import pytest

from dlteach.core import (VAE, Adam, Dense, Sampling, Sequential, check_model, fit, gaussian_kl, numerical_gradient,
                          rel_error)
from dlteach.data import load_digits
from test_mutants import central_difference


def text(make, error=ValueError):
    with pytest.raises(error) as err:
        make()
    return str(err.value)


def digits(n=12):
    return load_digits()[0][:n]


def sig(a):
    return 1 / (1 + np.exp(-a))


def vae_loss_written_out(vae, X, eps):
    """The loss from the weights alone, one formula per line (no engine code)."""
    h = X
    for layer in vae.encoder:
        h = layer.act.forward(h @ layer.W + layer.b)
    mu, log_var = h @ vae.z_mean.W + vae.z_mean.b, h @ vae.z_log_var.W + vae.z_log_var.b
    a = mu + np.exp(log_var / 2) * eps
    for layer in vae.decoder:
        a = layer.act.forward(a @ layer.W + layer.b)
    bce = -(X * np.log(a) + (1 - X) * np.log(1 - a)).sum(axis=1)
    kl = 0.5 * (mu**2 + np.exp(log_var) - 1 - log_var).sum(axis=1)
    return np.mean(bce) + vae.beta * np.mean(kl)


# --- Sampling -------------------------------------------------------------------------------------
def test_sampling_forward_is_mu_plus_sigma_eps_and_draws_only_in_training():
    rng = np.random.default_rng(0)
    mu, log_var = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    layer = Sampling(seed=5)
    z = layer.forward([mu, log_var], training=True)
    assert np.array_equal(layer.eps, np.random.default_rng(5).standard_normal((4, 3)))  # the seed's draws
    assert np.allclose(z, mu + np.sqrt(np.exp(log_var)) * layer.eps, rtol=1e-15, atol=1e-15)
    assert np.array_equal(layer.sigma, np.exp(0.5 * log_var)) and layer.z is z
    second = layer.forward((mu, log_var), training=True)
    assert not np.allclose(second, z)  # a new eps each call
    assert np.array_equal(layer.forward([mu, log_var]), mu) and not np.any(layer.eps)  # inference: z = mu
    eps = rng.normal(size=(4, 3))
    for training in (False, True):
        assert np.array_equal(layer.forward([mu, log_var], training=training, eps=eps), mu + np.exp(0.5 * log_var) * eps)
    assert layer.params() == [] and layer.weights() == [] and not layer.trainable and layer.penalty() == 0.0
    assert layer.name == "sampling" and Sampling(name="s").name == "s" and repr(layer) == "Sampling()"


def test_sampling_draws_are_standard_normal():
    eps = Sampling(seed=1).forward([np.zeros((20000, 2)), np.zeros((20000, 2))], training=True)
    assert abs(eps.mean()) < 0.02 and abs(eps.std() - 1) < 0.02
    z = Sampling(seed=1).forward([np.full((20000, 1), 3.0), np.full((20000, 1), np.log(4.0))], training=True)
    assert abs(z.mean() - 3) < 0.05 and abs(z.std() - 2) < 0.05  # N(mu, exp(log_var)): sigma = 2


def test_sampling_backward_matches_central_differences():
    rng = np.random.default_rng(2)
    mu, log_var, eps, g = (rng.normal(size=(5, 2)) for _ in range(4))
    layer = Sampling(seed=0)
    layer.forward([mu, log_var], training=True, eps=eps)
    d_mu, d_log_var = layer.backward(g)
    f = lambda: float(np.sum(layer.forward([mu, log_var], eps=eps) * g))  # noqa: E731
    assert rel_error(d_mu, central_difference(f, mu)) < 1e-8
    assert rel_error(d_log_var, central_difference(f, log_var)) < 1e-8
    assert np.array_equal(d_mu, g)
    layer.forward([mu, log_var])  # at inference z = mu: log_var gets no gradient
    assert np.array_equal(layer.backward(g)[1], np.zeros_like(g))


def test_sampling_refusals_by_name():
    layer, x = Sampling(), np.zeros((3, 2))
    assert text(lambda: layer.forward(x), TypeError) == (
        "Sampling takes a pair [mu, log_var] (Keras: Sampling()([z_mean, z_log_var])), got ndarray.")
    assert text(lambda: layer.forward([x, x, x]), TypeError).startswith("Sampling takes a pair [mu, log_var]")
    assert text(lambda: layer.forward([x, np.zeros((3, 3))])) == (
        "mu has shape (3, 2) but log_var has shape (3, 3); they must match.")
    assert text(lambda: layer.forward([x, x], eps=np.zeros((3, 1)))) == (
        "eps has shape (3, 1) but mu has shape (3, 2); give one draw per latent number of every sample.")
    assert text(lambda: layer.forward([x[0], x[0]])).startswith("mu must be 2-D, got shape (2,).")
    assert text(lambda: layer.forward([x, x + np.nan])).startswith("log_var contains 6 NaN or infinite value(s)")
    assert text(lambda: Sampling(seed=-1)) == "seed must be None, an integer >= 0 or a numpy Generator, got -1."
    assert text(lambda: Sampling(name=""), TypeError) == "name must be a non-empty string, got ''."


# --- the KL term --------------------------------------------------------------------------------
def test_gaussian_kl_is_the_formula_zero_only_at_the_prior_and_positive_elsewhere():
    rng = np.random.default_rng(3)
    mu, log_var = rng.normal(size=(6, 3)), rng.normal(size=(6, 3))
    kl, d_mu, d_log_var = gaussian_kl(mu, log_var)
    assert kl.shape == (6,) and d_mu.shape == d_log_var.shape == (6, 3)
    assert np.allclose(kl, [0.5 * sum(m**2 + np.exp(v) - 1 - v for m, v in zip(mr, vr))
                            for mr, vr in zip(mu, log_var)], rtol=1e-14)
    assert np.all(kl > 0)
    assert gaussian_kl(np.zeros((2, 4)), np.zeros((2, 4)))[0].tolist() == [0.0, 0.0]
    assert np.allclose(gaussian_kl([[2.0]], [[0.0]])[0], [2.0])  # mu^2 / 2
    assert np.allclose(gaussian_kl([[0.0]], [[np.log(4.0)]])[0], [0.5 * (4 - 1 - np.log(4))])
    d_mu[0, 0] = 99.0  # the gradient is a copy: changing it does not touch mu
    assert mu[0, 0] != 99.0


def test_gaussian_kl_equals_a_monte_carlo_estimate_of_e_q_log_q_over_p():
    mu, log_var = np.array([[0.7, -1.2]]), np.array([[-0.5, 0.8]])
    rng = np.random.default_rng(4)
    sigma = np.exp(0.5 * log_var)
    z = mu + sigma * rng.standard_normal((400_000, 2))
    log_q = -0.5 * (((z - mu) / sigma) ** 2 + log_var + np.log(2 * np.pi)).sum(axis=1)
    log_p = -0.5 * (z**2 + np.log(2 * np.pi)).sum(axis=1)
    estimate, spread = np.mean(log_q - log_p), np.std(log_q - log_p) / np.sqrt(len(z))
    assert abs(gaussian_kl(mu, log_var)[0][0] - estimate) < 4 * spread


def test_gaussian_kl_gradient_matches_central_differences():
    rng = np.random.default_rng(5)
    mu, log_var, w = rng.normal(size=(4, 3)), rng.normal(size=(4, 3)), rng.normal(size=4)
    _, d_mu, d_log_var = gaussian_kl(mu, log_var)
    f = lambda: float(np.sum(gaussian_kl(mu, log_var)[0] * w))  # noqa: E731
    assert rel_error(d_mu * w[:, None], central_difference(f, mu)) < 1e-8
    assert rel_error(d_log_var * w[:, None], central_difference(f, log_var)) < 1e-8
    assert text(lambda: gaussian_kl(mu, log_var[:, :2])) == (
        "mu has shape (4, 3) but log_var has shape (4, 2); they must match.")


# --- the VAE ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("hidden, activation, beta", [([8], "tanh", 1.0), ([6, 4], "relu", 0.5), ([], "tanh", 3.0),
                                                      ([8], "tanh", 0.0)])
def test_vae_loss_is_the_formula_and_every_gradient_matches_central_differences(hidden, activation, beta):
    X = digits()
    vae = VAE(64, hidden, 2, activation=activation, beta=beta, seed=1)
    rng = np.random.default_rng(6)
    for _, value in vae.weights():
        value += rng.normal(scale=0.1, size=value.shape)
    eps = rng.normal(size=(len(X), 2))
    loss, grads = vae.loss_and_grads(X, eps=eps)
    assert abs(loss - vae_loss_written_out(vae, X, eps)) < 1e-12 * loss
    assert loss == vae.reconstruction_loss + beta * vae.kl_loss and vae.kl_loss > 0
    assert np.array_equal(vae.logits, vae.decoder[-1].z) and np.array_equal(vae.sampling.eps, eps)
    f = lambda: vae_loss_written_out(vae, X, eps)  # noqa: E731
    for (name, w, _), g in zip(vae.params(), grads, strict=True):
        assert rel_error(g, central_difference(f, w)) < 1e-7, name
    x = X.copy()  # X as the encoder's input, the target held fixed
    f_input = lambda: float(vae.loss_and_grads(x, X, eps=eps)[0])  # noqa: E731
    vae.loss_and_grads(X, eps=eps)
    assert rel_error(vae.grad_input, central_difference(f_input, x)) < 1e-6  # small values, a loss of ~40
    assert len(grads) == 2 * len(vae.layers)


def test_vae_layout_names_and_bookkeeping():
    vae = VAE(64, [16, 8], 3, seed=0)
    assert [name for name, _ in vae.weights()] == [
        "encoder_1/W", "encoder_1/b", "encoder_2/W", "encoder_2/b", "z_mean/W", "z_mean/b", "z_log_var/W",
        "z_log_var/b", "decoder_1/W", "decoder_1/b", "decoder_2/W", "decoder_2/b", "reconstruction/W",
        "reconstruction/b"]
    assert [(layer.n_in, layer.n_out, layer.act.name) for layer in vae.layers] == [
        (64, 16, "relu"), (16, 8, "relu"), (8, 3, "linear"), (8, 3, "linear"), (3, 8, "relu"), (8, 16, "relu"),
        (16, 64, "sigmoid")]
    assert vae.count_params() == 64 * 16 + 16 + 16 * 8 + 8 + 2 * (8 * 3 + 3) + 3 * 8 + 8 + 8 * 16 + 16 + 16 * 64 + 64
    assert vae.n_in == 64 and vae.latent == 3 and vae.penalty() == 0.0
    assert all(np.array_equal(layer.b, np.zeros(layer.n_out)) for layer in vae.layers)  # Keras's zero biases
    assert [p[0] for p in vae.trainable_params()] == [p[0] for p in vae.params()]
    vae.z_mean.trainable = False
    assert "z_mean/W" not in [p[0] for p in vae.trainable_params()]
    assert repr(vae) == "VAE(n_in=64, hidden=[16, 8], latent=3, beta=1)"
    assert vae.summary().splitlines()[4] == "Sampling()"
    assert vae.summary().endswith(f"loss: reconstruction (BCE summed over 64 pixels) + 1 KL, parameters: "
                                  f"{vae.count_params()}")
    assert repr(VAE(4, [], 1, beta=0.5, seed=0)) == "VAE(n_in=4, hidden=[], latent=1, beta=0.5)"
    assert [layer.n_out for layer in VAE(5, 3, 2, seed=0).encoder] == [3]  # one width as a number
    weights = [w + 1 for w in vae.get_weights()]
    vae.set_weights(weights)
    assert all(np.array_equal(a, b) for a, b in zip(vae.get_weights(), weights))
    same = VAE(64, [16, 8], 3, seed=0)
    assert all(np.array_equal(a + 1, b) for a, b in zip(same.get_weights(), vae.get_weights()))


def test_vae_inference_encode_decode_and_generate():
    X = digits(5)
    vae = VAE(64, [8], 2, seed=2)
    mu, log_var = vae.encode(X)
    assert mu.shape == log_var.shape == (5, 2)
    x_hat = vae.forward(X)  # inference: z = mu, the same output every call
    assert np.array_equal(x_hat, vae.decode(mu)) and np.array_equal(vae.predict(X), x_hat)
    assert np.all((x_hat > 0) & (x_hat < 1))
    first = vae.evaluate(X)
    assert vae.evaluate(X) == first == vae.loss_and_grads(X, training=False)[0]
    sampled = vae.loss_and_grads(X)[0]  # training: a draw of eps
    assert sampled != first and vae.loss_and_grads(X)[0] != sampled
    assert vae.generate(3, seed=0).shape == (3, 64)
    assert np.array_equal(vae.generate(3, seed=0), vae.decode(np.random.default_rng(0).standard_normal((3, 2))))
    assert vae.evaluate(X, X[::-1]) != first  # another target


def test_vae_draws_are_reproducible_from_the_seed():
    X = digits(6)
    a, b = VAE(64, [8], 2, seed=4), VAE(64, [8], 2, seed=4)
    assert a.loss_and_grads(X)[0] == b.loss_and_grads(X)[0]
    assert np.array_equal(a.sampling.eps, b.sampling.eps) and np.any(a.sampling.eps)


def test_fit_trains_a_vae_and_beta_trades_reconstruction_for_kl():
    X = digits(120)
    results = {}
    for beta in (0.0, 1.0, 8.0):
        vae = VAE(64, [16], 2, beta=beta, seed=0)
        history = fit(vae, X, X, Adam(learning_rate=0.01), epochs=30, batch_size=30, verbose=0)
        assert history["loss"][-1] < 0.9 * history["loss"][0] and "accuracy" not in history.history
        vae.evaluate(X)
        results[beta] = (vae.reconstruction_loss, vae.kl_loss)
    (rec0, kl0), (rec1, kl1), (rec8, kl8) = results[0.0], results[1.0], results[8.0]
    assert kl0 > kl1 > kl8 and rec0 < rec8


def test_fit_with_validation_data_reports_the_vae_loss():
    X = digits(60)
    vae = VAE(64, [8], 2, seed=1)
    history = fit(vae, X[:40], X[:40], "sgd", learning_rate=0.01, epochs=2, batch_size=20,
                  validation_data=(X[40:], X[40:]), verbose=0)
    assert history["val_loss"][-1] == pytest.approx(vae.evaluate(X[40:]), rel=1e-15)


def test_vae_refusals_by_name():
    assert text(lambda: VAE(0)) == "VAE n_in must be an integer >= 1, got 0."
    assert text(lambda: VAE(64, [8], 0)) == "VAE latent must be an integer >= 1, got 0."
    assert text(lambda: VAE(64, [8, 0])) == "VAE hidden width must be an integer >= 1, got 0."
    assert text(lambda: VAE(64, "8"), TypeError) == "hidden must be a list of widths, e.g. [32] or [] (none), got '8'."
    assert text(lambda: VAE(64, [8], 2, beta=-1)) == "beta must be >= 0, got -1.0."
    assert text(lambda: VAE(64, [], 2, activation="sigmoidal")).startswith("Unknown activation 'sigmoidal'. Valid: ")
    assert text(lambda: VAE(64, seed=1.5)).startswith("seed must be None, an integer >= 0 or a numpy Generator")
    vae = VAE(64, [8], 2, seed=0)
    assert text(lambda: vae.forward(np.zeros((3, 63)))) == (
        "X has 63 features (shape (3, 63)) but the VAE expects 64.")
    assert text(lambda: vae.loss_and_grads(np.zeros((3, 64)), np.zeros((2, 64)))) == (
        "y must be the images to reconstruct, shape (3, 64), got (2, 64) (a VAE is trained with fit(vae, X, X)).")
    assert text(lambda: vae.decode(np.zeros((3, 3)))) == "z has 3 numbers per sample but the VAE's codes have 2."
    assert text(lambda: vae.loss_and_grads(np.zeros((3, 64)), eps=np.zeros((3, 1)))) == (
        "eps has shape (3, 1) but mu has shape (3, 2); give one draw per latent number of every sample.")
    assert text(lambda: vae.set_weights(vae.get_weights()[:-1])) == "expected 10 arrays, got 9."
    assert text(lambda: vae.set_weights([np.zeros(1)] * 10)) == (
        "encoder_1/W has shape (64, 8), got an array of shape (1,).")
    assert text(lambda: vae.generate(0)) == "n must be an integer >= 1, got 0."


# --- a plain autoencoder is a Sequential -----------------------------------------------------------
def test_a_dense_autoencoder_is_a_sequential_with_an_existing_loss():
    X = digits(40)
    model = Sequential([Dense(64, 16, "relu", seed=0), Dense(16, 2, seed=1), Dense(2, 16, "relu", seed=2),
                        Dense(16, 64, "sigmoid", seed=3)], loss="binary_crossentropy")
    errors = check_model(model, X[:6], X[:6])
    assert max(errors.values()) < 1e-6, errors
    loss, _ = model.loss_and_grads(X, X)
    x_hat = model.forward(X)
    assert abs(loss - np.mean(-(X * np.log(x_hat) + (1 - X) * np.log(1 - x_hat)))) < 1e-12
    history = fit(model, X, X, "adam", learning_rate=0.01, epochs=40, batch_size=20, verbose=0)
    assert history["loss"][-1] < 0.8 * history["loss"][0]
    code = model.layers[1].a  # the 2 numbers each image is squeezed through
    model.forward(X)
    assert model.layers[1].a.shape == (40, 2) and code.shape[1] == 2


def test_numerical_gradient_of_the_engine_agrees_on_a_vae():
    X = digits(4)
    vae = VAE(64, [4], 2, activation="tanh", seed=3)
    eps = np.random.default_rng(7).normal(size=(4, 2))
    vae.loss_and_grads(X, eps=eps)
    w = vae.z_log_var.W
    numeric = numerical_gradient(lambda: vae.loss_and_grads(X, eps=eps)[0], w, h=1e-6)
    vae.loss_and_grads(X, eps=eps)
    assert rel_error(vae.z_log_var.dW, numeric) < 1e-6
