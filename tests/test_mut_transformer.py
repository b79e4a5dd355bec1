"""The transformer without TensorFlow: SequenceDense against TimeDistributed(Dense) and a loop over the
positions, the block against its formula written out, every gradient of the block and of the model (loss over
every position) against central differences, the causal model's prediction at t unchanged by later ids, a
model without positions and without the causal mask permutation-equivariant (and one with positions not),
the loss against a loop, the refusals by name, and fit (mutation testing; Keras twins: tests/test_transformer.py)."""
import numpy as np
import pytest

from dlteach.core import (Dense, LayerNormalization, SequenceDense, SinePositionEncoding, TimeDistributed,
                          Transformer, TransformerBlock, fit, sine_position_encoding)
from dlteach.core.transformer import SparseCrossEntropy
from test_mutants import central_difference


def text(make, error=ValueError):
    with pytest.raises(error) as err:
        make()
    return str(err.value)


def randomised(obj, seed):
    rng = np.random.default_rng(seed)
    for _, value, _ in obj.params():
        value[...] = rng.normal(scale=0.5, size=value.shape)
    return obj


def test_sequence_dense_is_dense_at_every_position():
    rng = np.random.default_rng(0)
    sd = SequenceDense(3, 4, "tanh", seed=1)
    sd.b[...] = rng.normal(size=4)
    td = TimeDistributed(Dense(3, 4, "tanh", seed=1))
    td.layer.b[...] = sd.b
    x, G = rng.normal(size=(2, 5, 3)), rng.normal(size=(2, 5, 4))
    y = sd.forward(x)
    for k in range(2):
        for t in range(5):
            np.testing.assert_allclose(y[k, t], np.tanh(x[k, t] @ sd.W + sd.b), rtol=0, atol=1e-14)
    np.testing.assert_allclose(y, td.forward(x), rtol=0, atol=1e-14)
    np.testing.assert_allclose(sd.backward(G), td.backward(G), rtol=0, atol=1e-14)
    np.testing.assert_allclose(sd.dW, td.layer.dW, rtol=0, atol=1e-13)
    np.testing.assert_allclose(sd.db, td.layer.db, rtol=0, atol=1e-13)
    assert "(..., 3)" in text(lambda: sd.forward(np.zeros((2, 5, 4))))


def layer_norm(x, gamma, beta, eps):
    mu = x.mean(-1, keepdims=True)
    return gamma * (x - mu) / np.sqrt(x.var(-1, keepdims=True) + eps) + beta


def test_block_is_pre_norm_attention_then_mlp_each_with_its_residual():
    block = randomised(TransformerBlock(6, 2, mlp_units=5, seed=0), 1)
    x = np.random.default_rng(2).normal(size=(2, 4, 6))
    y = block.forward(x)
    h = x + block.attention.forward(layer_norm(x, block.norm1.gamma, block.norm1.beta, 1e-3)[:, :, :])
    u = layer_norm(h, block.norm2.gamma, block.norm2.beta, 1e-3)
    expected = h + np.maximum(u @ block.dense1.W + block.dense1.b, 0) @ block.dense2.W + block.dense2.b
    np.testing.assert_allclose(y, expected, rtol=0, atol=1e-13)
    assert block.attention.use_causal_mask and block.attention.key_dim == 3 and block.mlp_units == 5
    assert TransformerBlock(8, 2).mlp_units == 32  # 4 d_model by default


@pytest.mark.parametrize("causal", [True, False])
def test_block_gradients_equal_central_differences(causal):
    block = randomised(TransformerBlock(4, 2, mlp_units=3, use_causal_mask=causal, activation="tanh", seed=0), 3)
    rng = np.random.default_rng(4)
    x, G = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 3, 4))
    block.forward(x)
    dx = block.backward(G)
    grads = [g.copy() for _, _, g in block.params()]
    loss = lambda: float(np.sum(block.forward(x) * G))  # noqa: E731
    np.testing.assert_allclose(dx, central_difference(loss, x), rtol=0, atol=1e-7)
    for (name, value, _), grad in zip(block.params(), grads, strict=True):
        np.testing.assert_allclose(grad, central_difference(loss, value), rtol=0, atol=1e-7, err_msg=name)
    assert len(grads) == 16 and block.params()[0][0] == "transformer_block/attention_block/norm1/gamma"


@pytest.mark.parametrize("positions", ["learned", "sine", "none"])
def test_model_gradients_equal_central_differences(positions):
    model = randomised(Transformer(5, 4, d_model=4, num_heads=2, mlp_units=3, num_layers=2, positions=positions,
                                   seed=0), 5)
    rng = np.random.default_rng(6)
    X, y = rng.integers(0, 5, (3, 4)), rng.integers(0, 5, (3, 4))
    loss0, grads = model.loss_and_grads(X, y)
    grads = [g.copy() for g in grads]
    f = lambda: model.evaluate(X, y)  # noqa: E731
    assert loss0 == pytest.approx(f(), abs=1e-14)
    for (name, value, _), grad in zip(model.params(), grads, strict=True):
        np.testing.assert_allclose(np.asarray(grad), central_difference(f, value), rtol=0, atol=1e-7, err_msg=name)


def test_loss_is_the_mean_cross_entropy_over_every_position():
    rng = np.random.default_rng(7)
    z, y = rng.normal(size=(3, 4, 5)), rng.integers(0, 5, (3, 4))
    loss, grad = SparseCrossEntropy().compute(y, z)
    terms = [np.log(np.exp(z[k, t]).sum()) - z[k, t, y[k, t]] for k in range(3) for t in range(4)]
    assert loss == pytest.approx(np.mean(terms), abs=1e-14)
    p = np.exp(z) / np.exp(z).sum(-1, keepdims=True)
    np.testing.assert_allclose(grad, (p - np.eye(5)[y]) / 12, rtol=0, atol=1e-15)
    big, _ = SparseCrossEntropy().compute(np.array([[0]]), np.array([[[1000.0, 0.0]]]))
    assert big == 0.0  # stable: no overflow at large logits


def test_causal_prediction_at_t_does_not_depend_on_later_ids():
    model = randomised(Transformer(6, 5, d_model=4, num_heads=2, num_layers=2, seed=1), 2)
    X = np.random.default_rng(3).integers(0, 6, (4, 5))
    z = model.forward(X)
    for t in range(5):
        X2 = X.copy()
        X2[:, t + 1:] = (X2[:, t + 1:] + 1) % 6
        z2 = model.forward(X2)
        np.testing.assert_allclose(z2[:, :t + 1], z[:, :t + 1], rtol=0, atol=1e-13)
        if t < 4:
            assert np.abs(z2[:, t + 1:] - z[:, t + 1:]).max() > 1e-3
    maps = model.attention_maps()
    assert len(maps) == 2 and maps[0].shape == (4, 2, 5, 5) and not np.triu(maps[0], 1).any()


def test_without_positions_a_bidirectional_model_sees_a_set():
    perm = np.array([3, 0, 4, 1, 2])
    X = np.random.default_rng(8).integers(0, 6, (3, 5))
    for positions in ("none", "learned", "sine"):
        model = randomised(Transformer(6, 5, d_model=4, num_heads=2, positions=positions,
                                       use_causal_mask=False, seed=2), 9)
        z, zp = model.forward(X), model.forward(X[:, perm])
        gap = np.abs(zp - z[:, perm]).max()
        assert (gap < 1e-13) if positions == "none" else (gap > 1e-3), positions


def test_sine_layer_adds_the_code_and_passes_the_gradient():
    layer = SinePositionEncoding(6, 4)
    x = np.random.default_rng(0).normal(size=(2, 3, 4))
    np.testing.assert_array_equal(layer.forward(x), x + sine_position_encoding(6, 4)[:3])
    g = np.ones((2, 3, 4))
    assert layer.backward(g) is g and layer.params() == []
    assert "1 <= T <= 6" in text(lambda: layer.forward(np.zeros((1, 7, 4))))


def test_refusals_name_the_parameter():
    assert "num_heads" in text(lambda: TransformerBlock(6, 4)) and "[1, 2, 3, 6]" in text(lambda: TransformerBlock(6, 4))
    assert TransformerBlock(6, 4, key_dim=2).attention.key_dim == 2
    assert "positions" in text(lambda: Transformer(5, 4, positions="rope"))
    assert "vocab_size" in text(lambda: Transformer(0, 4))
    assert "sequence_length" in text(lambda: Transformer(5, 0))
    assert "epsilon" in text(lambda: Transformer(5, 4, epsilon=0))
    model = Transformer(5, 4, d_model=4, num_heads=2, seed=0)
    assert "sequence_length" in text(lambda: model.forward(np.zeros((2, 5), int)))
    assert "[0, 5)" in text(lambda: model.forward(np.array([[0, 5]])))
    assert "whole numbers" in text(lambda: model.forward(np.array([[0.5, 1]])))
    assert "one target per position" in text(lambda: model.loss_and_grads(np.zeros((2, 3), int), np.zeros(2, int)))
    assert "predicts" in text(lambda: model.loss_and_grads(np.zeros((2, 3), int), np.zeros((2, 4), int)))
    assert "(n, T, 4)" in text(lambda: model.blocks[0].forward(np.zeros((2, 3))))


def test_fit_learns_to_copy_and_keeps_the_keras_weight_order():
    rng = np.random.default_rng(0)
    X = rng.integers(0, 5, (64, 4))
    model = Transformer(5, 4, d_model=8, num_heads=2, seed=0)
    names = [n for n, _ in model.weights()]
    assert names[:2] == ["embedding/E", "position_embedding/P"] and names[-2:] == ["logits/W", "logits/b"]
    assert model.count_params() == sum(w.size for w in model.get_weights())
    history = fit(model, X, X, "adam", epochs=30, batch_size=16, verbose=0, learning_rate=0.02)
    assert history["loss"][-1] < 0.2 * history["loss"][0]
    assert np.mean(model.forward(X).argmax(-1) == X) > 0.95
    assert isinstance(model.final_norm, LayerNormalization) and "Transformer(vocab_size=5" in repr(model)
