"""The training loop: epochs of shuffled mini-batches, a history, callbacks, early stopping and
divergence detection.

One epoch:  for each mini-batch B:  L_B, grads = model.loss_and_grads(X_B, y_B)
                                    optimizer.step(params)      # w <- w - lr * grad (or Adam...)
then the epoch's train loss (the mean of the batch losses weighted by batch size, as Keras
reports it) and, if given,
the validation loss and metrics are appended to the history.
"""
from __future__ import annotations

import numpy as np

from ._checks import as_float_array
from .optimizers import Optimizer, get_optimizer


class History:
    """What happened during fit: per-epoch lists in `history` and why training stopped."""

    def __init__(self):
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []
        self.stopped: str | None = None  # None (ran all epochs), "diverged", "early_stopping", "callback"
        self.message: str = ""
        self.initial_loss: float | None = None
        self.stop_training = False  # a callback may set this to end training after this epoch

    def append(self, epoch: int, logs: dict) -> None:
        self.epoch.append(epoch)
        for key, value in logs.items():
            self.history.setdefault(key, []).append(float(value))

    def __getitem__(self, key):
        return self.history[key]

    @property
    def diverged(self) -> bool:
        return self.stopped == "diverged"

    def __repr__(self):
        last = {k: round(v[-1], 4) for k, v in self.history.items() if v}
        return f"History(epochs={len(self.epoch)}, last={last}, stopped={self.stopped!r})"


class Callback:
    """Override any of these; `history.stop_training = True` ends training after this epoch."""

    def on_train_begin(self, model, history):
        pass

    def on_epoch_end(self, epoch, logs, model, history):
        pass

    def on_train_end(self, model, history):
        pass


class ProgressPrinter(Callback):
    """Prints one rounded line every `every` epochs (rounded so stored lesson outputs are stable)."""

    def __init__(self, every: int = 1, digits: int = 4):
        self.every, self.digits = every, digits

    def on_epoch_end(self, epoch, logs, model, history):
        if epoch % self.every == 0:
            parts = [f"{k} {v:.{self.digits}f}" for k, v in logs.items()]
            print(f"epoch {epoch:4d}  " + "  ".join(parts))


class EarlyStopping(Callback):
    """Stop when `monitor` has not improved by `min_delta` for `patience` epochs; optionally put
    back the best weights seen (Keras's restore_best_weights)."""

    def __init__(self, monitor: str = "val_loss", patience: int = 5, min_delta: float = 0.0,
                 restore_best_weights: bool = True):
        self.monitor, self.patience, self.min_delta = monitor, int(patience), float(min_delta)
        self.restore_best_weights = restore_best_weights

    def on_train_begin(self, model, history):
        self.best, self.best_epoch, self.best_weights, self.wait = np.inf, 0, None, 0

    def on_epoch_end(self, epoch, logs, model, history):
        if self.monitor not in logs:
            raise ValueError(f"EarlyStopping monitors {self.monitor!r}, but the logs have {sorted(logs)}; "
                             "pass validation_data or monitor='loss'.")
        value = logs[self.monitor]
        if value < self.best - self.min_delta:
            self.best, self.best_epoch, self.wait = value, epoch, 0
            if self.restore_best_weights:
                self.best_weights = model.get_weights()
            return
        self.wait += 1
        if self.wait >= self.patience:
            history.stop_training = True
            history.stopped = "early_stopping"
            history.message = (f"Early stopping at epoch {epoch}: {self.monitor} has not improved for "
                               f"{self.patience} epochs; best {self.best:.4f} at epoch {self.best_epoch}.")
            if self.restore_best_weights and self.best_weights is not None:
                model.set_weights(self.best_weights)
                history.message += " Best weights restored."


def is_divergent(loss: float, initial_loss: float, factor: float = 1e4) -> bool:
    """NaN/inf, or more than `factor` times the loss before training."""
    return not np.isfinite(loss) or loss > factor * max(initial_loss, 1e-12)


def divergence_message(epoch: int, loss: float, initial_loss: float, learning_rate: float) -> str:
    what = "became NaN or infinite" if not np.isfinite(loss) else f"grew from {initial_loss:.3g} to {loss:.3g}"
    kept = f"Weights from epoch {epoch - 1} kept." if epoch > 1 else "Initial weights kept."
    return (f"Training diverged at epoch {epoch}: the loss {what}. Try a smaller learning rate than "
            f"{learning_rate:g} (e.g. {learning_rate / 10:g}). {kept}")


def accuracy(model, X, y) -> float:
    """Fraction correct: argmax for several outputs, threshold for one (0.5 on probabilities,
    0 on logits)."""
    out = model.forward(X)
    y = np.asarray(y, dtype=np.float64)
    if out.shape[1] > 1:
        return float(np.mean(out.argmax(axis=1) == y.reshape(len(y), -1).argmax(axis=1)))
    threshold = 0.0 if model.loss.from_logits else 0.5
    return float(np.mean((out[:, 0] > threshold) == (y.reshape(-1) > 0.5)))


def batches(n: int, batch_size: int | None, rng: np.random.Generator | None):
    """Index arrays of the mini-batches of one epoch; shuffled when rng is given."""
    order = rng.permutation(n) if rng is not None else np.arange(n)
    size = n if batch_size is None else int(batch_size)
    return [order[i:i + size] for i in range(0, n, size)]


def epoch_batches(n: int, batch_size: int | None, seed, epoch: int, shuffle: bool = True):
    """The mini-batches of epoch `epoch`: the order depends only on (seed, epoch), so training in
    chunks (fit 3 epochs, then 3 more) or with another backend visits the same batches."""
    return batches(n, batch_size, np.random.default_rng([seed, epoch]) if shuffle else None)


def fit(model, X, y, optimizer: Optimizer | str = "sgd", epochs: int = 10, batch_size: int | None = 32,
        validation_data=None, shuffle: bool = True, seed=0, callbacks=(), verbose: int = 1,
        divergence_factor: float = 1e4, initial_epoch: int = 0, **optimizer_kwargs) -> History:
    """Train `model` in place and return its History.

    batch_size None means full batch. `seed` makes the shuffling reproducible. As in Keras,
    `initial_epoch` lets a caller continue training: epochs initial_epoch+1 .. epochs are run
    (the optimizer object, passed again, keeps its moments).
    Training stops cleanly, keeping the last good weights, when the loss becomes NaN/inf or grows
    beyond `divergence_factor` times its initial value; history.message says what happened.
    verbose: 0 silent, 1 a line when training stops early, 2 also one line per epoch.
    """
    X = as_float_array(X, "X", ndim=2)
    y = model._as_targets(y, X.shape[0])
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs <= initial_epoch:
        raise ValueError(f"epochs must be an integer > initial_epoch ({initial_epoch}), got {epochs!r}.")
    if batch_size is not None and (isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer))
                                   or batch_size < 1):
        raise ValueError(f"batch_size must be a positive integer or None (full batch), got {batch_size!r}.")
    optimizer = get_optimizer(optimizer, **optimizer_kwargs)
    if validation_data is not None:
        X_val = as_float_array(validation_data[0], "X_val", ndim=2)
        y_val = model._as_targets(validation_data[1], X_val.shape[0])
    callbacks = list(callbacks)
    if verbose >= 2:
        callbacks.append(ProgressPrinter())
    classify = model.loss.name.startswith(("binary", "categorical"))

    history = History()
    history.initial_loss = model.evaluate(X, y)
    for cb in callbacks:
        cb.on_train_begin(model, history)
    for epoch in range(initial_epoch + 1, epochs + 1):
        good_weights = model.get_weights()
        batch_losses, batch_sizes = [], []
        with np.errstate(all="ignore"):  # overflow is detected below and explained, not warned about
            try:
                for idx in epoch_batches(len(X), batch_size, seed, epoch, shuffle):
                    loss, _ = model._loss_and_grads(X[idx], y[idx], training=True)  # X, y checked above
                    batch_losses.append(loss)
                    batch_sizes.append(len(idx))
                    if not np.isfinite(loss):
                        break
                    optimizer.step(model.trainable_params())
                logs = {"loss": float(np.average(batch_losses, weights=batch_sizes[:len(batch_losses)]))}
                if np.isfinite(logs["loss"]) and validation_data is not None:
                    logs["val_loss"] = model.evaluate(X_val, y_val)
            except (FloatingPointError, ValueError):  # NaN reached the weights or the next batch
                logs = {"loss": float("nan")}
        if is_divergent(logs["loss"], history.initial_loss, divergence_factor):
            model.set_weights(good_weights)
            history.stopped = "diverged"
            history.message = divergence_message(epoch, logs["loss"], history.initial_loss,
                                                 optimizer.learning_rate)
            break
        if classify:
            logs["accuracy"] = accuracy(model, X, y)
            if validation_data is not None:
                logs["val_accuracy"] = accuracy(model, X_val, y_val)
        history.append(epoch, logs)
        for cb in callbacks:
            cb.on_epoch_end(epoch, logs, model, history)
        if history.stop_training:
            history.stopped = history.stopped or "callback"
            break
    for cb in callbacks:
        cb.on_train_end(model, history)
    if verbose >= 1 and history.message:
        print(history.message)
    return history
