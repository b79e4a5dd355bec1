"""Lesson 07 (the Playground): a two-layer network's forward pass.

Each exercise's cases (the place for its edge cases), reference, diagnoses and twin, then the
CodeExercise entries that code.py collects."""
from __future__ import annotations

import numpy as np

from ..core.activations import sigmoid
from ..core.layers import Dense
from .common import tf_twin
from .hints import Ladder
from .runner import Case, CodeExercise


def _keras_forward(tf, keras, X, W1, b1, W2, b2):
    model = keras.Sequential([keras.Input((2,), dtype="float64"),
                              keras.layers.Dense(W1.shape[1], "tanh", dtype="float64"),
                              keras.layers.Dense(1, "sigmoid", dtype="float64")])
    model.set_weights([W1, b1, W2, b2])
    return model(X).numpy()


def _forward_twin_args(rng):
    return {"X": rng.normal(size=(5, 2)), "W1": rng.normal(size=(2, 4)), "b1": rng.normal(size=4),
            "W2": rng.normal(size=(4, 1)), "b2": rng.normal(size=1)}


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
        return "your output equals the network without the hidden layer's tanh: a straight-line boundary."
    no_output = np.tanh(X @ W1 + b1) @ W2 + b2
    if np.shape(got) == no_output.shape and np.allclose(got, no_output):
        return "your output equals the output layer's z, before its sigmoid: not a probability."
    return None


EXERCISES = [
    CodeExercise("07.forward", "forward", ("X", "W1", "b1", "W2", "b2"), _forward_cases, _forward_ref,
                 ladder=Ladder(
                     "The formula",
                     "Check the shape (n, 1) and the range: are your outputs probabilities between 0 and 1?",
                     "Two layers in turn: the hidden layer is tanh of an affine map of X, the output is the "
                     "sigmoid of an affine map of the hidden values.",
                     "Hidden values: tanh of (X times W1 plus b1), shape (n, h). Output: sigmoid of (hidden times "
                     "W2 plus b2), shape (n, 1)."),
                 good="This is all the Playground computes for every pixel of its picture.",
                 diagnose=_forward_diagnose,
                 twin=tf_twin("The same network in Keras", _forward_twin_args, _keras_forward)),
]
