"""nbgrader round trip, offline, in a temporary course: make_assignments -> generate_assignment ->
autograde a solved and a blank submission -> the gradebook holds full and zero marks.

One lesson only (03: a quiz, a code exercise whose checker also runs TensorFlow) to keep the time down;
every lesson's conversion is checked without running nbgrader.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import make_assignments  # noqa: E402

from dlteach import solutions  # noqa: E402

import nbgrader.api as nbgrader_api  # noqa: E402 (in the test extra: fail, never skip, without it)
LESSON = "03_losses"
BIN = Path(sys.executable).parent


def _env():
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", TF_ENABLE_ONEDNN_OPTS="0", PYTHONHASHSEED="0",
               MPLCONFIGDIR=str(ROOT / ".cache" / "matplotlib"), KERAS_HOME=str(ROOT / ".cache" / "keras"))
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"  # this environment's python3 kernel
    return env


def _nbgrader(course: Path, *args):
    result = subprocess.run([str(BIN / "nbgrader"), *args], cwd=course, env=_env(), capture_output=True, text=True,
                            timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def _graded_cells(nb):
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]


def test_every_lesson_with_exercises_converts(tmp_path):
    assert make_assignments.main(["--course", str(tmp_path)]) == 0
    made = sorted(p.parent.name for p in (tmp_path / "source").glob("*/*.ipynb"))
    assert made == sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")
                          if any(make_assignments.CHECK_CALL.search(c.source) for c in nbformat.read(p, 4).cells))
    assert len(made) >= 14  # lessons 00-13, and every later lesson with exercises
    seen = set()
    for path in (tmp_path / "source").glob("*/*.ipynb"):
        nb = nbformat.read(path, 4)
        ids = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells if "nbgrader" in c.metadata]
        assert len(ids) == len(set(ids))
        answers = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
        tests = _graded_cells(nb)
        assert len(answers) == len(tests) > 0
        assert all("### BEGIN SOLUTION" in c.source and "### END SOLUTION" in c.source for c in answers)
        assert all(c.metadata["nbgrader"]["locked"] and "assert_check(" in c.source for c in tests)
        assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code")
        seen |= {c.source.split('"')[1] for c in tests}
    assert seen == set(solutions.QUIZ) | set(solutions.CODE)  # every exercise is in some lesson


def test_solution_bodies_are_the_instructors_code():
    body = make_assignments.solution_body(solutions.dense_backward)
    assert body.startswith("a = np.tanh(x @ W + b)") and body.endswith("return dW, db, dx")


def test_generate_and_autograde_a_solved_and_a_blank_submission(tmp_path):
    course = tmp_path / "course"
    assert make_assignments.main(["--course", str(course), LESSON]) == 0
    _nbgrader(course, "generate_assignment", LESSON, "--force")
    release = course / "release" / LESSON / f"{LESSON}.ipynb"
    released = nbformat.read(release, 4)
    text = "\n".join(c.source for c in released.cells)
    assert "BEGIN SOLUTION" not in text and "np.log1p" not in text and "raise NotImplementedError()" in text

    for student, notebook in (("solved", course / "source" / LESSON / f"{LESSON}.ipynb"), ("blank", release)):
        target = course / "submitted" / student / LESSON
        target.mkdir(parents=True)
        shutil.copy(notebook, target / f"{LESSON}.ipynb")
        _nbgrader(course, "db", "student", "add", student)
    _nbgrader(course, "autograde", LESSON, "--force")

    with nbgrader_api.Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        solved = gradebook.find_submission(LESSON, "solved")
        blank = gradebook.find_submission(LESSON, "blank")
        assert solved.max_score == blank.max_score == 4  # two quizzes (1 point each), one code exercise (2)
        assert solved.score == solved.max_score
        assert blank.score == 0

    graded = nbformat.read(course / "autograded" / "solved" / LESSON / f"{LESSON}.ipynb", 4)
    for cell in graded.cells:  # nbgrader scores a test cell 0 if it writes to stderr: nothing may
        if cell.cell_type == "code":
            assert not [o for o in cell.outputs if o.output_type == "error" or o.get("name") == "stderr"], cell.source
    assert any("TensorFlow" in o.get("text", "") for c in _graded_cells(graded) for o in c.outputs)
