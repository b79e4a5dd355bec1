"""Keyboard and screen-reader access for the explorers (issue 28), added by base.carry_picture to every
explorer's root box (CSS class `dlteach-explorer`):

- `Access`, an invisible anywidget whose script, from the root box: sets `data-lm-suppress-shortcuts`
  on it (Lumino's key-binding matcher stops there, so `x` in a menu picks "XOR" instead of cutting the
  cell, and arrows move the control, not the notebook's selection); gives every control an accessible
  name from its visible label (slider handles, menus, fields, toggle and icon buttons: Play's are named
  by their icon); makes each slider announce what its readout shows (`aria-valuetext`: "0.01", not the
  exponent "-2"), kept current; puts the `alt` trait on the figure; draws visible focus rings; reports
  the screen's `window.devicePixelRatio` (and its changes: a window moved to another screen, a zoom) as
  `pixel_ratio`, for base.SharpPicture's picture at the screen's resolution.
  Where its script cannot run, nothing changes: the explorer works as before (pixel_ratio stays 1).
- `figure_alt(fig)` and `alt_text(...)`: words for what the figure shows now (its titles, axis labels
  and legend entries, and the explorer's settings), for the figure's alt text.
"""
from __future__ import annotations

import anywidget
import traitlets

from ..i18n import gettext_ as _

__all__ = ["Access", "ROOT_CLASS", "FIGURE_CLASS", "figure_alt", "alt_text", "settings_text", "pixel_ratio"]

ROOT_CLASS = "dlteach-explorer"   # the explorer's root box: the script works inside it
FIGURE_CLASS = "dlteach-figure"  # the explorer's figure (its Image widget): gets the alt text

_ESM = r"""
const ICONS = {"fa-play": "play", "fa-pause": "pause", "fa-stop": "stop", "fa-retweet": "repeat",
               "fa-repeat": "repeat", "fa-sync": "repeat", "fa-refresh": "reset", "fa-code": "code",
               "fa-step-forward": "step", "fa-fast-backward": "rewind"};
const text = (el) => (el ? el.textContent : "").replace(/\s+/g, " ").trim();
const put = (el, name, value) => {  // only a real change: the observer below would see its own writes
  if (value === null || value === undefined) return;
  if (el.getAttribute(name) !== String(value)) el.setAttribute(name, value);
};

// The visible label of the ipywidget that holds `el` (its description), else its tooltip.
function labelOf(el) {
  const w = el.closest(".widget-inline-hbox, .widget-inline-vbox, .widget-hbox, .widget-vbox, .jupyter-widgets");
  const label = w ? w.querySelector(":scope > .widget-label, :scope > label") : null;
  return text(label) || (w && w.title) || el.title || "";
}

function label(root, model) {
  // Lumino matches a shortcut's selector from the key's target up to the first element with this
  // attribute, and JupyterLab's command-mode selectors end in ":focus": the focused control itself
  // matches, so it must carry the attribute too, not only the root.
  for (const el of root.querySelectorAll("select, input, textarea, button, [tabindex], [contenteditable]")) {
    put(el, "data-lm-suppress-shortcuts", "true");
  }
  // slider handles (ipywidgets 8: noUiSlider; 7: jQuery UI): name and the readout's text as the value
  for (const handle of root.querySelectorAll("[role=slider], .ui-slider-handle")) {
    const w = handle.closest(".widget-slider, .widget-hslider, .widget-vslider, .widget-inline-hbox");
    if (!w) continue;
    put(handle, "aria-label", labelOf(handle) || "slider");
    const readout = w.querySelector(".widget-readout");
    const shown = !readout ? "" : readout.tagName === "INPUT" ? readout.value : text(readout);
    if (shown) put(handle, "aria-valuetext", shown);
    if (!handle.hasAttribute("tabindex")) handle.setAttribute("tabindex", "0");
  }
  // readouts that can be typed into are fields too
  for (const readout of root.querySelectorAll(".widget-readout[contenteditable]")) {
    put(readout, "role", "textbox");
    put(readout, "aria-label", labelOf(readout) + " value");
  }
  // menus, lists, fields, check boxes
  for (const field of root.querySelectorAll("select, input, textarea")) {
    if (field.type === "file" || field.type === "hidden") continue;
    const name = labelOf(field);
    if (name) put(field, "aria-label", name);
  }
  // toggle buttons: a named group whose buttons say whether they are on
  for (const group of root.querySelectorAll(".widget-toggle-buttons")) {
    put(group, "role", "group");
    const name = labelOf(group.querySelector("button") || group);
    if (name) put(group, "aria-label", name);
    for (const b of group.querySelectorAll("button")) put(b, "aria-pressed", b.classList.contains("mod-active"));
  }
  for (const b of root.querySelectorAll(".widget-toggle-button:not(.widget-toggle-buttons *)")) {
    put(b, "aria-pressed", b.classList.contains("mod-active"));
  }
  // buttons: an icon alone is named by what it does
  for (const b of root.querySelectorAll("button")) {
    if (text(b)) continue;
    const icon = b.querySelector("i, .fa");
    const cls = icon ? [...icon.classList].find((c) => ICONS[c]) : null;
    put(b, "aria-label", cls ? ICONS[cls] : (b.title || "button"));
  }
  // a collapsed group's header (Accordion: ipywidgets 8 and 7.7) is a div that only a mouse opens:
  // make it a button that Tab reaches and Enter or Space opens, saying whether it is open
  for (const header of root.querySelectorAll(".jupyter-widget-Collapse-header, .p-Collapse-header")) {
    put(header, "role", "button");
    put(header, "tabindex", "0");
    put(header, "data-lm-suppress-shortcuts", "true");
    const body = header.nextElementSibling;
    const open = !!body && !body.classList.contains("lm-mod-hidden") && !body.classList.contains("p-mod-hidden");
    put(header, "aria-expanded", open);
    if (!header.dataset.dlteachKeys) {
      header.dataset.dlteachKeys = "1";
      header.addEventListener("keydown", (e) => {
        if (e.key !== "Enter" && e.key !== " ") return;
        e.preventDefault();
        header.click();
      });
    }
  }
  // ipywidgets 8 writes an unset tooltip as the word "null"
  for (const el of root.querySelectorAll("[title=null]")) el.removeAttribute("title");
  // the figure: what it shows now
  const alt = model.get("alt");
  for (const img of root.querySelectorAll("img")) {
    if (img.closest(".dlteach-figure") || img.classList.contains("dlteach-figure") || !img.hasAttribute("alt")) {
      put(img, "alt", alt);
    }
  }
}

// The screen's device pixel ratio (2 on most HiDPI laptops, 1.25-1.5 with scaling or a zoom), in steps of
// 0.25 from 1 to 3, for the kernel: it swaps the picture for a sharper one once the controls rest. A
// matchMedia query for the current resolution fires when it changes (another screen, a zoom).
function watchRatio(model) {
  let media = null;
  const report = () => {
    const ratio = Math.min(3, Math.max(1, Math.round((window.devicePixelRatio || 1) * 4) / 4));
    if (model.get("pixel_ratio") !== ratio) {
      model.set("pixel_ratio", ratio);
      model.save_changes();
    }
    if (media) media.removeEventListener("change", report);
    media = window.matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`);
    media.addEventListener("change", report);
  };
  report();
  return () => { if (media) media.removeEventListener("change", report); };
}

function render({ model, el }) {
  el.style.display = "none";
  const unwatch = watchRatio(model);
  let root = null, tries = 0, pending = false, observer = null;
  const relabel = () => {
    if (pending || !root) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; label(root, model); });
  };
  function attach() {  // the box may insert this view before it is in the page: wait for the root
    root = el.closest(".dlteach-explorer");
    if (!root) {
      if (tries++ < 200) setTimeout(attach, 50);
      return;
    }
    root.setAttribute("data-lm-suppress-shortcuts", "true");  // no notebook shortcut inside the explorer (see label)
    label(root, model);
    observer = new MutationObserver(relabel);
    observer.observe(root, {childList: true, subtree: true, characterData: true, attributes: true,
                            attributeFilter: ["class", "src", "title", "aria-valuenow", "value"]});
  }
  attach();
  model.on("change:alt", relabel);
  return () => { if (observer) observer.disconnect(); model.off("change:alt", relabel); unwatch(); };
}
export default { render };
"""

_CSS = """
.dlteach-explorer :focus-visible, .dlteach-explorer .noUi-handle:focus,
.dlteach-explorer .ui-slider-handle:focus {
  outline: 2px solid #1a4e8a !important; outline-offset: 1px;
}
.dlteach-explorer select:focus-visible, .dlteach-explorer input:focus-visible { box-shadow: 0 0 0 1px #fff; }
"""


class Access(anywidget.AnyWidget):
    """Invisible (display: none): its script labels the controls of the explorer box it sits in and keeps
    notebook shortcuts out of it (see the module's docstring). alt: the figure's alt text. pixel_ratio: the
    screen's device pixel ratio as the browser reports it (1 until it does; see pixel_ratio())."""

    _esm = _ESM
    _css = _CSS
    alt = traitlets.Unicode("").tag(sync=True)
    pixel_ratio = traitlets.Float(1.0).tag(sync=True)

    @traitlets.validate("pixel_ratio")
    def _valid_ratio(self, proposal):
        return pixel_ratio(proposal["value"])

    def __init__(self, **kwargs):
        import ipywidgets as W  # noqa: PLC0415

        kwargs.setdefault("layout", W.Layout(display="none", width="0", height="0", margin="0"))
        super().__init__(**kwargs)


def pixel_ratio(value) -> float:
    """A device pixel ratio as the explorers draw for it: from 1 to 3 in steps of 0.25 (1 for nonsense).
    Beyond 3 the picture would only grow (x9 the pixels); a step of 0.25 keeps a zoom's 1.1 at 1."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return 1.0
    if value != value:  # NaN
        return 1.0
    return min(3.0, max(1.0, round(value * 4) / 4))


def _clean(s: str) -> str:
    return " ".join(str(s).split())


def figure_alt(fig) -> str:
    """What a matplotlib Figure shows, in words: its super-title, then per axes its title, axis labels
    and legend entries ("loss; x: epoch; y: loss; legend: train, test"). Empty for no figure."""
    if fig is None:
        return ""
    parts = []
    suptitle = getattr(fig, "_suptitle", None)
    if suptitle is not None and suptitle.get_text().strip():
        parts.append(_clean(suptitle.get_text()))
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        bits = [_clean(t) for t in (ax.get_title(loc="left"), ax.get_title(), ax.get_title(loc="right")) if t.strip()]
        if ax.get_xlabel().strip():
            bits.append(_("x: {label}").format(label=_clean(ax.get_xlabel())))
        if ax.get_ylabel().strip():
            bits.append(_("y: {label}").format(label=_clean(ax.get_ylabel())))
        legend = ax.get_legend()
        if legend is not None:
            entries = [_clean(t.get_text()) for t in legend.get_texts() if t.get_text().strip()]
            if entries:
                bits.append(_("legend: {entries}").format(entries=", ".join(entries)))
        if bits:
            parts.append("; ".join(bits))
    return ". ".join(parts)


def settings_text(settings: dict, number=lambda value: format(value, ".3g")) -> str:
    """Settings as "learning rate 0.01, optimizer adam": numbers as number(value) writes them (the explorers
    pass base.readout: as the readouts show them)."""
    def show(value):
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, float):
            return number(value)
        if isinstance(value, (list, tuple)):
            return "+".join(map(str, value))
        return str(value)

    return ", ".join(f"{str(name).replace('_', ' ')} {show(value)}" for name, value in settings.items())


def alt_text(head: str, fig=None) -> str:
    """The alt text of an explorer's picture: "{head}. Figure: {what the figure shows}" (head: the
    explorer's name and state)."""
    head, body = head.rstrip(". "), figure_alt(fig)
    return _("{explorer}. Figure: {figure}").format(explorer=head, figure=body) if body else head
