"""Lesson 02 (activations): the backward passes of sigmoid, ReLU and ELU.

Each exercise's cases (the place for its edge cases), reference, diagnoses and twin, then the
CodeExercise entries that code.py collects."""
from __future__ import annotations

import numpy as np

from ..i18n import N_, gettext_ as _
from ..core.activations import get_activation, sigmoid
from .common import tf_twin
from .hints import Ladder
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
            Case({"z": rng.normal(0, 3, (3, 4)), "grad_a": rng.normal(size=(3, 4))}, _("a (3, 4) batch")),
            Case({"z": rng.normal(0, 2, (2, 3, 2)), "grad_a": rng.normal(size=(2, 3, 2))}, _("a (2, 3, 2) array")),
            Case({"z": rng.normal(0, 2, 1), "grad_a": rng.normal(size=1)}, _("one entry")),
            Case({"z": rng.normal(0, 5, 40), "grad_a": rng.normal(0, 10, 40)}, _("40 entries, |z| up to about 15")),
            Case({"z": np.array([-800.0, -40.0, 0.0, 40.0, 800.0]), "grad_a": np.ones(5)}, _("large |z|")),
            Case({"z": np.array([-2.0, -0.5, 0.0, 0.5, 2.0]), "grad_a": np.full(5, 3.0)}, _("z = 0 included")),
            Case({"z": np.array([-1e-9, -0.0, 1e-300, 1e-9, 1e-6]), "grad_a": np.array([2.0, -1.0, 0.5, -3.0, 4.0])},
                 _("z within 1e-6 of 0, on both sides")),
            Case({"z": rng.normal(0, 2, 6), "grad_a": np.array([0.0, 0.0, -1.0, 0.0, 2.0, 0.0])},
                 _("grad_a = 0 at four entries"))]


def _sigmoid_cases(rng):
    """The shared cases, with |z| = 21 among the large ones: sigma'(21) = 8e-10 is above the tolerance, so a result
    cut to 0 beyond some |z| < 21 ("saturated anyway") is told apart from the slope itself."""
    cases = _activation_cases(rng)
    return [Case({"z": np.array([-800.0, -40.0, -21.0, 0.0, 21.0, 40.0, 800.0]), "grad_a": np.ones(7)}, case.note)
            if case.note == _("large |z|") else case for case in cases]


def _first_match(got, expected, known) -> str | None:
    """The message of the first (wrong result, message) in `known` that the learner's result equals, where
    that wrong result differs from the expected one in this case."""
    for wrong, message in known:
        if np.allclose(got, wrong) and not np.allclose(wrong, expected):
            return message
    return None


def _sigmoid_backward_ref(z, grad_a):
    a = sigmoid(z)
    return grad_a * a * (1.0 - a)


def _sigmoid_backward_diagnose(args, expected, got):
    z, grad_a = args["z"], args["grad_a"]
    a = sigmoid(z)
    return _first_match(got, expected, [
        (a * (1 - a), _("your result equals sigma'(z) alone: the incoming gradient grad_a is not in it.")),
        (grad_a * a, _("your result equals grad_a times sigma(z): the sigmoid's value where its slope belongs.")),
        (grad_a * z * (1 - z), _("your result equals grad_a z (1 - z): the slope a (1 - a) needs a = sigma(z), not z.")),
        (grad_a * (1 - np.tanh(z) ** 2), _("your result equals grad_a (1 - tanh(z)²): tanh's slope, not the "
                                         "sigmoid's."))]) or _cut_off(z, expected, got)


def _cut_off(z, expected, got) -> str | None:
    """A result right for small |z| and exactly 0 for large |z|, where the slope is tiny but not 0."""
    got = np.asarray(got, dtype=float)
    cut = (got == 0) & (expected != 0)
    if got.shape == expected.shape and cut.any() and np.allclose(got[~cut], expected[~cut], rtol=1e-7, atol=1e-10):
        return (_("your result is 0 where |z| >= {min:g}, but the slope there is small, not 0 "
                "(sigma'(21) = 8e-10): compute it rather than cut it off.").format(min=np.abs(z[cut]).min()))
    return None


def _relu_backward_ref(z, grad_a):
    return grad_a * (z > 0)


def _relu_backward_diagnose(args, expected, got):
    z, grad_a = args["z"], args["grad_a"]
    tiny = (z > 0) & (z < 1e-5)
    return _first_match(got, expected, [
        ((z > 0).astype(float), _("your result equals ReLU's slope alone: the incoming gradient grad_a is not in it.")),
        (grad_a * (z >= 0), _("your result passes the gradient where z = 0 exactly; there the slope is taken to be 0.")),
        (grad_a * np.maximum(z, 0), _("your result equals grad_a times relu(z): ReLU's value where its slope "
                                    "belongs.")),
        (grad_a * (grad_a > 0), _("your result keeps grad_a where grad_a > 0; whether the gradient passes depends on "
                                "the sign of z.")),
        (np.where(tiny, 0.0, expected), _("your result is 0 at the entries with 0 < z < 1e-5; ReLU's slope is 1 for "
                                        "every z > 0, however small."))])


def _elu_backward_ref(z, grad_a):
    act = get_activation("elu")
    return act.backward(z, act.forward(z), grad_a)


def _elu_backward_diagnose(args, expected, got):
    z, grad_a = args["z"], args["grad_a"]
    a = get_activation("elu").forward(z)
    return _first_match(got, expected, [  # the most local difference first
        (np.where(z == 0, 0.0, expected), _("at z = 0 your result is 0; ELU's slope there is 1 from both sides.")),
        (grad_a * np.where(z > 0, 1.0, a), _("below zero your result uses ELU's value a = e^z - 1 where its slope "
                                           "belongs.")),
        (np.where(z > 0, 1.0, a + 1.0), _("your result equals ELU's slope alone: the incoming gradient grad_a is not "
                                        "in it.")),
        (grad_a * (z > 0), _("your result is 0 wherever z <= 0: ReLU's slope; ELU's is e^z there.")),
        (grad_a * np.exp(np.minimum(z, 700)), _("above zero your result uses e^z; there ELU is z itself, with slope 1."))])


EXERCISES = [
    CodeExercise("02.sigmoid_backward", "sigmoid_backward", ("z", "grad_a"), _sigmoid_cases,
                 _sigmoid_backward_ref,
                 ladder=Ladder(
                     "The derivatives, derived",
                     "Compare your result with the expected one entry by entry: is a factor missing, or is the "
                     "slope itself wrong (look at z = 0, where sigma'(0) = 1/4)?",
                     "The chain rule: dL/dz = dL/da times da/dz, entry by entry, and the sigmoid's slope is "
                     "written with its own value: sigma'(z) = sigma(z) (1 - sigma(z)).",
                     "Compute a = sigma(z) once; return grad_a times a times (1 - a), elementwise, the shape of "
                     "z."),
                 good="At |z| = 40 the factor sigma(1 - sigma) is 4e-18: a saturated sigmoid passes no gradient.",
                 diagnose=_sigmoid_backward_diagnose,
                 twin=tf_twin(N_("tf.GradientTape through tf.sigmoid"), _activation_twin_args,
                              lambda tf, keras, z, grad_a: _tape_gradient(tf, tf.sigmoid, z, grad_a))),
    CodeExercise("02.relu_backward", "relu_backward", ("z", "grad_a"), _activation_cases, _relu_backward_ref,
                 ladder=Ladder(
                     "The derivatives, derived",
                     "Check the entries where z <= 0, z = 0 included: what slope does your result use there, and "
                     "where z > 0?",
                     "ReLU's slope is 1 for z > 0 and 0 for z <= 0 (0 at z = 0, as TensorFlow takes it); the "
                     "chain rule multiplies grad_a by it.",
                     "Build the 0/1 slope from the comparison z > 0 and multiply grad_a by it, entry by entry."),
                 good="Where z <= 0 no gradient flows: a unit that is negative for every sample stops learning.",
                 diagnose=_relu_backward_diagnose,
                 twin=tf_twin(N_("tf.GradientTape through tf.nn.relu"), _activation_twin_args,
                              lambda tf, keras, z, grad_a: _tape_gradient(tf, tf.nn.relu, z, grad_a))),
    CodeExercise("02.elu_backward", "elu_backward", ("z", "grad_a"), _activation_cases, _elu_backward_ref,
                 ladder=Ladder(
                     "The derivatives, derived",
                     "Compare the entries with z > 0 and those with z <= 0 separately: which side is wrong, and "
                     "is anything NaN or inf at large |z|?",
                     "ELU is z above 0 and e^z - 1 below: its slope is 1 above 0 and e^z below (both 1 at 0), "
                     "multiplied by grad_a.",
                     "Take the slope 1 where z > 0 and e to the power min(z, 0) elsewhere (the min keeps exp from "
                     "overflowing where it is not used), then multiply by grad_a."),
                 good="Below zero ELU's slope is e^z: small for very negative z, but never exactly 0 as ReLU's.",
                 diagnose=_elu_backward_diagnose,
                 twin=tf_twin(N_("tf.GradientTape through tf.nn.elu"), _activation_twin_args,
                              lambda tf, keras, z, grad_a: _tape_gradient(tf, tf.nn.elu, z, grad_a))),
]
