"""SHACL validation of a built graph against `ontology/shapes.ttl` (SHACL Core, no inference).

rdflib and pySHACL are imported inside the functions: `kg --help` must not pay for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from kg.ontology_files import ontology_path
from kg.rdf.namespaces import ONTOLOGY_GRAPH, SH, XSD

if TYPE_CHECKING:
    import rdflib

    from kg.store import GraphStore

SHAPES_FILE = "shapes.ttl"
XSD_STRING = XSD + "string"


class Violation(BaseModel):
    """One SHACL validation result. Terms are given as plain strings (IRIs, lexical forms)."""

    focus_node: str
    path: str = Field(
        default="", description="the property IRI (a SPARQL path if complex); empty on a node"
    )
    message: str
    severity: str = Field(default="Violation", description="Violation, Warning or Info")
    value: str = Field(default="", description="the offending value, when there is one")
    constraint: str = Field(default="", description="e.g. MinCountConstraintComponent")


class ValidationReport(BaseModel):
    conforms: bool
    violations: list[Violation] = Field(default_factory=list)


def shapes_graph() -> rdflib.Graph:
    """The SHACL shapes shipped in kg.ontology."""
    import rdflib

    graph = rdflib.Graph()
    graph.parse(data=ontology_path(SHAPES_FILE).read_bytes(), format="turtle")
    return graph


def validate(data: rdflib.Graph) -> ValidationReport:
    """Validate a graph (or the union of a dataset's graphs) against the shapes."""
    import pyshacl
    import rdflib

    if isinstance(data, rdflib.ConjunctiveGraph | rdflib.Dataset):
        # pySHACL validates each named graph of a dataset on its own, but a mention in one
        # file's graph may point at a source file typed in another: validate the union.
        data = _union_of(data)
    conforms, results, _text = pyshacl.validate(
        data,
        shacl_graph=shapes_graph(),
        inference="none",
        advanced=False,
        meta_shacl=False,
        abort_on_first=False,
    )
    violations = _violations(results)
    return ValidationReport(conforms=bool(conforms), violations=violations)


def validate_store(store: GraphStore) -> ValidationReport:
    """Validate the union of a store's named graphs, leaving out the ontology graph."""
    return validate(store_union_graph(store))


def store_union_graph(store: GraphStore) -> rdflib.Graph:
    """The store's data graphs (not the ontology) merged into one rdflib Graph.

    Terms are converted in Python with caches and added in one `addN`: twice as fast as dumping
    N-Triples from pyoxigraph and parsing them with rdflib (0.8 s against 1.8 s for 50k triples).
    """
    import pyoxigraph
    import rdflib

    ontology = pyoxigraph.NamedNode(ONTOLOGY_GRAPH)
    convert = _term_converter()
    graph = rdflib.Graph()
    graph.addN(
        (convert(q.subject), convert(q.predicate), convert(q.object), graph)
        for q in store.quads()
        if q.graph_name != ontology
    )
    return graph


def _term_converter():
    """pyoxigraph term -> rdflib term, memoised: IRIs and literals repeat a lot in the graph."""
    import pyoxigraph
    import rdflib

    iris: dict[str, rdflib.URIRef] = {}
    literals: dict[tuple[str, str, str | None], rdflib.Literal] = {}

    def convert(term):
        if isinstance(term, pyoxigraph.NamedNode):
            iri = iris.get(term.value)
            if iri is None:
                iri = iris[term.value] = rdflib.URIRef(term.value)
            return iri
        if isinstance(term, pyoxigraph.Literal):
            key = (term.value, term.datatype.value, term.language)
            literal = literals.get(key)
            if literal is None:
                if term.language:
                    literal = rdflib.Literal(term.value, lang=term.language)
                elif key[1] == XSD_STRING:  # a plain literal, as rdflib's parsers make it
                    literal = rdflib.Literal(term.value)
                else:
                    literal = rdflib.Literal(term.value, datatype=convert(term.datatype))
                literals[key] = literal
            return literal
        if isinstance(term, pyoxigraph.BlankNode):
            return rdflib.BNode(term.value)
        raise TypeError(f"cannot validate RDF-star term {term!r}")

    return convert


def _union_of(dataset: rdflib.Graph) -> rdflib.Graph:
    import rdflib

    union = rdflib.Graph()
    for s, p, o, g in dataset.quads((None, None, None, None)):
        graph_id = getattr(g, "identifier", g)
        if str(graph_id) != ONTOLOGY_GRAPH:
            union.add((s, p, o))
    return union


def _violations(results: rdflib.Graph) -> list[Violation]:
    import rdflib

    sh = rdflib.Namespace(SH)
    # Results nested under sh:detail (e.g. inside sh:xone) repeat what their parent says.
    nested = set(results.objects(None, sh.detail))
    found: list[Violation] = []
    for result in results.subjects(rdflib.RDF.type, sh.ValidationResult):
        if result in nested:
            continue
        found.append(
            Violation(
                focus_node=_text(results.value(result, sh.focusNode)),
                path=_path_text(results, results.value(result, sh.resultPath)),
                message=_text(results.value(result, sh.resultMessage)),
                severity=_local(results.value(result, sh.resultSeverity)) or "Violation",
                value=_text(results.value(result, sh.value)),
                constraint=_local(results.value(result, sh.sourceConstraintComponent)),
            )
        )
    # pySHACL yields results in hash order; sort so reports are stable from run to run.
    found.sort(key=lambda v: (v.focus_node, v.path, v.constraint, v.value, v.message))
    return found


def _path_text(graph: rdflib.Graph, path: object) -> str:
    """A property path as text: an IRI as is, a complex path in SPARQL syntax (`<a>|<b>`)."""
    import rdflib
    from rdflib.collection import Collection

    if path is None:
        return ""
    if not isinstance(path, rdflib.BNode):
        return str(path)
    sh = rdflib.Namespace(SH)
    if (alternatives := graph.value(path, sh.alternativePath)) is not None:
        return "|".join(_path_part(graph, p) for p in Collection(graph, alternatives))
    if (inverse := graph.value(path, sh.inversePath)) is not None:
        return "^" + _path_part(graph, inverse)
    for predicate, suffix in ((sh.zeroOrMorePath, "*"), (sh.oneOrMorePath, "+")):
        if (inner := graph.value(path, predicate)) is not None:
            return _path_part(graph, inner) + suffix
    if (inner := graph.value(path, sh.zeroOrOnePath)) is not None:
        return _path_part(graph, inner) + "?"
    if graph.value(path, rdflib.RDF.first) is not None:  # a sequence is a plain RDF list
        return "/".join(_path_part(graph, p) for p in Collection(graph, path))
    return str(path)


def _path_part(graph: rdflib.Graph, path: object) -> str:
    import rdflib

    if isinstance(path, rdflib.URIRef):
        return f"<{path}>"
    return f"({_path_text(graph, path)})"


def _text(term: object) -> str:
    return "" if term is None else str(term)


def _local(term: object) -> str:
    text = _text(term)
    return text.rsplit("#", 1)[-1]
