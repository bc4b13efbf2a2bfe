"""The wheel carries the rule files: build it, install it elsewhere, run it.

pip builds the real wheel (hatchling, as a user's ``pip install .`` would) and
installs it into a target directory; the subprocess runs from an unrelated
working directory with that directory first on ``sys.path``, so the
installed copy, not the source checkout, is what answers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_installed_wheel_runs_from_another_directory(tmp_path):
    wheels = tmp_path / "wheels"
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                        "--disable-pip-version-check", "-w", str(wheels), str(REPO)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    (wheel,) = wheels.glob("spamdetect-*.whl")
    site = tmp_path / "site"
    r = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                        "--disable-pip-version-check", "--target", str(site), str(wheel)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    assert list((site / "detector" / "_rules").glob("*.yaml")), "rule files missing from the wheel"
    work = tmp_path / "elsewhere"
    work.mkdir()
    (work / "post.txt").write_text((REPO / "examples" / "spam.txt").read_text("utf-8"), "utf-8")
    env = dict(os.environ, PYTHONPATH=str(site), SPAMDETECT_LOAD_PLUGINS="")
    code = "import detector, sys; print(detector.__file__)"
    where = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=work,
                           env=env, timeout=120).stdout.strip()
    assert where.startswith(str(site)), where
    r = subprocess.run([sys.executable, "-m", "detector", "check", "--format", "jsonl", "post.txt"],
                       capture_output=True, text=True, cwd=work, env=env, timeout=120)
    rec = json.loads(r.stdout)
    assert rec["action"] == "reject", rec
    assert any(h["rule"].startswith("ZH_TEMPLATE_XIAOBIAN") for h in rec["hits"])
    r = subprocess.run([sys.executable, "-m", "detector", "rules", "list", "--format", "json"],
                       capture_output=True, text=True, cwd=work, env=env, timeout=120)
    ids = {x["id"] for x in json.loads(r.stdout)}
    assert "ZH_TEMPLATE_XIAOBIAN_INTRO" in ids and "PLUGIN_CHECK_FAILED" in ids


def test_examples_spam_is_rejected_and_clean_is_allowed(detector):
    spam = detector.check(text=(REPO / "examples" / "spam.txt").read_text("utf-8"))
    clean = detector.check(text=(REPO / "examples" / "clean.txt").read_text("utf-8"))
    assert spam.action == "reject"
    assert {h.group for h in spam.hits} >= {"template", "contact", "chrome"}
    assert clean.action == "allow" and clean.score < 2
