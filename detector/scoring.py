"""Scoring: hits → score → action.

Weights are additive. A profile can override any rule's weight by id or
disable rules and whole groups. Each group's positive total is capped
(``group_caps``) so one family of weak signals (stray deletion marks, a few
mixed-script characters) cannot carry a document to ``reject`` on its own;
negative weights (evidence of legitimacy) are never capped. The action comes
from the profile's ``review`` and ``reject`` thresholds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from .config import Profile
from .verdict import Hit


def apply_profile(hits: Iterable[Hit], profile: Profile) -> list[Hit]:
    """Drop disabled hits and apply weight overrides; strongest first."""
    out = []
    for h in hits:
        if not profile.enabled(h.rule, h.group):
            continue
        if h.rule in profile.weights:
            h.weight = float(profile.weights[h.rule])
        out.append(h)
    out.sort(key=lambda h: (-h.weight, h.rule))
    return out


def total(hits: Iterable[Hit], profile: Profile) -> float:
    """Sum of weights with per-group caps on the positive part.

    Examples:
        >>> from detector.config import Profile
        >>> p = Profile(group_caps={"deletion": 2.0})
        >>> hs = [Hit("A", "deletion", 1.5, "", ""), Hit("B", "deletion", 1.5, "", ""),
        ...       Hit("C", "template", 4.0, "", "")]
        >>> total(hs, p)
        6.0
    """
    pos: dict[str, float] = defaultdict(float)
    neg = 0.0
    for h in hits:
        if h.weight >= 0:
            pos[h.group] += h.weight
        else:
            neg += h.weight
    score = neg
    for group, value in pos.items():
        cap = profile.group_caps.get(group)
        score += min(value, cap) if cap is not None else value
    return round(score, 6)
