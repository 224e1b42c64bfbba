"""Separating words that text extraction glued together.

`thực hiệnNghị quyết`, `Đối vớiChương trình`, `28/11/2025của`, `tỉnhvề`: each gets a space.
Issuer codes glued to the next word (`CTr/TUlà`) are split by the symbol rule, which knows where
a symbol ends.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kg.normalise.edits import Run, apply_replacements
from kg.normalise.letters import LOWER as _LOWER
from kg.normalise.letters import UPPER as _UPPER
from kg.normalise.letters import VOWELS as _VOWELS

_NON_ASCII_LOWER = "".join(ch for ch in _LOWER if not ch.isascii())

# `hiệnNghị`: a lower-case letter, then a capital starting a lower-case word; the match is
# the capital (its start is where the space goes), so the scan skips to capitals, which are rare
_CASE_GLUE = re.compile(rf"[{_UPPER}](?<=[{_LOWER}]{{2}}[{_UPPER}])(?=[{_LOWER}])")
# `2025của`: digits, then a word that is certainly Vietnamese (it has a non-ASCII letter); the
# match is the last digit (its end is where the space goes), so the scan skips to digits
_DIGIT_GLUE = re.compile(rf"\d(?=[{_LOWER}]*[{_NON_ASCII_LOWER}][{_LOWER}]*\b)")
_SYLLABLE = (
    rf"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?[{_VOWELS}]{{1,3}}"
    r"(?:ch|ng|nh|[cmnpt])?"
)
_ONE_SYLLABLE = re.compile(rf"{_SYLLABLE}")
_TWO_SYLLABLES = re.compile(rf"({_SYLLABLE})({_SYLLABLE})")
_LOWER_WORD = re.compile(rf"\b[{_LOWER}]{{4,}}\b")


def separate_glued_words(
    text: str, protected: list[tuple[int, int]] | None = None
) -> tuple[str, list[Run]]:
    """Insert a space where two words were glued; `protected` spans (symbols) are left alone."""
    protected = protected or []

    def free(position: int) -> bool:
        return not any(start <= position < end for start, end in protected)

    edits: list[tuple[int, int, str]] = []
    for match in _CASE_GLUE.finditer(text):
        if free(match.start()):
            edits.append((match.start(), match.start(), " "))
    for match in _DIGIT_GLUE.finditer(text):
        if free(match.end()):
            edits.append((match.end(), match.end(), " "))
    # each distinct word is judged once; the text is searched again only when one is glued.
    # Words never span white space, so the distinct words are those of the distinct white-space
    # tokens: a text a sixth as long to scan (its tokens repeat), with the same word boundaries
    distinct_tokens = " ".join(set(text.split()))
    splits = {
        w: split for w in set(_LOWER_WORD.findall(distinct_tokens)) if (split := glued_syllables(w))
    }
    if splits:
        for match in _LOWER_WORD.finditer(text):
            split = splits.get(match.group())
            if split and free(match.start()):
                edits.append((match.start() + split, match.start() + split, " "))
    return apply_replacements(text, edits)


@lru_cache(maxsize=1 << 14)  # common words come back in every text
def glued_syllables(word: str) -> int | None:
    """Where two Vietnamese syllables were glued (`tỉnhvề` -> 4), else None."""
    if _ONE_SYLLABLE.fullmatch(word):
        return None
    match = _TWO_SYLLABLES.fullmatch(word)
    if not match:
        return None
    first, second = match.group(1), match.group(2)
    if first.isascii() or second.isascii():
        return None  # `video`, `online`: loanwords, not glued Vietnamese
    return len(first)
