"""The build cache in OUT/.kg-cache: what a rebuild can reuse from the previous build.

- `analyses-<code>/<key>.pkl`: a file's `Analysis` (read -> normalise -> extract), keyed by the
  file's name and sha256. Extraction is the expensive per-file step, and it depends on nothing
  but the file and the code, so an unchanged file is never extracted twice.
- `graphs-<code>/<key>.nq`: a file's named graph as sorted N-Quads lines, keyed by what the
  mapping reads for that graph (see `kg.pipeline.graph_key`), so a rebuild maps only the graphs
  whose content changed.
- `map-facts-<code>/<key>.pkl` and `export-parts-<code>/<key>.pkl`: what the HTML map reads
  from one named graph, and the graph's blocks of graph.trig, graph.ttl and graph.jsonld,
  keyed by the graph's N-Quads bytes, so a rebuild reads and serialises only the graphs that
  changed.

`<code>` is `code_version()`: kg's version and a hash of every source and data file of the kg
package (the lexicons' TOML files among them), so any change to the code or the lexicons starts
a fresh cache.
Entries are written to a temporary name and renamed, so a killed build leaves no torn entry;
a build removes the entries it did not use (deleted and changed files) and older code versions.
Pickle is read back only from the user's own output directory, which only kg writes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import shutil
import tempfile
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kg.models import Analysis

CACHE_DIR = ".kg-cache"
_SOURCE_SUFFIXES = {".py", ".toml", ".ttl"}


@cache
def code_version() -> str:
    """A short hash of the code and data that produce a build: changes when any of them does.

    Hashing the package's files costs a few milliseconds once per process (≈100 small files),
    and unlike a version number it cannot be forgotten when an extractor changes.
    """
    import kg

    # the lexicon's TOML files are below the package too: their bytes are in the hash, and so
    # are the ones `lexicon().version` leaves out (agencies, named documents, encodings)
    root = Path(kg.__file__).resolve().parent
    return tree_hash(root, kg.__version__)


def tree_hash(root: Path, salt: str = "") -> str:
    """A hash of the names and bytes of the source and data files below `root`."""
    digest = hashlib.sha256(f"{salt}\0".encode())
    for path in sorted(root.rglob("*")):
        if path.suffix in _SOURCE_SUFFIXES and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()[:16]


def analysis_key(file_name: str, sha256: str) -> str:
    """The file's name is part of the key: the same bytes under two names are two sources."""
    return hashlib.sha256(f"{file_name}\0{sha256}".encode()).hexdigest()[:32]


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


class _Shelf:
    """One kind of entry in one code version's folder; remembers which keys a build used."""

    suffix = ""
    kind = ""

    def __init__(self, out_dir: Path, version: str | None = None) -> None:
        self.root = Path(out_dir) / CACHE_DIR
        self.dir = self.root / f"{self.kind}-{version or code_version()}"
        self.used: set[str] = set()
        self.hits = 0
        self.misses = 0

    def path(self, key: str) -> Path:
        return self.dir / f"{key}{self.suffix}"

    def has(self, key: str) -> bool:
        """Whether an entry is there (neither used nor counted: `read_bytes` does that)."""
        return self.path(key).is_file()

    def read_bytes(self, key: str) -> bytes | None:
        self.used.add(key)
        try:
            data = self.path(key).read_bytes()
        except FileNotFoundError:
            self.misses += 1
            return None
        self.hits += 1
        return data

    def write_bytes(self, key: str, data: bytes) -> None:
        self.used.add(key)
        self.dir.mkdir(parents=True, exist_ok=True)
        _write_atomic(self.path(key), data)

    def prune(self) -> int:
        """Delete entries this build did not use, and the folders of other code versions."""
        removed = 0
        if self.root.is_dir():
            for folder in self.root.iterdir():
                if folder.name.startswith(f"{self.kind}-") and folder != self.dir:
                    shutil.rmtree(folder, ignore_errors=True)
        if self.dir.is_dir():
            for entry in self.dir.iterdir():
                if entry.name.removesuffix(self.suffix) not in self.used:
                    entry.unlink(missing_ok=True)
                    removed += 1
        return removed


class AnalysisCache(_Shelf):
    """Per-file extraction results."""

    suffix = ".pkl"
    kind = "analyses"

    def get(self, key: str) -> Analysis | None:
        data = self.read_bytes(key)
        if data is None:
            return None
        try:
            return pickle.loads(data)
        except Exception:  # a torn or foreign entry: extract again
            self.hits -= 1
            self.misses += 1
            return None

    def put_pickled(self, key: str, data: bytes) -> None:
        self.write_bytes(key, data)


class GraphCache(_Shelf):
    """Per-file named graphs, as sorted N-Quads text."""

    suffix = ".nq"
    kind = "graphs"


class _PickleShelf(_Shelf):
    """Entries that are Python objects, pickled."""

    suffix = ".pkl"

    def get(self, key: str) -> Any:
        data = self.read_bytes(key)
        if data is None:
            return None
        try:
            return pickle.loads(data)
        except Exception:  # a torn or foreign entry: make it again
            self.hits -= 1
            self.misses += 1
            return None

    def put(self, key: str, value: object) -> None:
        self.write_bytes(key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


class FactsCache(_PickleShelf):
    """Per-graph facts the map reads (`kg.export.html.MapFacts`), keyed by the graph's bytes."""

    kind = "map-facts"


class PartsCache(_PickleShelf):
    """Per-graph blocks of the exports (`kg.rdf.assemble.GraphParts`), keyed by the graph's
    bytes."""

    kind = "export-parts"
