"""Flattened pinyin ruby: ``協(xié)商``, ``花(hua)呗(bei)``, ``發fā展``, ``?wù)``.

When a page's ``<ruby>`` markup is lost, or a Simplified→Traditional
converter "helpfully" adds readings, the pinyin lands in the running text.
Farms produce it in bulk; teachers produce a little of it on purpose
(a 多音字 lesson: ``重(chóng)庆``). Legitimate text also has look-alikes:
``价值(value)``, ``第一场(a)``, ``甲(A)方``.

Every candidate is validated against the base character's readings from
pypinyin's dictionary (all heteronyms, toned and untoned), so an English
gloss or a list letter never counts. Forms recognised (on the ``nfkc``
view, where fullwidth parentheses and letters are already ASCII):

``paren``
    ``字(pīn)`` / ``字 (pin)`` / ``字(pin1)``.
``glued``
    ``字pīn`` with at least one tone mark (untoned glued letters are too
    common in mixed Chinese/English text to count).
``orphan``
    ``?wù)`` / ``�wù)``: the base character was lost to an encoding error;
    validated against the set of all pinyin syllables.

:func:`ruby_features` summarises a document: count, density per 100 Han,
share of Traditional-only bases, share untoned, share of bases with a single
reading, and the longest run of consecutively annotated characters. The
pinyin check decides from these features (a few polyphones at low density
is a lesson; every character annotated, or Traditional bases at density, is
damage).

Examples:
    >>> [a.pinyin for a in find_ruby("協(xié)商會議,价值(value)")]
    ['xié']
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

import regex

from .charsets import HAN_CLASS

#: Letters that occur in pinyin, with tone marks (NFC) and ü.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PY_LETTERS = "a-zü" + _TONED

_RUBY_RE = regex.compile(
    rf"""
    (?P<base>[{HAN_CLASS}])
    (?:
        # paren: 字(pīn) with optional space and optional numeric tone
        [ ]?\((?P<p>[{_PY_LETTERS}]{{1,6}}[1-5]?)\)
      |
        # glued: 字pīn, toned only, not followed by more Latin letters
        (?P<g>[a-zü]{{0,5}}[{_TONED}][{_PY_LETTERS}]{{0,5}})(?![A-Za-z{_TONED}ü])
    )
    |
    # orphan: the base was lost ("?wù)" or "�wù)")
    (?<![(A-Za-z])[?\N{{REPLACEMENT CHARACTER}}]{{1,3}}\(?(?P<o>[{_PY_LETTERS}]{{1,6}})\)
    """,
    regex.VERBOSE | regex.IGNORECASE,
)

#: Cheap pre-scans: a parenthesised run of pinyin letters (a literal "("
#: prefix, so the engine skips ahead), or any toned letter. Clean text rarely
#: has either, so most documents stop here. The toned scan is one character
#: class (linear, nothing to backtrack), for which the standard library's
#: engine is several times faster.
_PAREN_CAND_RE = regex.compile(rf"\([{_PY_LETTERS}]{{1,6}}[1-5]?\)", regex.IGNORECASE)
_TONED_CAND_RE = re.compile(f"[{_TONED}]")

_TONE_MARKS = "\u0304\u0301\u030c\u0300"


def _split_tone(c: str) -> tuple[str, str]:
    """``ǘ`` → (``ü``, ``2``); letters without a tone mark → (c, "")."""
    nfd = unicodedata.normalize("NFD", c)
    if nfd[-1] in _TONE_MARKS and len(nfd) > 1:
        return unicodedata.normalize("NFC", nfd[:-1]), str(_TONE_MARKS.index(nfd[-1]) + 1)
    return c, ""


_TONE_BASE = {c: _split_tone(c)[0] for c in _TONED}
_TONE_NUM = {c: _split_tone(c)[1] for c in _TONED}


_STRIP_TONES = str.maketrans(_TONE_BASE)


def _strip_tone(py: str) -> str:
    return py.translate(_STRIP_TONES)


def _tone3(py: str) -> str:
    """``xié`` → ``xie2`` (numeric tone), ``hua`` → ``hua``."""
    tone = ""
    out = []
    for c in py:
        if c in _TONE_NUM:
            tone = _TONE_NUM[c]
        out.append(_TONE_BASE.get(c, c))
    return "".join(out) + tone


@cache
def _dict() -> dict[int, str]:
    """pypinyin's character → readings table.

    Importing ``pypinyin.pinyin_dict`` runs the package's ``__init__``, which
    also loads its 2.5 MB phrase dictionary (unused here): reading the
    table's JSON file directly halves the start-up cost. Falls back to the
    import if the package lays its data out differently.
    """
    import importlib.util
    import json
    from pathlib import Path

    spec = importlib.util.find_spec("pypinyin")
    for where in (spec.submodule_search_locations or []) if spec is not None else []:
        path = Path(where) / "pinyin_dict.json"
        if path.is_file():
            raw = json.loads(path.read_text(encoding="utf-8"))
            return {int(k): v for k, v in raw.items()}
    from pypinyin.pinyin_dict import pinyin_dict

    return pinyin_dict


def readings(ch: str) -> tuple[str, ...]:
    """Toned readings of a Han character (all heteronyms), empty if unknown.

    Examples:
        >>> readings("重")
        ('zhòng', 'chóng', 'tóng')
    """
    raw = _dict().get(ord(ch))
    return tuple(raw.split(",")) if raw else ()


@cache
def syllables() -> frozenset[str]:
    """Every toned and untoned pinyin syllable in the dictionary."""
    out: set[str] = set()
    for raw in _dict().values():
        for r in raw.split(","):
            out.add(r)
            out.add(_strip_tone(r))
    return frozenset(out)


def _matches(base: str, py: str) -> bool:
    """True when ``py`` is one of ``base``'s readings (toned, numeric or untoned)."""
    rs = readings(base)
    if not rs:
        return False
    py = py.lower().replace("v", "ü")
    if py[-1].isdigit():
        return any(_tone3(r) == py or (_tone3(r) == py[:-1] and py[-1] == "5") for r in rs)
    if any(c in _TONE_BASE for c in py):
        return py in rs
    return any(_strip_tone(r) == py for r in rs)


@cache
def _t2s():  # noqa: ANN202 - opencc object
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def is_traditional_only(ch: str) -> bool:
    """True when OpenCC folds ``ch`` to a different Simplified character."""
    out = _t2s().convert(ch)
    return out != ch


@dataclass(frozen=True, slots=True)
class Annotation:
    """One validated flattened ruby annotation.

    Attributes:
        start: Offset of the base character (or of the lost-base marker).
        end: Offset one past the closing parenthesis or the pinyin.
        base: The base character ("" for an orphan).
        pinyin: The annotated reading as written.
        form: ``paren``, ``glued`` or ``orphan``.
    """

    start: int
    end: int
    base: str
    pinyin: str
    form: str

    @property
    def toned(self) -> bool:
        """True when the reading carries a tone mark or a tone number."""
        return any(c in _TONE_BASE for c in self.pinyin.lower()) or self.pinyin[-1:].isdigit()


def find_ruby(text: str) -> list[Annotation]:
    """Validated annotations in ``text`` (offsets index ``text``).

    Args:
        text: Text to scan (the ``nfkc`` view's text in the check).

    Returns:
        Annotations in order.
    """
    cands = [m.start() for m in _PAREN_CAND_RE.finditer(text, timeout=1.0)]
    cands += [m.start() for m in _TONED_CAND_RE.finditer(text)]
    if not cands:
        return []
    # Run the full pattern only around the candidates (base character, an
    # optional space, then up to 6 letters, a tone digit and parentheses).
    windows: list[list[int]] = []
    for p in sorted(cands):
        a, b = max(0, p - 8), p + 12
        if windows and a <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], b)
        else:
            windows.append([a, b])
    out: list[Annotation] = []
    seen: set[int] = set()
    matches = (m for a, b in windows
               for m in _RUBY_RE.finditer(text, a, min(b, len(text)), timeout=1.0))
    for m in matches:
        if m.start() in seen:
            continue
        seen.add(m.start())
        if m.group("o") is not None:
            py = m.group("o")
            if py.lower() in syllables() and any(c in _TONE_BASE for c in py.lower()):
                out.append(Annotation(m.start(), m.end(), "", py, "orphan"))
            continue
        base = m.group("base")
        py = m.group("p") or m.group("g")
        if py and _matches(base, py):
            out.append(Annotation(m.start(), m.end(), base, py, "paren" if m.group("p") else "glued"))
    return out


@dataclass(frozen=True, slots=True)
class RubyFeatures:
    """Per-document summary of flattened ruby.

    Attributes:
        count: Validated annotations (orphans included).
        han: Han characters in the text.
        density: Annotations per 100 Han.
        traditional_share: Share of bases that are Traditional-only characters.
        untoned_share: Share of annotations without tone.
        single_reading_share: Share of bases with exactly one reading
            (annotating those is never a 多音字 lesson).
        longest_run: Most consecutive Han characters all annotated.
        orphans: Annotations whose base was lost.
    """

    count: int
    han: int
    density: float
    traditional_share: float
    untoned_share: float
    single_reading_share: float
    longest_run: int
    orphans: int


def ruby_features(anns: list[Annotation], text: str, han: int) -> RubyFeatures:
    """Summarise ``anns`` found in ``text`` holding ``han`` Han characters."""
    n = len(anns)
    based = [a for a in anns if a.base]
    nb = max(len(based), 1)
    trad = sum(1 for a in based if is_traditional_only(a.base))
    single = sum(1 for a in based if len(readings(a.base)) == 1)
    untoned = sum(1 for a in anns if not a.toned)
    run = best = 0
    prev_end = -1
    for a in based:
        run = run + 1 if a.start == prev_end else 1
        best = max(best, run)
        prev_end = a.end
    return RubyFeatures(
        count=n,
        han=han,
        density=100.0 * n / max(han, 1),
        traditional_share=trad / nb if based else 0.0,
        untoned_share=untoned / n if n else 0.0,
        single_reading_share=single / nb if based else 0.0,
        longest_run=best,
        orphans=n - len(based),
    )
