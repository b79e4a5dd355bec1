"""Metrics, the perceptron and the descent helper: bad input named, never truncated or NaN."""
import numpy as np
import pytest

from dlteach.core import SGD, confusion_matrix, descend, logic_data, perceptron_train, precision_recall


def test_confusion_matrix_refuses_what_it_would_silently_truncate():
    assert np.array_equal(confusion_matrix([0, 1, 1], [0, 1, 0], k=3), [[1, 0, 0], [1, 1, 0], [0, 0, 0]])
    with pytest.raises(ValueError, match=r"y_true must hold class labels 0, 1, 2, ... \(integers >= 0\), got 1.7"):
        confusion_matrix([0, 1.7], [0, 1])
    with pytest.raises(ValueError, match="y_pred must hold class labels.*got -1.0"):
        confusion_matrix([0, 1], [0, -1])
    with pytest.raises(ValueError, match="k must be an integer >= 3, got 2"):
        confusion_matrix([0, 2], [0, 1], k=2)
    with pytest.raises(ValueError, match="at least one sample"):
        confusion_matrix([], [])
    with pytest.raises(ValueError, match="y_true contains 1 NaN"):
        confusion_matrix([0, np.nan], [0, 1])
    with pytest.raises(ValueError, match=r"cm must be a square matrix of counts >= 0, got shape \(2, 3\)"):
        precision_recall(np.ones((2, 3)))


def test_perceptron_and_logic_settings():
    X, y = logic_data("and")  # any case
    w, b, errors = perceptron_train(X, y, eta=0.1, epochs=50)
    assert errors[-1] == 0 and np.array_equal((X @ w + b > 0).astype(float), y)
    with pytest.raises(ValueError, match="epochs must be an integer >= 1, got 0"):
        perceptron_train(X, y, epochs=0)
    with pytest.raises(TypeError, match="epochs must be an integer, got 2.5"):
        perceptron_train(X, y, epochs=2.5)
    with pytest.raises(ValueError, match=r"w must have one weight per feature, shape \(2,\), got \(3,\)"):
        perceptron_train(X, y, w=[0.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="b must be a finite number, got inf"):
        perceptron_train(X, y, b=float("inf"))
    with pytest.raises(ValueError, match="X has 4 samples but y has 3"):
        perceptron_train(X, y[:3])
    with pytest.raises(ValueError, match="Unknown logic gate 'XNOR'"):
        logic_data("xnor")


def test_descend_settings():
    path = descend(lambda w, t: w, SGD(0.5), [1.0, 2.0], 3)
    assert np.allclose(path, [[1, 2], [0.5, 1], [0.25, 0.5], [0.125, 0.25]], rtol=0, atol=0)
    with pytest.raises(ValueError, match="steps must be an integer >= 0, got -1"):
        descend(lambda w, t: w, SGD(0.5), [1.0, 2.0], -1)
    with pytest.raises(ValueError, match="start contains 1 NaN"):
        descend(lambda w, t: w, SGD(0.5), [np.nan, 2.0], 3)


def test_linear_regression_surface_settings():
    from dlteach.core import LinearRegression
    a, b = LinearRegression(50, 0.3, seed=4), LinearRegression(50, 0.3, seed=np.random.default_rng(4))
    assert np.array_equal(a.x, b.x) and a.minimum == b.minimum
    with pytest.raises(ValueError, match="n must be an integer >= 2, got 1"):
        LinearRegression(n=1)
    with pytest.raises(ValueError, match="noise must be >= 0, got -0.5"):
        LinearRegression(noise=-0.5)
    with pytest.raises(ValueError, match="seed must be None, an integer >= 0"):
        LinearRegression(seed=-1)
