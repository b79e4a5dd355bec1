"""Composing layers: an activation as a layer of its own, and residual blocks (a layer holding layers).

Residual block (He et al. 2016): the input skips past the block's layers F and is added back,
    out = x + F(x),        F(x) = layer_k(... layer_1(x))
so a network is no longer a plain chain: x takes two paths that meet again at the +.
Backward: out depends on x along both paths, and the gradients of the two paths add up at the fork:
    dL/dx = g + (dF/dx)^T g          with g = dL/dout
where (dF/dx)^T g is what backpropagating g through layer_k, ..., layer_1 returns. Even when F's
gradient is tiny (a deep stack, saturated units), dL/dx keeps the g of the skip path.
F must keep the shape of x; a network changes its width with a Dense between blocks.
"""
from __future__ import annotations

import numpy as np

from .activations import get_activation
from .layers import Dense, Layer, _check_name


def unique_names(layers) -> list[str]:
    """The layers' names, made unique by appending the position to names that repeat."""
    names = [getattr(layer, "name", "layer") for layer in layers]
    return [f"{n}_{i}" if names.count(n) > 1 else n for i, n in enumerate(names)]


def _renamed(entries, layer, name):
    """(name, value[, grad]) entries of `layer` with the layer's own name at the front of each
    replaced by `name`: "dense/W" -> "dense_1/W", and a block's "residual/dense/W" -> "residual_2/dense/W"."""
    own = f"{getattr(layer, 'name', '')}/"
    return [(f"{name}/{p[len(own):] if p.startswith(own) else p.rsplit('/', 1)[-1]}", *rest) for p, *rest in entries]


class ActivationLayer(Layer):
    """a = f(x) as a layer of its own, Keras's keras.layers.Activation (dlteach.Activation is the
    function it applies): for an activation after a BatchNormalization, Dense -> BN -> relu.
    activation: a name ('relu', 'tanh', ...). Backward: dL/dx = dL/da * f'(x).
    The output activation of a model belongs in its last Dense (Dense(8, 1, 'sigmoid')), where the
    loss can use the logits as Keras's does."""

    trainable = False

    def __init__(self, activation, name: str = "activation"):
        self.act = get_activation(activation)
        self.name = _check_name(name)

    def forward(self, x, training: bool = False):
        self.x = np.asarray(x, dtype=np.float64)
        self.a = self.act.forward(self.x)
        return self.a

    def backward(self, grad_a):
        return self.act.backward(self.x, self.a, grad_a)

    def __repr__(self):
        return f"ActivationLayer({self.act.name!r})"


class Residual(Layer):
    """out = x + F(x): a block of layers whose input is added to its output; one layer of a
    Sequential (Keras writes it with the functional API and keras.layers.Add).

    layers  the layers of F, applied in turn (Dense, BatchNormalization, ActivationLayer, Conv2D, ...);
            F must keep the shape of x (change the width with a Dense between blocks)
    Its parameters are its layers', named "<block>/<layer>/<parameter>", in order; setting
    `trainable` freezes or unfreezes every layer inside, as in Keras.
    """

    def __init__(self, layers, name: str = "residual"):
        if isinstance(layers, Layer) or not isinstance(layers, (list, tuple)) or not layers:
            raise TypeError(f"Residual takes a non-empty list of layers, e.g. [Dense(8, 8, 'relu'), Dense(8, 8)], "
                            f"got {layers!r}.")
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(f"layer {i} of Residual is {layer!r}, not a Layer (Dense, BatchNormalization, ...).")
        self.name = _check_name(name)
        self.layers = list(layers)
        self.layer_names = unique_names(self.layers)
        self._trainable = True
        dense = [layer for layer in self.layers if isinstance(layer, Dense)]
        self.n_in = self.n_out = dense[0].n_in if dense else None  # the width, known when F has Dense layers
        if dense and dense[-1].n_out != dense[0].n_in:  # refuse x + F(x) of different widths now, by name
            raise ValueError(f"{self.name}: F maps {dense[0].n_in} features to {dense[-1].n_out}, but x + F(x) needs "
                             f"the same width; make its last Dense output {dense[0].n_in}, or change the width "
                             "with a Dense between blocks.")

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = value
        for layer in self.layers:  # as in Keras: freezing a block freezes every layer in it
            layer.trainable = value

    def _collect(self, method):
        """layer.<method>() of every layer of the block, named "<block>/<layer>/<parameter>"."""
        return [(f"{self.name}/{n}", *rest) for name, layer in zip(self.layer_names, self.layers)
                for n, *rest in _renamed(getattr(layer, method)(), layer, name)]

    def params(self):
        return self._collect("params")

    def trainable_params(self):
        return self._collect("trainable_params") if self.trainable else []

    def weights(self):
        return self._collect("weights")

    def penalty(self) -> float:
        return sum(layer.penalty() for layer in self.layers)

    def forward(self, x, training: bool = False):
        x = np.asarray(x, dtype=np.float64)
        h = x
        for layer in self.layers:
            h = layer.forward(h, training=training)
        if h.shape != x.shape:
            raise ValueError(f"{self.name}: F(x) has shape {h.shape} but x has {x.shape}; x + F(x) needs the same "
                             "shape (F's layers must keep the width and size of x).")
        return x + h

    def backward(self, grad_a):
        """dL/dx = g (the skip path) + F's backward of g (the block's layers): the two add at the fork."""
        g = grad_a
        for layer in reversed(self.layers):
            g = layer.backward(g)
        return grad_a + g

    def __repr__(self):
        return "Residual([" + ", ".join(repr(layer) for layer in self.layers) + "])"
