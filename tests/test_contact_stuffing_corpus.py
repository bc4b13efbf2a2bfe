"""Corpus gates for the contact and stuffing checks (reads ../shared/data by path).

* No contact or stuffing hit at or above weight 2 on any of the 143 clean
  articles (zh-web-extraction-69, zh-netease-news-74).
* On the zh-pages-dev ham, the two checks together never reach the review
  threshold.
* On the zh-pages-dev spam excerpts of the categories these checks own,
  they keep at least the recall measured when they were written (a floor,
  so a regression fails; the exact figures are in the docs).
* Contact-spam footers drawn by :mod:`detector.checks.contact_synth` and
  appended to the clean articles (seeds other than the benchmark's): most
  footers with a personal channel reach review, institutional-only ones
  (a hotline, a landline) almost never do.
"""

from __future__ import annotations

import os

import pytest
from corpus_util import read_jsonl

from detector import Config, Detector
from detector.checks.contact_synth import contact_footer, with_footer

pytestmark = pytest.mark.corpus

GROUPS = ("contact", "stuffing")


@pytest.fixture(scope="module")
def det() -> Detector:
    return Detector(config=Config(), load_entrypoints=False)


def _own(verdict):
    return [h for h in verdict.hits if h.group in GROUPS]


def test_no_strong_contact_or_stuffing_hit_on_clean_articles(shared_data, det):
    files = [shared_data / "zh-web-extraction-69" / "pages.jsonl",
             shared_data / "zh-netease-news-74" / "news.jsonl"]
    n = 0
    strong = []
    for f in files:
        for r in read_jsonl(f):
            n += 1
            v = det.check(text=r["text"], title=r.get("title"))
            strong += [(r["id"], h.rule, h.weight) for h in _own(v) if h.weight >= 2.0]
    assert n == 143
    assert strong == []


def test_no_strong_hit_on_clean_raw_html_with_site_chrome(shared_data, det):
    """The raw HTML keeps the footers (complaint e-mails, ICP lines) the cleaned text drops."""
    files = sorted((shared_data / "zh-web-extraction-69" / "html").glob("*.html"))
    files += sorted((shared_data / "zh-netease-news-74" / "html-gbk").glob("*.html"))
    assert files
    strong = []
    for f in files:
        v = det.check(data=f.read_bytes())
        strong += [(f.name, h.rule, h.weight) for h in _own(v) if h.weight >= 2.0]
    assert strong == []


def _dev(shared_data):
    path = shared_data / "zh-pages-dev" / "pages.jsonl"
    if not path.is_file():
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("zh-pages-dev is required in CI (CI=true) but missing")
        pytest.skip("zh-pages-dev not present")
    return list(read_jsonl(path))


def test_dev_ham_never_reaches_review_on_these_checks(shared_data, det):
    over = []
    for r in _dev(shared_data):
        if r["label"] != "ham":
            continue
        v = det.check(text=r["text"])
        score = sum(h.weight for h in _own(v))
        if score >= 5.0:
            over.append((r["id"], score))
    assert over == []


@pytest.mark.parametrize(
    ("categories", "floor"),
    [({"contact_footer", "takedown_notice"}, 4), ({"keyword_stuffing"}, 5)],
)
def test_dev_spam_recall_floor(shared_data, det, categories, floor):
    reached = 0
    total = 0
    for r in _dev(shared_data):
        if r["label"] != "spam" or not categories & set(r.get("categories", [])):
            continue
        total += 1
        v = det.check(text=r["text"])
        if sum(h.weight for h in _own(v) if h.group in GROUPS) >= 5.0:
            reached += 1
    assert total > 0
    assert reached >= floor


@pytest.mark.parametrize("seed", [101, 102])
def test_generated_contact_footers_on_clean_articles(shared_data, det, seed):
    import random

    rng = random.Random(seed)
    articles = [r["text"] for name in ("zh-web-extraction-69/pages.jsonl", "zh-netease-news-74/news.jsonl")
                for r in read_jsonl(shared_data / name)]
    personal = [0, 0]
    institutional = [0, 0]
    for text in articles:
        footer = contact_footer(rng)
        flagged = det.check(text=with_footer(text, footer)).action != "allow"
        bucket = personal if footer.personal else institutional
        bucket[0] += flagged
        bucket[1] += 1
    assert personal[1] > 100 and institutional[1] > 5
    # Measured 0.87-0.92 on seeds 1-3 (benchmarks/contact_footers.py); 0.61 before the trailer rule.
    assert personal[0] / personal[1] >= 0.80
    # The GBK-desync article reaches review with or without a footer.
    assert institutional[0] <= 0.15 * institutional[1] + 1
