"""Draw a digit and watch two trained networks read it: the from-scratch MLP of lesson 09 and a CNN
trained with Keras (lesson 11's layers ending in Flatten + Dense, experiments.digits_cnn, the CNN
lesson 12 explains) give their class probabilities after every stroke, beside the saliency of
the drawing (lesson 12: which pixels would raise the winning class's score).

    dd = DigitDrawer()            # trains (or loads) the two models: a few seconds the first time
    dd.widget()                   # canvas + clear button, probabilities and saliency, live
    dd.canvas.strokes = [[[0.5, 0.1], [0.5, 0.9]]]   # or draw from Python: a "1"
    dd.probabilities["mlp"]       # (10,), sums to 1;  dd.x: the 8x8 image the models see (64,)

The drawing is turned into an 8x8 image exactly as the training digits were made (canvas.digits8).
"""
from __future__ import annotations

import time

import numpy as np
from .fastagg import TextCachingCanvas
from matplotlib.figure import Figure

from .. import data, plots
from ..core import accuracy, saliency
from ..experiments import digits_cnn, digits_mlp
from ..i18n import N_
from ..i18n import gettext_ as _
from ..strokes import as_strokes, digits8
from .canvas import DrawingCanvas

__all__ = ["DigitDrawer"]

# Shown as _(MODELS[name]) in the status line, _(HEADS[name]) in the bar chart's title.
MODELS = {"mlp": N_("MLP, lesson 09 (from scratch)"), "cnn": N_("CNN, lesson 11 (Keras)")}
HEADS = {"mlp": N_("MLP, lesson 09"), "cnn": N_("CNN, lesson 11")}


class DigitDrawer:
    """Draw a digit; the lesson-09 MLP and the lesson-11 CNN classify it after each stroke.

    canvas          the DrawingCanvas; its `strokes` drive everything (set them to draw from Python)
    x               (64,) the drawing as an 8x8 digit in [0, 1] (canvas.digits8)
    probabilities   {'mlp': (10,), 'cnn': (10,)} class probabilities; None while the canvas is empty
    saliency        {'mlp': (8, 8), 'cnn': (8, 8)}: dz_c/dx of the winning class c's logit
    latency         seconds the last update took (preprocessing, both models, both saliencies)
    cnn=False leaves the CNN out (no TensorFlow needed)."""

    def __init__(self, cnn: bool = True, cnn_epochs: int = 15, seed: int = 0):
        if not isinstance(cnn, bool):
            raise TypeError(f"cnn must be True or False, got {cnn!r}.")
        self.models = {"mlp": digits_mlp(seed)}
        if cnn:
            self.models["cnn"] = digits_cnn(cnn_epochs, seed)
        self.canvas = DrawingCanvas()
        self.figure = None
        self._listeners = []
        self.canvas.observe(self._on_strokes, names="strokes")
        self.update()

    @staticmethod
    def _inputs(name, X):
        return X.reshape(-1, 8, 8, 1) if name == "cnn" else X

    def test_accuracy(self, seed: int = 0) -> dict:
        """Accuracy of each model on data.load_digits(seed=seed)'s 360 test digits."""
        _, X_test, _, y_test = data.load_digits(seed=seed)
        Y = data.one_hot(y_test, 10)
        return {name: accuracy(m, self._inputs(name, X_test), Y) for name, m in self.models.items()}

    # --- state ------------------------------------------------------------------------------------
    def _on_strokes(self, change=None):
        self.update()
        for listener in self._listeners:
            listener()

    def update(self):
        """Recompute x, the probabilities and the saliency maps from the canvas's strokes."""
        start = time.perf_counter()
        strokes = as_strokes(self.canvas.strokes)
        self.x = digits8(strokes)
        if not strokes:
            self.probabilities = self.saliency = None
        else:
            self.probabilities, self.saliency = {}, {}
            for name, model in self.models.items():
                X = self._inputs(name, self.x[None])
                p = model.predict(X)[0]
                self.probabilities[name] = p
                self.saliency[name] = saliency(model, X, int(p.argmax())).reshape(8, 8)
        self.latency = time.perf_counter() - start
        return self

    def clear(self):
        """Empty the canvas (the clear button): no prediction."""
        self.canvas.clear()
        return self

    def summary(self) -> str:
        """One line per model: its guess and probability, or a prompt while the canvas is empty."""
        if self.probabilities is None:
            return _("Draw a digit (0-9) in the box, large and centred; each stroke updates the guesses.")
        return "\n".join(_("{model}: {digit} with p = {p:.1%}").format(model=_(MODELS[name]), digit=int(p.argmax()),
                                                                        p=p.max())
                         for name, p in self.probabilities.items())

    # --- drawing ----------------------------------------------------------------------------------
    def _build_figure(self):
        """Axes at fixed positions, built once; each update only changes the images, bars and titles
        (a constrained-layout rebuild took most of a second per stroke)."""
        fig = self.figure = Figure(figsize=(8.6, 3.3), dpi=80)
        TextCachingCanvas(fig)
        ax_in = fig.add_axes((0.01, 0.2, 0.2, 0.55))
        ax_in.set_title(_("the models' input\n(8x8, as in training)"), fontsize=10)
        self._artists = {"input": ax_in.imshow(np.zeros((8, 8)), cmap="gray_r", vmin=0, vmax=1)}
        for j, name in enumerate(self.models):
            left = 0.27 + 0.37 * j
            ax_p = fig.add_axes((left, 0.6, 0.33, 0.3))
            bars = ax_p.bar(range(10), np.zeros(10), color=plots.BLUE)
            ax_p.set_xticks(range(10))
            ax_p.set_ylim(0, 1)
            ax_p.set_yticks([0, 0.5, 1])
            ax_p.tick_params(labelsize=9)
            ax_s = fig.add_axes((left + 0.165 - 0.1, 0.02, 0.2, 0.4))
            ax_s.set_title(_("saliency of its guess:\nred pixels raise it"), fontsize=9)
            self._artists[name] = (ax_p, bars, ax_s.imshow(np.zeros((8, 8)), cmap="RdBu_r", vmin=-1, vmax=1))
        for ax in fig.axes:
            if ax.images:
                ax.set_xticks([])
                ax.set_yticks([])
        # Blitting: the axes, ticks and labels are drawn once and kept as a background; an update
        # draws only what changes (images, bars, the guesses in the titles): 5x faster.
        self._dynamic = [self._artists["input"]]
        for name in self.models:
            ax_p, bars, sal = self._artists[name]
            self._dynamic += [*bars, sal]
        self._dynamic += [spine for ax in fig.axes if ax.images for spine in ax.spines.values()]  # frames on top
        self._dynamic += [self._artists[name][0].title for name in self.models]
        for artist in self._dynamic:
            artist.set_animated(True)
        fig.canvas.draw()
        self._background = fig.canvas.copy_from_bbox(fig.bbox)

    def draw(self) -> Figure:
        """The 8x8 input, each model's probabilities (its guess in orange) and the saliency of its
        guess (blue to red, scaled to the largest |value|)."""
        if self.figure is None:
            self._build_figure()
        self._artists["input"].set_data(self.x.reshape(8, 8))
        for name in self.models:
            ax_p, bars, sal = self._artists[name]
            p = np.zeros(10) if self.probabilities is None else self.probabilities[name]
            for k, bar in enumerate(bars):
                bar.set_height(p[k])
                bar.set_color(plots.ORANGE if p.any() and k == p.argmax() else plots.BLUE)
            head = _(HEADS[name])
            ax_p.set_title(f"{head}: " + (f"{p.argmax()} (p = {p.max():.0%})" if p.any() else _("draw a digit")),
                           fontsize=10)
            s = np.zeros((8, 8)) if self.saliency is None else self.saliency[name]
            limit = np.abs(s).max() or 1.0
            sal.set_data(s)
            sal.set_clim(-limit, limit)
        return self.figure

    def png(self) -> bytes:
        """The figure as PNG bytes: rendered by Agg and encoded fast (plots.canvas_png: it is
        rebuilt after every stroke)."""
        fig = self.draw()
        return plots.blitted_png(fig, self._background, self._dynamic)

    def show(self):
        """Display the current figure as a static picture."""
        from IPython.display import Image, display  # noqa: PLC0415

        display(Image(self.png()))

    def widget(self):
        """The canvas and its clear button beside the live probabilities and saliency maps."""
        import ipywidgets as W  # noqa: PLC0415

        from .base import carry_picture, figure_image  # noqa: PLC0415

        status = W.HTML()
        image = figure_image()  # natural size (688 px) where there is room, scaled down where not

        def show():
            png = self.png()  # first, so that the text and the figure change together
            lines = self.summary().split("\n")
            status.value = "<div class='dlteach-draw-status' style='font-size:14px'>" + "<br>".join(lines) + "</div>"
            image.value = png

        self._listeners.append(show)
        show()
        right = W.VBox([status, image], layout=W.Layout(margin="0 0 0 12px", flex="1 1 0", min_width="0"))
        ui = W.HBox([self.canvas, right], layout=W.Layout(flex_flow="row wrap"))
        ui.canvas, ui.status, ui.image = self.canvas, status, image
        return carry_picture(ui, image, "DigitDrawer", describe=lambda: " ".join(self.summary().split()),
                             figure=lambda: self.figure)  # a picture where no kernel runs (see carry_picture)
