import numpy as np
import pytest

from dlteach.core import (ACTIVATIONS, MLP, Dense, Dropout, L1L2, Sequential, check_model, get_initializer,
                          numerical_gradient, rel_error)

ELEMENTWISE = [n for n in sorted(ACTIVATIONS) if n != "softmax"]


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("n,n_in,n_out", [(1, 1, 1), (5, 3, 4), (9, 6, 2)])
def test_dense_backward_matches_numerical(activation, n, n_in, n_out, rng):
    layer = Dense(n_in, n_out, activation, seed=rng, l1=0.0, l2=0.0)
    layer.b[...] = rng.normal(size=n_out)  # non-zero biases
    x = rng.normal(size=(n, n_in))
    g = rng.normal(size=(n, n_out))  # L = sum(g * a)
    loss = lambda: float(np.sum(g * layer.forward(x)))
    layer.forward(x)
    dx = layer.backward(g)
    assert rel_error(layer.dW, numerical_gradient(loss, layer.W)) < 1e-7
    assert rel_error(layer.db, numerical_gradient(loss, layer.b)) < 1e-7
    assert rel_error(dx, numerical_gradient(loss, x)) < 1e-7


def test_regularizer_penalty_and_gradient(rng):
    W = rng.normal(size=(4, 3))
    reg = L1L2(l1=0.01, l2=0.02)
    assert reg.penalty(W) == pytest.approx(0.01 * np.abs(W).sum() + 0.02 * (W**2).sum(), rel=1e-7)
    assert rel_error(reg.grad(W), numerical_gradient(lambda: reg.penalty(W), W)) < 1e-7
    with pytest.raises(ValueError, match="l2 must be >= 0"):
        L1L2(l2=-1)


def test_dropout_is_inverted_and_identity_at_inference(rng):
    d = Dropout(0.5, seed=0)
    x = np.ones((2000, 50))
    assert d.forward(x) is x
    out = d.forward(x, training=True)
    assert set(np.unique(out)) <= {0.0, 2.0}
    assert abs(out.mean() - 1.0) < 0.02  # expectation preserved
    g = rng.normal(size=x.shape)
    assert np.array_equal(d.backward(g), g * d.mask)
    with pytest.raises(ValueError, match=r"dropout rate must be in \[0, 1\)"):
        Dropout(1.0)


def test_initializers_have_the_documented_scale():
    W = get_initializer("glorot_uniform")(300, 200, 0)
    limit = np.sqrt(6 / 500)
    assert np.abs(W).max() <= limit and np.abs(W).max() > 0.99 * limit
    W = get_initializer("he_normal")(400, 400, 0)
    assert W.std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert np.abs(W).max() <= 2 * np.sqrt(2 / 400) / 0.87962566103423978 + 1e-12
    assert get_initializer("bad_normal")(400, 400, 0).std() == pytest.approx(1.0, rel=0.02)
    assert not get_initializer("zeros")(3, 3).any()
    with pytest.raises(ValueError, match="Unknown initializer 'xavier'.*glorot_uniform"):
        get_initializer("xavier")


LOSS_SETUPS = [  # (loss, output activation, output size)
    ("mse", "linear", 2),
    ("mse", "sigmoid", 1),
    ("binary_crossentropy", "sigmoid", 1),  # fused: computed from logits
    ("binary_crossentropy", "tanh", 1),  # not fused; tanh in (-1, 1) is squashed into (0, 1) below
    ("binary_crossentropy_from_logits", "linear", 1),
    ("categorical_crossentropy", "softmax", 3),  # fused
    ("categorical_crossentropy_from_logits", "linear", 3),
]


def _data(loss, n_out, rng, n=12, n_in=3):
    X = rng.normal(size=(n, n_in))
    if "binary" in loss:
        y = (rng.random((n, n_out)) > 0.5).astype(float)
    elif "categorical" in loss:
        y = np.eye(n_out)[rng.integers(0, n_out, n)]
    else:
        y = rng.normal(size=(n, n_out))
    return X, y


@pytest.mark.parametrize("loss,out_act,n_out", LOSS_SETUPS)
@pytest.mark.parametrize("hidden", [[], [4], [5, 3], [4, 4, 4]])
@pytest.mark.parametrize("activation", ELEMENTWISE)
def test_whole_network_gradient_check(loss, out_act, n_out, hidden, activation, rng):
    if loss == "binary_crossentropy" and out_act == "tanh":
        out_act = "sigmoid"  # probabilities are needed; the fused path is checked with sigmoid
    model = MLP([3, *hidden, n_out], activation, out_act, loss, l1=1e-3, l2=1e-3, seed=int(rng.integers(1e6)))
    for _, b, _ in model.params():
        if b.ndim == 1:
            b[...] = rng.normal(scale=0.1, size=b.shape)
    X, y = _data(loss, n_out, rng)
    errors = check_model(model, X, y)
    assert max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("out_act", ["linear", "tanh", "relu"])
def test_probability_path_without_fusion(out_act, rng):
    # BCE on an output that is not a sigmoid: the loss must be computed from the outputs a (with
    # Keras's clip), not from logits. Outputs are kept inside (0, 1) so the clip is not active.
    model = Sequential([Dense(3, 4, "tanh", seed=rng), Dense(4, 1, out_act, seed=rng)], loss="binary_crossentropy")
    model.layers[-1].W[...] *= 0.1
    model.layers[-1].b[...] = 0.5
    X, y = _data("binary", 1, rng)
    a = model.forward(X)
    assert np.all((a > 0.05) & (a < 0.95))
    expected = -np.mean(y * np.log(a) + (1 - y) * np.log(1 - a))  # the textbook formula, by hand
    assert model.evaluate(X, y) == pytest.approx(expected, rel=1e-13)
    assert model.loss_and_grads(X, y)[0] == pytest.approx(expected, rel=1e-13)
    assert max(check_model(model, X, y).values()) < 1e-7
    assert not model._fused()
    assert MLP([2, 1], output_activation="sigmoid", loss="binary_crossentropy")._fused()


def test_set_get_weights_round_trip_and_errors(rng):
    model = MLP([2, 3, 1], seed=0)
    w = [rng.normal(size=v.shape) for v in model.get_weights()]
    model.set_weights(w)
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), w))
    with pytest.raises(ValueError, match=r"dense_0/W has shape \(2, 3\)"):
        model.set_weights([np.zeros((3, 3))] + w[1:])
    assert model.count_params() == 2 * 3 + 3 + 3 + 1


def test_bad_input_messages():
    model = MLP([2, 4, 1], seed=0)
    with pytest.raises(ValueError, match=r"X has 3 features \(shape \(5, 3\)\) but the network expects 2"):
        model.forward(np.zeros((5, 3)))
    with pytest.raises(ValueError, match="X must be 2-D.*reshape"):
        model.forward(np.zeros(5))
    with pytest.raises(ValueError, match="X contains 1 NaN"):
        model.forward(np.array([[1.0, np.nan]]))
    with pytest.raises(TypeError, match="X must be an array of numbers"):
        model.forward([["a", "b"]])
    with pytest.raises(ValueError, match="X has 2 samples but y has 3"):
        model.loss_and_grads(np.zeros((2, 2)), np.zeros(3))
    with pytest.raises(ValueError, match="y has 1 column.*3 outputs.*one-hot"):
        MLP([2, 3], loss="categorical_crossentropy", output_activation="softmax").loss_and_grads(
            np.zeros((2, 2)), np.array([0, 2]))
    with pytest.raises(ValueError, match="positive integer"):
        MLP([2, 0, 1])
    with pytest.raises(ValueError, match="at least an input and an output"):
        MLP([2])
    with pytest.raises(ValueError, match="dense_0 outputs 3 values but dense_1 expects 4"):
        Sequential([Dense(2, 3, name="dense_0"), Dense(4, 1, name="dense_1")])


def test_mlp_is_reproducible_by_seed():
    a, b, c = MLP([2, 8, 1], seed=3), MLP([2, 8, 1], seed=3), MLP([2, 8, 1], seed=4)
    assert all(np.array_equal(x, y) for x, y in zip(a.get_weights(), b.get_weights()))
    assert not np.array_equal(a.get_weights()[0], c.get_weights()[0])


def test_cnn_sequential_gradient_check_on_images(rng):
    from dlteach.core import Conv2D, Flatten, MaxPool2D
    model = Sequential([Conv2D(1, 2, 3, padding="same", activation="tanh", seed=rng), MaxPool2D(2), Flatten(),
                        Dense(8, 2, "softmax", seed=rng)], loss="categorical_crossentropy")
    X = rng.normal(size=(5, 4, 4, 1))
    Y = np.eye(2)[rng.integers(0, 2, 5)]
    assert model.forward(X).shape == (5, 2)
    assert max(check_model(model, X, Y).values()) < 1e-7
    with pytest.raises(ValueError, match="at least 2-D"):
        model.forward(np.zeros(4))


def test_sequential_never_renames_the_callers_layers():
    a, b, c = Dense(2, 3, name="dense"), Dense(3, 3, name="dense"), Dense(3, 1, name="out")
    model = Sequential([a, b, c])
    assert (a.name, b.name, c.name) == ("dense", "dense", "out")
    assert [name for name, _, _ in model.params()] == ["dense_0/W", "dense_0/b", "dense_1/W", "dense_1/b",
                                                       "out/W", "out/b"]
    Sequential([a, Dense(3, 1, name="dense")])  # the same layers in another model: still untouched
    assert a.name == "dense"
    assert [name for name, _, _ in model.trainable_params()] == [name for name, _, _ in model.params()]


def test_mlp_is_a_class_and_a_sequential():
    model = MLP([2, 5, 1], "relu", "sigmoid", "binary_crossentropy", dropout=0.2, seed=1)
    assert isinstance(model, MLP) and isinstance(model, Sequential) and isinstance(MLP, type)
    assert model.sizes == [2, 5, 1]
    assert [type(l).__name__ for l in model.layers] == ["Dense", "Dropout", "Dense"]
    with pytest.raises(TypeError, match="sizes must be a list"):
        MLP(3)
    with pytest.raises(ValueError, match="dropout must be in"):
        MLP([2, 1], dropout=1.5)
    with pytest.raises(ValueError, match="seed must be"):
        MLP([2, 1], seed=-1)
    with pytest.raises(TypeError, match="Sequential takes a list of layers"):
        Sequential(Dense(2, 1))
    with pytest.raises(TypeError, match="layer 1 of Sequential is 'relu'"):
        Sequential([Dense(2, 1), "relu"])
