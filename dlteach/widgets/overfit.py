"""Lesson 10 explorer: overfitting and its cures on a small noisy 2-D dataset (moons): capacity,
amount of data, L2, dropout, early stopping and augmentation (jittered copies of the points)."""
from __future__ import annotations

import numpy as np

from .. import data, plots
from ..core import MLP, Callback, EarlyStopping, accuracy, fit
from .base import Explorer, Param

EXTENT = 6.0


class DataLoss(Callback):
    """Records the loss without the L2 penalty on train and validation data after each epoch, so
    that runs with different L2 can be compared (Keras's val_loss includes the penalty)."""

    def __init__(self, X, y, X_val, y_val):
        self.sets, self.train, self.val = (X, y, X_val, y_val), [], []

    def on_epoch_end(self, epoch, logs, model, history):
        X, y, X_val, y_val = self.sets
        self.train.append(model.evaluate(X, y, include_penalty=False))
        self.val.append(model.evaluate(X_val, y_val, include_penalty=False))


def moons_split(n_train: int = 60, seed: int = 0):
    """400 noisy moons points: the first n_train of a shuffled order train, the last 200 validate."""
    X, y = data.make_dataset("moons", n=400, noise=0.3, seed=seed)
    order = np.random.default_rng(seed).permutation(400)
    return X[order[:n_train]], y[order[:n_train]], X[order[200:]], y[order[200:]]


def train_run(n_train=60, hidden=128, l2=0.0, dropout=0.0, early_stopping=False, augment=False, epochs=300,
              seed=0):
    """A 2-hidden-hidden-1 ReLU MLP, Adam 0.01, full batch. Returns (model, history, data)."""
    X, y, X_val, y_val = moons_split(n_train, seed)
    X_fit, y_fit = data.jitter(X, y, copies=5, sigma=0.4, seed=seed) if augment else (X, y)
    model = MLP([2, hidden, hidden, 1], "relu", "sigmoid", "binary_crossentropy", l2=l2, dropout=dropout, seed=seed)
    curves = DataLoss(X, y, X_val, y_val)
    callbacks = [curves] + ([EarlyStopping("val_loss", patience=20)] if early_stopping else [])
    history = fit(model, X_fit, y_fit, "adam", learning_rate=0.01, epochs=epochs, batch_size=None,
                  validation_data=(X_val, y_val), callbacks=callbacks, seed=seed, verbose=0)
    history.history["data_loss"], history.history["val_data_loss"] = curves.train, curves.val
    return model, history, (X, y, X_val, y_val)


class OverfitExplorer(Explorer):
    PARAMS = {
        "hidden": Param(128, 4, 256, step=4, label="hidden neurons"),
        "n_train": Param(60, 20, 200, step=10, label="training points"),
        "l2": Param(0.0, 0.0, 0.03, step=0.001, label="L2"),
        "dropout": Param(0.0, 0.0, 0.7, step=0.05),
        "early_stopping": Param("off", choices=("off", "on"), label="early stopping"),
        "augment": Param("off", choices=("off", "on"), label="augmentation"),
        "epochs": Param(300, 20, 600, step=20),
    }
    FIGSIZE = (10, 3.9)

    def update(self):
        c = self.cfg
        self.model, self.history, (self.X, self.y, self.X_val, self.y_val) = train_run(
            c["n_train"], c["hidden"], c["l2"], c["dropout"], c["early_stopping"] == "on", c["augment"] == "on",
            c["epochs"])
        h = self.history
        self.val_accuracy = accuracy(self.model, self.X_val, self.y_val)
        self.best_epoch = int(np.argmin(h["val_data_loss"])) + 1
        self.gap = h["val_data_loss"][-1] - h["data_loss"][-1]  # validation minus training loss

    def draw_on(self, fig):
        ax_b, ax_c = fig.subplots(1, 2)
        plots.decision_boundary(ax_b, self.model.predict(plots.grid(EXTENT, 80))[:, 0], EXTENT)
        plots.scatter_points(ax_b, self.X_val, self.y_val, test=True, size=8)
        plots.scatter_points(ax_b, self.X, self.y, size=28)
        ax_b.set_xlim(-EXTENT, EXTENT)
        ax_b.set_ylim(-EXTENT, EXTENT)
        ax_b.set_title(f"{len(self.X)} training points (large), validation accuracy {self.val_accuracy:.3f}",
                       fontsize=9)
        h = self.history
        plots.loss_curves(ax_c, h["data_loss"], h["val_data_loss"])
        ax_c.lines[1].set_label("validation")
        ax_c.legend(frameon=False, fontsize=8)
        ax_c.set_yscale("log")
        ax_c.set_ylabel("cross-entropy (no L2 term)")
        ax_c.axvline(self.best_epoch, color="grey", ls=":", lw=1)
        ax_c.set_title(f"gap at the end {self.gap:.2f}; best validation at epoch {self.best_epoch}"
                       + (" (stopped early)" if h.stopped == "early_stopping" else ""), fontsize=9)
