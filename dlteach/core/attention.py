"""Attention, Keras's layout: scaled dot-product attention (a function, its backward pass and its masks),
MultiHeadAttention (keras.layers.MultiHeadAttention, self-attention), and where a position is: the sine
position encoding of Vaswani et al. (2017) and a learned PositionEmbedding.

Scaled dot-product attention, for queries q (..., T, d_k), keys k (..., S, d_k) and values v (..., S, d_v):
    s = c q k^T                 (..., T, S)    c = 1/sqrt(d_k): a score for every (query, key) pair
    a = softmax(s) over S       (..., T, S)    each query's weights over the keys: >= 0, sum 1
    out = a v                   (..., T, d_v)  each query gets the weighted mean of the values
A mask (True = may attend) takes keys out of the softmax: s is set to -1e9 there, as Keras's masked
softmax does, so exp(s - max) is exactly 0; the causal mask lets query t see keys 0..t only (Keras's
lower triangle, row >= column). A query whose keys are all masked gets a = 0 (out = 0): what Keras's
MultiHeadAttention returns with its scores (its fused path, without them, gives uniform weights there).

Backward, with g = dL/dout:
    dv = a^T g                                   (out = a v is a product: v's gradient is a's transpose times g)
    da = g v^T
    ds = a * (da - sum_S(a * da))                (the softmax's Jacobian diag(a) - a a^T, applied per row)
    dq = c ds k,   dk = c ds^T q                 (s = c q k^T is a product again)
A masked key has a = 0, so ds = 0 there: no gradient reaches a key the query could not see (and a
fully masked row has a = 0 everywhere, so ds = 0 for the whole row).
"""
from __future__ import annotations

import numpy as np

from ._checks import as_float_array, as_generator, check_bool, check_positive_int, check_size
from ._compat import keras_constant
from .layers import Layer, _check_name

MASKED_SCORE = -1e9  # Keras's Softmax layer puts this at masked positions (float32 and float64 alike)


def attention_scale(key_dim: int) -> float:
    """c = 1/sqrt(key_dim), rounded to float32 as Keras's ops.cast makes it (exact for key_dim 1, 4, 16...)."""
    return keras_constant(1.0 / np.sqrt(key_dim))


def causal_mask(T: int, S: int | None = None) -> np.ndarray:
    """(T, S) booleans, True where query t may see key s: s <= t (Keras's lower triangle; S = T by default)."""
    S = T if S is None else S
    return np.arange(T)[:, None] >= np.arange(S)[None, :]


def _mask(mask, use_causal_mask, T, S, batch_shape):
    """The combined mask (…, T, S) of a padding / attention mask and the causal one, or None (no mask)."""
    if mask is not None:
        arr = np.asarray(mask)
        if arr.dtype != bool:
            if arr.dtype.kind not in "biuf" or not np.isin(arr, (0, 1)).all():
                raise ValueError("mask must be booleans (True = may attend) or 0/1, broadcastable to "
                                 f"(..., {T}, {S}); got {arr.dtype} values.")
            arr = arr.astype(bool)
        try:
            np.broadcast_shapes(arr.shape, (*batch_shape, T, S))
        except ValueError:
            raise ValueError(f"mask of shape {arr.shape} does not broadcast to the scores' shape "
                             f"{(*batch_shape, T, S)} (queries T = {T}, keys S = {S}).") from None
        mask = arr
    if use_causal_mask:
        mask = causal_mask(T, S) if mask is None else mask & causal_mask(T, S)
    return mask


def scaled_dot_product_attention(q, k, v, mask=None, use_causal_mask: bool = False, scale: float | None = None):
    """(out, a): out = softmax(c q k^T) v and the attention weights a (the module docstring has the maths).

    q (..., T, d_k), k (..., S, d_k), v (..., S, d_v): any leading axes (batch, heads) shared or broadcast
    mask             None, or booleans (True = may attend) broadcastable to (..., T, S): a padding mask of
                     the keys is (n, 1, S), or (n, 1, 1, S) with a heads axis
    use_causal_mask  True: query t sees keys 0..t only (combined with `mask`)
    scale            c; None: 1/sqrt(d_k) as Keras (float32-rounded)
    Returns out (..., T, d_v) and a (..., T, S), each row of a summing to 1 (0 for a fully masked row).
    """
    q, k, v = as_float_array(q, "q"), as_float_array(k, "k"), as_float_array(v, "v")
    if q.ndim < 2 or k.ndim < 2 or v.ndim < 2 or q.shape[-1] != k.shape[-1] or k.shape[-2] != v.shape[-2]:
        raise ValueError(f"q (..., T, d_k), k (..., S, d_k) and v (..., S, d_v) must share d_k and S; got q "
                         f"{q.shape}, k {k.shape}, v {v.shape}.")
    c = attention_scale(q.shape[-1]) if scale is None else float(scale)
    T, S = q.shape[-2], k.shape[-2]
    batch_shape = np.broadcast_shapes(q.shape[:-2], k.shape[:-2])
    mask = _mask(mask, check_bool(use_causal_mask, "use_causal_mask"), T, S, batch_shape)
    s = (q * c) @ np.swapaxes(k, -1, -2)  # Keras scales the queries first, then multiplies
    if mask is not None:
        s = np.where(mask, s, MASKED_SCORE)
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    a = e / e.sum(axis=-1, keepdims=True)
    if mask is not None:
        a = np.where(mask, a, 0.0)  # a fully masked row: 0, not the uniform softmax of equal scores
    return a @ v, a


def scaled_dot_product_attention_backward(g, q, k, v, a, scale: float | None = None):
    """(dq, dk, dv) for g = dL/dout, from the inputs and the weights a that the forward pass returned
    (the mask is in a: its zeros stop the gradient). Sums over broadcast leading axes are the caller's."""
    c = attention_scale(q.shape[-1]) if scale is None else float(scale)
    dv = np.swapaxes(a, -1, -2) @ g
    da = g @ np.swapaxes(v, -1, -2)
    ds = a * (da - (a * da).sum(axis=-1, keepdims=True))
    return c * (ds @ k), c * (np.swapaxes(ds, -1, -2) @ q), dv


def _glorot(shape, fan_in, fan_out, rng):
    """U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out)), as Keras's EinsumDense counts the fans:
    the input axes (d_model; heads x head size for the output kernel) against the output axes."""
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape)


class MultiHeadAttention(Layer):
    """Multi-head self-attention, Keras's keras.layers.MultiHeadAttention called as mha(x, x) (Vaswani et al.
    2017). x (n, T, d_model) -> (n, T, d_model). For each head h (H = num_heads):
        Q_h = x Wq_h + bq_h,  K_h = x Wk_h + bk_h,  V_h = x Wv_h + bv_h      (n, T, key_dim / value_dim)
        O_h, A_h = scaled_dot_product_attention(Q_h, K_h, V_h, mask)        (A_h (n, T, T): who looks at whom)
        y = sum_h O_h Wo_h + bo                                              (the heads' outputs, mixed)
    Keras's layout: Wq, Wk (d_model, H, key_dim), Wv (d_model, H, value_dim), their biases (H, key_dim) and
    (H, value_dim), Wo (H, value_dim, d_model), bo (d_model,); get_weights() order Wq, bq, Wk, bk, Wv, bv,
    Wo, bo; kernels glorot_uniform with EinsumDense's fans, biases 0.

    d_model          the features of x (Keras infers it from the data; here it is given)
    num_heads        H;  key_dim: the size of each head's queries and keys;  value_dim: of its values
                     (None: key_dim, as Keras)
    use_bias         the four biases (Keras's default True)
    use_causal_mask  True: position t attends to positions 0..t only (a decoder; Keras passes it at each
                     call, here the layer keeps it so that a Sequential can use it; forward can override)
    seed             None, an int >= 0 or a numpy Generator, for the initial weights
    forward(x, training, attention_mask=None, use_causal_mask=None, return_attention_scores=False):
    attention_mask (n, T, T) or a padding mask (n, 1, T), True = may attend, as Keras's; the weights of the
    last call are kept in `attention_scores` (n, H, T, T), Keras's return_attention_scores, for drawing.
    (Not here: cross-attention (query != value), Keras's dropout on the weights, output_shape, use_gate.)

    Backward: x feeds the three projections, so dx adds their three backward passes:
        dbo = sum g,  dWo_h = O_h^T g,  dO_h = g Wo_h^T
        dQ_h, dK_h, dV_h = scaled_dot_product_attention_backward(dO_h, ...)   (the module docstring)
        dWq_h = x^T dQ_h, dbq_h = sum dQ_h (and so for k, v),  dx = dQ Wq^T + dK Wk^T + dV Wv^T
    where the products and sums run over the samples and positions (np.einsum writes the axes out).
    dbk is 0: bk adds q.bk to every score of a query's row, a shift the softmax removes (Keras's is 0 too).
    """

    def __init__(self, d_model: int, num_heads: int, key_dim: int, value_dim: int | None = None,
                 use_bias: bool = True, use_causal_mask: bool = False, seed=None,
                 name: str = "multi_head_attention"):
        d_model = check_positive_int(d_model, "d_model")
        H, K = check_positive_int(num_heads, "num_heads"), check_positive_int(key_dim, "key_dim")
        V = K if value_dim is None else check_positive_int(value_dim, "value_dim")
        check_size(d_model * H * (2 * K + 2 * V), f"MultiHeadAttention({d_model}, {H} heads, {K})")
        self.use_bias = check_bool(use_bias, "use_bias")
        self.use_causal_mask = check_bool(use_causal_mask, "use_causal_mask")
        self.name = _check_name(name)
        rng = as_generator(seed, "seed")
        self.Wq = _glorot((d_model, H, K), d_model, H * K, rng)
        self.Wk = _glorot((d_model, H, K), d_model, H * K, rng)
        self.Wv = _glorot((d_model, H, V), d_model, H * V, rng)
        self.Wo = _glorot((H, V, d_model), H * V, d_model, rng)
        self.bq, self.bk, self.bv, self.bo = np.zeros((H, K)), np.zeros((H, K)), np.zeros((H, V)), np.zeros(d_model)
        for w in ("Wq", "bq", "Wk", "bk", "Wv", "bv", "Wo", "bo"):
            setattr(self, "d" + w, np.zeros_like(getattr(self, w)))
        self.attention_scores = None

    d_model = property(lambda self: self.Wq.shape[0])
    num_heads = property(lambda self: self.Wq.shape[1])
    key_dim = property(lambda self: self.Wq.shape[2])
    value_dim = property(lambda self: self.Wv.shape[2])

    def params(self):
        names = ("Wq", "bq", "Wk", "bk", "Wv", "bv", "Wo", "bo") if self.use_bias else ("Wq", "Wk", "Wv", "Wo")
        return [(f"{self.name}/{w}", getattr(self, w), getattr(self, "d" + w)) for w in names]

    def forward(self, x, training: bool = False, attention_mask=None, use_causal_mask=None,
                return_attention_scores: bool = False):
        if np.ndim(x) != 3 or np.shape(x)[2] != self.d_model:
            hint = " For one sequence add the batch axis: x[None]." if np.ndim(x) == 2 else ""
            raise ValueError(f"{self.name} expects sequences of shape (n, T, {self.d_model}), got {np.shape(x)}.{hint}")
        self.x = x = as_float_array(x, "x")
        causal = self.use_causal_mask if use_causal_mask is None else check_bool(use_causal_mask, "use_causal_mask")
        mask = None
        if attention_mask is not None:  # Keras's (n, T, S): one mask per sample, the same for every head
            mask = np.asarray(attention_mask)
            if mask.ndim != 3:
                raise ValueError(f"attention_mask must be (n, T, T) or a padding mask (n, 1, T), True = may "
                                 f"attend; got shape {mask.shape}.")
            mask = mask[:, None]
        # heads before positions: (n, H, T, key_dim), so that each head is a batch of matrix products
        self.Q = np.einsum("ntd,dhk->nhtk", x, self.Wq) + self.bq[:, None]
        self.K = np.einsum("ntd,dhk->nhtk", x, self.Wk) + self.bk[:, None]
        self.V = np.einsum("ntd,dhk->nhtk", x, self.Wv) + self.bv[:, None]
        self.O, self.A = scaled_dot_product_attention(self.Q, self.K, self.V, mask, causal)
        self.attention_scores = self.A
        y = np.einsum("nhtv,hvd->ntd", self.O, self.Wo) + self.bo
        return (y, self.A) if return_attention_scores else y

    def backward(self, grad_a):
        """Fill the eight gradients from g = dL/dy; return dL/dx (the class docstring derives it)."""
        g, x = grad_a, self.x
        self.dbo[...] = g.sum(axis=(0, 1))
        self.dWo[...] = np.einsum("nhtv,ntd->hvd", self.O, g)
        dO = np.einsum("ntd,hvd->nhtv", g, self.Wo)
        dQ, dK, dV = scaled_dot_product_attention_backward(dO, self.Q, self.K, self.V, self.A)
        dx = np.zeros_like(x)
        for W, dW, db, dP in ((self.Wq, self.dWq, self.dbq, dQ), (self.Wk, self.dWk, self.dbk, dK),
                              (self.Wv, self.dWv, self.dbv, dV)):
            dW[...] = np.einsum("ntd,nhtk->dhk", x, dP)
            db[...] = dP.sum(axis=(0, 2))
            dx += np.einsum("nhtk,dhk->ntd", dP, W)
        return dx

    def __repr__(self):
        extra = (f", value_dim={self.value_dim}" if self.value_dim != self.key_dim else "") + \
                ("" if self.use_bias else ", use_bias=False") + (", use_causal_mask" if self.use_causal_mask else "")
        return f"MultiHeadAttention({self.d_model}, {self.num_heads} heads, key_dim={self.key_dim}{extra})"


def sine_position_encoding(sequence_length: int, d_model: int, max_wavelength: float = 10000.0) -> np.ndarray:
    """The fixed position code of Vaswani et al. (2017), keras_hub's SinePositionEncoding: (sequence_length,
    d_model) with, for position p and i = 0, 1, ...,
        PE[p, 2i] = sin(p / max_wavelength^(2i / d_model)),   PE[p, 2i + 1] = cos(p / max_wavelength^(2i / d_model))
    Each pair of columns turns at its own speed, from 1 radian per position down to 1/max_wavelength, so
    every position gets a distinct code and PE[p + j] is PE[p] rotated by an angle that depends on j only.
    It is added to the embeddings: x + PE (keras_hub's layer returns PE, the caller adds it)."""
    T, d = check_positive_int(sequence_length, "sequence_length"), check_positive_int(d_model, "d_model")
    if isinstance(max_wavelength, bool) or not isinstance(max_wavelength, (int, float, np.integer, np.floating)) \
            or not np.isfinite(max_wavelength) or max_wavelength <= 1:
        raise ValueError(f"max_wavelength must be a number > 1, got {max_wavelength!r}.")
    check_size(T * d, f"sine_position_encoding({T}, {d})")
    i = np.arange(d)
    rates = (1.0 / max_wavelength) ** (2 * (i // 2) / d)  # columns 2i and 2i + 1 share a speed
    angles = np.arange(T)[:, None] * rates[None, :]
    return np.where(i % 2 == 0, np.sin(angles), np.cos(angles))


class PositionEmbedding(Layer):
    """A learned position code: y = x + P[:T], P (sequence_length, d_model) trained like any weight, one row
    per position (keras_hub's PositionEmbedding holds the same table, glorot_uniform, named embeddings; it
    returns P[:T] and the model adds it; here the layer adds it, so that it fits in a Sequential after an
    Embedding). x (n, T, d_model) with T <= sequence_length.
    Backward: dP[t] = sum over the samples of g[:, t] (rows past T stay 0), dx = g.
    """

    def __init__(self, sequence_length: int, d_model: int, seed=None, name: str = "position_embedding"):
        T, d = check_positive_int(sequence_length, "sequence_length"), check_positive_int(d_model, "d_model")
        check_size(T * d, f"PositionEmbedding({T}, {d})")
        self.name = _check_name(name)
        self.P = _glorot((T, d), T, d, as_generator(seed, "seed"))
        self.dP = np.zeros_like(self.P)

    sequence_length = property(lambda self: self.P.shape[0])
    d_model = property(lambda self: self.P.shape[1])
    embeddings = property(lambda self: self.P)  # keras_hub's name

    def params(self):
        return [(f"{self.name}/P", self.P, self.dP)]

    def forward(self, x, training: bool = False):
        if np.ndim(x) != 3 or np.shape(x)[2] != self.d_model or not 1 <= np.shape(x)[1] <= self.sequence_length:
            raise ValueError(f"{self.name} expects sequences of shape (n, T, {self.d_model}) with 1 <= T <= "
                             f"{self.sequence_length} (sequence_length), got {np.shape(x)}.")
        x = as_float_array(x, "x")
        self.T = x.shape[1]
        return x + self.P[:self.T]

    def backward(self, grad_a):
        self.dP[...] = 0.0
        self.dP[:self.T] = grad_a.sum(axis=0)
        return grad_a

    def __repr__(self):
        return f"PositionEmbedding({self.sequence_length} positions, {self.d_model})"
