"""Lesson 10 explorer: overfitting and its cures on a small noisy 2-D dataset (moons): capacity,
amount of data, L2, dropout, early stopping and augmentation (jittered copies of the points)."""
from __future__ import annotations

import numpy as np
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from .. import plots
from ..experiments import overfit_run, overfit_scores
from .base import Explorer, Param

EXTENT = 6.0


class OverfitExplorer(Explorer):
    """Lesson 10: a moons classifier trained with the chosen capacity, data size and cures
    (experiments.overfit_run): its boundary and the train/validation loss without the L2 term.
    Every number it reports (accuracy, gap) is of the weights the run keeps: with early stopping,
    the restored best epoch's. Runs are cached, so a setting seen before answers at once."""

    PARAMS = {
        "hidden": Param(64, 4, 256, step=4, label="hidden neurons"),
        "n_train": Param(60, 20, 200, step=10, label="training points"),
        "l2": Param(0.0, 0.0, 0.03, step=0.001, label="L2"),
        "dropout": Param(0.0, 0.0, 0.7, step=0.05),
        "early_stopping": Param("off", choices=("off", "on"), label="early stopping"),
        "augment": Param("off", choices=("off", "on"), label="augmentation"),
        "epochs": Param(150, 20, 600, step=10),
    }
    FIGSIZE = (10, 3.9)
    LAYOUT_CACHE = True  # the layout of an earlier drawing with the same texts and limits is replayed

    def update(self):
        c = self.cfg
        self.model, self.history, (self.X, self.y, self.X_val, self.y_val) = overfit_run(
            c["n_train"], c["hidden"], c["l2"], c["dropout"], c["early_stopping"] == "on", c["augment"] == "on",
            c["epochs"])
        h = self.history
        self.scores = overfit_scores(self.model, self.X, self.y, self.X_val, self.y_val)  # at the kept weights
        self.val_accuracy = self.scores["val_accuracy"]
        self.best_epoch = int(np.argmin(h["val_data_loss"])) + 1
        self.gap = self.scores["gap"]  # validation minus training loss, without the L2 term

    def draw_on(self, fig):
        ax_b, ax_c = fig.subplots(1, 2)
        plots.decision_boundary(ax_b, self.model.predict(plots.grid(EXTENT, 80))[:, 0], EXTENT)
        plots.scatter_points(ax_b, self.X_val, self.y_val, test=True, size=8)
        plots.scatter_points(ax_b, self.X, self.y, size=28)
        ax_b.set_xlim(-EXTENT, EXTENT)
        ax_b.set_ylim(-EXTENT, EXTENT)
        ax_b.set_title(f"{len(self.X)} training points (large dots)\nvalidation accuracy {self.val_accuracy:.3f}",
                       fontsize=11)
        h = self.history
        plots.loss_curves(ax_c, h["data_loss"], h["val_data_loss"])
        ax_c.lines[1].set_label("validation")
        ax_c.legend(frameon=False, fontsize=10)
        ax_c.set_yscale("log")
        # ticks at 1, 2, 5 x 10^k written as plain numbers: matplotlib's 2x10^-2 minor labels crowd the axis
        ax_c.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        ax_c.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax_c.yaxis.set_minor_formatter(NullFormatter())
        ax_c.set_ylabel("cross-entropy (no L2 term)")
        ax_c.axvline(self.best_epoch, color="grey", ls=":", lw=1)
        kept = (f"stopped at epoch {len(h.epoch)}, weights of epoch {self.best_epoch} kept:\ngap {self.gap:.2f}"
                if h.stopped == "early_stopping" else
                f"gap at the end {self.gap:.2f}\nbest validation at epoch {self.best_epoch}")
        ax_c.set_title(kept, fontsize=11)
