"""Mojibake: find spans decoded with the wrong codec and repair them by a round trip.

Design: *candidates by commonness, confirmation by repair.*

1. Every character is classified once with a lookup table (numpy, built on
   first use from :mod:`detector.damage.charsets`): common Han, uncommon
   Han, Latin-1, private use, kana, Greek/Cyrillic, U+FFFD. Clean text is
   almost all common Han and ASCII, so the fast path is one vectorised pass
   that finds no cluster of suspect characters and returns.
2. Suspect characters close to each other form a *window*. Runs of
   Latin-1 letters form windows for the Latin families.
3. Each window is re-encoded with the codec that (by hypothesis) wrongly
   decoded it and the bytes are decoded with the codec they were written
   in. A span is confirmed only when the repaired text is made of common
   characters of the expected script (at least ``min_han`` Han, 85% or
   more in the target set) while the damaged span was not.

Families (``family`` → damaged codec, original codec):

=================  ==============  ============  ==============================
family             read as         written as    looks like
=================  ==============  ============  ==============================
``utf8_as_gbk``    GB18030         UTF-8         浠婂勾 (今年), 鍙戝竷
``gbk_as_latin1``  Latin-1/cp1252  GB18030       ½ñÄê (今年)
``utf8_as_latin1`` Latin-1/cp1252  UTF-8         ä»Šå¹´, CafÃ© (ftfy)
``big5_as_gbk``    GB18030         Big5 (cp950)  random Simplified-looking Han
``gbk_as_big5``    Big5 (cp950)    GB18030       random Traditional-looking Han
``utf8_as_sjis``   Shift_JIS       UTF-8         kanji and half-width kana
``gbk_desync``     GB18030, one    GB18030       private-use, kana and rare Han
                   byte off                      after a lost byte
=================  ==============  ============  ==============================

Repeated damage (UTF-8 read as GBK two or three times: 今年我们 → 濞寸姴锕ら崟…) is
undone layer by layer. Latin-script mojibake of non-Chinese text is
delegated to ftfy, counted only when ftfy's fix includes a decode step (a
mere C1-control fix is not mojibake).

Markers with no round trip are separate: 锟斤拷 / 烫烫烫 / 屯屯屯
(:func:`find_markers`) and U+FFFD runs.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import regex

from . import charsets

# -- character classes --------------------------------------------------------

HAN = 1
COMMON = 2
SUSPECT = 4
LATIN1 = 8
TRAD_ONLY = 16
SIMP_ONLY = 32
OTHER_SCRIPT = 64  # Greek, Cyrillic, Latin Extended: input for ftfy
GARBAGE = 128  # uncommon Han, private use, U+FFFD: what dense garbage is made of

_TABLE_SIZE = 0x30000


@cache
def class_table() -> np.ndarray:
    """The per-code-point class table (uint8 bit flags), built on first use."""
    t = np.zeros(_TABLE_SIZE + 1, dtype=np.uint8)
    for lo, hi in ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00), (0x20000, _TABLE_SIZE)):
        t[lo:hi] |= HAN | SUSPECT
    for ch in charsets.common_han():
        cp = ord(ch)
        t[cp] = (int(t[cp]) | HAN | COMMON) & ~SUSPECT & 0xFF
    t[0x80:0x100] |= LATIN1
    # Latin-1 signs that clean Chinese text uses (· × ° ± § ¥ © ® µ ¼ ½) are
    # Latin-1 but not suspect by themselves; letters and other signs are.
    for lo, hi in ((0x80, 0xA0), (0xC0, 0x100)):
        t[lo:hi] |= SUSPECT
    for cp in (0xD7, 0xF7):  # × ÷
        t[cp] &= np.uint8(0xFF & ~SUSPECT)
    for lo, hi in ((0x0100, 0x0250), (0x0370, 0x0530)):
        t[lo:hi] |= OTHER_SCRIPT
    # cp1252 / MacRoman signs that UTF-8 read as a Latin codepage produces
    # (ƒ ˆ ˜ † ‡ • ‰ ‹ › € ™ √ ≈ ◊ ﬁ ﬂ): also worth a look by ftfy.
    for cp in (0x0192, 0x02C6, 0x02DC, 0x2020, 0x2021, 0x2022, 0x2030, 0x2039, 0x203A,
               0x20AC, 0x2122, 0x221A, 0x2248, 0x25CA, 0xFB01, 0xFB02):
        t[cp] |= OTHER_SCRIPT
    for lo, hi in ((0x0370, 0x0530), (0x3040, 0x3100), (0xFF66, 0xFFA0), (0xE000, 0xF000),
                   (0xF100, 0xF900), (0xFFFD, 0xFFFE)):
        t[lo:hi] |= SUSPECT
    t[_TABLE_SIZE] = HAN | SUSPECT  # sentinel for planes 3+ (never common)
    han_suspect = (t & (HAN | SUSPECT)) == (HAN | SUSPECT)
    t[han_suspect] |= GARBAGE
    for lo, hi in ((0xE000, 0xF000), (0xF100, 0xF900), (0xFFFD, 0xFFFE)):
        t[lo:hi] |= GARBAGE
    return t


@cache
def script_table() -> np.ndarray:
    """Class table plus Simplified-only / Traditional-only bits, built on first use.

    A character is *Simplified-only* when OpenCC's ``s2t`` changes it and it
    is not in Big5 (so no Traditional writer types it: 后, 干 and 里 are in
    Big5 and stay neutral); *Traditional-only* when ``t2s`` changes it and it
    is not in GB2312 (著 and 乾 are in GB2312 and stay neutral).
    """
    import opencc

    t = class_table().copy()
    cps = list(range(0x4E00, 0xA000))
    block = "\n".join(chr(c) for c in cps)
    t2s = opencc.OpenCC("t2s").convert(block).split("\n")
    s2t = opencc.OpenCC("s2t").convert(block).split("\n")
    big5 = charsets.big5_all()
    gb = charsets.gb2312_all()
    if len(t2s) == len(cps) and len(s2t) == len(cps):
        for cp, a, b in zip(cps, t2s, s2t, strict=False):
            ch = chr(cp)
            if a != ch and b == ch and ch not in gb:
                t[cp] |= TRAD_ONLY
            elif b != ch and a == ch and ch not in big5:
                t[cp] |= SIMP_ONLY
    return t


def classify(text: str, table: np.ndarray | None = None) -> np.ndarray:
    """Class flags of every character of ``text`` (one uint8 each).

    Examples:
        >>> [int(x) for x in classify("今浠a")]  # HAN|COMMON, HAN|SUSPECT|GARBAGE, nothing
        [3, 133, 0]
    """
    if table is None:
        table = class_table()
    if not text:
        return np.zeros(0, dtype=np.uint8)
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return table[np.minimum(cps, _TABLE_SIZE)]


# -- decoding helpers -----------------------------------------------------------

_CJK_PUNCT = frozenset("，。、：；！？“”‘’《》（）【】「」『』—…·％　")


def _encode_chars(s: str, codec: str) -> tuple[bytes, list[int], frozenset[int]] | None:
    """Encode ``s`` char by char.

    Returns:
        The bytes, the byte offset of every char (+ end), and the offsets of
        the bytes standing for U+FFFD (bytes an earlier wrong decoding lost),
        or None when too much of ``s`` cannot be encoded.
    """
    out = bytearray()
    offs = []
    bad = 0
    lost = []
    for ch in s:
        offs.append(len(out))
        if ch == "\ufffd":
            # A byte the wrong decoder rejected: unknown, so a byte no codec
            # here accepts (GB18030 could encode U+FFFD itself, as garbage).
            lost.append(len(out))
            out += b"\xff"
            bad += 1
            continue
        try:
            out += ch.encode(codec)
        except UnicodeEncodeError:
            if codec == "latin-1":
                try:
                    out += ch.encode("cp1252")
                    continue
                except UnicodeEncodeError:
                    pass
            # U+FFFD and other unencodable characters: a byte no codec
            # here accepts, so decoding breaks the run at that point.
            out += b"\xff"
            bad += 1
    if bad > len(s) // 3:
        return None
    offs.append(len(out))
    return bytes(out), offs, frozenset(lost)


#: Marks a byte the hypothesised codec cannot decode (never part of a repair).
_INVALID = "\ufffe"


def _decode_positions(data: bytes, codec: str, start: int = 0,
                      lost: frozenset[int] = frozenset()) -> list[tuple[str, int, int]]:
    """Decode ``data[start:]`` one character at a time: ``(char, byte_start, byte_end)``.

    An invalid byte becomes U+FFFE (U+FFFD at the offsets in ``lost``, bytes
    lost earlier) and decoding resumes at the next byte.
    """
    out = []
    i = start
    n = len(data)
    while i < n:
        b = data[i]
        if b < 0x80:
            out.append((chr(b), i, i + 1))
            i += 1
            continue
        ok = False
        for k in range(2, 5):
            if i + k > n:
                break
            try:
                ch = data[i:i + k].decode(codec)
            except UnicodeDecodeError:
                continue
            if len(ch) == 1:
                out.append((ch, i, i + k))
                i += k
                ok = True
                break
        if not ok:
            # A byte the first wrong decoding already lost (``lost``, see
            # _encode_chars) becomes U+FFFD, which does not break a run; any
            # other undecodable byte refutes the hypothesis: U+FFFE breaks it.
            # Bytes just before a lost one are the start of the character
            # it belonged to (E4 B8 + lost 80 = 一): lost with it.
            gone = bool(lost) and any(j in lost for j in range(i, i + 4))
            out.append(("\ufffd" if gone else _INVALID, i, i + 1))
            i += 1
    return out


# -- families -------------------------------------------------------------------


@dataclass(frozen=True)
class Family:
    """One hypothesis about how a span was damaged.

    Attributes:
        name: Family id (``utf8_as_gbk`` …).
        read_as: Codec that wrongly decoded the bytes (re-encode with it).
        written_as: Codec the bytes were written in (decode with it).
        target: Characters the repaired text must be made of.
        shift: Byte offset to start decoding at (1 for a one-byte desync).
        windows: ``han`` (suspect Han clusters) or ``latin`` (Latin-1 runs).
    """

    name: str
    read_as: str
    written_as: str
    target: Callable[[], frozenset[str]]
    shift: int = 0
    windows: str = "han"


@cache
def families() -> tuple[Family, ...]:
    """The round-trip families, strongest evidence first."""
    return (
        Family("utf8_as_gbk", "gb18030", "utf-8", charsets.common_han),
        Family("gbk_desync", "gb18030", "gb18030", charsets.gb2312_level1, shift=1),
        Family("utf8_as_sjis", "cp932", "utf-8", charsets.common_han),
        Family("big5_as_gbk", "gb18030", "cp950", charsets.big5_level1),
        Family("gbk_as_big5", "cp950", "gb18030", charsets.gb2312_level1),
        Family("gbk_as_latin1", "latin-1", "gb18030", charsets.gb2312_level1, windows="latin"),
        Family("utf8_as_latin1", "latin-1", "utf-8", charsets.common_han, windows="latin"),
    )


@dataclass
class Repair:
    """A confirmed damaged span and its repair.

    Attributes:
        start: Offset of the first damaged character in the scanned text.
        end: Offset one past the last damaged character.
        family: How it was damaged (see the module docstring).
        repaired: The text recovered by the round trip.
        han: Han characters in ``repaired``.
        layers: How many times the damage was applied (repeated UTF-8→GBK).
    """

    start: int
    end: int
    family: str
    repaired: str
    han: int
    layers: int = 1
    extra: dict = field(default_factory=dict)


def _good(ch: str, target: frozenset[str]) -> int:
    """2: target Han, 1: neutral (ASCII, CJK punctuation, a lost byte), 0: breaks a run."""
    if ch in target:
        return 2
    if ch == "\ufffd":
        return 1  # a byte lost by the lossy decoding: the damage goes on
    if ch.isascii() and ch.isprintable() and ch not in "?":
        return 1
    if ch in _CJK_PUNCT or "\uff01" <= ch <= "\uff5e":
        return 1
    return 0


def _runs(decoded: list[tuple[str, int, int]], target: frozenset[str], min_han: int
          ) -> Iterator[tuple[int, int, str, int]]:
    """Maximal runs of good decoded characters: ``(byte_start, byte_end, text, han)``."""
    cur: list[tuple[str, int, int]] = []

    def flush() -> Iterator[tuple[int, int, str, int]]:
        # trim neutral characters at both ends
        a, b = 0, len(cur)
        while a < b and cur[a][0] not in target:
            a += 1
        while b > a and cur[b - 1][0] not in target:
            b -= 1
        seg = cur[a:b]
        han = sum(1 for c, _, _ in seg if c in target)
        if han >= min_han:
            yield seg[0][1], seg[-1][2], "".join(c for c, _, _ in seg), han

    for item in decoded:
        if _good(item[0], target):
            cur.append(item)
        else:
            if cur:
                yield from flush()
            cur = []
    if cur:
        yield from flush()


def _damaged_bad(cls: np.ndarray, damaged: str = "", target: frozenset[str] | None = None,
                 han: int = 0) -> bool:
    """The damaged span must itself look wrong.

    Either suspects make up a real share of it, or (for repairs of 4+ Han)
    it holds a suspect and fewer than half of its Han are in the repair's
    target set (Big5↔GBK damage is made of common characters of the other
    script).
    """
    n = int(np.count_nonzero(cls & (HAN | SUSPECT | LATIN1)))
    s = int(np.count_nonzero(cls & SUSPECT))
    if s >= 2 and s >= 0.25 * max(n, 1):
        return True
    if target is None or han < 4 or s < 1:
        return False
    dh = [c for c in damaged if charsets.is_han(c)]
    return bool(dh) and sum(c in target for c in dh) < 0.5 * len(dh)


#: Which cross-script family can be accepted without suspects, by document script.
_CROSS_SCRIPT = {"simplified": "gbk_as_big5", "traditional": "big5_as_gbk"}


def _outside_share(damaged: str, target: frozenset[str]) -> float:
    han = [c for c in damaged if charsets.is_han(c)]
    return sum(c not in target for c in han) / len(han) if han else 0.0


def _doc_script(cls: np.ndarray) -> str:
    """``simplified`` / ``traditional`` when the script bits clearly say so, else ""."""
    simp = int(np.count_nonzero(cls & SIMP_ONLY))
    trad = int(np.count_nonzero(cls & TRAD_ONLY))
    if simp >= 5 and trad * 3 <= simp:
        return "simplified"
    if trad >= 5 and simp * 3 <= trad:
        return "traditional"
    return ""


def _is_kana(ch: str) -> bool:
    return "\u3040" <= ch <= "\u30ff" or "\uff66" <= ch <= "\uff9f"


def _is_pua(ch: str) -> bool:
    return "\ue000" <= ch <= "\uf8ff" and not "\uf000" <= ch <= "\uf0ff"


def _family_shape(name: str, damaged: str, cls: np.ndarray) -> bool:
    """What the damage of a family must look like, beyond being suspect.

    * ``gbk_desync``: a lost byte pairs trail bytes with lead bytes, which
      lands on the symbol rows (kana, Greek, box drawing) and the user-defined
      area (private use) as well as on Han, so at least one non-Han suspect
      character must be present (a rare word like 魑魅 is not a desync), and
      Han must make up 30%+ of it (Greek or Russian text is not a desync).
    * ``big5_as_gbk`` / ``gbk_as_big5``: Big5's first rows read as GBK give
      kana *and* private-use characters; Japanese text is kana without
      private use, so a span that is mostly kana needs private-use characters
      too; and the damage is mostly Han (40% / 70% at least).
    """
    if name == "gbk_desync":
        kana = sum(1 for c in damaged if _is_kana(c))
        pua = any(_is_pua(c) or "\u0370" <= c <= "\u04ff" for c in damaged)
        high = [c for c in damaged if ord(c) >= 0x80]
        han = sum(1 for c in high if charsets.is_han(c))
        # Misaligned GBK lands mostly on Han (lead bytes B0-F7): Greek or
        # Russian text is not a desync, nor is Japanese (kana without
        # private use).
        if han < 0.3 * len(high):
            return False
        return pua or 0 < kana < 0.5 * len(damaged)
    if name in ("big5_as_gbk", "gbk_as_big5"):
        kana = sum(1 for c in damaged if _is_kana(c))
        if kana and kana >= 0.3 * len(damaged) and not any(_is_pua(c) for c in damaged):
            return False
        high = [c for c in damaged if ord(c) >= 0x80 and c not in _CJK_PUNCT]
        han = sum(1 for c in high if charsets.is_han(c))
        # Big5 read as GBK is about two thirds Han (the rest kana, Greek,
        # private use); GBK read as Big5 is almost all Han. Russian, Greek
        # or Japanese text re-encoded "repairs" to Han too, but is not
        # made of Han.
        share = 0.4 if name == "big5_as_gbk" else 0.7
        return han >= 2 and han >= share * len(high)
    return True


def _try_family(fam: Family, text: str, a: int, b: int, cls: np.ndarray, min_han: int,
                doc_script: str = "") -> list[Repair]:
    window = text[a:b]
    enc = _encode_chars(window, fam.read_as)
    if enc is None:
        return []
    data, offs, lost = enc
    target = fam.target()
    if fam.shift:
        # A lost byte misaligns everything after it until an ASCII byte
        # resynchronises the decoder, so ASCII inside the window undoes a
        # shift taken at the window's start: start one byte into each of the
        # first suspect characters instead.
        sus = [k for k in range(len(window)) if cls[a + k] & SUSPECT][:3]
        shifts = tuple(sorted({offs[k] + 1 for k in sus})) or (fam.shift,)
    elif fam.written_as == "utf-8":
        shifts = (0,)
    else:
        shifts = (0, 1)
    if fam.name in ("big5_as_gbk", "gbk_as_big5"):
        min_han = max(min_han, 4)
    out: list[Repair] = []
    pieces: list[Repair] = []
    for shift in shifts:
        decoded = _decode_positions(data, fam.written_as, shift, lost)
        for bs, be, rep, han in _runs(decoded, target, min_han):
            # byte range -> window character range
            cs = bisect.bisect_right(offs, bs, 0, len(window)) - 1
            ce = max(bisect.bisect_left(offs, be, 1, len(window) + 1), 1)
            if fam.shift:
                # Clean text next to the damage can decode to common
                # characters too: keep the span between suspects.
                while cs < ce and not cls[a + cs] & SUSPECT and (cls[a + cs] & COMMON or
                                                                  window[cs].isascii()):
                    cs += 1
                while ce > cs and not cls[a + ce - 1] & SUSPECT and (cls[a + ce - 1] & COMMON or
                                                                      window[ce - 1].isascii()):
                    ce -= 1
                lo, hi = offs[cs], offs[ce]
                rep = "".join(c for c, x, y in decoded if x >= lo and y <= hi)
                rep = rep.replace(_INVALID, "\ufffd").strip("\ufffd")
                han = sum(1 for c in rep if c in target)
                if han < min_han:
                    continue
            if ce <= cs:
                continue
            damaged = window[cs:ce]
            if damaged == rep:
                continue
            if fam.windows == "latin":
                # Latin-1 signs such as ¾ © ¶ « are not suspect in Chinese text
                # one by one, but a run of them that decodes to common Han is.
                high = sum(1 for c in damaged if ord(c) >= 0x80)
                if high < 4 or high < 0.7 * len(damaged.replace(" ", "")):
                    continue
            elif not _damaged_bad(cls[a + cs:a + ce], damaged, target, han):
                # Big5↔GBK damage is made of ordinary characters of the other
                # script, so nothing in it is "suspect". Accept it when the
                # document around it is written in the repair's script and the
                # repair is long (6+ Han), with most of the damaged Han
                # outside the repair's character set.
                if fam.name == _CROSS_SCRIPT.get(doc_script) and han >= 6 and \
                        _outside_share(damaged, target) >= 0.5:
                    pass
                elif fam.name == "utf8_as_gbk" and not fam.shift:
                    # A lossy decoding (U+FFFD inside) cuts the damage into
                    # short pieces that look innocent one by one; judge them
                    # together below.
                    pieces.append(Repair(a + cs, a + ce, fam.name, rep, han))
                    continue
                else:
                    continue
            if not _family_shape(fam.name, damaged, cls[a + cs:a + ce]):
                continue
            out.append(Repair(a + cs, a + ce, fam.name, rep, han))
    if pieces:
        out.extend(_joined_pieces(pieces, out, text, cls))
    return out


def _joined_pieces(pieces: list[Repair], accepted: list[Repair], text: str, cls: np.ndarray
                   ) -> list[Repair]:
    """Short UTF-8→GBK repairs separated by U+FFFD, accepted as one region.

    The pieces (and any accepted repair between them) must lie within 3
    characters of each other, recover 4+ Han together, and the whole region
    must look wrong (suspects, U+FFFD included, make up a quarter of it).
    """
    allr = sorted(pieces + accepted, key=lambda r: r.start)
    groups: list[list[Repair]] = []
    for r in allr:
        if groups and r.start - groups[-1][-1].end <= 3:
            groups[-1].append(r)
        else:
            groups.append([r])
    out = []
    for g in groups:
        new = [r for r in g if r in pieces]
        if not new or sum(r.han for r in g) < 4:
            continue
        lo, hi = g[0].start, g[-1].end
        if _damaged_bad(cls[lo:hi]) and "\ufffd" in text[lo:hi]:
            out.extend(new)
    return out


def _layers(window: str, max_layers: int = 3) -> tuple[str, int] | None:
    """Undo UTF-8→GBK damage applied several times to a whole window."""
    cur = window
    common = charsets.common_han()
    for k in range(1, max_layers + 1):
        try:
            nxt = cur.encode("gb18030").decode("utf-8", "replace")
        except UnicodeEncodeError:
            return None
        han = [c for c in nxt if charsets.is_han(c)]
        if len(han) >= 4 and sum(c in common for c in han) >= 0.85 * len(han):
            return nxt, k
        if not han or nxt.count("\ufffd") > len(nxt) // 3:
            return None
        cur = nxt
    return None


#: Line breaks and ASCII letters split windows (mojibake of CJK bytes is non-ASCII).
_BREAK = frozenset("\n\r")


#: Suspect characters at most this far apart form one damage window.
WINDOW_GAP = 4


def _windows(text: str, cls: np.ndarray, pad: int = 6, gap: int = WINDOW_GAP,
             max_windows: int = 400
             ) -> list[tuple[int, int]]:
    """Windows around clusters of 2+ suspect characters no more than ``gap`` apart."""
    idx = np.flatnonzero(cls & SUSPECT)
    if len(idx) < 2:
        return []
    out: list[tuple[int, int]] = []
    start = prev = int(idx[0])
    count = 1
    for i in idx[1:]:
        i = int(i)
        if i - prev <= gap:
            count += 1
        else:
            if count >= 2:
                out.append((start, prev + 1))
            start, count = i, 1
        prev = i
    if count >= 2:
        out.append((start, prev + 1))
    merged: list[tuple[int, int]] = []
    n = len(text)
    for s, e in out[:max_windows]:
        s2 = max(0, s - pad)
        e2 = min(n, e + pad)
        # do not cross a line break
        nl = text.rfind("\n", s2, s)
        if nl >= 0:
            s2 = nl + 1
        nl = text.find("\n", e, e2)
        if nl >= 0:
            e2 = nl
        if merged and s2 <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e2))
        else:
            merged.append((s2, e2))
    return merged


_LATIN_RUN = regex.compile(
    r"[\x80-\xff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014"
    r"\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]{2,}"
)


def _latin_windows(text: str) -> list[tuple[int, int]]:
    out = []
    for m in _LATIN_RUN.finditer(text, timeout=1.0):
        s = m.group()
        if sum(1 for c in s if "\x80" <= c <= "\xff") >= 2:
            out.append((m.start(), m.end()))
    return out


#: Longest window examined at once: longer damage is cut into pieces, so
#: the cost stays linear on hostile input (one 200,000-character window).
MAX_WINDOW = 1000


def _pieces(work: list[tuple[tuple[int, int], list[Family]]]
            ) -> list[tuple[tuple[int, int], list[Family]]]:
    out = []
    for (a, b), fams in work:
        while b - a > MAX_WINDOW:
            out.append(((a, a + MAX_WINDOW), fams))
            a += MAX_WINDOW
        out.append(((a, b), fams))
    return out


def find_mojibake(text: str, cls: np.ndarray | None = None, *, min_han: int = 2,
                  max_chars: int = 8000, deadline: float | None = None,
                  enough_han: int = 60, on_deadline: Callable[[], None] | None = None) -> list[Repair]:
    """Confirmed mojibake spans in ``text``, repaired.

    Args:
        text: The text to scan.
        cls: Its :func:`classify` flags (computed when None).
        min_han: Fewest Han a repair must recover.
        max_chars: Most window characters examined (bounds the cost on
            hostile input; the rest of the document is skipped).
        deadline: A ``time.monotonic()`` value after which no further
            window is examined (the document's time budget).
        enough_han: Stop once repairs recovering this many Han were found
            (a page garbled throughout needs no more evidence: full weight
            needs a region of 6, and the hit lists a few spans).
        on_deadline: Called when ``deadline`` stopped the scan with windows
            left to examine (the caller reports a partial result).

    Returns:
        Non-overlapping repairs in text order.

    Examples:
        >>> damaged = "今年去公园".encode("utf-8").decode("gbk", "replace")
        >>> damaged
        '浠婂勾鍘诲叕鍥\ufffd'
        >>> [(r.family, r.repaired) for r in find_mojibake("我们" + damaged + "散步")]
        [('utf8_as_gbk', '今年去公')]
    """
    if cls is None:
        cls = classify(text)
    found: list[Repair] = []
    budget = max_chars
    han_fams = [f for f in families() if f.windows == "han"]
    lat_fams = [f for f in families() if f.windows == "latin"]
    doc_script = _doc_script(cls)
    # Latin-1 windows first: their round trips are cheap (a fraction of a
    # millisecond against several for a Han window tried with every Han
    # family), and a page decoded as Latin-1 is garbled throughout, so they
    # reach ``enough_han`` before the Han windows are needed.
    work = [(w, lat_fams) for w in _latin_windows(text)] if np.any(cls & LATIN1) else []
    work += [(w, han_fams) for w in _windows(text, cls)]
    recovered = 0
    for (a, b), fams in _pieces(work):
        if budget <= 0 or recovered >= enough_han:
            break
        if deadline is not None and time.monotonic() > deadline:
            if on_deadline is not None:
                on_deadline()
            break
        budget -= b - a
        best: list[Repair] = []
        best_score = 0
        for fam in fams:
            reps = _try_family(fam, text, a, b, cls, min_han, doc_script)
            score = sum(r.han for r in reps)
            if score > best_score:
                best, best_score = reps, score
        if fams is han_fams and best_score < 0.5 * (b - a):
            lay = _layers(text[a:b])
            if lay is not None and lay[1] > 1 and _damaged_bad(cls[a:b]):
                rep, k = lay
                han = sum(1 for c in rep if charsets.is_han(c))
                if han > best_score:
                    best = [Repair(a, b, "utf8_as_gbk", rep, han, layers=k)]
        found.extend(best)
        recovered += sum(r.han for r in best)
    found.sort(key=lambda r: r.start)
    out: list[Repair] = []
    for r in found:
        if out and r.start < out[-1].end:
            if r.han > out[-1].han:
                out[-1] = r
            continue
        out.append(r)
    return out


# -- markers without a round trip -----------------------------------------------

#: 锟斤拷 runs, and the broken form a lossy GBK→UTF-8→GBK round trip leaves
#: (锟 from the aligned EF BF bytes, then whatever the following bytes make:
#: 锟紸锟剿撅拷): two 锟 or a 锟 and a 拷 within five characters. 锟 is a rare
#: character (a sword's name), so a pair of them is not text.
_MARKER_RE = regex.compile(r"(?:锟斤拷)+|锟斤|锟[^\n锟]{0,4}(?:锟|拷)(?:[^\n]{0,4}(?:锟|拷))*|烫{3,}|屯{3,}")


def find_markers(text: str) -> list[tuple[int, int, str]]:
    """锟斤拷 / 烫烫烫 / 屯屯屯 runs: ``(start, end, text)``.

    锟斤拷 is U+FFFD's UTF-8 bytes read as GBK; 烫 and 屯 are the GBK reading
    of MSVC's 0xCC / 0xCD fill of uninitialised memory.

    Examples:
        >>> find_markers("标题锟斤拷锟斤拷正文")
        [(2, 8, '锟斤拷锟斤拷')]
    """
    if "锟" not in text and "烫烫" not in text and "屯屯" not in text:
        return []
    return [(m.start(), m.end(), m.group()) for m in _MARKER_RE.finditer(text, timeout=1.0)]


#: Longest line handed to ftfy (longer lines are cut).
MAX_LINE = 4000


def latin_mojibake(text: str, cls: np.ndarray, *, max_chars: int = 8000,
                   deadline: float | None = None,
                   on_deadline: Callable[[], None] | None = None) -> list[tuple[int, int, str]]:
    """Latin-script mojibake fixed by ftfy (UTF-8 read as cp1252, cp1251 …), per line.

    Only lines holding Latin-1 or other non-CJK letters are examined, and a
    line counts only when ftfy's explanation has a decode step (plain or
    "inconsistent UTF-8") and the fix is shorter than the line (decoding
    merges byte sequences; a same-length change is a C1-control fix).

    Args:
        text: The text.
        cls: Its :func:`classify` flags.
        max_chars: Most characters handed to ftfy (hostile input bound).
        deadline: A ``time.monotonic()`` value after which no further line
            is examined.
        on_deadline: Called when ``deadline`` stopped the scan early.

    Returns:
        ``(start, end, repaired)`` of the changed part of each line.
    """
    flagged = np.flatnonzero(cls & (LATIN1 | OTHER_SCRIPT))
    if not flagged.size:
        return []
    import ftfy
    from ftfy import badness

    # Only lines holding one of those characters are handed to ftfy (a
    # Chinese line of Han and CJK punctuation has nothing for it to fix).
    marks = flagged.tolist()
    out = []
    pos = 0
    budget = max_chars
    for line in text.split("\n"):
        start = pos
        pos += len(line) + 1
        k = bisect.bisect_left(marks, start)
        if k == len(marks) or marks[k] >= start + len(line):
            continue
        if budget <= 0:
            break
        if deadline is not None and time.monotonic() > deadline:
            if on_deadline is not None:
                on_deadline()
            break
        if len(line) > MAX_LINE:
            line = line[:MAX_LINE]  # a wall of text: its start is evidence enough
        budget -= len(line)
        if not badness.is_bad(line):
            continue
        fixed = ftfy.fix_encoding_and_explain(line)
        steps = fixed.explanation or ()
        decoded = any(step[0] == "decode" or step == ("apply", "decode_inconsistent_utf8")
                      for step in steps)
        # Decoding mojibake merges byte sequences: the fix is shorter. A
        # same-length change is a C1-control or punctuation fix, not mojibake.
        if not decoded or len(fixed.text) >= len(line):
            continue
        a = 0
        while a < min(len(line), len(fixed.text)) and line[a] == fixed.text[a]:
            a += 1
        b1, b2 = len(line), len(fixed.text)
        while b1 > a and b2 > a and line[b1 - 1] == fixed.text[b2 - 1]:
            b1 -= 1
            b2 -= 1
        out.append((start + a, start + max(b1, a + 1), fixed.text[a:b2]))
    return out


# -- dense garbage without a round trip ------------------------------------------

#: Window and threshold of :func:`garbage_runs`: 10 of 16 characters uncommon
#: Han, private use or U+FFFD. The clean corpora (Simplified and their
#: Traditional conversions) peak at 8, and that peak is the real desync row.
GARBAGE_WINDOW = 16
GARBAGE_MIN = 10


def add_span(out: list[tuple[int, int]], a: int, b: int) -> None:
    """Append ``(a, b)`` to ``out`` (sorted by start), merging it into the last span it touches."""
    if out and a <= out[-1][1]:
        out[-1] = (out[-1][0], max(out[-1][1], b))
    else:
        out.append((a, b))


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` sorted, with overlapping or touching ones merged.

    Examples:
        >>> merge_spans([(5, 8), (0, 2), (2, 3), (7, 9)])
        [(0, 3), (5, 9)]
    """
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        add_span(out, a, b)
    return out


def garbage_runs(cls: np.ndarray) -> list[tuple[int, int]]:
    """Regions so dense in uncommon Han / private use / U+FFFD that they cannot be text.

    Repeated or lossy mojibake (濞寸姴锕ら崟…, UTF-8 read as GBK
    several times with bytes lost on the way) has no clean round trip, but
    it is made almost only of characters a writer rarely uses.

    Returns:
        Merged ``(start, end)`` regions covering every dense window.
    """
    if cls.size < GARBAGE_WINDOW:
        return []
    g = ((cls & GARBAGE) != 0).astype(np.int32)
    if int(g.sum()) < GARBAGE_MIN:
        return []
    dense = np.convolve(g, np.ones(GARBAGE_WINDOW, dtype=np.int32), "valid") >= GARBAGE_MIN
    idx = np.flatnonzero(dense)
    out: list[tuple[int, int]] = []
    for i in idx:
        add_span(out, int(i), int(i) + GARBAGE_WINDOW)
    return out


#: Half-width of the window around a U+FFFD read by :func:`lossy_runs`.
LOSSY_HALF = 6
#: Suspect characters other than U+FFFD needed in that window.
LOSSY_MIN_OTHER = 3


def lossy_runs(text: str, cls: np.ndarray, ignore: frozenset[int] | set[int] = frozenset()
               ) -> list[tuple[int, int]]:
    """Short lossy mojibake: a U+FFFD among uncommon Han, kana or private-use characters.

    A wrong decoding with bytes lost on the way (GBK read as Big5 and back:
    ``廖\ufffd棆溶廔例\ufffd``, ``らセ\ufffdk┦\ufffd@妓``) has no clean round trip
    and is often too short for :func:`garbage_runs`' window. The U+FFFD
    is itself proof that a decoder failed, so a few suspect characters
    around it are enough: at least :data:`LOSSY_MIN_OTHER` within
    :data:`LOSSY_HALF` characters either side.

    Args:
        text: The text.
        cls: Its classes (:func:`classify`).
        ignore: Offsets of U+FFFD that stand for something else (the
            engine's stand-ins for NUL characters): neither anchors nor counted.

    Returns:
        Merged ``(start, end)`` regions, trimmed to their suspect characters.

    Examples:
        >>> t = "我们今天" + "浠婂\ufffd鍘诲叕鍥" + "去公园。"
        >>> lossy_runs(t, classify(t))
        [(4, 10)]
        >>> t2 = "我们今天\ufffd去公园散步。"
        >>> lossy_runs(t2, classify(t2))
        []
    """
    if "\ufffd" not in text:
        return []
    suspect = (cls & SUSPECT) != 0
    out: list[tuple[int, int]] = []
    i = text.find("\ufffd")
    n = len(text)
    while i >= 0 and len(out) < 1000:
        if i in ignore:
            i = text.find("\ufffd", i + 1)
            continue
        a, b = max(0, i - LOSSY_HALF), min(n, i + LOSSY_HALF + 1)
        idx = [k for k in range(a, b) if suspect[k] and k not in ignore]
        others = sum(1 for k in idx if text[k] != "\ufffd")
        if others >= LOSSY_MIN_OTHER:
            add_span(out, idx[0], idx[-1] + 1)
        i = text.find("\ufffd", i + 1)
    return out


# -- U+FFFD and "?" substitution ----------------------------------------------------

_FFFD_RUN = regex.compile("\ufffd+")


def fffd_runs(text: str) -> list[tuple[int, int]]:
    """Runs of U+FFFD: ``(start, end)``.

    Examples:
        >>> fffd_runs("ab\ufffd\ufffdc\ufffd")
        [(2, 4), (5, 6)]
    """
    if "\ufffd" not in text:
        return []
    return [(m.start(), m.end()) for m in _FFFD_RUN.finditer(text, timeout=1.0)]


#: Sentence-final particles after which "??" is a (doubled) question mark.
_QUESTION_END = "吗嗎呢么麼吧啊呀哪谁誰啥何"

_QMARK_RE = regex.compile(
    rf"(?<=[{charsets.HAN_CLASS}])(?<![{_QUESTION_END}])\?{{2,}}(?=[{charsets.HAN_CLASS}])"
)


def find_qmark_substitutions(text: str, cls: np.ndarray | None = None) -> list[tuple[int, int]]:
    """Runs of 2+ ASCII "?" between Han: characters replaced by "?" when encoding failed.

    A single "?" between Han is usually a question mark followed by the next
    sentence (many pages use ASCII punctuation), so only runs count, and not
    after a question particle ("真的吗??").

    Examples:
        >>> saved = "景區門票價格實惠".encode("gb2312", "replace").decode("gb2312")
        >>> saved
        '景??票?格?惠'
        >>> find_qmark_substitutions(saved + "。真的吗??是的")
        [(1, 3)]
    """
    if "??" not in text:
        return []
    return [(m.start(), m.end()) for m in _QMARK_RE.finditer(text, timeout=1.0)]


#: A clause holding one of these reads as a question ("是否", "有没有", "还是").
_QUESTION_WORDS = regex.compile(
    r"[吗嗎呢么麼吧啊呀哪谁誰啥何几幾否嘛难難怎什]|不是|没有|沒有|还是|還是|多少|(\p{Han})[不没沒]\1"
)
#: One ASCII "?" after Han and before Han or an opening quote/bracket.
_SINGLE_QMARK_RE = regex.compile(
    rf"(?<=[{charsets.HAN_CLASS}])(?<!\?)\?(?![?])(?=[{charsets.HAN_CLASS}《“「『（(])"
)
#: Spans collected at most (callers need a handful).
_SINGLE_QMARK_CAP = 64
#: Clause boundaries: where the clause before a "?" starts.
_CLAUSE_BREAK = frozenset("\n\r,，。.!！?？;；:：、()（）“”「」《》 \t\u3000")


def find_single_qmarks(text: str) -> list[tuple[int, int]]:
    """Single ASCII "?" inside Han text where no question is asked.

    A character the target encoding lacked (an ideographic space, a middle
    dot, a rare Han) becomes one "?" when a page is saved in a narrower
    charset: ``摘?要``, ``关键词?普通话?语言``. Many pages use ASCII
    punctuation, so a "?" between Han is usually a question mark; one counts
    here only when the clause before it (back to the previous punctuation,
    at most 24 characters) holds no question word (吗, 呢, 什么, 怎, 哪, 是否,
    还是, A不A …). Callers should still require several.

    Examples:
        >>> find_single_qmarks("摘?要?本文讨论审音。关键词?普通话?语言")
        [(1, 2), (3, 4), (14, 15), (18, 19)]
        >>> find_single_qmarks("你去不去?我去。这是什么?是书。真的吗?真的")
        []
    """
    if text.count("?") < 2:
        return []
    out = []
    for n, m in enumerate(_SINGLE_QMARK_RE.finditer(text, timeout=1.0)):
        if n >= 16 * _SINGLE_QMARK_CAP:
            break  # thousands of real questions: the answer is already clear
        i = m.start()
        j = i
        lo = max(0, i - 24)
        while j > lo and text[j - 1] not in _CLAUSE_BREAK:
            j -= 1
        if _QUESTION_WORDS.search(text, j, i, timeout=1.0):
            continue
        out.append((i, i + 1))
        if len(out) >= _SINGLE_QMARK_CAP:
            break  # enough to decide; hostile input full of "?" stops here
    return out
