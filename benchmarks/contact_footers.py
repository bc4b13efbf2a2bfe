"""Recall on contact-spam footers appended to clean articles, per seed.

Usage::

    python benchmarks/contact_footers.py ../shared/data [--seeds 1 2 3]

Each of the 143 clean articles gets one footer drawn by
:func:`detector.checks.contact_synth.contact_footer` (one seeded generator per
seed) and goes through the whole default Detector. Printed per seed:

* the share of all footers, and of footers with a personal channel
  (mobile, QQ, WeChat, e-mail), that reach ``review``;
* the same per lead-in (takedown notice, solicitation, none) and per
  number of personal items;
* the baseline measured in the same run: the same articles without a
  footer (how many reach ``review``: the floor the footers stand on).

Footers of institutional numbers only (a 400 hotline, a landline) are counted
but not expected to reach review: a news article with a press line is not
spam. The generator is ours, so these figures say how the contact check
generalises over the obfuscations PRODUCT.md lists, not how a given farm
writes its footers.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from pathlib import Path

from detector import Config, Detector
from detector.checks.contact_synth import PERSONAL_KINDS, contact_footer, with_footer

CLEAN = ("zh-web-extraction-69/pages.jsonl", "zh-netease-news-74/news.jsonl")


def _articles(data: Path) -> list[str]:
    out = []
    for name in CLEAN:
        with (data / name).open(encoding="utf-8") as f:
            out.extend(json.loads(line)["text"] for line in f if line.strip())
    return out


def _share(k: int, n: int) -> str:
    return f"{k}/{n} = {k / n:.3f}" if n else "0/0"


def run_seed(det: Detector, articles: list[str], seed: int) -> dict[str, Counter[str]]:
    """Check every article with one footer of ``seed``; tallies by bucket."""
    rng = random.Random(seed)
    flagged: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for text in articles:
        footer = contact_footer(rng)
        v = det.check(text=with_footer(text, footer))
        n_personal = len(footer.kinds & PERSONAL_KINDS)
        buckets = ["all", f"leadin={footer.leadin}",
                   "personal" if footer.personal else "institutional only",
                   f"personal kinds={min(n_personal, 2)}{'+' if n_personal >= 2 else ''}"]
        for b in buckets:
            total[b] += 1
            flagged[b] += v.action != "allow"
    return {"flagged": flagged, "total": total}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", type=Path, help="the shared data directory")
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    args = ap.parse_args(argv)
    det = Detector(config=Config(), load_entrypoints=False)
    articles = _articles(args.data)
    base = sum(det.check(text=t).action != "allow" for t in articles)
    print(f"baseline: {len(articles)} clean articles without a footer, at review: {base}")
    for seed in args.seeds:
        res = run_seed(det, articles, seed)
        f, t = res["flagged"], res["total"]
        print(f"seed {seed}: all footers {_share(f['all'], t['all'])}; "
              f"with a personal channel {_share(f['personal'], t['personal'])}; "
              f"institutional only {_share(f['institutional only'], t['institutional only'])}")
        for b in sorted(k for k in t if k.startswith(("leadin=", "personal kinds="))):
            print(f"    {b:<22} {_share(f[b], t[b])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
