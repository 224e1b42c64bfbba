"""Documents named by their symbol, with what the phrase around the symbol says of them.

`Chương trình hành động số 06-CTr/TU, ngày 28/11/2025 của Ban Chấp hành Đảng bộ tỉnh về …`:
class from the type code (or the type words when the symbol has no type), date, issuer phrase,
and the subject (`về …`) as title.
"""

from __future__ import annotations

import re

from kg.extract import agencies
from kg.extract.patterns import class_of_match, parse_date, type_words_before_symbol
from kg.lexicon import lexicon
from kg.models import Analysis, DocumentMention, Span
from kg.symbols import find_symbols

_OF = re.compile(r"\s*,?\s*(?:cua|ctia|cia)\s+")
_TITLE = re.compile(r"\s*,?\s*(ve\s+(?!viec\b)|ve viec\s+)")
# a title ends at a clause end, a date, or where the next numbered document starts
_NEXT_DOCUMENT = (
    r"(?:nghi quyet|chi thi|quyet dinh|ke hoach|chuong trinh|cong van|ket luan|huong dan|nghi dinh)"
)
_TITLE_END = re.compile(rf"[;.()\n]|,\s*ngay\b|\s+(?:va|cua)\s+(?={_NEXT_DOCUMENT}\s+so\b)")


def extract(analysis: Analysis) -> list[DocumentMention]:
    text, folded = analysis.text.text, analysis.text.folded
    lex = lexicon()
    mentions: list[DocumentMention] = []
    for match in find_symbols(text):
        before = folded[max(0, match.start - 60) : match.start]
        words = type_words_before_symbol().search(before)
        phrase_start = match.start
        doc_class = None
        if words:
            phrase_start = match.start - (len(before) - words.start())
            doc_class = class_of_match(words)
        if match.type_code:
            doc_type = lex.type_by_code(match.type_code)
            doc_class = doc_type.doc_class if doc_type else doc_class
        doc_class = doc_class or lex.untyped_class

        cursor = match.end
        date = None
        parsed = parse_date(folded, cursor)
        if parsed:
            date, cursor = parsed
        issuer_span, issuer_name = None, None
        of = _OF.match(folded, cursor)
        if of:
            issuer = agencies.match_at(analysis.text, of.end())
            if issuer:
                issuer_span, issuer_name = issuer.span, issuer.canonical or issuer.surface
                cursor = issuer.span.end
        title = None
        title_match = _TITLE.match(folded, cursor)
        if title_match:
            end = _TITLE_END.search(folded, title_match.end())
            stop = end.start() if end else min(len(text), title_match.end() + 200)
            if stop - title_match.start() < 300:
                title = text[title_match.start() : stop].strip(" ,")
        mentions.append(
            DocumentMention(
                span=Span(start=match.start, end=match.end),
                symbol=match.symbol,
                doc_class=doc_class,
                date=date,
                issuer_code=match.issuer_code,
                issuer_span=issuer_span,
                issuer_name=issuer_name,
                title=title,
                phrase=Span(start=phrase_start, end=cursor),
            )
        )
    return mentions
