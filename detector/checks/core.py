"""Builtin ``limits`` and ingest reporting, as a plugin on the public hooks.

Turns what happened *around* the checks into hits a moderator can read:
the input was truncated to the size limit, the time budget ran out and
checks were skipped, a regex hit its time limit, the bytes could not be
fully decoded, or the input looked binary. It runs after every other check
(``run_last``) and also when the budget has expired.
"""

from __future__ import annotations

from collections.abc import Iterable

from detector import hookimpl
from detector.check import Check, RuleInfo
from detector.document import Document
from detector.verdict import Evidence, Hit

RULES = (
    RuleInfo("LIMIT_TRUNCATED", "limits", 0.0,
             "文档超过长度上限,仅检查了前面部分", "Document exceeded the size limit; only its start was checked",
             source="check:limits"),
    RuleInfo("LIMIT_TIME_BUDGET", "limits", 0.0,
             "超出单文档时间预算,部分检查未运行(结果不完整)",
             "Time budget ran out; some checks were skipped (partial verdict)", source="check:limits"),
    RuleInfo("LIMIT_REGEX_TIMEOUT", "limits", 0.5,
             "正则匹配超时(可能是对抗性输入)", "A regex match hit its time limit (possibly adversarial input)",
             source="check:limits"),
    RuleInfo("LIMIT_BINARY_INPUT", "limits", 1.0,
             "输入看起来是二进制数据而不是文本(读取文本的检查已跳过)",
             "Input looks like binary data, not text (checks that read the text were skipped)",
             source="check:limits"),
    RuleInfo("ENC_UNDECODABLE_BYTES", "encoding", 1.0,
             "字节无法按任何编码完整解码,已替换为 U+FFFD",
             "Bytes could not be fully decoded in any encoding; replaced with U+FFFD", source="check:limits"),
    RuleInfo("LIMIT_NUL_CHARS", "limits", 0.5,
             "文本含有 NUL 控制字符(已替换为 U+FFFD 后检查)",
             "Text contains NUL control characters (checked with U+FFFD in their place)",
             source="check:limits"),
    RuleInfo("LIMIT_EMPTY", "limits", 0.0, "文档没有可见文本", "Document has no visible text",
             source="check:limits"),
)


class LimitsCheck(Check):
    """Report truncation, budget expiry, regex timeouts and decode problems."""

    name = "limits"
    rules = RULES
    run_last = True

    def run(self, doc: Document) -> Iterable[Hit]:
        """Yield hits for the notes recorded on ``doc``."""
        if not doc.text.strip():
            yield self.hit("LIMIT_EMPTY")
        if doc.truncated:
            n = len(doc.text)
            yield self.hit("LIMIT_TRUNCATED", [Evidence(n, n, "")],
                           details={"checked_chars": n, "original_chars": doc.original_length})
        kinds: dict[str, list[str]] = {}
        for kind, what in doc.notes:
            kinds.setdefault(kind, []).append(what)
        if "time_budget" in kinds:
            # The engine notes the skipped checks as one comma-joined string.
            skipped = [n for note in kinds["time_budget"] for n in note.split(",") if n]
            yield self.hit("LIMIT_TIME_BUDGET", details={"skipped": skipped})
        if "regex_timeout" in kinds:
            yield self.hit("LIMIT_REGEX_TIMEOUT", details={"rules": sorted(set(kinds["regex_timeout"]))})
        if "binary" in kinds:
            from detector.ingest import BINARY_SKIPPED

            yield self.hit("LIMIT_BINARY_INPUT", details={"skipped_checks": doc.stash.get(BINARY_SKIPPED) or []})
        if "nul" in kinds:
            # No evidence spans: the text at those offsets is U+FFFD, not what
            # the caller sent; the offsets are in the details.
            from detector.ingest import NUL_POSITIONS

            where = doc.stash.get(NUL_POSITIONS) or []
            yield self.hit("LIMIT_NUL_CHARS", details={"count": int(kinds["nul"][0]), "offsets": where[:10]})
        if doc.decode is not None and doc.decode.errors:
            ev = []
            start = doc.text.find("\ufffd")
            if start >= 0:
                end = start
                while end < len(doc.text) and doc.text[end] == "\ufffd":
                    end += 1
                ev.append(Evidence(start, end, doc.text[start:end]))
            yield self.hit("ENC_UNDECODABLE_BYTES", ev,
                           details={"encoding": doc.decode.encoding, "replaced": doc.decode.errors})


@hookimpl
def spamdetect_register_checks() -> list[Check]:
    """Register the limits check."""
    return [LimitsCheck()]
