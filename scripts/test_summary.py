"""The last lines of `make test`: what ran in each environment, and the totals.

    python scripts/test_summary.py .cache/test-results

Reads the JUnit XML each pytest run wrote (pinned.xml, colab-unit.xml, lowest-unit.xml) and the JSON of each
lesson run (lowest-lessons.json, and colab-lessons.json where `make lessons-colab` ran: scripts/execute_notebooks.py
--results). A part make test runs that left no file did not run (its environment failed to install, or make
stopped): that counts as a failure. Exits 1 if anything failed or did not run. Standard library only (it runs with
any Python).
"""
from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

PARTS = [  # file, environment, what it holds, whether make test runs it (else counted only when it is there)
    ("pinned.xml", "pinned (constraints.txt)", "unit, browser and nbgrader tests, lessons compared strictly", True),
    ("colab-unit.xml", "Colab (constraints-colab.txt)", "unit tests named for Keras or GradientTape", True),
    ("colab-lessons.json", "Colab (constraints-colab.txt)", "lessons executed", False),
    ("lowest-unit.xml", "lowest (constraints-lowest.txt)", "unit tests", True),
    ("lowest-lessons.json", "lowest (constraints-lowest.txt)", "lessons executed", True),
]


def junit_counts(path: Path) -> dict[str, int]:
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    total = {key: sum(int(s.get(key, 0)) for s in suites) for key in ("tests", "failures", "errors", "skipped")}
    return {"passed": total["tests"] - total["failures"] - total["errors"] - total["skipped"],
            "failed": total["failures"] + total["errors"], "skipped": total["skipped"]}


def main(folder: str) -> int:
    results = Path(folder)
    lines, passed, failed, missing = [], 0, 0, 0
    for name, environment, what, required in PARTS:
        path = results / name
        if not path.exists() and not required:
            continue
        if not path.exists():
            lines.append(f"{environment:30s} {what}: DID NOT RUN")
            missing += 1
            continue
        counts = junit_counts(path) if name.endswith(".xml") else json.loads(path.read_text())
        passed, failed = passed + counts["passed"], failed + counts["failed"]
        skipped = f", {counts['skipped']} skipped" if counts.get("skipped") else ""
        lines.append(f"{environment:30s} {what}: {counts['passed']} passed, {counts['failed']} failed{skipped}")
    print("\n== make test ==", *lines, sep="\n")
    if missing:
        print(f"{missing} part(s) did not run: see the output above")
    print(f"total: {passed} passed, {failed + missing} failed")
    return 1 if failed or missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else ".cache/test-results"))
