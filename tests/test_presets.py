"""The Playground's guided presets do what their sentences say: each is trained headless (no widget)
for its stated epochs over three seeds, beside its contrast (the one change that shows the other
side), and the stated outcome is checked on the mean with a margin, and where the sentence says
'every' on each seed."""
from functools import lru_cache

import numpy as np
import pytest

from dlteach.widgets import Playground
from dlteach.widgets.playground import PRESETS

SEEDS = (0, 1, 2)


@lru_cache(maxsize=None)
def outcomes(name: str, contrast: bool):
    """Per seed: (test accuracy, final train loss, final test loss, dead fraction, diverged)."""
    preset = PRESETS[name]
    rows = []
    for seed in SEEDS:
        pg = Playground().preset(name, seed=seed, **(preset.contrast if contrast else {}))
        assert pg.epoch == 0 and pg.cfg["seed"] == seed
        pg.step(preset.epochs)
        rows.append((pg.accuracy(), pg.history["train"][-1], pg.history["test"][-1], pg.dead_fraction(),
                     bool(pg.message)))
    return np.array(rows)


def test_a_spiral_needs_depth():
    deep, shallow = outcomes("a spiral needs depth", False), outcomes("a spiral needs depth", True)
    # measured (seeds 0-2): 3 layers 0.90, 0.98, 0.98 (mean 0.95); 1 layer 0.81, 0.75, 0.82 (mean 0.79)
    assert deep[:, 0].mean() >= 0.9 and shallow[:, 0].mean() <= 0.85
    assert deep[:, 0].mean() - shallow[:, 0].mean() >= 0.1, (deep[:, 0], shallow[:, 0])


def test_too_high_a_learning_rate():
    high, low = outcomes("too high a learning rate", False), outcomes("too high a learning rate", True)
    # measured: lr 3: 0.55, 0.50, 0.58 (mean 0.55); lr 0.03: 0.99, 1.00, 0.93 (mean 0.97)
    assert high[:, 0].mean() <= 0.7 and low[:, 0].mean() >= 0.9
    assert np.all(high[:, 1] > low[:, 1])  # a higher training loss on every seed: it overshoots


def test_features_make_it_linear():
    squares, plain = outcomes("features make it linear", False), outcomes("features make it linear", True)
    # measured: x1^2, x2^2: 1.00 on every seed; x1, x2: 0.44, 0.62, 0.62 (mean 0.56)
    assert np.all(squares[:, 0] >= 0.97) and plain[:, 0].mean() <= 0.7


def test_l2_tames_overfitting():
    l2, none = outcomes("L2 tames overfitting", False), outcomes("L2 tames overfitting", True)
    # measured: without L2 train loss 0.03, 0.00, 0.00 and test loss 1.20, 1.51, 1.53;
    # with L2 0.01 test loss 0.48, 0.39, 0.56
    assert none[:, 1].mean() < 0.05 and none[:, 2].mean() > 1.0  # overfits: train loss 0, test loss above 1
    assert l2[:, 2].mean() < 0.6 and np.all(l2[:, 2] < 0.7 * none[:, 2])  # tamed, on every seed


def test_relu_dies_at_high_rates():
    high, low = outcomes("ReLU dies at high rates", False), outcomes("ReLU dies at high rates", True)
    # measured: lr 3: 0.67, 0.67, 0.63 of the 24 hidden neurons dead; lr 0.03: 0.04, 0.04, 0.08
    assert high[:, 3].mean() >= 0.5 and low[:, 3].mean() <= 0.15
    assert high[:, 1].mean() > 0.5  # the loss stays high (0.69 is a coin toss)
    assert not high[:, 4].any()  # it is not divergence: the weights stay finite, the neurons just die


def test_a_preset_starts_fresh_keeps_the_backend_and_names_bad_names():
    pg = Playground(backend="keras", hidden=1)
    pg.step(2)
    pg.preset("too high a learning rate")
    assert pg.epoch == 0 and pg.cfg["backend"] == "keras" and pg.cfg["hidden"] == 2  # others back to DEFAULTS
    assert pg.cfg["learning_rate"] == 3.0 and pg.model.get_weights()[0].shape == (2, 4)
    with pytest.raises(ValueError, match="Unknown preset 'spiral'. Valid: 'a spiral needs depth'"):
        pg.preset("spiral")
    for preset in PRESETS.values():
        assert preset.watch.endswith(".") and len(preset.contrast) == 1


def test_a_presets_sentence_is_printed_in_the_chosen_language():
    import dlteach

    preset = PRESETS["features make it linear"]
    try:
        dlteach.set_language("zh_CN")
        assert preset.sentence != preset.watch and "x1²" in preset.sentence  # lesson 07 prints it
        assert not any(word in preset.sentence for word in ("hidden", "network", "accuracy"))
    finally:
        dlteach.set_language("en")
    assert preset.sentence == preset.watch


def test_choosing_a_preset_in_the_widget_sets_every_control_and_says_what_to_watch():
    pg = Playground()
    ui = pg.widget()
    ui.presets.value = "a spiral needs depth"
    assert pg.cfg["dataset"] == "spiral" and pg.sizes == [2, 8, 8, 8, 1] and pg.epoch == 0
    assert ui.controls["dataset"].value == "spiral" and ui.controls["hidden"].value == 3
    assert ui.controls["learning_rate"].value == pytest.approx(0.01)  # its grid passes through 0.01
    assert pg.cfg["learning_rate"] == 0.01  # showing the controls did not change the setting
    assert "Three hidden layers wind the boundary" in ui.watch.value and ui.message.value == ""
    ui.presets.value = "L2 tames overfitting"
    assert ui.controls["features"].value == tuple(pg.cfg["features"]) and ui.controls["reg_rate"].value == 0.01
    ui.controls["reg_rate"].value = 0.0  # the contrast, through the control
    assert pg.cfg["reg_rate"] == 0.0
