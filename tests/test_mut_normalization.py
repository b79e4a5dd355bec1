"""BatchNormalization and LayerNormalization in NumPy only: the formulas written out here,
numerical gradients, properties (Hypothesis) and messages word for word; tests that fail when the
backward pass drops a term (mutation testing, docs/MUTATION.md). The Keras twins are in
tests/test_normalization.py."""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from dlteach.core import BatchNormalization, LayerNormalization, numerical_gradient, rel_error
from test_mutants import central_difference

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def text(make, error=ValueError):
    with pytest.raises(error) as err:
        make()
    return str(err.value)


def randomised(layer, seed=0):
    rng = np.random.default_rng(seed)
    for _, value, _ in layer.params():
        value[...] = rng.normal(size=value.shape)
    if isinstance(layer, BatchNormalization):
        layer.moving_mean[...] = rng.normal(size=layer.n_features)
        layer.moving_variance[...] = rng.uniform(0.5, 2.0, size=layer.n_features)
    return layer


# --- BatchNormalization: settings, layout, messages -----------------------------------------------
def test_batch_normalization_defaults_and_layout_are_keras_s():
    bn = BatchNormalization(3)
    assert (bn.momentum, bn.epsilon, bn.center, bn.scale, bn.name) == (0.99, 1e-3, True, True, "batch_normalization")
    assert bn.trainable and bn.n_features == 3
    assert [(n, v.tolist()) for n, v in bn.weights()] == [
        ("batch_normalization/gamma", [1.0, 1.0, 1.0]), ("batch_normalization/beta", [0.0, 0.0, 0.0]),
        ("batch_normalization/moving_mean", [0.0, 0.0, 0.0]), ("batch_normalization/moving_variance", [1.0, 1.0, 1.0])]
    assert [(n, v is w, g is d) for (n, v, g), w, d in zip(bn.params(), (bn.gamma, bn.beta), (bn.dgamma, bn.dbeta))] \
        == [("batch_normalization/gamma", True, True), ("batch_normalization/beta", True, True)]
    assert [n for n, _, _ in BatchNormalization(2, center=False).params()] == ["batch_normalization/gamma"]
    assert [n for n, _, _ in BatchNormalization(2, scale=False, name="bn").params()] == ["bn/beta"]
    assert [n for n, _ in BatchNormalization(2, scale=False, center=False).weights()] == [
        "batch_normalization/moving_mean", "batch_normalization/moving_variance"]
    assert repr(bn) == "BatchNormalization(3)"
    assert repr(BatchNormalization(2, momentum=0.9, epsilon=1e-5, center=False, scale=False)) == (
        "BatchNormalization(2, momentum=0.9, epsilon=1e-05, center=False, scale=False)")
    assert bn.penalty() == 0.0


def test_batch_normalization_messages_word_for_word():
    assert text(lambda: BatchNormalization(0)) == "BatchNormalization n_features must be an integer >= 1, got 0."
    assert text(lambda: BatchNormalization(2.0), TypeError) == (
        "BatchNormalization n_features must be an integer, got 2.0.")
    assert text(lambda: BatchNormalization(3, momentum=1.0)) == "momentum must be in [0, 1), got 1.0."
    assert text(lambda: BatchNormalization(3, momentum=-0.1)) == "momentum must be >= 0, got -0.1."
    assert text(lambda: BatchNormalization(3, momentum="0.9"), TypeError) == "momentum must be a number, got '0.9'."
    assert text(lambda: BatchNormalization(3, epsilon=0)) == "epsilon must be > 0, got 0.0."
    assert text(lambda: BatchNormalization(3, epsilon=-1e-3)) == "epsilon must be > 0, got -0.001."
    assert text(lambda: BatchNormalization(3, center="yes"), TypeError) == "center must be True or False, got 'yes'."
    assert text(lambda: BatchNormalization(3, scale=1), TypeError) == "scale must be True or False, got 1."
    assert text(lambda: BatchNormalization(3, name=""), TypeError) == "name must be a non-empty string, got ''."
    bn = BatchNormalization(3, name="bn")
    assert text(lambda: bn.forward(np.zeros((2, 4)), training=True)) == (
        "bn expects inputs of shape (n, ..., 3) with its 3 features on the last axis, got (2, 4).")
    assert text(lambda: bn.forward(np.zeros(3))) == (
        "bn expects inputs of shape (n, ..., 3) with its 3 features on the last axis, got (3,).")
    assert text(lambda: bn.forward(np.zeros((2, 5, 5, 2)))) == (
        "bn expects inputs of shape (n, ..., 3) with its 3 features on the last axis, got (2, 5, 5, 2).")
    BatchNormalization(3, momentum=0.0)  # the ends that are allowed
    BatchNormalization(3, epsilon=1e-12)


# --- BatchNormalization: the forward pass written out -----------------------------------------------
def test_training_uses_the_batch_statistics_and_moves_the_averages():
    bn = randomised(BatchNormalization(3, momentum=0.75, epsilon=0.01))
    mm, mv = bn.moving_mean.copy(), bn.moving_variance.copy()
    x = np.random.default_rng(1).normal(2.0, 3.0, size=(10, 3))
    mu = x.sum(axis=0) / 10
    var = ((x - mu) ** 2).sum(axis=0) / 10  # biased, as Keras
    out = bn.forward(x, training=True)
    assert np.allclose(out, bn.gamma * (x - mu) / np.sqrt(var + 0.01) + bn.beta, rtol=1e-14, atol=1e-14)
    assert np.allclose(bn.moving_mean, 0.75 * mm + 0.25 * mu, rtol=1e-15)
    assert np.allclose(bn.moving_variance, 0.75 * mv + 0.25 * var, rtol=1e-15)
    assert bn.batch_statistics


def test_inference_uses_the_moving_statistics_and_leaves_them():
    bn = randomised(BatchNormalization(3, epsilon=0.01))
    mm, mv = bn.moving_mean.copy(), bn.moving_variance.copy()
    x = np.random.default_rng(2).normal(size=(4, 3))
    expected = bn.gamma * (x - mm) / np.sqrt(mv + 0.01) + bn.beta
    assert np.allclose(bn.forward(x), expected, rtol=1e-14)
    assert np.allclose(bn.forward(x, training=False), expected, rtol=1e-14)
    assert np.array_equal(bn.moving_mean, mm) and np.array_equal(bn.moving_variance, mv)
    # one sample at inference does not depend on the others
    assert np.allclose(bn.forward(x[:1])[0], expected[0], rtol=1e-15)


def test_a_frozen_layer_runs_in_inference_mode_even_in_training():
    bn = randomised(BatchNormalization(3))
    bn.trainable = False
    mm = bn.moving_mean.copy()
    x = np.random.default_rng(3).normal(size=(6, 3))
    assert np.array_equal(bn.forward(x, training=True), bn.forward(x, training=False))
    assert np.array_equal(bn.moving_mean, mm) and not bn.batch_statistics
    assert bn.trainable_params() == [] and len(bn.params()) == 2


def test_momentum_zero_keeps_the_last_batch_and_images_use_every_pixel():
    bn = BatchNormalization(2, momentum=0.0)
    x = np.random.default_rng(4).normal(size=(3, 4, 5, 2))
    bn.forward(x, training=True)
    per_channel = x.reshape(-1, 2)  # n*h*w values per channel
    assert np.allclose(bn.moving_mean, per_channel.mean(axis=0), rtol=1e-14)
    assert np.allclose(bn.moving_variance, per_channel.var(axis=0), rtol=1e-14)


def test_a_batch_of_one_outputs_beta_and_passes_no_gradient():
    bn = randomised(BatchNormalization(4), seed=5)
    x = np.array([[100.0, -3.0, 0.5, 7.0]])
    mm, mv = bn.moving_mean.copy(), bn.moving_variance.copy()
    assert np.array_equal(bn.forward(x, training=True), bn.beta[None])
    assert np.array_equal(bn.backward(np.ones((1, 4))), np.zeros((1, 4)))
    assert np.array_equal(bn.moving_mean, mm * 0.99 + x[0] * (1 - 0.99))
    assert np.array_equal(bn.moving_variance, mv * 0.99 + 0.0 * (1 - 0.99))  # the batch variance is 0


def test_scale_and_center_off_fix_gamma_at_one_and_beta_at_zero():
    x = np.random.default_rng(6).normal(3.0, 2.0, size=(8, 2))
    plain = BatchNormalization(2, center=False, scale=False)
    out = plain.forward(x, training=True)
    assert np.allclose(out.mean(axis=0), 0, atol=1e-14)
    assert np.allclose(out, (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-3), rtol=1e-14)


# --- BatchNormalization: the backward pass ---------------------------------------------------------
def _check_bn_gradients(shape, training, settings=None, seed=0):
    rng = np.random.default_rng(seed)
    bn = randomised(BatchNormalization(shape[-1], **(settings or {})), seed)
    x = rng.normal(1.0, 2.0, size=shape)
    g = rng.normal(size=shape)

    def loss():
        return float(np.sum(bn.forward(x, training=training) * g))
    bn.forward(x, training=training)
    dx = bn.backward(g)
    analytic = {name: grad.copy() for name, _, grad in bn.params()}
    assert rel_error(dx, central_difference(loss, x)) < 1e-8
    for name, value, _ in bn.params():
        assert rel_error(analytic[name], numerical_gradient(loss, value)) < 1e-8, name
    return bn, x, g, dx


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("shape", [(7, 3), (2, 3), (2, 3, 4, 3)], ids=str)
def test_batch_normalization_gradients_match_central_differences(shape, training):
    _check_bn_gradients(shape, training)


@pytest.mark.parametrize("settings", [{"center": False}, {"scale": False}, {"epsilon": 0.5, "momentum": 0.0}], ids=str)
def test_batch_normalization_gradients_with_other_settings(settings):
    _check_bn_gradients((6, 2), True, settings)


def test_the_compact_formula_term_by_term():
    """dx = gamma / (m sigma) * (m g - sum g - x_hat sum(g x_hat)): each term written out."""
    bn, x, g, dx = _check_bn_gradients((9, 2), True, seed=7)
    m, mu, var = 9, x.mean(axis=0), x.var(axis=0)
    sigma = np.sqrt(var + bn.epsilon)
    x_hat = (x - mu) / sigma
    assert np.allclose(bn.dgamma, (g * x_hat).sum(axis=0), rtol=1e-13)
    assert np.allclose(bn.dbeta, g.sum(axis=0), rtol=1e-13)
    expected = bn.gamma / (m * sigma) * (m * g - g.sum(axis=0) - x_hat * (g * x_hat).sum(axis=0))
    assert np.allclose(dx, expected, rtol=1e-12, atol=1e-14)
    # each subtracted term matters: without one of them the result is measurably different
    assert not np.allclose(dx, bn.gamma / (m * sigma) * (m * g - g.sum(axis=0)), atol=1e-3)
    assert not np.allclose(dx, bn.gamma / (m * sigma) * (m * g - x_hat * (g * x_hat).sum(axis=0)), atol=1e-3)
    assert not np.allclose(dx, bn.gamma * g / sigma, atol=1e-3)  # the inference-mode gradient


def test_training_gradient_is_blind_to_shifting_and_scaling_a_column():
    """y does not change when a feature column is shifted or (almost, up to epsilon) scaled, so dx
    has no component along those directions: sum(dx) = 0 and, with epsilon -> 0, sum(dx x_hat) = 0.
    A backward that drops either subtracted term fails this."""
    bn = randomised(BatchNormalization(3, epsilon=1e-12), seed=8)
    x = np.random.default_rng(8).normal(size=(12, 3))
    bn.forward(x, training=True)
    dx = bn.backward(np.random.default_rng(9).normal(size=(12, 3)))
    assert np.allclose(dx.sum(axis=0), 0, atol=1e-12)
    assert np.allclose((dx * bn.x_hat).sum(axis=0), 0, atol=1e-10)


def test_inference_gradient_is_a_fixed_rescaling():
    bn = randomised(BatchNormalization(3, epsilon=0.1), seed=10)
    x, g = np.ones((4, 3)), np.arange(12.0).reshape(4, 3)
    bn.forward(x)
    assert np.allclose(bn.backward(g), g * bn.gamma / np.sqrt(bn.moving_variance + 0.1), rtol=1e-15)
    assert np.allclose(bn.dbeta, g.sum(axis=0)) and np.allclose(bn.dgamma, (g * bn.x_hat).sum(axis=0))


# --- LayerNormalization ----------------------------------------------------------------------------
def test_layer_normalization_defaults_layout_and_messages():
    ln = LayerNormalization(4)
    assert (ln.epsilon, ln.center, ln.scale, ln.name, ln.n_features) == (1e-3, True, True, "layer_normalization", 4)
    assert [n for n, _ in ln.weights()] == ["layer_normalization/gamma", "layer_normalization/beta"]
    assert [n for n, _, _ in LayerNormalization(2, scale=False).params()] == ["layer_normalization/beta"]
    assert [n for n, _, _ in LayerNormalization(2, center=False).params()] == ["layer_normalization/gamma"]
    assert repr(ln) == "LayerNormalization(4)"
    assert repr(LayerNormalization(4, epsilon=1e-6, center=False)) == (
        "LayerNormalization(4, epsilon=1e-06, center=False)")
    assert text(lambda: LayerNormalization(0)) == "LayerNormalization n_features must be an integer >= 1, got 0."
    assert text(lambda: LayerNormalization(3, epsilon=0.0)) == "epsilon must be > 0, got 0.0."
    assert text(lambda: LayerNormalization(3, scale="no"), TypeError) == "scale must be True or False, got 'no'."
    assert text(lambda: ln.forward(np.zeros((2, 3)))) == (
        "layer_normalization expects inputs of shape (n, ..., 4) with its 4 features on the last axis, got (2, 3).")


def test_layer_normalization_normalises_each_sample_the_same_in_both_modes():
    ln = randomised(LayerNormalization(5, epsilon=0.01), seed=11)
    x = np.random.default_rng(11).normal(3.0, 2.0, size=(4, 5))
    mu = x.mean(axis=1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=1, keepdims=True)
    expected = ln.gamma * (x - mu) / np.sqrt(var + 0.01) + ln.beta
    assert np.allclose(ln.forward(x), expected, rtol=1e-14)
    assert np.array_equal(ln.forward(x, training=True), ln.forward(x))
    assert np.allclose(ln.forward(x[2:3])[0], expected[2], rtol=1e-15)  # no dependence on the batch


@pytest.mark.parametrize("shape", [(5, 4), (1, 4), (2, 3, 4)], ids=str)
def test_layer_normalization_gradients_match_central_differences(shape):
    rng = np.random.default_rng(12)
    ln = randomised(LayerNormalization(4), seed=12)
    x, g = rng.normal(size=shape), rng.normal(size=shape)

    def loss():
        return float(np.sum(ln.forward(x) * g))
    ln.forward(x)
    dx = ln.backward(g)
    analytic = {name: grad.copy() for name, _, grad in ln.params()}
    assert rel_error(dx, central_difference(loss, x)) < 1e-8
    for name, value, _ in ln.params():
        assert rel_error(analytic[name], numerical_gradient(loss, value)) < 1e-8, name


def test_layer_normalization_keeps_gamma_inside_the_means():
    """gamma varies along the averaged axis, so BatchNormalization's factored formula is wrong here."""
    ln = randomised(LayerNormalization(6), seed=13)
    x, g = np.random.default_rng(13).normal(size=(3, 6)), np.random.default_rng(14).normal(size=(3, 6))
    ln.forward(x)
    dx = ln.backward(g)
    m, x_hat, sigma = 6, ln.x_hat, ln.sigma
    factored = ln.gamma / (m * sigma) * (m * g - g.sum(1, keepdims=True) - x_hat * (g * x_hat).sum(1, keepdims=True))
    assert not np.allclose(dx, factored, atol=1e-3)
    d = ln.gamma * g
    assert np.allclose(dx, (d - d.mean(1, keepdims=True) - x_hat * (d * x_hat).mean(1, keepdims=True)) / sigma,
                       rtol=1e-13, atol=1e-15)
    assert np.allclose(dx.sum(axis=1), 0, atol=1e-12)  # shifting a sample changes nothing


# --- properties (Hypothesis) ----------------------------------------------------------------------
columns = st.integers(2, 12).flatmap(lambda n: arrays(np.float64, (n, 3), elements=st.floats(-1e3, 1e3)))
factors = arrays(np.float64, 3, elements=st.floats(-5, 5))


@SETTINGS
@given(columns, factors, factors, st.floats(1e-6, 1.0))
def test_bn_output_per_feature_has_mean_beta_and_variance_gamma2_var_over_var_plus_eps(x, gamma, beta, eps):
    bn = BatchNormalization(3, epsilon=eps)
    bn.gamma[...], bn.beta[...] = gamma, beta
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        y = bn.forward(x, training=True)
    var = x.var(axis=0)
    noise = 1e-13 * (1 + np.abs(x).max(axis=0)) / np.sqrt(var + eps)  # round-off in x_hat: x's size over sigma
    assert np.all(np.abs(y.mean(axis=0) - beta) <= 10 * np.abs(gamma) * noise + 1e-13)
    assert np.allclose(y.var(axis=0), gamma ** 2 * var / (var + eps), rtol=1e-9, atol=0) or \
        np.all(np.abs(y.var(axis=0) - gamma ** 2 * var / (var + eps)) <= 10 * gamma ** 2 * noise + 1e-13)


@SETTINGS
@given(columns, arrays(np.float64, (12, 3), elements=st.floats(-10, 10)))
def test_bn_training_gradient_sums_to_zero_per_feature(x, g):
    bn = BatchNormalization(3)
    bn.forward(x, training=True)
    dx = bn.backward(g[:len(x)])
    assert np.all(np.isfinite(dx))
    scale = 1 + np.abs(g[:len(x)]).sum(axis=0) / bn.sigma
    assert np.all(np.abs(dx.sum(axis=0)) <= 1e-12 * scale)


@SETTINGS
@given(st.integers(1, 6).flatmap(lambda n: arrays(np.float64, (n, 5), elements=st.floats(-1e3, 1e3))))
def test_ln_output_per_sample_has_mean_0_and_variance_var_over_var_plus_eps(x):
    ln = LayerNormalization(5)
    y = ln.forward(x)
    var = x.var(axis=1)
    noise = 1e-13 * (1 + np.abs(x).max(axis=1)) / np.sqrt(var + 1e-3)  # round-off in x_hat
    assert np.all(np.abs(y.mean(axis=1)) <= 10 * noise)
    assert np.all(np.abs(y.var(axis=1) - var / (var + 1e-3)) <= 1e-9 * var / (var + 1e-3) + 10 * noise)
