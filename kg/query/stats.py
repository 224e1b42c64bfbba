"""Counts over a built graph, for `kg stats`: entities by class, edges by relation, evidence.

Only resources under `kgr:` are counted, so the ontology's own triples (its classes and
properties live in the `kg:` namespace) never inflate the figures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from kg.rdf.namespaces import KG, KGR

if TYPE_CHECKING:
    from kg.store import GraphStore

# kg: properties that are plumbing between mentions, files and entities, not relations
_PLUMBING = ("mentions", "source", "sourceFile")


class Stats(BaseModel):
    classes: dict[str, int] = Field(default_factory=dict, description="entities by kg: class")
    relations: dict[str, int] = Field(
        default_factory=dict, description="distinct edges by kg: object property"
    )
    mentions: int = 0
    relation_mentions: int = Field(default=0, description="mentions that state an edge")
    entity_mentions: int = Field(default=0, description="mentions that support an entity")
    files: int = 0
    graphs: int = 0
    quads: int = 0


def _rows(store: GraphStore, sparql: str) -> list:
    return list(store.query(sparql))


def _count(store: GraphStore, sparql: str) -> int:
    rows = _rows(store, sparql)
    return int(rows[0]["c"].value) if rows and rows[0]["c"] is not None else 0


def collect_stats(store: GraphStore) -> Stats:
    in_kgr = f'STRSTARTS(STR(?s), "{KGR}")'
    classes = {
        row["c"].value[len(KG) :]: int(row["n"].value)
        for row in _rows(
            store,
            "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c . "
            f'FILTER({in_kgr} && STRSTARTS(STR(?c), "{KG}")) }} GROUP BY ?c',
        )
    }
    plumbing = ", ".join(f"kg:{p}" for p in _PLUMBING)
    relations = {
        row["p"].value[len(KG) :]: int(row["n"].value)
        for row in _rows(
            store,
            "SELECT ?p (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o . "
            f'FILTER({in_kgr} && isIRI(?o) && STRSTARTS(STR(?p), "{KG}") '
            f"&& ?p NOT IN ({plumbing})) }} }} GROUP BY ?p",
        )
    }
    return Stats(
        classes=dict(sorted(classes.items(), key=lambda kv: (-kv[1], kv[0]))),
        relations=dict(sorted(relations.items(), key=lambda kv: (-kv[1], kv[0]))),
        mentions=_count(store, "SELECT (COUNT(DISTINCT ?m) AS ?c) WHERE { ?m a kg:Mention }"),
        relation_mentions=_count(
            store,
            "SELECT (COUNT(DISTINCT ?m) AS ?c) WHERE { ?m a kg:Mention ; rdf:predicate ?p }",
        ),
        entity_mentions=_count(
            store,
            "SELECT (COUNT(DISTINCT ?m) AS ?c) WHERE { ?m a kg:Mention ; kg:mentions ?x }",
        ),
        files=_count(store, "SELECT (COUNT(DISTINCT ?f) AS ?c) WHERE { ?f a kg:SourceFile }"),
        graphs=sum(1 for _ in store.raw.named_graphs()),
        quads=len(store),
    )
