"""The separately installable site plugin under plugins/: install it, see its hit.

The plugin is built and installed by pip (a real wheel build) into a
temporary target directory that the subprocess puts on ``sys.path``, so it is
discovered through the ``spamdetect`` entry-point group exactly as in a
user's environment, without modifying the test environment itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PLUGIN = REPO / "plugins" / "spamdetect-banned-phrases"


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    target = tmp_path_factory.mktemp("site-plugin")
    r = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                        "--disable-pip-version-check", "--target", str(target), str(PLUGIN)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert list(target.glob("spamdetect_banned_phrases-*.dist-info"))
    return target


def _run(installed, tmp_path, *args, stdin=None):
    env = dict(os.environ, PYTHONPATH=str(installed))
    env.pop("SPAMDETECT_LOAD_PLUGINS", None)
    return subprocess.run([sys.executable, "-m", "detector", *args], input=stdin, capture_output=True,
                          cwd=tmp_path, env=env, timeout=120)


def test_installed_plugin_is_discovered_and_hits(installed, tmp_path):
    (tmp_path / "spamdetect.toml").write_text(
        '[options]\n"banned_phrases.phrases" = ["刷单返利", "代写论文"]\n', "utf-8")
    r = _run(installed, tmp_path, "plugins", "--format", "json")
    assert any(p["name"] == "banned_phrases" and p["version"] == "0.1.0"
               for p in json.loads(r.stdout))
    text = "正文。專業代寫論文,刷單返利。".encode()
    r = _run(installed, tmp_path, "check", "--format", "jsonl", "-", stdin=text)
    rec = json.loads(r.stdout)
    hit = next(h for h in rec["hits"] if h["rule"] == "SITE_BANNED_PHRASE")
    # matched on the simplified view, evidence in the original Traditional text
    assert [e["text"] for e in hit["evidence"]] == ["代寫論文", "刷單返利"]
    assert rec["score"] == 6.0 and rec["action"] == "review"


def test_plugin_options_are_validated(installed, tmp_path):
    (tmp_path / "spamdetect.toml").write_text('[options]\n"banned_phrases.phrases" = "x"\n', "utf-8")
    r = _run(installed, tmp_path, "check", "-", stdin=b"x")
    assert r.returncode == 2
    assert "options.banned_phrases.phrases" in r.stderr.decode()


def test_load_plugins_env_can_exclude_it(installed, tmp_path):
    (tmp_path / "spamdetect.toml").write_text('[options]\n"banned_phrases.phrases" = ["刷单"]\n', "utf-8")
    env_run = subprocess.run(
        [sys.executable, "-m", "detector", "check", "--format", "jsonl", "-"], input="刷单".encode(),
        capture_output=True, cwd=tmp_path, timeout=120,
        env=dict(os.environ, PYTHONPATH=str(installed), SPAMDETECT_LOAD_PLUGINS=""))
    # the option is unknown without the plugin: a clear config error, not a silent pass
    assert env_run.returncode == 2 and "banned_phrases.phrases" in env_run.stderr.decode()
