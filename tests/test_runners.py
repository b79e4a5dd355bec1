"""make test's own scripts: the lesson runner (scripts/execute_notebooks.py) and the summary of what ran
(scripts/test_summary.py)."""
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]

JUNIT = ('<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="{e}" failures="{f}" '
         'skipped="{s}" tests="{t}" time="1.0"></testsuite></testsuites>')


def _lesson_runner():
    """scripts/execute_notebooks.py as a module (scripts/ is not a package)."""
    import importlib.util  # noqa: PLC0415

    spec = importlib.util.spec_from_file_location("execute_notebooks", ROOT / "scripts" / "execute_notebooks.py")
    runner = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(runner)
    return runner


def summary(folder: Path):
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "test_summary.py"), str(folder)],
                          capture_output=True, text=True)


def test_the_summary_counts_every_environment_and_ends_with_the_totals(tmp_path):
    (tmp_path / "pinned.xml").write_text(JUNIT.format(e=0, f=0, s=3, t=103))
    (tmp_path / "colab-unit.xml").write_text(JUNIT.format(e=0, f=0, s=2, t=52))
    (tmp_path / "colab-lessons.json").write_text(json.dumps({"passed": 14, "failed": 0}))
    (tmp_path / "lowest-unit.xml").write_text(JUNIT.format(e=1, f=2, s=2, t=52))
    (tmp_path / "lowest-lessons.json").write_text(json.dumps({"passed": 13, "failed": 1}))
    run = summary(tmp_path)
    lines = run.stdout.strip().splitlines()
    assert lines[-1] == "total: 224 passed, 4 failed" and run.returncode == 1
    assert "lowest (constraints-lowest.txt) unit tests: 47 passed, 3 failed, 2 skipped" in lines
    assert "Colab (constraints-colab.txt)  lessons executed: 14 passed, 0 failed" in lines  # make lessons-colab ran
    assert "pinned (constraints.txt)" in run.stdout and "100 passed, 0 failed, 3 skipped" in run.stdout


def test_a_part_that_left_no_results_did_not_run_and_fails(tmp_path):
    """Every part make test runs must leave its results; the Colab lessons (make lessons-colab, not make test) need not."""
    (tmp_path / "pinned.xml").write_text(JUNIT.format(e=0, f=0, s=0, t=10))
    run = summary(tmp_path)
    assert run.returncode == 1 and run.stdout.count("DID NOT RUN") == 3
    assert "Colab (constraints-colab.txt)  lessons executed" not in run.stdout
    assert run.stdout.strip().splitlines()[-1] == "total: 10 passed, 3 failed"


def test_all_passed_exits_0(tmp_path):
    for name in ("pinned.xml", "colab-unit.xml", "lowest-unit.xml"):
        (tmp_path / name).write_text(JUNIT.format(e=0, f=0, s=0, t=5))
    (tmp_path / "lowest-lessons.json").write_text(json.dumps({"passed": 14, "failed": 0}))
    run = summary(tmp_path)
    assert run.returncode == 0 and run.stdout.strip().endswith("total: 29 passed, 0 failed")


def test_make_test_orders_the_lessons_by_the_committed_seconds_of_every_lesson():
    """scripts/lesson_seconds.json (make test's --longest-first FILE) knows every lesson, in both languages."""
    runner = _lesson_runner()
    seconds = runner.earlier_seconds(ROOT / "scripts" / "lesson_seconds.json")
    lessons = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "notebooks").glob("**/[0-9][0-9]_*.ipynb"))
    assert sorted(seconds) == lessons and all(s > 0 for s in seconds.values())
    makefile = (ROOT / "Makefile").read_text()
    assert "LESSON_SECONDS := scripts/lesson_seconds.json" in makefile
    assert makefile.count("--longest-first $(LESSON_SECONDS)") == 2


@pytest.mark.parametrize("jobs", [[], ["--jobs", "2"]], ids=["one at a time", "two at once"])
def test_the_lesson_runner_checks_over_ipc_and_writes_its_counts(tmp_path, jobs):
    """One small notebook through execute_notebooks.py --check: it passes, its counts reach --results,
    and the kernel runs over IPC, so it does not log 'running over TCP without encryption'."""
    good, bad = tmp_path / "00_good.ipynb", tmp_path / "01_bad.ipynb"
    for path, source in ((good, "print(1 + 1)"), (bad, "import sys\nprint('oops', file=sys.stderr)")):
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(source)]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, path)
    results = tmp_path / "lessons.json"
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "execute_notebooks.py"), "--check", *jobs, "--results",
                          str(results), str(good), str(bad)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert run.returncode == 1, run.stdout + run.stderr
    assert run.stdout.strip().splitlines()[-1] == "lessons: 1 passed, 1 failed"
    assert f"{bad}: stderr in cell 0: oops" in run.stderr
    assert "without encryption" not in run.stdout + run.stderr
    counts = json.loads(results.read_text())
    assert (counts["passed"], counts["failed"]) == (1, 1)


def test_longest_first_reads_an_earlier_runs_seconds_from_nbvals_junit_or_the_runners_json(tmp_path):
    """--longest-first: the lessons that took longest start first, those the earlier run does not know before them
    (in their order); nbval's cells are summed per notebook; a missing or unreadable file changes nothing."""
    runner = _lesson_runner()
    cells = [("notebooks.00_workflow.ipynb", 3.0), ("notebooks.00_workflow.ipynb", 9.0),
             ("notebooks.zh_CN.01_neuron.ipynb", 10.0), ("tests.test_stats", 99.0)]
    junit = tmp_path / "pinned.xml"
    junit.write_text('<testsuites><testsuite name="pytest">' + "".join(
        f'<testcase classname="{c}" name="Cell {i}" time="{t}" />' for i, (c, t) in enumerate(cells))
        + "</testsuite></testsuites>")
    assert runner.earlier_seconds(junit) == {"notebooks/00_workflow.ipynb": 12.0, "notebooks/zh_CN/01_neuron.ipynb": 10.0}
    earlier = tmp_path / "colab-lessons.json"
    earlier.write_text(json.dumps({"passed": 3, "failed": 0, "seconds": {"notebooks/00_workflow.ipynb": 12.0,
                                                                        "notebooks/zh_CN/01_neuron.ipynb": 10.0}}))
    paths = [Path(p) for p in ("notebooks/zh_CN/01_neuron.ipynb", "notebooks/00_workflow.ipynb",
                               "notebooks/16_attention.ipynb", "notebooks/17_autoencoders.ipynb")]
    for source in (junit, earlier):
        assert runner.longest_first(paths, runner.earlier_seconds(source)) == [paths[2], paths[3], paths[1], paths[0]]
    for missing_or_bad in (tmp_path / "missing.json", tmp_path):
        assert runner.earlier_seconds(missing_or_bad) == {}
        assert runner.longest_first(paths, runner.earlier_seconds(missing_or_bad)) == paths
