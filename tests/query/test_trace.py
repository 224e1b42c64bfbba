"""kg/query/trace.py: finding a node from what a person types, and walking implementation trees."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.query.trace import (
    UnknownRelationError,
    find_node,
    render_text,
    suggest,
    trace,
)
from kg.rdf.namespaces import KGR
from kg.store import GraphStore

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "trace_graph.trig"

XX = KGR + "doc/cao-bang/nghi-quyet-dai-hoi-dang-bo-tinh-xx"
XIII = KGR + "doc/nghi-quyet-dai-hoi-dang-toan-quoc-xiii"
CTR06 = KGR + "doc/cao-bang/06-CTr-TU"
KH45 = KGR + "doc/cao-bang/45-KH-UBND"
KH12 = KGR + "doc/cao-bang/12-KH-UBND"
ND39 = KGR + "doc/39-2015-ND-CP"
HD01 = KGR + "doc/cao-bang/01-HD-BTGTU"
CV2531 = KGR + "doc/cao-bang/2531-UBND-VX"
BC99 = KGR + "doc/cao-bang/99-BC-UBND"


@pytest.fixture(scope="module")
def store() -> GraphStore:
    import pyoxigraph

    return GraphStore.in_memory(
        pyoxigraph.parse(path=str(FIXTURE), format=pyoxigraph.RdfFormat.TRIG)
    )


@pytest.mark.parametrize(
    ("ref", "iri"),
    [
        ("06-CTr/TU", CTR06),
        ("06-ctr / tu", CTR06),  # case and spaces ignored
        ("39/2015/NĐ-CP", ND39),
        ("39/2015/ND-CP", ND39),  # D for Đ
        ("39/2015/nđ-cp", ND39),
        ("57-NQ/TW", KGR + "doc/57-NQ-TW"),
    ],
)
def test_find_node_by_symbol(store: GraphStore, ref: str, iri: str) -> None:
    node = find_node(store, ref)
    assert node is not None
    assert node.iri == iri


def test_find_node_by_partial_name_prefers_the_roman_numeral(store: GraphStore) -> None:
    # "XIII" shares the words "Nghị quyết Đại hội" too; the numeral decides
    node = find_node(store, "Nghị quyết Đại hội XX")
    assert node is not None and node.iri == XX
    node = find_node(store, "Nghị quyết Đại hội XIII")
    assert node is not None and node.iri == XIII


def test_find_node_by_name_without_diacritics(store: GraphStore) -> None:
    node = find_node(store, "nghi quyet dai hoi dang bo tinh Cao Bang lan thu XX")
    assert node is not None and node.iri == XX
    node = find_node(store, "ke hoach so 45/KH-UBND")
    assert node is not None and node.iri == KH45


def test_find_node_by_iri(store: GraphStore) -> None:
    assert find_node(store, CTR06).iri == CTR06
    assert find_node(store, "kgr:doc/cao-bang/06-CTr-TU").iri == CTR06
    assert find_node(store, KGR + "doc/none") is None
    assert find_node(store, KGR + "doc/x> } UNION { ?a ?b ?c") is None


def test_find_node_unknown_and_ontology_terms(store: GraphStore) -> None:
    assert find_node(store, "Quyết định 999/QĐ-XYZ không có") is None
    # kg:Document is labelled "văn bản" in the ontology graph: not an entity of the data
    assert find_node(store, "văn bản") is None
    assert find_node(store, "") is None
    # a symbol that is not in the graph is not guessed from shared words
    assert find_node(store, "57/NQ-CP") is None
    assert find_node(store, "06-CTr/T") is None


def test_suggest_offers_close_labels(store: GraphStore) -> None:
    assert "06-CTr/TU" in suggest(store, "06-CTr/T")


def test_trace_down_follows_implementers_with_quotes(store: GraphStore) -> None:
    result = trace(store, "Nghị quyết Đại hội XX", "down", 5)
    assert result is not None
    assert result.root.iri == XX
    got = {(e.subject, e.object, e.depth) for e in result.edges}
    assert got == {(CTR06, XX, 1), (KH45, CTR06, 2), (KH12, KH45, 3)}
    first = next(e for e in result.edges if e.depth == 1)
    assert first.predicate == "implements"
    assert first.quotes == [
        (
            "Chương trình hành động thực hiện Nghị quyết Đại hội đại biểu Đảng bộ tỉnh lần thứ XX",
            "003_8d9677976a386358.txt",
        )
    ]


def test_trace_up_and_both(store: GraphStore) -> None:
    up = trace(store, "12/KH-UBND", "up", 5)
    assert up is not None
    assert {(e.subject, e.object) for e in up.edges} == {
        (KH12, KH45),
        (KH45, CTR06),
        (CTR06, XX),
        (CTR06, XIII),
    }
    assert all(e.direction == "up" for e in up.edges)

    both = trace(store, "06-CTr/TU", "both", 5)
    assert {(e.direction, e.child) for e in both.edges} == {
        ("down", KH45),
        ("down", KH12),
        ("up", XX),
        ("up", XIII),
    }


def test_trace_depth_limit(store: GraphStore) -> None:
    result = trace(store, "Nghị quyết Đại hội XX", "down", 1)
    assert {e.subject for e in result.edges} == {CTR06}
    assert trace(store, "Nghị quyết Đại hội XX", "down", 0).edges == []


def test_trace_cycles_end(store: GraphStore) -> None:
    result = trace(store, "2531/UBND-VX", "down", 50)
    assert {(e.subject, e.object) for e in result.edges} == {(BC99, CV2531), (CV2531, BC99)}
    lines = render_text(result).splitlines()
    cycle = [line for line in lines if "↺" in line]
    assert len(cycle) == 1 and "Công văn số 2531/UBND-VX" in cycle[0]


def test_trace_other_relations(store: GraphStore) -> None:
    guides = trace(store, "06-CTr/TU", "down", 3, "guides")
    assert {(e.subject, e.predicate) for e in guides.edges} == {(HD01, "guides")}
    everything = trace(store, "45/KH-UBND", "up", 1, "all")
    assert {(e.object, e.predicate) for e in everything.edges} == {
        (CTR06, "implements"),
        (ND39, "basedOn"),
    }
    with pytest.raises(UnknownRelationError):
        trace(store, "45/KH-UBND", "up", 1, "likes")


def test_trace_unknown_ref_is_none(store: GraphStore) -> None:
    assert trace(store, "không có văn bản này 123", "down", 3) is None


def test_render_text_is_an_indented_tree(store: GraphStore) -> None:
    text = render_text(trace(store, "Nghị quyết Đại hội XX", "down", 5))
    lines = text.splitlines()
    assert lines[0].startswith("Nghị quyết Đại hội đại biểu Đảng bộ tỉnh Cao Bằng lần thứ XX")
    row_06 = next(line for line in lines if "06-CTr/TU" in line and "[thực hiện]" in line)
    row_45 = next(line for line in lines if "45/KH-UBND (" in line)
    row_12 = next(line for line in lines if "Kế hoạch số 12/KH-UBND" in line)
    indent = [len(r) - len(r.lstrip(" │├└─")) for r in (row_06, row_45, row_12)]
    assert indent == sorted(indent) and len(set(indent)) == 3
    assert "“triển khai thực hiện Chương trình hành động số 06-CTr/TU của Tỉnh ủy”" in text
    assert "004_19703ae02889bd3d.txt" in text
