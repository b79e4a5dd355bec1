"""The exercise checkers: every solution passes, every stub and typical wrong answer fails, and each
kind of learner mistake gets its own message."""
import subprocess
import sys

import numpy as np
import pytest

from dlteach import solutions
from dlteach.exercises import CODE_EXERCISES, EXERCISES, QUIZZES, assert_check, check, reset_hints
from wrong_answers_16 import WRONG_CODE_16, WRONG_QUIZ_16
from wrong_answers_17 import WRONG_CODE_17, WRONG_QUIZ_17

WRONG_QUIZ = {
    "00.choose_with": "test", "00.workflow_order": "ABCDE", "01.z_change": 0.5,
    "01.and_neuron": (2, 2, -3), "01.xor_one_neuron": "yes", "02.sigmoid_max_slope": 1,
    "02.relu_slope_negative": 1, "03.bce_value": 0.9, "03.bce_confident_wrong": 0.01,
    "04.largest_stable_lr": 0.2, "04.updates_per_epoch": 1, "04.predict_at_bound": "converges",
    "05.adam_first_step": 0.1, "05.momentum_speedup": 9, "06.predict_saturated": "larger",
    "07.parameters": 33, "07.xor_hidden": 1, "07.xor_two_in_practice": "yes",
    "08.glorot_limit": 0.0707, "08.sigmoid_factor": 0.25, "09.precision": 0.8, "09.recall": 0.889,
    "10.l2_gradient": 0.03, "10.dropout_scale": 0.5, "11.output_size": 14, "11.conv_params": 4608,
    "12.linear_saliency": 2, "12.constant_pixel": 0.1, "13.int8_bytes": 40000, "13.soft_target": 0.881,
    "14.batch_of_one": 2, "14.moving_start": 0.82,
    "15.simple_rnn_params": 220, "15.lstm_params": 620, "15.vanishing_factor": 16, "15.temperature_zero": "uniform",
}


@pytest.fixture(autouse=True)
def _ladders_at_the_bottom():
    """Every test starts with no hint shown yet (the rungs are kept per process)."""
    reset_hints()
    yield
    reset_hints()


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


# Typical wrong answers, at least two per code exercise. Each must fail its checker.
WRONG_CODE = {
    "00.standardize": [
        lambda X_train, X: (X - X.mean(axis=0)) / X.std(axis=0),              # the other set's own statistics
        lambda X_train, X: (X - X_train.mean()) / X_train.std(),              # not per column
        lambda X_train, X: (X - X_train.mean(axis=0)) / X_train.var(axis=0),  # variance, not std
    ],
    "01.neuron_forward": [
        lambda X, w, b: X @ w + b,                       # no activation
        lambda X, w, b: sigmoid(X @ w),                  # forgotten bias
        lambda X, w, b: 1 / (1 + np.exp(X @ w + b)),     # sign error
    ],
    "01.perceptron_update": [
        lambda w, b, x, y, eta: (w + eta * (float(x @ w + b > 0) - y) * x, b + eta * (float(x @ w + b > 0) - y)),
        lambda w, b, x, y, eta: (w + eta * y * x, b + eta * y),                          # always updates
        lambda w, b, x, y, eta: (w + eta * (y - float(x @ w + b >= 0)) * x, b + eta * (y - float(x @ w + b >= 0))),
    ],
    "02.sigmoid_backward": [
        lambda z, grad_a: sigmoid(z) * (1 - sigmoid(z)),          # forgot grad_a
        lambda z, grad_a: grad_a * sigmoid(z),                    # not the derivative
        lambda z, grad_a: grad_a * sigmoid(z) * (1 + sigmoid(z)),
    ],
    "02.relu_backward": [
        lambda z, grad_a: (z > 0).astype(float),                  # forgot grad_a
        lambda z, grad_a: grad_a * (z >= 0),                      # slope 1 at z = 0
        lambda z, grad_a: np.maximum(z, 0) * grad_a,              # the activation, not its slope
    ],
    "02.elu_backward": [
        lambda z, grad_a: np.where(z > 0, 1.0, np.exp(np.minimum(z, 0))),                     # forgot grad_a
        lambda z, grad_a: grad_a * np.where(z > 0, 1.0, np.expm1(np.minimum(z, 0))),          # f, not f'
        lambda z, grad_a: grad_a * (z > 0),                                                  # ReLU's slope
    ],
    "03.bce_with_logits": [
        lambda z, y: (np.mean(-y * np.log(sigmoid(z)) - (1 - y) * np.log(1 - sigmoid(z))), (sigmoid(z) - y) / len(z)),
        lambda z, y: (np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-abs(z)))), sigmoid(z) - y),   # no 1/n
        lambda z, y: (np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-abs(z)))), (y - sigmoid(z)) / len(z)),
        lambda z, y: (np.maximum(z, 0) - z * y + np.log1p(np.exp(-abs(z))), (sigmoid(z) - y) / len(z)),  # no mean
    ],
    "04.gradient_step": [
        lambda w, X, y, learning_rate: w - learning_rate * X.T @ (X @ w - y) / len(X),      # factor 2 missing
        lambda w, X, y, learning_rate: w - learning_rate * 2 * X.T @ (X @ w - y),           # summed, not mean
        lambda w, X, y, learning_rate: w + learning_rate * 2 * X.T @ (X @ w - y) / len(X),  # uphill
    ],
    "04.minibatch_epoch": [
        lambda w, X, y, learning_rate, batch_size: _epoch(w, X, y, learning_rate, batch_size, scale=1.0),  # no 1/B
        lambda w, X, y, learning_rate, batch_size: _epoch(w, X, y, learning_rate, batch_size, sign=1.0),
        lambda w, X, y, learning_rate, batch_size: _epoch(w, X, y, learning_rate, batch_size, drop_last=True),
        lambda w, X, y, learning_rate, batch_size: _epoch(w, X, y, learning_rate, batch_size, full=True),
    ],
    "05.momentum_step": [
        lambda w, m, g, learning_rate, momentum: (w - learning_rate * (momentum * m + g), momentum * m + g),
        lambda w, m, g, learning_rate, momentum: (w + momentum * m + learning_rate * g,   # sign error
                                                  momentum * m + learning_rate * g),
        lambda w, m, g, learning_rate, momentum: (w - learning_rate * g, -learning_rate * g),   # no memory
    ],
    "05.adam_step": [
        lambda w, m, v, g, t, learning_rate, beta_1, beta_2, epsilon: _adam(w, m, v, g, t, learning_rate, beta_1,
                                                                            beta_2, epsilon, correct=False),
        lambda w, m, v, g, t, learning_rate, beta_1, beta_2, epsilon: _adam(w, m, v, g, t, learning_rate, beta_2,
                                                                            beta_1, epsilon),   # betas swapped
        lambda w, m, v, g, t, learning_rate, beta_1, beta_2, epsilon: _adam(w, m, v, g, t, learning_rate, beta_1,
                                                                            beta_2, epsilon, sqrt=False),
    ],
    "06.dense_backward": [
        lambda x, W, b, grad_a: (x.T @ grad_a, grad_a.sum(axis=0), grad_a @ W.T),  # missing activation derivative
        lambda x, W, b, grad_a: _dense(x, W, b, grad_a, transpose=True),
        lambda x, W, b, grad_a: _dense(x, W, b, grad_a, mean=True),
        lambda x, W, b, grad_a: _dense(x, W, b, grad_a, sign=-1.0),
    ],
    "06.two_layer_backward": [
        lambda X, y, W1, b1, W2, b2: _two_layer(X, y, W1, b1, W2, b2, mean=False),       # no 1/n
        lambda X, y, W1, b1, W2, b2: _two_layer(X, y, W1, b1, W2, b2, hidden_slope=False),  # no tanh'
        lambda X, y, W1, b1, W2, b2: _two_layer(X, y, W1, b1, W2, b2, slope_of_a=True),  # tanh'(a), not tanh'(z)
        lambda X, y, W1, b1, W2, b2: _two_layer(X, y, W1, b1, W2, b2, bias_mean=True),   # db averaged
    ],
    "07.forward": [
        lambda X, W1, b1, W2, b2: sigmoid((X @ W1 + b1) @ W2 + b2),              # no hidden activation
        lambda X, W1, b1, W2, b2: np.tanh(X @ W1 + b1) @ W2 + b2,                 # no output sigmoid
        lambda X, W1, b1, W2, b2: sigmoid(np.tanh(X @ W1 + b1) @ W2 + b2)[:, 0],  # shape (n,), not (n, 1)
    ],
    "08.glorot_uniform": [
        lambda n_in, n_out, rng: rng.uniform(-1, 1, (n_in, n_out)) * np.sqrt(6 / n_in),      # fan-in only
        lambda n_in, n_out, rng: rng.normal(0, np.sqrt(2 / (n_in + n_out)), (n_in, n_out)),  # normal, same variance
        lambda n_in, n_out, rng: rng.uniform(0, np.sqrt(6 / (n_in + n_out)), (n_in, n_out)),  # not centred
        lambda n_in, n_out, rng: np.random.uniform(-1, 1, (n_in, n_out)) * np.sqrt(6 / (n_in + n_out)),  # ignores rng
        lambda n_in, n_out, rng: rng.uniform(-1, 1, (n_out, n_in)) * np.sqrt(6 / (n_in + n_out)),  # transposed
    ],
    "08.he_normal": [
        lambda n_in, n_out, rng: rng.normal(0, np.sqrt(2 / (n_in + n_out)), (n_in, n_out)),  # Glorot's fan average
        lambda n_in, n_out, rng: rng.normal(0, np.sqrt(1 / n_in), (n_in, n_out)),             # LeCun: no factor 2
        lambda n_in, n_out, rng: rng.uniform(-1, 1, (n_in, n_out)) * np.sqrt(6 / n_in),       # uniform, same variance
        lambda n_in, n_out, rng: np.random.normal(0, np.sqrt(2 / n_in), (n_in, n_out)),       # ignores rng
    ],
    "09.softmax_ce": [
        lambda z, Y: (np.mean(-(Y * np.log(np.exp(z) / np.exp(z).sum(1, keepdims=True))).sum(1)),
                      (np.exp(z) / np.exp(z).sum(1, keepdims=True) - Y) / len(z)),       # overflows at 1000
        lambda z, Y: (solutions.softmax_ce(z, Y)[0], solutions.softmax_ce(z, Y)[1] * len(z)),   # no 1/n
        lambda z, Y: (-(Y * np.log(solutions.soft_targets(z, 1.0))).sum(), solutions.softmax_ce(z, Y)[1]),  # sum
    ],
    "09.train_softmax": [
        lambda X, Y, learning_rate, epochs, batch_size, seed: solutions.train_softmax(  # one step per epoch
            X, Y, learning_rate, epochs, len(X), seed),
        lambda X, Y, learning_rate, epochs, batch_size, seed: (  # the bias never learns
            solutions.train_softmax(X, Y, learning_rate, epochs, batch_size, seed)[0], np.zeros(Y.shape[1])),
        lambda X, Y, learning_rate, epochs, batch_size, seed: solutions.train_softmax(  # uphill
            X, Y, -learning_rate, epochs, batch_size, seed),
        lambda X, Y, learning_rate, epochs, batch_size, seed: solutions.train_softmax(  # the seed ignored
            X, Y, learning_rate, epochs, batch_size, 0),
    ],
    "10.l2_penalty": [
        lambda W, l2: (0.5 * l2 * np.sum(W**2), l2 * W),        # the textbook's 1/2, not Keras's
        lambda W, l2: (l2 * np.sum(W**2), l2 * W),              # factor 2 missing in the gradient
        lambda W, l2: (l2 * np.sum(np.abs(W)), l2 * np.sign(W)),  # L1
        lambda W, l2: (l2 * W**2, 2 * l2 * W),                  # penalty not summed
    ],
    "10.dropout_forward": [
        lambda x, mask, rate: x * mask,                       # not scaled
        lambda x, mask, rate: x * mask * (1 - rate),          # scaled the wrong way
        lambda x, mask, rate: x * (1 - mask) / (1 - rate),    # keeps the dropped units
    ],
    "11.conv2d": [
        lambda image, kernel: solutions.conv2d(image, kernel[::-1, ::-1]),       # flipped: true convolution
        lambda image, kernel: solutions.conv2d(image, kernel)[:-1, :-1],         # off by one
        lambda image, kernel: solutions.conv2d(image.T, kernel.T),               # transposed
    ],
    "12.saliency": [
        lambda x, W1, b1, W2, b2, c: W1 @ W2[:, c],                              # no tanh derivative
        lambda x, W1, b1, W2, b2, c: W1 @ (W2[:, c] * (x @ W1 + b1 > 0)),        # the ReLU mask of the lesson
        lambda x, W1, b1, W2, b2, c: W1 @ (W2.sum(axis=1) * (1 - np.tanh(x @ W1 + b1) ** 2)),  # every class at once
        lambda x, W1, b1, W2, b2, c: W1.T @ (W2[:, c] * (1 - np.tanh(x @ W1 + b1) ** 2)),      # transposed W1
    ],
    "11.maxpool_backward": [
        lambda x, grad_out: np.repeat(np.repeat(grad_out, 2, axis=0), 2, axis=1),        # to all four positions
        lambda x, grad_out: np.repeat(np.repeat(grad_out, 2, axis=0), 2, axis=1) / 4,    # average-pooling's
        lambda x, grad_out: solutions.maxpool_backward(-x, grad_out),                    # to the minimum
    ],
    "13.distillation_loss": [
        lambda z_student, z_teacher, T: (solutions.distillation_loss(z_student, z_teacher, T)[0],
                                         solutions.distillation_loss(z_student, z_teacher, T)[1] * T),  # no 1/T
        lambda z_student, z_teacher, T: solutions.distillation_loss(z_student, z_teacher, 1.0),        # T ignored
        lambda z_student, z_teacher, T: solutions.distillation_loss(z_teacher, z_student, T),          # swapped
    ],
    "13.quantize": [
        lambda W, bits: (np.trunc(W / (np.abs(W).max() / (2 ** (bits - 1) - 1))), np.abs(W).max() / (2 ** (bits - 1) - 1),
                         np.trunc(W / (np.abs(W).max() / (2 ** (bits - 1) - 1))) * np.abs(W).max() / (2 ** (bits - 1) - 1)),
        lambda W, bits: solutions.quantize(W, bits + 1),                                   # all 2**bits levels
        lambda W, bits: solutions.quantize(W, bits)[:2] + (solutions.quantize(W, bits)[0],),  # not dequantised
    ],
    "13.soft_targets": [
        lambda logits, T: solutions.soft_targets(logits * T, 1.0),     # multiplied by T
        lambda logits, T: solutions.soft_targets(logits, 1.0) ** (1 / T) * 1.0,  # no renormalisation
        lambda logits, T: np.exp(logits / T) / np.exp(logits / T).sum(axis=1, keepdims=True),  # overflows at 1600 / 2
    ],
    "14.batchnorm_forward": [
        lambda x, gamma, beta, epsilon: gamma * (x - x.mean(0)) / np.sqrt(x.var(0, ddof=1) + epsilon) + beta,  # n - 1
        lambda x, gamma, beta, epsilon: gamma * (x - x.mean(0)) / (x.std(0) + epsilon) + beta,   # epsilon outside
        lambda x, gamma, beta, epsilon: gamma * (x - x.mean(0)) / x.std(0) + beta,               # no epsilon
        lambda x, gamma, beta, epsilon: (x - x.mean(0)) / np.sqrt(x.var(0) + epsilon),           # no gamma, beta
        lambda x, gamma, beta, epsilon: gamma * (x - x.mean(1, keepdims=True))
        / np.sqrt(x.var(1, keepdims=True) + epsilon) + beta,                                     # layer norm
        lambda x, gamma, beta, epsilon: gamma * (x - x.mean()) / np.sqrt(x.var() + epsilon) + beta,  # one mean for all
    ],
    "14.batchnorm_backward": [
        lambda x, gamma, epsilon, g: (gamma * g / np.sqrt(x.var(0) + epsilon),                   # inference formula
                                      *solutions.batchnorm_backward(x, gamma, epsilon, g)[1:]),
        lambda x, gamma, epsilon, g: (solutions.batchnorm_backward(x, gamma, epsilon, g)[0],
                                      solutions.batchnorm_backward(x, gamma, epsilon, g)[1],
                                      g.mean(0)),                                               # dbeta a mean
        lambda x, gamma, epsilon, g: (gamma / (len(x) * np.sqrt(x.var(0) + epsilon))
                                      * (len(x) * g - g.sum(0)),                                 # no x_hat term
                                      *solutions.batchnorm_backward(x, gamma, epsilon, g)[1:]),
        lambda x, gamma, epsilon, g: (solutions.batchnorm_backward(x, gamma, epsilon, g)[0],
                                      (g * x).sum(0), g.sum(0)),                                 # dgamma with x
        lambda x, gamma, epsilon, g: _bn_backward(x, gamma, epsilon, g, ddof=1),                 # n - 1 variance
        lambda x, gamma, epsilon, g: _bn_backward(x, gamma, epsilon, g, gamma_out=True),         # gamma left out of dx
    ],
    "14.residual_backward": [
        lambda x, W, g: ((g @ W.T) * (x > 0), np.maximum(x, 0).T @ g, g.sum(0)),                # no skip path
        lambda x, W, g: (g, np.maximum(x, 0).T @ g, g.sum(0)),                                 # skip path only
        lambda x, W, g: (g + g @ W.T, np.maximum(x, 0).T @ g, g.sum(0)),                       # no ReLU slope
        lambda x, W, g: (g + (g @ W.T) * (x > 0), x.T @ g, g.sum(0)),                          # dW from x, not relu(x)
        lambda x, W, g: (g + (g @ W.T) * (x > 0), g.T @ np.maximum(x, 0), g.sum(0)),           # dW transposed
        lambda x, W, g: (g + (g @ W.T) * (x >= 0), np.maximum(x, 0).T @ g, g.sum(0)),          # slope 1 at x = 0
        lambda x, W, g: (g + (g @ W.T) * (x > 0), np.maximum(x, 0).T @ g, g.mean(0)),          # db a mean
    ],
    "15.rnn_forward": [
        lambda x, W, U, b: _rnn_forward(x, W, U, b, squash=False),          # no tanh
        lambda x, W, U, b: _rnn_forward(x, W, U, b, carry=False),           # the state is not carried
        lambda x, W, U, b: _rnn_forward(x, W, U, b, shift=True),            # h_0 .. h_{T-1}: one step late
        lambda x, W, U, b: _rnn_forward(x, W, U.T, b),                      # U transposed
        lambda x, W, U, b: _rnn_forward(x, W, U, 0 * b),                    # the bias forgotten
        lambda x, W, U, b: _rnn_forward(x, W, U, b, h0=1.0),                # starts from ones
        lambda x, W, U, b: _rnn_forward(x, W, U, b)[:, -1],                 # the last state only
    ],
    "15.rnn_backward": [
        lambda x, hs, W, U, grad_h: _rnn_backward(x, hs, W, U, grad_h, steps=1),          # the last step only
        lambda x, hs, W, U, grad_h: _rnn_backward(x, hs, W, U, grad_h, same_state=True),  # dU with h_t
        lambda x, hs, W, U, grad_h: _rnn_backward(x, hs, W, U, grad_h, slope=False),      # no tanh slope
        lambda x, hs, W, U, grad_h: _rnn_backward(x, hs, W, U, grad_h, carry=False),      # grad_h at every step
        lambda x, hs, W, U, grad_h: _rnn_backward(x, hs, W, U, grad_h, bias_mean=True),   # db averaged
        lambda x, hs, W, U, grad_h: _rnn_backward(x, hs, W, U.T, grad_h),                 # U not transposed
        lambda x, hs, W, U, grad_h: _rnn_backward(x, hs, W, U, grad_h, steps=3),          # truncated to 3 steps
    ],
    "15.lstm_step": [
        lambda x_t, h_prev, c_prev, W, U, b: _lstm(x_t, h_prev, c_prev, W, U, b, squash_c=False),  # h = o c
        lambda x_t, h_prev, c_prev, W, U, b: _lstm(x_t, h_prev, c_prev, W, U, b, input_gate=False),
        lambda x_t, h_prev, c_prev, W, U, b: _lstm(x_t, h_prev, c_prev, W, U, b, order="ifog"),
        lambda x_t, h_prev, c_prev, W, U, b: _lstm(x_t, h_prev, c_prev, W, U, b, candidate="sigmoid"),
        lambda x_t, h_prev, c_prev, W, U, b: _lstm(x_t, h_prev, c_prev, W, U, b, swap_if=True),
        lambda x_t, h_prev, c_prev, W, U, b: _lstm(x_t, h_prev, c_prev, W, U, b, order="fiog"),
    ],
}
WRONG_CODE.update(WRONG_CODE_16)
WRONG_QUIZ.update(WRONG_QUIZ_16)
WRONG_CODE.update(WRONG_CODE_17)
WRONG_QUIZ.update(WRONG_QUIZ_17)


def _rnn_forward(x, W, U, b, squash=True, carry=True, shift=False, h0=0.0):
    h, hs = np.full((x.shape[0], U.shape[0]), h0), []
    for t in range(x.shape[1]):
        if shift:
            hs.append(h)
        s = x[:, t] @ W + b + (h @ U if carry else 0)
        h = np.tanh(s) if squash else s
        if not shift:
            hs.append(h)
    return np.stack(hs, axis=1)


def _rnn_backward(x, hs, W, U, grad_h, steps=None, same_state=False, slope=True, carry=True, bias_mean=False):
    T = x.shape[1]
    dW, dU, db, dx = np.zeros_like(W), np.zeros_like(U), np.zeros(U.shape[0]), np.zeros_like(x)
    dh = grad_h
    for t in reversed(range(T)):
        if steps is not None and t < T - steps:
            break
        ds = dh * (1 - hs[:, t] ** 2) if slope else dh
        h_prev = hs[:, t] if same_state else (hs[:, t - 1] if t > 0 else np.zeros_like(hs[:, 0]))
        dW += x[:, t].T @ ds
        dU += h_prev.T @ ds
        db += ds.mean(axis=0) if bias_mean else ds.sum(axis=0)
        dx[:, t] = ds @ W.T
        dh = ds @ U.T if carry else grad_h
    return dW, dU, db, dx


def _lstm(x_t, h_prev, c_prev, W, U, b, squash_c=True, input_gate=True, order="ifgo", candidate="tanh",
          swap_if=False):
    blocks = dict(zip(order, np.split(x_t @ W + h_prev @ U + b, 4, axis=1)))
    i, f, o = sigmoid(blocks["i"]), sigmoid(blocks["f"]), sigmoid(blocks["o"])
    g = np.tanh(blocks["g"]) if candidate == "tanh" else sigmoid(blocks["g"])
    if swap_if:
        i, f = f, i
    c = f * c_prev + (i * g if input_gate else g)
    return o * (np.tanh(c) if squash_c else c), c


def _bn_backward(x, gamma, epsilon, g, ddof=0, gamma_out=False):
    m = len(x)
    sigma = np.sqrt(x.var(0, ddof=ddof) + epsilon) if m > ddof else np.sqrt(np.zeros(x.shape[1]) + epsilon)
    x_hat = (x - x.mean(0)) / sigma
    dbeta, dgamma = g.sum(0), (g * x_hat).sum(0)
    dx = (1.0 if gamma_out else gamma) / (m * sigma) * (m * g - dbeta - x_hat * dgamma)
    return dx, dgamma, dbeta


def _epoch(w, X, y, lr, B, scale=None, sign=-1.0, drop_last=False, full=False):
    stop = len(X) - B + 1 if drop_last else len(X)
    for i in range(0, stop, B):
        Xb, yb = (X, y) if full else (X[i:i + B], y[i:i + B])
        factor = 2 / len(Xb) if scale is None else scale
        w = w + sign * lr * factor * Xb.T @ (Xb @ w - yb)
    return w


def _adam(w, m, v, g, t, lr, b1, b2, eps, correct=True, sqrt=True):
    m = b1 * m + (1 - b1) * g
    v = b2 * v + (1 - b2) * g**2
    alpha = lr * np.sqrt(1 - b2**t) / (1 - b1**t) if correct else lr
    return w - alpha * m / ((np.sqrt(v) if sqrt else v) + eps), m, v


def _two_layer(X, y, W1, b1, W2, b2, mean=True, hidden_slope=True, slope_of_a=False, bias_mean=False):
    a1 = np.tanh(X @ W1 + b1)
    a2 = sigmoid(a1 @ W2 + b2)
    delta2 = (a2 - y) / (len(X) if mean else 1)
    slope = 1 - np.tanh(a1) ** 2 if slope_of_a else 1 - a1**2
    delta1 = delta2 @ W2.T * (slope if hidden_slope else 1)
    total = (lambda d: d.mean(axis=0)) if bias_mean else (lambda d: d.sum(axis=0))
    return X.T @ delta1, total(delta1), a1.T @ delta2, total(delta2)


def _dense(x, W, b, grad_a, transpose=False, mean=False, sign=1.0):
    delta = sign * grad_a * (1 - np.tanh(x @ W + b) ** 2)
    dW = delta.T @ x if transpose else x.T @ delta
    return dW, delta.mean(axis=0) if mean else delta.sum(axis=0), delta @ W.T


# ---------------------------------------------------------------- coverage

def test_every_exercise_has_a_solution_and_wrong_answers():
    assert set(solutions.QUIZ) == set(QUIZZES) == set(WRONG_QUIZ)
    assert set(solutions.CODE) == set(CODE_EXERCISES) == set(WRONG_CODE)
    assert all(len(wrong) >= 2 for wrong in WRONG_CODE.values())
    assert sorted([*solutions.QUIZ, *solutions.CODE]) == EXERCISES


def test_checkers_do_not_import_the_solutions():
    code = "import dlteach.exercises, sys; assert 'dlteach.solutions' not in sys.modules; " \
           "assert 'tensorflow' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


# ---------------------------------------------------------------- quizzes

@pytest.mark.parametrize("name", sorted(QUIZZES))
def test_quiz_accepts_the_solution_and_hints_on_a_wrong_answer(name, capsys):
    assert check(name, solutions.QUIZ[name]) is True
    assert capsys.readouterr().out.startswith("Correct!")
    assert check(name, WRONG_QUIZ[name]) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet.") and len(out) > 30


def test_missing_and_unreadable_quiz_answers(capsys):
    assert check("03.bce_value", None) is False
    assert "replace None" in capsys.readouterr().out
    assert check("03.bce_value", "a lot") is False
    assert "should be a number" in capsys.readouterr().out
    with pytest.raises(ValueError, match="Unknown exercise '99.x'"):
        check("99.x", 1)


# ---------------------------------------------------------------- code exercises

@pytest.mark.parametrize("name", sorted(CODE_EXERCISES))
def test_solution_passes_on_several_seeds(name, capsys):
    for seed in (0, 1, 2):
        assert check(name, solutions.CODE[name], seed=seed) is True
    out, err = capsys.readouterr()
    assert out.startswith("Correct!") and err == ""


@pytest.mark.parametrize("name", sorted(CODE_EXERCISES))
def test_untouched_stubs_fail_with_their_own_message(name, capsys):
    ex = CODE_EXERCISES[name]

    def stub(*args, **kwargs):  # the lesson's stub: a body that returns None
        return None

    def nbgrader_stub(*args, **kwargs):  # what nbgrader leaves in a released assignment
        raise NotImplementedError()

    assert check(name, stub) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet.") and "returned None" in out
    assert check(name, nbgrader_stub) is False
    assert "not written yet" in capsys.readouterr().out
    assert check(name, None) is False
    assert f"write {ex.func_name}(" in capsys.readouterr().out


@pytest.mark.parametrize("name,i", [(n, i) for n in sorted(WRONG_CODE) for i in range(len(WRONG_CODE[n]))])
def test_typical_wrong_answers_fail(name, i, capsys):
    for seed in (0, 1):
        assert check(name, WRONG_CODE[name][i], seed=seed) is False
        out, err = capsys.readouterr()
        assert out.startswith("Not yet.") and "Traceback" not in out and err == ""
        assert any(word in out for word in ("Hint", "shape", "NaN", "inf"))


def test_a_wrong_value_shows_inputs_expected_received_and_what_is_wrong_with_it(capsys):
    """The diagnosis speaks of the output (which array, what factor, which case), not of the fix."""
    assert check("02.sigmoid_backward", WRONG_CODE["02.sigmoid_backward"][0]) is False
    out = capsys.readouterr().out
    assert "inputs:" in out and "z = [" in out and "expected:" in out and "received:" in out
    assert "the incoming gradient grad_a is not in it" in out
    assert check("03.bce_with_logits", WRONG_CODE["03.bce_with_logits"][1]) is False
    out = capsys.readouterr().out
    assert "Every entry of your dL_dz is 4 times the expected one, and this case has n = 4 samples" in out
    assert "Right in this case: `loss`; not right: `dL_dz`." in out
    assert check("05.adam_step", WRONG_CODE["05.adam_step"][0]) is False
    assert "without its bias correction" in capsys.readouterr().out
    assert check("04.minibatch_epoch", WRONG_CODE["04.minibatch_epoch"][0]) is False
    assert "what steps 2 times too long on each full batch of B = 4 give" in capsys.readouterr().out
    assert check("04.gradient_step", WRONG_CODE["04.gradient_step"][0]) is False
    assert "Your step w_new - w is 0.5 times the expected step in every entry" in capsys.readouterr().out
    assert check("01.neuron_forward", lambda X, w, b: 2 * sigmoid(X @ w + b)) is False
    assert "Every entry of your result is 2 times the expected one." in capsys.readouterr().out
    assert check("00.standardize", WRONG_CODE["00.standardize"][0]) is False
    assert "X scaled with its own mean and std" in capsys.readouterr().out


def test_generic_diagnoses_only_where_true(capsys):
    """The review's two misfires: a 'constant factor' for a scalar (any ratio of two numbers is constant),
    and 'the input unchanged' blamed on a missing update when the prediction decided no update."""
    def perceptron_no_bias(w, b, x, y, eta):
        y_hat = float(x @ w + b > 0)
        return w + eta * (y - y_hat) * x, b  # the bias is not updated: b_new is a number
    assert check("01.perceptron_update", perceptron_no_bias) is False
    out = capsys.readouterr().out
    assert "times the expected" not in out and "Right in this case: `w_new`; not right: `b_new`." in out
    assert check("01.perceptron_update", WRONG_CODE["01.perceptron_update"][2]) is False  # y_hat = [z >= 0]
    out = capsys.readouterr().out
    assert "z = 0 exactly" in out and "At z = 0 exactly your w and b did not move, as if your prediction were " \
        "1; with y_hat = [z > 0] (strictly greater) it is 0, so this point is misclassified and the weights must " \
        "move." in out
    assert "loop that never ran" not in out and "another variable" not in out
    assert check("01.neuron_forward", lambda X, w, b: (X @ w + b > 0).astype(float)) is False
    out = capsys.readouterr().out
    assert "only 0s and 1s" in out and "0 times" not in out


def test_nan_from_an_unstable_formula_is_named(capsys):
    assert check("03.bce_with_logits", WRONG_CODE["03.bce_with_logits"][0]) is False
    out, err = capsys.readouterr()
    assert ("NaN" in out or "inf" in out) and "|z| = 1000" in out and "stable" in out
    assert err == ""  # the overflow warning of np.exp is not shown


def test_returning_an_input_unchanged_is_named(capsys):
    assert check("04.minibatch_epoch", lambda w, X, y, learning_rate, batch_size: w) is False
    assert "Your result is the input `w` unchanged, but in this case it should change." in capsys.readouterr().out


def test_wrong_shape_and_transpose(capsys):
    assert check("06.dense_backward", WRONG_CODE["06.dense_backward"][1]) is False
    assert "transpose" in capsys.readouterr().out
    assert check("07.forward", WRONG_CODE["07.forward"][2]) is False
    assert "has shape (5,), expected (5, 1)" in capsys.readouterr().out


def test_a_list_instead_of_an_array(capsys):
    assert check("02.relu_backward", lambda z, grad_a: [g if v > 0 else 0 for v, g in zip(z, grad_a)]) is False
    assert "Python list; return a NumPy array" in capsys.readouterr().out


def test_a_number_where_several_outputs_are_expected(capsys):
    assert check("05.momentum_step", lambda w, m, g, learning_rate, momentum: w - learning_rate * g) is False
    assert "should return 2 values (w_new, m_new)" in capsys.readouterr().out


def test_mutating_an_input_is_reported(capsys):
    def momentum_step(w, m, g, learning_rate, momentum):
        m *= momentum
        m -= learning_rate * g
        return w + m, m

    assert check("05.momentum_step", momentum_step) is False
    assert "changed its input `m` in place" in capsys.readouterr().out


def test_an_exception_is_shown_as_the_learners_with_their_line(capsys):
    def sigmoid_backward(z, grad_a):
        a = 1 / (1 + np.exp(-z))
        return grad_a * a * (1 - a) @ np.ones((3, 3))  # LEARNER-BUG

    assert check("02.sigmoid_backward", sigmoid_backward) is False
    out = capsys.readouterr().out
    assert "Your sigmoid_backward() raised ValueError" in out
    assert "LEARNER-BUG" in out and "of your cell" in out
    assert "dlteach" not in out and "Traceback" not in out


def test_assert_check_raises_with_the_message_and_passes_silently_otherwise(capsys):
    with pytest.raises(AssertionError, match="incoming gradient"):
        assert_check("02.sigmoid_backward", WRONG_CODE["02.sigmoid_backward"][0])
    with pytest.raises(AssertionError, match="not written yet"):
        assert_check("02.sigmoid_backward", lambda z, grad_a: (_ for _ in ()).throw(NotImplementedError()))
    with pytest.raises(AssertionError, match="No answer yet"):
        assert_check("00.choose_with", None)
    assert_check("02.sigmoid_backward", solutions.sigmoid_backward)
    assert_check("00.choose_with", "validation")
    assert capsys.readouterr().out.count("Correct!") == 2


@pytest.mark.parametrize("result", ["abc", {}, [None], (None, None), np.array(["a"]), 1j * np.ones(5), object(),
                                    (x for x in range(3)), np.ones((5, 5)), float("nan")])
def test_odd_results_get_a_verdict_never_an_exception(result, capsys):
    for name in ("02.sigmoid_backward", "03.bce_with_logits", "06.dense_backward"):
        assert check(name, lambda *args, **kwargs: result) is False
        out, err = capsys.readouterr()
        assert out.startswith("Not yet.") and "Traceback" not in out and err == ""


def test_the_twin_catches_what_the_cases_cannot(capsys):
    """A function that passes the reference cases but not Keras (here: it special-cases the checker's
    inputs by their size) is caught by the twin run on other inputs."""
    def relu_backward(z, grad_a):
        return grad_a * (z > 0) if z.size in (1, 5, 6, 12, 40) else grad_a

    assert check("02.relu_backward", relu_backward) is False
    assert "not with tf.GradientTape through tf.nn.relu" in capsys.readouterr().out


def test_and_neuron_refuses_the_lessons_line_but_accepts_other_lines(capsys):
    assert check("01.and_neuron", (1.0, 1.0, -1.5)) is False
    assert "the line the lesson shows" in capsys.readouterr().out
    assert check("01.and_neuron", (3, 3, -4.5)) is False  # the same line, scaled
    assert check("01.and_neuron", (1.0, 1.0, -1.2)) is True  # moved: a different line
    assert check("01.and_neuron", (1.0, 2.0, -2.5)) is True  # tilted


def test_workflow_order_names_the_misplaced_steps(capsys):
    assert check("00.workflow_order", "d b e a c") is True
    assert check("00.workflow_order", "DBEAA") is False
    assert "exactly once" in capsys.readouterr().out
    assert check("00.workflow_order", "DBECA") is False
    assert "C in place 4" in capsys.readouterr().out
