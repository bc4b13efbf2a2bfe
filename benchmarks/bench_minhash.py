"""MinHash and near-duplicate path speed against datasketch, measured in the same run.

Usage::

    python benchmarks/bench_minhash.py [DATA_DIR] [--docs N] [--repeat R]

DATA_DIR defaults to ``$SPAMDETECT_DATA`` or ``../shared/data`` beside the repository. Documents are
real Chinese text of 1,000–2,000 characters built from the clean articles
(``zh-web-extraction-69``, ``zh-netease-news-74``): paragraphs joined until
a seeded target length between 1,000 and 2,000 characters, cut at 2,000; to reach N documents each base
document is reused with a few seeded character substitutions, so the index
sees near-duplicates as in real reposting.

Two measurements, both as ratios against a baseline timed in this run:

1. **Sketch step** (folded text → signature). Baseline: datasketch's
   fastest path, ``MinHash.bulk`` over the UTF-8 shingles with
   ``xxhash.xxh32_intdigest``. Ours: ``MinHasher.signature``.
2. **Whole near-duplicate path** (fold + sketch + LSH query + verify +
   insert), one document at a time as a crawler sees them. Baseline:
   datasketch's best path: NFKC + OpenCC t2s + regex folding, ``MinHash``
   from a prototype (``copy`` + ``update_batch`` with xxh32, as
   ``MinHash.generator`` does), in-memory ``MinHashLSH`` (16×7) query, verify
   by ``jaccard`` and insert. Ours: ``NearDupIndex`` on an SQLite file
   (normalise + signature + ``matches`` + ``add_record``), committed per
   document.

Prints a table and the ratios; best of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load_docs(data: Path, n: int) -> list[str]:
    """Real Chinese documents of 1–2 K characters, extended to ``n`` with edits."""
    base: list[str] = []
    want = random.Random(7)
    target = want.randint(1000, 2000)
    for rel in ("zh-web-extraction-69/pages.jsonl", "zh-netease-news-74/news.jsonl"):
        with (data / rel).open(encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                buf = ""
                for para in (rec.get("text") or "").split("\n"):
                    buf += para + "\n"
                    if len(buf) >= target:
                        base.append(buf[:2000])
                        buf = ""
                        target = want.randint(1000, 2000)
    if not base:
        sys.exit(f"no documents found under {data}")
    rng = random.Random(12345)
    docs = list(base)
    while len(docs) < n:
        src = list(base[len(docs) % len(base)])
        for _ in range(rng.randint(1, 40)):
            i = rng.randrange(len(src))
            src[i] = chr(rng.randint(0x4E00, 0x9FA5))
        docs.append("".join(src))
    return docs[:n]


def _baseline_normalize():
    import opencc
    import regex

    t2s = opencc.OpenCC("t2s").convert
    junk = regex.compile(r"[^\p{L}\p{N}\p{M}]+")
    digits = regex.compile(r"\p{Nd}")

    def norm(text: str) -> str:
        text = unicodedata.normalize("NFKC", text)
        text = t2s(text).lower()
        return digits.sub("0", junk.sub("", text))

    return norm


def bench_sketch(norms: list[str]) -> tuple[float, float]:
    """Seconds per document: datasketch bulk+xxh32, ours."""
    import xxhash
    from datasketch import MinHash

    from detector.dedup.minhash import MinHasher
    from detector.dedup.shingles import shingles

    t0 = time.perf_counter()
    MinHash.bulk([[s.encode("utf-8") for s in shingles(t)] for t in norms],
                 num_perm=128, seed=1, hashfunc=xxhash.xxh32_intdigest)
    base = (time.perf_counter() - t0) / len(norms)
    hasher = MinHasher()
    t0 = time.perf_counter()
    for t in norms:
        hasher.signature(t)
    ours = (time.perf_counter() - t0) / len(norms)
    return base, ours


def bench_path_datasketch(docs: list[str]) -> float:
    """Seconds per document for datasketch's best whole path."""
    import xxhash
    from datasketch import MinHash, MinHashLSH

    from detector.dedup.shingles import shingles

    norm = _baseline_normalize()
    proto = MinHash(num_perm=128, seed=1, hashfunc=xxhash.xxh32_intdigest)
    lsh = MinHashLSH(threshold=0.8, num_perm=128, params=(16, 7))
    store: dict[int, MinHash] = {}
    t0 = time.perf_counter()
    for i, text in enumerate(docs):
        n = norm(text)
        m = proto.copy()
        m.update_batch([s.encode("utf-8") for s in shingles(n)])
        _ = [k for k in lsh.query(m) if m.jaccard(store[k]) >= 0.8]
        lsh.insert(i, m, check_duplication=False)
        store[i] = m
    return (time.perf_counter() - t0) / len(docs)


def bench_path_ours(docs: list[str], spec: str) -> float:
    """Seconds per document for our whole path on ``spec``."""
    from detector.dedup import open_index
    from detector.dedup.index import content_digest
    from detector.dedup.shingles import normalize

    idx = open_index(spec)
    t0 = time.perf_counter()
    for i, text in enumerate(docs):
        n = normalize(text)
        d = content_digest(n)
        sig = idx.hasher.signature(n)
        idx.matches(n, sig=sig, digest=d)
        idx.add_record(idx.record(f"d{i}", None, norm=n, sig=sig))
    per = (time.perf_counter() - t0) / len(docs)
    idx.close()
    return per


def main() -> None:
    """Run the benchmark and print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", nargs="?", default=os.environ.get(
        "SPAMDETECT_DATA", str(ROOT.parent / "shared" / "data")))
    ap.add_argument("--docs", type=int, default=3000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from detector.dedup.shingles import normalize

    docs = load_docs(Path(args.data), args.docs)
    normalize("预热")  # build the folding table outside the timings
    lengths = sorted(len(d) for d in docs)
    print(f"documents: {len(docs)}, characters: median {lengths[len(lengths) // 2]}, "
          f"min {lengths[0]}, max {lengths[-1]}")
    norms = [normalize(d) for d in docs]

    base_sk = ours_sk = base_path = ours_path = float("inf")
    base_norm = ours_norm = float("inf")
    bnorm = _baseline_normalize()
    for _ in range(args.repeat):
        b, o = bench_sketch(norms)
        base_sk, ours_sk = min(base_sk, b), min(ours_sk, o)
        t0 = time.perf_counter()
        for d in docs:
            bnorm(d)
        base_norm = min(base_norm, (time.perf_counter() - t0) / len(docs))
        t0 = time.perf_counter()
        for d in docs:
            normalize(d)
        ours_norm = min(ours_norm, (time.perf_counter() - t0) / len(docs))
        base_path = min(base_path, bench_path_datasketch(docs))
        with tempfile.TemporaryDirectory() as tmp:
            ours_path = min(ours_path, bench_path_ours(docs, f"sqlite:{os.path.join(tmp, 'b.db')}"))

    print(f"{'step':<44}{'datasketch':>14}{'ours':>14}{'ratio':>8}")
    print(f"{'normalise (ms/doc)':<44}{base_norm * 1e3:>14.3f}{ours_norm * 1e3:>14.3f}"
          f"{base_norm / ours_norm:>7.1f}x")
    print(f"{'sketch: folded text -> signature (ms/doc)':<44}{base_sk * 1e3:>14.3f}"
          f"{ours_sk * 1e3:>14.3f}{base_sk / ours_sk:>7.1f}x")
    print(f"{'whole near-dup path (docs/s, one core)':<44}{1 / base_path:>14.0f}"
          f"{1 / ours_path:>14.0f}{base_path / ours_path:>7.1f}x")
    print("targets: sketch >= 3x datasketch; whole path >= 2,000 docs/s")


if __name__ == "__main__":
    main()
