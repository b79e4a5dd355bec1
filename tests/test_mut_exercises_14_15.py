"""Mutation tests for the checkers of lessons 14 and 15 (batch normalisation, the residual block, the
SimpleRNN and the LSTM step), in the style of tests/test_exercises_adversary_00_06.py, which covers
lessons 00-13: every typical wrong answer fails with its headline and its diagnosis pinned word for word
(seed 0), a right answer written differently and the instructors' pass on several seeds with the
message pinned, the cases are the pinned ones, and the gradient check of rnn_backward refuses a gradient
that is 0.1 % off. NumPy only: the Keras twins are left out (they run in test_exercises.py)."""

import numpy as np
import pytest

from dlteach.exercises import CODE_EXERCISES, check
from dlteach.exercises.runner import Mismatch, run
from exercise_tables_support import (_ladders_at_the_bottom, assert_cases_pinned, assert_fails_with,  # noqa: F401
                                     assert_right_and_instructors_pass, assert_twin_agrees_then_refuses,
                                     nan_off_the_cases, without_twin)
from test_exercises_adversary_07_13 import _Tape, _Tensor, _Variable, _lift, _reduce


def sig(z):
    return 0.5 * (1 + np.tanh(0.5 * z))


# ---------------------------------------------------------------- 14.batchnorm_forward

def bf_unbiased(x, gamma, beta, epsilon):
    return gamma * (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0, ddof=1) + epsilon) + beta


def bf_eps_on_std(x, gamma, beta, epsilon):
    return gamma * (x - x.mean(axis=0)) / (x.std(axis=0) + epsilon) + beta


def bf_x_hat(x, gamma, beta, epsilon):
    return (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + epsilon)


def bf_rows(x, gamma, beta, epsilon):
    mu, var = x.mean(axis=1, keepdims=True), x.var(axis=1, keepdims=True)
    return gamma * (x - mu) / np.sqrt(var + epsilon) + beta


def bf_no_epsilon(x, gamma, beta, epsilon):
    return gamma * (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + 1e-3) + beta


def bf_right(x, gamma, beta, epsilon):
    centred = x - np.mean(x, axis=0, keepdims=True)
    return centred * (gamma / np.sqrt(np.mean(centred * centred, axis=0) + epsilon)) + beta


# ---------------------------------------------------------------- 14.batchnorm_backward

def _bn_parts(x, epsilon):
    sigma = np.sqrt(x.var(axis=0) + epsilon)
    return len(x), sigma, (x - x.mean(axis=0)) / sigma


def bb_inference(x, gamma, epsilon, g):
    m, sigma, x_hat = _bn_parts(x, epsilon)
    return gamma * g / sigma, (g * x_hat).sum(axis=0), g.sum(axis=0)


def bb_no_sigma_path(x, gamma, epsilon, g):
    m, sigma, x_hat = _bn_parts(x, epsilon)
    return gamma / (m * sigma) * (m * g - g.sum(axis=0)), (g * x_hat).sum(axis=0), g.sum(axis=0)


def bb_no_mu_path(x, gamma, epsilon, g):
    m, sigma, x_hat = _bn_parts(x, epsilon)
    return (gamma / (m * sigma) * (m * g - x_hat * (g * x_hat).sum(axis=0)), (g * x_hat).sum(axis=0),
            g.sum(axis=0))


def bb_dgamma_x(x, gamma, epsilon, g):
    m, sigma, x_hat = _bn_parts(x, epsilon)
    dx = gamma / (m * sigma) * (m * g - g.sum(axis=0) - x_hat * (g * x_hat).sum(axis=0))
    return dx, (g * x).sum(axis=0), g.sum(axis=0)


def bb_dbeta_mean(x, gamma, epsilon, g):
    m, sigma, x_hat = _bn_parts(x, epsilon)
    dx = gamma / (m * sigma) * (m * g - g.sum(axis=0) - x_hat * (g * x_hat).sum(axis=0))
    return dx, (g * x_hat).sum(axis=0), g.mean(axis=0)


def bb_right(x, gamma, epsilon, g):
    m, sigma, x_hat = _bn_parts(x, epsilon)
    dx_hat = g * gamma
    dvar = np.sum(dx_hat * (x - x.mean(axis=0)), axis=0) * -0.5 * sigma ** -3
    dmu = -np.sum(dx_hat, axis=0) / sigma - 2 * dvar * np.mean(x - x.mean(axis=0), axis=0)
    dx = dx_hat / sigma + dvar * 2 * (x - x.mean(axis=0)) / m + dmu / m
    return dx, np.sum(g * x_hat, axis=0), np.sum(g, axis=0)


# ---------------------------------------------------------------- 14.residual_backward

def rb_F_only(x, W, g):
    return (g @ W.T) * (x > 0), np.maximum(x, 0).T @ g, g.sum(axis=0)


def rb_skip_only(x, W, g):
    return g, np.maximum(x, 0).T @ g, g.sum(axis=0)


def rb_no_relu_slope(x, W, g):
    return g + g @ W.T, np.maximum(x, 0).T @ g, g.sum(axis=0)


def rb_W_not_transposed(x, W, g):
    return g + (g @ W) * (x > 0), np.maximum(x, 0).T @ g, g.sum(axis=0)


def rb_dW_from_x(x, W, g):
    return g + (g @ W.T) * (x > 0), x.T @ g, g.sum(axis=0)


def rb_dW_transposed(x, W, g):
    return g + (g @ W.T) * (x > 0), g.T @ np.maximum(x, 0), g.sum(axis=0)


def rb_db_mean(x, W, g):
    return g + (g @ W.T) * (x > 0), np.maximum(x, 0).T @ g, g.mean(axis=0)


def rb_slope_at_zero(x, W, g):
    return g + (g @ W.T) * (x >= 0), np.maximum(x, 0).T @ g, g.sum(axis=0)


def rb_right(x, W, g):
    slope = np.where(x > 0, 1.0, 0.0)
    return g + slope * (g @ W.T), np.einsum("ni,nj->ij", np.where(x > 0, x, 0.0), g), np.sum(g, axis=0)


# ---------------------------------------------------------------- 15.rnn_forward

def _rnn(x, W, U, b, carry=True, squash=np.tanh, dtype=float):
    n, T, _ = x.shape
    x, W, U, b = (np.asarray(a, dtype=dtype) for a in (x, W, U, b))
    h = np.zeros((n, U.shape[0]), dtype=dtype)
    out = []
    for t in range(T):
        s = x[:, t] @ W + b + (h @ U if carry else 0)
        h = squash(s)
        out.append(h)
    return np.stack(out, axis=1)


def rf_float32(x, W, U, b):
    return _rnn(x, W, U, b, dtype=np.float32)


def rf_no_state(x, W, U, b):
    return _rnn(x, W, U, b, carry=False)


def rf_state_not_squashed(x, W, U, b):
    n, T, _ = x.shape
    h, s, out = np.zeros((n, U.shape[0])), np.zeros((n, U.shape[0])), []
    for t in range(T):
        s = x[:, t] @ W + b + s @ U   # carries s, the pre-activation, instead of h
        out.append(np.tanh(s))
    return np.stack(out, axis=1)


def rf_no_tanh(x, W, U, b):
    n, T, _ = x.shape
    h, out = np.zeros((n, U.shape[0])), []
    for t in range(T):
        h_new = np.tanh(x[:, t] @ W + b + h @ U)
        out.append(np.arctanh(h_new))
        h = h_new
    return np.stack(out, axis=1)


def rf_right(x, W, U, b):
    h = np.zeros((x.shape[0], U.shape[1]))
    steps = []
    for x_t in np.moveaxis(x, 1, 0):
        h = np.tanh(h @ U + x_t @ W + b)
        steps.append(h)
    return np.array(steps).transpose(1, 0, 2)


# ---------------------------------------------------------------- 15.rnn_backward

def _bptt(x, hs, W, U, grad_h, last_only=False, h_now=False, scale_db=1.0):
    n, T, _ = x.shape
    dW, dU, db, dx = np.zeros_like(W), np.zeros_like(U), np.zeros(U.shape[0]), np.zeros_like(x)
    dh = grad_h
    for t in reversed(range(T)):
        ds = dh * (1 - hs[:, t] ** 2)
        h_prev = hs[:, t] if h_now else (hs[:, t - 1] if t > 0 else np.zeros_like(hs[:, 0]))
        if not last_only or t == T - 1:
            dW += x[:, t].T @ ds
        dU += h_prev.T @ ds
        db += ds.sum(axis=0) * scale_db
        dx[:, t] = ds @ W.T
        dh = ds @ U.T
    return dW, dU, db, dx


def rw_last_only(x, hs, W, U, grad_h):
    return _bptt(x, hs, W, U, grad_h, last_only=True)


def rw_h_now(x, hs, W, U, grad_h):
    return _bptt(x, hs, W, U, grad_h, h_now=True)


def rw_dU_last_step_with_h_t(x, hs, W, U, grad_h):
    dW, dU, db, dx = _bptt(x, hs, W, U, grad_h)
    return dW, hs[:, -1].T @ (grad_h * (1 - hs[:, -1] ** 2)), db, dx


def rw_db_mean(x, hs, W, U, grad_h):
    return _bptt(x, hs, W, U, grad_h, scale_db=1 / len(x))


def rw_right(x, hs, W, U, grad_h):
    n, T, _ = x.shape
    h_before = np.concatenate([np.zeros_like(hs[:, :1]), hs[:, :-1]], axis=1)
    dx = np.empty_like(x)
    dW, dU, db = 0 * W, 0 * U, np.zeros(W.shape[1])
    carried = grad_h.copy()
    for t in range(T - 1, -1, -1):
        ds = carried - carried * hs[:, t] * hs[:, t]
        dW = dW + np.einsum("ni,nj->ij", x[:, t], ds)
        dU = dU + np.einsum("ni,nj->ij", h_before[:, t], ds)
        db = db + ds.sum(0)
        dx[:, t] = ds @ W.T
        carried = ds @ U.T
    return dW, dU, db, dx


# ---------------------------------------------------------------- 15.lstm_step

def _lstm(x_t, h_prev, c_prev, W, U, b, order="ifgo", squash_c=True, swap=False):
    s = x_t @ W + h_prev @ U + b
    blocks = dict(zip(order, np.split(s, 4, axis=1)))
    i, f, g, o = sig(blocks["i"]), sig(blocks["f"]), np.tanh(blocks["g"]), sig(blocks["o"])
    c = f * c_prev + i * g
    h = o * (np.tanh(c) if squash_c else c)
    return (c, h) if swap else (h, c)


def ls_swapped(x_t, h_prev, c_prev, W, U, b):
    return _lstm(x_t, h_prev, c_prev, W, U, b, swap=True)


def ls_h_from_c(x_t, h_prev, c_prev, W, U, b):
    return _lstm(x_t, h_prev, c_prev, W, U, b, squash_c=False)


def ls_output_gate_tanh(x_t, h_prev, c_prev, W, U, b):
    h, c = _lstm(x_t, h_prev, c_prev, W, U, b)
    s = x_t @ W + h_prev @ U + b
    return np.tanh(np.split(s, 4, axis=1)[3]) * np.tanh(c), c


def ls_gate_order(x_t, h_prev, c_prev, W, U, b):
    return _lstm(x_t, h_prev, c_prev, W, U, b, order="figo")


def ls_right(x_t, h_prev, c_prev, W, U, b):
    u = U.shape[0]
    s = x_t @ W + h_prev @ U + b
    gates = 1 / (1 + np.exp(-s))
    c = gates[:, u:2 * u] * c_prev + gates[:, :u] * np.tanh(s[:, 2 * u:3 * u])
    return gates[:, 3 * u:] * np.tanh(c), c


# (exercise, wrong answer): the message's headline and its last line before the hint, for seed 0
WRONG = {
    ("14.batchnorm_forward", bf_unbiased): (
        "Your result is not right (5 samples, 3 features).",
        "Your result divides by the unbiased variance (n - 1); batch normalisation uses the mean of the squared "
        "deviations, divided by n."),
    ("14.batchnorm_forward", bf_eps_on_std): (
        "Your result is not right (5 samples, 3 features).",
        "Your result adds epsilon to the standard deviation; it belongs under the square root, with the variance."),
    ("14.batchnorm_forward", bf_x_hat): (
        "Your result is not right (5 samples, 3 features).",
        "Your result is x_hat itself: gamma and beta have not been applied."),
    ("14.batchnorm_forward", bf_rows): (
        "Your result is not right (5 samples, 3 features).",
        "Your result normalises each sample over its features (each row): that is layer normalisation. Batch "
        "normalisation normalises each feature (each column) over the batch."),
    ("14.batchnorm_forward", bf_no_epsilon): (
        "Your result is not right (9 samples, 1 feature, epsilon = 0.5).",
        "largest difference 1.02 at index (1, 0)"),
    ("14.batchnorm_backward", bb_inference): (
        "`dx` is not right (5 samples, 3 features).",
        "Your dx is gamma g / sigma: that treats mu and sigma as constants (the inference formula). In training "
        "they depend on every x of the batch."),
    ("14.batchnorm_backward", bb_no_sigma_path): (
        "`dx` is not right (5 samples, 3 features).",
        "Your dx keeps the path through mu but not the one through sigma (the x_hat term)."),
    ("14.batchnorm_backward", bb_no_mu_path): (
        "`dx` is not right (5 samples, 3 features).",
        "Your dx keeps the path through sigma but not the one through mu (the sum of g)."),
    ("14.batchnorm_backward", bb_dgamma_x): (
        "`dgamma` is not right (5 samples, 3 features).",
        "Your dgamma sums g times x; gamma multiplies x_hat, not x."),
    ("14.batchnorm_backward", bb_dbeta_mean): (
        "`dbeta` is not right (5 samples, 3 features).",
        "Your dbeta is the mean of g over the batch, 5 times smaller: beta is added to every sample, so its "
        "gradient adds them up."),
    ("14.residual_backward", rb_F_only): (
        "`dx` is not right (4 samples, 3 features).",
        "Your dx is the path through F alone: the skip path, out = x + ..., adds g itself."),
    ("14.residual_backward", rb_skip_only): (
        "`dx` is not right (4 samples, 3 features).",
        "Your dx is g alone, the skip path: the path through F adds its own share."),
    ("14.residual_backward", rb_no_relu_slope): (
        "`dx` is not right (4 samples, 3 features).",
        "Your dx passes g through W but not through ReLU's slope (0 where x <= 0)."),
    ("14.residual_backward", rb_W_not_transposed): (
        "`dx` is not right (4 samples, 3 features).",
        "Your dx multiplies g by W, not by W transposed."),
    ("14.residual_backward", rb_dW_from_x): (
        "`dW` is not right (4 samples, 3 features).",
        "Your dW uses x; the Dense layer's input is relu(x)."),
    ("14.residual_backward", rb_dW_transposed): (
        "`dW` is not right (4 samples, 3 features).",
        "Your dW is the transpose of the expected one: the input's transpose comes first."),
    ("14.residual_backward", rb_db_mean): (
        "`db` is not right (4 samples, 3 features).",
        "Your db is the mean of g over the samples, 4 times smaller than expected."),
    ("14.residual_backward", rb_slope_at_zero): (
        "`dx` is not right (some inputs exactly 0 (ReLU's slope there is 0, as in TensorFlow)).",
        "Right in this case: `dW`, `db`; not right: `dx`."),
    ("15.rnn_forward", rf_float32): (
        "Your result is not right (n = 4 sequences, T = 5 steps, 3 features, 2 units).",
        "Your states are right to about 7 digits only: they were computed in float32. Keep NumPy's float64 (no "
        "astype(np.float32), no dtype=np.float32)."),
    ("15.rnn_forward", rf_no_state): (
        "Your result is not right (n = 4 sequences, T = 5 steps, 3 features, 2 units).",
        "Your first step is right, but every later step ignores the state before it: h_t must depend on h_{t-1}."),
    ("15.rnn_forward", rf_state_not_squashed): (
        "Your result is not right (n = 4 sequences, T = 5 steps, 3 features, 2 units).",
        "Your first step h_1 is right; the later steps are not: check what carries over from one step to the next."),
    ("15.rnn_forward", rf_no_tanh): (
        "Your result is not right (n = 4 sequences, T = 5 steps, 3 features, 2 units).",
        "Your states are the pre-activations s_t: the tanh is missing."),
    ("15.rnn_backward", rw_last_only): (
        "`dW` is not right (n = 4 sequences, T = 5 steps, 3 features, 2 units).",
        "Your dW holds the last step's term only: W is used at every step, so its gradient sums the terms of all "
        "T steps, each step's ds_t coming from the step after it."),
    ("15.rnn_backward", rw_h_now): (
        "`dU` is not right (n = 4 sequences, T = 5 steps, 3 features, 2 units).",
        "Right in this case: `dW`, `db`, `dx`; not right: `dU`."),
    ("15.rnn_backward", rw_dU_last_step_with_h_t): (
        "`dU` is not right (n = 4 sequences, T = 5 steps, 3 features, 2 units).",
        "Your dU uses h_t; the recurrent kernel multiplies the state BEFORE the step, h_{t-1}."),
    ("15.rnn_backward", rw_db_mean): (
        "`db` is not right (n = 4 sequences, T = 5 steps, 3 features, 2 units).",
        "Every entry of your db is 0.25 times the expected one."),
    ("15.lstm_step", ls_swapped): (
        "`h` is not right (n = 4, 3 features, 2 units).",
        "Your h and c are right but swapped: return them in the order (h, c)."),
    ("15.lstm_step", ls_h_from_c): (
        "`h` is not right (n = 4, 3 features, 2 units).",
        "Your c is right; your h uses c itself where the cell's output squashes it first."),
    ("15.lstm_step", ls_output_gate_tanh): (
        "`h` is not right (n = 4, 3 features, 2 units).",
        "Your c is right, h is not: look at the output gate's block and what it multiplies."),
    ("15.lstm_step", ls_gate_order): (
        "`h` is not right (n = 4, 3 features, 2 units).",
        "None of `h`, `c` is right in this case."),
}
RIGHT = {"14.batchnorm_forward": bf_right, "14.batchnorm_backward": bb_right, "14.residual_backward": rb_right,
         "15.rnn_forward": rf_right, "15.rnn_backward": rw_right, "15.lstm_step": ls_right}
PASSED_SAYS = {
    "14.batchnorm_forward": "6 cases passed. A batch of one gave exactly beta: batch normalisation needs batches of "
                            "several samples.",
    "14.batchnorm_backward": "6 cases passed. The two sums you subtracted make every column of dx sum to 0: moving a "
                             "whole column changes nothing after normalising.",
    "14.residual_backward": "6 cases passed. Where every input was negative, dx was exactly g: the skip path carries "
                            "the gradient even when F passes none.",
    "15.rnn_forward": "5 cases passed. The same W, U and b at every step: that is what makes it recurrent.",
    # the gradient check's line ends in a comma: the twin's line follows it in check()
    "15.rnn_backward": "5 cases passed. Truncated BPTT would stop the loop after a few steps; the LSTM adds a second, "
                       "gated path for dh. The numerical gradient agrees to < 1e-10,",
    "15.lstm_step": "5 cases passed. With f = 1 and i = 0 the cell passes c_prev on unchanged: the gradient's path "
                    "through c is multiplied by f only.",
}

_RNN_NOTES = ["n = 4 sequences, T = 5 steps, 3 features, 2 units", "n = 1 sequences, T = 1 steps, 2 features, 3 units",
              "n = 3 sequences, T = 6 steps, 4 features, 4 units", "n = 1 sequences, T = 7 steps, 1 features, 5 units",
              "n = 2 sequences, T = 3 steps, 5 features, 1 units"]
_BN_NOTES = ["5 samples, 3 features", "2 samples, 7 features", "9 samples, 1 feature",
             "a batch of one: every feature equals its own mean", "a constant feature (column 1): its variance is 0",
             "features of very different scale: 100, 1 and 0.01"]
_BN_SIZES = ((5, 3), (2, 7), (9, 1), (1, 4), (6, 3), (8, 3))
_RNN_SHAPES = ((4, 5, 3, 2), (1, 1, 2, 3), (3, 6, 4, 4), (1, 7, 1, 5), (2, 3, 5, 1))
_LSTM_SHAPES = ((4, 3, 2), (1, 2, 3), (3, 4, 4), (2, 1, 5), (3, 2, 2))
# seed 0's cases: notes, the shapes of the arguments in order, one digest of every value
CASES = {
    "14.batchnorm_forward": (
        [*_BN_NOTES[:2], "9 samples, 1 feature, epsilon = 0.5", *_BN_NOTES[3:]],
        [(("x", (n, d)), ("gamma", (d,)), ("beta", (d,)), ("epsilon", ())) for n, d in _BN_SIZES], -41.031985008),
    "14.batchnorm_backward": (
        _BN_NOTES, [(("x", (n, d)), ("gamma", (d,)), ("epsilon", ()), ("g", (n, d))) for n, d in _BN_SIZES],
        22.46401546),
    "14.residual_backward": (
        ["4 samples, 3 features", "1 samples, 5 features: a batch of one", "7 samples, 2 features",
         "3 samples, 6 features", "some inputs exactly 0 (ReLU's slope there is 0, as in TensorFlow)",
         "every input negative: F passes no gradient, only the skip path does"],
        [(("x", (n, d)), ("W", (d, d)), ("g", (n, d))) for n, d in ((4, 3), (1, 5), (7, 2), (3, 6), (5, 4), (3, 3))],
        407.981748254),
    "15.rnn_forward": (
        _RNN_NOTES, [(("x", (n, T, i)), ("W", (i, u)), ("U", (u, u)), ("b", (u,))) for n, T, i, u in _RNN_SHAPES],
        287.990635033),
    "15.rnn_backward": (
        _RNN_NOTES, [(("x", (n, T, i)), ("hs", (n, T, u)), ("W", (i, u)), ("U", (u, u)), ("grad_h", (n, u)))
                     for n, T, i, u in _RNN_SHAPES], 468.895112525),
    "15.lstm_step": (
        ["n = 4, 3 features, 2 units", "n = 1, 2 features, 3 units", "n = 3, 4 features, 4 units",
         "n = 2, 1 features, 5 units", "forget gate shut in the first unit (f = 0), open in the second (f = 1)"],
        [(("x_t", (n, i)), ("h_prev", (n, u)), ("c_prev", (n, u)), ("W", (i, 4 * u)), ("U", (u, 4 * u)),
          ("b", (4 * u,))) for n, i, u in _LSTM_SHAPES], 869.1482661),
}


@pytest.mark.parametrize("name,wrong", sorted(WRONG, key=lambda k: (k[0], k[1].__name__)),
                         ids=lambda v: getattr(v, "__name__", v))
def test_a_wrong_answer_fails_with_its_pinned_headline_and_diagnosis(name, wrong, capsys):
    assert_fails_with(name, wrong, *WRONG[name, wrong], capsys)


@pytest.mark.parametrize("name", sorted(RIGHT))
def test_a_right_answer_written_differently_and_the_instructors_pass(name):
    assert_right_and_instructors_pass(name, RIGHT[name], PASSED_SAYS[name])


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_cases_are_the_pinned_ones(name):
    assert_cases_pinned(name, CASES[name][:2], CASES[name][2])


def test_the_edge_cases_hold_what_their_notes_say():
    """The batch of one and the constant feature give beta (x_hat = 0); the feature scales are 100, 1, 0.01; the
    all-negative residual case has relu(x) = 0; the LSTM case's forget gate is 0 in one unit and 1 in the other;
    the RNN's states are tanh's (inside (-1, 1)) and the first step starts from h_0 = 0."""
    bn = CODE_EXERCISES["14.batchnorm_forward"].make_cases(np.random.default_rng(0))
    for k in (3, 4):
        x, gamma, beta, eps = (bn[k].args[a] for a in ("x", "gamma", "beta", "epsilon"))
        out = np.asarray(CODE_EXERCISES["14.batchnorm_forward"].reference(x=x, gamma=gamma, beta=beta, epsilon=eps))
        column = slice(None) if k == 3 else 1
        np.testing.assert_allclose(out[:, column], np.broadcast_to(beta, out.shape)[:, column], atol=1e-12)
    np.testing.assert_allclose(bn[2].args["epsilon"], 0.5)
    assert [c.args["epsilon"] for c in bn[:2] + bn[3:]] == [1e-3] * 5
    std = bn[5].args["x"].std(axis=0)
    assert 20 < std[0] < 300 and 0.2 < std[1] < 3 and 0.002 < std[2] < 0.03
    res = CODE_EXERCISES["14.residual_backward"].make_cases(np.random.default_rng(0))
    x = res[4].args["x"]
    assert np.all(x[0] == 0) and np.all(x[1:][x[1:] < 0] == -1) and np.any(x[1:] > 0)
    assert np.all(res[5].args["x"] <= 0)
    lstm = CODE_EXERCISES["15.lstm_step"].make_cases(np.random.default_rng(0))[-1].args
    s = lstm["x_t"] @ lstm["W"] + lstm["h_prev"] @ lstm["U"] + lstm["b"]
    f = sig(s[:, 2:4])
    assert np.all(f[:, 0] < 1e-15) and np.all(f[:, 1] > 1 - 1e-15)
    back = CODE_EXERCISES["15.rnn_backward"].make_cases(np.random.default_rng(0))
    for case in back:
        x, hs, W, U = (case.args[a] for a in ("x", "hs", "W", "U"))
        b = np.arctanh(hs[:, 0]) - x[:, 0] @ W  # h_1 = tanh(x_1 W + b) from h_0 = 0: one b for every sequence
        np.testing.assert_allclose(b, np.broadcast_to(b[0], b.shape), atol=1e-9)
        np.testing.assert_allclose(hs, rf_right(x, W, U, b[0]), atol=1e-12)


def test_the_rnn_gradient_check_refuses_a_gradient_that_is_a_little_off():
    from dlteach.exercises import lesson_15

    assert lesson_15._backward_gradcheck(rw_right) == "The numerical gradient agrees to < 1e-10,"
    for k in range(4):
        off = (lambda k: lambda **a: tuple(g * 1.001 if i == k else g for i, g in enumerate(rw_right(**a))))(k)
        with pytest.raises(Mismatch, match=r"^The gradient check fails: central differences differ from your "
                                           r"gradients by 0\.00"):
            lesson_15._backward_gradcheck(off)


def test_the_bptt_reference_recovers_the_bias_from_the_states():
    """rnn_backward has no b among its inputs; its reference reads b off the first step."""
    from dlteach.exercises import lesson_15

    rng = np.random.default_rng(3)
    W, U, b = rng.normal(size=(3, 2)), rng.normal(size=(2, 2)), np.array([0.3, -0.7])
    x = rng.normal(size=(4, 5, 3))
    np.testing.assert_allclose(lesson_15._bias_of(x, rf_right(x, W, U, b), W, U), b, atol=1e-12)


# ---------------------------------------------------------------- the twins, with a NumPy stand-in

class _Out(_Tensor):
    """A stand-in tensor whose read-outs (numpy(), np.asarray, float) are (1 + OFF) times its value."""

    OFF = 0.0

    def numpy(self):
        return self.value * (1 + _Out.OFF)

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.numpy(), dtype=dtype)

    def __float__(self):
        return float(self.numpy())


def _out(t):
    return _Out(t.value, t.parents)


class _ListTape(_Tape):
    def gradient(self, target, sources):
        if isinstance(sources, (list, tuple)):
            return [_out(_Tape.gradient(self, target, s)) for s in sources]
        return _out(_Tape.gradient(self, target, sources))


SEEN = []  # every value handed to the stand-in (constants, variables, weights), in order


def _record(value):
    SEEN.append(np.array(value, dtype=float))
    return value


def _constant(value):
    return _Tensor(_record(value))


def _variable(value):
    return _Variable(_record(value))


def _relu(x):
    x = _lift(x)
    return _Tensor(np.maximum(x.value, 0.0), ((x, lambda g: g * (x.value > 0)),))


class _BatchNormalization:
    """Training-mode batch normalisation written out (bf_right, bb_right above), with its gradients."""

    def __init__(self, epsilon, dtype=None):
        assert dtype == "float64"
        self.epsilon = epsilon

    def build(self, shape):
        self.shape = tuple(shape)

    def set_weights(self, weights):
        gamma, beta, moving_mean, moving_var = (_record(w) for w in weights)
        assert np.shape(gamma) == np.shape(moving_var) == (self.shape[1],)
        assert not np.any(moving_mean) and np.all(np.asarray(moving_var) == 1)  # never used in training mode
        self.gamma, self.beta = _Variable(gamma), _Variable(beta)

    def __call__(self, x, training=False):
        assert training is True
        x = _lift(x)
        gamma, eps = self.gamma.value, self.epsilon
        out = bf_right(x.value, gamma, self.beta.value, eps)
        return _Out(out, ((x, lambda g: bb_right(x.value, gamma, eps, g)[0]),
                          (self.gamma, lambda g: bb_right(x.value, gamma, eps, g)[1]),
                          (self.beta, lambda g: g.sum(axis=0))))


class _SimpleRNN:
    """The last state of a SimpleRNN (rf_right above) and its gradients (rw_right above)."""

    def __init__(self, units, dtype=None):
        assert dtype == "float64"
        self.units = units

    def build(self, shape):
        self.shape = tuple(shape)

    def set_weights(self, weights):
        W, U, b = (_record(w) for w in weights)
        assert np.shape(W) == (self.shape[2], self.units) and np.shape(U) == (self.units, self.units)
        self.trainable_weights = [_Variable(W), _Variable(U), _Variable(b)]

    def __call__(self, x):
        x = _lift(x)
        W, U, b = (w.value for w in self.trainable_weights)
        hs = rf_right(x.value, W, U, b)

        def grads(k):
            return lambda g: rw_right(x.value, hs, W, U, g)[k]
        W_, U_, b_ = self.trainable_weights
        return _Tensor(hs[:, -1], ((W_, grads(0)), (U_, grads(1)), (b_, grads(2)), (x, grads(3))))


class _LSTMCell:
    def __init__(self, units, dtype=None):
        assert dtype == "float64"
        self.units = units

    def build(self, shape):
        self.shape = tuple(shape)

    def set_weights(self, weights):
        self.W, self.U, self.b = (_record(w) for w in weights)
        assert np.shape(self.W) == (self.shape[1], 4 * self.units)

    def __call__(self, x, states):
        h_prev, c_prev = (_lift(s).value for s in states)
        h, c = ls_right(_lift(x).value, h_prev, c_prev, self.W, self.U, self.b)
        return _Out(h), [_Out(h), _Out(c)]


@pytest.fixture
def stand_in(monkeypatch):
    """NumPy stand-ins in place of tensorflow and keras; stand_in(off) makes every read-out off by `off`."""
    import sys
    import types

    tf = types.SimpleNamespace(constant=_constant, Variable=_variable, GradientTape=_ListTape,
                               reduce_sum=lambda x: _reduce(x, False), matmul=lambda a, b: _lift(a) @ _lift(b),
                               nn=types.SimpleNamespace(relu=_relu))
    keras = types.SimpleNamespace(layers=types.SimpleNamespace(
        BatchNormalization=_BatchNormalization, SimpleRNN=_SimpleRNN, LSTMCell=_LSTMCell))
    monkeypatch.setitem(sys.modules, "tensorflow", tf)
    monkeypatch.setitem(sys.modules, "keras", keras)
    monkeypatch.setattr(_Out, "OFF", 0.0)
    SEEN.clear()

    def off(value):
        monkeypatch.setattr(_Out, "OFF", value)
    return off


# The twin's line with the stand-in exact and off by 1e-13 (both pass), and its first line off by 4e-12 (fails:
# the twins ask for 1e-12, rnn_backward's for 1e-10, which 4e-12 passes and 4e-10 fails)
TWIN_SAYS = {
    "14.batchnorm_forward": (
        "keras.layers.BatchNormalization(training=True) agrees to < 1e-16.",
        "keras.layers.BatchNormalization(training=True) agrees to < 1e-13.",
        "Your result agrees with the cases but not with keras.layers.BatchNormalization(training=True): relative "
        "difference 2e-12."),
    "14.batchnorm_backward": (
        "keras.layers.BatchNormalization under tf.GradientTape agrees to < 1e-16.",
        "keras.layers.BatchNormalization under tf.GradientTape agrees to < 1e-13.",
        "Your result agrees with the cases but not with keras.layers.BatchNormalization under tf.GradientTape: "
        "relative difference 2e-12."),
    "14.residual_backward": (
        "tf.GradientTape on x + relu(x) W + b agrees exactly.",
        "tf.GradientTape on x + relu(x) W + b agrees to < 1e-13.",
        "Your result agrees with the cases but not with tf.GradientTape on x + relu(x) W + b: relative difference "
        "2e-12."),
    "15.rnn_backward": (
        # after the gradient check's "The numerical gradient agrees ...," (lesson 06's twins read the same way)
        "tf.GradientTape on keras.layers.SimpleRNN to < 1e-15.",
        "tf.GradientTape on keras.layers.SimpleRNN to < 1e-13.",
        "tf.GradientTape on keras.layers.SimpleRNN disagrees with your gradients: relative difference 2e-10."),
    "15.lstm_step": (
        "keras.layers.LSTMCell agrees exactly.",
        "keras.layers.LSTMCell agrees to < 1e-13.",
        "keras.layers.LSTMCell disagrees with your step: relative difference 2e-12."),
}
# one digest of the values each twin hands to the stand-in (its own inputs, not a case's)
TWIN_INPUTS = {"14.batchnorm_forward": 23.774585989, "14.batchnorm_backward": 22.684980178,
               "14.residual_backward": 5.66020458, "15.rnn_backward": 23.78252032, "15.lstm_step": 48.476339237}


@pytest.mark.parametrize("name", sorted(TWIN_SAYS))
def test_the_twin_agrees_with_a_numpy_stand_in_and_refuses_one_that_is_off(name, stand_in, capsys):
    assert_twin_agrees_then_refuses(name, TWIN_SAYS[name], PASSED_SAYS[name], RIGHT[name], stand_in, SEEN,
                                    TWIN_INPUTS[name], capsys, 4e-10 if name == "15.rnn_backward" else 4e-12)
    if name == "15.rnn_backward":
        stand_in(4e-12)
        assert check(name, RIGHT[name]) is True


@pytest.mark.parametrize("name", sorted(TWIN_SAYS))
def test_a_twin_refuses_nan_on_its_own_inputs(name, stand_in, capsys):
    """An answer right on every case but NaN on the twin's inputs fails (it cannot pass the twin)."""
    assert check(name, nan_off_the_cases(name)) is False
    first = capsys.readouterr().out.splitlines()[0]
    if name.startswith("14."):
        assert first == ("Not yet. Your result agrees with the cases but holds NaN or inf on the inputs compared with "
                         f"{TWIN_SAYS[name][0].split(' agrees')[0]}: look for exp of a large number or log of 0.")
    elif name == "15.rnn_backward":  # its gradient check comes first
        assert first == "Not yet. The gradient check fails: central differences differ from your gradients by inf."
    else:
        assert first == "Not yet. keras.layers.LSTMCell disagrees with your step: relative difference inf."


@pytest.mark.parametrize("name", ["06.dense_backward", "06.two_layer_backward", "15.rnn_backward"])
def test_a_gradient_check_refuses_nan_on_its_own_inputs(name):
    """Bug fixed: the core's rel_error reads NaN as 0, so a NaN gradient "agreed exactly" with central
    differences; the checkers' rel_error (exercises/common.py) gives inf."""
    ok, message, attempted = run(without_twin(name), nan_off_the_cases(name))
    assert (ok, attempted) == (False, True)
    assert message == "The gradient check fails: central differences differ from your gradients by inf."


def test_the_checkers_rel_error_is_the_cores_on_finite_values_and_inf_otherwise():
    from dlteach.exercises.common import rel_error

    assert rel_error([3.0, 4.0], [3.0, 4.0]) == 0.0 and rel_error([0.0], [0.0]) == 0.0
    assert rel_error([1.0, 0.0], [0.0, 1.0]) == pytest.approx(np.sqrt(2) / 2, rel=1e-15)
    for bad in (np.nan, np.inf, -np.inf):
        assert rel_error([1.0, bad], [1.0, 2.0]) == np.inf and rel_error([1.0, 2.0], [bad, 2.0]) == np.inf
