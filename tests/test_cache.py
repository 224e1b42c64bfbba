"""Incremental and parallel builds: per-file caches, what a rebuild redoes, and that neither the
cache nor the number of workers changes a byte of the output."""

from __future__ import annotations

import pickle
import re
import shutil
from pathlib import Path

import pytest

import kg.cache
import kg.pipeline
from kg.cache import CACHE_DIR, AnalysisCache, tree_hash
from kg.pipeline import analyse_corpus, build, map_graphs, resolve_corpus
from kg.store import GraphStore
from tests.conftest import CORPUS

EXPORTS = ["graph.trig", "graph.ttl", "graph.jsonld"]
TEXTS = {
    "a.txt": "CHƯƠNG TRÌNH\nThực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị, "
    "Ban Thường vụ Tỉnh uỷ Cao Bằng ban hành Chương trình số 06-CTr/TU.\n",
    "b.txt": "KẾ HOẠCH\nThực hiện Chương trình số 06-CTr/TU của Tỉnh uỷ Cao Bằng, Ủy ban nhân dân "
    "tỉnh ban hành Kế hoạch số 31-KH/TU.\n",
    "sub/c.md": "HƯỚNG DẪN\nCăn cứ Quyết định số 498/QĐ-TTg của Thủ tướng Chính phủ; thực hiện "
    "Kế hoạch số 31-KH/TU.\n",
}


def small_build(corpus: Path, out: Path, jobs: int = 1):
    return build(corpus, out, jobs=jobs, validate=False, html=False)


@pytest.fixture
def corpus(tmp_path) -> Path:
    root = tmp_path / "corpus"
    for name, text in TEXTS.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def exports(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in EXPORTS}


def store_dump(out: Path) -> list[str]:
    """The store's quads as sorted N-Quads, blank nodes unlabelled (a load names them anew)."""
    store = GraphStore.open(out)
    try:
        return sorted(re.sub(r"_:\w+", "_:b", f"{quad} .") for quad in store.quads())
    finally:
        store.close()


def graphs_in_store(out: Path) -> set[str]:
    return {g.value for g in GraphStore.open(out).raw.named_graphs()}


def entries(out: Path, kind: str) -> list[Path]:
    return sorted((out / CACHE_DIR).glob(f"{kind}-*/*"))


def test_an_unchanged_rebuild_extracts_nothing_and_writes_the_same_bytes(corpus, tmp_path):
    out = tmp_path / "out"
    first = small_build(corpus, out)
    assert first.files_read == 3 and first.files_extracted == 3
    before = exports(out)
    again = small_build(corpus, out)
    assert again.files_extracted == 0
    assert exports(out) == before
    assert again.quads == first.quads


def test_one_changed_file_is_extracted_again_and_the_result_equals_a_cold_build(corpus, tmp_path):
    out = tmp_path / "out"
    small_build(corpus, out)
    (corpus / "b.txt").write_text(TEXTS["b.txt"].replace("31-KH/TU", "45-KH/TU"), encoding="utf-8")
    report = small_build(corpus, out)
    assert report.files_extracted == 1
    cold = tmp_path / "cold"
    small_build(corpus, cold)
    assert exports(out) == exports(cold)
    assert bool(GraphStore.open(out).query('ASK { ?d kg:symbol "45-KH/TU" }'))
    assert not GraphStore.open(out).query('ASK { ?d kg:symbol "31-KH/TU" ; kg:sourceFile ?f }')
    # one entry per file: the changed file's old entry is gone
    assert len(entries(out, "analyses")) == 3
    assert len(entries(out, "graphs")) == 3


def test_a_deleted_file_disappears_from_the_graph_and_the_cache(corpus, tmp_path):
    out = tmp_path / "out"
    small_build(corpus, out)
    gone = {g for g in graphs_in_store(out) if g.endswith("sub-c-md")}
    assert gone
    (corpus / "sub" / "c.md").unlink()
    report = small_build(corpus, out)
    assert report.files_read == 2 and report.files_extracted == 0
    assert not gone & graphs_in_store(out)
    assert not GraphStore.open(out).query('ASK { ?d kg:symbol "498/QĐ-TTg" }')
    assert len(entries(out, "analyses")) == 2
    cold = tmp_path / "cold"
    small_build(corpus, cold)
    assert exports(out) == exports(cold)


def test_the_number_of_workers_does_not_change_the_output(corpus, tmp_path):
    small_build(corpus, tmp_path / "one", jobs=1)
    small_build(corpus, tmp_path / "three", jobs=3)
    assert exports(tmp_path / "one") == exports(tmp_path / "three")
    cached = {p.name: p.read_bytes() for p in entries(tmp_path / "one", "analyses")}
    pooled = {p.name: p.read_bytes() for p in entries(tmp_path / "three", "analyses")}
    assert cached.keys() == pooled.keys()
    for name in cached:  # a worker's analysis is the in-process one
        assert pickle.loads(cached[name]) == pickle.loads(pooled[name])


def test_a_code_change_starts_a_fresh_cache(corpus, tmp_path, monkeypatch):
    out = tmp_path / "out"
    small_build(corpus, out)
    monkeypatch.setattr(kg.cache, "code_version", lambda: "another-code")
    report = small_build(corpus, out)
    assert report.files_extracted == 3
    folders = sorted(p.name for p in (out / CACHE_DIR).iterdir() if p.is_dir())
    assert folders == [
        "analyses-another-code",
        "export-parts-another-code",
        "graphs-another-code",
    ]  # the old ones removed


def test_code_version_hashes_the_bytes_of_sources_and_data(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text("x = 1\n")
    (tmp_path / "pkg" / "cues.toml").write_text("a = 1\n")
    before = tree_hash(tmp_path)
    (tmp_path / "pkg" / "notes.txt").write_text("not code")
    assert tree_hash(tmp_path) == before
    (tmp_path / "pkg" / "cues.toml").write_text("a = 2\n")
    assert tree_hash(tmp_path) != before
    assert kg.cache.code_version() == kg.cache.code_version()


def test_a_torn_cache_entry_is_extracted_again(corpus, tmp_path):
    out = tmp_path / "out"
    small_build(corpus, out)
    before = exports(out)
    for entry in entries(out, "analyses"):
        entry.write_bytes(b"not a pickle")
    for entry in entries(out, "graphs"):
        entry.unlink()
    report = small_build(corpus, out)
    assert report.files_extracted == 3
    assert exports(out) == before


def test_mapping_graph_by_graph_equals_mapping_the_whole_resolution(tmp_path_factory):
    """The per-graph mapping cache relies on it: every quad of the whole mapping is found in
    the graph of the file it belongs to, and nothing else (the real corpus, every relation)."""
    import pyoxigraph as ox

    from kg.rdf.mapping import to_quads
    from kg.rdf.namespaces import ONTOLOGY_GRAPH

    # analyses from the cache the serve/push tests' build leaves, when they ran first
    out = tmp_path_factory.getbasetemp() / "kg-corpus-build"
    analyses, _, _ = analyse_corpus(CORPUS, jobs=2, cache=AnalysisCache(out))
    resolution = resolve_corpus(analyses, CORPUS)
    graphs = map_graphs(resolution)
    del graphs[ONTOLOGY_GRAPH]
    split = {line for block in graphs.values() for line in block.decode().splitlines()}
    whole = {f"{quad} ." for quad in to_quads(resolution)}
    assert split == whole
    assert len(graphs) == len(resolution.files)
    for iri, block in graphs.items():
        assert all(q.graph_name == ox.NamedNode(iri) for q in ox.parse(block, ox.RdfFormat.N_QUADS))


def test_exports_are_what_the_plain_serialiser_writes(corpus, tmp_path):
    """The build assembles exports from N-Quads text; kg.rdf.serialise from sorted quads.
    Same bytes."""
    from kg.rdf.mapping import to_quads
    from kg.rdf.ontology import ontology_quads
    from kg.rdf.serialise import write_exports

    shutil.copy(CORPUS / "001_efc61566807d8330.txt", corpus)
    small_build(corpus, tmp_path / "out")
    analyses, _, _ = analyse_corpus(corpus, jobs=1, cache=AnalysisCache(tmp_path / "out"))
    quads = [*to_quads(resolve_corpus(analyses, corpus)), *ontology_quads()]
    quads.sort(key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))
    write_exports(tmp_path / "plain", quads)
    assert exports(tmp_path / "out") == exports(tmp_path / "plain")


def test_a_rebuild_that_changes_few_graphs_updates_the_store_to_what_a_cold_build_loads(
    corpus, tmp_path, monkeypatch
):
    from kg.store import VERSIONS_DIR

    monkeypatch.setattr(kg.pipeline, "MAX_CHANGED_SHARE", 1.0)  # 4 graphs here: allow any share
    out = tmp_path / "out"
    small_build(corpus, out)
    first = GraphStore.open(out)
    (corpus / "a.txt").write_text(TEXTS["a.txt"].replace("06-CTr/TU", "07-CTr/TU"))
    (corpus / "sub" / "c.md").unlink()
    seen: list[str] = []
    original = kg.pipeline.write_store
    monkeypatch.setattr(
        kg.pipeline, "write_store", lambda *args: seen.append(original(*args)) or seen[-1]
    )
    small_build(corpus, out)
    assert seen == ["updated"]
    cold = tmp_path / "cold"
    small_build(corpus, cold)
    assert store_dump(out) == store_dump(cold)
    assert len(first) > 0  # the version a reader holds is intact beside the new one
    first.close()
    small_build(corpus, out)  # nothing changed: still an update, of nothing
    assert seen[-1] == "updated" and store_dump(out) == store_dump(cold)
    assert len([p for p in (out / VERSIONS_DIR).iterdir() if p.is_dir()]) == 1
    (out / CACHE_DIR / kg.pipeline.STORE_MANIFEST).unlink()  # out of step: load afresh
    small_build(corpus, out)
    assert seen[-1] == "loaded" and store_dump(out) == store_dump(cold)


def test_the_cached_analyses_load_back_equal_with_their_set_fields():
    from kg.cache import dumps
    from kg.pipeline import analyse_text

    analysis = analyse_text(TEXTS["a.txt"], "a.txt")
    loaded = pickle.loads(dumps(analysis))
    assert loaded == analysis
    pairs = [(loaded, analysis), *zip(loaded.candidates, analysis.candidates, strict=True)]
    for back, made in pairs:
        assert back.model_fields_set == made.model_fields_set
    # frozen models share their set of set fields in the pickle; a copy has its own
    span = loaded.candidates[0].span
    copy = span.model_copy(update={"end": span.end + 1})
    copy.__pydantic_fields_set__.add("x")
    assert span.model_fields_set == {"start", "end"}


def test_the_map_facts_load_back_equal(tmp_path):
    from kg.cache import FactsCache
    from kg.export.html import MapFacts

    facts = MapFacts()
    node = "".join(["xxx", "/a"])  # equal strings, distinct objects: pickled once
    facts.classes.add((node, "Plan"))
    facts.values.add(("xxx/a", "label", "Kế hoạch"))
    facts.columns["quote"] = {"xxx/a": "Kế hoạch"}
    cache = FactsCache(tmp_path)
    cache.put("k", facts)
    assert FactsCache(tmp_path).get("k") == facts


def test_graph_cache_entries_hold_their_hash_and_mapping_in_workers_changes_nothing(tmp_path):
    import hashlib

    from kg.cache import GraphCache

    analyses, _, _ = analyse_corpus(CORPUS, jobs=1, cache=AnalysisCache(tmp_path / "out"))
    resolution = resolve_corpus(analyses, CORPUS)
    alone = map_graphs(resolution)
    cache = GraphCache(tmp_path / "out")
    assert map_graphs(resolution, cache, jobs=2) == alone
    assert (cache.hits, cache.misses) == (0, len(resolution.files))
    for entry in cache.dir.iterdir():
        digest, _, block = entry.read_bytes().partition(b"\n")
        assert digest.decode() == hashlib.sha256(block).hexdigest()
    again = GraphCache(tmp_path / "out")
    assert map_graphs(resolution, again, jobs=2) == alone
    assert (again.hits, again.misses) == (len(resolution.files), 0)


def test_a_failing_mapping_worker_fails_the_build(corpus, tmp_path, monkeypatch):
    def broken(part):
        raise ValueError("no mapping today")

    monkeypatch.setattr(kg.pipeline, "_map_part", broken)
    with pytest.raises(RuntimeError, match="no mapping today"):
        small_build(corpus, tmp_path / "out", jobs=2)
