"""build: corpus folder -> graph exports. The thin orchestrator of the stages.

read -> normalise -> extract run per file (in worker processes when there are several);
resolve -> map -> store and exports run once over the whole corpus.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from kg.extract import run_extractors
from kg.ingest import InputFileError, list_corpus, read_source
from kg.lexicon import lexicon
from kg.models import Analysis, BuildReport, InputError, Resolution, SourceText
from kg.normalise import normalise

Progress = Callable[[int, int, str], None]


class CorpusNotFoundError(FileNotFoundError):
    """The corpus folder does not exist."""


def analyse_file(path: Path, corpus: Path) -> Analysis:
    """read -> normalise -> extract, for one file."""
    return analyse_source(read_source(path, corpus))


def analyse_source(source: SourceText) -> Analysis:
    analysis = Analysis(text=normalise(source), extractor_version=lexicon().version)
    return run_extractors(analysis)


def analyse_text(raw: str, file_name: str = "text.txt") -> Analysis:
    """Analyse a string as if it were a corpus file (for tests, notebooks and other tools)."""
    digest = hashlib.sha256(raw.encode("utf-8")).hexdigest()
    return analyse_source(SourceText(file_name=file_name, sha256=digest, raw=raw))


def _analyse_safely(path: Path, corpus: Path) -> Analysis | InputError:
    try:
        return analyse_file(path, corpus)
    except InputFileError as error:
        return InputError(file_name=path.relative_to(corpus).as_posix(), message=str(error))
    except Exception as error:  # one bad file must not stop the build
        name = path.relative_to(corpus).as_posix()
        return InputError(file_name=name, message=f"{name}: cannot process: {error}")


def analyse_corpus(
    corpus: Path, *, jobs: int | None = None, progress: Progress | None = None
) -> tuple[list[Analysis], list[InputError], list[InputError]]:
    """(analyses, errors, warnings) of every corpus file, in corpus order."""
    listing = list_corpus(corpus)
    paths = listing.files
    jobs = jobs or os.cpu_count() or 1
    results: dict[Path, Analysis | InputError] = {}
    if jobs > 1 and len(paths) > 1:
        with ProcessPoolExecutor(max_workers=min(jobs, len(paths))) as pool:
            futures = {path: pool.submit(_analyse_safely, path, corpus) for path in paths}
            for done, path in enumerate(paths, 1):
                results[path] = futures[path].result()
                if progress:
                    progress(done, len(paths), path.name)
    else:
        for done, path in enumerate(paths, 1):
            results[path] = _analyse_safely(path, corpus)
            if progress:
                progress(done, len(paths), path.name)
    analyses = [r for p in paths if isinstance(r := results[p], Analysis)]
    errors = [r for p in paths if isinstance(r := results[p], InputError)]
    return analyses, errors, listing.skipped


def resolve_corpus(analyses: list[Analysis], corpus: Path) -> Resolution:
    from kg.resolve import resolve
    from kg.resolve.config import corpus_config

    return resolve(analyses, corpus_config(corpus).jurisdiction)


def build(
    corpus: Path,
    out: Path,
    *,
    jobs: int | None = None,
    progress: Progress | None = None,
    validate: bool = True,
    html: bool = True,
) -> BuildReport:
    from kg.rdf.mapping import count_by_class, to_quads
    from kg.rdf.ontology import ontology_quads
    from kg.rdf.serialise import write_exports
    from kg.store import GraphStore

    started = time.perf_counter()
    corpus, out = Path(corpus), Path(out)
    if not corpus.is_dir():
        raise CorpusNotFoundError(f"corpus directory not found: {corpus}")
    analyses, errors, warnings = analyse_corpus(corpus, jobs=jobs, progress=progress)
    resolution = resolve_corpus(analyses, corpus)
    quads = to_quads(resolution)
    all_quads = sorted([*quads, *ontology_quads()], key=_sort_key)

    out.mkdir(parents=True, exist_ok=True)
    GraphStore.write(out, all_quads)
    write_exports(out, all_quads)
    store = GraphStore.open(out)
    if html:
        from kg.export.html import write_html

        write_html(store, out / "graph.html")
    violations = 0
    if validate:
        from kg.validate import validate_store

        violations = len(validate_store(store).violations)
    return BuildReport(
        corpus=str(corpus),
        out=str(out),
        files_read=len(analyses),
        errors=errors,
        warnings=warnings,
        counts=count_by_class(resolution),
        quads=len(all_quads),
        violations=violations,
        seconds=round(time.perf_counter() - started, 3),
    )


def _sort_key(quad) -> tuple[str, str, str, str]:
    return (str(quad.graph_name), str(quad.subject), str(quad.predicate), str(quad.object))
