"""Residual blocks against Keras's functional API (x + F(x) with keras.layers.Add) in float64:
gradients under tf.GradientTape and training with fit against model.fit (the NumPy-only checks
are in tests/test_mut_residual.py)."""
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


def residual_mlp(width=8, blocks=2, norm=True):
    """Dense(2 -> width) -> blocks x [x + Dense -> BN -> relu -> Dense] -> Dense(width -> 1, sigmoid)."""
    layers = [dt.Dense(2, width, "relu", seed=0, name="stem")]
    for b in range(blocks):
        inner = [dt.Dense(width, width, seed=10 + b)]
        inner += [dt.BatchNormalization(width, momentum=0.9)] if norm else []
        inner += [dt.ActivationLayer("relu"), dt.Dense(width, width, seed=20 + b)]
        layers.append(dt.Residual(inner, name=f"block{b}"))
    layers.append(dt.Dense(width, 1, "sigmoid", seed=1, name="head"))
    return dt.Sequential(layers, loss="binary_crossentropy")


def keras_residual_mlp(width=8, blocks=2, norm=True):
    """The same network written by hand with Keras's functional API: out = layers.Add()([x, F(x)])."""
    inputs = keras.Input(shape=(2,), dtype="float64")
    x = keras.layers.Dense(width, "relu", dtype="float64", name="stem")(inputs)
    for b in range(blocks):
        h = keras.layers.Dense(width, dtype="float64", name=f"block{b}_dense_0")(x)
        if norm:
            h = keras.layers.BatchNormalization(momentum=0.9, dtype="float64", name=f"block{b}_bn")(h)
        h = keras.layers.Activation("relu", dtype="float64", name=f"block{b}_relu")(h)
        h = keras.layers.Dense(width, dtype="float64", name=f"block{b}_dense_{3 if norm else 2}")(h)
        x = keras.layers.Add(dtype="float64", name=f"block{b}")([x, h])
    out = keras.layers.Dense(1, "sigmoid", dtype="float64", name="head")(x)
    return keras.Model(inputs, out)


def _data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2)) * [2.0, 0.5] + [1.0, -1.0]
    return X, (np.sin(X[:, 0]) + X[:, 1] > -1.0).astype(float)


@pytest.mark.parametrize("norm", [True, False], ids=["with_bn", "without_bn"])
def test_keras_functional_model_has_our_weight_order(norm):
    model, kmodel = residual_mlp(norm=norm), keras_residual_mlp(norm=norm)
    ours = [name.rsplit("/", 1)[0].replace("/", "_") for name, _ in model.weights()]
    theirs = [w.path.rsplit("/", 1)[0] for w in kmodel.weights]
    if norm:
        ours = [n.replace("batch_normalization", "bn") for n in ours]
    assert ours == theirs
    assert [v.shape for v in model.get_weights()] == [tuple(w.shape) for w in kmodel.weights]
    assert model.count_params() == kmodel.count_params()


@pytest.mark.parametrize("training", [False, True])
def test_residual_gradients_equal_gradient_tape(training):
    X, y = _data(24)
    model = residual_mlp()
    rng = np.random.default_rng(4)
    for _, value in model.weights():
        value += rng.normal(scale=0.2, size=value.shape)
    kmodel = keras_residual_mlp()
    kmodel.set_weights(model.get_weights())
    loss, grads = model.loss_and_grads(X, y, training=training)
    k_loss, k_grads = kt.keras_loss_and_gradients(kmodel, X, y, model.loss, training=training)
    assert abs(loss - k_loss) <= twin_tol(1e-12) * k_loss
    for (name, _, _), a, b in zip(model.params(), grads, k_grads, strict=True):
        assert close(a, b, twin_tol(1e-12)), name
    assert kt.max_weight_difference(model, kmodel) < twin_tol(1e-12)  # moving statistics moved alike


def test_the_input_gradient_adds_both_paths_as_in_tensorflow():
    rng = np.random.default_rng(8)
    block = dt.Residual([dt.Dense(4, 4, "tanh", seed=2), dt.LayerNormalization(4), dt.Dense(4, 4, seed=3)])
    x, g = rng.normal(size=(5, 4)), rng.normal(size=(5, 4))
    out = block.forward(x, training=True)
    dx = block.backward(g)
    kmodel = kt.to_keras(dt.Sequential([block]), input_shape=(4,))
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        k_out = kmodel(xt, training=True)
        L = tf.reduce_sum(k_out * g)
    assert close(out, k_out.numpy(), twin_tol(1e-12)) and close(dx, tape.gradient(L, xt).numpy(), twin_tol(1e-12))


@pytest.mark.parametrize("by_hand", [True, False], ids=["keras_by_hand", "keras_twin"])
@pytest.mark.parametrize("kwargs", [{"learning_rate": 0.1}, {"learning_rate": 0.05, "momentum": 0.9}], ids=str)
def test_fit_of_a_residual_mlp_equals_keras_model_fit(kwargs, by_hand):
    X, y = _data()
    model = residual_mlp()
    if by_hand:
        kmodel = keras_residual_mlp()
        kmodel.set_weights(model.get_weights())
        with kt.floatx("float64"):
            kmodel.compile(optimizer=keras.optimizers.SGD(**kwargs), loss=keras.losses.BinaryCrossentropy(),
                           metrics=["accuracy"])
            k_history = kmodel.fit(X, y[:, None], epochs=5, batch_size=16, shuffle=False, verbose=0).history
    else:
        kmodel, k_history = kt.keras_fit(model, X, y, "sgd", epochs=5, batch_size=16, shuffle=False, **kwargs)
    history = dt.fit(model, X, y, "sgd", epochs=5, batch_size=16, shuffle=False, verbose=0, **kwargs)
    assert kt.max_weight_difference(model, kmodel) < twin_tol(1e-10)  # moving statistics included
    assert np.allclose(history["loss"], k_history["loss"], rtol=twin_tol(1e-10), atol=0)
    assert history["loss"][-1] < history["loss"][0]


def test_to_keras_builds_a_functional_model_only_for_residual_blocks():
    plain = dt.Sequential([dt.Dense(2, 3, seed=0), dt.BatchNormalization(3), dt.ActivationLayer("tanh"),
                           dt.Dense(3, 1, seed=1)])
    assert isinstance(kt.to_keras(plain), keras.Sequential)
    kmodel = kt.to_keras(residual_mlp())
    assert not isinstance(kmodel, keras.Sequential)
    assert [type(layer).__name__ for layer in kmodel.layers].count("Add") == 2
    assert "block1_batch_normalization" in [layer.name for layer in kmodel.layers]
