"""Rewriting a string piece by piece while keeping a map back to the positions it came from.

Every normalisation step is a list of pieces: copies of stretches of its input (in any order,
which is how footnotes move) and inserted strings. The map is kept as runs, so a 100 kB file
costs a few hundred runs, not a list of 100,000 integers. While the steps run, a run is a plain
`(norm, orig, length)` tuple: a text's steps make tens of thousands of them, and an OffsetRun
model costs a validation each; `offset_runs` makes the models once, for the composed map.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from kg.models import OffsetRun

Run = tuple[int, int, int]  # (norm, orig, length), as in OffsetRun


@dataclass
class PieceBuilder:
    """Builds an output string from copies of `source` and inserted text."""

    source: str
    _parts: list[str] = field(default_factory=list)
    _runs: list[Run] = field(default_factory=list)
    _length: int = 0

    def copy(self, start: int, end: int) -> None:
        if end <= start:
            return
        self._parts.append(self.source[start:end])
        self._runs.append((self._length, start, end - start))
        self._length += end - start

    def insert(self, text: str, at_source: int) -> None:
        """Add text that is not in the source; it maps to source position `at_source`."""
        if not text:
            return
        self._parts.append(text)
        self._runs.append((self._length, at_source, 0))
        self._length += len(text)

    @property
    def position(self) -> int:
        return self._length

    def build(self) -> tuple[str, list[Run]]:
        return "".join(self._parts), self._runs


def apply_replacements(source: str, edits: list[tuple[int, int, str]]) -> tuple[str, list[Run]]:
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


def identity_runs(length: int) -> list[Run]:
    return [(0, 0, length)] if length else []


def offset_runs(runs: list[Run]) -> list[OffsetRun]:
    return [OffsetRun(norm=norm, orig=orig, length=length) for norm, orig, length in runs]


def compose(outer: list[Run], inner: list[Run]) -> list[Run]:
    """Runs of outer∘inner: `outer` maps C -> B, `inner` maps B -> A; the result maps C -> A."""
    inner_starts = [norm for norm, _, _ in inner]
    result: list[Run] = []
    for norm, orig, length in outer:
        if length == 0:
            result.append((norm, _map(inner, inner_starts, orig), 0))
            continue
        # split this copy where the inner runs change
        position, remaining, source = norm, length, orig
        while remaining > 0:
            index = bisect.bisect_right(inner_starts, source) - 1
            if index < 0:
                index = 0
            inner_norm, inner_orig, inner_length = inner[index]
            offset_in = source - inner_norm
            available = inner_length - offset_in
            if inner_length == 0 or available <= 0:
                # source points into inserted text of the inner step: map to its anchor
                take = 1
                result.append((position, inner_orig, 0))
            else:
                take = min(remaining, available)
                result.append((position, inner_orig + offset_in, take))
            position += take
            source += take
            remaining -= take
    return _merge(result)


def _map(runs: list[Run], starts: list[int], offset: int) -> int:
    index = bisect.bisect_right(starts, offset) - 1
    if index < 0:
        return runs[0][1] if runs else 0
    norm, orig, length = runs[index]
    return orig + min(offset - norm, length)


def _merge(runs: list[Run]) -> list[Run]:
    merged: list[Run] = []
    for run in runs:
        if merged:
            last_norm, last_orig, last_length = merged[-1]
            norm, orig, length = run
            if (
                last_length
                and length
                and last_norm + last_length == norm
                and last_orig + last_length == orig
            ):
                merged[-1] = (last_norm, last_orig, last_length + length)
                continue
        merged.append(run)
    return merged
