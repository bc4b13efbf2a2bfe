"""Prometheus metrics of the service.

Names follow the Prometheus conventions: prefix ``spamdetect_``, base units
(seconds, bytes), ``_total`` on counters, and labels only from bounded sets
(the route template, the status class ``2xx``…``5xx``, the action, and the
rule id, which is bounded by the rules the Detector loaded: an unknown id is
counted as ``other``). Never the site, the user or the URL.

Each app owns a :class:`~prometheus_client.CollectorRegistry`, so several
apps (tests) can live in one process. With several uvicorn workers the
parent sets ``PROMETHEUS_MULTIPROC_DIR`` before any worker starts;
prometheus_client then keeps values in per-process files and a scrape of any
worker aggregates every worker's counters (``MultiProcessCollector``).

==========================================  =======  =============================
metric                                      type     labels
==========================================  =======  =============================
spamdetect_http_requests_total              counter  endpoint, status
spamdetect_http_request_duration_seconds    hist.    endpoint
spamdetect_checks_total                     counter  action
spamdetect_check_duration_seconds           hist.    (none)
spamdetect_partial_verdicts_total           counter  (none)
spamdetect_rule_hits_total                  counter  rule
spamdetect_index_updates_total              counter  operation
spamdetect_index_documents                  gauge    (none; read at scrape time)
==========================================  =======  =============================
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import choose_encoder

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def status_class(code: int) -> str:
    """``404`` → ``"4xx"``.

    Examples:
        >>> status_class(201), status_class(503)
        ('2xx', '5xx')
    """
    return f"{code // 100}xx" if 100 <= code < 600 else "other"


class _IndexSizeCollector:
    """Reports the index size at scrape time (a gauge without stale values)."""

    def __init__(self, size: Callable[[], int | None]) -> None:
        self._size = size

    def collect(self) -> Iterable[GaugeMetricFamily]:
        n = self._size()
        if n is None:
            return []
        g = GaugeMetricFamily("spamdetect_index_documents",
                              "Documents in the near-duplicate index")
        g.add_metric([], float(n))
        return [g]


class ServiceMetrics:
    """The service's metrics and their exposition.

    Args:
        rule_ids: Rule ids the Detector can report (the bounded label set).
        index_size: Callable returning the index size, or None without one.
    """

    def __init__(self, rule_ids: Iterable[str] = (),
                 index_size: Callable[[], int | None] | None = None) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.multiprocess = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
        self.rule_ids = frozenset(rule_ids)
        self._index_size = index_size or (lambda: None)
        r = self.registry
        self.requests = Counter("spamdetect_http_requests", "HTTP requests by endpoint and status class",
                                ["endpoint", "status"], registry=r)
        self.request_seconds = Histogram("spamdetect_http_request_duration_seconds",
                                         "HTTP request latency", ["endpoint"],
                                         buckets=_LATENCY_BUCKETS, registry=r)
        self.checks = Counter("spamdetect_checks", "Documents checked, by resulting action",
                              ["action"], registry=r)
        self.check_seconds = Histogram("spamdetect_check_duration_seconds",
                                       "Time to check one document", buckets=_LATENCY_BUCKETS,
                                       registry=r)
        self.partial = Counter("spamdetect_partial_verdicts",
                               "Verdicts cut short by the time budget or the size limit",
                               registry=r)
        self.rule_hits = Counter("spamdetect_rule_hits", "Hits per rule id", ["rule"], registry=r)
        self.index_updates = Counter("spamdetect_index_updates",
                                     "Near-duplicate index updates", ["operation"], registry=r)
        self.registry.register(_IndexSizeCollector(lambda: self._index_size()))

    def set_index_size(self, fn: Callable[[], int | None]) -> None:
        """Set the callable read at scrape time for ``spamdetect_index_documents``."""
        self._index_size = fn

    def observe_verdict(self, verdict_dict: dict) -> None:
        """Count one verdict (its action, partialness and rule hits)."""
        self.checks.labels(verdict_dict["action"]).inc()
        if verdict_dict.get("truncated"):
            self.partial.inc()
        seen = set()
        for hit in verdict_dict["hits"]:
            rule = hit["rule"]
            if rule in seen:
                continue
            seen.add(rule)
            self.rule_hits.labels(rule if rule in self.rule_ids else "other").inc()

    def exposition(self, accept: str | None) -> tuple[bytes, str]:
        """Body and content type of a scrape (OpenMetrics when asked for)."""
        encoder, content_type = choose_encoder(accept or "")
        if self.multiprocess:
            from prometheus_client import multiprocess

            reg = CollectorRegistry()
            multiprocess.MultiProcessCollector(reg)
            reg.register(_IndexSizeCollector(lambda: self._index_size()))
        else:
            reg = self.registry
        return encoder(reg), content_type
