"""Figures in Chinese (issue 27): with dt.set_language("zh_CN"), every text the package draws (titles, axis and
colour-bar labels, legend entries, ax.text notes and annotations, super-titles, tick labels) and every HTML note of an
explorer's widget is Chinese. A drawn text fails when it still holds an English word of 3 or more letters that
ALLOWED does not list (code names, maths, units): a message that lost its _() is found here.

Add an explorer with one line in EXPLORERS: its class name (dlteach.widgets) and the settings to draw it at
({} = its defaults); a second line with other settings draws the texts that only those settings show."""
from __future__ import annotations

import re

import numpy as np
import pytest

import dlteach as dt
from dlteach import plots
from dlteach import widgets as W

# (explorer class name, settings): drawn in Chinese, each at these settings.
EXPLORERS = (
    ("ActivationExplorer", {}),
    ("ActivationExplorer", {"activation": "relu", "z_range": 3.0}),
    ("AttentionExplorer", {}),
    ("AttentionExplorer", {"scaling": "off", "mask": "off", "positions": "off"}),
    ("BackpropExplorer", {}),
    ("BackpropExplorer", {"lam": 0.5}),
    ("ConvExplorer", {}),
    ("ConvExplorer", {"strides": 3, "padding": "valid", "move": 1, "kernel": "blur"}),
    ("DeepNetExplorer", {}),
    ("DeepNetExplorer", {"variant": "batch norm", "depth": 4, "epochs": 2}),
    ("DepthExplorer", {}),
    ("DepthExplorer", {"activation": "relu", "init": "zeros", "depth": 3}),
    ("GradientDescentExplorer", {}),
    ("GradientDescentExplorer", {"surface": "regression", "batch_size": 10, "learning_rate": 2.0}),
    ("GradientDescentExplorer", {"batch_size": 10}),
    ("OptimizerExplorer", {}),
    ("OptimizerExplorer", {"rates": "each fully tuned", "learning_rate": 1.0, "steps": 3}),
    ("OptimizerExplorer", {"learning_rate": 1.0}),
    ("DigitsExplorer", {}),
    ("DigitsExplorer", {"learning_rate": 0.3, "epochs": 3}),
    ("ExplainExplorer", {}),
    ("ExplainExplorer", {"image": 7, "target": 3}),
    ("LatentExplorer", {}),
    ("LatentExplorer", {"z1": 2.0, "beta": 0.0}),
    ("LossExplorer", {}),
    ("LossExplorer", {"axis": "logit z", "target": 0.0}),
    ("NeuronExplorer", {}),
    ("NeuronExplorer", {"gate": "XOR", "activation": "relu"}),
    ("OverfitExplorer", {}),
    ("OverfitExplorer", {"early_stopping": "on", "epochs": 300}),
    ("SequenceExplorer", {}),
    ("SequenceExplorer", {"clipping": "clipnorm 1", "cell": "SimpleRNN"}),
    ("SmallModelsExplorer", {}),
    ("SmallModelsExplorer", {"teacher": "same + unlabelled", "bits": 8}),
    ("Playground", {}),
    ("Playground", {"dataset": "spiral", "hidden": 3}),
    ("DigitDrawer", {}),
)

# Words that stay as they are in Chinese: code names (activations, initialisers, optimizers, Keras), maths.
ALLOWED = {
    "sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu", "linear", "softmax", "phi",    # activations
    "glorot_uniform", "he_normal", "bad_normal", "zeros",                                            # initialisers
    "sgd", "momentum", "nesterov", "rmsprop", "adam", "keras", "dense", "same", "valid",            # Keras names
    "max", "min", "mean_i", "sum_j", "else", "std", "exp", "l_min", "w_numpy", "w_keras", "sqrt", "d_k",  # maths
    "logit", "sigma", "beta", "mlp", "cnn", "lstm", "gru", "simplernn", "python", "dh_t",  # more names, maths
}
NAMES = {"AND", "XOR"}  # the logic gates, allowed in capitals only ("and" is English)
MATHS = re.compile(r"\$[^$]*\$")  # mathtext: $\partial L/\partial h_1$, $\mathdefault{10^{-3}}$
WORD = re.compile(r"[A-Za-z][A-Za-z_]*[A-Za-z]")  # an identifier with underscores counts as one word


def english_words(text: str) -> list[str]:
    """The words of 3+ letters in `text` (outside $...$ maths) that ALLOWED does not list."""
    return [w for w in WORD.findall(MATHS.sub(" ", text))
            if sum(c.isalpha() for c in w) >= 3 and w.lower() not in ALLOWED and w not in NAMES]


def figure_texts(fig) -> list[str]:
    """Every text a matplotlib figure draws: super-title, figure texts and legends, and per axes (colour bars
    included) its titles, axis labels, tick labels, texts and annotations, legend entries."""
    texts = [t.get_text() for t in fig.texts]
    texts += [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    for ax in fig.axes:
        texts += [ax.get_title(loc=loc) for loc in ("left", "center", "right")]
        texts += [ax.get_xlabel(), ax.get_ylabel()]
        texts += [t.get_text() for t in (*ax.get_xticklabels(), *ax.get_yticklabels())]
        texts += [t.get_text() for t in ax.texts if t.get_gid() != "data"]  # gid "data": generated text, not ours
        if ax.get_legend() is not None:
            texts += [t.get_text() for t in ax.get_legend().get_texts()]
    return [t for t in texts if t]


def widget_texts(widget) -> list[str]:
    """The values of every HTML, Label and HTMLMath widget under `widget` (its notes, readouts, status lines),
    with their tags and entities taken out."""
    found = []
    if type(widget).__name__ in ("HTML", "Label", "HTMLMath"):
        text = re.sub(r"<style>.*?</style>|<[^>]*>|&[a-z]+;|&#\d+;", " ", widget.value, flags=re.S)  # CSS: unread
        found.append(text)
    for child in getattr(widget, "children", ()):
        found += widget_texts(child)
    return found


def untranslated(texts) -> dict:
    return {text: words for text in texts if (words := english_words(text))}


@pytest.fixture
def chinese():
    """Chinese for the test, English again afterwards (whatever the test did)."""
    dt.set_language("zh_CN")
    try:
        yield
    finally:
        dt.set_language("en")


def test_the_check_finds_english_and_lets_code_and_maths_pass():
    assert english_words("validation accuracy 0.97") == ["validation", "accuracy"]
    assert english_words("验证准确率 0.97，relu，glorot_uniform，$\\partial L/\\partial h_1$，dL/dW，x1") == []
    from matplotlib.figure import Figure  # noqa: PLC0415

    fig = Figure()
    ax = fig.subplots()
    ax.plot([0, 1], label="训练")
    ax.legend()
    ax.set_title("第 3 轮")
    assert untranslated(figure_texts(fig)) == {}
    ax.set_xlabel("epoch")
    assert untranslated(figure_texts(fig)) == {"epoch": ["epoch"]}


def past_the_edge(fig) -> list:
    """(text, its box in px, the figure's size) of every title, axis label, text, legend and super-title of a drawn
    figure that runs past the figure's edge (cut off in the picture)."""
    renderer = fig.canvas.get_renderer()
    items = [*fig.texts, *fig.legends, *filter(None, (fig._suptitle, fig._supxlabel, fig._supylabel))]
    for ax in fig.axes:
        items += [ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label, *ax.texts]
        items += [ax.get_legend()] if ax.get_legend() is not None else []
    width, height = fig.bbox.width, fig.bbox.height
    cut = []
    for item in items:
        text = item.get_text() if hasattr(item, "get_text") else "(legend)"
        if item.get_visible() and text:
            box = item.get_window_extent(renderer)
            if box.x0 < -1 or box.y0 < -1 or box.x1 > width + 1 or box.y1 > height + 1:
                cut.append((text, [round(v) for v in box.extents], (round(width), round(height))))
    return cut


@pytest.mark.parametrize("name, settings", EXPLORERS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(EXPLORERS)])
def test_explorer_draws_only_chinese(chinese, name, settings):
    explorer = getattr(W, name)(**settings)
    explorer.png()  # drawn: the tick labels are set
    texts = figure_texts(explorer.figure)
    assert texts, "nothing drawn"
    assert untranslated(texts) == {}
    assert untranslated(widget_texts(explorer.widget())) == {}
    assert past_the_edge(explorer.figure) == []


@pytest.mark.parametrize("name, settings", EXPLORERS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(EXPLORERS)])
def test_explorer_in_english_keeps_its_text_inside_the_figure(name, settings):
    """The English words are longer than the Chinese: AttentionExplorer's 'no scaling, no mask, no positions:
    22.8% of the test answers right' on one line lost its last word past the figure's right edge."""
    explorer = getattr(W, name)(**settings)
    explorer.png()
    assert past_the_edge(explorer.figure) == []


def test_the_edge_check_sees_a_cut_title():
    from matplotlib.figure import Figure  # noqa: PLC0415

    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415

    fig = Figure(figsize=(3, 2))
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    ax.set_title("a title " * 12)
    fig.canvas.draw()
    assert [text for text, _, _ in past_the_edge(fig)] == ["a title " * 12]


def _plots_figures():
    """(name, figure) of every plots.* function the lessons call, and those the explorers build on."""
    from matplotlib.figure import Figure  # noqa: PLC0415

    from dlteach.core.autograd import neuron_graph  # noqa: PLC0415

    def axes():
        fig = Figure(figsize=(5, 4))
        return fig, fig.subplots()

    rng = np.random.default_rng(0)
    drawn = []
    fig, ax = axes()
    plots.decision_boundary(ax, rng.random(100), extent=3.0)
    plots.scatter_points(ax, rng.normal(size=(10, 2)), rng.integers(0, 2, 10))
    drawn.append(("decision_boundary", fig))
    fig, ax = axes()
    plots.class_map(ax, rng.integers(0, 3, 100))
    drawn.append(("class_map", fig))
    fig, ax = axes()
    plots.loss_curves(ax, [1.0, 0.5, 0.3], [1.1, 0.7, 0.6])
    drawn.append(("loss_curves", fig))
    fig, ax = axes()
    plots.loss_surface(ax, lambda W: (W ** 2).sum(axis=1), resolution=20)
    plots.path(ax, [[-1, 1], [-0.5, 0.4], [0, 0]])
    drawn.append(("loss_surface + path", fig))
    for name in ("sigmoid", "leaky_relu", "gelu"):
        fig, ax = axes()
        plots.activation_plot(ax, name)
        drawn.append((f"activation_plot {name}", fig))
    fig, ax = axes()
    plots.confusion_matrix(ax, [[5, 1], [2, 7]])
    drawn.append(("confusion_matrix", fig))
    fig = Figure()
    plots.image_grid(fig, rng.random((4, 64)), ncols=4)
    drawn.append(("image_grid", fig))
    fig, ax = axes()
    plots.network_diagram(ax, [rng.normal(size=(2, 3)), rng.normal(size=(3, 1))], [2, 3, 1], input_names=["x₁", "x₂"])
    drawn.append(("network_diagram", fig))
    fig, ax = axes()
    plots.computational_graph(ax, neuron_graph(1.0, -2.0, 0.5, -0.3, 0.1, 1.0, "tanh")[0])
    drawn.append(("computational_graph", fig))
    fig, ax = axes()
    plots.unrolled_rnn(ax, steps=4)
    drawn.append(("unrolled_rnn", fig))
    fig, ax = axes()
    plots.through_time(ax, [1.0, 0.5, 0.25])
    drawn.append(("through_time", fig))

    class History:
        history = {"loss": [1.0, 0.6], "val_loss": [1.1, 0.8]}
        epoch = [0, 1]

    live = plots.LiveLossPlot(display=lambda figure: None)
    live.redraw(History())
    drawn.append(("LiveLossPlot", live.figure))
    return drawn


def test_plots_draw_only_chinese(chinese):
    drawn = _plots_figures()
    for _name, fig in drawn:
        fig.canvas.draw()  # the tick labels are set
    found = {name: untranslated(figure_texts(fig)) for name, fig in drawn}
    assert {name: words for name, words in found.items() if words} == {}
