"""SHACL validation: a well-formed graph conforms; each kind of damage is reported on its path."""

from __future__ import annotations

import pyoxigraph
import pytest
import rdflib

from kg.rdf.namespaces import KG, KGR, ONTOLOGY_GRAPH, RDF, RDFS
from kg.store import GraphStore
from kg.validate import ValidationReport, validate, validate_store

SHA = "8d9677976a386358" * 4
PREFIXES = """
@base <https://w3id.org/kg-vn/id/> .
@prefix kg: <https://w3id.org/kg-vn/ontology#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

# The source file is typed in one graph and its mentions sit in another: validation must see
# the union. Placeholders ({date} ...) are the parts the broken cases replace.
GOOD = (
    PREFIXES
    + """
<source/003-8d9677976a386358-txt> {
  <source/003-8d9677976a386358-txt> a kg:SourceFile ;
    kg:fileName "003_8d9677976a386358.txt" ; kg:sha256 "{sha}" .
  <doc/cao-bang/06-CTr-TU> a kg:Document, kg:Programme ;
    rdfs:label "Chương trình hành động số 06-CTr/TU" ; kg:symbol "06-CTr/TU" ;
    kg:dateIssued {date} ;
    kg:issuedBy <agency/ban-chap-hanh-dang-bo-tinh-cao-bang> ;
    kg:implements <doc/tw/57-NQ-TW> ;
    kg:setsTarget <target/grdp-2030> .
  <doc/tw/57-NQ-TW> a kg:Document, kg:Resolution ;
    rdfs:label "Nghị quyết số 57-NQ/TW" ; kg:symbol "57-NQ/TW" .
  <agency/ban-chap-hanh-dang-bo-tinh-cao-bang> a kg:Agency ;
    rdfs:label "Ban Chấp hành Đảng bộ tỉnh Cao Bằng" .
  <target/grdp-2030> a kg:Target ;
    kg:indicator "Tốc độ tăng trưởng GRDP bình quân" ; kg:value 10.0 ; kg:unit "%/năm" ;
    kg:comparator "{comparator}" ; kg:targetYear 2030 .
  <gate/tra-linh> a kg:BorderGate ;
    rdfs:label "cửa khẩu quốc tế Trà Lĩnh" ; kg:gateLevel "{level}" .
}

<mentions> {
  <mention/003-8d9677976a386358-txt/120-129> a kg:Mention ;
    kg:source <source/003-8d9677976a386358-txt> ;
    kg:start 120 ; kg:end {end} ; kg:originalStart 130 ; kg:originalEnd 141 ;
    {quote}
    {link} .
  <mention/003-8d9677976a386358-txt/100-220/implements-ab12cd> a kg:Mention ;
    kg:source <source/003-8d9677976a386358-txt> ;
    kg:start 100 ; kg:end 220 ;
    kg:quote "triển khai thực hiện Nghị quyết số 57-NQ/TW" ; kg:cue "triển khai thực hiện" ;
    {extra}
    rdf:subject <doc/cao-bang/06-CTr-TU> ; rdf:predicate kg:implements ;
    rdf:object <doc/tw/57-NQ-TW> .
}
"""
)

DEFAULTS = {
    "sha": SHA,
    "date": '"2025-11-28"^^xsd:date',
    "comparator": "atLeast",
    "level": "international",
    "end": "129",
    "quote": 'kg:quote "06-CTr/TU" ;',
    "extra": "",
    "link": "kg:mentions <doc/cao-bang/06-CTr-TU>",
}

ENTITY_MENTION = KGR + "mention/003-8d9677976a386358-txt/120-129"
EDGE_MENTION = KGR + "mention/003-8d9677976a386358-txt/100-220/implements-ab12cd"


def trig(**changes: str) -> str:
    text = GOOD
    for key, value in {**DEFAULTS, **changes}.items():
        text = text.replace("{" + key + "}", value)
    return text


def store_of(text: str, extra: list[pyoxigraph.Quad] | None = None) -> GraphStore:
    quads = list(pyoxigraph.parse(text, format=pyoxigraph.RdfFormat.TRIG))
    return GraphStore.in_memory(quads + (extra or []))


def check(**changes: str) -> ValidationReport:
    return validate_store(store_of(trig(**changes)))


def test_good_graph_conforms() -> None:
    report = check()
    assert report.conforms, report.violations
    assert report.violations == []


@pytest.mark.parametrize(
    ("changes", "focus", "path"),
    [
        ({"quote": ""}, ENTITY_MENTION, KG + "quote"),
        ({"quote": 'kg:quote "" ;'}, ENTITY_MENTION, KG + "quote"),
        ({"date": '"2025-11-28"'}, KGR + "doc/cao-bang/06-CTr-TU", KG + "dateIssued"),
        ({"date": '"28/11/2025"^^xsd:string'}, KGR + "doc/cao-bang/06-CTr-TU", KG + "dateIssued"),
        ({"level": "huge"}, KGR + "gate/tra-linh", KG + "gateLevel"),
        ({"sha": "ABC"}, KGR + "source/003-8d9677976a386358-txt", KG + "sha256"),
        ({"sha": SHA.upper()}, KGR + "source/003-8d9677976a386358-txt", KG + "sha256"),
        ({"comparator": "more"}, KGR + "target/grdp-2030", KG + "comparator"),
        ({"end": "100"}, ENTITY_MENTION, KG + "start"),
        ({"end": '"129"'}, ENTITY_MENTION, KG + "end"),
    ],
)
def test_each_break_is_reported_on_its_path(changes: dict[str, str], focus: str, path: str) -> None:
    report = check(**changes)
    assert not report.conforms
    assert (focus, path) in {(v.focus_node, v.path) for v in report.violations}, report
    for violation in report.violations:
        assert violation.message
        assert violation.severity == "Violation"


def test_value_is_reported() -> None:
    report = check(level="huge")
    [violation] = report.violations
    assert violation.value == "huge"
    assert violation.constraint == "InConstraintComponent"
    assert "gateLevel" in violation.message


def test_mention_with_both_an_entity_and_an_edge() -> None:
    report = check(extra="kg:mentions <doc/tw/57-NQ-TW> ;")
    assert not report.conforms
    [violation] = report.violations
    assert violation.focus_node == EDGE_MENTION
    assert violation.path == KG + "mentions"
    assert violation.constraint == "MaxCountConstraintComponent"


def test_mention_with_neither_an_entity_nor_an_edge() -> None:
    report = check(link="")
    [violation] = report.violations
    assert violation.focus_node == ENTITY_MENTION
    assert violation.path == f"<{KG}mentions>|<{RDF}subject>"
    assert violation.constraint == "MinCountConstraintComponent"


def test_edge_mention_must_name_one_whole_edge() -> None:
    report = check(extra="rdf:subject <doc/tw/57-NQ-TW> ;")
    assert [(v.focus_node, v.path) for v in report.violations] == [(EDGE_MENTION, RDF + "subject")]
    text = trig().replace("rdf:predicate kg:implements ;", "")
    paths = {v.path for v in validate_store(store_of(text)).violations}
    assert paths == {RDF + "predicate"}


def test_only_mentions_name_edges() -> None:
    text = trig().replace("<mentions> {", "<mentions> {\n  <stray> rdf:subject <doc/tw/57-NQ-TW> .")
    report = validate_store(store_of(text))
    assert (KGR + "stray", "ClassConstraintComponent") in {
        (v.focus_node, v.constraint) for v in report.violations
    }


def test_document_and_agency_need_labels() -> None:
    text = trig().replace('rdfs:label "Nghị quyết số 57-NQ/TW" ;', "")
    text = text.replace('rdfs:label "Ban Chấp hành Đảng bộ tỉnh Cao Bằng" .', ".")
    report = validate_store(store_of(text))
    found = {(v.focus_node, v.path) for v in report.violations}
    assert found == {
        (KGR + "doc/tw/57-NQ-TW", RDFS + "label"),
        (KGR + "agency/ban-chap-hanh-dang-bo-tinh-cao-bang", RDFS + "label"),
    }


def test_edge_to_a_non_document() -> None:
    text = trig().replace("kg:implements <doc/tw/57-NQ-TW> ;", "kg:implements <place/cao-bang> ;")
    report = validate_store(store_of(text))
    assert (KGR + "doc/cao-bang/06-CTr-TU", KG + "implements") in {
        (v.focus_node, v.path) for v in report.violations
    }


def test_violations_are_sorted_and_stable() -> None:
    changes = {"sha": "x", "level": "huge", "quote": "", "date": '"2025"'}
    first = check(**changes)
    second = check(**changes)
    assert first == second
    keys = [(v.focus_node, v.path) for v in first.violations]
    assert keys == sorted(keys)
    assert len(keys) >= 4


def test_ontology_graph_is_left_out() -> None:
    # Damage placed in the ontology graph must not count: it is not data.
    ontology = pyoxigraph.NamedNode(ONTOLOGY_GRAPH)
    bad = pyoxigraph.Quad(
        pyoxigraph.NamedNode(KGR + "gate/fake"),
        pyoxigraph.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        pyoxigraph.NamedNode(KG + "BorderGate"),
        ontology,
    )
    level = pyoxigraph.Quad(
        pyoxigraph.NamedNode(KGR + "gate/fake"),
        pyoxigraph.NamedNode(KG + "gateLevel"),
        pyoxigraph.Literal("nonsense"),
        ontology,
    )
    report = validate_store(store_of(trig(), [bad, level]))
    assert report.conforms, report.violations


def test_validate_takes_an_rdflib_graph_or_dataset() -> None:
    dataset = rdflib.Dataset()
    dataset.parse(data=trig(level="huge"), format="trig")
    report = validate(dataset)
    assert [(v.focus_node, v.path) for v in report.violations] == [
        (KGR + "gate/tra-linh", KG + "gateLevel")
    ]
    graph = rdflib.Graph()
    for s, p, o, _g in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    assert validate(graph) == report


def test_empty_store_conforms() -> None:
    assert validate_store(GraphStore.in_memory([])).conforms
