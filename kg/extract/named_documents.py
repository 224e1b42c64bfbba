"""Documents named without a symbol, and generic mentions of document types.

- Congress resolutions: `Nghị quyết Đại hội đại biểu Đảng bộ tỉnh Cao Bằng lần thứ XX, nhiệm kỳ
  2025 - 2030`, `Nghị quyết Đại hội XIV của Đảng`, the alias `(sau đây gọi là Nghị quyết Đại hội)`.
- Other named documents from `named_documents.toml` (strategies, plannings, laws, breakthroughs).
- Composite names: `Kế hoạch thực hiện Đề án số 02-ĐA/TU`, `Kế hoạch triển khai Quy hoạch tỉnh …`.
- Generic mentions (`các Chương trình trọng tâm`): no identity of their own; a footnote may list
  the documents they stand for.
"""

from __future__ import annotations

import bisect
import itertools
import re
from functools import cache

from kg.extract.gazetteer_starts import phrase_starts
from kg.extract.patterns import class_of_words, type_words_pattern
from kg.lexicon import lexicon, load_toml
from kg.models import Analysis, DocumentMention, Span
from kg.normalise.fold import fold_words
from kg.normalise.ocr import finditer_at, tolerant, tolerant_any

_ROMAN = r"[IVXLC]{1,7}"
_PERIOD = (
    r"(?:,?\s*(?:giai doan|nhiem ky|thoi ky)\s+(?:19|20)\d\d\s*[-–]\s*(?:19|20)\d\d"
    r"(?:\s*,?\s*tam nhin\s+(?:den\s+)?(?:nam\s+)?(?:19|20)\d\d)?"
    r"|\s+den\s+nam\s+(?:19|20)\d\d(?:\s*,?\s*tam nhin\s+(?:den\s+)?(?:nam\s+)?(?:19|20)\d\d)?"
    r"|\s+(?:nam\s+)?(?:19|20)\d\d\s*[-–]\s*(?:19|20)\d\d|\s+nam\s+(?:19|20)\d\d)"
)
_PERIOD_RE = re.compile(_PERIOD)
# a name that ends on a function word was cut mid-phrase
_DANGLING = re.compile(r"\s(?:va|cua|cac|viec|o|mot|dat|nhat|trong|lam)\W*\Z")
_T = tolerant
_CONGRESS = re.compile(
    rf"{_T('nghị quyết')}\s+(?:{_T('đại hội')}|dh)"
    rf"(?P<body>(?:\s+{_T('đại biểu')})?(?:\s+(?:{_T('toàn quốc')}|{_T('đảng bộ tỉnh')}|"
    rf"{_T('đảng bộ')}|tinh))?)"
    rf"(?:(?P<place>(?:\s+(?!lan\b|nhiem\b|cua\b)[a-z]+){{0,3}})\s+{_T('lần thứ')}\s+"
    r"(?P<ordinal>[ivxlc]{1,7})"
    r"|\s+(?P<ordinal2>[ivxlc]{1,7}))?(?![a-z])"
    rf"(?P<tail>(?:\s+(?:{_T('của đảng bộ tỉnh')}|{_T('của đảng')}|{_T('đảng bộ tỉnh')}|"
    rf"{_T('đảng bộ')}))?)"
    rf"(?P<term>,?\s*{_T('nhiệm kỳ')}\s+(?:19|20)\d\d\s*[-–]\s*(?:19|20)\d\d)?"
)
_ALIAS = re.compile(
    r"\(\s*(?:sau day goi (?:tat )?la|sau day viet tat la|goi tat la)\s+([^)]{3,60})\)"
)


@cache
def _config() -> tuple[list[dict], re.Pattern[str], int, list[str]]:
    data = load_toml("named_documents.toml")
    rows = sorted(data["named"], key=lambda r: len(r["head"]), reverse=True)
    ends = sorted((fold_words(w) for w in data["limits"]["end_words"]), key=len, reverse=True)
    end_re = re.compile(rf"[;.:()\n]|\s(?:{'|'.join(re.escape(w) for w in ends)})(?![a-z])")
    return rows, end_re, data["congress"]["national_max_ordinal"], data["generic"]["extra_words"]


_COMMA_END = re.compile(r",")


def roman_value(roman: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    total = 0
    for index, ch in enumerate(roman):
        value = values[ch]
        if index + 1 < len(roman) and values[roman[index + 1]] > value:
            total -= value
        else:
            total += value
    return total


def extract(analysis: Analysis) -> list[DocumentMention]:
    taken = [
        (c.phrase.start, c.phrase.end)
        for c in analysis.of_kind(DocumentMention)
        if c.phrase is not None
    ]
    found: list[DocumentMention] = []
    found.extend(_congress(analysis, taken))
    taken.extend((m.span.start, m.span.end) for m in found)
    found.extend(_named(analysis, taken))
    taken.extend((m.span.start, m.span.end) for m in found)
    found.extend(_composite(analysis, found))
    found.extend(_generic(analysis, taken + [(m.span.start, m.span.end) for m in found]))
    return found


def _congress(analysis: Analysis, taken: list[tuple[int, int]]) -> list[DocumentMention]:
    text, folded = analysis.text.text, analysis.text.folded
    _rows, _ends, national_max, _extra = _config()
    found = []
    aliases = {m.group(1).strip(): m for m in _ALIAS.finditer(folded)}
    for match in _CONGRESS.finditer(folded):
        if _overlaps(match.start(), match.end(), taken):
            continue
        group = "ordinal" if match.group("ordinal") else "ordinal2"
        ordinal = text[match.start(group) : match.end(group)] if match.group(group) else None
        if ordinal and not ordinal.isupper():
            continue  # a lower-case word after `Nghị quyết Đại hội`, not a Roman numeral
        end = match.end()
        scope_words = f"{match.group('body')} {match.group('place') or ''} {match.group('tail')}"
        national = re.search(_T("toàn quốc"), scope_words) or re.search(
            rf"{_T('của đảng')}(?!\s+{_T('bộ')})", scope_words
        )
        if national:
            level = "national"
        elif "tinh" in scope_words or re.search(_T("đảng bộ"), scope_words):
            level = "province"
        elif ordinal:
            level = "national" if roman_value(ordinal) <= national_max else "province"
        else:
            level = None
        term = re.findall(r"(?:19|20)\d\d", match.group("term") or "")
        surface = text[match.start() : end].rstrip(" ,")
        key_parts = ["congress", level or "unknown", ordinal or "", "-".join(term)]
        is_alias = fold_words(surface) in aliases
        found.append(
            DocumentMention(
                span=Span(start=match.start(), end=match.start() + len(surface)),
                name=surface,
                name_key="|".join(key_parts)
                if not is_alias or ordinal
                else "alias|" + fold_words(surface),
                doc_class="Resolution",
                phrase=Span(start=match.start(), end=match.start() + len(surface)),
            )
        )
    return _resolve_aliases(found, aliases)


def _resolve_aliases(
    found: list[DocumentMention], aliases: dict[str, re.Match[str]]
) -> list[DocumentMention]:
    """`X (sau đây gọi là Nghị quyết Đại hội)`: later bare mentions of the alias are X."""
    resolved = []
    for mention in found:
        key = mention.name_key or ""
        if key.startswith("alias|"):
            alias = key.removeprefix("alias|")
            definition = aliases.get(alias)
            antecedents = [
                m
                for m in found
                if definition is not None
                and m.span.end <= definition.start()
                and not (m.name_key or "").startswith("alias|")
            ]
            if antecedents:
                target = max(antecedents, key=lambda m: m.span.end)
                mention = mention.model_copy(update={"name_key": target.name_key})
        resolved.append(mention)
    return resolved


def _named(analysis: Analysis, taken: list[tuple[int, int]]) -> list[DocumentMention]:
    text, folded = analysis.text.text, analysis.text.folded
    rows, end_re, _max, _extra = _config()
    found: list[DocumentMention] = []
    starts = phrase_starts(folded)
    for row in rows:
        pattern = _head_pattern(row["head"])
        for match in finditer_at(pattern, starts[_head_list(row["head"])], folded):
            if _overlaps(match.start(), match.end(), taken) or _overlaps(
                match.start(), match.end(), [(m.span.start, m.span.end) for m in found]
            ):
                continue
            max_words = row.get("max_words", 14)
            stop = end_re.search(folded, match.end())
            limit = stop.start() if stop else len(folded)
            if not row.get("commas", False):
                comma = _COMMA_END.search(folded, match.end(), limit)
                limit = comma.start() if comma else limit
            period = _PERIOD_RE.search(folded, match.end(), limit + 60)
            if period and period.start() <= limit + 1:
                # a period phrase closes the name; a breakthrough's period belongs to its plan
                name_end = period.end() if row.get("keep_period", True) else period.start()
                if len(folded[match.end() : name_end].split()) > max_words + 6:
                    continue
            else:
                name_end, natural = _name_end(folded, match.end(), limit, max_words)
                if row.get("needs_period") or not natural:
                    continue
            if _DANGLING.search(folded, match.end(), name_end):
                continue
            following = text[match.end() : name_end].split()
            if not following:
                continue
            if row.get("proper") and not (following[0][:1].isupper()):
                continue
            # lower-case `chiến lược` is a word unless a proper name follows it
            lowered = not row["head"][:1].islower() and text[match.start()].islower()
            if lowered and not following[0][:1].isupper():
                continue
            surface = text[match.start() : name_end].rstrip(" ,")
            found.append(
                DocumentMention(
                    span=Span(start=match.start(), end=match.start() + len(surface)),
                    name=surface,
                    name_key="named|" + _name_key(surface),
                    doc_class=row["class"],
                    phrase=Span(start=match.start(), end=match.start() + len(surface)),
                    generic=False,
                    title="object-only" if row.get("object_only") else None,
                )
            )
    return found


@cache
def _head_pattern(head: str) -> re.Pattern[str]:
    """A named document's head word (tried where `phrase_starts` finds it)."""
    return re.compile(rf"(?<![a-z]){tolerant(head)}(?![a-z])")


def _head_list(head: str) -> str:
    return f"named_documents.head:{head}"


# the shared scan (`kg.extract.gazetteer_starts`) for this module's phrases: anywhere
STARTS = "phrase"


def start_phrases() -> dict[str, list[str]]:
    """The phrase lists whose starts `phrase_starts` finds for this module: each named
    document's head, and the type words with the extra generic words."""
    rows, _ends, _max, extra = _config()
    type_words = [w for t in lexicon().document_types for w in t.words]
    return {
        **{_head_list(row["head"]): [row["head"]] for row in rows},
        "named_documents.generic": [*type_words, *extra],
    }


def _name_end(folded: str, start: int, limit: int, max_words: int) -> tuple[int, bool]:
    """Where a name ends, and whether it ended naturally (not cut at `max_words`)."""
    words = list(re.finditer(r"\S+", folded[start:limit]))
    natural = len(words) <= max_words
    words = words[:max_words]
    return (start + words[-1].end() if words else start), natural


def _name_key(name: str) -> str:
    return lexicon().name_key(name)


_COMPOSITE = re.compile(
    r"(ke hoach|chuong trinh|de an)\s+(thuc hien|trien khai(?: thuc hien)?)\s+$"
)


def _composite(analysis: Analysis, named: list[DocumentMention]) -> list[DocumentMention]:
    """`Kế hoạch thực hiện Đề án số 02-ĐA/TU`: a document named after the one it implements."""
    text, folded = analysis.text.text, analysis.text.folded
    targets = [m for m in analysis.of_kind(DocumentMention) if m.phrase] + [
        m for m in named if m.title != "object-only"
    ]
    found = []
    for target in targets:
        start = target.phrase.start
        before = folded[max(0, start - 40) : start]
        match = _COMPOSITE.search(before)
        if not match:
            continue
        head_start = start - (len(before) - match.start())
        if (
            text[head_start].islower()
            or folded[max(0, head_start - 4) : head_start].strip() == "cac"
        ):
            continue  # `các kế hoạch triển khai …` is generic
        end = target.span.end
        surface = text[head_start:end]
        found.append(
            DocumentMention(
                span=Span(start=head_start, end=end),
                name=surface,
                name_key="named|" + _name_key(surface),
                doc_class=class_of_words(match.group(1)) or "Document",
                phrase=Span(start=head_start, end=end),
            )
        )
    return found


def _generic(analysis: Analysis, taken: list[tuple[int, int]]) -> list[DocumentMention]:
    """Type words with no identity after them: stand-ins that a footnote can expand."""
    folded = analysis.text.folded
    pattern = _generic_pattern()
    taken_spans = _SpanIndex(taken)
    found = []
    for match in finditer_at(pattern, phrase_starts(folded)["named_documents.generic"], folded):
        if taken_spans.overlaps(match.start(), match.end()):
            continue
        following = folded[match.end() : match.end() + 6]
        if re.match(r"\s+(?:so\b|\d)", following):
            continue  # a symbol follows: the symbol extractor has it
        found.append(
            DocumentMention(
                span=Span(start=match.start(), end=match.end()),
                doc_class=class_of_words(match.group()) or "Document",
                generic=True,
                phrase=Span(start=match.start(), end=match.end()),
            )
        )
    return found


@cache
def _generic_pattern() -> re.Pattern[str]:
    """Type words and the extra generic words (tried where `phrase_starts` finds them)."""
    _rows, _ends, _max, extra = _config()
    words = type_words_pattern().pattern
    extra_words = tolerant_any(extra)
    return re.compile(rf"(?:{words[:-3]}|{extra_words})\b)")


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


class _SpanIndex:
    """`_overlaps` for a fixed list of spans asked many times: sorted by start, with the
    furthest end reached so far, so a question is one bisection."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.starts = [start for start, _ in ordered]
        self.reach = list(itertools.accumulate((end for _, end in ordered), max))

    def overlaps(self, start: int, end: int) -> bool:
        before_end = bisect.bisect_left(self.starts, end)  # the spans starting before `end`
        return before_end > 0 and self.reach[before_end - 1] > start
