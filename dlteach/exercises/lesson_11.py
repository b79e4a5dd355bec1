"""Lesson 11 (CNN): a convolution with loops, max-pooling's backward pass.

Each exercise's cases (the place for its edge cases), reference, diagnoses and twin, then the
CodeExercise entries that code.py collects."""
from __future__ import annotations

import numpy as np

from ..i18n import N_, gettext_ as _
from .common import tf_twin
from .hints import Ladder
from .runner import Case, CodeExercise


def _conv_twin_args(rng):
    return {"image": rng.normal(size=(7, 6)), "kernel": rng.normal(size=(3, 2))}


def _conv_cases(rng):
    sizes = (((5, 5), (3, 3)), ((6, 4), (2, 3)), ((3, 3), (3, 3)), ((4, 7), (3, 2)), ((6, 6), (1, 1)),
             ((2, 8), (2, 5)), ((7, 3), (4, 1)))
    notes = {(3, 3, 3, 3): _(": the kernel covers the image, one output"), (6, 6, 1, 1): _(": a scaled copy")}
    cases = [Case({"image": rng.normal(size=(h, w)), "kernel": rng.normal(size=(kh, kw))}, _("{h}x{w} image, "
                  "{kh}x{kw} kernel").format(h=h, w=w, kh=kh, kw=kw) + notes.get((h, w, kh, kw), "")) for (h, w), (kh, kw) in sizes]
    edge = np.zeros((5, 6))
    edge[:, 3:] = 1.0
    cases.append(Case({"image": edge, "kernel": np.array([[1.0, 0.0, -1.0]] * 3)}, _("a vertical edge, Sobel-like kernel")))
    cases.append(Case({"image": np.arange(16).reshape(4, 4), "kernel": np.array([[0.5, -0.25], [0.1, 1.0]])},
                      _("an image of whole numbers (integers, like np.arange(16)), a kernel of fractions")))
    return cases


def _conv_ref(image, kernel):
    windows = np.lib.stride_tricks.sliding_window_view(image, kernel.shape)  # (H-kh+1, W-kw+1, kh, kw)
    return np.einsum("ijkl,kl->ij", windows, kernel)


def _conv_diagnose(args, expected, got):
    flipped = _conv_ref(args["image"], args["kernel"][::-1, ::-1])
    if np.shape(got) == flipped.shape and np.allclose(got, flipped) and not np.allclose(flipped, expected):
        return (_("your map is the one of the kernel flipped in both directions (the convolution of mathematics); "
                "Keras's Conv2D and this lesson do not flip it."))
    if np.shape(got) != expected.shape or expected.size < 2:
        return None
    if np.issubdtype(np.asarray(got).dtype, np.integer) or (np.allclose(got, np.trunc(expected))
                                                            and not np.allclose(expected, np.trunc(expected))):
        return (_("your map holds whole numbers where the sums have fractions: it has the image's integer type, and "
                "storing each sum in it cut off the part after the decimal point."))
    got = np.asarray(got, dtype=float)
    if expected.shape[0] == expected.shape[1] and np.allclose(got, expected.T) and not np.allclose(got, expected):
        return _("your map is the expected one transposed: its rows are the expected columns.")
    wrong = ~np.isclose(got, expected)
    rows, cols = np.flatnonzero(wrong.any(axis=1)), np.flatnonzero(wrong.any(axis=0))
    if len(rows) == 1 and rows[0] == len(got) - 1 and np.allclose(got[-1], 0) and len(got) > 1:
        return _("your map is right except its last row, which is all zeros: the last window position is missing.")
    if len(cols) == 1 and cols[0] == got.shape[1] - 1 and np.allclose(got[:, -1], 0) and got.shape[1] > 1:
        return _("your map is right except its last column, which is all zeros: the last window position is missing.")
    if np.allclose(got[~wrong], expected[~wrong]) and np.allclose(got[wrong], 0) and wrong.sum() > 1 \
            and not wrong.all():
        return _("your map is right where it is not 0, but {sum} of its {size} entries are 0.").format(sum=int(wrong.sum()), size=got.size)
    return None


def _tf_conv(tf, keras, image, kernel):
    x = tf.constant(image[None, :, :, None])
    k = tf.constant(kernel[:, :, None, None])
    return tf.nn.conv2d(x, k, strides=1, padding="VALID").numpy()[0, :, :, 0]


def _maxpool_twin_args(rng):
    x = rng.normal(size=(6, 8))
    x[:2, :2] = 0.0  # one window of tied zeros, as after a ReLU
    return {"x": x, "grad_out": rng.normal(size=(3, 4))}


def _maxpool_cases(rng):
    cases = [Case({"x": rng.normal(size=(h, w)), "grad_out": rng.normal(size=(h // 2, w // 2))}, _("a {h}x{w} map").format(h=h, w=w))
             for h, w in ((4, 4), (6, 4), (2, 2), (8, 6), (2, 10), (6, 6))]
    x = np.arange(16.0).reshape(4, 4)[::-1]  # every window's maximum in its top-left corner
    cases.append(Case({"x": x, "grad_out": np.array([[1.0, 2.0], [3.0, 4.0]])}, _("maxima in the top-left corners")))
    cases.append(Case({"x": -np.abs(rng.normal(size=(4, 6))) - 0.1, "grad_out": rng.normal(size=(2, 3))},
                      _("every value negative: each window's maximum is its value closest to 0")))
    ties = np.array([[1.0, 1.0, 0.0, 5.0],      # windows: [[1, 1], [0, 1]], [[0, 5], [5, 0]],
                     [0.0, 1.0, 5.0, 0.0],      # [[0, 0], [0, 0]] (a ReLU's zeros) and [[-2, -1], [-1, -3]]
                     [0.0, 0.0, -2.0, -1.0],
                     [0.0, 0.0, -1.0, -3.0]])
    cases.append(Case({"x": ties, "grad_out": np.array([[1.0, 2.0], [3.0, 4.0]])},
                      _("tied maxima: only the first in reading order (left to right, then top to bottom) gets "
                      "grad_out")))
    return cases


def _maxpool_ref(x, grad_out):
    from ..core.conv import MaxPool2D  # noqa: PLC0415 (the engine's layer is the reference)

    pool = MaxPool2D(2)
    pool.forward(x[None, :, :, None])
    return pool.backward(grad_out[None, :, :, None])[0, :, :, 0]


def _maxpool_diagnose(args, expected, got):
    spread = np.repeat(np.repeat(args["grad_out"], 2, axis=0), 2, axis=1)
    if np.shape(got) == spread.shape and np.allclose(got, spread):
        return _("your dx has grad_out[i, j] at all four positions of each window.")
    if np.shape(got) == spread.shape and np.allclose(got, spread / 4):
        return (_("your dx spreads a quarter of grad_out[i, j] to every position of its window: average-pooling's "
                "backward pass."))
    x = args["x"]
    if np.shape(got) != x.shape:
        return None
    def by_window(a):  # (H, W) -> one row of 4 per window, in reading order
        return np.asarray(a, dtype=float).reshape(x.shape[0] // 2, 2, x.shape[1] // 2, 2).transpose(0, 2, 1, 3) \
            .reshape(-1, 4)

    windows = by_window(x)
    for where, picks in ((_("minimum"), windows.argmin(axis=1)), (_("top-left corner"), np.zeros(len(windows), int)),
                         (_("entry largest in size |x|"), np.abs(windows).argmax(axis=1))):
        hot = np.eye(4)[picks] * args["grad_out"].reshape(-1, 1)
        dx = hot.reshape(x.shape[0] // 2, x.shape[1] // 2, 2, 2).transpose(0, 2, 1, 3).reshape(x.shape)
        if np.allclose(got, dx) and not np.allclose(dx, expected):
            return _("your dx sends grad_out[i, j] to each window's {where}, not to its maximum.").format(where=where)
    maxima = windows == windows.max(axis=1, keepdims=True)
    mine, g = by_window(got), args["grad_out"].reshape(-1, 1)
    wrong = (~np.isclose(mine, by_window(expected))).any(axis=1)
    at_maxima = np.all(np.isclose(mine, 0) | (maxima & np.isclose(mine, g)), axis=1)
    if wrong.any() and np.all(maxima[wrong].sum(axis=1) > 1) and np.all(at_maxima[wrong]):
        return (_("in the {sum} window(s) with tied maxima your dx gives grad_out[i, j] to another of the "
                "maxima, or to several: only the first in reading order gets it, the others 0.").format(sum=int(wrong.sum())))
    return None


def _tf_maxpool(tf, keras, x, grad_out):
    xt = tf.constant(x[None, :, :, None])
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = keras.layers.MaxPooling2D(2, dtype="float64")(xt)
        loss = tf.reduce_sum(y * grad_out[None, :, :, None])  # dL/dy = grad_out
    return tape.gradient(loss, xt).numpy()[0, :, :, 0]


EXERCISES = [
    CodeExercise("11.conv2d", "conv2d", ("image", "kernel"), _conv_cases, _conv_ref,
                 ladder=Ladder(
                     "The formula: a cross-correlation",
                     "Check the output's shape, (H - kh + 1, W - kw + 1), then compare rows and columns: is a "
                     "border row or column wrong (or zero), or is the whole pattern mirrored?",
                     "Every output entry is the sum, entry by entry, of one kh x kw window of the image times "
                     "the kernel; the window's top-left corner is (i, j), and the kernel is not flipped.",
                     "Make an output of zeros with the 'valid' shape; for every row i and column j of it, take "
                     "the image's rows i to i + kh - 1 and columns j to j + kw - 1, multiply them by the kernel "
                     "entry by entry and put the sum there."),
                 good="The same small kernel slides over every position: few weights, and a shifted image "
                      "gives a shifted map.", diagnose=_conv_diagnose,
                 twin=tf_twin(N_("tf.nn.conv2d (padding 'VALID')"), _conv_twin_args, _tf_conv)),
    CodeExercise("11.maxpool_backward", "maxpool_backward", ("x", "grad_out"), _maxpool_cases, _maxpool_ref,
                 ladder=Ladder(
                     "The package's code",
                     "Compare window by window: where in each 2x2 window does your gradient land, and how much of "
                     "grad_out[i, j]?",
                     "Only the window's maximum chose the pooled value, so it alone receives grad_out[i, j] (a tie "
                     "goes to the first maximum in reading order, as in Keras); every other entry gets 0.",
                     "Start from zeros shaped like x; for every window (rows 2i and 2i + 1, columns 2j and 2j + 1) "
                     "find the flat position of its first maximum (np.argmax gives the first), turn it into a row "
                     "and a column inside the window, and put grad_out[i, j] there."),
                 good="Three of every four positions get no gradient: max-pooling passes the signal only through "
                      "the winners.", diagnose=_maxpool_diagnose,
                 twin=tf_twin(N_("tf.GradientTape through keras.layers.MaxPooling2D"), _maxpool_twin_args, _tf_maxpool)),
]
