"""Precision on the real clean corpora: distinct articles are never near-duplicates."""

from __future__ import annotations

import json

import pytest

from detector.dedup import open_index

pytestmark = pytest.mark.corpus


def _texts(shared_data):
    out = []
    for rel in ("zh-web-extraction-69/pages.jsonl", "zh-netease-news-74/news.jsonl",
                "zh-pages-dev/pages.jsonl"):
        path = shared_data / rel
        if not path.exists():
            continue
        for line in path.open(encoding="utf-8"):
            rec = json.loads(line)
            if rec.get("label") == "spam":
                continue
            out.append((f"{rel.split('/')[0]}:{rec['id']}", rec.get("text") or ""))
    return out


def test_clean_articles_do_not_match_each_other(shared_data, tmp_path):
    docs = _texts(shared_data)
    assert len(docs) > 200
    with open_index(f"sqlite:{tmp_path / 'clean.db'}") as idx:
        added = dict(idx.add_many(docs, label="spam"))      # worst case: everything "spam"
        stored = {d for d, ok in added.items() if ok}
        false = []
        for doc_id, text in docs:
            for nd in idx.query(text):
                if nd.id != doc_id and doc_id in stored:
                    false.append((doc_id, nd.id, nd.similarity))
        # Identical texts (e.g. an excerpt that is only a title) are exact duplicates,
        # refused on add: that is the same content, not a false match.
        assert false == []
