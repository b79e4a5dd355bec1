"""Lesson 01 cold read: the wrong answers the checkers wrongly accepted (now rejected with a useful message),
the right answers they rejected (now accepted), and the Novikoff sentence the lesson now makes."""
import numpy as np
import pytest

from dlteach import perceptron_train
from dlteach.exercises import check, reset_hints


def _verdict(name, answer, capsys):
    reset_hints()
    ok = check(name, answer)
    return ok, capsys.readouterr().out


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


# ---------------------------------------------------------------- 01.and_neuron
@pytest.mark.parametrize("answer, points", [((1, 1, -1), "(0, 1) and (1, 0) lie"),
                                             ((0.3, 0.7, -0.7), "(0, 1) lies"),
                                             ((1, 1, -2), "(1, 1) lies")])
def test_a_line_through_one_of_the_points_is_rejected(answer, points, capsys):
    """The exercise asks for no point exactly on the line; (1, 1, -1) used to pass."""
    ok, out = _verdict("01.and_neuron", answer, capsys)
    assert ok is False
    assert f"Not yet. {points} exactly on the line: z = 0 and a = 0.5, undecided." in out


def test_the_flipped_line_is_named_as_flipped_not_as_the_same_line(capsys):
    ok, out = _verdict("01.and_neuron", (-1, -1, 1.5), capsys)
    assert ok is False
    assert "every sign flipped" in out and "NAND" in out and "tilt it" not in out


@pytest.mark.parametrize("answer", [(2, 1, -2.5), [1, 1, -1.2], np.array([3.0, 3.0, -5.0]), (1, 1, -1.0000001)])
def test_lines_off_the_points_still_pass(answer, capsys):
    ok, out = _verdict("01.and_neuron", answer, capsys)
    assert ok is True, out


@pytest.mark.parametrize("answer", [(1, 1, -1.5), (2, 2, -3), (0.1, 0.1, -0.15)])
def test_the_lessons_line_is_still_refused(answer, capsys):
    ok, out = _verdict("01.and_neuron", answer, capsys)
    assert ok is False and "That is the line the lesson shows" in out


# ---------------------------------------------------------------- 01.neuron_forward
def test_a_transposed_X_that_runs_on_square_batches_is_rejected(capsys):
    """The lesson's pitfall: a stray X.T on a square batch gives wrong sums without any error. The cases had no
    square batch, so an answer that transposes X whenever it fits passed."""
    def transposed_when_it_fits(X, w, b):
        return _sigmoid((X.T if X.shape[0] == X.shape[1] else X) @ w + b)

    ok, out = _verdict("01.neuron_forward", transposed_when_it_fits, capsys)
    assert ok is False
    assert "(a square batch, where X.T @ w runs too)" in out
    assert "Your result equals sigmoid(X.T w + b): on a square batch a transposed X raises no error" in out


def test_w_times_X_transposed_is_right_and_passes(capsys):
    ok, out = _verdict("01.neuron_forward", lambda X, w, b: _sigmoid(w @ X.T + b), capsys)
    assert ok is True, out


# ---------------------------------------------------------------- 01.xor_one_neuron
@pytest.mark.parametrize("answer", ["No.", "n", "no", " NO "])
def test_no_written_with_a_full_stop_or_as_one_letter_passes(answer, capsys):
    ok, out = _verdict("01.xor_one_neuron", answer, capsys)
    assert ok is True, out


@pytest.mark.parametrize("answer", ["yes", "Yes.", True])
def test_yes_still_fails(answer, capsys):
    ok, _ = _verdict("01.xor_one_neuron", answer, capsys)
    assert ok is False


# ---------------------------------------------------------------- the lesson's Novikoff sentence
def test_novikoff_bound_needs_the_margin_with_b_inside_the_length():
    """'The margin is not the distance |w.x + b| / ||w|| of the points from the line: with that, the bound can
    fail.' A separable set where the perceptron from zero makes more updates than (R / distance)^2, and
    where the margin the lesson defines (b inside the length) bounds them."""
    X = np.array([[-1.5, 10.1], [-0.8, 9.1], [-1.0, 9.7], [-0.7, 9.8]])
    y = np.array([1.0, 0.0, 1.0, 1.0])
    w, b = np.array([-0.2, 0.4]), -3.9                  # a separating line
    z = X @ w + b
    assert np.all((z > 0) == (y == 1))
    R2 = (np.c_[X, np.ones(len(X))] ** 2).sum(axis=1).max()
    distance = np.abs(z).min() / np.linalg.norm(w)
    margin = np.abs(z).min() / np.sqrt(w @ w + b * b)
    _, _, errors = perceptron_train(X, y, eta=1.0, epochs=100_000)
    updates = sum(errors)
    assert errors[-1] == 0
    assert updates > 4 * R2 / distance ** 2            # the distance's "bound" fails by a factor over 4
    assert updates <= R2 / margin ** 2                 # Novikoff's bound holds


def test_novikoff_bound_holds_with_the_lessons_margin_on_random_separable_sets():
    rng = np.random.default_rng(0)
    tried = 0
    for _ in range(150):
        X = rng.normal(size=(6, 2)) * rng.uniform(0.1, 5) + rng.normal(size=2) * rng.uniform(0, 20)
        w, b = rng.normal(size=2), rng.normal() * 10
        z = X @ w + b
        y = (z > 0).astype(float)
        if y.min() == y.max():
            continue
        _, _, errors = perceptron_train(X, y, eta=1.0, epochs=2_000)
        if errors[-1] != 0:
            continue
        tried += 1
        R2 = (np.c_[X, np.ones(len(X))] ** 2).sum(axis=1).max()
        assert sum(errors) <= R2 * (w @ w + b * b) / np.abs(z).min() ** 2
    assert tried > 20
