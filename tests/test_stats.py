"""dlteach.stats against independent computations: hand-computed cases, scipy, a published paired
interval, and simulations of the intervals' coverage. Includes the review's case: two accuracies on the
same 360 images whose Wilson intervals overlap, yet which differ when compared item by item."""
import math
import subprocess
import sys

import numpy as np
import pytest
from scipy import stats as sp

import dlteach as dt
from dlteach import experiments, stats
from dlteach.stats import _newcombe_paired, paired_classifiers, paired_seeds, wilson_interval

Z95 = 1.959963984540054


def _pair(only_a, only_b, both_wrong, n=360):
    """Boolean per-item results with the given discordant and concordant counts (shuffled)."""
    cells = np.repeat([0, 1, 2, 3], [n - only_a - only_b - both_wrong, only_a, only_b, both_wrong])
    np.random.default_rng(0).shuffle(cells)
    return np.isin(cells, (0, 1)), np.isin(cells, (0, 2))


# --- one accuracy: Wilson ---------------------------------------------------------------------------
@pytest.mark.parametrize("k,n", [(355, 360), (346, 360), (20, 40), (0, 12), (30, 30), (1, 1), (7, 9)])
def test_wilson_ends_are_the_roots_of_the_score_equation(k, n):
    """Independent of the closed form: the ends p solve (k/n - p)^2 = z^2 p (1 - p) / n."""
    p_hat = k / n
    roots = np.sort(np.roots([1 + Z95**2 / n, -(2 * p_hat + Z95**2 / n), p_hat**2]).real)
    low, high = wilson_interval(k, n)
    assert (low, high) == pytest.approx(tuple(np.clip(roots, 0, 1)), abs=1e-12)
    assert (low, high) == pytest.approx(experiments.accuracy_interval(p_hat, n), abs=1e-12)  # the lessons' copy


def test_wilson_hand_computed_case():
    # k = 8 of n = 10, z = 1.96: centre (0.8 + 0.19208) / 1.38416 = 0.71676, half 0.21933
    assert wilson_interval(8, 10) == pytest.approx((0.49016, 0.94331), abs=1e-5)
    assert wilson_interval(0, 10) == (0.0, pytest.approx(0.27753, abs=1e-5))
    assert wilson_interval(10, 10)[1] == 1.0


@pytest.mark.parametrize("p_true,n", [(0.97, 360), (0.9, 20), (0.5, 40)])
def test_wilson_covers_the_true_accuracy_about_95_percent_of_the_time(p_true, n):
    hits = np.random.default_rng(1).binomial(n, p_true, size=4000)
    covered = np.mean([lo <= p_true <= hi for lo, hi in (wilson_interval(int(k), n) for k in hits)])
    assert 0.925 < covered < 0.975, covered
    wide, narrow = wilson_interval(349, 360, 0.99), wilson_interval(349, 360)
    assert wide[0] < narrow[0] and wide[1] > narrow[1]


@pytest.mark.parametrize("args,error,match", [
    ((361, 360), ValueError, "k must be between 0 and n = 360"), ((-1, 10), ValueError, "k must be between"),
    ((5, 0), ValueError, "n must be at least 1"), ((0.5, 10), TypeError, "k must be a whole number"),
    ((5, 10.0), TypeError, "n must be a whole number"), ((True, 10), TypeError, "k must be a whole number"),
    ((5, 10, 1.0), ValueError, "confidence must be between 0 and 1"), ((5, 10, "95%"), TypeError, "confidence")])
def test_wilson_refuses_bad_input_by_name(args, error, match):
    with pytest.raises(error, match=match):
        wilson_interval(*args)


# --- two classifiers on the same items: exact McNemar and Newcombe's paired interval -----------------
def test_the_reviews_case_overlapping_intervals_yet_a_paired_difference():
    """0.986 vs 0.961 on 360 images (355 and 346 right): the Wilson intervals overlap, but 11 images only
    A gets right against 2 only B gets right is a clear difference (exact McNemar p = 0.022)."""
    a, b = _pair(only_a=11, only_b=2, both_wrong=3)
    r = paired_classifiers(a, b)
    assert (int(a.sum()), int(b.sum())) == (355, 346) and (r.only_a, r.only_b, r.both_wrong) == (11, 2, 3)
    assert r.interval_a == pytest.approx((0.9679, 0.9941), abs=1e-4)
    assert r.interval_b == pytest.approx((0.9358, 0.9767), abs=1e-4)
    assert r.intervals_overlap and r.interval_a[0] < r.interval_b[1]         # fact 1: they overlap
    assert r.p_value == pytest.approx(2 * (1 + 13 + 78) / 2**13)               # fact 2: 0.0225, by hand
    assert r.difference == pytest.approx(9 / 360) and r.significant and 0 < r.low < r.difference < r.high
    text = r.sentence("the CNN", "the MLP", on="360 test images")
    assert text.startswith("On 360 test images, the CNN is right on 11 that the MLP gets wrong, the MLP on 2")
    assert "the CNN is more accurate than the MLP (exact McNemar p = 0.022), by 2.5 points" in text


@pytest.mark.parametrize("b,c", [(12, 3), (11, 2), (5, 3), (0, 6), (20, 20), (1, 0), (40, 17)])
def test_mcnemar_is_the_exact_two_sided_binomial_tail_counted_by_hand(b, c):
    m = b + c
    tail = sum(math.comb(m, i) for i in range(min(b, c) + 1)) / 2**m
    expected = min(1.0, 2 * tail) if b != c else 1.0
    r = paired_classifiers(*_pair(b, c, both_wrong=4, n=200))
    assert r.p_value == pytest.approx(expected, rel=1e-12)
    assert r.p_value == pytest.approx(sp.binomtest(b, m, 0.5).pvalue, rel=1e-12)


def test_the_issues_sentence_numbers():
    r = paired_classifiers(*_pair(only_a=12, only_b=3, both_wrong=5))
    assert r.p_value == pytest.approx(2 * 576 / 32768)  # 1 + 15 + 105 + 455 = 576
    text = r.sentence("A", "B")
    assert "A is right on 12 that B gets wrong, B on 3 that A gets wrong" in text and "p = 0.035" in text
    assert "by 2.5 points (95 % CI +" in text and text.startswith("On 360 test items")
    swapped = paired_classifiers(*_pair(only_a=12, only_b=3, both_wrong=5)[::-1])
    assert (swapped.low, swapped.high) == pytest.approx((-r.high, -r.low), abs=1e-12)
    assert "B is more accurate than A" in swapped.sentence("A", "B")
    assert "by 2.5 points" in swapped.sentence("A", "B")


def test_no_difference_shown_is_said_so():
    r = paired_classifiers(*_pair(only_a=5, only_b=3, both_wrong=2))
    assert not r.significant and r.low < 0 < r.high
    text = r.sentence("A", "B")
    assert "A and B are not shown to differ (exact McNemar p = 0.73; A - B = +0.6 points, 95 % CI -" in text
    same = paired_classifiers(*_pair(0, 0, 4))
    assert same.p_value == 1.0 and "right on exactly the same items" in same.sentence()


def test_newcombe_matches_the_published_value():
    """Fagerland, Lydersen & Laake, Statistical Analysis of Contingency Tables (2017), ch. 8, Cavo et al.'s
    table [[59, 6], [16, 80]]: Newcombe's square-and-add interval -0.0621 (-0.1186 to -0.0046)."""
    low, high = _newcombe_paired(59, 6, 16, 80, 0.95)
    assert (round(low, 4), round(high, 4)) == (-0.1186, -0.0046)
    a, b = _pair(only_a=6, only_b=16, both_wrong=80, n=161)
    r = paired_classifiers(a, b)
    assert (r.low, r.high) == pytest.approx((low, high), abs=1e-12)
    assert r.difference == pytest.approx(-0.0621, abs=5e-5)


def test_newcombe_hand_computed_from_the_wilson_intervals():
    """phi = 0 (ad - bc = 340 * 3 - 11 * 2 = 998 > n / 2 gives (998 - 180) / sqrt(margins)); the ends
    are the square-and-add of the Wilson distances, written out here."""
    a_, b_, c_, d_ = 344, 11, 2, 3
    n = 360
    p1, p2 = 355 / n, 346 / n
    l1, u1 = experiments.accuracy_interval(p1, n)
    l2, u2 = experiments.accuracy_interval(p2, n)
    phi = (a_ * d_ - b_ * c_ - n / 2) / math.sqrt(355 * 5 * 346 * 14)
    low = p1 - p2 - math.sqrt((p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2)
    high = p1 - p2 + math.sqrt((u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2)
    assert _newcombe_paired(a_, b_, c_, d_, 0.95) == pytest.approx((low, high), abs=1e-12)


@pytest.mark.parametrize("cells,n", [((0.93, 0.035, 0.01, 0.025), 360), ((0.6, 0.1, 0.1, 0.2), 60),
                                     ((0.8, 0.12, 0.03, 0.05), 100)])
def test_newcombe_covers_the_true_difference_about_95_percent_of_the_time(cells, n):
    true_diff = cells[1] - cells[2]
    tables = np.random.default_rng(2).multinomial(n, cells, size=4000)
    covered = np.mean([lo <= true_diff <= hi for lo, hi in
                       (_newcombe_paired(*map(int, t), 0.95) for t in tables)])
    assert 0.93 < covered < 0.975, covered


@pytest.mark.parametrize("a,b,error,match", [
    (np.ones(5, bool), np.ones(6, bool), ValueError, "correct_a has 5 items and correct_b 6"),
    (np.ones(5), np.ones(5, bool), TypeError, "correct_a must be booleans"),
    (np.ones(5, bool), [1, 0, 1, 1, 0], TypeError, "correct_b must be booleans"),
    (np.ones(0, bool), np.ones(0, bool), ValueError, "correct_a is empty"),
    (np.ones((2, 3), bool), np.ones((2, 3), bool), ValueError, "correct_a must be 1-D"),
])
def test_paired_classifiers_refuses_bad_input_by_name(a, b, error, match):
    with pytest.raises(error, match=match):
        paired_classifiers(a, b)
    with pytest.raises(ValueError, match="confidence"):
        paired_classifiers(np.ones(3, bool), np.ones(3, bool), confidence=95)


# --- two methods on the same seeds ------------------------------------------------------------------
def test_paired_seeds_hand_computed_case():
    s = paired_seeds([3.0, 5.0, 7.0], [2.0, 3.0, 4.0])      # differences 1, 2, 3: mean 2, sd 1
    # with 2 degrees of freedom F(t) = 1/2 + t / (2 sqrt(2 + t²)); F(t) = 0.975 gives t² = 2 0.95² / (1 - 0.95²)
    t_975 = math.sqrt(1.805 / 0.0975)
    half = t_975 / math.sqrt(3)  # * sd / sqrt(n)
    assert (s.mean, s.std, s.n) == (2.0, 1.0, 3)
    # SciPy 1.13 (the lowest set) computes this t quantile to 6e-11 relative, newer ones to 1e-15
    assert (s.low, s.high) == pytest.approx((2 - half, 2 + half), rel=1e-10)
    assert s.p_value == pytest.approx(2 * sp.t.sf(2 * math.sqrt(3), 2), rel=1e-12)
    assert (s.a_better, s.b_better, s.ties) == (3, 0, 0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_paired_seeds_equals_scipys_paired_t_test(seed):
    rng = np.random.default_rng(seed)
    a = rng.normal(0.95, 0.01, 7)
    b = a - rng.normal(0.004, 0.006, 7)
    s = paired_seeds(a, b, confidence=0.9)
    ref = sp.ttest_rel(a, b)
    assert s.p_value == pytest.approx(ref.pvalue, rel=1e-10)
    assert (s.low, s.high) == pytest.approx(tuple(ref.confidence_interval(0.9)), rel=1e-10)


def test_paired_seeds_t_interval_covers_the_true_mean_difference():
    rng = np.random.default_rng(3)
    hits = 0
    for _ in range(2000):
        a = rng.normal(0.9, 0.03, 5)            # the seed moves both methods together ...
        b = a - 0.01 + rng.normal(0, 0.02, 5)   # ... and the difference has its own noise
        s = paired_seeds(a, b)
        hits += s.low <= 0.01 <= s.high
    assert 0.93 < hits / 2000 < 0.97


def test_paired_seeds_sentences_and_counts():
    s = paired_seeds([0.97, 0.98, 0.975, 0.972, 0.979], [0.96, 0.965, 0.97, 0.961, 0.968])
    text = s.sentence("Adam", "SGD", "test accuracy")
    assert text.startswith("Over 5 seeds, Adam's test accuracy minus SGD's is +0.0104 on average (95 % CI +0.0")
    assert "Adam is better (Adam better on 5 of 5 seeds, SGD on 0; p = 0.0029)" in text
    loss = paired_seeds([0.30, 0.20, 0.25], [0.35, 0.30, 0.30], higher_is_better=False)
    assert (loss.a_better, loss.b_better) == (3, 0) and not loss.significant
    assert "not shown to differ (A better on 3 of 3 seeds, B on 0; p = 0.057)" in loss.sentence()
    tie = paired_seeds([1.0, 2.0, 3.0], [1.0, 1.0, 4.0])
    assert (tie.a_better, tie.b_better, tie.ties) == (1, 1, 1) and ", 1 tie;" in tie.sentence()
    flat = paired_seeds([1.0, 1.0], [0.0, 0.0])
    assert math.isnan(flat.p_value) and not flat.significant and "no spread" in flat.sentence()


@pytest.mark.parametrize("a,b,kwargs,error,match", [
    ([1.0, 2.0], [1.0, 2.0, 3.0], {}, ValueError, "a has 2 results and b 3"),
    ([1.0], [2.0], {}, ValueError, "at least 2 seeds"),
    ([1.0, np.nan], [1.0, 2.0], {}, ValueError, "a contains NaN"),
    ([[1.0, 2.0]], [[1.0, 2.0]], {}, ValueError, "a must be 1-D"),
    ("0.9 0.8", [1.0, 2.0], {}, TypeError, "a must be numbers"),
    ([1.0, 2.0], [1.0, 2.0], {"higher_is_better": "yes"}, TypeError, "higher_is_better must be True or False"),
    ([1.0, 2.0], [1.0, 2.0], {"confidence": 0}, ValueError, "confidence must be between 0 and 1"),
])
def test_paired_seeds_refuses_bad_input_by_name(a, b, kwargs, error, match):
    with pytest.raises(error, match=match):
        paired_seeds(a, b, **kwargs)


# --- the public surface ---------------------------------------------------------------------------
def test_exported_as_dt_stats_and_loaded_on_first_use():
    assert dt.stats is stats and all(hasattr(stats, name) for name in stats.__all__)
    code = "import sys, dlteach as dt; print('scipy.stats' in sys.modules); dt.stats.wilson_interval; " \
           "print('scipy.stats' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "True"]
