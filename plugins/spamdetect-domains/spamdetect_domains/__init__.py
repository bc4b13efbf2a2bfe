"""spamdetect-domains: domain reputation from community content-farm lists.

A separately installable spamdetect plugin (entry point group
``spamdetect``, name ``domains``). It reads block and allow lists from the
paths configured under ``[options]`` and adds one ``domain`` hit per block
list whose entries cover the document's URL, unless an allow list covers it
too. Each block list becomes its own rule, ``DOMAIN_<NAME>`` (``content-farms``
→ ``DOMAIN_CONTENT_FARMS``), so a profile can re-weight or disable one list::

    [options]
    "domains.block" = [
        "lists/content-farms.txt",                              # name from the file
        {name = "nearly", path = "lists/nearly.txt", weight = 1.5},
    ]
    "domains.allow" = ["lists/not-content-farms.txt"]
    "domains.weight" = 4.0        # default weight of a block list
    # "domains.protect" = [...]   # platforms never blocked wholesale

The list formats and the matching design are described in
:mod:`spamdetect_domains.lists`. A listed site says the *site* is a farm,
not that this page is spam, so the default weight (4.0) stays below the
review threshold (5.0): the domain hit corroborates text evidence.

Lists are read once, when the Detector is built; a missing list file is a
configuration error naming the path, while unreadable *entries* are skipped
and counted (``details.skipped`` is not per hit; see
:meth:`DomainCheck.stats`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import regex

from detector import hookimpl
from detector.check import Check, RuleInfo
from detector.errors import ConfigError
from detector.verdict import Hit

from .lists import DEFAULT_PROTECTED, Entry, HostList, split_url

__all__ = ["DomainCheck", "HostList", "Entry", "split_url"]

#: Default weight of a block-list hit.
DEFAULT_WEIGHT = 4.0

_NAME_RE = regex.compile(r"[^A-Z0-9]+")


def _rule_id(name: str) -> str:
    return "DOMAIN_" + (_NAME_RE.sub("_", name.upper()).strip("_") or "LIST")


def _list_specs(value: Any) -> list[dict[str, Any]]:
    """Validate ``domains.block`` / ``domains.allow``: a list of paths or tables.

    Raises:
        ValueError: for anything else (the engine reports it as a ConfigError).
    """
    if not isinstance(value, list):
        raise ValueError(f"expected a list of paths or tables, got {type(value).__name__}")
    out = []
    for i, item in enumerate(value):
        if isinstance(item, str):
            out.append({"paths": [item]})
        elif isinstance(item, Mapping):
            extra = set(item) - {"name", "path", "paths", "weight"}
            if extra:
                raise ValueError(f"item {i}: unknown key {sorted(extra)[0]!r}")
            paths = item.get("paths", [item["path"]] if "path" in item else [])
            if not paths or not all(isinstance(p, str) for p in paths):
                raise ValueError(f"item {i}: needs 'path' or 'paths' (strings)")
            spec: dict[str, Any] = {"paths": list(paths)}
            if "name" in item:
                if not isinstance(item["name"], str) or not item["name"].strip():
                    raise ValueError(f"item {i}: 'name' must be a non-empty string")
                spec["name"] = item["name"].strip()
            if "weight" in item:
                w = item["weight"]
                if isinstance(w, bool) or not isinstance(w, (int, float)):
                    raise ValueError(f"item {i}: 'weight' must be a number")
                spec["weight"] = float(w)
            out.append(spec)
        else:
            raise ValueError(f"item {i}: expected a path or a table, got {type(item).__name__}")
    return out


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"expected a number, got {value!r}")
    return float(value)


def _host_names(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise ValueError("expected a list of host names")
    return list(value)


def _stem(path: str) -> str:
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0] if "." in name else name


def _build_lists(config: Any, key: str, protected: Iterable[str],
                 default_weight: float) -> list[tuple[HostList, float]]:
    try:
        specs = _list_specs(config.option(key) or [])
    except ValueError as exc:
        raise ConfigError(f"config key 'options.{key}': {exc}") from None
    by_name: dict[str, tuple[HostList, float]] = {}
    for spec in specs:
        name = spec.get("name") or _stem(spec["paths"][0])
        if name not in by_name:
            by_name[name] = (HostList(name, protected), spec.get("weight", default_weight))
        hl = by_name[name][0]
        for p in spec["paths"]:
            path = config.resolve_path(p)
            if not path.is_file():
                raise ConfigError(f"config key 'options.{key}': list file not found: {path}")
            hl.load(path)
    return list(by_name.values())


class DomainCheck(Check):
    """Add a ``domain`` hit when the document's URL is on a block list.

    Args:
        blocks: ``(list, weight)`` pairs.
        allows: Lists whose entries exempt a URL from every block list.
    """

    name = "domains"
    reads_text = False  # the URL alone: it runs on binary input too

    def __init__(self, blocks: list[tuple[HostList, float]], allows: list[HostList]) -> None:
        self.blocks = blocks
        self.allows = allows
        self.rules = tuple(
            RuleInfo(_rule_id(hl.name), "domain", weight,
                     f"网址的域名在内容农场名单“{hl.name}”中(整站信誉,不针对本页)",
                     f"The URL's host is on the content-farm list '{hl.name}' "
                     "(site reputation, not a judgement of this page)",
                     source="plugin:spamdetect-domains", target="url",
                     extra={"list": hl.name})
            for hl, weight in blocks
        )
        self._rule_by_list = {hl.name: r for (hl, _), r in zip(blocks, self.rules, strict=True)}

    def stats(self) -> dict[str, Any]:
        """Entries loaded and skipped per list, by kind."""
        return {hl.name: {"loaded": dict(hl.counts), "skipped": dict(hl.skipped)}
                for hl in [b for b, _ in self.blocks] + self.allows}

    def run(self, doc: Any) -> Iterable[Hit]:
        """Yield one hit per block list covering ``doc.url`` (none if allowed)."""
        if not doc.url:
            return
        hp = split_url(doc.url)
        if hp is None:
            return
        host, path = hp
        for allow in self.allows:
            if allow.match_host_path(host, path, doc.url) is not None:
                return
        for hl, _ in self.blocks:
            entry = hl.match_host_path(host, path, doc.url)
            if entry is None:
                continue
            yield self.hit(self._rule_by_list[hl.name].id, details={
                "list": hl.name, "host": host, "entry": entry.raw, "kind": entry.kind,
                "line": entry.line, "source": entry.source,
            })


@hookimpl
def spamdetect_add_config(spec: Any) -> None:
    """Declare the ``domains.*`` options."""
    spec.add("domains.block", [], type=_list_specs,
             help="Block lists: paths, or tables {name, path|paths, weight}")
    spec.add("domains.allow", [], type=_list_specs,
             help="Allow lists: a URL they cover never gets a domain hit")
    spec.add("domains.weight", DEFAULT_WEIGHT, type=_number,
             help="Default weight of a block-list hit")
    spec.add("domains.protect", list(DEFAULT_PROTECTED), type=_host_names,
             help="Platforms a list can never block wholesale (only sub-sites or paths)")


@hookimpl
def spamdetect_register_checks(config: Any) -> list[Check]:
    """Build the domain check from the configured lists (none configured: no check)."""
    if not config.option("domains.block"):
        return []
    protected = config.option("domains.protect", list(DEFAULT_PROTECTED))
    weight = _number(config.option("domains.weight", DEFAULT_WEIGHT))
    blocks = _build_lists(config, "domains.block", protected, weight)
    allows = [hl for hl, _ in _build_lists(config, "domains.allow", protected, 0.0)]
    return [DomainCheck(blocks, allows)]
