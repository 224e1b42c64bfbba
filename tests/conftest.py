"""Shared helpers: analyse small texts written in the tests, and find the real corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.models import Analysis, DocumentMention, RelationCandidate
from kg.pipeline import analyse_text

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
GOLD_DEV = REPO.parent / "shared" / "gold-dev"


def labelled_relations(analysis: Analysis) -> set[tuple[str, str, str]]:
    """(subject, predicate, object) with documents shown by symbol or name, agencies by name."""
    by_id = {c.id: c for c in analysis.candidates}

    def label(ref: str) -> str:
        candidate = by_id.get(ref)
        if candidate is None:
            return ref
        return getattr(candidate, "symbol", None) or getattr(candidate, "name", None) or ref

    return {
        (label(r.subject), r.predicate, label(r.object))
        for r in analysis.of_kind(RelationCandidate)
    }


def symbols(analysis: Analysis) -> list[str]:
    return [m.symbol for m in analysis.of_kind(DocumentMention) if m.symbol]


@pytest.fixture
def analyse():
    return analyse_text
