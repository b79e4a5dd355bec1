"""The transformer, from lesson 14's pieces: a Dense on every position, a pre-norm block, a decoder-only model.

SequenceDense: Keras's Dense on (n, T, n_in) inputs: the same W, b at every position,
    z[k, t] = x[k, t] @ W + b,  a = f(z)
    backward: with the positions as extra rows (x2 = x reshaped to (n T, n_in)),
    dW = x2^T delta2 (the positions' gradients add up: W is shared),  db = sum delta,  dL/dx = delta @ W^T.

TransformerBlock (pre-norm, as GPT-2 and Keras's examples since 2020): two residual blocks,
    h   = x + MHA(LN1(x))                 every position gathers from the others (attention)
    out = h + W2 relu(LN2(h) W1 + b1) + b2   then thinks alone (the same MLP at every position)
    backward: Residual's (dL/dx = g + F's backward of g) twice, through the layers of each F in turn.

Transformer (decoder-only): ids (n, T) -> Embedding + positions -> blocks -> LayerNormalization ->
SequenceDense(vocab_size) logits (n, T, vocab_size), trained with a softmax cross-entropy over every position:
    L = mean over the n T positions of  -log softmax(z[k, t])[y[k, t]]
    dL/dz[k, t] = (softmax(z[k, t]) - onehot(y[k, t])) / (n T)
(Keras's SparseCategoricalCrossentropy(from_logits=True) on (n, T) targets: the same mean.)
"""
from __future__ import annotations

import numpy as np

from ..i18n import gettext_ as _
from ._checks import as_generator, check_bool, check_positive, check_positive_int
from .attention import MultiHeadAttention, PositionEmbedding, sine_position_encoding
from .layers import Dense, Layer, _check_name
from .network import Sequential
from .normalization import LayerNormalization
from .recurrent import Embedding
from .residual import Residual

POSITIONS = ("learned", "sine", "none")


class SequenceDense(Dense):
    """Keras's Dense applied to sequences: x (n, T, n_in) (any leading axes) -> (n, T, units), the same
    W (n_in, units), b (units,) at every position (Keras's Dense takes 3-D input this way; dlteach's Dense
    stays 2-D, the form lessons 01-07 teach). Equal to TimeDistributed(Dense(...)); the module docstring
    derives the backward pass."""

    def forward(self, x, training: bool = False, apply_activation: bool = True):
        x = np.asarray(x, dtype=np.float64)
        if x.ndim < 2 or x.shape[-1] != self.n_in:
            raise ValueError(f"{self.name} expects input of shape (..., {self.n_in}) (the features last), "
                             f"got {x.shape}.")
        self.x = x
        self.z = x @ self.W + self.b
        self.a = self.act.forward(self.z) if apply_activation else self.z
        return self.a

    def backward(self, grad_a, through_activation: bool = True):
        delta = self.act.backward(self.z, self.a, grad_a) if through_activation else grad_a
        self.delta = delta
        rows, deltas = self.x.reshape(-1, self.n_in), delta.reshape(-1, self.n_out)  # positions as rows
        self.dW[...] = rows.T @ deltas
        if self.reg:
            self.dW += self.reg.grad(self.W)
        self.db[...] = deltas.sum(axis=0)
        return delta @ self.W.T

    def __repr__(self):
        return f"SequenceDense({self.n_in} -> {self.n_out}, {self.act.name})"


class SinePositionEncoding(Layer):
    """y = x + PE[:T], PE = sine_position_encoding(sequence_length, d_model): fixed, no weights (keras_hub's
    SinePositionEncoding returns PE and the caller adds it; here the layer adds it). Backward: dx = g."""

    trainable = False

    def __init__(self, sequence_length: int, d_model: int, max_wavelength: float = 10000.0,
                 name: str = "sine_position_encoding"):
        self.PE = sine_position_encoding(sequence_length, d_model, max_wavelength)
        self.name = _check_name(name)

    sequence_length = property(lambda self: self.PE.shape[0])
    d_model = property(lambda self: self.PE.shape[1])

    def forward(self, x, training: bool = False):
        if np.ndim(x) != 3 or np.shape(x)[2] != self.d_model or not 1 <= np.shape(x)[1] <= self.sequence_length:
            raise ValueError(f"{self.name} expects sequences of shape (n, T, {self.d_model}) with 1 <= T <= "
                             f"{self.sequence_length} (sequence_length), got {np.shape(x)}.")
        return np.asarray(x, dtype=np.float64) + self.PE[:np.shape(x)[1]]

    def backward(self, grad_a):
        return grad_a

    def __repr__(self):
        return f"SinePositionEncoding({self.sequence_length} positions, {self.d_model})"


def _head_size(d_model, num_heads, key_dim):
    if key_dim is not None:
        return check_positive_int(key_dim, "key_dim")
    if d_model % num_heads:
        raise ValueError(f"d_model ({d_model}) is not a multiple of num_heads ({num_heads}): give key_dim, or "
                         f"choose num_heads among {[h for h in range(1, d_model + 1) if d_model % h == 0]}.")
    return d_model // num_heads


class TransformerBlock(Layer):
    """A pre-norm transformer block (n, T, d_model) -> (n, T, d_model); the module docstring has the maths.
    It is two Residual blocks of lesson 14's layers:
        attention_block = Residual([LayerNormalization, MultiHeadAttention])
        mlp_block       = Residual([LayerNormalization, SequenceDense(d_model, mlp_units, activation),
                                    SequenceDense(mlp_units, d_model)])
    d_model, num_heads  the width and the heads;  key_dim: each head's size (None: d_model // num_heads)
    mlp_units           the MLP's hidden width (None: 4 d_model, as GPT);  activation: its hidden activation
    use_causal_mask     True: position t attends to 0..t only (a decoder)
    epsilon             the layer norms' (Keras's default 1e-3);  seed: None, an int >= 0 or a Generator
    Weights in Keras's order: LN1 gamma, beta; the attention's eight; LN2 gamma, beta; W1, b1, W2, b2.
    The last call's attention weights (n, H, T, T) are in `attention.attention_scores`.
    """

    def __init__(self, d_model: int, num_heads: int, key_dim: int | None = None, mlp_units: int | None = None,
                 activation="relu", use_causal_mask: bool = True, epsilon: float = 1e-3, seed=None,
                 name: str = "transformer_block"):
        d_model, num_heads = check_positive_int(d_model, "d_model"), check_positive_int(num_heads, "num_heads")
        key_dim = _head_size(d_model, num_heads, key_dim)
        mlp_units = 4 * d_model if mlp_units is None else check_positive_int(mlp_units, "mlp_units")
        self.name = _check_name(name)
        rng = as_generator(seed, "seed")
        self.norm1 = LayerNormalization(d_model, epsilon=epsilon, name="norm1")
        self.attention = MultiHeadAttention(d_model, num_heads, key_dim, use_causal_mask=check_bool(
            use_causal_mask, "use_causal_mask"), seed=rng, name="attention")
        self.norm2 = LayerNormalization(d_model, epsilon=epsilon, name="norm2")
        self.dense1 = SequenceDense(d_model, mlp_units, activation, seed=rng, name="dense1")
        self.dense2 = SequenceDense(mlp_units, d_model, seed=rng, name="dense2")
        self.attention_block = Residual([self.norm1, self.attention], name="attention_block")
        self.mlp_block = Residual([self.norm2, self.dense1, self.dense2], name="mlp_block")
        self.blocks = [self.attention_block, self.mlp_block]

    d_model = property(lambda self: self.norm1.n_features)
    num_heads = property(lambda self: self.attention.num_heads)
    mlp_units = property(lambda self: self.dense1.n_out)
    use_causal_mask = property(lambda self: self.attention.use_causal_mask)

    @property
    def trainable(self):
        return self.attention_block.trainable

    @trainable.setter
    def trainable(self, value):
        for block in self.blocks:
            block.trainable = value

    def _collect(self, method):
        return [(f"{self.name}/{n}", *rest) for block in self.blocks for n, *rest in getattr(block, method)()]

    def params(self):
        return self._collect("params")

    def trainable_params(self):
        return self._collect("trainable_params")

    def weights(self):
        return self._collect("weights")

    def penalty(self) -> float:
        return sum(block.penalty() for block in self.blocks)

    def forward(self, x, training: bool = False):
        if np.ndim(x) != 3 or np.shape(x)[2] != self.d_model:
            raise ValueError(f"{self.name} expects sequences of shape (n, T, {self.d_model}), got {np.shape(x)}.")
        return self.mlp_block.forward(self.attention_block.forward(x, training), training)

    def backward(self, grad_a):
        return self.attention_block.backward(self.mlp_block.backward(grad_a))

    def __repr__(self):
        return (f"TransformerBlock({self.d_model}, {self.num_heads} heads, key_dim={self.attention.key_dim}, "
                f"mlp_units={self.mlp_units}{', causal' if self.use_causal_mask else ''})")


class SparseCrossEntropy:
    """The loss of a sequence model: softmax cross-entropy from the logits z (n, T, V) against integer
    targets y (n, T), averaged over the n T positions (Keras's SparseCategoricalCrossentropy(from_logits=True))."""

    name = "sparse_categorical_crossentropy_from_logits"
    from_logits = True

    def compute(self, y, z):
        """(loss, dL/dz) for logits z (..., V) and ids y (...)."""
        m = z.max(axis=-1, keepdims=True)
        log_p = z - m - np.log(np.exp(z - m).sum(axis=-1, keepdims=True))  # log softmax, stable
        picked = np.take_along_axis(log_p, y[..., None], axis=-1)[..., 0]
        grad = np.exp(log_p)
        np.put_along_axis(grad, y[..., None], np.take_along_axis(grad, y[..., None], axis=-1) - 1.0, axis=-1)
        return float(-picked.mean()), grad / y.size

    def __call__(self, y, z):
        return self.compute(y, z)[0]

    def __repr__(self):
        return "SparseCrossEntropy()"


class Transformer:
    """A small decoder-only transformer (GPT's shape): ids (n, T) -> logits (n, T, vocab_size), position t
    predicting y[:, t] from ids 0..t (use_causal_mask=False: from every position, an encoder).
        Embedding(vocab_size, d_model) -> positions -> num_layers x TransformerBlock -> LayerNormalization
        -> SequenceDense(d_model, vocab_size) (the logits)
    vocab_size, sequence_length  the ids 0..vocab_size-1 and the longest input
    positions   'learned' (PositionEmbedding), 'sine' (the fixed code) or 'none' (then the model sees a set,
                not a sequence: a permutation of the input permutes the outputs when there is no causal mask)
    d_model, num_heads, num_layers, key_dim, mlp_units, activation, use_causal_mask, epsilon: the blocks'
    seed        None, an int >= 0 or a Generator
    It speaks fit's model protocol: dt.fit(model, X, y, "adam", ...) with X, y integer ids (n, T); the loss
    (module docstring) is over every position. Weights in Keras's order, layer by layer.
    """

    def __init__(self, vocab_size: int, sequence_length: int, d_model: int = 16, num_heads: int = 2,
                 num_layers: int = 1, key_dim: int | None = None, mlp_units: int | None = None, activation="relu",
                 positions: str = "learned", use_causal_mask: bool = True, epsilon: float = 1e-3, seed=None):
        vocab_size = check_positive_int(vocab_size, "vocab_size")
        sequence_length = check_positive_int(sequence_length, "sequence_length")
        d_model, num_layers = check_positive_int(d_model, "d_model"), check_positive_int(num_layers, "num_layers")
        if positions not in POSITIONS:
            raise ValueError(f"positions must be one of {', '.join(map(repr, POSITIONS))}, got {positions!r}.")
        check_positive(epsilon, "epsilon")
        rng = as_generator(seed, "seed")
        self.positions = positions
        self.embedding = Embedding(vocab_size, d_model, seed=rng, name="embedding")
        self.position = {"learned": lambda: PositionEmbedding(sequence_length, d_model, seed=rng),
                         "sine": lambda: SinePositionEncoding(sequence_length, d_model),
                         "none": lambda: None}[positions]()
        self.blocks = [TransformerBlock(d_model, num_heads, key_dim, mlp_units, activation, use_causal_mask,
                                        epsilon, seed=rng, name=f"block_{i + 1}") for i in range(num_layers)]
        self.final_norm = LayerNormalization(d_model, epsilon=epsilon, name="final_norm")
        self.head = SequenceDense(d_model, vocab_size, seed=rng, name="logits")
        self._sequence_length = sequence_length
        self.loss = SparseCrossEntropy()

    @property
    def layers(self):
        """The layers in order (Keras's weight order follows it)."""
        return [self.embedding, *([self.position] if self.position else []), *self.blocks, self.final_norm,
                self.head]

    vocab_size = property(lambda self: self.embedding.input_dim)
    d_model = property(lambda self: self.embedding.output_dim)
    sequence_length = property(lambda self: self._sequence_length)

    def params(self):
        return [p for layer in self.layers for p in layer.params()]

    def trainable_params(self):
        return [p for layer in self.layers for p in layer.trainable_params()]

    def weights(self):
        return [w for layer in self.layers for w in layer.weights()]

    get_weights, set_weights = Sequential.get_weights, Sequential.set_weights
    count_params, penalty = Sequential.count_params, Sequential.penalty

    def _check_X(self, X):
        X = np.asarray(X)
        if X.ndim != 2 or not 1 <= X.shape[1] <= self.sequence_length:
            raise ValueError(f"X must be integer ids of shape (n, T) with 1 <= T <= {self.sequence_length} "
                             f"(sequence_length), got shape {X.shape}.")
        return self.embedding._ids(X)  # whole numbers in [0, vocab_size), refused by name otherwise

    def _as_targets(self, y, n):
        y = np.asarray(y)
        if y.ndim != 2 or y.shape[0] != n:
            raise ValueError(f"y must be integer ids (n, T), one target per position, with n = {n}; "
                             f"got shape {y.shape}.")
        return self.embedding._ids(y)

    def forward(self, X, training: bool = False):
        """The logits (n, T, vocab_size) for ids X (n, T)."""
        return self._forward(self._check_X(X), training)

    predict = forward

    def _forward(self, X, training: bool = False):
        a = X
        for layer in self.layers:
            a = layer.forward(a, training=training)
        return a

    def probabilities(self, X):
        """softmax of the logits: (n, T, vocab_size), each position's distribution of the next id."""
        z = self.forward(X)
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    def attention_maps(self) -> list:
        """The last call's attention weights, one (n, num_heads, T, T) array per block."""
        return [block.attention.attention_scores for block in self.blocks]

    def _output_loss(self, y, out):
        if y.shape != out.shape[:-1]:
            raise ValueError(f"y has shape {y.shape} but the model predicts {out.shape[:-1]} positions.")
        return (*self.loss.compute(y, out), True)

    def loss_and_grads(self, X, y, training: bool = True):
        X = self._check_X(X)
        loss, grads, _ = self._loss_grads_and_output(X, self._as_targets(y, X.shape[0]), training)
        return loss, grads

    def _loss_grads_and_output(self, X, y, training: bool = True):
        out = self._forward(X, training)
        loss, g, _ = self._output_loss(y, out)
        for layer in reversed(self.layers):
            g = layer.backward(g)  # the Embedding returns None: ids have no gradient
        return loss + self.penalty(), [grad for _, _, grad in self.params()], out

    def evaluate(self, X, y, include_penalty: bool = True) -> float:
        X = self._check_X(X)
        y = self._as_targets(y, X.shape[0])
        return self._output_loss(y, self._forward(X))[0] + (self.penalty() if include_penalty else 0.0)

    def summary(self) -> str:
        return "\n".join([repr(layer) for layer in self.layers] +
                         [_("loss: {loss} over every position, parameters: {count}").format(
                             loss=self.loss.name, count=self.count_params())])

    def __repr__(self):
        b = self.blocks[0]
        return (f"Transformer(vocab_size={self.vocab_size}, sequence_length={self.sequence_length}, "
                f"d_model={self.d_model}, num_heads={b.num_heads}, num_layers={len(self.blocks)}, "
                f"positions={self.positions!r}{'' if b.use_causal_mask else ', use_causal_mask=False'})")
