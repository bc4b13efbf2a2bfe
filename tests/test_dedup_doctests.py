"""Docstring examples of the near-duplicate modules run as tests."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["detector.dedup.shingles", "detector.dedup.minhash", "detector.dedup.lsh",
           "detector.dedup.index", "detector.dedup.cluster"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    mod = importlib.import_module(name)
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0
