"""``spamdetect index …``, ``spamdetect dedup`` and ``check --index --learn``, as subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from _dedup_texts import edit, make_text

ROOT = Path(__file__).resolve().parents[1]


def run(*args, cwd: Path | None = None):
    env = dict(os.environ)
    env["SPAMDETECT_LOAD_PLUGINS"] = ""
    env.pop("SPAMDETECT_INDEX", None)
    return subprocess.run([sys.executable, "-m", "detector", *args], capture_output=True,
                          text=True, cwd=cwd or ROOT, env=env, timeout=120)


def _jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_index_add_is_resumable_and_query_remove_stats(tmp_path):
    spec = f"sqlite:{tmp_path / 'i.db'}"
    spam = make_text(1)
    docs = _jsonl(tmp_path / "d.jsonl", [
        {"id": "s1", "text": spam, "label": "spam"},
        {"id": "h1", "text": make_text(2)},
        {"id": "dup", "text": spam + "！"},
    ])
    r = run("index", "add", "--index", spec, "--label", "ham", str(docs))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == {"added": 2, "existing_id": 0, "duplicate_content": 1,
                                    "invalid": 0, "documents": 2}
    r = run("index", "add", "--index", spec, str(docs))            # re-run: resumes, skips ids
    assert json.loads(r.stdout)["existing_id"] == 2 and json.loads(r.stdout)["added"] == 0
    r = run("index", "query", "--index", spec, "--text", edit(spam, 5, 4))
    got = json.loads(r.stdout)["near_duplicates"]
    assert [(g["id"], g["label"]) for g in got] == [("s1", "spam")]
    stats = json.loads(run("index", "stats", "--index", spec).stdout)
    assert stats["documents"] == 2 and stats["labels"] == {"spam": 1, "ham": 1}
    assert stats["params"]["bands"] * stats["params"]["rows"] <= stats["params"]["num_perm"]
    r = run("index", "remove", "--index", spec, "s1", "nope")
    assert r.returncode == 1 and json.loads(r.stdout) == {"removed": ["s1"], "missing": ["nope"]}


def test_index_add_reports_bad_records_and_exits_2(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "ok", "text": "好"}\nnot json\n{"text": "no id"}\n', encoding="utf-8")
    r = run("index", "add", "--index", f"sqlite:{tmp_path / 'i.db'}", str(bad))
    assert r.returncode == 2
    assert json.loads(r.stdout)["added"] == 1
    assert "bad.jsonl:2" in r.stderr and "bad.jsonl:3" in r.stderr
    assert "Traceback" not in r.stderr


def test_index_parameter_mismatch_is_a_clean_error(tmp_path):
    import sqlite3

    path = tmp_path / "i.db"
    assert run("index", "stats", "--index", f"sqlite:{path}").returncode == 0
    con = sqlite3.connect(path)
    con.execute("UPDATE meta SET value = replace(value, '\"k\": 5', '\"k\": 4') WHERE key = 'params'")
    con.commit()
    con.close()
    r = run("index", "stats", "--index", f"sqlite:{path}")
    assert r.returncode == 2
    assert "different parameters" in r.stderr and "Traceback" not in r.stderr


def test_dedup_clusters(tmp_path):
    a = make_text(10)
    rows = [{"id": "a", "text": a}, {"id": "a2", "text": edit(a, 1, 5)},
            {"id": "b", "text": make_text(11)}, {"id": "a3", "text": "转载 " + a},
            {"id": "s1", "text": "加微信领取新人红包"}, {"id": "s2", "text": "加微信领取新人红包!!"}]
    src = _jsonl(tmp_path / "d.jsonl", rows)
    for jobs in ("1", "2"):
        out = tmp_path / f"c{jobs}.jsonl"
        r = run("dedup", str(src), "--out", str(out), "--jobs", jobs)
        assert r.returncode == 0, r.stderr
        got = {x["id"]: (x["cluster"], x["size"]) for x in map(json.loads, out.read_text().splitlines())}
        assert got == {"a": ("a", 3), "a2": ("a", 3), "a3": ("a", 3), "b": ("b", 1),
                       "s1": ("s1", 2), "s2": ("s1", 2)}
        assert "6 documents, 3 clusters" in r.stderr


def test_check_learn(tmp_path):
    spec = f"sqlite:{tmp_path / 'i.db'}"
    spam = make_text(20)
    src = _jsonl(tmp_path / "d.jsonl", [{"id": "p1", "text": spam, "label": "spam"},
                                        {"id": "p2", "text": edit(spam, 2, 5)}])
    r = run("check", "--index", spec, "--learn", "--format", "jsonl", "--exit-zero", str(src))
    assert r.returncode == 0, r.stderr
    v1, v2 = [json.loads(x) for x in r.stdout.splitlines()]
    assert v1["near_duplicates"] == []
    assert v2["near_duplicates"][0]["id"] == "p1" and v2["near_duplicates"][0]["label"] == "spam"
    assert any(h["rule"] == "DUP_NEAR_SPAM" for h in v2["hits"])
    stats = json.loads(run("index", "stats", "--index", spec).stdout)
    assert stats["documents"] == 2


def test_learn_without_index_is_a_usage_error(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("你好", encoding="utf-8")
    r = run("check", "--learn", str(f), cwd=tmp_path)
    assert r.returncode == 2 and "--learn needs" in r.stderr
