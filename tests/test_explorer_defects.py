"""Figures of lessons 01, 12 and 13's explorers as a projector shows them (issue 28's review): no label
runs into another, every colour bar says what its colours mean, no line crosses a number."""
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from dlteach.widgets import ExplainExplorer, NeuronExplorer
from dlteach.widgets.small import VALUE_ROOM, _place_values


def _drawn(ex):
    fig = ex.draw()
    fig.canvas.draw()
    return fig, fig.canvas.get_renderer()


def _colour_bars(fig):
    return [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]


def _gap_to_next_label(fig, renderer, bar):
    """Pixels from a colour bar's label to the y label of the nearest panel on its right, in its row."""
    right = [ax for ax in fig.axes if ax not in _colour_bars(fig) and ax.yaxis.label.get_text()
             and ax.get_window_extent(renderer).x0 > bar.get_window_extent(renderer).x1
             and abs(ax.get_window_extent(renderer).y0 - bar.get_window_extent(renderer).y0) < 60]
    if not right:
        return None
    nearest = min(right, key=lambda ax: ax.get_window_extent(renderer).x0)
    return nearest.yaxis.label.get_window_extent(renderer).x0 - bar.yaxis.label.get_window_extent(renderer).x1


@pytest.mark.parametrize("ex", [NeuronExplorer(), NeuronExplorer(activation="tanh", w1=-3.0), ExplainExplorer(),
                                ExplainExplorer(image=7, target=3)], ids=lambda e: type(e).__name__)
def test_a_colour_bars_label_keeps_clear_of_the_next_panels_label(ex):
    """Lesson 01's 'neuron output a' stood 7 px from 'a = f(z)' (read as one label); lesson 12's bars 8 px."""
    fig, renderer = _drawn(ex)
    gaps = [g for g in (_gap_to_next_label(fig, renderer, bar) for bar in _colour_bars(fig)) if g is not None]
    assert gaps and min(gaps) >= 20, gaps


@pytest.mark.parametrize("settings", [{}, {"image": 7, "target": 3, "patch": 3}])
def test_every_explanation_map_has_a_labelled_colour_bar_centred_at_0(settings):
    """Saliency, occlusion and the three weight maps: each a diverging map with limits symmetric about 0 and
    a colour bar whose label says what the colours measure."""
    fig, _ = _drawn(ExplainExplorer(**settings))
    maps = [im for ax in fig.axes if ax.get_label() != "<colorbar>" for im in ax.images if im.get_cmap().name != "gray_r"]
    assert len(maps) == 5
    for im in maps:
        low, high = im.get_clim()
        assert low == -high and high > 0
        bar = im.colorbar
        assert bar is not None and bar.ax.yaxis.label.get_text(), "a colour bar without a label"
        assert bar.ax.yaxis.label.get_fontsize() >= 9


@pytest.mark.parametrize("heights,line", [((0.858, 0.881), 0.886), ((0.9, 0.95), 0.9), ((0.5, 0.7), 0.98),
                                          ((0.05, 0.02), 0.1), ((0.7, 0.64), 0.69), ((0.8, 0.8), np.nan),
                                          ((1.0, 0.99), 1.0)])
def test_the_teacher_line_crosses_no_value(heights, line):
    """Each bar's value is written where the dashed teacher line does not run through it (the review: the
    line crossed '0.881' under a teacher at 0.886), and next to its bar."""
    fig = Figure(figsize=(11, 3.5), dpi=90, layout="constrained")
    FigureCanvasAgg(fig)
    ax_d = fig.subplots(1, 3)[0]
    bars = ax_d.bar([0, 1], heights)
    ax_d.bar_label(bars, labels=[f"{h:.3f}" for h in heights], fontsize=10)
    ax_d.axhline(line, ls="--")
    ax_d.set_ylim(0, 1.05)
    _place_values(ax_d, [0.0, 1.0], heights, line)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    y_line = ax_d.transData.transform((0, line))[1] if np.isfinite(line) else None
    for text, height in zip(ax_d.texts, heights):
        box = text.get_window_extent(renderer)
        if y_line is not None:
            assert not box.y0 - 1 <= y_line <= box.y1 + 1, (text.get_text(), heights, line)
        top = ax_d.transData.transform((0, height))[1]
        assert min(abs(box.y0 - top), abs(box.y1 - top), abs(box.y0 - (y_line or top))) < 8  # beside its bar or the line
    # the room a value takes, as the constant says (10 pt and its offset over this panel)
    one = ax_d.transData.inverted().transform((0, 1))[1] - ax_d.transData.inverted().transform((0, 0))[1]
    assert box.height * one < VALUE_ROOM


def test_the_default_small_models_figure_writes_its_values_clear_of_the_teacher():
    from dlteach.widgets import SmallModelsExplorer

    ex = SmallModelsExplorer()
    fig, renderer = _drawn(ex)
    ax = fig.axes[0]
    y_line = ax.transData.transform((0, ex.teacher_accuracy))[1]
    for text in ax.texts:
        box = text.get_window_extent(renderer)
        assert text.get_text() and not box.y0 - 1 <= y_line <= box.y1 + 1, text.get_text()


@pytest.mark.parametrize("settings", [dict(variant="both", depth=4, epochs=1), dict(depth=2, epochs=1)])
def test_lesson_14s_gradient_norms_axis_spans_at_least_4_decades(settings):
    """As lesson 08's: whole decades, at least 4, holding every norm drawn (the largest in the top decade)."""
    from dlteach.widgets import DeepNetExplorer

    ex = DeepNetExplorer(**settings)
    ax = ex.draw().axes[0]
    low, high = np.log10(ax.get_ylim())
    values = np.r_[ex.norms_init, ex.norms]
    values = values[np.isfinite(values) & (values > 0)]
    assert np.isclose(low, round(low)) and np.isclose(high, round(high)) and high - low >= 4 - 1e-9
    assert 10**low <= values.min() and values.max() <= 10**high and values.max() > 10 ** (high - 1)
