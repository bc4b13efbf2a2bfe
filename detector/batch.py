"""Parallel batches: check a stream of documents in worker processes.

:meth:`Detector.check_many(items, jobs=N) <detector.engine.Detector.check_many>`
delegates here when ``N > 1``. The design, in the order a crawler operator
cares about it:

Workers start once.
    ``N`` processes are started when the batch begins (``fork`` on Linux,
    ``forkserver``/``spawn`` elsewhere; ``SPAMDETECT_MP_START`` overrides).
    A forked worker uses the parent's Detector as inherited (copy-on-write,
    nothing rebuilt); otherwise each builds its own :class:`~detector.Detector` from the
    parent's constructor arguments (configuration, plugins directory, entry
    points, plugin objects). Rules, views and the near-duplicate index are
    therefore built once per worker, never per document.

Input is read lazily, memory is bounded.
    Items are pulled from the iterable in chunks of ``chunksize`` only while
    fewer than ``2 * N`` chunks are in flight or waiting to be yielded, so at
    most ``2 * N * chunksize`` documents are held at any time whether the
    input has ten lines or a billion.

Output is in input order.
    Results are buffered per chunk and yielded strictly in input order,
    however the workers interleave.

A failure never loses the other documents.
    An item that raises (bad input type, a bug) becomes an error verdict in
    its own position (``errors`` set, ``truncated`` true, action ``allow``:
    nothing was found, and nothing is claimed). An item that cannot be
    pickled gets the same treatment in the parent. A worker that dies (killed,
    out of memory, a crash in a C extension) is replaced; its unfinished
    chunks are retried one document at a time, and a document that kills a
    worker again gets an error verdict.

Tasks go to each worker through its own :class:`multiprocessing.Queue`
(whose feeder thread means the parent never blocks on a full pipe) and
results come back through one pipe per worker, which the parent waits on
together with the workers' process sentinels.
"""

from __future__ import annotations

import copy
import itertools
import multiprocessing as mp
import os
import pickle
import sys
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from types import ModuleType
from typing import Any

from .document import Document
from .errors import DetectorError
from .verdict import Verdict

#: Chunks each worker may hold (one running, one queued) before the parent waits.
_PER_WORKER = 2
#: Seconds to wait for workers to exit cleanly before terminating them.
_JOIN_TIMEOUT = 5.0


def _item_id(item: Any) -> str | None:
    if isinstance(item, Document):
        return item.id
    if isinstance(item, Mapping):
        v = item.get("id")
        return None if v is None else str(v)
    return None


def error_verdict(item: Any, message: str) -> Verdict:
    """The verdict given in place of an item that could not be checked.

    Args:
        item: The batch item (its ``id`` is echoed when it has one).
        message: What went wrong; stored in ``Verdict.errors``.

    Returns:
        A verdict with score 0, action ``allow``, ``truncated`` true and the
        error message, so a consumer can tell it apart from a clean verdict.
    """
    return Verdict(score=0.0, action="allow", truncated=True, id=_item_id(item),
                   errors=[message[:1000]])


# ---------------------------------------------------------------------------
# pickling helpers


def _portable_plugins(plugins: Iterable[object]) -> tuple[Any, ...]:
    """Plugins as picklable values: modules travel by name."""
    out: list[Any] = []
    for p in plugins:
        if isinstance(p, ModuleType):
            out.append(("__module__", p.__name__))
        else:
            out.append(p)
    return tuple(out)


def _restore_plugins(plugins: Iterable[Any]) -> tuple[object, ...]:
    import importlib

    out: list[object] = []
    for p in plugins:
        if isinstance(p, tuple) and len(p) == 2 and p[0] == "__module__":
            out.append(importlib.import_module(p[1]))
        else:
            out.append(p)
    return tuple(out)


def _portable_item(item: Any) -> Any:
    """A copy of a Document without its view cache and builder table."""
    if isinstance(item, Document):
        doc = copy.copy(item)
        doc._views = {}
        doc._builders = {}
        return doc
    return item


def _dumps_chunk(items: list[Any]) -> tuple[bytes | None, dict[int, str]]:
    """Pickle a chunk; on failure pickle item by item and report the bad ones.

    Returns:
        ``(payload, bad)``: the pickled list of items (None stands in for a
        bad item) and ``{position: error message}`` for items that failed.
    """
    portable = [_portable_item(x) for x in items]
    try:
        return pickle.dumps(portable, protocol=pickle.HIGHEST_PROTOCOL), {}
    except Exception:  # noqa: BLE001 - find the culprits below
        pass
    bad: dict[int, str] = {}
    for i, x in enumerate(portable):
        try:
            pickle.dumps(x, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001
            bad[i] = f"batch: item cannot be sent to a worker: {type(exc).__name__}: {exc}"
            portable[i] = None
    return pickle.dumps(portable, protocol=pickle.HIGHEST_PROTOCOL), bad


# ---------------------------------------------------------------------------
# the worker process


def _build_detector(init_args: Mapping[str, Any]) -> Any:
    from pathlib import Path

    from .config import Config
    from .engine import Detector

    path = init_args.get("config_path")
    config = Config(init_args.get("config_data") or {}, Path(path) if path else None)
    return Detector(
        config=config,
        plugins=_restore_plugins(init_args.get("picklable_plugins") or ()),
        plugins_dir=init_args.get("plugins_dir"),
        load_entrypoints=bool(init_args.get("load_entrypoints", True)),
    )


def _worker_main(init_args: Mapping[str, Any], tasks: Any, conn: Any, inherited: Any = None) -> None:
    """Worker loop: build a Detector (or use the one inherited by fork), then check chunks."""
    try:
        det = inherited if inherited is not None else _build_detector(init_args)
    except BaseException as exc:  # noqa: BLE001 - report and stop
        conn.send(("init_error", f"{type(exc).__name__}: {exc}"))
        conn.close()
        return
    conn.send(("ready", os.getpid()))
    while True:
        task = tasks.get()
        if task is None:
            break
        task_id, payload, render = task
        try:
            items = pickle.loads(payload)
        except Exception as exc:  # noqa: BLE001
            conn.send(("task_error", task_id, f"batch: cannot unpickle chunk: {exc}"))
            continue
        out: list[Any] = []
        for item in items:
            if item is None:  # not picklable in the parent; it reports it
                out.append(None)
                continue
            try:
                v = det.check_item(item)
            except Exception as exc:  # noqa: BLE001 - one item never stops the batch
                tb = traceback.format_exception_only(type(exc), exc)[-1].strip()
                v = error_verdict(item, f"batch: check failed: {tb}")
            out.append(v if render is None else render(v))
        conn.send(("done", task_id, out))
    conn.close()


# ---------------------------------------------------------------------------
# the parent side


@dataclass
class _Task:
    id: int
    start: int  # input index of the first item
    items: list[Any]
    retry: bool = False


@dataclass
class _Worker:
    proc: Any
    tasks: Any
    conn: Any
    inflight: dict[int, _Task] = field(default_factory=dict)
    ready: bool = False


def _default_context() -> Any:
    """``fork`` on Linux, else ``forkserver`` (POSIX) or ``spawn``.

    ``fork`` starts fastest and never re-imports the caller's main module (a
    plain script without an ``if __name__ == "__main__"`` guard works). The
    workers only run this module's loop and build their own Detector, so
    nothing they need is held by another thread of the parent.
    ``SPAMDETECT_MP_START=fork|forkserver|spawn`` overrides the choice.
    """
    methods = mp.get_all_start_methods()
    wanted = os.environ.get("SPAMDETECT_MP_START", "").strip().lower()
    if wanted:
        if wanted not in methods:
            raise DetectorError(f"SPAMDETECT_MP_START={wanted!r} is not available here "
                                f"(choose from {', '.join(methods)})")
        return mp.get_context(wanted)
    if sys.platform.startswith("linux") and "fork" in methods:
        return mp.get_context("fork")
    if sys.platform != "win32" and "forkserver" in methods:
        return mp.get_context("forkserver")
    return mp.get_context("spawn")


class _Pool:
    """Worker processes, their in-flight tasks, and replacement of dead ones."""

    def __init__(self, init_args: Mapping[str, Any], jobs: int, ctx: Any,
                 detector: Any = None) -> None:
        self.init_args = dict(init_args)
        # A forked worker can use the parent's Detector as it is (copy-on-write
        # memory, no rebuild); other start methods would have to pickle it.
        self.inherited = detector if ctx.get_start_method() == "fork" else None
        self.init_args["picklable_plugins"] = _portable_plugins(
            self.init_args.get("picklable_plugins") or ())
        try:
            if self.inherited is None:
                pickle.dumps(self.init_args)
        except Exception as exc:  # noqa: BLE001
            raise DetectorError(
                "check_many(jobs>1) needs picklable plugin objects (or importable modules): "
                f"{type(exc).__name__}: {exc}") from None
        self.ctx = ctx
        self.workers: list[_Worker] = [self._start() for _ in range(jobs)]

    def _start(self) -> _Worker:
        tasks = self.ctx.Queue()
        recv, send = self.ctx.Pipe(duplex=False)
        proc = self.ctx.Process(target=_worker_main,
                                args=(self.init_args, tasks, send, self.inherited),
                                name="spamdetect-worker", daemon=True)
        proc.start()
        send.close()
        return _Worker(proc, tasks, recv)

    def replace(self, w: _Worker) -> _Worker:
        """Start a new worker in place of the dead ``w``."""
        idx = self.workers.index(w)
        self._discard(w)
        nw = self._start()
        self.workers[idx] = nw
        return nw

    @staticmethod
    def _discard(w: _Worker) -> None:
        try:
            w.conn.close()
        except OSError:
            pass
        w.tasks.close()
        if w.ready and w.proc.exitcode == 0:
            w.tasks.join_thread()  # flushed: the worker read everything, sentinel included
        else:
            w.tasks.cancel_join_thread()  # nobody will read what is left

    def free_worker(self) -> _Worker | None:
        """The live worker with the fewest tasks, if it has room for one more."""
        cands = [w for w in self.workers if len(w.inflight) < _PER_WORKER]
        if not cands:
            return None
        return min(cands, key=lambda w: len(w.inflight))

    def close(self) -> None:
        """Ask workers to stop, then make sure they have."""
        for w in self.workers:
            try:
                w.tasks.put(None)
            except (OSError, ValueError):
                pass
        for w in self.workers:
            w.proc.join(_JOIN_TIMEOUT)
            if w.proc.is_alive():
                w.proc.terminate()
                w.proc.join(_JOIN_TIMEOUT)
            self._discard(w)


def parallel_check(init_args: Mapping[str, Any], items: Iterable[Any], *, jobs: int,
                   chunksize: int = 32, mp_context: Any = None,
                   detector: Any = None, render: Callable[[Verdict], Any] | None = None) -> Iterator[Any]:
    """Check ``items`` in ``jobs`` worker processes, yielding verdicts in input order.

    Args:
        init_args: The parent Detector's constructor arguments
            (``Detector._init_args``): ``config_path``, ``config_data``,
            ``plugins_dir``, ``load_entrypoints``, ``picklable_plugins``.
        items: Batch items (mappings, strings or Documents), consumed lazily.
        jobs: Number of worker processes (>= 1).
        chunksize: Items sent to a worker at a time.
        detector: The parent's Detector. Forked workers use it directly
            (nothing to rebuild or pickle); with other start methods each
            worker builds its own from ``init_args``.
        mp_context: A :mod:`multiprocessing` context (default: ``fork`` on
            Linux, else ``forkserver``/``spawn``, which re-import the
            caller's main module: it then needs an ``if __name__ ==
            "__main__"`` guard).
        render: A picklable function (module level) applied to each verdict
            in the worker that made it; its results are yielded instead of
            verdicts. Serialising output in the workers keeps the parent,
            which shares the cores, nearly idle (``spamdetect check --format
            jsonl --jobs N`` renders its lines this way). It must not raise
            and must not return None.

    Yields:
        One :class:`~detector.verdict.Verdict` (or ``render(verdict)``) per
        item, in input order. Items that could not be checked get an
        :func:`error_verdict`.

    Raises:
        DetectorError: when the workers cannot build a Detector, or a plugin
            object cannot be sent to them.
    """
    jobs = max(1, int(jobs))
    chunksize = max(1, int(chunksize))
    pool = _Pool(init_args, jobs, mp_context or _default_context(), detector)
    source = iter(items)
    exhausted = False
    next_index = 0  # input index of the next verdict to yield
    read = 0  # items pulled from the input so far
    results: dict[int, Any] = {}
    task_ids = itertools.count()
    retries: deque[_Task] = deque()
    window = _PER_WORKER * jobs * chunksize

    def failed(item: Any, message: str) -> Any:
        v = error_verdict(item, message)
        return v if render is None else render(v)

    def submit(w: _Worker, task: _Task) -> None:
        payload, bad = _dumps_chunk(task.items)
        for pos, msg in bad.items():
            results[task.start + pos] = failed(task.items[pos], msg)
        w.inflight[task.id] = task
        w.tasks.put((task.id, payload, render))

    def lost(w: _Worker, reason: str) -> None:
        # A worker runs its tasks in order, so only the oldest one can have
        # killed it: that chunk is retried one document at a time (a single
        # document that kills a worker again gets an error verdict); the
        # tasks queued behind it are simply sent again.
        for n, task in enumerate(w.inflight.values()):
            todo = [(task.start + i, item) for i, item in enumerate(task.items)
                    if task.start + i not in results]
            if n > 0:
                if todo:
                    retries.append(task)
            elif task.retry:
                for idx, item in todo:
                    results[idx] = failed(item, reason)
            else:
                for idx, item in todo:
                    retries.append(_Task(next(task_ids), idx, [item], retry=True))
        w.inflight.clear()

    def handle(w: _Worker, msg: tuple[Any, ...]) -> None:
        kind = msg[0]
        if kind == "ready":
            w.ready = True
        elif kind == "init_error":
            raise DetectorError(f"batch worker cannot start: {msg[1]}")
        elif kind == "task_error":
            task = w.inflight.pop(msg[1], None)
            if task is not None:
                for i, item in enumerate(task.items):
                    results.setdefault(task.start + i, failed(item, msg[2]))
        elif kind == "done":
            task = w.inflight.pop(msg[1], None)
            if task is not None:
                for i, v in enumerate(msg[2]):
                    if v is not None:
                        results[task.start + i] = v

    try:
        while True:
            # 1. Hand out work: retries first, then fresh chunks within the window.
            while True:
                w = pool.free_worker()
                if w is None:
                    break
                if retries:
                    submit(w, retries.popleft())
                    continue
                if exhausted or read - next_index >= window:
                    break
                chunk = list(itertools.islice(source, chunksize))
                if not chunk:
                    exhausted = True
                    break
                submit(w, _Task(next(task_ids), read, chunk))
                read += len(chunk)
            # 2. Yield everything that is ready, in order.
            progressed = False
            while next_index in results:
                yield results.pop(next_index)
                next_index += 1
                progressed = True
            if exhausted and next_index >= read and not retries:
                return
            if progressed:
                continue  # room in the window again: hand out more work first
            # 3. Wait for a result or a worker's death.
            conns = {w.conn: w for w in pool.workers}
            sentinels = {w.proc.sentinel: w for w in pool.workers}
            ready = wait(list(conns) + list(sentinels))
            dead: list[_Worker] = []
            for obj in ready:
                if obj in conns:
                    w = conns[obj]
                    try:
                        while w.conn.poll():
                            handle(w, w.conn.recv())
                    except (EOFError, OSError):
                        if w not in dead:
                            dead.append(w)
                else:
                    w = sentinels[obj]
                    # Drain what it sent before dying.
                    try:
                        while w.conn.poll():
                            handle(w, w.conn.recv())
                    except (EOFError, OSError):
                        pass
                    if w not in dead:
                        dead.append(w)
            for w in dead:
                if not w.ready:
                    code = w.proc.exitcode
                    pool._discard(w)
                    raise DetectorError(f"batch worker exited during start-up (exit code {code})")
                code = w.proc.exitcode
                lost(w, f"batch: worker process died (exit code {code}) while checking this item")
                pool.replace(w)
    finally:
        pool.close()
