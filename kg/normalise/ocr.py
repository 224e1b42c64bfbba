"""Patterns that read clean, unaccented and OCR-damaged Vietnamese alike.

`tolerant("cửa khẩu")` is a regex over the folded text (see fold.py) that matches `cua khau`,
`ctra khau` and `cira khau`: each letter with a horn, breve, circumflex or stroke accepts what
OCR makes of it (`kg/lexicon/ocr.toml`). The phrase is written with its diacritics, which is
what tells where those letters are. Matches are spans of the folded text, so offsets are those
of the real text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

_MARKS = {"\u031b": "horn", "\u0306": "breve", "\u0302": "circumflex"}


@cache
def _families() -> dict[str, list[str]]:
    from kg.lexicon import load_toml

    return load_toml("ocr.toml")["families"]


def _family(ch: str) -> str | None:
    if ch in "đĐ":
        return "d-stroke"
    decomposed = unicodedata.normalize("NFD", ch.lower())
    for mark, name in _MARKS.items():
        if mark in decomposed:
            return f"{decomposed[0]}-{name}"
    return None


def _base(ch: str) -> str:
    return unicodedata.normalize("NFD", ch.lower())[0] if ch not in "đĐ" else "d"


@cache
def tolerant(phrase: str) -> str:
    """A regex (no groups) over the folded text matching `phrase` clean, unaccented or OCR'd."""
    parts: list[str] = []
    for ch in phrase:
        if ch.isspace():
            if not parts or parts[-1] != r"\s+":
                parts.append(r"\s+")
            continue
        family = _family(ch)
        variants = _families().get(family, []) if family else []
        if variants:
            options = sorted(set(variants) | {_base(ch)}, key=lambda v: (-len(v), v))
            singles = [v for v in options if len(v) == 1]
            longer = [re.escape(v) for v in options if len(v) > 1]
            alternatives = [*longer, f"[{''.join(singles)}]"] if singles else longer
            parts.append(f"(?:{'|'.join(alternatives)})")
        else:
            parts.append(re.escape(_base(ch)))
    return "".join(parts)


def tolerant_any(phrases: list[str]) -> str:
    """Tolerant phrases as one alternation, longest first (`triển khai thực hiện` first)."""
    ordered = sorted(set(phrases), key=lambda p: (-len(p), p))
    return "|".join(tolerant(p) for p in ordered)
