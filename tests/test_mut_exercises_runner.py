"""Mutation tests for runner.py's messages, as the learner reads them: the untouched nbgrader stub, a
number where several outputs are expected, and the layout of a wrong value's report (each input, the
expected and the received value, continuation lines aligned under the first bracket); and lesson 15's
float32 diagnosis, given only where float32 rounding is all that is wrong."""
import numpy as np
import pytest

from dlteach.exercises import check, reset_hints


@pytest.fixture(autouse=True)
def _ladders_at_the_bottom():
    reset_hints()
    yield
    reset_hints()


def test_the_nbgrader_stub_is_told_to_be_replaced_word_for_word(capsys):
    def neuron_forward(X, w, b):
        raise NotImplementedError()

    assert check("01.neuron_forward", neuron_forward) is False
    assert capsys.readouterr().out == ("Not yet. neuron_forward() is not written yet: replace `raise "
                                       "NotImplementedError()` with your code and run the cell again.\n")


def test_one_number_where_two_outputs_are_expected(capsys):
    assert check("03.bce_with_logits", lambda z, y: 0.5) is False
    assert capsys.readouterr().out.splitlines()[0] == (
        "Not yet. bce_with_logits() should return 2 values (loss, dL_dz), got a float. End with: return loss, dL_dz")


def test_a_wrong_value_is_reported_input_by_input_with_aligned_rows(capsys):
    assert check("01.neuron_forward", lambda X, w, b: X @ w + b) is False
    assert capsys.readouterr().out.splitlines()[:13] == [
        "Not yet. Your result is not right.",
        "  inputs:",
        "    X = [[ 0.12573 -0.1321 ]",
        "         [ 0.64042  0.1049 ]",
        "         [-0.53567  0.3616 ]",
        "         [ 1.304    0.94708]]   (shape (4, 2))",
        "    w = [-0.70374 -1.26542]   (shape (2,))",
        "    b = -0.623274",
        "  expected: [0.36712 0.23028 0.33095 0.06069]   (shape (4,))",
        "  received: [-0.54459 -1.20671 -0.70388 -2.7394 ]   (shape (4,))",
        "  largest difference 2.8 at index (3,)",
        "  Your result equals z = X w + b, the neuron's input to its activation, not its output.",
        "Hint 1 of 3: Check your output's shape (n,) and its values: probabilities between 0 and 1, one per row of X? "
        "See 'The formula, step by step' in this lesson. More: dt.hint(\"01.neuron_forward\").",
    ]


def test_a_wrong_float32_rnn_is_not_told_it_is_only_a_precision_matter(capsys):
    """float32 AND 1e-2 off: the float32 diagnosis ("right to about 7 digits") would send the learner the wrong way."""
    def rnn_forward(x, W, U, b):
        h, out = np.zeros((x.shape[0], U.shape[0]), dtype=np.float32), []
        for t in range(x.shape[1]):
            h = np.tanh(x[:, t] @ W + b + h @ U + 0.01).astype(np.float32)
            out.append(h)
        return np.stack(out, axis=1)

    assert check("15.rnn_forward", rnn_forward) is False
    lines = capsys.readouterr().out.splitlines()
    hint = next(i for i, line in enumerate(lines) if line.startswith("Hint 1 of 3: "))
    assert lines[hint - 1] == "  largest difference 0.0196 at index (2, 2, 0)"
    expected = lines.index("  expected: [[[-0.12305 -0.11192]")  # the rows below align under the first number
    assert lines[expected + 1:expected + 3] == ["              [-0.53273 -0.01905]", "              ..."]
