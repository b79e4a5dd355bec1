"""Tools a lesson uses to keep its prose honest and its code visible.

    dt.expect(best["adam"] < best["sgd"], "on the ravine, Adam's best loss is lower than SGD's")
    dt.show_source(dt.Dense.backward)
    dt.spread([0.97, 0.96, 0.98, 0.97, 0.95])   # -> Spread(mean=0.966, std=0.0114, n=5), prints "0.966 ± 0.011 (n = 5)"

A claim in a lesson's text is a line of code next to it: `expect` prints a tick and the claim when
it holds, and stops the lesson with the claim's text when it does not, so the lesson (and
`pytest --nbval`, which runs every lesson) fails the day the prose and the numbers disagree.
Pure Python and NumPy; IPython is imported only to display source code.
"""
from __future__ import annotations

import inspect
import re
import textwrap
from dataclasses import dataclass

import numpy as np

from .i18n import columns, gettext_ as _, pad

__all__ = ["ClaimError", "expect", "show_source", "source", "Spread", "spread", "columns", "pad", "table"]


class ClaimError(AssertionError):
    """A lesson's stated claim does not hold for the numbers the lesson just computed."""


def expect(condition, claim: str, detail: str = "") -> None:
    """Check one claim of a lesson's text; print "✓ claim" when it holds, raise ClaimError if not.

    condition: a bool (NumPy bools too); a non-boolean (an array, None) is refused, because
        `expect(array, ...)` would test truthiness, not the claim.
    claim: the sentence of the text that this check guards, as the learner reads it.
    detail: optional numbers to print after the claim (e.g. "Adam 0.0012 vs SGD 0.034").
    """
    if not isinstance(claim, str) or not claim.strip():
        raise TypeError("expect(condition, claim): claim must be the sentence being checked, as a non-empty str.")
    if isinstance(condition, np.ndarray) and condition.shape == ():
        condition = condition.item()
    if not isinstance(condition, (bool, np.bool_)):
        raise TypeError(f"expect(condition, {claim!r}): condition must be True or False, got "
                        f"{type(condition).__name__}. Use all(...), any(...) or a comparison.")
    suffix = f" ({detail})" if detail else ""
    if not condition:
        raise ClaimError(_("The lesson says: {claim!r}, but the numbers above do not show it{detail}. "
                           "If you changed a setting, this is expected; otherwise please report it.")
                         .format(claim=claim, detail=suffix))
    print(f"✓ {claim}{suffix}")


def source(obj) -> str:
    """The source code of a function, method or class of the package, dedented."""
    target = inspect.unwrap(obj)
    if isinstance(target, property):
        target = target.fget
    try:
        return textwrap.dedent(inspect.getsource(target))
    except (TypeError, OSError) as error:
        raise TypeError(f"show_source: no Python source for {obj!r} ({error}). "
                        "Pass a function, method or class, e.g. dt.show_source(dt.Dense.backward).") from None


def show_source(obj):
    """Display the real source of `obj` (e.g. dt.Dense.backward) in the notebook, highlighted.

    The lesson shows the code it runs, read from the package, so there is one source of truth.
    In a notebook this returns an IPython `Code` object (highlighted HTML, plain text for
    nbviewer and tests); outside IPython it returns the source as a str.
    """
    text = source(obj)
    try:
        from IPython.display import Code
    except ImportError:  # plain Python: the text itself is the best display
        return text
    return Code(text, language="python")


@dataclass(frozen=True)
class Spread:
    """Mean and sample standard deviation of a result over n runs (seeds)."""
    mean: float
    std: float
    n: int
    low: float
    high: float

    def __str__(self) -> str:
        return _("{mean} ± {std} (n = {n}, min {low}, max {high})").format(
            mean=_fmt(self.mean), std=_fmt(self.std), n=self.n, low=_fmt(self.low), high=_fmt(self.high))

    def __format__(self, spec: str) -> str:
        if not spec:
            return str(self)
        return _("{mean} ± {std} (n = {n})").format(mean=format(self.mean, spec), std=format(self.std, spec), n=self.n)


def _fmt(x: float) -> str:
    return f"{x:.3g}" if abs(x) < 1e-3 or abs(x) >= 1e4 else f"{x:.3f}".rstrip("0").rstrip(".") or "0"


def spread(values) -> Spread:
    """Summarise one number measured over several seeds: mean ± sample std, min and max.

    values: 1-D sequence of at least 2 finite numbers (a claim over one seed has no spread).
    """
    x = np.asarray(values, dtype=float).ravel()
    if x.size < 2:
        raise ValueError(f"spread: needs at least 2 values (one per seed), got {x.size}. "
                         "State a random result over several seeds.")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"spread: values must be finite, got {values!r}.")
    return Spread(float(x.mean()), float(x.std(ddof=1)), int(x.size), float(x.min()), float(x.max()))


_NUMBER = re.compile(r"\s*[-+−±]?\s*[\d.]")  # a cell that starts like a number: right-aligned


def table(rows, header=None, align: str | None = None, gap: int = 2) -> str:
    """Rows of cells as aligned text columns, for print(): widths in display columns (see `columns`), so
    a table stays aligned in Chinese.

    rows: sequences of cells, one per row (str(cell) is shown: format numbers first, f"{x:.3f}");
    header: the column names, or None; align: one "<" or ">" per column, by default ">" for a column whose
    every cell starts like a number and "<" otherwise; gap: spaces between columns.
        print(dt.table([("relu", "0.93"), ("tanh", "0.91")], header=("activation", "accuracy")))
    """
    body = [[str(cell) for cell in row] for row in rows]
    lines = ([[str(h) for h in header]] if header is not None else []) + body
    if not lines:
        return ""
    n = len(lines[0])
    if any(len(line) != n for line in lines):
        raise ValueError(f"table: every row needs {n} cells (as many as the first), got lengths "
                         f"{sorted({len(line) for line in lines})}.")
    if align is None:
        align = "".join(">" if body and all(_NUMBER.match(row[j]) for row in body) else "<" for j in range(n))
    if len(align) != n or set(align) - {"<", ">"}:
        raise ValueError(f"table: align needs one '<' or '>' per column ({n}), got {align!r}.")
    widths = [max(columns(line[j]) for line in lines) for j in range(n)]
    return "\n".join((" " * gap).join(pad(cell, w, a) for cell, w, a in zip(line, widths, align)).rstrip()
                     for line in lines)
