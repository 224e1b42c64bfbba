"""Finding footnotes and moving their text after the body, anchored where their marker stood.

Three shapes occur in exported policy texts:
- Word export: `words[footnoteRef:3]` and, later in the text, `[3: footnote text]`;
- superscript markers (`Bộ Chính trị⁷`) with the note on a line of its own (`⁷ (1) Nghị quyết…`);
- PDF text: at the foot of a page a line of spaces only, then `3 footnote text` lines; the marker
  is a plain number glued to a word (`trọng16`) or to a year (`2025 - 20301` for `2030` + note 1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.models import Footnote, Span
from kg.normalise.edits import PieceBuilder, Run, identity_runs
from kg.normalise.letters import LETTERS

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPERSCRIPT_VALUE = {ch: str(i) for i, ch in enumerate(SUPERSCRIPT_DIGITS)}

_WORD_REF = re.compile(r"\[footnoteRef:(\d+)\]")
_WORD_NOTE_START = re.compile(r"\[(\d+):\s")
_SUPER_MARKER = re.compile(rf"(?<=[^\s{SUPERSCRIPT_DIGITS}])([{SUPERSCRIPT_DIGITS}]+)")
_SUPER_NOTE = re.compile(rf"(?m)^[ \t]*([{SUPERSCRIPT_DIGITS}]+)[ \t]+(.*)$")
_SUPER_DIGIT = re.compile(rf"[{SUPERSCRIPT_DIGITS}]")
# a separator line: 15 blanks or more (from a line start: see `_pdf_separators`)
_PDF_SEPARATOR = re.compile(r"[ \t]{15,}\n")
_BEFORE_SEPARATOR = re.compile(r"\n(?=[ \t]{15,}\n)")
_PDF_NOTE_START = re.compile(r"(?m)^(\d{1,3})[ \t]+(?=\S)")
_LETTER = LETTERS


@dataclass(frozen=True)
class _Note:
    number: str
    body: tuple[int, int]  # the note's own text
    removed: tuple[int, int]  # what leaves the body flow (brackets, separator line included)
    marker: tuple[int, int] | None  # the marker to delete; None when it was not found


def move_footnotes(text: str) -> tuple[str, list[Run], list[Footnote], int]:
    """Return (new text, runs to `text`, footnotes, end of body)."""
    notes = _word_notes(text) or _superscript_notes(text) or _pdf_notes(text)
    if not notes:
        return text, identity_runs(len(text)), [], len(text)

    cuts: list[tuple[int, int, str | None]] = []  # (start, end, note number for an anchor)
    for note in notes:
        cuts.append((note.removed[0], note.removed[1], None))
        if note.marker:
            cuts.append((note.marker[0], note.marker[1], note.number))
    cuts.sort()

    builder = PieceBuilder(text)
    anchors: dict[str, int] = {}
    cursor = 0
    for start, end, number in cuts:
        if start < cursor:
            continue
        builder.copy(cursor, start)
        if number is not None:
            anchors.setdefault(number, builder.position)
        cursor = end
    builder.copy(cursor, len(text))
    body_end = builder.position

    footnotes: list[Footnote] = []
    for note in notes:
        builder.insert("\n\n", note.body[0])
        start = builder.position
        builder.copy(*note.body)
        anchor = anchors.get(note.number)
        if anchor is None:  # no marker found: anchor where the note stood in the flow
            anchor = _body_position(cuts, note.removed[0], text)
        footnotes.append(
            Footnote(
                number=note.number, anchor=anchor, body=Span(start=start, end=builder.position)
            )
        )
    builder.insert("\n", len(text))
    new_text, runs = builder.build()
    return new_text, runs, footnotes, body_end


def _body_position(cuts: list[tuple[int, int, str | None]], source_pos: int, text: str) -> int:
    """Where `source_pos` lands in the body once the cuts before it are removed."""
    removed = sum(min(end, source_pos) - start for start, end, _ in cuts if start < source_pos)
    return max(0, source_pos - removed)


def _word_notes(text: str) -> list[_Note]:
    refs = {m.group(1): (m.start(), m.end()) for m in _WORD_REF.finditer(text)}
    if not refs:
        return []
    notes: list[_Note] = []
    for match in _WORD_NOTE_START.finditer(text):
        number = match.group(1)
        if number not in refs:
            continue
        end = _closing_bracket(text, match.end())
        if end is None:
            continue
        body_start = match.end()
        while body_start < end and text[body_start] == " ":
            body_start += 1
        # take the space before `[3: ...]` with it, so the body reads on without a gap
        removed_start = (
            match.start() - 1 if text[match.start() - 1 : match.start()] == " " else match.start()
        )
        notes.append(_Note(number, (body_start, end), (removed_start, end + 1), refs.pop(number)))
    return notes


def _closing_bracket(text: str, start: int) -> int | None:
    depth = 1
    for index in range(start, min(len(text), start + 20000)):
        ch = text[index]
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                return index
    return None


def _superscript_notes(text: str) -> list[_Note]:
    bodies = _super_note_lines(text)
    if not bodies:
        return []
    body_lines = {(m.start(), m.end()) for m in bodies}
    notes: list[_Note] = []
    for body in bodies:
        number = "".join(_SUPERSCRIPT_VALUE[ch] for ch in body.group(1))
        marker = None
        for candidate in _SUPER_MARKER.finditer(text, 0, body.start()):
            value = "".join(_SUPERSCRIPT_VALUE[ch] for ch in candidate.group(1))
            if value == number and not any(s <= candidate.start() < e for s, e in body_lines):
                marker = (candidate.start(), candidate.end())
        if marker is None:
            continue  # a superscript number no marker points to is not a note (`⁴ N` stays text)
        end = body.end() + 1 if text[body.end() : body.end() + 1] == "\n" else body.end()
        notes.append(_Note(number, (body.start(2), body.end()), (body.start(), end), marker))
    return notes


def _super_note_lines(text: str) -> list[re.Match[str]]:
    """What `_SUPER_NOTE.finditer(text)` finds. Its lines have a superscript digit, and only
    those lines are tried: a pattern starting with `^` has the scan try every position."""
    found: list[re.Match[str]] = []
    digit = _SUPER_DIGIT.search(text)
    while digit is not None:
        line_start = text.rfind("\n", 0, digit.start()) + 1
        line = _SUPER_NOTE.match(text, line_start)
        if line is not None:
            found.append(line)
        line_end = text.find("\n", digit.start())
        if line_end < 0:
            break
        digit = _SUPER_DIGIT.search(text, line_end)
    return found


def _pdf_separators(text: str) -> list[re.Match[str]]:
    """What `(?m)^[ \\t]{15,}\\n` finds: `_PDF_SEPARATOR` at the start of the text and after
    each line break that one follows (a scan that skips from line break to line break)."""
    starts = [0, *(m.end() for m in _BEFORE_SEPARATOR.finditer(text))]
    return [m for start in starts if (m := _PDF_SEPARATOR.match(text, start)) is not None]


def _pdf_notes(text: str) -> list[_Note]:
    notes: list[_Note] = []
    previous_block_end = 0
    last_number = 0
    for separator in _pdf_separators(text):
        if separator.start() < previous_block_end:
            continue
        block_start = separator.end()
        # the page's text resumes at the first single line break (note lines end in blank lines)
        resume = re.search(r"[^\n]\n(?!\n)", text[block_start:])
        block_end = block_start + resume.start() + 2 if resume else len(text)
        starts = [
            m
            for m in _PDF_NOTE_START.finditer(text, block_start, block_end)
            if 0 < int(m.group(1)) <= last_number + 8
        ]
        # keep only increasing numbers: a wrapped line may start with a number too
        kept: list[re.Match[str]] = []
        for m in starts:
            if not kept or int(m.group(1)) > int(kept[-1].group(1)):
                if not kept and m.start() != block_start:
                    break
                kept.append(m)
        if not kept:
            continue
        for index, m in enumerate(kept):
            number = m.group(1)
            body_end = kept[index + 1].start() if index + 1 < len(kept) else block_end
            body = (m.end(), _rstrip(text, m.end(), body_end))
            removed = (separator.start() if index == 0 else m.start(), body_end)
            if index + 1 == len(kept):
                removed = (removed[0], block_end)
            marker = _pdf_marker(text, number, previous_block_end, separator.start())
            notes.append(_Note(number, body, removed, marker))
            last_number = int(number)
        previous_block_end = block_end
    # a note's removed stretch for index>0 starts at its own line; make them contiguous
    return notes


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _pdf_marker(text: str, number: str, lo: int, hi: int) -> tuple[int, int] | None:
    """The last place in [lo, hi) where `number` is glued to a word or to a year."""
    # the number first and what must stand before it looked back at from after it: a pattern
    # that starts with a literal is scanned for quickly, one that starts looking back is not
    glued = re.compile(
        rf"{number}(?:(?<=[{_LETTER}\)”\"]{number})|(?<=\b(?:19|20)\d\d{number}))(?![\d])",
        re.IGNORECASE,
    )
    found = None
    for match in glued.finditer(text, lo, hi):
        found = (match.start(), match.end())
    return found
