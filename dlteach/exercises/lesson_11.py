"""Lesson 11 (CNN): a convolution with loops, max-pooling's backward pass.

Each exercise's cases (the place for its edge cases), reference, diagnoses and twin, then the
CodeExercise entries that code.py collects."""
from __future__ import annotations

import numpy as np

from .common import tf_twin
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
        return ("you flipped the kernel: that is the convolution of mathematics. Keras's Conv2D (and this "
                "lesson) computes the cross-correlation, sum(image[i:i+kh, j:j+kw] * kernel), without flipping.")
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
        return ("you copied the gradient to all four positions of each window. Only the maximum chose the output, "
                "so only it receives the gradient; the other three get 0.")
    if np.shape(got) == spread.shape and np.allclose(got, spread / 4):
        return "that is average-pooling's backward pass (a quarter to each position); max-pooling sends it all to the maximum."
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
                 hint="out[i, j] = sum(image[i:i+kh, j:j+kw] * kernel) for i in range(H - kh + 1) and "
                      "j in range(W - kw + 1): a 'valid' output, (H - kh + 1, W - kw + 1).",
                 good="The same small kernel slides over every position: few weights, and a shifted image "
                      "gives a shifted map.", diagnose=_conv_diagnose,
                 twin=tf_twin("tf.nn.conv2d (padding 'VALID')", _conv_twin_args, _tf_conv)),
    CodeExercise("11.maxpool_backward", "maxpool_backward", ("x", "grad_out"), _maxpool_cases, _maxpool_ref,
                 hint="for each window x[2i:2i+2, 2j:2j+2], find the position of its maximum (np.argmax, then "
                      "np.unravel_index) and put grad_out[i, j] there; every other entry stays 0. Shape of x.",
                 good="Three of every four positions get no gradient: max-pooling passes the signal only through "
                      "the winners.", diagnose=_maxpool_diagnose,
                 twin=tf_twin("tf.GradientTape through keras.layers.MaxPooling2D", _maxpool_twin_args, _tf_maxpool)),
]
