"""Classification metrics from integer labels.

confusion[i, j] = number of samples of true class i predicted as class j
precision_k = confusion[k, k] / sum_i confusion[i, k]   (of those predicted k, the fraction truly k)
recall_k    = confusion[k, k] / sum_j confusion[k, j]   (of those truly k, the fraction found)
"""
from __future__ import annotations

import numpy as np


def _labels(y, name):
    y = np.asarray(y)
    if y.ndim == 2:  # one-hot rows or class probabilities
        y = y.argmax(axis=1)
    if y.ndim != 1:
        raise ValueError(f"{name} must be labels (n,) or one-hot rows (n, k), got shape {y.shape}.")
    return y.astype(int)


def confusion_matrix(y_true, y_pred, k: int | None = None) -> np.ndarray:
    """(k, k) counts; accepts labels or one-hot / probability rows for either argument."""
    t, p = _labels(y_true, "y_true"), _labels(y_pred, "y_pred")
    if len(t) != len(p):
        raise ValueError(f"y_true has {len(t)} samples but y_pred has {len(p)}.")
    k = int(max(t.max(), p.max())) + 1 if k is None else int(k)
    cm = np.zeros((k, k), dtype=int)
    np.add.at(cm, (t, p), 1)
    return cm


def precision_recall(cm) -> tuple[np.ndarray, np.ndarray]:
    """Per-class precision and recall from a confusion matrix (0 where a class is never predicted / present)."""
    cm = np.asarray(cm, dtype=np.float64)
    tp = np.diag(cm)
    predicted, actual = cm.sum(axis=0), cm.sum(axis=1)
    precision = np.divide(tp, predicted, out=np.zeros_like(tp), where=predicted > 0)
    recall = np.divide(tp, actual, out=np.zeros_like(tp), where=actual > 0)
    return precision, recall
