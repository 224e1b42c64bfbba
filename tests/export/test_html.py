"""kg/export/html.py: the map's data and page, without a browser (see test_map_browser.py)."""

from __future__ import annotations

import base64
import hashlib
import html as html_lib
import itertools
import json
import re
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from kg.export.html import (
    CLASS_LABELS,
    MAX_QUOTES,
    RELATION_LABELS,
    UI_STRINGS,
    FocusNotFoundError,
    Link,
    MapFacts,
    _capped,
    _layers,
    graph_data,
    script_json,
    write_html,
)
from kg.store import GraphStore

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "trace_graph.trig"
NASTY = "</script><img src=x onerror=alert(1)>"
# every entity of the fixture: 10 documents, an agency, a place, a border gate, a target
ENTITY_COUNT = 14
KG = "https://w3id.org/kg-vn/ontology#"
KGR = "https://w3id.org/kg-vn/id/"
DOC = KGR + "doc/cao-bang/"
# the contract's classes (but Mention and SourceFile, which are not drawn) and relations
CONTRACT_CLASSES = [
    *("Document", "Resolution", "Programme", "Plan", "Conclusion", "Decision", "Directive"),
    *("Guidance", "Scheme", "Decree", "Circular", "OfficialLetter", "Report", "Notice"),
    *("Dispatch", "Regulation", "Law", "Strategy", "Planning", "Agency", "BorderGate"),
    *("Target", "Place", "Person"),
]
CONTRACT_RELATIONS = [
    *("implements", "basedOn", "guides", "cites", "amends", "replaces", "repeals"),
    *("respondsTo", "setsTarget", "concerns", "responsibleAgency", "issuedBy", "jurisdiction"),
    *("locatedIn", "signedBy"),
]


def _quads() -> list[ox.Quad]:
    return list(ox.parse(path=str(FIXTURE), format=ox.RdfFormat.TRIG))


@pytest.fixture(scope="module")
def store() -> GraphStore:
    return GraphStore.in_memory(_quads())


@pytest.fixture(scope="module")
def data(store: GraphStore) -> dict[str, Any]:
    return graph_data(store)


def _by_iri(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {n["iri"]: n for n in data["nodes"]}


def _prop(node: dict[str, Any], key: str) -> list[str]:
    return [value for name, value in node["props"] if name == key]


def _embedded_data(html: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', html, re.S)
    assert match
    return json.loads(match.group(1))


def test_writes_every_entity_and_only_entities(store: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "sub" / "graph.html"
    assert write_html(store, path) == ENTITY_COUNT
    data = _embedded_data(path.read_text(encoding="utf-8"))
    iris = [node["iri"] for node in data["nodes"]]
    assert len(set(iris)) == len(iris) == ENTITY_COUNT
    assert not any("/mention/" in i or "/source/" in i for i in iris)
    labels = {row["l"].value for row in store.query(f"SELECT ?l {{ ?n rdfs:label ?l {_IN_KGR} }}")}
    assert labels == {node["full"] for node in data["nodes"]}
    assert all(0 <= e["from"] < ENTITY_COUNT and 0 <= e["to"] < ENTITY_COUNT for e in data["edges"])
    # every link between two entities is drawn, in its direction
    drawn = {(iris[e["from"]], e["rel"], iris[e["to"]]) for e in data["edges"]}
    assert (DOC + "45-KH-UBND", "implements", DOC + "06-CTr-TU") in drawn
    assert (DOC + "45-KH-UBND", "basedOn", KGR + "doc/39-2015-ND-CP") in drawn
    assert (KGR + "gate/tra-linh", "locatedIn", KGR + "place/cao-bang") in drawn


_IN_KGR = f'FILTER(STRSTARTS(STR(?n), "{KGR}"))'


def test_relations_and_classes_are_named_in_vietnamese_and_english(data: dict[str, Any]) -> None:
    relations = {r["rel"]: r for r in data["relations"]}
    assert relations["implements"]["vi"] == "thực hiện"
    assert relations["implements"]["en"] == "implements"
    assert {relations[r]["vi"] for r in ("basedOn", "guides", "cites", "issuedBy")} == {
        "căn cứ",
        "hướng dẫn",
        "dẫn chiếu",
        "ban hành",
    }
    classes = {c["group"]: c for c in data["classes"]}
    assert classes["BorderGate"]["vi"] == "Cửa khẩu" and classes["BorderGate"]["shape"] == "diamond"
    assert classes["Plan"]["shape"] == "box"
    assert classes["Plan"]["count"] == 2
    # every class and relation of the contract has both wordings and a distinct colour per class
    for name in CONTRACT_CLASSES:
        vi, en = CLASS_LABELS[name]
        assert vi and en
    for name in CONTRACT_RELATIONS:
        vi, en = RELATION_LABELS[name]
        assert vi and en and vi != name
    assert set(data["ui"]["vi"]) == set(data["ui"]["en"]) == set(UI_STRINGS)
    assert data["ui"]["vi"]["trace"] == "Truy vết chuỗi thực hiện"


def test_page_needs_no_network_and_allows_only_its_own_scripts(
    store: GraphStore, tmp_path: Path
) -> None:
    path = tmp_path / "graph.html"
    write_html(store, path)
    html = path.read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    assert not re.search(r"<script[^>]*\ssrc\s*=", html, re.I)
    assert not re.search(r"<link\b", html, re.I)
    assert "sourceMappingURL" not in html  # nothing asks for vis-network.min.js.map
    assert "vis.js is dual licensed" in html  # the licence header travels with the library
    found = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert found
    csp = html_lib.unescape(found.group(1))
    assert "default-src 'none'" in csp
    # the policy names each inline script by its hash: edit one and it stops running
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(scripts) == 2
    for code in scripts:
        digest = base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]


def test_the_pages_script_never_parses_text_as_html() -> None:
    script = (Path(__file__).resolve().parents[2] / "kg/export/assets/map.js").read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script


def test_document_text_cannot_inject_markup(tmp_path: Path) -> None:
    doc = ox.NamedNode(KGR + "doc/evil")
    graph = ox.NamedNode(KGR + "source/evil-txt")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    quads = [
        ox.Quad(doc, rdf_type, ox.NamedNode(KG + "Document"), graph),
        ox.Quad(doc, label, ox.Literal(NASTY + " & <b id=kgx>\u2028"), graph),
        ox.Quad(doc, ox.NamedNode(KG + "symbol"), ox.Literal("1/<x>-&"), graph),
    ]
    path = tmp_path / "evil.html"
    write_html(GraphStore.in_memory(quads), path, focus=KGR + "doc/evil")
    html = path.read_text(encoding="utf-8")
    assert NASTY not in html
    assert "<img" not in html
    assert "<b id=kgx>" not in html
    assert "\u2028" not in html.split('id="graph-data">')[1].split("</script>")[0]
    # the title element carries it escaped; the JSON still carries the text exactly
    assert "<title>Bản đồ văn bản chính sách — &lt;/script&gt;&lt;img" in html
    node = _embedded_data(html)["nodes"][0]
    assert node["full"] == NASTY + " & <b id=kgx>\u2028"
    assert _prop(node, "symbol") == ["1/<x>-&"]


def test_script_json_escapes_html_characters() -> None:
    text = script_json({"a": "</script>&\u2028\u2029<!--"})
    assert not set(text) & {"<", ">", "&", "\u2028", "\u2029"}
    assert json.loads(text) == {"a": "</script>&\u2028\u2029<!--"}


def test_output_is_byte_identical(tmp_path: Path) -> None:
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    write_html(GraphStore.in_memory(_quads()), first)
    # the same graph loaded in another order still gives the same page
    write_html(GraphStore.in_memory(list(reversed(_quads()))), second)
    assert first.read_bytes() == second.read_bytes()


def test_the_builds_per_graph_facts_are_what_the_store_shows(
    store: GraphStore, data: dict[str, Any]
) -> None:
    """The build reads the map's facts from each named graph's N-Quads and joins them; that
    must be what reading the union in the store gives, and so must the page's data."""
    graphs: dict[str, list[str]] = {}
    for quad in _quads():
        graphs.setdefault(str(quad.graph_name), []).append(f"{quad} .\n")
    parts = [MapFacts.from_nquads("".join(sorted(lines)).encode()) for lines in graphs.values()]
    assert len(parts) > 2
    joined = MapFacts.union(parts)
    assert joined == MapFacts.from_store(store)
    assert joined.columns["quote"] and joined.links and joined.mentions  # not trivially equal
    assert graph_data(store, facts=joined) == data


def test_quotes_are_capped_after_ordering_by_file_and_offset() -> None:
    quotes = {(f"q{i}", f"f{i % 3}.txt", 100 - i, 101 - i, "") for i in range(20)}
    shown, count = _capped(quotes)
    assert count == 20 and len(shown) == MAX_QUOTES
    assert shown == [list(q) for q in sorted(quotes, key=lambda q: (q[1], q[2]))][:MAX_QUOTES]


def test_cycles_share_a_layer_below_what_they_implement() -> None:
    links = [
        Link("b", "implements", "a"),
        Link("c", "implements", "b"),
        Link("b", "implements", "c"),  # b and c implement each other
        Link("d", "basedOn", "c"),
        Link("e", "cites", "a"),  # not a layering relation
    ]
    assert _layers(["a", "b", "c", "d", "e"], links) == {"a": 0, "b": 1, "c": 1, "d": 2, "e": 0}


def test_evidence_is_precomputed_for_nodes_and_edges(data: dict[str, Any]) -> None:
    nodes = _by_iri(data)
    programme = nodes[DOC + "06-CTr-TU"]
    assert programme["quotes"] == [["06-CTr/TU", "003_8d9677976a386358.txt", 120, 129, ""]]
    assert programme["quoteCount"] == 1
    assert _prop(programme, "symbol") == ["06-CTr/TU"]
    assert _prop(programme, "date") == ["2025-11-28"]
    assert _prop(programme, "issuer") == ["Tỉnh ủy Cao Bằng"]
    assert _prop(programme, "sourceFile") == ["003_8d9677976a386358.txt"]  # the file it is
    iris = list(nodes)
    implements = next(
        e
        for e in data["edges"]
        if iris[e["from"]] == DOC + "06-CTr-TU"
        and e["rel"] == "implements"
        and iris[e["to"]] == DOC + "nghi-quyet-dai-hoi-dang-bo-tinh-xx"
    )
    assert implements["quotes"] == [
        [
            "Chương trình hành động thực hiện Nghị quyết Đại hội đại biểu Đảng bộ tỉnh lần thứ XX",
            "003_8d9677976a386358.txt",
            100,
            220,
            "thực hiện",
        ]
    ]
    target = nodes[KGR + "target/cao-bang/grdp-2030"]
    assert _prop(target, "value") == ["8.5 %/năm"]
    assert _prop(target, "targetYear") == ["2030"]
    gate = nodes[KGR + "gate/tra-linh"]
    assert _prop(gate, "level") == ["international"]
    assert _prop(gate, "located") == ["Cao Bằng"]


def test_search_keys_are_folded(data: dict[str, Any]) -> None:
    nodes = _by_iri(data)
    assert "cua khau quoc te tra linh" in nodes[KGR + "gate/tra-linh"]["search"]
    assert "57-nq/tw" in nodes[KGR + "doc/57-NQ-TW"]["search"]
    # đ folds to d, and alternative labels are searchable
    resolution = nodes[DOC + "nghi-quyet-dai-hoi-dang-bo-tinh-xx"]["search"]
    assert "nghi quyet dai hoi dai bieu dang bo tinh cao bang" in resolution


def test_layout_puts_implementers_below(data: dict[str, Any]) -> None:
    nodes = _by_iri(data)
    top = nodes[DOC + "nghi-quyet-dai-hoi-dang-bo-tinh-xx"]["y"]
    middle = nodes[DOC + "06-CTr-TU"]["y"]
    bottom = nodes[DOC + "45-KH-UBND"]["y"]
    lowest = nodes[DOC + "12-KH-UBND"]["y"]
    assert top < middle < bottom < lowest
    # a document relied on (căn cứ) sits above the one relying on it
    assert nodes[KGR + "doc/39-2015-ND-CP"]["y"] < bottom
    # agencies and places come below every document
    documents = [n["y"] for n in data["nodes"] if n["group"] not in ("Agency", "Place", "Target")]
    assert nodes[KGR + "agency/tinh-uy-cao-bang"]["y"] > max(documents)


def _chain_graph(plans: int) -> list[ox.Quad]:
    """2 resolutions <- 10 programmes <- `plans` plans, each with an issuing agency."""
    graph = ox.NamedNode(KGR + "source/x-txt")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    quads = []

    def doc(name: str, kind: str, parent: str | None) -> None:
        node = ox.NamedNode(KGR + "doc/" + name)
        quads.append(ox.Quad(node, rdf_type, ox.NamedNode(KG + kind), graph))
        quads.append(ox.Quad(node, ox.NamedNode(KG + "symbol"), ox.Literal(name), graph))
        if parent:
            target = ox.NamedNode(KGR + "doc/" + parent)
            quads.append(ox.Quad(node, ox.NamedNode(KG + "implements"), target, graph))

    for r in range(2):
        doc(f"{r}-NQ/TW", "Resolution", None)
    for p in range(10):
        doc(f"{p}-CTr/TU", "Programme", f"{p % 2}-NQ/TW")
    for k in range(plans):
        doc(f"{k}-KH/UBND-long-symbol", "Plan", f"{k % 10}-CTr/TU")
    return quads


def test_big_layers_wrap_without_overlapping() -> None:
    data = graph_data(GraphStore.in_memory(_chain_graph(600)))
    ys = {g: {n["y"] for n in data["nodes"] if n["group"] == g} for g in ("Resolution", "Plan")}
    programmes = {n["y"] for n in data["nodes"] if n["group"] == "Programme"}
    assert max(ys["Resolution"]) < min(programmes) and max(programmes) < min(ys["Plan"])
    assert len(ys["Plan"]) > 1  # 600 plans wrap onto several lines
    xs = [n["x"] for n in data["nodes"]]
    assert max(xs) - min(xs) < 6 * (max(n["y"] for n in data["nodes"]) + 1)  # no endless row
    rows: dict[int, list[tuple[int, int]]] = {}
    for node in data["nodes"]:
        half = (len(node["label"]) * 7.5 + 24) / 2
        rows.setdefault(node["y"], []).append((node["x"] - half, node["x"] + half))
    for spans in rows.values():
        spans.sort()
        assert all(left[1] <= right[0] for left, right in itertools.pairwise(spans))


def test_focus_and_types(store: GraphStore) -> None:
    focused = graph_data(store, focus="45/KH-UBND", depth=1)
    symbols = {s for n in focused["nodes"] for s in _prop(n, "symbol")}
    assert symbols == {"45/KH-UBND", "06-CTr/TU", "12/KH-UBND", "39/2015/NĐ-CP"}
    assert [_prop(n, "symbol") for n in focused["nodes"] if n["focus"]] == [["45/KH-UBND"]]

    agencies = graph_data(store, types=["Agency", "place"])
    assert {n["group"] for n in agencies["nodes"]} == {"Agency", "Place"}
    assert agencies["edges"] == []

    with pytest.raises(FocusNotFoundError):
        graph_data(store, focus="999-XX/YY")


@pytest.mark.parametrize("collecting", [True, False])
def test_the_page_data_leaves_the_garbage_collector_as_it_was(
    store: GraphStore, data: dict[str, Any], collecting: bool
) -> None:
    """graph_data pauses the cyclic collector while it works, and only while it does."""
    import gc

    was = gc.isenabled()
    try:
        gc.enable() if collecting else gc.disable()
        assert graph_data(store) == data
        assert gc.isenabled() is collecting
    finally:
        gc.enable() if was else gc.disable()
