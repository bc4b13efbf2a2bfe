"""The dedup view: text folded for near-duplicate comparison, and its shingles.

Reposts are edited lightly: Traditional characters swapped for Simplified,
fullwidth letters, punctuation and spacing changed, dates and numbers
updated, flattened pinyin ruby ("協(xié)商") pushed into the text. None of that
should make two copies of one article look different, so every text is
folded the same way before it is shingled:

1. flattened pinyin annotations after a Han character are dropped
   (``協(xié)`` → ``協``, ``花(hua)`` → ``花``);
2. NFC, then per-character NFKC (fullwidth → ASCII, compatibility forms);
3. Traditional → Simplified (OpenCC ``t2s``, character by character);
4. lower case; every decimal digit becomes ``0``;
5. everything that is not a letter, a number or a combining mark is
   removed (punctuation, symbols, whitespace, invisible characters).

Steps 2–5 are one ``str.translate`` through a table built lazily on first
use (about 0.1 s, once per process), so folding costs a few tens of
microseconds for a 2,000-character article instead of a Python loop; NFC is
only applied when the text is not already NFC (``unicodedata.is_normalized``
is a fast C check). The result is the ``dedup`` view (``doc.view("dedup")``,
with offsets mapped back to the original text) and the input of the
character k-gram shingles (k = 5 by default).

:data:`DEDUP_VIEW_VERSION` is part of every index's identity: change any
step above and bump it, and indexes built with the old folding refuse to
open instead of silently comparing apples with pears.
"""

from __future__ import annotations

import threading
import unicodedata
from array import array
from typing import TYPE_CHECKING

import regex

from ..views import View

if TYPE_CHECKING:  # pragma: no cover
    from ..document import Document

#: Version of the folding above; part of the index identity.
DEDUP_VIEW_VERSION = 1

#: Default shingle length (characters).
DEFAULT_K = 5

#: Normalised texts shorter than this are compared by exact hash and
#: rapidfuzz similarity instead of MinHash (too few shingles to estimate).
MIN_SHINGLE_CHARS = 60

# Pinyin letters: ASCII plus the toned vowels and ü forms used in ruby text.
_PINYIN_LETTERS = "a-zA-Z\u0101\u00e1\u01ce\u00e0\u0113\u00e9\u011b\u00e8\u012b\u00ed\u01d0\u00ec" \
    "\u014d\u00f3\u01d2\u00f2\u016b\u00fa\u01d4\u00f9\u01d6\u01d8\u01da\u01dc\u00fc\u0144\u0148\u01f9\u0251"

_PINYIN_RE = None
_TABLE: dict[int, str] | None = None
_LOCK = threading.Lock()

# Ranges outside the Basic Multilingual Plane whose characters fold to
# something else (math alphanumerics → ASCII, enclosed forms, emoji and
# tags → removed, CJK compatibility supplement → unified ideographs).
_EXTRA_RANGES = ((0x1D400, 0x1D800), (0x1F000, 0x1FB00), (0x2F800, 0x2FA20), (0xE0000, 0xE1000))


def _pinyin_re() -> regex.Pattern[str]:
    global _PINYIN_RE
    if _PINYIN_RE is None:
        _PINYIN_RE = regex.compile(
            r"(?<=\p{Han})"                       # only right after a Han character
            r"[(\N{FULLWIDTH LEFT PARENTHESIS}]"  # ASCII or fullwidth opening paren
            rf"\s?[{_PINYIN_LETTERS}]{{1,7}}[1-5]?\s?"  # one syllable, optional tone digit
            r"[)\N{FULLWIDTH RIGHT PARENTHESIS}]"
        )
    return _PINYIN_RE


def _fold_char(ch: str, t2s) -> str:  # noqa: ANN001 - OpenCC converter
    out = []
    for c in unicodedata.normalize("NFKC", ch):
        if "\u2e80" <= c:
            s = t2s(c)
            if len(s) == 1:
                c = s
        cat = unicodedata.category(c)
        if cat == "Nd":
            out.append("0")
        elif cat[0] in "LNM":
            low = c.lower()
            out.append(low if len(low) == 1 else c)
    return "".join(out)


def _table() -> dict[int, str]:
    """The folding table (steps 2–5), built once per process."""
    global _TABLE
    if _TABLE is None:
        with _LOCK:
            if _TABLE is None:
                import opencc

                t2s = opencc.OpenCC("t2s").convert
                table: dict[int, str] = {}
                cps = [c for c in range(0x10000) if not 0xD800 <= c < 0xE000]
                for lo, hi in _EXTRA_RANGES:
                    cps.extend(range(lo, hi))
                for cp in cps:
                    ch = chr(cp)
                    table[cp] = _fold_char(ch, t2s)
                for cp in range(0xD800, 0xE000):  # lone surrogates cannot be encoded
                    table[cp] = ""
                _TABLE = table
    return _TABLE


def normalize(text: str) -> str:
    """Fold ``text`` for near-duplicate comparison (the ``dedup`` view's text).

    Args:
        text: Any text; non-str input is not accepted.

    Returns:
        The folded text: letters, numbers and marks only, Simplified, lower
        case, digits as ``0``.

    Examples:
        >>> normalize("協(xié)商 發展，ＱＱ：12345！")
        '协商发展qq00000'
    """
    if not text:
        return ""
    if "(" in text or "\uff08" in text:
        text = _pinyin_re().sub("", text)
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text.translate(_table())


def shingles(norm: str, k: int = DEFAULT_K) -> list[str]:
    """Character ``k``-grams of a normalised text (the set MinHash sketches).

    A text shorter than ``k`` yields itself as its only shingle, and an
    empty text yields none.

    Examples:
        >>> shingles("abcdef", 5)
        ['abcde', 'bcdef']
        >>> shingles("abc", 5)
        ['abc']
    """
    if not norm:
        return []
    if len(norm) < k:
        return [norm]
    return [norm[i:i + k] for i in range(len(norm) - k + 1)]


def build_dedup_view(doc: Document) -> View:
    """The ``dedup`` view of a document, with offsets mapped to ``doc.text``.

    Its text equals :func:`normalize` of ``doc.text`` whenever the text is
    already NFC (almost all web text); the offsets let a plugin point at the
    original span of a shared passage.
    """
    text = doc.text
    if not text:
        return View.identity("dedup", text)
    drop = bytearray(len(text))
    if "(" in text or "\uff08" in text:
        for m in _pinyin_re().finditer(text):
            for i in range(m.start(), m.end()):
                drop[i] = 1
    table = _table()
    out: list[str] = []
    pos = array("i")
    removed = 0
    for i, ch in enumerate(text):
        rep = "" if drop[i] else table.get(ord(ch), ch)
        if not rep:
            removed += 1
            continue
        out.append(rep)
        for _ in range(len(rep)):
            pos.append(i)
    pos.append(len(text))
    return View("dedup", "".join(out), text, pos, removed)
