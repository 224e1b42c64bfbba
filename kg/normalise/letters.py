"""Vietnamese letters as explicit sets (Unicode ranges like À-Ỹ mix cases, so none are used)."""

from __future__ import annotations

import unicodedata

_BASE_VOWELS = "aăâeêioôơuưy"
_TONES = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]  # huyền hỏi ngã sắc nặng

VOWELS = "".join(
    unicodedata.normalize("NFC", vowel + tone) for vowel in _BASE_VOWELS for tone in _TONES
)
LOWER = "abcdefghijklmnopqrstuvwxyzđ" + "".join(ch for ch in VOWELS if ch not in "aeiouy")
UPPER = LOWER.upper()
LETTERS = LOWER + UPPER
