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

Grammar gaps: a deleted word often leaves a function word with nothing to
govern, a join no writer produces (measured per form in docs/damage.md):

``dangling_prep``
    A preposition that needs an object directly before punctuation or 的
    (``关于的``, ``对于,``, ``除了。``, ``会向,``, ``对于而言``): its object
    was cut.
    Not after a character that makes a word of it (删除了, 伴随着, 所基于的);
    为了 is left out (成为了, 认为了 end clauses).
``dangling_conj``
    与 / 及 / 以及 directly before punctuation (``电话与,``), 和 before a
    full stop or 、 (``短信和。``), and a comparison that lost one side
    (``与无关。``, ``和一样,``), except where the character before forms a
    word with it (参与, 涉及, 遥不可及, 温和, 总和…). 和 before a comma is
    left out: it is also a verb (讲和, 要和,).
``orphan_de``
    A linking verb followed directly by 的 with no relative-clause marker
    before it (``(Acme)成为的热门话题``; ``想成为的人`` is clean), or a
    standalone caption line that ends in 的 (``某公司制造的`` between blank
    lines): the noun after 的 was cut.
``missing_degree``
    The degree word of a superlative cut by an advertising-law filter:
    ``显得为重要`` (尤为), ``的佳选择`` (最佳), ``绝对优选择`` (最优).
``unopened_title``
    A closing 》 right after a clause with no 《 open before it
    (``词典,汉语大词典》``): 如《 or 《 was cut with the word before it.

Each form alone is weak (look-alikes exist in clean text: a PDF line wrap
after 、, a fill-in-the-blank ``( )``), which is why the check gives them low
weights and the ``deletion`` group is capped. Runs on the ``nfkc`` view,
where fullwidth commas are ASCII.

Examples:
    >>> [(k, t) for k, _, _, t in find_deletions("可以拨打 、邮件联系,碰到的问。")]
    [('empty_item', '拨打 、'), ('lone_wen', '问。')]
    >>> [(k, t) for k, _, _, t in find_deletions("这一点显得为重要,人们关于的讨论。")]
    [('missing_degree', '显得为'), ('dangling_prep', '关于的')]
"""

from __future__ import annotations

from functools import cache

import regex

from ..keywords import KeywordSet
from .charsets import is_han

#: Noun-phrase markers: after them a lone 问 is a noun missing its 题
#: (的问。 这个问,), while after a subject or an adverb it is the verb
#: "to ask" ending a sentence (他问。 地问。), which is clean.
_WEN_BEFORE = "的个個些类類种種该該此等大小"

#: One small regex per form, in priority order (where two forms claim
#: overlapping text, the earlier one keeps it: ``拨打 、`` is an empty item,
#: not a whitespace gap). Separate scans are several times faster than one
#: alternation here: each pattern starts with a literal or a small class, which
#: the regex engine can search for directly. The Han context each form needs
#: and the word-forming exclusions are checked in :func:`find_deletions`.
_FORMS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    # (kind, pattern, gate): the pattern runs only when one of the gate's
    # literals is in the text (an empty gate: always).
    # a list with an empty end
    ("empty_item", r"(?:通过|透過|拨打|撥打|例如|比如|包括|包含|利用|借助|采用|採用|出示|携带|攜帶)"
                   r"[ \t\u3000]*、|、[ \t\u3000]+等", ("、",)),
    # a range with its unit cut
    ("bare_change", r"(?:降低|提高|上浮|下浮|下降|增加|减少|減少|增长|增長|上涨|上漲|上调|下调|提升)"
                    r"(?:约|約|了)?\d+(?:\.\d+)?[–\-~至]\d+(?:\.\d+)?(?=[,.;、。])",
     ("–", "-", "~", "至")),
    # whitespace against 、
    ("gap", r"[ \t\u3000]+、|、[ \t\u3000]+", ("、 ", " 、", "、\u3000", "\u3000、", "、\t", "\t、")),
    ("list_gap", r"、(?:等|[,.;:!?。;:])", ("、",)),          # 、 then 等 or punctuation
    ("lone_wen", r"[问問][,.;:!?。、]", ("问", "問")),         # 问 before punctuation
    ("dangling_or", r"或[,;、。]", ("或",)),                   # 或 before punctuation
    ("empty_brackets", r"“”|‘’|《》|【】|「」|『』|\(\)",       # an empty pair
     ("“”", "‘’", "《》", "【】", "「」", "『』", "()")),
    ("doubled", r"、{2,}|,{2,}", ("、、", ",,")),              # doubled list punctuation
    # a preposition with no object (the character before is checked for
    # word-forming: 删除了, 伴随着, 所基于的; 会向, needs an auxiliary before 向)
    ("dangling_prep", r"(?:由于|由於|关于|關於|对于|對於|基于|基於|随着|隨著|除了)(?:[,.;!?。、]|的)"
                      r"|(?:对于|對於)(?:而言|来说|來說|来讲|來講)",
     ("由于", "由於", "关于", "關於", "对于", "對於", "基于", "基於", "随着", "隨著", "除了")),
    # a conjunction with nothing after it; 和 only before a full stop or 、
    # (before a comma it is also the verb: 讲和, 要和,); a comparison that
    # lost one side (与无关。 和一样,). The same scan finds a bare 向 / 从 / 被 …
    # before punctuation, reported as a dangling preposition (one scan, not two).
    ("dangling_conj", r"(?:以及|[与與及])(?=[,;!?。、]|\.(?![A-Za-z0-9]))|和(?=[。!?;、])"
                      r"|[与與和](?:无关|無關|相似|一致|相比|相当|相當|类似|類似|一样|一樣)(?=[,.;!?。、])"
                      r"|[向从從被把给給跟朝往替][,.;:!?。、]", ()),
    # a linking verb with no object
    ("orphan_de", r"(?:成为|成為|变成|變成|沦为|淪為)的", ("成为的", "成為的", "变成的", "變成的", "沦为的",
                                                        "淪為的")),
    # a superlative's degree word cut
    ("missing_degree", r"[显顯变變]得[为為]"
                       r"|的[佳优優](?:选择|選擇|方案|途径|途徑|时机|時機|策略|路径|路徑|办法|辦法)"
                       r"|[绝絕][对對][优優](?:方案|选择|選擇|解|策略)",
     ("得为", "得為", "的佳", "的优", "的優", "对优", "對優", "对優", "對优")),
)
_FORM_RES = tuple((kind, regex.compile(pat), gate) for kind, pat, gate in _FORMS)

#: The character before a form that makes a word of it (so it is no trace):
#: keyed by the form's first character.
_WORD_BEFORE = {
    "除": "删刪排清消去免开開拆切根扫掃废廢解剔革戒铲鏟摘割祛破扣移剪驱驅拔整乘擦",
    "随": "伴跟紧緊尾", "隨": "伴跟紧緊尾",
    "基": "所",
    "与": "参參给給赋賦授干寄", "與": "参參给給赋賦授干寄",
    "及": "涉普不波顾顧危提触觸企遍惠殃得论論推言谈談旁累延兼虑慮念计計述溯埃以可",
    "和": "总總温溫平缓緩柔谦謙随隨调調饱飽共附暖讲講求人祥中议議违違不和志",
}
#: Prepositions that need an auxiliary before them to count (会向, 也从,).
_BARE_PREPS = frozenset("向从從被把给給跟朝往替")
#: Auxiliaries and adverbs before which a bare 向 / 从 / 被 … is a preposition.
_AUX_BEFORE_PREP = "会會将將可要能需已都也还還再就才曾并並则則又均仍便"
#: Before 成为的 / 变成的 these mark a relative clause (想成为的人), which is clean.
_RELATIVE_BEFORE = "所想要能会會将將已望愿願够夠可该該曾终終而们們己"

#: A standalone caption line ending in 的 (blank line before and after); the
#: look-behind keeps 是的 / 真的 / 好的 / 有的 / 别的 / 似的 / 目的 out.
_CAPTION_DE_RE = regex.compile(
    r"(?:^|\n)[ \t\u3000]*\n[ \t\u3000]*([^\n]{1,28}?(?<![是真好对對有别別似目])的)"
    r"[ \t\u3000]*\n[ \t\u3000]*\n")

_BOOK_RE = regex.compile(r"[《》]")

#: A book title closed right after clause punctuation: ``词典,汉语大词典》``.
_UNOPENED_TITLE_RE = regex.compile(r"(?<=[,;:、])\p{Han}[^《》\n,;:。、]{0,19}》")

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
    "dangling_prep": (True, False),
    "dangling_conj": (True, False),
    "orphan_de": (False, True),
    "missing_degree": (False, False),
}


@cache
def _gates() -> KeywordSet:
    """Every form's gate literals, each opening its form's index (one pass over the text)."""
    return KeywordSet((g, k) for k, (_form, _rx, gate) in enumerate(_FORM_RES) for g in gate or ())


def find_deletions(text: str, *, timeout: float = 1.0) -> list[tuple[str, int, int, str]]:
    """Deletion traces in ``text``: ``(kind, start, end, matched)``.

    Args:
        text: Text to scan (the ``nfkc`` view in the check).
        timeout: Regex time limit in seconds.
    """
    if not text:
        return []
    out = _line_forms(text, timeout)
    taken: list[tuple[int, int]] = []
    n = len(text)
    open_forms = _gates().keys_in(text)
    for k, (form, rx, gate) in enumerate(_FORM_RES):
        if gate and k not in open_forms:
            continue
        for m in rx.finditer(text, timeout=timeout):
            a, b = m.start(), m.end()
            kind = "dangling_prep" if m.group()[0] in _BARE_PREPS else form
            before = text[a - 1] if a else ""
            after = text[b] if b < n else ""
            if not _context_ok(kind, m.group(), before, after):
                continue
            if kind == "dangling_prep" and len(m.group()) == 2:
                a -= 1  # the evidence shows the auxiliary too: 会向,
            if any(a < e and s < b for s, e in taken):
                continue
            taken.append((a, b))
            out.append((kind, a, b, text[a:b]))
    out.sort(key=lambda t: t[1])
    return out


def _context_ok(kind: str, got: str, before: str, after: str) -> bool:
    """Whether the characters around a match make it a deletion trace."""
    need_before, need_after = _NEEDS_HAN[kind]
    if need_before and not (before and is_han(before)):
        return False
    if need_after and not (after and is_han(after)):
        return False
    if kind == "lone_wen":
        return before in _WEN_BEFORE
    if kind == "dangling_or":
        return before not in "抑间間偶"
    if kind == "empty_brackets" and got == "()":
        return bool(after) and is_han(after)
    if kind == "doubled" and got.startswith(","):
        return bool(before) and is_han(before) and bool(after) and is_han(after)
    if kind in ("dangling_prep", "dangling_conj"):
        if got[0] in _BARE_PREPS:
            return before in _AUX_BEFORE_PREP
        return before not in _WORD_BEFORE.get(got[0], "")
    if kind == "orphan_de":
        return before not in _RELATIVE_BEFORE
    return True


def _line_forms(text: str, timeout: float) -> list[tuple[str, int, int, str]]:
    """The forms that need more than one match's context: caption 的, unopened 》."""
    out = []
    if "的\n" in text:
        for m in _CAPTION_DE_RE.finditer(text, timeout=timeout):
            out.append(("orphan_de", m.start(1), m.end(1), m.group(1)))
    if text.count("》") > text.count("《"):
        closers = {m.end() - 1: m for m in _UNOPENED_TITLE_RE.finditer(text, timeout=timeout)}
        if closers:
            depth = 0
            for b in _BOOK_RE.finditer(text, timeout=timeout):
                if b.group() == "《":
                    depth += 1
                    continue
                m = closers.get(b.start())
                if depth == 0 and m is not None:
                    out.append(("unopened_title", m.start(), m.end(), m.group()))
                depth = max(0, depth - 1)
    return out
