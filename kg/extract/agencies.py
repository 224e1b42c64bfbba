"""Agencies: gazetteer names and aliases, then generic `Head + Name` patterns (`Sở Y tế`).

Matching runs on the folded text (case and diacritics ignored); the mention keeps the surface
form, and `canonical` is the gazetteer name when there is one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from kg.lexicon import lexicon, load_toml
from kg.models import AgencyMention, Analysis, Span, Text
from kg.normalise.fold import fold_words


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


def _words(pattern_words: str) -> str:
    return r"\s+".join(re.escape(w) for w in fold_words(pattern_words).split())


@cache
def _gazetteer() -> tuple[dict[str, AgencyEntry], re.Pattern[str], re.Pattern[str]]:
    data = load_toml("agencies.toml")
    by_form: dict[str, AgencyEntry] = {}
    for row in data["agency"]:
        entry = AgencyEntry(row["name"], tuple(row.get("aliases", [])), row["scope"])
        for form in (entry.name, *entry.aliases):
            by_form.setdefault(fold_words(form), entry)
    forms = sorted(by_form, key=len, reverse=True)
    provinces = sorted(
        {fold_words(p) for name, aliases in lexicon().provinces.items() for p in (name, *aliases)},
        key=len,
        reverse=True,
    )
    province = "|".join(_words(p) for p in provinces)
    known = re.compile(
        rf"(?<![\w])(?P<form>{'|'.join(_words(f) for f in forms)})"
        rf"(?P<place>\s+(?:tinh\s+)?(?:{province}))?(?![\w])"
    )
    steering = "|".join(_words(s) for s in data["patterns"]["steering"])
    # `Ban Chỉ đạo [Trung ương] về X[ tỉnh Cao Bằng]`: X runs to the next `về`, verb or clause end
    steering_re = re.compile(
        rf"(?<![\w])(?:{steering})(?:\s+trung\s+uong)?\s+ve\s+[^;.()\n]*?"
        rf"(?:\s+tinh\s+(?:{province})(?![\w])|"
        rf"(?=\s+ve\s|\s+(?:trien khai|thuc hien|ban hanh|da|la)\s|[;.()\n]|$))"
    )
    return by_form, known, steering_re


@cache
def _generic_rules() -> tuple[re.Pattern[str], frozenset[str]]:
    data = load_toml("agencies.toml")["patterns"]
    heads = sorted(data["heads"], key=len, reverse=True)
    head = re.compile(rf"(?<![\w])(?:{'|'.join(re.escape(h) for h in heads)})(?= )")
    return head, frozenset(data["stop_words"])


_TOKEN = re.compile(r"[ ]?(,|[^\s,;.:()]+)")


def _generic_at(text: str, position: int) -> Span | None:
    """`Head Name…` on the real text: the name is capitalised words, each followed by at most
    three lower-case words, joined by `,` or `và`; it stops at a stop word or punctuation."""
    head_re, stops = _generic_rules()
    head = head_re.match(text, position)
    if not head:
        return None
    cursor, end, lower_run, words = head.end(), None, 0, 0
    while words < 12:
        token = _TOKEN.match(text, cursor)
        if not token:
            break
        word = token.group(1)
        two = f"{word} {_next_word(text, token.end())}"
        if word.lower() in stops or two.lower() in stops:
            break
        if word == "," or word == "và":
            following = _TOKEN.match(text, token.end())
            if not following or not following.group(1)[:1].isupper():
                break
        elif word[:1].isupper() or word.isupper():
            lower_run = 0
            end = token.end()
        else:
            lower_run += 1
            if lower_run > 3 or end is None:
                break
            end = token.end()
        cursor = token.end()
        words += 1
    if end is None:
        return None
    return Span(start=position, end=end)


def _next_word(text: str, position: int) -> str:
    token = _TOKEN.match(text, position)
    return token.group(1) if token else ""


def match_at(text: Text, position: int) -> AgencyMatch | None:
    """The agency named right at `position` (after `của`), if any."""
    by_form, known, steering = _gazetteer()
    for pattern in (steering, known):
        match = pattern.match(text.folded, position)
        if match:
            return _to_match(text, match, by_form)
    span = _generic_at(text.text, position)
    if span:
        return _generic_match(text, span)
    return None


def _generic_match(text: Text, span: Span) -> AgencyMatch:
    surface = text.text[span.start : span.end]
    return AgencyMatch(
        span=span,
        surface=surface,
        canonical=None,
        scope="local" if " tỉnh" in surface or " Tỉnh" in surface else "central",
    )


def _to_match(text: Text, match: re.Match[str], by_form: dict[str, AgencyEntry]) -> AgencyMatch:
    form = match.groupdict().get("form")
    entry = by_form.get(" ".join(form.split())) if form else None
    surface = text.text[match.start() : match.end()]
    return AgencyMatch(
        span=Span(start=match.start(), end=match.end()),
        surface=surface,
        canonical=entry.name if entry else None,
        scope=entry.scope if entry else ("local" if " tinh" in match.group() else "central"),
    )


def extract(analysis: Analysis) -> list[AgencyMention]:
    by_form, known, steering = _gazetteer()
    head_re, _stops = _generic_rules()
    text = analysis.text
    found: dict[tuple[int, int], AgencyMention] = {}
    taken: list[tuple[int, int]] = []

    def add(match: AgencyMatch) -> None:
        key = (match.span.start, match.span.end)
        if any(s < key[1] and key[0] < e for s, e in taken):
            return
        taken.append(key)
        found[key] = AgencyMention(
            span=match.span, name=match.surface, canonical=match.canonical, code=match.scope
        )

    for m in steering.finditer(text.folded):
        add(_to_match(text, m, by_form))
    for m in known.finditer(text.folded):
        add(_to_match(text, m, by_form))
    for m in head_re.finditer(text.text):
        span = _generic_at(text.text, m.start())
        if span:
            add(_generic_match(text, span))
    return [found[key] for key in sorted(found)]
