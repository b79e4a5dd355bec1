"""Keras twins of from-scratch models: the ONLY module of dlteach that imports TensorFlow/Keras,
and only inside functions (importing TensorFlow takes seconds; `import dlteach` must not).

    kmodel = to_keras(model)              same layers, same weights, same regularisation
    model  = from_keras(kmodel, loss)     and back
    kopt   = to_keras_optimizer(opt)      same hyperparameters, same update rule
    L, grads = keras_loss_and_gradients(kmodel, X, y, loss)   tf.GradientTape of the whole loss
    result = side_by_side(model, X, y, opt, epochs=..., batch_size=...)   both trained, step by step

Precision: float64 makes the two agree to ~1e-15 per step. Keras creates the optimizer's
learning-rate variable in keras.backend.floatx(), so optimizers are built inside `floatx(dtype)`.
"""
from __future__ import annotations

import contextlib
import os

import numpy as np

from .core import (ActivationLayer, BatchNormalization, Conv2D, Dense, Dropout, Flatten, LayerNormalization,
                   MaxPool2D, Residual, Sequential, batches, get_optimizer)
from .core.optimizers import SGD, Adam, AdamW, RMSprop
from .core.recurrent import GRU, LSTM, Embedding, SimpleRNN, TimeDistributed


def _keras():
    """Import TensorFlow and Keras quietly and deterministically (see README: environment)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    import keras  # noqa: PLC0415
    import tensorflow as tf  # noqa: PLC0415
    return keras, tf


@contextlib.contextmanager
def floatx(dtype: str = "float64"):
    """Temporarily set keras.backend.floatx() (optimizer variables take their dtype from it)."""
    keras, _ = _keras()
    old = keras.backend.floatx()
    keras.backend.set_floatx(dtype)
    try:
        yield
    finally:
        keras.backend.set_floatx(old)


def _check_dtype(dtype):
    if dtype not in ("float32", "float64"):
        raise ValueError(f"dtype must be 'float32' or 'float64', got {dtype!r}.")


# --- models ------------------------------------------------------------------------------------
def to_keras(model: Sequential, dtype: str = "float64", input_shape=None):
    """A Keras model with the same layers (Dense, Dropout, Conv2D, MaxPool2D, Flatten,
    BatchNormalization, LayerNormalization, ActivationLayer), activations, L1/L2 and dropout, and a
    copy of the weights (cast to `dtype`): a keras.Sequential, or, when the model holds Residual
    blocks, a functional keras.Model where each block is keras.layers.Add()([x, F(x)]); layers
    inside a block are named "<block>_<layer>". The weights keep their order (F is a chain).
    input_shape: (height, width, channels) for a model that starts with a Conv2D or Flatten."""
    _check_dtype(dtype)
    keras, _ = _keras()
    if isinstance(model.layers[0], Dense):
        input_shape = (model.n_in,)
    elif input_shape is None:
        raise ValueError(f"to_keras needs input_shape=(height, width, channels) for a model that starts with "
                         f"{type(model.layers[0]).__name__}.")
    inputs = keras.Input(shape=tuple(input_shape), dtype=dtype)
    pairs = list(zip(model.layer_names, model.layers))  # the model's unique names: Keras needs them
    if not any(isinstance(layer, Residual) for layer in model.layers):
        kmodel = keras.Sequential([inputs] + [_keras_layer(keras, layer, name, dtype) for name, layer in pairs])
    else:
        out = inputs
        for name, layer in pairs:
            out = _keras_call(keras, layer, name, out, dtype)
        kmodel = keras.Model(inputs, out)
    kmodel.set_weights([w.astype(dtype) for w in model.get_weights()])
    return kmodel


def _keras_call(keras, layer, name, x, dtype):
    """Apply the Keras twin of `layer` to the symbolic tensor x (functional API); a Residual block
    becomes its layers on one path, x on the other, and an Add."""
    if not isinstance(layer, Residual):
        return _keras_layer(keras, layer, name, dtype)(x)
    h = x
    for inner_name, inner in zip(layer.layer_names, layer.layers):
        h = _keras_call(keras, inner, f"{name}_{inner_name}", h, dtype)
    return keras.layers.Add(dtype=dtype, name=name)([x, h])


def _keras_layer(keras, layer, name, dtype):
    """The Keras layer that computes what one dlteach layer (not a Residual block) computes."""
    if isinstance(layer, Dense):
        reg = keras.regularizers.L1L2(l1=layer.reg.l1, l2=layer.reg.l2) if layer.reg else None
        return keras.layers.Dense(layer.n_out, activation=layer.act.name, kernel_regularizer=reg,
                                  dtype=dtype, name=name)
    if isinstance(layer, Dropout):
        return keras.layers.Dropout(layer.rate, dtype=dtype, name=name)
    if isinstance(layer, Conv2D):
        return keras.layers.Conv2D(layer.W.shape[3], layer.kernel_size, strides=layer.strides,
                                   padding=layer.padding, activation=layer.act.name, dtype=dtype, name=name)
    if isinstance(layer, MaxPool2D):
        return keras.layers.MaxPooling2D(layer.pool_size, strides=layer.strides, padding=layer.padding,
                                         dtype=dtype, name=name)
    if isinstance(layer, Flatten):
        return keras.layers.Flatten(dtype=dtype, name=name)
    if isinstance(layer, BatchNormalization):
        return keras.layers.BatchNormalization(momentum=layer.momentum, epsilon=layer.epsilon, center=layer.center,
                                               scale=layer.scale, dtype=dtype, name=name)
    if isinstance(layer, LayerNormalization):
        return keras.layers.LayerNormalization(epsilon=layer.epsilon, center=layer.center, scale=layer.scale,
                                               dtype=dtype, name=name)
    if isinstance(layer, ActivationLayer):
        return keras.layers.Activation(layer.act.name, dtype=dtype, name=name)
    if isinstance(layer, SEQUENCE_LAYERS):
        return _keras_sequence_layer(keras, layer, name, dtype)
    raise TypeError(f"to_keras does not know how to translate {layer!r}.")


SEQUENCE_LAYERS = (Embedding, SimpleRNN, LSTM, GRU, TimeDistributed)


def _keras_sequence_layer(keras, layer, name, dtype):
    """The Keras twin of an Embedding, SimpleRNN, LSTM, GRU or TimeDistributed(Dense) layer."""
    if isinstance(layer, Embedding):
        return keras.layers.Embedding(layer.input_dim, layer.output_dim, dtype=dtype, name=name)
    if isinstance(layer, TimeDistributed):
        dense = layer.layer
        if not isinstance(dense, Dense):
            raise TypeError(f"to_keras translates TimeDistributed(Dense(...)), not {layer!r}.")
        reg = keras.regularizers.L1L2(l1=dense.reg.l1, l2=dense.reg.l2) if dense.reg else None
        return keras.layers.TimeDistributed(keras.layers.Dense(dense.n_out, activation=dense.act.name,
                                                               kernel_regularizer=reg, dtype=dtype),
                                            dtype=dtype, name=name)
    kwargs = {"activation": layer.activation.name, "return_sequences": layer.return_sequences}
    if isinstance(layer, SimpleRNN):
        return keras.layers.SimpleRNN(layer.units, **kwargs, dtype=dtype, name=name)
    kwargs["recurrent_activation"] = layer.recurrent_activation.name
    if isinstance(layer, LSTM):
        return keras.layers.LSTM(layer.units, unit_forget_bias=layer.unit_forget_bias, **kwargs, dtype=dtype,
                                 name=name)
    return keras.layers.GRU(layer.units, reset_after=layer.reset_after, **kwargs, dtype=dtype, name=name)


def from_keras(kmodel, loss="mse") -> Sequential:
    """A from-scratch Sequential with the Keras model's Dense/Dropout layers and weights."""
    keras, _ = _keras()
    layers = []
    for kl in kmodel.layers:
        if isinstance(kl, keras.layers.Dense):
            W, b = (np.asarray(w, dtype=np.float64) for w in kl.get_weights())
            reg = kl.kernel_regularizer
            l1 = float(getattr(reg, "l1", 0.0) or 0.0) if reg is not None else 0.0
            l2 = float(getattr(reg, "l2", 0.0) or 0.0) if reg is not None else 0.0
            act = keras.activations.serialize(kl.activation)
            act = act if isinstance(act, str) else act.get("config", act.get("class_name"))
            layer = Dense(W.shape[0], W.shape[1], act, l1=l1, l2=l2, name=kl.name)
            layer.W[...], layer.b[...] = W, b
            layers.append(layer)
        elif isinstance(kl, keras.layers.Dropout):
            layers.append(Dropout(kl.rate, name=kl.name))
        else:
            raise TypeError(f"from_keras handles Dense and Dropout layers, not {type(kl).__name__}.")
    return Sequential(layers, loss=loss)


def to_keras_loss(loss, dtype: str = "float64"):
    """The keras.losses object computing the same loss as a dlteach Loss, in `dtype`."""
    keras, _ = _keras()
    name = loss.name
    if name == "mse":
        return keras.losses.MeanSquaredError(dtype=dtype)
    if name.startswith("binary_crossentropy"):
        return keras.losses.BinaryCrossentropy(from_logits=loss.from_logits, dtype=dtype)
    if name.startswith("categorical_crossentropy"):
        return keras.losses.CategoricalCrossentropy(from_logits=loss.from_logits, dtype=dtype)
    raise ValueError(f"no Keras twin for loss {name!r}.")


def to_keras_optimizer(opt, dtype: str = "float64"):
    """The keras.optimizers object with the same rule and hyperparameters (and clipping) as `opt`."""
    keras, _ = _keras()
    opt = get_optimizer(opt)
    clip = {"clipnorm": opt.clipnorm, "global_clipnorm": opt.global_clipnorm}
    with floatx(dtype):
        if isinstance(opt, SGD):
            return keras.optimizers.SGD(opt.learning_rate, momentum=opt.momentum, nesterov=opt.nesterov, **clip)
        if isinstance(opt, RMSprop):
            return keras.optimizers.RMSprop(opt.learning_rate, rho=opt.rho, momentum=opt.momentum,
                                            epsilon=opt.epsilon, centered=opt.centered, **clip)
        if isinstance(opt, AdamW):  # before Adam: AdamW is a subclass
            return keras.optimizers.AdamW(opt.learning_rate, weight_decay=opt.weight_decay, beta_1=opt.beta_1,
                                          beta_2=opt.beta_2, epsilon=opt.epsilon, amsgrad=opt.amsgrad, **clip)
        if isinstance(opt, Adam):
            return keras.optimizers.Adam(opt.learning_rate, beta_1=opt.beta_1, beta_2=opt.beta_2,
                                         epsilon=opt.epsilon, amsgrad=opt.amsgrad, **clip)
    raise TypeError(f"no Keras twin for optimizer {opt!r}.")


# --- gradients and steps ---------------------------------------------------------------------
def keras_loss_and_gradients(kmodel, X, y, loss, training: bool = False):
    """(total loss, [dL/dw for w in kmodel.trainable_weights]) from tf.GradientTape, where the
    total loss is the data loss plus the layers' regularisation losses, as in Keras's fit."""
    keras, tf = _keras()
    dtype = kmodel.layers[0].dtype if kmodel.layers else "float32"
    X = tf.constant(np.asarray(X), dtype=dtype)
    y = tf.constant(np.asarray(y).reshape(len(X), -1), dtype=dtype)
    kloss = to_keras_loss(loss, dtype)
    with tf.GradientTape() as tape:
        out = kmodel(X, training=training)
        total = kloss(y, out)
        if kmodel.losses:
            total = total + tf.add_n(kmodel.losses)
    grads = tape.gradient(total, kmodel.trainable_weights)
    return float(total), [np.asarray(g, dtype=np.float64) for g in grads]


def max_weight_difference(model, kmodel) -> float:
    """Largest absolute difference between a dlteach model's weights and its Keras twin's."""
    return max(float(np.max(np.abs(w - np.asarray(k, dtype=np.float64))))
               for w, k in zip(model.get_weights(), kmodel.get_weights()))


class KerasTrainer:
    """Trains the Keras twin of a from-scratch model one mini-batch at a time, so that a caller
    (the side-by-side runner, the Playground's Keras backend) controls the batch order."""

    def __init__(self, model: Sequential, optimizer, dtype: str = "float64"):
        _check_dtype(dtype)
        if any(isinstance(layer, Dropout) and layer.rate > 0 for layer in model.layers):
            raise ValueError("the Keras twin trainer needs a model without dropout: "
                             "the two frameworks draw different masks.")
        _, tf = _keras()
        self.model, self.dtype = model, dtype
        self.kmodel = kmodel = to_keras(model, dtype)
        self.kopt = kopt = to_keras_optimizer(optimizer, dtype)
        kloss = to_keras_loss(model.loss, dtype)

        # One compiled step (tape + update), traced once per batch shape: an eager step costs
        # milliseconds of Python dispatch, which would make the Playground's Keras backend crawl.
        @tf.function(reduce_retracing=True)
        def step(X, y):
            with tf.GradientTape() as tape:
                out = kmodel(X, training=True)
                total = kloss(y, out)
                if kmodel.losses:
                    total = total + tf.add_n(kmodel.losses)
            kopt.apply_gradients(zip(tape.gradient(total, kmodel.trainable_weights), kmodel.trainable_weights))
            return total, out

        self._step = step
        self.last_output = None  # the output of the last batch, before its step (fit's accuracy uses it)

    def train_batch(self, X, y) -> float:
        """One optimizer step on (X, y); returns the batch loss before the step."""
        _, tf = _keras()
        y = np.asarray(y).reshape(len(X), -1)
        total, out = self._step(tf.constant(X, dtype=self.dtype), tf.constant(y, dtype=self.dtype))
        self.last_output = np.asarray(out, dtype=np.float64)
        return float(total)

    def sync_to_model(self):
        """Copy the Keras weights into the from-scratch model (for drawing and evaluating)."""
        self.model.set_weights([np.asarray(w, dtype=np.float64) for w in self.kmodel.get_weights()])


class KerasEpochTrainer(KerasTrainer):
    """A KerasTrainer that also takes a whole epoch's steps in one compiled call (train_epoch): the
    same steps in the same order as train_batch one by one, without a Python round trip per batch
    (which costs about half a millisecond: 250 steps made the Playground's Keras update 140 ms)."""

    _epoch = None

    def train_epoch(self, X, y, batches):
        """One step per index array in `batches` (fit's epoch_batches), in order. Returns (losses,
        outputs): per batch the loss before its step (float) and the output (array), the numbers
        train_batch returns one at a time."""
        _, tf = _keras()
        if self._epoch is None:
            self._epoch = self._compile_epoch(tf)
        y = np.asarray(y).reshape(len(X), -1)
        sizes = np.array([len(b) for b in batches])
        starts = np.r_[0, np.cumsum(sizes)[:-1]]
        losses, outputs = self._epoch(tf.constant(X, dtype=self.dtype), tf.constant(y, dtype=self.dtype),
                                      tf.constant(np.concatenate(batches)), tf.constant(starts), tf.constant(sizes))
        outputs = np.asarray(outputs, dtype=np.float64)
        return [float(v) for v in np.asarray(losses)], np.split(outputs, np.cumsum(sizes)[:-1])

    def _compile_epoch(self, tf):
        kmodel, kopt, kloss = self.kmodel, self.kopt, to_keras_loss(self.model.loss, self.dtype)

        @tf.function(reduce_retracing=True)
        def epoch(X, y, order, starts, sizes):
            losses = tf.TensorArray(X.dtype, size=tf.shape(starts)[0])
            outputs = tf.TensorArray(X.dtype, size=tf.shape(starts)[0], infer_shape=False)
            for b in tf.range(tf.shape(starts)[0]):  # a graph loop: traced once, whatever the batch count
                idx = order[starts[b]:starts[b] + sizes[b]]
                X_b, y_b = tf.gather(X, idx), tf.gather(y, idx)
                with tf.GradientTape() as tape:  # the step of KerasTrainer.train_batch
                    out = kmodel(X_b, training=True)
                    total = kloss(y_b, out)
                    if kmodel.losses:
                        total = total + tf.add_n(kmodel.losses)
                kopt.apply_gradients(zip(tape.gradient(total, kmodel.trainable_weights), kmodel.trainable_weights))
                losses = losses.write(b, total)
                outputs = outputs.write(b, out)
            return losses.stack(), outputs.concat()

        return epoch


def side_by_side(model: Sequential, X, y, optimizer="sgd", epochs: int = 1, batch_size: int | None = 32,
                 shuffle: bool = True, seed=0, dtype: str = "float64", **optimizer_kwargs) -> dict:
    """Train a from-scratch model and its Keras twin on the same mini-batches from the same
    initial weights, one step at a time. `model` is trained in place; dropout is not allowed
    (the two would draw different masks).

    Returns a dict: 'ours' and 'keras' (lists of batch losses, one per step), 'weight_diff' (max
    abs difference of all weights after each step), 'steps', and 'kmodel' (the trained twin).
    """
    opt = get_optimizer(optimizer, **optimizer_kwargs)
    twin = KerasTrainer(model, opt, dtype)
    X = np.asarray(X, dtype=np.float64)
    y = model._as_targets(y, len(X))
    rng = np.random.default_rng(seed) if shuffle else None
    ours, theirs, diff = [], [], []
    for _ in range(int(epochs)):
        for idx in batches(len(X), batch_size, rng):
            loss, _ = model.loss_and_grads(X[idx], y[idx])
            opt.step(model.params())
            theirs.append(twin.train_batch(X[idx], y[idx]))
            ours.append(loss)
            diff.append(max_weight_difference(model, twin.kmodel))
    return {"ours": ours, "keras": theirs, "weight_diff": diff, "steps": len(ours), "kmodel": twin.kmodel}


def keras_fit(model: Sequential, X, y, optimizer="sgd", epochs: int = 10, batch_size: int | None = 32,
              shuffle: bool = False, seed: int = 0, dtype: str = "float64", validation_data=None,
              **optimizer_kwargs):
    """Compile and fit the Keras twin of `model` with Keras's own `fit` (with metrics=["accuracy"]
    for a classification loss); returns (kmodel, history dict)."""
    keras, _ = _keras()
    keras.utils.set_random_seed(seed)
    kmodel = to_keras(model, dtype, input_shape=np.shape(X)[1:])
    y = model._as_targets(y, len(X))
    if validation_data is not None:
        X_val, y_val = validation_data
        validation_data = (np.asarray(X_val, dtype=dtype), model._as_targets(y_val, len(X_val)).astype(dtype))
    classify = model.loss.name.startswith(("binary", "categorical"))
    with floatx(dtype):  # fit's loss bookkeeping (metrics, regularisation sum) follows floatx
        kmodel.compile(optimizer=to_keras_optimizer(get_optimizer(optimizer, **optimizer_kwargs), dtype),
                       loss=to_keras_loss(model.loss, dtype), metrics=["accuracy"] if classify else None)
        h = kmodel.fit(np.asarray(X, dtype=dtype), y.astype(dtype), epochs=epochs,
                       batch_size=batch_size or len(X), shuffle=shuffle, verbose=0,
                       validation_data=validation_data, validation_batch_size=len(validation_data[0])
                       if validation_data is not None else None)
    return kmodel, h.history


def download_mnist():
    """Keras's real loader: downloads mnist.npz into KERAS_HOME/datasets (needs the network)."""
    keras, _ = _keras()
    return keras.datasets.mnist.load_data()


def keras_descend(f, optimizer, start, steps: int, dtype: str = "float64"):
    """The Keras path on a 2-D surface: a tf.Variable w, the loss f(w) (written with + - * **),
    tf.GradientTape for the gradient and the keras.optimizers twin of `optimizer` for the step.
    Returns the path, shape (steps + 1, 2)."""
    _, tf = _keras()
    w = tf.Variable(np.asarray(start, dtype=dtype))
    kopt = to_keras_optimizer(optimizer, dtype)
    path = [w.numpy().copy()]
    for _ in range(int(steps)):
        with tf.GradientTape() as tape:
            loss = f(w)
        kopt.apply_gradients([(tape.gradient(loss, w), w)])
        path.append(w.numpy().copy())
    return np.array(path, dtype=np.float64)


_COMPILED_DESCENTS: dict = {}  # (f, optimizer class and hyperparameters but the rate, dtype) -> compiled loop


def keras_descend_compiled(f, optimizer, start, steps: int, dtype: str = "float64"):
    """keras_descend's path, bit for bit, from one compiled call (what OptimizerExplorer's Keras
    twin uses): the loop of steps runs inside a tf.function, traced once per loss and optimizer
    hyperparameters (about 80 ms); the learning rate, start and step count are inputs, so a new
    rate costs one call (about 5 ms for 300 steps, where the eager loop takes about 3 ms a step).
    Returns the path, shape (steps + 1, 2)."""
    _, tf = _keras()
    optimizer = get_optimizer(optimizer)
    # the optimizer's hyperparameters but its rate (and not its state): what the traced step depends on
    hyper = {k: v for k, v in vars(optimizer).items() if k not in ("learning_rate", "iterations", "state")}
    key = (f, type(optimizer).__name__, repr(sorted(hyper.items())), dtype)
    if key not in _COMPILED_DESCENTS:
        if len(_COMPILED_DESCENTS) >= 64:
            _COMPILED_DESCENTS.clear()
        kopt = to_keras_optimizer(optimizer, dtype)
        w = tf.Variable(np.zeros(2, dtype=dtype))
        kopt.build([w])

        @tf.function
        def descend(start, learning_rate, steps):
            w.assign(start)
            for v in kopt.variables:  # a fresh optimizer: step count and slots zero, then the rate
                v.assign(tf.zeros_like(v))
            kopt.learning_rate.assign(learning_rate)
            path = tf.TensorArray(w.dtype, size=steps + 1).write(0, w.read_value())
            for t in tf.range(steps):  # a graph loop: the step of keras_descend
                with tf.GradientTape() as tape:
                    loss = f(w)
                kopt.apply_gradients([(tape.gradient(loss, w), w)])
                path = path.write(t + 1, w.read_value())
            return path.stack()

        _COMPILED_DESCENTS[key] = descend
    # Grappler's graph rewrites are switched off for the call: they regroup float arithmetic, which
    # moves the path by up to 1e-14 from the eager run's (the option is read per call, then restored).
    # TensorFlow's logger is quiet meanwhile: one trace per optimizer makes it warn of "retracing".
    import logging  # noqa: PLC0415

    logger = logging.getLogger("tensorflow")
    level, before = logger.level, tf.config.optimizer.get_experimental_options().get("disable_meta_optimizer", False)
    tf.config.optimizer.set_experimental_options({"disable_meta_optimizer": True})
    logger.setLevel(logging.ERROR)
    try:
        path = _COMPILED_DESCENTS[key](tf.constant(np.asarray(start, dtype=dtype)),
                                       tf.constant(float(optimizer.learning_rate), dtype=dtype),
                                       tf.constant(int(steps)))
    finally:
        tf.config.optimizer.set_experimental_options({"disable_meta_optimizer": before})
        logger.setLevel(level)
    return np.asarray(path, dtype=np.float64)


def keras_schedule(name: str, steps, **kwargs):
    """The learning rates of keras.optimizers.schedules.<name>(**kwargs) at each of `steps`
    (float64: give the rates as floats and they stay float64). name: 'PiecewiseConstantDecay',
    'ExponentialDecay' or 'CosineDecay'; the twins of dt.piecewise_constant_decay,
    dt.exponential_decay and dt.cosine_decay."""
    keras, _ = _keras()
    valid = ("PiecewiseConstantDecay", "ExponentialDecay", "CosineDecay")
    if name not in valid:
        raise ValueError(f"Unknown schedule {name!r}. Valid: {', '.join(valid)}.")
    f64 = {k: (np.float64(v) if isinstance(v, float) else [np.float64(x) for x in v] if k == "values" else v)
           for k, v in kwargs.items()}
    schedule = getattr(keras.optimizers.schedules, name)(**f64)
    return np.array([float(schedule(np.float64(s) if name != "PiecewiseConstantDecay" else int(s)))
                     for s in np.ravel(steps)])


# --- deployment: TensorFlow Lite (lesson 13) -----------------------------------------------------
@contextlib.contextmanager
def _quiet():
    """Silence what TensorFlow Lite's converter and interpreter print while they work: Python
    warnings, and lines that C++ writes straight to file descriptors 1 and 2 (a notebook shows
    those as a red box). Both descriptors are restored afterwards."""
    import io  # noqa: PLC0415
    import logging  # noqa: PLC0415
    import sys  # noqa: PLC0415
    import warnings  # noqa: PLC0415

    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    loggers = [logging.getLogger(name) for name in ("tensorflow", "absl")]
    levels = [logger.level for logger in loggers]
    saved = [os.dup(1), os.dup(2)]
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        for logger in loggers:  # "INFO: Assets written to ..." goes through Python's logging
            logger.setLevel(logging.ERROR)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), \
                contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, devnull):
            os.close(fd)


def to_tflite(kmodel, representative=None) -> bytes:
    """A Keras model converted to a TensorFlow Lite flatbuffer (the bytes of a .tflite file).

    representative=None: float32 weights and arithmetic. representative=X (a few hundred typical
    inputs): post-training int8 quantisation: weights AND activations in int8, their scales
    calibrated on X; the model's input and output stay float32."""
    keras, tf = _keras()
    with _quiet():
        converter = tf.lite.TFLiteConverter.from_keras_model(kmodel)
        if representative is not None:
            samples = np.asarray(representative, dtype=np.float32)
            converter.optimizations = [tf.lite.Optimize.DEFAULT]
            converter.representative_dataset = lambda: ([x[None]] for x in samples)
            converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        return converter.convert()


def tflite_predict(flatbuffer: bytes, X):
    """Run a .tflite model on every row of X, one image at a time as on a phone.
    Returns (outputs (n, k), median seconds per image)."""
    import time  # noqa: PLC0415

    _, tf = _keras()
    X = np.asarray(X, dtype=np.float32)
    with _quiet():
        interpreter = tf.lite.Interpreter(model_content=flatbuffer)
        interpreter.allocate_tensors()
        source, target = interpreter.get_input_details()[0]["index"], interpreter.get_output_details()[0]["index"]
        interpreter.set_tensor(source, X[:1])
        interpreter.invoke()  # the first call sets things up: not timed
    outputs, seconds = [], []
    for x in X:
        start = time.perf_counter()
        interpreter.set_tensor(source, x[None])
        interpreter.invoke()
        outputs.append(interpreter.get_tensor(target)[0].copy())
        seconds.append(time.perf_counter() - start)
    return np.array(outputs), float(np.median(seconds))


def tflite_storage(flatbuffer: bytes) -> dict:
    """What a .tflite file's bytes hold, read from its flatbuffer (TensorFlow Lite's schema):
    'values': the stored constants (weights and biases, at their stored width: float32, or int8
    weights with int32 biases); 'quantisation': the quantisation parameters of every tensor, a
    float32 scale and an int64 zero point each, one per output unit when quantised per channel;
    'other': the rest (the graph, tensor names, metadata); 'file': the total. Also 'scales': for
    each constant tensor, (name, shape, number of scales)."""
    _keras()
    from tensorflow.lite.python import schema_py_generated as schema  # noqa: PLC0415

    flatbuffer = bytes(flatbuffer)
    model = schema.Model.GetRootAsModel(flatbuffer, 0)
    values = quantisation = 0
    scales = []
    for g in range(model.SubgraphsLength()):
        graph = model.Subgraphs(g)
        for i in range(graph.TensorsLength()):
            tensor = graph.Tensors(i)
            buffer = model.Buffers(tensor.Buffer())
            size = buffer.DataLength() if buffer is not None else 0
            q = tensor.Quantization()
            n_scales = q.ScaleLength() if q is not None else 0
            n_zero = q.ZeroPointLength() if q is not None else 0
            values += size
            quantisation += 4 * n_scales + 8 * n_zero  # float scale, int64 zero point (the schema's types)
            if size:
                scales.append((tensor.Name().decode(), tuple(int(d) for d in tensor.ShapeAsNumpy()), n_scales))
    return {"file": len(flatbuffer), "values": values, "quantisation": quantisation,
            "other": len(flatbuffer) - values - quantisation, "scales": scales}
