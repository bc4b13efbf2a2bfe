"""Shared fixtures: the corpus directory, a real redis-server, isolated detectors.

``shared_data``
    Path of ``../shared/data`` beside the repository (override with
    ``SPAMDETECT_DATA``). Missing data skips the test on a developer machine
    and *fails* it in CI (``CI=true``), so a gate can never pass by skipping.
``redis_url``
    Starts a real ``redis-server`` subprocess on a free loopback port for the
    test session and returns ``redis://127.0.0.1:PORT/0``. Missing binary:
    skip locally, fail in CI.
``detector``
    A Detector with the builtin plugins only (installed entry points are not
    loaded) and an empty configuration.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _missing(what: str) -> None:
    if IN_CI:
        pytest.fail(f"{what} is required in CI (CI=true) but missing")
    pytest.skip(f"{what} not available on this machine")


def data_dir() -> Path:
    """Where the shared corpora live."""
    env = os.environ.get("SPAMDETECT_DATA")
    return Path(env) if env else REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Path to ``../shared/data``; fails in CI when absent."""
    d = data_dir()
    if not (d / "zh-web-extraction-69").is_dir():
        _missing(f"corpus directory {d}")
    return d


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def redis_url():
    """A real redis-server on a free loopback port, for the whole session."""
    exe = shutil.which("redis-server")
    if exe is None:
        _missing("redis-server")
    port = _free_port()
    workdir = tempfile.mkdtemp(prefix="spamdetect-redis-")
    proc = subprocess.Popen(
        [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", workdir],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    break
        except OSError:
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            pytest.fail("redis-server did not start")
        time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def detector():
    """A Detector with builtin plugins only and an empty configuration."""
    from detector import Config, Detector

    return Detector(config=Config(), load_entrypoints=False)
