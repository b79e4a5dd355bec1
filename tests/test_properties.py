"""Property tests (Hypothesis) for bad input across the engine's public API: whatever is thrown at
fit, the losses, the activations, Sequential/MLP and Value, the result is a correct answer or a
ValueError/TypeError whose message names the problem; never another exception, a NumPy warning,
or a silent NaN. No TensorFlow here: these must stay fast."""
import warnings

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from dlteach.core import (ACTIVATIONS, MLP, Callback, Dense, EarlyStopping, Sequential, Value, accuracy,
                          binary_crossentropy, categorical_crossentropy, derivative, fit, get_activation, mse)

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

any_float = st.floats(allow_nan=True, allow_infinity=True)
wide_float = st.floats(min_value=-1e300, max_value=1e300)
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), any_float, st.text(max_size=3),
                    st.just(b"x"), st.just(object()), st.just(np.float64("nan")), st.just(np.int64(3)))
float_arrays = arrays(np.float64, array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4), elements=any_float)
junk = st.one_of(scalars, float_arrays, st.lists(st.one_of(scalars, st.lists(any_float, max_size=3)), max_size=4),
                 st.dictionaries(st.text(max_size=2), st.integers(), max_size=2))


def call(f, *args, **kwargs):
    """f(...) with every NumPy floating-point problem and every warning turned into a failure:
    returns the result, or None when f refused the input with a ValueError/TypeError that says
    something (a message of a few words at least)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
            try:
                return f(*args, **kwargs)
            except (ValueError, TypeError) as err:
                message = str(err)
                assert len(message.split()) >= 3, f"unhelpful message {message!r}"
                return None


def all_finite(x) -> bool:
    return bool(np.all(np.isfinite(np.asarray(x, dtype=np.float64))))


# --- losses -------------------------------------------------------------------------------
LOSS_CALLS = [mse, binary_crossentropy, categorical_crossentropy,
              lambda yt, yp: binary_crossentropy(yt, yp, from_logits=True),
              lambda yt, yp: categorical_crossentropy(yt, yp, from_logits=True)]


@SETTINGS
@given(st.sampled_from(LOSS_CALLS), junk | arrays(np.float64, (3, 2), elements=wide_float),
       junk | arrays(np.float64, (3, 2), elements=wide_float))
def test_losses_answer_or_refuse(loss, y_true, y_pred):
    result = call(loss, y_true, y_pred)
    if result is not None:
        value, grad = result
        assert np.isfinite(value) and all_finite(grad)


# --- activations ----------------------------------------------------------------------------
@SETTINGS
@given(st.sampled_from(sorted(ACTIVATIONS)), junk | arrays(np.float64, (2, 3), elements=wide_float))
def test_activations_answer_or_refuse(name, z):
    a = call(get_activation(name), z)
    if a is not None:
        assert all_finite(a) and np.shape(a) == np.shape(z)
    if name != "softmax":
        d = call(derivative, name, z)
        if d is not None:
            assert all_finite(d)


@SETTINGS
@given(junk)
def test_activation_names_answer_or_refuse(name):
    call(get_activation, name)


# --- Sequential and MLP -------------------------------------------------------------------
@SETTINGS
@given(st.one_of(junk, st.lists(st.integers(-2, 5), max_size=4)),
       st.one_of(junk, st.sampled_from(sorted(ACTIVATIONS))),
       st.one_of(junk, st.sampled_from(sorted(ACTIVATIONS))),
       st.one_of(junk, st.sampled_from(["mse", "binary_crossentropy", "categorical_crossentropy_from_logits"])),
       st.one_of(st.just(0.0), junk), st.one_of(st.just(0.0), junk), st.one_of(st.just(0), junk))
def test_mlp_builds_or_refuses(sizes, activation, output_activation, loss, l2, dropout, seed):
    model = call(MLP, sizes, activation, output_activation, loss, l2=l2, dropout=dropout, seed=seed)
    if model is not None:
        X = np.ones((2, model.n_in))
        assert all_finite(model.forward(X))


@SETTINGS
@given(junk)
def test_sequential_builds_or_refuses(layers):
    call(Sequential, layers)
    call(Sequential, [Dense(2, 1)], loss=layers)


@SETTINGS
@given(junk | arrays(np.float64, (3, 2), elements=wide_float), junk | arrays(np.float64, 3, elements=wide_float))
def test_model_methods_answer_or_refuse(X, y):
    model = MLP([2, 3, 1], "tanh", "sigmoid", "binary_crossentropy", seed=0)
    out = call(model.forward, X)
    if out is not None:
        assert all_finite(out)
    result = call(model.loss_and_grads, X, y)
    if result is not None:
        assert np.isfinite(result[0]) and all(all_finite(g) for g in result[1])
    value = call(model.evaluate, X, y)
    assert value is None or np.isfinite(value)
    acc = call(accuracy, model, X, y)
    assert acc is None or 0 <= acc <= 1


# --- fit --------------------------------------------------------------------------------------
def small_problem():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(12, 2))
    return MLP([2, 3, 1], "tanh", "sigmoid", "binary_crossentropy", seed=0), X, (X[:, 0] > 0).astype(float)


FIT_PARAMETERS = ["X", "y", "optimizer", "epochs", "batch_size", "validation_data", "shuffle", "seed",
                  "callbacks", "verbose", "initial_epoch", "divergence_factor", "learning_rate"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FIT_PARAMETERS), junk)
def test_fit_trains_or_refuses_whatever_one_setting_is(parameter, value):
    if parameter in ("epochs", "initial_epoch") and isinstance(value, (int, np.integer)) and value > 3:
        value = 3  # a valid but huge number of epochs would just train for ages
    model, X, y = small_problem()
    kwargs = {"X": X, "y": y, "epochs": 2, "batch_size": 5, "verbose": 0, parameter: value}
    history = call(lambda: fit(model, kwargs.pop("X"), kwargs.pop("y"), **kwargs))
    if history is not None:
        assert all(all_finite(values) for values in history.history.values())
        assert all(all_finite(w) for w in model.get_weights())


@SETTINGS
@given(arrays(np.float64, st.tuples(st.integers(1, 6), st.just(2)), elements=wide_float),
       st.floats(1e-6, 1e6))
def test_fit_on_extreme_data_trains_diverges_cleanly_or_blames_the_data(X, learning_rate):
    model = MLP([2, 3, 1], "relu", "linear", "mse", seed=0)
    history = call(fit, model, X, X[:, 0], "sgd", epochs=3, batch_size=2, learning_rate=learning_rate, verbose=0)
    if history is not None:
        assert all(all_finite(values) for values in history.history.values())
        assert all(all_finite(w) for w in model.get_weights())


class Recorder(Callback):
    def __init__(self):
        self.logs = []

    def on_epoch_end(self, epoch, logs, model, history):
        self.logs.append(dict(logs))


def test_callbacks_of_every_kind_are_accepted():
    model, X, y = small_problem()
    rec = Recorder()
    h = fit(model, X, y, epochs=3, callbacks=(rec, EarlyStopping(monitor="loss")), verbose=0)
    assert [log["loss"] for log in rec.logs] == h["loss"]


# --- Value --------------------------------------------------------------------------------
OPS = [lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a * b, lambda a, b: a / b,
       lambda a, b: a ** b.data, lambda a, b: abs(b.data) ** a, lambda a, b: a.exp() * b,
       lambda a, b: a.log() + b, lambda a, b: a.tanh() * b.sigmoid(), lambda a, b: (a * b).relu()]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(range(len(OPS))), min_size=1, max_size=4), wide_float, wide_float)
def test_value_graphs_answer_or_refuse(ops, x, w):
    def run():
        a, b = Value(x), Value(w)
        out = a
        for i in ops:
            out = OPS[i](out, b)
        out.backward()
        return out, a, b
    result = call(run)
    if result is not None:
        out, a, b = result
        assert np.isfinite(out.data) and np.isfinite(a.grad) and np.isfinite(b.grad)


@SETTINGS
@given(junk)
def test_value_holds_a_finite_number_or_refuses(data):
    v = call(Value, data)
    if v is not None:
        assert np.isfinite(v.data)
    call(lambda: Value(2.0) ** data)
    call(lambda: data ** Value(2.0))
    call(lambda: Value(2.0) + data)
