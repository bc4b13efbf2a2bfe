"""The fast ``nfkc`` view builder gives exactly the per-character reference result."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from detector import Document
from detector.views import INVISIBLE_CHARS, View, _nfkc_char, build_nfkc

_TRICKY = "今天，天气：很好！ＡＢＣ１２３\u3000ﬁ㈱①½é\u0301ｶﾞ～㍿\U0001d400abc" + "".join(INVISIBLE_CHARS)
_text = st.one_of(st.text(st.sampled_from(_TRICKY), max_size=40), st.text(max_size=40))


@settings(max_examples=1500, deadline=None)
@given(text=_text)
def test_fast_nfkc_equals_reference_build(text):
    fast = build_nfkc(Document(text=text))
    ref = View.build("nfkc", text, _nfkc_char)
    assert fast.text == ref.text
    assert fast.removed == ref.removed
    n = len(fast.text)
    for i in range(n + 1):
        for j in range(i, min(n, i + 6) + 1):
            assert fast.span(i, j) == ref.span(i, j)
            assert fast.evidence(i, j) == ref.evidence(i, j)


def test_fullwidth_punctuation_needs_no_position_map():
    v = build_nfkc(Document(text="今天，天气：很好！"))
    assert v.text == "今天,天气:很好!" and v.pos is None
    v = build_nfkc(Document(text="小编\u200b导语"))
    assert v.text == "小编导语" and v.removed == 1 and v.evidence(0, 4).text == "小编\u200b导语"
