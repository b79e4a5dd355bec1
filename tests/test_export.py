"""Export to Keras: the exported script, run in a fresh Python process, prints the same losses as
the from-scratch training it was exported from (to 1e-6, float32 against float64), epoch by epoch."""
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import dlteach as dt
from dlteach import data
from dlteach.export import FEATURE_CODE, keras_code

EPOCHS = 2
# (name, MLP settings, optimizer, learning rate, batch size, dataset settings, features, embed the data)
CASES = [
    ("circle, tanh, sgd", dict(activation="tanh"), "sgd", 0.03, 10, ("circle", 0.0), ("x1", "x2"), False),
    ("spiral3, adam, L2, sin", dict(activation="tanh", l2=0.01), "adam", 0.01, 10, ("spiral3", 0.1),
     ("x1", "x2", "sin x1"), False),
    ("reg_plane, relu, rmsprop", dict(activation="relu"), "rmsprop", 0.003, 10, ("reg_plane", 0.3),
     ("x1", "x2", "x1*x2"), False),
    ("xor, leaky_relu, momentum, mse, batch 7", dict(activation="leaky_relu", loss="mse"), "momentum", 0.03, 7,
     ("xor", 0.2), ("x1", "x2"), False),
    ("gauss, sigmoid, L1, full batch, embedded", dict(activation="sigmoid", l1=0.003), "adam", 0.03, None,
     ("gauss", 0.1), ("x1^2", "x2^2", "x1", "x2"), True),
]


# Playground settings: its to_keras_code() after EPOCHS steps must print its own curves
PLAYGROUND_CASES = [
    ("Playground defaults", dict(), False),
    ("Playground spiral, adam, L2, 3 hidden, features", dict(dataset="spiral", optimizer="adam", learning_rate=0.01,
     hidden=3, regularization="L2", reg_rate=0.003, features=("x1", "x2", "sin x1", "x1*x2"), noise=0.1), False),
    ("Playground reg_gauss, rmsprop, relu, embedded", dict(dataset="reg_gauss", optimizer="rmsprop", activation="relu",
     learning_rate=0.003, batch_size=13), True),
]


def playground_setup(case):
    from dlteach.widgets import Playground

    _, settings, embed = case
    pg = Playground(**settings)
    pg.step(EPOCHS)
    return pg.to_keras_code(embed_data=embed), np.array([pg.history["train"], pg.history["test"]]).T


def setup(case):
    """The model, its data and the reference run: dlteach.fit, one epoch at a time (as the Playground)."""
    name, mlp, opt_name, lr, batch_size, (dataset, noise), features, embed = case
    X, y = data.make_dataset(dataset, n=300, noise=noise, seed=3)
    X_train, X_test, y_train, y_test = data.train_test_split(X, y, test_size=0.4, seed=3)
    k = data.n_classes(y) if data.is_classification(dataset) else 1
    if not data.is_classification(dataset):
        out, loss, T_train, T_test = "linear", "mse", y_train, y_test
    elif k > 2:
        out, loss, T_train, T_test = "softmax", "categorical_crossentropy", data.one_hot(y_train), data.one_hot(y_test)
    else:
        out, loss, T_train, T_test = "sigmoid", "binary_crossentropy", y_train, y_test
    loss = mlp.pop("loss", loss)
    model = dt.MLP([len(features), 5, 4, 1 if k <= 2 else k], output_activation=out, loss=loss, seed=7, **mlp)
    spec = (X_train, y_train, X_test, y_test) if embed else dict(dataset=dataset, n=300, noise=noise, seed=3,
                                                                 test_size=0.4)
    code = keras_code(model, opt_name, learning_rate=lr, batch_size=batch_size, epochs=EPOCHS, seed=11,
                      features=features, data=spec, title=name)
    F_train, F_test = data.features(X_train, features), data.features(X_test, features)
    opt = dt.get_optimizer(opt_name, learning_rate=lr)
    expected = []
    for epoch in range(1, EPOCHS + 1):
        dt.fit(model, F_train, T_train, opt, epochs=epoch, initial_epoch=epoch - 1, batch_size=batch_size, seed=11,
               verbose=0)
        expected.append((model.evaluate(F_train, T_train, include_penalty=False),
                         model.evaluate(F_test, T_test, include_penalty=False)))
    return code, np.array(expected)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Every case's exported script, run one after the other in ONE fresh Python process (TensorFlow
    is imported once); returns [(code, expected losses, printed losses)]."""
    folder = tmp_path_factory.mktemp("export")
    made = [setup(case) for case in CASES] + [playground_setup(case) for case in PLAYGROUND_CASES]
    paths = [folder / f"case{i}{'_embedded' if case[-1] else ''}.py" for i, case in enumerate(CASES + PLAYGROUND_CASES)]
    for path, (code, _) in zip(paths, made):
        path.write_text(code)
    runner = ("import runpy, sys\n"
              "for path in sys.argv[1:]:\n"
              "    print('=== ' + path, flush=True)\n"
              "    embedded = path.endswith('_embedded.py')\n"
              "    if embedded:  # a script with its data written in must run without dlteach\n"
              "        sys.modules['dlteach'] = None  # makes `import dlteach` fail\n"
              "    runpy.run_path(path, run_name='__main__')\n"
              "    if embedded:\n"
              "        del sys.modules['dlteach']\n")
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", TF_ENABLE_ONEDNN_OPTS="0")
    result = subprocess.run([sys.executable, "-c", runner, *map(str, paths)],
                            capture_output=True, text=True, env=env, timeout=600, cwd=folder)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stderr.strip() == "", result.stderr[-3000:]  # quiet: no TensorFlow log lines, no warnings
    outputs = result.stdout.split("=== ")[1:]
    assert len(outputs) == len(made)
    printed = [np.array(re.findall(r"epoch \d+: train loss ([-\d.e]+), test loss ([-\d.e]+)", out), dtype=float)
               for out in outputs]
    return [(code, expected, got) for (code, expected), got in zip(made, printed)]


@pytest.mark.parametrize("i", range(len(CASES + PLAYGROUND_CASES)), ids=[c[0] for c in CASES + PLAYGROUND_CASES])
def test_exported_keras_code_gives_the_same_losses(runs, i):
    code, expected, got = runs[i]
    assert got.shape == (EPOCHS, 2)
    # float32 Keras against float64 NumPy: the losses agree to 1e-6 (measured: 4e-9 to 4.4e-7)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-6)
    assert not np.allclose(expected[0], expected[1], atol=1e-4)  # it trained: the two epochs differ


def test_embedded_code_needs_no_dlteach(runs):
    for i in (len(CASES) - 1, len(CASES) + 2):  # they ran with `import dlteach` made to fail (see runs)
        code = runs[i][0]
        assert "import dlteach" not in code and "from dlteach" not in code
    assert "dlteach.data" in runs[0][0] and "np.array([[" not in runs[0][0].split("initial_weights")[0]


def test_feature_code_computes_data_features():
    X = np.random.default_rng(0).normal(size=(20, 2)) * 3
    assert set(FEATURE_CODE) == set(data.FEATURES)
    for name, expr in FEATURE_CODE.items():
        np.testing.assert_array_equal(eval(expr, {"np": np, "X": X}), data.features(X, [name])[:, 0])


def test_bad_arguments_are_named():
    model = dt.MLP([2, 3, 1], "tanh", "sigmoid", "binary_crossentropy")
    spec = dict(dataset="circle", n=100, noise=0.0, seed=0, test_size=0.5)
    with pytest.raises(ValueError, match="needs data"):
        keras_code(model)
    with pytest.raises(ValueError, match="3 features .* 2 inputs"):
        keras_code(model, features=("x1", "x2", "x1^2"), data=spec)
    with pytest.raises(ValueError, match="Unknown feature 'x3'"):
        keras_code(model, features=("x1", "x3"), data=spec)
    with pytest.raises(ValueError, match="exactly the keys"):
        keras_code(model, data={"dataset": "circle"})
    with pytest.raises(ValueError, match="Unknown dataset 'moon'"):
        keras_code(model, data={**spec, "dataset": "moon"})
    with pytest.raises(TypeError, match="data must be a dict"):
        keras_code(model, data="circle.csv")
    with pytest.raises(ValueError, match="NaN"):
        keras_code(model, data=(np.full((4, 2), np.nan), np.zeros(4), np.zeros((2, 2)), np.zeros(2)))
    with pytest.raises(ValueError, match="weights have shapes"):
        keras_code(model, data=spec, weights=[np.zeros((3, 3))])
    with pytest.raises(ValueError, match="epochs"):
        keras_code(model, data=spec, epochs=0)
    with pytest.raises(ValueError, match="Dense layers only"):
        keras_code(dt.Sequential([dt.Conv2D(1, 2, 3), dt.Flatten(), dt.Dense(8, 1)]), data=spec)
    with pytest.raises(TypeError, match="dlteach Sequential"):
        keras_code("model", data=spec)


def test_export_does_not_import_tensorflow():
    code = "import sys, dlteach.export; print('tensorflow' in sys.modules, 'keras' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.stdout.split() == ["False", "False"]


def test_playground_button_shows_the_code():
    from dlteach.widgets import Playground

    pg = Playground(dataset="xor", hidden=1, neurons=3)
    ui = pg.widget()
    assert ui.keras_code.layout.display == "none"
    ui.keras_button.click()
    shown = ui.keras_code.value
    assert ui.keras_code.layout.display != "none"
    assert "keras.Sequential" in shown and "data.make_dataset(&#x27;xor&#x27;" in shown  # HTML-escaped code
    assert "keras.layers.Dense(3, activation=&#x27;tanh&#x27;)" in shown
    ui.keras_button.click()
    assert ui.keras_code.layout.display == "none"
    ui.controls["learning_rate"].value = 0.1
    ui.keras_button.click()  # shown again: for the settings of this moment
    assert "SGD(learning_rate=0.1," in ui.keras_code.value
