"""The graph store: a pyoxigraph store on disk in the build output, queried over the union of
its named graphs.

Layout of OUT:

    store -> .store/<version>     a relative symlink, replaced in one rename (os.replace)
    .store/<version>/             one complete RocksDB store per build, written with bulk loading
    .store/<version>.lock         readers hold a shared flock on it while they use that version
    .kg-build.lock                one build at a time writes into OUT

A build loads a fresh version directory, then swaps the symlink: at every moment, even if the
build is killed, `store` names a complete store (the old one or the new one). Versions that
are no longer current are deleted once no reader holds their lock; a reader that opens a
version in the middle of its deletion notices and follows the symlink again. Oxigraph's
read-only mode is undefined while another process writes the same directory; a version is
never written after the swap, so readers (`kg serve` included) are always safe.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import shutil
import signal
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported lazily: `kg --help` must not pay for pyoxigraph
    import pyoxigraph
    import rdflib

STORE_LINK = "store"
VERSIONS_DIR = ".store"
BUILD_LOCK = ".kg-build.lock"
_OPEN_TRIES = 10


class StoreMissingError(FileNotFoundError):
    """No built graph where one was expected."""


class StoreLockedError(RuntimeError):
    """Another build is writing into the same output directory."""


def _lock_path(version: Path) -> Path:
    return version.with_name(version.name + ".lock")


def current_version(out_dir: Path) -> Path | None:
    """The version directory `OUT/store` points to now (or the directory itself if `store` is
    a plain directory, as builds before versioning wrote it)."""
    link = Path(out_dir) / STORE_LINK
    if link.is_symlink():
        target = link.parent / os.readlink(link)
        return target if target.is_dir() else None
    return link if link.is_dir() else None


# the build locks this process holds (their file descriptors), and its id when it took them
_held_locks: set[int] = set()
_lock_holder = 0
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


@contextlib.contextmanager
def build_lock(out_dir: Path) -> Iterator[None]:
    """Hold OUT's writer lock: a second build into the same OUT fails at once instead of
    writing the same cache and store directories. Released by the kernel if the process dies:
    the processes a build forks (its workers, its exports) close their copy of the lock and die
    with it (`_forked_while_locked`), so a build killed alone does not leave its lock behind."""
    global _lock_holder
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(out_dir / BUILD_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreLockedError(f"{out_dir}: another `kg build` is writing here") from None
        _held_locks.add(fd)
        _lock_holder = os.getpid()
        yield
    finally:
        _held_locks.discard(fd)
        os.close(fd)


def _forked_while_locked() -> None:
    """In a process forked while a build lock is held: close the inherited descriptor of the
    lock (a flock is held while any descriptor of it is open, and a child that outlived a
    killed build would block the next one), and ask Linux to kill this process when its
    parent dies (a worker left waiting for tasks would never exit on its own)."""
    if not _held_locks:
        return
    for fd in _held_locks:
        with contextlib.suppress(OSError):
            os.close(fd)
    _held_locks.clear()
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != _lock_holder:  # the parent died before prctl: nobody to serve
            os._exit(1)


os.register_at_fork(after_in_child=_forked_while_locked)


class StoreLease:
    """A shared lock on one store version: while it is held, no build deletes that version."""

    def __init__(self, path: Path, fd: int | None) -> None:
        self.path = path
        self._fd = fd

    @classmethod
    def acquire(cls, out_dir: Path) -> StoreLease:
        link = Path(out_dir) / STORE_LINK
        for _ in range(_OPEN_TRIES):
            version = current_version(out_dir)
            if version is None:
                break
            if not link.is_symlink():  # a plain directory: nobody swaps or deletes it
                return cls(version, None)
            try:
                # no O_CREAT: a lock file that is gone belongs to a version being deleted
                fd = os.open(_lock_path(version), os.O_RDONLY)
            except FileNotFoundError:
                time.sleep(0.01)
                continue
            fcntl.flock(fd, fcntl.LOCK_SH)
            if version.is_dir() and _lock_path(version).exists():
                return cls(version, fd)
            os.close(fd)  # deleted while we waited for the lock: follow the link again
        raise StoreMissingError(f"{out_dir}: no built graph here (run `kg build` first)")

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __del__(self) -> None:
        self.release()


class GraphStore:
    """A read-mostly view of a built graph. Open with `GraphStore.open(out_dir)`."""

    def __init__(self, store: pyoxigraph.Store, lease: StoreLease | None = None) -> None:
        self._store = store
        self._lease = lease

    @classmethod
    def open(cls, out_dir: Path) -> GraphStore:
        """Open the current version read-only; it stays readable, whatever later builds do,
        until this object is closed or collected."""
        import pyoxigraph

        lease = StoreLease.acquire(Path(out_dir))
        try:
            return cls(pyoxigraph.Store.read_only(str(lease.path)), lease)
        except BaseException:
            lease.release()
            raise

    @classmethod
    def in_memory(cls, quads: Iterable[pyoxigraph.Quad]) -> GraphStore:
        import pyoxigraph

        store = pyoxigraph.Store()
        store.bulk_extend(quads)
        return cls(store)

    @staticmethod
    def write(out_dir: Path, quads: Iterable[pyoxigraph.Quad]) -> Path:
        """Bulk-load the quads into a new version and swap it into place."""
        return _write_version(Path(out_dir), lambda store: store.bulk_extend(quads))

    @staticmethod
    def write_nquads(out_dir: Path, chunks: Iterable[bytes]) -> Path:
        """Like `write`, from N-Quads text: parsed and loaded in Rust, no Python objects.

        The chunks are streamed into one `bulk_load` call: one call per chunk costs a bulk
        load each (22 s instead of 2.9 s for 250k quads in 100 graphs).
        """
        import pyoxigraph

        def load(store: pyoxigraph.Store) -> None:
            stream = io.BufferedReader(_ChunkReader(chunks), buffer_size=1 << 20)
            store.bulk_load(stream, pyoxigraph.RdfFormat.N_QUADS)

        return _write_version(Path(out_dir), load)

    @staticmethod
    def update(out_dir: Path, remove: Iterable[str], add: Iterable[bytes]) -> Path:
        """A new version made from the current one: the named graphs `remove` dropped, the
        N-Quads `add` loaded, then swapped in like a full write. For a rebuild that changed a
        few graphs: a checkpoint and a small load, instead of loading every quad again."""
        import pyoxigraph

        out_dir = Path(out_dir)
        lease = StoreLease.acquire(out_dir)  # the base stays while we copy it
        try:

            def load(store: pyoxigraph.Store) -> None:
                for graph in remove:
                    store.remove_graph(pyoxigraph.NamedNode(graph))
                stream = io.BufferedReader(_ChunkReader(add), buffer_size=1 << 20)
                store.bulk_load(stream, pyoxigraph.RdfFormat.N_QUADS)

            written = _write_version(out_dir, load, base=lease.path, optimize=False)
        finally:
            lease.release()
        remove_old_versions(out_dir)  # the base too, now that our lease on it is gone
        return written

    @property
    def raw(self) -> pyoxigraph.Store:
        return self._store

    @property
    def path(self) -> Path | None:
        """The version directory this store reads (None in memory)."""
        return self._lease.path if self._lease else None

    def close(self) -> None:
        self._store = None  # type: ignore[assignment]  # drops RocksDB's handles
        if self._lease:
            self._lease.release()

    def query(self, sparql: str):
        """Run SPARQL over the union of all named graphs, the contract's prefixes predeclared."""
        from kg.rdf.namespaces import PREFIXES

        return self._store.query(sparql, use_default_graph_as_union=True, prefixes=dict(PREFIXES))

    def __len__(self) -> int:
        return len(self._store)

    def quads(self) -> Iterable[pyoxigraph.Quad]:
        return self._store.quads_for_pattern(None, None, None, None)

    def to_rdflib(self) -> rdflib.Dataset:
        """An rdflib Dataset with the same quads, for Python users who work in rdflib.

        A copy built on demand (N-Quads dumped in Rust, parsed once by rdflib) rather than
        oxrdflib's live store adapter: every rdflib triple pattern would cross into Rust and
        back, which is slower for the whole-graph walks rdflib users do (pySHACL, serialising),
        and oxrdflib pins pyoxigraph versions of its own.
        """
        import pyoxigraph
        import rdflib

        dataset = rdflib.Dataset()
        data = self._store.dump(format=pyoxigraph.RdfFormat.N_QUADS)
        if data:
            dataset.parse(data=data, format="nquads")
        return dataset


class _ChunkReader(io.RawIOBase):
    """A binary stream over an iterable of byte strings, read without joining them."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._current = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        while not self._current:
            try:
                self._current = memoryview(next(self._chunks))
            except StopIteration:
                return 0
        size = min(len(buffer), len(self._current))
        buffer[:size] = self._current[:size]
        self._current = self._current[size:]
        return size


def _write_version(out_dir: Path, load, base: Path | None = None, *, optimize: bool = True) -> Path:
    """A new version: empty, or a checkpoint of `base` (hard links to its immutable files,
    so `base` and its readers are untouched); `load` fills it; then the swap.

    `optimize`: compact the new version. An update skips it: compacting rewrites the whole
    store (most of an update's time), while the few small files an update adds to a compacted
    base barely slow queries down; after `MAX_UPDATES` updates a build loads afresh anyway."""
    import pyoxigraph

    versions = out_dir / VERSIONS_DIR
    versions.mkdir(parents=True, exist_ok=True)
    name = f"{time.time_ns():020d}-{os.getpid()}"
    fresh = versions / name
    _lock_path(fresh).touch()
    if base is not None:
        source = pyoxigraph.Store.read_only(str(base))
        source.backup(str(fresh))
        del source
    store = pyoxigraph.Store(str(fresh))
    load(store)
    store.flush()
    if optimize:
        # one compaction: queries read fewer files (at 1.25M quads, 2.7 s that take `kg trace`
        # from 72 to 59 ms, the chain query from 159 to 130 ms, a bulk-loaded store or not)
        store.optimize()
    del store  # closes RocksDB before any reader opens the directory
    _swap_link(out_dir, fresh)
    remove_old_versions(out_dir)
    return out_dir / STORE_LINK


def _swap_link(out_dir: Path, version: Path) -> None:
    link = out_dir / STORE_LINK
    if link.exists() and not link.is_symlink():
        # a plain `store` directory from an older kg: move it aside once (a symlink cannot
        # replace a directory in one rename)
        link.rename(out_dir / VERSIONS_DIR / f"00000000000000000000-legacy-{version.name}")
    tmp = out_dir / f".{STORE_LINK}.link-{version.name}"
    tmp.symlink_to(version.relative_to(out_dir))
    os.replace(tmp, link)
    dir_fd = os.open(out_dir, os.O_RDONLY)
    try:
        os.fsync(dir_fd)  # the new link survives a crash of the machine, not only of kg
    finally:
        os.close(dir_fd)


def remove_old_versions(out_dir: Path) -> list[Path]:
    """Delete every version but the current one that no reader holds; return those deleted."""
    out_dir = Path(out_dir)
    versions = out_dir / VERSIONS_DIR
    current = current_version(out_dir)
    removed = []
    for leftover in (out_dir / ".store.new", out_dir / ".store.old"):  # older kg's swap
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
    if not versions.is_dir():
        return removed
    for entry in sorted(versions.iterdir()):
        if entry.suffix == ".lock" or (
            current is not None and entry.resolve() == current.resolve()
        ):
            continue
        lock = _lock_path(entry)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # a reader still uses it; a later build deletes it
            shutil.rmtree(entry, ignore_errors=True)
            lock.unlink(missing_ok=True)
            removed.append(entry)
        finally:
            os.close(fd)
    for lock in versions.glob("*.lock"):  # locks whose version is gone (a killed build)
        if not lock.with_suffix("").exists() and lock.with_suffix("") != current:
            with contextlib.suppress(OSError):
                fd = os.open(lock, os.O_RDWR)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    lock.unlink()
                finally:
                    os.close(fd)
    return removed
