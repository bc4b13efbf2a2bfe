"""Run the docstring examples of the damage algorithms, so their documentation stays true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["detector.damage.charsets", "detector.damage.mojibake", "detector.damage.ruby",
           "detector.damage.deletion", "detector.damage.script_mix", "detector.damage.synth"]


@pytest.mark.parametrize("name", MODULES)
def test_damage_docstring_examples(name):
    mod = importlib.import_module(name)
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0
