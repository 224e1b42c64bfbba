"""Texts that lost their diacritics read as well as the originals (issue 3)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from kg.evaluate import evaluate, load_gold
from kg.pipeline import build
from kg.store import GraphStore
from tests.conftest import CORPUS, GOLD_DEV

CATEGORIES = ["documents", "targets", "agencies"]


def strip_diacritics(text: str) -> str:
    """What a keyboard without Vietnamese input, or OCR, leaves: no marks, Đ -> D."""
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def recalls(corpus: Path, out: Path, gold) -> dict[str, float]:
    build(corpus, out, jobs=1, validate=False, html=False)
    report = evaluate(GraphStore.open(out), gold)
    return {c: report.overall[c].recall or 0.0 for c in CATEGORIES}


@pytest.mark.skipif(not GOLD_DEV.is_dir(), reason="../shared/gold-dev is not beside the repo")
def test_recall_without_diacritics_is_at_least_nine_tenths_of_the_original(tmp_path):
    gold = load_gold([GOLD_DEV])
    clean, stripped = tmp_path / "clean", tmp_path / "stripped"
    clean.mkdir()
    stripped.mkdir()
    for g in gold:
        text = (CORPUS / g.source).read_text(encoding="utf-8")
        (clean / g.source).write_text(text, encoding="utf-8")
        (stripped / g.source).write_text(strip_diacritics(text), encoding="utf-8")
    original = recalls(clean, tmp_path / "out-clean", gold)
    without = recalls(stripped, tmp_path / "out-stripped", gold)
    for category in CATEGORIES:
        assert without[category] >= 0.9 * original[category], (category, original, without)
