"""Near-duplicate detection: the dedup view, MinHash, LSH and the index stores.

Public entry points::

    from detector.dedup import open_index
    idx = open_index("sqlite:.spamdetect/index.db")   # or "redis://host:6379/0?prefix=NAME"
    idx.add("doc-1", text, label="spam")               # False if id / content already there
    idx.query(other_text)                              # [NearDuplicate(id, similarity, label)]

Modules: :mod:`.shingles` (folding and shingles), :mod:`.minhash`
(datasketch-identical vectorised MinHash), :mod:`.lsh` (banding, S-curve),
:mod:`.index` (:class:`NearDupIndex`, :func:`open_index`),
:mod:`.store_sqlite`, :mod:`.store_redis`. Nothing is imported or built
until used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .index import IndexParams, NearDupIndex, open_index

__all__ = ["IndexParams", "NearDupIndex", "open_index"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import index

        return getattr(index, name)
    raise AttributeError(name)
