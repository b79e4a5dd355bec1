"""The Chinese font of figures (dlteach/fonts, scripts/make_font.py) and dt.set_language's figures: every character
of every Chinese catalogue can be drawn, Chinese text draws without a missing glyph, and English text draws the
same pixels with the Chinese fallback as without it."""
import importlib.util
import logging
import re
import warnings

import matplotlib
import numpy as np
import pytest
from babel.messages.pofile import read_po
from fontTools.ttLib import TTFont
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

import dlteach as dt
from dlteach import i18n
from browser_support import ROOT

matplotlib.use("Agg")
spec = importlib.util.spec_from_file_location("make_font", ROOT / "scripts" / "make_font.py")
make_font = importlib.util.module_from_spec(spec)
spec.loader.exec_module(make_font)

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


@pytest.fixture(scope="module")
def cmaps():
    chinese = set(TTFont(i18n.FONT)["cmap"].getBestCmap())
    dejavu = set(TTFont(font_manager.findfont("DejaVu Sans"))["cmap"].getBestCmap())
    return chinese, dejavu


@pytest.fixture
def chinese():
    i18n.set_language("zh_CN")
    yield
    i18n.set_language("en")


def _messages(path):
    with path.open("rb") as f:
        return [m for m in read_po(f) if m.id and m.string]


def test_the_font_is_the_cut_with_its_licence(cmaps):
    font = TTFont(i18n.FONT)
    assert font["name"].getDebugName(1) == i18n.FONT_FAMILY == make_font.FAMILY
    assert "SIL OPEN FONT LICENSE Version 1.1" in (i18n.FONT.parent / "OFL.txt").read_text()
    assert i18n.FONT.stat().st_size < 2e6, "the cut is meant to stay small (the whole font is 16 MB)"
    hanzi = make_font.gb2312(range(16, 88))
    assert len(hanzi) == 6763 and all(ord(c) in cmaps[0] for c in hanzi)  # GB 2312's hanzi, levels 1 and 2
    assert all(c in hanzi for c in "熵阈耦")  # level 2, and needed (cross-entropy, threshold, coupling)
    assert all(ord(c) in cmaps[0] for c in "，。、；：？！「」『』（）《》〈〉【】…—“”‘’　")


def test_every_character_of_every_catalogue_can_be_drawn(cmaps):
    chinese, dejavu = cmaps
    missing = {}
    for path in make_font.catalogue_texts():
        if path.exists():
            for c in path.read_text(encoding="utf-8"):
                if c.isprintable() and not c.isspace() and ord(c) not in chinese and ord(c) not in dejavu:
                    missing.setdefault(path.relative_to(ROOT).as_posix(), set()).add(c)
    assert not missing, (f"characters neither dlteach/fonts/{i18n.FONT.name} nor DejaVu Sans has: {missing}; "
                         "cut the font again: python scripts/make_font.py --source NotoSansCJK-Regular.ttc")


def test_no_chinese_in_a_string_with_mathtext():
    """matplotlib's mathtext has no font fallback: a figure string with $...$ draws its Chinese as boxes."""
    found = []
    for path in sorted((ROOT / "lessons" / "zh_CN").glob("*.po")):
        for m in _messages(path):
            if any("(string)" in c for c in m.auto_comments) and re.search(r"\$[^$]+\$", m.string) \
                    and CJK.search(m.string):
                found.append(f"{path.name}: {m.string!r}")
    assert not found, "Chinese next to $math$ in a code string (matplotlib draws it as boxes):\n" + "\n".join(found)


def _draw(text, **kwargs):
    fig = Figure(figsize=(4, 1.2), dpi=80)
    FigureCanvasAgg(fig)
    fig.text(0.02, 0.4, text, **kwargs)
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba()).copy()


def test_chinese_text_draws_without_a_missing_glyph(chinese):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" is a UserWarning
        drawn = _draw("训练损失随轮数下降：学习率 0.1，准确率 97 %（汇聚、词元）")
    assert (drawn[..., :3] < 128).any()
    # the check can fail: English has no Chinese ("missing from font(s) DejaVu Sans"; matplotlib 3.8: "current font")
    with pytest.warns(UserWarning, match="missing from (current )?font"):
        i18n.set_language("en")
        _draw("训练损失")


def test_bold_chinese_draws_the_regular_glyphs_and_logs_nothing(chinese, caplog):
    """Only Regular is shipped: bold Chinese (a title) falls back to it silently, not with matplotlib's
    "findfont: Failed to find font weight bold for Noto Sans SC dlteach" in a red stderr box."""
    from matplotlib import font_manager as fm
    fm.fontManager._findfont_cached.cache_clear()  # a lookup cached by another test must not hide the warning
    with caplog.at_level("DEBUG", logger="matplotlib.font_manager"), warnings.catch_warnings():
        warnings.simplefilter("error")
        bold = _draw("训练损失与验证损失", weight="bold", fontsize=14)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], [r.getMessage() for r in caplog.records]
    assert np.array_equal(bold, _draw("训练损失与验证损失", fontsize=14))  # the regular glyphs, not boxes
    assert (bold[..., :3] < 128).any()
    path = fm.findfont(fm.FontProperties(family=i18n.FONT_FAMILY, weight="bold"), fallback_to_default=False)
    assert path == str(i18n.FONT)


def test_english_text_draws_the_same_pixels_with_the_chinese_fallback():
    text = "loss over epochs: learning rate 0.1, accuracy 97 % (ÄÖü, −1, η)"
    english = [_draw(text), _draw(text, fontsize=14, rotation=20, weight="bold")]
    i18n.set_language("zh_CN")
    try:
        assert matplotlib.rcParams["font.family"][-1] == i18n.FONT_FAMILY
        assert all(np.array_equal(a, _draw(text, **kw))
                   for a, kw in zip(english, [{}, dict(fontsize=14, rotation=20, weight="bold")]))
    finally:
        i18n.set_language("en")
    assert i18n.FONT_FAMILY not in matplotlib.rcParams["font.family"]


def test_set_language_refuses_other_languages_and_follows_the_locale(monkeypatch):
    with pytest.raises(ValueError, match="language must be one of 'en', 'zh_CN'"):
        dt.set_language("fr")
    for env, language in [({"LANG": "zh_CN.UTF-8"}, "zh_CN"), ({"LANGUAGE": "zh_CN:en", "LANG": "en_US.UTF-8"}, "zh_CN"),
                          ({"LANG": "de_DE.UTF-8"}, "en"), ({"LANG": "zh_CN.UTF-8", "DLTEACH_LANGUAGE": "en"}, "en"),
                          ({}, "en")]:
        for name in ("DLTEACH_LANGUAGE", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        assert i18n.language_from_environment() == language, env
    try:
        assert dt.set_language("zh_CN") is None and dt.get_language() == "zh_CN"  # None: a lesson's first cell prints nothing
    finally:
        dt.set_language("en")
        assert dt.get_language() == "en"
