"""ASGI middleware: the request body limit and request metrics.

Both are plain ASGI wrappers (no Starlette ``BaseHTTPMiddleware``), so they
add no task or buffering per request.

Body limit. A declared ``Content-Length`` above the limit is answered with
413 before a single body byte is read; the server then closes the
connection instead of draining the body. A body without a length (chunked)
is counted while it streams and rejected with 413 as soon as it passes the
limit, so at most ``limit`` bytes plus one chunk are ever buffered.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.routing import Match

from .metrics import ServiceMetrics, status_class

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyTooLarge(Exception):
    """Raised from ``receive`` when a streamed body passes the limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"request body exceeds the limit of {limit} bytes")
        self.limit = limit


def error_body(code: str, message: str, fields: list[dict[str, str]] | None = None) -> bytes:
    """JSON bytes of the common error shape ``{"error", "message", "fields"}``."""
    return json.dumps({"error": code, "message": message, "fields": fields or []},
                      ensure_ascii=False).encode()


async def _send_413(send: Send, limit: int) -> None:
    body = error_body("body_too_large", f"request body exceeds the limit of {limit} bytes")
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class BodyLimitMiddleware:
    """Reject bodies larger than ``limit`` bytes with 413, without reading them.

    Args:
        app: The wrapped ASGI app.
        limit: Largest accepted body, in bytes.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer 413 for a declared or streamed body over the limit."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > limit:
                    await _send_413(send, limit)
                    return
                break
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if started:  # pragma: no cover - handlers read the body before answering
                raise
            await _send_413(send, limit)


class MetricsMiddleware:
    """Count requests by endpoint and status class and time them.

    The endpoint label is the matched route's path template
    (``/v1/index/{doc_id}``), or ``other`` for paths no route matches, so the
    label set stays bounded whatever clients send.

    Args:
        app: The wrapped ASGI app.
        metrics: Where to count.
        routes: The app's routes (for the endpoint label).
    """

    def __init__(self, app: ASGIApp, metrics: ServiceMetrics, routes: list[Any]) -> None:
        self.app = app
        self.metrics = metrics
        self.routes = routes

    def _endpoint(self, scope: Scope) -> str:
        for route in self.routes:
            match, _ = route.matches(scope)
            if match != Match.NONE:  # PARTIAL: the path matched, the method did not (405)
                return getattr(route, "path_format", None) or getattr(route, "path", "other")
        return "other"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, then count and time it."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        t0 = time.perf_counter()
        status = 500

        async def status_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, status_send)
        finally:
            endpoint = self._endpoint(scope)
            self.metrics.requests.labels(endpoint, status_class(status)).inc()
            self.metrics.request_seconds.labels(endpoint).observe(time.perf_counter() - t0)
