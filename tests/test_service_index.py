"""Index endpoints against real stores: SQLite files and a real redis-server.

In-process tests teach the index through ``POST /v1/index`` and see the
near-duplicate in the next ``POST /v1/check``; end-to-end tests run
``spamdetect serve --workers 2`` sharing one Redis index (and one SQLite
file), kill a worker and check that its replacement serves the same index.
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from service_util import Server, running, service_demo

from detector import Config, Detector
from detector.dedup import open_index
from detector.service import ServiceSettings, create_app

# An article written for these tests, and a lightly edited repost of it.
ARTICLE = (
    "城市里的老街总是让人感到亲切。清晨的时候,街口的早餐铺已经冒着热气,卖豆浆的阿姨一边招呼客人"
    "一边和邻居聊着家常。沿着石板路往里走,能看到修鞋的师傅、卖花的小摊和一家开了三十年的书店。"
    "书店老板说,来买书的人比以前少了,但周末总有学生来这里安静地读上一下午。到了傍晚,老街上的"
    "路灯一盏盏亮起来,孩子们在巷子里追逐打闹,老人们坐在门口摇着扇子,整条街慢慢安静下来。"
    "这样的生活节奏,在高楼林立的新城区已经很难找到了,所以很多人周末专门回来走一走。"
)
REPOST = ARTICLE.replace("三十年", "二十多年").replace("很多人", "不少人").replace("清晨", "早上")
OTHER = (
    "今年的农业生产总体平稳,各地抓住有利天气抢收抢种。气象部门提醒,近期南方部分地区将有强降雨,"
    "农户要提前做好排水准备,防止农田积水影响秋粮生长。专家建议合理安排农时,加强病虫害监测。"
)

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


def _det(spec: str) -> Detector:
    return Detector(config=Config(), plugins=[service_demo], load_entrypoints=False, index=spec)


@pytest.fixture(params=["sqlite", "redis"])
def index_spec(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:{tmp_path / 'index.db'}"
    url = request.getfixturevalue("redis_url")
    return f"{url}?prefix=svc-{uuid.uuid4().hex[:8]}"


async def test_index_add_check_remove(index_spec):
    det = _det(index_spec)
    async with running(create_app(det)) as c:
        before = (await c.post("/v1/check", json={"text": REPOST})).json()
        add = await c.post("/v1/index", json={"id": "farm-1", "text": ARTICLE, "label": "spam",
                                              "source": "http://farm.example/1"})
        again = await c.post("/v1/index", json={"id": "farm-1", "text": ARTICLE, "label": "spam"})
        other = await c.post("/v1/index", json={"id": "news-1", "html": f"<p>{OTHER}</p>", "label": "ham"})
        after = (await c.post("/v1/check", json={"text": REPOST, "id": "new"})).json()
        unrelated = (await c.post("/v1/check", json={"text": "完全不同的一句话,和老街没有关系。"})).json()
        metrics = (await c.get("/metrics")).text
        ready = (await c.get("/readyz")).json()
        page = await c.post("/", data={"content": REPOST})
        rm = await c.delete("/v1/index/farm-1")
        rm_again = await c.delete("/v1/index/farm-1")
        gone = (await c.post("/v1/check", json={"text": REPOST})).json()
    assert before["near_duplicates"] == []
    assert add.status_code == 201 and add.json() == {"id": "farm-1", "added": True, "size": 1}
    assert again.status_code == 200 and again.json()["added"] is False and again.json()["size"] == 1
    assert other.status_code == 201 and other.json()["size"] == 2
    dups = after["near_duplicates"]
    assert [(d["id"], d["label"]) for d in dups] == [("farm-1", "spam")]
    assert 0.5 < dups[0]["similarity"] < 1.0
    assert "DUP_NEAR_SPAM" in {h["rule"] for h in after["hits"]}
    assert unrelated["near_duplicates"] == []
    assert "spamdetect_index_documents 2.0" in metrics
    assert 'spamdetect_index_updates_total{operation="add"} 3.0' in metrics
    assert ready["checks"]["index"] == "ok"
    assert '<ul id=near-duplicates><li><code>farm-1</code> spam' in page.text
    assert rm.status_code == 200 and rm.json() == {"id": "farm-1", "removed": True, "size": 1}
    assert rm_again.status_code == 404 and rm_again.json()["error"] == "not_found"
    assert gone["near_duplicates"] == []
    det.close()


async def test_index_ids_may_hold_slashes_and_validation_names_fields(tmp_path):
    det = _det(f"sqlite:{tmp_path / 'i.db'}")
    async with running(create_app(det)) as c:
        add = await c.post("/v1/index", json={"id": "https://farm.example/a/b?x=1", "text": ARTICLE})
        rm = await c.delete("/v1/index/https://farm.example/a/b?x=1".replace("?", "%3F"))
        bad_label = await c.post("/v1/index", json={"id": "a", "text": "x", "label": "evil"})
        no_id = await c.post("/v1/index", json={"text": "x"})
        both = await c.post("/v1/index", json={"id": "a", "text": "x", "html": "y"})
        raw = await c.post("/v1/index", content=b"x", headers={"content-type": "text/plain"})
    assert add.status_code == 201 and rm.status_code == 200
    assert bad_label.status_code == 422 and bad_label.json()["fields"][0]["field"] == "label"
    assert no_id.status_code == 422 and no_id.json()["fields"][0]["field"] == "id"
    assert both.status_code == 422 and both.json()["fields"][0]["field"] == "body"
    assert raw.status_code == 415
    det.close()


async def test_index_survives_a_restart_of_the_app(tmp_path):
    spec = f"sqlite:{tmp_path / 'persist.db'}"
    det = _det(spec)
    async with running(create_app(det)) as c:
        assert (await c.post("/v1/index", json={"id": "k", "text": ARTICLE, "label": "spam"})).status_code == 201
    det.close()
    app = create_app(settings=ServiceSettings(index=spec, load_entrypoints=False), plugins=(service_demo,),
                     config=Config())
    async with running(app) as c:
        v = (await c.post("/v1/check", json={"text": REPOST})).json()
    assert [d["id"] for d in v["near_duplicates"]] == ["k"]


async def test_readyz_reports_an_unreachable_index():
    det = _det("redis://127.0.0.1:1/0")  # nothing listens on port 1
    async with running(create_app(det)) as c:
        ready = await c.get("/readyz")
        live = await c.get("/livez")
        check = await c.post("/v1/check", json={"text": ARTICLE})
        add = await c.post("/v1/index", json={"id": "a", "text": ARTICLE})
        metrics = (await c.get("/metrics")).text
    assert live.status_code == 200
    assert ready.status_code == 503 and ready.json()["checks"]["index"].startswith("unreachable")
    # Checking still answers (the neardup check's failure is a hit, not a 500).
    assert check.status_code == 200 and "PLUGIN_CHECK_FAILED" in {h["rule"] for h in check.json()["hits"]}
    assert add.status_code == 503 and "unreachable" in add.json()["message"]
    assert "spamdetect_index_documents" not in metrics


# -- several worker processes ------------------------------------------------------


def _workers(parent: int) -> set[int]:
    """PIDs of uvicorn worker processes (spawned children) of ``parent``."""
    out = set()
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
            cmd = (d / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == parent and b"spawn_main" in cmd:
            out.add(int(d.name))
    return out


def _fresh(base: str, method: str, path: str, **kw) -> httpx.Response:
    # A new connection per request, so the kernel spreads them over the workers.
    with httpx.Client(base_url=base, timeout=30, headers={"connection": "close"}) as c:
        return c.request(method, path, **kw)


@pytest.mark.slow
def test_workers_share_a_redis_index_and_a_killed_worker_is_replaced(redis_url, tmp_path):
    spec = f"{redis_url}?prefix=svc-workers-{uuid.uuid4().hex[:8]}"
    key = tmp_path / "key"
    key.write_text("k3y")
    with Server("--workers", "2", "--index", spec, "--api-key-file", str(key),
                "--plugins-dir", str(Path(__file__).parent / "plugins" / "service_site")) as s:
        deadline = time.monotonic() + 20
        while len(_workers(s.proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        before = _workers(s.proc.pid)
        assert len(before) == 2
        auth = {"authorization": "Bearer k3y"}
        # The key reaches every worker (through the environment, not the settings JSON).
        for _ in range(4):
            assert _fresh(s.base, "POST", "/v1/index", json={"id": "x", "text": "t"}).status_code == 401
        for i in range(10):
            r = _fresh(s.base, "POST", "/v1/index", headers=auth,
                       json={"id": f"farm-{i}", "text": f"{i}号文章。" + ARTICLE[i * 5:], "label": "spam"})
            assert r.status_code == 201, r.text
        # Every worker sees every entry.
        for _ in range(10):
            v = _fresh(s.base, "POST", "/v1/check", json={"text": REPOST}).json()
            assert "farm-0" in {d["id"] for d in v["near_duplicates"]}
        os.kill(sorted(before)[0], signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            now = _workers(s.proc.pid)
            if len(now) == 2 and now != before:
                break
            time.sleep(0.2)
        after = _workers(s.proc.pid)
        assert len(after) == 2 and after != before and sorted(before)[1] in after
        s.wait_ready()
        ok = 0
        for _ in range(20):
            r = _fresh(s.base, "POST", "/v1/check", json={"text": REPOST})
            assert r.status_code == 200
            ok += "farm-0" in {d["id"] for d in r.json()["near_duplicates"]}
        assert ok == 20
        rm = _fresh(s.base, "DELETE", "/v1/index/farm-0", headers=auth)
        assert rm.status_code == 200 and rm.json()["size"] == 9
        metrics = _fresh(s.base, "GET", "/metrics").text
        # Counters add up over the workers (including the one that was killed).
        line = next(x for x in metrics.splitlines() if x.startswith('spamdetect_checks_total{action='))
        assert float(line.split()[-1]) >= 20
        assert "spamdetect_index_documents 9.0" in metrics
    assert open_index(spec).__len__() == 9


@pytest.mark.slow
def test_workers_serialise_writes_to_one_sqlite_file(tmp_path):
    db = tmp_path / "shared.db"
    with Server("--workers", "2", "--index", f"sqlite:{db}", "--threads", "4") as s:
        def add(i: int) -> int:
            text = f"第{i}篇:" + (ARTICLE if i % 2 else OTHER) + f"编号{i}。" * 3
            return _fresh(s.base, "POST", "/v1/index",
                          json={"id": f"doc-{i}", "text": text, "label": "spam"}).status_code

        with ThreadPoolExecutor(8) as pool:
            codes = list(pool.map(add, range(60)))
        assert codes.count(201) + codes.count(200) == 60  # no 5xx, no "database is locked"
        deleted = {i: _fresh(s.base, "DELETE", f"/v1/index/doc-{i}").status_code for i in range(0, 60, 3)}
        assert set(deleted.values()) <= {200, 404}
        # 201 = stored; 200 = refused as a duplicate (same id or same folded content).
        kept = {f"doc-{i}" for i, code in enumerate(codes) if code == 201 and deleted.get(i) != 200}
        assert all(deleted[i] == (200 if codes[i] == 201 else 404) for i in deleted)
        metrics = _fresh(s.base, "GET", "/metrics").text
        assert f"spamdetect_index_documents {float(len(kept))}" in metrics
    with open_index(f"sqlite:{db}") as idx:
        assert len(idx) == len(kept) > 0
        assert {f"doc-{i}" for i in range(60) if f"doc-{i}" in idx} == kept
