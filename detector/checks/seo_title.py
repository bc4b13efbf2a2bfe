"""Clickbait SEO title formulas of generated keyword pages.

Farms that generate pages for a keyword list wrap each keyword in the same
title formula: a year and the keyword in lenticular brackets
("2025【关键词】申请终极指南"), a promise to explain everything
("一文拆解7大关键", "从入门到精通", "避坑指南"), a doubting query pair
("X靠谱吗?…到底能不能信?"), or a transformation path
("从简历石沉大海到Offer拿到手软的7天…路径"). Real headlines use some of
these words too ("一文读懂新个税"), so one formula weighs little; a title that
stacks several formulas weighs more, and never enough for review on its own.

Rule:

``ZH_AI_SEO_TITLE``
    The title (``Document.title``) or one of the first short lines of the
    text matches one or more formulas of :data:`FORMULAS`; weight 1.5 for
    one, 2.0 for two or more. The formula names are in ``details.formulas``.

``STUFF_TITLE_QUOTED``
    The title, or a close variant of it (60% of its Han bigrams), quoted
    inside the body and announced as the subject: "不少创业者对“如何在X注册Y
    公司”这一流程并不熟悉". A generator told to "write about the keyword"
    inserts the keyword phrase verbatim this way; a reporter quoting a
    headline or a slogan does not follow it with 这一流程/这个问题. Weight 1.5.

Matching is on the NFKC + Simplified fold of each candidate, so Traditional
titles ("終極指南", "一文拆解7大關鍵") match the same formulas. Only short
lines (at most :data:`MAX_TITLE` characters) are read: the check costs a few
regex calls on at most four short strings per document.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import regex

from detector import hookimpl, limits
from detector.check import Check, RuleInfo
from detector.verdict import Hit

if TYPE_CHECKING:  # pragma: no cover
    from detector.config import Config
    from detector.document import Document
    from detector.views import View

SOURCE = "check:seo_title"

#: Longest line read as a title.
MAX_TITLE = 100
#: Leading lines of the text read as title candidates.
TITLE_LINES = 3

_NUM = r"(?:[2-9]|[1-9][0-9]|[两三四五六七八九十]|十[一二三四五六七八九])"

#: (name, literal prefilter, pattern) of each title formula (Simplified); the
#: pattern runs only on a title holding one of the literals.
FORMULAS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("year_bracket_keyword", ("【",), r"(?:19|20)\d{2}\s*年?\s*(?:最新|版)?\s*【[^】\n]{2,24}】"),
    ("complete_guide", ("指南", "攻略", "保姆级", "手把手", "入门到精通", "看完这篇", "建议收藏", "一网打尽", "一文",
                        "懒人包", "看懂", "搞懂", "总整理"),
     r"终极指南|完全指南|全攻略|完整攻略|避坑指南|保姆级|手把手|从入门到精通|看完这篇|建议收藏|一网打尽|懒人包|"
     r"一(?:次|篇)(?:看懂|搞懂)|总整理|"
     r"一文(?:读懂|看懂|搞懂|拆解|详解|说清|讲清|了解|带你|看清|掌握|解析|讲透|说透|速览|梳理)"),
    ("n_key_points", ("大", "个"), rf"{_NUM}大(?:核心|关键)?(?:关键|秘诀|诀窍|误区|雷区|陷阱|要点|维度|要素)|"
                     rf"{_NUM}个(?:核心|关键)?(?:秘诀|诀窍|误区|雷区|陷阱|要点|维度|要素)"),
    ("doubt_pair", ("到底", "究竟"),
     r"(?:靠谱|可靠|正规|安全|是真的|真的|好用|有用|可信|合法)吗[?？]?[^\n]{0,30}?(?:到底|究竟)[^\n]{0,16}?[?？]"),
    ("from_to_path", ("到",),
     r"(?:从|由)[^\n]{2,24}?到[^\n]{2,24}?的?(?:[0-9]{1,3}|[一二三四五六七八九十两]{1,3})(?:天|步|周|个月|小时)[^\n]{0,8}?(?:路径|攻略|计划|指南|方案|突围|逆袭)"),
)

RULES = (
    RuleInfo("STUFF_TITLE_QUOTED", "stuffing", 1.5,
             "标题关键词原样加引号插入正文并称作“这一流程/这个问题”,按关键词生成文章的痕迹",
             "The title's keyword phrase quoted verbatim in the body as \"this question / this process\", "
             "a trace of text generated around a keyword", source=SOURCE, target="simplified"),
    RuleInfo("ZH_AI_SEO_TITLE", "template", 1.5,
             "标题套用批量生成关键词页的公式(“2025【关键词】终极指南”“一文拆解N大关键”“X靠谱吗?…到底能不能信?”“从…到…的7天路径”)",
             "The title follows a formula of mass-generated keyword pages (\"2025【keyword】终极指南\", "
             "\"一文拆解N大关键\", \"X靠谱吗?…到底能不能信?\", \"从…到…的7天路径\")",
             source=SOURCE, target="title"),
)


def _bigrams(s: str) -> set[str]:
    """Bigrams of adjacent Han characters in ``s``.

    Examples:
        >>> sorted(_bigrams("注册公司?"))
        ['公司', '册公', '注册']
    """
    return {s[i:i + 2] for i in range(len(s) - 1) if _han(s[i]) and _han(s[i + 1])}


def _han(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff"


class SeoTitleCheck(Check):
    """Find clickbait SEO formulas in the title and the first lines."""

    name = "seo_title"
    rules = RULES

    def __init__(self, config: Config | None = None) -> None:
        self._formulas = [(name, lits, regex.compile(p)) for name, lits, p in FORMULAS]
        self._quoted = regex.compile(
            r"[“「『\"]([^”」』\"\n]{6,60})[”」』\"](?=这一|这个|这类)(?:这一|这个|这类)"
            r"(?:问题|流程|话题|关键词|主题|领域|概念|难题|环节|步骤)")

    def _candidates(self, doc: Document) -> list[tuple[str, View | None, int, int]]:
        """(folded text, view or None, start, end) for the title and the first short lines."""
        out: list[tuple[str, View | None, int, int]] = []
        title = doc.folded_title()
        if title:
            out.append((title[:MAX_TITLE * 2], None, 0, 0))
        v = doc.view("simplified")
        t = v.text
        pos = n = 0
        while n < TITLE_LINES and pos < len(t) and pos < 4000:
            nl = t.find("\n", pos)
            nl = len(t) if nl < 0 else nl
            line = t[pos:nl]
            s = line.strip()
            if s:
                n += 1
                if len(s) <= MAX_TITLE:
                    start = pos + (len(line) - len(line.lstrip()))
                    out.append((s, v, start, start + len(s)))
            pos = nl + 1
        return out

    def run(self, doc: Document) -> Iterable[Hit]:
        """Yield hits for title formulas and a quoted title."""
        if not doc.text or not doc.text.strip():
            return []
        cands = self._candidates(doc)
        hits = []
        h = self._formula_hit(doc, cands)
        if h is not None:
            hits.append(h)
        h = self._quoted_title(doc, cands)
        if h is not None:
            hits.append(h)
        return hits

    def _quoted_title(self, doc: Document, cands: list[tuple[str, View | None, int, int]]) -> Hit | None:
        v = doc.view("simplified")
        t = v.text
        if "这" not in t or not any(q in t for q in "“「『\""):
            return None
        titles: list[tuple[set[str], int]] | None = None
        for m in limits.finditer(self._quoted, t, doc, what="seo_title:quoted"):
            bq = _bigrams(m.group(1))
            if len(bq) < 5:
                continue
            if titles is None:
                titles = [(_bigrams(text.lstrip("#").strip()), end) for text, _v, _s, end in cands]
            for bt, end in titles:
                if bt and m.start() >= end and len(bq & bt) >= 0.6 * len(bq):
                    return self.hit("STUFF_TITLE_QUOTED", [v.evidence(m.start(), m.end())],
                                    details={"phrase": m.group(1), "overlap": round(len(bq & bt) / len(bq), 2)})
        return None

    def _formula_hit(self, doc: Document, cands: list[tuple[str, View | None, int, int]]) -> Hit | None:
        best: tuple[list[str], str, View | None, int, int] | None = None
        for text, view, start, end in cands:
            names = [name for name, lits, p in self._formulas
                     if any(map(text.__contains__, lits)) and limits.search(p, text, doc, what=f"seo_title:{name}")]
            if names and (best is None or len(names) > len(best[0])):
                best = (names, text, view, start, end)
        if best is None:
            return None
        names, text, view, start, end = best
        ev = [view.evidence(start, end)] if view is not None else []
        w = self.rule("ZH_AI_SEO_TITLE").weight + (0.5 if len(names) >= 2 else 0.0)
        return self.hit("ZH_AI_SEO_TITLE", ev, weight=w,
                        details={"formulas": names, "title": text, "where": "text" if view else "title"})


@hookimpl
def spamdetect_register_checks(config: Config) -> list[Check]:
    """Register the SEO title check."""
    return [SeoTitleCheck(config)]
