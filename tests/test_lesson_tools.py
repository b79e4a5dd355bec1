"""dt.expect, dt.show_source and dt.spread: the tools that keep a lesson's prose true and its code visible."""
import numpy as np
import pytest

import dlteach as dt


def test_expect_prints_the_claim_when_it_holds(capsys):
    dt.expect(1 < 2, "one is less than two", "1 vs 2")
    assert capsys.readouterr().out == "✓ one is less than two (1 vs 2)\n"
    dt.expect(np.float64(0.1) < 0.2, "numpy bools count")
    assert capsys.readouterr().out == "✓ numpy bools count\n"


def test_expect_raises_with_the_claim_when_it_does_not_hold(capsys):
    with pytest.raises(dt.ClaimError, match="Adam beats SGD.*0.3 vs 0.1"):
        dt.expect(0.3 < 0.1, "Adam beats SGD", "0.3 vs 0.1")
    assert capsys.readouterr().out == ""
    assert issubclass(dt.ClaimError, AssertionError)


@pytest.mark.parametrize("condition", [np.array([True, False]), None, 1, "yes"])
def test_expect_refuses_a_condition_that_is_not_a_bool(condition):
    with pytest.raises(TypeError, match="True or False"):
        dt.expect(condition, "a claim")


def test_expect_needs_the_claim_text():
    with pytest.raises(TypeError, match="claim"):
        dt.expect(True, "")


def test_show_source_returns_the_packages_own_code():
    shown = dt.show_source(dt.Dense.backward)
    text = shown.data if hasattr(shown, "data") else shown
    assert text.startswith("def backward(")
    assert "import inspect" not in text
    assert text == dt.lesson.source(dt.Dense.backward)
    with pytest.raises(TypeError, match="no Python source"):
        dt.show_source(42)


def test_spread_is_mean_and_sample_std_over_seeds():
    s = dt.spread([0.97, 0.96, 0.98, 0.97, 0.95])
    assert s.n == 5 and s.low == 0.95 and s.high == 0.98
    assert s.mean == pytest.approx(0.966)
    assert s.std == pytest.approx(np.std([0.97, 0.96, 0.98, 0.97, 0.95], ddof=1))
    assert str(s) == "0.966 ± 0.011 (n = 5, min 0.95, max 0.98)"
    assert f"{s:.2f}" == "0.97 ± 0.01 (n = 5)"
    with pytest.raises(ValueError, match="at least 2"):
        dt.spread([0.9])
    with pytest.raises(ValueError, match="finite"):
        dt.spread([0.9, np.nan])
