"""Identity of the entities issue 3 adds: targets, border gates, places.

- A target is (the document that sets it, its indicator, value, year): stated twice, one node.
- A border gate is its Vietnamese-side name; its level is the one the texts state most
  (an upgrade stated in a text wins, being what the extractor reports for that mention).
- A place is its kind and name.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from kg.models import SOURCE, Analysis, BorderGateMention, PlaceMention, TargetMention
from kg.normalise.fold import fold_words
from kg.rdf.namespaces import KGR, place_iri, slug

if TYPE_CHECKING:
    from kg.resolve import _Builder

GATE_LEVEL_VI = {
    "international": "Cửa khẩu quốc tế",
    "main": "Cửa khẩu chính",
    "bilateral": "Cửa khẩu song phương",
    "secondary": "Cửa khẩu phụ",
    "opening": "Lối mở",
    "clearance": "Lối thông quan",
    "scenic": "Khu cảnh quan",
    "unknown": "Cửa khẩu",
}
# which level to show when texts disagree and are equally frequent: the higher one
_LEVEL_RANK = list(GATE_LEVEL_VI)
COMPARATOR_VI = {"atLeast": "≥", "atMost": "≤", "exactly": "=", "range": ""}


def _number(value: float) -> str:
    text = f"{value:,.3f}".rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",")


def target_label(t: TargetMention) -> str:
    value = _number(t.value)
    if t.value_max is not None:
        value = f"{value} – {_number(t.value_max)}"
    comparator = COMPARATOR_VI[t.comparator]
    unit = f" {t.unit}" if t.unit else ""
    year = f" (đến {t.year})" if t.year else ""
    return f"{t.indicator}: {comparator} {value}{unit}{year}".replace(":  ", ": ")


def targets(analysis: Analysis, builder: _Builder, ids: dict, add_relation) -> None:
    file = analysis.text.file_name
    for t in builder.of_kind(analysis, TargetMention):
        document = ids.get((file, t.document or SOURCE)) or ids.get((file, SOURCE))
        key = f"{document}|{fold_words(t.indicator)}|{t.value}|{t.value_max}|{t.year}"
        iri = f"{KGR}target/{hashlib.sha1(key.encode()).hexdigest()[:16]}"
        entity = builder.entity(iri, "Target", target_label(t))
        entity.attributes.update(
            {
                "indicator": t.indicator,
                "value": float(t.value),
                "comparator": t.comparator,
            }
        )
        if t.value_max is not None:
            entity.attributes["valueMax"] = float(t.value_max)
        if t.unit:
            entity.attributes["unit"] = t.unit
        if t.year:
            entity.attributes["targetYear"] = int(t.year)
        builder.mention(iri, analysis, t.span)
        ids[(file, t.id)] = iri
        if document:
            add_relation(analysis, document, "setsTarget", iri, t.span, None)
        agency = ids.get((file, t.agency)) if t.agency else None
        if agency:
            add_relation(analysis, iri, "responsibleAgency", agency, t.span, None)


def gates(analyses: list[Analysis], builder: _Builder, ids: dict, add_relation) -> None:
    levels: dict[str, Counter[str]] = defaultdict(Counter)
    for analysis in analyses:
        for g in builder.of_kind(analysis, BorderGateMention):
            if g.level != "unknown":
                levels[slug(g.name)][g.level] += 1
    for analysis in analyses:
        file = analysis.text.file_name
        for g in builder.of_kind(analysis, BorderGateMention):
            key = slug(g.name)
            counts = levels.get(key)
            level = (
                max(counts, key=lambda lv: (counts[lv], -_LEVEL_RANK.index(lv)))
                if counts
                else "unknown"
            )
            iri = f"{KGR}gate/{key}"
            entity = builder.entity(iri, "BorderGate", f"{GATE_LEVEL_VI[level]} {g.name}")
            entity.name = g.name
            entity.label = f"{GATE_LEVEL_VI[level]} {g.name}"
            entity.attributes["gateLevel"] = level
            if g.counterpart:
                entity.attributes["counterpart"] = g.counterpart
            if g.province:
                province_iri = place_iri(slug(g.province))
                builder.entity(province_iri, "Place", f"tỉnh {g.province}").name = g.province
                entity.attributes["locatedIn"] = province_iri
            entity.alt_labels.add(" ".join(analysis.text.quote(g.span).split()))
            builder.mention(iri, analysis, g.span)
            ids[(file, g.id)] = iri
            source = ids.get((file, SOURCE))
            if source:
                add_relation(analysis, source, "concerns", iri, g.span, None)


PLACE_TYPE_VI = {
    "province": "tỉnh",
    "commune": "xã",
    "ward": "phường",
    "district": "huyện",
    "country": "",
    "region": "",
}


def places(analysis: Analysis, builder: _Builder, ids: dict) -> None:
    file = analysis.text.file_name
    for p in builder.of_kind(analysis, PlaceMention):
        prefix = PLACE_TYPE_VI[p.place_type]
        key = (
            slug(p.name)
            if p.place_type in ("province", "country", "region")
            else (f"{p.place_type}/{slug(p.name)}")
        )
        iri = place_iri(key)
        label = f"{prefix} {p.name}".strip()
        entity = builder.entity(iri, "Place", label)
        entity.name = p.name
        builder.mention(iri, analysis, p.span)
        ids[(file, p.id)] = iri
