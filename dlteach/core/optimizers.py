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
              the two differ only in where eps sits, eps_textbook = eps sqrt(1 - b2^t).)
eps defaults to 1e-7 (Keras), not the paper's 1e-8.
"""
from __future__ import annotations

import numpy as np

from ._checks import check_fraction, check_positive, lookup
from ._compat import keras_constant as _f32


class Optimizer:
    name = "optimizer"

    def __init__(self, learning_rate: float = 0.01):
        self.learning_rate = check_positive(learning_rate, "learning_rate")
        self.iterations = 0
        self.state: dict[int, dict[str, np.ndarray]] = {}

    @property
    def lr(self):
        return self.learning_rate

    def slots(self, i: int, w: np.ndarray, names) -> dict:
        if i not in self.state:
            self.state[i] = {n: np.zeros_like(w) for n in names}
        return self.state[i]

    def step(self, params) -> None:
        """Apply one update to each (name, value, grad) in `params`, in place."""
        for i, (name, w, g) in enumerate(params):
            if not np.isfinite(np.sum(g)):  # one reduction: a NaN or inf anywhere makes the sum non-finite
                raise FloatingPointError(f"gradient of {name} is NaN or infinite; lower the learning rate.")
            self.update(i, w, g)
        self.iterations += 1

    def update(self, i, w, g):
        raise NotImplementedError

    def reset(self):
        self.iterations = 0
        self.state.clear()

    def set(self, **kwargs):
        """Change hyperparameters between steps (keeps the moment estimates), e.g. a slider."""
        for key, value in kwargs.items():
            if not hasattr(self, key):
                raise ValueError(f"{self.name} has no hyperparameter {key!r}.")
            self._validate(key, value)
            setattr(self, key, float(value) if not isinstance(value, bool) else value)

    def _validate(self, key, value):
        if key == "learning_rate":
            check_positive(value, "learning_rate")
        elif key in ("momentum", "rho", "beta_1", "beta_2"):
            check_fraction(value, key)

    def config(self) -> dict:
        return {"learning_rate": self.learning_rate}

    def __repr__(self):
        args = ", ".join(f"{k}={v}" for k, v in self.config().items())
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    name = "sgd"

    def __init__(self, learning_rate: float = 0.01, momentum: float = 0.0, nesterov: bool = False):
        super().__init__(learning_rate)
        self.momentum = check_fraction(momentum, "momentum")
        self.nesterov = bool(nesterov)

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

    def config(self):
        return {"learning_rate": self.learning_rate, "momentum": self.momentum, "nesterov": self.nesterov}


class RMSprop(Optimizer):
    name = "rmsprop"

    def __init__(self, learning_rate: float = 0.001, rho: float = 0.9, momentum: float = 0.0,
                 epsilon: float = 1e-7, centered: bool = False):
        super().__init__(learning_rate)
        self.rho = check_fraction(rho, "rho")
        self.momentum = check_fraction(momentum, "momentum")
        self.epsilon = check_positive(epsilon, "epsilon")
        self.centered = bool(centered)

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

    def config(self):
        return {"learning_rate": self.learning_rate, "rho": self.rho, "momentum": self.momentum,
                "epsilon": self.epsilon, "centered": self.centered}


class Adam(Optimizer):
    name = "adam"

    def __init__(self, learning_rate: float = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7):
        super().__init__(learning_rate)
        self.beta_1 = check_fraction(beta_1, "beta_1")
        self.beta_2 = check_fraction(beta_2, "beta_2")
        self.epsilon = check_positive(epsilon, "epsilon")

    def step(self, params):
        t = self.iterations + 1
        self.alpha = (self.learning_rate * np.sqrt(1 - _f32(self.beta_2) ** t)
                      / (1 - _f32(self.beta_1) ** t))
        super().step(params)

    def update(self, i, w, g):
        s = self.slots(i, w, ["m", "v"])
        s["m"] += (g - s["m"]) * (1 - self.beta_1)
        s["v"] += (g**2 - s["v"]) * (1 - self.beta_2)
        w -= self.alpha * s["m"] / (np.sqrt(s["v"]) + self.epsilon)

    def config(self):
        return {"learning_rate": self.learning_rate, "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}


OPTIMIZERS = {
    "sgd": SGD,
    "momentum": lambda learning_rate=0.01, **kw: SGD(learning_rate, momentum=kw.pop("momentum", 0.9), **kw),
    "nesterov": lambda learning_rate=0.01, **kw: SGD(learning_rate, momentum=kw.pop("momentum", 0.9), nesterov=True, **kw),
    "rmsprop": RMSprop,
    "adam": Adam,
}


def get_optimizer(name, **kwargs) -> Optimizer:
    """Build an optimizer by name: 'sgd', 'momentum', 'nesterov', 'rmsprop', 'adam'."""
    if isinstance(name, Optimizer):
        return name
    return lookup(name, OPTIMIZERS, "optimizer")(**kwargs)
