"""The Playground: a notebook version of the TensorFlow Playground.

    pg = Playground(dataset="spiral", hidden=3, neurons=6)
    pg.step(10)                  # train 10 epochs
    pg.set(learning_rate=0.3)    # keeps the network; architecture/data changes rebuild it
    pg.rewind()                  # back to the same initial weights
    pg.widget()                  # the controls, for a notebook

All maths comes from dlteach.core (and dlteach.keras_twin for the Keras backend); all drawing from
dlteach.plots. This module only holds state and composes them.
"""
from __future__ import annotations


import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .. import data, plots
from ..core import L1L2, MLP, Callback, fit, get_optimizer
from ..core._checks import check_int, check_positive, check_positive_int, lookup

ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear", "leaky_relu")
OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam")
LOSSES = ("cross-entropy", "mse")
REGULARIZATIONS = ("none", "L1", "L2")
BACKENDS = ("numpy", "keras")
REG_RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
LIMITS = {"hidden": (0, 6), "neurons": (1, 8), "batch_size": (1, 30), "learning_rate": (1e-5, 10.0),
          "train_ratio": (0.1, 0.9), "noise": (0.0, 0.5)}
EXTENT = 6.0
BOUNDARY_RES = 50
NEURON_RES = 20

DATA_KEYS = {"dataset", "noise", "train_ratio", "seed", "n"}
MODEL_KEYS = {"activation", "hidden", "neurons", "features", "loss"}


class _Recorder(Callback):
    """Records the Playground's curves: loss on the whole train and test sets after each epoch."""

    def __init__(self, pg):
        self.pg = pg

    def on_epoch_end(self, epoch, logs, model, history):
        self.pg._record_epoch()


class Playground:
    """Lesson 07: a notebook TensorFlow Playground. A small MLP on a 2-D dataset, trained in steps
    through dlteach.fit (backend 'numpy') or its Keras twin (backend 'keras', the same batches);
    drawn as the network with every neuron's map, the output over the plane and the loss curves.
    Settings and their ranges: DEFAULTS and LIMITS (train_ratio is the Playground's "ratio of
    training to test data")."""

    DEFAULTS = dict(dataset="circle", noise=0.0, train_ratio=0.5, batch_size=10, learning_rate=0.03,
                    activation="tanh", hidden=2, neurons=4, regularization="none", reg_rate=0.0,
                    features=("x1", "x2"), optimizer="sgd", loss="cross-entropy", backend="numpy",
                    seed=0, n=500)

    def __init__(self, **settings):
        self.cfg = dict(self.DEFAULTS)
        self.cfg.update(self._validate(settings))
        self.init_seed = self.cfg["seed"]
        self.figure = None
        self._twin = None
        self._make_data()
        self._build()

    # --- settings -------------------------------------------------------------------------------
    def _validate(self, settings: dict) -> dict:
        out = {}
        for key, value in settings.items():
            if key not in self.DEFAULTS:
                raise ValueError(f"Playground has no setting {key!r}. Valid: {', '.join(self.DEFAULTS)}.")
            if key == "dataset":
                value = lookup(value, {d: d for d in data.DATASETS}, "dataset")
            elif key in ("activation", "optimizer", "backend", "loss", "regularization"):
                choices = {"activation": ACTIVATIONS, "optimizer": OPTIMIZERS, "backend": BACKENDS,
                           "loss": LOSSES, "regularization": REGULARIZATIONS}[key]
                if value not in choices:
                    raise ValueError(f"Unknown {key} {value!r}. Valid: {', '.join(choices)}.")
            elif key in ("hidden", "neurons", "batch_size", "n"):
                lo, hi = LIMITS.get(key, (4, 10_000))
                value = check_int(value, key, lo, hi)
            elif key in ("learning_rate", "noise", "train_ratio"):
                lo, hi = LIMITS[key]
                value = check_positive(value, key, allow_zero=(key == "noise"))
                if not lo <= value <= hi:
                    raise ValueError(f"{key} must be from {lo:g} to {hi:g}, got {value!r}.")
            elif key == "reg_rate":
                value = check_positive(value, "reg_rate", allow_zero=True)
            elif key == "features":
                value = tuple(value)
                data.features(np.zeros((1, 2)), value)  # raises a clear error for none or unknown ones
            elif key == "seed":
                value = check_int(value, "seed", low=0)  # an integer: rewind and reset replay from it
            out[key] = value
        return out

    def set(self, **settings):
        """Change settings. Data and architecture changes rebuild the network from new initial
        weights; learning rate, batch size, regularisation and optimizer keep the network."""
        settings = self._validate(settings)
        changed = {k for k, v in settings.items() if self.cfg[k] != v}
        self.cfg.update(settings)
        if changed & DATA_KEYS:
            if "seed" in changed:
                self.init_seed = self.cfg["seed"]
            self._make_data()
            self._build()
        elif changed & MODEL_KEYS:
            self._build()
        elif "backend" in changed:
            self.rewind()  # the same initial weights, so that the two backends can be compared
        else:
            if changed & {"regularization", "reg_rate"}:
                self._apply_regularization()
            if "optimizer" in changed:
                self.optimizer = get_optimizer(self.cfg["optimizer"], learning_rate=self.cfg["learning_rate"])
                self._twin = None
            elif "learning_rate" in changed:
                self.optimizer.set(learning_rate=self.cfg["learning_rate"])
                self._twin = None
            if changed & {"learning_rate", "optimizer"}:
                self.message = ""  # a diverged run may go on from its kept weights with the new setting
        return self

    # --- data and model -------------------------------------------------------------------------
    @property
    def classify(self) -> bool:
        return data.is_classification(self.cfg["dataset"])

    def _make_data(self):
        c = self.cfg
        X, y = data.make_dataset(c["dataset"], c["n"], c["noise"], seed=c["seed"])
        self.X_train, self.X_test, self.y_train, self.y_test = data.train_test_split(
            X, y, test_size=1 - c["train_ratio"], seed=c["seed"])
        self.k = data.n_classes(y) if self.classify else 1

    def _targets(self, y):
        if not self.classify:
            return y
        return data.one_hot(y, self.k) if self.k > 2 else y

    @property
    def sizes(self):
        c = self.cfg
        n_out = self.k if self.k > 2 else 1
        return [len(c["features"])] + [c["neurons"]] * c["hidden"] + [n_out]

    def _build(self):
        """New network from initial weights drawn with `init_seed`; history cleared."""
        c = self.cfg
        if self.classify:
            out_act = "softmax" if self.k > 2 else "sigmoid"
            loss = {"cross-entropy": "categorical_crossentropy" if self.k > 2 else "binary_crossentropy",
                    "mse": "mse"}[c["loss"]]
        else:
            out_act, loss = "linear", "mse"
        self.model = MLP(self.sizes, c["activation"], out_act, loss, seed=self.init_seed)
        self.initial_weights = self.model.get_weights()
        self._apply_regularization()
        self._restart()

    def _apply_regularization(self):
        c = self.cfg
        l1 = c["reg_rate"] if c["regularization"] == "L1" else 0.0
        l2 = c["reg_rate"] if c["regularization"] == "L2" else 0.0
        for layer in self.model.dense_layers:
            layer.reg = L1L2(l1, l2)
        self._twin = None  # the Keras twin is rebuilt from the current weights

    def _restart(self):
        self.optimizer = get_optimizer(self.cfg["optimizer"], learning_rate=self.cfg["learning_rate"])
        self._twin = None
        self.epoch = 0
        self.history = {"train": [], "test": []}
        self.message = ""
        self.F_train = data.features(self.X_train, self.cfg["features"])
        self.F_test = data.features(self.X_test, self.cfg["features"])
        self.T_train, self.T_test = self._targets(self.y_train), self._targets(self.y_test)

    def reset(self):
        """New random initial weights (the next seed), as the Playground's reset button."""
        self.init_seed += 1
        self._build()
        return self

    def rewind(self):
        """Back to the same initial weights, epoch 0: replaying gives exactly the same run."""
        self.model.set_weights(self.initial_weights)
        self._restart()
        return self

    # --- training -------------------------------------------------------------------------------
    def losses(self):
        """(train loss, test loss) of the current network, without the penalty term."""
        return (self.model.evaluate(self.F_train, self.T_train, include_penalty=False),
                self.model.evaluate(self.F_test, self.T_test, include_penalty=False))

    def _record_epoch(self):
        self.epoch += 1
        train, test = self.losses()
        self.history["train"].append(train)
        self.history["test"].append(test)

    def step(self, epochs: int = 1):
        """Train `epochs` epochs with the chosen backend, through dlteach.fit as in the lessons: the
        same mini-batches (seeded by the initial-weights seed and the epoch), the same loss log and
        divergence check. A diverging run stops, keeps the last good weights and sets `message`;
        further steps do nothing until a change or a rewind."""
        epochs = check_positive_int(epochs, "epochs")
        if self.message:
            return self
        trainer = None
        if self.cfg["backend"] == "keras":
            if self._twin is None:
                from ..keras_twin import KerasTrainer  # noqa: PLC0415 (TensorFlow only when asked for)

                self._twin = KerasTrainer(self.model, self.optimizer)
            trainer = self._twin
        h = fit(self.model, self.F_train, self.T_train, self.optimizer, epochs=self.epoch + epochs,
                initial_epoch=self.epoch, batch_size=self.cfg["batch_size"], seed=self.init_seed,
                callbacks=[_Recorder(self)], verbose=0, trainer=trainer)
        if h.diverged:
            self.message = h.message
            self._twin = None  # the twin holds the diverged weights: rebuilt from the kept ones
        return self

    # --- drawing --------------------------------------------------------------------------------
    def predict_grid(self, resolution: int = BOUNDARY_RES):
        """Network output on a grid over the plane: class-1 probability, class index (3 classes)
        or the regression value; shape (resolution^2,)."""
        out = self.model.predict(data.features(plots.grid(EXTENT, resolution), self.cfg["features"]))
        return out.argmax(axis=1) if self.k > 2 else out[:, 0]

    def neuron_maps(self, resolution: int = NEURON_RES):
        """One (r, r) map per node, layer by layer: the input features, then every neuron's output."""
        F = data.features(plots.grid(EXTENT, resolution), self.cfg["features"])
        layers = [F] + self.model.activations(F)
        return [[a[:, j].reshape(resolution, resolution) for j in range(a.shape[1])] for a in layers]

    def draw(self) -> Figure:
        """Draw the figure: network with neuron maps, output boundary, loss curves. While the data
        and architecture stay the same, only the changing artists are updated (a full rebuild
        costs about three times as much, most of it in creating tick labels)."""
        c = self.cfg
        signature = (tuple(self.sizes), c["features"], c["dataset"], c["noise"], c["train_ratio"], c["seed"],
                     c["n"], c["activation"], bool(self.message), self._loss_limits())
        if self.figure is not None and getattr(self, "_signature", None) == signature:
            self._update_figure()
        else:
            self._build_figure()
            self._signature = signature
        return self.figure

    def _loss_limits(self):
        """Fixed limits of the loss plot, (epochs, loss), that change in steps: the x range doubles
        when training passes it, and the y range covers the largest loss so far. Between steps the
        axes (ticks and labels) stay as they are and only the curves are redrawn."""
        if not self.history["train"]:
            return None
        xmax = 20 * 2 ** int(np.ceil(np.log2(max(self.epoch, 1) / 20))) if self.epoch > 20 else 20
        ymax = max(max(self.history["train"]), max(self.history["test"]))
        return xmax, float(f"{ymax * 1.08:.2g}") if ymax > 0 else 1.0

    def _output_title(self) -> str:
        train, test = (self.history["train"][-1], self.history["test"][-1]) if self.epoch else self.losses()
        return f"output after epoch {self.epoch}: train loss {train:.3f}, test {test:.3f}"

    def _update_figure(self):
        a = self._artists
        plots.update_network(a["network"], [layer.W for layer in self.model.dense_layers], self.neuron_maps())
        self.boundary = self.predict_grid()
        a["boundary"].set_data(self.boundary.reshape(BOUNDARY_RES, BOUNDARY_RES))
        a["ax_out"].set_title(self._output_title(), fontsize=10)
        if a["curves"] is None:  # no epoch trained yet: nothing to plot
            return
        epochs = np.arange(1, len(self.history["train"]) + 1)
        a["curves"][0].set_data(epochs, self.history["train"])
        a["curves"][1].set_data(epochs, self.history["test"])

    def _build_figure(self):
        fig = self.figure
        if fig is None:
            fig = self.figure = Figure(figsize=(11, 4.6), dpi=80)
            FigureCanvasAgg(fig)
        fig.clear()
        # Fixed positions (figure fractions) rather than a layout engine: constrained layout
        # measured every tick label on each redraw and doubled the time of an update.
        ax_net = fig.add_axes((0.0, 0.0, 0.58, 0.93))
        ax_out = fig.add_axes((0.64, 0.44, 0.34, 0.49))
        ax_loss = fig.add_axes((0.64, 0.12, 0.34, 0.2))
        weights = [layer.W for layer in self.model.dense_layers]
        network = plots.network_diagram(ax_net, weights, self.sizes, input_names=list(self.cfg["features"]),
                                        node_maps=self.neuron_maps())
        ax_net.set_title(f"network {'-'.join(map(str, self.sizes))}, {self.cfg['activation']}: "
                         "line width = |weight|, blue +, orange -", fontsize=10)
        values = self.boundary = self.predict_grid()
        if self.k > 2:
            boundary = plots.class_map(ax_out, values, EXTENT, self.k)
        else:
            boundary = plots.decision_boundary(ax_out, values, EXTENT, 0.0 if self.classify else -1.0, 1.0)
        plots.scatter_points(ax_out, self.X_train, self.y_train, self.classify)
        plots.scatter_points(ax_out, self.X_test, self.y_test, self.classify, test=True)
        ax_out.set_xlim(-EXTENT, EXTENT)
        ax_out.set_ylim(-EXTENT, EXTENT)
        ax_out.set_title(self._output_title(), fontsize=10)
        curves = None
        if self.history["train"]:
            curves = plots.loss_curves(ax_loss, self.history["train"], self.history["test"])
            xmax, ymax = self._loss_limits()
            ax_loss.set_xlim(0, xmax)
            ax_loss.set_ylim(0, ymax)
        else:
            ax_loss.set_xlabel("epoch")
            ax_loss.set_ylabel("loss")
            ax_loss.text(0.5, 0.5, "diverged in the first epoch" if self.message else "press step or play to train",
                         ha="center", va="center", transform=ax_loss.transAxes, color="grey")
        overlay = []
        if self.message:
            overlay.append(ax_out.text(0.5, 0.5, "Training diverged.\nLower the learning rate\nor press rewind.",
                                       transform=ax_out.transAxes, ha="center", va="center", fontsize=11,
                                       color="white", zorder=5,
                                       bbox=dict(boxstyle="round", fc="#b2182b", ec="none", alpha=0.9)))
        self._artists = {"network": network, "boundary": boundary, "curves": curves, "ax_out": ax_out,
                         "ax_loss": ax_loss}
        # Blitting: everything that changes on an update is 'animated', so that canvas.draw() renders
        # only the still parts (axes, ticks, labels), which are kept as a background. An update then
        # restores the background and draws just these artists, in this order (frame and points
        # above the boundary, node frames above node maps).
        self._dynamic = ([boundary, *ax_out.spines.values(), *ax_out.collections, ax_out.title, network["lines"], *network["images"],
                          *ax_net.patches, *(curves or [])] + overlay)
        for artist in self._dynamic:
            artist.set_animated(True)
        fig.canvas.draw()
        self._background = fig.canvas.copy_from_bbox(fig.bbox)

    def png(self) -> bytes:
        """The figure as PNG bytes (what the widget shows): the kept background plus the changing
        artists (see _build_figure). Fast PNG compression: the image is rebuilt on every tick, and
        level 1 costs a third of the default for 10% more bytes."""
        fig = self.draw()
        return plots.blitted_png(fig, self._background, self._dynamic)

    def show(self):
        """Display the current figure as a PNG in the notebook (a static picture: nbviewer shows it)."""
        from IPython.display import Image, display  # noqa: PLC0415

        display(Image(self.png()))

    # --- export -----------------------------------------------------------------------------------
    def to_keras_code(self, epochs: int | None = None, embed_data: bool = False) -> str:
        """Runnable Keras code for this Playground: the same network, input features, data, loss,
        optimizer, learning rate, batch size, regularisation and initial weights, trained on the
        same mini-batches for `epochs` epochs (default: as many as here, at least 1). It prints
        each epoch's train and test loss, equal to history['train'] / ['test'] to float32
        precision (settings changed during training: the code uses the current ones throughout).
        The points are regenerated by dlteach.data, or written into the code with embed_data=True.
        See dlteach.export.keras_code."""
        from ..export import keras_code  # noqa: PLC0415

        c = self.cfg
        if embed_data or c["dataset"] not in data.DATASETS:
            points = (self.X_train, self.y_train, self.X_test, self.y_test)
        else:
            points = dict(dataset=c["dataset"], n=c["n"], noise=c["noise"], seed=c["seed"],
                          test_size=1 - c["train_ratio"])
        return keras_code(self.model, c["optimizer"], learning_rate=c["learning_rate"], batch_size=c["batch_size"],
                          epochs=epochs or max(self.epoch, 1), seed=self.init_seed, features=c["features"],
                          data=points, weights=self.initial_weights, title="the dlteach Playground")

    # --- the notebook widget --------------------------------------------------------------------
    def widget(self):
        """ipywidgets controls around the figure; every control only calls set/step/reset/rewind."""
        from .playground_ui import build  # noqa: PLC0415

        return build(self)
