"""Benchmark rule matching: the rule engine against a naive one-regex-at-a-time scan.

Corpus (pinned): the 143 clean articles (zh-web-extraction-69, zh-netease-news-74)
and the 224 zh-pages-dev excerpts, in file order, read from the shared data
directory (first argument, default ``../shared/data`` beside the repository).

Both contenders see the same Documents with their views already built, so only
matching is timed:

* ``engine``: :meth:`detector.rules.RuleSet.evaluate` — one Aho-Corasick
  keyword scan per target, each distinct pattern at most once, meta and eval
  rules included;
* ``naive``: every pattern rule's regex run separately with ``finditer`` on
  its target text (no prefilter, no sharing), through the same time limits.

The script checks that both find the same pattern-rule matches, then prints
docs/s for each and the ratio. Usage::

    python benchmarks/bench_rules.py [DATA_DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _load(data: Path) -> list[dict]:
    items = []
    for name in ("zh-web-extraction-69/pages.jsonl", "zh-netease-news-74/news.jsonl",
                 "zh-pages-dev/pages.jsonl"):
        path = data / name
        if not path.is_file():
            sys.exit(f"missing corpus file: {path}")
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line)
                items.append({"text": r["text"], "title": r.get("title"), "url": r.get("url")})
    return items


def _documents(det, items, targets):
    docs = []
    for it in items:
        doc = det.document(it["text"], title=it["title"], url=it["url"])
        for t in targets:
            if t not in ("text", "title", "url", "html"):
                doc.view(t)
        docs.append(doc)
    return docs


def _naive(rs, docs):
    from detector import limits

    found = []
    rules = [r for r in rs.all_rules.values() if r.compiled is not None]
    for doc in docs:
        hit = set()
        for r in rules:
            text, _view = rs._target(doc, r.target)
            n = 0
            end = min(len(text), r.head_chars) if r.head_chars else None
            for _m in limits.finditer(r.compiled, text, doc, what=r.id, endpos=end):
                n += 1
                if n >= 200:
                    break
            if n >= r.min_hits:
                hit.add(r.id)
        found.append(hit)
    return found


def _engine(rs, docs):
    pattern_ids = {r.id for r in rs.all_rules.values() if r.compiled is not None}
    return [set(rs.evaluate(doc)) & pattern_ids for doc in docs]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", nargs="?", default=str(REPO.parent / "shared" / "data"))
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    sys.path.insert(0, str(REPO))
    from detector import Config, Detector

    det = Detector(config=Config(), load_entrypoints=False)
    rs = next(c for c in det.checks_for(det.config.profile(None)) if c.name == "rules")
    items = _load(Path(args.data))
    targets = {r.target for r in rs.all_rules.values() if r.compiled is not None}
    n_pat = sum(1 for r in rs.all_rules.values() if r.compiled is not None)
    n_distinct = sum(len(g.patterns) for g in rs._groups)
    print(f"corpus: {len(items)} documents, {sum(len(i['text']) for i in items)} characters")
    print(f"rules: {len(rs.all_rules)} ({n_pat} pattern rules, {n_distinct} distinct patterns, "
          f"targets {sorted(targets)})")
    best = {"engine": float("inf"), "naive": float("inf")}
    for _ in range(args.repeat):
        for name, fn in (("naive", _naive), ("engine", _engine)):
            docs = _documents(det, items, targets)
            t0 = time.perf_counter()
            res = fn(rs, docs)
            best[name] = min(best[name], time.perf_counter() - t0)
            if name == "naive":
                naive_res = res
            else:
                mismatches = sum(1 for a, b in zip(naive_res, res, strict=True) if a != b)
                if mismatches:
                    sys.exit(f"engine and naive scan disagree on {mismatches} documents")
    n = len(items)
    for name in ("naive", "engine"):
        print(f"{name:<7} {n / best[name]:>10.0f} docs/s  ({1000 * best[name] / n:.3f} ms/doc, "
              f"best of {args.repeat})")
    print(f"ratio engine/naive: {best['naive'] / best['engine']:.2f}x faster; results identical")


if __name__ == "__main__":
    main()
