"""SARIF 2.1.0 output for code-scanning UIs.

One run; ``tool.driver.rules`` lists every rule that fired (id, name,
short/full description, ``helpUri``, default level from its weight); each hit
becomes one result per evidence span with a ``physicalLocation`` region
(1-based ``startLine``/``startColumn``, ``charOffset``/``charLength``).
Columns count Unicode code points (``columnKind: unicodeCodePoints``); for
HTML inputs the region refers to the extracted visible text. Levels:
``error`` for documents at reject, ``warning`` at review, ``note`` below.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .._version import __version__
from . import Result

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
HELP_URI = "https://github.com/spamdetect/spamdetect/blob/main/docs/rules.md#{id}"


def render(results: Sequence[Result], errors: Sequence[str], **_: Any) -> str:
    """Render a SARIF 2.1.0 log."""
    rules: dict[str, dict[str, Any]] = {}
    out_results: list[dict[str, Any]] = []
    level_of = {"reject": "error", "review": "warning", "allow": "note"}
    for r in results:
        v = r.verdict
        for h in v.hits:
            if h.rule not in rules:
                rules[h.rule] = {
                    "id": h.rule,
                    "name": h.rule.lower(),
                    "shortDescription": {"text": h.description_en},
                    "fullDescription": {"text": f"{h.description_zh} / {h.description_en}"},
                    "helpUri": HELP_URI.format(id=h.rule),
                    "properties": {"group": h.group, "weight": h.weight},
                }
            spans = h.evidence or [None]
            for e in spans:
                loc: dict[str, Any] = {"artifactLocation": {"uri": r.source}}
                if e is not None:
                    region: dict[str, Any] = {"charOffset": e.start, "charLength": e.end - e.start}
                    if r.line_offset:
                        region = {"startLine": r.line_offset}
                    elif e.line is not None:
                        region.update(startLine=e.line, startColumn=e.column)
                    if e.text:
                        region["snippet"] = {"text": e.text}
                    loc["region"] = region
                res = {
                    "ruleId": h.rule,
                    "level": level_of.get(v.action, "note"),
                    "message": {"text": f"{h.description_en} ({h.description_zh}); "
                                        f"document score {v.score:g}, action {v.action}"},
                    "locations": [{"physicalLocation": loc}],
                    "properties": {"weight": h.weight, "group": h.group, "score": v.score,
                                   "action": v.action, "documentId": v.id},
                }
                out_results.append(res)
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "spamdetect",
                "version": __version__,
                "informationUri": "https://github.com/spamdetect/spamdetect",
                "rules": [rules[k] for k in sorted(rules)],
            }},
            "columnKind": "unicodeCodePoints",
            "results": out_results,
            "invocations": [{
                "executionSuccessful": not errors,
                "toolExecutionNotifications": [
                    {"level": "error", "message": {"text": e}} for e in errors
                ],
            }],
        }],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"
