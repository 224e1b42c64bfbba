"""Joining hard-wrapped lines and symbols split across them; tidying white space.

PDF exports break every line (often with blank lines between them): `thực \\n\\nhiện` must read
`thực hiện` and `03-\\n\\nCTr/TU` must read `03-CTr/TU`. A line break stays a paragraph break when
the line before ends a sentence or is a heading, or the next line opens a list item.
"""

from __future__ import annotations

import re
import statistics

from kg.normalise.edits import Run, apply_replacements, compose

_BREAK = re.compile(r"[ \t\u00a0]*\n(?:[ \t\u00a0]*\n)*[ \t\u00a0]*")
# two blanks or more, or one that is not a plain space; written to start with one blank (and
# look back at it for the second case), which lets the scan skip straight to blanks
_INNER_SPACE = re.compile(
    r"[ \t\u00a0\u2002\u2003\u2009\u200b]"
    r"(?:[ \t\u00a0\u2002\u2003\u2009\u200b]+|(?<=[\t\u00a0\u2002\u2003\u2009]))"
)
_LIST_START = re.compile(
    r"(?:[-+•*–]\s|\(?\d{1,2}[.)]\s|\(\d{1,2}\)|[IVXLC]{1,5}[.\-]\s|[a-zđ][)]\s|\d+(?:\.\d+)+\.?\s)"
)
_SENTENCE_END = re.compile(r"[.:;!?…”\"]\s*$")
_ASCII_LOWER = re.compile(r"[a-z]")
# export artifacts that carry no text: `[bookmark: bookmark21]`, `[image: ]`
_ARTIFACT = re.compile(r"\[(?:bookmark|image):[^\]\n]{0,80}\]")
# a symbol cut after its hyphen or slash: `03-` + `CTr/TU`, `1234/KH-` + `UBND`
# (the hyphen or slash first, so the scan skips straight to them)
_SPLIT_SYMBOL = re.compile(r"([-/])(?<=[0-9A-ZĐ][-/])[ \t]*\n[\s]*(?=[0-9A-ZĐ])")


def is_hard_wrapped(text: str) -> bool:
    """True when most lines were cut at a fixed width (PDF or OCR text), not at paragraph ends."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if len(lines) < 5:
        return False
    lengths = [len(line) for line in lines]
    typical = statistics.median(lengths)
    open_ended = sum(1 for line in lines if not _SENTENCE_END.search(line))
    return typical < 130 and open_ended / len(lines) > 0.5


def join_lines(text: str, body_end: int) -> tuple[str, list[Run]]:
    """Join wrapped lines of the body (up to body_end); collapse spaces everywhere."""
    edits: list[tuple[int, int, str]] = [(m.start(), m.end(), "") for m in _ARTIFACT.finditer(text)]
    for match in _SPLIT_SYMBOL.finditer(text, 0, body_end):
        edits.append((match.end(1), match.end(), ""))
    wrapped = is_hard_wrapped(text[:body_end])
    taken = [(start, end) for start, end, _ in edits]
    for match in _BREAK.finditer(text):
        start, end = match.start(), match.end()
        if any(start < t_end and t_start < end for t_start, t_end in taken):
            continue
        if start == 0 or end == len(text):
            edits.append((start, end, ""))
            continue
        if wrapped and _is_wrap(text, start, end):
            edits.append((start, end, " "))
        else:
            edits.append((start, end, "\n"))
    edits.sort()
    new_text, runs = apply_replacements(text, edits)
    # second pass: single spaces inside lines
    spaces = [(m.start(), m.end(), " ") for m in _INNER_SPACE.finditer(new_text)]
    if not spaces:
        return new_text, runs
    tidy, tidy_runs = apply_replacements(new_text, spaces)
    return tidy, compose(tidy_runs, runs)


def _is_wrap(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    previous = text[line_start:start].strip()
    following = text[end : end + 12]
    if not previous:
        return False
    if _SENTENCE_END.search(previous):
        return False
    if _LIST_START.match(following):
        return False
    return not _is_heading(previous)


def _is_heading(line: str) -> bool:
    """A line in capitals (four letters or more, none lower case)."""
    if _ASCII_LOWER.search(line):
        return False  # the common case, decided without looking at each letter
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 4 and all(ch.isupper() for ch in letters)
