"""The engine behind lessons 04 and 05: the saddle surface, the learning-rate sweep of the fair race,
mini-batch gradients, the learning-rate schedules (against keras.optimizers.schedules), and the
identities the lessons derive (Adam's epsilon, Nesterov's look-ahead, L2 vs decoupled weight decay)."""
import numpy as np
import pytest

import dlteach as dt
from dlteach.core.surfaces import SURFACES
from twin_tolerance import twin_tol


# --------------------------------------------------------------------------- surfaces

@pytest.mark.parametrize("name", sorted(SURFACES))
def test_every_surface_gradient_matches_central_differences(name):
    s = dt.get_surface(name)
    rng = np.random.default_rng(3)
    for w in rng.uniform(-1.5, 1.5, (5, 2)):
        w = w.copy()
        numeric = dt.numerical_gradient(lambda: float(s.f(w)), w)
        assert np.allclose(s.grad(w), numeric, atol=1e-7), (name, w)
    x0, x1, y0, y1 = s.extent
    assert x0 <= s.start[0] <= x1 and y0 <= s.start[1] <= y1  # every start is inside the plotted area
    assert np.allclose(s.grad(np.array(s.minimum, dtype=float)), 0, atol=2e-3)  # two_valleys: to 3 digits


def test_saddle_is_a_saddle_with_two_minima():
    s = dt.get_surface("saddle")
    origin = np.zeros(2)
    assert np.all(s.grad(origin) == 0)
    # the loss rises along w1 and falls along w2 at the origin: a saddle, not a minimum or a maximum
    assert s.f(np.array([0.1, 0.0])) > s.f(origin) > s.f(np.array([0.0, 0.1]))
    for minimum in ((0.0, 1.0), (0.0, -1.0)):
        assert np.all(s.grad(np.array(minimum)) == 0)
        assert s.f(np.array(minimum)) == pytest.approx(-0.25)
    # plain gradient descent stays on the ridge forever when it starts exactly on it, and escapes from 0.01
    on_ridge = dt.descend(lambda w, t: s.grad(w), dt.SGD(0.1), (-1.8, 0.0), 200)
    assert np.allclose(on_ridge[-1], 0, atol=1e-8)
    off = dt.descend(lambda w, t: s.grad(w), dt.SGD(0.1), s.start, 200)
    assert np.allclose(off[-1], (0, 1), atol=1e-6)


# --------------------------------------------------------------------------- the fair race

def test_learning_rate_sweep_equals_separate_runs_and_marks_divergence():
    rates = np.array([0.01, 0.09, 0.1, 0.11, 0.5])
    losses = dt.learning_rate_sweep("ravine", "sgd", rates, 60)
    s = dt.get_surface("ravine")
    for lr, loss in zip(rates[:3], losses[:3]):
        path = dt.descend(lambda w, t: s.grad(w), dt.SGD(lr), s.start, 60)
        assert loss == pytest.approx(float(s.f(path[-1])), rel=1e-12, abs=1e-300)
    assert np.all(np.isinf(losses[3:]))          # above 2/20 the ravine diverges
    assert np.isfinite(losses[2])                 # exactly at the bound w2 only flips sign
    momentum = dt.learning_rate_sweep("ravine", "momentum", [0.01], 60, momentum=0.5)
    path = dt.descend(lambda w, t: s.grad(w), dt.get_optimizer("momentum", learning_rate=0.01, momentum=0.5),
                      s.start, 60)
    assert momentum[0] == pytest.approx(float(s.f(path[-1])), rel=1e-12)


def test_learning_rate_sweep_refuses_bad_input():
    with pytest.raises(ValueError, match="steps must be an integer >= 1"):
        dt.learning_rate_sweep("ravine", "sgd", [0.1], 0)
    with pytest.raises(ValueError, match="optimizer"):
        dt.learning_rate_sweep("ravine", "lion", [0.1], 5)
    with pytest.raises(ValueError, match="learning_rate must be > 0"):
        dt.learning_rate_sweep("ravine", "sgd", [-0.1], 5)


# --------------------------------------------------------------------------- mini-batches

def test_minibatch_gradient_full_batch_seeds_and_errors():
    reg = dt.LinearRegression()
    w = np.array([0.3, -0.2])
    assert np.allclose(reg.minibatch_grad(100, seed=4)(w, 0), reg.grad(w), atol=1e-15)
    a, b, c = (reg.minibatch_grad(5, seed=s) for s in (1, 1, 2))
    ga, gb, gc = a(w, 0), b(w, 0), c(w, 0)
    assert np.array_equal(ga, gb) and not np.allclose(ga, gc)
    # a batch gradient is the mean gradient over the batch's samples
    rng = np.random.default_rng(1)
    idx = rng.choice(100, 5, replace=False)
    assert np.allclose(ga, reg.grad(w, idx))
    with pytest.raises(ValueError, match="batch_size must be an integer from 1 to 100, got 101"):
        reg.minibatch_grad(101)


# --------------------------------------------------------------------------- schedules

STEPS = np.arange(0, 260)


def test_schedules_by_hand():
    assert dt.exponential_decay(100, 0.3, 100, 0.1) == pytest.approx(0.03)
    assert dt.exponential_decay(150, 0.3, 100, 0.1, staircase=True) == pytest.approx(0.03)
    assert dt.cosine_decay(50, 1.0, 100) == pytest.approx(0.5)
    assert dt.cosine_decay(500, 1.0, 100, alpha=0.1) == pytest.approx(0.1)
    lr = dt.piecewise_constant_decay([0, 100, 101, 200, 201], [100, 200], [1.0, 0.1, 0.01])
    assert np.allclose(lr, [1.0, 1.0, 0.1, 0.1, 0.01])  # a boundary step stays in the earlier piece
    assert isinstance(dt.cosine_decay(3, 0.1, 10), float)


@pytest.mark.parametrize("name,ours,kwargs", [
    ("ExponentialDecay", lambda s: dt.exponential_decay(s, 0.3, 70, 0.2),
     {"initial_learning_rate": 0.3, "decay_steps": 70, "decay_rate": 0.2}),
    ("ExponentialDecay", lambda s: dt.exponential_decay(s, 0.3, 70, 0.2, staircase=True),
     {"initial_learning_rate": 0.3, "decay_steps": 70, "decay_rate": 0.2, "staircase": True}),
    ("CosineDecay", lambda s: dt.cosine_decay(s, 0.3, 200, alpha=0.05),
     {"initial_learning_rate": 0.3, "decay_steps": 200, "alpha": 0.05}),
    ("PiecewiseConstantDecay", lambda s: dt.piecewise_constant_decay(s, [50, 120], [0.3, 0.03, 0.003]),
     {"boundaries": [50, 120], "values": [0.3, 0.03, 0.003]}),
])
def test_schedules_equal_keras(name, ours, kwargs):
    from dlteach import keras_twin

    theirs = keras_twin.keras_schedule(name, STEPS, **kwargs)
    assert np.max(np.abs(ours(STEPS) - theirs)) <= twin_tol(1e-12) * 0.3


def test_schedules_refuse_bad_input():
    with pytest.raises(ValueError, match="step must be >= 0"):
        dt.exponential_decay(-1, 0.1, 10, 0.5)
    with pytest.raises(ValueError, match="one entry more than boundaries"):
        dt.piecewise_constant_decay(3, [10, 20], [0.1, 0.01])
    with pytest.raises(ValueError, match="boundaries must increase"):
        dt.piecewise_constant_decay(3, [20, 10], [0.1, 0.01, 0.001])
    with pytest.raises(ValueError, match="alpha must be in"):
        dt.cosine_decay(3, 0.1, 10, alpha=2.0)
    with pytest.raises(ValueError, match="decay_steps must be > 0"):
        dt.cosine_decay(3, 0.1, 0)
    with pytest.raises(TypeError, match="staircase must be True or False"):
        dt.exponential_decay(3, 0.1, 10, 0.5, staircase="yes")
    from dlteach import keras_twin
    with pytest.raises(ValueError, match="Unknown schedule 'StepDecay'"):
        keras_twin.keras_schedule("StepDecay", [0])


# --------------------------------------------------------------------------- lesson 05's identities

def test_keras_adam_is_the_paper_rule_with_eps_hat():
    """Keras's eps is the paper's eps_hat * sqrt(1 - beta_2^t): eps_hat = eps / sqrt(1 - beta_2^t).
    beta_1 = 0.5, beta_2 = 0.875 are exact in float32, so dt.Adam's float32 constants change nothing."""
    s = dt.get_surface("ravine")
    b1, b2, eps, lr = 0.5, 0.875, 1e-3, 0.05
    w, m, v = np.array(s.start), np.zeros(2), np.zeros(2)
    paper, paper_same_eps = [w.copy()], [w.copy()]
    w2 = w.copy()
    m2, v2 = m.copy(), v.copy()
    for t in range(1, 101):
        g = s.grad(w)
        m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g**2
        w = w - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps / np.sqrt(1 - b2**t))
        paper.append(w.copy())
        g2 = s.grad(w2)
        m2, v2 = b1 * m2 + (1 - b1) * g2, b2 * v2 + (1 - b2) * g2**2
        w2 = w2 - lr * (m2 / (1 - b1**t)) / (np.sqrt(v2 / (1 - b2**t)) + eps)
        paper_same_eps.append(w2.copy())
    ours = dt.descend(lambda w, t: s.grad(w), dt.Adam(lr, beta_1=b1, beta_2=b2, epsilon=eps), s.start, 100)
    assert np.max(np.abs(ours - np.array(paper))) < 1e-12
    assert np.max(np.abs(ours - np.array(paper_same_eps))) > 1e-6


def test_keras_nesterov_stores_the_look_ahead_point():
    s = dt.get_surface("rosenbrock")
    mu, lr = 0.5, 0.01  # 0.5 is exact in float32
    w, m = np.array(s.start), np.zeros(2)
    look_ahead = [w.copy()]
    for _ in range(80):
        m = mu * m - lr * s.grad(w + mu * m)
        w = w + m
        look_ahead.append(w + mu * m)
    ours = dt.descend(lambda w, t: s.grad(w), dt.get_optimizer("nesterov", learning_rate=lr, momentum=mu), s.start, 80)
    assert np.max(np.abs(ours - np.array(look_ahead))) < 1e-12


def test_adam_l2_reaches_the_regularised_minimum_adamw_shrinks_uniformly():
    curvature, lam = np.array([100.0, 0.01]), 0.1
    w_l2, w_dec = np.zeros(2), np.zeros(2)
    adam, adamw = dt.Adam(0.01), dt.AdamW(0.01, weight_decay=lam)
    for _ in range(2000):
        adam.step([("w", w_l2, curvature * (w_l2 - 1) + lam * w_l2)])
        adamw.step([("w", w_dec, curvature * (w_dec - 1))])
    assert np.allclose(w_l2, curvature / (curvature + lam), atol=1e-6)
    assert abs(w_dec[0] - w_dec[1]) < 1e-3 and 0.9 < w_dec.min() < 1


def test_adamw_path_equals_keras():
    from dlteach import keras_twin

    def f(W):
        return 0.5 * (100 * (W[..., 0] - 1) ** 2 + 0.01 * (W[..., 1] - 1) ** 2)

    grad = lambda w, t: np.array([100 * (w[0] - 1), 0.01 * (w[1] - 1)])  # noqa: E731
    ours = dt.descend(grad, dt.AdamW(0.01, weight_decay=0.1), (0.0, 0.0), 40)
    theirs = keras_twin.keras_descend(f, dt.AdamW(0.01, weight_decay=0.1), (0.0, 0.0), 40)
    assert np.max(np.abs(ours - theirs)) <= twin_tol(1e-12)
