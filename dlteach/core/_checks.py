"""Input checks shared by the engine: short messages that name the problem and the fix."""
from __future__ import annotations

import numpy as np


def as_float_array(x, name: str = "X", ndim: int | None = None) -> np.ndarray:
    """Return `x` as a float64 array; raise a clear error for bad types, shapes, NaN or inf."""
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be numbers (an array), got the string {x!r}.")
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must be an array of numbers; could not convert it ({err}).") from None
    if ndim is not None and arr.ndim != ndim:
        hint = " Use X.reshape(-1, 1) for a single feature." if ndim == 2 and arr.ndim == 1 else ""
        raise ValueError(f"{name} must be {ndim}-D, got shape {arr.shape}.{hint}")
    if not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name} contains {bad} NaN or infinite value(s); clean or impute the data first.")
    return arr


def check_positive(value, name: str, allow_zero: bool = False) -> float:
    """Return `value` as a float, raising if it is not a (strictly) positive finite number."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {value!r}.")
    value = float(value)
    ok = value >= 0 if allow_zero else value > 0
    if not np.isfinite(value) or not ok:
        want = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {want}, got {value!r}.")
    return value


def check_fraction(value, name: str, upper_inclusive: bool = False) -> float:
    """Return `value` as a float in [0, 1) (or [0, 1])."""
    value = check_positive(value, name, allow_zero=True)
    if value > 1 or (value == 1 and not upper_inclusive):
        bound = "[0, 1]" if upper_inclusive else "[0, 1)"
        raise ValueError(f"{name} must be in {bound}, got {value!r}.")
    return value


def lookup(name, table: dict, kind: str):
    """Find `name` (case-insensitive) in `table`, or raise listing the valid names."""
    if not isinstance(name, str):
        raise TypeError(f"{kind} must be given by name (a string), got {name!r}. Valid: {', '.join(sorted(table))}.")
    key = name.lower().replace("-", "_").replace(" ", "_")
    if key not in table:
        raise ValueError(f"Unknown {kind} {name!r}. Valid: {', '.join(sorted(table))}.")
    return table[key]


def check_int(value, name: str, low: int = 1, high: int | None = None) -> int:
    """Return `value` as an int in [low, high]; bools, floats and strings are refused by name."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {value!r}.")
    value = int(value)
    if value < low or (high is not None and value > high):
        want = f"an integer >= {low}" if high is None else f"an integer from {low} to {high}"
        raise ValueError(f"{name} must be {want}, got {value!r}.")
    return value


def check_positive_int(value, name: str) -> int:
    """Return `value` as an int >= 1 (sizes, epochs, units, batch sizes)."""
    return check_int(value, name, low=1)


def as_generator(seed, name: str = "seed") -> np.random.Generator:
    """A NumPy Generator from `seed`: None (fresh entropy), an int >= 0, or a Generator (used as is)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return np.random.default_rng()
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"{name} must be None, an integer >= 0 or a numpy Generator, got {seed!r}.")
    return np.random.default_rng(int(seed))


def check_bool(value, name: str) -> bool:
    """Return `value` if it is True or False (NumPy bools too); anything else is refused by name,
    so that nesterov="yes" or centered=1 does not silently mean True."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}.")
    return bool(value)


def check_size(n_weights: int, what: str, limit: int = 10**8) -> None:
    """Refuse a layer whose weights alone would take gigabytes (a typo such as 10**6 units)
    with a message, instead of a MemoryError from deep inside NumPy."""
    if n_weights > limit:
        raise ValueError(f"{what} would have {n_weights:,} weights ({n_weights * 8 / 1e9:.1f} GB); "
                         f"the limit here is {limit:,}. Check the sizes.")
