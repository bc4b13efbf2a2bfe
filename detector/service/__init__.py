"""The moderation pre-filter HTTP service (``spamdetect serve``).

A CMS or a forum calls it before publishing a post::

    POST /v1/check       one document, a batch, or raw bytes → verdict JSON
    POST /v1/index       teach the near-duplicate index (API key if set)
    DELETE /v1/index/ID  forget an indexed document (API key if set)
    GET  /v1/rules       rules the loaded checks can report
    GET  /livez /healthz the process answers
    GET  /readyz         rules loaded and the index reachable
    GET  /metrics        Prometheus text format
    GET  /openapi.json   the OpenAPI document
    GET  /               the review page (server-rendered)

Layout: :mod:`.app` (the FastAPI factory :func:`create_app`),
:mod:`.models` (request and response shapes), :mod:`.middleware` (body
limit, request metrics), :mod:`.metrics`, :mod:`.page` (review page),
:mod:`.settings` and :mod:`.server` (uvicorn, workers).

FastAPI, uvicorn and prometheus_client come with the ``service`` extra.
Importing this package without them raises :class:`MissingExtraError`
(a :class:`~detector.errors.DetectorError`) carrying the install command,
which the CLI prints instead of a traceback.
"""

from __future__ import annotations

from ..errors import DetectorError

INSTALL_HINT = "pip install 'spamdetect[service]'"


class MissingExtraError(DetectorError, ImportError):
    """An optional dependency of the service is not installed."""


def _require_extra() -> None:
    missing = []
    for name in ("fastapi", "uvicorn", "prometheus_client"):
        try:
            __import__(name)
        except ImportError:
            missing.append(name)
    if missing:
        raise MissingExtraError(
            f"the HTTP service needs {', '.join(missing)} (the 'service' extra): {INSTALL_HINT}"
        )


_require_extra()

from .app import create_app  # noqa: E402
from .server import serve  # noqa: E402
from .settings import ServiceSettings  # noqa: E402

__all__ = ["INSTALL_HINT", "MissingExtraError", "ServiceSettings", "create_app", "serve"]
