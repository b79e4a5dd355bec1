"""The transformer against Keras in float64: SequenceDense (Keras's Dense on 3-D input), the pre-norm
TransformerBlock (LayerNormalization, MultiHeadAttention, Add, Dense, Dense, Add, built with Keras's functional
API) and the decoder-only Transformer with its softmax cross-entropy over every position: forward and every
gradient equal to tf.GradientTape to 1e-12, training by fit equal to Keras's model.fit to 1e-10.
(NumPy-only checks: tests/test_mut_transformer.py.)"""
import keras  # a hard dependency: plain imports, so these tests fail (never skip) without it
import numpy as np
import pytest
import tensorflow as tf

import dlteach as dt
from dlteach import keras_twin as kt
from twin_tolerance import twin_tol


def close(ours, theirs, tol):
    """max |ours - theirs| <= tol * max(1, max |theirs|)."""
    theirs = np.asarray(theirs, dtype=np.float64)
    return ours.shape == theirs.shape and np.max(np.abs(ours - theirs)) <= tol * max(1.0, np.max(np.abs(theirs)))


def dense_grad(g):
    return tf.convert_to_tensor(g).numpy()  # an Embedding's gradient comes as IndexedSlices


class KerasPositionEmbedding(keras.layers.Layer):
    """x + P[:T], P learned (keras_hub's PositionEmbedding returns P[:T]; keras_hub is not a dependency)."""

    def __init__(self, length, **kw):
        super().__init__(**kw)
        self.length = length

    def build(self, input_shape):
        self.embeddings = self.add_weight(shape=(self.length, input_shape[-1]), name="embeddings")

    def call(self, x):
        return x + self.embeddings[: x.shape[1]]


def keras_block(block, x, layers):
    """Keras's functional twin of a TransformerBlock on tensor x; its layers appended to `layers` in our order."""
    f64 = {"dtype": "float64"}
    n1 = keras.layers.LayerNormalization(epsilon=block.norm1.epsilon, **f64)
    mha = keras.layers.MultiHeadAttention(block.num_heads, block.attention.key_dim, **f64)
    n2 = keras.layers.LayerNormalization(epsilon=block.norm2.epsilon, **f64)
    d1 = keras.layers.Dense(block.mlp_units, activation=block.dense1.act.name, **f64)
    d2 = keras.layers.Dense(block.d_model, **f64)
    h = n1(x)
    x = keras.layers.Add(**f64)([x, mha(h, h, use_causal_mask=block.use_causal_mask)])
    x = keras.layers.Add(**f64)([x, d2(d1(n2(x)))])
    layers += [n1, mha, n2, d1, d2]
    return x


def keras_twin(model):
    """Keras's functional twin of a dt.Transformer, its weights set from ours (layer by layer)."""
    f64 = {"dtype": "float64"}
    inp = keras.Input((None,), dtype="int32")
    emb = keras.layers.Embedding(model.vocab_size, model.d_model, **f64)
    layers = [emb]
    x = emb(inp)
    if model.positions == "learned":
        pos = KerasPositionEmbedding(model.sequence_length, **f64)
        x = pos(x)
        layers.append(pos)
    elif model.positions == "sine":
        x = x + model.position.PE[:model.sequence_length]
    for block in model.blocks:
        x = keras_block(block, x, layers)
    norm = keras.layers.LayerNormalization(epsilon=model.final_norm.epsilon, **f64)
    head = keras.layers.Dense(model.vocab_size, **f64)
    kmodel = keras.Model(inp, head(norm(x)))
    layers += [norm, head]
    ours = [model.embedding, *([model.position] if model.positions == "learned" else [])]
    for b in model.blocks:
        ours += [b.norm1, b.attention, b.norm2, b.dense1, b.dense2]
    ours += [model.final_norm, model.head]
    for mine, theirs in zip(ours, layers, strict=True):
        theirs.set_weights([v.copy() for _, v in mine.weights()])
    return kmodel, layers


def randomised(model, seed):
    """Weights away from the initial ones (non-zero biases, gamma != 1), so no term hides behind a 0 or 1."""
    rng = np.random.default_rng(seed)
    for _, value, _ in model.params():
        value[...] = rng.normal(scale=0.5, size=value.shape)
    return model


def test_sequence_dense_equals_keras_dense_on_3d_input():
    rng = np.random.default_rng(0)
    for act, shape in (("relu", (3, 5, 4)), ("tanh", (1, 1, 4)), ("linear", (2, 3, 2, 4))):
        d = dt.SequenceDense(4, 6, act, seed=1)
        d.b[...] = rng.normal(size=6)
        kd = keras.layers.Dense(6, activation=act, dtype="float64")
        kd.build(shape)
        kd.set_weights([d.W.copy(), d.b.copy()])
        x = rng.normal(size=shape)
        G = rng.normal(size=(*shape[:-1], 6))
        y = d.forward(x)
        dx = d.backward(G)
        xt = tf.constant(x)
        with tf.GradientTape() as t:
            t.watch(xt)
            L = tf.reduce_sum(kd(xt) * G)
        grads = t.gradient(L, [xt, *kd.trainable_weights])
        assert close(y, kd(xt).numpy(), twin_tol(1e-12))
        for ours, theirs in zip([dx, d.dW, d.db], grads, strict=True):
            assert close(ours, theirs.numpy(), twin_tol(1e-12))


BLOCKS = {  # name -> TransformerBlock settings
    "causal": dict(d_model=8, num_heads=2),
    "bidirectional": dict(d_model=6, num_heads=3, use_causal_mask=False),
    "key_dim_odd": dict(d_model=5, num_heads=2, key_dim=3, mlp_units=7, activation="tanh"),
}


@pytest.mark.parametrize("name", sorted(BLOCKS))
def test_block_forward_and_every_gradient_equal_gradient_tape(name):
    settings = BLOCKS[name]
    block = dt.TransformerBlock(**settings, seed=1)
    randomised(block, len(name))
    rng = np.random.default_rng(len(name))
    x = rng.normal(size=(3, 5, settings["d_model"]))
    inp = keras.Input((None, settings["d_model"]), dtype="float64")
    layers = []
    kmodel = keras.Model(inp, keras_block(block, inp, layers))
    for mine, theirs in zip([block.norm1, block.attention, block.norm2, block.dense1, block.dense2], layers):
        theirs.set_weights([v.copy() for _, v in mine.weights()])
    y = block.forward(x)
    G = rng.normal(size=y.shape)
    dx = block.backward(G)
    xt = tf.constant(x)
    with tf.GradientTape() as t:
        t.watch(xt)
        out = kmodel(xt)
        L = tf.reduce_sum(out * G)
    grads = t.gradient(L, [xt] + [w for layer in layers for w in layer.trainable_weights])
    assert close(y, out.numpy(), twin_tol(1e-12))
    assert close(dx, grads[0].numpy(), twin_tol(1e-12))
    params = block.params()
    assert len(params) == len(grads) - 1 == 16
    for (pname, _, grad), k_grad in zip(params, grads[1:], strict=True):
        assert close(grad, k_grad.numpy(), twin_tol(1e-12)), pname


MODELS = {
    "learned_causal": dict(positions="learned"),
    "sine_two_layers": dict(positions="sine", num_layers=2, num_heads=4, d_model=8),
    "none_bidirectional": dict(positions="none", use_causal_mask=False),
}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_model_logits_loss_and_every_gradient_equal_gradient_tape(name):
    settings = {"d_model": 6, "num_heads": 2, **MODELS[name]}
    model = randomised(dt.Transformer(7, 6, seed=2, **settings), len(name))
    kmodel, layers = keras_twin(model)
    rng = np.random.default_rng(len(name))
    X, y = rng.integers(0, 7, size=(4, 6)), rng.integers(0, 7, size=(4, 6))
    loss, grads = model.loss_and_grads(X, y)
    logits = model._forward(X)
    kloss = keras.losses.SparseCategoricalCrossentropy(from_logits=True, dtype="float64")
    with tf.GradientTape() as t:
        z = kmodel(tf.constant(X, dtype="int32"))
        L = kloss(tf.constant(y), z)
    kgrads = t.gradient(L, [w for layer in layers for w in layer.trainable_weights])
    assert close(logits, z.numpy(), twin_tol(1e-12))
    assert abs(loss - float(L)) <= twin_tol(1e-12) * max(1, float(L))
    assert len(grads) == len(kgrads)
    for (pname, _, grad), k_grad in zip(model.params(), kgrads, strict=True):
        assert close(grad, dense_grad(k_grad), twin_tol(1e-12)), pname


@pytest.mark.parametrize("optimizer,kwargs", [("sgd", {"learning_rate": 0.3}), ("adam", {"learning_rate": 0.01})])
def test_fit_equals_keras_model_fit(optimizer, kwargs):
    rng = np.random.default_rng(5)
    X = rng.integers(0, 6, size=(24, 5))
    y = X[:, ::-1].copy()  # the reversal task: every position must look elsewhere
    model = dt.Transformer(6, 5, d_model=8, num_heads=2, use_causal_mask=False, seed=3)
    kmodel, _ = keras_twin(model)
    with kt.floatx("float64"):
        kmodel.compile(optimizer=kt.to_keras_optimizer(dt.get_optimizer(optimizer, **kwargs)),
                       loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True, dtype="float64"))
        k_history = kmodel.fit(X.astype("int32"), y, epochs=3, batch_size=8, shuffle=False, verbose=0).history
    history = dt.fit(model, X, y, optimizer, epochs=3, batch_size=8, shuffle=False, verbose=0, **kwargs)
    assert kt.max_weight_difference(model, kmodel) < twin_tol(1e-10)
    np.testing.assert_allclose(history["loss"], k_history["loss"], rtol=twin_tol(1e-10), atol=0)
    assert history["loss"][-1] < history["loss"][0]


def test_keras_weight_layout_and_count():
    model = dt.Transformer(9, 8, d_model=8, num_heads=2, num_layers=2, seed=0)
    kmodel, _ = keras_twin(model)
    assert [w.shape for w in model.get_weights()] == [tuple(w.shape) for w in kmodel.get_weights()]
    assert model.count_params() == kmodel.count_params()
