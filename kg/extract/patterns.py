"""Small shared matchers over the folded text: dates, type words, clause limits."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

from kg.lexicon import lexicon
from kg.normalise.fold import fold_words

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
def type_words_pattern() -> re.Pattern[str]:
    """Type words (`chương trình hành động`, `nghị quyết`…) as a folded alternation."""
    words = sorted(
        {fold_words(w) for t in lexicon().document_types for w in t.words}, key=len, reverse=True
    )
    alternation = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
    return re.compile(rf"\b(?:{alternation})\b")


@cache
def type_words_before_symbol() -> re.Pattern[str]:
    """`Chương trình hành động số ` right before a symbol (searched on the folded text)."""
    return re.compile(rf"({type_words_pattern().pattern})(?:\s+{NUMBER_WORD})?\s*$")


def class_of_words(words: str) -> str | None:
    return lexicon().class_for_words(words)
