"""Index insert/query throughput, p99 query latency and bytes per document.

Usage::

    python benchmarks/bench_index.py [DATA_DIR] [--sizes 100000,1000000]
        [--backends sqlite,redis] [--redis-url redis://127.0.0.1:6379/0]

Documents are 1,000 characters drawn at random (seeded) from the character
distribution of the clean articles, so they are realistic in alphabet and
unrelated to each other, like a crawl of distinct pages. Signatures are
computed outside the timings: these numbers are the stores' own cost.

For each size N and backend:

* **insert**: ``add_many`` in batches of 1,000 (SQLite transactions, Redis
  pipelines and datasketch insertion sessions), documents/s;
* **query**: 2,000 queries after the load, half near-duplicates of indexed
  documents (1 % characters changed) and half new documents, through
  ``NearDupIndex.matches`` (digest lookup, LSH candidates, verification);
  queries/s and p50 / p99 latency;
* **bytes/doc**: SQLite file size (+ WAL) / N; Redis ``used_memory``
  growth / N.

Without ``--redis-url`` a private redis-server is started on a free port
(``redis-server`` must be on PATH).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def _char_pool(data: Path) -> np.ndarray:
    chars: list[str] = []
    for rel in ("zh-web-extraction-69/pages.jsonl", "zh-netease-news-74/news.jsonl"):
        with (data / rel).open(encoding="utf-8") as fh:
            for line in fh:
                chars.extend(c for c in json.loads(line).get("text") or "" if not c.isspace())
    return np.array([ord(c) for c in chars], dtype=np.uint32)


def _texts(pool: np.ndarray, rng: np.random.Generator, n: int, length: int = 1000) -> list[str]:
    idx = rng.integers(0, len(pool), size=(n, length))
    return [pool[row].tobytes().decode("utf-32-le") for row in idx]


def _start_redis() -> tuple[subprocess.Popen, str, str]:
    exe = shutil.which("redis-server")
    if exe is None:
        sys.exit("redis-server not found; pass --redis-url")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    work = tempfile.mkdtemp()
    proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", work],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    for _ in range(200):
        try:
            if redis.Redis(port=port).ping():
                break
        except redis.exceptions.ConnectionError:
            time.sleep(0.05)
    return proc, f"redis://127.0.0.1:{port}/0", work


def run(spec: str, n: int, pool: np.ndarray, seed: int) -> dict[str, float]:
    """Load ``n`` documents into ``spec`` and measure."""
    from detector.dedup import open_index
    from detector.dedup.index import content_digest
    from detector.dedup.shingles import normalize

    idx = open_index(spec)
    rng = np.random.default_rng(seed)
    mem0 = None
    if spec.startswith("redis"):
        mem0 = idx.store._r.info("memory")["used_memory"]
    t_insert = 0.0
    kept: list[str] = []
    batch = 1000
    for start in range(0, n, batch):
        texts = _texts(pool, rng, min(batch, n - start))
        if len(kept) < 1000:
            kept.extend(texts[: 1000 - len(kept)])
        recs = [idx.record(f"d{start + i}", t) for i, t in enumerate(texts)]
        t0 = time.perf_counter()
        idx.store.add_many(recs)
        t_insert += time.perf_counter() - t0
    # queries: half near-duplicates of indexed texts, half new texts
    queries = []
    for t in kept:
        chars = list(t)
        for j in rng.integers(0, len(chars), size=len(chars) // 100):
            chars[j] = chr(int(pool[rng.integers(0, len(pool))]))
        queries.append("".join(chars))
    queries += _texts(pool, rng, len(kept))
    prepared = []
    for q in queries:
        norm = normalize(q)
        prepared.append((norm, idx.hasher.signature(norm), content_digest(norm)))
    lat = []
    hits = [0, 0]  # queries with a match: near-duplicates, new documents
    for q, (norm, sig, dg) in enumerate(prepared):
        t0 = time.perf_counter()
        found = idx.matches(norm, sig=sig, digest=dg)
        lat.append(time.perf_counter() - t0)
        hits[q >= len(kept)] += bool(found)
    lat_ms = np.array(lat) * 1e3
    out = {
        "n": n,
        "insert_docs_s": n / t_insert,
        "query_s": len(lat) / float(np.sum(lat)),
        "p50_ms": float(np.percentile(lat_ms, 50)),
        "p99_ms": float(np.percentile(lat_ms, 99)),
        "found_near": hits[0],
        "found_new": hits[1],
        "queries": len(kept),
    }
    if spec.startswith("sqlite:"):
        path = spec[len("sqlite:"):]
        idx.close()
        size = sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p))
        out["bytes_doc"] = size / n
    else:
        mem1 = idx.store._r.info("memory")["used_memory"]
        out["bytes_doc"] = (mem1 - mem0) / n
        idx.store._r.flushdb()
        idx.close()
    return out


def main() -> None:
    """Parse arguments, run every size × backend, print a table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", nargs="?", default=os.environ.get(
        "SPAMDETECT_DATA", str(ROOT.parent / "shared" / "data")))
    ap.add_argument("--sizes", default="100000")
    ap.add_argument("--backends", default="sqlite,redis")
    ap.add_argument("--redis-url")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    pool = _char_pool(Path(args.data))
    proc = None
    redis_url = args.redis_url
    tmp = tempfile.mkdtemp()
    print(f"{'backend':<8}{'N':>9}{'insert/s':>10}{'query/s':>9}{'p50 ms':>8}{'p99 ms':>8}"
          f"{'bytes/doc':>10}{'near found':>12}{'new found':>10}")
    try:
        for n in [int(x) for x in args.sizes.split(",")]:
            for backend in args.backends.split(","):
                if backend == "sqlite":
                    spec = f"sqlite:{os.path.join(tmp, f'bench-{n}.db')}"
                else:
                    if redis_url is None:
                        proc, redis_url, _ = _start_redis()
                    spec = f"{redis_url}?prefix=bench{n}"
                r = run(spec, n, pool, args.seed)
                print(f"{backend:<8}{n:>9}{r['insert_docs_s']:>10.0f}{r['query_s']:>9.0f}"
                      f"{r['p50_ms']:>8.2f}{r['p99_ms']:>8.2f}{r['bytes_doc']:>10.0f}"
                      f"{r['found_near']:>7}/{r['queries']}{r['found_new']:>10}", flush=True)
    finally:
        if proc is not None:
            proc.terminate()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
