"""Lesson 13 explorer: small data and small models on the digits. A large teacher MLP is trained
once; a small student learns from a fraction of the data, from hard labels or from the teacher's
softened probabilities (temperature T); the teacher is pruned and quantised, accuracy against size
(core.compress.storage_bytes: what rebuilds the model, the positions of the kept weights included)."""
from __future__ import annotations

import numpy as np
from matplotlib.ticker import NullFormatter, ScalarFormatter

from .. import plots
from ..experiments import compressed_accuracy, digits_teacher, distill
from .base import Explorer, Param

SPARSITIES = (0.0, 0.3, 0.5, 0.7, 0.8, 0.85, 0.9, 0.95)
BITS = (2, 3, 4, 5, 6, 8, 16, 32)


class SmallModelsExplorer(Explorer):
    """Lesson 13: distillation of the digits teacher into a small student on a fraction of the
    data (experiments.distill), and the teacher pruned and quantised: accuracy against size."""

    PARAMS = {
        "fraction": Param(0.07, 0.02, 1.0, step=0.01, label="data fraction"),
        "temperature": Param(4.0, 1.0, 10.0, step=0.5),
        "sparsity": Param(0.8, 0.0, 0.95, step=0.05),
        "bits": Param(4, 2, 32, label="weight bits"),
    }
    FIGSIZE = (11, 3.5)

    def update(self):
        c = self.cfg
        run = distill(c["fraction"], c["temperature"])
        self.n_train = run["n_train"]
        self.teacher_accuracy, self.hard_accuracy, self.soft_accuracy = run["teacher"], run["hard"], run["soft"]
        teacher, _, X_test, _, Y_test = digits_teacher()
        self.prune_curve = [compressed_accuracy(teacher, X_test, Y_test, s) for s in SPARSITIES]
        self.quant_curve = [compressed_accuracy(teacher, X_test, Y_test, 0.0, b) for b in BITS]
        self.current = compressed_accuracy(teacher, X_test, Y_test, c["sparsity"], c["bits"])

    def draw_on(self, fig):
        c = self.cfg
        ax_d, ax_p, ax_q = fig.subplots(1, 3)
        bars = ax_d.bar(["hard labels", f"distilled, T={c['temperature']:g}"],
                        [self.hard_accuracy, self.soft_accuracy], color=[plots.ORANGE, plots.BLUE])
        ax_d.bar_label(bars, fmt="%.3f", fontsize=10)
        ax_d.axhline(self.teacher_accuracy, color="grey", ls="--", lw=1)
        ax_d.set_ylim(0, 1.05)
        ax_d.set_ylabel("test accuracy")
        ax_d.set_xlabel(f"student 64-16-10 on {self.n_train} images")
        ax_d.set_title(f"distillation (dashed: teacher, {self.teacher_accuracy:.3f})", fontsize=10)
        for ax, curve, label in ((ax_p, self.prune_curve, "pruning"), (ax_q, self.quant_curve, "quantisation")):
            acc, size = np.array(curve).T
            ax.plot(size / 1024, acc, "-o", color=plots.BLUE, ms=4)
            ax.plot(self.current[1] / 1024, self.current[0], "*", color=plots.ORANGE, ms=14,
                    label=f"sparsity {c['sparsity']:g}, {c['bits']} bits")
            ax.set_xscale("log")
            ax.set_xticks([1, 2, 5, 10, 20, 50, 100])
            ax.xaxis.set_major_formatter(ScalarFormatter())
            ax.xaxis.set_minor_formatter(NullFormatter())
            ax.set_xlim(1, 120)
            ax.set_xlabel("size to store, positions included (kB, log)")
            ax.set_ylabel("test accuracy")
            ax.set_ylim(0, 1.05)
            ax.set_title(f"teacher: {label}", fontsize=10)
            ax.legend(frameon=False, fontsize=10, loc="lower right")
