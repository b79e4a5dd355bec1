"""Lessons 09 (digits) and 10 (overfitting), second edition: the experiments their claims rest on
(confidence intervals, k-fold cross-validation, scores at the kept weights, cached runs), the explorers'
readouts, and lesson 09's explicit choice of dataset (the offline digits, or MNIST by one flag)."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import dlteach as dt
from dlteach import data, experiments as ex

ROOT = Path(__file__).resolve().parents[1]


# --- the 95 % interval of an accuracy -------------------------------------------------------------
@pytest.mark.parametrize("acc,n", [(0.987, 360), (0.952, 288), (0.5, 40), (1.0, 30), (0.0, 12)])
def test_wilson_interval_is_where_the_z_score_of_the_measurement_is_1_96(acc, n):
    """Independent of the closed form: at each end p of Wilson's interval, the measured accuracy lies
    exactly 1.96 standard errors sqrt(p (1 - p) / n) away from p."""
    low, high = ex.accuracy_interval(acc, n)
    assert 0 <= low <= acc <= high <= 1
    for p in (low, high):
        if 0 < p < 1:
            assert abs(acc - p) / np.sqrt(p * (1 - p) / n) == pytest.approx(1.959964, rel=1e-6)
    if acc == 1.0:
        assert high == 1.0 and low < 1.0
    if acc == 0.0:
        assert low == pytest.approx(0.0, abs=1e-12) and high > 0


def test_wilson_interval_covers_the_true_accuracy_95_percent_of_the_time():
    rng = np.random.default_rng(0)
    p_true, n = 0.97, 360
    hits = rng.binomial(n, p_true, size=4000) / n
    covered = np.mean([lo <= p_true <= hi for lo, hi in (ex.accuracy_interval(h, n) for h in hits)])
    assert 0.93 < covered < 0.97
    wider = ex.accuracy_interval(0.97, n, confidence=0.99)
    narrower = ex.accuracy_interval(0.97, n)
    assert wider[0] < narrower[0] and wider[1] > narrower[1]
    assert np.diff(ex.accuracy_interval(0.97, 10_000)) < np.diff(narrower) / 4  # MNIST's test set: ~5x narrower


@pytest.mark.parametrize("kwargs,match", [(dict(accuracy=1.2, n=10), "accuracy"), (dict(accuracy=0.5, n=0), "n"),
                                          (dict(accuracy=0.5, n=10, confidence=1.0), "confidence")])
def test_wilson_interval_refuses_bad_input_by_name(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ex.accuracy_interval(**kwargs)


# --- k-fold cross-validation ----------------------------------------------------------------------
@pytest.mark.parametrize("n,k", [(60, 5), (11, 3), (7, 7)])
def test_kfold_folds_are_disjoint_cover_everything_and_are_balanced(n, k):
    folds = ex.kfold(n, k, seed=3)
    assert len(folds) == k
    held_out = np.concatenate([va for _, va in folds])
    assert sorted(held_out) == list(range(n))
    assert max(len(va) for _, va in folds) - min(len(va) for _, va in folds) <= 1
    for tr, va in folds:
        assert not set(tr) & set(va) and len(tr) + len(va) == n
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(folds, ex.kfold(n, k, seed=3)))
    with pytest.raises(ValueError, match="k"):
        ex.kfold(n, n + 1)


def test_cross_validate_scores_each_fold_with_a_network_that_never_saw_it():
    cv = ex.cross_validate((0.0, 0.05), k=3, n_train=30, hidden=8, epochs=30)
    assert cv["loss"].shape == cv["accuracy"].shape == (2, 3)
    assert np.all(np.isfinite(cv["loss"])) and np.all((cv["accuracy"] >= 0) & (cv["accuracy"] <= 1))
    # fold 0 by hand: train on the other folds, score on fold 0
    X, y, _, _ = ex.moons_split(30, 0)
    tr, va = ex.kfold(30, 3, 0)[0]
    model = dt.MLP([2, 8, 8, 1], "relu", "sigmoid", "binary_crossentropy", l2=0.05, seed=0)
    dt.fit(model, X[tr], y[tr], "adam", learning_rate=0.01, epochs=30, batch_size=None, seed=0, verbose=0)
    assert cv["loss"][1, 0] == pytest.approx(model.evaluate(X[va], y[va], include_penalty=False), rel=1e-9)


# --- lesson 10's runs ------------------------------------------------------------------------------
def test_overfit_run_is_cached_but_hands_out_copies_and_separates_data_from_weights():
    model, history, (X, y, X_val, y_val) = ex.overfit_run(n_train=30, hidden=8, epochs=10, seed=1)
    for layer in model.dense_layers:
        layer.W[...] = 0.0
    history.history["data_loss"].clear()
    X[...] = 0.0
    again, h2, (X2, _, _, _) = ex.overfit_run(n_train=30, hidden=8, epochs=10, seed=1)
    assert all(np.any(layer.W != 0) for layer in again.dense_layers)
    assert len(h2["data_loss"]) == 10 and np.any(X2 != 0)
    other_init, _, (X3, _, _, _) = ex.overfit_run(n_train=30, hidden=8, epochs=10, seed=2, data_seed=1)
    assert np.array_equal(X3, X2)  # the same points ...
    assert not np.array_equal(other_init.dense_layers[0].W, again.dense_layers[0].W)  # ... other weights


def test_weight_decay_trains_with_adamw_and_shrinks_the_weights():
    plain = ex.overfit_run(n_train=30, hidden=16, epochs=40)[0]
    decayed = ex.overfit_run(n_train=30, hidden=16, epochs=40, weight_decay=2.0)[0]
    norm = lambda m: sum(float(np.sum(layer.W ** 2)) for layer in m.dense_layers)  # noqa: E731
    assert norm(decayed) < 0.8 * norm(plain)
    with pytest.raises(ValueError, match="weight_decay"):
        ex.overfit_run(weight_decay=-1.0)


def test_early_stopping_is_scored_at_the_restored_epoch():
    """The first edition paired the restored weights' accuracy with the last epoch's loss and gap."""
    model, history, split = ex.overfit_run(early_stopping=True)
    scores = ex.overfit_scores(model, *split)
    best = int(np.argmin(history["val_data_loss"]))
    assert history.stopped == "early_stopping" and len(history.epoch) == best + 1 + 20
    assert scores["val_loss"] == pytest.approx(history["val_data_loss"][best], rel=1e-12)
    assert scores["train_loss"] == pytest.approx(history["data_loss"][best], rel=1e-12)
    assert scores["val_loss"] < history["val_data_loss"][-1]  # the last epoch's loss is worse
    explorer = dt.widgets.OverfitExplorer(early_stopping="on")
    assert explorer.gap == pytest.approx(scores["gap"]) and explorer.val_accuracy == scores["val_accuracy"]
    assert f"weights of epoch {best + 1} kept" in explorer.draw().axes[1].get_title()


def test_lesson_10_adam_l2_example_l2_is_rescaled_by_adam_and_adamw_is_not():
    def one_step(opt, grad_loss, l2=0.0):
        w = np.array([1.0, 1.0])
        opt.step([("w", w, grad_loss + 2 * l2 * w)])
        return w

    g = np.array([0.0, 10.0])
    base = one_step(dt.Adam(0.01), g)
    l2_effect = one_step(dt.Adam(0.01), g, l2=0.01) - base
    assert l2_effect[0] == pytest.approx(-0.01, rel=1e-3) and abs(l2_effect[1]) < 1e-9
    assert np.allclose(one_step(dt.AdamW(0.01, weight_decay=0.02), g) - base, -0.0002, rtol=1e-6)


# --- lesson 09's runs and explorer --------------------------------------------------------------------
def test_train_digits_seed_and_split_seed_are_separate_and_cached_copies():
    m0, h0 = ex.train_digits(hidden=8, learning_rate=3e-3, epochs=2)
    m0.dense_layers[0].W[...] = 0.0
    again, _ = ex.train_digits(hidden=8, learning_rate=3e-3, epochs=2)
    assert np.any(again.dense_layers[0].W != 0)
    other_seed, _ = ex.train_digits(hidden=8, learning_rate=3e-3, epochs=2, seed=1)
    assert not np.array_equal(other_seed.dense_layers[0].W, again.dense_layers[0].W)
    _, h_split = ex.train_digits(hidden=8, learning_rate=3e-3, epochs=2, split_seed=1)
    assert h_split["val_accuracy"] != h0["val_accuracy"]  # validated on other images
    assert not np.array_equal(ex.digits_split(1)[2], ex.digits_split(0)[2])


def test_digits_explorer_defaults_are_the_lessons_recipe():
    explorer = dt.widgets.DigitsExplorer()
    assert (explorer.cfg["hidden"], explorer.cfg["learning_rate"], explorer.cfg["epochs"]) == (64, 3e-3, 30)
    assert explorer.val_accuracy > 0.94


# --- lesson 09's choice of dataset ----------------------------------------------------------------
def _dataset_cells():
    nb = json.loads((ROOT / "notebooks" / "09_digits.ipynb").read_text(encoding="utf-8"))
    code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    choose = next(src for src in code if src.startswith("DATASET ="))
    split = next(src for src in code if src.startswith("X_train, X_val, y_train, y_val"))
    return choose, split.split("fig = plt.figure")[0]  # up to the picture


def _run_lesson_cells(dataset, keras_home, tmp_path):
    choose, split = _dataset_cells()
    script = choose.replace('DATASET = "digits"', f"DATASET = {dataset!r}", 1) + "\n" + split
    path = tmp_path / "cells.py"
    path.write_text(script, encoding="utf-8")
    env = {"KERAS_HOME": str(keras_home), "MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin",
           "MPLCONFIGDIR": str(tmp_path / "mpl"), "TF_CPP_MIN_LOG_LEVEL": "2"}
    return subprocess.run([sys.executable, str(path)], capture_output=True, text=True, env=env, cwd=ROOT)


def test_lesson_09_uses_the_dataset_it_is_told_and_says_which(tmp_path):
    home = tmp_path / "keras"
    (home / "datasets").mkdir(parents=True)
    rng = np.random.default_rng(0)
    x_train = rng.integers(0, 256, (50, 28, 28), dtype=np.uint8)
    x_train[0, 0, 0], x_train[0, 0, 1] = 0, 255
    np.savez(home / "datasets" / "mnist.npz", x_train=x_train, y_train=rng.integers(0, 10, 50),
             x_test=rng.integers(0, 256, (10, 28, 28), dtype=np.uint8), y_test=rng.integers(0, 10, 10))
    # with a cached MNIST, the default is still the offline digits: the cache no longer decides
    digits = _run_lesson_cells("digits", home, tmp_path)
    assert digits.returncode == 0, digits.stderr
    assert "Using digits: 1437 training and 360 test images of 8x8 pixels, 30 epochs" in digits.stdout
    mnist = _run_lesson_cells("mnist", home, tmp_path)
    assert mnist.returncode == 0, mnist.stderr
    assert "Using mnist: 50 training and 10 test images of 28x28 pixels, 5 epochs" in mnist.stdout
    assert "✓ pixels are scaled to [0, 1]" in mnist.stdout
    wrong = _run_lesson_cells("fashion", home, tmp_path)
    assert wrong.returncode != 0 and "DATASET must be 'digits' or 'mnist', got 'fashion'" in wrong.stderr


# --- third edition: the explorers' "try this" outcomes hold on other seeds too ---------------------------
def _right_on_validation(model):
    _, X_val, _, _, y_val, _ = ex.digits_split(0)
    return model.predict(X_val).argmax(axis=1) == y_val


def test_lesson_09_try_this_holds_on_five_seeds():
    """Lesson 09's explorer shows seed 0; on seeds 0-4: 4 hidden neurons or 1 epoch lose to the default, image by
    image on the 288 validation images (exact McNemar); 4 neurons cost some digit most of its recall (which digit
    varies); learning rate 0.3 stays below 0.5."""
    worst_digits = set()
    for seed in range(5):
        base = _right_on_validation(ex.train_digits(64, 3e-3, 30, seed=seed)[0])
        for kwargs in (dict(hidden=4), dict(epochs=1)):
            settings = dict(hidden=64, learning_rate=3e-3, epochs=30) | kwargs
            model, _ = ex.train_digits(**settings, seed=seed)
            r = dt.stats.paired_classifiers(_right_on_validation(model), base)
            assert r.significant and r.difference < 0, (seed, kwargs, r.sentence())
        narrow, _ = ex.train_digits(4, 3e-3, 30, seed=seed)
        _, X_val, _, _, y_val, _ = ex.digits_split(0)
        _, recall = dt.precision_recall(dt.confusion_matrix(y_val, narrow.predict(X_val), k=10))
        assert recall.min() < 0.7, (seed, recall.min())
        worst_digits.add(int(recall.argmin()))
        _, fast = ex.train_digits(64, 0.3, 30, seed=seed)
        assert fast["val_accuracy"][-1] < 0.5, seed
    assert len(worst_digits) > 1  # "which ones depends on the seed"


def test_lesson_10_try_this_holds_on_five_seeds():
    """Lesson 10's explorer shows seed 0; on seeds 0-4: 8 hidden neurons shrink the gap; 4 cannot fit the
    training points (training loss > 0.05); L2 0.03 underfits (training loss > 0.05, validation loss above
    L2 0.001's); 200 training points shrink the gap."""
    def scores(**kwargs):
        model, _, split = ex.overfit_run(**kwargs)
        return ex.overfit_scores(model, *split)

    for seed in range(5):
        plain = scores(seed=seed)
        assert scores(seed=seed, hidden=8)["gap"] < plain["gap"], seed
        assert scores(seed=seed, hidden=4)["train_loss"] > 0.05, seed
        strong, tuned = scores(seed=seed, l2=0.03), scores(seed=seed, l2=0.001)
        assert strong["train_loss"] > 0.05 and strong["val_loss"] > tuned["val_loss"], seed
        assert scores(seed=seed, n_train=200)["gap"] < plain["gap"], seed


def test_lesson_10_cross_validation_can_lean_the_wrong_way_on_another_draw():
    """The lesson: "on another draw of 60 points it can lean the other way". On seed 1, 5-fold cross-validation
    prefers no L2 while the 1,000 test points prefer 0.003."""
    cv = ex.cross_validate((0.0, 0.003), k=5, seed=1)
    assert cv["loss"][0].mean() < cv["loss"][1].mean()
    X_test, y_test = ex.moons_test(1000, seed=1)
    test = [ex.overfit_run(seed=1, l2=l2)[0].evaluate(X_test, y_test, include_penalty=False) for l2 in (0.0, 0.003)]
    assert test[1] < test[0]
