"""Places: provinces, districts, communes and wards by their kind word (`xã Đức Xuân`), and
countries and foreign regions from the gazetteer in `places.toml`."""

from __future__ import annotations

import re
from functools import cache

from kg.lexicon import load_toml
from kg.models import Analysis, PlaceMention, Span
from kg.normalise.ocr import tolerant, tolerant_any

# a proper name: one to three capitalised words (`Đức Xuân`, `Thạch An`, `Hà Quảng`)
_NAME = re.compile(r"(?:[ ](?:[^\W\d_][^\s,;.:()]*)){1,3}")


@cache
def _rules() -> tuple[re.Pattern[str], dict[str, str], re.Pattern[str], dict[str, tuple[str, str]]]:
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
    return units, unit_groups, foreign_re, foreign


def extract(analysis: Analysis) -> list[PlaceMention]:
    units, unit_groups, foreign_re, foreign = _rules()
    text, folded = analysis.text.text, analysis.text.folded
    found: dict[tuple[int, int], PlaceMention] = {}
    for match in units.finditer(folded):
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
            place_type=unit_groups[match.lastgroup],  # type: ignore[arg-type]
        )
    for match in foreign_re.finditer(folded):
        if not text[match.start()].isupper():
            continue
        canonical = next(
            (value for pattern, value in foreign.items() if re.fullmatch(pattern, match.group())),
            None,
        )
        if canonical:
            found[(match.start(), match.end())] = PlaceMention(
                span=Span(start=match.start(), end=match.end()),
                name=canonical[0],
                place_type=canonical[1],  # type: ignore[arg-type]
            )
    return [found[key] for key in sorted(found)]
