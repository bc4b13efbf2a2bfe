"""Filler clichés, Markdown residue, SEO title formulas and the quoted title keyword.

Every text here is written for the test; none comes from a corpus.
"""

from __future__ import annotations

import pytest

from detector import Config, Detector
from detector.checks.filler import LEXICON, MIN_HAN, FillerCheck, step_weight
from detector.document import Document

#: One phrase per lexicon kind, written for the test (Simplified unless noted).
EXAMPLES = {
    "era_today": "在短视频无处不在的今天,很多人都想试一试。",
    "era_wave": "在数字化浪潮中,小店也要学会线上经营。",
    "with_development": "随着社区团购的快速发展,配送压力越来越大。",
    "grow_and_mature": "伴随行业的持续发展和监管体系的不断完善,门槛提高了。",
    "especially_key": "因此,选对工具显得尤为关键。",
    "crucial": "第一印象至关重要。",
    "not_to_ignore": "噪音问题同样不容忽视。",
    "indispensable": "手机已是生活中不可或缺的工具。",
    "role_play": "物业在其中扮演着重要的角色。",
    "devil_in_details": "看上去很美,但魔鬼往往藏在细节里。",
    "tear_the_veil": "我们要撕开这些广告的华丽外衣。",
    "emerges": "于是各种代办机构应运而生。",
    "pain_point": "这句口号直击年轻人的痛点。",
    "not_simple_question": "这并非一个可以简单回答的问题。",
    "one_article": "一文读懂公积金提取流程。",
    "ultimate_guide": "这是一份租房终极指南。",
    "n_big_keys": "选购净水器的5大关键都在这里。",
    "article_will": "本文将从费用、流程和风险三个角度展开。",
    "aspects_explore": "围绕价格、口碑等方面进行深度探讨。",
    "deep_dive": "下面我们深入剖析它的收费方式。",
    "systematic": "装修是一项复杂而系统的工作。",
    "must_course": "理财是每个年轻人的必修课。",
    "pitfalls": "提前了解这些,才能少走弯路。",
    "dry_goods": "全是干货,请耐心看完。",
    "wise_choice": "帮助你做出明智的选择。",
    "hope_it_helps": "希望本文能对你有所帮助。",
    "through_article": "通过本文,你将了解报名的全部步骤。",
    "persona_years": "作为一名在装修行业深耕15年的设计师,我有话要说。",
    "seen_too_many": "我见过太多因为贪便宜而吃亏的业主。",
    "question_comes": "那么问题来了,到底该怎么选?",
    "chatty_hello": "嘿,朋友们,今天的话题有点意思。",
    "today_we": "今天我们就来聊一聊这个话题。",
    "take_you": "接下来带你走进这座小城。",
    "answer_is": "能不能退款?答案是肯定的。",
    "one_wrong_step": "合同签错一步错,步步错。",
    "in_summary": "综上所述,这个方案更划算。",
    "worth_noting": "值得注意的是,优惠只限新用户。",
    "key_lies": "成败的关键在于坚持。",
    "no_longer_but": "它不再是一种奢侈品,而是日常用品。",
    "one_stop": "平台提供一站式服务。",
    "stock_idioms": "市场上的产品鱼龙混杂。",
    "buzzwords": "找到新的增长赛道并不容易。",
    "ask_reader": "你是否也有过这样的烦恼?",
    "undeniable": "毋庸置疑,价格是最重要的因素。",
    "after_all": "说白了,就是花钱买省心。",
    "not_hard_to_see": "从数据中不难看出,需求在增加。",
    "over_time": "随着时间的推移,问题越来越多。",
    "growth_burst": "订单量呈井喷式增长。",
    "opportunity_challenge": "小商户面临机遇与挑战并存的局面。",
    "lets_together": "让我们一起期待新产品的到来。",
}

#: A generated-style keyword article written for the test: many different formulas, no facts.
GENERATED = (
    "家用净水器怎么选\n"
    "在健康意识觉醒的今天,净水器早已不是什么新鲜事物。然而,面对鱼龙混杂的市场,很多人却犯了难。"
    "作为一名在净水行业深耕10年的老兵,我见过太多因为选错产品而后悔的家庭。那么问题来了:"
    "到底该怎么选?这并非一个可以简单回答的问题。本文将从滤芯、水质、售后等方面进行深度探讨,"
    "手把手带你避坑。魔鬼往往藏在细节之中,我们要撕开商家营销的华丽外衣,看清产品的本质,"
    "帮助你做出明智的选择。滤芯的更换周期同样不容忽视,它直接决定了后期成本。"
)

#: The same in Traditional characters.
GENERATED_TRAD = (
    "家用淨水器怎麼選\n"
    "在健康意識覺醒的今天,淨水器早已不是什麼新鮮事物。然而,面對魚龍混雜的市場,很多人卻犯了難。"
    "作為一名在淨水行業深耕10年的老兵,我見過太多因為選錯產品而後悔的家庭。那麼問題來了:"
    "到底該怎麼選?這並非一個可以簡單回答的問題。本文將從濾芯、水質、售後等方面進行深度探討,"
    "手把手帶你避坑。魔鬼往往藏在細節之中,我們要撕開商家營銷的華麗外衣,看清產品的本質,"
    "幫助你做出明智的選擇。"
)

#: A report written for the test: two ordinary set phrases in plain news prose.
NEWS = (
    "本报讯 昨日,市自来水公司发布通知,因主干管道改造,东城区部分小区将于本周六上午停水八小时。"
    "值得注意的是,停水期间水压恢复可能需要两小时,居民应提前储水。公司表示,施工队伍已经到位,"
    "将在夜间完成管道切换,尽量减少对居民生活的影响。对于老人和行动不便的居民,社区将安排志愿者送水上门。"
    "总之,市民如有疑问可拨打公司服务热线咨询。记者了解到,此次改造涉及管道长度约三公里,"
    "完工后可解决该片区夏季用水高峰期水压不足的问题。"
)


@pytest.fixture(scope="module")
def det() -> Detector:
    return Detector(config=Config(), load_entrypoints=False)


def _hits(det, **kw):
    return {h.rule: h for h in det.check(**kw).hits}


# -- the lexicon ------------------------------------------------------------------

def test_every_kind_has_an_example():
    assert set(EXAMPLES) == {c.kind for c in LEXICON}


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_each_kind_finds_its_example(kind):
    found = FillerCheck().find(Document(text=EXAMPLES[kind]))
    assert kind in found
    ev = found[kind]
    assert EXAMPLES[kind][ev.start:ev.end] == ev.text


def test_strengths_are_one_or_half_and_kinds_unique():
    kinds = [c.kind for c in LEXICON]
    assert len(kinds) == len(set(kinds))
    assert {c.strength for c in LEXICON} <= {0.5, 1.0}
    for c in LEXICON:
        assert c.anchors and all(a for a in c.anchors)


@pytest.mark.parametrize("text,kind", [
    ("這篇懶人包幫你整理好了。", "dry_goods"),
    ("一次看懂新制上路重點。", "one_article"),
    ("本文將一文為您拆解申請步驟。", "one_article"),
    ("我見過太多這樣的例子。", "seen_too_many"),
    ("這並非一個可以簡單回答的問題。", "not_simple_question"),
])
def test_traditional_phrases_fold_to_the_same_kinds(text, kind):
    assert kind in FillerCheck().find(Document(text=text))


def test_near_misses_are_not_clichés():
    chk = FillerCheck()
    for text in ("一个关键问题是资金。", "会议讨论了三个方面的问题。", "他在银行从业人员中很有名。",
                 "今天天气不错。", "本文作者为资深记者。", "发挥作用需要时间。", "这个问题来了又走了。"):
        assert chk.find(Document(text=text)) == {}, text


# -- ZH_AI_FILLER_STYLE ---------------------------------------------------------------

def test_generated_article_hits_with_top_weight_and_evidence(det):
    h = _hits(det, text=GENERATED)["ZH_AI_FILLER_STYLE"]
    assert h.group == "filler"
    assert h.weight == 3.5
    assert h.details["strength"] >= 5.0
    assert {"persona_years", "seen_too_many", "devil_in_details", "tear_the_veil"} <= set(h.details["kinds"])
    for e in h.evidence:
        assert GENERATED[e.start:e.end] == e.text
    assert h.description_zh and h.description_en


def test_traditional_text_is_read_by_the_same_lexicon(det):
    h = _hits(det, text=GENERATED_TRAD)["ZH_AI_FILLER_STYLE"]
    assert h.weight >= 2.5
    for e in h.evidence:
        assert GENERATED_TRAD[e.start:e.end] == e.text
    assert any("見過太多" in e.text for e in h.evidence)


def test_filler_prose_alone_stays_below_review(det):
    v = det.check(text=GENERATED)
    assert v.score < 5.0
    assert v.action == "allow"


def test_two_set_phrases_in_news_never_count(det):
    assert "ZH_AI_FILLER_STYLE" not in _hits(det, text=NEWS)


def test_one_cliché_repeated_counts_once(det):
    text = "\n".join(["至关重要。" * 3 + "市场上的产品很多,价格也各不相同。"] * 20)
    assert "ZH_AI_FILLER_STYLE" not in _hits(det, text=text)


def test_density_falls_with_length(det):
    # The same clichés diluted in a long plain report fall under every step.
    long_text = GENERATED + NEWS * 12
    h = _hits(det, text=long_text).get("ZH_AI_FILLER_STYLE")
    short = _hits(det, text=GENERATED)["ZH_AI_FILLER_STYLE"]
    assert h is None or h.weight < short.weight


def test_steps_and_short_text_floor():
    assert step_weight(2.0, 50.0) == 0.0  # two phrases never count, however short the text
    assert step_weight(2.5, 3.9) == 0.0
    assert step_weight(2.5, 4.0) == 1.5
    assert step_weight(3.5, 5.0) == 2.5
    assert step_weight(5.0, 7.0) == 3.5
    chk = FillerCheck()
    # three strong phrases in a 30-character text: the density uses MIN_HAN, not 30
    text = "全是干货。希望本文能对你有所帮助。手把手教学。"
    hits = list(chk.run(Document(text=text)))
    assert [h.details["per_1000_han"] for h in hits] == [round(3 * 1000 / MIN_HAN, 2)]


def test_min_han_option_is_validated():
    from detector.errors import ConfigError

    with pytest.raises(ConfigError):
        Detector(config=Config({"options": {"filler.min_han": "many"}}), load_entrypoints=False)
    d = Detector(config=Config({"options": {"filler.min_han": 20000}}), load_entrypoints=False)
    assert "ZH_AI_FILLER_STYLE" not in {h.rule for h in d.check(text=GENERATED).hits}


# -- ZH_AI_MARKDOWN_RESIDUE ----------------------------------------------------------

def test_markdown_headings_left_in_text(det):
    text = "# 如何选择净水器? ## 引言 很多家庭都在问这个问题。 ## 滤芯类型 常见的有三种。"
    h = _hits(det, text=text)["ZH_AI_MARKDOWN_RESIDUE"]
    assert h.weight == 1.5
    assert [e.text for e in h.evidence][:2] == ["# 如何选择净水器?", "## 引言"]


@pytest.mark.parametrize("text", [
    "安装步骤如下:\n    # 安装依赖包\n    pip install foo\n",   # an indented code comment
    "安装步骤如下:\n# 安装依赖包\npip install foo\n# 启动服务\n",  # comments at column 0
    "专辑 #\t专辑资料\t曲目\n1\t第一张\t十首",                 # a table header
    "我在学 C# 编程,也学 F# 函数式编程。",                    # language names
    "#新车试驾# 今天去试驾了一台车。",                         # a hashtag
])
def test_markdown_look_alikes_are_not_residue(det, text):
    assert "ZH_AI_MARKDOWN_RESIDUE" not in _hits(det, text=text)


# -- ZH_AI_SEO_TITLE ---------------------------------------------------------------

@pytest.mark.parametrize("title,formulas", [
    ("2025【装修贷款】申请终极指南:一文拆解5大关键", {"year_bracket_keyword", "complete_guide", "n_key_points"}),
    ("某某理财app靠谱吗?这些收益到底能不能信?", {"doubt_pair"}),
    ("杭州前端工程师求职报告,从投简历无人回复到拿下Offer的30天突围路径", {"from_to_path"}),
    ("2025【裝修貸款】申請終極指南", {"year_bracket_keyword", "complete_guide"}),
    ("信用卡分期懶人包:一次看懂手續費", {"complete_guide"}),
])
def test_title_formulas(det, title, formulas):
    text = title + "\n" + NEWS
    h = _hits(det, text=text)["ZH_AI_SEO_TITLE"]
    assert set(h.details["formulas"]) == formulas
    assert h.weight == (2.0 if len(formulas) >= 2 else 1.5)
    assert h.evidence[0].text == title


def test_title_formula_in_the_title_field(det):
    h = _hits(det, text=NEWS, title="一文读懂停水通知")["ZH_AI_SEO_TITLE"]
    assert h.details["where"] == "title"
    assert h.weight == 1.5


@pytest.mark.parametrize("title", ["东城区部分小区周六停水八小时", "从北京到上海的高铁票价调整", "三个关键问题待解"])
def test_plain_headlines_are_not_formulas(det, title):
    assert "ZH_AI_SEO_TITLE" not in _hits(det, text=title + "\n" + NEWS)


def test_filler_with_a_formula_title_reaches_review(det):
    v = det.check(text="2025【净水器】选购终极指南:一文拆解5大关键\n" + GENERATED)
    assert v.score >= 5.0
    groups = {h.group for h in v.hits}
    assert {"filler", "template"} <= groups


# -- STUFF_TITLE_QUOTED --------------------------------------------------------------

def test_title_quoted_as_this_process(det):
    text = "# 如何在网上注册个体工商户?\n\n很多人对“如何在网上注册个体工商户”这一流程并不熟悉,下面说明。" + NEWS
    h = _hits(det, text=text)["STUFF_TITLE_QUOTED"]
    assert h.group == "stuffing"
    assert h.evidence[0].text.startswith("“如何在网上注册个体工商户”这一流程")


@pytest.mark.parametrize("text", [
    # a slogan quoted without "这一流程/这个问题"
    "剪“廉洁窗花”过廉洁之年\n学生们在活动中剪“廉洁窗花”过廉洁之年,气氛热烈。",
    # a quoted phrase that is not the title
    "东城区周六停水\n居民关心“停水期间能否照常营业”这个问题,公司作了回答。",
])
def test_quotes_that_are_not_the_inserted_keyword(det, text):
    assert "STUFF_TITLE_QUOTED" not in _hits(det, text=text)


# -- robustness ------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "", " \n ", "\x00\x01\x02" * 100, "随着" * 20000, "不断发展" * 50000, "扮演" * 50000, "的今天" * 10000, "#" * 5000 + " 引言",
    "“" * 3000 + "这一流程", "从" * 3000 + "到" * 3000, ("本文将" + "浪潮" * 50 + "\n") * 300,
])
def test_bad_input_never_crashes(det, text):
    v = det.check(text=text)
    assert v.score >= 0
    assert not [h for h in v.hits if h.rule == "PLUGIN_ERROR" or h.group == "plugin"]
