"""Lesson 00 (the workflow): standardize.

Each exercise's cases (the place for its edge cases), reference, diagnoses and twin, then the
CodeExercise entries that code.py collects."""
from __future__ import annotations

import numpy as np

from ..i18n import N_, gettext_ as _
from .hints import Ladder
from .runner import Case, CodeExercise


def _standardize_cases(rng):
    cases = []
    for n, m, d, note in ((20, 5, 2, ""), (50, 7, 3, ""), (8, 3, 4, ""), (30, 4, 5, ""), (12, 12, 1, _("one column")),
                          (9, 1, 3, _("one row to scale"))):
        scale = rng.uniform(0.5, 30, d)
        X_train = rng.normal(rng.uniform(-5, 5, d), scale, (n, d))
        X = rng.normal(rng.uniform(-5, 5, d), 2 * scale, (m, d))  # other data: other statistics
        cases.append(Case({"X_train": X_train, "X": X}, note))
    X_train = rng.normal([1000.0, 0.0, -3.0], [0.001, 1.0, 1000.0], (15, 3))
    cases.append(Case({"X_train": X_train, "X": X_train + rng.normal(0, [0.002, 2.0, 500.0], (15, 3))},
                      _("columns of very different scale: std 0.001 (around 1000), 1 and 1000")))
    X_train = rng.normal([2.0, -1.0], [3.0, 0.5], (6, 2))
    cases.append(Case({"X_train": X_train, "X": X_train.copy()},
                      _("X is X_train itself: every column comes out with mean 0 and std 1")))
    X_train = rng.normal([3.0, -20.0], [2.0, 8.0], (250, 2))
    X_train[150:] += [4.0, 30.0]          # the later rows differ: statistics of only some rows are off
    cases.append(Case({"X_train": X_train, "X": rng.normal([5.0, 0.0], [3.0, 20.0], (6, 2))},
                      _("250 training rows, the last 100 unlike the first: the mean and std of every row")))
    return cases


def _standardize_ref(X_train, X):
    return (X - X_train.mean(axis=0)) / X_train.std(axis=0)


def _standardize_diagnose(args, expected, got):
    X_train, X = args["X_train"], args["X"]
    mu, both = X_train.mean(axis=0), np.vstack([X_train, X])
    one_pass = np.sqrt(np.maximum((X_train**2).mean(axis=0) - mu**2, 0))
    known = [
        ((X - X.mean(axis=0)) / X.std(axis=0),
         _("your result is X scaled with its own mean and std, not the training data's: validation and test data "
         "scaled by their own statistics carry information the model must not have.")),
        ((X - X_train.mean()) / X_train.std(), _("your result uses one mean and one std for the whole array, not one "
                                                "per column.")),
        ((X - both.mean(axis=0)) / both.std(axis=0),
         _("your result uses the statistics of X_train and X together; only the training data's may be used.")),
        ((X - mu) / X_train.std(axis=0, ddof=1),
         _("your result divides by the sample std (a sum divided by n - 1 = {value}); np.std, the one "
         "asked for, divides by n = {length}.").format(value=len(X_train) - 1, length=len(X_train))),
        ((X - mu) / X_train.var(axis=0), _("your result divides by the variance, the square of the std.")),
        ((X - mu) / one_pass,
         _("your std differs from np.std in a column whose mean is large compared with its spread: sqrt(mean(x²) - "
         "mean(x)²) subtracts two nearly equal numbers there and loses most of their digits.")),
    ]
    for wrong, message in known:
        if np.allclose(got, wrong, rtol=1e-9) and not np.allclose(wrong, expected):
            return message
    sd = X_train.std(axis=0)
    for eps in (1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2):
        for wrong in ((X - mu) / (sd + eps), (X - mu) / np.sqrt(sd**2 + eps), (X - mu) / np.maximum(sd, eps)):
            off = np.abs(wrong - expected).max()  # the epsilon's own effect; the answer must sit much closer to it
            if off > 0 and np.abs(got - wrong).max() < 1e-3 * off and np.allclose(got, wrong, rtol=1e-9):
                return (_("your std has a small constant added (about {eps:g}), a guard against a constant column. This "
                        "exercise asks for the plain np.std: on a column whose std is 0.001 the guard already moves "
                        "the result by more than the checker's tolerance.").format(eps=eps))
    return None


EXERCISES = [
    CodeExercise("00.standardize", "standardize", ("X_train", "X"), _standardize_cases, _standardize_ref,
                 ladder=Ladder(
                     "1. Preprocess: data, split, scale",
                     "Compare your result with the expected one column by column: which mean and std (of which "
                     "array, over which axis) did you use?",
                     "Every column is shifted and scaled by the training data's own mean and standard deviation, "
                     "whichever array is being scaled.",
                     "Take the mean and the standard deviation of X_train over its rows (one value per column), "
                     "subtract the means from X and divide by the standard deviations."),
                 good="Scaling with the training statistics alone keeps every other set unseen by the preprocessing.",
                 diagnose=_standardize_diagnose),
]
