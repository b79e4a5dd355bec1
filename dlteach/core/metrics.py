"""Classification metrics from integer labels.

confusion[i, j] = number of samples of true class i predicted as class j
precision_k = confusion[k, k] / sum_i confusion[i, k]   (of those predicted k, the fraction truly k)
recall_k    = confusion[k, k] / sum_j confusion[k, j]   (of those truly k, the fraction found)
"""
from __future__ import annotations

import numpy as np

from ._checks import as_float_array, check_int


def _labels(y, name):
    y = as_float_array(y, name)
    if y.ndim == 2:  # one-hot rows or class probabilities
        y = y.argmax(axis=1)
    if y.ndim != 1:
        raise ValueError(f"{name} must be labels (n,) or one-hot rows (n, k), got shape {y.shape}.")
    if np.any(y < 0) or np.any(y != np.round(y)):  # astype(int) would silently truncate 1.7 to 1
        bad = float(y[(y < 0) | (y != np.round(y))][0])
        raise ValueError(f"{name} must hold class labels 0, 1, 2, ... (integers >= 0), got {bad!r}.")
    return y.astype(int)


def confusion_matrix(y_true, y_pred, k: int | None = None) -> np.ndarray:
    """(k, k) counts; accepts labels or one-hot / probability rows for either argument."""
    t, p = _labels(y_true, "y_true"), _labels(y_pred, "y_pred")
    if len(t) != len(p):
        raise ValueError(f"y_true has {len(t)} samples but y_pred has {len(p)}.")
    if len(t) == 0:
        raise ValueError("confusion_matrix needs at least one sample, got none.")
    largest = int(max(t.max(), p.max()))
    k = largest + 1 if k is None else check_int(k, "k", low=largest + 1)  # room for every label present
    cm = np.zeros((k, k), dtype=int)
    np.add.at(cm, (t, p), 1)
    return cm


def precision_recall(cm) -> tuple[np.ndarray, np.ndarray]:
    """Per-class precision and recall from a confusion matrix (0 where a class is never predicted / present)."""
    cm = as_float_array(cm, "cm", ndim=2)
    if cm.shape[0] != cm.shape[1] or np.any(cm < 0):
        raise ValueError(f"cm must be a square matrix of counts >= 0, got shape {cm.shape}.")
    tp = np.diag(cm)
    predicted, actual = cm.sum(axis=0), cm.sum(axis=1)
    precision = np.divide(tp, predicted, out=np.zeros_like(tp), where=predicted > 0)
    recall = np.divide(tp, actual, out=np.zeros_like(tp), where=actual > 0)
    return precision, recall
