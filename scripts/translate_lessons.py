"""Translated lessons: one English source (lessons/NN_name.md), one gettext catalogue per lesson and language
(lessons/zh_CN/NN_name.po), and the translated notebook built from the two (notebooks/zh_CN/NN_name.ipynb).

    python scripts/translate_lessons.py extract [07 ...]              # update the catalogues from the sources
    python scripts/translate_lessons.py build [07 ...] [--no-execute] # source + catalogue -> translated notebook
    python scripts/translate_lessons.py check                         # exit 1 if a translation is missing/stale

What is translated (one message each): every block of a markdown cell (the text between blank lines; a
``$$`` formula or a fenced block stays one block, its closing ``$$`` alone or ending a line), every comment with a
word of three letters (a "# (cures, seeds)" shape note too), and every string literal a reader may see. The rule for strings, in one sentence: a string literal
(f-strings included) whose text outside its {fields} has a word of two letters is a message, unless it is
code: a dict key, a subscript, an operand of a comparison, the value of a keyword that takes a setting
(loc=, cmap=, dtype=, activation=, ... CODE_KEYWORDS), or one word without spaces (such as "relu") passed to
a function that does not show it (not print, a label, a title, dt.expect ...: SHOWN_CALLS, SHOWN_KEYWORDS).
The rule errs towards extracting: a value the rule cannot tell from prose (a colour in a list, a preset's
name) is translated as itself, and the executed build fails if a value was translated. Everything else is the
English code, so a translated code cell differs from the English one only in comments and string constants
(tested by parsing both); a translated f-string keeps the same {fields}, in any order (Chinese word order).

`extract` merges: a message whose English text changed keeps its old translation marked fuzzy (a translator
checks it); a message no longer used becomes obsolete. `build` refuses a lesson with a message that has no
translation or a fuzzy one, naming the lesson and the message: a translation never silently shows English or
stale text.
"""
from __future__ import annotations

import argparse
import ast
import io
import re
import sys
import tokenize
from pathlib import Path

import jupytext
import nbformat
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "lessons"
FORMAT = "md:myst"
LANGUAGES = {"zh_CN": "简体中文"}
WORDS = re.compile(r"[A-Za-z]{2,}[^\S\n]+[A-Za-z]{2,}")
WORD = re.compile(r"[A-Za-z]{2,}")
COMMENT_WORD = re.compile(r"[A-Za-z]{3,}")  # "# 4 ramps", "# (cures, seeds)": a reader reads them too
IDENTIFIER = re.compile(r"[\w.:\-]+")  # "relu", "05.adam_step", "tab:blue", "float64": a value, not prose
# keywords whose value is a setting, whatever it looks like ("upper center", "round,pad=0.1")
CODE_KEYWORDS = {"loc", "fmt", "cmap", "dtype", "activation", "output_activation", "loss", "optimizer", "padding",
                 "kind", "layout", "color", "c", "colors", "facecolor", "edgecolor", "mec", "mfc", "marker", "ls",
                 "linestyle", "ha", "va", "bbox_inches", "boxstyle", "aspect", "origin", "indexing", "monitor",
                 "mode", "metrics", "interpolation", "weight", "family", "style", "dataset", "surface", "init"}
# calls and keywords that show their strings to the reader: even one word there is a message
SHOWN_CALLS = {"print", "expect", "sentence", "set_xlabel", "set_ylabel", "set_title", "suptitle", "title",
               "xlabel", "ylabel", "text", "annotate", "legend", "set_label", "set_text", "set_xticklabels",
               "set_yticklabels", "Markdown", "HTML", "display", "write", "format"}
SHOWN_KEYWORDS = {"label", "labels", "title", "xlabel", "ylabel", "detail", "header", "text", "s", "claim",
                  "name_a", "name_b", "what", "on", "description", "caption", "message"}
MATH = re.compile(r"\$\$.*?\$\$|\$[^$]*\$", re.DOTALL)
BADGE = "colab-badge.svg"
SET_LANGUAGE = re.compile(r'(\bset_language\()"en"\)')


def is_message(block: str) -> bool:
    """A markdown block is translated when it has words outside its formulas, a heading when it has one word
    ("# 05 · Optimizers"); the Colab badge never is."""
    text = MATH.sub(" ", block)
    heading = block.lstrip().startswith("#") and COMMENT_WORD.search(text)
    return BADGE not in block and bool(WORDS.search(text) or heading)


def localised_badge(block: str, language: str) -> str:
    """The Colab badge of a translated lesson opens the translated notebook."""
    return re.sub(r"(/blob/[^/]+/notebooks/)(?!" + language + r"/)", r"\g<1>" + language + "/", block)


def localised_language(code: str, language: str) -> str:
    """The lesson's language, said in its first code cell (scripts/lesson_header.py), becomes the translation's:
    dlteach then speaks and draws in it (messages, explorers, the Chinese font of figures). A string constant:
    the code stays the English lesson's (same_code)."""
    return SET_LANGUAGE.sub(rf'\g<1>"{language}")', code)


def catalogue_path(source: Path, language: str) -> Path:
    return source.parent / language / f"{source.stem}.po"


def notebook_path(source: Path, language: str) -> Path:
    return ROOT / "notebooks" / language / f"{source.stem}.ipynb"


# ------------------------------------------------------------------ what is a message

def markdown_blocks(text: str) -> list[str]:
    """Split a markdown cell into blocks at blank lines, keeping $$...$$ and fenced blocks whole."""
    blocks, current, fence = [], [], None
    for line in text.split("\n"):
        stripped = line.strip()
        if fence is None and not stripped and current:
            blocks.append("\n".join(current))
            current = []
            continue
        if fence is None and not stripped:
            continue
        current.append(line)
        if fence is None and (stripped.startswith("```") or stripped == "$$" or
                              (stripped.startswith("$$") and not (len(stripped) > 2 and stripped.endswith("$$")))):
            fence = "```" if stripped.startswith("```") else "$$"
        elif fence is not None and len(current) > 1 and (stripped.startswith(fence) if fence == "```"
                                                           else stripped.endswith("$$")):
            fence = None  # a formula's closing $$ may end a line of it: "\\text{CCE} = ... a_{ik}.$$"
    if current:
        blocks.append("\n".join(current))
    return blocks


def _python_lines(source: str) -> str:
    """IPython magics (%pip, !ls) become `pass  #%pip ...` so the tokenizer and the parser read the cell (a magic
    can be the only line of an `if` block, as in the Colab install cell); same line numbers."""
    return "\n".join(line[:len(line) - len(line.lstrip())] + "pass  #" + line.lstrip()
                     if line.lstrip().startswith(("%", "!")) else line for line in source.split("\n"))


def _literal_text(literal: str) -> str:
    """The text a string literal shows outside its {fields} ("" for bytes or what does not parse alone)."""
    try:
        node = ast.parse(literal.strip(), mode="eval").body
    except SyntaxError:
        return ""
    if isinstance(node, ast.JoinedStr):
        return " ".join(v.value for v in node.values if isinstance(v, ast.Constant))
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else ""


def _is_code(node, parents) -> bool:
    """Whether the string `node` stands where Python uses it as a value (see the rule in the docstring)."""
    text = node.value if isinstance(node, ast.Constant) else None
    child, parent = node, parents.get(node)
    while isinstance(parent, (ast.Tuple, ast.List, ast.Set)):  # ("relu", "tanh") counts as where it stands
        child, parent = parent, parents.get(parent)
    if isinstance(parent, ast.Dict):
        return any(child is k for k in parent.keys)
    if isinstance(parent, ast.Subscript):
        return child is parent.slice
    if isinstance(parent, ast.Compare):
        return True
    one_word = text is not None and IDENTIFIER.fullmatch(text) is not None
    if isinstance(parent, ast.keyword):
        return parent.arg in CODE_KEYWORDS or (parent.arg not in SHOWN_KEYWORDS and one_word)
    if isinstance(parent, ast.Call) and child is not parent.func:
        func = parent.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        return name not in SHOWN_CALLS and one_word
    return False


def _code_strings(source: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """(start, end) in tokenize's (row, column) of the outermost string literals that are code."""
    lines = source.split("\n")
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}

    def column(row, offset):  # ast counts UTF-8 bytes, tokenize characters
        return len(lines[row - 1].encode()[:offset].decode(errors="ignore"))
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.JoinedStr) or isinstance(node, ast.Constant) and isinstance(node.value, str)) \
                and not isinstance(parents.get(node), (ast.JoinedStr, ast.FormattedValue)) and _is_code(node, parents):
            found.append(((node.lineno, column(node.lineno, node.col_offset)),
                          (node.end_lineno, column(node.end_lineno, node.end_col_offset))))
    return found


def code_messages(source: str) -> list[tuple[tuple[int, int], tuple[int, int], str, str]]:
    """(start, end, kind, text) of each translatable comment and string literal of a code cell.

    For a comment the text is what follows '# '; for a string it is the literal as written (quotes and prefix
    included), so a translation keeps the same kind of literal and the same {fields} of an f-string."""
    found = []
    python = _python_lines(source)
    code = _code_strings(python)
    tokens = tokenize.generate_tokens(io.StringIO(python + "\n").readline)
    for tok in tokens:
        if tok.type == tokenize.COMMENT:
            text = tok.string.lstrip("#").strip()
            magic = source.split("\n")[tok.start[0] - 1].lstrip().startswith(("%", "!"))
            if text and not magic and COMMENT_WORD.search(text):
                found.append((tok.start, tok.end, "comment", text))
        elif tok.type == tokenize.STRING and WORD.search(_literal_text(tok.string)) \
                and not any(start <= tok.start and tok.end <= end for start, end in code):
            found.append((tok.start, tok.end, "string", tok.string))
    return found


def messages(nb) -> list[tuple[str, str]]:
    """(message, where) for every translatable piece of a lesson, in reading order."""
    found = []
    for index, cell in enumerate(nb.cells, start=1):
        if cell.cell_type == "markdown":
            found += [(block, f"cell {index}") for block in markdown_blocks(cell.source) if is_message(block)]
        elif cell.cell_type == "code":
            found += [(text, f"cell {index} ({kind})") for _, _, kind, text in code_messages(cell.source)]
    return found


# ------------------------------------------------------------------ catalogues

def extract(source: Path, language: str) -> Path:
    """Create or update the catalogue of `source` for `language`; returns its path."""
    nb = jupytext.read(source, fmt=FORMAT)
    template = Catalog(project="dlteach", locale=language, fuzzy=False)
    for text, where in messages(nb):
        if text not in template:
            template.add(text, locations=[(f"lessons/{source.name}", None)], auto_comments=[where])
    return write_catalogue(template, catalogue_path(source, language), language)


def write_catalogue(template: Catalog, path: Path, language: str) -> Path:
    """Merge `template` into the catalogue at `path` (a new text comes in untranslated, a changed one keeps its old
    translation marked fuzzy, a text no longer used becomes obsolete), or start it from `template`; write it."""
    if path.exists():
        with path.open("rb") as f:
            catalogue = read_po(f, locale=language)
        catalogue.update(template, no_fuzzy_matching=False)
    else:
        catalogue = template
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, catalogue, width=120, sort_output=False, ignore_obsolete=False)
    return path


def load(source: Path, language: str) -> Catalog:
    path = catalogue_path(source, language)
    if not path.exists():
        raise FileNotFoundError(f"{source.stem}: no {language} catalogue {path.relative_to(ROOT)}; "
                                f"make one with: python scripts/translate_lessons.py extract {source.stem[:2]}")
    with path.open("rb") as f:
        return read_po(f, locale=language)


def problems(source: Path, language: str) -> list[str]:
    """Messages of `source` with no usable translation (missing, empty or fuzzy), named for a translator."""
    try:
        catalogue = load(source, language)
    except FileNotFoundError as err:
        return [str(err)]
    found = []
    for text, where in messages(jupytext.read(source, fmt=FORMAT)):
        entry = catalogue.get(text)
        reason = ("not in the catalogue (the English text is new or changed: run extract)" if entry is None else
                  "fuzzy (its English changed: check the translation, then remove the fuzzy flag)" if entry.fuzzy
                  else "not translated yet" if not entry.string else None)
        if reason:
            short = text if len(text) <= 90 else text[:87] + "..."
            found.append(f"{source.stem} [{language}] {where}: {reason}: {short!r}")
    return found


# ------------------------------------------------------------------ building

def _translate_code(source: str, catalogue: Catalog) -> str:
    lines = source.split("\n")
    for start, end, kind, text in reversed(code_messages(source)):  # from the end: positions stay valid
        new = catalogue.get(text).string
        if kind == "comment":
            new = "# " + new
        row, col = start[0] - 1, start[1]
        assert start[0] == end[0] or kind == "string", (start, end)
        if start[0] == end[0]:
            lines[row] = lines[row][:col] + new + lines[row][end[1]:]
        else:  # a string literal over several lines (triple quotes)
            tail = lines[end[0] - 1][end[1]:]
            lines[row:end[0]] = (lines[row][:col] + new + tail).split("\n")
    return "\n".join(lines)


def translated_notebook(source: Path, language: str):
    missing = problems(source, language)
    if missing:
        raise ValueError("\n".join(missing))
    catalogue = load(source, language)
    nb = jupytext.read(source, fmt=FORMAT)
    nb.metadata.pop("jupytext", None)
    nb.metadata["language"] = language
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = "\n\n".join(catalogue.get(b).string if is_message(b) else localised_badge(b, language)
                                      for b in markdown_blocks(cell.source))
        elif cell.cell_type == "code":
            cell.source = localised_language(_translate_code(cell.source, catalogue), language)
    return nb


def same_code(english: str, translated: str) -> str | None:
    """None when the two cells differ only in comments and string constants; else what differs. A translated
    f-string may put its {fields} in another order (Chinese word order), but keeps the same ones."""
    class Shape(ast.NodeTransformer):
        def visit_JoinedStr(self, node):  # its fields, in a canonical order, with their conversions and specs
            fields = sorted(f"{ast.dump(self.visit(v.value))} !{v.conversion} :"  # a string inside a field is
                            f"{ast.dump(v.format_spec) if v.format_spec else ''}"  # text, as elsewhere
                            for v in node.values if isinstance(v, ast.FormattedValue))
            return ast.Constant(value="<f-string " + " | ".join(fields) + ">")

        def visit_Constant(self, node):
            return ast.Constant(value="<string>") if isinstance(node.value, str) else node

    def shape(src):
        return ast.dump(Shape().visit(ast.parse(_python_lines(src))), include_attributes=False)
    try:
        return None if shape(english) == shape(translated) else "the code differs (not only strings and comments)"
    except SyntaxError as err:
        return f"the translated cell does not parse: {err}"


def build(source: Path, language: str, execute: bool = True) -> Path:
    nb = translated_notebook(source, language)
    english = jupytext.read(source, fmt=FORMAT)
    for index, (a, b) in enumerate(zip(english.cells, nb.cells), start=1):
        if a.cell_type == "code" and (diff := same_code(a.source, b.source)):
            raise ValueError(f"{source.stem} [{language}] cell {index}: {diff}")
    path = notebook_path(source, language)
    path.parent.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT / "scripts"))
    from lessons import notebook_from_source  # ids and outputs of unchanged cells kept, as for English
    old = nbformat.read(path, as_version=4) if path.exists() else None
    tmp = path.with_suffix(".build.md")
    jupytext.write(nb, tmp, fmt=FORMAT)
    try:
        built = notebook_from_source(tmp, old)
    finally:
        tmp.unlink()
    built.metadata["language"] = language
    nbformat.write(built, path)
    if execute:
        from execute_notebooks import execute, use_this_environment
        use_this_environment()
        elapsed, _, stderr = execute(path)
        print(f"{path.relative_to(ROOT)}: built and executed in {elapsed:.1f} s", flush=True)
        for line in stderr:
            print(f"  stderr in {line}", file=sys.stderr)
    return path


def sources(names=()) -> list[Path]:
    everything = sorted(SOURCES.glob("[0-9][0-9]_*.md"))
    if not names:
        return everything
    return [p for p in everything if p.stem in names or p.stem[:2] in names]


def translated_sources(language: str) -> list[Path]:
    """The lessons that have a catalogue for `language` (the translated edition grows lesson by lesson)."""
    return [s for s in sources() if catalogue_path(s, language).exists()]


def check(language: str) -> list[str]:
    """Every catalogued lesson is fully translated, and its notebook agrees with source + catalogue."""
    found = []
    for source in translated_sources(language):
        missing = problems(source, language)
        if missing:
            found += missing
            continue
        path = notebook_path(source, language)
        if not path.exists():
            found.append(f"{source.stem} [{language}]: no notebook {path.relative_to(ROOT)}; build it: "
                         f"python scripts/translate_lessons.py build {source.stem[:2]}")
            continue
        want = translated_notebook(source, language).cells
        have = nbformat.read(path, as_version=4).cells
        differing = [i for i, (a, b) in enumerate(zip(want, have), start=1)
                     if (a.cell_type, a.source) != (b.cell_type, b.source)]
        if differing or len(want) != len(have):
            found.append(f"{path.relative_to(ROOT)}: cells {differing[:5] or 'count'} differ from the source and "
                         f"catalogue; rebuild: python scripts/translate_lessons.py build {source.stem[:2]}")
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["extract", "build", "check"])
    parser.add_argument("lessons", nargs="*")
    parser.add_argument("--language", default="zh_CN", choices=sorted(LANGUAGES))
    parser.add_argument("--no-execute", action="store_true")
    args = parser.parse_args(argv)
    if args.command == "check":
        found = check(args.language)
        print("\n".join(found) if found else
              f"{len(translated_sources(args.language))} {args.language} lessons: translated and built")
        return 1 if found else 0
    chosen = sources(args.lessons)
    if args.command == "extract":
        for source in chosen:
            path = extract(source, args.language)
            print(f"{path.relative_to(ROOT)}: {len(problems(source, args.language))} messages to translate")
        return 0
    failed = 0
    for source in (chosen if args.lessons else translated_sources(args.language)):
        try:
            build(source, args.language, execute=not args.no_execute)
        except (ValueError, FileNotFoundError) as err:
            failed += 1
            print(str(err), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    import same_numbers  # the kernels this starts print the same numbers on every x86-64 CPU

    same_numbers.use()
    sys.exit(main())
