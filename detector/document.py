"""The document that flows through the pipeline.

A :class:`Document` is built once by :mod:`detector.ingest` from text, HTML or
raw bytes and then read by every check. It holds the visible ``text`` (all
evidence offsets point into it), optional ``title``, ``url``, ``site``
(profile name) and caller ``meta``, the ``links`` found in HTML, facts about
how it was decoded, and lazily built normalised views (:mod:`detector.views`).

Per-document plugin state goes in ``doc.stash[key]`` with a :class:`StashKey`,
never in ad-hoc attributes, so plugins cannot clash.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from .views import _BUILDERS, View, ViewBuilder, fold_simplified

T = TypeVar("T")


class StashKey(Generic[T]):
    """A typed key for ``Document.stash``; create one per plugin value.

    Examples:
        >>> KEY = StashKey[int]()
        >>> doc = Document(text="x")
        >>> doc.stash[KEY] = 3
        >>> doc.stash[KEY]
        3
    """

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Link:
    """A hyperlink found in HTML input."""

    href: str
    text: str = ""


@dataclass(slots=True)
class DecodeInfo:
    """How bytes became text.

    Attributes:
        encoding: The codec used (``utf-8``, ``gb18030`` …).
        source: ``bom``, ``declared`` (HTML meta / HTTP header),
            ``detected`` (charset-normalizer), ``fallback`` or ``text``.
        errors: Number of undecodable bytes replaced by U+FFFD.
        declared: The charset declared by the document, if any.
    """

    encoding: str = "utf-8"
    source: str = "text"
    errors: int = 0
    declared: str | None = None


#: Longest title folded by :meth:`Document.folded_title` (a title is short;
#: a megabyte "title" is cut before folding).
MAX_FOLDED_TITLE = 400


@dataclass(eq=False)
class Document:
    """One document to check.

    Attributes:
        text: Visible text; evidence offsets index into it.
        title: Title (HTML ``<title>`` or given by the caller).
        url: Where it came from.
        site: Site profile name selecting thresholds and weights.
        id: Caller's id, echoed in the verdict.
        meta: Free-form caller metadata.
        links: Hyperlinks (HTML input only).
        html: The HTML source when the input was HTML (for ``html`` rules).
        decode: How bytes were decoded (bytes input only).
        original_length: Length of the text before truncation to the size
            limit (equal to ``len(text)`` when not truncated).
        stash: Per-document plugin state keyed by :class:`StashKey`.
        notes: Problems met while ingesting (decode errors, truncation),
            turned into hits by the ``limits`` and ``encoding`` checks.
        hits: The hits reported so far, filled in by the engine while the
            checks run; checks with ``after_checks = True`` read it. Weights
            are the checks' own, before the profile's overrides.
    """

    text: str
    title: str | None = None
    url: str | None = None
    site: str | None = None
    id: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    html: str | None = None
    decode: DecodeInfo | None = None
    original_length: int | None = None
    stash: dict[Any, Any] = field(default_factory=dict)
    notes: list[tuple[str, str]] = field(default_factory=list)
    hits: list[Any] = field(default_factory=list, repr=False)
    deadline: float | None = field(default=None, repr=False)
    _views: dict[str, View] = field(default_factory=dict, repr=False)
    _folded_title: str | None = field(default=None, repr=False)
    _builders: dict[str, ViewBuilder] = field(default_factory=lambda: _BUILDERS, repr=False)

    def __post_init__(self) -> None:
        if self.original_length is None:
            self.original_length = len(self.text)

    @property
    def truncated(self) -> bool:
        """True when the text was cut to the size limit."""
        return (self.original_length or 0) > len(self.text)

    def view(self, name: str) -> View:
        """Return the named normalised view, building it on first use.

        Raises:
            KeyError: for an unknown view name.
        """
        v = self._views.get(name)
        if v is None:
            v = self._builders[name](self)
            self._views[name] = v
        return v

    def folded_title(self) -> str:
        """The title as the ``simplified`` view folds text (NFKC, then t2s), or "".

        Stripped and cut to :data:`MAX_FOLDED_TITLE` characters first; folded
        once per document, so every check compares the same string.
        """
        if self._folded_title is None:
            t = (self.title or "").strip()[:MAX_FOLDED_TITLE]
            try:
                self._folded_title = fold_simplified(t) if t else ""
            except Exception:  # noqa: BLE001 - a title is optional; use it unfolded
                self._folded_title = t
        return self._folded_title

    def remaining(self) -> float:
        """Seconds left in this document's time budget (inf without one)."""
        if self.deadline is None:
            return float("inf")
        return self.deadline - time.monotonic()

    def expired(self) -> bool:
        """True when the time budget has run out."""
        return self.deadline is not None and time.monotonic() >= self.deadline
