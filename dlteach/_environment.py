"""Quiet, reproducible TensorFlow wherever a lesson runs: set before TensorFlow can be imported.

Without these, TensorFlow's C++ log lines (timestamps, pids) land in notebook cells as red stderr boxes
(and nbgrader scores such a cell 0), and oneDNN's reordered float sums change the last digits of results.
A value the user set already is kept (setdefault). Lessons import dlteach before anything else.
"""
import os

DEFAULTS = {
    "TF_CPP_MIN_LOG_LEVEL": "2",     # C++ INFO and WARNING lines off (errors still shown)
    "TF_ENABLE_ONEDNN_OPTS": "0",    # oneDNN off: the same last digits on every CPU, as in the tests
}

for _name, _value in DEFAULTS.items():
    os.environ.setdefault(_name, _value)
