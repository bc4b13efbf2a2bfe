"""Output renderers for CLI results, one module per format.

Every renderer takes the same inputs: a list of :class:`Result` (a source
name plus its :class:`~detector.verdict.Verdict`) and a list of per-input
error strings, and returns text for stdout. ``jsonl`` can also stream one
record at a time (:func:`detector.output.json.record`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..verdict import Verdict


@dataclass(slots=True)
class Result:
    """One checked document as the CLI sees it.

    Attributes:
        source: The file path (or ``-`` for stdin) the document came from.
        verdict: Its verdict.
        line_offset: For a JSONL record, the 1-based line of the record in
            ``source`` (annotations point there); 0 for whole files.
    """

    source: str
    verdict: Verdict
    line_offset: int = 0


FORMATS = ("text", "json", "jsonl", "sarif", "github")


def renderer(fmt: str) -> Callable[..., str]:
    """Return ``render(results, errors, **opts) -> str`` for ``fmt``."""
    if fmt == "text":
        from .text import render
    elif fmt == "json":
        from .json import render
    elif fmt == "jsonl":
        from .json import render_lines as render
    elif fmt == "sarif":
        from .sarif import render
    elif fmt == "github":
        from .github import render
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return render
