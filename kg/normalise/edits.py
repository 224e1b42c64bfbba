"""Rewriting a string piece by piece while keeping a map back to the positions it came from.

Every normalisation step is a list of pieces: copies of stretches of its input (in any order,
which is how footnotes move) and inserted strings. The map is kept as runs, so a 100 kB file
costs a few hundred runs, not a list of 100,000 integers. While the steps run, a run is a plain
`(norm, orig, length)` tuple: a text's steps make tens of thousands of them, and an OffsetRun
model costs a validation each; the composed map goes into `Text.runs` as arrays of integers.
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
    last_index = len(inner) - 1
    result: list[Run] = []
    append = result.append
    for norm, orig, length in outer:
        if length == 0:
            append((norm, _map(inner, inner_starts, orig), 0))
            continue
        # split this copy where the inner runs change; inner runs are sorted by `norm`, so
        # after one bisection the run covering the next piece is this one or a later one
        position, remaining, source = norm, length, orig
        index = max(bisect.bisect_right(inner_starts, source) - 1, 0)
        while remaining > 0:
            while index < last_index and inner_starts[index + 1] <= source:
                index += 1
            inner_norm, inner_orig, inner_length = inner[index]
            offset_in = source - inner_norm
            available = inner_length - offset_in
            if inner_length == 0 or available <= 0:
                # source points into inserted text of the inner step: map to its anchor
                take = 1
                append((position, inner_orig, 0))
            else:
                take = remaining if remaining < available else available
                mapped = inner_orig + offset_in
                # merged as they come: a copy that goes on from the copy before joins it
                last_norm, last_orig, last_length = result[-1] if result else (0, 0, 0)
                if (
                    last_length
                    and last_norm + last_length == position
                    and last_orig + last_length == mapped
                ):
                    result[-1] = (last_norm, last_orig, last_length + take)
                else:
                    append((position, mapped, take))
            position += take
            source += take
            remaining -= take
    return result


def _map(runs: list[Run], starts: list[int], offset: int) -> int:
    index = bisect.bisect_right(starts, offset) - 1
    if index < 0:
        return runs[0][1] if runs else 0
    norm, orig, length = runs[index]
    return orig + min(offset - norm, length)
