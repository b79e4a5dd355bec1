"""Implementation exercises: the learner writes the function, the checker runs it against the
package's own implementation (and Keras/TensorFlow where the lesson has a twin).

Each exercise is a CodeExercise (see runner.py). The references below call dlteach's engine, never
the instructors' solutions in dlteach.solutions, so a checker and a solution are two independent
implementations that the tests hold against each other.
"""
from __future__ import annotations

import numpy as np

from ..core.activations import get_activation, sigmoid, softmax
from ..core.gradcheck import numerical_gradient, rel_error
from ..core.layers import Dense
from ..core.network import MLP
from ..core.losses import binary_crossentropy, categorical_crossentropy, mse
from ..core.optimizers import SGD, Adam
from ..core.regularizers import L1L2
from ..core.training import batches
from .runner import Case, CodeExercise, Mismatch


def _bound(err: float) -> str:
    """A coarse bound for an agreement, stable across machines: '< 1e-12', '< 1e-9', ..."""
    if err == 0:
        return "exactly"
    return f"to < 1e{int(np.floor(np.log10(err))) + 1}"


def _tf_twin(label: str, make, reference, tol: float = 1e-12):
    """A twin check: reference(tf, keras, **args) computes with TensorFlow/Keras in float64 what the
    learner's function returns for make(rng); the learner's result must agree to tol (relative)."""

    def twin(func) -> str:
        import keras  # imported only here, once the learner's function has passed every case
        import tensorflow as tf

        args = make(np.random.default_rng(5))
        ref = reference(tf, keras, **{k: np.copy(v) for k, v in args.items()})
        mine = func(**{k: np.copy(v) for k, v in args.items()})
        refs, mines = (ref, mine) if isinstance(ref, tuple) else ((ref,), (mine,))
        err = max(rel_error(np.asarray(m, dtype=float).reshape(np.shape(r)), np.asarray(r, dtype=float))
                  for m, r in zip(mines, refs))
        if not err < tol:
            raise Mismatch(f"Your result agrees with the cases but not with {label}: relative difference {err:.3g}.")
        return f"{label} agrees {_bound(err)}."

    return twin


def _tape_gradient(tf, fn, z, grad_a):
    z = tf.constant(z)
    with tf.GradientTape() as tape:
        tape.watch(z)
        a = fn(z)
    return tape.gradient(a, z, output_gradients=tf.constant(grad_a)).numpy()


def _keras_neuron(tf, keras, X, w, b):
    layer = keras.layers.Dense(1, activation="sigmoid", dtype="float64")
    layer.build((None, len(w)))
    layer.set_weights([w[:, None], np.atleast_1d(b)])
    return layer(X).numpy()[:, 0]


def _keras_epoch(tf, keras, w, X, y, learning_rate, batch_size):
    var = tf.Variable(w)
    opt = keras.optimizers.SGD(learning_rate=float(learning_rate))
    for i in range(0, len(X), int(batch_size)):
        X_b, y_b = tf.constant(X[i:i + int(batch_size)]), tf.constant(y[i:i + int(batch_size)])
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((tf.linalg.matvec(X_b, var) - y_b) ** 2)
        opt.apply_gradients([(tape.gradient(loss, var), var)])
    return var.numpy()


def _keras_forward(tf, keras, X, W1, b1, W2, b2):
    model = keras.Sequential([keras.Input((2,), dtype="float64"),
                              keras.layers.Dense(W1.shape[1], "tanh", dtype="float64"),
                              keras.layers.Dense(1, "sigmoid", dtype="float64")])
    model.set_weights([W1, b1, W2, b2])
    return model(X).numpy()


def _tf_softmax_ce(tf, keras, z, Y):
    z = tf.constant(z)
    with tf.GradientTape() as tape:
        tape.watch(z)
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=tf.constant(Y), logits=z))
    return float(loss), tape.gradient(loss, z).numpy()


def _twin_args(kind):
    def make(rng):
        if kind == "neuron":
            return {"X": rng.normal(size=(6, 3)), "w": rng.normal(size=3), "b": np.float64(rng.normal())}
        if kind == "activation":
            return {"z": np.r_[rng.normal(0, 3, 7), 0.0, 50.0, -50.0], "grad_a": rng.normal(size=10)}
        if kind == "epoch":
            X = rng.normal(size=(11, 3))
            return {"w": rng.normal(size=3), "X": X, "y": X @ rng.normal(size=3), "learning_rate": np.float64(0.05),
                    "batch_size": np.int64(4)}
        if kind == "forward":
            return {"X": rng.normal(size=(5, 2)), "W1": rng.normal(size=(2, 4)), "b1": rng.normal(size=4),
                    "W2": rng.normal(size=(4, 1)), "b2": rng.normal(size=1)}
        if kind == "conv":
            return {"image": rng.normal(size=(7, 6)), "kernel": rng.normal(size=(3, 2))}
        if kind == "maxpool":
            return {"x": rng.normal(size=(6, 8)), "grad_out": rng.normal(size=(3, 4))}
        if kind == "saliency":
            return {"x": rng.normal(size=5), "W1": rng.normal(size=(5, 4)), "b1": rng.normal(size=4),
                    "W2": rng.normal(size=(4, 3)), "b2": rng.normal(size=3), "c": 2}
        if kind == "softmax_ce":
            return {"z": np.r_[rng.normal(0, 3, (4, 5)), [[900.0, 0, 0, 0, -900.0]]],
                    "Y": np.eye(5)[rng.integers(0, 5, 5)]}
        raise ValueError(kind)
    return make


# ------------------------------------------------------------------ 00 standardize

def _standardize_cases(rng):
    cases = []
    for n, m, d in ((20, 5, 2), (50, 7, 3), (8, 3, 4)):
        scale = rng.uniform(0.5, 30, d)
        X_train = rng.normal(rng.uniform(-5, 5, d), scale, (n, d))
        X = rng.normal(rng.uniform(-5, 5, d), 2 * scale, (m, d))  # other data: other statistics
        cases.append(Case({"X_train": X_train, "X": X}))
    return cases


def _standardize_ref(X_train, X):
    return (X - X_train.mean(axis=0)) / X_train.std(axis=0)


def _standardize_diagnose(args, expected, got):
    X_train, X = args["X_train"], args["X"]
    own = (X - X.mean(axis=0)) / X.std(axis=0)
    if np.shape(got) == own.shape and np.allclose(got, own):
        return ("you scaled X with its own mean and std. Validation and test data must be scaled with the "
                "training statistics, or information leaks from them into the model.")
    pooled = (X - X_train.mean()) / X_train.std()
    if np.shape(got) == pooled.shape and np.allclose(got, pooled):
        return "one mean and one std for the whole array: take them per column (feature), axis=0."
    return None


# ------------------------------------------------------------------ 01 neuron

def _neuron_cases(rng):
    cases = [Case({"X": rng.normal(size=(n, d)), "w": rng.normal(size=d), "b": float(rng.normal())})
             for n, d in ((4, 2), (6, 3), (1, 5))]
    cases.append(Case({"X": np.array([[1.0, -2.0], [0.0, 0.0], [400.0, 300.0]]), "w": np.array([2.0, 1.0]),
                       "b": -1.0}, "large z"))
    return cases


def _neuron_ref(X, w, b):
    return sigmoid(X @ w + b)


def _neuron_diagnose(args, expected, got):
    z = args["X"] @ args["w"] + args["b"]
    if np.shape(got) == z.shape and np.allclose(got, z):
        return "that is z = X w + b; the neuron's output is a = sigmoid(z)."
    if np.shape(got) == z.shape and np.allclose(got, sigmoid(args["X"] @ args["w"])):
        return "the bias b is missing from z."
    return None


def _perceptron_cases(rng):
    cases = []
    for y in (1.0, 0.0):  # a point on the wrong side, for each class
        w, x = rng.normal(size=3), rng.normal(size=3)
        b = float(-(x @ w) + (-1.0 if y == 1 else 1.0))  # puts x on the wrong side
        cases.append(Case({"w": w, "b": b, "x": x, "y": y, "eta": 0.1}, f"a misclassified point with y = {y:g}"))
    w, x = rng.normal(size=2), rng.normal(size=2)
    b = float(-(x @ w) + 2.0)
    cases.append(Case({"w": w, "b": b, "x": x, "y": 1.0, "eta": 0.5}, "a correctly classified point"))
    cases.append(Case({"w": np.zeros(2), "b": 0.0, "x": np.array([1.0, 1.0]), "y": 1.0, "eta": 0.1},
                      "z = 0 exactly, where y_hat = [z > 0] = 0"))
    return cases


def _perceptron_ref(w, b, x, y, eta):
    y_hat = float(x @ w + b > 0)
    return w + eta * (y - y_hat) * x, b + eta * (y - y_hat)


# ------------------------------------------------------------------ 02 activations

def _activation_cases(rng):
    return [Case({"z": rng.normal(0, 2, 5), "grad_a": rng.normal(size=5)}),
            Case({"z": rng.normal(0, 3, (3, 4)), "grad_a": rng.normal(size=(3, 4))}, "a (3, 4) batch"),
            Case({"z": np.array([-800.0, -40.0, 0.0, 40.0, 800.0]), "grad_a": np.ones(5)}, "large |z|"),
            Case({"z": np.array([-2.0, -0.5, 0.0, 0.5, 2.0]), "grad_a": np.full(5, 3.0)}, "z = 0 included")]


def _sigmoid_backward_ref(z, grad_a):
    a = sigmoid(z)
    return grad_a * a * (1.0 - a)


def _sigmoid_backward_diagnose(args, expected, got):
    a = sigmoid(args["z"])
    if np.shape(got) == a.shape and np.allclose(got, a * (1 - a)):
        return "that is sigma'(z) alone; the chain rule multiplies it by the incoming gradient grad_a."
    if np.shape(got) == a.shape and np.allclose(got, args["grad_a"] * a):
        return "sigma'(z) is sigma(z) (1 - sigma(z)), not sigma(z)."
    return None


def _relu_backward_ref(z, grad_a):
    return grad_a * (z > 0)


def _elu_backward_ref(z, grad_a):
    act = get_activation("elu")
    return act.backward(z, act.forward(z), grad_a)


def _elu_backward_diagnose(args, expected, got):
    z, grad_a = args["z"], args["grad_a"]
    a = get_activation("elu").forward(z)
    if np.shape(got) == z.shape and np.allclose(got, grad_a * np.where(z > 0, 1.0, a)):
        return "below zero the slope of e^z - 1 is e^z (= a + 1), not a."
    if np.shape(got) == z.shape and np.allclose(got, np.where(z > 0, 1.0, a + 1.0)):
        return "that is f'(z) alone; the chain rule multiplies it by the incoming gradient grad_a."
    return None


# ------------------------------------------------------------------ 03 binary cross-entropy from logits

def _bce_cases(rng):
    cases = []
    for n in (4, 7):
        cases.append(Case({"z": rng.normal(0, 3, n), "y": rng.integers(0, 2, n).astype(float)}))
    cases.append(Case({"z": np.array([1000.0, -1000.0, 1000.0, -1000.0, 0.0]),
                       "y": np.array([1.0, 0.0, 0.0, 1.0, 1.0])}, "|z| = 1000: confident, right and wrong"))
    return cases


def _bce_ref(z, y):
    loss, grad = binary_crossentropy(y[:, None], z[:, None], from_logits=True)
    return loss, grad[:, 0]


def _bce_diagnose(args, expected, got):
    z, y = args["z"], args["y"]
    n = len(z)
    if isinstance(got, (tuple, list)) and len(got) == 2 and np.shape(got[1]) == z.shape:
        g = np.asarray(got[1], dtype=float)
        if np.allclose(g, sigmoid(z) - y):
            return "the gradient of the *mean* loss carries a factor 1/n: (sigmoid(z) - y) / n."
        if np.allclose(g, (y - sigmoid(z)) / n):
            return "sign error in the gradient: dL/dz = (sigmoid(z) - y) / n, positive when z is too large."
    return None


def _bce_twin(func) -> str:
    import tensorflow as tf  # only this exercise pays for TensorFlow, and only after the cases pass

    rng = np.random.default_rng(1)
    z = np.r_[rng.normal(0, 4, 6), 1000.0, -1000.0]
    y = np.r_[rng.integers(0, 2, 6), 0, 1].astype(float)
    z_tf = tf.constant(z)
    with tf.GradientTape() as tape:
        tape.watch(z_tf)
        loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.constant(y), logits=z_tf))
    grad = tape.gradient(loss, z_tf).numpy()
    my_loss, my_grad = func(z=z.copy(), y=y.copy())
    err = max(abs(float(my_loss) - float(loss)) / max(abs(float(loss)), 1e-300), rel_error(my_grad, grad))
    if not err < 1e-9:
        raise Mismatch(f"Your function agrees with the cases but not with TensorFlow "
                       f"(tf.nn.sigmoid_cross_entropy_with_logits): relative difference {err:.3g}.")
    return f"TensorFlow (sigmoid_cross_entropy_with_logits and GradientTape) agrees {_bound(err)}."


# ------------------------------------------------------------------ 04 mini-batch gradient descent

def _epoch_cases(rng):
    cases = []
    for n, d, B in ((12, 2, 4), (10, 3, 4), (9, 2, 9)):
        X = rng.normal(size=(n, d))
        y = X @ rng.normal(size=d) + 0.1 * rng.normal(size=n)
        note = {4: "the last batch is smaller" if n % B else "", 9: "one full batch"}.get(B, "")
        cases.append(Case({"w": rng.normal(size=d), "X": X, "y": y, "learning_rate": 0.1, "batch_size": B}, note))
    return cases


def _epoch_ref(w, X, y, learning_rate, batch_size):
    w = w.copy()
    for idx in batches(len(X), batch_size, None):  # in order, no shuffling
        _, dL_dy_hat = mse(y[idx, None], (X[idx] @ w)[:, None])  # (2/B)(y_hat - y), shape (B, 1)
        w = w - learning_rate * (X[idx].T @ dL_dy_hat)[:, 0]
    return w


def _epoch_diagnose(args, expected, got):
    X, y, lr, B = args["X"], args["y"], args["learning_rate"], args["batch_size"]
    w = args["w"].copy()
    for i in range(0, len(X) - B + 1, B):  # full batches only
        Xb, yb = X[i:i + B], y[i:i + B]
        w = w - lr * 2 / B * Xb.T @ (Xb @ w - yb)
    if len(X) % B and np.shape(got) == w.shape and np.allclose(got, w):
        return "the last, smaller batch is missing: range(0, n, batch_size) visits it too."
    for factor in (2.0, 1.0):
        w = args["w"].copy()
        for i in range(0, len(X), B):  # summed, not averaged, over the batch
            Xb, yb = X[i:i + B], y[i:i + B]
            w = w - lr * factor * Xb.T @ (Xb @ w - yb)
        if np.shape(got) == w.shape and np.allclose(got, w):
                return ("the loss is the *mean* over the batch, so its gradient has a factor 1/B (len(X_b) for "
                    "the last batch); without it the step grows with the batch size.")
    return None


def _step_cases(rng):
    cases = []
    for n, d in ((8, 2), (5, 3), (1, 2)):
        X = rng.normal(size=(n, d))
        y = X @ rng.normal(size=d) + 0.1 * rng.normal(size=n)
        cases.append(Case({"w": rng.normal(size=d), "X": X, "y": y, "learning_rate": 0.1},
                          "one sample" if n == 1 else ""))
    return cases


def _step_ref(w, X, y, learning_rate):
    _, dL_dy_hat = mse(y[:, None], (X @ w)[:, None])  # (2/n)(y_hat - y), shape (n, 1)
    return w - learning_rate * (X.T @ dL_dy_hat)[:, 0]


def _step_diagnose(args, expected, got):
    X, y, w, lr = args["X"], args["y"], args["w"], args["learning_rate"]
    r = X @ w - y
    wrong = {"the gradient's factor 2 (from the square) is missing": w - lr * X.T @ r / len(X),
             "the loss is the *mean* over the samples: divide the summed gradient by n": w - lr * 2 * X.T @ r,
             "the step goes uphill: w - learning_rate * gradient, with gradient = (2/n) X.T @ (X @ w - y)":
                 w + lr * 2 * X.T @ r / len(X)}
    for why, value in wrong.items():
        if np.shape(got) == value.shape and np.allclose(got, value):
            return why
    return None


def _step_twin_args(rng):
    X = rng.normal(size=(9, 3))
    return {"w": rng.normal(size=3), "X": X, "y": X @ rng.normal(size=3), "learning_rate": np.float64(0.05)}


def _keras_step(tf, keras, w, X, y, learning_rate):
    return _keras_epoch(tf, keras, w, X, y, learning_rate, len(X))  # one batch of all n samples: one step


# ------------------------------------------------------------------ 05 optimizers

def _state_cases(rng, with_v: bool):
    cases = []
    for shape, t in (((3,), 1), ((2, 3), 2), ((4,), 10), ((3,), 1000)):
        args = {"w": rng.normal(size=shape), "m": 0.1 * rng.normal(size=shape)}
        if with_v:
            args["v"] = 0.01 * rng.uniform(0.1, 1, shape)
            if t == 1:
                args["m"], args["v"] = np.zeros(shape), np.zeros(shape)  # the first step starts from zero
        args["g"] = rng.normal(size=shape)
        if with_v:
            args |= {"t": t, "learning_rate": 0.01, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}
            note = f"step t = {t}"
        else:
            args |= {"learning_rate": 0.05, "momentum": 0.9}
            note = "" if t != 1 else "first step, m = 0"
            if t == 1:
                args["m"] = np.zeros(shape)
        cases.append(Case(args, note))
    return cases


def _momentum_ref(w, m, g, learning_rate, momentum):
    opt = SGD(learning_rate, momentum=momentum)
    opt.state[0] = {"m": m.copy()}
    w = w.copy()
    opt.step([("w", w, g)])
    return w, opt.state[0]["m"]


def _momentum_diagnose(args, expected, got):
    if isinstance(got, (tuple, list)) and len(got) == 2:
        m_classic = args["momentum"] * args["m"] + args["g"]
        if np.shape(got[1]) == m_classic.shape and np.allclose(got[1], m_classic):
            return ("that is the textbook velocity m = mu m + g. Keras (and this lesson) keep the step itself: "
                    "m = mu m - lr g, then w = w + m.")
    return None


def _adam_ref(w, m, v, g, t, learning_rate, beta_1, beta_2, epsilon):
    opt = Adam(learning_rate, beta_1, beta_2, epsilon)
    opt.iterations = t - 1
    opt.state[0] = {"m": m.copy(), "v": v.copy()}
    w = w.copy()
    opt.step([("w", w, g)])
    return w, opt.state[0]["m"], opt.state[0]["v"]


def _adam_diagnose(args, expected, got):
    if isinstance(got, (tuple, list)) and len(got) == 3 and np.shape(got[0]) == np.shape(args["w"]):
        b1, b2 = args["beta_1"], args["beta_2"]
        m = b1 * args["m"] + (1 - b1) * args["g"]
        v = b2 * args["v"] + (1 - b2) * args["g"] ** 2
        plain = args["w"] - args["learning_rate"] * m / (np.sqrt(v) + args["epsilon"])
        if np.allclose(got[0], plain, rtol=1e-6):
            return ("the bias correction is missing: m and v start at 0, so early on they are too small; "
                    "divide by (1 - beta_1^t) and (1 - beta_2^t) (or use alpha_t).")
    return None


def _optimizer_twin(kind: str):
    """Iterate the learner's step on a fixed gradient sequence and compare with the Keras optimizer."""

    def twin(func) -> str:
        import keras
        import tensorflow as tf

        rng = np.random.default_rng(2)
        grads = rng.normal(size=(8, 3))
        w0 = rng.normal(size=3)
        if kind == "momentum":
            opt = keras.optimizers.SGD(learning_rate=0.05, momentum=0.9)
        else:
            opt = keras.optimizers.Adam(learning_rate=0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-7)
        var = tf.Variable(w0.copy(), dtype=tf.float64)
        keras_path = []
        for g in grads:
            opt.apply_gradients([(tf.constant(g), var)])
            keras_path.append(var.numpy().copy())
        w, m, v = w0.copy(), np.zeros(3), np.zeros(3)
        mine = []
        for t, g in enumerate(grads, start=1):
            if kind == "momentum":
                w, m = func(w=w, m=m, g=g.copy(), learning_rate=0.05, momentum=0.9)
            else:
                w, m, v = func(w=w, m=m, v=v, g=g.copy(), t=t, learning_rate=0.01, beta_1=0.9, beta_2=0.999,
                               epsilon=1e-7)
            mine.append(np.asarray(w, dtype=float).copy())
        err = rel_error(np.array(mine), np.array(keras_path))
        tol = 1e-7 if kind == "momentum" else 1e-5  # Keras passes momentum and betas through float32
        if not err < tol:
            raise Mismatch(f"One step is right, but 8 steps in a row differ from keras.optimizers."
                           f"{type(opt).__name__} on the same gradients (relative difference {err:.3g}): "
                           "does your function keep its state only in the returned values?")
        return f"8 steps agree with keras.optimizers.{type(opt).__name__} {_bound(err)}."

    return twin


# ------------------------------------------------------------------ 06 a Dense layer's backward pass

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
    return f"The numerical gradient agrees {_bound(err)},"


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
    return f"tf.GradientTape {_bound(err)}."


# ------------------------------------------------------------------ 06 backprop through two layers

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
    return f"The numerical gradient agrees {_bound(err)},"


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
    return f"tf.GradientTape {_bound(err)}."


# ------------------------------------------------------------------ 07 a Playground network's forward pass

def _forward_cases(rng):
    cases = []
    for n, h in ((5, 4), (3, 2), (1, 3)):
        cases.append(Case({"X": rng.normal(size=(n, 2)), "W1": rng.normal(size=(2, h)), "b1": rng.normal(size=h),
                           "W2": rng.normal(size=(h, 1)), "b2": rng.normal(size=1)}, f"{h} hidden neurons"))
    return cases


def _forward_ref(X, W1, b1, W2, b2):
    hidden = Dense(W1.shape[0], W1.shape[1], "tanh")
    out = Dense(W2.shape[0], 1, "sigmoid")
    hidden.W[...], hidden.b[...], out.W[...], out.b[...] = W1, b1, W2, b2
    return out.forward(hidden.forward(X))


def _forward_diagnose(args, expected, got):
    X, W1, b1, W2, b2 = args["X"], args["W1"], args["b1"], args["W2"], args["b2"]
    linear_hidden = sigmoid((X @ W1 + b1) @ W2 + b2)
    if np.shape(got) == linear_hidden.shape and np.allclose(got, linear_hidden):
        return ("the hidden layer needs its tanh: without it two layers collapse into one straight line.")
    return None


# ------------------------------------------------------------------ 08 Glorot-uniform initialisation

def _glorot_checks(func) -> str:
    """A random answer cannot be compared value by value: check its shape, its bound, its mean, variance
    and shape of distribution on a large draw, and that it draws from the generator it is given."""
    for n_in, n_out in ((3, 2), (1, 5), (64, 32)):
        W = func(n_in=n_in, n_out=n_out, rng=np.random.default_rng(0))
        if W is None:
            raise Mismatch("glorot_uniform() returned None. Did you forget `return`?")
        if not isinstance(W, np.ndarray) or W.shape != (n_in, n_out):
            got = f"shape {W.shape}" if isinstance(W, np.ndarray) else type(W).__name__
            raise Mismatch(f"glorot_uniform({n_in}, {n_out}, rng) should return an array of shape ({n_in}, {n_out}) "
                           f"(Keras's layout: one row per input), got {got}.")
    n_in, n_out = 300, 500
    limit = np.sqrt(6 / (n_in + n_out))
    W = np.asarray(func(n_in=n_in, n_out=n_out, rng=np.random.default_rng(1)), dtype=float)
    again = np.asarray(func(n_in=n_in, n_out=n_out, rng=np.random.default_rng(1)), dtype=float)
    if not np.array_equal(W, again):
        raise Mismatch("Two calls with generators of the same seed gave different weights. Hint: draw from `rng` "
                       "(rng.uniform(...)), not from np.random, so that a seed makes training reproducible.")
    var, sd = float(W.var()), limit / np.sqrt(3)
    if np.abs(W).max() > limit * (1 + 1e-12):
        raise Mismatch(f"Some weights lie outside [-limit, limit] with limit = sqrt(6 / (n_in + n_out)) = {limit:.4f} "
                       f"for ({n_in}, {n_out}): the largest |w| is {np.abs(W).max():.4f}. Hint: a uniform draw "
                       "between -limit and limit.")
    if abs(W.mean()) > 5 * sd / np.sqrt(W.size):
        raise Mismatch(f"The weights' mean is {W.mean():.4f}, not 0. Hint: draw between -limit and +limit.")
    if abs(var / sd**2 - 1) > 0.02:
        raise Mismatch(f"For ({n_in}, {n_out}) the variance should be limit²/3 = 2 / (n_in + n_out) = {sd**2:.3g}; "
                       f"yours is {var:.3g} ({var / sd**2:.2f} times). Hint: limit = sqrt(6 / (n_in + n_out)), "
                       "with both fan-in and fan-out.")
    inner = float(np.mean(np.abs(W) < limit / 2))
    if abs(inner - 0.5) > 0.01:
        raise Mismatch(f"{inner:.0%} of the weights lie within limit/2 of 0; a uniform distribution puts 50 % there "
                       "(a normal one with the same variance 62 %). Hint: rng.uniform, not rng.normal.")
    return (f"Variance {var:.2e} = 2 / (n_in + n_out) within 2 %, all |w| <= limit, uniform: the signal's variance "
            "stays about the same forwards and backwards.")


def _he_checks(func) -> str:
    """He-normal is random too: check shape, generator, mean, a variance of 2 / n_in (fan-in only)
    and a bell shape (most weights near 0), on large draws."""
    for n_in, n_out in ((3, 2), (1, 5), (64, 32)):
        W = func(n_in=n_in, n_out=n_out, rng=np.random.default_rng(0))
        if W is None:
            raise Mismatch("he_normal() returned None. Did you forget `return`?")
        if not isinstance(W, np.ndarray) or W.shape != (n_in, n_out):
            got = f"shape {W.shape}" if isinstance(W, np.ndarray) else type(W).__name__
            raise Mismatch(f"he_normal({n_in}, {n_out}, rng) should return an array of shape ({n_in}, {n_out}), "
                           f"got {got}.")
    a = np.asarray(func(n_in=50, n_out=20, rng=np.random.default_rng(1)), dtype=float)
    b = np.asarray(func(n_in=50, n_out=20, rng=np.random.default_rng(1)), dtype=float)
    if not np.array_equal(a, b):
        raise Mismatch("Two calls with generators of the same seed gave different weights. Hint: draw from `rng` "
                       "(rng.normal(...)), not from np.random.")
    for n_in, n_out in ((200, 400), (200, 50)):  # same fan-in, different fan-out: the same variance
        W = np.asarray(func(n_in=n_in, n_out=n_out, rng=np.random.default_rng(2)), dtype=float)
        target = 2.0 / n_in
        var = float(W.var())
        if abs(W.mean()) > 5 * np.sqrt(target / W.size):
            raise Mismatch(f"The weights' mean is {W.mean():.4f}, not 0.")
        if abs(var / target - 1) > 0.03:
            raise Mismatch(f"For ({n_in}, {n_out}) the variance should be 2 / n_in = {target:.3g}; yours is "
                           f"{var:.3g} ({var / target:.2f} times). Hint: He uses the fan-in only, std = "
                           "sqrt(2 / n_in): the factor 2 makes up for ReLU zeroing half of its inputs.")
        inner = float(np.mean(np.abs(W) < np.sqrt(target)))
        if inner < 0.64:
            raise Mismatch(f"Only {inner:.0%} of the weights lie within one standard deviation of 0; a normal "
                           "distribution puts 68 % there (a uniform one 58 %). Hint: rng.normal.")
    return (f"Variance {var:.2e} = 2 / n_in within 3 % whatever n_out: ReLU layers keep the signal's "
            "variance from layer to layer.")


# ------------------------------------------------------------------ 09 softmax + cross-entropy

def _softmax_ce_cases(rng):
    cases = []
    for n, k in ((4, 3), (6, 10), (1, 2)):
        labels = rng.integers(0, k, n)
        cases.append(Case({"z": rng.normal(0, 2, (n, k)), "Y": np.eye(k)[labels]}, f"{n} samples, {k} classes"))
    z = np.array([[1000.0, 0.0, -1000.0], [0.0, 1000.0, 999.0]])
    cases.append(Case({"z": z, "Y": np.eye(3)[[0, 2]]}, "logits of size 1000"))
    return cases


def _softmax_ce_ref(z, Y):
    return categorical_crossentropy(Y, z, from_logits=True)


def _softmax_ce_diagnose(args, expected, got):
    z, Y = args["z"], args["Y"]
    if isinstance(got, (tuple, list)) and len(got) == 2 and np.shape(got[1]) == z.shape:
        if np.allclose(np.asarray(got[1], dtype=float), softmax(z) - Y):
            return "the gradient of the *mean* loss carries a factor 1/n: (softmax(z) - Y) / n."
    return None


# ------------------------------------------------------------------ 10 inverted dropout

def _dropout_cases(rng):
    cases = []
    for shape, rate in (((4, 5), 0.5), ((3, 6), 0.2), ((2, 8), 0.75)):
        mask = (rng.random(shape) >= rate).astype(float)
        cases.append(Case({"x": rng.normal(size=shape), "mask": mask, "rate": rate}, f"rate = {rate}"))
    return cases


def _dropout_ref(x, mask, rate):
    return x * mask / (1.0 - rate)  # kept units scaled up: the expected activation is unchanged


# ------------------------------------------------------------------ 09 a training loop for softmax regression

def _train_softmax_cases(rng):
    cases = []
    for n, d, k, epochs in ((6, 3, 4, 1), (10, 5, 3, 3), (4, 2, 2, 2)):
        cases.append(Case({"X": rng.normal(size=(n, d)), "Y": np.eye(k)[rng.integers(0, k, n)],
                           "learning_rate": 0.5, "epochs": epochs, "batch_size": n, "seed": 0},
                          f"{n} samples, {k} classes, {epochs} epoch(s) of one full batch (the order does not matter)"))
    return cases


def _train_softmax_ref(X, Y, learning_rate, epochs, batch_size, seed):
    W, b = np.zeros((X.shape[1], Y.shape[1])), np.zeros(Y.shape[1])
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for i in range(0, len(X), batch_size):
            idx = order[i:i + batch_size]
            _, dL_dz = categorical_crossentropy(Y[idx], X[idx] @ W + b, from_logits=True)
            W, b = W - learning_rate * X[idx].T @ dL_dz, b - learning_rate * dL_dz.sum(axis=0)
    return W, b


def _train_softmax_diagnose(args, expected, got):
    W_ref, b_ref = expected
    if isinstance(got, (tuple, list)) and len(got) == 2 and np.shape(got[1]) == b_ref.shape:
        if np.allclose(np.asarray(got[1], dtype=float), 0.0) and not np.allclose(b_ref, 0.0):
            return "b never changed: the bias's gradient is dL/dz summed over the batch's samples."
    return None


def _train_softmax_digits(func) -> str:
    """Train on the 8x8 digits with the lesson's settings: the result must reach 95 % test accuracy,
    and the batches must be shuffled by `seed` (reproducible, and different for another seed)."""
    from .. import data  # noqa: PLC0415 (scikit-learn's digits, loaded only here)

    X_train, X_test, y_train, y_test = data.load_digits()
    Y_train = data.one_hot(y_train, 10)
    small = {"X": X_train[:40], "Y": Y_train[:40], "learning_rate": 0.5, "epochs": 2, "batch_size": 8}
    first, again, other = (np.asarray(func(**small, seed=s)[0], dtype=float) for s in (0, 0, 1))
    if not np.array_equal(first, again):
        raise Mismatch("Two runs with the same seed gave different weights. Hint: shuffle with "
                       "rng = np.random.default_rng(seed), created once, then rng.permutation(n) each epoch.")
    if np.array_equal(first, other):
        raise Mismatch("seed 0 and seed 1 gave the same weights with batches of 8: the batches are not shuffled "
                       "by the seed. Hint: each epoch, visit the samples in the order rng.permutation(n).")
    W, b = func(X=X_train, Y=Y_train, learning_rate=0.5, epochs=20, batch_size=32, seed=0)
    acc = float(np.mean((X_test @ np.asarray(W, dtype=float) + np.asarray(b, dtype=float)).argmax(axis=1) == y_test))
    if acc < 0.95:
        raise Mismatch(f"Trained on the 1,437 training digits (learning rate 0.5, 20 epochs, batches of 32) your "
                       f"weights reach {acc:.3f} test accuracy; softmax regression reaches 0.95 or more. Hint: one "
                       "step per mini-batch of batch_size samples, not one per epoch.")
    return f"On the digits your loop reaches {acc:.3f} test accuracy (360 test images)."


# ------------------------------------------------------------------ 10 the L2 penalty and its gradient

def _l2_cases(rng):
    cases = [Case({"W": rng.normal(size=shape), "l2": l2}, f"W of shape {shape}, l2 = {l2}")
             for shape, l2 in (((3, 4), 0.01), ((2, 5), 0.5), ((6, 1), 0.003))]
    cases.append(Case({"W": np.zeros((2, 3)), "l2": 0.1}, "all weights 0"))
    return cases


def _l2_ref(W, l2):
    reg = L1L2(l2=l2)
    return reg.penalty(W), reg.grad(W)


def _l2_diagnose(args, expected, got):
    W, l2 = args["W"], args["l2"]
    if isinstance(got, (tuple, list)) and len(got) == 2:
        if np.size(got[0]) == 1 and np.isclose(float(np.asarray(got[0])), 0.5 * l2 * np.sum(W**2)):
            return "Keras's L2 penalty has no 1/2: l2 * sum(W**2), so its gradient is 2 * l2 * W."
        if np.shape(got[1]) == W.shape and np.allclose(np.asarray(got[1], dtype=float), l2 * W):
            return "d/dW of l2 * W**2 is 2 * l2 * W: the factor 2 from the square is missing."
    return None


def _tf_l2(tf, keras, W, l2):
    W = tf.Variable(W)
    with tf.GradientTape() as tape:
        penalty = keras.regularizers.L2(float(l2))(W)
    return float(penalty), tape.gradient(penalty, W).numpy()


# ------------------------------------------------------------------ 11 a convolution (cross-correlation) with loops

def _conv_cases(rng):
    cases = [Case({"image": rng.normal(size=(h, w)), "kernel": rng.normal(size=(kh, kw))}, f"{h}x{w} image, "
                  f"{kh}x{kw} kernel") for (h, w), (kh, kw) in (((5, 5), (3, 3)), ((6, 4), (2, 3)), ((3, 3), (3, 3)))]
    edge = np.zeros((5, 6))
    edge[:, 3:] = 1.0
    cases.append(Case({"image": edge, "kernel": np.array([[1.0, 0.0, -1.0]] * 3)}, "a vertical edge, Sobel-like kernel"))
    return cases


def _conv_ref(image, kernel):
    windows = np.lib.stride_tricks.sliding_window_view(image, kernel.shape)  # (H-kh+1, W-kw+1, kh, kw)
    return np.einsum("ijkl,kl->ij", windows, kernel)


def _conv_diagnose(args, expected, got):
    flipped = _conv_ref(args["image"], args["kernel"][::-1, ::-1])
    if np.shape(got) == flipped.shape and np.allclose(got, flipped) and not np.allclose(flipped, expected):
        return ("you flipped the kernel: that is the convolution of mathematics. Keras's Conv2D (and this "
                "lesson) computes the cross-correlation, sum(image[i:i+kh, j:j+kw] * kernel), without flipping.")
    return None


def _tf_conv(tf, keras, image, kernel):
    x = tf.constant(image[None, :, :, None])
    k = tf.constant(kernel[:, :, None, None])
    return tf.nn.conv2d(x, k, strides=1, padding="VALID").numpy()[0, :, :, 0]


# ------------------------------------------------------------------ 12 saliency of an MLP (tanh hidden layer:
# the lesson shows the ReLU formula W1 (m * W2[:, c]), so the exercise asks for the chain rule through tanh)

def _saliency_cases(rng):
    cases = []
    for d, h, k in ((4, 5, 3), (6, 3, 2), (8, 8, 10)):
        cases.append(Case({"x": rng.normal(size=d), "W1": rng.normal(size=(d, h)), "b1": rng.normal(size=h),
                           "W2": rng.normal(size=(h, k)), "b2": rng.normal(size=k), "c": int(rng.integers(0, k))},
                          f"{d} inputs, {h} hidden tanh units, {k} classes"))
    return cases


def _saliency_ref(x, W1, b1, W2, b2, c):
    hidden = Dense(W1.shape[0], W1.shape[1], "tanh")
    out = Dense(W2.shape[0], W2.shape[1], "linear")
    hidden.W[...], hidden.b[...], out.W[...], out.b[...] = W1, b1, W2, b2
    out.forward(hidden.forward(x[None, :]))
    grad_z = np.zeros((1, W2.shape[1]))
    grad_z[0, c] = 1.0  # d z_c / d z
    return hidden.backward(out.backward(grad_z))[0]


def _saliency_diagnose(args, expected, got):
    no_derivative = args["W1"] @ args["W2"][:, args["c"]]
    if np.shape(got) == no_derivative.shape and np.allclose(got, no_derivative):
        return ("the tanh's derivative is missing: each hidden unit passes the gradient back multiplied by "
                "1 - h**2 (h = tanh(x @ W1 + b1)), before it goes through W1.")
    relu_mask = args["W1"] @ (args["W2"][:, args["c"]] * (args["x"] @ args["W1"] + args["b1"] > 0))
    if np.shape(got) == relu_mask.shape and np.allclose(got, relu_mask):
        return "that is the ReLU network's mask; this hidden layer is tanh, whose derivative is 1 - h**2."
    return None


def _tf_saliency(tf, keras, x, W1, b1, W2, b2, c):
    x = tf.constant(x[None, :])
    with tf.GradientTape() as tape:
        tape.watch(x)
        z = tf.tanh(x @ W1 + b1) @ W2 + b2
        z_c = z[0, int(c)]
    return tape.gradient(z_c, x).numpy()[0]


# ------------------------------------------------------------------ 11 max-pooling backward

def _maxpool_cases(rng):
    cases = [Case({"x": rng.normal(size=(h, w)), "grad_out": rng.normal(size=(h // 2, w // 2))}, f"a {h}x{w} map")
             for h, w in ((4, 4), (6, 4), (2, 2), (8, 6))]
    x = np.arange(16.0).reshape(4, 4)[::-1]  # every window's maximum in its top-left corner
    cases.append(Case({"x": x, "grad_out": np.array([[1.0, 2.0], [3.0, 4.0]])}, "maxima in the top-left corners"))
    return cases


def _maxpool_ref(x, grad_out):
    from ..core.conv import MaxPool2D  # noqa: PLC0415 (the engine's layer is the reference)

    pool = MaxPool2D(2)
    pool.forward(x[None, :, :, None])
    return pool.backward(grad_out[None, :, :, None])[0, :, :, 0]


def _maxpool_diagnose(args, expected, got):
    spread = np.repeat(np.repeat(args["grad_out"], 2, axis=0), 2, axis=1)
    if np.shape(got) == spread.shape and np.allclose(got, spread):
        return ("you copied the gradient to all four positions of each window. Only the maximum chose the output, "
                "so only it receives the gradient; the other three get 0.")
    if np.shape(got) == spread.shape and np.allclose(got, spread / 4):
        return "that is average-pooling's backward pass (a quarter to each position); max-pooling sends it all to the maximum."
    return None


def _tf_maxpool(tf, keras, x, grad_out):
    xt = tf.constant(x[None, :, :, None])
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = keras.layers.MaxPooling2D(2, dtype="float64")(xt)
        loss = tf.reduce_sum(y * grad_out[None, :, :, None])  # dL/dy = grad_out
    return tape.gradient(loss, xt).numpy()[0, :, :, 0]


# ------------------------------------------------------------------ 13 the distillation loss, quantisation

def _distill_cases(rng):
    return [Case({"z_student": rng.normal(0, 2, (n, k)), "z_teacher": rng.normal(0, 3, (n, k)), "T": T}, f"T = {T}")
            for (n, k), T in (((4, 3), 1.0), ((3, 10), 4.0), ((5, 5), 2.5))] + [
        Case({"z_student": np.array([[800.0, 0.0, -800.0]]), "z_teacher": np.array([[0.0, 900.0, 0.0]]), "T": 2.0},
             "logits of size 900")]


def _distill_ref(z_student, z_teacher, T):
    from ..core.compress import Temperature  # noqa: PLC0415 (the layer dlteach's students learn through)

    p = softmax(z_teacher / T)                    # the soft targets
    temp = Temperature(T)
    loss, grad = categorical_crossentropy(p, temp.forward(z_student), from_logits=True)
    return loss, temp.backward(grad)


def _distill_diagnose(args, expected, got):
    if not isinstance(got, tuple) or len(got) != 2:
        return None
    grad_no_T = expected[1] * args["T"]
    if np.shape(got[1]) == np.shape(grad_no_T) and np.allclose(got[1], grad_no_T) and args["T"] != 1:
        return ("the gradient misses the factor 1 / T: the student's logits are divided by T before the softmax, "
                "so the chain rule multiplies (q - p) / n by d(z / T)/dz = 1 / T.")
    return None


def _distill_twin(func) -> str:
    import tensorflow as tf  # noqa: PLC0415

    rng = np.random.default_rng(6)
    zs, zt, T = rng.normal(0, 2, (6, 5)), rng.normal(0, 3, (6, 5)), 3.0
    z = tf.constant(zs)
    with tf.GradientTape() as tape:
        tape.watch(z)
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=tf.nn.softmax(zt / T), logits=z / T))
    ref = (float(loss), tape.gradient(loss, z).numpy())
    mine = func(z_student=zs.copy(), z_teacher=zt.copy(), T=T)
    err = max(abs(float(mine[0]) - ref[0]) / abs(ref[0]), rel_error(np.asarray(mine[1], dtype=float), ref[1]))
    if not err < 1e-12:
        raise Mismatch(f"Your result agrees with the cases but not with tf.GradientTape: relative difference {err:.3g}.")
    return f"tf.nn.softmax_cross_entropy_with_logits and tf.GradientTape agree {_bound(err)}."


def _quantize_cases(rng):
    cases = [Case({"W": rng.normal(0, s, shape), "bits": b}, f"{b} bits")
             for shape, s, b in (((5, 4), 1.0, 8), ((6, 3), 0.1, 4), ((4, 4), 2.0, 2), ((3, 7), 0.5, 3))]
    cases.append(Case({"W": np.array([[0.6, -1.0], [0.26, 0.0]]), "bits": 2}, "2 bits: levels -1, 0, 1"))
    return cases


def _quantize_ref(W, bits):
    from ..core.compress import quantize  # noqa: PLC0415 (the engine's own rounding)

    layer = Dense(W.shape[0], W.shape[1], "linear")
    layer.W[...] = W
    levels = 2 ** (int(bits) - 1) - 1
    scale = np.abs(W).max() / levels
    quantize(type("OneLayer", (), {"layers": [layer]})(), int(bits))  # rounds layer.W to q * scale in place
    return np.round(layer.W / scale), scale, layer.W


def _quantize_diagnose(args, expected, got):
    if not isinstance(got, tuple) or len(got) != 3:
        return None
    levels_full = 2 ** int(args["bits"]) - 1
    if np.isclose(float(np.asarray(got[1])), np.abs(args["W"]).max() / levels_full):
        return (f"the scale uses {levels_full} levels, but a symmetric code keeps one bit for the sign: "
                f"levels = 2**(bits - 1) - 1 = {2 ** (int(args['bits']) - 1) - 1}.")
    q = np.asarray(got[0], dtype=float)
    if np.shape(q) == np.shape(expected[0]) and np.allclose(q, np.trunc(args["W"] / expected[1])) \
            and not np.allclose(q, expected[0]):
        return "you truncated towards 0 (int() or astype(int)); round to the nearest level with np.round."
    return None


# ------------------------------------------------------------------ 13 soft targets for distillation

def _soft_targets_cases(rng):
    cases = [Case({"logits": rng.normal(0, 3, (n, k)), "T": T}, f"T = {T}")
             for (n, k), T in (((3, 4), 1.0), ((2, 10), 4.0), ((5, 3), 0.5))]
    cases.append(Case({"logits": np.array([[1600.0, 0.0, -1600.0]]), "T": 2.0}, "logits of size 1600"))
    return cases


def _soft_targets_ref(logits, T):
    return softmax(logits / T)


# ------------------------------------------------------------------ the catalogue

CODE_EXERCISES = {ex.id: ex for ex in [
    CodeExercise("00.standardize", "standardize", ("X_train", "X"), _standardize_cases, _standardize_ref,
                 hint="subtract the training mean and divide by the training standard deviation, per column.",
                 good="Scaling with the training statistics keeps validation and test data unseen.",
                 diagnose=_standardize_diagnose),
    CodeExercise("01.neuron_forward", "neuron_forward", ("X", "w", "b"), _neuron_cases, _neuron_ref,
                 hint="one row of X per sample: z = X @ w + b, then a = 1 / (1 + exp(-z)).",
                 good="a = sigmoid(X w + b) for every sample at once.", diagnose=_neuron_diagnose,
                 twin=_tf_twin("Keras's Dense(1, 'sigmoid') with the same weights", _twin_args("neuron"),
                               _keras_neuron)),
    CodeExercise("01.perceptron_update", "perceptron_update", ("w", "b", "x", "y", "eta"), _perceptron_cases,
                 _perceptron_ref, outputs=("w_new", "b_new"), kinds=("array", "number"),
                 hint="y_hat = 1 if w.x + b > 0 else 0; then w + eta (y - y_hat) x and b + eta (y - y_hat): "
                      "a correctly classified point changes nothing.",
                 good="The weights move only on mistakes, towards the misclassified point's class."),
    CodeExercise("02.sigmoid_backward", "sigmoid_backward", ("z", "grad_a"), _activation_cases,
                 _sigmoid_backward_ref,
                 hint="dL/dz = dL/da * da/dz = grad_a * sigma(z) (1 - sigma(z)), elementwise.",
                 good="At |z| = 40 the factor sigma(1 - sigma) is 4e-18: a saturated sigmoid passes no gradient.",
                 diagnose=_sigmoid_backward_diagnose,
                 twin=_tf_twin("tf.GradientTape through tf.sigmoid", _twin_args("activation"),
                               lambda tf, keras, z, grad_a: _tape_gradient(tf, tf.sigmoid, z, grad_a))),
    CodeExercise("02.relu_backward", "relu_backward", ("z", "grad_a"), _activation_cases, _relu_backward_ref,
                 hint="ReLU's slope is 1 where z > 0 and 0 elsewhere (also at z = 0, as in TensorFlow); "
                      "multiply grad_a by it.",
                 good="Where z <= 0 no gradient flows: a unit that is negative for every sample stops learning.",
                 twin=_tf_twin("tf.GradientTape through tf.nn.relu", _twin_args("activation"),
                               lambda tf, keras, z, grad_a: _tape_gradient(tf, tf.nn.relu, z, grad_a))),
    CodeExercise("02.elu_backward", "elu_backward", ("z", "grad_a"), _activation_cases, _elu_backward_ref,
                 hint="ELU is z for z > 0 and e^z - 1 below: its slope is 1 for z > 0 and e^z for z <= 0 "
                      "(e^0 = 1, so both sides agree at 0); multiply grad_a by it.",
                 good="Below zero ELU's slope is e^z: small for very negative z, but never exactly 0 as ReLU's.",
                 diagnose=_elu_backward_diagnose,
                 twin=_tf_twin("tf.GradientTape through tf.nn.elu", _twin_args("activation"),
                               lambda tf, keras, z, grad_a: _tape_gradient(tf, tf.nn.elu, z, grad_a))),
    CodeExercise("03.bce_with_logits", "bce_with_logits", ("z", "y"), _bce_cases, _bce_ref,
                 outputs=("loss", "dL_dz"), kinds=("number", "array"),
                 hint="use L_i = max(z, 0) - z y + log(1 + exp(-|z|)), which never overflows, average over the "
                      "n samples, and dL/dz = (sigmoid(z) - y) / n.",
                 good="Stable at |z| = 1000.", diagnose=_bce_diagnose, twin=_bce_twin),
    CodeExercise("04.gradient_step", "gradient_step", ("w", "X", "y", "learning_rate"), _step_cases, _step_ref,
                 hint="L = mean((X @ w - y)**2), so grad L = (2/n) X.T @ (X @ w - y); return w - learning_rate * grad.",
                 good="Every optimizer in lesson 05 starts from this gradient; only the step differs.",
                 diagnose=_step_diagnose,
                 twin=_tf_twin("Keras's SGD with tf.GradientTape", _step_twin_args, _keras_step,
                               tol=1e-7)),  # Keras keeps the learning rate in float32
    CodeExercise("04.minibatch_epoch", "minibatch_epoch", ("w", "X", "y", "learning_rate", "batch_size"),
                 _epoch_cases, _epoch_ref,
                 hint="for each batch in order (X[i:i+B]): gradient of the batch's mean squared error, "
                      "(2/B) X_b.T @ (X_b @ w - y_b), then w = w - learning_rate * gradient.",
                 good="One epoch = ceil(n / B) updates, each on one batch.", diagnose=_epoch_diagnose,
                 twin=_tf_twin("Keras's SGD on the same batches", _twin_args("epoch"), _keras_epoch,
                               tol=1e-7)),  # Keras keeps the learning rate in float32
    CodeExercise("05.momentum_step", "momentum_step", ("w", "m", "g", "learning_rate", "momentum"),
                 lambda rng: _state_cases(rng, False), _momentum_ref, outputs=("w_new", "m_new"),
                 hint="Keras's form: m = momentum * m - learning_rate * g, then w = w + m.",
                 good="", diagnose=_momentum_diagnose, twin=_optimizer_twin("momentum"), rtol=1e-6, atol=1e-8),
    CodeExercise("05.adam_step", "adam_step",
                 ("w", "m", "v", "g", "t", "learning_rate", "beta_1", "beta_2", "epsilon"),
                 lambda rng: _state_cases(rng, True), _adam_ref, outputs=("w_new", "m_new", "v_new"),
                 hint="m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g**2; alpha = lr sqrt(1 - b2**t) / (1 - b1**t); "
                      "w = w - alpha m / (sqrt(v) + eps).",
                 good="", diagnose=_adam_diagnose, twin=_optimizer_twin("adam"), rtol=1e-5, atol=1e-12),
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
    CodeExercise("07.forward", "forward", ("X", "W1", "b1", "W2", "b2"), _forward_cases, _forward_ref,
                 hint="hidden = tanh(X @ W1 + b1), then output = sigmoid(hidden @ W2 + b2), shape (n, 1).",
                 good="This is all the Playground computes for every pixel of its picture.",
                 diagnose=_forward_diagnose,
                 twin=_tf_twin("The same network in Keras", _twin_args("forward"), _keras_forward)),
    CodeExercise("08.glorot_uniform", "glorot_uniform", ("n_in", "n_out", "rng"), lambda rng: [], None,
                 hint="limit = sqrt(6 / (n_in + n_out)); rng.uniform(-limit, limit, size=(n_in, n_out)).",
                 good="", extra=_glorot_checks),
    CodeExercise("08.he_normal", "he_normal", ("n_in", "n_out", "rng"), lambda rng: [], None,
                 hint="std = sqrt(2 / n_in); rng.normal(0, std, size=(n_in, n_out)).",
                 good="", extra=_he_checks),
    CodeExercise("09.softmax_ce", "softmax_ce", ("z", "Y"), _softmax_ce_cases, _softmax_ce_ref,
                 outputs=("loss", "dL_dz"), kinds=("number", "array"),
                 hint="log softmax(z) = z - max(z) - log(sum(exp(z - max(z)))) per row (never overflows); the "
                      "loss is the mean over rows of -sum(Y * log_p), and dL/dz = (softmax(z) - Y) / n.",
                 good="Softmax and cross-entropy together have the simplest gradient there is: p - y.",
                 diagnose=_softmax_ce_diagnose,
                 twin=_tf_twin("tf.nn.softmax_cross_entropy_with_logits", _twin_args("softmax_ce"), _tf_softmax_ce)),
    CodeExercise("10.dropout_forward", "dropout_forward", ("x", "mask", "rate"), _dropout_cases, _dropout_ref,
                 hint="inverted dropout keeps the units where mask is 1 and scales them by 1 / (1 - rate), so "
                      "that the expected activation stays x.",
                 good="At inference nothing needs to change: that is why Keras scales during training."),
    CodeExercise("09.train_softmax", "train_softmax", ("X", "Y", "learning_rate", "epochs", "batch_size", "seed"),
                 _train_softmax_cases, _train_softmax_ref, outputs=("W", "b"),
                 hint="W = zeros (d, k), b = zeros (k,), rng = np.random.default_rng(seed); each epoch, for each "
                      "batch idx of rng.permutation(n) in steps of batch_size: loss, dL_dz = softmax_ce(X[idx] @ W + b, "
                      "Y[idx]); W = W - learning_rate * X[idx].T @ dL_dz; b = b - learning_rate * dL_dz.sum(axis=0).",
                 good="", diagnose=_train_softmax_diagnose, extra=_train_softmax_digits),
    CodeExercise("10.l2_penalty", "l2_penalty", ("W", "l2"), _l2_cases, _l2_ref, outputs=("penalty", "dW"),
                 kinds=("number", "array"),
                 hint="penalty = l2 * np.sum(W**2) (Keras's form, no 1/2) and dW = 2 * l2 * W, the shape of W.",
                 good="This gradient is what L2 adds to every weight's dW before the optimizer's step.",
                 diagnose=_l2_diagnose,
                 twin=_tf_twin("keras.regularizers.L2 under tf.GradientTape",
                               lambda rng: {"W": rng.normal(size=(4, 3)), "l2": np.float64(0.0625)}, _tf_l2)),
    CodeExercise("11.conv2d", "conv2d", ("image", "kernel"), _conv_cases, _conv_ref,
                 hint="out[i, j] = sum(image[i:i+kh, j:j+kw] * kernel) for i in range(H - kh + 1) and "
                      "j in range(W - kw + 1): a 'valid' output, (H - kh + 1, W - kw + 1).",
                 good="The same small kernel slides over every position: few weights, and a shifted image "
                      "gives a shifted map.", diagnose=_conv_diagnose,
                 twin=_tf_twin("tf.nn.conv2d (padding 'VALID')", _twin_args("conv"), _tf_conv)),
    CodeExercise("12.saliency", "saliency", ("x", "W1", "b1", "W2", "b2", "c"), _saliency_cases, _saliency_ref,
                 hint="z = tanh(x @ W1 + b1) @ W2 + b2 with h = tanh(x @ W1 + b1). Backwards from z_c: "
                      "dz_c/dh = W2[:, c], through tanh multiply by 1 - h**2, then through W1: W1 @ (...). "
                      "Shape (d,), like x.",
                 good="The same chain rule as the lesson's ReLU formula, with tanh's smooth 1 - h**2 in place of "
                      "the 0/1 mask: the template now varies smoothly with the input.", diagnose=_saliency_diagnose,
                 twin=_tf_twin("tf.GradientTape", _twin_args("saliency"), _tf_saliency)),
    CodeExercise("13.soft_targets", "soft_targets", ("logits", "T"), _soft_targets_cases, _soft_targets_ref,
                 hint="divide the logits by T, then take a softmax over each row (subtract the row max first).",
                 good="A larger T flattens the teacher's probabilities and shows how it ranks the wrong classes."),
    CodeExercise("11.maxpool_backward", "maxpool_backward", ("x", "grad_out"), _maxpool_cases, _maxpool_ref,
                 hint="for each window x[2i:2i+2, 2j:2j+2], find the position of its maximum (np.argmax, then "
                      "np.unravel_index) and put grad_out[i, j] there; every other entry stays 0. Shape of x.",
                 good="Three of every four positions get no gradient: max-pooling passes the signal only through "
                      "the winners.", diagnose=_maxpool_diagnose,
                 twin=_tf_twin("tf.GradientTape through keras.layers.MaxPooling2D", _twin_args("maxpool"), _tf_maxpool)),
    CodeExercise("13.distillation_loss", "distillation_loss", ("z_student", "z_teacher", "T"), _distill_cases,
                 _distill_ref, outputs=("loss", "dL_dz_student"), kinds=("number", "array"),
                 hint="p = softmax(z_teacher / T), log q = log_softmax(z_student / T) (subtract the row max); "
                      "loss = mean over rows of -sum(p * log q); dL/dz_student = (softmax(z_student / T) - p) / (n T).",
                 good="Hinton et al. multiply this loss by T**2 when they add it to the hard-label loss, so that the "
                      "1 / T**2 in its gradient does not shrink it.", diagnose=_distill_diagnose, twin=_distill_twin),
    CodeExercise("13.quantize", "quantize", ("W", "bits"), _quantize_cases, _quantize_ref,
                 outputs=("q", "scale", "W_hat"), kinds=("array", "number", "array"),
                 hint="levels = 2**(bits - 1) - 1; scale = max|W| / levels; q = np.round(W / scale) "
                      "(integers from -levels to levels); W_hat = q * scale (dequantised).",
                 good="Storing q takes `bits` bits per weight plus one float for the scale; every weight moves by "
                      "at most scale / 2.", diagnose=_quantize_diagnose),
]}
