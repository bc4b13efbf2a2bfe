"""Reproducible damage injection, for measuring recall on real clean text.

Each injector takes a clean text, a span of it (usually a run of Han found by
:func:`han_runs`) and a seeded :class:`random.Random`, applies one kind of
damage the way real pipelines do, and returns an :class:`Injected` record:
the damaged text and where the damage now sits in it. The benchmark
(``benchmarks/bench_damage.py``) and the recall tests inject one damaged
span per article and count a detection when a hit of the expected group
has evidence overlapping that place.

Wrong decodings follow what software actually does: Python's codecs with
``errors="replace"`` for GBK, Big5 and Shift_JIS, and WHATWG windows-1252
(undefined bytes become the C1 control of the same value) for "Latin-1".

Examples:
    >>> import random
    >>> inj = inject("utf8_as_gbk", "我们今天去公园散步。", 2, 8, random.Random(0))
    >>> inj.text[inj.start:inj.end]
    '浠婂ぉ鍘诲叕鍥\ufffd鏁\ufffd'
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

import regex

_HAN_RUN = regex.compile(r"\p{Han}{6,}")


@dataclass(frozen=True)
class Injected:
    """One injected damage.

    Attributes:
        family: The injector's name.
        text: The damaged text.
        start: Offset of the damage in ``text``.
        end: Offset one past it.
        original: The clean characters that were damaged.
    """

    family: str
    text: str
    start: int
    end: int
    original: str


def han_runs(text: str, min_len: int = 6) -> list[tuple[int, int]]:
    """``(start, end)`` of every run of at least ``min_len`` Han characters."""
    return [(m.start(), m.end()) for m in _HAN_RUN.finditer(text) if m.end() - m.start() >= min_len]


def pick_span(text: str, rng: random.Random, min_han: int = 6, max_han: int = 16
              ) -> tuple[int, int] | None:
    """A random span of ``min_han``..``max_han`` consecutive Han, or None."""
    runs = han_runs(text, min_han)
    if not runs:
        return None
    a, b = runs[rng.randrange(len(runs))]
    n = rng.randint(min_han, min(max_han, b - a))
    s = rng.randint(a, b - n)
    return s, s + n


def whatwg_cp1252(data: bytes) -> str:
    """Decode like a browser's windows-1252 (undefined bytes → C1 controls)."""
    out = []
    for b in data:
        try:
            out.append(bytes((b,)).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(b))
    return "".join(out)


def _opencc(config: str) -> Callable[[str], str]:
    import opencc

    return opencc.OpenCC(config).convert


_WRONG: dict[str, Callable[[str], str]] = {
    "utf8_as_gbk": lambda s: s.encode("utf-8").decode("gbk", "replace"),
    "gbk_as_latin1": lambda s: whatwg_cp1252(s.encode("gbk", "replace")),
    "gbk_utf8_gbk": lambda s: s.encode("gbk", "replace").decode("utf-8", "replace")
    .encode("utf-8").decode("gbk", "replace"),
    "utf8_as_latin1": lambda s: whatwg_cp1252(s.encode("utf-8")),
    "gbk_as_big5": lambda s: s.encode("gbk", "replace").decode("cp950", "replace"),
    "utf8_as_sjis": lambda s: s.encode("utf-8").decode("cp932", "replace"),
}


def _replace(text: str, start: int, end: int, new: str, family: str) -> Injected:
    return Injected(family, text[:start] + new + text[end:], start, start + len(new), text[start:end])


def inject(family: str, text: str, start: int, end: int, rng: random.Random) -> Injected:
    """Damage ``text[start:end]`` with ``family``.

    Word deletion by a keyword filter is not a span family: it removes every
    occurrence of a word, see :func:`filter_word`.

    Families: ``utf8_as_gbk``, ``gbk_as_latin1``, ``gbk_utf8_gbk`` (GBK →
    UTF-8 with replacement → GBK: 锟斤拷), ``utf8_as_latin1``,
    ``big5_as_gbk``, ``gbk_as_big5``, ``utf8_as_sjis``, ``gbk_desync`` (one
    byte lost; the damage runs to the next ASCII character), ``fill_marker``
    (烫烫烫), ``qmark`` (converted to Traditional, then encoded to GB2312
    with "?"), ``ruby`` / ``ruby_untoned`` / ``ruby_fullwidth`` / ``ruby_glued``
    / ``ruby_traditional`` (pinyin after every character of the span, at most
    8), ``script_mix`` (the sentences around the span half converted to
    Traditional), ``invisible`` (zero-width characters inside the span).

    Raises:
        ValueError: for an unknown family.
    """
    seg = text[start:end]
    if family in _WRONG:
        return _replace(text, start, end, _WRONG[family](seg), family)
    if family == "big5_as_gbk":
        trad = _opencc("s2tw")(seg)
        return _replace(text, start, end, trad.encode("cp950", "replace").decode("gbk", "replace"),
                        family)
    if family == "gbk_desync":
        data = text.encode("gb18030")
        b0 = len(text[:start].encode("gb18030"))
        broken = (data[:b0] + data[b0 + 1:]).decode("gb18030", "replace")
        # the damage ends where an ASCII byte resynchronises the decoder
        stop = start
        while stop < len(broken) and not broken[stop].isascii():
            stop += 1
        return Injected(family, broken, start, stop, seg)
    if family == "fill_marker":
        k = rng.randint(3, 8)
        return _replace(text, start, end, rng.choice("烫屯") * k, family)
    if family == "qmark":
        trad = _opencc("s2t")(seg)
        return _replace(text, start, end, trad.encode("gb2312", "replace").decode("gb2312"), family)
    if family.startswith("ruby"):
        return _ruby(family, text, start, min(end, start + 8))
    if family == "script_mix":
        return _script_mix(text, start, end, rng)
    if family == "invisible":
        chars = list(seg)
        for _ in range(rng.randint(1, 3)):
            i = rng.randint(1, len(chars) - 1)
            chars.insert(i, rng.choice("\u200b\u200c\u200d\u2060\u202e"))
        return _replace(text, start, end, "".join(chars), family)
    raise ValueError(f"unknown damage family {family!r}")


def _ruby(family: str, text: str, start: int, end: int) -> Injected:
    from pypinyin import Style, pinyin

    seg = text[start:end]
    if family == "ruby_traditional":
        seg = _opencc("s2t")(seg)
    style = Style.NORMAL if family == "ruby_untoned" else Style.TONE
    readings = [r[0] for r in pinyin(seg, style=style, heteronym=False)]
    out = []
    for ch, py in zip(seg, readings, strict=False):
        if family == "ruby_glued":
            out.append(f"{ch}{py}")
        elif family == "ruby_fullwidth":
            out.append(f"{ch}\uff08{py}\uff09")
        else:
            out.append(f"{ch}({py})")
    return _replace(text, start, end, "".join(out), family)


def _script_mix(text: str, start: int, end: int, rng: random.Random) -> Injected:
    """Convert about half of the characters of two sentences to Traditional."""
    conv = _opencc("s2t")
    a = max(text.rfind(p, 0, start) for p in "。！？\n") + 1
    stops = [i for i in (text.find(p, end) for p in "。！？\n") if i >= 0]
    b = min(stops) if stops else len(text)
    nxt = [i for i in (text.find(p, b + 1) for p in "。！？\n") if i >= 0]
    b = min(nxt) if nxt else len(text)
    seg = text[a:b]
    out = "".join(conv(c) if rng.random() < 0.5 else c for c in seg)
    return Injected("script_mix", text[:a] + out + text[b:], a, b, seg)


@dataclass(frozen=True)
class Filtered:
    """The result of :func:`filter_word`.

    Attributes:
        text: The text with every occurrence of ``word`` removed.
        word: The deleted word.
        places: Offsets in ``text`` where an occurrence was removed.
    """

    text: str
    word: str
    places: tuple[int, ...]


#: Characters that make an n-gram a poor stand-in for a filtered term (a
#: keyword filter deletes names and terms, not function words).
_FUNCTION_CHARS = frozenset("的了是在和与及或也都就而着过把被对于为以之其所这那个有不我你他她们")


def filter_word(text: str, rng: random.Random, min_len: int = 2, max_len: int = 4) -> Filtered | None:
    """Delete every occurrence of one word, as a keyword filter does.

    The word is drawn from the dictionary words (pypinyin's phrase list) of
    ``min_len``..``max_len`` Han that occur in ``text`` and contain no
    function character, preferring words that occur more than once (a
    filtered name or term usually recurs). Returns None when no word fits.

    Examples:
        >>> f = filter_word("我们在北京开会。北京的天气很好。", random.Random(0))
        >>> f.word, f.text, f.places
        ('北京', '我们在开会。的天气很好。', (3, 6))
    """
    from pypinyin.phrases_dict import phrases_dict

    found: dict[str, int] = {}
    for a, b in han_runs(text, min_len):
        for n in range(min_len, max_len + 1):
            for i in range(a, b - n + 1):
                w = text[i:i + n]
                if w in phrases_dict and not _FUNCTION_CHARS.intersection(w):
                    found[w] = found.get(w, 0) + 1
    if not found:
        return None
    recurring = sorted(w for w, c in found.items() if c > 1)
    word = rng.choice(recurring or sorted(found))
    parts = text.split(word)
    places, pos = [], 0
    for part in parts[:-1]:
        pos += len(part)
        places.append(pos)
    return Filtered("".join(parts), word, tuple(places))
