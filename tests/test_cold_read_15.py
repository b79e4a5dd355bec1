"""Lesson 15, read cold: what the cold read found, pinned (the explorer's clipped-step count is the optimizer's;
answers the checkers misread now get the right verdict and a message that says what is wrong; the lesson's
fixed sentences stay fixed)."""
from pathlib import Path

import numpy as np
import pytest

from dlteach import sequences as S
from dlteach.core.optimizers import get_optimizer
from dlteach.exercises import check

ROOT = Path(__file__).resolve().parents[1]
SOURCE = (ROOT / "lessons" / "15_sequences.md").read_text(encoding="utf-8")


def _replayed_clipped(cell, T, lr, seed, epochs):
    """memory_run's training loop, replayed: how many steps clipnorm=1 really shortened (the optimizer's count)."""
    X, y = S.marked_symbol_data(512, T, seed)
    model = S.memory_model(cell, 12, seed)
    opt = get_optimizer("adam", learning_rate=lr, clipnorm=1.0)
    for epoch in range(1, epochs + 1):
        for idx in S.epoch_batches(len(X), 32, seed, epoch):
            model.loss_and_grads(X[idx], y[idx])
            opt.step(model.trainable_params())
    return opt.clipped


@pytest.mark.parametrize("cell,T,lr,seed", [("LSTM", 15, 0.03, 0), ("SimpleRNN", 10, 0.1, 1)])
def test_the_recorded_norm_passes_the_threshold_exactly_on_the_clipped_steps(cell, T, lr, seed):
    """clipnorm clips each weight's gradient on its own: the global norm (recorded before) passed 1 on 34 of
    the LSTM's 96 steps while clipnorm clipped 25."""
    run = S.memory_run(cell, T, lr, clipnorm=1.0, seed=seed, epochs=2 if cell == "SimpleRNN" else 6)
    clipped = _replayed_clipped(cell, T, lr, seed, 2 if cell == "SimpleRNN" else 6)
    assert clipped > 0
    assert int(np.sum(run.grad_norm > 1.0)) == clipped


def test_the_explorer_reports_the_optimizers_count():
    from dlteach.widgets import SequenceExplorer

    ex = SequenceExplorer(cell="LSTM", T=15, clipping="clipnorm 1")
    assert ex.clipped == _replayed_clipped("LSTM", 15, ex.cfg["learning_rate"], 0, 6)


def test_the_lesson_no_longer_counts_the_global_norm_as_clipnorm():
    assert "that is where `clipnorm=1` would act" not in SOURCE
    assert "largest gradient norm of one weight" in SOURCE


def test_exercise_4s_answer_is_not_on_the_screen_before_it():
    before = SOURCE[:SOURCE.index("## Exercises")].lower()
    assert "greedy" not in before and "equally likely" not in before


def test_the_cell_gradient_is_written_without_an_unexplained_symbol():
    assert "\\ni" not in SOURCE


def test_both_trained_cells_reach_back_and_the_text_says_so():
    assert "does not tell the two apart" in SOURCE
    assert 'reach["SimpleRNN", "end"] > 0.1' in SOURCE


def test_the_simple_rnn_gets_a_wider_search():
    assert "units=26" in SOURCE and "0.1)}" in SOURCE


@pytest.mark.parametrize("answer", ["max", "the most likely character", "Most likely character", "deterministic"])
def test_temperature_zero_reads_the_greedy_answer_however_it_is_written(answer):
    assert check("15.temperature_zero", answer) is True


@pytest.mark.parametrize("answer,says", [(0.8 ** 19, "19 factors"), (0.8 ** 21, "21 factors")])
def test_vanishing_factor_names_an_off_by_one(answer, says, capsys):
    assert check("15.vanishing_factor", answer) is False
    assert says in capsys.readouterr().out


def _forward_float32(x, W, U, b):
    x, W, U, b = (np.asarray(a, np.float32) for a in (x, W, U, b))
    h, out = np.zeros((x.shape[0], U.shape[0]), np.float32), []
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ W + h @ U + b)
        out.append(h)
    return np.stack(out, axis=1)


def test_rnn_forward_in_float32_is_rejected_and_named(capsys):
    assert check("15.rnn_forward", _forward_float32) is False
    out = capsys.readouterr().out
    assert "float32" in out and "np.tanh" not in out


def _sigmoid(z):
    return 0.5 * (1 + np.tanh(z / 2))


def _lstm(x_t, h_prev, c_prev, W, U, b):
    i, f, g, o = np.split(x_t @ W + h_prev @ U + b, 4, axis=1)
    c = _sigmoid(f) * c_prev + _sigmoid(i) * np.tanh(g)
    return _sigmoid(o) * np.tanh(c), c


def test_lstm_step_returning_c_h_is_named(capsys):
    def lstm_step(x_t, h_prev, c_prev, W, U, b):
        h, c = _lstm(x_t, h_prev, c_prev, W, U, b)
        return c, h

    assert check("15.lstm_step", lstm_step) is False
    assert "swapped" in capsys.readouterr().out


def test_lstm_step_written_with_tanh_sigmoid_passes():
    def lstm_step(x_t, h_prev, c_prev, W, U, b):
        return _lstm(x_t, h_prev, c_prev, W, U, b)

    assert check("15.lstm_step", lstm_step) is True


def test_the_lstm_hint_has_no_typo():
    from dlteach.exercises import CODE_EXERCISES

    assert "4 units columns" not in CODE_EXERCISES["15.lstm_step"].ladder.idea
