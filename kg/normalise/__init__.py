"""normalise: SourceText -> Text.

Steps, each a small function with its own offset runs, composed into one map to the original:
NFC -> footnotes moved after the body -> wrapped lines joined -> glued words separated.
"""

from __future__ import annotations

import bisect
import re
import unicodedata

from kg.models import Footnote, OffsetRun, OffsetRuns, SourceText, Span, Text
from kg.normalise.edits import Run, apply_replacements, compose, identity_runs, offset_runs
from kg.normalise.fold import fold
from kg.normalise.footnotes import move_footnotes
from kg.normalise.glue import separate_glued_words
from kg.normalise.lines import join_lines

__all__ = ["fold", "normalise", "to_nfc"]


def to_nfc(raw: str) -> tuple[str, list[OffsetRun]]:
    """NFC, mapping each composed character back to the start of the characters it came from."""
    nfc, runs = _nfc(raw)
    return nfc, offset_runs(runs)


def _nfc(raw: str) -> tuple[str, list[Run]]:
    raw = raw.replace("\r\n", "\n").replace("\r", "\n") if "\r" in raw else raw
    if unicodedata.is_normalized("NFC", raw):
        return raw, identity_runs(len(raw))
    # normalise cluster by cluster (a base character and its combining marks); only clusters
    # with a mark, and characters NFC replaces on their own (`Å` for the Ångström sign), can
    # change, so a pattern over the text's own distinct characters finds them in one pass
    distinct = set(raw)
    marks = "".join(sorted(ch for ch in distinct if unicodedata.combining(ch)))
    singles = "".join(
        sorted(
            ch
            for ch in distinct
            if not unicodedata.combining(ch) and unicodedata.normalize("NFC", ch) != ch
        )
    )
    edits: list[tuple[int, int, str]] = []
    for start, end in _clusters(raw, marks, singles):
        cluster = raw[start:end]
        composed = unicodedata.normalize("NFC", cluster)
        if composed != cluster:
            edits.append((start, end, composed))
    return apply_replacements(raw, edits)


def _clusters(raw: str, marks: str, singles: str) -> list[tuple[int, int]]:
    """The spans `[^marks]?[marks]+|[singles]` finds: a run of marks with the character before
    it, and a single not followed by marks. Found by scanning for the marks and the singles
    themselves (rare characters the scan skips to) and taking in the base from there: a
    pattern that starts with an optional character has the scan try every position."""
    alternatives = []
    if marks:
        alternatives.append(f"[{re.escape(marks)}]+")
    if singles:
        alternatives.append(f"[{re.escape(singles)}]")
    if not alternatives:  # not NFC only for characters that compose across clusters (jamo)
        return []
    found: list[tuple[int, int]] = []
    for match in re.finditer("|".join(alternatives), raw):
        start, end = match.span()
        if raw[start] in marks and start > 0:
            # the character before a run of marks is its base (not a mark: runs are longest);
            # a single there was found on its own and is taken into the cluster
            if found and found[-1][1] == start:
                found[-1] = (found[-1][0], end)
                continue
            start -= 1
        found.append((start, end))
    return found


def normalise(source: SourceText) -> Text:
    from kg.symbols import find_symbols

    nfc, runs = _nfc(source.raw)
    moved, moved_runs, footnotes, body_end = move_footnotes(nfc)
    runs = compose(moved_runs, runs)

    joined, joined_runs = join_lines(moved, body_end)
    runs = compose(joined_runs, runs)
    footnotes = _remap(footnotes, joined_runs)
    body_end = _forward(joined_runs, body_end)

    # an issuer code glued to the next word (`CTr/TUlà`): the symbol grammar knows where it ends
    symbols = find_symbols(joined)
    edits = [
        (s.end, s.end, " ") for s in symbols if s.end < len(joined) and joined[s.end].isalpha()
    ]
    spaced, spaced_runs = apply_replacements(joined, edits)
    if edits:
        symbols = find_symbols(spaced)  # else the text is unchanged, and so are its symbols
    protected = [(s.start, s.end) for s in symbols]
    separated, glue_runs = separate_glued_words(spaced, protected)
    step_runs = compose(glue_runs, spaced_runs)
    runs = compose(step_runs, runs)
    footnotes = _remap(footnotes, step_runs)
    body_end = _forward(step_runs, body_end)
    return Text(
        file_name=source.file_name,
        sha256=source.sha256,
        text=separated,
        folded=fold(separated),
        runs=OffsetRuns(runs),  # the run tuples straight into arrays: no model a run
        footnotes=footnotes,
        body_end=body_end,
        encoding=source.encoding,
        pages=list(source.pages),
    )


class _Forward:
    """Where offsets of a step's input land in its output. The steps this serves (joining lines,
    separating words) keep the text's order, so copy runs are sorted by source offset and one
    bisection finds the run covering an offset."""

    def __init__(self, runs: list[Run]) -> None:
        self.runs = runs
        self.copies = [run for run in runs if run[2]]
        self.origins = [orig for _, orig, _ in self.copies]

    def __call__(self, old_offset: int) -> int:
        index = bisect.bisect_right(self.origins, old_offset) - 1
        if index >= 0:
            norm, orig, length = self.copies[index]
            if old_offset < orig + length:
                return norm + (old_offset - orig)
            # in a gap the step removed: land right after the copy that precedes it
            return norm + length
        return self.copies[0][0] if self.copies else 0


def _forward(runs: list[Run], old_offset: int) -> int:
    return _Forward(runs)(old_offset)


def _remap(footnotes: list[Footnote], runs: list[Run]) -> list[Footnote]:
    forward = _Forward(runs)
    return [
        Footnote(
            number=f.number,
            anchor=forward(f.anchor),
            body=Span(start=forward(f.body.start), end=forward(f.body.end)),
        )
        for f in footnotes
    ]
