"""Conv2D / MaxPool2D / Flatten: defaults, messages word for word, and gradients where the
windows overlap along one axis only (mutation testing, docs/MUTATION.md; the loop references
are in tests/test_mutants.py)."""
import numpy as np
import pytest

from dlteach.core import Conv2D, Flatten, MaxPool2D
from test_mutants import central_difference, conv_by_loops, maxpool_by_loops


def text(make, error=ValueError):
    with pytest.raises(error) as err:
        make()
    return str(err.value)


def test_conv2d_defaults_are_keras_s():
    layer = Conv2D(2, 5, seed=0)
    assert layer.W.shape == (3, 3, 2, 5) and layer.kernel_size == (3, 3) and layer.strides == (1, 1)
    assert layer.padding == "valid" and layer.act.name == "linear" and layer.name == "conv2d"
    limit = np.sqrt(6 / (9 * 2 + 9 * 5))
    assert np.array_equal(layer.W, np.random.default_rng(0).uniform(-limit, limit, (3, 3, 2, 5)))
    x = np.random.default_rng(1).normal(size=(1, 4, 4, 2))
    assert layer.forward(x).shape == (1, 2, 2, 5)


def test_pool_and_flatten_defaults():
    pool = MaxPool2D()
    assert pool.pool_size == (2, 2) and pool.strides == (2, 2) and pool.padding == "valid"
    assert pool.name == "max_pool" and Flatten().name == "flatten" and Flatten(name="f").name == "f"
    assert pool.forward(np.arange(16.0).reshape(1, 4, 4, 1))[0, :, :, 0].tolist() == [[5.0, 7.0], [13.0, 15.0]]
    x = np.arange(24.0).reshape(2, 3, 2, 2)
    assert Flatten().forward(x).shape == (2, 12)


@pytest.mark.parametrize("kernel,strides", [((3, 1), (1, 1)), ((1, 3), (1, 1)), ((2, 2), (1, 2)), ((2, 2), (2, 1)),
                                            ((2, 1), (1, 1)), ((2, 2), (2, 2)), ((3, 3), (3, 3))])
def test_conv2d_gradient_where_windows_overlap_along_one_axis(kernel, strides):
    rng = np.random.default_rng(sum(kernel) + 3 * sum(strides))
    x = rng.normal(size=(2, 6, 6, 2))
    layer = Conv2D(2, 3, kernel, strides=strides, seed=1)
    layer.b[...] = rng.normal(size=3)
    G = rng.normal(size=layer.forward(x).shape)
    dx = layer.backward(G)

    def loss():
        return float(np.sum(G * conv_by_loops(x, layer.W, layer.b, strides, "valid")))
    np.testing.assert_allclose(dx, central_difference(loss, x), rtol=0, atol=1e-7)
    np.testing.assert_allclose(layer.dW, central_difference(loss, layer.W), rtol=0, atol=1e-7)


@pytest.mark.parametrize("pool,strides", [((3, 1), (1, 1)), ((1, 3), (1, 1)), ((2, 2), (1, 2)), ((2, 2), (2, 1)),
                                          ((2, 1), (1, 1))])
def test_maxpool_gradient_where_windows_overlap_along_one_axis(pool, strides):
    rng = np.random.default_rng(5)
    x = rng.normal(size=(2, 6, 6, 2))
    layer = MaxPool2D(pool, strides=strides)
    out = layer.forward(x)
    np.testing.assert_array_equal(out, maxpool_by_loops(x, pool, strides, "valid"))
    G = rng.normal(size=out.shape)
    dx = layer.backward(G)

    def loss():
        return float(np.sum(G * maxpool_by_loops(x, pool, strides, "valid")))
    np.testing.assert_allclose(dx, central_difference(loss, x), rtol=0, atol=1e-7)


def test_image_messages_word_for_word():
    pool = MaxPool2D(name="pool")
    assert text(lambda: pool.forward(np.zeros((2, 3)))) == (
        "pool expects images (n, height, width, channels), got shape (2, 3).")
    assert text(lambda: pool.forward(np.zeros((2, 3, 3)))) == (
        "pool expects images (n, height, width, channels), got shape (2, 3, 3). For one image add the batch axis: "
        "x[None].")
    assert pool.forward(np.ones((1, 2, 2, 1)).tolist()).shape == (1, 1, 1, 1)  # nested lists are images too
    x = np.zeros((1, 4, 4, 1))
    x[0, 1, 1, 0] = np.nan
    assert text(lambda: Conv2D(1, 1, name="c").forward(x)) == (
        "x contains 1 NaN or infinite value(s); clean or impute the data first.")
    assert text(lambda: MaxPool2D().forward(x)) == "x contains 1 NaN or infinite value(s); clean or impute the data first."


def test_constructor_messages_word_for_word():
    assert text(lambda: Conv2D(0, 1)) == "c_in must be an integer >= 1, got 0."
    assert text(lambda: Conv2D(1, 0)) == "filters must be an integer >= 1, got 0."
    assert text(lambda: Conv2D(1, 1, kernel_size=0)) == "kernel_size must be an integer >= 1, got 0."
    assert text(lambda: Conv2D(1, 1, kernel_size=(2, 0))) == "kernel_size[1] must be an integer >= 1, got 0."
    assert text(lambda: Conv2D(1, 1, kernel_size=(0, 2))) == "kernel_size[0] must be an integer >= 1, got 0."
    assert text(lambda: Conv2D(1, 1, strides=0)) == "strides must be an integer >= 1, got 0."
    assert text(lambda: Conv2D(1, 1, strides=[1, 2, 3])) == (
        "strides must be an integer or a pair (height, width), got [1, 2, 3].")
    assert text(lambda: MaxPool2D(0)) == "pool_size must be an integer >= 1, got 0."
    assert text(lambda: MaxPool2D(2, strides=-1)) == "strides must be an integer >= 1, got -1."
    assert text(lambda: Conv2D(1, 1, seed=-1)) == "seed must be None, an integer >= 0 or a numpy Generator, got -1."
    assert text(lambda: Conv2D(1, 1, name=""), TypeError) == "name must be a non-empty string, got ''."
    assert text(lambda: Flatten(name=""), TypeError) == "name must be a non-empty string, got ''."
    assert text(lambda: Conv2D(1000, 1000, kernel_size=11)) == (
        "Conv2D(1000, 1000, kernel_size=(11, 11)) would have 121,000,000 weights (1.0 GB); the limit here is "
        "100,000,000. Check the sizes.")
    assert Conv2D(2, 3, kernel_size=(1, 4), strides=[2, 1]).strides == (2, 1)
