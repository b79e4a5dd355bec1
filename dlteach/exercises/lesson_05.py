"""Lesson 05 (optimizers): one step of momentum and of Adam.

Each exercise's cases (the place for its edge cases), reference, diagnoses and twin, then the
CodeExercise entries that code.py collects."""
from __future__ import annotations

import numpy as np

from ..core.gradcheck import rel_error
from ..core.optimizers import Adam, SGD
from .common import bound
from .hints import Ladder
from .runner import Case, CodeExercise, Mismatch


def _state_cases(rng, with_v: bool):
    cases = []
    for shape, t in (((3,), 1), ((2, 3), 2), ((4,), 10), ((3,), 1000)):
        args = {"w": rng.normal(size=shape), "m": 0.1 * rng.normal(size=shape)}
        if with_v:
            args["v"] = 0.01 * rng.uniform(0.1, 1, shape)
            if t == 1:
                args["m"], args["v"] = np.zeros(shape), np.zeros(shape)  # the first step starts from zero
        args["g"] = rng.normal(size=shape)
        if with_v:
            args |= {"t": t, "learning_rate": 0.01, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}
            note = f"step t = {t}"
        else:
            args |= {"learning_rate": 0.05, "momentum": 0.9}
            note = "" if t != 1 else "first step, m = 0"
            if t == 1:
                args["m"] = np.zeros(shape)
        cases.append(Case(args, note))
    return cases


def _momentum_ref(w, m, g, learning_rate, momentum):
    opt = SGD(learning_rate, momentum=momentum)
    opt.state[0] = {"m": m.copy()}
    w = w.copy()
    opt.step([("w", w, g)])
    return w, opt.state[0]["m"]


def _momentum_diagnose(args, expected, got):
    if isinstance(got, (tuple, list)) and len(got) == 2:
        m_classic = args["momentum"] * args["m"] + args["g"]
        if np.shape(got[1]) == m_classic.shape and np.allclose(got[1], m_classic):
            return ("your m_new is the textbook velocity mu m + g; in Keras's form, the one the exercise asks "
                    "for, m is the step itself, learning rate included.")
    return None


def _adam_ref(w, m, v, g, t, learning_rate, beta_1, beta_2, epsilon):
    opt = Adam(learning_rate, beta_1, beta_2, epsilon)
    opt.iterations = t - 1
    opt.state[0] = {"m": m.copy(), "v": v.copy()}
    w = w.copy()
    opt.step([("w", w, g)])
    return w, opt.state[0]["m"], opt.state[0]["v"]


def _adam_diagnose(args, expected, got):
    if isinstance(got, (tuple, list)) and len(got) == 3 and np.shape(got[0]) == np.shape(args["w"]):
        b1, b2 = args["beta_1"], args["beta_2"]
        m = b1 * args["m"] + (1 - b1) * args["g"]
        v = b2 * args["v"] + (1 - b2) * args["g"] ** 2
        plain = args["w"] - args["learning_rate"] * m / (np.sqrt(v) + args["epsilon"])
        if np.allclose(got[0], plain, rtol=1e-6):
            return ("your w_new is what Adam gives without its bias correction: m and v are right, the step "
                    "size is not.")
    return None


def _optimizer_twin(kind: str):
    """Iterate the learner's step on a fixed gradient sequence and compare with the Keras optimizer."""

    def twin(func) -> str:
        import keras
        import tensorflow as tf

        rng = np.random.default_rng(2)
        grads = rng.normal(size=(8, 3))
        w0 = rng.normal(size=3)
        if kind == "momentum":
            opt = keras.optimizers.SGD(learning_rate=0.05, momentum=0.9)
        else:
            opt = keras.optimizers.Adam(learning_rate=0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-7)
        var = tf.Variable(w0.copy(), dtype=tf.float64)
        keras_path = []
        for g in grads:
            opt.apply_gradients([(tf.constant(g), var)])
            keras_path.append(var.numpy().copy())
        w, m, v = w0.copy(), np.zeros(3), np.zeros(3)
        mine = []
        for t, g in enumerate(grads, start=1):
            if kind == "momentum":
                w, m = func(w=w, m=m, g=g.copy(), learning_rate=0.05, momentum=0.9)
            else:
                w, m, v = func(w=w, m=m, v=v, g=g.copy(), t=t, learning_rate=0.01, beta_1=0.9, beta_2=0.999,
                               epsilon=1e-7)
            mine.append(np.asarray(w, dtype=float).copy())
        err = rel_error(np.array(mine), np.array(keras_path))
        tol = 1e-7 if kind == "momentum" else 1e-5  # Keras passes momentum and betas through float32
        if not err < tol:
            raise Mismatch(f"One step is right, but 8 steps in a row differ from keras.optimizers."
                           f"{type(opt).__name__} on the same gradients (relative difference {err:.3g}): "
                           "does your function keep its state only in the returned values?")
        return f"8 steps agree with keras.optimizers.{type(opt).__name__} {bound(err)}."

    return twin


EXERCISES = [
    CodeExercise("05.momentum_step", "momentum_step", ("w", "m", "g", "learning_rate", "momentum"),
                 lambda rng: _state_cases(rng, False), _momentum_ref, outputs=("w_new", "m_new"),
                 ladder=Ladder(
                     "The formulas, derived",
                     "Which output is wrong, w_new or m_new, and in which case (the first step from m = 0?)? "
                     "Compare its size and sign with the expected.",
                     "In Keras's form m is the step itself: it keeps momentum times the old step and adds minus "
                     "the learning rate times g; w then moves by the new m.",
                     "New m: momentum times m minus learning rate times g. New w: w plus the new m. Return both "
                     "as new arrays, leaving the inputs unchanged."),
                 good="", diagnose=_momentum_diagnose, twin=_optimizer_twin("momentum"), rtol=1e-6, atol=1e-8),
    CodeExercise("05.adam_step", "adam_step",
                 ("w", "m", "v", "g", "t", "learning_rate", "beta_1", "beta_2", "epsilon"),
                 lambda rng: _state_cases(rng, True), _adam_ref, outputs=("w_new", "m_new", "v_new"),
                 ladder=Ladder(
                     "The formulas, derived",
                     "Which output is wrong (w_new, m_new or v_new), and at which step t? A wrong w_new with "
                     "right m_new and v_new points at the step size.",
                     "m and v are running averages of g and g², started at 0; the bias correction "
                     "alpha_t = lr sqrt(1 - beta_2^t) / (1 - beta_1^t) makes up for that start, and epsilon is "
                     "added to sqrt(v), outside the root.",
                     "Update m with weight (1 - beta_1) on g and v with weight (1 - beta_2) on g²; compute alpha_t "
                     "from t; the new w is w minus alpha_t times m / (sqrt(v) + epsilon), with the new m and v; "
                     "return all three."),
                 good="", diagnose=_adam_diagnose, twin=_optimizer_twin("adam"), rtol=1e-5, atol=1e-12),
]
