"""Lesson 15's experiments (sequences and recurrent networks): pure NumPy + the engine, no drawing.

    X, y = marked_symbol_data(512, T=15, seed=0)          # recall the marked symbol after T steps
    run = memory_run("LSTM", T=15, learning_rate=0.03)    # a trained model, its curves, its gradients
    norms = state_gradients(run.model, X, y)              # ||dL/dh_t|| for every step t (BPTT's dh_t)
    text = zen_text(); model, vocab = char_model()        # a character model of the Zen of Python
    samples = generate(model, vocab, "Beautiful", 120, temperatures=(0.3, 1.0))

Runs are cached per process (an explorer returning to a setting answers at once); every call returns a
deep copy, so a caller that changes its model never changes the next caller's.
"""
from __future__ import annotations

import codecs
import copy
import importlib.util
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from .core import GRU, LSTM, Dense, Embedding, Sequential, SimpleRNN, get_optimizer
from .core._checks import check_int, check_positive
from .core.training import epoch_batches

__all__ = ["MEMORY_SYMBOLS", "MEMORY_CELLS", "marked_symbol_data", "memory_model", "MemoryRun", "memory_run",
           "memory_accuracy", "memory_test", "choose_learning_rate", "TUNING_SEED", "LEARNING_RATES", "state_gradients", "zen_text", "char_vocabulary", "encode", "decode", "char_windows",
           "char_model", "generate", "known_word_fraction"]

MEMORY_SYMBOLS = 4  # K: the symbols to recall (chance: 1/K)
MEMORY_CELLS = {"SimpleRNN": SimpleRNN, "LSTM": LSTM, "GRU": GRU}


# --- the memory task --------------------------------------------------------------------------------
def marked_symbol_data(n: int, T: int, seed=0, symbols: int = MEMORY_SYMBOLS):
    """n sequences of T random symbols (one-hot, `symbols` columns) plus a marker column that is 1 at
    one step, drawn uniformly from the first half (steps 0 .. ceil(T/2) - 1). The target is the symbol
    at the marked step (one-hot): the network must notice the marker, keep that symbol, and ignore
    the later ones, which come from the same alphabet, for at least T/2 steps.
    seed: an int, a sequence of ints or a Generator. Returns X (n, T, symbols + 1), y (n, symbols)."""
    n, T = check_int(n, "n", low=1), check_int(T, "T", low=1)
    rng = np.random.default_rng(seed)
    ids = rng.integers(0, symbols, (n, T))
    marked = rng.integers(0, (T + 1) // 2, n)
    X = np.zeros((n, T, symbols + 1))
    X[np.arange(n)[:, None], np.arange(T), ids] = 1.0
    X[np.arange(n), marked, symbols] = 1.0
    return X, np.eye(symbols)[ids[np.arange(n), marked]]


def memory_model(cell: str = "LSTM", units: int = 12, seed: int = 0, symbols: int = MEMORY_SYMBOLS) -> Sequential:
    """cell (SimpleRNN, LSTM or GRU, Keras's defaults) reading (symbols + 1)-wide steps into `units`
    states, then a softmax Dense on the last state: Sequential([cell, Dense], categorical cross-entropy)."""
    if cell not in MEMORY_CELLS:
        raise ValueError(f"Unknown cell {cell!r}. Valid: {', '.join(MEMORY_CELLS)}.")
    rnn = MEMORY_CELLS[cell](symbols + 1, units, seed=seed)
    return Sequential([rnn, Dense(units, symbols, "softmax", seed=seed + 1000)], loss="categorical_crossentropy")


def memory_accuracy(model, X, y) -> float:
    """The fraction of sequences whose marked symbol is the model's most probable one."""
    return float(np.mean(np.argmax(model.predict(X), axis=1) == np.argmax(y, axis=1)))


@dataclass
class MemoryRun:
    """A trained memory-task model and what happened on the way.

    history: per epoch 'loss' (training, mean over its batches), 'val_loss', 'val_accuracy';
    grad_norm: per step, the largest norm of one weight's gradient (W, U, b, ...) BEFORE clipping: what clipnorm
    looks at, since it clips each gradient whose own norm passes the threshold (global_clipnorm would look at
    the norm of all of them together);
    grads_init / grads_end: ||dL/dh_t|| for t = 1..T on the first 128 validation sequences, at
    initialisation and after training (state_gradients); data: (X, y, X_val, y_val)."""

    model: Sequential
    history: dict
    grad_norm: np.ndarray
    grads_init: np.ndarray
    grads_end: np.ndarray
    data: tuple
    settings: dict = field(default_factory=dict)

    @property
    def val_accuracy(self) -> float:
        return self.history["val_accuracy"][-1]


def _largest_norm(params) -> float:
    """max over the weights of ||gradient||: a step is clipped by clipnorm c exactly when this passes c."""
    return float(max(np.sqrt(np.sum(np.square(np.asarray(g)))) for _, _, g in params))


GRADIENT_SEQUENCES = 128  # validation sequences the gradients through time are measured on


@lru_cache(maxsize=256)
def _memory_run(cell, T, learning_rate, clipnorm, seed, epochs, n_train, units, batch_size, optimizer):
    X, y = marked_symbol_data(n_train, T, seed)
    X_val, y_val = marked_symbol_data(512, T, [seed, 1])  # another stream: no training sequence repeats
    probe = (X_val[:GRADIENT_SEQUENCES], y_val[:GRADIENT_SEQUENCES])
    model = memory_model(cell, units, seed)
    opt = get_optimizer(optimizer, learning_rate=learning_rate, clipnorm=clipnorm)
    grads_init = state_gradients(model, *probe)
    history = {"loss": [], "val_loss": [], "val_accuracy": []}
    grad_norm = []
    report = _PROGRESS[0]
    steps = epochs * len(epoch_batches(len(X), batch_size, seed, 1))
    for epoch in range(1, epochs + 1):
        losses = []
        for idx in epoch_batches(len(X), batch_size, seed, epoch):
            loss, _ = model.loss_and_grads(X[idx], y[idx])
            params = model.trainable_params()
            grad_norm.append(_largest_norm(params))
            opt.step(params)
            losses.append(loss)
            if report is not None:  # after every step: the explorer draws a frame when one is due
                report(len(grad_norm), steps, model, history, grad_norm=grad_norm, grads_init=grads_init,
                       probe=probe)
        history["loss"].append(float(np.mean(losses)))
        history["val_loss"].append(float(model.evaluate(X_val, y_val)))
        history["val_accuracy"].append(memory_accuracy(model, X_val, y_val))
    grads_end = state_gradients(model, *probe)
    _forget_batch(model, X_val)
    return MemoryRun(model, history, np.array(grad_norm), grads_init, grads_end, (X, y, X_val, y_val))


def _forget_batch(model, X):
    """Let the layers keep what a forward pass of ONE sequence leaves (their states, gates and inputs for
    backward), not a whole batch's: a cached run then holds kilobytes, not megabytes."""
    model.forward(X[:1])


_PROGRESS = [None]  # progress(epoch, epochs, model, history, **extra) of the run being trained (an explorer's)


def memory_run(cell: str = "LSTM", T: int = 15, learning_rate: float = 0.03, clipnorm: float | None = None,
               seed: int = 0, epochs: int = 6, n_train: int = 512, units: int = 12, batch_size: int = 32,
               optimizer: str = "adam", progress=None) -> MemoryRun:
    """Train memory_model(cell, units, seed) with Adam(learning_rate, clipnorm) on marked_symbol_data
    (n_train sequences of length T drawn with `seed`) for `epochs` epochs of mini-batches, validating
    on 512 other sequences after each epoch. Cached per process; returns a copy (MemoryRun).
    progress: None, or a function called after every step of a run not cached yet as
    progress(step, steps, model, history, grad_norm=[...], grads_init=..., probe=(X, y)) (history holds the
    epochs finished so far); it may raise to abandon the run (which is then not cached)."""
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be a function or None, got {progress!r}.")
    key = (str(cell), check_int(T, "T", low=1, high=200), float(check_positive(learning_rate, "learning_rate")),
           None if clipnorm is None else float(check_positive(clipnorm, "clipnorm")), check_int(seed, "seed", low=0),
           check_int(epochs, "epochs", low=1), check_int(n_train, "n_train", low=1), check_int(units, "units", low=1),
           check_int(batch_size, "batch_size", low=1), str(optimizer))
    if key[0] not in MEMORY_CELLS:
        raise ValueError(f"Unknown cell {cell!r}. Valid: {', '.join(MEMORY_CELLS)}.")
    _PROGRESS[0] = progress
    try:
        run = _memory_run(*key)
    finally:
        _PROGRESS[0] = None
    run = copy.deepcopy(run)
    run.settings = dict(zip(("cell", "T", "learning_rate", "clipnorm", "seed", "epochs"), key))
    return run


TUNING_SEED = 5  # a sixth draw (data and weights), used only to choose each cell's learning rate
LEARNING_RATES = (0.01, 0.03)


def choose_learning_rate(cell: str, T: int, rates=LEARNING_RATES, seed: int = TUNING_SEED, **settings):
    """The learning rate of `rates` whose memory_run(cell, T, rate, seed=seed) ends with the highest
    validation accuracy (ties: the lower validation loss). Returns (rate, {rate: (val_accuracy, val_loss)})."""
    scores = {}
    for rate in rates:
        h = memory_run(cell, T, rate, seed=seed, **settings).history
        scores[float(rate)] = (h["val_accuracy"][-1], h["val_loss"][-1])
    best = max(scores, key=lambda r: (scores[r][0], -scores[r][1]))
    return best, scores


def memory_test(T: int, seed: int, n: int = 1000):
    """n test sequences for the runs of seed `seed`: drawn from a third stream, so no run trains, validates
    or chooses on them. Returns (X_test, y_test)."""
    return marked_symbol_data(n, T, [check_int(seed, "seed", low=0), 2])


# --- gradients through time ----------------------------------------------------------------------------
def state_gradients(model: Sequential, X, y) -> np.ndarray:
    """||dL/dh_t|| for t = 1..T: how much the loss (the model's, on X, y) depends on each step's state h_t
    of the model's first layer (a SimpleRNN, LSTM or GRU read by a Dense on its last state). These are the
    dh_t of backpropagation through time, recorded on the way back (the layers' own backward keeps only
    the weights' sums); norm over the batch and the units. Returns an array (T,)."""
    rnn = model.layers[0]
    if not isinstance(rnn, (SimpleRNN, LSTM, GRU)) or rnn.return_sequences:
        raise ValueError("state_gradients needs a model whose first layer is a SimpleRNN, LSTM or GRU "
                         "returning its last state.")
    X = model._check_X(X)
    y = model._as_targets(y, len(X))
    out = model.forward(X)  # the layers keep what their backward needs: the states, gates, activations
    _, grad, fused = model._output_loss(y, out)
    dh_T = grad
    for layer in reversed(model.layers[1:]):  # from the loss down to the recurrent layer's last state
        dh_T = layer.backward(dh_T, through_activation=False) if fused and layer is model.layers[-1] \
            else layer.backward(dh_T)
    return _walk_back(rnn, dh_T)


def _walk_back(rnn, dh_T) -> np.ndarray:
    """Backpropagation through time from dL/dh_T alone, recording ||dh_t|| at every step (the engine's
    recursions: dh_from_t = ds_t U^T (+ the direct paths of LSTM's cell and GRU's z))."""
    n, T = rnn.x.shape[:2]
    u = rnn.units
    norms = np.zeros(T)
    dh = dh_T
    if isinstance(rnn, SimpleRNN):
        for t in reversed(range(T)):
            norms[t] = np.linalg.norm(dh)
            ds = rnn.activation.backward(rnn.s[:, t], rnn.hs[:, t + 1], dh)
            dh = ds @ rnn.U.T
    elif isinstance(rnn, LSTM):
        act, rec = rnn.activation, rnn.recurrent_activation
        dc_next = np.zeros((n, u))
        for t in reversed(range(T)):
            norms[t] = np.linalg.norm(dh)
            i, f, g, o = np.split(rnn.gate[:, t], 4, axis=1)
            s_i, s_f, s_g, s_o = np.split(rnn.s[:, t], 4, axis=1)
            dc = dc_next + act.backward(rnn.cs[:, t + 1], rnn.ac[:, t], dh * o)
            ds = np.concatenate([rec.backward(s_i, i, dc * g), rec.backward(s_f, f, dc * rnn.cs[:, t]),
                                 act.backward(s_g, g, dc * i), rec.backward(s_o, o, dh * rnn.ac[:, t])], axis=1)
            dh = ds @ rnn.U.T
            dc_next = dc * f
    else:  # GRU
        act, rec = rnn.activation, rnn.recurrent_activation
        U = rnn.U
        for t in reversed(range(T)):
            norms[t] = np.linalg.norm(dh)
            h, z, r = rnn.hs[:, t], rnn.zr[:, t, :u], rnn.zr[:, t, u:]
            p_z, p_r = rnn.p_zr[:, t, :u], rnn.p_zr[:, t, u:]
            dp_h = act.backward(rnn.p_h[:, t], rnn.hh[:, t], dh * (1 - z))
            dp_z = rec.backward(p_z, z, dh * (h - rnn.hh[:, t]))
            if rnn.reset_after:
                dp_r = rec.backward(p_r, r, dp_h * rnn.uh[:, t])
                dh = dh * z + np.concatenate([dp_z, dp_r, dp_h * r], axis=1) @ U.T
            else:
                d_rh = dp_h @ U[:, 2 * u:].T
                dp_r = rec.backward(p_r, r, d_rh * h)
                dh = dh * z + np.concatenate([dp_z, dp_r], axis=1) @ U[:, :2 * u].T + d_rh * r
    return norms


# --- text: tokens and a character model -----------------------------------------------------------------
@lru_cache(maxsize=1)
def zen_text() -> str:
    """The Zen of Python (PEP 20), read from the standard library's `this` module without running it
    (importing `this` prints it): the module keeps it ROT13-encoded in its string `s`. 856 characters."""
    with open(importlib.util.find_spec("this").origin, encoding="utf-8") as file:
        source = file.read()
    return codecs.decode(re.search(r's = """(.*?)"""', source, re.S).group(1), "rot13")


def char_vocabulary(text: str) -> list:
    """The distinct characters of `text`, sorted: a character's id is its place in this list."""
    if not isinstance(text, str) or not text:
        raise ValueError(f"text must be a non-empty string, got {text!r}.")
    return sorted(set(text))


def encode(text: str, vocab) -> np.ndarray:
    """Characters -> ids (their places in vocab), an int array (len(text),)."""
    index = {ch: i for i, ch in enumerate(vocab)}
    unknown = [ch for ch in text if ch not in index]
    if unknown:
        raise ValueError(f"{unknown[0]!r} is not in the vocabulary ({len(vocab)} characters).")
    return np.array([index[ch] for ch in text], dtype=np.intp)


def decode(ids, vocab) -> str:
    """ids -> the characters they stand for, as one string."""
    return "".join(vocab[int(i)] for i in np.ravel(ids))


def char_windows(text: str, vocab, length: int = 8):
    """Every window of `length` characters of text and the character after it: X (n, length) ids,
    y (n, len(vocab)) one-hot, n = len(text) - length."""
    length = check_int(length, "length", low=1)
    ids = encode(text, vocab)
    if len(ids) <= length:
        raise ValueError(f"text has {len(ids)} characters: it needs more than length = {length}.")
    X = np.lib.stride_tricks.sliding_window_view(ids[:-1], length).copy()
    return X, np.eye(len(vocab))[ids[length:]]


@lru_cache(maxsize=4)
def _char_model(cell, length, units, embedding, epochs, learning_rate, seed):
    from .core import fit  # noqa: PLC0415

    text = zen_text()
    vocab = char_vocabulary(text)
    X, y = char_windows(text, vocab, length)
    V = len(vocab)
    model = Sequential([Embedding(V, embedding, seed=seed), MEMORY_CELLS[cell](embedding, units, seed=seed + 1),
                        Dense(units, V, "softmax", seed=seed + 2)], loss="categorical_crossentropy")
    history = fit(model, X, y, get_optimizer("adam", learning_rate=learning_rate, clipnorm=1.0), epochs=epochs,
                  batch_size=64, seed=seed, verbose=0)
    model.window = length
    _forget_batch(model, X)
    return model, vocab, history.history


def char_model(cell: str = "LSTM", length: int = 8, units: int = 32, embedding: int = 16, epochs: int = 20,
               learning_rate: float = 0.02, seed: int = 0):
    """A character model of the Zen of Python: Embedding(V, embedding) -> cell(units) -> softmax over the
    V = 45 characters, trained (Adam, clipnorm 1, batch 64) to predict each character from the `length`
    before it. Trained once per process; returns a copy: (model, vocab, history dict)."""
    if cell not in MEMORY_CELLS:
        raise ValueError(f"Unknown cell {cell!r}. Valid: {', '.join(MEMORY_CELLS)}.")
    key = (cell, check_int(length, "length", low=1), check_int(units, "units", low=1),
           check_int(embedding, "embedding", low=1), check_int(epochs, "epochs", low=1),
           float(check_positive(learning_rate, "learning_rate")), check_int(seed, "seed", low=0))
    model, vocab, history = _char_model(*key)
    return copy.deepcopy(model), list(vocab), copy.deepcopy(history)


def generate(model, vocab, prompt: str, n_chars: int, temperatures=(1.0,), seeds=(0,)) -> list:
    """Text from a character model: a list with one list per seed of one string per temperature, each
    starting with `prompt` and n_chars longer.

    Each step feeds the last `window` characters (the length the model was trained on; the prompt needs at
    least that many) and samples the next from softmax(z / temperature), where z are the output layer's
    logits: temperature < 1 sharpens the distribution towards the most likely character (the argmax as it
    goes to 0), > 1 flattens it towards uniform. A seed draws one uniform number per character, shared by
    all temperatures (common random numbers), so two temperatures of one seed differ by their temperature
    alone. Every (seed, temperature) row goes through the model together: one forward pass per character."""
    temps = np.asarray(temperatures, dtype=float).ravel()
    if temps.size == 0 or not np.all(np.isfinite(temps)) or np.any(temps <= 0):
        raise ValueError(f"temperatures must be numbers > 0, got {temperatures!r}.")
    seeds = [check_int(s, "seed", low=0) for s in np.ravel(seeds)]
    n_chars = check_int(n_chars, "n_chars", low=0)
    length = _window(model)
    start = encode(prompt, vocab)
    if len(start) < length:
        raise ValueError(f"prompt must have at least {length} characters (the model's window), got {prompt!r}.")
    rows = len(seeds) * temps.size
    ids = np.tile(start, (rows, 1))
    tau = np.tile(temps, len(seeds))[:, None]
    u = np.repeat([np.random.default_rng(s).random(n_chars) for s in seeds], temps.size, axis=0)
    out = model.layers[-1]
    for k in range(n_chars):
        model.forward(ids[:, -length:])
        z = out.z / tau
        p = np.exp(z - z.max(axis=1, keepdims=True))
        cdf = np.cumsum(p, axis=1) / p.sum(axis=1, keepdims=True)
        nxt = np.minimum((cdf < u[:, k:k + 1]).sum(axis=1), len(vocab) - 1)  # inverse-CDF sampling
        ids = np.concatenate([ids, nxt[:, None]], axis=1)
    texts = [decode(row, vocab) for row in ids]
    return [texts[i * temps.size:(i + 1) * temps.size] for i in range(len(seeds))]


def _window(model) -> int:
    """The window length a character model was trained on (kept on the model by char_model)."""
    window = getattr(model, "window", None)
    if window is None:
        raise ValueError("generate needs a model made by char_model (it knows its window length).")
    return window


def known_word_fraction(generated: str, text: str) -> float:
    """The fraction of the words of `generated` (letters only, lower case) that are words of `text`."""
    words = re.findall(r"[a-z]+", generated.lower())
    known = set(re.findall(r"[a-z]+", text.lower()))
    return float(np.mean([w in known for w in words])) if words else 0.0
