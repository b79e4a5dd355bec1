import numpy as np
import pytest

from dlteach.core import SGD, Adam, RMSprop, get_optimizer


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
    with pytest.raises(ValueError, match="Unknown optimizer 'adamw'.*adam, momentum, nesterov, rmsprop, sgd"):
        get_optimizer("adamw")
    with pytest.raises(ValueError, match="no hyperparameter 'beta'"):
        Adam().set(beta=0.5)
    with pytest.raises(FloatingPointError, match="gradient of w is NaN.*lower the learning rate"):
        SGD(0.1).step([("w", np.zeros(2), np.array([np.nan, 1.0]))])
