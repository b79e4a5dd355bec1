"""Lesson 11 (CNN): a convolution with loops, max-pooling's backward pass.

Each exercise's cases (the place for its edge cases), reference, diagnoses and twin, then the
CodeExercise entries that code.py collects."""
from __future__ import annotations

import numpy as np

from .common import tf_twin
from .hints import Ladder
from .runner import Case, CodeExercise


def _conv_twin_args(rng):
    return {"image": rng.normal(size=(7, 6)), "kernel": rng.normal(size=(3, 2))}


def _conv_cases(rng):
    cases = [Case({"image": rng.normal(size=(h, w)), "kernel": rng.normal(size=(kh, kw))}, f"{h}x{w} image, "
                  f"{kh}x{kw} kernel") for (h, w), (kh, kw) in (((5, 5), (3, 3)), ((6, 4), (2, 3)), ((3, 3), (3, 3)))]
    edge = np.zeros((5, 6))
    edge[:, 3:] = 1.0
    cases.append(Case({"image": edge, "kernel": np.array([[1.0, 0.0, -1.0]] * 3)}, "a vertical edge, Sobel-like kernel"))
    return cases


def _conv_ref(image, kernel):
    windows = np.lib.stride_tricks.sliding_window_view(image, kernel.shape)  # (H-kh+1, W-kw+1, kh, kw)
    return np.einsum("ijkl,kl->ij", windows, kernel)


def _conv_diagnose(args, expected, got):
    flipped = _conv_ref(args["image"], args["kernel"][::-1, ::-1])
    if np.shape(got) == flipped.shape and np.allclose(got, flipped) and not np.allclose(flipped, expected):
        return ("your map is the one of the kernel flipped in both directions (the convolution of mathematics); "
                "Keras's Conv2D and this lesson do not flip it.")
    return None


def _tf_conv(tf, keras, image, kernel):
    x = tf.constant(image[None, :, :, None])
    k = tf.constant(kernel[:, :, None, None])
    return tf.nn.conv2d(x, k, strides=1, padding="VALID").numpy()[0, :, :, 0]


def _maxpool_twin_args(rng):
    return {"x": rng.normal(size=(6, 8)), "grad_out": rng.normal(size=(3, 4))}


def _maxpool_cases(rng):
    cases = [Case({"x": rng.normal(size=(h, w)), "grad_out": rng.normal(size=(h // 2, w // 2))}, f"a {h}x{w} map")
             for h, w in ((4, 4), (6, 4), (2, 2), (8, 6))]
    x = np.arange(16.0).reshape(4, 4)[::-1]  # every window's maximum in its top-left corner
    cases.append(Case({"x": x, "grad_out": np.array([[1.0, 2.0], [3.0, 4.0]])}, "maxima in the top-left corners"))
    return cases


def _maxpool_ref(x, grad_out):
    from ..core.conv import MaxPool2D  # noqa: PLC0415 (the engine's layer is the reference)

    pool = MaxPool2D(2)
    pool.forward(x[None, :, :, None])
    return pool.backward(grad_out[None, :, :, None])[0, :, :, 0]


def _maxpool_diagnose(args, expected, got):
    spread = np.repeat(np.repeat(args["grad_out"], 2, axis=0), 2, axis=1)
    if np.shape(got) == spread.shape and np.allclose(got, spread):
        return "your dx has grad_out[i, j] at all four positions of each window."
    if np.shape(got) == spread.shape and np.allclose(got, spread / 4):
        return ("your dx spreads a quarter of grad_out[i, j] to every position of its window: average-pooling's "
                "backward pass.")
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
                 twin=tf_twin("tf.nn.conv2d (padding 'VALID')", _conv_twin_args, _tf_conv)),
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
                 twin=tf_twin("tf.GradientTape through keras.layers.MaxPooling2D", _maxpool_twin_args, _tf_maxpool)),
]
