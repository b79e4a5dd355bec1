"""Every output activation x loss pairing: equal to Keras (float64, loss and gradients to 1e-12,
also through keras_twin's training step) or refused when the model is built, naming the pair."""
import numpy as np
import pytest
import tensorflow as tf

import dlteach as dt
from dlteach import keras_twin as kt
from dlteach.core import ACTIVATIONS, MLP, Dense, Dropout, Sequential, rel_error
from twin_tolerance import twin_tol

LOSS_NAMES = ["mse", "binary_crossentropy", "binary_crossentropy_from_logits", "categorical_crossentropy",
              "categorical_crossentropy_from_logits"]

# The pairs refused, and why: Keras's losses use the logits behind a sigmoid/softmax output, so
# these would silently differ from Keras (or, for one-unit softmax/categorical, never learn).
REFUSED = {
    ("softmax", "binary_crossentropy"), ("sigmoid", "categorical_crossentropy"),
    *((act, loss) for act in ("sigmoid", "softmax")
      for loss in ("binary_crossentropy_from_logits", "categorical_crossentropy_from_logits")),
    *((act, "categorical_crossentropy") for act in ("linear", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu")),
}


def refused(act, loss, units):
    return (act, loss) in REFUSED or (act == "softmax" and units == 1) or (
        loss.startswith("categorical") and units == 1)


def targets(loss, n, units, rng):
    if loss.startswith("binary"):
        return (rng.random((n, units)) > 0.5).astype(float)
    if loss.startswith("categorical"):
        return np.eye(units)[rng.integers(0, units, n)]
    return rng.normal(size=(n, units))


PAIRS = [(a, l, u) for a in sorted(ACTIVATIONS) for l in LOSS_NAMES for u in (1, 3)]


@pytest.mark.parametrize("act,loss,units", PAIRS, ids=[f"{a}-{l}-{u}" for a, l, u in PAIRS])
def test_every_pairing_equals_keras_or_is_refused(act, loss, units):
    rng = np.random.default_rng(len(act) * 10 + len(loss) + units)
    if refused(act, loss, units):
        with pytest.raises(ValueError) as err:
            MLP([3, 4, units], "tanh", act, loss)
        message = str(err.value)
        assert ("softmax over 1 unit" in message or "over 1 output" in message
                or (repr(act) in message and repr(loss) in message)), message
        assert "use" in message.lower()  # the usual fix is named
        return
    model = MLP([3, 4, units], "tanh", act, loss, l2=1e-3, seed=1)
    model.layers[-1].b[...] = rng.normal(scale=0.3, size=units)
    X = rng.normal(scale=2.0, size=(11, 3))
    y = targets(loss, 11, units, rng)
    ours, grads = model.loss_and_grads(X, y)
    kmodel = kt.to_keras(model)
    theirs, kgrads = kt.keras_loss_and_gradients(kmodel, X, y, model.loss)
    assert abs(ours - theirs) <= twin_tol(1e-12) * abs(theirs)
    for (name, _, _), a, b in zip(model.params(), grads, kgrads):
        assert rel_error(a, b) < twin_tol(1e-12), name
    # and through keras_twin's compiled training step (tf.function, graph mode): 3 SGD steps
    result = kt.side_by_side(model, X, y, "sgd", epochs=3, batch_size=None, learning_rate=0.1)
    assert np.allclose(result["ours"], result["keras"], rtol=twin_tol(1e-12), atol=0)
    assert max(result["weight_diff"]) < twin_tol(1e-13)


def test_refused_pairs_are_the_ones_keras_computes_differently():
    """Why they are refused: Keras's loss on these outputs is not the loss of the outputs."""
    rng = np.random.default_rng(0)
    z = rng.normal(size=(6, 3))
    y_hot = np.eye(3)[rng.integers(0, 3, 6)]
    bce = tf.keras.losses.BinaryCrossentropy(dtype="float64")
    cce = tf.keras.losses.CategoricalCrossentropy(dtype="float64")
    soft = tf.keras.activations.softmax(tf.constant(z))
    sig = tf.keras.activations.sigmoid(tf.constant(z))
    assert abs(float(bce(y_hot, soft)) - dt.binary_crossentropy(y_hot, dt.core.activations.softmax(z))[0]) > 1e-2
    assert abs(float(cce(y_hot, sig)) - dt.categorical_crossentropy(y_hot, dt.core.activations.sigmoid(z))[0]) > 1e-2


def test_a_refused_loss_cannot_be_assigned_later_either():
    model = MLP([2, 3], "tanh", "softmax", "categorical_crossentropy")
    with pytest.raises(ValueError, match="'softmax' with loss 'binary_crossentropy'"):
        model.loss = "binary_crossentropy"
    assert model.loss.name == "categorical_crossentropy"


def test_softmax_or_sigmoid_must_come_last_for_cross_entropy():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="followed by Dropout.*put the sigmoid layer last"):
        Sequential([Dense(2, 1, "sigmoid", seed=rng), Dropout(0.2)], loss="binary_crossentropy")
    # mse does not look behind the activation (in Keras either): accepted
    Sequential([Dense(2, 1, "sigmoid", seed=rng), Dropout(0.2)], loss="mse")
