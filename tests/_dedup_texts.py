"""Synthetic Chinese texts for the near-duplicate tests (no corpus text).

Texts are drawn from a fixed list of common characters with a seeded
random generator, so every test builds the same documents and two
different seeds give unrelated documents (character 5-gram Jaccard ~ 0).
"""

from __future__ import annotations

import random

# Common characters typed by hand for these tests.
CHARS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动"
    "同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自"
    "二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日"
    "那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变"
    "条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总"
)


def make_text(seed: int, n: int = 1200) -> str:
    """A pseudo-random Chinese text of ``n`` characters with punctuation."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        out.append(rng.choice(CHARS))
        if i % 17 == 16:
            out.append("，" if rng.random() < 0.7 else "。")
    return "".join(out)


def edit(text: str, seed: int, n_edits: int) -> str:
    """``text`` with ``n_edits`` single-character substitutions."""
    rng = random.Random(seed)
    chars = list(text)
    for _ in range(n_edits):
        i = rng.randrange(len(chars))
        chars[i] = rng.choice(CHARS)
    return "".join(chars)


def jaccard(a: str, b: str, k: int = 5) -> float:
    """True Jaccard similarity of the folded texts' k-gram sets."""
    from detector.dedup.shingles import normalize, shingles

    sa, sb = set(shingles(normalize(a), k)), set(shingles(normalize(b), k))
    if not sa and not sb:
        return 1.0
    return len(sa & sb) / len(sa | sb)
