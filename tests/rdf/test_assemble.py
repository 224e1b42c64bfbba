"""kg/rdf/assemble.py: exports assembled from each graph's blocks are the whole serialisations."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

import kg.rdf.assemble as assemble
from kg.pipeline import _ordered, write_exports
from kg.rdf.serialise import write_exports as write_plain

KGR = "https://w3id.org/kg-vn/id/"
KG = "https://w3id.org/kg-vn/ontology#"
SHARED = f"<{KGR}place/cao-bang>"  # stated in both graphs, with different triples


def nquads(graph: str, lines: list[str]) -> bytes:
    """A graph's block as the build makes it: sorted N-Quads lines."""
    return "".join(sorted(f"{line} <{graph}> .\n" for line in lines)).encode()


def sample_graphs() -> dict[str, bytes]:
    a, b, onto = f"{KGR}source/a-txt", f"{KGR}source/b-txt", f"{KGR}graph/ontology"
    return {
        a: nquads(
            a,
            [
                f'{SHARED} <{KG}name> "Cao Bằng"',
                f"{SHARED} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{KG}Place>",
                f'<{KGR}doc/a> <{KG}title> "line one\\nline two"',
                # text that looks like the cuts between blocks, inside literals
                f'<{KGR}doc/a> <{KG}quote> "x ]}},{{\\"@id\\": y"',
                f'<{KGR}doc/a> <{KG}quote> "\\n<{KGR}doc/b> a <{KG}Plan> ."',
                f"<{KGR}doc/a> <{KG}jurisdiction> {SHARED}",
                f'<{KGR}doc/a> <{KG}start> "12"^^<http://www.w3.org/2001/XMLSchema#integer>',
            ],
        ),
        b: nquads(
            b,
            [
                f'{SHARED} <{KG}name> "Cao Bằng"',  # the same triple in both graphs
                f'{SHARED} <http://www.w3.org/2000/01/rdf-schema#label> "tỉnh Cao Bằng"@vi',
                f"<{KGR}doc/b> <{KG}implements> <{KGR}doc/a>",
            ],
        ),
        onto: nquads(
            onto,
            [
                f"<{KG}Place> <http://www.w3.org/2002/07/owl#unionOf> _:ontology0",
                f"_:ontology0 <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> <{KG}Agency>",
            ],
        ),
    }


def exports(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in ("graph.trig", "graph.ttl", "graph.jsonld")}


def plain(tmp_path: Path, graphs: dict[str, bytes]) -> dict[str, bytes]:
    """What kg.rdf.serialise writes from the whole dataset at once."""
    quads = [q for iri in _ordered(graphs) for q in ox.parse(graphs[iri], ox.RdfFormat.N_QUADS)]
    out = tmp_path / "plain"
    out.mkdir()
    write_plain(out, quads)
    return exports(out)


def test_assembled_exports_are_the_whole_serialisations(tmp_path: Path) -> None:
    graphs = sample_graphs()
    out = tmp_path / "assembled"
    out.mkdir()
    write_exports(out, graphs)
    assert exports(out) == plain(tmp_path, graphs)


def test_cutting_a_graph_at_its_subjects_gives_one_block_a_subject() -> None:
    iri, block = next(iter(sample_graphs().items()))
    parts = assemble.graph_parts(iri, block)
    assert parts.subjects == [f"<{KGR}doc/a>".encode(), SHARED.encode()]
    for subject, statement, node in zip(parts.subjects, parts.turtle, parts.jsonld, strict=True):
        name = subject.decode().strip("<>").replace(KGR, "kgr:").replace("/", "\\/")
        assert statement.startswith(name.encode()) and statement.endswith(b" .\n")
        assert node.startswith(b'{"@id":"' + subject.strip(b"<>")) and node.endswith(b"]}")


def test_the_subject_by_subject_way_writes_the_same(tmp_path: Path, monkeypatch) -> None:
    """Should the cuts not give one block a subject, each subject is serialised on its own."""
    monkeypatch.setattr(assemble, "_split_blocks", lambda triples, subjects: None)
    graphs = sample_graphs()
    out = tmp_path / "assembled"
    out.mkdir()
    write_exports(out, graphs)
    assert exports(out) == plain(tmp_path, graphs)


def test_a_rebuild_serialises_only_the_changed_graphs(tmp_path: Path, monkeypatch) -> None:
    graphs = sample_graphs()
    out = tmp_path / "out"
    out.mkdir()
    write_exports(out, graphs)
    serialised: list[str] = []
    original = assemble.graph_parts
    monkeypatch.setattr(
        assemble, "graph_parts", lambda iri, block: serialised.append(iri) or original(iri, block)
    )
    changed = f"{KGR}source/b-txt"
    graphs[changed] = nquads(changed, [f"<{KGR}doc/b> <{KG}implements> <{KGR}doc/c>"])
    write_exports(out, graphs)
    assert serialised == [changed]
    assert exports(out) == plain(tmp_path, graphs)


def test_a_graph_that_is_not_its_own_n_quads_is_refused() -> None:
    a, b = f"{KGR}source/a-txt", f"{KGR}source/b-txt"
    with pytest.raises(ValueError, match="not the N-Quads lines"):
        assemble.graph_parts(a, sample_graphs()[b])


def test_a_graph_that_repeats_a_line_is_assembled_as_the_whole(tmp_path: Path) -> None:
    """The ontology's quads are not deduplicated: a triple its Turtle states twice is two
    lines, written twice in graph.trig as in the whole dataset, once in the union's files."""
    graphs = sample_graphs()
    onto = f"{KGR}graph/ontology"
    lines = graphs[onto].splitlines(keepends=True)
    graphs[onto] = b"".join(sorted([*lines, lines[0]]))
    out = tmp_path / "assembled"
    out.mkdir()
    write_exports(out, graphs)
    assert exports(out) == plain(tmp_path, graphs)
    assert exports(out)["graph.ttl"].count(b"owl#unionOf") == 1
