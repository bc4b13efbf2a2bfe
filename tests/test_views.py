"""Views map every position back to the original text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from detector import Document
from detector.views import INVISIBLE_CHARS, View


def test_nfkc_identity_for_clean_text_costs_no_map():
    doc = Document(text="今天天气很好,我们去公园。")
    v = doc.view("nfkc")
    assert v.pos is None and v.text == doc.text


def test_nfkc_folds_fullwidth_and_drops_invisible_with_exact_offsets():
    text = "加ＱＱ\u200b:１２３"
    doc = Document(text=text)
    v = doc.view("nfkc")
    assert v.text == "加QQ:123"
    assert v.removed == 1
    i = v.text.index("123")
    ev = v.evidence(i, i + 3)
    assert (ev.start, ev.end, ev.text) == (5, 8, "１２３")
    # a span across the removed zero-width space covers it in the original
    j = v.text.index("Q:")
    ev2 = v.evidence(j, j + 2)
    assert ev2.text == "Ｑ\u200b:"


def test_simplified_view_folds_traditional_and_keeps_offsets():
    doc = Document(text="「小編導語」網商貸協商")
    v = doc.view("simplified")
    assert "小编导语" in v.text and "网商贷协商" in v.text
    i = v.text.index("小编导语")
    assert v.evidence(i, i + 4).text == "小編導語"


def test_simplified_view_composes_with_nfkc_map():
    doc = Document(text="ＡＢ\u200d小編導語")
    v = doc.view("simplified")
    i = v.text.index("小编")
    assert v.evidence(i, i + 4).text == "小編導語"


def test_views_are_built_once_per_document():
    doc = Document(text="小編")
    assert doc.view("simplified") is doc.view("simplified")


def test_view_build_expanding_characters_maps_each_piece_to_its_origin():
    v = View.build("x", "a½b", lambda c: "1/2" if c == "½" else c)
    assert v.text == "a1/2b"
    assert v.evidence(1, 4).text == "½"
    assert v.evidence(4, 5).text == "b"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("協商发展ＡＢ１２ \n\u200b\u202e①小編a½ﬁ")), max_size=60))
def test_every_view_span_maps_inside_the_original(text):
    doc = Document(text=text)
    for name in ("nfkc", "simplified", "lower"):
        v = doc.view(name)
        n = len(v.text)
        for s in range(0, n + 1, 3):
            for e in (s, min(n, s + 1), min(n, s + 4)):
                ev = v.evidence(s, e)
                assert 0 <= ev.start <= ev.end <= len(text)
                assert ev.text == text[ev.start:ev.end]
                # the original span holds no fewer visible chars than the view span
                visible = [c for c in ev.text if c not in INVISIBLE_CHARS]
                assert len(visible) >= 0 if e == s else len(visible) >= 1


def test_nfkc_fast_path_for_fullwidth_punctuation_keeps_identity_offsets():
    doc = Document(text="你好，世界！（１２３）")
    v = doc.view("nfkc")
    assert v.text == "你好,世界!(123)" and v.pos is None
    assert v.evidence(7, 10).text == "１２３"


def test_nfkc_expansion_and_composition_in_one_text_fall_back_to_exact_map():
    # "ﬁ" expands 1→2 and "e\u0301" composes 2→1: same total length, shifted positions.
    text = "ﬁ，e\u0301字"
    doc = Document(text=text)
    v = doc.view("nfkc")
    assert v.text == "fi,e\u0301字"  # per-character folding: no composition
    i = v.text.index("字")
    assert v.evidence(i, i + 1).text == "字"
    assert v.evidence(0, 2).text == "ﬁ"


def test_folded_title_is_the_simplified_fold_made_once(monkeypatch):
    import detector.document as document
    from detector import Config, Detector

    calls = []
    real = document.fold_simplified
    monkeypatch.setattr(document, "fold_simplified", lambda t: calls.append(t) or real(t))
    doc = Document(text="正文", title="  網站（首頁）  ")
    assert doc.folded_title() == "网站(首页)" and doc.folded_title() == "网站(首页)"
    assert calls == ["網站（首頁）"]
    assert Document(text="x").folded_title() == ""
    assert len(Document(text="x", title="長" * 5000).folded_title()) == document.MAX_FOLDED_TITLE
    # One fold per checked document, although rules, stuffing, injection and seo_title all read it.
    calls.clear()
    Detector(config=Config(), load_entrypoints=False).check(text="今天天气很好。", title="小編導語:今日頭條")
    assert calls == ["小編導語:今日頭條"]
