"""Builtin plugin: the packaged rule files and the builtin eval functions.

The rule files ship with the package. In an installed wheel they live in
``detector/_rules`` (``force-include`` in ``pyproject.toml``); in a source
checkout (and an editable install) they are ``<repo>/rules``. This plugin
contributes that directory through ``spamdetect_rule_paths``, exactly like a
site plugin contributing its own rule directory would.

It also registers the builtin eval functions, callable from ``eval:`` and
``meta:`` expressions in rule files (``han_ratio() >= 0.3``):

``text_length()``
    Characters in the document text.
``han_ratio()``
    Share of Han characters among the non-space characters of the text.
``title_length()``
    Characters in the title (0 without one).
``line_count()``
    Non-empty lines of the text.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from detector import hookimpl
from detector.document import Document, StashKey

_HAN_RATIO = StashKey[float]()


def packaged_rules_dir() -> Path:
    """Directory of the rule files shipped with the package."""
    pkg = Path(__file__).resolve().parents[1]
    inside = pkg / "_rules"
    if inside.is_dir():
        return inside
    return pkg.parent / "rules"


def text_length(doc: Document) -> int:
    """Number of characters in ``doc.text``."""
    return len(doc.text)


def title_length(doc: Document) -> int:
    """Number of characters in the title (0 without one)."""
    return len(doc.title or "")


def line_count(doc: Document) -> int:
    """Number of non-empty lines of ``doc.text``."""
    return sum(1 for line in doc.text.splitlines() if line.strip())


def han_ratio(doc: Document) -> float:
    """Share of Han ideographs among the non-space characters (cached per document).

    Examples:
        >>> han_ratio(Document(text="中文 ab"))
        0.5
    """
    cached = doc.stash.get(_HAN_RATIO)
    if cached is not None:
        return cached
    total = han = 0
    for ch in doc.text:
        if ch.isspace():
            continue
        total += 1
        if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\U00020000" <= ch <= "\U0002ffff":
            han += 1
    value = han / total if total else 0.0
    doc.stash[_HAN_RATIO] = value
    return value


@hookimpl
def spamdetect_rule_paths() -> list[Path]:
    """Contribute the packaged rule directory."""
    d = packaged_rules_dir()
    return [d] if d.is_dir() else []


@hookimpl
def spamdetect_register_eval_functions() -> dict[str, Callable[..., Any]]:
    """Register the builtin eval functions."""
    return {"text_length": text_length, "title_length": title_length,
            "line_count": line_count, "han_ratio": han_ratio}
