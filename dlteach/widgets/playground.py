"""The Playground: a notebook version of the TensorFlow Playground.

    pg = Playground(dataset="spiral", hidden=3, neurons=6)
    pg.step(10)                  # train 10 epochs
    pg.set(learning_rate=0.3)    # keeps the network; architecture/data changes rebuild it
    pg.rewind()                  # back to the same initial weights
    pg.widget()                  # the controls, for a notebook
    Playground(data=(X, y))      # your own points: X (n, 2), y labels 0/1(/2) or real targets
    pg.load_csv(open("my.csv", "rb").read())   # or a CSV of x1, x2, label (checked by dlteach.data)

All maths comes from dlteach.core (and dlteach.keras_twin for the Keras backend); all drawing from
dlteach.plots. This module only holds state and composes them.
"""
from __future__ import annotations

import time

import numpy as np
from matplotlib.figure import Figure

from .. import data, plots
from ..core import L1L2, MLP, Callback, fit, get_optimizer
from ..core._checks import check_int, check_positive, check_positive_int, lookup
from ..core.training import epoch_batches
from ..i18n import gettext_ as _
from . import fastagg
from .playground_settings import (ACTIVATIONS, BACKENDS, EXTENT, FIGURE_DPI, FIGURE_INCHES,  # noqa: F401
                                  FRAME_TIME, LIMITS, LOSSES, OPTIMIZERS, OWN, PRESETS, REG_RATES,
                                  REGULARIZATIONS, Preset)

_check_points = data.check_points  # Playground.__init__'s argument `data` hides the module there

DRAW_GUESS = 0.03  # seconds a PNG takes, until one has been measured
BOUNDARY_RES = 50
NEURON_RES = 20

DATA_KEYS = {"dataset", "noise", "train_ratio", "seed", "n"}
MODEL_KEYS = {"activation", "hidden", "neurons", "features", "loss"}


NETWORK_STRETCH = 2.5  # at most: the layers of a tall network spread this much wider than network_panel's


def widen_network(ax, network):
    """Spread the layers of a network drawn by plots.network_panel across its axes' width. The panel
    keeps equal x and y scales (square node maps), so a tall network (3 layers of 8) is drawn at the
    height of the axes and squeezed into a narrow column in the middle, its layers crowded and most of
    the panel empty. Layer x positions are stretched (nodes, weights, labels; at most NETWORK_STRETCH
    times) so that the drawing fills the axes' aspect; node maps stay square."""
    box = ax.get_position(original=True)  # the box given, not the one shrunk to the drawing
    fig_w, fig_h = ax.figure.get_size_inches()
    aspect = (box.width * fig_w) / (box.height * fig_h)  # the axes' width / height on the figure
    pos = network["positions"]
    width = pos[-1][0, 0] - pos[0][0, 0]
    if width <= 0:
        return
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    margins = (x1 - x0) - width  # names on the left, half a node on the right
    stretch = min(max(((y1 - y0) * aspect - margins) / width, 1.0), NETWORK_STRETCH)
    if stretch == 1.0:
        return

    def moved(x):
        return x * stretch  # the input layer is at x = 0: its names stay beside it

    maps = network["maps"]
    node = maps.half
    maps.centres = np.c_[moved(maps.centres[:, 0]), maps.centres[:, 1]]
    # a weight runs from a node's right edge to the next layer's node's left edge: the edges move with
    # the centres, half a node away from them
    shift = node * (stretch - 1)
    network["lines"].set_segments([[(moved(a) - shift, b), (moved(c) + shift, d)]
                                   for (a, b), (c, d) in network["lines"].get_segments()])
    for text in ax.texts:
        x, y = text.get_position()
        if x >= 0:  # the layer labels ("hidden 1"), centred over their layers
            text.set_x(moved(x))
    network["positions"] = [np.c_[moved(p[:, 0]), p[:, 1]] for p in pos]
    ax.set_xlim(x0, moved(x1 - node - 0.2) + node + 0.2)


class _Recorder(Callback):
    """Records the Playground's curves: loss on the whole train and test sets after each epoch; stops
    training where another epoch as long as the last one would end past `deadline` (a
    time.perf_counter() value), if one is given, so that a frame does not overrun by an epoch."""

    def __init__(self, pg, deadline=None):
        self.pg, self.deadline, self.epoch_start = pg, deadline, time.perf_counter()

    def on_epoch_end(self, epoch, logs, model, history):
        self.pg._record_epoch()
        if self.deadline is not None:
            now = time.perf_counter()
            epoch_seconds, self.epoch_start = now - self.epoch_start, now
            if now + epoch_seconds >= self.deadline:
                history.stop_training = True


class _WholeEpochs:
    """fit's trainer interface (train_batch, last_output, sync_to_model) over
    keras_twin.KerasEpochTrainer: the first batch of an epoch runs the whole epoch's steps in one
    compiled call, on the batches fit will ask for (epoch_batches depends only on the seed and the
    epoch), and each train_batch then hands back that batch's loss and output."""

    def __init__(self, pg):
        from ..keras_twin import KerasEpochTrainer  # noqa: PLC0415 (TensorFlow only when asked for)

        self.pg, self.twin, self._pending = pg, KerasEpochTrainer(pg.model, pg.optimizer), []
        self.last_output = None

    def train_batch(self, X, y) -> float:
        if not self._pending:  # the first batch of the epoch that fit is about to record (pg.epoch + 1)
            pg = self.pg
            batches = epoch_batches(len(pg.F_train), pg.cfg["batch_size"], pg.init_seed, pg.epoch + 1)
            losses, outputs = self.twin.train_epoch(pg.F_train, pg.T_train, batches)
            self._pending = list(zip(losses, outputs, (len(b) for b in batches)))
        loss, self.last_output, size = self._pending.pop(0)
        if size != len(X):  # never expected: fit and this class disagree on the batches
            raise RuntimeError(f"the Keras epoch ran a batch of {size} points where fit asked for {len(X)}.")
        return loss

    def sync_to_model(self):
        self._pending = []  # after a diverged batch fit stops early: the rest of the epoch is dropped
        self.twin.sync_to_model()


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
    PRESETS = PRESETS  # Playground.PRESETS[name]: settings, the sentence on what to watch, its contrast, epochs

    def __init__(self, data=None, task: str = "auto", **settings):
        """settings: see DEFAULTS. data=(X, y): your own points instead of a built-in dataset (see
        load_data; task 'auto', 'classification' or 'regression')."""
        self.own = None  # your own points (dlteach.data.Points), once loaded
        self._data_version = 0
        if data is not None:
            if not isinstance(data, (tuple, list)) or len(data) != 2:
                raise TypeError(f"data must be a pair (X, y), got {type(data).__name__}.")
            self.own = _check_points(*data, task=task)
            settings = {**settings, "dataset": OWN}
        self.cfg = dict(self.DEFAULTS)
        self.cfg.update(self._validate(settings))
        self.init_seed = self.cfg["seed"]
        self.figure = None
        self._draw_seconds = DRAW_GUESS  # how long the last PNG of a frame took (see png, frame)
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
                own = {"your_data": OWN} if self.own is not None else {}  # lookup's key for OWN
                value = lookup(value, {d: d for d in data.DATASETS} | own, "dataset")
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

    # --- your own data ---------------------------------------------------------------------------
    def load_data(self, X, y, task: str = "auto"):
        """Train on your own points: X (n, 2) numbers, y (n,) class labels (2 or 3 integers) or real
        targets; task 'auto' (integer labels with 2-3 values: classification), 'classification' or
        'regression'. Checked by dlteach.data.check_points: bad data raises a ValueError and leaves
        the Playground as it was. The features are standardised with the training part's mean and
        std (regression targets: centred and scaled into [-1, 1], as the built-in ones), and the
        plot's range fits the points. The dataset becomes OWN ('your data'); noise and n do not
        apply to it. A new network is built."""
        return self._use_own(_check_points(X, y, task=task))

    def load_csv(self, content, task: str = "auto"):
        """load_data from a CSV file's bytes or text: columns x1, x2, label, an optional header row
        (dlteach.data.read_points_csv says exactly what is wrong with a bad file)."""
        return self._use_own(data.read_points_csv(content, task=task))

    def _use_own(self, points):
        self.own = points
        self.cfg["dataset"] = OWN
        self._make_data()
        self._build()
        return self

    # --- data and model -------------------------------------------------------------------------
    @property
    def classify(self) -> bool:
        if self.cfg["dataset"] == OWN:
            return self.own.task == "classification"
        return data.is_classification(self.cfg["dataset"])

    def _make_data(self):
        c = self.cfg
        self._data_version += 1  # the figure's points are drawn again
        if c["dataset"] == OWN:
            X, y = self.own.X, self.own.y
        else:
            X, y = data.make_dataset(c["dataset"], c["n"], c["noise"], seed=c["seed"])
        self.X_train, self.X_test, self.y_train, self.y_test = data.train_test_split(
            X, y, test_size=1 - c["train_ratio"], seed=c["seed"])
        self.extent = EXTENT
        if c["dataset"] == OWN:
            # Standardise with the training part only (the test points are unseen data); the plane
            # drawn is the smallest half-unit square around every point.
            scaler = data.Standardizer().fit(self.X_train)
            self.X_train, self.X_test = scaler.transform(self.X_train), scaler.transform(self.X_test)
            self.extent = float(np.ceil(2 * 1.05 * np.abs(np.r_[self.X_train, self.X_test]).max()) / 2)
            if not self.classify:  # targets into about [-1, 1], the colour range of the built-in ones
                centre = self.y_train.mean()
                spread = np.abs(self.y_train - centre).max() or 1.0
                self.y_train, self.y_test = (self.y_train - centre) / spread, (self.y_test - centre) / spread
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

    def preset(self, name: str, **changes):
        """Set up a known experiment from PRESETS (every other setting back to DEFAULTS, the backend
        kept), with `changes` on top (e.g. its `contrast`), from the seed's initial weights at epoch
        0; its sentence on what to watch is `PRESETS[name].watch`. Train it with step(PRESETS[name].epochs)."""
        if name not in PRESETS:
            raise ValueError(f"Unknown preset {name!r}. Valid: {', '.join(map(repr, PRESETS))}.")
        settings = {**self.DEFAULTS, **PRESETS[name].settings, "backend": self.cfg["backend"], **changes}
        self.set(**settings)
        self.init_seed = self.cfg["seed"]
        self._build()  # epoch 0 from the seed's initial weights, even where only the learning rate changed
        return self

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

    def accuracy(self, split: str = "test") -> float:
        """Fraction of the 'train' or 'test' points classified correctly (classification only)."""
        if not self.classify:
            raise ValueError("accuracy is for classification; this dataset is a regression (use losses()).")
        split = lookup(split, {"train": "train", "test": "test"}, "split")
        F, y = {"train": (self.F_train, self.y_train), "test": (self.F_test, self.y_test)}[split]
        out = self.model.predict(F)
        predicted = out.argmax(axis=1) if self.k > 2 else (out[:, 0] > 0.5)
        return float(np.mean(predicted == y))

    def dead_fraction(self) -> float:
        """Fraction of hidden neurons that output 0 (or less) for every training point: a ReLU there
        gets no gradient and never comes back. 0.0 without hidden layers."""
        hidden = self.model.activations(self.F_train)[:-1]
        if not hidden:
            return 0.0
        return float(np.mean(np.concatenate([np.all(a <= 0, axis=0) for a in hidden])))

    def _record_epoch(self):
        self.epoch += 1
        train, test = self.losses()
        self.history["train"].append(train)
        self.history["test"].append(test)

    def step(self, epochs: int = 1, budget: float | None = None):
        """Train `epochs` epochs with the chosen backend, through dlteach.fit as in the lessons: the
        same mini-batches (seeded by the initial-weights seed and the epoch), the same loss log and
        divergence check. A diverging run stops, keeps the last good weights and sets `message`;
        further steps do nothing until a change or a rewind. With a time `budget` (seconds), training
        stops where the next epoch (as long as the last) would end past it (at least one epoch, at
        most `epochs`); the run is the same as without a budget, only cut into pieces."""
        epochs = check_positive_int(epochs, "epochs")
        if self.message:
            return self
        deadline = None if budget is None else time.perf_counter() + check_positive(budget, "budget")
        trainer = None
        if self.cfg["backend"] == "keras":
            if self._twin is None:
                self._twin = _WholeEpochs(self)
            trainer = self._twin
        h = fit(self.model, self.F_train, self.T_train, self.optimizer, epochs=self.epoch + epochs,
                initial_epoch=self.epoch, batch_size=self.cfg["batch_size"], seed=self.init_seed,
                callbacks=[_Recorder(self, deadline)], verbose=0, trainer=trainer)
        if h.diverged:
            self.message = h.message
            self._twin = None  # the twin holds the diverged weights: rebuilt from the kept ones
        return self

    def frame(self, budget: float | None = None, max_epochs: int = 100) -> int:
        """One animation frame: train whole epochs for about `budget` seconds (at least one, at most
        max_epochs), then the PNG is drawn by the caller. The default budget is what FRAME_TIME
        leaves after the last PNG's drawing time, so that training and drawing together stay under
        the perception limit. Small networks train many epochs a frame, the largest with batch size
        1 one or two, so play animates at every setting instead of stalling. Returns the number of
        epochs trained."""
        if budget is None:
            budget = max(FRAME_TIME - self._draw_seconds, 0.005)
        before = self.epoch
        self.step(max_epochs, budget=budget)
        return self.epoch - before

    # --- drawing --------------------------------------------------------------------------------
    def predict_grid(self, resolution: int = BOUNDARY_RES):
        """Network output on a grid over the plane: class-1 probability, class index (3 classes)
        or the regression value; shape (resolution^2,)."""
        out = self.model.predict(data.features(plots.grid(self.extent, resolution), self.cfg["features"]))
        return out.argmax(axis=1) if self.k > 2 else out[:, 0]

    def neuron_maps(self, resolution: int = NEURON_RES):
        """One (r, r) map per node, layer by layer: the input features, then every neuron's output."""
        F = data.features(plots.grid(self.extent, resolution), self.cfg["features"])
        layers = [F] + self.model.activations(F)
        return [[a[:, j].reshape(resolution, resolution) for j in range(a.shape[1])] for a in layers]

    def draw(self) -> Figure:
        """Draw the figure: network with neuron maps, output boundary, loss curves. It is built once,
        and again only when the output plot's colours or range change (number of classes, regression,
        the extent of your own data); every other change updates it in place, because building axes
        anew costs 50-100 ms, most of it in creating tick labels: new data moves the points, a new
        architecture redraws only the network panel, and a new loss range only the loss plot, into the
        kept background (fastagg.Blitter.redraw_still)."""
        layout = (self.k, self.classify, self.extent)
        if self.figure is None or self._artists["layout"] != layout:
            self._build_figure()
            self._redrew = True
        else:
            self._redrew = self._update_figure()
        return self.figure

    def _loss_limits(self):
        """Fixed limits of the loss plot, (epochs, loss), that change in steps: the x range doubles
        when training passes it, and the y range covers the largest loss so far. Between steps the
        axes (ticks and labels) stay as they are and only the curves are redrawn."""
        if not self.history["train"]:
            return 20, 1.0
        xmax = 20 * 2 ** int(np.ceil(np.log2(max(self.epoch, 1) / 20))) if self.epoch > 20 else 20
        ymax = max(max(self.history["train"]), max(self.history["test"]))
        return xmax, float(f"{ymax * 1.08:.2g}") if ymax > 0 else 1.0

    def _output_title(self) -> str:
        train, test = (self.history["train"][-1], self.history["test"][-1]) if self.epoch else self.losses()
        return _("output after epoch {epoch}: train loss {train:.3f}, test {test:.3f}").format(
            epoch=self.epoch, train=train, test=test)

    def _network_title(self) -> str:
        return _("network {sizes}, {activation}: line width = |weight|, blue +, orange -").format(
            sizes="-".join(map(str, self.sizes)), activation=self.cfg["activation"])

    def _network_key(self):
        """What the network panel's still parts show: layer sizes, input names, activation."""
        return tuple(self.sizes), self.cfg["features"], self.cfg["activation"]

    def _draw_network(self):
        """The network panel: every weight as a line, every node with its map, and the title."""
        a = self._artists
        weights = [layer.W for layer in self.model.dense_layers]
        a["network"] = plots.network_panel(a["ax_net"], weights, self.sizes, input_names=list(self.cfg["features"]),
                                           node_maps=self.neuron_maps())
        widen_network(a["ax_net"], a["network"])
        # y given: the title stays where matplotlib would put it (no ticks above), without measuring the
        # hidden axes' tick labels on every draw to find out (5 ms a time)
        a["ax_net"].set_title(self._network_title(), fontsize=10, y=1.0)
        a["network_key"] = self._network_key()

    def _update_figure(self):
        """Bring the kept figure up to date: artists changed in place, still parts drawn again only
        where they changed. Returns True when it drew still parts into the background."""
        a = self._artists
        redrew = False
        if a["network_key"] != self._network_key():
            ax = a["ax_net"]
            if a["network_key"][:2] == self._network_key()[:2]:  # only the activation: the same nodes
                ax.title.set_text(self._network_title())
                a["network_key"] = self._network_key()
                self._update_network()
            else:
                for artist in [*ax.collections, *ax.artists, *ax.texts]:
                    artist.remove()
                self._draw_network()
                self._blit.animate()  # the new weight lines and maps change on every update
            self._blit.redraw_still(ax)
            redrew = True
        else:
            self._update_network()
        if a["data_version"] != self._data_version:  # new points (dataset, noise, ratio, seed): same axes
            for points, X, y in zip(a["points"], (self.X_train, self.X_test), (self.y_train, self.y_test)):
                points.set_offsets(X)
                if self.classify:
                    points.set_facecolors(np.array(plots.CLASS_COLOURS)[np.asarray(y, dtype=int)])
                else:
                    points.set_array(y)
            a["data_version"] = self._data_version
        self.boundary = self.predict_grid()
        a["boundary"].set_data(self.boundary.reshape(BOUNDARY_RES, BOUNDARY_RES))
        a["ax_out"].title.set_text(self._output_title())
        epochs = np.arange(1, len(self.history["train"]) + 1)
        a["curves"][0].set_data(epochs, self.history["train"])
        a["curves"][1].set_data(epochs, self.history["test"])
        a["hint"].set_text(self._hint())
        a["hint"].set_visible(not self.history["train"])
        a["overlay"].set_visible(bool(self.message))
        limits = self._loss_limits()
        if limits != a["limits"]:
            ax = a["ax_loss"]
            ax.set_xlim(0, limits[0])
            ax.set_ylim(0, limits[1])
            a["limits"] = limits
            self._blit.redraw_still(ax)
            redrew = True
        return redrew

    def _update_network(self):
        plots.update_network_panel(self._artists["network"], [layer.W for layer in self.model.dense_layers],
                                   self.neuron_maps())

    def _hint(self) -> str:
        return _("diverged in the first epoch") if self.message else _("press step or play to train")

    def _build_figure(self):
        fig = self.figure
        if fig is None:
            fig = self.figure = fastagg.figure(FIGURE_INCHES, FIGURE_DPI)
        fig.clear()
        # Fixed positions (figure fractions) rather than a layout engine: constrained layout
        # measured every tick label on each redraw and doubled the time of an update.
        ax_net = fig.add_axes((0.0, 0.0, 0.58, 0.93))
        ax_out = fig.add_axes((0.64, 0.44, 0.34, 0.49))
        ax_loss = fig.add_axes((0.64, 0.12, 0.34, 0.2))
        values = self.boundary = self.predict_grid()
        extent = self.extent
        if self.k > 2:
            boundary = plots.class_map(ax_out, values, extent, self.k)
        else:
            boundary = plots.decision_boundary(ax_out, values, extent, 0.0 if self.classify else -1.0, 1.0)
        points = (plots.scatter_points(ax_out, self.X_train, self.y_train, self.classify),
                  plots.scatter_points(ax_out, self.X_test, self.y_test, self.classify, test=True))
        ax_out.set_xlim(-extent, extent)
        ax_out.set_ylim(-extent, extent)
        ax_out.set_title(self._output_title(), fontsize=10, y=1.0)  # y: see _draw_network
        # The loss curves exist from the start (empty before the first epoch), so that training
        # only updates them; the hint shows while there is nothing to plot.
        curves = plots.loss_curves(ax_loss, self.history["train"], self.history["test"])
        limits = self._loss_limits()
        ax_loss.set_xlim(0, limits[0])
        ax_loss.set_ylim(0, limits[1])
        hint = ax_loss.text(0.5, 0.5, self._hint(), ha="center", va="center", transform=ax_loss.transAxes,
                            color="grey", visible=not self.history["train"])
        overlay = ax_out.text(0.5, 0.5, _("Training diverged.\nLower the learning rate\nor press rewind."),
                              transform=ax_out.transAxes, ha="center", va="center", fontsize=11, color="white",
                              zorder=5, bbox=dict(boxstyle="round", fc="#b2182b", ec="none", alpha=0.9),
                              visible=bool(self.message))
        self._artists = {"layout": (self.k, self.classify, extent), "ax_net": ax_net, "ax_out": ax_out,
                         "ax_loss": ax_loss, "boundary": boundary, "points": points, "curves": curves, "hint": hint,
                         "overlay": overlay, "limits": limits, "data_version": self._data_version}
        self._draw_network()
        # Blitting (fastagg.Blitter): the still parts (axes, ticks, labels) kept as a bitmap, and on an
        # update only what changes (_dynamic) drawn over it; the network panel and the loss plot have
        # their still parts drawn again when the network or the loss range changes.
        self._blit = fastagg.Blitter(fig, self._dynamic, still_axes=(ax_net, ax_loss))

    def _dynamic(self) -> list:
        """The artists an update draws over the background, in this order: frame and points above
        the boundary, node maps (with their frames) above the weights."""
        a = self._artists
        ax_out, network = a["ax_out"], a["network"]
        return [a["boundary"], *ax_out.spines.values(), *a["points"], ax_out.title, network["lines"],
                network["maps"], *a["curves"], a["hint"], a["overlay"]]

    def png(self) -> bytes:
        """The figure as PNG bytes (what the widget shows): the kept background plus the changing
        artists (see _build_figure), encoded fast (plots.canvas_png: the image is rebuilt on every
        tick). The time a plain update took is kept for frame()'s budget."""
        start = time.perf_counter()
        fig = self.draw()
        self._blit.render()
        out = plots.canvas_png(fig)
        if not self._redrew:  # a frame's drawing, not a rebuild after a change of settings
            self._draw_seconds = time.perf_counter() - start
        return out

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
