"""The whole build on the real corpus: exports, determinism, evidence, eval floors."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kg.ingest import read_source
from kg.normalise import normalise
from kg.pipeline import CorpusNotFoundError, build
from kg.store import GraphStore
from tests.conftest import CORPUS, GOLD_DEV, REPO

EXPORTS = ["graph.trig", "graph.ttl", "graph.jsonld", "graph.html"]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("exports")
    report = build(CORPUS, out, jobs=2)
    assert report.errors == [] and report.files_read == 5
    assert report.violations == 0
    return out


def test_the_build_writes_the_four_exports_and_the_store(built):
    for name in EXPORTS:
        assert (built / name).stat().st_size > 1000, name
    store = GraphStore.open(built)
    assert len(store) > 1000


def test_same_corpus_same_bytes(built, tmp_path):
    """Byte-identical exports whatever the worker count, the folder the corpus sits in, the
    order its files were created in (so directory order and times differ) and the output dir."""
    copy = tmp_path / "elsewhere" / "corpus"
    copy.mkdir(parents=True)
    for path in sorted(CORPUS.glob("*.txt"), reverse=True):
        shutil.copy(path, copy / path.name)  # fresh times, created last-first
    again = tmp_path / "again"
    build(copy, again, jobs=1)
    for name in EXPORTS:
        assert (built / name).read_bytes() == (again / name).read_bytes(), name


def test_every_implements_edge_quotes_the_normalised_text_exactly(built):
    store = GraphStore.open(built)
    rows = store.query(
        """SELECT DISTINCT ?file ?q ?start ?end WHERE {
             ?s kg:implements ?o .
             ?m rdf:subject ?s ; rdf:predicate kg:implements ; rdf:object ?o ;
                kg:quote ?q ; kg:start ?start ; kg:end ?end ; kg:source/kg:fileName ?file .
           }"""
    )
    texts: dict[str, str] = {}
    count = 0
    for row in rows:
        file = row["file"].value
        if file not in texts:
            texts[file] = normalise(read_source(CORPUS / file, CORPUS)).text
        assert texts[file][int(row["start"].value) : int(row["end"].value)] == row["q"].value
        count += 1
    assert count >= 20
    edges = store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?o WHERE { ?s kg:implements ?o } }"
    )
    evidenced = store.query(
        """SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?o WHERE {
             ?s kg:implements ?o . ?m rdf:subject ?s ; rdf:predicate kg:implements ; rdf:object ?o
           } }"""
    )
    assert next(iter(edges))["n"].value == next(iter(evidenced))["n"].value


@pytest.mark.skipif(not GOLD_DEV.is_dir(), reason="../shared/gold-dev is not beside the repo")
def test_eval_on_the_dev_annotations_meets_the_floors(built):
    from kg.evaluate import evaluate, load_gold

    report = evaluate(GraphStore.open(built), load_gold([GOLD_DEV]))
    documents = report.overall["documents"]
    implements = report.overall["relations.implements"]
    assert documents.f1 >= 0.99
    assert implements.recall >= 0.85
    assert implements.precision >= 0.8


def test_trace_of_the_provincial_congress_lists_its_programmes_and_plans(built):
    from kg.query.trace import trace

    result = trace(GraphStore.open(built), "Nghị quyết Đại hội XX", "down", 3, "implements")
    symbols = {node.symbol for node in result.nodes.values() if node.symbol}
    expected = {
        "06-CTr/TU",
        "03-CTr/TU",
        "04-CTr/TU",
        "05-CTr/TU",
        "31-KH/TU",
        "32-KH/TU",
        "33-KH/TU",
    }
    assert expected <= symbols
    assert all(edge.quotes for edge in result.edges)


def test_bad_inputs_are_reported_and_the_rest_still_builds(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "001_efc61566807d8330.txt", corpus)
    (corpus / "empty.txt").write_text("")
    (corpus / "latin1.txt").write_bytes("Nghị quyết".encode("utf-16-le"))
    report = build(corpus, tmp_path / "out", jobs=1, validate=False)
    assert report.files_read == 1
    assert sorted(e.file_name for e in report.errors) == ["empty.txt", "latin1.txt"]
    assert all(e.message.startswith(e.file_name + ":") for e in report.errors)
    store = GraphStore.open(tmp_path / "out")
    assert bool(store.query('ASK { ?d kg:symbol "10-HD/BTGTW" }'))


def test_a_missing_corpus_is_a_clear_error(tmp_path):
    with pytest.raises(CorpusNotFoundError, match="corpus directory not found"):
        build(tmp_path / "nope", tmp_path / "out")


def test_a_plain_install_ships_the_ontology_queries_and_lexicons(tmp_path):
    """`pip install .` (not editable) must carry its data files; run it from another folder."""
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    code = (
        "from kg.lexicon import lexicon; from kg.ontology_files import ontology_path;"
        "from kg.query.named import list_named_queries;"
        "assert lexicon().cues and ontology_path('kg.ttl').is_file();"
        "assert ontology_path('shapes.ttl').is_file() and list_named_queries();"
        "import importlib, pkgutil, kg;"
        "[importlib.import_module(m.name) for m in pkgutil.walk_packages(kg.__path__, 'kg.')];"
        "print(kg.__file__)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.startswith(str(target))


def test_every_entity_has_a_mention(built):
    store = GraphStore.open(built)
    rows = store.query(
        """SELECT DISTINCT ?e WHERE {
             ?e a ?class .
             FILTER(?class IN (kg:Document, kg:Agency, kg:Place, kg:Target, kg:BorderGate))
             FILTER NOT EXISTS { ?m kg:mentions ?e }
           }"""
    )
    assert [row["e"].value for row in rows] == []


def test_a_cached_analysis_maps_offsets_as_the_runs_say(tmp_path):
    """The offset map is kept as arrays (cheap to load from the cache): mapping reads the same
    runs the models describe, and the pickle is the analysis again."""
    import bisect
    import pickle

    from kg.pipeline import analyse_file

    analysis = analyse_file(CORPUS / "003_8d9677976a386358.txt", CORPUS)
    text = analysis.text
    runs = list(text.runs)  # as OffsetRun models
    assert len(runs) > 10 and runs == text.runs

    def reference(offset: int) -> int:
        index = bisect.bisect_right([run.norm for run in runs], offset) - 1
        run = runs[max(index, 0)]
        return 0 if index < 0 else run.orig + min(offset - run.norm, run.length)

    for offset in range(0, len(text.text), 97):
        assert text.to_original(offset) == reference(offset)
    data = pickle.dumps(analysis, protocol=pickle.HIGHEST_PROTOCOL)
    again = pickle.loads(data)
    assert again == analysis and again.text.runs == runs
    # three machine integers a run, not a model each
    assert len(pickle.dumps(text.runs, protocol=pickle.HIGHEST_PROTOCOL)) < 24 * len(runs) + 200
