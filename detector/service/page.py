"""The review page: a server-rendered form and verdict, no front-end build.

A moderator pastes text or an HTML snippet, and the page shows the score,
the action, every hit (rule id, group, weight, both descriptions) and the
checked text with each hit's evidence highlighted, plus the near-duplicates.

Document text is attacker-controlled, so every piece of it goes through
:func:`html.escape` (quotes included) on its way into the markup; nothing
from the request is ever placed in a script, a style or an attribute
without escaping. As a second line of defence the page is served with a
Content-Security-Policy that allows no script at all and only the page's own
inline stylesheet (by hash).

Highlighting: the evidence spans of all hits are cut into non-overlapping
segments at every span boundary; each segment becomes one ``<mark>`` that
lists the rules covering it (``data-rules``), so overlapping evidence from
several rules stays readable.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from html import escape
from typing import Any

_CSS = """
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2rem auto;
max-width:60rem;padding:0 1rem;color:#222;line-height:1.5}
textarea{width:100%;min-height:12rem;font:inherit}
input[type=text]{width:100%}
label{display:block;margin-top:.5rem}
.verdict{padding:.5rem 1rem;border-radius:.3rem;margin:1rem 0}
.allow{background:#e6f4ea}.review{background:#fff4ce}.reject{background:#fde2e1}
.doc{white-space:pre-wrap;border:1px solid #ccc;padding:1rem;border-radius:.3rem;
overflow-wrap:anywhere}
mark.ev{background:#ffd54f;padding:0 .1em;border-bottom:2px solid #e65100}
table{border-collapse:collapse;width:100%}
td,th{border:1px solid #ddd;padding:.3rem;vertical-align:top;text-align:left}
code{overflow-wrap:anywhere}
.muted{color:#666}
""".strip()

#: The Content-Security-Policy of the page: no scripts, only the inline CSS above.
CSP = (
    "default-src 'none'; "
    f"style-src 'sha256-{base64.b64encode(hashlib.sha256(_CSS.encode()).digest()).decode()}'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'; img-src 'none'"
)

PAGE_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _segments(text: str, hits: Sequence[dict[str, Any]]) -> list[tuple[str, list[str]]]:
    """Cut ``text`` into ``(segment, rules covering it)`` pieces.

    Examples:
        >>> _segments("abcdef", [{"rule": "R1", "evidence": [{"start": 1, "end": 4}]},
        ...                      {"rule": "R2", "evidence": [{"start": 3, "end": 5}]}])
        [('a', []), ('bc', ['R1']), ('d', ['R1', 'R2']), ('e', ['R2']), ('f', [])]
    """
    n = len(text)
    spans: list[tuple[int, int, str]] = []
    for hit in hits:
        for ev in hit.get("evidence", ()):
            s, e = int(ev["start"]), int(ev["end"])
            s, e = max(0, min(s, n)), max(0, min(e, n))
            if e > s:
                spans.append((s, e, hit["rule"]))
    cuts = sorted({0, n, *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    out: list[tuple[str, list[str]]] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        rules = sorted({r for s, e, r in spans if s <= a and b <= e})
        out.append((text[a:b], rules))
    return out


def _highlighted(text: str, hits: Sequence[dict[str, Any]]) -> str:
    parts = []
    for seg, rules in _segments(text, hits):
        if rules:
            names = " ".join(rules)
            parts.append(f'<mark class="ev" data-rules="{_e(names)}" title="{_e(names)}">'
                         f"{_e(seg)}</mark>")
        else:
            parts.append(_e(seg))
    return "".join(parts)


def _form(values: dict[str, str]) -> str:
    fmt = values.get("format", "text")
    return f"""
<form method="post" action="/" accept-charset="utf-8">
<label for="content">文本或 HTML 片段 / Text or HTML snippet</label>
<textarea id="content" name="content" required>{_e(values.get("content", ""))}</textarea>
<label><input type="radio" name="format" value="text"{" checked" if fmt != "html" else ""}> 文本 text</label>
<label><input type="radio" name="format" value="html"{" checked" if fmt == "html" else ""}> HTML</label>
<label for="title">标题 Title (optional)</label>
<input type="text" id="title" name="title" value="{_e(values.get("title", ""))}">
<label for="site">站点配置 Site profile (optional)</label>
<input type="text" id="site" name="site" value="{_e(values.get("site", ""))}">
<p><button type="submit" id="submit">检查 Check</button></p>
</form>"""


def _verdict_html(text: str, verdict: dict[str, Any]) -> str:
    action = verdict["action"]
    rows = []
    for hit in verdict["hits"]:
        ev = "<br>".join(f"<code>{_e(e['text'])}</code> <span class=muted>[{e['start']}:{e['end']}]"
                         f"</span>" for e in hit["evidence"])
        rows.append(
            f'<tr class="hit" data-rule="{_e(hit["rule"])}"><td><code>{_e(hit["rule"])}</code></td>'
            f"<td>{_e(hit['group'])}</td><td>{hit['weight']:g}</td>"
            f"<td>{_e(hit['description_zh'])}<br><span class=muted>{_e(hit['description_en'])}"
            f"</span></td><td>{ev}</td></tr>"
        )
    hits_table = (
        "<table id=hits><thead><tr><th>规则 Rule</th><th>组 Group</th><th>权重 Weight</th>"
        "<th>说明 Description</th><th>证据 Evidence</th></tr></thead><tbody>"
        + "".join(rows) + "</tbody></table>"
        if rows else "<p id=hits class=muted>没有命中 No hits.</p>"
    )
    dups = verdict.get("near_duplicates") or []
    dup_html = (
        "<ul id=near-duplicates>" + "".join(
            f"<li><code>{_e(d['id'])}</code> {_e(d['label'])} "
            f"{float(d['similarity']):.2f}</li>" for d in dups) + "</ul>"
        if dups else "<p id=near-duplicates class=muted>没有近似重复 No near-duplicates.</p>"
    )
    partial = (' <strong id="partial">部分结果 partial verdict</strong>'
               if verdict.get("truncated") else "")
    return f"""
<section id="result">
<div class="verdict {_e(action)}"><strong>动作 Action: <span id="action">{_e(action)}</span></strong>
· 分数 Score: <span id="score">{verdict['score']:g}</span>{partial}</div>
<h2>命中 Hits</h2>{hits_table}
<h2>检查的文本 Checked text</h2>
<div class="doc" id="document">{_highlighted(text, verdict["hits"])}</div>
<h2>近似重复 Near-duplicates</h2>{dup_html}
</section>"""


def render_page(values: dict[str, str] | None = None, *, text: str | None = None,
                verdict: dict[str, Any] | None = None, error: str | None = None) -> str:
    """The whole page: the form, then the verdict or an error message.

    Args:
        values: Form values to put back into the form.
        text: The checked document text (evidence offsets index it).
        verdict: ``Verdict.to_dict()`` of the check.
        error: A message to show instead of a verdict.
    """
    body = _form(values or {})
    if error:
        body += f'<p id="error" class="verdict reject">{_e(error)}</p>'
    elif verdict is not None and text is not None:
        body += _verdict_html(text, verdict)
    return f"""<!doctype html>
<html lang="zh"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>spamdetect 审核 review</title><style>{_CSS}</style></head>
<body><h1>spamdetect 审核 review</h1>{body}
<p class="muted">API: <a href="/openapi.json">/openapi.json</a></p>
</body></html>"""
