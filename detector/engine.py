"""The engine: one :class:`Detector`, one pipeline for every document.

Stages, in order, for every document::

    ingest (bytes / HTML / text → Document, truncated to the size limit)
    → spamdetect_prepare_document
    → checks (builtin and site checks alike; each in its own try/timing)
    → checks combining their hits (``after_checks``: combination metas)
    → run_last checks (the limits report)
    → scoring (profile weights, disabled rules, group caps, thresholds)
    → spamdetect_adjust_verdict  → spamdetect_on_verdict

The CLI, the HTTP service and the crawler integrations are thin adapters over
:meth:`Detector.check` and :meth:`Detector.check_many`. Everything expensive
(plugins, rules, views, the near-duplicate index) is built in ``__init__``,
never at import time and never per document.

Failures are contained: a check that raises becomes a ``plugin`` hit
(``PLUGIN_CHECK_FAILED``) and the other checks still run; when the document's
time budget expires, remaining checks are skipped and the partial verdict
carries a ``limits`` hit.
"""

from __future__ import annotations

import hashlib
import os
import time
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from ._version import __version__
from .check import Check, RuleInfo
from .config import Config, ConfigSpec, Profile
from .document import Document
from .ingest import BINARY_NOTE, BINARY_SKIPPED, make_document
from .limits import BUDGET_NOTE
from .plugins import make_plugin_manager
from .scoring import apply_profile, total
from .verdict import Evidence, Hit, Verdict
from .views import _BUILDERS

PLUGIN_FAILURE = RuleInfo(
    "PLUGIN_CHECK_FAILED", "plugin", 0.0,
    "检查插件运行出错,其结果缺失", "A check plugin raised an error; its result is missing",
    source="engine",
)

DocInput = Mapping[str, Any] | str | Document


def _flatten(results: Iterable[Iterable[Any] | None]) -> list[Any]:
    out: list[Any] = []
    for r in results:
        if r:
            out.extend(r)
    return out


def _locate(hits: list[Hit], text: str) -> None:
    """Fill 1-based line/column of every evidence span (for SARIF, annotations)."""
    if not any(h.evidence for h in hits):
        return
    starts = [0]
    find = text.find
    i = find("\n")
    while i >= 0:
        starts.append(i + 1)
        i = find("\n", i + 1)
    for h in hits:
        if not h.evidence:
            continue
        located = []
        for e in h.evidence:
            if e.line is None:
                ln = bisect_right(starts, e.start)
                e = Evidence(e.start, e.end, e.text, ln, e.start - starts[ln - 1] + 1)
            located.append(e)
        h.evidence = located


class Detector:
    """Check documents for content-farm spam and explain why.

    Args:
        config: A :class:`~detector.config.Config`, a path to a TOML file, or
            None to search ``spamdetect.toml`` / ``pyproject.toml`` upwards
            from the working directory.
        plugins: Extra plugin objects to register (modules or instances).
        plugins_dir: Directory of site-local ``*.py`` plugins.
        load_entrypoints: Load installed plugins (entry-point group
            ``spamdetect``); see also ``SPAMDETECT_LOAD_PLUGINS``.
        index: Near-duplicate index spec (``sqlite:PATH``, ``redis://…``),
            overriding the configuration's ``index``.

    Raises:
        ConfigError: invalid configuration.
        RuleError: an invalid rule file.
        PluginError: a plugin failed to load.

    Examples:
        >>> det = Detector(config=Config())
        >>> v = det.check(text="今天天气很好,我们去公园散步。")
        >>> v.action
        'allow'
    """

    def __init__(
        self,
        config: Config | str | os.PathLike[str] | None = None,
        *,
        plugins: Iterable[object] = (),
        plugins_dir: str | os.PathLike[str] | None = None,
        load_entrypoints: bool = True,
        index: str | None = None,
    ) -> None:
        if isinstance(config, Config):
            self.config = config
        else:
            self.config = Config.load(config)
        if index is not None:
            self.config.data["index"] = index
            self.config._profiles.clear()  # profiles resolved before this must see the index
        self._init_args = {
            "config_path": str(self.config.path) if self.config.path else None,
            "config_data": self.config.data,
            "plugins_dir": str(plugins_dir) if plugins_dir else None,
            "load_entrypoints": load_entrypoints,
            "picklable_plugins": tuple(plugins),
        }
        self.pm = make_plugin_manager(
            load_entrypoints=load_entrypoints, plugins_dir=plugins_dir, extra_plugins=tuple(plugins)
        )
        hook = self.pm.hook
        self.spec = ConfigSpec()
        hook.spamdetect_add_config.call_historic(kwargs={"spec": self.spec})
        self.config.bind_options(self.spec)
        self.view_builders = dict(_BUILDERS)
        for res in hook.spamdetect_register_views(config=self.config):
            if res:
                self.view_builders.update(res)
        self.checks: list[Check] = _flatten(hook.spamdetect_register_checks(config=self.config))
        self.rule_paths: list[Path] = [Path(p) for p in _flatten(hook.spamdetect_rule_paths(config=self.config))]
        self.eval_functions: dict[str, Callable[..., Any]] = {}
        for res in hook.spamdetect_register_eval_functions(config=self.config):
            if res:
                self.eval_functions.update(res)
        self._rulesets: dict[tuple[Path, ...], Check] = {}
        self._checks_by_profile: dict[str, list[Check]] = {}
        # Build the default profile's rule set now so invalid rules fail early.
        self.checks_for(self.config.profile(None))
        for name in self.config.profile_names:
            self.checks_for(self.config.profile(name))
        self.rules_version = self._rules_version()

    # -- near-duplicate index ----------------------------------------------
    @property
    def index(self) -> Any:
        """The open near-duplicate index of the default profile, or None.

        Opened on first use from the configuration's ``index`` (or
        ``Detector(index=SPEC)``); a :class:`~detector.dedup.NearDupIndex`.
        """
        for c in self.checks:
            index_for = getattr(c, "index_for", None)
            if index_for is not None:
                return index_for(self.config.profile(None))
        return None

    def close(self) -> None:
        """Release resources held by checks (open indexes). Idempotent."""
        for c in self.checks:
            close = getattr(c, "close", None)
            if callable(close):
                close()

    def __enter__(self) -> Detector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- assembly ---------------------------------------------------------
    def _ruleset(self, paths: tuple[Path, ...]) -> Check | None:
        if not paths:
            return None
        rs = self._rulesets.get(paths)
        if rs is None:
            from .rules import load_ruleset

            check_rules = {r.id for c in self.checks for r in getattr(c, "rules", ())}
            rs = load_ruleset(list(paths), self.eval_functions, self.config, check_rules)
            self._rulesets[paths] = rs
        return rs

    def checks_for(self, profile: Profile) -> list[Check]:
        """Checks that run for ``profile``, in run order (``run_last`` ones last)."""
        cached = self._checks_by_profile.get(profile.name)
        if cached is not None:
            return cached
        checks = list(self.checks)
        rs = self._ruleset(tuple(self.rule_paths) + tuple(profile.rule_dirs))
        if rs is not None:
            checks.insert(0, rs)
            combined = rs.combination_check()  # type: ignore[attr-defined]
            if combined is not None:
                checks.append(combined)
        # Stable sort: checks, then those combining their hits, then run_last (limits).
        checks.sort(key=lambda c: 2 if getattr(c, "run_last", False) else int(bool(getattr(c, "after_checks", False))))
        self._checks_by_profile[profile.name] = checks
        return checks

    def rules(self, profile: str | None = None) -> list[RuleInfo]:
        """Every rule the checks of ``profile`` can report, sorted by id."""
        out: dict[str, RuleInfo] = {PLUGIN_FAILURE.id: PLUGIN_FAILURE}
        for c in self.checks_for(self.config.profile(profile)):
            for r in getattr(c, "rules", ()):
                out.setdefault(r.id, r)
        return [out[k] for k in sorted(out)]

    def _rules_version(self) -> str:
        h = hashlib.sha256(__version__.encode())
        for rs in self._rulesets.values():
            h.update(str(getattr(rs, "version", "")).encode())
        for c in self.checks:
            h.update(c.name.encode())
            for r in getattr(c, "rules", ()):
                h.update(f"{r.id}:{r.weight}".encode())
        h.update(self.config.fingerprint().encode())
        return h.hexdigest()[:16]

    # -- checking ---------------------------------------------------------
    def document(self, text: str | None = None, html: str | None = None, data: bytes | None = None,
                 **kwargs: Any) -> Document:
        """Build a :class:`Document` as :meth:`check` would (size limit applied)."""
        site = kwargs.get("site")
        profile = self.config.profile(site)
        limit = profile.max_chars
        original = None
        # Cut raw input well above the limit before parsing, so a 1 GB body
        # never reaches the HTML parser or the decoder whole.
        raw_cap = limit * 4
        if data is not None and len(data) > raw_cap:
            original = len(data)
            data = data[:raw_cap]
        if html is not None and len(html) > raw_cap:
            original = len(html)
            html = html[:raw_cap]
        if text is not None and len(text) > limit:
            original = len(text)
            text = text[:limit]
        doc = make_document(text, html, data, **kwargs)
        doc._builders = self.view_builders
        if len(doc.text) > limit:
            original = max(original or 0, len(doc.text))
            doc.text = doc.text[:limit]
        if original is not None:
            doc.original_length = max(original, len(doc.text) + 1)
        return doc

    def check(self, text: str | None = None, html: str | None = None, data: bytes | None = None,
              *, title: str | None = None, url: str | None = None, site: str | None = None,
              id: str | None = None, meta: Mapping[str, Any] | None = None,  # noqa: A002
              content_type: str | None = None) -> Verdict:
        """Check one document given as ``text``, ``html`` or raw bytes ``data``.

        Args:
            text: Plain text.
            html: HTML markup.
            data: Raw bytes in any encoding (HTML or text, sniffed).
            title: Title (HTML input defaults to ``<title>``).
            url: The document's URL.
            site: Site profile name.
            id: Caller id echoed in the verdict.
            meta: Free-form metadata for plugins.
            content_type: HTTP Content-Type of ``data``.

        Returns:
            The :class:`~detector.verdict.Verdict`.
        """
        doc = self.document(text, html, data, title=title, url=url, site=site, id=id, meta=meta,
                            content_type=content_type)
        return self.check_document(doc)

    def check_document(self, doc: Document) -> Verdict:
        """Run the pipeline on an already built :class:`Document`."""
        t_start = time.perf_counter()
        doc._builders = self.view_builders
        profile = self.config.profile(doc.site)
        doc.deadline = time.monotonic() + profile.time_budget_ms / 1000.0
        timings: dict[str, float] = {}
        errors: list[str] = []
        hits: list[Hit] = []
        doc.hits = hits  # after_checks checks read what the others reported
        hook = self.pm.hook
        hook.spamdetect_prepare_document(doc=doc, config=self.config)
        skipped: list[str] = []
        noted = False
        # Input that looks binary: checks that read the text are skipped (the
        # limits check reports which); URL and metadata checks still run.
        not_text: list[str] | None = (doc.stash.setdefault(BINARY_SKIPPED, [])
                                      if any(kind == BINARY_NOTE for kind, _ in doc.notes) else None)
        for check in self.checks_for(profile):
            last = bool(getattr(check, "run_last", False))
            if not_text is not None and not last and getattr(check, "reads_text", True):
                not_text.append(check.name)
                continue
            if not last and doc.expired():
                skipped.append(check.name)
                continue
            if last and skipped and not noted:
                # run_last checks (the limits report) see the skipped list.
                doc.notes.append((BUDGET_NOTE, ",".join(skipped)))
                noted = True
            t0 = time.perf_counter()
            try:
                hits.extend(check.run(doc) or ())
            except Exception as exc:  # noqa: BLE001 - contain any plugin failure
                msg = f"{check.name}: {type(exc).__name__}: {exc}"
                errors.append(msg)
                hits.append(Hit(PLUGIN_FAILURE.id, "plugin", PLUGIN_FAILURE.weight,
                                PLUGIN_FAILURE.description_zh, PLUGIN_FAILURE.description_en,
                                details={"check": check.name, "error": msg[:500]}))
            timings[check.name] = (time.perf_counter() - t0) * 1000.0
        if skipped and not noted:
            doc.notes.append((BUDGET_NOTE, ",".join(skipped)))
        hits = apply_profile(hits, profile)
        _locate(hits, doc.text)
        score = total(hits, profile)
        verdict = Verdict(
            score=score, action=profile.action(score), hits=hits, timings_ms=timings,
            rules_version=self.rules_version,
            truncated=doc.truncated or bool(skipped) or any(k == BUDGET_NOTE for k, _ in doc.notes),
            id=doc.id, errors=errors, site=doc.site,
        )
        hook.spamdetect_adjust_verdict(doc=doc, verdict=verdict, config=self.config)
        verdict.score = round(float(verdict.score), 6)
        base_action = profile.action(verdict.score)
        order = ("allow", "review", "reject")
        if verdict.action not in order or order.index(verdict.action) < order.index(base_action):
            verdict.action = base_action
        verdict.timings_ms["total"] = (time.perf_counter() - t_start) * 1000.0
        hook.spamdetect_on_verdict(doc=doc, verdict=verdict, config=self.config)
        return verdict

    def check_item(self, item: DocInput) -> Verdict:
        """Check one batch item: a mapping (``text``/``html``/``data`` + fields), a str, or a Document."""
        if isinstance(item, Document):
            return self.check_document(item)
        if isinstance(item, str):
            return self.check(text=item)
        kwargs = {k: item.get(k) for k in ("text", "html", "data", "title", "url", "site", "id",
                                           "meta", "content_type") if item.get(k) is not None}
        return self.check(**kwargs)

    def check_many(self, items: Iterable[DocInput], *, jobs: int = 1,
                   chunksize: int = 32, render: Callable[[Verdict], Any] | None = None) -> Iterator[Any]:
        """Check many documents, yielding verdicts in input order.

        Args:
            items: Mappings (``{"id", "text" | "html" | "data", "title", …}``),
                strings, or Documents; consumed lazily.
            jobs: Worker processes (1: in this process). Workers start once
                and each builds its own Detector with the same configuration.
            chunksize: Documents sent to a worker at a time.
            render: Optional module-level function applied to each verdict
                where it was made (in the worker with ``jobs > 1``); its
                results are yielded instead of verdicts. Use it to serialise
                output in the workers; it must not raise or return None.

        Yields:
            One verdict (or ``render(verdict)``) per item, in input order;
            memory stays bounded on arbitrarily long inputs.
        """
        if jobs <= 1:
            from .batch import error_verdict

            for item in items:
                try:
                    v = self.check_item(item)
                except Exception as exc:  # noqa: BLE001 - as in a worker: one item never stops the batch
                    v = error_verdict(item, f"batch: check failed: {type(exc).__name__}: {exc}")
                yield v if render is None else render(v)
            return
        from .batch import parallel_check

        yield from parallel_check(self._init_args, items, jobs=jobs, chunksize=chunksize,
                                  detector=self, render=render)
