"""extract: Analysis -> candidates, one module per kind of thing, run in registry order.

Each extractor is a function `extract(analysis) -> list[Candidate]`. Later extractors read what
earlier ones found (relations need the documents), so order matters and is set here.
"""

from __future__ import annotations

from collections.abc import Callable

from kg.models import Analysis, Candidate

Extractor = Callable[[Analysis], list[Candidate]]


def registry() -> list[tuple[str, Extractor]]:
    """The extractors in the order they run."""
    from kg.extract import (
        agencies,
        documents,
        gates,
        named_documents,
        places,
        programmes,
        relations,
        source_document,
        targets,
    )

    return [
        ("source_document", source_document.extract),
        ("documents", documents.extract),
        ("programmes", programmes.extract),
        ("named_documents", named_documents.extract),
        ("agencies", agencies.extract),
        ("gates", gates.extract),
        ("places", places.extract),
        ("targets", targets.extract),
        ("relations", relations.extract),
    ]


def run_extractors(analysis: Analysis) -> Analysis:
    for _name, extractor in registry():
        analysis.candidates.extend(extractor(analysis))
    return analysis
