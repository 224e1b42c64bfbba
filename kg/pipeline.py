"""build: corpus folder -> graph exports. The thin orchestrator of the stages.

read -> normalise -> extract run per file, in worker processes, and are cached per file
(`kg.cache`); resolve runs once over the whole corpus (identity is global); the mapping runs per
named graph and is cached by what each graph is made of; the store and the exports are then
assembled from N-Quads text, in Rust, without a Python object per quad.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import json
import os
import pickle
import time
import typing
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.extract import run_extractors
from kg.ingest import InputFileError, list_corpus, read_source
from kg.lexicon import lexicon
from kg.models import (
    Analysis,
    BuildReport,
    Entity,
    InputError,
    Mention,
    Relation,
    Resolution,
    SourceFileInfo,
    SourceText,
    Span,
)
from kg.normalise import normalise
from kg.resolve import MentionRef, Resolved

if TYPE_CHECKING:
    from kg.cache import AnalysisCache, FactsCache, GraphCache
    from kg.export.html import MapFacts

Progress = Callable[[int, int, str], None]


class CorpusNotFoundError(FileNotFoundError):
    """The corpus folder does not exist."""


def analyse_file(path: Path, corpus: Path) -> Analysis:
    """read -> normalise -> extract, for one file."""
    return analyse_source(read_source(path, corpus))


def analyse_source(source: SourceText) -> Analysis:
    from kg.resolve.jurisdiction import province_counts

    analysis = run_extractors(Analysis(text=normalise(source), extractor_version=lexicon().version))
    # counted here, per file, so the count is cached with the analysis: resolve only adds up
    analysis.province_counts = province_counts(analysis.text.folded)
    return analysis


def analyse_text(raw: str, file_name: str = "text.txt") -> Analysis:
    """Analyse a string as if it were a corpus file (for tests, notebooks and other tools)."""
    digest = hashlib.sha256(raw.encode("utf-8")).hexdigest()
    return analyse_source(SourceText(file_name=file_name, sha256=digest, raw=raw))


def _error(path: Path, corpus: Path, error: Exception) -> InputError:
    name = path.relative_to(corpus).as_posix()
    if isinstance(error, InputFileError):
        return InputError(file_name=name, message=str(error))
    return InputError(file_name=name, message=f"{name}: cannot process: {error}")


def _analyse_safely(path: Path, corpus: Path) -> Analysis | InputError:
    try:
        return analyse_file(path, corpus)
    except Exception as error:  # one bad file must not stop the build
        return _error(path, corpus, error)


def _analyse_pickled(path: Path, corpus: Path) -> tuple[str, bytes] | InputError:
    """In a worker: the analysis pickled once, so the parent can both cache and load it."""
    from kg.cache import analysis_key, dumps

    result = _analyse_safely(path, corpus)
    if isinstance(result, InputError):
        return result
    key = analysis_key(result.text.file_name, result.text.sha256)
    return key, dumps(result)


def analyse_corpus(
    corpus: Path,
    *,
    jobs: int | None = None,
    progress: Progress | None = None,
    cache: AnalysisCache | None = None,
) -> tuple[list[Analysis], list[InputError], list[InputError]]:
    """(analyses, errors, warnings) of every corpus file, in corpus order.

    Files found in `cache` (same name, same bytes, same code) are not extracted again; the
    others are extracted in `jobs` worker processes (default: the CPUs). The result does not
    depend on `jobs` or on the cache: each file's analysis depends on that file only.
    """
    from kg.cache import analysis_key, dumps

    corpus = Path(corpus)
    listing = list_corpus(corpus)
    paths = listing.files
    results: dict[Path, Analysis | InputError] = {}
    cached: dict[Path, str] = {}  # file -> its key, for the files the cache has
    if cache is not None:
        for path in paths:
            try:
                data = path.read_bytes()
            except OSError:
                continue  # the extraction reports it
            key = analysis_key(
                path.relative_to(corpus).as_posix(), hashlib.sha256(data).hexdigest()
            )
            if cache.has(key):
                cached[path] = key
            else:
                cache.misses += 1
    todo = [path for path in paths if path not in cached]
    done = 0

    def finish(path: Path, outcome: tuple[str, bytes] | InputError) -> None:
        nonlocal done
        if isinstance(outcome, InputError):
            results[path] = outcome
        else:
            key, data = outcome
            if cache is not None:
                cache.put_pickled(key, data)
            results[path] = pickle.loads(data)
        done += 1
        if progress:
            progress(done, len(paths), path.name)

    def load_cached() -> list[Path]:
        """Load the cached analyses; returns the files whose entries could not be read."""
        nonlocal done
        unreadable = []
        for path, key in cached.items():
            hit = cache.get(key) if cache is not None else None
            if hit is None:
                unreadable.append(path)
            else:
                results[path] = hit
                done += 1
        if progress and done:
            progress(done, len(paths), "")
        return unreadable

    workers = min(jobs or os.cpu_count() or 1, len(todo) + (1 if cached else 0))
    if workers > 1 and todo:
        # largest first, so no worker is left with a big file at the end
        todo.sort(key=lambda p: _size(p), reverse=True)
        # workers collect cycles as usual, whatever the parent does; a worker even for one
        # file, so that this process loads the cached analyses meanwhile
        with ProcessPoolExecutor(
            max_workers=min(workers, len(todo)), initializer=gc.enable
        ) as pool:
            futures = {pool.submit(_analyse_pickled, path, corpus): path for path in todo}
            todo = load_cached()
            for future in as_completed(futures):
                finish(futures[future], future.result())
    else:
        todo += load_cached()
    for path in todo:  # in this process: one worker's worth, or entries that would not load
        result = _analyse_safely(path, corpus)
        if isinstance(result, Analysis) and cache is not None:
            key = analysis_key(result.text.file_name, result.text.sha256)
            cache.put_pickled(key, dumps(result))
        done += 1
        results[path] = result
        if progress:
            progress(done, len(paths), path.name)
    analyses = [r for p in paths if isinstance(r := results[p], Analysis)]
    errors = [r for p in paths if isinstance(r := results[p], InputError)]
    return analyses, errors, listing.skipped


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def resolve_corpus(analyses: list[Analysis], corpus: Path) -> Resolution:
    return _resolve_lazily(analyses, corpus).resolution()


def _resolve_lazily(analyses: list[Analysis], corpus: Path) -> Resolved:
    """The resolution, its mentions made only for the graphs that are mapped (`Resolved`)."""
    from kg.resolve import resolve_lazily
    from kg.resolve.config import corpus_config

    return resolve_lazily(analyses, corpus_config(corpus).jurisdiction)


# --- mapping, one named graph at a time -------------------------------------------------------


def split_resolution(resolution: Resolution) -> Iterator[Resolution]:
    """The part of the resolution each source file's named graph is mapped from, file by file
    (made one at a time: all of them at once would copy every entity once per file).

    The mapping writes into a file's graph: the file itself, every entity mentioned in the file
    or that the file is (with its corpus-wide label, names, date...), the mentions in the file,
    and the edges the file states with their evidence. So mapping a file's part gives exactly
    that graph's quads, and the graph needs mapping again only when its part changes, whichever
    file caused that (a label chosen from another file changes every graph that mentions it).
    """
    for share in _shares(resolution):
        yield share.part()


class _Share(typing.NamedTuple):
    """What one file's part is made of: the entities and relations it has mentions of, each
    with those mentions (the resolution's own objects: a part copies them, a share does not;
    mentions not made yet are made in the part)."""

    info: SourceFileInfo
    entities: list[tuple[Entity, list[Mention | MentionRef]]]
    relations: list[tuple[Relation, list[Mention | MentionRef]]]

    def part(self) -> Resolution:
        return Resolution(
            files=[self.info],
            entities=[e.model_copy(update={"mentions": _made(m)}) for e, m in self.entities],
            relations=[r.model_copy(update={"mentions": _made(m)}) for r, m in self.relations],
        )

    def size(self) -> int:
        """About how much mapping the part takes: its entities, relations and mentions."""
        return sum(1 + len(m) for _, m in self.entities) + sum(
            1 + len(m) for _, m in self.relations
        )


def _made(mentions: list[Mention | MentionRef]) -> list[Mention]:
    return [m.make() if isinstance(m, MentionRef) else m for m in mentions]


def _shares(resolution: Resolution | Resolved) -> list[_Share]:
    """Each file's share of the resolution, in the order of `resolution.files`."""
    if isinstance(resolution, Resolved):
        entity_mentions: Iterable[list] = resolution.entity_mentions
        relation_mentions: Iterable[list] = resolution.relation_mentions
    else:
        entity_mentions = (e.mentions for e in resolution.entities)
        relation_mentions = (r.mentions for r in resolution.relations)
    entities: dict[str, list[tuple[Entity, list]]] = defaultdict(list)
    relations: dict[str, list[tuple[Relation, list]]] = defaultdict(list)
    for entity, mentions in zip(resolution.entities, entity_mentions, strict=True):
        by_file: dict[str, list] = defaultdict(list)
        for mention in mentions:
            by_file[mention.file_name].append(mention)
        if entity.source_file:
            by_file.setdefault(entity.source_file, [])
        for file_name, in_file in by_file.items():
            entities[file_name].append((entity, in_file))
    for relation, mentions in zip(resolution.relations, relation_mentions, strict=True):
        by_file = defaultdict(list)
        for mention in mentions:
            by_file[mention.file_name].append(mention)
        for file_name, in_file in by_file.items():
            relations[file_name].append((relation, in_file))
    return [
        _Share(info, entities.pop(info.file_name, []), relations.pop(info.file_name, []))
        for info in resolution.files
    ]


@functools.cache
def _set_fields(model: type) -> list[str]:
    return sorted(
        name
        for name, field in model.model_fields.items()
        if typing.get_origin(field.annotation) in (set, frozenset)
    )


# what a mention is made of: its quote and original span are read from its file's text at its
# span, so the file's bytes (in the key) and the span stand for them (see `GraphKeys`)
_MENTION_FIELDS = {"file_name", "span", "quote", "original", "cue"}


class GraphKeys:
    """The cache keys of one resolution's graphs: a hash of everything the mapping reads for
    one graph, and of the code that maps it.

    Each entity and relation is serialised once, whatever fields the models grow (by pydantic,
    in Rust; set fields are hashed sorted, since a set's order changes from process to
    process), not once for every graph it is in. A mention is hashed as its span and cue: its
    file is the graph's own (`_shares`), whose name and sha256 the key holds, and the rest of
    it is read from that file's text (`kg.resolve`). Should `Mention` grow a field, mentions
    are serialised whole.
    """

    def __init__(self) -> None:
        from kg.cache import code_version

        self._code = code_version().encode()
        self._items: dict[int, bytes] = {}  # id of an entity or relation -> its hash
        self._whole_mentions = set(Mention.model_fields) != _MENTION_FIELDS or set(
            Span.model_fields
        ) != {"start", "end"}

    def _item(self, item: Entity | Relation) -> bytes:
        """The hash of all of `item` but its mentions."""
        found = self._items.get(id(item))
        if found is None:
            fields = _set_fields(type(item))
            digest = hashlib.sha256(item.model_dump_json(exclude={"mentions", *fields}).encode())
            for field in fields:  # repr: exact, and the same in every process
                digest.update(repr(sorted(map(repr, getattr(item, field)))).encode())
            found = self._items[id(item)] = digest.digest()
        return found

    def key(self, share: _Share) -> str:
        """The key of the graph of `share`, a share of a resolution that outlives this object
        (its items are known by their ids)."""
        digest = hashlib.sha256(self._code)
        digest.update(share.info.model_dump_json().encode())
        items = [*share.entities, *share.relations]
        digest.update(b"".join([self._item(item) for item, _ in items]))
        mentions: Any = (
            [m.model_dump(mode="json") for _, ms in items for m in _made(ms)]
            if self._whole_mentions
            else [(m.span.start, m.span.end, m.cue) for _, ms in items for m in ms]
        )
        counts = [len(ms) for _, ms in items]  # which item each mention is of
        digest.update(repr((len(share.entities), counts, mentions)).encode())
        return digest.hexdigest()[:32]


def _quad_lines(quads: Iterable) -> list[str]:
    """N-Quads lines, sorted. Terms are self-delimiting and joined by a space (lower than any
    character that can follow a term's prefix), so sorting the lines sorts by (s, p, o, g) as
    the terms' own strings would: the exports keep their order and their bytes."""
    return sorted(f"{quad} ." for quad in quads)


def _map_part(part: Resolution) -> dict[str, bytes]:
    """One part's quads as sorted N-Quads text (UTF-8) by graph."""
    from kg.rdf.mapping import to_nquads

    return to_nquads(part)


def map_graphs(
    resolution: Resolution, cache: GraphCache | None = None, jobs: int | None = 1
) -> dict[str, bytes]:
    """Every named graph of the build as sorted N-Quads text, by graph IRI (the ontology too).

    UTF-8 bytes, not str: half the memory for Vietnamese text, what the store and the exports
    read, and sorted alike (UTF-8 keeps the order of code points).

    Graphs whose part of the resolution is unchanged come from the cache; the others are
    mapped in `jobs` forked processes (None: the CPUs; 1: in this one). The result does not
    depend on `jobs`.
    """
    return _map_graphs(resolution, cache, jobs)[0]


def _map_graphs(
    resolution: Resolution | Resolved, cache: GraphCache | None, jobs: int | None
) -> tuple[dict[str, bytes], dict[str, str]]:
    """`map_graphs`, and the content hashes (`graph_hashes`) of the graphs the cache holds."""
    from kg.rdf.mapping import to_nquads
    from kg.rdf.namespaces import ONTOLOGY_GRAPH
    from kg.rdf.ontology import ontology_quads

    graphs: dict[str, bytes] = {ONTOLOGY_GRAPH: _text_block(_quad_lines(ontology_quads()))}
    if set(Resolution.model_fields) != {"files", "entities", "relations"}:
        # the resolution grew a part the split does not know: map it whole, uncached
        if isinstance(resolution, Resolved):
            resolution = resolution.resolution()
        return graphs | to_nquads(resolution), {}
    mapping = _Mapping(_shares(resolution), cache)
    # graph IRI -> (index of the part, its N-Quads text, the text's hash if known) for each
    # part that writes into the graph
    blocks: dict[str, list[tuple[int, bytes, str | None]]] = defaultdict(list)
    workers = min(jobs or os.cpu_count() or 1, len(mapping.shares))
    results: Iterator[_Mapped] = (
        _mapped_in_workers(mapping, workers)
        if workers > 1
        else (mapping.run(index) for index in range(len(mapping.shares)))
    )
    with contextlib.closing(results):
        for index, key, mapped, digest in results:
            iri = mapping.shares[index].info.iri
            if mapped is None:  # in the cache: read here, while the workers key and map
                assert cache is not None
                hit = cache.get(key)
                if hit is not None:
                    blocks[iri].append((index, *hit))
                    continue
                _, _, mapped, digest = mapping.run(index, cached=False)  # unreadable
            elif cache is not None:
                cache.record(key, False)
            # a graph of no file (none today) is not cached, so its part is mapped every time
            blocks[iri].append((index, mapped.pop(iri, b""), digest))
            for other, block in mapped.items():
                blocks[other].append((index, block, None))
    hashes: dict[str, str] = {}
    for iri, parts in blocks.items():
        if len(parts) == 1:
            _, graphs[iri], digest = parts[0]
            if digest is not None:
                hashes[iri] = digest
        else:
            # several parts in one graph: files whose names give the same IRI, or a graph of
            # no file
            graphs[iri] = b"".join(
                sorted({line + b"\n" for _, block, _ in parts for line in block.splitlines()})
            )
    return graphs, hashes


# (index of a part, its graph key, the part mapped: N-Quads text by graph IRI (None: its
# graph is in the cache), the hash of its own graph's text if it was cached)
_Mapped = tuple[int, str, dict[str, bytes] | None, str | None]


class _Mapping:
    """Keying and mapping the parts of one resolution: in this process or in workers."""

    def __init__(self, shares: list[_Share], cache: GraphCache | None) -> None:
        self.shares = shares
        self.cache = cache
        self.keys = GraphKeys() if cache is not None else None
        self.file_graphs = {share.info.iri for share in shares}

    def run(self, index: int, *, cached: bool = True) -> _Mapped:
        """Key the part `index`; map it unless the cache has its graph (`cached`), and cache
        its graph. Records nothing in the cache: the build's own process does (`record`)."""
        share = self.shares[index]
        key = self.keys.key(share) if self.keys is not None else ""
        if self.cache is None:
            return index, key, self._mapped(share), None
        if cached and self.cache.has(key):
            return index, key, None, None
        mapped = self._mapped(share)
        iri = share.info.iri
        if any(graph != iri for graph in mapped):
            # it writes into a graph of no file: mapped every time (see `_map_graphs`)
            return index, key, mapped, None
        return index, key, mapped, self.cache.put(key, mapped.get(iri, b""))

    def _mapped(self, share: _Share) -> dict[str, bytes]:
        """The part mapped, but for what it puts in other files' graphs (an entity's own
        file): theirs to map."""
        iri = share.info.iri
        return {
            graph: block
            for graph, block in _map_part(share.part()).items()
            if graph == iri or graph not in self.file_graphs
        }


# the mapping a forked mapping worker inherited from the build's process (`_adopt_mapping`)
_worker_mapping: _Mapping | None = None


def _adopt_mapping(mapping: _Mapping) -> None:
    global _worker_mapping
    _worker_mapping = mapping


def _run_in_worker(index: int) -> _Mapped:
    assert _worker_mapping is not None
    return _worker_mapping.run(index)


def _mapped_in_workers(mapping: _Mapping, workers: int) -> Iterator[_Mapped]:
    """`_Mapping.run` of every part, largest first, in forked processes that inherit the
    resolution from this one (fork passes the initializer's arguments without pickling them;
    pickling the parts cost more than the mapping saved) and send back only keys and bytes.
    Results come as they are done."""
    import multiprocessing

    order = sorted(range(len(mapping.shares)), key=lambda i: -mapping.shares[i].size())
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_adopt_mapping,
        initargs=(mapping,),
    )
    try:
        futures = [pool.submit(_run_in_worker, index) for index in order]
        for future in as_completed(futures):
            try:
                result = future.result()
            except Exception as error:  # in a worker, or a worker that died
                raise RuntimeError(f"mapping the graphs failed: {error!r}") from error
            yield result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _text_block(lines: list[str]) -> bytes:
    return "".join(f"{line}\n" for line in lines).encode("utf-8")


def _ordered(graphs: dict[str, bytes]) -> list[str]:
    """Graph IRIs in the order the exports list them: by the IRI's N-Triples form `<iri>`."""
    return sorted(graphs, key=lambda iri: f"<{iri}>")


def write_exports(
    out: Path, graphs: dict[str, bytes], hashes: dict[str, str] | None = None
) -> None:
    """graph.trig (every named graph), graph.ttl and graph.jsonld (the union), assembled from
    each graph's blocks (`kg.rdf.assemble`): serialised by pyoxigraph for the graphs whose
    bytes are new, from the cache for the others."""
    from kg.cache import PartsCache
    from kg.rdf.assemble import graph_parts, write_assembled

    hashes = hashes or graph_hashes(graphs)
    cache = PartsCache(out)
    parts = {}
    for iri, block in graphs.items():
        key = hashes[iri][:32]
        part = cache.get(key)
        if part is None:
            part = graph_parts(iri, block)
            cache.put(key, part)
        parts[iri] = part
    write_assembled(out, graphs, parts, _ordered(graphs))


# --- the store -------------------------------------------------------------------------------

STORE_MANIFEST = "store-manifest.json"
# a store updated in place this many times, or with more than this share of its graphs
# changed, is loaded afresh instead: compact files, and no long chain of small loads
MAX_UPDATES = 20
MAX_CHANGED_SHARE = 0.2


def graph_hashes(graphs: dict[str, bytes]) -> dict[str, str]:
    """Each graph's content hash: what the store manifest and the map's facts are keyed by."""
    return {iri: hashlib.sha256(block).hexdigest() for iri, block in graphs.items()}


class StorePlan(typing.NamedTuple):
    """How `write_store` will write the store, from the manifest of the build that wrote it."""

    update: bool  # update the current version, else load every graph afresh
    remove: list[str]  # the graphs an update removes (changed or gone)
    add: list[str]  # the graphs an update loads (new or changed)
    updates: int  # how many updates the current version has had


def plan_store(out: Path, graphs: dict[str, bytes], hashes: dict[str, str]) -> StorePlan:
    """Update the current version when only a few graphs changed since the build that wrote
    it, else load every graph afresh.

    A manifest in the cache records each graph's content hash and the store version it
    describes; if a crash left the store and the manifest out of step, the versions differ
    and the store is loaded afresh.
    """
    from kg.cache import CACHE_DIR
    from kg.store import current_version

    try:
        manifest = json.loads((out / CACHE_DIR / STORE_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    version = current_version(out)
    old: dict[str, str] = manifest.get("graphs", {})
    changed = [iri for iri in graphs if old.get(iri) != hashes[iri]]
    gone = [iri for iri in old if iri not in graphs]
    updates = int(manifest.get("updates", 0))
    fits = (
        version is not None
        and version.name == manifest.get("version")
        and updates < MAX_UPDATES
        and len(changed) + len(gone) <= MAX_CHANGED_SHARE * max(len(graphs), 1)
    )
    return StorePlan(fits, [iri for iri in [*changed, *gone] if iri in old], changed, updates)


def write_store(
    out: Path,
    graphs: dict[str, bytes],
    hashes: dict[str, str] | None = None,
    plan: StorePlan | None = None,
) -> str:
    """Write the store as `plan` says (`plan_store`, by default) and record the graphs'
    content hashes (`hashes`, computed if not given) in the manifest. Returns "updated" or
    "loaded"."""
    from kg.cache import CACHE_DIR, _write_atomic
    from kg.store import GraphStore, current_version

    hashes = hashes or graph_hashes(graphs)
    plan = plan or plan_store(out, graphs, hashes)
    if plan.update:
        GraphStore.update(out, remove=plan.remove, add=(graphs[iri] for iri in plan.add))
        updates = plan.updates + 1
    else:
        GraphStore.write_nquads(out, (graphs[iri] for iri in _ordered(graphs)))
        updates = 0
    version = current_version(out)
    record = {"version": version.name if version else None, "updates": updates, "graphs": hashes}
    path = out / CACHE_DIR / STORE_MANIFEST
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomic(path, json.dumps(record, sort_keys=True).encode("utf-8"))
    return "updated" if plan.update else "loaded"


# --- the map ----------------------------------------------------------------------------------


def map_facts(graphs: dict[str, bytes], hashes: dict[str, str], cache: FactsCache) -> MapFacts:
    """What the HTML map reads from the graphs: each graph's facts from the cache when its
    bytes are unchanged, else read from its N-Quads (and cached), then joined."""
    from kg.export.html import MapFacts

    facts = MapFacts()
    for iri, block in graphs.items():
        key = hashes[iri][:32]
        part = cache.get(key)
        if part is None:
            part = MapFacts.from_nquads(block)
            cache.put(key, part)
        facts.update(part)
    return facts


# --- build ------------------------------------------------------------------------------------


def _exports_beside(
    out: Path, graphs: dict[str, bytes], hashes: dict[str, str], jobs: int | None
) -> Callable[[], None] | None:
    """Write the exports in a forked process while this one goes on (the store, the map, the
    validation); returns the function that waits for it. In this process, and None, when the
    build is asked for one process (`jobs=1`)."""
    import multiprocessing

    if (jobs or os.cpu_count() or 1) < 2:
        write_exports(out, graphs, hashes)
        return None
    process = multiprocessing.get_context("fork").Process(
        target=write_exports, args=(out, graphs, hashes), name="kg-exports", daemon=True
    )
    process.start()

    def wait() -> None:
        process.join()
        if process.exitcode != 0:
            raise RuntimeError(f"writing the exports failed (exit code {process.exitcode})")

    return wait


def build(
    corpus: Path,
    out: Path,
    *,
    jobs: int | None = None,
    progress: Progress | None = None,
    validate: bool = True,
    html: bool = True,
) -> BuildReport:
    """Build the corpus into OUT; `jobs` worker processes (default: the CPUs)."""
    corpus, out = Path(corpus), Path(out)
    if not corpus.is_dir():
        raise CorpusNotFoundError(f"corpus directory not found: {corpus}")
    collecting = gc.isenabled()
    try:
        return _build(corpus, out, jobs=jobs, progress=progress, validate=validate, html=html)
    finally:
        if collecting:
            gc.enable()
        else:
            gc.disable()


def _build(
    corpus: Path,
    out: Path,
    *,
    jobs: int | None,
    progress: Progress | None,
    validate: bool,
    html: bool,
) -> BuildReport:
    from kg.cache import AnalysisCache, FactsCache, GraphCache, PartsCache
    from kg.rdf.mapping import count_by_class
    from kg.store import GraphStore, build_lock

    started = time.perf_counter()
    stages: dict[str, float] = {}
    several = (jobs or os.cpu_count() or 1) > 1  # processes, or a thread beside this one

    def lap(stage: str) -> None:
        nonlocal started
        now = time.perf_counter()
        stages[stage] = round(now - started, 3)
        started = now

    with build_lock(out):
        # Loading, resolving and mapping allocate millions of small objects that live until
        # the build ends and form no cycles: the cyclic collector would walk them again and
        # again (a quarter of the time of loading cached analyses, a tenth of resolving and
        # mapping). It runs again for the map and the validation, which are not ours.
        gc.disable()
        analysis_cache, graph_cache = AnalysisCache(out), GraphCache(out)
        facts_cache, parts_cache = FactsCache(out), PartsCache(out)
        analyses, errors, warnings = analyse_corpus(
            corpus, jobs=jobs, progress=progress, cache=analysis_cache
        )
        files_read = len(analyses)
        encodings = {  # named in the build log: files not read as plain UTF-8
            a.text.file_name: a.text.encoding
            for a in analyses
            if a.text.encoding not in ("utf-8", "utf-8-sig")
        }
        lap("extract")
        resolved = _resolve_lazily(analyses, corpus)
        counts = count_by_class(resolved.outline())
        del analyses  # the candidates: memory for what follows (the mentions keep the texts)
        lap("resolve")
        graphs, hashes = _map_graphs(resolved, graph_cache, jobs)
        del resolved
        lap("map")
        # what the store's manifest, the map's facts and the exports' parts are keyed by:
        # known from the cache for the unchanged graphs
        hashes |= graph_hashes({iri: b for iri, b in graphs.items() if iri not in hashes})
        plan = plan_store(out, graphs, hashes)
        quads = sum(block.count(b"\n") for block in graphs.values())
        # The exports are written in a process of their own: beside a full load of the store,
        # which keeps one CPU busy for long, but after an update, which is short and which
        # the exports' files and fsyncs slowed down more than the overlap saved.
        exports_first = several and not plan.update
        exports_written = _exports_beside(out, graphs, hashes, jobs) if exports_first else None
        try:
            # the map's facts are read from the graphs, not the store: the unchanged graphs'
            # facts are cached
            facts: MapFacts | None = None
            if several and html and plan.update:
                # read while the store is updated, which pyoxigraph does without the GIL (not
                # beside a full load and the exports: the load slowed down as much)
                with ThreadPoolExecutor(1) as thread:
                    stored = thread.submit(write_store, out, graphs, hashes, plan)
                    facts = map_facts(graphs, hashes, facts_cache)
                    stored.result()
            else:
                write_store(out, graphs, hashes, plan)
            lap("store")
            if not exports_first:
                exports_written = _exports_beside(out, graphs, hashes, jobs)
                if exports_written is None:
                    lap("exports")
            if html and facts is None:
                facts = map_facts(graphs, hashes, facts_cache)
            del graphs
            gc.enable()
            store = GraphStore.open(out)
            try:
                if html:
                    from kg.export.html import write_html

                    write_html(store, out / "graph.html", facts=facts)
                    del facts
                    lap("html")
                violations = 0
                if validate:
                    from kg.validate import validate_store

                    violations = len(validate_store(store).violations)
                    lap("validate")
            finally:
                store.close()
        finally:
            if exports_written is not None:
                exports_written()
        if exports_written is not None:
            lap("exports")  # what the exports took beyond the rest
        # only now: a build that fails above keeps the entries the next one can reuse
        analysis_cache.prune()
        graph_cache.prune()
        # the exports' parts were used in another process: this build's graphs are theirs
        parts_cache.used.update(h[:32] for h in hashes.values())
        parts_cache.prune()
        if html:  # a build without the map used none of them, and the next one may
            facts_cache.prune()
    return BuildReport(
        corpus=str(corpus),
        out=str(out),
        files_read=files_read,
        files_extracted=analysis_cache.misses,
        errors=errors,
        warnings=warnings,
        counts=counts,
        quads=quads,
        violations=violations,
        seconds=round(sum(stages.values()) + time.perf_counter() - started, 3),
        stages=stages,
        encodings=encodings,
    )
