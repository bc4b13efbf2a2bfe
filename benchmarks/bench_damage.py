"""Recall, precision and speed of the damage checks on real clean text.

Usage::

    python benchmarks/bench_damage.py [DATA_DIR] [--seed 1] [--per-article 1] [--limit N]

``DATA_DIR`` defaults to ``$SPAMDETECT_DATA``, else ``../shared/data`` beside
the repository. The exit status is 1 when a gate fails. For every
damage family, one damaged span is injected into each of the 143 clean
articles (zh-web-extraction-69 and zh-netease-news-74) with
:mod:`detector.damage.synth`, seeded, and the full detector checks the
result; a detection is a hit of the family's group whose evidence overlaps
the injected place. The byte-level families are also injected into the real
GBK files of ``zh-netease-news-74/html-gbk`` (the wrong codec applied to a
slice of the bytes). Precision: hits on the clean articles, their OpenCC
``s2t`` / ``s2tw`` conversions, ftfy's ``negative.json`` and the
zh-pages-dev ham; recall on ftfy's ``in-the-wild.json`` and on the
zh-pages-dev spam categories. Speed: the damage checks alone against the
whole pipeline's ``nfkc`` view build as a baseline, on the clean articles.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from detector import Config, Detector  # noqa: E402
from detector.damage import synth  # noqa: E402
from detector.document import Document  # noqa: E402

DAMAGE_GROUPS = ("encoding", "pinyin", "deletion", "script_mix", "invisible")

#: family -> (group, minimum Han in the span, gate)
FAMILIES: dict[str, tuple[str, int, float | None]] = {
    "utf8_as_gbk": ("encoding", 6, 0.95),
    "gbk_as_latin1": ("encoding", 6, 0.95),
    "gbk_utf8_gbk": ("encoding", 6, 0.95),
    "utf8_as_latin1": ("encoding", 6, None),
    "big5_as_gbk": ("encoding", 6, None),
    "gbk_as_big5": ("encoding", 6, None),
    "utf8_as_sjis": ("encoding", 6, None),
    "gbk_desync": ("encoding", 6, None),
    "fill_marker": ("encoding", 6, None),
    "qmark": ("encoding", 6, None),
    "ruby": ("pinyin", 3, 0.95),
    "ruby_untoned": ("pinyin", 3, 0.95),
    "ruby_fullwidth": ("pinyin", 3, 0.95),
    "ruby_glued": ("pinyin", 3, 0.95),
    "ruby_traditional": ("pinyin", 3, 0.95),
    "script_mix": ("script_mix", 6, None),
    "invisible": ("invisible", 6, None),
}

BYTE_FAMILIES = {
    "gbk_as_latin1": lambda b: synth.whatwg_cp1252(b),
    "gbk_utf8_gbk": lambda b: b.decode("utf-8", "replace").encode("utf-8").decode("gbk", "replace"),
    "utf8_as_gbk": lambda b: b.decode("gb18030").encode("utf-8").decode("gbk", "replace"),
}


def load_clean(data: Path) -> list[str]:
    """The 143 clean article texts."""
    out = []
    for name in ("zh-web-extraction-69/pages.jsonl", "zh-netease-news-74/news.jsonl"):
        with open(data / name, encoding="utf-8") as f:
            out.extend(json.loads(line)["text"] for line in f if line.strip())
    return out


def clean_row_ids(data: Path) -> list[tuple[str, str, str | None]]:
    """``(id, text, mojibake field)`` of the clean articles."""
    out = []
    for name in ("zh-web-extraction-69/pages.jsonl", "zh-netease-news-74/news.jsonl"):
        with open(data / name, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    out.append((str(r["id"]), r["text"], r.get("mojibake")))
    return out


def detected(det: Detector, text: str, group: str, start: int, end: int) -> bool:
    """True when a hit of ``group`` has evidence overlapping ``[start, end)``."""
    v = det.check(text=text)
    for h in v.hits:
        if h.group != group:
            continue
        for e in h.evidence:
            if e.start < max(end, start + 1) and start < e.end:
                return True
    return False


def recall_on_articles(det: Detector, texts: list[str], family: str, seed: int,
                       per_article: int = 1) -> tuple[int, int]:
    """``(detected, injected)`` for ``family`` over ``texts``."""
    group, min_han, _ = FAMILIES[family]
    hits = n = 0
    for i, text in enumerate(texts):
        for k in range(per_article):
            rng = random.Random(f"{seed}:{family}:{i}:{k}")
            span = synth.pick_span(text, rng, min_han=min_han, max_han=max(min_han, 16))
            if span is None:
                continue
            inj = synth.inject(family, text, span[0], span[1], rng)
            n += 1
            hits += detected(det, inj.text, group, inj.start, inj.end)
    return hits, n


def gbk_files(data: Path) -> list[Path]:
    """The raw GBK files (html and txt)."""
    d = data / "zh-netease-news-74" / "html-gbk"
    return sorted(p for p in d.iterdir() if p.suffix in (".html", ".txt"))


def recall_on_gbk_bytes(det: Detector, files: list[Path], family: str, seed: int,
                        per_file: int = 20) -> tuple[int, int, int]:
    """``(detected, injected, clean_false_positives)`` for a byte-level family.

    Spans are runs of 6-16 two-byte GBK Han characters of the raw file; a
    span that does not reach the visible text (markup, scripts, the head) is
    drawn again.
    """
    fn = BYTE_FAMILIES[family]
    hits = n = fps = 0
    for _fi, path in enumerate(files):
        data = path.read_bytes()
        kind = "html" if path.suffix == ".html" else "text"
        clean = det.check(**{kind: data.decode("gb18030")})
        fps += any(h.group in ("encoding", "pinyin", "script_mix") for h in clean.hits)
        # byte offsets of runs of 6+ two-byte GBK characters in the body
        runs = []
        i = 0
        start = None
        count = 0
        while i < len(data) - 1:
            b = data[i]
            if 0xB0 <= b <= 0xF7 and 0xA1 <= data[i + 1] <= 0xFE:
                if start is None:
                    start, count = i, 0
                count += 1
                i += 2
                continue
            if start is not None and count >= 6:
                runs.append((start, i))
            start = None
            i += 1
        if not runs:
            continue
        k = tries = 0
        while k < per_file and tries < 20 * per_file:
            tries += 1
            rng = random.Random(f"{seed}:{family}:{path.name}:{tries}")
            a, b = runs[rng.randrange(len(runs))]
            nchars = rng.randint(6, min(16, (b - a) // 2))
            s = a + 2 * rng.randint(0, (b - a) // 2 - nchars)
            e = s + 2 * nchars
            bad = fn(data[s:e])
            damaged = data[:s].decode("gb18030", "replace") + bad + \
                data[e:].decode("gb18030", "replace")
            doc = det.document(**{kind: damaged})
            if bad.strip() not in doc.text:
                continue  # landed in markup, a script or the <head>: not visible text
            k += 1
            v = det.check_document(doc)
            n += 1
            hits += any(h.group == "encoding" for h in v.hits)
    return hits, n, fps


def precision(det: Detector, data: Path) -> dict[str, object]:
    """Hits of the gated groups on clean text, conversions and negatives."""
    import opencc

    gated = ("encoding", "pinyin", "script_mix")
    rows = clean_row_ids(data)
    out: dict[str, object] = {}
    for name, conv in (("clean", None), ("s2t", opencc.OpenCC("s2t").convert),
                       ("s2tw", opencc.OpenCC("s2tw").convert)):
        flagged = []
        for rid, text, moj in rows:
            v = det.check(text=conv(text) if conv else text)
            if any(h.group in gated for h in v.hits):
                flagged.append((rid[:8], moj))
        out[name] = flagged
    neg = json.loads((data / "ftfy-mojibake-cases" / "negative.json").read_text("utf-8"))
    out["deletion_clean"] = sum(
        any(h.group == "deletion" for h in det.check(text=text).hits) for _, text, _ in rows)
    out["ftfy_negative"] = sum(
        any(h.group in gated for h in det.check(text=c["original"]).hits) for c in neg)
    out["ftfy_negative_n"] = len(neg)
    wild = json.loads((data / "ftfy-mojibake-cases" / "in-the-wild.json").read_text("utf-8"))
    pos = [c for c in wild if c["original"] != c["fixed"]]
    out["ftfy_wild"] = sum(
        any(h.group == "encoding" for h in det.check(text=c["original"]).hits) for c in pos)
    out["ftfy_wild_n"] = len(pos)
    return out


def pages_dev(det: Detector, data: Path) -> dict[str, object]:
    """Per-rule hit counts on zh-pages-dev spam vs ham, and category recall."""
    path = data / "zh-pages-dev" / "pages.jsonl"
    if not path.exists():
        return {}
    by_rule: dict[str, list[int]] = {}
    cats = {"pinyin_annot": [0, 0], "mojibake_encoding": [0, 0], "deleted_words": [0, 0]}
    reach = {"pinyin_annot": [0, 0], "mojibake_encoding": [0, 0]}
    deletion_pages = {"spam": 0, "ham": 0}
    for line in path.open(encoding="utf-8"):
        r = json.loads(line)
        v = det.check(text=r["text"])
        dmg = [h for h in v.hits if h.group in DAMAGE_GROUPS]
        if any(h.group == "deletion" for h in dmg):
            deletion_pages[r["label"]] += 1
        for h in dmg:
            by_rule.setdefault(h.rule, [0, 0])[0 if r["label"] == "spam" else 1] += 1
        groups = {h.group for h in dmg}
        damage_score = sum(h.weight for h in dmg if h.group in ("pinyin", "encoding"))
        for c in r.get("categories") or []:
            if c in cats:
                cats[c][1] += 1
                want = {"pinyin_annot": {"pinyin", "encoding"},
                        "mojibake_encoding": {"encoding", "pinyin"},
                        "deleted_words": {"deletion"}}[c]
                cats[c][0] += bool(groups & want)
            if c in reach:
                reach[c][1] += 1
                reach[c][0] += damage_score >= 5.0
    return {"by_rule": by_rule, "categories": cats, "damage_alone_reaches_review": reach,
            "deletion_pages": deletion_pages}


def speed(det: Detector, texts: list[str], rounds: int = 7) -> dict[str, float]:
    """Damage checks' throughput on clean articles, with the nfkc view build as baseline.

    The ``nfkc`` view is built once per document by the pipeline and shared by
    every check, so it is built before the clock starts and timed separately
    as the baseline; each round uses fresh documents (nothing cached).
    """
    checks = [c for c in det.checks if c.name in DAMAGE_GROUPS]
    chars = sum(len(t) for t in texts)

    def fresh(items: list[str]) -> tuple[list[Document], float]:
        docs = []
        t0 = time.perf_counter()
        for t in items:
            doc = Document(text=t)
            doc._builders = det.view_builders
            doc.view("nfkc")
            docs.append(doc)
        return docs, time.perf_counter() - t0

    def run_checks(docs: list[Document]) -> float:
        t0 = time.perf_counter()
        for doc in docs:
            for c in checks:
                list(c.run(doc) or ())
        return time.perf_counter() - t0

    run_checks(fresh(texts)[0])  # warm up
    times, bases = [], []
    for _ in range(rounds):
        docs, base = fresh(texts)
        bases.append(base)
        times.append(run_checks(docs))
    dt, base = statistics.median(times), statistics.median(bases)
    two_kb = [t[:2000] for t in texts if len(t) >= 2000]
    per = statistics.median(run_checks(fresh(two_kb)[0]) for _ in range(rounds))
    return {"chars_per_s": chars / dt, "baseline_nfkc_chars_per_s": chars / base,
            "ratio_vs_nfkc": dt / base, "ms_per_2kb_article": per / max(len(two_kb), 1) * 1000.0,
            "articles": len(texts), "chars": chars, "two_kb_articles": len(two_kb)}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a Markdown report."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", nargs="?",
                    default=os.environ.get("SPAMDETECT_DATA") or str(REPO.parent / "shared" / "data"),
                    help="corpus directory (default: $SPAMDETECT_DATA or ../shared/data)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--per-article", type=int, default=1)
    ap.add_argument("--limit", type=int, default=None, help="use only the first N articles")
    ap.add_argument("--family", action="append", default=None,
                    help="only this injected family (repeatable); skips the other sections")
    args = ap.parse_args(argv)
    data = Path(args.data)
    det = Detector(config=Config(), load_entrypoints=False)
    texts = load_clean(data)[: args.limit]
    print(f"# bench_damage (seed {args.seed}, {len(texts)} articles, "
          f"{args.per_article} span per article)\n")
    print("| family | group | detected / injected | recall | gate |")
    print("| --- | --- | --- | --- | --- |")
    failed = False
    for fam, (group, min_han, gate) in FAMILIES.items():
        if args.family and fam not in args.family:
            continue
        h, n = recall_on_articles(det, texts, fam, args.seed, args.per_article)
        r = h / n if n else 0.0
        ok = "" if gate is None else ("pass" if r >= gate else "FAIL")
        failed |= ok == "FAIL"
        print(f"| {fam} ({min_han}+ Han) | {group} | {h} / {n} | {r:.3f} | "
              f"{'' if gate is None else f'>= {gate} {ok}'} |")
    if args.family:
        return 1 if failed else 0
    files = gbk_files(data)
    print(f"\n## Real GBK bytes ({len(files)} files of zh-netease-news-74/html-gbk, 20 spans each)\n")
    print("| family | detected / injected | recall | clean files flagged |")
    print("| --- | --- | --- | --- |")
    for fam in BYTE_FAMILIES:
        h, n, fps = recall_on_gbk_bytes(det, files, fam, args.seed)
        r = h / n if n else 0.0
        failed |= r < 0.95 or fps > 0
        print(f"| {fam} | {h} / {n} | {r:.3f} | {fps} |")
    p = precision(det, data)
    print("\n## Precision (encoding, pinyin, script_mix hits)\n")
    for k in ("clean", "s2t", "s2tw"):
        print(f"- {k}: {len(p[k])} of 143 flagged {p[k]}")
    print(f"- ftfy negative.json: {p['ftfy_negative']} of {p['ftfy_negative_n']} flagged")
    wr = p["ftfy_wild"] / p["ftfy_wild_n"]
    failed |= wr < 0.9
    print(f"- ftfy in-the-wild.json recall: {p['ftfy_wild']} / {p['ftfy_wild_n']} = {wr:.3f} "
          f"(gate >= 0.9)")
    pd = pages_dev(det, data)
    if pd:
        print("\n## zh-pages-dev\n")
        print("| rule | spam pages | ham pages |")
        print("| --- | --- | --- |")
        for rule, (s, hm) in sorted(pd["by_rule"].items()):
            print(f"| {rule} | {s} | {hm} |")
        for c, (h, n) in pd["categories"].items():
            print(f"- {c}: {h} / {n} spam excerpts with a hit of the matching group")
        for c, (h, n) in pd["damage_alone_reaches_review"].items():
            print(f"- {c}: {h} / {n} reach 5.0 from pinyin + encoding hits alone")
        dp = pd["deletion_pages"]
        flagged = dp["spam"] + dp["ham"] + p["deletion_clean"]
        prec = dp["spam"] / flagged if flagged else 0.0
        print(f"- deletion (any DEL_* hit): {dp['spam']} spam and {dp['ham']} ham pages of "
              f"zh-pages-dev, {p['deletion_clean']} of the 143 clean articles; page precision "
              f"{dp['spam']} / {flagged} = {prec:.2f}")
    s = speed(det, texts)
    print("\n## Speed (the five damage checks, clean articles, nfkc view pre-built)\n")
    print(f"- {s['chars_per_s'] / 1e6:.2f} M chars/s ({s['chars']} chars, {s['articles']} articles);"
          f" baseline (the shared nfkc view build) {s['baseline_nfkc_chars_per_s'] / 1e6:.2f} M "
          f"chars/s; the checks take {s['ratio_vs_nfkc']:.2f}x the baseline's time")
    print(f"- {s['ms_per_2kb_article']:.3f} ms per 2,000-character article "
          f"({s['two_kb_articles']} articles cut to 2,000 characters)")
    failed |= s["chars_per_s"] < 5e6
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
