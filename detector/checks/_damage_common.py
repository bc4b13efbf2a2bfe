"""Per-document facts shared by the damage checks, computed once and stashed.

The encoding, script-mix and invisible checks all start from the same
vectorised classification of ``doc.text`` (one table lookup per character,
see :func:`detector.damage.mojibake.classify`). It is computed by whichever
check runs first and kept in ``doc.stash`` so the others reuse it: on a clean
article that classification is most of the work the damage family does.
"""

from __future__ import annotations

import numpy as np

from detector.damage import mojibake
from detector.document import Document, StashKey

_CLASSES = StashKey[np.ndarray]()


def text_classes(doc: Document) -> np.ndarray:
    """Class flags (with script bits) of every character of ``doc.text``, cached per document."""
    cls = doc.stash.get(_CLASSES)
    if cls is None:
        cls = mojibake.classify(doc.text, mojibake.script_table())
        doc.stash[_CLASSES] = cls
    return cls
