"""SHACL validation of a built graph against `ontology/shapes.ttl` (SHACL Core, no inference).

rdflib and pySHACL are imported inside the functions: `kg --help` must not pay for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from kg.ontology_files import ontology_path
from kg.rdf.namespaces import ONTOLOGY_GRAPH, SH

if TYPE_CHECKING:
    import rdflib

    from kg.store import GraphStore

SHAPES_FILE = "shapes.ttl"


class Violation(BaseModel):
    """One SHACL validation result. Terms are given as plain strings (IRIs, lexical forms)."""

    focus_node: str
    path: str = Field(default="", description="the property IRI; empty for node-level results")
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

    Each graph is dumped as N-Triples by pyoxigraph (in Rust) and parsed once by rdflib: much
    faster than converting terms one quad at a time in Python.
    """
    import pyoxigraph
    import rdflib

    raw = store.raw
    ontology = pyoxigraph.NamedNode(ONTOLOGY_GRAPH)
    graphs: list[pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.DefaultGraph] = [
        g for g in raw.named_graphs() if g != ontology
    ]
    graphs.append(pyoxigraph.DefaultGraph())
    chunks = [raw.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=g) for g in graphs]
    graph = rdflib.Graph()
    payload = b"".join(chunks)
    if payload:
        graph.parse(data=payload, format="nt")
    return graph


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
                path=_text(results.value(result, sh.resultPath)),
                message=_text(results.value(result, sh.resultMessage)),
                severity=_local(results.value(result, sh.resultSeverity)) or "Violation",
                value=_text(results.value(result, sh.value)),
                constraint=_local(results.value(result, sh.sourceConstraintComponent)),
            )
        )
    # pySHACL yields results in hash order; sort so reports are stable from run to run.
    found.sort(key=lambda v: (v.focus_node, v.path, v.constraint, v.value, v.message))
    return found


def _text(term: object) -> str:
    return "" if term is None else str(term)


def _local(term: object) -> str:
    text = _text(term)
    return text.rsplit("#", 1)[-1]
