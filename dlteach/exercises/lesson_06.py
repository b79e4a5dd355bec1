"""Lesson 06 (backpropagation): a Dense layer's backward pass, two layers' gradients.

Each exercise's cases (the place for its edge cases), reference, diagnoses and twin, then the
CodeExercise entries that code.py collects."""
from __future__ import annotations

import numpy as np

from ..i18n import N_, gettext_ as _
from ..core.activations import sigmoid
from ..core.gradcheck import numerical_gradient
from ..core.layers import Dense
from ..core.network import MLP
from .common import bound, rel_error
from .hints import Ladder
from .runner import Case, CodeExercise, Mismatch


def _low_precision(expected, got):
    """A right answer kept in float32 (or rounded): right to about 1e-7 but not to the checker's float64 precision,
    while the printed expected and received values look the same."""
    try:
        errs = [rel_error(np.asarray(g, dtype=np.float64), e) for g, e in zip(got, expected)]
    except (ValueError, TypeError):
        return None
    if len(errs) != len(expected) or not max(errs) < 1e-4:
        return None
    if all(np.allclose(np.asarray(g, dtype=np.float64), e, rtol=1e-7, atol=1e-10) for g, e in zip(got, expected)):
        return None  # right to the checker's precision: nothing to diagnose
    if any(getattr(g, "dtype", None) == np.float32 for g in got):
        return (_("your gradients are float32 arrays, right only to about {max:.0e} (relative error): compute "
                "in float64, NumPy's default (no np.float32, no .astype(np.float32)).").format(max=max(errs)))
    return (_("your gradients are right only to about {max:.0e} (relative error): something rounds them or "
            "computes in low precision; the checker asks for float64's precision.").format(max=max(errs)))


def _dense_cases(rng):
    cases = []
    for n, d, k in ((4, 3, 2), (5, 2, 3), (1, 4, 1), (3, 3, 3), (10, 1, 4), (2, 5, 5)):
        cases.append(Case({"x": rng.normal(size=(n, d)), "W": rng.normal(size=(d, k)), "b": rng.normal(size=k),
                           "grad_a": rng.normal(size=(n, k))}, _("n = {n} samples, {d} inputs, {k} units").format(n=n, d=d, k=k)))
    cases.append(Case({"x": rng.normal(size=(3, 2)), "W": rng.normal(size=(2, 2)), "b": np.array([30.0, -30.0]),
                       "grad_a": rng.normal(size=(3, 2))}, _("saturated units: b = +-30, where tanh' is about 0")))
    return cases


def _dense_ref(x, W, b, grad_a):
    layer = Dense(W.shape[0], W.shape[1], "tanh")
    layer.W[...], layer.b[...] = W, b
    layer.forward(x)
    dx = layer.backward(grad_a)
    return layer.dW.copy(), layer.db.copy(), dx


def _dense_diagnose(args, expected, got):
    x, W, b, grad_a = args["x"], args["W"], args["b"], args["grad_a"]
    low = _low_precision(expected, got)
    if low:
        return low
    z = x @ W + b
    a = np.tanh(z)

    def fits(k, wrong):  # output k of the answer equals `wrong`, which is not the expected value
        return (np.shape(got[k]) == np.shape(wrong) and np.allclose(got[k], wrong)
                and not np.allclose(wrong, expected[k]))

    delta = grad_a * (1 - a**2)
    known = [(0, x.T @ grad_a, _("your dW equals x transposed times grad_a: the gradient has not passed through "
                               "tanh's slope.")),
             (0, x.T @ (grad_a * (1 - z**2)), _("your dW uses 1 - z² as tanh's slope: the slope is written with "
                                              "a = tanh(z), not with z.")),
             (0, x.T @ (grad_a * a), _("your dW uses a = tanh(z) itself as the slope; tanh's slope is 1 - a².")),
             (0, x.T @ (grad_a * (1 - np.tanh(x @ W) ** 2)), _("your dW uses z = x W without b.")),
             (1, delta.mean(axis=0), _("your db is the mean of delta over the samples, {length} times smaller than "
                                     "expected: grad_a already carries the loss's 1/n.").format(length=len(x))),
             (2, grad_a @ W.T, _("your dx equals grad_a times W transposed: in dx too the gradient passes through "
                               "tanh's slope first."))]
    for k, wrong, message in known:
        if fits(k, wrong):
            return message
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
        raise Mismatch(_("The gradient check fails: central differences differ from your gradients by {err:.3g}.").format(err=err))
    return _("The numerical gradient agrees {bound},").format(bound=bound(err))


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
    err = max(rel_error(m, r) for m, r in zip(mine, ref))
    if not err < 1e-12:
        raise Mismatch(_("tf.GradientTape disagrees with your gradients: relative difference {err:.3g}.").format(err=err))
    return _("tf.GradientTape {bound}.").format(bound=bound(err))


def _two_layer_cases(rng):
    cases = []
    for n, d, h in ((6, 2, 3), (5, 3, 4), (1, 2, 2), (4, 3, 3), (20, 4, 1), (3, 5, 2)):
        y = rng.integers(0, 2, (n, 1)).astype(float)
        cases.append(Case({"X": rng.normal(size=(n, d)), "y": y,
                           "W1": rng.normal(size=(d, h)), "b1": rng.normal(size=h),
                           "W2": rng.normal(size=(h, 1)), "b2": rng.normal(size=1)},
                          (_("n = {n} samples, {d} inputs, {h} hidden unit") if h == 1 else
                           _("n = {n} samples, {d} inputs, {h} hidden units")).format(n=n, d=d, h=h)))
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
    low = _low_precision(expected, got)
    if low:
        return low
    a1 = np.tanh(X @ W1 + b1)
    a2 = sigmoid(a1 @ W2 + b2)
    n = len(X)
    if np.allclose(got[2], a1.T @ (a2 - y)) and n > 1:
        return _("every entry of your dW2 is {n} times the expected one, and this case has n = {n} samples.").format(n=n)
    if np.allclose(got[2], a1.T @ ((a2 - y) * a2 * (1 - a2) / n)):
        return (_("your output delta has an extra factor a2 (1 - a2), the sigmoid's slope: with the cross-entropy "
                "that factor cancels."))
    if np.allclose(got[2], expected[2]) and np.shape(got[0]) == W1.shape:
        back = (a2 - y) / n @ W2.T  # dL/da1
        wrong = {N_("skips tanh's slope"): back, N_("uses 1 - z1² as tanh's slope (z1 instead of a1 = tanh(z1))"):
                 back * (1 - (X @ W1 + b1) ** 2), N_("applies tanh twice in the slope (1 - tanh(a1)²)"):
                 back * (1 - np.tanh(a1) ** 2), N_("uses a1 itself as tanh's slope, which is 1 - a1²"): back * a1}
        for what, delta1 in wrong.items():
            if np.allclose(got[0], X.T @ delta1) and not np.allclose(X.T @ delta1, expected[0]):
                return _("your hidden layer's delta {what}.").format(what=_(what))
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
    err = max(rel_error(np.reshape(m, p.shape),
                        numerical_gradient(lambda: _two_layer_loss(X, y, *params), p))
              for m, p in zip(mine, params))
    if not err < 1e-7:
        raise Mismatch(_("The gradient check fails: central differences differ from your gradients by {err:.3g}.").format(err=err))
    return _("The numerical gradient agrees {bound},").format(bound=bound(err))


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
    err = max(rel_error(np.reshape(m, r.shape), r) for m, r in zip(mine, ref))
    if not err < 1e-12:
        raise Mismatch(_("tf.GradientTape disagrees with your gradients: relative difference {err:.3g}.").format(err=err))
    return _("tf.GradientTape {bound}.").format(bound=bound(err))


EXERCISES = [
    CodeExercise("06.dense_backward", "dense_backward", ("x", "W", "b", "grad_a"), _dense_cases, _dense_ref,
                 outputs=("dW", "db", "dx"),
                 ladder=Ladder(
                     "The formula, derived: from one neuron to a layer, to a network",
                     "Which of dW, db, dx is wrong? Check its shape against W, b and x first, then its values.",
                     "First the local gradient delta = dL/dz = grad_a times tanh's slope at z, with z recomputed "
                     "from x, W and b; every gradient is then built from delta: a matrix product for dW and for "
                     "dx (the shapes tell the order), a sum over the samples for db.",
                     "a = tanh(x W + b); delta = grad_a times (1 - a²), entry by entry; dW is x transposed times "
                     "delta (d, k); db is delta summed over its rows (k,); dx is delta times W transposed "
                     "(n, d)."),
                 good="", diagnose=_dense_diagnose, extra=_dense_gradcheck, twin=_dense_twin),
    CodeExercise("06.two_layer_backward", "two_layer_backward", ("X", "y", "W1", "b1", "W2", "b2"),
                 _two_layer_cases, _two_layer_ref, outputs=("dW1", "db1", "dW2", "db2"),
                 ladder=Ladder(
                     "The formula, derived: from one neuron to a layer, to a network",
                     "Which gradients are wrong? If dW2 and db2 are right the mistake is in the hidden layer; if "
                     "all four are wrong, start at the output's delta. Check the shapes against the parameters.",
                     "Forward once and keep a1 and a2. Sigmoid with the mean cross-entropy gives the output delta "
                     "(a2 - y) / n; the recursion sends a delta back through the next layer's weights and "
                     "multiplies it by this layer's activation slope; each layer's dW is its input transposed "
                     "times its delta, db its delta summed over the samples.",
                     "delta2 = (a2 - y) / n; dW2 = a1 transposed times delta2, db2 = delta2 summed over rows; "
                     "delta1 = (delta2 times W2 transposed) times (1 - a1²) entry by entry; dW1 = X transposed "
                     "times delta1, db1 = delta1 summed over rows."),
                 good="Two layers or twenty: the same two lines per layer, delta = (delta_next @ W_next.T) * f'(z) "
                      "and dW = a_prev.T @ delta.",
                 diagnose=_two_layer_diagnose, extra=_two_layer_gradcheck, twin=_two_layer_twin),
]
