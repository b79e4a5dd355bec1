"""Lesson 09 explorer: a from-scratch MLP on handwritten digits, retrained when a slider moves:
hidden size, learning rate, epochs. Shows accuracy curves and the validation confusion matrix."""
from __future__ import annotations

import numpy as np

from .. import data, plots
from ..core import accuracy, confusion_matrix, precision_recall
from ..experiments import _one_blas_thread, digits_split, train_digits
from ..i18n import gettext_ as _
from .base import Param, TrainingExplorer


class DigitsExplorer(TrainingExplorer):
    """Lesson 09: a 64-hidden-10 MLP trained on the 8x8 digits (experiments.train_digits) each
    time a setting moves: accuracy curves and the validation confusion matrix. The defaults are
    lesson 09's recipe (Adam 3e-3, 30 epochs); runs are cached, so a setting seen before answers at once.
    In the widget, the network is drawn as it trains ("epoch 7/30"), a frame about every 90 ms."""

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
        self.model, self.history = train_digits(c["hidden"], c["learning_rate"], c["epochs"], progress=self.progress)
        self.training = None
        self.score()

    def show_epoch(self, epoch, epochs, model, history):
        self.model, self.history, self.training = model, history, (epoch, epochs)
        self.score()

    def score(self):
        """Validation accuracy, confusion matrix, precision and recall of self.model."""
        with _one_blas_thread():  # small matrices: one BLAS thread is faster than two fighting
            self.val_accuracy = accuracy(self.model, self.X_val, self.Y_val)
            self.confusion = confusion_matrix(self.y_val, self.model.predict(self.X_val), k=10)
        self.precision, self.recall = precision_recall(self.confusion)

    def title(self):
        """The curves' title and its colour: the accuracy, the epoch while training, or divergence."""
        if self.history.diverged:
            return _("diverged: lower the learning rate"), "#b2182b"
        if self.training is not None:
            epoch, epochs = self.training
            return _("epoch {epoch}/{epochs}, training: validation accuracy {accuracy}").format(
                epoch=epoch, epochs=epochs, accuracy=f"{self.val_accuracy:.3f}"), "black"
        return _("validation accuracy {accuracy}").format(accuracy=f"{self.val_accuracy:.3f}"), "black"

    def curves(self):
        """(epochs, train accuracy, validation accuracy) of the history so far."""
        h = self.history
        return np.arange(1, len(h.epoch) + 1), h["accuracy"], h["val_accuracy"]

    def hold_epoch_axis(self, ax):
        """While training, the epoch axis spans the whole run (the curves grow into it)."""
        if self.training is not None:
            ax.update_datalim([(1, 0.5), (self.training[1], 0.5)])

    def cell_colours(self):
        """Each count's colour: white on dark cells (as plots.confusion_matrix), zeros greyed."""
        cm = self.confusion
        colours = np.where(cm > cm.max() / 2, "white", "black").astype(object)
        colours[cm == 0] = "#b0b0b0"
        return colours.ravel()

    def draw_on(self, fig):
        ax_c, ax_m = fig.subplots(1, 2)
        epochs, train, val = self.curves()
        if len(epochs):
            ax_c.plot(epochs, train, color=plots.BLUE, label=_("train"))
            ax_c.plot(epochs, val, color=plots.ORANGE, ls="--", label=_("validation"))
            ax_c.legend(frameon=False, fontsize=10, loc="lower right")
        self.hold_epoch_axis(ax_c)
        ax_c.set_xlabel(_("epoch"))
        ax_c.set_ylabel(_("accuracy"))
        ax_c.set_ylim(0, 1.02)
        title, colour = self.title()
        ax_c.set_title(title, fontsize=10, color=colour, y=1.0)
        plots.confusion_matrix(ax_m, self.confusion, title=_("validation confusion matrix"))
        # plots.confusion_matrix writes 8-point counts (10 px at the explorer's 90 dpi): too small to
        # read when projected. Larger counts, and the zeros greyed so that the mistakes stand out.
        for text, colour in zip(ax_m.texts, self.cell_colours()):
            text.set_fontsize(10)
            text.set_color(colour)
            text.set_in_layout(False)  # inside its cell: the layout does not depend on the counts
        ax_m.set_title(ax_m.get_title(), fontsize=11, y=1.0)  # y given: no search for a place above the ticks

    def refresh(self, fig):
        # The same artists with new data: lines, title, the matrix's image and counts.
        ax_c, ax_m = fig.axes
        epochs, train, val = self.curves()
        lines = ax_c.get_lines()
        if not len(epochs) or len(lines) != 2:
            return False  # a run that diverged in its first epoch has no curves: drawn anew
        lines[0].set_data(epochs, train)
        lines[1].set_data(epochs, val)
        ax_c.relim()
        self.hold_epoch_axis(ax_c)
        ax_c.autoscale_view(scaley=False)
        title, colour = self.title()
        ax_c.set_title(title, fontsize=10, color=colour, y=1.0)
        image = ax_m.images[0]
        image.set_data(self.confusion)
        image.set_clim(self.confusion.min(), self.confusion.max())
        for text, count, colour in zip(ax_m.texts, self.confusion.ravel(), self.cell_colours()):
            text.set_text(str(int(count)))
            text.set_color(colour)
        return True
