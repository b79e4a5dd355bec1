"""Lesson 15 explorer: a recurrent network that must remember a marked symbol over T steps (cell type,
length, learning rate, clipping), with the gradient that reaches each step's state, and a character model
of the Zen of Python sampled at a temperature."""
from __future__ import annotations

import numpy as np
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

from .. import plots
from ..experiments import _one_blas_thread
from ..i18n import gettext_ as _
from ..sequences import MEMORY_SYMBOLS, char_model, generate, known_word_fraction, memory_run, state_gradients, \
    zen_text
from .base import Param, TrainingExplorer

PROMPT = "Beautiful is better"
N_CHARS = 110
TEMPERATURES = tuple(round(0.1 * k, 1) for k in range(1, 21))  # the slider's values: sampled together, once
CLIP = 1.0
_SAMPLES = {}  # temperature -> generated text (seed 0), filled on first use


def sample_text(temperature: float) -> str:
    """The character LSTM's text at `temperature` (seed 0, N_CHARS after PROMPT): all the slider's
    temperatures are generated together the first time (one forward pass per character), then looked up."""
    temperature = round(float(temperature), 6)
    if temperature not in _SAMPLES:
        model, vocab, _text = char_model()  # (not `_`: the gettext)
        temps = TEMPERATURES if temperature in TEMPERATURES else (temperature,)
        with _one_blas_thread():
            texts = generate(model, vocab, PROMPT, N_CHARS, temperatures=temps, seeds=(0,))[0]
        _SAMPLES.update(zip(temps, texts))
    return _SAMPLES[temperature]


def _decades(values, floor: float = 1e-12):
    """(10^a, 10^b): the powers of ten around the positive finite values (a log axis's limits)."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v > floor)]
    if not v.size:
        return 1e-3, 1.0
    low, high = np.floor(np.log10(v.min())), np.ceil(np.log10(v.max()))
    return 10.0 ** low, 10.0 ** max(high, low + 1)


class SequenceExplorer(TrainingExplorer):
    """Lesson 15: memory_run(cell, T, learning rate, clipping) on the marked-symbol task (seed 0): the
    validation accuracy per epoch, ||dL/dh_t|| over the steps at initialisation and after training, the
    largest norm of one weight's gradient at every training step (before clipping: what clipnorm compares with
    its threshold, drawn as a line); below, the
    character LSTM's text at the chosen temperature (read to one decimal). Runs are cached; in the widget a
    run is drawn while it trains ("step 40/96"), a frame about every 90 ms."""

    PARAMS = {
        "cell": Param("LSTM", choices=("SimpleRNN", "LSTM", "GRU")),
        "T": Param(15, 2, 20, label="length T"),
        "learning_rate": Param(0.03, choices=(0.003, 0.01, 0.03, 0.1), label="learning rate"),
        "clipping": Param("off", choices=("off", "clipnorm 1")),
        "temperature": Param(0.5, 0.1, 2.0, step=0.1),
    }
    FIGSIZE = (10, 4.6)
    LAYOUT_CACHE = True

    def _set(self, settings: dict):
        # The temperature is read to one decimal, the slider's step: the texts of all those temperatures are
        # generated together once, so a move answers with a lookup (another value would generate its own).
        if isinstance(settings.get("temperature"), (int, float)) and not isinstance(settings["temperature"], bool):
            settings = {**settings, "temperature": round(float(settings["temperature"]), 1)}
        return super()._set(settings)

    def update(self):
        c = self.cfg
        run = memory_run(c["cell"], c["T"], c["learning_rate"], CLIP if c["clipping"] != "off" else None, seed=0,
                         progress=self.progress)
        self.training = None
        self.steps = len(run.grad_norm)
        self.show_run(run.history["val_accuracy"], run.grads_init, run.grads_end, run.grad_norm)

    def show_epoch(self, step, steps, model, history, grad_norm, grads_init, probe):
        self.training, self.steps = (step, steps), steps
        with _one_blas_thread():
            grads_end = state_gradients(model, *probe)
        self.show_run(list(history["val_accuracy"]), grads_init, grads_end, np.array(grad_norm))

    def show_run(self, accuracy, grads_init, grads_end, grad_norm):
        """What the figure shows, from a run (finished, or partly trained)."""
        self.accuracy = np.asarray(accuracy, dtype=float)
        self.grads_init, self.grads_end = np.asarray(grads_init), np.asarray(grads_end)
        self.grad_norm = np.asarray(grad_norm, dtype=float)
        self.reach = float(self.grads_end[0] / self.grads_end[-1]) if self.grads_end[-1] > 0 else float("nan")
        self.clipped = int(np.sum(self.grad_norm > CLIP)) if self.cfg["clipping"] != "off" else 0
        self.text = sample_text(self.cfg["temperature"])
        self.known = known_word_fraction(self.text[len(PROMPT):], zen_text())

    @property
    def final_accuracy(self) -> float:
        """The validation accuracy after the last epoch shown (nan before the first epoch ends)."""
        return float(self.accuracy[-1]) if self.accuracy.size else float("nan")

    # --- drawing ----------------------------------------------------------------------------------------
    def titles(self):
        c = self.cfg
        if self.training is not None:
            step, steps = self.training
            head = _("step {step}/{steps}: ").format(step=step, steps=steps)
        else:
            head = ""
        acc = "-" if not self.accuracy.size else f"{self.final_accuracy:.2f}"
        reach = "-" if not np.isfinite(self.reach) else f"{self.reach:.0e}"
        clip = (_("clipped {clipped} of {steps} steps").format(clipped=self.clipped, steps=len(self.grad_norm))
                if c["clipping"] != "off" else _("no clipping"))
        return (head + _("{cell}, T = {T}\nvalidation accuracy {accuracy}").format(cell=c["cell"], T=c["T"],
                                                                                  accuracy=acc),
                _("gradient reaching each state\nh_1 gets {reach} of h_T's").format(reach=reach),
                _("largest gradient norm at each step\n{clipping}").format(clipping=clip),
                _("character LSTM trained on the Zen of Python, temperature {temperature:.1f}: "
                  "{known:.0%} of its words are the Zen's").format(temperature=c["temperature"], known=self.known))

    def _step_ticks(self):
        T = self.cfg["T"]
        every = 1 if T <= 8 else 2 if T <= 14 else 3
        return np.arange(every, T + 1, every)

    def through_limits(self):
        return _decades(np.concatenate([self.grads_init, self.grads_end]))

    def norm_limits(self):
        return _decades(np.r_[self.grad_norm, 2 * CLIP])  # the threshold's line inside the frame

    def draw_on(self, fig):
        grid = fig.add_gridspec(2, 3, height_ratios=(3.0, 0.55))
        ax_a, ax_g, ax_n = (fig.add_subplot(grid[0, i]) for i in range(3))
        ax_t = fig.add_subplot(grid[1, :])
        t_acc, t_through, t_norm, t_text = self.titles()
        epochs = np.arange(1, len(self.accuracy) + 1)
        ax_a.plot(epochs, self.accuracy, marker="o", color=plots.BLUE)
        ax_a.axhline(1 / MEMORY_SYMBOLS, color="grey", ls=":", lw=1)
        ax_a.text(6, 1 / MEMORY_SYMBOLS + 0.03, _("chance"), ha="right", fontsize=9, color="grey").set_in_layout(False)
        ax_a.set_xlim(0.5, 6.5)
        ax_a.set_xticks(range(1, 7))
        ax_a.set_ylim(0, 1.05)
        ax_a.set_xlabel(_("epoch"))
        ax_a.set_ylabel(_("validation accuracy"))
        ax_a.set_title(t_acc, fontsize=10, y=1.0)
        steps = np.arange(1, self.cfg["T"] + 1)
        ax_g.plot(steps, self.grads_init, color="grey", ls="--", marker="o", ms=3, label=_("at initialisation"))
        ax_g.plot(steps, self.grads_end, color=plots.ORANGE, marker="o", ms=3, label=_("trained"))
        ax_g.set_yscale("log")
        ax_g.set_xlim(0.5, self.cfg["T"] + 0.5)
        ax_g.set_xticks(self._step_ticks())
        ax_g.set_ylim(*self.through_limits())
        ax_g.set_xlabel(_("step t"))
        ax_g.set_ylabel("||dL/dh_t||")
        ax_g.legend(frameon=False, fontsize=8, loc="lower right")
        ax_g.set_title(t_through, fontsize=10, y=1.0)
        ax_n.plot(np.arange(1, len(self.grad_norm) + 1), self.grad_norm, color=plots.BLUE, lw=1)
        ax_n.axhline(CLIP, color="#b2182b" if self.cfg["clipping"] != "off" else "lightgrey", ls="--", lw=1)
        ax_n.set_yscale("log")
        ax_n.set_xlim(0, self.steps + 1)
        ax_n.set_ylim(*self.norm_limits())
        ax_n.set_xlabel(_("training step"))
        ax_n.set_ylabel(_("largest ||gradient|| of a weight"))
        ax_n.set_title(t_norm, fontsize=10, y=1.0)
        for ax in (ax_g, ax_n):  # decades as plain numbers, no minor ticks (labels crowd a short axis, and
            ax.yaxis.set_major_locator(LogLocator(numticks=8))  # making their ticks is most of a drawing)
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
            ax.yaxis.set_minor_locator(NullLocator())
        # gid "data": the sampled text is the model's (English) output, not a message to translate
        plots.text_panel(ax_t, self.text, width=100, title=t_text, fontsize=9).set_gid("data")

    def refresh(self, fig):
        ax_a, ax_g, ax_n, ax_t = fig.axes
        t_acc, t_through, t_norm, t_text = self.titles()
        ax_a.get_lines()[0].set_data(np.arange(1, len(self.accuracy) + 1), self.accuracy)
        ax_a.set_title(t_acc, fontsize=10, y=1.0)
        init, end = ax_g.get_lines()
        steps = np.arange(1, self.cfg["T"] + 1)
        init.set_data(steps, self.grads_init)
        end.set_data(steps, self.grads_end)
        ax_g.set_xlim(0.5, self.cfg["T"] + 0.5)
        ax_g.set_xticks(self._step_ticks())
        ax_g.set_ylim(*self.through_limits())
        ax_g.set_title(t_through, fontsize=10, y=1.0)
        norm, clip = ax_n.get_lines()
        norm.set_data(np.arange(1, len(self.grad_norm) + 1), self.grad_norm)
        clip.set_color("#b2182b" if self.cfg["clipping"] != "off" else "lightgrey")
        ax_n.set_xlim(0, self.steps + 1)
        ax_n.set_ylim(*self.norm_limits())
        ax_n.set_title(t_norm, fontsize=10, y=1.0)
        ax_t.texts[0].set_text(plots.wrap_text(self.text, 100))
        ax_t.set_title(t_text, fontsize=10, loc="left")
        return True
