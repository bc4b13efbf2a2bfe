"""Title candidates of the stuffing check: furniture above the title, query echoes in one run."""

from __future__ import annotations

import pytest

from detector import Config, Detector

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


@pytest.fixture(scope="module")
def det() -> Detector:
    return Detector(config=Config(), load_entrypoints=False)


def _stuff(det, text):
    return {h.rule: h for h in det.check(text=text).hits if h.group == "stuffing"}


def test_title_below_page_furniture_is_still_found_repeated(det):
    title = "家用净水器滤芯多久更换一次才合适"
    text = "页面加载中\n" + title + "\n" + _filler(14) + "\n" + title + "\n" + _filler(6)
    h = _stuff(det, text)["STUFF_TITLE_REPEATED"]
    assert h.details["term"] == title


@pytest.mark.parametrize("bar", ["发表新帖 回复本帖", "上一篇 下一篇 返回列表", "2024年05月01日 10:00"])
def test_repeated_button_bars_and_dates_are_not_titles(det, bar):
    text = "社区论坛\n" + bar + "\n" + _filler(14) + "\n" + bar + "\n" + _filler(2)
    assert "STUFF_TITLE_REPEATED" not in _stuff(det, text)


def test_title_after_breadcrumb_date_and_source_lines(det):
    text = "资讯 > 正文\n2024-11-02 14:30\n来源:网友投稿\n\n净水器滤芯怎么换净水器滤芯更换教程\n\n" + _filler(12)
    h = _stuff(det, text)["STUFF_KEYWORD_MATRIX"]
    assert h.details["echo"] == "净水器滤芯"
    assert h.details["echo_query"] is True
    assert h.weight >= 5.0


def test_echo_in_one_run_without_query_weighs_less(det):
    text = "净水器滤芯净水器滤芯品牌推荐\n" + _filler(12)
    h = _stuff(det, text)["STUFF_KEYWORD_MATRIX"]
    assert h.details["echo_query"] is False
    assert h.weight < 5.0


@pytest.mark.parametrize("title, full", [
    ("装修贷款利率怎么算,关于装修贷款利率怎么算的所有信息", True),
    ("公积金提取流程-关于公积金提取流程的相关资讯", True),
    ("年终总结,关于年终总结的写作要求", False),  # an echo, but not the tag-farm wrapper
])
def test_about_all_wrapper_counts_as_a_query_echo(det, title, full):
    hit = det.check(text=title + "\n" + "正文内容,与标题无关的一段普通文字。" * 3).hit("STUFF_KEYWORD_MATRIX")
    assert hit is not None
    assert (hit.weight == 5.0) is full
