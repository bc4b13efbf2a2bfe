"""The project gate measured with the whole detector, per category (stuffing and injection focus).

Reads ``../shared/data`` by path and prints, for the default configuration:

* recall at review (score >= review threshold) on the zh-pages-dev spam excerpts of at least 200
  characters carrying a marker category (any but ``ai_filler`` and ``other``), per category;
* the false-positive rate at review on the zh-pages-dev ham;
* how many of the 143 clean articles reach review and reject;
* with ``--misses``, the ``keyword_stuffing`` gate excerpts that stay below review and their hits.

Usage::

    python benchmarks/stuffing_gate.py ../shared/data [--misses]
    SPAMDETECT_DISABLED_PLUGINS=detector.checks.injection python benchmarks/stuffing_gate.py ../shared/data
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from detector import Config, Detector

UNMARKED = {"ai_filler", "other"}


def _rows(path: Path):
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", type=Path, help="the shared data directory (../shared/data)")
    ap.add_argument("--misses", action="store_true", help="list keyword_stuffing gate misses")
    args = ap.parse_args(argv)
    det = Detector(config=Config(), load_entrypoints=False)
    profile = det.config.profile(None)
    dev = list(_rows(args.data / "zh-pages-dev" / "pages.jsonl"))
    gate = [r for r in dev if r["label"] == "spam" and len(r["text"]) >= 200 and set(r["categories"]) - UNMARKED]
    ham = [r for r in dev if r["label"] == "ham"]
    hit, total = Counter(), Counter()
    caught = 0
    misses = []
    for r in gate:
        v = det.check(text=r["text"])
        ok = v.score >= profile.review
        caught += ok
        for c in r["categories"]:
            total[c] += 1
            hit[c] += ok
        if not ok and "keyword_stuffing" in r["categories"]:
            misses.append((r["id"], round(v.score, 1), [(h.rule, h.weight) for h in v.hits]))
    fp = sum(det.check(text=r["text"]).score >= profile.review for r in ham)
    review = reject = n_clean = 0
    for name, file in (("zh-web-extraction-69", "pages.jsonl"), ("zh-netease-news-74", "news.jsonl")):
        for r in _rows(args.data / name / file):
            n_clean += 1
            v = det.check(text=r["text"], title=r.get("title"))
            review += v.score >= profile.review
            reject += v.score >= profile.reject
    print(f"gate recall at review: {caught}/{len(gate)} = {caught / len(gate):.3f}")
    print(f"dev ham FPR at review: {fp}/{len(ham)} = {fp / len(ham):.3f}")
    print(f"clean articles: {n_clean}, at review or above {review}, at reject {reject}")
    print("per category (gate excerpts at review / gate excerpts):")
    for c in sorted(total):
        print(f"  {c:20} {hit[c]:3}/{total[c]}")
    if args.misses:
        print("keyword_stuffing gate misses:")
        for m in misses:
            print("  ", *m)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
