"""Test plugin for the batch and crawl tests: a check that reacts to marker strings.

Loaded with ``plugins_dir=tests/plugins/crawler`` (so worker processes and
Scrapy subprocesses load it the same way a site would load its own plugins).

* ``農場標記`` / ``农场标记`` anywhere in the text: a ``TEST_FARM_MARKER`` hit
  (weight 12, enough to reject on its own), evidence at the marker.
* ``BOOM-CHECK``: the check raises (the engine turns it into a plugin hit).
* ``KILL-WORKER``: inside a batch worker process only, the process exits
  abruptly, as a crash in a C extension would.
"""

from __future__ import annotations

import multiprocessing
import os

from detector import hookimpl
from detector.check import Check, RuleInfo


class MarkerCheck(Check):
    """Hit on a marker string; raise or die on request."""

    name = "test-marker"
    rules = (
        RuleInfo("TEST_FARM_MARKER", "template", 12.0, "测试用农场标记", "Test farm marker",
                 source="tests/plugins/crawler/marker.py"),
    )

    def run(self, doc):
        """Yield a hit per marker; raise on BOOM-CHECK; die on KILL-WORKER in a worker."""
        text = doc.text
        if "KILL-WORKER" in text and multiprocessing.current_process().name == "spamdetect-worker":
            os._exit(7)
        if "BOOM-CHECK" in text:
            raise RuntimeError("marker check asked to fail")
        view = doc.view("simplified")
        i = view.text.find("农场标记")
        if i >= 0:
            yield self.hit("TEST_FARM_MARKER", [view.evidence(i, i + 4)])


@hookimpl
def spamdetect_register_checks():
    """Register the marker check."""
    return [MarkerCheck()]
