"""Time limits: a time limit on every regex call and a per-document budget.

Rules and checks must never hang on adversarial input. All regex matching
goes through :func:`finditer` / :func:`search`, which pass a ``timeout`` to
the `regex <https://pypi.org/project/regex/>`_ module (it raises
``TimeoutError`` when a match runs too long, catastrophic backtracking
included). The timeout is the smaller of the per-call limit and what is left
of the document's budget. On timeout the helpers record a note on the
document (``doc.notes``), which the engine reports as a ``limits`` hit, and
return what was found so far.
"""

from __future__ import annotations

from collections.abc import Iterator
from time import monotonic
from typing import TYPE_CHECKING

import regex

if TYPE_CHECKING:  # pragma: no cover
    from .document import Document

#: Default per-call regex time limit, seconds (profiles override it).
DEFAULT_REGEX_TIMEOUT = 0.05

REGEX_TIMEOUT_NOTE = "regex_timeout"
BUDGET_NOTE = "time_budget"


def _timeout(doc: Document | None, limit: float | None) -> float:
    """The per-call limit, capped by what is left of the document's budget (at least 1 ms)."""
    lim = DEFAULT_REGEX_TIMEOUT if limit is None else limit
    if doc is not None and doc.deadline is not None:
        left = doc.deadline - monotonic()  # one clock read: called ~70 times per document
        if left < lim:
            lim = left if left > 0.001 else 0.001
    return lim


def finditer(
    pattern: regex.Pattern[str],
    text: str,
    doc: Document | None = None,
    *,
    limit: float | None = None,
    what: str = "",
    pos: int = 0,
    endpos: int | None = None,
) -> Iterator[regex.Match[str]]:
    """Yield matches of ``pattern`` in ``text`` under a time limit.

    Args:
        pattern: A compiled ``regex`` pattern.
        text: The text to scan.
        doc: The document (its budget caps the limit; timeouts are noted on it).
        limit: Per-call limit in seconds (default :data:`DEFAULT_REGEX_TIMEOUT`).
        what: Name of the rule or check, for the note.
        pos: Start offset.
        endpos: End offset.

    Yields:
        Matches, until the text ends or the time limit expires.
    """
    lim = _timeout(doc, limit)
    try:  # positional pos/endpos: no keyword dict on the hot path
        if endpos is None:
            yield from pattern.finditer(text, pos, timeout=lim)
        else:
            yield from pattern.finditer(text, pos, endpos, timeout=lim)
    except TimeoutError:
        if doc is not None:
            doc.notes.append((REGEX_TIMEOUT_NOTE, what or pattern.pattern[:60]))


def search(
    pattern: regex.Pattern[str],
    text: str,
    doc: Document | None = None,
    *,
    limit: float | None = None,
    what: str = "",
) -> regex.Match[str] | None:
    """First match of ``pattern`` in ``text`` under a time limit, or None."""
    try:
        return pattern.search(text, timeout=_timeout(doc, limit))
    except TimeoutError:
        if doc is not None:
            doc.notes.append((REGEX_TIMEOUT_NOTE, what or pattern.pattern[:60]))
        return None
