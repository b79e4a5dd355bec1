"""Datasets and preprocessing: toy 2-D sets (as in the TensorFlow Playground), handwritten
digits (bundled with scikit-learn, offline), MNIST (when a copy is cached), splits, scaling,
one-hot encoding, input features and mini-batches.

Toy sets live in the square [-6, 6]^2, like the Playground's. Classification labels are 0/1
(0/1/2 for 'spiral3'); regression targets are floats in about [-1, 1].
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .core._checks import as_float_array, check_fraction, lookup

CLASSIFICATION = ("circle", "xor", "gauss", "spiral", "spiral3", "moons")
REGRESSION = ("reg_plane", "reg_gauss")
DATASETS = CLASSIFICATION + REGRESSION


def _circle(n, noise, rng):
    radius = 5.0
    n_in = n // 2
    r = np.concatenate([rng.uniform(0, radius * 0.5, n_in), rng.uniform(radius * 0.7, radius, n - n_in)])
    angle = rng.uniform(0, 2 * np.pi, n)
    X = np.c_[r * np.sin(angle), r * np.cos(angle)]
    X += rng.uniform(-radius, radius, X.shape) * noise
    y = (np.hypot(X[:, 0], X[:, 1]) < radius * 0.6).astype(float)  # label by where the noisy point lies
    return X, y


def _xor(n, noise, rng):
    X = rng.uniform(-5, 5, size=(n, 2))
    X += np.where(X > 0, 0.3, -0.3)  # a margin around the axes
    X += rng.uniform(-5, 5, X.shape) * noise
    return X, (X[:, 0] * X[:, 1] >= 0).astype(float)


def _gauss(n, noise, rng):
    std = 0.5 + 4.0 * noise  # noise 0..0.5 -> std 0.5..2.5
    n_pos = n // 2
    X = np.r_[rng.normal(2, std, (n_pos, 2)), rng.normal(-2, std, (n - n_pos, 2))]
    return X, np.r_[np.ones(n_pos), np.zeros(n - n_pos)]


def _spiral(n, noise, rng, k=2):
    sizes = [n // k + (i < n % k) for i in range(k)]
    X, y = [], []
    for c, m in enumerate(sizes):
        t = np.linspace(0, 1, m, endpoint=False)
        r = 5 * t
        angle = 1.75 * 2 * np.pi * t + 2 * np.pi * c / k
        X.append(np.c_[r * np.sin(angle), r * np.cos(angle)] + rng.uniform(-1, 1, (m, 2)) * noise * 5)
        y.append(np.full(m, float(c)))
    return np.concatenate(X), np.concatenate(y)


def _moons(n, noise, rng):
    n_up = n // 2
    t_up = rng.uniform(0, np.pi, n_up)
    t_dn = rng.uniform(0, np.pi, n - n_up)
    X = np.r_[np.c_[np.cos(t_up), np.sin(t_up)], np.c_[1 - np.cos(t_dn), 0.5 - np.sin(t_dn)]]
    X = (X - [0.5, 0.25]) * 3.5 + rng.normal(0, 1, X.shape) * noise * 2
    return X, np.r_[np.zeros(n_up), np.ones(n - n_up)]


def _reg_plane(n, noise, rng):
    X = rng.uniform(-6, 6, size=(n, 2))
    y = (X[:, 0] + X[:, 1]) / 12 + rng.uniform(-1, 1, n) * noise
    return X, y


def _reg_gauss(n, noise, rng):
    X = rng.uniform(-6, 6, size=(n, 2))
    centres = np.array([[-4, 2.5], [0, 2.5], [4, 2.5], [-4, -2.5], [0, -2.5], [4, -2.5]])
    signs = np.array([1, -1, 1, -1, 1, -1])
    d2 = ((X[:, None, :] - centres[None]) ** 2).sum(-1)
    y = (signs * np.exp(-d2 / 2)).sum(1) + rng.uniform(-1, 1, n) * noise
    return X, y


_MAKERS = {"circle": _circle, "xor": _xor, "gauss": _gauss, "spiral": _spiral,
           "spiral3": lambda n, noise, rng: _spiral(n, noise, rng, k=3), "moons": _moons,
           "reg_plane": _reg_plane, "reg_gauss": _reg_gauss}


def make_dataset(name: str = "circle", n: int = 500, noise: float = 0.0, seed=0):
    """Return (X, y): X of shape (n, 2); y of shape (n,), class labels or regression targets.

    noise is a fraction in [0, 0.5] (the Playground's 0-50 %).
    """
    maker = lookup(name, _MAKERS, "dataset")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 4:
        raise ValueError(f"n must be an integer >= 4, got {n!r}.")
    noise = check_fraction(noise, "noise", upper_inclusive=True)
    if noise > 0.5:
        raise ValueError(f"noise must be in [0, 0.5], got {noise!r}.")
    return maker(int(n), noise, np.random.default_rng(seed))


def is_classification(name: str) -> bool:
    return lookup(name, {d: d for d in DATASETS}, "dataset") in CLASSIFICATION


def n_classes(y) -> int:
    return int(np.max(y)) + 1


def train_test_split(X, y, train_ratio: float = 0.5, seed=0):
    """Shuffle and split: (X_train, X_test, y_train, y_test). Both parts keep at least 1 sample."""
    X = np.asarray(X)
    y = np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} samples but y has {len(y)}.")
    train_ratio = check_fraction(train_ratio, "train_ratio")
    if train_ratio == 0:
        raise ValueError("train_ratio must be > 0: the network needs some data to learn from.")
    order = np.random.default_rng(seed).permutation(len(X))
    n_train = min(max(int(train_ratio * len(X)), 1), len(X) - 1)
    tr, te = order[:n_train], order[n_train:]
    return X[tr], X[te], y[tr], y[te]


@dataclass
class Standardizer:
    """x' = (x - mean) / std with mean and std of the training data only (no test leakage)."""

    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def fit(cls, X):
        X = as_float_array(X, "X", ndim=2)
        std = X.std(axis=0)
        return cls(X.mean(axis=0), np.where(std > 0, std, 1.0))  # constant columns stay as they are

    def transform(self, X):
        return (as_float_array(X, "X", ndim=2) - self.mean) / self.std


def one_hot(y, k: int | None = None) -> np.ndarray:
    """Integer labels (n,) -> one-hot rows (n, k)."""
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"one_hot expects labels of shape (n,), got {y.shape}.")
    if not np.all(np.equal(np.mod(y, 1), 0)) or np.any(y < 0):
        raise ValueError("one_hot expects non-negative integer class labels.")
    y = y.astype(int)
    k = int(y.max()) + 1 if k is None else int(k)
    if y.max() >= k:
        raise ValueError(f"label {y.max()} does not fit in k={k} classes.")
    return np.eye(k)[y]


FEATURES = {
    "x1": lambda X: X[:, 0],
    "x2": lambda X: X[:, 1],
    "x1^2": lambda X: X[:, 0] ** 2,
    "x2^2": lambda X: X[:, 1] ** 2,
    "x1*x2": lambda X: X[:, 0] * X[:, 1],
    "sin x1": lambda X: np.sin(X[:, 0]),
    "sin x2": lambda X: np.sin(X[:, 1]),
}


def features(X, names=("x1", "x2")) -> np.ndarray:
    """Input features computed from 2-D points, as the Playground's input column: (n, len(names))."""
    names = list(names)
    if not names:
        raise ValueError(f"choose at least one input feature from {list(FEATURES)}.")
    for name in names:
        if name not in FEATURES:
            raise ValueError(f"Unknown feature {name!r}. Valid: {', '.join(FEATURES)}.")
    X = as_float_array(X, "X", ndim=2)
    return np.stack([FEATURES[name](X) for name in names], axis=1)


def shift_images(X, dx: int, dy: int):
    """Move square images (rows of side*side pixels) by dx pixels right and dy down, filling with 0."""
    X = np.asarray(X, dtype=np.float64)
    side = int(round(np.sqrt(X.shape[1])))
    if side * side != X.shape[1]:
        raise ValueError(f"rows of {X.shape[1]} pixels are not square images.")
    imgs = X.reshape(-1, side, side)
    out = np.zeros_like(imgs)
    ys, yd = (slice(0, side - dy), slice(dy, side)) if dy >= 0 else (slice(-dy, side), slice(0, side + dy))
    xs, xd = (slice(0, side - dx), slice(dx, side)) if dx >= 0 else (slice(-dx, side), slice(0, side + dx))
    out[:, yd, xd] = imgs[:, ys, xs]
    return out.reshape(len(X), -1)


def augment_shifts(X, y):
    """Data augmentation: every image plus its four one-pixel shifts (up, down, left, right): 5x the data,
    the same labels. A digit moved by a pixel is still the same digit."""
    shifts = [(0, 0), (1, 0), (-1, 0), (0, 1), (0, -1)]
    return np.concatenate([shift_images(X, dx, dy) for dx, dy in shifts]), np.concatenate([y] * len(shifts))


def jitter(X, y, copies: int = 5, sigma: float = 0.3, seed=0):
    """Data augmentation for points: the originals plus `copies` noisy copies of each (Gaussian, std
    sigma), with the same labels: it tells the network that nearby points share a class."""
    X = as_float_array(X, "X", ndim=2)
    rng = np.random.default_rng(seed)
    noisy = [X + sigma * rng.normal(size=X.shape) for _ in range(int(copies))]
    return np.concatenate([X, *noisy]), np.concatenate([np.asarray(y)] * (int(copies) + 1))


def load_digits(seed: int = 0, test_ratio: float = 0.2):
    """scikit-learn's 8x8 handwritten digits (1,797 images, bundled, offline), pixels scaled to
    [0, 1]: returns (X_train, X_test, y_train, y_test) with X rows of 64 pixels and integer labels."""
    from sklearn.datasets import load_digits as _sk_digits  # noqa: PLC0415 (keeps `import dlteach` light)

    digits = _sk_digits()
    X = digits.data / 16.0
    return train_test_split(X, digits.target, train_ratio=1 - test_ratio, seed=seed)


def mnist_path() -> Path:
    """Where Keras's mnist.load_data() caches mnist.npz (KERAS_HOME, else ~/.keras)."""
    home = os.environ.get("KERAS_HOME", os.path.join(os.path.expanduser("~"), ".keras"))
    return Path(home) / "datasets" / "mnist.npz"


def load_mnist(download: bool = False, verbose: bool = True):
    """MNIST (28x28, 60,000 + 10,000 images) when a copy exists, else the 8x8 digits.

    Uses the same file and keys as keras.datasets.mnist.load_data(). With download=True and no
    cached copy, Keras's own loader downloads it (needs the network). Returns
    (X_train, X_test, y_train, y_test, name), pixels in [0, 1], images flattened into rows.
    """
    path = mnist_path()
    if not path.exists() and download:
        try:
            from .keras_twin import download_mnist  # noqa: PLC0415

            download_mnist()
        except Exception as err:  # no network, a proxy, a full disk: fall back, say why
            if verbose:
                print(f"MNIST download failed ({type(err).__name__}); using scikit-learn's 8x8 digits instead.")
    if path.exists():
        with np.load(path, allow_pickle=False) as f:
            x_train, y_train, x_test, y_test = f["x_train"], f["y_train"], f["x_test"], f["y_test"]
        if verbose:
            print(f"Using MNIST from {path.name}: {len(x_train)} training and {len(x_test)} test images, 28x28.")
        return (x_train.reshape(len(x_train), -1) / 255.0, x_test.reshape(len(x_test), -1) / 255.0,
                y_train.astype(int), y_test.astype(int), "mnist")
    X_train, X_test, y_train, y_test = load_digits()
    if verbose:
        print(f"MNIST not available offline; using scikit-learn's 8x8 digits instead "
              f"({len(X_train)} training and {len(X_test)} test images).")
    return X_train, X_test, y_train, y_test, "digits"
