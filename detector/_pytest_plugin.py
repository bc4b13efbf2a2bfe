"""Pytest fixtures for people who write spamdetect plugins.

Installed as a ``pytest11`` entry point, so any test suite that has
spamdetect installed gets:

``spamdetect_detector``
    A factory: ``spamdetect_detector(plugins=[my_plugin], config={...})``
    returns a :class:`~detector.Detector` with only the builtin plugins plus
    the given ones (installed entry-point plugins are not loaded, so tests
    are isolated from the environment).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pytest


@pytest.fixture
def spamdetect_detector() -> Callable[..., Any]:
    """Return a factory building isolated Detectors."""
    from detector import Config, Detector

    def make(plugins: Iterable[object] = (), config: Mapping[str, Any] | None = None, **kw: Any) -> Detector:
        return Detector(config=Config(dict(config or {})), plugins=tuple(plugins),
                        load_entrypoints=False, **kw)

    return make
