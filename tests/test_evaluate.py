"""Tests for detector.evaluate: Wilson intervals, label handling, the report."""

from __future__ import annotations

import json

import pytest

from detector.evaluate import evaluate, read_labelled, wilson


def test_wilson_interval_properties():
    lo, hi = wilson(9, 10)
    assert 0.59 < lo < 0.6 and 0.98 < hi < 0.99
    assert wilson(0, 50)[0] == 0.0 and 0 < wilson(0, 50)[1] < 0.08
    assert wilson(50, 50)[1] == 1.0
    assert wilson(0, 0) == (0.0, 1.0)


def test_read_labelled_maps_legit_to_ham_and_reports_bad_lines(tmp_path):
    p = tmp_path / "d.jsonl"
    p.write_text(
        '{"label":"legit","text":"a","categories":["x"]}\n'
        '{"label":"SPAM","html":"<p>b</p>","title":"t","categories":["template_skeleton"]}\n'
        '{"label":"spam"}\n[1,2]\n\n{"label":"maybe","text":"c"}\n', encoding="utf-8")
    errors: list[str] = []
    from collections import Counter

    skipped: Counter[str] = Counter()
    recs = list(read_labelled([p], errors, skipped))
    assert [r.label for r in recs] == ["ham", "spam"]
    assert recs[1].item["html"] == "<p>b</p>" and recs[1].item["title"] == "t"
    assert recs[1].categories == ("template_skeleton",)
    assert len(errors) == 2 and skipped[str(p)] == 1


def test_report_counts_and_categories(detector, tmp_path):
    p = tmp_path / "d.jsonl"
    rows = [
        {"label": "spam", "text": "小编导语:怎么办?本站将从多个角度分析。", "categories": ["template_xiaobian"]},
        {"label": "spam", "text": "普通的一句话。", "categories": ["other"]},
        {"label": "ham", "text": "市政府发布停水通知。"},
    ]
    p.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    rep = evaluate(detector, [p]).to_dict()
    review = rep["overall"]["review"]
    assert (review["tp"], review["fn"], review["fp"], review["tn"]) == (1, 1, 0, 1)
    assert review["recall"] == 0.5 and review["precision"] == 1.0 and review["fpr"] == 0.0
    cats = {c["category"]: c for c in rep["categories"]}
    assert cats["template_xiaobian"]["recall"] == 1.0 and cats["other"]["recall"] == 0.0
    assert rep["files"][str(p)]["documents"] == 3


def test_missing_file_is_an_input_error(detector, tmp_path):
    from detector.errors import InputError

    with pytest.raises(InputError):
        evaluate(detector, [tmp_path / "nope.jsonl"])
