"""Joining hard-wrapped lines and symbols split across them; tidying white space.

PDF exports break every line (often with blank lines between them): `thực \\n\\nhiện` must read
`thực hiện` and `03-\\n\\nCTr/TU` must read `03-CTr/TU`. A line break stays a paragraph break when
the line before ends a sentence or is a heading, or the next line opens a list item.
"""

from __future__ import annotations

import bisect
import itertools
import re
import statistics
from collections.abc import Iterator

from kg.normalise.edits import Run, apply_replacements, compose

# a line break with the blanks and blank lines around it: found from its first `\n` (a scan
# for a literal is quick), then extended back over the blanks before it (see `_breaks`)
_LINE_BLANKS = " \t\u00a0"
_BREAK_FROM_NEWLINE = re.compile(r"\n[ \t\u00a0\n]*")
# blanks inside lines; a run of two or more, or one that is not a plain space (nor the zero
# width space), is made one space (see `_inner_spaces`)
_INNER_BLANKS = " \t\u00a0\u2002\u2003\u2009\u200b"
_OTHER_BLANKS = re.compile("[\t\u00a0\u2002\u2003\u2009\u200b]")
_ALONE_REPLACED = "\t\u00a0\u2002\u2003\u2009"
_LIST_START = re.compile(
    r"(?:[-+•*–]\s|\(?\d{1,2}[.)]\s|\(\d{1,2}\)|[IVXLC]{1,5}[.\-]\s|[a-zđ][)]\s|\d+(?:\.\d+)+\.?\s)"
)
_SENTENCE_END = frozenset('.:;!?…”"')  # the last character of a line that ends a sentence
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
    open_ended = sum(1 for line in lines if line[-1] not in _SENTENCE_END)
    return typical < 130 and open_ended / len(lines) > 0.5


def join_lines(text: str, body_end: int) -> tuple[str, list[Run]]:
    """Join wrapped lines of the body (up to body_end); collapse spaces everywhere."""
    edits: list[tuple[int, int, str]] = [(m.start(), m.end(), "") for m in _ARTIFACT.finditer(text)]
    for match in _SPLIT_SYMBOL.finditer(text, 0, body_end):
        edits.append((match.end(1), match.end(), ""))
    wrapped = is_hard_wrapped(text[:body_end])
    # what the edits so far take, sorted, with the furthest end up to each: a break overlaps
    # one iff one of those starting before its end reaches past its start
    taken = sorted((start, end) for start, end, _ in edits)
    taken_starts = [start for start, _ in taken]
    reach = list(itertools.accumulate((end for _, end in taken), max))
    for start, end in _breaks(text):
        before_end = bisect.bisect_left(taken_starts, end)
        if before_end and reach[before_end - 1] > start:
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
    spaces = [(start, end, " ") for start, end in _inner_spaces(new_text)]
    if not spaces:
        return new_text, runs
    tidy, tidy_runs = apply_replacements(new_text, spaces)
    return tidy, compose(tidy_runs, runs)


def _inner_spaces(text: str) -> list[tuple[int, int]]:
    """The runs of blanks that become one space: those of two or more, and single blanks
    other than a space or a zero width space (what
    `[ …](?:[ …]+|(?<=[\\t\\u00a0\\u2002\\u2003\\u2009]))` finds). Only a run with two spaces
    in a row or another blank in it can be one: scanning for those (a literal, rare characters)
    skips the text's single spaces, where a scan for any blank stops at every word."""
    found: list[tuple[int, int]] = []
    double = text.find("  ")
    other = _OTHER_BLANKS.search(text)
    while double >= 0 or other is not None:
        # the first of the two; a run ends at a character that is not a blank, so reading
        # the blanks back from here cannot reach into the run before
        seed = min(p for p in (double, other.start() if other else -1) if p >= 0)
        start = end = seed
        while start > 0 and text[start - 1] in _INNER_BLANKS:
            start -= 1
        while end < len(text) and text[end] in _INNER_BLANKS:
            end += 1
        if end - start > 1 or text[start] in _ALONE_REPLACED:
            found.append((start, end))
        if 0 <= double < end:
            double = text.find("  ", end)
        if other is not None and other.start() < end:
            other = _OTHER_BLANKS.search(text, end)
    return found


def _breaks(text: str) -> Iterator[tuple[int, int]]:
    """What `[ \\t\\u00a0]*\\n(?:[ \\t\\u00a0]*\\n)*[ \\t\\u00a0]*` finds, in order. That pattern
    starts with blanks, so a scan with it tries every position. From its first `\\n` a span is
    one run of blanks and line breaks, and the blanks before it are read back from there (they
    cannot reach into the span before, which ends at a character that is neither)."""
    for match in _BREAK_FROM_NEWLINE.finditer(text):
        start = match.start()
        while start > 0 and text[start - 1] in _LINE_BLANKS:
            start -= 1
        yield start, match.end()


def _is_wrap(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    previous = text[line_start:start].strip()
    following = text[end : end + 12]
    if not previous:
        return False
    if previous[-1] in _SENTENCE_END:
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
