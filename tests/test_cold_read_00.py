"""Lesson 00, read cold: the answers its checkers got wrong, pinned (each wrong one is now rejected with a
message that says what is wrong; each right one is accepted), and the lesson's fixes kept in place."""
import re
from pathlib import Path

import numpy as np
import pytest

from dlteach.exercises import check

ROOT = Path(__file__).resolve().parents[1]
SOURCE = (ROOT / "lessons" / "00_workflow.md").read_text(encoding="utf-8")


def _first_rows_only(X_train, X):
    """The statistics of only the first 100 training rows (was accepted: every case had <= 100 rows)."""
    return (X - X_train[:100].mean(axis=0)) / X_train[:100].std(axis=0)


def _all_but_last(X_train, X):
    return (X - X_train[:-1].mean(axis=0)) / X_train[:-1].std(axis=0)


@pytest.mark.parametrize("wrong", [_first_rows_only, _all_but_last])
def test_statistics_of_only_some_training_rows_are_rejected(wrong, capsys):
    assert check("00.standardize", wrong) is False
    out = capsys.readouterr().out
    assert "Not yet" in out and ("250 training rows" in out or "not right" in out)


@pytest.mark.parametrize("eps", [1e-8, 1e-5, 1e-3])
@pytest.mark.parametrize("form", ["plus", "inside_sqrt"])
def test_an_epsilon_added_to_the_std_is_named(eps, form, capsys):
    def standardize(X_train, X):
        sd = X_train.std(axis=0)
        sd = sd + eps if form == "plus" else np.sqrt(sd**2 + eps)
        return (X - X_train.mean(axis=0)) / sd

    assert check("00.standardize", standardize) is False
    out = capsys.readouterr().out
    assert "small constant added" in out and "plain np.std" in out
    assert "X_train.mean" not in out  # says what is wrong, not the code


@pytest.mark.parametrize("right", [
    lambda X_train, X: (X - X_train.mean(axis=0)) / X_train.std(axis=0),
    lambda X_train, X: (X - np.mean(X_train, 0, keepdims=True)) / np.sqrt(np.var(X_train, 0, keepdims=True)),
    lambda X_train, X: np.column_stack([(X[:, j] - X_train[:, j].mean()) / X_train[:, j].std()
                                        for j in range(X.shape[1])]),
])
def test_right_answers_written_differently_pass(right, capsys):
    def standardize(X_train, X):
        return right(X_train, X)

    assert check("00.standardize", standardize) is True


@pytest.mark.parametrize("answer", ["the validation set", "validation data", "Validation Set", " val "])
def test_choose_with_reads_the_validation_set_however_it_is_written(answer):
    assert check("00.choose_with", answer) is True


@pytest.mark.parametrize("answer,says", [("training", "fitted to the training set"),
                                         ("the training set", "fitted to the training set"),
                                         ("test set", "honest estimate")])
def test_choose_with_reads_the_wrong_sets_and_says_why(answer, says, capsys):
    assert check("00.choose_with", answer) is False
    out = capsys.readouterr().out
    assert says in out and "Answer with one of" not in out


def test_the_kfold_cell_scales_each_fold_with_its_own_training_part():
    """The lesson's first pitfall (scale after splitting) holds in its own k-fold cell."""
    cell = SOURCE[SOURCE.index("fold_scores = []"):]
    cell = cell[:cell.index("```")]
    assert "Standardizer().fit(X_choose[train_idx])" in cell
    assert "X_choose, y_choose = X_rest, y_rest" in SOURCE  # the unscaled 480 points


def test_the_summary_lists_the_five_steps_the_first_hint_points_to():
    summary = SOURCE[SOURCE.index("## Summary"):SOURCE.index("## Exercises")]
    assert re.search(r"preprocess, design, train, validate, test", summary)


def test_visualise_is_not_numbered_as_a_sixth_step():
    assert "## 6." not in SOURCE
