"""core/explain.py: saliency leaves the model as it found it; bad arguments are named."""
import copy

import numpy as np
import pytest

import dlteach as dt
from dlteach.core import numerical_gradient, rel_error
from dlteach.core.explain import occlusion, permutation_importance, saliency


def _state(model):
    """Every array a layer keeps: weights, their gradients and the caches of the last pass."""
    return {(i, k): np.array(v, copy=True) for i, layer in enumerate(model.layers)
            for k, v in vars(layer).items() if isinstance(v, np.ndarray)}


def test_saliency_leaves_the_model_untouched():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(30, 6)), np.eye(3)[rng.integers(0, 3, 30)]
    model = dt.MLP([6, 5, 4, 3], "tanh", "softmax", "categorical_crossentropy", l2=1e-3, seed=1)
    model.loss_and_grads(X, y)  # a training step's gradients, as a learner would inspect them
    before = _state(model)
    x = X[:4].copy()
    s = saliency(model, x, 2)
    after = _state(model)
    assert before.keys() == after.keys() and len(before) > 10
    for key in before:
        assert np.array_equal(before[key], after[key]), key  # dW, db, z, a, delta: all as they were
    # and it is still the gradient of the class-2 logit
    def logit_sum():
        work = copy.deepcopy(model)
        work.forward(x)
        return float(work.layers[-1].z[:, 2].sum())
    assert rel_error(s, numerical_gradient(logit_sum, x)) < 1e-7


def test_explain_arguments_are_checked():
    model = dt.MLP([4, 3, 2], "tanh", "softmax", "categorical_crossentropy", seed=0)
    X = np.zeros((2, 4))
    with pytest.raises(ValueError, match=r"c \(the class\) must be an integer from 0 to 1, got 2"):
        saliency(model, X, 2)
    with pytest.raises(TypeError, match=r"c \(the class\) must be an integer, got 1.0"):
        saliency(model, X, 1.0)
    with pytest.raises(ValueError, match=r"image has 4 pixels, not side \* side = 9"):
        occlusion(model, np.zeros(4), 0, side=3)
    with pytest.raises(ValueError, match="patch must be an integer from 1 to 2, got 3"):
        occlusion(model, np.zeros(4), 0, side=2, patch=3)
    with pytest.raises(ValueError, match="n_repeats must be an integer >= 1, got 0"):
        permutation_importance(model, X, np.eye(2), n_repeats=0)
    with pytest.raises(ValueError, match="seed must be None, an integer >= 0"):
        permutation_importance(model, X, np.eye(2), seed=-3)
