"""Normalised views of a document's text, with offsets mapped back.

Checks rarely want the raw text: a rule for "小编导语" must also match
"小編導語", fullwidth "ＱＱ", or a phrase with zero-width spaces pushed into it.
Each *view* is a transformed copy of ``Document.text`` plus a position map,
so a match found in a view is reported at its offsets in the original text.

Views are built lazily, once per document, and shared by every check
(``doc.view("simplified")``). Builtin views:

``raw``
    The text itself.
``nfkc``
    Unicode NFKC applied per character (fullwidth → ASCII, "……" → "......",
    compatibility ideographs folded; no composition across characters),
    with invisible characters (zero-width, bidi controls, soft hyphen, BOM)
    removed. The number removed is ``View.removed``.
``simplified``
    ``nfkc`` folded from Traditional to Simplified Chinese with OpenCC
    (``t2s``), for matching only.
``lower``
    ``nfkc`` lower-cased (ASCII case folding for URL/keyword rules).

Plugins add views with :func:`register_view` (e.g. the ``contact`` view that
undoes digit obfuscation). A builder receives the document and returns a
:class:`View`; builders may derive from other views.

Design: a view stores ``pos[i]`` = original offset of view character ``i``
(plus a sentinel). When the transformation is the identity or preserves
length one-to-one, the map is shared or omitted, so the common case (clean
Simplified text with no fullwidth characters) costs one ``str`` comparison.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from .verdict import Evidence

if TYPE_CHECKING:  # pragma: no cover
    from .document import Document

#: Characters removed by the ``nfkc`` view: zero-width, joiners, bidi
#: controls, soft hyphen, word joiner, BOM, and invisible separators.
INVISIBLE_CHARS = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e"
    "\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064"
    "\u2066\u2067\u2068\u2069\u206a\u206b\u206c\u206d\u206e\u206f"
    "\u3164\ufeff\uffa0"
)


class View:
    """A transformed text with a map back to the original offsets.

    Args:
        name: The view's name.
        text: The transformed text.
        source: The original text (``Document.text``).
        pos: ``pos[i]`` is the original offset of ``text[i]``; length
            ``len(text) + 1`` (last item: end sentinel). None means identity.
        removed: How many characters the transformation dropped.

    Examples:
        >>> v = View.build("demo", "ａb\u200bc", lambda ch: "" if ch == "\u200b" else ch.upper())
        >>> v.text
        'ＡBC'
        >>> e = v.evidence(1, 3)
        >>> (e.start, e.end, e.text == "b\u200bc")
        (1, 4, True)
    """

    __slots__ = ("name", "text", "source", "pos", "removed")

    def __init__(
        self, name: str, text: str, source: str, pos: array | None = None, removed: int = 0
    ) -> None:
        self.name = name
        self.text = text
        self.source = source
        self.pos = pos
        self.removed = removed

    def __repr__(self) -> str:
        return f"View({self.name!r}, len={len(self.text)}, identity={self.pos is None})"

    # -- construction -------------------------------------------------
    @classmethod
    def identity(cls, name: str, source: str) -> View:
        """A view equal to the original text."""
        return cls(name, source, source, None)

    @classmethod
    def build(
        cls, name: str, base: str | View, fn: Callable[[str], str], *, source: str | None = None
    ) -> View:
        """Build a view by mapping every character of ``base`` through ``fn``.

        ``fn`` may return "" (drop), one character, or several (each maps to
        the same original offset). ``base`` may be another view, whose map is
        composed.
        """
        if isinstance(base, View):
            base_text, base_pos, src = base.text, base.pos, base.source
        else:
            base_text, base_pos, src = base, None, base if source is None else source
        out: list[str] = []
        pos = array("i")
        removed = 0
        changed = False
        for i, ch in enumerate(base_text):
            rep = fn(ch)
            if rep != ch:
                changed = True
            if not rep:
                removed += 1
                continue
            o = base_pos[i] if base_pos is not None else i
            out.append(rep)
            for _ in range(len(rep)):
                pos.append(o)
        if not changed:
            return cls(name, base_text, src, base_pos, 0)
        pos.append(len(src))
        return cls(name, "".join(out), src, pos, removed)

    @classmethod
    def same_length(cls, name: str, base: View, text: str) -> View:
        """A view whose text replaces ``base.text`` one character for one."""
        if len(text) != len(base.text):  # pragma: no cover - guarded by callers
            raise ValueError("same_length view must keep the length")
        return cls(name, text, base.source, base.pos, base.removed)

    # -- mapping --------------------------------------------------------
    def orig(self, i: int) -> int:
        """Original offset of view offset ``i`` (``i == len(text)`` allowed)."""
        if self.pos is None:
            return i
        if i >= len(self.text):
            return self.pos[-1] if len(self.text) == 0 else self.pos[len(self.text) - 1] + 1
        return self.pos[i]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``(start, end)`` covering view characters ``start:end``."""
        if self.pos is None:
            return start, end
        if end <= start:
            s = self.orig(start)
            return s, s
        s = self.pos[start]
        e = self.pos[end - 1] + 1
        # A view character born of several original characters (never in
        # builtin views, possible in plugin views) extends to the next one.
        if end < len(self.text):
            e = max(e, min(self.pos[end], e))
        return s, e

    def evidence(self, start: int, end: int) -> Evidence:
        """Evidence in the original text for view characters ``start:end``."""
        s, e = self.span(start, end)
        return Evidence(s, e, self.source[s:e])


# ---------------------------------------------------------------------------
# builtin view builders


@lru_cache(maxsize=65536)
def _nfkc_char(ch: str) -> str:
    if ch in INVISIBLE_CHARS:
        return ""
    return unicodedata.normalize("NFKC", ch)


@lru_cache(maxsize=1)
def _nfkc_tables() -> tuple[dict[int, str], re.Pattern[str]]:
    """A ``str.translate`` table of every one-to-one NFKC fold, and a pattern
    of the characters that do not fold one-to-one (expansions such as
    "……" → "......", "℃" → "°C", and the invisible characters, which drop).

    Computed once per process from unicodedata (about 0.1 s), on first use.
    Per-character NFKC means compositions across characters are not applied,
    which keeps every view character tied to one original character.
    """
    table: dict[int, str] = {}
    special: list[int] = []
    for cp in range(0x80, 0x30000):
        if 0xD800 <= cp < 0xE000:
            continue
        ch = chr(cp)
        if ch in INVISIBLE_CHARS:
            special.append(cp)
            continue
        norm = unicodedata.normalize("NFKC", ch)
        if len(norm) != 1:
            special.append(cp)
        elif norm != ch:
            table[cp] = norm
    ranges: list[tuple[int, int]] = []
    for cp in special:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    cls = "".join(f"\\U{a:08x}" if a == b else f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges)
    return table, re.compile(f"[{cls}]")


def build_nfkc(doc: Document) -> View:
    """NFKC per character, invisible characters dropped.

    Fast path: Chinese text needs NFKC mostly for fullwidth punctuation and
    digits, which fold one character to one (``str.translate``, C speed).
    Only the few characters that expand or drop need a per-character map;
    the stretches between them are translated whole and mapped by ranges.
    Text without such characters shares the identity map.
    """
    text = doc.text
    if text.isascii() or unicodedata.is_normalized("NFKC", text) and not _has_invisible(text):
        return View.identity("nfkc", text)
    table, special = _nfkc_tables()
    specials = [m.start() for m in special.finditer(text)]
    if not specials:
        return View("nfkc", text.translate(table), text, None, 0)
    out: list[str] = []
    pos = array("i")
    removed = 0
    prev = 0
    n = len(text)
    for i in (*specials, n):
        if i > prev:
            out.append(text[prev:i].translate(table))
            pos.extend(range(prev, i))
        if i < n:
            rep = _nfkc_char(text[i])
            if rep:
                out.append(rep)
                pos.extend([i] * len(rep))
            else:
                removed += 1
        prev = i + 1
    pos.append(n)
    return View("nfkc", "".join(out), text, pos, removed)


def _has_invisible(text: str) -> bool:
    return _invisible_re().search(text) is not None


@lru_cache(maxsize=1)
def _invisible_re() -> re.Pattern[str]:
    return re.compile("[" + "".join(sorted(INVISIBLE_CHARS)) + "]")


_OPENCC = None


def _t2s() -> Callable[[str], str]:
    global _OPENCC
    if _OPENCC is None:
        import opencc

        _OPENCC = opencc.OpenCC("t2s")
    return _OPENCC.convert


@lru_cache(maxsize=65536)
def _t2s_char(ch: str) -> str:
    out = _t2s()(ch)
    return out if len(out) == 1 else ch


def fold_simplified(text: str) -> str:
    """``text`` folded exactly as the ``simplified`` view folds a document (NFKC, then t2s).

    For short fields (titles, queries) that checks compare with the view;
    offsets are not kept. Plugins should use this rather than OpenCC.

    Examples:
        >>> fold_simplified("網站（首頁）")
        '网站(首页)'
    """
    from .document import Document

    return build_simplified(Document(text=text)).text if text else ""


def simplify_char(ch: str) -> str:
    """One character folded Traditional → Simplified (cached; multi-character results keep ``ch``)."""
    return _t2s_char(ch)


def nfkc_char(ch: str) -> str:
    """One character as the ``nfkc`` view folds it (invisible characters become "")."""
    return _nfkc_char(ch)


def build_simplified(doc: Document) -> View:
    """``nfkc`` folded Traditional → Simplified (OpenCC t2s), length-preserving."""
    base = doc.view("nfkc")
    text = base.text
    if text.isascii():
        return View.same_length("simplified", base, text)
    conv = _t2s()(text)
    if len(conv) != len(text):
        # Phrase conversion changed the length (rare): fall back to a
        # character-by-character fold so offsets stay exact.
        conv = "".join(_t2s_char(c) for c in text)
    return View.same_length("simplified", base, conv)


def build_lower(doc: Document) -> View:
    """``nfkc`` lower-cased where that keeps the length."""
    base = doc.view("nfkc")
    low = base.text.lower()
    if len(low) != len(base.text):
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in base.text)
    return View.same_length("lower", base, low)


ViewBuilder = Callable[["Document"], View]

_BUILDERS: dict[str, ViewBuilder] = {
    "raw": lambda doc: View.identity("raw", doc.text),
    "nfkc": build_nfkc,
    "simplified": build_simplified,
    "lower": build_lower,
}


def register_view(name: str, builder: ViewBuilder, *, replace: bool = False) -> None:
    """Register a view builder under ``name``.

    Args:
        name: View name used by rules (``target: contact``) and checks.
        builder: ``builder(doc) -> View``; may call ``doc.view(...)``.
        replace: Allow replacing an existing builder.

    Raises:
        ValueError: if ``name`` is taken and ``replace`` is false.
    """
    if name in _BUILDERS and not replace and _BUILDERS[name] is not builder:
        raise ValueError(f"view {name!r} is already registered")
    _BUILDERS[name] = builder


def view_builder(name: str) -> ViewBuilder:
    """Return the builder for ``name``; raises KeyError for unknown views."""
    return _BUILDERS[name]


def view_names() -> Iterable[str]:
    """Names of all registered views."""
    return tuple(_BUILDERS)
