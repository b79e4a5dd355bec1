"""Lesson 15 (sequences and recurrent networks): a SimpleRNN's forward pass over a sequence, its
backpropagation through time, one LSTM step.

Each exercise's cases (the place for its edge cases), reference, diagnoses and twin, then the
CodeExercise entries that code.py collects."""
from __future__ import annotations

import numpy as np

from ..i18n import N_, gettext_ as _
from ..core.activations import sigmoid
from ..core.gradcheck import numerical_gradient
from ..core.recurrent import SimpleRNN
from .common import bound, rel_error
from .hints import Ladder
from .runner import Case, CodeExercise, Mismatch

# (n sequences, T steps, n_in features, units): a batch of one, a single step, square and non-square kernels
SHAPES = ((4, 5, 3, 2), (1, 1, 2, 3), (3, 6, 4, 4), (1, 7, 1, 5), (2, 3, 5, 1))


def _rnn(W, U, b):
    layer = SimpleRNN(W.shape[0], W.shape[1], return_sequences=True, seed=0)
    layer.W[...], layer.U[...], layer.b[...] = W, U, b
    return layer


def _weights(rng, n_in, units, scale=0.8):
    return (rng.normal(scale=scale, size=(n_in, units)), rng.normal(scale=scale, size=(units, units)),
            rng.normal(scale=0.5, size=units))


def _forward_cases(rng):
    cases = []
    for n, T, n_in, units in SHAPES:
        W, U, b = _weights(rng, n_in, units)
        note = _("n = {n} sequences, T = {T} steps, {n_in} features, {units} units").format(n=n, T=T, n_in=n_in, units=units)
        cases.append(Case({"x": rng.normal(size=(n, T, n_in)), "W": W, "U": U, "b": b}, note))
    return cases


def _forward_ref(x, W, U, b):
    return _rnn(W, U, b).forward(x)  # every h_t, t = 1..T: (n, T, units)


def _forward_diagnose(args, expected, got):
    x, W, U, b = (args[k] for k in ("x", "W", "U", "b"))
    single = np.asarray(got).dtype == np.float32
    got = np.asarray(got, dtype=float)
    if got.shape != expected.shape:
        return None
    if single and np.allclose(got, expected, rtol=1e-4, atol=1e-5):
        return (_("your states are right to about 7 digits only: they were computed in float32. Keep NumPy's "
                "float64 (no astype(np.float32), no dtype=np.float32)."))
    T = x.shape[1]
    if np.allclose(got[:, 0], expected[:, 0]) and T > 1 and not np.allclose(got, expected):
        if np.allclose(got, np.tanh(x @ W + b)):
            return _("your first step is right, but every later step ignores the state before it: h_t must depend on h_{t-1}.")
        return _("your first step h_1 is right; the later steps are not: check what carries over from one step to the next.")
    if np.allclose(got, np.arctanh(np.clip(expected, -1 + 1e-12, 1 - 1e-12))):
        return _("your states are the pre-activations s_t: the tanh is missing.")
    return None


def _backward_cases(rng):
    cases = []
    for n, T, n_in, units in SHAPES:
        W, U, b = _weights(rng, n_in, units)
        x = rng.normal(size=(n, T, n_in))
        hs = _rnn(W, U, b).forward(x)
        note = _("n = {n} sequences, T = {T} steps, {n_in} features, {units} units").format(n=n, T=T, n_in=n_in, units=units)
        cases.append(Case({"x": x, "hs": hs, "W": W, "U": U, "grad_h": rng.normal(size=(n, units))}, note))
    return cases


def _backward_ref(x, hs, W, U, grad_h):
    """The engine's SimpleRNN.backward from dL/dh_T alone. b does not enter the backward pass: the
    slope tanh'(s_t) = 1 - h_t^2 is read from the states, so b is not an input of the exercise."""
    layer = SimpleRNN(W.shape[0], W.shape[1], seed=0)
    layer.W[...], layer.U[...] = W, U
    layer.b[...] = _bias_of(x, hs, W, U)
    layer.forward(x)
    dx = layer.backward(grad_h)
    return layer.dW.copy(), layer.dU.copy(), layer.db.copy(), dx


def _bias_of(x, hs, W, U):
    """b recovered from the first step: h_1 = tanh(x_1 W + b) (h_0 = 0), so b = arctanh(h_1) - x_1 W."""
    return np.mean(np.arctanh(hs[:, 0]) - x[:, 0] @ W, axis=0)


def _backward_diagnose(args, expected, got):
    x, hs, W, U, grad_h = (args[k] for k in ("x", "hs", "W", "U", "grad_h"))
    if not (isinstance(got, (tuple, list)) and len(got) == 4 and np.shape(got[0]) == W.shape):
        return None
    T = x.shape[1]
    ds_T = grad_h * (1 - hs[:, -1] ** 2)
    if T > 1 and np.allclose(got[0], x[:, -1].T @ ds_T):
        return (_("your dW holds the last step's term only: W is used at every step, so its gradient sums the terms "
                "of all T steps, each step's ds_t coming from the step after it."))
    if T > 1 and np.allclose(got[1], hs[:, -1].T @ ds_T):
        return _("your dU uses h_t; the recurrent kernel multiplies the state BEFORE the step, h_{t-1}.")
    return None


def _backward_gradcheck(func) -> str:
    """Central differences of L = sum(h_T * grad_h) against the learner's dW, dU, db, dx."""
    rng = np.random.default_rng(8)
    W, U, b = _weights(rng, 3, 4)
    x, grad_h = rng.normal(size=(2, 5, 3)), rng.normal(size=(2, 4))
    hs = _rnn(W, U, b).forward(x)
    dW, dU, db, dx = func(x=x.copy(), hs=hs.copy(), W=W.copy(), U=U.copy(), grad_h=grad_h.copy())

    def loss():
        return float(np.sum(_rnn(W, U, b).forward(x)[:, -1] * grad_h))

    err = max(rel_error(np.asarray(dW, dtype=float), numerical_gradient(loss, W)),
              rel_error(np.asarray(dU, dtype=float), numerical_gradient(loss, U)),
              rel_error(np.asarray(db, dtype=float), numerical_gradient(loss, b)),
              rel_error(np.asarray(dx, dtype=float), numerical_gradient(loss, x)))
    if not err < 1e-7:
        raise Mismatch(_("The gradient check fails: central differences differ from your gradients by {err:.3g}.").format(err=err))
    return _("The numerical gradient agrees {bound},").format(bound=bound(err))


def _backward_twin(func) -> str:
    import keras  # noqa: PLC0415
    import tensorflow as tf  # noqa: PLC0415

    rng = np.random.default_rng(9)
    W, U, b = _weights(rng, 3, 4)
    x, grad_h = rng.normal(size=(3, 6, 3)), rng.normal(size=(3, 4))
    klayer = keras.layers.SimpleRNN(4, dtype="float64")
    klayer.build(x.shape)
    klayer.set_weights([W, U, b])
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        loss = tf.reduce_sum(klayer(xt) * grad_h)
    ref = [np.asarray(g) for g in tape.gradient(loss, [klayer.trainable_weights[0], klayer.trainable_weights[1],
                                                      klayer.trainable_weights[2], xt])]
    hs = _rnn(W, U, b).forward(x)
    mine = func(x=x.copy(), hs=hs.copy(), W=W.copy(), U=U.copy(), grad_h=grad_h.copy())
    err = max(rel_error(np.asarray(m, dtype=float), r) for m, r in zip(mine, ref))
    if not err < 1e-10:
        raise Mismatch(_("tf.GradientTape on keras.layers.SimpleRNN disagrees with your gradients: relative "
                       "difference {err:.3g}.").format(err=err))
    return _("tf.GradientTape on keras.layers.SimpleRNN {bound}.").format(bound=bound(err))


def _lstm_cases(rng):
    cases = []
    for n, n_in, units in ((4, 3, 2), (1, 2, 3), (3, 4, 4), (2, 1, 5)):
        note = _("n = {n}, {n_in} features, {units} units").format(n=n, n_in=n_in, units=units)
        cases.append(Case({"x_t": rng.normal(size=(n, n_in)), "h_prev": rng.normal(scale=0.5, size=(n, units)),
                           "c_prev": rng.normal(size=(n, units)), "W": rng.normal(scale=0.7, size=(n_in, 4 * units)),
                           "U": rng.normal(scale=0.7, size=(units, 4 * units)),
                           "b": rng.normal(scale=0.5, size=4 * units)}, note))
    n, units = 3, 2  # a forget gate shut (f = 0) and open (f = 1): only then does c_prev's role show
    b = np.zeros(4 * units)
    b[units:2 * units] = (-40.0, 40.0)
    cases.append(Case({"x_t": rng.normal(size=(n, 2)), "h_prev": rng.normal(scale=0.5, size=(n, units)),
                       "c_prev": rng.normal(size=(n, units)), "W": rng.normal(scale=0.3, size=(2, 4 * units)),
                       "U": rng.normal(scale=0.3, size=(units, 4 * units)), "b": b},
                      _("forget gate shut in the first unit (f = 0), open in the second (f = 1)")))
    return cases


def _lstm_ref(x_t, h_prev, c_prev, W, U, b):
    """One step, Keras's gate order i, f, c (the candidate g), o: the engine's activations."""
    s = x_t @ W + h_prev @ U + b
    i, f, g, o = np.split(s, 4, axis=1)
    c = sigmoid(f) * c_prev + sigmoid(i) * np.tanh(g)
    return sigmoid(o) * np.tanh(c), c


def _lstm_diagnose(args, expected, got):
    if not (isinstance(got, (tuple, list)) and len(got) == 2):
        return None
    h_exp, c_exp = expected
    if all(np.shape(g) == h_exp.shape for g in got) and np.allclose(np.asarray(got[0], dtype=float), c_exp) \
            and np.allclose(np.asarray(got[1], dtype=float), h_exp) and not np.allclose(h_exp, c_exp):
        return _("your h and c are right but swapped: return them in the order (h, c).")
    c_got = np.asarray(got[1], dtype=float)
    if c_got.shape == c_exp.shape and np.allclose(c_got, c_exp) and np.shape(got[0]) == h_exp.shape:
        s = args["x_t"] @ args["W"] + args["h_prev"] @ args["U"] + args["b"]
        o = sigmoid(np.split(s, 4, axis=1)[3])
        if np.allclose(np.asarray(got[0], dtype=float), o * c_exp):
            return _("your c is right; your h uses c itself where the cell's output squashes it first.")
        return _("your c is right, h is not: look at the output gate's block and what it multiplies.")
    return None


def _lstm_twin(func) -> str:
    import keras  # noqa: PLC0415
    import tensorflow as tf  # noqa: PLC0415

    rng = np.random.default_rng(10)
    n, n_in, units = 3, 4, 5
    args = {"x_t": rng.normal(size=(n, n_in)), "h_prev": rng.normal(scale=0.5, size=(n, units)),
            "c_prev": rng.normal(size=(n, units)), "W": rng.normal(scale=0.5, size=(n_in, 4 * units)),
            "U": rng.normal(scale=0.5, size=(units, 4 * units)), "b": rng.normal(scale=0.5, size=4 * units)}
    cell = keras.layers.LSTMCell(units, dtype="float64")
    cell.build((n, n_in))
    cell.set_weights([args["W"], args["U"], args["b"]])
    h, (_h, c) = cell(tf.constant(args["x_t"]), [tf.constant(args["h_prev"]), tf.constant(args["c_prev"])])
    mine = func(**{k: np.copy(v) for k, v in args.items()})
    err = max(rel_error(np.asarray(m, dtype=float), np.asarray(r)) for m, r in zip(mine, (h, c)))
    if not err < 1e-12:
        raise Mismatch(_("keras.layers.LSTMCell disagrees with your step: relative difference {err:.3g}.").format(err=err))
    return _("keras.layers.LSTMCell agrees {bound}.").format(bound=bound(err))


EXERCISES = [
    CodeExercise("15.rnn_forward", "rnn_forward", ("x", "W", "U", "b"), _forward_cases, _forward_ref,
                 ladder=Ladder(
                     "One step, derived",
                     "Compare your states step by step with the expected ones: is the first step right? Is the "
                     "shape (n, T, units), one state per step, h_1 first?",
                     "The state starts at zero; each step mixes the step's input (through W) with the state "
                     "before it (through U), adds b and squashes with tanh; the new state is what the next step "
                     "reads.",
                     "Start from h = zeros (n, units); for t from 0 to T - 1: h = tanh(x[:, t] W + b + h U), and "
                     "store h as step t's state; return the stored states as an (n, T, units) array."),
                 good="The same W, U and b at every step: that is what makes it recurrent.",
                 diagnose=_forward_diagnose),
    CodeExercise("15.rnn_backward", "rnn_backward", ("x", "hs", "W", "U", "grad_h"), _backward_cases,
                 _backward_ref, outputs=("dW", "dU", "db", "dx"),
                 ladder=Ladder(
                     "Backpropagation through time, derived",
                     "Which of dW, dU, db, dx are wrong? Check the case with T = 1 first: there BPTT is one "
                     "Dense layer's backward. Then a case with several steps.",
                     "Walk the steps backwards carrying dh, the gradient reaching the current state (at the last "
                     "step: grad_h). At each step, dh times tanh's slope (written with the state h_t) gives ds_t; "
                     "the shared weights' gradients ADD this step's terms; the state before the step receives ds_t "
                     "through U transposed, and that is the next dh.",
                     "Start dW, dU, db and dx at zero and the carried gradient at grad_h; for t from T - 1 down to "
                     "0: ds is the carried gradient times (1 - h_t²), h_t being step t's state in hs; add x_t "
                     "transposed times ds to dW, h_{t-1} transposed times ds to dU (h_{t-1} is zero at t = 0) and "
                     "ds summed over rows to db; step t's dx is ds times W transposed; the new carried gradient is "
                     "ds times U transposed."),
                 good="Truncated BPTT would stop the loop after a few steps; the LSTM adds a second, gated path "
                      "for dh.",
                 diagnose=_backward_diagnose, extra=_backward_gradcheck, twin=_backward_twin),
    CodeExercise("15.lstm_step", "lstm_step", ("x_t", "h_prev", "c_prev", "W", "U", "b"), _lstm_cases, _lstm_ref,
                 outputs=("h", "c"),
                 ladder=Ladder(
                     "Gates: LSTM and GRU",
                     "Is c wrong, or only h? Check the case whose forget gate is shut in one unit and open in "
                     "the other: it shows what your c does with c_prev.",
                     "The 4 blocks of `units` columns of s = x_t W + h_prev U + b are, in Keras's order, the input gate, the "
                     "forget gate, the candidate and the output gate; the gates go through the sigmoid, the "
                     "candidate through tanh. The cell keeps f times the old cell and adds i times the "
                     "candidate; the state is the output gate times the squashed cell.",
                     "s = x_t W + h_prev U + b; split s into 4 equal blocks i, f, g, o; i, f, o = sigmoid of "
                     "theirs, g = tanh of its own; c = f c_prev + i g; h = o tanh(c); return h, c."),
                 good="With f = 1 and i = 0 the cell passes c_prev on unchanged: the gradient's path through c is "
                      "multiplied by f only.",
                 diagnose=_lstm_diagnose, twin=_lstm_twin),
]
