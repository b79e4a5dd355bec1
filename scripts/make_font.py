"""Cut the Chinese font that figures of the Chinese edition use: dlteach/fonts/NotoSansSC-dlteach.otf.

    apt-get download fonts-noto-cjk && dpkg-deb -x fonts-noto-cjk_*.deb /tmp/noto   # Debian's Noto Sans CJK
    python scripts/make_font.py --source /tmp/noto/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc

The source is Noto Sans CJK SC Regular (SIL Open Font License 1.1, the licence text beside the font,
dlteach/fonts/OFL.txt); the Noto Sans SC of Google Fonts is the same design. The whole font has 44,810
characters, 16 MB; the cut keeps what dlteach's Chinese text needs and what a new sentence most likely needs:

- every character of every Chinese catalogue (lessons/zh_CN/*.po, dlteach/locale/zh_CN/LC_MESSAGES/dlteach.po)
  and of the glossary (docs/glossary.zh_CN.md);
- all of GB 2312: its 6,763 hanzi (level 1, the 3,755 most common, is not enough for this subject: 熵 of
  交叉熵 cross-entropy, 阈 of 阈值 threshold and 耦 of 耦合 are level 2) and its symbol rows (CJK punctuation,
  full-width forms, Greek, numbers in circles...), read from Python's own gb2312 codec;
- CJK Symbols and Punctuation, Halfwidth and Fullwidth Forms, General Punctuation, ASCII and Latin-1.

Figures use it as a fallback after DejaVu Sans (dlteach.i18n.set_language), so Latin text keeps DejaVu's
glyphs and only what DejaVu lacks comes from here. Hinting and layout tables are dropped: matplotlib
auto-hints and does not shape Chinese. tests/test_font.py fails when a catalogue gains a character the font
lacks; then run this script again (the same source and characters give the same file).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

ROOT = Path(__file__).resolve().parents[1]
FONT = ROOT / "dlteach" / "fonts" / "NotoSansSC-dlteach.otf"
FAMILY = "Noto Sans SC dlteach"  # not the original's name: a modified version (the OFL's reserved name is 'Source')
DEBIAN = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
SC_INDEX_NAME = "Noto Sans CJK SC"


def catalogue_texts() -> list[Path]:
    """The Chinese texts whose every character the font must have."""
    return [*sorted((ROOT / "lessons" / "zh_CN").glob("*.po")),
            *sorted((ROOT / "dlteach" / "locale").glob("zh_CN/LC_MESSAGES/*.po")),
            ROOT / "docs" / "glossary.zh_CN.md"]


def catalogue_characters() -> set[str]:
    return {c for path in catalogue_texts() if path.exists() for c in path.read_text(encoding="utf-8")
            if c.isprintable() and not c.isspace()}


def gb2312(rows) -> set[str]:
    """The characters of GB 2312 rows `rows` (1-9 symbols, 16-55 level-1 hanzi, 56-87 level 2), decoded by Python's codec."""
    found = set()
    for row in rows:
        for cell in range(1, 95):
            try:
                found.add(bytes([0xA0 + row, 0xA0 + cell]).decode("gb2312"))
            except UnicodeDecodeError:  # an unassigned cell
                pass
    return found


def wanted() -> set[str]:
    blocks = [(0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x3000, 0x303F), (0xFF00, 0xFFEF)]
    common = {chr(c) for lo, hi in blocks for c in range(lo, hi + 1)}
    return common | gb2312(range(1, 10)) | gb2312(range(16, 88)) | catalogue_characters()


def load_source(path: Path) -> TTFont:
    """Noto Sans CJK SC from a collection (.ttc, Debian's) or a single font (.otf)."""
    if path.suffix.lower() in (".ttc", ".otc"):
        for font in TTCollection(path).fonts:
            if font["name"].getDebugName(1) == SC_INDEX_NAME:
                return font
        raise SystemExit(f"{path}: no '{SC_INDEX_NAME}' in this collection")
    return TTFont(path)


def rename(font: TTFont) -> None:
    """Family, full and PostScript names of the cut: the OFL wants a modified font under another name."""
    names = {1: FAMILY, 3: f"{FAMILY} Regular", 4: FAMILY, 6: FAMILY.replace(" ", "") + "-Regular",
             16: FAMILY, 17: "Regular"}
    table = font["name"]
    for record in list(table.names):
        if record.nameID in names:
            table.removeNames(nameID=record.nameID)
    for name_id, text in names.items():
        table.setName(text, name_id, 3, 1, 0x409)
        table.setName(text, name_id, 1, 0, 0)
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [names[6]]
        top = cff.topDictIndex[0]
        top.FullName, top.FamilyName = names[4], FAMILY


def make(source: Path, out: Path = FONT) -> tuple[int, int]:
    """Write the cut to `out`; returns (characters kept, bytes)."""
    font = load_source(source)
    available = set(font.getBestCmap())
    keep = sorted(ord(c) for c in wanted() if ord(c) in available)
    missing = sorted(c for c in catalogue_characters() if ord(c) not in available)
    options = subset.Options()
    options.layout_features = []     # no shaping for Chinese in matplotlib; vertical forms not needed
    options.hinting = False          # matplotlib auto-hints (rcParams["text.hinting"])
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 7, 13, 14, 16, 17]
    options.name_languages = [0x409]
    options.notdef_outline = True
    options.drop_tables += ["VORG", "vhea", "vmtx", "BASE"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=keep)
    subsetter.subset(font)
    rename(font)
    font["head"].modified = font["head"].created  # the same input gives the same bytes
    font.recalcTimestamp = False
    out.parent.mkdir(parents=True, exist_ok=True)
    font.save(out)
    if missing:  # figures show these from DejaVu Sans if it has them (tests/test_font.py checks)
        print(f"not in Noto Sans CJK SC: {''.join(missing)}", file=sys.stderr)
    return len(keep), out.stat().st_size


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEBIAN,
                        help="NotoSansCJK-Regular.ttc (Debian's fonts-noto-cjk) or NotoSansCJKsc-Regular.otf")
    parser.add_argument("--out", type=Path, default=FONT)
    args = parser.parse_args(argv)
    if not args.source.exists():
        print(f"{args.source}: not found. Get Debian's Noto Sans CJK without installing it:\n"
              "  apt-get download fonts-noto-cjk && dpkg-deb -x fonts-noto-cjk_*.deb /tmp/noto\n"
              "  python scripts/make_font.py --source /tmp/noto/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
              file=sys.stderr)
        return 1
    kept, size = make(args.source, args.out)
    print(f"{args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}: "
          f"{kept} characters, {size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
