"""Second-phase (combination) metas: rule-file metas that read the hits of the other checks.

A site check here reports ``SITE_SHOUT`` (group ``chrome``, weight 1.5) for
every "!!!"; the rule file combines it with its own sub-rule. Everything runs
through a real :class:`~detector.Detector` with the builtin checks loaded.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from detector import Config, Detector, RuleError, hookimpl
from detector.check import Check, RuleInfo
from detector.rulecheck import run_examples
from detector.rules import CombinationRules, load_rules
from detector.verdict import Evidence


class Shout(Check):
    name = "shout"
    rules = (RuleInfo("SITE_SHOUT", "chrome", 1.5, "连续感叹号", "Run of exclamation marks"),)

    def run(self, doc):
        i = doc.text.find("!!!")
        while i >= 0:
            yield self.hit("SITE_SHOUT", [Evidence(i, i + 3, "!!!")])
            i = doc.text.find("!!!", i + 3)


class ShoutPlugin:
    @hookimpl
    def spamdetect_register_checks(self, config):
        return [Shout()]


COMBO = """
rules:
  - id: T_SUB_SALE
    name: sale-word
    group: template
    weight: 0
    pattern: 大甩卖
    description_zh: 甩卖
    description_en: clearance sale
  - id: T_SHOUT_SALE
    name: shouting-sale
    group: template
    weight: 2.5
    meta: SITE_SHOUT && T_SUB_SALE
    description_zh: 感叹号加甩卖
    description_en: shouting about a sale
    match: ["大甩卖!!!"]
    no_match: ["大甩卖。", "快来!!!"]
  - id: T_LOUD_PAGE
    name: loud-page
    group: template
    weight: 1.0
    meta: SITE_SHOUT >= 2 && group_weight("chrome") >= 3 && weight_of("SITE_SHOUT") >= 3
    description_zh: 多处感叹号
    description_en: shouting twice or more
    match: ["好!!! 好!!!"]
    no_match: ["好!!!"]
  - id: T_ON_TOP
    name: meta-of-combination
    group: template
    weight: 0.5
    meta: T_SHOUT_SALE && T_SUB_SALE >= 2
    description_zh: 组合之上的组合
    description_en: a meta reading a combination meta
    match: ["大甩卖 大甩卖!!!"]
    no_match: ["大甩卖!!!"]
"""


def _dir(tmp_path: Path, body: str = COMBO) -> Path:
    d = tmp_path / "rules"
    d.mkdir(exist_ok=True)
    (d / "combo.yaml").write_text(textwrap.dedent(body), encoding="utf-8")
    return d


def _det(tmp_path: Path, **cfg) -> Detector:
    return Detector(config=Config({"rule_dirs": [str(_dir(tmp_path))], **cfg}),
                    plugins=[ShoutPlugin()], load_entrypoints=False)


def _hits(v):
    return {h.rule: h for h in v.hits}


def test_a_meta_can_combine_a_check_hit_with_a_sub_rule(tmp_path):
    det = _det(tmp_path)
    h = _hits(det.check(text="周末大甩卖!!!"))
    assert "SITE_SHOUT" in h and "T_SHOUT_SALE" in h
    combo = h["T_SHOUT_SALE"]
    assert combo.group == "template" and combo.weight == 2.5
    # Evidence: the check's span and the sub-rule's span, in text offsets.
    assert [(e.start, e.end, e.text) for e in combo.evidence] == [(2, 5, "大甩卖"), (5, 8, "!!!")]
    assert "T_SHOUT_SALE" not in _hits(det.check(text="周末大甩卖。"))
    assert "T_SHOUT_SALE" not in _hits(det.check(text="快来!!!"))


def test_counts_group_weight_and_weight_of_read_check_hits(tmp_path):
    det = _det(tmp_path)
    assert "T_LOUD_PAGE" not in _hits(det.check(text="好!!!"))
    v = det.check(text="好!!! 真好!!!")
    assert "T_LOUD_PAGE" in _hits(v)
    assert v.score == pytest.approx(1.5 + 1.5 + 1.0)


def test_a_meta_over_a_combination_meta_runs_in_the_second_phase_too(tmp_path):
    det = _det(tmp_path)
    assert "T_ON_TOP" in _hits(det.check(text="大甩卖 大甩卖!!!"))
    assert "T_ON_TOP" not in _hits(det.check(text="大甩卖!!!"))


def test_the_second_phase_runs_after_every_check_and_before_limits(tmp_path):
    det = _det(tmp_path)
    names = [c.name for c in det.checks_for(det.config.profile(None))]
    assert names[0] == "rules" and names[-1] == "limits"
    assert names[-2] == "rules.combined" and names.index("shout") < names.index("rules.combined")


def test_profile_disable_and_weight_override_apply_to_what_a_combination_reads(tmp_path):
    # Disabled: the check's hit is dropped from the verdict and does not feed the meta.
    det = _det(tmp_path, disable=["SITE_SHOUT"])
    h = _hits(det.check(text="大甩卖!!! 大甩卖!!!"))
    assert not {"SITE_SHOUT", "T_SHOUT_SALE", "T_LOUD_PAGE"} & set(h)
    # Overridden weight: group_weight and weight_of see the profile's weight.
    det = _det(tmp_path, weights={"SITE_SHOUT": 1.0})
    h = _hits(det.check(text="好!!! 真好!!!"))
    assert "SITE_SHOUT" in h and "T_LOUD_PAGE" not in h  # 2 x 1.0 < 3


def test_without_combination_metas_there_is_no_second_phase(tmp_path):
    det = Detector(config=Config({"rule_dirs": [str(_dir(tmp_path, "rules: []\n"))]}),
                   load_entrypoints=False)
    rs = next(c for c in det.checks_for(det.config.profile(None)) if c.name == "rules")
    # The packaged combinations exist; a rule set without any has no second phase.
    assert isinstance(rs.combination_check(), CombinationRules)
    bare = load_rules([_dir(tmp_path, COMBO.split("  - id: T_SHOUT_SALE")[0])], {})
    from detector.rules import RuleSet

    assert RuleSet(bare[0], {}).combination_check() is None


def test_inline_examples_of_combinations_run_the_checks(tmp_path):
    det = _det(tmp_path)
    from detector.rules import load_ruleset

    check_rules = {r.id for c in det.checks for r in c.rules}
    rs = load_ruleset([_dir(tmp_path)], det.eval_functions, det.config, check_rules)
    results = run_examples(rs, det.view_builders, checks=det.checks)
    assert results and all(r.ok for r in results), [r.message for r in results if not r.ok]
    # Without the checks a combination's match example cannot match: reported, not hidden.
    bad = [r for r in run_examples(rs, det.view_builders) if not r.ok]
    assert {r.rule for r in bad} == {"T_SHOUT_SALE", "T_LOUD_PAGE", "T_ON_TOP"}


def test_rules_test_cli_runs_combination_examples(tmp_path):
    from click.testing import CliRunner

    from detector.cli import main

    res = CliRunner().invoke(main, ["rules", "test"])
    assert res.exit_code == 0, res.output
    assert "0 failed" in res.output


@pytest.mark.parametrize("meta, message", [
    ("NOT_A_RULE_ANYWHERE && T_SUB_SALE", "unknown rule NOT_A_RULE_ANYWHERE"),
    ('T_SUB_SALE && group_weight("nonsense") > 0', "unknown group"),
    ('T_SUB_SALE && weight_of("NOPE_RULE") > 0', "unknown rule 'NOPE_RULE'"),
    ('T_SUB_SALE && group_weight("chrome", 2) > 0', "one string argument"),
])
def test_bad_combination_metas_fail_at_load(tmp_path, meta, message):
    body = COMBO.split("  - id: T_SHOUT_SALE")[0] + f"""
  - id: T_BAD
    name: bad
    group: template
    weight: 0
    meta: '{meta}'
    description_zh: 坏
    description_en: bad
"""
    with pytest.raises(RuleError, match=message):
        Detector(config=Config({"rule_dirs": [str(_dir(tmp_path, body))]}), plugins=[ShoutPlugin()],
                 load_entrypoints=False)


def test_hit_functions_are_for_metas_only(tmp_path):
    body = COMBO.split("  - id: T_SHOUT_SALE")[0] + """
  - id: T_BAD_EVAL
    name: bad-eval
    group: template
    weight: 0
    eval: group_weight("chrome") > 0
    description_zh: 坏
    description_en: bad
"""
    with pytest.raises(RuleError, match="only a 'meta' may call it"):
        load_rules([_dir(tmp_path, body)], {})


def test_check_ids_resolve_only_when_the_detector_declares_them(tmp_path):
    with pytest.raises(RuleError, match="unknown rule SITE_SHOUT"):
        Detector(config=Config({"rule_dirs": [str(_dir(tmp_path))]}), load_entrypoints=False)


def test_binary_input_still_runs_the_second_phase_without_crashing(tmp_path):
    det = _det(tmp_path)
    v = det.check(data=bytes(range(256)) * 40)
    assert "LIMIT_BINARY_INPUT" in _hits(v)
    assert not v.errors
