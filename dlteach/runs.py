"""What the lessons' training runs share (experiments.py, deepnets.py and the explorers import it from here):
one BLAS thread for small matrices, the progress of a run for the explorers that draw it while it trains,
and the digits split of lessons 09-14."""
from __future__ import annotations

import contextlib
import contextvars
from functools import lru_cache

from . import data
from .core import Callback

_THREADPOOLS = []  # threadpoolctl's controller, made once: making one reads the loaded libraries (~2 ms)


def _one_blas_thread():
    """The lessons' matrices are small (at most a few hundred rows): one BLAS thread is faster than
    two that fight over the cores (measured on a busy 2-core machine: 1.4 s instead of 15 s for one
    overfit_run). A no-op where threadpoolctl (a scikit-learn dependency) is missing."""
    try:
        from threadpoolctl import ThreadpoolController  # noqa: PLC0415
    except ImportError:  # pragma: no cover
        return contextlib.nullcontext()
    if not _THREADPOOLS:
        _THREADPOOLS.append(ThreadpoolController())
    return _THREADPOOLS[0].limit(limits=1, user_api="blas")


# Progress of a run, for the explorers' widgets (they draw a partly trained network while it trains):
# progress(epoch, epochs, model, history, **extra) is called after every epoch of the runs below, and
# may raise to abandon a run (an abandoned run is not cached). A context variable, not an argument:
# the cached runs are keyed by their settings alone, and a cached run trains nothing, so calls nothing.
_PROGRESS = contextvars.ContextVar("progress", default=None)


class _Progress(Callback):
    def __init__(self, epochs, extra):
        self.report, self.epochs, self.extra = _PROGRESS.get(), epochs, extra

    def on_epoch_end(self, epoch, logs, model, history):
        self.report(epoch, self.epochs, model, history, **self.extra)


def _progress_callbacks(epochs, **extra) -> list:
    """[a callback that reports each epoch] while a progress function is set, else []."""
    return [] if _PROGRESS.get() is None else [_Progress(epochs, extra)]


@contextlib.contextmanager
def _reporting(progress):
    """Report the epochs of the runs started inside to `progress` (None: to nobody)."""
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be a function or None, got {progress!r}.")
    token = _PROGRESS.set(progress)
    try:
        yield
    finally:
        _PROGRESS.reset(token)


@lru_cache(maxsize=4)
def _digits_split(seed):
    X_rest, X_test, y_rest, y_test = data.load_digits(seed=seed)
    X_train, X_val, y_train, y_val = data.train_test_split(X_rest, y_rest, test_size=0.2, seed=seed + 1)
    return X_train, X_val, X_test, y_train, y_val, y_test


def digits_split(seed: int = 0):
    """8x8 digits, pixels in [0, 1]: (X_train, X_val, X_test, y_train, y_val, y_test) of
    1149 / 288 / 360 images; the test part is data.load_digits(seed=seed)'s. Fresh copies."""
    return tuple(a.copy() for a in _digits_split(seed))
