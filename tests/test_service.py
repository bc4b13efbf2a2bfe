"""The HTTP service in-process (httpx over the ASGI transport): every endpoint and error path."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html import escape, unescape

import httpx
import pytest
from service_util import SPAM_SAMPLE, demo_detector, running, service_demo

from detector import Hit, hookimpl
from detector.service import ServiceSettings, create_app
from detector.service.settings import API_KEY_ENV, ENV_VAR

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture(scope="module")
def det():
    return demo_detector()


def _marks(html: str) -> list[tuple[list[str], str]]:
    """``(rules, text)`` of every highlighted segment, in document order."""
    return [(m.group(1).split(), unescape(m.group(2))) for m in
            re.finditer(r'<mark class="ev" data-rules="([^"]*)"[^>]*>([^<]*)</mark>', html)]


def _strip_timings(v: dict) -> dict:
    return {k: val for k, val in v.items() if k != "timings_ms"}


# -- POST /v1/check ---------------------------------------------------------------


async def test_check_one_document_is_the_cli_verdict(det):
    async with running(create_app(det)) as c:
        r = await c.post("/v1/check", json={"text": SPAM_SAMPLE, "id": "p-1", "title": "某平台"})
    assert r.status_code == 200
    body = r.json()
    expected = det.check(text=SPAM_SAMPLE, id="p-1", title="某平台").to_dict()
    assert _strip_timings(body) == _strip_timings(expected)
    assert body["action"] == "reject" and body["id"] == "p-1"
    xb = next(h for h in body["hits"] if h["rule"] == "DEMO_XIAOBIAN")
    assert [SPAM_SAMPLE[e["start"]:e["end"]] for e in xb["evidence"]] == ["小编导语", "小编总结"]


async def test_check_batch_keeps_order_and_shape(det):
    docs = [{"text": "今天天气很好。", "id": "a"}, {"html": "<p>小编导语:你好</p>", "id": "b"},
            {"text": "联系 13912345678", "id": "c", "site": "forum"}]
    async with running(create_app(det)) as c:
        r = await c.post("/v1/check", json={"documents": docs})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"version", "results", "errors"}
    assert [v["id"] for v in body["results"]] == ["a", "b", "c"]
    expected = [_strip_timings(det.check_item(d).to_dict()) for d in docs]
    assert [_strip_timings(v) for v in body["results"]] == expected
    assert body["results"][0]["action"] == "allow"
    hit = next(h for h in body["results"][1]["hits"] if h["rule"] == "DEMO_XIAOBIAN")
    assert hit["evidence"][0]["text"] == "小编导语"


async def test_check_raw_bytes_are_decoded_with_their_content_type(det):
    page = "<html><head><title>标题</title></head><body><p>小编导语:今年的情况</p></body></html>"
    async with running(create_app(det)) as c:
        r = await c.post("/v1/check", content=page.encode("gbk"), params={"id": "raw-1", "url": "http://x/"},
                         headers={"content-type": "text/html; charset=gbk"})
        plain = await c.post("/v1/check", content="联系13912345678".encode(),
                             headers={"content-type": "text/plain; charset=utf-8"})
        binary = await c.post("/v1/check", content=bytes(range(256)) * 8,
                              headers={"content-type": "application/octet-stream"})
        empty = await c.post("/v1/check", content=b"", headers={"content-type": "text/plain"})
    assert r.status_code == 200
    v = r.json()
    assert v["id"] == "raw-1"
    assert v["hits"][0]["rule"] == "DEMO_XIAOBIAN" and v["hits"][0]["evidence"][0]["text"] == "小编导语"
    assert plain.json()["hits"][0]["rule"] == "DEMO_MOBILE"
    assert "LIMIT_BINARY_INPUT" in {h["rule"] for h in binary.json()["hits"]}
    assert empty.status_code == 200 and empty.json()["hits"][0]["rule"] == "LIMIT_EMPTY"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{not json", "body"),
        (b"", "body"),
        (b"[1, 2]", "body"),
        (b'"just a string"', "body"),
        (json.dumps({"txt": "typo"}).encode(), "txt"),
        (json.dumps({"text": "a", "html": "<p>b</p>"}).encode(), "body"),
        (json.dumps({"title": "no text"}).encode(), "body"),
        (json.dumps({"text": 42}).encode(), "text"),
        (json.dumps({"text": "x", "id": "i" * 2000}).encode(), "id"),
        (json.dumps({"text": "x", "meta": [1]}).encode(), "meta"),
        (json.dumps({"documents": []}).encode(), "documents"),
        (json.dumps({"documents": [{"text": "ok"}, {"title": "no text"}]}).encode(), "documents[1]"),
        (json.dumps({"documents": [{"text": "ok"}, {"text": None, "html": "x"}]}).encode(), "documents[1].text"),
        (json.dumps({"documents": [{"text": "ok"}, {"text": ["x"]}]}).encode(), "documents[1].text"),
        (json.dumps({"documents": "nope"}).encode(), "documents"),
        (b"\xff\xfe\x00garbage", "body"),
        (b"[" * 100_000, "body"),
    ],
)
async def test_check_invalid_json_is_422_naming_the_field(det, body, field):
    async with running(create_app(det)) as c:
        r = await c.post("/v1/check", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422, r.text
    err = r.json()
    assert err["error"] == "invalid_request"
    assert err["fields"][0]["field"] == field
    assert err["message"].startswith(f"{field}:")


async def test_check_batch_size_limit(det):
    app = create_app(det, settings=ServiceSettings(max_batch=3))
    async with running(app) as c:
        ok = await c.post("/v1/check", json={"documents": [{"text": "a"}] * 3})
        over = await c.post("/v1/check", json={"documents": [{"text": "a"}] * 4})
    assert ok.status_code == 200 and len(ok.json()["results"]) == 3
    assert over.status_code == 422 and over.json()["fields"][0]["field"] == "documents"
    assert "at most 3" in over.json()["message"]


async def test_check_unsupported_content_type_is_415(det):
    async with running(create_app(det)) as c:
        r = await c.post("/v1/check", files={"f": ("a.txt", b"hello")})
        form = await c.post("/v1/check", data={"text": "hello"})
    assert r.status_code == 415 and r.json()["error"] == "unsupported_media_type"
    assert form.status_code == 415


async def test_body_over_the_limit_is_413(det):
    app = create_app(det, settings=ServiceSettings(max_body_bytes=1000))
    async with running(app) as c:
        ok = await c.post("/v1/check", content=b"a" * 1000, headers={"content-type": "text/plain"})
        big = await c.post("/v1/check", content=b"a" * 1001, headers={"content-type": "text/plain"})
        big_json = await c.post("/v1/check", json={"text": "字" * 400})
        metrics = (await c.get("/metrics")).text
    assert ok.status_code == 200
    assert big.status_code == 413 and big.json()["error"] == "body_too_large"
    assert big_json.status_code == 413
    assert 'spamdetect_http_requests_total{endpoint="/v1/check",status="4xx"} 2.0' in metrics


async def test_time_budget_gives_a_partial_verdict_not_a_500():
    det = demo_detector(time_budget_ms=50, options={"demo.slow_seconds": 0.2})
    async with running(create_app(det)) as c:
        r = await c.post("/v1/check", json={"text": "慢慢来。小编导语:内容"})
        metrics = (await c.get("/metrics")).text
    assert r.status_code == 200
    v = r.json()
    assert v["truncated"] is True
    budget = next(h for h in v["hits"] if h["rule"] == "LIMIT_TIME_BUDGET")
    assert "service_demo" in ",".join(budget["details"]["skipped"]).split(",")
    assert "DEMO_XIAOBIAN" not in {h["rule"] for h in v["hits"]}
    assert "spamdetect_partial_verdicts_total 1.0" in metrics


async def test_a_crashing_check_is_a_hit_not_a_500(det):
    async with running(create_app(det)) as c:
        r = await c.post("/v1/check", json={"text": "崩溃 小编导语"})
    assert r.status_code == 200
    rules = {h["rule"] for h in r.json()["hits"]}
    assert {"PLUGIN_CHECK_FAILED", "DEMO_XIAOBIAN"} <= rules
    assert "demo crash" in r.json()["errors"][0]


async def test_unexpected_error_is_a_json_500():
    class Broken:
        def rules(self, profile=None):
            return []

        def check(self, **kw):
            raise MemoryError("boom")

    app = create_app(Broken())
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            r = await c.post("/v1/check", json={"text": "x"})
    assert r.status_code == 500
    assert r.json() == {"error": "internal_error", "message": "internal error: MemoryError", "fields": []}


# -- auth, index without an index ------------------------------------------------------


async def test_index_endpoints_without_an_index_are_409(det):
    async with running(create_app(det)) as c:
        add = await c.post("/v1/index", json={"id": "x", "text": "hello"})
        rm = await c.delete("/v1/index/x")
    assert add.status_code == 409 and add.json()["error"] == "index_not_configured"
    assert rm.status_code == 409


async def test_api_key_guards_the_mutating_endpoints(det):
    app = create_app(det, settings=ServiceSettings(api_key="s3cret"))
    async with running(app) as c:
        missing = await c.post("/v1/index", json={"id": "x", "text": "t"})
        wrong = await c.post("/v1/index", json={"id": "x", "text": "t"}, headers={"x-api-key": "nope"})
        wrong_bearer = await c.delete("/v1/index/x", headers={"authorization": "Bearer nope"})
        right = await c.post("/v1/index", json={"id": "x", "text": "t"},
                             headers={"authorization": "Bearer s3cret"})
        right_header = await c.delete("/v1/index/x", headers={"x-api-key": "s3cret"})
        check = await c.post("/v1/check", json={"text": "t"})
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    assert wrong.status_code == 403 and wrong_bearer.status_code == 403
    # Past the key check the request reaches the index layer (none configured here).
    assert right.status_code == 409 and right_header.status_code == 409
    assert check.status_code == 200  # checking never needs the key


async def test_api_key_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv(API_KEY_ENV, "from-env")
    s = ServiceSettings(workers=2, index="sqlite:/tmp/x.db")
    assert s.api_key == "from-env"
    assert "from-env" not in s.to_env()
    monkeypatch.setenv(ENV_VAR, s.to_env())
    back = ServiceSettings.from_env()
    assert back.workers == 2 and back.index == "sqlite:/tmp/x.db" and back.api_key == "from-env"
    with pytest.raises(ValueError, match="max_body_bytes"):
        ServiceSettings(max_body_bytes=0)


# -- rules, health, metrics, lifecycle ------------------------------------------------


async def test_rules_lists_loaded_rules_with_profile_weights():
    det = demo_detector(profiles={"forum": {"weights": {"DEMO_MOBILE": 1.5}}})
    async with running(create_app(det)) as c:
        default = (await c.get("/v1/rules")).json()
        forum = (await c.get("/v1/rules", params={"site": "forum"})).json()
    ids = [r["id"] for r in default["rules"]]
    assert ids == sorted(ids) and {"DEMO_XIAOBIAN", "DEMO_MOBILE", "LIMIT_EMPTY"} <= set(ids)
    weight = {r["id"]: r["weight"] for r in forum["rules"]}
    assert forum["profile"] == "forum" and weight["DEMO_MOBILE"] == 1.5
    assert {r["id"]: r["weight"] for r in default["rules"]}["DEMO_MOBILE"] == 4.5
    assert default["rules_version"] == det.rules_version


async def test_health_endpoints(det):
    async with running(create_app(det)) as c:
        for path in ("/livez", "/healthz", "/readyz"):
            r = await c.get(path)
            assert r.status_code == 200 and r.json()["status"] == "ok", path


async def test_not_ready_before_the_lifespan_has_built_the_detector():
    calls = []

    def factory():
        calls.append(1)
        return demo_detector()

    app = create_app(detector_factory=factory)
    assert calls == []  # nothing is built when the app is created
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        assert (await c.get("/livez")).status_code == 200
        ready = await c.get("/readyz")
        check = await c.post("/v1/check", json={"text": "x"})
    assert ready.status_code == 503 and ready.json()["checks"]["detector"] == "loading"
    assert check.status_code == 503 and check.headers["retry-after"] == "1"
    async with running(app) as c:
        assert (await c.get("/readyz")).status_code == 200
    assert calls == [1]


class _StrayRule:
    """Adds a hit whose rule id no check declares (must not become a label)."""

    @hookimpl
    def spamdetect_adjust_verdict(self, verdict):
        verdict.hits.append(Hit("STRAY_UNDECLARED", "plugin", 0.0, "x", "x"))


async def test_metrics_have_bounded_labels():
    from detector import Config, Detector

    det = Detector(config=Config(), plugins=[service_demo, _StrayRule()], load_entrypoints=False)
    async with running(create_app(det)) as c:
        await c.post("/v1/check", json={"text": SPAM_SAMPLE})
        await c.post("/v1/check", json={"text": "平常的一天"})
        await c.post("/v1/check", json={"text": 1})
        for i in range(20):
            await c.get(f"/no/such/path/{i}")
        await c.put("/v1/rules")
        r = await c.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    m = r.text
    assert 'spamdetect_checks_total{action="reject"} 1.0' in m
    assert 'spamdetect_checks_total{action="allow"} 1.0' in m
    assert 'spamdetect_rule_hits_total{rule="DEMO_XIAOBIAN"} 1.0' in m
    assert 'spamdetect_rule_hits_total{rule="other"} 2.0' in m
    assert "STRAY_UNDECLARED" not in m
    assert 'spamdetect_http_requests_total{endpoint="/v1/check",status="2xx"} 2.0' in m
    assert 'spamdetect_http_requests_total{endpoint="/v1/check",status="4xx"} 1.0' in m
    assert 'spamdetect_http_requests_total{endpoint="other",status="4xx"} 20.0' in m
    assert 'spamdetect_http_requests_total{endpoint="/v1/rules",status="4xx"} 1.0' in m
    assert "/no/such/path" not in m
    assert "spamdetect_check_duration_seconds_count 2.0" in m
    assert 'spamdetect_http_request_duration_seconds_count{endpoint="/v1/check"} 3.0' in m
    assert "spamdetect_index_documents" not in m  # no index, no gauge


async def test_openmetrics_when_asked(det):
    async with running(create_app(det)) as c:
        r = await c.get("/metrics", headers={"accept": "application/openmetrics-text"})
    assert r.headers["content-type"].startswith("application/openmetrics-text")
    assert r.text.rstrip().endswith("# EOF")


async def test_unknown_path_and_method_use_the_error_shape(det):
    async with running(create_app(det)) as c:
        missing = await c.get("/v2/check")
        method = await c.get("/v1/check")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    assert method.status_code == 405 and method.json()["error"] == "method_not_allowed"


async def test_openapi_document_describes_the_api(det):
    async with running(create_app(det)) as c:
        spec = (await c.get("/openapi.json")).json()
    paths = spec["paths"]
    assert {"/v1/check", "/v1/index", "/v1/index/{doc_id}", "/v1/rules", "/livez", "/healthz",
            "/readyz", "/metrics"} <= set(paths)
    body = paths["/v1/check"]["post"]["requestBody"]["content"]
    assert {"application/json", "text/html", "text/plain", "application/octet-stream"} <= set(body)
    schemas = spec["components"]["schemas"]
    assert {"DocumentIn", "BatchIn", "IndexIn", "VerdictOut", "ErrorOut"} <= set(schemas)
    assert schemas["DocumentIn"]["additionalProperties"] is False
    assert {"413", "422"} <= set(paths["/v1/check"]["post"]["responses"])


# -- review page -------------------------------------------------------------------


async def test_page_form_and_security_headers(det):
    async with running(create_app(det)) as c:
        r = await c.get("/")
    assert r.status_code == 200 and "<form" in r.text and 'name="content"' in r.text
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"


async def test_page_highlights_evidence(det):
    async with running(create_app(det)) as c:
        r = await c.post("/", data={"content": SPAM_SAMPLE, "format": "text"})
    assert r.status_code == 200
    html = r.text
    assert '<span id="action">reject</span>' in html
    marks = _marks(html)
    # Other rules may cover the same characters: the segments carrying a rule,
    # joined, are exactly its evidence.
    assert "".join(t for rules, t in marks if "DEMO_XIAOBIAN" in rules) == "小编导语小编总结"
    assert "".join(t for rules, t in marks if "DEMO_MOBILE" in rules) == "13912345678"
    assert 'data-rule="DEMO_MOBILE"' in html
    doc = html.split('id="document">')[1].split("</div>")[0]
    assert re.sub(r"<[^>]+>", "", doc) == escape(SPAM_SAMPLE, quote=True)


async def test_page_checks_html_snippets_on_their_visible_text(det):
    async with running(create_app(det)) as c:
        r = await c.post("/", data={"content": "<div>小编导语<script>x()</script></div>", "format": "html"})
    rules, text = _marks(r.text)[0]
    assert "DEMO_XIAOBIAN" in rules and text == "小编导语"
    assert r.text.split('id="document">')[1].startswith("<mark")
    assert "x()" not in r.text.split('id="document"')[1].split("</div>")[0]


async def test_page_escapes_attacker_text_everywhere(det):
    payload = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    async with running(create_app(det)) as c:
        r = await c.post("/", data={"content": "小编导语" + payload, "title": payload, "site": payload,
                                    "format": "text"})
    html = r.text
    assert "<script>alert" not in html and "<img src=x" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 3  # text, title and site fields
    assert '&quot;&gt;&lt;script&gt;' in html


async def test_page_errors(det):
    async with running(create_app(det)) as c:
        empty = await c.post("/", data={"content": "  "})
        wrong = await c.post("/", json={"content": "x"})
        many = await c.post("/", content="&".join(f"f{i}=1" for i in range(100)),
                            headers={"content-type": "application/x-www-form-urlencoded"})
    assert empty.status_code == 422 and 'id="error"' in empty.text
    assert wrong.status_code == 415 and many.status_code == 422


# -- the CLI -------------------------------------------------------------------------


def test_serve_without_the_extra_prints_an_install_hint():
    code = ("import sys; sys.modules['fastapi'] = None; sys.argv = ['spamdetect', 'serve'];"
            "from detector.cli import main; main()")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert "pip install 'spamdetect[service]'" in r.stderr and "fastapi" in r.stderr
    assert "Traceback" not in r.stderr


def test_serve_rejects_a_bad_config_with_one_line(tmp_path):
    bad = tmp_path / "spamdetect.toml"
    bad.write_text("review = 'high'\n")
    r = subprocess.run([sys.executable, "-m", "detector", "serve", "--config", str(bad)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "review" in r.stderr and "Traceback" not in r.stderr
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "broken.py").write_text("def oops(:\n")
    r = subprocess.run([sys.executable, "-m", "detector", "serve", "--plugins-dir", str(plugins),
                        "--workers", "2"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "broken.py" in r.stderr and "Traceback" not in r.stderr
    r = subprocess.run([sys.executable, "-m", "detector", "serve", "--max-body", "lots"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "not a size" in r.stderr


async def test_worker_listening_socket_gives_tcp_nodelay_connections():
    # uvicorn's worker socket has proto 0, for which asyncio skips TCP_NODELAY
    # (Nagle + delayed ACK = ~40 ms per keep-alive request); ours names TCP.
    import asyncio
    import socket

    from detector.service.server import _no_delay_socket

    raw = socket.socket(socket.AF_INET)
    assert raw.proto == 0
    sock = _no_delay_socket(raw)
    assert sock.proto == socket.IPPROTO_TCP and sock.get_inheritable()
    sock.bind(("127.0.0.1", 0))
    seen = []

    async def handle(reader, writer):
        s = writer.get_extra_info("socket")
        seen.append(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        writer.close()

    server = await asyncio.start_server(handle, sock=sock)
    async with server:
        _, w = await asyncio.open_connection(*sock.getsockname())
        for _ in range(100):
            if seen:
                break
            await asyncio.sleep(0.01)
        w.close()
    assert seen and seen[0] != 0


async def test_concurrent_checks_give_the_sequential_verdicts():
    # Checks run in a thread pool: every loaded check (builtin, rule files, the
    # demo plugin) must give the same verdict under concurrency as alone.
    # Time limits are wall-clock: generous ones here, so a loaded CI machine
    # starving six threads cannot turn this into a test of the limits.
    import anyio

    det = demo_detector(time_budget_ms=60_000, regex_timeout_ms=10_000)

    texts = [SPAM_SAMPLE.replace("13912345678", f"1391234{i:04d}") if i % 2 else
             f"第{i}天,今天天气很好,我们去公园散步。联系电话 0755-1234{i:04d}" for i in range(60)]
    expected = [_strip_timings(det.check(text=t, id=str(i)).to_dict()) for i, t in enumerate(texts)]
    got: dict[int, dict] = {}
    app = create_app(det, settings=ServiceSettings(threads=6))
    async with running(app) as c:
        async def one(i: int) -> None:
            r = await c.post("/v1/check", json={"text": texts[i], "id": str(i)})
            got[i] = _strip_timings(r.json())

        async with anyio.create_task_group() as tg:
            for i in range(len(texts)):
                tg.start_soon(one, i)
    assert [got[i] for i in range(len(texts))] == expected
