"""Sequential networks: a stack of layers, a loss, and backpropagation through all of them.

forward:   a_0 = X,  a_l = f_l(a_{l-1} @ W_l + b_l)
loss:      L = loss(y, a_L) + sum_l penalty(W_l)
backward:  start from dL/da_L and hand each layer's dL/dx to the layer before it.
"""
from __future__ import annotations

import numpy as np

from ..i18n import gettext_ as _
from ._checks import as_float_array, as_generator, check_fraction
from .layers import Dense, Dropout, Layer
from .losses import get_loss, logits_twin
from .residual import Residual, _renamed, unique_names


PROBABILITY_OUTPUTS = {"binary_crossentropy": "sigmoid", "categorical_crossentropy": "softmax"}


def check_pairing(layers, loss) -> None:
    """Refuse, at build time, an output activation + loss pair that would silently differ from
    Keras or make no sense; every pair that passes equals Keras's loss and gradients.

    Keras's losses look behind a sigmoid or softmax output and use its logits, so the pairs that
    would mean something else in Keras (softmax + binary cross-entropy, sigmoid + categorical,
    sigmoid/softmax + a from-logits loss) are refused here with the usual fix.
    """
    with_act = [layer for layer in layers if hasattr(layer, "act")]
    if not with_act:
        return
    out = with_act[-1]  # the last layer with an activation makes the output; Dropout/Flatten pass it on
    act = out.act.name
    kind = loss.name.replace("_from_logits", "")
    pair = f"output activation {act!r} with loss {loss.name!r}"
    if not hasattr(out, "W"):  # an ActivationLayer: Keras's cross-entropy would look behind it for logits
        if act in PROBABILITY_OUTPUTS.values() and kind != "mse":
            raise ValueError(f"Refused: {pair} in an ActivationLayer. Put the output activation in the last Dense "
                             f"(Dense(..., activation={act!r})), whose logits the loss uses as Keras's does.")
        return
    units = out.W.shape[-1]
    if act == "softmax" and units == 1:
        raise ValueError(f"A softmax over 1 unit always outputs 1, so the loss cannot change ({pair}). For one "
                         "yes/no output use output_activation='sigmoid' with loss='binary_crossentropy'.")
    if kind == "categorical_crossentropy" and units == 1:
        raise ValueError(f"Categorical cross-entropy over 1 output is always 0 ({pair}). For one yes/no output "
                         "use loss='binary_crossentropy' with a sigmoid output, or give the layer one unit per class.")
    if kind == "mse":
        return
    if loss.from_logits and act in ("sigmoid", "softmax"):
        plain = loss.name.replace("_from_logits", "")
        raise ValueError(f"Refused: {pair}. A from-logits loss expects raw scores, but the output already applies "
                         f"{act} (Keras would use the scores before it). Use loss={plain!r} with the {act} output, "
                         f"or output_activation='linear' with {loss.name!r}.")
    if loss.from_logits:
        return
    wanted = PROBABILITY_OUTPUTS[kind]
    if act in ("sigmoid", "softmax") and act != wanted:
        other = "categorical_crossentropy" if act == "softmax" else "binary_crossentropy"
        raise ValueError(f"Refused: {pair}. Keras would compute this loss from the logits before the {act}, not "
                         f"from its outputs, so the two would disagree. Use output_activation={wanted!r} with "
                         f"{loss.name!r}, or loss={other!r} with the {act} output.")
    if kind == "categorical_crossentropy" and act != "softmax":
        raise ValueError(f"Refused: {pair}. Categorical cross-entropy needs probabilities that sum to 1 from a "
                         "softmax output. Use output_activation='softmax', or loss="
                         "'categorical_crossentropy_from_logits' with a linear output.")
    if act == wanted and out is not layers[-1]:
        raise ValueError(f"Refused: {pair} followed by {type(layers[-1]).__name__}: put the {act} layer last "
                         "(e.g. Dropout before it), so that the loss sees its logits as Keras's does.")


class Sequential:
    """A stack of layers trained with one loss (Keras's Sequential + compile(loss=...))."""

    def __init__(self, layers: list[Layer], loss="mse"):
        if isinstance(layers, Layer) or not isinstance(layers, (list, tuple)):
            raise TypeError(f"Sequential takes a list of layers, e.g. [Dense(2, 8), Dense(8, 1)], got {layers!r}.")
        if not layers:
            raise ValueError("Sequential needs at least one layer.")
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(f"layer {i} of Sequential is {layer!r}, not a Layer (Dense, Dropout, Conv2D, ...).")
        self.layers = list(layers)
        # Unique names for reporting gradients ("dense_1/W"): the model's own map, so the caller's
        # layer objects keep the names they were given even when two share a name.
        self.layer_names = unique_names(self.layers)
        dense = [(name, l) for name, l in zip(self.layer_names, self.layers)  # and blocks of Dense layers
                 if isinstance(l, Dense) or isinstance(l, Residual) and l.n_in is not None]
        for (prev_name, prev), (next_name, nxt) in zip(dense, dense[1:]):
            if prev.n_out != nxt.n_in:
                raise ValueError(f"{prev_name} outputs {prev.n_out} values but {next_name} expects {nxt.n_in}.")
        self.loss = loss  # checked against the output layer by the setter below

    @property
    def loss(self):
        """The Loss object; assigning a name or a Loss checks it against the output layer."""
        return self._loss

    @loss.setter
    def loss(self, loss):
        loss = get_loss(loss)
        check_pairing(self.layers, loss)
        self._loss = loss

    # --- shapes and parameters -------------------------------------------------------------
    @property
    def n_in(self):
        return next(l for l in self.layers if isinstance(l, Dense)).n_in

    @property
    def n_out(self):
        return [l for l in self.layers if isinstance(l, Dense)][-1].n_out

    @property
    def dense_layers(self):
        return [l for l in self.layers if isinstance(l, Dense)]

    def params(self):
        """[(name, value, grad)] over all layers, in Keras's trainable_weights order; names are
        "<layer name>/<parameter>" with the model's unique layer names."""
        return [p for name, layer in zip(self.layer_names, self.layers)
                for p in _renamed(layer.params(), layer, name)]

    def trainable_params(self):
        """params() of the layers with trainable = True (set layer.trainable = False to freeze one)."""
        return [p for name, layer in zip(self.layer_names, self.layers)
                for p in _renamed(layer.trainable_params(), layer, name)]

    def weights(self):
        """[(name, value)] of every weight, in Keras's get_weights() order: params() and the
        non-trainable weights (BatchNormalization's moving statistics), layer by layer."""
        return [w for name, layer in zip(self.layer_names, self.layers) for w in _renamed(layer.weights(), layer, name)]

    def get_weights(self):
        return [value.copy() for _, value in self.weights()]

    def set_weights(self, weights):
        params = self.weights()
        if len(weights) != len(params):
            raise ValueError(f"expected {len(params)} arrays, got {len(weights)}.")
        for (name, value), w in zip(params, weights):
            w = np.asarray(w, dtype=np.float64)
            if w.shape != value.shape:
                raise ValueError(f"{name} has shape {value.shape}, got an array of shape {w.shape}.")
            value[...] = w

    def count_params(self) -> int:
        """The number of weights, non-trainable ones included (as Keras's count_params)."""
        return sum(value.size for _, value in self.weights())

    def penalty(self) -> float:
        return sum(layer.penalty() for layer in self.layers)

    # --- forward and backward ---------------------------------------------------------------
    def _fused(self) -> bool:
        """True when the last layer's activation is the loss's own (sigmoid + BCE, softmax + CCE):
        then the loss is computed from the logits z, stably, as Keras's fit does."""
        last = self.layers[-1]
        return isinstance(last, Dense) and last.act.name == self.loss.fused_activation

    def _check_X(self, X):
        """X as float64: (n, n_in) when the first layer is Dense; any (n, ...) otherwise (images
        (n, height, width, channels) for a Conv2D or Flatten first, which check their own shapes)."""
        if isinstance(self.layers[0], Dense):
            X = as_float_array(X, "X", ndim=2)
            if X.shape[1] != self.n_in:
                raise ValueError(f"X has {X.shape[1]} features (shape {X.shape}) but the network expects {self.n_in}.")
            return X
        X = as_float_array(X, "X")
        if X.ndim < 2:
            raise ValueError(f"X must hold one sample per row (at least 2-D), got shape {X.shape}.")
        return X

    def forward(self, X, training: bool = False):
        """Output of the network, shape (n, n_out). Each layer keeps z and a for backward."""
        return self._forward(self._check_X(X), training)

    def _forward(self, a, training: bool = False):
        for layer in self.layers:
            a = layer.forward(a, training=training)
        return a

    def _output_loss(self, y, out):
        """(data loss, its gradient, fused): from the last layer's logits z when fused (then the
        gradient is dL/dz), else from the output a (then it is dL/da)."""
        if self._fused():
            return (*logits_twin(self.loss).compute(y, self.layers[-1].z), True)
        return (*self.loss.compute(y, out), False)

    predict = forward

    def activations(self, X) -> list[np.ndarray]:
        """[a_1, ..., a_L]: the output of every Dense layer for inputs X (dropout off)."""
        self.forward(X)
        return [layer.a for layer in self.dense_layers]

    def _as_targets(self, y, n):
        y = as_float_array(y, "y")
        if y.ndim not in (1, 2):
            raise ValueError(f"y must be 1-D (n,) or 2-D (n, outputs), got shape {y.shape}.")
        if y.ndim == 1:
            y = y[:, None]
        if y.shape[0] != n:
            raise ValueError(f"X has {n} samples but y has {y.shape[0]}.")
        if y.shape[1] != self.n_out:
            hint = " (one-hot encode class labels, e.g. dlteach.data.one_hot(y))" if y.shape[1] == 1 else ""
            raise ValueError(f"y has {y.shape[1]} column(s) but the network has {self.n_out} outputs{hint}.")
        return y

    def loss_and_grads(self, X, y, training: bool = True):
        """Total loss (data loss + penalties) and the gradient of it in every layer's dW, db."""
        X = self._check_X(X)
        return self._loss_and_grads(X, self._as_targets(y, X.shape[0]), training)

    def _loss_and_grads(self, X, y, training: bool = True):
        """loss_and_grads for inputs already checked (the training loop checks X and y once)."""
        loss, grads, _ = self._loss_grads_and_output(X, y, training)
        return loss, grads

    def _loss_grads_and_output(self, X, y, training: bool = True):
        """(total loss, grads, output a_L): fit also needs the output, for the batch's accuracy."""
        out = self._forward(X, training)
        data_loss, grad, fused = self._output_loss(y, out)
        rest = self.layers
        if fused:
            grad = self.layers[-1].backward(grad, through_activation=False)
            rest = self.layers[:-1]
        for layer in reversed(rest):
            grad = layer.backward(grad)
        return data_loss + self.penalty(), grads_of(self), out

    def evaluate(self, X, y, include_penalty: bool = True) -> float:
        """Loss at inference (dropout off), no gradients; with the L1/L2 penalty unless told not."""
        X = self._check_X(X)
        y = self._as_targets(y, X.shape[0])
        data_loss = self._output_loss(y, self._forward(X))[0]
        return data_loss + (self.penalty() if include_penalty else 0.0)

    def summary(self) -> str:
        lines = [repr(l) for l in self.layers]
        state = self.count_params() - sum(value.size for _, value, _ in self.params())  # moving statistics
        line = _("loss: {loss}, parameters: {count} ({state} non-trainable)") if state else \
            _("loss: {loss}, parameters: {count}")
        lines.append(line.format(loss=self.loss.name, count=self.count_params(), state=state))
        return "\n".join(lines)

    def __repr__(self):
        return "Sequential([" + ", ".join(repr(l) for l in self.layers) + f"], loss={self.loss.name!r})"


def grads_of(model) -> list[np.ndarray]:
    return [g for _, _, g in model.params()]


class MLP(Sequential):
    """A multilayer perceptron from a list of sizes, e.g. MLP([2, 8, 8, 1]): two hidden layers of 8.

    Hidden layers use `activation` (and `dropout` after them); the last uses `output_activation`.
    L1/L2 penalties apply to every weight matrix, as a kernel_regularizer on every Keras layer.
    `seed` (None, an int >= 0 or a numpy Generator) draws the initial weights and dropout masks.
    It is a Sequential of Dense (and Dropout) layers named dense_0, dropout_0, dense_1, ...
    """

    def __init__(self, sizes, activation="tanh", output_activation="linear", loss="mse", init="glorot_uniform",
                 l1: float = 0.0, l2: float = 0.0, dropout: float = 0.0, seed=0):
        if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__iter__"):
            raise TypeError(f"sizes must be a list of layer sizes, e.g. [2, 8, 1]; got {sizes!r}.")
        sizes = list(sizes)
        if len(sizes) < 2:
            raise ValueError(f"sizes needs at least an input and an output size, e.g. [2, 1]; got {sizes}.")
        for s in sizes:
            if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 1:
                raise ValueError(f"every size must be a positive integer, got {sizes}.")
        dropout = check_fraction(dropout, "dropout")
        rng = as_generator(seed, "seed")
        layers: list[Layer] = []
        n_layers = len(sizes) - 1
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            last = i == n_layers - 1
            layers.append(Dense(n_in, n_out, output_activation if last else activation, init=init,
                                l1=l1, l2=l2, seed=rng, name=f"dense_{i}"))
            if not last and dropout:
                layers.append(Dropout(dropout, seed=rng, name=f"dropout_{i}"))
        self.sizes = [int(s) for s in sizes]
        super().__init__(layers, loss=loss)
