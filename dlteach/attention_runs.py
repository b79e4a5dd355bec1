"""Lesson 16's experiments (attention and the transformer): pure NumPy + the engine, no drawing.

    X, y = reverse_data(2048, seed=0)             # "3 1 4 1 5 | 5 1 4 1 3": continue with the reversal
    model = reverse_model("learned", seed=0)      # a 2-layer decoder-only Transformer trained on it (cached)
    answer_accuracy(model, *reverse_test())       # on the answer positions of unseen sequences
    logits, maps = attend(model, X[:1], scaled=False)   # the forward pass with a part switched off
    score_statistics(d_k=64, scaled=False)        # why 1/sqrt(d_k): saturated weights, vanishing gradients

Trained models are kept on disk (experiments.cache_path, $DLTEACH_CACHE) and per process; every call returns
a deep copy, so a caller that changes its model never changes the next caller's.
"""
from __future__ import annotations

import copy
from functools import lru_cache

import numpy as np

from .core import Transformer, fit, scaled_dot_product_attention
from .core._checks import check_int
from .runs import _one_blas_thread

__all__ = ["REVERSE_SYMBOLS", "REVERSE_LENGTH", "SEP", "REVERSE_SETTINGS", "reverse_data", "reverse_split",
           "reverse_test", "reverse_model", "answer_accuracy", "answer_correct", "attend", "score_statistics",
           "format_sequence", "position_loss"]

REVERSE_SYMBOLS = 6      # the digits 0..5
REVERSE_LENGTH = 5       # L: five digits, then SEP, then the five reversed
SEP = REVERSE_SYMBOLS    # the separator's id ('|')
REVERSE_SETTINGS = dict(d_model=16, num_heads=2, num_layers=2, epochs=10, batch_size=64, learning_rate=0.01,
                        n_train=2048)


def reverse_data(n: int, seed=0, length: int = REVERSE_LENGTH, symbols: int = REVERSE_SYMBOLS):
    """n sequences x_1 .. x_L | x_L .. x_1 of random digits, cut for next-id prediction: X = the sequence
    without its last id, y = without its first (both (n, 2L)); position t predicts y[:, t] = id t + 1.
    The answers are positions L .. 2L - 1 (from the separator on); before it, the next digit is random."""
    n, length = check_int(n, "n", low=1), check_int(length, "length", low=1)
    x = np.random.default_rng(seed).integers(0, symbols, (n, length))
    seq = np.concatenate([x, np.full((n, 1), symbols), x[:, ::-1]], axis=1)
    return seq[:, :-1], seq[:, 1:]


@lru_cache(maxsize=1)
def _split():
    X, y = reverse_data(REVERSE_SETTINGS["n_train"], seed=1000)
    Xt, yt = reverse_data(3000, seed=2000)
    seen = {tuple(row) for row in X}
    fresh = np.array([tuple(row) not in seen for row in Xt])
    return X, y, Xt[fresh][:1000], yt[fresh][:1000]


def reverse_split():
    """(X, y, X_test, y_test): the training sequences (2048) and 1000 test sequences none of which is among
    them (the same for every seed: paired comparisons are on the same test items)."""
    return tuple(a.copy() for a in _split())


def reverse_test():
    """(X_test, y_test) of reverse_split()."""
    return reverse_split()[2:]


def _forget(model, X):
    """Run X's first sequence through the model, so that the activations its layers keep for a backward pass
    are one sequence's, not a whole test set's (five models x 1000 sequences kept 250 MB)."""
    model._forward(model._check_X(X[:1]))


def _logits(model, X):
    with _one_blas_thread():  # small matrices: one BLAS thread is 5 times cheaper than two that wait for each other
        z = model.forward(X)
        _forget(model, X)
    return z


def answer_correct(logits_or_model, X, y) -> np.ndarray:
    """Booleans (n, L): the most probable id equals the target at each answer position (from the separator)."""
    z = _logits(logits_or_model, X) if hasattr(logits_or_model, "forward") else np.asarray(logits_or_model)
    L = (X.shape[1]) // 2
    return z[:, L:].argmax(-1) == y[:, L:]


def position_loss(model, X, y) -> np.ndarray:
    """The test cross-entropy at each position t (predicting id t + 1), averaged over the sequences: (T,)."""
    z = _logits(model, X)
    m = z.max(-1, keepdims=True)
    log_p = z - m - np.log(np.exp(z - m).sum(-1, keepdims=True))
    return -np.take_along_axis(log_p, np.asarray(y)[..., None], -1)[..., 0].mean(0)


def answer_accuracy(logits_or_model, X, y) -> float:
    """The fraction of answer positions predicted right."""
    return float(np.mean(answer_correct(logits_or_model, X, y)))


def _load_or_train(model, name, train):
    """model's weights from the disk cache, or train(model) and keep them there (experiments.load_or_train)."""
    from .experiments import load_or_train  # noqa: PLC0415 (experiments re-exports this module)
    return load_or_train(model, name, train)


@lru_cache(maxsize=16)
def _reverse_model(positions, seed):
    s = REVERSE_SETTINGS
    model = Transformer(REVERSE_SYMBOLS + 1, 2 * REVERSE_LENGTH, d_model=s["d_model"], num_heads=s["num_heads"],
                        num_layers=s["num_layers"], positions=positions, seed=seed)
    X, y, _, _ = _split()

    def train(m):
        with _one_blas_thread():
            fit(m, X, y, "adam", epochs=s["epochs"], batch_size=s["batch_size"], learning_rate=s["learning_rate"],
                seed=seed, verbose=0)

    return _load_or_train(model, f"reverse_transformer_v1_{positions}_s{seed}", train)


def reverse_model(positions: str = "learned", seed: int = 0) -> Transformer:
    """The decoder-only Transformer of REVERSE_SETTINGS (2 layers of 2 heads, d_model 16, causal) trained on
    reverse_split()'s training sequences (Adam 0.01, 10 epochs of batches of 64, the loss over every position),
    with positions 'learned', 'sine' or 'none'. ~5 s the first time, then read from the disk cache."""
    if positions not in ("learned", "sine", "none"):
        raise ValueError(f"positions must be 'learned', 'sine' or 'none', got {positions!r}.")
    return copy.deepcopy(_reverse_model(positions, check_int(seed, "seed", low=0)))


def attend(model: Transformer, X, scaled: bool = True, causal: bool = True, positions: bool = True,
           heads=None):
    """The model's forward pass with a part switched off, for looking inside (no training):
    scaled=False   scores q.k without the 1/sqrt(key_dim);  causal=False: every position sees every other
    positions=False  the position code is not added
    heads          None (all), or the (layer, head) pairs whose outputs are kept; the others' are zeroed
    Returns (logits (n, T, V), [attention weights (n, H, T, T) per block])."""
    X = model._check_X(X)
    with _one_blas_thread():
        result = _attend(model, X, scaled, causal, positions, None if heads is None else set(heads))
        _forget(model, X)
    return result


def _attend(model, X, scaled, causal, positions, heads=None):
    h = model.embedding.forward(X)
    if positions and model.position is not None:
        h = model.position.forward(h)
    maps = []
    for layer, block in enumerate(model.blocks):
        mha = block.attention
        u = block.norm1.forward(h)
        Q = np.einsum("ntd,dhk->nhtk", u, mha.Wq) + mha.bq[:, None]
        K = np.einsum("ntd,dhk->nhtk", u, mha.Wk) + mha.bk[:, None]
        V = np.einsum("ntd,dhk->nhtk", u, mha.Wv) + mha.bv[:, None]
        O, A = scaled_dot_product_attention(Q, K, V, use_causal_mask=causal, scale=None if scaled else 1.0)
        maps.append(A)
        if heads is not None:  # an ablation: the heads not kept add nothing to the residual stream
            O = O * np.array([(layer, i) in heads for i in range(O.shape[1])], float)[:, None, None]
        h = h + np.einsum("nhtv,hvd->ntd", O, mha.Wo) + mha.bo
        h = block.mlp_block.forward(h)
    return model.head.forward(model.final_norm.forward(h)), maps


def score_statistics(d_k: int, scaled: bool = True, T: int = 10, n: int = 500, seed: int = 0) -> dict:
    """Attention on random queries and keys with unit-variance entries (what a freshly initialised layer
    sees after a layer norm): the scores' standard deviation, the mean largest weight of a row, and the mean
    norm of the gradient that reaches the scores, ||ds||, for a random unit-variance upstream gradient g of
    the output (values unit-variance too; n rows of T keys). With scaled=False the scores grow like sqrt(d_k), the softmax
    saturates (largest weight -> 1) and ds = a (da - sum a da) -> 0. Also: grad_others, the mean |ds| on the
    keys that are not their row's largest weight, and grad_q, the mean ||dq|| (dq = c ds k)."""
    d_k = check_int(d_k, "d_k", low=1)
    rng = np.random.default_rng(seed)
    q, k, v = rng.standard_normal((n, T, d_k)), rng.standard_normal((n, T, d_k)), rng.standard_normal((n, T, 4))
    c = 1 / np.sqrt(d_k) if scaled else 1.0
    with _one_blas_thread():
        s = c * q @ np.swapaxes(k, 1, 2)
        out, a = scaled_dot_product_attention(q, k, v, scale=c)
        g = rng.standard_normal(out.shape)
        da = g @ np.swapaxes(v, 1, 2)
        ds = a * (da - (a * da).sum(-1, keepdims=True))
        dq = c * ds @ k
    others = a < a.max(-1, keepdims=True)
    return {"score_std": float(s.std()), "max_weight": float(a.max(-1).mean()),
            "grad_norm": float(np.linalg.norm(ds, axis=(1, 2)).mean()),
            "grad_others": float(np.abs(ds[others]).mean()), "grad_q": float(np.linalg.norm(dq, axis=(1, 2)).mean())}


TOKENS = "012345|"


def format_sequence(ids) -> str:
    """'3 1 4 1 5 | 5 1 4 1 3' for ids of the reversal task."""
    return " ".join(TOKENS[int(i)] for i in ids)
