"""Lesson 16 cold read: the wrong answers a fresh reader tried (all rejected, pinned here so they stay rejected),
first-miss messages that say what is wrong without the recipe, a float32 step inside a float64 answer named as
such, the quizzes whose answers are no longer printed above them, and attend()'s head ablation and
score_statistics' gradient split that the lesson's text now rests on."""
import numpy as np
import pytest

from dlteach import attention_runs as R
from dlteach import experiments
from dlteach.exercises import check, reset_hints


def _tril(T, k=0):
    return np.tril(np.ones((T, T), bool), k)


def _softmax(s):
    e = np.exp(s - s.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def _scores(q, k, c=None):
    return q @ np.swapaxes(k, 1, 2) * (1 / np.sqrt(q.shape[-1]) if c is None else c)


WRONG_ATTENTION = {
    "scaled by sqrt(d_v)": lambda q, k, v: _softmax(np.where(_tril(q.shape[1]), _scores(q, k, 1 / np.sqrt(v.shape[-1])),
                                                             -np.inf)) @ v,
    "global max": lambda q, k, v: (lambda s: np.exp(s - s.max()) / np.exp(s - s.max()).sum(-1, keepdims=True))(
        np.where(_tril(q.shape[1]), _scores(q, k), -np.inf)) @ v,
    "mask after the softmax, not renormalised": lambda q, k, v: (_softmax(_scores(q, k)) * _tril(q.shape[1])) @ v,
    "additive mask of -30 only": lambda q, k, v: _softmax(_scores(q, k) + np.where(_tril(q.shape[1]), 0, -30.0)) @ v,
    "sees one later position": lambda q, k, v: _softmax(np.where(_tril(q.shape[1], 1), _scores(q, k), -np.inf)) @ v,
    "squeezed batch of one": lambda q, k, v: np.squeeze(_softmax(np.where(_tril(q.shape[1]), _scores(q, k), -np.inf))
                                                        @ v),
}


@pytest.mark.parametrize("name", sorted(WRONG_ATTENTION))
def test_cold_wrong_attention_is_rejected(name, capsys):
    with np.errstate(all="ignore"):
        assert check("16.causal_attention", WRONG_ATTENTION[name]) is False
    assert "Not yet" in capsys.readouterr().out


def test_a_float32_step_inside_a_float64_answer_is_named(capsys):
    def attention(q, k, v):
        q32, k32 = np.float32(q), np.float32(k)
        s = (q32 @ np.swapaxes(k32, 1, 2)).astype(float) / np.sqrt(q.shape[-1])   # float64 again from here
        return _softmax(np.where(_tril(q.shape[1]), s, -np.inf)) @ v
    reset_hints("16.causal_attention")
    assert check("16.causal_attention", attention) is False
    assert "float32" in capsys.readouterr().out


WRONG_SPLIT = [lambda x, num_heads: np.stack(np.split(x, num_heads, axis=-1), axis=0),              # heads first
               lambda x, num_heads: x.reshape(*x.shape[:2], num_heads, -1).transpose(0, 2, 1, 3)[:, ::-1]]  # reversed
WRONG_MERGE = [lambda heads: heads[:, ::-1].transpose(0, 2, 1, 3).reshape(heads.shape[0], heads.shape[2], -1),
               lambda heads: np.concatenate(list(heads), axis=-1)]                                 # batch joined


@pytest.mark.parametrize("name,func", [("16.split_heads", f) for f in WRONG_SPLIT] +
                         [("16.merge_heads", f) for f in WRONG_MERGE])
def test_cold_wrong_heads_are_rejected(name, func):
    assert check(name, func) is False


@pytest.mark.parametrize("name,func,recipe", [
    ("16.split_heads", lambda x, num_heads: x.reshape(x.shape[0], num_heads, x.shape[1], -1), ("move the heads",
                                                                                              "then")),
    ("16.merge_heads", lambda heads: heads.reshape(heads.shape[0], heads.shape[2], -1), ("next to d_k", "join"))])
def test_first_miss_says_what_is_wrong_without_the_recipe(name, func, recipe, capsys):
    reset_hints(name)
    assert check(name, func) is False
    out = capsys.readouterr().out
    assert "plain reshape" in out and "memory order" in out
    assert not any(words in out for words in recipe)
    assert "swap" not in out.lower() and "transpose" not in out.lower()


def test_score_std_quiz_asks_what_the_lesson_does_not_print():
    assert check("16.score_std", 8) and check("16.score_std", "8.0") and check("16.score_std", 7.96)
    for wrong in (4, 64, 32, np.sqrt(32), 2, 1, 8.1):
        assert not check("16.score_std", wrong)


def test_score_std_named_mistakes(capsys):
    assert not check("16.score_std", 4)
    assert "variance 2" in capsys.readouterr().out
    assert not check("16.score_std", 5.7)
    assert "2 x 2" in capsys.readouterr().out


def test_mha_params_quiz_is_not_the_lesson_example():
    assert check("16.mha_params", 1212) and check("16.mha_params", "1212")
    for wrong in (1088, 1152, 900, 420, 2400, 1164, 1188, 1213):
        assert not check("16.mha_params", wrong)


def test_lesson_no_longer_prints_the_split_or_the_quiz_answers():
    text = open("lessons/16_attention.md").read()
    heads_section = text.split("## Several heads")[1].split("## The causal mask")[0]
    assert ".transpose(0, 2, 1, 3)" not in heads_section
    assert "split the last axis, then move" not in text
    assert "heads of `key_dim` 8 (biases on)" not in text and "64 independent entries" not in text


def test_attend_keeps_only_the_heads_asked_for():
    model = experiments.reverse_model("learned", seed=0)
    X = R.reverse_test()[0][:40]
    full, _ = R.attend(model, X)
    np.testing.assert_allclose(R.attend(model, X, heads=[(0, 0), (0, 1), (1, 0), (1, 1)])[0], full, rtol=0, atol=1e-13)
    assert np.abs(R.attend(model, X, heads=[(0, 1), (1, 0), (1, 1)])[0] - full).max() > 0.1
    # no head at all: each block adds only Wo's bias
    none, maps = R.attend(model, X, heads=[])
    assert len(maps) == 2 and not np.allclose(none, full)


def test_score_statistics_split_the_gradient():
    scaled, raw = R.score_statistics(256, True), R.score_statistics(256, False)
    assert raw["grad_others"] < 0.2 * scaled["grad_others"]
    assert raw["grad_q"] > scaled["grad_q"]        # the unscaled scores are sqrt(d_k) times more sensitive to q
