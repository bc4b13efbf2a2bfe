"""Checks used by the service tests (loaded in-process and via --plugins-dir).

``DemoFarmCheck`` finds the farm-template marker 小编导语 / 小编总结 and mainland
mobile numbers, so the service tests have hits with evidence on any branch.
``SlowCheck`` sleeps when a document contains 慢慢来 (to exercise the time
budget and graceful shutdown); ``CrashCheck`` raises on 崩溃.
"""

from __future__ import annotations

import time

import regex

from detector import hookimpl, limits
from detector.check import Check, RuleInfo

_MARKER = regex.compile(r"小编(?:导语|总结)")
_MOBILE = regex.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


class DemoFarmCheck(Check):
    """Template marker and mobile-number hits, for tests only."""

    name = "service_demo"
    rules = (
        RuleInfo("DEMO_XIAOBIAN", "template", 6.0, "小编导语/小编总结模板", "Editor intro/summary template",
                 source="tests"),
        RuleInfo("DEMO_MOBILE", "contact", 4.5, "正文中的手机号", "Mobile number in the text",
                 source="tests"),
    )

    def run(self, doc):
        """Yield one hit per rule with every match as evidence."""
        text = doc.text
        for rule, pat in (("DEMO_XIAOBIAN", _MARKER), ("DEMO_MOBILE", _MOBILE)):
            ev = [doc.view("raw").evidence(m.start(), m.end())
                  for m in limits.finditer(pat, text, doc, what=rule)]
            if ev:
                yield self.hit(rule, ev)


class SlowCheck(Check):
    """Sleeps on documents containing 慢慢来 (seconds from ``options``)."""

    name = "service_slow"
    rules = ()

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def run(self, doc):
        """Sleep, find nothing."""
        if "慢慢来" in doc.text:
            time.sleep(self.seconds)
        return ()


class CrashCheck(Check):
    """Raises on documents containing 崩溃."""

    name = "service_crash"
    rules = ()

    def run(self, doc):
        """Raise for the marker, find nothing otherwise."""
        if "崩溃" in doc.text:
            raise RuntimeError("demo crash")
        return ()


@hookimpl
def spamdetect_add_config(spec):
    """Declare how long SlowCheck sleeps."""
    spec.add("demo.slow_seconds", 0.3, type=float, help="SlowCheck sleep, seconds")


@hookimpl
def spamdetect_register_checks(config):
    """Slow first, so an expired budget skips the demo check after it."""
    return [SlowCheck(float(config.option("demo.slow_seconds", 0.3))), DemoFarmCheck(), CrashCheck()]
