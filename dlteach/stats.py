"""Comparing results honestly: the one statistics module of the lessons (NumPy + scipy).

    dt.stats.wilson_interval(355, 360)              # one accuracy: (0.968, 0.994)
    r = dt.stats.paired_classifiers(pred_a == y_test, pred_b == y_test)
    print(r.sentence("the CNN", "the MLP", on="360 test images"))
    s = dt.stats.paired_seeds(acc_adam, acc_sgd)    # one result per seed, the same seeds
    print(s.sentence("Adam", "SGD"))

Two models scored on the same test items are compared item by item (exact McNemar test on the
items only one of them gets right), never by whether their intervals overlap: two 95 % intervals
can overlap while the paired test finds a clear difference. Two methods run on the same seeds are
compared by their per-seed differences.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
from scipy import stats as _sp

from .i18n import gettext_ as _

__all__ = ["wilson_interval", "paired_classifiers", "PairedClassifiers", "paired_seeds", "PairedSeeds"]


def _confidence(confidence) -> float:
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float, np.integer, np.floating)):
        raise TypeError(f"confidence must be a number between 0 and 1 (e.g. 0.95), got {confidence!r}.")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1 (e.g. 0.95 for 95 %), got {confidence!r}.")
    return float(confidence)


def _count(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be a whole number (a count of test items), got {value!r}.")
    return int(value)


def _z(confidence: float) -> float:
    return NormalDist().inv_cdf(0.5 + confidence / 2)  # scipy's norm.ppf gives the same, 100 times slower


def wilson_interval(k, n, confidence=0.95) -> tuple[float, float]:
    """Wilson score interval for an accuracy of k right out of n independent test items.

    The range of true accuracies p for which k/n lies within z standard errors sqrt(p (1 - p) / n)
    of p (z = 1.96 for 95 %). Unlike k/n +- 1.96 sqrt(...) it stays inside [0, 1] and keeps its
    coverage near 0 and 1. Returns (low, high).
    """
    k, n, confidence = _count(k, "k"), _count(n, "n"), _confidence(confidence)
    if n < 1:
        raise ValueError(f"n must be at least 1 (the number of test items), got {n}.")
    if not 0 <= k <= n:
        raise ValueError(f"k must be between 0 and n = {n} (the items right), got {k}.")
    z, p = _z(confidence), k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    low, high = max(0.0, centre - half), min(1.0, centre + half)
    # at k = 0 (k = n) the end is exactly 0 (1); the formula leaves a rounding error there
    return (0.0 if k == 0 else low), (1.0 if k == n else high)


def _p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.2g}"


def _signed(x: float, decimals: int = 1) -> str:
    text = f"{x:+.{decimals}f}"
    return text[1:] if float(text) == 0 else text  # 0.0, not +0.0 or -0.0


@dataclass(frozen=True)
class PairedClassifiers:
    """Two classifiers scored on the same n test items (see paired_classifiers)."""

    n: int
    both_right: int
    only_a: int            # items A gets right and B wrong (McNemar's b)
    only_b: int            # items B gets right and A wrong (McNemar's c)
    both_wrong: int
    accuracy_a: float
    accuracy_b: float
    difference: float      # accuracy_a - accuracy_b = (only_a - only_b) / n
    low: float             # confidence interval of the difference (Newcombe's method 10)
    high: float
    p_value: float         # exact McNemar: two-sided binomial test of only_a out of only_a + only_b
    confidence: float
    interval_a: tuple      # Wilson intervals of each accuracy on its own
    interval_b: tuple

    @property
    def significant(self) -> bool:
        """True if the exact McNemar test rejects 'equally accurate' at level 1 - confidence."""
        return self.p_value < 1 - self.confidence

    @property
    def intervals_overlap(self) -> bool:
        """Whether the two Wilson intervals overlap: says nothing about a paired difference."""
        return self.interval_a[0] <= self.interval_b[1] and self.interval_b[0] <= self.interval_a[1]

    def sentence(self, name_a: str = "A", name_b: str = "B", on: str | None = None) -> str:
        """The comparison in one honest sentence: the discordant items, the exact McNemar p, the
        difference in accuracy points with its interval, and whether a difference is shown."""
        on = on or _("{n} test items").format(n=self.n)
        level = _("{level:g} % CI").format(level=self.confidence * 100)
        if self.only_a + self.only_b == 0:
            return _("On {on}, {a} and {b} are right on exactly the same items: no difference to test "
                     "(both {accuracy}).").format(on=on, a=name_a, b=name_b, accuracy=f"{self.accuracy_a:.3f}")
        counts = _("{a} is right on {only_a} that {b} gets wrong, {b} on {only_b} that {a} gets wrong").format(
            a=name_a, b=name_b, only_a=self.only_a, only_b=self.only_b)
        test = _("exact McNemar {p}").format(p=_p(self.p_value))
        if self.significant:  # say it from the winner's side: a positive difference, its interval turned round
            if self.difference > 0:
                better, worse, diff, low, high = name_a, name_b, self.difference, self.low, self.high
            else:
                better, worse, diff, low, high = name_b, name_a, -self.difference, -self.high, -self.low
            return _("On {on}, {counts}: {better} is more accurate than {worse} ({test}), by {points} points "
                     "({level} {low} to {high}).").format(
                on=on, counts=counts, better=better, worse=worse, test=test, points=f"{100 * diff:.1f}",
                level=level, low=_signed(100 * low), high=_signed(100 * high))
        return _("On {on}, {counts}: {a} and {b} are not shown to differ ({test}; {a} - {b} = {points} points, "
                 "{level} {low} to {high}).").format(
            on=on, counts=counts, a=name_a, b=name_b, test=test, points=_signed(100 * self.difference), level=level,
            low=_signed(100 * self.low), high=_signed(100 * self.high))


def _correct(values, name: str) -> np.ndarray:
    arr = np.asarray(values)
    if arr.dtype != bool:
        raise TypeError(f"{name} must be booleans, one True/False per test item (e.g. predictions == y_test); "
                        f"got dtype {arr.dtype}.")
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, one entry per test item; got shape {arr.shape}.")
    if arr.size == 0:
        raise ValueError(f"{name} is empty: it needs one entry per test item.")
    return arr


def _newcombe_paired(a: int, b: int, c: int, d: int, confidence: float) -> tuple[float, float]:
    """Newcombe's (1998) method 10 for p1 - p2 of a paired 2x2 table [[a, b], [c, d]] (a: both
    right, b: only the first right, c: only the second right, d: both wrong): each proportion's
    Wilson interval, combined square-and-add with the table's correlation phi."""
    n = a + b + c + d
    p1, p2 = (a + b) / n, (a + c) / n
    l1, u1 = wilson_interval(a + b, n, confidence)
    l2, u2 = wilson_interval(a + c, n, confidence)
    margins = (a + b) * (c + d) * (a + c) * (b + d)
    ad_bc = a * d - b * c
    # Newcombe's phi: 0 when a margin is empty; a positive association reduced by n/2, as in the paper
    num = ad_bc - n / 2 if ad_bc > n / 2 else (0.0 if ad_bc >= 0 else ad_bc)
    phi = num / math.sqrt(margins) if margins > 0 else 0.0
    diff = p1 - p2
    low = diff - math.sqrt(max(0.0, (p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2))
    high = diff + math.sqrt(max(0.0, (u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2))
    return max(-1.0, low), min(1.0, high)


def paired_classifiers(correct_a, correct_b, confidence=0.95) -> PairedClassifiers:
    """Compare two classifiers on the SAME test items: one boolean per item, True where it is right.

    Test: exact McNemar, i.e. a two-sided binomial test (scipy.stats.binomtest) of the b items only
    A gets right among the b + c items where exactly one of them is right; the items both get right
    or both get wrong say nothing about which is better.
    Interval of the accuracy difference A - B: Newcombe's method 10 for paired proportions
    (Newcombe 1998, Statistics in Medicine 17:2635; Fagerland, Lydersen & Laake's "square-and-add"):
    the two Wilson intervals combined with the correlation of the pairs; it stays within [-1, 1] and
    holds its coverage for small discordant counts, where the Wald interval does not.
    Returns a PairedClassifiers with the counts, accuracies, difference, interval, p_value and
    .sentence(name_a, name_b, on=...).
    """
    confidence = _confidence(confidence)
    a_right, b_right = _correct(correct_a, "correct_a"), _correct(correct_b, "correct_b")
    if a_right.size != b_right.size:
        raise ValueError(f"correct_a has {a_right.size} items and correct_b {b_right.size}: a paired comparison "
                         "needs both classifiers scored on the same test items, in the same order.")
    n = int(a_right.size)
    both = int(np.sum(a_right & b_right))
    only_a = int(np.sum(a_right & ~b_right))
    only_b = int(np.sum(~a_right & b_right))
    neither = n - both - only_a - only_b
    discordant = only_a + only_b
    p_value = float(_sp.binomtest(only_a, discordant, 0.5).pvalue) if discordant else 1.0
    low, high = _newcombe_paired(both, only_a, only_b, neither, confidence)
    return PairedClassifiers(n, both, only_a, only_b, neither, (both + only_a) / n, (both + only_b) / n,
                             (only_a - only_b) / n, low, high, p_value, confidence,
                             wilson_interval(both + only_a, n, confidence),
                             wilson_interval(both + only_b, n, confidence))


def _decimals(scale: float) -> int:
    """Decimals that show two significant digits of `scale` (a standard error)."""
    return int(np.clip(1 - math.floor(math.log10(scale)), 0, 8)) if scale > 0 else 3


@dataclass(frozen=True)
class PairedSeeds:
    """Two methods run on the same seeds: statistics of the per-seed differences a - b."""

    differences: np.ndarray
    mean: float
    std: float             # sample standard deviation of the differences
    low: float             # t interval of the mean difference
    high: float
    p_value: float         # paired t test (two-sided); nan when every difference is the same
    a_better: int          # seeds on which A is better (higher, or lower if higher_is_better=False)
    b_better: int
    ties: int
    confidence: float
    higher_is_better: bool

    @property
    def n(self) -> int:
        """The number of seeds."""
        return int(self.differences.size)

    @property
    def significant(self) -> bool:
        """True if the t interval of the mean difference excludes 0."""
        return bool(np.isfinite(self.p_value) and self.p_value < 1 - self.confidence)

    def sentence(self, name_a: str = "A", name_b: str = "B", what: str = "") -> str:
        """The comparison in one sentence: mean difference with its t interval, the seed count on
        each side, and whether a difference is shown (`what` names the result, e.g. 'test accuracy')."""
        subject = (_("{a}'s {what} minus {b}'s") if what else _("{a} minus {b}")).format(a=name_a, b=name_b,
                                                                                           what=what)
        count = _("{a} better on {a_better} of {n} seeds, {b} on {b_better}").format(
            a=name_a, b=name_b, a_better=self.a_better, b_better=self.b_better, n=self.n)
        if self.ties:
            count += (_(", {ties} tie") if self.ties == 1 else _(", {ties} ties")).format(ties=self.ties)
        level = _("{level:g} % CI").format(level=self.confidence * 100)
        k = _decimals(self.std / np.sqrt(self.n) if self.std > 0 else abs(self.mean) / 10)
        if not np.isfinite(self.p_value):
            return _("Over {n} seeds, {subject} is {mean} on every seed ({count}): no spread to judge a difference "
                     "by; run more seeds or check that the seeds really differ.").format(
                n=self.n, subject=subject, mean=_signed(self.mean, k), count=count)
        numbers = _("{subject} is {mean} on average ({level} {low} to {high}, paired t)").format(
            subject=subject, mean=_signed(self.mean, k), level=level, low=_signed(self.low, k),
            high=_signed(self.high, k))
        if self.significant:
            better = name_a if (self.mean > 0) == self.higher_is_better else name_b
            return _("Over {n} seeds, {numbers}: {better} is better ({count}; {p}).").format(
                n=self.n, numbers=numbers, better=better, count=count, p=_p(self.p_value))
        return _("Over {n} seeds, {numbers}: not shown to differ ({count}; {p}).").format(
            n=self.n, numbers=numbers, count=count, p=_p(self.p_value))


def _per_seed(values, name: str) -> np.ndarray:
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{name} must be numbers, one result per seed; got the string {values!r}.")
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be numbers, one result per seed; got {values!r}.") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, one result per seed; got shape {arr.shape}.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or inf: drop or rerun the seeds that diverged, in both methods.")
    return arr


def paired_seeds(a, b, confidence=0.95, higher_is_better=True) -> PairedSeeds:
    """Compare two methods from one result per seed each, run on the SAME seeds (a[i] and b[i] on seed i).

    The per-seed differences d = a - b carry the comparison: their mean with a Student t interval
    (mean +- t_{n-1} s / sqrt(n), scipy.stats.t), a paired t test, and how many seeds each method
    wins. higher_is_better=False for losses and errors. Needs at least 2 seeds.
    Returns a PairedSeeds with .sentence(name_a, name_b).
    """
    confidence = _confidence(confidence)
    a, b = _per_seed(a, "a"), _per_seed(b, "b")
    if a.size != b.size:
        raise ValueError(f"a has {a.size} results and b {b.size}: a paired comparison needs one result of each "
                         "method per seed, on the same seeds.")
    if a.size < 2:
        raise ValueError(f"paired_seeds needs at least 2 seeds, got {a.size}: one seed has no spread.")
    if not isinstance(higher_is_better, (bool, np.bool_)):
        raise TypeError(f"higher_is_better must be True or False, got {higher_is_better!r}.")
    d = a - b
    n, mean, std = d.size, float(d.mean()), float(d.std(ddof=1))
    if std > 0:
        half = float(_sp.t.ppf(0.5 + confidence / 2, n - 1)) * std / math.sqrt(n)
        p_value = float(2 * _sp.t.sf(abs(mean) / (std / math.sqrt(n)), n - 1))
    else:  # every difference the same: no spread, the t test is undefined
        half, p_value = 0.0, float("nan")
    wins = d > 0 if higher_is_better else d < 0
    losses = d < 0 if higher_is_better else d > 0
    return PairedSeeds(d, mean, std, mean - half, mean + half, p_value, int(wins.sum()), int(losses.sum()),
                       int((d == 0).sum()), confidence, bool(higher_is_better))
