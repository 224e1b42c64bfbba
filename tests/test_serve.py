"""`kg serve`: Oxigraph's read-only server over the built store, spoken to over HTTP on a free
loopback port; every server a test starts is stopped by it."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pytest

from kg.pipeline import build
from kg.serve import Server, server_command, wait_until_listening
from kg.store import GraphStore
from tests.conftest import CORPUS

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
PLANS = (
    "PREFIX kg: <https://w3id.org/kg-vn/ontology#> "
    "SELECT ?d ?symbol WHERE { ?d a kg:Plan ; kg:symbol ?symbol } ORDER BY ?symbol"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def corpus_build(base: Path) -> Path:
    """The corpus built once per session: the serve and push tests share it (the second
    build is served from the first one's cache)."""
    out = base / "kg-corpus-build"
    build(CORPUS, out, jobs=2, validate=False, html=False)
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return corpus_build(tmp_path_factory.getbasetemp())


@pytest.fixture(scope="module")
def server(built):
    with Server(built, host="127.0.0.1", port=free_port(), timeout_s=10) as running:
        yield running


def ask(server: Server, accept: str, query: str = COUNT) -> httpx.Response:
    response = httpx.get(server.url, params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    return response


def test_json_results_count_every_quad_of_the_union(server, built):
    response = ask(server, "application/sparql-results+json")
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    count = int(response.json()["results"]["bindings"][0]["n"]["value"])
    store = GraphStore.open(built)
    expected = next(iter(store.query(COUNT)))["n"].value
    assert count == int(expected) > 1000  # every named graph, not an empty default graph


def test_xml_csv_and_tsv_results_give_the_same_rows(server, built):
    expected = [
        (row["d"].value, row["symbol"].value) for row in GraphStore.open(built).query(PLANS)
    ]
    assert expected
    data = json.loads(ask(server, "application/sparql-results+json", PLANS).text)
    assert [(b["d"]["value"], b["symbol"]["value"]) for b in data["results"]["bindings"]] == (
        expected
    )
    xml = ET.fromstring(ask(server, "application/sparql-results+xml", PLANS).content)
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    symbols = [el.text for el in xml.findall(".//r:binding[@name='symbol']/r:literal", ns)]
    assert symbols == [s for _, s in expected]
    rows = list(csv.reader(io.StringIO(ask(server, "text/csv", PLANS).text)))
    assert rows[0] == ["d", "symbol"] and [tuple(r) for r in rows[1:]] == expected
    tsv = ask(server, "text/tab-separated-values", PLANS).text.splitlines()
    assert tsv[0] == "?d\t?symbol" and len(tsv) == len(expected) + 1
    assert tsv[1] == f'<{expected[0][0]}>\t"{expected[0][1]}"'


def test_post_queries_are_answered(server):
    form = httpx.post(server.url, data={"query": COUNT}, headers={"Accept": "text/csv"})
    direct = httpx.post(
        server.url,
        content=COUNT,
        headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
    )
    assert form.status_code == direct.status_code == 200
    assert form.text == direct.text and int(form.text.split()[1]) > 1000


@pytest.mark.parametrize(
    ("path", "content_type", "body"),
    [
        ("/update", "application/sparql-update", "CLEAR ALL"),
        ("/update", "application/x-www-form-urlencoded", "update=CLEAR%20ALL"),
        ("/query", "application/sparql-update", "CLEAR ALL"),
        ("/query", "application/x-www-form-urlencoded", "query=CLEAR%20ALL"),
        ("/store?default", "text/turtle", "<http://a> <http://b> <http://c> ."),
    ],
)
def test_updates_are_refused(server, path, content_type, body):
    base = server.url.removesuffix("/query")
    response = httpx.post(base + path, content=body, headers={"Content-Type": content_type})
    assert 400 <= response.status_code < 500
    assert int(ask(server, "text/csv").text.split()[1]) > 1000  # nothing was cleared


def test_the_server_reads_the_union_on_loopback_with_a_timeout(tmp_path):
    command = server_command(Path("oxigraph"), tmp_path, "127.0.0.1", 7878, 2.5)
    assert command[1] == "serve-read-only" and "--union-default-graph" in command
    assert command[command.index("--bind") + 1] == "127.0.0.1:7878"
    assert command[command.index("--timeout-s") + 1] == "2"
    assert server_command(Path("oxigraph"), tmp_path, "::1", 80, 1)[5] == "[::1]:80"


def test_kg_serve_answers_and_stops_with_its_server(built):
    port = free_port()
    kg = Path(sys.executable).with_name("kg")
    process = subprocess.Popen(
        [str(kg), "serve", "--out", str(built), "--port", str(port), "--timeout", "5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until_listening("127.0.0.1", port, process)
        response = httpx.get(
            f"http://127.0.0.1:{port}/query",
            params={"query": COUNT},
            headers={"Accept": "text/csv"},
        )
        assert response.status_code == 200 and int(response.text.split()[1]) > 1000
        os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:  # the Oxigraph child went with it
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        except OSError:
            break
        time.sleep(0.05)
    else:
        pytest.fail("the server still listens after kg serve stopped")


def test_kg_serve_without_a_build_is_a_usage_error(tmp_path):
    kg = Path(sys.executable).with_name("kg")
    result = subprocess.run(
        [str(kg), "serve", "--out", str(tmp_path), "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "run `kg build` first" in result.stderr
