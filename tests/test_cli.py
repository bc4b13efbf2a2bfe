"""The CLI: exit codes, formats (snapshot-tested), inputs and bad input.

The CLI runs as a real subprocess (``python -m detector``), so tracebacks,
stdout/stderr separation and exit codes are what a user sees.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
FIX = HERE / "fixtures"
SNAP = HERE / "snapshots"
PLUGINS = HERE / "plugins" / "cli_site"


def run(*args, stdin: bytes | None = None, cwd: Path | None = None, env_extra=None):
    env = dict(os.environ)
    env.pop("SPAMDETECT_FORMAT", None)
    env["SPAMDETECT_LOAD_PLUGINS"] = ""  # isolate from installed plugins
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "detector", *args], input=stdin,
                          capture_output=True, cwd=cwd or HERE.parent, env=env, timeout=120)


def _normalise(text: str) -> str:
    """Drop run-dependent fields (timings, rules_version, absolute paths)."""
    out = []
    for line in text.splitlines():
        out.append(line)
    text = "\n".join(out)
    try:
        obj = json.loads(text)
    except ValueError:
        try:
            objs = [json.loads(x) for x in text.splitlines() if x.strip()]
        except ValueError:
            return text
        return "\n".join(json.dumps(_scrub(o), ensure_ascii=False, sort_keys=True) for o in objs)
    return json.dumps(_scrub(obj), ensure_ascii=False, indent=1, sort_keys=True)


def _scrub(o):
    if isinstance(o, dict):
        return {k: ("<x>" if k in ("timings_ms", "rules_version", "version") else _scrub(v))
                for k, v in o.items()}
    if isinstance(o, list):
        return [_scrub(x) for x in o]
    return o


def check_snapshot(name: str, text: str) -> None:
    path = SNAP / name
    got = _normalise(text)
    if os.environ.get("SPAMDETECT_UPDATE_SNAPSHOTS") == "1" or not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"snapshot {name} missing in CI")
        path.write_text(got + "\n", "utf-8")
    assert got == path.read_text("utf-8").rstrip("\n"), f"snapshot {name} differs"


CORPUS = ["tests/fixtures/spam.txt", "tests/fixtures/clean.md", "tests/fixtures/page-gbk.html",
          "tests/fixtures/batch.jsonl"]


@pytest.mark.parametrize("fmt", ["text", "json", "jsonl", "sarif", "github"])
def test_output_format_snapshots(fmt):
    r = run("check", "--plugins-dir", str(PLUGINS), "--format", fmt, *CORPUS)
    assert r.returncode == 1, r.stderr.decode()
    assert b"Traceback" not in r.stderr
    check_snapshot(f"check.{fmt}", r.stdout.decode())


def test_sarif_is_valid_2_1_0():
    import jsonschema
    r = run("check", "--plugins-dir", str(PLUGINS), "--format", "sarif", *CORPUS)
    log = json.loads(r.stdout)
    assert log["version"] == "2.1.0"
    results = log["runs"][0]["results"]
    assert {x["ruleId"] for x in results} == {"SITE_SECRET_PROMO", "SITE_SHOUT"}
    spam = [x for x in results if x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            == "tests/fixtures/spam.txt" and x["ruleId"] == "SITE_SECRET_PROMO"]
    region = spam[0]["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (2, 5)
    schema = json.loads((HERE / "fixtures" / "sarif-2.1.0-subset.json").read_text("utf-8"))
    jsonschema.validate(log, schema)


def test_exit_codes_and_fail_on():
    assert run("check", "--plugins-dir", str(PLUGINS), "tests/fixtures/clean.md").returncode == 0
    assert run("check", "--plugins-dir", str(PLUGINS), "tests/fixtures/spam.txt").returncode == 1
    # spam.txt scores 11 (reject); a review-level doc only fails with --fail-on review
    r = run("check", "--plugins-dir", str(PLUGINS), "-", stdin="只有秘密推广".encode())
    assert r.returncode == 0
    r = run("check", "--plugins-dir", str(PLUGINS), "--fail-on", "review", "-", stdin="只有秘密推广".encode())
    assert r.returncode == 1
    r = run("check", "--plugins-dir", str(PLUGINS), "--exit-zero", "tests/fixtures/spam.txt")
    assert r.returncode == 0


@pytest.mark.parametrize("args,msg", [
    (["check", "does/not/exist.txt"], "path not found"),
    (["check", "--format", "xml", "tests/fixtures/clean.md"], "--format"),
    (["check", "--config", "nope.toml", "tests/fixtures/clean.md"], "config file not found"),
    (["rules", "show", "NO_SUCH_RULE"], "unknown rule"),
    (["nosuchcommand"], "No such command"),
])
def test_usage_errors_exit_2_with_one_line(args, msg):
    r = run(*args)
    assert r.returncode == 2
    err = r.stderr.decode().strip()
    assert msg in err and "Traceback" not in err
    assert len(err.splitlines()) == 1, err


def test_invalid_config_names_the_key(tmp_path):
    cfg = tmp_path / "spamdetect.toml"
    cfg.write_text('review = "soon"\n', "utf-8")
    r = run("check", "--config", str(cfg), "tests/fixtures/clean.md")
    assert r.returncode == 2 and "'review'" in r.stderr.decode()
    assert "Traceback" not in r.stderr.decode()


def test_config_is_found_from_working_directory(tmp_path):
    (tmp_path / "spamdetect.toml").write_text("review = 1\nreject = 2\n", "utf-8")
    (tmp_path / "a.txt").write_text("只有秘密推广", "utf-8")
    r = run("check", "--plugins-dir", str(PLUGINS), "--format", "jsonl", "a.txt", cwd=tmp_path)
    assert json.loads(r.stdout)["action"] == "reject" and r.returncode == 1


def test_directories_recurse_with_include_exclude(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.md").write_text("秘密推广", "utf-8")
    (tmp_path / "b.txt").write_text("正常", "utf-8")
    (tmp_path / "c.py").write_text("秘密推广", "utf-8")
    r = run("check", "--plugins-dir", str(PLUGINS), "--format", "jsonl", str(tmp_path))
    ids = [Path(json.loads(x)["id"]).name for x in r.stdout.decode().splitlines()]
    assert ids == ["b.txt", "a.md"]
    r = run("check", "--plugins-dir", str(PLUGINS), "--format", "jsonl", "--exclude", "sub",
            "--include", "*.py", "--include", "*.txt", str(tmp_path))
    ids = [Path(json.loads(x)["id"]).name for x in r.stdout.decode().splitlines()]
    assert ids == ["b.txt", "c.py"]


def test_jsonl_keeps_order_and_ids_and_reports_bad_lines(tmp_path):
    f = tmp_path / "in.jsonl"
    f.write_text('{"id": "a", "text": "秘密推广"}\nnot json\n{"text": 5}\n{"id": 7, "text": "好"}\n', "utf-8")
    r = run("check", "--plugins-dir", str(PLUGINS), "--format", "jsonl", str(f))
    recs = [json.loads(x) for x in r.stdout.decode().splitlines()]
    assert [x["id"] for x in recs] == ["a", "7"]
    assert r.returncode == 2
    err = r.stderr.decode()
    assert ":2: invalid record" in err and ":3: invalid record" in err and "Traceback" not in err


def test_stdin_sniffs_html_and_jsonl():
    r = run("check", "--format", "jsonl", "--plugins-dir", str(PLUGINS), "-",
            stdin=b"<html><body><p>\xe7\xa7\x98\xe5\xaf\x86\xe6\x8e\xa8\xe5\xb9\xbf</p></body></html>")
    assert json.loads(r.stdout)["hits"][0]["rule"] == "SITE_SECRET_PROMO"
    r = run("check", "--format", "jsonl", "-", stdin=b'{"id":"z","text":"ok"}\n')
    assert json.loads(r.stdout)["id"] == "z"


def test_quiet_and_silent():
    r = run("check", "-q", "--plugins-dir", str(PLUGINS), *CORPUS)
    out = r.stdout.decode()
    assert "spam.txt" in out and "clean.md" not in out and "checked" not in out
    r = run("check", "-s", "--plugins-dir", str(PLUGINS), *CORPUS)
    assert r.stdout == b"" and r.returncode == 1


def test_output_file(tmp_path):
    out = tmp_path / "r.json"
    r = run("check", "--plugins-dir", str(PLUGINS), "--format", "json", "-o", str(out),
            "tests/fixtures/spam.txt")
    assert r.stdout == b"" and json.loads(out.read_text("utf-8"))["results"][0]["action"] == "reject"


def test_format_from_environment():
    r = run("check", "tests/fixtures/clean.md", env_extra={"SPAMDETECT_FORMAT": "json"})
    assert json.loads(r.stdout)["results"][0]["action"] == "allow"


@pytest.mark.parametrize("name,content", [
    ("empty.txt", b""),
    ("random.txt", os.urandom(50_000)),
    ("invalid-utf8.txt", b"\xff\xfe\xfd\x80abc\xc3\x28"),
    ("deep.html", b"<div>" * 100_000 + b"x" + b"</div>" * 100_000),
    ("broken.html", b"<html><p>unclosed <b><i></p></div></html"),
])
def test_bad_input_gets_a_verdict_not_a_traceback(tmp_path, name, content):
    f = tmp_path / name
    f.write_bytes(content)
    r = run("check", "--format", "jsonl", str(f))
    assert r.returncode == 0, r.stderr.decode()
    rec = json.loads(r.stdout)
    assert rec["action"] in ("allow", "review", "reject")
    assert b"Traceback" not in r.stderr


def test_twenty_megabyte_file_is_truncated_with_a_limits_hit(tmp_path):
    f = tmp_path / "huge.txt"
    f.write_bytes(("这是很长的一行文本。" * 10 + "\n").encode() * 68_000)
    assert f.stat().st_size > 20_000_000
    r = run("check", "--format", "jsonl", str(f))
    rec = json.loads(r.stdout)
    assert rec["truncated"] is True
    assert any(h["rule"] == "LIMIT_TRUNCATED" for h in rec["hits"])


def test_rules_list_show_plugins_version():
    r = run("rules", "list", "--plugins-dir", str(PLUGINS), "--format", "json")
    rules = {x["id"]: x for x in json.loads(r.stdout)}
    assert rules["SITE_SECRET_PROMO"]["group"] == "template"
    r = run("rules", "show", "--plugins-dir", str(PLUGINS), "SITE_SECRET_PROMO")
    assert r.returncode == 0 and "Contains the site-banned promo phrase" in r.stdout.decode()
    r = run("plugins", "--plugins-dir", str(PLUGINS), "--format", "json")
    names = [p["name"] for p in json.loads(r.stdout)]
    assert "secret_plugin" in names and "detector.checks.core" in names
    assert run("version").stdout.decode().startswith("spamdetect ")
