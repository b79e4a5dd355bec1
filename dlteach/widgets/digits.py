"""Lesson 09 explorer: a from-scratch MLP on handwritten digits, retrained when a slider moves:
hidden size, learning rate, epochs. Shows accuracy curves and the validation confusion matrix."""
from __future__ import annotations

import numpy as np

from .. import data, plots
from ..core import MLP, accuracy, confusion_matrix, fit, precision_recall
from .base import Explorer, Param


def digits_split(seed: int = 0):
    """8x8 digits: train / validation / test = 1149 / 288 / 360 images, pixels in [0, 1]."""
    X_rest, X_test, y_rest, y_test = data.load_digits(seed=seed)
    X_train, X_val, y_train, y_val = data.train_test_split(X_rest, y_rest, train_ratio=0.8, seed=seed + 1)
    return X_train, X_val, X_test, y_train, y_val, y_test


class DigitsExplorer(Explorer):
    PARAMS = {
        "hidden": Param(64, 4, 256, step=4, label="hidden neurons"),
        "learning_rate": Param(1e-3, 1e-4, 0.3, log=True, label="learning rate"),
        "epochs": Param(20, 1, 60),
    }
    FIGSIZE = (10, 3.9)

    def __init__(self, **settings):
        self.X_train, self.X_val, self.X_test, self.y_train, self.y_val, self.y_test = digits_split()
        self.Y_train, self.Y_val = data.one_hot(self.y_train, 10), data.one_hot(self.y_val, 10)
        super().__init__(**settings)

    def update(self):
        c = self.cfg
        self.model = MLP([64, c["hidden"], 10], "relu", "softmax", "categorical_crossentropy", seed=0)
        self.history = fit(self.model, self.X_train, self.Y_train, "adam", learning_rate=c["learning_rate"],
                           epochs=c["epochs"], batch_size=32, validation_data=(self.X_val, self.Y_val), verbose=0)
        self.val_accuracy = accuracy(self.model, self.X_val, self.Y_val)
        self.confusion = confusion_matrix(self.y_val, self.model.predict(self.X_val), k=10)
        self.precision, self.recall = precision_recall(self.confusion)

    def draw_on(self, fig):
        ax_c, ax_m = fig.subplots(1, 2)
        h = self.history
        if h.epoch:
            epochs = np.arange(1, len(h.epoch) + 1)
            ax_c.plot(epochs, h["accuracy"], color=plots.BLUE, label="train")
            ax_c.plot(epochs, h["val_accuracy"], color=plots.ORANGE, ls="--", label="validation")
            ax_c.legend(frameon=False, fontsize=8)
        ax_c.set_xlabel("epoch")
        ax_c.set_ylabel("accuracy")
        ax_c.set_ylim(0, 1.02)
        title = f"validation accuracy {self.val_accuracy:.3f}"
        if h.diverged:
            title = "diverged: lower the learning rate"
        ax_c.set_title(title, fontsize=10, color="#b2182b" if h.diverged else "black")
        plots.confusion_matrix(ax_m, self.confusion, title="validation confusion matrix")
