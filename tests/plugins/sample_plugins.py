"""Plugins used by the tests (registered with pm.register in fixtures)."""

from __future__ import annotations

import time

import regex

from detector import Evidence, hookimpl, limits
from detector.check import Check, RuleInfo
from detector.document import StashKey
from detector.views import View

SEEN = StashKey[list]()


class ShoutCheck(Check):
    """Hits every occurrence of the word 秘密 in the text."""

    name = "shout"
    rules = (RuleInfo("SITE_SECRET", "template", 6.0, "出现“秘密”", "Mentions a secret",
                      source="test"),)

    def run(self, doc):
        spans = [Evidence(m.start(), m.end(), m.group()) for m in regex.finditer("秘密", doc.text)]
        if spans:
            yield self.hit("SITE_SECRET", spans)


class BoomCheck(Check):
    """Always raises."""

    name = "boom"
    rules = ()

    def run(self, doc):
        raise RuntimeError("kaboom")


class SlowCheck(Check):
    """Sleeps past any small budget."""

    name = "slow"
    rules = ()

    def run(self, doc):
        time.sleep(0.05)
        return ()


class EvilRegexCheck(Check):
    """Runs a catastrophically backtracking regex through the limits helper."""

    name = "evil"
    rules = ()
    pattern = regex.compile(r"(a+)+$")

    def run(self, doc):
        list(limits.finditer(self.pattern, doc.text, doc, what="EVIL", limit=0.02))
        return ()


class SitePlugin:
    """A plugin exercising every hook."""

    def __init__(self):
        self.seen_verdicts = []

    @hookimpl
    def spamdetect_add_config(self, spec):
        spec.add("site.secret_weight", 6.0, type=float, help="weight of the secret rule")

    @hookimpl
    def spamdetect_register_views(self, config):
        return {"upper": lambda doc: View.build("upper", doc.view("nfkc"), str.upper)}

    @hookimpl
    def spamdetect_register_checks(self, config):
        return [ShoutCheck()]

    @hookimpl
    def spamdetect_register_eval_functions(self, config):
        return {"length_at_least": lambda doc, n: len(doc.text) >= n}

    @hookimpl
    def spamdetect_prepare_document(self, doc, config):
        doc.stash[SEEN] = ["prepared", doc.view("upper").text[:3]]

    @hookimpl
    def spamdetect_adjust_verdict(self, doc, verdict, config):
        if "WHITELISTED" in doc.text:
            verdict.hits = [h for h in verdict.hits if h.rule != "SITE_SECRET"]
            verdict.score = 0.0
            verdict.action = "allow"

    @hookimpl
    def spamdetect_on_verdict(self, doc, verdict, config):
        self.seen_verdicts.append((doc.stash[SEEN], verdict.action))
