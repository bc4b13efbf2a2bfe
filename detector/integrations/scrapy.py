"""Scrapy integration: an item pipeline that checks every scraped page, and an add-on.

One line in a project's ``settings.py`` turns it on::

    ADDONS = {"detector.integrations.scrapy.SpamdetectAddon": 0}

The add-on inserts :class:`SpamFilterPipeline` into ``ITEM_PIPELINES``
(priority ``SPAMDETECT_PIPELINE_PRIORITY``, default 100, so it runs before
storage pipelines). The pipeline is a thin adapter over
:meth:`detector.Detector.check`; it has no detection logic of its own.

Settings (all optional):

``SPAMDETECT_ENABLED``
    ``False`` disables the pipeline (``NotConfigured``). Default ``True``.
``SPAMDETECT_FIELDS``
    Which item fields hold the page: ``{"id": "id", "html": "html",
    "text": "text", "title": "title", "url": "url", "content_type":
    "content_type"}`` (the defaults; the verdict id, and the id a learning
    index stores, is the item's ``id`` or else its URL). ``html`` may hold ``str`` markup or the raw
    ``response.body`` bytes in any encoding (GBK pages included: the
    detector sniffs the charset, helped by ``content_type``). When both
    ``html`` and ``text`` are present, ``html`` is used.
``SPAMDETECT_ACTION``
    ``drop`` (default): items whose verdict is ``reject`` (or at least
    ``SPAMDETECT_DROP_ON``) raise :class:`~scrapy.exceptions.DropItem` with
    the verdict summary, logged at INFO. ``annotate``: every item gets the
    verdict's JSON form in ``SPAMDETECT_VERDICT_FIELD`` (default
    ``"spamdetect"``; an ``Item`` class must declare that field).
``SPAMDETECT_DROP_ON``
    ``reject`` (default) or ``review``.
``SPAMDETECT_SITE``
    Site profile name used for every item.
``SPAMDETECT_CONFIG``
    Path of a ``spamdetect.toml``; default: searched from the working
    directory as the CLI does.
``SPAMDETECT_INDEX``
    Near-duplicate index spec (``sqlite:PATH`` or ``redis://…``). Several
    crawler processes pointing at one Redis URL share one index.
``SPAMDETECT_PLUGINS_DIR``
    A directory of site-local ``*.py`` plugins.

Counters go to the crawler stats: ``spamdetect/checked``,
``spamdetect/action/<action>``, ``spamdetect/dropped``, ``spamdetect/skipped``
(items without a page field).

Needs the ``scrapy`` extra (``pip install 'spamdetect[scrapy]'``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

try:
    from itemadapter import ItemAdapter
    from scrapy.exceptions import DropItem, NotConfigured
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "the Scrapy integration needs Scrapy: pip install 'spamdetect[scrapy]'"
    ) from exc

from ..engine import Detector
from ..verdict import Verdict

logger = logging.getLogger(__name__)

#: Item fields read by default, by role.
DEFAULT_FIELDS: dict[str, str] = {
    "id": "id",
    "html": "html",
    "text": "text",
    "title": "title",
    "url": "url",
    "content_type": "content_type",
}
_ACTIONS = ("drop", "annotate")
_ORDER = ("allow", "review", "reject")


def _drop_item(message: str) -> DropItem:
    """A DropItem logged at INFO where this Scrapy supports per-exception levels."""
    try:
        return DropItem(message, log_level="INFO")
    except TypeError:  # Scrapy < 2.13 has no log_level
        return DropItem(message)


def summary(verdict: Verdict, url: str | None = None) -> str:
    """One line for logs: action, score, URL and the strongest rules.

    Examples:
        >>> from detector.verdict import Hit
        >>> v = Verdict(score=12.0, action="reject", hits=[Hit("R1", "template", 12.0, "", "")])
        >>> summary(v, "https://farm.example/1")
        'spamdetect reject (score 12.0): https://farm.example/1 [R1]'
    """
    rules = ", ".join(h.rule for h in verdict.hits[:5] if h.weight > 0)
    where = f": {url}" if url else ""
    return f"spamdetect {verdict.action} (score {verdict.score:g}){where} [{rules}]"


class SpamFilterPipeline:
    """Check each item's page with the detector; drop or annotate it.

    Args:
        detector: The :class:`~detector.Detector` to use.
        fields: Item field names by role (see :data:`DEFAULT_FIELDS`).
        action: ``drop`` or ``annotate``.
        drop_on: Lowest action that drops an item (``reject`` or ``review``).
        site: Site profile name.
        verdict_field: Field that receives the verdict in ``annotate`` mode.
        stats: The crawler's stats collector (optional).
    """

    def __init__(self, detector: Detector, *, fields: Mapping[str, str] | None = None,
                 action: str = "drop", drop_on: str = "reject", site: str | None = None,
                 verdict_field: str = "spamdetect", stats: Any = None) -> None:
        if action not in _ACTIONS:
            raise ValueError(f"SPAMDETECT_ACTION must be one of {_ACTIONS}, got {action!r}")
        if drop_on not in ("review", "reject"):
            raise ValueError(f"SPAMDETECT_DROP_ON must be 'review' or 'reject', got {drop_on!r}")
        self.detector = detector
        self.fields = {**DEFAULT_FIELDS, **dict(fields or {})}
        self.action = action
        self.drop_on = drop_on
        self.site = site
        self.verdict_field = verdict_field
        self.stats = stats
        self._warned_field = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> SpamFilterPipeline:
        """Build the pipeline from ``SPAMDETECT_*`` settings.

        Raises:
            NotConfigured: when ``SPAMDETECT_ENABLED`` is false.
        """
        s = crawler.settings
        if not s.getbool("SPAMDETECT_ENABLED", True):
            raise NotConfigured("SPAMDETECT_ENABLED is false")
        action = str(s.get("SPAMDETECT_ACTION", "drop")).lower()
        drop_on = str(s.get("SPAMDETECT_DROP_ON", "reject")).lower()
        detector = Detector(
            config=s.get("SPAMDETECT_CONFIG") or None,
            plugins_dir=s.get("SPAMDETECT_PLUGINS_DIR") or None,
            index=s.get("SPAMDETECT_INDEX") or None,
        )
        return cls(
            detector,
            fields=s.getdict("SPAMDETECT_FIELDS", {}),
            action=action,
            drop_on=drop_on,
            site=s.get("SPAMDETECT_SITE") or None,
            verdict_field=s.get("SPAMDETECT_VERDICT_FIELD", "spamdetect"),
            stats=getattr(crawler, "stats", None),
        )

    def _inc(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"spamdetect/{key}")

    def check(self, item: Any) -> Verdict | None:
        """The verdict for ``item``'s page, or None when it has no page field."""
        adapter = ItemAdapter(item)
        f = self.fields

        def get(role: str) -> Any:
            name = f.get(role)
            return adapter.get(name) if name else None

        page = get("html")
        text = get("text")
        kwargs: dict[str, Any] = {}
        if isinstance(page, (bytes, bytearray, memoryview)):
            kwargs["data"] = bytes(page)
            ct = get("content_type")
            if isinstance(ct, bytes):
                ct = ct.decode("latin-1")
            if isinstance(ct, str):
                kwargs["content_type"] = ct
        elif isinstance(page, str):
            kwargs["html"] = page
        elif isinstance(text, str):
            kwargs["text"] = text
        else:
            return None
        title, url, doc_id = get("title"), get("url"), get("id")
        url = url if isinstance(url, str) else None
        return self.detector.check(
            **kwargs,
            title=title if isinstance(title, str) else None,
            url=url,
            id=str(doc_id) if doc_id is not None else url,
            site=self.site,
        )

    def process_item(self, item: Any, spider: Any = None) -> Any:
        """Check the item; drop it or add the verdict to it.

        ``spider`` is optional and unused: Scrapy >= 2.14 calls
        ``process_item(item)``, older versions pass the spider too.

        Raises:
            DropItem: in ``drop`` mode when the verdict reaches ``drop_on``.
        """
        verdict = self.check(item)
        if verdict is None:
            self._inc("skipped")
            return item
        self._inc("checked")
        self._inc(f"action/{verdict.action}")
        if self.action == "annotate":
            try:
                ItemAdapter(item)[self.verdict_field] = verdict.to_dict()
            except KeyError:
                if not self._warned_field:
                    logger.warning("spamdetect: item class %s has no field %r; "
                                   "declare it to receive verdicts",
                                   type(item).__name__, self.verdict_field)
                    self._warned_field = True
            return item
        if _ORDER.index(verdict.action) >= _ORDER.index(self.drop_on):
            self._inc("dropped")
            url = self.fields.get("url")
            raise _drop_item(summary(verdict, ItemAdapter(item).get(url) if url else None))
        return item


class SpamdetectAddon:
    """Scrapy add-on: ``ADDONS = {"detector.integrations.scrapy.SpamdetectAddon": 0}``.

    Adds :class:`SpamFilterPipeline` to ``ITEM_PIPELINES`` at
    ``SPAMDETECT_PIPELINE_PRIORITY`` (default 100); every other setting keeps
    the value the project gives it.
    """

    def update_settings(self, settings: Any) -> None:
        """Insert the pipeline into ``ITEM_PIPELINES``."""
        priority = settings.getint("SPAMDETECT_PIPELINE_PRIORITY", 100)
        settings["ITEM_PIPELINES"][SpamFilterPipeline] = priority
