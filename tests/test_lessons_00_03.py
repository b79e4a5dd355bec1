"""Lessons 00-03: what their text and exercises promise, checked outside the notebooks too (the lessons
check their claims with dt.expect as they run; these tests keep the explorers, the exercises and the
lessons' wording consistent with each other)."""
import json
import re
from pathlib import Path

import numpy as np
import pytest

import dlteach as dt
from dlteach.exercises import check
from dlteach.widgets import ActivationExplorer, LossExplorer, NeuronExplorer

ROOT = Path(__file__).resolve().parents[1]
LESSONS = {p.stem[:2]: p for p in (ROOT / "notebooks").glob("0[0-3]_*.ipynb")}


def cells(stem, kind=None):
    nb = json.loads(LESSONS[stem].read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if kind is None or c["cell_type"] == kind]


# ---------------------------------------------------------------- lesson 00

def test_00_the_ordering_exercise_is_shuffled_and_its_answer_matches_the_table():
    table = next(src for src in cells("00", "markdown") if "Put them in order" in src)
    rows = dict(re.findall(r"^\| ([A-E]) \| (.+?) \|$", table, re.M))
    assert sorted(rows) == list("ABCDE")
    keywords = ["split", "layers", "gradient descent", "settings", "once"]  # the workflow's order
    order = "".join(next(k for k, text in rows.items() if word in text) for word in keywords)
    assert order != "ABCDE"  # the list is not already in order
    assert check("00.workflow_order", order) is True


# ---------------------------------------------------------------- lesson 01

def test_01_text_no_longer_points_at_an_xor_solution_in_lesson_07():
    text = "\n".join(cells("01"))
    assert "lesson 07 shows a two-layer network solving XOR" not in text
    assert "(1, 1, -1.5)" in text and "different" in text  # exercise 1 asks for another line


def test_01_the_try_this_settings_and_the_xor_bound():
    assert NeuronExplorer(w1=1.0, w2=1.0, b=-0.5, gate="OR").correct == 4
    assert NeuronExplorer(w1=-1.0, w2=-1.0, b=1.5, gate="NAND").correct == 4
    # no line gets all four XOR points: a finer grid than the lesson's, same result
    grid = np.linspace(-5, 5, 81)
    X, y = dt.logic_data("XOR")
    W1, W2, B = np.meshgrid(grid, grid, grid, indexing="ij")
    z = W1[..., None] * X[:, 0] + W2[..., None] * X[:, 1] + B[..., None]
    assert ((z > 0) == (y == 1)).sum(axis=-1).max() == 3


def test_01_exercise_accepts_what_the_text_suggests():
    assert check("01.and_neuron", (1.0, 1.0, -1.2)) is True   # moved
    assert check("01.and_neuron", (1.0, 2.0, -2.5)) is True   # tilted
    assert check("01.and_neuron", (2.0, 2.0, -3.0)) is False  # the text's example of the same line


# ---------------------------------------------------------------- lesson 02

def test_02_figure_titles_are_readable():
    code = "\n".join(cells("02", "code"))
    assert not re.search(r"fontsize\(?\s*=?\s*[0-9]\b", code.replace("fontsize=10", "").replace("fontsize=12", ""))
    for name in ("sigmoid", "elu", "gelu"):
        fig = ActivationExplorer(activation=name).draw()
        for ax in fig.axes:
            assert ax.title.get_fontsize() >= 10
            assert all(t.get_fontsize() >= 10 for t in ax.get_legend().get_texts())


def test_02_keras_activations_are_taught():
    text = "\n".join(cells("02"))
    for name in ("elu", "selu", "gelu", "Dead ReLU"):
        assert name in text


# ---------------------------------------------------------------- lesson 03

def test_03_explorer_panels_share_their_axes_and_name_the_slope():
    for axis, slope in (("probability a", "dL/da"), ("logit z", "dL/dz")):
        fig = LossExplorer(axis=axis).draw()
        left, right = fig.axes[:2]
        assert left.get_xlim() == right.get_xlim() and left.get_ylim() == right.get_ylim()
        assert all(slope in ax.get_legend().get_texts()[1].get_text() for ax in (left, right))
        assert all(t.get_fontsize() >= 10 for ax in (left, right) for t in ax.get_legend().get_texts())


@pytest.mark.parametrize("a", np.linspace(0.001, 0.999, 23))
def test_03_every_prediction_on_the_slider_is_accepted(a):
    for axis in ("probability a", "logit z"):
        ex = LossExplorer(prediction=float(a), axis=axis)
        assert np.all(np.isfinite(list(ex.values.values()) + list(ex.slopes.values())))


def test_03_slowdown_gradients_are_the_derived_ones():
    """dL/dz = (a - y) for BCE and 2 (a - y) a (1 - a) for MSE, at every slider position."""
    for a in (0.02, 0.3, 0.9, 0.999):
        ex = LossExplorer(target=0.0, prediction=a, axis="logit z")
        assert ex.slopes["bce"] == pytest.approx(a, rel=1e-9)
        assert ex.slopes["mse"] == pytest.approx(2 * a * a * (1 - a), rel=1e-9)


def test_03_double_softmax_floor():
    k = 10
    perfect = np.eye(k)[[0]]
    L, _ = dt.categorical_crossentropy(perfect, perfect, from_logits=True)
    assert L == pytest.approx(np.log(1 + (k - 1) / np.e), rel=1e-12)
