"""How the widget modules hang together: no import cycles, and the drawing speed-ups in one module."""
import ast
from pathlib import Path

WIDGETS = Path(__file__).resolve().parents[1] / "dlteach" / "widgets"


def imported_siblings(path: Path) -> set[str]:
    """The modules of dlteach.widgets that `path` imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module is None:
                found |= {alias.name for alias in node.names}
            else:
                found.add(node.module.split(".")[0])
    return found & {p.stem for p in WIDGETS.glob("*.py")}


def test_no_widget_module_imports_one_that_imports_it_back():
    graph = {p.stem: imported_siblings(p) - {p.stem} for p in WIDGETS.glob("*.py") if p.stem != "__init__"}

    def reaches(start, goal, seen=()):
        return any(nxt == goal or (nxt not in seen and reaches(nxt, goal, (*seen, nxt))) for nxt in graph.get(start, ()))

    cycles = sorted(name for name in graph if reaches(name, name))
    assert not cycles, f"import cycles through {cycles}: {({n: sorted(graph[n]) for n in cycles})}"
    assert "playground" not in graph["playground_ui"]  # the controls read playground_settings, not the model


def test_the_explorer_base_and_the_playground_leave_matplotlib_internals_to_fastagg():
    """Figures, canvas, blitting and layout replay come from fastagg (version-checked speed-ups): the
    modules an explorer's author reads do not reach into matplotlib themselves."""
    for name in ("base.py", "playground.py", "playground_ui.py"):
        source = (WIDGETS / name).read_text()
        for internal in ("copy_from_bbox", "restore_region", "_set_position", "TextCachingCanvas(", "Figure(",
                         "draw_artist", "set_animated"):
            assert internal not in source, (name, internal)


def test_no_top_level_module_of_dlteach_imports_one_that_imports_it_back():
    """dlteach/*.py: experiments.py re-exports the runs of deepnets.py and sequences.py, so those import what
    they share from runs.py, never from experiments.py (a cycle works only while the names happen to be
    defined before the import line)."""
    package = WIDGETS.parent
    modules = {p.stem for p in package.glob("*.py")} - {"__init__"}

    def imported(path):  # module-level `from .x import` and `from . import x` only (function-level is lazy)
        found = set()
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                found |= {a.name for a in node.names} if node.module is None else {node.module.split(".")[0]}
        return found & modules

    graph = {name: imported(package / f"{name}.py") - {name} for name in modules}

    def reaches(start, goal, seen=()):
        return any(nxt == goal or (nxt not in seen and reaches(nxt, goal, (*seen, nxt))) for nxt in graph[start])

    cycles = sorted(name for name in graph if reaches(name, name))
    assert not cycles, f"import cycles through {cycles}: {({n: sorted(graph[n]) for n in cycles})}"
