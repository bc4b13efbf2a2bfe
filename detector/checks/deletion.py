"""Builtin ``deletion`` check: traces of words cut by a keyword filter.

A thin layer over :func:`detector.damage.deletion.find_deletions` on the
``nfkc`` view. One hit per kind with every occurrence as evidence. Each kind
is a weak signal by design (0.5–2.0, more for repeated traces), and the
per-kind hits together are held to :data:`KIND_TOTAL_CAP` (3.0): one kind of
trace, however often repeated, supports a verdict and never makes one (a
PDF line wrap or a name list padded with spaces repeats too).

What a keyword filter leaves and clean prose does not is *several different*
grammar gaps in one page. :data:`MANY_RULE` adds 2.5 when a page holds at
least :data:`MANY_MIN_TRACES` traces of the precise kinds
(:data:`PRECISE_KINDS`: every kind but whitespace gaps and doubled
punctuation, which typing and layout also produce) from at least two kinds,
and at least one per :data:`MANY_CHARS_PER_TRACE` characters,
so three gaps of two kinds reach the review threshold (the group cap in
:data:`detector.config.DEFAULT_GROUP_CAPS` is 5.0). Input flagged as
binary never reaches this check (the engine skips checks that read text on
it: decoded noise is not prose and has chance gaps). Measured
precision is in docs/damage.md.
"""

from __future__ import annotations

from collections.abc import Iterable

from detector import hookimpl
from detector.check import Check, RuleInfo
from detector.damage.deletion import find_deletions
from detector.document import Document
from detector.verdict import Hit

_SRC = "check:deletion"

RULES = (
    RuleInfo("DEL_GAP_AT_COMMA", "deletion", 1.0,
             "顿号旁出现空白,疑似列举项被删除(如“在线客服、 客服”“拨打 、邮件”)",
             "Whitespace against an enumeration comma: a list item seems deleted "
             "(e.g. 拨打 、邮件)", source=_SRC, target="nfkc"),
    RuleInfo("DEL_LIST_GAP", "deletion", 1.0,
             "顿号后直接接“等”或其他标点,疑似列举项被删除(如“微信、等渠道”)",
             "Enumeration comma followed by 等 or punctuation: the last list item seems deleted",
             source=_SRC, target="nfkc"),
    RuleInfo("DEL_LONE_WEN", "deletion", 0.5,
             "“问”单独出现在标点前,疑似“问题”的“题”被过滤删除",
             "问 alone before punctuation, as if 题 of 问题 was filtered out", source=_SRC,
             target="nfkc"),
    RuleInfo("DEL_DANGLING_OR", "deletion", 0.5,
             "“或”后直接是标点,疑似后面的词被删除(如“网站或,选择”)",
             "或 directly before punctuation: the following word seems deleted", source=_SRC,
             target="nfkc"),
    RuleInfo("DEL_EMPTY_BRACKETS", "deletion", 0.5,
             "空的引号或括号(如“”服务),疑似其中的词被删除",
             "Empty quotes or brackets (e.g. “”服务): the word inside seems deleted", source=_SRC,
             target="nfkc"),
    RuleInfo("DEL_DOUBLED_PUNCT", "deletion", 0.5,
             "重复的顿号或逗号(、、 ,,),疑似中间的词被删除",
             "Doubled enumeration comma or comma (、、 ,,): a word between them seems deleted",
             source=_SRC, target="nfkc"),
    RuleInfo("DEL_EMPTY_LIST_ITEM", "deletion", 2.0,
             "列举的第一项或最后一项为空(如“通过 、短信”“出示、委托书”“短信、 等方式”),"
             "引出列举的词后直接是顿号,被过滤的词留下了空位",
             "A list whose first or last item is empty (通过 、短信, 短信、 等方式): the word "
             "that introduces the list is followed directly by 、, so a filtered word left a hole",
             source=_SRC, target="nfkc"),
    RuleInfo("DEL_DANGLING_PREP", "deletion", 1.0,
             "介词后直接是标点或“的”(如“关于的”“对于,”“会向,”),介词的宾语疑似被删除",
             "A preposition directly before punctuation or 的 (关于的, 对于,): its object seems "
             "deleted", source=_SRC, target="nfkc"),
    RuleInfo("DEL_DANGLING_CONJ", "deletion", 0.5,
             "连词“与/及/以及”后直接是标点(如“电话与,短信”),后面的并列项疑似被删除",
             "A conjunction (与, 及, 以及) directly before punctuation: the item after it seems "
             "deleted", source=_SRC, target="nfkc"),
    RuleInfo("DEL_ORPHAN_DE", "deletion", 1.0,
             "“成为的”等系动词直接接“的”,或独立成行的图注以“的”结尾(如“某药厂制造的”),"
             "“的”前后的词疑似被删除",
             "A linking verb followed directly by 的 (成为的热门话题), or a standalone caption "
             "line ending in 的: the word around 的 seems deleted", source=_SRC, target="nfkc"),
    RuleInfo("DEL_MISSING_DEGREE", "deletion", 1.0,
             "最高级的程度词被删除后留下的残缺搭配(如“显得为重要”“的佳选择”“绝对优选择”),"
             "常见于按广告法过滤“最”“尤”等字",
             "A superlative with its degree word cut (显得为重要, 的佳选择, 绝对优选择), as an "
             "advertising-law filter leaves it", source=_SRC, target="nfkc"),
    RuleInfo("DEL_UNOPENED_TITLE", "deletion", 1.0,
             "书名号只有右半边“》”且紧接在逗号等标点之后(如“词典,汉语大词典》”),"
             "“如《”等字疑似被删除",
             "A closing 》 with no 《 open, right after clause punctuation (词典,汉语大词典》): "
             "如《 seems deleted", source=_SRC, target="nfkc"),
    RuleInfo("DEL_GAPS_MANY", "deletion", 2.5,
             "同一页面出现三处以上、至少两种语法断裂(悬空的介词、连词、“的”、残缺的列举等),"
             "符合关键词过滤删词的特征",
             "Three or more grammar gaps of at least two kinds in one page (a dangling "
             "preposition, conjunction or 的, an empty list item…), the signature of a keyword "
             "filter", source=_SRC, target="nfkc"),
    RuleInfo("DEL_BARE_CHANGE_RANGE", "deletion", 1.0,
             "升降类动词后的数字区间没有单位(如“可降低20–30,”),疑似百分号或单位被删除",
             "A change verb followed by a number range with no unit (降低20–30,): a percent sign "
             "or unit seems stripped", source=_SRC, target="nfkc"),
)

_KIND_RULE = {
    "gap": "DEL_GAP_AT_COMMA",
    "list_gap": "DEL_LIST_GAP",
    "lone_wen": "DEL_LONE_WEN",
    "dangling_or": "DEL_DANGLING_OR",
    "empty_brackets": "DEL_EMPTY_BRACKETS",
    "doubled": "DEL_DOUBLED_PUNCT",
    "empty_item": "DEL_EMPTY_LIST_ITEM",
    "bare_change": "DEL_BARE_CHANGE_RANGE",
    "dangling_prep": "DEL_DANGLING_PREP",
    "dangling_conj": "DEL_DANGLING_CONJ",
    "orphan_de": "DEL_ORPHAN_DE",
    "missing_degree": "DEL_MISSING_DEGREE",
    "unopened_title": "DEL_UNOPENED_TITLE",
}

#: The per-kind hits of one page together weigh at most this much.
KIND_TOTAL_CAP = 3.0
#: The combination rule and what it needs.
MANY_RULE = "DEL_GAPS_MANY"
MANY_MIN_TRACES = 3
#: ... and at least one per this many characters, so a long page does not
#: collect three chance look-alikes (a farm filter leaves its gaps densely).
MANY_CHARS_PER_TRACE = 3000
#: Kinds that count towards :data:`MANY_RULE`: not whitespace gaps or doubled
#: punctuation, which layout and typing produce in clean text too.
PRECISE_KINDS = frozenset(_KIND_RULE) - {"gap", "doubled"}


class DeletionCheck(Check):
    """Report traces of deleted words (weak signals)."""

    name = "deletion"
    rules = RULES

    def run(self, doc: Document) -> Iterable[Hit]:
        """Yield one hit per kind of deletion trace found."""
        view = doc.view("nfkc")
        found = find_deletions(view.text)
        by_kind: dict[str, list[tuple[int, int]]] = {}
        for kind, s, e, _ in found:
            spans = by_kind.setdefault(kind, [])
            if (s, e) not in spans:
                spans.append((s, e))
        if not by_kind:
            return
        weights = {}
        for kind, spans in by_kind.items():
            base = self.rule(_KIND_RULE[kind]).weight
            weights[kind] = min(base * (1 + 0.5 * (len(spans) - 1)), 2 * base)
        total = sum(weights.values())
        scale = KIND_TOTAL_CAP / total if total > KIND_TOTAL_CAP else 1.0
        for kind, spans in by_kind.items():
            yield self.hit(_KIND_RULE[kind], [view.evidence(s, e) for s, e in spans[:20]],
                           weight=round(weights[kind] * scale, 6),
                           details={"count": len(spans)})
        precise = {k: v for k, v in by_kind.items() if k in PRECISE_KINDS}
        n_traces = sum(len(v) for v in precise.values())
        needed = max(MANY_MIN_TRACES, len(view.text) // MANY_CHARS_PER_TRACE)
        if n_traces >= needed and len(precise) >= 2:
            spans = sorted(sp for v in precise.values() for sp in v)
            yield self.hit(MANY_RULE, [view.evidence(s, e) for s, e in spans[:20]],
                           details={"traces": n_traces, "kinds": sorted(precise)})


@hookimpl
def spamdetect_register_checks() -> list[Check]:
    """Register the deletion check."""
    return [DeletionCheck()]
