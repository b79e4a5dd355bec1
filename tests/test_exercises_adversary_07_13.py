"""The checker's adversary for lessons 07-13 (review rubric, "The checker's adversary").

For every code exercise of lessons 07 to 13: plausible wrong answers (the review's and the novice's among them:
one permutation for all epochs, the generator made again every epoch, a dropped last batch, the global instead
of each row's maximum, every tied maximum receiving the gradient), each of which must fail with a message that
says what is wrong in terms of the output (pinned word for word for seed 0), and one correct answer written
differently from dlteach.solutions, which must pass. Then the edge cases, each shown to separate right from
almost-right on its own; the cases themselves (pinned, so that a change is deliberate); the initialisers'
statistics against right answers that draw other numbers; and the Keras/TensorFlow twins run against a NumPy
stand-in for tensorflow and keras (the few calls the twins make), so that the twins' inputs, tolerances and
messages are tested without TensorFlow. Only test_the_alternative_answer_passes_with_real_tensorflow imports
TensorFlow.
"""
import dataclasses
import sys
import types

import numpy as np
import pytest

from dlteach import solutions
from dlteach.exercises import CODE_EXERCISES, check, reset_hints
from dlteach.exercises.runner import Mismatch, NotAttempted, run


def sig(z):
    return 0.5 * (1 + np.tanh(0.5 * z))


def _softmax_rows(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# ---------------------------------------------------------------- 07.forward

def fw_no_tanh(X, W1, b1, W2, b2):
    return sig((X @ W1 + b1) @ W2 + b2)


def fw_no_sigmoid(X, W1, b1, W2, b2):
    return np.tanh(X @ W1 + b1) @ W2 + b2


def fw_flat(X, W1, b1, W2, b2):
    return sig(np.tanh(X @ W1 + b1) @ W2 + b2)[:, 0]


def fw_sigmoid_hidden(X, W1, b1, W2, b2):
    return sig(sig(X @ W1 + b1) @ W2 + b2)


def fw_relu_hidden(X, W1, b1, W2, b2):
    return sig(np.maximum(X @ W1 + b1, 0) @ W2 + b2)


def fw_bias_after_tanh(X, W1, b1, W2, b2):
    return sig((np.tanh(X @ W1) + b1) @ W2 + b2)


def fw_W1_transposed(X, W1, b1, W2, b2):
    return sig(np.tanh(X @ W1.T + b1) @ W2 + b2)


def fw_unstable(X, W1, b1, W2, b2):
    z = np.tanh(X @ W1 + b1) @ W2 + b2
    return np.exp(z) / (1 + np.exp(z))


def fw_no_b2(X, W1, b1, W2, b2):
    return sig(np.tanh(X @ W1 + b1) @ W2)


def fw_tanh_output(X, W1, b1, W2, b2):
    return np.tanh(np.tanh(X @ W1 + b1) @ W2 + b2)


def fw_right(X, W1, b1, W2, b2):
    h = np.tanh(np.einsum("nd,dh->nh", X, W1) + b1)
    return 0.5 * (1 + np.tanh(0.5 * (np.einsum("nh,ho->no", h, W2) + b2)))


# ---------------------------------------------------------------- 08.glorot_uniform

def gl_fan_in_only(n_in, n_out, rng):
    return rng.uniform(-1, 1, (n_in, n_out)) * np.sqrt(6 / n_in)


def gl_normal(n_in, n_out, rng):
    return rng.normal(0, np.sqrt(2 / (n_in + n_out)), (n_in, n_out))


def gl_not_centred(n_in, n_out, rng):
    return rng.uniform(0, np.sqrt(6 / (n_in + n_out)), (n_in, n_out))


def gl_global_rng(n_in, n_out, rng):
    return np.random.uniform(-1, 1, (n_in, n_out)) * np.sqrt(6 / (n_in + n_out))


def gl_transposed(n_in, n_out, rng):
    return rng.uniform(-1, 1, (n_out, n_in)) * np.sqrt(6 / (n_in + n_out))


def gl_own_seed(n_in, n_out, rng):
    limit = np.sqrt(6 / (n_in + n_out))
    return np.random.default_rng(0).uniform(-limit, limit, (n_in, n_out))


def gl_limit_sqrt3(n_in, n_out, rng):
    limit = np.sqrt(3 / (n_in + n_out))
    return rng.uniform(-limit, limit, (n_in, n_out))


def gl_limit_no_sqrt(n_in, n_out, rng):
    limit = 6 / (n_in + n_out)
    return rng.uniform(-limit, limit, (n_in, n_out))


def gl_fan_out_only(n_in, n_out, rng):
    limit = np.sqrt(6 / n_out)
    return rng.uniform(-limit, limit, (n_in, n_out))


def gl_right(n_in, n_out, rng):
    limit = (6.0 / (n_in + n_out)) ** 0.5
    return (2 * rng.random((n_out, n_in)) - 1).T * limit


# ---------------------------------------------------------------- 08.he_normal

def he_fan_average(n_in, n_out, rng):
    return rng.normal(0, np.sqrt(2 / (n_in + n_out)), (n_in, n_out))


def he_lecun(n_in, n_out, rng):
    return rng.normal(0, np.sqrt(1 / n_in), (n_in, n_out))


def he_uniform(n_in, n_out, rng):
    return rng.uniform(-1, 1, (n_in, n_out)) * np.sqrt(6 / n_in)


def he_global_rng(n_in, n_out, rng):
    return np.random.normal(0, np.sqrt(2 / n_in), (n_in, n_out))


def he_own_seed(n_in, n_out, rng):
    return np.random.default_rng(42).normal(0, np.sqrt(2 / n_in), (n_in, n_out))


def he_fan_out(n_in, n_out, rng):
    return rng.normal(0, np.sqrt(2 / n_out), (n_in, n_out))


def he_variance_as_std(n_in, n_out, rng):
    return rng.normal(0, 2 / n_in, (n_in, n_out))


def he_truncated_not_rescaled(n_in, n_out, rng):
    std = np.sqrt(2 / n_in)
    w = rng.normal(0, std, (n_in, n_out))
    while np.any(np.abs(w) > 2 * std):
        bad = np.abs(w) > 2 * std
        w[bad] = rng.normal(0, std, bad.sum())
    return w


def he_transposed(n_in, n_out, rng):
    return rng.normal(0, np.sqrt(2 / n_in), (n_out, n_in))


def he_right(n_in, n_out, rng):
    """Keras's form: a normal truncated at two standard deviations, rescaled to the variance 2 / n_in."""
    std = np.sqrt(2.0 / n_in) / 0.87962566103423978
    w = rng.standard_normal(n_in * n_out)
    while np.any(np.abs(w) > 2):
        bad = np.abs(w) > 2
        w[bad] = rng.standard_normal(int(bad.sum()))
    return (w * std).reshape(n_in, n_out)


# ---------------------------------------------------------------- 09.softmax_ce

def sc_no_max(z, Y):
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    return -np.mean(np.sum(Y * np.log(p), axis=1)), (p - Y) / len(z)


def sc_global_max(z, Y):
    s = z - z.max()
    log_p = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    return -np.mean(np.sum(Y * log_p, axis=1)), (np.exp(log_p) - Y) / len(z)


def sc_no_n(z, Y):
    p = _softmax_rows(z)
    return -np.mean(np.sum(Y * np.log(p), axis=1)), p - Y


def sc_summed(z, Y):
    p = _softmax_rows(z)
    return -np.sum(Y * np.log(p)), (p - Y) / len(z)


def sc_mean_of_entries(z, Y):
    p = _softmax_rows(z)
    return -np.mean(Y * np.log(p)), (p - Y) / len(z)


def sc_uphill(z, Y):
    p = _softmax_rows(z)
    return -np.mean(np.sum(Y * np.log(p), axis=1)), (Y - p) / len(z)


def sc_columns(z, Y):
    e = np.exp(z - z.max(axis=0))
    p = e / e.sum(axis=0)
    return -np.mean(np.sum(Y * np.log(p), axis=1)), (p - Y) / len(z)


def sc_log10(z, Y):
    p = _softmax_rows(z)
    return -np.mean(np.sum(Y * np.log10(p), axis=1)), (p - Y) / len(z)


def sc_eps_in_log(z, Y):
    p = _softmax_rows(z)
    return -np.mean(np.sum(Y * np.log(p + 1e-12), axis=1)), (p - Y) / len(z)


def sc_in_place(z, Y):
    z -= z.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return -np.mean(np.sum(Y * log_p, axis=1)), (np.exp(log_p) - Y) / len(z)


def sc_no_Y_in_gradient(z, Y):
    p = _softmax_rows(z)
    return -np.mean(np.sum(Y * np.log(p), axis=1)), p / len(z)


def sc_right(z, Y):
    lse = np.logaddexp.reduce(z, axis=1)
    labels = Y.argmax(axis=1)
    rows = np.arange(len(z))
    loss = np.mean(lse - z[rows, labels])
    return loss, (np.exp(z - lse[:, None]) - Y) / len(z)


# ---------------------------------------------------------------- 09.train_softmax

def _softmax_regression(X, Y, lr, epochs, B, seed, orders="fresh", starts=None, grad=None, bias="sum", sign=-1.0,
                        stale=False):
    """The loop with one part changed: how the order is drawn, where the batches start, how a batch's
    gradient is scaled, how b steps."""
    n, (d, k) = len(X), (X.shape[1], Y.shape[1])
    W, b = np.zeros((d, k)), np.zeros(k)
    rng = np.random.default_rng(seed)
    fixed = rng.permutation(n)
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        if orders == "fresh":
            order = rng.permutation(n)
        elif orders == "again":  # the generator made again every epoch
            order = np.random.default_rng(seed).permutation(n)
        elif orders == "once":
            order = fixed
        elif orders == "none":
            order = np.arange(n)
        W_start, b_start = W, b
        for i in (range(0, n, B) if starts is None else starts(n, B)):
            idx = order[i:i + B]
            Xb, Yb = X[idx], Y[idx]
            Wz, bz = (W_start, b_start) if stale else (W, b)
            p = _softmax_rows(Xb @ Wz + bz)
            dz = (p - Yb) / (len(Xb) if grad is None else grad(len(Xb), n, B))
            W = W + sign * lr * Xb.T @ dz
            b = b + sign * lr * (dz.sum(axis=0) if bias == "sum" else dz.mean(axis=0) if bias == "mean" else 0)
    return W, b


def ts_generator_each_epoch(X, Y, learning_rate, epochs, batch_size, seed):
    return _softmax_regression(X, Y, learning_rate, epochs, batch_size, seed, orders="again")


def ts_one_permutation(X, Y, learning_rate, epochs, batch_size, seed):
    return _softmax_regression(X, Y, learning_rate, epochs, batch_size, seed, orders="once")


def ts_drop_last(X, Y, learning_rate, epochs, batch_size, seed):
    return _softmax_regression(X, Y, learning_rate, epochs, batch_size, seed,
                               starts=lambda n, B: range(0, n - B + 1, B))


def ts_no_shuffle(X, Y, learning_rate, epochs, batch_size, seed):
    return _softmax_regression(X, Y, learning_rate, epochs, batch_size, seed, orders="none")


def ts_seed_ignored(X, Y, learning_rate, epochs, batch_size, seed):
    return _softmax_regression(X, Y, learning_rate, epochs, batch_size, 0)


def ts_global_rng(X, Y, learning_rate, epochs, batch_size, seed):
    np.random.seed(seed)
    W, b = np.zeros((X.shape[1], Y.shape[1])), np.zeros(Y.shape[1])
    for _ in range(epochs):
        order = np.random.permutation(len(X))
        for i in range(0, len(X), batch_size):
            idx = order[i:i + batch_size]
            dz = (_softmax_rows(X[idx] @ W + b) - Y[idx]) / len(idx)
            W, b = W - learning_rate * X[idx].T @ dz, b - learning_rate * dz.sum(axis=0)
    return W, b


def ts_permutation_per_batch(X, Y, learning_rate, epochs, batch_size, seed):
    rng = np.random.default_rng(seed)
    W, b = np.zeros((X.shape[1], Y.shape[1])), np.zeros(Y.shape[1])
    for _ in range(epochs):
        for i in range(0, len(X), batch_size):
            idx = rng.permutation(len(X))[i:i + batch_size]
            dz = (_softmax_rows(X[idx] @ W + b) - Y[idx]) / len(idx)
            W, b = W - learning_rate * X[idx].T @ dz, b - learning_rate * dz.sum(axis=0)
    return W, b


def ts_averaged_twice(X, Y, learning_rate, epochs, batch_size, seed):
    return _softmax_regression(X, Y, learning_rate, epochs, batch_size, seed, grad=lambda m, n, B: m * m)


def ts_divided_by_n(X, Y, learning_rate, epochs, batch_size, seed):
    return _softmax_regression(X, Y, learning_rate, epochs, batch_size, seed, grad=lambda m, n, B: n)


def ts_last_by_B(X, Y, learning_rate, epochs, batch_size, seed):
    return _softmax_regression(X, Y, learning_rate, epochs, batch_size, seed, grad=lambda m, n, B: B)


def ts_no_bias(X, Y, learning_rate, epochs, batch_size, seed):
    return _softmax_regression(X, Y, learning_rate, epochs, batch_size, seed, bias="none")


def ts_bias_mean(X, Y, learning_rate, epochs, batch_size, seed):
    return _softmax_regression(X, Y, learning_rate, epochs, batch_size, seed, bias="mean")


def ts_uphill(X, Y, learning_rate, epochs, batch_size, seed):
    return _softmax_regression(X, Y, learning_rate, epochs, batch_size, seed, sign=1.0)


def ts_one_step_per_epoch(X, Y, learning_rate, epochs, batch_size, seed):
    return _softmax_regression(X, Y, learning_rate, epochs, len(X), seed)


def ts_stale(X, Y, learning_rate, epochs, batch_size, seed):
    return _softmax_regression(X, Y, learning_rate, epochs, batch_size, seed, stale=True)


def ts_array_split(X, Y, learning_rate, epochs, batch_size, seed):
    rng = np.random.default_rng(seed)
    W, b = np.zeros((X.shape[1], Y.shape[1])), np.zeros(Y.shape[1])
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for idx in np.array_split(order, -(-len(X) // batch_size)):
            dz = (_softmax_rows(X[idx] @ W + b) - Y[idx]) / len(idx)
            W, b = W - learning_rate * X[idx].T @ dz, b - learning_rate * dz.sum(axis=0)
    return W, b


def ts_right(X, Y, learning_rate, epochs, batch_size, seed):
    """The bias folded into W as a column of ones; np.split at the batch boundaries; arange + shuffle."""
    n = len(X)
    Xa = np.hstack([X, np.ones((n, 1))])
    Wa = np.zeros((Xa.shape[1], Y.shape[1]))
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        idx = np.arange(n)
        rng.shuffle(idx)
        for part in np.split(idx, range(batch_size, n, batch_size)):
            z = Xa[part] @ Wa
            p = np.exp(z - np.logaddexp.reduce(z, axis=1, keepdims=True))
            Wa = Wa - learning_rate * Xa[part].T @ ((p - Y[part]) / len(part))
    return Wa[:-1], Wa[-1]


# ---------------------------------------------------------------- 10.dropout_forward

def do_no_scale(x, mask, rate):
    return x * mask


def do_times_keep(x, mask, rate):
    return x * mask * (1 - rate)


def do_by_rate(x, mask, rate):
    return x * mask / rate


def do_inverted_mask(x, mask, rate):
    return x * (1 - mask) / (1 - rate)


def do_in_place(x, mask, rate):
    x *= mask
    x /= 1 - rate
    return x


def do_own_mask(x, mask, rate):
    keep = np.random.default_rng(0).random(x.shape) >= rate
    return x * keep / (1 - rate)


def do_measured_rate(x, mask, rate):
    return x * mask / mask.mean()


def do_dropped_kept(x, mask, rate):
    return np.where(mask == 1, x / (1 - rate), x)


def do_mask_ignored(x, mask, rate):
    return x / (1 - rate)


def do_right(x, mask, rate):
    return np.where(mask > 0.5, x / (1.0 - rate), 0.0)


# ---------------------------------------------------------------- 10.l2_penalty

def l2_half(W, l2):
    return 0.5 * l2 * np.sum(W**2), l2 * W


def l2_no_two(W, l2):
    return l2 * np.sum(W**2), l2 * W


def l2_l1(W, l2):
    return l2 * np.sum(np.abs(W)), l2 * np.sign(W)


def l2_unsummed(W, l2):
    return l2 * W**2, 2 * l2 * W


def l2_mean(W, l2):
    return l2 * np.mean(W**2), 2 * l2 * W / W.size


def l2_norm(W, l2):
    return l2 * np.linalg.norm(W), 2 * l2 * W


def l2_grad_without_l2(W, l2):
    return l2 * np.sum(W**2), 2 * W


def l2_square_of_sum(W, l2):
    return l2 * np.sum(W) ** 2, 2 * l2 * W


def l2_in_place(W, l2):
    penalty = l2 * np.sum(W**2)
    dW = W
    dW *= 2 * l2
    return penalty, dW


def l2_per_column(W, l2):
    return l2 * np.sum(W**2, axis=0), 2 * l2 * W


def l2_right(W, l2):
    return float(np.vdot(W, W)) * l2, l2 * (W + W)


# ---------------------------------------------------------------- 11.conv2d

def _correlate(image, kernel, rows=None, cols=None, combine=None):
    kh, kw = kernel.shape
    H, W = image.shape
    out = np.zeros((H - kh + 1, W - kw + 1))
    for i in range(out.shape[0] if rows is None else rows):
        for j in range(out.shape[1] if cols is None else cols):
            window = image[i:i + kh, j:j + kw]
            out[i, j] = np.sum(window * kernel) if combine is None else combine(window, kernel)
    return out


def cv_flipped(image, kernel):
    return _correlate(image, kernel[::-1, ::-1])


def cv_short_range(image, kernel):
    H, W = image.shape
    kh, kw = kernel.shape
    return _correlate(image, kernel, rows=H - kh, cols=W - kw)


def cv_last_row_missing(image, kernel):
    return _correlate(image, kernel, rows=image.shape[0] - kernel.shape[0])


def cv_last_column_missing(image, kernel):
    return _correlate(image, kernel, cols=image.shape[1] - kernel.shape[1])


def cv_square_kernel(image, kernel):
    k = kernel.shape[0]
    out = np.zeros((image.shape[0] - k + 1, image.shape[1] - k + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i:i + k, j:j + k] * kernel)
    return out


def cv_transposed(image, kernel):
    return _correlate(image.T, kernel.T)


def cv_matmul(image, kernel):
    return _correlate(image, kernel, combine=lambda w, k: np.sum(w @ k.T))


def cv_sums(image, kernel):
    return _correlate(image, kernel, combine=lambda w, k: np.sum(w) * np.sum(k))


def cv_swapped_window(image, kernel):
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[j:j + kh, i:i + kw] * kernel)
    return out


def cv_strided(image, kernel):
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(0, out.shape[0], kh):
        for j in range(0, out.shape[1], kw):
            out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel)
    return out


def cv_same(image, kernel):
    kh, kw = kernel.shape
    padded = np.pad(image, ((kh // 2, (kh - 1) // 2), (kw // 2, (kw - 1) // 2)))
    return _correlate(padded, kernel)


def cv_right(image, kernel):
    """Kernel entry by kernel entry: add the shifted image times that weight."""
    kh, kw = kernel.shape
    oh, ow = image.shape[0] - kh + 1, image.shape[1] - kw + 1
    out = np.zeros((oh, ow))
    for u in range(kh):
        for v in range(kw):
            out += kernel[u, v] * image[u:u + oh, v:v + ow]
    return out


# ---------------------------------------------------------------- 11.maxpool_backward

def _pool(x, grad_out, pick):
    dx = np.zeros_like(x)
    for i in range(grad_out.shape[0]):
        for j in range(grad_out.shape[1]):
            window = x[2 * i:2 * i + 2, 2 * j:2 * j + 2]
            dx[2 * i:2 * i + 2, 2 * j:2 * j + 2] = pick(window) * grad_out[i, j]
    return dx


def _one_hot(window, k):
    out = np.zeros(4)
    out[k] = 1.0
    return out.reshape(2, 2)


def mp_all_four(x, grad_out):
    return np.repeat(np.repeat(grad_out, 2, axis=0), 2, axis=1)


def mp_average(x, grad_out):
    return np.repeat(np.repeat(grad_out, 2, axis=0), 2, axis=1) / 4


def mp_to_minimum(x, grad_out):
    return _pool(x, grad_out, lambda w: _one_hot(w, np.argmin(w)))


def mp_every_tie(x, grad_out):
    return _pool(x, grad_out, lambda w: (w == w.max()).astype(float))


def mp_column_major(x, grad_out):
    return _pool(x, grad_out, lambda w: _one_hot(w, np.argmax(w.T)).T)


def mp_last_tie(x, grad_out):
    return _pool(x, grad_out, lambda w: _one_hot(w, 3 - np.argmax(w.ravel()[::-1])))


def mp_stride_one(x, grad_out):
    dx = np.zeros_like(x)
    for i in range(grad_out.shape[0]):
        for j in range(grad_out.shape[1]):
            window = x[i:i + 2, j:j + 2]
            u, v = divmod(int(np.argmax(window)), 2)
            dx[i + u, j + v] = grad_out[i, j]
    return dx


def mp_top_left(x, grad_out):
    dx = np.zeros_like(x)
    dx[::2, ::2] = grad_out
    return dx


def mp_largest_size(x, grad_out):
    return _pool(x, grad_out, lambda w: _one_hot(w, np.argmax(np.abs(w))))


def mp_in_place(x, grad_out):
    for i in range(grad_out.shape[0]):
        for j in range(grad_out.shape[1]):
            window = x[2 * i:2 * i + 2, 2 * j:2 * j + 2]
            k = np.argmax(window)
            window[...] = 0.0
            window.flat[k] = grad_out[i, j]
    return x


def mp_right(x, grad_out):
    """Vectorised: the windows side by side, a one-hot of each window's argmax, put back."""
    H, W = x.shape
    win = x.reshape(H // 2, 2, W // 2, 2).transpose(0, 2, 1, 3).reshape(H // 2, W // 2, 4)
    hot = np.eye(4)[win.argmax(axis=2)] * grad_out[:, :, None]
    return hot.reshape(H // 2, W // 2, 2, 2).transpose(0, 2, 1, 3).reshape(H, W)


# ---------------------------------------------------------------- 12.saliency

def sa_no_slope(x, W1, b1, W2, b2, c):
    return W1 @ W2[:, c]


def sa_relu_mask(x, W1, b1, W2, b2, c):
    return W1 @ (W2[:, c] * (x @ W1 + b1 > 0))


def sa_every_class(x, W1, b1, W2, b2, c):
    return W1 @ (W2.sum(axis=1) * (1 - np.tanh(x @ W1 + b1) ** 2))


def sa_W1_transposed(x, W1, b1, W2, b2, c):
    return W1.T @ (W2[:, c] * (1 - np.tanh(x @ W1 + b1) ** 2))


def sa_h_as_slope(x, W1, b1, W2, b2, c):
    return W1 @ (W2[:, c] * np.tanh(x @ W1 + b1))


def sa_one_minus_h(x, W1, b1, W2, b2, c):
    return W1 @ (W2[:, c] * (1 - np.tanh(x @ W1 + b1)))


def sa_row_c(x, W1, b1, W2, b2, c):
    return W1 @ (W2[c] * (1 - np.tanh(x @ W1 + b1) ** 2))


def sa_no_b1(x, W1, b1, W2, b2, c):
    return W1 @ (W2[:, c] * (1 - np.tanh(x @ W1) ** 2))


def sa_row_vector(x, W1, b1, W2, b2, c):
    return (W1 @ (W2[:, c] * (1 - np.tanh(x @ W1 + b1) ** 2)))[None, :]


def sa_uphill(x, W1, b1, W2, b2, c):
    return -W1 @ (W2[:, c] * (1 - np.tanh(x @ W1 + b1) ** 2))


def sa_probability(x, W1, b1, W2, b2, c):
    h = np.tanh(x @ W1 + b1)
    p = _softmax_rows((h @ W2 + b2)[None, :])[0]
    dz = -p[c] * p
    dz[c] += p[c]
    return W1 @ ((W2 @ dz) * (1 - h**2))


def sa_right(x, W1, b1, W2, b2, c):
    u = x[None, :] @ W1 + b1
    return ((W2[:, c] / np.cosh(u) ** 2) @ W1.T)[0]


# ---------------------------------------------------------------- 13.soft_targets

def st_times_T(logits, T):
    return _softmax_rows(logits * T)


def st_no_renormalisation(logits, T):
    return _softmax_rows(logits) ** (1 / T)


def st_overflow(logits, T):
    e = np.exp(logits / T)
    return e / e.sum(axis=1, keepdims=True)


def st_global_max(logits, T):
    z = logits / T
    e = np.exp(z - z.max())
    return e / e.sum(axis=1, keepdims=True)


def st_columns(logits, T):
    z = logits / T
    e = np.exp(z - z.max(axis=0))
    return e / e.sum(axis=0)


def st_T_ignored(logits, T):
    return _softmax_rows(logits)


def st_in_place(logits, T):
    logits /= T
    return _softmax_rows(logits)


def st_whole_sum(logits, T):
    z = logits / T
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum()


def st_divided_after(logits, T):
    return _softmax_rows(logits) / T


def st_log_probabilities(logits, T):
    z = logits / T
    return z - np.logaddexp.reduce(z, axis=1, keepdims=True)


def st_right(logits, T):
    e = np.exp((logits - logits.max(axis=1, keepdims=True)) / T)
    return e / np.sum(e, axis=1)[:, None]


# ---------------------------------------------------------------- 13.distillation_loss

def _distill(zs, zt, T, student_T=True, factor=1.0, kl=False, sign=1.0, log=None, mean="rows", global_max=False):
    p = _softmax_rows(zt / T)
    s = zs / T if student_T else zs
    if global_max:
        s = s - s.max()
        log_q = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    elif log is None:
        log_q = s - np.logaddexp.reduce(s, axis=1, keepdims=True)
    else:
        log_q = log(s)
    terms = p * log_q - (p * np.log(p) if kl else 0)
    k = len(zs) if mean == "rows" else zs.size
    loss = -np.sum(terms) / k
    return loss, sign * factor * (np.exp(log_q) - p) / (k * (T if student_T else 1))


def di_no_one_over_T(z_student, z_teacher, T):
    return _distill(z_student, z_teacher, T, factor=T)


def di_student_not_divided(z_student, z_teacher, T):
    return _distill(z_student, z_teacher, T, student_T=False)


def di_T_squared(z_student, z_teacher, T):
    loss, grad = _distill(z_student, z_teacher, T)
    return T**2 * loss, T**2 * grad


def di_kl(z_student, z_teacher, T):
    return _distill(z_student, z_teacher, T, kl=True)


def di_swapped(z_student, z_teacher, T):
    return _distill(z_teacher, z_student, T)


def di_uphill(z_student, z_teacher, T):
    return _distill(z_student, z_teacher, T, sign=-1.0)


def di_overflow(z_student, z_teacher, T):
    return _distill(z_student, z_teacher, T, log=lambda s: np.log(np.exp(s) / np.exp(s).sum(axis=1, keepdims=True)))


def di_global_max(z_student, z_teacher, T):
    return _distill(z_student, z_teacher, T, global_max=True)


def di_mean_of_entries(z_student, z_teacher, T):
    return _distill(z_student, z_teacher, T, mean="entries")


def di_in_place(z_student, z_teacher, T):
    z_student /= T
    return _distill(z_student * T, z_teacher, T)


def di_hard_teacher(z_student, z_teacher, T):
    Y = np.eye(z_teacher.shape[1])[z_teacher.argmax(axis=1)]
    s = z_student / T
    log_q = s - np.logaddexp.reduce(s, axis=1, keepdims=True)
    return -np.sum(Y * log_q) / len(s), (np.exp(log_q) - Y) / (len(s) * T)


def di_right(z_student, z_teacher, T):
    n = z_student.shape[0]
    lt = z_teacher / T - np.logaddexp.reduce(z_teacher / T, axis=1, keepdims=True)
    ls = z_student / T - np.logaddexp.reduce(z_student / T, axis=1, keepdims=True)
    p = np.exp(lt)
    return float(-np.einsum("nk,nk->", p, ls) / n), (np.exp(ls) - p) / n / T


# ---------------------------------------------------------------- 13.quantize

def _quant(W, bits, levels=None, scale=None, rounding=np.round, dequantise=True):
    levels = 2 ** (bits - 1) - 1 if levels is None else levels
    scale = np.abs(W).max() / levels if scale is None else scale
    q = rounding(W / scale)
    return q, scale, q * scale if dequantise else q


def qu_truncated(W, bits):
    return _quant(W, bits, rounding=np.trunc)


def qu_all_codes(W, bits):
    return _quant(W, bits, levels=2**bits - 1)


def qu_max_not_abs(W, bits):
    return _quant(W, bits, scale=W.max() / (2 ** (bits - 1) - 1))


def qu_not_dequantised(W, bits):
    return _quant(W, bits, dequantise=False)


def qu_no_minus_one(W, bits):
    return _quant(W, bits, levels=2 ** (bits - 1))


def qu_scale_inverted(W, bits):
    levels = 2 ** (bits - 1) - 1
    scale = levels / np.abs(W).max()
    q = np.round(W * scale)
    return q, scale, q / scale


def qu_not_rounded(W, bits):
    return _quant(W, bits, rounding=lambda v: v)


def qu_floor(W, bits):
    return _quant(W, bits, rounding=np.floor)


def qu_bits_as_levels(W, bits):
    return _quant(W, bits, levels=bits)


def qu_in_place(W, bits):
    scale = np.abs(W).max() / (2 ** (bits - 1) - 1)
    W /= scale
    q = np.round(W)
    return q, scale, q * scale


def qu_right(W, bits):
    """Round half away from zero, integer codes."""
    scale = float(np.max(np.abs(W))) / (2 ** (int(bits) - 1) - 1)
    r = W / scale
    q = (np.sign(r) * np.floor(np.abs(r) + 0.5)).astype(np.int32)
    return q, scale, q * scale


WRONG = {
    "07.forward": [fw_no_tanh, fw_no_sigmoid, fw_flat, fw_sigmoid_hidden, fw_relu_hidden, fw_bias_after_tanh,
                   fw_W1_transposed, fw_unstable, fw_no_b2, fw_tanh_output],
    "08.glorot_uniform": [gl_fan_in_only, gl_normal, gl_not_centred, gl_global_rng, gl_transposed, gl_own_seed,
                          gl_limit_sqrt3, gl_limit_no_sqrt, gl_fan_out_only],
    "08.he_normal": [he_fan_average, he_lecun, he_uniform, he_global_rng, he_own_seed, he_fan_out, he_variance_as_std,
                     he_truncated_not_rescaled, he_transposed],
    "09.softmax_ce": [sc_no_max, sc_global_max, sc_no_n, sc_summed, sc_mean_of_entries, sc_uphill, sc_columns,
                      sc_log10, sc_eps_in_log, sc_in_place, sc_no_Y_in_gradient],
    "09.train_softmax": [ts_generator_each_epoch, ts_one_permutation, ts_drop_last, ts_no_shuffle, ts_seed_ignored,
                         ts_global_rng, ts_permutation_per_batch, ts_averaged_twice, ts_divided_by_n, ts_last_by_B,
                         ts_no_bias, ts_bias_mean, ts_uphill, ts_one_step_per_epoch, ts_stale, ts_array_split],
    "10.dropout_forward": [do_no_scale, do_times_keep, do_by_rate, do_inverted_mask, do_in_place, do_own_mask,
                           do_measured_rate, do_dropped_kept, do_mask_ignored],
    "10.l2_penalty": [l2_half, l2_no_two, l2_l1, l2_unsummed, l2_mean, l2_norm, l2_grad_without_l2, l2_square_of_sum,
                      l2_in_place, l2_per_column],
    "11.conv2d": [cv_flipped, cv_short_range, cv_square_kernel, cv_transposed, cv_matmul, cv_sums, cv_swapped_window,
                  cv_strided, cv_same, cv_last_row_missing, cv_last_column_missing],
    "11.maxpool_backward": [mp_all_four, mp_average, mp_to_minimum, mp_every_tie, mp_column_major, mp_last_tie,
                            mp_stride_one, mp_top_left, mp_largest_size, mp_in_place],
    "12.saliency": [sa_no_slope, sa_relu_mask, sa_every_class, sa_W1_transposed, sa_h_as_slope, sa_one_minus_h,
                    sa_row_c, sa_no_b1, sa_row_vector, sa_uphill, sa_probability],
    "13.soft_targets": [st_times_T, st_no_renormalisation, st_overflow, st_global_max, st_columns, st_T_ignored,
                        st_in_place, st_whole_sum, st_divided_after, st_log_probabilities],
    "13.distillation_loss": [di_no_one_over_T, di_student_not_divided, di_T_squared, di_kl, di_swapped, di_uphill,
                             di_overflow, di_global_max, di_mean_of_entries, di_in_place, di_hard_teacher],
    "13.quantize": [qu_truncated, qu_all_codes, qu_max_not_abs, qu_not_dequantised, qu_no_minus_one,
                    qu_scale_inverted, qu_not_rounded, qu_floor, qu_bits_as_levels, qu_in_place],
}
RIGHT = {"07.forward": fw_right, "08.glorot_uniform": gl_right, "08.he_normal": he_right, "09.softmax_ce": sc_right,
         "09.train_softmax": ts_right, "10.dropout_forward": do_right, "10.l2_penalty": l2_right,
         "11.conv2d": cv_right, "11.maxpool_backward": mp_right, "12.saliency": sa_right,
         "13.soft_targets": st_right, "13.distillation_loss": di_right, "13.quantize": qu_right}


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

    def __neg__(self):
        return _Tensor(-self.value, ((self, lambda g: -g),))

    def __mul__(self, other):
        other = _lift(other)
        return _Tensor(self.value * other.value, ((self, lambda g: g * other.value), (other, lambda g: g * self.value)))

    __rmul__ = __mul__

    def __truediv__(self, k):
        return self * (1.0 / float(k))

    def __matmul__(self, other):
        other = _lift(other)
        return _Tensor(self.value @ other.value, ((self, lambda g: g @ other.value.T),
                                                  (other, lambda g: self.value.T @ g)))

    def __rmatmul__(self, other):
        return _lift(other) @ self

    def __getitem__(self, key):
        def back(g):
            out = np.zeros_like(self.value)
            out[key] = g
            return out
        return _Tensor(self.value[key], ((self, back),))


class _Variable(_Tensor):
    pass


def _lift(x):
    return x if isinstance(x, _Tensor) else _Tensor(x)


def _rows_softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _softmax_ce_logits(*, labels, logits):
    y, z = _lift(labels), _lift(logits)
    log_p = z.value - z.value.max(axis=-1, keepdims=True)
    log_p = log_p - np.log(np.exp(log_p).sum(axis=-1, keepdims=True))
    value = -np.sum(y.value * log_p, axis=-1)
    return _Tensor(value, ((z, lambda g: g[..., None] * (_rows_softmax(z.value) - y.value)),))


def _reduce(x, mean):
    x = _lift(x)
    k = x.value.size if mean else 1
    return _Tensor(x.value.sum() / k, ((x, lambda g: np.full(x.value.shape, g / k)),))


def _conv2d(x, k, strides=1, padding="VALID"):
    assert strides == 1 and padding == "VALID"
    x, k = _lift(x).value, _lift(k).value
    (_, H, W, _), (kh, kw, _, _) = x.shape, k.shape
    out = np.zeros((1, H - kh + 1, W - kw + 1, 1))
    for i in range(H - kh + 1):
        for j in range(W - kw + 1):
            out[0, i, j, 0] = np.sum(x[0, i:i + kh, j:j + kw, 0] * k[:, :, 0, 0])
    return _Tensor(out)


class _Tape:
    def __init__(self):
        self.watched = set()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def watch(self, x):
        self.watched.add(id(x))

    def gradient(self, target, source):
        order, seen = [], set()

        def visit(t):
            if id(t) not in seen:
                seen.add(id(t))
                for parent, _ in t.parents:
                    visit(parent)
                order.append(t)

        visit(target)
        grads = {id(target): np.ones_like(target.value)}
        for t in reversed(order):
            for parent, back in t.parents:
                g = back(grads.get(id(t), np.zeros_like(t.value)))
                while np.ndim(g) > parent.value.ndim:  # broadcast: summed back to the parent's shape
                    g = g.sum(axis=0)
                grads[id(parent)] = grads.get(id(parent), 0.0) + g
        assert isinstance(source, _Variable) or id(source) in self.watched
        return _Tensor(grads.get(id(source), np.zeros_like(source.value)))


class _Dense:
    def __init__(self, units, activation=None, dtype=None):
        self.units, self.activation, self.dtype = units, activation, dtype

    def __call__(self, X):
        z = _lift(X).value @ self.kernel + self.bias
        return _Tensor({"tanh": np.tanh, "sigmoid": lambda v: 1 / (1 + np.exp(-v))}[self.activation](z))


class _Sequential:
    def __init__(self, layers):
        assert layers[0][0] == "input" and layers[0][2] == "float64"
        self.layers = layers[1:]
        assert all(layer.dtype == "float64" for layer in self.layers)

    def set_weights(self, weights):
        n_in = self.input_width = 2
        for layer, (kernel, bias) in zip(self.layers, zip(weights[::2], weights[1::2])):
            assert np.shape(kernel) == (n_in, layer.units) and np.shape(bias) == (layer.units,)
            layer.kernel, layer.bias, n_in = np.array(kernel, dtype=float), np.array(bias, dtype=float), layer.units

    def __call__(self, X):
        for layer in self.layers:
            X = layer(X)
        return X


class _MaxPooling2D:
    def __init__(self, pool_size, dtype=None):
        assert pool_size == 2 and dtype == "float64"

    def __call__(self, x):
        x = _lift(x)
        _, H, W, _ = x.value.shape
        win = x.value[0, :, :, 0].reshape(H // 2, 2, W // 2, 2).transpose(0, 2, 1, 3).reshape(H // 2, W // 2, 4)
        first = win.argmax(axis=2)  # the first maximum in reading order

        def back(g):
            hot = np.eye(4)[first] * g[0, :, :, 0][:, :, None]
            return hot.reshape(H // 2, W // 2, 2, 2).transpose(0, 2, 1, 3).reshape(1, H, W, 1)

        return _Tensor(win.max(axis=2)[None, :, :, None], ((x, back),))


class _L2:
    def __init__(self, l2):
        self.l2 = l2

    def __call__(self, W):
        return _Tensor(self.l2 * np.sum(W.value**2), ((W, lambda g: g * 2 * self.l2 * W.value),))


def _stand_ins(off=0.0):
    """(tensorflow, keras) stand-ins; off: every value read out of them is (1 + off) times the true one."""
    class Off(_Tensor):
        def numpy(self):
            return super().numpy() * (1 + off)

        def __float__(self):
            return super().__float__() * (1 + off)

    def read_out(fn):
        return lambda *args, **kwargs: Off(fn(*args, **kwargs).value)

    def tape_gradient(tape, target, source):
        return Off(_Tape.gradient(tape, target, source).value)

    def reduce_mean(x):
        t = _reduce(x, True)
        return type("OffScalar", (Off,), {})(t.value, t.parents)

    tape = type("GradientTape", (_Tape,), {"gradient": tape_gradient})
    sequential = type("Sequential", (_Sequential,), {"__call__": lambda self, X: Off(_Sequential.__call__(self, X).value)})
    tf = types.SimpleNamespace(
        constant=lambda value: _Tensor(value), Variable=_Variable, GradientTape=tape,
        tanh=lambda x: _Tensor(np.tanh(_lift(x).value), ((_lift(x), lambda g, v=_lift(x).value: g / np.cosh(v) ** 2),)),
        reduce_mean=reduce_mean, reduce_sum=lambda x: _reduce(x, False),
        nn=types.SimpleNamespace(softmax_cross_entropy_with_logits=_softmax_ce_logits, conv2d=read_out(_conv2d),
                                 softmax=lambda z: Off(_rows_softmax(
                                     z.value if isinstance(z, _Tensor) else np.asarray(z, dtype=float)))))
    keras = types.SimpleNamespace(Sequential=sequential, Input=lambda shape, dtype=None: ("input", shape, dtype),
                                  layers=types.SimpleNamespace(Dense=_Dense, MaxPooling2D=_MaxPooling2D),
                                  regularizers=types.SimpleNamespace(L2=lambda l2: (lambda W: type(
                                      "OffPenalty", (Off,), {})(_L2(l2)(W).value, _L2(l2)(W).parents))))
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


MINE = sorted(n for n in CODE_EXERCISES if "07" <= n[:2] <= "13")
WRONG_CASES = [(name, fn) for name, wrongs in WRONG.items() for fn in wrongs]


def test_every_code_exercise_of_lessons_07_to_13_has_five_wrong_answers_and_an_alternative():
    assert sorted(WRONG) == sorted(RIGHT) == MINE
    assert all(len(set(wrongs)) >= 5 for wrongs in WRONG.values())
    assert all(RIGHT[n] is not solutions.CODE[n] for n in MINE)
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


@pytest.mark.parametrize("name", MINE)
def test_the_alternative_and_the_instructors_answers_pass_the_cases(name):
    ex = _without_twin(name)
    for seed in range(4):
        for fn in (RIGHT[name], solutions.CODE[name]):
            ok, message, attempted = run(ex, fn, seed)
            assert (ok, attempted) == (True, True), message
            assert message == PASSED_SAYS[name] or name.startswith("08.") and message.startswith("Variance"), message


@pytest.mark.parametrize("name", MINE)
def test_the_alternative_answer_passes_with_real_tensorflow(name, capsys):
    import tensorflow  # noqa: F401  (a hard dependency: fail, never skip)
    assert check(name, RIGHT[name]) is True
    assert capsys.readouterr().out.startswith("Correct! " + PASSED_SAYS[name])


def _digest(values) -> float:
    """One number that changes when any value, its position or the order of the values changes."""
    total = 0.0
    for k, value in enumerate(values):
        a = np.asarray(value, dtype=float).ravel()
        a = np.where(np.isfinite(a), a, 7.0)
        total += (k + 1) * float(np.sum(a * np.cos(0.7 * np.arange(a.size) + 0.3 * k)))
    return total


CASE_NAMES = [n for n in MINE if not n.startswith("08.")]  # 08's answers are random: checked by their statistics


@pytest.mark.parametrize("name", CASE_NAMES)
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
    ("07.forward", "saturated units", fw_unstable),
    ("07.forward", "X and W1 both 2 x 2", fw_W1_transposed),
    ("09.softmax_ce", "rows of very different scale", sc_global_max),
    ("09.softmax_ce", "logits of size 1000", sc_no_max),
    ("09.softmax_ce", "a confident mistake", sc_eps_in_log),
    ("09.train_softmax", "a new order every epoch", ts_one_permutation),
    ("09.train_softmax", "a new order every epoch", ts_generator_each_epoch),
    ("09.train_softmax", "a new order every epoch", ts_drop_last),
    ("09.train_softmax", "a new order every epoch", ts_array_split),
    ("09.train_softmax", "the last batch holds one sample", ts_last_by_B),
    ("09.train_softmax", "batch_size = 1", ts_permutation_per_batch),
    ("09.train_softmax", "one epoch of one full batch", ts_bias_mean),
    ("10.dropout_forward", "the scale comes from the rate", do_measured_rate),
    ("10.dropout_forward", "x of 3 dimensions", do_by_rate),
    ("10.l2_penalty", "the exercise's W", l2_mean),
    ("11.conv2d", "a scaled copy", cv_short_range),
    ("11.conv2d", "the kernel covers the image", cv_short_range),
    ("11.conv2d", "4x7 image, 3x2 kernel", cv_square_kernel),
    ("11.conv2d", "2x8 image, 2x5 kernel", cv_swapped_window),
    ("11.maxpool_backward", "tied maxima", mp_every_tie),
    ("11.maxpool_backward", "tied maxima", mp_column_major),
    ("11.maxpool_backward", "tied maxima", mp_last_tie),
    ("11.maxpool_backward", "every value negative", mp_largest_size),
    ("12.saliency", "W2 is square", sa_row_c),
    ("12.saliency", "two saturated hidden units", sa_h_as_slope),
    ("12.saliency", "W2 is square", sa_every_class),
    ("11.conv2d", "4x7 image, 3x2 kernel", cv_last_row_missing),
    ("11.conv2d", "4x7 image, 3x2 kernel", cv_last_column_missing),
    ("11.conv2d", "5x5 image, 3x3 kernel", cv_transposed),
    ("13.soft_targets", "rows of very different scale", st_global_max),
    ("13.soft_targets", "logits of size 1600", st_overflow),
    ("13.distillation_loss", "rows of very different scale", di_global_max),
    ("13.distillation_loss", "logits of size 900", di_overflow),
    ("13.quantize", "the largest |W| is a negative weight", qu_max_not_abs),
    ("13.quantize", "2 bits: levels -1, 0, 1", qu_truncated),
]


@pytest.mark.parametrize("name,note,wrong", EDGE, ids=[f"{n}-{w.__name__}" for n, _, w in EDGE])
def test_each_edge_case_on_its_own_separates_right_from_almost_right(name, note, wrong):
    ex = CODE_EXERCISES[name]
    picked = [case for case in ex.make_cases(np.random.default_rng(0)) if note in case.note]
    assert len(picked) == 1
    alone = dataclasses.replace(ex, make_cases=lambda rng: picked, twin=None, extra=None)
    ok, message, _ = run(alone, wrong)
    assert not ok and (note in message or message.startswith(f"Your {ex.func_name}() raised "))
    assert message.splitlines()[-1].strip() == EDGE_SAYS[f"{name}-{wrong.__name__}: {note}"]
    assert run(alone, RIGHT[name])[0] and run(alone, solutions.CODE[name])[0]


# What a diagnosis may say of any answer it is true of: a property of the output, not a named mistake.
FACTS = {"07.forward": "some of your outputs lie outside [0, 1]: they are not probabilities.",
         "13.soft_targets": "your rows do not sum to 1: they are not probabilities."}


def test_a_diagnosis_is_never_a_guess(quiet):
    """A named mistake is said only where the answer equals that mistake's result and that result is wrong:
    the right result, or an answer that fits no named mistake, gets no diagnosis (at most a property of the
    output that holds)."""
    for name in CASE_NAMES:
        ex = CODE_EXERCISES[name]
        for case in ex.make_cases(np.random.default_rng(0)):
            expected = ex.reference(**case.args)
            assert ex.diagnose(case.args, expected, expected) is None, name
            for noise in ((tuple(np.asarray(e) + 0.37 for e in expected) if isinstance(expected, tuple)
                           else np.asarray(expected) + 0.37),
                          (tuple(0.83 * np.asarray(e) + 0.01 for e in expected) if isinstance(expected, tuple)
                           else 0.83 * np.asarray(expected) + 0.01)):
                assert ex.diagnose(case.args, expected, noise) in (None, FACTS.get(name)), name
            assert ex.diagnose(case.args, expected, None) is None, name


def test_the_maxpool_reference_sends_a_tie_to_the_first_maximum_in_reading_order():
    """The rule the exercise states (and Keras follows), written out for the tie case's four windows."""
    ex = CODE_EXERCISES["11.maxpool_backward"]
    case = next(c for c in ex.make_cases(np.random.default_rng(0)) if "tied" in c.note)
    assert np.array_equal(ex.reference(**case.args), [[1.0, 0, 0, 2], [0, 0, 0, 0], [3, 0, 0, 4], [0, 0, 0, 0]])


def test_the_training_loop_cases_have_real_mini_batches():
    """The review's finding: every exact case was one full batch, so order, shuffling and the last batch never
    mattered. Now most cases run several epochs of batches smaller than n, some with a smaller last batch."""
    cases = CODE_EXERCISES["09.train_softmax"].make_cases(np.random.default_rng(0))
    sizes = [(len(c.args["X"]), c.args["batch_size"], c.args["epochs"]) for c in cases]
    assert sum(B < n and epochs > 1 for n, B, epochs in sizes) >= 4
    assert sum(n % B != 0 for n, B, _ in sizes) >= 3 and any(B == 1 for _, B, _ in sizes)
    assert len({c.args["seed"] for c in cases}) == len(cases) and 0 not in {c.args["seed"] for c in cases}
    assert not any("order does not matter" in c.note for c in cases)


def _says(check_fn, answer, message):
    with pytest.raises(Mismatch) as refused:
        check_fn(answer)
    assert str(refused.value) == message


def test_the_digits_run_refuses_an_order_that_ignores_the_seed():
    from dlteach.exercises import lesson_09

    _says(lesson_09._train_softmax_digits, ts_seed_ignored,
          "seed 0 and seed 1 gave the same weights with batches of 8: the batches are not shuffled by the seed.")
    _says(lesson_09._train_softmax_digits, lambda **a: ts_right(**{**a, "seed": np.random.randint(1000)}),
          "Two runs with the same seed gave different weights: your order of the samples does not come from `seed` "
          "alone.")
    _says(lesson_09._train_softmax_digits, lambda **a: ts_right(**{**a, "learning_rate": 1e-3}),
          "Trained on the 1,437 training digits (learning rate 0.5, 20 epochs, batches of 32) your weights reach 0.775 "
          "test accuracy; a correct loop with these settings does better.")
    assert lesson_09._train_softmax_digits(ts_right) == PASSED_SAYS["09.train_softmax"].split("passed. ")[1]


def _draws_shifted(fn, k):
    def shifted(n_in, n_out, rng):
        rng.random(k)  # other draws than the reference's: the statistics must not depend on which ones
        return fn(n_in, n_out, rng)
    return shifted


@pytest.mark.parametrize("name", ["08.glorot_uniform", "08.he_normal"])
def test_a_right_initialiser_passes_whichever_draws_it_uses(name):
    """The variance and shape tests allow for the sampling error of a right answer: 40 right answers that draw
    other numbers (and Keras's truncated normal, rescaled, for He) all pass."""
    for fn in (RIGHT[name], solutions.CODE[name]):
        for k in range(1, 41):
            ok, message, _ = run(CODE_EXERCISES[name], _draws_shifted(fn, k))
            assert ok, (k, message)


def test_the_initialiser_checks_name_the_property_that_fails():
    from dlteach.exercises import lesson_08

    assert lesson_08._glorot_checks(RIGHT["08.glorot_uniform"]) == PASSED_SAYS["08.glorot_uniform"]
    assert lesson_08._he_checks(RIGHT["08.he_normal"]) == PASSED_SAYS["08.he_normal"]
    with pytest.raises(NotAttempted, match=r"^glorot_uniform\(\) returned None"):
        lesson_08._glorot_checks(lambda n_in, n_out, rng: None)
    with pytest.raises(NotAttempted, match=r"^he_normal\(\) returned None"):
        lesson_08._he_checks(lambda n_in, n_out, rng: None)
    with pytest.raises(Mismatch, match=r"should return an array of shape \(3, 2\) .*, got list"):
        lesson_08._glorot_checks(lambda n_in, n_out, rng: [[0.0] * n_out] * n_in)
    with pytest.raises(Mismatch, match=r"^he_normal\(3, 2, rng\) should return an array of shape \(3, 2\), got list"):
        lesson_08._he_checks(lambda n_in, n_out, rng: [[0.0] * n_out] * n_in)
    with pytest.raises(Mismatch, match=r"^The weights' mean is 0\.01\d\d, not 0\.$"):
        lesson_08._he_checks(lambda n_in, n_out, rng: he_right(n_in, n_out, rng) + 0.01)
    with pytest.raises(Mismatch, match=r"^The weights' mean is -0\.0050, not 0: they are not centred on 0\.$"):
        lesson_08._glorot_checks(lambda n_in, n_out, rng: gl_right(n_in, n_out, rng) * 0.9 - 0.005)
    _says(lesson_08._glorot_checks, _bump(gl_right), "52% of the weights lie within limit/2 of 0; a uniform "
          "distribution puts 50 % there (a normal one with the same variance 62 %): yours are not uniform.")
    _says(lesson_08._he_checks, he_uniform, "Only 58% of the weights lie within one standard deviation of 0; a normal "
          "distribution puts 68 % there (a uniform one 58 %): yours are not normal.")
    _says(lesson_08._glorot_checks, _one_outside(gl_right),
          "Some weights lie outside [-limit, limit] with limit = sqrt(6 / (n_in + n_out)) = 0.0866 for (300, 500): "
          "the largest |w| is 0.0875.")


def _one_outside(fn):
    def one_outside(n_in, n_out, rng):
        W = fn(n_in, n_out, rng)
        W.flat[0] = -1.01 * np.sqrt(6 / (n_in + n_out))
        return W
    return one_outside


def _bump(fn):
    """Not uniform, with the right bound, mean and variance: 8 % of the weights set to 0 and 4 % to +-limit
    (the variance limit²/3 stays: 8 % x 1/3 = 4 % x (1 - 1/3)), which puts 52 % within limit/2."""
    def bumped(n_in, n_out, rng):
        W = fn(n_in, n_out, rng)
        limit = np.sqrt(6 / (n_in + n_out))
        k = W.size // 25
        W.flat[:2 * k] = 0.0
        W.flat[2 * k:3 * k] = limit * np.sign(W.flat[2 * k:3 * k])
        return W
    return bumped


def test_keyword_names_and_a_sum_that_is_not_summed_are_said_plainly(capsys):
    def conv2d(img, k):
        return img

    assert check("11.conv2d", conv2d) is False
    out = capsys.readouterr().out
    assert "unexpected keyword argument 'image'\n  The checker passes the inputs by name: keep the parameter names " \
           "of the stub, conv2d(image, kernel).\n" in out
    assert check("10.l2_penalty", l2_unsummed) is False
    assert "the penalty adds up the squares of all the weights into one sum, times l2." in capsys.readouterr().out
    assert "mean" not in SAYS["l2_unsummed"][0]


# ---------------------------------------------------------------- the twins, with the stand-in

# Every twin of lessons 07-13 asks for agreement to 1e-12 (relative); the stand-in off by 4e-12 gives about
# twice that, off by 5e-13 a quarter.
TWIN_OFF = 4e-12
TWINNED = [n for n in MINE if CODE_EXERCISES[n].twin is not None]


@pytest.fixture
def stand_in(monkeypatch):
    """Put the NumPy stand-ins in place of tensorflow and keras; stand_in(off) makes them off by `off`."""
    def install(off=0.0):
        tf, keras = _stand_ins(off)
        monkeypatch.setitem(sys.modules, "tensorflow", tf)
        monkeypatch.setitem(sys.modules, "keras", keras)
    install()
    return install


@pytest.mark.parametrize("name", TWINNED)
def test_the_twin_agrees_with_a_numpy_stand_in_and_refuses_one_that_is_off(name, stand_in, capsys):
    """Right answers pass with the stand-in (and with one off by an eighth of the limit); one off by the
    limit fails, with the twin's own message."""
    agrees, off_a_little, refuses = TWIN_SAYS[name]
    assert check(name, solutions.CODE[name]) is True
    assert capsys.readouterr().out == f"Correct! {PASSED_SAYS[name]} {agrees}\n"
    stand_in(TWIN_OFF / 8)
    assert check(name, RIGHT[name]) is True
    assert capsys.readouterr().out == f"Correct! {PASSED_SAYS[name]} {off_a_little}\n"
    stand_in(TWIN_OFF)
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
    for name in TWINNED:
        seen.clear()
        assert run(CODE_EXERCISES[name], solutions.CODE[name])[0]
        digests[name] = round(_digest(seen), 6)
    assert digests == pytest.approx(TWIN_INPUTS, rel=1e-9)


def _finite_on_the_cases_only(name, fn):
    """fn on the checker's cases, and NaN on the twin's inputs (which no case has)."""
    cases = CODE_EXERCISES[name].make_cases(np.random.default_rng(0))
    known = [c.args for c in cases]

    def answer(**args):
        out = fn(**args)
        if any(all(np.array_equal(args[k], a[k]) for k in args) for a in known):
            return out
        return tuple(np.asarray(o) * np.nan for o in out) if isinstance(out, tuple) else np.asarray(out) * np.nan
    return answer


@pytest.mark.parametrize("name", TWINNED)
def test_a_twin_refuses_nan_on_its_own_inputs(name, stand_in, capsys):
    """NaN on the twin's inputs is refused (rel_error reads NaN as agreement), and nothing reaches stderr."""
    assert check(name, _finite_on_the_cases_only(name, solutions.CODE[name])) is False
    out, err = capsys.readouterr()
    assert out.splitlines()[0].startswith("Not yet. Your result agrees with the cases but holds NaN or inf on the "
                                          "inputs compared with ") and err == ""


def test_the_softmax_twins_refuse_the_global_maximum_too(stand_in, capsys):
    """The twins' inputs have rows of very different scale as well (a row of 900 among rows of a few units)."""
    ex = CODE_EXERCISES["09.softmax_ce"]
    alone = dataclasses.replace(ex, make_cases=lambda rng: ex.make_cases(rng)[:6])  # without the large logits
    ok, message, _ = run(alone, sc_global_max)
    assert not ok and message.startswith("Your result agrees with the cases but holds NaN or inf")


# ---------------------------------------------------------------- pinned (seed 0)

EDGE_SAYS = {'07.forward-fw_W1_transposed: X and W1 both 2 x 2': 'largest difference 0.0105 at index (1, 0)',
 '07.forward-fw_unstable: saturated units': '[300.]]   (shape (3, 1)), b2 = [-1.]   (shape (1,))',
 '09.softmax_ce-sc_eps_in_log: a confident mistake': 'Right in this case: `dL_dz`; not right: `loss`.',
 '09.softmax_ce-sc_global_max: rows of very different scale': '[0. 1.]]   (shape (2, 2))',
 '09.softmax_ce-sc_no_max: logits of size 1000': '[0. 0. 1.]]   (shape (2, 3))',
 '09.train_softmax-ts_array_split: a new order every epoch': 'None of `W`, `b` is right in this case.',
 '09.train_softmax-ts_bias_mean: one epoch of one full batch': 'Every entry of your b is 0.1667 times the expected '
                                                               'one.',
 '09.train_softmax-ts_drop_last: a new order every epoch': 'Your W and b are what a loop gives that leaves out the '
                                                           'last, smaller batch of each epoch (here 2 of the 10 '
                                                           'samples).',
 '09.train_softmax-ts_generator_each_epoch: a new order every epoch': 'Your W and b are what visiting the samples '
                                                                      'in the same order in all 3 epochs gives; '
                                                                      'the exercise visits them in a new order '
                                                                      'every epoch, drawn from one generator.',
 '09.train_softmax-ts_last_by_B: the last batch holds one sample': 'None of `W`, `b` is right in this case.',
 '09.train_softmax-ts_one_permutation: a new order every epoch': 'Your W and b are what visiting the samples in '
                                                                 'the same order in all 3 epochs gives; the '
                                                                 'exercise visits them in a new order every epoch, '
                                                                 'drawn from one generator.',
 '09.train_softmax-ts_permutation_per_batch: batch_size = 1': 'None of `W`, `b` is right in this case.',
 '10.dropout_forward-do_by_rate: x of 3 dimensions': 'Every entry of your result is 2.333 times the expected one.',
 '10.dropout_forward-do_measured_rate: the scale comes from the rate': 'Your kept units are scaled by 1 / 0.875, '
                                                                       'the fraction this mask keeps; the scale '
                                                                       'comes from the rate: 1 - rate = 0.5 is the '
                                                                       'fraction kept on average.',
 "10.l2_penalty-l2_mean: the exercise's W": "Your penalty is half the expected one (and Keras's L2 penalty has no "
                                            '1/2); or it is the mean over the 2 weights, not their sum.',
 '11.conv2d-cv_last_column_missing: 4x7 image, 3x2 kernel': 'Your map is right except its last column, which is '
                                                            'all zeros: the last window position is missing.',
 '11.conv2d-cv_last_row_missing: 4x7 image, 3x2 kernel': 'Your map is right except its last row, which is all '
                                                         'zeros: the last window position is missing.',
 '11.conv2d-cv_short_range: a scaled copy': 'Your map is right where it is not 0, but 11 of its 36 entries are 0.',
 '11.conv2d-cv_short_range: the kernel covers the image': 'Your result is all zeros.',
 '11.conv2d-cv_square_kernel: 4x7 image, 3x2 kernel': 'The shapes do not fit together; the inputs have shapes '
                                                      'image (4, 7), kernel (3, 2).',
 '11.conv2d-cv_swapped_window: 2x8 image, 2x5 kernel': 'The shapes do not fit together; the inputs have shapes '
                                                       'image (2, 8), kernel (2, 5).',
 '11.conv2d-cv_transposed: 5x5 image, 3x3 kernel': 'Your map is the expected one transposed: its rows are the '
                                                   'expected columns.',
 '11.maxpool_backward-mp_column_major: tied maxima': 'In the 2 window(s) with tied maxima your dx gives '
                                                     'grad_out[i, j] to another of the maxima, or to several: only '
                                                     'the first in reading order gets it, the others 0.',
 '11.maxpool_backward-mp_every_tie: tied maxima': 'In the 4 window(s) with tied maxima your dx gives grad_out[i, '
                                                  'j] to another of the maxima, or to several: only the first in '
                                                  'reading order gets it, the others 0.',
 '11.maxpool_backward-mp_largest_size: every value negative': "Your dx sends grad_out[i, j] to each window's "
                                                              'minimum, not to its maximum.',
 '11.maxpool_backward-mp_last_tie: tied maxima': 'In the 4 window(s) with tied maxima your dx gives grad_out[i, j] '
                                                 'to another of the maxima, or to several: only the first in '
                                                 'reading order gets it, the others 0.',
 '12.saliency-sa_every_class: W2 is square': 'Your result is the saliency of the sum of all the logits, not of '
                                             'z_c.',
 '12.saliency-sa_h_as_slope: two saturated hidden units': 'Your result weights each hidden unit by h itself, the '
                                                          "tanh's value, where tanh's slope 1 - h² belongs.",
 '12.saliency-sa_row_c: W2 is square': 'Your result uses row c of W2; the logit z_c is made by its column c.',
 '13.distillation_loss-di_global_max: rows of very different scale': '[-1000. -1001.  -999.]]   (shape (2, 3)), T '
                                                                     '= 2',
 '13.distillation_loss-di_overflow: logits of size 900': 'inputs: z_student = [[ 800.    0. -800.]]   (shape (1, '
                                                         '3)), z_teacher = [[  0. 900.   0.]]   (shape (1, 3)), T '
                                                         '= 2',
 '13.quantize-qu_max_not_abs: the largest |W| is a negative weight': 'Your scale is max|W| / 5; 3 bits give 2^(3 - '
                                                                     '1) - 1 = 3 levels on each side of 0.',
 '13.quantize-qu_truncated: 2 bits: levels -1, 0, 1': 'Your q is W / scale cut towards 0, not rounded to the '
                                                      'nearest level.',
 '13.soft_targets-st_global_max: rows of very different scale': '[-1600. -1601.]]   (shape (2, 2)), T = 2',
 '13.soft_targets-st_overflow: logits of size 1600': 'inputs: logits = [[ 1600.     0. -1600.]]   (shape (1, 3)), '
                                                     'T = 2'}
SAYS = {'cv_flipped': ('Your result is not right (5x5 image, 3x3 kernel).',
                'Your map is the one of the kernel flipped in both directions (the convolution of mathematics); '
                "Keras's Conv2D and this lesson do not flip it."),
 'cv_last_column_missing': ('Your result is not right (5x5 image, 3x3 kernel).',
                            'Your map is right except its last column, which is all zeros: the last window '
                            'position is missing.'),
 'cv_last_row_missing': ('Your result is not right (5x5 image, 3x3 kernel).',
                         'Your map is right except its last row, which is all zeros: the last window position is '
                         'missing.'),
 'cv_matmul': ('Your result is not right (5x5 image, 3x3 kernel).', 'largest difference 4.21 at index (0, 2)'),
 'cv_same': ('Your result has shape (5, 5), expected (3, 3).',
             'Not yet. Your result has shape (5, 5), expected (3, 3).'),
 'cv_short_range': ('Your result is not right (5x5 image, 3x3 kernel).',
                    'Your map is right where it is not 0, but 5 of its 9 entries are 0.'),
 'cv_square_kernel': ('Your conv2d() raised ValueError: operands could not be broadcast together with shapes (2,2) '
                      '(2,3) ',
                      'The shapes do not fit together; the inputs have shapes image (6, 4), kernel (2, 3).'),
 'cv_strided': ('Your result is not right (5x5 image, 3x3 kernel).',
                'Your map is right where it is not 0, but 8 of its 9 entries are 0.'),
 'cv_sums': ('Your result is not right (5x5 image, 3x3 kernel).', 'largest difference 11.2 at index (0, 2)'),
 'cv_swapped_window': ('Your result is not right (5x5 image, 3x3 kernel).',
                       'Your map is the expected one transposed: its rows are the expected columns.'),
 'cv_transposed': ('Your result is not right (5x5 image, 3x3 kernel).',
                   'Your map is the expected one transposed: its rows are the expected columns.'),
 'di_T_squared': ('`loss` is not right (T = 4.0).',
                  "Your loss is T² = 16 times the expected one: Hinton's factor belongs where the losses are "
                  'added.'),
 'di_global_max': ('`loss` contains inf (expected 200.609). Something overflowed or divided 0 by 0: look for exp '
                   'of a large number or log of 0, and rewrite that step in a stable form.',
                   '[-1000. -1001.  -999.]]   (shape (2, 3)), T = 2'),
 'di_hard_teacher': ('`loss` is not right (T = 1.0).', 'None of `loss`, `dL_dz_student` is right in this case.'),
 'di_in_place': ('distillation_loss() changed its input `z_student` in place (e.g. `z_student -= ...` or '
                 '`z_student[...] = ...`). The caller still needs the old value: build a new array instead, e.g. '
                 '`z_student_new = z_student - ...`.',
                 'Not yet. distillation_loss() changed its input `z_student` in place (e.g. `z_student -= ...` or '
                 '`z_student[...] = ...`). The caller still needs the old value: build a new array instead, e.g. '
                 '`z_student_new = z_student - ...`.'),
 'di_kl': ('`loss` is not right (T = 1.0).',
           "Your loss is the expected one minus the teacher's entropy: the KL divergence; this loss is the "
           'cross-entropy -sum p log q (the two have the same gradient).'),
 'di_mean_of_entries': ('`loss` is not right (T = 1.0).',
                        'Your loss is 3 times smaller than expected: a mean over all 4 x 3 entries, not over the '
                        'rows.'),
 'di_no_one_over_T': ('`dL_dz_student` is not right (T = 4.0).',
                      'Every entry of your dL_dz_student is T = 4 times the expected one.'),
 'di_overflow': ('`loss` contains inf (expected 400). Something overflowed or divided 0 by 0: look for exp of a '
                 'large number or log of 0, and rewrite that step in a stable form.',
                 'inputs: z_student = [[ 800.    0. -800.]]   (shape (1, 3)), z_teacher = [[  0. 900.   0.]]   '
                 '(shape (1, 3)), T = 2'),
 'di_student_not_divided': ('`loss` is not right (T = 4.0).',
                            "Your loss is what the student's logits not divided by T gives."),
 'di_swapped': ('`loss` is not right (T = 1.0).',
                "Your loss is what the student's and the teacher's logits swapped gives."),
 'di_uphill': ('`dL_dz_student` is not right (T = 1.0).',
               'Every entry of your dL_dz_student has the expected size and the opposite sign.'),
 'do_by_rate': ('Your result is not right (rate = 0.2).',
                'Every entry of your result is 4 times the expected one.'),
 'do_dropped_kept': ('Your result is not right (rate = 0.5).',
                     'Your kept units are right, but the units whose mask is 0 are not 0.'),
 'do_in_place': ('dropout_forward() changed its input `x` in place (e.g. `x -= ...` or `x[...] = ...`). The caller '
                 'still needs the old value: build a new array instead, e.g. `x_new = x - ...`.',
                 'Not yet. dropout_forward() changed its input `x` in place (e.g. `x -= ...` or `x[...] = ...`). '
                 'The caller still needs the old value: build a new array instead, e.g. `x_new = x - ...`.'),
 'do_inverted_mask': ('Your result is not right (rate = 0.5).',
                      'Your result keeps the units whose mask is 0 and zeroes the ones whose mask is 1.'),
 'do_mask_ignored': ('Your result is not right (rate = 0.5).',
                     'Your kept units are right, but the units whose mask is 0 are not 0.'),
 'do_measured_rate': ('Your result is not right (rate = 0.5).',
                      'Your kept units are scaled by 1 / 0.6, the fraction this mask keeps; the scale comes from '
                      'the rate: 1 - rate = 0.5 is the fraction kept on average.'),
 'do_no_scale': ('Your result is not right (rate = 0.5).',
                 'Every entry of your result is 0.5 times the expected one.'),
 'do_own_mask': ('Your result is not right (rate = 0.2).', 'largest difference 2.75 at index (1, 5)'),
 'do_times_keep': ('Your result is not right (rate = 0.5).',
                   'Every entry of your result is 0.25 times the expected one.'),
 'fw_W1_transposed': ('Your forward() raised ValueError: matmul: Input operand 1 has a mismatch in its core '
                      'dimension 0, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size 4 is different from 2)',
                      'The shapes do not fit together; the inputs have shapes X (5, 2), W1 (2, 4), b1 (4,), W2 (4, '
                      '1), b2 (1,).'),
 'fw_bias_after_tanh': ('Your result is not right (4 hidden neurons).',
                        'Your output equals the network whose b1 is added after the tanh instead of before it.'),
 'fw_flat': ('Your result has shape (5,), expected (5, 1). Same number of entries: a missing or extra reshape, or '
             'a transposed operand?',
             'Not yet. Your result has shape (5,), expected (5, 1). Same number of entries: a missing or extra '
             'reshape, or a transposed operand?'),
 'fw_no_b2': ('Your result is not right (4 hidden neurons).',
              'Your output equals the network without the output bias b2.'),
 'fw_no_sigmoid': ('Your result is not right (4 hidden neurons).',
                   "Your output equals the output layer's z, before its sigmoid: not a probability."),
 'fw_no_tanh': ('Your result is not right (4 hidden neurons).',
                "Your output equals the network without the hidden layer's tanh: a straight-line boundary."),
 'fw_relu_hidden': ('Your result is not right (4 hidden neurons).', 'largest difference 0.192 at index (1, 0)'),
 'fw_sigmoid_hidden': ('Your result is not right (4 hidden neurons).',
                       "Your output equals the network with a sigmoid in the hidden layer; the Playground's is "
                       'tanh.'),
 'fw_tanh_output': ('Your result is not right (4 hidden neurons).',
                    'Some of your outputs lie outside [0, 1]: they are not probabilities.'),
 'fw_unstable': ('Your result contains NaN (expected [[1.]', '[300.]]   (shape (3, 1)), b2 = [-1.]   (shape (1,))'),
 'gl_fan_in_only': ('Some weights lie outside [-limit, limit] with limit = sqrt(6 / (n_in + n_out)) = 0.0866 for '
                    '(300, 500): the largest |w| is 0.1414.',
                    'Not yet. Some weights lie outside [-limit, limit] with limit = sqrt(6 / (n_in + n_out)) = '
                    '0.0866 for (300, 500): the largest |w| is 0.1414.'),
 'gl_fan_out_only': ('Some weights lie outside [-limit, limit] with limit = sqrt(6 / (n_in + n_out)) = 0.0866 for '
                     '(300, 500): the largest |w| is 0.1095.',
                     'Not yet. Some weights lie outside [-limit, limit] with limit = sqrt(6 / (n_in + n_out)) = '
                     '0.0866 for (300, 500): the largest |w| is 0.1095.'),
 'gl_global_rng': ('Two calls with generators of the same seed gave different weights: your function does not draw '
                   'only from the `rng` it is given, so a seed cannot make training reproducible.',
                   'Not yet. Two calls with generators of the same seed gave different weights: your function does '
                   'not draw only from the `rng` it is given, so a seed cannot make training reproducible.'),
 'gl_limit_no_sqrt': ('For (300, 500) the variance should be limit²/3 = 2 / (n_in + n_out) = 0.0025; yours is '
                      '1.87e-05 (0.01 times).',
                      'Not yet. For (300, 500) the variance should be limit²/3 = 2 / (n_in + n_out) = 0.0025; '
                      'yours is 1.87e-05 (0.01 times).'),
 'gl_limit_sqrt3': ('For (300, 500) the variance should be limit²/3 = 2 / (n_in + n_out) = 0.0025; yours is '
                    '0.00125 (0.50 times).',
                    'Not yet. For (300, 500) the variance should be limit²/3 = 2 / (n_in + n_out) = 0.0025; yours '
                    'is 0.00125 (0.50 times).'),
 'gl_normal': ('Some weights lie outside [-limit, limit] with limit = sqrt(6 / (n_in + n_out)) = 0.0866 for (300, '
               '500): the largest |w| is 0.2203.',
               'Not yet. Some weights lie outside [-limit, limit] with limit = sqrt(6 / (n_in + n_out)) = 0.0866 '
               'for (300, 500): the largest |w| is 0.2203.'),
 'gl_not_centred': ("The weights' mean is 0.0433, not 0: they are not centred on 0.",
                    "Not yet. The weights' mean is 0.0433, not 0: they are not centred on 0."),
 'gl_own_seed': ('Generators with seeds 1 and 2 gave the same weights: your glorot_uniform() does not draw from '
                 'the `rng` it is given (a generator of its own, or a fixed seed, makes every layer the same).',
                 'Not yet. Generators with seeds 1 and 2 gave the same weights: your glorot_uniform() does not '
                 'draw from the `rng` it is given (a generator of its own, or a fixed seed, makes every layer the '
                 'same).'),
 'gl_transposed': ("glorot_uniform(3, 2, rng) should return an array of shape (3, 2) (Keras's layout: one row per "
                   'input), got shape (2, 3).',
                   "Not yet. glorot_uniform(3, 2, rng) should return an array of shape (3, 2) (Keras's layout: one "
                   'row per input), got shape (2, 3).'),
 'he_fan_average': ('For (500, 600) the variance should be 2 / n_in = 0.004; yours is 0.00182 (0.45 times).',
                    'Not yet. For (500, 600) the variance should be 2 / n_in = 0.004; yours is 0.00182 (0.45 '
                    'times).'),
 'he_fan_out': ('For (500, 600) the variance should be 2 / n_in = 0.004; yours is 0.00333 (0.83 times).',
                'Not yet. For (500, 600) the variance should be 2 / n_in = 0.004; yours is 0.00333 (0.83 times).'),
 'he_global_rng': ('Two calls with generators of the same seed gave different weights: your function does not draw '
                   'only from the `rng` it is given.',
                   'Not yet. Two calls with generators of the same seed gave different weights: your function does '
                   'not draw only from the `rng` it is given.'),
 'he_lecun': ('For (500, 600) the variance should be 2 / n_in = 0.004; yours is 0.002 (0.50 times).',
              'Not yet. For (500, 600) the variance should be 2 / n_in = 0.004; yours is 0.002 (0.50 times).'),
 'he_own_seed': ('Generators with seeds 1 and 2 gave the same weights: your he_normal() does not draw from the '
                 '`rng` it is given (a generator of its own, or a fixed seed, makes every layer the same).',
                 'Not yet. Generators with seeds 1 and 2 gave the same weights: your he_normal() does not draw '
                 'from the `rng` it is given (a generator of its own, or a fixed seed, makes every layer the '
                 'same).'),
 'he_transposed': ('he_normal(3, 2, rng) should return an array of shape (3, 2), got shape (2, 3).',
                   'Not yet. he_normal(3, 2, rng) should return an array of shape (3, 2), got shape (2, 3).'),
 'he_truncated_not_rescaled': ('For (500, 600) the variance should be 2 / n_in = 0.004; yours is 0.00309 (0.77 '
                               'times).',
                               'Not yet. For (500, 600) the variance should be 2 / n_in = 0.004; yours is 0.00309 '
                               '(0.77 times).'),
 'he_uniform': ('Only 58% of the weights lie within one standard deviation of 0; a normal distribution puts 68 % '
                'there (a uniform one 58 %): yours are not normal.',
                'Not yet. Only 58% of the weights lie within one standard deviation of 0; a normal distribution '
                'puts 68 % there (a uniform one 58 %): yours are not normal.'),
 'he_variance_as_std': ('For (500, 600) the variance should be 2 / n_in = 0.004; yours is 1.6e-05 (0.004 times). '
                        'That is the target variance squared: your standard deviation is the variance.',
                        'Not yet. For (500, 600) the variance should be 2 / n_in = 0.004; yours is 1.6e-05 (0.004 '
                        'times). That is the target variance squared: your standard deviation is the variance.'),
 'l2_grad_without_l2': ('`dW` is not right (W of shape (3, 4), l2 = 0.01).',
                        'Your dW is 2 W, without the factor l2 = 0.01.'),
 'l2_half': ('`penalty` is not right (W of shape (3, 4), l2 = 0.01).',
             "Your penalty is half the expected one (and Keras's L2 penalty has no 1/2)."),
 'l2_in_place': ('l2_penalty() changed its input `W` in place (e.g. `W -= ...` or `W[...] = ...`). The caller '
                 'still needs the old value: build a new array instead, e.g. `W_new = W - ...`.',
                 'Not yet. l2_penalty() changed its input `W` in place (e.g. `W -= ...` or `W[...] = ...`). The '
                 'caller still needs the old value: build a new array instead, e.g. `W_new = W - ...`.'),
 'l2_l1': ('`penalty` is not right (W of shape (3, 4), l2 = 0.01).',
           'None of `penalty`, `dW` is right in this case.'),
 'l2_mean': ('`penalty` is not right (W of shape (3, 4), l2 = 0.01).',
             'Your penalty is 12 times smaller than expected, and W has 12 entries: a mean, not the sum over the '
             'weights.'),
 'l2_no_two': ('`dW` is not right (W of shape (3, 4), l2 = 0.01).',
               'Every entry of your dW is half the expected one.'),
 'l2_norm': ('`penalty` is not right (W of shape (3, 4), l2 = 0.01).',
             'Your penalty equals l2 times the length of W, sqrt(sum of W²): a square root too many.'),
 'l2_per_column': ('`penalty` should be one number, got an array of shape (4,): the penalty adds up the squares of '
                   'all the weights into one sum, times l2.',
                   'Not yet. `penalty` should be one number, got an array of shape (4,): the penalty adds up the '
                   'squares of all the weights into one sum, times l2.'),
 'l2_square_of_sum': ('`penalty` is not right (W of shape (3, 4), l2 = 0.01).',
                      'Right in this case: `dW`; not right: `penalty`.'),
 'l2_unsummed': ('`penalty` should be one number, got an array of shape (3, 4): the penalty adds up the squares of '
                 'all the weights into one sum, times l2.',
                 'Not yet. `penalty` should be one number, got an array of shape (3, 4): the penalty adds up the '
                 'squares of all the weights into one sum, times l2.'),
 'mp_all_four': ('Your result is not right (a 4x4 map).',
                 'Your dx has grad_out[i, j] at all four positions of each window.'),
 'mp_average': ('Your result is not right (a 4x4 map).',
                "Your dx spreads a quarter of grad_out[i, j] to every position of its window: average-pooling's "
                'backward pass.'),
 'mp_column_major': ('Your result is not right (tied maxima: only the first in reading order (left to right, then '
                     'top to bottom) gets grad_out).',
                     'In the 2 window(s) with tied maxima your dx gives grad_out[i, j] to another of the maxima, '
                     'or to several: only the first in reading order gets it, the others 0.'),
 'mp_every_tie': ('Your result is not right (tied maxima: only the first in reading order (left to right, then top '
                  'to bottom) gets grad_out).',
                  'In the 4 window(s) with tied maxima your dx gives grad_out[i, j] to another of the maxima, or '
                  'to several: only the first in reading order gets it, the others 0.'),
 'mp_in_place': ('maxpool_backward() changed its input `x` in place (e.g. `x -= ...` or `x[...] = ...`). The '
                 'caller still needs the old value: build a new array instead, e.g. `x_new = x - ...`.',
                 'Not yet. maxpool_backward() changed its input `x` in place (e.g. `x -= ...` or `x[...] = ...`). '
                 'The caller still needs the old value: build a new array instead, e.g. `x_new = x - ...`.'),
 'mp_largest_size': ('Your result is not right (a 4x4 map).',
                     "Your dx sends grad_out[i, j] to each window's entry largest in size |x|, not to its "
                     'maximum.'),
 'mp_last_tie': ('Your result is not right (tied maxima: only the first in reading order (left to right, then top '
                 'to bottom) gets grad_out).',
                 'In the 4 window(s) with tied maxima your dx gives grad_out[i, j] to another of the maxima, or to '
                 'several: only the first in reading order gets it, the others 0.'),
 'mp_stride_one': ('Your result is not right (a 4x4 map).', 'largest difference 1.36 at index (1, 2)'),
 'mp_to_minimum': ('Your result is not right (a 4x4 map).',
                   "Your dx sends grad_out[i, j] to each window's minimum, not to its maximum."),
 'mp_top_left': ('Your result is not right (a 4x4 map).',
                 "Your dx sends grad_out[i, j] to each window's top-left corner, not to its maximum."),
 'qu_all_codes': ('`q` is not right (8 bits).',
                  'Your scale is max|W| / 255: 255 levels, all the codes of 8 bits, with none kept for the sign.'),
 'qu_bits_as_levels': ('`q` is not right (8 bits).',
                       'Your scale is max|W| / 8; 8 bits give 2^(8 - 1) - 1 = 127 levels on each side of 0.'),
 'qu_floor': ('`q` is not right (8 bits).', 'Right in this case: `scale`; not right: `q`, `W_hat`.'),
 'qu_in_place': ('quantize() changed its input `W` in place (e.g. `W -= ...` or `W[...] = ...`). The caller still '
                 'needs the old value: build a new array instead, e.g. `W_new = W - ...`.',
                 'Not yet. quantize() changed its input `W` in place (e.g. `W -= ...` or `W[...] = ...`). The '
                 'caller still needs the old value: build a new array instead, e.g. `W_new = W - ...`.'),
 'qu_max_not_abs': ('`q` is not right (8 bits).',
                    'Your scale is the largest W divided by 127; here the largest |W| is a negative weight, '
                    '-2.32503.'),
 'qu_no_minus_one': ('`q` is not right (8 bits).',
                     'Your scale is max|W| / 128; 8 bits give 2^(8 - 1) - 1 = 127 levels on each side of 0.'),
 'qu_not_dequantised': ('`W_hat` is not right (8 bits).',
                        'Your W_hat equals q: the integer codes, not mapped back to the scale of the weights.'),
 'qu_not_rounded': ('`q` is not right (8 bits).', 'Right in this case: `scale`; not right: `q`, `W_hat`.'),
 'qu_scale_inverted': ('`scale` is not right (8 bits).', 'Right in this case: `q`, `W_hat`; not right: `scale`.'),
 'qu_truncated': ('`q` is not right (8 bits).',
                  'Your q is W / scale cut towards 0, not rounded to the nearest level.'),
 'sa_W1_transposed': ('Your saliency() raised ValueError: matmul: Input operand 1 has a mismatch in its core '
                      'dimension 0, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size 5 is different from 4)',
                      'The shapes do not fit together; the inputs have shapes x (4,), W1 (4, 5), b1 (5,), W2 (5, '
                      '3), b2 (3,).'),
 'sa_every_class': ('Your result is not right (4 inputs, 5 hidden tanh units, 3 classes).',
                    'Your result is the saliency of the sum of all the logits, not of z_c.'),
 'sa_h_as_slope': ('Your result is not right (4 inputs, 5 hidden tanh units, 3 classes).',
                   "Your result weights each hidden unit by h itself, the tanh's value, where tanh's slope 1 - h² "
                   'belongs.'),
 'sa_no_b1': ('Your result is not right (4 inputs, 5 hidden tanh units, 3 classes).',
              'Your result is the saliency of the hidden layer without its bias b1.'),
 'sa_no_slope': ('Your result is not right (4 inputs, 5 hidden tanh units, 3 classes).',
                 "Your result equals W1 times W2's column c: the gradient has not passed through tanh's slope."),
 'sa_one_minus_h': ('Your result is not right (4 inputs, 5 hidden tanh units, 3 classes).',
                    "Your result weights each hidden unit by 1 - h, where tanh's slope 1 - h² belongs."),
 'sa_probability': ('Your result is not right (4 inputs, 5 hidden tanh units, 3 classes).',
                    'largest difference 1.42 at index (1,)'),
 'sa_relu_mask': ('Your result is not right (4 inputs, 5 hidden tanh units, 3 classes).',
                  "Your result is the ReLU network's saliency (a 0/1 mask); this hidden layer is tanh."),
 'sa_row_c': ('Your saliency() raised ValueError: operands could not be broadcast together with shapes (3,) (5,) ',
              'The shapes do not fit together; the inputs have shapes x (4,), W1 (4, 5), b1 (5,), W2 (5, 3), b2 '
              '(3,).'),
 'sa_row_vector': ('Your result has shape (1, 4), expected (4,). Same number of entries: a missing or extra '
                   'reshape, or a transposed operand?',
                   'Not yet. Your result has shape (1, 4), expected (4,). Same number of entries: a missing or '
                   'extra reshape, or a transposed operand?'),
 'sa_uphill': ('Your result is not right (4 inputs, 5 hidden tanh units, 3 classes).',
               'Every entry of your result has the expected size and the opposite sign.'),
 'sc_columns': ('`loss` is not right (4 samples, 3 classes).',
                'Your dL_dz comes from probabilities that sum to 1 down each column (over the samples); a softmax '
                'sums to 1 along each row (over the classes).'),
 'sc_eps_in_log': ('`loss` is not right (a confident mistake: the true class is 1000 below the largest logit).',
                   'Right in this case: `dL_dz`; not right: `loss`.'),
 'sc_global_max': ('`loss` contains NaN (expected 0.156631). Something overflowed or divided 0 by 0: look for exp '
                   'of a large number or log of 0, and rewrite that step in a stable form.',
                   '[0. 1.]]   (shape (2, 2))'),
 'sc_in_place': ('softmax_ce() changed its input `z` in place (e.g. `z -= ...` or `z[...] = ...`). The caller '
                 'still needs the old value: build a new array instead, e.g. `z_new = z - ...`.',
                 'Not yet. softmax_ce() changed its input `z` in place (e.g. `z -= ...` or `z[...] = ...`). The '
                 'caller still needs the old value: build a new array instead, e.g. `z_new = z - ...`.'),
 'sc_log10': ('`loss` is not right (4 samples, 3 classes).',
              'Your loss is the expected one divided by ln 10 = 2.303: a base-10 logarithm; cross-entropy uses '
              'ln.'),
 'sc_mean_of_entries': ('`loss` is not right (4 samples, 3 classes).',
                        'Your loss is 3 times smaller than expected: a mean over all 4 x 3 entries, not over the '
                        'rows.'),
 'sc_no_Y_in_gradient': ('`dL_dz` is not right (4 samples, 3 classes).',
                         'Every row of your dL_dz sums to 1/n, like p / n: the expected rows sum to 0, because Y '
                         'is subtracted.'),
 'sc_no_max': ('`loss` contains NaN (expected 0.656631). Something overflowed or divided 0 by 0: look for exp of a '
               'large number or log of 0, and rewrite that step in a stable form.',
               '[0. 0. 1.]]   (shape (2, 3))'),
 'sc_no_n': ('`dL_dz` is not right (4 samples, 3 classes).',
             'Every entry of your dL_dz is 4 times the expected one, and this case has n = 4 rows.'),
 'sc_summed': ('`loss` is not right (4 samples, 3 classes).',
               'Your loss is 4 times the expected one, and this case has n = 4 rows: a sum, not the mean.'),
 'sc_uphill': ('`dL_dz` is not right (4 samples, 3 classes).',
               'Every entry of your dL_dz has the expected size and the opposite sign.'),
 'st_T_ignored': ('Your result is not right (T = 4.0).',
                  'Your rows equal the softmax of the logits themselves, as at T = 1; this case has T = 4.'),
 'st_columns': ('Your result is not right (T = 1.0).', 'Your rows do not sum to 1: they are not probabilities.'),
 'st_divided_after': ('Your result is not right (T = 4.0).',
                      'Your rows do not sum to 1: they are not probabilities.'),
 'st_global_max': ('Your result contains NaN (expected [[1.      0.     ]',
                   '[-1600. -1601.]]   (shape (2, 2)), T = 2'),
 'st_in_place': ('soft_targets() changed its input `logits` in place (e.g. `logits -= ...` or `logits[...] = '
                 '...`). The caller still needs the old value: build a new array instead, e.g. `logits_new = '
                 'logits - ...`.',
                 'Not yet. soft_targets() changed its input `logits` in place (e.g. `logits -= ...` or '
                 '`logits[...] = ...`). The caller still needs the old value: build a new array instead, e.g. '
                 '`logits_new = logits - ...`.'),
 'st_log_probabilities': ('Your result is not right (T = 1.0).',
                          'Your rows do not sum to 1: they are not probabilities.'),
 'st_no_renormalisation': ('Your result is not right (T = 4.0).',
                           'Your rows do not sum to 1: they are not probabilities.'),
 'st_overflow': ('Your result contains NaN (expected [[1. 0. 0.]]   (shape (1, 3))). Something overflowed or '
                 'divided 0 by 0: look for exp of a large number or log of 0, and rewrite that step in a stable '
                 'form.',
                 'inputs: logits = [[ 1600.     0. -1600.]]   (shape (1, 3)), T = 2'),
 'st_times_T': ('Your result is not right (T = 4.0).',
                'Your rows equal the softmax of the logits times T = 4, not divided by it.'),
 'st_whole_sum': ('Your result is not right (T = 1.0).', 'Your rows do not sum to 1: they are not probabilities.'),
 'ts_array_split': ('`W` is not right (3 epochs of batches of 4, 4 and 2: a new order every epoch).',
                    'None of `W`, `b` is right in this case.'),
 'ts_averaged_twice': ('`W` is not right (one epoch of one full batch).',
                       'Every entry of your W is 0.1667 times the expected one.'),
 'ts_bias_mean': ('`b` is not right (one epoch of one full batch).',
                  'Every entry of your b is 0.1667 times the expected one.'),
 'ts_divided_by_n': ('`W` is not right (3 epochs of batches of 4, 4 and 2: a new order every epoch).',
                     'None of `W`, `b` is right in this case.'),
 'ts_drop_last': ('`W` is not right (3 epochs of batches of 4, 4 and 2: a new order every epoch).',
                  'Your W and b are what a loop gives that leaves out the last, smaller batch of each epoch (here '
                  '2 of the 10 samples).'),
 'ts_generator_each_epoch': ('`W` is not right (3 epochs of batches of 4, 4 and 2: a new order every epoch).',
                             'Your W and b are what visiting the samples in the same order in all 3 epochs gives; '
                             'the exercise visits them in a new order every epoch, drawn from one generator.'),
 'ts_global_rng': ('`W` is not right (3 epochs of batches of 4, 4 and 2: a new order every epoch).',
                   'None of `W`, `b` is right in this case.'),
 'ts_last_by_B': ('`W` is not right (3 epochs of batches of 4, 4 and 2: a new order every epoch).',
                  'None of `W`, `b` is right in this case.'),
 'ts_no_bias': ('`b` is not right (one epoch of one full batch).',
                'Your b is still all zeros: the bias never moved.'),
 'ts_no_shuffle': ('`W` is not right (3 epochs of batches of 4, 4 and 2: a new order every epoch).',
                   'Your W and b are what visiting the samples in their stored order (0, 1, 2, ...) gives: no '
                   'shuffling.'),
 'ts_one_permutation': ('`W` is not right (3 epochs of batches of 4, 4 and 2: a new order every epoch).',
                        'Your W and b are what visiting the samples in the same order in all 3 epochs gives; the '
                        'exercise visits them in a new order every epoch, drawn from one generator.'),
 'ts_one_step_per_epoch': ('`W` is not right (3 epochs of batches of 4, 4 and 2: a new order every epoch).',
                           'Your W and b are what one step per epoch on all 10 samples gives, not one step per '
                           'batch of 4.'),
 'ts_permutation_per_batch': ('`W` is not right (3 epochs of batches of 4, 4 and 2: a new order every epoch).',
                              'None of `W`, `b` is right in this case.'),
 'ts_seed_ignored': ('`W` is not right (3 epochs of batches of 4, 4 and 2: a new order every epoch).',
                     'Your W and b are what seed 0 gives; this case has seed = 450.'),
 'ts_stale': ('`W` is not right (3 epochs of batches of 4, 4 and 2: a new order every epoch).',
              'None of `W`, `b` is right in this case.'),
 'ts_uphill': ('`W` is not right (one epoch of one full batch).',
               'Every entry of your W has the expected size and the opposite sign.')}
PASSED_SAYS = {'07.forward': '8 cases passed. This is all the Playground computes for every pixel of its picture.',
 '08.glorot_uniform': "Variance 2.50e-03 = 2 / (n_in + n_out) within 2 %, all |w| <= limit, uniform: the signal's "
                      'variance stays about the same forwards and backwards.',
 '08.he_normal': "Variance 3.99e-03 = 2 / n_in within 3 % whatever n_out: ReLU layers keep the signal's variance "
                 'from layer to layer.',
 '09.softmax_ce': '9 cases passed. Softmax and cross-entropy together have the simplest gradient there is: (p - Y) '
                  '/ n.',
 '09.train_softmax': '6 cases passed. On the digits your loop reaches 0.975 test accuracy (360 test images).',
 '10.dropout_forward': '7 cases passed. At inference nothing needs to change: that is why Keras scales during '
                       'training.',
 '10.l2_penalty': "8 cases passed. This gradient is what L2 adds to every weight's dW before the optimizer's step.",
 '11.conv2d': '9 cases passed. The same small kernel slides over every position: few weights, and a shifted image '
              'gives a shifted map.',
 '11.maxpool_backward': '9 cases passed. Three of every four positions get no gradient: max-pooling passes the '
                        'signal only through the winners.',
 '12.saliency': "8 cases passed. The same chain rule as the lesson's ReLU formula, with tanh's smooth 1 - h**2 in "
                'place of the 0/1 mask: the template now varies smoothly with the input.',
 '13.distillation_loss': '8 cases passed. Hinton et al. multiply this loss by T**2 when they add it to the '
                         'hard-label loss, so that the 1 / T**2 in its gradient does not shrink it.',
 '13.quantize': '9 cases passed. Storing q takes `bits` bits per weight plus one float for the scale; every weight '
                'moves by at most scale / 2.',
 '13.soft_targets': "8 cases passed. A larger T flattens the teacher's probabilities and shows how it ranks the "
                    'wrong classes.'}
CASES = {'07.forward': (['4 hidden neurons',
                 '2 hidden neurons',
                 '3 hidden neurons, one sample',
                 '6 hidden neurons',
                 '1 hidden neuron',
                 '2 hidden neurons: X and W1 both 2 x 2',
                 '8 hidden neurons',
                 "saturated units: the output's z reaches +-900, where the sigmoid is 0 or 1"],
                [(('X', (5, 2)), ('W1', (2, 4)), ('b1', (4,)), ('W2', (4, 1)), ('b2', (1,))),
                 (('X', (3, 2)), ('W1', (2, 2)), ('b1', (2,)), ('W2', (2, 1)), ('b2', (1,))),
                 (('X', (1, 2)), ('W1', (2, 3)), ('b1', (3,)), ('W2', (3, 1)), ('b2', (1,))),
                 (('X', (8, 2)), ('W1', (2, 6)), ('b1', (6,)), ('W2', (6, 1)), ('b2', (1,))),
                 (('X', (4, 2)), ('W1', (2, 1)), ('b1', (1,)), ('W2', (1, 1)), ('b2', (1,))),
                 (('X', (2, 2)), ('W1', (2, 2)), ('b1', (2,)), ('W2', (2, 1)), ('b2', (1,))),
                 (('X', (6, 2)), ('W1', (2, 8)), ('b1', (8,)), ('W2', (8, 1)), ('b2', (1,))),
                 (('X', (6, 2)), ('W1', (2, 3)), ('b1', (3,)), ('W2', (3, 1)), ('b2', (1,)))],
                27783.522834963),
 '09.softmax_ce': (['4 samples, 3 classes',
                    '6 samples, 10 classes',
                    'one sample',
                    '5 samples, 4 classes',
                    '3 samples, 7 classes',
                    '8 samples, 2 classes',
                    'logits of size 1000',
                    "rows of very different scale: the second row's largest logit is -999, not 1000",
                    'a confident mistake: the true class is 1000 below the largest logit'],
                   [(('z', (4, 3)), ('Y', (4, 3))),
                    (('z', (6, 10)), ('Y', (6, 10))),
                    (('z', (1, 2)), ('Y', (1, 2))),
                    (('z', (5, 4)), ('Y', (5, 4))),
                    (('z', (3, 7)), ('Y', (3, 7))),
                    (('z', (8, 2)), ('Y', (8, 2))),
                    (('z', (2, 3)), ('Y', (2, 3))),
                    (('z', (2, 2)), ('Y', (2, 2))),
                    (('z', (2, 3)), ('Y', (2, 3)))],
                   -15286.525275987),
 '09.train_softmax': (['one epoch of one full batch',
                       '3 epochs of batches of 4, 4 and 2: a new order every epoch',
                       '2 epochs of batches of 3, 3 and 1: the last batch holds one sample',
                       'batch_size = 1: one step per sample, 2 epochs',
                       '4 epochs of batches of 5, 5 and 2',
                       '3 epochs of two batches of 4'],
                      [(('X', (6, 3)),
                        ('Y', (6, 4)),
                        ('learning_rate', ()),
                        ('epochs', ()),
                        ('batch_size', ()),
                        ('seed', ())),
                       (('X', (10, 3)),
                        ('Y', (10, 3)),
                        ('learning_rate', ()),
                        ('epochs', ()),
                        ('batch_size', ()),
                        ('seed', ())),
                       (('X', (7, 2)),
                        ('Y', (7, 2)),
                        ('learning_rate', ()),
                        ('epochs', ()),
                        ('batch_size', ()),
                        ('seed', ())),
                       (('X', (5, 4)),
                        ('Y', (5, 3)),
                        ('learning_rate', ()),
                        ('epochs', ()),
                        ('batch_size', ()),
                        ('seed', ())),
                       (('X', (12, 3)),
                        ('Y', (12, 4)),
                        ('learning_rate', ()),
                        ('epochs', ()),
                        ('batch_size', ()),
                        ('seed', ())),
                       (('X', (8, 2)),
                        ('Y', (8, 3)),
                        ('learning_rate', ()),
                        ('epochs', ()),
                        ('batch_size', ()),
                        ('seed', ()))],
                      3957.239987695),
 '10.dropout_forward': (['rate = 0.5',
                         'rate = 0.2',
                         'rate = 0.75',
                         'rate = 0.1',
                         'rate = 0.6',
                         'rate = 0.3, x of 3 dimensions',
                         'rate = 0.5 with 7 of the 8 units kept: the scale comes from the rate, not from the mask'],
                        [(('x', (4, 5)), ('mask', (4, 5)), ('rate', ())),
                         (('x', (3, 6)), ('mask', (3, 6)), ('rate', ())),
                         (('x', (2, 8)), ('mask', (2, 8)), ('rate', ())),
                         (('x', (1, 7)), ('mask', (1, 7)), ('rate', ())),
                         (('x', (5, 3)), ('mask', (5, 3)), ('rate', ())),
                         (('x', (2, 3, 4)), ('mask', (2, 3, 4)), ('rate', ())),
                         (('x', (2, 4)), ('mask', (2, 4)), ('rate', ()))],
                        38.164816211),
 '10.l2_penalty': (['W of shape (3, 4), l2 = 0.01',
                    'W of shape (2, 5), l2 = 0.5',
                    'W of shape (6, 1), l2 = 0.003',
                    'W of shape (1, 7), l2 = 2.0',
                    'W of shape (5, 5), l2 = 0.25',
                    'W of shape (4, 2), l2 = 0.0001',
                    'all weights 0',
                    "the exercise's W = [[1, -2]], l2 = 0.5"],
                   [(('W', (3, 4)), ('l2', ())),
                    (('W', (2, 5)), ('l2', ())),
                    (('W', (6, 1)), ('l2', ())),
                    (('W', (1, 7)), ('l2', ())),
                    (('W', (5, 5)), ('l2', ())),
                    (('W', (4, 2)), ('l2', ())),
                    (('W', (2, 3)), ('l2', ())),
                    (('W', (1, 2)), ('l2', ()))],
                   15.508231142),
 '11.conv2d': (['5x5 image, 3x3 kernel',
                '6x4 image, 2x3 kernel',
                '3x3 image, 3x3 kernel: the kernel covers the image, one output',
                '4x7 image, 3x2 kernel',
                '6x6 image, 1x1 kernel: a scaled copy',
                '2x8 image, 2x5 kernel',
                '7x3 image, 4x1 kernel',
                'a vertical edge, Sobel-like kernel',
                'an image of whole numbers (integers, like np.arange(16)), a kernel of fractions'],
               [(('image', (5, 5)), ('kernel', (3, 3))),
                (('image', (6, 4)), ('kernel', (2, 3))),
                (('image', (3, 3)), ('kernel', (3, 3))),
                (('image', (4, 7)), ('kernel', (3, 2))),
                (('image', (6, 6)), ('kernel', (1, 1))),
                (('image', (2, 8)), ('kernel', (2, 5))),
                (('image', (7, 3)), ('kernel', (4, 1))),
                (('image', (5, 6)), ('kernel', (3, 3))),
                (('image', (4, 4)), ('kernel', (2, 2)))],
               -7.377070896),
 '11.maxpool_backward': (['a 4x4 map',
                          'a 6x4 map',
                          'a 2x2 map',
                          'a 8x6 map',
                          'a 2x10 map',
                          'a 6x6 map',
                          'maxima in the top-left corners',
                          "every value negative: each window's maximum is its value closest to 0",
                          'tied maxima: only the first in reading order (left to right, then top to bottom) gets '
                          'grad_out'],
                         [(('x', (4, 4)), ('grad_out', (2, 2))),
                          (('x', (6, 4)), ('grad_out', (3, 2))),
                          (('x', (2, 2)), ('grad_out', (1, 1))),
                          (('x', (8, 6)), ('grad_out', (4, 3))),
                          (('x', (2, 10)), ('grad_out', (1, 5))),
                          (('x', (6, 6)), ('grad_out', (3, 3))),
                          (('x', (4, 4)), ('grad_out', (2, 2))),
                          (('x', (4, 6)), ('grad_out', (2, 3))),
                          (('x', (4, 4)), ('grad_out', (2, 2)))],
                         182.121066517),
 '12.saliency': (['4 inputs, 5 hidden tanh units, 3 classes',
                  '6 inputs, 3 hidden tanh units, 2 classes',
                  '8 inputs, 8 hidden tanh units, 10 classes',
                  '3 inputs, 7 hidden tanh units, 5 classes',
                  '2 inputs, 1 hidden tanh unit, 4 classes',
                  '9 inputs, 4 hidden tanh units, 6 classes',
                  '5 inputs, 4 hidden units and 4 classes: W2 is square, c = 3, the last class',
                  'two saturated hidden units (b1 = +-30): only the third passes a gradient'],
                 [(('x', (4,)), ('W1', (4, 5)), ('b1', (5,)), ('W2', (5, 3)), ('b2', (3,)), ('c', ())),
                  (('x', (6,)), ('W1', (6, 3)), ('b1', (3,)), ('W2', (3, 2)), ('b2', (2,)), ('c', ())),
                  (('x', (8,)), ('W1', (8, 8)), ('b1', (8,)), ('W2', (8, 10)), ('b2', (10,)), ('c', ())),
                  (('x', (3,)), ('W1', (3, 7)), ('b1', (7,)), ('W2', (7, 5)), ('b2', (5,)), ('c', ())),
                  (('x', (2,)), ('W1', (2, 1)), ('b1', (1,)), ('W2', (1, 4)), ('b2', (4,)), ('c', ())),
                  (('x', (9,)), ('W1', (9, 4)), ('b1', (4,)), ('W2', (4, 6)), ('b2', (6,)), ('c', ())),
                  (('x', (5,)), ('W1', (5, 4)), ('b1', (4,)), ('W2', (4, 4)), ('b2', (4,)), ('c', ())),
                  (('x', (4,)), ('W1', (4, 3)), ('b1', (3,)), ('W2', (3, 2)), ('b2', (2,)), ('c', ()))],
                 1482.484599065),
 '13.distillation_loss': (['T = 1.0',
                           'T = 4.0',
                           'T = 2.5',
                           'T = 2.0',
                           'T = 0.5',
                           'T = 8.0',
                           'logits of size 900',
                           "rows of very different scale: the second rows' largest logits are -899 and -999"],
                          [(('z_student', (4, 3)), ('z_teacher', (4, 3)), ('T', ())),
                           (('z_student', (3, 10)), ('z_teacher', (3, 10)), ('T', ())),
                           (('z_student', (5, 5)), ('z_teacher', (5, 5)), ('T', ())),
                           (('z_student', (1, 4)), ('z_teacher', (1, 4)), ('T', ())),
                           (('z_student', (6, 2)), ('z_teacher', (6, 2)), ('T', ())),
                           (('z_student', (2, 7)), ('z_teacher', (2, 7)), ('T', ())),
                           (('z_student', (1, 3)), ('z_teacher', (1, 3)), ('T', ())),
                           (('z_student', (2, 3)), ('z_teacher', (2, 3)), ('T', ()))],
                          145559.754056598),
 '13.quantize': (['8 bits',
                  '4 bits',
                  '2 bits',
                  '3 bits',
                  '5 bits',
                  '6 bits',
                  '16 bits',
                  '2 bits: levels -1, 0, 1',
                  '3 bits; the largest |W| is a negative weight, -2'],
                 [(('W', (5, 4)), ('bits', ())),
                  (('W', (6, 3)), ('bits', ())),
                  (('W', (4, 4)), ('bits', ())),
                  (('W', (3, 7)), ('bits', ())),
                  (('W', (2, 9)), ('bits', ())),
                  (('W', (8, 2)), ('bits', ())),
                  (('W', (1, 6)), ('bits', ())),
                  (('W', (2, 2)), ('bits', ())),
                  (('W', (2, 2)), ('bits', ()))],
                 -202.521782722),
 '13.soft_targets': (['T = 1.0',
                      'T = 4.0',
                      'T = 0.5',
                      'T = 2.0',
                      'T = 10.0',
                      'T = 3.0',
                      'logits of size 1600',
                      "rows of very different scale: the second row's largest logit is -1600, not 1600"],
                     [(('logits', (3, 4)), ('T', ())),
                      (('logits', (2, 10)), ('T', ())),
                      (('logits', (5, 3)), ('T', ())),
                      (('logits', (1, 5)), ('T', ())),
                      (('logits', (4, 2)), ('T', ())),
                      (('logits', (6, 6)), ('T', ())),
                      (('logits', (1, 3)), ('T', ())),
                      (('logits', (2, 2)), ('T', ()))],
                     -79270.532291465)}
TWIN_SAYS = {'07.forward': ('The same network in Keras agrees exactly.',
                'The same network in Keras agrees to < 1e-12.',
                'Your result agrees with the cases but not with The same network in Keras: relative difference '
                '2e-12.'),
 '09.softmax_ce': ('tf.nn.softmax_cross_entropy_with_logits agrees to < 1e-16.',
                   'tf.nn.softmax_cross_entropy_with_logits agrees to < 1e-12.',
                   'Your result agrees with the cases but not with tf.nn.softmax_cross_entropy_with_logits: '
                   'relative difference 2e-12.'),
 '10.l2_penalty': ('keras.regularizers.L2 under tf.GradientTape agrees exactly.',
                   'keras.regularizers.L2 under tf.GradientTape agrees to < 1e-12.',
                   'Your result agrees with the cases but not with keras.regularizers.L2 under tf.GradientTape: '
                   'relative difference 2e-12.'),
 '11.conv2d': ("tf.nn.conv2d (padding 'VALID') agrees exactly.",
               "tf.nn.conv2d (padding 'VALID') agrees to < 1e-12.",
               "Your result agrees with the cases but not with tf.nn.conv2d (padding 'VALID'): relative difference "
               '2e-12.'),
 '11.maxpool_backward': ('tf.GradientTape through keras.layers.MaxPooling2D agrees exactly.',
                         'tf.GradientTape through keras.layers.MaxPooling2D agrees to < 1e-12.',
                         'Your result agrees with the cases but not with tf.GradientTape through '
                         'keras.layers.MaxPooling2D: relative difference 2e-12.'),
 '12.saliency': ('tf.GradientTape agrees to < 1e-15.',
                 'tf.GradientTape agrees to < 1e-12.',
                 'Your result agrees with the cases but not with tf.GradientTape: relative difference 2e-12.'),
 '13.distillation_loss': ('tf.nn.softmax_cross_entropy_with_logits and tf.GradientTape agree to < 1e-15.',
                          'tf.nn.softmax_cross_entropy_with_logits and tf.GradientTape agree to < 1e-12.',
                          'Your result agrees with the cases but not with tf.GradientTape: relative difference '
                          '4e-12.'),
 '13.soft_targets': ('tf.nn.softmax agrees to < 1e-14.',
                     'tf.nn.softmax agrees to < 1e-12.',
                     'Your result agrees with the cases but not with tf.nn.softmax: relative difference 2e-12.')}
TWIN_INPUTS = {'07.forward': -10.997828,
 '09.softmax_ce': 524.434618,
 '10.l2_penalty': -1.193595,
 '11.conv2d': -58.013369,
 '11.maxpool_backward': 5.083915,
 '12.saliency': 1.932172,
 '13.distillation_loss': 9.139354,
 '13.soft_targets': 1300.013107}
