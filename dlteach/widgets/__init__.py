"""Explorers: classes whose state changes through plain methods (set, step, reset, rewind), with
ipywidgets controls that only call those methods. Tests drive them without a browser."""
from .playground import Playground

__all__ = ["Playground"]
