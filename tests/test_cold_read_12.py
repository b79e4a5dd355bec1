"""Lesson 12 cold read: no answer was judged wrongly; pinned here are the messages that misled (the constant term
called a sign error, a numerical derivative reported as a disagreement with TensorFlow), the right answers written
differently from the reference, and the lesson's deletion race giving occlusion its own best patch."""
import pathlib
import re

import numpy as np
import pytest

from dlteach.exercises import check, reset_hints

LESSON = pathlib.Path(__file__).resolve().parents[1] / "lessons" / "12_explaining.md"


def _verdict(name, answer, capsys):
    reset_hints(name)
    ok = check(name, answer)
    return ok, capsys.readouterr().out


def test_the_constant_term_is_named_not_called_a_sign_error(capsys):
    ok, out = _verdict("12.linear_saliency", 1, capsys)
    assert ok is False and "constant term" in out and "wrong sign" not in out


@pytest.mark.parametrize("answer, words", [(3, "wrong sign"), (2, "x1's coefficient"), (-2.9, "too large")])
def test_linear_saliency_wrong_answers(answer, words, capsys):
    ok, out = _verdict("12.linear_saliency", answer, capsys)
    assert ok is False and words in out


@pytest.mark.parametrize("answer", [-3, -3.0, "-3", np.float64(-3)])
def test_linear_saliency_right_answers(answer, capsys):
    assert _verdict("12.linear_saliency", answer, capsys)[0] is True


def test_constant_pixel_success_message_does_not_overclaim(capsys):
    """Before: '(the border pixels of the digits)', while only 7 test pixels are blank in every image."""
    ok, out = _verdict("12.constant_pixel", 0, capsys)
    assert ok is True and "the border pixels of the digits" not in out and "7 pixels" in out


def _finite_differences(x, W1, b1, W2, b2, c, h=1e-5):
    def f(v):
        return (np.tanh(v @ W1 + b1) @ W2 + b2)[c]
    return np.array([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(len(x))])


def test_a_numerical_derivative_is_named(capsys):
    """Before: 'agrees with the cases but not with tf.GradientTape: relative difference 2.69e-11', as if TF were off."""
    ok, out = _verdict("12.saliency", _finite_differences, capsys)
    assert ok is False
    assert "numerical derivative" in out and "backpropagation" in out


@pytest.mark.parametrize("wrong, words", [
    (lambda x, W1, b1, W2, b2, c: W1 @ W2[:, c], "tanh's slope"),
    (lambda x, W1, b1, W2, b2, c: W1 @ (np.tanh(x @ W1 + b1) * W2[:, c]), "h itself"),
    (lambda x, W1, b1, W2, b2, c: W1 @ ((x @ W1 + b1 > 0) * W2[:, c]), "ReLU"),
    (lambda x, W1, b1, W2, b2, c: W1 @ ((1 - np.tanh(x @ W1) ** 2) * W2[:, c]), "without its bias"),
    (lambda x, W1, b1, W2, b2, c: -W1 @ ((1 - np.tanh(x @ W1 + b1) ** 2) * W2[:, c]), "opposite sign"),
    (lambda x, W1, b1, W2, b2, c: W1 @ ((1 - (x @ W1 + b1) ** 2) * W2[:, c]), "Not yet"),
])
def test_saliency_wrong_answers(wrong, words, capsys):
    ok, out = _verdict("12.saliency", wrong, capsys)
    assert ok is False and words in out
    assert "'The formulas'" in out or "Hint" not in out                  # the first hint points at the derivation


@pytest.mark.parametrize("form", ["cosh", "einsum", "jacobian column"])
def test_saliency_written_differently_passes(form, capsys):
    def saliency(x, W1, b1, W2, b2, c):
        u = x @ W1 + b1
        if form == "cosh":
            return W1 @ (W2[:, c] / np.cosh(u) ** 2)
        if form == "einsum":
            return np.einsum("dh,h,h->d", W1, 1 - np.tanh(u) ** 2, W2[:, c])
        return ((W1 * (1 - np.tanh(u) ** 2)) @ W2)[:, c]
    assert _verdict("12.saliency", saliency, capsys)[0] is True


def test_deletion_race_gives_occlusion_its_own_patch_chosen_off_the_test_set():
    """Before: occlusion ran at a 2x2 patch only and 'integrated gradients beat occlusion'; at its best patch (1,
    chosen on training images) occlusion is the fastest on the deletion test."""
    text = LESSON.read_text()
    section = text[text.index("## Which explanation points at what the model uses?"):text.index("## The gradient also attacks")]
    assert "X_train[:150]" in section and "for p in (1, 2, 3, 4)" in section
    assert re.search(r"occlusion_scores\(X_test, pred, best_patch\)", section)
    assert "integrated gradients beat occlusion too" not in text
    summary = text[text.index("## Summary"):text.index("## Exercises")]
    assert "1-pixel patch" in summary
