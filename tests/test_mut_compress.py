"""Pruning, storage size, the temperature layer and soft targets against numbers worked out by
hand (mutation testing, docs/MUTATION.md; quantize is pinned down in tests/test_compress.py)."""
import numpy as np
import pytest

from dlteach.core import MLP
from dlteach.core.compress import Temperature, dense_weights, prune, soft_targets, weight_bytes


def model_with_weights():
    """A 3-4-2 MLP whose 20 weights have the magnitudes 1..20 (signs alternate), biases 0.5."""
    model = MLP([3, 4, 2], seed=0)
    values = np.arange(1.0, 21.0) * np.where(np.arange(20) % 2, -1.0, 1.0)
    model.layers[0].W[...] = values[:12].reshape(3, 4)
    model.layers[1].W[...] = values[12:].reshape(4, 2)
    for layer in model.layers:
        layer.b[...] = 0.5
    return model


def test_prune_zeroes_the_smallest_magnitudes_over_all_layers():
    model = model_with_weights()
    # np.quantile's linear rule on 1..20 at 0.25: 1 + 0.25 * 19 = 5.75, so |w| 1..5 go
    assert prune(model, 0.25) is model
    magnitudes = np.abs(np.concatenate([W.ravel() for W in dense_weights(model)]))
    assert magnitudes.tolist() == [0.0] * 5 + list(range(6, 21))
    assert all(np.all(layer.b == 0.5) for layer in model.layers)  # biases are not pruned
    model = model_with_weights()
    prune(model, 0.7)  # 1 + 0.7 * 19 = 14.3: the first layer loses all 12, the second 2 of 8
    assert not model.layers[0].W.any() and np.count_nonzero(model.layers[1].W) == 6
    model = model_with_weights()
    prune(model, 0.0)
    assert np.count_nonzero(model.layers[0].W) == 12 and np.count_nonzero(model.layers[1].W) == 8
    model = model_with_weights()
    prune(model, 0.05)  # 1 + 0.05 * 19 = 1.95: only |w| = 1
    assert np.count_nonzero(model.layers[0].W) == 11
    with pytest.raises(ValueError, match=r"sparsity must be in \[0, 1\), got 1.0"):
        prune(model, 1.0)


def test_prune_ties_at_the_threshold_are_pruned():
    model = model_with_weights()
    model.layers[0].W[0, :2] = 3.0  # magnitudes 3, 3, 3, 4, 5, ...
    prune(model, 2 / 19)  # the quantile is the 3rd smallest, 3: all three 3s go (<=), not none (<)
    assert np.count_nonzero(np.concatenate([W.ravel() for W in dense_weights(model)])) == 20 - 3


def test_weight_bytes_by_hand():
    model = model_with_weights()
    assert weight_bytes(model) == 20 * 4 + 4 * 6 + 4 * 2
    prune(model, 0.25)
    assert weight_bytes(model, bits=8) == 15 * 1 + 4 * 6 + 4 * 2
    assert weight_bytes(model, bits=3) == 15 * 3 / 8 + 24 + 8


def test_temperature_layer():
    t = Temperature(2.5)
    x = np.array([[1.0, -5.0]])
    assert np.array_equal(t.forward(x), x / 2.5) and np.array_equal(t.backward(x), x / 2.5)
    assert t.T == 2.5 and t.name == "temperature" and not t.trainable and t.params() == []
    assert repr(t) == "Temperature(2.5)" and Temperature(4, name="T").name == "T"
    with pytest.raises(ValueError) as err:
        Temperature(0)
    assert str(err.value) == "temperature must be > 0, got 0.0."


def test_soft_targets_are_the_softened_teacher_probabilities():
    teacher = MLP([2, 3], output_activation="softmax", loss="categorical_crossentropy", seed=1)
    X = np.array([[1.0, -2.0], [0.5, 0.5]])
    z = X @ teacher.layers[0].W + teacher.layers[0].b
    for T in (1.0, 4.0):
        e = np.exp(z / T)
        assert np.allclose(soft_targets(teacher, X, T), e / e.sum(axis=1, keepdims=True), rtol=1e-14)
    hot, soft = soft_targets(teacher, X, 1.0), soft_targets(teacher, X, 10.0)
    assert soft.max() < hot.max()
    with pytest.raises(ValueError, match="temperature must be > 0"):
        soft_targets(teacher, X, -1.0)


def test_layer_storage_bits_picks_the_smaller_layout():
    from dlteach.core.compress import layer_storage_bits
    W = np.zeros((4, 5))
    W[0, :3] = 1.0
    assert layer_storage_bits(W, 8) == (20 + 3 * 8, "bitmask")
    assert layer_storage_bits(np.ones((4, 5)), 1) == (20, "dense")
    tie = np.array([[1.0, 0.0], [0.0, 2.0]])  # dense 4 * 2 = 8 = bitmask 4 + 2 * 2: dense wins ties
    assert layer_storage_bits(tie, 2) == (8, "dense")
    assert layer_storage_bits(np.ones(3), 64) == (192, "dense")
    for bad in (0, 65):
        with pytest.raises(ValueError) as err:
            layer_storage_bits(W, bad)
        assert str(err.value) == f"bits must be an integer from 1 to 64, got {bad}."


def test_storage_bytes_by_hand():
    from dlteach.core.compress import storage_bytes
    model = model_with_weights()  # 12 + 8 weights, all non-zero; 4 + 2 biases
    assert storage_bytes(model) == (12 * 32 + 8 * 32) / 8 + 4 * 6  # float32, no scales
    assert storage_bytes(model, bits=8) == (12 * 8 + 8 * 8) / 8 + 4 * 6 + 4 * 2  # + one scale per layer
    prune(model, 0.7)  # layer 1 all zeros, layer 2 keeps 6 of 8
    assert storage_bytes(model, bits=8) == (min(12 * 8, 12) + min(8 * 8, 8 + 6 * 8)) / 8 + 24 + 8
    assert storage_bytes(model, bits=2) == (12 + 16) / 8 + 24 + 8
    for bad in (1, 33):
        with pytest.raises(ValueError) as err:
            storage_bytes(model, bad)
        assert str(err.value) == f"bits must be an integer from 2 to 32, got {bad}."


def test_quantize_leaves_an_all_zero_layer_at_zero():
    from dlteach.core.compress import quantize
    model = MLP([3, 4, 2], init="zeros", seed=0)
    model.layers[1].W[0, 0] = 1.0
    quantize(model, 4)
    assert np.array_equal(model.layers[0].W, np.zeros((3, 4)))  # scale 0: left alone, not 0 / 0 = NaN
    assert model.layers[1].W[0, 0] == 1.0
