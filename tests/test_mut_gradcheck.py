"""Gradient checking and the perceptron against exact values and a loop written out here
(mutation testing, docs/MUTATION.md)."""
import numpy as np
import pytest

from dlteach.core import MLP
from dlteach.core.gradcheck import check_model, compare, numerical_gradient, rel_error
from dlteach.core.perceptron import LOGIC, LOGIC_X, check_finite, logic_data, perceptron_train


def test_central_differences_of_a_cubic_are_exact_up_to_h_squared():
    # ((x + h)^3 - (x - h)^3) / 2h = 3 x^2 + h^2 exactly: the h used and the 2h are both visible
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    g = numerical_gradient(lambda: np.sum(x ** 3), x, h=1e-2)
    assert np.allclose(g, 3 * x ** 2 + 1e-4, rtol=0, atol=1e-10)
    assert np.array_equal(x, [[1.0, -2.0], [0.5, 3.0]])  # restored
    g = numerical_gradient(lambda: np.sum(x ** 3), x)
    assert np.allclose(g, 3 * x ** 2, rtol=0, atol=1e-8) and g.dtype == np.float64
    assert numerical_gradient(lambda: 0.0, np.zeros(3)).tolist() == [0.0, 0.0, 0.0]


def test_rel_error_by_hand():
    assert rel_error([3.0, 4.0], [3.0, 4.0]) == 0.0
    assert rel_error([0.0, 0.0], [0.0, 0.0]) == 0.0
    assert rel_error([3.0, 4.0], [0.0, 0.0]) == 1.0
    assert rel_error([1.0, 0.0], [0.0, 1.0]) == pytest.approx(np.sqrt(2) / 2, rel=1e-15)
    assert rel_error([2.0], [1.0]) == pytest.approx(1 / 3, rel=1e-15)
    with pytest.raises(ValueError) as err:
        rel_error(np.zeros(2), np.zeros(3))
    assert str(err.value) == "cannot compare shapes (2,) and (3,)."


def test_check_model_names_every_parameter_and_catches_a_wrong_gradient():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    model = MLP([3, 4, 2], "tanh", dropout=0.5, seed=0)
    errors = check_model(model, X, y)
    assert list(errors) == ["dense_0/W", "dense_0/b", "dense_1/W", "dense_1/b"]
    assert max(errors.values()) < 1e-8  # dropout off: the loss is a function of the weights
    broken = MLP([3, 4, 2], "tanh", seed=0)
    original = broken.layers[-1].backward

    def wrong(grad, through_activation=True):
        dx = original(grad, through_activation)
        broken.layers[-1].db[...] *= 2
        return dx
    broken.layers[-1].backward = wrong
    errors = check_model(broken, X, y)
    assert errors["dense_1/b"] == pytest.approx(1 / 3, rel=1e-6) and errors["dense_0/W"] < 1e-8


@pytest.mark.parametrize("ours,ref,kwargs,line,ok", [
    ([1.0], [1.0], {}, "0  OK", True),
    ([1.0], [1.0 + 1e-13], {}, "<1e-12  OK", True),
    ([1.0], [1.0 + 6e-8], {}, "  <1e-7  OK", True),
    ([1.0], [1.0 + 3e-7], {}, "  <1e-6  MISMATCH", False),
    ([1.0], [1.0 + 3e-7], {"tol": 1e-6}, "  <1e-6  OK", True),
    ([1.0], [1.0 + 2e-3], {"tol": 1e-3}, "  <1e-3  OK", True),
])
def test_compare_prints_a_coarse_bound(capsys, ours, ref, kwargs, line, ok):
    assert compare("dW", ours, ref, **kwargs) is ok
    out = capsys.readouterr().out
    shown, verdict = line.strip().rsplit("  ", 1)
    assert out == f"{'dW':<40s} rel err {shown.strip():>7s}  {verdict}\n"


def test_compare_at_exactly_the_tolerance_is_ok(capsys):
    err = rel_error([1.0], [3.0])  # 0.5
    assert compare("x", [1.0], [3.0], tol=err) and not compare("x", [1.0], [3.0], tol=0.49)
    assert capsys.readouterr().out.splitlines()[0] == f"{'x':<40s} rel err {'<1e0':>7s}  OK"


# --- perceptron -----------------------------------------------------------------------------
def perceptron_by_hand(X, y, eta, epochs, w, b):
    errors = []
    for _ in range(epochs):
        wrong = 0
        for x_i, y_i in zip(X, y):
            y_hat = 1.0 if x_i @ w + b > 0 else 0.0
            if y_hat != y_i:
                w, b, wrong = w + eta * (y_i - y_hat) * x_i, b + eta * (y_i - y_hat), wrong + 1
        errors.append(wrong)
        if not wrong:
            break
    return w, b, errors


@pytest.mark.parametrize("gate,eta,epochs,w,b", [("AND", 0.1, 20, None, 0.0), ("OR", 0.5, 20, [0.3, -0.2], 0.1),
                                                 ("NAND", 0.25, 20, None, -0.3), ("XOR", 0.1, 7, None, 0.0)])
def test_perceptron_equals_the_loop(gate, eta, epochs, w, b):
    X, y = logic_data(gate.lower())
    w0 = np.zeros(2) if w is None else np.array(w)
    expected = perceptron_by_hand(X, y, eta, epochs, w0, b)
    got = perceptron_train(X, y) if (gate, w) == ("AND", None) else perceptron_train(X, y, eta, epochs, w, b)
    assert np.allclose(got[0], expected[0], rtol=1e-15) and got[1] == pytest.approx(expected[1], rel=1e-15)
    assert got[2] == expected[2]
    if gate == "XOR":
        assert len(got[2]) == 7 and min(got[2]) > 0  # never converges
    else:
        assert got[2][-1] == 0 and len(got[2]) < epochs


def test_the_decision_at_exactly_zero_is_class_0():
    w, b, errors = perceptron_train([[1.0, 0.0]], [0.0], eta=1.0, epochs=3, w=[1.0, 0.0], b=-1.0)
    assert errors == [0] and b == -1.0


def test_logic_tables():
    assert LOGIC_X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert {k: v.tolist() for k, v in LOGIC.items()} == {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1],
                                                         "XOR": [0, 1, 1, 0], "NAND": [1, 1, 1, 0]}
    X, y = logic_data("Xor")
    X[0, 0], y[0] = 9.0, 9.0
    assert LOGIC_X[0, 0] == 0.0 and LOGIC["XOR"][0] == 0.0  # copies
    with pytest.raises(ValueError) as err:
        logic_data("NOR")
    assert str(err.value) == "Unknown logic gate 'NOR'. Valid: AND, OR, XOR, NAND."
    with pytest.raises(ValueError, match="Unknown logic gate 3"):
        logic_data(3)


@pytest.mark.parametrize("kwargs,error,msg", [
    ({"y": [0.0, 1.0]}, ValueError, "X has 4 samples but y has 2."),
    ({"w": [1.0]}, ValueError, "w must have one weight per feature, shape (2,), got (1,)."),
    ({"b": "0"}, TypeError, "b must be a number, got '0'."),
    ({"b": True}, TypeError, "b must be a number, got True."),
    ({"b": float("nan")}, ValueError, "b must be a finite number, got nan."),
    ({"eta": 0.0}, ValueError, "eta must be > 0, got 0.0."),
    ({"epochs": 0}, ValueError, "epochs must be an integer >= 1, got 0."),
])
def test_perceptron_messages_word_for_word(kwargs, error, msg):
    X, y = logic_data("AND")
    args = {"X": X, "y": y, **kwargs}
    with pytest.raises(error) as err:
        perceptron_train(**args)
    assert str(err.value) == msg


def test_check_finite_accepts_numpy_numbers():
    assert check_finite(np.int64(2), "b") == 2.0 and type(check_finite(np.float32(0.5), "b")) is float


def test_survivors_of_the_first_run_perceptron():
    X, y = logic_data("XOR")
    assert len(perceptron_train(X, y)[2]) == 20  # 20 epochs by default
    for kwargs, msg in [({"X": [0.0, 1.0]}, "X must be 2-D, got shape (2,). Use X.reshape(-1, 1) for a single feature."),
                        ({"X": [[0.0, np.nan]] * 4}, "X contains 4 NaN or infinite value(s); clean or impute the data first."),
                        ({"y": [[0.0]] * 4}, "y must be 1-D, got shape (4, 1)."),
                        ({"y": [0.0, 1.0, np.inf, 0.0]}, "y contains 1 NaN or infinite value(s); clean or impute the data first."),
                        ({"w": [[0.0, 0.0]]}, "w must be 1-D, got shape (1, 2)."),
                        ({"w": [0.0, np.nan]}, "w contains 1 NaN or infinite value(s); clean or impute the data first.")]:
        args = {"X": X, "y": y, **kwargs}
        with pytest.raises(ValueError) as err:
            perceptron_train(**args)
        assert str(err.value) == msg
