"""Convolution and pooling for images, channels last as in Keras: x has shape (n, height, width, channels).

Conv2D by im2col: every k x k x c patch of the (padded) input becomes one row of a matrix, so the
convolution is one matrix product,
    cols (n*oh*ow, k*k*c) @ W (k*k*c, filters) + b  ->  z (n, oh, ow, filters),   a = f(z).
Backward: dW = cols.T @ delta, db = sum(delta), dcols = delta @ W.T, and col2im adds each patch's
gradient back where the patch came from (patches overlap, so contributions add up).
Padding 'same' pads like TensorFlow: the total is split with the extra pixel at the bottom/right.
"""
from __future__ import annotations

import numpy as np

from ._checks import lookup
from .activations import get_activation
from .layers import Layer


def _pads(size: int, k: int, stride: int, padding: str):
    """(before, after, out_size) along one axis."""
    if padding == "valid":
        return 0, 0, (size - k) // stride + 1
    out = -(-size // stride)  # ceil
    total = max((out - 1) * stride + k - size, 0)
    return total // 2, total - total // 2, out


def _check_padding(padding):
    return lookup(padding, {"valid": "valid", "same": "same"}, "padding")


def _patch_index(h, w, k, stride, oh, ow):
    """Row and column indices (oh*ow, k*k) of every patch's pixels in the padded image."""
    r0 = np.repeat(np.arange(oh) * stride, ow)[:, None]
    c0 = np.tile(np.arange(ow) * stride, oh)[:, None]
    dr = np.repeat(np.arange(k), k)[None, :]
    dc = np.tile(np.arange(k), k)[None, :]
    return r0 + dr, c0 + dc


class Conv2D(Layer):
    """Keras layout: W (k, k, c_in, filters), b (filters,)."""

    def __init__(self, c_in: int, filters: int, kernel_size: int = 3, stride: int = 1, padding: str = "valid",
                 activation="linear", rng=None, name: str = "conv2d"):
        for label, v in (("c_in", c_in), ("filters", filters), ("kernel_size", kernel_size), ("stride", stride)):
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
                raise ValueError(f"Conv2D {label} must be a positive integer, got {v!r}.")
        self.k, self.stride, self.padding = int(kernel_size), int(stride), _check_padding(padding)
        self.act = get_activation(activation)
        fan = kernel_size * kernel_size
        # Keras's glorot_uniform for a conv kernel: fan_in = k*k*c_in, fan_out = k*k*filters
        limit = np.sqrt(6.0 / (fan * c_in + fan * filters))
        rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
        self.W = rng.uniform(-limit, limit, size=(self.k, self.k, int(c_in), int(filters)))
        self.b = np.zeros(filters)
        self.dW, self.db = np.zeros_like(self.W), np.zeros_like(self.b)
        self.name = name

    def params(self):
        return [(f"{self.name}/W", self.W, self.dW), (f"{self.name}/b", self.b, self.db)]

    def forward(self, x, training: bool = False):
        if x.ndim != 4 or x.shape[3] != self.W.shape[2]:
            raise ValueError(f"{self.name} expects images (n, height, width, {self.W.shape[2]}), got {x.shape}.")
        n, h, w, c = x.shape
        pt, pb, oh = _pads(h, self.k, self.stride, self.padding)
        pl, pr, ow = _pads(w, self.k, self.stride, self.padding)
        if oh < 1 or ow < 1:
            raise ValueError(f"{self.name}: a {self.k}x{self.k} kernel does not fit in {h}x{w} images with "
                             f"padding '{self.padding}'; use padding='same' or a smaller kernel.")
        xp = np.pad(x, ((0, 0), (pt, pb), (pl, pr), (0, 0)))
        rows, cols = _patch_index(h, w, self.k, self.stride, oh, ow)
        self.cache = (x.shape, xp.shape, rows, cols, (pt, pl))
        self.cols = xp[:, rows, cols, :].reshape(n * oh * ow, self.k * self.k * c)  # patch rows, (kh, kw, c) order
        self.z = (self.cols @ self.W.reshape(-1, self.W.shape[3]) + self.b).reshape(n, oh, ow, -1)
        self.a = self.act.forward(self.z)
        return self.a

    def backward(self, grad_a):
        delta = self.act.backward(self.z, self.a, grad_a)
        x_shape, xp_shape, rows, cols, (pt, pl) = self.cache
        n, oh, ow, f = delta.shape
        d2 = delta.reshape(-1, f)
        self.dW[...] = (self.cols.T @ d2).reshape(self.W.shape)
        self.db[...] = d2.sum(axis=0)
        dcols = (d2 @ self.W.reshape(-1, f).T).reshape(n, oh * ow, self.k * self.k, x_shape[3])
        dxp = np.zeros(xp_shape)
        np.add.at(dxp, (slice(None), rows, cols, slice(None)), dcols)  # col2im: overlapping patches add up
        return dxp[:, pt:pt + x_shape[1], pl:pl + x_shape[2], :]

    def __repr__(self):
        return f"Conv2D({self.W.shape[3]} filters {self.k}x{self.k}, stride {self.stride}, {self.padding}, {self.act.name})"


class MaxPool2D(Layer):
    """Max over size x size windows with stride = size ('valid'); backward routes each gradient to
    the position of its window's maximum."""

    trainable = False

    def __init__(self, size: int = 2, name: str = "max_pool"):
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
            raise ValueError(f"pool size must be a positive integer, got {size!r}.")
        self.size, self.name = int(size), name

    def forward(self, x, training: bool = False):
        n, h, w, c = x.shape
        s = self.size
        oh, ow = h // s, w // s
        if oh < 1 or ow < 1:
            raise ValueError(f"{self.name}: a {s}x{s} pool does not fit in {h}x{w} feature maps.")
        windows = x[:, :oh * s, :ow * s, :].reshape(n, oh, s, ow, s, c).transpose(0, 1, 3, 5, 2, 4)
        windows = windows.reshape(n, oh, ow, c, s * s)
        self.argmax = windows.argmax(axis=-1)
        self.x_shape = x.shape
        return windows.max(axis=-1)

    def backward(self, grad_a):
        n, h, w, c = self.x_shape
        s = self.size
        oh, ow = h // s, w // s
        grad_windows = np.zeros((n, oh, ow, c, s * s))
        np.put_along_axis(grad_windows, self.argmax[..., None], grad_a[..., None], axis=-1)
        grad = grad_windows.reshape(n, oh, ow, c, s, s).transpose(0, 1, 4, 2, 5, 3).reshape(n, oh * s, ow * s, c)
        dx = np.zeros(self.x_shape)
        dx[:, :oh * s, :ow * s, :] = grad
        return dx

    def __repr__(self):
        return f"MaxPool2D({self.size})"


class Flatten(Layer):
    """(n, h, w, c) -> (n, h*w*c) in Keras's (channels-last) order."""

    trainable = False

    def __init__(self, name: str = "flatten"):
        self.name = name

    def forward(self, x, training: bool = False):
        self.x_shape = x.shape
        return x.reshape(len(x), -1)

    def backward(self, grad_a):
        return grad_a.reshape(self.x_shape)

    def __repr__(self):
        return "Flatten()"
