"""The folded view of a text: same length, lower case, no diacritics, đ -> d.

Extractors match folded patterns against it, so `Nghi quyet`, `NGHỊ QUYẾT` and `Nghị quyết`
all match one rule, and a match's offsets are offsets of the real text.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache


def _fold_char(ch: str) -> str:
    if ch in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", ch)[0]
    lowered = base.lower()
    return lowered if len(lowered) == 1 else base


_MAX_REMEMBERED = 1 << 16  # bounds memory should a file hold every character there is


class _FoldTable(dict[int, str]):
    """Code point -> folded character for str.translate, filled in as characters are met (a
    text uses a few hundred), so folding is one C pass rather than a Python call a character."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        if len(self) < _MAX_REMEMBERED:
            self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Fold every character to one character, so offsets are kept."""
    if text.isascii():
        return text.lower()
    return text.translate(_FOLD_TABLE)


@lru_cache(maxsize=1 << 14)
def fold_words(text: str) -> str:
    """Folded and with runs of white space made single spaces (for keys and lexicon entries)."""
    return " ".join(fold(text).split())
