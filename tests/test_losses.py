import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from dlteach.core import binary_crossentropy, categorical_crossentropy, get_loss, mse, numerical_gradient, rel_error
from dlteach.core.activations import sigmoid, softmax


def _targets(kind, shape, rng):
    if kind == "binary":
        return (rng.random(shape) > 0.5).astype(float)
    return np.eye(shape[1])[rng.integers(0, shape[1], shape[0])]


CASES = [
    ("mse", lambda yt, yp: mse(yt, yp), "real"),
    ("bce_prob", lambda yt, yp: binary_crossentropy(yt, yp), "binary"),
    ("bce_logits", lambda yt, yp: binary_crossentropy(yt, yp, from_logits=True), "binary"),
    ("cce_prob", lambda yt, yp: categorical_crossentropy(yt, yp), "onehot"),
    ("cce_logits", lambda yt, yp: categorical_crossentropy(yt, yp, from_logits=True), "onehot"),
]


@pytest.mark.parametrize("name,fn,kind", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("shape", [(1, 2), (5, 3), (16, 4)])
def test_gradient_matches_numerical(name, fn, kind, shape, rng):
    if kind == "real":
        y_true = rng.normal(size=shape)
        y_pred = rng.normal(size=shape)
    else:
        y_true = _targets(kind, shape, rng)
        y_pred = rng.normal(size=shape)
        if name == "bce_prob":
            y_pred = rng.uniform(0.05, 0.95, size=shape)
        if name == "cce_prob":
            y_pred = softmax(y_pred)
    value, grad = fn(y_true, y_pred)
    numeric = numerical_gradient(lambda: fn(y_true, y_pred)[0], y_pred)
    assert np.isfinite(value)
    assert rel_error(grad, numeric) < 1e-7


def test_known_values():
    assert mse([[1.0], [3.0]], [[2.0], [3.0]])[0] == pytest.approx(0.5)
    assert binary_crossentropy([[1.0]], [[0.5]])[0] == pytest.approx(np.log(2))
    assert categorical_crossentropy([[0, 1.0]], [[0.25, 0.75]])[0] == pytest.approx(-np.log(0.75))
    # logits and probabilities agree away from the clipping region
    z = np.array([[0.3, -1.2, 2.0]])
    y = np.array([[0.0, 0.0, 1.0]])
    assert categorical_crossentropy(y, z, from_logits=True)[0] == pytest.approx(
        categorical_crossentropy(y, softmax(z))[0], rel=1e-12)
    assert binary_crossentropy(y, z, from_logits=True)[0] == pytest.approx(
        binary_crossentropy(y, sigmoid(z))[0], rel=1e-12)


def test_fused_logit_gradient_is_prediction_minus_target(rng):
    z = rng.normal(size=(8, 3))
    y = np.eye(3)[rng.integers(0, 3, 8)]
    _, grad = categorical_crossentropy(y, z, from_logits=True)
    assert np.allclose(grad, (softmax(z) - y) / 8)


def test_shape_mismatch_and_bad_input_messages():
    with pytest.raises(ValueError, match=r"y_true has shape \(2, 1\) but y_pred has shape \(2, 3\).*one-hot"):
        categorical_crossentropy([0, 1], np.ones((2, 3)) / 3)
    with pytest.raises(ValueError, match="NaN"):
        mse([1.0, np.nan], [1.0, 2.0])
    with pytest.raises(ValueError, match="from_logits=True"):
        categorical_crossentropy([[1.0, 0.0]], [[-1.0, 2.0]])
    with pytest.raises(ValueError, match=r"Unknown loss 'cross'.*binary_crossentropy"):
        get_loss("cross")


big = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False)
prob = st.sampled_from([0.0, 1.0, 1e-300, 1 - 1e-16, 0.5]) | st.floats(0.0, 1.0)


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 5)), elements=big), st.data())
def test_losses_from_logits_are_finite_at_extremes(z, data):
    y_bin = data.draw(arrays(np.float64, z.shape, elements=st.sampled_from([0.0, 1.0])))
    y_hot = np.eye(z.shape[1])[data.draw(arrays(np.int64, z.shape[0], elements=st.integers(0, z.shape[1] - 1)))]
    for value, grad in (binary_crossentropy(y_bin, z, from_logits=True),
                        categorical_crossentropy(y_hot, z, from_logits=True), mse(y_bin, z)):
        assert np.isfinite(value) and value >= 0
        assert np.all(np.isfinite(grad))


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 5)), elements=prob), st.data())
def test_losses_from_probabilities_are_finite_at_0_and_1(p, data):
    y_bin = data.draw(arrays(np.float64, p.shape, elements=st.sampled_from([0.0, 1.0])))
    value, grad = binary_crossentropy(y_bin, p)
    assert np.isfinite(value) and 0 <= value <= -np.log(1e-7) + 1e-9
    assert np.all(np.isfinite(grad))
    q = p + 1e-3  # rows must not sum to zero
    y_hot = np.eye(p.shape[1])[np.zeros(p.shape[0], dtype=int)]
    value, grad = categorical_crossentropy(y_hot, q)
    assert np.isfinite(value) and np.all(np.isfinite(grad))


def _exact_sigmoid(z):
    from decimal import Decimal
    return 1 / (1 + (-Decimal(float(z))).exp())


@pytest.mark.parametrize("y", [0.0, 1.0, 0.3])
@pytest.mark.parametrize("z", [20.0, 36.5, 40.0, 700.0, -36.5, -700.0])
def test_bce_from_logits_matches_exact_arithmetic_at_large_logits(z, y):
    """Against 400-digit decimal arithmetic: loss and gradient to 1e-15 relative (sigmoid(z) - y
    would be 21 % off at z = 36.5, y = 1)."""
    from decimal import Decimal, getcontext
    getcontext().prec = 400  # 1 - sigmoid(700) = 1e-304 must survive: 400 digits
    D = Decimal
    s, s_minus, yd = _exact_sigmoid(z), _exact_sigmoid(-z), D(y)  # s_minus = 1 - s, without rounding
    exact_loss = -(yd * s.ln() + (1 - yd) * s_minus.ln())
    exact_grad = (1 - yd) * s - yd * s_minus
    value, grad = binary_crossentropy([[y]], [[z]], from_logits=True)
    assert abs(D(grad[0, 0]) - exact_grad) <= D("1e-15") * abs(exact_grad)
    assert abs(D(value) - exact_loss) <= D("1e-15") * abs(exact_loss)


@pytest.mark.parametrize("scale", [1.0, 30.0, 300.0])
def test_cce_from_logits_gradient_matches_exact_arithmetic(scale):
    """To the accuracy float64 logits allow: z_j - max(z) is rounded to its ulp, so e^(z_j - max)
    carries a relative error of about eps * |z_j - max| (TensorFlow's too)."""
    from decimal import Decimal, getcontext
    getcontext().prec = 60
    rng = np.random.default_rng(0)
    z = rng.normal(size=(5, 4)) * scale
    y = np.eye(4)[rng.integers(0, 4, 5)]
    _, grad = categorical_crossentropy(y, z, from_logits=True)
    for i in range(5):
        e = [Decimal(float(v)).exp() for v in z[i]]
        for j in range(4):
            exact = (e[j] / sum(e) - Decimal(y[i, j])) / 5
            tol = Decimal(2.3e-16 * (2 + np.ptp(z[i])))
            if abs(exact) > Decimal("1e-300"):  # representable as a normal float64
                assert abs(Decimal(grad[i, j]) - exact) <= tol * abs(exact)
