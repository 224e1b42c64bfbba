"""Targets: planned figures (chỉ tiêu), one `TargetMention` per figure.

`(1) Tốc độ tăng trưởng GRDP bình quân đạt 10%/năm trở lên; GRDP bình quân đầu người đến năm
2030 đạt từ 75 - 80 triệu đồng/người/năm` is two targets. How a reader tells them:

1. Figures: a number in Vietnamese notation (`7,22`, `4.491,591`, `20.000`), alone or as a range
   (`từ 75 - 80`), with a unit (`%`, `%/năm`, `tỷ đồng`, `lao động`…) or introduced by a value
   word (`kế hoạch là 2,1 con/1 phụ nữ`, `xếp thứ 29`). Years, dates, symbols, list numbers and
   figures inside quotation marks or document names are not figures.
2. Plan or result: the nearest cue before a figure in its sentence decides (`phấn đấu`, `mục
   tiêu`, `kế hoạch là`, `đến năm 2030` plan; `ước`, `đã`, a past year result), each cue carrying
   as far as its reach (a figure right after it, the clause, the sentence); a cue in brackets
   speaks only inside them. `so với cùng kỳ` after a figure, or `đạt 91,7% kế hoạch`, makes it a
   result. With no cue, the section decides: a heading or a `…:` lead naming `chỉ tiêu` / `mục
   tiêu` opens a plan scope, one naming `kết quả` a results scope; the innermost wins. A past
   year is one before the text's own (its latest date that is not a deadline).
3. What is measured: the words of the figure's statement before it (from the clause, list item
   or previous figure), without list markers, cues, years and value words; when a verb comes
   before the figure and what is counted after it (`giảm ít nhất 40% số điểm trường lẻ`), both.
   A statement with no words of its own (`ước năm 2025 đạt 35% (… kế hoạch là 52%)`) speaks of
   the indicator named last in its paragraph. A figure that qualifies the indicator (`từ 70 điểm
   trở lên đạt 70%`) is part of it.
4. Comparator from the words around the figure (`tối thiểu`, `trên`, `từ` … atLeast; `dưới`,
   `không quá` … atMost; a range is `range`); year from the statement (`đến năm 2030`, `vào năm
   2025`, `giai đoạn 2026 - 2030`), else earlier in the sentence, else the enclosing headings, else
   the text's own period (title or preamble); document from the innermost heading that names one
   (`VII. Đối với Kế hoạch số 33-KH/TU …`), else None (the file); agency from `giao X chủ trì`
   earlier in the sentence.

Cue words, comparators, units and heading words are in `kg/lexicon/targets.toml`; matching is on
the folded text through `kg/normalise/ocr.py`, so texts without diacritics or OCR'd read alike.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from kg.extract.gazetteer_starts import word_starts
from kg.lexicon import load_toml
from kg.models import (
    AgencyMention,
    Analysis,
    DocumentMention,
    SourceDocumentInfo,
    Span,
    TargetMention,
)
from kg.normalise.fold import fold, fold_words
from kg.normalise.ocr import (
    finditer_at,
    first_characters,
    last_word_spellings,
    prefiltered_finditer,
    tolerant,
)

Comparator = Literal["atLeast", "atMost", "exactly", "range"]
Reach = Literal["figure", "clause", "sentence"]

_NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+|\.\d{1,2}(?!\d))?"
_NUMBER_RE = re.compile(rf"(?<![\w.,/])(?:{_NUMBER})(?![\w/]|[.,]\d)")
_NUMBER_START = re.compile(r"\d(?<![\w.,/]\d)")  # where one can start: the scan skips to digits
_YEAR = r"(?:19|20)\d\d"
# `năm` as OCR reads it too (`nim`, `ndm`, `niam`); `đến` as `dén`, `Pén`, `Bén`
_NAM = r"n[a-z]{0,2}m"
# `2026 - 2030`; `(?<!\d)` before the year is written after its first digit, so that the
# pattern starts with the literals the scan skips to
_PERIOD_RE = re.compile(rf"((?:1(?<!\d1)9|2(?<!\d2)0)\d\d)\s*(?:-|–|—|den)\s*({_YEAR})(?!\d)")
_RANGE_RE = re.compile(rf"\s*(?:-|–|—|den)\s*({_NUMBER})(?![\w/]|[.,]\d)")
# a date, `(?<![\w/])d{1,2}/d{1,2}/YYYY` or `ngày d tháng m năm YYYY`, as two patterns that each
# start with what the scan can skip to (a digit, the literal `ngay`); their matches never
# overlap (one has slashes, the other none), so together they find what their alternation finds
_DATE_NUMERIC = re.compile(rf"\d(?<![\w/]\d)\d?\s*/\s*\d{{1,2}}\s*/\s*({_YEAR})(?!\d)")
_DATE_WORDS = re.compile(rf"ngay\s+\d{{1,2}}\s+thang\s+\d{{1,2}}\s+nam\s+({_YEAR})")
_DEADLINE_BEFORE = re.compile(r"(?:den|truoc|toi|tu|han)\s+(?:ngay\s+)?$")
_ITEM_RE = re.compile(r"\(\s*(?:\d{1,2}|[ivx]{1,4}|[a-z])\s*\)")
_LINE_MARKER = re.compile(
    r"\s*(?:[-+•*–]\s*|\(?\d{1,2}(?:\.\d{1,2}){0,3}[.)]\s*|\(?[a-z][)]\s*|\(\s*[ivx\d]{1,4}\s*\)\s*)+"
)
_HEADING_NUMBER = re.compile(
    r"\s*(?:(?P<arabic>\d{1,2}(?:\.\d{1,2}){0,3})\s*[.\-–)]"
    r"|(?P<roman>(?=[IVXLl1]*[IVXL])[IVXLl1]{1,6})\s*[.\-–]"
    r"|(?P<letter>[a-zđ])\))"
)
# `[.!?…]+` written as one and more: a pattern starting with a character class lets the scan
# skip to those characters, one starting with a repeat does not
_SENTENCE_END = re.compile(r"[.!?…][.!?…]*[”\"]?(\s*)")
# `năm 2030`; `_NAM_YEAR_START` is without the `(?!\d)` that ends it, so that one scan of the
# text serves every stretch of it (a stretch may end right before a digit), and has the `n` of
# `_NAM` first, so that the scan skips from `n` to `n`
_NAM_YEAR = re.compile(rf"n(?<![\w]n)[a-z]{{0,2}}m\s+({_YEAR})(?!\d)")
_NAM_YEAR_START = re.compile(rf"n(?<![\w]n)[a-z]{{0,2}}m\s+({_YEAR})")
_DIGIT = re.compile(r"\d")
_WORD_RE = re.compile(r"[^\W_]+(?:[-/][^\W_]+)*|%")
_ASCII_LOWER = re.compile(r"[a-z]")
# small patterns used once a figure or a statement, compiled once
_YEAR_RE = re.compile(_YEAR)
_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")
_PERCENT = re.compile(r"\s*%")
_PER_TAIL = re.compile(r"\s*/\s*(?:\d+\s+)?")
_SLASH = re.compile(r"\s*/\s*")
_WORD_AFTER = re.compile(r"\s*([^\W\d_][\w-]*)")
_TI_BEFORE = re.compile(r"(?<![\w])t[iy]\s*$")
_LEADING_ZERO = re.compile(r"0\d")
_LETTER = re.compile(r"[^\W\d_]")
_LEAD_PUNCT = re.compile(r"[\s,;:.\-–)]+")
_TAIL_PUNCT = ",;:(-–"  # with white space: what `_strip_tail` moves back past


def _words_pattern(words: str) -> str:
    """A phrase as a regex over the folded text: OCR-tolerant for phrases, exact for short words
    (a tolerant `đã` would read `ba`)."""
    folded = fold_words(words)
    if " " not in folded and len(folded) <= 4:
        return re.escape(folded)
    return tolerant(" ".join(words.split()))


def _alternation(phrases: list[str], ocr_forms: list[str] | None = None) -> str:
    parts = sorted({_words_pattern(p) for p in phrases}, key=len, reverse=True)
    for form in ocr_forms or []:
        parts.append(r"\s+".join(re.escape(w) for w in fold_words(form).split()))
    return "|".join(parts)


def _word_endings(phrases: list[str], ocr_forms: list[str] | None = None) -> tuple[str, ...]:
    """How the last word of `_alternation(phrases, ocr_forms)` can be spelt: tolerant, or exact
    for short words and OCR forms."""
    endings: set[str] = set()
    for phrase in phrases:
        endings |= last_word_spellings(" ".join(phrase.split()))
    endings.update(fold_words(words).split()[-1] for words in [*phrases, *(ocr_forms or [])])
    return tuple(sorted(endings))


def _bounded(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w])(?:{pattern})(?![\w])")


# --- the lexicon ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _CueRule:
    words: str  # the alternation the pattern bounds
    pattern: re.Pattern[str]
    first: frozenset[str] | None  # the characters it can start with (None: any)
    plan: bool
    reach: Reach
    homographs: frozenset[str]
    not_before: re.Pattern[str] | None
    not_after: re.Pattern[str] | None


@dataclass(frozen=True)
class _ComparatorRule:
    pattern: str
    value: Comparator
    unit: str | None


@dataclass(frozen=True)
class _Rules:
    cues: list[_CueRule]
    any_cue: re.Pattern[str]  # where some cue starts: one scan instead of one per cue
    cue_phrases: list[str]  # what the cues start with (for `word_starts`)
    result_before: re.Pattern[str]
    result_words: frozenset[str]
    ambiguous: frozenset[str]
    future: re.Pattern[str]
    future_before: re.Pattern[str]
    not_due: re.Pattern[str]
    not_cue_year: re.Pattern[str]
    after_result: re.Pattern[str]
    share_of_plan: re.Pattern[str]
    share_verbs: re.Pattern[str]
    heading_plan: re.Pattern[str]
    heading_result: re.Pattern[str]
    part: re.Pattern[str]
    before_comparator: re.Pattern[str]
    # how the last words of `before_comparator`, `rank` and `introducer` can be spelt: no match
    # is possible where the text before a figure ends otherwise (see `_read_before`)
    before_comparator_ends: tuple[str, ...]
    rank_ends: tuple[str, ...]
    introducer_ends: tuple[str, ...]
    before_comparators: dict[str, _ComparatorRule]
    after_comparator: re.Pattern[str]
    after_values: dict[str, Comparator]
    introducer: re.Pattern[str]
    rank: re.Pattern[str]
    rank_unit: str
    number_words: re.Pattern[str]
    number_phrases: list[str]  # what `number_words` starts with (for `word_starts`)
    # what ends the words a figure counts after it: punctuation, or a due date (`đến năm`)
    after_figure_stop: re.Pattern[str]
    number_values: dict[str, dict[str, Any]]
    unit: re.Pattern[str]
    multiplier: re.Pattern[str]
    stop: frozenset[str]
    lead: re.Pattern[str]
    verbs: re.Pattern[str]
    # `và` + a verb: another statement begins (`và tạo việc làm`); matched from after the space
    and_verb: re.Pattern[str]
    not_verbs: re.Pattern[str]
    rate_prefix: str
    trailing: frozenset[str]
    introducers: frozenset[str]


def _group_map(rows: list[tuple[str, Any]]) -> tuple[str, dict[str, Any]]:
    """Named groups `g0…` for an alternation whose match must say which row it was."""
    ordered = sorted(rows, key=lambda r: len(r[0]), reverse=True)
    return (
        "|".join(f"(?P<g{i}>{pattern})" for i, (pattern, _) in enumerate(ordered)),
        {f"g{i}": value for i, (_, value) in enumerate(ordered)},
    )


@cache
def _rules() -> _Rules:
    data = load_toml("targets.toml")
    result_before = data["cue_result_before"]["words"]
    cues = []
    for row in data["cue"]:
        before = row.get("not_before", [])
        after = row.get("not_after", [])
        words = _alternation([row["words"]], row.get("ocr_forms"))
        spellings = [row["words"], *row.get("ocr_forms", [])]
        first = first_characters(spellings)
        cues.append(
            _CueRule(
                words=words,
                pattern=_bounded(words),
                # with the first letters of the exact spellings `_words_pattern` may use
                first=first | {fold_words(w)[:1] for w in spellings} if first is not None else None,
                plan=row["kind"] == "plan",
                reach=row["reach"],
                homographs=frozenset(h.lower() for h in row.get("homographs", [])),
                not_before=re.compile(rf"(?<![\w])(?:{_alternation(before)})\s*$")
                if before
                else None,
                not_after=re.compile(rf"\s*(?:{_alternation(after)})(?![\w])") if after else None,
            )
        )
    years = data["years"]
    future = _alternation(years["future_words"], years["future_ocr_forms"])
    after = data["after_result"]
    headings = data["headings"]
    before_rows: list[tuple[str, _ComparatorRule]] = []
    before_words = [r for r in data["comparator"] if r["position"] == "before"]
    for row in data["comparator"]:
        pattern = _alternation([row["words"]], row.get("ocr_forms"))
        rule = _ComparatorRule(pattern, row["value"], row.get("unit"))
        if row["position"] == "before":
            before_rows.append((pattern, rule))
    before_pattern, before_map = _group_map(before_rows)
    after_pattern, after_map = _group_map(
        [
            (_alternation([r["words"]], r.get("ocr_forms")), r["value"])
            for r in data["comparator"]
            if r["position"] == "after"
        ]
    )
    number_pattern, number_map = _group_map(
        [(_alternation([r["words"]]), r) for r in data["number_word"]]
    )
    values = data["values"]
    units = data["units"]
    indicator = data["indicator"]
    trailing_words = [
        *indicator["trailing"],
        *values["introducers"],
        *values["rank"],
        *[r["words"] for r in data["comparator"] if r["position"] == "before"],
    ]
    verbs = re.compile(rf"(?:{_alternation(indicator['verbs'])})(?![\w])")
    return _Rules(
        cues=cues,
        any_cue=re.compile(
            r"(?<![\w])(?=" + "|".join(rf"(?:{cue.words})(?![\w])" for cue in cues) + ")"
        ),
        # tolerant spellings take in the exact ones of short words and OCR forms
        cue_phrases=[w for row in data["cue"] for w in (row["words"], *row.get("ocr_forms", []))],
        result_before=re.compile(rf"(?<![\w])(?:{_alternation(result_before)})\s*$"),
        result_words=frozenset(" ".join(w.lower().split()) for w in result_before),
        ambiguous=frozenset(data["cue_result_before"]["ambiguous"]),
        future=_bounded(rf"(?:{future})\s+{_NAM}\s+({_YEAR})"),
        future_before=re.compile(rf"(?<![\w])(?:{future})\s+$"),
        not_due=re.compile(rf"(?<![\w])(?:{_alternation(years['not_due'])})\s+$"),
        not_cue_year=re.compile(
            rf"(?<![\w])(?:{_alternation(years['not_cue_before'])})\s+(?:\w+\s+)?$"
        ),
        after_result=re.compile(rf"\s*(?:{_alternation(after['words'])})(?![\w])"),
        share_of_plan=re.compile(rf"\s*(?:{_alternation(after['share_of_plan'])})(?![\w])"),
        share_verbs=re.compile(rf"(?<![\w])(?:{_alternation(after['share_verbs'])})\s*$"),
        heading_plan=_bounded(_alternation(headings["plan"])),
        heading_result=_bounded(_alternation(headings["result"])),
        part=re.compile(
            rf"\s*(?:{_alternation(headings['part'])})\s*(?:[ivxl]+|\d+)?\s*(?::|$|\.\s)",
            re.MULTILINE,
        ),
        before_comparator=re.compile(rf"(?<![\w])(?:{before_pattern})\s*$"),
        before_comparator_ends=_word_endings(
            [r["words"] for r in before_words],
            [form for r in before_words for form in r.get("ocr_forms", [])],
        ),
        rank_ends=_word_endings(values["rank"]),
        introducer_ends=_word_endings(values["introducers"]),
        before_comparators=before_map,
        after_comparator=re.compile(rf"\s*(?:{after_pattern})(?![\w])"),
        after_values=after_map,
        introducer=re.compile(rf"(?<![\w])(?:{_alternation(values['introducers'])})\s*$"),
        rank=re.compile(rf"(?<![\w])(?:{_alternation(values['rank'])})\s*$"),
        rank_unit=values["rank_unit"],
        number_words=_bounded(number_pattern),
        number_phrases=[r["words"] for r in data["number_word"]],
        number_values=number_map,
        unit=re.compile(
            rf"\s*(?:(?:{_alternation(units['multipliers'])})\s+)?"
            rf"(?:{_alternation(units['known'])})(?![\w])"
        ),
        multiplier=re.compile(rf"(?:{_alternation(units['multipliers'])})\s+"),
        stop=frozenset(fold_words(w) for w in units["stop"]),
        lead=re.compile(rf"(?:\s|,|:)*(?:{_alternation(indicator['lead'])})(?![\w])[\s,:]*"),
        after_figure_stop=re.compile(
            r"[,;:.()\n]|\s(?:"
            + "|".join(re.escape(fold_words(w)) for w in indicator["after_figure_stop"])
            + r")(?![\w])"
        ),
        verbs=verbs,
        # `\s(?:va|hoac)\s+verb`, matched from the `v` or `h` (the scan skips to those, not to
        # every space), its white space looked back at: the match starts one after it
        and_verb=re.compile(rf"(?:v(?<=\sv)a|h(?<=\sh)oac)\s+(?:{verbs.pattern})"),
        not_verbs=re.compile(rf"(?:{_alternation(indicator['not_verbs'])})(?![\w])"),
        rate_prefix=indicator["rate_prefix"],
        trailing=frozenset(" ".join(w.lower().split()) for w in trailing_words),
        introducers=frozenset(
            " ".join(w.lower().split()) for w in [*values["introducers"], *values["rank"]]
        ),
    )


# --- numbers -------------------------------------------------------------------------------


def parse_number(token: str) -> float:
    """`7,22` -> 7.22, `4.491,591` -> 4491.591, `20.000` -> 20000, `85.93` -> 85.93."""
    token = token.strip()
    if "," in token:
        whole, _, decimals = token.partition(",")
        return float(whole.replace(".", "") + "." + decimals)
    if _THOUSANDS.fullmatch(token):
        return float(token.replace(".", ""))
    return float(token)


def _is_year(token: str) -> bool:
    return bool(_YEAR_RE.fullmatch(token))


@dataclass
class _Figure:
    start: int
    end: int
    value: float
    value_max: float | None = None
    unit: str | None = None
    comparator: Comparator = "exactly"
    lead: int = 0  # where the words that belong to the figure (`đạt tối thiểu`) start
    stmt_end: int = 0  # after the unit and a trailing comparator
    introduced: bool = False
    rank: bool = False
    threshold: bool = False  # `từ 70 điểm trở lên`: a bound on who is counted, not a figure
    generic_unit: bool = False  # the unit is the words after the number, not a known unit
    qualifier: bool = False
    absorbed: bool = False  # a qualifier of the figure before it
    post_end: int = 0  # where the words after the figure that say what it counts end


# --- the text's structure ------------------------------------------------------------------


@dataclass
class _Scope:
    start: int
    end: int
    depth: int
    kind: Literal["plan", "result", "neutral"]
    year: int | None
    document: str | None


@dataclass
class _Context:
    text: str
    folded: str
    body_end: int
    rules: _Rules
    ref_year: int | None
    title_year: int | None
    doc_spans: list[tuple[int, int]]
    doc_mentions: list[DocumentMention]
    agencies: list[AgencyMention]
    sentence_starts: list[int] = field(default_factory=list)
    clause_breaks: list[int] = field(default_factory=list)
    paragraph_starts: list[int] = field(default_factory=list)
    scopes: list[_Scope] = field(default_factory=list)
    quotes: list[tuple[int, int]] = field(default_factory=list)
    parens: list[tuple[int, int]] = field(default_factory=list)
    doc_mask: bytearray = field(default_factory=bytearray)
    # the document mentions by where their symbol or name starts (for `_heading_document`)
    docs_by_start: list[DocumentMention] = field(default_factory=list)
    doc_starts: list[int] = field(default_factory=list)
    # filled in by `_context` once per text, for the many lookups by position that follow
    quote_starts: list[int] = field(default_factory=list)
    paren_starts: list[int] = field(default_factory=list)
    cues: list[_Cue] = field(default_factory=list)
    cue_starts: list[int] = field(default_factory=list)
    years: list[_YearMention] = field(default_factory=list)
    year_starts: list[int] = field(default_factory=list)

    def in_doc(self, start: int, end: int) -> bool:
        if not self.doc_mask:
            self.doc_mask = bytearray(len(self.text) + 1)
            for s, e in self.doc_spans:
                self.doc_mask[s:e] = b"\x01" * (e - s)
        return bool(self.doc_mask[start]) and bool(self.doc_mask[max(start, end - 1)])

    def quoted(self, position: int) -> bool:
        return _around(self.quotes, self.quote_starts, position) is not None

    def paren(self, position: int) -> tuple[int, int] | None:
        return _around(self.parens, self.paren_starts, position)

    def cues_in(self, start: int, end: int) -> list[_Cue]:
        """The cues that start in [start, end), in order."""
        lo = bisect.bisect_left(self.cue_starts, start)
        hi = bisect.bisect_left(self.cue_starts, end, lo)
        return self.cues[lo:hi]

    def last_before(self, starts: list[int], position: int) -> int:
        index = bisect.bisect_right(starts, position) - 1
        return starts[index] if index >= 0 else 0

    def next_after(self, starts: list[int], position: int) -> int:
        index = bisect.bisect_right(starts, position)
        return starts[index] if index < len(starts) else len(self.text)


def _around(
    pairs: list[tuple[int, int]], starts: list[int], position: int
) -> tuple[int, int] | None:
    """The pair with start < position < end; `pairs` are sorted and do not overlap, so only the
    last one starting before `position` can hold it."""
    index = bisect.bisect_left(starts, position) - 1
    if index >= 0 and position < pairs[index][1]:
        return pairs[index]
    return None


@dataclass(frozen=True)
class _YearMention:
    """`năm 2030` in the text, with what decides whether it counts in a stretch of it."""

    start: int
    end: int
    year_start: int
    year: int
    digit_after: bool  # the year runs on (`năm 20301`): a `năm Y` only where a stretch ends
    due: bool  # not after `not_due` words, not inside a document's name


def _year_mentions(ctx: _Context) -> list[_YearMention]:
    folded = ctx.folded
    mentions = []
    for match in _NAM_YEAR_START.finditer(folded):
        start = match.start()
        not_due = ctx.rules.not_due.search(folded, max(0, start - 15), start)
        mentions.append(
            _YearMention(
                start=start,
                end=match.end(),
                year_start=match.start(1),
                year=int(match.group(1)),
                digit_after=_DIGIT.match(folded, match.end()) is not None,
                due=not not_due and not ctx.in_doc(start, match.end()),
            )
        )
    return mentions


def _ref_year(folded: str, body_end: int) -> int | None:
    """The text's own year: the latest date it gives that is not a deadline (`đến ngày …`)."""
    years = []
    for pattern in (_DATE_NUMERIC, _DATE_WORDS):
        for match in pattern.finditer(folded, 0, body_end):
            if _DEADLINE_BEFORE.search(folded[max(0, match.start() - 12) : match.start()]):
                continue
            years.append(int(match.group(1)))
    return max(years) if years else None


def _year_of_title(rules: _Rules, folded: str, bare: bool = True) -> int | None:
    """The year a heading's targets are due: its period's end, `đến năm Y`, or (with `bare`)
    its last `năm Y`."""
    if "19" not in folded and "20" not in folded:
        return None  # each of the three names a year: most headings have none
    periods = list(_PERIOD_RE.finditer(folded))
    if periods:
        return int(periods[-1].group(2))
    future = list(rules.future.finditer(folded))
    if future:
        return int(future[-1].group(1))
    years = list(_NAM_YEAR.finditer(folded)) if bare else []
    if years:
        return int(years[-1].group(1))
    return None


def _text_year(rules: _Rules, analysis: Analysis) -> int | None:
    """The period of the text itself: in its title, else in the lines before its first
    numbered heading (`KẾ HOẠCH / Phát triển … giai đoạn 2026 - 2030`). A bare `năm Y` there
    is more often the date of signing than a period, so only a period or `đến năm Y` counts."""
    titles = [s.title for s in analysis.of_kind(SourceDocumentInfo) if s.title]
    if titles:
        year = _year_of_title(rules, fold(titles[0]))
        if year is not None:
            return year
    folded = analysis.text.folded[: min(analysis.text.body_end, 1500)]
    first = re.search(r"(?m)^\s*(?:\d{1,2}|[ivxl]{1,5})\s*[.\-–)]", folded)
    return _year_of_title(rules, folded[: first.start() if first else len(folded)], bare=False)


def _sentences(ctx: _Context, footnote_starts: list[int]) -> None:
    text = ctx.text
    starts = {0, ctx.body_end, *footnote_starts}
    paragraphs = {0, ctx.body_end, *footnote_starts}
    for match in re.finditer(r"\n\s*", text):
        following = text[match.end() : match.end() + 1]
        # a line that goes on in lower case is a wrapped line, not a new sentence
        if following and not following.islower():
            starts.add(match.end())
            paragraphs.add(match.end())
    for match in _SENTENCE_END.finditer(text):
        # `47,6%. Tỷ lệ …` and `thiết thực.Nâng cao` end a sentence; `2.6.2.` does not
        following = text[match.end() : match.end() + 1]
        spaced = bool(match.group(1))
        if following.isupper() or (spaced and (following.isdigit() or following in '(“"-+')):
            starts.add(match.end())
    for match in _ITEM_RE.finditer(ctx.folded):
        before = ctx.folded[max(0, match.start() - 1) : match.start()]
        if not before or not before.isalnum():
            starts.add(match.start())
    ctx.sentence_starts = sorted(s for s in starts if s <= len(text))
    ctx.paragraph_starts = sorted(s for s in paragraphs if s <= len(text))
    clauses = set(ctx.sentence_starts)
    clauses.update(m.end() for m in re.finditer(";", text))
    ctx.clause_breaks = sorted(clauses)


def _pairs(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Quoted stretches (names: `phong trào “200 ngày đêm … 8%”`) and parenthesised ones."""
    quoted = re.finditer(r"“[^”\n]{0,300}”|\"[^\"\n]{0,300}\"", text)
    quotes = [(m.start(), m.end()) for m in quoted]
    parens = [(m.start(), m.end()) for m in re.finditer(r"\([^()\n]{0,300}\)", text)]
    return quotes, parens


def _headings(ctx: _Context) -> None:
    """Heading lines and `…:` leads, as scopes with a kind, a year and a document."""
    rules, text, folded = ctx.rules, ctx.text, ctx.folded
    # (line start, title start after its number, title end, line end, depth)
    heads: list[tuple[int, int, int, int, int]] = []
    position = 0
    previous_caps: int | None = None
    while position < ctx.body_end:
        line_end = text.find("\n", position)
        line_end = ctx.body_end if line_end < 0 or line_end > ctx.body_end else line_end
        line = text[position:line_end]
        stripped = line.strip()
        depth: int | None = None
        number = _HEADING_NUMBER.match(line)
        caps = len(line) <= 200 and _in_capitals(stripped)
        if rules.part.match(folded, position):
            depth = 0
        elif number and stripped:
            if number.group("arabic"):
                depth = 2 + number.group("arabic").count(".")
            elif number.group("roman"):
                depth = 1
            else:
                depth = 6
        elif caps and previous_caps is not None:
            # a title over several lines in capitals (`Chuyên đề 05:` / `MỘT SỐ KẾT QUẢ …`)
            start, body, _, _, head_depth = heads[previous_caps]
            heads[previous_caps] = (start, body, line_end, line_end, head_depth)
            position = line_end + 1
            continue
        elif caps:
            depth = 1
        if depth is not None:
            colon = line.find(":")
            title_end = position + colon if 0 <= colon <= 200 else line_end
            body = position + (number.end() if number else 0)
            heads.append((position, body, title_end, line_end, depth))
            previous_caps = len(heads) - 1 if caps or depth == 0 else None
        else:
            previous_caps = None
        position = line_end + 1

    ends = _scope_ends(heads, ctx.body_end)
    for (start, body, title_end, line_end, depth), end in zip(heads, ends, strict=True):
        title_folded = folded[start:title_end]
        # a numbered paragraph is no heading of a scope: only a line of one sentence (`VII. Đối
        # với Kế hoạch số 33-KH/TU … giai đoạn 2026-2030`) or a `…:` lead is
        one_sentence = not any(
            m.group(1).isupper() for m in re.finditer(r"[.!?…]\s+(\w)", text[body:title_end])
        )
        short = title_end < line_end or (line_end - start <= 320 and one_sentence)
        kind: Literal["plan", "result", "neutral"] = "neutral"
        if short:
            kind = _kind(ctx, start, title_end)
        ctx.scopes.append(
            _Scope(
                start=start,
                end=end,
                depth=depth,
                kind=kind,
                year=_year_of_title(rules, title_folded),
                document=_heading_document(ctx, start, title_end) if short else None,
            )
        )
    # a lead ending in `:` (`…, các chỉ tiêu cụ thể như sau: (1) …`): its last cue says
    for match in re.finditer(":", text[: ctx.body_end]):
        lead_start = max(ctx.last_before(ctx.clause_breaks, match.start()), match.start() - 200)
        lead = [c for c in ctx.cues_in(lead_start, match.start()) if c.end <= match.start()]
        if not lead:
            continue
        kind: Literal["plan", "result", "neutral"] = "plan" if lead[-1].plan else "result"
        ctx.scopes.append(
            _Scope(
                start=match.start(),
                end=ctx.next_after(ctx.paragraph_starts, match.start()),
                depth=9,
                kind=kind,
                year=_year_of_title(rules, folded[lead_start : match.start()]),
                document=None,
            )
        )
    ctx.scopes.sort(key=lambda s: (s.start, s.depth))


def _scope_ends(heads: list[tuple[int, int, int, int, int]], body_end: int) -> list[int]:
    """Where each heading's scope ends: at the next heading of its depth or a lower one (a
    stack of the headings that are still open, read from the last one back), else the body's
    end."""
    ends = [body_end] * len(heads)
    following: list[tuple[int, int]] = []  # (depth, line start) of later headings
    for index in range(len(heads) - 1, -1, -1):
        start, depth = heads[index][0], heads[index][4]
        while following and following[-1][0] > depth:
            following.pop()
        if following:
            ends[index] = following[-1][1]
        following.append((depth, start))
    return ends


def _in_capitals(line: str) -> bool:
    """Four letters or more, none of them lower case."""
    if _ASCII_LOWER.search(line):
        return False  # most lines: decided without looking at each letter
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 4 and not any(ch.islower() for ch in letters)


def _kind(ctx: _Context, start: int, end: int) -> Literal["plan", "result", "neutral"]:
    """A title naming results is a results section, even when it names targets too (`Kết quả
    thực hiện một số mục tiêu`); one naming targets with a plan cue (not `chi tiêu`, spending,
    nor `Chương trình mục tiêu quốc gia`) is a plan section."""
    if ctx.rules.heading_result.search(ctx.folded, start, end):
        return "result"
    plan = any(
        cue.end <= end
        and cue.plan
        and cue.word
        and ctx.rules.heading_plan.match(ctx.folded, cue.start)
        for cue in ctx.cues_in(start, end)
    )
    return "plan" if plan else "neutral"


def _heading_document(ctx: _Context, start: int, end: int) -> str | None:
    """The document a heading names: one with a symbol first, then the first named (in the
    mentions' order among those that start together)."""
    if not ctx.docs_by_start:
        order = sorted(range(len(ctx.doc_mentions)), key=lambda i: ctx.doc_mentions[i].span.start)
        ctx.docs_by_start = [ctx.doc_mentions[i] for i in order]
        ctx.doc_starts = [m.span.start for m in ctx.docs_by_start]
    lo = bisect.bisect_left(ctx.doc_starts, start)
    hi = bisect.bisect_right(ctx.doc_starts, end, lo)
    inside = [
        m
        for m in ctx.docs_by_start[lo:hi]
        if m.span.end <= end and not m.generic and (m.symbol or m.name)
    ]
    return min(inside, key=lambda m: (m.symbol is None, m.span.start)).id if inside else None


def _enclosing(ctx: _Context, position: int) -> list[_Scope]:
    """Scopes around `position`, innermost first."""
    around = [s for s in ctx.scopes if s.start <= position < s.end]
    return sorted(around, key=lambda s: (s.depth, s.start), reverse=True)


# --- cues ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Cue:
    start: int
    end: int
    plan: bool
    reach: Reach
    word: bool = True  # a cue word (not a year), which says nothing of what is measured


# the shared scan (`kg.extract.gazetteer_starts`) for this module's phrases: whole words
STARTS = "word"


def start_phrases() -> dict[str, list[str]]:
    """The phrase lists whose starts `word_starts` finds for this module."""
    rules = _rules()
    return {"targets.cues": rules.cue_phrases, "targets.number_words": rules.number_phrases}


def _cue_matches(rules: _Rules, folded: str) -> list[list[re.Match[str]]]:
    """What each cue's `pattern.finditer(folded)` finds, from one scan for where any cue
    starts: there each cue is tried, and a cue's matches do not overlap, as with finditer."""
    starts = [s for s in word_starts(folded)["targets.cues"] if rules.any_cue.match(folded, s)]
    found: list[list[re.Match[str]]] = []
    for rule in rules.cues:
        matches, taken_until = [], 0
        for start in starts:
            if start < taken_until or (rule.first is not None and folded[start] not in rule.first):
                continue
            match = rule.pattern.match(folded, start)
            if match:
                matches.append(match)
                taken_until = match.end()
        found.append(matches)
    return found


def _cues(ctx: _Context) -> list[_Cue]:
    rules, text, folded = ctx.rules, ctx.text, ctx.folded
    found: list[_Cue] = []
    for rule, matches in zip(rules.cues, _cue_matches(rules, folded), strict=True):
        for match in matches:
            start, end = match.start(), match.end()
            if ctx.in_doc(start, end) or ctx.quoted(start):
                continue
            if text[start:end].lower() in rule.homographs:
                continue
            if rule.not_before and rule.not_before.search(folded, max(0, start - 40), start):
                continue
            if rule.not_after and rule.not_after.match(folded, end):
                continue
            plan = rule.plan
            before = rules.result_before.search(folded, max(0, start - 30), start)
            if plan and before:
                said = " ".join(text[before.start() : before.end()].lower().split())
                if said in rules.result_words or (
                    said.isascii() and fold_words(said) not in rules.ambiguous
                ):
                    plan = False  # `đạt chỉ tiêu`, `vượt mục tiêu`: a report on the plan
            found.append(_Cue(start, end, plan, rule.reach, word=rule.plan))
    for mention in ctx.years:
        if mention.digit_after:
            continue  # not a `năm Y` of the whole text
        if ctx.in_doc(mention.start, mention.end) or ctx.quoted(mention.start):
            continue
        if rules.not_cue_year.search(folded, max(0, mention.start - 20), mention.start):
            continue
        year = mention.year
        future = rules.future_before.search(folded, max(0, mention.start - 8), mention.start)
        if future and (ctx.ref_year is None or year > ctx.ref_year):
            found.append(_Cue(mention.start, mention.end, True, "sentence", word=False))
        elif ctx.ref_year is not None and year < ctx.ref_year:
            found.append(_Cue(mention.start, mention.end, False, "clause", word=False))
    found.sort(key=lambda c: (c.start, -c.end))
    return found


# --- figures -------------------------------------------------------------------------------


def _spelled(real: str, phrases: frozenset[str]) -> bool:
    """Is `real` one of `phrases` as written? A text without diacritics can only say folded."""
    words = " ".join(real.lower().split())
    if words in phrases:
        return True
    return words.isascii() and fold_words(words) in _folded(phrases)


@cache
def _folded(phrases: frozenset[str]) -> frozenset[str]:
    return frozenset(fold_words(p) for p in phrases)


def _unit_after(ctx: _Context, position: int, generic: bool) -> tuple[str | None, int]:
    """The unit right after a number (`%/năm`, `triệu đồng/người/năm`), and where it ends. With
    `generic`, any short noun phrase (`con/1 phụ nữ`) is a unit."""
    text, folded, rules = ctx.text, ctx.folded, ctx.rules
    percent = _PERCENT.match(folded[position : position + 4])
    end = None
    if percent:
        end = position + percent.end()
    else:
        known = rules.unit.match(folded, position)
        if known:
            end = known.end()
        elif generic:
            end = _words_until_stop(ctx, position, 4)
            if end == position:
                return None, position
    if end is None:
        return None, position
    # per-unit tails: `/năm`, `/người/năm`, `/1 phụ nữ`, `/100 trẻ sơ sinh gái`
    while True:
        tail = _PER_TAIL.match(folded[end : end + 12])
        if not tail:
            break
        tail_end = _words_until_stop(ctx, end + tail.end(), 4, tail=True)
        if tail_end == end + tail.end():
            break
        end = tail_end
    unit = " ".join(text[position:end].split())
    unit = _SLASH.sub("/", unit)
    return unit or None, end


def _words_until_stop(ctx: _Context, position: int, limit: int, tail: bool = False) -> int:
    """Where up to `limit` words after `position` end, before a stop word or punctuation.
    In a per-unit tail the first word is never a stop (`/năm`, `/người`)."""
    words = list(_WORD_AFTER.finditer(ctx.folded[position : position + 120]))
    end, expected = position, 0
    for index, match in enumerate(words[:limit]):
        if match.start() != expected:
            break
        word = match.group(1)
        pair = f"{word} {words[index + 1].group(1)}" if index + 1 < len(words) else ""
        if (word in ctx.rules.stop or pair in ctx.rules.stop) and not (tail and index == 0):
            break
        if ctx.rules.after_comparator.match(ctx.folded, position + match.start()):
            break  # `%/năm trở lên`
        end, expected = position + match.end(), match.end()
    return end


def _figures(ctx: _Context) -> list[_Figure]:
    rules, folded = ctx.rules, ctx.folded
    figures: list[_Figure] = []
    taken_until = -1
    for match in prefiltered_finditer(_NUMBER_RE, _NUMBER_START, folded):
        start, end = match.start(), match.end()
        if start < taken_until or ctx.in_doc(start, end):
            continue
        token = match.group()
        if _is_year(token) and not _PERCENT.match(folded[end : end + 3]):
            continue
        if token == "1" and _TI_BEFORE.search(folded[max(0, start - 4) : start]):
            continue  # `Ti 1ệ`, `tỷ 1ệ`: OCR of `tỉ lệ`, no number
        try:
            value = parse_number(token)
        except ValueError:
            continue
        figure = _Figure(start=start, end=end, value=value, lead=start)
        _read_before(ctx, figure)
        unit, span_end = _unit_after(ctx, end, generic=False)
        ranged = _RANGE_RE.match(folded, span_end if unit == "%" else end)
        second = ranged.group(1) if ranged else None
        if ranged and second and not _is_year(second) and parse_number(second) > figure.value:
            # `từ 75 - 80 triệu đồng`, `62 - 65%`, `1.500 - 1.600 đảng viên`
            figure.value_max = parse_number(ranged.group(1))
            figure.end = ranged.end()
            span_end = ranged.end()
            unit2, end2 = _unit_after(ctx, span_end, generic=False)
            if unit2 is None and (figure.introduced or figure.comparator != "exactly"):
                unit2, end2 = _unit_after(ctx, span_end, generic=True)
                figure.generic_unit = unit2 is not None
            if unit2:
                unit, span_end = unit2, end2
        if unit is None and figure.rank:
            unit = rules.rank_unit
        elif unit is None and figure.introduced:
            unit, span_end = _unit_after(ctx, end, generic=True)
            figure.generic_unit = unit is not None
        if unit is None:
            continue
        if unit != "%" and _LEADING_ZERO.fullmatch(token) and not figure.introduced:
            continue  # `03 Chương trình`, `01 Bệnh viện`: things, not figures
        figure.unit = unit
        if figure.value_max is not None:
            figure.comparator = "range"
        after = rules.after_comparator.match(folded, span_end)
        if after:
            figure.threshold = figure.lead < figure.start and not figure.introduced
            if figure.value_max is None:
                figure.comparator = rules.after_values[after.lastgroup or ""]
            span_end = after.end()
        figure.stmt_end = span_end
        taken_until = span_end
        figures.append(figure)
    number_starts = word_starts(folded)["targets.number_words"]
    for match in finditer_at(rules.number_words, number_starts, folded):
        if ctx.in_doc(match.start(), match.end()):
            continue
        row = rules.number_values[match.lastgroup or ""]
        figures.append(
            _Figure(
                start=match.start(),
                end=match.end(),
                value=float(row["value"]),
                unit=row.get("unit"),
                comparator=row.get("comparator", "exactly"),
                lead=match.start(),
                stmt_end=match.end(),
                introduced=True,
            )
        )
    figures.sort(key=lambda f: f.start)
    return figures


def _read_before(ctx: _Context, figure: _Figure) -> None:
    """Comparator and value words right before a number: `đạt tối thiểu`, `chiếm từ`, `xếp thứ`."""
    rules, folded, text = ctx.rules, ctx.folded, ctx.text
    lo = max(0, figure.start - 40)
    cursor = figure.start
    last_word = _last_word(folded, lo, cursor)
    # each pattern is words then `\s*$`: it can only match where its last word ends the text
    # before the figure, and is searched for only there (a few figures in ten)
    comparator = (
        rules.before_comparator.search(folded, lo, cursor)
        if last_word.endswith(rules.before_comparator_ends)
        else None
    )
    if comparator:
        rule = rules.before_comparators[comparator.lastgroup or ""]
        figure.comparator = rule.value
        figure.rank = rule.unit is not None
        cursor = figure.lead = comparator.start()
        last_word = _last_word(folded, lo, cursor)
    for pattern, endings, rank in (
        (rules.rank, rules.rank_ends, True),
        (rules.introducer, rules.introducer_ends, False),
    ):
        found = pattern.search(folded, lo, cursor) if last_word.endswith(endings) else None
        if found and _spelled(text[found.start() : found.end()].strip(), rules.introducers):
            figure.introduced = True
            figure.rank = figure.rank or rank
            figure.lead = found.start()
            return


def _last_word(folded: str, lo: int, end: int) -> str:
    """The last run of non-space characters in folded[lo:end]."""
    before = folded[lo:end].rstrip()
    return before.rsplit(None, 1)[-1] if before else ""


# --- plan or result ------------------------------------------------------------------------


def _is_plan(ctx: _Context, figure: _Figure) -> bool:
    rules, folded = ctx.rules, ctx.folded
    if ctx.quoted(figure.start):
        return False  # a name: `phong trào “200 ngày đêm … tăng trưởng 8%”`
    if rules.after_result.match(folded, figure.stmt_end):
        return False  # `tăng 7,22% so với cùng kỳ`
    if rules.share_of_plan.match(folded, figure.stmt_end) and rules.share_verbs.search(
        folded, max(0, figure.lead - 20), figure.start
    ):
        return False  # `đạt 91,7% kế hoạch`
    sentence = ctx.last_before(ctx.sentence_starts, figure.start)
    clause = ctx.last_before(ctx.clause_breaks, figure.start)
    nearest: _Cue | None = None
    paren = ctx.paren(figure.start)
    for cue in ctx.cues_in(sentence, figure.lead):
        cue_paren = ctx.paren(cue.start)
        if cue_paren is not None and cue_paren != paren:
            continue  # `Đề án 06 (…, đến năm 2030) đã …`: a parenthesis speaks for itself
        if cue.reach == "clause" and cue.start < clause:
            continue
        if cue.reach == "figure" and _LETTER.search(ctx.folded[cue.end : figure.lead]):
            continue  # `kế hoạch là 52%`, `(kế hoạch 8%)`: the value right after it
        nearest = cue
    if nearest is not None:
        return nearest.plan
    for scope in _enclosing(ctx, figure.start):
        if scope.kind != "neutral":
            return scope.kind == "plan"
    return False


# --- indicators ----------------------------------------------------------------------------

_YEAR_PHRASE = (
    rf"(?:(?:[bdp]en|toi|vao|tu|trong)\s+)?(?:giai doan\s+|nhiem ky\s+|thoi ky\s+|{_NAM}\s+)"
    rf"{_YEAR}(?:\s*[-–—]\s*{_YEAR})?"
)
_LEAD_YEAR = re.compile(rf"[\s,]*{_YEAR_PHRASE}[\s,]*")
_TAIL_YEAR = re.compile(rf"{_YEAR_PHRASE}[\s,]*$")
_INNER_YEAR = re.compile(rf"[\s,]*{_YEAR_PHRASE}")


def _segment_start(ctx: _Context, figure: _Figure, previous: _Figure | None) -> int:
    """Where the statement of a figure may start: its clause, list item, parenthesis, or the
    end of the figure before it."""
    start = max(
        ctx.last_before(ctx.sentence_starts, figure.start),
        ctx.last_before(ctx.clause_breaks, figure.start),
    )
    if previous is not None and previous.stmt_end <= figure.start:
        start = max(start, previous.stmt_end, min(previous.post_end, figure.lead))
    paren = ctx.paren(figure.start)
    if paren is not None:
        start = max(start, paren[0] + 1)
    return start


def _strip_lead(ctx: _Context, start: int, end: int) -> int:
    """Move past list markers, connectors, leading year phrases and punctuation."""
    rules, folded = ctx.rules, ctx.folded
    changed = True
    while changed and start < end:
        changed = False
        for pattern in (_LINE_MARKER, rules.lead, _LEAD_YEAR):
            match = pattern.match(folded, start, end)
            if match and match.end() > start:
                start, changed = match.end(), True
        punct = _LEAD_PUNCT.match(folded[start:end])
        if punct:
            start, changed = start + punct.end(), True
    return start


def _strip_tail(ctx: _Context, start: int, end: int) -> int:
    """Move back past value words (`đạt`, `là`, `ở mức`), year phrases and punctuation."""
    text, folded, trailing = ctx.text, ctx.folded, ctx.rules.trailing
    changed = True
    while changed and end > start:
        changed = False
        punct = _trailing(folded, start, end, _TAIL_PUNCT)
        if punct < end:
            end, changed = punct, True
        # a year phrase ends in a digit before its `[\s,]*`: only then can `_TAIL_YEAR` match
        before_year = _trailing(folded, start, end, ",")
        if before_year > start and folded[before_year - 1].isdecimal():
            year = _TAIL_YEAR.search(folded, start, end)
            if year and year.start() < end:
                end, changed = year.start(), True
        words = _last_words(text, start, end, 4)  # what the phrases of three words look at
        for size in (3, 2, 1):
            if len(words) < size:
                continue
            first_start = words[-size][0]
            phrase = text[first_start:end]
            if not _spelled(phrase, trailing):
                continue
            before = fold(text[slice(*words[-size - 1])]) if len(words) > size else ""
            if size == 1 and fold(phrase.lower()) == "len" and before in {"tro", "tre"}:
                break  # `từ 70 điểm trở lên` is part of what is measured
            end, changed = first_start, True
            break
    return end


def _trailing(text: str, start: int, end: int, characters: str) -> int:
    """Where the run of white space and `characters` that ends text[start:end] starts (what
    `[\\s…]+$` finds, read from the end instead of searched for from the start)."""
    while end > start and (text[end - 1].isspace() or text[end - 1] in characters):
        end -= 1
    return end


def _last_words(text: str, start: int, end: int, count: int) -> list[tuple[int, int]]:
    """The last `count` runs of non-space characters in text[start:end], as (start, end) in
    order: the last of what `\\S+` finds, read from the end."""
    found: list[tuple[int, int]] = []
    rest = text[start:end]
    while len(found) < count:
        rest = rest.rstrip()
        if not rest:
            break
        word = rest.rsplit(None, 1)[-1]
        word_start = len(rest) - len(word)
        found.append((start + word_start, start + len(rest)))
        rest = rest[:word_start]
    found.reverse()
    return found


def _clean_region(ctx: _Context, start: int, end: int, before: bool) -> tuple[int, int]:
    """The words naming what is measured in [start, end): after the last cue word, or, with
    `before` or a cue that introduces the value, before it (`thu ngân sách phấn đấu đạt`)."""
    inside = [c for c in ctx.cues_in(start, end + 3) if c.word and c.end <= end + 3]
    for cue in reversed(inside):
        lo = _strip_lead(ctx, min(cue.end, end), end)
        hi = _strip_tail(ctx, lo, end)
        if hi > lo or not (before or cue.reach == "figure"):
            return lo, hi
        end = cue.start
    lo = _strip_lead(ctx, start, end)
    return lo, _strip_tail(ctx, lo, end)


def _phrase(ctx: _Context, start: int, end: int) -> str:
    """The words of [start, end) without the year phrases inside them, on one line."""
    piece = ctx.text[start:end]
    folded = ctx.folded[start:end]
    if "19" not in folded and "20" not in folded:
        return " ".join(piece.split()).strip(" ,;:-–")  # no year in it to take out
    keep, cursor = [], 0
    for match in _INNER_YEAR.finditer(folded):
        keep.append(piece[cursor : match.start()])
        cursor = match.end()
    keep.append(piece[cursor:])
    return " ".join("".join(keep).split()).strip(" ,;:-–")


def _after_phrase(ctx: _Context, figure: _Figure, limit: int | None = None) -> tuple[str, int]:
    """What the figure counts, when it follows it: `50% chương trình trọng điểm đạt kiểm định`.
    It ends at punctuation, a due date, the next figure, or `và` + a verb (`và tạo việc làm`)."""
    folded = ctx.folded
    start = figure.stmt_end
    limit = min(
        ctx.next_after(ctx.clause_breaks, start),
        ctx.next_after(ctx.sentence_starts, start),
        start + 160,
        limit if limit is not None else len(ctx.text),
    )
    joined = ctx.rules.and_verb.search(folded, start + 1, limit)  # its space from `start` on
    if joined:
        limit = joined.start() - 1
    # `KH vốn năm 2025` is the 2025 plan: a bare year stays, a due date (`đến năm`) ends
    match = ctx.rules.after_figure_stop.search(folded, start, limit)
    end = match.start() if match else limit
    phrase = " ".join(ctx.text[start:end].split())
    if not phrase or not _LETTER.match(phrase):
        return "", start
    return phrase, end


def _indicator(ctx: _Context, figure: _Figure, seg_start: int) -> tuple[str, int, int]:
    """(indicator, start of the statement, end of the statement)."""
    rules = ctx.rules
    start, end = _clean_region(ctx, seg_start, figure.lead, before=False)
    if end <= start and not (figure.unit == "%" and _after_phrase(ctx, figure)[0]):
        # nothing after the cue, and nothing counted after the figure (`mục tiêu 2% GDP`):
        # the words before the cue name it
        start, end = _clean_region(ctx, seg_start, figure.lead, before=True)
    if len(ctx.text[start:end].split()) > 40 and "," in ctx.text[start:end]:
        # a long lead-in (`Tại Hội nghị …, các thành viên … cam kết`): its last clause
        start = _strip_lead(ctx, ctx.text.rindex(",", start, end) + 1, end)
    pre = _phrase(ctx, start, end) if end > start else ""
    statement_start = start if end > start else figure.lead
    # `- Về hoạt động …: Năm 2020, tỷ lệ …`: the heading words before the colon go
    colon = pre.find(":")
    if colon >= 0 and fold(pre[:colon]).startswith("ve ") and pre[colon + 1 :].strip(" ,"):
        pre = pre[colon + 1 :].strip(" ,")
    statement_end = figure.stmt_end
    pre_folded = fold_words(pre)
    verb = rules.verbs.match(pre_folded) if pre and not rules.not_verbs.match(pre_folded) else None
    verb_lead = verb is not None and (len(pre.split()) <= 4 or verb.end() == len(pre_folded))
    with_ = pre_folded.endswith(" voi") or pre_folded == "voi"
    short = bool(pre) and len(pre.split()) <= 2
    if (not pre or verb_lead or with_ or short) and not figure.generic_unit and not figure.rank:
        post, post_end = _after_phrase(ctx, figure)
        if post:
            statement_end = post_end
            if with_:
                pre, pre_folded = "", ""
            if figure.unit == "%":
                lead = pre if pre and pre_folded not in _FRAMING else ""
                # a text without diacritics gets its rate word without them too
                prefix = rules.rate_prefix if not post.isascii() else fold(rules.rate_prefix)
                pre = " ".join(p for p in (prefix, lead, _lower(post)) if p)
            else:
                pre = " ".join(p for p in (pre, _counted(ctx, figure), post) if p)
        elif figure.unit and figure.unit != "%" and (verb_lead or short):
            pre = f"{pre} {_counted(ctx, figure)}"  # `đón 3 triệu lượt khách`
    if not pre:
        return "", statement_start, statement_end
    return _capitalise(pre), statement_start, statement_end


def _counted(ctx: _Context, figure: _Figure) -> str:
    """What a count counts: its unit without a multiplier (`triệu lượt khách` -> `lượt khách`)."""
    unit = figure.unit or ""
    multiplier = ctx.rules.multiplier.match(fold(unit))
    return unit[multiplier.end() :].lstrip() if multiplier else unit


# framing verbs that say nothing of what is measured: `bảo đảm trên 80% số xã có …`
_FRAMING = frozenset({"bao dam", "dam bao", "co", "dat"})


def _lower(words: str) -> str:
    """Lower the first letter of a common word, not of an acronym (`KH vốn`)."""
    return words if words[:2].isupper() else words[:1].lower() + words[1:]


def _capitalise(words: str) -> str:
    return words[:1].upper() + words[1:]


# --- year, document, agency ----------------------------------------------------------------


def _year_phrases(ctx: _Context, start: int, end: int) -> list[tuple[int, int]]:
    """(position, year) of the phrases in [start, end) that say when something is due."""
    found: list[tuple[int, int]] = []
    periods = list(_PERIOD_RE.finditer(ctx.folded, start, end))
    for match in periods:
        found.append((match.start(), int(match.group(2))))
    first = bisect.bisect_left(ctx.year_starts, start)
    last = bisect.bisect_left(ctx.year_starts, end, first)
    for mention in ctx.years[first:last]:
        if mention.end > end or (mention.digit_after and mention.end < end):
            continue  # runs past the stretch, or on into more digits inside it
        if not mention.due or any(p.start() <= mention.year_start < p.end() for p in periods):
            continue
        found.append((mention.start, mention.year))
    return sorted(found)


def _year(ctx: _Context, figure: _Figure, seg_start: int, figures: list[_Figure]) -> int | None:
    """The statement's own year (after its cue), one right after the figure, one earlier in
    the sentence, the enclosing headings', the title's."""
    own_start = max([seg_start, *(c.end for c in ctx.cues_in(seg_start, figure.lead) if c.word)])
    own = _year_phrases(ctx, own_start, figure.lead)
    if own:
        return own[-1][1]
    following = [f.start for f in figures if f.start > figure.start]
    limit = min(
        ctx.next_after(ctx.clause_breaks, figure.stmt_end),
        ctx.next_after(ctx.sentence_starts, figure.stmt_end),
        following[0] if following else len(ctx.text),
    )
    after = _year_phrases(ctx, figure.stmt_end, limit)
    if after:
        return after[0][1]
    sentence = ctx.last_before(ctx.sentence_starts, figure.start)
    earlier = [
        year
        for _, year in _year_phrases(ctx, sentence, figure.lead)
        if ctx.ref_year is None or year >= ctx.ref_year
    ]
    if earlier:
        return earlier[-1]
    for scope in _enclosing(ctx, figure.start):
        if scope.year is not None:
            return scope.year
    return ctx.title_year


def _document(ctx: _Context, figure: _Figure) -> str | None:
    for scope in _enclosing(ctx, figure.start):
        if scope.document:
            return scope.document
    return None


_ASSIGN_AFTER = re.compile(r"\s*(?:la\s+(?:co quan\s+)?|lam\s+)?chu tri(?![\w])")
_ASSIGN_BEFORE = re.compile(r"(?<![\w])giao\s+(?:cho\s+)?$")


def _agency(ctx: _Context, figure: _Figure) -> str | None:
    """`Giao Sở Y tế chủ trì, phấn đấu …`: an assignment earlier in the figure's sentence names
    who answers for it."""
    start = ctx.last_before(ctx.sentence_starts, figure.start)
    end = figure.lead
    for mention in reversed(ctx.agencies):
        if not (start <= mention.span.start and mention.span.end <= end):
            continue
        if _ASSIGN_AFTER.match(ctx.folded, mention.span.end) or _ASSIGN_BEFORE.search(
            ctx.folded, max(0, mention.span.start - 12), mention.span.start
        ):
            return mention.id
    return None


# --- the extractor -------------------------------------------------------------------------


def _context(analysis: Analysis) -> _Context:
    """The text's structure, cues and year phrases, found once for all its figures."""
    text = analysis.text
    rules = _rules()
    documents = analysis.of_kind(DocumentMention)
    ctx = _Context(
        text=text.text,
        folded=text.folded,
        body_end=text.body_end,
        rules=rules,
        ref_year=_ref_year(text.folded, text.body_end),
        title_year=_text_year(rules, analysis),
        doc_spans=[((m.phrase or m.span).start, (m.phrase or m.span).end) for m in documents],
        doc_mentions=documents,
        agencies=analysis.of_kind(AgencyMention),
    )
    ctx.quotes, ctx.parens = _pairs(text.text)
    ctx.quote_starts = [start for start, _ in ctx.quotes]
    ctx.paren_starts = [start for start, _ in ctx.parens]
    ctx.years = _year_mentions(ctx)
    ctx.year_starts = [mention.start for mention in ctx.years]
    _sentences(ctx, [f.body.start for f in text.footnotes])
    ctx.cues = _cues(ctx)
    ctx.cue_starts = [cue.start for cue in ctx.cues]
    _headings(ctx)
    return ctx


def extract(analysis: Analysis) -> list[TargetMention]:
    ctx = _context(analysis)
    text = analysis.text
    figures = _figures(ctx)
    _mark_qualifiers(ctx, figures)
    for figure, following in itertools.zip_longest(figures, figures[1:]):
        limit = following.lead if following is not None else None
        figure.post_end = _after_phrase(ctx, figure, limit)[1]

    targets: list[TargetMention] = []
    last_indicator: tuple[int, str] | None = None  # (paragraph, indicator)
    previous: _Figure | None = None
    carried: int | None = None  # a qualifier's statement start, carried to its figure
    for figure in figures:
        seg_start = _segment_start(ctx, figure, previous)
        if carried is not None:
            seg_start, carried = min(seg_start, carried), None
        previous = figure
        if figure.absorbed:
            continue
        if figure.qualifier:
            carried = seg_start
            continue
        indicator, stmt_start, stmt_end = _indicator(ctx, figure, seg_start)
        paragraph = ctx.last_before(ctx.paragraph_starts, figure.start)
        if indicator:
            last_indicator = (paragraph, indicator)
        elif last_indicator and last_indicator[0] == paragraph:
            indicator = last_indicator[1]  # `(… theo kế hoạch là 52 %)` speaks of the last one
        if not indicator or not _is_plan(ctx, figure):
            continue
        start = min(stmt_start, figure.lead)
        end = max(stmt_end, figure.stmt_end)
        while start < end and text.text[start].isspace():
            start += 1
        while end > start and text.text[end - 1].isspace():
            end -= 1
        targets.append(
            TargetMention(
                span=Span(start=start, end=end),
                indicator=indicator,
                value=figure.value,
                value_max=figure.value_max,
                unit=figure.unit,
                comparator=figure.comparator,
                year=_year(ctx, figure, seg_start, figures),
                document=_document(ctx, figure),
                agency=_agency(ctx, figure),
            )
        )
    return targets


def _mark_qualifiers(ctx: _Context, figures: list[_Figure]) -> None:
    """A threshold (`từ 70 điểm trở lên`) inside what is measured is part of the indicator of
    the figure it comes with: `Tỷ lệ số xã có điểm … từ 70 điểm trở lên đạt 70%`, `có trên 90%
    số xã đạt mức … từ 90 điểm trở lên`. So is any bound right before an introduced figure."""

    def joined(start: int, end: int) -> bool:
        return (
            start <= end and end - start < 200 and not re.search(r"[,;.:\n]", ctx.folded[start:end])
        )

    for first, second in itertools.pairwise(figures):
        if (
            first.comparator in {"atLeast", "atMost"}
            and not first.introduced
            and second.introduced
            and joined(first.stmt_end, second.lead)
        ):
            first.qualifier = True
        elif second.threshold and not second.qualifier and joined(first.stmt_end, second.lead):
            second.qualifier = True
            second.absorbed = True
