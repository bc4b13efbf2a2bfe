"""Builtin ``neardup`` check: look the document up in the near-duplicate index.

A plugin on the public hooks, like every builtin check. The index comes
from the configuration: the top-level ``index`` key (or a site profile's),
set by ``spamdetect.toml``, ``Detector(index=SPEC)`` or ``check --index
SPEC``. When no profile configures an index the check is not even
registered, so it costs nothing; a profile without one skips it at once.

For each document it folds the text (the dedup view), queries the index
and reports:

``DUP_NEAR_SPAM``
    the best near-duplicate labelled ``spam``; weight
    ``index.spam_weight`` × similarity (default 12 × s: 9.6, ``review``, at
    the 0.8 threshold; ``reject`` on its own from s ≈ 0.84, so a moderator who
    rejected one copy does not see the next hundred);
``DUP_REPOST``
    a near-duplicate of an already indexed document not labelled spam (a
    repost); weight ``index.repost_weight``, 0 by default (informational).

Every match, up to ``index.limit``, is listed in ``verdict.near_duplicates``
as ``{id, similarity, label}``. Matches whose id or content digest (hex) is
in ``index.allowlist`` never produce a hit (they are still listed), and a
document whose own digest is allowlisted produces none at all.

With ``index.learn`` on (``check --learn``) every checked document is added
to the index after its verdict (``spamdetect_on_verdict``), labelled from
``doc.meta["label"]`` (``unknown`` if absent) with id ``doc.id`` or, without
one, ``sha:<content digest>``; reusing the signature computed for the query.
An index failure while learning is reported in ``verdict.errors``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from detector import hookimpl
from detector.check import Check, RuleInfo
from detector.config import Config, ConfigSpec, Profile
from detector.document import Document, StashKey
from detector.errors import DetectorError
from detector.verdict import Evidence, Hit, NearDuplicate, Verdict

RULES = (
    RuleInfo("DUP_NEAR_SPAM", "neardup", 12.0,
             "与已知垃圾内容(索引中标为 spam 的文档)近似重复",
             "Near-duplicate of a known spam document in the index",
             source="check:neardup", target="dedup"),
    RuleInfo("DUP_REPOST", "neardup", 0.0,
             "与索引中已有的文档近似重复(转载/重复发布)",
             "Near-duplicate of a document already in the index (a repost)",
             source="check:neardup", target="dedup"),
)

#: How many characters of the document start the evidence span shows.
_EVIDENCE_CHARS = 100


@dataclass
class _State:
    """What the check leaves on a document for the verdict hooks."""

    index: Any
    norm: str
    digest: bytes
    sig: Any
    matches: list[NearDuplicate]


_STATE = StashKey[_State]()


def _float(v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ValueError(f"expected a number, got {v!r}")
    return float(v)


def _unit(v: Any) -> float:
    f = _float(v)
    if not 0.0 <= f <= 1.0:
        raise ValueError(f"expected a number between 0 and 1, got {v!r}")
    return f


def _bool(v: Any) -> bool:
    if not isinstance(v, bool):
        raise ValueError(f"expected true or false, got {v!r}")
    return v


def _str_list(v: Any) -> list[str]:
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise ValueError(f"expected a list of strings, got {v!r}")
    return v


def _limit(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        raise ValueError(f"expected a non-negative integer, got {v!r}")
    return v


class NearDupCheck(Check):
    """Query the near-duplicate index configured for the document's profile."""

    name = "neardup"
    rules = RULES

    def __init__(self, config: Config) -> None:
        self.config = config
        self._indexes: dict[str, Any] = {}
        self._lock = threading.Lock()
        self.threshold = float(config.option("index.threshold", 0.8))
        self.spam_weight = float(config.option("index.spam_weight", 12.0))
        self.repost_weight = float(config.option("index.repost_weight", 0.0))
        self.allowlist = frozenset(x.lower() for x in config.option("index.allowlist", []) or [])
        self.limit = int(config.option("index.limit", 10))

    # -- the index ----------------------------------------------------------
    def index_for(self, profile: Profile) -> Any:
        """The open index for ``profile`` (opened on first use), or None."""
        spec = profile.index
        if not spec:
            return None
        idx = self._indexes.get(spec)
        if idx is None:
            with self._lock:
                idx = self._indexes.get(spec)
                if idx is None:
                    from detector.dedup import open_index

                    idx = open_index(spec)
                    self._indexes[spec] = idx
        return idx

    def close(self) -> None:
        """Close every index this check opened."""
        with self._lock:
            for idx in self._indexes.values():
                idx.close()
            self._indexes.clear()

    def _allowed(self, doc_id: str, digest: bytes) -> bool:
        return doc_id.lower() in self.allowlist or digest.hex() in self.allowlist

    # -- checking -----------------------------------------------------------
    def run(self, doc: Document) -> Iterable[Hit]:
        """Query the index; stash the matches for ``near_duplicates``."""
        profile = self.config.profile(doc.site)
        if not profile.index:
            return []
        idx = self.index_for(profile)
        from detector.dedup.index import content_digest
        from detector.dedup.shingles import normalize

        norm = normalize(doc.text)
        digest = content_digest(norm)
        sig = idx.hasher.signature(norm) if len(norm) >= idx.params.min_chars else None
        found = idx.matches(norm, limit=max(self.limit, 1), sig=sig, digest=digest)
        doc.stash[_STATE] = _State(idx, norm, digest, sig, [nd for nd, _ in found][: self.limit])
        if not found or digest.hex() in self.allowlist:
            return []
        counted = [(nd, dg) for nd, dg in found
                   if nd.similarity >= self.threshold and not self._allowed(nd.id, dg)]
        n = min(len(doc.text), _EVIDENCE_CHARS)
        evidence = [Evidence(0, n, doc.text[:n])] if n else []
        hits: list[Hit] = []
        spam = [nd for nd, _ in counted if nd.label == "spam"]
        if spam:
            best = spam[0]
            hits.append(self.hit(
                "DUP_NEAR_SPAM", evidence, weight=round(self.spam_weight * best.similarity, 4),
                details={"id": best.id, "similarity": best.similarity, "label": best.label,
                         "matches": len(spam)}))
        others = [nd for nd, _ in counted if nd.label != "spam"]
        if others:
            best = others[0]
            hits.append(self.hit(
                "DUP_REPOST", evidence, weight=self.repost_weight,
                details={"id": best.id, "similarity": best.similarity, "label": best.label,
                         "matches": len(others)}))
        return hits


def _learn(doc: Document, verdict: Verdict) -> None:
    """Add a checked document to the index it was looked up in."""
    state = doc.stash.get(_STATE)
    if state is None:
        return
    from detector.dedup.index import LABELS

    label = doc.meta.get("label", "unknown") if isinstance(doc.meta, dict) else "unknown"
    if label not in LABELS:
        label = "unknown"
    doc_id = str(doc.id) if doc.id else f"sha:{state.digest.hex()}"
    try:
        rec = state.index.record(doc_id, None, label, doc.url, norm=state.norm, sig=state.sig)
        state.index.add_record(rec)
    except (DetectorError, ValueError) as exc:
        verdict.errors.append(f"neardup: could not add {doc_id!r} to the index: {exc}")


@hookimpl
def spamdetect_add_config(spec: ConfigSpec) -> None:
    """Declare the ``index.*`` options."""
    spec.add("index.learn", False, type=_bool,
             help="add every checked document to the near-duplicate index")
    spec.add("index.threshold", 0.8, type=_unit,
             help="similarity at which a near-duplicate counts as a hit (index finds >= 0.8)")
    spec.add("index.spam_weight", 12.0, type=_float,
             help="DUP_NEAR_SPAM weight at similarity 1.0 (scaled by similarity)")
    spec.add("index.repost_weight", 0.0, type=_float,
             help="DUP_REPOST weight (near-duplicate of a non-spam indexed document)")
    spec.add("index.allowlist", [], type=_str_list,
             help="document ids or content digests (hex) that never count")
    spec.add("index.limit", 10, type=_limit, help="most near_duplicates listed per verdict")


@hookimpl
def spamdetect_register_views() -> dict[str, Any]:
    """Register the ``dedup`` view."""
    from detector.dedup.shingles import build_dedup_view

    return {"dedup": build_dedup_view}


@hookimpl
def spamdetect_register_checks(config: Config) -> list[Check]:
    """Register the neardup check when some profile configures an index."""
    profiles = [config.profile(None)] + [config.profile(n) for n in config.profile_names]
    if not any(p.index for p in profiles):
        return []
    return [NearDupCheck(config)]


@hookimpl
def spamdetect_adjust_verdict(doc: Document, verdict: Verdict) -> None:
    """Copy the matches into ``verdict.near_duplicates``."""
    state = doc.stash.get(_STATE)
    if state is not None:
        verdict.near_duplicates = list(state.matches)


@hookimpl
def spamdetect_on_verdict(doc: Document, verdict: Verdict, config: Config) -> None:
    """Learn the document when ``index.learn`` is on."""
    if config.option("index.learn", False):
        _learn(doc, verdict)
