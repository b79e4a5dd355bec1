"""The training explorers (lessons 13, 14, 15: 1-3 s a move) show the busy sign while a run trains,
through the same busy_while as every other explorer, and clear it when the run ends or fails."""
import time

import pytest

from dlteach.widgets import base
from dlteach.widgets.base import Param, TrainingExplorer
from dlteach.widgets.deepnets import DeepNetExplorer
from dlteach.widgets.sequences import SequenceExplorer
from dlteach.widgets.small import SmallModelsExplorer


class SlowTraining(TrainingExplorer):
    """Trains `epochs` epochs of `epoch_time` s each (no network); records the busy sign at every frame."""

    PARAMS = {"x": Param(0.0, 0.0, 1.0)}
    epoch_time = 0.0
    epochs = 4
    fail = False

    def update(self):
        for epoch in range(1, self.epochs + 1):
            time.sleep(self.epoch_time)
            if self.progress is not None:
                self.progress(epoch, self.epochs, None, None)
        if self.fail:
            raise RuntimeError("the run broke")
        self.training = None

    def show_epoch(self, epoch, epochs, model, history):
        self.training = (epoch, epochs)
        ui = getattr(self, "ui", None)
        if ui is not None:
            self.seen.append(ui.busy.value)

    def draw_on(self, fig):
        fig.add_subplot().plot([0, 1], [0, self.cfg["x"]])


def slow(threaded=True, **attrs):
    ex = SlowTraining()
    for name, value in attrs.items():
        setattr(ex, name, value)
    ex.seen, ex.ui = [], ex.widget()
    ex.ui.trainer.threaded = threaded
    shown = []
    ex.ui.busy.observe(lambda change: shown.append(change["new"]), names="value")
    return ex, shown


@pytest.mark.parametrize("threaded", [True, False], ids=["thread", "colab"])
def test_a_long_run_shows_the_busy_sign_while_it_trains_and_clears_it_after(monkeypatch, threaded):
    monkeypatch.setattr(base, "BUSY_AFTER", 0.1)
    ex, shown = slow(threaded, epoch_time=0.3)  # 1.2 s: the sign's timer (0.1 s) fires in time on a busy machine
    ex.ui.controls["x"].value = 0.5
    assert ex.ui.trainer.wait(timeout=30)
    assert ex.seen and "computing" in ex.seen[-1] and "x = 0.5" in ex.seen[-1]  # shown while training
    assert shown == [ex.seen[-1], ""] and ex.ui.busy.value == ""                # once, then cleared
    assert "dlteach-busy" not in ex.ui._dom_classes    # the frames are live: the figure is not dimmed
    assert ex.cfg["x"] == 0.5


def test_the_busy_sign_is_cleared_when_the_run_raises(monkeypatch):
    monkeypatch.setattr(base, "BUSY_AFTER", 0.1)
    ex, shown = slow(epoch_time=0.3)
    ex.fail = True
    ex.ui.controls["x"].value = 0.5
    assert ex.ui.trainer.wait(timeout=30)
    assert "computing" in ex.seen[-1] and len(shown) == 2 and ex.ui.busy.value == ""
    assert "the run broke" in ex.ui.message.value


def test_a_quick_run_shows_no_busy_sign(monkeypatch):
    """A run that ends before BUSY_AFTER shows nothing and leaves no timer running (each was cancelled)."""
    monkeypatch.setattr(base, "BUSY_AFTER", 30.0)  # far above this run's time, even on a machine busy with other runs
    timers, timer = [], base.threading.Timer
    monkeypatch.setattr(base.threading, "Timer", lambda *a, **k: timers.append(timer(*a, **k)) or timers[-1])
    ex, shown = slow(epoch_time=0.0)
    ex.ui.controls["x"].value = 0.5
    assert ex.ui.trainer.wait(timeout=30)
    assert shown == [] and ex.cfg["x"] == 0.5
    for t in timers:
        t.join(5)  # a cancelled timer's thread ends at once; one still waiting would not
    assert timers and all(t.finished.is_set() and not t.is_alive() for t in timers)


def test_moves_during_a_run_share_one_sign(monkeypatch):
    monkeypatch.setattr(base, "BUSY_AFTER", 0.1)
    ex, shown = slow(epoch_time=0.5)  # a run of 2 s: the three moves come while the first one trains
    for x in (0.2, 0.4, 0.6):
        ex.ui.controls["x"].value = x
        time.sleep(0.05)
    assert ex.ui.trainer.wait(timeout=30)
    assert len(shown) == 2 and shown[-1] == ""  # one sign, cleared once: no flicker between runs
    assert ex.cfg["x"] == 0.6


@pytest.mark.parametrize("cls", [DeepNetExplorer, SequenceExplorer, SmallModelsExplorer])
def test_the_lessons_training_explorers_train_through_the_busy_trainer(cls):
    # Their widget is base.Explorer.widget with a frame budget: the busy trainer above, not a copy of it.
    assert issubclass(cls, TrainingExplorer) and cls.FRAME_BUDGET is not None
    assert cls.widget is base.Explorer.widget
