"""Tests for the rule engine: loading, validation, matching, meta and eval rules."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detector import Config, Detector, RuleError, hookimpl
from detector.ingest import make_document
from detector.rules import load_ruleset


def _write(tmp_path: Path, body: str, name: str = "r.yaml") -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(body), encoding="utf-8")
    return p


BASE = """
rules:
  - id: T_SUB_A
    name: sub-a
    group: template
    weight: 0
    target: simplified
    keywords: [甲乙]
    pattern: 甲乙
    description_zh: 子规则甲
    description_en: sub rule a
  - id: T_SUB_B
    name: sub-b
    group: template
    weight: 0
    pattern: 丙丁
    description_zh: 子规则乙
    description_en: sub rule b
  - id: T_META
    name: both
    group: template
    weight: 3
    meta: T_SUB_A && (T_SUB_B || T_SUB_A >= 3)
    description_zh: 两者都有
    description_en: both present
    match: ["甲乙丙丁"]
    no_match: ["甲乙"]
"""


def _rs(tmp_path, body=BASE, funcs=None):
    return load_ruleset([_write(tmp_path, body)], funcs or {}, Config())


def _fired(rs, text, **kw):
    return set(rs.evaluate(make_document(text, **kw)))


def test_meta_boolean_and_counting(tmp_path):
    rs = _rs(tmp_path)
    assert _fired(rs, "甲乙丙丁") == {"T_SUB_A", "T_SUB_B", "T_META"}
    assert "T_META" not in _fired(rs, "甲乙 甲乙")
    assert "T_META" in _fired(rs, "甲乙 甲乙 甲乙")  # counting branch
    assert _fired(rs, "無關內容") == set()


def test_subrules_are_listed_but_never_hits(tmp_path):
    rs = _rs(tmp_path)
    infos = {r.id: r for r in rs.rules}
    assert infos["T_SUB_A"].scoring is False and infos["T_META"].scoring is True
    hits = list(rs.run(make_document("甲乙丙丁")))
    assert [h.rule for h in hits] == ["T_META"]
    # Meta evidence is the union of its sub-rules' evidence, in text offsets.
    assert [(e.start, e.end, e.text) for e in hits[0].evidence] == [(0, 2, "甲乙"), (2, 4, "丙丁")]


def test_view_matches_map_back_to_original_offsets(tmp_path):
    rs = _rs(tmp_path)
    doc = make_document("前言\u200b：甲\u200b乙")  # zero-width space inside the keyword
    res = rs.evaluate(doc)
    ev = res["T_SUB_A"].evidence[0]
    assert doc.text[ev.start:ev.end] == ev.text == "甲\u200b乙"


def test_traditional_folds_on_simplified_view(tmp_path):
    body = BASE.replace("甲乙", "小编")
    rs = _rs(tmp_path, body)
    assert "T_SUB_A" in _fired(rs, "今天小編來了")


def test_keyword_prefilter_skips_pattern(tmp_path):
    # The pattern would match "甲x乙" but its keyword "甲乙" is absent: not run.
    body = BASE.replace("pattern: 甲乙", "pattern: 甲.?乙")
    rs = _rs(tmp_path, body)
    assert "T_SUB_A" not in _fired(rs, "甲x乙")
    assert "T_SUB_A" in _fired(rs, "甲乙")


def test_identical_patterns_run_once(tmp_path):
    body = BASE + """
  - id: T_DUP
    name: dup
    group: template
    weight: 0
    pattern: 丙丁
    description_zh: 重复
    description_en: duplicate pattern
"""
    rs = _rs(tmp_path, body)
    pats = [p for g in rs._groups for p in g.patterns]
    assert sum(1 for p in pats if p.compiled.pattern == "丙丁") == 1
    assert {"T_SUB_B", "T_DUP"} <= _fired(rs, "丙丁")


def test_title_and_url_targets(tmp_path):
    body = """
rules:
  - id: T_TITLE
    name: title
    group: template
    weight: 1
    target: title
    pattern: 排名
    description_zh: 标题
    description_en: title
    match: ["男科醫院排名"]
    no_match: ["男科"]
  - id: T_URL
    name: url
    group: domain
    weight: 1
    target: url
    pattern: /html/[0-9a-f]{8}
    description_zh: 网址
    description_en: url
    match: ["http://x.cn/html/deadbeef.html"]
    no_match: ["http://x.cn/a.html"]
"""
    rs = _rs(tmp_path, body)
    hits = {h.rule: h for h in rs.run(make_document("正文", title="北京醫院排名", url="http://a.cn/html/0123abcd"))}
    assert set(hits) == {"T_TITLE", "T_URL"}
    assert hits["T_TITLE"].details["matched"] == ["排名"] and hits["T_TITLE"].evidence == []


class _EvalPlugin:
    @hookimpl
    def spamdetect_register_eval_functions(self):
        return {"long_text": lambda doc, n: len(doc.text) >= n,
                "boom": lambda doc: 1 / 0}


def test_eval_functions_from_a_plugin(tmp_path):
    body = BASE + """
  - id: T_EVAL
    name: long
    group: template
    weight: 0
    eval: long_text(10)
    description_zh: 长
    description_en: long
  - id: T_META_EVAL
    name: long-and-a
    group: template
    weight: 2
    meta: T_EVAL && T_SUB_A
    description_zh: 长且有甲乙
    description_en: long with a
    match: ["甲乙一二三四五六七八九"]
    no_match: ["甲乙"]
  - id: T_BOOM
    name: boom
    group: template
    weight: 1
    eval: boom() || long_text(1)
    description_zh: 出错
    description_en: raising function
    match: ["x"]
    no_match: [""]
"""
    cfg_dir = tmp_path / "rules"
    cfg_dir.mkdir()
    _write(cfg_dir, body)
    cfg = Config({"rule_dirs": [str(cfg_dir)]})
    det = Detector(config=cfg, plugins=[_EvalPlugin()], load_entrypoints=False)
    v = det.check(text="甲乙一二三四五六七八九")
    assert v.hit("T_META_EVAL") is not None
    assert det.check(text="甲乙").hit("T_META_EVAL") is None
    # A raising eval function counts as 0, the scan goes on, and it is noted.
    doc = det.document("abc")
    verdict = det.check_document(doc)
    assert verdict.hit("T_BOOM") is not None and not verdict.errors
    assert any(k == "eval_error" and "ZeroDivisionError" in w for k, w in doc.notes)


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda b: b.replace("    weight: 3\n", "    weight: 3\n    colour: red\n"), "unknown key 'colour'"),
        (lambda b: b.replace("    description_en: both present\n", ""), "missing 'description_en'"),
        (lambda b: b.replace("pattern: 丙丁", "pattern: '丙(丁'"), "bad regex"),
        (lambda b: b.replace("id: T_SUB_B", "id: T_SUB_A"), "duplicate id"),
        (lambda b: b.replace("T_SUB_B ||", "T_NOPE ||"), "unknown rule T_NOPE"),
        (lambda b: b.replace('    no_match: ["甲乙"]\n', ""), "needs at least one 'match' and one 'no_match'"),
        (lambda b: b.replace("meta: T_SUB_A &&", "meta: T_SUB_A & "), "bad meta expression"),
        (lambda b: b.replace("group: template\n    weight: 3", "group: farm\n    weight: 3"), "unknown group"),
        (lambda b: b.replace("pattern: 丙丁", "pattern: 'x*'"), "matches the empty string"),
        (lambda b: b.replace("meta: T_SUB_A && (T_SUB_B || T_SUB_A >= 3)", "meta: T_META || T_SUB_A"),
         "meta references itself"),
    ],
)
def test_validation_names_file_and_rule(tmp_path, mutate, message):
    path = _write(tmp_path, mutate(BASE))
    with pytest.raises(RuleError) as err:
        load_ruleset([path], {}, Config())
    assert message in str(err.value)
    assert str(path) in str(err.value)


def test_meta_cycle_and_unknown_function_rejected(tmp_path):
    cyc = BASE + """
  - id: T_M1
    name: m1
    group: template
    weight: 0
    meta: T_M2 && T_SUB_A
    description_zh: 一
    description_en: one
  - id: T_M2
    name: m2
    group: template
    weight: 0
    meta: T_M1 || T_SUB_B
    description_zh: 二
    description_en: two
"""
    with pytest.raises(RuleError, match="cycle"):
        _rs(tmp_path, cyc)
    fn = BASE.replace("meta: T_SUB_A && (", "meta: nope(1) && T_SUB_A && (")
    with pytest.raises(RuleError, match="unknown eval function 'nope'"):
        _rs(tmp_path, fn)


def test_redirects_must_not_reuse_ids(tmp_path):
    _write(tmp_path, BASE)
    _write(tmp_path, "T_OLD: T_META\n", "redirects.yaml")
    rs = load_ruleset([tmp_path], {}, Config())
    assert rs.redirects == {"T_OLD": "T_META"}
    _write(tmp_path, "T_SUB_A: T_META\n", "redirects.yaml")
    with pytest.raises(RuleError, match="never reused"):
        load_ruleset([tmp_path], {}, Config())


def test_version_hashes_contents(tmp_path):
    a = _rs(tmp_path).version
    b = _rs(tmp_path, BASE.replace("weight: 3", "weight: 4")).version
    assert a and b and a != b


def test_catastrophic_pattern_is_cut_by_time_limit(tmp_path):
    body = BASE.replace("pattern: 丙丁", "pattern: '(a+)+b'")
    rs = _rs(tmp_path, body)
    doc = make_document("a" * 5000)
    res = rs.evaluate(doc)
    assert "T_SUB_B" not in res
    assert any(k == "regex_timeout" for k, _ in doc.notes)


@pytest.mark.parametrize("text", ["", "\x00\x01", "\ufffd" * 100, "甲" * 200_000, "*" * 50_000])
def test_bad_input_never_crashes(detector, text):
    v = detector.check(text=text)
    assert v.action in ("allow", "review", "reject")
    assert not v.errors


def test_profiles_add_rule_dirs_reweight_and_disable(tmp_path):
    site = tmp_path / "forum-rules"
    site.mkdir()
    _write(site, """
rules:
  - id: SITE_FORUM_PHRASE
    name: forum-phrase
    group: template
    weight: 2
    pattern: 顶帖送积分
    description_zh: 论坛刷帖
    description_en: forum bumping bait
    match: ["顶帖送积分啦"]
    no_match: ["积分规则"]
  - id: SITE_FORUM_META
    name: forum-phrase-with-builtin
    group: template
    weight: 1
    meta: SITE_FORUM_PHRASE && ZH_TEMPLATE_XIAOBIAN_INTRO
    description_zh: 论坛刷帖加小编导语
    description_en: forum bait with a builtin template phrase
    match: ["小编导语:顶帖送积分"]
    no_match: ["顶帖送积分"]
""")
    cfg = Config({
        "profiles": {"forum": {"rule_dirs": [str(site)], "disable": ["ZH_TEMPLATE_SITE_WILL"],
                               "weights": {"ZH_TEMPLATE_XIAOBIAN_INTRO": 1.0}}},
    })
    det = Detector(config=cfg, load_entrypoints=False)
    text = "小编导语:顶帖送积分。本站将从多个角度分析。"
    default = det.check(text=text)
    forum = det.check(text=text, site="forum")
    assert {h.rule for h in default.hits} >= {"ZH_TEMPLATE_XIAOBIAN_INTRO", "ZH_TEMPLATE_SITE_WILL"}
    assert default.hit("SITE_FORUM_PHRASE") is None
    assert forum.hit("SITE_FORUM_PHRASE") is not None and forum.hit("SITE_FORUM_META") is not None
    assert forum.hit("ZH_TEMPLATE_SITE_WILL") is None
    assert forum.hit("ZH_TEMPLATE_XIAOBIAN_INTRO").weight == 1.0
    assert "SITE_FORUM_PHRASE" in {r.id for r in det.rules("forum")}


def test_invalid_site_rules_fail_at_startup(tmp_path):
    site = tmp_path / "bad"
    site.mkdir()
    _write(site, "rules:\n  - id: SITE_BAD\n    name: b\n")
    with pytest.raises(RuleError, match="SITE_BAD"):
        Detector(config=Config({"profiles": {"x": {"rule_dirs": [str(site)]}}}), load_entrypoints=False)


_ALPHABET = list("小编導语語总结本站将從角度一二三、.．:：\n *＊敏感词案例張三(（2024)）《》侵权删帖舉報")
_ALPHABET += ["\u200b", "\u3000", "ＱＱ", "…", "...", "随着", "的迅猛发展", "本文将介绍", "采纳措施"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(_ALPHABET), max_size=120).map("".join))
def test_evidence_always_indexes_the_original_text(detector, text):
    v = detector.check(text=text)
    doc_text = detector.document(text).text
    for h in v.hits:
        for e in h.evidence:
            assert doc_text[e.start:e.end] == e.text


class _StringPlugin:
    @hookimpl
    def spamdetect_register_eval_functions(self):
        return {"word": lambda doc: "not a number"}


def test_type_errors_in_expressions_count_as_no_match(tmp_path):
    body = BASE + """
  - id: T_EVAL_STR
    name: string-arith
    group: template
    weight: 1
    eval: word() + 1 > 0
    description_zh: 类型错误
    description_en: type error
    match: [{text: "x"}]
    no_match: ["y"]
"""
    d = tmp_path / "r"
    d.mkdir()
    _write(d, body)
    det = Detector(config=Config({"rule_dirs": [str(d)]}), plugins=[_StringPlugin()], load_entrypoints=False)
    doc = det.document("甲乙丙丁")
    v = det.check_document(doc)
    assert v.hit("T_META") is not None and v.hit("T_EVAL_STR") is None and not v.errors
    assert any(k == "eval_error" and "T_EVAL_STR" in w for k, w in doc.notes)


def test_lint_flags_unknown_views_and_unfoldable_keywords(tmp_path):
    from detector.rulecheck import lint

    body = """
rules:
  - id: T_TRAD_KW
    name: trad
    group: template
    weight: 0
    target: simplified
    keywords: [小編]
    pattern: 小编
    description_zh: 繁体关键词
    description_en: traditional keyword
  - id: T_NO_VIEW
    name: noview
    group: template
    weight: 0
    target: nosuchview
    pattern: 甲
    description_zh: 无此视图
    description_en: no such view
  - id: T_UPPER_KW
    name: upper
    group: template
    weight: 0
    target: lower
    keywords: [QQ]
    pattern: qq
    description_zh: 大写
    description_en: upper-case keyword on lower view
"""
    rs = _rs(tmp_path, body)
    problems = "\n".join(lint(rs, ["raw", "nfkc", "simplified", "lower"], probe=False))
    assert "T_TRAD_KW" in problems and "'小编'" in problems
    assert "T_NO_VIEW" in problems and "nosuchview" in problems
    assert "T_UPPER_KW" in problems
    # An unknown view at run time is noted, not a crash.
    doc = make_document("甲")
    assert "T_NO_VIEW" not in rs.evaluate(doc)
    assert any("nosuchview" in w for k, w in doc.notes)
