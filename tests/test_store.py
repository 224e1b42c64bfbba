"""The on-disk store: versions swapped in by one rename, readers never see a missing or partial
store, old versions removed once unused, one writer at a time."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.store import (
    STORE_LINK,
    VERSIONS_DIR,
    GraphStore,
    StoreLockedError,
    StoreMissingError,
    build_lock,
)

G = "https://w3id.org/kg-vn/id/source/test"


def quads(count: int, graph: str = G) -> list[ox.Quad]:
    node = ox.NamedNode(graph)
    return [
        ox.Quad(ox.NamedNode(f"{graph}/s{i}"), ox.NamedNode(f"{graph}#p"), ox.Literal(str(i)), node)
        for i in range(count)
    ]


def versions(out: Path) -> list[str]:
    return sorted(p.name for p in (out / VERSIONS_DIR).iterdir() if p.is_dir())


def test_written_store_is_a_link_to_a_complete_version(tmp_path):
    GraphStore.write(tmp_path, quads(50))
    link = tmp_path / STORE_LINK
    assert link.is_symlink() and not os.readlink(link).startswith("/")  # relocatable
    store = GraphStore.open(tmp_path)
    assert len(store) == 50
    assert store.path == link.resolve()
    row = next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))
    assert int(row["n"].value) == 50  # the union of named graphs is the default graph


def test_a_rebuild_replaces_the_store_and_removes_the_old_version(tmp_path):
    GraphStore.write(tmp_path, quads(10))
    first = versions(tmp_path)
    GraphStore.write(tmp_path, quads(20))
    assert len(GraphStore.open(tmp_path)) == 20
    assert len(versions(tmp_path)) == 1 and versions(tmp_path) != first
    assert not list((tmp_path / VERSIONS_DIR).glob(f"{first[0]}*"))  # its lock file too


def test_a_version_in_use_survives_rebuilds_until_its_reader_closes(tmp_path):
    GraphStore.write(tmp_path, quads(10))
    reader = GraphStore.open(tmp_path)
    GraphStore.write(tmp_path, quads(20))
    GraphStore.write(tmp_path, quads(30))
    assert len(reader) == 10  # still reads its own version
    assert len(GraphStore.open(tmp_path)) == 30
    assert len(versions(tmp_path)) == 2  # the reader's and the current one
    reader.close()
    GraphStore.write(tmp_path, quads(40))
    assert len(versions(tmp_path)) == 1


def test_a_plain_store_directory_from_an_older_build_is_replaced(tmp_path):
    legacy = ox.Store(str(tmp_path / STORE_LINK))
    legacy.bulk_extend(quads(5))
    legacy.flush()
    del legacy
    assert len(GraphStore.open(tmp_path)) == 5  # still readable as it is
    GraphStore.write(tmp_path, quads(7))
    assert (tmp_path / STORE_LINK).is_symlink()
    assert len(GraphStore.open(tmp_path)) == 7
    assert len(versions(tmp_path)) == 1


def test_no_store_is_a_clear_error(tmp_path):
    with pytest.raises(StoreMissingError, match="run `kg build` first"):
        GraphStore.open(tmp_path)


def test_one_build_at_a_time(tmp_path):
    with build_lock(tmp_path), pytest.raises(StoreLockedError), build_lock(tmp_path):
        pass
    with build_lock(tmp_path):  # released on exit
        pass


def test_to_rdflib_has_the_same_quads(tmp_path):
    GraphStore.write(tmp_path, quads(25))
    dataset = GraphStore.open(tmp_path).to_rdflib()
    assert len(list(dataset.quads((None, None, None, None)))) == 25


WRITER = """
import sys, itertools
sys.path.insert(0, {tests!r})
from test_store import quads
from kg.store import GraphStore
out = sys.argv[1]
for n in itertools.count(1):
    GraphStore.write(out, quads(2000 + n % 2))
    print(n, flush=True)
"""


def test_readers_always_find_a_whole_store_while_a_writer_is_killed(tmp_path):
    """A writer swaps versions in a loop and is killed with SIGKILL at some point; meanwhile
    and afterwards every open finds a complete store (2000 or 2001 quads, nothing else)."""
    GraphStore.write(tmp_path, quads(2000))
    script = WRITER.format(tests=str(Path(__file__).parent))
    writer = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout is not None
        writer.stdout.readline()  # it has swapped at least once
        seen = set()
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            store = GraphStore.open(tmp_path)
            seen.add(len(store))
            store.close()
        os.kill(writer.pid, signal.SIGKILL)
    finally:
        writer.kill()
        writer.wait()
    assert seen <= {2000, 2001}
    assert len(GraphStore.open(tmp_path)) in {2000, 2001}
    GraphStore.write(tmp_path, quads(3))  # the next build clears what the killed one left
    assert len(versions(tmp_path)) == 1
    assert len(list((tmp_path / VERSIONS_DIR).glob("*.lock"))) == 1
