"""Pair precision and recall of the near-duplicate index on a reproducible set.

Usage::

    python benchmarks/bench_neardup_eval.py [DATA_DIR] [--seed S] [--spec SPEC]

The set is made from the clean articles (``zh-web-extraction-69``,
``zh-netease-news-74``; at least 200 characters, cut at 3,000). Every
article is an original; with a seeded generator each gets reposted variants,
one per transformation and one combining several:

``edits``        1–3 % of the characters substituted
``swap``         two paragraphs swapped (articles with 3+ paragraphs)
``traditional``  converted to Traditional Chinese (OpenCC s2t)
``pinyin``       toned pinyin ruby flattened after 10 % of the Han characters
``chrome``       farm-CMS breadcrumb, share line and copyright footer added
``truncate``     the last 5–15 % cut off
``combo``        edits + traditional + chrome + truncate

Everything (originals and variants) goes into a fresh index; every
document is then queried and each reported match is a pair. Ground truth:
a pair is *true* when both come from the same article. Recall is measured
over pairs whose true Jaccard similarity (exact, on the folded 5-gram sets)
is at least 0.85, per transformation and overall; precision over all
reported pairs. Targets: recall >= 0.95 (J >= 0.85), precision >= 0.99.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Chrome written for this benchmark (the shape of farm-CMS furniture).
_CHROME_HEAD = "当前位置：首页 > 资讯中心 > 行业动态 > 正文内容\n"
_CHROME_TAIL = ("\n扫描二维码推送至手机访问。\n版权声明：本文由本站整理发布，如有侵权请联系删除。\n"
                "本文链接：http://www.example.com/news/20240101/123456.html\n")


def _articles(data: Path) -> list[str]:
    out = []
    for rel in ("zh-web-extraction-69/pages.jsonl", "zh-netease-news-74/news.jsonl"):
        with (data / rel).open(encoding="utf-8") as fh:
            for line in fh:
                text = (json.loads(line).get("text") or "").strip()
                if len(text) >= 200:
                    out.append(text[:3000])
    return out


def _edits(text: str, rng: random.Random, low: float = 0.01, high: float = 0.03) -> str:
    chars = list(text)
    han = [i for i, c in enumerate(chars) if "\u4e00" <= c <= "\u9fff"]
    for i in rng.sample(han, k=max(1, int(len(han) * rng.uniform(low, high)))):
        chars[i] = chr(rng.randint(0x4E00, 0x9FA5))
    return "".join(chars)


def _swap(text: str, rng: random.Random) -> str | None:
    paras = text.split("\n")
    if len(paras) < 3:
        return None
    i, j = rng.sample(range(len(paras)), 2)
    paras[i], paras[j] = paras[j], paras[i]
    return "\n".join(paras)


def _pinyin(text: str, rng: random.Random) -> str:
    from pypinyin import Style, pinyin

    out = []
    for c in text:
        out.append(c)
        if "\u4e00" <= c <= "\u9fff" and rng.random() < 0.10:
            out.append("(" + pinyin(c, style=Style.TONE)[0][0] + ")")
    return "".join(out)


def _truncate(text: str, rng: random.Random) -> str:
    return text[: int(len(text) * (1 - rng.uniform(0.05, 0.15)))]


def make_set(data: Path, seed: int) -> list[tuple[str, int, str, str]]:
    """``(doc_id, article_no, transform, text)`` for originals and variants."""
    import opencc

    s2t = opencc.OpenCC("s2t").convert
    rng = random.Random(seed)
    docs = []
    for a, text in enumerate(_articles(data)):
        docs.append((f"a{a}-orig", a, "orig", text))
        variants = {
            "edits": _edits(text, rng),
            "swap": _swap(text, rng),
            "traditional": s2t(text),
            "pinyin": _pinyin(text, rng),
            "chrome": _CHROME_HEAD + text + _CHROME_TAIL,
            "truncate": _truncate(text, rng),
            "combo": _CHROME_HEAD + _truncate(s2t(_edits(text, rng)), rng) + _CHROME_TAIL,
        }
        for name, v in variants.items():
            if v is not None:
                docs.append((f"a{a}-{name}", a, name, v))
    return docs


def main() -> None:
    """Build the set, index it, query every document, print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", nargs="?", default=os.environ.get(
        "SPAMDETECT_DATA", str(ROOT.parent / "shared" / "data")))
    ap.add_argument("--seed", type=int, default=20261124)
    ap.add_argument("--spec", help="index spec (default: a fresh SQLite file)")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from detector.dedup import open_index
    from detector.dedup.shingles import normalize, shingles

    docs = make_set(Path(args.data), args.seed)
    tmp = tempfile.mkdtemp()
    spec = args.spec or f"sqlite:{os.path.join(tmp, 'eval.db')}"
    idx = open_index(spec)
    t0 = time.perf_counter()
    added = dict(idx.add_many(((d, t) for d, _, _, t in docs), batch=500))
    t_add = time.perf_counter() - t0
    sets = {d: set(shingles(normalize(t))) for d, _, _, t in docs}
    article = {d: a for d, a, _, _ in docs}
    kind = {d: k for d, _, k, _ in docs}

    def jac(x: str, y: str) -> float:
        sx, sy = sets[x], sets[y]
        return len(sx & sy) / len(sx | sy) if sx | sy else 1.0

    reported: set[tuple[str, str]] = set()
    t0 = time.perf_counter()
    for d, _, _, t in docs:
        for nd in idx.query(t, limit=50):
            if nd.id != d:
                reported.add(tuple(sorted((d, nd.id))))
    t_query = time.perf_counter() - t0
    # Documents refused as exact duplicates (same folded content) are found
    # through the stored copy: count the pair (copy, stored) as reported.
    by_content: dict[frozenset, str] = {}
    for d, *_ in docs:
        if added.get(d):
            by_content.setdefault(frozenset(sets[d]), d)
    for d, *_ in docs:
        if not added.get(d):
            twin = by_content.get(frozenset(sets[d]))
            if twin:
                reported.add(tuple(sorted((d, twin))))
                for x, y in list(reported):
                    if twin in (x, y):
                        other = y if x == twin else x
                        if other != d:
                            reported.add(tuple(sorted((d, other))))

    true_pos = [p for p in reported if article[p[0]] == article[p[1]]]
    precision = len(true_pos) / len(reported) if reported else 1.0
    wrong = [p for p in reported if article[p[0]] != article[p[1]]]

    # Recall over same-article pairs with true Jaccard >= 0.85 (cross-article
    # pairs reach it too rarely to matter; they are counted if they do).
    by_article = defaultdict(list)
    for d, a, _, _ in docs:
        by_article[a].append(d)
    want: list[tuple[str, str]] = []
    for members in by_article.values():
        for i, x in enumerate(members):
            for y in members[i + 1:]:
                if jac(x, y) >= 0.85:
                    want.append(tuple(sorted((x, y))))
    per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for p in want:
        k = kind[p[0]] if kind[p[0]] != "orig" else kind[p[1]]
        if kind[p[0]] != "orig" and kind[p[1]] != "orig":
            k = "variant-variant"
        per_kind[k][1] += 1
        per_kind[k][0] += p in reported
    found = sum(p in reported for p in want)
    recall = found / len(want) if want else 1.0
    # Recall against the originals, by transform, whatever the true Jaccard.
    orig_recall: dict[str, list] = defaultdict(lambda: [0, 0, []])
    for d, a, k, _ in docs:
        if k == "orig":
            continue
        p = tuple(sorted((f"a{a}-orig", d)))
        orig_recall[k][1] += 1
        orig_recall[k][0] += p in reported
        orig_recall[k][2].append(jac(*p))

    print(f"documents: {len(docs)} ({len(by_article)} articles), index {spec.split(':')[0]}, "
          f"seed {args.seed}")
    print(f"add: {len(docs) / t_add:.0f} docs/s, query: {len(docs) / t_query:.0f} docs/s")
    print(f"reported pairs: {len(reported)}, same-article: {len(true_pos)}, "
          f"cross-article: {len(wrong)}")
    print(f"precision: {precision:.4f}  (target >= 0.99)")
    print(f"recall, pairs with true J >= 0.85: {found}/{len(want)} = {recall:.4f}  (target >= 0.95)")
    for k in sorted(per_kind):
        f, n = per_kind[k]
        print(f"  {k:<16} {f}/{n}")
    print("recall against the original, every variant (median true J):")
    for k in sorted(orig_recall):
        f, n, js = orig_recall[k]
        js.sort()
        print(f"  {k:<12} {f}/{n} = {f / n:.3f}   median J {js[len(js) // 2]:.3f}")
    for p in wrong[:5]:
        print(f"  cross-article pair {p}: true J {jac(*p):.3f}")
    idx.close()


if __name__ == "__main__":
    main()
