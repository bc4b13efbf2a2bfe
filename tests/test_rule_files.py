"""The packaged rule files: lint clean, every inline example passes, CLI exit codes.

Each inline example is its own test (``rule id / kind / index``) and runs
through the production path (:func:`detector.rulecheck.example_matches` →
``make_document`` → the whole rule set). ``todo_match`` / ``todo_no_match``
examples are known gaps and run as strict xfail: one that starts passing
fails the suite so it gets promoted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from detector import Config, Detector
from detector.checks.rulefiles import packaged_rules_dir
from detector.rulecheck import example_matches, lint, run_examples
from detector.rules import load_rules


def _ruleset(det):
    return next(c for c in det.checks_for(det.config.profile(None)) if c.name == "rules")


def _examples():
    det = Detector(config=Config(), load_entrypoints=False)
    check_rules = {r.id for c in det.checks for r in c.rules}
    rules, _, _ = load_rules([packaged_rules_dir()], _builtin_functions(), check_rules)
    out = []
    for r in rules:
        for kind in ("match", "no_match", "todo_match", "todo_no_match"):
            for i, _ex in enumerate(getattr(r, kind)):
                marks = [pytest.mark.xfail(strict=True, reason="known gap")] if kind.startswith("todo") else []
                out.append(pytest.param(r.id, kind, i, id=f"{r.id}-{kind}-{i}", marks=marks))
    return out


def _builtin_functions():
    from detector.checks import rulefiles

    return rulefiles.spamdetect_register_eval_functions()


@pytest.fixture(scope="module")
def det():
    return Detector(config=Config(), load_entrypoints=False)


def test_packaged_rules_are_found():
    d = packaged_rules_dir()
    assert d.is_dir() and any(d.glob("*.yaml"))


def test_packaged_rules_lint_clean(det):
    assert lint(_ruleset(det), det.view_builders) == []


@pytest.mark.parametrize("rule_id, kind, index", _examples())
def test_inline_example(det, rule_id, kind, index):
    rs = _ruleset(det)
    rule = rs.all_rules[rule_id]
    example = getattr(rule, kind)[index]
    matched = example_matches(rs, rule, example, det.view_builders, det.checks)
    assert matched == (kind in ("match", "todo_match")), example


def test_every_scoring_rule_has_both_examples(det):
    for r in _ruleset(det).all_rules.values():
        if r.scoring:
            assert r.match and r.no_match, r.id
            assert r.description_zh and r.description_en, r.id


def test_rules_are_listed_by_the_detector(det):
    ids = {r.id for r in det.rules()}
    assert "ZH_TEMPLATE_XIAOBIAN_INTRO" in ids and "ZH_SUB_SKELETON_CN" in ids


def test_examples_report_failures(tmp_path):
    p = tmp_path / "r.yaml"
    p.write_text(textwrap.dedent("""
        rules:
          - id: T_WRONG
            name: wrong
            group: template
            weight: 1
            pattern: 甲乙
            description_zh: 错
            description_en: wrong
            match: ["丙丁"]
            no_match: ["甲乙"]
            todo_match: ["甲乙丙"]
    """), encoding="utf-8")
    from detector.rules import load_ruleset

    rs = load_ruleset([p], {}, Config())
    res = {(r.kind, r.ok) for r in run_examples(rs)}
    assert res == {("match", False), ("no_match", False), ("todo_match", False)}


# -- CLI --------------------------------------------------------------------

def _cli(*args, cwd):
    env = dict(os.environ, SPAMDETECT_LOAD_PLUGINS="")
    return subprocess.run([sys.executable, "-m", "detector", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_cli_rules_lint_and_test_pass(tmp_path):
    lint_run = _cli("rules", "lint", cwd=tmp_path)
    assert lint_run.returncode == 0, lint_run.stdout + lint_run.stderr
    test_run = _cli("rules", "test", cwd=tmp_path)
    assert test_run.returncode == 0, test_run.stdout + test_run.stderr
    assert "0 failed" in test_run.stdout


def test_cli_rules_test_fails_on_a_failing_example(tmp_path):
    d = tmp_path / "site-rules"
    d.mkdir()
    (d / "site.yaml").write_text(textwrap.dedent("""
        rules:
          - id: SITE_BAD_EXAMPLE
            name: bad-example
            group: template
            weight: 1
            pattern: 甲乙
            description_zh: 例子写错了
            description_en: the example is wrong
            match: ["丙丁"]
            no_match: ["戊己"]
    """), encoding="utf-8")
    (tmp_path / "spamdetect.toml").write_text('rule_dirs = ["site-rules"]\n', encoding="utf-8")
    run = _cli("rules", "test", cwd=tmp_path)
    assert run.returncode == 1
    assert "FAIL SITE_BAD_EXAMPLE" in run.stdout


def test_cli_invalid_rule_file_exits_2(tmp_path):
    d = tmp_path / "site-rules"
    d.mkdir()
    (d / "broken.yaml").write_text("rules:\n  - id: SITE_X\n    name: x\n    colour: red\n", encoding="utf-8")
    (tmp_path / "spamdetect.toml").write_text('rule_dirs = ["site-rules"]\n', encoding="utf-8")
    for args in (("rules", "lint"), ("rules", "test")):
        run = _cli(*args, cwd=tmp_path)
        assert run.returncode == 2, run.stderr
        assert "broken.yaml" in run.stderr and "SITE_X" in run.stderr
        assert "Traceback" not in run.stderr


def test_cli_lint_reports_redos_pattern(tmp_path):
    p = tmp_path / "slow.yaml"
    p.write_text(textwrap.dedent(r"""
        rules:
          - id: SITE_SLOW
            name: slow
            group: template
            weight: 1
            pattern: '(?:a|aa)+$'
            description_zh: 慢
            description_en: slow
            match: ["aa"]
            no_match: ["b"]
    """), encoding="utf-8")
    run = _cli("rules", "lint", str(p), cwd=tmp_path)
    assert run.returncode == 1
    assert "SITE_SLOW" in run.stdout and "ReDoS" in run.stdout


def test_cli_eval_json(tmp_path):
    data = tmp_path / "labelled.jsonl"
    rows = [
        {"id": "s1", "label": "spam", "text": "小编导语:逾期了怎么办?以上就是小编为大家整理的全部内容。"},
        {"id": "h1", "label": "legit", "text": "今天天气很好,我们去公园散步。"},
        {"id": "h2", "label": "ham", "html": "<p>市政府发布停水通知。</p>"},
        {"id": "x", "label": "unknown", "text": "不计入"},
    ]
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    run = _cli("eval", str(data), "--format", "json", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    rep = json.loads(run.stdout)
    assert rep["overall"]["spam"] == 1 and rep["overall"]["ham"] == 2
    assert rep["overall"]["review"]["tp"] == 1 and rep["overall"]["review"]["fp"] == 0
    rules = {r["rule"]: r for r in rep["rules"]}
    assert rules["ZH_TEMPLATE_XIAOBIAN_INTRO"]["spam"] == 1
    assert rules["ZH_TEMPLATE_XIAOBIAN_INTRO"]["s_o"] == 1.0
    assert rep["skipped"] == {str(data): 1}
    text = _cli("eval", str(data), cwd=tmp_path)
    assert text.returncode == 0 and "precision" in text.stdout and "S/O" in text.stdout
    assert text.stderr == ""  # no progress bar when stderr is not a terminal


def test_cli_eval_bad_input(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"label": "spam", "text": "x"}\nnot json\n\xff\xfe\n')
    run = _cli("eval", str(bad), cwd=tmp_path)
    assert run.returncode == 2
    assert "invalid JSON" in run.stderr and "Traceback" not in run.stderr
    missing = _cli("eval", str(tmp_path / "nope.jsonl"), cwd=tmp_path)
    assert missing.returncode == 2


def test_wheel_layout_is_preferred(tmp_path, monkeypatch):
    """In an installed wheel the rules live in detector/_rules."""
    import detector.checks.rulefiles as rf

    fake_pkg = tmp_path / "detector"
    (fake_pkg / "checks").mkdir(parents=True)
    (fake_pkg / "_rules").mkdir()
    monkeypatch.setattr(rf, "__file__", str(fake_pkg / "checks" / "rulefiles.py"))
    assert rf.packaged_rules_dir() == (fake_pkg / "_rules").resolve()
    assert Path(rf.spamdetect_rule_paths()[0]).name == "_rules"


def test_cli_rules_test_single_rule_and_unknown_rule(tmp_path):
    one = _cli("rules", "test", "--rule", "ZH_SPIN_COLLOCATION", "-v", cwd=tmp_path)
    assert one.returncode == 0, one.stderr
    lines = [line for line in one.stdout.splitlines() if line.startswith("ok ")]
    assert lines and all("ZH_SPIN_COLLOCATION " in line for line in lines)
    unknown = _cli("rules", "test", "--rule", "NOPE_RULE", cwd=tmp_path)
    assert unknown.returncode == 2 and "unknown rule id" in unknown.stderr
    missing = _cli("rules", "lint", str(tmp_path / "absent"), cwd=tmp_path)
    assert missing.returncode == 2 and "path not found" in missing.stderr
