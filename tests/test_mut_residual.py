"""Residual blocks, ActivationLayer and Sequential with nested layers and non-trainable weights,
in NumPy only: forward and backward written out, numerical gradients, the bookkeeping
(names, get/set_weights, count_params, summary, freezing), fit's training mode, and messages word
for word (mutation testing, docs/MUTATION.md). The Keras twins are in tests/test_residual.py."""
import numpy as np
import pytest

from dlteach.core import (SGD, ActivationLayer, BatchNormalization, Conv2D, Dense, Dropout, LayerNormalization,
                          Residual, Sequential, check_model, fit, numerical_gradient, rel_error)
from test_mutants import central_difference


def text(make, error=ValueError):
    with pytest.raises(error) as err:
        make()
    return str(err.value)


def block(width=4, seed=0, **kwargs):
    """x + Dense -> BN -> relu -> Dense: the block of the lesson."""
    return Residual([Dense(width, width, seed=seed), BatchNormalization(width), ActivationLayer("relu"),
                     Dense(width, width, seed=seed + 1)], **kwargs)


def model(blocks=2, width=4, l2=0.0):
    layers = [Dense(3, width, "tanh", seed=0, l2=l2)] + [block(width, seed=10 * b + 1) for b in range(blocks)]
    return Sequential(layers + [Dense(width, 2, seed=99)], loss="mse")


def data(n=10, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 3)), rng.normal(size=(n, 2))


# --- ActivationLayer -------------------------------------------------------------------------------
def test_activation_layer_forward_backward_and_bookkeeping():
    layer = ActivationLayer("tanh")
    x = np.array([[0.5, -2.0], [0.0, 1.0]])
    assert np.array_equal(layer.forward(x), np.tanh(x))
    g = np.array([[1.0, 2.0], [3.0, -1.0]])
    assert np.allclose(layer.backward(g), g * (1 - np.tanh(x) ** 2), rtol=1e-15)
    assert layer.params() == [] and layer.weights() == [] and not layer.trainable and layer.trainable_params() == []
    assert layer.name == "activation" and ActivationLayer("relu", name="r").name == "r"
    assert repr(ActivationLayer("relu")) == "ActivationLayer('relu')"
    assert text(lambda: ActivationLayer("sigmoidal")).startswith("Unknown activation 'sigmoidal'. Valid: ")
    relu = ActivationLayer("relu")
    relu.forward(np.array([[-1.0, 0.0, 2.0]]))
    assert relu.backward(np.ones((1, 3))).tolist() == [[0.0, 0.0, 1.0]]  # f'(0) = 0, as TensorFlow


def test_an_output_probability_belongs_in_the_last_dense():
    layers = [Dense(2, 3, seed=0), ActivationLayer("sigmoid")]
    assert text(lambda: Sequential(layers, loss="binary_crossentropy")) == (
        "Refused: output activation 'sigmoid' with loss 'binary_crossentropy' in an ActivationLayer. Put the output "
        "activation in the last Dense (Dense(..., activation='sigmoid')), whose logits the loss uses as Keras's does.")
    assert text(lambda: Sequential([Dense(2, 3, seed=0), ActivationLayer("softmax")],
                                   loss="categorical_crossentropy")).startswith(
        "Refused: output activation 'softmax' with loss 'categorical_crossentropy' in an ActivationLayer.")
    Sequential(layers, loss="mse")  # mse does not look behind the output: allowed
    Sequential([Dense(2, 3, seed=0), ActivationLayer("relu"), Dense(3, 1, "sigmoid", seed=1)],
               loss="binary_crossentropy")
    Sequential([Dense(2, 3, seed=0), ActivationLayer("relu")], loss="binary_crossentropy_from_logits")


# --- Residual: forward and backward -----------------------------------------------------------------
def test_residual_forward_is_x_plus_f_of_x():
    res = Residual([Dense(3, 3, "tanh", seed=1), Dense(3, 3, seed=2)])
    x = np.random.default_rng(0).normal(size=(5, 3))
    f = res.layers[1].forward(res.layers[0].forward(x))
    assert np.allclose(res.forward(x), x + f, rtol=1e-15, atol=1e-15)


@pytest.mark.parametrize("training", [False, True])
def test_residual_backward_adds_the_two_paths(training):
    res = block(4, seed=3)
    rng = np.random.default_rng(1)
    x, g = rng.normal(size=(6, 4)), rng.normal(size=(6, 4))
    res.forward(x, training=training)
    dx = res.backward(g)
    numeric = central_difference(lambda: float(np.sum(res.forward(x, training=training) * g)), x)
    assert rel_error(dx, numeric) < 1e-8
    # the skip path alone (g) and F's path alone both fall short: the two add at the fork
    res.forward(x, training=training)
    f_path = g
    for layer in reversed(res.layers):
        f_path = layer.backward(f_path)
    assert np.allclose(dx, g + f_path, rtol=1e-15, atol=1e-15)
    assert rel_error(g, numeric) > 1e-3 and rel_error(f_path, numeric) > 1e-3


def test_gradients_of_every_parameter_of_a_residual_model_match_central_differences():
    net = model(l2=0.01)
    X, y = data()
    errors = check_model(net, X, y)  # inference mode (moving statistics)
    assert len(errors) == 2 + 2 * 6 + 2 and max(errors.values()) < 1e-7, errors
    # training mode (batch statistics); the moving statistics move on each call but the loss does not use them
    net.loss_and_grads(X, y, training=True)
    analytic = {name: g.copy() for name, _, g in net.params()}
    for name, w, _ in net.params():
        numeric = numerical_gradient(lambda: net.loss_and_grads(X, y, training=True)[0], w)
        if name in ("residual_1/dense_0/b", "residual_2/dense_0/b"):  # a bias before a BN: BN subtracts the mean
            assert np.max(np.abs(numeric)) < 1e-10 and np.max(np.abs(analytic[name])) < 1e-14, name
        else:
            assert rel_error(analytic[name], numeric) < 1e-7, name


def test_a_block_of_conv_layers_keeps_the_image_shape():
    res = Residual([Conv2D(2, 2, 3, padding="same", activation="relu", seed=0), BatchNormalization(2),
                    Conv2D(2, 2, 3, padding="same", seed=1)])
    assert res.n_in is None and res.n_out is None  # no Dense inside: widths checked on data
    x = np.random.default_rng(2).normal(size=(2, 5, 5, 2))
    g = np.random.default_rng(3).normal(size=x.shape)
    res.forward(x, training=True)
    dx = res.backward(g)
    assert rel_error(dx, central_difference(lambda: float(np.sum(res.forward(x, training=True) * g)), x)) < 1e-8


def test_blocks_nest_and_dropout_inside_follows_training():
    inner = Residual([Dense(3, 3, "tanh", seed=1)], name="inner")
    outer = Residual([Dense(3, 3, seed=2), inner, Dropout(0.5, seed=0)], name="outer")
    assert [n for n, _, _ in outer.params()] == ["outer/dense/W", "outer/dense/b", "outer/inner/dense/W",
                                                 "outer/inner/dense/b"]
    x = np.random.default_rng(4).normal(size=(4, 3))
    h = outer.layers[0].forward(x)
    assert np.allclose(outer.forward(x), x + h + np.tanh(h @ inner.layers[0].W), rtol=1e-14)  # dropout off
    assert not np.allclose(outer.forward(x, training=True), outer.forward(x))


# --- Residual: settings and messages ------------------------------------------------------------------
def test_residual_messages_word_for_word():
    dense = Dense(3, 4, seed=0)
    assert text(lambda: Residual(dense), TypeError) == (
        "Residual takes a non-empty list of layers, e.g. [Dense(8, 8, 'relu'), Dense(8, 8)], "
        "got Dense(3 -> 4, linear).")
    assert text(lambda: Residual([]), TypeError).startswith("Residual takes a non-empty list of layers")
    assert text(lambda: Residual([dense, 5]), TypeError) == (
        "layer 1 of Residual is 5, not a Layer (Dense, BatchNormalization, ...).")
    assert text(lambda: Residual([dense])) == (
        "residual: F maps 3 features to 4, but x + F(x) needs the same width; make its last Dense output 3, or "
        "change the width with a Dense between blocks.")
    assert text(lambda: Residual([Dense(3, 3)], name=""), TypeError) == "name must be a non-empty string, got ''."
    res = Residual([Conv2D(1, 2, 3, padding="same", seed=0)], name="conv_block")
    assert text(lambda: res.forward(np.zeros((1, 4, 4, 1)))) == (
        "conv_block: F(x) has shape (1, 4, 4, 2) but x has (1, 4, 4, 1); x + F(x) needs the same shape (F's layers "
        "must keep the width and size of x).")
    assert text(lambda: Sequential([Dense(3, 6), Residual([Dense(6, 6)]), Dense(5, 1)])) == (
        "residual outputs 6 values but dense_2 expects 5.")
    assert text(lambda: Sequential([Residual([Dense(6, 6)]), Dense(5, 1)])) == (
        "residual outputs 6 values but dense expects 5.")
    assert text(lambda: Sequential([Dense(3, 4), BatchNormalization(5), Dense(4, 1)]).forward(np.zeros((2, 3)))) == (
        "batch_normalization expects inputs of shape (n, ..., 5) with its 5 features on the last axis, got (2, 4).")


def test_residual_bookkeeping():
    res = block(4, seed=0, name="b")
    assert res.n_in == res.n_out == 4 and res.layer_names == ["dense_0", "batch_normalization", "activation",
                                                              "dense_3"]
    assert [n for n, _, _ in res.params()] == ["b/dense_0/W", "b/dense_0/b", "b/batch_normalization/gamma",
                                               "b/batch_normalization/beta", "b/dense_3/W", "b/dense_3/b"]
    assert [n for n, _ in res.weights()] == ["b/dense_0/W", "b/dense_0/b", "b/batch_normalization/gamma",
                                             "b/batch_normalization/beta", "b/batch_normalization/moving_mean",
                                             "b/batch_normalization/moving_variance", "b/dense_3/W", "b/dense_3/b"]
    assert res.params()[0][1] is res.layers[0].W and res.params()[0][2] is res.layers[0].dW
    assert repr(res) == ("Residual([Dense(4 -> 4, linear), BatchNormalization(4), ActivationLayer('relu'), "
                         "Dense(4 -> 4, linear)])")
    assert res.name == "b" and Residual([Dense(2, 2)]).name == "residual" and res.trainable


def test_freezing_a_block_freezes_every_layer_in_it():
    res = block(4)
    res.trainable = False
    assert not res.trainable and all(not layer.trainable for layer in res.layers)
    assert res.trainable_params() == [] and len(res.params()) == 6
    x = np.random.default_rng(5).normal(size=(6, 4))
    mm = res.layers[1].moving_mean.copy()
    res.forward(x, training=True)
    assert np.array_equal(res.layers[1].moving_mean, mm)  # a frozen BN runs in inference mode
    res.trainable = True
    res.layers[1].trainable = False  # one layer frozen inside a trainable block
    assert [n for n, _, _ in res.trainable_params()] == ["residual/dense_0/W", "residual/dense_0/b",
                                                         "residual/dense_3/W", "residual/dense_3/b"]


def test_penalties_of_the_layers_inside_add_up():
    res = Residual([Dense(3, 3, l2=0.5, seed=0), Dense(3, 3, l1=0.25, seed=1)])
    assert res.penalty() == pytest.approx(res.layers[0].penalty() + res.layers[1].penalty(), rel=1e-15)
    net = Sequential([Dense(2, 3, l2=0.1, seed=2), res])
    assert net.penalty() == pytest.approx(net.layers[0].penalty() + res.penalty(), rel=1e-15)


# --- Sequential through nested layers and non-trainable weights --------------------------------------
def test_sequential_weights_names_and_counts_through_blocks():
    net = model(blocks=2)
    names = [n for n, _ in net.weights()]
    assert names[:2] == ["dense_0/W", "dense_0/b"] and names[-2:] == ["dense_3/W", "dense_3/b"]
    assert "residual_1/batch_normalization/moving_mean" in names and "residual_2/dense_3/b" in names
    assert [n for n, _, _ in net.params()] == [n for n in names if "moving" not in n]
    assert net.count_params() == 3 * 4 + 4 + 2 * (2 * (16 + 4) + 4 * 4) + 4 * 2 + 2
    assert net.summary().endswith(f"loss: mse, parameters: {net.count_params()} (16 non-trainable)")
    assert net.summary().splitlines()[1].startswith("Residual([Dense(4 -> 4, linear), BatchNormalization(4)")
    assert [n for n, _, _ in net.trainable_params()] == [n for n, _, _ in net.params()]
    net.layers[1].trainable = False
    assert [n for n, _, _ in net.trainable_params()] == [n for n, _, _ in net.params() if "residual_1" not in n]


def test_get_and_set_weights_carry_the_moving_statistics():
    net = model()
    X, _ = data()
    net.forward(X, training=True)  # moves the moving statistics
    saved = net.get_weights()
    assert len(saved) == 2 + 2 * 8 + 2
    bn = net.layers[1].layers[1]
    assert np.array_equal(saved[6], bn.moving_mean) and saved[6] is not bn.moving_mean  # copies
    other = model()
    other.set_weights(saved)
    assert np.array_equal(other.predict(X), net.predict(X))
    assert np.array_equal(other.layers[1].layers[1].moving_variance, bn.moving_variance)
    assert text(lambda: other.set_weights(saved[:-1])) == "expected 20 arrays, got 19."
    assert text(lambda: other.set_weights(saved[:6] + [np.zeros(5)] + saved[7:])) == (
        "residual_1/batch_normalization/moving_mean has shape (4,), got an array of shape (5,).")


def test_an_optimizer_never_touches_the_moving_statistics():
    net = model()
    X, y = data()
    net.loss_and_grads(X, y)  # training by default: moves them once
    bn = net.layers[1].layers[1]
    mm, mv = bn.moving_mean.copy(), bn.moving_variance.copy()
    SGD(10.0).step(net.trainable_params())
    assert np.array_equal(bn.moving_mean, mm) and np.array_equal(bn.moving_variance, mv)
    assert not any("moving" in name for name, _, _ in net.trainable_params())


def test_fit_trains_in_training_mode_and_evaluates_in_inference_mode():
    net = Sequential([Dense(3, 4, seed=0), BatchNormalization(4, momentum=0.0), ActivationLayer("relu"),
                      Dense(4, 2, seed=1)])
    X, y = data(12)
    bn = net.layers[1]
    before = net.evaluate(X, y)
    assert np.array_equal(bn.moving_variance, np.ones(4))  # evaluate did not move them
    fit(net, X, y, SGD(0.05), epochs=2, batch_size=6, shuffle=False, verbose=0)
    # momentum 0: the moving statistics are the last training batch's, the one whose sigma the layer kept
    assert np.allclose(np.sqrt(bn.moving_variance + bn.epsilon), bn.sigma, rtol=1e-15)
    assert net.evaluate(X, y) < before


def test_layer_normalization_in_a_residual_model_trains():
    net = Sequential([Dense(3, 4, seed=0), Residual([LayerNormalization(4), Dense(4, 4, "relu", seed=1)]),
                      Dense(4, 2, seed=2)])
    X, y = data(20, seed=3)
    h = fit(net, X, y, "adam", epochs=30, batch_size=5, verbose=0, learning_rate=0.01)
    assert h["loss"][-1] < 0.8 * h["loss"][0]
    assert max(check_model(net, X, y).values()) < 1e-7
