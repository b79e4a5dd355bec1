"""Lesson 06's fork: with the penalty lam a² the explorer's output a feeds two nodes, and its gradient is
the sum of the two paths; every gradient of the graph matches central differences at many settings, the
graph stays readable, and the plain neuron (lam = 0) is the graph it always was."""
import numpy as np
import pytest

import dlteach as dt
from dlteach.widgets import BackpropExplorer

OUTPUT_PX = 930  # a notebook output's width at 1366x768 with the file browser open (tests/test_lessons_06_08.py)
ACTIVATIONS = {"tanh": np.tanh, "sigmoid": lambda z: 1 / (1 + np.exp(-z)), "relu": lambda z: np.maximum(z, 0)}


def forked_loss(p, y, lam, activation):
    a = ACTIVATIONS[activation](p[0] * p[3] + p[1] * p[4] + p[2])
    return (a - y) ** 2 + lam * a**2


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_the_forked_graph_adds_the_two_paths_and_matches_central_differences(activation):
    rng = np.random.default_rng(6)
    for _ in range(10):
        x1, x2, w1, w2, b = (float(v) for v in rng.uniform(-2, 2, 5).round(1))
        y, lam = round(float(rng.uniform(-1, 1)), 1), float(rng.choice([0.05, 0.3, 1.0]))
        ex = BackpropExplorer(x1=x1, x2=x2, w1=w1, w2=w2, b=b, y=y, activation=activation, lam=lam)
        a = ex.nodes["a"]
        paths = ex.gradient_paths()
        assert paths["a-y"] == pytest.approx(2 * (a.data - y), abs=1e-14)
        assert paths["a²"] == pytest.approx(2 * lam * a.data, abs=1e-14)
        assert sum(paths.values()) == pytest.approx(a.grad, rel=1e-13, abs=1e-15)
        assert ex.L.data == pytest.approx((a.data - y) ** 2 + lam * a.data**2, rel=1e-14)
        p = np.array([w1, w2, b, x1, x2], dtype=float)
        if activation == "relu" and abs(p[0] * p[3] + p[1] * p[4] + p[2]) < 1e-3:
            continue  # the kink: no derivative to compare with
        numerical = dt.numerical_gradient(lambda: forked_loss(p, y, lam, activation), p)
        graph = np.array([ex.gradients()[k] for k in ("w1", "w2", "b", "x1", "x2")])
        assert np.allclose(graph, numerical, atol=1e-8), (activation, x1, x2, w1, w2, b, y, lam)


def test_without_the_penalty_the_graph_is_the_plain_neuron():
    plain = BackpropExplorer()
    assert set(plain.gradient_paths()) == {"a-y"} and "λ" not in plain.nodes
    assert plain.gradient_paths()["a-y"] == pytest.approx(plain.nodes["a"].grad)
    L, nodes = dt.neuron_graph(1.0, -2.0, 0.5, -0.3, 0.1, 1.0, "tanh")
    assert plain.L.data == L.data and plain.gradients() == {k: nodes[k].grad for k in ("w1", "w2", "b", "x1", "x2")}
    forked = BackpropExplorer(lam=0.5)
    assert len(forked.L.topo()) == len(plain.L.topo()) + 4  # lambda, a², lambda a², and the sum L
    users_of_a = [v for v in forked.L.topo() if any(c is forked.nodes["a"] for c in v._prev)]
    assert sorted(v.label for v in users_of_a) == ["a-y", "a²"]  # the fork


@pytest.mark.parametrize("settings", [dict(lam=0.5), dict(lam=1.0, x1=-2.5, x2=-2.9, w1=-2.7, w2=2.8, b=-3.0, y=-1.0),
                                      dict(lam=0.05, activation="relu", b=-3.0)])
def test_the_forked_graph_is_readable_its_boxes_hold_their_text_and_do_not_overlap(settings):
    ex = BackpropExplorer(**settings)
    fig = ex.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    texts = [t for t in ax.texts if t.get_text()]
    assert len(texts) == 3 * len(ex.L.topo())
    scale = min(1.0, OUTPUT_PX / (fig.get_figwidth() * fig.dpi))
    assert min(t.get_fontsize() for t in texts) * fig.dpi / 72 * scale >= 10
    boxes = [p.get_window_extent(renderer) for p in ax.patches]
    for text in texts:
        t = text.get_window_extent(renderer)
        assert any(b.x0 <= t.x0 and t.x1 <= b.x1 and b.y0 <= t.y0 and t.y1 <= b.y1 for b in boxes), text.get_text()
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b)
    title = ax.title.get_window_extent(renderer)
    assert 0 <= title.x0 and title.x1 <= fig.bbox.x1  # the longer title (with "+ lam a²") fits


@pytest.mark.parametrize("x1,w1", [(1.0, 0.5), (0.7, 0.3), (1.5, 0.2)])
def test_try_this_4_the_two_paths_have_opposite_signs_while_a_is_between_0_and_y(x1, w1):
    """Item 4 of the lesson: with 0 < a < y the error's path is negative and the penalty's positive; a small
    lambda keeps dL/dw1's sign, and a lambda past (y - a) / a flips it."""
    base = BackpropExplorer(x1=x1, w1=w1, y=1.0)
    a = base.nodes["a"].data
    assert 0 < a < 1
    flip = (1 - a) / a  # 2(a - y) + 2 lam a = 0
    small, large = BackpropExplorer(x1=x1, w1=w1, y=1.0, lam=round(flip / 3, 2)), BackpropExplorer(
        x1=x1, w1=w1, y=1.0, lam=min(1.0, round(flip * 1.5 + 0.05, 2)))
    for ex in (small, large):
        paths = ex.gradient_paths()
        assert paths["a-y"] < 0 < paths["a²"]
    if flip * 1.5 + 0.05 <= 1.0:
        assert np.sign(small.gradients()["w1"]) == np.sign(base.gradients()["w1"]) != np.sign(large.gradients()["w1"])


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("lam", [0.0, 0.5])
def test_try_this_1_to_3_hold_at_other_settings(activation, lam):
    rng = np.random.default_rng(11)
    for _ in range(5):
        x2, w1, w2, b = (float(v) for v in rng.uniform(-2, 2, 4).round(1))
        # 1. x1 = 0: dL/dw1 is exactly 0
        assert BackpropExplorer(x1=0.0, x2=x2, w1=w1, w2=w2, b=b, activation=activation, lam=lam).gradients()["w1"] == 0
        # 2. swapping x1 and w1 swaps their gradients
        x1 = round(float(rng.uniform(-2, 2)), 1)
        g = BackpropExplorer(x1=x1, x2=x2, w1=w1, w2=w2, b=b, activation=activation, lam=lam).gradients()
        swapped = BackpropExplorer(x1=w1, x2=x2, w1=x1, w2=w2, b=b, activation=activation, lam=lam).gradients()
        assert swapped["w1"] == pytest.approx(g["x1"], abs=1e-14) and swapped["x1"] == pytest.approx(g["w1"], abs=1e-14)
    # 3. an inactive ReLU (z < 0) passes nothing back, whatever the loss
    for b in (-3.0, -1.5):
        dead = BackpropExplorer(activation="relu", b=b, lam=lam)
        assert dead.nodes["z"].data < 0 and all(v == 0 for v in dead.gradients().values())
