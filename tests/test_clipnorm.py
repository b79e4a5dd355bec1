"""Gradient clipping as an optimizer option, Keras's clipnorm and global_clipnorm: the formulas by hand,
the settings refused by name, the options through set / get_optimizer / fit, properties, and (the tests
with 'tensorflow' in their names, which import it) 150-step trajectories equal to keras.optimizers."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from dlteach.core import MLP, SGD, Adam, AdamW, RMSprop, fit, get_optimizer
from dlteach.core.optimizers import squared_norm


def text(make, error=ValueError):
    with pytest.raises(error) as err:
        make()
    return str(err.value)


def test_clipnorm_shrinks_each_gradient_to_the_norm_on_its_own():
    opt = SGD(1.0, clipnorm=1.0)
    a, b = np.zeros(2), np.zeros(2)
    ga, gb = np.array([3.0, 4.0]), np.array([0.3, -0.4])  # norms 5 and 0.5
    opt.step([("a", a, ga), ("b", b, gb)])
    assert a.tolist() == [-0.6, -0.8]  # g * 1 / max(5, 1)
    assert b.tolist() == [-0.3, 0.4]   # under the norm: unchanged
    assert ga.tolist() == [3.0, 4.0] and gb.tolist() == [0.3, -0.4]  # the gradients themselves are not changed
    assert opt.clipped == 1 and opt.iterations == 1


def test_global_clipnorm_scales_all_gradients_by_one_factor():
    opt = SGD(1.0, global_clipnorm=1.3)
    a, b = np.zeros(2), np.zeros(1)
    opt.step([("a", a, np.array([3.0, 4.0])), ("b", b, np.array([12.0]))])  # global norm sqrt(25 + 144) = 13
    np.testing.assert_allclose(np.r_[a, b], [-0.3, -0.4, -1.2], rtol=1e-15)  # all times 1.3 / 13
    assert opt.clipped == 1
    opt.step([("a", a, np.array([0.3, 0.4])), ("b", b, np.array([1.2]))])  # norm 1.3: not above, unchanged
    np.testing.assert_allclose(np.r_[a, b], [-0.6, -0.8, -2.4], rtol=1e-15)
    assert opt.clipped == 1 and opt.iterations == 2


def test_zero_gradients_and_norms_at_the_limit_pass_unchanged():
    for opt in (SGD(0.5, clipnorm=2.0), SGD(0.5, global_clipnorm=2.0)):
        w = np.ones(3)
        with np.errstate(all="raise"):  # no 0/0 for a zero gradient
            opt.step([("w", w, np.zeros(3))])
            opt.step([("w", w, np.array([0.0, 2.0, 0.0]))])  # norm exactly 2: g * 2 / max(2, 2)
        assert w.tolist() == [1.0, 0.0, 1.0] and opt.clipped == 0


def test_clipping_applies_before_every_rule_and_only_when_asked():
    rng = np.random.default_rng(0)
    g = rng.normal(size=(3, 2)) * 10
    for cls in (SGD, RMSprop, Adam, AdamW):
        plain = rng.normal(size=(3, 2))
        clipped, by_hand = plain.copy(), plain.copy()
        cls(0.1, clipnorm=0.5).step([("w", clipped, g)])
        cls(0.1).step([("w", by_hand, g * 0.5 / np.linalg.norm(g))])
        np.testing.assert_allclose(clipped, by_hand, rtol=0, atol=1e-15)
        unclipped = plain.copy()
        cls(0.1).step([("w", unclipped, g)])
        assert not np.allclose(unclipped, clipped)


def test_a_bad_gradient_changes_nothing_when_clipping():
    """The norms need every gradient, so all are checked before any weight moves."""
    opt = SGD(0.5, global_clipnorm=1.0)
    a, b = np.zeros(2), np.zeros(2)
    assert text(lambda: opt.step([("a", a, np.ones(2)), ("b", b, np.array([np.nan, 0.0]))]),
                FloatingPointError) == "gradient of b is NaN or infinite; lower the learning rate."
    assert a.tolist() == [0.0, 0.0] and opt.iterations == 0 and opt.clipped == 0
    assert text(lambda: opt.step([("a", a, np.ones(3))])) == "gradient of a has shape (3,), but a has shape (2,)."


def test_bad_settings_are_refused_by_name():
    assert text(lambda: Adam(clipnorm=0)) == "clipnorm must be > 0, got 0.0."
    assert text(lambda: SGD(global_clipnorm=-1.0)) == "global_clipnorm must be > 0, got -1.0."
    assert text(lambda: RMSprop(clipnorm=float("inf"))) == "clipnorm must be > 0, got inf."
    assert text(lambda: AdamW(clipnorm="1"), TypeError) == "clipnorm must be a number, got '1'."
    assert text(lambda: SGD(clipnorm=True), TypeError) == "clipnorm must be a number, got True."
    assert text(lambda: Adam(clipnorm=1.0, global_clipnorm=2.0)) == (
        "set only one of clipnorm and global_clipnorm (as Keras), got clipnorm=1.0 and global_clipnorm=2.0.")
    opt = Adam(clipnorm=1.0)
    assert text(lambda: opt.set(global_clipnorm=2.0)) == (
        "set only one of clipnorm and global_clipnorm (as Keras), got clipnorm=1.0 and global_clipnorm=2.0.")
    assert text(lambda: opt.set(learning_rate=0.5, clipnorm=-2)) == "clipnorm must be > 0, got -2.0."
    assert opt.learning_rate == 0.001 and opt.clipnorm == 1.0  # a refused set changes nothing
    assert text(lambda: get_optimizer("sgd", clip_norm=1.0)) == (
        "optimizer 'sgd' has no hyperparameter 'clip_norm'. Valid: learning_rate, momentum, nesterov.")


def test_the_options_through_set_config_repr_and_get_optimizer():
    opt = Adam(0.01)
    assert opt.clipnorm is None and opt.global_clipnorm is None and "clipnorm" not in opt.config()
    opt.set(clipnorm=np.float32(0.5))
    assert opt.clipnorm == 0.5 and type(opt.clipnorm) is float and opt.config()["clipnorm"] == 0.5
    assert repr(opt) == "Adam(learning_rate=0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-07, amsgrad=False, clipnorm=0.5)"
    opt.set(clipnorm=None, global_clipnorm=3)  # switch from one to the other in one call
    assert opt.clipnorm is None and opt.global_clipnorm == 3.0
    momentum = get_optimizer("momentum", learning_rate=0.1, clipnorm=2.0)
    assert type(momentum) is SGD and momentum.momentum == 0.9 and momentum.clipnorm == 2.0
    assert get_optimizer("nesterov", global_clipnorm=1.0).global_clipnorm == 1.0
    assert get_optimizer("adamw", clipnorm=1.0).config() == {**AdamW().config(), "clipnorm": 1.0}
    opt.clipped = 4
    opt.reset()
    assert opt.clipped == 0 and opt.iterations == 0


def test_fit_takes_clipnorm_as_an_optimizer_keyword():
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(40, 2)), rng.normal(size=40) * 30  # large targets: large gradients
    runs = {}
    for kwargs in ({}, {"clipnorm": 0.1}, {"global_clipnorm": 0.1}):
        model = MLP([2, 4, 1], seed=0)
        opt = get_optimizer("sgd", learning_rate=0.01, **kwargs)
        fit(model, X, y, opt, epochs=2, batch_size=10, verbose=0)
        runs[tuple(kwargs)] = (model.get_weights()[0], opt.clipped)
    assert runs[()][1] == 0 and runs[("clipnorm",)][1] == runs[("global_clipnorm",)][1] == 8
    assert not np.allclose(runs[()][0], runs[("clipnorm",)][0])
    assert not np.allclose(runs[("clipnorm",)][0], runs[("global_clipnorm",)][0])
    model = MLP([2, 4, 1], seed=0)
    fit(model, X, y, "adam", epochs=1, batch_size=10, verbose=0, global_clipnorm=1.0)


grads = arrays(np.float64, st.integers(1, 6), elements=st.floats(-1e6, 1e6))


@settings(max_examples=60, deadline=None)
@given(g1=grads, g2=grads, c=st.floats(1e-3, 1e3))
def test_clipped_norms_are_at_most_the_limit_and_directions_are_kept(g1, g2, c):
    for key in ("clipnorm", "global_clipnorm"):
        opt = SGD(1.0, **{key: c})
        out = [g for _, _, g in opt.clip([("a", np.zeros_like(g1), g1), ("b", np.zeros_like(g2), g2)])]
        norms = [np.sqrt(squared_norm(g)) for g in out]
        if key == "clipnorm":
            assert all(n <= c * (1 + 1e-12) for n in norms)
            factors = [c / max(np.sqrt(squared_norm(g)), c) for g in (g1, g2)]
        else:
            assert np.hypot(*norms) <= c * (1 + 1e-12)
            total = np.hypot(np.linalg.norm(g1), np.linalg.norm(g2))
            factors = [c / max(total, c)] * 2  # one factor for all
        for g, o, f in zip((g1, g2), out, factors):
            np.testing.assert_allclose(o, g * f, rtol=1e-14, atol=1e-300)
        over = [np.sqrt(squared_norm(g)) > c for g in (g1, g2)] if key == "clipnorm" else [total > c]
        assert opt.clipped == int(any(over))


# --- against keras.optimizers (imports TensorFlow; 'tensorflow' in the names keeps them out of mutation runs) ---
KERAS_CASES = [
    (lambda: SGD(0.05, clipnorm=0.3), "SGD", {"learning_rate": 0.05, "clipnorm": 0.3}),
    (lambda: SGD(0.05, momentum=0.7, nesterov=True, global_clipnorm=0.4), "SGD",
     {"learning_rate": 0.05, "momentum": 0.7, "nesterov": True, "global_clipnorm": 0.4}),
    (lambda: RMSprop(0.01, centered=True, clipnorm=0.2), "RMSprop",
     {"learning_rate": 0.01, "centered": True, "clipnorm": 0.2}),
    (lambda: Adam(0.02, amsgrad=True, global_clipnorm=0.5), "Adam",
     {"learning_rate": 0.02, "amsgrad": True, "global_clipnorm": 0.5}),
    (lambda: AdamW(0.02, weight_decay=0.1, clipnorm=0.7), "AdamW",
     {"learning_rate": 0.02, "weight_decay": 0.1, "clipnorm": 0.7}),
]


@pytest.mark.parametrize("case", range(len(KERAS_CASES)))
def test_150_clipped_steps_equal_keras_with_tensorflow(case):
    import keras  # noqa: PLC0415  only here: the NumPy tests above run without TensorFlow
    import tensorflow as tf  # noqa: PLC0415

    from dlteach import keras_twin as kt  # noqa: PLC0415
    from twin_tolerance import twin_tol  # noqa: PLC0415
    ours_of, keras_name, keras_kwargs = KERAS_CASES[case]
    rng = np.random.default_rng(case)
    W, b = rng.normal(size=(3, 2)), rng.normal(size=2)
    target = rng.normal(size=(3, 2))
    noise = rng.normal(size=(150, 3, 2)) * np.linspace(3, 0.1, 150)[:, None, None]  # early steps are clipped
    with kt.floatx("float64"):
        kopt = getattr(keras.optimizers, keras_name)(**keras_kwargs)
        kW, kb = tf.Variable(W.copy()), tf.Variable(b.copy())
    opt = ours_of()
    assert type(kt.to_keras_optimizer(opt)).__name__ == keras_name
    worst = 0.0
    for t in range(150):
        for w, bias, apply in ((W, b, None), (kW.numpy(), kb.numpy(), True)):
            gW, gb = 2 * (w - target) + noise[t], 3 * bias - 1.0 + noise[t, 0]
            if apply:
                kopt.apply_gradients([(tf.constant(gW), kW), (tf.constant(gb), kb)])
            else:
                opt.step([("W", W, gW), ("b", b, gb)])
        worst = max(worst, np.max(np.abs(W - kW.numpy())), np.max(np.abs(b - kb.numpy())))
    assert worst < twin_tol(1e-12), worst
    assert opt.clipped >= 10  # the limits are small enough that clipping acts


def test_keras_twin_maps_the_clip_options_with_tensorflow():
    from dlteach import keras_twin as kt  # noqa: PLC0415
    for opt in (Adam(clipnorm=0.5), SGD(global_clipnorm=2.0), RMSprop()):
        kopt = kt.to_keras_optimizer(opt)
        assert (kopt.clipnorm, kopt.global_clipnorm) == (opt.clipnorm, opt.global_clipnorm)
