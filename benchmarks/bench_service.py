"""Load benchmark of ``spamdetect serve`` on loopback, against in-process checking.

Starts ``spamdetect serve`` on a free 127.0.0.1 port (``--workers``, default
2), then for each concurrency level (default 1, 8, 32) sends ``POST
/v1/check`` requests with ~2 KB articles over keep-alive connections from a
small asyncio HTTP/1.1 client (one connection per concurrent client), and
reports throughput and p50/p99 latency. The baseline, measured in the same
run on the same articles, is ``Detector.check`` called in-process in one
thread: the ratio says what the HTTP layer costs (or, with several workers,
gains).

Bounded: at most ``--requests`` requests and ``--seconds`` seconds per level,
loopback only. The client shares the machine with the server, so on a
2-core machine it takes CPU from the workers; the figures are a floor.

Articles are generated from sentences written for this benchmark (no corpus
text), seeded, all distinct, ``--article-bytes`` of UTF-8 each.

Usage::

    python benchmarks/bench_service.py [--workers 2] [--requests 3000] [--seconds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

_SENTENCES = (
    "城市里的老街总是让人感到亲切,清晨的早餐铺已经冒着热气。",
    "沿着石板路往里走,能看到修鞋的师傅、卖花的小摊和一家老书店。",
    "今年的农业生产总体平稳,各地抓住有利天气抢收抢种。",
    "气象部门提醒,近期南方部分地区将有强降雨,农户要做好排水准备。",
    "专家建议合理安排农时,加强病虫害监测,保障秋粮丰收。",
    "社区图书馆延长了开放时间,周末总有学生来这里安静地读书。",
    "这家工厂引进了新的生产线,产品质量稳定提升,订单明显增加。",
    "地铁新线路开通以后,不少居民的通勤时间缩短了将近一半。",
    "博物馆推出了线上展览,观众在家里也能看到珍贵的文物。",
    "夜市重新开张,小吃摊前排起了长队,热闹的气氛又回来了。",
    "学校开设了编程兴趣班,孩子们通过做项目学会了分工合作。",
    "医院优化了挂号流程,患者在手机上就能完成预约和缴费。",
)
_FARM = ("小编导语:很多朋友都在问这个问题,本站将从多个角度为大家分析。",
         "小编总结:以上就是全部内容,希望对大家有所帮助。",
         "内容侵权、删帖举报联系方式:13912345678")


def articles(n: int, size: int, seed: int = 1) -> list[str]:
    """``n`` distinct articles of about ``size`` UTF-8 bytes; every 10th is farm-like."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        parts = [f"第{i}篇。"]
        if i % 10 == 0:
            parts.append(_FARM[0])
        while len("".join(parts).encode()) < size - 120:
            parts.append(rng.choice(_SENTENCES))
        if i % 10 == 0:
            parts.extend(_FARM[1:])
        out.append("".join(parts))
    return out


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


def baseline(docs: list[str], seconds: float, limit: int) -> dict[str, float]:
    """In-process ``Detector.check`` in one thread."""
    from detector import Detector

    det = Detector()
    for d in docs[:20]:
        det.check(text=d)
    lat = []
    t_end = time.perf_counter() + seconds
    t0 = time.perf_counter()
    i = 0
    while i < limit and time.perf_counter() < t_end:
        t = time.perf_counter()
        det.check(text=docs[i % len(docs)])
        lat.append(time.perf_counter() - t)
        i += 1
    wall = time.perf_counter() - t0
    return {"n": i, "rps": i / wall, "p50": _pct(lat, 0.5), "p99": _pct(lat, 0.99), "errors": 0}


async def _client(port: int, bodies: list[bytes], state: dict, lat: list[float]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while True:
            i = state["next"]
            if i >= state["limit"] or time.perf_counter() >= state["deadline"]:
                return
            state["next"] = i + 1
            body = bodies[i % len(bodies)]
            req = (b"POST /v1/check HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
                   b"Content-Length: %d\r\n\r\n" % len(body)) + body
            t = time.perf_counter()
            writer.write(req)
            status = await reader.readline()
            length = 0
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            lat.append(time.perf_counter() - t)
            if not status.startswith(b"HTTP/1.1 200"):
                state["errors"] += 1
    finally:
        writer.close()


async def _level(port: int, bodies: list[bytes], concurrency: int, limit: int, seconds: float) -> dict:
    lat: list[float] = []
    state = {"next": 0, "limit": limit, "deadline": time.perf_counter() + seconds, "errors": 0}
    t0 = time.perf_counter()
    await asyncio.gather(*(_client(port, bodies, state, lat) for _ in range(concurrency)))
    wall = time.perf_counter() - t0
    return {"n": len(lat), "rps": len(lat) / wall, "p50": _pct(lat, 0.5), "p99": _pct(lat, 0.99),
            "errors": state["errors"]}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a Markdown table."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--concurrency", default="1,8,32")
    ap.add_argument("--requests", type=int, default=3000, help="per level (bound)")
    ap.add_argument("--seconds", type=float, default=20.0, help="per level (bound)")
    ap.add_argument("--article-bytes", type=int, default=2048)
    ap.add_argument("--articles", type=int, default=500)
    args = ap.parse_args(argv)

    docs = articles(args.articles, args.article_bytes)
    bodies = [json.dumps({"text": d, "id": f"b{i}"}, ensure_ascii=False).encode() for i, d in enumerate(docs)]
    base = baseline(docs, args.seconds, args.requests)

    port = _free_port()
    env = {**os.environ, "SPAMDETECT_LOAD_PLUGINS": os.environ.get("SPAMDETECT_LOAD_PLUGINS", "")}
    proc = subprocess.Popen([sys.executable, "-m", "detector", "serve", "--port", str(port),
                             "--workers", str(args.workers), "--threads", str(args.threads),
                             "--log-level", "warning"], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                print(proc.stderr.read().decode(errors="replace"), file=sys.stderr)
                return 2
            time.sleep(0.1)
        time.sleep(1.0)  # let every worker finish starting
        # Sanity: the answers are real verdicts.
        req = urllib.request.Request(f"http://127.0.0.1:{port}/v1/check", data=bodies[0],
                                     headers={"content-type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            v = json.load(r)
        assert v["id"] == "b0" and "action" in v
        asyncio.run(_level(port, bodies, 8, 200, 10))  # warm-up
        rows = []
        for c in (int(x) for x in args.concurrency.split(",")):
            rows.append((c, asyncio.run(_level(port, bodies, c, args.requests, args.seconds))))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()

    ms = 1000.0
    print(f"spamdetect serve --workers {args.workers} --threads {args.threads}; "
          f"{args.articles} distinct articles of ~{args.article_bytes} UTF-8 bytes; "
          f"{os.cpu_count()} CPUs; Python {sys.version.split()[0]}")
    print()
    print("| mode | concurrency | requests | errors | checks/s | p50 ms | p99 ms | vs in-process |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| in-process Detector.check | 1 | {base['n']} | 0 | {base['rps']:.0f} | "
          f"{base['p50'] * ms:.2f} | {base['p99'] * ms:.2f} | 1.00x |")
    for c, r in rows:
        print(f"| HTTP POST /v1/check | {c} | {r['n']} | {r['errors']} | {r['rps']:.0f} | "
              f"{r['p50'] * ms:.2f} | {r['p99'] * ms:.2f} | {r['rps'] / base['rps']:.2f}x |")
    eight = dict(rows).get(8)
    if eight is not None:
        ok = eight["rps"] >= 300 and eight["p99"] * ms <= 50 and eight["errors"] == 0
        print()
        print(f"target at concurrency 8 (>= 300 checks/s, p99 <= 50 ms): {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
