"""Patterns that read clean, unaccented and OCR-damaged Vietnamese alike.

`tolerant("cửa khẩu")` is a regex over the folded text (see fold.py) that matches `cua khau`,
`ctra khau` and `cira khau`: each letter with a horn, breve, circumflex or stroke accepts what
OCR makes of it (`kg/lexicon/ocr.toml`). The phrase is written with its diacritics, which is
what tells where those letters are. Matches are spans of the folded text, so offsets are those
of the real text.

Scanning a long text with an alternation of many phrases is slow in Python's regex engine: at
every position it enters every branch. `tolerant_trie` writes the same phrases as a prefix trie
dispatched on the first letter, and `prefiltered_finditer` uses such a pattern to find where
matches can start, so the exact (longest-first, named-group) pattern only runs there.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache

_MARKS = {"\u031b": "horn", "\u0306": "breve", "\u0302": "circumflex"}
_WHITESPACE = r"\s+"


@cache
def _families() -> dict[str, list[str]]:
    from kg.lexicon import load_toml

    return load_toml("ocr.toml")["families"]


def _family(ch: str) -> str | None:
    if ch in "đĐ":
        return "d-stroke"
    decomposed = unicodedata.normalize("NFD", ch.lower())
    for mark, name in _MARKS.items():
        if mark in decomposed:
            return f"{decomposed[0]}-{name}"
    return None


def _base(ch: str) -> str:
    return unicodedata.normalize("NFD", ch.lower())[0] if ch not in "đĐ" else "d"


@dataclass(frozen=True)
class _Atom:
    """One letter of a phrase as a regex, with the strings it matches (none for white space)."""

    regex: str
    options: tuple[str, ...] | None


@cache
def _atoms(phrase: str) -> tuple[_Atom, ...]:
    atoms: list[_Atom] = []
    for ch in phrase:
        if ch.isspace():
            if not atoms or atoms[-1].options is not None:
                atoms.append(_Atom(_WHITESPACE, None))
            continue
        family = _family(ch)
        variants = _families().get(family, []) if family else []
        if variants:
            options = sorted(set(variants) | {_base(ch)}, key=lambda v: (-len(v), v))
            singles = [v for v in options if len(v) == 1]
            longer = [re.escape(v) for v in options if len(v) > 1]
            alternatives = [*longer, f"[{''.join(singles)}]"] if singles else longer
            atoms.append(_Atom(f"(?:{'|'.join(alternatives)})", tuple(options)))
        else:
            atoms.append(_Atom(re.escape(_base(ch)), (_base(ch),)))
    return tuple(atoms)


@cache
def tolerant(phrase: str) -> str:
    """A regex (no groups) over the folded text matching `phrase` clean, unaccented or OCR'd."""
    return "".join(atom.regex for atom in _atoms(phrase))


def tolerant_any(phrases: list[str]) -> str:
    """Tolerant phrases as one alternation, longest first (`triển khai thực hiện` first)."""
    ordered = sorted(set(phrases), key=lambda p: (-len(p), p))
    return "|".join(tolerant(p) for p in ordered)


@dataclass
class _Node:
    children: dict[_Atom, _Node] = field(default_factory=dict)
    terminal: bool = False


def _render(node: _Node) -> str:
    branches = [atom.regex + _render(child) for atom, child in node.children.items()]
    if not branches:
        return ""
    if node.terminal:
        return f"(?:{'|'.join(branches)})?"
    return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"


@cache
def _trie(phrases: tuple[str, ...], word_start: bool) -> str:
    root = _Node()
    for phrase in phrases:
        node = root
        for atom in _atoms(phrase):
            node = node.children.setdefault(atom, _Node())
        node.terminal = True
    if root.terminal:
        raise ValueError("an empty phrase matches everywhere")
    # Dispatch on the first character: every branch then starts with a literal, which the
    # engine skips at a glance where it does not fit, and which lets it scan for the letters
    # that can start a match instead of trying every position.
    by_first: dict[str, list[str]] = {}
    branches: list[str] = []
    for atom, child in root.children.items():
        rest = _render(child)
        if atom.options is None:  # a phrase starting with white space
            branches.append(("(?<![\\w])" if word_start else "") + atom.regex + rest)
            continue
        for option in atom.options:
            by_first.setdefault(option[0], []).append(re.escape(option[1:]) + rest)
    for first, tails in by_first.items():
        # `(?<![\w]x)` after the letter x is `(?<![\w])` before it, kept out of the way of the scan
        guard = f"(?<![\\w]{re.escape(first)})" if word_start else ""
        tail = tails[0] if len(tails) == 1 else f"(?:{'|'.join(tails)})"
        branches.append(re.escape(first) + guard + tail)
    if not branches:
        return ""  # no phrases: an alternation of none matches the empty string everywhere
    return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"


def tolerant_trie(phrases: Iterable[str], *, word_start: bool = False) -> str:
    """A regex matching what `tolerant_any(phrases)` matches, written as a prefix trie.

    Its branch order is not longest first, so at a position it may stop at a shorter phrase:
    it is for finding where matches start (see `prefiltered_finditer`), not which one.
    `word_start` requires no word character before the match, as `(?<![\\w])` would."""
    return _trie(tuple(sorted(set(phrases))), word_start)


def prefiltered_finditer(
    pattern: re.Pattern[str], starts: re.Pattern[str], text: str
) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)`, match for match, tried only where `starts` finds a match.

    `starts` must match wherever `pattern` does (it may match elsewhere too); being cheap to
    search, it skips the stretches where `pattern` would fail at every position."""
    position = 0
    while True:
        hit = starts.search(text, position)
        if hit is None:
            return
        match = pattern.match(text, hit.start())
        if match is None:
            position = hit.start() + 1
            continue
        if match.end() == match.start():
            # finditer's rules after an empty match are its own: let it go on from here
            yield from (m for m in pattern.finditer(text) if m.start() >= match.start())
            return
        yield match
        position = match.end()
