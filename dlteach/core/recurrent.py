"""Sequences: Embedding, the recurrent layers SimpleRNN, LSTM and GRU, and TimeDistributed, in Keras's
layout (keras/src/layers/rnn/*.py, keras/src/layers/core/embedding.py).

Shapes: ids (n, T) integers -> Embedding -> x (n, T, features) -> a recurrent layer -> h_T (n, units),
or every h_t, (n, T, units), with return_sequences=True. The state starts at zero: h_0 = 0 (and c_0 = 0).

One step of each layer (x_t (n, features), h_{t-1} (n, units); W the kernel, U the recurrent kernel):
    SimpleRNN  h_t = f(x_t W + b + h_{t-1} U)
    LSTM       [i, f, g, o] = [s(.), s(.), tanh(.), s(.)] of x_t W + h_{t-1} U + b   (4 blocks of units)
               c_t = f c_{t-1} + i g,   h_t = o tanh(c_t)
    GRU        z = s(x_z + u_z), r = s(x_r + u_r), h~ = tanh(x_h + r u_h),  h_t = z h_{t-1} + (1 - z) h~
               with [x_z, x_r, x_h] = x_t W + b_in and [u_z, u_r, u_h] = h_{t-1} U + b_rec (reset_after)
where s is the sigmoid (recurrent_activation) and tanh the activation; the sums are added in Keras's order.

Backpropagation through time (BPTT). Unrolled, the layer is a T-layer deep network whose layers all share
W, U and b, so:
  1. h_t reaches the loss along two paths: the output at t (if returned) and the next step, so
     dh_t = g_t + dh_from_{t+1}, where g_t = dL/dh_t from the layer above (only g_T without return_sequences).
  2. Walking t = T, ..., 1, the step is an ordinary layer: from dh_t, get the gradient of its pre-activations
     ds_t; then dW += x_t^T ds_t, dU += h_{t-1}^T ds_t, db += sum_rows(ds_t), dx_t = ds_t W^T.
  3. dh_from_t = ds_t U^T (+ the direct paths of the gates) is handed to step t - 1.
  4. A shared weight's gradient is the SUM over the steps (step 2 adds), as for any weight used several times.
Each class derives step 2 for its own cell; dropping the dh_from_{t+1} term is truncated BPTT with 1 step.
"""
from __future__ import annotations

import numpy as np

from ._checks import as_float_array, as_generator, check_bool, check_positive_int, check_size
from .activations import get_activation
from .init import initial_weights
from .layers import Layer, _check_name


def orthogonal(n_rows: int, n_cols: int, seed=None) -> np.ndarray:
    """Keras's 'orthogonal' initialiser (gain 1): Q of the QR decomposition of a normal
    (max, min) matrix, each column's sign fixed by R's diagonal, transposed when n_rows < n_cols,
    so the rows (or columns, whichever are fewer) are orthonormal: W W^T = I for (units, 4 units)."""
    a = as_generator(seed).standard_normal((max(n_rows, n_cols), min(n_rows, n_cols)))
    q, r = np.linalg.qr(a)
    q = q * np.sign(np.diag(r))  # a unique Q: without this the distribution would not be uniform
    return q.T if n_rows < n_cols else q


class RowGradient(np.ndarray):
    """An Embedding's dL/dE (input_dim, output_dim) as TensorFlow hands it to Keras (IndexedSlices): a dense
    array, the rows of repeated ids added up, that also keeps one row per occurrence (`rows` at `ids`).

    Elementwise squares act on the occurrences before they are added, as on IndexedSlices:
        g**2 = sum over the occurrences of g_occ**2        (not (sum of g_occ)**2)
    That is what Keras's Adam and RMSprop second moments and its clipnorm / global_clipnorm norms see for an
    embedding, so the optimizers here, which compute g**2, match them. Scaling by a number (clipnorm, lr * g)
    keeps the occurrences, as Keras's ops.multiply does; every other operation, a copy or a view gives a plain
    dense array (global_clipnorm's scaling too: Keras's `v * scale` makes IndexedSlices dense)."""

    rows = None  # (N, output_dim): one row of dL/da per id in the batch, or None
    ids = None   # (N,): the id of each row

    def __array_finalize__(self, obj):
        self.rows = self.ids = None  # a view or copy does not know which of its values came from where

    def _with_rows(self, dense, rows):
        out = np.asarray(dense).view(RowGradient)
        out.rows, out.ids = rows, self.ids
        return out

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        plain = [x.view(np.ndarray) if isinstance(x, RowGradient) else x for x in inputs]
        if "out" in kwargs:
            kwargs["out"] = tuple(o.view(np.ndarray) if isinstance(o, RowGradient) else o for o in kwargs["out"])
        result = getattr(ufunc, method)(*plain, **kwargs)
        if method != "__call__" or "out" in kwargs or self.rows is None:
            return result  # sums, in-place updates (not tracked), gradients without occurrences: plain
        a, b = (*inputs, None)[:2]
        if a is self and (ufunc is np.square or ufunc is np.power and np.ndim(b) == 0 and b == 2):
            squares = np.zeros(self.shape)
            np.add.at(squares, self.ids, self.rows ** 2)  # square each occurrence, then add them up
            return squares
        if ufunc is np.multiply and np.ndim(b if a is self else a) == 0:
            return self._with_rows(result, self.rows * b if a is self else a * self.rows)
        if ufunc is np.true_divide and a is self and np.ndim(b) == 0:
            return self._with_rows(result, self.rows / b)
        return result


def _activation(name, what: str):
    act = get_activation(name)
    if act.derivative is None:  # softmax: its derivative is a Jacobian, not elementwise
        raise ValueError(f"{what} must be an elementwise activation (tanh, sigmoid, relu, ...), got {act.name!r}.")
    return act


class Embedding(Layer):
    """A lookup table: integer ids (n, T) -> rows of E (input_dim, output_dim) -> (n, T, output_dim).

    input_dim   the number of ids (vocabulary size): ids must be in [0, input_dim)
    output_dim  the length of each id's vector
    seed        None, an int >= 0 or a numpy Generator; E starts U(-0.05, 0.05) (Keras's 'uniform')

    forward:  a[k, t] = E[ids[k, t]]            (the one-hot product onehot(ids) @ E, without the zeros)
    backward: dE[j] = sum over (k, t) with ids[k, t] = j of dL/da[k, t]   (np.add.at: a repeated id adds up;
              rows of unused ids stay 0). Ids are not differentiable: backward returns None, as Keras's
              gradient for an integer input is None.
    """

    def __init__(self, input_dim: int, output_dim: int, seed=None, name: str = "embedding"):
        input_dim, output_dim = check_positive_int(input_dim, "input_dim"), check_positive_int(output_dim, "output_dim")
        check_size(input_dim * output_dim, f"Embedding({input_dim}, {output_dim})")
        self.name = _check_name(name)
        self.E = as_generator(seed, "seed").uniform(-0.05, 0.05, size=(input_dim, output_dim))
        self.dE = np.zeros_like(self.E).view(RowGradient)

    @property
    def input_dim(self):
        return self.E.shape[0]

    @property
    def output_dim(self):
        return self.E.shape[1]

    @property
    def embeddings(self):
        """Keras's name for E."""
        return self.E

    def params(self):
        return [(f"{self.name}/E", self.E, self.dE)]

    def _ids(self, ids) -> np.ndarray:
        """ids as an int array, or an error naming the problem: not whole numbers, or outside [0, input_dim)."""
        if isinstance(ids, (str, bytes)):
            raise TypeError(f"{self.name} takes integer ids, got the string {ids!r}.")
        arr = np.asarray(ids)
        if arr.dtype.kind not in "iuf" or arr.ndim < 1:
            raise TypeError(f"{self.name} takes an array of integer ids (n, T), got {arr.dtype} of shape {arr.shape}.")
        if arr.dtype.kind == "f":  # Sequential hands X over as float64: accept whole numbers only
            whole = np.isfinite(arr) & (arr == np.round(arr))
            if not whole.all():
                raise ValueError(f"{self.name}: ids must be whole numbers, got {arr[~whole].ravel()[0].item()!r}.")
        bad = (arr < 0) | (arr >= self.input_dim)
        if bad.any():
            raise ValueError(f"{self.name}: ids must be in [0, {self.input_dim}) (input_dim={self.input_dim}), "
                             f"got {arr[bad].ravel()[0].item()!r}.")
        return arr.astype(np.intp)

    def forward(self, x, training: bool = False):
        self.ids = self._ids(x)
        return self.E[self.ids]

    def backward(self, grad_a):
        self.dE[...] = 0.0
        np.add.at(self.dE, self.ids, grad_a)  # dE[ids[k, t]] += grad_a[k, t], repeats included
        # the occurrences, for the optimizers' squares as Keras's (see RowGradient)
        self.dE.ids, self.dE.rows = self.ids.ravel(), grad_a.reshape(-1, self.output_dim).copy()
        return None

    def __repr__(self):
        return f"Embedding({self.input_dim} ids -> {self.output_dim})"


class Recurrent(Layer):
    """What SimpleRNN, LSTM and GRU share: W (n_in, k units), U (units, k units), b, the input check,
    the initial weights (Keras's: glorot_uniform W, orthogonal U, zero b) and the output."""

    gates = 1  # blocks of `units` columns in W and U

    def __init__(self, n_in, units, activation, return_sequences, seed, name):
        n_in, units = check_positive_int(n_in, "n_in"), check_positive_int(units, "units")
        k = self.gates * units
        check_size((n_in + units) * k, f"{type(self).__name__}({n_in}, {units})")
        self.name = _check_name(name)
        self.activation = _activation(activation, "activation")
        self.return_sequences = check_bool(return_sequences, "return_sequences")
        rng = as_generator(seed, "seed")
        self.W = initial_weights("glorot_uniform", n_in, k, rng)  # fan_in n_in, fan_out k units, as Keras
        self.U = orthogonal(units, k, rng)
        self.b = np.zeros(k)
        self.dW, self.dU, self.db = np.zeros_like(self.W), np.zeros_like(self.U), np.zeros_like(self.b)

    @property
    def n_in(self):
        return self.W.shape[0]

    @property
    def units(self):
        return self.U.shape[0]

    # Keras's names for the weights
    kernel = property(lambda self: self.W)
    recurrent_kernel = property(lambda self: self.U)
    bias = property(lambda self: self.b)

    def params(self):
        return [(f"{self.name}/W", self.W, self.dW), (f"{self.name}/U", self.U, self.dU),
                (f"{self.name}/b", self.b, self.db)]

    def _sequences(self, x) -> np.ndarray:
        if np.ndim(x) != 3 or np.shape(x)[2] != self.n_in or np.shape(x)[1] < 1:
            hint = " For one sequence add the batch axis: x[None]." if np.ndim(x) == 2 else ""
            raise ValueError(f"{self.name} expects sequences of shape (n, T, {self.n_in}) with T >= 1, "
                             f"got {np.shape(x)}.{hint}")
        return as_float_array(x, "x")

    def _output(self, hs):
        """hs (n, T + 1, units) holds h_0 ... h_T: every h_t, or the last one."""
        return hs[:, 1:].copy() if self.return_sequences else hs[:, -1].copy()

    def _step_grads(self, grad_a):
        """g (n, T, units): dL/dh_t from the layer above; without return_sequences only h_T is used."""
        n, T = self.x.shape[:2]
        if self.return_sequences:
            return grad_a
        g = np.zeros((n, T, self.units))
        g[:, -1] = grad_a
        return g

    def _start_grads(self):
        self.dW[...], self.dU[...], self.db[...] = 0.0, 0.0, 0.0
        return np.zeros_like(self.x)

    def __repr__(self):
        seq = ", return_sequences" if self.return_sequences else ""
        return f"{type(self).__name__}({self.n_in} -> {self.units}, {self.activation.name}{seq})"


class SimpleRNN(Recurrent):
    """h_t = f(s_t), s_t = x_t W + b + h_{t-1} U. Keras layout: W (n_in, units), U (units, units), b (units,).

    BPTT (step 2 of the module's recipe), with dh_t = g_t + dh_from_{t+1}:
        ds_t = dh_t * f'(s_t)
        dW += x_t^T ds_t,  dU += h_{t-1}^T ds_t,  db += sum_rows(ds_t),  dx_t = ds_t W^T
        dh_from_t = ds_t U^T          (h_{t-1} enters s_t only through U)
    """

    def __init__(self, n_in: int, units: int, activation="tanh", return_sequences: bool = False, seed=None,
                 name: str = "simple_rnn"):
        super().__init__(n_in, units, activation, return_sequences, seed, name)

    def forward(self, x, training: bool = False):
        self.x = x = self._sequences(x)
        n, T, _ = x.shape
        xWb = x @ self.W + self.b  # the input part of every step at once: it does not depend on h
        self.s = np.zeros((n, T, self.units))
        self.hs = np.zeros((n, T + 1, self.units))  # hs[:, t] is h_t; h_0 = 0
        for t in range(T):
            self.s[:, t] = xWb[:, t] + self.hs[:, t] @ self.U
            self.hs[:, t + 1] = self.activation.forward(self.s[:, t])
        return self._output(self.hs)

    def backward(self, grad_a):
        g, dx = self._step_grads(grad_a), self._start_grads()
        dh_next = np.zeros((len(self.x), self.units))  # dh_from_{T+1} = 0
        for t in reversed(range(self.x.shape[1])):
            dh = g[:, t] + dh_next
            ds = self.activation.backward(self.s[:, t], self.hs[:, t + 1], dh)
            self.dW += self.x[:, t].T @ ds
            self.dU += self.hs[:, t].T @ ds
            self.db += ds.sum(axis=0)
            dx[:, t] = ds @ self.W.T
            dh_next = ds @ self.U.T
        return dx


class LSTM(Recurrent):
    """Long short-term memory, Keras's layout and gate order: the 4 * units columns of W (n_in, 4 units),
    U (units, 4 units) and b (4 units,) are the blocks i (input), f (forget), c (candidate g), o (output).

        s_t = x_t W + h_{t-1} U + b = [s_i, s_f, s_g, s_o]
        i = r(s_i), f = r(s_f), g = a(s_g), o = r(s_o)     (r = recurrent_activation sigmoid, a = activation tanh)
        c_t = f c_{t-1} + i g,    h_t = o a(c_t)
    unit_forget_bias=True (Keras's default) starts b_f at 1, so the cell remembers from the first step.

    BPTT: two states flow back, dh (from the output and from step t + 1) and dc (from c_{t+1} = f c_t + ...):
        dh_t = g_t + dh_from_{t+1}
        dc_t = dc_from_{t+1} + dh_t * o * a'(c_t)              (h_t = o a(c_t))
        do = dh_t * a(c_t),  di = dc_t * g,  dg = dc_t * i,  df = dc_t * c_{t-1}
        ds_t = [di r'(s_i), df r'(s_f), dg a'(s_g), do r'(s_o)]
        dW += x_t^T ds_t,  dU += h_{t-1}^T ds_t,  db += sum_rows(ds_t),  dx_t = ds_t W^T
        dh_from_t = ds_t U^T,   dc_from_t = dc_t * f         (the cell's own path: no weight, no squashing)
    """

    gates = 4

    def __init__(self, n_in: int, units: int, activation="tanh", recurrent_activation="sigmoid",
                 unit_forget_bias: bool = True, return_sequences: bool = False, seed=None, name: str = "lstm"):
        super().__init__(n_in, units, activation, return_sequences, seed, name)
        self.recurrent_activation = _activation(recurrent_activation, "recurrent_activation")
        self.unit_forget_bias = check_bool(unit_forget_bias, "unit_forget_bias")
        if self.unit_forget_bias:
            self.b[units:2 * units] = 1.0

    def forward(self, x, training: bool = False):
        self.x = x = self._sequences(x)
        n, T, _ = x.shape
        u, act, rec = self.units, self.activation, self.recurrent_activation
        xW = x @ self.W
        self.s = np.zeros((n, T, 4 * u))
        self.gate = np.zeros((n, T, 4 * u))  # [i, f, g, o] after their activations
        self.hs, self.cs = np.zeros((n, T + 1, u)), np.zeros((n, T + 1, u))  # h_0 = c_0 = 0
        self.ac = np.zeros((n, T, u))  # a(c_t)
        for t in range(T):
            s = self.s[:, t] = xW[:, t] + self.hs[:, t] @ self.U + self.b  # Keras's order of the sums
            gate = self.gate[:, t]
            gate[:, :2 * u] = rec.forward(s[:, :2 * u])          # i, f
            gate[:, 2 * u:3 * u] = act.forward(s[:, 2 * u:3 * u])  # g
            gate[:, 3 * u:] = rec.forward(s[:, 3 * u:])          # o
            i, f, g, o = np.split(gate, 4, axis=1)
            self.cs[:, t + 1] = f * self.cs[:, t] + i * g
            self.ac[:, t] = act.forward(self.cs[:, t + 1])
            self.hs[:, t + 1] = o * self.ac[:, t]
        return self._output(self.hs)

    def backward(self, grad_a):
        g_out, dx = self._step_grads(grad_a), self._start_grads()
        u, act, rec = self.units, self.activation, self.recurrent_activation
        dh_next = np.zeros((len(self.x), u))
        dc_next = np.zeros((len(self.x), u))
        for t in reversed(range(self.x.shape[1])):
            i, f, g, o = np.split(self.gate[:, t], 4, axis=1)
            s_i, s_f, s_g, s_o = np.split(self.s[:, t], 4, axis=1)
            dh = g_out[:, t] + dh_next
            dc = dc_next + act.backward(self.cs[:, t + 1], self.ac[:, t], dh * o)
            ds = np.concatenate([rec.backward(s_i, i, dc * g), rec.backward(s_f, f, dc * self.cs[:, t]),
                                 act.backward(s_g, g, dc * i), rec.backward(s_o, o, dh * self.ac[:, t])], axis=1)
            self.dW += self.x[:, t].T @ ds
            self.dU += self.hs[:, t].T @ ds
            self.db += ds.sum(axis=0)
            dx[:, t] = ds @ self.W.T
            dh_next = ds @ self.U.T
            dc_next = dc * f
        return dx


class GRU(Recurrent):
    """Gated recurrent unit, Keras's layout and gate order: the 3 * units columns of W (n_in, 3 units) and
    U (units, 3 units) are the blocks z (update), r (reset), h (candidate).

    reset_after=True (Keras's default, cuDNN's): b has shape (2, 3 units), b[0] for the input, b[1] for
    the recurrent part, and the reset gate multiplies U's product AFTER it:
        [x_z, x_r, x_h] = x_t W + b[0],     [u_z, u_r, u_h] = h_{t-1} U + b[1]
        z = r_(x_z + u_z),  r = r_(x_r + u_r),  h~ = a(x_h + r u_h),  h_t = z h_{t-1} + (1 - z) h~
    reset_after=False (the 2014 paper's v3): b (3 units,), and the reset gate acts BEFORE the product:
        [x_z, x_r, x_h] = x_t W + b,   [u_z, u_r] = h_{t-1} U[:, :2 units],   h~ = a(x_h + (r h_{t-1}) U_h)
    (r_ = recurrent_activation sigmoid, a = activation tanh; z near 1 keeps the old state.)

    BPTT, with dh_t = g_t + dh_from_{t+1} and p_h the argument of a:
        dz = dh_t * (h_{t-1} - h~),   dp_h = dh_t * (1 - z) * a'(p_h)
        dp_z = dz r_'(.),  and with reset_after:  dr = dp_h * u_h,  du_h = dp_h * r
                           without:               d(r h) = dp_h U_h^T,  dr = d(r h) * h_{t-1}
        dp_r = dr r_'(.)
        input side:  ds_x = [dp_z, dp_r, dp_h]:  dW += x_t^T ds_x,  dx_t = ds_x W^T,  db(_in) += sum_rows(ds_x)
        recurrent side (reset_after): ds_u = [dp_z, dp_r, du_h]: dU += h_{t-1}^T ds_u, db_rec += sum_rows(ds_u)
            (without: dU[:, :2u] += h_{t-1}^T [dp_z, dp_r],  dU_h += (r h_{t-1})^T dp_h)
        dh_from_t = dh_t * z + ds_u U^T    (the direct path through z h_{t-1}, plus the products;
                                             without reset_after: + d(r h) * r instead of the U_h part)
    """

    gates = 3

    def __init__(self, n_in: int, units: int, activation="tanh", recurrent_activation="sigmoid",
                 reset_after: bool = True, return_sequences: bool = False, seed=None, name: str = "gru"):
        super().__init__(n_in, units, activation, return_sequences, seed, name)
        self.recurrent_activation = _activation(recurrent_activation, "recurrent_activation")
        self.reset_after = check_bool(reset_after, "reset_after")
        if self.reset_after:  # separate input and recurrent biases, Keras's (2, 3 units)
            self.b = np.zeros((2, 3 * units))
            self.db = np.zeros_like(self.b)

    def forward(self, x, training: bool = False):
        self.x = x = self._sequences(x)
        n, T, _ = x.shape
        u, act, rec = self.units, self.activation, self.recurrent_activation
        xW = x @ self.W + (self.b[0] if self.reset_after else self.b)  # [x_z, x_r, x_h] of every step
        self.hs = np.zeros((n, T + 1, u))
        self.p_zr = np.zeros((n, T, 2 * u))  # arguments of r_ for z and r
        self.zr = np.zeros((n, T, 2 * u))   # z, r
        self.uh = np.zeros((n, T, u))       # u_h (reset_after) or (r h_{t-1}) (without)
        self.p_h = np.zeros((n, T, u))      # argument of a
        self.hh = np.zeros((n, T, u))       # h~
        for t in range(T):
            h = self.hs[:, t]
            if self.reset_after:
                inner = h @ self.U + self.b[1]  # [u_z, u_r, u_h]
                self.p_zr[:, t] = xW[:, t, :2 * u] + inner[:, :2 * u]
                self.uh[:, t] = inner[:, 2 * u:]
            else:
                self.p_zr[:, t] = xW[:, t, :2 * u] + h @ self.U[:, :2 * u]
            self.zr[:, t] = rec.forward(self.p_zr[:, t])
            r = self.zr[:, t, u:]
            if self.reset_after:  # reset after the product: r u_h
                self.p_h[:, t] = xW[:, t, 2 * u:] + r * self.uh[:, t]
            else:                 # reset before it: (r h_{t-1}) U_h
                self.uh[:, t] = r * h
                self.p_h[:, t] = xW[:, t, 2 * u:] + self.uh[:, t] @ self.U[:, 2 * u:]
            self.hh[:, t] = act.forward(self.p_h[:, t])
            z = self.zr[:, t, :u]
            self.hs[:, t + 1] = z * h + (1 - z) * self.hh[:, t]
        return self._output(self.hs)

    def backward(self, grad_a):
        g_out, dx = self._step_grads(grad_a), self._start_grads()
        u, act, rec = self.units, self.activation, self.recurrent_activation
        W, U = self.W, self.U
        db_x, db_u = (self.db[0], self.db[1]) if self.reset_after else (self.db, None)
        dh_next = np.zeros((len(self.x), u))
        for t in reversed(range(self.x.shape[1])):
            h, z, r = self.hs[:, t], self.zr[:, t, :u], self.zr[:, t, u:]
            p_z, p_r = self.p_zr[:, t, :u], self.p_zr[:, t, u:]
            dh = g_out[:, t] + dh_next
            dp_h = act.backward(self.p_h[:, t], self.hh[:, t], dh * (1 - z))
            dp_z = rec.backward(p_z, z, dh * (h - self.hh[:, t]))
            if self.reset_after:
                dp_r = rec.backward(p_r, r, dp_h * self.uh[:, t])
                ds_u = np.concatenate([dp_z, dp_r, dp_h * r], axis=1)
                self.dU += h.T @ ds_u
                db_u += ds_u.sum(axis=0)
                dh_next = dh * z + ds_u @ U.T
            else:
                d_rh = dp_h @ U[:, 2 * u:].T
                dp_r = rec.backward(p_r, r, d_rh * h)
                ds_u = np.concatenate([dp_z, dp_r], axis=1)
                self.dU[:, :2 * u] += h.T @ ds_u
                self.dU[:, 2 * u:] += self.uh[:, t].T @ dp_h
                dh_next = dh * z + ds_u @ U[:, :2 * u].T + d_rh * r
            ds_x = np.concatenate([dp_z, dp_r, dp_h], axis=1)
            self.dW += self.x[:, t].T @ ds_x
            db_x += ds_x.sum(axis=0)
            dx[:, t] = ds_x @ W.T
        return dx


class TimeDistributed(Layer):
    """The same layer applied to every step of a sequence, Keras's TimeDistributed: x (n, T, ...) is
    reshaped to (n*T, ...) rows, passed through `layer`, and reshaped back to (n, T, ...). The layer's
    weights are shared by the steps, so its gradients sum over them (the reshape does that: the rows of
    all steps enter one x^T delta). TimeDistributed(Dense(units, 5)) is a Dense on every h_t."""

    def __init__(self, layer: Layer, name: str = "time_distributed"):
        if not isinstance(layer, Layer):
            raise TypeError(f"TimeDistributed wraps a Layer (e.g. Dense(8, 3)), got {layer!r}.")
        self.layer = layer
        self.name = _check_name(name)

    @property
    def trainable(self):
        return self.layer.trainable

    @trainable.setter
    def trainable(self, value):
        self.layer.trainable = value

    def params(self):
        return [(f"{self.name}/{pname.rsplit('/', 1)[-1]}", v, g) for pname, v, g in self.layer.params()]

    def penalty(self) -> float:
        return self.layer.penalty()

    def forward(self, x, training: bool = False):
        if np.ndim(x) < 3:
            raise ValueError(f"{self.name} expects sequences (n, T, ...), got shape {np.shape(x)}.")
        x = np.asarray(x)
        self.nT = x.shape[:2]
        out = self.layer.forward(x.reshape(-1, *x.shape[2:]), training=training)
        return out.reshape(*self.nT, *out.shape[1:])

    def backward(self, grad_a):
        dx = self.layer.backward(grad_a.reshape(-1, *grad_a.shape[2:]))
        return None if dx is None else dx.reshape(*self.nT, *dx.shape[1:])

    def __repr__(self):
        return f"TimeDistributed({self.layer!r})"
