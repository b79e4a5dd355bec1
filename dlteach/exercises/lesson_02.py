"""Lesson 02 (activations): the backward passes of sigmoid, ReLU and ELU.

Each exercise's cases (the place for its edge cases), reference, diagnoses and twin, then the
CodeExercise entries that code.py collects."""
from __future__ import annotations

import numpy as np

from ..core.activations import get_activation, sigmoid
from .common import tf_twin
from .runner import Case, CodeExercise


def _tape_gradient(tf, fn, z, grad_a):
    z = tf.constant(z)
    with tf.GradientTape() as tape:
        tape.watch(z)
        a = fn(z)
    return tape.gradient(a, z, output_gradients=tf.constant(grad_a)).numpy()


def _activation_twin_args(rng):
    return {"z": np.r_[rng.normal(0, 3, 7), 0.0, 50.0, -50.0], "grad_a": rng.normal(size=10)}


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


EXERCISES = [
    CodeExercise("02.sigmoid_backward", "sigmoid_backward", ("z", "grad_a"), _activation_cases,
                 _sigmoid_backward_ref,
                 hint="dL/dz = dL/da * da/dz = grad_a * sigma(z) (1 - sigma(z)), elementwise.",
                 good="At |z| = 40 the factor sigma(1 - sigma) is 4e-18: a saturated sigmoid passes no gradient.",
                 diagnose=_sigmoid_backward_diagnose,
                 twin=tf_twin("tf.GradientTape through tf.sigmoid", _activation_twin_args,
                              lambda tf, keras, z, grad_a: _tape_gradient(tf, tf.sigmoid, z, grad_a))),
    CodeExercise("02.relu_backward", "relu_backward", ("z", "grad_a"), _activation_cases, _relu_backward_ref,
                 hint="ReLU's slope is 1 where z > 0 and 0 elsewhere (also at z = 0, as in TensorFlow); "
                      "multiply grad_a by it.",
                 good="Where z <= 0 no gradient flows: a unit that is negative for every sample stops learning.",
                 twin=tf_twin("tf.GradientTape through tf.nn.relu", _activation_twin_args,
                              lambda tf, keras, z, grad_a: _tape_gradient(tf, tf.nn.relu, z, grad_a))),
    CodeExercise("02.elu_backward", "elu_backward", ("z", "grad_a"), _activation_cases, _elu_backward_ref,
                 hint="ELU is z for z > 0 and e^z - 1 below: its slope is 1 for z > 0 and e^z for z <= 0 "
                      "(e^0 = 1, so both sides agree at 0); multiply grad_a by it.",
                 good="Below zero ELU's slope is e^z: small for very negative z, but never exactly 0 as ReLU's.",
                 diagnose=_elu_backward_diagnose,
                 twin=tf_twin("tf.GradientTape through tf.nn.elu", _activation_twin_args,
                              lambda tf, keras, z, grad_a: _tape_gradient(tf, tf.nn.elu, z, grad_a))),
]
