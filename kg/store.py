"""The graph store: a pyoxigraph store on disk in the build output, queried over the union of
its named graphs.

Written with `bulk_load` into a fresh directory and swapped into place, so readers never see a
half-built store.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported lazily: `kg --help` must not pay for pyoxigraph
    import pyoxigraph

STORE_DIR = "store"


class StoreMissingError(FileNotFoundError):
    """No built graph where one was expected."""


class GraphStore:
    """A read-mostly view of a built graph. Open with `GraphStore.open(out_dir)`."""

    def __init__(self, store: pyoxigraph.Store) -> None:
        self._store = store

    @classmethod
    def open(cls, out_dir: Path) -> GraphStore:
        import pyoxigraph

        path = Path(out_dir) / STORE_DIR
        if not path.is_dir():
            raise StoreMissingError(f"{out_dir}: no built graph here (run `kg build` first)")
        return cls(pyoxigraph.Store.read_only(str(path)))

    @classmethod
    def in_memory(cls, quads: Iterable[pyoxigraph.Quad]) -> GraphStore:
        import pyoxigraph

        store = pyoxigraph.Store()
        store.bulk_extend(quads)
        return cls(store)

    @staticmethod
    def write(out_dir: Path, quads: Iterable[pyoxigraph.Quad]) -> Path:
        """Build a new on-disk store next to the old one, then swap it into place."""
        import pyoxigraph

        out_dir = Path(out_dir)
        final = out_dir / STORE_DIR
        fresh = out_dir / f".{STORE_DIR}.new"
        old = out_dir / f".{STORE_DIR}.old"
        for leftover in (fresh, old):
            if leftover.exists():
                shutil.rmtree(leftover)
        store = pyoxigraph.Store(str(fresh))
        store.bulk_extend(quads)
        store.flush()
        store.optimize()
        del store
        if final.exists():
            final.rename(old)
        fresh.rename(final)
        if old.exists():
            shutil.rmtree(old)
        return final

    @property
    def raw(self) -> pyoxigraph.Store:
        return self._store

    def query(self, sparql: str):
        """Run SPARQL over the union of all named graphs, the contract's prefixes predeclared."""
        from kg.rdf.namespaces import PREFIXES

        return self._store.query(sparql, use_default_graph_as_union=True, prefixes=dict(PREFIXES))

    def __len__(self) -> int:
        return len(self._store)

    def quads(self) -> Iterable[pyoxigraph.Quad]:
        return self._store.quads_for_pattern(None, None, None, None)

    def to_rdflib(self):
        """An rdflib Dataset with the same quads, for Python users who work in rdflib."""
        import pyoxigraph
        import rdflib

        dataset = rdflib.Dataset()
        data = pyoxigraph.serialize(self.quads(), format=pyoxigraph.RdfFormat.N_QUADS)
        dataset.parse(data=data, format="nquads")
        return dataset
