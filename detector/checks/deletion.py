"""Builtin ``deletion`` check: traces of words cut by a keyword filter.

A thin layer over :func:`detector.damage.deletion.find_deletions` on the
``nfkc`` view. One hit per kind with every occurrence as evidence. These are
weak signals by design (0.5–1.0 each, more for repeated traces; the group is
capped at 3.0 in :data:`detector.config.DEFAULT_GROUP_CAPS`): they support a
verdict, never make one. Measured precision is in docs/damage.md.
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
}


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
            by_kind.setdefault(kind, []).append((s, e))
        for kind, spans in by_kind.items():
            rid = _KIND_RULE[kind]
            base = self.rule(rid).weight
            weight = min(base * (1 + 0.5 * (len(spans) - 1)), 2 * base)
            yield self.hit(rid, [view.evidence(s, e) for s, e in spans[:20]], weight=weight,
                           details={"count": len(spans)})


@hookimpl
def spamdetect_register_checks() -> list[Check]:
    """Register the deletion check."""
    return [DeletionCheck()]
