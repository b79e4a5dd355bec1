"""Lesson 00 (the workflow): standardize.

Each exercise's cases (the place for its edge cases), reference, diagnoses and twin, then the
CodeExercise entries that code.py collects."""
from __future__ import annotations

import numpy as np

from .hints import Ladder
from .runner import Case, CodeExercise


def _standardize_cases(rng):
    cases = []
    for n, m, d in ((20, 5, 2), (50, 7, 3), (8, 3, 4)):
        scale = rng.uniform(0.5, 30, d)
        X_train = rng.normal(rng.uniform(-5, 5, d), scale, (n, d))
        X = rng.normal(rng.uniform(-5, 5, d), 2 * scale, (m, d))  # other data: other statistics
        cases.append(Case({"X_train": X_train, "X": X}))
    return cases


def _standardize_ref(X_train, X):
    return (X - X_train.mean(axis=0)) / X_train.std(axis=0)


def _standardize_diagnose(args, expected, got):
    X_train, X = args["X_train"], args["X"]
    own = (X - X.mean(axis=0)) / X.std(axis=0)
    if np.shape(got) == own.shape and np.allclose(got, own):
        return ("your result is X scaled with its own mean and std, not the training data's: validation and test "
                "data scaled by their own statistics carry information the model must not have.")
    pooled = (X - X_train.mean()) / X_train.std()
    if np.shape(got) == pooled.shape and np.allclose(got, pooled):
        return "your result uses one mean and one std for the whole array, not one per column."
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
