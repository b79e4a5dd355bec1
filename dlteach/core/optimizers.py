"""Optimizers with Keras 3's exact update rules (keras/src/optimizers/*.py).

Each `step(params)` takes [(name, value, grad)] and updates every `value` in place.
t counts steps from 1.

SGD          w <- w - lr g
  momentum   m <- mu m - lr g;           w <- w + m
  nesterov   m <- mu m - lr g;           w <- w + mu m - lr g
RMSprop      v <- rho v + (1 - rho) g^2; w <- w - lr g / sqrt(v + eps)
             (textbook: g / (sqrt(v) + eps); Keras puts eps inside the root)
Adam         m <- m + (g - m)(1 - b1);   v <- v + (g^2 - v)(1 - b2)
             alpha = lr sqrt(1 - b2^t) / (1 - b1^t)
             w <- w - alpha m / (sqrt(v) + eps)
             (textbook: m_hat = m/(1-b1^t), v_hat = v/(1-b2^t), w -= lr m_hat/(sqrt(v_hat)+eps);
              the two differ only in where eps sits: Keras's rule is the paper's with
              eps_paper = eps_keras / sqrt(1 - b2^t), which starts 32 times larger (t = 1, b2 = 0.999) and
              shrinks to eps_keras as t grows.)
  amsgrad    v_max <- max(v_max, v), used instead of v: the step size can never grow back
AdamW        w <- w - lr wd w, then the Adam step: the weight decay is decoupled from the gradient
             (L2 in the loss would be divided by sqrt(v) like the rest of g; this shrinkage is not).
             As in Keras, every parameter is decayed, biases included.
eps defaults to 1e-7 (Keras), not the paper's 1e-8.

Gradient clipping (every optimizer, Keras's options, applied to the gradients before the rule):
clipnorm     g <- g c / max(||g||, c) for EACH parameter's gradient separately (its norm at most c)
global_clipnorm  all gradients g <- g c min(1/N, 1/c), N = sqrt(sum over parameters of ||g||^2):
             one common factor, so the step keeps its direction.
Only one of the two may be set. As in Keras on TensorFlow, the squares of an Embedding's gradient
(in ||g|| here, and in Adam's and RMSprop's g^2) are taken per occurrence of an id (recurrent.RowGradient),
except after global_clipnorm, whose scaling adds the occurrences up as Keras's does.

Every hyperparameter is checked where it is given, in the constructor and in `set`, with a
message naming it, the value and what is accepted.
"""
from __future__ import annotations

import numpy as np

from ._checks import check_bool, check_fraction, check_int, check_positive, lookup
from ._compat import check_keras_constant
from ._compat import keras_constant as _f32


# What each hyperparameter accepts; the same checks run in the constructors and in `set`.
CHECKS = {
    "learning_rate": check_positive,   # > 0
    "momentum": check_fraction,        # [0, 1)
    "rho": check_fraction,
    "beta_1": check_fraction,
    "beta_2": check_fraction,
    "epsilon": check_positive,         # > 0: 0 divides by zero where v = 0, < 0 takes a root of a negative
    "weight_decay": check_keras_constant,  # >= 0 and a float32 number, as Keras uses it
    "nesterov": check_bool,
    "centered": check_bool,
    "amsgrad": check_bool,
}


def _check_clip(value, name):
    """None (no clipping) or a norm > 0 (Keras ignores <= 0 silently; here it is refused)."""
    return None if value is None else check_positive(value, name)


CLIP_OPTIONS = ("clipnorm", "global_clipnorm")  # Keras's names; None means no clipping
CHECKS.update({name: _check_clip for name in CLIP_OPTIONS})


def squared_norm(g) -> float:
    """||g||^2 = sum(g**2), as Keras's clipping computes it (for an Embedding's gradient the squares are
    taken per occurrence of an id, as on TensorFlow's IndexedSlices: see recurrent.RowGradient)."""
    return float(np.sum(np.square(g)))


class Optimizer:
    """Base of the optimizers: step(params) updates every (weight, gradient) pair in place with
    update(i, w, g); hyperparameters are checked in the constructor and in set(**changes)."""

    name = "optimizer"
    hyperparameters: tuple[str, ...] = ("learning_rate",)

    def __init__(self, learning_rate: float = 0.01, clipnorm=None, global_clipnorm=None, **hyper):
        self.iterations = 0
        self.clipped = 0  # steps in which clipping shrank a gradient
        self.state: dict[int, dict[str, np.ndarray]] = {}
        hyper = {"learning_rate": learning_rate, **hyper, "clipnorm": clipnorm, "global_clipnorm": global_clipnorm}
        for key, value in hyper.items():
            if key not in CHECKS:
                raise TypeError(f"{type(self).__name__} has no hyperparameter {key!r}. Valid: {', '.join(CHECKS)}.")
            setattr(self, key, CHECKS[key](value, key))
        _check_one_clip(self.clipnorm, self.global_clipnorm)

    @property
    def lr(self):
        return self.learning_rate

    def slots(self, i: int, w: np.ndarray, names) -> dict:
        """The state arrays (moments) of parameter i, created as zeros on its first step."""
        if i not in self.state:
            self.state[i] = {n: np.zeros_like(w) for n in names}
        s = self.state[i]
        for n in names:  # e.g. amsgrad switched on by `set` after some steps
            if n not in s:
                s[n] = np.zeros_like(w)
        first = next(iter(s.values()))
        if first.shape != w.shape:
            raise ValueError(f"{self.name}: parameter {i} has shape {w.shape} but this optimizer's state was "
                             f"built for shape {first.shape}; use a new optimizer (or reset()) for another model.")
        return s

    def step(self, params) -> None:
        """Apply one update to each (name, value, grad) in `params`, in place (the gradients clipped
        first when clipnorm or global_clipnorm is set)."""
        if self.clipnorm is not None or self.global_clipnorm is not None:
            params = self.clip(params)
        for i, (name, w, g) in enumerate(params):
            _check_gradient(name, w, g)
            self.update(i, w, g)
        self.iterations += 1

    def clip(self, params) -> list:
        """[(name, value, clipped grad)], Keras's _clip_gradients: every gradient is checked first (its
        norm needs all of it), then scaled; the gradients themselves are not changed.
            clipnorm c:         g c / max(||g||, c)          each gradient on its own
            global_clipnorm c:  g c min(1 / N, 1 / c)        N = sqrt(sum of ||g||^2): one factor for all"""
        params = list(params)
        for name, w, g in params:
            _check_gradient(name, w, g)
        sq = [squared_norm(g) for _, _, g in params]
        if self.clipnorm is not None:
            c = self.clipnorm
            clipped = [(name, w, g * c / max(np.sqrt(s), c)) for (name, w, g), s in zip(params, sq)]
            shrunk = any(np.sqrt(s) > c for s in sq)
        else:
            c, norm = self.global_clipnorm, np.sqrt(sum(sq))
            scale = c * min(1.0 / norm, 1.0 / c) if norm > 0 else 1.0  # Keras: 1/0 = inf, so the minimum is 1/c
            # np.asarray: Keras's `v * scale` turns an Embedding's IndexedSlices into a dense tensor (repeated
            # ids added), so after global clipping Adam's g**2 squares the sums (not the occurrences)
            clipped = [(name, w, np.asarray(g) * scale) for name, w, g in params]
            shrunk = norm > c
        self.clipped += int(shrunk)
        return clipped

    def update(self, i, w, g):
        raise NotImplementedError

    def reset(self):
        self.iterations = 0
        self.clipped = 0
        self.state.clear()

    def set(self, **kwargs):
        """Change hyperparameters between steps (keeps the moment estimates), e.g. a slider.
        `iterations` (the step counter t, an integer >= 0) can be set too."""
        checked = {}
        for key, value in kwargs.items():  # check all first: a refused setting changes nothing
            if key == "iterations":
                checked[key] = check_int(value, "iterations", low=0)
            elif key in self.hyperparameters or key in CLIP_OPTIONS:
                checked[key] = CHECKS[key](value, key)
            else:
                raise ValueError(f"{type(self).__name__} has no hyperparameter {key!r}. "
                                 f"Valid: {', '.join(self.hyperparameters)}, iterations.")
        clip = {key: checked.get(key, getattr(self, key)) for key in CLIP_OPTIONS}
        _check_one_clip(**clip)
        for key, value in checked.items():
            setattr(self, key, value)
        return self

    def config(self) -> dict:
        """The hyperparameters, and clipnorm / global_clipnorm when set."""
        clip = {key: getattr(self, key) for key in CLIP_OPTIONS if getattr(self, key) is not None}
        return {**{key: getattr(self, key) for key in self.hyperparameters}, **clip}

    def __repr__(self):
        args = ", ".join(f"{k}={v}" for k, v in self.config().items())
        return f"{type(self).__name__}({args})"


def _check_gradient(name, w, g):
    """w a float array updated in place, g of its shape and finite."""
    if not isinstance(w, np.ndarray) or w.dtype.kind != "f":
        raise TypeError(f"{name} must be a float NumPy array (it is updated in place), got {type(w).__name__}"
                        + (f" of {w.dtype}" if isinstance(w, np.ndarray) else "") + ".")
    if np.shape(g) != w.shape:
        raise ValueError(f"gradient of {name} has shape {np.shape(g)}, but {name} has shape {w.shape}.")
    if not np.isfinite(np.sum(g)):  # one reduction: a NaN or inf anywhere makes the sum non-finite
        raise FloatingPointError(f"gradient of {name} is NaN or infinite; lower the learning rate.")


def _check_one_clip(clipnorm, global_clipnorm):
    if clipnorm is not None and global_clipnorm is not None:
        raise ValueError(f"set only one of clipnorm and global_clipnorm (as Keras), got clipnorm={clipnorm!r} "
                         f"and global_clipnorm={global_clipnorm!r}.")


class SGD(Optimizer):
    """Gradient descent, Keras's rule: w <- w - lr g; with momentum m <- mu m - lr g, w <- w + m;
    Nesterov w <- w + mu m - lr g (Keras's reparametrised look-ahead)."""

    name = "sgd"
    hyperparameters = ("learning_rate", "momentum", "nesterov")

    def __init__(self, learning_rate: float = 0.01, momentum: float = 0.0, nesterov: bool = False,
                 clipnorm=None, global_clipnorm=None):
        super().__init__(learning_rate, clipnorm, global_clipnorm, momentum=momentum, nesterov=nesterov)

    def update(self, i, w, g):
        lr = self.learning_rate
        if self.momentum == 0:
            w -= lr * g
            return
        mu = _f32(self.momentum)  # Keras casts momentum through float32 as well
        m = self.slots(i, w, ["m"])["m"]
        m[...] = m * mu - g * lr
        if self.nesterov:
            w += m * mu - g * lr
        else:
            w += m


class RMSprop(Optimizer):
    """RMSprop, Keras's rule: v <- rho v + (1 - rho) g**2, w <- w - lr g / sqrt(v + eps) (eps inside
    the root); centered subtracts the squared running mean of g; momentum accumulates the increments."""

    name = "rmsprop"
    hyperparameters = ("learning_rate", "rho", "momentum", "epsilon", "centered")

    def __init__(self, learning_rate: float = 0.001, rho: float = 0.9, momentum: float = 0.0,
                 epsilon: float = 1e-7, centered: bool = False, clipnorm=None, global_clipnorm=None):
        super().__init__(learning_rate, clipnorm, global_clipnorm, rho=rho, momentum=momentum, epsilon=epsilon,
                         centered=centered)

    def update(self, i, w, g):
        s = self.slots(i, w, ["v", "m", "avg"])
        v = s["v"]
        v[...] = self.rho * v + (1 - self.rho) * g**2
        if self.centered:
            s["avg"][...] = self.rho * s["avg"] + (1 - self.rho) * g
            denominator = v - s["avg"] ** 2 + self.epsilon
        else:
            denominator = v + self.epsilon
        increment = self.learning_rate * g / np.sqrt(denominator)
        if self.momentum > 0:
            s["m"][...] = self.momentum * s["m"] + increment
            w -= s["m"]
        else:
            w -= increment


class Adam(Optimizer):
    """Adam, Keras's rule: m <- m + (g - m)(1 - beta_1), v <- v + (g**2 - v)(1 - beta_2),
    w <- w - alpha m / (sqrt(v) + eps) with alpha = lr sqrt(1 - beta_2**t) / (1 - beta_1**t) (the bias
    correction folded into the step; the paper's eps is eps / sqrt(1 - beta_2**t)); amsgrad uses max(v).
    """

    name = "adam"
    hyperparameters = ("learning_rate", "beta_1", "beta_2", "epsilon", "amsgrad")

    def __init__(self, learning_rate: float = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, amsgrad: bool = False, clipnorm=None, global_clipnorm=None):
        super().__init__(learning_rate, clipnorm, global_clipnorm, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon,
                         amsgrad=amsgrad)

    def step(self, params):
        t = self.iterations + 1
        self.alpha = (self.learning_rate * np.sqrt(1 - _f32(self.beta_2) ** t)
                      / (1 - _f32(self.beta_1) ** t))
        super().step(params)

    def update(self, i, w, g):
        s = self.slots(i, w, ["m", "v", "v_max"] if self.amsgrad else ["m", "v"])
        s["m"] += (g - s["m"]) * (1 - self.beta_1)
        s["v"] += (g**2 - s["v"]) * (1 - self.beta_2)
        v = s["v"]
        if self.amsgrad:
            np.maximum(s["v_max"], v, out=s["v_max"])
            v = s["v_max"]
        w -= self.alpha * s["m"] / (np.sqrt(v) + self.epsilon)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter), Keras's rule and defaults:
    w <- w - w * wd * lr before the Adam step, wd = 0.004, every parameter (biases too)."""
    name = "adamw"
    hyperparameters = ("learning_rate", "weight_decay", "beta_1", "beta_2", "epsilon", "amsgrad")

    def __init__(self, learning_rate: float = 0.001, weight_decay: float = 0.004, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-7, amsgrad: bool = False, clipnorm=None,
                 global_clipnorm=None):
        Optimizer.__init__(self, learning_rate, clipnorm, global_clipnorm, weight_decay=weight_decay, beta_1=beta_1,
                           beta_2=beta_2, epsilon=epsilon, amsgrad=amsgrad)

    def update(self, i, w, g):
        # Keras: variable.assign_sub(variable * wd * lr), wd cast from a Python float (float32 first)
        w -= w * _f32(self.weight_decay) * self.learning_rate
        super().update(i, w, g)


def _momentum(learning_rate=0.01, momentum=0.9, nesterov=False, **clip):
    return SGD(learning_rate, momentum=momentum, nesterov=nesterov, **clip)


def _nesterov(learning_rate=0.01, momentum=0.9, nesterov=True, **clip):
    return SGD(learning_rate, momentum=momentum, nesterov=nesterov, **clip)


OPTIMIZERS = {"sgd": SGD, "momentum": _momentum, "nesterov": _nesterov, "rmsprop": RMSprop, "adam": Adam,
              "adamw": AdamW}
_CLASS = {"sgd": SGD, "momentum": SGD, "nesterov": SGD, "rmsprop": RMSprop, "adam": Adam, "adamw": AdamW}


def get_optimizer(name, **kwargs) -> Optimizer:
    """Build an optimizer by name ('sgd', 'momentum', 'nesterov', 'rmsprop', 'adam', 'adamw') with
    hyperparameters as keywords, or return an optimizer object as it is. An object and keywords
    together are refused: the keywords would be silently ignored (or silently change the object)."""
    if isinstance(name, Optimizer):
        if kwargs:
            given = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
            raise ValueError(f"got the optimizer object {name!r} and also {given}. Set them on the object "
                             f"({type(name).__name__}({given}) or opt.set({given})), or pass the name "
                             f"{name.name!r} with the keywords.")
        return name
    if isinstance(name, type) and issubclass(name, Optimizer):
        name = name.name
    factory = lookup(name, OPTIMIZERS, "optimizer")
    valid = _CLASS[name.lower().replace("-", "_").replace(" ", "_")].hyperparameters
    unknown = [k for k in kwargs if k not in valid + CLIP_OPTIONS]
    if unknown:
        raise ValueError(f"optimizer {name!r} has no hyperparameter {unknown[0]!r}. Valid: {', '.join(valid)}.")
    return factory(**kwargs)
