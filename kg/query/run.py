"""Run a SPARQL query over a built graph and format its results (the non-CLI half of `kg query`).

SELECT results are written in the W3C SPARQL results formats (JSON, CSV, TSV) by pyoxigraph
itself, so any SPARQL client can read them; `table` is for people. CONSTRUCT/DESCRIBE results
are RDF: Turtle for people, JSON-LD for `json`, N-Triples otherwise. ASK gives `true`/`false`
(or the W3C JSON boolean document).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from kg.rdf.namespaces import PREFIXES, RDF, XSD

if TYPE_CHECKING:
    import pyoxigraph

    from kg.store import GraphStore

OutputFormat = Literal["table", "json", "csv", "tsv"]
FORMATS: tuple[str, ...] = ("table", "json", "csv", "tsv")

_MAX_MESSAGE = 300


class QuerySyntaxError(ValueError):
    """The query does not parse; the message names the line and column."""


class QueryRunError(RuntimeError):
    """The query parsed but failed while it ran."""


class ParamError(ValueError):
    """A `--param` that is not `key=value`."""


@dataclass
class Table:
    """A result turned into rows of display strings (for the rich table)."""

    columns: list[str]
    rows: list[list[str]]


def one_line(text: str, limit: int = _MAX_MESSAGE) -> str:
    """One line from a multi-line message (pyoxigraph lists every expected token)."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def parse_params(items: list[str] | None) -> dict[str, str]:
    """`["symbol=57-NQ/TW", "depth=2"]` -> `{"symbol": "57-NQ/TW", "depth": "2"}`.

    Only the first `=` splits, so values may contain `=`; a later key wins over an earlier one.
    """
    values: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        key = key.strip().lstrip("?$")  # `?symbol=` and `$symbol=` name the same parameter
        if not sep or not key:
            raise ParamError(f"--param must be key=value, got {item!r}")
        values[key] = value
    return values


def run_query(store: GraphStore, sparql: str):
    """Run `sparql` over the union of the store's graphs, the contract's prefixes predeclared.

    Returns pyoxigraph's QuerySolutions, QueryTriples or QueryBoolean.
    """
    try:
        # `prefixes=` rather than prepending PREFIX lines, so error positions match the user's text
        return store.query(sparql)
    except SyntaxError as exc:
        raise QuerySyntaxError(one_line(str(exc))) from exc
    except OSError as exc:  # pyoxigraph reports evaluation failures (e.g. SERVICE) as OSError
        raise QueryRunError(one_line(str(exc))) from exc


class QueryTimeoutError(RuntimeError):
    """The query did not finish within `--timeout` seconds."""


def run_formatted(
    store: GraphStore, sparql: str, fmt: OutputFormat, timeout: float | None = None
) -> Table | str:
    """Run and format a query: a Table for SELECT shown as `table`, else the text to print.

    pyoxigraph evaluates lazily and has no per-query time limit, so with `timeout` the whole
    evaluation (query and formatting) runs in a daemon thread that is abandoned when time runs
    out; pyoxigraph releases the GIL while it evaluates, so the wait is not starved. The
    abandoned thread ends with the process (the CLI exits right after reporting).
    """

    def work() -> Table | str:
        result = run_query(store, sparql)
        if fmt == "table" and result_kind(result) == "solutions":
            return result_table(result)
        return serialize_result(result, fmt)

    if timeout is None:
        return work()
    import threading

    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # handed to the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=target, name="kg-query", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise QueryTimeoutError(f"query did not finish within {timeout:g} s (--timeout)")
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


def result_kind(result: object) -> Literal["solutions", "triples", "boolean"]:
    import pyoxigraph

    if isinstance(result, pyoxigraph.QuerySolutions):
        return "solutions"
    if isinstance(result, pyoxigraph.QueryTriples):
        return "triples"
    return "boolean"


def serialize_result(result: object, fmt: OutputFormat) -> str:
    """The text that `kg query --format fmt` prints (for `table`, only ASK/CONSTRUCT use this)."""
    import pyoxigraph

    kind = result_kind(result)
    if kind == "boolean":
        if fmt == "json":
            return result.serialize(format=pyoxigraph.QueryResultsFormat.JSON).decode() + "\n"
        return ("true" if bool(result) else "false") + "\n"
    if kind == "triples":
        rdf_format = {
            "table": pyoxigraph.RdfFormat.TURTLE,
            "json": pyoxigraph.RdfFormat.JSON_LD,
        }.get(fmt, pyoxigraph.RdfFormat.N_TRIPLES)
        prefixes = dict(PREFIXES) if rdf_format == pyoxigraph.RdfFormat.TURTLE else None
        data = pyoxigraph.serialize(result, format=rdf_format, prefixes=prefixes)
        text = data.decode() if data else ""
        return text if not text or text.endswith("\n") else text + "\n"
    results_format = {
        "json": pyoxigraph.QueryResultsFormat.JSON,
        "csv": pyoxigraph.QueryResultsFormat.CSV,
        "tsv": pyoxigraph.QueryResultsFormat.TSV,
    }.get(fmt)
    if results_format is None:
        raise ValueError("SELECT results as a table: use result_table()")
    text = result.serialize(format=results_format).decode()
    return text if text.endswith("\n") else text + "\n"


def compact_iri(iri: str) -> str:
    """`https://w3id.org/kg-vn/id/doc/x` -> `kgr:doc/x` (longest matching namespace wins)."""
    best = ""
    best_prefix = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(best):
            best, best_prefix = namespace, prefix
    if not best:
        return f"<{iri}>"
    return f"{best_prefix}:{iri[len(best) :]}"


def term_text(term: object | None) -> str:
    """A term as a person reads it: prefixed IRIs, bare literal values (with @lang)."""
    import pyoxigraph

    if term is None:
        return ""
    if isinstance(term, pyoxigraph.NamedNode):
        return compact_iri(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, pyoxigraph.Literal):
        if term.language:
            return f"{term.value}@{term.language}"
        datatype = term.datatype.value
        if datatype.startswith(XSD) or datatype == RDF + "langString":
            return term.value
        return f"{term.value}^^{compact_iri(datatype)}"
    return str(term)


def result_table(result: pyoxigraph.QuerySolutions) -> Table:
    columns = [variable.value for variable in result.variables]
    rows = [[term_text(solution[column]) for column in columns] for solution in result]
    return Table(columns=columns, rows=rows)
