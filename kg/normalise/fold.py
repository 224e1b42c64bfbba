"""The folded view of a text: same length, lower case, no diacritics, đ -> d.

Extractors match folded patterns against it, so `Nghi quyet`, `NGHỊ QUYẾT` and `Nghị quyết`
all match one rule, and a match's offsets are offsets of the real text.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", ch)[0]
    lowered = base.lower()
    return lowered if len(lowered) == 1 else base


def fold(text: str) -> str:
    """Fold every character to one character, so offsets are kept."""
    if text.isascii():
        return text.lower()
    return "".join([_fold_char(ch) for ch in text])


def fold_words(text: str) -> str:
    """Folded and with runs of white space made single spaces (for keys and lexicon entries)."""
    return " ".join(fold(text).split())
