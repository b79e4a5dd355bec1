"""Lesson 06 explorer: the computational graph of one neuron and its squared error,
    z = w1 x1 + w2 x2 + b,   a = f(z),   L = (a - y)^2   (+ lam a^2 when lam > 0),
with every node's value and gradient dL/dnode from the scalar autograd Value. With the penalty
lam a^2 the output a is used twice (by a - y and by a^2): its gradient is the sum of both paths'."""
from __future__ import annotations

from .. import plots
from ..core.autograd import Value, neuron_graph
from ..i18n import gettext_ as _
from .base import Explorer, Param
from .inplace import text_size_layout_key


class BackpropExplorer(Explorer):
    """Lesson 06: the computational graph of L = (f(w1 x1 + w2 x2 + b) - y)^2 (+ lam a^2, a penalty on
    the output as Keras's activity_regularizer=L2(lam) adds: then a feeds two nodes, a fork) with every
    node's value and gradient dL/dnode; gradients() returns the ones of the inputs and weights,
    gradient_paths() what reaches a along each of its uses."""

    PARAMS = {
        "x1": Param(1.0, -3.0, 3.0, step=0.1), "x2": Param(-2.0, -3.0, 3.0, step=0.1),
        "w1": Param(0.5, -3.0, 3.0, step=0.1), "w2": Param(-0.3, -3.0, 3.0, step=0.1),
        "b": Param(0.1, -3.0, 3.0, step=0.1), "y": Param(1.0, -1.0, 1.0, step=0.1, label="target y"),
        "activation": Param("tanh", choices=("tanh", "sigmoid", "relu")),
        "lam": Param(0.0, 0.0, 1.0, step=0.05, label="penalty λ (+ λa²)"),
    }
    FIGSIZE = (11, 5.4)  # 990 x 486 px: node text of 11.5 pt (14 px) stays >= 10 px scaled to a 1366x768 screen
    LAYOUT_CACHE = True  # the layout of an earlier drawing with the same texts and limits is replayed

    def update(self):
        c = self.cfg
        L, nodes = neuron_graph(c["x1"], c["x2"], c["w1"], c["w2"], c["b"], c["y"], c["activation"])
        if c["lam"] > 0:  # L = (a - y)² + lam a²: the output a is used twice
            square = nodes["(a-y)²"] = nodes.pop("L")
            square.label = "(a-y)²"
            nodes["a²"] = nodes["a"] ** 2
            nodes["a²"].label = "a²"
            nodes["λ"] = Value(c["lam"], label="λ")
            nodes["λa²"] = nodes["λ"] * nodes["a²"]
            nodes["λa²"].label = "λa²"
            L = nodes["L"] = square + nodes["λa²"]
            L.label = "L"
            L.backward()
        self.L, self.nodes = L, nodes

    def gradients(self) -> dict:
        """dL/dw1, dL/dw2, dL/db, dL/dx1, dL/dx2 from the graph."""
        return {k: self.nodes[k].grad for k in ("w1", "w2", "b", "x1", "x2")}

    def gradient_paths(self) -> dict:
        """What reaches a = f(z) along each node that uses it, d(user)/da * dL/d(user): {'a-y': ...} and,
        with the penalty (lam > 0), 'a²': ... too. Their sum is dL/da (the gradient stored at a)."""
        n = self.nodes
        paths = {"a-y": 1.0 * n["a-y"].grad}  # a - y: d/da = 1
        if "a²" in n:
            paths["a²"] = 2 * n["a"].data * n["a²"].grad  # a²: d/da = 2a
        return paths

    def _title(self):
        lam = self.cfg["lam"]
        penalty = f" + {lam:g} a²" if lam > 0 else ""
        return _("{loss}; red: dL/d(node) by the chain rule, from right to left").format(
            loss=f"L = ({self.cfg['activation']}(w1 x1 + w2 x2 + b) - y)²{penalty} = {self.L.data:.4f}")

    def draw_on(self, fig):
        ax = fig.subplots()
        self._texts = []
        # the penalty adds a column (9 instead of 8) in the same width: the text shrinks with the boxes
        fontsize = 11.5 if self.cfg["lam"] == 0 else 10.2
        plots.computational_graph(ax, self.L, fontsize=fontsize, box=(2.05, 1.0), spacing=(2.4, 1.22), texts=self._texts)
        for text in ax.texts:  # every text and arrow sits inside the axes: the layout need not measure them
            text.set_in_layout(False)
        ax.set_title(self._title(), fontsize=12, y=1.0)  # y: where matplotlib puts it, without measuring

    def refresh(self, fig):
        """New numbers (and the activation's name) in the same graph: the boxes and arrows stay."""
        order = self.L.topo()
        if len(order) != len(self._texts):
            return False
        for v, node in zip(order, self._texts):
            for text, line in zip(node, plots.graph_node_texts(v)):
                text.set_text(line)
        fig.axes[0].set_title(self._title(), fontsize=12, y=1.0)
        return True

    def layout_cache_key(self, fig):
        return text_size_layout_key(fig)  # only the title's height counts: one layout for every setting
