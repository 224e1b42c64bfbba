import pyoxigraph as ox
import pytest

from kg.pipeline import analyse_text
from kg.rdf.mapping import to_nquads, to_quads
from kg.rdf.namespaces import KG, source_file_iri
from kg.resolve import resolve
from kg.store import GraphStore

TEXT = (
    "Thực hiện Nghị quyết số 57-NQ/TW, ngày 22/12/2024 của Bộ Chính trị, Ban Tuyên giáo và Dân "
    "vận Tỉnh ủy hướng dẫn như sau: Kế hoạch số 31-KH/TU thực hiện Nghị quyết số 57-NQ/TW.\n"
)


def build_store(text: str = TEXT, name: str = "a.txt") -> tuple[GraphStore, str]:
    analysis = analyse_text(text, name)
    return GraphStore.in_memory(to_quads(resolve([analysis], "Cao Bằng"))), analysis.text.text


def test_every_edge_has_a_mention_whose_quote_is_the_text_at_its_offsets():
    store, text = build_store()
    rows = list(
        store.query(
            """SELECT ?q ?start ?end WHERE {
                 GRAPH ?g { ?s ?p ?o . FILTER(?p IN (kg:implements, kg:issuedBy)) }
                 ?m rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
                    kg:quote ?q ; kg:start ?start ; kg:end ?end .
               }"""
        )
    )
    assert rows
    for row in rows:
        assert text[int(row["start"].value) : int(row["end"].value)] == row["q"].value


def test_edges_live_in_the_named_graph_of_their_file():
    store, _ = build_store()
    graph = ox.NamedNode(source_file_iri("a.txt"))
    implements = list(
        store.raw.quads_for_pattern(None, ox.NamedNode(KG + "implements"), None, None)
    )
    assert implements and all(q.graph_name == graph for q in implements)


def test_documents_carry_the_contract_properties():
    store, _ = build_store()
    doc = ox.NamedNode("https://w3id.org/kg-vn/id/doc/57-NQ-TW")
    props = {
        q.predicate.value: q.object for q in store.raw.quads_for_pattern(doc, None, None, None)
    }
    assert props[KG + "symbol"].value == "57-NQ/TW"
    assert props[KG + "dateIssued"].value == "2024-12-22"
    assert props[KG + "issuedBy"].value == "https://w3id.org/kg-vn/id/agency/bo-chinh-tri"


def test_quads_are_sorted_and_repeatable():
    analysis = analyse_text(TEXT, "a.txt")
    first = to_quads(resolve([analysis], "Cao Bằng"))
    second = to_quads(resolve([analyse_text(TEXT, "a.txt")], "Cao Bằng"))
    assert first == second
    keys = [(str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)) for q in first]
    assert keys == sorted(keys)


def test_literals_are_written_as_pyoxigraph_writes_them():
    """The mapping writes N-Quads text itself: every character must come out as pyoxigraph's
    canonical form has it (escaped or not), or graphs would differ from their quads."""
    from kg.rdf.mapping import _literal

    text = "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x10000)))
    text += "\U0001f600\U0010ffff"
    assert _literal(text) == str(ox.Literal(text))
    assert _literal("Cao Bằng") == '"Cao Bằng"'


def test_the_n_quads_text_is_canonical_and_the_quads_are_it_sorted_by_graph():
    """pyoxigraph writes back what it parses from the text unchanged, graph by graph."""
    resolution = resolve([analyse_text(TEXT, "a.txt"), analyse_text(TEXT, "b.txt")], "Cao Bằng")
    graphs = to_nquads(resolution)
    quads = to_quads(resolution)
    assert len(quads) > 20 and len(graphs) == 2
    for graph, block in graphs.items():
        lines = [f"{q} .\n" for q in quads if q.graph_name == ox.NamedNode(graph)]
        assert block.decode() == "".join(lines)
    assert sum(block.count(b"\n") for block in graphs.values()) == len(quads)


def test_an_invalid_iri_is_refused():
    analysis = analyse_text(TEXT, "a.txt")
    resolution = resolve([analysis], "Cao Bằng")
    resolution.entities[0].iri = "https://w3id.org/kg-vn/id/doc/not an iri"
    with pytest.raises(ValueError):
        to_nquads(resolution)
