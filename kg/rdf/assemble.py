"""The exports assembled from each named graph's share of them, so a rebuild serialises only
the graphs that changed.

pyoxigraph's writers keep no state from one block to the next: TriG writes a block per named
graph, and Turtle and JSON-LD, fed triples sorted by subject, write a block per subject (a
statement ending in ` .`, a node object). So each file is its prefix lines and its blocks, in
order, and the blocks of a graph can be serialised on their own and kept:

- graph.trig: the graphs' blocks in the exports' graph order;
- graph.ttl and graph.jsonld (the union of the graphs): one block per subject, in the order of
  the sorted N-Triples lines. A subject stated in one graph only has the block serialised from
  that graph's triples; a subject stated in several (shared agencies, places, documents: a few
  hundred) is serialised again from the union of its lines in those graphs.

The bytes are those of serialising the whole dataset and the whole union at once
(tests/rdf/test_assemble.py checks it).
"""

from __future__ import annotations

import itertools
import operator
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from kg.rdf.serialise import EXPORT_PREFIXES, atomic_write

# the line break before a Turtle statement (a line that does not start with a tab): found by
# scanning for line breaks, where `^` in MULTILINE mode is tried at every byte
_STATEMENT_BREAK = re.compile(rb"\n(?=[^\t\n])")
# a subject's run of N-Quads lines: its term, then every line that starts with it
_SUBJECT_RUN = re.compile(rb"(\S+) [^\n]*\n(?:\1 [^\n]*\n)*")
_TRIPLE = operator.attrgetter("triple")
# between two node objects: the `]}` that ends one, a comma, the `{"@id":` that starts the next
_NODE_END, _NODE_START = b"]}", b'{"@id":'


@dataclass
class GraphParts:
    """One named graph's blocks of the three exports, from its sorted N-Quads text."""

    trig: bytes = b""
    # each subject's N-Triples term and where its lines are in the graph's N-Quads text
    subjects: list[bytes] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    # each subject's Turtle statement and JSON-LD node object, from this graph's triples
    turtle: list[bytes] = field(default_factory=list)
    jsonld: list[bytes] = field(default_factory=list)


@cache
def _headers() -> tuple[bytes, bytes]:
    """The prefix lines Turtle and TriG start with (all of EXPORT_PREFIXES, used or not)."""
    import pyoxigraph as ox

    node = ox.NamedNode("urn:x")
    turtle = ox.serialize(
        [ox.Triple(node, node, node)], format=ox.RdfFormat.TURTLE, prefixes=EXPORT_PREFIXES
    )
    trig = ox.serialize(
        [ox.Quad(node, node, node, node)], format=ox.RdfFormat.TRIG, prefixes=EXPORT_PREFIXES
    )
    return _prefix_lines(turtle), _prefix_lines(trig)


def _prefix_lines(text: bytes) -> bytes:
    end = 0
    while text.startswith(b"@prefix ", end):
        end = text.index(b"\n", end) + 1
    return text[:end]


def _after(header: bytes, text: bytes) -> bytes:
    if not text.startswith(header):
        raise ValueError("pyoxigraph wrote other prefix lines than expected")
    return text[len(header) :]


def _subject_blocks(triples: list) -> tuple[bytes, bytes]:
    """One subject's Turtle statement and JSON-LD node object."""
    import pyoxigraph as ox

    turtle = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=EXPORT_PREFIXES)
    jsonld = ox.serialize(triples, format=ox.RdfFormat.JSON_LD)
    if not (jsonld.startswith(b"[") and jsonld.endswith(b"]")):
        raise ValueError("pyoxigraph wrote JSON-LD that is not an array of node objects")
    return _after(_headers()[0], turtle), jsonld[1:-1]


def graph_parts(iri: str, block: bytes) -> GraphParts:
    """The blocks of graph `iri`, from its sorted N-Quads lines."""
    import pyoxigraph as ox

    parts = GraphParts()
    if not block:
        return parts
    # each line ends with the graph term (a literal's line break is escaped, so ` <iri> .` and
    # a line break end a line and nothing else)
    graph_term = f" <{iri}> .\n".encode()
    if not block.endswith(b"\n") or b"\r" in block or block.count(graph_term) != block.count(b"\n"):
        raise ValueError(f"{iri}: not the N-Quads lines of this one graph")
    # lenient: the build wrote these lines from terms pyoxigraph had checked; parsed once, for
    # the three writers
    quads = list(ox.parse(block, ox.RdfFormat.N_QUADS, lenient=True))
    trig = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=EXPORT_PREFIXES)
    parts.trig = _after(_headers()[1], trig)
    # each subject's run of lines (the lines are sorted), matched in C
    end = 0
    for run in _SUBJECT_RUN.finditer(block):
        if run.start() != end:
            raise ValueError(f"{iri}: not the N-Quads lines of this one graph")
        end = run.end()
        parts.subjects.append(run[1])
        parts.spans.append(run.span())
    if end != len(block):
        raise ValueError(f"{iri}: not the N-Quads lines of this one graph")

    # the graph's triples, distinct as in the union (a sorted block repeats a line only next
    # to itself, and the build's blocks never do)
    triples = list(map(_TRIPLE, quads))
    if any(map(operator.eq, quads, itertools.islice(quads, 1, None))):
        triples = list(dict.fromkeys(triples))
    # the graph serialised at once and cut into its subjects' blocks; if the cuts do not give
    # one block a subject, subject by subject (slower: two writer calls a subject)
    split = _split_blocks(triples, len(parts.subjects))
    if split is None:
        split = [_subject_blocks(_triples(block[a:b], graph_term)) for a, b in parts.spans]
    parts.turtle = [turtle for turtle, _ in split]
    parts.jsonld = [node for _, node in split]
    return parts


def _triples(lines: bytes, graph_term: bytes) -> list:
    """The distinct triples of N-Quads lines of one graph."""
    import pyoxigraph as ox

    text = b"".join(dict.fromkeys(lines.replace(graph_term, b" .\n").splitlines(keepends=True)))
    return list(ox.parse(text, ox.RdfFormat.N_TRIPLES, lenient=True))


def _split_blocks(triples: list, subjects: int) -> list[tuple[bytes, bytes]] | None:
    """Turtle and JSON-LD of triples sorted by subject, cut into one block a subject: a Turtle
    statement starts each line that does not start with a tab (literals' line breaks are
    escaped), and a node object ends each `]}` followed by `,{"@id":` (every property's value
    is an array, and inside a string `"` is escaped). None if the cuts are not one a subject."""
    import pyoxigraph as ox

    turtle = _after(
        _headers()[0],
        ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=EXPORT_PREFIXES),
    )
    statements = [m.end() for m in _STATEMENT_BREAK.finditer(turtle)]
    if turtle[:1] not in (b"", b"\t", b"\n"):
        statements.insert(0, 0)
    jsonld = ox.serialize(triples, format=ox.RdfFormat.JSON_LD)
    if not (jsonld.startswith(b"[") and jsonld.endswith(b"]")):
        return None
    nodes = jsonld[1:-1].split(_NODE_END + b"," + _NODE_START)
    if len(statements) != subjects or len(nodes) != subjects:
        return None
    for i in range(subjects - 1):  # put back what the cuts took
        nodes[i] += _NODE_END
        nodes[i + 1] = _NODE_START + nodes[i + 1]
    statements.append(len(turtle))
    return [(turtle[statements[i] : statements[i + 1]], nodes[i]) for i in range(subjects)]


def _union_blocks(sources: list[tuple[bytes, bytes, tuple[int, int]]]) -> tuple[bytes, bytes]:
    """The blocks of a subject stated in several graphs: its distinct lines in all of them,
    without their graph term, sorted, as the union is."""
    import pyoxigraph as ox

    lines = set()
    for iri, block, (start, end) in sources:
        cut = len(iri) + 5  # " <iri> ." at each line's end
        lines.update(line[:-cut] + b" ." for line in block[start:end].splitlines())
    text = b"\n".join(sorted(lines)) + b"\n"
    return _subject_blocks(list(ox.parse(text, ox.RdfFormat.N_TRIPLES, lenient=True)))


def write_assembled(
    out: Path, graphs: dict[str, bytes], parts: dict[str, GraphParts], order: Iterable[str]
) -> None:
    """graph.trig, graph.ttl and graph.jsonld from the graphs' parts; `order`: the graphs'
    order in graph.trig."""
    turtle_header, trig_header = _headers()
    order = list(order)
    trig = [parts[iri].trig for iri in order]
    _write(out / "graph.trig", [trig_header, *trig] if any(trig) else [])

    owners: dict[bytes, list[tuple[str, int]]] = defaultdict(list)
    for iri in order:
        for index, subject in enumerate(parts[iri].subjects):
            owners[subject].append((iri, index))
    turtle: list[bytes] = []
    jsonld: list[bytes] = []
    # the union's lines are sorted, and a subject's lines run from `subject ` on
    for subject in sorted(owners, key=lambda s: s + b" "):
        found = owners[subject]
        if len(found) == 1:
            iri, index = found[0]
            turtle.append(parts[iri].turtle[index])
            jsonld.append(parts[iri].jsonld[index])
        else:
            sources = [
                (iri.encode("utf-8"), graphs[iri], parts[iri].spans[index]) for iri, index in found
            ]
            statement, node = _union_blocks(sources)
            turtle.append(statement)
            jsonld.append(node)
    _write(out / "graph.ttl", [turtle_header, *turtle] if turtle else [])
    _write(out / "graph.jsonld", [b"[", b",".join(jsonld), b"]"])


def _write(path: Path, chunks: list[bytes]) -> None:
    def write(tmp: Path) -> None:
        with open(tmp, "wb") as handle:
            handle.writelines(chunks)

    atomic_write(path, write)
