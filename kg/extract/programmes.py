"""Programmes named without a symbol: the gazetteer's national programmes in any of their
short forms, and `Chương trình “…”` with a quoted proper name. Each is a document mention of
class Programme, so relations reach it like any other document; `name` is the canonical name,
so short and long forms are one node."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from kg.lexicon import lexicon, load_toml
from kg.models import Analysis, DocumentMention, Span
from kg.normalise.ocr import prefiltered_finditer, tolerant, tolerant_any, tolerant_trie

_PERIOD = re.compile(
    r"\s*,?\s*(?:giai doan|nhiem ky|thoi ky)\s+((?:19|20)\d\d)\s*[-–]\s*((?:19|20)\d\d)"
)


@dataclass(frozen=True)
class _Rules:
    known: re.Pattern[str]
    groups: dict[str, str]  # group name -> canonical name
    quoted: re.Pattern[str]
    # where `known` and `quoted` can start: cheap to scan the whole text with
    known_starts: re.Pattern[str]
    quoted_starts: re.Pattern[str]


@cache
def _rules() -> _Rules:
    data = load_toml("programmes.toml")
    forms: dict[str, str] = {}
    for row in data["programme"]:
        for form in (row["name"], *row.get("aliases", [])):
            forms[form] = row["name"]
    ordered = sorted(forms, key=len, reverse=True)
    groups = {f"p{i}": forms[form] for i, form in enumerate(ordered)}
    known = re.compile(
        "|".join(
            f"(?P<p{i}>(?<![\\w]){_loose(tolerant(form))}(?![\\w]))"
            for i, form in enumerate(ordered)
        )
    )
    heads = tolerant_any(data["quoted"]["heads"])
    quoted = re.compile(
        rf"(?<![\w])(?:{heads})\s*[“\"]([^”\"\n]{{3,80}})[”\"](?:\s*\(([a-z0-9]+)\))?"
    )
    return _Rules(
        known=known,
        groups=groups,
        quoted=quoted,
        known_starts=re.compile(tolerant_trie(map(_strict_prefix, ordered), word_start=True)),
        quoted_starts=re.compile(tolerant_trie(data["quoted"]["heads"], word_start=True)),
    )


_LOOSE_CHARACTERS = re.compile(r"\s*[-“”(),]")


def _strict_prefix(form: str) -> str:
    """The form up to its first character that `_loose` relaxes: what every match starts with."""
    return form[: m.start()] if (m := _LOOSE_CHARACTERS.search(form)) else form


def _loose(pattern: str) -> str:
    """Let punctuation and quotes in a gazetteer form match whatever the text has there."""
    return (
        pattern.replace(r"\s+\-\s+", r"\s*[-–]\s*")
        .replace(r"\-", r"\s*[-–]\s*")
        .replace("“", '[“"]?')
        .replace("”", '[”"]?')
        .replace(r"\(", r"\(?")
        .replace(r"\)", r"\)?")
        .replace(",", ",?")
    )


def extract(analysis: Analysis) -> list[DocumentMention]:
    rules = _rules()
    text, folded = analysis.text.text, analysis.text.folded
    taken = [(m.phrase or m.span) for m in analysis.of_kind(DocumentMention)]
    found: list[DocumentMention] = []

    def add(start: int, end: int, name: str) -> None:
        if any(s.start < end and start < s.end for s in taken):
            return
        period = _PERIOD.match(folded, end)
        mention = DocumentMention(
            span=Span(start=start, end=end),
            name=name,
            name_key="named|" + lexicon().name_key(name),
            doc_class="Programme",
            phrase=Span(start=start, end=period.end() if period else end),
            period=f"{period.group(1)} - {period.group(2)}" if period else None,
        )
        found.append(mention)
        taken.append(mention.phrase)

    for match in prefiltered_finditer(rules.known, rules.known_starts, folded):
        add(match.start(), match.end(), rules.groups[match.lastgroup])
    for match in prefiltered_finditer(rules.quoted, rules.quoted_starts, folded):
        add(match.start(), match.end(), text[match.start() : match.end()])
    # `Chương trình phát triển du lịch bền vững`: a programme named by its subject; it only
    # becomes a node if a numbered programme has that subject (decided in resolve)
    for match in prefiltered_finditer(_BY_SUBJECT, _BY_SUBJECT_STARTS, folded):
        if text[match.start()].isupper() and not any(
            s.start < match.end() and match.start() < s.end for s in taken
        ):
            name = text[match.start() : match.end()]
            found.append(
                DocumentMention(
                    span=Span(start=match.start(), end=match.end()),
                    name=name,
                    name_key="subject|" + lexicon().name_key(name),
                    doc_class="Programme",
                    phrase=Span(start=match.start(), end=match.end()),
                )
            )
    return sorted(found, key=lambda m: m.span.start)


_BY_SUBJECT = re.compile(
    r"(?<![\w])chuong trinh\s+(?!so\b|hanh dong\b|trong tam\b|muc tieu\b|cong tac\b)"
    r"[a-z]+(?:\s+[a-z]+){2,8}?(?=\s*[;,.:(\n]|\s+(?:giai doan|cua|tren dia ban|la|va)\b)"
)
_BY_SUBJECT_STARTS = re.compile("chuong trinh")
