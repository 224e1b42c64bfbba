"""resolve: the candidates of every file -> entities and relations with stable IRIs.

The only place that decides that two mentions are one thing:
- a document with a symbol is (jurisdiction when its issuer is local, symbol[, date when the
  corpus shows the symbol with two dates]);
- a named document is its name key (congress resolutions: level and ordinal, the term standing
  in for the ordinal where the text pairs them);
- an agency is its gazetteer name, or its folded name, scoped like documents;
- each corpus file is a document of its own.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from operator import attrgetter
from typing import NamedTuple

from kg.lexicon import Issuer, lexicon
from kg.models import (
    SOURCE,
    AgencyMention,
    Analysis,
    DocumentMention,
    Entity,
    Mention,
    Relation,
    RelationCandidate,
    Resolution,
    SourceDocumentInfo,
    SourceFileInfo,
    Span,
    Text,
)
from kg.normalise.fold import fold_words
from kg.rdf.namespaces import (
    agency_iri,
    document_iri,
    place_iri,
    slug,
    source_file_iri,
    symbol_slug,
)
from kg.resolve import entities as more_entities
from kg.resolve.jurisdiction import jurisdiction_of
from kg.symbols import issuer_is_local


class _Builder:
    def __init__(self) -> None:
        self.entities: dict[str, Entity] = {}
        self.mentions: dict[str, list[MentionRef]] = defaultdict(list)  # by entity IRI
        self.labels: dict[str, Counter[str]] = defaultdict(Counter)
        # id of an analysis -> its candidates by class: resolve asks each file for each kind
        # several times (the analyses outlive the builder, so their ids are stable)
        self._kinds: dict[int, dict[type, list]] = {}
        # issuer code -> whether it is a local body's, and its issuer: a corpus has a few
        # dozen codes, each written thousands of times, and the lexicon's look-up folds
        # every issuer's code
        self._local_codes: dict[str, bool] = {}
        self._issuers: dict[str, Issuer | None] = {}

    def issuer_is_local(self, code: str) -> bool:
        local = self._local_codes.get(code)
        if local is None:
            local = self._local_codes[code] = issuer_is_local(code)
        return local

    def issuer_by_code(self, code: str) -> Issuer | None:
        if code not in self._issuers:
            self._issuers[code] = lexicon().issuer_by_code(code)
        return self._issuers[code]

    def of_kind(self, analysis: Analysis, cls: type) -> list:
        """`builder.of_kind(analysis, cls)`, the candidates sorted by class once per file."""
        kinds = self._kinds.get(id(analysis))
        if kinds is None:
            kinds = self._kinds[id(analysis)] = defaultdict(list)
            for candidate in analysis.candidates:
                kinds[type(candidate)].append(candidate)
        return kinds.get(cls, [])

    def entity(self, iri: str, rdf_class: str, label: str) -> Entity:
        if iri not in self.entities:
            self.entities[iri] = Entity(iri=iri, rdf_class=rdf_class, label=label)
        return self.entities[iri]

    def mention(
        self, iri: str, analysis: Analysis, span: Span, *, label: str | None = None
    ) -> None:
        if iri not in self.entities:
            raise KeyError(iri)
        self.mentions[iri].append(_mention(analysis, span))
        if label:
            self.labels[iri][label] += 1


class MentionRef(NamedTuple):
    """A mention as resolve finds it: made into a `Mention` (its quote, its span in the raw
    file) only for a graph that is mapped. A rebuild maps a few graphs, and what tells
    whether a graph changed needs no more than this (`kg.pipeline.GraphKeys`)."""

    file_name: str
    span: Span
    cue: str | None
    text: Text  # the file's

    def make(self) -> Mention:
        return Mention(
            file_name=self.file_name,
            span=self.span,
            quote=self.text.quote(self.span),
            original=self.text.original_span(self.span),
            cue=self.cue,
        )


def _mention(analysis: Analysis, span: Span, cue: str | None = None) -> MentionRef:
    return MentionRef(analysis.text.file_name, span, cue, analysis.text)


_FILE_ORDER = attrgetter("file_name", "span.start", "span.end")


def _in_file_order(mentions: list[MentionRef]) -> list[MentionRef]:
    return sorted(mentions, key=_FILE_ORDER)


@dataclass
class Resolved:
    """The resolution with its mentions not made yet: each entity's and each relation's
    mentions (`MentionRef`, in file order) beside them, their own `mentions` empty."""

    files: list[SourceFileInfo]
    entities: list[Entity]
    relations: list[Relation]
    entity_mentions: list[list[MentionRef]]
    relation_mentions: list[list[MentionRef]]
    made: bool = False  # whether the entities and relations hold their mentions

    def outline(self) -> Resolution:
        """The resolution without its mentions (what counting entities needs), or with them
        once they are made."""
        return Resolution(files=self.files, entities=self.entities, relations=self.relations)

    def resolution(self) -> Resolution:
        """The whole resolution: the mentions made and put in their entities and relations."""
        if not self.made:
            for items, mentions in (
                (self.entities, self.entity_mentions),
                (self.relations, self.relation_mentions),
            ):
                for item, refs in zip(items, mentions, strict=True):
                    item.mentions = [ref.make() for ref in refs]
            self.made = True
        return self.outline()


def _best_spelled(variants: Counter[str]) -> str:
    """The variant with the most diacritics, then the longest, then the most frequent."""
    return max(
        variants,
        key=lambda v: (sum(1 for ch in v if not ch.isascii()), len(v), variants[v], v),
    )


def resolve(analyses: list[Analysis], default_jurisdiction: str | None = None) -> Resolution:
    return resolve_lazily(analyses, default_jurisdiction).resolution()


def resolve_lazily(analyses: list[Analysis], default_jurisdiction: str | None = None) -> Resolved:
    """`resolve`, the mentions left to make (`Resolved`)."""
    lex = lexicon()
    builder = _Builder()
    ids: dict[tuple[str, str], str] = {}  # (file, candidate id) -> IRI
    default = default_jurisdiction or lex.default_province
    jurisdictions = {a.text.file_name: jurisdiction_of(a, default) for a in analyses}
    files = [
        SourceFileInfo(
            file_name=a.text.file_name, sha256=a.text.sha256, iri=source_file_iri(a.text.file_name)
        )
        for a in analyses
    ]

    # places: the jurisdictions
    for province in sorted(set(jurisdictions.values())):
        place = builder.entity(place_iri(slug(province)), "Place", f"tỉnh {province}")
        place.name = province

    _symbol_documents(analyses, jurisdictions, builder, ids)
    _named_documents(analyses, jurisdictions, builder, ids)
    _agencies(analyses, jurisdictions, builder, ids)
    _source_documents(analyses, builder, ids)
    for analysis in analyses:
        more_entities.places(analysis, builder, ids)

    # relations stated by how entities are found, not by a cue (setsTarget, concerns)
    found: list[tuple[Analysis, str, str, str, Span, str | None]] = []

    def add_relation(analysis, subject, predicate, obj, span, cue) -> None:
        found.append((analysis, subject, predicate, obj, span, cue))

    more_entities.gates(analyses, builder, ids, add_relation)
    for analysis in analyses:
        more_entities.targets(analysis, builder, ids, add_relation)

    for iri, variants in builder.labels.items():
        entity = builder.entities[iri]
        entity.alt_labels |= set(variants)
        if entity.rdf_class != "Agency" and entity.symbol is None:
            # a named document is displayed by its best-spelled, fullest variant
            entity.label = _best_spelled(variants)
            entity.name = entity.label
        entity.alt_labels.discard(entity.label)

    _issuers_from_codes(analyses, jurisdictions, builder, ids, found)
    relations, relation_mentions = _relations(analyses, builder, ids, found)
    iris = sorted(builder.entities)
    return Resolved(
        files=files,
        entities=[builder.entities[iri] for iri in iris],
        relations=relations,
        entity_mentions=[_in_file_order(builder.mentions[iri]) for iri in iris],
        relation_mentions=relation_mentions,
    )


def _symbol_documents(analyses, jurisdictions, builder: _Builder, ids) -> None:
    dates: dict[tuple[str, str], set] = defaultdict(set)
    keyed = []  # per file: its mentions with a symbol, each with its key
    for analysis in analyses:
        scope = jurisdictions[analysis.text.file_name]
        mentions = [
            (m, _symbol_key(m, scope, builder))
            for m in builder.of_kind(analysis, DocumentMention)
            if m.symbol
        ]
        keyed.append(mentions)
        for m, key in mentions:
            if m.date:
                dates[key].add(m.date)
    for analysis, mentions in zip(analyses, keyed, strict=True):
        file = analysis.text.file_name
        file_dates: dict[tuple[str, str], set] = defaultdict(set)
        for m, key in mentions:
            if m.date:
                file_dates[key].add(m.date)
        for m, key in mentions:
            date = m.date
            if len(dates[key]) > 1:
                if date is None:
                    # undated: the date this file gives the symbol, else the latest one
                    known = file_dates[key] if len(file_dates[key]) == 1 else dates[key]
                    date = max(known)
                suffix = f"/{date.isoformat()}"
            else:
                date = date or (next(iter(dates[key])) if dates[key] else None)
                suffix = ""
            local, symbol = key
            path = f"{slug(local)}/{symbol_slug(symbol)}" if local else symbol_slug(symbol)
            iri = document_iri(path + suffix)
            words = analysis.text.text[(m.phrase or m.span).start : m.span.start].strip()
            label = f"{words} {m.symbol}".strip() if words else m.symbol
            entity = builder.entity(iri, m.doc_class, m.symbol)
            entity.symbol = m.symbol
            entity.issuer_code = m.issuer_code
            entity.date = date
            if local:
                entity.jurisdiction = place_iri(slug(local))
            if m.title:
                entity.titles.add(m.title)
            if words:
                entity.alt_labels.add(label)
                # the fullest label written in ordinary case (a heading in capitals is not)
                ordinary = not words.isupper()
                current_ordinary = not entity.label.isupper() and entity.label != entity.symbol
                if (
                    ordinary
                    and label.split()[0][:1].isupper()
                    and (len(label) > len(entity.label) or not current_ordinary)
                ):
                    entity.label = label
            builder.mention(iri, analysis, m.span)
            ids[(file, m.id)] = iri


def _symbol_key(m: DocumentMention, scope: str, builder: _Builder) -> tuple[str, str]:
    local = scope if m.issuer_code and builder.issuer_is_local(m.issuer_code) else ""
    return (local, m.symbol or "")


def _congress_key(key: str, file_scope: str, terms: dict[tuple[str, str], str]) -> str | None:
    _, level, ordinal, term = key.split("|")
    if level == "unknown":
        return None
    if not ordinal:
        ordinal = terms.get((level, term), "")
    if not ordinal:
        return None
    if level == "province":
        return f"{slug(file_scope)}/dai-hoi-dang-bo-tinh-{ordinal.lower()}"
    return f"dai-hoi-dang-toan-quoc-{ordinal.lower()}"


def _programme_titles(builder: _Builder) -> dict[str, str]:
    """Folded subjects of numbered programmes (`phát triển du lịch bền vững`) -> their IRI."""
    titles: dict[str, str] = {}
    for iri, entity in builder.entities.items():
        if entity.rdf_class != "Programme" or not entity.symbol:
            continue
        for title in entity.titles:
            subject = re.sub(r"^(?:ve|thuc hien)\s+", "", fold_words(title))
            subject = re.split(r"\s+(?:giai doan|nhiem ky|tren dia ban)\b", subject)[0]
            if len(subject.split()) >= 3:
                titles.setdefault(subject, iri)
    return titles


def _numbered_programme(m: DocumentMention, titles: dict[str, str]) -> str | None:
    """`Chương trình phát triển du lịch bền vững` is the numbered programme with that subject."""
    if m.doc_class != "Programme" or not m.name:
        return None
    name = re.sub(r"^chuong trinh\s+", "", fold_words(m.name))
    name = re.split(r"\s+(?:giai doan|nhiem ky|tren dia ban)\b", name)[0]
    return titles.get(name)


def _named_documents(analyses, jurisdictions, builder: _Builder, ids) -> None:
    analyses_titles = _programme_titles(builder)
    # a congress's term stands for its ordinal where a text pairs them (`lần thứ XX, nhiệm kỳ …`)
    terms: dict[tuple[str, str], str] = {}
    for analysis in analyses:
        for m in builder.of_kind(analysis, DocumentMention):
            parts = (m.name_key or "").split("|")
            if parts[0] == "congress" and len(parts) == 4 and parts[2] and parts[3]:
                terms[(parts[1], parts[3])] = parts[2]
    for analysis in analyses:
        file = analysis.text.file_name
        scope = jurisdictions[file]
        for m in builder.of_kind(analysis, DocumentMention):
            if m.symbol or m.generic or not m.name_key or not m.name:
                continue
            kind, _, rest = m.name_key.partition("|")
            if kind == "congress":
                path = _congress_key(m.name_key, scope, terms)
            elif kind == "named":
                local = "tinh" in rest.split()
                path = f"{slug(scope)}/{slug(rest)}" if local else slug(rest)
            elif kind == "subject":
                numbered = _numbered_programme(m, analyses_titles)
                path = numbered.removeprefix(document_iri("")) if numbered else None
            else:
                path = None
            if not path:
                continue
            iri = _numbered_programme(m, analyses_titles) or document_iri(path)
            entity = builder.entity(iri, m.doc_class, m.name)
            if m.period:
                entity.attributes["period"] = m.period
            if kind == "named" and "tinh" in rest.split():
                entity.jurisdiction = place_iri(slug(scope))
            builder.mention(iri, analysis, m.span, label=m.name)
            ids[(file, m.id)] = iri


def _agency_key(name: str, canonical: str | None, scope_word: str) -> str:
    base = canonical or name
    folded = fold_words(base)
    return f"{scope_word}/{slug(folded)}" if scope_word else slug(folded)


def _agencies(analyses, jurisdictions, builder: _Builder, ids) -> None:
    for analysis in analyses:
        file = analysis.text.file_name
        scope = jurisdictions[file]
        province_words = {fold_words(p) for p in (scope, *lexicon().provinces.get(scope, []))}
        for m in builder.of_kind(analysis, AgencyMention):
            local = m.code == "local"
            name = m.canonical or _strip_province(m.name, province_words)
            path = _agency_key(name, m.canonical, slug(scope) if local else "")
            iri = agency_iri(path)
            label = f"{name} {scope}" if local and m.canonical else name
            entity = builder.entity(iri, "Agency", label)
            entity.name = name
            entity.alt_labels.add(" ".join(m.name.split()))
            if local:
                entity.attributes["locatedIn"] = place_iri(slug(scope))
            builder.mention(iri, analysis, m.span)
            ids[(file, m.id)] = iri
        # issuers found by documents but not by the agency extractor
        for d in builder.of_kind(analysis, DocumentMention):
            if d.issuer_span and (file, f"agency:{d.issuer_span.key}") not in ids and d.issuer_name:
                local = bool(d.issuer_code and builder.issuer_is_local(d.issuer_code))
                path = _agency_key(d.issuer_name, None, slug(scope) if local else "")
                iri = agency_iri(path)
                entity = builder.entity(iri, "Agency", d.issuer_name)
                entity.name = d.issuer_name
                builder.mention(iri, analysis, d.issuer_span)
                ids[(file, f"agency:{d.issuer_span.key}")] = iri


def _strip_province(name: str, province_words: set[str]) -> str:
    words = name.split()
    for size in (3, 2):
        tail = fold_words(" ".join(words[-size:]))
        for province in province_words:
            if tail == f"tinh {province}" or tail == province:
                return " ".join(words[: -len(province.split()) if tail == province else -size])
    return " ".join(words)


def _source_documents(analyses, builder: _Builder, ids) -> None:
    for analysis in analyses:
        file = analysis.text.file_name
        info = next(iter(builder.of_kind(analysis, SourceDocumentInfo)), SourceDocumentInfo())
        stem = file.rsplit(".", 1)[0]
        iri = document_iri(f"file/{slug(stem)}")
        label = info.title or f"Văn bản {file}"
        entity = builder.entity(iri, info.doc_class, label)
        entity.source_file = file
        if info.title:
            entity.titles.add(info.title)
        # the document a file is stands on its heading, else on the text's first line
        anchor = info.span or _first_line(analysis)
        if anchor.end > anchor.start:
            builder.mention(iri, analysis, anchor)
        ids[(file, SOURCE)] = iri


def _issuers_from_codes(analyses, jurisdictions, builder: _Builder, ids, found) -> None:
    """A document whose texts name no issuer is issued by the body its code names (`99/NQ-CP`:
    Chính phủ), the symbol itself being the evidence; ambiguous codes (`TW`) are left alone."""
    stated = set()
    for analysis in analyses:
        file = analysis.text.file_name
        for r in builder.of_kind(analysis, RelationCandidate):
            if r.predicate == "issuedBy" and (file, r.subject) in ids:
                stated.add(ids[(file, r.subject)])
    for analysis in analyses:
        file = analysis.text.file_name
        scope = jurisdictions[file]
        for m in builder.of_kind(analysis, DocumentMention):
            iri = ids.get((file, m.id))
            if not m.symbol or not m.issuer_code or not iri or iri in stated:
                continue
            issuer = builder.issuer_by_code(m.issuer_code)
            if issuer is None or issuer.ambiguous:
                continue
            local = issuer.scope == "local"
            agency = agency_iri(
                _agency_key(issuer.agency, issuer.agency, slug(scope) if local else "")
            )
            entity = builder.entity(
                agency, "Agency", f"{issuer.agency} {scope}" if local else issuer.agency
            )
            entity.name = issuer.agency
            if local:
                entity.attributes["locatedIn"] = place_iri(slug(scope))
            entity.alt_labels.add(issuer.code)
            builder.mention(agency, analysis, m.span)
            found.append((analysis, iri, "issuedBy", agency, m.span, m.issuer_code))


def _first_line(analysis: Analysis) -> Span:
    text = analysis.text.text
    start = len(text) - len(text.lstrip())
    end = text.find("\n", start)
    end = len(text) if end < 0 else min(end, start + 200)
    return Span(start=start, end=max(end, start))


def _relations(
    analyses, builder: _Builder, ids, found
) -> tuple[list[Relation], list[list[MentionRef]]]:
    """The edges, sorted, and the mentions of each (each one once, in file order)."""
    edges: dict[tuple[str, str, str], Relation] = {}
    mentions: dict[tuple[str, str, str], list[MentionRef]] = defaultdict(list)

    def add(subject: str, predicate: str, obj: str, mention: MentionRef) -> None:
        key = (subject, predicate, obj)
        if key not in edges:
            edges[key] = Relation(subject=subject, predicate=predicate, object=obj)
        mentions[key].append(mention)

    for analysis, subject, predicate, obj, span, cue in found:
        if subject != obj:
            add(subject, predicate, obj, _mention(analysis, span, cue))
    for analysis in analyses:
        file = analysis.text.file_name
        for r in builder.of_kind(analysis, RelationCandidate):
            subject = ids.get((file, r.subject))
            obj = ids.get((file, r.object))
            if not subject or not obj or subject == obj:
                continue
            if r.predicate == "issuedBy" and builder.entities[obj].rdf_class != "Agency":
                continue
            add(subject, r.predicate, obj, _mention(analysis, r.evidence, r.cue))
    keys = sorted(edges)
    # a mention is its file, span and cue (the rest is read from the file at the span): the
    # same sentence stating an edge twice is one mention
    unique = [
        list({(m.file_name, m.span.start, m.span.end, m.cue): m for m in mentions[key]}.values())
        for key in keys
    ]
    return [edges[key] for key in keys], [_in_file_order(refs) for refs in unique]
