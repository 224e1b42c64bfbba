"""Places: provinces, districts, communes and wards by their kind word (`xã Đức Xuân`), and
countries and foreign regions from the gazetteer in `places.toml`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from kg.extract.gazetteer_starts import word_starts
from kg.lexicon import load_toml
from kg.models import Analysis, PlaceMention, Span
from kg.normalise.ocr import (
    finditer_at,
    tolerant,
    tolerant_any,
)

# a proper name: one to three capitalised words (`Đức Xuân`, `Thạch An`, `Hà Quảng`)
_NAME = re.compile(r"(?:[ ](?:[^\W\d_][^\s,;.:()]*)){1,3}")


@dataclass(frozen=True)
class _Rules:
    units: re.Pattern[str]
    unit_groups: dict[str, str]  # group name -> place type
    foreign_re: re.Pattern[str]
    foreign: dict[str, tuple[str, str]]  # tolerant pattern of a form -> (name, kind)
    # the phrases `units` and `foreign_re` start with (for `word_starts`)
    units_phrases: list[str]
    foreign_phrases: list[str]


@cache
def _rules() -> _Rules:
    data = load_toml("places.toml")
    kinds: dict[str, str] = {}
    for place_type, words in data["units"].items():
        for word in words:
            kinds[word] = place_type
    ordered = sorted(kinds, key=len, reverse=True)
    units = re.compile(
        "|".join(f"(?P<u{i}>(?<![\\w]){tolerant(w)})(?= )" for i, w in enumerate(ordered))
    )
    unit_groups = {f"u{i}": kinds[w] for i, w in enumerate(ordered)}
    foreign: dict[str, tuple[str, str]] = {}
    forms: list[str] = []
    for row in data.get("foreign", []):
        for form in (row["name"], *row.get("aliases", [])):
            foreign[tolerant(form)] = (row["name"], row["kind"])
            forms.append(form)
    foreign_re = re.compile(rf"(?<![\w])(?:{tolerant_any(forms)})(?![\w])")
    return _Rules(
        units=units,
        unit_groups=unit_groups,
        foreign_re=foreign_re,
        foreign=foreign,
        units_phrases=ordered,
        foreign_phrases=forms,
    )


# the shared scan (`kg.extract.gazetteer_starts`) for this module's phrases: whole words
STARTS = "word"


def start_phrases() -> dict[str, list[str]]:
    """The phrase lists whose starts `word_starts` finds for this module."""
    return {"places.units": _rules().units_phrases, "places.foreign": _rules().foreign_phrases}


@lru_cache(maxsize=1024)  # the same few names come back in every text
def _foreign_name(folded: str) -> tuple[str, str] | None:
    """(name, kind) of the first gazetteer form that spells `folded`."""
    return next(
        (value for pattern, value in _rules().foreign.items() if re.fullmatch(pattern, folded)),
        None,
    )


def extract(analysis: Analysis) -> list[PlaceMention]:
    rules = _rules()
    text, folded = analysis.text.text, analysis.text.folded
    found: dict[tuple[int, int], PlaceMention] = {}
    starts = word_starts(folded)
    for match in finditer_at(rules.units, starts["places.units"], folded):
        if text[match.start() : match.end()].isupper():
            continue  # a heading in capitals (`ĐẢNG BỘ TỈNH LẦN THỨ XX`), not a place name
        name_match = _NAME.match(text, match.end())
        if not name_match:
            continue
        words = []
        for word in name_match.group().split():
            if not word[:1].isupper():
                break
            words.append(word)
        if not words:
            continue
        end = match.end() + 1 + len(" ".join(words))
        name = " ".join(words)
        found[(match.start(), end)] = PlaceMention(
            span=Span(start=match.start(), end=end),
            name=name,
            place_type=rules.unit_groups[match.lastgroup],  # type: ignore[arg-type]
        )
    for match in finditer_at(rules.foreign_re, starts["places.foreign"], folded):
        if not text[match.start()].isupper():
            continue
        canonical = _foreign_name(match.group())
        if canonical:
            found[(match.start(), match.end())] = PlaceMention(
                span=Span(start=match.start(), end=match.end()),
                name=canonical[0],
                place_type=canonical[1],  # type: ignore[arg-type]
            )
    return [found[key] for key in sorted(found)]
