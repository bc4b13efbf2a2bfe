"""Combination rules of the packaged rule files, on documents we write.

The chrome combinations count *distinct kinds* of farm furniture, the masking
rules score in the ``template`` group (not under the deletion cap), and the
outline-on-a-farm-page meta needs both of its independent signals. Each test
checks the verdict of a whole Detector, so weights, groups and caps all play.
"""

from __future__ import annotations

import pytest

from detector import Config, Detector


@pytest.fixture(scope="module")
def det():
    return Detector(config=Config(), load_entrypoints=False)


def _rules(verdict):
    return {h.rule: h for h in verdict.hits}


def test_portal_breadcrumb_and_counters_alone_do_not_combine(det):
    # Legitimate portals show breadcrumbs and view counters: no combination.
    text = "当前位置:首页 > 新闻中心 > 本地新闻\n阅读:1024 评论:3\n市政府召开常务会议,研究部署下半年工作。"
    hits = _rules(det.check(text=text))
    assert "ZH_CHROME_COMBO_TWO" not in hits
    assert "ZH_CHROME_COMBO_THREE" not in hits


def test_three_kinds_of_furniture_combine(det):
    text = ("设为首页 | 加入收藏\n您的位置:首页 > 资讯 > 理财\n来源:https://news.example.com/a/1 浏览:233\n"
            "信用卡分期的手续费怎么算,很多人并不清楚。")
    v = det.check(text=text)
    hits = _rules(v)
    assert {"ZH_CHROME_COMBO_TWO", "ZH_CHROME_COMBO_THREE"} <= set(hits)
    assert all(h.group == "chrome" for r, h in hits.items() if r.startswith("ZH_CHROME_"))
    # evidence of a meta hit points into the text
    for e in hits["ZH_CHROME_COMBO_THREE"].evidence:
        assert text[e.start:e.end]


def test_masking_is_not_capped_by_the_deletion_group(det):
    text = "".join(f"第{i}批新冠病*疫苗已到货,请市民按时接种病*疫苗。" for i in range(1, 5))
    v = det.check(text=text)
    hits = _rules(v)
    assert hits["ZH_MASK_STAR_IN_WORD"].group == "template"
    assert "ZH_MASK_STAR_IN_WORD_MANY" in hits
    assert v.score >= 5.0 and v.action == "review"


def test_masking_with_separator_lines_stays_quiet(det):
    text = "会议纪要\n******\n一、会议时间\n******\n二、参会人员\n注意:带*号的为必填项。"
    assert not [h for h in det.check(text=text).hits if h.rule.startswith("ZH_MASK_")]


def test_outline_needs_farm_furniture_to_count_as_farm_page(det):
    outline = "本文将介绍申请流程。\n一、准备材料\n正文\n二、提交申请\n正文\n三、等待审核\n正文"
    plain = _rules(det.check(text=outline))
    assert "ZH_TEMPLATE_SKELETON_ON_FARM_PAGE" not in plain
    farm = _rules(det.check(text="还剩12页未读,继续阅读\n" + outline))
    assert "ZH_TEMPLATE_SKELETON_ON_FARM_PAGE" in farm


def test_government_portal_and_forum_furniture_stay_allowed(det):
    # Portal header links, breadcrumbs, counters and forum software text are
    # on legitimate sites too; together they must not make a page reviewable.
    portal = ("设为首页 | 加入收藏 | 会员中心\n当前位置:首页 > 政务公开 > 通知公告\n来源:网络 浏览次数:356\n"
              "关于做好冬季供暖工作的通知\n各街道办事处:现将有关事项通知如下。")
    forum = ("找回密码 注册\n查看: 88|回复: 3\n[复制链接]\n楼主 发表于 2024-02-01 | 显示全部楼层 |阅读模式\n"
             "周末带孩子去了植物园,人不多,推荐大家去看看。\n发新话题 回复该主题")
    for text in (portal, forum):
        v = det.check(text=text)
        assert v.action == "allow", [(h.rule, h.weight) for h in v.hits]
        assert not {"ZH_CHROME_COMBO_TWO", "ZH_CHROME_COMBO_THREE"} & set(_rules(v))


def test_skipping_unmatched_metas_changes_no_result(det, shared_data):
    # Metas whose inputs all failed to match take the value computed once at
    # load time; evaluating every meta in full must give the same results.
    import json

    from detector.ingest import make_document

    ruleset = next(c for c in det.checks_for(det.config.profile(None)) if c.name == "rules")
    assert ruleset._fixed, "no meta was precomputed"
    rows = [json.loads(line) for line in open(shared_data / "zh-pages-dev/pages.jsonl", encoding="utf-8")]
    texts = [r["text"] for r in rows] + ["", "Lorem ipsum", "一、\n二、\n三、"]
    fixed = ruleset._fixed
    try:
        for t in texts:
            ruleset._fixed = fixed
            fast = ruleset.evaluate(make_document(text=t))
            ruleset._fixed = {}
            full = ruleset.evaluate(make_document(text=t))
            assert {k: (v.count, v.value) for k, v in fast.items()} == \
                {k: (v.count, v.value) for k, v in full.items()}
    finally:
        ruleset._fixed = fixed


# ---------------------------------------------------------------------------
# repost evidence, flattened credits, widget stacks, filtered-word masks


def test_outlet_notice_on_a_converter_farm_page_reaches_review(det):
    # Traditional text: evidence must still index the original characters.
    text = ("某遊戲公司程式設計師分享:從單人玩法到社交玩法\n\n語言: CN / TW / HK\n\n"
            "【某某網專稿,未經授權不得轉載!】\n\n某某網報道/這家公司上線了五款遊戲,每一款都很成功。")
    v = det.check(text=text)
    hits = _rules(v)
    assert {"ZH_CHROME_REPOST_ON_FARM_PAGE", "ZH_CHROME_EXCLUSIVE_NOTICE", "ZH_CHROME_COMBO_TWO"} <= set(hits)
    assert v.score >= 5.0
    spans = {text[e.start:e.end] for e in hits["ZH_CHROME_REPOST_ON_FARM_PAGE"].evidence}
    assert any("專稿" in s for s in spans) and any("CN / TW" in s for s in spans)


def test_outlet_notice_on_its_own_portal_stays_allowed(det):
    text = ("当前位置:首页 > 游戏 > 行业\n阅读:1024\n【某某网专稿,未经授权不得转载!】\n"
            "原标题:某公司发布新游戏\n这家公司上线了五款游戏,每一款都很成功。")
    v = det.check(text=text)
    assert "ZH_CHROME_REPOST_ON_FARM_PAGE" not in _rules(v)
    assert v.score < 5.0


def test_bot_repost_with_glued_credit_block_in_a_forum_reaches_review(det):
    text = ("找回密码\n查看: 88|回复: 0\n[复制链接]\n机器人 发表于 2023-01-01 | 显示全部楼层 |阅读模式\n\n"
            "原标题:如何做好项目管理作者 | 张三 责编 | 王小丽出品 | 某某科技(ID:mouketech)项目管理并不难。")
    v = det.check(text=text)
    hits = _rules(v)
    assert "ZH_CHROME_FLATTENED_CREDIT" in hits and v.score >= 5.0


def test_forum_repost_with_credit_lines_kept_apart_stays_allowed(det):
    text = ("找回密码\n查看: 88|回复: 3\n[复制链接]\n网友 发表于 2023-01-01 | 显示全部楼层 |阅读模式\n\n"
            "原标题:如何做好项目管理\n作者 | 张三\n责编 | 王小丽\n项目管理并不难,关键在于沟通。")
    v = det.check(text=text)
    assert "ZH_CHROME_FLATTENED_CREDIT" not in _rules(v)
    assert v.score < 5.0


def test_empty_widget_stack_after_a_short_repost(det):
    text = "某银行调整账单通知规则\n某银行发布公告,将调整账单通知规则,具体如下。\n评论加载中\n相关文章\n月点击排行\n"
    v = det.check(text=text)
    assert "ZH_CHROME_WIDGET_STACK" in _rules(v) and v.score >= 5.0


def test_two_filtered_word_masks_reach_review_but_names_do_not(det):
    masked = "新版大逃*模式上线,老玩家更爱经典的大逃*玩法。射击手感也做了调整。"
    v = det.check(text=masked)
    assert {"ZH_MASK_FILTERED_WORD", "ZH_MASK_STAR_IN_WORD"} <= set(_rules(v)) and v.score >= 5.0
    names = "被告人王*明于2020年5月到案,同案人李*佳未到案,张*华另案处理。"
    assert "ZH_MASK_FILTERED_WORD" not in _rules(det.check(text=names))


def test_markdown_bold_in_chinese_is_not_masking(det):
    text = "## 更新说明\n这是**最新**功能,也是**最好**的版本,**请升级**。\n*注意*:升级前请备份。"
    hits = _rules(det.check(text=text))
    assert not any(r.startswith("ZH_MASK_") for r in hits)
