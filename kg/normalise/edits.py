"""Rewriting a string piece by piece while keeping a map back to the positions it came from.

Every normalisation step is a list of pieces: copies of stretches of its input (in any order,
which is how footnotes move) and inserted strings. The map is kept as runs (OffsetRun), so a
100 kB file costs a few hundred runs, not a list of 100,000 integers.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from kg.models import OffsetRun


@dataclass
class PieceBuilder:
    """Builds an output string from copies of `source` and inserted text."""

    source: str
    _parts: list[str] = field(default_factory=list)
    _runs: list[OffsetRun] = field(default_factory=list)
    _length: int = 0

    def copy(self, start: int, end: int) -> None:
        if end <= start:
            return
        self._parts.append(self.source[start:end])
        self._runs.append(OffsetRun(norm=self._length, orig=start, length=end - start))
        self._length += end - start

    def insert(self, text: str, at_source: int) -> None:
        """Add text that is not in the source; it maps to source position `at_source`."""
        if not text:
            return
        self._parts.append(text)
        self._runs.append(OffsetRun(norm=self._length, orig=at_source, length=0))
        self._length += len(text)

    @property
    def position(self) -> int:
        return self._length

    def build(self) -> tuple[str, list[OffsetRun]]:
        return "".join(self._parts), self._runs


def apply_replacements(
    source: str, edits: list[tuple[int, int, str]]
) -> tuple[str, list[OffsetRun]]:
    """Replace each (start, end) of `source` by its string; edits must not overlap."""
    builder = PieceBuilder(source)
    cursor = 0
    for start, end, replacement in sorted(edits):
        if start < cursor:
            continue  # overlapping edit: the first one wins
        builder.copy(cursor, start)
        if replacement:
            builder.insert(replacement, start)
        cursor = end
    builder.copy(cursor, len(source))
    return builder.build()


def identity_runs(length: int) -> list[OffsetRun]:
    return [OffsetRun(norm=0, orig=0, length=length)] if length else []


def compose(outer: list[OffsetRun], inner: list[OffsetRun]) -> list[OffsetRun]:
    """Runs of outer∘inner: `outer` maps C -> B, `inner` maps B -> A; the result maps C -> A."""
    inner_starts = [run.norm for run in inner]
    result: list[OffsetRun] = []
    for run in outer:
        if run.length == 0:
            result.append(
                OffsetRun(norm=run.norm, orig=_map(inner, inner_starts, run.orig), length=0)
            )
            continue
        # split this copy where the inner runs change
        position, remaining, source = run.norm, run.length, run.orig
        while remaining > 0:
            index = bisect.bisect_right(inner_starts, source) - 1
            if index < 0:
                index = 0
            inner_run = inner[index]
            offset_in = source - inner_run.norm
            available = inner_run.length - offset_in
            if inner_run.length == 0 or available <= 0:
                # source points into inserted text of the inner step: map to its anchor
                take = 1
                result.append(OffsetRun(norm=position, orig=inner_run.orig, length=0))
            else:
                take = min(remaining, available)
                result.append(
                    OffsetRun(norm=position, orig=inner_run.orig + offset_in, length=take)
                )
            position += take
            source += take
            remaining -= take
    return _merge(result)


def _map(runs: list[OffsetRun], starts: list[int], offset: int) -> int:
    index = bisect.bisect_right(starts, offset) - 1
    if index < 0:
        return runs[0].orig if runs else 0
    run = runs[index]
    return run.orig + min(offset - run.norm, run.length)


def _merge(runs: list[OffsetRun]) -> list[OffsetRun]:
    merged: list[OffsetRun] = []
    for run in runs:
        if merged:
            last = merged[-1]
            if (
                last.length
                and run.length
                and last.norm + last.length == run.norm
                and last.orig + last.length == run.orig
            ):
                merged[-1] = OffsetRun(
                    norm=last.norm, orig=last.orig, length=last.length + run.length
                )
                continue
        merged.append(run)
    return merged
