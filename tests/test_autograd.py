import math

import numpy as np
import pytest

from dlteach.core import Dense, Value


def numeric(f, xs, h=1e-6):
    out = []
    for i in range(len(xs)):
        up = list(xs); up[i] += h
        dn = list(xs); dn[i] -= h
        out.append((f(*up) - f(*dn)) / (2 * h))
    return out


@pytest.mark.parametrize("f", [
    lambda a, b: a * b + b ** 3,
    lambda a, b: (a * b).tanh(),
    lambda a, b: (a - b).exp() / (b + 3.5),
    lambda a, b: (a * 2 + b).sigmoid() * (a - 0.3).relu(),
    lambda a, b: 1 / (a ** 2 + 1) - b * -1.5,
    lambda a, b: (a * a + 1).log() * b,
    lambda a, b: 2 ** (a * b) + 0.5 ** b,
    lambda a, b: (b * b + a).log() ** 0.5 - (a + 2) ** (1 / 3),
])
def test_value_gradients_match_finite_differences(f):
    xs = [0.7, -1.3]
    a, b = Value(xs[0]), Value(xs[1])
    out = f(a, b)
    out.backward()
    num = numeric(lambda x, y: f(Value(x), Value(y)).data, xs)
    assert a.grad == pytest.approx(num[0], rel=1e-7, abs=1e-9)
    assert b.grad == pytest.approx(num[1], rel=1e-7, abs=1e-9)


def test_one_neuron_matches_the_dense_layer_backward():
    x = [0.5, -1.5]
    w = [0.8, 0.3]
    bias = -0.2
    xv = [Value(v) for v in x]
    wv = [Value(v) for v in w]
    bv = Value(bias)
    a = (xv[0] * wv[0] + xv[1] * wv[1] + bv).tanh()
    a.backward()
    layer = Dense(2, 1, "tanh")
    layer.W[:, 0] = w
    layer.b[:] = bias
    assert layer.forward(np.array([x]))[0, 0] == pytest.approx(a.data, rel=1e-15)
    dx = layer.backward(np.ones((1, 1)))
    assert [v.grad for v in wv] == pytest.approx(layer.dW[:, 0].tolist(), rel=1e-14)
    assert bv.grad == pytest.approx(layer.db[0], rel=1e-14)
    assert [v.grad for v in xv] == pytest.approx(dx[0].tolist(), rel=1e-14)


def test_reused_value_accumulates_gradient():
    a = Value(3.0)
    out = a * a + a  # d/da = 2a + 1
    out.backward()
    assert a.grad == 7.0
    out.backward()  # calling again does not double count
    assert a.grad == 7.0


def test_bad_values():
    with pytest.raises(TypeError, match="one number"):
        Value("3")
    with pytest.raises(TypeError, match="constant power"):
        Value(2.0) ** Value(2.0)
    assert Value(np.float64(2.0)).data == 2.0
    assert math.isclose(Value(-800.0).sigmoid().data, 0.0, abs_tol=1e-300)


def test_log_rpow_and_fractional_powers_equal_tensorflow():
    import tensorflow as tf
    f = lambda a, b, log, pow_: log(a * a + 1) * b + pow_(2.0, a * b) - pow_(a + 2, 1 / 3) + pow_(b * b, 0.5)
    xs = (0.7, -1.3)
    a, b = Value(xs[0]), Value(xs[1])
    out = f(a, b, lambda v: v.log(), lambda x, k: x ** k)
    out.backward()
    ta, tb = (tf.Variable(x, dtype=tf.float64) for x in xs)
    with tf.GradientTape() as tape:
        t_out = f(ta, tb, tf.math.log, tf.pow)
    ga, gb = tape.gradient(t_out, [ta, tb])
    assert out.data == pytest.approx(float(t_out), rel=1e-14)
    assert a.grad == pytest.approx(float(ga), rel=1e-13)
    assert b.grad == pytest.approx(float(gb), rel=1e-13)


@pytest.mark.parametrize("make,match", [
    (lambda: Value(-8.0) ** (1 / 3), r"negative number has no real power 0.333"),
    (lambda: Value(0.0).log(), "logarithm needs a number > 0"),
    (lambda: Value(-1.0).log(), "logarithm needs a number > 0"),
    (lambda: (-2) ** Value(1.0), "needs a base > 0"),
    (lambda: 0 ** Value(1.0), "needs a base > 0"),
    (lambda: Value(0.0) ** -1, "divides by zero"),
    (lambda: 1 / Value(0.0), "divides by zero"),
    (lambda: Value(1e200) * Value(1e200), r"result of '\*' is inf"),
    (lambda: Value(1e200) ** 2, "overflows"),
    (lambda: Value(800.0).exp(), "overflows"),
    (lambda: Value(float("nan")), "finite number"),
    (lambda: Value(2.0) ** float("inf"), "finite number"),
])
def test_impossible_operations_raise_a_clear_value_error(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_integer_powers_of_negatives_work_and_zero_power_derivatives():
    v = Value(-2.0)
    out = v ** 3
    out.backward()
    assert out.data == -8.0 and v.grad == 12.0
    w = Value(-8.0)
    (w ** 2.0).backward()  # 2.0 is an integer power
    assert w.grad == -16.0
    z = Value(0.0)
    with pytest.raises(ValueError, match="derivative of x \\*\\* 0.5 at x = 0 is infinite"):
        (z ** 0.5).backward()
