"""A drawing canvas (anywidget: JupyterLab 4, Notebook 7, VS Code and Colab, ipywidgets 7.7 or 8) and
the pure-NumPy preprocessing that turns its strokes into the images the digit models were trained on.

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

import anywidget
import numpy as np
import traitlets

__all__ = ["DrawingCanvas", "as_strokes", "render", "center_of_mass", "shift", "block_counts", "digits8",
           "mnist28"]

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


_ESM = r"""
function render({ model, el }) {
  const size = model.get("size");
  const root = document.createElement("div");
  root.className = "dlteach-canvas";
  const canvas = document.createElement("canvas");
  const ratio = window.devicePixelRatio || 1;
  canvas.width = size * ratio;
  canvas.height = size * ratio;
  canvas.style.width = size + "px";
  canvas.style.height = size + "px";
  canvas.style.touchAction = "none";  // a finger draws instead of scrolling the page
  canvas.setAttribute("aria-label", "drawing area: draw a digit");
  const clear = document.createElement("button");
  clear.textContent = "clear";
  clear.className = "dlteach-clear";
  root.append(canvas, clear);
  el.appendChild(root);
  const ctx = canvas.getContext("2d");
  ctx.scale(ratio, ratio);

  let current = null;  // the stroke being drawn: [[x, y], ...] as fractions of the canvas

  function line(points) {
    ctx.lineWidth = model.get("pen") * size;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.strokeStyle = "#111";
    ctx.beginPath();
    ctx.moveTo(points[0][0] * size, points[0][1] * size);
    for (const [x, y] of points.length > 1 ? points.slice(1) : points) ctx.lineTo(x * size, y * size);
    ctx.stroke();
  }
  function redraw() {
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, size, size);
    for (const s of model.get("strokes")) if (s.length) line(s);
    if (current) line(current);
  }
  function point(e) {
    const r = canvas.getBoundingClientRect();
    const f = (v) => Math.round(Math.min(Math.max(v, 0), 1) * 1000) / 1000;
    return [f((e.clientX - r.left) / r.width), f((e.clientY - r.top) / r.height)];
  }
  canvas.addEventListener("pointerdown", (e) => {
    e.preventDefault();
    canvas.setPointerCapture(e.pointerId);
    current = [point(e)];
    redraw();
  });
  canvas.addEventListener("pointermove", (e) => {
    if (!current) return;
    current.push(point(e));
    line(current.slice(-2));
  });
  function finish() {
    if (!current) return;
    const stroke = current;
    current = null;
    model.set("strokes", [...model.get("strokes"), stroke]);  // Python sees one change per stroke
    model.save_changes();
  }
  canvas.addEventListener("pointerup", finish);
  canvas.addEventListener("pointercancel", finish);
  clear.addEventListener("click", () => {
    current = null;
    model.set("strokes", []);
    model.save_changes();
  });
  model.on("change:strokes", redraw);  // also when Python sets or clears the strokes
  redraw();
  return () => model.off("change:strokes", redraw);  // this view is gone: stop listening
}
export default { render };
"""

_CSS = """
.dlteach-canvas { display: flex; flex-direction: column; align-items: flex-start; gap: 6px; }
.dlteach-canvas canvas { border: 1px solid #888; border-radius: 4px; cursor: crosshair; background: #fff; }
.dlteach-clear { font-size: 14px; padding: 4px 14px; cursor: pointer; }
"""


class DrawingCanvas(anywidget.AnyWidget):
    """A square canvas to draw on with a mouse, pen or finger (pointer events), and a clear button.

    strokes  synced with the browser: a list of strokes, each a list of [x, y] points as fractions
             of the canvas (0..1, y down). It changes once per finished stroke; set it to draw from
             Python, clear() (or the button) empties it.
    size     the canvas side in CSS pixels; pen  the displayed pen width as a fraction of the side."""

    _esm = _ESM
    _css = _CSS
    strokes = traitlets.List([]).tag(sync=True)
    size = traitlets.Int(240).tag(sync=True)
    pen = traitlets.Float(0.06).tag(sync=True)

    @traitlets.validate("strokes")
    def _check_strokes(self, proposal):
        return [p.tolist() for p in as_strokes(proposal["value"])]

    def clear(self):
        """Remove every stroke (what the clear button does)."""
        self.strokes = []
