"""The SQLite store: semantics, parameters, concurrency and crash safety, on real files."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from _dedup_texts import edit, jaccard, make_text

from detector.dedup import IndexParams, open_index
from detector.errors import IndexError_, IndexParameterMismatch

TESTS = Path(__file__).resolve().parent


@pytest.fixture
def index(tmp_path):
    idx = open_index(f"sqlite:{tmp_path / 'idx.db'}")
    yield idx
    idx.close()


def test_add_query_remove(index):
    base = make_text(1)
    assert index.add("a", base, label="spam", source="http://x.example/a")
    assert len(index) == 1
    assert "a" in index and "zz" not in index
    near = edit(base, 2, 8)
    assert jaccard(base, near) > 0.85
    got = index.query(near)
    assert [(d.id, d.label) for d in got] == [("a", "spam")]
    assert 0.8 <= got[0].similarity < 1.0
    assert index.query(make_text(99)) == []
    assert index.get("a")["source"] == "http://x.example/a"
    assert index.remove("a") is True
    assert index.remove("a") is False
    assert index.query(near) == [] and len(index) == 0


def test_exact_content_and_existing_id_are_refused(index):
    text = make_text(3)
    assert index.add("a", text)
    # Same folded content under another id: punctuation, width and script differ only.
    assert index.add("b", text.replace("，", ",").replace("。", ".")) is False
    assert index.add("a", make_text(4)) is False            # id already present
    assert len(index) == 1
    got = index.query(text + "！")
    assert got[0].id == "a" and got[0].similarity == 1.0


def test_dissimilar_documents_are_not_reported(index):
    base = make_text(5)
    index.add("a", base)
    far = edit(base, 6, 300)                                 # heavy rewrite
    assert jaccard(base, far) < 0.5
    assert index.query(far) == []


def test_short_texts_use_exact_hash_and_fuzzy_ratio(index):
    assert index.add("s1", "加微信领取新人红包，名额有限先到先得")
    got = index.query("加薇信领取新人红包，名额有限先到先得!")
    assert [d.id for d in got] == ["s1"] and 0.9 <= got[0].similarity < 1.0
    assert index.query("今天下午三点开会讨论季度预算") == []
    assert index.query("加微信领取新人红包名额有限先到先得")[0].similarity == 1.0


def test_empty_and_bad_input(index):
    assert index.query("") == []
    assert index.query("\x00\ufffd!!!") == []
    assert index.add("e", "") is True            # empty content is one document
    assert index.add("e2", "   ") is False       # the same empty content
    with pytest.raises(ValueError):
        index.add("", "x")
    with pytest.raises(ValueError):
        index.add("x", "text", label="evil")
    index.add("big", make_text(8, 150_000))
    assert index.query(make_text(8, 150_000))[0].id == "big"


def test_add_many_reports_each_document(index):
    docs = [{"id": f"d{i}", "text": make_text(100 + i), "label": "ham"} for i in range(30)]
    docs.append({"id": "dup", "text": make_text(100)})
    out = list(index.add_many(docs, batch=7))
    assert [i for i, _ in out] == [d["id"] for d in docs]
    assert [ok for _, ok in out] == [True] * 30 + [False]
    assert len(index) == 30
    assert index.get("d3")["label"] == "ham"


def test_file_records_parameters_and_refuses_others(tmp_path):
    path = tmp_path / "p.db"
    idx = open_index(f"sqlite:{path}")
    idx.add("a", make_text(1))
    idx.close()
    with pytest.raises(IndexParameterMismatch) as exc:
        open_index(f"sqlite:{path}", params=IndexParams(k=4))
    assert "k: index has 5, requested 4" in str(exc.value)
    with pytest.raises(IndexParameterMismatch):
        open_index(f"sqlite:{path}", params=IndexParams(bands=14, rows=8))
    again = open_index(f"sqlite:{path}")              # same parameters: fine, data kept
    assert len(again) == 1
    again.close()


def test_not_an_index_file(tmp_path):
    bad = tmp_path / "junk.db"
    bad.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(IndexError_):
        open_index(f"sqlite:{bad}")
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    con.execute("INSERT INTO meta VALUES ('format', 'something-else')")
    con.commit()
    con.close()
    with pytest.raises(IndexError_, match="not a spamdetect index"):
        open_index(f"sqlite:{other}")


def test_bad_specs():
    for spec in ("", "sqlite:", "mysql://x", "foo"):
        with pytest.raises(IndexError_):
            open_index(spec)


def test_closed_index_raises(tmp_path):
    idx = open_index(f"sqlite:{tmp_path / 'c.db'}")
    idx.close()
    idx.close()
    with pytest.raises(IndexError_):
        idx.query("x")


def test_wal_mode_and_integrity(index, tmp_path):
    index.add("a", make_text(1))
    con = sqlite3.connect(tmp_path / "idx.db")
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()


_WRITER = textwrap.dedent("""
    import sys
    sys.path.insert(0, {tests!r})
    from _dedup_texts import make_text
    from detector.dedup import open_index
    idx = open_index({spec!r})
    worker = int(sys.argv[1])
    docs = []
    for i in range(20):      # the same 20 texts in every worker, under per-worker ids
        docs.append({{"id": f"w{{worker}}-shared-{{i}}", "text": make_text(1000 + i)}})
    for i in range(25):      # texts only this worker has
        docs.append({{"id": f"w{{worker}}-own-{{i}}", "text": make_text(5000 + 100 * worker + i)}})
    for j, d in enumerate(docs):
        if j % 2:
            idx.add(d["id"], d["text"])
        else:
            list(idx.add_many([d]))
    idx.close()
""")


def test_concurrent_writers_from_several_processes(tmp_path):
    spec = f"sqlite:{tmp_path / 'shared.db'}"
    open_index(spec).close()
    code = _WRITER.format(tests=str(TESTS), spec=spec)
    procs = [subprocess.Popen([sys.executable, "-c", code, str(w)]) for w in range(3)]
    for p in procs:
        assert p.wait(timeout=120) == 0
    idx = open_index(spec)
    assert len(idx) == 20 + 3 * 25
    for i in range(20):                            # every shared text stored exactly once
        got = idx.query(make_text(1000 + i))
        assert len([d for d in got if d.similarity == 1.0]) == 1
    idx.close()


_BULK = textwrap.dedent("""
    import sys
    sys.path.insert(0, {tests!r})
    from _dedup_texts import make_text
    from detector.dedup import open_index
    idx = open_index({spec!r})
    docs = ({{"id": f"d{{i}}", "text": make_text(i, 400)}} for i in range(100000))
    n = 0
    for doc_id, ok in idx.add_many(docs, batch=50):
        n += 1
        if n % 50 == 0:
            print(n, flush=True)
""")


def test_kill_9_during_bulk_insert_loses_nothing_committed(tmp_path):
    path = tmp_path / "crash.db"
    spec = f"sqlite:{path}"
    proc = subprocess.Popen([sys.executable, "-c", _BULK.format(tests=str(TESTS), spec=spec)],
                            stdout=subprocess.PIPE, text=True)
    committed = 0
    deadline = time.monotonic() + 120
    while committed < 400 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        committed = int(line)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert committed >= 400, "the writer did not get far enough"
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    idx = open_index(spec)
    n = len(idx)
    assert n >= committed                     # nothing committed is lost
    assert n % 50 == 0                        # and no batch is half-written
    for i in (0, committed // 2, committed - 1):
        assert f"d{i}" in idx
        assert idx.query(make_text(i, 400))[0].id == f"d{i}"
    assert idx.add("after-crash", make_text(10**9, 400))   # still writable
    idx.close()


def test_reader_sees_committed_data_while_another_process_writes(tmp_path):
    spec = f"sqlite:{tmp_path / 'rw.db'}"
    reader = open_index(spec)
    reader.add("first", make_text(1))
    proc = subprocess.Popen([sys.executable, "-c", _BULK.format(tests=str(TESTS), spec=spec)],
                            stdout=subprocess.PIPE, text=True)
    try:
        seen = 0
        for _ in range(3):
            seen = max(seen, int(proc.stdout.readline() or 0))
            assert reader.query(make_text(1))[0].id == "first"
            assert len(reader) >= seen
    finally:
        proc.kill()
        proc.wait()
        reader.close()


def test_forked_child_uses_its_own_connection(index):
    import multiprocessing as mp

    index.add("parent", make_text(1))
    ctx = mp.get_context("fork")
    q = ctx.Queue()

    def child():
        q.put((len(index), index.add("child", make_text(2)), index.query(make_text(1))[0].id))

    p = ctx.Process(target=child)
    p.start()
    got = q.get(timeout=60)
    p.join(60)
    assert p.exitcode == 0 and got == (1, True, "parent")
    assert "child" in index and len(index) == 2


def test_threads_share_one_index(index):
    from concurrent.futures import ThreadPoolExecutor

    texts = [make_text(300 + i) for i in range(40)]
    with ThreadPoolExecutor(4) as pool:
        added = list(pool.map(lambda it: index.add(f"t{it[0]}", it[1]), enumerate(texts)))
        found = list(pool.map(lambda t: index.query(t)[0].similarity, texts))
    assert all(added) and found == [1.0] * 40 and len(index) == 40


def test_removing_one_of_two_near_duplicates_keeps_the_other_findable(index):
    base = make_text(40)
    a, b = edit(base, 1, 3), edit(base, 2, 3)
    assert index.add("a", a) and index.add("b", b)
    assert {d.id for d in index.query(base)} == {"a", "b"}
    assert index.remove("a")
    assert [d.id for d in index.query(base)] == ["b"]
    assert index.add("a", a)                      # content released: can be added again


_POOL = [make_text(700 + i, 300) for i in range(4)] + ["短文本甲乙丙", "另一条短消息"]


@pytest.mark.parametrize("seed", range(3))
def test_random_add_remove_sequences_match_a_model(tmp_path, seed):
    """Against a dict model: ids and exact contents are unique, remove frees both."""
    import random

    from detector.dedup.index import content_digest
    from detector.dedup.shingles import normalize

    rng = random.Random(seed)
    idx = open_index(f"sqlite:{tmp_path / f'm{seed}.db'}")
    model: dict[str, int] = {}                    # id -> text number
    for _ in range(120):
        doc_id = f"i{rng.randrange(6)}"
        if rng.random() < 0.65:
            t = rng.randrange(len(_POOL))
            expect = doc_id not in model and t not in model.values()
            assert idx.add(doc_id, _POOL[t]) is expect
            if expect:
                model[doc_id] = t
        else:
            assert idx.remove(doc_id) is (doc_id in model)
            model.pop(doc_id, None)
        assert len(idx) == len(model)
    for t, text in enumerate(_POOL):
        exact = [d.id for d in idx.query(text) if d.similarity == 1.0]
        owners = [i for i, x in model.items() if x == t]
        assert exact == owners
        if owners:
            assert idx.get(owners[0])["digest"] == content_digest(normalize(text)).hex()
    idx.close()
