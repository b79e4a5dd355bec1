"""The scalar autograd engine op by op against derivatives written out by hand, its messages word
for word, and neuron_graph against the chain rule done on paper (mutation testing, docs/MUTATION.md)."""
import math

import pytest

from dlteach.core.autograd import Value, neuron_graph


def grad_of(f, *xs):
    values = [Value(x) for x in xs]
    out = f(*values)
    out.backward()
    return out.data, [v.grad for v in values]


@pytest.mark.parametrize("f,x,value,grad", [
    (lambda a: a + 2.5, 1.5, 4.0, 1.0),
    (lambda a: 2.5 + a, 1.5, 4.0, 1.0),
    (lambda a: a * 3.0, 1.5, 4.5, 3.0),
    (lambda a: 3.0 * a, 1.5, 4.5, 3.0),
    (lambda a: a - 4.0, 1.5, -2.5, 1.0),
    (lambda a: 4.0 - a, 1.5, 2.5, -1.0),
    (lambda a: -a, 1.5, -1.5, -1.0),
    (lambda a: a / 4.0, 2.0, 0.5, 0.25),
    (lambda a: 4.0 / a, 2.0, 2.0, -1.0),
    (lambda a: a ** 3, 2.0, 8.0, 12.0),
    (lambda a: a ** 0.5, 4.0, 2.0, 0.25),
    (lambda a: a ** -2, 2.0, 0.25, -0.25),
    (lambda a: a ** 0, 5.0, 1.0, 0.0),
    (lambda a: a ** 1, 0.0, 0.0, 1.0),
    (lambda a: a ** 2, 0.0, 0.0, 0.0),
    (lambda a: a ** 1.0, -3.0, -3.0, 1.0),
    (lambda a: 2.0 ** a, 3.0, 8.0, 8.0 * math.log(2.0)),
    (lambda a: 0.5 ** a, 2.0, 0.25, 0.25 * math.log(0.5)),
    (lambda a: a.log(), 4.0, math.log(4.0), 0.25),
    (lambda a: a.exp(), 2.0, math.exp(2.0), math.exp(2.0)),
    (lambda a: a.tanh(), 0.5, math.tanh(0.5), 1 - math.tanh(0.5) ** 2),
    (lambda a: a.sigmoid(), 1.5, 1 / (1 + math.exp(-1.5)), math.exp(-1.5) / (1 + math.exp(-1.5)) ** 2),
    (lambda a: a.sigmoid(), -1.5, 1 / (1 + math.exp(1.5)), math.exp(1.5) / (1 + math.exp(1.5)) ** 2),
    (lambda a: a.sigmoid(), 0.0, 0.5, 0.25),
    (lambda a: a.relu(), 1.5, 1.5, 1.0),
    (lambda a: a.relu(), -1.5, 0.0, 0.0),
    (lambda a: a.relu(), 0.0, 0.0, 0.0),
    (lambda a: (a * a).exp() * 3 - a.tanh() / 2, 0.3,
     3 * math.exp(0.09) - math.tanh(0.3) / 2, 3 * math.exp(0.09) * 0.6 - (1 - math.tanh(0.3) ** 2) / 2),
])
def test_each_op_value_and_derivative(f, x, value, grad):
    data, (g,) = grad_of(f, x)
    assert data == pytest.approx(value, rel=1e-15, abs=1e-300)
    assert g == pytest.approx(grad, rel=1e-14, abs=1e-300)


def test_two_inputs_and_shared_use():
    data, (ga, gb) = grad_of(lambda a, b: a * b + a / b - b, 3.0, 2.0)
    assert data == 3 * 2 + 1.5 - 2 and ga == pytest.approx(2 + 0.5) and gb == pytest.approx(3 - 3 / 4 - 1)
    data, (ga, gb) = grad_of(lambda a, b: a - b, 3.0, 2.0)
    assert (data, ga, gb) == (1.0, 1.0, -1.0)
    data, (ga, gb) = grad_of(lambda a, b: a / b, 3.0, 2.0)
    assert ga == 0.5 and gb == pytest.approx(-0.75, rel=1e-15)


def test_values_keep_their_graph():
    a, b = Value(2.0, label="a"), Value(3.0)
    c = a * b
    assert c._prev == (a, b) and c.op == "*" and c.label == "" and a.label == "a"
    assert (a + 1)._prev[0] is a and (a + 1).op == "+" and (a ** 2).op == "**2" and (a ** 0.5).op == "**0.5"
    assert (2 ** a).op == "2**" and a.log().op == "log" and a.exp().op == "exp" and a.tanh().op == "tanh"
    assert a.sigmoid().op == "sigmoid" and a.relu().op == "relu" and a.grad == 0.0 and a._prev == ()
    d = c + a
    assert d.topo() == [a, b, c, d]
    assert a._backward() is None  # a leaf sends nothing back


def test_backward_starts_from_one_and_resets_the_old_gradients():
    a = Value(2.0)
    out = a * a
    out.backward()
    assert out.grad == 1.0 and a.grad == 4.0
    b = a * 3
    b.backward()
    assert a.grad == 3.0  # not 4 + 3


def test_repr():
    v = Value(3.14159, label="w")
    v.grad = 0.000123456
    assert repr(v) == "Value(w=3.142, grad=0.0001235)"
    assert repr(Value(2.0)) == "Value(2, grad=0)"


@pytest.mark.parametrize("make,error,text", [
    (lambda: Value(Value(1.0)), TypeError, "Value(Value(...)) is not needed; use the Value itself."),
    (lambda: Value(True), TypeError, "Value holds one number, got True."),
    (lambda: Value("2"), TypeError, "Value holds one number, got '2'."),
    (lambda: Value(float("inf")), ValueError, "Value holds a finite number; got inf (overflow or NaN)."),
    (lambda: Value(1e300) * 1e300, ValueError, "Value holds a finite number; the result of '*' is inf (overflow or NaN)."),
    (lambda: Value(1e308) + 1e308, ValueError, "Value holds a finite number; the result of '+' is inf (overflow or NaN)."),
    (lambda: Value(2.0) ** True, TypeError, "only a constant power (int or float) is supported, e.g. v ** 2; "
                                            "for a Value exponent write (v.log() * w).exp()."),
    (lambda: Value(2.0) ** "2", TypeError, "only a constant power (int or float) is supported, e.g. v ** 2; "
                                           "for a Value exponent write (v.log() * w).exp()."),
    (lambda: Value(2.0) ** float("nan"), ValueError, "the power must be a finite number, got nan."),
    (lambda: Value(2.0) ** 10**400, ValueError, "'**' overflows float64 (a number beyond 1.8e308)."),
    (lambda: Value(-8.0) ** 0.5, ValueError, "Value(-8) ** 0.5: a negative number has no real power 0.5 "
                                             "(only integer powers of negative numbers are real)."),
    (lambda: Value(0.0) ** -2, ValueError, "Value(0) ** -2 divides by zero."),
    (lambda: Value(10.0) ** 400, ValueError, "'**400' overflows float64 (a number beyond 1.8e308)."),
    (lambda: True ** Value(1.0), TypeError, "the base of base ** Value must be a number, got True."),
    (lambda: "2" ** Value(1.0), TypeError, "the base of base ** Value must be a number, got '2'."),
    (lambda: (-0.5) ** Value(1.0), ValueError, "-0.5 ** Value(...) needs a base > 0 (b^x = e^(x log b))."),
    (lambda: 10.0 ** Value(400.0), ValueError, "'10**' overflows float64 (a number beyond 1.8e308)."),
    (lambda: Value(0.0).log(), ValueError, "log of Value(0): the logarithm needs a number > 0."),
    (lambda: Value(-2.5).log(), ValueError, "log of Value(-2.5): the logarithm needs a number > 0."),
    (lambda: Value(710.0).exp(), ValueError, "'exp' overflows float64 (a number beyond 1.8e308)."),
])
def test_messages_word_for_word(make, error, text):
    with pytest.raises(error) as err:
        make()
    assert str(err.value) == text


def test_backward_messages_word_for_word():
    z = Value(0.0)
    with pytest.raises(ValueError) as err:
        (z ** 0.5).backward()
    assert str(err.value) == "the derivative of x ** 0.5 at x = 0 is infinite."
    with pytest.raises(ValueError) as err:
        (z ** 0.999).backward()
    assert str(err.value) == "the derivative of x ** 0.999 at x = 0 is infinite."
    one = Value(0.0)
    (one ** 1.5).backward()  # k >= 1: the derivative at 0 is finite (0)
    assert one.grad == 0.0


def test_a_gradient_that_overflows_is_named():
    x = Value(1e-160)
    y = x ** -1  # 1e160, finite; its derivative -x^-2 = -1e320 is not (Python raises OverflowError)
    with pytest.raises(ValueError) as err:
        y.backward()
    assert str(err.value) == "\"the backward pass of '**-1'\" overflows float64 (a number beyond 1.8e308)."
    a, b = Value(1e200), Value(1e-200)
    c = a * b  # 1.0
    d = c * 1e200  # d(d)/db = 1e200 * 1e200 = inf, silently in float arithmetic
    with pytest.raises(ValueError) as err:
        d.backward()
    assert str(err.value) == ("a gradient overflowed float64 in the backward pass of '*' (its output is 1); "
                              "the values are too large or too close to 0.")
    leaf = Value(1e200)
    with pytest.raises(ValueError, match="'a leaf'"):
        leaf._backward = lambda: 1e300 ** 2  # a leaf's rule never overflows; if it did, it is named so
        leaf.backward()
    big = Value(300.0)
    e = big.exp() * 1e10  # large but finite everywhere: no false alarm
    e.backward()
    assert big.grad == pytest.approx(math.exp(300.0) * 1e10, rel=1e-14)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
def test_neuron_graph_by_the_chain_rule(activation):
    x1, x2, w1, w2, b, y = 2.0, -1.0, 0.5, 0.25, 0.125, 0.3
    z = w1 * x1 + w2 * x2 + b  # 0.875
    f = {"tanh": math.tanh, "sigmoid": lambda t: 1 / (1 + math.exp(-t)), "relu": lambda t: max(t, 0.0)}[activation]
    df = {"tanh": 1 - math.tanh(z) ** 2, "sigmoid": f(z) * (1 - f(z)), "relu": 1.0}[activation]
    a = f(z)
    L, v = neuron_graph(x1, x2, w1, w2, b, y, activation)
    assert L is v["L"] and L.data == pytest.approx((a - y) ** 2, rel=1e-15)
    dz = 2 * (a - y) * df
    expected_grads = {"L": 1.0, "a-y": 2 * (a - y), "-y": 2 * (a - y), "a": 2 * (a - y), "z": dz, "w.x": dz,
                      "b": dz, "w1*x1": dz, "w2*x2": dz, "w1": dz * x1, "x1": dz * w1, "w2": dz * x2, "x2": dz * w2}
    expected_data = {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b, "w1*x1": w1 * x1, "w2*x2": w2 * x2,
                     "w.x": w1 * x1 + w2 * x2, "z": z, "a": a, "-y": -y, "a-y": a - y, "L": (a - y) ** 2}
    assert set(v) == set(expected_grads)
    for name in v:
        assert v[name].label == name
        assert v[name].data == pytest.approx(expected_data[name], rel=1e-15), name
        assert v[name].grad == pytest.approx(expected_grads[name], rel=1e-14), name
    assert v["a"].op == activation and v["L"].op == "**2" and v["z"].op == "+" and v["w1*x1"].op == "*"


def test_neuron_graph_default_is_tanh():
    _, v = neuron_graph(1.0, 1.0, 0.5, -0.25, 0.0, 0.0)
    assert v["a"].op == "tanh" and v["a"].data == pytest.approx(math.tanh(0.25), rel=1e-15)


@pytest.mark.parametrize("op,slope", [("exp", lambda x: math.exp(x)), ("tanh", lambda x: 1 - math.tanh(x) ** 2),
                                      ("sigmoid", lambda x: math.exp(-x) / (1 + math.exp(-x)) ** 2),
                                      ("relu", lambda x: 1.0), ("log", lambda x: 1 / x)])
def test_unary_ops_add_to_the_gradient_of_a_reused_input(op, slope):
    a = Value(0.7)
    out = getattr(a, op)() + a  # a reaches out twice: the gradients add up
    out.backward()
    assert a.grad == pytest.approx(slope(0.7) + 1, rel=1e-14)
    b = Value(0.7)
    (b + getattr(b, op)()).backward()
    assert b.grad == pytest.approx(slope(0.7) + 1, rel=1e-14)
