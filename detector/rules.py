"""Rules as data: load, validate and run the YAML rule files.

A rule file (``rules/*.yaml``) holds a list of rules under ``rules:``. Each
rule is one of three kinds:

*pattern rules*
    a ``pattern`` (``regex`` module syntax) matched on a ``target``: the
    document ``text``, its ``title``, ``url`` or ``html``, or a normalised view
    (``nfkc``, ``simplified``, ``lower``, or a view a plugin registers such as
    ``contact``). Matches in a view map back to ``doc.text`` offsets.
*eval rules*
    an ``eval`` expression calling functions that plugins register
    (``eval: han_ratio() < 0.2``).
*meta rules*
    a ``meta`` expression over other rules' match counts
    (``ZH_SKELETON && (ZH_A || ZH_B)``, ``ZH_A + ZH_B + ZH_C >= 2``); see
    :mod:`detector.rule_expr`.
*combination metas*
    meta rules that read what the other checks reported: they name a rule
    a check declares (``ZH_AI_FILLER_STYLE``) or call ``group_weight("chrome")``
    / ``weight_of("ZH_AI_FILLER_STYLE")``. They run in a second phase, after
    every check (:class:`CombinationRules`), so "machine filler on a page
    with farm furniture" can be one rule although filler is a check and
    furniture is a rule file.

Rules with ``weight: 0`` or ``scoring: false`` are *sub-rules*: they never
produce a hit of their own and only feed meta rules. The file format is
documented in ``docs/rules.md``.

Matching design (the hot path). At load, pattern rules are grouped by target
and identical ``(target, pattern)`` pairs share one compiled regex, so each
pattern runs at most once per document. Each target gets one Aho-Corasick
automaton (:class:`~detector.keywords.KeywordSet`) over the literal ``keywords`` of its rules: one
linear scan of the target text tells which patterns can possibly match, and
only those regexes run. Rules without keywords always run. Every regex call
goes through :mod:`detector.limits` with the profile's ``regex_timeout_ms``.

Validation happens at load and raises :class:`~detector.errors.RuleError`
naming the file and the rule id: unknown or missing keys, bad regex,
duplicate ids (also across files), unresolved meta references and cycles,
unknown eval functions, missing descriptions, and scoring rules without at
least one ``match`` and one ``no_match`` example. ``redirects.yaml`` files
map renamed ids to their new ids (old ids are never reused).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import regex
import yaml

from . import limits
from .check import Check, RuleInfo
from .document import StashKey
from .errors import RuleError
from .keywords import KeywordSet
from .rule_expr import ExprError, Expression, parse, truthy
from .verdict import GROUPS, Evidence, Hit

if TYPE_CHECKING:  # pragma: no cover
    from .config import Config, Profile
    from .document import Document

#: Keys a rule may have, in the documented order.
RULE_KEYS: tuple[str, ...] = (
    "id", "name", "group", "weight", "scoring", "target", "keywords", "pattern", "eval", "meta",
    "min_hits", "max_hits", "head_chars", "description_zh", "description_en", "status", "since",
    "match", "no_match", "todo_match", "todo_no_match",
)
_REQUIRED = ("id", "name", "group", "weight", "description_zh", "description_en")
_EXAMPLE_KEYS = ("match", "no_match", "todo_match", "todo_no_match")
#: Targets that are document fields rather than views of ``doc.text``.
FIELD_TARGETS = ("text", "title", "url", "html")
_STATUSES = ("preview", "stable")
_ID = regex.compile(r"[A-Z][A-Z0-9_]{2,63}")
_TARGET = regex.compile(r"[a-z][a-z0-9_]{0,31}")
#: Matches scanned per pattern and document at most (counting stops there).
MAX_MATCHES = 200
#: Evidence spans reported per hit unless the rule sets ``max_hits``.
DEFAULT_MAX_HITS = 5
REDIRECTS_FILE = "redirects.yaml"
EVAL_ERROR_NOTE = "eval_error"
#: Functions only ``meta`` rules may call: they read the hits the checks
#: reported, which makes the meta a combination meta (second phase).
HIT_FUNCTIONS = frozenset({"group_weight", "weight_of"})


@dataclass
class Rule:
    """One validated rule from a rule file (see ``docs/rules.md``)."""

    id: str
    name: str
    group: str
    weight: float
    description_zh: str
    description_en: str
    source: str
    scoring: bool = True
    target: str = "text"
    keywords: tuple[str, ...] = ()
    pattern: str | None = None
    eval: str | None = None
    meta: str | None = None
    min_hits: int = 1
    max_hits: int = DEFAULT_MAX_HITS
    head_chars: int | None = None
    status: str = "preview"
    since: str | None = None
    match: list[Any] = field(default_factory=list)
    no_match: list[Any] = field(default_factory=list)
    todo_match: list[Any] = field(default_factory=list)
    todo_no_match: list[Any] = field(default_factory=list)
    compiled: regex.Pattern[str] | None = field(default=None, repr=False)
    expr: Expression | None = field(default=None, repr=False)

    @property
    def kind(self) -> str:
        """``pattern``, ``eval`` or ``meta``."""
        return "pattern" if self.pattern is not None else ("eval" if self.eval is not None else "meta")

    def info(self) -> RuleInfo:
        """The :class:`~detector.check.RuleInfo` shown by ``rules list``."""
        extra: dict[str, Any] = {"name": self.name, "kind": self.kind, "status": self.status}
        for key in ("pattern", "eval", "meta", "since"):
            if getattr(self, key) is not None:
                extra[key] = getattr(self, key)
        if self.keywords:
            extra["keywords"] = list(self.keywords)
        for key in _EXAMPLE_KEYS:
            if getattr(self, key):
                extra[key] = list(getattr(self, key))
        target = self.target if self.kind == "pattern" else self.kind
        return RuleInfo(self.id, self.group, self.weight, self.description_zh, self.description_en,
                        source=self.source, target=target, scoring=self.scoring, extra=extra)


@dataclass
class RuleMatch:
    """What one rule found in one document (scoring or not)."""

    count: int
    evidence: list[Evidence] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)
    value: Any = None


# ---------------------------------------------------------------------------
# loading and validation


def _fail(where: str, rule_id: str | None, msg: str) -> RuleError:
    who = f" rule {rule_id}" if rule_id else ""
    return RuleError(f"{where}:{who}: {msg}")


def _rule_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            files.extend(sorted(x for x in p.iterdir() if x.suffix in (".yaml", ".yml") and x.is_file()))
        elif p.is_file():
            files.append(p)
        else:
            raise RuleError(f"{p}: rule path does not exist")
    return files


#: libyaml's loader when PyYAML was built with it (about 10x faster: rule
#: files are parsed at every start-up), the pure-Python one otherwise.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)  # noqa: S506 - a safe loader
    except OSError as exc:
        raise RuleError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise RuleError(f"{path}: not valid UTF-8") from None
    except yaml.YAMLError as exc:
        raise RuleError(f"{path}: invalid YAML: {exc}") from None


def _examples(where: str, rid: str, key: str, value: Any) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _fail(where, rid, f"{key!r} must be a list of examples")
    for ex in value:
        if isinstance(ex, str):
            continue
        if isinstance(ex, dict) and ex and set(ex) <= {"text", "title", "url", "html"} and all(
            isinstance(v, str) for v in ex.values()
        ):
            continue
        raise _fail(where, rid, f"{key!r}: an example is a string or a mapping of "
                                "text/title/url/html strings")
    return list(value)


def _parse_rule(raw: Any, where: str, index: int) -> Rule:
    if not isinstance(raw, dict):
        raise _fail(where, None, f"rule #{index + 1} is not a mapping")
    rid = raw.get("id")
    if not isinstance(rid, str) or not _ID.fullmatch(rid):
        raise _fail(where, None, f"rule #{index + 1}: 'id' must match [A-Z][A-Z0-9_]{{2,63}}, got {rid!r}")
    unknown = [k for k in raw if k not in RULE_KEYS]
    if unknown:
        raise _fail(where, rid, f"unknown key {unknown[0]!r} (allowed: {', '.join(RULE_KEYS)})")
    for key in _REQUIRED:
        if raw.get(key) in (None, ""):
            raise _fail(where, rid, f"missing {key!r}")
    for key in ("name", "description_zh", "description_en"):
        if not isinstance(raw[key], str) or not raw[key].strip():
            raise _fail(where, rid, f"{key!r} must be a non-empty string")
    group = raw["group"]
    if group not in GROUPS:
        raise _fail(where, rid, f"unknown group {group!r} (one of {', '.join(GROUPS)})")
    weight = raw["weight"]
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or abs(weight) > 100:
        raise _fail(where, rid, f"'weight' must be a number in [-100, 100], got {weight!r}")
    scoring = raw.get("scoring", True)
    if not isinstance(scoring, bool):
        raise _fail(where, rid, "'scoring' must be true or false")
    scoring = scoring and weight != 0
    kinds = [k for k in ("pattern", "eval", "meta") if raw.get(k) is not None]
    if len(kinds) != 1:
        raise _fail(where, rid, "needs exactly one of 'pattern', 'eval' or 'meta'")
    target = raw.get("target", "text")
    if not isinstance(target, str) or not _TARGET.fullmatch(target):
        raise _fail(where, rid, f"'target' must be a field or view name, got {target!r}")
    if kinds[0] != "pattern" and "target" in raw:
        raise _fail(where, rid, "'target' only applies to pattern rules")
    keywords = raw.get("keywords", [])
    if not isinstance(keywords, list) or not all(isinstance(k, str) and k for k in keywords):
        raise _fail(where, rid, "'keywords' must be a list of non-empty strings")
    if keywords and kinds[0] != "pattern":
        raise _fail(where, rid, "'keywords' only apply to pattern rules")
    for key in ("min_hits", "max_hits"):
        v = raw.get(key)
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= MAX_MATCHES):
            raise _fail(where, rid, f"{key!r} must be an integer in [1, {MAX_MATCHES}]")
    head = raw.get("head_chars")
    if head is not None:
        if isinstance(head, bool) or not isinstance(head, int) or head < 1:
            raise _fail(where, rid, "'head_chars' must be a positive integer")
        if kinds[0] != "pattern":
            raise _fail(where, rid, "'head_chars' only applies to pattern rules")
    status = raw.get("status", "preview")
    if status not in _STATUSES:
        raise _fail(where, rid, f"'status' must be one of {', '.join(_STATUSES)}")
    since = raw.get("since")
    if since is not None and not isinstance(since, (str, int, float)):
        raise _fail(where, rid, "'since' must be a version string")
    rule = Rule(
        id=rid, name=raw["name"].strip(), group=group, weight=float(weight),
        description_zh=raw["description_zh"].strip(), description_en=raw["description_en"].strip(),
        source=where, scoring=scoring, target=target, keywords=tuple(keywords),
        min_hits=raw.get("min_hits") or 1, max_hits=raw.get("max_hits") or DEFAULT_MAX_HITS,
        head_chars=head,
        status=status, since=None if since is None else str(since),
        **{k: _examples(where, rid, k, raw.get(k)) for k in _EXAMPLE_KEYS},
    )
    if kinds[0] == "pattern":
        pat = raw["pattern"]
        if not isinstance(pat, str) or not pat:
            raise _fail(where, rid, "'pattern' must be a non-empty string")
        try:
            rule.compiled = regex.compile(pat)
        except (regex.error, ValueError, OverflowError) as exc:
            raise _fail(where, rid, f"bad regex: {exc}") from None
        if rule.compiled.search("", timeout=0.05) is not None:
            raise _fail(where, rid, "pattern matches the empty string")
        rule.pattern = pat
    else:
        key = kinds[0]
        src = raw[key]
        if not isinstance(src, str):
            raise _fail(where, rid, f"{key!r} must be a string expression")
        try:
            rule.expr = parse(src)
        except ExprError as exc:
            raise _fail(where, rid, f"bad {key} expression: {exc}") from None
        if key == "eval":
            rule.eval = src
            if rule.expr.rule_refs:
                raise _fail(where, rid, "an 'eval' expression may not name rules; use 'meta'")
            if not rule.expr.calls:
                raise _fail(where, rid, "an 'eval' expression must call an eval function")
        else:
            rule.meta = src
            if not rule.expr.rule_refs:
                raise _fail(where, rid, "a 'meta' expression must name at least one rule")
    if rule.scoring and (not rule.match or not rule.no_match):
        raise _fail(where, rid, "a scoring rule needs at least one 'match' and one 'no_match' example")
    return rule


def _read_redirects(path: Path) -> dict[str, str]:
    data = _read_yaml(path)
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise RuleError(f"{path}: redirects must map old rule ids to new rule ids")
    return dict(data)


def _topo_metas(rules: Mapping[str, Rule]) -> list[Rule]:
    """Meta rules ordered so every meta runs after the metas it reads."""
    order: list[Rule] = []
    state: dict[str, int] = {}

    def visit(r: Rule, chain: list[str]) -> None:
        st = state.get(r.id)
        if st == 2:
            return
        if st == 1:
            raise _fail(r.source, r.id, "meta rules form a cycle: " + " -> ".join([*chain, r.id]))
        state[r.id] = 1
        assert r.expr is not None
        for ref in r.expr.rule_refs:
            dep = rules.get(ref)  # None: a rule a check declares
            if dep is not None and dep.meta is not None:
                visit(dep, [*chain, r.id])
        state[r.id] = 2
        order.append(r)

    for r in rules.values():
        if r.meta is not None:
            visit(r, [])
    return order


def _check_hit_call(r: Rule, name: str, args: tuple[Any, ...], known: Collection[str]) -> None:
    """Validate a call of one of :data:`HIT_FUNCTIONS`."""
    if r.meta is None:
        raise _fail(r.source, r.id, f"{name}() reads other checks' hits; only a 'meta' may call it")
    if len(args) != 1 or not isinstance(args[0], str):
        raise _fail(r.source, r.id, f"{name}() takes one string argument")
    if name == "group_weight" and args[0] not in GROUPS:
        raise _fail(r.source, r.id, f"group_weight(): unknown group {args[0]!r}")
    if name == "weight_of" and args[0] not in known:
        raise _fail(r.source, r.id, f"weight_of(): unknown rule {args[0]!r}")


def load_rules(paths: Iterable[Path], eval_functions: Mapping[str, Callable[..., Any]] | None = None,
               check_rules: Collection[str] = ()) -> tuple[list[Rule], dict[str, str], str]:
    """Load and validate rule files.

    Args:
        paths: Rule files or directories of ``*.yaml`` files.
        eval_functions: Names callable from ``eval`` / ``meta`` expressions.
        check_rules: Ids of the rules the detector's checks declare; a
            ``meta`` may name them (a combination meta).

    Returns:
        ``(rules, redirects, version)``; ``version`` hashes the files' contents.

    Raises:
        RuleError: naming the file and rule for the first problem found.
    """
    funcs = eval_functions or {}
    rules: dict[str, Rule] = {}
    redirects: dict[str, str] = {}
    digest = hashlib.sha256()
    for path in _rule_files(paths):
        try:
            blob = path.read_bytes()
        except OSError as exc:
            raise RuleError(f"{path}: cannot read: {exc.strerror or exc}") from None
        digest.update(path.name.encode() + b"\0" + blob + b"\0")
        where = str(path)
        if path.name == REDIRECTS_FILE:
            for old, new in _read_redirects(path).items():
                if old in redirects and redirects[old] != new:
                    raise RuleError(f"{where}: redirect {old} defined twice")
                redirects[old] = new
            continue
        data = _read_yaml(path)
        if data is None:
            continue
        if not isinstance(data, dict) or set(data) - {"rules"} or not isinstance(data.get("rules"), list):
            raise RuleError(f"{where}: a rule file is a mapping with one key, 'rules' (a list)")
        for i, raw in enumerate(data["rules"]):
            rule = _parse_rule(raw, where, i)
            if rule.id in rules:
                raise _fail(where, rule.id, f"duplicate id (also defined in {rules[rule.id].source})")
            rules[rule.id] = rule
    known = set(rules) | set(check_rules)
    for r in rules.values():
        if r.expr is None:
            continue
        for ref in r.expr.rule_refs:
            if ref not in known:
                hint = f" (renamed to {redirects[ref]})" if ref in redirects else ""
                raise _fail(r.source, r.id, f"meta references unknown rule {ref}{hint}")
            if ref == r.id:
                raise _fail(r.source, r.id, "meta references itself")
        for name, args in r.expr.calls:
            if name in HIT_FUNCTIONS:
                _check_hit_call(r, name, args, known)
            elif name not in funcs:
                raise _fail(r.source, r.id, f"unknown eval function {name!r} "
                                            f"(registered: {', '.join(sorted(funcs)) or 'none'})")
    for old, new in redirects.items():
        if old in rules:
            raise RuleError(f"redirects: {old} is redirected to {new} but still defined "
                            f"in {rules[old].source} (ids are never reused)")
        if new not in rules and new not in redirects:
            raise RuleError(f"redirects: {old} -> {new}, but {new} is not defined")
    _topo_metas(rules)
    return list(rules.values()), redirects, digest.hexdigest()[:16]


# ---------------------------------------------------------------------------
# matching


@dataclass
class _Pattern:
    """One distinct compiled pattern on one target and the rules using it."""

    key: int
    compiled: regex.Pattern[str]
    rules: list[Rule]
    keywords: frozenset[str] | None  # None: no prefilter, always runs
    head_chars: int | None = None


@dataclass
class _TargetGroup:
    target: str
    patterns: list[_Pattern]
    always: list[_Pattern]
    keywords: KeywordSet | None = None  # keyword -> the keys of the patterns it opens


class _Ctx:
    """Expression context over one document's results."""

    def __init__(self, ruleset: RuleSet, doc: Document, results: dict[str, RuleMatch]) -> None:
        self.ruleset = ruleset
        self.doc = doc
        self.results = results
        self.cache: dict[tuple[str, tuple[Any, ...]], Any] = {}

    def count(self, rule_id: str) -> float:
        r = self.results.get(rule_id)
        return r.count if r is not None else 0

    def call(self, name: str, args: tuple[Any, ...]) -> Any:
        key = (name, args)
        if key not in self.cache:
            try:
                self.cache[key] = self.ruleset.eval_functions[name](self.doc, *args)
            except Exception as exc:  # noqa: BLE001 - a plugin function must not kill the scan
                self.doc.notes.append((EVAL_ERROR_NOTE, f"{name}: {type(exc).__name__}: {exc}"[:200]))
                self.cache[key] = 0
        return self.cache[key]


class _HitsCtx(_Ctx):
    """Expression context of combination metas: rule results plus check hits.

    Hits of the rule files themselves are read from ``results`` (where
    sub-rules are too); other checks' hits are counted by rule id (their
    ``details["count"]`` when they give one, else 1 per hit). Rules and
    groups the profile disables do not count, and the profile's weight
    overrides apply, as they will when the verdict is scored. The tallies
    are made on first use and evidence is gathered only for a meta that
    matched: most documents fail the first test of every meta.
    """

    def __init__(self, ruleset: RuleSet, doc: Document, results: dict[str, RuleMatch],
                 hits: Iterable[Hit], profile: Profile | None) -> None:
        super().__init__(ruleset, doc, results)
        self.hits = hits
        self.profile = profile
        self._tally: tuple[dict[str, float], dict[str, float], dict[str, float]] | None = None

    def _inputs(self) -> Iterator[tuple[str, str, float, float, list[Evidence]]]:
        """``(rule, group, weight, count, evidence)`` of every enabled input."""
        own = self.ruleset.all_rules
        profile = self.profile
        overrides = profile.weights if profile is not None else {}
        for h in self.hits:
            if h.rule in own or (profile is not None and not profile.enabled(h.rule, h.group)):
                continue
            n = h.details.get("count") if h.details else None
            if not isinstance(n, (int, float)) or isinstance(n, bool) or n <= 0:
                n = 1
            yield h.rule, h.group, float(overrides.get(h.rule, h.weight)), n, h.evidence
        for rid, m in self.results.items():
            r = own.get(rid)
            if r is not None and r.scoring and (profile is None or profile.enabled(rid, r.group)):
                yield rid, r.group, float(overrides.get(rid, r.weight)), m.count, m.evidence

    def tally(self) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
        """``(count by rule, weight by rule, positive weight by group)``."""
        if self._tally is None:
            counts: dict[str, float] = {}
            weights: dict[str, float] = {}
            groups: dict[str, float] = {}
            for rule, group, weight, n, _ev in self._inputs():
                counts[rule] = counts.get(rule, 0) + n
                weights[rule] = weights.get(rule, 0.0) + weight
                if weight > 0:
                    groups[group] = groups.get(group, 0.0) + weight
            self._tally = counts, weights, groups
        return self._tally

    def count(self, rule_id: str) -> float:
        r = self.results.get(rule_id)
        return r.count if r is not None else self.tally()[0].get(rule_id, 0)

    def call(self, name: str, args: tuple[Any, ...]) -> Any:
        if name == "group_weight":
            return round(self.tally()[2].get(args[0], 0.0), 6)
        if name == "weight_of":
            return round(self.tally()[1].get(args[0], 0.0), 6)
        return super().call(name, args)

    def evidence(self, rule: Rule) -> list[Evidence]:
        """Evidence of what ``rule`` reads (named rules and groups), each input represented."""
        assert rule.expr is not None
        rules = set(rule.expr.rule_refs)
        groups = set()
        for name, args in rule.expr.calls:
            if name == "group_weight":
                groups.add(args[0])
            elif name == "weight_of":
                rules.add(args[0])
        sources: dict[str, list[Evidence]] = {}
        for rid, group, weight, _n, ev in self._inputs():
            if rid in rules:
                sources.setdefault("r:" + rid, []).extend(ev)
            if group in groups and weight > 0:
                sources.setdefault("g:" + group, []).extend(ev)
        for rid in rules:  # sub-rules (not scoring) feed metas too
            sub = self.results.get(rid)
            if sub is not None and "r:" + rid not in sources:
                sources["r:" + rid] = list(sub.evidence)
        # Round-robin over the inputs, so every one of them shows in the
        # first ``max_hits`` spans (filler phrases must not crowd out the
        # one counter that made the page a farm page).
        lists = list(sources.values())
        ev_set: dict[Evidence, None] = {}  # insertion-ordered set (evidence is frozen)
        for i in range(max((len(x) for x in lists), default=0)):
            for x in lists:
                if i < len(x):
                    ev_set[x[i]] = None
            if len(ev_set) >= rule.max_hits:
                break
        return sorted(list(ev_set)[: rule.max_hits], key=lambda e: (e.start, e.end))


class _Unmatched:
    """Expression context in which no rule matched (calls are not allowed)."""

    def count(self, rule_id: str) -> float:
        return 0

    def call(self, name: str, args: tuple[Any, ...]) -> Any:
        raise LookupError(name)


def _values_when_unmatched(metas: list[Rule]) -> dict[str, Any]:
    """Value of each meta rule when none of the rules it reads matched.

    A meta without eval calls is a pure function of the counts it reads, so
    when all of them are 0 its value is fixed: computing it once at load time
    lets the scan skip most metas on most documents. Metas that call eval
    functions (or fail to evaluate) are left out and always evaluated.
    """
    out: dict[str, Any] = {}
    ctx = _Unmatched()
    for r in metas:
        if r.expr is None or r.expr.calls:
            continue
        try:
            out[r.id] = r.expr.evaluate(ctx)  # type: ignore[arg-type]
        except (ExprError, TypeError, ValueError, OverflowError, LookupError):
            continue
    return out


class RuleSet(Check):
    """The check that runs every loaded rule file (``name = "rules"``).

    Args:
        rules: Validated rules (from :func:`load_rules`).
        eval_functions: Functions callable from expressions.
        config: Configuration (the profile's ``regex_timeout_ms`` applies).
        version: Hash of the rule files.
        redirects: Old id → new id.
    """

    name = "rules"

    def __init__(self, rules: list[Rule], eval_functions: Mapping[str, Callable[..., Any]],
                 config: Config | None = None, version: str = "",
                 redirects: Mapping[str, str] | None = None) -> None:
        self.all_rules = {r.id: r for r in rules}
        self.rules = tuple(r.info() for r in rules)
        self.eval_functions = dict(eval_functions)
        self.config = config
        self.version = version
        self.redirects = dict(redirects or {})
        self._evals = [r for r in rules if r.eval is not None]
        metas = _topo_metas(self.all_rules)
        late: set[str] = set()
        for r in metas:  # in dependency order, so a meta reading a late one is late too
            assert r.expr is not None
            if any(ref not in self.all_rules or ref in late for ref in r.expr.rule_refs) or any(
                name in HIT_FUNCTIONS for name, _ in r.expr.calls
            ):
                late.add(r.id)
        self._metas = [r for r in metas if r.id not in late]
        #: Combination metas, evaluated after every check (:meth:`combine`).
        self._combined = [r for r in metas if r.id in late]
        self._fixed = _values_when_unmatched(self._metas)
        self._meta_refs = {r.id: frozenset(r.expr.rule_refs) for r in self._metas if r.expr is not None}
        self._groups = self._group_patterns([r for r in rules if r.compiled is not None])

    @staticmethod
    def _group_patterns(rules: list[Rule]) -> list[_TargetGroup]:
        groups: dict[str, dict[tuple[str, int | None], _Pattern]] = {}
        n = 0
        for r in rules:
            assert r.compiled is not None and r.pattern is not None
            by_pat = groups.setdefault(r.target, {})
            pkey = (r.pattern, r.head_chars)
            p = by_pat.get(pkey)
            if p is None:
                kws = frozenset(r.keywords) if r.keywords else None
                p = by_pat[pkey] = _Pattern(n, r.compiled, [], kws, r.head_chars)
                n += 1
            elif p.keywords is not None:
                # Shared pattern: the prefilter is the union; no keywords anywhere → always.
                p.keywords = p.keywords | frozenset(r.keywords) if r.keywords else None
            p.rules.append(r)
        out = []
        for target, by_pat in groups.items():
            pats = list(by_pat.values())
            g = _TargetGroup(target, pats, [p for p in pats if p.keywords is None])
            keyed = [p for p in pats if p.keywords is not None]
            if keyed:
                g.keywords = KeywordSet((kw, p.key) for p in keyed for kw in p.keywords or ())
            out.append(g)
        return out

    # -- target texts ----------------------------------------------------
    def _target(self, doc: Document, target: str) -> tuple[str, Any]:
        """Return ``(text, view_or_None)``; the view maps offsets to ``doc.text``."""
        if target == "text":
            return doc.text, None
        if target == "title":
            return doc.folded_title(), "field"
        if target == "url":
            return doc.url or "", "field"
        if target == "html":
            return doc.html or "", "field"
        v = doc.view(target)
        return v.text, v

    def _timeout(self, doc: Document) -> float:
        if self.config is None:
            return limits.DEFAULT_REGEX_TIMEOUT
        return self.config.profile(doc.site).regex_timeout_ms / 1000.0

    # -- running ---------------------------------------------------------
    def is_combination(self, rule_id: str) -> bool:
        """Whether ``rule_id`` is a combination meta (reads other checks' hits)."""
        return any(r.id == rule_id for r in self._combined)

    def combination_check(self) -> CombinationRules | None:
        """The second-phase check for this rule set's combination metas, if any."""
        return CombinationRules(self) if self._combined else None

    def evaluate(self, doc: Document, hits: Iterable[Hit] | None = None) -> dict[str, RuleMatch]:
        """Every rule that matched ``doc`` (sub-rules included), by id.

        With ``hits`` (what the other checks reported for ``doc``), the
        combination metas are evaluated too, as the second phase would.
        """
        results = self._evaluate(doc)
        if hits is not None:
            self.combine(doc, results, hits)
        return results

    def combine(self, doc: Document, results: dict[str, RuleMatch],
                hits: Iterable[Hit]) -> dict[str, RuleMatch]:
        """Evaluate the combination metas; add their matches to ``results`` and return them."""
        new: dict[str, RuleMatch] = {}
        if not self._combined:
            return new
        profile = self.config.profile(doc.site) if self.config is not None else None
        ctx = _HitsCtx(self, doc, results, hits, profile)
        for r in self._combined:
            value = self._expression(r, ctx, doc)
            if truthy(value):
                new[r.id] = results[r.id] = RuleMatch(1, ctx.evidence(r), value=value)
        return new

    def _evaluate(self, doc: Document) -> dict[str, RuleMatch]:
        results: dict[str, RuleMatch] = {}
        timeout = self._timeout(doc)
        for g in self._groups:
            try:
                text, view = self._target(doc, g.target)
            except KeyError:
                doc.notes.append((EVAL_ERROR_NOTE, f"unknown view {g.target!r}"))
                continue
            if not text:
                continue
            todo = list(g.always)
            if g.keywords is not None:
                keys = g.keywords.keys_in(text)
                if keys:
                    todo.extend(p for p in g.patterns if p.key in keys)
            for p in todo:
                self._run_pattern(p, text, view, doc, timeout, results)
        ctx = _Ctx(self, doc, results)
        for r in self._evals:
            value = self._expression(r, ctx, doc)
            if truthy(value):
                results[r.id] = RuleMatch(1, value=value)
        fixed, refs = self._fixed, self._meta_refs
        for r in self._metas:
            if r.id in fixed and refs[r.id].isdisjoint(results):
                # Nothing it reads matched: its value is the one computed at load time.
                value = fixed[r.id]
                if not truthy(value):
                    continue
            else:
                value = self._expression(r, ctx, doc)
            if truthy(value):
                ev: dict[Evidence, None] = {}  # insertion-ordered set (evidence is frozen)
                for ref in r.expr.rule_refs:
                    sub = results.get(ref)
                    if sub is not None:
                        ev.update(dict.fromkeys(sub.evidence))
                results[r.id] = RuleMatch(1, sorted(ev, key=lambda e: (e.start, e.end))[: r.max_hits],
                                          value=value)
        return results

    @staticmethod
    def _expression(rule: Rule, ctx: _Ctx, doc: Document) -> Any:
        """Evaluate an eval/meta expression; a type error counts as no match."""
        assert rule.expr is not None
        try:
            return rule.expr.evaluate(ctx)
        except (ExprError, TypeError, ValueError, OverflowError) as exc:
            doc.notes.append((EVAL_ERROR_NOTE, f"{rule.id}: {exc}"[:200]))
            return 0

    def _run_pattern(self, p: _Pattern, text: str, view: Any, doc: Document, timeout: float,
                     results: dict[str, RuleMatch]) -> None:
        matches: list[regex.Match[str]] = []
        what = ",".join(r.id for r in p.rules)
        endpos = min(len(text), p.head_chars) if p.head_chars else None
        for m in limits.finditer(p.compiled, text, doc, limit=timeout, what=what, endpos=endpos):
            matches.append(m)
            if len(matches) >= MAX_MATCHES:
                break
        if not matches:
            return
        for r in p.rules:
            if len(matches) < r.min_hits:
                continue
            shown = matches[: r.max_hits]
            if view == "field":
                results[r.id] = RuleMatch(len(matches), [], [m.group(0) for m in shown])
            elif view is None:
                results[r.id] = RuleMatch(len(matches), [Evidence(m.start(), m.end(), m.group(0))
                                                         for m in shown])
            else:
                results[r.id] = RuleMatch(len(matches), [view.evidence(m.start(), m.end())
                                                         for m in shown])

    def run(self, doc: Document) -> Iterator[Hit]:
        """Yield a hit for every scoring rule that matched ``doc``.

        The results (sub-rules included) stay in ``doc.stash`` for the
        second phase (:class:`CombinationRules`).
        """
        results = doc.stash[RESULTS] = self._evaluate(doc)
        return self.hits(results)

    def hits(self, results: Mapping[str, RuleMatch]) -> Iterator[Hit]:
        """The hits of the scoring rules among ``results``."""
        for rid, res in results.items():
            r = self.all_rules[rid]
            if not r.scoring:
                continue
            details: dict[str, Any] = {"count": res.count}
            if r.kind == "pattern" and r.target != "text":
                details["target"] = r.target
            if res.matched:
                details["matched"] = res.matched
            if r.kind != "pattern" and res.value is not None and not isinstance(res.value, bool):
                details["value"] = res.value
            yield Hit(rule=r.id, group=r.group, weight=r.weight, description_zh=r.description_zh,
                      description_en=r.description_en, evidence=list(res.evidence), details=details)


#: The rule results of one document, kept for the second phase.
RESULTS: StashKey[dict[str, RuleMatch]] = StashKey()


class CombinationRules(Check):
    """Second phase of a rule set: its combination metas (``name = "rules.combined"``).

    Runs after every other check (``after_checks``) and reads the hits they
    reported (``doc.hits``) together with the rule set's own results,
    sub-rules included, from the first phase. It reads no text itself, so
    it also runs on binary input (with whatever the URL checks found).
    """

    name = "rules.combined"
    after_checks = True
    reads_text = False

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self.rules = ()  # listed by the ``rules`` check, which holds them

    def run(self, doc: Document) -> Iterator[Hit]:
        """Yield the hits of the combination metas that hold for ``doc``."""
        results = doc.stash.get(RESULTS)
        if results is None:  # the first phase did not run (binary input, budget)
            results = {}
        return self.ruleset.hits(self.ruleset.combine(doc, results, doc.hits))


def load_ruleset(paths: list[Path], eval_functions: Mapping[str, Callable[..., Any]],
                 config: Config | None = None, check_rules: Collection[str] = ()) -> RuleSet:
    """Load, validate and compile rule files into the ``rules`` check.

    Args:
        paths: Rule files or directories.
        eval_functions: Functions plugins registered for ``eval``/``meta`` use.
        config: The configuration (regex time limit per profile).
        check_rules: Ids of the rules the detector's checks declare (a
            combination meta may name them).

    Raises:
        RuleError: for an invalid file, naming the file and rule id.
    """
    rules, redirects, version = load_rules(paths, eval_functions, check_rules)
    return RuleSet(rules, eval_functions, config, version, redirects)
