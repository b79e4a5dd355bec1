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


def test_columns_counts_a_chinese_character_as_two():
    assert dt.columns("relu") == 4 and dt.columns("批量规范化") == 10 and dt.columns("L2 正则化") == 9
    assert dt.columns("ＡＢ") == 4 and dt.columns("±δ") == 2  # full-width letters are wide; ± and δ are not


def test_pad_fills_to_display_columns_on_either_side():
    assert dt.pad("批量", 6) == "批量  " and dt.pad("ab", 4, ">") == "  ab" and dt.pad(0.5, 5) == "0.5  "
    assert dt.pad("长名字", 2) == "长名字"  # longer text is kept whole, never cut
    with pytest.raises(ValueError, match="align must be '<' or '>'"):
        dt.pad("a", 3, "^")


def test_a_table_lines_up_chinese_and_latin_rows_and_right_aligns_numbers():
    text = dt.table([("relu", "0.93", "+0.10"), ("批量规范化", "12.5", "−0.02"), ("none", "1", "±0")],
                    header=("activation", "accuracy", "diff"))
    lines = text.split("\n")
    assert lines == ["activation  accuracy   diff",
                     "relu            0.93  +0.10",
                     "批量规范化      12.5  −0.02",
                     "none               1     ±0"]
    assert len({dt.columns(line) for line in lines}) == 1  # every line ends in the same column on screen
    assert dt.table([("a", "b c")], align="<<") == "a  b c" and dt.table([]) == ""
    assert dt.table([(1, "x")], gap=1) == "1  x".replace("  ", " ")  # numbers are shown as str(cell)


def test_a_table_names_a_ragged_row_and_a_bad_alignment():
    with pytest.raises(ValueError, match="every row needs 2 cells"):
        dt.table([("a", "b"), ("c",)])
    with pytest.raises(ValueError, match="align needs one '<' or '>' per column"):
        dt.table([("a", "b")], align="<")
