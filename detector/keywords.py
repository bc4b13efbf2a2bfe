"""Literal keyword prefilters: which groups of literals occur in a text, in one pass.

Several checks decide with literal words whether a costly regex is worth
running at all (the rule files' ``keywords``, the injection lexicons, the
deletion forms' gates). Testing each literal with ``in`` costs one scan of
the text per literal; an Aho-Corasick automaton (pyahocorasick, C speed)
finds every literal in one pass. A :class:`KeywordSet` maps each literal to
the *keys* it opens (pattern ids, lexicon names...) and answers which keys
a text opens.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any


class KeywordSet:
    """Literals, each opening one or more keys.

    Args:
        pairs: ``(literal, key)`` pairs; a literal may open several keys and
            a key may have several literals. Empty literals are ignored.

    Examples:
        >>> ks = KeywordSet([("小编", "template"), ("本站", "template"), ("还款", "loan")])
        >>> sorted(ks.keys_in("小编今天说还款"))
        ['loan', 'template']
        >>> ks.keys_in("无关的文字")
        frozenset()
    """

    def __init__(self, pairs: Iterable[tuple[str, Hashable]]) -> None:
        opens: dict[str, set[Hashable]] = {}
        for word, key in pairs:
            if word:
                opens.setdefault(word, set()).add(key)
        self.keys: frozenset[Hashable] = frozenset(k for ks in opens.values() for k in ks)
        self._auto: Any = None
        if opens:
            import ahocorasick

            self._auto = ahocorasick.Automaton()
            for word, ks in opens.items():
                self._auto.add_word(word, frozenset(ks))
            self._auto.make_automaton()

    def keys_in(self, text: str) -> frozenset[Hashable]:
        """The keys opened by the literals occurring in ``text`` (stops once all are open)."""
        if self._auto is None or not text:
            return frozenset()
        seen: set[Hashable] = set()
        every = len(self.keys)
        for _end, ks in self._auto.iter(text):
            seen |= ks
            if len(seen) == every:
                break
        return frozenset(seen)
