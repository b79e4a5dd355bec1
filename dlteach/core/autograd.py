"""A scalar autograd engine (after micrograd) for the computational-graph lesson.

Every Value remembers the Values it was made from and the local rule that sends gradients
back to them; backward() visits the graph in reverse topological order applying the chain rule
    child.grad += local_derivative * out.grad
"""
from __future__ import annotations

import math
import numbers


def _overflow_checked(compute, op: str) -> float:
    """compute(), with Python's OverflowError turned into the ValueError every Value op raises."""
    try:
        return compute()
    except OverflowError:
        raise ValueError(f"{op!r} overflows float64 (a number beyond 1.8e308).") from None


class Value:
    """A scalar in a computational graph (micrograd style): arithmetic, exp, log, tanh, sigmoid, relu build
    the graph; backward() fills .grad of every Value it depends on by the chain rule."""

    def __init__(self, data, _children=(), op: str = "", label: str = ""):
        if isinstance(data, Value):
            raise TypeError("Value(Value(...)) is not needed; use the Value itself.")
        if isinstance(data, bool) or not isinstance(data, numbers.Real):  # NumPy scalars are Real
            raise TypeError(f"Value holds one number, got {data!r}.")
        if not math.isfinite(data):  # an overflow (or a NaN given) would poison every gradient
            made_by = f"the result of {op!r} is" if op else "got"
            raise ValueError(f"Value holds a finite number; {made_by} {float(data)} (overflow or NaN).")
        self.data = float(data)
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = tuple(_children)
        self.op = op
        self.label = label

    @staticmethod
    def _wrap(other):
        return other if isinstance(other, Value) else Value(other)

    def __add__(self, other):
        other = self._wrap(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = self._wrap(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, k):
        """self ** k for a constant k (int or float): d/dx x^k = k x^(k-1)."""
        if not isinstance(k, numbers.Real) or isinstance(k, bool):
            raise TypeError("only a constant power (int or float) is supported, e.g. v ** 2; "
                            "for a Value exponent write (v.log() * w).exp().")
        k_float = _overflow_checked(lambda: float(k), "**")
        if not math.isfinite(k_float):
            raise ValueError(f"the power must be a finite number, got {k!r}.")
        k = int(k_float) if k_float.is_integer() else k_float  # integer powers of negatives are real
        if self.data < 0 and not isinstance(k, int):
            raise ValueError(f"Value({self.data:g}) ** {k:g}: a negative number has no real power {k:g} "
                             "(only integer powers of negative numbers are real).")
        if self.data == 0 and k < 0:
            raise ValueError(f"Value(0) ** {k:g} divides by zero.")
        out = Value(_overflow_checked(lambda: self.data ** k, f"**{k}"), (self,), f"**{k}")

        def _backward():
            if k == 0:
                return
            if self.data == 0 and k < 1:
                raise ValueError(f"the derivative of x ** {k:g} at x = 0 is infinite.")
            self.grad += k * self.data ** (k - 1) * out.grad
        out._backward = _backward
        return out

    def __rpow__(self, base):
        """base ** self for a constant base > 0: d/dx b^x = b^x log(b)."""
        if not isinstance(base, numbers.Real) or isinstance(base, bool):
            raise TypeError(f"the base of base ** Value must be a number, got {base!r}.")
        if base <= 0:
            raise ValueError(f"{base:g} ** Value(...) needs a base > 0 (b^x = e^(x log b)).")
        out = Value(_overflow_checked(lambda: float(base) ** self.data, f"{base:g}**"), (self,), f"{base:g}**")

        def _backward():
            self.grad += out.data * math.log(base) * out.grad
        out._backward = _backward
        return out

    def log(self):
        """Natural log, for x > 0: d/dx log x = 1 / x."""
        if self.data <= 0:
            raise ValueError(f"log of Value({self.data:g}): the logarithm needs a number > 0.")
        out = Value(math.log(self.data), (self,), "log")

        def _backward():
            self.grad += out.grad / self.data
        out._backward = _backward
        return out

    def exp(self):
        out = Value(_overflow_checked(lambda: math.exp(self.data), "exp"), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += (1 - t**2) * out.grad
        out._backward = _backward
        return out

    def sigmoid(self):
        x = self.data
        s = 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))
        out = Value(s, (self,), "sigmoid")

        def _backward():
            self.grad += s * (1 - s) * out.grad
        out._backward = _backward
        return out

    def relu(self):
        out = Value(max(self.data, 0.0), (self,), "relu")

        def _backward():
            self.grad += (self.data > 0) * out.grad
        out._backward = _backward
        return out

    def topo(self) -> list["Value"]:
        """All Values this one depends on, inputs first."""
        order, seen = [], set()

        def visit(v):
            if id(v) not in seen:
                seen.add(id(v))
                for child in v._prev:
                    visit(child)
                order.append(v)
        visit(self)
        return order

    def backward(self):
        """Fill .grad of every Value in the graph with d(self)/d(that value)."""
        order = self.topo()
        for v in order:
            v.grad = 0.0
        self.grad = 1.0
        for v in reversed(order):
            _overflow_checked(v._backward, f"the backward pass of {v.op or 'a leaf'!r}")
            if not all(math.isfinite(child.grad) for child in v._prev):
                raise ValueError(f"a gradient overflowed float64 in the backward pass of {v.op!r} "
                                 f"(its output is {v.data:.3g}); the values are too large or too close to 0.")

    # the rest are compositions of the above
    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-self._wrap(other))

    def __truediv__(self, other):
        return self * self._wrap(other) ** -1

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return self._wrap(other) - self

    def __rtruediv__(self, other):
        return self._wrap(other) / self

    def __repr__(self):
        name = f"{self.label}=" if self.label else ""
        return f"Value({name}{self.data:.4g}, grad={self.grad:.4g})"


def neuron_graph(x1, x2, w1, w2, b, y, activation="tanh"):
    """Build the graph with labelled Values, run backward(); returns (L, dict of named Values)."""
    v = {name: Value(val, label=name) for name, val in
         (("x1", x1), ("x2", x2), ("w1", w1), ("w2", w2), ("b", b))}
    v["w1*x1"] = v["w1"] * v["x1"]
    v["w1*x1"].label = "w1*x1"
    v["w2*x2"] = v["w2"] * v["x2"]
    v["w2*x2"].label = "w2*x2"
    v["w.x"] = v["w1*x1"] + v["w2*x2"]
    v["w.x"].label = "w.x"
    v["z"] = v["w.x"] + v["b"]
    v["z"].label = "z"
    v["a"] = getattr(v["z"], activation)()
    v["a"].label = "a"
    v["-y"] = Value(-y, label="-y")
    v["a-y"] = v["a"] + v["-y"]
    v["a-y"].label = "a-y"
    v["L"] = v["a-y"] ** 2
    v["L"].label = "L"
    v["L"].backward()
    return v["L"], v
