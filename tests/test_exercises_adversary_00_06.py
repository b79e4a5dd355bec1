"""The checker's adversary for lessons 00-06 (review rubric, "The checker's adversary").

For every code exercise of lessons 00 to 06: plausible wrong answers, each of which must fail with a message
that says what is wrong in terms of the output (pinned word for word for seed 0), and one correct answer written
differently from dlteach.solutions, which must pass. Then the edge cases, each shown to separate right from
almost-right on its own; the cases themselves (pinned, so that a change is deliberate); and the Keras/TensorFlow
twins run against a NumPy stand-in for tensorflow and keras (the few calls the twins make), so that the twins'
inputs, tolerances and messages are tested without TensorFlow. Only
test_the_alternative_answer_passes_with_real_tensorflow imports TensorFlow.
"""
import dataclasses
import hashlib
import re
import sys
import types

import numpy as np
import pytest

from dlteach import solutions
from dlteach.exercises import CODE_EXERCISES, check, reset_hints
from dlteach.exercises.runner import Mismatch, run



def sig(z):
    return 0.5 * (1 + np.tanh(0.5 * z))


# ---------------------------------------------------------------- 00.standardize

def std_own_statistics(X_train, X):
    return (X - X.mean(axis=0)) / X.std(axis=0)


def std_one_mean_for_all(X_train, X):
    return (X - X_train.mean()) / X_train.std()


def std_sample_std(X_train, X):
    return (X - X_train.mean(axis=0)) / X_train.std(axis=0, ddof=1)


def std_variance(X_train, X):
    return (X - X_train.mean(axis=0)) / X_train.var(axis=0)


def std_all_data(X_train, X):
    both = np.vstack([X_train, X])
    return (X - both.mean(axis=0)) / both.std(axis=0)


def std_train_mean_own_std(X_train, X):
    return (X - X_train.mean(axis=0)) / X.std(axis=0)


def std_in_place(X_train, X):
    X -= X_train.mean(axis=0)
    X /= X_train.std(axis=0)
    return X


def std_min_max(X_train, X):
    lo, hi = X_train.min(axis=0), X_train.max(axis=0)
    return (X - lo) / (hi - lo)


def std_row_statistics(X_train, X):
    return (X - X.mean(axis=1, keepdims=True)) / X.std(axis=1, keepdims=True)


def std_one_pass(X_train, X):
    mu = X_train.mean(axis=0)
    return (X - mu) / np.sqrt((X_train**2).mean(axis=0) - mu**2)


def std_right(X_train, X):
    mu = X_train.sum(axis=0) / len(X_train)
    sd = np.sqrt(((X_train - mu) ** 2).mean(axis=0))
    return np.column_stack([(X[:, j] - mu[j]) / sd[j] for j in range(X.shape[1])])


# ---------------------------------------------------------------- 01.neuron_forward

def nf_returns_z(X, w, b):
    return X @ w + b


def nf_sign(X, w, b):
    return 1 / (1 + np.exp(X @ w + b))


def nf_bias_subtracted(X, w, b):
    return 1 / (1 + np.exp(-X @ w + b))  # the minus reaches X @ w only


def nf_no_bias(X, w, b):
    return sig(X @ w)


def nf_threshold(X, w, b):
    return (X @ w + b > 0).astype(float)


def nf_tanh(X, w, b):
    return np.tanh(X @ w + b)


def nf_column(X, w, b):
    return sig(X @ w[:, None] + b)


def nf_bias_outside(X, w, b):
    return sig(X @ w) + b


def nf_unstable(X, w, b):
    z = X @ w + b
    return np.exp(z) / (1 + np.exp(z))


def nf_activation_of_inputs(X, w, b):
    return sig(X) @ w + b


def nf_right(X, w, b):
    return 0.5 * (1 + np.tanh(0.5 * (np.einsum("nd,d->n", X, w) + b)))


# ---------------------------------------------------------------- 01.perceptron_update

def pu_geq(w, b, x, y, eta):
    y_hat = float(x @ w + b >= 0)
    return w + eta * (y - y_hat) * x, b + eta * (y - y_hat)


def pu_always(w, b, x, y, eta):
    return w + eta * y * x, b + eta * y


def pu_sign(w, b, x, y, eta):
    y_hat = float(x @ w + b > 0)
    return w + eta * (y_hat - y) * x, b + eta * (y_hat - y)


def pu_in_place(w, b, x, y, eta):
    y_hat = float(x @ w + b > 0)
    w += eta * (y - y_hat) * x
    return w, b + eta * (y - y_hat)


def pu_no_bias(w, b, x, y, eta):
    y_hat = float(x @ w + b > 0)
    return w + eta * (y - y_hat) * x, b


def pu_sigmoid(w, b, x, y, eta):
    y_hat = sig(x @ w + b)
    return w + eta * (y - y_hat) * x, b + eta * (y - y_hat)


def pu_bias_without_eta(w, b, x, y, eta):
    y_hat = float(x @ w + b > 0)
    return w + eta * (y - y_hat) * x, b + (y - y_hat)


def pu_sign_prediction(w, b, x, y, eta):
    y_hat = np.sign(x @ w + b)
    return w + eta * (y - y_hat) * x, b + eta * (y - y_hat)


def pu_prediction_without_b(w, b, x, y, eta):
    y_hat = float(x @ w > 0)
    return w + eta * (y - y_hat) * x, b + eta * (y - y_hat)


def pu_no_eta(w, b, x, y, eta):
    y_hat = float(x @ w + b > 0)
    return w + (y - y_hat) * x, b + (y - y_hat)


def pu_right(w, b, x, y, eta):
    err = y - np.heaviside(np.dot(x, w) + b, 0.0)
    return w + eta * err * x, float(b + eta * err)


# ---------------------------------------------------------------- 02.sigmoid_backward

def sb_no_grad(z, grad_a):
    return sig(z) * (1 - sig(z))


def sb_activation(z, grad_a):
    return grad_a * sig(z)


def sb_slope_of_z(z, grad_a):
    return grad_a * z * (1 - z)


def sb_tanh_slope(z, grad_a):
    return grad_a * (1 - np.tanh(z) ** 2)


def sb_in_place(z, grad_a):
    a = sig(z)
    grad_a *= a * (1 - a)
    return grad_a


def sb_unstable(z, grad_a):
    a = np.exp(z) / (1 + np.exp(z))
    return grad_a * a * (1 - a)


def sb_divided_by_n(z, grad_a):
    a = sig(z)
    return grad_a * a * (1 - a) / len(z)


def sb_right(z, grad_a):
    return 0.25 * grad_a / np.cosh(0.5 * z) ** 2


# ---------------------------------------------------------------- 02.relu_backward

def rb_no_grad(z, grad_a):
    return (z > 0).astype(float)


def rb_geq(z, grad_a):
    return grad_a * (z >= 0)


def rb_activation(z, grad_a):
    return grad_a * np.maximum(z, 0)


def rb_in_place(z, grad_a):
    grad_a[z <= 0] = 0
    return grad_a


def rb_mask_of_grad(z, grad_a):
    return grad_a * (grad_a > 0)


def rb_epsilon(z, grad_a):
    return np.where(z > 1e-6, grad_a, 0.0)


def rb_sign(z, grad_a):
    return grad_a * np.sign(z)


def rb_clip(z, grad_a):
    return grad_a * np.clip(z, 0, 1)


def rb_right(z, grad_a):
    out = np.zeros_like(grad_a)
    out[z > 0] = grad_a[z > 0]
    return out


# ---------------------------------------------------------------- 02.elu_backward

def eb_no_grad(z, grad_a):
    return np.where(z > 0, 1.0, np.exp(np.minimum(z, 0)))


def eb_value_as_slope(z, grad_a):
    return grad_a * np.where(z > 0, 1.0, np.expm1(np.minimum(z, 0)))


def eb_relu_slope(z, grad_a):
    return grad_a * (z > 0)


def eb_exp_everywhere(z, grad_a):
    return grad_a * np.exp(np.minimum(z, 30))


def eb_selu(z, grad_a):
    return 1.0507 * grad_a * np.where(z > 0, 1.0, 1.67326 * np.exp(np.minimum(z, 0)))


def eb_in_place(z, grad_a):
    grad_a[z <= 0] *= np.exp(z[z <= 0])
    return grad_a


def eb_mask_times_exp(z, grad_a):
    return grad_a * ((z > 0) + (z <= 0) * np.exp(z))


def eb_zero_at_zero(z, grad_a):
    return grad_a * np.where(z > 0, 1.0, np.where(z < 0, np.exp(np.minimum(z, 0)), 0.0))


def eb_right(z, grad_a):
    return grad_a * np.exp(np.minimum(z, 0))


# ---------------------------------------------------------------- 03.bce_with_logits

def bce_naive(z, y):
    a = 1 / (1 + np.exp(-z))
    return np.mean(-y * np.log(a) - (1 - y) * np.log(1 - a)), (a - y) / len(z)


def bce_no_n(z, y):
    return np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-abs(z)))), sig(z) - y


def bce_uphill(z, y):
    return np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-abs(z)))), (y - sig(z)) / len(z)


def bce_not_averaged(z, y):
    return np.maximum(z, 0) - z * y + np.log1p(np.exp(-abs(z))), (sig(z) - y) / len(z)


def bce_clipped(z, y):
    a = np.clip(sig(z), 1e-7, 1 - 1e-7)
    return np.mean(-y * np.log(a) - (1 - y) * np.log(1 - a)), (sig(z) - y) / len(z)


def bce_summed(z, y):
    return np.sum(np.maximum(z, 0) - z * y + np.log1p(np.exp(-abs(z)))), (sig(z) - y) / len(z)


def bce_no_abs(z, y):
    return np.mean((1 - y) * z + np.log1p(np.exp(-z))), (sig(z) - y) / len(z)


def bce_labels_swapped(z, y):
    return np.mean(np.maximum(z, 0) - z * (1 - y) + np.log1p(np.exp(-abs(z)))), (sig(z) - (1 - y)) / len(z)


def bce_grad_of_minus_z(z, y):
    return np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-abs(z)))), (sig(-z) - y) / len(z)


def bce_no_max(z, y):
    return np.mean(-z * y + np.log1p(np.exp(-abs(z)))), (sig(z) - y) / len(z)


def bce_right(z, y):
    loss = np.mean(np.logaddexp(0.0, z) - y * z)
    return loss, (np.exp(-np.logaddexp(0.0, -z)) - y) / z.size


# ---------------------------------------------------------------- 04.gradient_step

def gs_no_two(w, X, y, learning_rate):
    return w - learning_rate * X.T @ (X @ w - y) / len(X)


def gs_summed(w, X, y, learning_rate):
    return w - learning_rate * 2 * X.T @ (X @ w - y)


def gs_uphill(w, X, y, learning_rate):
    return w + learning_rate * 2 * X.T @ (X @ w - y) / len(X)


def gs_no_transpose(w, X, y, learning_rate):
    return w - learning_rate * 2 * X @ (X @ w - y) / len(X)


def gs_divided_by_d(w, X, y, learning_rate):
    return w - learning_rate * 2 * X.T @ (X @ w - y) / len(w)


def gs_in_place(w, X, y, learning_rate):
    w -= learning_rate * 2 * X.T @ (X @ w - y) / len(X)
    return w


def gs_returns_gradient(w, X, y, learning_rate):
    return 2 * X.T @ (X @ w - y) / len(X)


def gs_scalar_gradient(w, X, y, learning_rate):
    return w - learning_rate * 2 * np.mean(X.T @ (X @ w - y))


def gs_right(w, X, y, learning_rate):
    r = np.einsum("nd,d->n", X, w) - y
    return w - learning_rate * 2 * np.mean(r[:, None] * X, axis=0)


# ---------------------------------------------------------------- 04.minibatch_epoch

def _epoch(w, X, y, lr, B, starts=None, norm=None, sign=-1.0, order=None, stale=False, size=None):
    n = len(X)
    starts = list(range(0, n, B)) if starts is None else starts
    start_w = w
    for i in (starts if order is None else order(starts)):
        stop = i + (B if size is None else size)
        Xb, yb = X[i:stop], y[i:stop]
        k = len(Xb) if norm is None else norm(Xb, n, B)
        w = w + sign * lr * 2 / k * Xb.T @ (Xb @ (start_w if stale else w) - yb)
    return w


def me_sum(w, X, y, learning_rate, batch_size):
    return _epoch(w, X, y, learning_rate, batch_size, norm=lambda Xb, n, B: 2.0)


def me_uphill(w, X, y, learning_rate, batch_size):
    return _epoch(w, X, y, learning_rate, batch_size, sign=1.0)


def me_drop_last(w, X, y, learning_rate, batch_size):
    return _epoch(w, X, y, learning_rate, batch_size, starts=list(range(0, len(X) - batch_size + 1, batch_size)))


def me_full_data(w, X, y, learning_rate, batch_size):
    for _ in range(0, len(X), batch_size):
        w = w - learning_rate * 2 / len(X) * X.T @ (X @ w - y)
    return w


def me_last_by_B(w, X, y, learning_rate, batch_size):
    return _epoch(w, X, y, learning_rate, batch_size, norm=lambda Xb, n, B: B)


def me_by_n(w, X, y, learning_rate, batch_size):
    return _epoch(w, X, y, learning_rate, batch_size, norm=lambda Xb, n, B: n)


def me_stale(w, X, y, learning_rate, batch_size):
    return _epoch(w, X, y, learning_rate, batch_size, stale=True)


def me_array_split(w, X, y, learning_rate, batch_size):
    k = -(-len(X) // batch_size)
    for Xb, yb in zip(np.array_split(X, k), np.array_split(y, k)):
        w = w - learning_rate * 2 / len(Xb) * Xb.T @ (Xb @ w - yb)
    return w


def me_shuffled(w, X, y, learning_rate, batch_size):
    idx = np.random.default_rng(0).permutation(len(X))
    return _epoch(w, X[idx], y[idx], learning_rate, batch_size)


def me_reversed(w, X, y, learning_rate, batch_size):
    return _epoch(w, X, y, learning_rate, batch_size, order=lambda s: s[::-1])


def me_off_by_one(w, X, y, learning_rate, batch_size):
    return _epoch(w, X, y, learning_rate, batch_size, size=batch_size - 1)


def me_stop_before_last(w, X, y, learning_rate, batch_size):
    return _epoch(w, X, y, learning_rate, batch_size, starts=list(range(0, len(X) - 1, batch_size)))


def me_one_averaged_step(w, X, y, learning_rate, batch_size):
    grads = [2 / len(X[i:i + batch_size]) * X[i:i + batch_size].T @ (X[i:i + batch_size] @ w - y[i:i + batch_size])
             for i in range(0, len(X), batch_size)]
    return w - learning_rate * np.mean(grads, axis=0)


def me_in_place(w, X, y, learning_rate, batch_size):
    for i in range(0, len(X), batch_size):
        Xb, yb = X[i:i + batch_size], y[i:i + batch_size]
        w -= learning_rate * 2 / len(Xb) * Xb.T @ (Xb @ w - yb)
    return w


def me_right(w, X, y, learning_rate, batch_size):
    n = len(X)
    for Xb, yb in zip(np.split(X, range(batch_size, n, batch_size)), np.split(y, range(batch_size, n, batch_size))):
        w = w - learning_rate * np.mean(2 * (Xb @ w - yb)[:, None] * Xb, axis=0)
    return w


# ---------------------------------------------------------------- 05.momentum_step

def mo_textbook(w, m, g, learning_rate, momentum):
    v = momentum * m + g
    return w - learning_rate * v, v


def mo_old_m(w, m, g, learning_rate, momentum):
    return w + m, momentum * m - learning_rate * g


def mo_nesterov(w, m, g, learning_rate, momentum):
    m_new = momentum * m - learning_rate * g
    return w + momentum * m_new - learning_rate * g, m_new


def mo_sign(w, m, g, learning_rate, momentum):
    m_new = momentum * m + learning_rate * g
    return w + m_new, m_new


def mo_in_place(w, m, g, learning_rate, momentum):
    m *= momentum
    m -= learning_rate * g
    return w + m, m


def mo_no_memory(w, m, g, learning_rate, momentum):
    return w - learning_rate * g, -learning_rate * g


def mo_ema(w, m, g, learning_rate, momentum):
    m_new = momentum * m + (1 - momentum) * g
    return w - learning_rate * m_new, m_new


def mo_fixed_mu(w, m, g, learning_rate, momentum):
    m_new = 0.9 * m - learning_rate * g
    return w + m_new, m_new


def mo_fixed_lr(w, m, g, learning_rate, momentum):
    m_new = momentum * m - 0.05 * g
    return w + m_new, m_new


def mo_roles_swapped(w, m, g, learning_rate, momentum):
    m_new = learning_rate * m - momentum * g
    return w + m_new, m_new


def mo_right(w, m, g, learning_rate, momentum):
    m_new = -(learning_rate * g - momentum * m)
    w_new = w.copy()
    w_new += m_new
    return w_new, m_new


# ---------------------------------------------------------------- 05.adam_step

def _adam(w, m, v, g, t, lr, b1, b2, eps, correct=True, sqrt=True, paper=False, eps_inside=False, t_shift=0,
          alpha_sqrt=True, store_hat=False, old=False):
    t = t + t_shift
    m_new = b1 * m + (1 - b1) * g
    v_new = b2 * v + (1 - b2) * g**2
    mm, vv = (m, v) if old else (m_new, v_new)
    if paper:
        m_hat, v_hat = mm / (1 - b1**t), vv / (1 - b2**t)
        w_new = w - lr * m_hat / (np.sqrt(v_hat) + eps)
    else:
        corr = np.sqrt(1 - b2**t) if alpha_sqrt else 1 - b2**t
        alpha = lr * corr / (1 - b1**t) if correct else lr
        root = np.sqrt(vv + eps) if eps_inside else (np.sqrt(vv) if sqrt else vv) + eps
        w_new = w - alpha * mm / root
    if store_hat:
        return w_new, m_new / (1 - b1**t), v_new / (1 - b2**t)
    return w_new, m_new, v_new


def ad_no_correction(w, m, v, g, t, learning_rate, beta_1, beta_2, epsilon):
    return _adam(w, m, v, g, t, learning_rate, beta_1, beta_2, epsilon, correct=False)


def ad_t_plus_one(w, m, v, g, t, learning_rate, beta_1, beta_2, epsilon):
    return _adam(w, m, v, g, t, learning_rate, beta_1, beta_2, epsilon, t_shift=1)


def ad_no_sqrt(w, m, v, g, t, learning_rate, beta_1, beta_2, epsilon):
    return _adam(w, m, v, g, t, learning_rate, beta_1, beta_2, epsilon, sqrt=False)


def ad_hat_stored(w, m, v, g, t, learning_rate, beta_1, beta_2, epsilon):
    return _adam(w, m, v, g, t, learning_rate, beta_1, beta_2, epsilon, store_hat=True)


def ad_betas_swapped(w, m, v, g, t, learning_rate, beta_1, beta_2, epsilon):
    return _adam(w, m, v, g, t, learning_rate, beta_2, beta_1, epsilon)


def ad_eps_inside(w, m, v, g, t, learning_rate, beta_1, beta_2, epsilon):
    return _adam(w, m, v, g, t, learning_rate, beta_1, beta_2, epsilon, eps_inside=True)


def ad_paper_same_eps(w, m, v, g, t, learning_rate, beta_1, beta_2, epsilon):
    return _adam(w, m, v, g, t, learning_rate, beta_1, beta_2, epsilon, paper=True)


def ad_defaults_hard_coded(w, m, v, g, t, learning_rate, beta_1, beta_2, epsilon):
    return _adam(w, m, v, g, t, 0.001, 0.9, 0.999, 1e-7)


def ad_eps_hard_coded(w, m, v, g, t, learning_rate, beta_1, beta_2, epsilon):
    return _adam(w, m, v, g, t, learning_rate, beta_1, beta_2, 1e-7)


def ad_betas_hard_coded(w, m, v, g, t, learning_rate, beta_1, beta_2, epsilon):
    return _adam(w, m, v, g, t, learning_rate, 0.9, 0.999, epsilon)


def ad_t_minus_one(w, m, v, g, t, learning_rate, beta_1, beta_2, epsilon):
    return _adam(w, m, v, g, t, learning_rate, beta_1, beta_2, epsilon, t_shift=-1)


def ad_correction_without_root(w, m, v, g, t, learning_rate, beta_1, beta_2, epsilon):
    return _adam(w, m, v, g, t, learning_rate, beta_1, beta_2, epsilon, alpha_sqrt=False)


def ad_old_moments(w, m, v, g, t, learning_rate, beta_1, beta_2, epsilon):
    return _adam(w, m, v, g, t, learning_rate, beta_1, beta_2, epsilon, old=True)


def ad_right(w, m, v, g, t, learning_rate, beta_1, beta_2, epsilon):
    """The paper's form with its eps_hat = eps / sqrt(1 - beta_2^t): the same step as Keras's."""
    m_new = m + (1 - beta_1) * (g - m)
    v_new = v + (1 - beta_2) * (g * g - v)
    m_hat, v_hat = m_new / (1 - beta_1**t), v_new / (1 - beta_2**t)
    eps_hat = epsilon / np.sqrt(1 - beta_2**t)
    return w - learning_rate * m_hat / (np.sqrt(v_hat) + eps_hat), m_new, v_new


# ---------------------------------------------------------------- 06.dense_backward

def _dense(x, W, b, grad_a, slope="a", dW_T=False, db="sum", dx="delta", with_b=True, sign=1.0):
    z = x @ W + (b if with_b else 0)
    a = np.tanh(z)
    s = {"a": 1 - a**2, "none": 1.0, "z": 1 - z**2, "tanh": a, "sigmoid": sig(z) * (1 - sig(z))}[slope]
    delta = sign * grad_a * s
    dW = delta.T @ x if dW_T else x.T @ delta
    dbv = {"sum": delta.sum(axis=0), "mean": delta.mean(axis=0), "all": delta.sum()}[db]
    dxv = {"delta": lambda: delta @ W.T, "grad": lambda: grad_a @ W.T, "noT": lambda: delta @ W}[dx]()
    return dW, dbv, dxv


def db_no_slope(x, W, b, grad_a):
    return _dense(x, W, b, grad_a, slope="none")


def db_tanh_as_slope(x, W, b, grad_a):
    return _dense(x, W, b, grad_a, slope="tanh")


def db_slope_of_z(x, W, b, grad_a):
    return _dense(x, W, b, grad_a, slope="z")


def db_without_b(x, W, b, grad_a):
    return _dense(x, W, b, grad_a, with_b=False)


def db_mean(x, W, b, grad_a):
    return _dense(x, W, b, grad_a, db="mean")


def db_dW_transposed(x, W, b, grad_a):
    return _dense(x, W, b, grad_a, dW_T=True)


def db_dx_without_T(x, W, b, grad_a):
    return _dense(x, W, b, grad_a, dx="noT")


def db_dx_from_grad_a(x, W, b, grad_a):
    return _dense(x, W, b, grad_a, dx="grad")


def db_sigmoid_slope(x, W, b, grad_a):
    return _dense(x, W, b, grad_a, slope="sigmoid")


def db_right(x, W, b, grad_a):
    delta = grad_a / np.cosh(np.einsum("nd,dk->nk", x, W) + b) ** 2
    return np.einsum("nd,nk->dk", x, delta), np.einsum("nk->k", delta), np.einsum("nk,dk->nd", delta, W)


# ---------------------------------------------------------------- 06.two_layer_backward

def _two(X, y, W1, b1, W2, b2, mean=True, hidden="a", out_slope=False, db="sum", ravel=False, dW2_input=False):
    a1 = np.tanh(X @ W1 + b1)
    a2 = sig(a1 @ W2 + b2)
    yy = y.ravel() if ravel else y
    delta2 = (a2 - yy) / (len(X) if mean else 1)
    if out_slope:
        delta2 = delta2 * a2 * (1 - a2)
    s = {"a": 1 - a1**2, "none": 1.0, "z": 1 - (X @ W1 + b1) ** 2, "twice": 1 - np.tanh(a1) ** 2, "a1": a1}[hidden]
    delta1 = (delta2 @ W2.T) * s
    total = {"sum": lambda d: d.sum(axis=0), "mean": lambda d: d.mean(axis=0)}[db]
    dW2 = (X.T if dW2_input else a1.T) @ delta2
    return X.T @ delta1, total(delta1), dW2, total(delta2)


def tl_no_n(X, y, W1, b1, W2, b2):
    return _two(X, y, W1, b1, W2, b2, mean=False)


def tl_output_slope(X, y, W1, b1, W2, b2):
    return _two(X, y, W1, b1, W2, b2, out_slope=True)


def tl_no_hidden_slope(X, y, W1, b1, W2, b2):
    return _two(X, y, W1, b1, W2, b2, hidden="none")


def tl_slope_of_z(X, y, W1, b1, W2, b2):
    return _two(X, y, W1, b1, W2, b2, hidden="z")


def tl_a1_as_slope(X, y, W1, b1, W2, b2):
    return _two(X, y, W1, b1, W2, b2, hidden="a1")


def tl_bias_mean(X, y, W1, b1, W2, b2):
    return _two(X, y, W1, b1, W2, b2, db="mean")


def tl_y_raveled(X, y, W1, b1, W2, b2):
    return _two(X, y, W1, b1, W2, b2, ravel=True)


def tl_dW2_from_X(X, y, W1, b1, W2, b2):
    return _two(X, y, W1, b1, W2, b2, dW2_input=True)


def tl_tanh_twice(X, y, W1, b1, W2, b2):
    return _two(X, y, W1, b1, W2, b2, hidden="twice")


def tl_right(X, y, W1, b1, W2, b2):
    """One sample at a time, outer products accumulated; delta2 * W2.T broadcast (one output unit)."""
    grads = [np.zeros_like(W1), np.zeros_like(b1), np.zeros_like(W2), np.zeros_like(b2)]
    n = len(X)
    for x_i, y_i in zip(X, y):
        a1 = np.tanh(x_i @ W1 + b1)
        a2 = 1 / (1 + np.exp(-(a1 @ W2 + b2)))
        d2 = (a2 - y_i) / n
        d1 = (d2 * W2.T)[0] * (1 - a1 * a1)
        for k, part in enumerate((np.outer(x_i, d1), d1, np.outer(a1, d2), d2)):
            grads[k] += part
    return tuple(grads)


WRONG = {
    "00.standardize": [std_own_statistics, std_one_mean_for_all, std_sample_std, std_variance, std_all_data,
                       std_train_mean_own_std, std_in_place, std_min_max, std_row_statistics, std_one_pass],
    "01.neuron_forward": [nf_returns_z, nf_sign, nf_bias_subtracted, nf_no_bias, nf_threshold, nf_tanh, nf_column,
                          nf_bias_outside, nf_unstable, nf_activation_of_inputs],
    "01.perceptron_update": [pu_geq, pu_always, pu_sign, pu_in_place, pu_no_bias, pu_sigmoid, pu_bias_without_eta,
                             pu_sign_prediction, pu_prediction_without_b, pu_no_eta],
    "02.sigmoid_backward": [sb_no_grad, sb_activation, sb_slope_of_z, sb_tanh_slope, sb_in_place, sb_unstable,
                            sb_divided_by_n],
    "02.relu_backward": [rb_no_grad, rb_geq, rb_activation, rb_in_place, rb_mask_of_grad, rb_epsilon, rb_sign,
                         rb_clip],
    "02.elu_backward": [eb_no_grad, eb_value_as_slope, eb_relu_slope, eb_exp_everywhere, eb_selu, eb_in_place,
                        eb_mask_times_exp, eb_zero_at_zero],
    "03.bce_with_logits": [bce_naive, bce_no_n, bce_uphill, bce_not_averaged, bce_clipped, bce_summed, bce_no_abs,
                           bce_labels_swapped, bce_grad_of_minus_z, bce_no_max],
    "04.gradient_step": [gs_no_two, gs_summed, gs_uphill, gs_no_transpose, gs_divided_by_d, gs_in_place,
                         gs_returns_gradient, gs_scalar_gradient],
    "04.minibatch_epoch": [me_sum, me_uphill, me_drop_last, me_full_data, me_last_by_B, me_by_n, me_stale,
                           me_array_split, me_shuffled, me_reversed, me_off_by_one, me_stop_before_last,
                           me_one_averaged_step, me_in_place],
    "05.momentum_step": [mo_textbook, mo_old_m, mo_nesterov, mo_sign, mo_in_place, mo_no_memory, mo_ema,
                         mo_fixed_mu, mo_fixed_lr, mo_roles_swapped],
    "05.adam_step": [ad_no_correction, ad_t_plus_one, ad_t_minus_one, ad_no_sqrt, ad_hat_stored, ad_betas_swapped,
                     ad_eps_inside, ad_paper_same_eps, ad_defaults_hard_coded, ad_eps_hard_coded, ad_betas_hard_coded,
                     ad_correction_without_root, ad_old_moments],
    "06.dense_backward": [db_no_slope, db_tanh_as_slope, db_slope_of_z, db_without_b, db_mean, db_dW_transposed,
                          db_dx_without_T, db_dx_from_grad_a, db_sigmoid_slope],
    "06.two_layer_backward": [tl_no_n, tl_output_slope, tl_no_hidden_slope, tl_slope_of_z, tl_a1_as_slope,
                              tl_bias_mean, tl_y_raveled, tl_dW2_from_X, tl_tanh_twice],
}
RIGHT = {"00.standardize": std_right, "01.neuron_forward": nf_right, "01.perceptron_update": pu_right,
         "02.sigmoid_backward": sb_right, "02.relu_backward": rb_right, "02.elu_backward": eb_right,
         "03.bce_with_logits": bce_right, "04.gradient_step": gs_right, "04.minibatch_epoch": me_right,
         "05.momentum_step": mo_right, "05.adam_step": ad_right, "06.dense_backward": db_right,
         "06.two_layer_backward": tl_right}


# ---------------------------------------------------------------- a NumPy stand-in for TensorFlow and Keras

class _Tensor:
    """A value of the stand-in and how to send a gradient back to the tensors it was made from."""

    __array_ufunc__ = None  # ndarray @ tensor and ndarray * tensor come here (__rmatmul__, __rmul__), as in TF

    def __init__(self, value, parents=()):
        self.value = np.array(value, dtype=float)
        self.parents = parents  # (tensor, fn: the gradient of this tensor -> the gradient of that one)

    def numpy(self):
        return self.value.copy()

    def __float__(self):
        return float(self.value)

    def __add__(self, other):
        other = _lift(other)
        return _Tensor(self.value + other.value, ((self, lambda g: g), (other, lambda g: g)))

    __radd__ = __add__

    def __sub__(self, other):
        return self + (-_lift(other))

    def __rsub__(self, other):
        return _lift(other) + (-self)

    def __neg__(self):
        return _Tensor(-self.value, ((self, lambda g: -g),))

    def __mul__(self, other):
        other = _lift(other)
        return _Tensor(self.value * other.value, ((self, lambda g: g * other.value), (other, lambda g: g * self.value)))

    __rmul__ = __mul__

    def __matmul__(self, other):
        other = _lift(other)
        return _Tensor(self.value @ other.value, ((self, lambda g: g @ other.value.T),
                                                  (other, lambda g: self.value.T @ g)))

    def __rmatmul__(self, other):
        return _lift(other) @ self

    def __pow__(self, k):
        return _Tensor(self.value**k, ((self, lambda g: g * k * self.value ** (k - 1)),))


class _Variable(_Tensor):
    def __init__(self, value, dtype=None):
        super().__init__(value)
        self.dtype = dtype


def _lift(x):
    return x if isinstance(x, _Tensor) else _Tensor(x)


def _unary(f, slope):
    def op(x):
        x = _lift(x)
        return _Tensor(f(x.value), ((x, lambda g: g * slope(x.value)),))
    return op


def _reduce(x, mean):
    x = _lift(x)
    k = x.value.size if mean else 1
    return _Tensor(x.value.sum() / k, ((x, lambda g: np.full(x.value.shape, g / k)),))


def _matvec(A, v):
    A, v = _lift(A), _lift(v)
    return _Tensor(A.value @ v.value, ((A, lambda g: np.outer(g, v.value)), (v, lambda g: A.value.T @ g)))


def _bce_logits(*, labels, logits):
    y, z = _lift(labels), _lift(logits)
    value = np.maximum(z.value, 0) - z.value * y.value + np.log1p(np.exp(-np.abs(z.value)))
    return _Tensor(value, ((z, lambda g: g * (0.5 * (1 + np.tanh(0.5 * z.value)) - y.value)),))


class _Tape:
    def __init__(self):
        self.watched = set()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def watch(self, x):
        self.watched.add(id(x))

    def gradient(self, target, sources, output_gradients=None):
        order, seen = [], set()

        def visit(t):
            if id(t) not in seen:
                seen.add(id(t))
                for parent, _ in t.parents:
                    visit(parent)
                order.append(t)

        visit(target)
        grads = {id(target): np.ones_like(target.value) if output_gradients is None
                 else _lift(output_gradients).value}
        for t in reversed(order):
            for parent, back in t.parents:
                g = back(grads.get(id(t), 0.0))
                while np.ndim(g) > parent.value.ndim:  # broadcast: summed back to the parent's shape
                    g = g.sum(axis=0)
                grads[id(parent)] = grads.get(id(parent), 0.0) + g

        def one(s):
            known = isinstance(s, _Variable) or id(s) in self.watched
            return _Tensor(grads.get(id(s), np.zeros_like(s.value))) if known else None

        return [one(s) for s in sources] if isinstance(sources, list) else one(sources)


class _Dense:
    def __init__(self, units, activation=None, dtype=None):
        self.units, self.activation, self.dtype = units, activation, dtype

    def build(self, input_shape):
        assert input_shape[0] is None
        self.kernel, self.bias = np.zeros((input_shape[-1], self.units)), np.zeros(self.units)

    def set_weights(self, weights):
        kernel, bias = weights
        assert np.shape(kernel) == self.kernel.shape and np.shape(bias) == self.bias.shape
        self.kernel, self.bias = np.array(kernel, dtype=float), np.array(bias, dtype=float)

    def __call__(self, X):
        z = np.asarray(X) @ self.kernel + self.bias
        a = {"sigmoid": 1 / (1 + np.exp(-z)), None: z}[self.activation]
        return _Tensor(a if self.dtype == "float64" else a.astype(np.float32))  # Keras's default float32


class SGD:
    def __init__(self, learning_rate=0.01, momentum=0.0):
        self.learning_rate, self.momentum, self.m = learning_rate, momentum, None

    def apply_gradients(self, pairs):
        for grad, var in pairs:
            if self.momentum:
                self.m = self.momentum * (0 if self.m is None else self.m) - self.learning_rate * grad.value
                var.value = var.value + self.m
            else:
                var.value = var.value - self.learning_rate * grad.value


class Adam:
    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        self.lr, self.b1, self.b2, self.eps, self.t, self.m, self.v = learning_rate, beta_1, beta_2, epsilon, 0, 0, 0

    def apply_gradients(self, pairs):
        self.t += 1
        for grad, var in pairs:
            g = grad.value
            self.m = self.b1 * self.m + (1 - self.b1) * g
            self.v = self.b2 * self.v + (1 - self.b2) * g**2
            alpha = self.lr * np.sqrt(1 - self.b2**self.t) / (1 - self.b1**self.t)
            var.value = var.value - alpha * self.m / (np.sqrt(self.v) + self.eps)


def _stand_ins(off=0.0):
    """(tensorflow, keras) stand-ins; off: every gradient, output and optimizer step is (1 + off) times the true one."""
    def scaled(cls):
        class Off(cls):
            def numpy(self):
                return super().numpy() * (1 + off)
        return Off

    tensor = scaled(_Tensor)

    def tape_gradient(tape, *args, **kwargs):
        out = _Tape.gradient(tape, *args, **kwargs)
        fix = (lambda t: None if t is None else tensor(t.value))
        return [fix(t) for t in out] if isinstance(out, list) else fix(out)

    tape = type("GradientTape", (_Tape,), {"gradient": tape_gradient})
    dense = type("Dense", (_Dense,), {"__call__": lambda self, X: tensor(_Dense.__call__(self, X).value)})

    def stepped(cls):
        def apply_gradients(self, pairs):
            pairs = list(pairs)
            before = [var.value.copy() for _, var in pairs]
            cls.apply_gradients(self, pairs)
            for (_, var), w in zip(pairs, before):
                var.value = w + (var.value - w) * (1 + off)
        return type(cls.__name__, (cls,), {"apply_gradients": apply_gradients})

    tf = types.SimpleNamespace(
        constant=lambda value: _Tensor(value), Variable=_Variable, GradientTape=tape, float64="float64",
        sigmoid=_unary(lambda z: 0.5 * (1 + np.tanh(0.5 * z)), lambda z: 0.25 / np.cosh(0.5 * z) ** 2),
        tanh=_unary(np.tanh, lambda z: 1 / np.cosh(z) ** 2),
        reduce_mean=lambda x: _reduce(x, True), reduce_sum=lambda x: _reduce(x, False),
        linalg=types.SimpleNamespace(matvec=_matvec),
        nn=types.SimpleNamespace(relu=_unary(lambda z: np.maximum(z, 0), lambda z: (z > 0) * 1.0),
                                 elu=_unary(lambda z: np.where(z > 0, z, np.expm1(np.minimum(z, 0))),
                                            lambda z: np.exp(np.minimum(z, 0))),
                                 sigmoid_cross_entropy_with_logits=_bce_logits))
    keras = types.SimpleNamespace(layers=types.SimpleNamespace(Dense=dense),
                                  optimizers=types.SimpleNamespace(SGD=stepped(SGD), Adam=stepped(Adam)))
    return tf, keras


# ---------------------------------------------------------------- the tests

@pytest.fixture(autouse=True)
def _ladders_at_the_bottom():
    reset_hints()
    yield
    reset_hints()


@pytest.fixture
def quiet():
    old = np.seterr(all="ignore")
    yield
    np.seterr(**old)


def _without_twin(name):
    return dataclasses.replace(CODE_EXERCISES[name], twin=None)


def _message_lines(out):
    """The headline (what is wrong, in which case) and the last line before the hint (the diagnosis)."""
    lines = out.splitlines()
    hint = next(i for i, line in enumerate(lines) if line.startswith("Hint 1 of 3: "))
    return lines[0], lines[hint - 1].strip()


WRONG_CASES = [(name, fn) for name, wrongs in WRONG.items() for fn in wrongs]


def test_every_code_exercise_of_lessons_00_to_06_has_five_wrong_answers_and_an_alternative():
    mine = sorted(n for n in CODE_EXERCISES if n[:2] <= "06")
    assert sorted(WRONG) == sorted(RIGHT) == mine
    assert all(len(set(wrongs)) >= 5 for wrongs in WRONG.values())
    assert all(RIGHT[n] is not solutions.CODE[n] for n in mine)
    assert sorted(f.__name__ for _, f in WRONG_CASES) == sorted(SAYS)


@pytest.mark.parametrize("name,fn", WRONG_CASES, ids=[f.__name__ for _, f in WRONG_CASES])
def test_a_wrong_answer_fails_and_the_message_says_what_is_wrong(name, fn, capsys):
    for seed in (0, 1, 2):
        assert check(name, fn, seed=seed) is False
        out, err = capsys.readouterr()
        assert out.startswith("Not yet. ") and "Traceback" not in out and err == ""
        if seed == 0:
            headline, says = SAYS[fn.__name__]
            assert _message_lines(out) == ("Not yet. " + headline, says)


@pytest.mark.parametrize("name", sorted(RIGHT))
def test_the_alternative_and_the_instructors_answers_pass_the_cases(name):
    ex = _without_twin(name)
    for seed in range(6):
        for fn in (RIGHT[name], solutions.CODE[name]):
            ok, message, attempted = run(ex, fn, seed)
            assert (ok, attempted) == (True, True), message
            assert message == PASSED_SAYS[name]


@pytest.mark.parametrize("name", sorted(RIGHT))
def test_the_alternative_answer_passes_with_real_tensorflow(name, capsys):
    import tensorflow  # noqa: F401  (a hard dependency: fail, never skip)
    assert check(name, RIGHT[name]) is True
    assert capsys.readouterr().out.startswith(f"Correct! {PASSED[name]} cases passed.")


def _per_case(name, fn):
    """The diagnosis line of every case (seed 0) in which fn fails, the generic 'largest difference' shortened."""
    ex = CODE_EXERCISES[name]
    lines = []
    for case in ex.make_cases(np.random.default_rng(0)):
        alone = dataclasses.replace(ex, make_cases=lambda rng, case=case: [case], twin=None, extra=None)
        ok, message, _ = run(alone, fn)
        if not ok:
            last = message.splitlines()[-1].strip()
            lines.append("largest difference" if last.startswith("largest difference") else last)
    return lines


@pytest.mark.parametrize("name", sorted(WRONG))
def test_every_failing_case_gets_its_pinned_diagnosis(name):
    """Not only the first failing case: in every case a wrong answer fails, the message is the pinned one
    (pinned as the number of failing cases and a digest of their lines, printed below when they differ)."""
    for fn in WRONG[name]:
        lines = _per_case(name, fn)
        digest = hashlib.sha1("\n".join(lines).encode()).hexdigest()[:12]
        assert (len(lines), digest) == PER_CASE[fn.__name__], (fn.__name__, lines)


def _digest(values) -> float:
    """One number that changes when any value, its scale (1e-15 as much as 1), its position or the order of the
    values changes."""
    total = 0.0
    for k, value in enumerate(values):
        a = np.asarray(value, dtype=float).ravel()
        a = np.where(np.isfinite(a), a, 7.0)
        scale = float(np.sum(np.abs(a))) or 1.0
        total += (k + 1) * (float(np.sum(a * np.cos(0.7 * np.arange(a.size) + 0.3 * k))) / scale + np.log(scale))
    return float(total)


@pytest.mark.parametrize("name", sorted(RIGHT))
def test_the_cases_are_the_pinned_ones(name):
    """Seed 0's cases, pinned: which shapes and notes, and one digest of every value (a change to the cases
    must be made here on purpose; the notes are what a learner reads above a failed case)."""
    cases = CODE_EXERCISES[name].make_cases(np.random.default_rng(0))
    shapes = [tuple((k, np.shape(v)) for k, v in case.args.items()) for case in cases]
    notes = [case.note for case in cases]
    digest = _digest([v for case in cases for v in case.args.values()])
    assert (notes, shapes) == CASES[name][:2]
    assert digest == pytest.approx(CASES[name][2], rel=1e-9, abs=1e-9)
    again = CODE_EXERCISES[name].make_cases(np.random.default_rng(0))
    assert _digest([v for case in again for v in case.args.values()]) == digest
    other = CODE_EXERCISES[name].make_cases(np.random.default_rng(1))
    assert _digest([v for case in other for v in case.args.values()]) != digest  # the seed is used


# Each edge case on its own rejects the almost-right answer it is there for, and passes the right ones.
EDGE = [
    ("00.standardize", "one row to scale", std_own_statistics),
    ("00.standardize", "columns of very different scale", std_one_pass),
    ("00.standardize", "X is X_train itself", std_sample_std),
    ("01.neuron_forward", "large z", nf_unstable),
    ("01.perceptron_update", "z = 0 exactly, where", pu_geq),
    ("01.perceptron_update", "z = 0 exactly with y = 0", pu_geq),
    ("01.perceptron_update", "the bias decides", pu_prediction_without_b),
    ("01.perceptron_update", "eta = 2", pu_no_eta),
    ("02.relu_backward", "z within 1e-6 of 0", rb_epsilon),
    ("02.relu_backward", "z = 0 included", rb_geq),
    ("02.sigmoid_backward", "large |z|", sb_unstable),
    ("02.elu_backward", "large |z|", eb_mask_times_exp),
    ("02.elu_backward", "z = 0 included", eb_zero_at_zero),
    ("03.bce_with_logits", "|z| = 1000", bce_clipped),
    ("03.bce_with_logits", "|z| near 40", bce_naive),
    ("04.gradient_step", "X square", gs_no_transpose),
    ("04.gradient_step", "more inputs than samples", gs_divided_by_d),
    ("04.minibatch_epoch", "the last batch holds one sample", me_stop_before_last),
    ("04.minibatch_epoch", "batch_size = 1", me_reversed),
    ("04.minibatch_epoch", "the last batch is smaller", me_array_split),
    ("05.momentum_step", "momentum = 0.5", mo_fixed_mu),
    ("05.momentum_step", "learning_rate = 0.1", mo_fixed_lr),
    ("05.momentum_step", "g = 0", mo_no_memory),
    ("05.adam_step", "tiny gradients (1e-7), step t = 1", ad_paper_same_eps),
    ("05.adam_step", "tiny gradients (1e-7), step t = 2", ad_paper_same_eps),
    ("05.adam_step", "epsilon = 1e-3", ad_eps_hard_coded),
    ("05.adam_step", "beta_1 = 0.5", ad_betas_hard_coded),
    ("05.adam_step", "g = 0 at step t = 4", ad_old_moments),
    ("06.dense_backward", "3 inputs, 3 units", db_dx_without_T),
    ("06.dense_backward", "saturated units", db_tanh_as_slope),
    ("06.two_layer_backward", "3 inputs, 3 hidden units", tl_dW2_from_X),
]


@pytest.mark.parametrize("name,note,wrong", EDGE, ids=[f"{n}-{w.__name__}" for n, _, w in EDGE])
def test_each_edge_case_on_its_own_separates_right_from_almost_right(name, note, wrong):
    ex = CODE_EXERCISES[name]
    picked = [case for case in ex.make_cases(np.random.default_rng(0)) if note in case.note]
    assert len(picked) == 1
    alone = dataclasses.replace(ex, make_cases=lambda rng: picked, twin=None, extra=None)
    ok, message, _ = run(alone, wrong)
    assert not ok and note in message
    assert run(alone, RIGHT[name])[0] and run(alone, solutions.CODE[name])[0]


def test_a_diagnosis_is_never_a_guess(quiet):
    """A named mistake is said only where the answer equals that mistake's result and that result is wrong:
    the right result, or an answer that fits no named mistake, gets no diagnosis."""
    for name in RIGHT:
        ex = CODE_EXERCISES[name]
        for case in ex.make_cases(np.random.default_rng(0)):
            expected = ex.reference(**case.args)
            if ex.diagnose is not None:
                assert ex.diagnose(case.args, expected, expected) is None, name
                noise = (tuple(np.asarray(e) + 0.37 for e in expected) if isinstance(expected, tuple)
                         else np.asarray(expected) + 0.37)
                assert ex.diagnose(case.args, expected, noise) is None, name


def test_the_adam_case_compares_with_the_exercise_formula_in_float64():
    """The instructors' adam_step follows the exercise's formula exactly; dlteach's Adam.step casts the betas
    through float32 (as Keras), which moved w_new by up to 1e-5 of a step and failed it on 6 of 100 seeds
    (4, 25, 35, 41, 55, 66)."""
    ex = _without_twin("05.adam_step")
    assert all(run(ex, solutions.adam_step, seed)[0] for seed in range(30))  # it failed seeds 4 and 25
    assert ex.rtol == 1e-7


# ---------------------------------------------------------------- the twins, with the stand-in

# The stand-in off by this much gives a relative difference about twice the twin's tolerance (a step of an
# optimizer moves w by a few percent of w, so the path differs less than the steps).
TWIN_OFF = {"01.neuron_forward": 4e-12, "02.sigmoid_backward": 4e-12, "02.relu_backward": 4e-12,
            "02.elu_backward": 4e-12, "03.bce_with_logits": 4e-9, "04.gradient_step": 8e-6, "04.minibatch_epoch": 4e-6,
            "05.momentum_step": 2e-6, "05.adam_step": 5e-3, "06.dense_backward": 4e-12, "06.two_layer_backward": 4e-12}


@pytest.fixture
def stand_in(monkeypatch):
    """Put the NumPy stand-ins in place of tensorflow and keras; stand_in(off) makes them off by `off`."""
    def install(off=0.0):
        tf, keras = _stand_ins(off)
        monkeypatch.setitem(sys.modules, "tensorflow", tf)
        monkeypatch.setitem(sys.modules, "keras", keras)
    install()
    return install


@pytest.mark.parametrize("name", sorted(TWIN_OFF))
def test_the_twin_agrees_with_a_numpy_stand_in_and_refuses_one_that_is_off(name, stand_in, capsys):
    """Right answers pass with the stand-in (and with one off by an eighth of the limit); one off by the
    limit fails, with the twin's own message."""
    agrees, off_a_little, refuses = TWIN_SAYS[name]
    assert check(name, solutions.CODE[name]) is True
    assert capsys.readouterr().out == f"Correct! {PASSED_SAYS[name]} {agrees}\n"
    stand_in(TWIN_OFF[name] / 8)
    assert check(name, RIGHT[name]) is True
    assert capsys.readouterr().out == f"Correct! {PASSED_SAYS[name]} {off_a_little}\n"
    stand_in(TWIN_OFF[name])
    assert check(name, RIGHT[name]) is False
    assert capsys.readouterr().out.splitlines()[0] == "Not yet. " + refuses


def test_the_twins_use_their_own_inputs(stand_in, monkeypatch):
    """The values each twin hands to the stand-in, pinned by one digest per twin."""
    seen = []
    original = _Tensor.__init__

    def record(self, value, parents=()):
        original(self, value, parents)
        if not parents:
            seen.append(self.value.copy())

    monkeypatch.setattr(_Tensor, "__init__", record)
    digests = {}
    for name in sorted(TWIN_OFF):
        seen.clear()
        assert run(CODE_EXERCISES[name], solutions.CODE[name])[0]
        digests[name] = round(_digest(seen), 6)
    assert digests == pytest.approx(TWIN_INPUTS, rel=1e-9)


def test_the_gradient_checks_refuse_a_wrong_gradient():
    from dlteach.exercises import lesson_06

    def off(fn, k):  # the gradients of fn, output k times 1.001
        return lambda **args: tuple(g * 1.001 if i == k else g for i, g in enumerate(fn(**args)))

    assert lesson_06._dense_gradcheck(RIGHT["06.dense_backward"]) == "The numerical gradient agrees to < 1e-10,"
    assert lesson_06._two_layer_gradcheck(RIGHT["06.two_layer_backward"]) == "The numerical gradient agrees to < 1e-10,"
    for k in range(3):
        with pytest.raises(Mismatch, match=r"^The gradient check fails: central differences differ from your "
                                           r"gradients by 0\.000[45]\d*\.$"):
            lesson_06._dense_gradcheck(off(RIGHT["06.dense_backward"], k))
    for k in range(4):
        with pytest.raises(Mismatch, match=r"^The gradient check fails: central differences differ from your "
                                           r"gradients by 0\.000[45]\d*\.$"):
            lesson_06._two_layer_gradcheck(off(RIGHT["06.two_layer_backward"], k))


# ---------------------------------------------------------------- pinned (seed 0)

SAYS = {'ad_betas_hard_coded': ('`w_new` is not right (beta_1 = 0.8, beta_2 = 0.99, epsilon = 1e-3).',
                         'Your result is what beta_1 = 0.9, beta_2 = 0.999 give, but this case has beta_1 = 0.8, '
                         'beta_2 = 0.99.'),
 'ad_betas_swapped': ('`w_new` is not right (step t = 1).',
                      'Your result is what beta_1 and beta_2 swapped give: beta_1 weights m (the average of g), '
                      'beta_2 weights v (of g²).'),
 'ad_correction_without_root': ('`w_new` is not right (step t = 1).',
                                'Your alpha_t uses 1 - beta_2^t without its square root.'),
 'ad_defaults_hard_coded': ('`w_new` is not right (step t = 1).',
                            'Your result is what learning_rate = 0.001 gives, but this case has learning_rate = '
                            '0.01.'),
 'ad_eps_hard_coded': ('`w_new` is not right (beta_1 = 0.8, beta_2 = 0.99, epsilon = 1e-3).',
                       'Your result is what epsilon = 1e-07 gives, but this case has epsilon = 0.001.'),
 'ad_eps_inside': ('`w_new` is not right (step t = 1).',
                   "Your w_new has epsilon inside the square root; Keras's form adds it to sqrt(v)."),
 'ad_hat_stored': ('`m_new` is not right (step t = 1).',
                   'Your m_new and v_new are the bias-corrected m_hat and v_hat; the returned state is the plain '
                   'running averages, the correction goes into the step only.'),
 'ad_no_correction': ('`w_new` is not right (step t = 1).',
                      'Your w_new is what Adam gives without its bias correction: m and v are right, the step size '
                      'is not.'),
 'ad_no_sqrt': ('`w_new` is not right (step t = 1).', 'Right in this case: `m_new`, `v_new`; not right: `w_new`.'),
 'ad_old_moments': ('`w_new` is not right (step t = 1).',
                    'Your w_new is computed with the old m and v; the step uses the new ones.'),
 'ad_paper_same_eps': ('`w_new` is not right (step t = 1).',
                       "Your w_new is the paper's form, lr m_hat / (sqrt(v_hat) + epsilon): there epsilon is added "
                       "after the bias correction; in Keras's form it is added to sqrt(v), which makes a different "
                       'step wherever sqrt(v) is not much larger than epsilon.'),
 'ad_t_minus_one': ('`w_new` contains NaN (expected [ 0.13573 -0.1221   0.63042]   (shape (3,))). Something '
                    'overflowed or divided 0 by 0: look for exp of a large number or log of 0, and rewrite that '
                    'step in a stable form.',
                    'inputs: w = [ 0.12573 -0.1321   0.64042]   (shape (3,)), m = [0. 0. 0.]   (shape (3,)), v = '
                    '[0. 0. 0.]   (shape (3,)), g = [-1.26542 -0.62327  0.04133]   (shape (3,)), t = 1, '
                    'learning_rate = 0.01, beta_1 = 0.9, beta_2 = 0.999, epsilon = 1e-07'),
 'ad_t_plus_one': ('`w_new` is not right (step t = 1).',
                   'Your w_new is what step t + 1 = 2 gives; this is step t = 1.'),
 'bce_clipped': ('`loss` is not right (|z| = 1000: confident, right and wrong).',
                 'Your loss is what probabilities clipped to [1e-7, 1 - 1e-7] give: at most 16.1 per sample, where '
                 'a confident mistake at |z| = 1000 costs 1000.'),
 'bce_grad_of_minus_z': ('`dL_dz` is not right.',
                         'Your dL_dz uses sigmoid(-z) = 1 - sigmoid(z) where sigmoid(z) belongs.'),
 'bce_labels_swapped': ('`loss` is not right.', 'Your loss is the one of the opposite labels, 1 - y.'),
 'bce_naive': ('`loss` contains NaN (expected 400.139). Something overflowed or divided 0 by 0: look for exp of a '
               'large number or log of 0, and rewrite that step in a stable form.',
               'inputs: z = [ 1000. -1000.  1000. -1000.     0.]   (shape (5,)), y = [1. 0. 0. 1. 1.]   (shape '
               '(5,))'),
 'bce_no_abs': ('`loss` contains inf (expected 400.139). Something overflowed or divided 0 by 0: look for exp of a '
                'large number or log of 0, and rewrite that step in a stable form.',
                'inputs: z = [ 1000. -1000.  1000. -1000.     0.]   (shape (5,)), y = [1. 0. 0. 1. 1.]   (shape '
                '(5,))'),
 'bce_no_max': ('`loss` is not right.', 'Right in this case: `dL_dz`; not right: `loss`.'),
 'bce_no_n': ('`dL_dz` is not right.',
              'Every entry of your dL_dz is 4 times the expected one, and this case has n = 4 samples.'),
 'bce_not_averaged': ('`loss` should be one number, got an array of shape (4,): the formula adds up (or averages) '
                      'its terms into one.',
                      'Not yet. `loss` should be one number, got an array of shape (4,): the formula adds up (or '
                      'averages) its terms into one.'),
 'bce_summed': ('`loss` is not right.',
                'Your loss is 4 times the expected one, and this case has n = 4 samples: a sum, not the mean.'),
 'bce_uphill': ('`dL_dz` is not right.',
                'Your dL_dz has the expected size and the opposite sign: it points uphill.'),
 'db_dW_transposed': ('`dW` has shape (2, 3), expected (3, 2). That is the transpose: check the order of the '
                      'factors in your matrix product.',
                      'Not yet. `dW` has shape (2, 3), expected (3, 2). That is the transpose: check the order of '
                      'the factors in your matrix product.'),
 'db_dx_from_grad_a': ('`dx` is not right (n = 4 samples, 3 inputs, 2 units).',
                       "Your dx equals grad_a times W transposed: in dx too the gradient passes through tanh's "
                       'slope first.'),
 'db_dx_without_T': ('Your dense_backward() raised ValueError: matmul: Input operand 1 has a mismatch in its core '
                     'dimension 0, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size 3 is different from 2)',
                     'The shapes do not fit together; the inputs have shapes x (4, 3), W (3, 2), b (2,), grad_a '
                     '(4, 2).'),
 'db_mean': ('`db` is not right (n = 4 samples, 3 inputs, 2 units).',
             'Your db is the mean of delta over the samples, 4 times smaller than expected: grad_a already carries '
             "the loss's 1/n."),
 'db_no_slope': ('`dW` is not right (n = 4 samples, 3 inputs, 2 units).',
                 "Your dW equals x transposed times grad_a: the gradient has not passed through tanh's slope."),
 'db_sigmoid_slope': ('`dW` is not right (n = 4 samples, 3 inputs, 2 units).',
                      'None of `dW`, `db`, `dx` is right in this case.'),
 'db_slope_of_z': ('`dW` is not right (n = 4 samples, 3 inputs, 2 units).',
                   "Your dW uses 1 - z² as tanh's slope: the slope is written with a = tanh(z), not with z."),
 'db_tanh_as_slope': ('`dW` is not right (n = 4 samples, 3 inputs, 2 units).',
                      "Your dW uses a = tanh(z) itself as the slope; tanh's slope is 1 - a²."),
 'db_without_b': ('`dW` is not right (n = 4 samples, 3 inputs, 2 units).', 'Your dW uses z = x W without b.'),
 'eb_exp_everywhere': ('Your result is not right.',
                       'Above zero your result uses e^z; there ELU is z itself, with slope 1.'),
 'eb_in_place': ('elu_backward() changed its input `grad_a` in place (e.g. `grad_a -= ...` or `grad_a[...] = '
                 '...`). The caller still needs the old value: build a new array instead, e.g. `grad_a_new = '
                 'grad_a - ...`.',
                 'Not yet. elu_backward() changed its input `grad_a` in place (e.g. `grad_a -= ...` or '
                 '`grad_a[...] = ...`). The caller still needs the old value: build a new array instead, e.g. '
                 '`grad_a_new = grad_a - ...`.'),
 'eb_mask_times_exp': ('Your result contains NaN (expected [0. 0. 1. 1. 1.]   (shape (5,))). Something overflowed '
                       'or divided 0 by 0: look for exp of a large number or log of 0, and rewrite that step in a '
                       'stable form.',
                       'inputs: z = [-800.  -40.    0.   40.  800.]   (shape (5,)), grad_a = [1. 1. 1. 1. 1.]   '
                       '(shape (5,))'),
 'eb_no_grad': ('Your result is not right.',
                "Your result equals ELU's slope alone: the incoming gradient grad_a is not in it."),
 'eb_relu_slope': ('Your result is not right.',
                   "Your result is 0 wherever z <= 0: ReLU's slope; ELU's is e^z there."),
 'eb_selu': ('Your result is not right.', 'largest difference 0.759 at index (1,)'),
 'eb_value_as_slope': ('Your result is not right.',
                       "Below zero your result uses ELU's value a = e^z - 1 where its slope belongs."),
 'eb_zero_at_zero': ('Your result is not right (large |z|).',
                     "At z = 0 your result is 0; ELU's slope there is 1 from both sides."),
 'gs_divided_by_d': ('Your result is not right.',
                     'Your step w_new - w is 4 times the expected step in every entry. This case has n = 8 samples '
                     'and d = 2 inputs: the mean is over the samples.'),
 'gs_in_place': ('gradient_step() changed its input `w` in place (e.g. `w -= ...` or `w[...] = ...`). The caller '
                 'still needs the old value: build a new array instead, e.g. `w_new = w - ...`.',
                 'Not yet. gradient_step() changed its input `w` in place (e.g. `w -= ...` or `w[...] = ...`). The '
                 'caller still needs the old value: build a new array instead, e.g. `w_new = w - ...`.'),
 'gs_no_transpose': ('Your gradient_step() raised ValueError: matmul: Input operand 1 has a mismatch in its core '
                     'dimension 0, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size 8 is different from 2)',
                     'The shapes do not fit together; the inputs have shapes w (2,), X (8, 2), y (8,).'),
 'gs_no_two': ('Your result is not right.', 'Your step w_new - w is 0.5 times the expected step in every entry.'),
 'gs_returns_gradient': ('Your result is not right.',
                         'Your result is the gradient itself; the function returns the new w, one step away from '
                         'w.'),
 'gs_scalar_gradient': ('Your result is not right.', 'largest difference 0.627 at index (1,)'),
 'gs_summed': ('Your result is not right.',
               'Your step w_new - w is 8 times the expected step in every entry. This case has n = 8 samples.'),
 'gs_uphill': ('Your result is not right.',
               'Your step w_new - w has the expected size in the opposite direction: uphill.'),
 'me_array_split': ('Your result is not right (the last batch is smaller).',
                    'Your batches have the sizes 4, 3, 3 (np.array_split); the batches X[i:i+B] have the sizes 4, '
                    '4, 2.'),
 'me_by_n': ('Your result is not right.',
             "Each of your batch gradients is divided by n = 12, the size of the whole data set; a batch's mean "
             "divides by the batch's own size."),
 'me_drop_last': ('Your result is not right (the last batch is smaller).',
                  'Your w is what the full batches alone give: the last, smaller batch (2 of the 10 samples) made '
                  'no step.'),
 'me_full_data': ('Your result is not right.',
                  'Your w is what steps on the whole data set give: each step should use its own batch only.'),
 'me_in_place': ('minibatch_epoch() changed its input `w` in place (e.g. `w -= ...` or `w[...] = ...`). The caller '
                 'still needs the old value: build a new array instead, e.g. `w_new = w - ...`.',
                 'Not yet. minibatch_epoch() changed its input `w` in place (e.g. `w -= ...` or `w[...] = ...`). '
                 'The caller still needs the old value: build a new array instead, e.g. `w_new = w - ...`.'),
 'me_last_by_B': ('Your result is not right (the last batch is smaller).',
                  "Your last batch's gradient is divided by B = 4; that batch holds only 2 samples, and its mean "
                  'divides by that.'),
 'me_off_by_one': ('Your result is not right.', 'largest difference 0.0515 at index (0,)'),
 'me_one_averaged_step': ('Your result is not right.',
                          'Your w made one step, with the average of the batch gradients; an epoch makes one step '
                          'per batch, 3 here.'),
 'me_reversed': ('Your result is not right.',
                 'Your w is what the batches in reverse order give; they go in order, rows 0 to 3 first.'),
 'me_shuffled': ('Your result is not right.', 'largest difference 0.0391 at index (0,)'),
 'me_stale': ('Your result is not right.',
              "Your w is what steps whose gradients are all taken at the starting w give: each batch's gradient "
              'uses the w left by the step before.'),
 'me_stop_before_last': ('Your result is not right (the last batch holds one sample).',
                         'Your w is what the full batches alone give: the last, smaller batch (1 of the 9 samples) '
                         'made no step.'),
 'me_sum': ('Your result is not right.', 'Your w is what steps 2 times too long on each full batch of B = 4 give.'),
 'me_uphill': ('Your result is not right.', 'largest difference 0.858 at index (1,)'),
 'mo_ema': ('`w_new` is not right (first step, m = 0).',
            "Your m_new is the running average mu m + (1 - mu) g; in Keras's form m_new is mu m - lr g."),
 'mo_fixed_lr': ('`w_new` is not right (learning_rate = 0.1, momentum = 0.5).',
                 'Your result is what learning_rate = 0.05 gives, but this case has learning_rate = 0.1.'),
 'mo_fixed_mu': ('`w_new` is not right (learning_rate = 0.1, momentum = 0.5).',
                 'Your result is what momentum = 0.9 gives, but this case has momentum = 0.5.'),
 'mo_in_place': ('momentum_step() changed its input `m` in place (e.g. `m -= ...` or `m[...] = ...`). The caller '
                 'still needs the old value: build a new array instead, e.g. `m_new = m - ...`.',
                 'Not yet. momentum_step() changed its input `m` in place (e.g. `m -= ...` or `m[...] = ...`). The '
                 'caller still needs the old value: build a new array instead, e.g. `m_new = m - ...`.'),
 'mo_nesterov': ('`w_new` is not right (first step, m = 0).',
                 "Your w_new is Keras's Nesterov step w + mu m_new - lr g; plain momentum moves w by m_new."),
 'mo_no_memory': ('`w_new` is not right.', 'None of `w_new`, `m_new` is right in this case.'),
 'mo_old_m': ('`w_new` is not right (first step, m = 0).',
              'Your w_new moved by the old m; w moves by the new m_new.'),
 'mo_roles_swapped': ('`w_new` is not right (first step, m = 0).',
                      'None of `w_new`, `m_new` is right in this case.'),
 'mo_sign': ('`w_new` is not right (first step, m = 0).',
             "Your m_new adds lr g: that step goes uphill; Keras's form subtracts it."),
 'mo_textbook': ('`m_new` is not right (first step, m = 0).',
                 "Your m_new is the textbook velocity mu m + g; in Keras's form, the one the exercise asks for, m "
                 'is the step itself, learning rate included.'),
 'nf_activation_of_inputs': ('Your result is not right.', 'largest difference 2.15 at index (3,)'),
 'nf_bias_outside': ('Your result is not right.',
                     'Your result equals sigmoid(X w) + b: b is added after the activation, not to z.'),
 'nf_bias_subtracted': ('Your result is not right.',
                        'Your result equals sigmoid(X w - b): b enters with the wrong sign.'),
 'nf_column': ('Your result has shape (4, 1), expected (4,). Same number of entries: a missing or extra reshape, '
               'or a transposed operand?',
               'Not yet. Your result has shape (4, 1), expected (4,). Same number of entries: a missing or extra '
               'reshape, or a transposed operand?'),
 'nf_no_bias': ('Your result is not right.', 'Your result equals sigmoid(X w): b is not in it.'),
 'nf_returns_z': ('Your result is not right.',
                  "Your result equals z = X w + b, the neuron's input to its activation, not its output."),
 'nf_sign': ('Your result is not right.',
             'Your result equals 1 - sigmoid(z) = sigmoid(-z): the sign in the exponent is flipped.'),
 'nf_tanh': ('Your result is not right.',
             "Your result equals tanh(z), which lies between -1 and 1; the neuron's activation here is the "
             'sigmoid.'),
 'nf_threshold': ('Your result is not right.',
                  "Your outputs are only 0s and 1s: a class, where the neuron's output is a probability."),
 'nf_unstable': ('Your result contains NaN (expected [0.26894 0.26894 1.      0.     ]   (shape (4,))). Something '
                 'overflowed or divided 0 by 0: look for exp of a large number or log of 0, and rewrite that step '
                 'in a stable form.',
                 'inputs: w = [2. 1.]   (shape (2,)), b = -1'),
 'pu_always': ('`w_new` is not right (a misclassified point with y = 0).',
               'This point is misclassified (z = 1, so y_hat = 1, but y = 0), yet your w and b did not move.'),
 'pu_bias_without_eta': ('`b_new` is not right (a misclassified point with y = 1).',
                         'Right in this case: `w_new`; not right: `b_new`.'),
 'pu_geq': ('`w_new` is not right (z = 0 exactly, where y_hat = [z > 0] = 0).',
            'At z = 0 exactly your w and b did not move, as if your prediction were 1; with y_hat = [z > 0] '
            '(strictly greater) it is 0, so this point is misclassified and the weights must move.'),
 'pu_in_place': ('perceptron_update() changed its input `w` in place (e.g. `w -= ...` or `w[...] = ...`). The '
                 'caller still needs the old value: build a new array instead, e.g. `w_new = w - ...`.',
                 'Not yet. perceptron_update() changed its input `w` in place (e.g. `w -= ...` or `w[...] = ...`). '
                 'The caller still needs the old value: build a new array instead, e.g. `w_new = w - ...`.'),
 'pu_no_bias': ('`b_new` is not right (a misclassified point with y = 1).',
                'Right in this case: `w_new`; not right: `b_new`.'),
 'pu_no_eta': ('`w_new` is not right (a misclassified point with y = 1).',
               'None of `w_new`, `b_new` is right in this case.'),
 'pu_prediction_without_b': ('`w_new` is not right (a misclassified point with y = 1).',
                             'This point is misclassified (z = -1, so y_hat = 0, but y = 1), yet your w and b did '
                             'not move.'),
 'pu_sigmoid': ('`w_new` is not right (a misclassified point with y = 1).',
                'None of `w_new`, `b_new` is right in this case.'),
 'pu_sign': ('`w_new` is not right (a misclassified point with y = 1).',
             'Your w and b moved by the right amount in the wrong direction: this point (y = 1) needs its z = -1 '
             'to grow.'),
 'pu_sign_prediction': ('`w_new` is not right (a misclassified point with y = 1).',
                        'None of `w_new`, `b_new` is right in this case.'),
 'rb_activation': ('Your result is not right.',
                   "Your result equals grad_a times relu(z): ReLU's value where its slope belongs."),
 'rb_clip': ('Your result is not right.', 'largest difference 0.556 at index (3,)'),
 'rb_epsilon': ('Your result is not right (z within 1e-6 of 0, on both sides).',
                "Your result is 0 at the entries with 0 < z < 1e-5; ReLU's slope is 1 for every z > 0, however "
                'small.'),
 'rb_geq': ('Your result is not right (large |z|).',
            'Your result passes the gradient where z = 0 exactly; there the slope is taken to be 0.'),
 'rb_in_place': ('relu_backward() changed its input `grad_a` in place (e.g. `grad_a -= ...` or `grad_a[...] = '
                 '...`). The caller still needs the old value: build a new array instead, e.g. `grad_a_new = '
                 'grad_a - ...`.',
                 'Not yet. relu_backward() changed its input `grad_a` in place (e.g. `grad_a -= ...` or '
                 '`grad_a[...] = ...`). The caller still needs the old value: build a new array instead, e.g. '
                 '`grad_a_new = grad_a - ...`.'),
 'rb_mask_of_grad': ('Your result is not right.',
                     'Your result keeps grad_a where grad_a > 0; whether the gradient passes depends on the sign '
                     'of z.'),
 'rb_no_grad': ('Your result is not right.',
                "Your result equals ReLU's slope alone: the incoming gradient grad_a is not in it."),
 'rb_sign': ('Your result is not right.', 'largest difference 1.3 at index (1,)'),
 'sb_activation': ('Your result is not right.',
                   "Your result equals grad_a times sigma(z): the sigmoid's value where its slope belongs."),
 'sb_divided_by_n': ('Your result is not right.', 'Every entry of your result is 0.2 times the expected one.'),
 'sb_in_place': ('sigmoid_backward() changed its input `grad_a` in place (e.g. `grad_a -= ...` or `grad_a[...] = '
                 '...`). The caller still needs the old value: build a new array instead, e.g. `grad_a_new = '
                 'grad_a - ...`.',
                 'Not yet. sigmoid_backward() changed its input `grad_a` in place (e.g. `grad_a -= ...` or '
                 '`grad_a[...] = ...`). The caller still needs the old value: build a new array instead, e.g. '
                 '`grad_a_new = grad_a - ...`.'),
 'sb_no_grad': ('Your result is not right.',
                "Your result equals sigma'(z) alone: the incoming gradient grad_a is not in it."),
 'sb_slope_of_z': ('Your result is not right.',
                   'Your result equals grad_a z (1 - z): the slope a (1 - a) needs a = sigma(z), not z.'),
 'sb_tanh_slope': ('Your result is not right.',
                   "Your result equals grad_a (1 - tanh(z)²): tanh's slope, not the sigmoid's."),
 'sb_unstable': ('Your result contains NaN (expected [0.00000e+00 4.24835e-18 7.58256e-10 2.50000e-01 7.58256e-10 '
                 '0.00000e+00 0.00000e+00]   (shape (7,))). Something overflowed or divided 0 by 0: look for exp of '
                 'a large number or log of 0, and rewrite that step in a stable form.',
                 'case: large |z|'),
 'std_all_data': ('Your result is not right.',
                  "Your result uses the statistics of X_train and X together; only the training data's may be "
                  'used.'),
 'std_in_place': ('standardize() changed its input `X` in place (e.g. `X -= ...` or `X[...] = ...`). The caller '
                  'still needs the old value: build a new array instead, e.g. `X_new = X - ...`.',
                  'Not yet. standardize() changed its input `X` in place (e.g. `X -= ...` or `X[...] = ...`). The '
                  'caller still needs the old value: build a new array instead, e.g. `X_new = X - ...`.'),
 'std_min_max': ('Your result is not right.', 'largest difference 3.94 at index (0, 1)'),
 'std_one_mean_for_all': ('Your result is not right.',
                          'Your result uses one mean and one std for the whole array, not one per column.'),
 'std_one_pass': ('Your result is not right (columns of very different scale: std 0.001 (around 1000), 1 and '
                  '1000).',
                  'Your std differs from np.std in a column whose mean is large compared with its spread: '
                  'sqrt(mean(x²) - mean(x)²) subtracts two nearly equal numbers there and loses most of their '
                  'digits.'),
 'std_own_statistics': ('Your result is not right.',
                        "Your result is X scaled with its own mean and std, not the training data's: validation "
                        'and test data scaled by their own statistics carry information the model must not have.'),
 'std_row_statistics': ('Your result is not right.', 'largest difference 7.18 at index (0, 1)'),
 'std_sample_std': ('Your result is not right.',
                    'Your result divides by the sample std (a sum divided by n - 1 = 19); np.std, the one asked '
                    'for, divides by n = 20.'),
 'std_train_mean_own_std': ('Your result is not right.', 'largest difference 3.98 at index (0, 1)'),
 'std_variance': ('Your result is not right.', 'Your result divides by the variance, the square of the std.'),
 'tl_a1_as_slope': ('`dW1` is not right (n = 6 samples, 2 inputs, 3 hidden units).',
                    "Your hidden layer's delta uses a1 itself as tanh's slope, which is 1 - a1²."),
 'tl_bias_mean': ('`db1` is not right (n = 6 samples, 2 inputs, 3 hidden units).',
                  'Every entry of your db1 is 0.1667 times the expected one.'),
 'tl_dW2_from_X': ('`dW2` has shape (2, 1), expected (3, 1).', 'Not yet. `dW2` has shape (2, 1), expected (3, 1).'),
 'tl_no_hidden_slope': ('`dW1` is not right (n = 6 samples, 2 inputs, 3 hidden units).',
                        "Your hidden layer's delta skips tanh's slope."),
 'tl_no_n': ('`dW1` is not right (n = 6 samples, 2 inputs, 3 hidden units).',
             'Every entry of your dW2 is 6 times the expected one, and this case has n = 6 samples.'),
 'tl_output_slope': ('`dW1` is not right (n = 6 samples, 2 inputs, 3 hidden units).',
                     "Your output delta has an extra factor a2 (1 - a2), the sigmoid's slope: with the "
                     'cross-entropy that factor cancels.'),
 'tl_slope_of_z': ('`dW1` is not right (n = 6 samples, 2 inputs, 3 hidden units).',
                   "Your hidden layer's delta uses 1 - z1² as tanh's slope (z1 instead of a1 = tanh(z1))."),
 'tl_tanh_twice': ('`dW1` is not right (n = 6 samples, 2 inputs, 3 hidden units).',
                   "Your hidden layer's delta applies tanh twice in the slope (1 - tanh(a1)²)."),
 'tl_y_raveled': ('Your two_layer_backward() raised ValueError: matmul: Input operand 1 has a mismatch in its core '
                  'dimension 0, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size 1 is different from 6)',
                  'The shapes do not fit together; the inputs have shapes X (6, 2), y (6, 1), W1 (2, 3), b1 (3,), '
                  'W2 (3, 1), b2 (1,).')}
PASSED = {'00.standardize': 9,
 '01.neuron_forward': 9,
 '01.perceptron_update': 11,
 '02.elu_backward': 9,
 '02.relu_backward': 9,
 '02.sigmoid_backward': 9,
 '03.bce_with_logits': 8,
 '04.gradient_step': 6,
 '04.minibatch_epoch': 7,
 '05.adam_step': 10,
 '05.momentum_step': 9,
 '06.dense_backward': 7,
 '06.two_layer_backward': 6}
PASSED_SAYS = {'00.standardize': '9 cases passed. Scaling with the training statistics alone keeps every other set '
                                  'unseen by the preprocessing.',
 '01.neuron_forward': '9 cases passed. a = sigmoid(X w + b) for every sample at once.',
 '01.perceptron_update': "11 cases passed. The weights move only on mistakes, towards the misclassified point's "
                         'class.',
 '02.elu_backward': "9 cases passed. Below zero ELU's slope is e^z: small for very negative z, but never exactly 0 "
                    "as ReLU's.",
 '02.relu_backward': '9 cases passed. Where z <= 0 no gradient flows: a unit that is negative for every sample '
                     'stops learning.',
 '02.sigmoid_backward': '9 cases passed. At |z| = 40 the factor sigma(1 - sigma) is 4e-18: a saturated sigmoid '
                        'passes no gradient.',
 '03.bce_with_logits': '8 cases passed. Stable at |z| = 1000.',
 '04.gradient_step': '6 cases passed. Every optimizer in lesson 05 starts from this gradient; only the step '
                     'differs.',
 '04.minibatch_epoch': '7 cases passed. One epoch = ceil(n / B) updates, each on one batch.',
 '05.adam_step': '10 cases passed.',
 '05.momentum_step': '9 cases passed.',
 '06.dense_backward': '7 cases passed. The numerical gradient agrees to < 1e-10,',
 '06.two_layer_backward': '6 cases passed. Two layers or twenty: the same two lines per layer, delta = (delta_next '
                          "@ W_next.T) * f'(z) and dW = a_prev.T @ delta. The numerical gradient agrees to < "
                          '1e-10,'}
CASES = {'00.standardize': (['',
                     '',
                     '',
                     '',
                     'one column',
                     'one row to scale',
                     'columns of very different scale: std 0.001 (around 1000), 1 and 1000',
                     'X is X_train itself: every column comes out with mean 0 and std 1',
                     '250 training rows, the last 100 unlike the first: the mean and std of every row'],
                    [(('X_train', (20, 2)), ('X', (5, 2))),
                     (('X_train', (50, 3)), ('X', (7, 3))),
                     (('X_train', (8, 4)), ('X', (3, 4))),
                     (('X_train', (30, 5)), ('X', (4, 5))),
                     (('X_train', (12, 1)), ('X', (12, 1))),
                     (('X_train', (9, 3)), ('X', (1, 3))),
                     (('X_train', (15, 3)), ('X', (15, 3))),
                     (('X_train', (6, 2)), ('X', (6, 2))),
                     (('X_train', (250, 2)), ('X', (6, 2)))],
                    1070.181535358542),
 '01.neuron_forward': (['',
                        '',
                        '',
                        'one sample',
                        'one input',
                        'more inputs than samples',
                        'b = 0',
                        'large z: z = 1099 and z = -1101',
                        'a square batch, where X.T @ w runs too'],
                       [(('X', (4, 2)), ('w', (2,)), ('b', ())),
                        (('X', (6, 3)), ('w', (3,)), ('b', ())),
                        (('X', (20, 4)), ('w', (4,)), ('b', ())),
                        (('X', (1, 5)), ('w', (5,)), ('b', ())),
                        (('X', (7, 1)), ('w', (1,)), ('b', ())),
                        (('X', (3, 6)), ('w', (6,)), ('b', ())),
                        (('X', (5, 3)), ('w', (3,)), ('b', ())),
                        (('X', (4, 2)), ('w', (2,)), ('b', ())),
                        (('X', (3, 3)), ('w', (3,)), ('b', ()))],
                       338.951020428),
 '01.perceptron_update': (['a misclassified point with y = 1',
                           'a misclassified point with y = 0',
                           'a correctly classified point',
                           'z = 0 exactly, where y_hat = [z > 0] = 0',
                           'z = 0 exactly with y = 0: y_hat = 0 is right',
                           'w.x = 2 > 0, but z = w.x + b = -1: the bias decides',
                           "the lesson's exercise 4: w = 0, b = 0, x = (1, 2), y = 1",
                           'a correctly classified point with y = 1, eta = 1',
                           'a misclassified point with y = 0, eta = 2',
                           'a correctly classified point with y = 1, eta = 0.05',
                           'a correctly classified point with y = 1, eta = 0.7'],
                          [(('w', (3,)), ('b', ()), ('x', (3,)), ('y', ()), ('eta', ())),
                           (('w', (3,)), ('b', ()), ('x', (3,)), ('y', ()), ('eta', ())),
                           (('w', (2,)), ('b', ()), ('x', (2,)), ('y', ()), ('eta', ())),
                           (('w', (2,)), ('b', ()), ('x', (2,)), ('y', ()), ('eta', ())),
                           (('w', (2,)), ('b', ()), ('x', (2,)), ('y', ()), ('eta', ())),
                           (('w', (2,)), ('b', ()), ('x', (2,)), ('y', ()), ('eta', ())),
                           (('w', (2,)), ('b', ()), ('x', (2,)), ('y', ()), ('eta', ())),
                           (('w', (4,)), ('b', ()), ('x', (4,)), ('y', ()), ('eta', ())),
                           (('w', (1,)), ('b', ()), ('x', (1,)), ('y', ()), ('eta', ())),
                           (('w', (5,)), ('b', ()), ('x', (5,)), ('y', ()), ('eta', ())),
                           (('w', (3,)), ('b', ()), ('x', (3,)), ('y', ()), ('eta', ()))],
                          -214.78594591),
 '02.elu_backward': (['',
                      'a (3, 4) batch',
                      'a (2, 3, 2) array',
                      'one entry',
                      '40 entries, |z| up to about 15',
                      'large |z|',
                      'z = 0 included',
                      'z within 1e-6 of 0, on both sides',
                      'grad_a = 0 at four entries'],
                     [(('z', (5,)), ('grad_a', (5,))),
                      (('z', (3, 4)), ('grad_a', (3, 4))),
                      (('z', (2, 3, 2)), ('grad_a', (2, 3, 2))),
                      (('z', (1,)), ('grad_a', (1,))),
                      (('z', (40,)), ('grad_a', (40,))),
                      (('z', (5,)), ('grad_a', (5,))),
                      (('z', (5,)), ('grad_a', (5,))),
                      (('z', (5,)), ('grad_a', (5,))),
                      (('z', (6,)), ('grad_a', (6,)))],
                     235.810002471),
 '02.relu_backward': (['',
                       'a (3, 4) batch',
                       'a (2, 3, 2) array',
                       'one entry',
                       '40 entries, |z| up to about 15',
                       'large |z|',
                       'z = 0 included',
                       'z within 1e-6 of 0, on both sides',
                       'grad_a = 0 at four entries'],
                      [(('z', (5,)), ('grad_a', (5,))),
                       (('z', (3, 4)), ('grad_a', (3, 4))),
                       (('z', (2, 3, 2)), ('grad_a', (2, 3, 2))),
                       (('z', (1,)), ('grad_a', (1,))),
                       (('z', (40,)), ('grad_a', (40,))),
                       (('z', (5,)), ('grad_a', (5,))),
                       (('z', (5,)), ('grad_a', (5,))),
                       (('z', (5,)), ('grad_a', (5,))),
                       (('z', (6,)), ('grad_a', (6,)))],
                      235.810002471),
 '02.sigmoid_backward': (['',
                          'a (3, 4) batch',
                          'a (2, 3, 2) array',
                          'one entry',
                          '40 entries, |z| up to about 15',
                          'large |z|',
                          'z = 0 included',
                          'z within 1e-6 of 0, on both sides',
                          'grad_a = 0 at four entries'],
                         [(('z', (5,)), ('grad_a', (5,))),
                          (('z', (3, 4)), ('grad_a', (3, 4))),
                          (('z', (2, 3, 2)), ('grad_a', (2, 3, 2))),
                          (('z', (1,)), ('grad_a', (1,))),
                          (('z', (40,)), ('grad_a', (40,))),
                          (('z', (7,)), ('grad_a', (7,))),
                          (('z', (5,)), ('grad_a', (5,))),
                          (('z', (5,)), ('grad_a', (5,))),
                          (('z', (6,)), ('grad_a', (6,)))],
                         240.877397651),
 '03.bce_with_logits': (['',
                         '',
                         '',
                         '|z| = 1000: confident, right and wrong',
                         '|z| near 40, where 1 - sigmoid(z) rounds to 0',
                         'one sample',
                         'z = 0: the loss is log 2 per sample',
                         'every label 1'],
                        [(('z', (4,)), ('y', (4,))),
                         (('z', (7,)), ('y', (7,))),
                         (('z', (50,)), ('y', (50,))),
                         (('z', (5,)), ('y', (5,))),
                         (('z', (6,)), ('y', (6,))),
                         (('z', (1,)), ('y', (1,))),
                         (('z', (3,)), ('y', (3,))),
                         (('z', (6,)), ('y', (6,)))],
                        266.230091732),
 '04.gradient_step': (['', '', 'one sample', 'X square', 'more inputs than samples', ''],
                      [(('w', (2,)), ('X', (8, 2)), ('y', (8,)), ('learning_rate', ())),
                       (('w', (3,)), ('X', (5, 3)), ('y', (5,)), ('learning_rate', ())),
                       (('w', (2,)), ('X', (1, 2)), ('y', (1,)), ('learning_rate', ())),
                       (('w', (3,)), ('X', (3, 3)), ('y', (3,)), ('learning_rate', ())),
                       (('w', (4,)), ('X', (2, 4)), ('y', (2,)), ('learning_rate', ())),
                       (('w', (3,)), ('X', (40, 3)), ('y', (40,)), ('learning_rate', ()))],
                      171.334844123),
 '04.minibatch_epoch': (['',
                         'the last batch is smaller',
                         'one full batch',
                         'the last batch holds one sample',
                         'batch_size = 1: one step per sample',
                         '5 inputs, batches of 3, 3, 3 and 2',
                         'a batch of 6, then one of 1'],
                        [(('w', (2,)), ('X', (12, 2)), ('y', (12,)), ('learning_rate', ()), ('batch_size', ())),
                         (('w', (3,)), ('X', (10, 3)), ('y', (10,)), ('learning_rate', ()), ('batch_size', ())),
                         (('w', (2,)), ('X', (9, 2)), ('y', (9,)), ('learning_rate', ()), ('batch_size', ())),
                         (('w', (2,)), ('X', (9, 2)), ('y', (9,)), ('learning_rate', ()), ('batch_size', ())),
                         (('w', (3,)), ('X', (5, 3)), ('y', (5,)), ('learning_rate', ()), ('batch_size', ())),
                         (('w', (5,)), ('X', (11, 5)), ('y', (11,)), ('learning_rate', ()), ('batch_size', ())),
                         (('w', (2,)), ('X', (7, 2)), ('y', (7,)), ('learning_rate', ()), ('batch_size', ()))],
                        568.275629396),
 '05.adam_step': (['step t = 1',
                   'step t = 2',
                   'step t = 10',
                   'step t = 1000',
                   'beta_1 = 0.8, beta_2 = 0.99, epsilon = 1e-3',
                   't = 1 with beta_1 = 0.5, beta_2 = 0.9',
                   'w = 0, tiny gradients (1e-7), step t = 1: epsilon matters',
                   'w = 0, tiny gradients (1e-7), step t = 2: epsilon matters',
                   'g = 0 at step t = 4: m and v still move w',
                   'g = 0 at the first step: nothing moves'],
                  [(('w', (3,)),
                    ('m', (3,)),
                    ('v', (3,)),
                    ('g', (3,)),
                    ('t', ()),
                    ('learning_rate', ()),
                    ('beta_1', ()),
                    ('beta_2', ()),
                    ('epsilon', ())),
                   (('w', (2, 3)),
                    ('m', (2, 3)),
                    ('v', (2, 3)),
                    ('g', (2, 3)),
                    ('t', ()),
                    ('learning_rate', ()),
                    ('beta_1', ()),
                    ('beta_2', ()),
                    ('epsilon', ())),
                   (('w', (4,)),
                    ('m', (4,)),
                    ('v', (4,)),
                    ('g', (4,)),
                    ('t', ()),
                    ('learning_rate', ()),
                    ('beta_1', ()),
                    ('beta_2', ()),
                    ('epsilon', ())),
                   (('w', (3,)),
                    ('m', (3,)),
                    ('v', (3,)),
                    ('g', (3,)),
                    ('t', ()),
                    ('learning_rate', ()),
                    ('beta_1', ()),
                    ('beta_2', ()),
                    ('epsilon', ())),
                   (('w', (4,)),
                    ('m', (4,)),
                    ('v', (4,)),
                    ('g', (4,)),
                    ('t', ()),
                    ('learning_rate', ()),
                    ('beta_1', ()),
                    ('beta_2', ()),
                    ('epsilon', ())),
                   (('w', (4,)),
                    ('m', (4,)),
                    ('v', (4,)),
                    ('g', (4,)),
                    ('t', ()),
                    ('learning_rate', ()),
                    ('beta_1', ()),
                    ('beta_2', ()),
                    ('epsilon', ())),
                   (('w', (3,)),
                    ('m', (3,)),
                    ('v', (3,)),
                    ('g', (3,)),
                    ('t', ()),
                    ('learning_rate', ()),
                    ('beta_1', ()),
                    ('beta_2', ()),
                    ('epsilon', ())),
                   (('w', (3,)),
                    ('m', (3,)),
                    ('v', (3,)),
                    ('g', (3,)),
                    ('t', ()),
                    ('learning_rate', ()),
                    ('beta_1', ()),
                    ('beta_2', ()),
                    ('epsilon', ())),
                   (('w', (3,)),
                    ('m', (3,)),
                    ('v', (3,)),
                    ('g', (3,)),
                    ('t', ()),
                    ('learning_rate', ()),
                    ('beta_1', ()),
                    ('beta_2', ()),
                    ('epsilon', ())),
                   (('w', (2,)),
                    ('m', (2,)),
                    ('v', (2,)),
                    ('g', (2,)),
                    ('t', ()),
                    ('learning_rate', ()),
                    ('beta_1', ()),
                    ('beta_2', ()),
                    ('epsilon', ()))],
                  -14589.803869292),
 '05.momentum_step': (['first step, m = 0',
                       '',
                       '',
                       '',
                       'learning_rate = 0.1, momentum = 0.5',
                       'momentum = 0.99',
                       'learning_rate = 0.3, momentum = 0.25',
                       'w = 0: w_new is the step itself',
                       'g = 0: only the momentum moves w'],
                      [(('w', (3,)), ('m', (3,)), ('g', (3,)), ('learning_rate', ()), ('momentum', ())),
                       (('w', (2, 3)), ('m', (2, 3)), ('g', (2, 3)), ('learning_rate', ()), ('momentum', ())),
                       (('w', (4,)), ('m', (4,)), ('g', (4,)), ('learning_rate', ()), ('momentum', ())),
                       (('w', (3,)), ('m', (3,)), ('g', (3,)), ('learning_rate', ()), ('momentum', ())),
                       (('w', (4,)), ('m', (4,)), ('g', (4,)), ('learning_rate', ()), ('momentum', ())),
                       (('w', (4,)), ('m', (4,)), ('g', (4,)), ('learning_rate', ()), ('momentum', ())),
                       (('w', (4,)), ('m', (4,)), ('g', (4,)), ('learning_rate', ()), ('momentum', ())),
                       (('w', (3,)), ('m', (3,)), ('g', (3,)), ('learning_rate', ()), ('momentum', ())),
                       (('w', (3,)), ('m', (3,)), ('g', (3,)), ('learning_rate', ()), ('momentum', ()))],
                      -395.595947513),
 '06.dense_backward': (['n = 4 samples, 3 inputs, 2 units',
                        'n = 5 samples, 2 inputs, 3 units',
                        'n = 1 samples, 4 inputs, 1 units',
                        'n = 3 samples, 3 inputs, 3 units',
                        'n = 10 samples, 1 inputs, 4 units',
                        'n = 2 samples, 5 inputs, 5 units',
                        "saturated units: b = +-30, where tanh' is about 0"],
                       [(('x', (4, 3)), ('W', (3, 2)), ('b', (2,)), ('grad_a', (4, 2))),
                        (('x', (5, 2)), ('W', (2, 3)), ('b', (3,)), ('grad_a', (5, 3))),
                        (('x', (1, 4)), ('W', (4, 1)), ('b', (1,)), ('grad_a', (1, 1))),
                        (('x', (3, 3)), ('W', (3, 3)), ('b', (3,)), ('grad_a', (3, 3))),
                        (('x', (10, 1)), ('W', (1, 4)), ('b', (4,)), ('grad_a', (10, 4))),
                        (('x', (2, 5)), ('W', (5, 5)), ('b', (5,)), ('grad_a', (2, 5))),
                        (('x', (3, 2)), ('W', (2, 2)), ('b', (2,)), ('grad_a', (3, 2)))],
                       699.354941595),
 '06.two_layer_backward': (['n = 6 samples, 2 inputs, 3 hidden units',
                            'n = 5 samples, 3 inputs, 4 hidden units',
                            'n = 1 samples, 2 inputs, 2 hidden units',
                            'n = 4 samples, 3 inputs, 3 hidden units',
                            'n = 20 samples, 4 inputs, 1 hidden unit',
                            'n = 3 samples, 5 inputs, 2 hidden units'],
                           [(('X', (6, 2)),
                             ('y', (6, 1)),
                             ('W1', (2, 3)),
                             ('b1', (3,)),
                             ('W2', (3, 1)),
                             ('b2', (1,))),
                            (('X', (5, 3)),
                             ('y', (5, 1)),
                             ('W1', (3, 4)),
                             ('b1', (4,)),
                             ('W2', (4, 1)),
                             ('b2', (1,))),
                            (('X', (1, 2)),
                             ('y', (1, 1)),
                             ('W1', (2, 2)),
                             ('b1', (2,)),
                             ('W2', (2, 1)),
                             ('b2', (1,))),
                            (('X', (4, 3)),
                             ('y', (4, 1)),
                             ('W1', (3, 3)),
                             ('b1', (3,)),
                             ('W2', (3, 1)),
                             ('b2', (1,))),
                            (('X', (20, 4)),
                             ('y', (20, 1)),
                             ('W1', (4, 1)),
                             ('b1', (1,)),
                             ('W2', (1, 1)),
                             ('b2', (1,))),
                            (('X', (3, 5)),
                             ('y', (3, 1)),
                             ('W1', (5, 2)),
                             ('b1', (2,)),
                             ('W2', (2, 1)),
                             ('b2', (1,)))],
                           728.050017961)}
TWIN_SAYS = {'01.neuron_forward': ("Keras's Dense(1, 'sigmoid') with the same weights agrees exactly.",
                       "Keras's Dense(1, 'sigmoid') with the same weights agrees to < 1e-12.",
                       "Your result agrees with the cases but not with Keras's Dense(1, 'sigmoid') with the same "
                       'weights: relative difference 2e-12.'),
 '02.elu_backward': ('tf.GradientTape through tf.nn.elu agrees exactly.',
                     'tf.GradientTape through tf.nn.elu agrees to < 1e-12.',
                     'Your result agrees with the cases but not with tf.GradientTape through tf.nn.elu: relative '
                     'difference 2e-12.'),
 '02.relu_backward': ('tf.GradientTape through tf.nn.relu agrees exactly.',
                      'tf.GradientTape through tf.nn.relu agrees to < 1e-12.',
                      'Your result agrees with the cases but not with tf.GradientTape through tf.nn.relu: relative '
                      'difference 2e-12.'),
 '02.sigmoid_backward': ('tf.GradientTape through tf.sigmoid agrees to < 1e-16.',
                         'tf.GradientTape through tf.sigmoid agrees to < 1e-12.',
                         'Your result agrees with the cases but not with tf.GradientTape through tf.sigmoid: '
                         'relative difference 2e-12.'),
 '03.bce_with_logits': ('TensorFlow (sigmoid_cross_entropy_with_logits and GradientTape) agrees exactly.',
                        'TensorFlow (sigmoid_cross_entropy_with_logits and GradientTape) agrees to < 1e-9.',
                        'Your function agrees with the cases but not with TensorFlow '
                        '(tf.nn.sigmoid_cross_entropy_with_logits): relative difference 2e-09.'),
 '04.gradient_step': ("Keras's SGD with tf.GradientTape agrees to < 1e-16.",
                      "Keras's SGD with tf.GradientTape agrees to < 1e-7.",
                      "Your result agrees with the cases but not with Keras's SGD with tf.GradientTape: relative "
                      'difference 4.1e-07.'),
 '04.minibatch_epoch': ("Keras's SGD on the same batches agrees exactly.",
                        "Keras's SGD on the same batches agrees to < 1e-7.",
                        "Your result agrees with the cases but not with Keras's SGD on the same batches: relative "
                        'difference 4.09e-07.'),
 '05.adam_step': ('8 steps agree with keras.optimizers.Adam exactly.',
                  '8 steps agree with keras.optimizers.Adam to < 1e-5.',
                  'One step is right, but 8 steps in a row differ from keras.optimizers.Adam on the same gradients '
                  '(relative difference 2.38e-05): does your function keep its state only in the returned values?'),
 '05.momentum_step': ('8 steps agree with keras.optimizers.SGD exactly.',
                      '8 steps agree with keras.optimizers.SGD to < 1e-7.',
                      'One step is right, but 8 steps in a row differ from keras.optimizers.SGD on the same '
                      'gradients (relative difference 3.01e-07): does your function keep its state only in the '
                      'returned values?'),
 '06.dense_backward': ('tf.GradientTape to < 1e-15.',
                       'tf.GradientTape to < 1e-12.',
                       'tf.GradientTape disagrees with your gradients: relative difference 2e-12.'),
 '06.two_layer_backward': ('tf.GradientTape to < 1e-15.',
                           'tf.GradientTape to < 1e-12.',
                           'tf.GradientTape disagrees with your gradients: relative difference 2e-12.')}
TWIN_INPUTS = {'01.neuron_forward': 3.704009,
 '02.elu_backward': 19.998854,
 '02.relu_backward': 18.140278,
 '02.sigmoid_backward': 8.563325,
 '03.bce_with_logits': 3.790145,
 '04.gradient_step': 25.198636,
 '04.minibatch_epoch': 99.944297,
 '05.adam_step': 9.8281,
 '05.momentum_step': 9.8281,
 '06.dense_backward': 108.963448,
 '06.two_layer_backward': -130.008707}
PER_CASE = {'ad_betas_hard_coded': (2, '0d24c568f963'),
 'ad_betas_swapped': (9, '97e299b460d8'),
 'ad_correction_without_root': (9, '504102385e0b'),
 'ad_defaults_hard_coded': (9, 'ff28f7c27bb7'),
 'ad_eps_hard_coded': (1, '5af423221cf3'),
 'ad_eps_inside': (9, 'ca73fae211e6'),
 'ad_hat_stored': (9, '4f554e07b06c'),
 'ad_no_correction': (9, 'f2492ccd52f0'),
 'ad_no_sqrt': (9, 'b72df744e4ac'),
 'ad_old_moments': (9, '08a59457e40e'),
 'ad_paper_same_eps': (6, 'da80f6914c88'),
 'ad_t_minus_one': (10, 'ba23c505ca26'),
 'ad_t_plus_one': (9, 'cadcf94f0182'),
 'bce_clipped': (2, '70ef4f3e869b'),
 'bce_grad_of_minus_z': (7, '1536e9ec2bc0'),
 'bce_labels_swapped': (8, '374dcf67e997'),
 'bce_naive': (2, '965c0228e999'),
 'bce_no_abs': (1, 'ee1524fad588'),
 'bce_no_max': (6, '8c6aa8258936'),
 'bce_no_n': (7, 'ed02030c02a3'),
 'bce_not_averaged': (7, 'a32bb0744215'),
 'bce_summed': (7, '2a7cd1e9604d'),
 'bce_uphill': (8, 'b71755cfcd8c'),
 'db_dW_transposed': (6, '4d63815575a4'),
 'db_dx_from_grad_a': (7, '4cc35e12ddce'),
 'db_dx_without_T': (6, '098af9a8e1d0'),
 'db_mean': (5, '9affda7cd1ac'),
 'db_no_slope': (7, '811dcdea5585'),
 'db_sigmoid_slope': (7, 'b5334e05e000'),
 'db_slope_of_z': (7, '3dd53cc4a102'),
 'db_tanh_as_slope': (7, '692c8fb34c1c'),
 'db_without_b': (7, 'eb4441d554db'),
 'eb_exp_everywhere': (8, '693ec53f9fd4'),
 'eb_in_place': (8, '77cde09843cb'),
 'eb_mask_times_exp': (1, 'af9dd97302a4'),
 'eb_no_grad': (8, '4ce16b8f0372'),
 'eb_relu_slope': (8, '2515c46dee66'),
 'eb_selu': (9, '7df5e7572241'),
 'eb_value_as_slope': (8, 'b6880b731644'),
 'eb_zero_at_zero': (3, 'fa39fbd4fc7c'),
 'gs_divided_by_d': (5, '6dc80e2cf7eb'),
 'gs_in_place': (6, '82e76623fb28'),
 'gs_no_transpose': (6, '2a9113ccdaea'),
 'gs_no_two': (6, '6eba54664ba3'),
 'gs_returns_gradient': (6, '2350381033b0'),
 'gs_scalar_gradient': (6, '95c2ce6be2b9'),
 'gs_summed': (5, '02d637d0bc7d'),
 'gs_uphill': (6, '75e1a752eeb6'),
 'me_array_split': (3, 'ddde1c3d41ff'),
 'me_by_n': (6, '47d81b2b5dfb'),
 'me_drop_last': (4, 'bd0d2be9e72d'),
 'me_full_data': (6, '9c05d1d4ae93'),
 'me_in_place': (7, '00834b117e27'),
 'me_last_by_B': (4, 'c51ddd2578bc'),
 'me_off_by_one': (7, 'bd953c347dc4'),
 'me_one_averaged_step': (6, '072cf07f6153'),
 'me_reversed': (6, 'bc3f13661511'),
 'me_shuffled': (6, '95c2ce6be2b9'),
 'me_stale': (6, 'e5c87b174a03'),
 'me_stop_before_last': (3, '7cd622bec1e4'),
 'me_sum': (7, 'e3f9dfff9c59'),
 'me_uphill': (7, 'b6739dc6bbb9'),
 'mo_ema': (9, '6b208c83b8a5'),
 'mo_fixed_lr': (4, '5e635ac7860f'),
 'mo_fixed_mu': (4, '88d095609c0b'),
 'mo_in_place': (9, 'd0028b071681'),
 'mo_nesterov': (9, '116cda4c2e4a'),
 'mo_no_memory': (8, '9b146388d04b'),
 'mo_old_m': (9, '78c4aec0190e'),
 'mo_roles_swapped': (9, 'ab7f7d8708ba'),
 'mo_sign': (8, 'c6190a583406'),
 'mo_textbook': (9, '2224f7a76485'),
 'nf_activation_of_inputs': (9, '5ef10977272f'),
 'nf_bias_outside': (8, 'c8d3267c2da9'),
 'nf_bias_subtracted': (8, 'be76adf23ce8'),
 'nf_column': (9, 'e7e92e11e37f'),
 'nf_no_bias': (8, '50be4f26fa03'),
 'nf_returns_z': (9, '367b3b2bd4d9'),
 'nf_sign': (9, 'c6d46be80660'),
 'nf_tanh': (9, '7dc345d25cf2'),
 'nf_threshold': (9, '049de35a3592'),
 'nf_unstable': (1, '59bb11a21e5b'),
 'pu_always': (6, 'a797229f2efd'),
 'pu_bias_without_eta': (6, '504ce08c1bcc'),
 'pu_geq': (3, 'be94758a0d9a'),
 'pu_in_place': (6, '2ade14241abc'),
 'pu_no_bias': (6, '2c652f3a22ea'),
 'pu_no_eta': (6, '2552a882df82'),
 'pu_prediction_without_b': (4, 'b1bb293157d4'),
 'pu_sigmoid': (11, 'a4e0e416f4d7'),
 'pu_sign': (6, 'a0b58ac0060b'),
 'pu_sign_prediction': (2, '8b88cf32befa'),
 'rb_activation': (8, '9aec9f873afb'),
 'rb_clip': (7, 'a92134f891e0'),
 'rb_epsilon': (1, 'bb6e3109eed0'),
 'rb_geq': (3, '7e1fcd49e5e7'),
 'rb_in_place': (8, '361bee8ddb22'),
 'rb_mask_of_grad': (8, '7ef7c26c5840'),
 'rb_no_grad': (7, '0a23ee292bee'),
 'rb_sign': (8, 'b2d77d50dfed'),
 'sb_activation': (9, 'dfff31571547'),
 'sb_divided_by_n': (8, '2449523dae07'),
 'sb_in_place': (9, 'b1593f3a5a16'),
 'sb_no_grad': (8, '0214ecf21818'),
 'sb_slope_of_z': (9, '4889dfb49df6'),
 'sb_tanh_slope': (9, 'c954f5a5c9e8'),
 'sb_unstable': (1, 'f6b85014e0dd'),
 'std_all_data': (8, 'f9805f53e607'),
 'std_in_place': (9, '9cbf783717d7'),
 'std_min_max': (9, '5ef10977272f'),
 'std_one_mean_for_all': (8, 'de0252b4d561'),
 'std_one_pass': (1, '010be49423b2'),
 'std_own_statistics': (8, '7f07d99a0e1e'),
 'std_row_statistics': (9, '05cfbf4f8fbe'),
 'std_sample_std': (9, '6a3f187c836e'),
 'std_train_mean_own_std': (8, 'b462cc44890f'),
 'std_variance': (9, '5d8efa3d2fcd'),
 'tl_a1_as_slope': (6, '644b44505338'),
 'tl_bias_mean': (5, 'fe4fec4064c6'),
 'tl_dW2_from_X': (6, '3aedc0d019bf'),
 'tl_no_hidden_slope': (6, '46a21a785c18'),
 'tl_no_n': (5, 'aab1f2bcb3ed'),
 'tl_output_slope': (6, '86e2ff3a6322'),
 'tl_slope_of_z': (6, 'b920336de680'),
 'tl_tanh_twice': (6, '2b0329d32c9a'),
 'tl_y_raveled': (5, '6d497e238792')}
