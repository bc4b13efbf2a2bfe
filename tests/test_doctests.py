"""Run the examples in docstrings, so documentation cannot drift from behaviour."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["detector.config", "detector.document", "detector.engine", "detector.ingest",
           "detector.scoring", "detector.views", "detector.checks.contact_synth"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    mod = importlib.import_module(name)
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0
