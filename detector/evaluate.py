"""Evaluate the detector on labelled JSONL: per-rule S/O and overall precision.

Input records are JSON objects with ``label`` (``spam`` | ``ham``; ``legit``
counts as ham) and ``text`` or ``html``, optionally ``title``, ``url``,
``site``, ``id`` and ``categories`` (a list, as in the zh-pages-dev split).
Records with another label are counted as skipped.

The report (``spamdetect eval``) has

* per rule: spam hits, ham hits and S/O = spam% / (spam% + ham%), the
  SpamAssassin measure of how spam-specific a rule is (1.0: only spam);
* overall and per input file: precision, recall and false-positive rate of
  the ``review`` and ``reject`` actions, each with a Wilson 95% interval
  (honest on small samples, never outside [0, 1]);
* recall at review per spam category, when records carry ``categories``.

Everything runs through :meth:`detector.Detector.check_many`, the same path
as ``spamdetect check``.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError

ACTION_RANK = {"allow": 0, "review": 1, "reject": 2}
LABELS = {"spam": "spam", "ham": "ham", "legit": "ham"}


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval for ``k`` successes out of ``n`` (95% by default).

    Examples:
        >>> [round(x, 3) for x in wilson(9, 10)]
        [0.596, 0.982]
        >>> wilson(0, 0)
        (0.0, 1.0)
    """
    if n <= 0:
        return 0.0, 1.0
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass
class Record:
    """One labelled document as read from JSONL."""

    source: str
    line: int
    label: str
    item: dict[str, Any]
    categories: tuple[str, ...] = ()


@dataclass
class Outcome:
    """What the detector said about one labelled record."""

    source: str
    id: str
    label: str
    action: str
    score: float
    rules: tuple[str, ...]
    categories: tuple[str, ...] = ()
    length: int = 0


def read_labelled(paths: Iterable[str | Path], errors: list[str],
                  skipped: Counter[str] | None = None) -> Iterator[Record]:
    """Yield labelled records from JSONL files; bad lines go to ``errors``.

    Raises:
        InputError: when a file cannot be opened.
    """
    for p in paths:
        path = Path(p)
        try:
            fh = path.open("rb")
        except OSError as exc:
            raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
        with fh:
            for lineno, raw in enumerate(fh, 1):
                if not raw.strip():
                    continue
                try:
                    rec = json.loads(raw)
                except (ValueError, UnicodeDecodeError) as exc:
                    errors.append(f"{path}:{lineno}: invalid JSON: {exc}")
                    continue
                if not isinstance(rec, dict):
                    errors.append(f"{path}:{lineno}: a record must be an object")
                    continue
                label = LABELS.get(str(rec.get("label", "")).lower())
                if label is None:
                    if skipped is not None:
                        skipped[str(path)] += 1
                    continue
                item: dict[str, Any] = {}
                if isinstance(rec.get("html"), str) and not isinstance(rec.get("text"), str):
                    item["html"] = rec["html"]
                elif isinstance(rec.get("text"), str):
                    item["text"] = rec["text"]
                else:
                    errors.append(f"{path}:{lineno}: needs a string \"text\" or \"html\"")
                    continue
                for key in ("title", "url", "site"):
                    if isinstance(rec.get(key), str):
                        item[key] = rec[key]
                item["id"] = str(rec["id"]) if rec.get("id") is not None else f"{path}:{lineno}"
                cats = rec.get("categories") or ()
                cats = tuple(c for c in cats if isinstance(c, str)) if isinstance(cats, list) else ()
                yield Record(str(path), lineno, label, item, cats)


def run(detector: Any, records: Iterable[Record], *, site: str | None = None,
        progress: Callable[[], None] | None = None) -> list[Outcome]:
    """Check every record and collect outcomes (in input order)."""
    pending: list[Record] = []

    def items() -> Iterator[dict[str, Any]]:
        for rec in records:
            pending.append(rec)
            item = dict(rec.item)
            if site is not None:
                item["site"] = site
            yield item

    out: list[Outcome] = []
    for i, verdict in enumerate(detector.check_many(items())):
        rec = pending[i]
        pending[i] = None  # type: ignore[call-overload]
        rules = tuple(sorted({h.rule for h in verdict.hits if h.weight > 0}))
        body = rec.item.get("text") or rec.item.get("html") or ""
        out.append(Outcome(rec.source, rec.item["id"], rec.label, verdict.action, verdict.score,
                           rules, rec.categories, len(body)))
        if progress is not None:
            progress()
    return out


@dataclass
class Rates:
    """Confusion counts of one action threshold, with derived rates."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Counts, precision, recall and FPR with Wilson 95% intervals."""
        flagged = self.tp + self.fp
        spam = self.tp + self.fn
        ham = self.fp + self.tn
        d: dict[str, Any] = {"tp": self.tp, "fp": self.fp, "fn": self.fn, "tn": self.tn}
        for name, k, n in (("precision", self.tp, flagged), ("recall", self.tp, spam),
                           ("fpr", self.fp, ham)):
            lo, hi = wilson(k, n)
            d[name] = round(k / n, 4) if n else None
            d[f"{name}_ci95"] = [round(lo, 4), round(hi, 4)]
        return d


def _rates(outcomes: Iterable[Outcome], action: str) -> Rates:
    r = Rates()
    need = ACTION_RANK[action]
    for o in outcomes:
        flagged = ACTION_RANK.get(o.action, 0) >= need
        if o.label == "spam":
            if flagged:
                r.tp += 1
            else:
                r.fn += 1
        elif flagged:
            r.fp += 1
        else:
            r.tn += 1
    return r


@dataclass
class Report:
    """The evaluation report (``to_dict`` is the ``--format json`` output)."""

    outcomes: list[Outcome]
    errors: list[str] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)

    def rule_table(self) -> list[dict[str, Any]]:
        """Per rule: spam hits, ham hits, S/O; most spam-specific first."""
        n_spam = sum(1 for o in self.outcomes if o.label == "spam")
        n_ham = sum(1 for o in self.outcomes if o.label == "ham")
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for o in self.outcomes:
            for r in o.rules:
                counts[r][o.label] += 1
        rows = []
        for rule, c in counts.items():
            sp = c["spam"] / n_spam if n_spam else 0.0
            hp = c["ham"] / n_ham if n_ham else 0.0
            so = sp / (sp + hp) if sp + hp else 0.0
            rows.append({"rule": rule, "spam": c["spam"], "ham": c["ham"],
                         "spam_pct": round(100 * sp, 2), "ham_pct": round(100 * hp, 2),
                         "s_o": round(so, 3)})
        rows.sort(key=lambda r: (-r["s_o"], -r["spam"], r["rule"]))
        return rows

    @staticmethod
    def _summary(outcomes: list[Outcome]) -> dict[str, Any]:
        return {
            "documents": len(outcomes),
            "spam": sum(1 for o in outcomes if o.label == "spam"),
            "ham": sum(1 for o in outcomes if o.label == "ham"),
            "review": _rates(outcomes, "review").to_dict(),
            "reject": _rates(outcomes, "reject").to_dict(),
        }

    def categories(self) -> list[dict[str, Any]]:
        """Recall at review per spam category (records with ``categories``)."""
        per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for o in self.outcomes:
            if o.label != "spam":
                continue
            for c in o.categories:
                per[c][1] += 1
                if ACTION_RANK.get(o.action, 0) >= 1:
                    per[c][0] += 1
        rows = []
        for c, (k, n) in sorted(per.items()):
            lo, hi = wilson(k, n)
            rows.append({"category": c, "flagged": k, "spam": n, "recall": round(k / n, 4),
                         "recall_ci95": [round(lo, 4), round(hi, 4)]})
        return rows

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of the report."""
        by_file: dict[str, list[Outcome]] = defaultdict(list)
        for o in self.outcomes:
            by_file[o.source].append(o)
        return {
            "overall": self._summary(self.outcomes),
            "files": {f: self._summary(os) for f, os in by_file.items()},
            "rules": self.rule_table(),
            "categories": self.categories(),
            "errors": list(self.errors),
            "skipped": dict(self.skipped),
        }


def _pct(x: float | None) -> str:
    return "   n/a" if x is None else f"{100 * x:5.1f}%"


def _summary_lines(name: str, s: dict[str, Any]) -> list[str]:
    lines = [f"{name}: {s['documents']} documents ({s['spam']} spam, {s['ham']} ham)"]
    for action in ("review", "reject"):
        r = s[action]
        lines.append(
            f"  at {action:<6}  precision {_pct(r['precision'])} "
            f"[{100 * r['precision_ci95'][0]:.1f}-{100 * r['precision_ci95'][1]:.1f}]"
            f"  recall {_pct(r['recall'])} [{100 * r['recall_ci95'][0]:.1f}-{100 * r['recall_ci95'][1]:.1f}]"
            f"  FPR {_pct(r['fpr'])} [{100 * r['fpr_ci95'][0]:.1f}-{100 * r['fpr_ci95'][1]:.1f}]"
            f"  (tp {r['tp']} fp {r['fp']} fn {r['fn']} tn {r['tn']})")
    return lines


def render_text(report: dict[str, Any]) -> str:
    """Human-readable form of :meth:`Report.to_dict`."""
    out: list[str] = []
    out.extend(_summary_lines("overall", report["overall"]))
    if len(report["files"]) > 1:
        for f, s in report["files"].items():
            out.extend(_summary_lines(f, s))
    out.append("")
    out.append(f"{'rule':<36} {'spam':>5} {'ham':>5} {'spam%':>7} {'ham%':>7} {'S/O':>6}")
    for r in report["rules"]:
        out.append(f"{r['rule']:<36} {r['spam']:>5} {r['ham']:>5} {r['spam_pct']:>7.2f} "
                   f"{r['ham_pct']:>7.2f} {r['s_o']:>6.3f}")
    if report["categories"]:
        out.append("")
        out.append(f"{'category (recall at review)':<36} {'flagged':>7} {'spam':>5} {'recall':>7}")
        for c in report["categories"]:
            out.append(f"{c['category']:<36} {c['flagged']:>7} {c['spam']:>5} {_pct(c['recall']):>7}")
    for f, n in report["skipped"].items():
        out.append(f"skipped {n} records without a spam/ham label in {f}")
    return "\n".join(out) + "\n"


def evaluate(detector: Any, paths: Iterable[str | Path], *, site: str | None = None,
             progress: Callable[[], None] | None = None) -> Report:
    """Run the detector over labelled JSONL files and build the report."""
    errors: list[str] = []
    skipped: Counter[str] = Counter()
    outcomes = run(detector, read_labelled(paths, errors, skipped), site=site, progress=progress)
    return Report(outcomes, errors, dict(skipped))
