"""Lesson 12's attribution methods beyond saliency (core/explain.py): gradient x input, integrated
gradients and SmoothGrad, each against a reference computed independently (tf.GradientTape on the
Keras twin, central differences, or a linear model whose answer is known in closed form)."""
import copy

import numpy as np
import pytest

import dlteach as dt
from dlteach.core import numerical_gradient, rel_error
from dlteach.core.explain import gradient_x_input, integrated_gradients, smoothgrad


def _mlp(seed=0, activation="tanh"):
    model = dt.MLP([6, 5, 4], activation, "softmax", "categorical_crossentropy", seed=seed)
    rng = np.random.default_rng(seed + 10)
    for layer in model.layers:  # biases away from 0, so that ReLU masks and the baseline matter
        layer.b[...] = rng.normal(scale=0.5, size=layer.b.shape)
    return model


def _tape_gradients(model, points, c):
    """dz_c/dx at every row of `points`, by tf.GradientTape through the Keras twin's layers (the
    last layer's logits, before its softmax)."""
    import tensorflow as tf  # a hard dependency: fail, never skip, without it
    from dlteach import keras_twin

    kmodel = keras_twin.to_keras(model)
    xt = tf.constant(points)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        h = xt
        for layer in kmodel.layers[:-1]:
            h = layer(h)
        z = tf.matmul(h, kmodel.layers[-1].kernel) + kmodel.layers[-1].bias
        zc = tf.reduce_sum(z[:, c])
    return tape.gradient(zc, xt).numpy()


def _logit(model, X, c):
    work = copy.deepcopy(model)
    work.forward(np.atleast_2d(X))
    return work.layers[-1].z[:, c]


def test_gradient_x_input_is_the_input_times_the_tape_gradient():
    model = _mlp()
    X = np.random.default_rng(1).normal(size=(4, 6))
    X[0, 2] = 0.0
    ours = gradient_x_input(model, X, 2)
    assert rel_error(ours, X * _tape_gradients(model, X, 2)) < 1e-12
    assert ours[0, 2] == 0.0  # an input at 0 gets nothing

    x = X[:1].copy()
    assert rel_error(gradient_x_input(model, x, 1), x * numerical_gradient(lambda: float(_logit(model, x, 1)[0]), x)) < 1e-7


@pytest.mark.parametrize("baseline", [0.0, "one input", "per sample"])
def test_integrated_gradients_equal_the_tape_on_the_same_path(baseline):
    model = _mlp(activation="relu")
    rng = np.random.default_rng(2)
    X = rng.normal(size=(3, 6))
    base = {0.0: 0.0, "one input": rng.normal(size=6), "per sample": rng.normal(size=(3, 6))}[baseline]
    steps = 7
    b = np.broadcast_to(base, X.shape)
    alphas = (np.arange(steps) + 0.5) / steps  # the middles of the pieces, written out independently
    points = np.concatenate([b + a * (X - b) for a in alphas])
    mean_grad = _tape_gradients(model, points, 3).reshape(steps, *X.shape).mean(axis=0)
    assert rel_error(integrated_gradients(model, X, 3, baseline=base, steps=steps), (X - b) * mean_grad) < 1e-12


def test_integrated_gradients_add_up_to_the_change_of_the_logit():
    model = _mlp(activation="tanh")  # smooth: the midpoint sum converges as 1/steps**2
    rng = np.random.default_rng(3)
    X, base = rng.normal(size=(5, 6)), rng.normal(size=6)
    gap = _logit(model, X, 0) - _logit(model, base[None], 0)
    errors = [np.abs(integrated_gradients(model, X, 0, base, steps).sum(axis=1) - gap).max() for steps in (4, 40)]
    assert errors[1] < 1e-3 and errors[1] < errors[0] / 50  # ten times the steps, a hundredth of the error

    linear = dt.Sequential([dt.Dense(6, 4, "softmax", seed=0)], loss="categorical_crossentropy")
    ig = integrated_gradients(linear, X, 2, base, steps=1)  # one step is exact: the gradient is constant
    assert np.allclose(ig, (X - base) * linear.layers[0].W[:, 2], rtol=0, atol=1e-14)
    assert np.allclose(gradient_x_input(linear, X, 2), X * linear.layers[0].W[:, 2], rtol=0, atol=1e-14)


def test_integrated_gradients_on_images_of_a_cnn_are_complete():
    cnn = dt.Sequential([dt.Conv2D(1, 3, 3, padding="same", activation="tanh", seed=0),
                         dt.MaxPool2D(2), dt.Flatten(), dt.Dense(4 * 4 * 3, 5, "softmax", seed=1)],
                        loss="categorical_crossentropy")
    images = np.random.default_rng(4).random((2, 8, 8, 1))
    ig = integrated_gradients(cnn, images, 4, steps=200)
    assert ig.shape == images.shape
    gap = _logit(cnn, images, 4) - _logit(cnn, np.zeros((1, 8, 8, 1)), 4)
    assert np.allclose(ig.sum(axis=(1, 2, 3)), gap, rtol=0, atol=2e-3)


def test_smoothgrad_is_the_mean_tape_gradient_over_the_same_noise():
    model = _mlp(activation="relu")
    X = np.random.default_rng(5).normal(size=(3, 6))
    rng = np.random.default_rng(11)  # the same draws, in the same order: one (n, d) array per copy
    noisy = np.concatenate([X + rng.normal(0.0, 0.3, size=X.shape) for _ in range(6)])
    expected = _tape_gradients(model, noisy, 1).reshape(6, *X.shape).mean(axis=0)
    assert rel_error(smoothgrad(model, X, 1, sigma=0.3, samples=6, seed=11), expected) < 1e-12
    assert np.array_equal(smoothgrad(model, X, 1, 0.3, 6, seed=11), smoothgrad(model, X, 1, 0.3, 6, seed=11))
    assert not np.array_equal(smoothgrad(model, X, 1, 0.3, 6, seed=11), smoothgrad(model, X, 1, 0.3, 6, seed=12))


def test_the_new_methods_leave_the_model_alone_and_name_bad_arguments():
    model = _mlp()
    X = np.ones((2, 6))
    model.loss_and_grads(X, np.eye(4)[[0, 1]])
    before = [np.array(v, copy=True) for layer in model.layers for v in vars(layer).values()
              if isinstance(v, np.ndarray)]
    gradient_x_input(model, X, 0), integrated_gradients(model, X, 0, steps=3), smoothgrad(model, X, 0, samples=3)
    after = [v for layer in model.layers for v in vars(layer).values() if isinstance(v, np.ndarray)]
    assert len(before) == len(after) and all(np.array_equal(a, b) for a, b in zip(before, after))
    with pytest.raises(ValueError, match="steps must be"):
        integrated_gradients(model, X, 0, steps=0)
    with pytest.raises(ValueError, match=r"baseline of shape \(3,\) does not fit X of shape \(2, 6\)"):
        integrated_gradients(model, X, 0, baseline=np.zeros(3))
    with pytest.raises(ValueError, match="sigma must be > 0"):
        smoothgrad(model, X, 0, sigma=0.0)
    with pytest.raises(ValueError, match="samples must be"):
        smoothgrad(model, X, 0, samples=0)
    with pytest.raises(ValueError, match=r"c \(the class\) must be an integer from 0 to 3"):
        gradient_x_input(model, X, 4)
    with pytest.raises(ValueError, match="X contains 1 NaN"):
        smoothgrad(model, np.array([[np.nan, 0, 0, 0, 0, 0]]), 0)


def test_explain_explorer_maps_have_colour_bars_that_follow_them():
    ex = dt.widgets.ExplainExplorer(image=2)
    for settings in ({}, {"target": 5, "patch": 3}):
        ex.set(**settings)
        fig = ex.draw()
        bars = fig.axes[6:]  # after the six panels: one bar per map
        maps = [ex.saliency, ex.occlusion_pixels, *ex.unit_maps]
        assert len(bars) == len(maps) == 5
        for bar, m in zip(bars, maps):
            lim = np.abs(m).max()
            assert bar.get_ylim() == pytest.approx((-lim, lim))
