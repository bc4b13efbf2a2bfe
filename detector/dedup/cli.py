"""``spamdetect index …`` and ``spamdetect dedup``: the near-duplicate commands.

Commands (thin layers over :mod:`detector.dedup`)::

    spamdetect index add   --index SPEC [--label spam|ham] FILE.jsonl...
    spamdetect index query --index SPEC FILE... | - | --text TEXT
    spamdetect index remove --index SPEC ID...
    spamdetect index stats --index SPEC
    spamdetect dedup FILE.jsonl... --out clusters.jsonl [--jobs N]

Input: JSONL files with one ``{"id", "text" | "html", "label"?, "url"?}``
per line, or plain text / HTML files (the path is the id). ``index add``
streams its input (bounded memory), commits in batches, shows a progress
bar on a terminal and skips ids already in the index, so re-running an
interrupted load resumes it. Results go to stdout as JSON; summaries and
progress to stderr.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from ..errors import InputError

_HTML_EXT = {".html", ".htm", ".xhtml"}


def _text_of(rec: dict[str, Any]) -> str | None:
    if isinstance(rec.get("text"), str):
        return rec["text"]
    if isinstance(rec.get("html"), str):
        from ..ingest import make_document

        return make_document(None, rec["html"], None).text
    return None


def _read_docs(paths: tuple[str, ...], errors: list[str]) -> Iterator[dict[str, Any]]:
    """Yield ``{"id", "text", "label"?, "source"?}`` from JSONL, text or HTML files (or ``-``)."""
    for p in paths:
        if p == "-":
            lines: Any = sys.stdin.buffer
            name = "-"
        else:
            path = Path(p)
            if not path.is_file():
                raise InputError(f"not a file: {p}")
            name = str(path)
            if path.suffix.lower() != ".jsonl":
                data = path.read_bytes()
                from ..ingest import make_document

                if path.suffix.lower() in _HTML_EXT:
                    doc = make_document(None, None, data, content_type="text/html")
                else:
                    doc = make_document(None, None, data, content_type="text/plain")
                yield {"id": name, "text": doc.text, "source": name}
                continue
            lines = path.open("rb")
        try:
            for lineno, raw in enumerate(lines, 1):
                if not raw.strip():
                    continue
                try:
                    rec = json.loads(raw)
                    if not isinstance(rec, dict):
                        raise ValueError("not an object")
                    text = _text_of(rec)
                    if text is None:
                        raise ValueError('needs a string "text" or "html"')
                    doc_id = rec.get("id")
                    if doc_id is None or isinstance(doc_id, (dict, list)) or str(doc_id) == "":
                        raise ValueError('needs an "id"')
                    out = {"id": str(doc_id), "text": text,
                           "source": rec.get("url") if isinstance(rec.get("url"), str) else None}
                    if isinstance(rec.get("label"), str):
                        out["label"] = rec["label"]
                    yield out
                except (ValueError, UnicodeDecodeError) as exc:
                    errors.append(f"{name}:{lineno}: invalid record: {exc}")
        finally:
            if p != "-":
                lines.close()


def _bar(total: int | None = None) -> Any:
    if not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit="doc", file=sys.stderr, leave=False, dynamic_ncols=True)


index_option = click.option("--index", "spec", required=True, envvar="SPAMDETECT_INDEX",
                            help="sqlite:PATH or redis://HOST:PORT/DB?prefix=NAME (env SPAMDETECT_INDEX).")


@click.group("index")
def index_group() -> None:
    """Manage a near-duplicate index (add, query, remove, stats)."""


@index_group.command("add")
@index_option
@click.option("--label", type=click.Choice(["spam", "ham", "unknown"]), default=None,
              help="Label for records without one (default: the record's, else unknown).")
@click.option("--batch", type=click.IntRange(1, 100000), default=1000, show_default=True,
              help="Documents per commit.")
@click.argument("files", nargs=-1, required=True)
def index_add(spec: str, label: str | None, batch: int, files: tuple[str, ...]) -> int:
    """Add documents from JSONL / text files; ids already present are skipped."""
    from . import open_index
    from .index import LABELS

    errors: list[str] = []
    counts = {"added": 0, "existing_id": 0, "duplicate_content": 0, "invalid": 0}
    with open_index(spec) as idx:
        bar = _bar()

        def fresh() -> Iterator[dict[str, Any]]:
            for d in _read_docs(files, errors):
                if d["id"] in idx:
                    counts["existing_id"] += 1
                    if bar is not None:
                        bar.update(1)
                    continue
                lab = d.get("label") or label or "unknown"
                if lab not in LABELS:
                    errors.append(f"{d['id']}: unknown label {lab!r}")
                    counts["invalid"] += 1
                    continue
                d["label"] = lab
                yield d

        for _, ok in idx.add_many(fresh(), batch=batch):
            counts["added" if ok else "duplicate_content"] += 1
            if bar is not None:
                bar.update(1)
        if bar is not None:
            bar.close()
        counts["documents"] = len(idx)
    for e in errors:
        click.echo(f"spamdetect: error: {e}", err=True)
    click.echo(json.dumps(counts))
    return 2 if errors else 0


@index_group.command("query")
@index_option
@click.option("--text", "text", help="Query this text instead of files.")
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.argument("files", nargs=-1)
def index_query(spec: str, text: str | None, limit: int, files: tuple[str, ...]) -> int:
    """Print the near-duplicates of each document (one JSON line each)."""
    from . import open_index

    if text is None and not files:
        raise click.UsageError("give FILE..., - for stdin, or --text TEXT")
    errors: list[str] = []
    docs = iter([{"id": None, "text": text}]) if text is not None else _read_docs(files, errors)
    with open_index(spec) as idx:
        for d in docs:
            found = idx.query(d["text"], limit=limit)
            click.echo(json.dumps({"id": d["id"], "near_duplicates": [n.to_dict() for n in found]},
                                  ensure_ascii=False))
    for e in errors:
        click.echo(f"spamdetect: error: {e}", err=True)
    return 2 if errors else 0


@index_group.command("remove")
@index_option
@click.argument("ids", nargs=-1, required=True)
def index_remove(spec: str, ids: tuple[str, ...]) -> int:
    """Remove documents by id (exit 1 if some were not in the index)."""
    from . import open_index

    with open_index(spec) as idx:
        res = {i: idx.remove(i) for i in ids}
    click.echo(json.dumps({"removed": [i for i, ok in res.items() if ok],
                           "missing": [i for i, ok in res.items() if not ok]}, ensure_ascii=False))
    return 0 if all(res.values()) else 1


@index_group.command("stats")
@index_option
def index_stats(spec: str) -> int:
    """Print the document count, labels, parameters and S-curve (JSON)."""
    from . import open_index

    with open_index(spec) as idx:
        click.echo(json.dumps(idx.stats(), ensure_ascii=False, indent=2))
    return 0


@click.command("dedup")
@click.argument("files", nargs=-1, required=True)
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True),
              help="Write one {id, cluster, size} JSON line per document here (default stdout).")
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=1, show_default=True,
              help="Worker processes for folding and sketching.")
def dedup_command(files: tuple[str, ...], out: str | None, jobs: int) -> int:
    """Cluster documents into near-duplicate groups (summary on stderr)."""
    from .cluster import cluster

    errors: list[str] = []
    rows, summary = cluster(((d["id"], d["text"]) for d in _read_docs(files, errors)), jobs=jobs)
    fh = open(out, "w", encoding="utf-8") if out else sys.stdout  # noqa: SIM115
    try:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    finally:
        if fh is not sys.stdout:
            fh.close()
    for e in errors:
        click.echo(f"spamdetect: error: {e}", err=True)
    click.echo(f"{summary['documents']} documents, {summary['clusters']} clusters, "
               f"{summary['duplicates']} near-duplicates (largest cluster {summary['largest']})",
               err=True)
    return 2 if errors else 0
