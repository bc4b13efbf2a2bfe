"""The FastAPI application: endpoints, errors, and the Detector's lifecycle.

:func:`create_app` is a factory. Nothing is built at import time: the
Detector (rules, plugins, the near-duplicate index) is built in the app's
``lifespan`` when the server starts, in a worker thread so that a large rule
set does not block the event loop, and ``/readyz`` answers 200 only once it
is there and the index answers.

Every endpoint is a thin adapter over the Python API: ``POST /v1/check``
calls :meth:`Detector.check` and returns :meth:`Verdict.to_dict` unchanged,
so the HTTP answer is byte-for-byte the record the CLI prints. Checks run in
a thread pool bounded by ``settings.threads``: the event loop keeps
answering ``/livez`` and ``/metrics`` while a long document is checked, and
the engine's per-document time budget turns a slow check into a partial
verdict (``truncated: true`` and a ``LIMIT_TIME_BUDGET`` hit), never a 500.

Errors all have one JSON shape, ``{"error", "message", "fields"}``; 422
answers name each invalid field (``documents[1].text``).

Index writes (``POST /v1/index``, ``DELETE /v1/index/{id}``) are serialised
by a lock inside each worker; across workers the index backend serialises
them (Redis commands are atomic; the SQLite index writes in transactions
with a busy timeout).
"""

from __future__ import annotations

import hmac
import json
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qs

import anyio
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from .._version import __version__
from ..errors import IndexError_
from .metrics import ServiceMetrics
from .middleware import BodyLimitMiddleware, BodyTooLarge, MetricsMiddleware
from .models import (
    BatchIn,
    BatchOut,
    DocumentIn,
    ErrorOut,
    IndexIn,
    IndexOut,
    RulesOut,
    StatusOut,
    VerdictOut,
)
from .page import PAGE_HEADERS, render_page
from .settings import ServiceSettings

#: Media types of raw bodies (checked as bytes with their Content-Type).
RAW_TYPES = frozenset({
    "application/octet-stream", "application/xhtml+xml", "application/xml",
})

_log = logging.getLogger("spamdetect.service")

_ERROR_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 413: "body_too_large", 415: "unsupported_media_type",
    409: "index_not_configured", 422: "invalid_request", 500: "internal_error",
    503: "not_ready",
}


class APIError(Exception):
    """An error answered with the common JSON error shape."""

    def __init__(self, status: int, message: str, fields: list[dict[str, str]] | None = None,
                 *, code: str | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = fields or []
        self.code = code or _ERROR_CODES.get(status, "error")
        self.headers = headers


def _error_response(status: int, code: str, message: str,
                    fields: list[dict[str, str]] | None = None,
                    headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": code, "message": message, "fields": fields or []},
                        status_code=status, headers=headers)


def _loc_name(loc: tuple[Any, ...] | list[Any], skip: tuple[str, ...] = ("body",)) -> str:
    """``("documents", 2, "text")`` → ``documents[2].text``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in skip and not out:
            continue
        else:
            out += f".{part}" if out else str(part)
    return out or "body"


def _field_errors(errors: list[dict[str, Any]], skip: tuple[str, ...] = ("body",)) -> list[dict[str, str]]:
    out = []
    for err in errors:
        msg = str(err.get("msg", "invalid"))
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        out.append({"field": _loc_name(err.get("loc", ()), skip), "message": msg})
    return out


def _invalid(fields: list[dict[str, str]]) -> APIError:
    first = fields[0]
    more = f" (and {len(fields) - 1} more)" if len(fields) > 1 else ""
    return APIError(422, f"{first['field']}: {first['message']}{more}", fields)


def _validate(model: type[BaseModel], data: Any) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _invalid(_field_errors(exc.errors(include_url=False, include_input=False))) from None


def _parse_json(body: bytes) -> Any:
    if not body.strip():
        raise _invalid([{"field": "body", "message": "empty body; expected a JSON object"}])
    try:
        return json.loads(body)
    except RecursionError:
        raise _invalid([{"field": "body", "message": "JSON nested too deeply"}]) from None
    except UnicodeDecodeError:
        raise _invalid([{"field": "body", "message": "JSON body is not valid UTF-8"}]) from None
    except ValueError as exc:
        raise _invalid([{"field": "body", "message": f"invalid JSON: {exc}"}]) from None


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def _error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {c: {"model": ErrorOut, "description": _ERROR_CODES.get(c, "error")} for c in codes}


_DOC_SCHEMA_REF = {"$ref": "#/components/schemas/DocumentIn"}
_CHECK_BODY = {
    "requestBody": {
        "required": True,
        "description": "One document, a batch ``{\"documents\": [...]}``, or the raw bytes of a "
                       "page with its Content-Type (``text/html; charset=gbk``, ``text/plain``, "
                       "``application/octet-stream``…); raw bodies take title/url/site/id "
                       "as query parameters.",
        "content": {
            "application/json": {"schema": {"anyOf": [
                _DOC_SCHEMA_REF, {"$ref": "#/components/schemas/BatchIn"}]}},
            "text/html": {"schema": {"type": "string"}},
            "text/plain": {"schema": {"type": "string"}},
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
        },
    },
}
_INDEX_BODY = {
    "requestBody": {"required": True, "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/IndexIn"}}}},
}


class _State:
    """Per-app runtime state (the Detector and what depends on it)."""

    def __init__(self) -> None:
        self.detector: Any = None
        self.limiter: anyio.CapacityLimiter | None = None
        self.index_lock = threading.Lock()
        self.started = time.time()
        self.ready = False
        #: Last known index health; /metrics reads the size only while True
        #: (so a scrape never waits on an unreachable index).
        self.index_ok = False


def _index_of(detector: Any) -> Any:
    return getattr(detector, "index", None) if detector is not None else None


def _index_size(detector: Any) -> int | None:
    try:
        index = _index_of(detector)
        return None if index is None else int(len(index))
    except Exception:  # noqa: BLE001 - a scrape must not fail because the index is down
        return None


def create_app(
    detector: Any = None,
    *,
    config: Any = None,
    settings: ServiceSettings | None = None,
    plugins: tuple[object, ...] = (),
    detector_factory: Callable[[], Any] | None = None,
) -> FastAPI:
    """Build the HTTP app.

    Args:
        detector: A ready :class:`~detector.Detector` to serve. When None,
            one is built in the lifespan from ``config`` and ``settings``.
        config: Detector configuration (a :class:`~detector.Config` or a
            path); defaults to ``settings.config_path`` or the usual search.
        settings: Service settings (limits, API key, index…).
        plugins: Extra plugin objects for the Detector built in the lifespan.
        detector_factory: Overrides how the Detector is built (called in a
            worker thread at startup).

    Returns:
        The FastAPI app; run it with uvicorn or :func:`detector.service.serve`.
    """
    settings = settings or ServiceSettings()
    state = _State()
    metrics = ServiceMetrics()

    def build_detector() -> Any:
        if detector_factory is not None:
            return detector_factory()
        from ..engine import Detector

        return Detector(
            config=config if config is not None else settings.config_path,
            plugins=plugins, plugins_dir=settings.plugins_dir,
            load_entrypoints=settings.load_entrypoints, index=settings.index,
        )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state.limiter = anyio.CapacityLimiter(settings.threads)
        det = detector if detector is not None else await anyio.to_thread.run_sync(build_detector)
        try:
            # Open the index now (not on the first request); an unreachable
            # index is reported by /readyz instead of stopping the server.
            state.index_ok = await anyio.to_thread.run_sync(lambda: _index_of(det)) is not None
        except Exception as exc:  # noqa: BLE001
            _log.warning("near-duplicate index not reachable at startup: %s", exc)
        state.detector = det
        profiles = [None, *getattr(getattr(det, "config", None), "profile_names", [])]
        metrics.rule_ids = frozenset(r.id for p in profiles for r in det.rules(p))
        metrics.set_index_size(lambda: _index_size(state.detector) if state.index_ok else None)
        state.ready = True
        try:
            yield
        finally:
            state.ready = False
            if detector is None and hasattr(det, "close"):
                try:
                    det.close()  # closes the index it opened
                except Exception as exc:  # noqa: BLE001 - shutting down anyway
                    _log.warning("closing the detector failed: %s", exc)

    app = FastAPI(
        title="spamdetect",
        version=__version__,
        description="Explainable spam / content-farm pre-filter for Chinese-first web content.",
        lifespan=lifespan,
        docs_url=None,  # Swagger UI would load third-party scripts; /openapi.json is served.
        redoc_url=None,
    )
    app.state.service = state
    app.state.metrics = metrics
    app.state.settings = settings

    # -- errors -------------------------------------------------------------
    @app.exception_handler(APIError)
    async def _api_error(request: Request, exc: APIError) -> JSONResponse:
        return _error_response(exc.status, exc.code, exc.message, exc.fields, exc.headers)

    @app.exception_handler(BodyTooLarge)
    async def _too_large(request: Request, exc: BodyTooLarge) -> JSONResponse:
        return _error_response(413, "body_too_large", str(exc), headers={"connection": "close"})

    @app.exception_handler(RequestValidationError)
    async def _request_invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        fields = _field_errors(list(exc.errors()), skip=("body", "query", "path", "header"))
        err = _invalid(fields or [{"field": "request", "message": "invalid request"}])
        return _error_response(422, err.code, err.message, err.fields)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _ERROR_CODES.get(exc.status_code, "error")
        return _error_response(exc.status_code, code, str(exc.detail), headers=exc.headers)

    @app.exception_handler(IndexError_)
    async def _index_down(request: Request, exc: IndexError_) -> JSONResponse:
        state.index_ok = False
        return _error_response(503, "index_unavailable", f"near-duplicate index: {exc}",
                               headers={"retry-after": "5"})

    @app.exception_handler(ClientDisconnect)
    async def _gone(request: Request, exc: ClientDisconnect) -> Response:
        # The client left before sending its whole body: nobody reads this answer.
        return Response(status_code=400)

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:
        return _error_response(500, "internal_error", f"internal error: {type(exc).__name__}")

    # -- helpers --------------------------------------------------------------
    def ready_detector() -> Any:
        if not state.ready or state.detector is None:
            raise APIError(503, "the detector is still loading", headers={"retry-after": "1"})
        return state.detector

    async def in_thread(fn: Callable[[], Any]) -> Any:
        return await anyio.to_thread.run_sync(fn, limiter=state.limiter)

    def observe(verdicts: list[dict[str, Any]]) -> None:
        for v in verdicts:
            metrics.observe_verdict(v)
            metrics.check_seconds.observe(v.get("timings_ms", {}).get("total", 0.0) / 1000.0)

    def require_key(request: Request) -> None:
        key = settings.api_key
        if not key:
            return
        given = request.headers.get("x-api-key")
        auth = request.headers.get("authorization", "")
        if given is None and auth[:7].lower() == "bearer ":
            given = auth[7:].strip()
        if not given:
            raise APIError(401, "this endpoint needs an API key (Authorization: Bearer <key> "
                           "or X-API-Key)", headers={"www-authenticate": "Bearer"})
        if not hmac.compare_digest(given.encode("utf-8", "replace"), key.encode("utf-8")):
            raise APIError(403, "the API key is not valid")

    def require_index(det: Any) -> Any:
        index = _index_of(det)
        if index is None:
            raise APIError(409, "this server runs without a near-duplicate index "
                           "(start it with --index sqlite:PATH or --index redis://…)")
        return index

    # -- endpoints --------------------------------------------------------------
    @app.post(
        "/v1/check",
        summary="Check one document, a batch, or raw bytes",
        response_model=VerdictOut | BatchOut,
        responses=_error_responses(413, 415, 422, 503),
        openapi_extra=_CHECK_BODY,
    )
    async def check(
        request: Request,
        title: str | None = Query(None, description="Title (raw bodies only)."),
        url: str | None = Query(None, max_length=8192, description="URL (raw bodies only)."),
        site: str | None = Query(None, max_length=256, description="Site profile (raw bodies only)."),
        id: str | None = Query(None, max_length=1024, description="Id (raw bodies only)."),  # noqa: A002
    ) -> Response:
        det = ready_detector()
        media = _media_type(request)
        if media == "application/json" or media.endswith("+json"):
            data = _parse_json(await request.body())
            if not isinstance(data, dict):
                raise _invalid([{"field": "body", "message": "expected a JSON object: one "
                                 "document, or {\"documents\": [...]}"}])
            if "documents" in data:
                batch = _validate(BatchIn, data)
                if len(batch.documents) > settings.max_batch:
                    raise _invalid([{"field": "documents", "message": f"at most "
                                     f"{settings.max_batch} documents per request"}])
                items = [d.model_dump(exclude_none=True) for d in batch.documents]
                verdicts = await in_thread(lambda: [det.check_item(i).to_dict() for i in items])
                observe(verdicts)
                return JSONResponse({"version": __version__, "results": verdicts, "errors": []})
            kwargs = _validate(DocumentIn, data).model_dump(exclude_none=True)
        elif media.startswith("text/") or media in RAW_TYPES:
            body = await request.body()
            kwargs = {"data": body, "content_type": request.headers.get("content-type"),
                      "title": title, "url": url, "site": site, "id": id}
        else:
            raise APIError(415, f"unsupported Content-Type {media or None!r}: send application/json, "
                           "text/*, application/xhtml+xml, application/xml or "
                           "application/octet-stream")
        verdict = await in_thread(lambda: det.check(**kwargs).to_dict())
        observe([verdict])
        return JSONResponse(verdict)

    @app.post(
        "/v1/index",
        summary="Teach the near-duplicate index a document (spam, ham or unknown)",
        response_model=IndexOut,
        status_code=201,
        responses={200: {"model": IndexOut, "description": "replaced an existing entry"},
                   **_error_responses(401, 403, 409, 413, 415, 422, 503)},
        openapi_extra=_INDEX_BODY,
    )
    async def index_add(request: Request) -> Response:
        require_key(request)
        det = ready_detector()
        if _media_type(request) != "application/json":
            raise APIError(415, "send the document as application/json")
        item = _validate(IndexIn, _parse_json(await request.body()))
        index = require_index(det)

        def add() -> tuple[bool, int]:
            doc = det.document(text=item.text, html=item.html)
            with state.index_lock:
                added = bool(index.add(item.id, doc.text, label=item.label, source=item.source))
                return added, len(index)

        added, size = await in_thread(add)
        state.index_ok = True
        metrics.index_updates.labels("add").inc()
        return JSONResponse({"id": item.id, "added": added, "size": size},
                            status_code=201 if added else 200)

    @app.delete(
        "/v1/index/{doc_id:path}",
        summary="Remove a document from the near-duplicate index",
        response_model=IndexOut,
        responses=_error_responses(401, 403, 404, 409, 503),
    )
    async def index_remove(request: Request, doc_id: str) -> Response:
        require_key(request)
        det = ready_detector()
        index = require_index(det)

        def remove() -> tuple[bool, int]:
            with state.index_lock:
                return bool(index.remove(doc_id)), len(index)

        removed, size = await in_thread(remove)
        state.index_ok = True
        if not removed:
            raise APIError(404, f"no document with id {doc_id!r} in the index")
        metrics.index_updates.labels("remove").inc()
        return JSONResponse({"id": doc_id, "removed": True, "size": size})

    @app.get("/v1/rules", summary="Rules the loaded checks can report", response_model=RulesOut,
             responses=_error_responses(503))
    async def rules(site: str | None = Query(None, max_length=256,
                                             description="Site profile")) -> Response:
        det = ready_detector()
        profile = det.config.profile(site)
        out = [{"id": r.id, "group": r.group, "weight": float(profile.weights.get(r.id, r.weight)),
                "description_zh": r.description_zh, "description_en": r.description_en,
                "source": r.source, "target": r.target, "scoring": r.scoring}
               for r in det.rules(site)]
        return JSONResponse({"profile": profile.name, "rules_version": det.rules_version,
                             "rules": out})

    @app.get("/livez", summary="The process answers", response_model=StatusOut)
    async def livez() -> Response:
        return JSONResponse({"status": "ok", "checks": {}})

    app.add_api_route("/healthz", livez, methods=["GET"], summary="Alias of /livez",
                      response_model=StatusOut)

    @app.get("/readyz", summary="Rules loaded and the index reachable", response_model=StatusOut,
             responses={503: {"model": StatusOut, "description": "not ready"}})
    async def readyz() -> Response:
        checks: dict[str, str] = {}
        ok = state.ready and state.detector is not None
        checks["detector"] = "ok" if ok else "loading"
        if ok and state.detector.config.profile(None).index:
            try:
                with anyio.fail_after(2.0):
                    await anyio.to_thread.run_sync(lambda: len(_index_of(state.detector)),
                                                   abandon_on_cancel=True)
                checks["index"] = "ok"
                state.index_ok = True
            except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
                ok = state.index_ok = False
                checks["index"] = f"unreachable: {type(exc).__name__}"
        return JSONResponse({"status": "ok" if ok else "not ready", "checks": checks},
                            status_code=200 if ok else 503)

    @app.get("/metrics", summary="Prometheus metrics", response_class=Response,
             responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}})
    async def metrics_endpoint(request: Request) -> Response:
        body, content_type = await anyio.to_thread.run_sync(
            lambda: metrics.exposition(request.headers.get("accept")))
        return Response(body, media_type=content_type)

    # -- review page ------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def page() -> Response:
        return HTMLResponse(render_page(), headers=PAGE_HEADERS)

    @app.post("/", response_class=HTMLResponse, include_in_schema=False)
    async def page_check(request: Request) -> Response:
        if _media_type(request) != "application/x-www-form-urlencoded":
            return HTMLResponse(render_page(error="submit the form (URL-encoded)"),
                                status_code=415, headers=PAGE_HEADERS)
        body = await request.body()
        try:
            form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True,
                            max_num_fields=16)
        except ValueError:
            return HTMLResponse(render_page(error="too many form fields"), status_code=422,
                                headers=PAGE_HEADERS)
        values = {k: v[0] for k, v in form.items()
                  if k in ("content", "format", "title", "site") and v}
        content = values.get("content", "")
        if not content.strip():
            return HTMLResponse(render_page(values, error="请输入文本 content is required"),
                                status_code=422, headers=PAGE_HEADERS)
        det = ready_detector()
        kind = "html" if values.get("format") == "html" else "text"

        def run() -> tuple[str, dict[str, Any]]:
            doc = det.document(**{kind: content}, title=values.get("title") or None,
                               site=values.get("site") or None)
            return doc.text, det.check_document(doc).to_dict()

        text, verdict = await in_thread(run)
        observe([verdict])
        return HTMLResponse(render_page(values, text=text, verdict=verdict), headers=PAGE_HEADERS)

    # -- OpenAPI: request models are parsed by hand, so publish their schemas --
    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        from fastapi.openapi.utils import get_openapi

        schema = get_openapi(title=app.title, version=app.version, description=app.description,
                             routes=app.routes)
        comps = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (DocumentIn, BatchIn, IndexIn):
            js = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, sub in js.pop("$defs", {}).items():
                comps.setdefault(name, sub)
            comps[model.__name__] = js
        schema.setdefault("components", {})["securitySchemes"] = {
            "bearer": {"type": "http", "scheme": "bearer"},
            "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
        }
        for path, method in (("/v1/index", "post"), ("/v1/index/{doc_id}", "delete")):
            op = schema.get("paths", {}).get(path, {}).get(method)
            if op is not None:
                op["security"] = [{}, {"bearer": []}, {"apiKey": []}]
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]

    app.add_middleware(BodyLimitMiddleware, limit=settings.max_body_bytes)
    app.add_middleware(MetricsMiddleware, metrics=metrics, routes=app.router.routes)
    return app
