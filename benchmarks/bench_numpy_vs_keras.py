"""Epochs per second: the from-scratch engine vs Keras `fit`, on the lesson-sized models.

    python benchmarks/bench_numpy_vs_keras.py      (or: make bench)

Both train the same architecture from the same initial weights with Adam, batch size 32, no
shuffling (the MLPs of lessons 07 and 09, and lesson 15's LSTMs: the engine loops over the time steps in
Python, each step vectorised over the batch, where Keras compiles the loop); Keras runs in its default
float32 and in float64 (the precision of the engine).
Each row is the median of 3 timed runs after one warm-up run. The Keras model is built and
compiled once, outside the timing, so its one-off graph tracing is not counted against it.
"""
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402

import dlteach as dt  # noqa: E402
from dlteach import keras_twin as kt  # noqa: E402

EPOCHS = 5


def cases():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(500, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(float)
    yield "playground 2-8-8-1, 500 points", dt.MLP([2, 8, 8, 1], "tanh", "sigmoid", "binary_crossentropy"), X, y
    digits = load_digits()
    X = digits.data[:1437] / 16.0
    y = np.eye(10)[digits.target[:1437]]
    yield "digits 64-64-10, 1,437 images", dt.MLP([64, 64, 10], "relu", "softmax", "categorical_crossentropy"), X, y
    # lesson 15: recurrent layers, a Python loop over the time steps (each step vectorised over the batch)
    X, y = dt.experiments.marked_symbol_data(512, 15, seed=0)
    yield "memory LSTM(12), T 15, 512 sequences", dt.experiments.memory_model("LSTM", 12, seed=0), X, y
    text = dt.experiments.zen_text()
    vocab = dt.experiments.char_vocabulary(text)
    X, y = dt.experiments.char_windows(text, vocab, 8)
    model = dt.Sequential([dt.Embedding(len(vocab), 16, seed=0), dt.LSTM(16, 32, seed=1),
                           dt.Dense(32, len(vocab), "softmax", seed=2)], loss="categorical_crossentropy")
    yield "chars Emb-LSTM(32)-45, T 8, 848 windows", model, X, y


def timed(fn, repeats=3):
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main():
    rows = []
    for label, model, X, y in cases():
        w0 = model.get_weights()

        def ours():
            model.set_weights(w0)
            dt.fit(model, X, y, "adam", epochs=EPOCHS, batch_size=32, shuffle=False, verbose=0, learning_rate=1e-3)

        t_ours = timed(ours)
        model.set_weights(w0)
        row = [label, EPOCHS / t_ours]
        for dtype in ("float32", "float64"):
            with kt.floatx(dtype):
                kmodel = kt.to_keras(model, dtype, input_shape=X.shape[1:])
                kmodel.compile(optimizer=kt.to_keras_optimizer(dt.Adam(1e-3), dtype),
                               loss=kt.to_keras_loss(model.loss, dtype))
                Xk, yk = X.astype(dtype), y.reshape(len(X), -1).astype(dtype)
                row.append(EPOCHS / timed(lambda: kmodel.fit(Xk, yk, epochs=EPOCHS, batch_size=32,
                                                             shuffle=False, verbose=0)))
        rows.append(row)
    print(f"{'model':<34s} {'numpy ep/s':>11s} {'keras32 ep/s':>13s} {'keras64 ep/s':>13s} {'numpy/keras32':>14s}")
    for label, a, b, c in rows:
        print(f"{label:<34s} {a:11.1f} {b:13.1f} {c:13.1f} {a / b:13.1f}x")


if __name__ == "__main__":
    main()
