import re

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
    fit(MLP([2, 3, 1], "tanh", "sigmoid", "binary_crossentropy", seed=0), X, y, epochs=2, verbose=2,
        validation_data=(X[:50], y[:50]))
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    for epoch, line in enumerate(lines, start=1):
        # every number with exactly 4 decimals: a 17-digit print (0.6931471805599453) fails here
        assert re.fullmatch(rf"epoch {epoch:4d}(  (loss|accuracy|val_loss|val_accuracy) \d+\.\d{{4}}){{4}}",
                            line), line


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


@pytest.mark.parametrize("kwargs,error,match", [
    ({"epochs": 2.5}, ValueError, r"epochs must be an integer > initial_epoch \(0\), got 2.5"),
    ({"epochs": True}, ValueError, "epochs must be an integer"),
    ({"initial_epoch": -1}, ValueError, "initial_epoch must be an integer >= 0, got -1"),
    ({"initial_epoch": 1.0}, TypeError, "initial_epoch must be an integer, got 1.0"),
    ({"epochs": 3, "initial_epoch": 3}, ValueError, r"epochs must be an integer > initial_epoch \(3\)"),
    ({"batch_size": 2.0}, ValueError, "batch_size must be a positive integer or None"),
    ({"batch_size": "32"}, ValueError, "batch_size must be a positive integer or None"),
    ({"shuffle": "yes"}, TypeError, "shuffle must be True or False, got 'yes'"),
    ({"seed": -3}, ValueError, "seed must be an integer >= 0, got -3"),
    ({"seed": 0.5}, TypeError, "seed must be an integer, got 0.5"),
    ({"verbose": 3}, ValueError, "verbose must be an integer from 0 to 2, got 3"),
    ({"verbose": "loud"}, TypeError, "verbose must be an integer"),
    ({"callbacks": EarlyStopping()}, TypeError, "callbacks must be a list.*single callback"),
    ({"callbacks": [print]}, TypeError, "callbacks must be Callback objects"),
    ({"callbacks": 3}, TypeError, "callbacks must be a list of Callback objects, got 3"),
    ({"divergence_factor": 0.5}, ValueError, "divergence_factor must be > 1"),
    ({"validation_data": ([[0.0, 1.0]],)}, ValueError,
     r"validation_data must be a pair \(X_val, y_val\), got a tuple of length 1"),
    ({"validation_data": np.zeros((3, 2))}, ValueError, r"validation_data must be a pair .*'ndarray'"),
    ({"validation_data": (np.zeros((0, 2)), np.zeros(0))}, ValueError, "validation_data has no samples"),
    ({"validation_data": (np.zeros((4, 3)), np.zeros(4))}, ValueError, r"X has 3 features .* expects 2"),
    ({"validation_data": (np.zeros((4, 2)), np.zeros(5))}, ValueError, "X has 4 samples but y has 5"),
])
def test_every_fit_setting_is_checked_where_given(kwargs, error, match):
    X, y = xor_data(40)
    kwargs = {"verbose": 0, **kwargs}
    with pytest.raises(error, match=match):
        fit(MLP([2, 3, 1], seed=0), X, y, **kwargs)


def test_empty_data_is_refused_by_name():
    with pytest.raises(ValueError, match=r"X has no samples \(shape \(0, 2\)\)"):
        fit(MLP([2, 3, 1], seed=0), np.zeros((0, 2)), np.zeros(0), verbose=0)


def test_other_errors_keep_their_own_message_not_divergence():
    from dlteach.core import Adam
    X, y = xor_data(40)
    opt = Adam(0.01)
    fit(MLP([2, 3, 1], seed=0), X, y, opt, epochs=1, verbose=0)
    with pytest.raises(ValueError) as err:  # the optimizer's state belongs to a 2-3-1 model
        fit(MLP([2, 5, 1], seed=0), X, y, opt, epochs=1, verbose=0)
    assert "diverged" not in str(err.value) and "learning rate" not in str(err.value)


def test_a_loss_infinite_before_training_blames_the_data():
    X, y = xor_data(40)
    with pytest.raises(ValueError, match="before training.*the data is the problem.*Scale the inputs"):
        fit(MLP([2, 3, 1], "relu", "linear", "mse", seed=0), X * 1e200, y, verbose=0)


def test_divergence_on_the_last_step_of_an_epoch_is_caught():
    # one full batch per epoch: the step that blows up is the epoch's last, its loss still finite
    X, y = xor_data()
    model = MLP([2, 8, 1], "relu", "linear", "mse", seed=0)
    h = fit(model, X, 1e3 * X[:, 0], "sgd", epochs=20, batch_size=None, learning_rate=1e3, verbose=0)
    assert h.diverged
    assert all(np.all(np.isfinite(w)) for w in model.get_weights())
    assert all(np.isfinite(v) for values in h.history.values() for v in values)


def test_fit_trains_a_cnn_on_images():
    """4-D input (n, height, width, channels) through Conv2D, MaxPool2D, Flatten, Dense."""
    from dlteach.core import Conv2D, Dense, Flatten, MaxPool2D, Sequential
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 6, 6, 1)) * 0.1
    labels = rng.integers(0, 2, 64)
    X[labels == 1, 1:5, 2:4, 0] += 1.0  # class 1: a bright vertical bar
    Y = np.eye(2)[labels]
    model = Sequential([Conv2D(1, 4, 3, activation="relu", seed=1), MaxPool2D(2), Flatten(),
                        Dense(16, 2, "softmax", seed=2)], loss="categorical_crossentropy")
    h = fit(model, X, Y, "adam", epochs=30, batch_size=16, learning_rate=0.02, verbose=0)
    assert h["loss"][-1] < 0.3 * h.initial_loss and h["accuracy"][-1] > 0.95
    with pytest.raises(ValueError, match="expects images"):
        fit(model, X[..., 0], Y, verbose=0)


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


@pytest.mark.parametrize("make,error,match", [
    (lambda: EarlyStopping(patience=-1), ValueError, "patience must be an integer >= 0, got -1"),
    (lambda: EarlyStopping(patience=2.5), TypeError, "patience must be an integer"),
    (lambda: EarlyStopping(min_delta=-0.1), ValueError, "min_delta must be >= 0"),
    (lambda: EarlyStopping(monitor=3), TypeError, "monitor must be a history key"),
    (lambda: EarlyStopping(restore_best_weights="no"), TypeError, "restore_best_weights must be True or False"),
])
def test_callback_settings_are_checked(make, error, match):
    with pytest.raises(error, match=match):
        make()
