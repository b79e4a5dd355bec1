"""A drawing canvas (anywidget: JupyterLab 4, Notebook 7, VS Code and Colab, ipywidgets 7.7 or 8).

    canvas = DrawingCanvas()              # draw with the mouse, a pen or a finger; "clear" empties it
    canvas.strokes                         # [[[x, y], ...], ...]: points as fractions of the canvas, y down

The browser only records strokes (small, resolution-free); dlteach.strokes renders them exactly like
the training images (digits8, mnist28).
"""
from __future__ import annotations

import anywidget
import traitlets

from ..strokes import as_strokes

__all__ = ["DrawingCanvas"]

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
