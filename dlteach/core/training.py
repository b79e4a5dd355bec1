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

from ._checks import as_generator, check_int, check_positive
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
        self.every, self.digits = check_int(every, "every", low=1), check_int(digits, "digits", low=0, high=17)

    def on_epoch_end(self, epoch, logs, model, history):
        if epoch % self.every == 0:
            parts = [f"{k} {v:.{self.digits}f}" for k, v in logs.items()]
            print(f"epoch {epoch:4d}  " + "  ".join(parts))


class EarlyStopping(Callback):
    """Stop when `monitor` has not improved by `min_delta` for `patience` epochs; optionally put
    back the best weights seen (Keras's restore_best_weights)."""

    def __init__(self, monitor: str = "val_loss", patience: int = 5, min_delta: float = 0.0,
                 restore_best_weights: bool = True):
        if not isinstance(monitor, str):
            raise TypeError(f"monitor must be a history key such as 'val_loss' or 'loss', got {monitor!r}.")
        if not isinstance(restore_best_weights, (bool, np.bool_)):
            raise TypeError(f"restore_best_weights must be True or False, got {restore_best_weights!r}.")
        self.monitor, self.patience = monitor, check_int(patience, "patience", low=0)
        self.min_delta = check_positive(min_delta, "min_delta", allow_zero=True)
        self.restore_best_weights = bool(restore_best_weights)

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

    def on_train_end(self, model, history):
        """As Keras 3 does: the best weights are put back at the end of training too, when the patience
        never ran out (or another callback stopped it); not after a divergence, whose message says which
        weights were kept."""
        if history.stopped in (None, "callback") and self.restore_best_weights and self.best_weights is not None:
            model.set_weights(self.best_weights)
            history.message = history.message or (
                f"{self.monitor} never went {self.patience} epochs without improving; best {self.best:.4f} at "
                f"epoch {self.best_epoch}. Best weights restored.")


def is_divergent(loss: float, initial_loss: float, factor: float = 1e4) -> bool:
    """NaN/inf, or more than `factor` times the loss before training."""
    return not np.isfinite(loss) or loss > factor * max(initial_loss, 1e-12)


def divergence_message(epoch: int, loss: float, initial_loss: float, learning_rate: float) -> str:
    """What fit says when training diverged: at which epoch, how the loss grew, the learning rate to
    try instead and which weights were kept."""
    what = "became NaN or infinite" if not np.isfinite(loss) else f"grew from {initial_loss:.3g} to {loss:.3g}"
    kept = f"Weights from epoch {epoch - 1} kept." if epoch > 1 else "Initial weights kept."
    return (f"Training diverged at epoch {epoch}: the loss {what}. Try a smaller learning rate than "
            f"{learning_rate:g} (e.g. {learning_rate / 10:g}). {kept}")


def accuracy(model, X, y) -> float:
    """Fraction correct: argmax for several outputs, threshold for one (0.5 on probabilities,
    0 on logits)."""
    X = model._check_X(X)
    return _fraction_correct(model.forward(X), model._as_targets(y, len(X)), model.loss.from_logits)


def _fraction_correct(out, y, from_logits: bool) -> float:
    """Keras's accuracy for outputs `out` (n, k) and targets y (n, k): categorical (argmax) for
    k > 1, binary for k = 1 (threshold 0.5 on probabilities; 0 on logits, where Keras's
    "accuracy" would still use 0.5, which is not the decision boundary of a logit)."""
    if out.shape[1] > 1:
        return float(np.mean(out.argmax(axis=1) == y.argmax(axis=1)))
    threshold = 0.0 if from_logits else 0.5
    return float(np.mean((out[:, 0] > threshold) == (y[:, 0] > 0.5)))


def batches(n: int, batch_size: int | None, seed=None):
    """Index arrays of the mini-batches of one epoch: in order when seed is None, shuffled when
    seed is an int >= 0 or a numpy Generator."""
    order = np.arange(n) if seed is None else as_generator(seed, "seed").permutation(n)
    size = n if batch_size is None else int(batch_size)
    return [order[i:i + size] for i in range(0, n, size)]


def epoch_batches(n: int, batch_size: int | None, seed, epoch: int, shuffle: bool = True):
    """The mini-batches of epoch `epoch`: the order depends only on (seed, epoch), so training in
    chunks (fit 3 epochs, then 3 more) or with another backend visits the same batches."""
    return batches(n, batch_size, np.random.default_rng([seed, epoch]) if shuffle else None)


def fit(model, X, y, optimizer: Optimizer | str = "sgd", epochs: int = 10, batch_size: int | None = 32,
        validation_data=None, shuffle: bool = True, seed=0, callbacks=(), verbose: int = 1,
        divergence_factor: float = 1e4, initial_epoch: int = 0, trainer=None, **optimizer_kwargs) -> History:
    """Train `model` in place and return its History.

    X is (n, features) for an MLP, or (n, height, width, channels) images for a Conv2D stack.
    batch_size None means full batch. `seed` (an int >= 0, or None for a fresh random one) makes
    the shuffling reproducible. As in Keras, `initial_epoch` lets a caller continue training:
    epochs initial_epoch+1 .. epochs are run (the optimizer object, passed again, keeps its moments).

    History keys mean what Keras's mean:
        loss          running mean over the epoch's mini-batches (weighted by batch size) of the
                      batch loss before each step, penalties included
        accuracy      the same running mean of the batch accuracy (classification losses only)
        val_loss, val_accuracy   on validation_data=(X_val, y_val) after the epoch's last step
    (one difference: for one output trained from logits, accuracy thresholds the logit at 0,
    where Keras's "accuracy" would threshold it at 0.5.)

    Training stops cleanly, keeping the last good weights, when the loss becomes NaN/inf or grows
    beyond `divergence_factor` times its initial value; history.message says what happened. A
    loss that is already NaN/inf before training is the data's fault: a ValueError says so.
    verbose: 0 silent, 1 a line when training stops early, 2 also one line per epoch.
    trainer: None (backpropagation through `model`, steps by `optimizer`), or an object that takes
    the steps in another framework on the same mini-batches: trainer.train_batch(X_B, y_B) makes one
    step and returns the batch loss before it (and keeps that batch's output in trainer.last_output,
    for the accuracy); trainer.sync_to_model() copies its weights into `model` after each epoch's
    batches (e.g. keras_twin.KerasTrainer, the Playground's Keras backend). Everything else (loss
    log, divergence check and restore, callbacks) is the same.
    """
    X = model._check_X(X)
    if len(X) == 0:
        raise ValueError(f"X has no samples (shape {X.shape}); fit needs at least one.")
    y = model._as_targets(y, X.shape[0])
    initial_epoch = check_int(initial_epoch, "initial_epoch", low=0)
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs <= initial_epoch:
        raise ValueError(f"epochs must be an integer > initial_epoch ({initial_epoch}), got {epochs!r}.")
    if batch_size is not None and (isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer))
                                   or batch_size < 1):
        raise ValueError(f"batch_size must be a positive integer or None (full batch), got {batch_size!r}.")
    if not isinstance(shuffle, (bool, np.bool_)):
        raise TypeError(f"shuffle must be True or False, got {shuffle!r}.")
    seed = int(np.random.default_rng().integers(2**31)) if seed is None else check_int(seed, "seed", low=0)
    verbose = check_int(verbose, "verbose", low=0, high=2)
    divergence_factor = check_positive(divergence_factor, "divergence_factor")
    if divergence_factor <= 1:
        raise ValueError(f"divergence_factor must be > 1 (a loss that many times its initial value), "
                         f"got {divergence_factor!r}.")
    callbacks = _check_callbacks(callbacks)
    optimizer = get_optimizer(optimizer, **optimizer_kwargs)
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            got = f"a {type(validation_data).__name__} of length {len(validation_data)}" if isinstance(
                validation_data, (tuple, list)) else repr(type(validation_data).__name__)
            raise ValueError(f"validation_data must be a pair (X_val, y_val), got {got}.")
        X_val = model._check_X(validation_data[0])
        if len(X_val) == 0:
            raise ValueError(f"validation_data has no samples (X_val shape {X_val.shape}); pass None for none.")
        y_val = model._as_targets(validation_data[1], X_val.shape[0])
    if verbose >= 2:
        callbacks.append(ProgressPrinter())
    classify = model.loss.name.startswith(("binary", "categorical"))

    history = History()
    with np.errstate(all="ignore"):
        history.initial_loss = model.evaluate(X, y)
    if not np.isfinite(history.initial_loss):
        raise ValueError(f"The loss is already {history.initial_loss} before training, with the initial weights: "
                         f"the data is the problem, not the learning rate (inputs reach "
                         f"{np.max(np.abs(X)):.3g}). Scale the inputs (and regression targets), e.g. with "
                         "dlteach.data.Standardizer, before training.")
    for cb in callbacks:
        cb.on_train_begin(model, history)
    for epoch in range(initial_epoch + 1, epochs + 1):
        good_weights = model.get_weights()
        batch_losses, batch_accuracies, batch_sizes = [], [], []
        with np.errstate(all="ignore"):  # overflow is detected below and explained, not warned about
            for idx in epoch_batches(len(X), batch_size, seed, epoch, shuffle):
                if trainer is not None:  # the step is taken by the trainer (loss before its step)
                    loss = trainer.train_batch(X[idx], y[idx])
                    out = getattr(trainer, "last_output", None)
                else:
                    loss, _, out = model._loss_grads_and_output(X[idx], y[idx], training=True)  # X, y checked
                batch_losses.append(loss)
                batch_sizes.append(len(idx))
                if not np.isfinite(loss):
                    break
                if classify and out is not None:  # Keras's accuracy: on this batch's output, before the step
                    batch_accuracies.append(_fraction_correct(out, y[idx], model.loss.from_logits))
                if trainer is None:
                    try:
                        optimizer.step(model.trainable_params())
                    except FloatingPointError:  # the optimizer refuses a NaN/inf gradient: divergence
                        batch_losses[-1] = float("nan")
                        break
            if trainer is not None:
                trainer.sync_to_model()  # the model holds the epoch's weights (restored below if diverged)
            logs = {"loss": float(np.average(batch_losses, weights=batch_sizes))}
            finite_weights = all(np.all(np.isfinite(value)) for _, value, _ in model.params())
            if not finite_weights:  # the last step overflowed: the next loss would be NaN
                logs["loss"] = float("nan")
            val_out = None  # one forward pass of the validation data serves val_loss and val_accuracy
            if np.isfinite(logs["loss"]) and validation_data is not None:
                val_out = model._forward(X_val)
                logs["val_loss"] = model._output_loss(y_val, val_out)[0] + model.penalty()  # = evaluate()
        if is_divergent(logs["loss"], history.initial_loss, divergence_factor):
            model.set_weights(good_weights)
            history.stopped = "diverged"
            history.message = divergence_message(epoch, logs["loss"], history.initial_loss,
                                                 optimizer.learning_rate)
            break
        if classify:
            if len(batch_accuracies) == len(batch_sizes):
                logs["accuracy"] = float(np.average(batch_accuracies, weights=batch_sizes))
            else:  # a trainer that does not report its outputs: the accuracy after the epoch
                logs["accuracy"] = accuracy(model, X, y)
            if validation_data is not None:
                val_out = model._forward(X_val) if val_out is None else val_out
                logs["val_accuracy"] = _fraction_correct(val_out, y_val, model.loss.from_logits)
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


def _check_callbacks(callbacks) -> list:
    """A list of Callback objects (anything with the three on_* methods)."""
    if isinstance(callbacks, Callback):
        raise TypeError("callbacks must be a list of callbacks, e.g. callbacks=[EarlyStopping()], "
                        f"got the single callback {callbacks!r}.")
    try:
        callbacks = list(callbacks if callbacks is not None else ())
    except TypeError:
        raise TypeError(f"callbacks must be a list of Callback objects, got {callbacks!r}.") from None
    for cb in callbacks:
        if not all(callable(getattr(cb, m, None)) for m in ("on_train_begin", "on_epoch_end", "on_train_end")):
            raise TypeError(f"callbacks must be Callback objects (subclass dlteach.Callback), got {cb!r}.")
    return callbacks
