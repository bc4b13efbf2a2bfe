"""The engine and its hooks: one pipeline, contained failures, limits."""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "plugins"))

import sample_plugins as sp  # noqa: E402

from detector import Config, Detector, hookspecs  # noqa: E402


@pytest.fixture
def site_plugin():
    return sp.SitePlugin()


def make(*plugins, **config):
    return Detector(config=Config(config), plugins=plugins, load_entrypoints=False)


def test_hook_spamdetect_register_checks(site_plugin):
    v = make(site_plugin).check(text="这是一个秘密,另一个秘密。")
    hit = v.hit("SITE_SECRET")
    assert hit is not None and hit.group == "template"
    assert [(e.start, e.end, e.text) for e in hit.evidence] == [(4, 6, "秘密"), (10, 12, "秘密")]
    assert v.score == 6.0 and v.action == "review"


def test_hook_spamdetect_add_config(site_plugin):
    det = make(site_plugin, options={"site.secret_weight": 2.5})
    assert det.config.option("site.secret_weight") == 2.5
    with pytest.raises(Exception, match="options.site.secret_weight"):
        make(site_plugin, options={"site.secret_weight": "heavy"})
    with pytest.raises(Exception, match="options.nope"):
        make(site_plugin, options={"nope": 1})


def test_hook_spamdetect_register_views(site_plugin):
    det = make(site_plugin)
    doc = det.document(text="ａbc")
    assert doc.view("upper").text == "ABC"


def test_hook_spamdetect_register_eval_functions(site_plugin):
    det = make(site_plugin)
    fn = det.eval_functions["length_at_least"]
    assert fn(det.document(text="abcd"), 3) is True
    assert fn(det.document(text="ab"), 3) is False


def test_hook_spamdetect_rule_paths(tmp_path):
    class Paths:
        @sp.hookimpl
        def spamdetect_rule_paths(self, config):
            return [tmp_path]

    from detector.plugins import make_plugin_manager

    pm = make_plugin_manager(load_entrypoints=False, extra_plugins=(Paths(),))
    results = pm.hook.spamdetect_rule_paths(config=Config())
    assert [tmp_path] in results


def test_hook_spamdetect_prepare_document_and_on_verdict(site_plugin):
    det = make(site_plugin)
    det.check(text="abc 秘密")
    assert site_plugin.seen_verdicts == [(["prepared", "ABC"], "review")]


test_hook_spamdetect_prepare_document = test_hook_spamdetect_prepare_document_and_on_verdict
test_hook_spamdetect_on_verdict = test_hook_spamdetect_prepare_document_and_on_verdict


def test_hook_spamdetect_adjust_verdict(site_plugin):
    v = make(site_plugin).check(text="秘密 WHITELISTED")
    assert v.action == "allow" and v.hit("SITE_SECRET") is None


def test_every_hook_has_a_test():
    names = {n for n, _ in inspect.getmembers(hookspecs) if n.startswith("spamdetect_")}
    tested = {n[len("test_hook_"):] for n in globals() if n.startswith("test_hook_")}
    assert names and names <= tested, names - tested


def test_plugin_that_raises_becomes_a_plugin_hit_and_scan_continues():
    v = make(sp.BoomCheck(), sp.SitePlugin()).check(text="秘密")
    # BoomCheck is a Check, not a plugin: register it through a plugin
    class Reg:
        @sp.hookimpl
        def spamdetect_register_checks(self):
            return [sp.BoomCheck(), sp.ShoutCheck()]

    v = make(Reg()).check(text="秘密")
    failed = v.hit("PLUGIN_CHECK_FAILED")
    assert failed is not None and failed.group == "plugin"
    assert "kaboom" in failed.details["error"]
    assert v.hit("SITE_SECRET") is not None
    assert any("kaboom" in e for e in v.errors)


def test_time_budget_returns_partial_verdict_with_limits_hit():
    class Reg:
        @sp.hookimpl
        def spamdetect_register_checks(self):
            return [sp.SlowCheck(), sp.ShoutCheck()]

    v = make(Reg(), time_budget_ms=10).check(text="秘密")
    assert v.truncated is True
    hit = v.hit("LIMIT_TIME_BUDGET")
    assert hit is not None and hit.group == "limits"
    assert "shout" in hit.details["skipped"]
    assert v.hit("SITE_SECRET") is None  # skipped, not silently run


def test_regex_time_limit_is_reported():
    class Reg:
        @sp.hookimpl
        def spamdetect_register_checks(self):
            return [sp.EvilRegexCheck()]

    v = make(Reg()).check(text="a" * 5000 + "!")
    hit = v.hit("LIMIT_REGEX_TIMEOUT")
    assert hit is not None and hit.details["rules"] == ["EVIL"]


def test_size_limit_truncates_and_reports():
    v = make(max_chars=100).check(text="字" * 1000)
    assert v.truncated
    hit = v.hit("LIMIT_TRUNCATED")
    assert hit.details == {"checked_chars": 100, "original_chars": 1000}


def test_profiles_change_thresholds_weights_and_disable(site_plugin):
    det = make(site_plugin, profiles={"strict": {"review": 2, "reject": 5},
                                       "lenient": {"disable": ["SITE_SECRET"]},
                                       "heavy": {"weights": {"SITE_SECRET": 11}}})
    assert det.check(text="秘密", site="strict").action == "reject"
    assert det.check(text="秘密", site="lenient").hit("SITE_SECRET") is None
    heavy = det.check(text="秘密", site="heavy")
    assert heavy.score == 11 and heavy.action == "reject"
    assert det.check(text="秘密").action == "review"


def test_group_caps_bound_a_family(site_plugin):
    v = make(site_plugin, group_caps={"template": 4.0}).check(text="秘密")
    assert v.score == 4.0


def test_verdict_json_shape(site_plugin):
    v = make(site_plugin).check(text="一\n二秘密", id="doc-1")
    d = v.to_dict()
    assert set(d) >= {"id", "score", "action", "hits", "near_duplicates", "timings_ms",
                      "rules_version", "truncated", "errors"}
    h = d["hits"][0]
    assert set(h) >= {"rule", "group", "weight", "description_zh", "description_en", "evidence"}
    assert h["evidence"][0] == {"start": 3, "end": 5, "text": "秘密", "line": 2, "column": 2}
    assert d["id"] == "doc-1" and d["near_duplicates"] == []
    assert "shout" in d["timings_ms"]


def test_rules_version_changes_with_config(site_plugin):
    a = make(site_plugin).rules_version
    b = make(site_plugin, weights={"SITE_SECRET": 1}).rules_version
    assert a != b and len(a) == 16


def test_empty_document_gets_a_verdict(detector):
    v = detector.check(text="")
    assert v.action == "allow" and v.hit("LIMIT_EMPTY") is not None


def test_check_many_in_order(detector):
    items = [{"id": str(i), "text": "x" * i} for i in range(5)] + ["plain string"]
    out = list(detector.check_many(iter(items)))
    assert [v.id for v in out] == ["0", "1", "2", "3", "4", None]


def test_disabled_plugins_env(monkeypatch):
    monkeypatch.setenv("SPAMDETECT_DISABLED_PLUGINS", "detector.checks.core")
    det = make()
    assert all(c.name != "limits" for c in det.checks)


def test_binary_input_skips_text_checks_but_not_url_checks():
    from detector.check import Check, RuleInfo

    class UrlCheck(Check):
        name = "url_only"
        reads_text = False
        rules = (RuleInfo("SITE_BAD_URL", "domain", 3.0, "坏网址", "Bad URL", source="test"),)

        def run(self, doc):
            if doc.url and "bad.example" in doc.url:
                yield self.hit("SITE_BAD_URL")

    class Reg:
        @sp.hookimpl
        def spamdetect_register_checks(self):
            return [sp.ShoutCheck(), UrlCheck()]

    det = make(Reg())
    # Bytes that look binary but happen to contain "秘密" and many masks.
    noise = bytes(range(0, 32)) * 40 + "秘密 大逃*杀 病*毒 政*府".encode("utf-8") + bytes(range(128, 256)) * 20
    v = det.check(data=noise, url="https://bad.example/x")
    binary = v.hit("LIMIT_BINARY_INPUT")
    assert binary is not None
    assert "shout" in binary.details["skipped_checks"] and "rules" in binary.details["skipped_checks"]
    assert "url_only" not in binary.details["skipped_checks"]
    assert v.hit("SITE_SECRET") is None                      # text check skipped
    assert not [h for h in v.hits if h.rule.startswith("ZH_")]  # so are the rule files
    assert v.hit("SITE_BAD_URL") is not None                 # the URL check still ran
    # The same words as text are checked as usual.
    assert det.check(text="秘密", url="https://bad.example/x").hit("SITE_SECRET") is not None
