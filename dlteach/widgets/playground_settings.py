"""The Playground's settings and presets: the menus' choices, the ranges, the frame time and the
guided experiments. Plain data, shared by the Playground (playground.py) and its controls
(playground_ui.py), so that neither of those imports the other at import time."""
from __future__ import annotations

from dataclasses import dataclass

from .. import data
from ..i18n import N_, gettext_

ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear", "leaky_relu")
OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam")
LOSSES = ("cross-entropy", "mse")
REGULARIZATIONS = ("none", "L1", "L2")
BACKENDS = ("numpy", "keras")
REG_RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
LIMITS = {"hidden": (0, 6), "neurons": (1, 8), "batch_size": (1, 30), "learning_rate": (1e-5, 10.0),
          "train_ratio": (0.1, 0.9), "noise": (0.0, 0.5)}
EXTENT = 6.0
OWN = "your data"  # the dataset name of points loaded with data=(X, y), load_data or load_csv
# An animation frame (frame(): whole epochs of training, then the PNG) should take at most FRAME_TIME
# seconds, under the 0.1 s that still feels immediate: training gets what the last PNG left over.
FRAME_TIME = 0.085
# The figure: 880 x 368 px, drawn at its natural size under the controls (one 1366x768 screen holds both)
FIGURE_INCHES, FIGURE_DPI = (11, 4.6), 80

@dataclass(frozen=True)
class Preset:
    """A known experiment: `settings` (the rest as in Playground.DEFAULTS), trained for `epochs`;
    `watch` is one sentence on what to look at; `contrast` is the one change that shows the other
    side. tests/test_presets.py checks each sentence's outcome over several seeds. Name and sentence are
    shown as _(name), _(watch): the name stays the menu's value; `sentence` is _(watch)."""

    settings: dict
    epochs: int
    watch: str
    contrast: dict

    @property
    def sentence(self) -> str:
        """The sentence on what to watch, in the chosen language (dt.set_language)."""
        return gettext_(self.watch)


PRESETS = {
    N_("a spiral needs depth"): Preset(
        dict(dataset="spiral", hidden=3, neurons=8, optimizer="adam", learning_rate=0.01), 300,
        N_("Three hidden layers wind the boundary along the spiral's arms (test accuracy about 95 % after 300 "
           "epochs); set hidden layers to 1 and the same training stays near 80 %."),
        dict(hidden=1)),
    N_("too high a learning rate"): Preset(
        dict(dataset="circle", learning_rate=3.0), 50,
        N_("The loss curve jumps instead of falling: steps of size 3 overshoot and the boundary stays wrong "
           "(near 55 % test accuracy after 50 epochs); at 0.03 the same network finds the circle (over 90 %)."),
        dict(learning_rate=0.03)),
    N_("features make it linear"): Preset(
        dict(dataset="circle", hidden=0, features=("x1^2", "x2^2")), 50,
        N_("No hidden layer, only a weighted sum: given x1² and x2² the circle is a straight cut and is "
           "learned (100 % test accuracy); given x1 and x2 the same network cannot (near 55 %)."),
        dict(features=("x1", "x2"))),
    N_("L2 tames overfitting"): Preset(
        dict(dataset="gauss", noise=0.5, train_ratio=0.1, hidden=3, neurons=8, features=tuple(data.FEATURES),
             optimizer="adam", learning_rate=0.03, regularization="L2", reg_rate=0.01), 300,
        N_("50 noisy points and a flexible network: with L2 0.01 the boundary stays smooth and the test loss "
           "near 0.5; set the reg. rate to 0 and the training loss falls to 0 while the test loss climbs above 1."),
        dict(reg_rate=0.0)),
    N_("ReLU dies at high rates"): Preset(
        dict(dataset="circle", activation="relu", hidden=3, neurons=8, learning_rate=3.0), 50,
        N_("Watch the neuron maps go flat: at learning rate 3 about two thirds of the ReLU neurons output 0 "
           "for every point, get no gradient and never recover, and the loss stays high; at 0.03 nearly all "
           "stay alive."),
        dict(learning_rate=0.03)),
}
