"""Lesson 01 (the neuron): neuron_forward and perceptron_update.

Each exercise's cases (the place for its edge cases), reference, diagnoses and twin, then the
CodeExercise entries that code.py collects."""
from __future__ import annotations

import numpy as np

from ..i18n import N_, gettext_ as _
from ..core.activations import sigmoid
from .common import tf_twin
from .hints import Ladder
from .runner import Case, CodeExercise


def _keras_neuron(tf, keras, X, w, b):
    layer = keras.layers.Dense(1, activation="sigmoid", dtype="float64")
    layer.build((None, len(w)))
    layer.set_weights([w[:, None], np.atleast_1d(b)])
    return layer(X).numpy()[:, 0]


def _neuron_twin_args(rng):
    return {"X": rng.normal(size=(6, 3)), "w": rng.normal(size=3), "b": np.float64(rng.normal())}


def _neuron_cases(rng):
    cases = [Case({"X": rng.normal(size=(n, d)), "w": rng.normal(size=d), "b": float(rng.normal())}, note)
             for n, d, note in ((4, 2, ""), (6, 3, ""), (20, 4, ""), (1, 5, _("one sample")), (7, 1, _("one input")),
                                (3, 6, _("more inputs than samples")))]
    cases.append(Case({"X": rng.normal(size=(5, 3)), "w": rng.normal(size=3), "b": 0.0}, "b = 0"))
    cases.append(Case({"X": np.array([[1.0, -2.0], [0.0, 0.0], [400.0, 300.0], [-400.0, -300.0]]),
                       "w": np.array([2.0, 1.0]), "b": -1.0}, _("large z: z = 1099 and z = -1101")))
    cases.append(Case({"X": rng.normal(size=(3, 3)), "w": rng.normal(size=3), "b": float(rng.normal())},
                      _("a square batch, where X.T @ w runs too")))
    return cases


def _neuron_ref(X, w, b):
    return sigmoid(X @ w + b)


def _neuron_diagnose(args, expected, got):
    X, w, b = args["X"], args["w"], args["b"]
    z = X @ w + b
    values = np.asarray(got)
    known = [(z, _("your result equals z = X w + b, the neuron's input to its activation, not its output.")),
             (sigmoid(X @ w), _("your result equals sigmoid(X w): b is not in it.")),
             (sigmoid(X @ w - b), _("your result equals sigmoid(X w - b): b enters with the wrong sign.")),
             (sigmoid(X @ w) + b, _("your result equals sigmoid(X w) + b: b is added after the activation, not to z.")),
             (sigmoid(-z), _("your result equals 1 - sigmoid(z) = sigmoid(-z): the sign in the exponent is flipped.")),
             (np.tanh(z), _("your result equals tanh(z), which lies between -1 and 1; the neuron's activation here is "
                          "the sigmoid."))]
    if X.shape[0] == X.shape[1]:
        known.append((sigmoid(X.T @ w + b), _("your result equals sigmoid(X.T w + b): on a square batch a transposed X "
                                            "raises no error, but it weights the columns, not the rows (samples).")))
    for wrong, message in known:
        if np.allclose(values, wrong) and not np.allclose(wrong, expected):
            return message
    if np.all((values == 0) | (values == 1)):
        return _("your outputs are only 0s and 1s: a class, where the neuron's output is a probability.")
    return None


def _perceptron_cases(rng):
    cases = []
    for y in (1.0, 0.0):  # a point on the wrong side, for each class
        w, x = rng.normal(size=3), rng.normal(size=3)
        b = float(-(x @ w) + (-1.0 if y == 1 else 1.0))  # puts x on the wrong side
        cases.append(Case({"w": w, "b": b, "x": x, "y": y, "eta": 0.1}, _("a misclassified point with y = {y:g}").format(y=y)))
    w, x = rng.normal(size=2), rng.normal(size=2)
    b = float(-(x @ w) + 2.0)
    cases.append(Case({"w": w, "b": b, "x": x, "y": 1.0, "eta": 0.5}, _("a correctly classified point")))
    cases.append(Case({"w": np.zeros(2), "b": 0.0, "x": np.array([1.0, 1.0]), "y": 1.0, "eta": 0.1},
                      _("z = 0 exactly, where y_hat = [z > 0] = 0")))
    cases.append(Case({"w": np.array([0.5, -1.0]), "b": 0.5, "x": np.array([1.0, 1.0]), "y": 0.0, "eta": 0.1},
                      _("z = 0 exactly with y = 0: y_hat = 0 is right")))
    cases.append(Case({"w": np.array([1.0, 1.0]), "b": -3.0, "x": np.array([1.0, 1.0]), "y": 1.0, "eta": 0.25},
                      _("w.x = 2 > 0, but z = w.x + b = -1: the bias decides")))
    cases.append(Case({"w": np.zeros(2), "b": 0.0, "x": np.array([1.0, 2.0]), "y": 1.0, "eta": 0.5},
                      _("the lesson's exercise 4: w = 0, b = 0, x = (1, 2), y = 1")))
    for d, eta in ((4, 1.0), (1, 2.0), (5, 0.05), (3, 0.7)):
        w, x, b, y = rng.normal(size=d), rng.normal(size=d), float(rng.normal()), float(rng.integers(0, 2))
        right = float(x @ w + b > 0) == y
        cases.append(Case({"w": w, "b": b, "x": x, "y": y, "eta": eta},
                          (_("a correctly classified point with y = {y:g}, eta = {eta:g}") if right else
                           _("a misclassified point with y = {y:g}, eta = {eta:g}")).format(y=y, eta=eta)))
    return cases


def _perceptron_ref(w, b, x, y, eta):
    y_hat = float(x @ w + b > 0)
    return w + eta * (y - y_hat) * x, b + eta * (y - y_hat)


def _perceptron_diagnose(args, expected, got):
    w, b, x, y, eta = (args[k] for k in ("w", "b", "x", "y", "eta"))
    w_new, b_new = np.asarray(got[0]), float(np.reshape(got[1], ()))  # a b_new of another size: no diagnosis
    z = float(x @ w + b)

    def moved(step):  # the answer is w + step x, b + step
        return np.allclose(w_new, w + step * x) and np.isclose(b_new, b + step)

    y_hat = float(z > 0)
    if z == 0 and y != y_hat and moved(0.0):
        return (_("at z = 0 exactly your w and b did not move, as if your prediction were 1; with y_hat = [z > 0] "
                "(strictly greater) it is 0, so this point is misclassified and the weights must move."))
    if z == 0 and y == y_hat and moved(-eta):
        return (_("at z = 0 exactly your w and b moved as if your prediction were 1; with y_hat = [z > 0] "
                "(strictly greater) it is 0, which is right here, so nothing should change."))
    if y == y_hat and moved(eta * (2 * y - 1)):
        return (_("this point is classified correctly (z = {z:.4g}, y_hat = y = {y:g}), yet your w and b moved: "
                "the rule changes nothing when the prediction is right.").format(z=z, y=y))
    if y != y_hat and moved(-eta * (y - y_hat)):
        return ((_("your w and b moved by the right amount in the wrong direction: this point (y = {y:g}) needs its "
                  "z = {z:.4g} to grow.") if y > y_hat else
                _("your w and b moved by the right amount in the wrong direction: this point (y = {y:g}) needs its "
                  "z = {z:.4g} to shrink.")).format(y=y, z=z))
    if y != y_hat and moved(0.0):
        return (_("this point is misclassified (z = {z:.4g}, so y_hat = {y_hat:g}, but y = {y:g}), yet your w and b "
                "did not move.").format(z=z, y_hat=y_hat, y=y))
    without_b = float(x @ w > 0)
    if without_b not in (y, y_hat) and moved(eta * (y - without_b)):
        return (_("your update follows the prediction [w.x > 0] = {without_b:g}, made without b; z = w.x + b = "
                "{z:.4g} predicts {y_hat:g}.").format(without_b=without_b, z=z, y_hat=y_hat))
    return None


EXERCISES = [
    CodeExercise("01.neuron_forward", "neuron_forward", ("X", "w", "b"), _neuron_cases, _neuron_ref,
                 ladder=Ladder(
                     "The formula, step by step",
                     "Check your output's shape (n,) and its values: probabilities between 0 and 1, one per row "
                     "of X?",
                     "One row per sample: all n values of z come from one matrix-vector product plus b, then the "
                     "sigmoid is applied to each.",
                     "Compute z as X times w plus b (shape (n,)), then 1 / (1 + e^(-z)) elementwise, and return "
                     "that."),
                 good="a = sigmoid(X w + b) for every sample at once.", diagnose=_neuron_diagnose,
                 twin=tf_twin(N_("Keras's Dense(1, 'sigmoid') with the same weights"), _neuron_twin_args,
                              _keras_neuron)),
    CodeExercise("01.perceptron_update", "perceptron_update", ("w", "b", "x", "y", "eta"), _perceptron_cases,
                 _perceptron_ref, outputs=("w_new", "b_new"), kinds=("array", "number"),
                 ladder=Ladder(
                     "Learning the weights: the perceptron rule",
                     "Read the case named above the numbers: is the point misclassified there, and did your w "
                     "and b move (or stay) as the rule says?",
                     "Predict first with y_hat = [w.x + b > 0] (strictly greater: z = 0 predicts 0); the update "
                     "is proportional to y - y_hat, so a right prediction changes nothing.",
                     "y_hat is 1 if w.x + b > 0, else 0; the new w is w + eta (y - y_hat) x and the new b is "
                     "b + eta (y - y_hat); return both, leaving w itself unchanged."),
                 good="The weights move only on mistakes, towards the misclassified point's class.",
                 diagnose=_perceptron_diagnose),
]
