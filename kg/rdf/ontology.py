"""The ontology's own named graph, loaded from the packaged kg.ttl."""

from __future__ import annotations

from kg.ontology_files import ontology_path
from kg.rdf.namespaces import ONTOLOGY_GRAPH


def ontology_quads() -> list:
    import pyoxigraph as ox

    data = ontology_path("kg.ttl").read_bytes()
    graph = ox.NamedNode(ONTOLOGY_GRAPH)
    return [
        ox.Quad(t.subject, t.predicate, t.object, graph)
        for t in ox.parse(data, format=ox.RdfFormat.TURTLE)
    ]
