"""Domain plugin: list load time and URL lookups/s against a naive scan, in one run.

Usage::

    python benchmarks/bench_domains.py ../shared/data/contentfarm-domain-lists/danny0838

Loads ``content-farms.txt`` (15k lines) five times and reports the best load
time, then looks up a pinned mix of URLs (listed hosts with random
subdomains, their unlisted parents, platform URLs, random hosts) and
compares with the naive baseline of testing every plain-host entry with
``host == entry or host.endswith("." + entry)``. Needs the plugin installed
(``pip install ./plugins/spamdetect-domains``).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("lists", type=Path, help="directory holding content-farms.txt")
    ap.add_argument("--urls", type=int, default=20000)
    args = ap.parse_args(argv)
    from spamdetect_domains.lists import HostList, split_url

    path = args.lists / "content-farms.txt"
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        hl = HostList("content-farms")
        hl.load(path)
        best = min(best, time.perf_counter() - t0)
    lines = sum(1 for _ in path.open(encoding="utf-8"))
    print(f"load {path.name}: {lines} lines, {len(hl)} entries in {best * 1000:.0f} ms "
          f"(best of 5); loaded {dict(hl.counts)}; skipped {dict(hl.skipped)}")

    rng = random.Random(5)
    hosts = sorted(hl.hosts)
    urls = []
    for i in range(args.urls):
        r = i % 4
        if r == 0:
            urls.append(f"https://www{rng.randint(1, 9)}.{rng.choice(hosts)}/a/{i}.html")
        elif r == 1:
            h = rng.choice([h for h in hosts[:2000] if h.count(".") >= 2] or hosts)
            urls.append(f"https://{h.split('.', 1)[1]}/")
        elif r == 2:
            urls.append(f"https://{rng.choice(('www.sohu.com', 'mp.weixin.qq.com', 'zhuanlan.zhihu.com'))}/p/{i}")
        else:
            urls.append(f"https://n{rng.randint(0, 10**9)}.example.org/x")
    t0 = time.perf_counter()
    fast = [hl.match(u) is not None for u in urls]
    dt_fast = time.perf_counter() - t0
    plain = list(hl.hosts)
    sample = urls[: max(200, args.urls // 50)]
    t0 = time.perf_counter()
    naive = []
    for u in sample:
        host = split_url(u)[0]
        naive.append(any(host == e or host.endswith("." + e) for e in plain))
    dt_naive = time.perf_counter() - t0
    agree = sum(a == b for a, b in zip(fast, naive, strict=False)) / len(naive)
    fast_rate, naive_rate = len(urls) / dt_fast, len(sample) / dt_naive
    print(f"lookups: {fast_rate:,.0f} URLs/s (all entry kinds) vs naive scan of "
          f"{len(plain)} hosts {naive_rate:,.0f} URLs/s: {fast_rate / naive_rate:,.0f}x; "
          f"hits {sum(fast)}/{len(urls)}; agreement with naive on plain hosts {agree:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
