"""Attention without TensorFlow: scaled dot-product attention against a loop over the queries written out
here, its backward pass and MultiHeadAttention's every gradient against central differences, the masks
(causal: an output never depends on a later position; padding: nor on a padded one), the sine position
encoding against the formula of Vaswani et al. written independently, PositionEmbedding, Keras's
defaults and layout, the refusals word for word, and the layers inside Sequential and fit (mutation
testing, docs/MUTATION.md; the Keras twins are in tests/test_attention.py)."""
import numpy as np
import pytest

from dlteach.core import (Dense, Embedding, Flatten, LayerNormalization, MultiHeadAttention, PositionEmbedding,
                          Residual, Sequential, causal_mask, check_model, fit, scaled_dot_product_attention,
                          scaled_dot_product_attention_backward, sine_position_encoding)
from dlteach.core.attention import MASKED_SCORE, attention_scale
from test_mutants import central_difference


def text(make, error=ValueError):
    with pytest.raises(error) as err:
        make()
    return str(err.value)


# --- attention written out, one query at a time ------------------------------------------------------
def attention_loop(q, k, v, allowed=None, c=None):
    """out[t] = sum_s a[t, s] v[s] with a[t] the softmax of c q[t].k[s] over the keys allowed to t only,
    for 2-D q (T, d_k), k (S, d_k), v (S, d_v)."""
    T, S = len(q), len(k)
    c = 1 / np.sqrt(q.shape[1]) if c is None else c
    a = np.zeros((T, S))
    for t in range(T):
        keys = [s for s in range(S) if allowed is None or allowed[t, s]]
        if not keys:
            continue  # nothing to attend to: zero weights, zero output
        scores = np.array([c * q[t] @ k[s] for s in keys])
        w = np.exp(scores - scores.max())
        a[t, keys] = w / w.sum()
    return a @ v, a


def mha_loop(x, mha, allowed=None):
    """MultiHeadAttention written head by head with 2-D matrices: the heads' outputs concatenated and
    multiplied by Wo as one (H * value_dim, d_model) matrix."""
    n, T, d = x.shape
    H, V = mha.num_heads, mha.value_dim
    y = np.zeros((n, T, d))
    for i in range(n):
        heads = []
        for h in range(H):
            q = x[i] @ mha.Wq[:, h] + mha.bq[h]
            k = x[i] @ mha.Wk[:, h] + mha.bk[h]
            v = x[i] @ mha.Wv[:, h] + mha.bv[h]
            heads.append(attention_loop(q, k, v, None if allowed is None else allowed[i], mha.key_dim ** -0.5)[0])
        y[i] = np.concatenate(heads, axis=1) @ mha.Wo.reshape(H * V, d) + mha.bo
    return y


def random_mha(seed=0, **settings):
    mha = MultiHeadAttention(4, 2, 3, seed=seed, **settings)
    rng = np.random.default_rng(seed)
    for _, value, _ in mha.params():
        value[...] = rng.normal(scale=0.7, size=value.shape)  # non-zero biases: a bias mistake shows
    return mha, rng


def lengths_mask(lengths, T):
    return (np.arange(T)[None, :] < np.asarray(lengths)[:, None])[:, None, :]


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("padded", [False, True])
def test_attention_equals_the_loop_and_its_gradients_the_central_differences(padded, causal):
    rng = np.random.default_rng(2 * padded + causal)
    q, k, v = rng.normal(size=(2, 4, 3)), rng.normal(size=(2, 5, 3)), rng.normal(size=(2, 5, 2))
    mask = lengths_mask([5, 2], 5) if padded else None
    out, a = scaled_dot_product_attention(q, k, v, mask, use_causal_mask=causal, scale=3 ** -0.5)
    for i in range(2):
        allowed = np.ones((4, 5), bool) if mask is None else np.repeat(mask[i], 4, axis=0)
        allowed = allowed & causal_mask(4, 5) if causal else allowed
        ref_out, ref_a = attention_loop(q[i], k[i], v[i], allowed)
        np.testing.assert_allclose(out[i], ref_out, rtol=0, atol=1e-14)
        np.testing.assert_allclose(a[i], ref_a, rtol=0, atol=1e-15)
    G = rng.normal(size=out.shape)
    dq, dk, dv = scaled_dot_product_attention_backward(G, q, k, v, a, scale=3 ** -0.5)

    def loss():
        return float(np.sum(G * scaled_dot_product_attention(q, k, v, mask, causal, scale=3 ** -0.5)[0]))
    for analytic, value in [(dq, q), (dk, k), (dv, v)]:
        np.testing.assert_allclose(analytic, central_difference(loss, value), rtol=0, atol=1e-9)
    if padded:  # a padded key is never seen: no weight, and no gradient reaches it
        assert not a[1, :, 2:].any() and not dk[1, 2:].any() and not dv[1, 2:].any()


def test_weights_are_a_softmax_of_the_scaled_scores_by_hand():
    """Two keys, one query: a = softmax(c [q.k1, q.k2]) with c = 1/sqrt(2); out = a1 v1 + a2 v2."""
    q, k, v = np.array([[1.0, 2.0]]), np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[10.0], [20.0]])
    out, a = scaled_dot_product_attention(q, k, v, scale=2 ** -0.5)
    a2 = 1 / (1 + np.exp(-(2 - 1) / np.sqrt(2)))  # the softmax of two scores is the sigmoid of their difference
    assert a == pytest.approx(np.array([[1 - a2, a2]]), abs=1e-15)
    assert out[0, 0] == pytest.approx(10 * (1 - a2) + 20 * a2, abs=1e-13)


def test_masks_causal_padding_and_a_fully_masked_row():
    assert causal_mask(3).tolist() == [[True, False, False], [True, True, False], [True, True, True]]
    assert causal_mask(2, 3).tolist() == [[True, False, False], [True, True, False]]
    rng = np.random.default_rng(1)
    q = rng.normal(size=(3, 2))
    out, a = scaled_dot_product_attention(q, q, q, mask=np.array([[1, 1, 0], [0, 0, 0], [1, 0, 0]]))
    assert a[0, 2] == 0 and a[0, :2].sum() == pytest.approx(1, abs=1e-15) and a[2].tolist() == [1.0, 0.0, 0.0]
    assert not a[1].any() and not out[1].any()  # no key at all: zero weights (Keras's masked softmax)
    np.testing.assert_array_equal(out[2], q[0])  # one key: its value exactly
    assert MASKED_SCORE == -1e9  # Keras's Softmax: exp(-1e9 - max) is exactly 0 in float64


def test_keras_s_scale_is_the_float32_rounded_inverse_square_root():
    assert attention_scale(4) == 0.5 and attention_scale(16) == 0.25  # powers of 4: exact
    assert attention_scale(3) == float(np.float32(1 / np.sqrt(3))) != 1 / np.sqrt(3)
    assert abs(attention_scale(3) - 1 / np.sqrt(3)) < 2e-8  # half a float32 step at 0.58: 3e-8


# --- MultiHeadAttention --------------------------------------------------------------------------------
@pytest.mark.parametrize("masks", ["none", "causal", "padding", "padding_causal"])
def test_mha_equals_the_head_loop_and_every_gradient_the_central_differences(masks):
    mha, rng = random_mha(seed=len(masks), use_causal_mask="causal" in masks)
    x = rng.normal(size=(2, 4, 4))
    mask = lengths_mask([4, 3], 4) if "padding" in masks else None
    allowed = np.ones((2, 4, 4), bool) if mask is None else np.repeat(mask, 4, axis=1)
    allowed = allowed & causal_mask(4) if "causal" in masks else allowed
    y = mha.forward(x, attention_mask=mask)
    np.testing.assert_allclose(y, mha_loop(x, mha, allowed), rtol=0, atol=1e-7)  # key_dim 3: c float32 vs exact
    G = rng.normal(size=y.shape)
    dx = mha.backward(G)

    def loss():
        return float(np.sum(G * mha.forward(x, attention_mask=mask)))
    for analytic, value in [(dx, x)] + [(grad, value) for _, value, grad in mha.params()]:
        np.testing.assert_allclose(analytic, central_difference(loss, value), rtol=0, atol=1e-8)
    assert mha.attention_scores.shape == (2, 2, 4, 4)


def test_mha_with_an_exact_scale_equals_the_head_loop_to_round_off():
    """key_dim 4: c = 1/2 is a float32 number, so the loop's exact c is Keras's (key_dim 3 differs by 1e-8)."""
    rng = np.random.default_rng(5)
    mha4 = MultiHeadAttention(4, 2, 4, value_dim=3, seed=1)
    for _, value, _ in mha4.params():
        value[...] = rng.normal(size=value.shape)
    x = rng.normal(size=(3, 5, 4))
    np.testing.assert_allclose(mha4.forward(x), mha_loop(x, mha4), rtol=0, atol=1e-13)


def test_a_causal_output_never_depends_on_a_later_position_nor_a_padded_one():
    mha, rng = random_mha(seed=2, use_causal_mask=True)
    x = rng.normal(size=(1, 6, 4))
    y = mha.forward(x)
    later = x.copy()
    later[0, 3:] = rng.normal(size=(3, 4)) * 10
    np.testing.assert_array_equal(mha.forward(later)[0, :3], y[0, :3])  # positions 0..2 unchanged, exactly
    assert np.abs(mha.forward(later)[0, 3:] - y[0, 3:]).min() > 1e-3
    mha.use_causal_mask = False
    assert np.abs(mha.forward(later)[0, :3] - mha.forward(x)[0, :3]).min() > 1e-3  # bidirectional: it does
    mask = lengths_mask([4], 6)
    padded = mha.forward(x, attention_mask=mask)
    changed = x.copy()
    changed[0, 4:] = 99.0  # what padding holds does not matter to the real positions
    np.testing.assert_array_equal(mha.forward(changed, attention_mask=mask)[0, :4], padded[0, :4])


def test_without_a_mask_attention_is_permutation_equivariant():
    """Self-attention has no idea of order: shuffling the positions shuffles the outputs the same way
    (which is why a position code is added to the embeddings)."""
    mha, rng = random_mha(seed=3)
    x = rng.normal(size=(2, 5, 4))
    perm = np.array([3, 0, 4, 1, 2])
    np.testing.assert_allclose(mha.forward(x[:, perm]), mha.forward(x)[:, perm], rtol=0, atol=1e-14)
    pe = sine_position_encoding(5, 4)
    assert np.abs(mha.forward(x[:, perm] + pe) - mha.forward(x + pe)[:, perm]).max() > 1e-2


def test_keras_defaults_names_shapes_and_repr():
    mha = MultiHeadAttention(8, 2, 4, seed=0)
    assert mha.name == "multi_head_attention" and (mha.value_dim, mha.use_bias, mha.use_causal_mask) == (4, True, False)
    assert [n for n, _ in mha.weights()] == [f"multi_head_attention/{w}" for w in
                                             ("Wq", "bq", "Wk", "bk", "Wv", "bv", "Wo", "bo")]
    assert [w.shape for _, w in mha.weights()] == [(8, 2, 4), (2, 4)] * 3 + [(2, 4, 8), (8,)]
    for name, w in mha.weights():
        limit = np.sqrt(6 / (8 + 2 * 4))  # fan_in d_model, fan_out heads x key_dim (and back for Wo)
        assert (not w.any()) if name.split("/")[1].startswith("b") else limit * 0.5 < np.abs(w).max() <= limit
    v = MultiHeadAttention(6, 3, 2, value_dim=5, use_bias=False, use_causal_mask=True)
    assert [w.shape for _, w, _ in v.params()] == [(6, 3, 2), (6, 3, 2), (6, 3, 5), (3, 5, 6)]
    assert np.array_equal(MultiHeadAttention(8, 2, 4, seed=7).Wk, MultiHeadAttention(8, 2, 4, seed=7).Wk)
    assert repr(mha) == "MultiHeadAttention(8, 2 heads, key_dim=4)"
    assert repr(v) == "MultiHeadAttention(6, 3 heads, key_dim=2, value_dim=5, use_bias=False, use_causal_mask)"
    y, A = mha.forward(np.ones((1, 3, 8)), return_attention_scores=True)
    assert y.shape == (1, 3, 8) and A.shape == (1, 2, 3, 3)


def test_refusals_name_the_parameter():
    assert text(lambda: MultiHeadAttention(8, 0, 4)) == "num_heads must be an integer >= 1, got 0."
    assert text(lambda: MultiHeadAttention(8, 2, 2.5), TypeError) == "key_dim must be an integer, got 2.5."
    assert text(lambda: MultiHeadAttention(8, 2, 4, value_dim=0)) == "value_dim must be an integer >= 1, got 0."
    assert text(lambda: MultiHeadAttention(0, 2, 4)) == "d_model must be an integer >= 1, got 0."
    assert text(lambda: MultiHeadAttention(8, 2, 4, use_causal_mask="yes"), TypeError) == (
        "use_causal_mask must be True or False, got 'yes'.")
    assert "would have" in text(lambda: MultiHeadAttention(10**4, 100, 100))
    mha = MultiHeadAttention(4, 2, 2)
    assert text(lambda: mha.forward(np.ones((3, 4)))) == (
        "multi_head_attention expects sequences of shape (n, T, 4), got (3, 4). For one sequence add the batch "
        "axis: x[None].")
    assert text(lambda: mha.forward(np.ones((1, 3, 5)))) == (
        "multi_head_attention expects sequences of shape (n, T, 4), got (1, 3, 5).")
    assert text(lambda: mha.forward(np.ones((1, 3, 4)), attention_mask=np.ones((3, 3)))) == (
        "attention_mask must be (n, T, T) or a padding mask (n, 1, T), True = may attend; got shape (3, 3).")
    assert text(lambda: mha.forward(np.ones((2, 3, 4)), attention_mask=np.ones((2, 1, 4), bool))) == (
        "mask of shape (2, 1, 1, 4) does not broadcast to the scores' shape (2, 2, 3, 3) (queries T = 3, keys S = 3).")
    assert text(lambda: scaled_dot_product_attention(np.ones((2, 3)), np.ones((2, 3)), np.ones((2, 1)),
                                                     mask=np.full((2, 2), 2))) == (
        "mask must be booleans (True = may attend) or 0/1, broadcastable to (..., 2, 2); got int64 values.")
    assert text(lambda: scaled_dot_product_attention(np.ones((2, 3)), np.ones((2, 4)), np.ones((2, 1)))) == (
        "q (..., T, d_k), k (..., S, d_k) and v (..., S, d_v) must share d_k and S; got q (2, 3), k (2, 4), "
        "v (2, 1).")
    assert text(lambda: sine_position_encoding(4, 6, max_wavelength=1)) == (
        "max_wavelength must be a number > 1, got 1.")
    assert text(lambda: sine_position_encoding(0, 6)) == "sequence_length must be an integer >= 1, got 0."
    assert text(lambda: PositionEmbedding(4, 2).forward(np.ones((1, 5, 2)))) == (
        "position_embedding expects sequences of shape (n, T, 2) with 1 <= T <= 4 (sequence_length), got (1, 5, 2).")


# --- where a position is -------------------------------------------------------------------------------
@pytest.mark.parametrize("T,d,wavelength", [(7, 6, 10000.0), (5, 5, 10000.0), (9, 4, 100.0), (1, 1, 10000.0)])
def test_sine_position_encoding_is_the_formula_of_vaswani_et_al(T, d, wavelength):
    """PE(pos, 2i) = sin(pos / wavelength^(2i/d)), PE(pos, 2i+1) = cos(pos / wavelength^(2i/d)), written out
    entry by entry (keras_hub's SinePositionEncoding computes the same; keras_hub is not a dependency)."""
    pe = sine_position_encoding(T, d, max_wavelength=wavelength)
    ref = np.zeros((T, d))
    for pos in range(T):
        for j in range(d):
            i = j // 2
            angle = pos / wavelength ** (2 * i / d)
            ref[pos, j] = np.sin(angle) if j % 2 == 0 else np.cos(angle)
    np.testing.assert_allclose(pe, ref, rtol=0, atol=1e-15)
    assert pe.shape == (T, d) and np.abs(pe).max() <= 1
    assert pe[0, ::2].tolist() == [0.0] * len(pe[0, ::2]) and pe[0, 1::2].tolist() == [1.0] * len(pe[0, 1::2])


def test_a_sine_code_shifts_by_a_rotation_that_depends_on_the_offset_only():
    """Each (sin, cos) pair at position p + j is the pair at p rotated by j times the pair's speed, so
    PE[p + j] = R_j PE[p] for every p: a fixed linear map per offset, what lets attention read offsets."""
    pe = sine_position_encoding(20, 8)
    rates = 10000.0 ** (-np.arange(0, 8, 2) / 8)
    for j in (1, 5):
        for p in (0, 3, 11):
            for i, w in enumerate(rates):
                c, s = np.cos(j * w), np.sin(j * w)
                sin_p, cos_p = pe[p, 2 * i], pe[p, 2 * i + 1]
                assert pe[p + j, 2 * i] == pytest.approx(sin_p * c + cos_p * s, abs=1e-14)
                assert pe[p + j, 2 * i + 1] == pytest.approx(cos_p * c - sin_p * s, abs=1e-14)
    gram = pe @ pe.T  # distinct codes: no two positions share one
    assert (np.diag(gram)[:, None] + np.diag(gram)[None] - 2 * gram + np.eye(20) > 1e-3).all()


def test_position_embedding_adds_its_rows_and_their_gradient_sums_over_the_batch():
    layer = PositionEmbedding(6, 3, seed=0)
    assert layer.embeddings is layer.P and layer.P.shape == (6, 3) and np.abs(layer.P).max() <= np.sqrt(6 / 9)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 4, 3))
    y = layer.forward(x)
    np.testing.assert_array_equal(y, x + layer.P[:4])
    G = rng.normal(size=y.shape)
    dx = layer.backward(G)
    np.testing.assert_array_equal(dx, G)

    def loss():
        return float(np.sum(G * layer.forward(x)))
    np.testing.assert_allclose(layer.dP, central_difference(loss, layer.P), rtol=0, atol=1e-9)
    assert not layer.dP[4:].any()  # positions beyond the sequence get no gradient
    assert [n for n, _, _ in layer.params()] == ["position_embedding/P"]
    assert repr(layer) == "PositionEmbedding(6 positions, 3)"


# --- in a model ------------------------------------------------------------------------------------------
def _transformer(causal=False, seed=0, T=5, vocab=7, d=8):
    return Sequential([Embedding(vocab, d, seed=seed), PositionEmbedding(T, d, seed=seed + 1),
                       Residual([MultiHeadAttention(d, 2, 4, use_causal_mask=causal, seed=seed + 2)]),
                       LayerNormalization(d), Flatten(), Dense(T * d, 3, "softmax", seed=seed + 3)],
                      loss="categorical_crossentropy")


@pytest.mark.parametrize("causal", [False, True])
def test_a_transformer_block_in_sequential_passes_the_gradient_check(causal):
    rng = np.random.default_rng(1)
    X = rng.integers(0, 7, size=(6, 5))
    y = np.eye(3)[rng.integers(0, 3, 6)]
    model = _transformer(causal)
    errors = check_model(model, X, y)
    dbk = model.layers[2].layers[0].dbk  # 0 exactly in exact arithmetic: both sides are round-off
    assert np.abs(dbk).max() < 1e-15 and errors.pop("residual/multi_head_attention/bk") > 1e-3
    assert max(errors.values()) < 1e-7, errors
    assert len(errors) == 13 and "residual/multi_head_attention/Wq" in errors


def test_the_key_bias_gets_no_gradient_because_softmax_ignores_a_shift():
    """bk adds q.bk to every score of query q: the same number along the row, which the softmax removes
    (softmax(s + c) = softmax(s)). So bk never changes the output and its gradient is 0 (Keras's too);
    it stays at its initial 0 in training. bq is different: it adds bq.k_s, which differs by key."""
    mha, rng = random_mha(seed=4, use_causal_mask=True)
    x = rng.normal(size=(3, 4, 4))
    y = mha.forward(x, attention_mask=lengths_mask([4, 2, 3], 4))
    mha.backward(rng.normal(size=y.shape))
    assert np.abs(mha.dbk).max() < 1e-14 and np.abs(mha.dbq).max() > 1e-2
    mha.bk[...] += 5.0
    np.testing.assert_allclose(mha.forward(x, attention_mask=lengths_mask([4, 2, 3], 4)), y, rtol=0, atol=1e-13)


def test_fit_learns_a_task_that_needs_attention():
    """The class is the id at the position that the first id points to: only attention can fetch it.
    Trained a few epochs, the loss falls well below chance (log 3 = 1.10)."""
    rng = np.random.default_rng(0)
    X = rng.integers(0, 5, size=(192, 5))
    X[:, 0] = rng.integers(1, 5, size=192)
    y = np.eye(3)[X[np.arange(192), X[:, 0]] % 3]
    model = _transformer(vocab=5)
    history = fit(model, X, y, "adam", epochs=30, batch_size=32, learning_rate=0.01, verbose=0, seed=0)
    assert history["loss"][0] > 0.9 and history["loss"][-1] < 0.6, history["loss"][::5]
