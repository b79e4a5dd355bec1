"""Quiz checkers: the learner types a number, a word or a few weights. Each checker prints one line
(right, or a hint that points at the idea, not at the answer) and returns True or False."""
from __future__ import annotations

import numpy as np

from ..core.activations import get_activation
from ..core.perceptron import logic_data


def _result(ok, good: str, hint: str) -> bool:
    ok = bool(ok)
    print(("Correct! " + good) if ok else ("Not yet. " + hint))
    return ok


def _number(answer, name="answer"):
    try:
        return float(answer)
    except (TypeError, ValueError):
        raise TypeError(f"{name} should be a number, got {answer!r}.") from None


SHOWN_AND = np.array([1.0, 1.0, -1.5])  # the weights lesson 01 shows; the exercise asks for another line


def _and_neuron(answer):
    w1, w2, b = (_number(v) for v in answer)
    v = np.array([w1, w2, b])
    if np.linalg.norm(v) > 0 and abs(v @ SHOWN_AND) / (np.linalg.norm(v) * np.linalg.norm(SHOWN_AND)) > 1 - 1e-9:
        print("Not yet. That is the line the lesson shows, (1, 1, -1.5) (scaling all three numbers by the same "
              "factor gives the same line). Find a different line: tilt it (w1 != w2) or move it.")
        return False
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


# Numeric exercises: (expected value, absolute tolerance, said when right, hint when wrong).
NUMERIC = {
    "02.sigmoid_max_slope": (0.25, 1e-3, "sigma'(0) = sigma(0)(1 - sigma(0)) = 0.5 x 0.5 = 0.25.",
                             "Use sigma'(z) = sigma(z)(1 - sigma(z)) and find where it is largest."),
    "02.relu_slope_negative": (0.0, 0.0, "For z < 0, ReLU is flat: no gradient flows, so the weights before it "
                               "stop learning.", "What is the slope of max(0, z) to the left of zero?"),
    "03.bce_value": (-np.log(0.9), 1e-3, "L = -log 0.9 = 0.105.", "For y = 1 only the term -y log(p) is left."),
    "03.bce_confident_wrong": (-np.log(0.01), 1e-2, "L = -log 0.01 = 4.6: a confident mistake costs a lot.",
                               "The probability given to the true class is 1 - 0.99."),
    "04.largest_stable_lr": (0.04, 1e-3, "L = w1² + 25 w2² has curvatures 2 (along w1) and 50 (along w2); "
                             "w2 <- (1 - 50 lr) w2 shrinks only while |1 - 50 lr| < 1, so lr < 2/50 = 0.04 "
                             "(at exactly 0.04, w2 flips sign forever).",
                             "The curvature is the second derivative (2 for w1², 50 for 25 w2²). One step along w2 "
                             "alone: w2 <- w2 - lr * 50 w2. When does it grow?"),
    "04.updates_per_epoch": (10.0, 0.0, "100 samples in mini-batches of 10: 10 updates per epoch, each on a "
                             "noisier gradient than the full batch's single update.",
                             "One update per mini-batch: how many batches of 10 fit in 100 samples?"),
    "08.glorot_limit": (np.sqrt(6 / 200), 1e-3, "limit = sqrt(6 / (n_in + n_out)) = sqrt(6/200) = 0.173.",
                        "Glorot-uniform draws from U(-limit, limit) with limit = sqrt(6 / (n_in + n_out))."),
    "08.sigmoid_factor": (0.25 ** 10, 1e-7, "Each sigmoid layer multiplies the gradient by at most 0.25: "
                          "0.25^10 = 9.5e-7 after ten layers, the vanishing gradient.",
                          "The largest value of sigma'(z) is 0.25; the chain rule multiplies one such factor "
                          "per layer."),
    "09.precision": (40 / 45, 1e-3, "Precision of class 1 = 40 / (40 + 5) = 0.889: of the 45 images called 1, 40 are.",
                     "Precision looks down the 'predicted 1' column: true 1s among everything predicted 1."),
    "09.recall": (40 / 50, 1e-3, "Recall of class 1 = 40 / (40 + 10) = 0.8: of the 50 real 1s, 40 were found.",
                  "Recall looks along the 'true 1' row: found 1s among all real 1s."),
    "10.l2_gradient": (0.06, 1e-6, "d/dw of l2 w² is 2 l2 w = 2 x 0.01 x 3 = 0.06: L2 pulls every weight towards 0 "
                       "in proportion to its size ('weight decay').",
                       "Differentiate the penalty l2 * w² with respect to w."),
    "10.dropout_scale": (2.0, 1e-9, "Keras's inverted dropout scales kept units by 1/(1 - rate) = 2, so the "
                         "expected activation is unchanged and inference needs no correction.",
                         "Half the units are zeroed; by what must the rest be multiplied to keep the mean?"),
    "11.output_size": (10.0, 0.0, "floor((32 - 5) / 3) + 1 = 10 ('same' padding would give ceil(32 / 3) = 11).",
                       "With padding 'valid' the kernel must fit inside the image: floor((n - k) / s) + 1."),
    "11.conv_params": (5 * 5 * 8 * 64 + 64, 0.0, "k*k*c_in*filters + filters = 5*5*8*64 + 64 = 12,864: the "
                       "same kernel slides over every position, so the count does not depend on the image size.",
                       "Each of the 64 filters has a 5x5x8 kernel and one bias."),
    "12.linear_saliency": (-3.0, 1e-9, "For z = w . x + b the saliency dz/dx is w itself: -3 for x2. For a linear "
                           "model saliency and weights are the same explanation.",
                           "Differentiate z = 2 x1 - 3 x2 + 1 with respect to x2."),
    "12.constant_pixel": (0.0, 0.0, "Shuffling a column that is always 0 changes nothing: its permutation "
                          "importance is exactly 0 (the border pixels of the digits).",
                          "What does shuffling a column of identical values do to the inputs?"),
    "13.int8_bytes": (10_000.0, 0.0, "One byte per weight: 10,000 bytes, a quarter of float32's 40,000.",
                      "int8 is 8 bits = 1 byte per weight."),
    "13.soft_target": (float(np.exp(1) / (np.exp(1) + 1)), 1e-3, "softmax([2, 0] / 2) = softmax([1, 0]): "
                       "p = e / (e + 1) = 0.731, softer than softmax([2, 0]) = 0.881.",
                       "Divide the logits by T first, then take the softmax."),
    "07.parameters": (37.0, 0.0, "(2*4 + 4) + (4*4 + 4) + (4*1 + 1) = 12 + 20 + 5 = 37 weights and biases.",
                      "Each Dense layer has n_in * n_out weights plus n_out biases; add the three layers."),
    "07.xor_hidden": (2.0, 0.0, "Two hidden neurons draw two lines (e.g. OR and NAND); the output ANDs them: XOR "
                      "on the four corners. The Playground's noisy quadrant XOR with tanh units is harder to "
                      "train: there 3-4 neurons are needed in practice.",
                      "XOR is 'OR but not AND': how many straight lines does that take?"),
    "05.adam_first_step": (0.01, 1e-4, "Adam's first step is lr * g / |g| = lr in every coordinate, whatever the "
                           "size of the gradient.",
                           "After one step m = (1 - b1) g and v = (1 - b2) g²; put them in alpha * m / sqrt(v)."),
    "05.momentum_speedup": (10.0, 1e-2, "With a constant gradient m settles where m = mu m - lr g: steps of "
                            "lr g / (1 - mu), 10 times SGD's for mu = 0.9.",
                            "Solve m = mu m - lr g for m and compare it with SGD's step lr g."),
}


def _numeric(name):
    expected, tol, good, hint = NUMERIC[name]
    return lambda answer: _result(abs(_number(answer) - expected) <= tol, good, hint)


def _word(expected: tuple, good: str, hint: str):
    """A checker for a one-word answer; the first of `expected` is the canonical one."""
    return lambda answer: _result(str(answer).strip().lower() in expected, good, hint)


WORDS = {
    "04.predict_lr_0.1": _word(("oscillates", "oscillate", "bounces", "flips"),
                               "w2 <- (1 - 0.04 x 50) w2 = -w2: it flips sign every step and never shrinks, "
                               "while w1 slowly converges.",
                               "Write one step along w2: w2 <- w2 - 0.04 x 50 w2. What is the factor?"),
    "07.xor_two_in_practice": _word(("no", "false"),
                                    "Two tanh neurons can draw the two lines, but gradient descent rarely finds "
                                    "them on the Playground's quadrant XOR: over 5 seeds none reached 90 % test "
                                    "accuracy, while 3 or 4 neurons average about 93 % (spare neurons give it more "
                                    "ways down).",
                                    "Look at the two-neuron row of the measurement: does any seed reach 90 %?"),
    "06.predict_saturated": _word(("smaller", "decreases", "vanishes"),
                                  "With b = -6, z = -4.9 and a = -0.9999: the prediction is as wrong as it can be "
                                  "(L = 4), yet tanh'(z) = 1 - a² = 2e-4 makes dL/dw1 about 100 times smaller: "
                                  "a saturated neuron barely learns.",
                                  "dL/dw1 contains the factor tanh'(z) = 1 - tanh(z)²; what happens to it "
                                  "when z is large?"),
}


WORKFLOW_ORDER = "DBEAC"  # the lesson's shuffled list: A validate, B design, C test, D preprocess, E train


def _workflow_order(answer):
    letters = "".join(ch for ch in str(answer).upper() if ch.isalpha())
    if sorted(letters) != sorted(WORKFLOW_ORDER):
        print("Not yet. Give each of the five letters A-E exactly once, e.g. 'ABCDE'.")
        return False
    ok = letters == WORKFLOW_ORDER
    wrong = [f"{letters[i]} in place {i + 1}" for i in range(5) if letters[i] != WORKFLOW_ORDER[i]]
    return _result(ok, "Preprocess (split, then scale with training statistics), design, train, validate "
                   "(steer by the validation data), and test once at the very end.",
                   "Not in place: " + ", ".join(wrong) + ". Ask of each step: which data does it need, and "
                   "must that data be ready (split? scaled?) before it runs? The test set is touched last.")


def _z_change(answer):
    ok = abs(_number(answer) - 3.0) <= 1e-6
    return _result(ok, "y_hat = [0 > 0] = 0, so w += 0.5 x = (0.5, 1) and b += 0.5; z = 0.5 + 2 + 0.5 = 3 = "
                   "eta (|x|^2 + 1): each update on a mistake raises z for that x (lowers it for y = 0).",
                   "Compute y_hat = [w.x + b > 0] first, apply the update to w and b, then evaluate z = w.x + b "
                   "for the same x with the new weights.")


def _test_accuracy_use(answer):
    ok = str(answer).strip().lower() in ("validation", "val", "validation set")
    return _result(ok, "Choose settings on the validation set; the test set only reports the final result.",
                   "If you pick the learning rate by test accuracy, the test accuracy stops being an unbiased estimate.")


CHECKS = {
    **WORDS, "00.choose_with": _test_accuracy_use,
    "00.workflow_order": _workflow_order, "01.z_change": _z_change,
    "01.and_neuron": _and_neuron, "01.xor_one_neuron": _xor_impossible,
    **{name: _numeric(name) for name in NUMERIC},
}
