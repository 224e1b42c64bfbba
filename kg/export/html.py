"""The graph as one self-contained HTML page (vis-network), readable offline from disk.

Nodes are the entities (documents, agencies, places, border gates, targets...), never mentions or
source files; edges are the kg: object properties between them, labelled in Vietnamese.

The page is deterministic: nodes and edges are sorted, positions are computed here (documents in
layers by `implements`/`guides`, other entities in bands below) and vis-network's physics is off,
so the same graph always gives byte-identical HTML. Document text only reaches the page as JSON
(with `<`, `>`, `&` escaped) and is shown with `textContent`/canvas text, never as HTML.
"""

from __future__ import annotations

import importlib.util
import json
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.rdf.namespaces import KG, KGR, RDF, RDFS

if TYPE_CHECKING:
    from kg.store import GraphStore

TEMPLATE = "graph.html.j2"
VIS_VERSION_DIR = "vis-9.1.2"  # the vis-network build pyvis ships; the page inlines it

# Edge predicates drawn on the map, with their Vietnamese labels.
EDGE_LABELS_VI: dict[str, str] = {
    "implements": "thực hiện",
    "basedOn": "căn cứ",
    "guides": "hướng dẫn",
    "cites": "dẫn chiếu",
    "respondsTo": "trả lời",
    "amends": "sửa đổi",
    "replaces": "thay thế",
    "repeals": "bãi bỏ",
    "issuedBy": "ban hành bởi",
    "concerns": "liên quan",
    "setsTarget": "đặt chỉ tiêu",
    "responsibleAgency": "giao cho",
    "jurisdiction": "địa bàn",
    "locatedIn": "thuộc",
}
CLASS_LABELS_VI: dict[str, str] = {
    "Document": "Văn bản",
    "Resolution": "Nghị quyết",
    "Programme": "Chương trình",
    "Plan": "Kế hoạch",
    "Conclusion": "Kết luận",
    "Decision": "Quyết định",
    "Directive": "Chỉ thị",
    "Guidance": "Hướng dẫn",
    "Scheme": "Đề án",
    "Decree": "Nghị định",
    "Circular": "Thông tư",
    "OfficialLetter": "Công văn",
    "Report": "Báo cáo",
    "Notice": "Thông báo",
    "Dispatch": "Công điện",
    "Regulation": "Quy định",
    "Law": "Luật",
    "Strategy": "Chiến lược",
    "Planning": "Quy hoạch",
    "Agency": "Cơ quan",
    "BorderGate": "Cửa khẩu",
    "Target": "Chỉ tiêu",
    "Place": "Địa danh",
    "Person": "Người",
}
CLASS_COLOURS: dict[str, str] = {
    "Resolution": "#d62728",
    "Programme": "#ff7f0e",
    "Plan": "#2ca02c",
    "Conclusion": "#9467bd",
    "Decision": "#8c564b",
    "Directive": "#e377c2",
    "Guidance": "#bcbd22",
    "Scheme": "#17becf",
    "Decree": "#7f7f7f",
    "Circular": "#aec7e8",
    "OfficialLetter": "#ffbb78",
    "Report": "#98df8a",
    "Notice": "#c5b0d5",
    "Dispatch": "#c49c94",
    "Law": "#393b79",
    "Document": "#1f77b4",
    "Agency": "#637939",
    "BorderGate": "#e7ba52",
    "Target": "#ad494a",
    "Place": "#7b4173",
    "Person": "#5254a3",
}
DEFAULT_COLOUR = "#6b6ecf"
EXCLUDED_CLASSES = frozenset({"Mention", "SourceFile"})
# documents are layered along these (child below the document it implements or guides)
HIERARCHY = ("implements", "guides")
BAND_ORDER = ("Programme", "BorderGate", "Target", "Agency", "Place", "Person")

ROW_WIDTH = 12  # nodes per row before a layer wraps
X_GAP = 240
Y_GAP = 140
LABEL_MAX = 42


class FocusNotFoundError(LookupError):
    """`--focus` names nothing in the graph."""


class AssetMissingError(FileNotFoundError):
    """vis-network's files were not found (pyvis not installed?)."""


# --- reading the graph ------------------------------------------------------------------------


def _rows(store: GraphStore, sparql: str) -> list:
    return list(store.query(sparql))


def _entities(store: GraphStore) -> dict[str, dict[str, Any]]:
    """Every kgr: resource with a kg: class other than Mention/SourceFile, with its display data."""
    excluded = " ".join(f"kg:{c}" for c in sorted(EXCLUDED_CLASSES))
    rows = _rows(
        store,
        "SELECT ?n ?p ?v WHERE { "
        "VALUES ?p { rdf:type rdfs:label kg:name kg:symbol kg:dateIssued kg:title kg:indicator "
        "kg:value kg:valueMax kg:unit kg:targetYear } ?n ?p ?v . "
        f'FILTER(isIRI(?n) && STRSTARTS(STR(?n), "{KGR}")) '
        f"FILTER NOT EXISTS {{ ?n a ?x . VALUES ?x {{ {excluded} }} }} }}",
    )
    props: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        props[row["n"].value][row["p"].value].append(row["v"].value)
    entities: dict[str, dict[str, Any]] = {}
    for iri, values in props.items():
        classes = sorted(v[len(KG) :] for v in values.get(RDF + "type", []) if v.startswith(KG))
        if not classes:
            continue

        def first(local: str, values: dict[str, list[str]] = values) -> str:
            found = values.get(local if "#" in local else KG + local)
            return min(found) if found else ""

        symbol = first("symbol")
        label = (
            first(RDFS + "label")
            or first("name")
            or symbol
            or first("title")
            or first("indicator")
            or iri.rsplit("/", 1)[-1]
        )
        entities[iri] = {
            "classes": classes,
            "label": label,
            "symbol": symbol,
            "date": first("dateIssued"),
            "target": " ".join(
                part
                for part in (
                    first("value") + (f"–{first('valueMax')}" if first("valueMax") else ""),
                    first("unit"),
                    f"({first('targetYear')})" if first("targetYear") else "",
                )
                if part
            ),
        }
    return entities


def _edges(store: GraphStore, nodes: set[str]) -> list[tuple[str, str, str]]:
    predicates = " ".join(f"kg:{p}" for p in EDGE_LABELS_VI)
    rows = _rows(
        store, f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?p {{ {predicates} }} ?s ?p ?o }}"
    )
    found = {
        (row["s"].value, row["p"].value[len(KG) :], row["o"].value)
        for row in rows
        if row["s"].value in nodes and row["o"].value in nodes
    }
    return sorted(found)


def primary_class(classes: list[str]) -> str:
    """The class a node is drawn as: a document's kind (`Plan`), else its own class."""
    specific = [c for c in classes if c != "Document"]
    if "Document" in classes:
        kinds = [c for c in specific if c in CLASS_LABELS_VI]
        return kinds[0] if kinds else (specific[0] if specific else "Document")
    known = [c for c in specific if c in CLASS_LABELS_VI]
    return (known or specific or ["Document"])[0]


# --- choosing what to draw --------------------------------------------------------------------


def _keep_types(
    entities: dict[str, dict[str, Any]], types: list[str] | None
) -> dict[str, dict[str, Any]]:
    if not types:
        return entities
    wanted = {t.strip().lower() for t in types if t.strip()}
    return {iri: e for iri, e in entities.items() if any(c.lower() in wanted for c in e["classes"])}


def _neighbourhood(root: str, edges: list[tuple[str, str, str]], depth: int) -> set[str]:
    """Nodes within `depth` edges of `root`, edges taken in either direction."""
    adjacent: dict[str, set[str]] = defaultdict(set)
    for s, _, o in edges:
        adjacent[s].add(o)
        adjacent[o].add(s)
    seen = {root}
    frontier = {root}
    for _ in range(max(depth, 0)):
        frontier = {n for f in frontier for n in adjacent[f]} - seen
        if not frontier:
            break
        seen |= frontier
    return seen


# --- layout -----------------------------------------------------------------------------------


def _layers(docs: list[str], edges: list[tuple[str, str, str]]) -> dict[str, int]:
    """Layer of each document in the implements/guides hierarchy: implemented documents on top.

    Cycles (A implements B implements A, a data error but possible) are collapsed first so the
    longest-path layering stays defined.
    """
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_nodes_from(docs)
    doc_set = set(docs)
    for s, p, o in edges:
        if p in HIERARCHY and s in doc_set and o in doc_set and s != o:
            graph.add_edge(o, s)  # parent -> child
    dag = nx.condensation(graph)
    members = dag.graph["mapping"]  # node -> component
    level: dict[int, int] = {}
    for component in nx.lexicographical_topological_sort(dag):
        parents = list(dag.predecessors(component))
        level[component] = max((level[p] + 1 for p in parents), default=0)
    return {doc: level[members[doc]] for doc in docs}


def _layout(
    entities: dict[str, dict[str, Any]], edges: list[tuple[str, str, str]]
) -> dict[str, tuple[int, int]]:
    """Deterministic positions: hierarchy layers, then loose documents, then bands by class."""
    neighbours: dict[str, set[str]] = defaultdict(set)
    linked_docs: set[str] = set()
    for s, p, o in edges:
        neighbours[s].add(o)
        neighbours[o].add(s)
        if p in HIERARCHY:
            linked_docs |= {s, o}
    docs = sorted(i for i, e in entities.items() if "Document" in e["classes"])
    layered = [d for d in docs if d in linked_docs]
    loose = [d for d in docs if d not in linked_docs]
    layer_of = _layers(layered, edges)

    rows: list[list[str]] = []
    for layer in range(max(layer_of.values(), default=-1) + 1):
        rows.append([d for d in layered if layer_of[d] == layer])
    rows.append(loose)
    others = [i for i in entities if "Document" not in entities[i]["classes"]]
    bands: dict[str, list[str]] = defaultdict(list)
    for iri in others:
        bands[entities[iri]["group"]].append(iri)
    order = {name: index for index, name in enumerate(BAND_ORDER)}
    for group in sorted(bands, key=lambda g: (order.get(g, len(order)), g)):
        rows.append(bands[group])

    positions: dict[str, tuple[int, int]] = {}
    y = 0
    for row in rows:
        if not row:
            continue

        def barycentre(iri: str) -> tuple[float, str, str]:
            # order a row by where its already-placed neighbours are, to shorten edges
            placed = [positions[n][0] for n in neighbours[iri] if n in positions]
            centre = sum(placed) / len(placed) if placed else float("inf")
            return centre, entities[iri]["label"], iri

        ordered = sorted(row, key=barycentre)
        for start in range(0, len(ordered), ROW_WIDTH):
            chunk = ordered[start : start + ROW_WIDTH]
            offset = (len(chunk) - 1) * X_GAP / 2
            for index, iri in enumerate(chunk):
                positions[iri] = (round(index * X_GAP - offset), y)
            y += Y_GAP
        y += Y_GAP // 2  # a gap between layers and bands
    return positions


# --- the page ---------------------------------------------------------------------------------


def _short(label: str) -> str:
    return label if len(label) <= LABEL_MAX else label[: LABEL_MAX - 1].rstrip() + "…"


def _tooltip(entity: dict[str, Any]) -> str:
    """Plain text (vis-network shows a string title with innerText)."""
    lines = [entity["label"]]
    if entity["symbol"] and entity["symbol"] != entity["label"]:
        lines.append(f"Số, ký hiệu: {entity['symbol']}")
    if entity["date"]:
        lines.append(f"Ngày ban hành: {entity['date']}")
    if entity["target"]:
        lines.append(f"Giá trị: {entity['target']}")
    lines.append(CLASS_LABELS_VI.get(entity["group"], entity["group"]))
    return "\n".join(lines)


def graph_data(
    store: GraphStore,
    *,
    focus: str | None = None,
    depth: int = 3,
    types: list[str] | None = None,
) -> dict[str, Any]:
    """The nodes, edges and legend the page draws, as JSON-ready, sorted data."""
    entities = _entities(store)
    for entity in entities.values():
        entity["group"] = primary_class(entity["classes"])
    kept = _keep_types(entities, types)
    focus_iri = None
    if focus:
        from kg.query.trace import find_node

        node = find_node(store, focus)
        if node is None or node.iri not in entities:
            raise FocusNotFoundError(f"--focus: nothing in the graph matches {focus!r}")
        focus_iri = node.iri
        kept = {**kept, focus_iri: entities[focus_iri]}  # the focus is shown whatever its type
    edges = _edges(store, set(kept))
    if focus_iri:
        near = _neighbourhood(focus_iri, edges, depth)
        kept = {iri: e for iri, e in kept.items() if iri in near}
        edges = [e for e in edges if e[0] in kept and e[2] in kept]
    positions = _layout(kept, edges)

    nodes = []
    for iri in sorted(kept):
        entity = kept[iri]
        group = entity["group"]
        x, y = positions[iri]
        is_doc = "Document" in entity["classes"]
        nodes.append(
            {
                "id": iri,
                "label": _short(
                    entity["symbol"] if is_doc and entity["symbol"] else entity["label"]
                ),
                "full": entity["label"],
                "symbol": entity["symbol"],
                "date": entity["date"],
                "group": group,
                "groupLabel": CLASS_LABELS_VI.get(group, group),
                "title": _tooltip(entity),
                "color": CLASS_COLOURS.get(group, DEFAULT_COLOUR),
                "shape": "box" if is_doc else "dot",
                "x": x,
                "y": y,
                "focus": iri == focus_iri,
            }
        )
    edge_data = [
        {
            "id": f"e{index}",
            "from": s,
            "to": o,
            "predicate": p,
            "label": EDGE_LABELS_VI[p],
        }
        for index, (s, p, o) in enumerate(edges)
    ]
    groups = sorted({n["group"] for n in nodes})
    legend = [
        {
            "group": g,
            "label": CLASS_LABELS_VI.get(g, g),
            "color": CLASS_COLOURS.get(g, DEFAULT_COLOUR),
        }
        for g in groups
    ]
    return {"nodes": nodes, "edges": edge_data, "legend": legend}


def script_json(data: Any) -> str:
    """JSON safe inside a <script> element: `<`, `>`, `&` (and JS line separators) escaped."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for raw, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return text


def _vis_assets() -> tuple[str, str]:
    """vis-network's JS and CSS, from kg/export/assets if vendored there, else from pyvis.

    vis-network is dual-licensed Apache-2.0 / MIT (its licence header is kept in the bundle).
    find_spec locates pyvis without importing it (pyvis' import pulls in IPython helpers).
    """
    candidates = [Path(__file__).parent / "assets"]
    spec = importlib.util.find_spec("pyvis")
    if spec and spec.submodule_search_locations:
        lib = Path(next(iter(spec.submodule_search_locations))) / "templates" / "lib"
        candidates.append(lib / VIS_VERSION_DIR)
        candidates += sorted(lib.glob("vis-*"), reverse=True)
    for folder in candidates:
        js, css = folder / "vis-network.min.js", folder / "vis-network.css"
        if js.is_file() and css.is_file():
            script = js.read_text(encoding="utf-8")
            style = css.read_text(encoding="utf-8")
            if "</style" in style.lower() or "<!--" in script:
                # either would let the bundle break out of (or confuse) its inline element
                raise AssetMissingError(f"{folder}: vis-network cannot be inlined safely")
            # `</script` would end the inline element; `<\/` means the same inside JS strings
            return script.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT"), style
    raise AssetMissingError("vis-network not found: install pyvis (a dependency of kg-vn)")


def render_html(data: dict[str, Any], *, title: str = "Bản đồ văn bản chính sách") -> str:
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("kg.export", "templates"),
        autoescape=True,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    vis_js, vis_css = _vis_assets()
    return env.get_template(TEMPLATE).render(
        title=title,
        node_count=len(data["nodes"]),
        edge_count=len(data["edges"]),
        # already safe for their <script>/<style> elements (see script_json, _vis_assets)
        data_json=Markup(script_json(data)),
        vis_js=Markup(vis_js),
        vis_css=Markup(vis_css),
    )


def write_html(
    store: GraphStore,
    path: Path,
    *,
    focus: str | None = None,
    depth: int = 3,
    types: list[str] | None = None,
) -> int:
    """Write the map of `store` to `path`; returns the number of nodes drawn."""
    data = graph_data(store, focus=focus, depth=depth, types=types)
    title = "Bản đồ văn bản chính sách"
    if focus:
        focused = [n for n in data["nodes"] if n["focus"]]
        if focused:
            title += f" — {focused[0]['full']}"
    page = render_html(data, title=title)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # newline="\n": byte-identical output on every platform
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(page)
    return len(data["nodes"])
