"""Dense, Dropout, the initialisers, L1/L2, the metrics and the shared input checks against
formulas and loops written out here, and their messages word for word (mutation testing,
docs/MUTATION.md)."""
import numpy as np
import pytest

from dlteach.core import Dense, Dropout
from dlteach.core._checks import (as_float_array, as_generator, check_bool, check_fraction, check_int,
                                  check_positive, check_size, lookup)
from dlteach.core.init import (INITIALIZERS, bad_normal, get_initializer, glorot_uniform, he_normal,
                               initial_weights, truncated_normal, zeros)
from dlteach.core.layers import Layer
from dlteach.core.metrics import confusion_matrix, precision_recall
from dlteach.core.regularizers import L1L2

f32 = lambda x: float(np.float32(x))  # noqa: E731


def text(make, error=ValueError):
    with pytest.raises(error) as err:
        make()
    return str(err.value)


# --- Dense ------------------------------------------------------------------------------
def test_dense_forward_and_backward_by_hand():
    layer = Dense(3, 2, "tanh", l1=0.5, l2=0.25, seed=0, name="d")
    W = np.array([[0.5, -1.0], [0.25, 0.0], [-0.5, 2.0]])
    layer.W[...] = W
    layer.b[...] = [0.1, -0.2]
    x = np.array([[1.0, 2.0, 3.0], [-1.0, 0.0, 0.5]])
    z = x @ W + np.array([0.1, -0.2])
    a = layer.forward(x)
    assert layer.x is x and np.allclose(layer.z, z, rtol=1e-15) and np.allclose(a, np.tanh(z), rtol=1e-15)
    grad_a = np.array([[1.0, -1.0], [0.5, 2.0]])
    dx = layer.backward(grad_a)
    delta = grad_a * (1 - np.tanh(z) ** 2)
    assert np.allclose(layer.delta, delta, rtol=1e-14)
    assert np.allclose(layer.dW, x.T @ delta + f32(0.5) * np.sign(W) + 2 * f32(0.25) * W, rtol=1e-14)
    assert np.allclose(layer.db, delta.sum(axis=0), rtol=1e-14)
    assert np.allclose(dx, delta @ W.T, rtol=1e-14)
    assert layer.penalty() == pytest.approx(f32(0.5) * np.abs(W).sum() + f32(0.25) * (W ** 2).sum(), rel=1e-15)
    # from dL/dz directly (the fused output): delta is the given gradient
    dx = layer.backward(grad_a, through_activation=False)
    assert np.array_equal(layer.delta, grad_a) and np.allclose(dx, grad_a @ W.T, rtol=1e-15)
    assert np.array_equal(layer.forward(x, apply_activation=False), layer.z)


def test_dense_without_penalty_and_its_bookkeeping():
    layer = Dense(4, 3, seed=1)
    assert layer.penalty() == 0.0 and not layer.reg and layer.name == "dense" and layer.act.name == "linear"
    assert np.array_equal(layer.b, np.zeros(3)) and np.array_equal(layer.dW, np.zeros((4, 3)))
    assert np.array_equal(layer.db, np.zeros(3)) and layer.n_in == 4 and layer.n_out == 3 and layer.units == 3
    assert [(n, v is layer.W or v is layer.b, g is layer.dW or g is layer.db) for n, v, g in layer.params()] == [
        ("dense/W", True, True), ("dense/b", True, True)]
    x = np.ones((2, 4))
    layer.forward(x)
    layer.backward(np.ones((2, 3)))
    assert np.allclose(layer.dW, x.T @ np.ones((2, 3)))  # no penalty gradient added
    limit = np.sqrt(6 / 7)
    assert np.array_equal(layer.W, np.random.default_rng(1).uniform(-limit, limit, (4, 3)))
    assert repr(Dense(4, 3, "relu")) == "Dense(4 -> 3, relu)" and Layer.trainable and layer.trainable


def test_dense_messages_word_for_word():
    layer = Dense(3, 2, name="h")
    assert text(lambda: layer.forward(np.zeros((2, 4)))) == "h expects input of shape (n, 3), got (2, 4)."
    assert text(lambda: layer.forward(np.zeros(3))) == "h expects input of shape (n, 3), got (3,)."
    assert text(lambda: Dense(3, 2, name=""), TypeError) == "name must be a non-empty string, got ''."
    assert text(lambda: Dense(3, 2, name=5), TypeError) == "name must be a non-empty string, got 5."
    assert text(lambda: Dense(0, 2)) == "Dense n_in must be an integer >= 1, got 0."
    assert text(lambda: Dense(2, 0)) == "Dense units must be an integer >= 1, got 0."
    assert text(lambda: Dense(10**5, 10**4)) == ("Dense(100000, 10000) would have 1,000,000,000 weights (8.0 GB); "
                                                "the limit here is 100,000,000. Check the sizes.")
    # exactly the limit is allowed (the size is checked before the weights are drawn; zeros, not 10**8
    # uniform draws, keep this test fast)
    assert Dense(10**4, 10**4, init=lambda n_in, units, seed: np.zeros((n_in, units))).W.shape == (10**4, 10**4)


def test_the_base_layer():
    base = Layer()
    assert base.params() == [] and base.penalty() == 0.0
    with pytest.raises(NotImplementedError):
        base.forward(np.zeros(1))
    with pytest.raises(NotImplementedError):
        base.backward(np.zeros(1))


# --- Dropout ----------------------------------------------------------------------------
def test_dropout_mask_is_the_documented_draw():
    d = Dropout(0.25, seed=3)
    x = np.arange(12.0).reshape(3, 4)
    out = d.forward(x, training=True)
    keep = np.random.default_rng(3).random((3, 4)) >= 0.25
    assert np.array_equal(d.mask, keep / 0.75) and np.allclose(out, x * keep / 0.75, rtol=1e-15)
    g = np.ones((3, 4))
    assert np.array_equal(d.backward(g), keep / 0.75)
    assert d.forward(x) is x and d.mask is None and d.backward(g) is g
    zero = Dropout(0.0)
    assert zero.forward(x, training=True) is x and zero.mask is None
    assert not Dropout.trainable and d.name == "dropout" and d.rate == 0.25
    assert repr(d) == "Dropout(0.25)" and Dropout(0.5, name="drop").name == "drop"
    assert text(lambda: Dropout(1.0)) == "dropout rate must be in [0, 1), got 1.0."


# --- initialisers -------------------------------------------------------------------------
def test_initialisers_draw_the_documented_distributions():
    limit = np.sqrt(6.0 / (5 + 3))
    assert np.array_equal(glorot_uniform(5, 3, 7), np.random.default_rng(7).uniform(-limit, limit, (5, 3)))
    assert np.array_equal(bad_normal(5, 3, 7), np.random.default_rng(7).standard_normal((5, 3)))
    assert np.array_equal(zeros(5, 3), np.zeros((5, 3)))
    W = he_normal(500, 400, 0)
    assert W.shape == (500, 400)
    # a unit normal truncated at 2 has std 0.8796...; Keras divides by it, so the std is sqrt(2 / n_in)
    assert W.std() == pytest.approx(np.sqrt(2 / 500), rel=0.01)
    assert np.abs(W).max() <= 2 * np.sqrt(2 / 500) / 0.87962566103423978 + 1e-15
    assert np.abs(W).max() > 1.95 * np.sqrt(2 / 500) / 0.87962566103423978
    t = truncated_normal((20000,), 3.0, 1)
    assert np.abs(t).max() <= 6.0 and np.abs(t).max() > 5.9 and t.std() == pytest.approx(3 * 0.8796, rel=0.02)
    assert set(INITIALIZERS) == {"glorot_uniform", "he_normal", "bad_normal", "zeros"}


def test_truncated_normal_redraws_only_the_far_values():
    rng = np.random.default_rng(4)
    expected = rng.standard_normal(1000)
    far = np.abs(expected) > 2
    kept = truncated_normal((1000,), 1.0, 4)
    assert np.array_equal(kept[~far], expected[~far]) and np.all(kept[far] != expected[far])


def test_initial_weights_checks_what_an_initialiser_returns():
    custom = lambda n_in, n_out, rng: np.full((n_in, n_out), 0.5)  # noqa: E731
    assert get_initializer(custom) is custom and get_initializer("ZEROS") is zeros
    assert np.array_equal(initial_weights(custom, 2, 3), np.full((2, 3), 0.5))
    assert initial_weights("glorot_uniform", 2, 3, 0).dtype == np.float64
    assert np.array_equal(initial_weights("glorot_uniform", 2, 3, 5), glorot_uniform(2, 3, 5))
    assert text(lambda: initial_weights(lambda a, b, r: np.zeros((b, a)), 2, 3)).endswith(
        "must return finite weights of shape (2, 3), got shape (3, 2).")
    assert text(lambda: initial_weights(lambda a, b, r: np.full((a, b), np.nan), 2, 3)).endswith(
        "must return finite weights of shape (2, 3), got shape (2, 3) with NaN or inf.")
    assert text(lambda: initial_weights("zeros", 0, 3)) == "n_in must be an integer >= 1, got 0."
    assert text(lambda: initial_weights("zeros", 2, -1)) == "n_out must be an integer >= 1, got -1."


# --- L1 / L2 ------------------------------------------------------------------------------
def test_l1l2_uses_float32_factors_as_keras():
    W = np.array([[1.0, -2.0], [0.5, 0.0]])
    reg = L1L2(0.1, 0.3)
    assert reg.penalty(W) == f32(0.1) * 3.5 + f32(0.3) * 5.25
    assert np.array_equal(reg.grad(W), f32(0.1) * np.sign(W) + 2 * f32(0.3) * W)
    assert reg.l1 == 0.1 and bool(reg) and bool(L1L2(0, 0.1)) and bool(L1L2(0.1)) and not L1L2()
    assert repr(reg) == "L1L2(l1=0.1, l2=0.3)"
    assert text(lambda: L1L2(l1=1e39)) == ("l1 must be >= 0 and at most 3.4e+38 (Keras uses it as a float32 "
                                          "number), got 1e+39.")
    L1L2(l2=float(np.finfo(np.float32).max))


# --- metrics ------------------------------------------------------------------------------
def test_confusion_matrix_against_a_loop():
    t = np.array([0, 1, 2, 2, 1, 0, 2, 2])
    p = np.array([0, 2, 2, 1, 1, 0, 0, 2])
    expected = np.zeros((3, 3), dtype=int)
    for i, j in zip(t, p):
        expected[i, j] += 1
    assert np.array_equal(confusion_matrix(t, p), expected)
    assert np.array_equal(confusion_matrix(np.eye(3)[t], np.eye(3)[p] * 0.9), expected)
    big = confusion_matrix(t, p, k=5)
    assert big.shape == (5, 5) and np.array_equal(big[:3, :3], expected) and big[3:].sum() == 0
    assert confusion_matrix([0, 0], [1, 1]).tolist() == [[0, 2], [0, 0]]  # the size from both arguments
    assert confusion_matrix([2.0], [2.0], k=3).tolist() == [[0, 0, 0], [0, 0, 0], [0, 0, 1]]


@pytest.mark.parametrize("call,msg", [
    (lambda: confusion_matrix([0, 1], [0]), "y_true has 2 samples but y_pred has 1."),
    (lambda: confusion_matrix([], []), "confusion_matrix needs at least one sample, got none."),
    (lambda: confusion_matrix([0, 3], [0, 1], k=3), "k must be an integer >= 4, got 3."),
    (lambda: confusion_matrix([0, -1], [0, 1]), "y_true must hold class labels 0, 1, 2, ... (integers >= 0), got -1.0."),
    (lambda: confusion_matrix([0, 1], [0, 1.5]), "y_pred must hold class labels 0, 1, 2, ... (integers >= 0), got 1.5."),
    (lambda: confusion_matrix(np.zeros((2, 2, 2)), [0, 1]),
     "y_true must be labels (n,) or one-hot rows (n, k), got shape (2, 2, 2)."),
    (lambda: precision_recall(np.ones((2, 3))), "cm must be a square matrix of counts >= 0, got shape (2, 3)."),
    (lambda: precision_recall([[1, -1], [0, 1]]), "cm must be a square matrix of counts >= 0, got shape (2, 2)."),
])
def test_metric_messages_word_for_word(call, msg):
    assert text(call) == msg


def test_precision_and_recall_by_hand():
    cm = np.array([[5, 1, 0], [2, 3, 0], [0, 0, 0]])
    precision, recall = precision_recall(cm)
    assert np.allclose(precision, [5 / 7, 3 / 4, 0.0]) and np.allclose(recall, [5 / 6, 3 / 5, 0.0])
    precision, recall = precision_recall([[0, 0], [4, 1]])
    assert np.allclose(precision, [0.0, 1.0]) and np.allclose(recall, [0.0, 0.2])


# --- shared checks -------------------------------------------------------------------------
@pytest.mark.parametrize("call,error,msg", [
    (lambda: as_float_array("abc", "X"), TypeError, "X must be numbers (an array), got the string 'abc'."),
    (lambda: as_float_array(b"ab", "y"), TypeError, "y must be numbers (an array), got the string b'ab'."),
    (lambda: as_float_array([1.0, 2.0], "X", ndim=2), ValueError,
     "X must be 2-D, got shape (2,). Use X.reshape(-1, 1) for a single feature."),
    (lambda: as_float_array(np.zeros((2, 2)), "X", ndim=3), ValueError, "X must be 3-D, got shape (2, 2)."),
    (lambda: as_float_array([1.0, np.nan, np.inf], "X"), ValueError,
     "X contains 2 NaN or infinite value(s); clean or impute the data first."),
    (lambda: check_positive(True, "lr"), TypeError, "lr must be a number, got True."),
    (lambda: check_positive("1", "lr"), TypeError, "lr must be a number, got '1'."),
    (lambda: check_positive(0, "lr"), ValueError, "lr must be > 0, got 0.0."),
    (lambda: check_positive(-1, "lr", allow_zero=True), ValueError, "lr must be >= 0, got -1.0."),
    (lambda: check_positive(np.inf, "lr"), ValueError, "lr must be > 0, got inf."),
    (lambda: check_fraction(1.0, "rho"), ValueError, "rho must be in [0, 1), got 1.0."),
    (lambda: check_fraction(1.5, "p", upper_inclusive=True), ValueError, "p must be in [0, 1], got 1.5."),
    (lambda: lookup(3, {"b": 1, "a": 2}, "thing"), TypeError,
     "thing must be given by name (a string), got 3. Valid: a, b."),
    (lambda: lookup("c", {"b": 1, "a": 2}, "thing"), ValueError, "Unknown thing 'c'. Valid: a, b."),
    (lambda: check_int(2.0, "k"), TypeError, "k must be an integer, got 2.0."),
    (lambda: check_int(False, "k"), TypeError, "k must be an integer, got False."),
    (lambda: check_int(0, "k"), ValueError, "k must be an integer >= 1, got 0."),
    (lambda: check_int(5, "k", low=0, high=4), ValueError, "k must be an integer from 0 to 4, got 5."),
    (lambda: as_generator(-1, "seed"), ValueError,
     "seed must be None, an integer >= 0 or a numpy Generator, got -1."),
    (lambda: as_generator(True, "s"), ValueError, "s must be None, an integer >= 0 or a numpy Generator, got True."),
    (lambda: as_generator(1.5), ValueError, "seed must be None, an integer >= 0 or a numpy Generator, got 1.5."),
    (lambda: check_bool(1, "flag"), TypeError, "flag must be True or False, got 1."),
    (lambda: check_size(10**8 + 1, "it"), ValueError,
     "it would have 100,000,001 weights (0.8 GB); the limit here is 100,000,000. Check the sizes."),
    (lambda: check_size(11, "it", limit=10), ValueError,
     "it would have 11 weights (0.0 GB); the limit here is 10. Check the sizes."),
])
def test_check_messages_word_for_word(call, error, msg):
    with pytest.raises(error) as err:
        call()
    assert str(err.value) == msg


def test_checks_accept_and_convert():
    assert as_float_array([1, 2]).dtype == np.float64 and as_float_array([[1]], ndim=2).shape == (1, 1)
    assert check_positive(np.int64(2), "x") == 2.0 and type(check_positive(2, "x")) is float
    assert check_positive(0, "x", allow_zero=True) == 0.0
    assert check_fraction(0.0, "x") == 0.0 and check_fraction(1.0, "x", upper_inclusive=True) == 1.0
    assert lookup("Leaky-Relu Fn", {"leaky_relu_fn": 7}, "activation") == 7
    assert check_int(np.int32(4), "k", low=4, high=4) == 4 and type(check_int(np.int32(4), "k")) is int
    assert check_int(1, "k") == 1 and check_int(-5, "k", low=-5) == -5
    rng = np.random.default_rng(0)
    assert as_generator(rng) is rng and isinstance(as_generator(None), np.random.Generator)
    assert as_generator(np.int64(3)).random() == np.random.default_rng(3).random()
    assert as_generator(0).random() == np.random.default_rng(0).random()
    assert check_bool(np.bool_(True), "x") is True and check_bool(False, "x") is False
    assert check_size(10**8, "it") is None


def test_survivors_of_the_first_run_layers_metrics():
    """Cases the first run of these tests missed (docs/MUTATION.md)."""
    d = Dropout(0.5)
    g = np.ones((2, 2))
    assert d.backward(g) is g  # before any forward pass: no mask, the gradient passes
    assert text(lambda: Dropout(0.5, seed=-1)) == "seed must be None, an integer >= 0 or a numpy Generator, got -1."
    assert confusion_matrix([0, 1], [1, 1]).dtype.kind == "i"  # counts are integers
    assert text(lambda: precision_recall([1.0, 2.0])).startswith("cm must be 2-D, got shape (2,).")
    assert text(lambda: precision_recall([[1.0, np.nan], [0.0, 1.0]])) == (
        "cm contains 1 NaN or infinite value(s); clean or impute the data first.")
    precision, recall = precision_recall([[1, 0], [1, 3]])  # one sample of class 0, one predicted 1
    assert precision.tolist() == [0.5, 1.0] and recall.tolist() == [1.0, 0.75]
    precision, recall = precision_recall([[3, 1], [0, 0]])
    assert precision.tolist() == [1.0, 0.0] and recall.tolist() == [0.75, 0.0]
