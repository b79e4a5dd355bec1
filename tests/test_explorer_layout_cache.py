"""A replayed constrained layout (Explorer.LAYOUT_CACHE) must draw exactly what a fresh figure draws."""
import io

import numpy as np
import pytest
from PIL import Image

from dlteach import widgets
from dlteach.widgets.base import CachedConstrainedLayout

# name -> moves (setting, value); each is made, undone and made again, so the layout is replayed
MOVES = {
    "NeuronExplorer": [("w1", -2.0), ("b", 0.5), ("activation", "tanh"), ("gate", "XOR"), ("w2", 4.0)],
    "ActivationExplorer": None,
    "LossExplorer": [("prediction", 0.6), ("axis", "logit z"), ("target", 0.0)],
    "DepthExplorer": [("depth", 3), ("activation", "relu"), ("seed", 2)],
    # titles and axis labels counted by their lines (TrainingExplorer.draw): other numbers replay the layout
    "DigitsExplorer": [("hidden", 32), ("learning_rate", 0.3), ("epochs", 12)],
    "OverfitExplorer": [("hidden", 32), ("early_stopping", "on"), ("n_train", 200)],
    "SmallModelsExplorer": [("temperature", 10.0), ("sparsity", 0.5), ("bits", 8), ("fraction", 0.5),
                            ("teacher", "same + unlabelled"), ("teacher", "all labels")],
}


def pixels(png: bytes):
    return np.asarray(Image.open(io.BytesIO(png)))


@pytest.mark.parametrize("name", list(MOVES))
def test_replayed_layout_equals_fresh_drawing(name):
    cls = getattr(widgets, name)
    assert cls.LAYOUT_CACHE
    ex = cls()
    ex.png()
    engine = ex.figure.get_layout_engine()
    assert isinstance(engine, CachedConstrainedLayout)
    moves = MOVES[name] or [(k, p.choices[-1] if p.choices else p.high) for k, p in cls.PARAMS.items()]
    replayed = 0
    fresh = {}  # the plain drawing per settings, made once: a move's third state is its first, its second the last
    for setting, value in moves:
        for v in (value, cls.PARAMS[setting].default, value):
            ex.set(**{setting: v})
            ex.draw()
            replayed += engine.key in engine.cache
            settings = repr(sorted(ex.cfg.items()))
            if settings not in fresh:
                plain = cls(**ex.cfg)
                plain.LAYOUT_CACHE = False  # a plain constrained layout, computed from scratch
                fresh[settings] = pixels(plain.png())
            assert np.array_equal(pixels(ex.png()), fresh[settings]), (setting, v)
    assert replayed >= len(moves)  # the cache was used, not only filled


def test_a_changed_limit_is_a_new_layout():
    ex = widgets.NeuronExplorer()
    ex.png()
    key = ex.figure.get_layout_engine().key
    ex.set(activation="relu")  # the colour bar's range: other tick labels
    ex.draw()
    assert ex.figure.get_layout_engine().key != key


def test_a_text_of_another_height_or_width_is_a_new_layout():
    """text_size_layout_key keeps what the layout reads of a text: a title's lines, a y label's width."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from dlteach.widgets.inplace import text_size_layout_key

    def key(title, ylabel):
        fig = Figure(figsize=(4, 3), layout=CachedConstrainedLayout())
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        ax.set_title(title)
        ax.set_ylabel(ylabel)
        return text_size_layout_key(fig)

    assert key("L = 0.81", "loss") == key("L = 0.3600 + 0.0001", "loss")  # by height only
    assert key("L = 0.81", "loss") != key("L = 0.81\nsecond line", "loss")
    assert key("L = 0.81", "loss") != key("L = 0.81", "loss\nsecond line")


@pytest.mark.parametrize("name, setting, values", [("LossExplorer", "prediction", (0.3, 0.6, 0.45, 0.999)),
                                                   ("NeuronExplorer", "w2", (0.5, 1.5, 2.0))])
def test_a_new_number_in_a_title_replays_the_layout(name, setting, values):
    """Texts enter the layout key by what the layout reads of them (widgets/inplace.text_size_layout_key):
    a slider whose value is written in a title replays the layout, and the drawing equals a fresh one."""
    cls = getattr(widgets, name)
    ex = cls(**{setting: values[0]})
    ex.png()
    engine = ex.figure.get_layout_engine()
    for v in values[1:]:
        ex.set(**{setting: v})
        ex.draw()
        assert engine.key in engine.cache, v
        fresh = cls(**ex.cfg)
        fresh.LAYOUT_CACHE = False
        assert np.array_equal(pixels(ex.png()), pixels(fresh.png())), v


@pytest.mark.parametrize("name, moves", [
    ("BackpropExplorer", [("w1", -2.0), ("activation", "relu"), ("x1", 2.5)]),
    ("ConvExplorer", [("strides", 2), ("padding", "valid"), ("kernel", "blur"), ("centre", 3.0)]),
    ("ExplainExplorer", [("image", 7), ("target", 3), ("patch", 3)]),
])
def test_replayed_layout_keyed_by_text_sizes_equals_fresh_drawing(name, moves, monkeypatch):
    """The explorers whose layout is keyed by text_size_layout_key, as above."""
    monkeypatch.setitem(MOVES, name, moves)
    test_replayed_layout_equals_fresh_drawing(name)


def test_a_colour_bar_counted_by_its_tick_labels_replays_an_equal_layout():
    """NeuronExplorer's colour bar enters the layout key by its tick labels, not its range (tanh: the
    range follows the weights): moves with the same labels replay the layout and draw a fresh figure."""
    ex = widgets.NeuronExplorer(activation="tanh", w1=-1.0)
    ex.png()
    engine = ex.figure.get_layout_engine()
    replayed = 0
    for w1 in (-0.6, -0.2, 0.2, 0.6, 1.4, 2.2):
        ex.set(w1=w1)
        ex.draw()
        replayed += engine.key in engine.cache
        fresh = widgets.NeuronExplorer(**ex.cfg)
        fresh.LAYOUT_CACHE = False
        assert np.array_equal(pixels(ex.png()), pixels(fresh.png())), w1
    assert replayed >= 3
