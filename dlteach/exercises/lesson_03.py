"""Lesson 03 (losses): binary cross-entropy from the logits.

Each exercise's cases (the place for its edge cases), reference, diagnoses and twin, then the
CodeExercise entries that code.py collects."""
from __future__ import annotations

import numpy as np

from ..i18n import N_, gettext_ as _
from ..core.activations import sigmoid
from ..core.losses import binary_crossentropy
from .common import bound, rel_error
from .hints import Ladder
from .runner import Case, CodeExercise, Mismatch


def _bce_cases(rng):
    cases = []
    for n in (4, 7, 50):
        cases.append(Case({"z": rng.normal(0, 3, n), "y": rng.integers(0, 2, n).astype(float)}))
    cases.append(Case({"z": np.array([1000.0, -1000.0, 1000.0, -1000.0, 0.0]),
                       "y": np.array([1.0, 0.0, 0.0, 1.0, 1.0])}, _("|z| = 1000: confident, right and wrong")))
    cases.append(Case({"z": np.array([40.0, -40.0, 40.0, -40.0, 36.0, -37.0]),
                       "y": np.array([1.0, 0.0, 0.0, 1.0, 0.0, 1.0])}, _("|z| near 40, where 1 - sigmoid(z) rounds to 0")))
    cases.append(Case({"z": np.array([float(rng.normal(0, 3))]), "y": np.array([1.0])}, _("one sample")))
    cases.append(Case({"z": np.zeros(3), "y": np.array([0.0, 1.0, 1.0])}, _("z = 0: the loss is log 2 per sample")))
    cases.append(Case({"z": rng.normal(0, 3, 6), "y": np.ones(6)}, _("every label 1")))
    return cases


def _bce_ref(z, y):
    loss, grad = binary_crossentropy(y[:, None], z[:, None], from_logits=True)
    return loss, grad[:, 0]


def _bce_diagnose(args, expected, got):
    z, y = args["z"], args["y"]
    n = len(z)
    loss, g = float(np.reshape(got[0], ())), got[1]  # a loss of another size: no diagnosis
    per_sample = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
    with np.errstate(all="ignore"):
        p = np.clip(sigmoid(z), 1e-7, 1 - 1e-7)
        clipped = float(np.mean(-y * np.log(p) - (1 - y) * np.log(1 - p)))
    if not np.isclose(loss, expected[0], rtol=1e-7, atol=1e-10):
        if n > 1 and np.isclose(loss, per_sample.sum()):
            return _("your loss is {n} times the expected one, and this case has n = {n} samples: a sum, not the mean.").format(n=n)
        if np.isclose(loss, np.mean(np.maximum(z, 0) - z * (1 - y) + np.log1p(np.exp(-np.abs(z))))):
            return _("your loss is the one of the opposite labels, 1 - y.")
        if np.isclose(loss, clipped):
            return (_("your loss is what probabilities clipped to [1e-7, 1 - 1e-7] give: at most 16.1 per sample, "
                    "where a confident mistake at |z| = 1000 costs 1000."))
        if np.isclose(loss, expected[0], rtol=1e-5, atol=1e-6):
            return _(_NEARLY).format(what="loss")
        return None
    known = [(sigmoid(z) - y, _("every entry of your dL_dz is {n} times the expected one, and this case has n = {n} "
                              "samples.").format(n=n)),
             ((y - sigmoid(z)) / n, _("your dL_dz has the expected size and the opposite sign: it points uphill.")),
             ((sigmoid(-z) - y) / n, _("your dL_dz uses sigmoid(-z) = 1 - sigmoid(z) where sigmoid(z) belongs."))]
    for wrong, message in known:
        if np.allclose(g, wrong) and not np.allclose(wrong, expected[1]):
            return message
    if (np.shape(g) == np.shape(expected[1]) and np.allclose(g, expected[1], rtol=1e-5, atol=1e-6)
            and not np.allclose(g, expected[1], rtol=1e-7, atol=1e-10)):  # near, but not right: float32 or a clip
        return _(_NEARLY).format(what="dL_dz")
    return None


_NEARLY = (N_("your {what} is close to the expected one but not to float64 precision: computed in float32, or through "
           "probabilities clipped like Keras's? From the logits nothing needs a clip."))


def _bce_twin(func) -> str:
    import tensorflow as tf  # only this exercise pays for TensorFlow, and only after the cases pass

    rng = np.random.default_rng(1)
    z = np.r_[rng.normal(0, 4, 6), 1000.0, -1000.0]
    y = np.r_[rng.integers(0, 2, 6), 0, 1].astype(float)
    z_tf = tf.constant(z)
    with tf.GradientTape() as tape:
        tape.watch(z_tf)
        loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.constant(y), logits=z_tf))
    grad = tape.gradient(loss, z_tf).numpy()
    my_loss, my_grad = func(z=z.copy(), y=y.copy())
    err = max(abs(float(my_loss) - float(loss)) / max(abs(float(loss)), 1e-300), rel_error(my_grad, grad))
    if not err < 1e-9:
        raise Mismatch(_("Your function agrees with the cases but not with TensorFlow "
                       "(tf.nn.sigmoid_cross_entropy_with_logits): relative difference {err:.3g}.").format(err=err))
    return _("TensorFlow (sigmoid_cross_entropy_with_logits and GradientTape) agrees {bound}.").format(bound=bound(err))


EXERCISES = [
    CodeExercise("03.bce_with_logits", "bce_with_logits", ("z", "y"), _bce_cases, _bce_ref,
                 outputs=("loss", "dL_dz"), kinds=("number", "array"),
                 ladder=Ladder(
                     "The formulas, derived",
                     "Which output is wrong, the loss or dL_dz, and in which case (the |z| = 1000 one?)? Compare "
                     "its scale and sign with the expected.",
                     "The loss is the mean over the n samples of -y log sigma(z) - (1 - y) log(1 - sigma(z)), "
                     "rewritten so that no log of 0 and no exp of a large number is ever computed; per sample its "
                     "gradient is sigma(z) - y, and the mean divides it by n.",
                     "Per sample use max(z, 0) - z y + log(1 + e^(-|z|)) (the same value, finite for every z); "
                     "the loss is its average; the gradient is (sigma(z) - y) / n, with sigma computed without "
                     "overflow."),
                 good="Stable at |z| = 1000.", diagnose=_bce_diagnose, twin=_bce_twin),
]
