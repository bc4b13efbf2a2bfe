"""Helpers shared by the service tests: the demo plugin, in-process clients, a real server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
PLUGIN_DIR = Path(__file__).parent / "plugins" / "service_site"
sys.path.insert(0, str(PLUGIN_DIR))

import service_demo  # noqa: E402

#: A fake content-farm article written for these tests (not corpus text).
SPAM_SAMPLE = (
    "小编导语:最近很多朋友问起某某平台的账单问题,本站将从几个角度为大家整理。\n"
    "一、常见情况\n1.1 逾期以后怎么办\n很多人第一次遇到这种情况会很紧张。\n"
    "六、小编总结\n希望以上内容对大家有帮助。\n"
    "内容侵权、删帖举报联系方式:13912345678"
)


def demo_detector(**config):
    """A Detector with the builtin plugins plus the demo checks."""
    from detector import Config, Detector

    return Detector(config=Config(config), plugins=[service_demo], load_entrypoints=False)


@asynccontextmanager
async def running(app):
    """Run the app's lifespan and yield an httpx client on its ASGI transport."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://service.test") as c:
            yield c


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``spamdetect serve`` in a subprocess on a free loopback port."""

    def __init__(self, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        cmd = [sys.executable, "-m", "detector", "serve", "--port", str(self.port),
               "--log-level", "warning", *args]
        full_env = {**os.environ, "SPAMDETECT_LOAD_PLUGINS": "", **(env or {})}
        self.log = open(os.devnull, "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(cmd, env=full_env, cwd=cwd or REPO, stdout=self.log,
                                     stderr=subprocess.PIPE, start_new_session=True)

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited {self.proc.returncode}: "
                                   f"{self.proc.stderr.read().decode(errors='replace')[-2000:]}")
            try:
                if httpx.get(self.base + "/readyz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("server did not become ready")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()
        return self.proc.returncode

    def __enter__(self) -> Server:
        self.wait_ready()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
