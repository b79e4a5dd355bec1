"""Datasets and preprocessing: toy 2-D sets (as in the TensorFlow Playground), handwritten
digits (bundled with scikit-learn, offline), MNIST (when a copy is cached), splits, scaling,
one-hot encoding, input features and mini-batches.

Toy sets live in the square [-6, 6]^2, like the Playground's. Classification labels are 0/1
(0/1/2 for 'spiral3'); regression targets are floats in about [-1, 1].
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import numpy as np

from .core._checks import as_float_array, as_generator, check_fraction, check_int, check_positive, lookup

__all__ = ["CLASSIFICATION", "REGRESSION", "DATASETS", "FEATURES", "make_dataset", "is_classification",
           "n_classes", "train_test_split", "Standardizer", "one_hot", "features", "shift_images",
           "augment_shifts", "jitter", "load_digits", "load_mnist", "mnist_path", "check_points",
           "read_points_csv", "Points", "MAX_ROWS", "TASKS"]

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

    noise is a fraction in [0, 0.5] (the Playground's 0-50 %); seed: None, an integer >= 0 or a
    numpy Generator.
    """
    maker = lookup(name, _MAKERS, "dataset")
    n = check_int(n, "n", low=4)
    noise = check_fraction(noise, "noise", upper_inclusive=True)
    if noise > 0.5:
        raise ValueError(f"noise must be in [0, 0.5], got {noise!r}.")
    return maker(n, noise, as_generator(seed))


def is_classification(name: str) -> bool:
    """True for the classification datasets (labels 0, 1, ...), False for the regression ones."""
    return lookup(name, {d: d for d in DATASETS}, "dataset") in CLASSIFICATION


def n_classes(y) -> int:
    """Number of classes of integer labels 0 .. k-1: max(y) + 1."""
    return int(np.max(y)) + 1


def train_test_split(X, y, test_size: float = 0.25, seed=0):
    """Shuffle and split, as scikit-learn's train_test_split: (X_train, X_test, y_train, y_test).

    test_size is the fraction of samples held out for testing, in (0, 1); the test part has
    ceil(test_size * n) samples (as in scikit-learn) and both parts keep at least one.
    seed: None, an integer >= 0 or a numpy Generator (scikit-learn calls it random_state).
    """
    X = np.asarray(X)
    y = np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} samples but y has {len(y)}.")
    if len(X) < 2:
        raise ValueError(f"train_test_split needs at least 2 samples, got {len(X)}.")
    test_size = check_fraction(test_size, "test_size")
    if test_size == 0:
        raise ValueError("test_size must be > 0 (a fraction such as 0.25): an empty test set measures nothing.")
    order = as_generator(seed).permutation(len(X))
    # round before ceil: 1 - 0.7 is 0.30000000000000004, and 150.00000000000003 must not become 151
    n_test = int(np.ceil(round(test_size * len(X), 9)))
    n_train = min(max(len(X) - n_test, 1), len(X) - 1)
    tr, te = order[:n_train], order[n_train:]
    return X[tr], X[te], y[tr], y[te]


class Standardizer:
    """x' = (x - mean_) / scale_ with the mean and standard deviation of the training data only
    (no test leakage). scikit-learn's StandardScaler interface:

        scaler = Standardizer().fit(X_train)          # fit returns the scaler itself
        X_train_s = scaler.transform(X_train)         # or Standardizer().fit_transform(X_train)
        X_test_s = scaler.transform(X_test)           # the TRAINING mean and scale
        scaler.inverse_transform(X_test_s)            # back to the original units
    """

    def __init__(self):
        self.mean_: np.ndarray | None = None
        self.scale_: np.ndarray | None = None

    def fit(self, X):
        """Learn mean_ and scale_ (the std; 1 for constant columns) per column of X (n, d); returns self."""
        X = as_float_array(X, "X", ndim=2)
        if len(X) == 0:
            raise ValueError("Standardizer.fit needs at least one sample, got X of shape (0, d).")
        std = X.std(axis=0)
        self.mean_, self.scale_ = X.mean(axis=0), np.where(std > 0, std, 1.0)  # constant columns stay as they are
        return self

    def _check(self, X):
        if self.mean_ is None:
            raise ValueError("This Standardizer is not fitted yet: call fit(X_train) first.")
        X = as_float_array(X, "X", ndim=2)
        if X.shape[1] != len(self.mean_):
            raise ValueError(f"X has {X.shape[1]} columns but the Standardizer was fitted on {len(self.mean_)}.")
        return X

    def transform(self, X):
        """(X - mean_) / scale_, shape (n, d)."""
        return (self._check(X) - self.mean_) / self.scale_

    def fit_transform(self, X):
        """fit(X) then transform(X)."""
        return self.fit(X).transform(X)

    def inverse_transform(self, X):
        """X * scale_ + mean_: standardized values back to the original units."""
        return self._check(X) * self.scale_ + self.mean_

    def __repr__(self):
        return "Standardizer()" if self.mean_ is None else f"Standardizer(fitted on {len(self.mean_)} columns)"


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
    y = np.asarray(y)
    if len(y) != len(X):
        raise ValueError(f"X has {len(X)} samples but y has {len(y)}.")
    copies = check_int(copies, "copies", low=0)
    sigma = check_positive(sigma, "sigma", allow_zero=True)
    rng = as_generator(seed)
    noisy = [X + sigma * rng.normal(size=X.shape) for _ in range(copies)]
    return np.concatenate([X, *noisy]), np.concatenate([y] * (copies + 1))


def load_digits(test_size: float = 0.2, seed=0):
    """scikit-learn's 8x8 handwritten digits (1,797 images, bundled, offline), pixels scaled to
    [0, 1]: returns (X_train, X_test, y_train, y_test) with X rows of 64 pixels and integer labels;
    test_size and seed as in train_test_split (0.2: 1,437 training and 360 test images)."""
    X, target = _digits_arrays()
    return train_test_split(X, target, test_size=test_size, seed=seed)  # indexing copies: the cache stays intact


@lru_cache(maxsize=1)
def _digits_arrays():
    """The 1,797 images (pixels / 16) and labels, read once per process (scikit-learn unpacks a CSV
    each time, 30 ms; lesson 13 asks for the digits 68 times). Read-only."""
    from sklearn.datasets import load_digits as _sk_digits  # noqa: PLC0415 (keeps `import dlteach` light)

    digits = _sk_digits()
    X, target = digits.data / 16.0, digits.target
    X.setflags(write=False)
    target.setflags(write=False)
    return X, target


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


# --- your own data: two feature columns and a label column ------------------------------------
MAX_ROWS = 10_000
MAX_CLASSES = 3  # the Playground colours three classes (as 'spiral3')
TASKS = ("auto", "classification", "regression")


class Points(tuple):
    """(X, y, task, classes): X (n, 2) floats; y (n,) class indices 0..k-1 (floats) or regression
    targets; task 'classification' or 'regression'; classes: the original label of each class index
    (a tuple), or None for regression. Unpacks as a tuple: X, y, task, classes = check_points(...)."""

    def __new__(cls, X, y, task, classes):
        return super().__new__(cls, (X, y, task, classes))

    X = property(lambda self: self[0])
    y = property(lambda self: self[1])
    task = property(lambda self: self[2])
    classes = property(lambda self: self[3])


def check_points(X, y, task: str = "auto", max_rows: int = MAX_ROWS) -> Points:
    """Validate a 2-D dataset of your own: X (n, 2) numbers, y (n,) labels or targets, no NaN or inf,
    4 to max_rows points. task: 'classification' (integer labels, 2 or 3 classes, relabelled 0..k-1
    in sorted order), 'regression' (real targets) or 'auto': classification when every label is an
    integer and there are 2 or 3 distinct ones, else regression. Raises a ValueError that says what
    is wrong; returns Points(X, y, task, classes)."""
    task = lookup(task, {t: t for t in TASKS}, "task")
    X = as_float_array(X, "X (the feature columns)", ndim=2)
    if X.shape[1] != 2:
        raise ValueError(f"X must have 2 feature columns (x1, x2), got {X.shape[1]}.")
    y = as_float_array(y, "y (the label column)", ndim=1)
    if len(y) != len(X):
        raise ValueError(f"X has {len(X)} points but y has {len(y)} labels.")
    if len(X) < 4:
        raise ValueError(f"your data needs at least 4 points (some to train, some to test), got {len(X)}.")
    if len(X) > max_rows:
        raise ValueError(f"your data has {len(X):,} points; at most {max_rows:,} are accepted "
                         "(training redraws live: take a random sample).")
    values = np.unique(y)
    if len(values) < 2:
        raise ValueError(f"every label is {values[0]:g}: there is nothing to learn (a classifier needs at "
                         "least 2 classes, a regression 2 different targets).")
    integers = bool(np.all(values == np.round(values)))
    if task == "auto":
        task = "classification" if integers and 2 <= len(values) <= MAX_CLASSES else "regression"
    if task == "classification":
        if not integers:
            bad = values[values != np.round(values)][0]
            raise ValueError(f"classification labels must be integers (such as 0 and 1), got {bad:g}; "
                             "choose regression for real-valued targets.")
        if len(values) > MAX_CLASSES:
            raise ValueError(f"{len(values)} classes ({', '.join(f'{v:g}' for v in values[:6])}...); "
                             f"the Playground shows at most {MAX_CLASSES}.")
        return Points(X, np.searchsorted(values, y).astype(float), task,
                      tuple(int(v) for v in values))
    return Points(X, y, task, None)


def _csv_text(content) -> str:
    if isinstance(content, (bytes, bytearray, memoryview)):
        content = bytes(content)
        try:
            return content.decode("utf-8-sig")  # a byte-order mark (Excel's 'CSV UTF-8') is dropped
        except UnicodeDecodeError as err:
            raise ValueError(f"the file is not a text CSV (UTF-8): byte 0x{content[err.start]:02x} at position "
                             f"{err.start} cannot be read. Save it as CSV from your spreadsheet.") from None
    if isinstance(content, str):
        return content
    raise TypeError(f"content must be the file's bytes or text, got {type(content).__name__}.")


def read_points_csv(content, task: str = "auto", max_rows: int = MAX_ROWS) -> Points:
    """Read your own 2-D dataset from CSV text or bytes: three columns x1, x2, label (an optional
    header row of names; comma, semicolon or tab separated). Checks every cell and then
    check_points(X, y, task, max_rows). A bad file raises one ValueError naming the row (the file's
    line number), the column and the cell."""
    import csv  # noqa: PLC0415

    lines = [(i, line) for i, line in enumerate(_csv_text(content).splitlines(), start=1) if line.strip()]
    if not lines:
        raise ValueError("the file is empty: expected rows of x1, x2, label.")
    first = lines[0][1]
    delimiter = max(",;\t", key=first.count) if any(d in first for d in ",;\t") else ","
    rows = list(zip((i for i, _ in lines), csv.reader((line for _, line in lines), delimiter=delimiter)))

    def number(cell):
        try:
            return float(cell)
        except ValueError:
            return None

    if any(number(cell) is None for cell in rows[0][1]):
        rows = rows[1:]  # a header row of names
        if not rows:
            raise ValueError("the file has a header row but no data rows.")
    if len(rows) > max_rows:
        raise ValueError(f"the file has {len(rows):,} rows; at most {max_rows:,} are accepted "
                         "(training redraws live: take a random sample).")
    values = np.empty((len(rows), 3))
    for r, (line_no, cells) in enumerate(rows):
        if len(cells) != 3:
            raise ValueError(f"row {line_no} has {len(cells)} column(s); expected 3: x1, x2, label.")
        for c, cell in enumerate(cells):
            v = number(cell)
            if v is None or not np.isfinite(v):
                what = "is empty" if not cell.strip() else (f"{cell.strip()!r} is not a number" if v is None
                                                             else f"is {cell.strip()} (missing or infinite)")
                raise ValueError(f"row {line_no}, column {c + 1} ({('x1', 'x2', 'label')[c]}) {what}: "
                                 "every cell must be a finite number.")
            values[r, c] = v
    return check_points(values[:, :2], values[:, 2], task, max_rows)
