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
    for setting, value in moves:
        for v in (value, cls.PARAMS[setting].default, value):
            ex.set(**{setting: v})
            ex.draw()
            replayed += engine.key in engine.cache
            fresh = cls(**ex.cfg)
            fresh.LAYOUT_CACHE = False  # a plain constrained layout, computed from scratch
            assert np.array_equal(pixels(ex.png()), pixels(fresh.png())), (setting, v)
    assert replayed >= len(moves)  # the cache was used, not only filled


def test_a_changed_text_is_a_new_layout():
    ex = widgets.NeuronExplorer()
    ex.png()
    key = ex.figure.get_layout_engine().key
    ex.set(gate="OR")
    ex.draw()
    assert ex.figure.get_layout_engine().key != key
