"""The near-duplicate index: one interface over an SQLite file or a Redis server.

:func:`open_index` takes a spec and returns a :class:`NearDupIndex`:

``sqlite:PATH``
    An embedded SQLite file (created on first use). See
    :mod:`detector.dedup.store_sqlite`.
``redis://host:port/db?prefix=NAME``
    A Redis server shared by many processes, through datasketch's Redis
    storage. See :mod:`detector.dedup.store_redis`.

What the index does with a text (the same in both stores):

1. fold it with :func:`~detector.dedup.shingles.normalize` and take a
   16-byte BLAKE2b digest of the folded text (the *content digest*);
2. folded texts of at least ``min_chars`` characters get a MinHash
   signature of their character k-grams; candidates come from LSH bands
   and count only when their estimated Jaccard similarity reaches the
   threshold;
3. shorter texts have too few shingles for MinHash: they are matched by
   exact digest, and by rapidfuzz ``ratio`` against candidates sharing
   their first or last 8 folded characters ("blocks").

An exact content match is always reported with similarity 1.0.
:meth:`NearDupIndex.add` refuses (returns False) a document whose id or
whose exact folded content is already indexed, so re-running a load skips
what is there, and two processes adding the same text at once store it
once.

Every parameter that changes what is stored (the dedup view version, k,
permutations, seed, scheme, shingle hash, banding, threshold, short-text
settings) is the index's identity (:class:`IndexParams`). Each store
records it when created and refuses to open with different parameters,
raising :class:`~detector.errors.IndexParameterMismatch` that names them.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

import numpy as np

from ..errors import IndexError_, IndexParameterMismatch
from ..verdict import NearDuplicate
from .lsh import DEFAULT_BANDING, band_keys, candidate_probability
from .minhash import MinHasher
from .shingles import DEDUP_VIEW_VERSION, DEFAULT_K, MIN_SHINGLE_CHARS, normalize

#: Labels a document may carry.
LABELS = ("spam", "ham", "unknown")

#: Name of the shingle hash (see :func:`detector.dedup.minhash.shingle_hash`).
SHINGLE_HASH = "fmix32-poly32-v1"

#: Characters at each end of a short text used as its blocks.
_BLOCK_CHARS = 8


@dataclass(frozen=True)
class IndexParams:
    """Everything that fixes what an index stores: its identity.

    Attributes:
        view_version: Version of the dedup folding.
        k: Shingle length in characters.
        num_perm: MinHash permutations.
        seed: MinHash seed (datasketch's ``seed``).
        scheme: datasketch permutation scheme.
        shingle_hash: Name of the shingle hash function.
        bands: LSH bands.
        rows: Rows (signature slots) per band.
        threshold: Estimated Jaccard similarity at which a candidate counts.
        min_chars: Folded texts shorter than this use the short-text path.
        short_threshold: rapidfuzz ratio (0–1) at which a short text counts.
    """

    view_version: int = DEDUP_VIEW_VERSION
    k: int = DEFAULT_K
    num_perm: int = 128
    seed: int = 1
    scheme: str = "affine32"
    shingle_hash: str = SHINGLE_HASH
    bands: int = DEFAULT_BANDING[0]
    rows: int = DEFAULT_BANDING[1]
    threshold: float = 0.8
    min_chars: int = MIN_SHINGLE_CHARS
    short_threshold: float = 0.9

    def __post_init__(self) -> None:
        if self.bands * self.rows > self.num_perm or self.bands < 1 or self.rows < 1:
            raise ValueError(f"bands × rows ({self.bands}×{self.rows}) must fit in num_perm "
                             f"({self.num_perm})")
        if not 0.0 < self.threshold <= 1.0 or not 0.0 < self.short_threshold <= 1.0:
            raise ValueError("thresholds must be in (0, 1]")

    def to_dict(self) -> dict[str, Any]:
        """The identity as a JSON-ready dict."""
        return asdict(self)

    @property
    def tag(self) -> str:
        """A short string naming the identity (used in Redis key names)."""
        return (f"v{self.view_version}-k{self.k}-p{self.num_perm}-s{self.seed}-{self.scheme}-"
                f"{self.shingle_hash}-b{self.bands}r{self.rows}-t{self.threshold:g}-"
                f"m{self.min_chars}-st{self.short_threshold:g}")

    def check(self, stored: Mapping[str, Any], where: str) -> None:
        """Raise :class:`IndexParameterMismatch` if ``stored`` differs from these."""
        mine = self.to_dict()
        diffs = [f"{k}: index has {stored.get(k)!r}, requested {v!r}"
                 for k, v in mine.items() if stored.get(k) != v]
        diffs += [f"{k}: index has {v!r}, unknown here" for k, v in stored.items() if k not in mine]
        if diffs:
            raise IndexParameterMismatch(
                f"near-duplicate index {where} was built with different parameters ("
                + "; ".join(diffs) + "); open it with the parameters it was built with, "
                "or build a new index")


@dataclass
class Record:
    """One document as a store keeps it.

    Attributes:
        id: Caller's document id.
        digest: 16-byte digest of the folded text.
        label: ``spam``, ``ham`` or ``unknown``.
        source: Where the document came from (URL, file), optional.
        added: Unix time it was added.
        sig: MinHash signature (long texts), else None.
        short: The folded text (short texts), else None.
    """

    id: str
    digest: bytes
    label: str = "unknown"
    source: str | None = None
    added: float = field(default_factory=time.time)
    sig: np.ndarray | None = None
    short: str | None = None


@dataclass
class Candidate:
    """A stored document returned by a store for verification."""

    id: str
    label: str
    digest: bytes
    sig: np.ndarray | None = None
    short: str | None = None


class Store(Protocol):
    """What a storage backend provides (SQLite and Redis implement it)."""

    where: str

    def add(self, rec: Record) -> bool:
        """Store one record; False if its id or digest is already stored."""

    def add_many(self, recs: list[Record]) -> list[bool]:
        """Store records in bulk, committing in batches."""

    def candidates(self, keys: list[int], sig: np.ndarray | None) -> list[Candidate]:
        """Documents sharing any LSH band (``sig``) or short-text block key (``keys``)."""

    def by_digest(self, digest: bytes) -> Candidate | None:
        """The document with this exact content digest, if any."""

    def remove(self, doc_id: str) -> bool:
        """Remove a document; False if absent."""

    def contains(self, doc_id: str) -> bool:
        """True if ``doc_id`` is stored."""

    def get(self, doc_id: str) -> dict[str, Any] | None:
        """Metadata of a stored document."""

    def count(self) -> int:
        """Number of stored documents."""

    def stats(self) -> dict[str, Any]:
        """Store facts (size on disk or in memory, …)."""

    def close(self) -> None:
        """Release connections."""


def content_digest(norm: str) -> bytes:
    """16-byte BLAKE2b digest of a folded text (the exact-content identity)."""
    return hashlib.blake2b(norm.encode("utf-8"), digest_size=16).digest()


def short_block_keys(norm: str) -> list[int]:
    """Block keys of a short folded text: its first and last 8 characters."""
    import xxhash

    if not norm:
        return []
    keys = []
    for tag, part in ((b"head", norm[:_BLOCK_CHARS]), (b"tail", norm[-_BLOCK_CHARS:])):
        h = xxhash.xxh64_intdigest(tag + part.encode("utf-8"), seed=0x5EED)
        keys.append(h - (1 << 64) if h >= (1 << 63) else h)
    return keys


class NearDupIndex:
    """A near-duplicate index over one store. Build it with :func:`open_index`.

    Args:
        store: The storage backend.
        params: The index identity (already checked by the store).

    Examples:
        >>> import tempfile, os
        >>> path = os.path.join(tempfile.mkdtemp(), "i.db")
        >>> idx = open_index(f"sqlite:{path}")
        >>> text = "今天我们一起讨论网络借贷平台逾期之后如何与客服协商还款的问题" * 3
        >>> idx.add("a", text, label="spam")
        True
        >>> idx.add("b", text)          # same content, another id
        False
        >>> [(d.id, d.similarity, d.label) for d in idx.query(text + "。")]
        [('a', 1.0, 'spam')]
        >>> idx.close()
    """

    def __init__(self, store: Store, params: IndexParams) -> None:
        self.store = store
        self.params = params
        self.hasher = MinHasher(params.num_perm, params.seed, params.k)
        self._closed = False

    # -- helpers ----------------------------------------------------------
    def record(self, doc_id: str, text: str | None, label: str = "unknown",
               source: str | None = None, *, norm: str | None = None,
               sig: np.ndarray | None = None) -> Record:
        """Build the :class:`Record` that :meth:`add` stores (``norm``/``sig`` if known)."""
        if not isinstance(doc_id, str) or not doc_id:
            raise ValueError("doc_id must be a non-empty string")
        if label not in LABELS:
            raise ValueError(f"label must be one of {', '.join(LABELS)}, got {label!r}")
        if norm is None:
            norm = normalize(text if isinstance(text, str) else str(text or ""))
        rec = Record(id=doc_id, digest=content_digest(norm), label=label, source=source)
        if len(norm) >= self.params.min_chars:
            rec.sig = self.hasher.signature(norm) if sig is None else sig
        else:
            rec.short = norm
        return rec

    def _check_open(self) -> None:
        if self._closed:
            raise IndexError_("the near-duplicate index is closed")

    # -- public API -------------------------------------------------------
    def add(self, doc_id: str, text: str, *, label: str = "unknown",
            source: str | None = None) -> bool:
        """Add a document.

        Args:
            doc_id: Caller's id (unique in the index).
            text: The document text (folded here; pass the raw text).
            label: ``spam``, ``ham`` or ``unknown``.
            source: Where it came from (URL, file name), optional.

        Returns:
            True if stored; False when the id or the exact folded content is
            already indexed (nothing changes then).

        Raises:
            ValueError: empty id or unknown label.
            IndexError_: the store cannot be used (e.g. Redis unreachable).
        """
        self._check_open()
        return self.store.add(self.record(doc_id, text, label, source))

    def add_record(self, rec: Record) -> bool:
        """Store a record built by :meth:`record` (lets callers reuse a signature)."""
        self._check_open()
        return self.store.add(rec)

    def add_many(self, docs: Iterable[Mapping[str, Any] | tuple[str, str]], *,
                 label: str = "unknown", batch: int = 1000) -> Iterator[tuple[str, bool]]:
        """Add many documents, committing every ``batch`` documents.

        Args:
            docs: ``{"id", "text", "label"?, "source"?}`` mappings or
                ``(id, text)`` pairs; consumed lazily (bounded memory).
            label: Label for documents that carry none.
            batch: Documents per commit (SQLite transaction, Redis pipeline).

        Yields:
            ``(id, added)`` for every document, in input order, after the
            batch holding it is committed. Memory stays bounded.
        """
        self._check_open()
        pending: list[Record] = []

        def flush() -> Iterator[tuple[str, bool]]:
            results = self.store.add_many(pending)
            out = [(r.id, ok) for r, ok in zip(pending, results, strict=False)]
            pending.clear()
            return iter(out)

        for d in docs:
            if isinstance(d, tuple):
                doc_id, text, lab, src = d[0], d[1], label, None
            else:
                doc_id, text = str(d["id"]), d.get("text") or ""
                lab = d.get("label") or label
                src = d.get("source") or d.get("url")
            pending.append(self.record(doc_id, text, lab, src))
            if len(pending) >= batch:
                yield from flush()
        if pending:
            yield from flush()

    def query(self, text: str, *, limit: int = 10) -> list[NearDuplicate]:
        """Indexed documents that ``text`` nearly duplicates, most similar first.

        Args:
            text: The document text.
            limit: Most results to return.

        Returns:
            :class:`~detector.verdict.NearDuplicate` items with the estimated
            Jaccard similarity (long texts), rapidfuzz ratio (short texts) or
            1.0 (exact folded content).
        """
        self._check_open()
        norm = normalize(text if isinstance(text, str) else str(text))
        return [nd for nd, _ in self.matches(norm, limit=limit)]

    def matches(self, norm: str, *, limit: int = 10, sig: np.ndarray | None = None,
                digest: bytes | None = None) -> list[tuple[NearDuplicate, bytes]]:
        """Like :meth:`query` for an already folded text, with each match's content digest.

        Args:
            norm: Text folded by :func:`~detector.dedup.shingles.normalize`.
            limit: Most results.
            sig: Its signature, if already computed.
            digest: Its content digest, if already computed.
        """
        self._check_open()
        if not norm:
            return []
        p = self.params
        found: dict[str, tuple[NearDuplicate, bytes]] = {}
        exact = self.store.by_digest(digest or content_digest(norm))
        if exact is not None:
            found[exact.id] = (NearDuplicate(exact.id, 1.0, exact.label), exact.digest)
        if len(norm) >= p.min_chars:
            if sig is None:
                sig = self.hasher.signature(norm)
            for c in self.store.candidates([], sig):
                if c.id in found or c.sig is None:
                    continue
                s = MinHasher.jaccard(sig, c.sig)
                if s >= p.threshold:
                    found[c.id] = (NearDuplicate(c.id, round(s, 4), c.label), c.digest)
        else:
            from rapidfuzz.fuzz import ratio

            for c in self.store.candidates(short_block_keys(norm), None):
                if c.id in found or c.short is None:
                    continue
                s = ratio(norm, c.short) / 100.0
                if s >= p.short_threshold:
                    found[c.id] = (NearDuplicate(c.id, round(s, 4), c.label), c.digest)
        out = sorted(found.values(), key=lambda m: (-m[0].similarity, m[0].id))
        return out[: max(limit, 0)]

    def remove(self, doc_id: str) -> bool:
        """Remove a document by id; False if it was not indexed."""
        self._check_open()
        return self.store.remove(doc_id)

    def __contains__(self, doc_id: object) -> bool:
        self._check_open()
        return isinstance(doc_id, str) and self.store.contains(doc_id)

    def get(self, doc_id: str) -> dict[str, Any] | None:
        """Metadata of an indexed document (id, label, source, added, digest)."""
        self._check_open()
        return self.store.get(doc_id)

    def __len__(self) -> int:
        self._check_open()
        return self.store.count()

    def stats(self) -> dict[str, Any]:
        """Counts, parameters, S-curve points and store facts."""
        self._check_open()
        p = self.params
        return {
            "where": self.store.where,
            "documents": self.store.count(),
            "params": p.to_dict(),
            "s_curve": {f"{s:.2f}": round(candidate_probability(s, p.bands, p.rows), 4)
                        for s in (0.6, 0.7, 0.8, 0.85, 0.9)},
            **self.store.stats(),
        }

    def close(self) -> None:
        """Close the store (idempotent)."""
        if not self._closed:
            self._closed = True
            self.store.close()

    def __enter__(self) -> NearDupIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"NearDupIndex({self.store.where!r})"

    # used by stores
    def band_keys(self, sig: np.ndarray) -> list[int]:
        """LSH band keys of a signature under this index's banding."""
        return band_keys(sig, self.params.bands, self.params.rows)


def open_index(spec: str, *, params: IndexParams | None = None) -> NearDupIndex:
    """Open (creating if needed) the index named by ``spec``.

    Args:
        spec: ``sqlite:PATH`` or ``redis://host:port/db?prefix=NAME``.
        params: Index parameters (default :class:`IndexParams`); an existing
            index built with other parameters is refused.

    Returns:
        The open :class:`NearDupIndex`.

    Raises:
        IndexError_: unknown spec, unreadable file, unreachable server.
        IndexParameterMismatch: the index exists with other parameters.
    """
    params = params or IndexParams()
    if not isinstance(spec, str) or not spec.strip():
        raise IndexError_("empty index spec; use sqlite:PATH or redis://host:port/db?prefix=NAME")
    spec = spec.strip()
    if spec.startswith("sqlite:"):
        from .store_sqlite import SQLiteStore

        path = spec[len("sqlite:"):]
        if path.startswith("//"):
            path = path[2:]
        if not path:
            raise IndexError_(f"index spec {spec!r}: missing path after 'sqlite:'")
        return NearDupIndex(SQLiteStore(path, params), params)
    if spec.startswith(("redis://", "rediss://", "unix://")):
        from .store_redis import RedisStore

        return NearDupIndex(RedisStore(spec, params), params)
    raise IndexError_(f"unknown index spec {spec!r}; use sqlite:PATH or "
                      "redis://host:port/db?prefix=NAME")
