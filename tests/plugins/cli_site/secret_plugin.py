"""A site-local plugin loaded with ``--plugins-dir`` in the CLI tests."""

from __future__ import annotations

import regex

from detector import Evidence, hookimpl
from detector.check import Check, RuleInfo


class SecretCheck(Check):
    """Flags the marker phrase 秘密推广 (a made-up site rule)."""

    name = "secret"
    rules = (RuleInfo("SITE_SECRET_PROMO", "template", 6.0, "出现站点禁止的推广词“秘密推广”",
                      "Contains the site-banned promo phrase", source="site"),
             RuleInfo("SITE_SHOUT", "template", 5.0, "全大写呼喊", "Shouting in capitals",
                       source="site"))

    def run(self, doc):
        spans = [Evidence(m.start(), m.end(), m.group()) for m in regex.finditer("秘密推广", doc.text)]
        if spans:
            yield self.hit("SITE_SECRET_PROMO", spans)
        m = regex.search(r"[A-Z]{8,}", doc.text)
        if m:
            yield self.hit("SITE_SHOUT", [Evidence(m.start(), m.end(), m.group())])


@hookimpl
def spamdetect_register_checks():
    """Register the site check."""
    return [SecretCheck()]
