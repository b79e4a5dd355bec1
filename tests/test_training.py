import numpy as np
import pytest

from dlteach.core import MLP, Callback, EarlyStopping, batches, fit


def xor_data(n=200, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(float)
    return X, y


def test_fit_learns_xor_and_records_history():
    X, y = xor_data()
    model = MLP([2, 8, 8, 1], "tanh", "sigmoid", "binary_crossentropy", seed=0)
    h = fit(model, X[:150], y[:150], "adam", epochs=150, batch_size=16, learning_rate=0.02,
            validation_data=(X[150:], y[150:]), verbose=0)
    assert set(h.history) == {"loss", "val_loss", "accuracy", "val_accuracy"}
    assert len(h.epoch) == 150 and h.stopped is None
    assert h["loss"][-1] < 0.25 * h.initial_loss
    assert h["accuracy"][-1] > 0.95 and h["val_accuracy"][-1] > 0.9


def test_fit_is_reproducible_and_seed_changes_the_order():
    X, y = xor_data()
    runs = []
    for seed in (0, 0, 1):
        model = MLP([2, 4, 1], "tanh", "sigmoid", "binary_crossentropy", seed=0)
        runs.append(fit(model, X, y, "sgd", epochs=5, batch_size=10, seed=seed, verbose=0)["loss"])
    assert runs[0] == runs[1] and runs[0] != runs[2]


def test_batches_cover_every_sample_once():
    parts = batches(10, 3, np.random.default_rng(0))
    assert [len(p) for p in parts] == [3, 3, 3, 1]
    assert sorted(np.concatenate(parts).tolist()) == list(range(10))
    assert len(batches(10, None, None)) == 1


def test_divergence_stops_cleanly_with_a_message(capsys):
    X, y = xor_data()
    model = MLP([2, 8, 1], "relu", "linear", "mse", seed=0)
    w0 = model.get_weights()
    h = fit(model, X, 3 * X[:, 0], "sgd", epochs=50, batch_size=20, learning_rate=10.0)
    assert h.diverged and len(h.epoch) == 0
    out = capsys.readouterr()
    assert "Training diverged at epoch 1" in out.out and "smaller learning rate than 10" in out.out
    assert out.err == ""  # no RuntimeWarning spam
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), w0))  # nothing lost
    assert all(np.all(np.isfinite(w)) for w in model.get_weights())


def test_early_stopping_restores_best_weights(capsys):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 5))
    y = rng.normal(size=40)  # pure noise: validation loss soon stops improving
    Xv, yv = rng.normal(size=(40, 5)), rng.normal(size=40)
    model = MLP([5, 32, 1], "relu", seed=0)
    stopper = EarlyStopping(patience=3)
    h = fit(model, X, y, "adam", epochs=500, learning_rate=0.01, validation_data=(Xv, yv), callbacks=[stopper])
    assert h.stopped == "early_stopping" and len(h.epoch) < 500
    assert "Early stopping at epoch" in capsys.readouterr().out
    assert model.evaluate(Xv, yv) == pytest.approx(min(h["val_loss"]))


def test_callbacks_see_every_epoch_and_can_stop():
    seen = []

    class Stopper(Callback):
        def on_epoch_end(self, epoch, logs, model, history):
            seen.append((epoch, round(logs["loss"], 6)))
            if epoch == 3:
                history.stop_training = True

    X, y = xor_data()
    h = fit(MLP([2, 3, 1], seed=0), X, y, epochs=10, callbacks=[Stopper()], verbose=0)
    assert [e for e, _ in seen] == [1, 2, 3] and h.stopped == "callback"


def test_progress_printer_is_rounded(capsys):
    X, y = xor_data()
    fit(MLP([2, 3, 1], seed=0), X, y, epochs=2, verbose=2)
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("epoch    1  loss 0.") and len(lines) == 2


def test_bad_arguments():
    X, y = xor_data()
    model = MLP([2, 3, 1], seed=0)
    with pytest.raises(ValueError, match="NaN"):
        fit(model, np.where(X > 0.9, np.nan, X), y)
    with pytest.raises(ValueError, match="learning_rate must be > 0, got -0.1"):
        fit(model, X, y, learning_rate=-0.1)
    with pytest.raises(ValueError, match=r"epochs must be an integer > initial_epoch \(0\)"):
        fit(model, X, y, epochs=0)
    with pytest.raises(ValueError, match="batch_size must be a positive integer or None"):
        fit(model, X, y, batch_size=0)
    with pytest.raises(ValueError, match="monitors 'val_loss'.*monitor='loss'"):
        fit(model, X, y, callbacks=[EarlyStopping()], verbose=0)


def test_initial_epoch_continues_training_exactly():
    X, y = xor_data()
    a, b = (MLP([2, 4, 1], "tanh", "sigmoid", "binary_crossentropy", seed=0) for _ in range(2))
    from dlteach.core import Adam
    fit(a, X, y, Adam(0.01), epochs=6, batch_size=20, verbose=0)
    opt = Adam(0.01)
    h1 = fit(b, X, y, opt, epochs=3, batch_size=20, verbose=0)
    h2 = fit(b, X, y, opt, epochs=6, initial_epoch=3, batch_size=20, verbose=0)
    assert h1.epoch == [1, 2, 3] and h2.epoch == [4, 5, 6]
    assert all(np.array_equal(u, v) for u, v in zip(a.get_weights(), b.get_weights()))
