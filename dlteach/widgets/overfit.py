"""Lesson 10 explorer: overfitting and its cures on a small noisy 2-D dataset (moons): capacity,
amount of data, L2, dropout, early stopping and augmentation (jittered copies of the points)."""
from __future__ import annotations

import numpy as np
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from .. import plots
from ..experiments import _one_blas_thread, overfit_run, overfit_scores
from ..i18n import gettext_ as _
from .base import Param, TrainingExplorer

EXTENT = 6.0
RESOLUTION = 80  # boundary grid points per side
TRAINING_RESOLUTION = 40  # while training: a quarter of the points (the widest network's grid took 40 ms)


class OverfitExplorer(TrainingExplorer):
    """Lesson 10: a moons classifier trained with the chosen capacity, data size and cures
    (experiments.overfit_run): its boundary and the train/validation loss without the L2 term.
    Every number it reports (accuracy, gap) is of the weights the run keeps: with early stopping,
    the restored best epoch's. Runs are cached, so a setting seen before answers at once. In the
    widget, the network is drawn as it trains ("epoch 120/400"), a frame about every 90 ms."""

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
            c["epochs"], progress=self.progress)
        self.training = None
        self.score(self.history["data_loss"], self.history["val_data_loss"])

    def show_epoch(self, epoch, epochs, model, history, curves):
        self.model, self.history, self.training = model, history, (epoch, epochs)
        self.X, self.y, self.X_val, self.y_val = curves.sets
        self.score(list(curves.train), list(curves.val))

    def score(self, train_loss, val_loss):
        """The numbers drawn, of self.model's weights (at the end: the kept ones) and the loss curves."""
        self.train_loss, self.val_loss = train_loss, val_loss
        with _one_blas_thread():  # small matrices: one BLAS thread is faster than two fighting
            self.scores = overfit_scores(self.model, self.X, self.y, self.X_val, self.y_val)
            resolution = RESOLUTION if self.training is None else TRAINING_RESOLUTION
            self.boundary = self.model.predict(plots.grid(EXTENT, resolution))[:, 0]
        self.val_accuracy = self.scores["val_accuracy"]
        self.best_epoch = int(np.argmin(val_loss)) + 1
        self.gap = self.scores["gap"]  # validation minus training loss, without the L2 term

    def titles(self):
        """The boundary's and the curves' titles."""
        boundary = _("{n} training points (large dots)\nvalidation accuracy {accuracy:.3f}").format(
            n=len(self.X), accuracy=self.val_accuracy)
        if self.training is not None:
            epoch, epochs = self.training
            return boundary, _("epoch {epoch}/{epochs}, training: gap {gap:.2f}\n"
                               "best validation so far at epoch {best}").format(
                epoch=epoch, epochs=epochs, gap=self.gap, best=self.best_epoch)
        if self.history.stopped == "early_stopping":
            return boundary, _("stopped at epoch {stopped}, weights of epoch {best} kept:\ngap {gap:.2f}").format(
                stopped=len(self.history.epoch), best=self.best_epoch, gap=self.gap)
        if self.cfg["early_stopping"] == "on" and self.history.stopped is None:  # the best weights, put back at the end
            return boundary, _("all {epochs} epochs run, the best epoch's weights kept:\ngap {gap:.2f}").format(
                epochs=len(self.history.epoch), gap=self.gap)
        return boundary, _("gap at the end {gap:.2f}\nbest validation at epoch {best}").format(
            gap=self.gap, best=self.best_epoch)

    def hold_epoch_axis(self, ax):
        """The epoch axis spans the epochs asked for: the curves grow into it while training, and
        end early where early stopping ended the run."""
        ax.update_datalim([(1, self.train_loss[0]), (self.cfg["epochs"], self.train_loss[0])])
        ax.autoscale_view(scaley=False)

    def loss_limits(self):
        """The loss axis, from the 1-2-5 value at or below the lowest loss to the one at or above the
        highest: runs share a few axes (and so their layouts, which take longer than their drawing)."""
        losses = np.concatenate([self.train_loss, self.val_loss])
        losses = losses[np.isfinite(losses) & (losses > 0)]
        if not len(losses):
            return 0.1, 1.0
        grid = np.outer(10.0 ** np.arange(-6, 5), [1, 2, 5]).ravel()
        return grid[grid <= losses.min() * (1 + 1e-12)].max(), grid[grid >= losses.max() * (1 - 1e-12)].min()

    def draw_on(self, fig):
        ax_b, ax_c = fig.subplots(1, 2)
        plots.decision_boundary(ax_b, self.boundary, EXTENT)
        plots.scatter_points(ax_b, self.X_val, self.y_val, test=True, size=8)
        plots.scatter_points(ax_b, self.X, self.y, size=28)
        ax_b.set_xlim(-EXTENT, EXTENT)
        ax_b.set_ylim(-EXTENT, EXTENT)
        boundary_title, curves_title = self.titles()
        ax_b.set_title(boundary_title, fontsize=11, y=1.0)
        plots.loss_curves(ax_c, self.train_loss, self.val_loss)
        ax_c.lines[1].set_label(_("validation"))
        ax_c.legend(frameon=False, fontsize=10)
        ax_c.set_yscale("log")
        # ticks at 1, 2, 5 x 10^k written as plain numbers: matplotlib's 2x10^-2 minor labels crowd the axis
        ax_c.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        ax_c.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax_c.yaxis.set_minor_formatter(NullFormatter())
        ax_c.set_ylabel(_("cross-entropy (no L2 term)"))
        ax_c.axvline(self.best_epoch, color="grey", ls=":", lw=1)
        ax_c.set_ylim(*self.loss_limits())
        self.hold_epoch_axis(ax_c)
        ax_c.set_title(curves_title, fontsize=11, y=1.0)

    def refresh(self, fig):
        # The same artists with new data: boundary image, training points, curves, best-epoch line, titles.
        ax_b, ax_c = fig.axes
        image, (_, train_points) = ax_b.images[0], ax_b.collections
        resolution = int(round(np.sqrt(len(self.boundary))))
        image.set_data(np.reshape(self.boundary, (resolution, resolution)))
        train_points.set_offsets(self.X)  # another number of training points: other dots, other colours
        train_points.set_facecolor(np.array(plots.CLASS_COLOURS)[self.y.astype(int)])
        train, val, best = ax_c.get_lines()
        epochs = np.arange(1, len(self.train_loss) + 1)
        train.set_data(epochs, self.train_loss)
        val.set_data(epochs, self.val_loss)
        best.set_xdata([self.best_epoch, self.best_epoch])
        ax_c.relim()
        ax_c.set_ylim(*self.loss_limits())
        self.hold_epoch_axis(ax_c)
        boundary_title, curves_title = self.titles()
        ax_b.set_title(boundary_title, fontsize=11, y=1.0)
        ax_c.set_title(curves_title, fontsize=11, y=1.0)
        return True
