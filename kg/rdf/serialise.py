"""Writing the exports: TriG (every named graph), Turtle and JSON-LD (the union).

Quads are sorted before they reach pyoxigraph's streaming writers, so the same graph always
gives the same bytes. Each file is written to a temporary name, flushed, fsynced and renamed,
so an interrupted build leaves the previous export whole.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kg.rdf.namespaces import PREFIXES

if TYPE_CHECKING:
    import pyoxigraph

EXPORT_PREFIXES = {p: PREFIXES[p] for p in ("kg", "kgr", "rdf", "rdfs", "xsd", "skos", "org")}


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call `write(tmp)` then move tmp over `path` in one rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        tmp.chmod(0o644)  # mkstemp makes 0600; exports are meant to be shared
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def union_triples(quads: list[pyoxigraph.Quad]) -> list[pyoxigraph.Triple]:
    import pyoxigraph as ox

    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
    return sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def write_exports(out: Path, quads: list[pyoxigraph.Quad]) -> dict[str, Path]:
    import pyoxigraph as ox

    triples = union_triples(quads)
    targets = {
        "graph.trig": (quads, ox.RdfFormat.TRIG),
        "graph.ttl": (triples, ox.RdfFormat.TURTLE),
        "graph.jsonld": (triples, ox.RdfFormat.JSON_LD),
    }
    written = {}
    for name, (data, rdf_format) in targets.items():
        path = out / name

        def write(tmp: Path, data=data, rdf_format=rdf_format) -> None:
            ox.serialize(data, str(tmp), rdf_format, prefixes=EXPORT_PREFIXES)

        atomic_write(path, write)
        written[name] = path
    return written
