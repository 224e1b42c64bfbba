"""kg/export/html.py: a self-contained, deterministic, injection-safe map of the graph."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kg.export.html import graph_data, script_json, write_html
from kg.store import GraphStore

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "trace_graph.trig"
NASTY = "</script><img src=x onerror=alert(1)>"
# every entity of the fixture: 10 documents, an agency, a place, a border gate, a target
ENTITY_COUNT = 14


def _quads() -> list:
    import pyoxigraph

    return list(pyoxigraph.parse(path=str(FIXTURE), format=pyoxigraph.RdfFormat.TRIG))


@pytest.fixture(scope="module")
def store() -> GraphStore:
    return GraphStore.in_memory(_quads())


def _labels(store: GraphStore) -> set[str]:
    rows = store.query(
        "SELECT DISTINCT ?l WHERE { ?n <http://www.w3.org/2000/01/rdf-schema#label> ?l "
        'FILTER(STRSTARTS(STR(?n), "https://w3id.org/kg-vn/id/")) }'
    )
    return {row["l"].value for row in rows}


def _embedded_data(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', html, re.S)
    assert match
    return json.loads(match.group(1))


def test_writes_every_entity_and_only_entities(store: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "sub" / "graph.html"
    assert write_html(store, path) == ENTITY_COUNT
    html = path.read_text(encoding="utf-8")
    data = _embedded_data(html)
    ids = {node["id"] for node in data["nodes"]}
    assert len(ids) == ENTITY_COUNT
    assert not any("/mention/" in i or "/source/" in i for i in ids)
    for label in _labels(store):
        assert label in html
    labels = {e["label"] for e in data["edges"]}
    assert {"thực hiện", "căn cứ", "hướng dẫn", "dẫn chiếu", "ban hành bởi"} <= labels
    assert all(e["from"] in ids and e["to"] in ids for e in data["edges"])


def test_page_needs_no_network(store: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "graph.html"
    write_html(store, path)
    html = path.read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    assert not re.search(r"<script[^>]*\ssrc\s*=", html, re.I)
    assert not re.search(r"<link\b", html, re.I)
    assert "vis.Network" in html and "vis-network" in html  # the library is inlined


def test_document_text_cannot_inject_markup(tmp_path: Path) -> None:
    import pyoxigraph

    kg = "https://w3id.org/kg-vn/ontology#"
    doc = pyoxigraph.NamedNode("https://w3id.org/kg-vn/id/doc/evil")
    graph = pyoxigraph.NamedNode("https://w3id.org/kg-vn/id/source/evil-txt")
    quads = [
        pyoxigraph.Quad(
            doc,
            pyoxigraph.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            pyoxigraph.NamedNode(kg + "Document"),
            graph,
        ),
        pyoxigraph.Quad(
            doc,
            pyoxigraph.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
            pyoxigraph.Literal(NASTY + " & <b id=kgx>"),
            graph,
        ),
        pyoxigraph.Quad(
            doc, pyoxigraph.NamedNode(kg + "symbol"), pyoxigraph.Literal("1/<x>-&"), graph
        ),
    ]
    path = tmp_path / "evil.html"
    write_html(GraphStore.in_memory(quads), path, focus="https://w3id.org/kg-vn/id/doc/evil")
    html = path.read_text(encoding="utf-8")
    assert NASTY not in html
    assert "<img" not in html
    assert "<b id=kgx>" not in html
    # the JSON still carries the text exactly
    node = _embedded_data(html)["nodes"][0]
    assert node["full"] == NASTY + " & <b id=kgx>"
    assert node["symbol"] == "1/<x>-&"


def test_script_json_escapes_html_characters() -> None:
    text = script_json({"a": "</script>&\u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script>&\u2028"}


def test_output_is_byte_identical(tmp_path: Path) -> None:
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    write_html(GraphStore.in_memory(_quads()), first)
    # the same graph loaded in another order still gives the same page
    write_html(GraphStore.in_memory(list(reversed(_quads()))), second)
    assert first.read_bytes() == second.read_bytes()


def test_layout_puts_implementers_below(store: GraphStore) -> None:
    nodes = {n["id"]: n for n in graph_data(store)["nodes"]}
    doc = "https://w3id.org/kg-vn/id/doc/cao-bang/"
    top = nodes[doc + "nghi-quyet-dai-hoi-dang-bo-tinh-xx"]["y"]
    middle = nodes[doc + "06-CTr-TU"]["y"]
    bottom = nodes[doc + "45-KH-UBND"]["y"]
    assert top < middle < bottom


def test_focus_and_types(store: GraphStore) -> None:
    focused = graph_data(store, focus="45/KH-UBND", depth=1)
    symbols = {n["symbol"] for n in focused["nodes"]}
    assert symbols == {"45/KH-UBND", "06-CTr/TU", "12/KH-UBND", "39/2015/NĐ-CP"}
    assert [n["symbol"] for n in focused["nodes"] if n["focus"]] == ["45/KH-UBND"]

    agencies = graph_data(store, types=["Agency", "place"])
    assert {n["group"] for n in agencies["nodes"]} == {"Agency", "Place"}
    assert agencies["edges"] == []
