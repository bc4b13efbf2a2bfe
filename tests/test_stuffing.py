"""Tests for the keyword-stuffing check (fixtures written for these tests)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detector import Config, Detector, Document
from detector.checks.stuffing import StuffingCheck


@pytest.fixture(scope="module")
def det() -> Detector:
    return Detector(config=Config(), load_entrypoints=False)


def _stuff(det: Detector, text: str, title: str | None = None):
    v = det.check(text=text, title=title)
    return {h.rule: h for h in v.hits if h.group == "stuffing"}, v


# Filler sentences without the keywords under test.
_FILLER = [
    "近年来相关行业发展迅速,越来越多的人开始关注这一领域。",
    "专家提醒,遇到问题时要保持冷静,先了解基本情况再做决定。",
    "各地的情况不尽相同,具体做法还需要结合实际进行判断。",
    "记者在走访中发现,不少市民对此仍然存在一些疑问。",
    "有关部门表示,将继续加强监管,维护良好的市场秩序。",
    "业内人士认为,未来一段时间内这种趋势还会持续下去。",
]


def _filler(n: int) -> str:
    return "".join(_FILLER[i % len(_FILLER)] for i in range(n))


# ---------------------------------------------------------------------------
# keyword-matrix titles


@pytest.mark.parametrize(
    "first_line",
    [
        "选购净水器 净水器品牌 净水器价格 净水器排名",
        "花园洋房装修_洋房装修风格_洋房装修效果图_洋房装修报价_别墅装修",
        "二手手机回收|手机回收价格|旧手机回收|手机回收平台",
    ],
)
def test_keyword_matrix_first_line(det, first_line):
    hits, _ = _stuff(det, first_line + "\n" + _filler(12))
    h = hits["STUFF_KEYWORD_MATRIX"]
    assert h.weight >= 4.0
    assert len(h.details["segments"]) >= 4
    assert h.evidence[0].text == first_line


def test_keyword_matrix_in_html_title(det):
    title = "网贷逾期怎么办_网贷逾期协商_网贷逾期多久上征信_网贷逾期后果_网贷逾期处理"
    hits, v = _stuff(det, _filler(12), title=title)
    h = hits["STUFF_KEYWORD_MATRIX"]
    assert h.details["where"] == "title"
    assert h.weight >= 5.0
    assert v.action in ("review", "reject")


@pytest.mark.parametrize(
    ("title", "first_line"),
    [
        ("拿出十万元投资理财 小夫妻尝试稳健增值_某某理财_某某网", None),
        ("高校举办秋季运动会 师生踊跃参赛_校园新闻_某某大学新闻网", None),
        (None, "首页 | 新闻 | 体育 | 财经 | 娱乐"),
        (None, "国内新闻 国际新闻 社会新闻 体育新闻 娱乐新闻"),
        ("国内新闻_国际新闻_社会新闻_体育新闻_娱乐新闻", None),
        (None, "您现在的位置: 首页 > 新闻中心 > 本地新闻"),
        (None, "某某新闻 | 每日某某新闻 看懂身边事"),
        (None, "bloguser99http://blog.example.com/Blog/bloguser99/复制地址"),
        (None, "小明的博客 小明 的个人空间"),
        ("中国某某银行 - 中国某某银行官方网站", None),
        ("图说江城| 江城职业学院:剪“清风窗花” 过清风之年 江城日报网-江城日报官方网站", None),
        ("第五届青年经济论坛会议议程_青年经济论坛秘书处_CN_某某大学青年经济研究中心", None),
    ],
)
def test_site_titles_and_navigation_are_not_keyword_matrices(det, title, first_line):
    text = (first_line + "\n" if first_line else "") + _filler(12)
    hits, _ = _stuff(det, text, title=title)
    assert "STUFF_KEYWORD_MATRIX" not in hits


@pytest.mark.parametrize(
    "first_line",
    [
        "信用卡逾期被起诉了,信用卡逾期被起诉了会坐牢吗",
        "智能门锁安装步骤详解-智能门锁安装步骤详解是什么",
    ],
)
def test_title_echoing_itself(det, first_line):
    hits, _ = _stuff(det, first_line + "\n" + _filler(12))
    h = hits["STUFF_KEYWORD_MATRIX"]
    assert h.details["echo"]
    assert h.weight >= 3.5


def test_paren_query_title(det):
    text = "空气炸锅做蛋挞(空气炸锅做蛋挞要多久)\n" + _filler(12)
    hits, _ = _stuff(det, text)
    assert "STUFF_PAREN_QUERY" in hits
    assert "STUFF_KEYWORD_MATRIX" in hits  # the query repeats the title
    assert sum(h.weight for h in hits.values()) >= 5.0


@pytest.mark.parametrize(
    "first_line",
    ["法官解读风险代理的法律边界(六个方面,详细分析)", "市民在广场拍照留念(图)", "台风过境后城区恢复通行(附绕行路线)"],
)
def test_ordinary_parentheses_are_not_queries(det, first_line):
    hits, _ = _stuff(det, first_line + "\n" + _filler(12))
    assert "STUFF_PAREN_QUERY" not in hits
    assert "STUFF_KEYWORD_MATRIX" not in hits


# ---------------------------------------------------------------------------
# title repeated


def test_title_repeated_far_into_the_body(det):
    title = "探寻古镇的千年风韵与小吃"
    text = title + "\n" + _filler(14) + "\n" + title + "\n" + _filler(14) + "\n" + title + "\n" + _filler(4)
    hits, _ = _stuff(det, text)
    h = hits["STUFF_TITLE_REPEATED"]
    assert h.details["count"] == 2
    assert h.weight >= 3.0


def test_title_shown_twice_at_the_top_is_normal(det):
    title = "市图书馆延长周末开放时间"
    text = title + "\n发布时间:2024-05-01\n" + title + "\n" + _filler(14)
    hits, _ = _stuff(det, text)
    assert "STUFF_TITLE_REPEATED" not in hits


# ---------------------------------------------------------------------------
# density


def _stuffed_article(term: str, n_filler: int) -> str:
    parts = []
    for i in range(n_filler):
        parts.append(f"{term}{_FILLER[i % len(_FILLER)]}选择{term}的时候,{term}很重要。")
    return "".join(parts)


def test_title_entity_density(det):
    term = "星辰借贷平台"
    text = f"{term}怎么样\n" + _stuffed_article(term, 10)
    hits, _ = _stuff(det, text)
    h = hits["STUFF_TITLE_DENSITY"]
    assert h.details["term"] == term
    assert h.details["source"] == "title"
    assert h.details["count"] == 30
    assert h.details["density_per_1000"] > 30
    assert h.details["sentence_share"] > 0.5
    assert h.evidence[0].text == term


def test_density_counts_traditional_with_simplified(det):
    term_s, term_t = "云端贷款", "雲端貸款"
    body = "".join(f"{term_t if i % 2 else term_s}{_FILLER[i % len(_FILLER)]}{term_s}很重要。" for i in range(12))
    hits, _ = _stuff(det, f"{term_s}好不好\n" + body)
    assert hits["STUFF_TITLE_DENSITY"].details["count"] == 24


def test_most_repeated_term_without_title(det):
    term = "极光理财"
    body = "".join(f"{_FILLER[i % len(_FILLER)]}{term}{term}好,{term}稳。" for i in range(14))
    hits, _ = _stuff(det, body)
    h = hits["STUFF_TITLE_DENSITY"]
    assert h.details["source"] == "frequent"
    assert term in h.details["term"]


def test_news_naming_its_subject_fifteen_times_is_not_stuffing(det):
    subject = "青山湖湿地公园"
    sentences = [
        f"{subject}今天正式对外开放。", "开园首日,不少市民带着孩子前来游玩。",
        f"据介绍,{subject}占地约三百公顷。", "园区内设有观鸟台、步道和科普馆。",
        f"{subject}管理处负责人表示,将实行预约入园。", "每天接待量控制在一万人以内。",
        f"为方便游客,{subject}周边新增了两条公交线路。", "停车场也同步扩建完成。",
        f"市民李女士说,{subject}离家很近,周末经常会来。", "她觉得这里空气好,环境也安静。",
        f"专家认为,{subject}的建成对保护水源有积极作用。", "湿地能够净化水质、调节气候。",
        f"下一步,{subject}还将举办自然教育活动。", "活动面向中小学生免费开放。",
        f"{subject}夜间不开放,请游客注意闭园时间。", "园内禁止烧烤和露营。",
        f"今年,{subject}计划补种水生植物二十余种。", "工作人员正在抓紧施工。",
        f"有游客建议{subject}增加休息座椅。", "管理处表示会认真研究。",
        f"{subject}还将开通线上导览服务。", "游客扫码即可收听讲解。",
        f"{subject}所在区域曾是一片荒滩。", "经过多年治理,如今已是候鸟栖息地。",
        f"据统计,{subject}已记录鸟类一百多种。", "其中包括多种国家保护鸟类。",
        f"{subject}的开放,为市民增添了一处休闲好去处。", "记者 王芳 报道",
        f"关于{subject}的更多信息可关注官方网站。",
    ]
    # A realistic report: the subject in about every other sentence, with
    # ordinary sentences in between (about 1,400 characters).
    body = "".join(s + _FILLER[i % len(_FILLER)] for i, s in enumerate(sentences))
    text = f"{subject}正式开园\n" + body
    assert text.count(subject) == 16
    hits, v = _stuff(det, text)
    assert hits == {}
    assert v.action == "allow"


# ---------------------------------------------------------------------------
# tag clouds


def test_tag_cloud_of_unrelated_terms(det):
    text = ("呼叫中心行业年会在上海召开\n热门标签:电话销售 话术大全 外呼系统 旗舰版下载 寿险营销 网站建设 人工智能 贷款口子\n"
            + _filler(12))
    hits, _ = _stuff(det, text)
    h = hits["STUFF_TAG_CLOUD"]
    assert h.details["count"] == 8
    assert h.details["absent_from_text"] >= 4


def test_paper_keywords_line_is_not_a_tag_cloud(det):
    text = "湿地保护研究\n关键词:湿地 水质 候鸟\n" + _filler(12)
    hits, _ = _stuff(det, text)
    assert "STUFF_TAG_CLOUD" not in hits


def test_tags_that_the_text_discusses_are_not_stuffing(det):
    text = "标签:行业 市场 情况 记者 市民 部门\n" + _filler(14)
    hits, _ = _stuff(det, text)
    assert "STUFF_TAG_CLOUD" not in hits


# ---------------------------------------------------------------------------
# options and robustness


def test_density_thresholds_are_configurable():
    term = "星辰借贷平台"
    text = f"{term}怎么样\n" + "".join(f"{term}{_FILLER[i % 6]}{_FILLER[(i + 1) % 6]}" for i in range(10))
    strict = Detector(config=Config({"options": {"stuffing.density_per_1000": 5,
                                                 "stuffing.density_coverage": 0.05}}),
                      load_entrypoints=False)
    default = Detector(config=Config(), load_entrypoints=False)
    assert strict.check(text=text).hit("STUFF_TITLE_DENSITY") is not None
    assert default.check(text=text).hit("STUFF_TITLE_DENSITY") is None


@pytest.mark.parametrize(
    "text",
    ["选股 " * 60_000, "标签:a b c d e f\n" * 12_000, "的" * 200_000, "一二" * 100_000,
     "关键词\n" * 50_000, "(" * 100_000 + ")" * 100_000, "_|" * 100_000, "\n" * 200_000, ""],
)
def test_adversarial_inputs_never_raise(det, text):
    v = det.check(text=text, title=text[:500] or None)
    assert not v.errors


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="选股指标公式 _|,-()（）标签:关键词\n的了一二ab", max_size=300),
       st.one_of(st.none(), st.text(max_size=60)))
def test_random_titles_never_raise(text, title):
    check = StuffingCheck()
    doc = Document(text=text, title=title)
    for h in check.run(doc):
        for e in h.evidence:
            assert text[e.start:e.end] == e.text
