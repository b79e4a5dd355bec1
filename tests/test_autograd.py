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
