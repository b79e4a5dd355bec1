"""Run a learner's function on test cases and explain the first failure.

The learner's function is called on copies of each case's inputs; its result is compared with the
reference (the package's own implementation). Everything that can go wrong is turned into one short
message aimed at the learner: their exception (with the line of *their* cell, never a dlteach frame),
the untouched stub, None, a list instead of an array, NaN or inf, a wrong shape, a changed input,
or a wrong value (the inputs, the expected and the received value, and what is wrong with it in
terms of the output). The hint rung that follows a miss is added by check() (see hints.py).
"""
from __future__ import annotations

import copy
import linecache
import os
import traceback
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from ..i18n import N_, columns, gettext_ as _
from .hints import Ladder

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # .../dlteach
_STDLIB_DIR = os.path.dirname(os.path.abspath(os.__file__))


@dataclass
class Case:
    """One call: keyword arguments in the order of the learner's signature, and what makes it special."""

    args: dict
    note: str = ""


@dataclass
class CodeExercise:
    """An exercise where the learner writes `func_name(*params)`.

    reference(**args) returns the expected output: an array, a number, or a tuple of them named by
    `outputs`. `diagnose(args, expected, got)` may name a typical mistake in terms of the output
    ("your dW is n times the expected one"), never the fix in code (a message or None). `ladder`
    holds the three hints shown after misses.
    `twin(func)` optionally compares with Keras/TensorFlow after all cases pass; it returns a line
    for the verdict, or raises Mismatch.
    """

    id: str
    func_name: str
    params: tuple
    make_cases: Callable[[np.random.Generator], list]
    reference: Callable[..., Any]
    ladder: Ladder
    good: str
    outputs: tuple = ()
    rtol: float = 1e-7
    atol: float = 1e-10
    diagnose: Callable | None = None
    twin: Callable | None = None
    extra: Callable | None = None  # like twin, but pure NumPy (e.g. a numerical gradient check)
    returns: str = "array"  # for a single output: "array" or "number"
    kinds: tuple = field(default_factory=tuple)  # per-output "array" / "number" when outputs is given
    totals: dict = field(default_factory=dict)  # a number output -> what adds up into it, for an array returned


class Mismatch(Exception):
    """A failed comparison, with the message shown to the learner."""


class LearnerError(Exception):
    """The learner's code raised; the message already points at their line."""


class NotAttempted(Mismatch):
    """No answer yet (an untouched stub, a function that returns None): said, but not a miss."""


# ---------------------------------------------------------------- formatting

def show(value, indent: str = "    ") -> str:
    """A short, readable rendering of an argument or a result."""
    if isinstance(value, np.ndarray):
        text = np.array2string(value, precision=5, threshold=16, edgeitems=2, suppress_small=False,
                               max_line_width=90)
        text = text.replace("\n", "\n" + indent)
        return _("{array}   (shape {shape})").format(array=text, shape=value.shape) if value.ndim else text
    if isinstance(value, float):
        return f"{value:.6g}"
    return repr(value)


def _shown(template: str, arr: np.ndarray) -> str:
    """template ("  expected: {value}") filled with `arr`, an array's later rows under its first: indented by the
    label's display width ("  期望：" is 8 columns, not 5)."""
    if not arr.ndim:
        return template.format(value=show(float(arr)))
    return template.format(value=show(arr, " " * columns(template.split("{value}")[0])))


def _is_library(filename: str) -> bool:
    path = os.path.abspath(filename)
    return (path.startswith(_PACKAGE_DIR + os.sep) or path.startswith(_STDLIB_DIR + os.sep)
            or f"{os.sep}site-packages{os.sep}" in path or path.startswith("<frozen"))


def _learner_frame(tb) -> traceback.FrameSummary | None:
    """The innermost traceback frame that belongs to the learner (not dlteach, not a library)."""
    mine = [f for f in traceback.extract_tb(tb) if not _is_library(f.filename)]
    return mine[-1] if mine else None


def describe_exception(err: BaseException, func_name: str) -> str:
    frame = _learner_frame(err.__traceback__)
    where = ""
    if frame is not None:
        line = frame.line or linecache.getline(frame.filename, frame.lineno).strip()
        where = _("\n  at line {line} of your cell").format(line=frame.lineno) + (f":\n    {line}" if line else ".")
    return _("Your {function}() raised {error}: {message}").format(function=func_name, error=type(err).__name__,
                                                                  message=err) + where


# ---------------------------------------------------------------- calling the learner's function

def call(ex: CodeExercise, func, args: dict):
    """Call func on copies of args; raise LearnerError on an exception, Mismatch if it changes its inputs."""
    copies = copy.deepcopy(args)
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. overflow in exp: nothing may reach stderr (nbgrader)
            got = func(**copies)
    except NotImplementedError:
        raise NotAttempted(_("{function}() is not written yet: replace `raise NotImplementedError()` "
                             "with your code and run the cell again.").format(function=ex.func_name)) from None
    except Exception as err:  # the learner's bug, shown as theirs
        message = describe_exception(err, ex.func_name)
        if isinstance(err, TypeError) and str(err).startswith(f"{getattr(func, '__qualname__', '')}() ") and (
                "unexpected keyword argument" in str(err) or "required positional argument" in str(err)):
            message += _("\n  The checker passes the inputs by name: keep the parameter names of the stub, "
                         "{signature}.").format(signature=f"{ex.func_name}({', '.join(ex.params)})")
        if isinstance(err, ValueError) and ("matmul" in str(err) or "shape" in str(err)):
            shapes = ", ".join(f"{k} {np.shape(v)}" for k, v in args.items() if isinstance(v, np.ndarray))
            message += _("\n  The shapes do not fit together; the inputs have shapes {shapes}.").format(shapes=shapes)
        raise LearnerError(message) from None
    for name, original in args.items():
        if isinstance(original, np.ndarray) and not np.array_equal(copies[name], original, equal_nan=True):
            raise Mismatch(_("{function}() changed its input `{name}` in place (e.g. `{name} -= ...` or "
                             "`{name}[...] = ...`). The caller still needs the old value: build a new array "
                             "instead, e.g. `{name}_new = {name} - ...`.").format(function=ex.func_name, name=name))
    return got


def _as_number(value, label: str, ex: CodeExercise):
    if isinstance(value, (list, tuple)):
        raise Mismatch(_("{label} should be one number, but your function returned a {kind} of length {length}.")
                       .format(label=_(label), kind=type(value).__name__, length=len(value)))
    arr = np.asarray(value) if isinstance(value, (np.ndarray, np.generic, int, float)) else None
    if arr is None or arr.dtype == object or not np.issubdtype(arr.dtype, np.number):
        raise Mismatch(_("{label} should be a number, got {kind}: {value!r}.").format(
            label=_(label), kind=type(value).__name__, value=value))
    if arr.size != 1:
        total = ex.totals.get(label.strip("`"), N_("the formula adds up (or averages) its terms into one"))
        raise Mismatch(_("{label} should be one number, got an array of shape {shape}: {total}.").format(
            label=_(label), shape=arr.shape, total=_(total)))
    return float(arr.reshape(()))


def _as_array(value, label: str, expected: np.ndarray):
    if isinstance(value, (list, tuple)):
        raise Mismatch(_("{label} is a Python {kind}; return a NumPy array (build it with NumPy operations such as "
                         "x @ W, or wrap it in np.array(...)).").format(label=_(label), kind=type(value).__name__))
    if not isinstance(value, (np.ndarray, np.generic, int, float)):
        raise Mismatch(_("{label} should be a NumPy array, got {kind}: {value!r}.").format(
            label=_(label), kind=type(value).__name__, value=value))
    arr = np.asarray(value)
    if arr.dtype == object or not np.issubdtype(arr.dtype, np.number) and arr.dtype != bool:
        raise Mismatch(_("{label} should hold numbers, got an array of dtype {dtype}.").format(label=_(label),
                                                                                             dtype=arr.dtype))
    if np.iscomplexobj(arr):
        raise Mismatch(_("{label} holds complex numbers: a square root or log of a negative number?").format(
            label=_(label)))
    if arr.shape != expected.shape:
        msg = _("{label} has shape {shape}, expected {expected}.").format(label=_(label), shape=arr.shape,
                                                                          expected=expected.shape)
        if arr.ndim == 2 and arr.shape == expected.shape[::-1]:
            msg += _(" That is the transpose: check the order of the factors in your matrix product.")
        elif arr.size == expected.size:
            msg += _(" Same number of entries: a missing or extra reshape, or a transposed operand?")
        raise Mismatch(msg)
    return arr.astype(np.float64)


def _split_outputs(ex: CodeExercise, got, expected):
    """Pair up the received and expected outputs as [(label, kind, got, expected)]."""
    if not ex.outputs:
        return [(N_("Your result"), ex.returns, got, expected)]
    k = len(ex.outputs)
    names = ", ".join(ex.outputs)
    if got is None:
        raise NotAttempted(_("{function}() returned None; it should return {k} values: return {names}")
                           .format(function=ex.func_name, k=k, names=names))
    if not isinstance(got, (tuple, list)) or len(got) != k:
        what = (_("a {kind} of length {length}").format(kind=type(got).__name__, length=len(got))
                if isinstance(got, (tuple, list)) else _("a {kind}").format(kind=type(got).__name__))
        raise Mismatch(_("{function}() should return {k} values ({names}), got {what}. End with: return {names}")
                       .format(function=ex.func_name, k=k, names=names, what=what))
    kinds = ex.kinds or ("array",) * k
    return [(f"`{n}`", kind, g, e) for n, kind, g, e in zip(ex.outputs, kinds, got, expected)]


def compare(ex: CodeExercise, case: Case, got, expected) -> None:
    """Raise Mismatch with a full explanation at the first output that differs."""
    if got is None and not ex.outputs:
        raise NotAttempted(_("{function}() returned None. Did you forget `return`?").format(function=ex.func_name))
    pairs = _split_outputs(ex, got, expected)
    for label, kind, g, e in pairs:
        if kind == "number":
            g_val = _as_number(g, label, ex)
            e_arr, g_arr = np.asarray(float(e)), np.asarray(g_val)
        else:
            e_arr = np.asarray(e, dtype=np.float64)
            g_arr = _as_array(g, label, e_arr)
        if not np.all(np.isfinite(g_arr)):
            bad = "NaN" if np.isnan(g_arr).any() else "inf"
            wanted = show(e_arr if e_arr.ndim else float(e_arr))
            raise Mismatch(_with_case(case, _("{label} contains {bad} (expected {wanted}). Something overflowed or "
                                              "divided 0 by 0: look for exp of a large number or log of 0, and "
                                              "rewrite that step in a stable form.")
                                      .format(label=_(label), bad=bad, wanted=wanted)))
        if not np.allclose(g_arr, e_arr, rtol=ex.rtol, atol=ex.atol):
            diff = np.abs(g_arr - e_arr)
            lines = [_("{label} is not right{note}.").format(label=_(label),
                                                             note=f" ({_(case.note)})" if case.note else ""),
                     _("  inputs:")]
            lines += [f"    {name} = {show(value, ' ' * (7 + len(name)))}" for name, value in case.args.items()]
            lines += [_shown(_("  expected: {value}"), e_arr), _shown(_("  received: {value}"), g_arr)]
            if e_arr.ndim:
                i = np.unravel_index(np.argmax(diff), diff.shape)
                lines.append(_("  largest difference {difference} at index {index}")
                             .format(difference=f"{diff[i]:.3g}", index=tuple(int(j) for j in i)))
            status = _others(pairs, label, ex)
            if status:
                lines.append("  " + status)
            diagnosis = _diagnose(ex, case, got, expected, g_arr, e_arr, label)
            if diagnosis:
                lines.append("  " + diagnosis)
            raise Mismatch("\n".join(lines))


def _with_case(case: Case, message: str) -> str:
    inputs = ", ".join(f"{k} = {show(v)}" for k, v in case.args.items()
                       if not isinstance(v, np.ndarray) or v.size <= 6)
    return (message + (_("\n  case: {note}").format(note=_(case.note)) if case.note else "")
            + (_("\n  inputs: {inputs}").format(inputs=inputs) if inputs else ""))


def _others(pairs, label, ex) -> str:
    """Which of several outputs are right in this case: 'dW2 and db2 are right; dW1, db1 are not'."""
    if len(pairs) < 2:
        return ""
    right, wrong = [], []
    for other, kind, g, e in pairs:
        try:
            if kind == "number":
                g_arr, e_arr = np.asarray(_as_number(g, other, ex)), np.asarray(float(e))
            else:
                e_arr = np.asarray(e, dtype=np.float64)
                g_arr = _as_array(g, other, e_arr)
            ok = bool(np.all(np.isfinite(g_arr)) and np.allclose(g_arr, e_arr, rtol=ex.rtol, atol=ex.atol))
        except (Mismatch, TypeError, ValueError):
            ok = False
        (right if ok else wrong).append(other)
    if not right:
        return _("None of {outputs} is right in this case.").format(outputs=", ".join(wrong))
    return _("Right in this case: {right}; not right: {wrong}.").format(right=", ".join(right), wrong=", ".join(wrong))


def _diagnose(ex, case, got, expected, g_arr, e_arr, label) -> str:
    """What is wrong, in terms of the output: the exercise's own diagnosis of a typical mistake,
    else a generic one whose condition is tested exactly (an input returned unchanged, the opposite
    sign, one constant factor on every entry, all zeros), else nothing."""
    if ex.diagnose is not None:
        try:
            specific = ex.diagnose(case.args, expected, got)
        except Exception:  # a diagnosis is a bonus; an odd result must not break the verdict
            specific = None
        if specific:
            specific = _(specific)  # a module's N_() constant; a message already translated stays as it is
            return specific[0].upper() + specific[1:]
    name = N_("result") if label == "Your result" else label.strip("`")
    for arg, value in case.args.items():
        if (isinstance(value, np.ndarray) and value.shape == g_arr.shape and np.array_equal(value, g_arr)
                and not np.allclose(value, e_arr)):
            return _("Your {name} is the input `{arg}` unchanged, but in this case it should change.").format(
                name=_(name), arg=arg)
    nonzero = np.abs(e_arr) > 1e-12
    if not nonzero.any():
        return ""
    if not np.any(g_arr):
        return _("Your {name} is all zeros.").format(name=_(name))
    if np.allclose(g_arr, -e_arr, rtol=1e-6, atol=1e-12):
        return _("Every entry of your {name} has the expected size and the opposite sign.").format(name=_(name))
    if e_arr.size >= 2 and np.count_nonzero(nonzero) >= 2 and np.all(np.abs(g_arr[~nonzero]) <= 1e-12):
        ratio = g_arr[nonzero] / e_arr[nonzero]
        if np.allclose(ratio, ratio.flat[0], rtol=1e-6) and not np.isclose(ratio.flat[0], 1.0):
            return _("Every entry of your {name} is {ratio} times the expected one.").format(
                name=_(name), ratio=f"{ratio.flat[0]:.4g}")
    return ""


# ---------------------------------------------------------------- the verdict

def run(ex: CodeExercise, func, seed: int = 0) -> tuple[bool, str, bool]:
    """Check func on every case; return (ok, message, attempted). attempted is False when there is
    nothing to judge yet (no function, an untouched stub, None returned): no hint rung follows."""
    if func is None:
        return False, _("No function yet: write {signature} in the cell above and run it, then run this check "
                        "again.").format(signature=f"{ex.func_name}({', '.join(ex.params)})"), False
    if not callable(func):
        return False, _("Pass the function itself, {function}, not {kind} {value!r}.").format(
            function=ex.func_name, kind=type(func).__name__, value=func), False
    cases = ex.make_cases(np.random.default_rng(seed)) if ex.reference is not None else []

    def learner(**args):  # for the twins: the same protection as the cases
        return call(ex, func, args)

    try:
        for case in cases if ex.reference is not None else ():  # else `extra` checks everything
            with np.errstate(all="ignore"):
                expected = ex.reference(**copy.deepcopy(case.args))
            got = call(ex, func, case.args)
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                compare(ex, case, got, expected)
        extras = [f(learner) for f in (ex.extra, ex.twin) if f is not None]
    except NotAttempted as err:
        return False, str(err), False
    except (LearnerError, Mismatch) as err:
        return False, str(err), True
    except Exception as err:  # a result so unusual that comparing it failed: still a verdict, not a traceback
        return False, _("Could not compare your result with the expected one ({error}: {message}).").format(
            error=type(err).__name__, message=err), True
    good = " ".join(_(part) for part in (ex.good, *extras) if part)
    passed = _("{n} cases passed. ").format(n=len(cases)) if cases else ""
    return True, f"{passed}{good}".rstrip(), True
