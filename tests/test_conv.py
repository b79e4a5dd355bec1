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
    _assert_equals_keras(conv, x, rng, keras.layers.Conv2D(f, k, strides=s, padding=pad, activation=activation,
                                                           dtype="float64"), tol=1e-10)


def _assert_equals_keras(conv, x, rng, layer, tol):
    """conv's forward output and its gradients (input, kernel, bias) equal Keras's layer under tf.GradientTape."""
    a = conv.forward(x)
    g = rng.normal(size=a.shape)  # dL/da for L = sum(a * g)
    dx = conv.backward(g)
    layer.build(x.shape)
    assert layer.kernel.shape == conv.W.shape  # same layout (kh, kw, c_in, filters)
    layer.set_weights([conv.W, conv.b])
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        out = layer(xt)
        L = tf.reduce_sum(out * g)
    gx, gW, gb = tape.gradient(L, [xt, layer.kernel, layer.bias])
    assert a.shape == tuple(out.shape)
    assert np.max(np.abs(a - out.numpy())) < tol
    assert rel_error(dx, gx.numpy()) < tol
    assert rel_error(conv.dW, gW.numpy()) < tol and rel_error(conv.db, gb.numpy()) < tol


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


# --- non-square kernels and strides; pooling with its own strides and 'same' padding ------------
CASES_2D = [(7, 9, 2, 3, (1, 3), (1, 2), "valid"), (8, 6, 1, 2, (3, 2), (2, 1), "same"),
            (9, 9, 3, 2, (2, 4), (3, 2), "same"), (10, 7, 2, 4, (5, 1), 3, "valid"), (6, 11, 1, 3, 3, (1, 4), "same")]


@pytest.mark.parametrize("h,w,c,f,k,s,pad", CASES_2D)
def test_non_square_kernels_and_strides_equal_keras(h, w, c, f, k, s, pad):
    rng = np.random.default_rng(h * 31 + w)
    x = rng.normal(size=(2, h, w, c))
    conv = Conv2D(c, f, kernel_size=k, strides=s, padding=pad, activation="tanh", seed=2)
    conv.b[:] = rng.normal(size=f)
    _assert_equals_keras(conv, x, rng, keras.layers.Conv2D(f, k, strides=s, padding=pad, activation="tanh",
                                                           dtype="float64"), tol=1e-12)


POOLS = [((2, 8, 8, 3), 2, 1, "valid"), ((2, 7, 6, 2), 3, 2, "valid"), ((1, 7, 7, 2), 2, None, "same"),
         ((2, 9, 5, 1), (3, 2), (2, 1), "same"), ((1, 6, 10, 2), (2, 3), (3, 2), "valid"),
         ((2, 5, 5, 1), 2, 3, "same"), ((1, 8, 9, 2), 3, 1, "same")]


@pytest.mark.parametrize("shape,pool_size,strides,pad", POOLS)
def test_pooling_strides_and_same_padding_equal_keras(shape, pool_size, strides, pad):
    rng = np.random.default_rng(sum(shape))
    x = rng.normal(size=shape)
    pool = MaxPool2D(pool_size, strides=strides, padding=pad)
    a = pool.forward(x)
    g = rng.normal(size=a.shape)
    dx = pool.backward(g)
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        out = keras.layers.MaxPooling2D(pool_size, strides=strides, padding=pad, dtype="float64")(xt)
        L = tf.reduce_sum(out * g)
    assert a.shape == tuple(out.shape)
    assert np.max(np.abs(a - out.numpy())) == 0.0  # a maximum is exact
    assert rel_error(dx, tape.gradient(L, xt).numpy()) < 1e-12


@pytest.mark.parametrize("k,s,pad", [((2, 3), (1, 2), "same"), ((3, 1), (2, 1), "valid"), (2, 3, "same")])
def test_non_square_conv_backward_matches_numerical_gradient(k, s, pad):
    rng = np.random.default_rng(5)
    conv = Conv2D(2, 3, k, s, pad, "tanh", seed=1)
    conv.b[:] = rng.normal(size=3)
    x = rng.normal(size=(2, 6, 7, 2))
    g = rng.normal(size=conv.forward(x).shape)
    loss = lambda: float(np.sum(g * conv.forward(x)))  # noqa: E731
    conv.forward(x)
    dx = conv.backward(g)
    assert rel_error(dx, numerical_gradient(loss, x)) < 1e-7
    assert rel_error(conv.dW, numerical_gradient(loss, conv.W)) < 1e-7
    assert rel_error(conv.db, numerical_gradient(loss, conv.b)) < 1e-7


@pytest.mark.parametrize("pool_size,strides,pad", [(3, 1, "same"), ((2, 3), (1, 2), "valid"), (2, None, "same")])
def test_pooling_backward_matches_numerical_gradient(pool_size, strides, pad):
    rng = np.random.default_rng(6)
    x = rng.permutation(np.arange(2 * 7 * 6 * 2, dtype=float)).reshape(2, 7, 6, 2) / 10  # distinct: no ties
    pool = MaxPool2D(pool_size, strides, pad)
    g = rng.normal(size=pool.forward(x).shape)
    pool.forward(x)
    dx = pool.backward(g)
    assert rel_error(dx, numerical_gradient(lambda: float(np.sum(g * pool.forward(x))), x)) < 1e-8
    if strides != pool_size and strides is not None:  # overlapping windows: one pixel can win several
        assert dx.ravel()[np.abs(dx.ravel()) > 0].size < np.count_nonzero(g)


def test_layer_settings_are_checked_with_a_clear_message():
    with pytest.raises(TypeError, match="kernel_size must be an integer, got 2.5"):
        Conv2D(1, 2, kernel_size=2.5)
    with pytest.raises(ValueError, match=r"kernel_size must be an integer or a pair \(height, width\), got \(1, 2, 3\)"):
        Conv2D(1, 2, kernel_size=(1, 2, 3))
    with pytest.raises(ValueError, match=r"strides\[1\] must be an integer >= 1, got 0"):
        Conv2D(1, 2, strides=(1, 0))
    with pytest.raises(ValueError, match="filters must be an integer >= 1, got 0"):
        Conv2D(1, 0)
    with pytest.raises(TypeError, match="c_in must be an integer, got True"):
        Conv2D(True, 2)
    with pytest.raises(ValueError, match="seed must be None, an integer >= 0 or a numpy Generator, got -1"):
        Conv2D(1, 2, seed=-1)
    with pytest.raises(TypeError, match="Conv2D.*unexpected keyword argument 'stride'"):
        Conv2D(1, 2, stride=2)
    with pytest.raises(ValueError, match="Unknown activation 'sigmoidal'"):
        Conv2D(1, 2, activation="sigmoidal")
    with pytest.raises(ValueError, match="pool_size must be an integer >= 1, got 0"):
        MaxPool2D(0)
    with pytest.raises(ValueError, match=r"strides\[0\] must be an integer >= 1, got -1"):
        MaxPool2D(2, strides=(-1, 1))
    with pytest.raises(ValueError, match="Unknown padding 'full'"):
        MaxPool2D(2, padding="full")
    with pytest.raises(ValueError, match=r"max_pool expects images \(n, height, width, channels\), got shape "
                                         r"\(8, 8, 1\). For one image add the batch axis: x\[None\]"):
        MaxPool2D(2).forward(np.zeros((8, 8, 1)))
    with pytest.raises(ValueError, match="a 3x3 window does not fit in 2x2 images with padding 'valid'"):
        MaxPool2D(3).forward(np.zeros((1, 2, 2, 1)))
    with pytest.raises(ValueError, match="x contains 4 NaN"):
        MaxPool2D(2).forward(np.where(np.eye(4)[None, :, :, None] > 0, np.nan, 0.0))
    assert MaxPool2D(3, padding="same").forward(np.ones((1, 2, 2, 1))).shape == (1, 1, 1, 1)
    assert repr(MaxPool2D(2)) == "MaxPool2D(2)" and "strides=(1, 2)" in repr(MaxPool2D(2, (1, 2)))
    assert repr(Conv2D(1, 4, (3, 1), (2, 2), "same")) == "Conv2D(4 filters 3x1, strides 2, same, linear)"
