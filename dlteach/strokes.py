"""Drawn strokes as the images the digit models were trained on (pure NumPy; the canvas that records
the strokes is dlteach.widgets.DrawingCanvas).

    canvas = DrawingCanvas()              # draw with the mouse, a pen or a finger; "clear" empties it
    canvas.strokes                         # [[[x, y], ...], ...]: points as fractions of the canvas, y down
    digits8(canvas.strokes)                # (64,) in [0, 1]: an 8x8 image as in data.load_digits()
    mnist28(canvas.strokes)                # (784,) in [0, 1]: a 28x28 image as in data.load_mnist()

The browser only records strokes (small, resolution-free); Python renders them, so the drawing the
network sees is made exactly like its training images:
  8x8 digits (scikit-learn, from UCI optdigits): the digit is size-normalised into a 32x32 binary
      bitmap, which is cut into 4x4 blocks; each of the 8x8 values counts the ink pixels of a block
      (0..16). data.load_digits() divides by 16.
  28x28 MNIST: the digit is size-normalised (aspect kept) into a 20x20 box with grey anti-aliased
      edges, then placed in a 28x28 image so that its centre of mass is at the centre.
"""
from __future__ import annotations

import numpy as np

__all__ = ["as_strokes", "render", "center_of_mass", "shift", "block_counts", "digits8", "mnist28"]

PEN_32 = 7.0  # pen width in pixels of the 32x32 bitmap: the optdigits strokes are about two 4x4 blocks wide
PEN_20 = 2.5  # pen width in pixels of MNIST's 20x20 box: its strokes are 2-3 pixels wide


def as_strokes(strokes) -> list[np.ndarray]:
    """Check and convert strokes: a list of strokes, each a sequence of (x, y) points (at least one)
    with finite coordinates. Returns a list of (k, 2) float arrays; empty strokes are dropped."""
    if not isinstance(strokes, (list, tuple)):
        raise TypeError(f"strokes must be a list of strokes (lists of [x, y] points), got {type(strokes).__name__}.")
    out = []
    for i, stroke in enumerate(strokes):
        try:
            p = np.asarray(stroke, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"strokes[{i}] must be a list of [x, y] number pairs, got {stroke!r:.60}.") from None
        if p.size == 0:
            continue
        if p.ndim != 2 or p.shape[1] != 2:
            raise ValueError(f"strokes[{i}] must be a list of [x, y] points (shape (k, 2)), got shape {p.shape}.")
        if not np.all(np.isfinite(p)):
            raise ValueError(f"strokes[{i}] has a NaN or infinite coordinate.")
        out.append(p)
    return out


def _segment_distance(px, py, a, b):
    """Distance from every point (px, py) to the segment a-b (a point when a == b)."""
    d = b - a
    length2 = d @ d
    t = 0.0 if length2 == 0 else np.clip(((px - a[0]) * d[0] + (py - a[1]) * d[1]) / length2, 0.0, 1.0)
    return np.hypot(px - a[0] - t * d[0], py - a[1] - t * d[1])


def render(strokes, box: int, out: int, pen: float, supersample: int = 4) -> np.ndarray:
    """Size-normalise the strokes and draw them with a round pen of width `pen` pixels: the ink's
    bounding box, pen included, is scaled (aspect kept) so that its longer side is `box` pixels,
    and centred in an (out, out) image. Each pixel is the fraction of it that ink covers (measured
    on a supersample x supersample grid inside it): grey edges, values in [0, 1]. No ink: zeros."""
    strokes = as_strokes(strokes)
    image = np.zeros((out, out))
    if not strokes:
        return image
    points = np.concatenate(strokes)
    lo, hi = points.min(axis=0), points.max(axis=0)
    extent = max(hi - lo)  # 0 for a single dot: it is drawn as one pen-sized disc
    scale = (box - pen) / extent if extent > 0 else 0.0
    centre = (lo + hi) / 2
    n = out * supersample
    grid = (np.arange(n) + 0.5) / supersample  # sample positions in output pixels
    py, px = np.meshgrid(grid, grid, indexing="ij")
    ink = np.zeros((n, n), dtype=bool)
    for p in strokes:
        q = (p - centre) * scale + out / 2  # output-pixel coordinates, the drawing centred
        for a, b in zip(q, q[1:] if len(q) > 1 else q):
            ink |= _segment_distance(px, py, a, b) <= pen / 2
    return ink.reshape(out, supersample, out, supersample).mean(axis=(1, 3))


def center_of_mass(image) -> np.ndarray:
    """(row, column) of the intensity-weighted centre of an image, in pixel-centre coordinates
    (the centre of an (n, n) image is ((n - 1) / 2, (n - 1) / 2))."""
    image = np.asarray(image, dtype=np.float64)
    total = image.sum()
    if total == 0:
        return (np.array(image.shape) - 1) / 2
    rows, cols = np.indices(image.shape)
    return np.array([(rows * image).sum() / total, (cols * image).sum() / total])


def shift(image, dy: int, dx: int) -> np.ndarray:
    """Move an image by whole pixels (down dy, right dx), filling with zeros."""
    image = np.asarray(image)
    out = np.zeros_like(image)
    h, w = image.shape
    out[max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = image[max(-dy, 0):h - max(dy, 0),
                                                                      max(-dx, 0):w - max(dx, 0)]
    return out


def _centre_by_mass(image) -> np.ndarray:
    """Shift so that the centre of mass is as near the image centre as whole pixels allow, but never
    push ink off the image (a digit that fills the height cannot move up or down)."""
    if not image.any():
        return image
    target = (np.array(image.shape) - 1) / 2
    dy, dx = np.round(target - center_of_mass(image)).astype(int)
    rows, cols = np.nonzero(image.any(axis=1))[0], np.nonzero(image.any(axis=0))[0]
    dy = int(np.clip(dy, -rows[0], image.shape[0] - 1 - rows[-1]))
    dx = int(np.clip(dx, -cols[0], image.shape[1] - 1 - cols[-1]))
    return shift(image, dy, dx)


def block_counts(bitmap, block: int = 4) -> np.ndarray:
    """Count the ink pixels (1s) in each block x block square: (h, w) -> (h / block, w / block)."""
    bitmap = np.asarray(bitmap)
    h, w = bitmap.shape
    if h % block or w % block:
        raise ValueError(f"bitmap shape {bitmap.shape} is not a multiple of block={block}.")
    return bitmap.reshape(h // block, block, w // block, block).sum(axis=(1, 3))


def digits8(strokes) -> np.ndarray:
    """The strokes as one of scikit-learn's 8x8 digits, scaled like data.load_digits(): (64,) in
    [0, 1]. The drawing is size-normalised to fill a 32x32 bitmap (its longer side), centred by
    its centre of mass, binarised (a pixel is ink when at least half covered), and each 4x4 block's
    ink pixels are counted (0..16) and divided by 16."""
    bitmap = render(strokes, box=32, out=32, pen=PEN_32) >= 0.5
    return block_counts(_centre_by_mass(bitmap)).reshape(64) / 16.0


def mnist28(strokes) -> np.ndarray:
    """The strokes as an MNIST image, scaled like data.load_mnist(): (784,) in [0, 1]. Size-normalised
    into a 20x20 box (aspect kept, grey edges) inside 28x28, then moved so that its centre of mass
    is at the centre."""
    return _centre_by_mass(render(strokes, box=20, out=28, pen=PEN_20)).reshape(784)
