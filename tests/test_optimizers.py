import numpy as np
import pytest

from dlteach.core import SGD, Adam, AdamW, RMSprop, get_optimizer


def run(opt, w0, grad_fn, steps):
    w = np.array(w0, dtype=float)
    for _ in range(steps):
        opt.step([("w", w, grad_fn(w))])
    return w


def test_sgd_plain_momentum_nesterov_by_hand():
    g = np.array([1.0, -2.0])
    w = run(SGD(0.1), [0.0, 0.0], lambda w: g, 2)
    assert np.allclose(w, -2 * 0.1 * g)
    mu = float(np.float32(0.9))  # Keras's momentum passes through float32
    # momentum: m1 = -lr g, m2 = mu m1 - lr g; w = m1 + m2
    w = run(SGD(0.1, momentum=0.9), [0.0, 0.0], lambda w: g, 2)
    assert np.allclose(w, -0.1 * g + (mu * -0.1 * g - 0.1 * g), rtol=1e-15)
    # nesterov: w += mu m - lr g after each m update
    m1 = -0.1 * g
    m2 = mu * m1 - 0.1 * g
    w = run(SGD(0.1, momentum=0.9, nesterov=True), [0.0, 0.0], lambda w: g, 2)
    assert np.allclose(w, (mu * m1 - 0.1 * g) + (mu * m2 - 0.1 * g), rtol=1e-15)


def test_rmsprop_and_adam_first_step_by_hand():
    g = np.array([0.5, -3.0])
    w = run(RMSprop(0.01, rho=0.9), [0.0, 0.0], lambda w: g, 1)
    assert np.allclose(w, -0.01 * g / np.sqrt(0.1 * g**2 + 1e-7), rtol=1e-14)
    # Adam's first step is lr * sign(g) up to epsilon, whatever the size of g
    w = run(Adam(0.01), [0.0, 0.0], lambda w: g, 1)
    assert np.allclose(w, -0.01 * np.sign(g), rtol=1e-4)
    b1, b2 = float(np.float32(0.9)), float(np.float32(0.999))
    alpha = 0.01 * np.sqrt(1 - b2) / (1 - b1)
    m, v = g * (1 - 0.9), g**2 * (1 - 0.999)
    assert np.allclose(w, -alpha * m / (np.sqrt(v) + 1e-7), rtol=1e-14)


@pytest.mark.parametrize("name,kwargs", [("sgd", {"learning_rate": 0.1}), ("momentum", {"learning_rate": 0.05}),
                                         ("nesterov", {"learning_rate": 0.05}), ("rmsprop", {"learning_rate": 0.05}),
                                         ("adam", {"learning_rate": 0.1})])
def test_every_optimizer_minimises_a_quadratic_bowl(name, kwargs):
    A = np.diag([1.0, 10.0])  # L = 1/2 w^T A w, minimum at 0
    w = run(get_optimizer(name, **kwargs), [3.0, -2.0], lambda w: A @ w, 500)
    assert np.linalg.norm(w) < 0.05, (name, w)


def test_hyperparameters_change_without_losing_state():
    opt = Adam(0.01)
    run(opt, [1.0], lambda w: 2 * w, 3)
    m = opt.state[0]["m"].copy()
    opt.set(learning_rate=0.1)
    assert opt.learning_rate == 0.1 and np.array_equal(opt.state[0]["m"], m) and opt.iterations == 3
    opt.reset()
    assert opt.iterations == 0 and not opt.state


@pytest.mark.parametrize("bad", [0, -0.1, float("nan"), float("inf")])
def test_learning_rate_must_be_positive(bad):
    with pytest.raises(ValueError, match="learning_rate must be > 0"):
        SGD(bad)
    with pytest.raises(ValueError, match="learning_rate must be > 0"):
        Adam(0.1).set(learning_rate=bad)


def test_other_bad_hyperparameters():
    with pytest.raises(TypeError, match="learning_rate must be a number"):
        SGD("fast")
    with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\)"):
        SGD(0.1, momentum=1.5)
    with pytest.raises(ValueError, match=r"beta_2 must be in \[0, 1\)"):
        Adam(beta_2=1.0)
    with pytest.raises(ValueError, match="Unknown optimizer 'adamax'.*adam, adamw, momentum, nesterov, rmsprop, sgd"):
        get_optimizer("adamax")
    with pytest.raises(ValueError, match="no hyperparameter 'beta'"):
        Adam().set(beta=0.5)
    with pytest.raises(FloatingPointError, match="gradient of w is NaN.*lower the learning rate"):
        SGD(0.1).step([("w", np.zeros(2), np.array([np.nan, 1.0]))])


# --- every hyperparameter checked where it is given: constructor and set -----------------------
BAD = {  # hyperparameter -> [(bad value, exception, what the message must say)]
    "learning_rate": [(0, ValueError, "> 0"), (-1e-3, ValueError, "> 0"), (float("inf"), ValueError, "> 0"),
                      ("0.1", TypeError, "a number")],
    "momentum": [(-0.1, ValueError, ">= 0"), (1.0, ValueError, r"\[0, 1\)"), (None, TypeError, "a number")],
    "rho": [(1.0, ValueError, r"\[0, 1\)"), (float("nan"), ValueError, ">= 0")],
    "beta_1": [(1.0, ValueError, r"\[0, 1\)"), (-0.5, ValueError, ">= 0")],
    "beta_2": [(1.2, ValueError, r"\[0, 1\)"), ([0.9], TypeError, "a number")],
    "epsilon": [(0, ValueError, "> 0"), (-1, ValueError, "> 0"), (float("nan"), ValueError, "> 0")],
    "weight_decay": [(-0.01, ValueError, ">= 0"), (float("inf"), ValueError, ">= 0")],
    "nesterov": [("yes", TypeError, "True or False"), (1, TypeError, "True or False")],
    "centered": [("no", TypeError, "True or False"), (None, TypeError, "True or False")],
    "amsgrad": [(0, TypeError, "True or False"), ("True", TypeError, "True or False")],
}
CLASSES = [SGD, RMSprop, Adam, AdamW]
CASES = [(cls, key, bad, exc, want) for cls in CLASSES for key in cls.hyperparameters for bad, exc, want in BAD[key]]


@pytest.mark.parametrize("cls,key,bad,exc,want", CASES, ids=[f"{c.__name__}-{k}-{b!r}" for c, k, b, _, _ in CASES])
def test_every_bad_hyperparameter_is_named_in_constructor_and_set(cls, key, bad, exc, want):
    with pytest.raises(exc, match=f"{key} must be.*{want}"):
        cls(**{key: bad})
    opt = cls()
    before = opt.config()
    with pytest.raises(exc, match=f"{key} must be.*{want}") as err:
        opt.set(learning_rate=0.5, **{key: bad}) if key != "learning_rate" else opt.set(**{key: bad})
    assert repr(bad)[:20] in str(err.value)  # the message shows the value it refused
    assert opt.config() == before  # a refused set changes nothing, not even the valid part


def test_every_hyperparameter_is_stored_as_given_and_accepted_by_set():
    good = {"learning_rate": 0.2, "momentum": 0.5, "rho": 0.8, "beta_1": 0.7, "beta_2": 0.99, "epsilon": 1e-4,
            "weight_decay": 0.01, "nesterov": True, "centered": True, "amsgrad": True}
    for cls in CLASSES:
        kwargs = {k: good[k] for k in cls.hyperparameters}
        assert cls(**kwargs).config() == kwargs
        assert cls().set(**kwargs).config() == kwargs
        assert get_optimizer(cls.name, **kwargs).config() == kwargs
    assert type(Adam().set(learning_rate=np.float32(0.5)).learning_rate) is float
    assert Adam().set(amsgrad=np.True_).amsgrad is True


def test_set_names_the_valid_hyperparameters_and_keeps_iterations_an_int():
    with pytest.raises(ValueError, match="Adam has no hyperparameter 'lr'. Valid: learning_rate, beta_1, beta_2, "
                                         "epsilon, amsgrad, iterations"):
        Adam().set(lr=0.1)
    with pytest.raises(ValueError, match="SGD has no hyperparameter 'epsilon'"):
        SGD().set(epsilon=1e-3)
    opt = Adam(0.1)
    opt.set(iterations=7)
    assert opt.iterations == 7 and type(opt.iterations) is int
    w = run(opt, [1.0], lambda w: np.array([2.0]), 1)  # bias correction uses t = 8
    b1, b2 = float(np.float32(0.9)), float(np.float32(0.999))
    alpha = 0.1 * np.sqrt(1 - b2**8) / (1 - b1**8)
    assert w[0] == pytest.approx(1.0 - alpha * 0.2 / (np.sqrt(0.001 * 4) + 1e-7), rel=1e-14)
    for bad, exc in [(7.0, TypeError), (-1, ValueError), ("7", TypeError), (True, TypeError)]:
        with pytest.raises(exc, match="iterations must be an integer"):
            Adam().set(iterations=bad)


def test_get_optimizer_refuses_keywords_it_would_ignore():
    opt = Adam(0.01)
    with pytest.raises(ValueError, match=r"optimizer object Adam\(learning_rate=0.01.*and also learning_rate=0.5"):
        get_optimizer(opt, learning_rate=0.5)
    assert opt.learning_rate == 0.01
    assert get_optimizer(opt) is opt
    with pytest.raises(ValueError, match="optimizer 'adam' has no hyperparameter 'lr'. Valid: learning_rate"):
        get_optimizer("adam", lr=0.1)
    with pytest.raises(ValueError, match="'momentum' has no hyperparameter 'rho'"):
        get_optimizer("momentum", rho=0.9)
    assert get_optimizer("nesterov", momentum=0.5).config() == {"learning_rate": 0.01, "momentum": 0.5,
                                                                 "nesterov": True}
    assert isinstance(get_optimizer(AdamW, weight_decay=0.1), AdamW)


def test_fit_refuses_an_optimizer_object_with_keywords():
    import dlteach as dt
    model = dt.MLP([2, 3, 1], seed=0)
    X, y = np.zeros((8, 2)), np.zeros(8)
    with pytest.raises(ValueError, match="and also learning_rate=0.5"):
        dt.fit(model, X, y, Adam(0.01), learning_rate=0.5, epochs=1, verbose=0)


def test_an_optimizer_reused_on_another_shape_says_so():
    opt = Adam()
    run(opt, [1.0, 2.0], lambda w: w, 2)
    with pytest.raises(ValueError, match=r"parameter 0 has shape \(3,\).*built for shape \(2,\).*new optimizer"):
        opt.step([("w", np.zeros(3), np.ones(3))])


def test_amsgrad_and_adamw_by_hand():
    # amsgrad: after a large gradient and then a small one, the step divides by the largest v so far
    g = [np.array([10.0]), np.array([0.1])]
    w = np.zeros(1)
    opt = Adam(0.1, amsgrad=True)
    for gt in g:
        opt.step([("w", w, gt)])
    b1, b2 = float(np.float32(0.9)), float(np.float32(0.999))
    m1, v1 = 0.1 * 10.0, 0.001 * 100.0
    m2, v2 = m1 + (0.1 - m1) * 0.1, v1 + (0.01 - v1) * 0.001
    step1 = 0.1 * np.sqrt(1 - b2) / (1 - b1) * m1 / (np.sqrt(v1) + 1e-7)
    step2 = 0.1 * np.sqrt(1 - b2**2) / (1 - b1**2) * m2 / (np.sqrt(max(v1, v2)) + 1e-7)
    assert v2 < v1 and w[0] == pytest.approx(-step1 - step2, rel=1e-14)
    plain = run(Adam(0.1), [0.0], lambda w, it=iter(g): next(it), 2)
    assert plain[0] < w[0]  # without amsgrad the second step is larger (divides by the smaller v2)
    # AdamW with a zero gradient: Adam's step is 0, so only the decay acts, w (1 - wd lr) per step,
    # with wd used as a float32 number as Keras does
    w = run(AdamW(0.1, weight_decay=0.3), [2.0, -1.0], lambda w: np.zeros(2), 5)
    assert np.allclose(w, np.array([2.0, -1.0]) * (1 - float(np.float32(0.3)) * 0.1) ** 5, rtol=1e-15, atol=0)
    # decoupled: the decay does not pass through 1/sqrt(v), unlike an L2 term added to g
    w = run(AdamW(0.1, weight_decay=0.0), [2.0], lambda w: np.array([1.0]), 3)
    assert np.array_equal(w, run(Adam(0.1), [2.0], lambda w: np.array([1.0]), 3))


def test_the_base_class_refuses_unknown_hyperparameters_by_name():
    from dlteach.core import Optimizer
    with pytest.raises(TypeError, match="Optimizer has no hyperparameter 'lr'. Valid: learning_rate, momentum"):
        Optimizer(0.1, lr=0.1)
