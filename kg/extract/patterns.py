"""Small shared matchers over the folded text: dates, type words, clause limits."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache, lru_cache

from kg.lexicon import lexicon
from kg.normalise.fold import fold_words
from kg.normalise.ocr import tolerant

# `ngày 28/11/2025`, `ngày 28 tháng 11 năm 2025` (folded: no diacritics, lower case)
DATE = re.compile(
    r"\s*,?\s*(?:ngay|ngay)\s+(\d{1,2})\s*(?:/|-|\.|\s+thang\s+)\s*(\d{1,2})\s*(?:/|-|\.|\s+nam\s+)\s*"
    r"((?:19|20)\d\d)"
)
NUMBER_WORD = r"(?:so|s[o0-9b]|so:)"


def parse_date(folded: str, position: int) -> tuple[dt.date, int] | None:
    """A date right at `position` (after optional comma), with where it ends."""
    match = DATE.match(folded, position)
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day), match.end()
    except ValueError:
        return None


@cache
def _type_groups() -> dict[str, str]:
    """Group name -> class, one group per type word, longest first."""
    words = sorted(
        {(w, t.doc_class) for t in lexicon().document_types for w in t.words},
        key=lambda pair: (-len(pair[0]), pair[0]),
    )
    return {f"t{index}": f"{word}|{doc_class}" for index, (word, doc_class) in enumerate(words)}


@cache
def type_words_pattern() -> re.Pattern[str]:
    """Type words (`chương trình hành động`, `nghị quyết`…), tolerant of OCR spellings."""
    groups = _type_groups()
    alternation = "|".join(
        f"(?P<{name}>{tolerant(value.split('|')[0])})" for name, value in groups.items()
    )
    return re.compile(rf"\b(?:{alternation})\b")


def class_of_match(match: re.Match[str]) -> str | None:
    """The class named by a match of `type_words_pattern` (or of a pattern embedding it)."""
    groups = match.groupdict()
    for name, value in _type_groups().items():
        if groups.get(name) is not None:
            return value.split("|")[1]
    return None


@cache
def type_words_before_symbol() -> re.Pattern[str]:
    """`Chương trình hành động số ` right before a symbol (searched on the folded text)."""
    return re.compile(rf"({type_words_pattern().pattern})(?:\s+{NUMBER_WORD})?\s*$")


@lru_cache(maxsize=4096)  # a few type words, asked for at every generic mention
def class_of_words(words: str) -> str | None:
    """The class named by type words (`Kế hoạch`, `ke hoach`, OCR `Ke hoach`)."""
    match = type_words_pattern().fullmatch(fold_words(words))
    return class_of_match(match) if match else None
