"""`kg push`: upload every named graph of the build to a SPARQL 1.1 Graph Store Protocol endpoint.

One `PUT ?graph=IRI` per graph replaces that graph on the server, so pushing twice gives the
same data, never duplicates. A large graph goes in chunks: the first chunk is PUT (replacing),
the rest are POSTed (merged into it); a graph with blank nodes always goes whole, since each
request is a document of its own and would split a blank node in two. Requests that fail for
a reason that may pass (connection errors, 408, 429, 5xx) are retried with a growing pause.

The payload is N-Triples dumped by pyoxigraph, sent as `text/turtle` (N-Triples is a subset of
Turtle, which every Graph Store in the README accepts). HTTP is `httpx`: maintained, with Basic
and Digest authentication built in (Virtuoso's `/sparql-graph-crud-auth` accepts only Digest).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel

if TYPE_CHECKING:
    import httpx

AuthMode = Literal["auto", "basic", "digest"]
PushProgress = Callable[[int, int, str], None]

DEFAULT_CHUNK_TRIPLES = 100_000
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
CONTENT_TYPE = "text/turtle"


class PushError(RuntimeError):
    """The endpoint refused the data, or could not be reached after the retries."""


class GraphPush(BaseModel):
    graph: str
    triples: int
    bytes: int
    requests: int


class PushReport(BaseModel):
    endpoint: str
    graphs: list[GraphPush] = []
    triples: int = 0
    bytes: int = 0
    requests: int = 0
    retries: int = 0
    seconds: float = 0.0


def _auth_classes():
    """httpx is imported only by `kg push`; the auth class needs its base class."""
    import httpx

    class ChallengeAuth(httpx.Auth):
        """Basic or Digest, whichever the server's first 401 challenge asks for; then that
        scheme up front on every later request."""

        requires_request_body = True  # the first request is sent again with credentials

        def __init__(self, user: str, password: str) -> None:
            self.basic = httpx.BasicAuth(user, password)
            self.digest = httpx.DigestAuth(user, password)
            self.chosen: httpx.Auth | None = None

        def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
            if self.chosen is not None:
                yield from self.chosen.auth_flow(request)
                return
            response = yield request
            if response.status_code != 401:
                return
            scheme = response.headers.get("www-authenticate", "").split(" ", 1)[0].lower()
            if scheme != "digest":
                self.chosen = self.basic
                yield from self.basic.auth_flow(request)
                return
            # hand the 401 we already have to the digest flow, instead of letting it send the
            # request bare once more to get the same challenge
            self.chosen = self.digest
            flow = self.digest.auth_flow(request)
            next(flow)
            try:
                retry = flow.send(response)
                while True:
                    retry = flow.send((yield retry))
            except StopIteration:
                return

    return ChallengeAuth


def make_auth(user: str | None, password: str | None, mode: AuthMode = "auto"):
    if user is None:
        return None
    import httpx

    password = password or ""
    if mode == "basic":
        return httpx.BasicAuth(user, password)
    if mode == "digest":
        return httpx.DigestAuth(user, password)
    return _auth_classes()(user, password)


def _chunks(data: bytes, chunk_triples: int) -> Iterator[bytes]:
    """N-Triples split on line ends, at most `chunk_triples` lines each; whole if it has
    blank nodes."""
    lines = data.splitlines(keepends=True)
    if len(lines) <= chunk_triples or b"_:" in data:
        yield data
        return
    for start in range(0, len(lines), chunk_triples):
        yield b"".join(lines[start : start + chunk_triples])


def push(
    out_dir: Path,
    endpoint: str,
    *,
    user: str | None = None,
    password: str | None = None,
    auth: AuthMode = "auto",
    chunk_triples: int = DEFAULT_CHUNK_TRIPLES,
    retries: int = 4,
    timeout_s: float = 120.0,
    progress: PushProgress | None = None,
    client: httpx.Client | None = None,
) -> PushReport:
    """PUT every named graph of OUT's store to `endpoint` (a Graph Store Protocol URL)."""
    import httpx
    import pyoxigraph as ox

    from kg.store import GraphStore

    started = time.perf_counter()
    store = GraphStore.open(out_dir)
    report = PushReport(endpoint=endpoint)
    own_client = client is None
    client = client or httpx.Client(
        auth=make_auth(user, password, auth), timeout=timeout_s, follow_redirects=True
    )
    try:
        raw = store.raw
        graphs: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = sorted(
            raw.named_graphs(), key=str
        )
        if next(iter(raw.quads_for_pattern(None, None, None, ox.DefaultGraph())), None):
            graphs.append(ox.DefaultGraph())
        total, sent = len(raw), 0
        for graph in graphs:
            data = raw.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
            name = graph.value if isinstance(graph, ox.NamedNode) else "default graph"
            params = {"graph": graph.value} if isinstance(graph, ox.NamedNode) else {"default": ""}
            item = GraphPush(graph=name, triples=data.count(b"\n"), bytes=len(data), requests=0)
            for index, chunk in enumerate(_chunks(data, chunk_triples)):
                method = "PUT" if index == 0 else "POST"
                report.retries += _send(client, method, endpoint, params, chunk, retries)
                item.requests += 1
                sent += chunk.count(b"\n")
                if progress:
                    progress(sent, total, name)
            report.graphs.append(item)
            report.triples += item.triples
            report.bytes += item.bytes
            report.requests += item.requests
    finally:
        if own_client:
            client.close()
        store.close()
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _send(
    client: httpx.Client,
    method: str,
    endpoint: str,
    params: dict[str, str],
    body: bytes,
    retries: int,
) -> int:
    """Send one request, retrying what may pass; return how many retries it took."""
    import httpx

    for attempt in range(retries + 1):
        last = attempt == retries
        try:
            response = client.request(
                method,
                endpoint,
                params=params,
                content=body,
                headers={"Content-Type": CONTENT_TYPE},
            )
        except httpx.TransportError as error:
            if last:
                raise PushError(f"{method} {endpoint}: {error}") from error
        else:
            if response.is_success:
                return attempt
            if response.status_code not in RETRY_STATUSES or last:
                detail = " ".join(response.text.split())[:300]
                raise PushError(
                    f"{method} {response.request.url}: HTTP {response.status_code} {detail}"
                )
        time.sleep(min(0.5 * 2**attempt, 8.0))
    raise AssertionError("unreachable")
