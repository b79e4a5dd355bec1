"""dlteach.experiments: the lessons' models and runs, tested below the widgets (no drawing), and
the rule that cached trained models are handed out as copies, never shared."""
import sys

import numpy as np
import pytest

import dlteach as dt
from dlteach import data, experiments as ex


def test_experiments_module_imports_no_drawing_or_tensorflow():
    import subprocess

    code = ("import sys, dlteach.experiments; "
            "print([m for m in ('matplotlib', 'ipywidgets', 'tensorflow', 'keras') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --- cached models are never shared mutably ------------------------------------------------------
def test_digits_model_returns_a_fresh_copy_each_call():
    model, X_test, y_test = ex.digits_model()
    before = model.predict(X_test[:20]).copy()
    weights = model.get_weights()
    assert dt.accuracy(model, X_test, data.one_hot(y_test, 10)) > 0.9  # it is the trained model
    # what a caller may do to its copy: saliency stores gradients, pruning and edits change weights
    dt.saliency(model, X_test[:5], 3)
    for layer in model.dense_layers:
        layer.W[...] = 0.0
    X_test[...] = 0.0
    y_test[...] = -1
    again, X2, y2 = ex.digits_model()
    assert again is not model and again.layers[0] is not model.layers[0]
    assert all(np.array_equal(a, b) for a, b in zip(again.get_weights(), weights))
    assert np.array_equal(again.predict(X2[:20]), before)
    assert X2.max() > 0 and y2.min() == 0


def test_digits_teacher_returns_a_fresh_copy_and_compression_leaves_it_alone():
    teacher, X_train, X_test, Y_train, Y_test = ex.digits_teacher()
    weights = teacher.get_weights()
    acc, size = ex.compressed_accuracy(teacher, X_test, Y_test, sparsity=0.9, bits=3)
    assert all(np.array_equal(a, b) for a, b in zip(teacher.get_weights(), weights))  # a copy was pruned
    full_acc, full_size = ex.compressed_accuracy(teacher, X_test, Y_test)
    assert full_acc == dt.accuracy(teacher, X_test, Y_test) and full_acc > 0.9
    assert size < full_size / 10 and acc < full_acc
    dt.prune(teacher, 0.99)  # the caller's own copy
    again = ex.digits_teacher()[0]
    assert all(np.array_equal(a, b) for a, b in zip(again.get_weights(), weights))


def test_digits_split_is_a_copy_with_the_stated_sizes():
    X_train, X_val, X_test, y_train, y_val, y_test = ex.digits_split()
    assert (len(X_train), len(X_val), len(X_test)) == (1149, 288, 360)
    X_train[...] = -1
    assert ex.digits_split()[0].min() >= 0
    # the test part is load_digits's, so lessons 09 and 12 score on the same images
    assert np.array_equal(X_test, data.load_digits()[1])


# --- lesson 08 -----------------------------------------------------------------------------------
def test_layer_statistics_are_the_forward_pass_and_its_gradients():
    acts, norms, model = ex.layer_statistics(4, 16, "sigmoid", "glorot_uniform", n=64, seed=3)
    assert len(acts) == 4 and all(a.shape == (64, 16) for a in acts) and norms.shape == (5,)
    # the activations, recomputed layer by layer from the model's weights and the same input
    rng = np.random.default_rng(3)  # the same draws as layer_statistics: X, then the labels
    X = rng.normal(size=(64, 16))
    y = (rng.random(64) > 0.5).astype(float)
    a = X
    for layer, got in zip(model.dense_layers, acts):
        a = 1 / (1 + np.exp(-(a @ layer.W + layer.b)))
        assert np.allclose(got, a, rtol=1e-12, atol=0)
    # the norms are those of a backward pass of the binary cross-entropy on that batch
    model.loss_and_grads(np.ones((3, 16)), [1.0, 0.0, 1.0])  # overwrite the stored dW ...
    model.loss_and_grads(X, y, training=False)  # ... and recompute them for the original batch
    assert np.allclose(norms, [np.linalg.norm(layer.dW) for layer in model.dense_layers], rtol=1e-12)
    # sigmoid with Glorot: the gradient shrinks towards the input (vanishing gradients)
    deep = ex.layer_statistics(12, 32, "sigmoid", "glorot_uniform")[1]
    assert deep[0] < deep[-1] / 10
    with pytest.raises(ValueError, match="depth must be an integer >= 1, got 0"):
        ex.layer_statistics(0, 16, "tanh", "glorot_uniform")


# --- lesson 10 -----------------------------------------------------------------------------------
def test_moons_split_is_disjoint_and_reproducible():
    X, y, X_val, y_val = ex.moons_split(60, seed=2)
    assert X.shape == (60, 2) and X_val.shape == (200, 2) and set(np.unique(y)) == {0.0, 1.0}
    rows = {tuple(r) for r in X}
    assert not rows & {tuple(r) for r in X_val}
    assert all(np.array_equal(a, b) for a, b in zip((X, y, X_val, y_val), ex.moons_split(60, seed=2)))
    assert np.array_equal(ex.moons_split(100, seed=2)[0][:60], X)  # more data: the same first points
    with pytest.raises(ValueError, match="n_train must be an integer from 1 to 200, got 300"):
        ex.moons_split(300)


def test_overfit_run_records_the_loss_without_the_penalty():
    model, history, (X, y, X_val, y_val) = ex.overfit_run(n_train=40, hidden=16, l2=0.01, epochs=15)
    assert len(history["data_loss"]) == len(history["val_data_loss"]) == 15
    assert history["data_loss"][-1] == pytest.approx(model.evaluate(X, y, include_penalty=False), rel=1e-12)
    assert history["val_data_loss"][-1] == pytest.approx(model.evaluate(X_val, y_val, include_penalty=False),
                                                         rel=1e-12)
    assert history["val_loss"][-1] > history["val_data_loss"][-1]  # Keras's val_loss includes the L2 term
    assert all(layer.reg.l2 == 0.01 for layer in model.dense_layers)
    # augmentation trains on 6x the points but reports the loss on the originals
    aug = ex.overfit_run(n_train=40, hidden=16, augment=True, epochs=3)
    assert len(aug[2][0]) == 40 and len(aug[1]["data_loss"]) == 3


# --- lesson 09 -----------------------------------------------------------------------------------
def test_train_digits_learns_and_reports_divergence():
    model, history = ex.train_digits(hidden=16, learning_rate=1e-2, epochs=5)
    assert model.n_out == 10 and model.dense_layers[0].n_out == 16
    assert len(history.epoch) == 5 and history["val_accuracy"][-1] > 0.85
    _, diverged = ex.train_digits(hidden=16, learning_rate=1e4, epochs=3)
    assert diverged.diverged and "smaller learning rate" in diverged.message


# --- lesson 13 -----------------------------------------------------------------------------------
def test_student_with_temperature_divides_the_same_logits():
    X = np.random.default_rng(0).random((5, 64))
    hard, soft = ex.student(8, seed=4), ex.student(8, T=2.5, seed=4)
    assert all(np.array_equal(a, b) for a, b in zip(hard.get_weights(), soft.get_weights()))
    assert hard.layers[-1].act.name == "softmax"
    hard.forward(X)
    z = hard.layers[-1].z  # the logits of the hard-label student, before its softmax
    assert np.allclose(soft.forward(X), z / 2.5, rtol=1e-14, atol=0)
    assert soft.loss.from_logits


def test_distill_reports_the_three_accuracies():
    run = ex.distill(fraction=0.05, temperature=3.0)
    assert run["n_train"] == int(0.05 * 1437) and run["epochs"] == 150
    assert 0.9 < run["teacher"] <= 1 and 0 < run["hard"] <= 1 and 0 < run["soft"] <= 1
    teacher, _, X_test, _, Y_test = ex.digits_teacher()
    assert run["teacher"] == dt.accuracy(teacher, X_test, Y_test)
    with pytest.raises(ValueError, match="temperature must be > 0"):
        ex.distill(temperature=0.0)


# --- lesson 11 -----------------------------------------------------------------------------------
def _correlate(image, kernel, strides, padding):
    """Reference: pad as Keras does ('same': total max((ceil(n/s) - 1) s + k - n, 0), the smaller
    half before), then slide the kernel with loops."""
    k, (h, w) = kernel.shape[0], image.shape
    if padding == "same":
        pads = [max((-(-n // strides) - 1) * strides + k - n, 0) for n in (h, w)]
        image = np.pad(image, [(p // 2, p - p // 2) for p in pads])
    oh, ow = (image.shape[0] - k) // strides + 1, (image.shape[1] - k) // strides + 1
    out = np.zeros((oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[i, j] = np.sum(image[i * strides:i * strides + k, j * strides:j * strides + k] * kernel)
    return out


@pytest.mark.parametrize("padding", ["same", "valid"])
@pytest.mark.parametrize("strides", [1, 2, 3])
@pytest.mark.parametrize("name", list(ex.KERNELS))
def test_apply_kernel_is_a_cross_correlation(name, strides, padding):
    image = np.random.default_rng(strides).random((8, 7))
    kernel = ex.KERNELS[name] + np.arange(9).reshape(3, 3) * 0.1  # not symmetric: flips would show
    got = ex.apply_kernel(image, kernel, strides=strides, padding=padding)
    assert np.allclose(got, _correlate(image, kernel, strides, padding), rtol=1e-13, atol=1e-14)


def test_max_pool_and_bad_kernels():
    m = np.arange(30.0).reshape(5, 6) * np.where(np.arange(6) % 2, 1, -1)
    assert np.array_equal(ex.max_pool(m, 2), m[:4, :6].reshape(2, 2, 3, 2).max(axis=(1, 3)))
    assert ex.max_pool(np.ones((1, 4)), 2) is None
    with pytest.raises(ValueError, match="kernel must be square"):
        ex.apply_kernel(np.ones((8, 8)), np.ones((3, 2)))
    with pytest.raises(ValueError, match="image must be 2-D"):
        ex.apply_kernel(np.ones(8), np.ones((3, 3)))
