"""Turn the lessons into an nbgrader course (nbgrader 0.9.x), in English and in Chinese.

    python scripts/make_assignments.py                 # every lesson with exercises, both languages -> course/
    python scripts/make_assignments.py --course DIR 02_activations 06_backprop_zh_CN

For each lesson notebook that calls `check("<id>", answer)` it writes
    DIR/source/<lesson>/<lesson>.ipynb               from notebooks/<lesson>.ipynb
    DIR/source/<lesson>_zh_CN/<lesson>.ipynb         from notebooks/zh_CN/<lesson>.ipynb (the Chinese lesson)
the instructor's version: outputs cleared; every answer (the body of a stub function, or the `name = None`
line of a quiz) replaced by the solution from dlteach.solutions between `### BEGIN SOLUTION` and
`### END SOLUTION` in a cell marked as a solution; after each check a locked, autograded test cell
`assert_check("<id>", answer)` that raises AssertionError on a wrong answer (code: 2 points, quiz: 1).
A Chinese lesson says set_language("zh_CN") in its first cell, so its test cells' verdicts and hints are Chinese.
It also writes DIR/nbgrader_config.py. Then, in DIR:
    nbgrader generate_assignment <lesson>     # release/<lesson>/ : solutions replaced by stubs
    nbgrader autograde <lesson>               # after collecting submitted/<student>/<lesson>/

Both languages are assignments of one course, the Chinese one named with the suffix _zh_CN: one course_id,
exchange and gradebook (nbgrader on JupyterHub serves one course per formgrader), the same grade ids and points
in both (scores compare), and distinct names, so a student never fetches the other language by mistake.
"""
from __future__ import annotations

import argparse
import ast
import inspect
import re
import sys
import textwrap
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dlteach import solutions  # noqa: E402  (the instructors' module; students never import it)

CHECK_CALL = re.compile(r'\bcheck\(\s*"(?P<id>[\w.]+)"\s*,\s*(?P<var>\w+)\s*\)')
POINTS = {"code": 2, "quiz": 1}
LANGUAGES = ("zh_CN",)  # besides English: notebooks/<language>/ holds the translated lessons
CONFIG = '''c = get_config()  # noqa: F821  (nbgrader provides it)
c.CourseDirectory.course_id = "dlteach"
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
# Lessons train small models and import TensorFlow: give each cell time on a slow classroom server.
c.ExecutePreprocessor.timeout = 300
'''


def solution_body(func) -> str:
    """The statements of a solution function after its docstring, dedented."""
    source = textwrap.dedent(inspect.getsource(func))
    node = ast.parse(source).body[0]
    body = node.body[1:] if isinstance(node.body[0], ast.Expr) and isinstance(
        getattr(node.body[0], "value", None), ast.Constant) else node.body
    lines = source.splitlines()
    return textwrap.dedent("\n".join(lines[body[0].lineno - 1:node.end_lineno]))


def grade_id(exercise: str, role: str) -> str:
    return exercise.replace(".", "_") + "_" + role


def nbgrader_meta(exercise: str, role: str, points: int = 0) -> dict:
    meta = {"schema_version": 3, "grade_id": grade_id(exercise, role), "locked": role == "test",
            "solution": role == "answer", "grade": role == "test", "task": False}
    if role == "test":
        meta["points"] = points
    return meta


def fill_code(source: str, exercise: str) -> str:
    """Replace the stub body ('# your code here' ... 'return None') with the solution region. A translated
    lesson's stub comment ('# 在这里写你的代码') stays above the region: nbgrader's stub that replaces the
    region in the student's version is English ('# YOUR CODE HERE', one per course), the lesson's says it in
    the lesson's language."""
    func = solutions.CODE[exercise]
    match = re.search(rf"^def {func.__name__}\(.*?^(?P<indent>[ \t]+)(?P<comment># [^\n]*)\n"
                      rf"(?P=indent)return None[ \t]*$", source, re.S | re.M)
    if match is None:
        raise ValueError(f"{exercise}: no stub 'def {func.__name__}(...)' with '# your code here' / 'return None'.")
    indent = match.group("indent")
    body = textwrap.indent(textwrap.dedent(solution_body(func)), indent)
    region = f"{indent}### BEGIN SOLUTION\n{body}\n{indent}### END SOLUTION"
    if match.group("comment") != "# your code here":
        region = f"{indent}{match.group('comment')}\n{region}"
    start = match.start("indent")
    return source[:start] + region + source[match.end():]


def fill_quiz(source: str, var: str, exercise: str) -> str | None:
    """Replace the line `var = None  # hint` with the solution region; None when the line is absent."""
    match = re.search(rf"^{var} = None[ \t]*(?P<comment>#.*)?$", source, re.M)
    if match is None:
        return None
    comment = (match.group("comment") + "\n") if match.group("comment") else ""
    region = f"{comment}### BEGIN SOLUTION\n{var} = {solutions.QUIZ[exercise]!r}\n### END SOLUTION"
    return source[:match.start()] + region + source[match.end():]


def convert(nb) -> tuple[nbformat.NotebookNode, list[str]]:
    """The nbgrader source version of a lesson; returns (notebook, exercise ids)."""
    nb = nbformat.from_dict(nb)
    nb.metadata.pop("widgets", None)
    cells, found = [], []
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cells.append(cell)
        if cell.cell_type != "code":
            continue
        for call in CHECK_CALL.finditer(cell.source):
            exercise, var = call.group("id"), call.group("var")
            if exercise in solutions.CODE:
                cell.source = fill_code(cell.source, exercise)
                answer_cell, kind = cell, "code"
            elif exercise in solutions.QUIZ:
                kind = "quiz"
                for answer_cell in reversed(cells):  # this cell or the nearest earlier code cell
                    if answer_cell.cell_type == "code":
                        filled = fill_quiz(answer_cell.source, var, exercise)
                        if filled is not None:
                            answer_cell.source = filled
                            break
                else:
                    raise ValueError(f"{exercise}: no line '{var} = None' before its check.")
            else:
                raise ValueError(f"{exercise}: no solution in dlteach.solutions.")
            answer_cell.metadata["nbgrader"] = nbgrader_meta(exercise, "answer")
            test = nbformat.v4.new_code_cell(
                f"from dlteach.exercises import assert_check\nassert_check({exercise!r}, {var})".replace("'", '"'))
            test.metadata["nbgrader"] = nbgrader_meta(exercise, "test", POINTS[kind])
            cells.append(test)
            found.append(exercise)
    nb.cells = cells
    return nb, found


def lesson_notebooks(names=()) -> list[tuple[str, Path]]:
    """(assignment name, lesson notebook) of every lesson in every language, or of the named ones
    (02_activations, 02_activations_zh_CN); raises ValueError naming a lesson that does not exist."""
    if not names:
        found = [(p.stem, p) for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))]
        for language in LANGUAGES:
            found += [(f"{p.stem}_{language}", p)
                      for p in sorted((ROOT / "notebooks" / language).glob("[0-9][0-9]_*.ipynb"))]
        return found
    found, missing = [], []
    for name in names:
        name = name.removesuffix(".ipynb")
        language = next((lang for lang in LANGUAGES if name.endswith("_" + lang)), None)
        lesson = name.removesuffix("_" + language) if language else name
        path = ROOT / "notebooks" / (language or "") / f"{lesson}.ipynb"
        (found if path.exists() else missing).append((name, path))
    if missing:
        raise ValueError(f"no such lesson: {', '.join(str(p) for _, p in missing)}; a Chinese lesson is named "
                         "with the suffix _zh_CN (02_activations_zh_CN).")
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lessons", nargs="*",
                        help="lesson names such as 02_activations, 02_activations_zh_CN (default: all, both languages)")
    parser.add_argument("--course", default=str(ROOT / "course"), help="course directory (default: course/)")
    args = parser.parse_args(argv)
    course = Path(args.course)
    try:
        lessons = lesson_notebooks(args.lessons)
    except ValueError as error:
        parser.error(str(error))
    course.mkdir(parents=True, exist_ok=True)
    (course / "nbgrader_config.py").write_text(CONFIG)
    for name, path in lessons:
        nb, found = convert(nbformat.read(path, as_version=4))
        if not found:
            continue
        out = course / "source" / name / path.name
        out.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, out)
        points = sum(c.metadata["nbgrader"].get("points", 0) for c in nb.cells if "nbgrader" in c.metadata)
        print(f"{out.relative_to(course)}: {len(found)} exercises, {points} points")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
