"""BatchNormalization and LayerNormalization against Keras in float64: outputs and every gradient
under tf.GradientTape, the moving statistics after training-mode calls, and whole models trained
with fit against Keras's model.fit (the NumPy-only checks are in tests/test_mut_normalization.py)."""
import keras  # a hard dependency: plain imports, so these tests fail (never skip) without it
import numpy as np
import pytest
import tensorflow as tf

import dlteach as dt
from dlteach import keras_twin as kt
from twin_tolerance import twin_tol


def close(ours, theirs, tol):
    """max |ours - theirs| <= tol * max(1, max |theirs|): absolute near 0 (the gradient of a bias
    that a BatchNormalization follows is 0 up to round-off), relative for large values."""
    theirs = np.asarray(theirs, dtype=np.float64)
    return np.max(np.abs(ours - theirs)) <= tol * max(1.0, np.max(np.abs(theirs)))


def randomise(layer, rng):
    """Weights away from their initial ones (gamma 1, beta 0, moving statistics 0 and 1); a gamma
    or beta switched off (scale=False, center=False) stays 1 or 0, as it is not a weight then."""
    n = layer.n_features
    for _, value, _ in layer.params():
        value[...] = rng.normal(size=n)
    if isinstance(layer, dt.BatchNormalization):
        layer.moving_mean[...] = rng.normal(size=n)
        layer.moving_variance[...] = rng.uniform(0.2, 3.0, size=n)


def tape(klayer, x, g, training):
    """Keras's output and the gradients of sum(out * g) for x and the layer's trainable weights."""
    xt = tf.constant(x)
    with tf.GradientTape() as t:
        t.watch(xt)
        out = klayer(xt, training=training)
        L = tf.reduce_sum(out * g)
    grads = t.gradient(L, [xt] + klayer.trainable_weights)
    return out.numpy(), [gr.numpy() for gr in grads]


BN_SHAPES = [(16, 5), (1, 5), (2, 5), (4, 3, 6, 5), (1, 2, 2, 5)]
BN_SETTINGS = [{}, {"momentum": 0.5, "epsilon": 1e-5}, {"center": False}, {"scale": False},
               {"center": False, "scale": False, "momentum": 0.0, "epsilon": 0.3}]


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("settings", BN_SETTINGS, ids=repr)
@pytest.mark.parametrize("shape", BN_SHAPES, ids=str)
def test_batch_normalization_forward_and_gradients_equal_gradient_tape(shape, settings, training):
    rng = np.random.default_rng(len(shape) * 10 + shape[0])
    x = rng.normal(1.5, 2.0, size=shape)
    bn = dt.BatchNormalization(5, **settings)
    randomise(bn, rng)
    klayer = keras.layers.BatchNormalization(**settings, dtype="float64")
    klayer.build(shape)
    assert [w.name for w in klayer.weights] == [n.split("/")[1] for n, _ in bn.weights()]  # same layout
    klayer.set_weights([value.copy() for _, value in bn.weights()])
    out = bn.forward(x, training=training)
    g = rng.normal(size=out.shape)
    dx = bn.backward(g)
    k_out, k_grads = tape(klayer, x, g, training)
    assert close(out, k_out, twin_tol(1e-12))
    assert close(dx, k_grads[0], twin_tol(1e-12))
    for (name, _, grad), k_grad in zip(bn.params(), k_grads[1:], strict=True):
        assert close(grad, k_grad, twin_tol(1e-12)), name
    for (name, value), k_value in zip(bn.weights(), klayer.get_weights(), strict=True):  # moving statistics too
        assert close(value, k_value, twin_tol(1e-12)), name


def test_a_batch_of_one_outputs_beta_in_training_as_in_keras():
    """Variance 0: x_hat = 0, y = beta whatever x is, and no gradient reaches x (documented, not refused)."""
    rng = np.random.default_rng(3)
    bn = dt.BatchNormalization(4)
    randomise(bn, rng)
    klayer = keras.layers.BatchNormalization(dtype="float64")
    klayer.build((1, 4))
    klayer.set_weights([value.copy() for _, value in bn.weights()])
    x = rng.normal(size=(1, 4)) * 100
    out = bn.forward(x, training=True)
    k_out, k_grads = tape(klayer, x, np.ones((1, 4)), True)
    assert np.array_equal(out[0], bn.beta) and close(out, k_out, 1e-12)
    assert np.array_equal(bn.backward(np.ones((1, 4))), np.zeros((1, 4))) and close(k_grads[0], 0.0, 1e-12)


@pytest.mark.parametrize("shape", [(8, 3), (2, 4, 4, 3)], ids=str)
def test_moving_statistics_equal_keras_after_several_training_calls(shape):
    rng = np.random.default_rng(11)
    bn = dt.BatchNormalization(3, momentum=0.9)
    klayer = keras.layers.BatchNormalization(momentum=0.9, dtype="float64")
    klayer.build(shape)
    for step in range(12):
        x = rng.normal(step, 1 + step, size=shape)  # drifting statistics: the averages must follow
        bn.forward(x, training=True)
        klayer(tf.constant(x), training=True)
        x_test = rng.normal(size=shape)  # an inference call between: it must not move them
        assert close(bn.forward(x_test), klayer(tf.constant(x_test), training=False).numpy(), twin_tol(1e-12))
    k_mean, k_var = klayer.get_weights()[2:]
    assert close(bn.moving_mean, k_mean, twin_tol(1e-12)) and close(bn.moving_variance, k_var, twin_tol(1e-12))
    assert bn.moving_mean[0] > 3  # they did move away from 0 and 1


LN_SETTINGS = [{}, {"epsilon": 1e-6}, {"center": False}, {"scale": False}, {"center": False, "scale": False}]


@pytest.mark.parametrize("settings", LN_SETTINGS, ids=repr)
@pytest.mark.parametrize("shape", [(9, 6), (1, 6), (3, 4, 6), (2, 3, 3, 6)], ids=str)
def test_layer_normalization_forward_and_gradients_equal_gradient_tape(shape, settings):
    rng = np.random.default_rng(shape[0] + len(shape))
    x = rng.normal(-1.0, 3.0, size=shape)
    ln = dt.LayerNormalization(6, **settings)
    randomise(ln, rng)
    klayer = keras.layers.LayerNormalization(**settings, dtype="float64")
    klayer.build(shape)
    assert [w.name for w in klayer.weights] == [n.split("/")[1] for n, _ in ln.weights()]
    klayer.set_weights([value.copy() for _, value in ln.weights()])
    out = ln.forward(x, training=True)
    g = rng.normal(size=out.shape)
    dx = ln.backward(g)
    k_out, k_grads = tape(klayer, x, g, True)
    assert close(out, k_out, twin_tol(1e-12)) and close(dx, k_grads[0], twin_tol(1e-12))
    for (name, _, grad), k_grad in zip(ln.params(), k_grads[1:], strict=True):
        assert close(grad, k_grad, twin_tol(1e-12)), name


def test_keras_defaults_are_ours():
    kb, kl = keras.layers.BatchNormalization(), keras.layers.LayerNormalization()
    bn, ln = dt.BatchNormalization(3), dt.LayerNormalization(3)
    assert (bn.momentum, bn.epsilon, bn.center, bn.scale) == (kb.momentum, kb.epsilon, kb.center, kb.scale)
    assert (ln.epsilon, ln.center, ln.scale) == (kl.epsilon, kl.center, kl.scale)
    kb.build((2, 3))
    for (_, ours), theirs in zip(bn.weights(), kb.get_weights(), strict=True):
        assert np.array_equal(ours, theirs)


def _bn_mlp(norm="batch"):
    """Dense -> BatchNormalization (or LayerNormalization) -> relu -> Dense -> sigmoid."""
    layer = dt.BatchNormalization(8, momentum=0.8) if norm == "batch" else dt.LayerNormalization(8)
    return dt.Sequential([dt.Dense(2, 8, seed=0), layer, dt.ActivationLayer("relu"),
                          dt.Dense(8, 1, "sigmoid", seed=1)], loss="binary_crossentropy")


def _moons(n=96, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2)) * [1.0, 0.5] + [3.0, -2.0]  # off-centre and unequal: BN has work to do
    return X, (X[:, 0] - 3 + (X[:, 1] + 2) ** 2 > 0.2).astype(float)


@pytest.mark.parametrize("norm", ["batch", "layer"])
@pytest.mark.parametrize("optimizer,kwargs", [("sgd", {"learning_rate": 0.1}),
                                              ("sgd", {"learning_rate": 0.05, "momentum": 0.9})], ids=str)
def test_fit_equals_keras_model_fit(norm, optimizer, kwargs):
    X, y = _moons()
    model = _bn_mlp(norm)
    kmodel, k_history = kt.keras_fit(model, X, y, optimizer, epochs=6, batch_size=16, shuffle=False, **kwargs)
    history = dt.fit(model, X, y, optimizer, epochs=6, batch_size=16, shuffle=False, verbose=0, **kwargs)
    assert len(model.get_weights()) == len(kmodel.get_weights()) == (8 if norm == "batch" else 6)
    assert kt.max_weight_difference(model, kmodel) < twin_tol(1e-10)  # moving statistics included
    assert np.allclose(history["loss"], k_history["loss"], rtol=twin_tol(1e-10), atol=0)
    assert np.allclose(history["accuracy"], k_history["accuracy"], rtol=0, atol=1e-12)
    assert history["loss"][-1] < history["loss"][0]
    if norm == "batch":  # fit ran BN in training mode: the moving statistics followed the batches
        assert not np.allclose(model.layers[1].moving_mean, 0)
        X_test = np.random.default_rng(5).normal(size=(7, 2)) + [3.0, -2.0]
        assert close(model.predict(X_test), kmodel(tf.constant(X_test), training=False).numpy(), twin_tol(1e-10))


def test_bn_model_gradients_equal_gradient_tape_in_both_modes():
    X, y = _moons(40)
    for training in (False, True):
        model = _bn_mlp()
        for _, value in model.weights():
            value += np.random.default_rng(1).normal(scale=0.1, size=value.shape)
        kmodel = kt.to_keras(model)
        loss, grads = model.loss_and_grads(X, y, training=training)
        k_loss, k_grads = kt.keras_loss_and_gradients(kmodel, X, y, model.loss, training=training)
        assert abs(loss - k_loss) <= twin_tol(1e-12) * k_loss
        for (name, _, _), a, b in zip(model.params(), grads, k_grads, strict=True):
            assert close(a, b, twin_tol(1e-12)), name
        assert kt.max_weight_difference(model, kmodel) < twin_tol(1e-12)  # the same moving statistics after


def test_a_cnn_with_batch_normalization_equals_keras():
    """Conv2D is channels-last (NHWC), so BatchNormalization normalises each channel over n*h*w."""
    rng = np.random.default_rng(2)
    X = rng.normal(size=(12, 6, 6, 1))
    y = np.eye(3)[rng.integers(0, 3, 12)]
    model = dt.Sequential([dt.Conv2D(1, 4, 3, seed=0), dt.BatchNormalization(4), dt.ActivationLayer("relu"),
                           dt.Flatten(), dt.Dense(64, 3, "softmax", seed=1)], loss="categorical_crossentropy")
    kmodel, k_history = kt.keras_fit(model, X, y, "sgd", epochs=3, batch_size=4, learning_rate=0.05)
    history = dt.fit(model, X, y, "sgd", epochs=3, batch_size=4, shuffle=False, verbose=0, learning_rate=0.05)
    assert kt.max_weight_difference(model, kmodel) < twin_tol(1e-10)
    assert np.allclose(history["loss"], k_history["loss"], rtol=twin_tol(1e-10), atol=0)
