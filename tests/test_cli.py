"""kg_cli: the commands parse, call the library, print, and fail in one line with the right code."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.store import GraphStore
from kg_cli import app

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "trace_graph.trig"
KGR = "https://w3id.org/kg-vn/id/"
SYMBOLS = "SELECT ?d ?s WHERE { ?d kg:symbol ?s } ORDER BY ?s LIMIT 2"

runner = CliRunner()


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build output directory holding the fixture graph's store."""
    import pyoxigraph

    directory = tmp_path_factory.mktemp("exports")
    quads = pyoxigraph.parse(path=str(FIXTURE), format=pyoxigraph.RdfFormat.TRIG)
    GraphStore.write(directory, quads)
    return directory


def kg(*args: str | Path):
    return runner.invoke(app, [str(a) for a in args])


def assert_one_line_error(result, code: int = 2) -> str:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def test_help_lists_the_commands() -> None:
    result = kg("--help")
    assert result.exit_code == 0
    for command in ("build", "query", "trace", "stats", "validate", "eval", "export"):
        assert command in result.stdout
    assert kg("export", "--help").exit_code == 0


def test_importing_the_cli_stays_light() -> None:
    # `kg --help` must be fast: the heavy libraries load inside the commands only
    code = (
        "import sys, kg_cli; heavy = ('pyoxigraph', 'rdflib', 'pyvis', 'networkx', 'pyshacl',"
        " 'kg.pipeline', 'pydantic', 'jinja2');"
        " print(','.join(m for m in heavy if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == ""


def test_query_json_is_w3c_sparql_results(out: Path) -> None:
    result = kg("query", SYMBOLS, "--format", "json", "--out", out)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["head"]["vars"] == ["d", "s"]
    first = data["results"]["bindings"][0]
    assert first["d"] == {"type": "uri", "value": KGR + "doc/cao-bang/01-HD-BTGTU"}
    assert first["s"] == {"type": "literal", "value": "01-HD/BTGTU"}


def test_query_csv_and_tsv(out: Path) -> None:
    result = kg("query", SYMBOLS, "--format", "csv", "--out", out)
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows == [
        ["d", "s"],
        [KGR + "doc/cao-bang/01-HD-BTGTU", "01-HD/BTGTU"],
        [KGR + "doc/cao-bang/06-CTr-TU", "06-CTr/TU"],
    ]
    result = kg("query", SYMBOLS, "--format", "tsv", "--out", out)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "?d\t?s"  # TSV results carry terms in Turtle syntax
    assert lines[1] == f'<{KGR}doc/cao-bang/01-HD-BTGTU>\t"01-HD/BTGTU"'


def test_query_table_ask_and_construct(out: Path) -> None:
    table = kg("query", SYMBOLS, "--out", out)
    assert table.exit_code == 0
    assert "kgr:doc/cao-bang/06-CTr-TU" in table.stdout and "06-CTr/TU" in table.stdout

    ask = kg("query", 'ASK { ?d kg:symbol "57-NQ/TW" }', "--out", out)
    assert ask.stdout.strip() == "true"
    ask_json = kg("query", "ASK { ?d kg:symbol 'none' }", "--format", "json", "--out", out)
    assert json.loads(ask_json.stdout)["boolean"] is False

    import pyoxigraph

    construct = kg(
        "query",
        "CONSTRUCT { ?d kg:symbol ?s } WHERE { ?d kg:symbol ?s }",
        "--format",
        "csv",
        "--out",
        out,
    )
    assert construct.exit_code == 0
    triples = list(pyoxigraph.parse(construct.stdout, format=pyoxigraph.RdfFormat.N_TRIPLES))
    assert len(triples) == 8  # the fixture's eight symbols


def test_query_from_file(out: Path, tmp_path: Path) -> None:
    query_file = tmp_path / "q.rq"
    query_file.write_text(SYMBOLS, encoding="utf-8")
    result = kg("query", "-f", query_file, "--format", "csv", "--out", out)
    assert result.exit_code == 0
    assert "06-CTr/TU" in result.stdout


def test_query_syntax_error_is_one_line_exit_2(out: Path) -> None:
    result = kg("query", "SELECT ?d WHERE {\n  ?d kg:symbol \n}", "--out", out)
    line = assert_one_line_error(result)
    assert line.startswith("error: SPARQL syntax error: ")
    assert "3:1" in line  # the parser's line:column


def test_query_without_a_graph_exit_2(tmp_path: Path) -> None:
    result = kg("query", SYMBOLS, "--out", tmp_path / "nowhere")
    line = assert_one_line_error(result)
    assert "kg build" in line


def test_query_usage_errors(out: Path) -> None:
    assert_one_line_error(kg("query", "--out", out))  # no query at all
    assert_one_line_error(kg("query", SYMBOLS, "--name", "chain", "--out", out))  # two queries
    assert_one_line_error(kg("query", "--name", "chain", "--param", "ref", "--out", out))
    assert_one_line_error(kg("query", "--name", "no-such-query", "--out", out))


def test_named_queries_list() -> None:
    result = kg("query", "--list")
    assert result.exit_code == 0, result.output
    assert "chain" in result.stdout


def test_trace_prints_children_with_quotes(out: Path) -> None:
    result = kg("trace", "Nghị quyết Đại hội XX", "--out", out)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("Nghị quyết Đại hội đại biểu Đảng bộ tỉnh Cao Bằng lần thứ XX")
    for expected in (
        "Chương trình hành động số 06-CTr/TU",
        "Kế hoạch số 45/KH-UBND",
        "Kế hoạch số 12/KH-UBND",
        "“Chương trình hành động thực hiện Nghị quyết Đại hội đại biểu Đảng bộ tỉnh lần thứ XX”",
        "003_8d9677976a386358.txt",
        "“thực hiện Kế hoạch số 45/KH-UBND của UBND tỉnh”",
    ):
        assert expected in text
    shallow = kg("trace", "nghi quyet dai hoi XX", "--depth", "1", "--out", out)
    assert "06-CTr/TU" in shallow.stdout and "45/KH-UBND" not in shallow.stdout


def test_trace_up_as_json(out: Path) -> None:
    result = kg("trace", "45/kh-ubnd", "--direction", "up", "--format", "json", "--out", out)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["root"]["symbol"] == "45/KH-UBND"
    objects = {e["object"] for e in data["edges"]}
    assert KGR + "doc/cao-bang/06-CTr-TU" in objects


def test_trace_unknown_ref_exit_2(out: Path) -> None:
    line = assert_one_line_error(kg("trace", "06-CTr/T", "--out", out))
    assert "did you mean" in line and "06-CTr/TU" in line


def test_stats(out: Path) -> None:
    result = kg("stats", "--out", out)
    assert result.exit_code == 0, result.output
    assert "kg:implements" in result.stdout and "kg:Plan" in result.stdout
    data = json.loads(kg("stats", "--json", "--out", out).stdout)
    assert data["relations"]["implements"] == 6
    assert data["classes"]["Document"] == 10
    assert data["files"] == 3
    assert data["mentions"] == 10
    assert data["quads"] > 0


def test_export_html_command(out: Path, tmp_path: Path) -> None:
    target = tmp_path / "map.html"
    result = kg("export", "html", "--out", out, "--output", target, "--types", "Document")
    assert result.exit_code == 0, result.output
    assert target.is_file() and "10 nodes" in result.stdout
    assert_one_line_error(
        kg("export", "html", "--out", out, "--focus", "không có", "--output", target)
    )


def test_build_without_corpus_exit_2(tmp_path: Path) -> None:
    result = kg("build", "--corpus", tmp_path / "missing", "--out", tmp_path / "out")
    line = assert_one_line_error(result)
    assert line == f"error: corpus directory not found: {tmp_path / 'missing'}"
