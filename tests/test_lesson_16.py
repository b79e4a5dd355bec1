"""Lesson 16 (attention and the transformer): the reversal task's data and split, the trained models, attend()
(the forward pass with a part switched off) against the model's own forward pass, the scaling measurement,
AttentionExplorer driven through every control and its try-this list on five seeds, and the exercises' wrong
answers, each failing with its own diagnosis (NumPy only; the Keras twins are tests/test_transformer.py)."""
import numpy as np
import pytest

import dlteach as dt
from dlteach import attention_runs as R
from dlteach import solutions
from dlteach.exercises import check, reset_hints
from dlteach.widgets import AttentionExplorer
from wrong_answers_16 import WRONG_CODE_16, attention


# --- the task ------------------------------------------------------------------------------------------------
def test_reverse_data_is_the_sequence_then_its_reversal_cut_for_next_id_prediction():
    X, y = R.reverse_data(50, seed=3)
    L = R.REVERSE_LENGTH
    assert X.shape == y.shape == (50, 2 * L)
    assert np.array_equal(X[:, 1:], y[:, :-1])                    # y is X shifted by one
    assert np.all(X[:, L] == R.SEP) and np.all(X[:, :L] < R.SEP)  # the separator after the digits
    assert np.array_equal(y[:, L:], X[:, :L][:, ::-1])            # the answers: the digits reversed
    assert np.array_equal(R.reverse_data(50, seed=3)[0], X) and not np.array_equal(R.reverse_data(50, seed=4)[0], X)
    assert R.format_sequence(X[0, :L + 1]).endswith(" |")


def test_the_test_sequences_are_not_training_sequences():
    X, y, Xt, yt = R.reverse_split()
    assert len(X) == 2048 and Xt.shape == (1000, 10) and yt.shape == (1000, 10)
    seen = {row.tobytes() for row in X}
    assert not any(row.tobytes() in seen for row in Xt)
    Xt[:] = 0
    assert R.reverse_test()[0].any()  # callers get copies


def test_answer_accuracy_reads_the_answer_positions_only():
    X, y = R.reverse_data(20, seed=0)
    logits = np.eye(7)[y] * 5.0
    assert R.answer_accuracy(logits, X, y) == 1.0
    logits[:, :5] = 0  # the positions before the answers do not count
    assert R.answer_accuracy(logits, X, y) == 1.0
    logits[:, 7] = np.roll(logits[:, 7], 1, axis=-1)
    assert R.answer_accuracy(logits, X, y) == pytest.approx(0.8)


# --- the trained model and attend() ------------------------------------------------------------------------
def test_reverse_model_is_cached_and_returns_copies():
    a, b = R.reverse_model("learned", 0), R.reverse_model("learned", 0)
    assert a is not b and all(np.array_equal(u, v) for u, v in zip(a.get_weights(), b.get_weights()))
    a.head.W[...] = 0
    assert R.reverse_model("learned", 0).head.W.any()
    with pytest.raises(ValueError, match="positions"):
        R.reverse_model("rope", 0)


def test_attend_with_everything_on_is_the_models_forward_pass():
    model = R.reverse_model("learned", 0)
    X, y = R.reverse_test()
    logits, maps = R.attend(model, X[:30])
    np.testing.assert_allclose(logits, model.forward(X[:30]), rtol=0, atol=1e-12)
    for ours, theirs in zip(maps, model.attention_maps()):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)
    free = R.reverse_model("none", 0)
    np.testing.assert_allclose(R.attend(free, X[:5], positions=False)[0], free.forward(X[:5]), rtol=0, atol=1e-12)
    # unmasked: a query sees later keys; unscaled: sharper rows (larger largest weight on average)
    _, open_maps = R.attend(model, X[:30], causal=False)
    assert np.triu(open_maps[0], 1).sum() > 1
    _, sharp = R.attend(model, X[:30], scaled=False)
    assert sharp[0].max(-1).mean() > maps[0].max(-1).mean()
    assert len(model.blocks[0].attention.x) == 1  # the big batch's activations were dropped


def test_positions_make_the_difference_on_every_seed():
    X, y = R.reverse_test()
    for seed in range(5):
        coded = R.answer_accuracy(R.reverse_model("learned", seed), X, y)
        free = R.answer_accuracy(R.reverse_model("none", seed), X, y)
        assert coded > 0.99 and free < 0.7, seed


def test_score_statistics_grow_like_sqrt_d_only_without_the_scale():
    for d in (4, 64):
        scaled, raw = R.score_statistics(d, True), R.score_statistics(d, False)
        assert scaled["score_std"] == pytest.approx(1, abs=0.05)
        assert raw["score_std"] == pytest.approx(np.sqrt(d), rel=0.05)
    assert R.score_statistics(256, False)["max_weight"] > 0.9 > 0.35 > R.score_statistics(256, True)["max_weight"]
    assert R.score_statistics(1, True) == R.score_statistics(1, False)  # sqrt(1) = 1


def test_position_loss_is_log6_before_the_separator():
    losses = R.position_loss(R.reverse_model("learned", 0), *R.reverse_test())
    assert losses.shape == (10,)
    assert np.all(np.abs(losses[:4] - np.log(6)) < 0.1) and losses[4:].max() < 0.05


# --- the explorer ----------------------------------------------------------------------------------------------
def test_explorer_every_control_at_both_ends():
    ex = AttentionExplorer()
    for name, p in AttentionExplorer.PARAMS.items():
        for value in (p.choices if p.choices is not None else (p.low, p.high)):
            ex.set(**{name: value})
            assert ex.weights.shape == (10, 10) and np.allclose(ex.weights.sum(-1), 1)
            assert 0 <= ex.accuracy <= 1 and len(ex.png()) > 1000
        ex.set(**{name: p.default})
    with pytest.raises(ValueError):
        ex.set(layer=3)
    assert ex.cfg["layer"] == 1


def test_explorer_mask_toggle_shows_later_keys():
    ex = AttentionExplorer(mask="causal")
    assert not np.triu(ex.weights, 1).any()
    ex.set(mask="off")
    assert np.triu(ex.weights, 1).sum() > 0


@pytest.mark.parametrize("seed", range(5))
def test_lesson_16_try_this_holds_on_five_seeds(seed):
    """The try-this list read on every seed's model (the explorer shows seed 0): one layer-1 head looks at the
    mirror position; positions off < 30 %; mask off or scaling off keep more than 85 %."""
    model = R.reverse_model("learned", seed)
    X, y = R.reverse_test()
    rows = np.arange(5, 10)
    logits, maps = R.attend(model, X)
    assert max(maps[0][:, h, rows, 9 - rows].mean() for h in range(2)) > 0.7
    assert R.answer_accuracy(R.attend(model, X, positions=False)[0], X, y) < 0.3
    _, open_maps = R.attend(model, X, causal=False)
    assert all(np.triu(m, 1).sum(-1)[:, :, rows].mean() > 0.05 for m in open_maps)  # later keys get weight
    masked_off = R.answer_accuracy(R.attend(model, X, causal=False)[0], X, y)
    raw_logits, raw_maps = R.attend(model, X, scaled=False)
    scale_off = R.answer_accuracy(raw_logits, X, y)
    assert masked_off > 0.85 and scale_off > 0.85
    assert raw_maps[0].max(-1).mean() > maps[0].max(-1).mean()  # sharper rows without the scale
    assert 1 - masked_off <= 0.1 and 1 - scale_off <= 0.14  # the ranges the text gives
    if seed == 0:
        assert 0.08 < 1 - masked_off < 0.1 and scale_off == 1


# --- the exercises: wrong answers fail, each with its own diagnosis -------------------------------------------
@pytest.fixture(autouse=True)
def _fresh_ladders():
    reset_hints()
    yield
    reset_hints()


@pytest.mark.parametrize("name", ["16.causal_attention", "16.split_heads", "16.merge_heads"])
def test_solutions_pass_and_at_least_five_wrong_answers_fail(name, capsys):
    assert check(name, solutions.CODE[name]) is True
    assert len(WRONG_CODE_16[name]) >= 5
    for wrong in WRONG_CODE_16[name]:
        assert check(name, wrong) is False


@pytest.mark.parametrize("kwargs,words", [
    (dict(mask=None), "later ones included"), (dict(mask="anti"), "wrong triangle"),
    (dict(scale="none"), "not scaled"), (dict(scale="d"), "divided by d_k"),
    (dict(axis=-2), "over the queries"), (dict(stable=False), "scores in the hundreds")])
def test_attention_mistakes_are_named(kwargs, words, capsys):
    assert check("16.causal_attention", lambda q, k, v: attention(q, k, v, **kwargs)) is False
    assert words in capsys.readouterr().out


@pytest.mark.parametrize("name,i,words", [
    ("16.split_heads", 0, "plain reshape"), ("16.split_heads", 1, "expected (2, 2, 5, 3)"),
    ("16.split_heads", 2, "interleaved"), ("16.merge_heads", 0, "plain reshape"),
    ("16.merge_heads", 1, "interleave")])
def test_head_mistakes_are_named(name, i, words, capsys):
    assert check(name, WRONG_CODE_16[name][i]) is False
    assert words in capsys.readouterr().out


def test_quizzes():
    assert check("16.score_std", 8) and check("16.score_std", 8.0) and not check("16.score_std", 64)
    assert check("16.mha_params", 1212) and not check("16.mha_params", 1024)
    assert check("16.swap_without_positions", "swap") and not check("16.swap_without_positions", "change")
    assert dt.exercises.precision_of("16.score_std") == "2 significant digits"


def _loop_attention(q, k, v):
    """A correct answer written differently from the reference: one query at a time, its visible keys only."""
    n, T, d = q.shape
    out = np.zeros((n, T, v.shape[-1]))
    for i in range(n):
        for t in range(T):
            s = q[i, t] @ k[i, :t + 1].T / np.sqrt(d)
            w = np.exp(s - s.max())
            out[i, t] = (w / w.sum()) @ v[i, :t + 1]
    return out


def _masked_1e9(q, k, v):
    T = q.shape[-2]
    s = q @ np.swapaxes(k, 1, 2) / np.sqrt(q.shape[-1])
    s = np.where(np.tril(np.ones((T, T))) == 1, s, -1e9)  # Keras's masked score
    e = np.exp(s - s.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True) @ v


@pytest.mark.parametrize("name,answer", [
    ("16.causal_attention", _loop_attention), ("16.causal_attention", _masked_1e9),
    ("16.split_heads", lambda x, num_heads: np.stack(np.split(x, num_heads, axis=-1), axis=1)),
    ("16.merge_heads", lambda heads: np.concatenate(list(np.moveaxis(heads, 1, 0)), axis=-1))])
def test_right_answers_written_differently_pass(name, answer):
    assert check(name, answer) is True


def test_float32_attention_is_told_so(capsys):
    f32 = lambda q, k, v: _loop_attention(*(a.astype(np.float32) for a in (q, k, v))).astype(np.float32)  # noqa: E731
    assert check("16.causal_attention", f32) is False
    assert "float32" in capsys.readouterr().out
