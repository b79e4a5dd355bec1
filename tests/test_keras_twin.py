"""The from-scratch engine against TensorFlow/Keras, in float64 (and float32 where stated)."""
import keras  # a hard dependency: plain imports, so these tests fail (never skip) without it
import numpy as np
import pytest
import tensorflow as tf

import dlteach as dt
from dlteach import keras_twin as kt
from dlteach.core import ACTIVATIONS, binary_crossentropy, categorical_crossentropy, mse, rel_error
from twin_tolerance import twin_tol

LOSSES = [  # (loss, output activation, n_out)
    ("mse", "linear", 2),
    ("binary_crossentropy", "sigmoid", 1),
    ("binary_crossentropy_from_logits", "linear", 1),
    ("categorical_crossentropy", "softmax", 3),
    ("categorical_crossentropy_from_logits", "linear", 3),
]


def targets(loss, n, n_out, rng):
    if "binary" in loss:
        return (rng.random((n, n_out)) > 0.5).astype(float)
    if "categorical" in loss:
        return np.eye(n_out)[rng.integers(0, n_out, n)]
    return rng.normal(size=(n, n_out))


@pytest.mark.parametrize("loss,out_act,n_out", LOSSES, ids=[l[0] for l in LOSSES])
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("depth", range(7))
def test_gradients_equal_gradient_tape(depth, activation, loss, out_act, n_out):
    rng = np.random.default_rng(depth * 100 + len(activation))
    sizes = [3] + list(rng.integers(2, 6, depth)) + [n_out]
    model = dt.MLP(sizes, activation, out_act, loss, l1=0.003, l2=0.01, seed=depth)
    for _, value, _ in model.params():
        if value.ndim == 1:
            value[...] = rng.normal(scale=0.1, size=value.shape)
    X = rng.normal(size=(17, 3))
    y = targets(loss, 17, n_out, rng)
    ours_loss, ours = model.loss_and_grads(X, y, training=False)
    kmodel = kt.to_keras(model)
    keras_loss, theirs = kt.keras_loss_and_gradients(kmodel, X, y, model.loss)
    assert abs(ours_loss - keras_loss) <= twin_tol(1e-12) * abs(keras_loss)
    for (name, _, _), a, b in zip(model.params(), ours, theirs):
        assert rel_error(a, b) < twin_tol(1e-10), name


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activations_and_their_gradients_equal_keras(name):
    z = np.random.default_rng(0).normal(scale=3, size=(6, 4))
    zt = tf.constant(z)
    with tf.GradientTape() as tape:
        tape.watch(zt)
        a = keras.activations.get(name)(zt)
        g = tf.reduce_sum(a * tf.constant(np.arange(24.0).reshape(6, 4)))
    act = dt.get_activation(name)
    ours = act.forward(z)
    assert np.max(np.abs(ours - a.numpy())) < 1e-15
    grad = act.backward(z, ours, np.arange(24.0).reshape(6, 4))
    assert rel_error(grad, tape.gradient(g, zt).numpy()) < 1e-14


@pytest.mark.parametrize("p_edge", [0.0, 1.0, 1e-9, 0.3])
def test_losses_from_probabilities_equal_keras_including_the_clip(p_edge):
    rng = np.random.default_rng(1)
    p = rng.uniform(0.01, 0.99, size=(8, 3))
    p[0, 0] = p_edge
    y_bin = (rng.random((8, 3)) > 0.5).astype(float)
    y_hot = np.eye(3)[rng.integers(0, 3, 8)]
    for ours, kloss, y in ((binary_crossentropy, keras.losses.BinaryCrossentropy(dtype="float64"), y_bin),
                           (categorical_crossentropy, keras.losses.CategoricalCrossentropy(dtype="float64"), y_hot),
                           (mse, keras.losses.MeanSquaredError(dtype="float64"), y_bin)):
        pt = tf.constant(p)
        with tf.GradientTape() as tape:
            tape.watch(pt)
            value = kloss(tf.constant(y), pt)
        v, g = ours(y, p)
        assert abs(v - float(value)) <= 1e-13 * abs(float(value)), ours.__name__
        assert rel_error(g, tape.gradient(value, pt).numpy()) < 1e-12, ours.__name__


@pytest.mark.parametrize("y", [0.0, 1.0, 0.3])
@pytest.mark.parametrize("z", [20.0, 36.5, 40.0, 1000.0, -1000.0, -40.0, 0.0])
def test_bce_from_logits_is_accurate_at_large_logits(z, y):
    """sigmoid(z) - y would cancel for y = 1 and large z (21 % off at z = 36.5, 0 at z = 40);
    TensorFlow stays accurate there, and so must we: 1e-15 relative."""
    zt = tf.constant([[z]], dtype="float64")
    with tf.GradientTape() as tape:
        tape.watch(zt)
        value = keras.losses.BinaryCrossentropy(from_logits=True, dtype="float64")(
            tf.constant([[y]], dtype="float64"), zt)
    k_grad = tape.gradient(value, zt).numpy()[0, 0]
    ours, grad = binary_crossentropy([[y]], [[z]], from_logits=True)
    assert abs(ours - float(value)) <= 1e-15 * abs(float(value))
    assert abs(grad[0, 0] - k_grad) <= 1e-15 * abs(k_grad)
    if z == 40.0 and y == 1.0:
        assert grad[0, 0] == pytest.approx(-np.exp(-40.0), rel=1e-15)  # -4.2e-18, not 0


OPTIMIZERS = [("sgd", {}), ("sgd", {"momentum": 0.9}), ("sgd", {"momentum": 0.9, "nesterov": True}),
              ("rmsprop", {}), ("rmsprop", {"momentum": 0.5, "centered": True}), ("adam", {})]


@pytest.mark.parametrize("dtype,tol", [("float64", 1e-10), ("float32", 1e-5)])
@pytest.mark.parametrize("name,kwargs", OPTIMIZERS, ids=[f"{n}{kw}" for n, kw in OPTIMIZERS])
def test_100_step_trajectories_equal_keras_optimizers(name, kwargs, dtype, tol):
    rng = np.random.default_rng(7)
    X = rng.normal(size=(80, 2))
    y = (X[:, 0] ** 2 + X[:, 1] > 0.5).astype(float)
    model = dt.MLP([2, 8, 8, 1], "tanh", "sigmoid", "binary_crossentropy", l2=1e-3, seed=3)
    lr = 0.1 if name == "sgd" else 0.01
    result = kt.side_by_side(model, X, y, name, epochs=20, batch_size=16, seed=5, dtype=dtype,
                             learning_rate=lr, **kwargs)
    assert result["steps"] == 100
    assert max(result["weight_diff"]) < twin_tol(tol)
    assert np.allclose(result["ours"], result["keras"], rtol=twin_tol(1e-12) if dtype == "float64" else 1e-5)
    assert result["ours"][-1] < result["ours"][0]  # it did learn something


@pytest.mark.parametrize("out_act,loss,units", [("softmax", "categorical_crossentropy", 3),
                                                 ("sigmoid", "binary_crossentropy", 1)])
def test_fit_history_equals_keras_model_fit(out_act, loss, units):
    """Every history key, including Keras's running-mean accuracy, to 1e-12 in float64."""
    rng = np.random.default_rng(11)
    X, X_val = rng.normal(size=(90, 3)), rng.normal(size=(30, 3))
    W = rng.normal(size=(3, 3))
    y, y_val = (np.eye(3)[np.argmax(A @ W, axis=1)][:, :units] for A in (X, X_val))
    model = dt.MLP([3, 6, units], "relu", out_act, loss, l2=1e-3, seed=0)
    kmodel, khist = kt.keras_fit(model, X, y, "adam", epochs=15, batch_size=20, learning_rate=0.01,
                                 validation_data=(X_val, y_val))
    ours = dt.fit(model, X, y, "adam", epochs=15, batch_size=20, learning_rate=0.01, shuffle=False, verbose=0,
                  validation_data=(X_val, y_val))  # last batch is 10 of 20: means weighted by batch size
    assert set(khist) == set(ours.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    for key in khist:
        assert np.max(np.abs(np.array(khist[key]) - ours[key])) < twin_tol(1e-12), key
    assert kt.max_weight_difference(model, kmodel) < twin_tol(1e-12)


def test_round_trip_and_dropout_off_at_inference():
    model = dt.MLP([4, 7, 5, 2], "leaky_relu", "softmax", "categorical_crossentropy", l1=0.01, dropout=0.3, seed=2)
    kmodel = kt.to_keras(model)
    assert [type(l).__name__ for l in kmodel.layers] == ["Dense", "Dropout", "Dense", "Dropout", "Dense"]
    X = np.random.default_rng(0).normal(size=(10, 4))
    assert np.max(np.abs(model.predict(X) - kmodel(X, training=False).numpy())) < 1e-15
    back = kt.from_keras(kmodel, loss="categorical_crossentropy")
    assert repr(back) == repr(model)
    assert back.layers[0].reg.l1 == pytest.approx(0.01)
    assert all(np.array_equal(a, b) for a, b in zip(back.get_weights(), model.get_weights()))


def test_keras_twin_errors_are_clear():
    model = dt.MLP([2, 3, 1], dropout=0.5)
    with pytest.raises(ValueError, match="without dropout"):
        kt.side_by_side(model, np.zeros((4, 2)), np.zeros(4))
    with pytest.raises(ValueError, match="dtype must be 'float32' or 'float64'"):
        kt.to_keras(dt.MLP([2, 1]), dtype="float16")


def _cnn(seed=0):
    return dt.Sequential([dt.Conv2D(2, 3, (3, 2), activation="relu", seed=seed), dt.MaxPool2D(2), dt.Flatten(),
                          dt.Dense(12, 3, "softmax", l2=1e-3, seed=seed + 1)], loss="categorical_crossentropy")


def test_a_cnn_sequential_equals_keras_gradient_tape_and_model_fit():
    """4-D input through the whole Sequential (fit included): equal to Keras in float64."""
    rng = np.random.default_rng(3)
    X = rng.normal(size=(24, 7, 6, 2))
    Y = np.eye(3)[rng.integers(0, 3, 24)]
    model = _cnn()
    model.layers[0].b[...] = rng.normal(scale=0.1, size=3)
    ours, grads = model.loss_and_grads(X, Y)
    kmodel = kt.to_keras(model, input_shape=X.shape[1:])
    theirs, kgrads = kt.keras_loss_and_gradients(kmodel, X, Y, model.loss)
    assert abs(ours - theirs) <= twin_tol(1e-12) * abs(theirs)
    for (name, _, _), a, b in zip(model.params(), grads, kgrads):
        assert rel_error(a, b) < twin_tol(1e-12), name
    kmodel, khist = kt.keras_fit(model, X, Y, "adam", epochs=4, batch_size=8, learning_rate=0.01)
    h = dt.fit(model, X, Y, "adam", epochs=4, batch_size=8, learning_rate=0.01, shuffle=False, verbose=0)
    for key in ("loss", "accuracy"):
        assert np.max(np.abs(np.array(khist[key]) - h[key])) < twin_tol(1e-12), key
    assert kt.max_weight_difference(model, kmodel) < twin_tol(1e-12)
    with pytest.raises(ValueError, match="needs input_shape"):
        kt.to_keras(_cnn())


def test_fit_through_the_keras_trainer_gives_the_same_history():
    """fit(trainer=KerasTrainer): Keras takes the steps; loss and running-mean accuracy as without it."""
    rng = np.random.default_rng(5)
    X = rng.normal(size=(50, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(float)
    a, b = (dt.MLP([2, 6, 1], "tanh", "sigmoid", "binary_crossentropy", seed=4) for _ in range(2))
    ours = dt.fit(a, X, y, "adam", epochs=5, batch_size=16, learning_rate=0.05, verbose=0)
    twin = kt.KerasTrainer(b, dt.get_optimizer("adam", learning_rate=0.05))
    theirs = dt.fit(b, X, y, "adam", epochs=5, batch_size=16, learning_rate=0.05, verbose=0, trainer=twin)
    assert set(ours.history) == set(theirs.history) == {"loss", "accuracy"}
    for key in ours.history:
        assert np.max(np.abs(np.array(ours[key]) - theirs[key])) < twin_tol(1e-12), key
    assert twin.last_output.shape == (50 - 3 * 16, 1)  # the last batch's output, before its step
