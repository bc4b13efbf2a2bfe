"""Meta and eval expressions of rule files: a small, safe expression language.

Rule files combine rules the way SpamAssassin ``meta`` rules do::

    meta: ZH_SKELETON_NUMBERED && (ZH_TEMPLATE_INTRO || ZH_TEMPLATE_OUTRO)
    meta: ZH_CASE_A + ZH_CASE_B + ZH_REF_PLACEHOLDER >= 2
    eval: han_ratio() >= 0.3 && text_length() > 200

Grammar (lowest precedence first)::

    expr    := or
    or      := and ("||" and)*
    and     := not ("&&" not)*
    not     := "!" not | compare
    compare := sum (("<" | "<=" | ">" | ">=" | "==" | "!=") sum)?
    sum     := product (("+" | "-") product)*
    product := unary (("*" | "/") unary)*
    unary   := "-" unary | atom
    atom    := NUMBER | STRING | RULE_ID | NAME "(" [literal ("," literal)*] ")" | "(" expr ")"

A rule id (upper-case, ``[A-Z][A-Z0-9_]*``) evaluates to the number of times
that rule matched the document (0 when it did not), so ``X`` is true when X
matched and ``X >= 3`` counts. A lower-case name followed by parentheses
calls an *eval function* registered by a plugin
(``spamdetect_register_eval_functions``) as ``fn(doc, *args)``; arguments are
number or string literals only. Booleans count as 0 / 1 in arithmetic.

Design: the text is tokenised and parsed by recursive descent into a tree of
closures. There is no ``eval()``: the only things an expression can do are
read match counts, call registered functions, and do arithmetic and logic.
Division by zero yields 0 rather than raising, because a rule must never crash
a scan.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import regex

_TOKEN = regex.compile(
    r"""
    \s*(?:
      (?P<num>\d+(?:\.\d+)?)                       # number literal
    | (?P<str>"[^"\\\n]{0,200}"|'[^'\\\n]{0,200}')   # string literal (no escapes)
    | (?P<rule>[A-Z][A-Z0-9_]*)(?![a-z0-9_(])      # rule id
    | (?P<name>[a-z_][a-z0-9_]*)                   # eval function name
    | (?P<op>&&|\|\||>=|<=|==|!=|[!<>+\-*/(),])     # operators and punctuation
    )""",
    regex.VERBOSE,
)

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
    "==": operator.eq, "!=": operator.ne,
}


class ExprError(ValueError):
    """An expression does not parse or names something unknown."""


class Context(Protocol):
    """What an expression reads while it is evaluated."""

    def count(self, rule_id: str) -> float:
        """Number of matches of ``rule_id`` in the document (0 if none)."""

    def call(self, name: str, args: tuple[Any, ...]) -> Any:
        """Result of eval function ``name`` with literal ``args``."""


Node = Callable[[Context], Any]


@dataclass
class Expression:
    """A parsed expression.

    Attributes:
        source: The text it was parsed from.
        rule_refs: Rule ids it reads, in order of first use.
        calls: Eval functions it calls (name, literal args).
    """

    source: str
    rule_refs: list[str] = field(default_factory=list)
    calls: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)
    _root: Node | None = None

    def evaluate(self, ctx: Context) -> Any:
        """Evaluate against ``ctx``; returns a number or a bool."""
        assert self._root is not None
        return self._root(ctx)


def _tokenize(text: str) -> list[tuple[str, str]]:
    if len(text) > 2000:
        raise ExprError("expression longer than 2000 characters")
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise ExprError(f"unexpected character {text[pos:].lstrip()[:1]!r} at offset {pos}")
        kind = m.lastgroup
        assert kind is not None
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.i = 0
        self.expr = Expression(text)

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take_op(self, *ops: str) -> str | None:
        t = self.peek()
        if t is not None and t[0] == "op" and t[1] in ops:
            self.i += 1
            return t[1]
        return None

    def expect_op(self, op: str) -> None:
        if self.take_op(op) is None:
            t = self.peek()
            raise ExprError(f"expected {op!r}, found {t[1] if t else 'end of expression'!r}")

    def parse(self) -> Expression:
        if not self.tokens:
            raise ExprError("empty expression")
        root = self.or_()
        if self.peek() is not None:
            raise ExprError(f"unexpected {self.peek()[1]!r}")  # type: ignore[index]
        self.expr._root = root
        return self.expr

    def or_(self) -> Node:
        parts = [self.and_()]
        while self.take_op("||"):
            parts.append(self.and_())
        if len(parts) == 1:
            return parts[0]
        return _any(parts)

    def and_(self) -> Node:
        parts = [self.not_()]
        while self.take_op("&&"):
            parts.append(self.not_())
        if len(parts) == 1:
            return parts[0]
        return _all(parts)

    def not_(self) -> Node:
        if self.take_op("!"):
            inner = self.not_()
            return lambda ctx: not bool(inner(ctx))
        return self.compare()

    def compare(self) -> Node:
        left = self.sum_()
        op = self.take_op(*_COMPARE)
        if op is None:
            return left
        right = self.sum_()
        fn = _COMPARE[op]
        return lambda ctx: fn(_num(left(ctx)), _num(right(ctx)))

    def sum_(self) -> Node:
        # n-ary: "A + B + C + ..." becomes one node summing signed terms, not a
        # left-nested chain of closures (long count sums are common in metas).
        first = self.product()
        terms: list[tuple[int, Node]] = [(1, first)]
        while True:
            op = self.take_op("+", "-")
            if op is None:
                break
            terms.append((1 if op == "+" else -1, self.product()))
        if len(terms) == 1:
            return first
        if all(sign == 1 for sign, _ in terms):
            nodes = [n for _, n in terms]
            if len(nodes) == 2:
                a, b = nodes
                return lambda ctx: _num(a(ctx)) + _num(b(ctx))

            def total(ctx: Context) -> Any:
                acc = 0
                for n in nodes:
                    acc += _num(n(ctx))
                return acc

            return total

        def signed_total(ctx: Context) -> Any:
            acc = 0
            for sign, n in terms:
                acc += sign * _num(n(ctx))
            return acc

        return signed_total

    def product(self) -> Node:
        node = self.unary()
        while True:
            op = self.take_op("*", "/")
            if op is None:
                return node
            rhs = self.unary()
            node = _binary(node, rhs, operator.mul if op == "*" else _safe_div)

    def unary(self) -> Node:
        if self.take_op("-"):
            inner = self.unary()
            return lambda ctx: -_num(inner(ctx))
        return self.atom()

    def atom(self) -> Node:
        t = self.peek()
        if t is None:
            raise ExprError("unexpected end of expression")
        kind, value = t
        self.i += 1
        if kind == "num":
            num = float(value) if "." in value else int(value)
            return lambda ctx: num
        if kind == "str":
            s = value[1:-1]
            return lambda ctx: s
        if kind == "rule":
            if value not in self.expr.rule_refs:
                self.expr.rule_refs.append(value)
            return lambda ctx: ctx.count(value)
        if kind == "name":
            self.expect_op("(")
            args: list[Any] = []
            if not self.take_op(")"):
                while True:
                    args.append(self.literal())
                    if self.take_op(")"):
                        break
                    self.expect_op(",")
            targs = tuple(args)
            self.expr.calls.append((value, targs))
            return lambda ctx: ctx.call(value, targs)
        if kind == "op" and value == "(":
            inner = self.or_()
            self.expect_op(")")
            return inner
        raise ExprError(f"unexpected {value!r}")

    def literal(self) -> Any:
        neg = bool(self.take_op("-"))
        t = self.peek()
        if t is None or t[0] not in ("num", "str") or (neg and t[0] == "str"):
            raise ExprError("eval function arguments must be number or string literals")
        self.i += 1
        if t[0] == "str":
            return t[1][1:-1]
        num = float(t[1]) if "." in t[1] else int(t[1])
        return -num if neg else num


def _num(v: Any) -> float:
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, (int, float)):
        return v
    if v is None:
        return 0
    raise ExprError(f"expected a number, got {type(v).__name__}")


# Closures for "&&" and "||" (plain loops and 2-operand forms: generator
# expressions inside any()/all() cost more than the counts they combine).
def _all(parts: list[Node]) -> Node:
    if len(parts) == 2:
        a, b = parts
        return lambda ctx: bool(a(ctx)) and bool(b(ctx))

    def node(ctx: Context) -> bool:
        for p in parts:
            if not p(ctx):
                return False
        return True

    return node


def _any(parts: list[Node]) -> Node:
    if len(parts) == 2:
        a, b = parts
        return lambda ctx: bool(a(ctx)) or bool(b(ctx))

    def node(ctx: Context) -> bool:
        for p in parts:
            if p(ctx):
                return True
        return False

    return node


def _safe_div(a: float, b: float) -> float:
    return a / b if b else 0.0


def _binary(left: Node, right: Node, fn: Callable[[Any, Any], Any]) -> Node:
    return lambda ctx: fn(_num(left(ctx)), _num(right(ctx)))


def parse(text: str) -> Expression:
    """Parse ``text`` into an :class:`Expression`.

    Raises:
        ExprError: on a syntax error.

    Examples:
        >>> e = parse("A_RULE && (B_RULE || C_RULE >= 2)")
        >>> e.rule_refs
        ['A_RULE', 'B_RULE', 'C_RULE']
        >>> class Ctx:
        ...     counts = {"A_RULE": 1, "C_RULE": 2}
        ...     def count(self, r): return self.counts.get(r, 0)
        ...     def call(self, name, args): return 0
        >>> e.evaluate(Ctx())
        True
    """
    if not isinstance(text, str):
        raise ExprError("expression must be a string")
    return _Parser(text).parse()


def truthy(value: Any) -> bool:
    """Whether an expression result counts as a match (non-zero, non-empty)."""
    if isinstance(value, (int, float)):
        return value != 0
    return bool(value)


def names(exprs: Sequence[Expression]) -> set[str]:
    """All eval function names called by ``exprs``."""
    return {n for e in exprs for n, _ in e.calls}
