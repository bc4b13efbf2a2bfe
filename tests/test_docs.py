"""Documentation stays in step with the code."""

from __future__ import annotations

import inspect
from pathlib import Path

from detector import hookspecs

REPO = Path(__file__).resolve().parents[1]


def test_every_hook_is_documented_with_its_exact_signature():
    doc = (REPO / "docs" / "plugins.md").read_text("utf-8")
    for name, fn in inspect.getmembers(hookspecs, inspect.isfunction):
        if not name.startswith("spamdetect_"):
            continue
        params = ", ".join(inspect.signature(fn).parameters)
        assert f"`{name}({params})`" in doc, f"{name}({params}) is not documented"


def test_every_hookspec_has_a_docstring_with_params_and_returns():
    for name, fn in inspect.getmembers(hookspecs, inspect.isfunction):
        if not name.startswith("spamdetect_"):
            continue
        d = inspect.getdoc(fn) or ""
        for p in inspect.signature(fn).parameters:
            assert f":param {p}:" in d, (name, p)
        assert ":returns:" in d, name


def test_pytest_fixture_for_plugin_authors(spamdetect_detector):
    det = spamdetect_detector(config={"review": 1})
    assert det.config.profile().review == 1
    assert not [n for n, _ in det.pm.list_name_plugin() if not n.startswith("detector.")]
