"""Agencies: gazetteer names and aliases, then generic `Head + Name` patterns (`Sở Y tế`).

Matching runs on the folded text with OCR-tolerant patterns, so `UBND tỉnh`, `Uy ban nhan dan
tinh` and `Uy ban nhan dan tinh` (OCR) are one agency; the mention keeps the surface form, and
`canonical` is the gazetteer name when there is one. A generic name is a capitalised head
(`Sở`, `Ban`, `Báo`…) followed by a capitalised name; it ends at a stop word, at punctuation,
or where a new head starts (`Báo X, Báo Y, Đài Z` are three agencies).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from kg.extract.gazetteer_starts import word_starts
from kg.lexicon import lexicon, load_toml
from kg.models import AgencyMention, Analysis, Span, Text
from kg.normalise.fold import fold, fold_words
from kg.normalise.ocr import (
    finditer_at,
    tolerant,
    tolerant_any,
)

MAX_NAME_WORDS = 12
MAX_LOWER_RUN = 3


@dataclass(frozen=True)
class AgencyEntry:
    name: str
    aliases: tuple[str, ...]
    scope: str


@dataclass(frozen=True)
class AgencyMatch:
    span: Span
    surface: str
    canonical: str | None
    scope: str


@dataclass(frozen=True)
class _Rules:
    by_group: dict[str, AgencyEntry]
    known: re.Pattern[str]
    steering: re.Pattern[str]
    head: re.Pattern[str]
    # the phrases `known`, `steering` and `head` start with (for `word_starts`)
    known_phrases: list[str]
    steering_phrases: list[str]
    head_phrases: list[str]
    lower_ok: re.Pattern[str]
    stops: frozenset[str]
    not_names: re.Pattern[str]


@cache
def _rules() -> _Rules:
    data = load_toml("agencies.toml")
    forms: dict[str, AgencyEntry] = {}
    for row in data["agency"]:
        entry = AgencyEntry(row["name"], tuple(row.get("aliases", [])), row["scope"])
        for form in (entry.name, *entry.aliases):
            forms.setdefault(form, entry)
    ordered = sorted(forms, key=lambda f: (-len(fold_words(f)), f))
    by_group = {f"a{index}": forms[form] for index, form in enumerate(ordered)}
    groups = "|".join(f"(?P<a{index}>{tolerant(form)})" for index, form in enumerate(ordered))
    provinces = [p for name, aliases in lexicon().provinces.items() for p in (name, *aliases)]
    province = tolerant_any(provinces)
    known = re.compile(rf"(?<![\w])(?:{groups})(?P<place>\s+(?:tinh\s+)?(?:{province}))?(?![\w])")
    patterns = data["patterns"]
    steering_words = tolerant_any(patterns["steering"])
    # `Ban Chỉ đạo [Trung ương] về X[ tỉnh Cao Bằng]`: X runs to the next `về`, a verb, or the end
    steering = re.compile(
        rf"(?<![\w])(?:{steering_words})(?:\s+trung\s+uong)?\s+ve\s+[^;.()\n]*?"
        rf"(?:\s+tinh\s+(?:{province})(?![\w])|"
        rf"(?=\s+ve\s|\s+(?:trien khai|thuc hien|ban hanh|da|la)\s|[;.()\n]|$))"
    )
    head = re.compile(rf"(?<![\w])(?:{tolerant_any(patterns['heads'])})(?= )")
    lower_ok = re.compile(rf"(?:{tolerant_any(patterns.get('lower_ok', []))})\Z")
    not_names = re.compile(rf"(?<![\w])(?:{tolerant_any(patterns.get('not_names', []))})(?![\w])")
    stops = frozenset(fold_words(w) for w in patterns["stop_words"])
    return _Rules(
        by_group=by_group,
        known=known,
        steering=steering,
        head=head,
        known_phrases=ordered,
        steering_phrases=patterns["steering"],
        head_phrases=patterns["heads"],
        lower_ok=lower_ok,
        stops=stops,
        not_names=not_names,
    )


_TOKEN = re.compile(r"[ ]?(,|[^\s,;.:()]+)")


def _accented(text: Text) -> bool:
    """Does the text keep its diacritics? Stop words are then compared with their marks, since
    folding makes `giáo` (in `Tuyên giáo`) the stop word `giao`."""
    return _accented_raw(text.text)


@lru_cache(maxsize=8)  # asked once per extract and once per `của` after a symbol
def _accented_raw(raw: str) -> bool:
    sample = raw[:20000]
    letters = sum(map(str.isalpha, sample))
    # the letters that are not ASCII carry marks: count the ASCII ones in one C pass
    ascii_letters = len(sample.encode("ascii", "ignore").translate(None, _ASCII_NOT_LETTERS))
    return (letters - ascii_letters) / (letters or 1) > 0.08


_ASCII_NOT_LETTERS = bytes(code for code in range(128) if not chr(code).isalpha())


@cache
def _stop_words_accented() -> frozenset[str]:
    return frozenset(w.lower() for w in load_toml("agencies.toml")["patterns"]["stop_words"])


@cache
def _heads_accented() -> frozenset[str]:
    return frozenset(h.lower() for h in load_toml("agencies.toml")["patterns"]["heads"])


def _is_stop(word: str, pair: str, accented: bool) -> bool:
    if accented:
        stops = _stop_words_accented()
        return word.lower() in stops or pair.lower() in stops
    stops = _rules().stops
    return fold(word) in stops or fold_words(pair) in stops


def _generic_at(
    text: Text, position: int, accented: bool, head: re.Match[str] | None = None
) -> Span | None:
    """`Head Name…`: the name is capitalised words, each followed by at most three lower-case
    words, joined by `,`, `-` or `và`; it ends at a stop word, punctuation or a new head.
    `head` is `rules.head`'s match at `position` when the caller has it already."""
    rules = _rules()
    if not text.text[position : position + 1].isupper():
        return None  # most heads are common words (`sở`, `ban`): decided before any matching
    if head is None:
        head = rules.head.match(text.folded, position)
    if not head:
        return None
    written = text.text[position : head.end()]
    if written.isupper() and len(written) > 1:
        return None  # an all-capitals heading, not a name
    if accented and written.lower() not in _heads_accented():
        return None  # `Bảo Lạc` is not `Báo …`: with marks kept, the head must match with them
    raw = text.text
    lower_first = bool(rules.lower_ok.search(text.folded, position, head.end()))
    cursor, end, lower_run, words = head.end(), None, 0, 0
    while words < MAX_NAME_WORDS:
        token = _TOKEN.match(raw, cursor)
        if not token:
            break
        word = token.group(1)
        if _is_stop(word, f"{word} {_next_word(raw, token.end())}", accented):
            break
        if end is not None and rules.head.match(text.folded, token.start(1)) and word[:1].isupper():
            break  # a new head starts a new agency
        if word in (",", "và", "va", "-", "–"):
            following = _TOKEN.match(raw, token.end())
            if not following or not following.group(1)[:1].isupper():
                break
            if rules.head.match(text.folded, following.start(1)):
                break  # `Báo X, Báo Y`: an enumeration, not one name
        elif word[:1].isupper() or word.isupper() or (word[:1].isdigit() and end is not None):
            lower_run = 0
            end = token.end()
        else:
            lower_run += 1
            if lower_run > MAX_LOWER_RUN or (end is None and not lower_first):
                break
            end = token.end()
        cursor = token.end()
        words += 1
    if end is None:
        return None
    span = Span(start=position, end=end)
    if rules.not_names.match(text.folded, span.start, span.end + 1):
        return None
    return span


def _next_word(text: str, position: int) -> str:
    token = _TOKEN.match(text, position)
    return token.group(1) if token else ""


def match_at(text: Text, position: int) -> AgencyMatch | None:
    """The agency named right at `position` (after `của`), if any."""
    rules = _rules()
    for pattern in (rules.steering, rules.known):
        match = pattern.match(text.folded, position)
        if match:
            return _to_match(text, match)
    span = _generic_at(text, position, _accented(text))
    return _generic_match(text, span) if span else None


def _to_match(text: Text, match: re.Match[str]) -> AgencyMatch:
    entry = _rules().by_group.get(match.lastgroup or "") if match.lastgroup else None
    if entry is None:  # the last group was the place after the name: find the name's
        groups = match.groupdict()
        entry = next((e for g, e in _rules().by_group.items() if groups.get(g)), None)
    surface = text.text[match.start() : match.end()]
    return AgencyMatch(
        span=Span(start=match.start(), end=match.end()),
        surface=surface,
        canonical=entry.name if entry else None,
        scope=entry.scope if entry else _scope_of(surface),
    )


def _generic_match(text: Text, span: Span) -> AgencyMatch:
    surface = text.text[span.start : span.end]
    return AgencyMatch(span=span, surface=surface, canonical=None, scope=_scope_of(surface))


def _scope_of(surface: str) -> str:
    words = fold_words(surface).split()
    local = {"tinh", "huyen", "xa", "phuong", "thanh pho"}
    return "local" if local & set(words) or words[-1:] == ["uy"] else "central"


# the shared scan (`kg.extract.gazetteer_starts`) for this module's phrases: whole words
STARTS = "word"


def start_phrases() -> dict[str, list[str]]:
    """The phrase lists whose starts `word_starts` finds for this module."""
    rules = _rules()
    return {
        "agencies.known": rules.known_phrases,
        "agencies.steering": rules.steering_phrases,
        "agencies.heads": rules.head_phrases,
    }


def extract(analysis: Analysis) -> list[AgencyMention]:
    rules = _rules()
    text = analysis.text
    accented = _accented(text)
    found: dict[tuple[int, int], AgencyMention] = {}
    taken = bytearray(len(text.text) + 1)  # characters already inside an agency name

    def add(match: AgencyMatch) -> None:
        key = (match.span.start, match.span.end)
        if any(taken[key[0] : key[1]]):
            return
        taken[key[0] : key[1]] = b"\x01" * (key[1] - key[0])
        found[key] = AgencyMention(
            span=match.span, name=match.surface, canonical=match.canonical, code=match.scope
        )

    starts = word_starts(text.folded)
    for m in finditer_at(rules.steering, starts["agencies.steering"], text.folded):
        add(_to_match(text, m))
    for m in finditer_at(rules.known, starts["agencies.known"], text.folded):
        if text.text[m.start()].isupper() or text.text[m.start() : m.start() + 4].isupper():
            add(_to_match(text, m))
    for m in finditer_at(rules.head, starts["agencies.heads"], text.folded):
        span = _generic_at(text, m.start(), accented, m)
        if span:
            add(_generic_match(text, span))
    return [found[key] for key in sorted(found)]
