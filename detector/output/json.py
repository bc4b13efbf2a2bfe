"""JSON and JSON Lines output.

``json`` prints one document for the run::

    {"version": "0.1.0", "results": [<verdict>...], "errors": ["..."]}

``jsonl`` prints one verdict per input document, in input order; each record
is ``Verdict.to_dict()`` plus ``source`` (the file it came from). The record
``id`` is the input id (the file path for plain files).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .._version import __version__
from ..verdict import Verdict
from . import Result


def record(result: Result) -> dict[str, Any]:
    """The JSON record of one result."""
    d = result.verdict.to_dict()
    d["source"] = result.source
    if result.line_offset:
        d["source_line"] = result.line_offset
    return d


def verdict_line(verdict: Verdict) -> tuple[str, str]:
    """``(action, JSON of the verdict)``: the part of a JSONL record a batch worker can make.

    The record is completed with :func:`with_source` in the parent, which
    knows where the document came from; the result is the same text as
    ``dumps(record(result))``.
    """
    return verdict.action, dumps(verdict.to_dict())


def with_source(line: str, source: str, line_offset: int | None) -> str:
    """Append ``source`` (and ``source_line``) to a JSON object made by :func:`verdict_line`."""
    tail = ',"source":' + dumps(source)
    if line_offset:
        tail += ',"source_line":' + dumps(line_offset)
    return line[:-1] + tail + "}"


def dumps(obj: Any) -> str:
    """Compact UTF-8 JSON (Chinese stays readable)."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def render(results: Sequence[Result], errors: Sequence[str], **_: Any) -> str:
    """One JSON document: ``version``, ``results``, ``errors``."""
    doc = {"version": __version__, "results": [record(r) for r in results], "errors": list(errors)}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def render_lines(results: Sequence[Result], errors: Sequence[str], **_: Any) -> str:
    """One verdict per line (errors go to stderr, not here)."""
    return "".join(dumps(record(r)) + "\n" for r in results)
