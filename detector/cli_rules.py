"""CLI commands for rule authors: ``rules lint``, ``rules test`` and ``eval``.

Thin click wrappers: the logic lives in :mod:`detector.rulecheck` and
:mod:`detector.evaluate`. :func:`register` attaches them to the ``spamdetect``
group and its ``rules`` subgroup (done at the end of :mod:`detector.cli`).

Exit codes: 0 clean, 1 lint problems or failing examples, 2 invalid rule
files, configuration or usage errors (a :class:`~detector.errors.RuleError`
is turned into 2 by the main group).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

EXIT_OK, EXIT_FAIL = 0, 1

_config_option = click.option("--config", "config", type=click.Path(dir_okay=False),
                              help="Configuration file (default: searched upwards).")
_plugins_dir_option = click.option("--plugins-dir", type=click.Path(file_okay=False),
                                   help="Directory of site-local plugin modules (*.py).")
_site_option = click.option("--site", help="Site profile (its rule_dirs are included).")


def _ruleset(config: str | None, plugins_dir: str | None, site: str | None,
             paths: tuple[str, ...]) -> tuple[Any, Any]:
    """Build the detector and the rule set it runs (plus extra ``paths``)."""
    from .engine import Detector
    from .rules import load_ruleset

    det = Detector(config=config, plugins_dir=plugins_dir)
    prof = det.config.profile(site)
    all_paths = list(det.rule_paths) + list(prof.rule_dirs)
    for p in paths:
        if not Path(p).exists():
            raise click.UsageError(f"path not found: {p}")
        all_paths.append(Path(p))
    check_rules = {r.id for c in det.checks for r in getattr(c, "rules", ())}
    return det, load_ruleset(all_paths, det.eval_functions, det.config, check_rules)


@click.command("lint")
@click.argument("paths", nargs=-1)
@click.option("--no-probe", is_flag=True, help="Skip the ReDoS probe (faster).")
@_config_option
@_plugins_dir_option
@_site_option
def rules_lint(paths: tuple[str, ...], no_probe: bool, config: str | None, plugins_dir: str | None,
               site: str | None) -> int:
    """Validate the loaded rule files (and extra PATHS): schema, regex, meta refs, ReDoS probe."""
    from .rulecheck import lint

    det, rs = _ruleset(config, plugins_dir, site, paths)
    problems = lint(rs, det.view_builders, probe=not no_probe)
    for p in problems:
        click.echo(p)
    n = len(rs.all_rules)
    click.echo(f"{n} rules, {len(problems)} problem(s)", err=bool(problems))
    return EXIT_FAIL if problems else EXIT_OK


@click.command("test")
@click.argument("paths", nargs=-1)
@click.option("--rule", "only", multiple=True, help="Only this rule id (repeatable).")
@click.option("-v", "--verbose", is_flag=True, help="Print every example, not only failures.")
@_config_option
@_plugins_dir_option
@_site_option
def rules_test(paths: tuple[str, ...], only: tuple[str, ...], verbose: bool, config: str | None,
               plugins_dir: str | None, site: str | None) -> int:
    """Run every rule's inline match / no_match / todo examples."""
    from .rulecheck import run_examples

    det, rs = _ruleset(config, plugins_dir, site, paths)
    unknown = [r for r in only if r not in rs.all_rules]
    if unknown:
        raise click.UsageError(f"unknown rule id: {unknown[0]}")
    results = run_examples(rs, det.view_builders, only=only or None, checks=det.checks)
    failed = [r for r in results if not r.ok]
    for r in results:
        if not r.ok:
            click.echo(f"FAIL {r.message}")
        elif verbose:
            click.echo(f"ok   {r.rule} {r.kind}: {r.example!r}")
    todo = sum(1 for r in results if r.kind.startswith("todo") and r.ok)
    click.echo(f"{len(results)} examples, {len(failed)} failed, {todo} known gaps (todo)")
    return EXIT_FAIL if failed else EXIT_OK


@click.command("eval")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_config_option
@_plugins_dir_option
@click.option("--site", help="Evaluate every record under this site profile.")
def eval_command(paths: tuple[str, ...], fmt: str, config: str | None, plugins_dir: str | None,
                 site: str | None) -> int:
    """Evaluate on labelled JSONL (label spam|ham): per-rule S/O, precision, recall, FPR."""
    from .engine import Detector
    from .evaluate import evaluate, render_text

    for p in paths:
        if not Path(p).is_file():
            raise click.UsageError(f"file not found: {p}")
    det = Detector(config=config, plugins_dir=plugins_dir)
    bar = None
    if sys.stderr.isatty():
        try:
            from tqdm import tqdm

            bar = tqdm(unit="doc", file=sys.stderr, leave=False, dynamic_ncols=True)
        except ImportError:
            bar = None
    try:
        report = evaluate(det, paths, site=site, progress=(lambda: bar.update(1)) if bar else None)
    finally:
        if bar is not None:
            bar.close()
    data = report.to_dict()
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(data), nl=False)
    for e in report.errors:
        click.echo(f"spamdetect: error: {e}", err=True)
    if not report.outcomes:
        click.echo("spamdetect: error: no labelled records found", err=True)
        return 2
    return 2 if report.errors else EXIT_OK


def register(main: click.Group, rules: click.Group) -> None:
    """Attach the commands to the ``spamdetect`` group and its ``rules`` subgroup."""
    rules.add_command(rules_lint)
    rules.add_command(rules_test)
    main.add_command(eval_command)
