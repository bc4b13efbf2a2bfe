"""Embedded near-duplicate store: one SQLite file.

Schema::

    meta(key TEXT PRIMARY KEY, value TEXT)        -- "params": the identity (JSON)
    docs(n INTEGER PRIMARY KEY, id TEXT UNIQUE, digest BLOB UNIQUE,
         label TEXT, source TEXT, added REAL, sig BLOB, short TEXT)
    bands(key INTEGER, doc INTEGER, PRIMARY KEY (key, doc)) WITHOUT ROWID

``bands`` holds one row per LSH band of every long document (key = xxh64
of band number and band bytes) and one row per block of every short
document; being clustered on ``(key, doc)`` a query is one index range scan
per band, all bands in one statement. ``docs.sig`` is the 4·num_perm-byte
signature, ``docs.short`` the folded text of a short document.

Concurrency and crash safety: the file is in WAL mode, so readers never
block the writer or each other, and writers from several processes queue
on SQLite's lock (``busy_timeout`` 30 s). Threads share one connection
behind a lock; a forked child reopens its own connection on first use. Every add is one transaction and
:meth:`SQLiteStore.add_many` commits a batch at a time, so a crash or
``kill -9`` in the middle of a bulk load leaves every committed batch
intact and nothing half-written (SQLite rolls the open transaction back on
the next open). ``synchronous=NORMAL`` in WAL mode survives process crashes
with no loss; after an operating-system crash or power cut the last
transactions before it may be missing, never corrupted.

The identity (:class:`~detector.dedup.index.IndexParams`) is written when
the file is created and compared on every open; a mismatch raises
:class:`~detector.errors.IndexParameterMismatch`.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from typing import Any

import numpy as np

from ..errors import IndexError_
from .index import Candidate, IndexParams, Record
from .lsh import band_keys

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs(
    n INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    digest BLOB NOT NULL UNIQUE,
    label TEXT NOT NULL,
    source TEXT,
    added REAL NOT NULL,
    sig BLOB,
    short TEXT
);
CREATE TABLE IF NOT EXISTS bands(
    key INTEGER NOT NULL,
    doc INTEGER NOT NULL,
    PRIMARY KEY (key, doc)
) WITHOUT ROWID;
"""

_FORMAT = "spamdetect-neardup-sqlite-1"


class SQLiteStore:
    """Near-duplicate store in one SQLite file (see the module docstring).

    Args:
        path: File path (created with its parent directory if missing).
        params: The index identity.

    Raises:
        IndexError_: the file cannot be opened or is not an index.
        IndexParameterMismatch: the file was built with other parameters.
    """

    def __init__(self, path: str | os.PathLike[str], params: IndexParams) -> None:
        self.path = os.fspath(path)
        self.where = f"sqlite:{self.path}"
        self.params = params
        self._lock = threading.RLock()
        parent = os.path.dirname(os.path.abspath(self.path))
        try:
            os.makedirs(parent, exist_ok=True)
        except OSError as exc:
            raise IndexError_(f"cannot open index file {self.path}: {exc}") from None
        self._connect()
        try:
            self._init()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise IndexError_(f"{self.path} is not a usable index file: {exc}") from None

    def _connect(self) -> None:
        try:
            self._db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None,
                                       check_same_thread=False)
            self._db.execute("PRAGMA busy_timeout = 30000")
            self._db.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.Error as exc:
            raise IndexError_(f"cannot open index file {self.path}: {exc}") from None
        self._pid = os.getpid()

    def _conn(self) -> sqlite3.Connection:
        """The connection, reopened in a forked child (SQLite connections must not cross fork)."""
        if self._pid != os.getpid():
            # Keep the inherited connection referenced so it is never closed (closing it in
            # the child could checkpoint or unlink files the parent is using).
            self._inherited = self._db
            self._lock = threading.RLock()
            self._connect()
        return self._db

    def _init(self) -> None:
        db = self._db
        mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise IndexError_(f"{self.path}: cannot switch to WAL journal mode (got {mode})")
        want = json.dumps(self.params.to_dict(), sort_keys=True)
        db.execute("BEGIN IMMEDIATE")
        try:
            for stmt in _SCHEMA.split(";"):
                if stmt.strip():
                    db.execute(stmt)
            db.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('format', ?)", (_FORMAT,))
            db.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('params', ?)", (want,))
            rows = dict(db.execute("SELECT key, value FROM meta").fetchall())
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        if rows.get("format") != _FORMAT:
            raise IndexError_(f"{self.path} is not a spamdetect index (format {rows.get('format')!r})")
        self.params.check(json.loads(rows["params"]), self.where)

    # -- writing ----------------------------------------------------------
    def _keys(self, rec: Record) -> list[int]:
        if rec.sig is not None:
            return band_keys(rec.sig, self.params.bands, self.params.rows)
        from .index import short_block_keys

        return short_block_keys(rec.short or "")

    def _insert(self, rec: Record) -> bool:
        db = self._conn()
        cur = db.execute(
            "INSERT OR IGNORE INTO docs(id, digest, label, source, added, sig, short) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (rec.id, rec.digest, rec.label, rec.source, rec.added,
             None if rec.sig is None else np.ascontiguousarray(rec.sig, dtype="<u4").tobytes(),
             rec.short))
        if cur.rowcount != 1:
            return False
        n = cur.lastrowid
        db.executemany("INSERT OR IGNORE INTO bands(key, doc) VALUES (?, ?)",
                       [(k, n) for k in self._keys(rec)])
        return True

    def _txn(self, recs: list[Record]) -> list[bool]:
        db = self._conn()
        with self._lock:
            try:
                db.execute("BEGIN IMMEDIATE")
                try:
                    out = [self._insert(r) for r in recs]
                    db.execute("COMMIT")
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                raise IndexError_(f"index {self.path}: write failed: {exc}") from None
            return out

    def add(self, rec: Record) -> bool:
        """Store one record in its own transaction."""
        return self._txn([rec])[0]

    def add_many(self, recs: list[Record]) -> list[bool]:
        """Store records in one transaction."""
        return self._txn(recs) if recs else []

    def remove(self, doc_id: str) -> bool:
        """Remove a document and its band rows."""
        db = self._conn()
        with self._lock:
            try:
                db.execute("BEGIN IMMEDIATE")
                try:
                    row = db.execute("SELECT n, sig, short FROM docs WHERE id = ?", (doc_id,)).fetchone()
                    if row is None:
                        db.execute("COMMIT")
                        return False
                    n, sig, short = row
                    rec = Record(id=doc_id, digest=b"", sig=None if sig is None else
                                 np.frombuffer(sig, dtype="<u4"), short=short)
                    db.executemany("DELETE FROM bands WHERE key = ? AND doc = ?",
                                   [(k, n) for k in self._keys(rec)])
                    db.execute("DELETE FROM docs WHERE n = ?", (n,))
                    db.execute("COMMIT")
                    return True
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                raise IndexError_(f"index {self.path}: remove failed: {exc}") from None

    # -- reading ----------------------------------------------------------
    def _read(self, sql: str, args: tuple[Any, ...] | list[Any]) -> list[tuple[Any, ...]]:
        db = self._conn()
        with self._lock:
            try:
                return db.execute(sql, args).fetchall()
            except sqlite3.Error as exc:
                raise IndexError_(f"index {self.path}: read failed: {exc}") from None

    @staticmethod
    def _cand(row: tuple[Any, ...]) -> Candidate:
        doc_id, label, digest, sig, short = row
        return Candidate(doc_id, label, digest,
                         None if sig is None else np.frombuffer(sig, dtype="<u4"), short)

    def candidates(self, keys: list[int], sig: np.ndarray | None) -> list[Candidate]:
        """Documents sharing a band of ``sig`` or one of the block ``keys``."""
        if sig is not None:
            keys = band_keys(sig, self.params.bands, self.params.rows)
        if not keys:
            return []
        marks = ",".join("?" * len(keys))
        rows = self._read(
            "SELECT d.id, d.label, d.digest, d.sig, d.short FROM docs d WHERE d.n IN "
            f"(SELECT doc FROM bands WHERE key IN ({marks}))", keys)
        return [self._cand(r) for r in rows]

    def by_digest(self, digest: bytes) -> Candidate | None:
        """The document with this content digest."""
        rows = self._read("SELECT id, label, digest, sig, short FROM docs WHERE digest = ?", (digest,))
        return self._cand(rows[0]) if rows else None

    def contains(self, doc_id: str) -> bool:
        """True if the id is stored."""
        return bool(self._read("SELECT 1 FROM docs WHERE id = ?", (doc_id,)))

    def get(self, doc_id: str) -> dict[str, Any] | None:
        """Metadata of one document."""
        rows = self._read("SELECT id, label, source, added, digest, sig IS NULL FROM docs "
                          "WHERE id = ?", (doc_id,))
        if not rows:
            return None
        i, label, source, added, digest, is_short = rows[0]
        return {"id": i, "label": label, "source": source, "added": added,
                "digest": digest.hex(), "short": bool(is_short)}

    def count(self) -> int:
        """Number of documents."""
        return int(self._read("SELECT count(*) FROM docs", ())[0][0])

    def stats(self) -> dict[str, Any]:
        """Labels and file size."""
        labels = dict(self._read("SELECT label, count(*) FROM docs GROUP BY label", ()))
        size = sum(os.path.getsize(p) for p in (self.path, self.path + "-wal")
                   if os.path.exists(p))
        return {"labels": labels, "bytes": size}

    def close(self) -> None:
        """Close the connection (checkpointing the WAL when possible)."""
        with self._lock:
            try:
                self._db.close()
            except sqlite3.Error:  # pragma: no cover
                pass
