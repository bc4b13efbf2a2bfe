"""Human-readable text output, coloured on a terminal.

One block per document that has hits (``-q`` keeps only documents at or above
``--fail-on``), then a summary line::

    examples/spam.txt: reject (score 14.0)
      ZH_TEMPLATE_XIAOBIAN_INTRO  template  +4.0  小编导语 / Editor's intro block
        3:1  「小编导语:」
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from . import Result

_COLOURS = {"reject": "31", "review": "33", "allow": "32"}


def _c(s: str, code: str, colour: bool) -> str:
    return f"\x1b[{code}m{s}\x1b[0m" if colour else s


def _clip(s: str, n: int = 60) -> str:
    s = s.replace("\n", "⏎")
    return s if len(s) <= n else s[: n - 1] + "…"


def render(results: Sequence[Result], errors: Sequence[str], *, colour: bool = False,
           quiet: bool = False, fail_on: str = "reject", **_: Any) -> str:
    """Render results as text."""
    order = ("allow", "review", "reject")
    out: list[str] = []
    actions: Counter[str] = Counter()
    for r in results:
        v = r.verdict
        actions[v.action] += 1
        if quiet and order.index(v.action) < order.index(fail_on):
            continue
        if not v.hits and v.action == "allow":
            continue
        name = r.source if not r.line_offset else f"{r.source}:{r.line_offset}"
        if v.id and v.id != r.source:
            name += f" [{v.id}]"
        head = f"{name}: {_c(v.action, _COLOURS.get(v.action, '0'), colour)} (score {v.score:g})"
        if v.truncated:
            head += " [partial]"
        out.append(head)
        for h in v.hits:
            out.append(f"  {_c(h.rule, '1', colour)}  {h.group}  {h.weight:+g}  "
                       f"{h.description_zh} / {h.description_en}")
            for e in h.evidence[:5]:
                loc = f"{e.line}:{e.column}" if e.line is not None else f"@{e.start}"
                out.append(f"    {loc}  「{_c(_clip(e.text), '4', colour)}」")
            if len(h.evidence) > 5:
                out.append(f"    … {len(h.evidence) - 5} more")
        for n in v.near_duplicates:
            out.append(f"  near-duplicate of {n.id} ({n.label}, similarity {n.similarity:.2f})")
    for e in errors:
        out.append(f"error: {e}")
    if not quiet:
        summary = ", ".join(f"{actions[a]} {a}" for a in order if actions[a]) or "no documents"
        out.append(f"{len(results)} checked: {summary}" + (f"; {len(errors)} errors" if errors else ""))
    return "\n".join(out) + ("\n" if out else "")
