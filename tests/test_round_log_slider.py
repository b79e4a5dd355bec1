"""The explorers' log sliders land on round values, 1-2-5 a decade (issue 28: 0.0998, 0.0126 were
readouts), with ipywidgets 8 and Colab's 7.7."""
import pytest
from traitlets import TraitError

from colab_support import last_line_in_colab, needs_colab
from dlteach.widgets import base


def test_values_are_1_2_5_a_decade_with_the_ends_and_the_default():
    assert base.round_log_values(0.1, 1e-3, 1.0) == [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0]
    assert base.round_log_values(0.03, 1e-3, 0.3) == [0.001, 0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3]
    # a value within 1e-9 of a grid point is that point, written as the decimal (not 10 ** -1.69897)
    assert base.round_log_values(0.019999999999999997, 0.01, 0.1) == [0.01, 0.02, 0.05, 0.1]
    with pytest.raises(ValueError, match="low <= value <= high"):
        base.round_log_values(0.5, 1e-3, 0.3)


def test_the_slider_reads_and_says_its_value_and_takes_what_the_browser_sends():
    s = base.round_log_slider(0.01, 1e-4, 1.0, description="learning rate")
    assert s.label == "0.01" and list(s._options_labels)[:4] == ["0.0001", "0.0002", "0.0005", "0.001"]
    s.index += 1                       # one key press
    assert s.value == 0.02 and s.label == "0.02"
    s.value = 0.05000000000000001      # float noise from a cell: taken as the round value
    assert s.value == 0.05 and s.label == "0.05"
    s.value = 0.0007                   # between the steps: the nearest on the log scale, as a slider rounds
    assert s.value == 0.0005 and s.label == "0.0005"
    s.value = 0.03
    assert s.value == 0.02
    for outside in (2.0, 1e-5, "0.1"):  # outside the range, or no number: refused
        with pytest.raises(TraitError):
            s.value = outside
    assert s.value == 0.02


class Rate(base.Explorer):
    PARAMS = {"learning_rate": base.Param(3e-3, 1e-4, 0.3, log=True, label="learning rate")}

    def draw_on(self, fig):
        fig.add_subplot().set_title(f"lr {self.cfg['learning_rate']}")


def test_an_explorer_log_setting_moves_by_round_values():
    ex = Rate()
    s = ex.widget().controls["learning_rate"]
    assert s.value == 3e-3 and s.label == "0.003" and s.description == "learning rate"
    s.index += 1
    assert ex.cfg["learning_rate"] == 0.005 and ex.figure.axes[0].get_title() == "lr 0.005"
    s.index = len(s.options) - 1
    assert ex.cfg["learning_rate"] == 0.3  # the range's end stays reachable


@needs_colab
def test_the_slider_works_with_colabs_ipywidgets_7():
    code = ("import ipywidgets as W; from dlteach.widgets import base; "
            "s = base.round_log_slider(0.01, 1e-3, 1.0, description='lr'); s.index += 1; s.value = 0.07; "
            "s.value = 0.05000000000000001; print(W.__version__, s.value, s.label, s.description)")
    version, value, label, description = last_line_in_colab(code).split(" ")
    assert version.startswith("7.") and (value, label, description) == ("0.05", "0.05", "lr")
