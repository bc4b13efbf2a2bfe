"""Tests for the keyword-injection check (fixtures written for these tests).

Every positive has a precision trap next to it: a news story on Macau
casinos, a police report on gambling sites, a film review naming a rating,
hard-wrapped prose, a tutorial with a long question title, a legitimate tag
list.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detector import Config, Detector
from detector.checks.injection import InjectionCheck

INJECTION_RULES = {"STUFF_ADULT_KEYWORDS", "STUFF_GAMBLING_AD", "STUFF_GLUED_TAGS", "STUFF_QUERY_TITLE_MISMATCH",
                   "STUFF_MEDICAL_AD", "STUFF_DOUBLED_TOKEN"}


@pytest.fixture(scope="module")
def det() -> Detector:
    return Detector(config=Config(), load_entrypoints=False)


def _hits(det: Detector, text: str):
    v = det.check(text=text)
    return {h.rule: h for h in v.hits if h.rule in INJECTION_RULES}, v


# A body about gardening; no keyword under test occurs in it.
_BODY = [
    "春天是播种的好时节,阳台上的几个花盆终于派上了用场。",
    "我先把去年的旧土倒出来晒了两天,再拌上一些腐熟的羊粪。",
    "番茄苗要选茎秆粗壮、叶色深绿的,移栽时埋深一点能多发根。",
    "浇水讲究见干见湿,盆底有积水的话根系很容易腐烂。",
    "到了五月,第一批小番茄开始转红,孩子每天放学都要去数一数。",
    "邻居看了也想试试,我就把多出来的几棵苗送给了她。",
]


def _body(n: int) -> str:
    return "".join(_BODY[i % len(_BODY)] for i in range(n))


# ---------------------------------------------------------------------------
# adult keyword lines


@pytest.mark.parametrize(
    "line",
    [
        "国产精品一区二区_日韩无码在线观看_久久熟女人妻专区_欧美成人影院免费看",
        "亚洲午夜福利视频|少妇毛片在线播放|国产AV高清不卡|人人看人人操",
        "國產精品一區二區-日韓無碼在線觀看-久久熟女人妻專區",  # Traditional folds to the same lexicon
    ],
)
def test_adult_keyword_line_above_an_article(det, line):
    text = line + "\n\n" + "阳台种菜小记\n" + _body(10)
    hits, v = _hits(det, text)
    h = hits["STUFF_ADULT_KEYWORDS"]
    assert h.weight >= 5.0
    assert v.action in ("review", "reject")
    assert text[h.evidence[0].start:h.evidence[0].end] == line
    assert h.details["strong_terms"] >= 1


def test_adult_keywords_in_the_html_title(det):
    html = ("<html><head><title>久久熟女人妻专区_日韩无码在线观看_国产精品</title></head>"
            "<body><h1>阳台种菜小记</h1><p>" + _body(10) + "</p></body></html>")
    v = det.check(html=html)
    h = next(h for h in v.hits if h.rule == "STUFF_ADULT_KEYWORDS")
    assert h.details["where"] == "title"
    assert h.evidence == []
    assert v.action in ("review", "reject")


def test_gambling_call_in_the_html_title(det):
    v = det.check(text=_body(8), title="百家乐开户_社区简讯")
    h = next(h for h in v.hits if h.rule == "STUFF_GAMBLING_AD")
    assert h.details["where"] == "title"


def test_ordinary_titles_are_not_injection(det):
    v = det.check(text=_body(8), title="澳门威尼斯人度假村举办美食节_旅游频道")
    assert not [h for h in v.hits if h.rule in INJECTION_RULES]


@pytest.mark.parametrize(
    "text",
    [
        # News on a crackdown names the terms in prose.
        "警方近日破获一起传播色情视频案,涉案网站以“在线观看”“高清无码”为噱头吸引用户,"
        "目前已有五名嫌疑人被刑事拘留。" + _body(8),
        # A film listing: rating words and "成人" tickets, no explicit terms line.
        "本周上映 国产动画 亚洲首映 高清放映 成人票价八十元 儿童半价\n" + _body(8),
        # A video site's category menu.
        "首页 国产剧 日韩剧 欧美剧 综艺 动漫 在线观看 高清视频\n" + _body(8),
        # An adult-education menu and an AV-cable product line.
        "成人高考 成人教育 成人本科 专升本 在线报名 免费咨询\n" + _body(8),
        "高清AV线 音视频转换器 国产精品 免费包邮 在线下单\n" + _body(8),
        # A weather warning list.
        "暴雨黄色预警 雷电黄色预警 高温黄色预警 大风蓝色预警\n" + _body(8),
    ],
)
def test_adult_terms_in_prose_or_menus_are_not_keyword_lines(det, text):
    hits, _ = _hits(det, text)
    assert "STUFF_ADULT_KEYWORDS" not in hits


# ---------------------------------------------------------------------------
# gambling ads


@pytest.mark.parametrize(
    "text",
    [
        "城市晚报\n\n【金沙娱乐城官网5月3日讯】市园林局表示,今年将新增三处口袋公园。" + _body(6),
        "雨后路面湿滑 市民出行注意安全\n\n据报道(百家乐开户送彩金)今晨全市普降中雨。" + _body(6),
        "社区简讯\n\n★皇冠体育★ royalbet88.com 信誉可靠 安全放心,立即加入领取彩金。\n" + _body(6),
    ],
)
def test_gambling_call_to_action_injected_into_unrelated_text(det, text):
    hits, v = _hits(det, text)
    h = hits["STUFF_GAMBLING_AD"]
    assert h.weight >= 5.0
    assert v.action in ("review", "reject")
    assert h.evidence and all(text[e.start:e.end] == e.text for e in h.evidence)


@pytest.mark.parametrize(
    "text",
    [
        # A story reporting on Macau casinos.
        "澳门博彩业收入连续三个月回升\n\n澳门博彩监察协调局公布,上月赌场毛收入按年上升百分之十二。"
        "分析人士指出,威尼斯人、金沙等度假村的非博彩业务同样增长,葡京娱乐场客流恢复至疫情前九成。" + _body(4),
        # Police reporting on an illegal gambling site with its domain and "注册".
        "警方捣毁一个网络赌博平台\n\n涉案的百家乐网站 fakecasino88.com 诱导受害人注册充值,"
        "警方提醒市民谨防此类诈骗。" + _body(4),
        # A travel story books a room on a resort's official site.
        "澳门三天两夜游记\n\n我们在澳门威尼斯人官网订了两晚酒店,又在美高梅官网买了自助餐券。" + _body(4),
        # Business news on a listed operator.
        "博彩股午后走高\n\n某博彩公司官网公告称,上季度收入增长百分之八。" + _body(4),
        # A county's government site, a card-game app listing.
        "金沙县官网发布春耕通知\n\n" + _body(4),
        "欢乐斗地主 棋牌游戏下载 扑克牌官网\n\n" + _body(4),
        # A poker league's own page with its web address.
        "全球扑克联赛中国站开赛\n\n本届扑克联赛以智力运动为定位,八支城市战队参赛。更多信息请访问 pokerleague.example.com 。" + _body(4),
    ],
)
def test_gambling_news_and_official_pages_are_not_ads(det, text):
    hits, _ = _hits(det, text)
    assert "STUFF_GAMBLING_AD" not in hits


# ---------------------------------------------------------------------------
# medical lead-generation keywords


def test_medical_keyword_line_with_a_link(det):
    text = "小区停车难题怎么解\n\n1楼\n杭州正规牛皮癣医院 http://example.org/item/12345\n\n" + _body(8)
    hits, _ = _hits(det, text)
    h = hits["STUFF_MEDICAL_AD"]
    assert h.details["phrase"] == "正规牛皮癣医院"
    assert h.details["link_on_line"] is True
    assert h.weight == 4.0


def test_medical_keyword_line_without_link_weighs_less(det):
    hits, v = _hits(det, "痔疮医院哪家好\n" + _body(8))
    assert hits["STUFF_MEDICAL_AD"].weight == 3.0
    assert v.score < 5.0  # a user's question can look exactly like this


@pytest.mark.parametrize(
    "text",
    [
        "记者调查发现,一些自称“正规牛皮癣医院”的民营机构,在网上大量投放广告,诱导患者高价治疗。" + _body(6),
        "市第一人民医院皮肤科门诊时间调整\n皮肤科专家门诊改为每周二、周四上午。" + _body(6),
        "男科门诊的另一张面孔\n" + _body(8),
    ],
)
def test_medical_reporting_and_hospital_notices_are_not_ads(det, text):
    hits, _ = _hits(det, text)
    assert "STUFF_MEDICAL_AD" not in hits


# ---------------------------------------------------------------------------
# tags glued to paragraph ends


def test_tags_glued_after_paragraph_punctuation(det):
    paras = [
        "缓存能显著降低数据库的压力,但也带来了一致性的问题。redis",
        "常见的做法是先更新数据库,再删除缓存中的旧值。mysql",
        "如果删除失败,可以把失败的键放进队列里稍后重试。java",
        "读多写少的场景最适合这种策略,写多的场景要另作考虑。架构",
    ]
    text = "缓存与数据库一致性浅谈\n\n" + "\n\n".join(paras) + "\n\n" + _body(4)
    hits, v = _hits(det, text)
    h = hits["STUFF_GLUED_TAGS"]
    assert h.weight >= 5.0
    assert h.details["latin"] == 3
    assert {e.text for e in h.evidence} >= {"redis", "mysql", "java"}


def test_latin_tags_glued_before_a_single_line_break(det):
    text = ("缓存与数据库一致性浅谈\n缓存能降低数据库的压力。redis\n先更新数据库再删除缓存。mysql\n"
            "失败的键放进队列重试。java\n" + _body(4))
    hits, _ = _hits(det, text)
    assert hits["STUFF_GLUED_TAGS"].details["latin"] == 3


def test_hard_wrapped_prose_is_not_glued_tags(det):
    # Hard-wrapped text ends lines after a full stop with the next sentence's start.
    text = (
        "那年夏天我们去了海边。第二\n\n天一早就下起了雨,大家只好待在旅店里。我们\n\n"
        "打了一整天的牌,谁也不想出门。傍晚\n\n雨停了,天边出现了一道彩虹。\n\n" + _body(4)
    )
    hits, _ = _hits(det, text)
    assert "STUFF_GLUED_TAGS" not in hits


def test_two_glued_latin_tags_weigh_less(det):
    text = "标题在此处\n\n第一段话讲完了。python\n\n第二段话也讲完了。linux\n\n第三段结束了。总结\n\n" + _body(3)
    hits, _ = _hits(det, text)
    assert hits["STUFF_GLUED_TAGS"].weight < 5.0


# ---------------------------------------------------------------------------
# one word spliced in doubled


def test_word_spliced_in_doubled_again_and_again(det):
    text = ("阳台种菜小记\n春天是播种的好时节,阳台上的花盆花盆终于派上了用场。我先把旧土倒出来晒了两天,"
            "再拌上一些腐熟的羊粪花盆花盆。番茄苗要选茎秆粗壮的,移栽时花盆花盆埋深一点能多发根。" + _body(6))
    hits, _ = _hits(det, text)
    h = hits["STUFF_DOUBLED_TOKEN"]
    assert h.details == {"token": "花盆", "count": 3, "in_prose": 2}
    assert [e.text for e in h.evidence] == ["花盆花盆"] * 3
    assert h.weight == 3.0


def test_word_spliced_in_doubled_four_times_inside_prose_weighs_most(det):
    text = ("阳台种菜小记\n春天是播种的好时节,阳台上的花盆花盆终于派上了用场。我先把旧土倒出来晒了两天,"
            "再拌上花盆花盆腐熟的羊粪。番茄苗要选花盆花盆茎秆粗壮的,移栽时花盆花盆埋深一点能多发根。" + _body(6))
    hits, _ = _hits(det, text)
    h = hits["STUFF_DOUBLED_TOKEN"]
    assert h.details == {"token": "花盆", "count": 4, "in_prose": 4}
    assert h.weight == 5.0


def test_doubled_button_labels_on_their_own_lines_weigh_less(det):
    # A list page whose "favourite" buttons print their label twice (icon text + text).
    item = "某地举办读书节活动\n收藏收藏\n"
    hits, _ = _hits(det, item * 4 + _body(6))
    h = hits["STUFF_DOUBLED_TOKEN"]
    assert h.details["in_prose"] == 0
    assert h.weight < 5.0


@pytest.mark.parametrize(
    "text",
    [
        # Verb and adverb reduplication, laughter, twice-doubled words.
        "周末大家一起研究研究这个方案,一点一点往前推,哈哈哈哈,实在不行就再讨论讨论。" + _body(6),
        "好多好多人排队,好多好多车堵在路口,大家只好慢慢等。" + _body(6),
        # Song lyrics repeat a three-character phrase.
        "只有风只有风只有风只有风吹过山岗\n" + _body(6),
    ],
)
def test_reduplication_and_lyrics_are_not_spliced_words(det, text):
    hits, _ = _hits(det, text)
    assert "STUFF_DOUBLED_TOKEN" not in hits


# ---------------------------------------------------------------------------
# query titles over an unrelated body


def test_query_title_grafted_onto_unrelated_body(det):
    text = "笔记本电脑开机黑屏怎么办(笔记本黑屏按哪个键恢复)\n" + _body(14)
    hits, v = _hits(det, text)
    h = hits["STUFF_QUERY_TITLE_MISMATCH"]
    assert h.weight >= 5.0
    assert h.details["overlap"] <= 0.1
    assert h.details["paren_query"] is True
    assert v.action in ("review", "reject")


def test_query_html_title_grafted_onto_unrelated_body(det):
    v = det.check(text=_body(14), title="笔记本电脑开机黑屏怎么办_数码问答_某某网")
    h = next(h for h in v.hits if h.rule == "STUFF_QUERY_TITLE_MISMATCH")
    assert h.details["where"] == "title"
    assert h.details["title"] == "笔记本电脑开机黑屏怎么办"
    assert h.evidence == []


def test_query_html_title_answered_by_the_body(det):
    v = det.check(text="番茄苗怎么移栽?" + _body(14), title="阳台番茄苗怎么移栽_园艺问答_某某网")
    assert not [h for h in v.hits if h.rule == "STUFF_QUERY_TITLE_MISMATCH"]


def test_tutorial_with_a_long_question_title_matches_its_body(det):
    title = "如何在阳台上用花盆种出又甜又多的小番茄?新手从播种到收获的完整步骤"
    text = title + "\n" + "在阳台种小番茄并不难,关键是花盆、土和浇水。" + _body(14)
    hits, _ = _hits(det, text)
    assert "STUFF_QUERY_TITLE_MISMATCH" not in hits


def test_rhetorical_question_headline_is_not_a_query(det):
    # Columns end headlines in "?" with wordplay the body never repeats.
    text = "谁的春天?春天是谁的?\n" + _body(14)
    hits, _ = _hits(det, text)
    assert "STUFF_QUERY_TITLE_MISMATCH" not in hits


def test_long_question_mark_title_sharing_nothing_with_the_body(det):
    text = "短发女生戴大耳环显脸大?那是因为你没选对形状\n" + _body(14)
    hits, _ = _hits(det, text)
    h = hits["STUFF_QUERY_TITLE_MISMATCH"]
    assert h.weight == 5.0
    assert h.details["query_word"] is False


def test_statement_title_is_not_a_query(det):
    # A feature headline unrelated in words to its lead is normal journalism.
    text = "城市的另一张面孔\n" + _body(14)
    hits, _ = _hits(det, text)
    assert "STUFF_QUERY_TITLE_MISMATCH" not in hits


def test_short_body_is_not_measured(det):
    hits, _ = _hits(det, "笔记本电脑开机黑屏怎么办\n" + _body(2))
    assert "STUFF_QUERY_TITLE_MISMATCH" not in hits


# ---------------------------------------------------------------------------
# precision traps shared with the stuffing check


def test_news_story_repeating_its_subject(det):
    subject = "高温津贴"
    news = [
        f"记者了解到,今年{subject}的发放范围有所扩大。",
        "户外作业的快递员、环卫工人和建筑工人是主要受益群体。",
        f"按照规定,{subject}从六月开始发放,持续四个月。",
        "人社部门表示,将联合工会开展专项检查,督促企业落实防暑措施。",
        f"有工人反映,往年所在公司并未足额发放{subject}。",
        "对此,劳动监察大队负责人表示,劳动者可以拨打热线投诉,也可以申请劳动仲裁。",
        "专家建议,企业还应合理调整作息时间,避开一天中最热的时段。",
    ]
    text = f"今年{subject}标准公布\n" + "".join(news[i % len(news)] for i in range(28))
    v = det.check(text=text)
    assert not [h for h in v.hits if h.group == "stuffing" and h.weight >= 2.0]


def test_legitimate_tag_list(det):
    text = "阳台种菜小记\n标签: 番茄 阳台 种植 花盆 浇水\n\n" + _body(10)
    v = det.check(text=text)
    assert v.score < 2.0


# ---------------------------------------------------------------------------
# robustness


@pytest.mark.parametrize(
    "text",
    ["", " ", "\n\n\n", "。" * 5000, "。a\n\n" * 3000, "av " * 20000, "赌场官网" * 5000,
     "\x00\x01\ufffd" * 1000, "国产" + "_" * 50000, "?" * 10000 + "\n" + "啊" * 10000],
)
def test_adversarial_input_never_crashes(det, text):
    v = det.check(text=text)
    assert v.score >= 0.0
    assert all(h.rule != "PLUGIN_CHECK_FAILED" for h in v.hits)


_ALPHABET = list("国产无码毛片人妻官网赌场娱乐城注册。!?\n _|abjava数据库怎么花盆正规男科医院(")


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(_ALPHABET), max_size=400),
       st.one_of(st.none(), st.text(alphabet=st.sampled_from(_ALPHABET), max_size=80)))
def test_evidence_offsets_index_the_text(text, title):
    det = Detector(config=Config(), load_entrypoints=False)
    doc = det.document(text=text, title=title)
    for h in InjectionCheck().run(doc):
        for e in h.evidence:
            assert text[e.start:e.end] == e.text


def test_rules_declare_both_descriptions():
    for r in InjectionCheck.rules:
        assert r.id.startswith("STUFF_") and r.group == "stuffing"
        assert r.description_zh and r.description_en


def test_doubled_positions_index_python_strings():
    from detector.checks.injection import _doubled_positions

    # Non-BMP characters and lone surrogates are one code point each, as in Python indexing.
    text = "\U0001F600花盆花盆\ud800好多好多哈哈哈哈ab" + "abab"
    assert _doubled_positions(text) == [1, 6]
    assert _doubled_positions("") == [] and _doubled_positions("花盆花") == []


# -- STUFF_SPLICED_QUERY ---------------------------------------------------------------

_NEWS = ["今年以来多个部门相继出台政策支持数字经济发展,地方政府对此热情很高。",
         "业内人士认为,政策落地还需要时间,企业应当做好长期投入的准备。",
         "记者在走访中发现,不少中小企业已经开始尝试线上销售,效果不错。",
         "专家表示,下一步的关键是完善配套措施,降低企业的转型成本。",
         "统计数据显示,上半年相关行业的营收同比增长了百分之十二。",
         "一些企业负责人坦言,人才短缺仍然是制约发展的主要因素之一。"]


def _splice(phrase: str, times: int) -> str:
    out = []
    for i, s in enumerate(_NEWS):
        out.append(s[:12] + phrase + s[12:] if i < times else s)
    return "\n".join(out)


def test_query_spliced_into_sentences_again_and_again(det):
    h = det.check(text=_splice("网贷逾期怎么办", 5)).hit("STUFF_SPLICED_QUERY")
    assert h is not None and h.weight == 5.0
    assert h.details == {"phrase": "网贷逾期怎么办", "count": 5}
    assert all(e.text == "网贷逾期怎么办" for e in h.evidence)
    h = det.check(text=_splice("北京牛皮癣医院哪家好", 3)).hit("STUFF_SPLICED_QUERY")
    assert h is not None and h.weight == 3.0


def test_questions_in_prose_are_not_spliced_queries(det):
    text = "\n".join(_NEWS) + ("\n很多人问,网贷逾期怎么办?其实网贷逾期怎么办这个问题并不难。"
                              "遇到网贷逾期怎么办,先别慌。")
    assert det.check(text=text).hit("STUFF_SPLICED_QUERY") is None  # twice mid-sentence, not three times
    assert det.check(text=_splice("网贷逾期怎么办", 2)).hit("STUFF_SPLICED_QUERY") is None
