"""One term, one translation: docs/glossary.zh_CN.md's avoid column lists the variants a Chinese catalogue must not use
for a term (池化 for pooling, 精度 for accuracy, 批归一化 for batch normalization, ...); every message of every catalogue
whose English has the term is searched for them. An aside in parentheses may name a variant, as the glossary's
first-use form does: 汇聚（pooling，也称池化）."""
import re

import pytest
from babel.messages.pofile import read_po

from browser_support import ROOT

GLOSSARY = ROOT / "docs" / "glossary.zh_CN.md"
ASIDE = re.compile(r"（[^（）]*）|\([^()]*\)")


def glossary() -> list[tuple[str, str, list[str]]]:
    """(English, Chinese, variants to avoid) of every row of the glossary's table."""
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else []
        if len(cells) >= 2 and cells[0] not in ("English", "") and not set(cells[0]) <= set("-"):
            avoid = [v.strip() for v in cells[3].split(",") if v.strip()] if len(cells) > 3 else []
            rows.append((cells[0], cells[1], avoid))
    return rows


def english_pattern(term: str) -> re.Pattern:
    """The term as a word, any case, plural or not, a hyphen or a space between its words."""
    words = [re.escape(w) for w in re.split(r"[\s-]+", term)]
    return re.compile(r"\b" + r"[\s-]+".join(words) + r"(s|es)?\b", re.IGNORECASE)


def catalogues():
    return [*sorted((ROOT / "lessons" / "zh_CN").glob("*.po")),
            *sorted((ROOT / "dlteach" / "locale").glob("zh_CN/LC_MESSAGES/*.po"))]


def variants_used(english: str, chinese: str, rows) -> list[tuple[str, str]]:
    """(term, variant) for each avoided variant of a term `english` has, found in `chinese` outside parentheses.
    A variant that is another term's own translation is allowed where the English has that term too (精度 for
    'precision' beside 'accuracy' is not a second word for accuracy)."""
    bare = ASIDE.sub("", chinese)
    found = []
    for term, _, avoid in rows:
        if not avoid or not english_pattern(term).search(english):
            continue
        for variant in avoid:
            legit = any(variant in other_zh and english_pattern(other).search(english)
                        for other, other_zh, _ in rows if other != term)
            if variant in bare and not legit:
                found.append((term, variant))
    return found


def test_the_glossary_has_the_avoid_column():
    rows = {term: (zh, avoid) for term, zh, avoid in glossary()}
    assert rows["pooling"] == ("汇聚", ["池化"]) and "精度" in rows["accuracy"][1] and "词元" == rows["token"][0]
    assert {"批归一化", "批量归一化"} <= set(rows["batch normalization"][1])
    assert "丢弃法" in rows["dropout"][1] and "隐层" in rows["hidden layer"][1]
    for term, zh, avoid in glossary():
        assert zh not in avoid, f"{term}: {zh} is both the translation and a variant to avoid"


def test_the_check_finds_a_term_translated_two_ways():
    rows = glossary()
    assert variants_used("Max pooling keeps the largest value.", "最大池化保留最大值。", rows) == [("pooling", "池化")]
    assert variants_used("Max pooling keeps the largest value.", "最大汇聚（也称池化）保留最大值。", rows) == []
    assert variants_used("test accuracy 0.97", "测试精度 0.97", rows) == [("accuracy", "精度")]
    assert variants_used("accuracy to 2 decimals, the precision", "准确率，精确到 2 位小数：精确率", rows) == []
    assert variants_used("Tokens are characters.", "标记是字符。", rows) == [("token", "标记")]
    assert variants_used("the hidden layers", "各隐层", rows) == [("hidden layer", "隐层")]
    assert variants_used("Batch normalization", "批量归一化", rows) == [("batch normalization", "批量归一化")]
    assert variants_used("a new sentence", "批量归一化", rows) == []  # the term is not in the English


@pytest.mark.parametrize("path", catalogues(), ids=lambda p: p.stem)
def test_every_term_is_translated_one_way(path):
    rows = glossary()
    with path.open("rb") as f:
        catalogue = read_po(f)
    found = [f"{path.relative_to(ROOT).as_posix()}: {term!r} as {variant} in {m.string[:60]!r}"
             for m in catalogue if m.id and m.string
             for term, variant in variants_used(m.id, m.string, rows)]
    assert not found, "a term translated another way than docs/glossary.zh_CN.md says:\n" + "\n".join(found)
