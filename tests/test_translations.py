"""Translated lessons are built from the English source plus a gettext catalogue (scripts/translate_lessons.py):
what is a message, that a translated code cell differs only in comments and strings, and that a changed English
sentence makes its translation fail the build, naming the lesson and the message."""
import importlib.util
import json

import jupytext
import nbformat
import pytest
from babel.messages.pofile import read_po, write_po

from browser_support import ROOT

spec = importlib.util.spec_from_file_location("translate_lessons", ROOT / "scripts" / "translate_lessons.py")
tl = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tl)

LESSON = '''# 98 · A tiny lesson

[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/dlteach/dlteach/blob/v0.2.0/notebooks/98_tiny.ipynb)

## Why it matters
A neuron draws one straight line.
It cannot separate XOR.

$$z = x w + b$$

```{code-cell} ipython3
# The same network, trained again
import numpy as np
SETTINGS = dict(dataset="circle", loc="upper center")
loss = 0.125
print(f"training loss {loss:.3f} after {3} epochs")
%time print("a magic line stays English")
```
'''

ZH = {
    "# 98 · A tiny lesson": "# 98 · 一个小课",
    "## Why it matters\nA neuron draws one straight line.\nIt cannot separate XOR.": "## 为什么重要\n一个神经元画一条直线。\n它不能分开异或。",
    "The same network, trained again": "同一个网络，再训练一次",
    'f"training loss {loss:.3f} after {3} epochs"': 'f"训练损失 {loss:.3f}，{3} 轮之后"',
}


@pytest.fixture
def lesson(tmp_path):
    source = tmp_path / "98_tiny.md"
    source.write_text(jupytext.writes(jupytext.reads(LESSON, fmt="md:myst"), fmt="md:myst"), encoding="utf-8")
    return source


def _translate(source, table):
    path = tl.catalogue_path(source, "zh_CN")
    with path.open("rb") as f:
        catalogue = read_po(f, locale="zh_CN")
    for message in catalogue:
        if message.id in table:
            message.string, message.flags = table[message.id], set()
    with path.open("wb") as f:
        write_po(f, catalogue, width=120)


def test_messages_are_prose_comments_and_worded_strings(lesson):
    found = [text for text, _ in tl.messages(jupytext.read(lesson, fmt="md:myst"))]
    assert found == list(ZH)  # not the badge, the formula, "circle", loc=, the code, or the magic line's string


def test_a_translated_lesson_is_built_from_source_and_catalogue(lesson):
    tl.extract(lesson, "zh_CN")
    assert len(tl.problems(lesson, "zh_CN")) == len(ZH)  # all present, none translated yet
    _translate(lesson, ZH)
    assert tl.problems(lesson, "zh_CN") == []
    nb = tl.translated_notebook(lesson, "zh_CN")
    english = jupytext.read(lesson, fmt="md:myst")
    text = "\n".join(c.source for c in nb.cells)
    assert "一个神经元画一条直线" in text and "straight" not in text
    assert "$$z = x w + b$$" in text
    assert "/notebooks/zh_CN/98_tiny.ipynb" in text  # the badge opens the translated notebook
    code = next(c for c in nb.cells if c.cell_type == "code").source
    assert '# 同一个网络，再训练一次' in code and 'dataset="circle"' in code and '%time print("a magic' in code
    for a, b in zip(english.cells, nb.cells):
        if a.cell_type == "code":
            assert tl.same_code(a.source, b.source) is None
    namespace = {}
    exec(compile(tl._python_lines(code), "cell", "exec"), namespace)  # the translated cell still runs


def test_a_changed_english_sentence_fails_until_retranslated(lesson):
    tl.extract(lesson, "zh_CN")
    _translate(lesson, ZH)
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("one straight line", "one curved line"),
                      encoding="utf-8")
    found = tl.problems(lesson, "zh_CN")
    assert len(found) == 1 and "98_tiny [zh_CN] cell 1: not in the catalogue" in found[0] and "curved" in found[0]
    with pytest.raises(ValueError, match="98_tiny"):
        tl.translated_notebook(lesson, "zh_CN")
    tl.extract(lesson, "zh_CN")  # the old translation is kept, marked fuzzy for a translator to check
    found = tl.problems(lesson, "zh_CN")
    assert len(found) == 1 and "fuzzy" in found[0]


def test_a_translated_lesson_says_its_language(lesson):
    """The header's dlteach.set_language("en") (scripts/lesson_header.py) becomes "zh_CN": Chinese messages,
    explorers and figures' font, with the code still the English lesson's."""
    text = lesson.read_text(encoding="utf-8").replace("import numpy as np\n",
                                                      'import numpy as np\ndlteach.set_language("en")\n', 1)
    lesson.write_text(text, encoding="utf-8")
    tl.extract(lesson, "zh_CN")
    _translate(lesson, ZH)
    code = next(c for c in tl.translated_notebook(lesson, "zh_CN").cells if c.cell_type == "code").source
    assert 'dlteach.set_language("zh_CN")' in code and '"en"' not in code
    english = next(c for c in jupytext.read(lesson, fmt="md:myst").cells if c.cell_type == "code").source
    assert tl.same_code(english, code) is None


def test_every_string_a_reader_sees_is_a_message_and_code_is_not():
    cell = (
        'ax.plot(x, y, "o-", label="train", color="tab:blue")\n'
        'ax.set_xlabel("epoch"); ax.legend(loc="upper right"); ax.set_title("ravine, 60 steps" + f"{n:d}")\n'
        'print(f"layer {l}: {ratio:.2f}", history["val loss"][-1], {"ravine": " (stochastic)"})\n'
        'for data, name in [(train, "validation"), (test, "B = 100, 3 steps")]:\n'
        '    model = MLP([2, 3], "relu", loss="binary_crossentropy", dtype="float64")\n'
        '    if kind == "relu" or kind in ("sigmoid", "soft sign"):\n'
        '        dt.check("05.adam_step")\n'
        '        dt.expect(ok, "loss", detail=f"{a:.3f} to {b:.3f}")\n')
    found = [text for _, _, kind, text in tl.code_messages(cell) if kind == "string"]
    assert found == ['"train"', '"epoch"', '"ravine, 60 steps"', 'f"layer {l}: {ratio:.2f}"', '" (stochastic)"',
                     '"validation"', '"B = 100, 3 steps"', '"loss"', 'f"{a:.3f} to {b:.3f}"']
    # not: no letter word ("o-", f"{n:d}"), a setting (color=, loc=, loss=, dtype=), a subscript or dict key,
    # one word given to a function that does not show it ("relu", "05.adam_step"), a comparison's operands


def test_a_translated_f_string_may_reorder_its_fields_but_not_change_them():
    english = 'print(f"train {len(X)}, validation {m:.3f} points")'
    assert tl.same_code(english, 'print(f"验证集{m:.3f}个点，训练集{len(X)}个点")') is None  # Chinese word order
    assert "differs" in tl.same_code(english, 'print(f"验证集{m:.2f}个点，训练集{len(X)}个点")')  # another format
    assert "differs" in tl.same_code(english, 'print(f"验证集{m + 1:.3f}个点，训练集{len(X)}个点")')
    assert "differs" in tl.same_code(english, 'print(f"验证集{m:.3f}个点")')  # a field dropped
    assert "differs" in tl.same_code(english, 'print(f"{m:.3f} {m:.3f}，训练集{len(X)}")')  # one twice
    assert "differs" in tl.same_code(english, 'print("验证集和训练集")')  # no longer an f-string
    nested = """print(f"largest {'below 1e-5' if d < 1e-5 else f'{d:.1g}'} in columns 2-4")"""
    assert tl.same_code(nested, """print(f"第2-4列最大 {'低于1e-5' if d < 1e-5 else f'{d:.1g}'}")""") is None
    assert "differs" in tl.same_code(nested, """print(f"第2-4列最大 {'低于1e-5' if d < 1e-6 else f'{d:.1g}'}")""")
    assert "differs" in tl.same_code(nested, """print(f"第2-4列最大 {'低于1e-5' if d < 1e-5 else f'{d:.2g}'}")""")


def test_a_formula_closing_at_the_end_of_a_line_ends_its_block():
    text = ("For $n$ samples:\n$$\\text{MSE} = \\frac1n \\sum_i e_i^2, \\qquad\n\\text{CCE} = -\\sum_k y_k.$$\n\n"
            "Both average.\n\n$$\na = b\n$$\n\nAfter, $$x$$ inline.\n\n```\n$$ not a formula\n\ncode\n```")
    assert tl.markdown_blocks(text) == [
        "For $n$ samples:\n$$\\text{MSE} = \\frac1n \\sum_i e_i^2, \\qquad\n\\text{CCE} = -\\sum_k y_k.$$",
        "Both average.", "$$\na = b\n$$", "After, $$x$$ inline.", "```\n$$ not a formula\n\ncode\n```"]


def test_a_translation_that_changes_code_is_refused():
    english = 'x = 1\nprint("hello world", x)  # say hello to the world'
    assert tl.same_code(english, 'x = 1\nprint("你好，世界", x)  # 向世界问好') is None
    assert "differs" in tl.same_code(english, 'x = 2\nprint("你好，世界", x)')
    assert "differs" in tl.same_code(english, 'x = 1\nprint("你好" + "世界", x)')
    assert "parse" in tl.same_code(english, 'x = 1\nprint("你好，世界, x)')
    install = '# install it\nif "google.colab" in sys.modules:\n    %pip install -q dlteach'  # a magic alone in a block
    assert tl.same_code(install, install.replace("install it", "安装它")) is None


def test_every_translated_lesson_is_complete_and_built():
    found = tl.check("zh_CN")
    assert not found, "\n".join(found)


def test_a_comment_with_a_word_is_a_message_a_formula_alone_is_not():
    cell = ("a1 = np.tanh(x @ W1 + b1)   # 4 ramps\n"
            "losses = np.zeros((5, 3))   # (cures, seeds)\n"
            "k = np.round(z)   # e^z = 2^k e^r, |r| <= ln(2)/2\n"
            "%pip install dlteach  # the package\n")
    found = [text for _, _, kind, text in tl.code_messages(cell) if kind == "comment"]
    assert found == ["4 ramps", "(cures, seeds)"]  # a shape note is read too; the formula and the magic's are not
