"""GitHub Actions workflow annotations.

One ``::error`` (reject) or ``::warning`` (review) line per hit of each
document at or above ``--fail-on``'s neighbourhood (review and reject), at the
evidence's line and column, e.g.::

    ::error file=posts/a.md,line=3,col=1,title=ZH_TEMPLATE_XIAOBIAN_INTRO::小编导语 / Editor's intro

Property values and messages are escaped as the workflow-command format
requires (``%``, CR, LF, and ``:`` / ``,`` in properties).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import Result


def _esc_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _esc_prop(s: str) -> str:
    return _esc_data(s).replace(":", "%3A").replace(",", "%2C")


def render(results: Sequence[Result], errors: Sequence[str], **_: Any) -> str:
    """Render annotations for documents whose action is review or reject."""
    out: list[str] = []
    for r in results:
        v = r.verdict
        if v.action == "allow":
            continue
        level = "error" if v.action == "reject" else "warning"
        for h in v.hits:
            if h.weight <= 0:
                continue
            e = h.evidence[0] if h.evidence else None
            line = (e.line or 1) if e else 1
            if r.line_offset:
                line = r.line_offset
            props = f"file={_esc_prop(r.source)},line={line}"
            if e is not None and e.column is not None and not r.line_offset:
                props += f",col={e.column}"
            props += f",title={_esc_prop(h.rule)}"
            msg = f"{h.description_zh} / {h.description_en} (score {v.score:g}, {v.action})"
            if e is not None and e.text:
                msg += f": {e.text[:80]}"
            out.append(f"::{level} {props}::{_esc_data(msg)}")
    for err in errors:
        out.append(f"::error ::{_esc_data(err)}")
    return "\n".join(out) + ("\n" if out else "")
