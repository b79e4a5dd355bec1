import numpy as np
import pytest

import dlteach as dt
from dlteach.core import numerical_gradient, rel_error
from dlteach.core.explain import occlusion, permutation_importance, saliency


@pytest.fixture(scope="module")
def model_and_data():
    rng = np.random.default_rng(0)
    X = rng.random((40, 16))
    X[:, 0] = 0.0  # a constant feature
    y = np.eye(3)[np.argmax(X[:, 1:4], axis=1)]  # only features 1-3 decide the class
    model = dt.MLP([16, 12, 3], "tanh", "softmax", "categorical_crossentropy", seed=0)
    dt.fit(model, X, y, "adam", learning_rate=0.02, epochs=150, verbose=0)
    return model, X, y


def test_saliency_is_the_gradient_of_the_logit(model_and_data):
    model, X, _ = model_and_data
    x = X[:2].copy()

    def logit_sum():
        model.forward(x)
        return float(model.layers[-1].z[:, 1].sum())

    assert rel_error(saliency(model, x, 1), numerical_gradient(logit_sum, x)) < 1e-7


def test_saliency_equals_gradient_tape(model_and_data):
    import tensorflow as tf  # a hard dependency: missing TensorFlow fails this test, never skips it

    from dlteach import keras_twin

    model, X, _ = model_and_data
    kmodel = keras_twin.to_keras(model)
    xt = tf.constant(X[:3])
    with tf.GradientTape() as tape:
        tape.watch(xt)
        h = kmodel.layers[0](xt)
        z = tf.matmul(h, kmodel.layers[1].kernel) + kmodel.layers[1].bias  # the last layer's logits
        zc = tf.reduce_sum(z[:, 2])
    assert rel_error(saliency(model, X[:3], 2), tape.gradient(zc, xt).numpy()) < 1e-12


def test_occlusion_and_permutation_importance(model_and_data):
    model, X, y = model_and_data
    imp = permutation_importance(model, X, y, n_repeats=3)
    assert imp[0] == 0.0  # a constant feature cannot matter
    assert imp[1:4].min() > imp[4:].max()  # the deciding features matter most
    image = np.arange(16.0) / 16
    occ = occlusion(model, image, 0, side=4, patch=2)
    assert occ.shape == (3, 3)
    p = model.predict(image[None])[0, 0]
    manual = image.reshape(4, 4).copy()
    manual[1:3, 2:4] = 0.0
    assert occ[1, 2] == pytest.approx(p - model.predict(manual.reshape(1, -1))[0, 0])
