"""map: Resolution -> quads, one named graph per source file (CONTRACT.md).

What a file supports lives in that file's graph: the entities it mentions (their type and
labels are repeated in each such graph, so every graph reads on its own), its mentions with
their quotes and offsets, and the edges it states with their reified evidence.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING

from kg.models import Entity, Mention, Relation, Resolution
from kg.rdf.namespaces import KG, ORG, RDF, RDFS, SKOS, XSD, mention_iri, source_file_iri

if TYPE_CHECKING:
    import pyoxigraph

DOCUMENT_CLASSES = {
    "Resolution",
    "Programme",
    "Plan",
    "Conclusion",
    "Decision",
    "Directive",
    "Guidance",
    "Scheme",
    "Decree",
    "Circular",
    "OfficialLetter",
    "Report",
    "Notice",
    "Dispatch",
    "Regulation",
    "Law",
    "Strategy",
    "Planning",
    "Document",
}


def to_quads(resolution: Resolution) -> list[pyoxigraph.Quad]:
    """Every quad of the build, sorted, so serialisations are byte-identical."""
    import pyoxigraph as ox

    quads: set[ox.Quad] = set()
    for file in resolution.files:
        graph = ox.NamedNode(file.iri)
        node = ox.NamedNode(file.iri)
        quads.add(ox.Quad(node, _iri(RDF + "type"), _iri(KG + "SourceFile"), graph))
        quads.add(ox.Quad(node, _iri(KG + "fileName"), ox.Literal(file.file_name), graph))
        quads.add(ox.Quad(node, _iri(KG + "sha256"), ox.Literal(file.sha256), graph))

    for entity in resolution.entities:
        files = sorted({m.file_name for m in entity.mentions} | _own_file(entity))
        for file_name in files:
            graph = ox.NamedNode(source_file_iri(file_name))
            for s, p, o in _entity_triples(entity):
                quads.add(ox.Quad(s, p, o, graph))
        for mention in entity.mentions:
            graph = ox.NamedNode(source_file_iri(mention.file_name))
            iri = _iri(mention_iri(mention.file_name, mention.span.start, mention.span.end))
            for s, p, o in _mention_triples(iri, mention):
                quads.add(ox.Quad(s, p, o, graph))
            quads.add(ox.Quad(iri, _iri(KG + "mentions"), _iri(entity.iri), graph))

    for relation in resolution.relations:
        for mention in relation.mentions:
            graph = ox.NamedNode(source_file_iri(mention.file_name))
            quads.add(
                ox.Quad(
                    _iri(relation.subject),
                    _iri(KG + relation.predicate),
                    _iri(relation.object),
                    graph,
                )
            )
            iri = _iri(_edge_mention_iri(relation, mention))
            for s, p, o in _mention_triples(iri, mention):
                quads.add(ox.Quad(s, p, o, graph))
            quads.add(ox.Quad(iri, _iri(RDF + "subject"), _iri(relation.subject), graph))
            quads.add(ox.Quad(iri, _iri(RDF + "predicate"), _iri(KG + relation.predicate), graph))
            quads.add(ox.Quad(iri, _iri(RDF + "object"), _iri(relation.object), graph))
    return sorted(quads, key=_sort_key)


def _own_file(entity: Entity) -> set[str]:
    return {entity.source_file} if entity.source_file else set()


def _edge_mention_iri(relation: Relation, mention: Mention) -> str:
    digest = hashlib.sha1(f"{relation.subject} {relation.object}".encode()).hexdigest()[:10]
    return mention_iri(
        mention.file_name, mention.span.start, mention.span.end, f"{relation.predicate}-{digest}"
    )


def _entity_triples(entity: Entity) -> Iterator[tuple]:
    import pyoxigraph as ox

    node = _iri(entity.iri)
    yield node, _iri(RDF + "type"), _iri(KG + entity.rdf_class)
    if entity.rdf_class in DOCUMENT_CLASSES and entity.rdf_class != "Document":
        yield node, _iri(RDF + "type"), _iri(KG + "Document")
    if entity.rdf_class == "Agency":
        yield node, _iri(RDF + "type"), _iri(ORG + "Organization")
    yield node, _iri(RDFS + "label"), ox.Literal(entity.label)
    if entity.name:
        yield node, _iri(KG + "name"), ox.Literal(entity.name)
    for alt in sorted(entity.alt_labels):
        yield node, _iri(SKOS + "altLabel"), ox.Literal(alt)
    if entity.symbol:
        yield node, _iri(KG + "symbol"), ox.Literal(entity.symbol)
    if entity.issuer_code:
        yield node, _iri(KG + "issuerCode"), ox.Literal(entity.issuer_code)
    if entity.date:
        yield (
            node,
            _iri(KG + "dateIssued"),
            ox.Literal(entity.date.isoformat(), datatype=_iri(XSD + "date")),
        )
    for title in sorted(entity.titles):
        yield node, _iri(KG + "title"), ox.Literal(title)
    if entity.jurisdiction:
        yield node, _iri(KG + "jurisdiction"), _iri(entity.jurisdiction)
    if entity.source_file:
        yield node, _iri(KG + "sourceFile"), _iri(source_file_iri(entity.source_file))
    for key, value in sorted(entity.attributes.items()):
        yield node, _iri(KG + key), _value(key, value)


def _value(key: str, value: str | int | float):
    import pyoxigraph as ox

    if isinstance(value, str) and value.startswith("https://"):
        return _iri(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return ox.Literal(str(value))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=_iri(XSD + "integer"))
    return ox.Literal(_decimal(value), datatype=_iri(XSD + "decimal"))


def _decimal(value: float) -> str:
    text = f"{value:.6f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def _mention_triples(iri, mention: Mention) -> Iterator[tuple]:
    import pyoxigraph as ox

    integer = _iri(XSD + "integer")
    yield iri, _iri(RDF + "type"), _iri(KG + "Mention")
    yield iri, _iri(KG + "source"), _iri(source_file_iri(mention.file_name))
    yield iri, _iri(KG + "start"), ox.Literal(str(mention.span.start), datatype=integer)
    yield iri, _iri(KG + "end"), ox.Literal(str(mention.span.end), datatype=integer)
    yield iri, _iri(KG + "quote"), ox.Literal(mention.quote)
    if mention.original:
        yield (
            iri,
            _iri(KG + "originalStart"),
            ox.Literal(str(mention.original.start), datatype=integer),
        )
        yield iri, _iri(KG + "originalEnd"), ox.Literal(str(mention.original.end), datatype=integer)
    if mention.cue:
        yield iri, _iri(KG + "cue"), ox.Literal(mention.cue)


def _iri(value: str):
    import pyoxigraph as ox

    return ox.NamedNode(value)


def _sort_key(quad) -> tuple[str, str, str, str]:
    return (str(quad.graph_name), str(quad.subject), str(quad.predicate), str(quad.object))


def count_by_class(resolution: Resolution) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for entity in resolution.entities:
        counts[entity.rdf_class] += 1
    for relation in resolution.relations:
        counts[f"→ {relation.predicate}"] += 1
    return dict(sorted(counts.items()))
