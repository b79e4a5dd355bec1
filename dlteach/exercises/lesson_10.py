"""Lesson 10 (overfitting): inverted dropout, the L2 penalty.

Each exercise's cases (the place for its edge cases), reference, diagnoses and twin, then the
CodeExercise entries that code.py collects."""
from __future__ import annotations

import numpy as np

from ..i18n import N_, gettext_ as _
from ..core.regularizers import L1L2
from .common import tf_twin
from .hints import Ladder
from .runner import Case, CodeExercise


def _dropout_cases(rng):
    cases = []
    for shape, rate in (((4, 5), 0.5), ((3, 6), 0.2), ((2, 8), 0.75), ((1, 7), 0.1), ((5, 3), 0.6),
                        ((2, 3, 4), 0.3)):
        mask = (rng.random(shape) >= rate).astype(float)
        cases.append(Case({"x": rng.normal(size=shape), "mask": mask, "rate": rate},
                          _("rate = {rate}").format(rate=rate) + (_(", x of 3 dimensions") if len(shape) == 3 else "")))
    cases.append(Case({"x": rng.normal(size=(2, 4)), "mask": np.array([[1.0, 1, 1, 0], [1, 1, 1, 1]]), "rate": 0.5},
                      _("rate = 0.5 with 7 of the 8 units kept: the scale comes from the rate, not from the mask")))
    return cases


def _dropout_ref(x, mask, rate):
    return x * mask / (1.0 - rate)  # kept units scaled up: the expected activation is unchanged


def _dropout_diagnose(args, expected, got):
    x, mask, rate = args["x"], args["mask"], args["rate"]
    if np.shape(got) != x.shape:
        return None
    got = np.asarray(got, dtype=float)
    if np.allclose(got[mask == 1], 0.0) and np.any(got[mask == 0] != 0):
        return _("your result keeps the units whose mask is 0 and zeroes the ones whose mask is 1.")
    if np.any(mask == 0) and np.allclose(got[mask == 1], expected[mask == 1]) \
            and not np.allclose(got[mask == 0], 0.0):
        return _("your kept units are right, but the units whose mask is 0 are not 0.")
    if mask.mean() != 1 - rate and np.any(mask == 1) and np.allclose(got, x * mask / mask.mean()):
        return (_("your kept units are scaled by 1 / {mean:g}, the fraction this mask keeps; the scale comes "
                "from the rate: 1 - rate = {value:g} is the fraction kept on average.").format(mean=mask.mean(), value=1 - rate))
    return None


def _l2_cases(rng):
    cases = [Case({"W": rng.normal(size=shape), "l2": l2}, _("W of shape {shape}, l2 = {l2}").format(shape=shape, l2=l2))
             for shape, l2 in (((3, 4), 0.01), ((2, 5), 0.5), ((6, 1), 0.003), ((1, 7), 2.0), ((5, 5), 0.25),
                               ((4, 2), 1e-4))]
    cases.append(Case({"W": np.zeros((2, 3)), "l2": 0.1}, _("all weights 0")))
    cases.append(Case({"W": np.array([[1.0, -2.0]]), "l2": 0.5}, _("the exercise's W = [[1, -2]], l2 = 0.5")))
    return cases


def _l2_ref(W, l2):
    reg = L1L2(l2=l2)
    return reg.penalty(W), reg.grad(W)


def _l2_diagnose(args, expected, got):
    W, l2 = args["W"], args["l2"]
    if not isinstance(got, (tuple, list)) or len(got) != 2 or not np.any(W):
        return None
    if np.size(got[0]) == 1:
        penalty = float(np.asarray(got[0]))
        if np.isclose(penalty, 0.5 * l2 * np.sum(W**2)):
            return _("your penalty is half the expected one (and Keras's L2 penalty has no 1/2)") + (
                _("; or it is the mean over the 2 weights, not their sum.") if W.size == 2 else ".")
        if W.size > 1 and np.isclose(penalty, l2 * np.mean(W**2)):
            return (_("your penalty is {size} times smaller than expected, and W has {size} entries: a mean, not "
                    "the sum over the weights.").format(size=W.size))
        if np.isclose(penalty, l2 * np.sqrt(np.sum(W**2))):
            return _("your penalty equals l2 times the length of W, sqrt(sum of W²): a square root too many.")
    if np.shape(got[1]) == W.shape:
        dW = np.asarray(got[1], dtype=float)
        if np.allclose(dW, l2 * W):
            return _("every entry of your dW is half the expected one.")
        if l2 != 0.5 and np.allclose(dW, 2 * W):
            return _("your dW is 2 W, without the factor l2 = {l2:g}.").format(l2=l2)
    return None


def _tf_l2(tf, keras, W, l2):
    W = tf.Variable(W)
    with tf.GradientTape() as tape:
        penalty = keras.regularizers.L2(float(l2))(W)
    return float(penalty), tape.gradient(penalty, W).numpy()


EXERCISES = [
    CodeExercise("10.dropout_forward", "dropout_forward", ("x", "mask", "rate"), _dropout_cases, _dropout_ref,
                 ladder=Ladder(
                     "The cures, derived",
                     "Compare the kept entries (mask 1) and the dropped ones (mask 0) with the expected values: "
                     "which are wrong, and by what factor?",
                     "Dropped units become 0; kept units are scaled so that the expected activation, over the "
                     "random mask, stays x.",
                     "Multiply x by the mask, then by the scale that undoes keeping only a fraction 1 - rate of "
                     "the units: 1 / (1 - rate)."),
                 good="At inference nothing needs to change: that is why Keras scales during training.",
                 diagnose=_dropout_diagnose),
    CodeExercise("10.l2_penalty", "l2_penalty", ("W", "l2"), _l2_cases, _l2_ref, outputs=("penalty", "dW"),
                 kinds=("number", "array"),
                 ladder=Ladder(
                     "The cures, derived",
                     "Which is wrong, the penalty (one number) or dW (the shape of W)? Compare its scale with the "
                     "expected, and check the case where all weights are 0.",
                     "Keras's L2 penalty is l2 times the sum of the squares of all entries, without a 1/2; its "
                     "derivative with respect to each weight w is 2 l2 w.",
                     "penalty: l2 times the sum over all entries of W²,  as one float; dW: 2 times l2 times W, an "
                     "array shaped like W."),
                 good="This gradient is what L2 adds to every weight's dW before the optimizer's step.",
                 diagnose=_l2_diagnose, totals={"penalty": N_("the penalty adds up the squares of all the weights "
                                                           "into one sum, times l2")},
                 twin=tf_twin(N_("keras.regularizers.L2 under tf.GradientTape"),
                              lambda rng: {"W": rng.normal(size=(4, 3)), "l2": np.float64(0.0625)}, _tf_l2)),
]
