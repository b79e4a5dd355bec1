"""The training loop against a loop written out here (mutation testing, docs/MUTATION.md).

The reference trains one Dense layer by hand (z = X w + b, the MSE or BCE gradient written out,
plain SGD), visiting the mini-batches in the documented order (a permutation drawn from
np.random.default_rng([seed, epoch])), so fit's history, weights, validation numbers, divergence
handling and callbacks are checked against numbers computed without the engine.
"""
import numpy as np
import pytest

from dlteach.core import MLP, SGD, Callback, EarlyStopping, fit
from dlteach.core.training import (History, ProgressPrinter, _check_callbacks, _fraction_correct,
                                   divergence_message, epoch_batches, is_divergent)


def data(n=50, d=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = X @ np.array([1.0, -2.0, 0.5])[:d] + 0.3 + 0.1 * rng.normal(size=n)
    return X, y


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def reference_fit(W, b, X, y, lr, epochs, batch_size, seed, kind="mse", shuffle=True, l2=0.0,
                  val=None, first_epoch=1):
    """SGD on one Dense layer, by hand. Returns (W, b, logs per epoch, weights after each epoch)."""
    W, b, y = W.copy(), b.copy(), y.reshape(-1, 1)
    n = len(X)
    size = n if batch_size is None else batch_size
    logs, weights = [], []
    for epoch in range(first_epoch, epochs + 1):
        order = np.random.default_rng([seed, epoch]).permutation(n) if shuffle else np.arange(n)
        loss_sum, correct = 0.0, 0.0
        for start in range(0, n, size):
            idx = order[start:start + size]
            z = X[idx] @ W + b
            m = len(idx)
            if kind == "mse":
                loss = np.mean((z - y[idx]) ** 2)
                dz = 2 * (z - y[idx]) / m
            else:
                p = sigmoid(z)
                loss = -np.mean(y[idx] * np.log(p) + (1 - y[idx]) * np.log(1 - p))
                dz = (p - y[idx]) / m
                correct += np.sum((p > 0.5) == (y[idx] > 0.5))
            loss_sum += m * (loss + l2 * np.sum(W ** 2))
            W = W - lr * (X[idx].T @ dz + 2 * l2 * W)
            b = b - lr * dz.sum(axis=0)
        entry = {"loss": loss_sum / n}
        if kind != "mse":
            entry["accuracy"] = correct / n
        if val is not None:
            Xv, yv = val[0], val[1].reshape(-1, 1)
            zv = Xv @ W + b
            if kind == "mse":
                entry["val_loss"] = np.mean((zv - yv) ** 2) + l2 * np.sum(W ** 2)
            else:
                pv = sigmoid(zv)
                entry["val_loss"] = -np.mean(yv * np.log(pv) + (1 - yv) * np.log(1 - pv)) + l2 * np.sum(W ** 2)
                entry["val_accuracy"] = np.mean((pv > 0.5) == (yv > 0.5))
        logs.append(entry)
        weights.append((W.copy(), b.copy()))
    return W, b, logs, weights


def assert_history(h, logs, rel=1e-12):
    assert set(h.history) == set(logs[0])
    for key in logs[0]:
        assert h[key] == pytest.approx([entry[key] for entry in logs], rel=rel, abs=1e-14), key


def test_fit_defaults_are_sgd_0_01_ten_epochs_of_32_shuffled_with_seed_0():
    X, y = data(70)
    model = MLP([3, 1], seed=1)
    W0, b0 = model.layers[0].W.copy(), model.layers[0].b.copy()
    h = fit(model, X, y)
    W, b, logs, _ = reference_fit(W0, b0, X, y, lr=0.01, epochs=10, batch_size=32, seed=0)
    assert h.epoch == list(range(1, 11)) and h.stopped is None and h.message == ""
    assert_history(h, logs)
    assert np.allclose(model.layers[0].W, W, rtol=1e-12, atol=1e-14)
    assert np.allclose(model.layers[0].b, b, rtol=1e-12, atol=1e-14)
    assert h.initial_loss == pytest.approx(np.mean((X @ W0[:, 0] + b0[0] - y) ** 2), rel=1e-13)


@pytest.mark.parametrize("batch_size,shuffle,seed", [(7, True, 3), (None, True, 0), (8, False, 5), (50, True, 2)])
def test_fit_with_validation_and_l2_equals_the_loop(batch_size, shuffle, seed):
    X, y = data(50)
    Xv, yv = data(20, seed=9)
    model = MLP([3, 1], l2=0.25, seed=2)
    W0, b0 = model.layers[0].W.copy(), model.layers[0].b.copy()
    h = fit(model, X, y, "sgd", epochs=4, batch_size=batch_size, shuffle=shuffle, seed=seed,
            validation_data=[Xv, yv], verbose=0, learning_rate=0.05)
    W, b, logs, _ = reference_fit(W0, b0, X, y, 0.05, 4, batch_size, seed, shuffle=shuffle, l2=0.25, val=(Xv, yv))
    assert_history(h, logs)
    assert np.allclose(model.layers[0].W, W, rtol=1e-12, atol=1e-14)


def test_binary_classification_history_equals_the_loop():
    X, _ = data(60)
    y = (X[:, 0] - 0.5 * X[:, 1] > 0).astype(float)
    Xv = X[:15] * 1.5
    yv = 1.0 - y[:15]  # disagreeing labels: val_accuracy is far from accuracy
    model = MLP([3, 1], output_activation="sigmoid", loss="binary_crossentropy", seed=4)
    W0, b0 = model.layers[0].W.copy(), model.layers[0].b.copy()
    h = fit(model, X, y, "sgd", epochs=3, batch_size=16, seed=1, validation_data=(Xv, yv), verbose=0,
            learning_rate=0.5)
    _, _, logs, _ = reference_fit(W0, b0, X, y, 0.5, 3, 16, 1, kind="bce", val=(Xv, yv))
    assert_history(h, logs, rel=1e-10)
    assert 0 < h["accuracy"][0] < 1 and h["val_accuracy"][-1] < 0.5


def test_fit_with_numpy_integers_and_bools_as_settings():
    X, y = data(30)
    model = MLP([3, 1], seed=1)
    W0, b0 = model.layers[0].W.copy(), model.layers[0].b.copy()
    h = fit(model, X, y, "sgd", epochs=np.int64(2), batch_size=np.int64(9), shuffle=np.bool_(True),
            seed=np.int64(4), verbose=0, divergence_factor=1.5)
    _, _, logs, _ = reference_fit(W0, b0, X, y, 0.01, 2, 9, 4)
    assert_history(h, logs)


def test_initial_epoch_runs_the_later_epochs_with_their_own_batches():
    X, y = data(40)
    model = MLP([3, 1], seed=3)
    W0, b0 = model.layers[0].W.copy(), model.layers[0].b.copy()
    h = fit(model, X, y, "sgd", epochs=5, initial_epoch=2, batch_size=10, seed=6, verbose=0, learning_rate=0.03)
    _, _, logs, _ = reference_fit(W0, b0, X, y, 0.03, 5, 10, 6, first_epoch=3)
    assert h.epoch == [3, 4, 5]
    assert_history(h, logs)


def test_epoch_batches_are_drawn_from_seed_and_epoch():
    order = np.random.default_rng([4, 2]).permutation(10)
    parts = epoch_batches(10, 4, 4, 2)
    assert [p.tolist() for p in parts] == [order[:4].tolist(), order[4:8].tolist(), order[8:].tolist()]
    assert [p.tolist() for p in epoch_batches(5, 2, 4, 2, shuffle=False)] == [[0, 1], [2, 3], [4]]
    assert [p.tolist() for p in epoch_batches(3, None, 1, 1, shuffle=False)] == [[0, 1, 2]]


def test_fit_with_seed_none_still_visits_every_sample_in_a_random_order():
    X, y = data(40)
    seen = []

    class Spy(SGD):
        def step(self, params):
            seen.append(params[0][2].copy())
            super().step(params)
    losses = {tuple(fit(MLP([3, 1], seed=1), X, y, Spy(), epochs=1, batch_size=8, seed=None, verbose=0)["loss"])
              for _ in range(4)}
    assert len(seen) == 4 * 5
    assert len(losses) > 1  # a fresh order each time


def test_divergence_restores_the_weights_of_the_last_good_epoch():
    X, y = data(30)
    X = X * 3  # lr 0.2 on full batches: every step overshoots, the loss grows about tenfold each epoch
    model = MLP([3, 1], seed=0)
    W0, b0 = model.layers[0].W.copy(), model.layers[0].b.copy()
    h = fit(model, X, y, "sgd", epochs=30, batch_size=None, verbose=0, learning_rate=0.2, divergence_factor=1e3)
    _, _, logs, weights = reference_fit(W0, b0, X, y, 0.2, 30, None, 0)
    initial = np.mean((X @ W0[:, 0] + b0[0] - y) ** 2)
    stop = next(e for e, entry in enumerate(logs, start=1) if entry["loss"] > 1e3 * initial)
    assert stop >= 3 and h.diverged and h.stopped == "diverged"
    assert h.epoch == list(range(1, stop))
    assert_history(h, logs[:stop - 1])
    assert np.allclose(model.layers[0].W, weights[stop - 2][0], rtol=1e-12)
    assert np.allclose(model.layers[0].b, weights[stop - 2][1], rtol=1e-12)
    assert h.message == (f"Training diverged at epoch {stop}: the loss grew from {initial:.3g} to "
                         f"{logs[stop - 1]['loss']:.3g}. Try a smaller learning rate than 0.2 (e.g. 0.02). "
                         f"Weights from epoch {stop - 1} kept.")


def test_a_loss_below_the_divergence_factor_does_not_stop_training():
    X, y = data(30)
    X = X * 3
    model = MLP([3, 1], seed=0)
    W0, b0 = model.layers[0].W.copy(), model.layers[0].b.copy()
    _, _, logs, _ = reference_fit(W0, b0, X, y, 0.2, 3, None, 0)
    initial = np.mean((X @ W0[:, 0] + b0[0] - y) ** 2)
    factor = 1.0001 * max(entry["loss"] for entry in logs) / initial  # just above the largest loss
    h = fit(model, X, y, "sgd", epochs=3, batch_size=None, verbose=0, learning_rate=0.2, divergence_factor=factor)
    assert h.stopped is None and len(h.epoch) == 3


def test_the_optimizer_refusing_a_nan_gradient_is_divergence():
    X, y = data(20)

    class Refuses(SGD):
        def step(self, params):
            if self.iterations == 2:
                raise FloatingPointError("gradient is NaN")
            super().step(params)
    model = MLP([3, 1], seed=0)
    before = model.get_weights()
    h = fit(model, X, y, Refuses(0.01), epochs=3, batch_size=10, verbose=0)
    assert h.stopped == "diverged" and h.epoch == [1]
    assert "the loss became NaN or infinite" in h.message and "Weights from epoch 1 kept." in h.message
    assert not np.array_equal(model.get_weights()[0], before[0])  # epoch 1's weights, not the initial ones


def test_verbose_1_prints_only_the_stop_message(capsys):
    X, y = data(30)
    fit(MLP([3, 1], seed=0), X * 3, y, "sgd", epochs=30, batch_size=None, learning_rate=0.2,
        divergence_factor=1e3, verbose=1)
    out = capsys.readouterr().out
    assert out.startswith("Training diverged at epoch") and out.count("\n") == 1
    fit(MLP([3, 1], seed=0), X, y, epochs=2, verbose=1)
    fit(MLP([3, 1], seed=0), X * 3, y, "sgd", epochs=30, batch_size=None, learning_rate=0.2,
        divergence_factor=1e3, verbose=0)
    assert capsys.readouterr().out == ""


def test_the_loss_infinite_before_training_names_the_largest_input():
    X, y = data(10)
    X[3, 1] = -2e200
    with pytest.raises(ValueError) as err:
        fit(MLP([3, 1], seed=0), X, y, verbose=0)
    assert str(err.value).startswith("The loss is already inf before training, with the initial weights: "
                                     "the data is the problem, not the learning rate (inputs reach 2e+200).")


def test_divergence_factor_of_exactly_1_is_refused_and_just_above_accepted():
    X, y = data(10)
    with pytest.raises(ValueError, match=r"divergence_factor must be > 1 \(a loss that many times its initial "
                                         r"value\), got 1.0\."):
        fit(MLP([3, 1], seed=0), X, y, divergence_factor=1.0, verbose=0)
    fit(MLP([3, 1], seed=0), X, y, epochs=1, divergence_factor=1.001, verbose=0, learning_rate=1e-4)


def test_is_divergent_boundaries():
    assert not is_divergent(1e4, 1.0) and is_divergent(1.0001e4, 1.0)
    assert not is_divergent(30.0, 2.0, factor=15) and is_divergent(30.001, 2.0, factor=15)
    assert not is_divergent(1e-8, 0.0) and is_divergent(2e-8, 0.0)  # a zero initial loss counts as 1e-12
    assert is_divergent(np.nan, 1.0) and is_divergent(np.inf, 1.0) and not is_divergent(1.0, 1.0)


def test_divergence_messages_word_for_word():
    assert divergence_message(3, 1234.5, 0.5, 0.1) == (
        "Training diverged at epoch 3: the loss grew from 0.5 to 1.23e+03. Try a smaller learning rate than "
        "0.1 (e.g. 0.01). Weights from epoch 2 kept.")
    assert divergence_message(1, np.nan, 0.25, 2.0) == (
        "Training diverged at epoch 1: the loss became NaN or infinite. Try a smaller learning rate than 2 "
        "(e.g. 0.2). Initial weights kept.")
    assert divergence_message(2, np.inf, 0.25, 0.5).endswith("(e.g. 0.05). Weights from epoch 1 kept.")


def test_fraction_correct_thresholds():
    y1 = np.array([[1.0], [0.0], [0.0], [0.0]])
    probs = np.array([[0.6], [0.5], [0.5], [0.4]])  # exactly 0.5 counts as class 0
    assert _fraction_correct(probs, y1, from_logits=False) == 1.0
    logits = np.array([[0.7], [0.0], [-0.1], [0.3]])  # threshold 0 on logits, not 0.5
    assert _fraction_correct(logits, y1, from_logits=True) == 0.75
    assert _fraction_correct(logits, np.array([[0.6], [0.4], [0.0], [0.9]]), from_logits=True) == 1.0
    out = np.array([[0.1, 0.7, 0.2], [0.5, 0.2, 0.3], [0.2, 0.2, 0.6]])
    assert _fraction_correct(out, np.eye(3)[[1, 1, 2]], from_logits=False) == pytest.approx(2 / 3)


class FakeTrainer:
    """Takes the steps 'in another framework': returns loss 10 * (batch's first target), and
    moves the model's bias by 1 per epoch in sync_to_model."""

    def __init__(self, model, report_output=True):
        self.model, self.report_output, self.syncs, self.batches = model, report_output, 0, []

    def train_batch(self, X, y):
        self.batches.append(len(X))
        if self.report_output:
            self.last_output = np.where(np.arange(len(X))[:, None] % 2 == 0, 0.9, 0.1)
        return float(len(X))

    def sync_to_model(self):
        self.syncs += 1
        self.model.layers[0].b[...] = self.syncs


def test_a_trainer_takes_the_steps_and_reports_the_batch_accuracy():
    X, _ = data(10)
    y = np.array([1, 1, 1, 1, 1, 0, 0, 0, 0, 0.0])
    model = MLP([3, 1], output_activation="sigmoid", loss="binary_crossentropy", seed=0)
    W0 = model.layers[0].W.copy()
    trainer = FakeTrainer(model)
    h = fit(model, X, y, epochs=2, batch_size=4, shuffle=False, trainer=trainer, verbose=0)
    assert trainer.batches == [4, 4, 2] * 2 and trainer.syncs == 2
    assert np.array_equal(model.layers[0].W, W0)  # no step of ours
    assert h["loss"] == pytest.approx([(16 + 16 + 4) / 10] * 2, rel=1e-15)
    # outputs 0.9, 0.1, 0.9, 0.1 against targets 1111 | 1000 | 00: 2/4, 3/4, 1/2 correct
    assert h["accuracy"] == pytest.approx([(2 + 3 + 1) / 10] * 2, rel=1e-15)


def test_a_trainer_without_outputs_gets_the_accuracy_after_the_epoch():
    X, _ = data(10)
    y = (X[:, 0] > 0).astype(float)
    model = MLP([3, 1], output_activation="sigmoid", loss="binary_crossentropy", seed=0)
    h = fit(model, X, y, epochs=1, batch_size=4, trainer=FakeTrainer(model, report_output=False), verbose=0)
    p = sigmoid(X @ model.layers[0].W + 1.0)[:, 0]  # the bias the trainer synced
    assert h["accuracy"] == [np.mean((p > 0.5) == (y > 0.5))]


def test_mse_has_no_accuracy_and_logits_use_threshold_0():
    X, _ = data(12)
    y = (X[:, 0] > 0).astype(float)
    assert set(fit(MLP([3, 1], seed=0), X, y, epochs=1, verbose=0).history) == {"loss"}
    model = MLP([3, 1], loss="binary_crossentropy_from_logits", seed=0)
    W0, b0 = model.layers[0].W.copy(), model.layers[0].b.copy()
    h = fit(model, X, y, epochs=1, batch_size=None, validation_data=(X, y), verbose=0)
    z0 = X @ W0 + b0
    assert h["accuracy"] == [np.mean((z0[:, 0] > 0) == (y > 0.5))]
    z1 = X @ model.layers[0].W + model.layers[0].b
    assert h["val_accuracy"] == [np.mean((z1[:, 0] > 0) == (y > 0.5))]


class FakeModel:
    def __init__(self):
        self.w = [np.array([0.0])]

    def get_weights(self):
        return [w.copy() for w in self.w]

    def set_weights(self, weights):
        self.w = [np.array(w) for w in weights]


def run_stopper(stopper, values, monitor="val_loss"):
    """Feed EarlyStopping the monitored values epoch by epoch; the model's weight is the epoch."""
    model, history = FakeModel(), History()
    stopper.on_train_begin(model, history)
    for epoch, value in enumerate(values, start=1):
        model.w = [np.array([float(epoch)])]
        stopper.on_epoch_end(epoch, {monitor: value, "other": 0.0}, model, history)
        if history.stop_training:
            return epoch, model, history
    return None, model, history


def test_early_stopping_by_hand():
    epoch, model, h = run_stopper(EarlyStopping(patience=2, min_delta=0.05), [1.0, 0.8, 0.79, 0.85, 0.9])
    assert epoch == 4 and h.stopped == "early_stopping"
    assert h.message == ("Early stopping at epoch 4: val_loss has not improved for 2 epochs; best 0.8000 at "
                         "epoch 2. Best weights restored.")
    assert model.w[0][0] == 2.0


def test_early_stopping_improvement_is_strictly_more_than_min_delta():
    epoch, _, h = run_stopper(EarlyStopping(patience=1, min_delta=0.25), [1.0, 0.75])
    assert epoch == 2 and "best 1.0000 at epoch 1" in h.message
    assert run_stopper(EarlyStopping(patience=1, min_delta=0.25), [1.0, 0.7499])[0] is None


def test_early_stopping_patience_counts_epochs_without_improvement():
    assert run_stopper(EarlyStopping(patience=3), [1.0, 1.0, 1.0, 0.5, 0.6, 0.7])[0] is None
    assert run_stopper(EarlyStopping(patience=3), [1.0, 1.0, 1.0, 0.5, 0.6, 0.7, 0.8])[0] == 7
    assert run_stopper(EarlyStopping(patience=0), [1.0, 2.0])[0] == 2
    assert run_stopper(EarlyStopping(), [1.0] + [2.0] * 4)[0] is None  # default patience 5
    assert run_stopper(EarlyStopping(), [1.0] + [2.0] * 5)[0] == 6


def test_early_stopping_without_restore_and_other_monitor():
    stopper = EarlyStopping(monitor="loss", patience=1, restore_best_weights=False)
    epoch, model, h = run_stopper(stopper, [0.5, 0.6], monitor="loss")
    assert epoch == 2 and model.w[0][0] == 2.0 and stopper.best_weights is None
    assert h.message == "Early stopping at epoch 2: loss has not improved for 1 epochs; best 0.5000 at epoch 1."
    # on_train_begin starts afresh: the best of the last run does not carry over
    assert run_stopper(stopper, [0.9, 0.8], monitor="loss")[0] is None


def test_early_stopping_with_nothing_better_than_inf_keeps_the_weights():
    epoch, model, h = run_stopper(EarlyStopping(patience=1), [np.inf, np.inf])
    assert epoch == 1 and model.w[0][0] == 1.0
    assert h.message.endswith("best inf at epoch 0.")  # no best weights to restore


def test_early_stopping_names_the_missing_key():
    with pytest.raises(ValueError) as err:
        EarlyStopping().on_epoch_end(1, {"loss": 1.0, "accuracy": 0.5}, FakeModel(), History())
    assert str(err.value) == ("EarlyStopping monitors 'val_loss', but the logs have ['accuracy', 'loss']; "
                              "pass validation_data or monitor='loss'.")


def test_early_stopping_in_fit_stops_and_sets_the_reason():
    X, y = data(30)
    h = fit(MLP([3, 1], seed=0), X, y, epochs=20, verbose=0, callbacks=(EarlyStopping("loss", patience=0,
                                                                                      min_delta=10.0),))
    assert h.epoch == [1, 2] and h.stopped == "early_stopping"


def test_progress_printer_every_and_digits(capsys):
    printer = ProgressPrinter(every=3, digits=2)
    for epoch in range(1, 8):
        printer.on_epoch_end(epoch, {"loss": 0.123456, "val_loss": 1.0}, None, None)
    assert capsys.readouterr().out == "epoch    3  loss 0.12  val_loss 1.00\nepoch    6  loss 0.12  val_loss 1.00\n"
    ProgressPrinter().on_epoch_end(12, {"loss": 2.0}, None, None)
    ProgressPrinter(digits=0).on_epoch_end(1, {"loss": 2.4}, None, None)
    ProgressPrinter(digits=17).on_epoch_end(1, {"loss": 0.5}, None, None)
    assert capsys.readouterr().out == ("epoch   12  loss 2.0000\nepoch    1  loss 2\n"
                                       "epoch    1  loss 0.50000000000000000\n")
    for bad in ({"every": 0}, {"digits": -1}, {"digits": 18}):
        with pytest.raises(ValueError):
            ProgressPrinter(**bad)


def test_history_records_and_reports():
    h = History()
    assert h.history == {} and h.epoch == [] and h.stopped is None and h.message == ""
    assert h.initial_loss is None and h.stop_training is False and not h.diverged
    h.append(1, {"loss": np.float32(0.5), "acc": 1})
    h.append(2, {"loss": 0.123456789})
    assert h.epoch == [1, 2] and h["loss"] == [0.5, 0.123456789] and h["acc"] == [1.0]
    assert type(h["acc"][0]) is float
    assert repr(h) == "History(epochs=2, last={'loss': 0.1235, 'acc': 1.0}, stopped=None)"
    h.stopped = "diverged"
    assert h.diverged and repr(h).endswith("stopped='diverged')")


def test_a_callback_stop_is_named_callback_and_callbacks_are_called_in_order():
    calls = []

    class Recorder(Callback):
        def on_train_begin(self, model, history):
            calls.append("begin")

        def on_epoch_end(self, epoch, logs, model, history):
            calls.append(epoch)
            history.stop_training = epoch == 2

        def on_train_end(self, model, history):
            calls.append("end")
    X, y = data(10)
    h = fit(MLP([3, 1], seed=0), X, y, epochs=5, callbacks=[Recorder()], verbose=0)
    assert calls == ["begin", 1, 2, "end"] and h.stopped == "callback"
    base = Callback()
    assert base.on_train_begin(None, None) is None and base.on_train_end(None, None) is None
    assert base.on_epoch_end(1, {}, None, None) is None


def test_check_callbacks_messages():
    assert _check_callbacks(None) == [] and _check_callbacks(()) == []
    stopper = EarlyStopping()
    assert _check_callbacks((stopper,)) == [stopper]
    with pytest.raises(TypeError) as err:
        _check_callbacks(stopper)
    assert str(err.value).startswith("callbacks must be a list of callbacks, e.g. callbacks=[EarlyStopping()], "
                                     "got the single callback <")
    with pytest.raises(TypeError) as err:
        _check_callbacks(5)
    assert str(err.value) == "callbacks must be a list of Callback objects, got 5."
    with pytest.raises(TypeError) as err:
        _check_callbacks([stopper, "x"])
    assert str(err.value) == "callbacks must be Callback objects (subclass dlteach.Callback), got 'x'."

    class Partial:
        def on_train_begin(self, model, history):
            pass

        def on_epoch_end(self, epoch, logs, model, history):
            pass
    with pytest.raises(TypeError):
        _check_callbacks([Partial()])


def test_early_stopping_settings_are_stored():
    s = EarlyStopping()
    assert (s.monitor, s.patience, s.min_delta, s.restore_best_weights) == ("val_loss", 5, 0.0, True)
    s = EarlyStopping("loss", 2, 0.5, np.bool_(False))
    assert (s.monitor, s.patience, s.min_delta, s.restore_best_weights) == ("loss", 2, 0.5, False)
    assert type(s.restore_best_weights) is bool


def test_accuracy_of_a_model_by_hand():
    from dlteach.core.training import accuracy
    X = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 1.0, 1.0]]
    probs = MLP([3, 1], output_activation="sigmoid", loss="binary_crossentropy", seed=0)
    probs.set_weights([np.array([[2.0], [-1.0], [0.1]]), np.array([-0.2])])  # z = 1.8, -1.2, -0.1, 0.9
    assert accuracy(probs, X, [1, 0, 1, 0]) == 0.5  # p > 0.5 where z > 0: 1, 0, 0, 1
    logits = MLP([3, 1], loss="binary_crossentropy_from_logits", seed=0)
    logits.set_weights([np.array([[0.3], [-1.0], [0.1]]), np.array([0.0])])  # z = 0.3, -1, 0.1, -0.6
    assert accuracy(logits, X, [1, 0, 1, 0]) == 1.0  # threshold 0, not 0.5 (which would give 0.5)
    classes = MLP([3, 3], output_activation="softmax", loss="categorical_crossentropy", seed=0)
    classes.set_weights([np.eye(3), np.zeros(3)])
    assert accuracy(classes, X[:3], np.eye(3)[[0, 1, 0]]) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="X has 3 samples but y has 2"):
        accuracy(classes, X[:3], np.eye(3)[[0, 1]])
    with pytest.raises(ValueError, match="X has 2 features"):
        accuracy(classes, [[1.0, 2.0]], np.eye(3)[[0]])


def test_survivors_of_the_first_run_training():
    assert run_stopper(EarlyStopping(patience=2), [np.inf])[0] is None  # one bad epoch is wait 1, not 2
    assert run_stopper(EarlyStopping(patience=2), [np.inf, np.inf])[0] == 2
    with pytest.raises(ValueError) as err:
        ProgressPrinter(every=0)
    assert str(err.value) == "every must be an integer >= 1, got 0."
    with pytest.raises(ValueError) as err:
        ProgressPrinter(digits=18)
    assert str(err.value) == "digits must be an integer from 0 to 17, got 18."


def test_survivors_of_the_final_run_fit(capsys):
    X, y = data(24)
    seen = []

    class Recorder(Callback):
        def on_train_begin(self, model, history):
            seen.append(("begin", model, history))

        def on_train_end(self, model, history):
            seen.append(("end", model, history))
    model = MLP([3, 1], seed=0)
    h = fit(model, X, y, epochs=1, batch_size=1, callbacks=[Recorder()])  # batch_size 1 is allowed
    assert capsys.readouterr().out == ""  # verbose 1 by default: nothing printed for a normal run
    assert [s[0] for s in seen] == ["begin", "end"] and all(s[1] is model and s[2] is h for s in seen)
    with pytest.raises(ValueError) as err:
        fit(model, X, y, divergence_factor=-1.0)
    assert str(err.value) == "divergence_factor must be > 0, got -1.0."
    Xbig = X.copy()
    Xbig[0, 0] = 1e200
    with pytest.raises(ValueError) as err:
        fit(model, Xbig, y, verbose=0)
    assert str(err.value).endswith("Scale the inputs (and regression targets), e.g. with "
                                   "dlteach.data.Standardizer, before training.")


def test_fit_trains_dropout_in_training_mode_exactly_as_a_hand_loop():
    X, y = data(20)
    a, b = MLP([3, 6, 1], "tanh", dropout=0.5, seed=3), MLP([3, 6, 1], "tanh", dropout=0.5, seed=3)
    fit(a, X, y, "sgd", epochs=2, batch_size=8, seed=4, verbose=0, learning_rate=0.1)
    opt = SGD(0.1)
    for epoch in (1, 2):
        for idx in epoch_batches(20, 8, 4, epoch):
            b.loss_and_grads(X[idx], y[idx])  # training=True: dropout masks drawn in the same order
            opt.step(b.trainable_params())
    assert all(np.array_equal(u, v) for u, v in zip(a.get_weights(), b.get_weights()))


def test_a_step_that_overflows_the_weights_is_divergence():
    X, y = data(10)
    model = MLP([3, 1], seed=0)
    before = model.get_weights()
    h = fit(model, X * 100, y * 100, "sgd", epochs=3, batch_size=None, learning_rate=1e308, verbose=0)
    assert h.epoch == [] and h.stopped == "diverged" and "became NaN or infinite" in h.message
    assert all(np.array_equal(u, v) for u, v in zip(model.get_weights(), before))


def test_logit_outputs_are_thresholded_at_0_in_the_batch_and_validation_accuracy():
    X = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 1.0, 0.0]])
    y = np.array([1.0, 1.0, 0.0, 1.0])
    model = MLP([3, 1], loss="binary_crossentropy_from_logits", seed=0)
    model.set_weights([np.array([[0.2], [0.3], [-0.4]]), np.array([0.0])])  # logits 0.2, 0.3, -0.4, 0.5
    h = fit(model, X, y, "sgd", epochs=1, batch_size=None, learning_rate=1e-9, validation_data=(X, y), verbose=0)
    assert h["accuracy"] == [1.0] and h["val_accuracy"] == [1.0]  # at 0.5 it would be 0.25


class RecordingTrainer(FakeTrainer):
    def train_batch(self, X, y):
        self.targets = getattr(self, "targets", []) + [y.copy()]
        return super().train_batch(X, y)


def test_a_trainer_gets_the_batch_targets():
    X, _ = data(6)
    y = np.arange(6.0)
    model = MLP([3, 1], seed=0)
    trainer = RecordingTrainer(model)
    fit(model, X, y, epochs=1, batch_size=4, shuffle=False, trainer=trainer, verbose=0)
    assert [t[:, 0].tolist() for t in trainer.targets] == [[0.0, 1.0, 2.0, 3.0], [4.0, 5.0]]
