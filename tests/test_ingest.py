"""Ingest: bytes decoding, HTML to visible text, never raising."""

from __future__ import annotations

import codecs
import os

import pytest

from detector.ingest import decode_bytes, html_to_text, make_document

ARTICLE = "今年的经济形势总体平稳,专家认为消费将继续回暖。"


@pytest.mark.parametrize("enc", ["utf-8", "gb18030", "gbk", "big5", "utf-16"])
def test_declared_charset_decodes(enc):
    text = "協商發展" if enc == "big5" else ARTICLE
    html = f'<html><head><meta charset="{enc}"><title>題</title></head><body><p>{text}</p></body></html>'
    data = html.encode(enc)
    doc = make_document(data=data)
    assert text in doc.text
    assert doc.decode is not None and doc.decode.errors == 0


def test_http_equiv_gb2312_is_decoded_as_gb18030_superset():
    # 镕 is outside GB2312 but inside GBK/GB18030: pages labelled gb2312 use it.
    html = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312"><p>朱镕基</p>'
    doc = make_document(data=html.encode("gb18030"))
    assert "朱镕基" in doc.text
    assert doc.decode.encoding == "gb18030"


def test_bom_wins_over_declaration():
    data = codecs.BOM_UTF8 + '<meta charset="gbk"><p>今年</p>'.encode()
    doc = make_document(data=data)
    assert "今年" in doc.text and doc.decode.source == "bom"


def test_undeclared_gbk_text_is_detected():
    data = (ARTICLE * 5).encode("gbk")
    text, info = decode_bytes(data)
    assert text == ARTICLE * 5
    assert info.errors == 0


def test_content_type_header_charset():
    text, info = decode_bytes("今年".encode("gbk"), "text/plain; charset=GBK")
    assert text == "今年" and info.source == "declared"


def test_random_bytes_never_raise_and_are_counted():
    data = os.urandom(50_000)
    doc = make_document(data=data)
    assert isinstance(doc.text, str)
    assert doc.decode is not None


def test_invalid_utf8_declared_is_not_fatal():
    data = b'<meta charset="utf-8"><p>\xff\xfe\xfa ok</p>'
    doc = make_document(data=data)
    assert "ok" in doc.text


def test_html_drops_script_style_and_ruby_annotations():
    html = ("<html><head><title> 標題 </title><style>p{}</style></head><body>"
            "<script>var x='小编导语';</script><p><ruby>協<rp>(</rp><rt>xié</rt><rp>)</rp></ruby>商"
            "</p><ruby>發<rtc>fā</rtc></ruby><div>第二段<br>第三行</div>"
            '<a href="/x">相关链接</a></body></html>')
    text, title, links = html_to_text(html)
    assert title == "標題"
    assert "協商" in text and "xié" not in text and "(" not in text and "fā" not in text
    assert "小编导语" not in text and "p{}" not in text
    assert text.split("\n") == ["協商", "發", "第二段", "第三行", "相关链接"]
    assert links[0].href == "/x" and links[0].text == "相关链接"


def test_malformed_html_gives_text():
    text, _, _ = html_to_text("<p>未闭合<div><b>粗体<i>斜</p></div>尾巴<")
    assert "未闭合" in text and "粗体" in text and "尾巴" in text


def test_deeply_nested_html_is_flattened_not_fatal():
    html = "<div>" * 60_000 + "深处" + "</div>" * 60_000
    text, _, _ = html_to_text(html)
    assert text == "深处"


def test_exactly_one_input_required():
    with pytest.raises(TypeError):
        make_document(text="a", html="<p>b</p>")
    with pytest.raises(TypeError):
        make_document()


def test_nul_in_text_is_replaced_not_kept():
    doc = make_document(text="a\x00b")
    assert doc.text == "a\ufffdb"
    assert ("nul", "1") in doc.notes


def test_nul_characters_are_reported_and_not_taken_for_decoding_errors(detector):
    v = detector.check(text="正文\x00\x00\x00\x00结尾")
    assert v.hit("ENC_REPLACEMENT_CHARS") is None
    nul = v.hit("LIMIT_NUL_CHARS")
    assert nul is not None and nul.details == {"count": 4, "offsets": [2, 3, 4, 5]}
    # Real U+FFFD next to a NUL still counts, without the NUL's offset.
    v = detector.check(text="x\ufffd\ufffd\x00\ufffd\ufffdy")
    rep = v.hit("ENC_REPLACEMENT_CHARS")
    assert rep is not None and rep.details["count"] == 4
    assert [(e.start, e.end) for e in rep.evidence] == [(1, 3), (4, 6)]


def test_binary_input_is_noted():
    doc = make_document(data=bytes(range(256)) * 40)
    assert ("binary", "input looks like binary data, not text") in doc.notes
