"""dlteach: deep learning made visible.

    import dlteach as dt
    model = dt.MLP([2, 8, 1], "tanh", "sigmoid", "binary_crossentropy", seed=0)
    dt.fit(model, X, y, "adam", learning_rate=0.01, epochs=100)
    dt.accuracy(model, X, y)

Layers (imports only point down):
    dlteach.widgets      ipywidgets explorers: compose experiments, core and plots, and draw
    dlteach.plots        matplotlib drawing on a given Axes
    dlteach.keras_twin   the only module that imports TensorFlow, lazily
    dlteach.experiments  the lessons' trained models and runs (pure NumPy + data)
    dlteach.data         datasets, splits, scaling, one-hot
    dlteach.core         the from-scratch NumPy engine; every public name is also dlteach.<name>
    dlteach.lesson       expect (a claim of the text, checked), show_source, spread over seeds
    dlteach.stats        comparisons: Wilson intervals, paired classifiers (exact McNemar), paired seeds
    dlteach.i18n         the language of messages and figures: set_language("zh_CN"), gettext, the Chinese font

`import dlteach` is light: it imports NumPy, the engine, `data` and `experiments`, never
TensorFlow, matplotlib or ipywidgets. `dt.plots`, `dt.widgets`, `dt.keras_twin`,
`dt.exercises` and `dt.stats` (scipy) are imported on first use.
"""
from . import _environment  # noqa: F401 (first: TensorFlow must find its quiet defaults)

import importlib

from . import core, data, experiments
from .core import *  # noqa: F403 (core.__all__ is written out: the engine's public names)
from .lesson import ClaimError, Spread, columns, expect, pad, show_source, spread, table
from .i18n import get_language, set_language

__version__ = "0.2.0"

_LAZY = ("plots", "widgets", "keras_twin", "exercises", "stats")  # heavy (matplotlib, ipywidgets, TensorFlow, scipy)

__all__ = [*core.__all__, "expect", "show_source", "spread", "Spread", "ClaimError", "table", "pad", "columns",
           "hint", "set_language", "get_language", "data", "experiments", *_LAZY]


def hint(exercise: str) -> None:
    """Print the next hint for a lesson's exercise, e.g. dt.hint("04.gradient_step"): where to look, then
    the idea, then the recipe (dlteach.exercises.hint; the reference code is never shown)."""
    from .exercises import hint as next_hint  # the checkers load on first use

    next_hint(exercise)


def __getattr__(name):
    """dt.plots, dt.widgets, dt.keras_twin, dt.exercises, dt.stats: imported on first use."""
    if name in _LAZY:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'dlteach' has no attribute {name!r}. See dir(dlteach) or docs/API.md.")


def __dir__():
    return sorted(set(__all__) | {"core", "__version__"})
