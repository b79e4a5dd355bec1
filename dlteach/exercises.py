"""Checkers for the lessons' exercises. Each takes the learner's answer, prints one line (right,
or a hint that points at the idea, not at the answer) and returns True or False.

    from dlteach.exercises import check
    check("01.and_neuron", (w1, w2, b))
"""
from __future__ import annotations

import numpy as np

from .core import get_activation
from .core.autograd import neuron_graph
from .core.perceptron import logic_data


def _result(ok, good: str, hint: str) -> bool:
    ok = bool(ok)
    print(("Correct! " + good) if ok else ("Not yet. " + hint))
    return ok


def _number(answer, name="answer"):
    if answer is None:
        raise _Missing()
    try:
        return float(answer)
    except (TypeError, ValueError):
        raise TypeError(f"{name} should be a number, got {answer!r}.") from None


class _Missing(Exception):
    pass


def _and_neuron(answer):
    w1, w2, b = (_number(v) for v in answer)
    X, y = logic_data("AND")
    a = get_activation("sigmoid")(X @ np.array([w1, w2]) + b)
    ok = bool(np.all((a > 0.5) == (y == 1)))
    return _result(ok, "Only (1, 1) gets z = w1 + w2 + b > 0.",
                   "The line z = 0 must leave (1, 1) alone on its positive side: b negative, w1 + w2 + b > 0, "
                   "but w1 + b < 0 and w2 + b < 0.")


def _xor_impossible(answer):
    ok = str(answer).strip().lower() in ("no", "false", "impossible", "0")
    return _result(ok, "No line puts (0,1), (1,0) on one side and (0,0), (1,1) on the other: XOR needs a hidden layer.",
                   "Try to draw one straight line that separates the XOR points, then answer 'yes' or 'no'.")


def _sigmoid_max_slope(answer):
    value = _number(answer)
    return _result(abs(value - 0.25) < 1e-3, "sigma'(0) = sigma(0)(1 - sigma(0)) = 0.5 x 0.5 = 0.25.",
                   "Use sigma'(z) = sigma(z)(1 - sigma(z)) and find where it is largest.")


def _relu_dead(answer):
    value = _number(answer)
    return _result(value == 0.0, "For z < 0, ReLU is flat: no gradient flows, so the weights before it stop learning.",
                   "What is the slope of max(0, z) to the left of zero?")


def _bce_value(answer):
    value = _number(answer)
    return _result(abs(value - (-np.log(0.9))) < 1e-3, "L = -log 0.9 = 0.105.",
                   "For y = 1 only the term -y log(p) is left.")


def _bce_confident_wrong(answer):
    value = _number(answer)
    return _result(abs(value - (-np.log(0.01))) < 1e-2, "L = -log 0.01 = 4.6: a confident mistake costs a lot.",
                   "The probability given to the true class is 1 - 0.99.")


def _largest_stable_lr(answer):
    value = _number(answer)
    return _result(abs(value - 0.1) < 1e-3, "On L = (w1² + 20 w2²)/2 the steep direction has curvature 20; "
                   "w2 <- (1 - 20 lr) w2 shrinks only while |1 - 20 lr| < 1, so lr < 2/20 = 0.1.",
                   "Write one gradient step along w2 alone: w2 <- w2 - lr * 20 w2. When does it grow?")


def _adam_first_step(answer):
    value = _number(answer)
    return _result(abs(value - 0.01) < 1e-4, "Adam's first step is lr * g / |g| = lr in every coordinate, "
                   "whatever the size of the gradient.",
                   "After one step m = (1 - b1) g and v = (1 - b2) g²; put them in alpha * m / sqrt(v).")


def _momentum_terminal(answer):
    value = _number(answer)
    return _result(abs(value - 10.0) < 1e-2, "With a constant gradient m settles where m = mu m - lr g: "
                   "steps of lr g / (1 - mu), 10 times SGD's for mu = 0.9.",
                   "Solve m = mu m - lr g for m and compare it with SGD's step lr g.")


def _dL_dw1(answer):
    value = _number(answer)
    _, v = neuron_graph(1.0, -2.0, 0.5, -0.3, 0.1, 1.0, "tanh")
    return _result(abs(value - v["w1"].grad) < 1e-3, f"dL/dw1 = 2(a - y)(1 - a²) x1 = {v['w1'].grad:.4f}.",
                   "Chain rule: dL/dw1 = dL/da * da/dz * dz/dw1, with dz/dw1 = x1.")


def _dL_db(answer):
    value = _number(answer)
    _, v = neuron_graph(1.0, -2.0, 0.5, -0.3, 0.1, 1.0, "tanh")
    return _result(abs(value - v["b"].grad) < 1e-3, "dz/db = 1, so dL/db = dL/dz = delta.",
                   "What is dz/db when z = w1 x1 + w2 x2 + b?")


def _workflow_order(answer):
    expected = ["preprocess", "design", "train", "validate", "test"]
    got = [str(a).strip().lower() for a in (answer or [])]
    return _result(got == expected, "The test set is touched once, at the very end.",
                   "Which step may look at the test set, and how often? Order the five steps accordingly.")


def _test_accuracy_use(answer):
    ok = str(answer).strip().lower() in ("validation", "val", "validation set")
    return _result(ok, "Choose settings on the validation set; the test set only reports the final result.",
                   "If you pick the learning rate by test accuracy, the test accuracy stops being an unbiased estimate.")


CHECKS = {
    "00.order": _workflow_order, "00.choose_with": _test_accuracy_use,
    "01.and_neuron": _and_neuron, "01.xor_one_neuron": _xor_impossible,
    "02.sigmoid_max_slope": _sigmoid_max_slope, "02.relu_slope_negative": _relu_dead,
    "03.bce_value": _bce_value, "03.bce_confident_wrong": _bce_confident_wrong,
    "04.largest_stable_lr": _largest_stable_lr,
    "05.adam_first_step": _adam_first_step, "05.momentum_speedup": _momentum_terminal,
    "06.dL_dw1": _dL_dw1, "06.dL_db": _dL_db,
}


def check(exercise: str, answer) -> bool:
    """Check the answer to `exercise` (e.g. '01.and_neuron'); prints a verdict or a hint."""
    if exercise not in CHECKS:
        raise ValueError(f"Unknown exercise {exercise!r}. Valid: {', '.join(CHECKS)}.")
    if answer is None:
        print("No answer yet: replace None with your answer and run the cell again.")
        return False
    try:
        return CHECKS[exercise](answer)
    except _Missing:
        print("No answer yet: replace None with your answer and run the cell again.")
        return False
    except (TypeError, ValueError) as err:
        print(f"Could not read the answer: {err}")
        return False
