"""The package code behind lessons 11-13, second edition: digits on a canvas and their moves,
occlusion on the pixels, Grad-CAM (against tf.GradientTape), the honest storage count, the
augmentation trial, distillation over student seeds, and the TensorFlow Lite helpers."""
import copy

import numpy as np
import pytest

import dlteach as dt
from dlteach import data
from dlteach.core.compress import layer_storage_bits, prune, quantize, storage_bytes, weight_bytes
from dlteach.experiments import augmentation_trial, digits_on_canvas, distill, random_shifts


# ---------------------------------------------------------------- lesson 11
def test_digits_on_canvas_places_and_moves_every_image():
    X = np.arange(2 * 64, dtype=float).reshape(2, 64) + 1
    centred = digits_on_canvas(X, pad=2)
    assert centred.shape == (2, 12, 12)
    assert np.array_equal(centred[:, 2:10, 2:10], X.reshape(2, 8, 8)) and centred.sum() == X.sum()
    moved = digits_on_canvas(X, pad=2, shifts=[(2, -1), (-2, 2)])
    assert np.array_equal(moved[0, 1:9, 4:12], X[0].reshape(8, 8))  # dx = 2 right, dy = -1 up
    assert np.array_equal(moved[1, 4:12, 0:8], X[1].reshape(8, 8))
    assert moved.sum() == X.sum()  # nothing left the canvas
    with pytest.raises(ValueError, match="pad = 1"):
        digits_on_canvas(X, pad=1, shifts=[(2, 0), (0, 0)])
    with pytest.raises(ValueError, match="shape \\(2, 2\\)"):
        digits_on_canvas(X, shifts=[(1, 0)])
    with pytest.raises(ValueError, match="not square"):
        digits_on_canvas(np.zeros((2, 10)))


def test_random_shifts_cover_every_move_of_the_stated_size():
    moves = random_shifts(5000, low=1, high=2, seed=3)
    size = np.abs(moves).max(axis=1)
    assert size.min() == 1 and size.max() == 2
    assert len({tuple(m) for m in moves}) == 24  # every move with 1 <= max(|dx|, |dy|) <= 2
    assert np.array_equal(moves, random_shifts(5000, 1, 2, seed=3))
    assert not np.array_equal(moves, random_shifts(5000, 1, 2, seed=4))
    with pytest.raises(ValueError, match="low"):
        random_shifts(3, low=3, high=2)


def test_conv_explorer_pools_after_the_relu():
    ex = dt.widgets.ConvExplorer(kernel="vertical edge")
    assert ex.feature_map.min() < 0  # the edge kernel gives negative responses on one side of a stroke
    assert np.array_equal(ex.activated, np.maximum(ex.feature_map, 0))
    expected = np.maximum(ex.feature_map, 0).reshape(4, 2, 4, 2).max(axis=(1, 3))
    assert np.array_equal(ex.pooled, expected) and ex.pooled.min() >= 0


def test_conv_explorer_move_aliases_odd_moves_only():
    ex = dt.widgets.ConvExplorer(kernel="blur", image=3)
    unmoved_image, unmoved = ex.image.copy(), ex.pooled.copy()
    ex.set(move=2)
    assert np.array_equal(ex.image[:, 2:], unmoved_image[:, :6]) and not ex.image[:, :2].any()  # zeros come in
    assert np.array_equal(ex.pooled[:, 1:3], unmoved[:, 0:2])  # a 2-pixel move moves the pooled map one cell
    ex.set(move=1)
    assert np.array_equal(ex.image[:, 1:], unmoved_image[:, :7])
    assert not np.allclose(ex.pooled[:, 1:3], unmoved[:, 0:2]) and not np.allclose(ex.pooled, unmoved)
    assert "moved 1 right" in ex.draw().axes[0].get_title()
    bar = ex.draw().axes[-1]  # the colour bar of z and the pooled map follows their range
    assert bar.get_ylim() == pytest.approx((-np.abs(ex.feature_map).max(), np.abs(ex.feature_map).max()))


# ---------------------------------------------------------------- lesson 12
@pytest.fixture(scope="module")
def mlp():
    model = dt.MLP([64, 16, 10], "relu", "softmax", "categorical_crossentropy", seed=0)
    X, _, y, _ = data.load_digits()
    dt.fit(model, X[:300], data.one_hot(y[:300], 10), "adam", learning_rate=3e-3, epochs=5, verbose=0)
    return model, X[:5]


def test_occlusion_pixels_is_the_mean_of_the_covering_patches(mlp):
    model, X = mlp
    for patch in (1, 2, 3):
        per_patch = dt.occlusion(model, X[0], 4, side=8, patch=patch)
        per_pixel = dt.occlusion_pixels(model, X[0], 4, side=8, patch=patch)
        assert per_pixel.shape == (8, 8)
        for i, j in [(0, 0), (3, 4), (7, 7), (2, 7)]:
            covering = [per_patch[a, b] for a in range(per_patch.shape[0]) for b in range(per_patch.shape[1])
                        if a <= i < a + patch and b <= j < b + patch]
            assert per_pixel[i, j] == pytest.approx(np.mean(covering), abs=1e-15)
    assert np.array_equal(dt.occlusion_pixels(model, X[0], 4, 8, 1), dt.occlusion(model, X[0], 4, 8, 1))


def _small_cnn(seed=0):
    return dt.Sequential([dt.Conv2D(1, 4, 3, padding="same", activation="relu", seed=seed, name="conv1"),
                          dt.MaxPool2D(2, name="pool"),
                          dt.Conv2D(4, 6, 3, padding="same", activation="relu", seed=seed + 1, name="conv2"),
                          dt.Flatten(name="flatten"),
                          dt.Dense(4 * 4 * 6, 10, "softmax", seed=seed + 2, name="dense")],
                         loss="categorical_crossentropy")


@pytest.mark.parametrize("per_position", [False, True])
def test_grad_cam_equals_gradient_tape(per_position):
    import tensorflow as tf  # a hard dependency: fail, never skip, without it
    from dlteach import keras_twin

    cnn = _small_cnn()
    image = np.random.default_rng(1).random((8, 8, 1))
    k = keras_twin.to_keras(cnn, input_shape=(8, 8, 1))
    for c in (0, 7):
        with tf.GradientTape() as tape:
            A = k.layers[2](k.layers[1](k.layers[0](tf.constant(image[None]))))
            tape.watch(A)
            z = tf.matmul(k.layers[3](A), k.layers[4].kernel) + k.layers[4].bias
            zc = z[0, c]
        g = tape.gradient(zc, A)[0].numpy()
        A = A[0].numpy()
        expected = np.maximum((g * A).sum(-1) if per_position else A @ g.mean(axis=(0, 1)), 0)
        ours = dt.grad_cam(cnn, image, c, "conv2", per_position=per_position)
        assert ours.shape == (4, 4)
        np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=1e-14)
        assert np.array_equal(ours, dt.grad_cam(cnn, image, c, 2, per_position=per_position))  # index = name


def test_grad_cam_leaves_the_model_alone_and_refuses_bad_input():
    cnn = _small_cnn()
    before = [w.copy() for w in cnn.get_weights()]
    dt.grad_cam(cnn, np.ones((8, 8, 1)), 3, "conv1")
    assert all(np.array_equal(a, b) for a, b in zip(before, cnn.get_weights()))
    with pytest.raises(ValueError, match="not feature maps"):
        dt.grad_cam(cnn, np.ones((8, 8, 1)), 3, "flatten")
    with pytest.raises(ValueError, match="c \\(the class\\)"):
        dt.grad_cam(cnn, np.ones((8, 8, 1)), 10, "conv2")
    with pytest.raises((ValueError, TypeError), match="layer"):
        dt.grad_cam(cnn, np.ones((8, 8, 1)), 3, "dense")


def test_per_position_cam_is_the_exact_share_of_the_logit():
    cnn = _small_cnn(seed=3)
    image = np.random.default_rng(2).random((8, 8, 1))
    conv1, pool, conv2, _, dense = cnn.layers
    A = conv2.forward(pool.forward(conv1.forward(image[None])))[0]
    for c in range(10):
        shares = (A * dense.W[:, c].reshape(4, 4, 6)).sum(-1)
        z = A.reshape(-1) @ dense.W + dense.b
        assert shares.sum() == pytest.approx(z[c] - dense.b[c], abs=1e-12)
        assert np.allclose(dt.grad_cam(cnn, image, c, "conv2", per_position=True), np.maximum(shares, 0),
                           rtol=0, atol=1e-12)


def test_explain_explorer_label_fits_and_units_are_the_top_contributors():
    ex = dt.widgets.ExplainExplorer(image=4)
    assert len(ex.PARAMS["target"].label) <= 18  # 7 px per character + 14 stays within the 150 px label
    share = ex.hidden * ex.model.dense_layers[1].W[:, ex.cls]
    assert set(ex.top_units) == set(np.argsort(-share)[:3])
    assert np.array_equal(ex.unit_maps[0], ex.model.dense_layers[0].W[:, ex.top_units[0]].reshape(8, 8))
    assert ex.occlusion_pixels.shape == (8, 8)


# ---------------------------------------------------------------- lesson 13
def test_layer_storage_bits_by_hand():
    W = np.zeros((10, 10))
    W[0, :5] = 1.0  # 5 non-zero of 100
    assert layer_storage_bits(W, 4) == (100 + 5 * 4, "bitmask")  # 120 bits < 400 dense
    W[:6] = 1.0  # 60 non-zero: mask 100 + 60*4 = 340 < 400
    assert layer_storage_bits(W, 4) == (340, "bitmask")
    W[:] = 1.0
    assert layer_storage_bits(W, 4) == (400, "dense")
    assert layer_storage_bits(W, 1) == (100, "dense")  # a tie goes to dense storage
    with pytest.raises(ValueError, match="bits"):
        layer_storage_bits(W, 0)


def test_storage_bytes_counts_positions_biases_and_scales():
    model = dt.MLP([10, 5, 2], seed=0)  # 50 + 10 weights, 7 biases
    assert storage_bytes(model, 32) == (60 * 32) / 8 + 4 * 7  # dense float32, no scales
    assert storage_bytes(model, 8) == 60 + 4 * 7 + 4 * 2  # dense int8 + biases + one scale per layer
    prune(model, 0.9)
    nnz = [int(np.count_nonzero(layer.W)) for layer in model.dense_layers]
    expected_bits = sum(min(W.size * 32, W.size + k * 32) for W, k in zip((l.W for l in model.dense_layers), nnz))
    assert storage_bytes(model, 32) == expected_bits / 8 + 4 * 7
    assert storage_bytes(model, 32) > weight_bytes(model, 32) - 4 * 2  # the positions cost something
    with pytest.raises(ValueError, match="bits"):
        storage_bytes(model, 1)


def test_weights_that_quantise_to_zero_are_free_only_with_their_positions():
    from dlteach.experiments import digits_teacher

    teacher = digits_teacher()[0]
    m = quantize(prune(copy.deepcopy(teacher), 0.8), 4)
    honest, naive, full = storage_bytes(m, 4), weight_bytes(m, 4), storage_bytes(teacher, 32)
    mask = sum(layer.W.size for layer in m.dense_layers) / 8
    assert honest - naive == mask  # both count the values, biases and scales: the difference is the bitmask
    assert 12 < full / honest < 16 and full / naive > 24  # the lesson's 14x, and the 26x it replaces
    dense2 = storage_bytes(quantize(copy.deepcopy(teacher), 2), 2)
    assert dense2 <= (sum(layer.W.size for layer in teacher.dense_layers) * 2) / 8 + 4 * 266 + 8


def test_augmentation_trial_equal_budget_and_kinds():
    a = augmentation_trial("none", n_train=50, seed=1, presentations=2000)
    assert a == augmentation_trial("none", n_train=50, seed=1, presentations=2000)  # reproducible
    assert 0.1 < a <= 1.0
    with pytest.raises(ValueError, match="kind must be"):
        augmentation_trial("rotate")
    with pytest.raises(ValueError, match="n_train"):
        augmentation_trial("none", n_train=5)


def test_distill_student_seed_changes_the_students_not_the_teacher():
    a = distill(0.05, 3.0, student_seed=0)
    b = distill(0.05, 3.0, student_seed=1)
    assert a["teacher"] == b["teacher"] and a["n_train"] == b["n_train"]
    assert (a["hard"], a["soft"]) != (b["hard"], b["soft"])
    assert distill(0.05, 3.0) == distill(0.05, 3.0, student_seed=0)  # the default is seed


def test_tflite_round_trip_is_quiet_and_accurate(capfd):
    import tensorflow  # noqa: F401  a hard dependency: fail, never skip, without it
    from dlteach import keras_twin

    model = dt.MLP([64, 16, 10], "relu", "softmax", "categorical_crossentropy", seed=0)
    X, X_test, y, y_test = data.load_digits()
    dt.fit(model, X, data.one_hot(y, 10), "adam", learning_rate=3e-3, epochs=5, verbose=0)
    k = keras_twin.to_keras(model, dtype="float32")
    capfd.readouterr()
    flat, q8 = keras_twin.to_tflite(k), keras_twin.to_tflite(k, representative=X[:100])
    out_f, t_f = keras_twin.tflite_predict(flat, X_test[:50])
    out_q, t_q = keras_twin.tflite_predict(q8, X_test[:50])
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""  # no converter or interpreter lines
    np.testing.assert_allclose(out_f, k.predict(X_test[:50], verbose=0), rtol=1e-5, atol=1e-6)
    assert len(q8) < 0.8 * len(flat) and t_f > 0 and t_q > 0  # a tiny model: the graph dominates the file
    assert np.mean(out_q.argmax(1) == out_f.argmax(1)) > 0.9
