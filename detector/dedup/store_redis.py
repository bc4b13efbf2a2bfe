"""Shared near-duplicate store: a Redis server, through datasketch's Redis storage.

Many crawler or service processes add and query one index at once. The
LSH buckets are datasketch's own ``MinHashLSH`` with ``storage_config``
``{"type": "redis", "basename": …}``, where the basename is fixed and
encodes the parameters (``NAME:lsh:<IndexParams.tag>``), so every process
with the same parameters finds the same buckets and a process with other
parameters can never write into them. Bulk loads go through datasketch's
insertion sessions (pipelined, ``buffer_size`` commands per round trip).

Keys under the prefix ``NAME`` (``?prefix=NAME`` in the spec, default
``spamdetect``)::

    NAME:params          the identity (JSON), written once with SET NX
    NAME:docs            hash  id -> JSON metadata (label, source, added, digest)
    NAME:sig             hash  id -> signature bytes (long texts)
    NAME:short           hash  id -> folded text (short texts)
    NAME:digest:<hex>    string -> id; SET NX: the exact-content claim
    NAME:block:<key>     set of ids sharing a short-text block
    NAME:lsh:<tag>…      datasketch's bucket keys

Adding claims the content digest with ``SET NX`` first and the id with
``HSETNX`` second, so two workers adding the same text (or the same id) at
once store it once; only the winner writes the signature and the buckets.
A process killed between the claims and the bucket writes leaves a
document that is counted but not findable by similarity (exact content
still matches); ``remove`` and re-``add`` repairs it.

Every operation first reads ``NAME:params``. If the server restarted
without persistence (or was flushed) the key is gone and the operation
raises :class:`~detector.errors.IndexError_` instead of silently answering
from an empty index; a server that is unreachable raises the same error
with the address. A restart *with* persistence is invisible: redis-py
reconnects on the next command.

An unreachable server must not stall a crawler: redis-py's default retry
policy (three attempts with exponential back-off) spends about 4.7 s on a
refused connection, on every document. The store retries once after
50 ms instead, and after a connection failure or timeout it fails fast
(the same ``IndexError_``, saying when it tries again) for ``cooldown``
seconds (``?cooldown=SECONDS``, default 2) before it touches the network
again. A check that uses the index then reports one error per document at
no cost, and recovers by itself when the server is back.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import numpy as np

from ..errors import IndexError_
from .index import Candidate, IndexParams, Record, short_block_keys


def _band_digest(data: bytes) -> bytes:
    """Shorten a datasketch band key to 8 bytes (xxh64)."""
    import xxhash

    return xxhash.xxh64_digest(data)


class _Sketch:
    """The part of a ``datasketch.MinHash`` that ``MinHashLSH`` reads."""

    __slots__ = ("hashvalues",)
    scheme = "affine32"

    def __init__(self, hashvalues: np.ndarray) -> None:
        self.hashvalues = hashvalues

    def __len__(self) -> int:
        return len(self.hashvalues)


#: Seconds an unreachable server is not contacted again (``?cooldown=``).
DEFAULT_COOLDOWN = 2.0


def _retry_policy() -> Any:
    """One retry after 50 ms (redis-py's default spends ~4.7 s on a refused connection)."""
    from redis.backoff import ConstantBackoff
    from redis.retry import Retry

    return Retry(ConstantBackoff(0.05), 1)


def _parse_spec(spec: str) -> tuple[dict[str, Any], str, float]:
    u = urlparse(spec)
    q = parse_qs(u.query)
    prefix = (q.get("prefix") or ["spamdetect"])[0]
    if not prefix or any(c.isspace() for c in prefix):
        raise IndexError_(f"index spec {spec!r}: invalid prefix {prefix!r}")
    raw_cooldown = (q.get("cooldown") or [str(DEFAULT_COOLDOWN)])[0]
    try:
        cooldown = float(raw_cooldown)
        if not 0 <= cooldown <= 3600:
            raise ValueError
    except ValueError:
        raise IndexError_(f"index spec {spec!r}: cooldown must be 0-3600 seconds, got {raw_cooldown!r}") from None
    cfg: dict[str, Any] = {}
    if u.scheme == "unix":
        cfg["unix_socket_path"] = u.path
        db = (q.get("db") or ["0"])[0]
    else:
        cfg["host"] = u.hostname or "127.0.0.1"
        cfg["port"] = u.port or 6379
        db = (u.path or "/0").lstrip("/") or "0"
        if u.scheme == "rediss":
            cfg["ssl"] = True
    if u.username:
        cfg["username"] = unquote(u.username)
    if u.password:
        cfg["password"] = unquote(u.password)
    try:
        cfg["db"] = int(db)
    except ValueError:
        raise IndexError_(f"index spec {spec!r}: database must be a number, got {db!r}") from None
    cfg["socket_timeout"] = 10
    cfg["socket_connect_timeout"] = 5
    return cfg, prefix, cooldown


class RedisStore:
    """Near-duplicate store on a Redis server (see the module docstring).

    Args:
        spec: ``redis://[user:password@]host:port/db?prefix=NAME``.
        params: The index identity.

    Raises:
        IndexError_: the ``redis`` package is missing or the server is unreachable.
        IndexParameterMismatch: the prefix holds an index with other parameters.
    """

    def __init__(self, spec: str, params: IndexParams) -> None:
        try:
            import redis
        except ImportError:  # pragma: no cover - depends on the environment
            raise IndexError_("the Redis index needs the 'redis' package: "
                              "pip install 'spamdetect[redis]'") from None
        from datasketch import MinHashLSH

        self._redis_mod = redis
        cfg, prefix, self.cooldown = _parse_spec(spec)
        cfg["retry"] = _retry_policy()
        self._down_until = 0.0
        self._down_reason = ""
        u = urlparse(spec)
        # Never echo a password in messages: keep only host and port.
        self.where = u._replace(netloc=(u.hostname or "") + (f":{u.port}" if u.port else "")).geturl()
        self.params = params
        self.prefix = prefix
        self._p = prefix.encode("utf-8")
        self._r = redis.Redis(**cfg)
        self._session_lock = threading.Lock()  # datasketch's session buffers are shared state
        self._params_json = json.dumps(params.to_dict(), sort_keys=True)
        self._guard(self._init_params)
        basename = self._p + b":lsh:" + params.tag.encode()
        self._lsh = self._guard(lambda: MinHashLSH(
            threshold=params.threshold, num_perm=params.num_perm,
            params=(params.bands, params.rows),
            storage_config={"type": "redis", "basename": basename, "redis": dict(cfg)},
            prepickle=False, hashfunc=_band_digest))

    # -- plumbing ---------------------------------------------------------
    def _k(self, *parts: str | bytes) -> bytes:
        return b":".join([self._p] + [p.encode() if isinstance(p, str) else p for p in parts])

    def _guard(self, fn):  # noqa: ANN001, ANN202
        wait = self._down_until - time.monotonic()
        if wait > 0:
            raise IndexError_(f"Redis index {self.where} is unreachable ({self._down_reason}); "
                              f"next attempt in {wait:.1f} s")
        try:
            return fn()
        except self._redis_mod.exceptions.ConnectionError as exc:
            self._mark_down(exc)
            raise IndexError_(f"Redis index {self.where} is unreachable: {exc}") from None
        except self._redis_mod.exceptions.TimeoutError as exc:
            self._mark_down(exc)
            raise IndexError_(f"Redis index {self.where} timed out: {exc}") from None
        except self._redis_mod.exceptions.ResponseError as exc:
            raise IndexError_(f"Redis index {self.where}: {exc}") from None

    def _mark_down(self, exc: Exception) -> None:
        self._down_reason = str(exc)[:200] or type(exc).__name__
        self._down_until = time.monotonic() + self.cooldown

    def _init_params(self) -> None:
        self._r.set(self._k("params"), self._params_json, nx=True)
        stored = self._r.get(self._k("params"))
        self.params.check(json.loads(stored), self.where)

    def _alive(self) -> None:
        stored = self._r.get(self._k("params"))
        if stored is None:
            raise IndexError_(
                f"Redis index {self.where}: the index metadata key is gone (server restarted "
                "without persistence, flushed, or the keys were evicted); the index is empty or "
                "incomplete. Rebuild it, or enable persistence and noeviction on the server")
        if stored.decode() != self._params_json:
            self.params.check(json.loads(stored), self.where)

    @staticmethod
    def _meta(rec: Record) -> str:
        return json.dumps({"label": rec.label, "source": rec.source, "added": rec.added,
                           "digest": rec.digest.hex(), "short": rec.sig is None},
                          ensure_ascii=False)

    # -- writing ----------------------------------------------------------
    def _claim(self, recs: list[Record]) -> list[bool]:
        """Claim digest then id for each record; returns who won."""
        pipe = self._r.pipeline(transaction=False)
        for rec in recs:
            pipe.set(self._k("digest", rec.digest.hex()), rec.id, nx=True)
        got_digest = pipe.execute()
        pipe = self._r.pipeline(transaction=False)
        idx = []
        for i, (rec, ok) in enumerate(zip(recs, got_digest, strict=False)):
            if ok:
                pipe.hsetnx(self._k("docs"), rec.id, self._meta(rec))
                idx.append(i)
        got_id = pipe.execute() if idx else []
        won = [False] * len(recs)
        undo = self._r.pipeline(transaction=False)
        for i, ok in zip(idx, got_id, strict=False):
            if ok:
                won[i] = True
            else:  # id taken: release the digest we just claimed
                undo.delete(self._k("digest", recs[i].digest.hex()))
        undo.execute()
        return won

    def _write(self, recs: list[Record], won: list[bool], session: Any) -> None:
        pipe = self._r.pipeline(transaction=False)
        for rec, ok in zip(recs, won, strict=False):
            if not ok:
                continue
            if rec.sig is not None:
                sig = np.ascontiguousarray(rec.sig, dtype="<u4")
                pipe.hset(self._k("sig"), rec.id, sig.tobytes())
                session.insert(rec.id.encode("utf-8"), _Sketch(sig.astype(np.uint32)),
                               check_duplication=False)
            else:
                pipe.hset(self._k("short"), rec.id, rec.short or "")
                for key in short_block_keys(rec.short or ""):
                    pipe.sadd(self._k("block", str(key)), rec.id)
        pipe.execute()

    class _Pipelined:
        """Writes one document's buckets with datasketch's own storage methods, in one pipeline.

        ``MinHashLSH.insert`` outside a session costs one round trip per
        bucket (33 for 16 bands); this calls the same per-storage
        ``_insert`` methods on a pipeline instead, so the key layout stays
        datasketch's while a single add costs one round trip.
        """

        def __init__(self, lsh: Any, pipe: Any) -> None:
            self.lsh = lsh
            self.pipe = pipe

        def insert(self, key: bytes, sk: _Sketch, check_duplication: bool = False) -> None:
            lsh = self.lsh
            hs = [lsh._H(sk.hashvalues[a:b]) for a, b in lsh.hashranges]
            lsh.keys._insert(self.pipe, key, *hs)
            for h, table in zip(hs, lsh.hashtables, strict=True):
                table._insert(self.pipe, h, key)

    def add(self, rec: Record) -> bool:
        """Claim and store one record."""
        def run() -> bool:
            self._alive()
            won = self._claim([rec])
            if won[0]:
                pipe = self._r.pipeline(transaction=True)
                self._write([rec], won, self._Pipelined(self._lsh, pipe))
                pipe.execute()
            return won[0]
        return self._guard(run)

    def add_many(self, recs: list[Record]) -> list[bool]:
        """Claim a batch in two pipelines, then insert through an insertion session."""
        if not recs:
            return []

        def run() -> list[bool]:
            self._alive()
            won = self._claim(recs)
            with self._session_lock, self._lsh.insertion_session(
                    buffer_size=max(len(recs) * 20, 1000)) as session:
                self._write(recs, won, session)
            return won
        return self._guard(run)

    def remove(self, doc_id: str) -> bool:
        """Remove a document from the buckets and every key."""
        def run() -> bool:
            self._alive()
            raw = self._r.hget(self._k("docs"), doc_id)
            if raw is None:
                return False
            meta = json.loads(raw)
            key = doc_id.encode("utf-8")
            if not meta.get("short"):
                if key in self._lsh:
                    self._lsh.remove(key)
            else:
                short = self._r.hget(self._k("short"), doc_id)
                for k in short_block_keys(short.decode() if short else ""):
                    self._r.srem(self._k("block", str(k)), doc_id)
            pipe = self._r.pipeline(transaction=True)
            pipe.hdel(self._k("sig"), doc_id)
            pipe.hdel(self._k("short"), doc_id)
            pipe.delete(self._k("digest", meta["digest"]))
            pipe.hdel(self._k("docs"), doc_id)
            res = pipe.execute()
            return bool(res[-1])
        return self._guard(run)

    # -- reading ----------------------------------------------------------
    def _fetch(self, ids: list[str]) -> list[Candidate]:
        if not ids:
            return []
        pipe = self._r.pipeline(transaction=False)
        pipe.hmget(self._k("docs"), ids)
        pipe.hmget(self._k("sig"), ids)
        pipe.hmget(self._k("short"), ids)
        metas, sigs, shorts = pipe.execute()
        out = []
        for i, m, s, sh in zip(ids, metas, sigs, shorts, strict=False):
            if m is None:
                continue  # removed meanwhile
            meta = json.loads(m)
            out.append(Candidate(i, meta["label"], bytes.fromhex(meta["digest"]),
                                 None if s is None else np.frombuffer(s, dtype="<u4"),
                                 None if sh is None else sh.decode()))
        return out

    def candidates(self, keys: list[int], sig: np.ndarray | None) -> list[Candidate]:
        """Documents sharing a datasketch LSH bucket with ``sig``, or a short block."""
        def run() -> list[Candidate]:
            pipe = self._r.pipeline(transaction=False)
            pipe.get(self._k("params"))
            if sig is not None:
                # The buckets MinHashLSH.query reads, in one round trip.
                lsh = self._lsh
                sig32 = np.ascontiguousarray(sig, dtype=np.uint32)
                for (a, b), table in zip(lsh.hashranges, lsh.hashtables, strict=True):
                    pipe.smembers(table.redis_key(lsh._H(sig32[a:b])))
            else:
                for k in keys:
                    pipe.smembers(self._k("block", str(k)))
            res = pipe.execute()
            if res[0] is None or res[0].decode() != self._params_json:
                self._alive()  # raises the right error
            ids = sorted({m.decode("utf-8") for s in res[1:] for m in s})
            return self._fetch(ids)
        return self._guard(run)

    def by_digest(self, digest: bytes) -> Candidate | None:
        """The document holding this exact content."""
        def run() -> Candidate | None:
            self._alive()
            doc_id = self._r.get(self._k("digest", digest.hex()))
            if doc_id is None:
                return None
            got = self._fetch([doc_id.decode()])
            return got[0] if got else None
        return self._guard(run)

    def contains(self, doc_id: str) -> bool:
        """True if the id is stored."""
        return bool(self._guard(lambda: (self._alive(), self._r.hexists(self._k("docs"), doc_id))[1]))

    def get(self, doc_id: str) -> dict[str, Any] | None:
        """Metadata of one document."""
        raw = self._guard(lambda: (self._alive(), self._r.hget(self._k("docs"), doc_id))[1])
        if raw is None:
            return None
        meta = json.loads(raw)
        return {"id": doc_id, **meta}

    def count(self) -> int:
        """Number of documents."""
        return int(self._guard(lambda: (self._alive(), self._r.hlen(self._k("docs")))[1]))

    def stats(self) -> dict[str, Any]:
        """Server memory and this index's key count."""
        def run() -> dict[str, Any]:
            info = self._r.info("memory")
            return {"redis_used_memory": info.get("used_memory"), "time": time.time()}
        return self._guard(run)

    def close(self) -> None:
        """Close the connection pools."""
        try:
            self._r.close()
            for st in [self._lsh.keys, *self._lsh.hashtables]:
                st._redis.close()
        except Exception:  # noqa: BLE001 - closing must not raise
            pass
