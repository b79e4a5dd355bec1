"""The paired comparisons in Chinese (issue 27): the glossary's 随机种子 for "seed", and the compared methods in
“” so a name with spaces or a "+" ("软目标 + 无标签") reads as one name."""
import numpy as np
import pytest

import dlteach as dt


@pytest.fixture
def chinese():
    dt.set_language("zh_CN")
    yield
    dt.set_language("en")


def test_paired_seeds_say_random_seed_and_quote_the_names(chinese):
    better = dt.stats.paired_seeds(np.array([0.90, 0.91, 0.93, 0.92, 0.95]), np.array([0.85, 0.86, 0.90, 0.88, 0.90]))
    text = better.sentence("软目标 + 无标签", "硬标签")
    assert text.startswith("在 5 个随机种子上，“软目标 + 无标签”减去“硬标签”，平均为 +"), text
    # "A的测试准确率减去B的平均为" read as "minus B's average": the result is named on both sides
    named = better.sentence("A", "B", what="测试准确率")
    assert named.startswith("在 5 个随机种子上，“A”的测试准确率减去“B”的测试准确率，平均为 +"), named
    assert "：“软目标 + 无标签”更好（5 个随机种子中“软目标 + 无标签”在 5 个上更好，“硬标签”在 0 个上更好；" in text
    assert "个种子" not in text.replace("个随机种子", "")
    same = dt.stats.paired_seeds(np.ones(3), np.ones(3)).sentence("甲", "乙")
    assert same.startswith("在 3 个随机种子上，“甲”减去“乙”在每个随机种子上都是"), same


def test_paired_classifiers_quote_the_names(chinese):
    a, b = np.array([True] * 30 + [False] * 10), np.array([True] * 20 + [False] * 20)
    text = dt.stats.paired_classifiers(a, b).sentence("int8", "float32", on="40个测试数字")
    assert text.startswith("在40个测试数字上，“int8”答对而“float32”答错的有 10 个，“float32”答对而“int8”答错的有 0 个："), text
    assert "“int8”比“float32”更准确" in text
    tie = dt.stats.paired_classifiers(a, a).sentence("int8", "float32", on="40个测试数字")
    assert tie.startswith("在40个测试数字上，“int8”与“float32”答对的样本完全相同"), tie


def test_english_is_unchanged():
    dt.set_language("en")
    text = dt.stats.paired_seeds(np.array([0.9, 0.91, 0.93]), np.array([0.85, 0.86, 0.9])).sentence("soft", "hard")
    assert text.startswith("Over 3 seeds, soft minus hard is") and "“" not in text, text
