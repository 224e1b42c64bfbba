"""map: Resolution -> quads, one named graph per source file (CONTRACT.md).

What a file supports lives in that file's graph: the entities it mentions (their type and
labels are repeated in each such graph, so every graph reads on its own), its mentions with
their quotes and offsets, and the edges it states with their reified evidence.

The quads are written straight as N-Quads lines (`to_nquads`), in the canonical form
pyoxigraph writes terms in, and sorted once as text: the build reads graphs as N-Quads text,
and a pyoxigraph object per quad, sorted by a Python key, cost more than the rest of the
mapping. `to_quads` parses that text for the callers that want pyoxigraph quads.
"""

from __future__ import annotations

import hashlib
import re
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

# the vocabulary's terms as N-Triples (valid IRIs: no check needed)
_TYPE = f"<{RDF}type>"
_SUBJECT, _PREDICATE, _OBJECT = f"<{RDF}subject>", f"<{RDF}predicate>", f"<{RDF}object>"
_LABEL, _ALT_LABEL = f"<{RDFS}label>", f"<{SKOS}altLabel>"
_INTEGER, _DECIMAL, _DATE = f"<{XSD}integer>", f"<{XSD}decimal>", f"<{XSD}date>"
_DOCUMENT, _ORGANIZATION = f"<{KG}Document>", f"<{ORG}Organization>"
_MENTION, _SOURCE_FILE = f"<{KG}Mention>", f"<{KG}SourceFile>"
_NAME, _SYMBOL, _ISSUER_CODE = f"<{KG}name>", f"<{KG}symbol>", f"<{KG}issuerCode>"
_DATE_ISSUED, _TITLE, _JURISDICTION = f"<{KG}dateIssued>", f"<{KG}title>", f"<{KG}jurisdiction>"
_SOURCE_FILE_OF, _FILE_NAME, _SHA256 = f"<{KG}sourceFile>", f"<{KG}fileName>", f"<{KG}sha256>"
_SOURCE, _START, _END, _QUOTE = f"<{KG}source>", f"<{KG}start>", f"<{KG}end>", f"<{KG}quote>"
_ORIGINAL_START, _ORIGINAL_END = f"<{KG}originalStart>", f"<{KG}originalEnd>"
_CUE, _MENTIONS = f"<{KG}cue>", f"<{KG}mentions>"

# what pyoxigraph escapes in a literal's N-Triples form (every other character is kept)
_ESCAPES = {c: f"\\u{c:04X}" for c in (*range(0x20), 0x7F, 0xFFFE, 0xFFFF)}
_ESCAPES.update({0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r"})
_ESCAPES.update({0x22: '\\"', 0x5C: "\\\\"})
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f\x7f"\\\ufffe\uffff]')


def to_nquads(resolution: Resolution) -> dict[str, bytes]:
    """Every quad of the resolution as N-Quads text (UTF-8) by graph IRI, each graph's lines
    sorted: byte for byte what pyoxigraph writes for the quads, sorted as text. Terms are
    self-delimiting and joined by a space (lower than any character that can follow a term's
    prefix), so the lines sort by (subject, predicate, object), as the exports need."""
    lines: dict[str, set[str]] = defaultdict(set)
    iri = _IriTerms()
    for file in resolution.files:
        node = iri[file.iri]
        lines[file.iri].update(
            (
                f"{node} {_TYPE} {_SOURCE_FILE} {node} .",
                f"{node} {_FILE_NAME} {_literal(file.file_name)} {node} .",
                f"{node} {_SHA256} {_literal(file.sha256)} {node} .",
            )
        )

    for entity in resolution.entities:
        files = {m.file_name for m in entity.mentions} | _own_file(entity)
        if not files:
            continue
        triples = list(_entity_triples(entity, iri))
        for file_name in files:
            graph = source_file_iri(file_name)
            tail = f" {iri[graph]} ."
            lines[graph].update([triple + tail for triple in triples])
        entity_node = iri[entity.iri]
        for mention in entity.mentions:
            graph = source_file_iri(mention.file_name)
            node = iri[mention_iri(mention.file_name, mention.span.start, mention.span.end)]
            tail = f" {iri[graph]} ."
            found = lines[graph]
            found.update([triple + tail for triple in _mention_triples(node, mention, iri)])
            found.add(f"{node} {_MENTIONS} {entity_node}{tail}")

    for relation in resolution.relations:
        if not relation.mentions:
            continue
        subject, obj = iri[relation.subject], iri[relation.object]
        predicate = iri[KG + relation.predicate]
        for mention in relation.mentions:
            graph = source_file_iri(mention.file_name)
            node = iri[_edge_mention_iri(relation, mention)]
            tail = f" {iri[graph]} ."
            found = lines[graph]
            found.add(f"{subject} {predicate} {obj}{tail}")
            found.update([triple + tail for triple in _mention_triples(node, mention, iri)])
            found.add(f"{node} {_SUBJECT} {subject}{tail}")
            found.add(f"{node} {_PREDICATE} {predicate}{tail}")
            found.add(f"{node} {_OBJECT} {obj}{tail}")
    return {graph: _text(found) for graph, found in lines.items()}


def to_quads(resolution: Resolution) -> list[pyoxigraph.Quad]:
    """Every quad of the build, sorted by (graph, subject, predicate, object) as the terms'
    N-Triples forms, so serialisations are byte-identical."""
    import pyoxigraph as ox

    graphs = to_nquads(resolution)
    text = b"".join(graphs[graph] for graph in sorted(graphs, key=lambda graph: f"<{graph}>"))
    return list(ox.parse(text, ox.RdfFormat.N_QUADS))


def _text(lines: set[str]) -> bytes:
    return ("\n".join(sorted(lines)) + "\n").encode("utf-8")


class _IriTerms(dict[str, str]):
    """IRI -> its N-Triples term, each IRI checked once by pyoxigraph (a ValueError if it is
    not valid, as a pyoxigraph NamedNode of it raises); a lookup in C once it is known."""

    def __missing__(self, value: str) -> str:
        import pyoxigraph as ox

        ox.NamedNode(value)
        term = self[value] = f"<{value}>"
        return term


def _literal(text: str) -> str:
    if _NEEDS_ESCAPE.search(text):
        text = text.translate(_ESCAPES)
    return f'"{text}"'


def _typed(text: str, datatype: str) -> str:
    """A literal of an XSD datatype whose lexical forms need no escaping (numbers, dates)."""
    return f'"{text}"^^{datatype}'


def _own_file(entity: Entity) -> set[str]:
    return {entity.source_file} if entity.source_file else set()


def _edge_mention_iri(relation: Relation, mention: Mention) -> str:
    digest = hashlib.sha1(f"{relation.subject} {relation.object}".encode()).hexdigest()[:10]
    return mention_iri(
        mention.file_name, mention.span.start, mention.span.end, f"{relation.predicate}-{digest}"
    )


def _entity_triples(entity: Entity, iri: _IriTerms) -> Iterator[str]:
    """The entity's own triples as N-Triples without the final ` .`."""
    node = iri[entity.iri]
    yield f"{node} {_TYPE} {iri[KG + entity.rdf_class]}"
    if entity.rdf_class in DOCUMENT_CLASSES and entity.rdf_class != "Document":
        yield f"{node} {_TYPE} {_DOCUMENT}"
    if entity.rdf_class == "Agency":
        yield f"{node} {_TYPE} {_ORGANIZATION}"
    yield f"{node} {_LABEL} {_literal(entity.label)}"
    if entity.name:
        yield f"{node} {_NAME} {_literal(entity.name)}"
    for alt in entity.alt_labels:
        yield f"{node} {_ALT_LABEL} {_literal(alt)}"
    if entity.symbol:
        yield f"{node} {_SYMBOL} {_literal(entity.symbol)}"
    if entity.issuer_code:
        yield f"{node} {_ISSUER_CODE} {_literal(entity.issuer_code)}"
    if entity.date:
        yield f"{node} {_DATE_ISSUED} {_typed(entity.date.isoformat(), _DATE)}"
    for title in entity.titles:
        yield f"{node} {_TITLE} {_literal(title)}"
    if entity.jurisdiction:
        yield f"{node} {_JURISDICTION} {iri[entity.jurisdiction]}"
    if entity.source_file:
        yield f"{node} {_SOURCE_FILE_OF} {iri[source_file_iri(entity.source_file)]}"
    for key, value in entity.attributes.items():
        yield f"{node} {iri[KG + key]} {_value(value, iri)}"


def _value(value: str | int | float, iri: _IriTerms) -> str:
    if isinstance(value, str) and value.startswith("https://"):
        return iri[value]
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _literal(str(value))
    if isinstance(value, int):
        return _typed(str(value), _INTEGER)
    return _typed(_decimal(value), _DECIMAL)


def _decimal(value: float) -> str:
    text = f"{value:.6f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def _mention_triples(node: str, mention: Mention, iri: _IriTerms) -> list[str]:
    """The mention's triples as N-Triples without the final ` .`."""
    span = mention.span
    triples = [
        f"{node} {_TYPE} {_MENTION}",
        f"{node} {_SOURCE} {iri[source_file_iri(mention.file_name)]}",
        f"{node} {_START} {_typed(str(span.start), _INTEGER)}",
        f"{node} {_END} {_typed(str(span.end), _INTEGER)}",
        f"{node} {_QUOTE} {_literal(mention.quote)}",
    ]
    if mention.original:
        original = mention.original
        triples.append(f"{node} {_ORIGINAL_START} {_typed(str(original.start), _INTEGER)}")
        triples.append(f"{node} {_ORIGINAL_END} {_typed(str(original.end), _INTEGER)}")
    if mention.cue:
        triples.append(f"{node} {_CUE} {_literal(mention.cue)}")
    return triples


def count_by_class(resolution: Resolution) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for entity in resolution.entities:
        counts[entity.rdf_class] += 1
    for relation in resolution.relations:
        counts[f"→ {relation.predicate}"] += 1
    return dict(sorted(counts.items()))
