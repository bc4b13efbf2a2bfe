"""Character classes and commonness tables, computed from the codecs on first use.

Mojibake is recognised by what it is made of: wrongly decoded bytes land on
characters a writer rarely uses (GBK extension and GB2312 level-2 Han, the
private-use area, kana and Greek inside Chinese text, Latin-1 letters).
"Common" is defined without a frequency list: the union of GB2312 level 1
(3,755 frequent Simplified characters, bytes ``B0A1``–``D7F9``) and Big5
level 1 (5,401 frequent Traditional characters, bytes ``A440``–``C67E``).
Both are enumerated from Python's codecs the first time they are needed and
cached, so importing this module costs nothing.

Examples:
    >>> is_common("今"), is_common("浠"), is_common("國")
    (True, False, True)
"""

from __future__ import annotations

from functools import cache

#: Han ideographs: CJK unified (+ extension A, compatibility, supplementary planes).
HAN_CLASS = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"


_HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F))


def count_han(text: str) -> int:
    """Number of Han ideographs in ``text`` (vectorised; no per-character Python work).

    Examples:
        >>> count_han("今天 is 晴天。")
        4
    """
    if text.isascii():
        return 0
    import numpy as np

    cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    n = 0
    for lo, hi in _HAN_RANGES:
        n += int(np.count_nonzero((cps >= lo) & (cps <= hi)))
    return n


def is_han(ch: str) -> bool:
    """True for a Han ideograph (the ranges of :data:`HAN_CLASS`).

    Examples:
        >>> is_han("字"), is_han("a"), is_han("，")
        (True, False, False)
    """
    o = ord(ch)
    return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF
            or 0x20000 <= o <= 0x3134F)


def _decode_table(codec: str, leads: range, trails: tuple[range, ...]) -> frozenset[str]:
    out = set()
    for lead in leads:
        for rng in trails:
            for trail in rng:
                try:
                    ch = bytes((lead, trail)).decode(codec)
                except UnicodeDecodeError:
                    continue
                if len(ch) == 1 and is_han(ch):
                    out.add(ch)
    return frozenset(out)


@cache
def gb2312_level1() -> frozenset[str]:
    """GB2312 level-1 Han (the 3,755 frequent Simplified characters)."""
    return _decode_table("gb2312", range(0xB0, 0xD8), (range(0xA1, 0xFF),))


@cache
def gb2312_all() -> frozenset[str]:
    """All GB2312 Han (levels 1 and 2, 6,763 characters)."""
    return _decode_table("gb2312", range(0xB0, 0xF8), (range(0xA1, 0xFF),))


@cache
def big5_level1() -> frozenset[str]:
    """Big5 level-1 Han (the 5,401 frequent Traditional characters)."""
    return _decode_table("big5", range(0xA4, 0xC7), (range(0x40, 0x7F), range(0xA1, 0xFF)))


@cache
def big5_all() -> frozenset[str]:
    """All Big5 Han (levels 1 and 2)."""
    return _decode_table("big5", range(0xA4, 0xFA), (range(0x40, 0x7F), range(0xA1, 0xFF)))


@cache
def common_han() -> frozenset[str]:
    """GB2312 level 1 ∪ Big5 level 1."""
    return gb2312_level1() | big5_level1()


def is_common(ch: str) -> bool:
    """True when ``ch`` is a common Han character (see module docstring)."""
    return ch in common_han()
