import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from dlteach.core import ACTIVATIONS, derivative, get_activation, numerical_gradient, rel_error, softmax_jacobian

NAMES = sorted(ACTIVATIONS)
SHAPES = [(1, 1), (4, 3), (7, 10)]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("shape", SHAPES)
def test_backward_matches_numerical_gradient(name, shape, rng):
    act = get_activation(name)
    z = rng.normal(scale=2.0, size=shape)
    z[np.abs(z) < 1e-3] = 0.5  # keep away from the kink of relu / leaky relu
    g = rng.normal(size=shape)  # an upstream gradient dL/da, so L = sum(g * f(z))
    a = act.forward(z)
    analytic = act.backward(z, a, g)
    numeric = numerical_gradient(lambda: float(np.sum(g * act.forward(z))), z)
    assert rel_error(analytic, numeric) < 1e-7


@pytest.mark.parametrize("name", [n for n in NAMES if n != "softmax"])
def test_elementwise_derivative_matches_finite_differences(name):
    z = np.linspace(-4, 4, 81) + 0.0123  # avoid z == 0 exactly
    h = 1e-6
    f = get_activation(name).forward
    assert np.allclose(derivative(name, z), (f(z + h) - f(z - h)) / (2 * h), atol=1e-8)


def test_known_values():
    assert get_activation("sigmoid")(np.array([0.0]))[0] == 0.5
    assert get_activation("relu")(np.array([-2.0, 3.0])).tolist() == [0.0, 3.0]
    assert get_activation("leaky_relu")(np.array([-2.0, 3.0])) == pytest.approx([-0.4, 3.0], rel=1e-7)
    assert np.allclose(get_activation("softmax")(np.array([[0.0, np.log(3.0)]])), [[0.25, 0.75]])


def test_softmax_jacobian_agrees_with_backward(rng):
    z = rng.normal(size=(1, 5))
    a = get_activation("softmax")(z)
    g = rng.normal(size=(1, 5))
    assert np.allclose(g[0] @ softmax_jacobian(a[0]), get_activation("softmax").backward(z, a, g)[0])


def test_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match=r"Unknown activation 'sigmod'.*sigmoid"):
        get_activation("sigmod")
    with pytest.raises(TypeError, match="by name"):
        get_activation(3)
    with pytest.raises(ValueError, match="softmax has no elementwise derivative"):
        derivative("softmax", np.zeros(3))


def test_names_are_forgiving_about_case_and_dashes():
    assert get_activation("Leaky-ReLU").name == "leaky_relu"


finite = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 6)), elements=finite))
def test_activations_stay_finite_and_in_range_at_extremes(z):
    for name in NAMES:
        act = get_activation(name)
        a = act.forward(z)
        assert np.all(np.isfinite(a)), name
        assert np.all(np.isfinite(act.backward(z, a, np.ones_like(z)))), name
    s = get_activation("sigmoid")(z)
    assert np.all((s >= 0) & (s <= 1))
    p = get_activation("softmax")(z)
    assert np.allclose(p.sum(axis=1), 1.0) and np.all(p >= 0)
    assert np.all(np.abs(np.tanh(z)) <= 1)


# ---------------------------------------------------------------- ELU, SELU, GELU (lesson 02)

NEW = ["elu", "selu", "gelu"]


@pytest.mark.parametrize("name", NEW)
def test_new_activation_derivatives_match_central_differences(name):
    z = np.r_[np.linspace(-6, 6, 121) + 0.0123, -30.0, 25.0]
    f = get_activation(name).forward
    h = 1e-6
    numeric = (f(z + h) - f(z - h)) / (2 * h)
    assert np.max(np.abs(derivative(name, z) - numeric)) < 1e-8


@pytest.mark.parametrize("name", NEW)
def test_new_activations_and_gradients_match_keras_in_float64(name):
    import keras  # TensorFlow is a hard dependency: fail, never skip, without it
    import tensorflow as tf
    z = np.r_[np.linspace(-30, 30, 241), 0.0, -1e-9, 1e-9, -700.0, 700.0]
    g = np.linspace(-2, 2, z.size)  # an upstream gradient dL/da
    zt = tf.constant(z)
    with tf.GradientTape() as tape:
        tape.watch(zt)
        a = keras.activations.get(name)(zt)
    grad = tape.gradient(a, zt, output_gradients=tf.constant(g)).numpy()
    act = get_activation(name)
    mine = act.forward(z)
    assert np.max(np.abs(mine - a.numpy())) < 1e-12 * (1 + np.abs(z)).max()
    assert rel_error(mine, a.numpy()) < 1e-14
    assert rel_error(act.backward(z, mine, g), grad) < 1e-14


def test_new_activations_known_values():
    assert get_activation("elu")(np.array([-800.0, 0.0, 2.0])).tolist() == [-1.0, 0.0, 2.0]
    selu = get_activation("selu")(np.array([-50.0, 1.0]))
    assert selu[0] == pytest.approx(-1.0507009873554805 * 1.6732632423543772, rel=1e-15)
    assert selu[1] == pytest.approx(1.0507009873554805, rel=1e-15)
    gelu = get_activation("gelu")(np.array([0.0, 1.0, -1.0, 40.0, -40.0]))
    assert gelu[0] == 0.0 and gelu[3] == 40.0 and -1e-300 < gelu[4] <= 0.0
    assert gelu[1] == pytest.approx(0.8413447, rel=1e-6) and gelu[2] == pytest.approx(-0.1586553, rel=1e-6)
    # slopes: ELU and GELU are smooth at 0, SELU's slope jumps from 1.7581 to 1.0507
    assert derivative("elu", np.array([-1e-12, 1e-12])) == pytest.approx([1.0, 1.0])
    assert derivative("gelu", np.array([0.0]))[0] == pytest.approx(0.5, rel=1e-7)
    assert derivative("selu", np.array([-1e-12, 1e-12])) == pytest.approx([1.7580993408473766, 1.0507009873554805])


@pytest.mark.parametrize("name", NEW)
def test_new_activations_take_a_single_number(name):
    a = get_activation(name)(3)
    assert np.shape(a) == () and np.isfinite(a)
    assert np.shape(derivative(name, -2.0)) == () and np.isfinite(derivative(name, -2.0))
