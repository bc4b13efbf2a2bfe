"""Tests for the meta/eval expression language (no eval(), strict grammar)."""

from __future__ import annotations

import pytest

from detector.rule_expr import ExprError, parse, truthy


class Ctx:
    def __init__(self, counts=None, funcs=None):
        self.counts = counts or {}
        self.funcs = funcs or {}
        self.calls = []

    def count(self, rule_id):
        return self.counts.get(rule_id, 0)

    def call(self, name, args):
        self.calls.append((name, args))
        return self.funcs[name](*args)


@pytest.mark.parametrize("src, counts, expected", [
    ("A_X && B_X || C_X", {"C_X": 1}, True),
    ("A_X && (B_X || C_X)", {"C_X": 1}, False),
    ("!A_X", {}, True),
    ("!A_X && B_X", {"B_X": 2}, True),
    ("A_X + B_X + C_X >= 2", {"A_X": 1, "C_X": 1}, True),
    ("A_X + B_X + C_X >= 2", {"A_X": 1}, False),
    ("A_X >= 3", {"A_X": 3}, True),
    ("(A_X > 0) + (B_X > 0) == 2", {"A_X": 5, "B_X": 1}, True),
    ("A_X * 2 - 1 > 4", {"A_X": 3}, True),
    ("A_X / B_X", {"A_X": 3}, 0.0),  # division by zero is 0, never an error
    ("-A_X < 0", {"A_X": 1}, True),
    ("2.5 > 2", {}, True),
    ("A_X - B_X + C_X", {"A_X": 5, "B_X": 2, "C_X": 1}, 4),
    ("A_X + B_X * 2 - C_X / 2", {"A_X": 1, "B_X": 3, "C_X": 4}, 5.0),
    ("A_X + B_X + C_X + D_X + E_X", {"B_X": 1, "E_X": 2}, 3),
])
def test_evaluation(src, counts, expected):
    assert parse(src).evaluate(Ctx(counts)) == expected


def test_function_calls_with_literal_arguments():
    e = parse("ratio(0.3, 'han') && RULE_A || longer(-2)")
    assert e.calls == [("ratio", (0.3, "han")), ("longer", (-2,))]
    assert e.rule_refs == ["RULE_A"]
    ctx = Ctx({"RULE_A": 1}, {"ratio": lambda x, s: x < 0.5 and s == "han", "longer": lambda n: False})
    assert e.evaluate(ctx) is True


@pytest.mark.parametrize("bad", [
    "", "A_X &&", "A_X & B_X", "(A_X", "A_X)", "fn(A_X)", "fn(1 + 2)",
    "A_X; B_X", "a_x", "A_X ? 1 : 2", "A_X.__class__", "x" * 3000, "fn(-'s')",
])
def test_syntax_errors(bad):
    with pytest.raises(ExprError):
        parse(bad)


def test_string_in_arithmetic_is_an_error_at_evaluation():
    e = parse("'abc' + 1")
    with pytest.raises(ExprError):
        e.evaluate(Ctx())


def test_truthy():
    assert truthy(1) and truthy(0.1) and truthy(True)
    assert not truthy(0) and not truthy(0.0) and not truthy(False) and not truthy(None)
