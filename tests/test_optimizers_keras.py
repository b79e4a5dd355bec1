"""Adam's amsgrad and AdamW against keras.optimizers in float64: 200-step trajectories on a
problem whose gradients depend on the weights, plus whole-model runs through keras_twin."""
import keras
import numpy as np
import pytest
import tensorflow as tf  # a hard dependency: these tests fail, never skip, without it

import dlteach as dt
from dlteach import keras_twin as kt
from dlteach.core import SGD, Adam, AdamW, RMSprop
from twin_tolerance import twin_tol

# (ours, the Keras twin built by hand, not by keras_twin, so the mapping itself is tested too)
CASES = [
    (lambda: Adam(0.02, amsgrad=True), lambda: keras.optimizers.Adam(0.02, amsgrad=True)),
    (lambda: Adam(0.05, beta_1=0.5, beta_2=0.9, epsilon=1e-3, amsgrad=True),
     lambda: keras.optimizers.Adam(0.05, beta_1=0.5, beta_2=0.9, epsilon=1e-3, amsgrad=True)),
    (lambda: AdamW(0.02), lambda: keras.optimizers.AdamW(0.02)),
    (lambda: AdamW(0.05, weight_decay=0.3, beta_1=0.8, epsilon=1e-4),
     lambda: keras.optimizers.AdamW(0.05, weight_decay=0.3, beta_1=0.8, epsilon=1e-4)),
    (lambda: AdamW(0.02, weight_decay=0.1, amsgrad=True), lambda: keras.optimizers.AdamW(0.02, weight_decay=0.1,
                                                                                        amsgrad=True)),
    (lambda: SGD(0.05, momentum=0.7, nesterov=True), lambda: keras.optimizers.SGD(0.05, momentum=0.7, nesterov=True)),
    (lambda: RMSprop(0.01, rho=0.8, momentum=0.3, centered=True),
     lambda: keras.optimizers.RMSprop(0.01, rho=0.8, momentum=0.3, centered=True)),
]


def _gradients(rng):
    """g(W, b): a quadratic pull towards a target plus a weight-dependent oscillation, noisy, so
    that v rises and falls (amsgrad's maximum matters) and the path depends on every earlier step."""
    A = rng.normal(size=(3, 3))
    A = A @ A.T + 0.1 * np.eye(3)
    noise = rng.normal(size=(200, 3, 2)) * np.linspace(3, 0.1, 200)[:, None, None]  # shrinking noise: v falls
    target = rng.normal(size=(3, 2))

    def grad(t, W, b):
        gW = A @ (W - target) + np.sin(3 * W) + noise[t]
        gb = b - 1.0 + np.cos(b) * noise[t, 0]
        return gW, gb
    return grad


@pytest.mark.parametrize("case", range(len(CASES)))
def test_200_steps_equal_keras_optimizer_in_float64(case):
    ours_factory, keras_factory = CASES[case]
    rng = np.random.default_rng(case)
    grad = _gradients(rng)
    W, b = rng.normal(size=(3, 2)), rng.normal(size=2)
    with kt.floatx("float64"):
        kopt = keras_factory()
        kW, kb = tf.Variable(W.copy()), tf.Variable(b.copy())
    opt = ours_factory()
    worst = 0.0
    for t in range(200):
        gW, gb = grad(t, W, b)
        opt.step([("W", W, gW), ("b", b, gb)])
        kgW, kgb = grad(t, kW.numpy(), kb.numpy())
        kopt.apply_gradients([(tf.constant(kgW), kW), (tf.constant(kgb), kb)])
        worst = max(worst, np.max(np.abs(W - kW.numpy())), np.max(np.abs(b - kb.numpy())))
    assert worst < twin_tol(1e-12), worst
    assert opt.iterations == 200 and isinstance(opt.iterations, int)


@pytest.mark.parametrize("optimizer", [Adam(0.01, amsgrad=True), AdamW(0.01), AdamW(0.01, weight_decay=0.2,
                                                                                     amsgrad=True)],
                         ids=repr)
def test_whole_model_trajectories_equal_keras_through_keras_twin(optimizer):
    rng = np.random.default_rng(7)
    X = rng.normal(size=(80, 2))
    y = (X[:, 0] ** 2 + X[:, 1] > 0.5).astype(float)
    model = dt.MLP([2, 8, 8, 1], "tanh", "sigmoid", "binary_crossentropy", l2=1e-3, seed=3)
    result = kt.side_by_side(model, X, y, optimizer, epochs=25, batch_size=16, seed=5)
    assert result["steps"] == 125
    assert max(result["weight_diff"]) < twin_tol(1e-12)
    assert np.allclose(result["ours"], result["keras"], rtol=twin_tol(1e-12), atol=0)
    assert result["ours"][-1] < result["ours"][0]


def test_keras_twin_maps_every_hyperparameter():
    for opt in [Adam(0.03, beta_1=0.7, beta_2=0.95, epsilon=1e-5, amsgrad=True),
                AdamW(0.03, weight_decay=0.2, beta_1=0.7, beta_2=0.95, epsilon=1e-5, amsgrad=True)]:
        kopt = kt.to_keras_optimizer(opt)
        assert type(kopt).__name__ == type(opt).__name__
        for key, value in opt.config().items():
            theirs = getattr(kopt, key)
            if isinstance(value, bool):
                assert theirs is value, key
            else:
                assert float(np.asarray(theirs)) == pytest.approx(value, rel=1e-7), key  # float32 variables
