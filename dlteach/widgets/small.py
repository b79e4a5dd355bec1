"""Lesson 13 explorer: small data and small models on the digits. A small student learns from a
fraction of the data, from hard labels or from a teacher's softened probabilities (temperature T),
the teacher trained on all 1,437 labels or only on the student's labels (then optionally distilled
on the other images too, without their labels); the large teacher is pruned and quantised, accuracy
against size (core.compress.storage_bytes: what rebuilds the model, the positions of the kept
weights included)."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.ticker import NullFormatter, ScalarFormatter

from .. import plots
from ..core import accuracy
from ..experiments import TEACHERS, compressed_accuracy, digits_teacher, distill
from ..i18n import N_
from ..i18n import gettext_ as _
from .base import Param, TrainingExplorer

SPARSITIES = (0.0, 0.3, 0.5, 0.7, 0.8, 0.85, 0.9, 0.95)
BITS = (2, 3, 4, 5, 6, 8, 16, 32)


@lru_cache(maxsize=256)
def teacher_compressed(sparsity: float, bits: int):
    """(test accuracy, bytes) of the digits teacher pruned to `sparsity` and quantised to `bits`:
    the same for every student, so computed once per process and setting."""
    teacher, _y, X_test, _Y, Y_test = digits_teacher()  # (not `_`: the gettext)
    return compressed_accuracy(teacher, X_test, Y_test, sparsity, bits)


@lru_cache(maxsize=1)
def n_training_images() -> int:
    """How many training digits there are (1,437): what the large teacher was trained on."""
    return len(digits_teacher()[1])


# The height a bar's value takes on the accuracy axis (0 to 1.05): 10 pt and its 3 pt offset, over the
# panel's 230-250 px.
VALUE_ROOM = 0.09
# The network in training, named in the bars' title (shown as _(STUDENTS[student])).
STUDENTS = {"hard": N_("hard-label student"), "teacher": N_("teacher"), "soft": N_("distilled student")}


def _place_values(ax, xs, heights, line):
    """Write each bar's value (ax.texts, from bar_label) where the dashed teacher line at `line` does
    not cross it: above the bar; else inside its top; else (a short bar) above the line. The line used to
    run through a value just below it ("0.881" under a teacher at 0.886)."""
    for text, x, height in zip(ax.texts, xs, heights):
        gap = line - height if np.isfinite(line) else np.inf
        if not 0 <= gap < VALUE_ROOM:
            where, up = height, True  # above the bar: the line is above the value or below the bar's top
        elif height >= VALUE_ROOM:
            where, up = height, False  # inside the bar's top, 3 pt below the line at the least
        else:
            where, up = line, True  # above the line
        text.xy = (x, where)
        text.xyann = (0, 3 if up else -3)
        text.set_va("bottom" if up else "top")
        # on a white ground inside a bar: black on the blue bar is hard to read
        text.set_bbox(None if up else {"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85})


class SmallModelsExplorer(TrainingExplorer):
    """Lesson 13: distillation into a small student on a fraction of the data (experiments.distill;
    `teacher`: trained on all 1,437 labels, on the student's labels only, or that teacher with its
    soft targets on the unlabelled images too), and the large teacher pruned and quantised: accuracy
    against size. In the widget, the networks are drawn as they train ("distilled student, epoch 40/150")."""

    PARAMS = {
        "fraction": Param(0.07, 0.02, 1.0, step=0.01, label="data fraction"),
        "teacher": Param("same labels", choices=TEACHERS),  # what the teacher was trained on
        "temperature": Param(8.0, 1.0, 10.0, step=0.5),  # DISTILLATION_SETTINGS' T for the same-label teacher
        "sparsity": Param(0.8, 0.0, 0.95, step=0.05),
        "bits": Param(4, 2, 32, label="weight bits"),
    }
    FIGSIZE = (11, 3.5)
    LAYOUT_CACHE = True  # the layout of an earlier drawing with the same texts and limits is replayed

    def update(self):
        c = self.cfg
        run = distill(c["fraction"], c["temperature"], progress=self.progress, teacher=c["teacher"])
        self.training = None
        self.n_train, self.teacher_labels = run["n_train"], run["teacher_labels"]
        self.teacher_accuracy, self.hard_accuracy, self.soft_accuracy = run["teacher"], run["hard"], run["soft"]
        self.compress()

    def show_epoch(self, epoch, epochs, model, history, student, X_test, Y_test, n_train, hard=None,
                   teacher=None, teacher_labels=None):
        # The network in training is scored as it is now; the others wait (empty) or are done.
        self.training, self.student, self.n_train = (epoch, epochs), student, n_train
        if student == "soft":  # its teacher is trained: the run says how well, and on how many labels
            self.teacher_accuracy, self.teacher_labels = teacher, teacher_labels
        elif self.cfg["teacher"] == "all labels":  # the large teacher, trained once: its uncompressed point
            self.teacher_accuracy, self.teacher_labels = teacher_compressed(0.0, 32)[0], n_training_images()
        else:  # the student's own teacher: not trained yet (hard), or training now
            self.teacher_labels = n_train
            self.teacher_accuracy = accuracy(model, X_test, Y_test) if student == "teacher" else np.nan
        if student == "hard":
            self.hard_accuracy, self.soft_accuracy = accuracy(model, X_test, Y_test), np.nan
        elif student == "teacher":
            self.hard_accuracy, self.soft_accuracy = hard, np.nan
        else:
            self.hard_accuracy, self.soft_accuracy = hard, accuracy(model, X_test, Y_test)
        self.compress()

    def compress(self):
        """The teacher's pruning and quantisation curves, and the chosen point on them."""
        c = self.cfg
        self.prune_curve = [teacher_compressed(s, 32) for s in SPARSITIES]
        self.quant_curve = [teacher_compressed(0.0, b) for b in BITS]
        self.current = teacher_compressed(c["sparsity"], c["bits"])

    def bar_texts(self):
        """The bars' names, the values written on them (none for a student not trained yet), the title."""
        names = [_("hard labels"), _("distilled, T={temperature:.3g}").format(temperature=self.cfg["temperature"])]
        values = [f"{a:.3f}" if np.isfinite(a) else "" for a in (self.hard_accuracy, self.soft_accuracy)]
        title = (_("teacher on {labels:,} labels (dashed): {accuracy:.3f}").format(
                     labels=self.teacher_labels, accuracy=self.teacher_accuracy)
                 if np.isfinite(self.teacher_accuracy) else
                 _("teacher on {labels:,} labels").format(labels=self.teacher_labels))
        if self.training is not None:
            name = _(STUDENTS[self.student])
            title = _("{network}, epoch {epoch}/{epochs}").format(network=name, epoch=self.training[0],
                                                                 epochs=self.training[1])
        return names, values, title

    def student_label(self):
        """What the students learn from: n labelled images, and the unlabelled ones when distilled on them."""
        if self.cfg["teacher"] == "same + unlabelled":
            return _("students: {labelled} labels, + {unlabelled:,} unlabelled").format(
                labelled=self.n_train, unlabelled=n_training_images() - self.n_train)
        return _("students 64-16-10 on {labelled} labels").format(labelled=self.n_train)

    def star_label(self):
        return _("sparsity {sparsity:.3g}, {bits} bits").format(sparsity=self.cfg["sparsity"], bits=self.cfg["bits"])

    def draw_on(self, fig):
        ax_d, ax_p, ax_q = fig.subplots(1, 3)
        names, values, title = self.bar_texts()
        bars = ax_d.bar([0, 1], np.nan_to_num([self.hard_accuracy, self.soft_accuracy]),
                        color=[plots.ORANGE, plots.BLUE])
        ax_d.set_xticks([0, 1], names)
        for text in ax_d.bar_label(bars, labels=values, fontsize=10):
            text.set_in_layout(False)  # below the title: the layout does not depend on the values
        ax_d.axhline(self.teacher_accuracy, color="grey", ls="--", lw=1)
        _place_values(ax_d, [0.0, 1.0], np.nan_to_num([self.hard_accuracy, self.soft_accuracy]), self.teacher_accuracy)
        ax_d.set_ylim(0, 1.05)
        ax_d.set_ylabel(_("test accuracy"))
        ax_d.set_xlabel(self.student_label())
        ax_d.set_title(title, fontsize=10, y=1.0)  # y given: no search for a place above the ticks
        for ax, curve, label in ((ax_p, self.prune_curve, _("pruning")), (ax_q, self.quant_curve, _("quantisation"))):
            acc, size = np.array(curve).T
            ax.plot(size / 1024, acc, "-o", color=plots.BLUE, ms=4)
            ax.plot(self.current[1] / 1024, self.current[0], "*", color=plots.ORANGE, ms=14, label=self.star_label())
            ax.set_xscale("log")
            ax.set_xticks([1, 2, 5, 10, 20, 50, 100])
            ax.xaxis.set_major_formatter(ScalarFormatter())
            ax.xaxis.set_minor_formatter(NullFormatter())
            ax.set_xlim(1, 120)
            ax.set_xlabel(_("size to store, positions included (kB, log)"))
            ax.set_ylabel(_("test accuracy"))
            ax.set_ylim(0, 1.05)
            ax.set_title(_("large teacher (1,437 labels): {method}").format(method=label), fontsize=10, y=1.0)
            ax.legend(frameon=False, fontsize=10, loc="lower right").set_in_layout(False)  # inside the axes

    def refresh(self, fig):
        # The same artists with new numbers: bar heights and values, names, teacher line, stars, labels.
        ax_d, ax_p, ax_q = fig.axes
        names, values, title = self.bar_texts()
        heights = np.nan_to_num([self.hard_accuracy, self.soft_accuracy])
        for bar, text, height, value in zip(ax_d.patches, ax_d.texts, heights, values):
            bar.set_height(height)
            text.set_text(value)
        _place_values(ax_d, [0.0, 1.0], heights, self.teacher_accuracy)
        ax_d.xaxis.set_ticklabels(names)
        ax_d.lines[0].set_ydata([self.teacher_accuracy] * 2)
        ax_d.set_xlabel(self.student_label())
        ax_d.set_title(title, fontsize=10, y=1.0)
        for ax in (ax_p, ax_q):
            ax.lines[1].set_data([self.current[1] / 1024], [self.current[0]])
            ax.get_legend().get_texts()[0].set_text(self.star_label())
        return True
