"""Lesson 12 (explaining): the saliency of a network with a tanh hidden layer (the lesson shows the ReLU
formula W1 (m * W2[:, c]), so the exercise asks for the chain rule through tanh).

Each exercise's cases (the place for its edge cases), reference, diagnoses and twin, then the
CodeExercise entries that code.py collects."""
from __future__ import annotations

import numpy as np

from ..i18n import N_, gettext_ as _
from ..core.layers import Dense
from .common import tf_twin
from .hints import Ladder
from .runner import Case, CodeExercise, Mismatch


def _saliency_twin_args(rng):
    return {"x": rng.normal(size=5), "W1": rng.normal(size=(5, 4)), "b1": rng.normal(size=4),
            "W2": rng.normal(size=(4, 3)), "b2": rng.normal(size=3), "c": 2}


def _saliency_cases(rng):
    cases = []
    for d, h, k in ((4, 5, 3), (6, 3, 2), (8, 8, 10), (3, 7, 5), (2, 1, 4), (9, 4, 6)):
        cases.append(Case({"x": rng.normal(size=d), "W1": rng.normal(size=(d, h)), "b1": rng.normal(size=h),
                           "W2": rng.normal(size=(h, k)), "b2": rng.normal(size=k), "c": int(rng.integers(0, k))},
                          (_("{d} inputs, {h} hidden tanh unit, {k} classes") if h == 1 else
                           _("{d} inputs, {h} hidden tanh units, {k} classes")).format(d=d, h=h, k=k)))
    cases.append(Case({"x": rng.normal(size=5), "W1": rng.normal(size=(5, 4)), "b1": rng.normal(size=4),
                       "W2": rng.normal(size=(4, 4)), "b2": rng.normal(size=4), "c": 3},
                      _("5 inputs, 4 hidden units and 4 classes: W2 is square, c = 3, the last class")))
    cases.append(Case({"x": rng.normal(size=4), "W1": rng.normal(size=(4, 3)), "b1": np.array([30.0, -30.0, 0.0]),
                       "W2": rng.normal(size=(3, 2)), "b2": rng.normal(size=2), "c": 0},
                      _("two saturated hidden units (b1 = +-30): only the third passes a gradient")))
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
        return _("your result equals W1 times W2's column c: the gradient has not passed through tanh's slope.")
    relu_mask = args["W1"] @ (args["W2"][:, args["c"]] * (args["x"] @ args["W1"] + args["b1"] > 0))
    if np.shape(got) == relu_mask.shape and np.allclose(got, relu_mask):
        return _("your result is the ReLU network's saliency (a 0/1 mask); this hidden layer is tanh.")
    h = np.tanh(args["x"] @ args["W1"] + args["b1"])
    for slope, what in ((h, _("h itself, the tanh's value")), (1 - h, "1 - h")):
        wrong = args["W1"] @ (args["W2"][:, args["c"]] * slope)
        if np.shape(got) == wrong.shape and np.allclose(got, wrong):
            return _("your result weights each hidden unit by {what}, where tanh's slope 1 - h² belongs.").format(what=what)
    for wrong, what in ((args["W1"] @ (args["W2"][:, args["c"]] * (1 - np.tanh(args["x"] @ args["W1"]) ** 2)),
                         _("the hidden layer without its bias b1")),
                        (args["W1"] @ (args["W2"].sum(axis=1) * (1 - h**2)), _("the sum of all the logits, not of z_c"))):
        if np.shape(got) == wrong.shape and np.allclose(got, wrong) and not np.allclose(wrong, expected):
            return _("your result is the saliency of {what}.").format(what=what)
    W2 = args["W2"]
    if W2.shape[0] == W2.shape[1]:
        row = args["W1"] @ (W2[args["c"]] * (1 - h**2))
        if np.shape(got) == row.shape and np.allclose(got, row) and not np.allclose(row, expected):
            return _("your result uses row c of W2; the logit z_c is made by its column c.")
    return None


def _tf_saliency(tf, keras, x, W1, b1, W2, b2, c):
    x = tf.constant(x[None, :])
    with tf.GradientTape() as tape:
        tape.watch(x)
        z = tf.tanh(x @ W1 + b1) @ W2 + b2
        z_c = z[0, int(c)]
    return tape.gradient(z_c, x).numpy()[0]


_tf_twin = tf_twin("tf.GradientTape", _saliency_twin_args, _tf_saliency)


def _saliency_twin(func) -> str:
    """The TensorFlow twin; a result off only in the last digits (the cases let it through) is named."""
    try:
        return _tf_twin(func)
    except Mismatch as miss:
        args = _saliency_twin_args(np.random.default_rng(5))
        mine, ref = np.asarray(func(**{k: np.copy(v) for k, v in args.items()}), dtype=float), _saliency_ref(**args)
        if (np.shape(mine) == ref.shape and np.allclose(mine, ref, rtol=1e-6, atol=0)
                and not np.allclose(mine, ref, rtol=1e-12, atol=0)):
            raise Mismatch(_("{miss} That is close, but not float64's precision: a numerical derivative "
                           "(f(x + h) - f(x - h)) / 2h, or float32 arithmetic? The exercise asks for the exact "
                           "gradient, by backpropagation.").format(miss=miss)) from None
        raise


EXERCISES = [
    CodeExercise("12.saliency", "saliency", ("x", "W1", "b1", "W2", "b2", "c"), _saliency_cases, _saliency_ref,
                 ladder=Ladder(
                     "The formulas",
                     "Check the shape (d,), like x, then the values: is the pattern right but weighted wrongly "
                     "per hidden unit (a slope), or mixed across classes?",
                     "Backpropagate from z_c alone: through column c of W2 to the hidden units, through tanh's "
                     "slope 1 - h² (h the hidden values), then through W1 back to the input.",
                     "h = tanh(x W1 + b1); per hidden unit, W2's entry in column c times (1 - h²); the saliency is "
                     "W1 times that vector, shape (d,)."),
                 good="The same chain rule as the lesson's ReLU formula, with tanh's smooth 1 - h**2 in place of "
                      "the 0/1 mask: the template now varies smoothly with the input.", diagnose=_saliency_diagnose,
                 twin=_saliency_twin),
]
