"""Hook specifications: the public plugin API for sites.

Every hook is prefixed ``spamdetect_``. Builtin checks are plugins on these
same hooks (see :data:`detector.plugins.DEFAULT_PLUGINS`). Implementations may
accept any subset of a hook's arguments. Specs grow by adding arguments and
are never renamed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable
    from pathlib import Path

    from .check import Check
    from .config import Config, ConfigSpec
    from .document import Document
    from .verdict import Verdict
    from .views import View

hookspec = pluggy.HookspecMarker("spamdetect")
hookimpl = pluggy.HookimplMarker("spamdetect")


@hookspec(historic=True)
def spamdetect_add_config(spec: ConfigSpec) -> None:
    """Declare configuration options a plugin reads.

    Called once per plugin manager, also for plugins registered later
    (historic). Declared options are validated when a configuration loads and
    an invalid value is an error naming the key.

    :param spec: Call ``spec.add(key, default, type=..., help=...)``; keys are
        dotted (``"contact.free_mail_domains"``) and live under
        ``[options]`` in ``spamdetect.toml``.
    :returns: Nothing.
    """


@hookspec
def spamdetect_register_views(config: Config) -> dict[str, Callable[[Document], View]] | None:
    """Contribute normalised views.

    Called once when a :class:`~detector.Detector` is built.

    :param config: The loaded configuration.
    :returns: ``{name: builder}``; ``builder(doc)`` returns a
        :class:`~detector.views.View` and may read other views.
    """


@hookspec
def spamdetect_register_checks(config: Config) -> list[Check] | None:
    """Contribute checks.

    Called once when a :class:`~detector.Detector` is built. Each check's
    ``run(doc)`` is called for every document, inside its own error and time
    accounting.

    :param config: The loaded configuration.
    :returns: A list of :class:`~detector.check.Check` objects.
    """


@hookspec
def spamdetect_rule_paths(config: Config) -> list[Path] | None:
    """Contribute rule files or directories (``*.yaml``).

    Called once when a :class:`~detector.Detector` is built; all rule files
    are validated together, and an invalid file stops the build with a
    :class:`~detector.errors.RuleError`.

    :param config: The loaded configuration.
    :returns: Paths of rule files or directories holding them.
    """


@hookspec
def spamdetect_register_eval_functions(config: Config) -> dict[str, Callable[..., Any]] | None:
    """Contribute eval functions that rules can call (``eval: name(args)``).

    Called once when a :class:`~detector.Detector` is built.

    :param config: The loaded configuration.
    :returns: ``{name: fn}``; ``fn(doc, *args)`` returns a bool or a number
        (a number counts as true when non-zero, and meta rules can compare it).
    """


@hookspec
def spamdetect_prepare_document(doc: Document, config: Config) -> None:
    """Inspect or annotate a document before the checks run.

    Called for every document after ingest. Use ``doc.stash`` for state.

    :param doc: The document.
    :param config: The loaded configuration.
    :returns: Nothing.
    """


@hookspec
def spamdetect_adjust_verdict(doc: Document, verdict: Verdict, config: Config) -> None:
    """Inspect or adjust a verdict after scoring, before it is returned.

    Called for every document. Implementations may add or remove hits, change
    ``verdict.score``; the action is recomputed from the score afterwards
    unless an implementation sets ``verdict.action`` to a stronger one.

    :param doc: The document.
    :param verdict: The scored verdict (mutable).
    :param config: The loaded configuration.
    :returns: Nothing.
    """


@hookspec
def spamdetect_on_verdict(doc: Document, verdict: Verdict, config: Config) -> None:
    """Observe a final verdict (metrics, logging, index updates).

    Called for every document after the verdict is final. Must not change it.

    :param doc: The document.
    :param verdict: The final verdict.
    :param config: The loaded configuration.
    :returns: Nothing.
    """
