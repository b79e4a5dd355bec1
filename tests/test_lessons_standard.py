"""Every lesson meets the lesson standard's checkable parts (shared plan: "A sentence in a lesson is a claim"):
its claims are guarded by dt.expect and the stored run shows them holding, it shows the package's own code
with dt.show_source, it has at least one exercise in which the learner writes code that is checked, and its
cells do not talk to developers."""
import json
import re
from pathlib import Path

import pytest

from dlteach.exercises import CODE_EXERCISES

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
MIN_CLAIMS = 5  # guarded claims per lesson
# Words aimed at developers, not learners, in a code cell's comments.
# "the test" of the test suite, not of the data ("the test set", "the test digits" are the learner's words)
DEVELOPER_TALK = re.compile(r"#.*\b(nbval|pytest|the tests?\b(?!'? ?(sets?|digits|images|points|data|accuracy|loss)\b)|CI|"
                            r"sanitiz\w*|not compared)\b", re.IGNORECASE)


def _cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _code(path):
    return ["".join(c["source"]) for c in _cells(path) if c["cell_type"] == "code"]


def _text_outputs(path):
    for cell in _cells(path):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                yield "".join(out["text"])
            elif out.get("output_type") == "error":
                yield out["ename"] + ": " + out["evalue"]
            else:
                yield "".join(out.get("data", {}).get("text/plain", ""))


def test_every_lesson_is_checked_here():
    sources = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.md"))
    assert len(LESSONS) >= 14 and [p.stem for p in LESSONS] == [p.stem for p in sources]


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_claims_are_guarded_and_hold_in_the_stored_run(path):
    code = "\n".join(_code(path))
    calls = len(re.findall(r"\bdt\.expect\(", code))
    assert calls >= MIN_CLAIMS, f"{path.name}: {calls} dt.expect claims, the standard asks for {MIN_CLAIMS}+"
    shown = "\n".join(_text_outputs(path))
    assert "ClaimError" not in shown, f"{path.name}: a claim failed in the stored run"
    assert shown.count("✓ ") >= calls, f"{path.name}: the stored outputs do not show every claim holding"


@pytest.mark.parametrize("path", LESSONS[1:], ids=lambda p: p.stem)
def test_the_package_code_is_shown_not_copied(path):
    assert re.search(r"\bdt\.show_source\(", "\n".join(_code(path))), \
        f"{path.name}: show the package's implementation with dt.show_source(...)"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_every_source_a_cell_shows_reaches_the_page(path):
    """show_source returns a Code object, which a notebook displays only as a cell's last value: of two calls in a
    cell the first showed nothing (lesson 10 promised L2's penalty and showed only its gradient)."""
    for source in _code(path):
        lines = [line for line in source.split("\n") if line.strip()]
        hidden = [line for line in lines[:-1] if re.match(r"\s*dt\.show_source\(", line)]
        assert not hidden, f"{path.name}: only a cell's last value is shown; wrap these in display(): {hidden}"


@pytest.mark.parametrize("path", LESSONS[1:], ids=lambda p: p.stem)
def test_the_learner_writes_code_that_is_checked(path):
    names = set(re.findall(r"check\(\s*[\"'](\d\d\.\w+)[\"']", "\n".join(_code(path))))
    written = sorted(n for n in names if n in CODE_EXERCISES and n.startswith(path.stem[:2]))
    assert written, f"{path.name}: no implementation exercise (a check of a CODE_EXERCISES entry)"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_cells_speak_to_learners(path):
    talk = [line.strip() for src in _code(path) for line in src.splitlines() if DEVELOPER_TALK.search(line)]
    assert not talk, f"{path.name}: comments aimed at developers: {talk}"
