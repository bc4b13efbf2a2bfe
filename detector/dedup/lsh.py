"""LSH banding: which indexed documents are candidates for a query.

A signature of ``num_perm`` slots is cut into ``bands`` bands of ``rows``
slots. Two documents whose shingle sets have Jaccard similarity ``s`` agree
on one band with probability ``s**rows`` and become candidates when they
agree on at least one band::

    P(candidate | s) = 1 - (1 - s**rows)**bands

For "same article" (threshold 0.8) the default is 16 bands × 7 rows (112
of 128 slots): P = 0.977 at s = 0.8, 0.99996 at s = 0.9, 0.75 at s = 0.7
and 0.37 at s = 0.6 (:func:`s_curve` prints the table). The often quoted
16 × 8 gives only P = 0.947 at s = 0.8, below the 0.95 target. Candidates are then
verified by the estimated Jaccard similarity (share of equal signature
slots) and only those at or above the threshold count, so the S-curve's
tail costs a few extra comparisons, never a false match.

:func:`band_keys` turns a signature into one 64-bit key per band (xxh64 of
the band number and its bytes, as a signed int so SQLite stores it as an
INTEGER). The Redis store uses datasketch's own ``MinHashLSH`` banding.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Default banding for threshold 0.8 and 128 permutations.
DEFAULT_BANDING = (16, 7)


def candidate_probability(similarity: float, bands: int, rows: int) -> float:
    """Probability that two sets with Jaccard ``similarity`` become candidates.

    Examples:
        >>> round(candidate_probability(0.8, 16, 7), 3)
        0.977
    """
    return 1.0 - (1.0 - similarity ** rows) ** bands


def s_curve(bands: int, rows: int, points: tuple[float, ...] = (
        0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)) -> list[tuple[float, float]]:
    """``(similarity, P(candidate))`` pairs for a banding."""
    return [(s, candidate_probability(s, bands, rows)) for s in points]


def choose_banding(threshold: float, num_perm: int, *, recall: float = 0.95) -> tuple[int, int]:
    """Smallest-candidate-set banding with ``P(candidate | threshold) >= recall``.

    Among ``bands × rows <= num_perm`` meeting the recall target at the
    threshold, take the one with the lowest probability at ``threshold - 0.2``
    (fewest useless candidates).

    Examples:
        >>> choose_banding(0.8, 128)
        (13, 7)
    """
    best: tuple[float, int, int] | None = None
    for rows in range(1, num_perm + 1):
        for bands in range(2, num_perm // rows + 1):
            if candidate_probability(threshold, bands, rows) < recall:
                continue
            low = candidate_probability(max(threshold - 0.2, 0.0), bands, rows)
            cand = (low, -bands * rows, bands)
            if best is None or cand < best:
                best = cand
                pair = (bands, rows)
    if best is None:
        raise ValueError(f"no banding of {num_perm} slots reaches recall {recall} at {threshold}")
    return pair


@dataclass(frozen=True)
class Banding:
    """Bands × rows over a signature."""

    bands: int
    rows: int

    def keys(self, sig: np.ndarray) -> list[int]:
        """One signed 64-bit key per band (see the module docstring)."""
        return band_keys(sig, self.bands, self.rows)


def band_keys(sig: np.ndarray, bands: int, rows: int) -> list[int]:
    """Signed 64-bit keys, one per band, of a uint32 signature."""
    import xxhash

    raw = np.ascontiguousarray(sig[: bands * rows], dtype="<u4").tobytes()
    step = rows * 4
    out = []
    for i in range(bands):
        h = xxhash.xxh64_intdigest(raw[i * step:(i + 1) * step], seed=i)
        out.append(h - (1 << 64) if h >= (1 << 63) else h)
    return out
