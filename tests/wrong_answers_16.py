"""Lesson 16's typical wrong answers (joined into test_exercises.WRONG_CODE / WRONG_QUIZ): each must fail its
checker, and most get their own diagnosis (tests/test_lesson_16.py)."""
import numpy as np


def attention(q, k, v, mask="causal", scale="sqrt", axis=-1, stable=True):
    T, d = q.shape[-2], q.shape[-1]
    c = {"sqrt": 1 / np.sqrt(d), "none": 1.0, "d": 1 / d}[scale]
    s = q @ np.swapaxes(k, -1, -2) * c
    if mask == "causal":
        s = np.where(np.tril(np.ones((T, T), bool)), s, -np.inf)
    elif mask == "anti":
        s = np.where(np.triu(np.ones((T, T), bool)), s, -np.inf)
    elif mask == "zero":  # masked scores set to 0 instead of -inf: they still get weight
        s = np.where(np.tril(np.ones((T, T), bool)), s, 0.0)
    elif mask == "strict":  # a query may not see itself
        s = np.where(np.tril(np.ones((T, T), bool), -1), s, -np.inf)
    with np.errstate(all="ignore"):
        e = np.exp(s - s.max(axis=axis, keepdims=True)) if stable else np.exp(s)
        return (e / e.sum(axis=axis, keepdims=True)) @ v


WRONG_CODE_16 = {
    "16.causal_attention": [
        lambda q, k, v: attention(q, k, v, mask=None),          # no mask: later positions leak in
        lambda q, k, v: attention(q, k, v, mask="anti"),        # the upper triangle
        lambda q, k, v: attention(q, k, v, scale="none"),       # not scaled
        lambda q, k, v: attention(q, k, v, scale="d"),          # divided by d_k
        lambda q, k, v: attention(q, k, v, axis=-2),            # softmax over the queries
        lambda q, k, v: attention(q, k, v, stable=False),       # exp overflows on large scores
        lambda q, k, v: attention(q, k, v, mask="zero"),        # masked scores 0, not -inf
        lambda q, k, v: attention(q, k, v, mask="strict"),      # a query cannot see itself (nan on row 0)
    ],
    "16.split_heads": [
        lambda x, num_heads: x.reshape(x.shape[0], num_heads, x.shape[1], -1),                  # plain reshape
        lambda x, num_heads: x.reshape(x.shape[0], x.shape[1], num_heads, -1),                  # heads not moved
        lambda x, num_heads: x.reshape(x.shape[0], x.shape[1], -1, num_heads).transpose(0, 3, 1, 2),  # interleaved
        lambda x, num_heads: x.reshape(x.shape[0], x.shape[1], num_heads, -1).transpose(0, 2, 3, 1),  # d_k, T swapped
        lambda x, num_heads: x.reshape(x.shape[0], x.shape[1], num_heads, -1).transpose(2, 0, 1, 3),  # heads first
    ],
    "16.merge_heads": [
        lambda heads: heads.reshape(heads.shape[0], heads.shape[2], -1),                        # plain reshape
        lambda heads: heads.transpose(0, 2, 3, 1).reshape(heads.shape[0], heads.shape[2], -1),  # interleaved
        lambda heads: heads.sum(axis=1),                                                        # heads added
        lambda heads: heads.mean(axis=1),                                                       # heads averaged
        lambda heads: heads.transpose(0, 2, 1, 3)[:, :, 0],                                     # the first head only
    ],
}

WRONG_QUIZ_16 = {"16.score_std": 64, "16.mha_params": 1024, "16.swap_without_positions": "change"}
