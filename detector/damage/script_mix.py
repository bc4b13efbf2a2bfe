"""Simplified and Traditional characters mixed within sentences.

A writer uses one script; a page whose sentences mix 发 and 發 went through
a broken converter, was stitched from sources, or was spun. Only
*script-specific* characters count (see
:func:`detector.damage.mojibake.script_table`): Simplified-only characters
are not in Big5 and Traditional-only characters are not in GB2312, so shared
forms such as 后, 干, 里 and 著 never count for either side.

Text inside quotes and book-title marks (“…”, 「…」, 《…》) is ignored: a
Simplified article may quote a Traditional title. A sentence is *mixed* when
both scripts have at least two characters in it and the minority has at least
a fifth of them (sentences holding mojibake, whose characters fall on both
sides at random, are left to the encoding check) and when the script
switches at least :data:`MIN_SWITCHES` times along the sentence (a quoted
name or a UI label switches once or twice); the document-level figure is the minority share over all
unquoted script-specific characters.

Examples:
    >>> r = mix_report("这个國家的發展很快,我们們都看到了变化。Plain text.")
    >>> r.mixed_sentences, r.simplified, r.traditional
    (1, 4, 3)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import regex

from . import mojibake

# One character class repeated: linear by construction, so the standard
# library's faster engine needs no time limit.
_SENTENCE_END = re.compile(r"[。!?！？;；\n]+")
_QUOTED = regex.compile(r"“[^”\n]{0,200}”|「[^」\n]{0,200}」|『[^』\n]{0,200}』|《[^》\n]{0,100}》"
                        r"|\"[^\"\n]{0,200}\"")


#: A broken converter interleaves the scripts character by character; a
#: Simplified sentence citing a Traditional name, or a Traditional page with
#: a Simplified interface label, switches script once or twice.
MIN_SWITCHES = 3


@dataclass
class MixReport:
    """Script counts of a text.

    Attributes:
        simplified: Unquoted Simplified-only characters.
        traditional: Unquoted Traditional-only characters.
        minority_share: ``min(simplified, traditional) / (simplified + traditional)``.
        mixed_sentences: Number of sentences mixing both scripts.
        spans: ``(start, end)`` of the mixed sentences.
        max_switches: Most script switches in one mixed sentence.
    """

    simplified: int = 0
    traditional: int = 0
    minority_share: float = 0.0
    mixed_sentences: int = 0
    spans: list[tuple[int, int]] = field(default_factory=list)
    max_switches: int = 0


def mix_report(text: str, cls: np.ndarray | None = None) -> MixReport:
    """Count script-specific characters per sentence of ``text``.

    Args:
        text: The text.
        cls: Its flags from :func:`mojibake.classify` with
            :func:`mojibake.script_table` (computed when None).
    """
    if cls is None:
        cls = mojibake.classify(text, mojibake.script_table())
    trad = (cls & mojibake.TRAD_ONLY) != 0
    simp = (cls & mojibake.SIMP_ONLY) != 0
    if not trad.any() or not simp.any():
        return MixReport(int(simp.sum()), int(trad.sum()))
    trad = trad.copy()
    simp = simp.copy()
    for m in _QUOTED.finditer(text, timeout=1.0):
        trad[m.start():m.end()] = False
        simp[m.start():m.end()] = False
    ts = np.cumsum(np.concatenate(([0], trad.astype(np.int32))))
    ss = np.cumsum(np.concatenate(([0], simp.astype(np.int32))))
    gs = np.cumsum(np.concatenate(([0], ((cls & mojibake.GARBAGE) != 0).astype(np.int32))))
    # A switch: a script-specific character whose previous script-specific
    # character is of the other script (counted at the later one).
    idx = np.flatnonzero(trad | simp)
    is_t = trad[idx]
    sw = np.zeros(len(text), dtype=np.int32)
    if idx.size > 1:
        sw[idx[1:][is_t[1:] != is_t[:-1]]] = 1
    ws = np.cumsum(np.concatenate(([0], sw)))
    rep = MixReport(int(ss[-1]), int(ts[-1]))
    total = rep.simplified + rep.traditional
    rep.minority_share = min(rep.simplified, rep.traditional) / total if total else 0.0
    # Sentences: [start, end) between runs of sentence punctuation, all at once.
    marks = [m.span() for m in _SENTENCE_END.finditer(text)]
    ends = np.array([a for a, _ in marks] + [len(text)], dtype=np.int64)
    starts = np.array([0] + [b for _, b in marks], dtype=np.int64)
    t = ts[ends] - ts[starts]
    s = ss[ends] - ss[starts]
    garbage = gs[ends] - gs[starts]
    # switches counted after the sentence's first character (a switch at
    # ``start`` looks back into the previous sentence)
    switches = ws[ends] - ws[np.minimum(starts + 1, ends)]
    mixed = ((t >= 2) & (s >= 2) & (np.minimum(t, s) >= 0.2 * (t + s)) & (garbage < 2)
             & (switches >= MIN_SWITCHES))
    if mixed.any():
        rep.mixed_sentences = int(mixed.sum())
        rep.spans = [(int(a), int(b)) for a, b in zip(starts[mixed], ends[mixed], strict=True)]
        rep.max_switches = int(switches[mixed].max())
    return rep
