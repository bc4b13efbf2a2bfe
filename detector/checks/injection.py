"""Keyword injection: SEO keywords grafted onto text that is about something else.

Hijacked and parasite pages (寄生虫, 泛目录, mirrors of real articles on
expired domains) keep a genuine body and add the keywords they are paid to
rank for. Unlike classic stuffing, the keyword is not repeated: it is put
where a search engine looks and a reader does not. This module describes
such placements, each by its shape, never by a site or a farm's
boilerplate:

``STUFF_ADULT_KEYWORDS``
    A line made of porn-SEO keyword phrases ("…一区二区_…无码…_…在线观看")
    above an unrelated article. Terms come from a small lexicon in two
    tiers: explicit terms (strong) and the generic words such lines are
    built from (国产, 日韩, 在线观看 …; weak, never enough alone). A line
    fires only when it is not prose, two different explicit terms are
    present (one alone has innocent readings: "AV接口", "偷拍" in a news
    story) and the lexicon covers a large share of its characters.
``STUFF_GAMBLING_AD``
    A word that names gambling with an SEO call to action glued to it
    ("…赌场官网", "…娱乐城注册", "…百家乐开户"), or a gambling word, casino
    brand or card game next to a bare domain name with advertising words
    around it. Casino resort brands are hotels too, so "brand + 官网"
    alone never counts; card games are legal apps, so they count only in
    the domain-ad shape. News reporting names casinos without calls to
    action, and crime, regulation and business reporting (警方, 非法,
    涉嫌, 公司, 财报 … within the window) is skipped.
``STUFF_GLUED_TAGS``
    Tag words appended after the final punctuation of paragraphs
    ("…再删除缓存中的旧值。redis", "…稍后重试。java"), the trace of scrapers that
    flatten an article's tag list into its text. Hard-wrapped prose also
    ends lines after "。" with a word, so Latin tags must dominate.
``STUFF_MEDICAL_AD``
    A medical-SEO keyword phrase on a line of its own ("杭州正规牛皮癣医院",
    "前列腺医院哪家好"): a qualifier of rank or trust next to a condition
    such clinics advertise and a hospital word, the keyword shape of
    clinic lead generation. Prose lines never count (a report on such
    clinics quotes the phrase inside sentences); a link on the line adds
    weight.
``STUFF_DOUBLED_TOKEN``
    One two-character word spliced in doubled, again and again ("…阳台上的花盆花盆
    终于…再拌上羊粪花盆花盆…"): keyword splicers insert a target word next
    to its own copy. Chinese reduplicates verbs and adverbs ("研究研究",
    "一点一点") and song lyrics repeat lines, but the same doubled pair
    three times in one page was never seen in the clean corpora (at most
    twice).
``STUFF_SPLICED_QUERY``
    One search-query phrase ("网贷逾期怎么办", "XX哪家好") spliced into the
    middle of sentences again and again, Han characters on both sides
    ("…对于拥抱网贷逾期怎么办互联网+的热情…"): 泛目录 generators insert the
    target query at random points of a scraped article. Prose asks a
    question at the end of a clause, before punctuation; the same query of
    at least two characters plus its query word, glued into running text
    three times, was never seen in the clean corpora or the dev ham.
``STUFF_QUERY_TITLE_MISMATCH``
    A first line shaped as a search query (怎么/如何/什么/吗/?, or a
    parenthesised second query) whose terms the body never uses: a
    keyword title grafted onto an unrelated article. Measured with Han
    bigram and Latin word overlap between title and body.

Everything reads the ``simplified`` view (Traditional text folds into the
same lexicon) and evidence maps back to the original text. Adult keyword
lines, gambling calls and query titles are also looked for in
``Document.title`` (the HTML ``<title>`` of a hijacked page); such hits carry ``where: title`` and
no evidence span, since evidence indexes the text. Every regex call
goes through :mod:`detector.limits`, except the spliced-query scan: a
literal alternation with a one-character look-ahead, linear by
construction, run by the standard library's faster engine. Cost: one lexicon scan per family (a
literal prefilter first), one line scan, one set of title bigrams.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

import regex

from detector import hookimpl, limits
from detector.check import Check, RuleInfo
from detector.document import StashKey
from detector.keywords import KeywordSet
from detector.verdict import Hit

from . import _rx

if TYPE_CHECKING:  # pragma: no cover
    from detector.config import Config
    from detector.document import Document
    from detector.views import View

SOURCE = "check:injection"

#: Longest line read as a keyword line or a title.
MAX_LINE = 240
#: Characters scanned for injected keywords (the head of a page carries them).
MAX_SCAN = 50_000

# -- lexicons ---------------------------------------------------------------
# Explicit porn-SEO terms: two different ones make a keyword line adult.
_ADULT_STRONG = (
    "无码", "有码", "毛片", "少妇", "人妻", "熟女", "三级片", "一级片", "黄片", "乱伦", "色情",
    "波多野", "蜜臀", "特黄", "黄色视频", "黄色影片", "黄色网站", "黄色电影", "成人视频",
    "成人电影", "成人影片", "成人网站", "成人影院", "偷拍", "偷窥", "自慰", "口交", "做爱",
    "性爱", "爆乳", "巨乳", "裸聊", "约炮", "18禁",
)
# Words such lines are assembled from; common in normal text, never enough alone.
_ADULT_WEAK = (
    "国产", "日韩", "欧美", "亚洲", "一区", "二区", "三区", "久久", "精品", "在线观看", "在线播放",
    "在线看", "免费观看", "不卡", "福利", "激情", "午夜", "高清", "视频", "影院", "专区", "丝袜",
    "麻豆", "天堂", "伊人", "综合", "人人", "天天", "免费", "成人", "黄色",
)
# Words that name gambling itself (sector vocabulary, not one farm's names).
_GAMBLING_CORE = (
    "赌场", "博彩", "娱乐城", "百家乐", "真人荷官", "老虎机", "时时彩", "六合彩", "体育投注", "赌球",
    "皇冠体育", "电子游艺", "真人视讯",
)
# Casino resort brands: also hotels and malls (a travel story books a room on
# their official site), so they count only with a gambling word attached
# ("…娱乐官网"), never as "brand + 官网".
_RESORTS = ("威尼斯人", "葡京", "金沙", "永利", "美高梅", "新濠", "太阳城", "银河")
# Games that are legal and sold in app stores: only in the domain-ad shape.
_GAMES = ("扑克", "棋牌")
# SEO calls to action glued to a gambling word.
_CALL = r"官网|官方网站|网址|注册|开户|登录|登陆|入口|下载|app|APP"
# Advertising words around a gambling term and a domain name.
_PROMO = (
    "正规", "安全", "有保障", "信誉", "实力", "立即", "加入", "注册", "开户", "彩金", "优惠",
    "首存", "返水", "官网", "网址", "入口", "玩家", "平台", "最具", "同乐", "火爆",
)
# Crime and regulation reporting: gambling named by the news, not advertised.
_REPORTING = (
    r"非法|违法|涉嫌|警方|公安|警察|诈骗|打击|犯罪|被骗|举报|查处|赌博|取缔|判处|涉赌|涉案|法院|"
    r"监管|网警|提醒|警惕|谨防|受害|公司|集团|股份|上市|财报|股价|收入|牌照"
)
# Function-word bigrams: shared by any two Chinese texts, not topic terms.
_FUNCTION_BIGRAMS = frozenset((
    "怎么", "怎样", "如何", "什么", "多少", "多久", "为什么", "是否", "能否", "不能", "能不", "会不",
    "因为", "所以", "不会", "不好", "不是", "那是", "就是", "这是", "可以", "我们", "你们", "他们",
    "这个", "那个", "一个", "没有", "还是", "或者", "如果", "但是", "自己", "的人", "了吗", "是什",
    "么样", "一下", "之后", "以后", "时候",
))
# Conditions advertised by lead-generation clinics (their SEO keyword shape).
_CONDITIONS = (
    "白癜风", "牛皮癣", "银屑病", "男科", "妇科", "不孕不育", "癫痫", "包皮", "前列腺", "阳痿", "早泄",
    "人流", "性病", "尖锐湿疣", "狐臭", "痔疮", "肛肠", "皮肤病", "湿疹", "痤疮", "脱发",
)
_RANK = r"正规|哪家|哪个|最好|排名|专业|权威|靠谱|知名"
_RANK_AFTER = r"哪家好|哪个好|排名|最好|正规|好不好|在哪"
_QUERY = r"怎么|怎样|如何|什么|多少|多久|哪个|哪里|哪些|为什么|是否|能否|吗|靠谱|好不好|能不能|会不会|啥|咋"


#: Query words a spliced search phrase ends with.
_SPLICE_QUERY_WORDS = (
    "怎么办", "怎么样", "怎么做", "怎么弄", "怎么回事", "怎么处理", "怎么解决", "如何处理", "如何解决",
    "是什么", "什么意思", "多少钱", "哪家好", "哪个好", "好不好", "有哪些", "能活多久", "要多久",
    "有用吗", "靠谱吗", "可以吗", "是真的吗", "犯法吗", "违法吗",
)
#: Same spliced query this many times: a hit (and the weight steps up at SPLICE_MANY).
SPLICE_MIN = 3
SPLICE_MANY = 5


def _alternation(words: Iterable[str]) -> str:
    return "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True))


class _Patterns:
    """Compiled patterns, built once per check."""

    def __init__(self) -> None:
        self.adult = regex.compile(
            rf"(?P<s>{_alternation(_ADULT_STRONG)}|(?<![A-Za-z])av(?![A-Za-z]))|(?P<w>{_alternation(_ADULT_WEAK)})",
            regex.IGNORECASE,
        )
        # A gambling term, at most two characters of the same word, then a call to action.
        gambling_word = rf"{_alternation(_GAMBLING_CORE)}|(?:{_alternation(_RESORTS)})(?:国际)?娱乐(?!场)"
        self.gambling_call = regex.compile(
            rf"(?P<g>{gambling_word})(?P<gap>[\p{{Han}}A-Za-z0-9]{{0,2}}?)(?P<c>{_CALL})"
        )
        self.gambling = regex.compile(rf"{gambling_word}|{_alternation(_RESORTS + _GAMES)}")
        self.domain = regex.compile(
            r"(?<![A-Za-z0-9.@/-])(?:www\.)?[a-z0-9][a-z0-9-]{1,30}\.(?:com|net|cc|vip|top|co|me|org|tv|info|xyz|app)\b",
            regex.I,
        )
        self.promo = regex.compile(_alternation(_PROMO))
        self.line = regex.compile(r"[^\n]+")
        self.reporting = regex.compile(_REPORTING)
        self.query = regex.compile(_QUERY)
        self.question_mark = regex.compile(r"[?？]")
        cond = _alternation(_CONDITIONS)
        self.medical = regex.compile(
            rf"(?:{_RANK})[^\n,，。]{{0,6}}?(?:{cond})[^\n,，。]{{0,4}}?(?:医院|专科|诊所|门诊)"
            rf"|(?:{cond})[^\n,，。]{{0,4}}?(?:医院|专科)[^\n,，。]{{0,4}}?(?:{_RANK_AFTER})"
        )
        # One Aho-Corasick pass over the page tells which of the three
        # lexicons (adult, gambling, medical) occur at all; a lexicon with no
        # word on the page rules its regexes out (a regex alternation of the
        # same literals costs ~10 us a page each).
        self.lexicons = KeywordSet(
            (w, tag) for tag, words in (("adult", _ADULT_STRONG),
                                        ("gambling", _GAMBLING_CORE + _RESORTS + _GAMES),
                                        ("medical", _CONDITIONS))
            for w in words)
        self.url = regex.compile(r"(?i)https?://|www\.")
        # A paragraph ending in sentence punctuation with a short token glued
        # after it: a Latin tag at any line end; a Han word only before a
        # blank line (hard-wrapped prose breaks lines after "。" plus a word).
        self.glued = regex.compile(
            r"[。！？!?](?:(?P<t>[A-Za-z][A-Za-z0-9+#]{1,15})[ \t]*(?=\n|\Z)"
            r"|(?P<t>\p{Han}{2,4})[ \t]*(?=\n[ \t]*\n|\n?\Z))"
        )
        self.prose = regex.compile(r"[。；;，,].*[。；;，,]")
        self.han_bigram_chars = regex.compile(r"\p{Han}{2,}")
        self.latin_word = regex.compile(r"[A-Za-z]{3,}")
        self.paren_query = regex.compile(r"[(（][^()（）]{4,60}[)）]\s*$")
        self.title_sep = regex.compile(r"\s*[_|｜]\s*|\s+-\s+")
        # A query word glued between Han characters (mid-sentence).
        # A literal alternation and a one-character look-ahead: linear by
        # construction, so the standard library's faster engine (2.5x here)
        # needs no time limit. The Han character before it is tested in Python.
        self.spliced_query = re.compile(rf"(?:{_alternation(_SPLICE_QUERY_WORDS)})(?=[\u4e00-\u9fff])")


def _bigrams(runs: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for r in runs:
        out.update(r[i:i + 2] for i in range(len(r) - 1))
    return out


_LEXICONS_KEY: StashKey[frozenset[str]] = StashKey()


def _title_text(doc: Document) -> str:
    """``Document.title`` folded to Simplified (HTML ``<title>``), or ""."""
    return doc.folded_title()[:MAX_LINE]


def _doubled_positions(t: str) -> list[int]:
    """Offsets ``i`` where ``t[i:i+2]`` is two different Han characters repeated at once.

    Compares the code points with themselves shifted by two (numpy, no
    regex backreference: about 20 times faster on a page). "哈哈哈哈" and
    one-character reduplication ("看看看看") are left out.
    """
    if len(t) < 4:
        return []
    import numpy as np

    a = np.frombuffer(t.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    same = a[:-2] == a[2:]
    hit = same[:-1] & same[1:] & (a[:-3] != a[1:-2]) & (a[:-3] >= 0x4E00) & (a[:-3] <= 0x9FFF)
    hit &= (a[1:-2] >= 0x4E00) & (a[1:-2] <= 0x9FFF)
    return [int(i) for i in np.flatnonzero(hit)]


class InjectionCheck(Check):
    """Find SEO keywords injected into otherwise ordinary pages.

    Args:
        config: The loaded configuration (unused; kept for the hook's shape).
    """

    name = "injection"
    rules = (
        RuleInfo("STUFF_ADULT_KEYWORDS", "stuffing", 6.0,
                 "色情 SEO 关键词行(寄生页面注入的关键词标题)",
                 "A line of porn-SEO keyword phrases injected above the page's content",
                 source=SOURCE, target="simplified"),
        RuleInfo("STUFF_GAMBLING_AD", "stuffing", 5.0,
                 "博彩关键词加推广用语(官网/注册/开户/网址)注入正文",
                 "A gambling brand with an SEO call to action (官网/注册/开户/a domain) injected into the text",
                 source=SOURCE, target="simplified"),
        RuleInfo("STUFF_GLUED_TAGS", "stuffing", 3.0,
                 "段落句末标点后粘贴标签词(采集站把标签混入正文)",
                 "Tag words glued after the final punctuation of paragraphs (scraped tags flattened into text)",
                 source=SOURCE, target="simplified"),
        RuleInfo("STUFF_MEDICAL_AD", "stuffing", 3.0,
                 "医疗推广关键词独立成行(如“某地正规某病医院”)",
                 "A medical lead-generation keyword phrase on a line of its own (\"正规…医院\", \"…医院哪家好\")",
                 source=SOURCE, target="simplified"),
        RuleInfo("STUFF_DOUBLED_TOKEN", "stuffing", 3.0,
                 "同一词语反复成对插入正文(如“花盆花盆”)",
                 "One word spliced into the text doubled, again and again (\"花盆花盆\")",
                 source=SOURCE, target="simplified"),
        RuleInfo("STUFF_SPLICED_QUERY", "stuffing", 3.0,
                 "同一搜索词(如“X怎么办”“X哪家好”)被反复插进句子中间(泛目录拼接)",
                 "One search-query phrase (\"X怎么办\", \"X哪家好\") spliced into the middle of sentences "
                 "again and again",
                 source=SOURCE, target="simplified"),
        RuleInfo("STUFF_QUERY_TITLE_MISMATCH", "stuffing", 3.0,
                 "搜索词式标题与正文无关(关键词标题嫁接到无关文章)",
                 "A search-query title whose terms the body never uses (keyword title grafted onto another text)",
                 source=SOURCE, target="simplified"),
    )

    def __init__(self, config: Config | None = None) -> None:
        self.p = _Patterns()

    def _lexicons(self, doc: Document, t: str) -> frozenset[str]:
        """Which of the adult/gambling/medical lexicons have a word in ``t`` (once per document)."""
        found = doc.stash.get(_LEXICONS_KEY)
        if found is None:
            found = doc.stash[_LEXICONS_KEY] = self.p.lexicons.keys_in(t)
        return found

    def run(self, doc: Document) -> Iterable[Hit]:
        """Yield injection hits for ``doc``."""
        if not doc.text or not doc.text.strip():
            return []
        v = doc.view("simplified")
        hits: list[Hit] = []
        for fn in (self._adult_line, self._gambling_ad, self._medical_ad, self._glued_tags,
                   self._doubled_token, self._spliced_query, self._title_mismatch):
            h = fn(doc, v)
            if h is not None:
                hits.append(h)
        return hits

    # -- adult keyword lines ---------------------------------------------------
    def _adult_score(self, doc: Document, s: str) -> tuple[int, int, int, float] | None:
        """(score, strong, weak, lexicon share) when ``s`` is an adult keyword line, else None."""
        # Short, non-prose lines only (cheap counts before any regex).
        if len(s) > MAX_LINE or len(s) < 8 or sum(map(s.count, "。，,；;")) >= 2:
            return None
        strong = weak = covered = 0
        distinct: set[str] = set()
        for m in limits.finditer(self.p.adult, s, doc, what="injection-adult"):
            if m.group("s"):
                strong += 1
                distinct.add(m.group().lower())
            else:
                weak += 1
            covered += len(m.group())
        word = sum(map(str.isalnum, s))
        score = 2 * strong + weak
        # Two different explicit terms: one ("AV接口", "偷拍") has innocent readings.
        if len(distinct) >= 2 and score >= 6 and word and covered / word >= 0.25:
            return score, strong, weak, round(covered / word, 3)
        return None

    def _adult_line(self, doc: Document, v: View) -> Hit | None:
        title = _title_text(doc)
        if title:
            r = self._adult_score(doc, title)
            if r is not None:
                return self.hit("STUFF_ADULT_KEYWORDS", [],
                                details={"where": "title", "title": title, "strong_terms": r[1],
                                         "weak_terms": r[2], "lexicon_share": r[3]})
        t = v.text[:MAX_SCAN]
        if "adult" not in self._lexicons(doc, t) and not any(x in t for x in ("av", "AV", "Av", "aV")):
            return None
        best = None
        for ln in limits.finditer(self.p.line, t, doc, what="injection-lines"):
            r = self._adult_score(doc, ln.group())
            if r is not None and (best is None or r[0] > best[0][0]):
                best = (r, ln.start(), ln.end())
        if best is None:
            return None
        (_, strong, weak, share), a, b = best
        ev = v.evidence(a + (len(v.text[a:b]) - len(v.text[a:b].lstrip())), b)
        return self.hit("STUFF_ADULT_KEYWORDS", [ev],
                        details={"where": "text", "strong_terms": strong, "weak_terms": weak,
                                 "lexicon_share": share})

    # -- gambling ads -------------------------------------------------------------
    def _reporting(self, doc: Document, t: str, a: int, b: int) -> bool:
        """True when crime or regulation reporting surrounds ``t[a:b]``."""
        return _rx.search(self.p.reporting, t[max(0, a - 40):b + 40], doc) is not None

    def _gambling_ad(self, doc: Document, v: View) -> Hit | None:
        title = _title_text(doc)
        if title:
            for m in limits.finditer(self.p.gambling_call, title, doc, what="injection-gambling"):
                if not self._reporting(doc, title, m.start(), m.end()):
                    return self.hit("STUFF_GAMBLING_AD", [],
                                    details={"where": "title", "title": title, "term": m.group("g"),
                                             "call": m.group("c"), "shape": "call_to_action"})
        t = v.text[:MAX_SCAN]
        if "gambling" not in self._lexicons(doc, t):
            return None
        for m in limits.finditer(self.p.gambling_call, t, doc, what="injection-gambling"):
            if self._reporting(doc, t, m.start(), m.end()):
                continue
            return self.hit("STUFF_GAMBLING_AD", [v.evidence(m.start(), m.end())],
                            details={"where": "text", "term": m.group("g"), "call": m.group("c"),
                                     "shape": "call_to_action"})
        for m in limits.finditer(self.p.gambling, t, doc, what="injection-gambling"):
            a, b = max(0, m.start() - 40), m.end() + 40
            d = _rx.search(self.p.domain, t[a:b], doc)
            if d is None:
                continue
            w0, w1 = max(0, m.start() - 100), m.end() + 100
            promos = {x for x in _rx.findall(self.p.promo, t[w0:w1], doc)}
            if len(promos) < 2 or self._reporting(doc, t, m.start(), m.end()):
                continue
            return self.hit("STUFF_GAMBLING_AD", [v.evidence(m.start(), m.end()),
                                                  v.evidence(a + d.start(), a + d.end())],
                            details={"where": "text", "term": m.group(), "domain": d.group(),
                                     "promo": sorted(promos)[:8], "shape": "domain_ad"})
        return None

    # -- medical lead-generation keywords ----------------------------------------------
    def _medical_ad(self, doc: Document, v: View) -> Hit | None:
        t = v.text[:MAX_SCAN]
        if "medical" not in self._lexicons(doc, t):
            return None
        for m in limits.finditer(self.p.medical, t, doc, what="injection-medical"):
            ls = t.rfind("\n", 0, m.start()) + 1
            le = t.find("\n", m.end())
            le = len(t) if le < 0 else le
            line = t[ls:le]
            han = sum(1 for c in line if "\u4e00" <= c <= "\u9fff")
            if han > 60 or _rx.search(self.p.prose, line, doc) is not None or "。" in line:
                continue
            link = _rx.search(self.p.url, line, doc) is not None
            w = self.rule("STUFF_MEDICAL_AD").weight + (1.0 if link else 0.0)
            return self.hit("STUFF_MEDICAL_AD", [v.evidence(m.start(), m.end())], weight=w,
                            details={"phrase": m.group(), "link_on_line": link})
        return None

    # -- tags glued to paragraph ends ------------------------------------------------
    def _glued_tags(self, doc: Document, v: View) -> Hit | None:
        t = v.text[:MAX_SCAN]
        found = [(m.start("t"), m.end("t"), m.group("t"))
                 for m in limits.finditer(self.p.glued, t, doc, what="injection-glued")]
        latin = [f for f in found if f[2].isascii()]
        if len(found) < 3 or len(latin) < 2:
            return None
        w = self.rule("STUFF_GLUED_TAGS").weight
        if len(latin) >= 3 or len(found) >= 5:
            w = 5.0
        return self.hit("STUFF_GLUED_TAGS", [v.evidence(a, b) for a, b, _ in found[:10]], weight=w,
                        details={"tags": [x for _, _, x in found[:20]], "count": len(found), "latin": len(latin)})

    # -- one word spliced in doubled ------------------------------------------------
    def _doubled_token(self, doc: Document, v: View) -> Hit | None:
        t = v.text[:MAX_SCAN]
        where: dict[str, list[tuple[int, int]]] = {}
        for i in _doubled_positions(t):
            w = t[i:i + 2]
            spans = where.setdefault(w, [])
            # Part of a longer run of the same word ("花盆花盆花盆") counts once.
            if not spans or i >= spans[-1][1]:
                spans.append((i, i + 4))
        if not where:
            return None
        word, spans = max(where.items(), key=lambda kv: len(kv[1]))
        if len(spans) < 3:
            return None
        # Spliced into running prose (Han right after the pair: "产地是马力马力青岛"),
        # not a doubled UI label on its own line ("收藏收藏").
        in_prose = sum(1 for _, b in spans if b < len(t) and "\u4e00" <= t[b] <= "\u9fff")
        w = self.rule("STUFF_DOUBLED_TOKEN").weight + (1.0 if len(spans) >= 4 else 0.0)
        w += 1.0 if in_prose >= 4 else 0.0
        return self.hit("STUFF_DOUBLED_TOKEN", [v.evidence(a, b) for a, b in spans[:10]], weight=w,
                        details={"token": word, "count": len(spans), "in_prose": in_prose})

    # -- one query spliced into sentences -----------------------------------------------
    def _spliced_query(self, doc: Document, v: View) -> Hit | None:
        t = v.text[:MAX_SCAN]
        found: list[tuple[int, int, str]] = []
        for m in self.p.spliced_query.finditer(t):
            a = m.start()
            if a == 0 or not "\u4e00" <= t[a - 1] <= "\u9fff":
                continue
            found.append((a, m.end(), m.group()))
            if len(found) >= 400:
                break
        if len(found) < SPLICE_MIN:
            return None
        # The phrase is the longest run of Han before the query word that
        # recurs SPLICE_MIN times: "网贷逾期" + "怎么办", whatever surrounds it.
        for n in range(8, 1, -1):
            groups: dict[str, list[tuple[int, int]]] = {}
            for a, b, q in found:
                head = t[a - n:a] if a >= n else ""
                if len(head) == n and all("\u4e00" <= c <= "\u9fff" for c in head):
                    groups.setdefault(head + q, []).append((a - n, b))
            phrase, spans = max(groups.items(), key=lambda kv: len(kv[1]), default=("", []))
            if len(spans) >= SPLICE_MIN:
                w = self.rule("STUFF_SPLICED_QUERY").weight + (2.0 if len(spans) >= SPLICE_MANY else 0.0)
                return self.hit("STUFF_SPLICED_QUERY", [v.evidence(a, b) for a, b in spans[:10]], weight=w,
                                details={"phrase": phrase, "count": len(spans)})
        return None

    # -- query title over an unrelated body ---------------------------------------------
    def _title_mismatch(self, doc: Document, v: View) -> Hit | None:
        t = v.text
        title = _title_text(doc)
        if title:
            # An HTML <title> ends in channel and site names ("…_某某网").
            head = _rx.split(self.p.title_sep, title, doc)[0].strip()
            r = self._mismatch(doc, head, t)
            if r is not None:
                return self.hit("STUFF_QUERY_TITLE_MISMATCH", [], weight=r[0],
                                details={"where": "title", **r[1]})
        for ln in limits.finditer(self.p.line, t[:4000], doc, what="injection-title"):
            s = ln.group().strip()
            if not s:
                continue
            # Only the first line is a grafted title; later lines are page
            # furniture, summaries or an "original title" line.
            r = self._mismatch(doc, s, t[ln.end():])
            if r is None:
                return None
            a = ln.start() + (len(ln.group()) - len(ln.group().lstrip()))
            return self.hit("STUFF_QUERY_TITLE_MISMATCH", [v.evidence(a, a + len(s))], weight=r[0],
                            details={"where": "text", **r[1]})
        return None

    def _mismatch(self, doc: Document, s: str, body: str) -> tuple[float, dict] | None:
        """(weight, details) when title ``s`` asks a query the ``body`` never answers in its words."""
        if len(s) > 60 or "。" in s:
            return None
        # A query word, or only a question mark (rhetorical headlines end in
        # "?" too, so those must be long and share nothing).
        asks = _rx.search(self.p.query, s, doc) is not None
        if not asks and _rx.search(self.p.question_mark, s, doc) is None:
            return None
        tb = _bigrams(_rx.findall(self.p.han_bigram_chars, s, doc)) - _FUNCTION_BIGRAMS
        if len(tb) < 5:
            return None
        body = body[:20_000]
        # A Han bigram occurs in the body exactly when it is a substring of it
        # (both characters are Han), so a substring test per title bigram
        # replaces building the body's bigram set.
        shared = sorted(b for b in tb if b in body)
        words = {w.lower() for w in _rx.findall(self.p.latin_word, s, doc)}
        body_low = body.lower() if words else ""
        shared_words = sorted(w for w in words if w in body_low)
        terms = len(tb) + len(words)
        overlap = (len(shared) + len(shared_words)) / terms
        if overlap > 0.15 or sum(map(str.isalnum, body)) < 300:
            return None
        w = self.rule("STUFF_QUERY_TITLE_MISMATCH").weight
        if overlap <= 0.1 and terms >= 10:
            w = 5.0
        elif not asks:
            return None
        return w, {"title": s, "overlap": round(overlap, 3), "title_terms": terms, "query_word": asks,
                   "shared": (shared + shared_words)[:10],
                   "paren_query": _rx.search(self.p.paren_query, s, doc) is not None}


@hookimpl
def spamdetect_register_checks(config: Config) -> list[Check]:
    """Register the injection check."""
    return [InjectionCheck(config)]
