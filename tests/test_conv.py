"""Conv2D, MaxPool2D and Flatten: numerical gradients and Keras/TensorFlow in float64."""
import numpy as np
import pytest

from dlteach.core import MLP, Conv2D, Dense, Flatten, MaxPool2D, Sequential, check_model, numerical_gradient, rel_error

import keras  # noqa: E402  TensorFlow is a hard dependency: these tests fail, never skip, without it
import tensorflow as tf  # noqa: E402

CASES = [(8, 8, 1, 4, 3, 1, "valid"), (8, 8, 2, 3, 3, 1, "same"), (9, 7, 3, 2, 3, 2, "same"),
         (10, 10, 2, 5, 5, 2, "valid"), (6, 6, 1, 2, 2, 2, "same"), (5, 5, 2, 3, 1, 1, "valid")]


@pytest.mark.parametrize("h,w,c,f,k,s,pad", CASES)
@pytest.mark.parametrize("activation", ["linear", "relu", "tanh"])
def test_conv2d_forward_and_backward_equal_keras(h, w, c, f, k, s, pad, activation):
    rng = np.random.default_rng(h * 100 + k)
    x = rng.normal(size=(3, h, w, c))
    conv = Conv2D(c, f, k, s, pad, activation, seed=1)
    conv.b[:] = rng.normal(size=f)
    a = conv.forward(x)
    g = rng.normal(size=a.shape)
    dx = conv.backward(g)
    layer = keras.layers.Conv2D(f, k, strides=s, padding=pad, activation=activation, dtype="float64")
    layer.build(x.shape)
    layer.set_weights([conv.W, conv.b])
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        out = layer(xt)
        L = tf.reduce_sum(out * g)
    gx, gW, gb = tape.gradient(L, [xt, layer.kernel, layer.bias])
    assert a.shape == tuple(out.shape)
    assert np.max(np.abs(a - out.numpy())) < 1e-10
    assert rel_error(dx, gx.numpy()) < 1e-10
    assert rel_error(conv.dW, gW.numpy()) < 1e-10
    assert rel_error(conv.db, gb.numpy()) < 1e-10


@pytest.mark.parametrize("shape,size", [((2, 8, 8, 3), 2), ((2, 7, 6, 1), 2), ((1, 9, 9, 2), 3)])
def test_maxpool_forward_and_backward_equal_keras(shape, size):
    rng = np.random.default_rng(0)
    x = rng.normal(size=shape)
    pool = MaxPool2D(size)
    a = pool.forward(x)
    g = rng.normal(size=a.shape)
    dx = pool.backward(g)
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        out = keras.layers.MaxPooling2D(size, dtype="float64")(xt)
        L = tf.reduce_sum(out * g)
    assert np.max(np.abs(a - out.numpy())) < 1e-12
    assert rel_error(dx, tape.gradient(L, xt).numpy()) < 1e-12


def test_conv_backward_matches_numerical_gradient():
    rng = np.random.default_rng(3)
    conv = Conv2D(2, 3, 3, 2, "same", "tanh", seed=0)
    x = rng.normal(size=(2, 5, 6, 2))
    g = rng.normal(size=conv.forward(x).shape)
    loss = lambda: float(np.sum(g * conv.forward(x)))  # noqa: E731
    conv.forward(x)
    dx = conv.backward(g)
    assert rel_error(dx, numerical_gradient(loss, x)) < 1e-7
    assert rel_error(conv.dW, numerical_gradient(loss, conv.W)) < 1e-7


def test_a_small_cnn_passes_the_whole_model_gradient_check():
    rng = np.random.default_rng(0)
    model = Sequential([Conv2D(1, 3, 3, 1, "same", "relu", seed=0), MaxPool2D(2), Flatten(),
                        Dense(3 * 4 * 4, 4, "softmax", seed=0)], loss="categorical_crossentropy")
    X = rng.normal(size=(5, 8, 8, 1))
    y = np.eye(4)[rng.integers(0, 4, 5)]
    assert max(check_model(model, X, y).values()) < 1e-7


def test_conv_errors_name_the_problem():
    with pytest.raises(ValueError, match=r"expects images \(n, height, width, 1\), got shape \(2, 64\)"):
        Conv2D(1, 2).forward(np.zeros((2, 64)))
    with pytest.raises(ValueError, match="does not fit in 2x2 images.*padding='same'"):
        Conv2D(1, 2, 3).forward(np.zeros((1, 2, 2, 1)))
    with pytest.raises(ValueError, match="Unknown padding 'full'"):
        Conv2D(1, 2, padding="full")
    with pytest.raises(ValueError, match=r"X must be 4-D|expects images \(n, height, width, 1\), got shape \(3, 64\)"):
        Sequential([Conv2D(1, 2), Flatten(), Dense(72, 1)]).forward(np.zeros((3, 64)))
    assert MLP([2, 1]).forward(np.zeros((1, 2))).shape == (1, 1)  # dense models unchanged
