"""The explorers that train a network per setting (TrainingExplorer) answer a control move in their
widget with frames of the training ("epoch 7/30"), drawn by a thread so that the kernel takes the
next move at once; a stale run is abandoned; the last frame is the synchronous set() + png()."""
import threading
import time

import numpy as np
import pytest

from dlteach import experiments
from dlteach.widgets import DigitsExplorer, OverfitExplorer, SmallModelsExplorer
from dlteach.widgets.base import Abandoned, Explorer, Param, ProgressiveTrainer, TrainingExplorer

TIMEOUT = 600  # s: only a guard against a hang (a run at nice 5 on a 2-core machine at load 6 took over 120 s)


def watch(ui):
    """The frames the image receives (PNG bytes) and the messages shown, in order."""
    frames, messages = [], []
    ui.image.observe(lambda change: frames.append(change["new"]), names="value")
    ui.message.observe(lambda change: messages.append(change["new"]), names="value")
    return frames, messages


# New settings (not trained earlier in this process: the runs are cached) for each explorer.
@pytest.mark.parametrize("cls, name, value", [(DigitsExplorer, "hidden", 44), (OverfitExplorer, "epochs", 30),
                                              (SmallModelsExplorer, "fraction", 0.5)])
def test_a_move_is_answered_with_frames_of_the_training_then_the_synchronous_picture(cls, name, value):
    ex = cls()
    ui = ex.widget()
    frames, messages = watch(ui)
    titles = []
    show_epoch = ex.show_epoch

    def recording(*args, **kwargs):  # the frames' titles, read as each partial frame is put on the explorer
        show_epoch(*args, **kwargs)
        titles.append(ex.training)

    ex.show_epoch = recording
    ui.trainer.frame_time = 0.0  # a frame after every epoch: frames are certain even on a fast machine
    ui.controls[name].value = value
    assert ui.trainer.wait(TIMEOUT)
    assert len(frames) >= 3 and len(titles) == len(frames) - 1  # partial frames, then the final one
    epochs = [epoch for epoch, _ in titles]
    assert epochs == list(range(1, len(epochs) + 1)) or cls is SmallModelsExplorer  # (two students)
    assert ex.training is None and ex.cfg[name] == value
    assert frames[-1] == cls(**{name: value}).png()  # the synchronous explorer's picture, pixel for pixel
    assert not any(messages)


def test_partial_frames_carry_the_epoch_counter():
    ex = DigitsExplorer(epochs=2)
    seen = []
    original = ex.png

    def png():
        picture = original()
        seen.append(ex.figure.axes[0].get_title())
        return picture

    ex.png = png
    ex.FRAME_BUDGET = 0.0
    ui = ex.widget()
    ui.controls["hidden"].value = 52
    assert ui.trainer.wait(TIMEOUT)
    assert any(t and t.startswith("epoch 1/2, training: validation accuracy") for t in seen[1:]), seen
    assert ex.figure.axes[0].get_title().startswith("validation accuracy")


def test_the_kernel_is_not_held_and_a_stale_run_is_abandoned():
    ex = OverfitExplorer()
    ui = ex.widget()
    frames, _ = watch(ui)
    runs = []  # (hidden, epoch) of every partial frame
    show_epoch = ex.show_epoch
    threads = set()  # where the frames were drawn
    ex.show_epoch = lambda *a, **k: (show_epoch(*a, **k), runs.append((ex.cfg["hidden"], ex.training[0])),
                                     threads.add(threading.current_thread().name))
    ui.trainer.frame_time = 0.0
    started = time.perf_counter()
    ui.controls["epochs"].value = 590  # a long run...
    returned_while_training = not ui.trainer.wait(0)  # (not a time limit: a busy machine may pause any thread)
    while not runs and time.perf_counter() - started < TIMEOUT:
        time.sleep(0.01)
    ui.trainer.frame_time = 0.05
    ui.controls["hidden"].value = 20  # ...replaced before it ends
    assert ui.trainer.wait(TIMEOUT)
    assert returned_while_training and threads == {"dlteach-trainer"}  # the move returned: training is the thread's
    stale = [epoch for hidden, epoch in runs if hidden == 64]
    assert stale and max(stale) < 590  # the first run drew frames, and stopped before its end
    new = [epoch for hidden, epoch in runs if hidden == 20]
    assert new and new == sorted(new) and runs[-len(new):] == [(20, e) for e in new]
    assert ex.cfg["epochs"] == 590 and ex.cfg["hidden"] == 20
    assert frames[-1] == OverfitExplorer(epochs=590, hidden=20).png()


def test_an_abandoned_run_stops_at_its_next_epoch_and_is_not_cached():
    trained = []

    def progress(epoch, epochs, model, history):
        trained.append(epoch)
        if epoch == 3:
            raise Abandoned

    before = experiments._train_digits.cache_info().currsize
    with pytest.raises(Abandoned):
        experiments.train_digits(hidden=36, learning_rate=1e-3, epochs=40, progress=progress)
    assert trained == [1, 2, 3] and experiments._train_digits.cache_info().currsize == before
    model, history = experiments.train_digits(hidden=36, learning_rate=1e-3, epochs=40)  # trains it all
    assert len(history.epoch) == 40


def test_progress_reports_every_epoch_and_changes_nothing():
    seen = []
    _, reported = experiments.train_digits(hidden=12, learning_rate=3e-3, epochs=5,
                                           progress=lambda e, n, model, history: seen.append((e, n)))
    assert seen == [(e, 5) for e in range(1, 6)]
    experiments._train_digits.cache_clear()
    _, plain = experiments.train_digits(hidden=12, learning_rate=3e-3, epochs=5)
    assert reported.history == plain.history
    with pytest.raises(TypeError, match="progress must be a function or None"):
        experiments.overfit_run(epochs=20, progress=3)


def test_a_cached_setting_is_one_frame_at_once():
    ex = DigitsExplorer()
    ui = ex.widget()
    ui.controls["hidden"].value = 40
    assert ui.trainer.wait(TIMEOUT)
    ui.controls["hidden"].value = 64
    assert ui.trainer.wait(TIMEOUT)
    frames, _ = watch(ui)
    calls = []
    ex.show_epoch = lambda *a, **k: calls.append(a)
    ui.controls["hidden"].value = 40  # trained before: cached
    assert ui.trainer.wait(TIMEOUT)
    assert len(frames) == 1 and calls == [] and frames[0] == DigitsExplorer(hidden=40).png()


def test_errors_still_show_in_the_message_line():
    class Refusing(DigitsExplorer):
        def update(self):
            if self.cfg["epochs"] == 2:
                raise ValueError("two epochs refused here")
            super().update()

    ex = Refusing(epochs=3)
    ui = ex.widget()
    ui.controls["epochs"].value = 2
    assert ui.trainer.wait(TIMEOUT)
    assert "two epochs refused here" in ui.message.value and ex.cfg["epochs"] == 3
    ui.controls["hidden"].value = 48  # the next move starts from what the explorer shows (epochs 3)
    assert ui.trainer.wait(TIMEOUT)
    assert ui.message.value == "" and ex.cfg == {"hidden": 48, "learning_rate": 3e-3, "epochs": 3}


def test_the_trainer_thread_ends_when_idle_and_survives_a_bug():
    shown = []

    class Buggy(TrainingExplorer):
        def set(self, **settings):
            raise RuntimeError("a bug")

    trainer = ProgressiveTrainer(Buggy.__new__(Buggy), lambda error=None: shown.append(error), 0.05)
    trainer.submit({"x": 1})
    assert trainer.wait(10) and trainer.thread is None
    assert shown == ["RuntimeError: a bug"]
    assert not [t for t in threading.enumerate() if t.name == "dlteach-trainer" and t.is_alive()
                and t is trainer.thread]


def test_python_api_is_unchanged_and_deterministic():
    a, b = DigitsExplorer(hidden=24), DigitsExplorer(hidden=24)
    assert a.val_accuracy == b.val_accuracy and np.array_equal(a.confusion, b.confusion) and a.training is None
    assert a.png() == b.png()


class Sleeper(TrainingExplorer):
    """Epochs of `epoch_time` seconds, reported to the widget's progress; no figure needed."""

    PARAMS = {"epochs": Param(40, 1, 400)}
    epoch_time = 0.002

    def update(self):
        self.ends = {}  # epoch -> when it ended
        for epoch in range(1, self.cfg["epochs"] + 1):
            time.sleep(self.epoch_time)
            self.ends[epoch] = time.perf_counter()
            if self.progress is not None:
                self.progress(epoch, self.cfg["epochs"], None, None)
        self.training = None

    def show_epoch(self, epoch, epochs, model, history):
        self.training = (epoch, epochs)


def test_frames_come_every_frame_time_and_a_slow_drawing_slows_the_frames_not_the_training():
    ex = Sleeper.__new__(Sleeper)
    Explorer.__init__(ex)
    shown = []  # (epoch or None for the final frame, when the drawing ended)

    def show(draw):
        time.sleep(draw)
        shown.append((ex.training and ex.training[0], time.perf_counter()))

    # (drawing time, frame_time, training before the first frame, training between later frames)
    for draw, frame_time, first, later in ((0.0, 0.05, 0.01, 0.05), (0.06, 0.05, 0.01, 0.06)):
        shown.clear()
        trainer = ProgressiveTrainer(ex, lambda error=None, draw=draw: show(draw), frame_time)
        started = time.perf_counter()
        trainer.submit({"epochs": 200})
        assert trainer.wait(TIMEOUT) and shown[-1][0] is None  # the final frame: the run complete
        partial = shown[:-1]
        assert len(partial) >= 3 and [e for e, _ in partial] == sorted(e for e, _ in partial)
        # the first frame after a fifth of frame_time of training; the next ones after frame_time
        # less a drawing, and at least a drawing's time, of training each
        assert ex.ends[partial[0][0]] - started >= first
        for (_, drawn), (epoch, _) in zip(partial, partial[1:]):
            assert ex.ends[epoch] - drawn >= later - 0.005  # (a drawing of 0 s measures a few ms)


def test_a_cell_that_sets_the_explorer_while_its_widget_trains_waits_for_the_run():
    """set() from the notebook's thread while the widget's thread trains: it waits (the explorer's lock),
    and the explorer ends with the cell's settings and the numbers of a fresh run of them."""
    from dlteach.widgets import OverfitExplorer

    ex = OverfitExplorer(epochs=40)
    ui = ex.widget()
    ui.controls["hidden"].value = 12  # the widget's thread starts training hidden=12
    ex.set(hidden=20, epochs=40)      # meanwhile, a cell asks for another setting
    assert ui.trainer.wait(timeout=60)
    ex.set(hidden=20)                 # whatever the thread did last, this cell's setting is what is shown
    fresh = OverfitExplorer(hidden=20, epochs=40)
    assert ex.cfg == fresh.cfg and ex.val_accuracy == fresh.val_accuracy
    assert ex.png() == fresh.png()


def test_in_colab_the_frames_are_drawn_by_the_handler_itself(monkeypatch):
    """Colab's page does not take a widget's state changed by a thread (colabtools issue 3373): there
    the move's handler trains and draws the same frames itself, and returns when the run is done."""
    import sys
    import types

    from dlteach.widgets.base import updates_from_threads

    assert updates_from_threads()
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    assert not updates_from_threads()
    ex = DigitsExplorer(epochs=4)
    ui = ex.widget()
    assert ui.trainer.threaded is False
    frames, messages = watch(ui)
    ui.trainer.frame_time = 0.0  # a frame after every epoch
    ui.controls["hidden"].value = 36  # returns after the whole run, drawn frame by frame
    assert ui.trainer.thread is None
    assert len(frames) >= 3 and messages in ([], [""])
    assert ex.training is None and frames[-1] == DigitsExplorer(hidden=36, epochs=4).png()
