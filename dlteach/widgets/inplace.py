"""Helpers for explorers that update their figure in place (Explorer.refresh).

Constrained layout is not a fixed point: laid out again from the positions of an earlier layout, the
axes can land a few pixels away from where a fresh figure puts them (a colour bar beside an axes moves
it most). So an explorer that refreshes remembers where draw_on left the axes, before any layout
(layout_start), and puts them back there before each refreshed drawing (restart_layout): the layout
then starts from exactly the state a fresh figure starts from, and ends where it ends."""
from __future__ import annotations


def layout_start(fig):
    """The positions, anchors and aspects of `fig`'s axes and the positions of its super-titles, as
    draw_on left them (call it at the end of draw_on, before the figure is drawn)."""
    axes = [(ax, ax.get_position(original=True), ax.get_position(original=False), ax.get_anchor(),
             ax.get_box_aspect(), ax.get_aspect()) for ax in fig.axes]
    texts = [(t, t.get_position()) for t in (fig._suptitle, fig._supxlabel, fig._supylabel) if t is not None]
    return axes, texts


def restart_layout(state):
    """Put the axes and super-titles back where layout_start found them."""
    axes, texts = state
    for ax, original, active, anchor, box_aspect, aspect in axes:
        ax._set_position(original, which="original")
        ax._set_position(active, which="active")
        ax.set_anchor(anchor)
        ax.set_box_aspect(box_aspect)
        ax.set_aspect(aspect)
    for text, position in texts:
        text.set_position(position)
