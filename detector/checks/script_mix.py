"""Builtin ``script_mix`` check: Simplified and Traditional mixed in sentences.

A thin layer over :func:`detector.damage.script_mix.mix_report`, reading the
character classes shared with the other damage checks. Fast path: a text
without both kinds of script-specific characters returns at once.

``MIX_SENTENCE`` fires when 2+ sentences mix both scripts, or one sentence
switches script 5+ times (weight 1.0 per sentence up to 3.0); the
document's minority share is in the details. One sentence switching 3 or 4
times is reported at 0.5: a product name or an unmarked quotation switches
once or twice and never counts as mixed (see
:data:`detector.damage.script_mix.MIN_SWITCHES`), and no clean article, dev
page or fully converted (s2t, s2tw) article has such a sentence, but alone
it is still too little to weigh more.
"""

from __future__ import annotations

from collections.abc import Iterable

from detector import hookimpl
from detector.check import Check, RuleInfo
from detector.damage import mojibake
from detector.damage.script_mix import mix_report
from detector.document import Document
from detector.verdict import Evidence, Hit

from ._damage_common import text_classes

#: One sentence alone counts in full when it switches script this often.
STRONG_SWITCHES = 5
#: Weight of a single mixed sentence switching fewer times.
WEAK_WEIGHT = 0.5

RULES = (
    RuleInfo("MIX_SENTENCE", "script_mix", 1.0,
             "同一句中简体字和繁体字混用(如“这个國家的發展”),常见于转换出错或拼凑的页面",
             "Simplified and Traditional characters mixed within sentences (e.g. 这个國家的發展), "
             "typical of broken conversion or stitched pages", source="check:script_mix"),
)


class ScriptMixCheck(Check):
    """Report sentences mixing Simplified-only and Traditional-only characters."""

    name = "script_mix"
    rules = RULES

    def run(self, doc: Document) -> Iterable[Hit]:
        """Yield one hit when several sentences mix scripts."""
        cls = text_classes(doc)
        if not cls.size:
            return
        if not (cls & mojibake.TRAD_ONLY).any() or not (cls & mojibake.SIMP_ONLY).any():
            return
        rep = mix_report(doc.text, cls)
        if rep.mixed_sentences < 1:
            return
        weak = rep.mixed_sentences < 2 and rep.max_switches < STRONG_SWITCHES
        text = doc.text
        ev = [Evidence(a, b, text[a:b]) for a, b in rep.spans[:20]]
        yield self.hit("MIX_SENTENCE", ev, weight=WEAK_WEIGHT if weak else min(3.0, 1.0 * rep.mixed_sentences),
                       details={"mixed_sentences": rep.mixed_sentences,
                                "simplified_only": rep.simplified,
                                "traditional_only": rep.traditional,
                                "minority_share": round(rep.minority_share, 3),
                                "max_switches": rep.max_switches})


@hookimpl
def spamdetect_register_checks() -> list[Check]:
    """Register the script-mix check."""
    return [ScriptMixCheck()]
