"""The check interface: what builtin and site checks implement.

A check is an object with a ``name``, the ``rules`` it can report (metadata
for ``spamdetect rules list`` and for per-profile weight overrides) and a
``run(doc)`` method yielding :class:`~detector.verdict.Hit` objects. Checks
come back from the ``spamdetect_register_checks`` hook; the engine runs each
one inside its own ``try`` and time accounting, so one failing check becomes a
``plugin`` hit instead of a lost verdict.

Subclass :class:`Check` and declare :class:`RuleInfo` entries, then build
hits with :meth:`Check.hit`, which fills group, weight and descriptions from
the declared rule::

    class Shouting(Check):
        name = "shouting"
        rules = (RuleInfo("SITE_SHOUTING", "template", 1.0,
                          "全文大写", "Text is all capitals"),)

        def run(self, doc):
            if doc.text.isupper():
                yield self.hit("SITE_SHOUTING", [Evidence(0, 3, doc.text[:3])])
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .verdict import Evidence, Hit

if TYPE_CHECKING:  # pragma: no cover
    from .document import Document


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """Metadata of one rule a check can report.

    Attributes:
        id: Stable id (``ZH_TEMPLATE_XIAOBIAN_INTRO``); never reused.
        group: Hit group (see :data:`detector.verdict.GROUPS`).
        weight: Default weight; profiles may override it by id.
        description_zh: Chinese description (what matched, why it is spam).
        description_en: English description.
        source: Where the rule is defined (check name or rule file).
        target: What it reads (``text``, ``title``, ``url``, a view name…).
        scoring: False for sub-rules that only feed meta rules.
        extra: Anything else worth showing in ``spamdetect rules show``.
    """

    id: str
    group: str
    weight: float
    description_zh: str
    description_en: str
    source: str = ""
    target: str = "text"
    scoring: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


class Check:
    """Base class for checks. Subclasses set ``name`` and ``rules`` and implement ``run``."""

    name: str = "check"
    rules: Sequence[RuleInfo] = ()
    #: Whether the check reads the document's text. Such checks are skipped on
    #: input that looks binary (decoded noise matches text patterns by
    #: chance: "*" between random characters reads as masking); a check
    #: that reads only the URL or metadata sets this to False.
    reads_text: bool = True
    #: Run after every other check (but before ``run_last`` ones), reading
    #: the hits they reported from ``doc.hits``: for checks that combine
    #: other checks' findings (the rule files' combination metas).
    after_checks: bool = False

    def run(self, doc: Document) -> Iterable[Hit]:
        """Yield hits for ``doc``. Must not mutate ``doc.text``."""
        raise NotImplementedError

    def rule(self, rule_id: str) -> RuleInfo:
        """Return the declared :class:`RuleInfo` for ``rule_id``."""
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    def hit(
        self,
        rule_id: str,
        evidence: Iterable[Evidence] = (),
        *,
        weight: float | None = None,
        details: dict[str, Any] | None = None,
    ) -> Hit:
        """Build a :class:`Hit` for one of this check's declared rules."""
        r = self.rule(rule_id)
        return Hit(
            rule=r.id,
            group=r.group,
            weight=r.weight if weight is None else weight,
            description_zh=r.description_zh,
            description_en=r.description_en,
            evidence=list(evidence),
            details=dict(details or {}),
        )
