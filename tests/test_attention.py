"""Attention against Keras in float64: MultiHeadAttention's output, attention weights and every gradient
(input, the four kernels, the four biases) equal to tf.GradientTape on keras.layers.MultiHeadAttention with
the weights copied across, with causal and padding masks, on both of Keras's paths (its fused
dot_product_attention, and the explicit one that returns the scores); scaled_dot_product_attention
against keras.ops.dot_product_attention; Keras's layout and initial weights; and a small Transformer-style
model trained by fit equal to Keras's model.fit. (NumPy-only checks: tests/test_mut_attention.py.)"""
import keras  # a hard dependency: plain imports, so these tests fail (never skip) without it
import numpy as np
import pytest
import tensorflow as tf

import dlteach as dt
from dlteach import keras_twin as kt
from twin_tolerance import twin_tol

KERAS_NAMES = ["query/kernel", "query/bias", "key/kernel", "key/bias", "value/kernel", "value/bias",
               "attention_output/kernel", "attention_output/bias"]


def close(ours, theirs, tol):
    """max |ours - theirs| <= tol * max(1, max |theirs|)."""
    theirs = np.asarray(theirs, dtype=np.float64)
    return ours.shape == theirs.shape and np.max(np.abs(ours - theirs)) <= tol * max(1.0, np.max(np.abs(theirs)))


def twins(d_model, num_heads, key_dim, seed=0, **settings):
    """Our layer with weights away from their initial ones (non-zero biases), and Keras's with the same."""
    mha = dt.MultiHeadAttention(d_model, num_heads, key_dim, seed=seed, **settings)
    rng = np.random.default_rng(seed)
    for _, value, _ in mha.params():
        value[...] = rng.normal(scale=0.6, size=value.shape)
    kmha = keras.layers.MultiHeadAttention(num_heads, key_dim, dtype="float64", **settings)
    x = np.zeros((1, 3, d_model))
    kmha(x, x)  # builds it
    kmha.set_weights([value.copy() for _, value, _ in mha.params()])
    return mha, kmha


def padding_mask(lengths, T):
    """Keras's attention_mask for sequences padded at the end: (n, 1, T), True on the real positions."""
    return (np.arange(T)[None, :] < np.asarray(lengths)[:, None])[:, None, :]


def tape(kmha, x, G, **call):
    """Keras's output, its scores (when asked) and the gradients of sum(out * G) for x and every weight."""
    xt = tf.constant(x)
    with tf.GradientTape() as t:
        t.watch(xt)
        result = kmha(xt, xt, **call)
        out = result[0] if call.get("return_attention_scores") else result
        L = tf.reduce_sum(out * G)
    grads = t.gradient(L, [xt] + kmha.trainable_weights)
    scores = result[1].numpy() if call.get("return_attention_scores") else None
    return out.numpy(), scores, [g.numpy() for g in grads]


SETTINGS = {  # name -> (d_model, num_heads, key_dim, settings)
    "two_heads": (6, 2, 4, {}),
    "key_dim_3": (5, 3, 3, {}),  # 1/sqrt(3) is not a float32 number: Keras's scale is float32-rounded
    "value_dim": (5, 2, 3, {"value_dim": 4}),
    "no_bias": (4, 2, 2, {"use_bias": False}),
    "one_head": (4, 1, 4, {}),
}
MASKS = ["none", "causal", "padding", "padding_causal"]


@pytest.mark.parametrize("scores", [False, True], ids=["fused", "with_scores"])
@pytest.mark.parametrize("masks", MASKS)
@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_forward_weights_and_every_gradient_equal_gradient_tape(name, masks, scores):
    d_model, heads, key_dim, settings = SETTINGS[name]
    mha, kmha = twins(d_model, heads, key_dim, seed=len(name), **settings)
    assert [w.path.split("/", 1)[1] for w in kmha.weights] == [
        n for n in KERAS_NAMES if settings.get("use_bias", True) or "bias" not in n]
    assert [tuple(w.shape) for w in kmha.weights] == [value.shape for _, value, _ in mha.params()]
    rng = np.random.default_rng(len(name) + len(masks))
    x = rng.normal(size=(3, 5, d_model))
    mask = padding_mask([5, 3, 1], 5) if "padding" in masks else None  # length 1: one visible key
    causal = "causal" in masks
    y, A = mha.forward(x, attention_mask=mask, use_causal_mask=causal, return_attention_scores=True)
    G = rng.normal(size=y.shape)
    dx = mha.backward(G)
    out, k_scores, grads = tape(kmha, x, G, attention_mask=mask, use_causal_mask=causal,
                                return_attention_scores=scores)
    assert close(y, out, twin_tol(1e-12))
    if scores:
        assert close(A, k_scores, twin_tol(1e-12)) and A is mha.attention_scores
    assert close(dx, grads[0], twin_tol(1e-12))
    for (pname, _, grad), k_grad in zip(mha.params(), grads[1:], strict=True):
        assert close(grad, k_grad, twin_tol(1e-12)), pname
    np.testing.assert_allclose(A.sum(axis=-1), 1.0, rtol=0, atol=1e-14)  # no row is fully masked here
    if causal:
        assert not np.triu(A, k=1).any()  # no query sees a later key
    if mask is not None:
        assert not A[2, :, :, 1:].any()  # the third sequence has one real position: the only key seen


def test_a_fully_masked_query_gets_zero_weights_as_keras_returns_them_and_its_fused_path_disagrees():
    """Padding the queries too (Keras's query_mask, a (n, T, 1) mask) leaves rows with no key: Keras's
    masked softmax zeroes them (output = the output bias); its fused path, used when the scores are not
    asked, gives them uniform weights over the masked keys. dlteach follows the first."""
    mha, kmha = twins(4, 2, 2, seed=1)
    x = np.random.default_rng(2).normal(size=(2, 4, 4))
    keep = np.arange(4) < np.array([4, 2])[:, None]
    mask = keep[:, :, None] & keep[:, None, :]  # (n, T, T): real queries see real keys
    y, A = mha.forward(x, attention_mask=mask, return_attention_scores=True)
    k_out, k_scores = kmha(x, x, attention_mask=mask, return_attention_scores=True)
    assert close(y, k_out.numpy(), twin_tol(1e-12)) and close(A, k_scores.numpy(), twin_tol(1e-12))
    assert not A[1, :, 2:].any() and np.allclose(y[1, 2:], mha.bo, rtol=0, atol=1e-15)
    fused = kmha(x, x, attention_mask=mask).numpy()
    assert close(y[:, :2], fused[:, :2], twin_tol(1e-12)) and close(y[0], fused[0], twin_tol(1e-12))
    assert np.max(np.abs(y[1, 2:] - fused[1, 2:])) > 0.1  # the padded queries: Keras's two paths differ


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("masked", [False, True])
def test_scaled_dot_product_attention_equals_keras_ops_dot_product_attention(masked, causal):
    """keras.ops.dot_product_attention takes (batch, T, heads, d); ours any (..., T, d): heads moved first."""
    rng = np.random.default_rng(3 + 2 * masked + causal)
    q, k, v = rng.normal(size=(2, 3, 5, 3)), rng.normal(size=(2, 3, 5, 3)), rng.normal(size=(2, 3, 5, 4))
    mask = padding_mask([5, 2], 5)[:, None] if masked else None  # (n, 1, 1, S): the same for every head
    out, a = dt.scaled_dot_product_attention(q, k, v, mask=mask, use_causal_mask=causal)
    G = rng.normal(size=out.shape)
    dq, dk, dv = dt.scaled_dot_product_attention_backward(G, q, k, v, a)
    qt, kt_, vt = (tf.constant(np.swapaxes(t, 1, 2)) for t in (q, k, v))
    with tf.GradientTape() as t:
        t.watch([qt, kt_, vt])
        k_out = keras.ops.dot_product_attention(qt, kt_, vt, mask=None if mask is None else tf.constant(mask),
                                                is_causal=causal)
        L = tf.reduce_sum(k_out * np.swapaxes(G, 1, 2))
    grads = t.gradient(L, [qt, kt_, vt])
    assert close(out, np.swapaxes(k_out.numpy(), 1, 2), twin_tol(1e-12))
    for ours, theirs in zip([dq, dk, dv], grads, strict=True):
        assert close(ours, np.swapaxes(theirs.numpy(), 1, 2), twin_tol(1e-12))


def test_keras_defaults_layout_and_initial_weights_are_ours():
    """Keras's defaults (value_dim = key_dim, biases on, zero biases) and its kernels' range: glorot_uniform
    with EinsumDense's fans (d_model in, heads x key_dim out; heads x value_dim in, d_model out for the output
    kernel), so that both layers' weights fill the same interval (checked on its edges, 1920 draws each).
    Keras 3.13 (before keras-team/keras#22789) counted a 3-D kernel's fans as a convolution's, all but the last
    two axes as the receptive field: a range sqrt(d_model) or sqrt(heads) times narrower, checked there."""
    d_model, heads, key_dim = 32, 3, 20
    kmha = keras.layers.MultiHeadAttention(heads, key_dim, dtype="float64")
    x = np.zeros((1, 2, d_model))
    kmha(x, x)
    fans_by_axes = hasattr(keras.initializers.GlorotUniform(), "input_axes")  # not in Keras 3.13
    mha = dt.MultiHeadAttention(d_model, heads, key_dim, seed=0)
    assert (mha.value_dim, mha.use_bias) == (kmha.value_dim, kmha.use_bias) == (key_dim, True)
    for (pname, ours), theirs in zip(mha.weights(), kmha.get_weights(), strict=True):
        assert ours.shape == theirs.shape, pname
        if pname.endswith(("bq", "bk", "bv", "bo")):
            assert not ours.any() and not theirs.any()
            continue
        fan_in, fan_out = (heads * key_dim, d_model) if pname.endswith("Wo") else (d_model, heads * key_dim)
        limit = np.sqrt(6 / (fan_in + fan_out))
        receptive = np.prod(ours.shape[:-2])  # the older Keras's convolution-style count
        keras_limit = limit if fans_by_axes else np.sqrt(6 / (receptive * (ours.shape[-2] + ours.shape[-1])))
        for w, top in ((ours, limit), (theirs, keras_limit)):
            assert 0.98 * top < np.abs(w).max() <= top, pname


# --- training: fit against Keras's model.fit, a small Transformer-style classifier --------------------
N, T, VOCAB, D = 32, 5, 11, 8


class KerasPositionEmbedding(keras.layers.Layer):
    """x + P[:T], P learned (keras_hub's PositionEmbedding returns P[:T]; keras_hub is not a dependency)."""

    def build(self, input_shape):
        self.embeddings = self.add_weight(shape=(T, D), name="embeddings")

    def call(self, x):
        return x + self.embeddings[: x.shape[1]]


def _data():
    rng = np.random.default_rng(0)
    X = rng.integers(0, VOCAB, size=(N, T))
    return X, np.eye(3)[(X[:, 0] + 2 * X[:, -1]) % 3]


def _models(causal):
    """Embedding -> PositionEmbedding -> x + MHA(x) -> LayerNormalization -> Flatten -> Dense softmax."""
    model = dt.Sequential([dt.Embedding(VOCAB, D, seed=1), dt.PositionEmbedding(T, D, seed=2),
                           dt.Residual([dt.MultiHeadAttention(D, 2, 4, use_causal_mask=causal, seed=3)]),
                           dt.LayerNormalization(D), dt.Flatten(), dt.Dense(T * D, 3, "softmax", seed=4)],
                          loss="categorical_crossentropy")
    inp = keras.Input((T,), dtype="float64")
    x = keras.layers.Embedding(VOCAB, D, dtype="float64")(inp)
    x = KerasPositionEmbedding(dtype="float64")(x)
    x = keras.layers.Add(dtype="float64")([x, keras.layers.MultiHeadAttention(2, 4, dtype="float64")(
        x, x, use_causal_mask=causal)])
    x = keras.layers.LayerNormalization(dtype="float64")(x)
    x = keras.layers.Flatten(dtype="float64")(x)
    kmodel = keras.Model(inp, keras.layers.Dense(3, activation="softmax", dtype="float64")(x))
    assert [tuple(w.shape) for w in kmodel.weights] == [w.shape for w in model.get_weights()]
    kmodel.set_weights(model.get_weights())
    return model, kmodel


@pytest.mark.parametrize("causal,optimizer,kwargs", [(False, "sgd", {"learning_rate": 0.2}),
                                                     (True, "sgd", {"learning_rate": 0.2}),
                                                     (True, "adam", {"learning_rate": 0.02})],
                         ids=["bidirectional-sgd", "causal-sgd", "causal-adam"])
def test_fit_equals_keras_model_fit(causal, optimizer, kwargs):
    X, y = _data()
    model, kmodel = _models(causal)
    with kt.floatx("float64"):
        kmodel.compile(optimizer=kt.to_keras_optimizer(dt.get_optimizer(optimizer, **kwargs)),
                       loss=keras.losses.CategoricalCrossentropy(dtype="float64"))
        k_history = kmodel.fit(X.astype("float64"), y, epochs=3, batch_size=16, shuffle=False, verbose=0).history
    history = dt.fit(model, X, y, optimizer, epochs=3, batch_size=16, shuffle=False, verbose=0, **kwargs)
    assert kt.max_weight_difference(model, kmodel) < twin_tol(1e-10)
    np.testing.assert_allclose(history["loss"], k_history["loss"], rtol=twin_tol(1e-10), atol=0)
    assert history["loss"][-1] < history["loss"][0]
    attention = model.layers[2].layers[0]
    assert attention.attention_scores.shape == (16, 2, T, T)  # the last batch's weights, for drawing
