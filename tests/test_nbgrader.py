"""nbgrader round trip, offline, in a temporary course: make_assignments -> generate_assignment ->
autograde a solved and a blank submission -> the gradebook holds full and zero marks; and the same for a
Chinese lesson (its assignment named <lesson>_zh_CN), with a wrong and a right submission graded in Chinese.

One English lesson (01: three quizzes and two code exercises, one of whose checkers also runs TensorFlow; the
cheapest lesson with such a checker to execute, 15 s against lesson 03's 64 in a strict nbval run) and one Chinese
(06: a quiz and two code exercises, and no training: 17 s), in one course, generated and autograded by one nbgrader
call each, to keep the time down; every lesson's conversion, in both languages, is checked without running nbgrader.
"""
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import make_assignments  # noqa: E402

from dlteach import solutions  # noqa: E402

import nbgrader.api as nbgrader_api  # noqa: E402 (in the test extra: fail, never skip, without it)
LESSON = "01_neuron"
CHINESE = "06_backprop_zh_CN"  # the Chinese lesson notebooks/zh_CN/06_backprop.ipynb as an assignment
CHINESE_NOTEBOOK = "06_backprop.ipynb"
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


def _with_exercises(folder: Path) -> list[str]:
    return [p.stem for p in sorted(folder.glob("[0-9][0-9]_*.ipynb"))
            if any(make_assignments.CHECK_CALL.search(c.source) for c in nbformat.read(p, 4).cells)]


def test_every_lesson_with_exercises_converts_in_both_languages(tmp_path):
    assert make_assignments.main(["--course", str(tmp_path)]) == 0
    made = sorted(p.parent.name for p in (tmp_path / "source").glob("*/*.ipynb"))
    english = _with_exercises(ROOT / "notebooks")
    assert made == sorted(english + [f"{n}_zh_CN" for n in _with_exercises(ROOT / "notebooks" / "zh_CN")])
    assert len(english) >= 14  # lessons 00-13, and every later lesson with exercises
    assert f"{LESSON}_zh_CN" in made and CHINESE in made
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
        if path.parent.name.endswith("_zh_CN"):  # the same exercises, grade ids and points as the English
            twin = nbformat.read(tmp_path / "source" / path.stem / path.name, 4)
            assert [c.metadata["nbgrader"] for c in nb.cells if "nbgrader" in c.metadata] == \
                [c.metadata["nbgrader"] for c in twin.cells if "nbgrader" in c.metadata]
            assert 'set_language("zh_CN")' in nb.cells[1].source  # its test cells speak Chinese
    assert seen == set(solutions.QUIZ) | set(solutions.CODE)  # every exercise is in some lesson


def test_a_chinese_lesson_is_named_with_its_suffix(capsys):
    with pytest.raises(SystemExit):
        make_assignments.main(["--course", "unused", "03_losses_zh"])
    assert "_zh_CN" in capsys.readouterr().err
    assert make_assignments.lesson_notebooks(["03_losses_zh_CN"]) == [
        ("03_losses_zh_CN", ROOT / "notebooks" / "zh_CN" / "03_losses.ipynb")]


def test_solution_bodies_are_the_instructors_code():
    body = make_assignments.solution_body(solutions.dense_backward)
    assert body.startswith("a = np.tanh(x @ W + b)") and body.endswith("return dW, db, dx")


def _fill(release: Path, answers: dict[str, str]) -> nbformat.NotebookNode:
    """The released notebook with each stub ('# YOUR CODE HERE' / 'raise NotImplementedError()' of the
    answer cell `grade_id`) replaced by the student's code."""
    nb = nbformat.read(release, 4)
    for cell in nb.cells:
        code = answers.get(cell.metadata.get("nbgrader", {}).get("grade_id"))
        if code is not None:
            stub = re.search(r"^([ \t]*)# YOUR CODE HERE\n\1raise NotImplementedError\(\)$", cell.source, re.M)
            indent = stub.group(1)
            cell.source = cell.source[:stub.start()] + textwrap.indent(code, indent) + cell.source[stub.end():]
    return nb


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """One course, the English and the Chinese assignment generated and four submissions autograded, each by
    one nbgrader call (every call starts nbgrader; autograde runs each submission in its own kernel)."""
    course = tmp_path_factory.mktemp("nbgrader") / "course"
    assert make_assignments.main(["--course", str(course), LESSON, CHINESE]) == 0
    _nbgrader(course, "generate_assignment", "*", "--force")
    chinese_release = course / "release" / CHINESE / CHINESE_NOTEBOOK
    right_code = {exercise: make_assignments.solution_body(solutions.CODE[exercise])
                  for exercise in ("06.dense_backward", "06.two_layer_backward")}
    submissions = {
        ("solved", LESSON): nbformat.read(course / "source" / LESSON / f"{LESSON}.ipynb", 4),
        ("blank", LESSON): nbformat.read(course / "release" / LESSON / f"{LESSON}.ipynb", 4),
        ("right", CHINESE): _fill(chinese_release, {  # the instructors' code, as a student would write it
            "06_predict_saturated_answer": 'prediction = "smaller"',
            "06_dense_backward_answer": right_code["06.dense_backward"],
            "06_two_layer_backward_answer": right_code["06.two_layer_backward"]}),
        ("wrong", CHINESE): _fill(chinese_release, {  # a wrong prediction, tanh' forgotten, a right 2-layer: 2 of 5
            "06_predict_saturated_answer": 'prediction = "larger"',
            "06_dense_backward_answer": "return x.T @ grad_a, grad_a.sum(axis=0), grad_a @ W.T",
            "06_two_layer_backward_answer": right_code["06.two_layer_backward"]}),
    }
    for (student, assignment), nb in submissions.items():
        target = course / "submitted" / student / assignment
        target.mkdir(parents=True)
        nbformat.write(nb, target / (f"{LESSON}.ipynb" if assignment == LESSON else CHINESE_NOTEBOOK))
    _nbgrader(course, "autograde", "*", "--force")  # autograde creates the students it does not know
    return course


def _outputs(cell) -> str:
    return "\n".join(o.get("text", "") + o.get("evalue", "") for o in cell.outputs)


def test_generate_and_autograde_a_solved_and_a_blank_submission(course):
    release = course / "release" / LESSON / f"{LESSON}.ipynb"
    released = nbformat.read(release, 4)
    text = "\n".join(c.source for c in released.cells)
    assert "BEGIN SOLUTION" not in text and "raise NotImplementedError()" in text
    assert make_assignments.solution_body(solutions.neuron_forward) not in text

    with nbgrader_api.Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        solved = gradebook.find_submission(LESSON, "solved")
        blank = gradebook.find_submission(LESSON, "blank")
        assert solved.max_score == blank.max_score == 7  # three quizzes (1 point each), two code exercises (2 each)
        assert solved.score == solved.max_score
        assert blank.score == 0

    graded = nbformat.read(course / "autograded" / "solved" / LESSON / f"{LESSON}.ipynb", 4)
    for cell in graded.cells:  # nbgrader scores a test cell 0 if it writes to stderr: nothing may
        if cell.cell_type == "code":
            assert not [o for o in cell.outputs if o.output_type == "error" or o.get("name") == "stderr"], cell.source
    # the twin check ran Keras (on TensorFlow) inside nbgrader's kernel, and wrote nothing to stderr (above)
    assert any("Keras's Dense(1, 'sigmoid') with the same weights agrees" in o.get("text", "")
               for c in _graded_cells(graded) for o in c.outputs)


def test_a_chinese_lesson_generates_and_autogrades_a_wrong_and_a_right_submission_in_chinese(course):
    released = nbformat.read(course / "release" / CHINESE / CHINESE_NOTEBOOK, 4)
    text = "\n".join(c.source for c in released.cells)
    assert "BEGIN SOLUTION" not in text and "raise NotImplementedError()" in text
    assert make_assignments.solution_body(solutions.dense_backward) not in text
    assert "# 在这里写你的代码" in text and "反向传播" in text  # the lesson's Chinese, its stub comment included

    with nbgrader_api.Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        right = gradebook.find_submission(CHINESE, "right")
        wrong = gradebook.find_submission(CHINESE, "wrong")
        assert right.max_score == wrong.max_score == 5  # a quiz (1 point), two code exercises (2 each)
        assert right.score == 5
        assert wrong.score == 2
        scores = {g.name: g.score for notebook in wrong.notebooks for g in notebook.grades}
        assert scores == {"06_predict_saturated_test": 0, "06_dense_backward_test": 0, "06_two_layer_backward_test": 2}

    for student, verdict in (("right", "正确！"), ("wrong", "还不对。")):
        graded = nbformat.read(course / "autograded" / student / CHINESE / CHINESE_NOTEBOOK, 4)
        tests = _graded_cells(graded)
        assert len(tests) == 3
        assert all(not [o for o in c.outputs if o.get("name") == "stderr"] for c in graded.cells
                   if c.cell_type == "code"), "a test cell that writes to stderr scores 0"
        # the feedback a student gets back is the checkers' Chinese: the verdict, and on a wrong answer the hint
        assert verdict in _outputs(tests[0]), _outputs(tests[0])
    assert "提示1/3" in _outputs(_graded_cells(graded)[1])
