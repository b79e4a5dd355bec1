"""Rules for the test suite itself: TensorFlow is a hard dependency, so a test that needs it fails without
it instead of skipping silently (issue: tests that can fail)."""
import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def test_no_test_skips_when_tensorflow_or_keras_is_missing():
    pattern = re.compile(r"importorskip\(\s*[\"'](tensorflow|keras)")
    offenders = [f"{p.name}:{i}" for p in sorted(TESTS.glob("*.py")) if p.name != Path(__file__).name
                 for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert not offenders, f"import TensorFlow/Keras directly (fail, never skip): {offenders}"
