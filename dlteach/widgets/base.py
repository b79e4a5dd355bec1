"""What every small explorer shares: settings validated against slider ranges, set() that
redraws, a Figure drawn without pyplot, and a widget built from a list of controls that only
call set(). Subclasses define PARAMS (name -> spec) and draw_on(fig)."""
from __future__ import annotations

import asyncio
import base64
import contextlib
import functools
import sys
import threading
import time
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from .. import plots
from ..i18n import columns, gettext_ as _
from . import access, fastagg
from .fastagg import CachedConstrainedLayout  # noqa: F401 (where it used to live)


CONTROL_WIDTH = 300  # px: three controls per row in JupyterLab at 1366x768 with the file browser open
BUSY_AFTER = 0.15   # s: an update that takes longer shows a busy sign (a change felt as a wait)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# Every explorer's slider readouts (and what a screen reader hears): 0.01, 0.9, 1.26e+3. The browser writes a
# slider's readout with d3-format, whose ".3g" keeps trailing zeros ("0.0300", "0.900"); "~" trims them (d3-format
# 1.3+, in the frontends of ipywidgets 7.7 and 8). Text the kernel writes (menu labels, alt text) uses readout().
READOUT_FORMAT = ".3~g"


def readout(value: float) -> str:
    """A number as a slider's readout shows it (d3-format's ".3~g", JavaScript's toPrecision(3) trimmed):
    0.03 -> "0.03", 0.9 -> "0.9", 1e-05 -> "0.00001", 1258.9 -> "1.26e+3"."""
    value = float(value)
    if value == 0 or not np.isfinite(value):
        return format(value, "g")
    mantissa, exponent = f"{value:.2e}".split("e")  # the exponent after rounding to 3 significant digits
    exponent = int(exponent)
    if -7 < exponent < 3:  # toPrecision's fixed notation, its zeros after the point trimmed
        text = f"{value:.{max(0, 2 - exponent)}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return f"{mantissa.rstrip('0').rstrip('.')}e{'+' if exponent > 0 else '-'}{abs(exponent)}"


@functools.cache
def slider_class(name: str) -> type:
    """ipywidgets' FloatSlider or FloatLogSlider with READOUT_FORMAT: ipywidgets checks a readout_format against a
    pattern older than d3-format's "~", so here the trait is plain text; the browser's d3-format reads it."""
    import ipywidgets as W  # noqa: PLC0415
    import traitlets  # noqa: PLC0415

    trait = traitlets.Unicode(READOUT_FORMAT, help="d3-format of the readout").tag(sync=True)
    return type(name, (getattr(W, name),), {"readout_format": trait, "__module__": __name__})


def float_slider(**kwargs):
    """A FloatSlider whose readout is READOUT_FORMAT."""
    return slider_class("FloatSlider")(**kwargs)


def arrange(controls):
    """Lay controls side by side in rows that wrap, above the figure: a column beside the figure gets
    squeezed on a projector-sized screen and cuts off the value readouts. Each control is
    CONTROL_WIDTH wide, with room for its longest label; returns the box that holds them."""
    import ipywidgets as W  # noqa: PLC0415

    longest = max(columns(w.description) for w in controls)
    label_px = min(7 * longest + 14, 150)
    for w in controls:
        style = {"description_width": f"{label_px}px"}
        if isinstance(w, W.ToggleButtons):
            style["button_width"] = f"{(CONTROL_WIDTH - label_px - 16) // max(len(w.options), 1)}px"
        w.style = style
        w.layout = W.Layout(width=f"{CONTROL_WIDTH}px", flex="0 0 auto")
    return W.HBox(list(controls), layout=W.Layout(flex_flow="row wrap", width="100%"))


def log_slider(value: float, low: float, high: float, step: float = 0.1, **kwargs):
    """A base-10 log slider whose grid passes through `value`: the browser snaps a slider's value to
    its grid as soon as it is shown, so a grid from log10(low) would turn 0.03 into 0.0316 in the
    kernel without anyone touching it. The ends stay inside [low, high]."""
    import ipywidgets as W  # noqa: PLC0415

    anchor = np.log10(value)
    lo = anchor - np.floor((anchor - np.log10(low)) / step + 1e-9) * step
    hi = anchor + np.floor((np.log10(high) - anchor) / step + 1e-9) * step
    return slider_class("FloatLogSlider")(value=value, base=10, min=lo, max=hi, step=step, **kwargs)


LOG_STEPS = (1, 2, 5)  # a round log slider's values in each decade: 0.01, 0.02, 0.05, 0.1, ...


def round_log_values(value: float, low: float, high: float) -> list[float]:
    """The values of a round log slider: 1-2-5 in every decade from `low` to `high`, the ends and `value`
    included (a default such as 0.03 or 0.3 stays reachable), each the float nearest its decimal (0.02,
    not 10 ** -1.69897 = 0.019999999999999997)."""
    if not 0 < low <= value <= high:
        raise ValueError(f"A log slider needs 0 < low <= value <= high, got {low!r}, {value!r}, {high!r}.")
    decades = range(int(np.floor(np.log10(low))), int(np.ceil(np.log10(high))) + 1)
    grid = [float(f"{m}e{d}") for d in decades for m in LOG_STEPS]
    values = {control_value(float(v)) for v in (low, high, value)}
    values |= {v for v in grid if low * (1 - 1e-9) <= v <= high * (1 + 1e-9)}
    kept = []
    for v in sorted(values):  # a grid point within 1e-9 of an end or of the value is that end or value
        if not kept or v > kept[-1] * (1 + 1e-9):
            kept.append(v)
        elif v in (low, high, value):
            kept[-1] = v
    return kept


def round_log_slider(value: float, low: float, high: float, **kwargs):
    """A log slider on round values (round_log_values: 1-2-5 a decade), a SelectionSlider: a key press moves
    one value (a decade in 3), the readout and a screen reader say READOUT_FORMAT's "0.02", never 0.0199526
    (a FloatLogSlider's grid is 10 ** (k * step): only its decades are round). A value set from Python inside
    [low, high] is taken as the nearest step on the log scale (0.0301 as 0.03, 0.0007 as 0.0005), as a slider
    rounds to its step; outside, it is refused (TraitError)."""
    import ipywidgets as W  # noqa: PLC0415

    values = round_log_values(value, low, high)
    logs = np.log10(values)

    def nearest(v):
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
            return None
        if not low * (1 - 1e-9) <= v <= high * (1 + 1e-9):
            return None
        return values[int(np.argmin(np.abs(logs - np.log10(v))))]

    # SelectionSlider finds a value's option by `equals` (ipywidgets 8 and 7.7): the option nearest it
    return W.SelectionSlider(options=[(readout(v), v) for v in values], value=control_value(value),
                             equals=lambda option, v: option == v or option == nearest(v), **kwargs)


def control_value(value):
    """A control's value as the kernel should take it: a float rounded to 10 significant digits. The
    browser computes a log slider's value as 10 ** position, so 0.03 comes back as 0.02999999999999998
    as soon as the slider is shown; rounding keeps 0.03 (no spurious change, no such number in a note)."""
    if isinstance(value, float):
        return float(f"{value:.10g}")
    return value


def rendered_png(fig: Figure) -> bytes:
    """PNG bytes of `fig` after one full draw (constrained layout included), encoded fast."""
    fig.canvas.draw()
    return plots.canvas_png(fig)


def layout_key(fig: Figure, label_lines: bool = False):
    """What a figure's constrained layout depends on, read without drawing: per axes its view limits
    and scales (they fix the tick labels, given the axes' size), its titles, axis labels, texts and
    legend entries; the figure's size and super-titles. Texts and legends kept out of the layout
    (set_in_layout(False): counts written in cells, a legend inside the axes) do not count. With
    label_lines, an axes' titles and axis labels count by their number of lines only: for an
    explorer whose labels stay shorter than their axes, the room they take does not depend on
    their words."""
    def legend_texts(ax):
        legend = ax.get_legend()
        if legend is None or not legend.get_in_layout():
            return None
        return tuple(t.get_text() for t in legend.get_texts())

    def label(text):
        return text.count("\n") if label_lines else text

    axes = tuple((ax.get_xlim(), ax.get_ylim(), ax.get_xscale(), ax.get_yscale(),
                  tuple(label(ax.get_title(loc=loc)) for loc in ("left", "center", "right")),
                  label(ax.get_xlabel()), label(ax.get_ylabel()),
                  tuple(t.get_text() for t in ax.texts if t.get_in_layout()),
                  legend_texts(ax),
                  ax.xaxis.get_visible(), ax.yaxis.get_visible(), ax.axison)
                 for ax in fig.axes)
    supers = tuple(t.get_text() if t is not None else None for t in (fig._suptitle, fig._supxlabel, fig._supylabel))
    return (tuple(fig.get_size_inches()), fig.dpi, axes, supers)


def figure_image():
    """An Image widget for a figure's PNG: its natural size where there is room, scaled to fit where not.
    align_self: a flex box (the explorer's VBox) stretches its children to its width, which blew an 810 px
    figure up to 930 px in JupyterLab at 1366x768 (x1.15, x1.48 for a 630 px one) and blurred it. The
    widget's 2 px margins (--jp-widgets-margin) sit outside max_width: 100% would overflow its box by 4 px."""
    import ipywidgets as W  # noqa: PLC0415

    return W.Image(format="png", layout=W.Layout(max_width="calc(100% - 4px)", height="auto", object_fit="contain",
                                                 align_self="flex-start"))


def carry_picture(ui, image, name: str = "explorer", describe=None, figure=None, lock=None, moving=None):
    """Make the widget `ui` display with a static PNG of `image` (its figure's Image widget) beside
    the live view, make it usable by keyboard and screen reader (access.Access: no notebook shortcut
    inside it, named controls, sliders that announce their readout, focus rings; `ui.access`), and
    return `ui`.

    The picture's alt text says what it shows now, asked again whenever it changes: `name`, then
    describe() (the explorer's state: a dict of settings, or words), then what figure() (the
    matplotlib Figure drawn) shows: its titles, axis labels and legends (access.alt_text).

    A display of a widget is a bundle of formats; the frontend picks one. With a kernel, JupyterLab,
    Voila, VS Code and Colab pick the live widget (its renderer ranks first); a notebook opened without
    a kernel (GitHub, nbviewer, nbconvert's HTML, JupyterLab before Run All: outputs read from disk
    are untrusted there, and the widget renderer is not safe for untrusted output) falls back to the
    PNG instead of the text "VBox(children=(HBox(...". The picture is the figure as it was when the
    cell's output was made. Works with ipywidgets 8 (_repr_mimebundle_) and 7.7 (_ipython_display_).

    The stored picture carries the alt text as of the display in its output metadata
    (`{"image/png": {"alt": ...}}`, the PNG stored once): nbconvert's classic HTML template writes it
    as the img's alt; JupyterLab's image renderer (4.6) and nbconvert's lab template read only width,
    height and background from there, and an HTML copy would store the PNG twice.

    On a screen whose device pixel ratio is above 1 (as the helper reports it), the picture is drawn
    again at that ratio once it rests (SharpPicture, `ui.sharp`: figure() drawn under `lock`, never while
    moving() says a run or an animation goes on); the stored picture and the alt text stay the 1x ones."""
    helper = access.Access()
    sharp = SharpPicture(image, helper, figure, lock=lock, moving=moving)

    def new_alt(change=None):
        if sharp.swapping:  # the same picture, sharper: the same words
            return
        try:
            state = describe() if describe is not None else ""
            if isinstance(state, dict):
                state = access.settings_text(state, readout)
            helper.alt = access.alt_text(f"{name}, {state}" if state else name, figure() if figure else None)
        except Exception:  # noqa: BLE001 (words about the picture must never cost the picture)
            helper.alt = name

    ui.add_class(access.ROOT_CLASS)
    image.add_class(access.FIGURE_CLASS)
    new_alt()
    image.observe(new_alt, names="value")
    ui.children = (*ui.children, helper)
    ui.access, ui.sharp = helper, sharp

    def bundle(**kwargs):
        data = {"text/plain": _("{name} (a live widget: run the notebook to use its controls)").format(name=name),
                WIDGET_VIEW: {"version_major": 2, "version_minor": 0, "model_id": ui.model_id}}
        if sharp.plain:  # the 1x picture, also while a sharp one is shown
            data["image/png"] = base64.b64encode(sharp.plain).decode("ascii")
        return data

    def metadata():
        # The stored picture's alt text: the output's metadata for image/png (nbformat's place for an image's
        # attributes, beside width and height), which nbconvert's classic template writes as alt="..."; the
        # PNG is stored once. nbval does not compare output metadata.
        return {"image/png": {"alt": helper.alt}} if sharp.plain else {}

    def mimebundle(**kwargs):
        # IPython's formatter (it passes include= and exclude=) takes (data, metadata); a bare call gets
        # the data alone, as before
        return (bundle(), metadata()) if "include" in kwargs else bundle()

    ui._repr_mimebundle_ = mimebundle  # an instance attribute, as ipywidgets' own close() sets it
    if hasattr(type(ui), "_ipython_display_"):  # ipywidgets 7 displays itself and calls display callbacks
        from IPython.display import display  # noqa: PLC0415

        def ipython_display(**kwargs):
            display(bundle(), raw=True, metadata=metadata())
            ui._handle_displayed(**kwargs)

        ui._ipython_display_ = ipython_display
    return ui


REST = 0.3  # s without a new picture: the controls rest, and the picture is drawn again at the screen's pixel ratio


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels of a PNG, from its header."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def sharp_png(fig: Figure, ratio: float) -> bytes:
    """PNG bytes of `fig` as last drawn, at `ratio` times its pixels (fastagg.drawn_at), encoded fast."""
    with fastagg.drawn_at(fig, ratio):
        return plots.canvas_png(fig)


def kernel_loop():
    """The asyncio event loop the kernel runs on (ipykernel runs cells and widget messages there), or None
    outside a kernel (a script: no browser reports a pixel ratio there anyway)."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        pass
    try:
        from IPython import get_ipython  # noqa: PLC0415

        io_loop = getattr(getattr(get_ipython(), "kernel", None), "io_loop", None)
        return getattr(io_loop, "asyncio_loop", None)
    except Exception:  # noqa: BLE001 (no kernel, no loop)
        return None


class SharpPicture:
    """An explorer's picture at the screen's resolution, without slowing a move (issue 28): on a screen whose
    device pixel ratio r is above 1 (helper.pixel_ratio, reported by the browser), the browser scales a 1x
    PNG up by r and it blurs. Drawing every move at r x would cost 2-3 times as long (at 2x: 68 ms of CPU
    against 36 for NeuronExplorer, 146 against 45 for DepthExplorer), over the ~100 ms a control must answer in. So a move is drawn as before, at 1x; once the
    pictures rest (no new one for REST seconds: a timer on the kernel's event loop, moved by every new
    picture), figure() is drawn once more at r x (sharp_png) and replaces it. The Image's CSS width stays the
    1x picture's width, so the layout is the same at any ratio and the sharp picture takes the 1x one's place.

    `plain` is the last 1x picture: the stored picture (carry_picture) and the one shown again if the
    ratio drops to 1. Never while moving() (a training run, the Playground playing): its frames come
    faster than REST anyway; and only when `lock` is free (the explorer's: a training thread draws the
    figure), else a REST later. At ratio 1 (no browser, or a 1x screen) nothing is scheduled or drawn."""

    def __init__(self, image, helper, figure, lock=None, moving=None, loop=None):
        self.image, self.helper, self.figure = image, helper, figure
        self.lock = lock if lock is not None else threading.RLock()
        self.moving = moving if moving is not None else (lambda: False)
        self.loop = loop if loop is not None else kernel_loop()
        self.thread = threading.get_ident()  # the loop's: the kernel's main thread
        self.plain = image.value  # the last 1x picture
        self.generation = 0       # of the newest 1x picture
        self.pending = None       # the timer of the sharp redraw (an asyncio.TimerHandle)
        self.ratio = None         # the ratio of the picture shown, when it is a sharp one
        self.swapping = False     # True while this class itself sets image.value
        self.seconds = None       # how long the last sharp redraw took (benchmarks)
        image.observe(self._new_picture, names="value")
        helper.observe(self._new_ratio, names="pixel_ratio")

    @property
    def wanted(self) -> float:
        return access.pixel_ratio(self.helper.pixel_ratio)

    def _new_picture(self, change):
        if self.swapping:
            return
        self.plain, self.ratio = change["new"], None
        self.generation += 1
        if self.wanted > 1:
            self._fit()
            self._arm()

    def _new_ratio(self, change=None):
        if self.wanted > 1:
            self._fit()
            self._arm()
            return
        self.cancel()
        if self.ratio is not None:  # back on a 1x screen: the 1x picture again, at its natural size
            self._show(self.plain, None)
        self.image.layout.width = None

    def _fit(self):
        """The Image's CSS width: the 1x picture's, so that a sharp one is shown at the same size."""
        if self.plain:
            self.image.layout.width = f"{png_size(self.plain)[0]}px"

    def _arm(self):
        """(Re)start the rest timer: from the loop's thread directly, from another (a training thread) through
        the loop. A timer that fires for an older picture does nothing (generation)."""
        if self.loop is None or self.loop.is_closed():
            return
        if threading.get_ident() == self.thread:
            self._start(self.generation)
        else:
            self.loop.call_soon_threadsafe(self._start, self.generation)

    def _start(self, generation):
        self.cancel()
        if generation == self.generation:
            self.pending = self.loop.call_later(REST, self._rest, generation)

    def cancel(self):
        """Forget a sharp redraw not yet drawn."""
        if self.pending is not None:
            self.pending.cancel()
            self.pending = None

    def _rest(self, generation):
        self.pending = None
        if generation != self.generation or self.wanted <= 1 or self.ratio == self.wanted:
            return
        if self.moving() or not self.lock.acquire(blocking=False):
            self._start(generation)  # still moving: a REST after it stops
            return
        try:
            ratio, started = self.wanted, time.perf_counter()
            fig = self.figure() if self.figure is not None else None
            png = sharp_png(fig, ratio) if fig is not None else None
            self.seconds = time.perf_counter() - started
            # shown under the lock: a training thread's next picture (drawn under it) comes after this one
            if png is not None and generation == self.generation:
                self._show(png, ratio)
        except Exception:  # noqa: BLE001 (a sharper picture must never cost the picture: the 1x one stays)
            pass
        finally:
            self.lock.release()

    def settle(self):
        """Draw the sharp picture now if one is waiting (tests; a cell that wants it at once)."""
        if self.pending is not None:
            self.cancel()
            self._rest(self.generation)

    def _show(self, png, ratio):
        self.swapping = True
        try:
            self.image.value = png
            self.ratio = ratio
        finally:
            self.swapping = False


def busy_label():
    """An HTML widget that busy_while() fills with "computing…" during a slow update. It takes no room:
    the sign lies over the top of what follows (the figure, dimmed meanwhile), so nothing below it moves
    when it comes and goes (a training explorer's figure jumped a line at every move)."""
    import ipywidgets as W  # noqa: PLC0415

    return W.HTML(layout=W.Layout(height="0px", min_height="0", overflow="visible"))


# A CSS spinner, not an emoji: classroom machines (and headless Chromium) often lack an emoji font.
BUSY_HTML = ("<style>.dlteach-busy .widget-image {{opacity: 0.4}} "
             "@keyframes dlteach-spin {{to {{transform: rotate(360deg)}}}}</style>"
             "<span class='dlteach-busy-note' style='position:relative; z-index:2; color:#333; background:#ffffffe6; "
             "padding:1px 6px; border-radius:3px'><span style='display:inline-block; width:9px; "
             "height:9px; margin-right:6px; border:2px solid #888; border-top-color:transparent; border-radius:50%; "
             "animation:dlteach-spin 0.8s linear infinite'></span>{computing}</span>")


@contextlib.contextmanager
def busy_while(label, box=None, what: str = "", after: float | None = None):
    """Run the body; if it takes longer than `after` seconds (default BUSY_AFTER), show "computing…"
    in `label` (and dim the figure inside `box`) until it ends. A timer thread shows the sign, because the kernel is busy
    in the body: widget messages from another thread still reach the browser at once. A fast update
    shows nothing, so sliders do not flicker."""
    lock, state = threading.Lock(), {"done": False, "shown": False}

    def show():
        with lock:
            if state["done"]:
                return
            state["shown"] = True
            label.value = BUSY_HTML.format(computing=_("computing… ({what})").format(what=what or _("please wait")))
            if box is not None:
                box.add_class("dlteach-busy")

    timer = threading.Timer(BUSY_AFTER if after is None else after, show)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            state["done"] = True
            timer.cancel()
            if state["shown"]:
                label.value = ""
                if box is not None:
                    box.remove_class("dlteach-busy")


def error_html(text) -> str:
    """A refused setting's message, in red, for an explorer's message line."""
    return f"<span style='color:#b2182b'>{text}</span>"


def apply_setting(set_setting, redraw, *, busy, ui, message, what: str) -> bool:
    """A control's new value, applied: set_setting() under the busy sign; a refused value (ValueError,
    TypeError) is shown in `message` and leaves the explorer as it was (False); else redraw() (True)."""
    with busy_while(busy, ui, what=what):
        try:
            set_setting()
        except (ValueError, TypeError) as err:
            message.value = error_html(err)
            return False
        redraw()
    return True


def set_tooltip(widget, text: str):
    """Give a control a tooltip in ipywidgets 8 (`tooltip`) and 7.7 (`description_tooltip`: Colab's
    Play and sliders have no `tooltip`). Returns the widget."""
    names = widget.trait_names()
    if "tooltip" in names:
        widget.tooltip = text
    elif "description_tooltip" in names:
        widget.description_tooltip = text
    return widget


def icon_button(description: str, icon: str, tooltip: str):
    """A button with an icon and a tooltip (an icon alone does not say what it does)."""
    import ipywidgets as W  # noqa: PLC0415

    return set_tooltip(W.Button(description=description, icon=icon), tooltip)


@dataclass(frozen=True)
class Param:
    """One control: a float/int range (log for log sliders) or a list of choices."""

    default: object
    low: float | None = None
    high: float | None = None
    choices: tuple | None = None
    log: bool = False
    step: float | None = None
    label: str | None = None

    def validate(self, name, value):
        if self.choices is not None:
            if value not in self.choices:
                raise ValueError(f"Unknown {name} {value!r}. Valid: {', '.join(map(str, self.choices))}.")
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise TypeError(f"{name} must be a number, got {value!r}.")
        if not np.isfinite(value) or not self.low <= value <= self.high:
            raise ValueError(f"{name} must be from {self.low:g} to {self.high:g}, got {value!r}.")
        return int(value) if isinstance(self.default, int) else float(value)


class Explorer:
    """Base class of the lesson explorers: subclasses declare PARAMS (name -> Param) and define
    update() (the numbers, from dlteach.experiments / dlteach.core) and draw_on(fig) (the drawing,
    from dlteach.plots). Settings are keyword arguments: Explorer(**settings), set(**settings)."""

    PARAMS: dict[str, Param] = {}
    FIGSIZE = (9, 3.6)
    # Replay the constrained layout of an earlier drawing with the same layout_key (True for explorers
    # whose drawing is a pure function of their settings; tests compare it with a fresh drawing).
    LAYOUT_CACHE = False

    def __init__(self, **settings):
        self.cfg = {name: p.default for name, p in self.PARAMS.items()}
        self.figure = None
        # Held by set() and draw(): the widget of a TrainingExplorer trains in a thread, and a cell may
        # call set() or png() meanwhile; it waits for the run (or its abandoning) instead of mixing in.
        self.lock = threading.RLock()
        self.set(**settings)

    def set(self, **settings):
        """Change settings (validated against the slider ranges) and recompute."""
        with self.lock:
            return self._set(settings)

    def _set(self, settings: dict):
        old = dict(self.cfg)
        try:
            for name, value in settings.items():
                if name not in self.PARAMS:
                    raise ValueError(f"{type(self).__name__} has no setting {name!r}. "
                                     f"Valid: {', '.join(self.PARAMS)}.")
                self.cfg[name] = self.PARAMS[name].validate(name, value)
            self.update()
        except (ValueError, TypeError):
            self.cfg = old  # a refused setting leaves the explorer as it was
            if hasattr(self, "_updated"):  # recompute what the restored settings show
                self.update()
            raise
        self._updated = True
        return self

    def update(self):
        """Recompute whatever the drawing shows (no drawing here)."""

    def draw(self) -> Figure:
        """The figure for the current settings: updated in place where refresh() can, else drawn anew."""
        with self.lock:
            return self._draw()

    def _draw(self) -> Figure:
        # The speed-ups (fastagg.py: text cache, layout replay and restart) where they are proven for
        # this matplotlib; elsewhere the plain path: every drawing laid out from scratch on a figure
        # drawn anew, the same pixels.
        fast_layout = fastagg.ON["layout"]
        fig = self.figure
        if fig is None:
            layout = fastagg.CachedConstrainedLayout() if self.LAYOUT_CACHE and fast_layout else "constrained"
            fig = self.figure = fastagg.figure(self.FIGSIZE, 90, layout)
        elif fast_layout and self.refresh(fig):
            # Constrained layout is not a fixed point: laid out again from its own result, a figure can
            # land a few pixels away from a fresh one. So each refreshed drawing starts from where
            # draw_on left the axes, as a fresh figure does (fastagg.restart_layout).
            fastagg.restart_layout(self._layout_start)
            fig = None
        else:
            fig.clear()
        if fig is not None:
            self.draw_on(fig)
            self._layout_start = fastagg.layout_start(fig)
        engine = self.figure.get_layout_engine()
        if isinstance(engine, fastagg.CachedConstrainedLayout):
            engine.key = self.layout_cache_key(self.figure)
        return self.figure

    def layout_cache_key(self, fig: Figure):
        """What the figure's constrained layout depends on (LAYOUT_CACHE replays the layout of an
        earlier drawing with the same key): the menus' values, as a menu may pick other tick locators,
        and base.layout_key. Explorers whose menus change only texts and data, or whose titles get new
        numbers, key by less (inplace.text_size_layout_key)."""
        choices = tuple(self.cfg[name] for name, p in self.PARAMS.items() if p.choices is not None)
        return choices, layout_key(fig)

    def refresh(self, fig: Figure) -> bool:
        """Update the artists of the figure drawn last (by draw_on) to the current settings, in place,
        and return True; or return False (the default) to have it drawn anew. Building axes again costs
        more than drawing them (new ticks, new texts), so the explorers that redraw on every slider
        step update their lines and images instead. A refreshed figure must equal a fresh one
        (tests/test_explorer_refresh.py)."""
        return False

    def draw_on(self, fig: Figure):
        raise NotImplementedError

    def png(self) -> bytes:
        # One render (savefig renders twice with a layout engine: once to lay out, once to print) and
        # a fast encoder (plots.canvas_png). Under the lock: the figure is drawn and read before
        # another thread may draw again.
        with self.lock:
            return rendered_png(self.draw())

    def show(self):
        """Display the current figure in the notebook as a static picture."""
        from IPython.display import Image, display  # noqa: PLC0415

        display(Image(self.png()))

    # --- the widget -------------------------------------------------------------------------------
    FRAME_BUDGET: float | None = None  # seconds of training per frame: see TrainingExplorer

    def widget(self):
        """Sliders and menus for every setting, around the figure; errors are shown, not raised.
        An explorer with a FRAME_BUDGET answers a move with frames of its training (see
        ProgressiveTrainer): ui.trainer.wait() waits for the run to end (tests, benchmarks)."""
        import ipywidgets as W  # noqa: PLC0415

        controls = {}
        for name, p in self.PARAMS.items():
            label = _(p.label or name.replace("_", " "))  # the language in use (dt.set_language)
            value = self.cfg[name]
            if p.choices is not None:
                numbers = any(isinstance(c, float) for c in p.choices)  # labelled as a readout: "1", not "1.0"
                options = [(readout(c) if isinstance(c, float) else str(c), c) for c in p.choices] if numbers \
                    else list(p.choices)
                w = W.Dropdown(options=options, value=value, description=label)
            elif p.log:
                w = round_log_slider(value, p.low, p.high, description=label)
            elif isinstance(p.default, int):
                w = W.IntSlider(value=value, min=p.low, max=p.high, step=p.step or 1, description=label)
            else:
                w = float_slider(value=value, min=p.low, max=p.high, step=p.step or (p.high - p.low) / 100,
                                 description=label)
            controls[name] = w
        image = figure_image()
        message = W.HTML()
        busy = busy_label()

        def redraw():
            message.value = ""
            image.value = self.png()

        trainer = None
        wanted = dict(self.cfg)  # the settings last asked for (a TrainingExplorer's cfg follows once trained)
        asked = {"what": ""}  # the last move, for the busy sign: "learning rate = 0.03"
        if self.FRAME_BUDGET is not None:
            def show(error=None):
                message.value = "" if error is None else error_html(error)
                if error is None:
                    image.value = self.png()
                else:  # a refused setting left the explorer as it was: so are the next moves' settings
                    wanted.update(self.cfg)

            # The busy sign while a run trains (1-3 s for lessons 13-15): its frames show the network
            # learning, so the figure is not dimmed as a stale one is (box=None).
            trainer = ProgressiveTrainer(self, show, self.FRAME_BUDGET,
                                         busy=lambda: busy_while(busy, what=asked["what"]))

        def on_change(name):
            def handler(change):
                value = control_value(change["new"])
                if trainer is None:
                    if value == self.cfg[name]:  # the browser snapped a slider to (almost) the same value
                        return
                    apply_setting(lambda: self.set(**{name: value}), redraw, busy=busy, ui=ui, message=message,
                                  what=f"{controls[name].description} = {value}")
                    return
                if value == wanted[name]:  # (the same, for the settings asked of the training thread)
                    return
                try:
                    value = self.PARAMS[name].validate(name, value)
                except (ValueError, TypeError) as err:
                    message.value = error_html(err)
                    return
                wanted[name] = value
                asked["what"] = f"{controls[name].description} = {value}"
                trainer.submit(dict(wanted))  # returns at once: the kernel takes the next move
            return handler

        for name, w in controls.items():
            w.observe(on_change(name), names="value")
        image.value = self.png()
        ui = W.VBox([arrange(controls.values()), busy, message, image])
        ui.controls, ui.image, ui.message, ui.busy, ui.trainer = controls, image, message, busy, trainer
        labels = {name: w.description for name, w in controls.items()}
        return carry_picture(ui, image, type(self).__name__, figure=lambda: self.figure, lock=self.lock,
                             moving=None if trainer is None else trainer.running,
                             describe=lambda: {labels[name]: value for name, value in self.cfg.items()})


class Abandoned(Exception):
    """Raised inside a run that the widget no longer wants: a newer setting is waiting."""


def updates_from_threads() -> bool:
    """Whether a widget changed by a thread shows the change in the browser: yes in JupyterLab,
    Notebook 7, VS Code and Voila; not in Google Colab, whose page takes a widget's new state only
    with the next message sent from the main thread (googlecolab/colabtools issue 3373)."""
    return "google.colab" not in sys.modules


class ProgressiveTrainer:
    """Runs an explorer's set() for its widget in a thread, one setting at a time, so that the kernel
    takes the next slider value while a network trains. During a run, a frame (the partly trained
    network, explorer.show_epoch, "epoch 7/30" in its title) answers the move after a fifth of
    `frame_time` of training; the next ones come about every frame_time seconds: training for
    frame_time less the last frame's drawing time, but at least as long as a drawing takes (up to
    twice frame_time), so that a slow drawing slows the frames rather than the training. The
    finished run is drawn by show() as set() left it: the same picture as the synchronous set() +
    png(). A run whose setting is no longer the newest is abandoned at its next epoch (a student
    dragging a slider wants where it stops, not every value on the way). Cached runs train nothing:
    their one frame comes at once.

    threaded=False (the default where updates_from_threads() is False: Colab) runs in the caller:
    the same frames, drawn from the control's handler, but the next move waits for the run's end."""

    def __init__(self, explorer, show, frame_time: float, threaded: bool | None = None, busy=None):
        self.explorer, self.show, self.frame_time = explorer, show, frame_time
        # busy(): a context manager (busy_while) around each stretch of work, from a move until no
        # setting waits: one sign for a drag through several values, not one per run
        self.busy = busy if busy is not None else contextlib.nullcontext
        self.threaded = updates_from_threads() if threaded is None else threaded
        self.lock = threading.Condition()
        self.pending = None  # (generation, settings) not started yet: only the newest is kept
        self.generation = 0  # of the newest setting submitted
        self.thread = None

    def submit(self, settings: dict):
        """Train `settings` (a complete cfg) after the current run, which is abandoned."""
        if not self.threaded:
            self.generation += 1
            with self.busy():
                self._attempt(self.generation, settings)
            return
        with self.lock:
            self.generation += 1
            self.pending = (self.generation, settings)
            if self.thread is None:
                self.thread = threading.Thread(target=self._work, name="dlteach-trainer", daemon=True)
                self.thread.start()

    def running(self) -> bool:
        """Whether a setting is training or waits to (its frames are coming)."""
        return self.thread is not None

    def wait(self, timeout: float | None = None) -> bool:
        """Block until every submitted setting is trained and drawn; False if timed out."""
        with self.lock:
            return self.lock.wait_for(lambda: self.thread is None, timeout)

    def _work(self):
        while True:
            with self.busy():
                while True:
                    with self.lock:
                        if self.pending is None:
                            break
                        (generation, settings), self.pending = self.pending, None
                    self._attempt(generation, settings)
            with self.lock:  # the sign is cleared before wait() returns; a setting sent meanwhile runs on
                if self.pending is None:
                    self.thread = None
                    self.lock.notify_all()
                    return

    def _attempt(self, generation: int, settings: dict):
        try:
            self._run(generation, settings)
        except Exception as err:  # noqa: BLE001 (the thread must go on; the learner sees what went wrong)
            self.show(f"{type(err).__name__}: {err}")

    def _run(self, generation: int, settings: dict):
        ex = self.explorer
        last = time.perf_counter()  # when the last frame was drawn (or the run began)
        wait = self.frame_time / 5  # training until the next frame: the first answers the move soon

        def progress(*state, **extra):
            nonlocal last, wait
            if self.generation != generation:
                raise Abandoned
            if time.perf_counter() - last >= wait:
                started = time.perf_counter()
                ex.show_epoch(*state, **extra)
                self.show()
                last = time.perf_counter()
                drawing = last - started
                wait = max(self.frame_time - drawing, min(drawing, 2 * self.frame_time))

        ex.progress = progress
        try:
            ex.set(**settings)
        except Abandoned:
            return
        except (ValueError, TypeError) as err:  # a refused combination: the explorer stays as it was
            if self.generation == generation:
                self.show(err)
            return
        finally:
            ex.progress = None
        if self.generation == generation:  # else a newer setting is waiting: it draws next
            self.show()


class TrainingExplorer(Explorer):
    """An explorer that trains a network per setting. set() trains to the end (the numbers the
    lessons read); the widget answers a move within about FRAME_BUDGET seconds with the partly
    trained network, and keeps drawing frames until the run ends (ProgressiveTrainer).

    A subclass's update() passes `progress=self.progress` to the experiments.* run it calls (None
    outside the widget's thread), sets self.training = None, and defines show_epoch()."""

    FRAME_BUDGET = 0.09  # s from one frame to the next (training + drawing): under the ~0.1 s that feels immediate
    training = None      # (epoch, epochs) while a partly trained state is shown
    progress = None      # while the widget's thread runs set(): called after every trained epoch

    def show_epoch(self, epoch, epochs, model, history, **extra):
        """Put the state after `epoch` of `epochs` trained epochs on self for draw_on, with
        self.training = (epoch, epochs); `extra` is what the run reports beside (experiments)."""
        raise NotImplementedError

    def layout_cache_key(self, fig: Figure):
        # Every run writes other numbers in the titles and labels (accuracies, the epoch counter, the
        # number of images): counted by their lines, the layout of an earlier run is replayed (they
        # stay shorter than their axes: tests/test_explorer_layout_cache.py compares).
        return super().layout_cache_key(fig)[0], layout_key(fig, label_lines=True)
