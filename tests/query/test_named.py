"""Named queries: loading, binding (escaping), and the rows each one returns on a small graph."""

from __future__ import annotations

import re

import pyoxigraph
import pytest

from kg.ontology_files import ontology_path
from kg.query.named import (
    InvalidParameterError,
    MissingParameterError,
    NamedQuery,
    UnknownQueryError,
    bind,
    list_named_queries,
    load_named_query,
    sparql_string,
)
from kg.rdf.namespaces import KG, KGR, ONTOLOGY_GRAPH
from kg.store import GraphStore

# Two files' graphs in the shape the build writes (a document re-declared in both, as the build
# does for documents a file refers to).
FIXTURE = """
@base <https://w3id.org/kg-vn/id/> .
@prefix kg: <https://w3id.org/kg-vn/ontology#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<source/003-8d9677976a386358-txt> {
  <source/003-8d9677976a386358-txt> a kg:SourceFile ;
    kg:fileName "003_8d9677976a386358.txt" ;
    kg:sha256 "8d9677976a3863588d9677976a3863588d9677976a3863588d9677976a386358" .

  <doc/cao-bang/06-CTr-TU> a kg:Document, kg:Programme ;
    rdfs:label "Chương trình hành động số 06-CTr/TU" ;
    kg:symbol "06-CTr/TU" ; kg:issuerCode "TU" ;
    kg:dateIssued "2025-11-28"^^xsd:date ;
    kg:title "thực hiện Nghị quyết Đại hội đại biểu Đảng bộ tỉnh lần thứ XX" ;
    kg:period "2025 - 2030" ;
    kg:issuedBy <agency/ban-chap-hanh-dang-bo-tinh-cao-bang> ;
    kg:jurisdiction <place/cao-bang> ;
    kg:implements <doc/cao-bang/nghi-quyet-dai-hoi-dang-bo-tinh-xx>, <doc/tw/57-NQ-TW> ;
    kg:basedOn <doc/39-2015-ND-CP> ;
    kg:cites <doc/tw/14-KL-TW> ;
    kg:setsTarget <target/grdp-2030>, <target/forest-2025> ;
    kg:sourceFile <source/003-8d9677976a386358-txt> .

  <doc/cao-bang/nghi-quyet-dai-hoi-dang-bo-tinh-xx> a kg:Document, kg:Resolution ;
    rdfs:label "Nghị quyết Đại hội Đảng bộ tỉnh Cao Bằng lần thứ XX, nhiệm kỳ 2025 - 2030" ;
    kg:name "Nghị quyết Đại hội đại biểu Đảng bộ tỉnh Cao Bằng lần thứ XX" ;
    skos:altLabel "Nghị quyết Đại hội" .

  <doc/tw/57-NQ-TW> a kg:Document, kg:Resolution ;
    rdfs:label "Nghị quyết số 57-NQ/TW" ; kg:symbol "57-NQ/TW" ; kg:issuerCode "TW" ;
    kg:dateIssued "2024-12-22"^^xsd:date ;
    kg:issuedBy <agency/bo-chinh-tri> .

  <doc/39-2015-ND-CP> a kg:Document, kg:Decree ;
    rdfs:label "Nghị định số 39/2015/NĐ-CP" ; kg:symbol "39/2015/NĐ-CP" ;
    kg:issuedBy <agency/chinh-phu> .

  <doc/tw/14-KL-TW> a kg:Document, kg:Conclusion ;
    rdfs:label "Kết luận số 14-KL/TW" ; kg:symbol "14-KL/TW" ;
    kg:issuedBy <agency/bo-chinh-tri> .

  <agency/ban-chap-hanh-dang-bo-tinh-cao-bang> a kg:Agency ;
    rdfs:label "Ban Chấp hành Đảng bộ tỉnh Cao Bằng" ; kg:name "Ban Chấp hành Đảng bộ tỉnh" .
  <agency/bo-chinh-tri> a kg:Agency ;
    rdfs:label "Bộ Chính trị" ; kg:name "Bộ Chính trị" ; skos:altLabel "BCT" .
  <agency/chinh-phu> a kg:Agency ; rdfs:label "Chính phủ" .
  <place/cao-bang> a kg:Place ; rdfs:label "tỉnh Cao Bằng" ; kg:name "Cao Bằng" .

  <target/grdp-2030> a kg:Target ;
    kg:indicator "Tốc độ tăng trưởng GRDP bình quân" ; kg:value 10.0 ; kg:unit "%/năm" ;
    kg:comparator "atLeast" ; kg:targetYear 2030 .
  <target/forest-2025> a kg:Target ;
    kg:indicator "Tỷ lệ che phủ rừng" ; kg:value 75.0 ; kg:valueMax 80.0 ; kg:unit "%" ;
    kg:comparator "range" ; kg:targetYear 2025 .
  <target/poverty-2035> a kg:Target ;
    kg:indicator "Tỷ lệ hộ nghèo" ; kg:value 2.0 ; kg:unit "%" ;
    kg:comparator "atMost" ; kg:targetYear 2035 .

  <gate/tra-linh> a kg:BorderGate ;
    rdfs:label "cửa khẩu quốc tế Trà Lĩnh" ; kg:name "Trà Lĩnh" ;
    kg:gateLevel "international" ; kg:counterpart "Long Bang" ;
    kg:locatedIn <place/cao-bang> .

  <mention/003-8d9677976a386358-txt/120-129> a kg:Mention ;
    kg:source <source/003-8d9677976a386358-txt> ;
    kg:start 120 ; kg:end 129 ; kg:originalStart 130 ; kg:originalEnd 141 ;
    kg:quote "06-CTr/TU" ; kg:mentions <doc/cao-bang/06-CTr-TU> .

  <mention/003-8d9677976a386358-txt/100-220/implements-ab12cd> a kg:Mention ;
    kg:source <source/003-8d9677976a386358-txt> ;
    kg:start 100 ; kg:end 220 ;
    kg:quote "thực hiện Nghị quyết Đại hội đại biểu Đảng bộ tỉnh lần thứ XX" ;
    kg:cue "thực hiện" ;
    rdf:subject <doc/cao-bang/06-CTr-TU> ; rdf:predicate kg:implements ;
    rdf:object <doc/cao-bang/nghi-quyet-dai-hoi-dang-bo-tinh-xx> .

  <mention/003-8d9677976a386358-txt/300-340/implements-57> a kg:Mention ;
    kg:source <source/003-8d9677976a386358-txt> ;
    kg:start 300 ; kg:end 340 ;
    kg:quote "triển khai thực hiện Nghị quyết số 57-NQ/TW" ;
    kg:cue "triển khai thực hiện" ;
    rdf:subject <doc/cao-bang/06-CTr-TU> ; rdf:predicate kg:implements ;
    rdf:object <doc/tw/57-NQ-TW> .

  <mention/003-8d9677976a386358-txt/10-60/basedOn-39> a kg:Mention ;
    kg:source <source/003-8d9677976a386358-txt> ;
    kg:start 10 ; kg:end 60 ;
    kg:quote "Căn cứ Nghị định số 39/2015/NĐ-CP" ; kg:cue "Căn cứ" ;
    rdf:subject <doc/cao-bang/06-CTr-TU> ; rdf:predicate kg:basedOn ;
    rdf:object <doc/39-2015-ND-CP> .
}

<source/001-efc61566807d8330-txt> {
  <source/001-efc61566807d8330-txt> a kg:SourceFile ;
    kg:fileName "001_efc61566807d8330.txt" ;
    kg:sha256 "efc61566807d8330efc61566807d8330efc61566807d8330efc61566807d8330" .

  <doc/cao-bang/12-KH-UBND> a kg:Document, kg:Plan ;
    rdfs:label "Kế hoạch số 12/KH-UBND" ; kg:symbol "12/KH-UBND" ;
    kg:dateIssued "2026-01-05"^^xsd:date ;
    kg:issuedBy <agency/ubnd-tinh-cao-bang> ;
    kg:implements <doc/cao-bang/06-CTr-TU> ;
    kg:sourceFile <source/001-efc61566807d8330-txt> .
  <doc/cao-bang/06-CTr-TU> a kg:Document, kg:Programme ;
    rdfs:label "Chương trình hành động số 06-CTr/TU" ; kg:symbol "06-CTr/TU" .
  <doc/cao-bang/2531-UBND-VX> a kg:Document, kg:OfficialLetter ;
    rdfs:label "Công văn số 2531/UBND-VX" ; kg:symbol "2531/UBND-VX" ;
    kg:dateIssued "2026-02-10"^^xsd:date ;
    kg:issuedBy <agency/ubnd-tinh-cao-bang> ;
    kg:implements <doc/cao-bang/12-KH-UBND> .
  <agency/ubnd-tinh-cao-bang> a kg:Agency ;
    rdfs:label "Ủy ban nhân dân tỉnh Cao Bằng" ; skos:altLabel "UBND tỉnh Cao Bằng" .

  <mention/001-efc61566807d8330-txt/50-90/implements-06> a kg:Mention ;
    kg:source <source/001-efc61566807d8330-txt> ;
    kg:start 50 ; kg:end 90 ;
    kg:quote "thực hiện Chương trình hành động số 06-CTr/TU" ; kg:cue "thực hiện" ;
    rdf:subject <doc/cao-bang/12-KH-UBND> ; rdf:predicate kg:implements ;
    rdf:object <doc/cao-bang/06-CTr-TU> .
  <mention/001-efc61566807d8330-txt/500-540/implements-12> a kg:Mention ;
    kg:source <source/001-efc61566807d8330-txt> ;
    kg:start 500 ; kg:end 540 ;
    kg:quote "triển khai Kế hoạch số 12/KH-UBND" ; kg:cue "triển khai" ;
    rdf:subject <doc/cao-bang/2531-UBND-VX> ; rdf:predicate kg:implements ;
    rdf:object <doc/cao-bang/12-KH-UBND> .
  <mention/001-efc61566807d8330-txt/0-20> a kg:Mention ;
    kg:source <source/001-efc61566807d8330-txt> ;
    kg:start 0 ; kg:end 20 ; kg:quote "Kế hoạch số 12/KH-UBND" ;
    kg:mentions <doc/cao-bang/12-KH-UBND> .
}
"""

DOC = KGR + "doc/"
FILE_003 = "003_8d9677976a386358.txt"
FILE_001 = "001_efc61566807d8330.txt"
EXPECTED_QUERIES = {
    "based-on",
    "chain",
    "documents-by-class",
    "documents-by-issuer",
    "edge-evidence",
    "implementing",
    "source-files",
    "targets-by-year",
}

Row = dict[str, str | None]


@pytest.fixture(scope="module")
def store() -> GraphStore:
    quads = list(pyoxigraph.parse(FIXTURE, format=pyoxigraph.RdfFormat.TRIG))
    # The ontology in its own graph, as the build stores it (documents-by-class reads labels).
    ontology = pyoxigraph.NamedNode(ONTOLOGY_GRAPH)
    ttl = ontology_path("kg.ttl").read_bytes()
    quads += [
        pyoxigraph.Quad(q.subject, q.predicate, q.object, ontology)
        for q in pyoxigraph.parse(ttl, format=pyoxigraph.RdfFormat.TURTLE)
    ]
    return GraphStore.in_memory(quads)


def run(store: GraphStore, name: str, **params: str) -> list[Row]:
    query = load_named_query(name)
    result = store.query(bind(query, params))
    names = [v.value for v in result.variables]
    return [{n: (None if row[n] is None else row[n].value) for n in names} for row in result]


# --- loading -------------------------------------------------------------------------------


def test_lists_every_query_sorted_with_metadata() -> None:
    queries = list_named_queries()
    names = [q.name for q in queries]
    assert names == sorted(names)
    assert set(names) >= EXPECTED_QUERIES
    for query in queries:
        assert query.title and query.title_vi and query.description, query.name
        assert query.title_vi != query.title, query.name
        for param in query.params:
            assert re.search(rf"\?{param}\b", query.text), (query.name, param)
            assert query.param_help[param], (query.name, param)


def test_params_are_declared() -> None:
    params = {q.name: q.params for q in list_named_queries()}
    assert params["implementing"] == ["ref"]
    assert params["chain"] == ["ref"]
    assert params["based-on"] == ["ref"]
    assert params["targets-by-year"] == ["year"]
    assert params["documents-by-issuer"] == ["issuer"]
    assert params["edge-evidence"] == ["subject", "predicate", "object"]
    assert params["documents-by-class"] == []
    assert params["source-files"] == []
    assert load_named_query("targets-by-year").param_types == {"year": "integer"}


def test_unknown_query_names_the_known_ones() -> None:
    with pytest.raises(UnknownQueryError) as caught:
        load_named_query("no-such-query")
    assert isinstance(caught.value, KeyError)
    assert "implementing" in str(caught.value)
    assert "no-such-query" in str(caught.value)


@pytest.mark.parametrize("name", ["../kg", "queries/chain", "Chain", "", "chain.rq"])
def test_names_cannot_reach_other_files(name: str) -> None:
    with pytest.raises(UnknownQueryError):
        load_named_query(name)


# --- binding -------------------------------------------------------------------------------

ECHO = NamedQuery(
    name="echo",
    title="Echo",
    params=["ref"],
    param_types={"ref": "string"},
    text="# title: Echo\nSELECT ?echo WHERE {\n  BIND(?ref AS ?echo)\n}\n",
)


@pytest.mark.parametrize(
    "value",
    [
        '" } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o',
        '06-CTr/TU" } ; DROP',
        'back\\slash \\u0022 \\" end\\',
        "line\nbreak\r\ttab",
        "'single' \"double\" {braces} # not a comment <not-an-iri>",
        "Nghị quyết Đại hội",
    ],
)
def test_bind_keeps_any_value_a_single_literal(value: str) -> None:
    text = bind(ECHO, {"ref": value})
    rows = list(pyoxigraph.Store().query(text))
    assert len(rows) == 1
    echoed = rows[0]["echo"]
    assert isinstance(echoed, pyoxigraph.Literal)
    assert echoed.value == value


def test_bind_inserts_values_at_the_start_of_the_outer_group() -> None:
    text = bind(load_named_query("implementing"), {"ref": "57-NQ/TW"})
    head, tail = text.split('VALUES (?ref) { ("57-NQ/TW") }', 1)
    assert head.rstrip().endswith("WHERE {")
    assert "VALUES (?ref)" not in tail


def test_bind_normalises_to_nfc() -> None:
    decomposed = "Nghi\u0323 quyê\u0301t"  # "Nghị quyết" typed as NFD
    text = bind(ECHO, {"ref": decomposed})
    [row] = list(pyoxigraph.Store().query(text))
    assert row["echo"].value == "Nghị quyết"


def test_integer_params_become_integers() -> None:
    query = load_named_query("targets-by-year")
    assert "VALUES (?year) { (2030) }" in bind(query, {"year": "2030"})
    assert "VALUES (?year) { (2030) }" in bind(query, {"year": " 2030 "})
    for bad in ["2030) } DROP", "20.5", "", "two"]:
        with pytest.raises(InvalidParameterError):
            bind(query, {"year": bad})


def test_missing_and_unknown_params_raise() -> None:
    query = load_named_query("edge-evidence")
    with pytest.raises(MissingParameterError) as caught:
        bind(query, {"subject": "a", "predicate": "implements"})
    assert isinstance(caught.value, ValueError)
    assert "object" in str(caught.value)
    with pytest.raises(InvalidParameterError):
        bind(load_named_query("implementing"), {"ref": "x", "rev": "y"})
    with pytest.raises(InvalidParameterError):
        bind(load_named_query("source-files"), {"ref": "x"})


def test_queries_without_params_are_unchanged() -> None:
    query = load_named_query("source-files")
    assert bind(query, {}) == query.text


def test_sparql_string_escapes() -> None:
    assert sparql_string('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'


# --- every query runs and returns the expected rows ----------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED_QUERIES))
def test_every_query_runs_on_an_empty_store(name: str) -> None:
    query = load_named_query(name)
    values = {p: ("2030" if query.param_types[p] == "integer" else "x") for p in query.params}
    empty = GraphStore.in_memory([])
    result = empty.query(bind(query, values))
    rows = list(result)
    if name == "documents-by-class":
        assert all(r["documents"].value == "0" for r in rows)
    else:
        assert rows == []


def test_implementing_by_symbol(store: GraphStore) -> None:
    rows = run(store, "implementing", ref="57-NQ/TW")
    assert rows == [
        {
            "target": DOC + "tw/57-NQ-TW",
            "doc": DOC + "cao-bang/06-CTr-TU",
            "class": KG + "Programme",
            "symbol": "06-CTr/TU",
            "label": "Chương trình hành động số 06-CTr/TU",
            "date": "2025-11-28",
            "quote": "triển khai thực hiện Nghị quyết số 57-NQ/TW",
            "file": FILE_003,
            "start": "300",
            "end": "340",
        }
    ]


def test_implementing_by_variant_label_case_insensitively(store: GraphStore) -> None:
    rows = run(store, "implementing", ref="NGHỊ QUYẾT ĐẠI HỘI")
    assert [(r["doc"], r["quote"]) for r in rows] == [
        (
            DOC + "cao-bang/06-CTr-TU",
            "thực hiện Nghị quyết Đại hội đại biểu Đảng bộ tỉnh lần thứ XX",
        )
    ]


def test_implementing_by_iri_and_lower_case_symbol(store: GraphStore) -> None:
    by_iri = run(store, "implementing", ref=DOC + "cao-bang/12-KH-UBND")
    by_symbol = run(store, "implementing", ref="12/kh-ubnd")
    assert by_iri == by_symbol
    assert [(r["doc"], r["file"], r["start"]) for r in by_iri] == [
        (DOC + "cao-bang/2531-UBND-VX", FILE_001, "500")
    ]


def test_implementing_unknown_ref_is_empty(store: GraphStore) -> None:
    assert run(store, "implementing", ref="99-NQ/TW") == []


def test_chain(store: GraphStore) -> None:
    rows = run(store, "chain", ref="57-NQ/TW")
    assert [(r["doc"], r["class"], r["direct"], r["parents"]) for r in rows] == [
        (DOC + "cao-bang/06-CTr-TU", KG + "Programme", "true", DOC + "tw/57-NQ-TW"),
        (DOC + "cao-bang/12-KH-UBND", KG + "Plan", "false", DOC + "cao-bang/06-CTr-TU"),
        (
            DOC + "cao-bang/2531-UBND-VX",
            KG + "OfficialLetter",
            "false",
            DOC + "cao-bang/12-KH-UBND",
        ),
    ]
    assert {r["target"] for r in rows} == {DOC + "tw/57-NQ-TW"}
    assert rows[1]["symbol"] == "12/KH-UBND"
    assert rows[1]["date"] == "2026-01-05"


def test_chain_by_label_variant_or_iri(store: GraphStore) -> None:
    by_symbol = run(store, "chain", ref="57-NQ/TW")
    assert run(store, "chain", ref="nghị quyết số 57-nq/tw") == by_symbol  # label, any case
    assert run(store, "chain", ref=DOC + "tw/57-NQ-TW") == by_symbol
    # a variant label: the chain under 06-CTr/TU's parent XX holds all three documents
    under_xx = run(store, "chain", ref="NGHỊ QUYẾT ĐẠI HỘI")
    assert {r["target"] for r in under_xx} == {DOC + "cao-bang/nghi-quyet-dai-hoi-dang-bo-tinh-xx"}
    assert [r["doc"] for r in under_xx] == [r["doc"] for r in by_symbol]


def test_chain_of_a_leaf_is_empty(store: GraphStore) -> None:
    assert run(store, "chain", ref="2531/UBND-VX") == []


def test_based_on(store: GraphStore) -> None:
    rows = run(store, "based-on", ref="06-CTr/TU")
    assert [(r["relation"], r["other"], r["symbol"], r["quote"], r["file"]) for r in rows] == [
        (
            KG + "basedOn",
            DOC + "39-2015-ND-CP",
            "39/2015/NĐ-CP",
            "Căn cứ Nghị định số 39/2015/NĐ-CP",
            FILE_003,
        ),
        (KG + "cites", DOC + "tw/14-KL-TW", "14-KL/TW", None, None),
    ]
    assert rows[0]["class"] == KG + "Decree"


def test_based_on_nothing(store: GraphStore) -> None:
    assert run(store, "based-on", ref="57-NQ/TW") == []


def test_targets_by_year(store: GraphStore) -> None:
    rows = run(store, "targets-by-year", year="2030")
    assert [
        (r["indicator"], r["value"], r["valueMax"], r["unit"], r["comparator"], r["targetYear"])
        for r in rows
    ] == [
        ("Tỷ lệ che phủ rừng", "75", "80", "%", "range", "2025"),
        ("Tốc độ tăng trưởng GRDP bình quân", "10", None, "%/năm", "atLeast", "2030"),
    ]
    assert {(r["doc"], r["symbol"]) for r in rows} == {(DOC + "cao-bang/06-CTr-TU", "06-CTr/TU")}
    assert len(run(store, "targets-by-year", year="2035")) == 3
    assert run(store, "targets-by-year", year="2024") == []


def test_documents_by_issuer(store: GraphStore) -> None:
    rows = run(store, "documents-by-issuer", issuer="chính trị")
    assert [(r["agencyLabel"], r["symbol"], r["class"]) for r in rows] == [
        ("Bộ Chính trị", "14-KL/TW", KG + "Conclusion"),
        ("Bộ Chính trị", "57-NQ/TW", KG + "Resolution"),
    ]
    by_abbreviation = run(store, "documents-by-issuer", issuer="bct")
    assert [r["doc"] for r in by_abbreviation] == [r["doc"] for r in rows]
    upper = run(store, "documents-by-issuer", issuer="ỦY BAN")
    assert [(r["symbol"], r["date"]) for r in upper] == [
        ("12/KH-UBND", "2026-01-05"),
        ("2531/UBND-VX", "2026-02-10"),
    ]
    assert run(store, "documents-by-issuer", issuer="Quốc hội") == []


def test_documents_by_class(store: GraphStore) -> None:
    rows = run(store, "documents-by-class")
    counts = {r["class"]: int(r["documents"] or 0) for r in rows}
    assert counts[KG + "Document"] == 7
    assert counts[KG + "Resolution"] == 2
    for name in ["Programme", "Plan", "Decree", "Conclusion", "OfficialLetter"]:
        assert counts[KG + name] == 1
    assert rows[0]["class"] == KG + "Document"  # largest first
    labels = {r["class"]: (r["label"], r["label_vi"]) for r in rows}
    assert labels[KG + "Resolution"] == ("resolution", "nghị quyết")


def test_documents_by_class_lists_every_document_class() -> None:
    import rdflib

    graph = rdflib.Graph()
    graph.parse(data=ontology_path("kg.ttl").read_bytes(), format="turtle")
    document = rdflib.URIRef(KG + "Document")
    subclasses = {
        str(c) for c in graph.subjects(rdflib.RDFS.subClassOf, document) if str(c).startswith(KG)
    }
    text = load_named_query("documents-by-class").text
    values = re.search(r"VALUES \?class \{([^}]*)\}", text)
    assert values is not None
    listed = {KG + term.removeprefix("kg:") for term in values.group(1).split()}
    assert listed == subclasses | {KG + "Document"}


@pytest.mark.parametrize("predicate", ["implements", "kg:implements", KG + "implements"])
def test_edge_evidence(store: GraphStore, predicate: str) -> None:
    rows = run(
        store,
        "edge-evidence",
        subject="06-ctr/tu",
        predicate=predicate,
        object="Nghị quyết Đại hội",
    )
    assert rows == [
        {
            "s": DOC + "cao-bang/06-CTr-TU",
            "p": KG + "implements",
            "o": DOC + "cao-bang/nghi-quyet-dai-hoi-dang-bo-tinh-xx",
            "mention": KGR + "mention/003-8d9677976a386358-txt/100-220/implements-ab12cd",
            "quote": "thực hiện Nghị quyết Đại hội đại biểu Đảng bộ tỉnh lần thứ XX",
            "cue": "thực hiện",
            "file": FILE_003,
            "graph": KGR + "source/003-8d9677976a386358-txt",
            "start": "100",
            "end": "220",
        }
    ]


def test_edge_evidence_by_iris(store: GraphStore) -> None:
    by_names = run(
        store, "edge-evidence", subject="12/KH-UBND", predicate="implements", object="06-ctr/tu"
    )
    by_iris = run(
        store,
        "edge-evidence",
        subject=DOC + "cao-bang/12-KH-UBND",
        predicate="implements",
        object=DOC + "cao-bang/06-CTr-TU",
    )
    assert by_iris == by_names
    assert [(r["quote"], r["start"]) for r in by_iris] == [
        ("thực hiện Chương trình hành động số 06-CTr/TU", "50")
    ]


def test_edge_evidence_needs_the_right_predicate(store: GraphStore) -> None:
    rows = run(store, "edge-evidence", subject="06-CTr/TU", predicate="basedOn", object="57-NQ/TW")
    assert rows == []


def test_source_files(store: GraphStore) -> None:
    rows = run(store, "source-files")
    assert [(r["fileName"], r["entities"], r["edges"], r["mentions"]) for r in rows] == [
        (FILE_001, "4", "4", "3"),
        (FILE_003, "13", "12", "4"),
    ]
    assert rows[0]["sha256"] == "efc61566807d8330" * 4
