"""Lesson 01 (the neuron): neuron_forward and perceptron_update.

Each exercise's cases (the place for its edge cases), reference, diagnoses and twin, then the
CodeExercise entries that code.py collects."""
from __future__ import annotations

import numpy as np

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
        return "your result equals z = X w + b, the neuron's input to its activation, not its output."
    if np.shape(got) == z.shape and np.allclose(got, sigmoid(args["X"] @ args["w"])):
        return "your result equals sigmoid(X w): b is not in it."
    values = np.asarray(got, dtype=float)
    if np.shape(got) == z.shape and np.all((values == 0) | (values == 1)):
        return "your outputs are only 0s and 1s: a class, where the neuron's output is a probability."
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
                 twin=tf_twin("Keras's Dense(1, 'sigmoid') with the same weights", _neuron_twin_args,
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
                 good="The weights move only on mistakes, towards the misclassified point's class."),
]
