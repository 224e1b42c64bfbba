"""build: corpus folder -> graph exports. The thin orchestrator of the stages.

read -> normalise -> extract run per file, in worker processes, and are cached per file
(`kg.cache`); resolve runs once over the whole corpus (identity is global); the mapping runs per
named graph and is cached by what each graph is made of; the store and the exports are then
assembled from N-Quads text, in Rust, without a Python object per quad.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import pickle
import time
import typing
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.extract import run_extractors
from kg.ingest import InputFileError, list_corpus, read_source
from kg.lexicon import lexicon
from kg.models import Analysis, BuildReport, InputError, Resolution, SourceText
from kg.normalise import normalise

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
    from kg.cache import analysis_key

    result = _analyse_safely(path, corpus)
    if isinstance(result, InputError):
        return result
    key = analysis_key(result.text.file_name, result.text.sha256)
    return key, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)


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
    from kg.cache import analysis_key

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
            cache.put_pickled(key, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
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
    from kg.resolve import resolve
    from kg.resolve.config import corpus_config

    return resolve(analyses, corpus_config(corpus).jurisdiction)


# --- mapping, one named graph at a time -------------------------------------------------------


def _set_fields(model: type) -> set[str]:
    return {
        name
        for name, field in model.model_fields.items()
        if typing.get_origin(field.annotation) in (set, frozenset)
    }


def split_resolution(resolution: Resolution) -> Iterator[Resolution]:
    """The part of the resolution each source file's named graph is mapped from, file by file
    (made one at a time: all of them at once would copy every entity once per file).

    The mapping writes into a file's graph: the file itself, every entity mentioned in the file
    or that the file is (with its corpus-wide label, names, date...), the mentions in the file,
    and the edges the file states with their evidence. So mapping a file's part gives exactly
    that graph's quads, and the graph needs mapping again only when its part changes, whichever
    file caused that (a label chosen from another file changes every graph that mentions it).
    """
    entities: dict[str, list[tuple[Any, list]]] = defaultdict(list)
    relations: dict[str, list[tuple[Any, list]]] = defaultdict(list)
    for entity in resolution.entities:
        by_file: dict[str, list] = defaultdict(list)
        for mention in entity.mentions:
            by_file[mention.file_name].append(mention)
        if entity.source_file:
            by_file.setdefault(entity.source_file, [])
        for file_name, mentions in by_file.items():
            entities[file_name].append((entity, mentions))
    for relation in resolution.relations:
        by_file = defaultdict(list)
        for mention in relation.mentions:
            by_file[mention.file_name].append(mention)
        for file_name, mentions in by_file.items():
            relations[file_name].append((relation, mentions))
    for info in resolution.files:
        yield Resolution(
            files=[info],
            entities=[
                e.model_copy(update={"mentions": m}) for e, m in entities.pop(info.file_name, [])
            ],
            relations=[
                r.model_copy(update={"mentions": m}) for r, m in relations.pop(info.file_name, [])
            ],
        )


def graph_key(part: Resolution) -> str:
    """A hash of everything the mapping reads for one graph, and of the code that maps it.

    Every field, whatever fields the models grow, serialised by pydantic in Rust; set fields
    are taken out and hashed sorted, since a set's order changes from process to process.
    """
    from kg.cache import code_version
    from kg.models import Entity, Relation

    sets = {"entities": _set_fields(Entity), "relations": _set_fields(Relation)}
    digest = hashlib.sha256(code_version().encode())
    digest.update(
        part.model_dump_json(exclude={k: {"__all__": v} for k, v in sets.items()}).encode()
    )
    # one JSON document for all of them: a json.dumps call per set cost as much as the rest
    values = [
        sorted(getattr(item, field), key=repr)
        for kind, fields in sets.items()
        for item in getattr(part, kind)
        for field in sorted(fields)
    ]
    digest.update(json.dumps(values, ensure_ascii=False, default=str).encode())
    return digest.hexdigest()[:32]


def _quad_lines(quads: Iterable) -> list[str]:
    """N-Quads lines, sorted. Terms are self-delimiting and joined by a space (lower than any
    character that can follow a term's prefix), so sorting the lines sorts by (s, p, o, g) as
    the terms' own strings would: the exports keep their order and their bytes."""
    return sorted(f"{quad} ." for quad in quads)


def _map_part(part: Resolution) -> dict[str, bytes]:
    """One part's quads as sorted N-Quads text (UTF-8) by graph."""
    from kg.rdf.mapping import to_quads

    return _group(_quad_lines(to_quads(part)))


def map_graphs(resolution: Resolution, cache: GraphCache | None = None) -> dict[str, bytes]:
    """Every named graph of the build as sorted N-Quads text, by graph IRI (the ontology too).

    UTF-8 bytes, not str: half the memory for Vietnamese text, what the store and the exports
    read, and sorted alike (UTF-8 keeps the order of code points).

    Graphs whose part of the resolution is unchanged come from the cache.
    """
    from kg.rdf.mapping import to_quads
    from kg.rdf.namespaces import ONTOLOGY_GRAPH
    from kg.rdf.ontology import ontology_quads

    graphs: dict[str, bytes] = {ONTOLOGY_GRAPH: _text_block(_quad_lines(ontology_quads()))}
    if set(Resolution.model_fields) != {"files", "entities", "relations"}:
        # the resolution grew a part the split does not know: map it whole, uncached
        return graphs | _group(_quad_lines(to_quads(resolution)))
    blocks: dict[str, list[bytes]] = defaultdict(list)  # graph IRI -> N-Quads text per part
    file_graphs = {f.iri for f in resolution.files}
    # one part at a time, in this process: mapping in workers was slower (pickling the parts
    # costs more than the mapping saves, measured at ×20 on 2 cores)
    for part in split_resolution(resolution):
        iri = part.files[0].iri
        key = graph_key(part) if cache is not None else ""
        data = cache.read_bytes(key) if cache is not None else None
        if data is not None:
            blocks[iri].append(data)
            continue
        mapped = _map_part(part)
        own = mapped.pop(iri, b"")
        blocks[iri].append(own)
        # what the part puts in other files' graphs (an entity's own file) is theirs to map;
        # a graph of no file (none today) is not cached, so its part is mapped every time
        others = {g: b for g, b in mapped.items() if g not in file_graphs}
        for other, block in others.items():
            blocks[other].append(block)
        if cache is not None and not others:
            cache.write_bytes(key, own)
    for iri, parts in blocks.items():
        # several parts in one graph: files whose names give the same IRI, or a graph of no file
        graphs[iri] = (
            parts[0]
            if len(parts) == 1
            else b"".join(sorted({line + b"\n" for block in parts for line in block.splitlines()}))
        )
    return graphs


def _text_block(lines: list[str]) -> bytes:
    return "".join(f"{line}\n" for line in lines).encode("utf-8")


def _group(lines: list[str]) -> dict[str, bytes]:
    """Sorted N-Quads lines by graph IRI (the last term of each line)."""
    groups: dict[str, list[str]] = defaultdict(list)
    for line in lines:
        graph = line[line.rindex(" <", 0, len(line) - 2) + 2 : -3]
        groups[graph].append(line)
    return {graph: _text_block(block) for graph, block in groups.items()}


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


def write_store(out: Path, graphs: dict[str, bytes]) -> str:
    """Write the store: update the current version when only a few graphs changed since the
    build that wrote it, else load every graph afresh. Returns "updated" or "loaded".

    A manifest in the cache records each graph's content hash and the store version it
    describes; if a crash left the store and the manifest out of step, the versions differ
    and the store is loaded afresh.
    """
    from kg.cache import CACHE_DIR, _write_atomic
    from kg.store import GraphStore, current_version

    hashes = graph_hashes(graphs)
    path = out / CACHE_DIR / STORE_MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
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
    if fits:
        GraphStore.update(
            out,
            remove=[iri for iri in [*changed, *gone] if iri in old],
            add=(graphs[iri] for iri in changed),
        )
        updates += 1
    else:
        GraphStore.write_nquads(out, (graphs[iri] for iri in _ordered(graphs)))
        updates = 0
    version = current_version(out)
    record = {"version": version.name if version else None, "updates": updates, "graphs": hashes}
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomic(path, json.dumps(record, sort_keys=True).encode("utf-8"))
    return "updated" if fits else "loaded"


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
    """Write the exports in a forked process while this one writes the map and validates;
    returns the function that waits for it. In this process, and None, when the
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
        resolution = resolve_corpus(analyses, corpus)
        counts = count_by_class(resolution)
        del analyses  # the texts: memory for what follows
        lap("resolve")
        graphs = map_graphs(resolution, graph_cache)
        del resolution
        lap("map")
        write_store(out, graphs)
        lap("store")
        # what the map's facts and the exports' parts are keyed by (write_store hashes the
        # graphs too, for its manifest: 40 ms at ×20)
        hashes = graph_hashes(graphs)
        quads = sum(block.count(b"\n") for block in graphs.values())
        # after the store, not beside it: the exports' files and fsyncs slowed a rebuild's
        # store update down more than the overlap saved
        exports_written = _exports_beside(out, graphs, hashes, jobs)
        if exports_written is None:
            lap("exports")
        try:
            # read from the graphs, not the store: the unchanged graphs' facts are cached
            facts = map_facts(graphs, hashes, facts_cache) if html else None
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
            lap("exports")  # what the exports took beyond the map and the validation
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
