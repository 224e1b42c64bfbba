"""`kg push`: the build into a real Oxigraph server through the Graph Store Protocol (started on
a free loopback port with a temporary location, stopped by the fixture), then read back through
its SPARQL endpoint; authentication and retries against httpx's mock transport."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from kg.push import PushError, push
from kg.serve import oxigraph_binary, wait_until_listening
from kg.store import GraphStore
from tests.test_serve import corpus_build, free_port

PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return corpus_build(tmp_path_factory.getbasetemp())


@pytest.fixture
def oxigraph_server(tmp_path):
    """A writable Oxigraph server: (Graph Store URL, query URL)."""
    port = free_port()
    process = subprocess.Popen(
        [
            str(oxigraph_binary()),
            "serve",
            "--location",
            str(tmp_path / "server-data"),
            "--bind",
            f"127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_listening("127.0.0.1", port, process)
        yield f"http://127.0.0.1:{port}/store", f"http://127.0.0.1:{port}/query"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def server_counts(query_url: str) -> dict[str, int]:
    response = httpx.post(
        query_url,
        data={"query": PER_GRAPH},
        headers={"Accept": "application/sparql-results+json"},
    )
    response.raise_for_status()
    return {b["g"]["value"]: int(b["n"]["value"]) for b in response.json()["results"]["bindings"]}


def local_counts(out: Path) -> dict[str, int]:
    store = GraphStore.open(out)
    return {
        row["g"].value: int(row["n"].value)
        for row in store.raw.query(PER_GRAPH)  # GRAPH ?g: each named graph on its own
    }


def test_push_loads_exactly_the_build_and_pushing_again_replaces(built, oxigraph_server):
    store_url, query_url = oxigraph_server
    expected = local_counts(built)
    assert len(expected) >= 6  # five source files and the ontology
    seen: list[int] = []
    first = push(built, store_url, chunk_triples=500, progress=lambda d, t, g: seen.append(d))
    assert server_counts(query_url) == expected
    assert first.triples == sum(expected.values()) == seen[-1]
    assert len(first.graphs) == len(expected)
    assert first.requests > len(expected)  # large graphs went in several requests
    second = push(built, store_url)
    assert second.requests == len(expected)
    assert server_counts(query_url) == expected  # replaced, not added


LIST_ITEMS = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g {
    ?c <http://www.w3.org/2002/07/owl#unionOf> ?l . ?l rdf:rest*/rdf:first ?x
} }"""


def test_the_ontology_graph_keeps_its_blank_nodes_whole(built, oxigraph_server):
    """Forced into tiny chunks, a graph with blank nodes (the ontology's owl:unionOf lists)
    still goes in one request: chunks are separate documents and would cut the lists."""
    store_url, query_url = oxigraph_server
    push(built, store_url, chunk_triples=10)
    remote = httpx.post(
        query_url,
        data={"query": LIST_ITEMS},
        headers={"Accept": "application/sparql-results+json"},
    ).json()["results"]["bindings"][0]["n"]["value"]
    local = next(iter(GraphStore.open(built).raw.query(LIST_ITEMS)))["n"].value
    assert int(remote) == int(local) > 0


def recorder(responses: list[httpx.Response]):
    """A mock transport answering with `responses` in turn, recording the requests."""
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        # a copy: auth flows add their header to the same request object when they resend it
        sent.append(
            httpx.Request(
                request.method, request.url, headers=request.headers.copy(), content=request.read()
            )
        )
        return responses[min(len(sent), len(responses)) - 1]

    return sent, handler


def tiny_build(tmp_path: Path) -> Path:
    g = ox.NamedNode("https://w3id.org/kg-vn/id/source/x")
    GraphStore.write(
        tmp_path,
        [ox.Quad(ox.NamedNode("http://a"), ox.NamedNode("http://b"), ox.Literal("c"), g)],
    )
    return tmp_path


def test_digest_is_answered_when_the_server_asks_for_it(tmp_path):
    challenge = 'Digest realm="SPARQL", nonce="abc123", qop="auth", algorithm=MD5'
    sent, handler = recorder(
        [httpx.Response(401, headers={"WWW-Authenticate": challenge}), httpx.Response(201)]
    )
    from kg.push import make_auth

    client = httpx.Client(auth=make_auth("dba", "secret"), transport=httpx.MockTransport(handler))
    report = push(tiny_build(tmp_path), "http://127.0.0.1:1/sparql-graph-crud-auth", client=client)
    assert report.triples == 1
    assert [r.method for r in sent] == ["PUT", "PUT"]
    assert "authorization" not in sent[0].headers
    authorization = sent[1].headers["authorization"]
    assert authorization.startswith("Digest ") and 'username="dba"' in authorization
    assert "secret" not in authorization
    assert sent[1].content == sent[0].content and b"<http://a>" in sent[1].content
    assert sent[1].url.params["graph"] == "https://w3id.org/kg-vn/id/source/x"


def test_basic_is_answered_when_the_server_asks_for_it(tmp_path):
    sent, handler = recorder(
        [httpx.Response(401, headers={"WWW-Authenticate": 'Basic realm="x"'}), httpx.Response(204)]
    )
    from kg.push import make_auth

    client = httpx.Client(auth=make_auth("u", "p"), transport=httpx.MockTransport(handler))
    push(tiny_build(tmp_path), "http://127.0.0.1:1/store", client=client)
    assert sent[1].headers["authorization"] == "Basic dTpw"


def test_passing_failures_are_retried_and_refusals_are_not(tmp_path, monkeypatch):
    monkeypatch.setattr("kg.push.time.sleep", lambda s: None)
    out = tiny_build(tmp_path)
    sent, handler = recorder([httpx.Response(503), httpx.Response(201)])
    report = push(
        out, "http://127.0.0.1:1/store", client=httpx.Client(transport=httpx.MockTransport(handler))
    )
    assert report.retries == 1 and len(sent) == 2
    sent, handler = recorder([httpx.Response(400, text="bad data")])
    with pytest.raises(PushError, match="HTTP 400 bad data"):
        push(
            out,
            "http://127.0.0.1:1/store",
            client=httpx.Client(transport=httpx.MockTransport(handler)),
        )
    assert len(sent) == 1


def test_kg_push_reports_what_it_sent(built, oxigraph_server):
    store_url, query_url = oxigraph_server
    kg = Path(sys.executable).with_name("kg")
    result = subprocess.run(
        [str(kg), "push", "--endpoint", store_url, "--out", str(built)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    total = sum(local_counts(built).values())
    assert f"{total} triples" in result.stdout and store_url in result.stdout
    assert sum(server_counts(query_url).values()) == total


def test_a_missing_password_variable_is_a_usage_error(built):
    kg = Path(sys.executable).with_name("kg")
    result = subprocess.run(
        [
            str(kg),
            "push",
            "--endpoint",
            "http://127.0.0.1:9/store",
            "--out",
            str(built),
            "--user",
            "u",
            "--password-env",
            "KG_TEST_UNSET_PASSWORD",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in __import__("os").environ.items() if k != "KG_TEST_UNSET_PASSWORD"},
    )
    assert result.returncode == 2 and "KG_TEST_UNSET_PASSWORD" in result.stderr
