"""Lesson 07 (the Playground): a two-layer network's forward pass.

Each exercise's cases (the place for its edge cases), reference, diagnoses and twin, then the
CodeExercise entries that code.py collects."""
from __future__ import annotations

import numpy as np

from ..i18n import N_, gettext_ as _
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
    for n, h in ((5, 4), (3, 2), (1, 3), (8, 6), (4, 1), (2, 2), (6, 8)):
        note = (_("{h} hidden neuron") if h == 1 else
                _("{h} hidden neurons")).format(h=h) + (_(", one sample") if n == 1 else "") + (
            _(": X and W1 both 2 x 2") if n == h == 2 else "")
        cases.append(Case({"X": rng.normal(size=(n, 2)), "W1": rng.normal(size=(2, h)), "b1": rng.normal(size=h),
                           "W2": rng.normal(size=(h, 1)), "b2": rng.normal(size=1)}, note))
    X = np.r_[[[1.0, 1.0], [-1.0, -1.0]], rng.normal(size=(4, 2))]
    cases.append(Case({"X": X, "W1": 20.0 + rng.normal(size=(2, 3)), "b1": rng.normal(size=3),
                       "W2": np.full((3, 1), 300.0), "b2": np.array([-1.0])},
                      _("saturated units: the output's z reaches +-900, where the sigmoid is 0 or 1")))
    return cases


def _forward_ref(X, W1, b1, W2, b2):
    hidden = Dense(W1.shape[0], W1.shape[1], "tanh")
    out = Dense(W2.shape[0], 1, "sigmoid")
    hidden.W[...], hidden.b[...], out.W[...], out.b[...] = W1, b1, W2, b2
    return out.forward(hidden.forward(X))


def _forward_diagnose(args, expected, got):
    X, W1, b1, W2, b2 = args["X"], args["W1"], args["b1"], args["W2"], args["b2"]
    if (np.shape(got) == expected.shape and np.allclose(got, expected, rtol=1e-4, atol=1e-6)
            and not np.allclose(got, expected, rtol=1e-7, atol=1e-10)):  # the runner's tolerance
        single = getattr(got, "dtype", None) in (np.float32, np.float16)
        gap = float(np.max(np.abs(np.asarray(got, dtype=float) - expected)))
        return (_("your numbers are close (largest difference {gap:.1g}) but the checker asks for NumPy's float64 "
                "precision: ").format(gap=gap)
                + (_("your result is {dtype}; leave out the conversion to it.").format(dtype=got.dtype)
                   if single else _("a conversion to float32 somewhere, or a small added constant (an epsilon)?")))
    linear_hidden = sigmoid((X @ W1 + b1) @ W2 + b2)
    if np.shape(got) == linear_hidden.shape and np.allclose(got, linear_hidden) and not np.allclose(got, expected):
        return _("your output equals the network without the hidden layer's tanh: a straight-line boundary.")
    no_output = np.tanh(X @ W1 + b1) @ W2 + b2
    if np.shape(got) == no_output.shape and np.allclose(got, no_output) and not np.allclose(got, expected):
        return _("your output equals the output layer's z, before its sigmoid: not a probability.")
    sigmoid_hidden = sigmoid(sigmoid(X @ W1 + b1) @ W2 + b2)
    if np.shape(got) == sigmoid_hidden.shape and np.allclose(got, sigmoid_hidden) and not np.allclose(got, expected):
        return _("your output equals the network with a sigmoid in the hidden layer; the Playground's is tanh.")
    no_b1 = sigmoid((np.tanh(X @ W1) + b1) @ W2 + b2)
    if np.shape(got) == no_b1.shape and np.allclose(got, no_b1) and not np.allclose(no_b1, expected):
        return _("your output equals the network whose b1 is added after the tanh instead of before it.")
    no_b2 = sigmoid(np.tanh(X @ W1 + b1) @ W2)
    if np.shape(got) == no_b2.shape and np.allclose(got, no_b2) and not np.allclose(no_b2, expected):
        return _("your output equals the network without the output bias b2.")
    if np.shape(got) == expected.shape and np.any((np.asarray(got, dtype=float) < 0) | (np.asarray(got) > 1)):
        return _("some of your outputs lie outside [0, 1]: they are not probabilities.")
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
                 twin=tf_twin(N_("The same network in Keras"), _forward_twin_args, _keras_forward)),
]
