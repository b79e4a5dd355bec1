"""Property-based tests (Hypothesis): whatever setting or input is thrown at the optimizers and
the layers, the result is a correct answer or a ValueError/TypeError that names the problem;
never another exception, never a silent NaN."""
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlteach.core import SGD, Adam, AdamW, Conv2D, Dense, Dropout, MaxPool2D, RMSprop, get_optimizer

# derandomized: the same examples on every run, so the suite stays fast and reproducible
FAST = settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])

# anything a learner might type, plus the edge cases of numbers (integers kept small enough that
# a valid layer built from them is cheap to run)
ANYTHING = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True), st.integers(-10, 40), st.booleans(), st.none(),
    st.text(max_size=5), st.lists(st.floats(-1, 1), max_size=2), st.tuples(st.integers(-3, 5), st.integers(-3, 5)),
    st.just(np.float32(0.5)), st.just(np.int64(3)), st.just(np.nan), st.just(1.0), st.just(0.0),
    st.just(10**6), st.just(-(10**9)), st.just(1e300),
)
OPTIMIZERS = [SGD, RMSprop, Adam, AdamW]


def _names_it(err, *names):
    text = str(err)
    assert any(re.search(rf"\b{re.escape(n)}\b", text) for n in names), text
    assert len(text) < 400, text  # short: a sentence, not a traceback


def _finite_steps(opt, steps=3):
    rng = np.random.default_rng(0)
    W, b = rng.normal(size=(3, 2)), rng.normal(size=2)
    for _ in range(steps):
        opt.step([("W", W, rng.normal(size=W.shape)), ("b", b, rng.normal(size=b.shape))])
    return W, b


@FAST
@given(cls=st.sampled_from(OPTIMIZERS), data=st.data(), value=ANYTHING)
def test_any_hyperparameter_value_is_accepted_correctly_or_refused_by_name(cls, data, value):
    key = data.draw(st.sampled_from(cls.hyperparameters))
    try:
        opt = cls(**{key: value})
    except (ValueError, TypeError) as err:
        _names_it(err, key)
        refused = True
    else:
        refused = False
        stored = getattr(opt, key)
        assert stored == value and type(stored) in (float, bool)  # stored as given, as a plain Python value
        if key == "learning_rate" and float(value) > 1e50:  # a finite but absurd step may overflow; fit reports it
            return
        W, b = _finite_steps(opt)
        assert np.all(np.isfinite(W)) and np.all(np.isfinite(b)), (key, value)
    # set() accepts and refuses exactly the same values, and a refusal changes nothing
    opt = cls()
    before = opt.config()
    try:
        opt.set(**{key: value})
    except (ValueError, TypeError) as err:
        assert refused, (key, value)
        _names_it(err, key)
        assert opt.config() == before
    else:
        assert not refused and getattr(opt, key) == value


@FAST
@given(key=st.text(min_size=1, max_size=12), value=ANYTHING, cls=st.sampled_from(OPTIMIZERS))
def test_unknown_names_are_refused_with_the_valid_list(key, value, cls):
    if key in cls.hyperparameters or key == "iterations":
        return
    with pytest.raises(ValueError, match="no hyperparameter.*Valid: learning_rate"):
        cls().set(**{key: value})
    with pytest.raises(ValueError, match="no hyperparameter.*Valid: learning_rate"):
        get_optimizer(cls.name, **{key: value})


@FAST
@given(value=ANYTHING)
def test_iterations_stay_a_non_negative_int(value):
    opt = Adam()
    try:
        opt.set(iterations=value)
    except (ValueError, TypeError) as err:
        _names_it(err, "iterations")
        assert opt.iterations == 0
    else:
        assert type(opt.iterations) is int and opt.iterations == value >= 0


@FAST
@given(shape_w=st.tuples(st.integers(1, 3), st.integers(1, 3)), shape_g=st.tuples(st.integers(1, 3), st.integers(1, 3)),
       kind=st.sampled_from(["float", "int", "list"]))
def test_step_refuses_mismatched_or_non_float_parameters(shape_w, shape_g, kind):
    w = {"float": np.zeros(shape_w), "int": np.zeros(shape_w, dtype=int), "list": [[0.0] * shape_w[1]] * shape_w[0]}[kind]
    try:
        Adam().step([("W", w, np.ones(shape_g))])
    except (ValueError, TypeError) as err:
        _names_it(err, "W")
        assert kind != "float" or shape_w != shape_g
    else:
        assert kind == "float" and shape_w == shape_g and np.all(np.isfinite(w))


LAYER_ARGS = {  # layer -> (required args, {keyword: accepted-example})
    Dense: ((3, 2), ["activation", "init", "l1", "l2", "seed", "name"]),
    Dropout: ((0.5,), ["seed", "name"]),
    Conv2D: ((1, 2), ["kernel_size", "strides", "padding", "activation", "seed", "name"]),
    MaxPool2D: ((), ["pool_size", "strides", "padding", "name"]),
}
POSITIONAL = {Dense: ["n_in", "units"], Dropout: ["rate"], Conv2D: ["c_in", "filters"]}


@FAST
@given(layer=st.sampled_from(list(LAYER_ARGS)), data=st.data(), value=ANYTHING)
def test_any_layer_setting_builds_a_working_layer_or_is_refused_by_name(layer, data, value):
    args, keywords = LAYER_ARGS[layer]
    names = POSITIONAL.get(layer, []) + keywords
    key = data.draw(st.sampled_from(names))
    kwargs = dict(zip(POSITIONAL.get(layer, []), args))
    kwargs[key] = value
    try:
        built = layer(**kwargs)
    except (ValueError, TypeError) as err:
        _names_it(err, key, f"{key}[0]", f"{key}[1]", "seed", "initializer", "activation", "padding",
                  "dropout rate", f"Dense {key}")
        return
    # it works: a forward and backward pass on suitable input give finite numbers of the right shape
    if getattr(built, "W", np.zeros(0)).size > 10**5:  # valid but large (10**6 units): built, not run
        return
    rng = np.random.default_rng(1)
    if isinstance(built, Dense):
        x = rng.normal(size=(4, built.n_in))
    elif isinstance(built, Dropout):
        x = rng.normal(size=(4, 3))
    else:
        x = rng.normal(size=(2, 9, 9, built.W.shape[2] if isinstance(built, Conv2D) else 2))
    try:
        a = built.forward(x, training=True)
    except ValueError as err:  # e.g. a 7x7 pool on 9x9 images with stride 3 is fine; 12x12 is not
        _names_it(err, built.name)
        assert "does not fit" in str(err)
        return
    assert np.all(np.isfinite(a))
    dx = built.backward(np.ones_like(a))
    assert dx.shape == x.shape and np.all(np.isfinite(dx))


@FAST
@given(shape=st.lists(st.integers(0, 6), min_size=0, max_size=5), fill=st.sampled_from([0.0, np.nan, np.inf]),
       layer=st.sampled_from(["conv", "pool"]))
def test_any_input_array_is_processed_or_refused_by_name(shape, fill, layer):
    built = Conv2D(2, 3, 2, padding="same", seed=0) if layer == "conv" else MaxPool2D(2, padding="same")
    x = np.full(shape, fill) if shape else np.float64(fill)
    try:
        a = built.forward(x)
    except (ValueError, TypeError) as err:
        _names_it(err, built.name, "x")
        return
    assert len(shape) == 4 and (np.isfinite(fill) or x.size == 0) and np.all(np.isfinite(a))
    assert built.backward(np.ones_like(a)).shape == x.shape


def test_factors_keras_keeps_in_float32_are_refused_beyond_its_range():
    from dlteach.core import L1L2
    with pytest.raises(ValueError, match=r"weight_decay must be >= 0 and at most 3.4e\+38 .*float32.*got 1e\+300"):
        AdamW(weight_decay=1e300)
    with pytest.raises(ValueError, match=r"l2 must be >= 0 and at most 3.4e\+38"):
        L1L2(l2=1e39)
    assert AdamW(weight_decay=1e38).weight_decay == 1e38


def test_layers_too_large_for_memory_are_refused_with_their_size():
    with pytest.raises(ValueError, match=r"Dense\(100000, 100000\) would have 10,000,000,000 weights \(80.0 GB\)"):
        Dense(10**5, 10**5)
    with pytest.raises(ValueError, match=r"Conv2D\(3, 8, kernel_size=\(1000000, 1000000\)\) would have"):
        Conv2D(3, 8, 10**6)
    with pytest.raises(ValueError, match="a 1000x1000 window with padding 'same' on 9x9 images would pad"):
        MaxPool2D(1000, padding="same").forward(np.zeros((1, 9, 9, 1)))
    assert MaxPool2D(12, 1, padding="same").forward(np.ones((1, 9, 9, 1))).shape == (1, 9, 9, 1)  # Keras allows it
