"""An explorer that updates its figure in place (Explorer.refresh) must draw exactly what a fresh
explorer with the same settings draws, after any sequence of control moves."""
import io

import numpy as np
import pytest
from PIL import Image

from dlteach import widgets
from dlteach.widgets.base import Explorer

REFRESHING = [name for name in widgets.__all__
              if isinstance(getattr(widgets, name), type) and issubclass(getattr(widgets, name), Explorer)
              and getattr(widgets, name).refresh is not Explorer.refresh]


def pixels(png: bytes):
    return np.asarray(Image.open(io.BytesIO(png)))


def moves(cls):
    """Every control moved to both its ends (every choice of a menu), then back to its default: each move changes
    what the figure says (a number's digits, a label's length, an axis's range) from the picture before, which is
    what an update in place can get wrong. (Not the middle of each range as well: that was a third more fresh
    drawings, about 100 CPU-seconds of the pinned and lowest runs together, for values between two that pass.)"""
    for name, p in cls.PARAMS.items():
        if p.choices is not None:
            values = list(p.choices)
        else:
            values = [p.low, p.high]
        if p.choices is None and isinstance(p.default, int):
            values = [int(round(v)) for v in values]
        for v in [*values, p.default]:
            yield name, v


def test_some_explorers_refresh_in_place():
    assert REFRESHING, "no explorer overrides refresh(): this test would check nothing"


@pytest.mark.parametrize("name", REFRESHING)
def test_refreshed_figure_equals_a_fresh_one(name, monkeypatch):
    cls = getattr(widgets, name)
    refreshed = []
    original = cls.refresh

    def counting(self, fig):
        done = original(self, fig)
        refreshed.append(done)
        return done

    monkeypatch.setattr(cls, "refresh", counting)
    ex = cls()
    ex.png()
    fresh = {}  # a fresh explorer's picture per settings, drawn once: the defaults come back after every control
    for setting, value in moves(cls):
        try:
            ex.set(**{setting: value})
        except ValueError:
            continue  # a refused combination
        settings = repr(sorted(ex.cfg.items()))
        if settings not in fresh:
            fresh[settings] = pixels(cls(**ex.cfg).png())
        assert np.array_equal(pixels(ex.png()), fresh[settings]), (setting, value)
    assert sum(refreshed) >= len(cls.PARAMS), "refresh() never updated in place"
