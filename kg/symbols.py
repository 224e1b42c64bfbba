"""The grammar of Vietnamese document symbols (số, ký hiệu) and their canonical form.

Party:  `57-NQ/TW`, `06-CTr/TU`, `02-KH/BCĐTW`          NUMBER-TYPE/ISSUER
State:  `99/NQ-CP`, `39/2015/NĐ-CP`, `1657/NQ-UBTVQH15`  NUMBER[/YEAR]/TYPE-ISSUER
Letters without a type: `2531/UBND-VX`, `17417/BTC-NSNN`, `53/2021/HĐND`

Type and issuer codes are closed sets (lexicon files), which is what lets `ND-CP` be restored to
`NĐ-CP` and tells where a code glued to the next word ends (`CTr/TUlà`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from kg.lexicon import Lexicon, lexicon
from kg.normalise.fold import fold
from kg.normalise.letters import LOWER
from kg.normalise.ocr import prefiltered_finditer

_UPPER_CODE = r"[A-ZĐ][A-ZĐ0-9]{1,9}"
_DEPT = rf"(?:\s?-\s?[A-ZĐ][A-ZĐ0-9]{{0,9}}(?![{LOWER}]))*"


def _code_pattern(code: str) -> str:
    """A code matched whatever its case, with D standing for Đ (OCR and unaccented text)."""
    parts = []
    for ch in code:
        if ch in "ĐD":
            parts.append("[ĐđDd]")
        elif ch.isalpha():
            parts.append(f"[{ch.upper()}{ch.lower()}]")
        else:
            parts.append(re.escape(ch))
    return "".join(parts)


@dataclass(frozen=True)
class SymbolMatch:
    start: int
    end: int
    symbol: str  # canonical
    number: str
    year: str | None
    type_code: str | None
    issuer_code: str


@cache
def _grammar() -> tuple[re.Pattern[str], Lexicon]:
    lex = lexicon()
    type_codes = sorted(
        {t.code for t in lex.document_types if t.symbol_code}, key=len, reverse=True
    )
    types = "|".join(_code_pattern(code) for code in type_codes)
    known = []
    for issuer in sorted(lex.issuers, key=lambda i: len(i.code), reverse=True):
        known.append(
            issuer.pattern.replace("D", "[ĐD]") if issuer.pattern else _code_pattern(issuer.code)
        )
    issuers = "|".join(known)
    # an issuer: a known code (any case) or an unknown upper-case code; never eats a glued word
    issuer = rf"(?:(?:{issuers})(?![A-ZĐ0-9])|{_UPPER_CODE}(?![A-ZĐ0-9]))"
    sep = r"\s?"
    party = rf"(?P<pn>\d{{1,5}}){sep}-{sep}(?P<pt>{types}){sep}/{sep}(?P<pi>{issuer}{_DEPT})"
    state = (
        rf"(?P<sn>\d{{1,5}}){sep}/{sep}(?:(?P<sy>(?:19|20)\d\d){sep}/{sep})?"
        rf"(?P<st>{types}){sep}-{sep}(?P<si>{issuer}{_DEPT})"
    )
    untyped = (
        rf"(?P<un>\d{{1,5}}){sep}/{sep}(?:(?P<uy>(?:19|20)\d\d){sep}/{sep})?"
        rf"(?P<ui>(?:{issuers})(?![A-ZĐ0-9]){_DEPT})"
    )
    pattern = re.compile(rf"(?<![\w/.-])(?:{party}|{state}|{untyped})")
    return pattern, lex


# where a symbol can start: a number (a digit with no word character, `/`, `.` or `-` before
# it) followed by the `-` or `/` every symbol has after its number. The grammar is tried only
# there: scanning every position with it costs three times as much, and trying it at every
# number (dates, figures, list numbers) twice as much as this scan.
_SYMBOL_START = re.compile(r"\d(?<![\w/.-]\d)\d{0,4}\s?[-/]")


def find_symbols(text: str) -> list[SymbolMatch]:
    pattern, lex = _grammar()
    found: list[SymbolMatch] = []
    for match in prefiltered_finditer(pattern, _SYMBOL_START, text):
        groups = match.groupdict()
        if groups["pn"]:
            number, year, type_code, issuer = groups["pn"], None, groups["pt"], groups["pi"]
        elif groups["sn"]:
            number, year, type_code, issuer = groups["sn"], groups["sy"], groups["st"], groups["si"]
        else:
            number, year, type_code, issuer = groups["un"], groups["uy"], None, groups["ui"]
        canonical_type = _canonical_type(type_code, lex) if type_code else None
        canonical_issuer = canonical_issuer_code(issuer, lex)
        if groups["pn"]:
            symbol = f"{number}-{canonical_type}/{canonical_issuer}"
        elif type_code:
            symbol = f"{number}/{year + '/' if year else ''}{canonical_type}-{canonical_issuer}"
        else:
            symbol = f"{number}/{year + '/' if year else ''}{canonical_issuer}"
        found.append(
            SymbolMatch(
                start=match.start(),
                end=match.end(),
                symbol=symbol,
                number=number,
                year=year,
                type_code=canonical_type,
                issuer_code=canonical_issuer,
            )
        )
    return found


def _canonical_type(code: str, lex: Lexicon) -> str:
    doc_type = lex.type_by_code(code.replace(" ", ""))
    return doc_type.code if doc_type else code


def canonical_issuer_code(code: str, lex: Lexicon | None = None) -> str:
    """`HDND` -> `HĐND`, `bcdtw` -> `BCĐTW`, `UBND - VX` -> `UBND-VX` (segments after the first
    are department codes, kept as printed but for spaces)."""
    lex = lex or lexicon()
    parts = [p.strip() for p in code.replace(" ", "").split("-") if p.strip()]
    head = parts[0]
    issuer = lex.issuer_by_code(head)
    if issuer and not issuer.pattern:
        head = issuer.code
    elif issuer and issuer.pattern:
        head = "".join(
            "Đ" if (a in "Dd" and b == "Đ") else a.upper() if a.isalpha() else a
            for a, b in zip(head, issuer.code.ljust(len(head)), strict=False)
        )
    return "-".join([head, *parts[1:]])


def issuer_is_local(issuer_code: str) -> bool:
    issuer = lexicon().issuer_by_code(issuer_code)
    if issuer is None:
        # unknown codes: the Central bodies' codes end in TW; anything else is taken as local
        return not fold(issuer_code.split("-")[0]).endswith("tw")
    return issuer.scope == "local"
