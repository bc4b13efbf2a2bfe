"""Machine-written SEO filler: a density of essay clichés, and raw Markdown left in the text.

Content farms now fill keyword pages with text from a language model:
fluent, empty prose that opens "在数字浪潮席卷生活每个角落的今天", announces
"本文将从…等方面进行深度探讨", tears "营销外衣" off, finds "魔鬼藏在细节",
speaks as "一名在…深耕12年的老兵" who has "见过太多…", promises "一文拆解
7大关键" and "避坑", and closes "综上所述". No single one of these phrases is
spam: a columnist may write "至关重要" or "值得注意的是". What a generated page
shows is *many different* such formulas packed into a few hundred characters.

Rules:

``ZH_AI_FILLER_STYLE``
    The number of DISTINCT cliché kinds of a curated lexicon (:data:`LEXICON`)
    found in the text, each kind worth 1.0 (SEO-essay and model formulas
    that edited prose rarely uses) or 0.5 (phrases ordinary writing also
    uses), summed to a *strength* ``S`` and divided by the text's Han
    characters (per 1,000, with a floor of :data:`MIN_HAN` characters so
    a short text cannot make two phrases dense). The weight rises in steps
    with both ``S`` and the density (:data:`STEPS`) and never exceeds 3.5;
    the hit's group, ``filler``, is capped at 4.0, so filler prose alone
    never reaches the review threshold: a page needs another, independent
    signal (a clickbait title, keyword stuffing, a template skeleton…).
    Each kind counts once however often it recurs, and one phrase is worth
    at most 1.0. A short first line (a title) is not counted: the
    ``seo_title`` check reads it, and the same words must not score twice.
``ZH_AI_MARKDOWN_RESIDUE``
    Markdown heading marks (``## 引言``) left in the visible text at the
    start of a line or right after a sentence: a generator's Markdown
    pasted into a page that does not render it. A single ``#`` counts only
    on the first line (the title): further down it is as likely a shell or
    Python comment. Indented lines (code) and ``#`` followed by a tab
    (table headers) do not count. Weight 1.0, 1.5 for two or more marks.

The lexicon is written in Simplified Chinese and matched on the
``simplified`` view, so Traditional pages (Taiwan, Hong Kong) are read by
the same entries; evidence is mapped back to the original text. The
thresholds were measured on the 143 clean articles and the 88 ham pages of
the development split (see ``docs/filler.md``): no ham page has more than one
kind, and no clean article reaches the first step.

Cost: one Aho-Corasick scan (pyahocorasick, C speed) of the simplified view
for the literal anchors of every entry; an entry's regex then runs only in a
small window around an anchor it owns, and the Han characters are counted
only when the strength can reach a step.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import regex

from detector import hookimpl, limits
from detector.check import Check, RuleInfo
from detector.verdict import Evidence, Hit

if TYPE_CHECKING:  # pragma: no cover
    from detector.config import Config
    from detector.document import Document

SOURCE = "check:filler"

#: Han characters below which the density is computed as if the text had this many.
MIN_HAN = 400
#: A first line this short is a title: its clichés are left to the SEO-title check.
TITLE_CHARS = 100
#: Characters searched on each side of an anchor for its entry's pattern.
WINDOW = 48
#: Pattern searches per entry and document at most (an adversarial text
#: repeating an anchor cannot make the check run thousands of searches).
MAX_ATTEMPTS = 24
#: (minimum strength, minimum distinct kinds per 1,000 Han characters, weight),
#: strongest first. Measured: see ``docs/filler.md``.
STEPS: tuple[tuple[float, float, float], ...] = (
    (5.0, 7.0, 3.5),
    (3.5, 5.0, 2.5),
    (2.5, 4.0, 1.5),
)


@dataclass(frozen=True, slots=True)
class Cliche:
    """One kind of machine-writing or SEO-essay cliché.

    Attributes:
        kind: Stable short name, reported in the hit's details.
        strength: 1.0 for formulas edited prose rarely uses, 0.5 for
            phrases ordinary writing also uses.
        anchors: Literal strings (Simplified), one of which every match
            contains; they gate the pattern.
        pattern: ``regex`` pattern (Simplified), searched near an anchor;
            None when the anchors are the phrases themselves.
        gloss: What it is, in English (for the docs and the details).
    """

    kind: str
    strength: float
    anchors: tuple[str, ...]
    pattern: str | None
    gloss: str


_NUM = r"(?:[2-9]|[1-9][0-9]|[两三四五六七八九十]|十[一二三四五六七八九])"
_GAP = r"[^。，,；;!?！？\n]"

#: The curated lexicon (Simplified; Traditional text is folded before matching).
#: An entry without a pattern is a list of literal phrases (its anchors).
LEXICON: tuple[Cliche, ...] = (
    # -- framing openers ------------------------------------------------------
    Cliche("era_today", 0.5, ("的今天",), rf"在{_GAP}{{2,24}}?的今天", "在…的今天 (in today's …)"),
    Cliche("era_wave", 1.0, ("浪潮", "信息爆炸", "当今这个", "如今这个"),
           rf"(?:数字化?|时代|科技|信息化?|互联网|智能化?)的?浪潮|信息爆炸的?时代|在(?:当今|如今)这个{_GAP}{{0,12}}?(?:时代|社会|世界)",
           "the digital wave / information-explosion era opener"),
    Cliche("with_development", 0.5,
           tuple(a + b for a in ("不断", "持续", "快速", "迅猛", "飞速", "日益", "蓬勃", "深入", "高速", "迅速")
                 for b in ("发展", "推进", "完善", "普及", "进步", "深化", "演进", "提升")),
           rf"随[着著]{_GAP}{{1,24}}?的?(?:不断|持续|快速|迅猛|飞速|日益|蓬勃|深入|高速|迅速)(?:发展|推进|完善|普及|进步|深化|演进|提升)",
           "随着…的不断发展 (with the continuous development of …)"),
    Cliche("grow_and_mature", 1.0,
           ("不断完善", "日益完善", "逐步完善", "不断成熟", "日益成熟", "逐步成熟", "不断健全", "日益健全", "逐步健全"),
           rf"(?:持续|不断|日益|快速)(?:发展|增长|进步)[和与及、]{_GAP}{{0,12}}?(?:不断|日益|逐步)(?:完善|成熟|健全)",
           "持续发展和…不断完善 (continuous growth and steady improvement)"),
    # -- importance formulas ------------------------------------------------
    Cliche("especially_key", 1.0, ("显得尤为", "显得格外", "显得十分", "显得非常", "尤为关键", "尤为重要"),
           r"显得(?:尤为|格外|十分|非常)(?:重要|关键|必要|突出)|尤为(?:关键|重要)",
           "显得尤为重要/关键 (appears especially important)"),
    Cliche("crucial", 0.5, ("至关重要",), None, "至关重要 (crucial)"),
    Cliche("not_to_ignore", 0.5, ("不容忽视", "不容小觑", "不容小视"), None, "不容忽视 (must not be ignored)"),
    Cliche("indispensable", 0.5, ("不可或缺",), None, "不可或缺 (indispensable)"),
    Cliche("role_play", 0.5, ("扮演", "发挥着重要", "发挥着关键", "发挥着核心", "发挥重要", "发挥关键", "发挥核心", "发挥着举足轻重",
                              "发挥举足轻重"),
           rf"扮演着?{_GAP}{{0,6}}?(?:重要|关键|核心|举足轻重|不可或缺)的?角色|发挥着?(?:重要|关键|核心|举足轻重)的?作用",
           "扮演着重要的角色 / 发挥着关键作用 (plays a key role)"),
    # -- imagery of the "exposé" essay -------------------------------------------
    Cliche("devil_in_details", 1.0, ("魔鬼",), rf"魔鬼{_GAP}{{0,6}}?藏在{_GAP}{{0,4}}?细节",
           "魔鬼藏在细节中 (the devil hides in the details)"),
    Cliche("tear_the_veil", 1.0, ("撕开", "面纱"),
           rf"撕开{_GAP}{{0,16}}?(?:外衣|面纱|伪装|面具)|揭开{_GAP}{{0,16}}?面纱",
           "撕开…外衣 / 揭开…面纱 (tear off the cloak, lift the veil)"),
    Cliche("emerges", 0.5, ("浮出水面", "应运而生", "雨后春笋"), None, "浮出水面 / 应运而生 (surfaces / arises in response)"),
    Cliche("pain_point", 1.0, ("痛点",), rf"(?:直击|切中|戳中|击中){_GAP}{{0,10}}?痛点", "直击…痛点 (hits the pain point)"),
    Cliche("not_simple_question", 1.0, ("简单回答", "简单地回答", "简单用", "简单地用", "简单说清", "不是一句"),
           rf"(?:并非|不是|可不是)一个?(?:可以|能)?简单地?(?:用|回答|说清)|不是一句{_GAP}{{0,16}}?能(?:简单)?(?:回答|说清)",
           "这并非一个可以简单回答的问题 (not a question with a simple answer)"),
    # -- the SEO guide -----------------------------------------------------------
    Cliche("one_article", 1.0, ("一文", "一次看懂", "一篇看懂", "一次搞懂", "一篇搞懂", "一篇就够"),
           r"一文(?:为|帮|带)?(?:您|你|大家)?(?:读懂|看懂|搞懂|拆解|详解|说清|讲清|了解|看清|掌握|解析|速览|梳理|讲透|说透)"
           r"|一文带(?:你|您)|一(?:次|篇)(?:看懂|搞懂)|一篇就够",
           "一文读懂/一文(为您)拆解/一次看懂 (understand it in one article)"),
    Cliche("ultimate_guide", 1.0, ("终极指南", "完全指南", "全攻略", "保姆级", "手把手", "避坑指南", "从入门到精通"), None,
           "终极指南/全攻略/手把手 (ultimate guide, step by step)"),
    Cliche("n_big_keys", 1.0, ("大关键", "大核心", "大要点", "大秘诀", "大误区", "大雷区", "大陷阱", "大技巧", "大步骤",
                               "大维度", "大要素", "大策略", "个核心", "个关键维度", "个关键要", "个维度"),
           rf"{_NUM}大(?:核心|关键)?(?:关键|要点|秘诀|误区|雷区|陷阱|技巧|步骤|维度|要素|策略)|{_NUM}个(?:核心|关键)(?:维度|要素|要点)|{_NUM}个维度",
           "N大关键 / N个核心维度 (the N key points)"),
    Cliche("article_will", 1.0, ("本文将", "本文旨在", "本文会", "本篇文章将", "本篇将", "本指南将", "本指南旨在"),
           r"本(?:文|篇文章|篇|指南)(?:将|旨在|会)(?:一文)?(?:为您|为你|为大家|带你|带您)?(?:深入|详细|系统|全面|简要|重点|从|围绕|深度|逐一|一一|对)",
           "本文将从…/本文旨在… (this article will …)"),
    Cliche("aspects_explore", 1.0, ("等方面", "等多个方面", "等维度", "等多个维度", "等角度", "等层面"),
           r"等(?:多个)?(?:方面|维度|角度|层面)(?:进行|展开|入手)?(?:深度|深入|全面|详细|系统)?(?:探讨|解析|剖析|阐述)",
           "…等方面进行深度探讨 (explore in depth from the aspects of …)"),
    Cliche("deep_dive", 1.0, ("深入剖析", "深入探讨", "深入解析", "深入探究", "深入浅出", "深度剖析", "深度解析", "深度拆解",
                              "深度探讨", "全面解析", "全面剖析"), None, "深入剖析/深度解析 (in-depth analysis)"),
    Cliche("systematic", 1.0, ("复杂而系统", "复杂而微妙", "复杂而精细", "系统性工程", "系统性的工程", "一项系统工程",
                               "力求全面", "力求系统", "力求客观"), None,
           "复杂而系统性的工程 / 力求全面 (a complex, systematic undertaking)"),
    Cliche("must_course", 1.0, ("必修课", "必答题", "必经之路", "一门学问", "大有学问"), None, "必修课/必答题 (a required course)"),
    Cliche("pitfalls", 1.0, ("踩坑", "避坑", "踩雷", "避雷", "少走弯路", "栽跟头", "看不见的坑"), None,
           "踩坑/避坑/少走弯路 (avoid the pits)"),
    Cliche("dry_goods", 1.0, ("干货", "一网打尽", "建议收藏", "收藏备用", "看完这篇", "小白也能", "新手必看", "真相来了",
                              "懒人包", "总整理", "不藏私", "必收藏"), None,
           "干货/建议收藏/懒人包 (pure substance, bookmark this, the lazy pack)"),
    Cliche("wise_choice", 1.0, ("明智", "助您", "助你"),
           rf"助(?:您|你){_GAP}{{0,14}}?(?:作出|做出){_GAP}{{0,10}}?(?:决策|选择)|(?:作出|做出)明智的?(?:决策|选择|决定)",
           "助您作出明智的选择 (helps you make a wise decision)"),
    Cliche("hope_it_helps", 1.0, ("希望本文", "希望这篇文章", "希望以上内容", "希望本篇", "希望能帮"),
           r"希望(?:本文|这篇文章|以上内容|本篇)[^。\n]{0,20}?(?:帮助|参考)|希望能(?:帮|帮助)(?:到)?(?:您|你|大家)",
           "希望本文对您有所帮助 (hope this helps)"),
    Cliche("through_article", 1.0, ("通过本文", "通过这篇文章"),
           r"通过(?:本文|这篇文章)(?:的介绍)?[,，]?(?:你|您|读者|大家)", "通过本文,你将… (through this article you will …)"),
    # -- the persona -------------------------------------------------------------
    Cliche("persona_years", 1.0, ("深耕", "摸爬滚打", "从业"),
           rf"(?:作为一名|作为一个|作为|我)[^。，,\n]{{0,24}}?(?:深耕|摸爬滚打|从业)[^。，,\n]{{0,10}}?[0-9一二三四五六七八九十几多]+年|(?:深耕|摸爬滚打){_GAP}{{0,12}}?[0-9一二三四五六七八九十几多]+年",
           "作为一名在…深耕12年的… (as someone with N years in …)"),
    Cliche("seen_too_many", 1.0, ("见过太多", "见过无数"), None, "我见过太多… (I have seen too many …)"),
    Cliche("question_comes", 1.0, ("问题来了",), r"那么[,，]?\s*问题来了|问题来了[:：]", "那么问题来了 (so here's the question)"),
    Cliche("chatty_hello", 1.0, ("朋友们", "小伙伴们", "你知道吗", "这样的瞬间", "这样的经历"),
           r"(?:嘿|哈喽|Hi|hi)[,，!！]?\s*(?:朋友们|小伙伴们|各位)|你知道吗[?？]|你有没有过这样的(?:瞬间|经历)",
           "嘿,朋友们 / 你知道吗? (chatty hook)"),
    Cliche("today_we", 1.0, ("今天我", "今天,我", "今天，我", "今天咱", "今天,咱", "今天，咱"),
           r"今天[,，]?(?:我|咱们|我们)(?:就)?(?:来|要)?(?:聊一聊|聊聊|来聊|好好聊|结合|手把手|一起来?聊|跟你聊|和大家聊|给大家讲)",
           "今天我们就来聊一聊 (today let's talk about)"),
    Cliche("take_you", 1.0, tuple(a + b for a in ("带你", "带您", "带大家") for b in ("走进", "了解", "探索", "揭秘", "看懂", "全面")),
           None, "带你走进/带您了解 (take you into …)"),
    Cliche("answer_is", 1.0, ("答案是肯定的", "答案是否定的"), None, "答案是肯定的 (the answer is yes)"),
    Cliche("one_wrong_step", 1.0, ("步步错", "细节决定成败"), r"一步错[,，]?\s*(?:可能)?步步错|细节决定成败",
           "一步错,步步错 (one wrong step, every step wrong)"),
    # -- connectives and set phrases ordinary prose also uses (0.5) -------------
    Cliche("in_summary", 0.5, ("综上所述", "总而言之", "总的来说", "总之,", "总之，"), None, "综上所述/总而言之 (in summary)"),
    Cliche("worth_noting", 0.5, ("值得一提的是", "值得注意的是"), None, "值得注意的是 (it is worth noting)"),
    Cliche("key_lies", 0.5, ("关键在于", "核心在于", "重点在于", "关键就在于", "核心就在于", "重点就在于"), None,
           "关键在于 (the key lies in)"),
    Cliche("no_longer_but", 0.5, ("不再是",), rf"不再是{_GAP}{{1,16}}?[,，]?而是", "不再是…而是… (no longer …, but …)"),
    Cliche("one_stop", 0.5, ("全流程", "全方位", "全链路", "一站式", "全生命周期"), None, "全流程/一站式 (end-to-end, one-stop)"),
    Cliche("stock_idioms", 0.5, ("双刃剑", "冰山一角", "锦上添花", "雪中送炭", "重中之重", "鱼龙混杂", "良莠不齐",
                                 "参差不齐", "屡见不鲜", "无懈可击"), None, "双刃剑/鱼龙混杂 (stock idioms)"),
    Cliche("buzzwords", 0.5, ("底层逻辑", "护城河", "降本增效", "破局", "突围", "赛道", "抓手", "闭环", "全景扫描", "全景解析",
                              "全景图"), None, "底层逻辑/破局/突围 (business buzzwords)"),
    Cliche("ask_reader", 0.5, ("你是否也", "你是否曾", "你是否还在", "你有没有想过", "你有没有遇到过", "你有没有发现", "想象一下"),
           None, "你是否也… (have you ever …)"),
    Cliche("undeniable", 0.5, ("毋庸置疑", "不言而喻", "不可否认", "毫无疑问"), None, "毋庸置疑 (beyond doubt)"),
    Cliche("after_all", 0.5, ("归根结底", "说到底", "简而言之", "说白了", "换句话说"), None,
           "归根结底/说白了 (in the end, put simply)"),
    Cliche("not_hard_to_see", 0.5, ("不难发现", "不难看出"), None, "不难发现 (it is not hard to see)"),
    Cliche("over_time", 0.5, ("随着时间的推移",), None, "随着时间的推移 (as time goes by)"),
    Cliche("growth_burst", 0.5, ("爆炸式增长", "爆炸式的增长", "井喷式增长", "井喷式的增长", "指数级增长", "指数级的增长",
                                 "几何级增长"), None, "井喷式增长 (explosive growth)"),
    Cliche("opportunity_challenge", 0.5, ("机遇与挑战并存", "前所未有的机遇", "前所未有的挑战", "脱颖而出", "保驾护航",
                                          "激烈的市场竞争"), None, "机遇与挑战并存/脱颖而出 (opportunities and challenges)"),
    Cliche("lets_together", 0.5, ("让我们一起", "让我们携手", "让我们共同"), None, "让我们一起 (let us together)"),
)

RULES = (
    RuleInfo("ZH_AI_FILLER_STYLE", "filler", 1.5,
             "短文中密集出现多种机器写作/SEO套话(“在…的今天”“本文将从…等方面深度探讨”“魔鬼藏在细节”“一文拆解N大关键”“作为一名深耕N年的…”“避坑”等),疑似大模型批量生成的填充文章",
             "Many different machine-writing / SEO-essay clichés packed into a short text (\"在…的今天\", "
             "\"本文将从…等方面深度探讨\", \"魔鬼藏在细节\", \"一文拆解N大关键\", \"作为一名深耕N年的…\", \"避坑\"); "
             "likely mass-generated filler",
             source=SOURCE, target="simplified"),
    RuleInfo("ZH_AI_MARKDOWN_RESIDUE", "template", 1.0,
             "正文中残留Markdown标题符号(“## 引言”),生成文本未经渲染直接发布",
             "Markdown heading marks (\"## 引言\") left in the visible text; generated text published without rendering",
             source=SOURCE, target="text"),
)


def _is_han(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf"


def _body_start(t: str) -> int:
    """Offset after the first line when it is a title (at most :data:`TITLE_CHARS` characters), else 0.

    The title is read by the SEO-title check; counting its formulas here too
    would score the same words twice.

    Examples:
        >>> _body_start("一文读懂X\n正文")
        6
        >>> _body_start("没有换行的一段正文")
        0
    """
    lead = len(t) - len(t.lstrip())
    nl = t.find("\n", lead)
    if nl < 0 or nl - lead > TITLE_CHARS:
        return 0
    return nl + 1


def han_count(text: str) -> int:
    """Number of Han ideographs in ``text`` (CJK unified, extension A).

    Examples:
        >>> han_count("在数字时代,AI写作")
        6
    """
    return sum(1 for c in text if _is_han(c))


def step_weight(strength: float, density: float) -> float:
    """Weight for a cliché ``strength`` at ``density`` kinds per 1,000 Han characters (0: no hit).

    Examples:
        >>> step_weight(6.0, 10.0), step_weight(3.0, 5.0), step_weight(3.0, 2.0)
        (3.5, 1.5, 0.0)
    """
    for min_s, min_d, w in STEPS:
        if strength >= min_s and density >= min_d:
            return w
    return 0.0


class FillerCheck(Check):
    """Measure the density of distinct filler clichés and find Markdown residue.

    Args:
        config: The loaded configuration (reads ``filler.*`` options).
    """

    name = "filler"
    rules = RULES

    def __init__(self, config: Config | None = None, lexicon: Iterable[Cliche] = LEXICON) -> None:
        import ahocorasick

        opt = (lambda k, d: config.option(k, d)) if config is not None else (lambda k, d: d)
        self.min_han = int(opt("filler.min_han", MIN_HAN))
        self.lexicon = tuple(lexicon)
        self._compiled = [regex.compile(c.pattern) if c.pattern else None for c in self.lexicon]
        self._min_strength = min(s for s, _d, _w in STEPS)
        by_anchor: dict[str, list[int]] = {}
        for i, c in enumerate(self.lexicon):
            for a in c.anchors:
                by_anchor.setdefault(a, []).append(i)
        self._auto = ahocorasick.Automaton()
        for a, idx in by_anchor.items():
            self._auto.add_word(a, (len(a), tuple(idx)))
        self._auto.make_automaton()
        self._md = regex.compile(r"(?m)(?:^|(?<=[。！？!?]|[。！？!?] ))(#{1,4}) (?=[^\s#])[^\n]{0,40}?(?=\s|$)")

    def run(self, doc: Document) -> Iterable[Hit]:
        """Yield filler hits for ``doc``."""
        if not doc.text or not doc.text.strip():
            return []
        hits: list[Hit] = []
        h = self._style(doc)
        if h is not None:
            hits.append(h)
        h = self._markdown(doc)
        if h is not None:
            hits.append(h)
        return hits

    # -- cliché density ------------------------------------------------------
    def find(self, doc: Document) -> dict[str, Evidence]:
        """The cliché kinds found in ``doc``: kind → evidence of its first match."""
        v = doc.view("simplified")
        t = v.text
        found: dict[str, Evidence] = {}
        tried: set[tuple[int, int]] = set()
        attempts: dict[int, int] = {}
        body = _body_start(t)
        for end, (alen, idx) in self._auto.iter(t):
            start = end - alen + 1
            if start < body:
                continue
            for i in idx:
                c = self.lexicon[i]
                if c.kind in found:
                    continue
                pat = self._compiled[i]
                if pat is None:
                    found[c.kind] = v.evidence(start, end + 1)
                    continue
                lo = max(0, start - WINDOW)
                if (i, lo) in tried or attempts.get(i, 0) >= MAX_ATTEMPTS:
                    continue
                tried.add((i, lo))
                attempts[i] = attempts.get(i, 0) + 1
                for m in limits.finditer(pat, t, doc, what=f"filler:{c.kind}",
                                         pos=max(lo, body), endpos=min(len(t), end + 1 + WINDOW)):
                    found[c.kind] = v.evidence(m.start(), m.end())
                    break
        return found

    def _style(self, doc: Document) -> Hit | None:
        found = self.find(doc)
        if not found:
            return None
        strength = {c.kind: c.strength for c in self.lexicon}
        s = sum(strength[k] for k in found)
        if s < self._min_strength:
            return None
        han = han_count(doc.text)
        density = s * 1000.0 / max(han, self.min_han)
        w = step_weight(s, density)
        if w <= 0:
            return None
        ev = sorted(found.values(), key=lambda e: e.start)
        return self.hit("ZH_AI_FILLER_STYLE", ev[:12], weight=w,
                        details={"kinds": sorted(found), "strength": s, "han_chars": han,
                                 "per_1000_han": round(density, 2)})

    # -- markdown ----------------------------------------------------------------
    def _markdown(self, doc: Document) -> Hit | None:
        t = doc.text
        if "# " not in t:
            return None
        ev = []
        first = len(t) - len(t.lstrip())
        for m in limits.finditer(self._md, t, doc, what="filler:markdown"):
            # A lone "#" is a heading only as the first line (the title);
            # further down it is as likely a shell or Python comment.
            if len(m.group(1)) == 1 and m.start() != first:
                continue
            if any(_is_han(c) for c in m.group()):
                ev.append(Evidence(m.start(), m.end(), m.group()))
                if len(ev) >= 10:
                    break
        if not ev:
            return None
        w = self.rule("ZH_AI_MARKDOWN_RESIDUE").weight + (0.5 if len(ev) >= 2 else 0.0)
        return self.hit("ZH_AI_MARKDOWN_RESIDUE", ev, weight=w, details={"count": len(ev)})


def _int(value: Any) -> int:
    """Option converter: a positive integer (bools rejected)."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"expected a positive integer, got {value!r}")
    return value


@hookimpl
def spamdetect_add_config(spec: Any) -> None:
    """Declare the ``filler.*`` options."""
    spec.add("filler.min_han", MIN_HAN, type=_int,
             help="Han characters below which cliché density is computed as if the text had this many")


@hookimpl
def spamdetect_register_checks(config: Config) -> list[Check]:
    """Register the filler check."""
    return [FillerCheck(config)]
