"""Measure the contact and stuffing checks: precision, recall on the dev split, and speed.

Usage::

    python benchmarks/contact_stuffing.py ../shared/data [--repeat 5]

Prints, for the 143 clean articles and the zh-pages-dev ham and spam:

* documents with any contact/stuffing hit, the strongest single hit, and how
  many reach weight 2 (a hit) and 5.0 (review, these two checks alone);
* per spam category, how many excerpts reach 5.0 on these checks alone;
* per-rule hit counts on spam and ham;
* speed: milliseconds per document for each check (views built once per
  document and shared, as in the engine), as a ratio against a baseline
  measured in the same run (building the ``simplified`` view, the shared
  normalisation every check reads), plus adversarial 200 KB inputs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from detector import Config, Detector
from detector.checks.contact import ContactCheck
from detector.checks.injection import InjectionCheck
from detector.checks.stuffing import StuffingCheck

GROUPS = ("contact", "stuffing")
OWNED = ("contact_footer", "takedown_notice", "keyword_stuffing")


def _rows(path: Path):
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def _corpora(data: Path):
    for name, file in (("clean", "zh-web-extraction-69/pages.jsonl"), ("clean", "zh-netease-news-74/news.jsonl")):
        for r in _rows(data / file):
            yield name, r
    dev = data / "zh-pages-dev" / "pages.jsonl"
    if dev.is_file():
        for r in _rows(dev):
            yield r["label"], r


def evaluate(det: Detector, data: Path) -> None:
    """Print precision and recall figures for the two checks."""
    stats: dict[str, Counter[str]] = defaultdict(Counter)
    rule_hits: dict[str, Counter[str]] = defaultdict(Counter)
    per_cat: dict[str, Counter[str]] = defaultdict(Counter)
    strongest: dict[str, float] = defaultdict(float)
    fps: list[str] = []
    for label, r in _corpora(data):
        v = det.check(text=r["text"], title=r.get("title"))
        own = [h for h in v.hits if h.group in GROUPS]
        score = sum(h.weight for h in own)
        top = max((h.weight for h in own), default=0.0)
        s = stats[label]
        s["docs"] += 1
        s["any_hit"] += bool(own)
        s["hit_ge_2"] += top >= 2.0
        s["score_ge_5"] += score >= 5.0
        strongest[label] = max(strongest[label], top)
        for h in own:
            rule_hits[h.rule][label] += 1
        if label in ("ham", "clean") and top >= 2.0:
            fps.append(f"{label} {r['id']} {[(h.rule, h.weight) for h in own]}")
        for c in r.get("categories", []):
            per_cat[c]["docs"] += 1
            per_cat[c]["score_ge_5"] += score >= 5.0
            per_cat[c]["any_hit"] += bool(own)
    print("## precision / recall (contact + stuffing checks alone)")
    print(f"{'set':6} {'docs':>5} {'any hit':>8} {'hit>=2':>7} {'sum>=5':>7} {'strongest':>9}")
    for label in ("clean", "ham", "spam"):
        s = stats[label]
        print(f"{label:6} {s['docs']:5} {s['any_hit']:8} {s['hit_ge_2']:7} {s['score_ge_5']:7} {strongest[label]:9.2f}")
    print("\n## spam categories: excerpts reaching 5.0 on these checks alone")
    for c in sorted(per_cat, key=lambda c: (c not in OWNED, c)):
        pc = per_cat[c]
        mark = "*" if c in OWNED else " "
        print(f"{mark}{c:20} {pc['score_ge_5']:3}/{pc['docs']:<3} (any hit {pc['any_hit']})")
    print("\n## rules: hits on spam / ham / clean")
    for rule in sorted(rule_hits):
        rh = rule_hits[rule]
        print(f"{rule:24} {rh['spam']:4} {rh['ham']:4} {rh['clean']:4}")
    print("\n## ham/clean documents with a hit >= 2")
    print("\n".join(fps) or "none")


def _time(prepare, run, repeat: int) -> float:
    """Best wall time of ``run(prepare())`` over ``repeat`` runs (``prepare`` untimed)."""
    best = float("inf")
    for _ in range(repeat):
        state = prepare()
        t0 = time.perf_counter()
        run(state)
        best = min(best, time.perf_counter() - t0)
    return best


def speed(det: Detector, data: Path, repeat: int) -> None:
    """Print per-document cost of each check against the shared-view baseline.

    The baseline builds the ``simplified`` view (NFKC, then OpenCC), the
    normalisation every document pays once whichever check asks first. Each
    check is then timed on fresh documents whose shared views are already
    built, as in the engine: contact pays only for its own ``contact`` view.
    """
    texts = [r["text"] for _, r in _corpora(data)]
    contact, stuffing = ContactCheck(det.config), StuffingCheck(det.config)
    injection = InjectionCheck(det.config)

    def fresh():
        return [det.document(text=t) for t in texts]

    def with_views():
        docs = fresh()
        for d in docs:
            d.view("simplified")
        return docs

    def baseline(docs):
        for d in docs:
            d.view("simplified")

    def run_contact(docs):
        for d in docs:
            list(contact.run(d))

    def run_stuffing(docs):
        for d in docs:
            list(stuffing.run(d))

    def run_injection(docs):
        for d in docs:
            list(injection.run(d))

    n = len(texts)
    mean_chars = statistics.mean(len(t) for t in texts)
    t_base = _time(fresh, baseline, repeat)
    t_contact = _time(with_views, run_contact, repeat)
    t_stuff = _time(with_views, run_stuffing, repeat)
    t_inj = _time(with_views, run_injection, repeat)
    print(f"\n## speed ({n} documents, mean {mean_chars:.0f} characters, best of {repeat})")
    print(f"baseline (simplified view)  {t_base / n * 1000:.3f} ms/doc  1.00x")
    print(f"contact (incl. its view)    {t_contact / n * 1000:.3f} ms/doc  {t_contact / t_base:.2f}x")
    print(f"stuffing                    {t_stuff / n * 1000:.3f} ms/doc  {t_stuff / t_base:.2f}x")
    print(f"injection                   {t_inj / n * 1000:.3f} ms/doc  {t_inj / t_base:.2f}x")
    adversarial = {
        "200k digits": "1" * 200_000, "100k separators": "1-" * 100_000,
        "Chinese numerals": "一三九" * 66_000, "circled digits": "①" * 200_000,
        "keyword list": "选股 " * 60_000, "tag lines": "标签:a b c d e f\n" * 12_000,
        "adult terms": "国产无码_" * 40_000, "glued tags": "好。java\n\n" * 20_000,
        "gambling calls": "赌场官网 " * 40_000,
    }
    print("\nadversarial input (whole pipeline, one run):")
    for name, text in adversarial.items():
        t0 = time.perf_counter()
        v = det.check(text=text)
        dt = (time.perf_counter() - t0) * 1000
        print(f"  {name:18} {dt:7.1f} ms  contact {v.timings_ms.get('contact', 0):6.1f}  "
              f"stuffing {v.timings_ms.get('stuffing', 0):6.1f}  "
              f"injection {v.timings_ms.get('injection', 0):6.1f}  errors {len(v.errors)}")


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", type=Path, help="the shared data directory (../shared/data)")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    det = Detector(config=Config(), load_entrypoints=False)
    evaluate(det, args.data)
    speed(det, args.data, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
