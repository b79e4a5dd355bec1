"""Embedding, SimpleRNN, LSTM, GRU and TimeDistributed without TensorFlow: forward passes against step
loops written out here, every gradient against central differences of those loops (so a dropped
BPTT term fails), Keras's defaults and layout, the messages word for word, property tests, and the
layers inside Sequential and fit (mutation testing, docs/MUTATION.md; the Keras twins are in
tests/test_recurrent.py)."""
import copy

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlteach.core import GRU, LSTM, Dense, Embedding, Sequential, SimpleRNN, TimeDistributed, check_model, fit
from dlteach.core.recurrent import RowGradient, orthogonal
from test_mutants import central_difference

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def text(make, error=ValueError):
    with pytest.raises(error) as err:
        make()
    return str(err.value)


def sig(z):
    return 1 / (1 + np.exp(-z))


# --- the cells written out, one sample and one step at a time -------------------------------------
def simple_rnn_loop(x, W, U, b, f=np.tanh):
    n, T, _ = x.shape
    out = np.zeros((n, T, U.shape[0]))
    for k in range(n):
        h = np.zeros(U.shape[0])
        for t in range(T):
            h = f(x[k, t] @ W + b + h @ U)
            out[k, t] = h
    return out


def lstm_loop(x, W, U, b, act=np.tanh, rec=sig):
    n, T, _ = x.shape
    u = U.shape[0]
    blocks = [slice(j * u, (j + 1) * u) for j in range(4)]  # Keras's order: i, f, c, o
    out = np.zeros((n, T, u))
    for k in range(n):
        h, c = np.zeros(u), np.zeros(u)
        for t in range(T):
            i, f, g, o = (x[k, t] @ W[:, s] + h @ U[:, s] + b[s] for s in blocks)
            c = rec(f) * c + rec(i) * act(g)
            h = rec(o) * act(c)
            out[k, t] = h
    return out


def gru_loop(x, W, U, b, reset_after=True, act=np.tanh, rec=sig):
    n, T, _ = x.shape
    u = U.shape[0]
    zs, rs, hs = (slice(j * u, (j + 1) * u) for j in range(3))  # Keras's order: z, r, h
    b_in, b_rec = (b[0], b[1]) if reset_after else (b, np.zeros_like(b))
    out = np.zeros((n, T, u))
    for k in range(n):
        h = np.zeros(u)
        for t in range(T):
            z = rec(x[k, t] @ W[:, zs] + b_in[zs] + h @ U[:, zs] + b_rec[zs])
            r = rec(x[k, t] @ W[:, rs] + b_in[rs] + h @ U[:, rs] + b_rec[rs])
            if reset_after:
                cand = act(x[k, t] @ W[:, hs] + b_in[hs] + r * (h @ U[:, hs] + b_rec[hs]))
            else:
                cand = act(x[k, t] @ W[:, hs] + b_in[hs] + (r * h) @ U[:, hs])
            h = z * h + (1 - z) * cand
            out[k, t] = h
    return out


def relu(z):
    return np.maximum(z, 0)


CASES = {  # name -> (layer factory, loop(x, W, U, b))
    "simple_rnn": (lambda: SimpleRNN(3, 4, seed=0), simple_rnn_loop),
    "simple_rnn_relu": (lambda: SimpleRNN(3, 4, activation="relu", seed=1),
                        lambda x, W, U, b: simple_rnn_loop(x, W, U, b, relu)),
    "lstm": (lambda: LSTM(3, 4, seed=0), lstm_loop),
    "lstm_relu_tanh": (lambda: LSTM(3, 4, activation="relu", recurrent_activation="tanh", seed=1),
                       lambda x, W, U, b: lstm_loop(x, W, U, b, relu, np.tanh)),
    "gru": (lambda: GRU(3, 4, seed=0), gru_loop),
    "gru_reset_before": (lambda: GRU(3, 4, reset_after=False, seed=0),
                         lambda x, W, U, b: gru_loop(x, W, U, b, reset_after=False)),
    "gru_relu_tanh": (lambda: GRU(3, 4, activation="relu", recurrent_activation="tanh", seed=2),
                      lambda x, W, U, b: gru_loop(x, W, U, b, True, relu, np.tanh)),
}


def _layer_and_data(name, return_sequences, seed=0):
    make, loop = CASES[name]
    layer = make()
    layer.return_sequences = return_sequences
    rng = np.random.default_rng(seed)
    layer.b[...] = rng.normal(scale=0.5, size=layer.b.shape)  # zero biases would hide a bias mistake
    x = rng.normal(size=(2, 4, 3))
    return layer, loop, x, rng


@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("name", sorted(CASES))
def test_forward_equals_the_step_loop_and_every_gradient_the_central_differences(name, return_sequences):
    layer, loop, x, rng = _layer_and_data(name, return_sequences)

    def output():
        h = loop(x, layer.W, layer.U, layer.b)
        return h if return_sequences else h[:, -1]
    a = layer.forward(x)
    np.testing.assert_allclose(a, output(), rtol=0, atol=1e-14)
    G = rng.normal(size=a.shape)
    dx = layer.backward(G)

    def loss():
        return float(np.sum(G * output()))
    for analytic, value in [(dx, x), (layer.dW, layer.W), (layer.dU, layer.U), (layer.db, layer.b)]:
        np.testing.assert_allclose(analytic, central_difference(loss, value), rtol=0, atol=1e-8)


@pytest.mark.parametrize("name", ["simple_rnn", "lstm", "gru", "gru_reset_before"])
def test_the_first_input_gets_its_gradient_only_through_time(name):
    """Without return_sequences the loss sees h_T alone: x_1 matters only through h_1 -> h_2 -> ... -> h_T,
    so truncated BPTT (dropping dh_from_{t+1}) would give it exactly 0."""
    layer, _, x, rng = _layer_and_data(name, False)
    dx = layer.backward(rng.normal(size=layer.forward(x).shape))
    assert np.all(np.abs(dx[:, 0]) > 1e-6)


def test_simple_rnn_bptt_by_hand_over_two_steps():
    layer = SimpleRNN(1, 1, seed=0)
    W, U, b = 0.5, -0.8, 0.1
    layer.W[...], layer.U[...], layer.b[...] = W, U, b
    x1, x2 = 0.3, -1.2
    h1 = np.tanh(x1 * W + b)
    h2 = np.tanh(x2 * W + b + h1 * U)
    assert layer.forward(np.array([[[x1], [x2]]]))[0, 0] == pytest.approx(h2, abs=1e-15)
    g = 1.5  # dL/dh2
    ds2 = g * (1 - h2**2)
    ds1 = ds2 * U * (1 - h1**2)  # the BPTT term: h1 reaches L through h2
    dx = layer.backward(np.array([[g]]))
    assert layer.dW[0, 0] == pytest.approx(x1 * ds1 + x2 * ds2, abs=1e-15)
    assert layer.dU[0, 0] == pytest.approx(h1 * ds2, abs=1e-15)  # h0 = 0 adds nothing
    assert layer.db[0] == pytest.approx(ds1 + ds2, abs=1e-15)
    assert dx[0, :, 0] == pytest.approx([ds1 * W, ds2 * W], abs=1e-15)


def test_lstm_cell_path_by_hand_over_two_steps():
    """With every gate saturated open (f = i = o = 1 by huge biases) the cell adds up tanh(g_t) and the
    gradient of c_1 reaches c_2 unchanged (dc_from_2 = dc_2 * f): the LSTM's uninterrupted path."""
    layer = LSTM(1, 1, seed=0)
    layer.W[...], layer.U[...] = 0.0, 0.0
    layer.W[0, 2] = 1.0
    layer.b[...] = [50.0, 50.0, 0.0, 50.0]
    x = np.array([[[0.4], [-0.7]]])
    c2 = np.tanh(0.4) + np.tanh(-0.7)
    assert layer.forward(x)[0, 0] == pytest.approx(np.tanh(c2), abs=1e-15)
    dx = layer.backward(np.array([[1.0]]))
    dc = 1 - np.tanh(c2) ** 2  # dh2/dc2, and the same for c1 as f = 1
    assert dx[0, :, 0] == pytest.approx([dc * (1 - np.tanh(0.4) ** 2), dc * (1 - np.tanh(-0.7) ** 2)], abs=1e-15)


# --- Keras's defaults and layout -----------------------------------------------------------------------
def test_keras_defaults_names_and_shapes():
    rnn, lstm, gru = SimpleRNN(3, 5, seed=0), LSTM(3, 5, seed=0), GRU(3, 5, seed=0)
    assert [l.name for l in (rnn, lstm, gru, Embedding(4, 2))] == ["simple_rnn", "lstm", "gru", "embedding"]
    for layer, k in [(rnn, 1), (lstm, 4), (gru, 3)]:
        assert layer.W.shape == (3, k * 5) and layer.U.shape == (5, k * 5) and layer.activation.name == "tanh"
        assert layer.kernel is layer.W and layer.recurrent_kernel is layer.U and layer.bias is layer.b
        assert layer.return_sequences is False and layer.n_in == 3 and layer.units == 5
        assert [n for n, _, _ in layer.params()] == [f"{layer.name}/W", f"{layer.name}/U", f"{layer.name}/b"]
        limit = np.sqrt(6 / (3 + k * 5))  # glorot_uniform with fan_out = k units
        assert np.all(np.abs(layer.W) <= limit) and np.abs(layer.W).max() > 0.5 * limit
        np.testing.assert_allclose(layer.U @ layer.U.T, np.eye(5), atol=1e-14)  # orthogonal rows
    assert lstm.recurrent_activation.name == "sigmoid" and gru.recurrent_activation.name == "sigmoid"
    assert lstm.unit_forget_bias is True and gru.reset_after is True
    assert rnn.b.tolist() == [0.0] * 5 and gru.b.shape == (2, 15) and not gru.b.any()
    assert lstm.b.tolist() == [0.0] * 5 + [1.0] * 5 + [0.0] * 10  # the forget gate's block starts at 1
    assert not LSTM(3, 5, unit_forget_bias=False).b.any() and GRU(3, 5, reset_after=False).b.shape == (15,)
    assert np.array_equal(LSTM(3, 5, seed=7).W, LSTM(3, 5, seed=7).W)
    assert np.array_equal(LSTM(3, 5, seed=7).U, LSTM(3, 5, seed=7).U)
    assert repr(lstm) == "LSTM(3 -> 5, tanh)" and repr(GRU(2, 1, return_sequences=True)) == (
        "GRU(2 -> 1, tanh, return_sequences)")


def test_orthogonal_is_keras_s_construction():
    rng = np.random.default_rng(3)
    a = rng.standard_normal((8, 2))
    q, r = np.linalg.qr(a)
    np.testing.assert_array_equal(orthogonal(2, 8, np.random.default_rng(3)), (q * np.sign(np.diag(r))).T)
    tall = orthogonal(6, 3, 0)
    assert tall.shape == (6, 3)
    np.testing.assert_allclose(tall.T @ tall, np.eye(3), atol=1e-14)
    square = orthogonal(4, 4, 1)
    np.testing.assert_allclose(square @ square.T, np.eye(4), atol=1e-14)


def test_embedding_lookup_and_scatter_add_by_hand():
    emb = Embedding(5, 2, seed=0)
    assert emb.E.shape == (5, 2) and np.abs(emb.E).max() <= 0.05 and emb.embeddings is emb.E
    assert emb.input_dim == 5 and emb.output_dim == 2 and repr(emb) == "Embedding(5 ids -> 2)"
    np.testing.assert_array_equal(emb.E, np.random.default_rng(0).uniform(-0.05, 0.05, (5, 2)))
    ids = np.array([[1, 3, 1], [0, 1, 4]])
    a = emb.forward(ids)
    np.testing.assert_array_equal(a, emb.E[ids])
    np.testing.assert_array_equal(a, np.eye(5)[ids] @ emb.E)  # the one-hot product
    G = np.arange(12.0).reshape(2, 3, 2)
    assert emb.backward(G) is None
    want = np.zeros((5, 2))
    for k in range(2):
        for t in range(3):
            want[ids[k, t]] += G[k, t]
    np.testing.assert_array_equal(emb.dE, want)
    assert want[1].tolist() == [0 + 4 + 8, 1 + 5 + 9]  # id 1 three times: the rows add up
    assert emb.dE[2].tolist() == [0.0, 0.0]
    assert emb.params() == [("embedding/E", emb.E, emb.dE)]
    assert emb.forward(np.array([[2.0, 0.0]])).shape == (1, 2, 2)  # whole floats (Sequential's X) are ids too


def test_embedding_gradient_squares_each_occurrence_as_indexed_slices_do():
    emb = Embedding(4, 1, seed=0)
    emb.forward(np.array([[2, 2, 0]]))
    emb.backward(np.array([[[1.0], [3.0], [-2.0]]]))
    g = emb.dE
    assert isinstance(g, RowGradient) and g.ravel().tolist() == [-2.0, 0.0, 4.0, 0.0]
    assert (g ** 2).ravel().tolist() == [4.0, 0.0, 1.0 + 9.0, 0.0]  # not (1 + 3)**2
    assert np.square(g).ravel().tolist() == [4.0, 0.0, 10.0, 0.0]
    assert (g * g).ravel().tolist() == [4.0, 0.0, 16.0, 0.0]  # a product of two arrays is plain
    scaled = 0.5 * (g / 2.0)  # scaling keeps the occurrences
    assert scaled.ravel().tolist() == [-0.5, 0.0, 1.0, 0.0] and (scaled ** 2).ravel()[2] == 10.0 / 16
    for plain in (g + 1.0, g - g, np.sqrt(np.abs(g)), g.copy(), g[1:], g ** 3):
        assert plain.rows is None if isinstance(plain, RowGradient) else True
    assert (g.copy() ** 2).ravel()[2] == 16.0 and float(np.sum(g)) == 2.0
    w = np.zeros((4, 1))
    w -= 0.1 * g  # the optimizers' in-place updates see the dense values
    np.testing.assert_allclose(w.ravel(), [0.2, 0.0, -0.4, 0.0], atol=1e-16)


# --- messages word for word ------------------------------------------------------------------------
def test_bad_settings_are_refused_by_name():
    assert text(lambda: LSTM(3, 0)) == "units must be an integer >= 1, got 0."
    assert text(lambda: GRU(True, 2), TypeError) == "n_in must be an integer, got True."
    assert text(lambda: SimpleRNN(2, 3, activation="softmax")) == (
        "activation must be an elementwise activation (tanh, sigmoid, relu, ...), got 'softmax'.")
    assert text(lambda: LSTM(2, 3, recurrent_activation="hard_sigmoid")).startswith(
        "Unknown activation 'hard_sigmoid'. Valid: ")
    assert text(lambda: GRU(2, 3, recurrent_activation="softmax")) == (
        "recurrent_activation must be an elementwise activation (tanh, sigmoid, relu, ...), got 'softmax'.")
    assert text(lambda: LSTM(2, 3, return_sequences="yes"), TypeError) == (
        "return_sequences must be True or False, got 'yes'.")
    assert text(lambda: GRU(2, 3, reset_after=1), TypeError) == "reset_after must be True or False, got 1."
    assert text(lambda: LSTM(2, 3, unit_forget_bias=None), TypeError) == (
        "unit_forget_bias must be True or False, got None.")
    assert text(lambda: SimpleRNN(2, 3, seed=-1)) == (
        "seed must be None, an integer >= 0 or a numpy Generator, got -1.")
    assert text(lambda: LSTM(2, 3, name=""), TypeError) == "name must be a non-empty string, got ''."
    assert text(lambda: LSTM(10**4, 10**4)) == (
        "LSTM(10000, 10000) would have 800,000,000 weights (6.4 GB); the limit here is 100,000,000. Check the sizes.")
    assert text(lambda: Embedding(0, 3)) == "input_dim must be an integer >= 1, got 0."
    assert text(lambda: Embedding(3, 2.0), TypeError) == "output_dim must be an integer, got 2.0."
    assert text(lambda: TimeDistributed("dense"), TypeError) == (
        "TimeDistributed wraps a Layer (e.g. Dense(8, 3)), got 'dense'.")


def test_bad_inputs_are_refused_by_name():
    lstm = LSTM(3, 2, name="enc")
    assert text(lambda: lstm.forward(np.zeros((4, 3)))) == (
        "enc expects sequences of shape (n, T, 3) with T >= 1, got (4, 3). For one sequence add the batch axis: "
        "x[None].")
    assert text(lambda: lstm.forward(np.zeros((4, 5, 2)))) == (
        "enc expects sequences of shape (n, T, 3) with T >= 1, got (4, 5, 2).")
    assert text(lambda: lstm.forward(np.zeros((4, 0, 3)))) == (
        "enc expects sequences of shape (n, T, 3) with T >= 1, got (4, 0, 3).")
    bad = np.zeros((1, 2, 3))
    bad[0, 1, 2] = np.nan
    assert text(lambda: lstm.forward(bad)) == "x contains 1 NaN or infinite value(s); clean or impute the data first."
    emb = Embedding(5, 2, name="words")
    assert text(lambda: emb.forward(np.array([[1, 5]]))) == "words: ids must be in [0, 5) (input_dim=5), got 5."
    assert text(lambda: emb.forward(np.array([[-1, 2]]))) == "words: ids must be in [0, 5) (input_dim=5), got -1."
    assert text(lambda: emb.forward(np.array([[1.5, 2.0]]))) == "words: ids must be whole numbers, got 1.5."
    assert text(lambda: emb.forward(np.array([[np.nan]]))) == "words: ids must be whole numbers, got nan."
    assert text(lambda: emb.forward("cat"), TypeError) == "words takes integer ids, got the string 'cat'."
    assert text(lambda: emb.forward(np.array([True])), TypeError) == (
        "words takes an array of integer ids (n, T), got bool of shape (1,).")
    assert text(lambda: emb.forward(3), TypeError) == (
        "words takes an array of integer ids (n, T), got int64 of shape ().")
    assert text(lambda: TimeDistributed(Dense(2, 1), name="td").forward(np.zeros((3, 2)))) == (
        "td expects sequences (n, T, ...), got shape (3, 2).")


# --- TimeDistributed ------------------------------------------------------------------------------------
def test_time_distributed_dense_is_the_dense_at_every_step():
    rng = np.random.default_rng(4)
    dense = Dense(3, 2, "tanh", l2=0.01, seed=0)
    dense.b[...] = rng.normal(size=2)
    td = TimeDistributed(dense)
    x = rng.normal(size=(2, 5, 3))
    a = td.forward(x)
    np.testing.assert_allclose(a, np.tanh(x @ dense.W + dense.b), rtol=0, atol=1e-15)
    G = rng.normal(size=a.shape)
    dx = td.backward(G)

    def loss():
        return float(np.sum(G * np.tanh(x @ dense.W + dense.b)) + float(np.float32(0.01)) * np.sum(dense.W ** 2))
    np.testing.assert_allclose(dense.dW, central_difference(loss, dense.W), rtol=0, atol=1e-8)
    np.testing.assert_allclose(dense.db, central_difference(loss, dense.b), rtol=0, atol=1e-8)
    np.testing.assert_allclose(dx, central_difference(loss, x), rtol=0, atol=1e-8)
    assert td.penalty() == dense.penalty() > 0
    assert [n for n, _, _ in td.params()] == ["time_distributed/W", "time_distributed/b"]
    assert repr(td) == "TimeDistributed(Dense(3 -> 2, tanh))" and td.trainable
    td.trainable = False
    assert dense.trainable is False and td.trainable_params() == []


# --- inside Sequential and fit ----------------------------------------------------------------------------
def _text_model(rnn=LSTM, **kwargs):
    return Sequential([Embedding(12, 4, seed=1), rnn(4, 5, seed=2, **kwargs), Dense(5, 3, "softmax", seed=3)],
                      loss="categorical_crossentropy")


@pytest.mark.parametrize("rnn", [SimpleRNN, LSTM, GRU])
def test_embedding_rnn_dense_passes_the_whole_model_gradient_check(rnn):
    rng = np.random.default_rng(0)
    model = _text_model(rnn)
    for _, value, _ in model.params():
        if value.ndim == 1 or value.shape[0] == 2:
            value[...] = rng.normal(scale=0.3, size=value.shape)
    X = rng.integers(0, 12, size=(6, 5))
    y = np.eye(3)[rng.integers(0, 3, 6)]
    assert max(check_model(model, X, y).values()) < 1e-6
    assert model.forward(X).shape == (6, 3) and model.layers[1].forward(model.layers[0].forward(X)).shape == (6, 5)


def test_stacked_rnns_on_float_sequences_pass_the_gradient_check():
    rng = np.random.default_rng(1)
    model = Sequential([GRU(2, 3, return_sequences=True, seed=0), LSTM(3, 4, seed=1), Dense(4, 1, seed=2)])
    X, y = rng.normal(size=(5, 6, 2)), rng.normal(size=5)
    assert max(check_model(model, X, y).values()) < 1e-6
    assert model.forward(X).shape == (5, 1)


def test_fit_trains_a_sequence_model_and_keeps_integer_ids():
    rng = np.random.default_rng(2)
    X = rng.integers(0, 12, size=(96, 6))
    y = np.eye(3)[X[:, 0] % 3]  # the class is in the first word: it must be carried through 5 steps
    model = _text_model(GRU)
    h = fit(model, X, y, "adam", epochs=30, batch_size=32, learning_rate=0.02, verbose=0, clipnorm=1.0)
    assert h.history["loss"][-1] < 0.5 * h.history["loss"][0] and h.history["accuracy"][-1] > 0.9
    assert model.summary().splitlines()[:3] == ["Embedding(12 ids -> 4)", "GRU(4 -> 5, tanh)",
                                              "Dense(5 -> 3, softmax)"]
    assert [n for n, _, _ in model.params()] == ["embedding/E", "gru/W", "gru/U", "gru/b", "dense/W", "dense/b"]
    clone = copy.deepcopy(model)
    np.testing.assert_array_equal(clone.forward(X[:4]), model.forward(X[:4]))
    with pytest.raises(ValueError, match=r"embedding: ids must be in \[0, 12\)"):
        fit(model, X + 12, y, epochs=1, verbose=0)


# --- properties -----------------------------------------------------------------------------------------
@SETTINGS
@given(kind=st.sampled_from(["simple_rnn", "lstm", "gru", "gru_reset_before"]), n=st.integers(1, 3),
       T=st.integers(1, 5), seed=st.integers(0, 2**16))
def test_return_sequences_last_step_is_the_output_without_it_and_so_are_the_gradients(kind, n, T, seed):
    seq, _, _, _ = _layer_and_data(kind, True, seed)
    last = copy.deepcopy(seq)
    last.return_sequences = False
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, T, 3))
    all_h, h_T = seq.forward(x), last.forward(x)
    np.testing.assert_array_equal(all_h[:, -1], h_T)
    g = rng.normal(size=h_T.shape)
    G = np.zeros_like(all_h)
    G[:, -1] = g
    np.testing.assert_allclose(seq.backward(G), last.backward(g), rtol=0, atol=1e-15)
    for (_, _, a), (_, _, b) in zip(seq.params(), last.params()):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-15)


@SETTINGS
@given(kind=st.sampled_from(["simple_rnn", "lstm", "gru"]), T=st.integers(2, 6), cut=st.integers(1, 5),
       seed=st.integers(0, 2**16))
def test_the_past_does_not_see_the_future(kind, T, cut, seed):
    """h_t depends on x_1..x_t only: changing later inputs leaves the first outputs as they were."""
    cut = min(cut, T - 1)
    layer, _, _, _ = _layer_and_data(kind, True, seed)
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(2, T, 3))
    before = layer.forward(x)
    x[:, cut:] = rng.normal(size=x[:, cut:].shape)
    np.testing.assert_array_equal(layer.forward(x)[:, :cut], before[:, :cut])


@SETTINGS
@given(input_dim=st.integers(1, 8), n=st.integers(1, 3), T=st.integers(1, 4), seed=st.integers(0, 2**16))
def test_embedding_gradient_rows_of_unused_ids_are_zero_and_the_rest_add_up(input_dim, n, T, seed):
    rng = np.random.default_rng(seed)
    emb = Embedding(input_dim, 3, seed=seed)
    ids = rng.integers(0, input_dim, size=(n, T))
    G = rng.normal(size=emb.forward(ids).shape)
    emb.backward(G)
    unused = np.setdiff1d(np.arange(input_dim), ids)
    assert not emb.dE[unused].any()
    np.testing.assert_allclose(emb.dE, np.einsum("ntv,ntd->vd", np.eye(input_dim)[ids], G), rtol=0, atol=1e-14)
    np.testing.assert_allclose(np.sum(emb.dE ** 2), np.sum(G ** 2), rtol=1e-14)  # squares per occurrence
