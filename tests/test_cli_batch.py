"""``spamdetect check --jobs N`` and its progress bar, through the real command line.

The progress test gives the command a real pseudo-terminal (with a window
size, as a terminal has) on stderr: the bar shows documents/s there and is
transient; with stderr not a terminal, or tqdm not importable, there is no
bar and the results are unchanged.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

MARKER_DIR = Path(__file__).parent / "plugins" / "crawler"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli-batch") / "docs.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(4000):
            text = f"第{i}篇,含农场标记。" if i % 9 == 0 else f"第{i}篇:今天天气很好,我们去公园散步。"
            fh.write(json.dumps({"id": f"d{i}", "text": text}, ensure_ascii=False) + "\n")
    return path


def _cmd(corpus: Path, jobs: int, *extra: str) -> list[str]:
    return [sys.executable, "-m", "detector", "check", "--plugins-dir", str(MARKER_DIR),
            "--format", "jsonl", "--exit-zero", "--jobs", str(jobs), *extra, str(corpus)]


def _env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "SPAMDETECT_LOAD_PLUGINS": "", **extra}
    env.pop("CI", None)  # tqdm/click behave the same; keep the environment plain
    return env


def _run_with_tty_stderr(cmd: list[str], env: dict[str, str]) -> tuple[int, bytes, bytes]:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave,
                            env=env)
    os.close(slave)
    err = b""
    out_chunks = []
    open_fds = {master, proc.stdout.fileno()}
    while open_fds:
        ready, _, _ = select.select(list(open_fds), [], [], 0.2)
        for fd in ready:
            try:
                data = os.read(fd, 1 << 16)
            except OSError:  # EIO on the pty once the child has exited
                data = b""
            if not data:
                open_fds.discard(fd)
            elif fd == master:
                err += data
            else:
                out_chunks.append(data)
        if not ready and proc.poll() is not None:
            break
    out_chunks.append(proc.stdout.read())
    proc.wait(timeout=60)
    os.close(master)
    return proc.returncode, b"".join(out_chunks), err


def _records(stdout: bytes) -> list[dict]:
    recs = [json.loads(x) for x in stdout.decode().splitlines() if x.strip()]
    for r in recs:
        r.pop("timings_ms")
    return recs


def test_jobs_2_gives_the_same_records_in_the_same_order(corpus):
    one = subprocess.run(_cmd(corpus, 1), capture_output=True, env=_env(), timeout=300)
    two = subprocess.run(_cmd(corpus, 2), capture_output=True, env=_env(), timeout=300)
    assert one.returncode == two.returncode == 0, two.stderr
    a, b = _records(one.stdout), _records(two.stdout)
    assert len(a) == 4000 and [r["id"] for r in b] == [f"d{i}" for i in range(4000)]
    assert a == b
    assert sum(r["action"] == "reject" for r in b) == len(range(0, 4000, 9))
    # stderr is not a terminal here: no progress output at all.
    assert b"doc/s" not in two.stderr and two.stderr.strip() == b""


def test_progress_bar_with_documents_per_second_on_a_terminal(corpus):
    code, out, err = _run_with_tty_stderr(_cmd(corpus, 2), _env())
    assert code == 0, err[-2000:]
    assert b"doc/s" in err
    assert err.rstrip(b" ").endswith(b"\r")  # transient: the bar line is cleared at the end
    assert len(_records(out)) == 4000  # stdout still carries results only


def test_no_progress_bar_and_no_crash_without_tqdm(corpus, tmp_path):
    fake = tmp_path / "no_tqdm"
    (fake / "tqdm").mkdir(parents=True)
    (fake / "tqdm" / "__init__.py").write_text("raise ImportError('tqdm is not installed')\n")
    pp = os.environ.get("PYTHONPATH")
    env = _env(PYTHONPATH=str(fake) + (os.pathsep + pp if pp else ""))
    code, out, err = _run_with_tty_stderr(_cmd(corpus, 2), env)
    assert code == 0, err[-2000:]
    assert b"doc/s" not in err
    assert len(_records(out)) == 4000


def test_jsonl_lines_made_in_workers_equal_records_made_in_the_parent():
    from detector import Config, Detector
    from detector.output import Result
    from detector.output.json import dumps, record, verdict_line, with_source

    det = Detector(config=Config(), load_entrypoints=False)
    texts = ["小编导语:今天为大家带来一篇文章。\n小编总结:以上就是全部内容。", "普通的一段话。", "",
             "联系电话 139-1234-5678 加微信 abc12345", '引号"与\\反斜杠\t和控制字符\x01']
    for i, t in enumerate(texts):
        v = det.check(text=t, id=f"id-{i}")
        for source, line in (("a.jsonl", 3), ("目录/文件.txt", 0), ('we"ird\\.jsonl', 12)):
            action, body = verdict_line(v)
            assert action == v.action
            assert with_source(body, source, line) == dumps(record(Result(source, v, line)))
