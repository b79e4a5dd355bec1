"""Loss surfaces, descend and the learning-rate sweep against values and loops written out here
(mutation testing, docs/MUTATION.md)."""
import numpy as np
import pytest

from dlteach.core import SGD
from dlteach.core.surfaces import SURFACES, LinearRegression, Surface, descend, get_surface, learning_rate_sweep

POINTS = np.array([[0.5, -1.0], [1.5, 2.0], [-0.7, 0.3], [2.0, -0.25]])

BY_HAND = {  # L(w1, w2) and its gradient written out from each formula
    "bowl": (lambda a, b: (a * a + b * b) / 2, lambda a, b: (a, b)),
    "ravine": (lambda a, b: (a * a + 20 * b * b) / 2, lambda a, b: (a, 20 * b)),
    "rotated_ravine": (lambda a, b: ((a + b) ** 2 + 20 * (a - b) ** 2) / 4,
                       lambda a, b: (((a + b) + 20 * (a - b)) / 2, ((a + b) - 20 * (a - b)) / 2)),
    "rosenbrock": (lambda a, b: (1 - a) ** 2 + 5 * (b - a * a) ** 2,
                   lambda a, b: (-2 * (1 - a) - 20 * a * (b - a * a), 10 * (b - a * a))),
    "two_valleys": (lambda a, b: a ** 4 / 4 - a * a / 2 + 0.3 * a + b * b / 2, lambda a, b: (a ** 3 - a + 0.3, b)),
    "saddle": (lambda a, b: (a * a - b * b) / 2 + b ** 4 / 4, lambda a, b: (a, b ** 3 - b)),
}


@pytest.mark.parametrize("name", sorted(BY_HAND))
def test_each_surface_value_and_gradient_by_hand(name):
    s = get_surface(name)
    f, g = BY_HAND[name]
    assert s.name == name and set(SURFACES) == set(BY_HAND)
    assert np.allclose(s.f(POINTS), [f(a, b) for a, b in POINTS], rtol=1e-14)
    assert np.allclose(s.grad(POINTS), [g(a, b) for a, b in POINTS], rtol=1e-14)
    assert s.grad(POINTS[0]).shape == (2,) and np.ndim(s.f(POINTS[0])) == 0
    # the minimum is a stationary point, lower than the start, and both lie in the plotted extent
    assert np.allclose(s.grad(np.array(s.minimum)), 0.0, atol=2e-3)  # two_valleys: rounded to -1.125
    assert s.f(np.array(s.minimum)) < s.f(np.array(s.start))
    w1_min, w1_max, w2_min, w2_max = s.extent
    for a, b in (s.minimum, s.start):
        assert w1_min <= a <= w1_max and w2_min <= b <= w2_max
    assert isinstance(s.formula, str) and s.formula.startswith("L = ")


def test_minima_are_the_true_minima():
    assert get_surface("two_valleys").minimum[0] == pytest.approx(np.roots([1, 0, -1, 0.3]).real.min(), abs=2e-3)
    assert get_surface("rosenbrock").minimum == (1.0, 1.0) and get_surface("bowl").minimum == (0.0, 0.0)
    assert get_surface("saddle").minimum == (0.0, 1.0) and get_surface("ravine").minimum == (0.0, 0.0)
    assert get_surface("saddle").start[1] == 0.01  # just off the ridge: it escapes the saddle


def test_the_rotated_ravine_is_the_ravine_turned_by_45_degrees():
    ravine, rotated = get_surface("ravine"), get_surface("rotated_ravine")
    turn = np.array([[1.0, -1.0], [1.0, 1.0]]) / np.sqrt(2)  # (u, v) of the ravine -> (w1, w2) of the rotated one
    assert np.allclose(rotated.f(POINTS @ turn.T), ravine.f(POINTS), rtol=1e-14)
    assert np.allclose(rotated.grad(POINTS @ turn.T), ravine.grad(POINTS) @ turn.T, rtol=1e-13)
    assert np.allclose(np.array(ravine.start) @ turn.T, rotated.start, rtol=1e-15)
    assert rotated.f(np.array(rotated.start)) == pytest.approx(ravine.f(np.array(ravine.start)), rel=1e-14)


def test_get_surface():
    s = SURFACES["bowl"]
    assert get_surface(s) is s and get_surface("Ravine") is SURFACES["ravine"]
    custom = Surface("c", lambda W: W[..., 0], lambda W: W, (0, 0), (1, 1), (0, 1, 0, 1), "L = w1")
    assert get_surface(custom) is custom
    with pytest.raises(ValueError, match="Unknown surface 'cliff'"):
        get_surface("cliff")


def sgd_path(grad, start, lr, steps):
    w, path = np.array(start, dtype=float), [np.array(start, dtype=float)]
    for t in range(steps):
        w = w - lr * grad(w, t)
        if np.max(np.abs(w)) > 1e6:
            break
        path.append(w.copy())
    return np.array(path)


def test_descend_equals_a_loop_and_passes_the_step_number():
    grad = lambda w, t: np.array([w[0] * (1 + t), 3 * w[1]])  # noqa: E731
    path = descend(grad, SGD(0.1), [1.0, -2.0], 6)
    assert path.shape == (7, 2)
    assert np.allclose(path, sgd_path(grad, [1.0, -2.0], 0.1, 6), rtol=1e-15)
    assert descend(grad, SGD(0.1), (1.0, 2.0), 0).tolist() == [[1.0, 2.0]]


def test_descend_stops_when_the_point_leaves_the_plane():
    grad = lambda w, t: -w * 99  # noqa: E731  w <- 100 w: 1, 1e2, 1e4, 1e6 (on the edge), 1e8 (off)
    path = descend(grad, SGD(0.1 * 10), [1.0, -1.0], 10)
    assert np.allclose(path[:, 0], [1.0, 1e2, 1e4, 1e6]) and len(path) == 4


def test_descend_stops_at_a_nan_gradient_or_weight():
    calls = []

    def grad(w, t):
        calls.append(t)
        return np.array([np.nan, 0.0]) if t == 2 else np.array([1.0, 1.0])
    path = descend(grad, SGD(0.5), [0.0, 0.0], 5)
    assert len(path) == 3 and calls == [0, 1, 2] and np.allclose(path[-1], [-1.0, -1.0])
    huge = descend(lambda w, t: np.array([1e308, 0.0]), SGD(10.0), [0.0, 0.0], 3)
    assert len(huge) == 1  # -1e309 is -inf: not kept
    with pytest.raises(ValueError, match="steps must be an integer >= 0"):
        descend(lambda w, t: w, SGD(0.1), [0.0, 0.0], -1)
    with pytest.raises(ValueError, match="start must be 1-D"):
        descend(lambda w, t: w, SGD(0.1), [[0.0, 0.0]], 1)


def test_learning_rate_sweep_against_the_loop():
    rates = [0.01, 0.1, 1.0, 1.9, 2.1]
    got = learning_rate_sweep("bowl", "sgd", rates, 20)
    start = np.array(SURFACES["bowl"].start)
    for lr, value in zip(rates, got):
        w = start * (1 - lr) ** 20  # the bowl's gradient is w: w_t = (1 - lr)^t w_0
        final = 0.5 * w @ w
        if final > 0.5 * start @ start:
            assert value == np.inf, lr
        else:
            assert value == pytest.approx(final, rel=1e-10, abs=1e-300), lr
    assert got[-1] == np.inf and got[2] == 0.0


def test_learning_rate_sweep_floor_start_and_hyperparameters():
    # rosenbrock's minimum is 0; the two-valley floor is not, and is subtracted
    s = SURFACES["two_valleys"]
    floor = s.f(np.array(s.minimum))
    assert floor < -0.3
    got = learning_rate_sweep("two_valleys", "sgd", [0.05], 400)
    path = sgd_path(lambda w, t: s.grad(w), s.start, 0.05, 400)
    assert got[0] == pytest.approx(max(s.f(path[-1]) - floor, 0.0), rel=1e-9, abs=1e-12)
    start = (1.0, 1.0)
    got = learning_rate_sweep("bowl", "sgd", [0.5], 3, start=start, momentum=0.5)
    mu, w, m = float(np.float32(0.5)), np.array(start), np.zeros(2)
    for _ in range(3):
        m = mu * m - 0.5 * w
        w = w + m
    assert got[0] == pytest.approx(0.5 * w @ w, rel=1e-12)
    with pytest.raises(ValueError, match="steps must be an integer >= 1, got 0"):
        learning_rate_sweep("bowl", "sgd", [0.1], 0)
    with pytest.raises(ValueError, match="learning_rates must be 1-D"):
        learning_rate_sweep("bowl", "sgd", 0.1, 3)
    # a run that ends exactly where it started is kept (not higher than the start)
    assert learning_rate_sweep("bowl", "sgd", [2.0], 2)[0] == pytest.approx(0.5 * start_norm2("bowl"), rel=1e-12)
    # one that diverges out of the plane is inf even if it would come back lower
    assert learning_rate_sweep("bowl", "sgd", [1e7], 3)[0] == np.inf


def start_norm2(name):
    s = np.array(SURFACES[name].start)
    return s @ s


def test_linear_regression_surface_by_hand():
    problem = LinearRegression(n=30, noise=0.2, seed=3)
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, 30)
    y = 2 * x - 1 + 0.2 * rng.normal(size=30)
    assert np.array_equal(problem.x, x) and np.array_equal(problem.y, y)
    W = np.array([[0.5, -1.0], [2.0, 0.0]])
    assert np.allclose(problem.f(W), [np.mean((a * x + b - y) ** 2) for a, b in W], rtol=1e-14)
    w = np.array([0.5, -1.0])
    r = 0.5 * x - 1.0 - y
    assert np.allclose(problem.grad(w), [2 * np.mean(r * x), 2 * np.mean(r)], rtol=1e-14)
    idx = np.array([1, 4, 7])
    assert np.allclose(problem.grad(w, idx), [2 * np.mean(r[idx] * x[idx]), 2 * np.mean(r[idx])], rtol=1e-14)
    assert np.allclose(problem.grad(np.array(problem.minimum)), 0.0, atol=1e-12)
    assert (problem.name, problem.extent, problem.start) == ("regression", (-2, 4, -3, 2), (-0.5, 1.5))
    assert problem.formula.startswith("L(w, b) = mean_i")
    full = problem.minibatch_grad(30)
    assert np.allclose(full(w, 0), problem.grad(w), rtol=1e-14)
    draws = np.random.default_rng(5)
    batch = problem.minibatch_grad(4, seed=5)
    for t in range(3):
        assert np.allclose(batch(w, t), problem.grad(w, draws.choice(30, 4, replace=False)), rtol=1e-14)


def test_linear_regression_defaults_and_checks():
    problem = LinearRegression()
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, 100)
    assert np.array_equal(problem.x, x) and np.array_equal(problem.y, 2 * x - 1 + 0.5 * rng.normal(size=100))
    assert np.allclose(LinearRegression(n=2, noise=0).minimum, (2.0, -1.0))
    first = problem.minibatch_grad(10)(np.zeros(2), 0)
    assert np.allclose(first, problem.grad(np.zeros(2), np.random.default_rng(0).choice(100, 10, replace=False)))
    with pytest.raises(ValueError, match="n must be an integer >= 2, got 1"):
        LinearRegression(n=1)
    with pytest.raises(ValueError, match="noise must be >= 0"):
        LinearRegression(noise=-0.1)
    with pytest.raises(ValueError, match="batch_size must be an integer from 1 to 100, got 101"):
        problem.minibatch_grad(101)
    problem.minibatch_grad(1)


def test_survivors_of_the_first_run_surfaces():
    # the plane ends at 1e6: a point at 1e6 + 0.5 is off it
    assert len(descend(lambda w, t: np.array([-1e6 - 0.5, 0.0]), SGD(1.0), [0.0, 0.0], 1)) == 1
    assert len(descend(lambda w, t: np.array([-1e6, 0.0]), SGD(1.0), [0.0, 0.0], 1)) == 2
    # a run that goes down a little from the start is kept: the floor (about -0.57) is subtracted from both
    s = SURFACES["two_valleys"]
    floor = s.f(np.array(s.minimum))
    end = np.array(s.start) - 1e-3 * s.grad(np.array(s.start))
    assert learning_rate_sweep("two_valleys", "sgd", [1e-3], 1)[0] == pytest.approx(s.f(end) - floor, rel=1e-12)
    problem = LinearRegression(n=10, seed=1)
    w = np.array([0.5, -1.0])
    assert problem.f(w) == pytest.approx(np.mean((0.5 * problem.x - 1.0 - problem.y) ** 2), rel=1e-14)
    with pytest.raises(ValueError) as err:
        problem.minibatch_grad(2, seed=-1)
    assert str(err.value) == "seed must be None, an integer >= 0 or a numpy Generator, got -1."
