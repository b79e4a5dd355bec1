import pytest

from dlteach.exercises import CHECKS, check

RIGHT = {
    "00.order": ["preprocess", "design", "train", "validate", "test"], "00.choose_with": "validation",
    "01.and_neuron": (1, 1, -1.5), "01.xor_one_neuron": "no", "02.sigmoid_max_slope": 0.25,
    "02.relu_slope_negative": 0, "03.bce_value": 0.10536, "03.bce_confident_wrong": 4.605,
    "04.largest_stable_lr": 0.1, "04.updates_per_epoch": 10, "08.glorot_limit": 0.1732, "08.sigmoid_factor": 9.54e-7, "09.precision": 0.8889, "09.recall": 0.8, "10.l2_gradient": 0.06, "10.dropout_scale": 2, "11.output_size": 4, "11.conv_params": 4640, "12.linear_saliency": -3, "12.constant_pixel": 0, "13.int8_bytes": 10000, "13.soft_target": 0.7311, "07.parameters": 37, "07.xor_hidden": 2, "05.adam_first_step": 0.01, "05.momentum_speedup": 10,
    "06.dL_dw1": -0.10151, "06.dL_db": -0.10151,
}
WRONG = {
    "00.order": ["preprocess", "design", "train", "test", "validate"], "00.choose_with": "test",
    "01.and_neuron": (1, 1, -0.5), "01.xor_one_neuron": "yes", "02.sigmoid_max_slope": 1,
    "02.relu_slope_negative": 1, "03.bce_value": 0.9, "03.bce_confident_wrong": 0.01,
    "04.largest_stable_lr": 0.2, "04.updates_per_epoch": 1, "08.glorot_limit": 0.0707, "08.sigmoid_factor": 0.25, "09.precision": 0.8, "09.recall": 0.889, "10.l2_gradient": 0.03, "10.dropout_scale": 0.5, "11.output_size": 3, "11.conv_params": 4608, "12.linear_saliency": 2, "12.constant_pixel": 0.1, "13.int8_bytes": 40000, "13.soft_target": 0.881, "07.parameters": 33, "07.xor_hidden": 1, "05.adam_first_step": 0.1, "05.momentum_speedup": 9,
    "06.dL_dw1": 0.1015, "06.dL_db": 0.3,
}


def test_every_exercise_has_a_right_and_a_wrong_answer():
    assert set(RIGHT) == set(CHECKS) == set(WRONG)


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_checkers_accept_right_and_hint_on_wrong(name, capsys):
    assert check(name, RIGHT[name]) is True
    assert capsys.readouterr().out.startswith("Correct!")
    assert check(name, WRONG[name]) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet.") and len(out) > 30


def test_missing_and_unreadable_answers(capsys):
    assert check("03.bce_value", None) is False
    assert "replace None" in capsys.readouterr().out
    assert check("03.bce_value", "a lot") is False
    assert "should be a number" in capsys.readouterr().out
    with pytest.raises(ValueError, match="Unknown exercise '99.x'"):
        check("99.x", 1)
