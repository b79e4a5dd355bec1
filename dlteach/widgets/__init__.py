"""Explorers: one per lesson, classes whose state changes through plain methods (set, step,
reset, rewind), with ipywidgets controls that only call those methods. Tests drive them without
a browser. They compose dlteach.experiments / dlteach.core (the numbers) and dlteach.plots (the
drawing); the models they show are built and trained in dlteach.experiments.

    from dlteach.widgets import DepthExplorer
    ex = DepthExplorer(depth=20, activation="relu", init="he_normal")
    ex.widget()           # sliders and menus in a notebook;  ex.show() for a static picture

Importing this package loads matplotlib and ipywidgets (through anywidget, for the drawing
canvas), never TensorFlow: the Keras parts import it when used.
"""
from .activations import ActivationExplorer
from .backprop import BackpropExplorer
from .base import Explorer, Param, TrainingExplorer
from .attention import AttentionExplorer
from .conv import ConvExplorer
from .deepnets import DeepNetExplorer
from .depth import DepthExplorer
from .descent import GradientDescentExplorer, OptimizerExplorer
from .digits import DigitsExplorer
from .draw import DigitDrawer
from .explain import ExplainExplorer
from .latent import LatentExplorer
from .losses import LossExplorer
from .neuron import NeuronExplorer
from .overfit import OverfitExplorer
from .playground import Playground
from .sequences import SequenceExplorer
from .small import SmallModelsExplorer

__all__ = [
    "NeuronExplorer",             # lesson 01
    "ActivationExplorer",         # 02
    "LossExplorer",               # 03
    "GradientDescentExplorer",    # 04
    "OptimizerExplorer",          # 05
    "BackpropExplorer",           # 06
    "Playground",                 # 07
    "DepthExplorer",              # 08
    "DigitsExplorer",             # 09
    "OverfitExplorer",            # 10
    "ConvExplorer",               # 11
    "ExplainExplorer",            # 12
    "SmallModelsExplorer",        # 13
    "DeepNetExplorer",            # 14
    "SequenceExplorer",           # 15
    "AttentionExplorer",          # 16
    "LatentExplorer",             # 17
    "DigitDrawer",                # 09/11/12: draw a digit, the models classify and explain it
    "Explorer", "Param", "TrainingExplorer",  # to write a new explorer
]
