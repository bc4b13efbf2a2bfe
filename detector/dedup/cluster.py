"""Batch dedup: cluster a collection of documents into near-duplicate groups.

``spamdetect dedup FILE.jsonl --out clusters.jsonl`` reads every document,
folds and sketches it (in ``--jobs`` worker processes), puts the signatures
in an in-memory LSH table (the same banding as the index), verifies every
candidate pair by estimated Jaccard similarity (short texts: exact digest
or rapidfuzz ratio against documents sharing a block) and joins verified
pairs with union-find. Each document gets the id of its cluster (the id of
the cluster's first document in input order) and the cluster size.

Memory: one signature (4 × num_perm bytes) and one id per document plus
the band table, about 1 KB per document; a million documents fit in about
1 GB. For collections larger than memory, use an index (``index add``)
and ``index query``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from .index import IndexParams, content_digest, short_block_keys
from .lsh import band_keys
from .minhash import MinHasher
from .shingles import normalize


class _UnionFind:
    def __init__(self) -> None:
        self.parent: list[int] = []

    def add(self) -> int:
        self.parent.append(len(self.parent))
        return len(self.parent) - 1

    def find(self, x: int) -> int:
        p = self.parent
        root = x
        while p[root] != root:
            root = p[root]
        while p[x] != root:
            p[x], x = root, p[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if ra < rb:
                self.parent[rb] = ra
            else:
                self.parent[ra] = rb


@dataclass
class _Sketch:
    digest: bytes
    sig: np.ndarray | None
    short: str | None


_WORKER_HASHER: MinHasher | None = None
_WORKER_PARAMS: IndexParams | None = None


def _init_worker(params: IndexParams) -> None:
    global _WORKER_HASHER, _WORKER_PARAMS
    _WORKER_PARAMS = params
    _WORKER_HASHER = MinHasher(params.num_perm, params.seed, params.k)


def _sketch_many(texts: list[str]) -> list[_Sketch]:
    assert _WORKER_HASHER is not None and _WORKER_PARAMS is not None
    out = []
    for t in texts:
        norm = normalize(t)
        if len(norm) >= _WORKER_PARAMS.min_chars:
            out.append(_Sketch(content_digest(norm), _WORKER_HASHER.signature(norm), None))
        else:
            out.append(_Sketch(content_digest(norm), None, norm))
    return out


def _chunks(items: Iterable[tuple[str, str]], size: int) -> Iterator[list[tuple[str, str]]]:
    buf: list[tuple[str, str]] = []
    for it in items:
        buf.append(it)
        if len(buf) >= size:
            yield buf
            buf = []
    if buf:
        yield buf


def cluster(docs: Iterable[tuple[str, str]], *, params: IndexParams | None = None,
            jobs: int = 1, chunksize: int = 256) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Cluster ``(id, text)`` pairs into near-duplicate groups.

    Args:
        docs: ``(id, text)`` pairs, consumed lazily.
        params: Folding, MinHash and LSH parameters (default :class:`IndexParams`).
        jobs: Worker processes for folding and sketching.
        chunksize: Documents per worker task.

    Returns:
        ``(rows, summary)``: one ``{"id", "cluster", "size"}`` per document
        in input order, and ``{"documents", "clusters", "duplicates",
        "largest", "pairs"}``.

    Examples:
        >>> rows, summary = cluster([("a", "今天天气很好" * 20), ("b", "今天天气很好" * 20 + "。"),
        ...                          ("c", "完全不同的另一篇文章内容" * 10)])
        >>> [(r["id"], r["cluster"], r["size"]) for r in rows]
        [('a', 'a', 2), ('b', 'a', 2), ('c', 'c', 1)]
    """
    params = params or IndexParams()
    from rapidfuzz.fuzz import ratio

    ids: list[str] = []
    sigs: list[np.ndarray | None] = []
    shorts: list[str | None] = []
    uf = _UnionFind()
    buckets: dict[int, list[int]] = {}
    by_digest: dict[bytes, int] = {}
    pairs = 0

    def sketches() -> Iterator[tuple[str, _Sketch]]:
        chunks = _chunks(docs, chunksize)
        if jobs <= 1:
            _init_worker(params)
            for ch in chunks:
                yield from zip([i for i, _ in ch], _sketch_many([t for _, t in ch]), strict=False)
            return
        import multiprocessing as mp

        with mp.get_context("spawn").Pool(jobs, _init_worker, (params,)) as pool:
            id_lists: list[list[str]] = []

            def texts() -> Iterator[list[str]]:
                for ch in chunks:
                    id_lists.append([i for i, _ in ch])
                    yield [t for _, t in ch]

            for n, res in enumerate(pool.imap(_sketch_many, texts())):
                yield from zip(id_lists[n], res, strict=False)
                id_lists[n] = []

    for doc_id, sk in sketches():
        i = uf.add()
        ids.append(doc_id)
        sigs.append(sk.sig)
        shorts.append(sk.short)
        first = by_digest.get(sk.digest)
        if first is not None:  # exact copy: same buckets as the first, nothing new to find
            uf.union(first, i)
            pairs += 1
            continue
        by_digest[sk.digest] = i
        if sk.sig is not None:
            keys = band_keys(sk.sig, params.bands, params.rows)
        else:
            keys = short_block_keys(sk.short or "")
        seen: set[int] = set()
        for key in keys:
            bucket = buckets.setdefault(key, [])
            for j in bucket:
                if j in seen or uf.find(j) == uf.find(i):
                    continue
                seen.add(j)
                if sk.sig is not None and sigs[j] is not None:
                    ok = MinHasher.jaccard(sk.sig, sigs[j]) >= params.threshold
                elif sk.short is not None and shorts[j] is not None:
                    ok = ratio(sk.short, shorts[j]) / 100.0 >= params.short_threshold
                else:
                    ok = False
                if ok:
                    uf.union(i, j)
                    pairs += 1
            bucket.append(i)
    roots = [uf.find(i) for i in range(len(ids))]
    sizes: dict[int, int] = {}
    for r in roots:
        sizes[r] = sizes.get(r, 0) + 1
    rows = [{"id": ids[i], "cluster": ids[r], "size": sizes[r]} for i, r in enumerate(roots)]
    summary = {
        "documents": len(ids),
        "clusters": len(sizes),
        "duplicates": len(ids) - len(sizes),
        "largest": max(sizes.values(), default=0),
        "pairs": pairs,
    }
    return rows, summary
