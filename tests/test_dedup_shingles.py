"""The dedup view: folding rules, offsets, shingles."""

from __future__ import annotations

import pytest

from detector import Document
from detector.dedup.shingles import build_dedup_view, normalize, shingles


@pytest.mark.parametrize(("a", "b"), [
    ("網絡借貸平台協商還款", "网络借贷平台协商还款"),          # Traditional → Simplified
    ("ＱＱ群：１２３４５", "qq群12345"),                      # fullwidth, digits
    ("2024年5月", "1999年8月"),                              # every digit is 0
    ("協(xié)商", "协商"),                                      # toned pinyin ruby
    ("花(hua)呗(bei)逾(yu)期(qi)", "花呗逾期"),                # untoned ruby
    ("网贷（wǎng）平台", "网贷平台"),                           # fullwidth parentheses
    ("今天，天气 很好！\n\t", "今天天气很好"),                   # punctuation, whitespace
    ("零\u200b宽\u200d字符\ufeff", "零宽字符"),                  # invisible characters
    ("Hello World", "helloworld"),                            # ASCII case
    ("𝐇𝐞𝐥𝐥𝐨", "hello"),                                       # math alphanumerics
])
def test_equivalent_texts_fold_to_the_same_string(a, b):
    assert normalize(a) == normalize(b)


def test_different_texts_stay_different():
    assert normalize("网络借贷") != normalize("网络贷款")
    assert normalize("abc") != normalize("abd")


def test_folded_text_has_only_letters_numbers_marks():
    out = normalize("【推荐】—— 《标题》: ¥100 元 😀 ★☆ http://x.y/z?q=1")
    assert out == "推荐标题000元httpxyzq0"


def test_empty_and_odd_input():
    assert normalize("") == ""
    assert normalize("\x00\x01\ufffd") == ""
    assert normalize("a\ud800b") == "ab"                       # lone surrogate dropped
    huge = "网" * 300_000
    assert normalize(huge) == huge


def test_decomposed_input_is_composed_first():
    assert normalize("cafe\u0301") == normalize("café")


def test_shingles():
    assert shingles("abcdef", 5) == ["abcde", "bcdef"]
    assert shingles("abc", 5) == ["abc"]
    assert shingles("", 5) == []
    assert len(shingles("一二三四五六七八九十", 3)) == 8


def test_dedup_view_maps_offsets_to_the_original_text():
    text = "協(xié)商，ＱＱ：１２３"
    doc = Document(text=text)
    view = build_dedup_view(doc)
    assert view.text == normalize(text) == "协商qq000"
    ev = view.evidence(2, 4)          # "qq"
    assert ev.text == "ＱＱ"
    assert text[ev.start:ev.end] == "ＱＱ"
    ev = view.evidence(1, 2)          # "商" (after the dropped ruby)
    assert ev.text == "商"


def test_dedup_view_is_registered_by_the_neardup_plugin(detector):
    doc = detector.document(text="協(xié)商发展")
    assert doc.view("dedup").text == "协商发展"
