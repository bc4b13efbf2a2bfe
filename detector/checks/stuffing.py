"""Keyword stuffing: the title's keyword repeated, echoed or listed beyond need.

Content farms write for search engines: the target keyword ("XX逾期协商")
goes into the title several times as near-synonymous variants
("X怎么办_X怎么处理_X流程"), into a parenthesised query
("X(X能活多久)"), into the body as the title line repeated, into tag
clouds of unrelated keywords, and into the prose far beyond need.

News articles legitimately repeat their subject: a report on 高温津贴 names
it 39 times in 1,900 characters. So density alone is a weak signal, and the
thresholds here were measured on 143 clean articles and the dev split (see
``docs/contact-and-stuffing.md``); the shapes of the title weigh more.

Rules:

``STUFF_TITLE_DENSITY``
    The entity the title names (the title substring covering most of the
    body) or, without a title, the most repeated 2–6 character term, far
    denser than any clean article: occurrences per 1,000 characters, the
    share of body characters it covers and the share of sentences holding it.
``STUFF_KEYWORD_MATRIX``
    A title that is a list of near-synonymous keyword phrases split by
    spaces, commas, ``|``, ``_``, ``-`` (segments sharing terms), or a title
    that echoes itself (one part contains another, ``X(X能活多久)``,
    ``X-X是什么``, ``X怎么说X流程详解``).
``STUFF_PAREN_QUERY``
    ``X(Y)`` where ``Y`` is a search query about ``X`` (shares a term and
    asks 怎么/什么/多久/吗…).
``STUFF_TITLE_REPEATED``
    The title line repeated in the body as a line of its own.
``STUFF_TAG_CLOUD``
    A 标签/热门标签/Tags/关键词 line with many items, most of which the body
    never mentions.

Title candidates: ``Document.title`` and the first short lines of the text
(excerpts and plain-text input have no separate title). Everything works on
the ``simplified`` view, so Traditional and Simplified count together, and
evidence is mapped back to the original text.

Cost: linear in the text. Title substrings are counted with ``str.count``
only where every bigram already occurs three times (a longer term never
occurs more often than its bigrams), the body is scanned once for
sentences and once for lines, and term counting without a title looks at
the first :data:`MAX_SCAN` characters.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import regex

from detector import hookimpl, limits
from detector.check import Check, RuleInfo
from detector.verdict import Evidence, Hit

from . import _rx

if TYPE_CHECKING:  # pragma: no cover
    from detector.config import Config
    from detector.document import Document
    from detector.views import View

SOURCE = "check:stuffing"

#: Longest line taken as a title candidate.
MAX_TITLE = 100
#: How many leading non-empty lines are title candidates.
TITLE_LINES = 5
#: Characters of the body scanned for the most repeated term (no title).
MAX_SCAN = 20_000
#: Shortest body (word characters) on which density is measured.
MIN_BODY = 300

#: A repeat of the title counts only this far (characters) after it: pages
#: legitimately show the title twice (page title, then article heading).
REPEAT_DISTANCE = 300

#: Density thresholds (measured on the clean corpora; see the docs):
#: per-1,000-character rate, covered share of the body, sentence share.
DENSITY_PER_K = 30.0
DENSITY_COVERAGE = 0.12
DENSITY_SENTENCES = 0.6
#: Coverage at which the density hit weighs one more point.
DENSITY_COVERAGE_HIGH = 0.16

#: Labels of tag and keyword lines (a literal prefilter for the tag-line pattern).
_TAG_WORDS = ("标签", "tag", "Tag", "TAG", "关键词", "关键字", "热门搜索", "相关搜索", "热搜", "热词")

_QUERY_WORDS = (
    "怎么", "怎样", "什么", "如何", "多少", "多久", "哪个", "哪里", "哪些", "为什么", "是否", "能否",
    "吗", "靠谱", "好不好", "可以", "有用", "能不能", "会不会", "几", "啥", "咋",
)

RULES = (
    RuleInfo("STUFF_TITLE_DENSITY", "stuffing", 3.0,
             "标题关键词在正文中密度异常高(关键词堆砌)",
             "The title's keyword is far denser in the body than in any normal article",
             source=SOURCE, target="simplified"),
    RuleInfo("STUFF_KEYWORD_MATRIX", "stuffing", 3.0,
             "标题是近义关键词列表或自我重复(关键词矩阵)",
             "The title is a list of near-synonymous keyword phrases or repeats itself",
             source=SOURCE, target="simplified"),
    RuleInfo("STUFF_PAREN_QUERY", "stuffing", 3.0,
             "标题括号内附加同主题搜索词(如 X(X能活多久))",
             "The title appends a search query about itself in parentheses",
             source=SOURCE, target="simplified"),
    RuleInfo("STUFF_TITLE_REPEATED", "stuffing", 2.0,
             "标题原样在正文中重复出现",
             "The title line is repeated verbatim in the body", source=SOURCE, target="simplified"),
    RuleInfo("STUFF_TAG_CLOUD", "stuffing", 1.5,
             "标签/关键词列表堆砌与正文无关的词",
             "A tag or keyword list stuffed with terms the text never mentions",
             source=SOURCE, target="simplified"),
)


@dataclass
class _Line:
    start: int
    end: int
    text: str


def _is_word(c: str) -> bool:
    return c.isalnum()


class _Patterns:
    """Compiled patterns, built once per check."""

    def __init__(self) -> None:
        self.line = regex.compile(r"[^\n]+")
        self.word_run = regex.compile(r"[\p{Han}A-Za-z0-9]+")
        self.han_run = regex.compile(r"\p{Han}{2,}")
        self.sentence = regex.compile(r"[^。！？!?；;\n]+")
        self.list_sep = regex.compile(r"\s*[_|｜,，、/]\s*|\s+-+\s+|\s*--+\s*|\s{1,}|-")
        self.part_sep = regex.compile(r"[_|｜,，、/\-—–:：()（）\[\]【】「」“”\"《》!！?？\s]+")
        self.paren = regex.compile(r"^(?P<x>[^()（）]{2,60})[(（](?P<y>[^()（）]{4,60})[)）]\s*$")
        self.tag_line = regex.compile(
            r"^\s*(?:热门标签|相关标签|标签|tags?|Tags?|TAGS?|关键词|关键字|热门搜索|相关搜索|热搜|热词)"
            r"\s*[:：]?\s*(?P<items>.+)$"
        )
        self.tag_split = regex.compile(r"[\s,，、|｜/;；]+")
        self.sentence_end = regex.compile(r"[。！？!?]\s*$")
        # "某某银行-某某银行官方网站" is a homepage title, not an echo.
        self.site_suffix = regex.compile(r"官网|官方|网站|首页|主页|频道|门户|博客|空间|论坛|网$|报$")
        self.site_name = regex.compile(r"(?:网|網|网站|官网|报|频道|论坛|百科全书|博客|空间|首页|门户|中心)$")
        self.url = regex.compile(r"(?i)https?://|www\.|\.(?:com|cn|net|org)/")
        self.prose = regex.compile(r"[。；;]|[，,][^，,]{12,}[，,]")
        # "关于X的所有信息 / 相关资讯 / 最新消息": the wrapper tag farms put
        # around a keyword (X stands for the echoed keyword).
        self.about_all = regex.compile(r"^关于X的?(?:所有|全部|相关|最新|更多)(?:信息|资讯|内容|消息|文章|问题)$")
        self.breadcrumb = regex.compile(r"[>»›＞].*[>»›＞]|当前位置|所在位置|您的位置|现在的位置")


#: Runs of characters that are not letters or digits (``[\W_]`` is exactly
#: ``not str.isalnum()``): on a page, counting them is faster than testing
#: every character.
_NOT_WORD = re.compile(r"[\W_]+")


def _word_chars(s: str) -> int:
    if len(s) < 64:
        return sum(map(str.isalnum, s))
    return len(s) - sum(map(len, _NOT_WORD.findall(s)))


def _number(value: Any) -> float:
    """Option converter: a positive number (bools rejected)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ValueError(f"expected a positive number, got {value!r}")
    return float(value)


class StuffingCheck(Check):
    """Measure title-keyword density and the shapes of stuffed titles.

    Args:
        config: The loaded configuration (reads ``stuffing.*`` options).
    """

    name = "stuffing"
    rules = RULES

    def __init__(self, config: Config | None = None) -> None:
        opt = (lambda k, d: config.option(k, d)) if config is not None else (lambda k, d: d)
        self.per_k = float(opt("stuffing.density_per_1000", DENSITY_PER_K))
        self.coverage = float(opt("stuffing.density_coverage", DENSITY_COVERAGE))
        self.sent_share = float(opt("stuffing.sentence_share", DENSITY_SENTENCES))
        self.p = _Patterns()

    # -- helpers ----------------------------------------------------------
    def _lines(self, doc: Document, t: str, limit: int) -> list[_Line]:
        out = []
        for m in limits.finditer(self.p.line, t, doc, what="stuffing-lines"):
            s = m.group()
            if s.strip():
                st = m.start() + (len(s) - len(s.lstrip()))
                out.append(_Line(st, m.start() + len(s.rstrip()), s.strip()))
                if len(out) >= limit:
                    break
        return out

    def _titles(self, doc: Document, v: View) -> list[tuple[str, _Line | None]]:
        """Title candidates: (text, line in the view or None for ``doc.title``)."""
        out: list[tuple[str, _Line | None]] = []
        title = doc.folded_title()
        if title:
            out.append((title[:MAX_TITLE * 2], None))
        for ln in self._lines(doc, v.text, TITLE_LINES):
            if len(ln.text) <= MAX_TITLE and _word_chars(ln.text) >= 4 and not _rx.search(self.p.url, ln.text):
                out.append((ln.text, ln))
        return out

    # -- the check ----------------------------------------------------------
    def run(self, doc: Document) -> Iterable[Hit]:
        """Yield stuffing hits for ``doc``."""
        if not doc.text or not doc.text.strip():
            return []
        v = doc.view("simplified")
        hits: list[Hit] = []
        titles = self._titles(doc, v)
        # Shapes of the title candidates (first match per rule).
        done: set[str] = set()
        for k, (text, line) in enumerate(titles):
            first = line is None or k == 0 or (k == 1 and titles[0][1] is None)
            for h in self._title_shapes(v, text, line, first):
                if h.rule not in done:
                    done.add(h.rule)
                    hits.append(h)
        # Any title candidate repeated as a line of its own: the first short
        # line is sometimes page furniture ("页面加载中") above the real title.
        for k, (text, line) in enumerate(titles):
            # Later candidates must read as a heading (dates and bylines repeat).
            if k > 0 and (_han_count(text) < 6 or _is_button_bar(text)):
                continue
            h = self._title_repeated(doc, v, text, line)
            if h is not None:
                hits.append(h)
                break
        h = self._density(doc, v, titles)
        if h is not None:
            hits.append(h)
        h = self._tag_cloud(doc, v)
        if h is not None:
            hits.append(h)
        return hits

    # -- title shapes -------------------------------------------------------
    def _title_shapes(self, v: View, text: str, line: _Line | None, first: bool) -> Iterable[Hit]:
        ev = [v.evidence(line.start, line.end)] if line is not None else []
        where = "text" if line is not None else "title"
        # Parenthesised query: X(Y).
        m = _rx.search(self.p.paren, text) if ("(" in text or "（" in text) else None
        if m is not None:
            x, y = m.group("x"), m.group("y")
            shared = _shared_terms(x, y)
            if shared and any(w in y for w in _QUERY_WORDS):
                yield self.hit("STUFF_PAREN_QUERY", ev,
                               details={"where": where, "title": text, "query": y, "shared": shared[:5]})
        if self._prose_or_breadcrumb(text):
            return  # prose or a breadcrumb, not a keyword title
        # Echo: one part strictly contains another, or a phrase twice in a run.
        parts = [p for p in _rx.split(self.p.part_sep, text) if _is_term(p)]
        echo = ""
        echo_query = False
        for i, a in enumerate(parts):
            for b in parts[i + 1:]:
                short, long_ = (a, b) if len(a) <= len(b) else (b, a)
                # The longer part adds a query or a phrase ("X会怎么样",
                # "关于X的所有信息"), not a prefix such as "每日X".
                rest = long_.replace(short, "", 1)
                if (_is_phrase(short) and short in long_ and len(long_) >= len(short) + 3
                        and not _rx.search(self.p.site_suffix, rest)):
                    echo = short
                    # A query word, or the tag-farm wrapper "关于X的所有信息".
                    echo_query = (any(w in rest for w in _QUERY_WORDS)
                                  or _rx.search(self.p.about_all, long_.replace(short, "X", 1)) is not None)
                    break
            if echo:
                break
        if not echo:
            for run in _rx.findall(self.p.han_run, text):
                echo = _repeated_in(run, 4)
                if echo:
                    # "X怎么说X流程详解": the rest of the run asks about X.
                    echo_query = any(w in run.replace(echo, "") for w in _QUERY_WORDS)
                    break
        # A list of near-synonymous keyword phrases (title or first line only).
        segs: list[str] = []
        overlap = 0.0
        is_list = False
        if first:
            segs = [s for s in _rx.split(self.p.list_sep, text) if _is_term(s)]
            # Drop the trailing channel and site names of an HTML <title>
            # (also when a page's <title> is the first line of plain text).
            while len(segs) > 1 and _rx.search(self.p.site_name, segs[-1]):
                segs.pop()
            # Menus ("国内新闻 国际新闻 社会新闻") share a short suffix between
            # 4-character items; keyword phrases are longer.
            mean_len = sum(_word_chars(x) for x in segs) / len(segs) if segs else 0.0
            if len(segs) >= 3 and all(len(s) <= 24 for s in segs) and mean_len >= 5:
                overlap = _mean_overlap(segs)
                # An HTML <title> often ends in channel and site names that
                # share words ("新浪房产_新浪网"): ask more of it.
                if line is None:
                    is_list = len(segs) >= 4 and overlap >= 0.6
                else:
                    is_list = (len(segs) >= 4 and overlap >= 0.5) or overlap >= 0.7
        if is_list or echo:
            # Echo: 3.5, or 5.0 when the echo asks a query about the title
            # ("X,X会怎么样", "X-X是什么"); a list of 4: 4.0; of 5 or more: 5.0.
            w = self.rule("STUFF_KEYWORD_MATRIX").weight + (2.0 if echo_query else 0.5)
            if is_list:
                w = 5.0 if len(segs) >= 5 else 4.0
                if echo:
                    w += 0.5
            yield self.hit("STUFF_KEYWORD_MATRIX", ev, weight=w,
                           details={"where": where, "title": text, "segments": segs[:20] if is_list else [],
                                    "overlap": round(overlap, 3), "echo": echo, "echo_query": echo_query})

    def _prose_or_breadcrumb(self, text: str) -> bool:
        """``p.prose`` or ``p.breadcrumb`` matches ``text`` (literal tests first: most lines decide there)."""
        if "。" in text or "；" in text or ";" in text:
            return True
        if text.count("，") + text.count(",") >= 2 and _rx.search(self.p.prose, text):
            return True
        if "位置" in text:
            return _rx.search(self.p.breadcrumb, text) is not None
        if sum(text.count(c) for c in ">»›＞") >= 2:
            return _rx.search(self.p.breadcrumb, text) is not None
        return False

    # -- title line repeated -------------------------------------------------
    def _title_repeated(self, doc: Document, v: View, title: str, line: _Line | None) -> Hit | None:
        core = "".join(filter(str.isalnum, title))
        if len(core) < 8 or _rx.search(self.p.sentence_end, title):
            return None
        t = v.text
        first = line.end if line is not None else 0
        evs: list[Evidence] = []
        pos = first
        key = title.strip()
        while len(evs) < 20:
            i = t.find(key, pos)
            if i < 0:
                break
            # A line of its own (or nearly: the title is most of the line).
            ls = t.rfind("\n", 0, i) + 1
            le = t.find("\n", i)
            le = len(t) if le < 0 else le
            if len(key) * 10 >= (le - ls) * 7 and i - first >= REPEAT_DISTANCE:
                evs.append(v.evidence(i, i + len(key)))
            pos = i + len(key)
        if not evs:
            return None
        w = self.rule("STUFF_TITLE_REPEATED").weight + (1.0 if len(evs) >= 2 else 0.0)
        first_ev = [v.evidence(line.start, line.end)] if line is not None else []
        return self.hit("STUFF_TITLE_REPEATED", [*first_ev, *evs], weight=w,
                        details={"term": key, "count": len(evs)})

    # -- density -------------------------------------------------------------
    def _density(self, doc: Document, v: View, titles: list[tuple[str, _Line | None]]) -> Hit | None:
        t = v.text
        skip = titles[0][1] if titles and titles[0][1] is not None else None
        body = t if skip is None else t[:skip.start] + " " * (skip.end - skip.start) + t[skip.end:]
        n_word = _word_chars(body[:MAX_SCAN * 10])
        if n_word < MIN_BODY:
            return None
        term, count, source = "", 0, ""
        if titles:
            term, count = self._title_entity(body, titles[0][0])
            source = "title"
        need = max(5, int(self.per_k * n_word / 1000.0))  # count needed to reach the rate
        if not term:
            term, count = self._top_term(doc, body[:MAX_SCAN], need)
            source = "frequent"
            if term and len(body) > MAX_SCAN:
                count = body.count(term)
        if not term or count < 5:
            return None
        per_k = count * 1000.0 / n_word
        coverage = count * len(term) / n_word
        if len(term) < 3 or per_k < self.per_k or coverage < self.coverage:
            return None
        sents = [m for m in limits.finditer(self.p.sentence, body, doc, what="stuffing-sentences")
                 if _word_chars(m.group()) >= 5]
        with_term = sum(1 for m in sents if term in m.group())
        share = with_term / len(sents) if sents else 0.0
        details = {"term": term, "source": source, "count": count, "density_per_1000": round(per_k, 2),
                   "coverage": round(coverage, 4), "sentence_share": round(share, 3),
                   "body_chars": n_word}
        w = self.rule("STUFF_TITLE_DENSITY").weight
        if coverage >= DENSITY_COVERAGE_HIGH:
            w += 1.0
        if share >= self.sent_share and len(sents) >= 5:
            w += 0.5
        evs = []
        pos = 0
        while len(evs) < 10:
            i = body.find(term, pos)
            if i < 0:
                break
            evs.append(v.evidence(i, i + len(term)))
            pos = i + len(term)
        return self.hit("STUFF_TITLE_DENSITY", evs, weight=w, details=details)

    def _title_entity(self, body: str, title: str) -> tuple[str, int]:
        """The title substring (2–8 characters) covering most of the body."""
        best, best_count, best_cov = "", 0, 0
        for run in _rx.findall(self.p.word_run, title[:MAX_TITLE]):
            if len(run) < 2:
                continue
            bi = [body.count(run[i:i + 2]) >= 3 for i in range(len(run) - 1)]
            i = 0
            while i < len(bi):
                if not bi[i]:
                    i += 1
                    continue
                j = i
                while j < len(bi) and bi[j]:
                    j += 1
                stretch = run[i:j + 1]  # every bigram here occurs 3+ times
                for a in range(len(stretch) - 1):
                    for L in range(2, min(8, len(stretch) - a) + 1):
                        w = stretch[a:a + L]
                        c = body.count(w)
                        if c < 3:
                            break
                        if c * L > best_cov:
                            best, best_count, best_cov = w, c, c * L
                i = j
        return best, best_count

    def _top_term(self, doc: Document, body: str, need: int) -> tuple[str, int]:
        """The most repeated 2–6 character Han term (extended from the top bigram).

        Only characters occurring ``need`` times can be part of a term dense
        enough to matter, so bigrams are counted only inside runs of them.
        """
        hot = {ch for ch, k in Counter(body).items() if k >= need and _is_han(ch)}
        if len(hot) < 2:
            return "", 0
        hot_runs = regex.compile("[" + "".join(sorted(hot)) + "]{2,}")
        counts: Counter[str] = Counter()
        for run in _rx.findall(hot_runs, body, doc):
            counts.update(run[i:i + 2] for i in range(len(run) - 1))
        if not counts:
            return "", 0
        term, c = counts.most_common(1)[0]
        if c < need:
            return "", 0
        # Extend while the longer term keeps at least 80% of the count.
        for _ in range(4):
            where = _find_all(body, term)
            left = Counter(body[i - 1] for i in where if i > 0)
            right = Counter(body[i + len(term)] for i in where if i + len(term) < len(body))
            cand = []
            if left:
                ch, k = left.most_common(1)[0]
                if _is_han(ch):
                    cand.append((k, ch + term))
            if right:
                ch, k = right.most_common(1)[0]
                if _is_han(ch):
                    cand.append((k, term + ch))
            if not cand:
                break
            k, nt = max(cand)
            if k < 0.8 * c:
                break
            term, c = nt, k
        return term, c

    # -- tag clouds ------------------------------------------------------------
    def _tag_cloud(self, doc: Document, v: View) -> Hit | None:
        t = v.text
        head = t[:20_000]
        if not any(w in head for w in _TAG_WORDS):
            return None
        for ln in self._lines(doc, t, 60):
            m = _rx.search(self.p.tag_line, ln.text, doc)
            if m is None:
                continue
            items = [x for x in _rx.split(self.p.tag_split, m.group("items"), doc) if _word_chars(x) >= 2]
            if len(items) < 5:
                continue
            rest = t[:ln.start] + t[ln.end:]
            absent = [x for x in items if x not in rest]
            if len(absent) * 2 < len(items):
                continue
            w = self.rule("STUFF_TAG_CLOUD").weight + (0.5 if len(items) >= 8 else 0.0)
            return self.hit("STUFF_TAG_CLOUD", [v.evidence(ln.start, ln.end)], weight=w,
                            details={"items": items[:30], "count": len(items), "absent_from_text": len(absent)})
        return None


@lru_cache(maxsize=1)
def _latin3() -> regex.Pattern[str]:
    return regex.compile(r"[A-Za-z]{3,}")


@lru_cache(maxsize=1)
def _latin2() -> regex.Pattern[str]:
    return regex.compile(r"[A-Za-z]{2,}")


def _has_latin(s: str) -> bool:
    return any(c.isascii() and c.isalpha() for c in s)


def _is_term(s: str) -> bool:
    """A keyword-like segment: two Han characters or three ASCII letters."""
    return _han_count(s) >= 2 or _latin_count(s) >= 3


def _is_button_bar(s: str) -> bool:
    """Short items split by spaces ("发表新帖 回复本帖"): forum and page chrome, not a title."""
    items = s.split()
    return len(items) >= 2 and all(len(x) <= 5 for x in items)


def _is_phrase(s: str) -> bool:
    """Long enough to count as an echoed phrase (3 Han characters, 4 characters in all).

    Latin-only parts do not count: user names and URLs echo themselves
    ("name http://host/name/").
    """
    han = sum(1 for c in s if "\u4e00" <= c <= "\u9fff")
    return han >= 3 and len(s) >= 4


def _shared_terms(a: str, b: str) -> list[str]:
    """Han bigrams and 3+ letter ASCII words that ``a`` and ``b`` share."""
    out = []
    for i in range(len(a) - 1):
        bg = a[i:i + 2]
        if "\u4e00" <= bg[0] <= "\u9fff" and "\u4e00" <= bg[1] <= "\u9fff" and bg in b and bg not in out:
            out.append(bg)
    if not _has_latin(a) or not _has_latin(b):
        return out
    wa = {w.lower() for w in _rx.findall(_latin3(), a)}
    if wa:
        wb = {w.lower() for w in _rx.findall(_latin3(), b)}
        out.extend(sorted(wa & wb))
    return out


def _mean_overlap(segs: list[str]) -> float:
    """Mean share of each segment's characters covered by terms other segments share.

    Keyword-matrix titles are variants of one keyword ("选股指标公式 黑马指标公式"):
    most of every segment is shared vocabulary. A headline followed by site
    names shares little.
    """
    total = 0.0
    for i, a in enumerate(segs):
        covered = [False] * len(a)
        others = [b for j, b in enumerate(segs) if j != i]
        for k in range(len(a) - 1):
            bg = a[k:k + 2]
            if _is_han(bg[0]) and _is_han(bg[1]) and any(bg in b for b in others):
                covered[k] = covered[k + 1] = True
        for m in (limits.finditer(_latin2(), a) if _has_latin(a) else ()):
            w = m.group().lower()
            if any(w in b.lower() for b in others):
                for k in range(m.start(), m.end()):
                    covered[k] = True
        size = _han_count(a) + _latin_count(a)
        total += min(1.0, sum(covered) / size) if size else 0.0
    return total / len(segs) if segs else 0.0


def _is_han(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff"


# One-class counters (linear, nothing to backtrack: the standard library's re
# counts in C, where a generator over the characters costs ~10x more).
_HAN_CLASS = re.compile("[\u4e00-\u9fff]")
_LATIN_CLASS = re.compile("[A-Za-z]")


def _han_count(s: str) -> int:
    return _HAN_CLASS.subn("", s)[1]


def _latin_count(s: str) -> int:
    return _LATIN_CLASS.subn("", s)[1]


def _find_all(s: str, sub: str, limit: int = 2000) -> list[int]:
    out = []
    i = s.find(sub)
    while i >= 0 and len(out) < limit:
        out.append(i)
        i = s.find(sub, i + len(sub))
    return out


def _repeated_in(run: str, minimum: int) -> str:
    """A substring of ``run`` of at least ``minimum`` characters that occurs twice without overlap."""
    for L in range(min(len(run) // 2, 20), minimum - 1, -1):
        seen: dict[str, int] = {}
        for i in range(len(run) - L + 1):
            s = run[i:i + L]
            j = seen.get(s)
            if j is not None and i - j >= L:
                return s
            if j is None:
                seen[s] = i
    return ""


@hookimpl
def spamdetect_add_config(spec: Any) -> None:
    """Declare the ``stuffing.*`` options."""
    spec.add("stuffing.density_per_1000", DENSITY_PER_K, type=_number,
             help="Title-keyword occurrences per 1,000 characters counted as stuffing")
    spec.add("stuffing.density_coverage", DENSITY_COVERAGE, type=_number,
             help="Share of body characters the title keyword may cover")
    spec.add("stuffing.sentence_share", DENSITY_SENTENCES, type=_number,
             help="Share of sentences holding the title keyword counted as stuffing")


@hookimpl
def spamdetect_register_checks(config: Config) -> list[Check]:
    """Register the stuffing check."""
    return [StuffingCheck(config)]
