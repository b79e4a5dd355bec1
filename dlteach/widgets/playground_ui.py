"""ipywidgets controls for the Playground. Every callback calls one Playground method and then
shows the new figure; a bad combination shows its message instead of a traceback. Playground.widget()
calls build(); this module reads the settings from playground_settings, never playground.py (no import
cycle)."""
from __future__ import annotations

import html

import ipywidgets as W
import traitlets

from .. import data
from ..i18n import N_
from ..i18n import gettext_ as _
from . import playground_settings as P
from .base import (apply_setting, arrange, busy_label, busy_while, carry_picture, control_value,
                   error_html, figure_image, float_slider, icon_button, log_slider, readout, set_tooltip)


# Settings of the training itself: the figure only changes at the next step.
TRAINING_SETTINGS = ("learning_rate", "batch_size", "optimizer", "regularization", "reg_rate", "backend")


NO_PRESET = N_("(choose a preset)")  # the menu's value (English); its label is _(NO_PRESET)


def uploaded_files(value) -> list[tuple[str, bytes]]:
    """(name, content) of each file in a FileUpload's value, for both ipywidgets versions: 8 gives a
    tuple of dicts {'name', 'type', 'size', 'content': memoryview, 'last_modified'}; 7.x (Colab's 7.7)
    a dict {name: {'metadata': {'name', ...}, 'content': bytes}}."""
    if isinstance(value, dict):
        return [(name, bytes(f["content"])) for name, f in value.items()]
    return [(f["name"], bytes(f["content"])) for f in value]


def dataset_options(pg) -> list[str]:
    """The dataset menu: the built-in sets, and your own once loaded."""
    return list(data.DATASETS) + ([P.OWN] if pg.own is not None else [])


def describe_own(pg) -> str:
    """One line on the loaded points: how many, which task, how the label column was read."""
    own = pg.own
    if own.task == "classification":
        how = _("classification, {n} classes (labels {labels})").format(n=len(own.classes),
                                                                         labels=", ".join(map(str, own.classes)))
    else:
        how = _("regression (targets centred and scaled into [-1, 1])")
    return _("{n} points, {task}; features standardised").format(n=len(own.X), task=how)


# The selected features' buttons: dark blue with white bold text (8.8:1), not the faint grey of a
# selected list entry or of an active button; a check mark says it without colour too.
FEATURES_CSS = ("<style>.dlteach-feature.mod-active {background: #1a4e8a !important; color: #fff !important; "
                "font-weight: bold}</style>")
BUTTON_WIDTHS = {"step": "150px", "reset": "84px", "rewind": "96px", "keras": "124px"}
STATUS_WIDTH = "220px"  # "epoch 10000 (+100 this frame)": fixed, so that nothing after it moves during play


class FeatureChooser(W.HBox):
    """The input features as a row of toggle buttons (one line, where a list takes seven): `value` is
    the tuple of the chosen ones in `options` order, like SelectMultiple's, and observable the same way."""

    value = traitlets.Tuple()

    def __init__(self, options, value, description: str, label_width: str):
        self.options, self.description = tuple(options), description
        # fixed widths, room for the check mark: a button that gains or loses it moves no other
        self.buttons = [W.ToggleButton(value=o in value, description=o,
                                       layout=W.Layout(width=f"{8 * len(o) + 48}px"))
                        for o in self.options]
        for b in self.buttons:
            b.add_class("dlteach-feature")
            b.observe(self._clicked, names="value")
        text = f"<div style='text-align:right; padding-right:6px'>{html.escape(description)}</div>"
        label = W.HTML(FEATURES_CSS + text, layout=W.Layout(width=label_width, flex="0 0 auto"))
        super().__init__([label, *self.buttons], layout=W.Layout(align_items="center", flex="0 0 auto"))
        self.value = tuple(value)
        self.observe(self._shown, names="value")
        self._show_marks()

    def _clicked(self, _change):
        self.value = tuple(o for o, b in zip(self.options, self.buttons) if b.value)
        self._show_marks()

    def _shown(self, change):
        for o, b in zip(self.options, self.buttons):
            if b.value != (o in change["new"]):
                b.value = o in change["new"]  # each calls _clicked, which sets the same value again
        self._show_marks()

    def _show_marks(self):
        for b in self.buttons:
            b.icon = "check" if b.value else ""


def shown_value(value) -> str:
    """A setting as the notes print it: numbers in the readouts' format (.3g: 0.0126, not
    0.01258925412), a tuple of features as a list."""
    if isinstance(value, float):
        return readout(value)
    if isinstance(value, tuple):
        return ", ".join(map(str, value)) or _("none")
    return str(value)


def build(pg):
    """The Playground `pg`'s widget (see Playground.widget). One projector screen (1366x768, JupyterLab
    with its file browser open, or the Voila app) shows the controls and the picture together: the
    settings used most in three columns, the features in one row, the rest in a collapsed "more
    settings" group; buttons, status and notes in rows of fixed height above the picture, so that
    nothing moves when a button changes state (play, step, a note that appears or goes)."""
    c = pg.cfg
    controls = {
        "dataset": W.Dropdown(options=dataset_options(pg), value=c["dataset"], description=_("dataset")),
        "noise": float_slider(value=c["noise"], min=0, max=0.5, step=0.05, description=_("noise")),
        "train_ratio": float_slider(value=c["train_ratio"], min=0.1, max=0.9, step=0.1, description=_("train ratio")),
        "hidden": W.IntSlider(value=c["hidden"], min=0, max=6, description=_("hidden layers")),
        "neurons": W.IntSlider(value=c["neurons"], min=1, max=8, description=_("neurons/layer")),
        "activation": W.Dropdown(options=list(P.ACTIVATIONS), value=c["activation"], description=_("activation")),
        "learning_rate": log_slider(c["learning_rate"], 1e-5, 10.0, 0.1, description=_("learning rate")),
        "batch_size": W.IntSlider(value=c["batch_size"], min=1, max=30, description=_("batch size")),
    }
    # (label, value): the presets' names shown in the language in use, their English names the values
    presets = W.Dropdown(options=[(_(name), name) for name in (NO_PRESET, *P.PRESETS)], value=NO_PRESET,
                         description=_("preset"))
    sliders = arrange([*controls.values(), presets])  # the main grid: three columns of three
    label_width = controls["dataset"].style.description_width
    controls["features"] = FeatureChooser(data.FEATURES, c["features"], _("features"), label_width)
    more = {
        "regularization": W.Dropdown(options=list(P.REGULARIZATIONS), value=c["regularization"],
                                     description=_("regularisation")),
        "reg_rate": W.SelectionSlider(options=[(readout(r), r) for r in P.REG_RATES], value=c["reg_rate"],
                                      description=_("reg. rate")),
        "optimizer": W.Dropdown(options=list(P.OPTIMIZERS), value=c["optimizer"], description=_("optimizer")),
        "loss": W.Dropdown(options=list(P.LOSSES), value=c["loss"], description=_("loss")),
        "backend": W.ToggleButtons(options=list(P.BACKENDS), value=c["backend"], description=_("backend")),
        "seed": W.BoundedIntText(value=c["seed"], min=0, max=10_000, description=_("seed")),
    }
    controls.update(more)
    # Your own data: a CSV of x1, x2, label, checked by dlteach.data.read_points_csv; a bad file shows
    # one message and changes nothing.
    upload = set_tooltip(W.FileUpload(accept=".csv,.txt,text/csv", multiple=False, description=_("your CSV")),
                         _("upload a CSV file of x1, x2, label (one point a row): the dataset menu gains "
                           "'your data'"))
    task = W.Dropdown(options=list(data.TASKS), value="auto", description=_("CSV labels"))
    more_grid = arrange([*more.values(), task])
    upload.layout = W.Layout(width="auto", flex="0 0 auto")
    more_grid.children = (*more_grid.children, upload)
    # The toggle's label beside its buttons, right-aligned as every other control's: ToggleButtons put their
    # buttons in a block of their own, under the label, unless laid out as an inline control
    more["backend"].add_class("widget-inline-hbox")
    # A toggle button that shows and hides them, not an Accordion: ipywidgets 8's Accordion header is a
    # div that takes no focus, so a keyboard could not open it; a button takes Enter and Space (8 and 7.7).
    more_grid.layout.display = "none"
    more_button = W.ToggleButton(value=False, icon="caret-right", layout=W.Layout(width="auto"),
                                 description=_("more settings: regularisation, optimizer, loss, backend, seed, "
                                               "your CSV"))
    set_tooltip(more_button, _("show or hide the settings used less often"))
    more_button.add_class("dlteach-disclosure")

    def on_more(change):
        more_grid.layout.display = "flex" if change["new"] else "none"
        more_button.icon = "caret-down" if change["new"] else "caret-right"

    more_button.observe(on_more, names="value")
    more_box = W.VBox([more_button, more_grid])

    image = figure_image()
    image.layout.align_self = "flex-start"  # its natural size: stretched to the box's width it blurs and grows
    status = W.HTML(layout=W.Layout(width=STATUS_WIDTH, flex="0 0 auto", overflow="hidden"))
    note = W.HTML(layout=W.Layout(flex="1 1 auto"))  # a neutral note for settings that act at the next step
    message = W.HTML(layout=W.Layout(flex="1 1 auto"))  # a refused setting, a bad file, a diverged run
    busy = busy_label()  # "computing…" while a step (or a slow frame) runs longer than BUSY_AFTER
    busy.layout.flex = "0 0 auto"
    # one line of fixed (minimum) height for notes, messages and the busy sign: they come and go
    # without moving the picture
    info = W.HBox([note, message, busy], layout=W.Layout(min_height="26px", align_items="center"))
    play = W.Play(value=0, min=0, max=100_000, interval=300, description=_("play"))
    # One tooltip covers Play's three buttons (play, stop, repeat): ipywidgets 8 and Colab's 7.7 alike.
    set_tooltip(play, _("play: each frame trains and draws in about {ms:.0f} ms (whole epochs, "
                        "counted beside the epoch); stop; repeat").format(ms=P.FRAME_TIME * 1000))
    play.layout = W.Layout(flex="0 0 auto")
    step_button = icon_button(_("step (10 epochs)"), "step-forward", _("train 10 epochs, shown frame by frame"))
    reset_button = icon_button(_("reset"), "refresh", _("new random initial weights"))
    rewind_button = icon_button(_("rewind"), "fast-backward", _("same initial weights, epoch 0"))
    keras_button = icon_button(_("Keras code"), "code", _("this network as runnable Keras code"))
    for b, width in zip((step_button, reset_button, rewind_button, keras_button), BUTTON_WIDTHS.values()):
        b.layout = W.Layout(width=width, flex="0 0 auto")
    rewind_tooltips = (_("same initial weights, epoch 0"),
                       _("nothing to rewind: already at epoch 0 from these initial weights"))

    def show(trained=None):
        image.value = pg.png()
        status.value = (_("<b>epoch {epoch}</b>").format(epoch=pg.epoch)
                        + (_(" (+{trained} this frame)").format(trained=trained) if trained else ""))
        note.value = ""  # a step or a redraw has applied every setting
        message.value = error_html(pg.message) if pg.message else ""
        # rewind only where there is something to go back from: trained epochs, or a diverged first epoch
        rewind_button.disabled = not (pg.epoch or pg.message)
        set_tooltip(rewind_button, rewind_tooltips[rewind_button.disabled])

    syncing = []  # non-empty while the code itself sets a control (not the learner)

    def on_change(key):
        def handler(change):
            if syncing:
                return
            value = control_value(change["new"])
            current = tuple(pg.cfg[key]) if key == "features" else pg.cfg[key]
            if value == current:  # the browser snapped a slider to (almost) the same value: nothing to redo
                return
            said = f"{controls[key].description} = {shown_value(value)}"
            if not apply_setting(lambda: pg.set(**{key: value}), show, busy=busy, ui=ui, message=message,
                                 what=said):
                return
            # settings of training itself change nothing on the figure until the next step: say so at once
            note.value = ("<span style='color:#444'>" + _("{setting}: applies from the next step (press step or "
                                                          "play)").format(setting=html.escape(said)) + "</span>"
                          if key in TRAINING_SETTINGS else "")
        return handler

    for key, w in controls.items():
        w.observe(on_change(key), names="value")

    def on_step(_=None):
        # 10 epochs in frames of about FRAME_TIME (training and drawing), each shown: one or two frames
        # at the default settings; the largest network with batch size 1 animates through several.
        target = pg.epoch + 10
        with busy_while(busy, ui, what="step"):
            while pg.epoch < target and not pg.message:
                show(pg.frame(max_epochs=target - pg.epoch))

    def on_frame(_=None):
        # a frame is about FRAME_TIME of training and drawing: the sign shows only for a slow one
        with busy_while(busy, ui, what="play"):
            show(pg.frame())

    def on_rewind(_button=None):
        if not (pg.epoch or pg.message):  # (the button is disabled then; a call from code says why)
            note.value = f"<span style='color:#444'>{html.escape(rewind_tooltips[1])}</span>"
            return
        pg.rewind()
        show()

    step_button.on_click(on_step)
    play.observe(on_frame, names="value")
    reset_button.on_click(lambda _: (pg.reset(), show()))
    rewind_button.on_click(on_rewind)
    uploaded = {}

    def load(name, content):
        try:
            pg.load_csv(content, task=task.value)
        except (ValueError, TypeError) as err:
            message.value = error_html(f"{html.escape(name)}: {html.escape(str(err))}")
            return
        uploaded.update(name=name, content=content)
        syncing.append(True)
        try:
            controls["dataset"].options = dataset_options(pg)
            controls["dataset"].value = P.OWN
        finally:
            syncing.pop()
        show()
        message.value = ""
        note.value = f"<span style='color:#444'>{html.escape(name)}: {describe_own(pg)}</span>"

    def on_upload(change):
        files = uploaded_files(change["new"])
        if files:
            load(*files[-1])

    def on_task(change):
        if uploaded:  # read the same file again with the new choice
            load(uploaded["name"], uploaded["content"])
        else:
            note.value = ("<span style='color:#444'>" + _("CSV labels = {task}: applies to the CSV you upload "
                                                          "next").format(task=change["new"]) + "</span>")

    upload.observe(on_upload, names="value")
    task.observe(on_task, names="value")

    # Guided presets: a known experiment set up in one choice, with one sentence on what to watch.
    # width auto, not 100%: a widget's 2 px margin would make 100% overflow its box by 4 px
    watch = W.HTML(layout=W.Layout(width="auto"))

    def sync_controls():
        """Show pg.cfg on every control without calling back into the Playground."""
        syncing.append(True)
        try:
            controls["dataset"].options = dataset_options(pg)
            for key, w in controls.items():
                value = tuple(pg.cfg[key]) if key == "features" else pg.cfg[key]
                if key == "learning_rate":  # a log slider's grid must pass through its value (see log_slider)
                    grid = log_slider(value, *P.LIMITS["learning_rate"], 0.1)
                    if abs(grid.min - w.min) < 1e-9:
                        w.value = value
                    else:
                        # a new slider, not a new range: a browser that gets range and value of a shown
                        # slider snaps one to the other and sends the result back (0.01 became 0.0316)
                        grid.description, grid.style, grid.layout = w.description, w.style, w.layout
                        grid.observe(on_change(key), names="value")
                        controls[key] = grid
                        sliders.children = tuple(grid if c is w else c for c in sliders.children)
                        w.close()
                elif w.value != value:
                    w.value = value
        finally:
            syncing.pop()

    def on_preset(change):
        if change["new"] == NO_PRESET:
            watch.value = ""
            return
        pg.preset(change["new"])
        sync_controls()
        show()
        message.value = ""
        name = change["new"]
        p = P.PRESETS[name]
        watch.value = ("<div style='color:#1a4e8a; white-space:normal'>"
                       + _("<b>{preset}</b> (train about {epochs} epochs): {watch}").format(
                           preset=html.escape(_(name)), epochs=p.epochs, watch=html.escape(_(p.watch)))
                       + "</div>")

    presets.observe(on_preset, names="value")

    # Export: the current settings as a Keras script (Playground.to_keras_code). It opens in the
    # picture's place, at the picture's height, so that it is seen where the eyes are and nothing
    # below moves; the same button brings the picture back.
    figure_height = f"{round(P.FIGURE_INCHES[1] * P.FIGURE_DPI)}px"
    keras_code = W.HTML(layout=W.Layout(display="none", width="auto", height=figure_height, overflow="auto"))

    def on_keras(_button=None):
        if keras_code.layout.display != "none":
            keras_code.layout.display, image.layout.display = "none", None
            return
        code = html.escape(pg.to_keras_code())
        keras_code.value = ("<div style='font-size:13px'>"
                            + _("Keras code for these settings (from the same initial weights; select and copy, "
                                "or call <code>pg.to_keras_code()</code>; press <b>Keras code</b> again for the "
                                "picture):")
                            + "</div><pre class='dlteach-keras-code' style='font-size:12px; margin:4px 0; "
                            f"border:1px solid #ccc; padding:6px; white-space:pre'>{code}</pre>")
        keras_code.layout.display, image.layout.display = "block", "none"

    keras_button.on_click(on_keras)
    buttons = W.HBox([play, step_button, reset_button, rewind_button, keras_button, status],
                     layout=W.Layout(flex_flow="row nowrap", align_items="center"))
    show()
    features_row = W.HBox([controls["features"]], layout=W.Layout(flex_flow="row wrap", align_items="center"))
    ui = W.VBox([sliders, features_row, more_box, watch, buttons, info, keras_code, image])
    ui.upload, ui.task, ui.presets, ui.watch = upload, task, presets, watch
    ui.more, ui.more_settings = more_button, more_grid  # the button that opens the group, and the group
    ui.controls, ui.image, ui.status, ui.message, ui.note, ui.busy = controls, image, status, message, note, busy
    ui.step_button, ui.reset_button, ui.rewind_button, ui.play = step_button, reset_button, rewind_button, play
    ui.keras_button, ui.keras_code = keras_button, keras_code
    # sharp at the screen's pixel ratio once it rests, never while playing (Play's trait: 8 `playing`, 7.7 `_playing`)
    return carry_picture(ui, image, "Playground", describe=lambda: {"epoch": pg.epoch, **pg.cfg},
                         figure=lambda: pg.figure, moving=lambda: bool(getattr(play, "playing", None)
                                                                      or getattr(play, "_playing", None)))
