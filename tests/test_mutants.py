"""Tests written to kill the mutants that survived `make mutation` (docs/MUTATION.md).

Each test checks behaviour against an independent reference (a formula written out by hand, a
loop instead of a vectorised expression, a textbook value), never the code restated.
"""
import numpy as np
import pytest

from dlteach.core import Conv2D, Flatten, MaxPool2D
from dlteach.core.conv import _pads


def central_difference(f, x, eps=1e-6):
    """d f / d x by central differences, written here so that it shares no code with the engine."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        up = f()
        x[i] = old - eps
        down = f()
        x[i] = old
        grad[i] = (up - down) / (2 * eps)
    return grad


def tf_same_padding(size, k, s):
    """TensorFlow's rule for padding='same', written out: out = ceil(size / s), the total padding
    split with the odd pixel at the end."""
    out = int(np.ceil(size / s))
    total = max((out - 1) * s + k - size, 0)
    return total // 2, total - total // 2, out


def conv_by_loops(x, W, b, strides, padding):
    """The textbook convolution (cross-correlation), one output pixel at a time."""
    n, h, w, c = x.shape
    kh, kw, _, f = W.shape
    sh, sw = strides
    if padding == "same":
        top, bottom, oh = tf_same_padding(h, kh, sh)
        left, right, ow = tf_same_padding(w, kw, sw)
    else:
        top = bottom = left = right = 0
        oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
    xp = np.zeros((n, h + top + bottom, w + left + right, c))
    xp[:, top:top + h, left:left + w, :] = x
    z = np.zeros((n, oh, ow, f))
    for i in range(oh):
        for j in range(ow):
            patch = xp[:, i * sh:i * sh + kh, j * sw:j * sw + kw, :]  # (n, kh, kw, c)
            for q in range(f):
                z[:, i, j, q] = np.sum(patch * W[:, :, :, q], axis=(1, 2, 3)) + b[q]
    return z


def maxpool_by_loops(x, pool, strides, padding):
    n, h, w, c = x.shape
    (ph, pw), (sh, sw) = pool, strides
    if padding == "same":
        top, bottom, oh = tf_same_padding(h, ph, sh)
        left, right, ow = tf_same_padding(w, pw, sw)
    else:
        top = bottom = left = right = 0
        oh, ow = (h - ph) // sh + 1, (w - pw) // sw + 1
    xp = np.full((n, h + top + bottom, w + left + right, c), -np.inf)
    xp[:, top:top + h, left:left + w, :] = x
    out = np.zeros((n, oh, ow, c))
    for i in range(oh):
        for j in range(ow):
            out[:, i, j, :] = xp[:, i * sh:i * sh + ph, j * sw:j * sw + pw, :].max(axis=(1, 2))
    return out


# ---------------------------------------------------------------- conv.py

CONV_CASES = [  # (h, w, c, filters, kernel_size, strides, padding)
    (5, 6, 2, 3, 3, 1, "valid"),
    (5, 6, 2, 3, 3, 1, "same"),
    (6, 7, 1, 2, (3, 2), (2, 1), "same"),     # odd total padding: the extra pixel goes bottom/right
    (7, 5, 2, 2, (2, 3), (1, 2), "valid"),
    (6, 6, 1, 2, 2, 2, "valid"),              # kernel == stride: patches do not overlap
    (5, 5, 2, 1, 4, 3, "same"),
]


@pytest.mark.parametrize("h, w, c, f, k, s, padding", CONV_CASES)
def test_conv2d_equals_the_loop_convolution_and_its_central_differences(h, w, c, f, k, s, padding):
    rng = np.random.default_rng(h * 100 + w)
    layer = Conv2D(c, f, kernel_size=k, strides=s, padding=padding, activation="tanh", seed=1)
    layer.b[...] = rng.normal(size=f)
    x = rng.normal(size=(2, h, w, c))
    kk = (k, k) if isinstance(k, int) else k
    ss = (s, s) if isinstance(s, int) else s
    a = layer.forward(x)
    z = conv_by_loops(x, layer.W, layer.b, ss, padding)
    np.testing.assert_allclose(a, np.tanh(z), rtol=0, atol=1e-13)
    assert layer.W.shape == (*kk, c, f)

    # L = sum(G * a) for a fixed random G, so dL/da = G
    G = rng.normal(size=a.shape)
    dx = layer.backward(G)

    def loss():
        return float(np.sum(G * np.tanh(conv_by_loops(x, layer.W, layer.b, ss, padding))))

    np.testing.assert_allclose(dx, central_difference(loss, x), rtol=0, atol=1e-7)
    np.testing.assert_allclose(layer.dW, central_difference(loss, layer.W), rtol=0, atol=1e-7)
    np.testing.assert_allclose(layer.db, central_difference(loss, layer.b), rtol=0, atol=1e-7)


# (not "tensorflow" in the name: the mutation run's -k filter drops such tests as TF tests)
@pytest.mark.parametrize("size, k, s", [(5, 3, 1), (6, 3, 2), (7, 2, 3), (4, 5, 1), (9, 4, 4), (1, 3, 2),
                                        (4, 2, 2), (6, 1, 1)])
def test_same_padding_follows_the_tf_rule_and_valid_pads_nothing(size, k, s):
    assert _pads(size, k, s, "same") == tf_same_padding(size, k, s)
    if k <= size:
        assert _pads(size, k, s, "valid") == (0, 0, (size - k) // s + 1)


def test_conv2d_initial_weights_are_glorot_uniform_over_the_kernel_fans():
    # Keras: limit = sqrt(6 / (fan_in + fan_out)), fan_in = kh*kw*c_in, fan_out = kh*kw*filters
    layer = Conv2D(4, 16, kernel_size=(3, 2), seed=0)
    limit = np.sqrt(6 / (3 * 2 * 4 + 3 * 2 * 16))
    assert np.all(np.abs(layer.W) <= limit) and np.max(np.abs(layer.W)) > 0.97 * limit
    std = limit / np.sqrt(3)  # of U(-limit, limit); the mean of N draws has std std / sqrt(N)
    assert abs(layer.W.mean()) < 4 * std / np.sqrt(layer.W.size) and abs(layer.W.std() / std - 1) < 0.1
    assert np.all(layer.b == 0)
    np.testing.assert_array_equal(layer.W, Conv2D(4, 16, kernel_size=(3, 2), seed=0).W)
    assert not np.array_equal(layer.W, Conv2D(4, 16, kernel_size=(3, 2), seed=1).W)
    names = [name for name, _, _ in Conv2D(1, 1, name="c1").params()]
    assert names == ["c1/W", "c1/b"]


@pytest.mark.parametrize("pool, strides, padding", [
    (2, None, "valid"), (3, 2, "valid"), ((2, 3), (1, 2), "same"), (3, 2, "same"), (2, 1, "valid"),
])
def test_maxpool_equals_the_loop_maximum_and_routes_gradients_to_it(pool, strides, padding):
    rng = np.random.default_rng(7)
    x = rng.normal(size=(2, 6, 7, 2))
    layer = MaxPool2D(pool, strides=strides, padding=padding)
    pp = (pool, pool) if isinstance(pool, int) else pool
    ss = pp if strides is None else ((strides, strides) if isinstance(strides, int) else strides)
    out = layer.forward(x)
    np.testing.assert_array_equal(out, maxpool_by_loops(x, pp, ss, padding))
    G = rng.normal(size=out.shape)
    dx = layer.backward(G)

    def loss():
        return float(np.sum(G * maxpool_by_loops(x, pp, ss, padding)))

    np.testing.assert_allclose(dx, central_difference(loss, x), rtol=0, atol=1e-7)
    assert layer.params() == [] and layer.trainable is False


def test_flatten_is_keras_channels_last_order_and_back():
    x = np.arange(2 * 3 * 2 * 4, dtype=float).reshape(2, 3, 2, 4)
    layer = Flatten()
    out = layer.forward(x)
    assert out.shape == (2, 24)
    np.testing.assert_array_equal(out[1], [x[1, i, j, c] for i in range(3) for j in range(2) for c in range(4)])
    np.testing.assert_array_equal(layer.backward(out + 1), x + 1)


def test_layer_summaries_read_like_keras():
    assert repr(Conv2D(1, 8, kernel_size=(3, 2), strides=(2, 1), padding="same", activation="relu")) == \
        "Conv2D(8 filters 3x2, strides (2, 1), same, relu)"
    assert repr(Conv2D(3, 4, 5, strides=2)) == "Conv2D(4 filters 5x5, strides 2, valid, linear)"
    assert repr(MaxPool2D(2)) == "MaxPool2D(2)"
    assert repr(MaxPool2D((2, 3), strides=1, padding="same")) == "MaxPool2D((2, 3), strides=(1, 1), padding='same')"
    assert repr(MaxPool2D(2, strides=2, padding="same")) == "MaxPool2D(2, strides=(2, 2), padding='same')"
    assert repr(Flatten()) == "Flatten()"


def test_conv_input_errors_name_the_shape_and_the_fix():
    layer = Conv2D(2, 1, 3, name="c")
    with pytest.raises(ValueError, match=r"c expects images \(n, height, width, 2\), got shape \(4, 4, 2\)\. "
                                         r"For one image add the batch axis: x\[None\]"):
        layer.forward(np.zeros((4, 4, 2)))
    with pytest.raises(ValueError, match=r"got shape \(4, 4\)\.$"):
        layer.forward(np.zeros((4, 4)).tolist())
    with pytest.raises(ValueError, match=r"c expects images \(n, height, width, 2\), got shape \(1, 4, 4, 3\)\.$"):
        layer.forward(np.zeros((1, 4, 4, 3)))
    with pytest.raises(ValueError, match="a 3x3 window does not fit in 2x5 images with padding 'valid'"):
        layer.forward(np.zeros((1, 2, 5, 2)))
    with pytest.raises(ValueError, match=r"MaxPool2D: a 200x200 window with padding 'same' on 3x3 images would pad "
                                         r"them to 200x200; use a window no larger than the image\."):
        MaxPool2D(200, padding="same", name="MaxPool2D").forward(np.zeros((1, 3, 3, 1)))
    MaxPool2D(3, padding="same").forward(np.zeros((1, 3, 3, 1)))  # a window as large as the image is fine
    with pytest.raises(ValueError, match=r"kernel_size must be an integer or a pair \(height, width\), got \(1, 2, 3\)"):
        Conv2D(1, 1, kernel_size=(1, 2, 3))
    with pytest.raises(ValueError, match=r"strides\[1\]"):
        MaxPool2D(2, strides=(1, 0))
    with pytest.raises(ValueError, match="padding"):
        Conv2D(1, 1, padding="full")


# ---------------------------------------------------------------- optimizers.py

@pytest.mark.parametrize("centered", [False, True])
@pytest.mark.parametrize("momentum", [0.0, 0.5])
def test_rmsprop_follows_the_keras_update_rule_written_out_per_weight(centered, momentum):
    """Keras 3's RMSprop, one scalar at a time:
    v <- rho v + (1 - rho) g^2;  centered: avg <- rho avg + (1 - rho) g, denominator = v - avg^2 + eps
    increment = lr g / sqrt(denominator);  momentum: m <- momentum m + increment, w <- w - m."""
    from dlteach.core import RMSprop
    rng = np.random.default_rng(3)
    lr, rho, eps = 0.01, 0.8, 1e-3
    opt = RMSprop(lr, rho=rho, momentum=momentum, epsilon=eps, centered=centered)
    w = rng.normal(size=3)
    w_ref = w.copy()
    v, avg, m = np.zeros(3), np.zeros(3), np.zeros(3)
    for _ in range(5):
        g = rng.normal(size=3)
        opt.step([("w", w, g.copy())])
        for j in range(3):
            v[j] = rho * v[j] + (1 - rho) * g[j] ** 2
            denominator = v[j] + eps
            if centered:
                avg[j] = rho * avg[j] + (1 - rho) * g[j]
                denominator = v[j] - avg[j] ** 2 + eps
            increment = lr * g[j] / denominator ** 0.5
            if momentum:
                m[j] = momentum * m[j] + increment
                w_ref[j] -= m[j]
            else:
                w_ref[j] -= increment
        np.testing.assert_allclose(w, w_ref, rtol=1e-13, atol=0)
