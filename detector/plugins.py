"""Plugin manager: builtin plugins, entry-point plugins, and user control.

Builtin checks are ordinary plugins listed in :data:`DEFAULT_PLUGINS` and
registered exactly like third-party ones. Third-party plugins are found
through the ``spamdetect`` entry-point group; site-local plugins through
``plugins_dir`` (every ``*.py`` file in it is imported and registered).

Environment variables:

``SPAMDETECT_LOAD_PLUGINS``
    Comma-separated names of entry-point plugins to load (``""``: none).
    Unset: load all installed ones.
``SPAMDETECT_DISABLED_PLUGINS``
    Comma-separated plugin names (builtin or not) to block.
``SPAMDETECT_TRACE_PLUGINS``
    ``1`` traces every hook call to stderr.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pluggy

from . import hookspecs
from .errors import PluginError

#: Builtin plugin modules, registered in this order.
DEFAULT_PLUGINS: tuple[str, ...] = (
    "detector.checks.core",
    "detector.checks.rulefiles",
    "detector.checks.mojibake",
    "detector.checks.pinyin",
    "detector.checks.deletion",
    "detector.checks.script_mix",
    "detector.checks.invisible",
    "detector.checks.neardup",
    "detector.checks.contact",
    "detector.checks.stuffing",
    "detector.checks.injection",
    "detector.checks.filler",
    "detector.checks.seo_title",
)

ENTRY_POINT_GROUP = "spamdetect"


def _env_list(name: str) -> list[str] | None:
    raw = os.environ.get(name)
    if raw is None:
        return None
    return [x.strip() for x in raw.split(",") if x.strip()]


def make_plugin_manager(
    *, load_entrypoints: bool = True, plugins_dir: str | os.PathLike[str] | None = None,
    extra_plugins: tuple[object, ...] = (),
) -> pluggy.PluginManager:
    """Create a plugin manager with the builtin, installed and local plugins.

    Args:
        load_entrypoints: Load plugins from the ``spamdetect`` entry points.
        plugins_dir: A directory of ``*.py`` plugin modules to load.
        extra_plugins: Plugin objects to register (tests, embedding apps).

    Raises:
        PluginError: when a plugin cannot be imported or fails validation.
    """
    pm = pluggy.PluginManager("spamdetect")
    pm.add_hookspecs(hookspecs)
    versions: dict[str, str | None] = {}
    for name in _env_list("SPAMDETECT_DISABLED_PLUGINS") or []:
        pm.set_blocked(name)
    for modname in DEFAULT_PLUGINS:
        if pm.is_blocked(modname):
            continue
        mod = importlib.import_module(modname)
        pm.register(mod, name=modname)
    if load_entrypoints:
        wanted = _env_list("SPAMDETECT_LOAD_PLUGINS")
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            if wanted is not None and ep.name not in wanted:
                continue
            if pm.is_blocked(ep.name) or pm.has_plugin(ep.name):
                continue
            try:
                plugin = ep.load()
            except Exception as exc:  # noqa: BLE001
                raise PluginError(f"cannot load plugin {ep.name!r}: {exc}") from exc
            pm.register(plugin, name=ep.name)
            versions[ep.name] = ep.dist.version if ep.dist is not None else None
    if plugins_dir is not None:
        for path in sorted(Path(plugins_dir).glob("*.py")):
            name = f"spamdetect_local_{path.stem}"
            if pm.is_blocked(path.stem):
                continue
            spec = importlib.util.spec_from_file_location(name, path)
            if spec is None or spec.loader is None:
                raise PluginError(f"cannot load plugin file {path}")
            mod = importlib.util.module_from_spec(spec)
            try:
                spec.loader.exec_module(mod)
            except Exception as exc:  # noqa: BLE001
                raise PluginError(f"cannot load plugin file {path}: {exc}") from exc
            pm.register(mod, name=path.stem)
    for obj in extra_plugins:
        pm.register(obj)
    pm.spamdetect_versions = versions  # type: ignore[attr-defined]
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(str(exc)) from exc
    if os.environ.get("SPAMDETECT_TRACE_PLUGINS") == "1":
        pm.trace.root.setwriter(sys.stderr.write)
        pm.enable_tracing()
    return pm


def plugin_info(pm: pluggy.PluginManager) -> list[dict[str, object]]:
    """Name, version and hooks of every registered plugin."""
    out = []
    versions = getattr(pm, "spamdetect_versions", {})
    for name, plugin in pm.list_name_plugin():
        if plugin is None:
            continue
        hooks = sorted(h.name for h in pm.get_hookcallers(plugin) or [])
        out.append({
            "name": name,
            "version": versions.get(name),
            "builtin": name in DEFAULT_PLUGINS,
            "hooks": hooks,
        })
    return out
