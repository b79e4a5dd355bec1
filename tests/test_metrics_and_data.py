import numpy as np
import pytest
from sklearn import metrics as skm

from dlteach import data
from dlteach.core import confusion_matrix, precision_recall


def test_metrics_equal_scikit_learn():
    rng = np.random.default_rng(0)
    t = rng.integers(0, 5, 300)
    p = np.where(rng.random(300) < 0.7, t, rng.integers(0, 5, 300))
    cm = confusion_matrix(t, p)
    assert np.array_equal(cm, skm.confusion_matrix(t, p))
    precision, recall = precision_recall(cm)
    assert np.allclose(precision, skm.precision_score(t, p, average=None))
    assert np.allclose(recall, skm.recall_score(t, p, average=None))
    assert np.array_equal(confusion_matrix(np.eye(5)[t], np.eye(5)[p]), cm)  # one-hot rows work too


def test_metrics_errors():
    with pytest.raises(ValueError, match="y_true has 3 samples but y_pred has 2"):
        confusion_matrix([0, 1, 1], [0, 1])


@pytest.mark.parametrize("name", data.DATASETS)
def test_datasets_are_reproducible_and_in_range(name):
    X, y = data.make_dataset(name, n=300, noise=0.2, seed=3)
    X2, y2 = data.make_dataset(name, n=300, noise=0.2, seed=3)
    assert X.shape == (300, 2) and np.array_equal(X, X2) and np.array_equal(y, y2)
    assert np.abs(X).max() < 9
    if name in data.CLASSIFICATION:
        counts = np.bincount(y.astype(int))
        assert counts.min() >= 0.6 * 300 / len(counts)  # no class nearly missing
    assert not np.array_equal(X, data.make_dataset(name, n=300, noise=0.2, seed=4)[0])


def test_split_scale_one_hot_features():
    X, y = data.make_dataset("gauss", n=100)
    Xtr, Xte, ytr, yte = data.train_test_split(X, y, test_size=0.3, seed=0)
    assert len(Xtr) == 70 and len(Xte) == 30
    s = data.Standardizer().fit(Xtr)
    assert np.allclose(s.transform(Xtr).mean(0), 0) and np.allclose(s.transform(Xtr).std(0), 1)
    assert np.array_equal(data.one_hot([2, 0]), [[0, 0, 1], [1, 0, 0]])
    F = data.features(X[:3], ["x1", "x1*x2", "sin x2"])
    assert np.allclose(F, np.c_[X[:3, 0], X[:3, 0] * X[:3, 1], np.sin(X[:3, 1])])
    with pytest.raises(ValueError, match="Unknown feature 'x3'"):
        data.features(X, ["x3"])
    with pytest.raises(ValueError, match=r"noise must be in \[0, 0.5\]"):
        data.make_dataset("xor", noise=0.9)
    with pytest.raises(ValueError, match="test_size must be > 0"):
        data.train_test_split(X, y, test_size=0)
    with pytest.raises(ValueError, match="non-negative integer class labels"):
        data.one_hot([0.5, 1])


def test_digits_offline_and_mnist_fallback(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    X_train, X_test, y_train, y_test, name = data.load_mnist()
    assert name == "digits" and X_train.shape == (1437, 64) and X_test.shape == (360, 64)
    assert "MNIST not available offline; using scikit-learn's 8x8 digits" in capsys.readouterr().out
    assert 0 <= X_train.min() and X_train.max() <= 1
    # a cached mnist.npz (Keras's file and keys) is used when present
    (tmp_path / "datasets").mkdir()
    rng = np.random.default_rng(0)
    np.savez(tmp_path / "datasets" / "mnist.npz", x_train=rng.integers(0, 256, (20, 28, 28), dtype=np.uint8),
             y_train=rng.integers(0, 10, 20), x_test=rng.integers(0, 256, (5, 28, 28), dtype=np.uint8),
             y_test=rng.integers(0, 10, 5))
    X_train, X_test, y_train, y_test, name = data.load_mnist()
    assert name == "mnist" and X_train.shape == (20, 784) and X_test.shape == (5, 784) and X_train.max() <= 1
    assert "Using MNIST from mnist.npz" in capsys.readouterr().out
