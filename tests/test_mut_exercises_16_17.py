"""Mutation tests for the checkers of lessons 16 and 17 (causal attention, splitting and merging heads, the
reparameterisation trick and the VAE's KL), in the style of tests/test_mut_exercises_14_15.py: every typical
wrong answer fails with its headline and its diagnosis pinned word for word (seed 0), a right answer written
differently and the instructors' pass on several seeds with the message pinned, the cases are the pinned ones
with the properties their notes claim, each diagnosis is refused where its guard says it cannot be told apart,
and the quizzes' known wrong answers get their own messages. NumPy only: the twins run against NumPy stand-ins
for keras.ops.dot_product_attention and tf.GradientTape (the real ones run in test_exercises.py)."""
import sys
import types

import numpy as np
import pytest

from dlteach import solutions
from dlteach.exercises import CODE_EXERCISES, _verdict, check
from dlteach.exercises import lesson_16, lesson_17
from dlteach.exercises.runner import Mismatch, run
from exercise_tables_support import (_ladders_at_the_bottom, assert_cases_pinned, assert_fails_with,  # noqa: F401
                                     assert_right_and_instructors_pass, assert_twin_agrees_then_refuses,
                                     checked_lines, nan_off_the_cases, without_twin)
from wrong_answers_16 import WRONG_CODE_16, attention
from wrong_answers_17 import WRONG_CODE_17


def _tril(T, k=0):
    return np.tril(np.ones((T, T), bool), k)


def _softmax_rows(s):
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


# ---------------------------------------------------------------- 16.causal_attention

def ca_no_mask(q, k, v):
    return attention(q, k, v, mask=None)


def ca_upper_triangle(q, k, v):
    return attention(q, k, v, mask="anti")


def ca_not_scaled(q, k, v):
    return attention(q, k, v, scale="none")


def ca_divided_by_d(q, k, v):
    return attention(q, k, v, scale="d")


def ca_softmax_over_queries(q, k, v):
    return attention(q, k, v, axis=-2)


def ca_unstable(q, k, v):
    return attention(q, k, v, stable=False)


def ca_masked_to_zero(q, k, v):
    return attention(q, k, v, mask="zero")


def ca_float32(q, k, v):
    q, k, v = (np.asarray(a, dtype=np.float32) for a in (q, k, v))
    return attention(q, k, v).astype(np.float32)  # NumPy 2 would promote q k^T times a float64 scale


def ca_float32_step(q, k, v):
    """float32 scores, cast back to float64 before the softmax: the result is a float64 array."""
    s = (np.float32(q) @ np.swapaxes(np.float32(k), 1, 2)).astype(float) / np.sqrt(q.shape[-1])
    return _softmax_rows(np.where(_tril(q.shape[1]), s, -np.inf)) @ v


def ca_right(q, k, v):
    """A loop over queries: query t takes a softmax over keys 0..t."""
    out = np.empty(q.shape[:2] + v.shape[2:])
    for t in range(q.shape[1]):
        s = np.einsum("nd,nsd->ns", q[:, t], k[:, :t + 1]) / np.sqrt(q.shape[2])
        w = np.exp(s - s.max(axis=1, keepdims=True))
        out[:, t] = np.einsum("ns,nsd->nd", w / w.sum(axis=1, keepdims=True), v[:, :t + 1])
    return out


# ---------------------------------------------------------------- 16.split_heads / 16.merge_heads

def sh_plain_reshape(x, num_heads):
    return x.reshape(x.shape[0], num_heads, x.shape[1], -1)


def sh_interleaved(x, num_heads):
    return x.reshape(x.shape[0], x.shape[1], -1, num_heads).transpose(0, 3, 1, 2)


def sh_heads_first(x, num_heads):
    return x.reshape(x.shape[0], x.shape[1], num_heads, -1).transpose(2, 0, 1, 3)


def sh_heads_not_moved(x, num_heads):
    return x.reshape(x.shape[0], x.shape[1], num_heads, -1)


def sh_right(x, num_heads):
    return np.stack(np.split(x, num_heads, axis=-1), axis=1)


def mh_plain_reshape(heads):
    return heads.reshape(heads.shape[0], heads.shape[2], -1)


def mh_interleaved(heads):
    return heads.transpose(0, 2, 3, 1).reshape(heads.shape[0], heads.shape[2], -1)


def mh_heads_added(heads):
    return heads.sum(axis=1)


def mh_heads_reversed(heads):
    return heads[:, ::-1].transpose(0, 2, 1, 3).reshape(heads.shape[0], heads.shape[2], -1)


def mh_right(heads):
    return np.concatenate([heads[:, h] for h in range(heads.shape[1])], axis=-1)


# ---------------------------------------------------------------- 17.reparameterize

def _rep(mu, log_var, eps, g, sigma=None, d_mu=None, d_log_var=None):
    s = np.exp(0.5 * log_var)
    z = mu + (s if sigma is None else sigma) * eps
    return z, g if d_mu is None else d_mu, 0.5 * g * eps * s if d_log_var is None else d_log_var


def rp_variance(mu, log_var, eps, g):
    return _rep(mu, log_var, eps, g, sigma=np.exp(log_var))


def rp_log_var(mu, log_var, eps, g):
    return _rep(mu, log_var, eps, g, sigma=log_var)


def rp_half_log_var(mu, log_var, eps, g):
    return _rep(mu, log_var, eps, g, sigma=0.5 * log_var)


def rp_d_mu_sigma(mu, log_var, eps, g):
    return _rep(mu, log_var, eps, g, d_mu=g * np.exp(0.5 * log_var))


def rp_d_log_var_no_half(mu, log_var, eps, g):
    return _rep(mu, log_var, eps, g, d_log_var=g * eps * np.exp(0.5 * log_var))


def rp_d_log_var_g_eps(mu, log_var, eps, g):
    return _rep(mu, log_var, eps, g, d_log_var=g * eps)


def rp_d_log_var_no_eps(mu, log_var, eps, g):
    return _rep(mu, log_var, eps, g, d_log_var=g * np.exp(0.5 * log_var) / 2)


def rp_d_log_var_half_eps(mu, log_var, eps, g):
    return _rep(mu, log_var, eps, g, d_log_var=0.5 * g * eps)


def rp_two_outputs(mu, log_var, eps, g):
    return _rep(mu, log_var, eps, g)[:2]


def rp_right(mu, log_var, eps, g):
    sigma = np.sqrt(np.exp(log_var))
    z = mu + sigma * eps
    return z, g * np.ones_like(mu), g * (z - mu) / 2


# ---------------------------------------------------------------- 17.gaussian_kl

def _kl(mu, log_var, kl=None, d_mu=None, d_log_var=None):
    right = -0.5 * np.sum(1 + log_var - mu**2 - np.exp(log_var), axis=-1)
    return (right if kl is None else kl, mu if d_mu is None else d_mu,
            0.5 * (np.exp(log_var) - 1) if d_log_var is None else d_log_var)


def kl_no_half(mu, log_var):
    return _kl(mu, log_var, kl=-np.sum(1 + log_var - mu**2 - np.exp(log_var), axis=-1))


def kl_exp_2_log_var(mu, log_var):
    return _kl(mu, log_var, kl=-0.5 * np.sum(1 + log_var - mu**2 - np.exp(2 * log_var), axis=-1))


def kl_log_var_sign(mu, log_var):
    return _kl(mu, log_var, kl=-0.5 * np.sum(1 - log_var - mu**2 - np.exp(log_var), axis=-1))


def kl_mean(mu, log_var):
    return _kl(mu, log_var, kl=-0.5 * np.mean(1 + log_var - mu**2 - np.exp(log_var), axis=-1))


def kl_d_log_var_no_half(mu, log_var):
    return _kl(mu, log_var, d_log_var=np.exp(log_var) - 1)


def kl_d_log_var_sign(mu, log_var):
    return _kl(mu, log_var, d_log_var=0.5 * (1 - np.exp(log_var)))


def kl_d_mu_twice(mu, log_var):
    return _kl(mu, log_var, d_mu=2 * mu)


def kl_d_mu_half(mu, log_var):
    return _kl(mu, log_var, d_mu=mu / 2)


def kl_one_number(mu, log_var):
    kl, d_mu, d_log_var = _kl(mu, log_var)
    return kl.sum(), d_mu, d_log_var


def kl_right(mu, log_var):
    var = np.exp(log_var)
    return 0.5 * np.einsum("ij->i", mu * mu + var - log_var - 1), 1.0 * mu, 0.5 * np.expm1(log_var)


NOT_RIGHT_A = "Your result is not right (n = 3 sequences, T = 5 positions, d_k = 4, d_v = 4)."
NOT_RIGHT_S = "Your result is not right (n = 2, T = 5, d_model = 6, num_heads = 2)."
NOT_RIGHT_M = "Your result is not right (n = 2, num_heads = 2, T = 5, d_k = 3)."
# (exercise, wrong answer): the message's headline and its last line before the hint, for seed 0
WRONG = {
    ("16.causal_attention", ca_no_mask): (
        NOT_RIGHT_A, "Your outputs use every position, later ones included: the first position's output should be "
                     "its own value row, since it sees only itself."),
    ("16.causal_attention", ca_upper_triangle): (
        NOT_RIGHT_A, "Each position of yours sees itself and the LATER positions: the mask is the wrong triangle."),
    ("16.causal_attention", ca_not_scaled): (
        NOT_RIGHT_A, "Your scores are not scaled: divide q.k by the square root of d_k."),
    ("16.causal_attention", ca_divided_by_d): (
        NOT_RIGHT_A, "Your scores are divided by d_k; the scale is 1/sqrt(d_k)."),
    ("16.causal_attention", ca_softmax_over_queries): (
        NOT_RIGHT_A, "Your softmax normalises over the queries (down a column); each query's weights (a row) sum "
                     "to 1."),
    ("16.causal_attention", ca_masked_to_zero): (NOT_RIGHT_A, "largest difference 1.47 at index (0, 0, 3)"),
    ("16.causal_attention", ca_unstable): (
        "Your result contains NaN (expected [[[-1.46235  0.84978]", "case: scores in the hundreds (a large-score row)"),
    ("16.causal_attention", ca_float32): (
        NOT_RIGHT_A, "Your outputs are right to about 7 digits only: they were computed in float32. Keep NumPy's "
                     "float64 (no astype(np.float32), no dtype=np.float32)."),
    ("16.causal_attention", ca_float32_step): (
        NOT_RIGHT_A, "Your outputs are right to about 6 or 7 digits only: a step was computed in float32 (or with a "
                     "rounded constant). Keep NumPy's float64 throughout (no astype(np.float32), no "
                     "dtype=np.float32)."),
    ("16.split_heads", sh_plain_reshape): (
        NOT_RIGHT_S, "A plain reshape to (n, heads, T, d_k) mixes positions into heads: it reads the numbers in "
                     "memory order, where each position's d_model features lie side by side, so your head 0 holds "
                     "the first positions' whole feature vectors, not the first d_k features of every position."),
    ("16.split_heads", sh_interleaved): (
        NOT_RIGHT_S, "Your heads take every num_heads-th feature (interleaved); head h owns a block of d_k "
                     "NEIGHBOURING features, h d_k to (h + 1) d_k - 1."),
    ("16.split_heads", sh_heads_first): (NOT_RIGHT_S, "largest difference 2.08 at index (0, 1, 2, 0)"),
    ("16.merge_heads", mh_plain_reshape): (
        NOT_RIGHT_M, "A plain reshape to (n, T, heads * d_k) mixes heads into positions: it reads the numbers in "
                     "memory order, head by head, so your position 0 is head 0's first positions rather than every "
                     "head's features at position 0."),
    ("16.merge_heads", mh_interleaved): (
        NOT_RIGHT_M, "Your features interleave the heads; head h's d_k features must stay together, block after "
                     "block."),
    ("17.reparameterize", rp_variance): (
        "`z` is not right (4 samples, 2 latent numbers).",
        "Your z scales eps by exp(log_var), the variance; the standard deviation is its square root."),
    ("17.reparameterize", rp_log_var): (
        "`z` is not right (4 samples, 2 latent numbers).",
        "Your z scales eps by log_var itself; sigma is exp(log_var / 2)."),
    ("17.reparameterize", rp_half_log_var): (
        "`z` is not right (4 samples, 2 latent numbers).",
        "Your z scales eps by log_var / 2, the log of sigma, not sigma."),
    ("17.reparameterize", rp_d_mu_sigma): (
        "`d_mu` is not right (4 samples, 2 latent numbers).",
        "Your d_mu is g times sigma; z moves one for one with mu."),
    ("17.reparameterize", rp_d_log_var_no_half): (
        "`d_log_var` is not right (4 samples, 2 latent numbers).",
        "Your d_log_var is twice the expected one: sigma = exp(log_var / 2) brings a 1/2."),
    ("17.reparameterize", rp_d_log_var_g_eps): (
        "`d_log_var` is not right (4 samples, 2 latent numbers).",
        "Your d_log_var leaves out how sigma changes with log_var."),
    ("17.reparameterize", rp_d_log_var_no_eps): (
        "`d_log_var` is not right (4 samples, 2 latent numbers).",
        "Your d_log_var leaves out eps: z = mu + sigma eps moves with sigma times eps."),
    ("17.reparameterize", rp_d_log_var_half_eps): (
        "`d_log_var` is not right (4 samples, 2 latent numbers).",
        "Right in this case: `z`, `d_mu`; not right: `d_log_var`."),
    ("17.gaussian_kl", kl_no_half): (
        "`kl` is not right (4 samples, 2 latent numbers).",
        "Your KL is twice the expected one: the formula has a factor 1/2."),
    ("17.gaussian_kl", kl_exp_2_log_var): (
        "`kl` is not right (4 samples, 2 latent numbers).",
        "Your KL uses exp(2 log_var): the variance is exp(log_var) itself."),
    ("17.gaussian_kl", kl_log_var_sign): (
        "`kl` is not right (4 samples, 2 latent numbers).", "Your KL has the sign of the log_var term wrong."),
    ("17.gaussian_kl", kl_mean): (
        "`kl` is not right (4 samples, 2 latent numbers).",
        "Your KL averages over the 2 latent numbers; the KL of independent numbers adds up."),
    ("17.gaussian_kl", kl_d_log_var_no_half): (
        "`d_log_var` is not right (4 samples, 2 latent numbers).",
        "Your d_log_var is twice the expected one: the KL's factor 1/2 stays in its gradient."),
    ("17.gaussian_kl", kl_d_log_var_sign): (
        "`d_log_var` is not right (4 samples, 2 latent numbers).", "Your d_log_var has the wrong sign."),
    ("17.gaussian_kl", kl_d_mu_twice): (
        "`d_mu` is not right (4 samples, 2 latent numbers).",
        "Your d_mu is 2 mu: the 1/2 in front of the sum multiplies the derivative of mu^2."),
    ("17.gaussian_kl", kl_d_mu_half): (
        "`d_mu` is not right (4 samples, 2 latent numbers).", "Every entry of your d_mu is 0.5 times the expected one."),
}
# a wrong shape: the whole message is one line
WRONG_SHAPE = {
    ("16.split_heads", sh_heads_not_moved): "Your result has shape (2, 5, 2, 3), expected (2, 2, 5, 3). Same number "
                                            "of entries: a missing or extra reshape, or a transposed operand?",
    ("16.merge_heads", mh_heads_added): "Your result has shape (2, 5, 3), expected (2, 5, 6).",
    ("17.gaussian_kl", kl_one_number): "`kl` has shape (), expected (4,).",
}
RIGHT = {"16.causal_attention": ca_right, "16.split_heads": sh_right, "16.merge_heads": mh_right,
         "17.reparameterize": rp_right, "17.gaussian_kl": kl_right}
PASSED_SAYS = {
    "16.causal_attention": "6 cases passed. A masked score of -inf (or Keras's -1e9) becomes a weight of exactly 0 "
                           "after the softmax.",
    "16.split_heads": "6 cases passed. Reshaping the last axis keeps each head's features together; the transpose "
                      "makes the heads a batch axis.",
    "16.merge_heads": "6 cases passed. merge_heads(split_heads(x)) is x: the output kernel Wo then mixes the heads' "
                      "features.",
    "17.reparameterize": "6 cases passed. With eps = 0 nothing reached log_var: the reconstruction reaches the "
                         "variance only through the noise.",
    "17.gaussian_kl": "6 cases passed. Where q was the prior, the KL and both gradients were exactly 0: the prior is "
                      "the KL's only minimum.",
}

_ATT = ((3, 5, 4, 4), (1, 4, 3, 2), (2, 1, 2, 3), (4, 7, 5, 1), (1, 6, 8, 8))
_HEADS = ((2, 5, 6, 2), (1, 3, 8, 4), (3, 1, 4, 2), (2, 4, 6, 1), (1, 2, 3, 3), (2, 3, 12, 3))
_REP = ((4, 2), (1, 3), (5, 1), (3, 7), (3, 2), (2, 3))
_KL = ((4, 2), (1, 3), (6, 1), (3, 5), (2, 3), (2, 2))
# seed 0's cases: notes, the shapes of the arguments in order, one digest of every value
CASES = {
    "16.causal_attention": (
        [f"n = {n} sequences, T = {T} positions, d_k = {dk}, d_v = {dv}" for n, T, dk, dv in _ATT]
        + ["scores in the hundreds (a large-score row)"],
        [(("q", (n, T, dk)), ("k", (n, T, dk)), ("v", (n, T, dv))) for n, T, dk, dv in _ATT + ((2, 4, 3, 2),)],
        633.3441397405854),
    "16.split_heads": (
        [f"n = {n}, T = {T}, d_model = {d}, num_heads = {H}" for n, T, d, H in _HEADS],
        [(("x", (n, T, d)), ("num_heads", ())) for n, T, d, H in _HEADS], 127.25510117408272),
    "16.merge_heads": (
        [f"n = {n}, num_heads = {H}, T = {T}, d_k = {d // H}" for n, T, d, H in _HEADS],
        [(("heads", (n, H, T, d // H)),) for n, T, d, H in _HEADS], 65.57129361785852),
    "17.reparameterize": (
        ["4 samples, 2 latent numbers", "a batch of one", "one latent number", "3 samples, 7 latent numbers",
         "eps = 0 (the code at inference): z = mu", "very small and very large variances (log_var from -12 to 9)"],
        [tuple((a, s) for a in ("mu", "log_var", "eps", "g")) for s in _REP], 497.56558654462793),
    "17.gaussian_kl": (
        ["4 samples, 2 latent numbers", "a batch of one", "one latent number", "3 samples, 5 latent numbers",
         "q equal to the prior (mu = 0, log_var = 0): KL = 0, gradients 0",
         "far from the prior: large mu, log_var from -15 to 4"],
        [(("mu", s), ("log_var", s)) for s in _KL], 131.29463406152655),
}


@pytest.mark.parametrize("name,wrong", sorted(WRONG, key=lambda k: (k[0], k[1].__name__)),
                         ids=lambda v: getattr(v, "__name__", v))
def test_a_wrong_answer_fails_with_its_pinned_headline_and_diagnosis(name, wrong, capsys):
    assert_fails_with(name, wrong, *WRONG[name, wrong], capsys)


@pytest.mark.parametrize("name,wrong", sorted(WRONG_SHAPE, key=lambda k: (k[0], k[1].__name__)),
                         ids=lambda v: getattr(v, "__name__", v))
def test_a_wrong_shape_is_named_with_both_shapes(name, wrong, capsys):
    ok, lines = checked_lines(name, wrong, capsys)
    assert ok is False and lines[0] == "Not yet. " + WRONG_SHAPE[name, wrong]


def test_the_wrong_answers_files_all_fail():
    """wrong_answers_16/17 (joined into test_exercises.py, which needs TensorFlow) fail here without the twins."""
    for table in (WRONG_CODE_16, WRONG_CODE_17):
        for name, wrongs in table.items():
            for wrong in wrongs:
                with np.errstate(all="ignore"):
                    ok, _, attempted = run(without_twin(name), wrong, 0)
                assert (ok, attempted) == (False, True), (name, wrong)


@pytest.mark.parametrize("name", sorted(RIGHT))
def test_a_right_answer_written_differently_and_the_instructors_pass(name):
    assert_right_and_instructors_pass(name, RIGHT[name], PASSED_SAYS[name])


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_cases_are_the_pinned_ones(name):
    assert_cases_pinned(name, CASES[name][:2], CASES[name][2])


def test_the_edge_cases_hold_what_their_notes_say():
    """Attention's last case has scores in the hundreds (a plain exp overflows); the heads' num_heads divide
    d_model; reparameterize's eps = 0 case has eps exactly 0 and its variance case the pinned log_var; the KL's
    prior case is all zeros and its far case has large mu and the pinned log_var."""
    att = CODE_EXERCISES["16.causal_attention"].make_cases(np.random.default_rng(0))
    for case in att[:5]:
        assert np.abs(case.args["q"]).max() < 6 and np.abs(case.args["k"]).max() < 6
    q, k = att[5].args["q"], att[5].args["k"]
    s = q @ np.swapaxes(k, 1, 2) / np.sqrt(3)
    assert np.abs(s).max() > 100 and 10 < q.std() < 60
    with np.errstate(over="ignore"):
        assert not np.all(np.isfinite(np.exp(s)))
    for case, (n, T, d, H) in zip(CODE_EXERCISES["16.split_heads"].make_cases(np.random.default_rng(0)), _HEADS):
        assert case.args["num_heads"] == H and isinstance(case.args["num_heads"], int) and d % H == 0
    rep = CODE_EXERCISES["17.reparameterize"].make_cases(np.random.default_rng(0))
    assert np.all(rep[4].args["eps"] == 0) and all(np.all(c.args["eps"] != 0) for c in rep[:4] + rep[5:])
    np.testing.assert_array_equal(rep[5].args["log_var"], [[-12.0, 6.0, 0.0], [3.0, -6.0, 9.0]])
    kl = CODE_EXERCISES["17.gaussian_kl"].make_cases(np.random.default_rng(0))
    assert np.all(kl[4].args["mu"] == 0) and np.all(kl[4].args["log_var"] == 0)
    np.testing.assert_array_equal(kl[5].args["log_var"], [[-15.0, 4.0], [0.5, -3.0]])
    assert np.abs(kl[5].args["mu"]).max() > 2
    # on the prior the reference gives exactly 0; with eps = 0, z = mu and d_log_var = 0
    out = CODE_EXERCISES["17.gaussian_kl"].reference(**kl[4].args)
    assert all(np.all(np.asarray(o) == 0) for o in out)
    z, d_mu, d_log_var = CODE_EXERCISES["17.reparameterize"].reference(**rep[4].args)
    np.testing.assert_array_equal(z, rep[4].args["mu"])
    np.testing.assert_array_equal(d_mu, rep[4].args["g"])
    assert np.all(d_log_var == 0)


def test_the_references_are_the_formulas_written_out():
    rng = np.random.default_rng(7)
    q, k, v = rng.normal(size=(2, 5, 3)), rng.normal(size=(2, 5, 3)), rng.normal(size=(2, 5, 4))
    np.testing.assert_allclose(lesson_16._attention_ref(q, k, v), ca_right(q, k, v), rtol=0, atol=1e-14)
    x = rng.normal(size=(2, 3, 6))
    np.testing.assert_array_equal(lesson_16._split_ref(x, 3), sh_right(x, 3))
    heads = rng.normal(size=(2, 3, 4, 2))
    np.testing.assert_array_equal(lesson_16._merge_ref(heads), mh_right(heads))
    mu, log_var, eps, g = (rng.normal(size=(3, 2)) for _ in range(4))
    for mine, ref in zip(rp_right(mu, log_var, eps, g), lesson_17._reparameterize_ref(mu, log_var, eps, g)):
        np.testing.assert_allclose(ref, mine, rtol=1e-14, atol=0)
    for mine, ref in zip(kl_right(mu, log_var), lesson_17._kl_ref(mu, log_var)):
        np.testing.assert_allclose(ref, mine, rtol=1e-13, atol=1e-15)


# ---------------------------------------------------------------- each diagnosis where its guard holds

def _att_args(T=5, d=4, dv=3, seed=2):
    rng = np.random.default_rng(seed)
    return {"q": rng.normal(size=(2, T, d)), "k": rng.normal(size=(2, T, d)), "v": rng.normal(size=(2, T, dv))}


def test_the_attention_diagnoses_keep_to_their_guards():
    diagnose = lesson_16._attention_diagnose
    a = _att_args()
    expected = lesson_16._attention_ref(**a)
    assert diagnose(a, expected, expected[:, :-1]) is None                    # another shape: no diagnosis
    assert diagnose(a, expected, expected + 1.0) is None                      # wrong, none of the known ways
    assert diagnose(a, expected, ca_not_scaled(**a)).startswith("your scores are not scaled")
    # one feature: scale 1, 1/d and 1/sqrt(d) are the same; a wrong answer is not called unscaled
    a1 = _att_args(d=1)
    e1 = lesson_16._attention_ref(**a1)
    assert diagnose(a1, e1, ca_not_scaled(**{**a1, "q": 2 * a1["q"]})) is None
    # one position: every mask and either softmax axis give the same output
    aT = _att_args(T=1)
    eT = lesson_16._attention_ref(**aT)
    assert diagnose(aT, eT, eT + 1) is None
    # inf (not NaN) in an answer whose expected values are finite: the overflow diagnosis
    bad = expected.copy()
    bad[0, 0, 0] = np.inf
    assert diagnose(a, expected, bad).startswith("some of your outputs are nan or inf: exp of a large score")
    assert diagnose(a, np.full_like(expected, np.inf), bad) is None
    # float32 close to 1e-5 relative: named; a float32 answer far off is not called float32
    assert diagnose(a, expected, expected.astype(np.float32)).startswith("your outputs are right to about 7 digits")
    assert diagnose(a, expected, (expected * (1 + 3e-6)).astype(np.float32)).startswith("your outputs are right to "
                                                                                        "about 7 digits")
    assert diagnose(a, expected, (expected + 1e-3).astype(np.float32)) is None
    assert diagnose(a, expected, expected * (1 + 3e-6)).startswith("your outputs are right to about 6 or 7 digits")
    assert diagnose(a, expected, expected * (1 + 3e-5)) is None
    # the exact-variant tests are tight (relative 1e-7): an answer 3e-6 off a known mistake is not named after it
    assert diagnose(a, expected, ca_no_mask(**a) * (1 + 3e-6)) is None
    # two positions are enough for the wrong triangle
    a2 = _att_args(T=2)
    assert diagnose(a2, lesson_16._attention_ref(**a2), ca_upper_triangle(**a2)).startswith("each position of yours")


def test_the_variants_are_the_mistakes_written_out():
    a = _att_args()
    q, k, v = a["q"], a["k"], a["v"]
    T, d = 5, 4
    s = q @ np.swapaxes(k, 1, 2)
    np.testing.assert_allclose(lesson_16._variant(q, k, v), ca_right(q, k, v), rtol=1e-13)
    np.testing.assert_allclose(lesson_16._variant(q, k, v, mask=None), _softmax_rows(s / 2) @ v, rtol=1e-13)
    np.testing.assert_allclose(lesson_16._variant(q, k, v, mask="anti"),
                               _softmax_rows(np.where(_tril(T).T, s / 2, -np.inf)) @ v, rtol=1e-13)
    np.testing.assert_allclose(lesson_16._variant(q, k, v, scale=1.0),
                               _softmax_rows(np.where(_tril(T), s, -np.inf)) @ v, rtol=1e-13)
    np.testing.assert_allclose(lesson_16._variant(q, k, v, scale=1 / d),
                               _softmax_rows(np.where(_tril(T), s / d, -np.inf)) @ v, rtol=1e-13)


def test_the_heads_diagnoses_keep_to_their_guards():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(2, 3, 6))
    expected = lesson_16._split_ref(x, 3)
    d = lesson_16._split_diagnose
    assert d({"x": x, "num_heads": 3}, expected, sh_plain_reshape(x, 3)).startswith("a plain reshape to (n, heads")
    assert d({"x": x, "num_heads": 3}, expected, sh_interleaved(x, 3)).startswith("your heads take every")
    assert d({"x": x, "num_heads": 3}, expected, expected[:, :, :, :1]) is None
    assert d({"x": x, "num_heads": 3}, expected, expected + 1) is None
    # one feature per head: interleaved and blocks are the same split
    assert d({"x": x, "num_heads": 6}, lesson_16._split_ref(x, 6), sh_interleaved(x, 6)) is None
    heads = lesson_16._split_ref(x, 3)
    m = lesson_16._merge_diagnose
    assert m({"heads": heads}, x, mh_plain_reshape(heads)).startswith("a plain reshape to (n, T, heads * d_k)")
    assert m({"heads": heads}, x, mh_interleaved(heads)).startswith("your features interleave the heads")
    assert m({"heads": heads}, x, x[:, :, :3]) is None
    assert m({"heads": heads}, x, mh_heads_reversed(heads)) is None
    h1 = lesson_16._split_ref(x, 6)
    # two positions are enough for a plain reshape to mix positions and heads
    x2 = x[:, :2]
    h2 = lesson_16._split_ref(x2, 3)
    assert d({"x": x2, "num_heads": 3}, h2, sh_plain_reshape(x2, 3)).startswith("a plain reshape to (n, heads")
    assert m({"heads": h2}, x2, mh_plain_reshape(h2)).startswith("a plain reshape to (n, T, heads * d_k)")
    assert m({"heads": h1}, x, mh_interleaved(h1)) is None          # d_k = 1: interleaved is the right order


@pytest.mark.parametrize("exercise,diagnose", [("17.reparameterize", lesson_17._reparameterize_diagnose),
                                               ("17.gaussian_kl", lesson_17._kl_diagnose)])
def test_the_vae_diagnoses_want_three_outputs_and_a_real_difference(exercise, diagnose):
    case = CODE_EXERCISES[exercise].make_cases(np.random.default_rng(0))[0]
    expected = CODE_EXERCISES[exercise].reference(**case.args)
    wrong = {"17.reparameterize": rp_variance, "17.gaussian_kl": kl_no_half}[exercise](**case.args)
    assert diagnose(case.args, expected, wrong) is not None
    assert diagnose(case.args, expected, list(wrong)) == diagnose(case.args, expected, wrong)
    assert diagnose(case.args, expected, wrong[:2]) is None
    assert diagnose(case.args, expected, wrong[0]) is None
    assert diagnose(case.args, expected, (*wrong, wrong[0])) is None
    assert diagnose(case.args, expected, (wrong[0][:1], *wrong[1:])) is None     # a wrong shape: not this mistake
    assert diagnose(case.args, expected, tuple(o + 1 for o in expected)) is None


def test_a_mistake_that_changes_nothing_in_a_case_is_not_named():
    """With eps = 0, a z scaled by the variance is the right z; on the prior a d_mu of 2 mu is the right d_mu: the
    diagnoses' `not np.allclose(wrong, expected)` keeps them from naming a mistake that made no difference."""
    rep = CODE_EXERCISES["17.reparameterize"].make_cases(np.random.default_rng(0))[4].args
    expected = lesson_17._reparameterize_ref(**rep)
    got = (expected[0], expected[1], expected[2] + 1)
    assert lesson_17._reparameterize_diagnose(rep, expected, got) is None
    kl = CODE_EXERCISES["17.gaussian_kl"].make_cases(np.random.default_rng(0))[4].args
    expected = lesson_17._kl_ref(**kl)
    assert lesson_17._kl_diagnose(kl, expected, (expected[0] + 1, expected[1], expected[2])) is None


# ---------------------------------------------------------------- the quizzes

QUIZ = {
    "16.score_std": [
        (8, True, "Correct! Each product q_i k_i of two independent numbers of variance 2 has variance 2 x 2 = 4; q.k "
                  "adds 16 of them: variance 64, standard deviation 8. Dividing by sqrt(d_k) = 4 brings it to 2, not "
                  "1: the scale assumes unit-variance entries."),
        (64, False, "Not yet. That is the variance; the standard deviation is its square root."),
        (4, False, "Not yet. That is sqrt(16), right for entries of variance 1; here each entry has variance 2."),
        (32, False, "Not yet. That is a variance, and it takes each product's variance as 2; a product of two "
                    "variance-2 numbers has variance 4."),
        ("sqrt(32)", False, "Not yet. That takes each product's variance as 2; a product of two independent "
                            "variance-2 numbers has variance 2 x 2."),
        (2, False, "Not yet. That is the standard deviation AFTER dividing by sqrt(d_k) = 4; the question asks "
                   "before."),
        (1, False, "Not yet. That would be the scaled score with unit-variance entries; the question asks for the "
                   "unscaled score with variance-2 entries."),
    ],
    "16.mha_params": [
        (1212, True, "Correct! Wq, Wk, Wv are (24, 3, 4) each, 288 weights, plus a bias (3, 4) each: 3 x 300 = 900; "
                     "Wo is (3, 4, 24), 288, plus bo (24): 312. In all 1,212: with heads x key_dim = 12 < 24, fewer "
                     "than four Dense(24, 24) layers (2,400)."),
        (1152, False, "Not yet. That leaves out the four biases (3 x 12 + 24 = 60)."),
        (900, False, "Not yet. That leaves out the output kernel and its bias."),
        (420, False, "Not yet. That counts one head; the kernels hold all three heads (3 x 4 columns)."),
        (2400, False, "Not yet. That gives the heads 24 / 3 = 8 features each; here key_dim is 4."),
        (1164, False, "Not yet. That leaves out the three input biases (3 x 12)."),
        (1188, False, "Not yet. That leaves out the output bias (24)."),
        (1213, False, "Not yet. Your answer is too large."),
    ],
    "16.swap_without_positions": [
        ("swap", True, "Correct! Without a position code and without a mask, attention sees a set: swapping two "
                       "inputs swaps their two outputs and leaves every other output exactly as it was. That is why "
                       "the model needs positions."),
        ("change", False, "Not yet. Write position t's output as a sum over the keys: nothing in it depends on where "
                          "a key sits, so the outputs are the same numbers, only moved."),
        ("banana", False, "Not yet. Answer with one of 'swap', 'change'."),
    ],
    "17.kl_value": [
        (2.5, True, "Correct! -0.5 [(1 + 0 - 1 - 1) + (1 + 0 - 4 - 1)] = -0.5 (-1 - 4) = 2.5: with sigma = 1 only the "
                    "means cost, mu^2 / 2 each."),
        (5, False, "Not yet. That leaves out the factor 1/2."),
        (1.5, False, "Not yet. That is 0.5 (1 - 2): mu is squared, so the sign goes."),
        (-2.5, False, "Not yet. A KL divergence is never negative: check the sign in front of the sum."),
        (0.5, False, "Not yet. That counts the first latent number only; the KL adds both."),
        (2, False, "Not yet. That counts the second latent number only; the KL adds both."),
        (3, False, "Not yet. That is not the answer rounded: work out each latent number's term exactly."),
    ],
    "17.kl_wide": [
        (0.81, True, "Correct! log_var = log 4: KL = -0.5 (1 + log 4 - 0 - 4) = 0.5 (3 - log 4) = 0.81. Too wide a q "
                     "costs as well as too narrow a one."),
        ("0.5 * (3 - log(2))", False, "Not yet. That uses log sigma for log_var; log_var is the log of sigma^2 = 4."),
        (0, False, "Not yet. Mu = 0 is not enough: the KL is 0 only when sigma = 1 too."),
        ("0.5 * (1 - log(2))", False, "Not yet. That takes sigma^2 = 2; sigma = 2, so sigma^2 = 4."),
        ("3 - log(4)", False, "Not yet. That leaves out the factor 1/2."),
    ],
}
QUIZ_CASES = [(name, *row) for name, rows in QUIZ.items() for row in rows]


@pytest.mark.parametrize("name,answer,ok,first_line", QUIZ_CASES,
                         ids=[f"{c[0]}-{c[1]}" for c in QUIZ_CASES])
def test_a_quiz_answer_gets_its_pinned_first_line(name, answer, ok, first_line):
    got_ok, message = _verdict(name, answer, 0)
    assert (got_ok, message.splitlines()[0]) == (ok, first_line)


def test_the_quiz_values_are_the_formulas_worked_out():
    from dlteach.exercises.quiz import QUIZZES

    assert QUIZZES["16.score_std"].value == np.sqrt(16 * 2 * 2)
    assert QUIZZES["16.mha_params"].value == 3 * (24 * 3 * 4 + 3 * 4) + (3 * 4 * 24 + 24)
    mu, log_var = np.array([1.0, -2.0]), np.zeros(2)
    assert QUIZZES["17.kl_value"].value == pytest.approx(-0.5 * np.sum(1 + log_var - mu**2 - np.exp(log_var)),
                                                         rel=1e-15)
    assert QUIZZES["17.kl_wide"].value == pytest.approx(-0.5 * (1 + np.log(4.0) - 0 - 4), rel=1e-15)
    for name in ("16.score_std", "17.kl_value", "17.kl_wide"):
        assert not _verdict(name, QUIZZES[name].value * 1.05, 0)[0]
    assert _verdict("16.score_std", 7.96, 0)[0] and not _verdict("16.score_std", 8.1, 0)[0]
    assert _verdict("17.kl_value", 2.504, 0)[0] and not _verdict("17.kl_value", 2.51, 0)[0]
    assert _verdict("17.kl_wide", 0.806, 0)[0] and not _verdict("17.kl_wide", 0.82, 0)[0]


# ---------------------------------------------------------------- the twins, with NumPy stand-ins

class _T:
    """A stand-in tensor: its value, and how to send a gradient back to the tensors it was made from; numpy()
    reads (1 + OFF) times the value."""

    OFF = 0.0

    def __init__(self, value, parents=()):
        self.value = np.array(value, dtype=float)
        self.parents = parents

    def numpy(self):
        return self.value * (1 + _T.OFF)

    def __add__(self, other):
        other = _up(other)
        return _T(self.value + other.value, ((self, lambda g: g), (other, lambda g: g)))

    __radd__ = __add__

    def __neg__(self):
        return _T(-self.value, ((self, lambda g: -g),))

    def __sub__(self, other):
        return self + (-_up(other))

    def __rsub__(self, other):
        return _up(other) + (-self)

    def __mul__(self, other):
        other = _up(other)
        return _T(self.value * other.value, ((self, lambda g: g * other.value), (other, lambda g: g * self.value)))

    __rmul__ = __mul__
    __array_ufunc__ = None  # ndarray * tensor comes to __rmul__, as in TF


def _up(x):
    return x if isinstance(x, _T) else _T(x)


def _exp(x):
    x = _up(x)
    e = np.exp(x.value)
    return _T(e, ((x, lambda g: g * e),))


def _square(x):
    x = _up(x)
    return _T(x.value ** 2, ((x, lambda g: 2 * g * x.value),))


def _reduce_sum(x, axis=None):
    x = _up(x)
    if axis is None:
        return _T(x.value.sum(), ((x, lambda g: np.full(x.value.shape, g)),))
    return _T(x.value.sum(axis=axis), ((x, lambda g: np.expand_dims(g, axis) * np.ones(x.value.shape)),))


class _GradientTape:
    def __enter__(self):
        self.watched = []
        return self

    def __exit__(self, *exc):
        return False

    def watch(self, xs):
        self.watched += list(xs) if isinstance(xs, (list, tuple)) else [xs]

    def gradient(self, target, sources):
        order, seen = [], set()

        def visit(t):
            if id(t) not in seen:
                seen.add(id(t))
                for parent, _ in t.parents:
                    visit(parent)
                order.append(t)
        visit(target)
        grads = {id(target): np.ones_like(target.value)}
        for t in reversed(order):
            for parent, back in t.parents:
                g = back(grads.get(id(t), np.zeros_like(t.value)))
                while np.ndim(g) > parent.value.ndim:  # broadcast: summed back to the parent's shape
                    g = g.sum(axis=0)
                grads[id(parent)] = grads.get(id(parent), 0.0) + g
        assert all(any(s is w for w in self.watched) for s in sources)
        return [_T(grads.get(id(s), np.zeros_like(s.value))) for s in sources]


SEEN = []  # every value handed to the stand-ins, in order


def _constant(value):
    SEEN.append(np.array(value, dtype=float))
    return _T(value)


def _dot_product_attention(q, k, v, is_causal=False):
    """Keras's layout (batch, T, heads, d), causal, scale 1/sqrt(d): ca_right per head."""
    assert is_causal is True and q.shape[2] == 1
    SEEN.extend(np.array(a, dtype=float) for a in (q, k, v))
    out = np.stack([ca_right(q[:, :, h], k[:, :, h], v[:, :, h]) for h in range(q.shape[2])], axis=2)
    return out * (1 + _T.OFF)


@pytest.fixture
def stand_in(monkeypatch):
    """NumPy stand-ins in place of tensorflow and keras; stand_in(off) makes every read-out off by `off`."""
    tf = types.SimpleNamespace(constant=_constant, GradientTape=_GradientTape, exp=_exp, square=_square,
                               reduce_sum=_reduce_sum)
    keras = types.SimpleNamespace(ops=types.SimpleNamespace(dot_product_attention=_dot_product_attention))
    monkeypatch.setitem(sys.modules, "tensorflow", tf)
    monkeypatch.setitem(sys.modules, "keras", keras)
    monkeypatch.setattr(_T, "OFF", 0.0)
    SEEN.clear()

    def off(value):
        monkeypatch.setattr(_T, "OFF", value)
    return off


# The twin's line with the stand-in exact and off by 1e-13 (both pass), and the first line off by 4e-12 (fails)
TWIN_SAYS = {
    "16.causal_attention": (
        "keras.ops.dot_product_attention(is_causal=True) agrees to < 1e-15.",
        "keras.ops.dot_product_attention(is_causal=True) agrees to < 1e-12.",
        "keras.ops.dot_product_attention(is_causal=True) disagrees with yours by 6.8e-12."),
    "17.reparameterize": (
        "tf.GradientTape on mu + exp(0.5 log_var) eps agrees exactly.",
        "tf.GradientTape on mu + exp(0.5 log_var) eps agrees to < 1e-13.",
        "Your result agrees with the cases but not with tf.GradientTape on mu + exp(0.5 log_var) eps: relative "
        "difference 2e-12."),
    "17.gaussian_kl": (
        "tf.GradientTape on the KL of Keras's VAE example agrees to < 1e-17.",
        "tf.GradientTape on the KL of Keras's VAE example agrees to < 1e-13.",
        "Your result agrees with the cases but not with tf.GradientTape on the KL of Keras's VAE example: relative "
        "difference 2e-12."),
}
# one digest of the values each twin hands to the stand-in (its own inputs, not a case's)
TWIN_INPUTS = {"16.causal_attention": 19.990402602743103, "17.reparameterize": 7.298496484427356,
               "17.gaussian_kl": 6.936525038376257}


@pytest.mark.parametrize("name", sorted(TWIN_SAYS))
def test_the_twin_agrees_with_a_numpy_stand_in_and_refuses_one_that_is_off(name, stand_in, capsys):
    assert_twin_agrees_then_refuses(name, TWIN_SAYS[name], PASSED_SAYS[name], RIGHT[name], stand_in, SEEN,
                                    TWIN_INPUTS[name], capsys)


@pytest.mark.parametrize("name", sorted(TWIN_SAYS))
def test_a_twin_refuses_nan_on_its_own_inputs(name, stand_in, capsys):
    """An answer right on every case but NaN on the twin's inputs fails."""
    assert check(name, nan_off_the_cases(name)) is False
    first = capsys.readouterr().out.splitlines()[0]
    if name == "16.causal_attention":
        assert first == "Not yet. keras.ops.dot_product_attention(is_causal=True) disagrees with yours by nan."
    else:
        assert first == ("Not yet. Your result agrees with the cases but holds NaN or inf on the inputs compared with "
                         f"{TWIN_SAYS[name][0].split(' agrees')[0]}: look for exp of a large number or log of 0.")


def test_the_kl_twin_gives_each_sample_its_own_gradient(stand_in):
    """The twin weights sample i by i + 1 and divides it back out: a d_mu summed over the batch fails it."""
    rng = np.random.default_rng(3)
    mu, log_var = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    kl, d_mu, d_log_var = lesson_17._tf_kl(sys.modules["tensorflow"], None, mu, log_var)
    for mine, ref in zip((kl, d_mu, d_log_var), kl_right(mu, log_var)):
        np.testing.assert_allclose(mine, ref, rtol=1e-13, atol=1e-15)
    z, dm, dl = lesson_17._tf_reparameterize(sys.modules["tensorflow"], None, mu, log_var, -mu, log_var)
    for mine, ref in zip((z, dm, dl), rp_right(mu, log_var, -mu, log_var)):
        np.testing.assert_allclose(mine, ref, rtol=1e-13, atol=1e-15)


def test_the_split_twin_compares_with_a_keras_layout_kernel():
    """_split_twin needs no TensorFlow: split_heads(x @ W) must be Keras's per-head queries einsum(x, W)."""
    twin = CODE_EXERCISES["16.split_heads"].twin
    says = "Your heads of x @ W equal the per-head queries of Keras's (d_model, heads, key_dim) kernel "
    assert twin(solutions.CODE["16.split_heads"]) == twin(sh_right) == says + "to < 1e-15."
    for wrong in (sh_interleaved, lambda x, num_heads: sh_right(x, num_heads) + 2e-12):
        with pytest.raises(Mismatch, match=r"^your heads differ from the per-head queries of a Keras-layout kernel "
                                           r"by [0-9.e-]+\.$"):
            twin(wrong)
    assert twin(lambda x, num_heads: sh_right(x, num_heads) + 5e-13) == says + "to < 1e-12."
