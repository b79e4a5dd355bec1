"""Instructors' solutions to the lessons' exercises. Not imported by the lessons or the checkers.

Each function is written the way a student would write it in the lesson's stub cell (NumPy only,
`np` in scope); scripts/make_assignments.py copies its body into the nbgrader solution region.
QUIZ holds the answers of the quiz exercises. tests/test_exercises.py proves that every solution
passes its checker.
"""
from __future__ import annotations

import numpy as np

QUIZ = {
    "00.choose_with": "validation",
    "00.workflow_order": "DBEAC",
    "01.and_neuron": (2.0, 1.0, -2.5),
    "01.z_change": 3.0,
    "01.xor_one_neuron": "no",
    "02.sigmoid_max_slope": 0.25,
    "02.relu_slope_negative": 0.0,
    "03.bce_value": 0.10536,
    "03.bce_confident_wrong": 4.6052,
    "04.largest_stable_lr": 0.04,
    "04.updates_per_epoch": 4,
    "04.predict_at_bound": "oscillates",
    "05.adam_first_step": 0.01,
    "05.momentum_speedup": 10,
    "06.predict_saturated": "smaller",
    "07.parameters": 37,
    "07.xor_hidden": 2,
    "07.xor_two_in_practice": "no",
    "08.glorot_limit": 0.1732,
    "08.sigmoid_factor": 9.537e-7,
    "09.precision": 0.8889,
    "09.recall": 0.8,
    "10.l2_gradient": 0.06,
    "10.dropout_scale": 2,
    "11.output_size": 10,
    "11.conv_params": 12864,
    "12.linear_saliency": -3,
    "12.constant_pixel": 0,
    "13.int8_bytes": 10000,
    "13.soft_target": 0.7311,
    "14.batch_of_one": 2.5,
    "14.moving_start": 0.83,
    "15.simple_rnn_params": 620,
    "15.lstm_params": 2480,
    "15.vanishing_factor": 0.012,
    "15.temperature_zero": "greedy",
    "16.score_std": 8,
    "16.mha_params": 1212,
    "16.swap_without_positions": "swap",
    "17.kl_value": 2.5,
    "17.kl_wide": 0.81,
}


def standardize(X_train, X):
    mean = X_train.mean(axis=0)  # per feature (column), from the training data only
    std = X_train.std(axis=0)
    return (X - mean) / std


def neuron_forward(X, w, b):
    z = X @ w + b
    return 1.0 / (1.0 + np.exp(-z))


def perceptron_update(w, b, x, y, eta):
    y_hat = 1.0 if x @ w + b > 0 else 0.0
    w_new = w + eta * (y - y_hat) * x
    b_new = b + eta * (y - y_hat)
    return w_new, b_new


def sigmoid_backward(z, grad_a):
    a = 1.0 / (1.0 + np.exp(-z))
    return grad_a * a * (1.0 - a)


def relu_backward(z, grad_a):
    return grad_a * (z > 0)


def elu_backward(z, grad_a):
    slope = np.where(z > 0, 1.0, np.exp(np.minimum(z, 0.0)))  # e^z below 0 (min: no overflow above)
    return grad_a * slope


def bce_with_logits(z, y):
    n = len(z)
    losses = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
    a = 0.5 * (1.0 + np.tanh(0.5 * z))  # sigmoid(z) without overflow
    return losses.mean(), (a - y) / n


def gradient_step(w, X, y, learning_rate):
    grad = 2.0 / len(X) * X.T @ (X @ w - y)  # d/dw of mean((X @ w - y)**2)
    return w - learning_rate * grad


def minibatch_epoch(w, X, y, learning_rate, batch_size):
    for i in range(0, len(X), batch_size):
        X_b, y_b = X[i:i + batch_size], y[i:i + batch_size]
        grad = 2.0 / len(X_b) * X_b.T @ (X_b @ w - y_b)
        w = w - learning_rate * grad
    return w


def momentum_step(w, m, g, learning_rate, momentum):
    m_new = momentum * m - learning_rate * g
    w_new = w + m_new
    return w_new, m_new


def adam_step(w, m, v, g, t, learning_rate, beta_1, beta_2, epsilon):
    m_new = beta_1 * m + (1 - beta_1) * g
    v_new = beta_2 * v + (1 - beta_2) * g**2
    alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    w_new = w - alpha * m_new / (np.sqrt(v_new) + epsilon)
    return w_new, m_new, v_new


def dense_backward(x, W, b, grad_a):
    a = np.tanh(x @ W + b)
    delta = grad_a * (1.0 - a**2)  # dL/dz
    dW = x.T @ delta
    db = delta.sum(axis=0)
    dx = delta @ W.T
    return dW, db, dx


def two_layer_backward(X, y, W1, b1, W2, b2):
    # forward, keeping what the backward pass needs
    a1 = np.tanh(X @ W1 + b1)
    a2 = 1.0 / (1.0 + np.exp(-(a1 @ W2 + b2)))
    # backward: the output's delta, then one step back per layer
    delta2 = (a2 - y) / len(X)                 # sigmoid + mean cross-entropy: dL/dz2
    dW2 = a1.T @ delta2
    db2 = delta2.sum(axis=0)
    delta1 = (delta2 @ W2.T) * (1.0 - a1**2)   # dL/dz1 = (dL/da1) * tanh'(z1)
    dW1 = X.T @ delta1
    db1 = delta1.sum(axis=0)
    return dW1, db1, dW2, db2


def forward(X, W1, b1, W2, b2):
    hidden = np.tanh(X @ W1 + b1)
    z = hidden @ W2 + b2
    return 1.0 / (1.0 + np.exp(-z))


def glorot_uniform(n_in, n_out, rng):
    limit = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-limit, limit, size=(n_in, n_out))


def he_normal(n_in, n_out, rng):
    std = np.sqrt(2.0 / n_in)  # fan-in only: ReLU zeroes half of the inputs, the 2 makes up for it
    return rng.normal(0.0, std, size=(n_in, n_out))


def softmax_ce(z, Y):
    z = z - z.max(axis=1, keepdims=True)  # the same softmax, and exp never overflows
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    n = len(z)
    loss = -(Y * log_p).sum() / n
    return loss, (np.exp(log_p) - Y) / n


def train_softmax(X, Y, learning_rate, epochs, batch_size, seed):
    W = np.zeros((X.shape[1], Y.shape[1]))   # softmax regression: z = X @ W + b, one layer
    b = np.zeros(Y.shape[1])
    rng = np.random.default_rng(seed)
    for epoch in range(epochs):
        order = rng.permutation(len(X))      # a new order every epoch
        for i in range(0, len(X), batch_size):
            idx = order[i:i + batch_size]
            loss, dL_dz = softmax_ce(X[idx] @ W + b, Y[idx])
            W = W - learning_rate * X[idx].T @ dL_dz
            b = b - learning_rate * dL_dz.sum(axis=0)
    return W, b


def dropout_forward(x, mask, rate):
    return x * mask / (1.0 - rate)


def l2_penalty(W, l2):
    penalty = l2 * np.sum(W**2)   # Keras's form: no 1/2
    dW = 2 * l2 * W
    return penalty, dW


def conv2d(image, kernel):
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel)
    return out


def saliency(x, W1, b1, W2, b2, c):
    h = np.tanh(x @ W1 + b1)
    dz_dh = W2[:, c]                 # z_c = h @ W2[:, c] + b2[c]
    dz_dz1 = dz_dh * (1.0 - h**2)    # through tanh
    return W1 @ dz_dz1               # through z1 = x @ W1 + b1


def maxpool_backward(x, grad_out):
    grad_x = np.zeros_like(x)
    for i in range(grad_out.shape[0]):
        for j in range(grad_out.shape[1]):
            window = x[2 * i:2 * i + 2, 2 * j:2 * j + 2]
            u, v = np.unravel_index(np.argmax(window), window.shape)   # the winner of this window
            grad_x[2 * i + u, 2 * j + v] = grad_out[i, j]
    return grad_x


def distillation_loss(z_student, z_teacher, T):
    p = soft_targets(z_teacher, T)                                  # the teacher's soft targets
    zs = z_student / T
    log_q = zs - zs.max(axis=1, keepdims=True)
    log_q = log_q - np.log(np.exp(log_q).sum(axis=1, keepdims=True))
    n = len(z_student)
    loss = -np.sum(p * log_q) / n
    return loss, (np.exp(log_q) - p) / (n * T)                      # chain rule through z / T


def quantize(W, bits):
    levels = 2 ** (bits - 1) - 1
    scale = np.abs(W).max() / levels
    q = np.round(W / scale)
    return q, scale, q * scale


def soft_targets(logits, T):
    z = logits / T
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def rnn_forward(x, W, U, b):
    n, T, _ = x.shape
    h = np.zeros((n, U.shape[0]))
    hs = []
    for t in range(T):
        h = np.tanh(x[:, t] @ W + b + h @ U)
        hs.append(h)
    return np.stack(hs, axis=1)


def rnn_backward(x, hs, W, U, grad_h):
    n, T, _ = x.shape
    dW, dU, db, dx = np.zeros_like(W), np.zeros_like(U), np.zeros(U.shape[0]), np.zeros_like(x)
    dh = grad_h
    for t in reversed(range(T)):
        ds = dh * (1 - hs[:, t] ** 2)
        h_prev = hs[:, t - 1] if t > 0 else np.zeros_like(hs[:, 0])
        dW += x[:, t].T @ ds
        dU += h_prev.T @ ds
        db += ds.sum(axis=0)
        dx[:, t] = ds @ W.T
        dh = ds @ U.T
    return dW, dU, db, dx


def lstm_step(x_t, h_prev, c_prev, W, U, b):
    s = x_t @ W + h_prev @ U + b
    i, f, g, o = np.split(s, 4, axis=1)
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    c = sig(f) * c_prev + sig(i) * np.tanh(g)
    return sig(o) * np.tanh(c), c


def batchnorm_forward(x, gamma, beta, epsilon):
    mu = x.mean(axis=0)                                  # each feature over the batch
    var = ((x - mu) ** 2).mean(axis=0)                   # biased: divided by n
    x_hat = (x - mu) / np.sqrt(var + epsilon)
    return gamma * x_hat + beta


def batchnorm_backward(x, gamma, epsilon, g):
    m = x.shape[0]
    mu = x.mean(axis=0)
    sigma = np.sqrt(((x - mu) ** 2).mean(axis=0) + epsilon)
    x_hat = (x - mu) / sigma
    dbeta = g.sum(axis=0)
    dgamma = (g * x_hat).sum(axis=0)
    dx = gamma / (m * sigma) * (m * g - dbeta - x_hat * dgamma)
    return dx, dgamma, dbeta


def residual_backward(x, W, g):
    a = np.maximum(x, 0.0)                               # F(x) = relu(x) @ W + b
    dW = a.T @ g
    db = g.sum(axis=0)
    dx = g + (g @ W.T) * (x > 0)                         # the skip path + the path through F
    return dx, dW, db


def reparameterize(mu, log_var, eps, g):
    sigma = np.exp(0.5 * log_var)                        # the standard deviation, always positive
    z = mu + sigma * eps
    d_mu = g                                             # dz/dmu = 1
    d_log_var = g * eps * 0.5 * sigma                    # dz/dlog_var = eps dsigma/dlog_var = eps sigma / 2
    return z, d_mu, d_log_var


def gaussian_kl(mu, log_var):
    kl = -0.5 * np.sum(1 + log_var - mu**2 - np.exp(log_var), axis=1)   # one number per sample
    d_mu = mu
    d_log_var = 0.5 * (np.exp(log_var) - 1)
    return kl, d_mu, d_log_var


def causal_attention(q, k, v):
    T, d_k = q.shape[-2], q.shape[-1]
    s = q @ np.swapaxes(k, -1, -2) / np.sqrt(d_k)         # (n, T, T): every query against every key
    later = np.arange(T)[None, :] > np.arange(T)[:, None]  # key after query: not visible
    s = np.where(later, -np.inf, s)
    e = np.exp(s - s.max(axis=-1, keepdims=True))          # the row's largest visible score is finite
    a = e / e.sum(axis=-1, keepdims=True)                  # weights over the keys, each row sums to 1
    return a @ v


def split_heads(x, num_heads):
    n, T, d_model = x.shape
    x = x.reshape(n, T, num_heads, d_model // num_heads)  # head h owns features h*d_k .. (h+1)*d_k - 1
    return x.transpose(0, 2, 1, 3)                         # (n, heads, T, d_k): the heads become a batch axis


def merge_heads(heads):
    n, H, T, d_k = heads.shape
    return heads.transpose(0, 2, 1, 3).reshape(n, T, H * d_k)


CODE = {
    "00.standardize": standardize,
    "01.neuron_forward": neuron_forward,
    "01.perceptron_update": perceptron_update,
    "02.sigmoid_backward": sigmoid_backward,
    "02.relu_backward": relu_backward,
    "02.elu_backward": elu_backward,
    "03.bce_with_logits": bce_with_logits,
    "04.gradient_step": gradient_step,
    "04.minibatch_epoch": minibatch_epoch,
    "05.momentum_step": momentum_step,
    "05.adam_step": adam_step,
    "06.dense_backward": dense_backward,
    "06.two_layer_backward": two_layer_backward,
    "07.forward": forward,
    "08.glorot_uniform": glorot_uniform,
    "08.he_normal": he_normal,
    "09.softmax_ce": softmax_ce,
    "09.train_softmax": train_softmax,
    "10.dropout_forward": dropout_forward,
    "10.l2_penalty": l2_penalty,
    "11.conv2d": conv2d,
    "12.saliency": saliency,
    "13.soft_targets": soft_targets,
    "11.maxpool_backward": maxpool_backward,
    "13.distillation_loss": distillation_loss,
    "13.quantize": quantize,
    "14.batchnorm_forward": batchnorm_forward,
    "14.batchnorm_backward": batchnorm_backward,
    "14.residual_backward": residual_backward,
    "15.rnn_forward": rnn_forward,
    "15.rnn_backward": rnn_backward,
    "15.lstm_step": lstm_step,
    "16.causal_attention": causal_attention,
    "16.split_heads": split_heads,
    "16.merge_heads": merge_heads,
    "17.reparameterize": reparameterize,
    "17.gaussian_kl": gaussian_kl,
}
