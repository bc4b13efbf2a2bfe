"""Traces of words cut out by a keyword filter: gaps, dangling words, empty brackets.

Farms run their text through a filter that deletes banned or trademarked
words without repairing the sentence. What is left behind has a shape:

``gap``
    Whitespace against an enumeration comma inside Han text
    (``拨打 、邮件``, ``邮件、 等渠道``): a list item was removed.
``list_gap``
    An enumeration comma followed directly by 等 or by other punctuation
    (``微信、等渠道``, ``、,``): the last item was removed.
``lone_wen``
    问 alone before punctuation where 问题 was meant (``碰到的问。``): only
    after a noun-phrase marker (的, 个, 些, 该 …), because after a subject
    or adverb (他问。, 笑着问,) it is the verb "to ask".
``dangling_or``
    或 alone before punctuation (``网站或,选择``).
``empty_brackets``
    Empty quotes or brackets (``“”服务``, ``《》``, ``【】``).
``doubled``
    Doubled list punctuation (``、、``, ``,,``).
``empty_item``
    A list whose first or last item is provably empty: 、 right after a
    word that introduces a list (``通过 、短信``, ``出示、委托书``) or
    ``、 等`` with whitespace where the item was. Unlike a bare ``gap``
    (a PDF line wrap inside a list of names looks the same), the
    neighbour here cannot itself be a list item, so the form is strong.
``bare_change``
    A change verb followed by a number range with no unit before
    punctuation (``可降低20–30,``): a stripped percent sign or unit.

Each form alone is weak (look-alikes exist in clean text: a PDF line wrap
after 、, a fill-in-the-blank ``( )``), which is why the check gives them low
weights and the ``deletion`` group is capped. Runs on the ``nfkc`` view,
where fullwidth commas are ASCII.

Examples:
    >>> [(k, t) for k, _, _, t in find_deletions("可以拨打 、邮件联系,碰到的问。")]
    [('empty_item', '拨打 、'), ('lone_wen', '问。')]
"""

from __future__ import annotations

import regex

from .charsets import is_han

#: Noun-phrase markers: after them a lone 问 is a noun missing its 题
#: (的问。 这个问,), while after a subject or an adverb it is the verb
#: "to ask" ending a sentence (他问。 地问。), which is clean.
_WEN_BEFORE = "的个個些类類种種该該此等大小"

#: Every alternative starts with a literal or a small class, so the scan over
#: clean text is fast; the Han context each form needs is checked afterwards
#: in :func:`find_deletions`.
_DELETION_RE = regex.compile(
    r"""
    (?P<empty_item>(?:通过|透過|拨打|撥打|例如|比如|包括|包含|利用|借助|采用|採用|出示|携带|攜帶)
                   [ \t\u3000]*、
                 | 、[ \t\u3000]+等)                    # a list with an empty end
  | (?P<bare_change>(?:降低|提高|上浮|下浮|下降|增加|减少|減少|增长|增長|上涨|上漲|上调|下调|提升)
                    (?:约|約|了)?\d+(?:\.\d+)?[–\-~至]\d+(?:\.\d+)?(?=[,.;、。]))
                                                         # a range with its unit cut
  | (?P<gap>[ \t\u3000]+、|、[ \t\u3000]+)             # whitespace against 、
  | (?P<list_gap>、(?:等|[,.;:!?。;:]))                  # 、 then 等 or punctuation
  | (?P<lone_wen>[问問][,.;:!?。、])                      # 问 before punctuation
  | (?P<dangling_or>或[,;、。])                          # 或 before punctuation
  | (?P<empty_brackets>“”|‘’|《》|【】|「」|『』|\(\))   # an empty pair
  | (?P<doubled>、{2,}|,{2,})                            # doubled list punctuation
    """,
    regex.VERBOSE,
)

_DIGIT_RE = regex.compile(r"\d[–\-~至]\d")

#: Which side of a match must be Han for each form: (before, after).
_NEEDS_HAN = {
    "gap": (True, True),
    "list_gap": (True, False),
    "lone_wen": (True, False),
    "dangling_or": (True, False),
    "empty_brackets": (False, False),
    "doubled": (False, False),
    "empty_item": (False, False),
    "bare_change": (False, False),
}


def find_deletions(text: str, *, timeout: float = 1.0) -> list[tuple[str, int, int, str]]:
    """Deletion traces in ``text``: ``(kind, start, end, matched)``.

    Args:
        text: Text to scan (the ``nfkc`` view in the check).
        timeout: Regex time limit in seconds.
    """
    if "、" not in text and "问" not in text and "問" not in text and "或" not in text \
            and "”" not in text and "’" not in text and "》" not in text and "】" not in text \
            and "」" not in text and "』" not in text and "()" not in text and ",," not in text \
            and not _DIGIT_RE.search(text, timeout=timeout):
        return []
    out = []
    n = len(text)
    for m in _DELETION_RE.finditer(text, timeout=timeout):
        kind = m.lastgroup or "?"
        a, b = m.start(), m.end()
        before = text[a - 1] if a else ""
        after = text[b] if b < n else ""
        need_before, need_after = _NEEDS_HAN[kind]
        if need_before and not (before and is_han(before)):
            continue
        if need_after and not (after and is_han(after)):
            continue
        if kind == "lone_wen" and before not in _WEN_BEFORE:
            continue
        if kind == "dangling_or" and before in "抑间間偶":
            continue
        if kind == "empty_brackets" and m.group() == "()" and not (after and is_han(after)):
            continue
        if kind == "doubled" and m.group().startswith(",") and not (
                before and is_han(before) and after and is_han(after)):
            continue
        out.append((kind, a, b, m.group()))
    return out
