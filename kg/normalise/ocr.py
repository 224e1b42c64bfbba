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

import itertools
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


def last_word_spellings(phrase: str) -> frozenset[str]:
    """Every string the last word of `tolerant(phrase)` matches (its letters' OCR spellings
    included)."""
    letters: list[tuple[str, ...]] = []
    for atom in reversed(_atoms(phrase)):
        if atom.options is None:
            break
        letters.append(atom.options)
    letters.reverse()
    return frozenset("".join(spelling) for spelling in itertools.product(*letters))


def first_characters(phrases: Iterable[str]) -> frozenset[str] | None:
    """The characters `tolerant(phrase)` can start with, for all the phrases; None when one
    starts with white space (it can start anywhere)."""
    found: set[str] = set()
    for phrase in phrases:
        atoms = _atoms(phrase)
        if not atoms:
            continue
        if atoms[0].options is None:
            return None
        found.update(option[0] for option in atoms[0].options)
    return frozenset(found)


@dataclass
class _Node:
    children: dict[_Atom, _Node] = field(default_factory=dict)
    terminal: bool = False


_WORD_END = "(?![\\w])"


def _render(node: _Node, word_end: bool) -> str:
    branches = [atom.regex + _render(child, word_end) for atom, child in node.children.items()]
    if not branches:
        return _WORD_END if word_end else ""
    if node.terminal:
        if word_end:  # a phrase ends here if no word character follows
            return f"(?:{'|'.join([*branches, _WORD_END])})"
        return f"(?:{'|'.join(branches)})?"
    return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"


@cache
def _trie(phrases: tuple[str, ...], word_start: bool, word_end: bool) -> str:
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
        rest = _render(child, word_end)
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


def tolerant_trie(
    phrases: Iterable[str], *, word_start: bool = False, word_end: bool = False
) -> str:
    """A regex matching what `tolerant_any(phrases)` matches, written as a prefix trie.

    Its branch order is not longest first, so at a position it may stop at a shorter phrase:
    it is for finding where matches start (see `prefiltered_finditer`), not which one.
    `word_start` requires no word character before the match, as `(?<![\\w])` would;
    `word_end` requires none after the phrase, as `(?![\\w])` would (so `đã` does not start
    where `đang` does)."""
    return _trie(tuple(sorted(set(phrases))), word_start, word_end)


def _openings(phrase: str) -> set[str] | None:
    """What a match of `tolerant(phrase)` starts with: its first two characters, or its first
    alone where anything may follow (white space, the phrase's end); None when it starts with
    white space."""
    atoms = _atoms(phrase)
    if not atoms or atoms[0].options is None:
        return None
    following = atoms[1].options if len(atoms) > 1 else None
    openings: set[str] = set()
    for option in atoms[0].options:
        if len(option) >= 2:
            openings.add(option[:2])
        elif following is None:
            openings.add(option)
        else:
            openings.update(option + after[0] for after in following)
    return openings


_WORD_RUN = re.compile(r"\w+")


def _first_words(phrase: str) -> set[str] | None:
    """Every spelling of the first word of `tolerant(phrase)`; None when it starts with white
    space or its first word has a character that is not a word character."""
    letters: list[tuple[str, ...]] = []
    for atom in _atoms(phrase):
        if atom.options is None:
            break
        letters.append(atom.options)
    spellings = {"".join(spelling) for spelling in itertools.product(*letters)} if letters else {""}
    return spellings if all(_WORD_RUN.fullmatch(s) for s in spellings) else None


class TrieScan:
    """Where each of several phrase lists can start in a text, from one scan for all of them.

    `positions(text)[name]` lists every position where `tolerant_trie(phrases, word_start=…,
    word_end=…)` of that list matches. A scan with a trie costs about the same whatever its
    phrases (the engine stops at every letter a phrase can start with), so the trie of all the
    lists is scanned for once, and each place it matches is tried with the lists that have a
    phrase starting there: one whose first word is the word there (for whole words), or whose
    first two letters are those there.
    """

    def __init__(self, members: dict[str, list[str]], *, word_start: bool, word_end: bool) -> None:
        self.names = list(members)
        phrases = {name: sorted(set(words)) for name, words in members.items()}

        def trie(words: list[str]) -> re.Pattern[str]:
            return re.compile(tolerant_trie(words, word_start=word_start, word_end=word_end))

        # a trie of no phrases would match everywhere: a list with none is never tried
        self._tries = {name: trie(words) for name, words in phrases.items() if words}
        every = sorted({word for words in phrases.values() for word in words})
        self._union = trie(every) if every else None
        # whole words: a phrase's first word is the whole word where it matches (white space
        # or, for one word, the phrase's end follows it)
        key = _first_words if word_start and word_end else _openings
        self._by_word = word_start and word_end
        anywhere: list[str] = []  # lists with a phrase no key tells: tried everywhere
        by_key: dict[str, list[str]] = {}
        for name in self._tries:
            keys = [key(phrase) for phrase in phrases[name]]
            if any(found is None for found in keys):
                anywhere.append(name)
                continue
            for found in set().union(*keys):
                by_key.setdefault(found, []).append(name)
        self._anywhere = tuple(anywhere)
        # an opening of one character: anything may follow it, so it goes with every pair
        self._by_key = {
            found: tuple(
                dict.fromkeys(
                    [*names, *(by_key.get(found[0], []) if len(found) == 2 else []), *anywhere]
                )
            )
            for found, names in by_key.items()
        }

    def _members_at(self, text: str, start: int) -> tuple[str, ...]:
        if self._by_word:
            word = _WORD_RUN.match(text, start)
            return self._by_key.get(word.group() if word else "", self._anywhere)
        return self._by_key.get(text[start : start + 2]) or self._by_key.get(
            text[start], self._anywhere
        )

    def positions(self, text: str) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {name: [] for name in self.names}
        if self._union is None:
            return found
        search, tries, members_at = self._union.search, self._tries, self._members_at
        position = 0
        while (hit := search(text, position)) is not None:
            start = hit.start()
            members = members_at(text, start)
            last = len(members) - 1
            matched = False
            for index, name in enumerate(members):
                # a phrase of one of them matched here: if none of the others did, the last
                # one's did, and needs no trying
                if (index == last and not matched) or tries[name].match(text, start):
                    found[name].append(start)
                    matched = True
            position = start + 1
        return found


def finditer_at(
    pattern: re.Pattern[str], positions: Iterable[int], text: str
) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)`, match for match, tried only at `positions` (sorted; every
    position where `pattern` matches must be among them): `prefiltered_finditer` with the
    places `starts` matches found beforehand (see `TrieScan`)."""
    position = 0
    for start in positions:
        if start < position:
            continue
        match = pattern.match(text, start)
        if match is None:
            continue
        if match.end() == start:
            # finditer's rules after an empty match are its own: let it go on from here
            yield from (m for m in pattern.finditer(text) if m.start() >= start)
            return
        yield match
        position = match.end()


def _starts(starts: re.Pattern[str], text: str) -> Iterator[int]:
    """Every position where `starts` matches, in order (overlapping matches included)."""
    position = 0
    while (hit := starts.search(text, position)) is not None:
        yield hit.start()
        position = hit.start() + 1


def prefiltered_finditer(
    pattern: re.Pattern[str], starts: re.Pattern[str], text: str
) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)`, match for match, tried only where `starts` finds a match.

    `starts` must match wherever `pattern` does (it may match elsewhere too); being cheap to
    search, it skips the stretches where `pattern` would fail at every position."""
    return finditer_at(pattern, _starts(starts, text), text)
