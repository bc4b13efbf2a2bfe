"""Builtin ``invisible`` check: zero-width and bidi control characters inside Han text.

Farms push zero-width spaces and joiners into words to dodge keyword filters
(``微\u200b信``), and bidi controls to reorder what a reader sees. The
``nfkc`` view already drops these characters (:data:`detector.views.INVISIBLE_CHARS`)
and counts them in ``View.removed``, so the fast path is one integer test; only
when something was removed does this check look for where.

An invisible character counts when it sits inside Han text (a Han character
within two positions on both sides): a BOM at the start or a soft hyphen in
an English word is not evidence. Bidi controls (U+202A–202E, U+2066–2069)
count double. Weight: 1.0 for one, up to 3.0 (the group cap).
"""

from __future__ import annotations

from collections.abc import Iterable

from detector import hookimpl
from detector.check import Check, RuleInfo
from detector.damage.charsets import is_han
from detector.document import Document
from detector.verdict import Evidence, Hit
from detector.views import INVISIBLE_CHARS

#: Texts up to this length carry the whole repaired text in ``details["repaired"]``
#: (longer ones would bloat every output format; the evidence spans remain).
MAX_REPAIRED_CHARS = 5000

_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")

RULES = (
    RuleInfo("INVIS_IN_HAN", "invisible", 1.0,
             "汉字之间夹有零宽字符或双向控制字符(常用于规避关键词过滤)",
             "Zero-width or bidi control characters inside Han text (used to dodge keyword filters)",
             source="check:invisible"),
)


def _han_near(text: str, i: int, step: int) -> bool:
    j = i + step
    for _ in range(3):
        if j < 0 or j >= len(text):
            return False
        ch = text[j]
        if ch in INVISIBLE_CHARS:
            j += step
            continue
        return is_han(ch)
    return False


class InvisibleCheck(Check):
    """Report invisible characters pushed into Han text."""

    name = "invisible"
    rules = RULES

    def run(self, doc: Document) -> Iterable[Hit]:
        """Yield one hit with every invisible character inside Han text."""
        if doc.view("nfkc").removed == 0:
            return
        text = doc.text
        spans: list[tuple[int, int]] = []
        kinds: dict[str, int] = {}
        score = 0.0
        for i, ch in enumerate(text):
            if ch in INVISIBLE_CHARS and _han_near(text, i, -1) and _han_near(text, i, 1):
                if spans and spans[-1][1] == i:
                    spans[-1] = (spans[-1][0], i + 1)
                else:
                    spans.append((i, i + 1))
                name = f"U+{ord(ch):04X}"
                kinds[name] = kinds.get(name, 0) + 1
                score += 2.0 if ch in _BIDI else 1.0
        if not spans:
            return
        count = sum(kinds.values())
        weight = min(3.0, 0.5 + 0.5 * score)
        yield self.hit("INVIS_IN_HAN",
                       [Evidence(a, b, text[a:b]) for a, b in spans[:20]], weight=weight,
                       details={"count": count, "characters": kinds,
                                "repaired": "".join(c for c in text if c not in INVISIBLE_CHARS)
                                if len(text) <= MAX_REPAIRED_CHARS else None})


@hookimpl
def spamdetect_register_checks() -> list[Check]:
    """Register the invisible-character check."""
    return [InvisibleCheck()]
