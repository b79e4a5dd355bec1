"""Lesson 05 (optimizers): one step of momentum and of Adam.

Each exercise's cases (the place for its edge cases), reference, diagnoses and twin, then the
CodeExercise entries that code.py collects."""
from __future__ import annotations

import functools
import itertools

import numpy as np

from ..i18n import N_, gettext_ as _
from ..core.optimizers import Adam, SGD
from .common import bound, rel_error
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
            note = _("step t = {t}").format(t=t)
        else:
            args |= {"learning_rate": 0.05, "momentum": 0.9}
            note = "" if t != 1 else _("first step, m = 0")
            if t == 1:
                args["m"] = np.zeros(shape)
        cases.append(Case(args, note))
    return cases + (_adam_edge_cases(rng) if with_v else _momentum_edge_cases(rng))


def _momentum_edge_cases(rng):
    cases = []
    for lr, mu, note in ((0.1, 0.5, _("learning_rate = 0.1, momentum = 0.5")), (0.01, 0.99, _("momentum = 0.99")),
                         (0.3, 0.25, _("learning_rate = 0.3, momentum = 0.25"))):
        cases.append(Case({"w": rng.normal(size=4), "m": 0.1 * rng.normal(size=4), "g": rng.normal(size=4),
                           "learning_rate": lr, "momentum": mu}, note))
    cases.append(Case({"w": np.zeros(3), "m": 0.1 * rng.normal(size=3), "g": rng.normal(size=3),
                       "learning_rate": 0.2, "momentum": 0.75}, _("w = 0: w_new is the step itself")))
    cases.append(Case({"w": rng.normal(size=3), "m": 0.1 * rng.normal(size=3), "g": np.zeros(3),
                       "learning_rate": 0.05, "momentum": 0.9}, _("g = 0: only the momentum moves w")))
    return cases


def _adam_edge_cases(rng):
    cases = []
    for t, b1, b2, eps, note in ((3, 0.8, 0.99, 1e-3, _("beta_1 = 0.8, beta_2 = 0.99, epsilon = 1e-3")),
                                 (1, 0.5, 0.9, 1e-7, _("t = 1 with beta_1 = 0.5, beta_2 = 0.9"))):
        zero = t == 1
        cases.append(Case({"w": rng.normal(size=4), "m": np.zeros(4) if zero else 0.1 * rng.normal(size=4),
                           "v": np.zeros(4) if zero else 0.01 * rng.uniform(0.1, 1, 4), "g": rng.normal(size=4),
                           "t": t, "learning_rate": 0.05, "beta_1": b1, "beta_2": b2, "epsilon": eps}, note))
    for t in (1, 2):
        cases.append(Case({"w": np.zeros(3), "m": np.zeros(3) if t == 1 else 1e-8 * rng.normal(size=3),
                           "v": np.zeros(3) if t == 1 else 1e-15 * rng.uniform(0.1, 1, 3),
                           "g": 1e-7 * rng.normal(size=3), "t": t, "learning_rate": 0.01, "beta_1": 0.9,
                           "beta_2": 0.999, "epsilon": 1e-7},
                          _("w = 0, tiny gradients (1e-7), step t = {t}: epsilon matters").format(t=t)))
    cases.append(Case({"w": rng.normal(size=3), "m": 0.1 * rng.normal(size=3), "v": 0.01 * rng.uniform(0.1, 1, 3),
                       "g": np.zeros(3), "t": 4, "learning_rate": 0.01, "beta_1": 0.9, "beta_2": 0.999,
                       "epsilon": 1e-7}, _("g = 0 at step t = 4: m and v still move w")))
    cases.append(Case({"w": rng.normal(size=2), "m": np.zeros(2), "v": np.zeros(2), "g": np.zeros(2), "t": 1,
                       "learning_rate": 0.01, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7},
                      _("g = 0 at the first step: nothing moves")))
    return cases


def _momentum_ref(w, m, g, learning_rate, momentum):
    opt = SGD(learning_rate, momentum=momentum)
    opt.state[0] = {"m": m.copy()}
    w = w.copy()
    opt.step([("w", w, g)])
    return w, opt.state[0]["m"]


def _matches(got, wrong, expected, rtol) -> bool:
    """got equals `wrong` in every output that `wrong` gives (None: not claimed), and `wrong` is wrong."""
    pairs = [(g, x, e) for g, x, e in zip(got, wrong, expected) if x is not None]
    return (all(np.shape(g) == np.shape(x) and np.allclose(g, x, rtol=1e-9, atol=1e-15) for g, x, _ in pairs)
            and not all(np.allclose(x, e, rtol=rtol, atol=1e-12) for _name, x, e in pairs))


def _momentum_diagnose(args, expected, got):
    w, m, g, lr, mu = (args[k] for k in ("w", "m", "g", "learning_rate", "momentum"))
    m_new = mu * m - lr * g
    known = [
        ((None, mu * m + g), _("your m_new is the textbook velocity mu m + g; in Keras's form, the one the exercise asks "
                             "for, m is the step itself, learning rate included.")),
        ((w + 0.9 * m - lr * g, 0.9 * m - lr * g), _("your result is what momentum = 0.9 gives, but this case has "
                                                   "momentum = {mu:g}.").format(mu=mu)),
        ((w + mu * m - 0.05 * g, mu * m - 0.05 * g), _("your result is what learning_rate = 0.05 gives, but this case "
                                                     "has learning_rate = {lr:g}.").format(lr=lr)),
        ((w + m, m_new), _("your w_new moved by the old m; w moves by the new m_new.")),
        ((w + mu * m_new - lr * g, m_new), _("your w_new is Keras's Nesterov step w + mu m_new - lr g; plain momentum "
                                           "moves w by m_new.")),
        ((None, mu * m + (1 - mu) * g), _("your m_new is the running average mu m + (1 - mu) g; in Keras's form m_new "
                                        "is mu m - lr g.")),
        ((None, mu * m + lr * g), _("your m_new adds lr g: that step goes uphill; Keras's form subtracts it.")),
    ]
    for wrong, message in known:
        if _matches(got, wrong, expected, 1e-6):
            return message
    return None


def _adam_ref(w, m, v, g, t, learning_rate, beta_1, beta_2, epsilon):
    """dlteach's Adam update with the step size alpha_t of the exercise's formula in float64 (Adam.step
    casts the betas through float32, as Keras does: up to 1e-5 of a step away from the formula)."""
    opt = Adam(learning_rate, beta_1, beta_2, epsilon)
    opt.state[0] = {"m": m.copy(), "v": v.copy()}
    opt.alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    w = w.copy()
    opt.update(0, w, g)
    return w, opt.state[0]["m"], opt.state[0]["v"]


def _adam_variant(args, lr=None, b1=None, b2=None, eps=None, t_shift=0, correct=True, root=True,
                  eps_inside=False, old=False, paper=False):
    """(w_new, m_new, v_new) of a variant of the step; by default Keras's form in float64."""
    w, m, v, g = (args[k] for k in ("w", "m", "v", "g"))
    lr, b1, b2, eps = (args[k] if x is None else x for k, x in zip(("learning_rate", "beta_1", "beta_2", "epsilon"),
                                                                   (lr, b1, b2, eps)))
    t, b1, b2 = args["t"] + t_shift, np.float64(b1), np.float64(b2)  # NumPy floats: 1/0 is inf, not an error
    m_new, v_new = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g**2
    mm, vv = (m, v) if old else (m_new, v_new)
    if paper:
        return w - lr * (mm / (1 - b1**t)) / (np.sqrt(vv / (1 - b2**t)) + eps), m_new, v_new
    alpha = lr * (np.sqrt(1 - b2**t) if root else 1 - b2**t) / (1 - b1**t) if correct else lr
    return w - alpha * mm / (np.sqrt(vv + eps) if eps_inside else np.sqrt(vv) + eps), m_new, v_new


def _adam_diagnose(args, expected, got):
    t, b1, b2 = args["t"], args["beta_1"], args["beta_2"]
    right = _adam_variant(args)
    known = [
        ((_adam_variant(args, correct=False)[0], None, None),
         _("your w_new is what Adam gives without its bias correction: m and v are right, the step size is not.")),
        ((_adam_variant(args, paper=True)[0], None, None),
         _("your w_new is the paper's form, lr m_hat / (sqrt(v_hat) + epsilon): there epsilon is added after the bias "
         "correction; in Keras's form it is added to sqrt(v), which makes a different step wherever sqrt(v) is not "
         "much larger than epsilon.")),
        ((_adam_variant(args, eps_inside=True)[0], None, None), _("your w_new has epsilon inside the square root; "
                                                                "Keras's form adds it to sqrt(v).")),
        ((_adam_variant(args, root=False)[0], None, None), _("your alpha_t uses 1 - beta_2^t without its square root.")),
        ((_adam_variant(args, old=True)[0], None, None), _("your w_new is computed with the old m and v; the step uses "
                                                         "the new ones.")),
        ((_adam_variant(args, t_shift=1)[0], None, None), _("your w_new is what step t + 1 = {value} gives; this is "
                                                          "step t = {t}.").format(value=t + 1, t=t)),
        ((_adam_variant(args, t_shift=-1)[0], None, None), _("your w_new is what step t - 1 = {value} gives; this is "
                                                           "step t = {t}.").format(value=t - 1, t=t)),
        ((right[0], right[1] / (1 - b1**t), right[2] / (1 - b2**t)),
         _("your m_new and v_new are the bias-corrected m_hat and v_hat; the returned state is the plain running "
         "averages, the correction goes into the step only.")),
        (_adam_variant(args, b1=b2, b2=b1), _("your result is what beta_1 and beta_2 swapped give: beta_1 weights m "
                                            "(the average of g), beta_2 weights v (of g²).")),
    ]
    defaults = {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}  # Keras's
    short = {"learning_rate": "lr", "beta_1": "b1", "beta_2": "b2", "epsilon": "eps"}
    changed = [k for k in defaults if args[k] != defaults[k]]
    for some in (c for r in range(1, len(changed) + 1) for c in itertools.combinations(changed, r)):
        known.append((_adam_variant(args, **{short[k]: defaults[k] for k in some}),
                      (_("your result is what {settings} gives, but this case has {values}.") if len(some) == 1 else
                       _("your result is what {settings} give, but this case has {values}."))
                      .format(settings=", ".join(f"{k} = {defaults[k]:g}" for k in some),
                              values=", ".join(f"{k} = {args[k]:g}" for k in some))))
    for wrong, message in known:
        if _matches(got, wrong, expected, 1e-7):
            return message
    return None


def _optimizer_twin(kind: str, func) -> str:
    """Iterate the learner's step on a fixed gradient sequence and compare with the Keras optimizer (a module
    function, bound to its kind in EXERCISES, so that it is looked up at each check)."""
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
        mine.append(np.array(w))
    err = rel_error(np.array(mine), np.array(keras_path))
    tol = 1e-7 if kind == "momentum" else 1e-5  # Keras passes momentum and betas through float32
    if not err < tol:
        raise Mismatch(_("One step is right, but 8 steps in a row differ from keras.optimizers."
                       "{kind} on the same gradients (relative difference {err:.3g}): "
                       "does your function keep its state only in the returned values?").format(kind=type(opt).__name__, err=err))
    return _("8 steps agree with keras.optimizers.{kind} {bound}.").format(kind=type(opt).__name__, bound=bound(err))


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
                 good="", diagnose=_momentum_diagnose, twin=functools.partial(_optimizer_twin, "momentum"), rtol=1e-6, atol=1e-8),
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
                 good="", diagnose=_adam_diagnose, twin=functools.partial(_optimizer_twin, "adam"), rtol=1e-7, atol=1e-12),
]
