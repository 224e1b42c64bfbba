"""Trace the implementation tree of a document: what implements it (down), what it implements (up).

`find_node` turns what a person types (a symbol such as `57-nq/tw`, or words of a name such as
`Nghị quyết Đại hội XX`) into a node of the graph; `trace` walks one relation breadth-first from
it, level by level, with the quoted evidence of every edge; `render_text` draws the tree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from kg.normalise.fold import fold
from kg.rdf.namespaces import KG, KGR, RDF, RDFS, SKOS

if TYPE_CHECKING:
    from kg.store import GraphStore


Direction = Literal["down", "up", "both"]

# Document-to-document relations a trace can follow; `all` follows every one of them.
RELATIONS: tuple[str, ...] = (
    "implements",
    "basedOn",
    "guides",
    "cites",
    "amends",
    "replaces",
    "repeals",
    "respondsTo",
)
RELATION_LABELS_VI: dict[str, tuple[str, str]] = {
    # predicate: (what the child does to its parent going down, the same read upwards)
    "implements": ("thực hiện", "thực hiện"),
    "basedOn": ("căn cứ", "căn cứ"),
    "guides": ("hướng dẫn", "hướng dẫn"),
    "cites": ("dẫn chiếu", "dẫn chiếu"),
    "amends": ("sửa đổi", "sửa đổi"),
    "replaces": ("thay thế", "thay thế"),
    "repeals": ("bãi bỏ", "bãi bỏ"),
    "respondsTo": ("trả lời", "trả lời"),
}
_NAME_PROPERTIES = (RDFS + "label", KG + "name", SKOS + "altLabel", KG + "title")
_NOT_ENTITIES = ("Mention", "SourceFile")
# what `describe_nodes` reads of a node
_DESCRIBED_PROPERTIES = (
    "rdf:type",
    "rdfs:label",
    "kg:name",
    "kg:symbol",
    "kg:dateIssued",
    "kg:title",
    "kg:indicator",
)


class UnknownRelationError(ValueError):
    pass


class Node(BaseModel):
    iri: str
    label: str
    symbol: str | None = None
    date: str | None = None
    classes: list[str] = Field(default_factory=list, description="kg: class local names")

    @property
    def rdf_class(self) -> str:
        """The most specific class: `Programme` rather than `Document`."""
        specific = [c for c in self.classes if c != "Document"]
        return specific[0] if specific else (self.classes[0] if self.classes else "")

    def display(self) -> str:
        """Label, then the symbol and date when the label does not already say them."""
        extras = []
        if self.symbol and self.symbol not in self.label:
            extras.append(self.symbol)
        if self.date:
            extras.append(self.date)
        tail = f" ({', '.join(extras)})" if extras else ""
        kind = f" [{self.rdf_class}]" if self.rdf_class else ""
        return f"{self.label}{tail}{kind}"


class Edge(BaseModel):
    """`subject predicate object`, met `depth` steps from the root going `direction`."""

    subject: str
    predicate: str = Field(description="kg: local name, e.g. implements")
    object: str
    depth: int
    direction: Literal["down", "up"]
    quotes: list[tuple[str, str]] = Field(
        default_factory=list, description="(quote, file name) of every mention of the edge"
    )

    @property
    def parent(self) -> str:
        """The node nearer the root."""
        return self.object if self.direction == "down" else self.subject

    @property
    def child(self) -> str:
        return self.subject if self.direction == "down" else self.object


class TraceResult(BaseModel):
    root: Node
    direction: Direction
    depth: int
    relation: str
    nodes: dict[str, Node] = Field(default_factory=dict, description="every node met, by IRI")
    edges: list[Edge] = Field(default_factory=list)


# --- finding a node -------------------------------------------------------------------------


def _symbol_key(text: str) -> str:
    """Symbols compare ignoring case, white space, diacritics and Đ/D: `57-nq / tw` = `57-NQ/TW`."""
    return re.sub(r"\s+", "", fold(text))


_SYMBOL_LIKE = re.compile(r"^\s*\d{1,5}\s*[-/]\s*\S*[/-]\S*\s*$")
_BAD_IRI = re.compile(r'[\s<>"{}|^`\\]')
_ROMAN = re.compile(r"^[IVXLCDM]+$")
_WORD = re.compile(r"\w+")


def _words(text: str) -> list[tuple[str, bool]]:
    """Folded words, each flagged when it is a number or an upper-case Roman numeral.

    Roman numerals are told by case in the original (`XX`, not `xx`): folded Vietnamese is full of
    words spelled like numerals (`vi`, `di`, `mi`).
    """
    return [(fold(w), w.isdigit() or bool(_ROMAN.match(w))) for w in _WORD.findall(text)]


def _name_score(ref_words: list[tuple[str, bool]], name: str) -> tuple[float, float]:
    """(weighted words shared, share of the name covered): higher is better.

    Numbers and Roman numerals weigh more, and a name that carries a *different* one than the
    reference is pushed down: `Đại hội XX` must not pick the `Đại hội XIII` node.
    """
    name_words = _words(name)
    if not name_words:
        return 0.0, 0.0
    name_set = {w for w, _ in name_words}
    ref_numbers = {w for w, numeric in ref_words if numeric}
    name_numbers = {w for w, numeric in name_words if numeric}
    score = 0.0
    for word, numeric in dict(ref_words).items():
        if word in name_set:
            score += 3.0 if numeric else 1.0
    if ref_numbers and name_numbers and not ref_numbers & name_numbers:
        score -= 3.0
    shared = len({w for w, _ in ref_words} & name_set)
    return score, shared / len(name_set)


def _entity_filter(var: str) -> str:
    not_entity = " ".join(f"kg:{c}" for c in _NOT_ENTITIES)
    return (
        f'FILTER(isIRI(?{var}) && STRSTARTS(STR(?{var}), "{KGR}")) '
        f"FILTER NOT EXISTS {{ ?{var} a ?_t . VALUES ?_t {{ {not_entity} }} }}"
    )


def _query(store: GraphStore, sparql: str):
    return store.query(sparql)


def _iri_term(iri: str) -> str:
    return f"<{iri}>"


def _pairs(variables: str, firsts: Iterable[str], seconds: Iterable[str]) -> str:
    """One VALUES block of every (first, second) pair. Two blocks (`VALUES ?n {…} VALUES ?p
    {…}`) mean the same, but past a few nodes pyoxigraph then scans every triple of the
    predicates and joins afterwards (seconds on a large graph); pairs it looks up one by one."""
    seconds = list(seconds)
    rows = " ".join(f"({first} {second})" for first in firsts for second in seconds)
    return f"VALUES ({variables}) {{ {rows} }}"


def _degrees(store: GraphStore, iris: Iterable[str]) -> dict[str, int]:
    """How many document relations touch each node (to choose among same-symbol documents)."""
    iris = sorted(set(iris))
    if not iris:
        return {}
    pairs = _pairs("?n ?p", (_iri_term(i) for i in iris), (f"kg:{r}" for r in RELATIONS))
    rows = _query(
        store,
        # DISTINCT: the union of the named graphs is a bag, a triple stated in two files counts 2
        "SELECT ?n (COUNT(*) AS ?c) WHERE { SELECT DISTINCT ?n ?p ?x WHERE { "
        f"{pairs} {{ ?n ?p ?x }} UNION {{ ?x ?p ?n }} }} }} GROUP BY ?n",
    )
    return {row["n"].value: int(row["c"].value) for row in rows}


def find_candidates(store: GraphStore, ref: str, limit: int = 5) -> list[Node]:
    """Nodes that `ref` may mean, best first: symbol matches, else the best name matches."""
    ref = ref.strip()
    if not ref:
        return []
    if ref.startswith(("http://", "https://")) or ref.startswith("kgr:"):
        iri = KGR + ref[4:] if ref.startswith("kgr:") else ref
        if _BAD_IRI.search(iri):  # it goes into the query text between < >
            return []
        found = describe_nodes(store, [iri])
        return [found[iri]] if iri in found and found[iri].classes else []

    key = _symbol_key(ref)
    symbol_hits = _exact_symbol(store, ref) or sorted(
        {
            row["n"].value
            for row in _query(store, "SELECT DISTINCT ?n ?s WHERE { ?n kg:symbol ?s }")
            if _symbol_key(row["s"].value) == key
        }
    )
    if symbol_hits:
        degrees = _degrees(store, symbol_hits)
        ranked = sorted(symbol_hits, key=lambda iri: (-degrees.get(iri, 0), iri))
        nodes = describe_nodes(store, ranked[:limit])
        return [nodes[i] for i in ranked[:limit] if i in nodes]

    if _SYMBOL_LIKE.match(ref):
        # a symbol that matched nothing is not fuzzily matched as words: `57-NQ/TW` must not
        # silently become `57/NQ-CP`
        return []
    ref_words = _words(ref)
    if not ref_words:
        return []
    names = " ".join(_iri_term(p) for p in _NAME_PROPERTIES)
    best: dict[str, tuple[float, float]] = {}
    rows = _query(
        store,
        f"SELECT DISTINCT ?n ?name WHERE {{ VALUES ?p {{ {names} }} ?n ?p ?name . "
        f"{_entity_filter('n')} }}",
    )
    for row in rows:
        iri = row["n"].value
        score = _name_score(ref_words, row["name"].value)
        if score > best.get(iri, (0.0, 0.0)):
            best[iri] = score
    # more than half of the reference's words must be found (numbers count triple): one word
    # in common ("văn" of "văn bản") is not a match
    half = sum(3.0 if numeric else 1.0 for _, numeric in dict(ref_words).items()) / 2
    ranked = sorted(
        (iri for iri, (score, _) in best.items() if score > half),
        key=lambda iri: (-best[iri][0], -best[iri][1], iri),
    )[:limit]
    nodes = describe_nodes(store, ranked)
    return [nodes[i] for i in ranked if i in nodes]


def _exact_symbol(store: GraphStore, ref: str) -> list[str]:
    """Nodes whose symbol is `ref` in canonical form: one index lookup, where scanning every
    symbol for a looser match costs tens of milliseconds on a large graph."""
    from kg.symbols import find_symbols

    matches = find_symbols(ref.strip())
    if len(matches) != 1 or matches[0].end - matches[0].start < len(ref.strip()):
        return []
    literal = matches[0].symbol.replace("\\", "\\\\").replace('"', '\\"')
    rows = _query(store, f'SELECT DISTINCT ?n WHERE {{ ?n kg:symbol "{literal}" }}')
    return sorted({row["n"].value for row in rows})


def find_node(store: GraphStore, ref: str) -> Node | None:
    """The node `ref` names: a symbol (case, spaces, Đ/D ignored), an IRI, or words of its name."""
    candidates = find_candidates(store, ref, limit=1)
    return candidates[0] if candidates else None


def suggest(store: GraphStore, ref: str, limit: int = 3) -> list[str]:
    """Labels and symbols close to `ref`, for an 'unknown reference' message."""
    import difflib

    labels: dict[str, str] = {}
    rows = _query(
        store,
        "SELECT DISTINCT ?v WHERE { { ?n kg:symbol ?v } UNION { ?n rdfs:label ?v . "
        f"{_entity_filter('n')} }} }}",
    )
    for row in rows:
        value = row["v"].value
        labels.setdefault(fold(value), value)
    close = difflib.get_close_matches(fold(ref), sorted(labels), n=limit, cutoff=0.5)
    if not close:
        # a long label rarely looks like a short reference as a whole: fall back to words
        return [node.label for node in _loose_matches(store, ref, limit)]
    return [labels[c] for c in close]


def _loose_matches(store: GraphStore, ref: str, limit: int) -> list[Node]:
    ref_words = _words(ref)
    if not ref_words:
        return []
    rows = _query(
        store, f"SELECT DISTINCT ?n ?name WHERE {{ ?n rdfs:label ?name . {_entity_filter('n')} }}"
    )
    scores: dict[str, float] = {}
    for row in rows:
        score, _ = _name_score(ref_words, row["name"].value)
        if score > 0:
            scores[row["n"].value] = max(score, scores.get(row["n"].value, 0.0))
    ranked = sorted(scores, key=lambda iri: (-scores[iri], iri))[:limit]
    nodes = describe_nodes(store, ranked)
    return [nodes[i] for i in ranked if i in nodes]


def describe_nodes(store: GraphStore, iris: Iterable[str]) -> dict[str, Node]:
    """Label, symbol, date and classes of each IRI (smallest value wins, for stable output)."""
    iris = sorted(set(iris))
    if not iris:
        return {}
    props: dict[str, dict[str, list[str]]] = {i: {} for i in iris}
    pairs = _pairs("?n ?p", (_iri_term(i) for i in iris), _DESCRIBED_PROPERTIES)
    rows = _query(store, f"SELECT ?n ?p ?v WHERE {{ {pairs} ?n ?p ?v }}")
    for row in rows:
        props[row["n"].value].setdefault(row["p"].value, []).append(row["v"].value)
    nodes: dict[str, Node] = {}
    for iri, values_by_prop in props.items():

        def first(prop: str, values_by_prop: dict[str, list[str]] = values_by_prop) -> str | None:
            found = values_by_prop.get(prop)
            return min(found) if found else None

        classes = sorted(
            v[len(KG) :] for v in values_by_prop.get(RDF + "type", []) if v.startswith(KG)
        )
        symbol = first(KG + "symbol")
        label = (
            first(RDFS + "label")
            or first(KG + "name")
            or symbol
            or first(KG + "title")
            or first(KG + "indicator")
            or iri.rsplit("/", 1)[-1]
        )
        nodes[iri] = Node(
            iri=iri, label=label, symbol=symbol, date=first(KG + "dateIssued"), classes=classes
        )
    return nodes


# --- walking the tree -------------------------------------------------------------------------


def relations_for(relation: str) -> list[str]:
    if relation == "all":
        return list(RELATIONS)
    for known in RELATIONS:
        if relation.lower() == known.lower():
            return [known]
    raise UnknownRelationError(
        f"unknown relation {relation!r} (choose from {', '.join(RELATIONS)}, all)"
    )


def _step(
    store: GraphStore, frontier: list[str], predicates: list[str], direction: str
) -> list[tuple[str, str, str]]:
    """Edges (subject, predicate local name, object) one step from the frontier."""
    anchor = "?o" if direction == "down" else "?s"
    terms = (_iri_term(i) for i in frontier)
    pairs = _pairs(f"{anchor} ?p", terms, (f"kg:{p}" for p in predicates))
    rows = _query(
        store,
        f"SELECT DISTINCT ?s ?p ?o WHERE {{ {pairs} ?s ?p ?o . FILTER(isIRI(?s) && isIRI(?o)) }}",
    )
    return sorted((r["s"].value, r["p"].value[len(KG) :], r["o"].value) for r in rows)


def _evidence(
    store: GraphStore, edges: list[tuple[str, str, str]]
) -> dict[tuple[str, str, str], list[tuple[str, str]]]:
    """The quotes (with their file) of the mentions that state each edge, in text order."""
    found: dict[tuple[str, str, str], list[tuple[str, str, int]]] = {}
    for chunk_start in range(0, len(edges), 200):
        chunk = edges[chunk_start : chunk_start + 200]
        values = " ".join(f"({_iri_term(s)} kg:{p} {_iri_term(o)})" for s, p, o in chunk)
        rows = _query(
            store,
            f"SELECT DISTINCT ?m ?s ?p ?o ?q ?f ?start WHERE {{ VALUES (?s ?p ?o) {{ {values} }} "
            "?m rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; kg:quote ?q . "
            "OPTIONAL { ?m kg:source ?src . OPTIONAL { ?src kg:fileName ?f } } "
            "OPTIONAL { ?m kg:start ?start } }",
        )
        for row in rows:
            key = (row["s"].value, row["p"].value[len(KG) :], row["o"].value)
            file_name = row["f"].value if row["f"] is not None else ""
            start = int(row["start"].value) if row["start"] is not None else -1
            found.setdefault(key, []).append((row["q"].value, file_name, start))
    result: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
    for key, quotes in found.items():
        ordered = sorted(set(quotes), key=lambda item: (item[1], item[2], item[0]))
        result[key] = [(quote, file_name) for quote, file_name, _ in ordered]
    return result


def _walk(
    store: GraphStore,
    root: str,
    direction: Literal["down", "up"],
    depth: int,
    predicates: list[str],
) -> list[Edge]:
    """Breadth-first, so every node is expanded once at its shortest distance (cycles end)."""
    seen = {root}
    frontier = [root]
    edges: list[Edge] = []
    for level in range(1, depth + 1):
        if not frontier:
            break
        step = _step(store, frontier, predicates, direction)
        evidence = _evidence(store, step)
        next_frontier: list[str] = []
        for s, p, o in step:
            edges.append(
                Edge(
                    subject=s,
                    predicate=p,
                    object=o,
                    depth=level,
                    direction=direction,
                    quotes=evidence.get((s, p, o), []),
                )
            )
            child = s if direction == "down" else o
            if child not in seen:
                seen.add(child)
                next_frontier.append(child)
        frontier = next_frontier
    return edges


def trace(
    store: GraphStore,
    ref: str,
    direction: Direction = "down",
    depth: int = 5,
    relation: str = "implements",
) -> TraceResult | None:
    """The tree around `ref`, or None when no node matches it.

    down: documents that implement `ref` (`?x kg:implements ref`), then what implements those...
    up: what `ref` implements, and so on; both: the two trees.
    """
    predicates = relations_for(relation)
    root = find_node(store, ref)
    if root is None:
        return None
    edges: list[Edge] = []
    for way in ("down", "up"):
        if direction in (way, "both"):
            edges += _walk(store, root.iri, way, max(depth, 0), predicates)
    nodes = describe_nodes(
        store, {root.iri} | {e.subject for e in edges} | {e.object for e in edges}
    )
    return TraceResult(
        root=nodes.get(root.iri, root),
        direction=direction,
        depth=depth,
        relation=relation,
        nodes=nodes,
        edges=edges,
    )


# --- drawing it -----------------------------------------------------------------------------

_HEADINGS = {
    "down": "▼ văn bản thực hiện / implemented by",
    "up": "▲ văn bản được thực hiện / implements",
}


def render_text(result: TraceResult, *, quotes: bool = True) -> str:
    """An indented tree, one node a line, each edge's quotes under it (plain text, no markup)."""
    lines = [result.root.display()]
    by_parent: dict[tuple[str, str], list[Edge]] = {}
    for edge in result.edges:
        by_parent.setdefault((edge.direction, edge.parent), []).append(edge)
    # a node's shortest distance: it is drawn in full there and only referred to elsewhere
    shortest: dict[tuple[str, str], int] = {}
    for edge in result.edges:
        key = (edge.direction, edge.child)
        shortest[key] = min(edge.depth, shortest.get(key, edge.depth))

    for way in ("down", "up"):
        if result.direction not in (way, "both"):
            continue
        heading = (
            _HEADINGS[way]
            if result.relation == "implements"
            else (f"{'▼' if way == 'down' else '▲'} {result.relation} ({way})")
        )
        lines.append(heading)
        drawn: set[str] = {result.root.iri}
        children = by_parent.get((way, result.root.iri), [])
        if not children:
            lines.append("  (không có / none)")
        _draw(result, way, children, "  ", by_parent, shortest, drawn, lines, quotes)
    return "\n".join(lines) + "\n"


def _draw(
    result: TraceResult,
    way: str,
    edges: list[Edge],
    indent: str,
    by_parent: dict[tuple[str, str], list[Edge]],
    shortest: dict[tuple[str, str], int],
    drawn: set[str],
    lines: list[str],
    quotes: bool,
) -> None:
    ordered = sorted(edges, key=lambda e: (result.nodes[e.child].label, e.child, e.predicate))
    for index, edge in enumerate(ordered):
        last = index == len(ordered) - 1
        branch, carry = ("└─ ", "   ") if last else ("├─ ", "│  ")
        node = result.nodes[edge.child]
        verb = RELATION_LABELS_VI.get(edge.predicate, (edge.predicate, edge.predicate))[0]
        expand = edge.child not in drawn and shortest[(way, edge.child)] == edge.depth
        again = (
            ""
            if expand or not by_parent.get((way, edge.child))
            else "  ↺ (xem nhánh khác / see other branch)"
        )
        if edge.child == result.root.iri:
            again = "  ↺ (vòng lặp / cycle)"
        lines.append(f"{indent}{branch}[{verb}] {node.display()}{again}")
        if quotes:
            for quote, file_name in edge.quotes:
                where = f" — {file_name}" if file_name else ""
                lines.append(f"{indent}{carry}  “{' '.join(quote.split())}”{where}")
        if expand:
            drawn.add(edge.child)
            _draw(
                result,
                way,
                by_parent.get((way, edge.child), []),
                indent + carry,
                by_parent,
                shortest,
                drawn,
                lines,
                quotes,
            )
