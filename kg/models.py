"""Typed values passed between the pipeline's stages.

read -> SourceText -> normalise -> Text -> extract -> Analysis (Text + Candidates)
-> resolve -> Resolution (Entities + Relations, with IRIs) -> map to quads -> exports.
"""

from __future__ import annotations

import bisect
import datetime as dt
from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import Annotated, Any, Literal, overload

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler

SOURCE = "@source"
"""Reference to the document that a corpus file itself is (the text's own voice)."""


class Span(BaseModel):
    """Half-open character range [start, end) in a normalised text."""

    model_config = ConfigDict(frozen=True)

    start: int
    end: int

    @property
    def key(self) -> str:
        return f"{self.start}-{self.end}"

    def __len__(self) -> int:
        return self.end - self.start

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end


class SourceText(BaseModel):
    """One corpus file, decoded, as read from disk."""

    file_name: str = Field(description="path inside the corpus, with forward slashes")
    sha256: str
    raw: str
    encoding: str = Field(
        default="utf-8", description="how the bytes became text: utf-8, windows-1258, tcvn3, pdf…"
    )
    pages: list[int] = Field(
        default=[], description="for paged sources (PDF): offset in `raw` where each page starts"
    )


class Footnote(BaseModel):
    number: str
    anchor: int = Field(description="offset in the normalised text right after the annotated words")
    body: Span


class OffsetRun(BaseModel):
    """`length` characters of normalised text starting at `norm` copy the original from `orig`.

    Characters inserted by normalisation (a space between glued words) have length-0 runs:
    they map to the original position of the character that follows them.
    """

    model_config = ConfigDict(frozen=True)

    norm: int
    orig: int
    length: int


class OffsetRuns(Sequence[OffsetRun]):
    """A text's runs, sorted by `norm`, stored as three arrays of integers.

    A file has thousands of runs and every build loads the cached analysis of every file: as
    models they were a third of that load (each unpickled through pydantic) and of its size.
    Reading one gives an OffsetRun; mapping offsets (`to_original`) reads the arrays.
    """

    __slots__ = ("_length", "_norm", "_orig")

    def __init__(self, runs: Iterable[OffsetRun | tuple[int, int, int]] = ()) -> None:
        rows = [
            (run.norm, run.orig, run.length) if isinstance(run, OffsetRun) else run for run in runs
        ]
        # one transposition and three array constructions, not three appends a run
        norms, origs, lengths = zip(*rows, strict=True) if rows else ((), (), ())
        self._norm, self._orig, self._length = (
            array("q", norms),
            array("q", origs),
            array("q", lengths),
        )

    @classmethod
    def _from_bytes(cls, norm: bytes, orig: bytes, length: bytes) -> OffsetRuns:
        runs = cls()
        runs._norm.frombytes(norm)
        runs._orig.frombytes(orig)
        runs._length.frombytes(length)
        return runs

    def __reduce__(self) -> tuple[Any, tuple[bytes, bytes, bytes]]:
        return OffsetRuns._from_bytes, (
            self._norm.tobytes(),
            self._orig.tobytes(),
            self._length.tobytes(),
        )

    def __len__(self) -> int:
        return len(self._norm)

    @overload
    def __getitem__(self, index: int) -> OffsetRun: ...

    @overload
    def __getitem__(self, index: slice) -> list[OffsetRun]: ...

    def __getitem__(self, index: int | slice) -> OffsetRun | list[OffsetRun]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return OffsetRun(norm=self._norm[index], orig=self._orig[index], length=self._length[index])

    def __eq__(self, other: object) -> bool:
        if isinstance(other, OffsetRuns):
            return (self._norm, self._orig, self._length) == (
                other._norm,
                other._orig,
                other._length,
            )
        if isinstance(other, list | tuple):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable-looking, like the list it replaces

    def __repr__(self) -> str:
        return f"OffsetRuns({list(self)!r})"

    def to_original(self, offset: int) -> int:
        """`offset` mapped by the last run that starts at or before it."""
        index = bisect.bisect_right(self._norm, offset) - 1
        if index < 0:
            return 0
        return self._orig[index] + min(offset - self._norm[index], self._length[index])

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_plain_validator_function(
            lambda value: value if isinstance(value, OffsetRuns) else cls(_run_tuples(value)),
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda runs: [run.model_dump() for run in runs]
            ),
        )


def _run_tuples(value: Iterable[Any]) -> Iterator[OffsetRun | tuple[int, int, int]]:
    """Runs as OffsetRuns accepts them: models, (norm, orig, length), or their dicts (JSON)."""
    for run in value:
        if isinstance(run, dict):
            yield (run["norm"], run["orig"], run["length"])
        else:
            yield run


class Text(BaseModel):
    """A normalised text: NFC, lines joined, footnotes moved after the body.

    `folded` has exactly the length of `text` (lower case, no diacritics, đ -> d), so a match
    in the folded view is a span of the real text.
    """

    file_name: str
    sha256: str
    text: str
    folded: str
    runs: OffsetRuns = Field(description="the offset map: OffsetRun models, sorted by `norm`")
    footnotes: list[Footnote] = []
    body_end: int = Field(description="the body ends here; footnote bodies follow")
    encoding: str = Field(default="utf-8", description="how the file was decoded")
    pages: list[int] = Field(default=[], description="offsets in the raw text where pages start")

    def quote(self, span: Span) -> str:
        return self.text[span.start : span.end]

    def to_original(self, offset: int) -> int:
        """Map an offset of the normalised text to an offset of the original file text."""
        return self.runs.to_original(offset)

    def original_span(self, span: Span) -> Span:
        """The stretch of the raw file a span of the normalised text comes from. Its end is
        mapped from its last character, so a span reaching into a moved footnote stays ordered."""
        start = self.to_original(span.start)
        end = self.to_original(span.end - 1) + 1 if span.end > span.start else start
        return Span(start=min(start, end), end=max(start, end))


# --- candidates: what extractors find, before identity is decided ---------------------------


class DocumentMention(BaseModel):
    """A document named in the text, by symbol or by name."""

    kind: Literal["document"] = "document"
    span: Span = Field(description="the symbol, or the name, as written")
    symbol: str | None = None
    name: str | None = Field(default=None, description="for documents named without a symbol")
    name_key: str | None = Field(
        default=None, description="identity key for named documents (same key, same document)"
    )
    doc_class: str = "Document"
    date: dt.date | None = None
    issuer_code: str | None = None
    issuer_name: str | None = None
    issuer_span: Span | None = None
    title: str | None = None
    generic: bool = Field(
        default=False,
        description="a type named without identity ('các Chương trình trọng tâm'): "
        "stands for the documents a footnote lists",
    )
    phrase: Span | None = Field(
        default=None, description="the whole noun phrase: type words, symbol, date, issuer, title"
    )
    period: str | None = Field(default=None, description="`2025 - 2030` when the text gives it")

    @property
    def id(self) -> str:
        return f"document:{self.span.key}"


class AgencyMention(BaseModel):
    kind: Literal["agency"] = "agency"
    span: Span
    name: str
    canonical: str | None = None
    code: str | None = None

    @property
    def id(self) -> str:
        return f"agency:{self.span.key}"


class RelationCandidate(BaseModel):
    """A statement `subject predicate object` with the stretch of text that states it.

    `subject` and `object` are candidate ids (`document:12-20`) or SOURCE.
    """

    kind: Literal["relation"] = "relation"
    predicate: str
    subject: str
    object: str
    evidence: Span
    cue: str | None = None

    @property
    def id(self) -> str:
        return f"relation:{self.predicate}:{self.subject}:{self.object}:{self.evidence.key}"


class TargetMention(BaseModel):
    """A planned figure: `GRDP bình quân đầu người đến năm 2030 đạt từ 75 - 80 triệu đồng`."""

    kind: Literal["target"] = "target"
    span: Span = Field(description="the whole statement of the target")
    indicator: str
    value: float
    value_max: float | None = None
    unit: str | None = None
    comparator: Literal["atLeast", "atMost", "exactly", "range"] = "exactly"
    year: int | None = None
    document: str | None = Field(
        default=None, description="candidate id of the document that sets it; None: the file"
    )
    agency: str | None = Field(default=None, description="candidate id of the agency responsible")

    @property
    def id(self) -> str:
        return f"target:{self.span.key}"


class BorderGateMention(BaseModel):
    """`cửa khẩu quốc tế Trà Lĩnh`, `lối mở Nà Đoỏng`, `Khu cảnh quan Thác Bản Giốc …`."""

    kind: Literal["border_gate"] = "border_gate"
    span: Span
    name: str = Field(description="the Vietnamese-side bare name, canonical spelling")
    level: Literal[
        "international",
        "main",
        "bilateral",
        "secondary",
        "opening",
        "clearance",
        "scenic",
        "unknown",
    ] = "unknown"
    counterpart: str | None = None
    province: str | None = None

    @property
    def id(self) -> str:
        return f"border_gate:{self.span.key}"


class ProgrammeMention(BaseModel):
    """A programme named without a symbol (`Chương trình mục tiêu quốc gia giảm nghèo …`)."""

    kind: Literal["programme"] = "programme"
    span: Span
    name: str
    name_key: str
    period: str | None = None

    @property
    def id(self) -> str:
        return f"programme:{self.span.key}"


class PlaceMention(BaseModel):
    kind: Literal["place"] = "place"
    span: Span
    name: str
    place_type: Literal["province", "commune", "ward", "district", "country", "region"] = "province"

    @property
    def id(self) -> str:
        return f"place:{self.span.key}"


class SourceDocumentInfo(BaseModel):
    """What the file's own heading says about the document it is."""

    kind: Literal["source_document"] = "source_document"
    doc_class: str = "Document"
    title: str | None = None
    symbol: str | None = None
    date: dt.date | None = None
    issuer_name: str | None = None
    span: Span | None = None

    @property
    def id(self) -> str:
        return SOURCE


Candidate = Annotated[
    DocumentMention
    | AgencyMention
    | RelationCandidate
    | SourceDocumentInfo
    | TargetMention
    | BorderGateMention
    | ProgrammeMention
    | PlaceMention,
    Field(discriminator="kind"),
]


class Analysis(BaseModel):
    """One file flowing through the extractors: the text and everything found in it so far."""

    text: Text
    candidates: list[Candidate] = []
    extractor_version: str = ""
    province_counts: dict[str, int] | None = Field(
        default=None,
        description="how often the text names each province (`tỉnh Cao Bằng`), counted at "
        "extraction so that resolve need not scan the text; None: not counted yet",
    )

    def of_kind(self, cls: type) -> list:
        return [c for c in self.candidates if isinstance(c, cls)]

    def by_id(self) -> dict[str, BaseModel]:
        return {c.id: c for c in self.candidates}


# --- resolved: entities and relations with IRIs -----------------------------------------------


class Mention(BaseModel):
    model_config = ConfigDict(frozen=True)

    file_name: str
    span: Span
    quote: str
    original: Span | None = Field(default=None, description="the same stretch in the raw file")
    cue: str | None = None


class Entity(BaseModel):
    # mutable defaults as factories: pydantic deep-copies a default value for every instance
    iri: str
    rdf_class: str = Field(description="local name of the kg: class, e.g. 'Programme'")
    label: str
    name: str | None = None
    alt_labels: set[str] = Field(default_factory=set)
    symbol: str | None = None
    issuer_code: str | None = None
    date: dt.date | None = None
    titles: set[str] = Field(default_factory=set)
    jurisdiction: str | None = Field(default=None, description="IRI of a kg:Place")
    source_file: str | None = Field(default=None, description="file name the document *is*")
    attributes: dict[str, str | int | float] = Field(
        default_factory=dict,
        description="further kg: datatype properties by local name (value, unit...)",
    )
    mentions: list[Mention] = Field(default_factory=list)


class Relation(BaseModel):
    subject: str
    predicate: str
    object: str
    mentions: list[Mention] = Field(default_factory=list)


class SourceFileInfo(BaseModel):
    file_name: str
    sha256: str
    iri: str


class Resolution(BaseModel):
    """The whole corpus after identity is decided: what the RDF mapping writes."""

    files: list[SourceFileInfo] = []
    entities: list[Entity] = []
    relations: list[Relation] = []


class InputError(BaseModel):
    file_name: str
    message: str


class BuildReport(BaseModel):
    corpus: str
    out: str
    files_read: int = 0
    files_extracted: int = Field(default=0, description="files extracted again (not cached)")
    errors: list[InputError] = []
    warnings: list[InputError] = Field(default=[], description="files skipped, not failed")
    counts: dict[str, int] = {}
    quads: int = 0
    violations: int = 0
    seconds: float = 0.0
    stages: dict[str, float] = Field(default={}, description="seconds spent in each stage")
    encodings: dict[str, str] = Field(
        default={}, description="file -> how it was decoded, for files not read as plain UTF-8"
    )
