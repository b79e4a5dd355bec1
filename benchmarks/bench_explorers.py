"""How fast every explorer answers a control change, and how fast the Playground trains and redraws.

    python benchmarks/bench_explorers.py              (or: make bench)
    python benchmarks/bench_explorers.py --quick      (fewer samples: a smoke run)
    python benchmarks/bench_explorers.py --only Playground
    python benchmarks/bench_explorers.py --ratio 2    (also the sharp redraw at rest, at pixel ratio 2)

One table, in milliseconds of kernel-side time (compute + PNG, what the widget waits for):

- every lesson explorer (the Explorer subclasses of dlteach.widgets), one row each: each control is
  moved back and forth across its range (ends and middle of a slider, every choice of a menu; at
  least 3 moves, at most 15 s a control), each move is `set(...)` + `png()`; the row gives the
  median and p95 over all its moves and the control whose median is the worst, with that median;
- an explorer that trains a network per setting (FRAME_BUDGET: Digits, Overfit, SmallModels) answers
  in its widget with frames of the training: three more rows, measured through the widget's controls,
  give the time to the first frame after a move, the time per frame, and the time to the complete
  result (bench_widget);
- the Playground's controls (set + png), and its update at three settings (default; largest: 6 hidden
  layers x 8 neurons; batch size 1), for both backends. An update is what the step button does:
  `step(10)` + `png()` (10 epochs + redraw). Where the Playground has a time budget per frame
  (`Playground.frame`, what play and step call in the widget), a second row gives the frame time and
  the epochs each frame trained.

With --ratio R, each explorer (and the Playground's controls) gets a row "sharp Rx": the redraw of the
figure at R times its pixels that the widget makes once its controls rest on a screen of device pixel
ratio R (base.sharp_png, after every measured move; not a control's response: see base.SharpPicture).
Without it nothing of that runs: the other rows are what a 1x screen gets.

Each measured row follows 2 warm-up moves (first-use costs, such as importing TensorFlow or a cached
model trained once, are not a control's response). Wall-clock times depend on what else the machine
runs: the load average (uptime) is printed first, and the CPU time of this process beside each row.
"""
from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402

from dlteach import widgets  # noqa: E402
from dlteach.widgets import Explorer, Playground  # noqa: E402
from dlteach.widgets import playground as P  # noqa: E402

HEADER = (f"{'explorer / setting':<34s} {'n':>4s} {'median':>8s} {'p95':>8s} {'max':>8s} {'cpu med':>8s} {'cpu p95':>8s}  "
          "worst control (its median) / note")


def control_values(p, k: int = 3):
    """Values to move a control through: every choice, or k points across a slider's range (log-spaced
    for a log slider), in an order where each move changes the value (low, high, middle, ...)."""
    if p.choices is not None:
        return list(p.choices)
    if p.log:
        values = list(np.geomspace(p.low, p.high, k))
    else:
        values = list(np.linspace(p.low, p.high, k))
    if isinstance(p.default, int):
        values = [int(round(v)) for v in values]
    return [values[0], values[-1], *values[1:-1]]


def timed(fn):
    c0, t0 = time.process_time(), time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000


def row(name, wall, cpu, note=""):
    wall = np.asarray(wall)
    print(f"{name:<34s} {len(wall):4d} {np.median(wall):8.1f} {np.percentile(wall, 95):8.1f} {wall.max():8.1f} "
          f"{np.median(cpu):8.1f} {np.percentile(cpu, 95):8.1f}  {note}", flush=True)


def sharp_after(ex, ratio, sharp):
    """With a ratio: time the sharp redraw of ex.figure at that ratio (what the widget draws at rest)."""
    if ratio:
        from dlteach.widgets.base import sharp_png  # noqa: PLC0415

        w, c = timed(lambda: sharp_png(ex.figure, ratio))
        sharp[0].append(w)
        sharp[1].append(c)


def bench_explorer(cls, rounds: int, control_seconds: float, ratio: float | None = None):
    """Move every control of one explorer through its values `rounds` times; set + png each move.
    A control stops after control_seconds once it has 3 measured moves (slow explorers train a
    network on every move). With a ratio, also the sharp redraw at rest after each measured move."""
    ex = cls()
    ex.png()
    wall, cpu, per_control, sharp = [], [], {}, ([], [])
    for name, p in cls.PARAMS.items():
        values = control_values(p)
        moves = [v for _ in range(rounds) for v in values]
        times = []
        start = time.perf_counter()
        for i, v in enumerate([values[1 % len(values)], values[0]] + moves):  # 2 warm-up moves
            if len(times) >= 3 and time.perf_counter() - start > control_seconds:
                break
            try:
                w, c = timed(lambda: (ex.set(**{name: v}), ex.png()))
            except ValueError:
                continue  # a refused combination (e.g. a loss and a prediction it cannot take)
            if i >= 2:
                times.append(w)
                cpu.append(c)
                sharp_after(ex, ratio, sharp)
        ex.set(**{name: p.default})
        wall += times
        per_control[name] = float(np.median(times)) if times else float("nan")
    worst = max(per_control, key=per_control.get)
    row(cls.__name__, wall, cpu, f"{worst} ({per_control[worst]:.0f})")
    if sharp[0]:
        row(f"{cls.__name__} sharp {ratio:g}x", *sharp, "redraw at rest (not a control's response)")


def bench_widget(cls, control_seconds: float):
    """An explorer that trains a network per setting (FRAME_BUDGET), measured as its widget answers:
    each control's value is set in the widget (as the browser does) and the frames it draws are
    timed until the run is complete. Three rows: the first frame after a move (what the learner
    waits for), the time between frames while training, and the complete result. CPU times count
    both threads (the kernel's and the trainer's). Values: 5 per slider (ends, quarters, middle),
    each choice of a menu; a setting seen before is cached and answers with one frame."""
    from dlteach.widgets.base import control_value  # noqa: PLC0415

    ex = cls()
    ui = ex.widget()
    stamps = []
    ui.image.observe(lambda change: stamps.append((time.perf_counter(), time.process_time())), names="value")
    first, frame, complete = ([], []), ([], []), ([], [])
    per_control, moves, cached = {}, 0, 0
    for name, p in cls.PARAMS.items():
        control = ui.controls[name]
        values = control_values(p, 5)
        times = []
        start = time.perf_counter()
        for i, v in enumerate([values[1 % len(values)], values[0]] + values):  # 2 warm-up moves
            if len(times) >= 3 and time.perf_counter() - start > control_seconds:
                break
            if control_value(v) == control_value(control.value):
                continue  # the widget ignores a value it has: no frame to time
            stamps.clear()
            t0, c0 = time.perf_counter(), time.process_time()
            control.value = v
            ui.trainer.wait()
            if i < 2 or not stamps:
                continue
            moves += 1
            cached += len(stamps) == 1
            walls = [t0] + [w for w, _ in stamps]
            cpus = [c0] + [c for _, c in stamps]
            for rows, k in ((first, 1), (complete, -1)):
                rows[0].append((walls[k] - t0) * 1000)
                rows[1].append((cpus[k] - c0) * 1000)
            frame[0].extend(np.diff(walls[1:]) * 1000)
            frame[1].extend(np.diff(cpus[1:]) * 1000)
            times.append((walls[1] - t0) * 1000)
        control.value = p.default
        ui.trainer.wait()
        per_control[name] = float(np.median(times)) if times else float("nan")
    worst = max(per_control, key=per_control.get)
    row(f"{cls.__name__} widget: first frame", *first, f"{worst} ({per_control[worst]:.0f}); "
                                                        f"{cached} of {moves} moves cached (one frame)")
    if frame[0]:
        row(f"{cls.__name__} widget: per frame", *frame,
            f"frames every ~{cls.FRAME_BUDGET * 1000:.0f} ms: training + drawing")
    row(f"{cls.__name__} widget: complete", *complete, "the run's last frame (= set() + png())")


def playground_controls(rounds: int, ratio: float | None = None):
    """The Playground's controls (set + png), each moved across its range, after 20 trained epochs."""
    pg = Playground()
    pg.step(20)
    pg.png()
    moves = {"dataset": ["spiral", "circle"], "noise": [0.5, 0.0, 0.25], "train_ratio": [0.1, 0.9, 0.5],
             "batch_size": [1, 30, 10], "learning_rate": [1e-5, 10.0, 0.03], "activation": list(P.ACTIVATIONS),
             "hidden": [6, 0, 2], "neurons": [8, 1, 4], "regularization": ["L1", "L2", "none"],
             "reg_rate": [0.001, 10.0, 0.0], "features": [("x1", "x2", "x1^2", "x2^2"), ("x1", "x2")],
             "optimizer": list(P.OPTIMIZERS), "loss": ["mse", "cross-entropy"], "seed": [1, 0]}
    wall, cpu, per_control, sharp = [], [], {}, ([], [])
    for name, values in moves.items():
        times = []
        for i, v in enumerate([values[-1], values[0]] * 1 + values * rounds):
            w, c = timed(lambda: (pg.set(**{name: v}), pg.png()))
            if i >= 2:
                times.append(w)
                cpu.append(c)
                sharp_after(pg, ratio, sharp)
        wall += times
        per_control[name] = float(np.median(times))
    worst = max(per_control, key=per_control.get)
    row("Playground controls", wall, cpu, f"{worst} ({per_control[worst]:.0f})")
    if sharp[0]:
        row(f"Playground sharp {ratio:g}x", *sharp, "redraw at rest (not a control's response)")


def playground_updates(label, repeats, max_seconds, **settings):
    """step(10) + png(), repeated; and the per-frame time budget where the Playground has one."""
    pg = Playground(**settings)
    wall, cpu = [], []
    start = time.perf_counter()
    for i in range(2 + repeats):
        w, c = timed(lambda: (pg.step(10), pg.png()))
        if i >= 2:
            wall.append(w)
            cpu.append(c)
        if time.perf_counter() - start > max_seconds and len(wall) >= 3:
            break
    row(f"Playground {label}", wall, cpu, "step(10) + png")
    if hasattr(pg, "frame"):
        pg = Playground(**settings)
        wall, cpu, epochs = [], [], []
        start = time.perf_counter()
        for i in range(2 + repeats):
            before = pg.epoch
            w, c = timed(lambda: (pg.frame(), pg.png()))
            if i >= 2:
                wall.append(w)
                cpu.append(c)
                epochs.append(pg.epoch - before)
            if time.perf_counter() - start > max_seconds and len(wall) >= 3:
                break
        row(f"Playground {label} frame", wall, cpu,
            f"frame() + png: {np.median(epochs):.0f} epochs/frame (min {min(epochs)}, max {max(epochs)})")


SETTINGS = {"default": {}, "largest": dict(hidden=6, neurons=8), "batch 1": dict(batch_size=1)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer samples (a smoke run)")
    parser.add_argument("--only", default=None, help="only rows whose name contains this text")
    parser.add_argument("--ratio", type=float, default=None,
                        help="also time the sharp redraw at rest at this device pixel ratio (e.g. 2)")
    args = parser.parse_args()
    rounds, repeats, max_seconds = (1, 5, 5) if args.quick else (2, 30, 20)
    control_seconds = 5 if args.quick else 15
    with open("/proc/loadavg") if os.path.exists("/proc/loadavg") else open(os.devnull) as f:
        load = f.read().split()[:3]
    print(f"load average (1, 5, 15 min): {' '.join(load) or 'n/a'}; {os.cpu_count()} CPUs; times in ms")
    print(HEADER)
    explorers = [getattr(widgets, name) for name in widgets.__all__]
    explorers = [c for c in explorers if isinstance(c, type) and issubclass(c, Explorer) and c.PARAMS]  # not the bases
    for cls in explorers:
        if args.only is None or args.only in cls.__name__:
            bench_explorer(cls, rounds, control_seconds, args.ratio)
            if cls.FRAME_BUDGET is not None:
                bench_widget(cls, control_seconds)
    if args.only is None or args.only in "Playground controls":
        playground_controls(rounds, args.ratio)
    for backend in ("numpy", "keras"):
        for label, settings in SETTINGS.items():
            name = f"Playground {backend} {label}"
            if args.only is None or args.only in name:
                playground_updates(f"{backend} {label}", repeats, max_seconds, backend=backend, **settings)


if __name__ == "__main__":
    main()
