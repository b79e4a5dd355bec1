"""Lesson 16 (attention and the transformer): scaled dot-product attention with a causal mask, splitting the
features into heads and merging them back.

Each exercise's cases (the place for its edge cases), reference, diagnoses and twin, then the
CodeExercise entries that code.py collects."""
from __future__ import annotations

import numpy as np

from ..i18n import N_, gettext_ as _
from ..core.attention import scaled_dot_product_attention
from .common import bound
from .hints import Ladder
from .runner import Case, CodeExercise, Mismatch

# (n sequences, T positions, d_k, d_v): a batch of one, one position, d_k != d_v, an odd T
ATTENTION_SHAPES = ((3, 5, 4, 4), (1, 4, 3, 2), (2, 1, 2, 3), (4, 7, 5, 1), (1, 6, 8, 8))


def _attention_cases(rng):
    cases = []
    for n, T, dk, dv in ATTENTION_SHAPES:
        note = _("n = {n} sequences, T = {T} positions, d_k = {dk}, d_v = {dv}").format(n=n, T=T, dk=dk, dv=dv)
        cases.append(Case({"q": rng.normal(size=(n, T, dk)), "k": rng.normal(size=(n, T, dk)),
                           "v": rng.normal(size=(n, T, dv))}, note))
    # scores in the hundreds: exp overflows unless the largest score of each row is taken off first
    cases.append(Case({"q": 30 * rng.normal(size=(2, 4, 3)), "k": 30 * rng.normal(size=(2, 4, 3)),
                       "v": rng.normal(size=(2, 4, 2))}, _("scores in the hundreds (a large-score row)")))
    return cases


def _attention_ref(q, k, v):
    """softmax(q k^T / sqrt(d_k)) v with query t seeing keys 0..t (the exact 1/sqrt(d_k), not Keras's float32)."""
    return scaled_dot_product_attention(q, k, v, use_causal_mask=True, scale=1 / np.sqrt(q.shape[-1]))[0]


def _variant(q, k, v, mask="causal", scale=None, axis=-1):
    T = q.shape[-2]
    s = q @ np.swapaxes(k, -1, -2) * (1 / np.sqrt(q.shape[-1]) if scale is None else scale)
    if mask == "causal":
        s = np.where(np.tril(np.ones((T, T), bool)), s, -np.inf)
    elif mask == "anti":
        s = np.where(np.triu(np.ones((T, T), bool)), s, -np.inf)
    e = np.exp(s - s.max(axis=axis, keepdims=True))
    return (e / e.sum(axis=axis, keepdims=True)) @ v


def _attention_diagnose(args, expected, got):
    q, k, v = (args[name] for name in ("q", "k", "v"))
    single = np.asarray(got).dtype == np.float32
    got = np.asarray(got, dtype=float)
    if got.shape != expected.shape:
        return None
    if single and np.allclose(got, expected, rtol=1e-4, atol=1e-5):
        return (_("your outputs are right to about 7 digits only: they were computed in float32. Keep NumPy's "
                "float64 (no astype(np.float32), no dtype=np.float32)."))
    if np.allclose(got, expected, rtol=1e-5, atol=1e-6):  # float32 somewhere inside, the result cast back
        return (_("your outputs are right to about 6 or 7 digits only: a step was computed in float32 (or with a "
                "rounded constant). Keep NumPy's float64 throughout (no astype(np.float32), no dtype=np.float32)."))
    d = q.shape[-1]
    close = lambda other: np.allclose(got, other, rtol=1e-7, atol=1e-10)  # noqa: E731
    if q.shape[-2] > 1 and close(_variant(q, k, v, mask=None)):
        return (_("your outputs use every position, later ones included: the first position's output should be "
                "its own value row, since it sees only itself."))
    if q.shape[-2] > 1 and close(_variant(q, k, v, mask="anti")):
        return _("each position of yours sees itself and the LATER positions: the mask is the wrong triangle.")
    if d > 1 and close(_variant(q, k, v, scale=1.0)):
        return _("your scores are not scaled: divide q.k by the square root of d_k.")
    if d > 1 and close(_variant(q, k, v, scale=1.0 / d)):
        return _("your scores are divided by d_k; the scale is 1/sqrt(d_k).")
    with np.errstate(all="ignore"):
        if q.shape[-2] > 1 and close(_variant(q, k, v, axis=-2)):
            return _("your softmax normalises over the queries (down a column); each query's weights (a row) sum to 1.")
    if np.all(np.isfinite(expected)) and not np.all(np.isfinite(got)):
        return (_("some of your outputs are nan or inf: exp of a large score overflows. Subtract each row's largest "
                "visible score before exp (the softmax does not change)."))
    return None


def _attention_twin(func) -> str:
    import keras  # noqa: PLC0415

    rng = np.random.default_rng(11)
    q, k, v = rng.normal(size=(2, 6, 4)), rng.normal(size=(2, 6, 4)), rng.normal(size=(2, 6, 3))
    # Keras takes (batch, T, heads, d): one head
    ref = np.asarray(keras.ops.dot_product_attention(q[:, :, None], k[:, :, None], v[:, :, None],
                                                     is_causal=True))[:, :, 0]
    mine = np.asarray(func(q=q.copy(), k=k.copy(), v=v.copy()), dtype=float)
    err = float(np.max(np.abs(mine - ref)))
    if not err < 1e-12:
        raise Mismatch(_("keras.ops.dot_product_attention(is_causal=True) disagrees with yours by {err:.3g}.").format(err=err))
    return _("keras.ops.dot_product_attention(is_causal=True) agrees {bound}.").format(bound=bound(err))


# (n, T, d_model, heads): a batch of one, one position, one head, one feature per head, heads != T
SPLIT_SHAPES = ((2, 5, 6, 2), (1, 3, 8, 4), (3, 1, 4, 2), (2, 4, 6, 1), (1, 2, 3, 3), (2, 3, 12, 3))


def _split_cases(rng):
    return [Case({"x": rng.normal(size=(n, T, d)), "num_heads": H},
                 _("n = {n}, T = {T}, d_model = {d}, num_heads = {H}").format(n=n, T=T, d=d, H=H)) for n, T, d, H in SPLIT_SHAPES]


def _split_ref(x, num_heads):
    """(n, T, d_model) -> (n, heads, T, d_model / heads): head h holds the columns h*dk .. (h+1)*dk - 1."""
    n, T, d = x.shape
    return x.reshape(n, T, num_heads, d // num_heads).transpose(0, 2, 1, 3)


def _split_diagnose(args, expected, got):
    x, H = args["x"], args["num_heads"]
    n, T, d = x.shape
    got = np.asarray(got, dtype=float)
    if got.shape != expected.shape:
        return None
    if T > 1 and H > 1 and np.allclose(got, x.reshape(n, H, T, d // H)):
        return (_("a plain reshape to (n, heads, T, d_k) mixes positions into heads: it reads the numbers in memory "
                "order, where each position's d_model features lie side by side, so your head 0 holds the first "
                "positions' whole feature vectors, not the first d_k features of every position."))
    if H > 1 and d // H > 1 and np.allclose(got, x.reshape(n, T, d // H, H).transpose(0, 3, 1, 2)):
        return (_("your heads take every num_heads-th feature (interleaved); head h owns a block of d_k "
                "NEIGHBOURING features, h d_k to (h + 1) d_k - 1."))
    return None


def _merge_cases(rng):
    return [Case({"heads": rng.normal(size=(n, H, T, d // H))},
                 _("n = {n}, num_heads = {H}, T = {T}, d_k = {value}").format(n=n, H=H, T=T, value=d // H)) for n, T, d, H in SPLIT_SHAPES]


def _merge_ref(heads):
    """(n, heads, T, d_k) -> (n, T, heads * d_k): the inverse of split_heads."""
    n, H, T, dk = heads.shape
    return heads.transpose(0, 2, 1, 3).reshape(n, T, H * dk)


def _merge_diagnose(args, expected, got):
    heads = args["heads"]
    n, H, T, dk = heads.shape
    got = np.asarray(got, dtype=float)
    if got.shape != expected.shape:
        return None
    if T > 1 and H > 1 and np.allclose(got, heads.reshape(n, T, H * dk)):
        return (_("a plain reshape to (n, T, heads * d_k) mixes heads into positions: it reads the numbers in memory "
                "order, head by head, so your position 0 is head 0's first positions rather than every head's "
                "features at position 0."))
    if H > 1 and dk > 1 and np.allclose(got, heads.transpose(0, 2, 3, 1).reshape(n, T, H * dk)):
        return _("your features interleave the heads; head h's d_k features must stay together, block after block.")
    return None


def _split_twin(func) -> str:
    """Keras's MultiHeadAttention kernel (d_model, heads, key_dim) is one Dense's (d_model, heads * key_dim) kernel
    whose columns are split into heads: split_heads(x @ W) must equal Keras's per-head queries."""
    rng = np.random.default_rng(12)
    x, W = rng.normal(size=(2, 4, 6)), rng.normal(size=(6, 3, 2))
    per_head = np.einsum("ntd,dhk->nhtk", x, W)  # Keras's einsum "abc,cde->abde", heads moved before positions
    mine = np.asarray(func(x=x @ W.reshape(6, 6), num_heads=3), dtype=float)
    err = float(np.max(np.abs(mine - per_head)))
    if not err < 1e-12:
        raise Mismatch(_("your heads differ from the per-head queries of a Keras-layout kernel by {err:.3g}.").format(err=err))
    return _("Your heads of x @ W equal the per-head queries of Keras's (d_model, heads, key_dim) kernel {bound}.").format(bound=bound(err))


EXERCISES = [
    CodeExercise("16.causal_attention", "causal_attention", ("q", "k", "v"), _attention_cases, _attention_ref,
                 ladder=Ladder(
                     "Attention, derived",
                     "Look at the first position's output: it sees only itself, so it must be v's first row. Then "
                     "check that each query's weights sum to 1, and the case with scores in the hundreds.",
                     "Every query scores every key with a scaled dot product; a query may not look at later "
                     "positions, so those scores are taken out before the softmax over the keys; the output is "
                     "the weighted mean of the value rows.",
                     "s = q times k transposed (last two axes), times 1/sqrt(d_k); where the key's position is after "
                     "the query's, set s to minus infinity; subtract each row's maximum, exponentiate, divide by the "
                     "row's sum; multiply the weights by v."),
                 good="A masked score of -inf (or Keras's -1e9) becomes a weight of exactly 0 after the softmax.",
                 diagnose=_attention_diagnose, twin=_attention_twin),
    CodeExercise("16.split_heads", "split_heads", ("x", "num_heads"), _split_cases, _split_ref,
                 ladder=Ladder(
                     "Several heads",
                     "Check the shape first: (n, num_heads, T, d_model / num_heads). Then check head 0 of one "
                     "position: it must be that position's first d_k features.",
                     "Head h owns the block of d_k neighbouring features h d_k .. (h + 1) d_k - 1 of every position; "
                     "the heads become a batch axis in front of the positions, so that each head attends on its own.",
                     "Reshape the last axis into (num_heads, d_k), giving (n, T, num_heads, d_k); then swap the "
                     "positions axis and the heads axis."),
                 good="Reshaping the last axis keeps each head's features together; the transpose makes the heads "
                      "a batch axis.",
                 diagnose=_split_diagnose, twin=_split_twin),
    CodeExercise("16.merge_heads", "merge_heads", ("heads",), _merge_cases, _merge_ref,
                 ladder=Ladder(
                     "Several heads",
                     "Your result must undo split_heads: (n, T, num_heads * d_k), position t's features being head "
                     "0's d_k numbers, then head 1's, and so on.",
                     "Bring the positions axis back in front of the heads axis; then each position's heads, "
                     "side by side, form its features.",
                     "Swap the heads axis and the positions axis, giving (n, T, num_heads, d_k); then reshape the "
                     "last two axes into one of num_heads * d_k."),
                 good="merge_heads(split_heads(x)) is x: the output kernel Wo then mixes the heads' features.",
                 diagnose=_merge_diagnose),
]
