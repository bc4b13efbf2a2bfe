"""How many dev pages support each rule, and how much the gate leans on thinly supported rules.

Usage::

    python benchmarks/rule_support.py ../shared/data

The dev split has almost one host per spam page, so a rule that fires on a
single spam page is supported by one site. This prints, for every scoring
rule that fires on the dev spam, the number of spam pages (and hosts) it
fires on, and the gate recall at review (marked spam of 200+ characters)
recomputed without the rules that fire on one page only. That second figure
is a pessimistic floor for pages from other sites: it treats every
one-page rule as memorised, although most of them (contact, encoding,
deletion forms) were written from the pattern, not from the page.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlparse

from detector import Config, Detector
from detector.scoring import total

MARKER_FREE = {"ai_filler", "other"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", type=Path)
    args = ap.parse_args(argv)
    det = Detector(config=Config(), load_entrypoints=False)
    profile = det.config.profile(None)
    pages: Counter[str] = Counter()
    hosts: dict[str, set[str]] = defaultdict(set)
    gate = []
    with (args.data / "zh-pages-dev" / "pages.jsonl").open(encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    for r in rows:
        if r["label"] != "spam":
            continue
        v = det.check(text=r["text"], url=r.get("url"))
        host = urlparse(r.get("url") or "").hostname or "?"
        for rule in {h.rule for h in v.hits if h.weight > 0}:
            pages[rule] += 1
            hosts[rule].add(host)
        if len(r["text"]) >= 200 and set(r["categories"]) - MARKER_FREE:
            gate.append(v)
    n_hosts = len({urlparse(r.get("url") or "").hostname for r in rows if r["label"] == "spam"})
    print(f"dev spam: {sum(r['label'] == 'spam' for r in rows)} pages on {n_hosts} hosts")
    print(f"{'rule':<44} {'pages':>5} {'hosts':>5}")
    for rule, n in sorted(pages.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"{rule:<44} {n:>5} {len(hosts[rule]):>5}")
    single = {rule for rule, n in pages.items() if n == 1}
    full = sum(v.action != "allow" for v in gate)
    floor = sum(total([h for h in v.hits if h.rule not in single], profile) >= profile.review for v in gate)
    print(f"\nrules firing on one spam page: {len(single)} of {len(pages)}")
    print(f"gate recall at review: {full}/{len(gate)}; without one-page rules: {floor}/{len(gate)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
