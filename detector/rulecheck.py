"""Lint rule files and run their inline examples (``spamdetect rules lint|test``).

Loading already rejects structurally invalid files (:mod:`detector.rules`).
:func:`lint` adds the checks that need the assembled detector or take time:
targets that name no registered view, keywords that can never appear in their
target (a Traditional keyword on the ``simplified`` view), and a ReDoS probe
that runs every pattern on adversarial strings under a time limit.

:func:`run_examples` runs every ``match`` / ``no_match`` example through the
production path: the example becomes a Document via
:func:`detector.ingest.make_document` (text, or the field the rule targets),
gets the detector's view builders, and the whole rule set evaluates it, so
keyword prefilters, views and meta rules are all exercised. ``todo_match`` and
``todo_no_match`` are known gaps: they are expected to fail, and one that
starts passing is reported (strict xfail) so the example can be promoted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .check import Check
from .document import Document
from .ingest import make_document
from .rules import FIELD_TARGETS, Rule, RuleSet
from .views import fold_simplified

#: Adversarial probe strings for the ReDoS check (long runs that make
#: nested or overlapping quantifiers backtrack).
PROBE_STRINGS: tuple[str, ...] = (
    "一" * 20000,
    "一、" * 8000,
    "1." * 8000 + "!",
    "a" * 20000 + "!",
    " " * 20000 + "x",
    "*" * 20000,
    ">" * 10000,
    "的" * 10000 + "。",
    "小编" * 5000,
    "\n" * 10000 + "x",
    "第一" * 8000,
    "(" * 5000 + ")" * 5000,
    "....." * 4000,
)
#: Time limit per pattern and probe string, seconds.
PROBE_LIMIT = 0.25


@dataclass(frozen=True)
class ExampleResult:
    """Outcome of one inline example.

    Attributes:
        rule: Rule id.
        kind: ``match``, ``no_match``, ``todo_match`` or ``todo_no_match``.
        example: The example as written.
        matched: Whether the rule matched it.
        ok: True when the outcome is the expected one (for ``todo_*``: the
            known gap is still there).
    """

    rule: str
    kind: str
    example: Any
    matched: bool
    ok: bool

    @property
    def message(self) -> str:
        """A line explaining a failure."""
        shown = self.example if isinstance(self.example, str) else dict(self.example)
        if self.kind == "match":
            return f"{self.rule}: expected a match, got none: {shown!r}"
        if self.kind == "no_match":
            return f"{self.rule}: expected no match, but it matched: {shown!r}"
        return f"{self.rule}: {self.kind} example now passes; promote it: {shown!r}"


def example_document(rule: Rule, example: Any,
                     view_builders: Mapping[str, Callable[[Document], Any]] | None = None) -> Document:
    """Build the Document an example describes.

    A string example goes into the field the rule targets (``title``,
    ``url``, ``html``) or the text; a mapping gives the fields explicitly.
    """
    if isinstance(example, str):
        field = rule.target if rule.target in FIELD_TARGETS else "text"
        fields = {field: example}
    else:
        fields = dict(example)
    if "text" not in fields and "html" not in fields:
        fields["text"] = ""
    doc = make_document(fields.get("text"), fields.get("html"), title=fields.get("title"),
                        url=fields.get("url"))
    if view_builders is not None:
        doc._builders = dict(view_builders)
    return doc


def example_matches(ruleset: RuleSet, rule: Rule, example: Any,
                    view_builders: Mapping[str, Callable[[Document], Any]] | None = None,
                    checks: Iterable[Check] = ()) -> bool:
    """Whether ``rule`` matches the document ``example`` describes.

    A combination meta reads other checks' hits: ``checks`` (the
    detector's checks) run on the example first, as in production.
    """
    doc = example_document(rule, example, view_builders)
    if not ruleset.is_combination(rule.id):
        return rule.id in ruleset.evaluate(doc)
    hits = [h for c in checks if c is not ruleset for h in (c.run(doc) or ())]
    return rule.id in ruleset.evaluate(doc, hits=hits)


def run_examples(ruleset: RuleSet, view_builders: Mapping[str, Callable[[Document], Any]] | None = None,
                 only: Iterable[str] | None = None, checks: Iterable[Check] = ()) -> list[ExampleResult]:
    """Run every inline example of ``ruleset`` (or of the ids in ``only``).

    ``checks`` are the detector's other checks, needed by the examples of
    combination metas (see :func:`example_matches`).
    """
    checks = list(checks)
    wanted = set(only) if only is not None else None
    out: list[ExampleResult] = []
    for rule in ruleset.all_rules.values():
        if wanted is not None and rule.id not in wanted:
            continue
        for kind in ("match", "no_match", "todo_match", "todo_no_match"):
            for ex in getattr(rule, kind):
                matched = example_matches(ruleset, rule, ex, view_builders, checks)
                # todo_* examples are known gaps: "ok" while the gap is still there.
                ok = matched if kind in ("match", "todo_no_match") else not matched
                out.append(ExampleResult(rule.id, kind, ex, matched, ok))
    return out


def _probe(rule: Rule) -> str | None:
    assert rule.compiled is not None
    for probe in PROBE_STRINGS:
        try:
            for _ in rule.compiled.finditer(probe, timeout=PROBE_LIMIT):
                pass
        except TimeoutError:
            return (f"{rule.source}: rule {rule.id}: pattern runs past {PROBE_LIMIT:.2f}s on a "
                    f"{len(probe)}-character probe {probe[:6]!r}… (ReDoS risk)")
    return None


def lint(ruleset: RuleSet, view_names: Iterable[str], *, probe: bool = True) -> list[str]:
    """Problems that loading does not catch; an empty list means clean.

    Args:
        ruleset: The loaded rule set.
        view_names: Views registered in the detector (builtin and plugin).
        probe: Run the ReDoS probe (slower).
    """
    views = set(view_names)
    problems: list[str] = []
    for rule in ruleset.all_rules.values():
        where = f"{rule.source}: rule {rule.id}"
        if rule.compiled is None:
            continue
        if rule.target not in FIELD_TARGETS and rule.target not in views:
            problems.append(f"{where}: target {rule.target!r} is neither a field nor a registered "
                            f"view ({', '.join(sorted(views))})")
        if rule.target in ("simplified", "title"):
            for kw in rule.keywords:
                if fold_simplified(kw) != kw:
                    problems.append(f"{where}: keyword {kw!r} can never appear in the folded "
                                    f"{rule.target} text; write it as {fold_simplified(kw)!r}")
        if rule.target == "lower":
            for kw in rule.keywords:
                if kw != kw.lower():
                    problems.append(f"{where}: keyword {kw!r} is not lower-case but the target is 'lower'")
        if probe:
            msg = _probe(rule)
            if msg:
                problems.append(msg)
    return problems


__all__ = ["ExampleResult", "PROBE_STRINGS", "example_document", "lint", "run_examples"]
