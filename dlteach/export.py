"""Export a from-scratch network and its training setup as runnable Keras code.

    code = keras_code(model, "sgd", learning_rate=0.03, batch_size=10, epochs=20, seed=0,
                      features=("x1", "x2"),
                      data={"dataset": "circle", "n": 500, "noise": 0.0, "seed": 0, "test_size": 0.5})
    print(code)            # a script: data, features, the same layers and initial weights, training

The script builds the same keras.Sequential (Dense layers, activations, L1/L2), sets the same
initial weights (written into the code as lists), compiles the same loss and optimizer, and
trains on the same mini-batches in the same order as dlteach.fit (whose shuffling depends only on
the seed and the epoch), so that it prints the same losses, epoch by epoch, up to float32 rounding.
The data is either regenerated with dlteach.data (the same generator and seed: a short script that
needs dlteach) or written into the code (a script that needs only NumPy and Keras).

Pure Python: this module writes text and never imports TensorFlow.
"""
from __future__ import annotations

import numpy as np

from . import data as _data
from .core import Dense, Sequential, get_optimizer
from .core._checks import check_int, check_positive_int
from .core.optimizers import SGD, Adam, AdamW, RMSprop

__all__ = ["keras_code", "FEATURE_CODE"]

# The Playground's input features (data.FEATURES) as NumPy expressions on the points X (n, 2).
FEATURE_CODE = {
    "x1": "X[:, 0]",
    "x2": "X[:, 1]",
    "x1^2": "X[:, 0] ** 2",
    "x2^2": "X[:, 1] ** 2",
    "x1*x2": "X[:, 0] * X[:, 1]",
    "sin x1": "np.sin(X[:, 0])",
    "sin x2": "np.sin(X[:, 1])",
}

_LOSSES = {"mse": "MeanSquaredError", "binary_crossentropy": "BinaryCrossentropy",
           "categorical_crossentropy": "CategoricalCrossentropy"}


def _number(v) -> str:
    """A float written so that Python reads back exactly the same float64."""
    return repr(float(v))


def _array(a) -> str:
    """A nested list literal of an array's values (full float64 precision)."""
    return repr(np.asarray(a, dtype=np.float64).tolist())


def _optimizer_code(opt) -> str:
    """keras.optimizers.<Name>(...) with every hyperparameter of a dlteach optimizer."""
    if isinstance(opt, SGD):
        name, keys = "SGD", ("learning_rate", "momentum", "nesterov")
    elif isinstance(opt, RMSprop):
        name, keys = "RMSprop", ("learning_rate", "rho", "momentum", "epsilon", "centered")
    elif isinstance(opt, AdamW):  # before Adam: AdamW is a subclass
        name, keys = "AdamW", ("learning_rate", "weight_decay", "beta_1", "beta_2", "epsilon", "amsgrad")
    elif isinstance(opt, Adam):
        name, keys = "Adam", ("learning_rate", "beta_1", "beta_2", "epsilon", "amsgrad")
    else:
        raise TypeError(f"optimizer must be an SGD, RMSprop, Adam or AdamW (or its name), got {opt!r}.")
    args = ", ".join(f"{k}={getattr(opt, k)!r}" if isinstance(getattr(opt, k), bool)
                     else f"{k}={_number(getattr(opt, k))}" for k in keys)
    return f"keras.optimizers.{name}({args})"


def _check_model(model) -> list[Dense]:
    if not isinstance(model, Sequential):
        raise TypeError(f"model must be a dlteach Sequential (an MLP), got {type(model).__name__}.")
    if not model.layers or not all(isinstance(layer, Dense) for layer in model.layers):
        kinds = ", ".join(sorted({type(layer).__name__ for layer in model.layers}))
        raise ValueError(f"keras_code exports networks of Dense layers only; this one has {kinds}.")
    if model.loss.name not in _LOSSES:
        raise ValueError(f"keras_code knows the losses {', '.join(_LOSSES)}, not {model.loss.name!r}.")
    return model.layers


def _data_code(data) -> list[str]:
    """Lines that define X_train, y_train, X_test, y_test (points (n, 2), labels or targets (n,))."""
    if isinstance(data, dict):
        known = {"dataset", "n", "noise", "seed", "test_size"}
        if set(data) != known:
            raise ValueError(f"data as a dict needs exactly the keys {sorted(known)}, got {sorted(data)}.")
        name = data["dataset"]
        if name not in _data.DATASETS:
            raise ValueError(f"Unknown dataset {name!r}. Valid: {', '.join(_data.DATASETS)}.")
        return ["# The points, generated again by dlteach.data with the same generator and seed.",
                "from dlteach import data",
                f"X, y = data.make_dataset({name!r}, n={int(data['n'])}, noise={_number(data['noise'])}, "
                f"seed={int(data['seed'])})",
                f"X_train, X_test, y_train, y_test = data.train_test_split(X, y, test_size="
                f"{_number(data['test_size'])}, seed={int(data['seed'])})"]
    if isinstance(data, (tuple, list)) and len(data) == 4:
        X_train, y_train, X_test, y_test = (np.asarray(a, dtype=np.float64) for a in data)
        for name, X, y in (("train", X_train, y_train), ("test", X_test, y_test)):
            if X.ndim != 2 or X.shape[1] != 2 or y.shape != (len(X),):
                raise ValueError(f"data's {name} part must be points (n, 2) and labels (n,), got {X.shape} "
                                 f"and {y.shape}.")
            if not (np.all(np.isfinite(X)) and np.all(np.isfinite(y))):
                raise ValueError(f"data's {name} part has NaN or infinite values.")
        return ["# The points (x1, x2) and labels, written out.",
                f"X_train = np.array({_array(X_train)})",
                f"y_train = np.array({_array(y_train)})",
                f"X_test = np.array({_array(X_test)})",
                f"y_test = np.array({_array(y_test)})"]
    raise TypeError("data must be a dict (dataset, n, noise, seed, test_size) to generate the points with "
                    "dlteach.data, or a tuple (X_train, y_train, X_test, y_test) to write them into the code.")


def keras_code(model, optimizer="sgd", learning_rate: float | None = None, batch_size: int | None = 10,
               epochs: int = 1, seed: int = 0, features=("x1", "x2"), data=None, weights=None,
               title: str = "a dlteach network") -> str:
    """Runnable Keras code that trains the same network as dlteach.fit would.

    model          a dlteach Sequential of Dense layers (an MLP): sizes, activations, L1/L2, loss
    optimizer      a dlteach optimizer or its name; learning_rate overrides the object's
    batch_size     None for full batch; epochs to train; seed: dlteach.fit's shuffling seed
    features       input feature names of data.FEATURES, computed from the 2-D points
    data           a dict (dataset, n, noise, seed, test_size): regenerated with dlteach.data;
                   or (X_train, y_train, X_test, y_test): written into the code
    weights        the initial weights (model.get_weights() layout); default the model's own
    Returns the script as a string. It prints, after each epoch, the loss on the whole training
    and test sets without the penalty term (as the Playground's curves)."""
    layers = _check_model(model)
    if isinstance(optimizer, str):
        opt = get_optimizer(optimizer) if learning_rate is None else get_optimizer(optimizer,
                                                                                   learning_rate=learning_rate)
    else:
        opt = get_optimizer(optimizer)
        if learning_rate is not None:
            opt = type(opt)(**{**{k: getattr(opt, k) for k in opt.hyperparameters}, "learning_rate": learning_rate})
    if batch_size is not None:
        batch_size = check_positive_int(batch_size, "batch_size")
    epochs = check_positive_int(epochs, "epochs")
    seed = check_int(seed, "seed", low=0)
    features = tuple(features)
    _data.features(np.zeros((1, 2)), features)  # unknown names: the same message as data.features
    if len(features) != layers[0].n_in:
        raise ValueError(f"{len(features)} features {features} but the network has {layers[0].n_in} inputs.")
    weights = model.get_weights() if weights is None else [np.asarray(w, dtype=np.float64) for w in weights]
    shapes = [w.shape for w in model.get_weights()]
    if [w.shape for w in weights] != shapes:
        raise ValueError(f"weights have shapes {[w.shape for w in weights]}, the network needs {shapes}.")
    if data is None:
        raise ValueError("keras_code needs data: a dict (dataset, n, noise, seed, test_size) or "
                         "(X_train, y_train, X_test, y_test).")

    k = layers[-1].n_out
    loss = model.loss
    sizes = "-".join(str(n) for n in [layers[0].n_in] + [layer.n_out for layer in layers])
    if loss.name == "categorical_crossentropy":
        targets = f"np.eye({k})[y_train.astype(int)], np.eye({k})[y_test.astype(int)]  # one-hot labels"
    else:
        targets = "y_train.reshape(-1, 1), y_test.reshape(-1, 1)  # one output column"
    loss_code = f"keras.losses.{_LOSSES[loss.name]}({'from_logits=True' if loss.from_logits else ''})"

    dense = []
    for layer in layers:
        reg = ""
        if layer.reg:
            l1, l2 = _number(layer.reg.l1), _number(layer.reg.l2)
            reg = f", kernel_regularizer=keras.regularizers.L1L2(l1={l1}, l2={l2})"
        dense.append(f"    keras.layers.Dense({layer.n_out}, activation={layer.act.name!r}{reg}),")
    weight_lines = []
    for w in weights:  # a kernel row per line: W[i] holds input i's weights to every unit
        rows = [_array(w)] if w.ndim == 1 else [_array(row) + "," for row in w]
        weight_lines += ([f"    np.array({rows[0]}),"] if w.ndim == 1 else
                         ["    np.array([", *(f"        {r}" for r in rows), "    ]),"])
    batch_text = "the whole training set" if batch_size is None else f"batches of {batch_size}"
    lines = [
        f'"""Keras code for {title}: a {sizes} network ({layers[0].act.name}; {layers[-1].act.name} output),',
        f"{loss.name} loss, {type(opt).__name__} (learning rate {opt.learning_rate:g}), {batch_text}, "
        f"{epochs} epoch(s).",
        "",
        "Exported by dlteach.export.keras_code: the same data, input features, initial weights and mini-batch",
        'order as dlteach, so each epoch prints the same losses (in float32, Keras\'s default precision)."""',
        "import os",
        "",
        'os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # quiet TensorFlow: set before importing it',
        'os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # the same last digits on every run',
        "",
        "import keras",
        "import numpy as np",
        "",
        *_data_code(data),
        "",
        "",
        "def features(X):",
        f'    """The input features {", ".join(features)} of points X (n, 2)."""',
        f"    return np.stack([{', '.join(FEATURE_CODE[f] for f in features)}], axis=1)",
        "",
        "",
        "F_train, F_test = features(X_train), features(X_test)",
        f"T_train, T_test = {targets}",
        "",
        "model = keras.Sequential([",
        f"    keras.Input(shape=({layers[0].n_in},)),",
        *dense,
        "])",
        "# The initial weights, layer by layer: kernel W (inputs x units), then bias b.",
        "initial_weights = [",
        *weight_lines,
        "]",
        "model.set_weights(initial_weights)",
        f"loss = {loss_code}",
        f"optimizer = {_optimizer_code(opt)}",
        "model.compile(optimizer=optimizer, loss=loss)",
        "",
        f"EPOCHS, BATCH_SIZE, SEED = {epochs}, {batch_size}, {seed}",
        "for epoch in range(1, EPOCHS + 1):",
        "    # dlteach's mini-batches: a permutation that depends only on (SEED, epoch); Keras then",
        "    # takes the batches in that order (shuffle=False).",
        "    order = np.random.default_rng([SEED, epoch]).permutation(len(F_train))",
        "    model.fit(F_train[order], T_train[order], batch_size=BATCH_SIZE or len(F_train), epochs=1,",
        "              shuffle=False, verbose=0)",
        "    train_loss = float(loss(T_train, model(F_train)))  # the data loss, without the L1/L2 penalty",
        "    test_loss = float(loss(T_test, model(F_test)))",
        '    print(f"epoch {epoch}: train loss {train_loss:.7f}, test loss {test_loss:.7f}")',
    ]
    return "\n".join(lines) + "\n"
