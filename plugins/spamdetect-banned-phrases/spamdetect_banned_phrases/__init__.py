"""spamdetect site plugin: report phrases from a site's own banned list.

Shows the whole plugin surface a site needs: it declares its options with
``spamdetect_add_config`` (validated when the configuration loads), builds
its matcher once in ``spamdetect_register_checks`` (never per document), and
returns a :class:`detector.Check` whose hits carry evidence in the original
text although matching runs on the Traditional→Simplified folded view.
"""

from __future__ import annotations

import regex

from detector import Check, Evidence, RuleInfo, hookimpl, limits


def _phrases(value):
    if not isinstance(value, list) or not all(isinstance(x, str) and x.strip() for x in value):
        raise ValueError("expected a list of non-empty strings")
    return value


class BannedPhrases(Check):
    """Find the configured phrases on the ``simplified`` view."""

    name = "banned_phrases"

    def __init__(self, phrases, weight):
        self.rules = (RuleInfo("SITE_BANNED_PHRASE", "template", weight,
                               "出现本站禁止的词语", "Contains a phrase this site bans",
                               source="plugin:banned_phrases", target="simplified"),)
        self._pattern = None
        if phrases:
            import opencc

            from detector.views import View  # noqa: F401 - documents the view dependency

            fold = opencc.OpenCC("t2s").convert
            alts = sorted({regex.escape(fold(p.strip())) for p in phrases}, key=len, reverse=True)
            self._pattern = regex.compile("|".join(alts))

    def run(self, doc):
        """Yield one hit with every occurrence as evidence."""
        if self._pattern is None:
            return
        view = doc.view("simplified")
        spans = [view.evidence(m.start(), m.end())
                 for m in limits.finditer(self._pattern, view.text, doc, what="SITE_BANNED_PHRASE")]
        if spans:
            yield self.hit("SITE_BANNED_PHRASE", spans, details={"count": len(spans)})


@hookimpl
def spamdetect_add_config(spec):
    """Declare the phrase list and the weight."""
    spec.add("banned_phrases.phrases", [], type=_phrases, help="phrases this site bans")
    spec.add("banned_phrases.weight", 6.0, type=float, help="weight of SITE_BANNED_PHRASE")


@hookimpl
def spamdetect_register_checks(config):
    """Build the matcher once from the configuration."""
    return [BannedPhrases(config.option("banned_phrases.phrases") or [],
                          float(config.option("banned_phrases.weight", 6.0)))]


__all__ = ["BannedPhrases", "Evidence"]
