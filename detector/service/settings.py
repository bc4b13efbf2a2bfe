"""Settings of the HTTP service, and how they travel to worker processes.

:class:`ServiceSettings` holds what the service adds on top of a
:class:`~detector.Detector`: where it listens, how many worker processes
run, request limits, the API key, and the arguments each worker uses to
build its own Detector (configuration file, plugins directory, index spec).

With ``--workers N`` uvicorn starts N fresh processes that import the app
by name, so settings cannot be passed as Python objects. They are written
as JSON into the environment variable :data:`ENV_VAR` by the parent, and
:func:`ServiceSettings.from_env` reads them back in each worker. The API
key is never part of that JSON: it stays in ``SPAMDETECT_API_KEY``, which is
also how a user should give it (a command-line flag would show in ``ps``).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields

#: Environment variable carrying the JSON settings to worker processes.
ENV_VAR = "SPAMDETECT_SERVICE_SETTINGS"
#: Environment variable holding the API key for the mutating endpoints.
API_KEY_ENV = "SPAMDETECT_API_KEY"

DEFAULT_MAX_BODY = 4 * 1024 * 1024


@dataclass
class ServiceSettings:
    """What the service needs besides the Detector.

    Attributes:
        host: Address to bind (loopback by default: put a reverse proxy in
            front of it to expose it).
        port: TCP port.
        workers: Worker processes (1: serve in this process).
        max_body_bytes: Largest request body accepted; larger ones get 413
            without being read.
        max_batch: Most documents in one ``POST /v1/check`` batch.
        api_key: When set, ``POST /v1/index`` and ``DELETE /v1/index/{id}``
            need ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``.
        threads: Checks run at the same time in one worker (in a thread
            pool, so the event loop keeps answering ``/livez``).
        shutdown_timeout_s: On SIGTERM, how long requests in flight may
            take to finish before connections are closed.
        config_path: Detector configuration file (None: search upwards).
        plugins_dir: Directory of site-local plugins.
        index: Near-duplicate index spec (``sqlite:PATH``, ``redis://…``).
        load_entrypoints: Load installed plugins.
        log_level: uvicorn log level.
        access_log: Log every request.
    """

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    max_body_bytes: int = DEFAULT_MAX_BODY
    max_batch: int = 100
    api_key: str | None = None
    threads: int = 2
    shutdown_timeout_s: float = 30.0
    config_path: str | None = None
    plugins_dir: str | None = None
    index: str | None = None
    load_entrypoints: bool = True
    log_level: str = "info"
    access_log: bool = False

    def __post_init__(self) -> None:
        if self.api_key is None:
            self.api_key = os.environ.get(API_KEY_ENV) or None
        for name in ("port", "workers", "max_body_bytes", "max_batch", "threads"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < (0 if name == "port" else 1):
                raise ValueError(f"service setting {name!r} must be a positive integer, got {value!r}")

    def to_env(self) -> str:
        """JSON for :data:`ENV_VAR`, without the API key."""
        data = asdict(self)
        data.pop("api_key")
        return json.dumps(data)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> ServiceSettings:
        """Settings written by :meth:`to_env` (defaults when unset)."""
        env = os.environ if environ is None else environ
        raw = env.get(ENV_VAR)
        data = json.loads(raw) if raw else {}
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known and k != "api_key"})
