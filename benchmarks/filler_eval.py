"""Measure the filler lexicon and the SEO-title signals on the corpora.

Usage::

    python benchmarks/filler_eval.py ../shared/data [-v]

Prints, for the ai_filler spam pages, the other spam pages, the ham pages of
``zh-pages-dev`` and the 143 clean articles: how many distinct cliché kinds
and what strength and density (per 1,000 Han characters) the filler check
finds, the weight ``ZH_AI_FILLER_STYLE`` would give, which kinds occur in
ham/clean text at all, and the full-pipeline recall at the review threshold
(on ai_filler pages, ai_filler-only pages and the gate set) with the highest
ham and clean scores. ``-v`` lists every page's kinds.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from detector import Config, Detector  # noqa: E402
from detector.checks.filler import FillerCheck, han_count, step_weight  # noqa: E402
from detector.document import Document  # noqa: E402


def _load(data: Path) -> list[dict]:
    rows = [json.loads(line) for line in (data / "zh-pages-dev" / "pages.jsonl").open(encoding="utf-8")]
    for r in rows:
        cats = set(r.get("categories") or [])
        if r["label"] == "ham":
            r["group"] = "ham"
        else:
            r["group"] = "ai_filler" if "ai_filler" in cats else "spam"
    for name in ("zh-web-extraction-69/pages.jsonl", "zh-netease-news-74/news.jsonl"):
        for line in (data / name).open(encoding="utf-8"):
            r = json.loads(line)
            r["group"] = "clean"
            r["id"] = str(r["id"])
            rows.append(r)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", type=Path)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    rows = _load(args.data)
    chk = FillerCheck()
    strength = {c.kind: c.strength for c in chk.lexicon}
    per_group: dict[str, list[tuple[float, float, int, str, list[str]]]] = collections.defaultdict(list)
    kind_df: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for r in rows:
        doc = Document(text=r["text"], title=r.get("title"))
        kinds = sorted(chk.find(doc))
        s = sum(strength[k] for k in kinds)
        han = han_count(r["text"])
        dens = s * 1000.0 / max(han, chk.min_han)
        per_group[r["group"]].append((s, dens, len(kinds), r["id"], kinds))
        for k in kinds:
            kind_df[k][r["group"]] += 1
    print("== distinct kinds / strength / density per group")
    for g in ("ai_filler", "spam", "ham", "clean"):
        L = per_group[g]
        dist = collections.Counter(n for _s, _d, n, _i, _k in L)
        w = collections.Counter(step_weight(s, d) for s, d, _n, _i, _k in L)
        print(f"{g:10s} n={len(L):3d} kinds: {dict(sorted(dist.items()))}  "
              f"max strength {max(s for s, *_ in L):.1f}  max density {max(d for _s, d, *_ in L):.2f}  "
              f"weights: {dict(sorted(w.items()))}")
        if g in ("ham", "clean"):
            for s, d, n, i, k in sorted(L, reverse=True)[:5]:
                print(f"    top: S={s:.1f} d={d:.2f} {i[:12]} {k}")
        if args.verbose:
            for s, d, n, i, k in sorted(L):
                print(f"    S={s:.1f} d={d:.2f} w={step_weight(s, d)} {i[:12]} {k}")
    print("== kinds seen in ham or clean text (document frequency)")
    for k, c in sorted(kind_df.items()):
        if c["ham"] or c["clean"]:
            print(f"    {k:22s} strength {strength[k]}  ai_filler {c['ai_filler']:2d}  spam {c['spam']:2d}  "
                  f"ham {c['ham']:2d}  clean {c['clean']:2d}")
    det = Detector(config=Config(), load_entrypoints=False)
    scores: dict[str, list[tuple[float, str]]] = collections.defaultdict(list)
    for r in rows:
        if r["group"] == "clean":
            v = det.check(text=r["text"], title=r.get("title"))
        else:
            v = det.check(text=r["text"], url=r.get("url"))
        cats = set(r.get("categories") or [])
        scores[r["group"]].append((v.score, r["id"]))
        if cats == {"ai_filler"}:
            scores["ai_filler_only"].append((v.score, r["id"]))
        if r["label"] == "spam" and len(r["text"]) >= 200 and cats - {"ai_filler", "other"}:
            scores["gate"].append((v.score, r["id"]))
    print("== full pipeline at review (score >= 5.0)")
    for g in ("ai_filler", "ai_filler_only", "gate"):
        L = scores[g]
        print(f"    recall {g:15s} {sum(s >= 5.0 for s, _ in L):3d}/{len(L)} = {sum(s >= 5.0 for s, _ in L) / len(L):.3f}")
    for g in ("ham", "clean"):
        L = sorted(scores[g], reverse=True)
        print(f"    {g:5s} max score {L[0][0]:.2f} ({L[0][1][:12]}), at review {sum(s >= 5.0 for s, _ in L)}")


if __name__ == "__main__":
    main()
