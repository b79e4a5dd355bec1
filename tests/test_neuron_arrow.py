"""Lesson 01's explorer draws the vector w: perpendicular to the decision line, towards the side where z > 0."""
import numpy as np
import pytest

from dlteach.widgets import NeuronExplorer


@pytest.mark.parametrize("w1, w2, b", [(1, 1, -1.5), (3, -1, -0.5), (-2, 0.5, 0.3), (0.0, 2.0, -1.0), (1.5, 0, -0.7)])
def test_the_arrow_is_w_from_the_line(w1, w2, b):
    ex = NeuronExplorer(w1=w1, w2=w2, b=b)
    ex.png()
    arrow = ex._artists["arrow"]
    base, tip = np.array(arrow.xyann), np.array(arrow.xy)
    w = np.array([w1, w2], dtype=float)
    assert arrow.get_visible() and ex._artists["w_label"].get_visible()
    assert abs(w @ base + b) < 1e-9                       # the arrow starts on the line z = 0
    direction = (tip - base) / np.linalg.norm(tip - base)
    assert np.allclose(direction, w / np.linalg.norm(w))  # along w: perpendicular to the line, towards z > 0
    assert w @ tip + b > 0


def test_no_arrow_without_a_line_in_view():
    ex = NeuronExplorer(w1=0.0, w2=0.0, b=1.0)
    ex.png()
    assert not ex._artists["arrow"].get_visible()
    ex.set(w1=1.0, w2=1.0, b=5.0)  # the line z = 0 is far outside the plane shown
    ex.png()
    assert not ex._artists["arrow"].get_visible()
    ex.set(b=-1.5)
    ex.png()
    assert ex._artists["arrow"].get_visible()
