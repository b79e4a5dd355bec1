"""Lesson 14 (normalisation and residual connections): the experiments (dlteach.deepnets, re-exported by
dlteach.experiments), the explorer driven through every control, its widget's frames, and the explorer's
"try this" outcomes over 5 seeds (the lesson checks them on seed 0 only)."""
import numpy as np
import pytest

import dlteach as dt
from dlteach import experiments
from dlteach.core import ActivationLayer, BatchNormalization, Dense, Residual
from dlteach.widgets import DeepNetExplorer
from dlteach.widgets.base import ProgressiveTrainer

SEEDS = range(5)


def _batch(n=64):
    X_train, _, _, y_train, _, _ = experiments.digits_split(0)
    return X_train[:n], dt.data.one_hot(y_train[:n], 10)


# --- the networks -------------------------------------------------------------------------------
@pytest.mark.parametrize("variant", experiments.DEEP_VARIANTS)
def test_every_variant_has_the_same_dense_layers(variant):
    model = experiments.deep_mlp(variant, depth=5, width=8, seed=3)
    plain = experiments.deep_mlp("plain", depth=5, width=8, seed=3)
    dense = [l for l in model.layers for l in (l.layers if isinstance(l, Residual) else [l]) if isinstance(l, Dense)]
    plain_dense = [l for l in plain.layers if isinstance(l, Dense)]
    assert len(dense) == 6 and [d.W.shape for d in dense] == [(64, 8)] + [(8, 8)] * 4 + [(8, 10)]
    assert all(np.array_equal(a.W, b.W) for a, b in zip(dense, plain_dense))  # one draw of weights per seed
    blocks = [l for l in model.layers if isinstance(l, Residual)]
    bns = [l for l in model.layers for l in (l.layers if isinstance(l, Residual) else [l])
           if isinstance(l, BatchNormalization)]
    assert len(blocks) == (4 if variant in ("residual", "both") else 0)
    assert len(bns) == (5 if variant in ("batch norm", "both") else 0)  # before each of the 5 activations
    assert all(bn.momentum == 0.9 for bn in bns)


def test_the_unit_order_and_initialisers():
    model = experiments.deep_mlp("both", depth=3, width=4, activation="relu", seed=0)
    block = model.layers[1]
    assert [type(l) for l in block.layers] == [BatchNormalization, ActivationLayer, Dense]
    assert [type(l) for l in model.layers] == [Dense, Residual, Residual, BatchNormalization, ActivationLayer, Dense]
    assert model.layers[-1].act.name == "softmax" and block.layers[1].act.name == "relu"
    relu = experiments.deep_mlp("plain", depth=2, width=400, activation="relu", seed=0)
    sigmoid = experiments.deep_mlp("plain", depth=2, width=400, activation="sigmoid", seed=0)
    assert abs(relu.layers[2].W.std() / np.sqrt(2 / 400) - 1) < 0.02          # He for ReLU
    assert abs(sigmoid.layers[2].W.std() / np.sqrt(2 / 800) - 1) < 0.02       # Glorot otherwise


@pytest.mark.parametrize("kwargs, message", [
    ({"variant": "resnet"}, "Unknown variant 'resnet'. Valid: 'plain', 'batch norm', 'residual', 'both'."),
    ({"activation": "elu"}, "Unknown activation 'elu'. Valid: 'sigmoid', 'tanh', 'relu'."),
])
def test_refusals_are_named(kwargs, message):
    with pytest.raises(ValueError) as err:
        experiments.deep_mlp(**kwargs)
    assert str(err.value) == message
    with pytest.raises(ValueError):
        experiments.deep_run(**kwargs)


def test_gradient_norms_leave_the_moving_statistics_alone():
    model = experiments.deep_mlp("batch norm", depth=4, width=8, seed=0)
    X, Y = _batch()
    before = [w.copy() for w in model.get_weights()]
    norms = experiments.gradient_norms(model, X, Y)
    assert norms.shape == (5,) and np.all(norms > 0)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    model.loss_and_grads(X, Y, training=True)  # the same numbers as a training step's gradients
    assert np.allclose(norms, [np.linalg.norm(l.dW) for l in model.layers if isinstance(l, Dense)], rtol=0, atol=0)


def test_deep_run_history_progress_and_cache():
    calls = []
    model, history = experiments.deep_run("both", depth=3, epochs=2, seed=7,
                                          progress=lambda e, n, m, h, norms: calls.append((e, n, len(norms))))
    assert calls == [(0, 2, 1), (1, 2, 2), (2, 2, 2)]  # initialisation, then every epoch: [at initialisation, now]
    assert len(history["grad_norms"]) == 2 and len(history["val_accuracy"]) == 2
    model_copy = experiments.deep_mlp("both", depth=3, seed=7)
    model_copy.set_weights(model.get_weights())
    X, Y = _batch(256)
    assert np.array_equal(history["grad_norms"][1], experiments.gradient_norms(model_copy, X, Y))  # the end's
    again, _ = experiments.deep_run("both", depth=3, epochs=2, seed=7, progress=lambda *a, **k: calls.append(a))
    assert len(calls) == 3  # cached: trains nothing, reports nothing
    again.layers[0].W[...] = 0  # a fresh copy: changing it changes no other caller's model
    assert np.any(experiments.deep_run("both", depth=3, epochs=2, seed=7)[0].layers[0].W)
    scores = experiments.deep_scores(model)
    assert scores["test_correct"].shape == (360,) and scores["test_accuracy"] == scores["test_correct"].mean()


def test_deep_search_takes_the_best_validation_accuracy_and_the_smaller_rate_on_a_tie():
    search = experiments.deep_search("plain", learning_rates=(0.01, 0.03), depth=2, epochs=1, seed=5)
    accuracy = search["accuracy"]
    assert set(accuracy) == {0.01, 0.03}
    assert search["best"] == min(r for r, a in accuracy.items() if a == max(accuracy.values()))


# --- the lesson's claims, beyond its seeds --------------------------------------------------------
def test_try_this_1_shallow_sigmoid_learns_deep_does_not_on_every_seed():
    shallow = [experiments.deep_run("plain", depth=2, learning_rate=0.03, seed=s)[1]["val_accuracy"][-1] for s in SEEDS]
    deep = [experiments.deep_run("plain", depth=6, learning_rate=0.03, seed=s)[1]["val_accuracy"][-1] for s in SEEDS]
    assert min(shallow) > 0.8 and max(deep) < 0.3, (shallow, deep)


def test_try_this_2_residual_relu_goes_nowhere_at_any_rate():
    for rate in (0.001, 0.003, 0.01, 0.03):
        accuracy = [experiments.deep_run("residual", activation="relu", learning_rate=rate, seed=s)[1]["val_accuracy"][-1]
                    for s in SEEDS]
        assert max(accuracy) < 0.5, (rate, accuracy)
    norms = [np.median(experiments.deep_run("residual", activation="relu", seed=s)[1]["grad_norms"][0]) for s in SEEDS]
    fixed = [np.median(experiments.deep_run("both", activation="relu", seed=s)[1]["grad_norms"][0]) for s in SEEDS]
    assert min(norms) > 50 and max(fixed) < 1, (norms, fixed)


def test_try_this_3_both_relu_trains_on_every_seed():
    accuracy = [experiments.deep_run("both", activation="relu", seed=s)[1]["val_accuracy"][-1] for s in SEEDS]
    assert min(accuracy) > 0.8, accuracy


# --- the explorer --------------------------------------------------------------------------------
def _extremes():
    for name, p in DeepNetExplorer.PARAMS.items():
        for value in (p.choices if p.choices is not None else (p.low, p.high)):
            yield name, value


@pytest.mark.parametrize("name, value", list(_extremes()), ids=str)
def test_every_control_at_its_ends_draws_a_labelled_figure(name, value):
    ex = DeepNetExplorer(depth=3, epochs=2) if name not in ("depth", "epochs") else DeepNetExplorer()
    ex.set(**{name: value})
    assert ex.cfg[name] == value
    fig = ex.draw()
    for ax in fig.axes:
        assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
        for line in ax.lines:
            assert np.all(np.isfinite(np.asarray(line.get_xydata(), dtype=float))), (name, value, line.get_label())
    grads, curves = fig.axes
    assert len(grads.lines[0].get_xdata()) <= ex.cfg["depth"] + 1
    assert len(curves.get_lines()) == 3  # training, validation, chance
    assert ex.png()[:4] == b"\x89PNG"


def test_refused_settings_are_named_and_leave_the_explorer_as_it_was():
    ex = DeepNetExplorer(depth=3, epochs=1)
    with pytest.raises(ValueError, match="depth must be from 2 to 30, got 40"):
        ex.set(depth=40)
    with pytest.raises(ValueError, match="Unknown variant 'dense'"):
        ex.set(variant="dense")
    assert ex.cfg["depth"] == 3 and ex.cfg["variant"] == "plain"


def test_a_diverging_rate_is_said_in_red():
    ex = DeepNetExplorer(variant="residual", activation="relu", learning_rate=0.3, depth=30, epochs=3)
    _, curves, colour = ex.titles()
    if ex.history.diverged:
        assert curves.startswith("diverged") and colour == "#b2182b"
    ex.draw()


def test_the_widget_shows_the_network_at_initialisation_first_then_its_training():
    ex = DeepNetExplorer(depth=3, epochs=1)
    frames, states = [], []

    def show(error=None):
        assert error is None
        frames.append(ex.png())
        states.append(ex.training)

    trainer = ProgressiveTrainer(ex, show, frame_time=0.0, threaded=False)  # every epoch drawn
    trainer.submit(dict(ex.cfg, depth=4, epochs=3, learning_rate=0.02))
    assert states[0] == (0, 3) and ex.training is None and states[-1] is None
    assert [s[0] for s in states[:-1]] == [0, 1, 2, 3]
    assert frames[-1] == DeepNetExplorer(depth=4, epochs=3, learning_rate=0.02).png()


def test_a_replayed_layout_equals_a_fresh_drawing():
    """As tests/test_explorer_layout_cache.py does for the other explorers: each move made, undone and made
    again, so the cached layout is replayed, and every picture equals one laid out from scratch."""
    import io

    from PIL import Image

    from dlteach.widgets.base import CachedConstrainedLayout

    def pixels(png):
        return np.asarray(Image.open(io.BytesIO(png)))

    ex = DeepNetExplorer(depth=4, epochs=2)
    ex.png()
    engine = ex.figure.get_layout_engine()
    assert isinstance(engine, CachedConstrainedLayout)
    replayed = 0
    moves = [("variant", "both"), ("activation", "tanh"), ("learning_rate", 0.05), ("depth", 6), ("epochs", 3)]
    fresh = {}  # the plain drawing per settings, made once: a move's third state is its first, its second the last
    for setting, value in moves:
        for v in (value, DeepNetExplorer(depth=4, epochs=2).cfg[setting], value):
            ex.set(**{setting: v})
            ex.draw()
            replayed += engine.key in engine.cache
            settings = repr(sorted(ex.cfg.items()))
            if settings not in fresh:
                plain = DeepNetExplorer(**ex.cfg)
                plain.LAYOUT_CACHE = False
                fresh[settings] = pixels(plain.png())
            assert np.array_equal(pixels(ex.png()), fresh[settings]), (setting, v)
    assert replayed >= len(moves)


# --- the exercises: correct answers written differently from dlteach.solutions pass ------------------
def _bn_backward_staged(x, gamma, epsilon, g):
    """CS231n's staged chain rule (through var and mu), not the compact formula of the lesson."""
    m = x.shape[0]
    xmu = x - x.mean(0)
    ivar = 1 / np.sqrt((xmu ** 2).mean(0) + epsilon)
    dxhat = g * gamma
    dvar = np.sum(dxhat * xmu, 0) * -0.5 * ivar ** 3
    dmu = np.sum(-dxhat * ivar, 0) + dvar * np.mean(-2 * xmu, 0)
    return dxhat * ivar + dvar * 2 * xmu / m + dmu / m, (g * xmu * ivar).sum(0), g.sum(0)


@pytest.mark.parametrize("name, answer", [
    ("14.batchnorm_forward", lambda x, gamma, beta, epsilon:
        gamma * (x - np.mean(x, axis=0)) / np.sqrt(np.var(x, axis=0) + epsilon) + beta),
    ("14.batchnorm_backward", _bn_backward_staged),
    ("14.residual_backward", lambda x, W, g: (g + np.einsum("nk,jk->nj", g, W) * np.where(x > 0, 1.0, 0.0),
                                              np.einsum("nj,nk->jk", np.clip(x, 0, None), g), np.sum(g, axis=0))),
])
def test_a_correct_answer_written_differently_passes(name, answer, capsys):
    from dlteach.exercises import check

    assert all(check(name, answer, seed=seed) for seed in (0, 1, 2))
    assert capsys.readouterr().out.count("Correct!") == 3
