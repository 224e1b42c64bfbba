"""Relations between documents, each with the stretch of text that states it.

The rules, in the order a reader applies them:
1. Subject, cue, object in one clause: `Kế hoạch số 190-KH/TU, ngày … thực hiện Nghị quyết …`.
   The subject is the nearest document before the cue in the clause (`;` and sentence ends close a
   clause); the objects are the document right after the cue and those enumerated after it.
2. A clause that opens with a cue speaks for someone: `Thực hiện X; Y, [cơ quan] hướng dẫn …`.
   If the sentence goes on to `ban hành` documents, they are the subjects (`Để triển khai thực hiện
   X …, HĐND tỉnh đã ban hành Nghị quyết số 53/2021/HĐND`); near the start of the text it is the
   text's own voice, and the subject is the file itself.
3. A section headed `Đối với X` is about X: the text guides X, and a relation in the section with
   no subject of its own has X as subject.
4. A footnote expands the generic words it is anchored to (`Chương trình hành động và các Chương
   trình trọng tâm, Kế hoạch …¹`): what is said of them is said of each document it lists.
5. The issuer: `X, ngày …, của [cơ quan]`, `[cơ quan] (đã) ban hành X`, and the text's own voice
   (`…, Ban Tuyên giáo và Dân vận Tỉnh uỷ hướng dẫn …`).
Cues are rows of `relation_cues.toml`; matching is on the folded text.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass
from functools import cache

from kg.extract import agencies
from kg.extract.gazetteer_starts import word_starts
from kg.lexicon import RelationCue, lexicon
from kg.models import (
    SOURCE,
    AgencyMention,
    Analysis,
    DocumentMention,
    RelationCandidate,
    Span,
)
from kg.normalise.fold import fold_words
from kg.normalise.ocr import finditer_at, tolerant, tolerant_any

MAX_SUBJECT_DISTANCE = 260
MAX_FILLER_WORDS = 3
MAX_ENUMERATION_GAP = 260
PREAMBLE_SHARE = 0.15
PREAMBLE_MIN = 2500
FOOTNOTE_LEAD = 60


@cache
def _verbs() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(speech verb after an agency, issue verb right before a document, issue verb after an
    agency), from the lexicon's verb lists."""
    lex = lexicon()
    speech, issue = tolerant_any(lex.speech_verbs), tolerant_any(lex.issue_verbs)
    return (
        re.compile(rf"\s*(?:da\s+)?(?:{speech})\b"),
        re.compile(rf"\s*(?:da\s+)?(?:{issue})\s+(?:cac\s+)?$"),
        re.compile(rf"\s*(?:da\s+)?(?:{issue})\b"),
    )


_LIST_MARKER = re.compile(r"(?:[-+•*]\s*|\(?\d{1,2}[.)]\s*|\([ivx]{1,4}\)\s*|[ivx]{1,4}[.)]\s*)+$")
# what ends a `_LIST_MARKER` at the end of a string that does not end in white space
_LIST_MARKER_LAST = frozenset("-+•*.)")
# `. X` (not a digit or lower case after), a line break, `:` at a line end: what follows starts
# a sentence. Each alternative is picked by its first character, which comes first so that the
# scan skips to those characters: `(?:[.!?…]\s+(?=[^\s\da-zđ])|\n\s*|:\s*\n)` as it matches.
_SENTENCE_BREAK = re.compile(r"[.!?…\n:](?:(?<=[.!?…])\s+(?=[^\s\da-zđ])|(?<=\n)\s*|(?<=:)\s*\n)")
_SEPARATOR_END = re.compile(r"(?:,|;|\bva|\bcung|\bhoac)\s*(?:\(\d{1,2}\)\s*)?$")
_ALIAS_OPEN = re.compile(r"\s*\(\s*(?:sau day goi (?:tat )?la|sau day viet tat la|goi tat la)\s*")
_HEADING = re.compile(r"(?m)^\s*(?:[IVX]{1,5}|\d{1,2})[.\-]\s*(Đối với|Doi voi|đối với)\s+")


@dataclass
class _Cue:
    start: int
    end: int
    cue: RelationCue


@cache
def _cue_pattern() -> tuple[re.Pattern[str], dict[str, RelationCue]]:
    """One named group per cue (longest first), each tolerant of OCR spellings (tried where
    `word_starts` finds a cue's words)."""
    cues = sorted(lexicon().cues, key=lambda c: (-len(c.words), c.words))
    groups = {f"c{index}": cue for index, cue in enumerate(cues)}
    alternation = "|".join(f"(?P<{name}>{tolerant(cue.words)})" for name, cue in groups.items())
    return re.compile(rf"(?<![\w])(?:{alternation})(?![\w])"), groups


# the shared scan (`kg.extract.gazetteer_starts`) for this module's phrases: whole words
STARTS = "word"


def start_phrases() -> dict[str, list[str]]:
    """The phrase lists whose starts `word_starts` finds for this module."""
    return {"relations.cues": [cue.words for cue in lexicon().cues]}


class _Doc:
    """What the relation rules know of one document mention."""

    def __init__(self, mention: DocumentMention) -> None:
        self.mention = mention
        self.id = mention.id
        self.start = (mention.phrase or mention.span).start
        self.end = (mention.phrase or mention.span).end
        self.generic = mention.generic
        self.object_only = mention.title == "object-only"


class _Phrases:
    """Phrases (start, end), to ask of a span whether one of them holds it."""

    def __init__(self, phrases: list[tuple[int, int]]) -> None:
        self.phrases = sorted(phrases)
        self.starts = [start for start, _ in self.phrases]
        # the furthest end among the phrases up to each: one bisection answers for all before
        self.reach = list(itertools.accumulate((end for _, end in self.phrases), max))

    def inside(self, span: Span) -> bool:
        """Is `span` inside one of the phrases, and not that phrase itself? One starting before
        it must reach its end; one starting with it must reach past its end."""
        before = bisect.bisect_left(self.starts, span.start)
        if before and self.reach[before - 1] >= span.end:
            return True
        with_it = bisect.bisect_right(self.starts, span.start, before)
        return any(end > span.end for _, end in self.phrases[before:with_it])


class _Context:
    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.text = analysis.text.text
        self.folded = analysis.text.folded
        self.body_end = analysis.text.body_end
        mentions = [m for m in analysis.of_kind(DocumentMention)]
        # drop generic words inside another mention's phrase (bounds as tuples: compared for
        # every generic word against every phrase, Span objects would be slow to compare)
        phrases = _Phrases(
            [(p.start, p.end) for p in (m.phrase or m.span for m in mentions if not m.generic)]
        )
        docs = [_Doc(m) for m in mentions if not (m.generic and phrases.inside(m.span))]
        self.docs = sorted(docs, key=lambda d: (d.start, d.end))
        self.doc_starts = [d.start for d in self.docs]
        self.sentence_starts = self._sentence_starts()
        self.clause_breaks = sorted(
            {m.start() for m in re.finditer(r";", self.text)} | set(self.sentence_starts)
        )
        pattern, cues = _cue_pattern()
        starts = word_starts(self.folded)["relations.cues"]
        self.cues = [
            _Cue(m.start(), m.end(), cues[m.lastgroup])
            for m in finditer_at(pattern, starts, self.folded)
        ]
        self.cue_starts = [c.start for c in self.cues]
        self.agencies = sorted(analysis.of_kind(AgencyMention), key=lambda a: a.span.start)
        self.agency_starts = [a.span.start for a in self.agencies]
        self.named_spans = sorted((d.start, d.end) for d in self.docs if d.mention.name)
        self.named_starts = [start for start, _ in self.named_spans]

    def _sentence_starts(self) -> list[int]:
        starts = {0, self.body_end}
        for match in _SENTENCE_BREAK.finditer(self.text):
            starts.add(match.end())
        for footnote in self.analysis.text.footnotes:
            starts.add(footnote.body.start)
        return sorted(starts)

    def sentence_start(self, position: int) -> int:
        index = bisect.bisect_right(self.sentence_starts, position) - 1
        return self.sentence_starts[max(0, index)]

    def sentence_end(self, position: int) -> int:
        index = bisect.bisect_right(self.sentence_starts, position)
        return self.sentence_starts[index] if index < len(self.sentence_starts) else len(self.text)

    def clause_start(self, position: int) -> int:
        index = bisect.bisect_right(self.clause_breaks, position) - 1
        return self.clause_breaks[max(0, index)] if index >= 0 else 0

    def clause_end(self, position: int) -> int:
        index = bisect.bisect_right(self.clause_breaks, position)
        return self.clause_breaks[index] if index < len(self.clause_breaks) else len(self.text)

    def docs_between(self, start: int, end: int) -> list[_Doc]:
        lo = bisect.bisect_left(self.doc_starts, start)
        hi = bisect.bisect_left(self.doc_starts, end)
        return self.docs[lo:hi]

    def cues_between(self, start: int, end: int) -> list[_Cue]:
        lo = bisect.bisect_left(self.cue_starts, start)
        hi = bisect.bisect_left(self.cue_starts, end)
        return [c for c in self.cues[lo:hi] if c.end <= end]

    def cue_between(self, start: int, end: int) -> bool:
        return bool(self.cues_between(start, end))

    def agencies_between(self, start: int, end: int) -> list[AgencyMention]:
        lo = bisect.bisect_left(self.agency_starts, start)
        hi = bisect.bisect_left(self.agency_starts, end)
        return [a for a in self.agencies[lo:hi] if a.span.end <= end]

    def in_doc(self, start: int, end: int) -> bool:
        """True when [start, end) lies inside a named document's own name."""
        index = bisect.bisect_right(self.named_starts, start) - 1
        # names barely nest: the few names starting just before are enough to look at
        for named_start, named_end in self.named_spans[max(0, index - 3) : index + 1]:
            if named_start <= start and end <= named_end:
                return True
        return False


def extract(analysis: Analysis) -> list[RelationCandidate]:
    ctx = _Context(analysis)
    relations: dict[str, RelationCandidate] = {}

    def add(predicate: str, subject: str, obj: str, start: int, end: int, cue: str | None) -> None:
        if subject == obj:
            return
        candidate = RelationCandidate(
            predicate=predicate,
            subject=subject,
            object=obj,
            evidence=Span(start=start, end=end),
            cue=cue,
        )
        relations.setdefault(candidate.id, candidate)

    sections = _sections(ctx)
    for heading_start, doc in sections.items():
        add("guides", SOURCE, doc.id, heading_start, doc.end, "đối với")

    for cue in ctx.cues:
        if ctx.in_doc(cue.start, cue.end) or _is_nominal(ctx, cue):
            continue
        _apply_cue(ctx, cue, sections, add)

    _composites(ctx, add)
    _issuers(ctx, add)
    expanded = _expand_footnotes(ctx, list(relations.values()))
    return sorted(expanded, key=lambda r: (r.evidence.start, r.evidence.end, r.id))


def _apply_cue(ctx: _Context, cue: _Cue, sections: dict[int, _Doc], add) -> None:
    relation = cue.cue.relation
    objects = _objects_after(ctx, cue)
    if not objects:
        return
    opening = cue.cue.opens and _is_opening(ctx, cue)
    sentence_end = ctx.sentence_end(cue.start)
    if opening:
        issued = _issued_in_sentence(ctx, objects[-1].end, sentence_end)
        # a document that states its own `thực hiện X` does not inherit the sentence's purpose
        subjects = [doc for doc in issued if not _has_own_cue(ctx, doc)]
        if issued:
            for subject in subjects:
                for obj in objects:
                    add(
                        relation,
                        subject.id,
                        obj.id,
                        cue.start,
                        max(obj.end, subject.end),
                        cue.cue.words,
                    )
            return
        if _in_preamble(ctx, cue.start):
            for obj in objects:
                add(relation, SOURCE, obj.id, cue.start, obj.end, cue.cue.words)
            return
    subject = _subject_before(ctx, cue)
    if subject is None:
        subject = _section_subject(sections, cue.start)
        evidence_start = cue.start
    else:
        evidence_start = subject.start
    if subject is None:
        return
    for obj in objects:
        add(relation, subject.id, obj.id, evidence_start, obj.end, cue.cue.words)


@cache
def _nominal_pattern() -> re.Pattern[str]:
    words = sorted((fold_words(w) for w in lexicon().nominal_before), key=len, reverse=True)
    return re.compile(rf"(?<![\w])(?:{'|'.join(re.escape(w) for w in words)})\s+$")


def _is_nominal(ctx: _Context, cue: _Cue) -> bool:
    """`kết quả thực hiện X`: the cue names an activity; nothing is said to implement X."""
    return bool(_nominal_pattern().search(ctx.folded, max(0, cue.start - 20), cue.start))


def _is_opening(ctx: _Context, cue: _Cue) -> bool:
    """The cue opens its sentence (after a list marker, `Để`, `Nhằm`), or is capitalised."""
    if ctx.text[cue.start].isupper():
        return True
    before = ctx.folded[ctx.sentence_start(cue.start) : cue.start]
    before = _without_list_marker(before.strip())
    return before in ("", "de", "nham", "de tiep tuc", "tiep tuc")


def _without_list_marker(words: str) -> str:
    """`words` (not ending in white space) without the list markers that end it."""
    if not words or words[-1] not in _LIST_MARKER_LAST:
        return words  # most do not end in one: no scan needed
    return _LIST_MARKER.sub("", words)


def _in_preamble(ctx: _Context, position: int) -> bool:
    limit = max(PREAMBLE_MIN, int(ctx.body_end * PREAMBLE_SHARE))
    return position < limit


def _objects_after(ctx: _Context, cue: _Cue) -> list[_Doc]:
    """The document right after the cue, and the ones enumerated after it."""
    opening = cue.cue.opens and _is_opening(ctx, cue)
    limit = ctx.sentence_end(cue.end) if opening else ctx.clause_end(cue.end)
    candidates = [d for d in ctx.docs_between(cue.end, limit) if d.start >= cue.end]
    if not candidates:
        return []
    first = candidates[0]
    filler = _without_agencies(ctx, cue.end, first.start)
    if re.search(r"[,;.:()]", filler) or len(filler.split()) > MAX_FILLER_WORDS:
        if not (opening and ctx.folded[cue.start : cue.start + 2] == "de"):
            return []
        # `Để triển khai thực hiện chính sách … theo Nghị quyết số 21-NQ/TW`: the purpose clause
        first = candidates[0]
    objects = [first]
    previous = first
    for doc in candidates[1:]:
        if doc.start < previous.end:
            continue
        gap = ctx.folded[previous.end : doc.start]
        if doc.start - previous.end > MAX_ENUMERATION_GAP:
            break
        if ctx.cue_between(previous.end, doc.start) and not _SEPARATOR_END.search(gap.rstrip()):
            break
        if ctx.cue_between(previous.end, doc.start):
            # another cue stands between: the next document belongs to it
            break
        stripped = _without_list_marker(gap.rstrip()).rstrip()
        if not (
            _SEPARATOR_END.search(stripped)
            or re.fullmatch(r"\s*\(?", gap)
            or _ALIAS_OPEN.fullmatch(gap)  # `X (sau đây gọi là Y)`: Y is X again
        ):
            break
        if ";" in gap and not opening:
            break
        objects.append(doc)
        previous = doc
    return objects


def _without_agencies(ctx: _Context, start: int, end: int) -> str:
    """The folded text between two points with agency names taken out: `đề nghị của Bộ Tài chính
    tại Công văn số …` reaches its document over the agency that wrote it."""
    pieces, cursor = [], start
    for agency in ctx.agencies_between(start, end):
        if agency.span.start >= cursor:
            pieces.append(ctx.folded[cursor : agency.span.start])
            cursor = agency.span.end
    pieces.append(ctx.folded[cursor:end])
    return " ".join(pieces)


def _subject_before(ctx: _Context, cue: _Cue) -> _Doc | None:
    """The nearest document before the cue in its clause; generic words only when the clause
    names no document (a footnote may then say which ones they are)."""
    start = max(ctx.clause_start(cue.start), cue.start - MAX_SUBJECT_DISTANCE)
    before = ctx.docs_between(start, cue.start)
    specific = [d for d in before if not d.generic]
    return _nearest_subject(ctx, cue, specific, start) or _nearest_subject(
        ctx, cue, [d for d in before if d.generic], start
    )


def _nearest_subject(ctx: _Context, cue: _Cue, docs: list[_Doc], start: int) -> _Doc | None:
    for doc in reversed(docs):
        if doc.end > cue.start or doc.object_only:
            continue
        # a document that is itself the object of an earlier cue in the clause is not the subject
        between = ctx.folded[doc.end : cue.start]
        if re.search(r"[.!?]\s", between):
            return None
        if _was_object(ctx, doc, start):
            continue
        return doc
    return None


def _was_object(ctx: _Context, doc: _Doc, clause_start: int) -> bool:
    for cue in ctx.cues_between(clause_start, doc.start):
        if not _is_nominal(ctx, cue):
            filler = ctx.folded[cue.end : doc.start]
            if not re.search(r"[,;.:()]", filler) and len(filler.split()) <= MAX_FILLER_WORDS:
                return True
    return False


def _has_own_cue(ctx: _Context, doc: _Doc) -> bool:
    end = ctx.clause_end(doc.end)
    for cue in ctx.cues_between(doc.end, end):
        if cue.cue.relation == "implements":
            after = ctx.docs_between(cue.end, end)
            if after:
                filler = ctx.folded[cue.end : after[0].start]
                if not re.search(r"[,;.:()]", filler) and len(filler.split()) <= MAX_FILLER_WORDS:
                    return True
    return False


def _issued_in_sentence(ctx: _Context, start: int, end: int) -> list[_Doc]:
    """Documents the rest of the sentence says were issued (`… đã ban hành Nghị quyết số …`):
    the first right after the verb, the next ones enumerated after it."""
    docs = [d for d in ctx.docs_between(start, end) if not d.generic and not d.object_only]
    issued: list[_Doc] = []
    for doc in docs:
        before = ctx.folded[max(start, doc.start - 40) : doc.start]
        if _verbs()[1].search(before) or (issued and _SEPARATOR_END.search(before.rstrip())):
            issued.append(doc)
    return issued


def _sections(ctx: _Context) -> dict[int, _Doc]:
    """Headings `I. Đối với Chương trình … số 06-CTr/TU …`: the document each section is about."""
    found: dict[int, _Doc] = {}
    for match in _HEADING.finditer(ctx.text, 0, ctx.body_end):
        for doc in ctx.docs_between(match.end(), match.end() + 80):
            if doc.mention.symbol:
                found[match.start(1)] = doc
                break
    return found


def _section_subject(sections: dict[int, _Doc], position: int) -> _Doc | None:
    starts = sorted(sections)
    index = bisect.bisect_right(starts, position) - 1
    return sections[starts[index]] if index >= 0 else None


def _composites(ctx: _Context, add) -> None:
    """`Kế hoạch thực hiện Đề án số 02-ĐA/TU` implements the document it is named after."""
    for doc in ctx.docs:
        name = doc.mention.name
        if not name or doc.generic or not doc.mention.name_key:
            continue
        match = re.match(
            r"(?:ke hoach|chuong trinh|de an)\s+(thuc hien|trien khai(?: thuc hien)?)\s",
            fold_words(name),
        )
        if not match:
            continue
        for inner in ctx.docs_between(doc.start + 1, doc.end):
            if inner is not doc and inner.end <= doc.end:
                add("implements", doc.id, inner.id, doc.start, doc.end, match.group(1))
                break


def _issuers(ctx: _Context, add) -> None:
    by_span = {(a.span.start, a.span.end): a for a in ctx.agencies}
    for doc in ctx.docs:
        mention = doc.mention
        if mention.issuer_span is not None:
            agency_id = _agency_id(by_span, mention.issuer_span)
            add("issuedBy", doc.id, agency_id, doc.start, mention.issuer_span.end, "của")
    # `[cơ quan] (đã) ban hành Kế hoạch số …`
    for agency in ctx.agencies:
        after = _verbs()[2].match(ctx.folded, agency.span.end)
        if not after:
            continue
        for doc in ctx.docs_between(after.end(), after.end() + 30):
            if doc.mention.symbol:
                add("issuedBy", doc.id, agency.id, agency.span.start, doc.end, "ban hành")
                break
    # the text's own voice: `Thực hiện …, Ban Tuyên giáo … hướng dẫn …` near the start
    for agency in ctx.agencies:
        if not _in_preamble(ctx, agency.span.start):
            continue
        before = ctx.text[max(0, agency.span.start - 3) : agency.span.start]
        if not re.search(r"[,;]\s*$", before):
            continue
        speech = _verbs()[0].match(ctx.folded, agency.span.end)
        if speech:
            add("issuedBy", SOURCE, agency.id, agency.span.start, speech.end(), None)
            break


def _clause_text_start(ctx: _Context, position: int) -> int:
    """The first word of a clause (past the `;` and spaces that open it)."""
    while position < len(ctx.text) and (
        ctx.text[position] in ";, " or ctx.text[position].isspace()
    ):
        position += 1
    return position


def _listing_end(ctx: _Context, doc: _Doc, limit: int) -> int:
    """Where a document's entry in a footnote list ends (`;` or the end of the note)."""
    stop = re.compile(r"[;]|\n").search(ctx.text, doc.end, limit)
    return stop.start() if stop else limit


def _agency_id(by_span: dict[tuple[int, int], AgencyMention], span: Span) -> str:
    exact = by_span.get((span.start, span.end))
    if exact:
        return exact.id
    for (start, end), agency in by_span.items():
        if start <= span.start < end or span.start <= start < span.end:
            return agency.id
    return f"agency:{span.key}"


def _expand_footnotes(ctx: _Context, relations: list[RelationCandidate]) -> list[RelationCandidate]:
    """Say of each document a footnote lists what the text says of the words it annotates."""
    by_id = {d.id: d for d in ctx.docs}
    result = list(relations)
    for footnote in ctx.analysis.text.footnotes:
        body = footnote.body
        listed_objects = {
            r.object
            for r in relations
            if body.start <= r.evidence.start < body.end and r.subject != SOURCE
        }
        listed = [
            d
            for d in ctx.docs_between(body.start, body.end)
            if not d.generic and d.id not in listed_objects and d.mention.symbol
        ]
        # a footnote lists documents when it enumerates them or opens with one; a document named
        # in passing in a footnote's prose does not stand for the words the footnote annotates
        if not listed or (len(listed) == 1 and listed[0].start - body.start > FOOTNOTE_LEAD):
            continue
        clause_start = ctx.clause_start(max(0, footnote.anchor - 1))
        generic_ids = {
            d.id for d in ctx.docs_between(clause_start, footnote.anchor + 1) if d.generic
        }
        if not generic_ids:
            continue
        for relation in relations:
            for side in ("subject", "object"):
                if getattr(relation, side) in generic_ids:
                    for doc in listed:
                        # evidence twice: the sentence that states it of the generic words,
                        # and the footnote line that names the document they stand for
                        start = min(relation.evidence.start, _clause_text_start(ctx, clause_start))
                        sentence = Span(start=start, end=relation.evidence.end)
                        result.append(
                            relation.model_copy(update={side: doc.id, "evidence": sentence})
                        )
                        listing = Span(start=doc.start, end=_listing_end(ctx, doc, body.end))
                        result.append(
                            relation.model_copy(update={side: doc.id, "evidence": listing})
                        )
        # an issuer named with the generic words (`các nghị quyết chiến lược của Bộ Chính trị`)
        for generic_id in generic_ids:
            generic = by_id[generic_id]
            of = re.match(
                r"\s*(?:[\w\s]{0,30}?)\bcua\s+", ctx.folded[generic.end : footnote.anchor]
            )
            if not of:
                continue
            agency = agencies.match_at(ctx.analysis.text, generic.end + of.end())
            if agency is None:
                continue
            agency_id = _agency_id(
                {(a.span.start, a.span.end): a for a in ctx.agencies}, agency.span
            )
            for doc in listed:
                result.append(
                    RelationCandidate(
                        predicate="issuedBy",
                        subject=doc.id,
                        object=agency_id,
                        evidence=Span(start=generic.start, end=agency.span.end),
                        cue="của",
                    )
                )
    # relations of generic words that no footnote expanded have no subject or object to name
    generic_all = {d.id for d in ctx.docs if d.generic}
    unique: dict[str, RelationCandidate] = {}
    for relation in result:
        if relation.subject in generic_all or relation.object in generic_all:
            continue
        unique.setdefault(relation.id, relation)
    return list(unique.values())
