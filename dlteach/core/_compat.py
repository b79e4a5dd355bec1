"""One Keras detail the engine copies so that float64 runs agree with Keras to the last bits."""
import numpy as np

from ._checks import check_positive


def keras_constant(x: float) -> float:
    """Keras's ops.cast(0.9, 'float64') first makes a float32 tensor of the Python number, so
    constants that pass through it (Adam's beta_1 and beta_2 in beta ** t, SGD's momentum, the
    L1/L2 factors) become float32 numbers: 0.9 is used as 0.8999999761581421. The difference,
    about 1e-8 relative, does not matter for learning, but matching it makes the from-scratch
    and Keras trajectories equal to ~1e-15 instead of ~1e-9."""
    return float(np.float32(x))


FLOAT32_MAX = float(np.finfo(np.float32).max)


def check_keras_constant(value, name: str) -> float:
    """A factor >= 0 that Keras passes through float32 (weight decay, L1/L2): beyond float32's
    largest number (3.4e38) it would become inf, and the weights NaN, so it is refused here."""
    value = check_positive(value, name, allow_zero=True)
    if value > FLOAT32_MAX:
        raise ValueError(f"{name} must be >= 0 and at most {FLOAT32_MAX:.3g} (Keras uses it as a float32 "
                         f"number), got {value!r}.")
    return value
