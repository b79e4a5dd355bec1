"""Lesson 03 cold read: no answer was judged wrongly; pinned here are the messages that did not say what was
wrong (an answer right only to float32 precision, a gradient through Keras-clipped probabilities), the right
answers written differently from the reference, and the quizzes' stated precision."""
import pathlib
import re
import warnings

import numpy as np
import pytest

from dlteach.exercises import check, reset_hints

LESSON = pathlib.Path(__file__).resolve().parents[1] / "lessons" / "03_losses.md"


def _sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def _softplus(z):
    return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))


def _verdict(name, answer, capsys):
    reset_hints(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ok = check(name, answer)
    return ok, capsys.readouterr().out


def test_float32_answer_is_rejected_and_named(capsys):
    """Before: rejected with expected and received printed alike and no word on why."""
    def bce_with_logits(z, y):
        z, y = z.astype(np.float32), y.astype(np.float32)
        return float(np.mean(_softplus(z) - z * y)), ((_sigmoid(z) - y) / len(z)).astype(np.float32)
    ok, out = _verdict("03.bce_with_logits", bce_with_logits, capsys)
    assert ok is False
    assert "not to float64 precision" in out and "float32" in out
    assert "Hint 1 of 3" in out and "max(z, 0)" not in out                  # no recipe on the first miss


def test_gradient_through_keras_clipped_probabilities_is_rejected_and_named(capsys):
    def bce_with_logits(z, y):
        a = np.clip(_sigmoid(z), 1e-7, 1 - 1e-7)
        return float(np.mean(_softplus(z) - z * y)), (a - y) / len(z)
    ok, out = _verdict("03.bce_with_logits", bce_with_logits, capsys)
    assert ok is False
    assert "clipped like Keras's" in out and "|z| = 1000" in out


@pytest.mark.parametrize("wrong, words", [
    (lambda z, y: (float(np.mean(_softplus(z) - z * y)), _sigmoid(z) - y), "times the expected one"),
    (lambda z, y: (float(np.mean(_softplus(z) - z * y)), (y - _sigmoid(z)) / len(z)), "opposite sign"),
    (lambda z, y: (float(np.sum(_softplus(z) - z * y)), (_sigmoid(z) - y) / len(z)), "a sum, not the mean"),
    (lambda z, y: (float(-np.mean(y * np.log(1 / (1 + np.exp(-z))) + (1 - y) * np.log(1 - 1 / (1 + np.exp(-z))))),
                   (_sigmoid(z) - y) / len(z)), "overflowed"),
    (lambda z, y: (float(np.mean(_softplus(z) - z * y)), _sigmoid(z) * (1 - _sigmoid(z)) / len(z)), "dL_dz"),
    (lambda z, y: (float(np.mean(np.clip(z, -100, 100) * (1 - y) + _softplus(-np.clip(z, -100, 100)))),
                   (_sigmoid(z) - y) / len(z)), "|z| = 1000"),
])
def test_wrong_answers_are_rejected(wrong, words, capsys):
    ok, out = _verdict("03.bce_with_logits", wrong, capsys)
    assert ok is False and words in out


@pytest.mark.parametrize("form", ["hard labels", "logaddexp", "tanh", "softplus both terms", "overflowing sigmoid"])
def test_bce_with_logits_written_differently_passes(form, capsys):
    def bce_with_logits(z, y):
        n = z.shape[0]
        if form == "hard labels":
            return float(np.mean(np.where(y == 1, _softplus(-z), _softplus(z)))), (_sigmoid(z) - y) / n
        if form == "logaddexp":
            return (float(np.mean(y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z))),
                    (np.exp(-np.logaddexp(0, -z)) - y) / n)
        if form == "tanh":
            return float(np.mean(_softplus(z) - z * y)), ((np.tanh(z / 2) + 1) / 2 - y) / n
        if form == "softplus both terms":
            return float(np.mean(y * _softplus(-z) + (1 - y) * _softplus(z))), (_sigmoid(z) - y) / n
        return float(np.mean(_softplus(z) - z * y)), (1 / (1 + np.exp(-z)) - y) / n
    assert _verdict("03.bce_with_logits", bce_with_logits, capsys)[0] is True


@pytest.mark.parametrize("name, right, wrong", [
    ("03.bce_value", [0.105, 0.11, 0.1054, "0.105", -np.log(0.9)], [-0.105, 0.0458, 2.3, 0.12, 0.095]),
    ("03.bce_confident_wrong", [4.6, 4.605, 4.61, -np.log(0.01)], [0.01005, -4.605, 2.0, 4.5, 4.7]),
])
def test_quizzes(name, right, wrong, capsys):
    assert all(_verdict(name, r, capsys)[0] is True for r in right)
    assert all(_verdict(name, w, capsys)[0] is False for w in wrong)


def test_quizzes_state_their_precision():
    """Before: the exercises asked for a number without saying to what precision; the checker wants 2 digits."""
    text = LESSON.read_text()
    exercises = text[text.index("## Exercises"):]
    for head in (r"\*\*1\. Predict, then run\.\*\*", r"\*\*2\.\*\*"):
        paragraph = re.search(head + r"(.*?)```", exercises, re.S).group(1)
        assert "2 significant digits" in paragraph
