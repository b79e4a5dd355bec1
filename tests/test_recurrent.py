"""Embedding, SimpleRNN, LSTM, GRU and TimeDistributed against their Keras twins in float64: forward
outputs and every gradient (inputs, kernel, recurrent kernel, bias, embedding matrix) equal to
tf.GradientTape on the Keras layer with the weights copied across, Keras's initial layout, and small
sequence models trained by dlteach's fit equal to Keras's model.fit on the same batches, with and
without gradient clipping. (NumPy-only checks: tests/test_mut_recurrent.py.)"""
import keras  # a hard dependency: plain imports, so these tests fail (never skip) without it
import numpy as np
import pytest
import tensorflow as tf

from dlteach import keras_twin as kt
from dlteach.core import GRU, LSTM, Dense, Embedding, Sequential, SimpleRNN, TimeDistributed, fit, get_optimizer
from twin_tolerance import twin_tol

LAYERS = {  # name -> (dlteach layer, the Keras layer built by hand, so that the mapping is tested too)
    "simple_rnn": (lambda rs: SimpleRNN(3, 4, return_sequences=rs, seed=0),
                   lambda rs: keras.layers.SimpleRNN(4, return_sequences=rs, dtype="float64")),
    "simple_rnn_relu": (lambda rs: SimpleRNN(3, 4, "relu", return_sequences=rs, seed=1),
                        lambda rs: keras.layers.SimpleRNN(4, activation="relu", return_sequences=rs, dtype="float64")),
    "lstm": (lambda rs: LSTM(3, 4, return_sequences=rs, seed=0),
             lambda rs: keras.layers.LSTM(4, return_sequences=rs, dtype="float64")),
    "lstm_relu_tanh": (lambda rs: LSTM(3, 4, "relu", "tanh", return_sequences=rs, seed=1),
                       lambda rs: keras.layers.LSTM(4, activation="relu", recurrent_activation="tanh",
                                                    return_sequences=rs, dtype="float64")),
    "gru": (lambda rs: GRU(3, 4, return_sequences=rs, seed=0),
            lambda rs: keras.layers.GRU(4, return_sequences=rs, dtype="float64")),
    "gru_reset_before": (lambda rs: GRU(3, 4, reset_after=False, return_sequences=rs, seed=0),
                         lambda rs: keras.layers.GRU(4, reset_after=False, return_sequences=rs, dtype="float64")),
    "gru_gelu_linear": (lambda rs: GRU(3, 4, "gelu", "linear", return_sequences=rs, seed=2),
                        lambda rs: keras.layers.GRU(4, activation="gelu", recurrent_activation="linear",
                                                    return_sequences=rs, dtype="float64")),
}
def _tape(klayer, x, G, watch_input=True):
    """(output, [dL/dx, dL/dw for w in the layer's trainable weights]) for L = sum(out * G)."""
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        if watch_input:
            tape.watch(xt)
        out = klayer(xt)
        L = tf.reduce_sum(out * G)
    grads = tape.gradient(L, ([xt] if watch_input else []) + klayer.trainable_weights)
    return out.numpy(), [tf.convert_to_tensor(g).numpy() for g in grads]  # IndexedSlices -> dense


@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("name", sorted(LAYERS))
def test_forward_and_every_gradient_equal_gradient_tape(name, return_sequences):
    ours_of, keras_of = LAYERS[name]
    layer, klayer = ours_of(return_sequences), keras_of(return_sequences)
    rng = np.random.default_rng(len(name))
    layer.b[...] = rng.normal(scale=0.5, size=layer.b.shape)  # non-zero biases, both halves for GRU
    x = rng.normal(size=(3, 6, 3))
    a = layer.forward(x)
    G = rng.normal(size=a.shape)
    dx = layer.backward(G)
    klayer.build(x.shape)
    assert [tuple(w.shape) for w in klayer.weights] == [w.shape for _, w, _ in layer.params()]  # Keras's layout
    klayer.set_weights([w for _, w, _ in layer.params()])
    out, grads = _tape(klayer, x, G)
    assert a.shape == out.shape
    assert np.max(np.abs(a - out)) < twin_tol(1e-12)
    for ours, theirs in zip([dx, layer.dW, layer.dU, layer.db], grads):
        assert np.max(np.abs(ours - theirs)) < twin_tol(1e-12)


def test_embedding_and_its_scatter_added_gradient_equal_gradient_tape():
    emb = Embedding(7, 3, seed=0)
    kemb = keras.layers.Embedding(7, 3, dtype="float64")
    kemb.build((2, 5))
    kemb.set_weights([emb.E])
    ids = np.array([[1, 1, 4, 0, 1], [4, 2, 2, 6, 1]])  # repeats, and ids 3 and 5 unused
    a = emb.forward(ids)
    G = np.random.default_rng(0).normal(size=a.shape)
    emb.backward(G)
    out, (dE,) = _tape(kemb, ids, G, watch_input=False)
    assert np.array_equal(a, out)  # a lookup is exact
    assert np.max(np.abs(emb.dE - dE)) < twin_tol(1e-12)
    assert not dE[[3, 5]].any() and not emb.dE[[3, 5]].any()


def test_time_distributed_dense_equals_keras():
    td = TimeDistributed(Dense(4, 2, "tanh", seed=0))
    ktd = keras.layers.TimeDistributed(keras.layers.Dense(2, activation="tanh", dtype="float64"), dtype="float64")
    rng = np.random.default_rng(1)
    td.layer.b[...] = rng.normal(size=2)
    x = rng.normal(size=(3, 5, 4))
    a = td.forward(x)
    G = rng.normal(size=a.shape)
    dx = td.backward(G)
    ktd.build(x.shape)
    ktd.set_weights([w for _, w, _ in td.params()])
    out, grads = _tape(ktd, x, G)
    assert np.max(np.abs(a - out)) < twin_tol(1e-12)
    for ours, theirs in zip([dx, td.layer.dW, td.layer.db], grads):
        assert np.max(np.abs(ours - theirs)) < twin_tol(1e-12)


def test_initial_weights_have_keras_s_layout_and_distributions():
    """The values differ (another random generator), the construction does not: Keras's own layers,
    built here, have the same forget-gate bias, orthogonal recurrent kernels and ranges."""
    units = 6
    for ours, theirs in [(LSTM(5, units, seed=0), keras.layers.LSTM(units, dtype="float64")),
                         (GRU(5, units, seed=0), keras.layers.GRU(units, dtype="float64")),
                         (SimpleRNN(5, units, seed=0), keras.layers.SimpleRNN(units, dtype="float64"))]:
        theirs.build((1, 2, 5))
        W, U, b = theirs.get_weights()
        assert np.array_equal(ours.b, b)  # zeros, and the LSTM's forget block ones
        for mine, keras_w in [(ours.U, U)]:
            np.testing.assert_allclose(mine @ mine.T, np.eye(units), atol=1e-14)
            np.testing.assert_allclose(keras_w @ keras_w.T, np.eye(units), atol=1e-6)
        limit = np.sqrt(6 / (5 + W.shape[1]))
        assert np.abs(W).max() <= limit and np.abs(ours.W).max() <= limit
    kemb = keras.layers.Embedding(50, 4)
    kemb.build((1, 1))
    assert np.abs(kemb.get_weights()[0]).max() <= 0.05 and np.abs(Embedding(50, 4, seed=0).E).max() <= 0.05


# --- training: dlteach's fit against Keras's model.fit, same batches, same initial weights -------------
N, T, VOCAB = 48, 6, 15


def _data():
    rng = np.random.default_rng(0)
    X = rng.integers(0, VOCAB, size=(N, T))
    X[:, 2] = X[:, 1]  # every sequence repeats an id, so the Embedding's gradient has repeated rows
    y = np.eye(3)[(X[:, 0] + X[:, -1]) % 3]
    return X, y


FITS = {  # name -> (model factory, optimizer factory): the clipping ones with norms small enough to act
    "lstm_adam": (lambda: [LSTM(5, 6, seed=2)], lambda: get_optimizer("adam", learning_rate=0.05)),
    "gru_momentum_clipnorm": (lambda: [GRU(5, 6, seed=2)], lambda: get_optimizer("momentum", learning_rate=0.5,
                                                                                 clipnorm=0.02)),
    "simple_rnn_rmsprop_global_clipnorm": (lambda: [SimpleRNN(5, 6, seed=2)],
                                           lambda: get_optimizer("rmsprop", learning_rate=0.02,
                                                                 global_clipnorm=0.1)),
    "gru_lstm_stacked_adamw_clipnorm": (lambda: [GRU(5, 6, return_sequences=True, reset_after=False, seed=2),
                                                 LSTM(6, 6, seed=4)],
                                        lambda: get_optimizer("adamw", learning_rate=0.02, clipnorm=0.05)),
}


@pytest.mark.parametrize("name", sorted(FITS))
def test_fit_equals_keras_model_fit(name):
    rnns, make_opt = FITS[name]
    X, y = _data()
    model = Sequential([Embedding(VOCAB, 5, seed=1), *rnns(), Dense(6, 3, "softmax", seed=3)],
                       loss="categorical_crossentropy")
    opt = make_opt()
    kmodel, khistory = kt.keras_fit(model, X, y, opt, epochs=3, batch_size=16)  # from the initial weights
    history = fit(model, X, y, optimizer=opt, epochs=3, batch_size=16, shuffle=False, verbose=0)
    assert kt.max_weight_difference(model, kmodel) < twin_tol(1e-10)
    np.testing.assert_allclose(history["loss"], khistory["loss"], rtol=twin_tol(1e-12), atol=0)
    assert history["loss"][-1] < history["loss"][0]
    if opt.clipnorm or opt.global_clipnorm:
        assert opt.clipped == opt.iterations == 9  # every step of the 3 x 3 batches was clipped
    else:
        assert opt.clipped == 0


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize("clip", ["clipnorm", "global_clipnorm"])
def test_clipping_an_embedding_s_gradient_counts_each_occurrence_as_keras_does(clip, optimizer):
    """Keras clips TensorFlow's IndexedSlices by the norm of the rows per occurrence (id 3 used 13 times
    with the same gradient: norm sqrt(13) |g|, where the dense gradient's is 13 |g|); clipnorm keeps the
    occurrences for Adam's squares, global_clipnorm's scaling adds them up."""
    ids = np.array([[3, 3, 3, 1], [3, 3, 3, 3], [0, 3, 3, 3], [3, 3, 4, 3]])
    G = np.ones(ids.shape + (2,))
    emb = Embedding(6, 2, seed=1)
    emb.forward(ids)
    emb.backward(G)
    assert np.sqrt(np.sum(emb.dE ** 2)) == pytest.approx(4.0 * np.sqrt(2)) and np.linalg.norm(emb.dE.view(
        np.ndarray)) == pytest.approx(np.sqrt(2 * (13 ** 2 + 3)))
    opt = get_optimizer(optimizer, learning_rate=0.1, **{clip: 1.0})
    kopt = kt.to_keras_optimizer(opt)
    E = emb.E.copy()
    with kt.floatx("float64"):
        v = tf.Variable(E.copy())
    rows = tf.IndexedSlices(tf.constant(G.reshape(-1, 2)), tf.constant(ids.ravel()), tf.constant([6, 2]))
    for _ in range(3):
        opt.step([("E", E, emb.dE)])
        kopt.apply_gradients([(rows, v)])
    assert opt.clipped == 3
    assert np.max(np.abs(E - v.numpy())) < twin_tol(1e-15)
