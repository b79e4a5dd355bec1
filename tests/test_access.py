"""The explorers' keyboard and screen-reader helper (dlteach/widgets/access.py) without a browser: the words
of the alt text, that carry_picture adds the helper and keeps the alt text current, the stored picture,
one readout format, and ipywidgets 7.7 (Colab's). The browser side: tests/test_access_browser.py."""
import base64

import pytest
from matplotlib.figure import Figure

import dlteach as dt
from colab_support import last_line_in_colab, needs_colab
from dlteach.widgets import access, base


def test_figure_alt_names_titles_axis_labels_and_legend_entries():
    fig = Figure()
    fig.suptitle("after 60 epochs")
    ax, other = fig.subplots(1, 2)
    ax.plot([0, 1], label="train")
    ax.plot([1, 0], label="test")
    ax.legend()
    ax.set(title="loss", xlabel="epoch", ylabel="cross-entropy")
    other.set_title("boundary", loc="left")
    text = access.figure_alt(fig)
    assert text == "after 60 epochs. loss; x: epoch; y: cross-entropy; legend: train, test. boundary"
    assert access.figure_alt(Figure()) == "" and access.figure_alt(None) == ""


def test_alt_text_and_settings_in_the_readout_format():
    # what the browser's d3-format(".3~g") writes (JavaScript's toPrecision(3), trailing zeros trimmed)
    shown = {0.03: "0.03", 0.9: "0.9", 0.9000000000000001: "0.9", 10 ** -1.9: "0.0126", 1e-5: "0.00001", 1e-7: "1e-7",
             125.8: "126", 12.58: "12.6", 999.6: "1e+3", 1258.9: "1.26e+3", -0.5: "-0.5", 0.0: "0", 3.0: "3"}
    assert base.READOUT_FORMAT == ".3~g" and {v: base.readout(v) for v in shown} == shown
    words = access.settings_text({"learning rate": 10 ** -1.9, "gate": "XOR", "features": ["x1", "x2"], "on": True})
    assert words == "learning rate 0.0126, gate XOR, features x1+x2, on True"
    fig = Figure()
    fig.add_subplot().set_title("test loss 0.007")
    assert access.alt_text("Playground, epoch 60", fig) == "Playground, epoch 60. Figure: test loss 0.007"
    assert access.alt_text("Playground", Figure()) == "Playground"


def test_sliders_share_one_readout_format():
    assert base.log_slider(0.01, 1e-4, 1.0).readout_format == base.READOUT_FORMAT
    ui = dt.widgets.GradientDescentExplorer().widget()
    floats = [w for w in ui.controls.values() if type(w).__name__ in ("FloatSlider", "FloatLogSlider")]
    assert floats and all(w.readout_format == base.READOUT_FORMAT for w in floats)


def test_every_explorer_widget_carries_the_helper_and_an_alt_text_that_follows_the_picture():
    ex = dt.widgets.NeuronExplorer()
    ui = ex.widget()
    assert access.ROOT_CLASS in ui._dom_classes and access.FIGURE_CLASS in ui.image._dom_classes
    assert ui.children[-1] is ui.access and isinstance(ui.access, access.Access)
    assert ui.access.layout.display == "none"  # takes no room
    before = ui.access.alt
    assert before.startswith("NeuronExplorer, w1 ") and "Figure: " in before
    assert access.figure_alt(ex.figure) in before
    ui.controls["gate"].value = "XOR"
    assert ui.access.alt != before and "gate XOR" in ui.access.alt
    assert access.figure_alt(ex.figure) in ui.access.alt  # the figure now, not the one before


def test_playground_alt_text_counts_the_epochs():
    pg = dt.widgets.Playground()
    ui = pg.widget()
    assert ui.access.alt.startswith("Playground, epoch 0, dataset ")
    ui.step_button.click()
    assert f"epoch {pg.epoch}," in ui.access.alt and pg.epoch > 0


def test_a_describer_that_fails_leaves_the_name_and_the_picture():
    import ipywidgets as W

    image = base.figure_image()
    image.value = b"\x89PNG fake"
    ui = base.carry_picture(W.VBox([image]), image, "Broken", describe=lambda: 1 / 0)
    assert ui.access.alt == "Broken"
    shown = ui._repr_mimebundle_()
    assert base64.b64decode(shown["image/png"]) == image.value
    assert shown[base.WIDGET_VIEW]["model_id"] == ui.model_id


def test_the_stored_bundle_is_unchanged_in_kind():
    """The stored picture stays one image/png (no second copy of the PNG for the alt text)."""
    ui = dt.widgets.NeuronExplorer().widget()
    shown = ui._repr_mimebundle_()
    assert set(shown) == {"text/plain", base.WIDGET_VIEW, "image/png"}
    assert base64.b64decode(shown["image/png"]) == ui.image.value


@pytest.mark.skipif(int(__import__("ipywidgets").__version__.split(".")[0]) < 8,
                    reason="ipywidgets 7 displays itself (_ipython_display_): test_the_stored_alt_text_with_ipywidgets_7")
def test_the_stored_picture_carries_its_alt_text_in_the_output_metadata(tmp_path):
    """What a notebook stores (IPython's formatter, ipywidgets 8): the alt text as the PNG's metadata, the PNG
    once; nbconvert's classic HTML (what nbviewer-style pages use) writes it as the img's alt."""
    import html

    import nbformat
    from IPython.core.formatters import DisplayFormatter
    from nbconvert import HTMLExporter

    ex = dt.widgets.NeuronExplorer()
    ui = ex.widget()
    ui.controls["gate"].value = "XOR"
    data, metadata = DisplayFormatter().format(ui)
    assert metadata == {"image/png": {"alt": ui.access.alt}} and "gate XOR" in ui.access.alt
    cell = nbformat.v4.new_code_cell("ui")
    cell.outputs = [nbformat.v4.new_output("display_data", data=data, metadata=metadata)]
    nb = nbformat.v4.new_notebook(cells=[cell])
    stored = nbformat.writes(nb)
    assert stored.count(data["image/png"][:200]) == 1  # the PNG stored once
    page, _ = HTMLExporter(template_name="classic").from_notebook_node(nbformat.reads(stored, 4))
    assert f'alt="{html.escape(ui.access.alt)}"' in page


@needs_colab
def test_the_stored_alt_text_with_ipywidgets_7():
    code = ("import IPython.display as D; from dlteach.widgets import NeuronExplorer\n"
            "sent = []; D.display = lambda *a, **k: sent.append(k.get('metadata'))\n"
            "ui = NeuronExplorer().widget(); ui._ipython_display_()\n"
            "print(); print(sent[0]['image/png']['alt'] == ui.access.alt, ui.access.alt[:15])")
    assert last_line_in_colab(code) == "True NeuronExplorer,"


def test_the_script_suppresses_notebook_shortcuts_and_names_play_buttons():
    esm = access.Access._esm
    assert 'setAttribute("data-lm-suppress-shortcuts", "true")' in esm
    assert all(f'"{name}"' in esm for name in ("play", "pause", "stop", "repeat"))
    assert ".dlteach-explorer" in esm and access.ROOT_CLASS == "dlteach-explorer"


@needs_colab
def test_the_helper_with_ipywidgets_7_and_anywidget_0_9():
    code = ("import anywidget, ipywidgets as W; from dlteach.widgets import NeuronExplorer\n"
            "ui = NeuronExplorer().widget(); d = ui._repr_mimebundle_()\n"
            "assert 'dlteach-explorer' in ui._dom_classes and ui.children[-1] is ui.access\n"
            "print(); print(W.__version__, anywidget.__version__, d['image/png'][:8], ui.access.alt[:15])")
    ipywidgets, anywidget, png, alt = last_line_in_colab(code).split(" ", 3)
    assert ipywidgets.startswith("7.") and anywidget.startswith("0.") and png == "iVBORw0K"
    assert alt == "NeuronExplorer,"
