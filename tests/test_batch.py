"""Parallel batches: order, equality with the sequential path, bounded read-ahead, failures."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from detector import Config, Detector, Document
from detector.batch import parallel_check

MARKER_DIR = Path(__file__).parent / "plugins" / "crawler"


@pytest.fixture(scope="module")
def det() -> Detector:
    return Detector(config=Config(), load_entrypoints=False, plugins_dir=MARKER_DIR)


def _items(n: int) -> list[dict]:
    out = []
    for i in range(n):
        if i % 7 == 3:
            text = f"第{i}篇。本文含有農場標記,用于测试。"
        elif i % 11 == 5:
            text = ""
        else:
            text = f"第{i}篇:今天天气很好,我们去公园散步,看到很多人在锻炼身体。"
        out.append({"id": f"d{i}", "text": text, "url": f"https://example.org/{i}"})
    return out


def _comparable(v) -> dict:
    d = v.to_dict()
    d.pop("timings_ms")
    return d


def test_parallel_verdicts_equal_sequential_and_keep_input_order(det):
    items = _items(300)
    seq = [_comparable(v) for v in det.check_many(items, jobs=1)]
    par = [_comparable(v) for v in det.check_many(iter(items), jobs=2, chunksize=7)]
    assert [d["id"] for d in par] == [f"d{i}" for i in range(300)]
    assert par == seq
    # The marker plugin was loaded in the workers through plugins_dir.
    assert sum(d["action"] == "reject" for d in par) == sum(1 for i in range(300) if i % 7 == 3)


def test_read_ahead_is_bounded_on_a_million_line_input(det):
    pulled = 0

    def million():
        nonlocal pulled
        for i in range(1_000_000):
            pulled += 1
            yield {"id": str(i), "text": f"第{i}行,一段普通的文字。"}

    jobs, chunksize = 2, 16
    window = 2 * jobs * chunksize
    gen = det.check_many(million(), jobs=jobs, chunksize=chunksize)
    worst = 0
    for n, v in enumerate(gen, start=1):
        assert v.id == str(n - 1)
        worst = max(worst, pulled - n)
        if n == 3000:
            break
    gen.close()
    assert worst <= window
    assert pulled <= 3000 + window
    # Closing the generator stops the workers.
    assert not [p for p in multiprocessing.active_children() if p.name == "spamdetect-worker"]


def test_failing_items_get_error_verdicts_in_place(det):
    items = [
        {"id": "a", "text": "普通的一段话。"},
        12345,  # not a batch item at all
        {"id": "c", "text": "BOOM-CHECK 普通文字"},  # a check raises inside the engine
        {"id": "d", "text": "含農場標記的文字"},
        {"id": "e", "text": "x", "meta": {"callback": lambda: None}},  # cannot be pickled
        Document(text="文档对象也可以,含农场标记。", id="f"),
    ]
    out = list(det.check_many(items, jobs=2, chunksize=2))
    assert [v.id for v in out] == ["a", None, "c", "d", "e", "f"]
    assert out[0].action == "allow" and not out[0].errors
    assert out[1].errors and "check failed" in out[1].errors[0] and out[1].truncated
    assert out[2].hit("PLUGIN_CHECK_FAILED") is not None
    assert out[3].action == "reject"
    assert out[4].errors and "cannot be sent" in out[4].errors[0]
    assert out[5].action == "reject" and out[5].hits[0].evidence[0].text == "农场标记"


def test_a_worker_that_dies_loses_no_other_document(det):
    items = [{"id": str(i), "text": f"第{i}段文字,含農場標記。"} for i in range(40)]
    items[13] = {"id": "13", "text": "KILL-WORKER 这一篇让工作进程崩溃"}
    out = list(det.check_many(items, jobs=2, chunksize=8))
    assert [v.id for v in out] == [str(i) for i in range(40)]
    for i, v in enumerate(out):
        if i == 13:
            assert v.errors and "worker process died" in v.errors[0]
        else:
            assert v.action == "reject" and not v.errors, (i, v.errors)


def test_unpicklable_plugin_object_is_a_clear_error():
    class Local:  # defined in a function: cannot be pickled
        pass

    det = Detector(config=Config(), load_entrypoints=False, plugins=[Local()])
    from detector.errors import DetectorError

    with pytest.raises(DetectorError, match="picklable"):
        list(parallel_check(det._init_args, [{"text": "x"}], jobs=2))


def test_script_without_main_guard_runs_batches_twice(tmp_path):
    """A plain script (no __main__ guard) can run parallel batches repeatedly."""
    import subprocess
    import sys

    script = tmp_path / "plain.py"
    script.write_text(
        "from detector import Config, Detector\n"
        f"det = Detector(config=Config(), load_entrypoints=False, plugins_dir={str(MARKER_DIR)!r})\n"
        "items = [{'id': str(i), 'text': '含农场标记' if i % 2 else '普通文字'} for i in range(50)]\n"
        "for _ in range(2):\n"
        "    print(sum(v.action == 'reject' for v in det.check_many(items, jobs=2, chunksize=4)))\n",
        encoding="utf-8")
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["25", "25"]


def test_spawned_workers_rebuild_the_detector_from_init_args(det):
    """The non-fork path: workers build their own Detector (plugins_dir included)."""
    items = _items(60)
    seq = [_comparable(v) for v in det.check_many(items, jobs=1)]
    ctx = multiprocessing.get_context("spawn")
    par = [_comparable(v) for v in parallel_check(det._init_args, items, jobs=2, chunksize=8,
                                                  mp_context=ctx)]
    assert par == seq


def test_forked_workers_share_a_sqlite_index(tmp_path):
    article = ("市图书馆昨天发布了新的开放时间安排,从下个月起,周末的闭馆时间推迟到晚上九点。"
               "馆方介绍,这次调整是根据去年读者问卷的结果作出的,超过六成的读者希望周末能多留一些时间。"
               "为了配合新的安排,图书馆还将增加两个自助借还书机,并在三楼开设一间可以小声讨论的学习室。"
               "少儿阅览区的故事会也会从每月一次改为每两周一次,由志愿者轮流主持。")
    with Detector(config=Config(), load_entrypoints=False,
                  index=f"sqlite:{tmp_path / 'idx.db'}") as d:
        assert d.index.add("original", article, label="spam")
        items = [{"id": f"c{i}", "text": article.replace("两个", f"{i}个") if i % 2 else "无关的一句话。"}
                 for i in range(20)]
        out = list(d.check_many(items, jobs=2, chunksize=3))
    for i, v in enumerate(out):
        ids = [n.id for n in v.near_duplicates]
        assert ids == (["original"] if i % 2 else []), (i, ids)


def _summary(v) -> tuple:
    """A module-level render function (workers receive it by reference)."""
    return (v.id, v.action, tuple(sorted(h.rule for h in v.hits)), tuple(v.errors))


@pytest.mark.parametrize("jobs", [1, 2])
def test_render_runs_on_every_verdict_including_error_verdicts(det, jobs):
    items = _items(60) + [
        12345,  # not an item: error verdict made in the worker
        {"id": "e", "text": "x", "meta": {"callback": lambda: None}},  # unpicklable: error verdict in the parent
        {"id": "k", "text": "KILL-WORKER 让工作进程崩溃"},  # lost worker: error verdict in the parent
    ]
    if jobs == 1:
        items = items[:-2]  # in-process, these two are not batch failures
    plain = [_summary(v) for v in det.check_many(items, jobs=1)] if jobs == 1 else None
    got = list(det.check_many(items, jobs=jobs, chunksize=5, render=_summary))
    assert [g[0] for g in got[:60]] == [f"d{i}" for i in range(60)]
    assert all(isinstance(g, tuple) for g in got)
    if plain is not None:
        assert got == plain
    assert got[60][3] and "check failed" in got[60][3][0]
    if jobs == 2:
        assert got[61][0] == "e" and "cannot be sent" in got[61][3][0]
        assert got[62][0] == "k" and "worker process died" in got[62][3][0]
    seq = [_summary(v) for v in det.check_many(_items(60), jobs=1)]
    assert got[:60] == seq
