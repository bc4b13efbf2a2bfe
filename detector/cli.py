"""The ``spamdetect`` command line: a thin layer over :class:`detector.Detector`.

Commands::

    spamdetect check PATH... | -      check files, directories, JSONL or stdin
    spamdetect rules list | show ID   the loaded rules
    spamdetect rules lint | test      validate rule files, run their inline examples
    spamdetect eval FILE.jsonl...     precision / recall / per-rule S/O on labelled data
    spamdetect index add|query|remove|stats --index SPEC   the near-duplicate index
    spamdetect dedup FILE.jsonl --out clusters.jsonl      cluster near-duplicates
    spamdetect plugins                installed plugins and their hooks
    spamdetect serve                  the HTTP moderation service (needs [service])
    spamdetect version

Exit codes (``check``): 0 when no document reaches ``--fail-on`` (default
``reject``), 1 when one does, 2 for usage, configuration and input errors
(also when some inputs could not be read; the others are still checked).
``--exit-zero`` turns 1 into 0. Errors print one line on stderr, never a
traceback. stdout carries results only; progress goes to stderr, on a
terminal only.
"""

from __future__ import annotations

import fnmatch
import json
import os
import sys
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from ._version import __version__
from .errors import DetectorError, InputError

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

DEFAULT_INCLUDE = ("*.txt", "*.md", "*.markdown", "*.html", "*.htm", "*.jsonl")
DEFAULT_EXCLUDE = (".git", ".hg", ".svn", "node_modules", ".venv", "__pycache__", ".tox")
HTML_EXT = {".html", ".htm", ".xhtml"}
ACTIONS = ("allow", "review", "reject")


class _Group(click.Group):
    """A click group whose usage errors exit 2 with one line and no traceback."""

    def main(self, *args: Any, **kwargs: Any) -> Any:  # noqa: D102
        kwargs["standalone_mode"] = False
        try:
            rv = super().main(*args, **kwargs)
        except click.exceptions.Abort:
            click.echo("spamdetect: aborted", err=True)
            sys.exit(EXIT_ERROR)
        except click.ClickException as exc:
            # click's default exit code 1 would read as "findings".
            click.echo(f"spamdetect: error: {exc.format_message()}", err=True)
            sys.exit(EXIT_ERROR)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except DetectorError as exc:
            click.echo(f"spamdetect: error: {exc}", err=True)
            sys.exit(EXIT_ERROR)
        except BrokenPipeError:
            sys.stderr.close()
            sys.exit(EXIT_ERROR)
        except KeyboardInterrupt:
            click.echo("spamdetect: interrupted", err=True)
            sys.exit(130)
        sys.exit(rv if isinstance(rv, int) else EXIT_OK)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="spamdetect")
def main() -> None:
    """Explainable spam / content-farm detector for Chinese-first web content."""


# ---------------------------------------------------------------------------
# shared options


def _detector(config: str | None, plugins_dir: str | None, index: str | None = None,
              learn: bool = False):
    from .config import Config
    from .engine import Detector

    if not learn:
        return Detector(config=config, plugins_dir=plugins_dir, index=index)
    cfg = Config.load(config)
    if not (index or cfg.profile(None).index):
        raise click.UsageError("--learn needs --index SPEC or 'index' in the configuration")
    cfg.data["options"] = {**cfg.data.get("options", {}), "index.learn": True}
    return Detector(config=cfg, plugins_dir=plugins_dir, index=index)


config_option = click.option("--config", "config", type=click.Path(dir_okay=False),
                             help="Configuration file (default: spamdetect.toml or "
                                  "pyproject.toml [tool.spamdetect], searched upwards).")
plugins_dir_option = click.option("--plugins-dir", type=click.Path(file_okay=False),
                                  help="Directory of site-local plugin modules (*.py).")


# ---------------------------------------------------------------------------
# inputs


def _walk(path: Path, include: tuple[str, ...], exclude: tuple[str, ...]) -> Iterator[Path]:
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not any(fnmatch.fnmatch(d, x) for x in exclude))
        for f in sorted(files):
            if any(fnmatch.fnmatch(f, x) for x in exclude):
                continue
            if any(fnmatch.fnmatch(f, g) for g in include):
                yield Path(root) / f


def _record_item(rec: Any, source: str, lineno: int, site: str | None) -> dict[str, Any]:
    if not isinstance(rec, dict):
        raise ValueError("a JSONL line must be an object")
    item: dict[str, Any] = {}
    if isinstance(rec.get("html"), str):
        item["html"] = rec["html"]
    elif isinstance(rec.get("text"), str):
        item["text"] = rec["text"]
    else:
        raise ValueError('needs a string "text" or "html" field')
    for key in ("title", "url", "site"):
        if rec.get(key) is not None:
            if not isinstance(rec[key], str):
                raise ValueError(f'field "{key}" must be a string')
            item[key] = rec[key]
    item.setdefault("site", site)
    rid = rec.get("id")
    item["id"] = str(rid) if rid is not None else f"{source}:{lineno}"
    meta = {k: v for k, v in rec.items() if k not in ("text", "html", "title", "url", "site", "id")}
    if meta:
        item["meta"] = meta
    return item


def _jsonl_items(lines: Iterator[bytes], source: str, site: str | None,
                 errors: list[str]) -> Iterator[tuple[str, int, dict[str, Any]]]:
    for lineno, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            rec = json.loads(raw)
            yield source, lineno, _record_item(rec, source, lineno, site)
        except (ValueError, UnicodeDecodeError) as exc:
            errors.append(f"{source}:{lineno}: invalid record: {exc}")


def _sniff_stdin(data: bytes) -> str:
    head = data.lstrip()[:1]
    if head == b"{":
        first = data.lstrip().split(b"\n", 1)[0]
        try:
            json.loads(first)
            return "jsonl"
        except ValueError:
            pass
    from .ingest import looks_like_html

    return "html" if looks_like_html(data[:4096].decode("utf-8", "replace")) else "text"


def _iter_inputs(paths: tuple[str, ...], *, include: tuple[str, ...], exclude: tuple[str, ...],
                 input_format: str, stdin_filename: str | None, site: str | None,
                 errors: list[str]) -> Iterator[tuple[str, int, dict[str, Any]]]:
    """Yield ``(source, line, check-kwargs)`` for every document, lazily."""
    for p in paths:
        if p == "-":
            data = sys.stdin.buffer.read()
            name = stdin_filename or "-"
            fmt = input_format
            if fmt == "auto":
                ext = Path(name).suffix.lower() if stdin_filename else ""
                fmt = ("jsonl" if ext == ".jsonl" else "html" if ext in HTML_EXT
                       else "text" if ext else _sniff_stdin(data))
            if fmt == "jsonl":
                yield from _jsonl_items(iter(data.splitlines()), name, site, errors)
            else:
                ct = "text/html" if fmt == "html" else "text/plain"
                yield name, 0, {"data": data, "content_type": ct, "id": name, "site": site}
            continue
        path = Path(p)
        files = _walk(path, include, exclude) if path.is_dir() else iter([path])
        for f in files:
            name = str(f)
            ext = f.suffix.lower()
            fmt = input_format if input_format != "auto" else (
                "jsonl" if ext == ".jsonl" else "html" if ext in HTML_EXT else "text")
            try:
                if fmt == "jsonl":
                    with f.open("rb") as fh:
                        yield from _jsonl_items(iter(fh), name, site, errors)
                    continue
                data = f.read_bytes()
            except OSError as exc:
                errors.append(f"{name}: cannot read: {exc.strerror or exc}")
                continue
            ct = "text/html" if fmt == "html" else "text/plain"
            yield name, 0, {"data": data, "content_type": ct, "id": name, "site": site}


# ---------------------------------------------------------------------------
# check


def _progress(enabled: bool):
    if not enabled:
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(unit="doc", file=sys.stderr, disable=None, leave=False, dynamic_ncols=True)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "jsonl", "sarif", "github"]),
              envvar="SPAMDETECT_FORMAT", default="text", show_default=True,
              help="Output format (env SPAMDETECT_FORMAT).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write results to FILE instead of stdout.")
@click.option("--fail-on", type=click.Choice(["review", "reject"]), default="reject",
              show_default=True, help="Exit 1 when a document reaches this action.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when documents fail (not on errors).")
@config_option
@plugins_dir_option
@click.option("--site", help="Site profile for every document (JSONL records may override).")
@click.option("--input-format", type=click.Choice(["auto", "text", "html", "jsonl"]),
              default="auto", show_default=True,
              help="How to read inputs (auto: by extension; stdin is sniffed).")
@click.option("--stdin-filename", help="Name (and format by extension) for stdin input.")
@click.option("--include", multiple=True, help="Glob of files to check in directories "
              f"(repeatable; default: {' '.join(DEFAULT_INCLUDE)}).")
@click.option("--exclude", multiple=True, help="Glob of files/directories to skip (repeatable).")
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=1, show_default=True,
              help="Worker processes.")
@click.option("--index", "index", help="Near-duplicate index: sqlite:PATH or redis://HOST:PORT/DB?prefix=NAME.")
@click.option("--learn", is_flag=True, help="Add every checked document to the index "
              "(label from a JSONL record's \"label\").")
@click.option("-q", "--quiet", is_flag=True, help="Print only documents at or above --fail-on.")
@click.option("-s", "--silent", is_flag=True, help="Print nothing; use the exit code.")
def check(paths: tuple[str, ...], fmt: str, output: str | None, fail_on: str, exit_zero: bool,
          config: str | None, plugins_dir: str | None, site: str | None, input_format: str,
          stdin_filename: str | None, include: tuple[str, ...], exclude: tuple[str, ...],
          jobs: int, index: str | None, learn: bool, quiet: bool, silent: bool) -> int:
    """Check files, directories (recursively), JSONL records or stdin (-)."""
    from .output import Result, renderer
    from .output.json import verdict_line, with_source

    for p in paths:
        if p != "-" and not Path(p).exists():
            raise click.UsageError(f"path not found: {p}")
    det = _detector(config, plugins_dir, index, learn)
    errors: list[str] = []
    sources: deque[tuple[str, int]] = deque()

    def items() -> Iterator[dict[str, Any]]:
        for source, line, kwargs in _iter_inputs(
                paths, include=tuple(include) or DEFAULT_INCLUDE,
                exclude=DEFAULT_EXCLUDE + tuple(exclude), input_format=input_format,
                stdin_filename=stdin_filename, site=site, errors=errors):
            sources.append((source, line))
            yield kwargs

    out = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
    colour = fmt == "text" and out is sys.stdout and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    bar = _progress(not silent and sys.stderr.isatty())
    stream = fmt in ("jsonl", "github")
    results: list[Result] = []
    worst = 0
    n = 0
    # JSON Lines are serialised where the document was checked (in the
    # workers with --jobs N), so the parent only adds the source and writes.
    lines = fmt == "jsonl" and not silent
    threshold = ACTIONS.index(fail_on)
    try:
        for got in det.check_many(items(), jobs=jobs, render=verdict_line if lines else None):
            source, line = sources.popleft()
            action = got[0] if lines else got.action
            worst = max(worst, ACTIONS.index(action))
            n += 1
            if bar is not None:
                bar.update(1)
            if silent:
                continue
            if lines:
                if not quiet or ACTIONS.index(action) >= threshold:
                    out.write(with_source(got[1], source, line) + "\n")
            elif stream:
                out.write(renderer("github")([Result(source, got, line)], []))
            else:
                results.append(Result(source, got, line))
        if bar is not None:
            bar.close()
        if not silent:
            if stream:
                for e in errors:
                    click.echo(f"spamdetect: error: {e}", err=True)
                if fmt == "github" and errors:
                    out.write(renderer("github")([], errors))
            else:
                out.write(renderer(fmt)(results, errors, colour=colour, quiet=quiet, fail_on=fail_on))
                if fmt != "text":
                    for e in errors:
                        click.echo(f"spamdetect: error: {e}", err=True)
    finally:
        det.close()
        if out is not sys.stdout:
            out.close()
        else:
            out.flush()
    if n == 0 and not errors:
        errors.append("no documents found")
        click.echo("spamdetect: error: no documents found in the given paths", err=True)
    if errors:
        return EXIT_ERROR
    if worst >= ACTIONS.index(fail_on) and not exit_zero:
        return EXIT_FINDINGS
    return EXIT_OK


# ---------------------------------------------------------------------------
# near-duplicate index and batch dedup (detector/dedup/cli.py)

from .dedup.cli import dedup_command, index_group  # noqa: E402

main.add_command(index_group)
main.add_command(dedup_command)


# ---------------------------------------------------------------------------
# rules, plugins, version


@main.group()
def rules() -> None:
    """List and show the loaded rules."""


def _rule_dict(r: Any) -> dict[str, Any]:
    d = {"id": r.id, "group": r.group, "weight": r.weight, "scoring": r.scoring,
         "target": r.target, "source": r.source, "description_zh": r.description_zh,
         "description_en": r.description_en}
    d.update({k: v for k, v in r.extra.items() if k not in d})
    return d


@rules.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--site", help="Show the rules as this site profile sees them.")
@click.option("--group", help="Only rules of this group.")
@config_option
@plugins_dir_option
def rules_list(fmt: str, site: str | None, group: str | None, config: str | None,
               plugins_dir: str | None) -> int:
    """List every rule: id, group, weight and description."""
    det = _detector(config, plugins_dir)
    prof = det.config.profile(site)
    rows = []
    for r in det.rules(site):
        if group and r.group != group:
            continue
        d = _rule_dict(r)
        d["weight"] = float(prof.weights.get(r.id, r.weight))
        d["enabled"] = prof.enabled(r.id, r.group)
        rows.append(d)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for d in rows:
            flag = "" if d["enabled"] else "  (disabled)"
            kind = "" if d["scoring"] else "  (sub-rule)"
            click.echo(f"{d['id']:<36} {d['group']:<10} {d['weight']:>5g}  {d['description_en']}{kind}{flag}")
        click.echo(f"{len(rows)} rules")
    return EXIT_OK


@rules.command("show")
@click.argument("rule_id")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@config_option
@plugins_dir_option
def rules_show(rule_id: str, fmt: str, config: str | None, plugins_dir: str | None) -> int:
    """Show one rule: descriptions, target, pattern and examples."""
    det = _detector(config, plugins_dir)
    found = {r.id: r for r in det.rules()}
    r = found.get(rule_id) or found.get(rule_id.upper())
    if r is None:
        raise click.UsageError(f"unknown rule id: {rule_id}")
    d = _rule_dict(r)
    if fmt == "json":
        click.echo(json.dumps(d, ensure_ascii=False, indent=2, default=str))
        return EXIT_OK
    for k, v in d.items():
        if isinstance(v, list):
            click.echo(f"{k}:")
            for x in v:
                click.echo(f"  - {x}")
        else:
            click.echo(f"{k}: {v}")
    return EXIT_OK


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@plugins_dir_option
def plugins(fmt: str, plugins_dir: str | None) -> int:
    """List registered plugins with their version and hooks."""
    from .config import Config
    from .engine import Detector
    from .plugins import plugin_info

    det = Detector(config=Config(), plugins_dir=plugins_dir)
    info = plugin_info(det.pm)
    if fmt == "json":
        click.echo(json.dumps(info, indent=2))
    else:
        for p in info:
            ver = p["version"] or ("builtin" if p["builtin"] else "-")
            click.echo(f"{p['name']:<40} {ver:<10} {', '.join(p['hooks'])}")
    return EXIT_OK


# ---------------------------------------------------------------------------
# serve


class _ByteSize(click.ParamType):
    """``4194304``, ``4MiB``, ``512KiB``, ``4M`` → bytes."""

    name = "size"
    _UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1024, "kib": 1024, "m": 1024**2, "mb": 1024**2,
              "mib": 1024**2, "g": 1024**3, "gb": 1024**3, "gib": 1024**3}

    def convert(self, value: Any, param: Any, ctx: Any) -> int:  # noqa: D102
        if isinstance(value, int):
            return value
        text = str(value).strip().lower()
        num = text.rstrip("kmgib")
        unit = text[len(num):]
        try:
            n = int(float(num) * self._UNITS[unit])
        except (KeyError, ValueError):
            self.fail(f"{value!r} is not a size (e.g. 4194304, 4MiB, 512KiB)", param, ctx)
        if n < 1:
            self.fail("must be positive", param, ctx)
        return n


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind (loopback by default; put a proxy in front to expose it).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes (each builds its own Detector; share the index via Redis "
                   "or one SQLite file).")
@config_option
@plugins_dir_option
@click.option("--index", "index", help="Near-duplicate index: sqlite:PATH or redis://HOST:PORT/DB?prefix=NAME.")
@click.option("--max-body", "max_body", type=_ByteSize(), default="4MiB", show_default=True,
              help="Largest request body; larger ones get 413 without being read.")
@click.option("--max-batch", type=click.IntRange(1, 100000), default=100, show_default=True,
              help="Most documents in one POST /v1/check batch.")
@click.option("--api-key-file", type=click.Path(dir_okay=False, exists=True),
              help="File holding the API key required by POST/DELETE /v1/index "
                   "(or set SPAMDETECT_API_KEY).")
@click.option("--threads", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Checks running at once in each worker.")
@click.option("--shutdown-timeout", type=click.FloatRange(0, 3600), default=30.0, show_default=True,
              help="Seconds requests in flight may take to finish on SIGTERM.")
@click.option("--log-level", type=click.Choice(["critical", "error", "warning", "info", "debug"]),
              default="info", show_default=True)
@click.option("--access-log", is_flag=True, help="Log every request.")
def serve(host: str, port: int, workers: int, config: str | None, plugins_dir: str | None,
          index: str | None, max_body: int, max_batch: int, api_key_file: str | None, threads: int,
          shutdown_timeout: float, log_level: str, access_log: bool) -> int:
    """Run the HTTP moderation service (POST /v1/check, review page at /)."""
    from .config import Config

    try:
        from .service import ServiceSettings
        from .service import serve as run_server
    except ImportError as exc:  # a missing extra raises MissingExtraError (a DetectorError)
        if isinstance(exc, DetectorError):
            raise
        raise DetectorError(f"the HTTP service cannot start: {exc}: "
                            "pip install 'spamdetect[service]'") from None
    Config.load(config)  # fail early, with one line, on an invalid configuration
    if plugins_dir is not None and not Path(plugins_dir).is_dir():
        raise click.UsageError(f"plugins directory not found: {plugins_dir}")
    # Build one Detector here so invalid rules or plugins stop the command with one line
    # (exit 2) instead of a traceback in every worker's startup and a restart loop.
    _detector(config, plugins_dir).close()
    api_key = None
    if api_key_file:
        api_key = Path(api_key_file).read_text(encoding="utf-8").strip() or None
        if api_key is None:
            raise click.UsageError(f"API key file is empty: {api_key_file}")
    settings = ServiceSettings(
        host=host, port=port, workers=workers, max_body_bytes=max_body, max_batch=max_batch,
        api_key=api_key, threads=threads, shutdown_timeout_s=shutdown_timeout,
        config_path=str(Path(config).resolve()) if config else None,
        plugins_dir=str(Path(plugins_dir).resolve()) if plugins_dir else None,
        index=index, log_level=log_level, access_log=access_log,
    )
    run_server(settings)
    return EXIT_OK



@main.command()
def version() -> int:
    """Print the version."""
    click.echo(f"spamdetect {__version__}")
    return EXIT_OK


from .cli_rules import register as _register_rule_commands  # noqa: E402

_register_rule_commands(main, rules)

__all__ = ["main", "InputError"]
