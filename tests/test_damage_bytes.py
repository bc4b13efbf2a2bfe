"""Raw bytes of short Chinese text without a declared charset decode to the right text.

charset-normalizer guesses poorly on a few dozen bytes (it may call GBK bytes
Big5 or UTF-16); ingest keeps the most plausible of the error-free readings,
and the damage checks then stay silent on correctly decoded bytes.
"""

from __future__ import annotations

import pytest

from detector.ingest import decode_bytes

SAMPLES = ["今年我们去公园散步。", "网易财经讯 今日股市大涨，沪指收涨百分之二。", "价格：100元",
           "北京时间3月5日消息", "中文", "我們今天下午去公園散步，看見很多老人在湖邊跳舞。"]


@pytest.mark.parametrize("text", SAMPLES)
@pytest.mark.parametrize("codec", ["gbk", "utf-8"])
def test_short_undeclared_bytes_decode_correctly(text, codec):
    decoded, info = decode_bytes(text.encode(codec))
    assert decoded == text, (info.encoding, decoded)


def test_short_big5_bytes_decode_correctly():
    text = "我們今天下午去公園散步，看見很多老人在湖邊跳舞。"
    decoded, _ = decode_bytes(text.encode("big5"))
    assert decoded == text


@pytest.mark.parametrize("text", SAMPLES)
def test_correct_bytes_give_no_damage_and_wrong_codec_text_does(detector, text):
    data = (text * 4).encode("gbk") if text.isascii() is False else text.encode()
    v = detector.check(data=data)
    assert not [h for h in v.hits if h.group in ("encoding", "pinyin", "script_mix")]
    wrong = data.decode("latin-1")
    assert detector.check(text=wrong).hit("ENC_MOJIBAKE_GBK_AS_LATIN1") is not None
