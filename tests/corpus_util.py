"""Reading the shared JSONL corpora in tests (one place for every corpus test)."""

from __future__ import annotations

import json
from pathlib import Path


def read_jsonl(path: Path | str) -> list[dict]:
    """Every record of a JSONL file (blank lines skipped)."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
