"""The graph as one self-contained HTML page (vis-network), readable offline from disk.

Nodes are the entities (documents, agencies, places, border gates, targets...), never mentions or
source files; edges are the kg: object properties between them. Everything the page shows is
computed here and inlined as one JSON block: positions (documents in layers along the
implementation chains, other entities in bands below), the properties, links and quotes of the
evidence panel, folded search keys, and the Vietnamese and English wording.

The page is deterministic (sorted data, integer positions, no timestamps), so the same graph
always gives byte-identical HTML. Document text only reaches the page as JSON with `<`, `>`, `&`
escaped, and the page's script shows it with `textContent` or canvas text, never as HTML; a
Content-Security-Policy allows only the page's own scripts (by hash) and no network at all.
"""

from __future__ import annotations

import base64
import contextlib
import gc
import hashlib
import heapq
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.normalise.fold import fold_words
from kg.rdf.namespaces import KG, KGR, RDF, RDFS, SKOS

if TYPE_CHECKING:
    from kg.store import GraphStore

TEMPLATE = "graph.html.j2"
ASSETS = Path(__file__).parent / "assets"
# vis-network 9.1.2 standalone UMD build (vis-data included), Apache-2.0 / MIT: see assets/README.md
VIS_JS, VIS_CSS = "vis-network.min.js", "vis-network.css"
APP_JS, APP_CSS = "map.js", "map.css"

# kg: relations drawn as edges: (Vietnamese, English) labels. Other kg: properties that link two
# entities are drawn too, labelled with their local name.
RELATION_LABELS: dict[str, tuple[str, str]] = {
    "implements": ("thực hiện", "implements"),
    "guides": ("hướng dẫn", "guides"),
    "basedOn": ("căn cứ", "based on"),
    "cites": ("dẫn chiếu", "cites"),
    "respondsTo": ("trả lời", "responds to"),
    "amends": ("sửa đổi", "amends"),
    "replaces": ("thay thế", "replaces"),
    "repeals": ("bãi bỏ", "repeals"),
    "issuedBy": ("ban hành", "issued by"),
    "signedBy": ("người ký", "signed by"),
    "setsTarget": ("đặt chỉ tiêu", "sets target"),
    "responsibleAgency": ("chịu trách nhiệm", "responsible agency"),
    "concerns": ("liên quan", "concerns"),
    "jurisdiction": ("địa bàn", "jurisdiction"),
    "locatedIn": ("thuộc", "located in"),
}
# the implementation chain: what the trace action follows, up and down
CHAIN_RELATIONS = ("implements", "guides")
# relations that put their object in a layer above their subject
LAYER_RELATIONS = (*CHAIN_RELATIONS, "basedOn")
RELATION_COLOURS: dict[str, str] = {
    "implements": "#c62828",
    "guides": "#9e9d24",
    "basedOn": "#1565c0",
    "cites": "#78909c",
    "respondsTo": "#6a1b9a",
    "amends": "#ef6c00",
    "replaces": "#ef6c00",
    "repeals": "#ef6c00",
}
ENTITY_LINK_COLOUR = "#b0bec5"  # links to agencies, places, targets: quieter than documents'

CLASS_LABELS: dict[str, tuple[str, str]] = {
    "Resolution": ("Nghị quyết", "Resolution"),
    "Programme": ("Chương trình", "Programme"),
    "Plan": ("Kế hoạch", "Plan"),
    "Guidance": ("Hướng dẫn", "Guidance"),
    "Conclusion": ("Kết luận", "Conclusion"),
    "Directive": ("Chỉ thị", "Directive"),
    "Decision": ("Quyết định", "Decision"),
    "Scheme": ("Đề án", "Scheme"),
    "Decree": ("Nghị định", "Decree"),
    "Circular": ("Thông tư", "Circular"),
    "OfficialLetter": ("Công văn", "Official letter"),
    "Report": ("Báo cáo", "Report"),
    "Notice": ("Thông báo", "Notice"),
    "Dispatch": ("Công điện", "Dispatch"),
    "Regulation": ("Quy định", "Regulation"),
    "Law": ("Luật", "Law"),
    "Strategy": ("Chiến lược", "Strategy"),
    "Planning": ("Quy hoạch", "Planning"),
    "Document": ("Văn bản khác", "Other document"),
    "Agency": ("Cơ quan", "Agency"),
    "BorderGate": ("Cửa khẩu", "Border gate"),
    "Target": ("Chỉ tiêu", "Target"),
    "Place": ("Địa danh", "Place"),
    "Person": ("Người", "Person"),
}
CLASS_COLOURS: dict[str, str] = {
    "Resolution": "#c62828",
    "Programme": "#ef6c00",
    "Plan": "#2e7d32",
    "Guidance": "#9e9d24",
    "Conclusion": "#6a1b9a",
    "Directive": "#ad1457",
    "Decision": "#6d4c41",
    "Scheme": "#00838f",
    "Decree": "#546e7a",
    "Circular": "#5c6bc0",
    "OfficialLetter": "#f9a825",
    "Report": "#7cb342",
    "Notice": "#8e24aa",
    "Dispatch": "#a1887f",
    "Regulation": "#00695c",
    "Law": "#283593",
    "Strategy": "#0277bd",
    "Planning": "#4527a0",
    "Document": "#1565c0",
    "Agency": "#607d8b",
    "BorderGate": "#ffb300",
    "Target": "#d81b60",
    "Place": "#8d6e63",
    "Person": "#5e35b1",
}
DEFAULT_COLOUR = "#90a4ae"
# vis-network shapes for what is not a document (documents are boxes with their symbol)
CLASS_SHAPES: dict[str, str] = {
    "Agency": "dot",
    "BorderGate": "diamond",
    "Target": "star",
    "Place": "triangle",
    "Person": "hexagon",
}
DOCUMENT_SHAPE = "box"
EXCLUDED_CLASSES = frozenset({"Mention", "SourceFile"})
NOT_EDGES = frozenset({"sourceFile", "mentions", "source"})
# non-documents go in bands below the documents, in this order
BAND_ORDER = ("Target", "BorderGate", "Place", "Agency", "Person")

GATE_LEVELS: dict[str, tuple[str, str]] = {
    "international": ("quốc tế", "international"),
    "main": ("chính", "main"),
    "bilateral": ("song phương", "bilateral"),
    "secondary": ("phụ", "secondary"),
    "opening": ("lối mở", "border opening"),
    "clearance": ("lối thông quan", "clearance crossing"),
    "scenic": ("khu du lịch chung", "shared scenic area"),
    "unknown": ("chưa rõ", "unknown"),
}
COMPARATORS = {"atLeast": "≥ ", "atMost": "≤ ", "exactly": "", "range": ""}

# The page's wording; `{n}`-style fields are filled in by the page.
UI_STRINGS: dict[str, tuple[str, str]] = {
    "title": ("Bản đồ văn bản chính sách", "Policy document map"),
    "language": ("English", "Tiếng Việt"),  # the button names the language it switches to
    "search": ("Tìm văn bản, cơ quan, địa danh… (gõ không dấu cũng được)", "Find a document…"),
    "searchLabel": ("Tìm kiếm", "Search"),
    "noMatch": ("Không tìm thấy", "No match"),
    "types": ("Loại thực thể", "Entity types"),
    "relations": ("Quan hệ", "Relations"),
    "all": ("Tất cả", "All"),
    "none": ("Bỏ hết", "None"),
    "physics": ("Mô phỏng lực", "Physics"),
    "fit": ("Xem toàn bộ", "Fit to screen"),
    "showAll": ("Hiện tất cả", "Show all"),
    "shown": ("{n}/{N} nút · {e}/{E} cạnh", "{n}/{N} nodes · {e}/{E} edges"),
    "details": ("Chi tiết", "Details"),
    "hint": (
        "Bấm vào một nút để xem thuộc tính, liên kết và trích dẫn nguyên văn.",
        "Click a node to see its properties, links and quotes.",
    ),
    "properties": ("Thuộc tính", "Properties"),
    "linksOut": ("Liên kết đi", "Links out"),
    "linksIn": ("Liên kết đến", "Links in"),
    "quotes": ("Trích dẫn nguyên văn", "Quotes"),
    "noQuotes": ("Không có trích dẫn.", "No quotes."),
    "moreQuotes": ("… và {n} trích dẫn khác", "… and {n} more"),
    "edge": ("Quan hệ", "Relation"),
    "trace": ("Truy vết chuỗi thực hiện", "Trace implementation chain"),
    "tracing": ("Đang truy vết chuỗi thực hiện của:", "Tracing the implementation chain of:"),
    "file": ("tệp", "file"),
    "chars": ("ký tự", "characters"),
    "cue": ("từ chỉ dẫn", "cue"),
    "focus": ("Văn bản trọng tâm", "Focus document"),
    # property names in the panel
    "p.class": ("Loại", "Type"),
    "p.symbol": ("Số, ký hiệu", "Symbol"),
    "p.date": ("Ngày ban hành", "Date issued"),
    "p.issuer": ("Cơ quan ban hành", "Issued by"),
    "p.issuerCode": ("Mã cơ quan ban hành", "Issuer code"),
    "p.title": ("Trích yếu", "Title"),
    "p.name": ("Tên", "Name"),
    "p.altLabel": ("Tên gọi khác", "Also written"),
    "p.jurisdiction": ("Địa bàn", "Jurisdiction"),
    "p.level": ("Cấp cửa khẩu", "Gate level"),
    "p.counterpart": ("Cửa khẩu đối diện", "Counterpart"),
    "p.located": ("Thuộc", "Located in"),
    "p.indicator": ("Chỉ tiêu", "Indicator"),
    "p.value": ("Giá trị", "Value"),
    "p.targetYear": ("Năm đạt", "Target year"),
    "p.sourceFile": ("Tệp nguồn", "Source file"),
    "p.iri": ("IRI", "IRI"),
}

MAX_QUOTES = 8  # per node and per edge; the panel says how many more there are
LABEL_MAX = 40  # characters drawn on the canvas; the panel has the full label
CHAR_WIDTH = 7.5  # px per character of a 13 px label, to keep neighbours from overlapping
NODE_PADDING = 24
X_GAP = 36
LINE_GAP = 80  # between wrapped lines of one layer
LAYER_GAP = 150  # between layers, so edges between them read top-down
MIN_ROW_WIDTH = 1800


class FocusNotFoundError(LookupError):
    """`--focus` names nothing in the graph."""


class AssetMissingError(FileNotFoundError):
    """A file the page inlines is missing from kg/export/assets (a broken install)."""


@dataclass
class Entity:
    iri: str
    classes: list[str]
    values: dict[str, list[str]]
    group: str = ""
    label: str = ""

    def first(self, prop: str) -> str:
        found = self.values.get(prop)
        return min(found) if found else ""

    @property
    def is_document(self) -> bool:
        return "Document" in self.classes or _is_document_class(self.group)


@dataclass(frozen=True, order=True)
class Link:
    subject: str
    relation: str
    object: str


# --- reading the graph ------------------------------------------------------------------------

ENTITY_PROPERTIES = {
    RDFS + "label": "label",
    KG + "name": "name",
    SKOS + "altLabel": "altLabel",
    KG + "symbol": "symbol",
    KG + "issuerCode": "issuerCode",
    KG + "dateIssued": "date",
    KG + "title": "title",
    KG + "indicator": "indicator",
    KG + "value": "value",
    KG + "valueMax": "valueMax",
    KG + "unit": "unit",
    KG + "comparator": "comparator",
    KG + "targetYear": "targetYear",
    KG + "gateLevel": "level",
    KG + "counterpart": "counterpart",
}


def _is_document_class(group: str) -> bool:
    return group in CLASS_LABELS and group not in CLASS_SHAPES


def _shape(group: str) -> str:
    return DOCUMENT_SHAPE if _is_document_class(group) else CLASS_SHAPES.get(group, "dot")


def primary_class(classes: list[str]) -> str:
    """The class a node is drawn as: a document's kind (`Plan`), else its own class."""
    specific = [c for c in classes if c != "Document"]
    known = [c for c in specific if c in CLASS_LABELS]
    if "Document" in classes:
        kinds = [c for c in known if c not in CLASS_SHAPES]
        return kinds[0] if kinds else "Document"
    return (known or specific or ["Document"])[0]


# the mentions' and edge mentions' properties the evidence panel joins, by their local names
EVIDENCE_COLUMNS = {
    KG + "quote": "quote",
    KG + "source": "source",
    KG + "start": "start",
    KG + "end": "end",
    KG + "cue": "cue",
    RDF + "subject": "subject",
    RDF + "predicate": "predicate",
    RDF + "object": "object",
}
_RDF_TYPE = RDF + "type"
_MENTION_CLASS = KG + "Mention"


# what the map reads of a triple, by its predicate (see `_plan`)
_SKIP, _TYPE = "skip", "type"


@dataclass(frozen=True)
class _Plan:
    value: str | None  # name in ENTITY_PROPERTIES
    column: str | None  # name in EVIDENCE_COLUMNS
    local: str | None  # local name of a kg: predicate


def _plan(predicate: str) -> _Plan | str:
    if predicate == _RDF_TYPE:
        return _TYPE
    local = predicate[len(KG) :] if predicate.startswith(KG) else None
    value, column = ENTITY_PROPERTIES.get(predicate), EVIDENCE_COLUMNS.get(predicate)
    if value is None and column is None and local is None:
        return _SKIP
    return _Plan(value, column, local)


# what `MapFacts.add_all` does with a predicate's triples: the name in ENTITY_PROPERTIES its
# values go by, its column of EVIDENCE_COLUMNS, the set of pairs it fills (kg:mentions,
# kg:fileName), whether its IRI objects are links, its local name in kg:
_Steps = tuple[str | None, dict[str, str] | None, set[tuple[str, str]] | None, bool, str]


@dataclass
class MapFacts:
    """What the map reads from a graph: the triples it needs, sorted out by their use.

    The facts of a union of graphs are the union of the graphs' facts (`update`): sets are
    joined and a column keeps the least value of a subject. So the build reads each named
    graph's facts once from its N-Quads and reuses them while the graph is unchanged, and
    nothing is joined until the page is made (`graph_data`), as queries over the union would.
    """

    # (node, local name of its kg: class), kg:Mention left out
    classes: set[tuple[str, str]] = field(default_factory=set)
    # (node, name in ENTITY_PROPERTIES, value)
    values: set[tuple[str, str, str]] = field(default_factory=set)
    # (subject, local name of the kg: property, object IRI), for properties not in NOT_EDGES
    links: set[tuple[str, str, str]] = field(default_factory=set)
    # EVIDENCE_COLUMNS name -> subject -> its least value
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    mentions: set[tuple[str, str]] = field(default_factory=set)  # (mention, node mentioned)
    source_files: set[tuple[str, str]] = field(default_factory=set)  # (document, source file)
    file_names: set[tuple[str, str]] = field(default_factory=set)  # (source file, its name)

    def add_all(self, triples: Iterable[Any]) -> None:
        """Add the triples of pyoxigraph quads. The object's kind matters, as in the queries
        of `from_store` (`isIRI(?o)`, a class that is the IRI kg:Mention), not only its value."""
        from pyoxigraph import Literal, NamedNode

        plans: dict[str, _Steps | str] = {}  # by predicate, worked out at its first triple
        pairs = {"mentions": self.mentions, "fileName": self.file_names}
        add_class, add_value, add_link = self.classes.add, self.values.add, self.links.add
        for triple in triples:
            predicate = triple[1].value
            plan = plans.get(predicate)
            if plan is None:
                plan = plans[predicate] = self._steps(predicate, pairs)
            if plan is _SKIP:
                continue
            obj = triple[2]
            value = obj.value
            if plan is _TYPE:
                if value == _MENTION_CLASS and type(obj) is NamedNode:
                    continue  # most nodes: the mentions
                subject = triple[0].value
                if subject.startswith(KGR) and value.startswith(KG):
                    add_class((subject, value[len(KG) :]))
                continue
            subject = triple[0].value
            name, column, found, edge, local = plan
            if name:
                add_value((subject, name, value))
            if column is not None:
                known = column.get(subject)
                if known is None or value < known:
                    column[subject] = value
            if found is not None:
                found.add((subject, value))
            elif local == "sourceFile" and type(obj) is not Literal:
                self.source_files.add((subject, value))
            if edge and type(obj) is NamedNode:
                add_link((subject, local, value))

    def _steps(self, predicate: str, pairs: dict[str, set[tuple[str, str]]]) -> _Steps | str:
        plan = _plan(predicate)
        if not isinstance(plan, _Plan):
            return plan
        column = self.columns.setdefault(plan.column, {}) if plan.column else None
        local = plan.local or ""
        edge = plan.local is not None and local not in NOT_EDGES
        return plan.value, column, pairs.get(local), edge, local

    def update(self, other: MapFacts) -> None:
        """Add the facts of another graph."""
        self.classes |= other.classes
        self.values |= other.values
        self.links |= other.links
        self.mentions |= other.mentions
        self.source_files |= other.source_files
        self.file_names |= other.file_names
        for name, column in other.columns.items():
            mine = self.columns.setdefault(name, {})
            # columns are the mentions', and a mention is in one graph: graphs rarely share a
            # subject, and the update is then one dict.update in C
            shared = mine.keys() & column.keys()
            if shared:
                column = dict(column)
                for subject in shared:
                    column[subject] = min(column[subject], mine[subject])
            mine.update(column)

    @classmethod
    def from_nquads(cls, data: bytes) -> MapFacts:
        """The facts of N-Quads text (the build's named graphs), parsed in Rust."""
        import pyoxigraph

        facts = cls()
        # lenient: the build wrote these lines from terms pyoxigraph had checked
        facts.add_all(pyoxigraph.parse(data, pyoxigraph.RdfFormat.N_QUADS, lenient=True))
        return facts

    @classmethod
    def from_store(cls, store: GraphStore) -> MapFacts:
        """The facts of the union of the store's graphs (`kg map`), a query per kind of fact:
        two-column rows of only what is needed, which is faster than one scan of every triple
        (tests/export/test_html.py checks that both ways read the same facts)."""
        facts = cls()
        for row in store.query("SELECT ?n ?c WHERE { ?n a ?c FILTER(?c != kg:Mention) }"):
            node, value = row[0].value, row[1].value
            if node.startswith(KGR) and value.startswith(KG):
                facts.classes.add((node, value[len(KG) :]))
        wanted = " ".join(f"<{p}>" for p in ENTITY_PROPERTIES)
        for row in store.query(f"SELECT ?n ?p ?v WHERE {{ VALUES ?p {{ {wanted} }} ?n ?p ?v }}"):
            facts.values.add((row[0].value, ENTITY_PROPERTIES[row[1].value], row[2].value))
        for predicate, name in EVIDENCE_COLUMNS.items():
            column = facts.columns.setdefault(name, {})
            for row in store.query(f"SELECT ?s ?v WHERE {{ ?s <{predicate}> ?v }}"):
                subject, value = row[0].value, row[1].value
                if subject not in column or value < column[subject]:
                    column[subject] = value
        pairs = {
            "mentions": ("SELECT ?a ?b WHERE { ?a kg:mentions ?b }", facts.mentions),
            "fileName": ("SELECT ?a ?b WHERE { ?a kg:fileName ?b }", facts.file_names),
            "sourceFile": (
                "SELECT ?a ?b WHERE { ?a kg:sourceFile ?b FILTER(!isLiteral(?b)) }",
                facts.source_files,
            ),
        }
        for query, found in pairs.values():
            found.update((row[0].value, row[1].value) for row in store.query(query))
        predicates = [
            row[0].value
            for row in store.query("SELECT DISTINCT ?p WHERE { ?s ?p ?o FILTER(isIRI(?o)) }")
            if row[0].value.startswith(KG) and row[0].value[len(KG) :] not in NOT_EDGES
        ]
        if predicates:
            wanted = " ".join(f"<{p}>" for p in predicates)
            for row in store.query(
                f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {wanted} }} ?s ?p ?o FILTER(isIRI(?o)) }}"
            ):
                facts.links.add((row[0].value, row[1].value[len(KG) :], row[2].value))
        return facts

    @classmethod
    def union(cls, parts: Iterable[MapFacts]) -> MapFacts:
        facts = cls()
        for part in parts:
            facts.update(part)
        return facts


def _entities(facts: MapFacts) -> dict[str, Entity]:
    """Every kgr: resource with a kg: class other than Mention/SourceFile, with its values."""
    classes: dict[str, set[str]] = defaultdict(set)
    excluded: set[str] = set()
    for iri, name in facts.classes:
        if name in EXCLUDED_CLASSES:
            excluded.add(iri)
        else:
            classes[iri].add(name)
    values: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for iri, name, value in facts.values:
        if iri in classes:
            values[iri][name].add(value)
    entities: dict[str, Entity] = {}
    for iri in sorted(set(classes) - excluded):
        props = values[iri]
        entity = Entity(iri, sorted(classes[iri]), {k: sorted(v) for k, v in props.items()})
        entity.group = primary_class(entity.classes)
        entity.label = (
            entity.first("label")
            or entity.first("name")
            or entity.first("symbol")
            or entity.first("title")
            or entity.first("indicator")
            or iri.rsplit("/", 1)[-1]
        )
        entities[iri] = entity
    return entities


def _links(facts: MapFacts, entities: dict[str, Entity]) -> list[Link]:
    """kg: properties from one entity to another, sorted (as tuples: Link's own comparison
    is Python code)."""
    found = {link for link in facts.links if link[0] in entities and link[2] in entities}
    return [Link(*link) for link in sorted(found)]


Quote = tuple[str, str, int, int, str]  # quote, file name, start, end, cue


def _evidence(
    facts: MapFacts,
) -> tuple[dict[str, set[Quote]], dict[tuple[str, str, str], set[Quote]]]:
    """The quotes of every entity and of every edge (ordered when shown: `_capped`)."""
    columns = defaultdict(dict, facts.columns)
    quotes, source = columns["quote"], columns["source"]
    start, end, cue = columns["start"], columns["end"], columns["cue"]
    subject, predicate, obj = columns["subject"], columns["predicate"], columns["object"]
    file_name: dict[str, str] = {}
    for file, name in facts.file_names:
        if file not in file_name or name < file_name[file]:
            file_name[file] = name
    # each quoted mention's record once, then handed to what it mentions and to its edge
    records = {
        mention: (
            quote,
            file_name.get(source.get(mention, ""), ""),
            int(start.get(mention, -1)),
            int(end.get(mention, -1)),
            cue.get(mention, ""),
        )
        for mention, quote in quotes.items()
    }
    by_node: dict[str, set[Quote]] = defaultdict(set)
    by_edge: dict[tuple[str, str, str], set[Quote]] = defaultdict(set)
    for mention, node in facts.mentions:
        record = records.get(mention)
        if record is not None:
            by_node[node].add(record)
    for mention in records.keys() & subject.keys() & predicate.keys() & obj.keys():
        by_edge[(subject[mention], predicate[mention], obj[mention])].add(records[mention])
    return by_node, by_edge


def _source_files(facts: MapFacts) -> dict[str, list[str]]:
    """Document -> the corpus file names it *is* (kg:sourceFile)."""
    names: dict[str, set[str]] = defaultdict(set)
    for file, name in facts.file_names:
        names[file].add(name)
    files: dict[str, set[str]] = defaultdict(set)
    for doc, file in facts.source_files:
        files[doc] |= names.get(file, set())
    return {doc: sorted(found) for doc, found in files.items() if found}


# --- choosing what to draw --------------------------------------------------------------------


def _keep_types(entities: dict[str, Entity], types: list[str] | None) -> dict[str, Entity]:
    if not types:
        return entities
    wanted = {t.strip().lower() for t in types if t.strip()}
    return {i: e for i, e in entities.items() if any(c.lower() in wanted for c in e.classes)}


def _neighbourhood(root: str, links: list[Link], depth: int) -> set[str]:
    """Nodes within `depth` edges of `root`, edges taken in either direction."""
    adjacent: dict[str, set[str]] = defaultdict(set)
    for link in links:
        adjacent[link.subject].add(link.object)
        adjacent[link.object].add(link.subject)
    seen = {root}
    frontier = {root}
    for _ in range(max(depth, 0)):
        frontier = {n for f in frontier for n in adjacent[f]} - seen
        if not frontier:
            break
        seen |= frontier
    return seen


# --- layout -----------------------------------------------------------------------------------


def _layers(docs: list[str], links: list[Link]) -> dict[str, int]:
    """Layer of each document: what is implemented, guided or relied on sits above what does so.

    Longest-path layering from the top; cycles (A implements B implements A, a data error but
    possible) are collapsed first so it stays defined.
    """
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_nodes_from(docs)
    doc_set = set(docs)
    for link in links:
        if (
            link.relation in LAYER_RELATIONS
            and link.subject != link.object
            and link.subject in doc_set
            and link.object in doc_set
        ):
            graph.add_edge(link.object, link.subject)  # parent -> child
    dag = nx.condensation(graph)
    component_of = dag.graph["mapping"]
    level: dict[int, int] = {}
    for component in nx.lexicographical_topological_sort(dag):
        level[component] = max((level[p] + 1 for p in dag.predecessors(component)), default=0)
    return {doc: level[component_of[doc]] for doc in docs}


def _width(label: str) -> int:
    return round(len(label) * CHAR_WIDTH) + NODE_PADDING


def _layout(
    entities: dict[str, Entity], labels: dict[str, str], links: list[Link]
) -> dict[str, tuple[int, int]]:
    """Deterministic positions, top-down: document layers, loose documents, then bands by class.

    Each row is ordered by the barycentre of its neighbours in the rows already placed (a
    downward, an upward and a downward sweep, as in Sugiyama's method), then cut into lines no
    wider than the graph's target width, so a layer of a thousand plans wraps instead of running
    off for metres.
    """
    neighbours: dict[str, list[str]] = defaultdict(list)
    layered: set[str] = set()
    for link in links:
        neighbours[link.subject].append(link.object)
        neighbours[link.object].append(link.subject)
        if link.relation in LAYER_RELATIONS:
            layered |= {link.subject, link.object}
    docs = [i for i, e in entities.items() if e.is_document]
    layer_docs = [d for d in docs if d in layered]
    layer_of = _layers(layer_docs, links)
    rows: list[list[str]] = [[] for _ in range(max(layer_of.values(), default=-1) + 1)]
    for doc in layer_docs:
        rows[layer_of[doc]].append(doc)
    rows.append([d for d in docs if d not in layered])
    bands: dict[str, list[str]] = defaultdict(list)
    for iri, entity in entities.items():
        if not entity.is_document:
            bands[entity.group].append(iri)
    order = {name: index for index, name in enumerate(BAND_ORDER)}
    rows += [bands[g] for g in sorted(bands, key=lambda g: (order.get(g, len(order)), g))]
    rows = [row for row in rows if row]

    widths = {iri: _width(labels[iri]) for iri in entities}
    total = sum(widths.values()) + X_GAP * len(widths)
    # aim for a page about twice as wide as it is high
    row_width = max(MIN_ROW_WIDTH, math.sqrt(total * LINE_GAP * 2))

    def place(ordered_rows: list[list[str]]) -> dict[str, tuple[int, int]]:
        positions: dict[str, tuple[int, int]] = {}
        y = 0
        for row in ordered_rows:
            lines: list[list[str]] = [[]]
            used = 0.0
            for iri in row:
                if lines[-1] and used + widths[iri] > row_width:
                    lines.append([])
                    used = 0.0
                lines[-1].append(iri)
                used += widths[iri] + X_GAP
            for line in lines:
                span = sum(widths[i] for i in line) + X_GAP * (len(line) - 1)
                x = -span / 2
                for iri in line:
                    positions[iri] = (round(x + widths[iri] / 2), y)
                    x += widths[iri] + X_GAP
                y += LINE_GAP
            y += LAYER_GAP - LINE_GAP
        return positions

    def sort_rows(
        ordered_rows: list[list[str]], positions: dict[str, tuple[int, int]], reference: str
    ) -> list[list[str]]:
        # reference "above": rows before this one; "below": rows after it; "any": all placed
        result: list[list[str]] = []
        row_index = {iri: index for index, row in enumerate(ordered_rows) for iri in row}
        for index, row in enumerate(ordered_rows):

            def key(iri: str, index: int = index) -> tuple[float, str, str]:
                xs = [
                    positions[n][0]
                    for n in neighbours[iri]
                    if n in positions
                    and (
                        reference == "any"
                        or (reference == "above" and row_index[n] < index)
                        or (reference == "below" and row_index[n] > index)
                    )
                ]
                centre = sum(xs) / len(xs) if xs else positions.get(iri, (0, 0))[0]
                return centre, labels[iri], iri

            result.append(sorted(row, key=key))
        return result

    # first pass: rows in label order; then sweeps that pull neighbours together
    ordered = [sorted(row, key=lambda i: (labels[i], i)) for row in rows]
    positions = place(ordered)
    for reference in ("above", "below", "above"):
        ordered = sort_rows(ordered, positions, reference)
        positions = place(ordered)
    return positions


# --- the page's data --------------------------------------------------------------------------


def _short(label: str) -> str:
    return label if len(label) <= LABEL_MAX else label[: LABEL_MAX - 1].rstrip() + "…"


def _canvas_label(entity: Entity) -> str:
    """Documents by their symbol when they have one; everything else by its name."""
    if entity.is_document and entity.first("symbol"):
        return entity.first("symbol")
    return _short(entity.label)


def _number(text: str) -> str:
    """`8.50` -> `8.5`, `2030.0` -> `2030`: decimals as people write them."""
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _value(entity: Entity) -> str:
    value, high = entity.first("value"), entity.first("valueMax")
    if not value:
        return ""
    shown = _number(value) + (f"–{_number(high)}" if high else "")
    comparator = COMPARATORS.get(entity.first("comparator"), "")
    unit = entity.first("unit")
    return f"{comparator}{shown}" + (f" {unit}" if unit else "")


def _properties(
    entity: Entity,
    out_links: list[Link],
    labels: dict[str, str],
    files: list[str],
) -> list[list[str]]:
    """[[property key, value], ...] for the panel; keys are UI_STRINGS `p.*` names."""
    props: list[list[str]] = [["class", entity.group]]

    def add(key: str, *values: str) -> None:
        props.extend([key, v] for v in values if v)

    add("symbol", *entity.values.get("symbol", []))
    add("date", *entity.values.get("date", []))
    add("issuer", *(labels[ln.object] for ln in out_links if ln.relation == "issuedBy"))
    add("issuerCode", *entity.values.get("issuerCode", []))
    add("title", *entity.values.get("title", []))
    if entity.first("name") != entity.label:
        add("name", *entity.values.get("name", []))
    add("altLabel", *(a for a in entity.values.get("altLabel", []) if a != entity.label))
    add("jurisdiction", *(labels[ln.object] for ln in out_links if ln.relation == "jurisdiction"))
    add("level", *entity.values.get("level", []))
    add("counterpart", *entity.values.get("counterpart", []))
    add("located", *(labels[ln.object] for ln in out_links if ln.relation == "locatedIn"))
    if entity.first("indicator") != entity.label:
        add("indicator", *entity.values.get("indicator", []))
    add("value", _value(entity))
    add("targetYear", *(_number(y) for y in entity.values.get("targetYear", [])))
    add("sourceFile", *files)
    add("iri", entity.iri)
    return props


def _search_key(entity: Entity) -> str:
    """Folded (no diacritics, lower case, đ -> d) text the search box matches against."""
    parts = [entity.label, *entity.values.get("symbol", []), *entity.values.get("name", [])]
    parts += entity.values.get("altLabel", [])
    parts += entity.values.get("title", [])
    unique = dict.fromkeys(fold_words(p) for p in parts if p)
    return " | ".join(unique)


def _capped(found: set[Quote] | None) -> tuple[list[list[Any]], int]:
    """The first MAX_QUOTES quotes by file and offset, and how many there are (the panel shows
    no more: a place named in every file need not have all its quotes sorted)."""
    if not found:
        return [], 0
    first = heapq.nsmallest(MAX_QUOTES, found, key=lambda q: (q[1], q[2], q[3], q[0], q[4]))
    return [list(q) for q in first], len(found)


def _font_colour(background: str) -> str:
    """Black or white text, whichever reads better on `background` (WCAG relative luminance)."""
    red, green, blue = (int(background[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    return "#111111" if luminance > 0.3 else "#ffffff"


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for a while, then as it was. The page's data are a
    few hundred thousand small tuples, lists and dicts that form no cycles, made while as many
    of the facts are alive: the collector walked them all again and again (40% of the time of
    `graph_data` at ×20)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def graph_data(
    store: GraphStore,
    *,
    focus: str | None = None,
    depth: int = 3,
    types: list[str] | None = None,
    facts: MapFacts | None = None,
) -> dict[str, Any]:
    """Everything the page draws and shows, as JSON-ready, sorted data.

    Nodes and edges refer to each other by index (`from`/`to` are positions in `nodes`).
    `facts`: the store's facts when the caller has them already (the build); else read here.
    """
    if facts is None:
        facts = MapFacts.from_store(store)
    with _collector_paused():
        return _graph_data(store, facts, focus=focus, depth=depth, types=types)


def _graph_data(
    store: GraphStore, facts: MapFacts, *, focus: str | None, depth: int, types: list[str] | None
) -> dict[str, Any]:
    entities = _entities(facts)
    kept = _keep_types(entities, types)
    focus_iri = None
    if focus:
        from kg.query.trace import find_node

        node = find_node(store, focus)
        if node is None or node.iri not in entities:
            raise FocusNotFoundError(f"--focus: nothing in the graph matches {focus!r}")
        focus_iri = node.iri
        kept = {**kept, focus_iri: entities[focus_iri]}  # the focus is shown whatever its type
    links = _links(facts, kept)
    if focus_iri:
        near = _neighbourhood(focus_iri, links, depth)
        kept = {iri: e for iri, e in kept.items() if iri in near}
        links = [ln for ln in links if ln.subject in kept and ln.object in kept]
    kept = dict(sorted(kept.items()))

    node_quotes, edge_quotes = _evidence(facts)
    source_files = _source_files(facts)
    canvas_labels = {iri: _canvas_label(e) for iri, e in kept.items()}
    positions = _layout(kept, canvas_labels, links)
    index = {iri: i for i, iri in enumerate(kept)}
    out_links: dict[str, list[Link]] = defaultdict(list)
    for link in links:
        out_links[link.subject].append(link)
    full_labels = {iri: e.label for iri, e in kept.items()}

    nodes = []
    for iri, entity in kept.items():
        quotes, quote_count = _capped(node_quotes.get(iri))
        x, y = positions[iri]
        nodes.append(
            {
                "iri": iri,
                "label": canvas_labels[iri],
                "full": entity.label,
                "group": entity.group,
                "x": x,
                "y": y,
                "search": _search_key(entity),
                "props": _properties(
                    entity, out_links[iri], full_labels, source_files.get(iri, [])
                ),
                "quotes": quotes,
                "quoteCount": quote_count,
                "focus": iri == focus_iri,
            }
        )
    edges = []
    for link in links:
        quotes, quote_count = _capped(
            edge_quotes.get((link.subject, KG + link.relation, link.object))
        )
        edges.append(
            {
                "from": index[link.subject],
                "to": index[link.object],
                "rel": link.relation,
                "quotes": quotes,
                "quoteCount": quote_count,
            }
        )

    groups = sorted({n["group"] for n in nodes}, key=lambda g: (_class_rank(g), g))
    classes = [
        {
            "group": g,
            "vi": CLASS_LABELS.get(g, (g, g))[0],
            "en": CLASS_LABELS.get(g, (g, g))[1],
            "color": CLASS_COLOURS.get(g, DEFAULT_COLOUR),
            "font": _font_colour(CLASS_COLOURS.get(g, DEFAULT_COLOUR)),
            "shape": _shape(g),
            "count": sum(1 for n in nodes if n["group"] == g),
        }
        for g in groups
    ]
    relation_names = sorted({e["rel"] for e in edges}, key=lambda r: (_relation_rank(r), r))
    relations = [
        {
            "rel": r,
            "vi": RELATION_LABELS.get(r, (r, r))[0],
            "en": RELATION_LABELS.get(r, (r, r))[1],
            "color": RELATION_COLOURS.get(r, ENTITY_LINK_COLOUR),
            "chain": r in CHAIN_RELATIONS,
            "count": sum(1 for e in edges if e["rel"] == r),
        }
        for r in relation_names
    ]
    return {
        "nodes": nodes,
        "edges": edges,
        "classes": classes,
        "relations": relations,
        "chain": list(CHAIN_RELATIONS),
        "levels": {k: {"vi": vi, "en": en} for k, (vi, en) in GATE_LEVELS.items()},
        "ui": {
            "vi": {k: vi for k, (vi, _) in UI_STRINGS.items()},
            "en": {k: en for k, (_, en) in UI_STRINGS.items()},
        },
    }


def _class_rank(group: str) -> int:
    names = list(CLASS_LABELS)
    return names.index(group) if group in names else len(names)


def _relation_rank(relation: str) -> int:
    names = list(RELATION_LABELS)
    return names.index(relation) if relation in names else len(names)


# --- the page ---------------------------------------------------------------------------------


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


def _asset(name: str) -> str:
    path = ASSETS / name
    if not path.is_file():
        raise AssetMissingError(f"{path}: missing (reinstall kg-vn)")
    return path.read_text(encoding="utf-8")


_SOURCE_MAP = re.compile(r"\n?//# sourceMappingURL=\S*\s*$")
# rules with inline images are the manipulation and navigation toolbars, which the map does not
# enable: 205 kB of the stylesheet's 220 kB
_IMAGE_RULE = re.compile(r"[^{}]*\{[^{}]*url\([^)]*\)[^{}]*\}")


def _inline_script(code: str) -> str:
    """`code` made safe to sit inside <script>…</script>, without its source-map comment.

    The source map is dropped so that nothing asks for a `.map` file next to the page.
    """
    code = _SOURCE_MAP.sub("", code)
    if "<!--" in code:
        raise AssetMissingError("script cannot be inlined safely (contains `<!--`)")
    # `</script` would end the element; `<\/` means the same inside JS strings and regexes
    return re.sub(r"</(script)", r"<\\/\1", code, flags=re.I)


def _inline_style(css: str) -> str:
    if re.search(r"</style", css, re.I):
        raise AssetMissingError("stylesheet cannot be inlined safely (contains `</style`)")
    return css


def _csp_hash(code: str) -> str:
    digest = hashlib.sha256(code.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def render_html(data: dict[str, Any], *, title: str = UI_STRINGS["title"][0]) -> str:
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("kg.export", "templates"),
        autoescape=True,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    vis_js = _inline_script(_asset(VIS_JS))
    app_js = _inline_script(_asset(APP_JS))
    vis_css = _inline_style(_IMAGE_RULE.sub("", _asset(VIS_CSS)))
    app_css = _inline_style(_asset(APP_CSS))
    # only these two scripts may run: no inline handler, no eval, no network, whatever the data
    csp = (
        "default-src 'none'; "
        f"script-src {_csp_hash(vis_js)} {_csp_hash(app_js)}; "
        "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
    )
    return env.get_template(TEMPLATE).render(
        title=title,
        csp=csp,
        ui={k: vi for k, (vi, _) in UI_STRINGS.items()},
        # already safe inside their <script>/<style> elements (see script_json, _inline_*)
        data_json=Markup(script_json(data)),
        vis_js=Markup(vis_js),
        app_js=Markup(app_js),
        vis_css=Markup(vis_css),
        app_css=Markup(app_css),
    )


def write_html(
    store: GraphStore,
    path: Path,
    *,
    focus: str | None = None,
    depth: int = 3,
    types: list[str] | None = None,
    facts: MapFacts | None = None,
) -> int:
    """Write the map of `store` to `path`; returns the number of nodes drawn. `facts`: as in
    `graph_data`."""
    data = graph_data(store, focus=focus, depth=depth, types=types, facts=facts)
    title = UI_STRINGS["title"][0]
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
