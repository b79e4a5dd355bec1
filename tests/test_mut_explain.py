"""Occlusion, permutation importance and saliency against loops written out here, on a small
network whose forward pass is also written out by hand (mutation testing, docs/MUTATION.md)."""
import numpy as np
import pytest

from dlteach.core import MLP
from dlteach.core.explain import occlusion, permutation_importance, saliency


def model_and_forward(n_in=16, hidden=5, k=3, seed=0):
    model = MLP([n_in, hidden, k], "tanh", "softmax", "categorical_crossentropy", seed=seed)
    rng = np.random.default_rng(seed + 100)
    model.layers[0].b[...] = rng.normal(scale=0.3, size=hidden)
    model.layers[1].b[...] = rng.normal(scale=0.3, size=k)
    W1, b1, W2, b2 = (w.copy() for w in model.get_weights())

    def logits(X):
        return np.tanh(X @ W1 + b1) @ W2 + b2

    def probs(X):
        z = logits(X)
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    return model, logits, probs


@pytest.mark.parametrize("side,patch,fill,c", [(4, 2, 0.0, 1), (4, 3, 0.5, 2), (4, 1, -1.0, 0), (4, 4, 2.0, 1),
                                               (5, 2, 0.0, 0)])
def test_occlusion_equals_a_loop_over_patches(side, patch, fill, c):
    model, _, probs = model_and_forward(n_in=side * side)
    image = np.random.default_rng(side + patch).normal(size=(side, side))
    base = probs(image.reshape(1, -1))[0, c]
    out = side - patch + 1
    expected = np.zeros((out, out))
    for i in range(out):
        for j in range(out):
            blanked = image.copy()
            blanked[i:i + patch, j:j + patch] = fill
            expected[i, j] = base - probs(blanked.reshape(1, -1))[0, c]
    got = occlusion(model, image.ravel().tolist(), c, side, patch, fill) if patch != 2 or fill != 0.0 else \
        occlusion(model, image, c, side)  # defaults: patch 2, fill 0
    assert got.shape == (out, out)
    assert np.allclose(got, expected, rtol=1e-12, atol=1e-15)
    assert np.abs(expected).max() > 1e-3  # the patches matter: the test can tell them apart


def test_occlusion_checks_its_arguments_word_for_word():
    model, _, _ = model_and_forward(n_in=9)
    with pytest.raises(ValueError) as err:
        occlusion(model, np.zeros(8), 0, side=3)
    assert str(err.value) == "image has 8 pixels, not side * side = 9."
    with pytest.raises(ValueError, match=r"c \(the class\) must be an integer from 0 to 2, got 3"):
        occlusion(model, np.zeros(9), 3, side=3)
    with pytest.raises(ValueError, match="side must be an integer >= 1, got 0"):
        occlusion(model, np.zeros(9), 0, side=0)
    with pytest.raises(ValueError, match="patch must be an integer from 1 to 3, got 0"):
        occlusion(model, np.zeros(9), 0, side=3, patch=0)
    assert occlusion(model, np.zeros(9), 2, side=3, patch=3).shape == (1, 1)


def accuracy_by_hand(probs, X, Y):
    return np.mean(probs(X).argmax(axis=1) == Y.argmax(axis=1))


@pytest.mark.parametrize("n_repeats,seed", [(3, 0), (1, 5), (4, 2)])
def test_permutation_importance_equals_the_loop(n_repeats, seed):
    model, _, probs = model_and_forward(n_in=4)
    rng = np.random.default_rng(7)
    X = rng.normal(size=(60, 4)) * np.array([2.0, 1.0, 0.5, 0.0])
    Y = np.eye(3)[probs(X).argmax(axis=1)]
    Y[:10] = np.eye(3)[rng.integers(0, 3, 10)]  # some labels the model gets wrong
    base = accuracy_by_hand(probs, X, Y)
    shuffler = np.random.default_rng(seed)
    expected = np.zeros(4)
    for j in range(4):
        for _ in range(n_repeats):
            Xp = X.copy()
            Xp[:, j] = shuffler.permutation(Xp[:, j])
            expected[j] += base - accuracy_by_hand(probs, Xp, Y)
    expected /= n_repeats
    got = permutation_importance(model, X, Y) if (n_repeats, seed) == (3, 0) else \
        permutation_importance(model, X, Y, n_repeats=n_repeats, seed=seed)
    assert np.allclose(got, expected, rtol=1e-12, atol=0)
    assert got[3] == 0.0 and got[0] > 0.05  # a constant column cannot matter; the widest one does
    assert np.array_equal(X[:, 3], np.zeros(60))  # the caller's X is not shuffled


def test_saliency_is_the_logit_gradient_by_central_differences():
    model, logits, _ = model_and_forward(n_in=4)
    X = np.random.default_rng(3).normal(size=(5, 4))
    for c in range(3):
        s = saliency(model, X, c)
        numeric = np.zeros_like(X)
        for i in np.ndindex(X.shape):
            up, down = X.copy(), X.copy()
            up[i] += 1e-6
            down[i] -= 1e-6
            numeric[i] = (logits(up)[i[0], c] - logits(down)[i[0], c]) / 2e-6
        assert np.allclose(s, numeric, rtol=1e-6, atol=1e-9), c


def test_saliency_needs_a_dense_last_layer():
    from dlteach.core import Dense, Dropout, Sequential
    model = Sequential([Dense(3, 2, "linear"), Dropout(0.2)], loss="mse")
    with pytest.raises(ValueError) as err:
        saliency(model, np.zeros((1, 3)), 0)
    assert str(err.value) == "saliency needs a model whose last layer is Dense."


@pytest.mark.parametrize("patch", [1, 2, 3])
def test_occlusion_pixels_average_the_patches_that_cover_each_pixel(patch):
    from dlteach.core.explain import occlusion_pixels
    side, c = 4, 2
    model, _, probs = model_and_forward(n_in=side * side)
    image = np.random.default_rng(patch).normal(size=(side, side))
    base = probs(image.reshape(1, -1))[0, c]
    expected = np.zeros((side, side))
    for r in range(side):
        for s in range(side):
            drops = []
            for i in range(side - patch + 1):
                for j in range(side - patch + 1):
                    if i <= r < i + patch and j <= s < j + patch:
                        blanked = image.copy()
                        blanked[i:i + patch, j:j + patch] = 0.5
                        drops.append(base - probs(blanked.reshape(1, -1))[0, c])
            expected[r, s] = np.mean(drops)
    got = occlusion_pixels(model, image, c, side, patch, fill=0.5)
    assert got.shape == (side, side) and np.allclose(got, expected, rtol=1e-12, atol=1e-15)
    if patch == 2:
        assert np.allclose(occlusion_pixels(model, image, c, side), occlusion_pixels(model, image, c, side, 2, 0.0))


def cnn(seed=0):
    from dlteach.core import Conv2D, Dense, Flatten, Sequential
    model = Sequential([Conv2D(2, 3, 3, activation="relu", seed=seed, name="conv"), Flatten(),
                        Dense(3 * 3 * 3, 4, "softmax", seed=seed + 1)], loss="categorical_crossentropy")
    model.layers[0].b[...] = [0.1, -0.2, 0.3]
    return model


def test_grad_cam_by_hand():
    """z_c = flatten(A) . W[:, c] + b_c, so dz_c/dA is W[:, c] laid out as A (channels last)."""
    from dlteach.core.explain import grad_cam
    from test_mutants import conv_by_loops
    model = cnn()
    image = np.random.default_rng(4).normal(size=(5, 5, 2))
    conv, dense = model.layers[0], model.layers[2]
    A = np.maximum(conv_by_loops(image[None], conv.W, conv.b, (1, 1), "valid")[0], 0.0)  # (3, 3, 3)
    before = [w.copy() for w in model.get_weights()] + [conv.dW.copy(), dense.dW.copy()]
    for c in range(4):
        g = dense.W[:, c].reshape(3, 3, 3)
        alpha = g.mean(axis=(0, 1))
        expected = np.maximum(np.einsum("hwk,k->hw", A, alpha), 0.0)
        assert np.allclose(grad_cam(model, image, c, 0), expected, rtol=1e-12, atol=1e-15)
        assert np.allclose(grad_cam(model, image, c, "conv", per_position=True),
                           np.maximum((g * A).sum(axis=-1), 0.0), rtol=1e-12, atol=1e-15)
    after = [w.copy() for w in model.get_weights()] + [conv.dW, dense.dW]
    assert all(np.array_equal(u, v) for u, v in zip(before, after))  # ran on a copy
    assert np.abs(expected).max() > 0


def test_grad_cam_messages_word_for_word():
    from dlteach.core import Dense, Dropout, Sequential
    from dlteach.core.explain import grad_cam
    model, image = cnn(), np.zeros((5, 5, 2))
    with pytest.raises(ValueError) as err:
        grad_cam(model, image, 0, 2)
    assert str(err.value) == "layer (an index or a layer name) must be an integer from 0 to 1, got 2."
    with pytest.raises(TypeError) as err:
        grad_cam(model, image, 0, "nothing")  # not a layer's name: passed on as it is, and refused
    assert str(err.value) == "layer (an index or a layer name) must be an integer, got 'nothing'."
    with pytest.raises(ValueError) as err:
        grad_cam(model, image, 4, 0)
    assert str(err.value) == "c (the class) must be an integer from 0 to 3, got 4."
    with pytest.raises(ValueError) as err:
        grad_cam(model, image, 0, 1)
    assert str(err.value) == "layer 1 gives an output of shape (27,), not feature maps (h, w, k)."
    flat = Sequential([Dense(4, 3, "relu"), Dense(3, 2), Dropout(0.1)])
    with pytest.raises(ValueError) as err:
        grad_cam(flat, np.zeros(4), 0, 0)
    assert str(err.value) == "grad_cam needs a model whose last layer is Dense."


def test_survivors_of_the_first_run_explain():
    model = MLP([16, 5, 6, 3], "tanh", "softmax", "categorical_crossentropy", seed=0)  # layers[1] has 6 outputs
    with pytest.raises(ValueError, match=r"c \(the class\) must be an integer from 0 to 2, got 3"):
        saliency(model, np.zeros((1, 16)), 3)
    with pytest.raises(ValueError, match=r"c \(the class\) must be an integer from 0 to 2, got 3"):
        occlusion(model, np.zeros(16), 3, side=4)
    # an integer image, blanked with 0.5: the image is float64 first (an int copy would store 0)
    small, _, probs = model_and_forward(n_in=4)
    image = np.array([[1, 2], [3, 4]])
    blanked = np.array([[0.5, 2.0], [3.0, 4.0]])
    expected = probs(image.reshape(1, -1).astype(float))[0, 0] - probs(blanked.reshape(1, -1))[0, 0]
    assert occlusion(small, image, 0, side=2, patch=1, fill=0.5)[0, 0] == pytest.approx(expected, rel=1e-12)
