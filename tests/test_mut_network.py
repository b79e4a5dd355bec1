"""Sequential and MLP without TensorFlow (mutation testing, docs/MUTATION.md): every refused
output/loss pair word for word, the accepted ones, the fused and un-fused loss paths against
cross-entropy written out by hand, and the model's bookkeeping (names, shapes, weights, errors).
The same pairs are checked against Keras in tests/test_pairings.py."""
import numpy as np
import pytest

from dlteach.core import MLP, Dense, Dropout, Flatten, Sequential
from dlteach.core.network import check_pairing, grads_of
from dlteach.core.losses import get_loss


def message(make):
    with pytest.raises(ValueError) as err:
        make()
    return str(err.value)


def test_softmax_over_one_unit_is_refused_word_for_word():
    assert message(lambda: MLP([2, 1], output_activation="softmax", loss="mse")) == (
        "A softmax over 1 unit always outputs 1, so the loss cannot change (output activation 'softmax' with "
        "loss 'mse'). For one yes/no output use output_activation='sigmoid' with loss='binary_crossentropy'.")


@pytest.mark.parametrize("loss", ["categorical_crossentropy", "categorical_crossentropy_from_logits"])
def test_categorical_over_one_output_is_refused_word_for_word(loss):
    assert message(lambda: MLP([2, 1], output_activation="linear", loss=loss)) == (
        f"Categorical cross-entropy over 1 output is always 0 (output activation 'linear' with loss {loss!r}). "
        "For one yes/no output use loss='binary_crossentropy' with a sigmoid output, or give the layer one "
        "unit per class.")


@pytest.mark.parametrize("act,loss,units", [("sigmoid", "binary_crossentropy_from_logits", 1),
                                            ("softmax", "categorical_crossentropy_from_logits", 3),
                                            ("sigmoid", "categorical_crossentropy_from_logits", 3)])
def test_a_from_logits_loss_after_a_squashing_output_is_refused(act, loss, units):
    plain = loss.replace("_from_logits", "")
    assert message(lambda: MLP([2, units], output_activation=act, loss=loss)) == (
        f"Refused: output activation {act!r} with loss {loss!r}. A from-logits loss expects raw scores, but the "
        f"output already applies {act} (Keras would use the scores before it). Use loss={plain!r} with the "
        f"{act} output, or output_activation='linear' with {loss!r}.")


def test_the_wrong_squashing_output_is_refused_with_both_fixes():
    assert message(lambda: MLP([2, 3], output_activation="softmax", loss="binary_crossentropy")) == (
        "Refused: output activation 'softmax' with loss 'binary_crossentropy'. Keras would compute this loss "
        "from the logits before the softmax, not from its outputs, so the two would disagree. Use "
        "output_activation='sigmoid' with 'binary_crossentropy', or loss='categorical_crossentropy' with the "
        "softmax output.")
    assert message(lambda: MLP([2, 3], output_activation="sigmoid", loss="cce")) == (
        "Refused: output activation 'sigmoid' with loss 'categorical_crossentropy'. Keras would compute this "
        "loss from the logits before the sigmoid, not from its outputs, so the two would disagree. Use "
        "output_activation='softmax' with 'categorical_crossentropy', or loss='binary_crossentropy' with the "
        "sigmoid output.")


@pytest.mark.parametrize("act", ["linear", "tanh", "relu"])
def test_categorical_crossentropy_needs_a_softmax(act):
    assert message(lambda: MLP([2, 3], output_activation=act, loss="categorical_crossentropy")) == (
        f"Refused: output activation {act!r} with loss 'categorical_crossentropy'. Categorical cross-entropy "
        "needs probabilities that sum to 1 from a softmax output. Use output_activation='softmax', or "
        "loss='categorical_crossentropy_from_logits' with a linear output.")


def test_the_squashing_layer_must_come_last():
    assert message(lambda: Sequential([Dense(2, 1, "sigmoid"), Dropout(0.5)], loss="binary_crossentropy")) == (
        "Refused: output activation 'sigmoid' with loss 'binary_crossentropy' followed by Dropout: put the "
        "sigmoid layer last (e.g. Dropout before it), so that the loss sees its logits as Keras's does.")


@pytest.mark.parametrize("act,loss,units", [
    ("sigmoid", "mse", 1), ("softmax", "mse", 3), ("tanh", "mse", 1),
    ("linear", "binary_crossentropy_from_logits", 1), ("tanh", "binary_crossentropy_from_logits", 2),
    ("linear", "categorical_crossentropy_from_logits", 3), ("relu", "categorical_crossentropy_from_logits", 2),
    ("sigmoid", "binary_crossentropy", 1), ("sigmoid", "binary_crossentropy", 3),
    ("softmax", "categorical_crossentropy", 2), ("linear", "binary_crossentropy", 1),
    ("tanh", "binary_crossentropy", 2),
])
def test_the_accepted_pairs_build(act, loss, units):
    model = MLP([2, units], output_activation=act, loss=loss)
    assert model.loss.name == get_loss(loss).name and model.layers[-1].act.name == act


def test_a_layer_without_activation_after_a_linear_output_and_none_at_all():
    Sequential([Dense(2, 2, "linear"), Dropout(0.3)], loss="categorical_crossentropy_from_logits")
    Sequential([Dense(2, 2, "tanh"), Dropout(0.3)], loss="binary_crossentropy")
    check_pairing([Flatten()], get_loss("categorical_crossentropy"))  # nothing to check: no activation
    check_pairing([], get_loss("binary_crossentropy"))


def test_assigning_a_loss_later_is_checked_too():
    model = MLP([2, 3], output_activation="softmax", loss="mse")
    with pytest.raises(ValueError, match="Keras would compute this loss"):
        model.loss = "binary_crossentropy"
    assert model.loss.name == "mse"
    model.loss = "categorical_crossentropy"
    assert model.loss.name == "categorical_crossentropy"


def bce_by_hand(y, p):
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def test_sigmoid_bce_is_computed_from_the_logits_and_other_outputs_from_the_probabilities():
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    y = np.array([0.0, 1.0, 1.0])
    W, b = np.array([[40.0], [-1.0]]), np.array([0.5])
    z = X @ W + b
    fused = MLP([2, 1], output_activation="sigmoid", loss="binary_crossentropy")
    fused.set_weights([W, b])
    # from the logits: log(1 + e^z) - z y, exact even where sigmoid(z) rounds to 1 (the clip would give 16.1)
    exact = np.mean(np.logaddexp(0, z[:, 0]) - z[:, 0] * y)
    assert fused.evaluate(X, y) == pytest.approx(exact, rel=1e-14)
    assert fused._fused()
    raw = MLP([2, 1], output_activation="linear", loss="binary_crossentropy")
    raw.set_weights([W * 0.01, b])  # outputs used as probabilities, clipped as Keras does
    z = X @ (W * 0.01) + b
    assert not raw._fused()
    assert raw.evaluate(X, y) == pytest.approx(bce_by_hand(y, z[:, 0]), rel=1e-14)
    tanh = MLP([2, 1], output_activation="tanh", loss="binary_crossentropy")
    tanh.set_weights([W * 0.01, b])
    assert tanh.evaluate(X, y) == pytest.approx(bce_by_hand(y, np.tanh(z[:, 0])), rel=1e-14)


def test_un_fused_gradients_equal_central_differences():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(6, 3)), rng.random((6, 2))
    model = MLP([3, 4, 2], "tanh", "tanh", "binary_crossentropy", l1=0.125, seed=0)
    model.layers[-1].b[...] = 0.3  # tanh outputs in (0, 1) mostly: the clip is seldom active
    X = np.abs(X)
    loss, grads = model.loss_and_grads(X, y)
    for (name, value, _), g in zip(model.params(), grads):
        numeric = np.zeros_like(value)
        for i in np.ndindex(value.shape):
            old = value[i]
            value[i] = old + 1e-6
            up = model.evaluate(X, y)
            value[i] = old - 1e-6
            down = model.evaluate(X, y)
            value[i] = old
            numeric[i] = (up - down) / 2e-6
        assert np.allclose(g, numeric, rtol=1e-6, atol=1e-8), name
    assert loss == pytest.approx(model.evaluate(X, y), rel=1e-14)


def test_sequential_refuses_bad_layer_lists_word_for_word():
    d = Dense(2, 3)
    with pytest.raises(TypeError) as err:
        Sequential(d)
    assert str(err.value).startswith("Sequential takes a list of layers, e.g. [Dense(2, 8), Dense(8, 1)], got Dense")
    with pytest.raises(TypeError, match="Sequential takes a list of layers"):
        Sequential("dense")
    assert message(lambda: Sequential([])) == "Sequential needs at least one layer."
    with pytest.raises(TypeError) as err:
        Sequential((d, "relu"))
    assert str(err.value) == "layer 1 of Sequential is 'relu', not a Layer (Dense, Dropout, Conv2D, ...)."
    assert message(lambda: Sequential([Dense(2, 3, name="a"), Dropout(0.1), Dense(4, 1, name="b")])) == (
        "a outputs 3 values but b expects 4.")
    assert message(lambda: Sequential([Dense(2, 3), Dense(4, 1)])) == (
        "dense_0 outputs 3 values but dense_1 expects 4.")
    Sequential((Dense(2, 3), Dense(3, 1)))  # a tuple is a list of layers too


def test_names_shapes_and_parameters():
    layers = [Dense(2, 3, "relu", name="h"), Dropout(0.5), Dense(3, 3, "tanh", name="h"), Dense(3, 2, name="out")]
    model = Sequential(layers)
    assert model.layer_names == ["h_0", "dropout", "h_2", "out"]
    assert [l.name for l in layers] == ["h", "dropout", "h", "out"]
    assert model.n_in == 2 and model.n_out == 2 and model.dense_layers == [layers[0], layers[2], layers[3]]
    assert [n for n, _, _ in model.params()] == ["h_0/W", "h_0/b", "h_2/W", "h_2/b", "out/W", "out/b"]
    assert model.count_params() == 2 * 3 + 3 + 3 * 3 + 3 + 3 * 2 + 2
    layers[2].trainable = False
    assert [n for n, _, _ in model.trainable_params()] == ["h_0/W", "h_0/b", "out/W", "out/b"]
    assert model.params()[0][1] is layers[0].W and model.params()[0][2] is layers[0].dW
    assert all(g is p[2] for g, p in zip(grads_of(model), model.params()))
    assert model.summary() == ("Dense(2 -> 3, relu)\nDropout(0.5)\nDense(3 -> 3, tanh)\nDense(3 -> 2, linear)\n"
                               "loss: mse, parameters: 29")
    assert repr(model) == ("Sequential([Dense(2 -> 3, relu), Dropout(0.5), Dense(3 -> 3, tanh), "
                           "Dense(3 -> 2, linear)], loss='mse')")


def test_weights_round_trip_and_are_copies():
    model = MLP([2, 3, 1], seed=0)
    w = model.get_weights()
    w[0][0, 0] = 99.0
    assert model.layers[0].W[0, 0] != 99.0
    new = [np.full((2, 3), 1.5), np.arange(3.0), [[2.0], [3.0], [4.0]], [0.5]]
    model.set_weights(new)
    assert np.array_equal(model.layers[0].W, new[0]) and np.array_equal(model.layers[1].W, np.array(new[2]))
    assert model.layers[0].W.dtype == np.float64
    assert message(lambda: model.set_weights(new[:3])) == "expected 4 arrays, got 3."
    assert message(lambda: model.set_weights([np.zeros((3, 2))] + new[1:])) == (
        "dense_0/W has shape (2, 3), got an array of shape (3, 2).")


def test_penalty_sums_every_layer_and_evaluate_can_leave_it_out():
    model = MLP([2, 2, 1], l1=0.5, l2=0.25, seed=0)
    model.set_weights([np.array([[1.0, -2.0], [0.5, 0.0]]), np.zeros(2), np.array([[3.0], [-1.0]]), np.zeros(1)])
    expected = 0.5 * (3.5 + 4.0) + 0.25 * (1 + 4 + 0.25 + 9 + 1)
    assert model.penalty() == pytest.approx(expected, rel=1e-15)
    X, y = np.array([[1.0, 1.0]]), np.array([2.0])
    z1 = np.tanh(X @ model.layers[0].W)
    data_loss = ((z1 @ model.layers[1].W - 2.0) ** 2).item()
    assert model.evaluate(X, y, include_penalty=False) == pytest.approx(data_loss, rel=1e-14)
    assert model.evaluate(X, y) == pytest.approx(data_loss + expected, rel=1e-14)


def test_input_and_target_checks_word_for_word():
    model = MLP([2, 3, 2], seed=0)
    assert message(lambda: model.forward(np.zeros((4, 3)))) == (
        "X has 3 features (shape (4, 3)) but the network expects 2.")
    assert message(lambda: model.forward(np.zeros(2))).startswith("X must be 2-D, got shape (2,).")
    X = np.zeros((4, 2))
    assert message(lambda: model.evaluate(X, np.zeros((4, 2, 1)))) == (
        "y must be 1-D (n,) or 2-D (n, outputs), got shape (4, 2, 1).")
    assert message(lambda: model.evaluate(X, np.zeros((5, 2)))) == "X has 4 samples but y has 5."
    assert message(lambda: model.evaluate(X, np.zeros(4))) == (
        "y has 1 column(s) but the network has 2 outputs (one-hot encode class labels, e.g. dlteach.data.one_hot(y)).")
    assert message(lambda: model.evaluate(X, np.zeros((4, 3)))) == "y has 3 column(s) but the network has 2 outputs."
    one = MLP([2, 1], seed=0)
    assert one._as_targets([1.0, 2.0], 2).shape == (2, 1)
    images = Sequential([Flatten(), Dense(4, 1)])
    assert images._check_X(np.zeros((3, 2, 2))).shape == (3, 2, 2)
    assert message(lambda: images._check_X(np.zeros(4))) == (
        "X must hold one sample per row (at least 2-D), got shape (4,).")


def test_forward_predict_and_activations():
    model = MLP([2, 3, 1], "relu", seed=0)
    X = np.array([[1.0, -1.0], [0.5, 2.0]])
    W1, b1, W2, b2 = model.get_weights()
    a1 = np.maximum(X @ W1 + b1, 0)
    out = a1 @ W2 + b2
    assert np.allclose(model.forward(X), out, rtol=1e-15) and np.allclose(model.predict(X), out, rtol=1e-15)
    acts = model.activations(X)
    assert len(acts) == 2 and np.allclose(acts[0], a1) and np.allclose(acts[1], out)


def test_dropout_is_on_only_when_training():
    model = MLP([2, 50, 1], "linear", dropout=0.5, seed=0)
    X = np.ones((1, 2))
    assert np.array_equal(model.forward(X), model.forward(X))
    y = np.zeros(1)
    assert model.evaluate(X, y) == model.evaluate(X, y)
    l1, _ = model.loss_and_grads(X, y)
    l2, _ = model.loss_and_grads(X, y)
    assert l1 != l2  # a fresh dropout mask each training pass
    l3, _ = model.loss_and_grads(X, y, training=False)
    assert l3 == pytest.approx(model.evaluate(X, y), rel=1e-15)


def test_mlp_builds_the_documented_stack():
    model = MLP([3, 5, 4, 2], "relu", "softmax", "categorical_crossentropy", init="zeros", l1=0.5, l2=0.25,
                dropout=0.25, seed=0)
    assert [type(l).__name__ for l in model.layers] == ["Dense", "Dropout", "Dense", "Dropout", "Dense"]
    assert [l.name for l in model.layers] == ["dense_0", "dropout_0", "dense_1", "dropout_1", "dense_2"]
    assert [l.act.name for l in model.dense_layers] == ["relu", "relu", "softmax"]
    assert all(l.rate == 0.25 for l in model.layers if isinstance(l, Dropout))
    assert all(l.reg.l1 == 0.5 and l.reg.l2 == 0.25 and not l.W.any() for l in model.dense_layers)
    assert model.sizes == [3, 5, 4, 2] and all(type(s) is int for s in MLP(np.array([2, 1])).sizes)
    plain = MLP((2, 3, 1))
    assert [l.act.name for l in plain.layers] == ["tanh", "linear"] and plain.loss.name == "mse"
    assert not plain.layers[0].reg  # no penalty by default
    limit = np.sqrt(6 / 5)  # glorot_uniform by default
    assert np.all(np.abs(plain.layers[0].W) <= limit) and np.abs(plain.layers[0].W).max() > 0.3
    assert np.array_equal(MLP([2, 3, 1]).layers[0].W, MLP([2, 3, 1], seed=0).layers[0].W)  # seed 0 by default
    assert not np.array_equal(MLP([2, 3, 1], seed=1).layers[0].W, MLP([2, 3, 1], seed=0).layers[0].W)


@pytest.mark.parametrize("sizes,error,text", [
    ("231", TypeError, "sizes must be a list of layer sizes, e.g. [2, 8, 1]; got '231'."),
    (5, TypeError, "sizes must be a list of layer sizes, e.g. [2, 8, 1]; got 5."),
    ([2], ValueError, "sizes needs at least an input and an output size, e.g. [2, 1]; got [2]."),
    ([2, 0], ValueError, "every size must be a positive integer, got [2, 0]."),
    ([2, True], ValueError, "every size must be a positive integer, got [2, True]."),
    ([2, 1.0], ValueError, "every size must be a positive integer, got [2, 1.0]."),
])
def test_mlp_sizes_are_checked_word_for_word(sizes, error, text):
    with pytest.raises(error) as err:
        MLP(sizes)
    assert str(err.value) == text


def test_mlp_dropout_and_seed_are_checked():
    with pytest.raises(ValueError, match="dropout must be in"):
        MLP([2, 3, 1], dropout=1.0)
    with pytest.raises(ValueError, match="seed must be None"):
        MLP([2, 3, 1], seed=-1)
    assert len(MLP([2, 3, 1], dropout=0.0).layers) == 2


def test_forward_passes_training_on():
    model = MLP([2, 50, 1], "linear", dropout=0.5, seed=0)
    X = np.ones((1, 2))
    assert not np.array_equal(model.forward(X, training=True), model.forward(X))
