"""Keys for explorers that update their figure in place (Explorer.refresh) and replay their layout.

An explorer's layout_cache_key returns text_size_layout_key(fig, ...): what its constrained layout
depends on, by the room its texts take. Restarting and replaying the layout itself (layout_start,
restart_layout, CachedConstrainedLayout) is done by Explorer, with the other drawing speed-ups, in
fastagg.py."""
from __future__ import annotations

from .fastagg import layout_start, restart_layout  # noqa: F401 (where they used to live)


def text_size_layout_key(fig, menus=(), ticked=()):
    """A key for the figure's cached constrained layout (Explorer.LAYOUT_CACHE) by what its texts give
    the layout, instead of their strings: what an explorer's layout_cache_key returns.

    Constrained layout reads a text only through its box, and only part of it: an axes title and an
    x label count by their height (matplotlib collapses their width for the layout), a y label by its
    width, a suptitle by its height; other texts in an axes (annotations) and legends by their size.
    A one-line text is as tall as the font's line whatever its characters. So writing a new number in
    a title replays the layout instead of computing it again (~50-100 ms a move). Everything else the
    layout depends on stays in the key as Explorer.draw put it (menus, view limits and scales,
    visibility, figure size). Texts and legends outside the layout (set_in_layout(False)) are left out.
    `menus`: what of the menus' values the layout depends on beyond the texts and limits they set
    (Explorer.layout_cache_key keys by all of them, as a menu may pick another tick locator); () (the
    default) for an explorer whose menus only change texts and data.
    `ticked`: colour bars (their axes) on the right of their axes, whose tick locator does not depend on
    the bar's length (a fixed nbins): counted by their tick labels instead of their range, since the
    layout reads only the width of a right-hand bar's labels, and those follow from the labels alone."""
    renderer = fig.canvas.get_renderer()

    def size(artist, part=slice(None)):
        if artist is None:
            return None
        if not (artist.get_visible() and artist.get_in_layout()):
            return False
        box = artist.get_window_extent(renderer)  # a rotated text's size carries float noise of its place
        return (box.width > 0, box.height > 0, (round(box.width, 6), round(box.height, 6))[part])

    def axes_key(ax):
        legend = ax.get_legend()
        if ax in ticked:
            labels = tuple(t.get_text() for t in ax.yaxis.get_majorticklabels())
            return labels, ax.yaxis.get_major_formatter().get_offset(), size(ax.yaxis.label, 0)
        return (ax.get_xlim(), ax.get_ylim(), ax.get_xscale(), ax.get_yscale(),
                size(ax._left_title), size(ax.title, 1), size(ax._right_title),
                size(ax.xaxis.label, 1), size(ax.yaxis.label, 0), tuple(size(t) for t in ax.texts),
                None if legend is None else size(legend),
                ax.xaxis.get_visible(), ax.yaxis.get_visible(), ax.axison)

    supers = (size(fig._suptitle, 1), size(fig._supxlabel, 1), size(fig._supylabel, 0))
    return menus, (tuple(fig.get_size_inches()), fig.dpi, tuple(axes_key(ax) for ax in fig.axes), supers)
