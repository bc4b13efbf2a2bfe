"""Corpus gates for the keyword-injection check (reads ../shared/data by path).

* No injection hit at or above weight 2 on the 143 clean articles
  (zh-web-extraction-69, zh-netease-news-74) nor on the zh-pages-dev ham,
  many of which are precision traps (a poker league's page, gambling-free
  news with hotlines, tag pages, hard-wrapped text).
* On the zh-pages-dev ``keyword_stuffing`` spam, the injection check finds at
  least the excerpts it found when it was written (a floor: the figures are
  in docs/contact-and-stuffing.md).
"""

from __future__ import annotations


import pytest
from corpus_util import read_jsonl

from detector import Config, Detector
from detector.checks.injection import InjectionCheck

pytestmark = pytest.mark.corpus

RULES = {r.id for r in InjectionCheck.rules}


@pytest.fixture(scope="module")
def det() -> Detector:
    return Detector(config=Config(), load_entrypoints=False)


def _strong(verdict, floor: float = 2.0):
    return [(h.rule, h.weight) for h in verdict.hits if h.rule in RULES and h.weight >= floor]


def test_no_strong_injection_hit_on_clean_articles(shared_data, det):
    files = [shared_data / "zh-web-extraction-69" / "pages.jsonl",
             shared_data / "zh-netease-news-74" / "news.jsonl"]
    n = 0
    strong = []
    for f in files:
        for r in read_jsonl(f):
            n += 1
            v = det.check(text=r["text"], title=r.get("title"))
            strong += [(r["id"], *x) for x in _strong(v)]
    assert n == 143
    assert strong == []


def test_clean_titles_pasted_as_the_first_line_are_not_stuffing(shared_data, det):
    """Plain-text input often starts with the page title: as a first line, with or without
    its site suffix, no clean article gets a stuffing or injection hit >= 2."""
    files = [shared_data / "zh-web-extraction-69" / "pages.jsonl",
             shared_data / "zh-netease-news-74" / "news.jsonl"]
    strong = []
    for f in files:
        for r in read_jsonl(f):
            title = r.get("title") or ""
            for first in {title, title.split("_")[0]}:
                v = det.check(text=first + "\n" + r["text"])
                strong += [(r["id"], h.rule) for h in v.hits if h.group == "stuffing" and h.weight >= 2.0]
    assert strong == []


def test_no_strong_injection_hit_on_dev_ham(shared_data, det):
    path = shared_data / "zh-pages-dev" / "pages.jsonl"
    if not path.is_file():
        pytest.skip("zh-pages-dev not present")
    ham = [r for r in read_jsonl(path) if r["label"] == "ham"]
    assert len(ham) >= 80
    strong = [(r["id"], *x) for r in ham for x in _strong(det.check(text=r["text"]))]
    assert strong == []


def test_injection_recall_floor_on_keyword_stuffing_spam(shared_data, det):
    path = shared_data / "zh-pages-dev" / "pages.jsonl"
    if not path.is_file():
        pytest.skip("zh-pages-dev not present")
    spam = [r for r in read_jsonl(path) if r["label"] == "spam" and "keyword_stuffing" in r["categories"]]
    found = [r["id"] for r in spam if _strong(det.check(text=r["text"]), 5.0)]
    # Measured when written: 10 of 42 excerpts reach 5.0 on an injection rule alone.
    assert len(found) >= 10
