"""Border gates: `cửa khẩu quốc tế Trà Lĩnh`, `lối thông quan Nà Đoỏng (Việt Nam) - Nà Ráy
(Trung Quốc)`, `Khu cảnh quan Thác Bản Giốc (Việt Nam) - Đức Thiên (Trung Quốc)`.

Rules, matched on the folded text with OCR-tolerant words (`ctra khau qudc té Tra Linh`), names
read on the real text so offsets are the file's:
1. A head (`cửa khẩu`, `cặp cửa khẩu`, `lối mở`, `lối thông quan`, `khu cảnh quan`), its level
   words (`quốc tế`, `chính`, `song phương`, `phụ`) and filler words (`vận chuyển hàng hóa`), then a
   name: a gazetteer name, or capitalised words (so gates the gazetteer lacks are found). After
   the name, a pair `(Việt Nam) - Long Bang (Trung Quốc)` gives the counterpart, and `, Z` / `và Z`
   continue a list with the same level (`các cửa khẩu quốc tế Trà Lĩnh, Tà Lùng`).
2. A gazetteer name followed by `(Việt Nam) - Y` with no head right before it (`Khu cảnh quan
   theo Hiệp định … thác Bản Giốc (Việt Nam) - Đức Thiên (Trung Quốc)`): the level is that of the
   nearest head earlier in the sentence that named nothing, else the gazetteer's.
3. Upgrades: a gate, or a chain of gates joined by `,` / `và`, followed by `[được nâng cấp]
   lên/thành cửa khẩu quốc tế` takes that level.
The level a text states wins; the gazetteer's is the fallback, then the level the same file
states for the same name elsewhere. `kinh tế cửa khẩu`, `Khu kinh tế cửa khẩu` and a head with
no name are not gates. Names come out with their diacritics: the gazetteer's canonical name, or
the best-spelled variant the file shows.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache

from kg.extract.gazetteer_starts import phrase_starts
from kg.lexicon import lexicon, load_toml
from kg.models import Analysis, BorderGateMention, Span
from kg.normalise.fold import fold, fold_words
from kg.normalise.letters import LETTERS, UPPER
from kg.normalise.ocr import finditer_at
from kg.normalise.ocr import tolerant as _ocr_tolerant

LEVELS = ("international", "main", "bilateral", "secondary", "opening", "clearance", "scenic")
_MAX_NAME_WORDS = 4
_SKIP_WORDS = 4  # lower-case words a head may stand from a gazetteer name
_ORPHAN_REACH = 400  # how far back in a sentence a head may give its level to a rule-2 gate

_B = r"(?<![a-z0-9])"
_E = r"(?![a-z0-9])"
_CAP_WORD = rf"[{UPPER}][{LETTERS}0-9]*"
_CAP_RUN = re.compile(
    rf"{_CAP_WORD}(?:[ \t]+{_CAP_WORD}){{0,{_MAX_NAME_WORDS - 1}}}(?![{LETTERS}])"
)
_WORD = re.compile(r"\s+([^\s,;.:()\[\]\"“”]+)")
_SEP = re.compile(r"\s*[-–—]\s*")
_COUNTERPART = re.compile(rf"[{LETTERS}][^\s(),;.:\-–—]*(?:[ \t]+[^\s(),;.:\-–—]+){{0,3}}")
_WORDS = [
    re.compile(rf"[^\s,;.:()]+(?:[ \t]+[^\s,;.:()]+){{{n - 1}}}") if n else re.compile("")
    for n in range(_MAX_NAME_WORDS + 1)
]
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n")


@dataclass(frozen=True)
class GateEntry:
    name: str
    level: str
    province: str | None
    counterpart: str | None
    country: str | None
    forms: tuple[str, ...]
    former_province: str | None = None


@dataclass(frozen=True)
class _Head:
    pattern: str
    kind: str
    pair: bool


@dataclass(frozen=True)
class _Config:
    entries: tuple[GateEntry, ...]
    by_key: dict[str, tuple[GateEntry, ...]]
    heads: tuple[_Head, ...]
    head_re: re.Pattern[str]
    head_phrases: list[str]  # what `head_re` starts with (for `phrase_starts`)
    levels: tuple[tuple[re.Pattern[str], str], ...]
    filler_re: re.Pattern[str]
    not_after_re: re.Pattern[str]
    known_re: re.Pattern[str]
    known_phrases: list[str]  # what `known_re` starts with
    stop_keys: frozenset[str]
    stop_exact: frozenset[str]
    no_skip: frozenset[str]
    provinces: dict[str, str]
    vn_re: re.Pattern[str]
    foreign_re: re.Pattern[str]
    connector_re: re.Pattern[str]
    upgrade_re: re.Pattern[str]
    plural_re: re.Pattern[str]
    tolerant: Callable[[str], str]


def name_key(name: str) -> str:
    """Folded words with a word-initial P or B read as Đ (`Na Poong` = `Nà Đoỏng`), the key under
    which OCR and unaccented spellings of one name meet."""
    words = re.sub(r"[^\w]+", " ", fold(name)).split()
    return " ".join("d" + w[1:] if w[0] in "pb" else w for w in words)


def similar(a: str, b: str) -> bool:
    """Same name read through OCR damage: equal keys, or the same words and initials with one
    letter misread (`Btc Thién` ~ `Đức Thiên`, `Ban Gidc` ~ `Bản Giốc`). One letter only: a looser
    measure takes real names for each other (`Nà Mon` is not `Na Mèo`)."""
    ka, kb = name_key(a), name_key(b)
    if ka == kb:
        return True
    wa, wb = ka.split(), kb.split()
    if len(ka) != len(kb) or len(ka) < 6 or len(wa) != len(wb):
        return False
    if any(len(x) != len(y) or x[0] != y[0] for x, y in zip(wa, wb, strict=True)):
        return False
    return sum(x != y for x, y in zip(ka, kb, strict=True)) == 1


@cache
def _config() -> _Config:
    data = load_toml("border_gates.toml")
    extras: dict[str, list[str]] = data.get("ocr_syllables", {})

    @cache
    def tolerant(phrase: str) -> str:
        # each syllable: the shared OCR letter families, plus whole-syllable OCR spellings
        parts = []
        for syllable in phrase.split():
            options = [_ocr_tolerant(syllable)]
            options += [re.escape(e) for e in extras.get(fold(syllable), [])]
            parts.append(f"(?:{'|'.join(options)})")
        return r"\s+".join(parts)

    def spellings(phrase: str) -> list[str]:
        # the phrase with each syllable also in its whole-syllable OCR spellings: together
        # their shared tolerant patterns match all that `tolerant(phrase)` matches
        options = [[syllable, *extras.get(fold(syllable), [])] for syllable in phrase.split()]
        return [" ".join(choice) for choice in itertools.product(*options)]

    def any_of(phrases: list[str]) -> str:
        return "|".join(tolerant(p) for p in sorted(set(phrases), key=len, reverse=True))

    entries = []
    for row in data["gate"]:
        forms = (row["name"], *row.get("aliases", []), *row.get("ocr", []))
        entries.append(
            GateEntry(
                name=row["name"],
                level=row["level"],
                province=row.get("province"),
                counterpart=row.get("counterpart"),
                country=row.get("country"),
                forms=forms,
                former_province=row.get("former_province"),
            )
        )
    by_key: dict[str, list[GateEntry]] = {}
    for entry in entries:
        for form in entry.forms:
            bucket = by_key.setdefault(name_key(form), [])
            if entry not in bucket:
                bucket.append(entry)
    heads = tuple(
        _Head(
            # `nâng cấp cửa khẩu` folds like `cặp cửa khẩu`: a head's `not_after` words rule it out
            "".join(f"(?<!{re.escape(fold_words(w))} )" for w in h.get("not_after", []))
            + tolerant(h["words"]),
            h["kind"],
            h.get("pair", False),
        )
        for h in sorted(data["head"], key=lambda h: len(h["words"]), reverse=True)
    )
    head_re = re.compile(
        _B + "(?:" + "|".join(f"(?P<h{i}>{h.pattern})" for i, h in enumerate(heads)) + ")" + _E
    )
    levels = []
    for row in data["level"]:
        unless = "|".join(tolerant(w) for w in row.get("unless", []))
        guard = rf"(?!\s+(?:{unless}){_E})" if unless else ""
        levels.append((re.compile(rf"\s+(?:{tolerant(row['words'])}){_E}{guard}"), row["level"]))
    words = data["words"]
    filler_re = re.compile(rf"\s+(?:{any_of(words['filler'])}){_E}")
    not_after_re = re.compile(rf"{_B}(?:{any_of(words['not_after'])})\s*$")
    forms = sorted({fold_words(f) for e in entries for f in e.forms}, key=len, reverse=True)
    known_re = re.compile(rf"{_B}(?:{'|'.join(tolerant(f) for f in forms)}){_E}")
    countries = data["countries"]
    places = {fold_words(p): p for p in lexicon().provinces}
    places.update({fold_words(e.province): e.province for e in entries if e.province})
    places.update(
        {fold_words(e.former_province): e.former_province for e in entries if e.former_province}
    )
    stops = [*words["stop_names"], *countries["vietnam"], *countries["foreign"]]
    stop_keys = frozenset(fold_words(s) for s in stops)
    stop_exact = frozenset(s.lower() for s in stops)
    lead = any_of(words["upgrade_lead"])
    to = any_of(words["upgrade_to"])
    upgrade_re = re.compile(
        rf"\s*(?:(?:{lead}){_E}\s*)*(?:{to}){_E}\s*(?:(?:{to}){_E}\s*)?"
        rf"(?:{'|'.join(h.pattern for h in heads)}){_E}"
    )
    return _Config(
        entries=tuple(entries),
        by_key={k: tuple(v) for k, v in by_key.items()},
        heads=heads,
        head_re=head_re,
        head_phrases=[s for h in data["head"] for s in spellings(h["words"])],
        levels=tuple(levels),
        filler_re=filler_re,
        not_after_re=not_after_re,
        known_re=known_re,
        known_phrases=[s for f in forms for s in spellings(f)],
        stop_keys=stop_keys,
        stop_exact=stop_exact,
        no_skip=frozenset(fold_words(w) for w in words["no_skip"]),
        provinces=places,
        vn_re=re.compile(rf"\s*\(\s*(?:{any_of(countries['vietnam'])})\s*\)"),
        foreign_re=re.compile(rf"\s*\(\s*(?:{any_of(countries['foreign'])})\s*\)"),
        connector_re=re.compile(rf"\s*(?:,|{tolerant('và')}{_E})?\s*"),
        upgrade_re=upgrade_re,
        plural_re=re.compile(rf"{_B}(?:cac|nhung)\s*$"),
        tolerant=tolerant,
    )


# the shared scan (`kg.extract.gazetteer_starts`) for this module's phrases: anywhere
STARTS = "phrase"


def start_phrases() -> dict[str, list[str]]:
    """The phrase lists whose starts `phrase_starts` finds for this module."""
    cfg = _config()
    return {"gates.heads": cfg.head_phrases, "gates.known": cfg.known_phrases}


def gazetteer() -> tuple[GateEntry, ...]:
    return _config().entries


# --- what the rules find, before names and levels are settled --------------------------------


@dataclass
class _Found:
    start: int
    end: int
    name_start: int
    name_end: int
    entries: tuple[GateEntry, ...]
    stated: str | None = None
    counterpart: str | None = None
    province: str | None = None
    upgraded: str | None = None


@dataclass(frozen=True)
class _Name:
    start: int
    end: int
    entries: tuple[GateEntry, ...]


def _lookup(surface: str) -> tuple[GateEntry, ...]:
    cfg = _config()
    exact = cfg.by_key.get(name_key(surface))
    if exact:
        return exact
    # OCR damage folding cannot undo: the one gazetteer name spelled nearly alike
    hits = {e for e in cfg.entries for form in e.forms if similar(surface, form)}
    names = {e.name for e in hits}
    return tuple(sorted(hits, key=lambda e: e.province or "")) if len(names) == 1 else ()


def _is_stop(words: list[str]) -> bool:
    """Do `words` start with a country, a province (that is not also a gate) or a stop word?
    One-syllable stop words must match with their diacritics unless the text has none, so
    `Bản Khoòng` is a name where `Ban` is not."""
    cfg = _config()
    for size in range(len(words), 0, -1):
        phrase = " ".join(words[:size])
        key = fold_words(phrase)
        if size == 1 and phrase.lower() not in cfg.stop_exact and not phrase.isascii():
            continue
        if key in cfg.stop_keys or (key in cfg.provinces and name_key(phrase) not in cfg.by_key):
            return True
    return False


def _name_at(text: str, folded: str, pos: int) -> _Name | None:
    """The gate name starting at `pos`: a gazetteer name with a capital in it, else capitalised
    words cut before a country, province or other stop word."""
    cfg = _config()
    known = cfg.known_re.match(folded, pos)
    if known and any(ch.isupper() for ch in text[known.start() : known.end()]):
        return _Name(known.start(), known.end(), cfg.by_key.get(name_key(known.group()), ()))
    run = _CAP_RUN.match(text, pos)
    if not run:
        return None
    words = run.group().split()
    keep = 0
    while keep < len(words) and not _is_stop(words[keep:]):
        keep += 1
    if keep == 0:
        return None
    end = _word_end(text, pos, keep)
    return _Name(pos, end, _lookup(text[pos:end]))


def _word_end(text: str, pos: int, count: int) -> int:
    match = _WORDS[count].match(text, pos)
    return match.end() if match else pos


def _levels(folded: str, pos: int) -> tuple[str | None, int]:
    """Level words right after a head (`quốc tế`, `chính`), first one wins."""
    level = None
    moved = True
    while moved:
        moved = False
        for pattern, value in _config().levels:
            match = pattern.match(folded, pos)
            if match:
                level = level or value
                pos = match.end()
                moved = True
                break
    return level, pos


def _pair(
    text: str, folded: str, pos: int, pair_head: bool, entries: tuple[GateEntry, ...]
) -> tuple[str | None, int]:
    """`(Việt Nam) - Long Bang (Trung Quốc)` after a name: (counterpart, end) or (None, pos)."""
    cfg = _config()
    cursor = pos
    vn = cfg.vn_re.match(folded, cursor)
    if vn:
        cursor = vn.end()
    sep = _SEP.match(folded, cursor)
    if not sep:
        return None, (vn.end() if vn else pos)
    run = _COUNTERPART.match(text, sep.end())
    if not run:
        return None, (vn.end() if vn else pos)
    words = run.group().split()
    # the counterpart ends where the country in brackets starts, or after its capitalised words
    for size in range(len(words), 0, -1):
        end = _word_end(text, sep.end(), size)
        foreign = cfg.foreign_re.match(folded, end)
        if foreign and not _is_stop(words[:size]):
            return _title(text[sep.end() : end]), foreign.end()
    size = 0
    while size < len(words) and words[size][:1].isupper():
        size += 1
    if size == 0 or _is_stop(words[:size]):
        return None, (vn.end() if vn else pos)
    counterpart = text[sep.end() : _word_end(text, sep.end(), size)]
    known_vn_gate = name_key(counterpart) in cfg.by_key
    expected = any(e.counterpart and similar(counterpart, e.counterpart) for e in entries)
    if expected or ((vn or pair_head) and not known_vn_gate):
        return _title(counterpart), sep.end() + len(counterpart)
    return None, (vn.end() if vn else pos)


def _title(words: str) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in words.split())


_PROVINCE_AFTER = re.compile(r"\s*(?:\(\s*|,\s*)(?:tinh\s+)?([a-z ]{3,30}?)\s*(?:\)|[,;.]|$)")


def _province_after(folded: str, pos: int) -> str | None:
    """`cửa khẩu X (tỉnh Y)` / `cửa khẩu X, tỉnh Y`: the province the text gives."""
    match = _PROVINCE_AFTER.match(folded, pos)
    return _config().provinces.get(fold_words(match.group(1))) if match else None


# --- rule 1: head + name ----------------------------------------------------------------------


def _after_head(text: str, folded: str, pos: int) -> tuple[str | None, _Name | None, int]:
    """Level words, fillers and the name after a head: (level, name, position reached)."""
    cfg = _config()
    level = None
    while True:
        found_level, pos = _levels(folded, pos)
        level = level or found_level
        space = re.match(r"[ \t]+", text[pos:])
        if space:
            name = _name_at(text, folded, pos + space.end())
            if name:
                return level, name, pos
        filler = cfg.filler_re.match(folded, pos)
        if not filler:
            break
        pos = filler.end()
    # a gazetteer name a few lower-case words on (`cửa khẩu đường bộ số II Kim Thành`)
    cursor = pos
    for _ in range(_SKIP_WORDS):
        word = _WORD.match(text, cursor)
        if not word or word.group(1)[:1].isupper() or fold(word.group(1)) in cfg.no_skip:
            break
        cursor = word.end()
        space = re.match(r"[ \t]+", text[cursor:])
        name = _name_at(text, folded, cursor + space.end()) if space else None
        if name and name.entries:
            return level, name, pos
    return level, None, pos


def _rule_heads(text: str, folded: str) -> tuple[list[_Found], list[tuple[int, int, str]]]:
    cfg = _config()
    found: list[_Found] = []
    orphans: list[tuple[int, int, str]] = []
    taken_until = -1
    for match in finditer_at(cfg.head_re, phrase_starts(folded)["gates.heads"], folded):
        if match.start() < taken_until:
            continue
        if cfg.not_after_re.search(folded, max(0, match.start() - 20), match.start()):
            continue
        head = cfg.heads[int((match.lastgroup or "h0")[1:])]
        level, name, reached = _after_head(text, folded, match.end())
        stated = head.kind if head.kind != "gate" else level
        if name is None:
            if stated:
                orphans.append((match.start(), reached, stated))
            continue
        plural = head.pair or _plural_before(folded, match.start())
        start = match.start()
        while name is not None:
            counterpart, end = _pair(text, folded, name.end, head.pair, name.entries)
            gate = _Found(
                start=start,
                end=end,
                name_start=name.start,
                name_end=name.end,
                entries=name.entries,
                stated=stated,
                counterpart=counterpart,
                province=_province_after(folded, end),
            )
            found.append(gate)
            taken_until = end
            # `, Tà Lùng` / `và Lý Vạn`: the list goes on with the same level
            connector = re.match(r"\s*(?:,|và|va)[ \t]+", text[end:])
            name = None
            if connector:
                following = _name_at(text, folded, end + connector.end())
                if following and (following.entries or plural):
                    name = following
                    start = following.start
    return found, orphans


def _plural_before(folded: str, end: int) -> bool:
    """`các` / `những` and only white space before `end`. The search starts a little before
    that white space, not at the start of the text, which it would scan for every head."""
    space_start = end
    while space_start > 0 and folded[space_start - 1].isspace():
        space_start -= 1
    return bool(_config().plural_re.search(folded, max(0, space_start - 20), end))


# --- rule 2: gazetteer name + (Việt Nam) - Y ------------------------------------------------


def _rule_pairs(
    text: str, folded: str, found: list[_Found], orphans: list[tuple[int, int, str]]
) -> list[_Found]:
    cfg = _config()
    extra: list[_Found] = []
    for match in finditer_at(cfg.known_re, phrase_starts(folded)["gates.known"], folded):
        if any(f.start <= match.start() < f.end for f in found):
            continue
        if not any(ch.isupper() for ch in text[match.start() : match.end()]):
            continue
        if not cfg.vn_re.match(folded, match.end()):
            continue  # a bare gazetteer name (`cao tốc Đồng Đăng - Trà Lĩnh`) is not a gate
        entries = cfg.by_key.get(name_key(match.group()), ())
        counterpart, end = _pair(text, folded, match.end(), True, entries)
        if counterpart is None:
            continue
        sentence = _sentence_start(folded, match.start())
        heads = [
            o
            for o in orphans
            if max(sentence, match.start() - _ORPHAN_REACH) <= o[0] and o[1] <= match.start()
        ]
        extra.append(
            _Found(
                start=match.start(),
                end=end,
                name_start=match.start(),
                name_end=match.end(),
                entries=entries,
                stated=heads[-1][2] if heads else None,
                counterpart=counterpart,
                province=_province_after(folded, end),
            )
        )
    return extra


def _sentence_start(folded: str, pos: int) -> int:
    """The end of the last `_SENTENCE_END` in folded[:pos] (what a scan of it up to `pos`
    finds), looked up among the text's sentence ends, which are found once."""
    stops, newlines = _sentence_ends(folded)
    # a stop counts if the white space its lookahead needs is before `pos` too
    index = bisect.bisect_left(stops, pos) - 1
    start = stops[index] if index >= 0 else 0
    index = bisect.bisect_right(newlines, pos) - 1
    return max(start, newlines[index] if index >= 0 else 0)


@lru_cache(maxsize=4)  # asked for every gate of one text; a text's hash is computed once
def _sentence_ends(folded: str) -> tuple[list[int], list[int]]:
    """Ends of the text's `_SENTENCE_END` matches: after `.!?` (with white space after them),
    and after line breaks."""
    stops: list[int] = []
    newlines: list[int] = []
    for match in _SENTENCE_END.finditer(folded):
        (newlines if match.group() == "\n" else stops).append(match.end())
    return stops, newlines


# --- rule 3: upgrades -------------------------------------------------------------------------


def _upgrades(folded: str, found: list[_Found]) -> None:
    cfg = _config()
    starts = {f.start: f for f in found}
    for gate in found:
        cursor = gate.end
        while True:  # a chain `X (…) - Y (…) và cửa khẩu Z (…) - W (…)` shares the new level
            connector = cfg.connector_re.match(folded, cursor)
            following = starts.get(connector.end()) if connector else None
            if following is None or following is gate:
                break
            cursor = following.end
        match = cfg.upgrade_re.match(folded, cursor)
        if not match:
            continue
        head = next(
            (h for h in cfg.heads if re.search(rf"(?:{h.pattern}){_E}$", match.group())), None
        )
        if head is None:
            continue
        level, _ = _levels(folded, match.end())
        new = head.kind if head.kind != "gate" else level
        if new:
            gate.upgraded = new


# --- settling names, levels and counterparts --------------------------------------------------


def _choose_entry(gate: _Found, folded: str) -> GateEntry | None:
    if len(gate.entries) <= 1:
        return gate.entries[0] if gate.entries else None
    # one name, several gates (`Thanh Thủy`): the counterpart, then a province named nearby
    if gate.counterpart:
        by_counterpart = [
            e for e in gate.entries if e.counterpart and similar(gate.counterpart, e.counterpart)
        ]
        if len(by_counterpart) == 1:
            return by_counterpart[0]
    sentence = folded[_sentence_start(folded, gate.start) : gate.end + 200]
    by_province = [
        e
        for e in gate.entries
        if any(p and fold(p) in sentence for p in (e.province, e.former_province))
    ]
    return by_province[0] if len(by_province) == 1 else None


def _spelling_score(surface: str) -> tuple[int, int]:
    marked = sum(1 for ch in surface if ch != fold(ch) and ch.isalpha())
    return marked, sum(1 for ch in surface if ch.isupper())


def extract(analysis: Analysis) -> list[BorderGateMention]:
    text, folded = analysis.text.text, analysis.text.folded
    found, orphans = _rule_heads(text, folded)
    found += _rule_pairs(text, folded, found, orphans)
    found.sort(key=lambda f: (f.start, f.end))
    _upgrades(folded, found)

    # names the gazetteer lacks: the best-spelled variant in the file (`Nà Lạn` over `Na Lan`)
    best: dict[str, str] = {}
    stated_by_key: dict[str, str] = {}
    for gate in found:
        surface = " ".join(text[gate.name_start : gate.name_end].split())
        key = name_key(surface)
        if key not in best or _spelling_score(surface) > _spelling_score(best[key]):
            best[key] = surface
        level = gate.upgraded or gate.stated
        if level and not gate.entries:
            stated_by_key.setdefault(key, level)

    mentions = []
    for gate in found:
        surface = " ".join(text[gate.name_start : gate.name_end].split())
        key = name_key(surface)
        entry = _choose_entry(gate, folded)
        name = entry.name if entry else (gate.entries[0].name if gate.entries else best[key])
        level = (
            gate.upgraded
            or gate.stated
            or (entry.level if entry else None)
            or stated_by_key.get(key)
            or "unknown"
        )
        counterpart = gate.counterpart
        if (
            entry
            and entry.counterpart
            and (not counterpart or similar(counterpart, entry.counterpart))
        ):
            counterpart = entry.counterpart
        mentions.append(
            BorderGateMention(
                span=Span(start=gate.start, end=gate.end),
                name=name,
                level=level,
                counterpart=counterpart,
                province=(entry.province if entry else None) or gate.province,
            )
        )
    return mentions
