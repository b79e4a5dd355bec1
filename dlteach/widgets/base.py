"""What every small explorer shares: settings validated against slider ranges, set() that
redraws, a Figure drawn without pyplot, and a widget built from a list of controls that only
call set(). Subclasses define PARAMS (name -> spec) and draw_on(fig)."""
from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


CONTROL_WIDTH = 300  # px: three controls per row in JupyterLab at 1366x768 with the file browser open


def arrange(controls):
    """Lay controls side by side in rows that wrap, above the figure: a column beside the figure gets
    squeezed on a projector-sized screen and cuts off the value readouts. Each control is
    CONTROL_WIDTH wide, with room for its longest label; returns the box that holds them."""
    import ipywidgets as W  # noqa: PLC0415

    longest = max(len(w.description) for w in controls)
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
    return W.FloatLogSlider(value=value, base=10, min=lo, max=hi, step=step, readout_format=".3g", **kwargs)


def figure_image():
    """An Image widget for a figure's PNG: its natural size where there is room, scaled to fit where not."""
    import ipywidgets as W  # noqa: PLC0415

    return W.Image(format="png", layout=W.Layout(max_width="100%", height="auto", object_fit="contain"))


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

    def __init__(self, **settings):
        self.cfg = {name: p.default for name, p in self.PARAMS.items()}
        self.figure = None
        self.set(**settings)

    def set(self, **settings):
        """Change settings (validated against the slider ranges) and recompute."""
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
        if self.figure is None:
            self.figure = Figure(figsize=self.FIGSIZE, dpi=90, layout="constrained")
            FigureCanvasAgg(self.figure)
        self.figure.clear()
        self.draw_on(self.figure)
        return self.figure

    def draw_on(self, fig: Figure):
        raise NotImplementedError

    def png(self) -> bytes:
        buf = io.BytesIO()
        self.draw().savefig(buf, format="png")
        return buf.getvalue()

    def show(self):
        """Display the current figure in the notebook as a static picture."""
        from IPython.display import Image, display  # noqa: PLC0415

        display(Image(self.png()))

    def widget(self):
        """Sliders and menus for every setting, around the figure; errors are shown, not raised."""
        import ipywidgets as W  # noqa: PLC0415

        controls = {}
        for name, p in self.PARAMS.items():
            label = p.label or name.replace("_", " ")
            value = self.cfg[name]
            if p.choices is not None:
                w = W.Dropdown(options=list(p.choices), value=value, description=label)
            elif p.log:
                w = log_slider(value, p.low, p.high, p.step or 0.1, description=label)
            elif isinstance(p.default, int):
                w = W.IntSlider(value=value, min=p.low, max=p.high, step=p.step or 1, description=label)
            else:
                w = W.FloatSlider(value=value, min=p.low, max=p.high, step=p.step or (p.high - p.low) / 100,
                                  description=label, readout_format=".3g")
            controls[name] = w
        image = figure_image()
        message = W.HTML()

        def on_change(name):
            def handler(change):
                try:
                    self.set(**{name: change["new"]})
                except (ValueError, TypeError) as err:
                    message.value = f"<span style='color:#b2182b'>{err}</span>"
                    return
                message.value = ""
                image.value = self.png()
            return handler

        for name, w in controls.items():
            w.observe(on_change(name), names="value")
        image.value = self.png()
        ui = W.VBox([arrange(controls.values()), message, image])
        ui.controls, ui.image, ui.message = controls, image, message
        return ui
