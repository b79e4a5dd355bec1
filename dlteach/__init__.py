"""dlteach: deep learning made visible.

Layers (imports only point down):
    dlteach.widgets     ipywidgets explorers (compose plots and core)
    dlteach.plots       matplotlib drawing on a given Axes
    dlteach.keras_twin  the only module that imports TensorFlow, lazily
    dlteach.data        datasets, splits, scaling, one-hot
    dlteach.core        the from-scratch NumPy engine

`import dlteach` is light: it imports NumPy and the engine, never TensorFlow or matplotlib.
"""
from .core import (MLP, SGD, Adam, Dense, Dropout, EarlyStopping, RMSprop, Sequential, Value,
                   check_model, compare, fit, get_activation, get_loss, get_optimizer, rel_error)

__version__ = "0.1.0"
