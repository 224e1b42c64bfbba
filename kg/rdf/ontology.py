"""The ontology's own named graph, loaded from the packaged kg.ttl."""

from __future__ import annotations

from kg.ontology_files import ontology_path
from kg.rdf.namespaces import ONTOLOGY_GRAPH


def ontology_quads() -> list:
    """The ontology's triples in its named graph. Blank nodes (`owl:unionOf` lists) are relabelled
    in document order: the parser names them at random, and exports must be byte-identical."""
    import pyoxigraph as ox

    data = ontology_path("kg.ttl").read_bytes()
    graph = ox.NamedNode(ONTOLOGY_GRAPH)
    labels: dict[str, ox.BlankNode] = {}

    def stable(term):
        if isinstance(term, ox.BlankNode):
            return labels.setdefault(term.value, ox.BlankNode(f"ontology{len(labels)}"))
        return term

    return [
        ox.Quad(stable(t.subject), t.predicate, stable(t.object), graph)
        for t in ox.parse(data, format=ox.RdfFormat.TURTLE)
    ]
