"""The build cache in OUT/.kg-cache: what a rebuild can reuse from the previous build.

- `analyses-<code>/<key>.pkl`: a file's `Analysis` (read -> normalise -> extract), keyed by the
  file's name and sha256. Extraction is the expensive per-file step, and it depends on nothing
  but the file and the code, so an unchanged file is never extracted twice.
- `graphs-<code>/<key>.nq`: a file's named graph as sorted N-Quads lines (after their hash),
  keyed by what the mapping reads for that graph (see `kg.pipeline.GraphKeys`), so a rebuild
  maps only the graphs whose content changed.
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
import dataclasses
import hashlib
import io
import os
import pickle
import re
import shutil
import tempfile
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

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


def dumps(value: object) -> bytes:
    """`value` pickled, its pydantic models as their fields (`_restore_model`)."""
    buffer = io.BytesIO()
    _ModelPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.getvalue()


class _ModelPickler(pickle.Pickler):
    """Pickles a pydantic model as its class, field values and set fields, read back by
    `_restore_model` in one call. pydantic's own pickling goes through a state dict and
    `__setstate__`, and an analysis has thousands of models (its candidates and their spans):
    a quarter of the time of loading the cached analyses."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fields_sets: dict[frozenset[str], set[str]] = {}

    def reducer_override(self, obj: object) -> Any:
        if (
            isinstance(obj, BaseModel)
            and obj.__pydantic_extra__ is None
            and obj.__pydantic_private__ is None
        ):
            fields_set = obj.__pydantic_fields_set__
            if obj.model_config.get("frozen"):
                # pydantic changes a model's set of set fields only when a field is assigned,
                # which a frozen model refuses (a copy gets a copy): its spans can share one,
                # pickled once
                fields_set = self._fields_sets.setdefault(frozenset(fields_set), fields_set)
            return _restore_model, (type(obj), obj.__dict__, fields_set)
        return NotImplemented  # anything else (models with extra or private fields too)


_new_object = object.__new__
_set_attribute = object.__setattr__


def _restore_model(cls: type, fields: dict[str, Any], fields_set: set[str]) -> Any:
    """A model as pydantic's `__setstate__` restores it."""
    model = _new_object(cls)
    _set_attribute(model, "__dict__", fields)
    _set_attribute(model, "__pydantic_fields_set__", fields_set)
    _set_attribute(model, "__pydantic_extra__", None)
    _set_attribute(model, "__pydantic_private__", None)
    return model


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
        try:
            data = self.path(key).read_bytes()
        except FileNotFoundError:
            data = None
        self.record(key, data is not None)
        return data

    def record(self, key: str, hit: bool) -> None:
        """Count a look-up of `key`, and keep its entry from being pruned."""
        self.used.add(key)
        if hit:
            self.hits += 1
        else:
            self.misses += 1

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


_SHA256 = re.compile(rb"[0-9a-f]{64}")


class GraphCache(_Shelf):
    """Per-file named graphs, as sorted N-Quads text after a line with the text's sha256:
    what the store's manifest, the map's facts and the exports' parts are keyed by, so that a
    rebuild does not hash the unchanged graphs again."""

    suffix = ".nq"
    kind = "graphs"

    def get(self, key: str) -> tuple[bytes, str] | None:
        """(N-Quads text, its sha256), or None."""
        try:
            with self.path(key).open("rb") as handle:
                digest = handle.readline().rstrip(b"\n")
                block = handle.read()
        except FileNotFoundError:
            self.record(key, False)
            return None
        found = _SHA256.fullmatch(digest) is not None  # else a foreign entry: map again
        self.record(key, found)
        return (block, digest.decode("ascii")) if found else None

    def put(self, key: str, block: bytes) -> str:
        """Cache the graph's text; returns its sha256."""
        digest = hashlib.sha256(block).hexdigest()
        self.write_bytes(key, digest.encode("ascii") + b"\n" + block)
        return digest


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

    def put(self, key: str, value: object) -> None:
        # facts are IRIs and values, each in many tuples, each tuple with strings of its own
        # (read from pyoxigraph terms): pickled once each, an entry is a quarter of the size
        # and loads in half the time
        super().put(key, _share_strings(value, {}))


def _share_strings(value: Any, strings: dict[str, str]) -> Any:
    """`value` with equal strings made one object (in strings, tuples, lists, sets, dicts and
    dataclasses; anything else, subclasses of those too, is kept as it is)."""
    kind = type(value)
    if kind is str:
        return strings.setdefault(value, value)
    if kind in (tuple, list, set, frozenset):
        return kind(_share_strings(item, strings) for item in value)
    if kind is dict:
        return {_share_strings(k, strings): _share_strings(v, strings) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(
            value,
            **{
                field.name: _share_strings(getattr(value, field.name), strings)
                for field in dataclasses.fields(value)
                if field.init
            },
        )
    return value


class PartsCache(_PickleShelf):
    """Per-graph blocks of the exports (`kg.rdf.assemble.GraphParts`), keyed by the graph's
    bytes."""

    kind = "export-parts"
