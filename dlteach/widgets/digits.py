"""Lesson 09 explorer: a from-scratch MLP on handwritten digits, retrained when a slider moves:
hidden size, learning rate, epochs. Shows accuracy curves and the validation confusion matrix."""
from __future__ import annotations

import numpy as np

from .. import data, plots
from ..core import accuracy, confusion_matrix, precision_recall
from ..experiments import digits_split, train_digits
from .base import Explorer, Param


class DigitsExplorer(Explorer):
    """Lesson 09: a 64-hidden-10 MLP trained on the 8x8 digits (experiments.train_digits) each
    time a setting moves: accuracy curves and the validation confusion matrix. The defaults are
    lesson 09's recipe (Adam 3e-3, 30 epochs); runs are cached, so a setting seen before answers at once."""

    PARAMS = {
        "hidden": Param(64, 4, 256, step=4, label="hidden neurons"),
        "learning_rate": Param(3e-3, 1e-4, 0.3, log=True, label="learning rate"),
        "epochs": Param(30, 1, 60),
    }
    FIGSIZE = (10, 3.9)
    LAYOUT_CACHE = True  # the layout of an earlier drawing with the same texts and limits is replayed

    def __init__(self, **settings):
        self.X_train, self.X_val, self.X_test, self.y_train, self.y_val, self.y_test = digits_split()
        self.Y_val = data.one_hot(self.y_val, 10)
        super().__init__(**settings)

    def update(self):
        c = self.cfg
        self.model, self.history = train_digits(c["hidden"], c["learning_rate"], c["epochs"])
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
            ax_c.legend(frameon=False, fontsize=10, loc="lower right")
        ax_c.set_xlabel("epoch")
        ax_c.set_ylabel("accuracy")
        ax_c.set_ylim(0, 1.02)
        title = f"validation accuracy {self.val_accuracy:.3f}"
        if h.diverged:
            title = "diverged: lower the learning rate"
        ax_c.set_title(title, fontsize=10, color="#b2182b" if h.diverged else "black")
        plots.confusion_matrix(ax_m, self.confusion, title="validation confusion matrix")
        # plots.confusion_matrix writes 8-point counts (10 px at the explorer's 90 dpi): too small to
        # read when projected. Larger counts, and the zeros greyed so that the mistakes stand out.
        for text in ax_m.texts:
            text.set_fontsize(10)
            if text.get_text() == "0":
                text.set_color("#b0b0b0")
        ax_m.title.set_fontsize(11)
