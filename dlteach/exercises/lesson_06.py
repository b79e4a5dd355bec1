"""Lesson 06 (backpropagation): a Dense layer's backward pass, two layers' gradients.

Each exercise's cases (the place for its edge cases), reference, diagnoses and twin, then the
CodeExercise entries that code.py collects."""
from __future__ import annotations

import numpy as np

from ..core.activations import sigmoid
from ..core.gradcheck import numerical_gradient, rel_error
from ..core.layers import Dense
from ..core.network import MLP
from .common import bound
from .runner import Case, CodeExercise, Mismatch


def _dense_cases(rng):
    cases = []
    for n, d, k in ((4, 3, 2), (5, 2, 3), (1, 4, 1)):
        cases.append(Case({"x": rng.normal(size=(n, d)), "W": rng.normal(size=(d, k)), "b": rng.normal(size=k),
                           "grad_a": rng.normal(size=(n, k))}, f"n = {n} samples, {d} inputs, {k} units"))
    return cases


def _dense_ref(x, W, b, grad_a):
    layer = Dense(W.shape[0], W.shape[1], "tanh")
    layer.W[...], layer.b[...] = W, b
    layer.forward(x)
    dx = layer.backward(grad_a)
    return layer.dW.copy(), layer.db.copy(), dx


def _dense_diagnose(args, expected, got):
    x, W, b, grad_a = args["x"], args["W"], args["b"], args["grad_a"]
    if isinstance(got, (tuple, list)) and len(got) == 3 and np.shape(got[0]) == W.shape:
        if np.allclose(got[0], x.T @ grad_a):
            return ("the activation's derivative is missing: delta = grad_a * (1 - a**2) with a = tanh(z), "
                    "and every gradient is built from delta.")
    if isinstance(got, (tuple, list)) and len(got) == 3 and np.shape(got[1]) == b.shape:
        delta = grad_a * (1 - np.tanh(x @ W + b) ** 2)
        if np.allclose(got[1], delta.mean(axis=0)):
            return "the loss gradient already carries its 1/n; db sums delta over the samples (axis=0)."
    return None


def _dense_gradcheck(func) -> str:
    """Central differences of L = sum(a * grad_a) against the learner's dW, db, dx."""
    rng = np.random.default_rng(3)
    x, W, b, grad_a = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=2), rng.normal(size=(4, 2))
    dW, db, dx = func(x=x.copy(), W=W.copy(), b=b.copy(), grad_a=grad_a.copy())

    def loss():
        return float(np.sum(np.tanh(x @ W + b) * grad_a))

    err = max(rel_error(dW, numerical_gradient(loss, W)), rel_error(db, numerical_gradient(loss, b)),
              rel_error(dx, numerical_gradient(loss, x)))
    if not err < 1e-7:
        raise Mismatch(f"The gradient check fails: central differences differ from your gradients by {err:.3g}.")
    return f"The numerical gradient agrees {bound(err)},"


def _dense_twin(func) -> str:
    import tensorflow as tf

    rng = np.random.default_rng(4)
    x, W, b, grad_a = rng.normal(size=(5, 3)), rng.normal(size=(3, 2)), rng.normal(size=2), rng.normal(size=(5, 2))
    xv, Wv, bv = tf.Variable(x), tf.Variable(W), tf.Variable(b)
    with tf.GradientTape() as tape:
        a = tf.tanh(xv @ Wv + bv)
        loss = tf.reduce_sum(a * grad_a)  # dL/da = grad_a
    ref = [g.numpy() for g in tape.gradient(loss, [Wv, bv, xv])]
    mine = func(x=x.copy(), W=W.copy(), b=b.copy(), grad_a=grad_a.copy())
    err = max(rel_error(np.asarray(m, dtype=float), r) for m, r in zip(mine, ref))
    if not err < 1e-12:
        raise Mismatch(f"tf.GradientTape disagrees with your gradients: relative difference {err:.3g}.")
    return f"tf.GradientTape {bound(err)}."


def _two_layer_cases(rng):
    cases = []
    for n, d, h in ((6, 2, 3), (5, 3, 4), (1, 2, 2)):
        cases.append(Case({"X": rng.normal(size=(n, d)), "y": rng.integers(0, 2, (n, 1)).astype(float),
                           "W1": rng.normal(size=(d, h)), "b1": rng.normal(size=h),
                           "W2": rng.normal(size=(h, 1)), "b2": rng.normal(size=1)},
                          f"n = {n} samples, {d} inputs, {h} hidden units"))
    return cases


def _two_layer_ref(X, y, W1, b1, W2, b2):
    """dlteach's own network: Dense(tanh) then Dense(sigmoid), mean binary cross-entropy."""
    model = MLP([W1.shape[0], W1.shape[1], 1], "tanh", "sigmoid", "binary_crossentropy", seed=0)
    model.set_weights([W1, b1, W2, b2])
    model.loss_and_grads(X, y)
    hidden, out = model.dense_layers
    return hidden.dW.copy(), hidden.db.copy(), out.dW.copy(), out.db.copy()


def _two_layer_diagnose(args, expected, got):
    X, y, W1, b1, W2, b2 = (args[k] for k in ("X", "y", "W1", "b1", "W2", "b2"))
    if not (isinstance(got, (tuple, list)) and len(got) == 4 and np.shape(got[2]) == W2.shape):
        return None
    a1 = np.tanh(X @ W1 + b1)
    a2 = sigmoid(a1 @ W2 + b2)
    n = len(X)
    if np.allclose(got[2], a1.T @ (a2 - y)) and n > 1:
        return "the loss is the *mean* over the n samples, so the output's delta is (a2 - y) / n."
    if np.allclose(got[2], expected[2]) and np.shape(got[0]) == W1.shape:
        delta2 = (a2 - y) / n
        if np.allclose(got[0], X.T @ (delta2 @ W2.T)):
            return ("the output layer is right; in the hidden layer the tanh derivative is missing: "
                    "delta1 = (delta2 @ W2.T) * (1 - a1**2).")
    return None


def _two_layer_loss(X, y, W1, b1, W2, b2):
    z2 = np.tanh(X @ W1 + b1) @ W2 + b2
    return float(np.mean(np.maximum(z2, 0) - z2 * y + np.log1p(np.exp(-np.abs(z2)))))


def _two_layer_gradcheck(func) -> str:
    """Central differences of the mean binary cross-entropy against the learner's four gradients."""
    rng = np.random.default_rng(6)
    X, y = rng.normal(size=(7, 3)), rng.integers(0, 2, (7, 1)).astype(float)
    params = [rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=(4, 1)), rng.normal(size=1)]
    mine = func(**dict(zip(("X", "y", "W1", "b1", "W2", "b2"), [X.copy(), y.copy(), *[p.copy() for p in params]])))
    err = max(rel_error(np.asarray(m, dtype=float).reshape(p.shape),
                        numerical_gradient(lambda: _two_layer_loss(X, y, *params), p))
              for m, p in zip(mine, params))
    if not err < 1e-7:
        raise Mismatch(f"The gradient check fails: central differences differ from your gradients by {err:.3g}.")
    return f"The numerical gradient agrees {bound(err)},"


def _two_layer_twin(func) -> str:
    import tensorflow as tf

    rng = np.random.default_rng(7)
    X, y = rng.normal(size=(9, 2)), rng.integers(0, 2, (9, 1)).astype(float)
    params = [rng.normal(size=(2, 5)), rng.normal(size=5), rng.normal(size=(5, 1)), rng.normal(size=1)]
    variables = [tf.Variable(p) for p in params]
    with tf.GradientTape() as tape:
        W1, b1, W2, b2 = variables
        z2 = tf.tanh(X @ W1 + b1) @ W2 + b2
        loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.constant(y), logits=z2))
    ref = [g.numpy() for g in tape.gradient(loss, variables)]
    mine = func(**dict(zip(("X", "y", "W1", "b1", "W2", "b2"), [X.copy(), y.copy(), *[p.copy() for p in params]])))
    err = max(rel_error(np.asarray(m, dtype=float).reshape(r.shape), r) for m, r in zip(mine, ref))
    if not err < 1e-12:
        raise Mismatch(f"tf.GradientTape disagrees with your gradients: relative difference {err:.3g}.")
    return f"tf.GradientTape {bound(err)}."


EXERCISES = [
    CodeExercise("06.dense_backward", "dense_backward", ("x", "W", "b", "grad_a"), _dense_cases, _dense_ref,
                 outputs=("dW", "db", "dx"),
                 hint="delta = grad_a * (1 - a**2) with a = tanh(x @ W + b); dW = x.T @ delta (shape of W), "
                      "db = delta summed over the samples, dx = delta @ W.T (shape of x).",
                 good="", diagnose=_dense_diagnose, extra=_dense_gradcheck, twin=_dense_twin),
    CodeExercise("06.two_layer_backward", "two_layer_backward", ("X", "y", "W1", "b1", "W2", "b2"),
                 _two_layer_cases, _two_layer_ref, outputs=("dW1", "db1", "dW2", "db2"),
                 hint="forward: a1 = tanh(X @ W1 + b1), a2 = sigmoid(a1 @ W2 + b2). Backward: delta2 = (a2 - y) / n "
                      "(sigmoid with the mean cross-entropy), dW2 = a1.T @ delta2, db2 = delta2.sum(axis=0); "
                      "delta1 = (delta2 @ W2.T) * (1 - a1**2), dW1 = X.T @ delta1, db1 = delta1.sum(axis=0).",
                 good="Two layers or twenty: the same two lines per layer, delta = (delta_next @ W_next.T) * f'(z) "
                      "and dW = a_prev.T @ delta.",
                 diagnose=_two_layer_diagnose, extra=_two_layer_gradcheck, twin=_two_layer_twin),
]
