"""The real server: ``spamdetect serve`` in a subprocess on a loopback port.

Covers what only a real HTTP server shows: 413 before the body is read,
graceful shutdown with a request in flight, and a burst of 1,000 malformed
requests after which the service still answers correctly.
"""

from __future__ import annotations

import json
import random
import signal
import socket
import threading
import time

import httpx
import pytest
from service_util import PLUGIN_DIR, SPAM_SAMPLE, Server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    cfg = tmp_path_factory.mktemp("serve") / "spamdetect.toml"
    cfg.write_text('time_budget_ms = 5000\n[options]\n"demo.slow_seconds" = 1.5\n')
    with Server("--plugins-dir", str(PLUGIN_DIR), "--config", str(cfg), "--max-body", "64KiB") as s:
        yield s


def _raw(port: int, data: bytes, *, timeout: float = 5.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)  # end of what this client sends (a truncated body stays so)
        chunks = []
        try:
            while True:
                b = s.recv(65536)
                if not b:
                    break
                chunks.append(b)
        except (TimeoutError, ConnectionResetError):
            pass
    return b"".join(chunks)


def test_real_server_checks_a_document(server):
    r = httpx.post(server.base + "/v1/check", json={"text": SPAM_SAMPLE, "id": "e2e"})
    assert r.status_code == 200
    v = r.json()
    assert v["id"] == "e2e" and v["action"] == "reject"
    assert {"DEMO_XIAOBIAN", "DEMO_MOBILE"} <= {h["rule"] for h in v["hits"]}
    raw = httpx.post(server.base + "/v1/check", content="小编导语".encode("gb18030"),
                     headers={"content-type": "text/plain; charset=gb18030"})
    assert raw.json()["hits"][0]["evidence"][0]["text"] == "小编导语"


def test_declared_oversized_body_gets_413_without_being_sent(server):
    # Headers promise 1 GiB; no body byte is ever sent. The answer must come anyway.
    t0 = time.monotonic()
    resp = _raw(server.port, b"POST /v1/check HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\n"
                             b"Content-Length: 1073741824\r\n\r\n")
    assert resp.startswith(b"HTTP/1.1 413")
    assert b'"error":"body_too_large"' in resp.replace(b" ", b"")
    assert time.monotonic() - t0 < 4.0  # answered, not waiting for the body


def test_streamed_oversized_body_is_cut_off(server):
    sent = 0

    def body():
        nonlocal sent
        for _ in range(1000):  # would be 64 MiB
            sent += 65536
            yield b"x" * 65536

    try:
        r = httpx.post(server.base + "/v1/check", content=body(),
                       headers={"content-type": "text/plain"}, timeout=10)
        assert r.status_code == 413
    except httpx.HTTPError:
        pass  # the server may close the connection while the client is still writing
    assert sent < 16 * 1024 * 1024  # the server stopped reading long before 64 MiB
    assert httpx.get(server.base + "/livez").status_code == 200


def _malformed(i: int, rng: random.Random) -> tuple[str, dict, bytes]:
    kind = i % 10
    if kind == 0:
        return "POST", {"content-type": "application/json"}, b"{" * rng.randint(1, 50)
    if kind == 1:
        return "POST", {"content-type": "application/json"}, json.dumps({"text": rng.randint(0, 9)}).encode()
    if kind == 2:
        return "POST", {"content-type": "application/json"}, bytes(rng.getrandbits(8) for _ in range(64))
    if kind == 3:
        return "POST", {"content-type": "application/json"}, json.dumps({"documents": [{"txt": "x"}]}).encode()
    if kind == 4:
        return "POST", {"content-type": "multipart/form-data; boundary=zz"}, b"--zz\r\n\r\n"
    if kind == 5:
        return "POST", {"content-type": "application/json"}, b"[" * 5000
    if kind == 6:
        return "DELETE", {}, b""
    if kind == 7:
        return "POST", {"content-type": "application/json"}, json.dumps({"text": "a", "html": "b"}).encode()
    if kind == 8:
        return "POST", {"content-type": "application/json"}, b'{"text": "\\ud800 lone surrogate"'
    return "POST", {"content-type": "application/json; charset=utf-8"}, b"null"


def test_burst_of_1000_malformed_requests_then_still_correct(server):
    rng = random.Random(7)
    statuses: dict[int, int] = {}
    with httpx.Client(base_url=server.base, timeout=10) as c:
        for i in range(900):
            method, headers, body = _malformed(i, rng)
            r = c.request(method, "/v1/check", headers=headers, content=body)
            statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
            assert r.status_code in (405, 413, 415, 422), (i, r.status_code, r.text[:200])
            assert "error" in r.json()
    # And 100 that are not even HTTP, or broken HTTP, on their own connections.
    garbage = [b"\x00\x01\x02\r\n\r\n", b"GET /v1/check HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", b"POST /v1/check HTTP/1.1\r\n"
               b"Content-Length: -5\r\n\r\n", b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n"
               b"Content-Type: application/json\r\n\r\n{\"te", b"\xff" * 300 + b"\r\n\r\n"]
    for i in range(100):
        resp = _raw(server.port, garbage[i % len(garbage)], timeout=2.0)
        assert not resp or resp.startswith(b"HTTP/1.1 4"), resp[:100]
    assert sum(statuses.values()) == 900 and statuses.get(422, 0) >= 600
    # The service still answers correctly.
    r = httpx.post(server.base + "/v1/check", json={"text": SPAM_SAMPLE, "id": "after"})
    assert r.status_code == 200 and r.json()["action"] == "reject" and r.json()["id"] == "after"
    assert httpx.get(server.base + "/readyz").status_code == 200
    metrics = httpx.get(server.base + "/metrics").text
    line = next(x for x in metrics.splitlines()
                if x.startswith('spamdetect_http_requests_total{endpoint="/v1/check",status="4xx"}'))
    assert float(line.split()[-1]) >= 900


@pytest.mark.parametrize("workers", ["1", "2"])
def test_graceful_shutdown_finishes_the_request_in_flight(tmp_path, workers):
    cfg = tmp_path / "spamdetect.toml"
    cfg.write_text('time_budget_ms = 10000\n[options]\n"demo.slow_seconds" = 3.0\n')
    s = Server("--plugins-dir", str(PLUGIN_DIR), "--config", str(cfg), "--shutdown-timeout", "20",
               "--workers", workers)
    s.wait_ready()
    result: dict = {}

    def slow_request():
        try:
            r = httpx.post(s.base + "/v1/check", json={"text": "慢慢来 小编导语", "id": "slow"}, timeout=30)
            result["status"], result["body"] = r.status_code, r.json()
        except Exception as exc:  # noqa: BLE001 - recorded and asserted below
            result["error"] = repr(exc)

    t = threading.Thread(target=slow_request)
    t.start()
    time.sleep(0.5)  # the request is now inside the slow check
    s.proc.send_signal(signal.SIGTERM)
    # Soon no new request is served (the worker supervisor relays the signal within
    # about half a second), while the slow request is still running.
    refused = False
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline and not refused:
        try:
            httpx.get(s.base + "/livez", timeout=0.5)
            time.sleep(0.05)
        except httpx.HTTPError:
            refused = True
    assert refused and "status" not in result
    t.join(30)
    code = s.stop()
    assert result.get("status") == 200, result
    assert result["body"]["id"] == "slow" and result["body"]["hits"][0]["rule"] == "DEMO_XIAOBIAN"
    # uvicorn re-raises the signal after its graceful shutdown: a clean SIGTERM death.
    assert code in (0, -signal.SIGTERM), s.proc.stderr.read().decode(errors="replace")[-2000:]
