"""Latency of one Playground update: a training step of 10 epochs on 500 points (250 train)
plus the redraw to the PNG that the widget shows, for both backends.

    python benchmarks/bench_explorers.py      (or: make bench)

Prints median and 95th percentile over 30 updates (after 3 warm-up updates), split into the
training part and the drawing part. Target: under 100 ms median for the from-scratch backend.
Wall-clock times depend on what else the machine runs; the CPU time of this process (all its
threads) is printed beside them, a steadier number for comparing two versions on a busy machine.
"""
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402

from dlteach.widgets import Playground  # noqa: E402

REPEATS, WARMUP = 30, 3


def measure(backend):
    pg = Playground(backend=backend, n=500, train_ratio=0.5)
    train, draw, total, cpu = [], [], [], []
    for i in range(WARMUP + REPEATS):
        c0, t0 = time.process_time(), time.perf_counter()
        pg.step(10)
        t1 = time.perf_counter()
        pg.png()
        c2, t2 = time.process_time(), time.perf_counter()
        if i >= WARMUP:
            train.append(t1 - t0)
            draw.append(t2 - t1)
            total.append(t2 - t0)
            cpu.append(c2 - c0)
    return [np.array(x) * 1000 for x in (train, draw, total, cpu)]


def main():
    print(f"{'backend':<8s} {'train med':>10s} {'draw med':>9s} {'total med':>10s} {'total p95':>10s} "
          f"{'cpu med':>8s}   (ms)")
    for backend in ("numpy", "keras"):
        train, draw, total, cpu = measure(backend)
        print(f"{backend:<8s} {np.median(train):10.1f} {np.median(draw):9.1f} {np.median(total):10.1f} "
              f"{np.percentile(total, 95):10.1f} {np.median(cpu):8.1f}")


if __name__ == "__main__":
    main()
