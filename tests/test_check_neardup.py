"""The builtin neardup check: verdict hits, near_duplicates, allowlist, learning."""

from __future__ import annotations

import pytest
from _dedup_texts import edit, make_text

from detector import Config, ConfigError, Detector
from detector.dedup import open_index


def _detector(spec: str | None = None, **options) -> Detector:
    return Detector(config=Config({"options": options} if options else {}), index=spec,
                    load_entrypoints=False)


@pytest.fixture
def spec(tmp_path):
    return f"sqlite:{tmp_path / 'idx.db'}"


def test_without_an_index_the_check_does_nothing(detector):
    assert detector.index is None
    v = detector.check(text=make_text(1))
    assert v.near_duplicates == []
    assert not [h for h in v.hits if h.group == "neardup"]


def test_near_duplicate_of_spam_is_a_strong_hit(spec):
    spam = make_text(1)
    with open_index(spec) as idx:
        idx.add("farm-1", spam, label="spam")
        idx.add("other", make_text(2), label="ham")
    det = _detector(spec)
    repost = "转载：" + edit(spam, 3, 6)
    v = det.check(text=repost, id="new")
    hit = v.hit("DUP_NEAR_SPAM")
    assert hit is not None and hit.group == "neardup"
    assert hit.details["id"] == "farm-1"
    sim = hit.details["similarity"]
    assert 0.8 <= sim <= 1.0
    assert hit.weight == pytest.approx(12.0 * sim)
    assert v.action == ("reject" if sim >= 10 / 12 else "review")
    assert hit.description_zh and hit.description_en
    ev = hit.evidence[0]
    assert repost[ev.start:ev.end] == ev.text
    assert [n.to_dict() for n in v.near_duplicates] == [
        {"id": "farm-1", "similarity": round(sim, 4), "label": "spam"}]
    assert v.to_dict()["near_duplicates"][0]["id"] == "farm-1"
    det.close()


def test_unrelated_document_has_no_hit(spec):
    with open_index(spec) as idx:
        idx.add("farm-1", make_text(1), label="spam")
    det = _detector(spec)
    v = det.check(text=make_text(50))
    assert v.near_duplicates == [] and v.hit("DUP_NEAR_SPAM") is None
    det.close()


def test_repost_of_non_spam_is_weight_zero_by_default_and_configurable(spec):
    text = make_text(7)
    with open_index(spec) as idx:
        idx.add("orig", text, label="ham")
    det = _detector(spec)
    v = det.check(text=text)
    # the random text may trip an unrelated weak rule (a stray 与， reads as a
    # dangling conjunction): the repost itself must add nothing to the score
    others = sum(h.weight for h in v.hits if h.group != "neardup")
    assert v.hit("DUP_REPOST").weight == 0.0 and v.score == others
    det.close()
    det = _detector(spec, **{"index.repost_weight": 1.5})
    v = det.check(text=text)
    assert v.hit("DUP_REPOST").weight == 1.5 and v.score >= 1.5
    det.close()


def test_allowlist_by_id_and_by_digest(spec):
    spam = make_text(1)
    with open_index(spec) as idx:
        idx.add("farm-1", spam, label="spam")
        digest = idx.get("farm-1")["digest"]
    for entry in ("farm-1", digest):
        det = _detector(spec, **{"index.allowlist": [entry]})
        v = det.check(text=spam)
        assert v.hit("DUP_NEAR_SPAM") is None
        assert [n.id for n in v.near_duplicates] == ["farm-1"]   # still listed
        det.close()


def test_learn_adds_checked_documents(spec):
    det = _detector(spec, **{"index.learn": True})
    first = make_text(11)
    v = det.check(text=first, id="p1", meta={"label": "spam"}, url="http://farm.example/1")
    assert v.near_duplicates == [] and not v.errors
    assert len(det.index) == 1
    assert det.index.get("p1") == {**det.index.get("p1"), "label": "spam",
                                   "source": "http://farm.example/1"}
    v = det.check(text=edit(first, 12, 5))                        # no id: content digest id
    assert v.hit("DUP_NEAR_SPAM").details["id"] == "p1"
    assert len(det.index) == 2
    assert any(i.startswith("sha:") for i in [n.id for n in det.index.query(first)])
    det.check(text=first, id="p1-again")                        # exact repost is not re-added
    assert len(det.index) == 2
    det.check(text=make_text(13), meta={"label": "bogus"}, id="x")
    assert det.index.get("x")["label"] == "unknown"
    det.close()


def test_learning_off_by_default(spec):
    det = _detector(spec)
    det.check(text=make_text(1))
    assert len(det.index) == 0
    det.close()


def test_index_failure_becomes_a_plugin_hit_not_a_crash(tmp_path):
    bad = tmp_path / "junk.db"
    bad.write_bytes(b"not a database" * 100)
    det = _detector(f"sqlite:{bad}")
    v = det.check(text=make_text(1))
    assert v.hit("PLUGIN_CHECK_FAILED") is not None
    assert any("neardup" in e for e in v.errors)


@pytest.mark.parametrize(("key", "value"), [
    ("index.learn", "yes"), ("index.threshold", 2), ("index.allowlist", "abc"),
    ("index.repost_weight", "x"), ("index.limit", -1),
])
def test_invalid_options_are_config_errors(key, value):
    with pytest.raises(ConfigError, match=key):
        Detector(config=Config({"options": {key: value}}), load_entrypoints=False)


def test_index_from_configuration_file(tmp_path, monkeypatch):
    (tmp_path / "spamdetect.toml").write_text(
        f'index = "sqlite:{(tmp_path / "cfg.db").as_posix()}"\n[options]\n"index.learn" = true\n',
        encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    det = Detector(load_entrypoints=False)
    det.check(text=make_text(1), id="a")
    assert det.index is not None and "a" in det.index
    det.close()


def test_index_argument_applies_to_an_already_used_config(spec):
    cfg = Config({})
    assert cfg.profile(None).index is None          # resolved (and cached) before
    det = Detector(config=cfg, index=spec, load_entrypoints=False)
    assert det.index is not None and det.config.profile(None).index == spec
    det.close()
