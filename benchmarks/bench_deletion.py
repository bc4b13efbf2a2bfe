"""Deletion traces and spun collocations, per form, on the clean, ham and spam corpora.

Usage::

    python benchmarks/bench_deletion.py [DATA_DIR] [--seeds 1 2 3]

``DATA_DIR`` defaults to ``$SPAMDETECT_DATA``, else ``../shared/data`` beside
the repository. Prints, for every deletion form of
:func:`detector.damage.deletion.find_deletions` and for the deletion and spin
rules of the full detector, the pages (and traces) it fires on in:

* ``clean``: the 143 clean articles (zh-web-extraction-69, zh-netease-news-74),
* ``ham``: the 88 zh-pages-dev ham pages (many are precision traps),
* ``spam``: the 136 zh-pages-dev spam pages, and ``del``: the 14 of them
  labelled ``deleted_words``.

Then a keyword filter is simulated on the clean articles
(:func:`detector.damage.synth.filter_word`: every occurrence of one
dictionary word is removed, one word per article, per seed) and the script
counts the articles where a deletion hit's evidence touches a removed place,
the articles where ``DEL_GAPS_MANY`` fires, the articles whose deletion
total reaches the review threshold, and the removed places found, split into
places in a *slot* (the word sat next to 、 or a bracket, or right after a
preposition or conjunction: what the forms target) and the others. The exit status is 1 when a form fires on
clean or ham text more often than the documented figures allow (a precision
gate: the strong forms must stay silent there).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from detector import Config, Detector  # noqa: E402
from detector.damage import synth  # noqa: E402
from detector.damage.deletion import find_deletions  # noqa: E402

CLEAN = ("zh-web-extraction-69/pages.jsonl", "zh-netease-news-74/news.jsonl")
DEV = "zh-pages-dev/pages.jsonl"
#: Forms that must not fire on any clean article or ham page.
SILENT_FORMS = ("empty_item", "dangling_prep", "orphan_de", "missing_degree", "unopened_title")
SILENT_RULES = ("DEL_GAPS_MANY", "ZH_SPIN_COLLOCATION", "ZH_SPIN_COLLOCATION_MANY")


def _data_dir(arg: str | None) -> Path:
    if arg:
        return Path(arg)
    env = os.environ.get("SPAMDETECT_DATA")
    return Path(env) if env else REPO.parent / "shared" / "data"


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _corpora(data: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"clean": [], "ham": [], "spam": [], "del": []}
    for name in CLEAN:
        out["clean"] += [r["text"] for r in _rows(data / name)]
    for r in _rows(data / DEV):
        if r["label"] == "ham":
            out["ham"].append(r["text"])
        else:
            out["spam"].append(r["text"])
            if "deleted_words" in r["categories"]:
                out["del"].append(r["text"])
    return out


def _forms(corpora: dict[str, list[str]]) -> dict[str, dict[str, list[int]]]:
    """form -> corpus -> [pages, traces]."""
    table: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for corpus, texts in corpora.items():
        for text in texts:
            kinds = Counter(k for k, *_ in find_deletions(unicodedata.normalize("NFKC", text)))
            for k, n in kinds.items():
                table[k][corpus][0] += 1
                table[k][corpus][1] += n
    return table


def _rules(det: Detector, corpora: dict[str, list[str]]) -> dict[str, dict[str, int]]:
    """rule -> corpus -> pages, for the deletion and spin rules."""
    table: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for corpus, texts in corpora.items():
        for text in texts:
            for h in det.check(text=text).hits:
                if h.group in ("deletion", "spin"):
                    table[h.rule][corpus] += 1
    return table


#: A removed place is in a *slot* when the word sat where a function word or a
#: bracket opened a place for it: next to 、 or inside quotes/brackets, or right
#: after a preposition or conjunction. These are the places the forms target.
_SLOT_BEFORE = ("、", "“", "「", "《", "(", "（", "‘", "『", "【")
_SLOT_AFTER = ("、", "”", "」", "》", ")", "）", "’", "』", "】")
_SLOT_WORDS = ("关于", "對於", "对于", "關於", "由于", "由於", "基于", "基於", "通过", "透過", "除了",
               "随着", "隨著", "与", "與", "及", "和", "成为", "成為", "拨打", "撥打", "包括")


def _is_slot(text: str, p: int) -> bool:
    return (p > 0 and text[p - 1] in _SLOT_BEFORE) or (p < len(text) and text[p] in _SLOT_AFTER) \
        or any(text[max(0, p - len(w)):p] == w for w in _SLOT_WORDS)


def _synthetic(det: Detector, texts: list[str], seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    profile = det.config.profile(None)
    review, cap = profile.review, profile.group_caps.get("deletion", float("inf"))
    out = {"articles": 0, "touched": 0, "many": 0, "review": 0, "places": 0,
           "slot": 0, "slot_found": 0, "free_found": 0}
    for text in texts:
        f = synth.filter_word(text, rng)
        if f is None:
            continue
        out["articles"] += 1
        out["places"] += len(f.places)
        v = det.check(text=f.text)
        dele = [h for h in v.hits if h.group == "deletion"]
        spans = [(e.start, e.end) for h in dele for e in h.evidence]
        found_any = False
        for p in f.places:
            found = any(s - 2 <= p <= e + 2 for s, e in spans)
            found_any |= found
            if _is_slot(f.text, p):
                out["slot"] += 1
                out["slot_found"] += found
            else:
                out["free_found"] += found
        if found_any:
            out["touched"] += 1
        out["many"] += v.hit("DEL_GAPS_MANY") is not None
        out["review"] += min(sum(h.weight for h in dele), cap) >= review
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("data", nargs="?")
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    args = ap.parse_args(argv)
    corpora = _corpora(_data_dir(args.data))
    det = Detector(config=Config(), load_entrypoints=False)
    sizes = {c: len(t) for c, t in corpora.items()}
    print("corpora:", ", ".join(f"{c} {n}" for c, n in sizes.items()))

    print("\nform (find_deletions)      " + "".join(f"{c:>14}" for c in corpora))
    forms = _forms(corpora)
    failed = []
    for k in sorted(forms):
        cells = "".join(f"{forms[k][c][0]:>7} ({forms[k][c][1]:>3})" for c in corpora)
        print(f"{k:<26}{cells}")
        if k in SILENT_FORMS and (forms[k]["clean"][0] or forms[k]["ham"][0]):
            failed.append(k)
    print("  (pages (traces) with the form)")

    print("\nrule (full detector)       " + "".join(f"{c:>8}" for c in corpora))
    rules = _rules(det, corpora)
    for r in sorted(rules):
        print(f"{r:<27}" + "".join(f"{rules[r][c]:>8}" for c in corpora))
        if r in SILENT_RULES and (rules[r]["clean"] or rules[r]["ham"]):
            failed.append(r)
    print("  (pages with a hit)")

    print("\nsimulated keyword filter on the clean articles (one dictionary word, every occurrence)")
    for seed in args.seeds:
        s = _synthetic(det, corpora["clean"], seed)
        n = s["articles"]
        free = s["places"] - s["slot"]
        print(f"  seed {seed}: {n} articles, {s['places']} removed occurrences; a deletion hit at a "
              f"removed place {s['touched']}/{n} = {s['touched'] / n:.3f}; DEL_GAPS_MANY "
              f"{s['many']}; deletion total >= review {s['review']}\n"
              f"          places in a slot (next to 、 or a bracket, after a preposition or "
              f"conjunction) found {s['slot_found']}/{s['slot']}, other places "
              f"{s['free_found']}/{free}")
    if failed:
        print(f"\nFAIL: fires on clean or ham: {failed}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
