"""The Redis store, against a real redis-server: semantics, concurrency, restarts."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest
import redis
from _dedup_texts import edit, jaccard, make_text

from detector.dedup import IndexParams, open_index
from detector.errors import IndexError_, IndexParameterMismatch

pytestmark = pytest.mark.redis
TESTS = Path(__file__).resolve().parent


@pytest.fixture
def spec(redis_url):
    return f"{redis_url}?prefix=t-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def index(spec):
    idx = open_index(spec)
    yield idx
    idx.close()


def test_add_query_remove(index):
    base = make_text(1)
    assert index.add("a", base, label="spam", source="u1")
    near = edit(base, 2, 8)
    assert jaccard(base, near) > 0.85
    got = index.query(near)
    assert [(d.id, d.label) for d in got] == [("a", "spam")]
    assert 0.8 <= got[0].similarity < 1.0
    assert index.query(make_text(99)) == []
    assert index.get("a")["source"] == "u1"
    assert len(index) == 1 and "a" in index
    assert index.remove("a") and not index.remove("a")
    assert index.query(near) == [] and len(index) == 0


def test_buckets_are_datasketch_redis_storage(index, redis_url):
    """The LSH buckets live under datasketch's basename, which names the parameters."""
    index.add("a", make_text(1))
    r = redis.Redis.from_url(redis_url)
    names = [k for k in r.scan_iter(match=f"{index.store.prefix}:lsh:*")]
    assert names, "no datasketch bucket keys"
    assert all(index.params.tag.encode() in k for k in names)
    assert b"_bucket_" in b"".join(names)
    # datasketch's own MinHashLSH.query finds what the store wrote.
    from detector.dedup.shingles import normalize
    from detector.dedup.store_redis import _Sketch

    sig = index.hasher.signature(normalize(make_text(1)))
    assert index.store._lsh.query(_Sketch(sig)) == [b"a"]
    assert b"a" in index.store._lsh


def test_exact_content_and_existing_id_are_refused(index):
    text = make_text(3)
    assert index.add("a", text)
    assert index.add("b", text.replace("，", ",")) is False
    assert index.add("a", make_text(4)) is False
    assert len(index) == 1
    assert index.query(text)[0].similarity == 1.0


def test_short_texts(index):
    assert index.add("s1", "加微信领取新人红包，名额有限先到先得")
    got = index.query("加薇信领取新人红包，名额有限先到先得!")
    assert [d.id for d in got] == ["s1"]
    assert index.remove("s1")
    assert index.query("加薇信领取新人红包，名额有限先到先得!") == []


def test_add_many_uses_sessions_and_reports_each(index):
    docs = [{"id": f"d{i}", "text": make_text(100 + i), "label": "ham"} for i in range(40)]
    docs.append({"id": "dup", "text": make_text(100)})
    out = list(index.add_many(docs, batch=15))
    assert [ok for _, ok in out] == [True] * 40 + [False]
    assert len(index) == 40
    for i in (0, 17, 39):
        assert index.query(make_text(100 + i))[0].id == f"d{i}"


def test_parameter_mismatch_on_open(spec):
    open_index(spec).close()
    with pytest.raises(IndexParameterMismatch, match="num_perm"):
        open_index(spec, params=IndexParams(num_perm=64, bands=8, rows=8))


def test_bad_spec(redis_url):
    with pytest.raises(IndexError_):
        open_index(redis_url.rsplit("/", 1)[0] + "/notanumber")


@pytest.mark.parametrize("bad", ["-1", "abc", "99999"])
def test_bad_cooldown_in_spec(redis_url, bad):
    with pytest.raises(IndexError_, match="cooldown"):
        open_index(f"{redis_url}?prefix=x&cooldown={bad}")


def test_unreachable_server_is_a_clear_error():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(IndexError_, match="unreachable"):
        open_index(f"redis://127.0.0.1:{port}/0?prefix=x")


_WORKER = textwrap.dedent("""
    import sys
    sys.path.insert(0, {tests!r})
    from _dedup_texts import make_text
    from detector.dedup import open_index
    idx = open_index({spec!r})
    worker = int(sys.argv[1])
    docs = [{{"id": f"w{{worker}}-shared-{{i}}", "text": make_text(1000 + i)}} for i in range(20)]
    docs += [{{"id": f"w{{worker}}-own-{{i}}", "text": make_text(5000 + 100 * worker + i)}}
             for i in range(20)]
    for j, d in enumerate(docs):
        if j % 2:
            idx.add(d["id"], d["text"])
        else:
            list(idx.add_many([d]))
        idx.query(make_text(1000 + j % 20))
    idx.close()
""")


def test_concurrent_workers_store_each_content_once(spec):
    open_index(spec).close()
    code = _WORKER.format(tests=str(TESTS), spec=spec)
    procs = [subprocess.Popen([sys.executable, "-c", code, str(w)]) for w in range(4)]
    for p in procs:
        assert p.wait(timeout=120) == 0
    idx = open_index(spec)
    assert len(idx) == 20 + 4 * 20
    for i in range(20):
        exact = [d for d in idx.query(make_text(1000 + i)) if d.similarity == 1.0]
        assert len(exact) == 1
    idx.close()


def _start_redis(port: int, workdir: Path, persist: bool) -> subprocess.Popen:
    args = [shutil.which("redis-server"), "--port", str(port), "--bind", "127.0.0.1",
            "--dir", str(workdir), "--save", ""]
    args += ["--appendonly", "yes", "--appendfsync", "always"] if persist else ["--appendonly", "no"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            if redis.Redis(port=port, socket_timeout=0.5).ping():
                return proc
        except redis.exceptions.ConnectionError:
            time.sleep(0.05)
    proc.kill()
    pytest.fail("redis-server did not start")


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    proc.wait(timeout=10)


@pytest.mark.parametrize("persist", [False, True])
def test_redis_restarted_under_a_running_index(tmp_path, redis_url, persist):
    """Restart without persistence: a clear error, never silent loss. With it: reconnect."""
    if shutil.which("redis-server") is None:  # pragma: no cover - redis_url already requires it
        pytest.fail("redis-server missing")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = _start_redis(port, tmp_path, persist)
    try:
        idx = open_index(f"redis://127.0.0.1:{port}/0?prefix=restart&cooldown=0.3")
        text = make_text(1)
        assert idx.add("a", text, label="spam")
        _stop(proc)
        with pytest.raises(IndexError_, match="unreachable: "):
            idx.query(text)                              # server down: clear error
        with pytest.raises(IndexError_, match="next attempt in"):
            idx.query(text)                              # within the cooldown: fails fast
        proc = _start_redis(port, tmp_path, persist)
        time.sleep(0.35)                                 # the cooldown is over: it tries again
        if persist:
            assert idx.query(text)[0].id == "a"          # reconnected, data intact
            assert idx.add("b", make_text(2))
            assert len(idx) == 2
        else:
            with pytest.raises(IndexError_, match="metadata key is gone"):
                idx.query(text)                          # empty server: refuse to answer
            with pytest.raises(IndexError_, match="metadata key is gone"):
                idx.add("b", make_text(2))
        idx.close()
    finally:
        _stop(proc)


def test_removing_one_of_two_near_duplicates_keeps_the_other_findable(index):
    base = make_text(40)
    a, b = edit(base, 1, 3), edit(base, 2, 3)
    assert index.add("a", a) and index.add("b", b)
    assert {d.id for d in index.query(base)} == {"a", "b"}
    assert index.remove("a")
    assert [d.id for d in index.query(base)] == ["b"]
    assert index.add("a", a)
