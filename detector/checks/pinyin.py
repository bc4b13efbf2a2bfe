"""Builtin ``pinyin`` check: flattened pinyin ruby (``協(xié)商``, ``花(hua)呗(bei)``).

A thin layer over :mod:`detector.damage.ruby`, run on the ``nfkc`` view (so
fullwidth parentheses and letters are already ASCII); evidence maps back to
``doc.text``. Every candidate is validated against the base character's
readings, so ``价值(value)`` or ``第一场(a)`` never count.

The verdict is per document, from :func:`~detector.damage.ruby.ruby_features`:

* **damage** (``PINYIN_RUBY_FLATTENED``, 5.0): 3+ annotations that are not a
  polyphone lesson: a run of 3+ consecutive annotated characters, or density
  of 1+ per 100 Han, or 5+ annotations in all.
* **sparse** (same rule, 1.5): 2 annotations that are not lesson-like.
* **lesson** (no hit): every annotated base is a polyphone (多音字), toned,
  and no run of 3: a teacher annotating 重(chóng)庆 and 重(zhòng)要.
* **orphans** (``PINYIN_RUBY_ORPHAN``): pinyin whose base character was lost
  to an encoding error (``?wù)``); 1 is weak, 3+ strong.
"""

from __future__ import annotations

from collections.abc import Iterable

from detector import hookimpl
from detector.check import Check, RuleInfo
from detector.damage import ruby
from detector.damage.charsets import count_han
from detector.document import Document
from detector.verdict import Hit
from detector.views import View

MAX_EVIDENCE = 20

#: Texts up to this length carry the whole repaired text in ``details["repaired"]``
#: (longer ones would bloat every output format; the evidence spans remain).
MAX_REPAIRED_CHARS = 5000


_SRC = "check:pinyin"

RULES = (
    RuleInfo("PINYIN_RUBY_FLATTENED", "pinyin", 5.0,
             "拼音注音被压平进正文(如“協(xié)商”“花(hua)呗(bei)”),常见于繁简转换站和采集站",
             "Flattened pinyin ruby in the running text (e.g. 協(xié)商, 花(hua)呗(bei)), typical of "
             "converter and scraper farms", source=_SRC, target="nfkc"),
    RuleInfo("PINYIN_RUBY_ORPHAN", "pinyin", 2.0,
             "残留的拼音注音,其汉字已因编码错误丢失(如“?wù)”)",
             "Orphan pinyin annotations whose base character was lost to an encoding error "
             "(e.g. ?wù))", source=_SRC, target="nfkc"),
)


def _is_lesson(f: ruby.RubyFeatures) -> bool:
    """A 多音字 lesson: Simplified polyphones, all toned, no run of consecutive annotations.

    Traditional-only bases annotated are converter residue, never a lesson,
    even when the dictionary lists several readings for them (區: qū, ōu).
    """
    return (f.single_reading_share < 0.25 and f.untoned_share == 0.0 and f.longest_run < 3
            and f.traditional_share < 0.5)


class PinyinCheck(Check):
    """Report flattened pinyin ruby and orphan pinyin."""

    name = "pinyin"
    rules = RULES

    def __init__(self) -> None:
        # Load the reading dictionary now, not inside the first document's budget.
        ruby.syllables()

    def run(self, doc: Document) -> Iterable[Hit]:
        """Yield at most one hit per rule for ``doc``."""
        view = doc.view("nfkc")
        text = view.text
        anns = ruby.find_ruby(text)
        if not anns:
            return
        based = [a for a in anns if a.base]
        orphans = [a for a in anns if not a.base]
        han = count_han(text) if based else 0
        if based:
            f = ruby.ruby_features(based, text, han)
            details = {
                "count": f.count, "density_per_100_han": round(f.density, 2),
                "traditional_share": round(f.traditional_share, 2),
                "untoned_share": round(f.untoned_share, 2),
                "single_reading_share": round(f.single_reading_share, 2),
                "longest_run": f.longest_run,
                "repaired": _strip_annotations(view.source, view, based),
            }
            weight = None
            if not _is_lesson(f):
                if f.count >= 3 and (f.longest_run >= 3 or f.density >= 1.0 or f.count >= 5):
                    weight = self.rule("PINYIN_RUBY_FLATTENED").weight
                elif f.count >= 2:
                    weight = 1.5
            if weight is not None:
                details["lesson_like"] = False
                yield self.hit("PINYIN_RUBY_FLATTENED",
                               [view.evidence(a.start, a.end) for a in based[:20]],
                               weight=weight, details=details)
        if orphans:
            full = self.rule("PINYIN_RUBY_ORPHAN").weight
            weight = 4.0 if len(orphans) >= 3 else full if len(orphans) == 2 else 1.0
            yield self.hit("PINYIN_RUBY_ORPHAN", [view.evidence(a.start, a.end) for a in orphans[:20]],
                           weight=weight,
                           details={"count": len(orphans), "pinyin": [a.pinyin for a in orphans[:20]]})


def _strip_annotations(source: str, view: View, anns: list[ruby.Annotation]) -> str | None:
    """``source`` with the annotations removed (base characters kept), if short enough."""
    if len(source) > MAX_REPAIRED_CHARS:
        return None
    out = []
    pos = 0
    for a in anns:
        s, e = view.span(a.start, a.end)
        out.append(source[pos:s + 1])  # keep the base character
        pos = e
    out.append(source[pos:])
    return "".join(out)


@hookimpl
def spamdetect_register_checks() -> list[Check]:
    """Register the pinyin ruby check."""
    return [PinyinCheck()]
