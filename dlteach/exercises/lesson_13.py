"""Lesson 13 (small data, small models): soft targets, the distillation loss, quantisation.

Each exercise's cases (the place for its edge cases), reference, diagnoses and twin, then the
CodeExercise entries that code.py collects."""
from __future__ import annotations

import numpy as np

from ..i18n import N_, gettext_ as _
from ..core.activations import softmax
from ..core.layers import Dense
from ..core.losses import categorical_crossentropy
from .common import bound, rel_error, tf_twin
from .hints import Ladder
from .runner import Case, CodeExercise, Mismatch


def _soft_targets_cases(rng):
    cases = [Case({"logits": rng.normal(0, 3, (n, k)), "T": T}, f"T = {T}")
             for (n, k), T in (((3, 4), 1.0), ((2, 10), 4.0), ((5, 3), 0.5), ((1, 5), 2.0), ((4, 2), 10.0),
                               ((6, 6), 3.0))]
    cases.append(Case({"logits": np.array([[1600.0, 0.0, -1600.0]]), "T": 2.0}, _("logits of size 1600")))
    cases.append(Case({"logits": np.array([[1600.0, 0.0], [-1600.0, -1601.0]]), "T": 2.0},
                      _("rows of very different scale: the second row's largest logit is -1600, not 1600")))
    return cases


def _soft_targets_ref(logits, T):
    return softmax(logits / T)


def _soft_targets_diagnose(args, expected, got):
    logits, T = args["logits"], args["T"]
    if np.shape(got) == np.shape(logits) and T != 1 and np.allclose(got, softmax(logits * T)) \
            and not np.allclose(got, expected):
        return _("your rows equal the softmax of the logits times T = {T:g}, not divided by it.").format(T=T)
    if np.shape(got) == np.shape(logits) and np.all(np.isfinite(got)) \
            and not np.allclose(np.sum(got, axis=1), 1.0):
        return _("your rows do not sum to 1: they are not probabilities.")
    if np.shape(got) == np.shape(logits) and T != 1 and np.allclose(got, softmax(logits)) \
            and not np.allclose(got, expected):
        return _("your rows equal the softmax of the logits themselves, as at T = 1; this case has T = {T:g}.").format(T=T)
    return None


def _soft_targets_twin_args(rng):
    """Rows of a few units and one row near 900 (a global maximum would underflow the others)."""
    logits = rng.normal(0, 3, (5, 7))
    logits[2] += 900.0
    return {"logits": logits, "T": 2.5}


def _distill_cases(rng):
    return [Case({"z_student": rng.normal(0, 2, (n, k)), "z_teacher": rng.normal(0, 3, (n, k)), "T": T}, f"T = {T}")
            for (n, k), T in (((4, 3), 1.0), ((3, 10), 4.0), ((5, 5), 2.5), ((1, 4), 2.0), ((6, 2), 0.5),
                              ((2, 7), 8.0))] + [
        Case({"z_student": np.array([[800.0, 0.0, -800.0]]), "z_teacher": np.array([[0.0, 900.0, 0.0]]), "T": 2.0},
             _("logits of size 900")),
        Case({"z_student": np.array([[800.0, 0.0, -800.0], [-900.0, -905.0, -899.0]]),
              "z_teacher": np.array([[0.0, 900.0, 0.0], [-1000.0, -1001.0, -999.0]]), "T": 2.0},
             _("rows of very different scale: the second rows' largest logits are -899 and -999"))]


def _distill_ref(z_student, z_teacher, T):
    from ..core.compress import Temperature  # noqa: PLC0415 (the layer dlteach's students learn through)

    p = softmax(z_teacher / T)                    # the soft targets
    temp = Temperature(T)
    loss, grad = categorical_crossentropy(p, temp.forward(z_student), from_logits=True)
    return loss, temp.backward(grad)


def _distill_diagnose(args, expected, got):
    if not isinstance(got, tuple) or len(got) != 2:
        return None
    T, (loss, grad) = args["T"], expected
    if np.shape(got[1]) == np.shape(grad) and np.allclose(got[1], grad * T) and T != 1:
        return _("every entry of your dL_dz_student is T = {T:g} times the expected one.").format(T=T)
    if np.size(got[0]) != 1 or not np.isfinite(float(np.asarray(got[0]))):
        return None
    g_loss = float(np.asarray(got[0]))
    p = softmax(args["z_teacher"] / T)
    entropy = float(-np.sum(p * np.log(np.where(p > 0, p, 1.0))) / len(p))
    if T != 1 and np.isclose(g_loss, T**2 * loss) and not np.isclose(loss, 0):
        return _("your loss is T² = {value:g} times the expected one: Hinton's factor belongs where the losses are added.").format(value=T ** 2)
    n, k = args["z_student"].shape
    if k > 1 and np.isclose(g_loss, loss / k) and not np.isclose(loss, 0):
        return _("your loss is {k} times smaller than expected: a mean over all {n} x {k} entries, not over the rows.").format(k=k, n=n)
    for zs, zt, T_s, what in ((args["z_student"], args["z_teacher"], 1.0, _("the student's logits not divided by T")),
                              (args["z_teacher"], args["z_student"], T, _("the student's and the teacher's logits "
                                                                        "swapped"))):
        alt = categorical_crossentropy(softmax(zt / T), zs / T_s, from_logits=True)[0]
        if not np.isclose(alt, loss) and np.isclose(g_loss, alt):
            return _("your loss is what {what} gives.").format(what=what)
    if entropy > 1e-6 and np.isclose(g_loss, loss - entropy):
        return (_("your loss is the expected one minus the teacher's entropy: the KL divergence; this loss is the "
                "cross-entropy -sum p log q (the two have the same gradient)."))
    return None


def _distill_twin(func) -> str:
    import tensorflow as tf  # noqa: PLC0415

    rng = np.random.default_rng(6)
    zs, zt, T = rng.normal(0, 2, (6, 5)), rng.normal(0, 3, (6, 5)), 3.0
    z = tf.constant(zs)
    with tf.GradientTape() as tape:
        tape.watch(z)
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=tf.nn.softmax(zt / T), logits=z / T))
    ref = (float(loss), tape.gradient(loss, z).numpy())
    mine = func(z_student=zs.copy(), z_teacher=zt.copy(), T=T)
    if not (np.isfinite(float(mine[0])) and np.all(np.isfinite(np.asarray(mine[1], dtype=float)))):
        raise Mismatch(_("Your result agrees with the cases but holds NaN or inf on the inputs compared with "
                       "tf.GradientTape: look for exp of a large number or log of 0."))
    err = max(abs(float(mine[0]) - ref[0]) / abs(ref[0]), rel_error(np.asarray(mine[1], dtype=float), ref[1]))
    if not err < 1e-12:
        raise Mismatch(_("Your result agrees with the cases but not with tf.GradientTape: relative difference {err:.3g}.").format(err=err))
    return _("tf.nn.softmax_cross_entropy_with_logits and tf.GradientTape agree {bound}.").format(bound=bound(err))


def _quantize_cases(rng):
    cases = [Case({"W": rng.normal(0, s, shape), "bits": b}, _("{b} bits").format(b=b))
             for shape, s, b in (((5, 4), 1.0, 8), ((6, 3), 0.1, 4), ((4, 4), 2.0, 2), ((3, 7), 0.5, 3),
                                 ((2, 9), 3.0, 5), ((8, 2), 0.02, 6), ((1, 6), 1.0, 16))]
    cases.append(Case({"W": np.array([[0.6, -1.0], [0.26, 0.0]]), "bits": 2}, _("2 bits: levels -1, 0, 1")))
    cases.append(Case({"W": np.array([[0.5, -2.0], [1.2, 0.1]]), "bits": 3},
                      _("3 bits; the largest |W| is a negative weight, -2")))
    return cases


def _quantize_ref(W, bits):
    from ..core.compress import quantize  # noqa: PLC0415 (the engine's own rounding)

    layer = Dense(W.shape[0], W.shape[1], "linear")
    layer.W[...] = W
    levels = 2 ** (int(bits) - 1) - 1
    scale = np.abs(W).max() / levels
    quantize(type("OneLayer", (), {"layers": [layer]})(), int(bits))  # rounds layer.W to q * scale in place
    return np.round(layer.W / scale), scale, layer.W


def _quantize_diagnose(args, expected, got):
    if not isinstance(got, tuple) or len(got) != 3:
        return None
    levels_full = 2 ** int(args["bits"]) - 1
    if np.isclose(float(np.asarray(got[1])), np.abs(args["W"]).max() / levels_full):
        return (_("your scale is max|W| / {levels_full}: {levels_full} levels, all the codes of {args} "
                "bits, with none kept for the sign.").format(levels_full=levels_full, args=int(args['bits'])))
    levels = 2 ** (int(args["bits"]) - 1) - 1
    divisor = np.abs(args["W"]).max() / float(np.asarray(got[1])) if float(np.asarray(got[1])) else 0.0
    if divisor > 0.5 and np.isclose(divisor, round(divisor)) and round(divisor) != levels:
        return (_("your scale is max|W| / {divisor}; {args} bits give 2^({args} - 1) "
                "- 1 = {levels} levels on each side of 0.").format(divisor=round(divisor), args=int(args['bits']), levels=levels))
    if args["W"].max() < np.abs(args["W"]).max() and np.isclose(float(np.asarray(got[1])), args["W"].max() / levels):
        return (_("your scale is the largest W divided by {levels}; here the largest |W| is a negative weight, "
                "{min:g}.").format(levels=levels, min=args['W'].min()))
    q = np.asarray(got[0], dtype=float)
    if np.shape(q) == np.shape(expected[0]) and np.allclose(q, np.trunc(args["W"] / expected[1])) \
            and not np.allclose(q, expected[0]):
        return _("your q is W / scale cut towards 0, not rounded to the nearest level.")
    if np.shape(q) == np.shape(expected[0]) and np.allclose(q, expected[0]) and np.shape(got[2]) == q.shape \
            and np.allclose(np.asarray(got[2], dtype=float), q) and not np.allclose(q, expected[2]):
        return _("your W_hat equals q: the integer codes, not mapped back to the scale of the weights.")
    return None


EXERCISES = [
    CodeExercise("13.soft_targets", "soft_targets", ("logits", "T"), _soft_targets_cases, _soft_targets_ref,
                 ladder=Ladder(
                     "Distillation",
                     "Check that each row sums to 1, then compare with the expected: too peaked or too flat? NaN "
                     "at the large logits?",
                     "The softmax of the logits divided by T, row by row; subtracting each row's own maximum "
                     "first changes no probability and keeps exp from overflowing.",
                     "Divide the logits by T; subtract each row's maximum; exponentiate; divide each row by its "
                     "sum."),
                 good="A larger T flattens the teacher's probabilities and shows how it ranks the wrong classes.",
                 diagnose=_soft_targets_diagnose,
                 twin=tf_twin("tf.nn.softmax", _soft_targets_twin_args,
                              lambda tf, keras, logits, T: tf.nn.softmax(tf.constant(logits) / T).numpy())),
    CodeExercise("13.distillation_loss", "distillation_loss", ("z_student", "z_teacher", "T"), _distill_cases,
                 _distill_ref, outputs=("loss", "dL_dz_student"), kinds=("number", "array"),
                 ladder=Ladder(
                     "Distillation",
                     "Which output is wrong, the loss or the gradient, and in which case (which T, large "
                     "logits)? Compare its scale with the expected.",
                     "p = softmax(z_teacher / T) are fixed targets and q = softmax(z_student / T); the loss is the "
                     "mean over rows of -sum(p log q); because the student's logits are divided by T, the chain "
                     "rule adds a factor 1 / T to the softmax-cross-entropy gradient (q - p) / n.",
                     "Compute p, and log q stably (each row's maximum subtracted) from z_student / T; the loss is "
                     "minus the mean over rows of the sum of p log q; the gradient is (q - p) / (n T)."),
                 good="Hinton et al. multiply this loss by T**2 when they add it to the hard-label loss, so that the "
                      "1 / T**2 in its gradient does not shrink it.", diagnose=_distill_diagnose, twin=_distill_twin),
    CodeExercise("13.quantize", "quantize", ("W", "bits"), _quantize_cases, _quantize_ref,
                 outputs=("q", "scale", "W_hat"), kinds=("array", "number", "array"),
                 ladder=Ladder(
                     "Pruning and quantisation",
                     "Which output is wrong: scale (one number), q (integers) or W_hat? Start with scale: how "
                     "many levels did you divide by?",
                     "A signed code of b bits keeps one bit for the sign: 2^(b - 1) - 1 levels on each side of "
                     "0; q is W / scale rounded to the nearest integer; W_hat maps q back to weights.",
                     "levels = 2^(bits - 1) - 1; scale = the largest |W| divided by levels; q = W / scale rounded "
                     "to the nearest integer; W_hat = q times scale."),
                 good="Storing q takes `bits` bits per weight plus one float for the scale; every weight moves by "
                      "at most scale / 2.", diagnose=_quantize_diagnose),
]
