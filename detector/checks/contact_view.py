"""The ``contact`` view: the text with digit obfuscation undone.

Contact spam hides phone, QQ and WeChat numbers from keyword filters by
writing the digits in other scripts or by pulling them apart:

* fullwidth digits ``１３９`` (folded by NFKC, like the ``nfkc`` view);
* circled, parenthesised and dingbat digits ``①❶➀⓵⑴⒈``;
* Chinese numerals ``一三九``, ``幺`` (= 1 when reading phone numbers),
  ``两``, financial numerals ``壹贰叁``, ``〇``/``零``;
* separators between digits ``139-3638-8766``, ``1 3 9 3 6``,
  ``139.3638.8766``.

The view folds all of these to ASCII digits and removes the separators, so
``一三九 三六三八 八七六六`` reads ``13936388766``, and maps every view
character back to its original offset (``View.evidence``), so a number found
in the view is reported at the exact span of the original text.

Design:

1. *Fold.* When the text holds none of the special digit characters (a
   one-class scan, linear by construction, so it uses the standard
   library's faster ``re``), the ``nfkc`` view is reused as is (no
   per-character work). Otherwise each
   character goes through a table of special digits first (``⑴`` becomes
   ``1``, not NFKC's ``(1)``) and NFKC second, keeping one offset per view
   character.
2. *Runs.* One regex (through :mod:`detector.limits`) finds runs of digits
   and numerals joined by short separator runs. Chinese numerals are turned
   into digits only inside runs of at least :data:`MIN_NUMERAL_RUN`
   digit-like characters, so ordinary prose (``一个``, ``三三两两``, the year
   ``一九八九``) is left alone; separators are dropped between digits.
   Runs shorter than five characters hold no contact number and are left
   as they are (``1.5``, ``2024``, ``3 5``).
   Outside the runs the text and its offsets are copied slice by slice.

Everything is linear in the text length; the regex has no nested
quantifiers, and a timeout leaves the rest of the text unchanged.
"""

from __future__ import annotations

import re
from array import array
from typing import TYPE_CHECKING

import regex

from detector import limits
from detector.views import View, nfkc_char

if TYPE_CHECKING:  # pragma: no cover
    from detector.document import Document

#: Shortest run of digit-like characters in which Chinese numerals become
#: digits (a QQ number has at least 5 digits; ``一九八九`` has 4).
MIN_NUMERAL_RUN = 5

#: Longest separator run dropped between two digits (``" - "`` is 3).
MAX_SEPARATOR_RUN = 3

#: Chinese numerals read as single digits in phone numbers.
CHINESE_DIGITS: dict[str, str] = {
    "〇": "0", "零": "0", "○": "0",
    "一": "1", "幺": "1", "壹": "1",
    "二": "2", "两": "2", "兩": "2", "贰": "2", "貳": "2",
    "三": "3", "叁": "3", "參": "3", "叄": "3",
    "四": "4", "肆": "4",
    "五": "5", "伍": "5",
    "六": "6", "陆": "6", "陸": "6",
    "七": "7", "柒": "7",
    "八": "8", "捌": "8",
    "九": "9", "玖": "9",
}

#: Separator characters dropped between digits (after NFKC, so the
#: ideographic space is already a space).
SEPARATORS = " \t\u00a0-._·/|\u4e28\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fb~\u301c\uff5e"
# (丨 U+4E28 is the stroke character used as a bar; fullwidth ／ and ｜ are
# folded to / and | by NFKC first.)


def _special_digit_table() -> dict[str, str]:
    """Circled, parenthesised, full-stop and dingbat digits → ASCII digits."""
    table: dict[str, str] = {}

    def add(start: int, first: int, count: int) -> None:
        for k in range(count):
            table[chr(start + k)] = str(first + k)

    add(0x2460, 1, 20)   # ① … ⑳ circled
    add(0x2474, 1, 20)   # ⑴ … ⒇ parenthesised
    add(0x2488, 1, 20)   # ⒈ … ⒛ with full stop
    add(0x24EB, 11, 10)  # ⓫ … ⓴ negative circled
    add(0x24F5, 1, 10)   # ⓵ … ⓾ double circled
    add(0x2776, 1, 10)   # ❶ … ❿ dingbat negative circled
    add(0x2780, 1, 10)   # ➀ … ➉ dingbat circled sans-serif
    add(0x278A, 1, 10)   # ➊ … ➓ dingbat negative circled sans-serif
    add(0x3280, 1, 10)   # ㊀ … ㊉ circled ideographs 一 … 十
    add(0x3220, 1, 10)   # ㈠ … ㈩ parenthesised ideographs
    table["\u24ea"] = "0"  # ⓪
    table["\u24ff"] = "0"  # ⓿
    table["\U0001f10b"] = "0"  # 🄋 dingbat circled sans-serif zero
    table["\U0001f10c"] = "0"  # 🄌 dingbat negative circled sans-serif zero
    # Keycap digits "1️⃣" are a digit, a variation selector and an enclosing
    # keycap: the two marks are dropped so the digits join up.
    table["\u20e3"] = ""
    table["\ufe0f"] = ""
    table["\ufe0e"] = ""
    return table


class _Tables:
    """Lazily built tables and patterns (no import-time work)."""

    special: dict[str, str] | None = None
    special_re: re.Pattern[str] | None = None
    run_re: regex.Pattern[str] | None = None

    @classmethod
    def load(cls) -> None:
        if cls.special is not None:
            return
        special = _special_digit_table()
        # One character class: a search cannot backtrack, so it is linear by
        # construction and needs no time limit; the standard library's re is
        # about 10 times faster than ``regex`` at this scan.
        cls.special_re = re.compile("[" + "".join(re.escape(c) for c in special) + "]")
        digit = "[0-9" + "".join(CHINESE_DIGITS) + "]"
        sep = "[" + regex.escape(SEPARATORS) + "]"
        # A run: digit-like characters joined by at most MAX_SEPARATOR_RUN
        # separators. The digit and separator classes are disjoint, so the
        # match is unambiguous and linear; ``+`` on a class is a fast loop.
        # Runs of one character are never rewritten, so the pattern only
        # matches runs of two or more (a failed match is cheaper than a
        # match object for every lone "一" or "3" of the prose).
        cls.run_re = regex.compile(
            f"(?:{digit}{{2,}}|{digit}(?={sep}{{1,{MAX_SEPARATOR_RUN}}}{digit}))"
            f"{digit}*(?:{sep}{{1,{MAX_SEPARATOR_RUN}}}{digit}+)*"
        )
        cls.special = special


def _fold_char(ch: str) -> str:
    """Fold one character: special digits first, then NFKC (invisibles dropped)."""
    d = _Tables.special.get(ch)  # type: ignore[union-attr]
    if d is not None:
        return d  # a digit, or "" for a keycap mark
    return nfkc_char(ch)


def _trim(run: str) -> tuple[int, int]:
    """Bounds of ``run`` without a lone Chinese numeral at either end.

    ``8766 一个`` must not swallow the ``一`` of ``一个``: a one-character
    segment of Chinese numerals cut off by a separator at the start or the
    end of a run is left out of it.
    """
    a, b = 0, len(run)
    if b >= 3 and run[-1] in CHINESE_DIGITS and run[-2] in SEPARATORS:
        b -= 1
        while b > a and run[b - 1] in SEPARATORS:
            b -= 1
    if b - a >= 3 and run[0] in CHINESE_DIGITS and run[1] in SEPARATORS:
        a += 1
        while a < b and run[a] in SEPARATORS:
            a += 1
    return a, b


#: Country codes written as their own group ("+86 139 …"); they do not count
#: towards the length of the number they precede.
_COUNTRY_CODES = frozenset({"86", "0086", "886", "00886", "852", "00852", "853", "00853"})

#: A number under this many digits always absorbs the next group; a longer
#: one only takes short groups (<= 4 digits) up to MAX_NUMBER digits, so two
#: numbers separated by a space ("13912345678 13812345678") stay two.
MIN_NUMBER = 7
MAX_NUMBER = 12


def _rewrite_run(run: str) -> tuple[list[int], str] | None:
    """Digits of one run and the run indexes they come from.

    Returns None when the run should stay as it is; otherwise the indexes
    of ``run`` kept in the view (in order) and the rewritten text.
    """
    if run.isascii() and run.isdigit():
        return None
    a, b = (0, len(run)) if run.isascii() else _trim(run)
    core = run[a:b]
    digit_like = sum(1 for c in core if ("0" <= c <= "9") or c in CHINESE_DIGITS)
    convert_cn = digit_like >= MIN_NUMERAL_RUN and any(c in CHINESE_DIGITS for c in core)
    # Groups of digit-like characters and the separator runs between them.
    groups: list[tuple[int, int]] = []
    i = a
    while i < b:
        j = i
        while j < b and run[j] not in SEPARATORS:
            j += 1
        if j > i:
            groups.append((i, j))
        while j < b and run[j] in SEPARATORS:
            j += 1
        i = j

    def digits(g: tuple[int, int]) -> bool:
        seg = run[g[0]:g[1]]
        if seg.isascii():
            return seg.isdigit()
        return all(("0" <= c <= "9") or (convert_cn and c in CHINESE_DIGITS) for c in seg)

    is_digits = [digits(g) for g in groups]
    # A "." joins digits only when every separator of the run is a single
    # "." (139.3638.8766, 1.3.9.3); among other separators it is a decimal
    # point ("13.5 14.2 15.6" is a table, not one number).
    seps = [run[groups[n][1]:groups[n + 1][0]] for n in range(len(groups) - 1)]
    # The separator after a leading country code ("+86 139.3638.8766") is
    # not part of the number's own formatting.
    lead_cc = len(groups) > 2 and run[groups[0][0]:groups[0][1]] in _COUNTRY_CODES
    dots_join = all(x == "." for x in (seps[1:] if lead_cc else seps))

    keep: list[int] = list(range(a))
    out: list[str] = [run[:a]]
    acc = 0
    last = len(groups) - 1
    for n, (g0, g1) in enumerate(groups):
        keep.extend(range(g0, g1))
        seg = run[g0:g1]
        out.append("".join(CHINESE_DIGITS.get(c, c) for c in seg) if convert_cn and not seg.isascii() else seg)
        if not is_digits[n]:
            acc = 0
        elif not (acc == 0 and seg in _COUNTRY_CODES):
            acc += g1 - g0
        if n == last:
            break
        n0, n1 = groups[n + 1]
        size = n1 - n0
        sep = seps[n]
        joins = dots_join or "." not in sep
        if not (joins and is_digits[n] and is_digits[n + 1]
                and (acc < MIN_NUMBER or (acc + size <= MAX_NUMBER and size <= 4))):
            keep.extend(range(g1, n0))
            out.append(run[g1:n0])
            acc = 0
    keep.extend(range(b, len(run)))
    out.append(run[b:])
    text = "".join(out)
    if text == run:
        return None
    return keep, text


def build_contact_view(doc: Document) -> View:
    """Build the ``contact`` view of ``doc`` (see the module docstring).

    Args:
        doc: The document.

    Returns:
        A :class:`~detector.views.View` named ``contact``.

    Examples:
        >>> from detector.document import Document
        >>> from detector.views import _BUILDERS
        >>> doc = Document(text="电话:一三九-①③⑧-8766 一个人")
        >>> v = build_contact_view(doc)
        >>> v.text
        '电话:1391388766 一个人'
        >>> v.evidence(3, 13).text
        '一三九-①③⑧-8766'
    """
    _Tables.load()
    text = doc.text
    if _Tables.special_re.search(text) is None:  # type: ignore[union-attr]
        base = doc.view("nfkc")
    else:
        base = View.build("contact-fold", text, _fold_char)
    btext = base.text
    bpos = base.pos
    pieces: list[str] = []
    pos = array("i")
    last = 0
    changed = False

    def copy(a: int, b: int) -> None:
        if a >= b:
            return
        pieces.append(btext[a:b])
        if bpos is None:
            pos.extend(range(a, b))
        else:
            pos.extend(bpos[a:b])

    for m in limits.finditer(_Tables.run_re, btext, doc, what="contact-view"):  # type: ignore[arg-type]
        if m.end() - m.start() < MIN_NUMERAL_RUN:
            continue  # fewer than 5 digits: no contact number, nothing worth joining
        res = _rewrite_run(m.group())
        if res is None:
            continue
        keep, new = res
        s = m.start()
        copy(last, s)
        pieces.append(new)
        if bpos is None:
            pos.extend(s + k for k in keep)
        else:
            pos.extend(bpos[s + k] for k in keep)
        last = m.end()
        changed = True
    if not changed:
        return View("contact", btext, text, bpos, base.removed)
    copy(last, len(btext))
    pos.append(len(text))
    new_text = "".join(pieces)
    return View("contact", new_text, text, pos, base.removed + len(btext) - len(new_text))
