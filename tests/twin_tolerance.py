"""How closely the Keras twins must agree with dlteach, by Keras version.

With the Keras that CI pins (constraints.txt) dlteach copies Keras's float32 constants and its order
of operations, and the float64 twins agree to 1e-12 or better (measured: about 1e-16). The other
supported Keras versions (3.13, as in Google Colab, constraints-colab.txt) build a few constants
differently; there the same comparisons agree to 1e-7 (measured with Keras 3.13.2: at most 2.2e-8).
`twin_tol(t)` is t with the pinned Keras and max(t, 1e-7) with another one.
"""
from pathlib import Path

import keras

OTHER_KERAS_TOLERANCE = 1e-7


def pinned_keras_version() -> str:
    for line in (Path(__file__).resolve().parents[1] / "constraints.txt").read_text().splitlines():
        if line.startswith("keras=="):
            return line.split("==", 1)[1].strip()
    raise RuntimeError("constraints.txt pins no keras version")


PINNED = keras.__version__ == pinned_keras_version()


def twin_tol(tolerance: float) -> float:
    return tolerance if PINNED else max(tolerance, OTHER_KERAS_TOLERANCE)


def test_the_tolerance_is_exact_with_the_pinned_keras_and_stated_for_the_others():
    assert twin_tol(1e-12) == (1e-12 if PINNED else OTHER_KERAS_TOLERANCE)
    assert twin_tol(1e-5) == 1e-5   # float32 comparisons are never loosened
