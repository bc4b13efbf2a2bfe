r"""Small regex helpers on top of :mod:`detector.limits`.

Every regex call in the contact and stuffing checks goes through the time
limit of :mod:`detector.limits`; these helpers give ``findall``, ``split``
and an anchored match at a position with the same guarantee. A match at a
position is bounded by ``endpos`` so a failing ``\G`` anchor never makes the
scan walk the rest of a long text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import regex

from detector import limits

if TYPE_CHECKING:  # pragma: no cover
    from detector.document import Document


def findall(pattern: regex.Pattern[str], text: str, doc: Document | None = None, what: str = "") -> list[str]:
    """Matched strings of ``pattern`` in ``text`` (whole matches, not groups)."""
    return [m.group() for m in limits.finditer(pattern, text, doc, what=what)]


def split(pattern: regex.Pattern[str], text: str, doc: Document | None = None, what: str = "") -> list[str]:
    """``text`` split on the (non-empty) matches of ``pattern``."""
    out: list[str] = []
    last = 0
    for m in limits.finditer(pattern, text, doc, what=what):
        if m.end() == m.start():
            continue
        out.append(text[last:m.start()])
        last = m.end()
    out.append(text[last:])
    return out


def match_at(
    pattern: regex.Pattern[str], text: str, pos: int, doc: Document | None = None, *,
    span: int = 400, what: str = "",
) -> regex.Match[str] | None:
    """A match of ``pattern`` starting exactly at ``pos``, looking at most ``span`` characters ahead."""
    for m in limits.finditer(pattern, text, doc, what=what, pos=pos, endpos=min(len(text), pos + span)):
        return m if m.start() == pos else None
    return None


def search(
    pattern: regex.Pattern[str], text: str, doc: Document | None = None, what: str = "",
) -> regex.Match[str] | None:
    """First match of ``pattern`` in ``text`` under the time limit."""
    return limits.search(pattern, text, doc, what=what)
