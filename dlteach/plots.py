"""Drawing functions. Each draws on a given matplotlib Axes (or Figure) and returns what it drew,
so that explorers can update the artists instead of redrawing everything.

Colours are colour-blind safe (Okabe-Ito orange and blue; diverging maps through light grey);
every axis is labelled.
"""
from __future__ import annotations

import io

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import LinearSegmentedColormap, ListedColormap

from .i18n import N_, use_figure_font
from .i18n import gettext_ as _

use_figure_font()  # figures in Chinese get the Chinese font as a fallback (dt.set_language, or the locale)

__all__ = ["blitted_png", "ORANGE", "BLUE", "GREEN", "GREY", "CLASS_COLOURS", "DIVERGING", "BACKGROUND",
           "grid", "decision_boundary", "class_map", "scatter_points", "loss_curves", "layer_positions",
           "network_diagram", "update_network", "loss_surface", "path", "activation_plot", "confusion_matrix",
           "image_grid", "computational_graph", "LiveLossPlot", "unrolled_rnn", "through_time", "text_panel",
           "wrap_text"]

ORANGE, BLUE, GREEN, GREY = "#E69F00", "#0072B2", "#009E73", "#f2f2f2"
CLASS_COLOURS = [ORANGE, BLUE, GREEN]
# Orange (negative / class 0) - light grey - blue (positive / class 1): safe for the common
# colour-vision deficiencies and readable in greyscale by lightness.
DIVERGING = LinearSegmentedColormap.from_list("dlteach_diverging", [ORANGE, GREY, BLUE])
# The same hues, lighter: a background for data points drawn in the saturated colours on top.
BACKGROUND = LinearSegmentedColormap.from_list("dlteach_background", ["#f3c46f", GREY, "#7fb2d6"])


def grid(extent: float = 6.0, resolution: int = 60):
    """Points of a square grid over [-extent, extent]^2: (resolution^2, 2), row-major from the top."""
    xs = np.linspace(-extent, extent, resolution)
    gx, gy = np.meshgrid(xs, xs[::-1])
    return np.c_[gx.ravel(), gy.ravel()]


def decision_boundary(ax, values, extent: float = 6.0, vmin: float = 0.0, vmax: float = 1.0, cmap=BACKGROUND):
    """Heatmap of model outputs on `grid(extent, r)`: `values` has r*r entries (class-1 probability,
    or a regression output). Returns the AxesImage (update it with im.set_data)."""
    r = int(round(np.sqrt(np.size(values))))
    im = ax.imshow(np.reshape(values, (r, r)), extent=(-extent, extent, -extent, extent), cmap=cmap,
                   vmin=vmin, vmax=vmax, interpolation="bilinear", aspect="equal")
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    return im


def class_map(ax, labels, extent: float = 6.0, n_classes: int = 3):
    """Predicted class per grid point for more than two classes; returns the AxesImage."""
    r = int(round(np.sqrt(np.size(labels))))
    cmap = ListedColormap(CLASS_COLOURS[:n_classes])
    im = ax.imshow(np.reshape(labels, (r, r)), extent=(-extent, extent, -extent, extent), cmap=cmap,
                   vmin=-0.5, vmax=n_classes - 0.5, alpha=0.45, interpolation="nearest", aspect="equal")
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    return im


def scatter_points(ax, X, y, classify: bool = True, test: bool = False, vmin=-1, vmax=1, size: float = 14):
    """Data points: classes in Okabe-Ito colours (white edge for train, black for test);
    regression targets on the diverging map."""
    edge = "black" if test else "white"
    if classify:
        colours = np.array(CLASS_COLOURS)[np.asarray(y, dtype=int)]
        return ax.scatter(X[:, 0], X[:, 1], c=colours, s=size, edgecolors=edge, linewidths=0.6, zorder=3)
    return ax.scatter(X[:, 0], X[:, 1], c=y, cmap=DIVERGING, vmin=vmin, vmax=vmax, s=size,
                      edgecolors=edge, linewidths=0.6, zorder=3)


def loss_curves(ax, train, test=None, xlabel: str = N_("epoch"), title: str | None = None):
    """Train (solid) and test (dashed) loss against epoch; returns the Line2D objects."""
    epochs = np.arange(1, len(train) + 1)
    lines = ax.plot(epochs, train, color=BLUE, label=_("train"))
    if test is not None:
        lines += ax.plot(epochs, test, color=ORANGE, linestyle="--", label=_("test"))
    ax.set_xlabel(_(xlabel))  # the default's translation (a caller's own label is returned as it is)
    ax.set_ylabel(_("loss"))
    ax.legend(loc="upper right", fontsize=8, frameon=False)
    if title:
        ax.set_title(title)
    return lines


def layer_positions(sizes, width: float = 1.0, height: float = 1.0):
    """(x, y) centres of the nodes of a network with the given layer sizes, in a width x height box."""
    n_layers = len(sizes)
    xs = np.linspace(0, width, n_layers) if n_layers > 1 else np.array([width / 2])
    tallest = max(sizes)
    pos = []
    for x, n in zip(xs, sizes):
        step = height / max(tallest, 1)
        ys = height / 2 + (np.arange(n) - (n - 1) / 2) * step
        pos.append(np.c_[np.full(n, x), ys[::-1]])
    return pos


def _weight_styles(weights, max_width: float):
    """Line widths (~|w|, at least 0.3) and colours (blue +, orange -) of every weight, in the
    order network_diagram draws them (layer, then input node, then output node)."""
    flat = np.concatenate([np.ravel(W) for W in weights]) if weights else np.zeros(0)
    scale = max_width / max(float(np.max(np.abs(flat))) if flat.size else 1.0, 1e-12)
    widths = np.maximum(np.abs(flat) * scale, 0.3)
    colours = np.where(flat >= 0, BLUE, ORANGE)
    return widths, colours


def _map_clim(m):
    lim = max(float(np.max(np.abs(m))), 1e-12)
    return -lim, lim


def network_diagram(ax, weights, sizes, input_names=None, node_maps=None, max_width: float = 6.0):
    """Draw a network: nodes in columns, weights as lines (width ~ |w|, blue positive, orange
    negative). `node_maps` (one (r, r) array per node, layer by layer, or None) are drawn as small
    heatmaps in the nodes, as in the TensorFlow Playground. Returns a dict of artists that
    `update_network` can refresh without drawing the network again."""
    from matplotlib.patches import Rectangle  # noqa: PLC0415

    def draw_nodes(pos, node):
        images = []
        for l, p in enumerate(pos):
            for k, (x, y) in enumerate(p):
                m = np.zeros((2, 2)) if node_maps is None else node_maps[l][k]
                vmin, vmax = _map_clim(m)
                images.append(ax.imshow(m, extent=(x - node, x + node, y - node, y + node), cmap=DIVERGING,
                                        vmin=vmin, vmax=vmax, zorder=2, interpolation="bilinear"))
                ax.add_patch(Rectangle((x - node, y - node), 2 * node, 2 * node, fill=False, lw=0.8,
                                       ec="#555555", zorder=3))
        return {"images": images}

    return _network(ax, weights, sizes, input_names, max_width, draw_nodes)


def _network(ax, weights, sizes, input_names, max_width, draw_nodes):
    """What network_diagram and network_panel share: node positions, weight lines, names, layer
    labels, limits. draw_nodes(pos, node) draws the nodes (node = a box's half-size) and returns
    their artists by name; returns those and 'lines', 'positions', 'max_width'."""
    ax.set_axis_off()
    n_cols = len(sizes)
    width, height = 1.6 * max(n_cols - 1, 1), 1.0 * max(max(sizes), 2)
    pos = layer_positions(sizes, width, height)
    node = 0.36 * min(height / max(max(sizes), 1), width / max(n_cols - 1, 1))  # node box half-size
    segments = [[(pos[l][i][0] + node, pos[l][i][1]), (pos[l + 1][j][0] - node, pos[l + 1][j][1])]
                for l, W in enumerate(weights) for i in range(W.shape[0]) for j in range(W.shape[1])]
    widths, colours = _weight_styles(weights, max_width)
    lines = LineCollection(segments, linewidths=widths, colors=colours, alpha=0.7, zorder=1)
    ax.add_collection(lines)
    nodes = draw_nodes(pos, node)
    if input_names:
        for name, (x, y) in zip(input_names, pos[0]):
            ax.text(x - node - 0.05, y, name, ha="right", va="center", fontsize=9)
    for l, p in enumerate(pos):
        label = _("input") if l == 0 else (_("output") if l == n_cols - 1 else _("hidden {layer}").format(layer=l))
        ax.text(p[0, 0], height + 0.05 * height + node, label, ha="center", va="bottom", fontsize=9)
    ax.set_xlim(-node - 1.1, width + node + 0.2)
    ax.set_ylim(-node - 0.1, height + 0.25 * height + node)
    ax.set_aspect("equal")
    return {"lines": lines, **nodes, "positions": pos, "max_width": max_width}


def update_network(artists, weights, node_maps=None):
    """Refresh the weights and node maps of a network drawn by network_diagram (same shapes)."""
    widths, colours = _weight_styles(weights, artists["max_width"])
    artists["lines"].set_linewidths(widths)
    artists["lines"].set_color(colours)
    if node_maps is not None:
        for im, m in zip(artists["images"], (m for layer in node_maps for m in layer)):
            im.set_data(m)
            im.set_clim(*_map_clim(m))


def loss_surface(ax, f, extent=(-2, 2, -2, 2), resolution: int = 80, levels: int = 25, log: bool = True):
    """Contours of a 2-D function f(W) where W has shape (m, 2); returns the contour set."""
    x0, x1, y0, y1 = extent
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    Z = np.reshape(f(np.c_[gx.ravel(), gy.ravel()]), gx.shape)
    if log:
        Z = np.log10(Z - Z.min() + 1e-3)
    cs = ax.contourf(gx, gy, Z, levels=levels, cmap="viridis")
    ax.contour(gx, gy, Z, levels=levels, colors="white", linewidths=0.3, alpha=0.5)
    ax.set_xlabel("w1")
    ax.set_ylabel("w2")
    return cs


def path(ax, points, label=None, color=ORANGE, **kwargs):
    """An optimisation path (k, 2) with a marker at the start and the end."""
    points = np.asarray(points)
    (line,) = ax.plot(points[:, 0], points[:, 1], "-o", color=color, ms=2.5, lw=1.3, label=label, **kwargs)
    ax.plot(*points[0], "s", color=color, ms=6, mec="white")
    ax.plot(*points[-1], "*", color=color, ms=10, mec="white")
    return line


def activation_plot(ax, name, z_range=(-5, 5), n: int = 401):
    """f(z) and f'(z) of an elementwise activation."""
    from .core import derivative, get_activation  # noqa: PLC0415

    z = np.linspace(*z_range, n)
    act = get_activation(name)
    ax.plot(z, act(z), color=BLUE, label="f(z)")
    ax.plot(z, derivative(name, z), color=ORANGE, linestyle="--", label="f'(z)")
    ax.axhline(0, color="grey", lw=0.5)
    ax.axvline(0, color="grey", lw=0.5)
    ax.set_xlabel("z")
    ax.set_ylabel(_("value"))
    ax.set_title(f"{act.name}: {act.formula}")  # a code name and maths: the same in every language
    ax.legend(frameon=False)
    return ax


def confusion_matrix(ax, cm, labels=None, title: str = N_("confusion matrix")):
    """Counts with true classes as rows and predicted as columns, numbers written in the cells."""
    cm = np.asarray(cm)
    im = ax.imshow(cm, cmap="Blues")
    k = cm.shape[0]
    labels = list(range(k)) if labels is None else labels
    ax.set_xticks(range(k), labels)
    ax.set_yticks(range(k), labels)
    ax.set_xlabel(_("predicted"))
    ax.set_ylabel(_("true"))
    ax.set_title(_(title))  # the default's translation (a caller's own title is returned as it is)
    thresh = cm.max() / 2 if cm.size else 0
    for i in range(k):
        for j in range(k):
            ax.text(j, i, int(cm[i, j]), ha="center", va="center", fontsize=8,
                    color="white" if cm[i, j] > thresh else "black")
    return im


def image_grid(fig, images, titles=None, ncols: int = 8, cmap="gray_r"):
    """Square images (n, h, w) or flattened (n, h*w) in a grid of subplots; returns the axes."""
    images = np.asarray(images)
    if images.ndim == 2:
        side = int(round(np.sqrt(images.shape[1])))
        images = images.reshape(len(images), side, side)
    n = len(images)
    nrows = max(1, int(np.ceil(n / ncols)))
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for k, ax in enumerate(axes.ravel()):
        ax.set_axis_off()
        if k < n:
            ax.imshow(images[k], cmap=cmap)
            if titles is not None:
                ax.set_title(str(titles[k]), fontsize=8)
    return axes


def graph_node_texts(v):
    """The three lines of a computational_graph node: its label or operation, data and grad."""
    name = v.label or v.op or _("const")
    op = f" ({v.op})" if v.label and v.op else ""
    return name + op, _("data {value}").format(value=f"{v.data:.4f}"), _("grad {value}").format(value=f"{v.grad:.4f}")


def computational_graph(ax, root, fontsize: float = 8, box=(1.5, 0.84), spacing=(2.2, 1.3), texts=None):
    """Draw the graph of scalar Values that `root` was computed from: inputs on the left, `root`
    on the right; each box shows its label or operation, its value (data) and its gradient
    (d root / d value, after root.backward()). box: (width, height) of a node and spacing:
    (between columns, between rows), in data units, so larger text can get larger boxes.
    Returns {Value: (x, y)}. `texts`, a list, gets each node's three Text artists (in the order
    of root.topo()), for an explorer that writes new numbers into them (graph_node_texts)."""
    bw, bh = box
    dx, dy = spacing
    from matplotlib.patches import FancyBboxPatch  # noqa: PLC0415

    order = root.topo()
    depth = {}
    for v in order:  # longest distance from an input
        depth[id(v)] = 1 + max((depth[id(c)] for c in v._prev), default=-1)
    for v in order:  # an input sits just left of the node that uses it (short arrows, none across boxes)
        if not v._prev:
            users = [depth[id(u)] for u in order if any(c is v for c in u._prev)]
            depth[id(v)] = min(users, default=1) - 1
    columns = {}
    for v in order:
        columns.setdefault(depth[id(v)], []).append(v)
    pos = {}
    for d, vs in columns.items():
        for i, v in enumerate(vs):
            pos[id(v)] = (d * dx, -(i - (len(vs) - 1) / 2) * dy)
    for v in order:
        x1, y1 = pos[id(v)]
        for c in v._prev:
            x0, y0 = pos[id(c)]
            ax.annotate("", (x1 - bw / 2, y1), (x0 + bw / 2, y0),
                        arrowprops=dict(arrowstyle="->", color="#777777", lw=1), zorder=1)
    for v in order:
        x, y = pos[id(v)]
        name, data, grad = graph_node_texts(v)
        ax.add_patch(FancyBboxPatch((x - bw / 2, y - bh / 2), bw, bh, boxstyle="round,pad=0.02",
                                    fc="#eef4fa" if v.op else "#fdf3e1", ec=BLUE if v.op else ORANGE, lw=1))
        node = (ax.text(x, y + 0.24 * bh, name, ha="center", va="center", fontsize=fontsize, weight="bold"),
                ax.text(x, y - 0.02 * bh, data, ha="center", va="center", fontsize=fontsize),
                ax.text(x, y - 0.29 * bh, grad, ha="center", va="center", fontsize=fontsize, color="#b2182b"))
        if texts is not None:
            texts.append(node)
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set_xlim(min(xs) - 0.6 * bw, max(xs) + 0.6 * bw)
    ax.set_ylim(min(ys) - 0.7 * bh, max(ys) + 0.7 * bh)
    ax.set_axis_off()
    return {v: pos[id(v)] for v in order}


class LiveLossPlot:
    """A training callback (dlteach.core.Callback protocol) that redraws the loss curves every
    `every` epochs in one notebook output, so a learner watches training as it happens.

        fit(model, X, y, callbacks=[LiveLossPlot(every=5)])

    `display` defaults to IPython's display with an updatable handle; tests pass their own.
    """

    def __init__(self, every: int = 1, title: str = N_("training"), display=None):
        from matplotlib.figure import Figure  # noqa: PLC0415

        self.every, self.title = int(every), title
        self.figure = Figure(figsize=(5, 3), dpi=80, layout="constrained")
        self.ax = self.figure.add_subplot()
        self._display, self._handle = display, None
        self.draws = 0

    def _show(self):
        if self._display is not None:
            self._display(self.figure)
            return
        from IPython.display import Image, display  # noqa: PLC0415

        buf = io.BytesIO()
        self.figure.savefig(buf, format="png")
        if self._handle is None:
            self._handle = display(Image(buf.getvalue()), display_id=True)
        else:
            self._handle.update(Image(buf.getvalue()))

    def redraw(self, history):
        self.ax.clear()
        loss_curves(self.ax, history.history.get("loss", []), history.history.get("val_loss"),
                    title=_("{title}: epoch {epoch}").format(title=_(self.title),
                                                             epoch=history.epoch[-1] if history.epoch else 0))
        self.draws += 1
        self._show()

    def on_train_begin(self, model, history):
        pass

    def on_epoch_end(self, epoch, logs, model, history):
        if epoch % self.every == 0:
            self.redraw(history)

    def on_train_end(self, model, history):
        if history.epoch and history.epoch[-1] % self.every != 0:
            self.redraw(history)  # always show the last epoch


def blitted_png(fig, background, artists) -> bytes:
    """PNG bytes of `fig` redrawn by blitting: the kept `background` (from canvas.copy_from_bbox) plus
    only the changing `artists`, encoded fast (canvas_png): what a live explorer sends after every change."""
    fig.canvas.restore_region(background)
    for artist in artists:
        fig.draw_artist(artist)
    return canvas_png(fig)


# --- the network panel of a live figure (the Playground) -------------------------------------------
from matplotlib.artist import Artist  # noqa: E402


def _bilinear(n_out: int, n_in: int) -> np.ndarray:
    """(n_out, n_in) weights that resample n_in samples to n_out pixels: bilinear between the
    samples' centres, held at the edges (as an image is upsampled)."""
    u = np.clip((np.arange(n_out) + 0.5) * n_in / n_out - 0.5, 0, n_in - 1)
    i = np.minimum(np.floor(u).astype(int), max(n_in - 2, 0))
    f = u - i
    R = np.zeros((n_out, n_in))
    R[np.arange(n_out), i] = 1 - f
    if n_in > 1:
        R[np.arange(n_out), i + 1] += f
    return R


class NodeMaps(Artist):
    """Every node's map in a network diagram, and its frame, as one artist: each (r, r) map (rows from
    the top) is coloured on its own symmetric range -max|m|..max|m| (blue +, orange -), resampled
    bilinearly to its node's box (whole pixels, as an AxesImage places it) and pasted; then the
    frames are stroked over them as one path. The picture of network_diagram's AxesImage and
    Rectangle per node, drawn in about a tenth of the time (1.5 ms instead of 17 ms for 51 nodes),
    because each AxesImage costs about 0.3 ms of Python per redraw."""

    def __init__(self, ax, centres, half: float, maps, cmap=DIVERGING, frame_width: float = 0.8,
                 frame_colour="#555555"):
        from matplotlib.colors import to_rgba  # noqa: PLC0415

        super().__init__()
        self.axes = ax
        self.set_zorder(2)
        self.centres, self.half = np.asarray(centres, dtype=float), half
        self.lut = cmap(np.linspace(0, 1, cmap.N), bytes=True)  # (N, 4) uint8
        self.frame_width, self.frame_colour = frame_width, to_rgba(frame_colour)
        self._weights = {}
        self.set_maps(maps)

    def set_maps(self, maps):
        """New maps: one (r, r) array per node, in the order of `centres`."""
        maps = np.asarray(maps, dtype=float)
        lim = np.maximum(np.abs(maps).max(axis=(1, 2), keepdims=True), 1e-12)
        self.maps = (maps / lim + 1) / 2  # each map's range -lim..lim onto 0..1 of the colour map
        self.stale = True

    def _resampled(self, nodes, h: int, w: int) -> np.ndarray:
        if (h, w) not in self._weights:
            r = self.maps.shape[1]
            self._weights[(h, w)] = _bilinear(h, r), _bilinear(w, r)
        Ry, Rx = self._weights[(h, w)]
        return Ry @ self.maps[nodes] @ Rx.T  # (len(nodes), h, w)

    def draw(self, renderer):
        from matplotlib.path import Path  # noqa: PLC0415
        from matplotlib.transforms import IdentityTransform  # noqa: PLC0415

        if not self.get_visible():
            return
        lo = self.axes.transData.transform(self.centres - self.half)  # box corners in pixels
        hi = self.axes.transData.transform(self.centres + self.half)
        x0, y0 = np.round(lo).astype(int).T
        x1, y1 = np.round(hi).astype(int).T
        n_colours = len(self.lut)
        gc = renderer.new_gc()
        for w, h in set(zip(x1 - x0, y1 - y0)):  # nodes of one size in pixels resampled together
            if w > 0 and h > 0:
                nodes = np.flatnonzero((x1 - x0 == w) & (y1 - y0 == h))
                index = np.clip((self._resampled(nodes, h, w) * n_colours).astype(int), 0, n_colours - 1)
                for image, n in zip(self.lut[index], nodes):
                    renderer.draw_image(gc, x0[n], y0[n], image[::-1])  # draw_image wants the bottom row first
        gc.restore()
        squares = [Path([(a, b), (c, b), (c, d), (a, d), (a, b)], closed=True) for (a, b), (c, d) in zip(lo, hi)]
        gc = renderer.new_gc()
        gc.set_foreground(self.frame_colour, isRGBA=True)
        gc.set_linewidth(self.frame_width)
        gc.set_joinstyle("miter")
        gc.set_capstyle("butt")
        renderer.draw_path(gc, Path.make_compound_path(*squares), IdentityTransform())
        gc.restore()
        self.stale = False


def network_panel(ax, weights, sizes, input_names=None, node_maps=None, max_width: float = 6.0):
    """network_diagram for a live figure: the same picture, with every node's map and frame drawn
    by one NodeMaps artist (much faster to build and to redraw at 50 nodes). Returns the artists
    ('lines', 'maps', 'positions', 'max_width'); refresh them with update_network_panel."""
    def draw_nodes(pos, node):
        maps = [np.zeros((2, 2))] * sum(sizes) if node_maps is None else [m for layer in node_maps for m in layer]
        return {"maps": ax.add_artist(NodeMaps(ax, np.concatenate(pos), node, maps))}

    return _network(ax, weights, sizes, input_names, max_width, draw_nodes)


def update_network_panel(artists, weights, node_maps):
    """Refresh the weights and node maps of a network drawn by network_panel (same shapes)."""
    widths, colours = _weight_styles(weights, artists["max_width"])
    artists["lines"].set_linewidths(widths)
    artists["lines"].set_color(colours)
    artists["maps"].set_maps([m for layer in node_maps for m in layer])


def canvas_png(fig, level: int = 1) -> bytes:
    """The figure's Agg canvas, as drawn, as PNG bytes, quickly: opaque RGB rows, unfiltered, deflated
    at `level` (880 x 368 pixels: 5 ms and about 15 % fewer bytes, where PIL's RGBA encoder at level 1
    takes 10-14 ms). The alpha channel is dropped: for figures with an opaque background."""
    import struct  # noqa: PLC0415
    import zlib  # noqa: PLC0415

    rgba = np.asarray(fig.canvas.buffer_rgba())
    h, w = rgba.shape[:2]
    rows = np.empty((h, 1 + 3 * w), np.uint8)
    rows[:, 0] = 0  # each row's filter type: none (filtering cost more time than it saved bytes)
    rows[:, 1:] = rgba[..., :3].reshape(h, 3 * w)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)  # 8 bits a channel, colour type 2 (RGB)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows.tobytes(), level))
            + chunk(b"IEND", b""))


# --- lesson 15: sequences ------------------------------------------------------------------------------
def unrolled_rnn(ax, steps: int = 4, gradient: bool = True):
    """A recurrent layer unrolled over `steps` steps: inputs x_t below, states h_t in boxes joined left to
    right by the recurrent kernel U, the input kernel W on every upward arrow (the SAME W and U at every
    step), the loss at the last state; with gradient, the way back from the loss to h_1 as red arrows, one
    factor diag(f'(s_t)) U^T per step. Returns the dict of the drawn boxes' centres."""
    ax.set_xlim(-0.9, steps + 0.9)
    ax.set_ylim(-0.75, 2.45)
    ax.set_axis_off()
    box = dict(boxstyle="round,pad=0.35", fc="#e8f1f8", ec=BLUE, lw=1.5)
    centres = {}
    ax.text(0, 1, "$h_0 = 0$", ha="center", va="center", fontsize=11, color="0.35")
    for t in range(1, steps + 1):
        ax.text(t, 1, f"$h_{t}$", ha="center", va="center", fontsize=13, bbox=box)
        ax.text(t, -0.35, f"$x_{t}$", ha="center", va="center", fontsize=13)
        ax.annotate("", (t, 0.72), (t, -0.12), arrowprops=dict(arrowstyle="-|>", color="0.3", lw=1.3))
        ax.text(t + 0.06, 0.3, "W", fontsize=10, color="0.3")
        ax.annotate("", (t - 0.24, 1), (t - 0.76, 1), arrowprops=dict(arrowstyle="-|>", color="0.3", lw=1.3))
        ax.text(t - 0.5, 1.1, "U", ha="center", fontsize=10, color="0.3")
        centres[t] = (t, 1)
    ax.text(steps, 2.15, _("loss $L$"), ha="center", va="center", fontsize=12,
            bbox=dict(boxstyle="round,pad=0.3", fc="#fdf1d8", ec=ORANGE, lw=1.5))
    ax.annotate("", (steps, 1.95), (steps, 1.28), arrowprops=dict(arrowstyle="-|>", color="0.3", lw=1.3))
    if gradient:
        red = "#b2182b"
        ax.annotate("", (steps + 0.22, 1.3), (steps + 0.22, 1.95), arrowprops=dict(arrowstyle="-|>", color=red,
                                                                                  lw=1.6))
        for t in range(steps, 1, -1):
            ax.annotate("", (t - 0.78, 1.42), (t - 0.22, 1.42),
                        arrowprops=dict(arrowstyle="-|>", color=red, lw=1.6, connectionstyle="arc3,rad=0.35"))
            ax.text(t - 0.5, 1.72, r"$\times f'\,U^\top$", ha="center", fontsize=9, color=red)
        ax.text(0.5, 2.15, _(r"$\partial L/\partial h_1$: one factor per step"), ha="left", va="center",
                fontsize=10, color=red)
    return centres


def through_time(ax, norms, label=None, color=BLUE, **kwargs):
    """||dL/dh_t|| against the step t = 1..T on a log axis (the loss reads the last state, T): one line;
    returns it. The slope is the factor per step: flat is a gradient that reaches every step."""
    norms = np.asarray(norms, dtype=float)
    (line,) = ax.plot(np.arange(1, len(norms) + 1), norms, marker="o", ms=3, color=color, label=label, **kwargs)
    ax.set_yscale("log")
    ax.set_xlabel(_("step t (the loss reads the last state)"))
    ax.set_ylabel(r"$\|\partial L/\partial h_t\|$")
    return line


def monospace():
    """The monospaced font family, with the Chinese font after it in Chinese (a family given to a text
    replaces the usual list, and the monospaced fonts have no Chinese characters)."""
    from .i18n import FONT_FAMILY, get_language  # noqa: PLC0415

    return "monospace" if get_language() == "en" else ["monospace", FONT_FAMILY]


def text_panel(ax, text: str, width: int = 70, title: str | None = None, fontsize: float = 9.5):
    """A block of generated text on an empty axes, wrapped at `width` characters, line breaks of the text
    shown as the symbol ⏎. Returns the Text artist (update it with set_text(wrap_text(...)))."""
    ax.set_axis_off()
    if title:
        ax.set_title(title, fontsize=10, loc="left")
    block = ax.text(0.0, 1.0, wrap_text(text, width), ha="left", va="top", family="monospace", fontsize=fontsize,
                    transform=ax.transAxes)
    block.set_in_layout(False)  # the block fills the axes; its words must not move the layout
    return block


def wrap_text(text: str, width: int = 70) -> str:
    """text with its line breaks shown as ⏎ and cut into lines of `width` characters."""
    flat = text.replace("\n", "⏎")
    return "\n".join(flat[i:i + width] for i in range(0, len(flat), width))
