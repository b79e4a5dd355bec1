"""Write docs/API.md from the package's docstrings: every public name, its signature and its
docstring, module by module, in the order of each module's __all__.

    python scripts/make_api_doc.py            # rewrite docs/API.md
    python scripts/make_api_doc.py --check    # exit 1 if docs/API.md is out of date

tests/test_public_api.py runs the check, so a changed signature or docstring that is not
regenerated fails the tests.
"""
from __future__ import annotations

import argparse
import importlib
import inspect
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "docs" / "API.md"

# (module, title, what it is for). The names documented are the module's __all__; for keras_twin,
# which has none, its public functions and classes.
SECTIONS = [
    ("dlteach", "`dlteach` (`import dlteach as dt`)",
     "The from-scratch engine: pure NumPy, float64, samples as rows, Keras weight layout. Every name "
     "below is defined in a submodule of `dlteach.core` and re-exported, so `dt.<name>` is the only "
     "spelling a lesson needs."),
    ("dlteach.data", "`dlteach.data` (`dt.data`)",
     "Datasets, splits and preprocessing (scikit-learn's conventions: `test_size`, `fit` returns the "
     "fitted object)."),
    ("dlteach.experiments", "`dlteach.experiments` (`dt.experiments`)",
     "The lessons' trained models and runs, below the widgets: numbers and models, no drawing. Cached "
     "models are returned as copies."),
    ("dlteach.plots", "`dlteach.plots` (`dt.plots`, imports matplotlib on first use)",
     "Drawing on a given matplotlib Axes or Figure; each function returns what it drew."),
    ("dlteach.widgets", "`dlteach.widgets` (`dt.widgets`, imports matplotlib on first use)",
     "One explorer per lesson: `set(...)` validates and recomputes, `widget()` builds the ipywidgets "
     "controls, `show()` displays a static picture."),
    ("dlteach.keras_twin", "`dlteach.keras_twin` (`dt.keras_twin`, imports TensorFlow inside its functions)",
     "Keras twins of from-scratch models, losses and optimizers, and side-by-side training."),
    ("dlteach.exercises", "`dlteach.exercises` (`dt.exercises`)",
     "Checkers for the lessons' exercises."),
    ("dlteach.stats", "`dlteach.stats` (`dt.stats`, imports scipy on first use)",
     "Comparisons the lessons state: one accuracy's Wilson interval, two classifiers on the same test "
     "items (exact McNemar, paired interval), two methods over the same seeds (paired differences)."),
]

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def _clean(text: str) -> str:
    """Strip memory addresses (reprs of default values) so the document is reproducible."""
    return _ADDRESS.sub("", text)


def _signature(obj, drop_self: bool = False) -> str:
    """The signature as written in the source: annotations without the quotes that postponed
    evaluation (from __future__ import annotations) puts around them, `self` left out."""
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return "(...)"
    if drop_self and sig.parameters and next(iter(sig.parameters)) == "self":
        sig = sig.replace(parameters=list(sig.parameters.values())[1:])
    text = re.sub(r"(: |-> )'([^']*)'", r"\1\2", str(sig))
    return _clean(text)


def _doc(obj) -> str:
    doc = inspect.getdoc(obj) or ""
    return _clean(doc)


def _public_names(module) -> list[str]:
    names = getattr(module, "__all__", None)
    if names is not None:
        return list(names)
    return [n for n, v in vars(module).items()
            if not n.startswith("_") and (inspect.isfunction(v) or inspect.isclass(v))
            and getattr(v, "__module__", None) == module.__name__]


def _quote(doc: str) -> list[str]:
    """A docstring as an indented code-free block: kept verbatim (formulas and shapes line up)."""
    if not doc:
        return ["*(no docstring)*", ""]
    return ["```text", *doc.splitlines(), "```", ""]


def _methods(cls) -> list[str]:
    lines = []
    for name, member in sorted(vars(cls).items()):
        if name.startswith("_") or not (inspect.isfunction(member) or isinstance(member, (property, classmethod,
                                                                                          staticmethod))):
            continue
        func = member.fget if isinstance(member, property) else getattr(member, "__func__", member)
        first = (_doc(func).split("\n\n")[0].replace("\n", " ") or "").strip()
        head = f"`.{name}`" if isinstance(member, property) else f"`.{name}{_signature(func, drop_self=True)}`"
        lines.append(f"- {head}" + (f": {first}" if first else ""))
    return lines


def _constant(value) -> str:
    if isinstance(value, dict):
        keys = ", ".join(map(str, value))
        return f"a dict with keys: {keys}"
    if isinstance(value, (tuple, list)) and all(isinstance(v, (str, int, float)) for v in value):
        return _clean(repr(value))
    if isinstance(value, (str, int, float)):
        return repr(value)
    return f"a {type(value).__name__}"


def _settings(cls) -> list[str]:
    """An explorer's settings from its PARAMS table: default and range or choices."""
    params = getattr(cls, "PARAMS", None) or {}
    lines = []
    for name, p in params.items():
        if p.choices is not None:
            allowed = "one of " + ", ".join(f"`{c!r}`" for c in p.choices)
        else:
            allowed = f"from {p.low:g} to {p.high:g}" + (" (log slider)" if p.log else "")
        lines.append(f"- `{name}` = `{p.default!r}`: {allowed}")
    return ["Settings:", "", *lines, ""] if lines else []


def _entry(qualname: str, obj) -> list[str]:
    if inspect.isclass(obj):
        lines = [f"### class `{qualname}{_signature(obj)}`", "", *_quote(_doc(obj)), *_settings(obj)]
        methods = _methods(obj)
        return lines + (["Methods and properties:", "", *methods, ""] if methods else [])
    if callable(obj):
        return [f"### `{qualname}{_signature(obj)}`", "", *_quote(_doc(obj))]
    return [f"### `{qualname}`", "", _constant(obj), ""]


def build() -> str:
    """The text of docs/API.md."""
    out = ["# dlteach API", "",
           "Generated from the docstrings by `scripts/make_api_doc.py`; do not edit by hand "
           "(`python scripts/make_api_doc.py` rewrites it, and the tests check that it is current).", "",
           "Layers, each importing only those below it: `dlteach.widgets` → `dlteach.plots`, "
           "`dlteach.keras_twin` → `dlteach.experiments` → `dlteach.data` → `dlteach.core`. "
           "`import dlteach` loads only NumPy, the engine, `data` and `experiments`.", "",
           "## Contents", ""]
    for module_name, title, _ in SECTIONS:
        anchor = re.sub(r"[^a-z0-9 -]", "", title.lower()).replace(" ", "-")
        out.append(f"- [{title}](#{anchor})")
    out.append("")
    for module_name, title, intro in SECTIONS:
        module = importlib.import_module(module_name)
        out += [f"## {title}", "", intro, ""]
        prefix = "dt" if module_name == "dlteach" else module_name.replace("dlteach", "dt")
        for name in _public_names(module):
            out += _entry(f"{prefix}.{name}", getattr(module, name))
    return "\n".join(out).rstrip() + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/API.md is out of date")
    args = parser.parse_args(argv)
    text = build()
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT.relative_to(ROOT)} is out of date: run python scripts/make_api_doc.py", file=sys.stderr)
            return 1
        print(f"{OUTPUT.relative_to(ROOT)} is up to date.")
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)} ({len(text.splitlines())} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
