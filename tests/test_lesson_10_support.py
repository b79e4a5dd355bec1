"""Lesson 10's third edition: the package code behind its fair comparison of cures. A test set drawn apart
from every run's 400 points (experiments.moons_test), early stopping's patience and augmentation's jitter as
settings of overfit_run (each cure tuned over three settings), and the defaults the explorer relies on unchanged."""
import numpy as np
import pytest

from dlteach import data, experiments as ex


def test_moons_test_is_fresh_reproducible_and_from_the_same_distribution():
    X, y = ex.moons_test(1000, seed=3)
    assert X.shape == (1000, 2) and set(np.unique(y)) == {0.0, 1.0} and y.mean() == 0.5
    again, _ = ex.moons_test(1000, seed=3)
    assert np.array_equal(X, again)
    assert not np.array_equal(ex.moons_test(1000, seed=4)[0], X)
    # none of its points is one of the seed's 400 training/validation points, for any n_train
    X_tr, _, X_val, _ = ex.moons_split(200, seed=3)
    used = {tuple(r) for r in np.concatenate([X_tr, X_val])}
    assert not used & {tuple(r) for r in X}
    # the same noisy moons: class means and spreads agree with a large draw of make_dataset
    ref_X, ref_y = data.make_dataset("moons", n=20000, noise=0.3, seed=11)
    for label in (0.0, 1.0):
        assert np.allclose(X[y == label].mean(axis=0), ref_X[ref_y == label].mean(axis=0), atol=0.25)
        assert np.allclose(X[y == label].std(axis=0), ref_X[ref_y == label].std(axis=0), rtol=0.1)


def test_moons_test_refuses_bad_input_by_name():
    with pytest.raises(ValueError, match="n"):
        ex.moons_test(2)
    with pytest.raises(ValueError, match="seed"):
        ex.moons_test(100, seed=-1)


def test_patience_sets_how_long_early_stopping_waits_and_a_longer_one_never_keeps_a_worse_epoch():
    runs = {p: ex.overfit_run(n_train=40, hidden=16, epochs=120, early_stopping=True, patience=p, seed=1)
            for p in (5, 20)}
    for p, (model, history, split) in runs.items():
        best = int(np.argmin(history["val_data_loss"]))
        assert history.stopped == "early_stopping" and len(history.epoch) == best + 1 + p
        assert ex.overfit_scores(model, *split)["val_loss"] == pytest.approx(history["val_data_loss"][best])
    short, long = (min(runs[p][1]["val_data_loss"]) for p in (5, 20))
    assert long <= short
    # the same training, stopped later: the longer run starts with the shorter one's curve
    n = len(runs[5][1].epoch)
    assert np.allclose(runs[20][1]["val_data_loss"][:n], runs[5][1]["val_data_loss"])
    with pytest.raises(ValueError, match="patience"):
        ex.overfit_run(early_stopping=True, patience=0)


def test_jitter_sets_the_augmentation_noise_and_the_defaults_are_unchanged():
    default = ex.overfit_run(n_train=30, hidden=8, epochs=5, augment=True, seed=2)
    same = ex.overfit_run(n_train=30, hidden=8, epochs=5, augment=True, seed=2, jitter=0.4, patience=20)
    other = ex.overfit_run(n_train=30, hidden=8, epochs=5, augment=True, seed=2, jitter=1.2)
    assert np.array_equal(default[0].dense_layers[0].W, same[0].dense_layers[0].W)
    assert not np.array_equal(default[0].dense_layers[0].W, other[0].dense_layers[0].W)
    # jitter means the standard deviation of the noise added to the copies
    X, y, _, _ = ex.moons_split(30, seed=2)
    X_fit, _ = data.jitter(X, y, copies=5, sigma=1.2, seed=2)
    assert np.std(X_fit[30:] - np.tile(X, (5, 1))) == pytest.approx(1.2, rel=0.1)
    with pytest.raises(ValueError, match="jitter"):
        ex.overfit_run(augment=True, jitter=-0.1)
