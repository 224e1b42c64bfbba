"""What the file's heading says of the document the file is: its type and its subject.

`HƯỚNG DẪN` / `BÁO CÁO` / `KẾ HOẠCH` standing alone near the top gives the class, and the line
after it the title; `(Kèm theo Công văn số …)` says the text is attached to a letter.
"""

from __future__ import annotations

import re

from kg.extract.patterns import class_of_words, type_words_pattern
from kg.models import Analysis, SourceDocumentInfo, Span

HEADING_WINDOW = 1500
_ATTACHED = re.compile(r"\(\s*kem theo\s+(cong van|ke hoach|quyet dinh|huong dan)")


def extract(analysis: Analysis) -> list[SourceDocumentInfo]:
    text, folded = analysis.text.text, analysis.text.folded
    window = min(len(text), HEADING_WINDOW)
    lines = list(re.finditer(r"[^\n]+", text[:window]))
    for index, line in enumerate(lines):
        content = line.group().strip()
        letters = [ch for ch in content if ch.isalpha()]
        if not letters or not all(ch.isupper() for ch in letters) or len(content) > 40:
            continue
        words = type_words_pattern().fullmatch(folded[line.start() : line.end()].strip())
        if not words:
            continue
        doc_class = class_of_words(words.group()) or "Document"
        title = lines[index + 1].group().strip() if index + 1 < len(lines) else None
        start = line.start() + (len(line.group()) - len(line.group().lstrip()))
        return [
            SourceDocumentInfo(
                doc_class=doc_class,
                title=title,
                span=Span(start=start, end=start + len(content)),
            )
        ]
    attached = _ATTACHED.search(folded)
    if attached:
        return [
            SourceDocumentInfo(
                doc_class=class_of_words(attached.group(1)) or "Document",
                span=Span(start=attached.start(), end=attached.end()),
            )
        ]
    return [SourceDocumentInfo()]
