"""`kg build` and `kg eval` through the CLI: exit codes, messages, what they print."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg_cli import app
from tests.conftest import CORPUS, GOLD_DEV

runner = CliRunner()


def small_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "001_efc61566807d8330.txt", corpus)
    return corpus


def test_build_exit_0_and_summary(tmp_path):
    result = runner.invoke(
        app,
        [
            "build",
            "--corpus",
            str(small_corpus(tmp_path)),
            "--out",
            str(tmp_path / "out"),
            "--jobs",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "files read" in result.output and "implements" in result.output
    assert (tmp_path / "out" / "graph.trig").is_file()


def test_build_exit_1_names_each_bad_file_once(tmp_path):
    corpus = small_corpus(tmp_path)
    (corpus / "empty.txt").write_text("")
    (corpus / "notes.pdfx").write_text("not a corpus file")
    result = runner.invoke(
        app,
        [
            "build",
            "--corpus",
            str(corpus),
            "--out",
            str(tmp_path / "out"),
            "--jobs",
            "1",
            "--no-validate",
        ],
    )
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert errors == ["error: empty.txt: empty file"]
    assert "Traceback" not in result.output


def test_build_missing_corpus_exit_2(tmp_path):
    result = runner.invoke(app, ["build", "--corpus", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "corpus directory not found" in result.output and "Traceback" not in result.output


@pytest.mark.skipif(not GOLD_DEV.is_dir(), reason="../shared/gold-dev is not beside the repo")
def test_eval_builds_the_corpus_and_prints_scores(tmp_path):
    gold = GOLD_DEV / "001_efc61566807d8330.json"
    result = runner.invoke(
        app, ["eval", "--gold", str(gold), "--corpus", str(small_corpus(tmp_path)), "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["overall"]["documents"]["recall"] == 1.0


def test_eval_with_a_broken_gold_file_exit_2(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = runner.invoke(
        app, ["eval", "--gold", str(bad), "--corpus", str(small_corpus(tmp_path))]
    )
    assert result.exit_code == 2
    assert "bad.json" in result.output and "Traceback" not in result.output
