"""The ontology declares every term of CONTRACT.md, labelled in Vietnamese and English, with
domains, ranges and the alignments the contract names; the shapes are SHACL Core only."""

from __future__ import annotations

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, XSD

from kg.ontology_files import ontology_dir, ontology_path
from kg.rdf.namespaces import DCTERMS, ELI, KG, ORG, PROV, SH

ONTOLOGY_IRI = "https://w3id.org/kg-vn/ontology"

# The contract's classes and properties (kept here rather than parsed out of CONTRACT.md, which
# CI may not have beside the repository), plus the extra terms the build writes.
CLASSES = [
    "Document", "Resolution", "Programme", "Plan", "Conclusion", "Decision", "Directive",
    "Guidance", "Scheme", "Decree", "Circular", "OfficialLetter", "Report", "Notice",
    "Dispatch", "Regulation", "Law", "Strategy", "Planning", "Agency", "BorderGate", "Target",
    "Place", "Person", "SourceFile", "Mention",
]  # fmt: skip
DOCUMENT_KINDS = CLASSES[1:19]
OBJECT_PROPERTIES = [
    "issuedBy", "jurisdiction", "implements", "basedOn", "guides", "cites", "amends",
    "replaces", "repeals", "respondsTo", "setsTarget", "concerns", "responsibleAgency",
    "locatedIn", "signedBy", "sourceFile", "mentions", "source",
]  # fmt: skip
DATATYPE_PROPERTIES = {
    "symbol": XSD.string,
    "issuerCode": XSD.string,
    "dateIssued": XSD.date,
    "title": XSD.string,
    "name": XSD.string,
    "indicator": XSD.string,
    "value": XSD.decimal,
    "valueMax": XSD.decimal,
    "unit": XSD.string,
    "comparator": XSD.string,
    "targetYear": XSD.integer,
    "gateLevel": XSD.string,
    "counterpart": XSD.string,
    "fileName": XSD.string,
    "sha256": XSD.string,
    "start": XSD.integer,
    "end": XSD.integer,
    "quote": XSD.string,
    # written by the build beyond the contract's table
    "originalStart": XSD.integer,
    "originalEnd": XSD.integer,
    "cue": XSD.string,
    "period": XSD.string,
}
RANGES = {
    "issuedBy": "Agency",
    "jurisdiction": "Place",
    "setsTarget": "Target",
    "responsibleAgency": "Agency",
    "locatedIn": "Place",
    "signedBy": "Person",
    "sourceFile": "SourceFile",
    "source": "SourceFile",
    **{p: "Document" for p in ["implements", "basedOn", "guides", "cites", "amends"]},
    **{p: "Document" for p in ["replaces", "repeals", "respondsTo"]},
}
SUBCLASS_ALIGNMENTS = {
    "Document": ELI + "LegalResource",
    "Agency": ORG + "Organization",
    "Place": DCTERMS + "Location",
    "SourceFile": PROV + "Entity",
}
SUBPROPERTY_ALIGNMENTS = {
    "symbol": ELI + "id_local",
    "dateIssued": ELI + "date_document",
    "issuedBy": ELI + "passed_by",
    "implements": ELI + "ensures_implementation_of",
    "basedOn": ELI + "based_on",
    "cites": ELI + "cites",
    "amends": ELI + "amends",
    "replaces": ELI + "changes",
    "repeals": ELI + "repeals",
}
VIETNAMESE_LETTERS = set("ăâđêôơưáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")


@pytest.fixture(scope="module")
def graph() -> rdflib.Graph:
    g = rdflib.Graph()
    g.parse(data=ontology_path("kg.ttl").read_bytes(), format="turtle")
    return g


def kg(name: str) -> rdflib.URIRef:
    return rdflib.URIRef(KG + name)


def labels(graph: rdflib.Graph, term: rdflib.URIRef, lang: str) -> list[str]:
    return [
        str(o)
        for o in graph.objects(term, RDFS.label)
        if isinstance(o, rdflib.Literal) and o.language == lang
    ]


def test_ontology_header(graph: rdflib.Graph) -> None:
    assert (rdflib.URIRef(ONTOLOGY_IRI), RDF.type, OWL.Ontology) in graph


@pytest.mark.parametrize("name", CLASSES)
def test_classes(graph: rdflib.Graph, name: str) -> None:
    term = kg(name)
    assert (term, RDF.type, OWL.Class) in graph
    assert labels(graph, term, "en"), name
    assert labels(graph, term, "vi"), name
    assert any(o.language == "en" for o in graph.objects(term, RDFS.comment)), name


@pytest.mark.parametrize("name", OBJECT_PROPERTIES + sorted(DATATYPE_PROPERTIES))
def test_properties(graph: rdflib.Graph, name: str) -> None:
    term = kg(name)
    kind = OWL.DatatypeProperty if name in DATATYPE_PROPERTIES else OWL.ObjectProperty
    assert (term, RDF.type, kind) in graph, name
    assert labels(graph, term, "en"), name
    assert labels(graph, term, "vi"), name
    assert any(o.language == "en" for o in graph.objects(term, RDFS.comment)), name
    assert graph.value(term, RDFS.domain) is not None, name
    assert graph.value(term, RDFS.range) is not None, name


@pytest.mark.parametrize(("name", "datatype"), sorted(DATATYPE_PROPERTIES.items()))
def test_datatype_ranges(graph: rdflib.Graph, name: str, datatype: rdflib.URIRef) -> None:
    assert graph.value(kg(name), RDFS.range) == datatype


@pytest.mark.parametrize(("name", "target"), sorted(RANGES.items()))
def test_object_ranges(graph: rdflib.Graph, name: str, target: str) -> None:
    assert graph.value(kg(name), RDFS.range) == kg(target)


def test_domains(graph: rdflib.Graph) -> None:
    for name in ["symbol", "dateIssued", "implements", "issuedBy", "period", "signedBy"]:
        assert graph.value(kg(name), RDFS.domain) == kg("Document"), name
    for name in ["quote", "start", "end", "originalStart", "originalEnd", "cue", "source"]:
        assert graph.value(kg(name), RDFS.domain) == kg("Mention"), name
    for name in ["indicator", "value", "valueMax", "unit", "comparator", "targetYear"]:
        assert graph.value(kg(name), RDFS.domain) == kg("Target"), name
    # "Document or Target" is a union class
    union = graph.value(kg("responsibleAgency"), RDFS.domain)
    members = rdflib.collection.Collection(graph, graph.value(union, OWL.unionOf))
    assert set(members) == {kg("Document"), kg("Target")}


def test_vietnamese_labels_have_diacritics(graph: rdflib.Graph) -> None:
    with_marks = [
        name
        for name in CLASSES + OBJECT_PROPERTIES + list(DATATYPE_PROPERTIES)
        if any(ch in VIETNAMESE_LETTERS for ch in "".join(labels(graph, kg(name), "vi")).lower())
    ]
    # Nearly all Vietnamese words carry marks; "luật" and the like do, plain ASCII would not.
    assert len(with_marks) >= 0.9 * (
        len(CLASSES) + len(OBJECT_PROPERTIES) + len(DATATYPE_PROPERTIES)
    )
    assert labels(graph, kg("Resolution"), "vi") == ["nghị quyết"]
    assert labels(graph, kg("implements"), "vi") == ["thực hiện"]


@pytest.mark.parametrize("name", DOCUMENT_KINDS)
def test_document_kinds_are_documents(graph: rdflib.Graph, name: str) -> None:
    assert (kg(name), RDFS.subClassOf, kg("Document")) in graph


@pytest.mark.parametrize(("name", "parent"), sorted(SUBCLASS_ALIGNMENTS.items()))
def test_class_alignments(graph: rdflib.Graph, name: str, parent: str) -> None:
    assert (kg(name), RDFS.subClassOf, rdflib.URIRef(parent)) in graph


@pytest.mark.parametrize(("name", "parent"), sorted(SUBPROPERTY_ALIGNMENTS.items()))
def test_property_alignments(graph: rdflib.Graph, name: str, parent: str) -> None:
    assert (kg(name), RDFS.subPropertyOf, rdflib.URIRef(parent)) in graph


def test_name_is_not_a_label(graph: rdflib.Graph) -> None:
    # kg:name is the bare name; rdfs:label stays the one display label.
    assert graph.value(kg("name"), RDFS.subPropertyOf) is None


def test_every_kg_term_is_labelled(graph: rdflib.Graph) -> None:
    declared = {
        s
        for s in graph.subjects(RDF.type, None)
        if isinstance(s, rdflib.URIRef) and str(s).startswith(KG)
    }
    expected = {kg(n) for n in CLASSES + OBJECT_PROPERTIES + list(DATATYPE_PROPERTIES)}
    assert declared == expected
    for term in declared:
        assert labels(graph, term, "vi") and labels(graph, term, "en"), term


def test_shapes_are_shacl_core() -> None:
    shapes = rdflib.Graph()
    shapes.parse(data=ontology_path("shapes.ttl").read_bytes(), format="turtle")
    sh = rdflib.Namespace(SH)
    used = {p for p in shapes.predicates() if str(p).startswith(SH)}
    assert not used & {sh.sparql, sh.select, sh.ask, sh.rule, sh.js}
    targets = {str(o).removeprefix(KG) for o in shapes.objects(None, sh.targetClass)}
    assert targets == {"Document", "Mention", "SourceFile", "Target", "BorderGate", "Agency"}
    for message in shapes.objects(None, sh.message):
        assert str(message).isascii(), message  # English messages


def test_package_files_are_found() -> None:
    for name in ["kg.ttl", "shapes.ttl", "__init__.py", "queries/chain.rq"]:
        assert ontology_path(name).is_file(), name
    assert ontology_dir().joinpath("queries").is_dir()
