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

# Keras 3.13 asks hasattr(np, "object") when it is imported; NumPy 2.0 (the lowest we declare) answers
# with a FutureWarning that a notebook shows as a red box in the cell that imports Keras. It says nothing
# about the learner's code, so it is silenced by its exact text and only when Keras's own modules raise it.
import warnings  # noqa: E402

warnings.filterwarnings("ignore", message="In the future `np.object` will be defined", category=FutureWarning,
                        module="keras")
