"""`kg`: build, query, trace and export the knowledge graph of Vietnamese policy documents.

Only option parsing and printing live here; the work is done by `kg.*`. Heavy modules (rdflib,
pyoxigraph, rich tables, the pipeline) are imported inside the commands so `kg --help` stays fast.
Errors a user can fix are one line on stderr (`error: ...`) with exit code 2; `kg --verbose ...`
re-raises them with their traceback.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, NoReturn, TypeVar

import typer

from kg.query.relation_names import RelationName

if TYPE_CHECKING:
    from kg.store import GraphStore

app = typer.Typer(
    name="kg",
    help="Knowledge graph of Vietnamese policy documents: build it, query it, trace it, map it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
export_app = typer.Typer(help="Write the graph in other forms.", no_args_is_help=True)
app.add_typer(export_app, name="export")

DEFAULT_OUT = Path("exports")
OutOption = Annotated[
    Path, typer.Option("--out", "-o", help="Build output directory holding the graph store.")
]

# Exceptions (by class name, so their modules need not be imported up front) that mean "the
# user asked for something that cannot be done": one line, exit 2.
_USAGE_ERRORS = frozenset(
    {
        "StoreMissingError",
        "QuerySyntaxError",
        "ParamError",
        "UnknownQueryError",
        "MissingParameterError",
        "InvalidParameterError",
        "GoldFormatError",
        "FocusNotFoundError",
        "CorpusNotFoundError",
        "UnknownRelationError",
        "StoreLockedError",
        "OxigraphServerMissingError",
        "OxigraphVersionError",
        "MissingPasswordError",
    }
)
_verbose = False

F = TypeVar("F", bound=Callable[..., Any])


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"error: {_one_line(message)}", err=True)
    raise typer.Exit(code)


def boundary(func: F) -> F:
    """Turn exceptions into one-line messages (exit 2 for usage errors, 1 otherwise)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except KeyboardInterrupt:
            typer.echo("interrupted", err=True)
            raise typer.Exit(130) from None
        except Exception as exc:
            if _verbose:
                raise
            names = {cls.__name__ for cls in type(exc).__mro__}
            if names & _USAGE_ERRORS:
                fail(str(exc) or type(exc).__name__, 2)
            fail(f"{type(exc).__name__}: {exc}", 1)

    return wrapper  # type: ignore[return-value]


def _open_store(out: Path) -> GraphStore:
    from kg.store import GraphStore

    return GraphStore.open(out)


def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def _text(value: object):
    """A rich Text: document text must never be read as rich markup (`[...]`)."""
    from rich.text import Text

    return Text("" if value is None else str(value))


def _version(value: bool) -> None:
    if value:
        from kg import __version__

        typer.echo(f"kg {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show tracebacks instead of one-line errors.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Knowledge graph of Vietnamese policy documents."""
    global _verbose
    _verbose = verbose


# --- build ------------------------------------------------------------------------------------


@app.command()
@boundary
def build(
    corpus: Annotated[Path, typer.Option(help="Directory of source documents.")] = Path("corpus"),
    out: OutOption = DEFAULT_OUT,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, help="Worker processes (default: CPUs).")
    ] = None,
    validate: Annotated[
        bool, typer.Option("--validate/--no-validate", help="Check the graph against SHACL.")
    ] = True,
) -> None:
    """Build the graph from a corpus into OUT (store, TriG, Turtle, JSON-LD, HTML)."""
    if not corpus.is_dir():
        fail(f"corpus directory not found: {corpus}")
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from kg.pipeline import build as run_build

    err = _console(stderr=True)
    with Progress(
        TextColumn("[bold]building"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[file]}", markup=False),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("build", total=None, file="")

        def on_progress(done: int, total: int, file_name: str) -> None:
            bar.update(task, completed=done, total=total, file=file_name)

        report = run_build(corpus, out, jobs=jobs, progress=on_progress, validate=validate)

    for error in report.errors:
        message = _one_line(error.message)
        if error.file_name and error.file_name not in message:
            message = f"{error.file_name}: {message}"
        typer.echo(f"error: {message}", err=True)
    for warning in report.warnings:
        typer.echo(f"warning: {_one_line(warning.message)}", err=True)
    for file_name, encoding in sorted(report.encodings.items()):
        typer.echo(f"read {file_name} as {encoding}", err=True)

    from rich.table import Table

    typer.echo(f"built {report.corpus} → {report.out}")
    table = Table()
    table.add_column("")
    table.add_column("count", justify="right")
    table.add_row("files read", str(report.files_read))
    table.add_row("  extracted (not cached)", str(report.files_extracted))
    for name, count in report.counts.items():
        table.add_row(_text(name), str(count))
    table.add_row("quads", str(report.quads))
    if validate:
        table.add_row("SHACL violations", str(report.violations))
    table.add_row("input errors", str(len(report.errors)))
    table.add_row("seconds", f"{report.seconds:.1f}")
    _console().print(table)
    if validate and report.violations:
        typer.echo(
            f"warning: {report.violations} SHACL violations (see `kg validate --out {out}`)",
            err=True,
        )
    raise typer.Exit(1 if report.errors else 0)


# --- query ------------------------------------------------------------------------------------


@app.command()
@boundary
def query(
    sparql: Annotated[
        str | None,
        typer.Argument(metavar="QUERY", help="SPARQL 1.1 text ('-' reads standard input)."),
    ] = None,
    file: Annotated[
        Path | None, typer.Option("--file", "-f", help="Read the query from a file.")
    ] = None,
    name: Annotated[str | None, typer.Option("--name", "-n", help="Run a named query.")] = None,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="key=value for a named query (repeatable)."),
    ] = None,
    list_queries: Annotated[
        bool, typer.Option("--list", help="List the named queries and exit.")
    ] = False,
    fmt: Annotated[
        Literal["table", "json", "csv", "tsv"],
        typer.Option("--format", help="table, or a W3C SPARQL results format."),
    ] = "table",
    out: OutOption = DEFAULT_OUT,
    timeout: Annotated[
        float | None,
        typer.Option("--timeout", min=0.001, help="Give up after this many seconds (exit 1)."),
    ] = None,
) -> None:
    """Run SPARQL over the union of the graph's named graphs (kg:, kgr:... predeclared)."""
    if list_queries:
        _list_named_queries()
        return
    given = [x for x in (sparql, file, name) if x is not None]
    if len(given) != 1:
        fail("give exactly one of: a QUERY, -f FILE, --name NAME (see `kg query --list`)")
    from kg.query.run import QuerySyntaxError, QueryTimeoutError, Table, parse_params, run_formatted

    values = parse_params(param)
    if values and name is None:
        fail("--param only applies to a named query (--name)")
    if name is not None:
        from kg.query.named import bind, load_named_query

        text = bind(load_named_query(name), values)  # kg:, kgr:... prefixes are predeclared
    elif file is not None:
        if str(file) == "-":
            text = sys.stdin.read()
        elif not file.is_file():
            fail(f"query file not found: {file}")
        else:
            text = file.read_text(encoding="utf-8")
    else:
        text = sys.stdin.read() if sparql == "-" else str(sparql)

    store = _open_store(out)
    try:
        output = run_formatted(store, text, fmt, timeout)
    except QuerySyntaxError as exc:
        fail(f"SPARQL syntax error: {exc}")
    except QueryTimeoutError as exc:
        fail(str(exc), 1)
    if isinstance(output, Table):
        from rich.table import Table as RichTable

        table = RichTable(*output.columns, caption=f"{len(output.rows)} rows")
        for row in output.rows:
            table.add_row(*(_text(cell) for cell in row))
        _console().print(table)
        return
    typer.echo(output, nl=False)


def _list_named_queries() -> None:
    """Plain text rather than a table: descriptions are sentences, and wrap badly in cells."""
    import textwrap

    from kg.query.named import list_named_queries

    for item in list_named_queries():
        params = " ".join(f"--param {p}=…" for p in item.params)
        typer.echo(f"{item.name}  {params}".rstrip())
        titles = " — ".join(t for t in (item.title_vi, item.title) if t)
        for text in (titles, item.description):
            if text:
                typer.echo(textwrap.fill(text, 96, initial_indent="    ", subsequent_indent="    "))
        for param in item.params:
            help_text = item.param_help.get(param, "")
            if help_text:
                typer.echo(f"    {param}: {help_text}")
        typer.echo("")


# --- trace ------------------------------------------------------------------------------------


@app.command()
@boundary
def trace(
    ref: Annotated[str, typer.Argument(help="A symbol (57-NQ/TW) or words of a name.")],
    direction: Annotated[
        Literal["down", "up", "both"],
        typer.Option(help="down: what implements REF; up: what REF implements."),
    ] = "down",
    depth: Annotated[int, typer.Option(min=0, help="How many levels to follow.")] = 5,
    relation: Annotated[RelationName, typer.Option(help="Relation to follow.")] = "implements",
    fmt: Annotated[Literal["text", "json"], typer.Option("--format")] = "text",
    out: OutOption = DEFAULT_OUT,
) -> None:
    """Print the implementation tree of a document, each edge with its quote and file."""
    from kg.query.trace import render_text, suggest
    from kg.query.trace import trace as run_trace

    store = _open_store(out)
    result = run_trace(store, ref, direction, depth, relation)
    if result is None:
        close = suggest(store, ref)
        hint = f"; did you mean: {'; '.join(close)}?" if close else ""
        fail(f"nothing in the graph matches {ref!r}{hint}")
    if fmt == "json":
        typer.echo(result.model_dump_json(indent=2))
    else:
        typer.echo(render_text(result), nl=False)


# --- stats, validate --------------------------------------------------------------------------


@app.command()
@boundary
def stats(
    out: OutOption = DEFAULT_OUT,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Count entities by class, edges by relation, mentions, files and quads."""
    from kg.query.stats import collect_stats

    result = collect_stats(_open_store(out))
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
        return
    from rich.table import Table

    console = _console()
    for title, counts in (("class", result.classes), ("relation", result.relations)):
        table = Table(title, "count", title=f"by {title}", title_justify="left")
        for key, count in counts.items():
            table.add_row(_text(f"kg:{key}"), str(count))
        console.print(table)
    totals = Table("", "count", title="totals", title_justify="left")
    for label, value in (
        ("mentions", result.mentions),
        ("  of relations", result.relation_mentions),
        ("  of entities", result.entity_mentions),
        ("source files", result.files),
        ("named graphs", result.graphs),
        ("quads", result.quads),
    ):
        totals.add_row(label, str(value))
    console.print(totals)


@app.command()
@boundary
def validate(out: OutOption = DEFAULT_OUT) -> None:
    """Check the built graph against the SHACL shapes (exit 1 if it does not conform)."""
    from kg.validate import validate_store

    report = validate_store(_open_store(out))
    if report.conforms:
        typer.echo("conforms: no SHACL violations")
        return
    from rich.table import Table

    from kg.query.run import compact_iri

    table = Table("severity", "focus node", "path", "message", "value")
    for v in report.violations:
        table.add_row(
            _text(v.severity),
            _text(compact_iri(v.focus_node) if "://" in v.focus_node else v.focus_node),
            _text(compact_iri(v.path) if "://" in v.path else v.path),
            _text(v.message),
            _text(v.value),
        )
    _console().print(table)
    typer.echo(f"{len(report.violations)} violations", err=True)
    raise typer.Exit(1)


# --- eval -------------------------------------------------------------------------------------


@app.command(name="eval")
@boundary
def eval_command(
    gold: Annotated[
        list[Path],
        typer.Option("--gold", help="Gold file or directory of *.json (repeatable)."),
    ],
    corpus: Annotated[
        Path | None, typer.Option(help="Build this corpus first (into a temporary directory).")
    ] = None,
    out: OutOption = DEFAULT_OUT,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Score the graph against gold annotations (precision, recall, F1 by category)."""
    import tempfile

    from kg.evaluate import evaluate, format_report, load_gold

    for path in gold:
        if not path.exists():
            fail(f"gold file not found: {path}")
    gold_files = load_gold(gold)
    if corpus is None:
        report = evaluate(_open_store(out), gold_files)
    else:
        if not corpus.is_dir():
            fail(f"corpus directory not found: {corpus}")
        from kg.pipeline import build as run_build

        with tempfile.TemporaryDirectory(prefix="kg-eval-") as tmp:
            built = run_build(corpus, Path(tmp), jobs=None, progress=None, validate=False)
            for error in built.errors:
                typer.echo(f"warning: {error.file_name}: {_one_line(error.message)}", err=True)
            report = evaluate(_open_store(Path(tmp)), gold_files)
    if as_json:
        typer.echo(report.model_dump_json(indent=2))
    else:
        typer.echo(format_report(report), nl=False)


# --- serve, push -------------------------------------------------------------------------------


@app.command()
@boundary
def serve(
    out: OutOption = DEFAULT_OUT,
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default).")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 7878,
    timeout: Annotated[
        float, typer.Option("--timeout", min=1, help="Stop a query after this many seconds.")
    ] = 30.0,
) -> None:
    """Serve the graph read-only over the SPARQL 1.1 Protocol at http://HOST:PORT/query."""
    from kg.serve import Server

    server = Server(out, host=host, port=port, timeout_s=timeout).start()
    try:
        typer.echo(f"serving {out} read-only at {server.url} (union of named graphs); Ctrl-C stops")
        code = server.wait()
    finally:
        server.stop()
    raise typer.Exit(code)


class MissingPasswordError(ValueError):
    """--password-env names a variable that is not set."""


@app.command()
@boundary
def push(
    endpoint: Annotated[
        str, typer.Option(help="Graph Store Protocol URL (e.g. http://localhost:7878/store).")
    ],
    out: OutOption = DEFAULT_OUT,
    user: Annotated[str | None, typer.Option(help="User name for HTTP authentication.")] = None,
    password_env: Annotated[
        str | None,
        typer.Option("--password-env", help="Environment variable that holds the password."),
    ] = None,
    auth: Annotated[
        Literal["auto", "basic", "digest"],
        typer.Option(help="HTTP authentication scheme (auto: the one the server asks for)."),
    ] = "auto",
    chunk: Annotated[
        int, typer.Option(min=1, help="Triples per request for large graphs.")
    ] = 100_000,
) -> None:
    """Upload every named graph (one PUT ?graph=IRI each: pushing again replaces)."""
    import os

    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from kg.push import push as run_push

    password = None
    if password_env:
        password = os.environ.get(password_env)
        if password is None:
            raise MissingPasswordError(f"environment variable {password_env} is not set")
    with Progress(
        TextColumn("[bold]pushing"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} triples"),
        TimeElapsedColumn(),
        console=_console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("push", total=None)

        def on_progress(done: int, total: int, graph: str) -> None:
            bar.update(task, completed=done, total=total)

        report = run_push(
            out,
            endpoint,
            user=user,
            password=password,
            auth=auth,
            chunk_triples=chunk,
            progress=on_progress,
        )
    typer.echo(
        f"pushed {len(report.graphs)} graphs, {report.triples} triples "
        f"({report.bytes / 1e6:.1f} MB) in {report.requests} requests"
        f"{f' ({report.retries} retried)' if report.retries else ''} "
        f"to {endpoint} in {report.seconds:.1f} s"
    )


# --- export -----------------------------------------------------------------------------------


@export_app.command("html")
@boundary
def export_html(
    out: OutOption = DEFAULT_OUT,
    focus: Annotated[
        str | None, typer.Option(help="Only the neighbourhood of this document (symbol or name).")
    ] = None,
    depth: Annotated[int, typer.Option(min=0, help="Neighbourhood radius for --focus.")] = 3,
    types: Annotated[
        str | None, typer.Option(help="Only these classes, comma-separated (Document,Agency).")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", help="HTML file to write (default OUT/graph.html).")
    ] = None,
) -> None:
    """Write the interactive map of the graph as one self-contained HTML file."""
    from kg.export.html import write_html

    store = _open_store(out)
    target = output or out / "graph.html"
    type_list = [t.strip() for t in types.split(",") if t.strip()] if types else None
    count = write_html(store, target, focus=focus, depth=depth, types=type_list)
    typer.echo(f"wrote {target} ({count} nodes)")


if __name__ == "__main__":
    app()
