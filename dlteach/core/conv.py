"""Convolution and pooling for images, channels last as in Keras: x has shape (n, height, width, channels).

Conv2D by im2col: every kh x kw x c patch of the (padded) input becomes one row of a matrix, so the
convolution is one matrix product,
    cols (n*oh*ow, kh*kw*c) @ W (kh*kw*c, filters) + b  ->  z (n, oh, ow, filters),   a = f(z).
Backward: dW = cols.T @ delta, db = sum(delta), dcols = delta @ W.T, and col2im adds each patch's
gradient back where the patch came from (patches overlap, so contributions add up).
Pooling takes the same patches (windows) and keeps each one's maximum; its backward sends each
gradient to the position of its window's maximum (overlapping windows add up).

Output size along an axis of n pixels, kernel (or pool) k, stride s:
    'valid'  floor((n - k) / s) + 1        'same'  ceil(n / s)
'same' pads like TensorFlow: the total is split with the extra pixel at the bottom/right; pooling
pads with -inf, so padding is never the maximum.
"""
from __future__ import annotations

import numpy as np

from ._checks import as_float_array, as_generator, check_positive_int, check_size, lookup
from .activations import get_activation
from .layers import Layer, _check_name


def _pair(value, name: str) -> tuple[int, int]:
    """An int k -> (k, k); a pair (a, b) of positive integers -> (a, b), as Keras accepts."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an integer or a pair (height, width), got {value!r}.")
        return check_positive_int(value[0], f"{name}[0]"), check_positive_int(value[1], f"{name}[1]")
    value = check_positive_int(value, name)
    return value, value


def _pads(size: int, k: int, stride: int, padding: str):
    """(before, after, out_size) along one axis."""
    if padding == "valid":
        return 0, 0, (size - k) // stride + 1
    out = -(-size // stride)  # ceil
    total = max((out - 1) * stride + k - size, 0)
    return total // 2, total - total // 2, out


def _check_padding(padding):
    return lookup(padding, {"valid": "valid", "same": "same"}, "padding")


def _images(x, layer, channels=None):
    """x as a float64 (n, height, width, channels) array, or an error that names what is wrong."""
    what = "channels" if channels is None else channels
    if isinstance(x, np.ndarray) and x.ndim != 4 or not isinstance(x, np.ndarray) and np.ndim(x) != 4:
        hint = " For one image add the batch axis: x[None]." if np.ndim(x) == 3 else ""
        raise ValueError(f"{layer} expects images (n, height, width, {what}), got shape {np.shape(x)}.{hint}")
    x = as_float_array(x, "x")
    if channels is not None and x.shape[3] != channels:
        raise ValueError(f"{layer} expects images (n, height, width, {what}), got shape {x.shape}.")
    return x


def _patch_index(kh, kw, sh, sw, oh, ow):
    """Row and column indices (oh*ow, kh*kw) of every patch's pixels in the padded image."""
    r0 = np.repeat(np.arange(oh) * sh, ow)[:, None]
    c0 = np.tile(np.arange(ow) * sw, oh)[:, None]
    dr = np.repeat(np.arange(kh), kw)[None, :]
    dc = np.tile(np.arange(kw), kh)[None, :]
    return r0 + dr, c0 + dc


def _windows(layer, x, k, s, padding, fill=0.0):
    """Pad x and index its patches: (padded x, rows, cols, (pt, pl), (oh, ow))."""
    n, h, w, c = x.shape
    pt, pb, oh = _pads(h, k[0], s[0], padding)
    pl, pr, ow = _pads(w, k[1], s[1], padding)
    if oh < 1 or ow < 1:
        raise ValueError(f"{layer.name}: a {k[0]}x{k[1]} window does not fit in {h}x{w} images with "
                         f"padding '{padding}'; use padding='same' or a smaller kernel/pool.")
    padded = (h + pt + pb) * (w + pl + pr)
    if padding == "same" and padded > 16 * h * w + 10_000:  # a window far larger than the image
        raise ValueError(f"{layer.name}: a {k[0]}x{k[1]} window with padding 'same' on {h}x{w} images would pad them "
                         f"to {h + pt + pb}x{w + pl + pr}; use a window no larger than the image.")
    xp = np.pad(x, ((0, 0), (pt, pb), (pl, pr), (0, 0)), constant_values=fill)
    rows, cols = _patch_index(k[0], k[1], s[0], s[1], oh, ow)
    return xp, rows, cols, (pt, pl), (oh, ow)


def _col2im(d_patches, xp_shape, rows, cols, x_shape, pads, overlap: bool):
    """Add each patch's gradient (n, oh*ow, kh*kw, c) back where the patch came from; crop the padding."""
    dxp = np.zeros(xp_shape)
    if overlap:
        np.add.at(dxp, (slice(None), rows, cols, slice(None)), d_patches)  # overlapping patches add up
    else:
        dxp[:, rows, cols, :] = d_patches  # every pixel in at most one patch: plain assignment
    pt, pl = pads
    return dxp[:, pt:pt + x_shape[1], pl:pl + x_shape[2], :]


class Conv2D(Layer):
    """Keras layout: W (kh, kw, c_in, filters), b (filters,).

    kernel_size, strides  an int or a pair (height, width), as in keras.layers.Conv2D
    padding               'valid' (no padding) or 'same' (output ceil(n / stride))
    seed                  None, an int >= 0 or a numpy Generator, for the initial weights
    """

    def __init__(self, c_in: int, filters: int, kernel_size=3, strides=1, padding: str = "valid",
                 activation="linear", seed=None, name: str = "conv2d"):
        c_in, filters = check_positive_int(c_in, "c_in"), check_positive_int(filters, "filters")
        self.kernel_size, self.strides = _pair(kernel_size, "kernel_size"), _pair(strides, "strides")
        self.padding = _check_padding(padding)
        self.act = get_activation(activation)
        self.name = _check_name(name)
        kh, kw = self.kernel_size
        check_size(kh * kw * c_in * filters, f"Conv2D({c_in}, {filters}, kernel_size={self.kernel_size})")
        # Keras's glorot_uniform for a conv kernel: fan_in = kh*kw*c_in, fan_out = kh*kw*filters
        limit = np.sqrt(6.0 / (kh * kw * c_in + kh * kw * filters))
        self.W = as_generator(seed, "seed").uniform(-limit, limit, size=(kh, kw, c_in, filters))
        self.b = np.zeros(filters)
        self.dW, self.db = np.zeros_like(self.W), np.zeros_like(self.b)

    def params(self):
        return [(f"{self.name}/W", self.W, self.dW), (f"{self.name}/b", self.b, self.db)]

    def forward(self, x, training: bool = False):
        x = _images(x, self.name, channels=self.W.shape[2])
        n, c = len(x), x.shape[3]
        xp, rows, cols, pads, (oh, ow) = _windows(self, x, self.kernel_size, self.strides, self.padding)
        self.cache = (x.shape, xp.shape, rows, cols, pads)
        kh, kw = self.kernel_size
        self.cols = xp[:, rows, cols, :].reshape(n * oh * ow, kh * kw * c)  # patch rows, (kh, kw, c) order
        self.z = (self.cols @ self.W.reshape(-1, self.W.shape[3]) + self.b).reshape(n, oh, ow, -1)
        self.a = self.act.forward(self.z)
        return self.a

    def backward(self, grad_a):
        delta = self.act.backward(self.z, self.a, grad_a)
        x_shape, xp_shape, rows, cols, pads = self.cache
        n, oh, ow, f = delta.shape
        d2 = delta.reshape(-1, f)
        self.dW[...] = (self.cols.T @ d2).reshape(self.W.shape)
        self.db[...] = d2.sum(axis=0)
        kh, kw = self.kernel_size
        dcols = (d2 @ self.W.reshape(-1, f).T).reshape(n, oh * ow, kh * kw, x_shape[3])
        overlap = kh > self.strides[0] or kw > self.strides[1]
        return _col2im(dcols, xp_shape, rows, cols, x_shape, pads, overlap)

    def __repr__(self):
        (kh, kw), (sh, sw) = self.kernel_size, self.strides
        strides = f"{sh}" if sh == sw else f"({sh}, {sw})"
        return f"Conv2D({self.W.shape[3]} filters {kh}x{kw}, strides {strides}, {self.padding}, {self.act.name})"


class MaxPool2D(Layer):
    """Max over pool_size windows moved by `strides` (default: the pool size, as in Keras);
    backward routes each gradient to the position of its window's maximum.

    pool_size, strides  an int or a pair (height, width);  padding 'valid' or 'same'
    """

    trainable = False

    def __init__(self, pool_size=2, strides=None, padding: str = "valid", name: str = "max_pool"):
        self.pool_size = _pair(pool_size, "pool_size")
        self.strides = self.pool_size if strides is None else _pair(strides, "strides")
        self.padding = _check_padding(padding)
        self.name = _check_name(name)

    def forward(self, x, training: bool = False):
        x = _images(x, self.name)
        xp, rows, cols, pads, (oh, ow) = _windows(self, x, self.pool_size, self.strides, self.padding, -np.inf)
        windows = xp[:, rows, cols, :]  # (n, oh*ow, ph*pw, c)
        self.argmax = windows.argmax(axis=2)
        self.cache = (x.shape, xp.shape, rows, cols, pads, (oh, ow))
        return windows.max(axis=2).reshape(len(x), oh, ow, x.shape[3])

    def backward(self, grad_a):
        x_shape, xp_shape, rows, cols, pads, (oh, ow) = self.cache
        n, c = x_shape[0], x_shape[3]
        grad_windows = np.zeros((n, oh * ow, rows.shape[1], c))
        np.put_along_axis(grad_windows, self.argmax[:, :, None, :], grad_a.reshape(n, oh * ow, 1, c), axis=2)
        overlap = self.pool_size[0] > self.strides[0] or self.pool_size[1] > self.strides[1]
        return _col2im(grad_windows, xp_shape, rows, cols, x_shape, pads, overlap)

    def __repr__(self):
        (ph, pw), (sh, sw) = self.pool_size, self.strides
        size = f"{ph}" if ph == pw else f"({ph}, {pw})"
        if self.strides == self.pool_size and self.padding == "valid":
            return f"MaxPool2D({size})"
        return f"MaxPool2D({size}, strides=({sh}, {sw}), padding='{self.padding}')"


class Flatten(Layer):
    """(n, h, w, c) -> (n, h*w*c) in Keras's (channels-last) order."""

    trainable = False

    def __init__(self, name: str = "flatten"):
        self.name = _check_name(name)

    def forward(self, x, training: bool = False):
        self.x_shape = x.shape
        return x.reshape(len(x), -1)

    def backward(self, grad_a):
        return grad_a.reshape(self.x_shape)

    def __repr__(self):
        return "Flatten()"
