import copy

import numpy as np
import pytest

import dlteach as dt
from dlteach.core import Dense, Sequential
from dlteach.core.compress import Temperature, prune, quantize, soft_targets, weight_bytes


def test_prune_zeroes_the_smallest_fraction():
    model = dt.MLP([20, 30, 10], seed=0)
    prune(model, 0.7)
    W = np.concatenate([l.W.ravel() for l in model.dense_layers])
    assert np.mean(W == 0) == pytest.approx(0.7, abs=0.01)
    kept = np.abs(W[W != 0]).min()
    original = np.concatenate([l.W.ravel() for l in dt.MLP([20, 30, 10], seed=0).dense_layers])
    assert np.all(np.abs(original[W == 0]) <= kept)  # everything removed was smaller than what stayed
    with pytest.raises(ValueError, match=r"sparsity must be in \[0, 1\)"):
        prune(model, 1.0)


@pytest.mark.parametrize("bits", [2, 3, 4, 8])
def test_quantize_uses_the_stated_levels(bits):
    model = dt.MLP([20, 30, 10], seed=0)
    before = copy.deepcopy(model)
    quantize(model, bits)  # e.g. 3 bits: integers -3..3 times a scale max|W| / 3
    levels = 2 ** (bits - 1) - 1
    for W, W0 in zip((l.W for l in model.dense_layers), (l.W for l in before.dense_layers)):
        scale = np.abs(W0).max() / levels
        q = W / scale
        assert np.allclose(q, np.round(q), rtol=0, atol=1e-9)  # every weight IS an integer times the scale
        q = np.round(q).astype(int)
        # the largest |weight| lands on the outermost level, and no level beyond it is used
        assert np.abs(q).max() == levels and len(np.unique(q)) <= 2 * levels + 1
        assert np.array_equal(W, np.round(W0 / scale) * scale)  # each weight goes to its nearest level
        assert np.abs(W - W0).max() <= scale / 2 + 1e-12
        if bits <= 4:
            assert len(np.unique(q)) >= levels + 1  # many levels are used, not a coarser grid
    with pytest.raises(ValueError, match="bits must be an integer from 2 to 32, got 1"):
        quantize(model, 1)
    with pytest.raises(TypeError, match="bits must be an integer, got 8.0"):
        quantize(model, 8.0)


def test_weight_bytes():
    model = dt.MLP([10, 5, 2], seed=0)
    assert weight_bytes(model, 32) == (50 + 10) * 4 + 4 * 7 + 4 * 2
    assert weight_bytes(model, 8) == (50 + 10) + 4 * 7 + 4 * 2


def test_temperature_layer_and_soft_targets():
    t = Temperature(4.0)
    x = np.arange(6.0).reshape(2, 3)
    g = np.ones((2, 3))
    assert np.allclose(t.forward(x), x / 4) and np.allclose(t.backward(g), g / 4)
    student = Sequential([Dense(3, 4, "tanh", seed=0), Dense(4, 3, "linear", seed=1), Temperature(3.0)],
                         loss="categorical_crossentropy_from_logits")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(6, 3))
    teacher = dt.MLP([3, 5, 3], "relu", "softmax", "categorical_crossentropy", seed=0)
    soft = soft_targets(teacher, X, 3.0)
    assert np.allclose(soft.sum(axis=1), 1) and soft.max() < teacher.predict(X).max()  # softer
    assert max(dt.check_model(student, X, soft).values()) < 1e-7
    with pytest.raises(ValueError, match="temperature must be > 0"):
        Temperature(0)


def test_frozen_layers_do_not_train():
    model = dt.MLP([4, 6, 2], "relu", "softmax", "categorical_crossentropy", seed=0)
    model.layers[0].trainable = False
    W0, W1 = model.layers[0].W.copy(), model.layers[1].W.copy()
    rng = np.random.default_rng(0)
    dt.fit(model, rng.normal(size=(30, 4)), np.eye(2)[rng.integers(0, 2, 30)], "adam", epochs=3, verbose=0)
    assert np.array_equal(model.layers[0].W, W0) and not np.array_equal(model.layers[1].W, W1)
