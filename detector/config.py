"""Configuration: thresholds, weights and options, per site profile.

Configuration lives in ``spamdetect.toml`` or under ``[tool.spamdetect]`` in
``pyproject.toml``, found by walking up from the working directory (the
first file that has a spamdetect section wins); ``--config PATH`` or
``Config.load(path)`` overrides the search. Every key is validated and an
invalid value raises :class:`~detector.errors.ConfigError` naming the key.

Layout::

    review = 5.0            # score at or above which the action is "review"
    reject = 10.0           # ... "reject"
    max_chars = 200000      # longer text is truncated (a "limits" hit)
    time_budget_ms = 1000   # per document; on expiry remaining checks skip
    regex_timeout_ms = 50   # per regex call
    rule_dirs = ["my-rules"]          # extra rule files/dirs (relative to the file)
    disable = ["ZH_MASK_STARS"]       # rule ids or groups switched off
    index = "sqlite:.spamdetect/index.db"

    [weights]               # rule id -> weight
    ZH_CONTACT_QQ = 3.0

    [group_caps]            # group -> max total contribution
    deletion = 2.0

    [profiles.forum]        # a site profile overrides any key above
    review = 4.0
    disable = ["chrome"]

    [options]               # plugin options declared via spamdetect_add_config
    "domain.lists" = ["lists/farms.txt"]

A profile inherits the top level; its ``weights`` and ``group_caps`` merge
over the top level's, and its ``disable`` adds to it.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib
from .verdict import GROUPS

#: Default group caps: weak signal families cannot reach reject on their own.
DEFAULT_GROUP_CAPS: dict[str, float] = {
    "deletion": 5.0,
    "script_mix": 3.0,
    "invisible": 3.0,
    "spin": 6.0,
    "chrome": 6.0,
    "filler": 4.0,
    "limits": 2.0,
    "plugin": 0.0,
}

_PROFILE_KEYS: dict[str, type | tuple[type, ...]] = {
    "review": (int, float),
    "reject": (int, float),
    "max_chars": int,
    "time_budget_ms": (int, float),
    "regex_timeout_ms": (int, float),
    "rule_dirs": list,
    "disable": list,
    "weights": dict,
    "group_caps": dict,
    "index": str,
}
_TOP_KEYS = set(_PROFILE_KEYS) | {"profiles", "options"}


@dataclass(frozen=True)
class Profile:
    """Resolved settings for one site profile."""

    name: str = "default"
    review: float = 5.0
    reject: float = 10.0
    max_chars: int = 200_000
    time_budget_ms: float = 1000.0
    regex_timeout_ms: float = 50.0
    rule_dirs: tuple[Path, ...] = ()
    disable: frozenset[str] = frozenset()
    weights: Mapping[str, float] = field(default_factory=dict)
    group_caps: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_GROUP_CAPS))
    index: str | None = None

    def action(self, score: float) -> str:
        """Map a score to ``allow`` / ``review`` / ``reject``."""
        if score >= self.reject:
            return "reject"
        if score >= self.review:
            return "review"
        return "allow"

    def enabled(self, rule_id: str, group: str) -> bool:
        """False when the rule id or its group is disabled."""
        return rule_id not in self.disable and group not in self.disable


@dataclass
class _Option:
    key: str
    default: Any
    type: Callable[[Any], Any] | type | None
    help: str


class ConfigSpec:
    """Options declared by plugins through ``spamdetect_add_config``."""

    def __init__(self) -> None:
        self.options: dict[str, _Option] = {}

    def add(self, key: str, default: Any, *, type: Any = None, help: str = "") -> None:  # noqa: A002
        """Declare option ``key`` with a default, an optional type and help text.

        Args:
            key: Dotted option name, e.g. ``"domain.lists"``.
            default: Value when the configuration does not set it.
            type: A type to check (``int``, ``list``…) or a callable that
                converts the raw value and raises ``ValueError`` when invalid.
            help: One line shown by ``spamdetect config``.
        """
        self.options[key] = _Option(key, default, type, help)


def _check_type(key: str, value: Any, expected: type | tuple[type, ...]) -> Any:
    if isinstance(value, bool) and expected in ((int, float), int):
        raise ConfigError(f"config key {key!r}: expected a number, got {value!r}")
    if not isinstance(value, expected):
        names = (
            "/".join(t.__name__ for t in expected)
            if isinstance(expected, tuple)
            else expected.__name__
        )
        raise ConfigError(f"config key {key!r}: expected {names}, got {type(value).__name__} {value!r}")
    return value


def _validate_section(prefix: str, data: Mapping[str, Any], allowed: set[str]) -> None:
    for key, value in data.items():
        full = f"{prefix}{key}"
        if key not in allowed:
            raise ConfigError(f"unknown config key {full!r}")
        if key in _PROFILE_KEYS:
            _check_type(full, value, _PROFILE_KEYS[key])
            if key in ("weights", "group_caps"):
                for k, v in value.items():
                    _check_type(f"{full}.{k}", v, (int, float))
                    if key == "group_caps" and k not in GROUPS:
                        raise ConfigError(f"config key {full}.{k!r}: unknown group")
            if key in ("rule_dirs", "disable"):
                for i, v in enumerate(value):
                    _check_type(f"{full}[{i}]", v, str)
            if key in ("review", "reject", "max_chars", "time_budget_ms", "regex_timeout_ms"):
                if value <= 0:
                    raise ConfigError(f"config key {full!r}: must be positive, got {value!r}")
    if "review" in data and "reject" in data and data["review"] > data["reject"]:
        raise ConfigError(f"config key {prefix}review: must not exceed {prefix}reject")


class Config:
    """A loaded, validated configuration.

    Args:
        data: The ``spamdetect`` table (already parsed).
        path: The file it came from (relative ``rule_dirs`` resolve against
            its directory).

    Raises:
        ConfigError: for an unknown key or a value of the wrong type.

    Examples:
        >>> cfg = Config({"review": 4, "profiles": {"forum": {"reject": 8}}})
        >>> cfg.profile("forum").review, cfg.profile("forum").reject
        (4, 8)
        >>> cfg.profile("unknown-site").name
        'default'
    """

    def __init__(self, data: Mapping[str, Any] | None = None, path: Path | None = None) -> None:
        self.data: dict[str, Any] = dict(data or {})
        self.path = path
        self.base_dir = path.parent if path else Path.cwd()
        _validate_section("", self.data, _TOP_KEYS)
        profiles = self.data.get("profiles", {})
        if not isinstance(profiles, dict):
            raise ConfigError("config key 'profiles': expected a table")
        for name, prof in profiles.items():
            if not isinstance(prof, dict):
                raise ConfigError(f"config key 'profiles.{name}': expected a table")
            _validate_section(f"profiles.{name}.", prof, set(_PROFILE_KEYS))
        opts = self.data.get("options", {})
        if not isinstance(opts, dict):
            raise ConfigError("config key 'options': expected a table")
        self._profiles: dict[str, Profile] = {}
        self._options: dict[str, Any] = {}

    # -- loading ----------------------------------------------------------
    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None, *, start: Path | None = None) -> Config:
        """Load from ``path``, or search upwards from ``start`` (cwd).

        Raises:
            ConfigError: when the file is missing, unreadable or invalid.
        """
        if path is not None:
            p = Path(path)
            if not p.is_file():
                raise ConfigError(f"config file not found: {p}")
            return cls(_read_table(p), p.resolve())
        found = find_config(start or Path.cwd())
        if found is None:
            return cls()
        return cls(_read_table(found), found.resolve())

    # -- profiles and options ---------------------------------------------
    @property
    def profile_names(self) -> list[str]:
        """Names of the configured site profiles."""
        return sorted(self.data.get("profiles", {}))

    def profile(self, name: str | None = None) -> Profile:
        """Resolve the profile ``name`` (``None`` or unknown → ``default``)."""
        key = name if name in self.data.get("profiles", {}) else "default"
        cached = self._profiles.get(key)
        if cached is not None:
            return cached
        top = {k: v for k, v in self.data.items() if k in _PROFILE_KEYS}
        over = self.data.get("profiles", {}).get(key, {}) if key != "default" else {}
        merged: dict[str, Any] = {**top, **over}
        merged["weights"] = {**top.get("weights", {}), **over.get("weights", {})}
        merged["group_caps"] = {
            **DEFAULT_GROUP_CAPS,
            **top.get("group_caps", {}),
            **over.get("group_caps", {}),
        }
        merged["disable"] = frozenset(top.get("disable", [])) | frozenset(over.get("disable", []))
        dirs = list(top.get("rule_dirs", [])) + list(over.get("rule_dirs", []))
        merged["rule_dirs"] = tuple((self.base_dir / d).resolve() for d in dirs)
        prof = Profile(name=key, **merged)
        if prof.review > prof.reject:
            raise ConfigError(f"profile {key!r}: review threshold exceeds reject threshold")
        self._profiles[key] = prof
        return prof

    def bind_options(self, spec: ConfigSpec) -> None:
        """Validate ``[options]`` against the declared ``spec``."""
        raw = self.data.get("options", {})
        unknown = set(raw) - set(spec.options)
        if unknown:
            raise ConfigError(f"unknown config key 'options.{sorted(unknown)[0]}'")
        values: dict[str, Any] = {}
        for key, opt in spec.options.items():
            value = raw.get(key, opt.default)
            if key in raw and opt.type is not None:
                if isinstance(opt.type, type):
                    if not isinstance(value, opt.type):
                        raise ConfigError(
                            f"config key 'options.{key}': expected {opt.type.__name__}, "
                            f"got {type(value).__name__} {value!r}"
                        )
                else:
                    try:
                        value = opt.type(value)
                    except (TypeError, ValueError) as exc:
                        raise ConfigError(f"config key 'options.{key}': {exc}") from None
            values[key] = value
        self._options = values

    def option(self, key: str, default: Any = None) -> Any:
        """Value of a plugin option (declared default when unset)."""
        if key in self._options:
            return self._options[key]
        return self.data.get("options", {}).get(key, default)

    def resolve_path(self, value: str | os.PathLike[str]) -> Path:
        """Resolve a path from the configuration relative to its file."""
        return (self.base_dir / value).resolve()

    def fingerprint(self) -> str:
        """Stable hash of the configuration (part of ``rules_version``)."""
        blob = json.dumps(self.data, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


def _read_table(path: Path) -> dict[str, Any]:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"config file {path} is not valid UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML in {path}: {exc}") from None
    if path.name == "pyproject.toml":
        table = raw.get("tool", {}).get("spamdetect", {})
    else:
        table = raw
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: the spamdetect configuration must be a table")
    return table


def find_config(start: Path) -> Path | None:
    """Find ``spamdetect.toml`` or a ``pyproject.toml`` with ``[tool.spamdetect]``.

    Walks from ``start`` up to the filesystem root; returns None if none.
    """
    here = start.resolve()
    for d in (here, *here.parents):
        cand = d / "spamdetect.toml"
        if cand.is_file():
            return cand
        pp = d / "pyproject.toml"
        if pp.is_file():
            try:
                data = tomllib.loads(pp.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                continue
            if "spamdetect" in data.get("tool", {}):
                return pp
    return None
