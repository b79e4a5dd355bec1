"""Lesson 13 explorer: small data and small models on the digits. A large teacher MLP is trained
once; a small student learns from a fraction of the data, from hard labels or from the teacher's
softened probabilities (temperature T); the teacher is pruned and quantised, accuracy against size."""
from __future__ import annotations

import copy
from functools import lru_cache

import numpy as np
from matplotlib.ticker import NullFormatter, ScalarFormatter

from .. import data, plots
from ..core import MLP, Dense, Sequential, accuracy, fit
from ..core.compress import Temperature, prune, quantize, soft_targets, weight_bytes
from .base import Explorer, Param

SPARSITIES = (0.0, 0.3, 0.5, 0.7, 0.8, 0.85, 0.9, 0.95)
BITS = (2, 3, 4, 5, 6, 8, 16, 32)


@lru_cache(maxsize=1)
def teacher_and_data(seed: int = 0):
    """A 64-256-10 teacher trained 40 epochs on all 1,437 training digits; cached."""
    X_train, X_test, y_train, y_test = data.load_digits(seed=seed)
    teacher = MLP([64, 256, 10], "relu", "softmax", "categorical_crossentropy", seed=seed)
    fit(teacher, X_train, data.one_hot(y_train, 10), "adam", learning_rate=1e-3, epochs=40, verbose=0)
    return teacher, X_train, X_test, data.one_hot(y_train, 10), data.one_hot(y_test, 10)


def student(hidden: int = 16, T: float | None = None, seed: int = 1):
    """A 64-hidden-10 student; with T it ends in logits / T for learning soft targets."""
    rng = np.random.default_rng(seed)
    if T is None:
        return MLP([64, hidden, 10], "relu", "softmax", "categorical_crossentropy", seed=seed)
    return Sequential([Dense(64, hidden, "relu", seed=rng), Dense(hidden, 10, "linear", seed=rng), Temperature(T)],
                      loss="categorical_crossentropy_from_logits")


def compressed_accuracy(teacher, X, Y, sparsity=0.0, bits=32):
    """(accuracy, bytes) of a pruned and quantised copy of `teacher`."""
    m = prune(copy.deepcopy(teacher), sparsity)
    if bits < 32:
        quantize(m, bits)
    return accuracy(m, X, Y), weight_bytes(m, bits)


class SmallModelsExplorer(Explorer):
    PARAMS = {
        "fraction": Param(0.07, 0.02, 1.0, step=0.01, label="data fraction"),
        "temperature": Param(4.0, 1.0, 10.0, step=0.5),
        "sparsity": Param(0.8, 0.0, 0.95, step=0.05),
        "bits": Param(4, 2, 32, label="weight bits"),
    }
    FIGSIZE = (11, 3.5)

    def update(self):
        c = self.cfg
        teacher, X_train, X_test, Y_train, Y_test = teacher_and_data()
        n = max(10, int(c["fraction"] * len(X_train)))
        idx = np.random.default_rng(0).permutation(len(X_train))[:n]
        epochs = int(min(150, max(20, 15_000 // n)))  # about the same number of updates for any fraction
        hard, soft = student(), student(T=c["temperature"])
        fit(hard, X_train[idx], Y_train[idx], "adam", learning_rate=3e-3, epochs=epochs, verbose=0)
        fit(soft, X_train[idx], soft_targets(teacher, X_train[idx], c["temperature"]), "adam",
            learning_rate=3e-3, epochs=epochs, verbose=0)
        self.n_train = n
        self.teacher_accuracy = accuracy(teacher, X_test, Y_test)
        self.hard_accuracy, self.soft_accuracy = accuracy(hard, X_test, Y_test), accuracy(soft, X_test, Y_test)
        self.prune_curve = [compressed_accuracy(teacher, X_test, Y_test, s) for s in SPARSITIES]
        self.quant_curve = [compressed_accuracy(teacher, X_test, Y_test, 0.0, b) for b in BITS]
        self.current = compressed_accuracy(teacher, X_test, Y_test, c["sparsity"], c["bits"])

    def draw_on(self, fig):
        c = self.cfg
        ax_d, ax_p, ax_q = fig.subplots(1, 3)
        bars = ax_d.bar(["hard labels", f"distilled, T={c['temperature']:g}"],
                        [self.hard_accuracy, self.soft_accuracy], color=[plots.ORANGE, plots.BLUE])
        ax_d.bar_label(bars, fmt="%.3f", fontsize=8)
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
            ax.set_xlabel("weights stored (kB, log)")
            ax.set_ylabel("test accuracy")
            ax.set_ylim(0, 1.05)
            ax.set_title(f"teacher: {label}", fontsize=10)
            ax.legend(frameon=False, fontsize=8, loc="lower right")
