"""Lesson 16 explorer: inside the transformer trained to reverse five digits. Choose a test sequence, a layer
and a head: the attention map (who looks at whom) and the model's prediction, with toggles that take a part
out at inference (the 1/sqrt(d_k) scale, the causal mask, the position code)."""
from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

from ..attention_runs import REVERSE_LENGTH, TOKENS, answer_correct, attend, reverse_model, reverse_test
from .. import plots
from ..i18n import gettext_ as _
from ..runs import _one_blas_thread
from .base import Explorer, Param

EXAMPLES = 20  # the first test sequences the explorer offers
_MODEL = {}
_RUNS = {}  # (scaled, causal, positions) -> (logits, maps) on the test set


def _model():
    if not _MODEL:
        _MODEL["m"] = reverse_model("learned", seed=0)
        _MODEL["test"] = reverse_test()
    return _MODEL["m"], _MODEL["test"]


def inspect(scaled: bool, causal: bool, positions: bool):
    """(logits, maps, correct) of the trained model (seed 0) on the 1000 test sequences with those parts on or off;
    computed once per combination (8 in all)."""
    key = (scaled, causal, positions)
    if key not in _RUNS:
        model, (X, y) = _model()
        with _one_blas_thread():
            logits, maps = attend(model, X, scaled=scaled, causal=causal, positions=positions)
        _RUNS[key] = (logits, [m.astype(np.float32) for m in maps], answer_correct(logits, X, y))
    return _RUNS[key]


class AttentionExplorer(Explorer):
    """Lesson 16: the decoder-only Transformer (2 layers of 2 heads, d_model 16) trained to continue
    'x1 .. x5 |' with 'x5 .. x1' (seed 0). For test sequence `example`, the attention weights of `head` in
    `layer` (rows: the position that looks, columns: the positions it looks at) and the model's answers;
    `scaling`, `mask` and `positions` take a part out at inference (the weights stay the trained ones), and
    the title gives the accuracy on the 1000 test sequences with that change."""

    PARAMS = {
        "example": Param(3, 0, EXAMPLES - 1, label="test sequence"),
        "layer": Param(1, 1, 2),
        "head": Param(1, 1, 2),
        "scaling": Param("1/sqrt(d_k)", choices=("1/sqrt(d_k)", "off")),
        "mask": Param("causal", choices=("causal", "off")),
        "positions": Param("on", choices=("on", "off")),
    }
    FIGSIZE = (10, 4.4)
    LAYOUT_CACHE = True

    def update(self):
        c = self.cfg
        logits, maps, correct = inspect(c["scaling"] != "off", c["mask"] == "causal", c["positions"] == "on")
        (X, y) = _model()[1]
        i = c["example"]
        self.tokens = X[i]
        self.target = y[i]
        self.prediction = logits[i].argmax(-1)
        self.weights = np.asarray(maps[c["layer"] - 1][i, c["head"] - 1], dtype=float)
        self.accuracy = float(correct.mean())
        self.correct = correct[i]

    # --- what is drawn --------------------------------------------------------------------------------
    def labels(self):
        return [f"{t}: {TOKENS[v]}" for t, v in enumerate(self.tokens)]

    def titles(self):
        c = self.cfg
        changes = [name for name, off in ((_("no scaling"), c["scaling"] == "off"), (_("no mask"), c["mask"] == "off"),
                                          (_("no positions"), c["positions"] == "off")) if off]
        what = ", ".join(changes) if changes else _("as trained")
        return (_("layer {layer}, head {head}: attention weights").format(layer=c["layer"], head=c["head"]),
                # two lines: "no scaling, no mask, no positions: ..." on one ran past the figure's edge
                _("{what}:\n{accuracy} of the test answers right").format(what=what, accuracy=f"{self.accuracy:.1%}"))

    def answer_text(self):
        L = REVERSE_LENGTH
        seq = " ".join(TOKENS[v] for v in self.tokens[:L + 1])
        want = " ".join(TOKENS[v] for v in self.target[L:])
        got = " ".join(TOKENS[v] for v in self.prediction[L:])
        marks = " ".join("✓" if ok else "✗" for ok in self.correct)
        # one message: a translation aligns its own row labels (the block is drawn in a monospaced font)
        return _("input    {sequence}\nexpected {expected}\npredicted {predicted}\n         {marks}").format(
            sequence=seq, expected=want, predicted=got, marks=marks)

    def draw_on(self, fig):
        grid = fig.add_gridspec(1, 2, width_ratios=(1.25, 1.0))
        ax_m, ax_t = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1])
        t_map, t_text = self.titles()
        T = len(self.tokens)
        image = ax_m.imshow(self.weights, cmap="Blues", vmin=0, vmax=1, interpolation="nearest")
        labels = self.labels()
        ax_m.set_xticks(range(T), labels, rotation=90, fontsize=8)
        ax_m.set_yticks(range(T), labels, fontsize=8)
        ax_m.set_xlabel(_("key: position it looks at"))
        ax_m.set_ylabel(_("query: position that looks"))
        ax_m.set_title(t_map, fontsize=10, y=1.0)
        L = REVERSE_LENGTH  # the answer rows, outlined: they make the predictions the right panel reads
        ax_m.add_patch(Rectangle((-0.5, L - 0.5), T, L, fill=False, edgecolor="#e08214", lw=1.5))
        fig.colorbar(image, ax=ax_m, shrink=0.8, label=_("weight"))
        ax_t.set_axis_off()
        ax_t.set_title(t_text, fontsize=10, y=1.0)
        ax_t.text(0.0, 0.8, self.answer_text(), family=plots.monospace(), fontsize=11, va="top",
                  transform=ax_t.transAxes).set_in_layout(False)
        ax_t.text(0.0, 0.25, _("Rows 5-9 (outlined) make the answers: position t\npredicts the id at t + 1 (row 5, "
                               "the '|', predicts\nthe first reversed digit)."), fontsize=9, va="top", color="dimgrey",
                  transform=ax_t.transAxes).set_in_layout(False)

    def refresh(self, fig):
        ax_m, ax_t = fig.axes[0], fig.axes[1]
        t_map, t_text = self.titles()
        ax_m.images[0].set_data(self.weights)
        labels = self.labels()
        ax_m.set_xticks(range(len(labels)), labels, rotation=90, fontsize=8)
        ax_m.set_yticks(range(len(labels)), labels, fontsize=8)
        ax_m.set_title(t_map, fontsize=10, y=1.0)
        ax_t.set_title(t_text, fontsize=10, y=1.0)
        ax_t.texts[0].set_text(self.answer_text())
        return True
