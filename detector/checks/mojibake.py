"""Builtin ``encoding`` check: mojibake spans, repaired by a round trip, and damage markers.

A thin layer over :mod:`detector.damage.mojibake`. It reads ``doc.text``
itself (not the ``nfkc`` view: NFKC would turn half-width kana and other
telltale characters of a wrong decoding into different ones and break the
repair round trip), classifies it once (shared with the other damage checks
through ``doc.stash``) and returns at once when nothing suspect is present.

One hit per damage family, each with every damaged span as evidence (at
most :data:`MAX_EVIDENCE`) and the repaired text in ``details["repairs"]``.
The weight grows with the number of Han the largest repair recovers: a
confirmed span of 6+ Han is a strong signal on its own (5.0, the review
threshold); short repairs count less because short look-alikes are likelier.

Undecodable *bytes* are reported by the core (``ENC_UNDECODABLE_BYTES``);
this check reports U+FFFD only when the text arrived already holding them.

Characters a narrow charset could not hold become "?": runs of them
(``ENC_QMARK_SUBSTITUTION``) and, since many pages use the ASCII "?" as their
question mark, single ones only where the clause before asks nothing, two or
more share a line and three or more are found (``ENC_QMARK_SINGLE``; a
``str.count`` gate first).
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import numpy as np
import regex

from detector import hookimpl
from detector.check import Check, RuleInfo
from detector.damage import mojibake
from detector.document import Document
from detector.ingest import NUL_POSITIONS
from detector.limits import BUDGET_NOTE
from detector.verdict import Evidence, Hit

from ._damage_common import text_classes

#: Most evidence spans listed in one hit.
MAX_EVIDENCE = 20

#: Most seconds spent on repair round trips per document.
SCAN_SECONDS = 0.25

_SRC = "check:encoding"

RULES = (
    RuleInfo("ENC_MOJIBAKE_UTF8_AS_GBK", "encoding", 5.0,
             "乱码:UTF-8 字节被当作 GBK 解码(如“浠婂勾”),往返修复可还原原文",
             "Mojibake: UTF-8 bytes decoded as GBK (e.g. 浠婂勾); a round trip repairs it", source=_SRC),
    RuleInfo("ENC_MOJIBAKE_GBK_AS_LATIN1", "encoding", 5.0,
             "乱码:GBK 字节被当作 Latin-1/cp1252 解码(如“½ñÄê”),往返修复可还原原文",
             "Mojibake: GBK bytes decoded as Latin-1/cp1252 (e.g. ½ñÄê); a round trip repairs it",
             source=_SRC),
    RuleInfo("ENC_MOJIBAKE_UTF8_AS_LATIN1", "encoding", 5.0,
             "乱码:UTF-8 字节被当作 Latin-1/cp1252 解码(如“ä»Šå¹´”“CafÃ©”)",
             "Mojibake: UTF-8 bytes decoded as Latin-1/cp1252 (e.g. ä»Šå¹´, CafÃ©)", source=_SRC),
    RuleInfo("ENC_MOJIBAKE_BIG5_GBK", "encoding", 5.0,
             "乱码:Big5 与 GBK 互相误解码,往返修复可还原原文",
             "Mojibake: Big5 read as GBK or GBK read as Big5; a round trip repairs it", source=_SRC),
    RuleInfo("ENC_MOJIBAKE_UTF8_AS_SJIS", "encoding", 5.0,
             "乱码:UTF-8 字节被当作 Shift_JIS 解码,往返修复可还原原文",
             "Mojibake: UTF-8 bytes decoded as Shift_JIS; a round trip repairs it", source=_SRC),
    RuleInfo("ENC_GBK_DESYNC", "encoding", 5.0,
             "乱码:GBK 双字节错位(丢失一个字节后出现私用区字符、假名和生僻字)",
             "Mojibake: GBK double-byte desync (a lost byte turns the following text into "
             "private-use characters, kana and rare Han)", source=_SRC),
    RuleInfo("ENC_REPLACEMENT_MARKER", "encoding", 5.0,
             "乱码标志“锟斤拷”:替换字符 U+FFFD 的 UTF-8 字节被当作 GBK 解码",
             "Mojibake marker 锟斤拷: the UTF-8 bytes of U+FFFD decoded as GBK", source=_SRC),
    RuleInfo("ENC_FILL_MARKER", "encoding", 3.0,
             "乱码标志“烫烫烫/屯屯屯”:未初始化内存的填充字节被当作 GBK 显示",
             "Mojibake marker 烫烫烫/屯屯屯: uninitialised-memory fill bytes shown as GBK",
             source=_SRC),
    RuleInfo("ENC_GARBAGE_RUN", "encoding", 5.0,
             "成段的乱码:几乎全是生僻字、私用区字符或替换字符(多次误解码且无法还原)",
             "A run of garbage made almost only of rare Han, private-use characters or U+FFFD "
             "(repeated or lossy mis-decoding that no round trip repairs)", source=_SRC),
    RuleInfo("ENC_REPLACEMENT_CHARS", "encoding", 2.0,
             "文本中含有大量替换字符 U+FFFD(上游解码失败)",
             "Text holds U+FFFD replacement characters (an upstream decoding failed)", source=_SRC),
    RuleInfo("ENC_QMARK_SUBSTITUTION", "encoding", 2.0,
             "无法编码的汉字被替换成“?”(如繁体字存成 GB2312 后的“景??票”)",
             "Characters that could not be encoded were replaced by '?' inside Han text",
             source=_SRC),
    RuleInfo("ENC_QMARK_SINGLE", "encoding", 5.0,
             "多处单个“?”夹在汉字之间而前文并无疑问(如“摘?要”“关键词?普通话?语言”):"
             "全角空格、间隔号或生僻字在转存为窄字符集时变成了“?”",
             "Several single '?' between Han where nothing is asked (摘?要, 关键词?普通话?语言): "
             "ideographic spaces, middle dots or rare characters turned into '?' when the page "
             "was saved in a narrower charset", source=_SRC),
)

_FAMILY_RULE = {
    "utf8_as_gbk": "ENC_MOJIBAKE_UTF8_AS_GBK",
    "gbk_as_latin1": "ENC_MOJIBAKE_GBK_AS_LATIN1",
    "utf8_as_latin1": "ENC_MOJIBAKE_UTF8_AS_LATIN1",
    "big5_as_gbk": "ENC_MOJIBAKE_BIG5_GBK",
    "gbk_as_big5": "ENC_MOJIBAKE_BIG5_GBK",
    "utf8_as_sjis": "ENC_MOJIBAKE_UTF8_AS_SJIS",
    "gbk_desync": "ENC_GBK_DESYNC",
}


def _repair_weight(han: int, full: float) -> float:
    """Weight for a confirmed repair recovering ``han`` Han at most."""
    if han >= 6:
        return full
    if han >= 4:
        return round(full * 0.7, 2)
    return round(full * 0.4, 2)


#: Single "?" between Han, with no question asked, needed for ENC_QMARK_SINGLE.
_SINGLE_QMARK_MIN = 3

#: "?" then pinyin and a closing parenthesis: a ruby base lost to "?".
_ORPHAN_HINT = regex.compile(r"\?[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}\)")


def _largest_region(reps: list[mojibake.Repair], gap: int = 3) -> int:
    """Most Han recovered by repairs lying within ``gap`` characters of each other.

    A lossy wrong decoding (``errors="replace"``) leaves U+FFFD inside the
    damage, which splits one damaged region into several repairs.
    """
    best = cur = 0
    end = -gap - 1
    for r in sorted(reps, key=lambda r: r.start):
        cur = cur + r.han if r.start - end <= gap else r.han
        end = max(end, r.end)
        best = max(best, cur)
    return best


def _fast_clean(text: str, cls: np.ndarray) -> bool:
    """True when nothing in ``text`` can be damage (the common case).

    One pass over the class flags: no two suspect characters close enough to
    form a damage window, no other-script letter, fewer than two Latin-1
    characters (a lone · or ° is clean), and none of the marker strings.
    """
    if cls.size:
        if np.any(cls & mojibake.OTHER_SCRIPT):
            return False
        latin = np.count_nonzero(cls & mojibake.LATIN1)
        if latin >= 2:
            return False
        if latin and ("Ã" in text or "Â" in text or "â" in text):
            return False  # a UTF-8 lead byte read as cp1252 before a cp1252 sign (Ã‘)
        # Damage windows need two suspects close together; a rare character
        # in a name (骥, 浏) appears alone.
        idx = np.flatnonzero(cls & mojibake.SUSPECT)
        if idx.size >= 2 and np.any(np.diff(idx) <= mojibake.WINDOW_GAP):
            return False
    return "锟" not in text and "烫烫" not in text and "屯屯" not in text and "??" not in text


class EncodingCheck(Check):
    """Report mojibake spans (with repairs) and encoding-damage markers."""

    name = "encoding"
    rules = RULES

    def __init__(self) -> None:
        # Build the class tables now (once per process), not inside the first
        # document's time budget.
        mojibake.script_table()

    def run(self, doc: Document) -> Iterable[Hit]:
        """Yield one hit per damage family found in ``doc.text``."""
        text = doc.text
        if not text:  # binary input never gets here: the engine skips text checks on it
            return
        reported: set[tuple[int, int]] = set()
        if text.count("?") >= _SINGLE_QMARK_MIN:
            for h in self._single_qmarks(text):
                reported.update((e.start, e.end) for e in h.evidence)
                yield h
        cls = text_classes(doc)
        if _fast_clean(text, cls):
            return
        by_rule: dict[str, list[mojibake.Repair]] = {}
        # Round trips cost Python loops: on hostile input, spend at most
        # SCAN_SECONDS of the document's budget on them.
        deadline = time.monotonic() + SCAN_SECONDS
        if doc.deadline is not None:
            deadline = min(deadline, doc.deadline)
        cut: list[str] = []

        def out_of_time() -> None:
            # The verdict must say it is partial: a scan cut short can miss
            # damage (the limits check turns this note into LIMIT_TIME_BUDGET
            # and the engine marks the verdict truncated).
            if not cut:
                cut.append("encoding")
                doc.notes.append((BUDGET_NOTE, "encoding(partial)"))

        for rep in mojibake.find_mojibake(text, cls, deadline=deadline, on_deadline=out_of_time):
            by_rule.setdefault(_FAMILY_RULE[rep.family], []).append(rep)
        covered = [(r.start, r.end) for reps in by_rule.values() for r in reps]
        for start, end, fixed in mojibake.latin_mojibake(text, cls, deadline=deadline, on_deadline=out_of_time):
            if any(a < end and start < b for a, b in covered):
                continue
            han = sum(1 for c in fixed if "\u4e00" <= c <= "\u9fff")
            by_rule.setdefault("ENC_MOJIBAKE_UTF8_AS_LATIN1", []).append(
                mojibake.Repair(start, end, "utf8_as_latin1", fixed, han, extra={"ftfy": True}))
        for rule_id, reps in by_rule.items():
            yield self._repair_hit(rule_id, text, reps)
        covered = [(r.start, r.end) for reps in by_rule.values() for r in reps]
        lossy = mojibake.lossy_runs(text, cls, set(doc.stash.get(NUL_POSITIONS) or ()))
        garbage = [(a, b) for a, b in mojibake.merge_spans(mojibake.garbage_runs(cls) + lossy)
                   if not any(x <= a and b <= y for x, y in covered)]
        if garbage:
            chars = sum(b - a for a, b in garbage)
            yield self.hit("ENC_GARBAGE_RUN",
                           [Evidence(a, b, text[a:b]) for a, b in garbage[:MAX_EVIDENCE]],
                           weight=5.0 if chars >= 24 else 3.5,
                           details={"runs": len(garbage), "chars": chars})
        yield from self._markers(doc, text)
        yield from self._replacement(doc, text)
        yield from self._qmarks(doc, text, cls, reported)

    def _repair_hit(self, rule_id: str, text: str, reps: list[mojibake.Repair]) -> Hit:
        full = self.rule(rule_id).weight
        best = max(reps, key=lambda r: r.han)
        if best.extra.get("ftfy"):
            # Latin-script mojibake of non-Chinese text: real damage, weaker spam signal.
            weight = min(full, 1.5 * len(reps) + (2.0 if best.han >= 4 else 0.0))
        else:
            weight = _repair_weight(_largest_region(reps), full)
        ev = [Evidence(r.start, r.end, text[r.start:r.end]) for r in reps[:MAX_EVIDENCE]]
        details = {
            "family": sorted({r.family for r in reps}),
            "spans": len(reps),
            "han_recovered": sum(r.han for r in reps),
            "repairs": [
                {"start": r.start, "end": r.end, "repaired": r.repaired, **(
                    {"layers": r.layers} if r.layers > 1 else {})}
                for r in reps[:MAX_EVIDENCE]
            ],
        }
        return self.hit(rule_id, ev, weight=weight, details=details)

    def _markers(self, doc: Document, text: str) -> Iterable[Hit]:
        found = mojibake.find_markers(text)
        if not found:
            return
        kinds: dict[str, list[tuple[int, int, str]]] = {}
        for m in found:
            rid = "ENC_REPLACEMENT_MARKER" if m[2].startswith("锟") else "ENC_FILL_MARKER"
            kinds.setdefault(rid, []).append(m)
        for rid, ms in kinds.items():
            full = self.rule(rid).weight
            n = sum(len(m[2]) for m in ms)
            weight = full if n >= 6 or len(ms) >= 2 else round(full * 0.8, 2)
            yield self.hit(rid, [Evidence(a, b, t) for a, b, t in ms[:MAX_EVIDENCE]], weight=weight,
                           details={"count": len(ms), "chars": n})

    def _replacement(self, doc: Document, text: str) -> Iterable[Hit]:
        if doc.decode is not None and doc.decode.errors:
            return  # the core already reports the bytes it replaced
        n = text.count("\ufffd")
        if n < 3:
            return
        runs = mojibake.fffd_runs(text)
        nuls = doc.stash.get(NUL_POSITIONS)
        if nuls:
            # U+FFFD standing in for NUL characters is not a decoding error
            # (the limits check reports the NULs): leave those positions out.
            gone = set(nuls)
            runs = _runs_without(runs, gone)
            n -= len(gone)
            if n < 3:
                return
        weight = 5.0 if n >= 20 else (3.5 if n >= 8 else self.rule("ENC_REPLACEMENT_CHARS").weight)
        yield self.hit("ENC_REPLACEMENT_CHARS",
                       [Evidence(a, b, text[a:b]) for a, b in runs[:MAX_EVIDENCE]], weight=weight,
                       details={"count": n, "runs": len(runs)})

    def _single_qmarks(self, text: str) -> Iterable[Hit]:
        found = mojibake.find_single_qmarks(text)
        if not found:
            return
        # A lossy save turns some characters into one "?" and neighbours into
        # runs ("相??品?售…明?影"): a lone run on the same lines counts as an
        # item too (two or more runs are ENC_QMARK_SUBSTITUTION's own case).
        runs = mojibake.find_qmark_substitutions(text)
        if len(runs) < 2:
            found = sorted(found + runs)
        if len(found) < _SINGLE_QMARK_MIN:
            return
        # Lost separators come several to a line (摘?要?, 关键词?甲?乙?丙); a rare
        # character lost in a name comes alone on its line, as on gateway pages
        # of legitimate portals, and does not count.
        per_line: dict[int, list[tuple[int, int]]] = {}
        for a, b in found:
            per_line.setdefault(text.rfind("\n", 0, a), []).append((a, b))
        spans = [sp for line in per_line.values() if len(line) >= 2 for sp in line]
        if len(spans) < _SINGLE_QMARK_MIN:
            return
        # Clean articles show at most two (a lost middle dot in "生活?读书?新知"):
        # three is damage, four or more is a page saved through a lossy charset.
        full = self.rule("ENC_QMARK_SINGLE").weight
        weight = full if len(spans) >= _SINGLE_QMARK_MIN + 1 else round(full * 0.6, 2)
        yield self.hit("ENC_QMARK_SINGLE",
                       [Evidence(a, b, text[a:b]) for a, b in spans[:MAX_EVIDENCE]], weight=weight,
                       details={"count": len(spans)})

    def _qmarks(self, doc: Document, text: str, cls: np.ndarray,
                reported: set[tuple[int, int]] = frozenset()) -> Iterable[Hit]:  # type: ignore[assignment]
        spans = [sp for sp in mojibake.find_qmark_substitutions(text, cls) if sp not in reported]
        if not spans:
            return
        # One "??" between Han can be an emphatic question; two, or one next
        # to pinyin whose base was lost ("?shù)"), is substitution.
        if len(spans) < 2 and not _ORPHAN_HINT.search(text, timeout=1.0):
            return
        weight = 4.0 if len(spans) >= 5 else self.rule("ENC_QMARK_SUBSTITUTION").weight
        yield self.hit("ENC_QMARK_SUBSTITUTION",
                       [Evidence(a, b, text[a:b]) for a, b in spans[:MAX_EVIDENCE]], weight=weight,
                       details={"count": len(spans)})


def _runs_without(runs: list[tuple[int, int]], gone: set[int]) -> list[tuple[int, int]]:
    """``runs`` with the offsets in ``gone`` cut out (runs split around them)."""
    out: list[tuple[int, int]] = []
    for a, b in runs:
        start = None
        for i in range(a, b + 1):
            inside = i < b and i not in gone
            if inside and start is None:
                start = i
            elif not inside and start is not None:
                out.append((start, i))
                start = None
    return out


@hookimpl
def spamdetect_register_checks() -> list[Check]:
    """Register the encoding (mojibake) check."""
    return [EncodingCheck()]
