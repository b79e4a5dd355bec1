"""Lesson 11 cold read: the wrong answer 11.conv2d accepted (a map cut to whole numbers by an integer output
array), pinned with its diagnosis; the right answers written differently still pass."""
import io
from contextlib import redirect_stdout

import numpy as np

from dlteach.exercises import check


def _run(exercise, answer):
    out = io.StringIO()
    with redirect_stdout(out):
        ok = check(exercise, answer)
    return ok, out.getvalue()


def _loops(image, kernel, out):
    kh, kw = kernel.shape
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel)
    return out


def conv2d_zeros_like(image, kernel):        # np.zeros_like of an integer image: every sum cut to an integer
    kh, kw = kernel.shape
    return _loops(image, kernel, np.zeros_like(image[:image.shape[0] - kh + 1, :image.shape[1] - kw + 1]))


def conv2d_astype(image, kernel):            # the right map, then cast to the image's type
    kh, kw = kernel.shape
    out = _loops(image, kernel, np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1)))
    return out.astype(image.dtype)


def conv2d_right(image, kernel):
    kh, kw = kernel.shape
    return _loops(image, kernel, np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1)))


def conv2d_windows(image, kernel):           # right, written differently
    windows = np.lib.stride_tricks.sliding_window_view(np.asarray(image, dtype=float), kernel.shape)
    return np.tensordot(windows, kernel, axes=([2, 3], [0, 1]))


def test_an_integer_output_is_rejected_with_its_diagnosis():
    for wrong in (conv2d_zeros_like, conv2d_astype):
        ok, text = _run("11.conv2d", wrong)
        assert ok is False
        assert "an image of whole numbers" in text
        assert "cut off the part after the decimal point" in text, text


def test_right_answers_pass():
    for right in (conv2d_right, conv2d_windows):
        ok, text = _run("11.conv2d", right)
        assert ok is True, text
        assert "9 cases passed" in text
