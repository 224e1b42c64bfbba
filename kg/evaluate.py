"""Score a built graph against gold annotations, the way GOLD-FORMAT.md says the hidden scores do.

Scoring is per source file: for the gold file of `F`, the predictions are what the graph states
in F's named graph (`source_file_iri(F)`); the labels, names and symbols of the nodes found there
are read from the union, since a node's label is the same everywhere. Counts are summed over the
files (micro-average).

Every category keeps two numerators, because GOLD-FORMAT defines precision over the graph's items
and recall over the gold items, and several graph items may match one gold item:
`matched` graph items match some gold item (precision = matched / (matched + fp)), `tp` gold
items are found (recall = tp / (tp + fn)). Where matching is one-to-one the two are equal.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import math
import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    computed_field,
    field_validator,
    model_validator,
)

from kg.models import SOURCE
from kg.rdf.namespaces import KG, RDF, RDFS, SKOS, SPARQL_PREFIXES, source_file_iri

if TYPE_CHECKING:
    from kg.store import GraphStore


# --- gold files ------------------------------------------------------------------------------


class GoldFormatError(ValueError):
    """A gold file that cannot be read or does not follow GOLD-FORMAT.md (message: one line)."""


class _GoldItem(BaseModel):
    model_config = ConfigDict(extra="ignore")

    evidence: str | None = None


class GoldDocument(_GoldItem):
    symbol: str | None = None
    kind: str | None = None
    date: str | None = None
    issuer: str | None = None
    title: str | None = None


GoldSourceDocument = GoldDocument  # the file's own document is annotated like any other


class GoldNamedDocument(_GoldItem):
    name: str
    kind: str | None = None


GoldPredicate = Literal["implements", "based_on", "guides", "cites", "issued_by", "responds_to"]


class GoldRelation(_GoldItem):
    subject: str
    predicate: GoldPredicate
    object: str


class GoldBorderGate(_GoldItem):
    name: str
    level: str | None = None
    counterpart: str | None = None


class GoldTarget(_GoldItem):
    indicator: str
    value: float | None = None
    value_max: float | None = None
    unit: str | None = None
    comparator: str | None = None  # informational: the scoring rule ignores it
    year: int | None = None
    document: str | None = None


class GoldAgency(_GoldItem):
    name: str


class GoldProgramme(_GoldItem):
    name: str | None = None
    symbol: str | None = None

    @model_validator(mode="after")
    def _named_somehow(self) -> GoldProgramme:
        if not (self.name or self.symbol):
            raise ValueError("a programme needs a name or a symbol")
        return self


class GoldFile(BaseModel):
    """One gold annotation file (GOLD-FORMAT.md): what one source text states."""

    model_config = ConfigDict(extra="ignore")

    source: str
    source_document: GoldSourceDocument | None = None
    documents: list[GoldDocument] = Field(default_factory=list)
    named_documents: list[GoldNamedDocument] = Field(default_factory=list)
    relations: list[GoldRelation] = Field(default_factory=list)
    border_gates: list[GoldBorderGate] = Field(default_factory=list)
    targets: list[GoldTarget] = Field(default_factory=list)
    agencies: list[GoldAgency] = Field(default_factory=list)
    programmes: list[GoldProgramme] = Field(default_factory=list)

    @field_validator(
        "documents",
        "named_documents",
        "relations",
        "border_gates",
        "targets",
        "agencies",
        "programmes",
        mode="before",
    )
    @classmethod
    def _null_is_empty(cls, value: Any) -> Any:
        return [] if value is None else value


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _load_gold_file(path: Path) -> GoldFile:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise GoldFormatError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise GoldFormatError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    except json.JSONDecodeError as exc:
        raise GoldFormatError(
            f"{path}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from exc
    if not isinstance(data, dict):
        raise GoldFormatError(f"{path}: expected a JSON object, found {type(data).__name__}")
    try:
        return GoldFile.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        first = errors[0]
        where = ".".join(str(part) for part in first["loc"]) or "(top level)"
        more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
        raise GoldFormatError(_one_line(f"{path}: {where}: {first['msg']}{more}")) from exc


def load_gold(paths: Iterable[Path]) -> list[GoldFile]:
    """Read gold files; a directory stands for all its `*.json` files, in name order."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(path.glob("*.json"))
            if not found:
                raise GoldFormatError(f"{path}: no *.json gold files in this directory")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise GoldFormatError(f"{path}: no such file or directory")
    golds: list[GoldFile] = []
    seen: dict[str, Path] = {}
    for path in files:
        gold = _load_gold_file(path)
        # two gold files for one source would count its items twice
        if gold.source in seen:
            raise GoldFormatError(
                f"{path}: source {gold.source!r} is already annotated in {seen[gold.source]}"
            )
        seen[gold.source] = path
        golds.append(gold)
    return golds


# --- the name rule ---------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+")
# Roman numerals of congresses, terms and sections (I..LXXXIX). C, D and M are left out on
# purpose: CV, CD, DI, MI are document-type codes or words far more often than numbers.
_ROMAN = re.compile(r"(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
# In a text written all in capitals every word is upper case, so a Roman numeral is only taken
# after a word that announces one (LẦN THỨ XX, KHÓA XIV, ĐẠI HỘI XIII).
_ROMAN_CONTEXT = frozenset({"thu", "khoa", "hoi", "lan", "ky", "phan", "chuong", "muc"})


def _fold_word(word: str) -> str:
    """Lower case, no diacritics, đ -> d (Ð, the look-alike OCR puts for Đ, too)."""
    word = word.replace("Đ", "d").replace("đ", "d").replace("Ð", "d")
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def _is_roman(word: str) -> bool:
    return bool(word) and _ROMAN.fullmatch(word) is not None


@functools.cache
def _abbreviations() -> dict[tuple[str, ...], tuple[str, ...]]:
    """`[expand]` of kg/lexicon/abbreviations.toml, keys and values as folded word tuples."""
    resource = importlib.resources.files("kg.lexicon").joinpath("abbreviations.toml")
    table = tomllib.loads(resource.read_text(encoding="utf-8")).get("expand", {})
    expand: dict[tuple[str, ...], tuple[str, ...]] = {}
    for key, value in table.items():
        words = tuple(_fold_word(w) for w in _WORD.findall(key))
        if words:
            expand[words] = tuple(_fold_word(w) for w in _WORD.findall(str(value)))
    return expand


def _expand(words: list[str]) -> list[str]:
    table = _abbreviations()
    longest = max((len(key) for key in table), default=0)
    out: list[str] = []
    i = 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), 0, -1):
            replacement = table.get(tuple(words[i : i + size]))
            if replacement is not None:
                out.extend(replacement)
                i += size
                break
        else:
            out.append(words[i])
            i += 1
    return out


@functools.lru_cache(maxsize=65536)
def _fold(text: str) -> tuple[str, ...]:
    text = unicodedata.normalize("NFC", text)
    shouting = not any(ch.islower() for ch in text)
    words: list[str] = []
    for raw in _WORD.findall(text):
        if _is_roman(raw) and (not shouting or (words and words[-1] in _ROMAN_CONTEXT)):
            words.append(raw)  # kept upper case: that is how a folded word says "numeral"
            continue
        word = _fold_word(raw)
        if word.isascii() and word.isdigit():
            word = str(int(word))  # 05 and 5 are one number
        words.append(word)
    return tuple(_expand(words))


def fold_name(s: str) -> list[str]:
    """The words of a name as the name rule compares them.

    NFC, diacritics stripped, đ -> d, lower case, punctuation as spaces, leading zeros dropped,
    abbreviations expanded (UBND -> uy ban nhan dan). A Roman numeral written in capitals in `s`
    stays in capitals ("XX"), so a lower-case Vietnamese word that looks like one ("vi", "xi")
    is never taken for a number.
    """
    return list(_fold(s))


def _is_number(word: str) -> bool:
    return (word.isascii() and word.isdigit()) or word.isupper()


def names_match(candidate: str, gold: str, *, agency: bool = False) -> bool:
    """GOLD-FORMAT's name rule: does the graph's `candidate` name the gold item `gold`?"""
    cand_words, gold_words = _fold(candidate), _fold(gold)
    if not cand_words or not gold_words:
        return False
    if cand_words == gold_words:
        return True
    cand, ref = set(cand_words), set(gold_words)
    if len(cand) < 2:
        return False
    common = len(cand & ref)
    precision_pct, coverage_pct = (85, 70) if agency else (80, 50)
    # integer arithmetic: 4 of 5 words is exactly 80 %
    if common * 100 < precision_pct * len(cand) or common * 100 < coverage_pct * len(ref):
        return False
    cand_numbers = {w for w in cand if _is_number(w)}
    gold_numbers = {w for w in ref if _is_number(w)}
    if gold_numbers and not cand_numbers & gold_numbers:
        return False
    # congress XIX is not congress XX even when the rest of the name agrees
    return all(w in gold_numbers for w in cand_numbers if w.isupper())


# Level words are removed before folding, where `phụ` (secondary) is still not `Phú` (a name).
_GATE_WORDS = re.compile(
    r"\b(?:cửa khẩu|lối thông quan|điểm thông quan|thông quan|lối mở|quốc tế|song phương"
    r"|quốc gia|khu cảnh quan|cảnh quan|cặp|chính|phụ)\b"
)
_GATE_WORDS_FOLDED = re.compile(
    r"\b(?:cua khau|loi thong quan|diem thong quan|thong quan|loi mo|quoc te|song phuong"
    r"|quoc gia|khu canh quan|canh quan|ck)\b"
)


def gate_bare_name(name: str) -> str:
    """A gate's name without its level words, folded: `Cửa khẩu quốc tế Trà Lĩnh` -> `tra linh`."""
    text = _GATE_WORDS.sub(" ", unicodedata.normalize("NFC", name).lower())
    folded = " ".join(_fold(text))
    return " ".join(_GATE_WORDS_FOLDED.sub(" ", folded).split())


def gate_names_match(candidate: str, gold: str) -> bool:
    """Bare names equal, or one contained in the other as whole words."""
    a, b = gate_bare_name(candidate), gate_bare_name(gold)
    if not a or not b:
        return False
    return a == b or f" {a} " in f" {b} " or f" {b} " in f" {a} "


def normalise_symbol(symbol: str) -> str:
    """Symbols compare without whitespace and case-insensitively."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", symbol)).casefold()


def _looks_like_symbol(ref: str) -> bool:
    ref = ref.strip()
    return bool(ref) and not any(ch.isspace() for ch in ref) and any(ch.isdigit() for ch in ref)


# --- the report ------------------------------------------------------------------------------


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


class Score(BaseModel):
    """Counts of one category. `tp` gold items found, `fn` gold items missed, `matched` graph
    items that match a gold item, `fp` graph items that match none."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    matched: int = 0
    accuracy_hits: int = Field(0, description="border gates found with the gold level")
    accuracy_total: int = Field(0, description="border gates found")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def precision(self) -> float | None:
        return _ratio(self.matched, self.matched + self.fp)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def recall(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fn)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def accuracy(self) -> float | None:
        return _ratio(self.accuracy_hits, self.accuracy_total)

    def __add__(self, other: Score) -> Score:
        return Score(
            tp=self.tp + other.tp,
            fp=self.fp + other.fp,
            fn=self.fn + other.fn,
            matched=self.matched + other.matched,
            accuracy_hits=self.accuracy_hits + other.accuracy_hits,
            accuracy_total=self.accuracy_total + other.accuracy_total,
        )


class Item(BaseModel):
    """A gold item the graph misses, or a graph item no gold item matches."""

    category: str
    label: str
    iri: str | None = None


class FileReport(BaseModel):
    source: str
    graph: str = Field(description="IRI of the named graph scored")
    graph_found: bool = Field(description="False when the graph states nothing for this file")
    scores: dict[str, Score]
    misses: list[Item] = []
    false_positives: list[Item] = []


class EvalReport(BaseModel):
    overall: dict[str, Score]
    files: list[FileReport]


PREDICATES: dict[str, str] = {
    "implements": KG + "implements",
    "based_on": KG + "basedOn",
    "guides": KG + "guides",
    "cites": KG + "cites",
    "issued_by": KG + "issuedBy",
    "responds_to": KG + "respondsTo",
}

CATEGORIES: tuple[str, ...] = (
    "documents",
    "named_documents",
    "relations",
    *(f"relations.{name}" for name in PREDICATES),
    "border_gates",
    "targets",
    "agencies",
    "programmes",
)


# --- reading the graph -----------------------------------------------------------------------

_RDF_TYPE = RDF + "type"
_LABEL = RDFS + "label"
_NAME_PROPS = (RDFS + "label", KG + "name", KG + "title", SKOS + "altLabel")
_NODE_PROPS = (
    _RDF_TYPE,
    *_NAME_PROPS,
    KG + "symbol",
    KG + "gateLevel",
    KG + "indicator",
    KG + "value",
    KG + "valueMax",
    KG + "targetYear",
)
_DOCUMENT_LOCAL_NAMES = (
    "Document Resolution Programme Plan Conclusion Decision Directive Guidance Scheme Decree "
    "Circular OfficialLetter Report Notice Dispatch Regulation Law Strategy Planning"
)
_DOCUMENT_CLASSES = frozenset(KG + local for local in _DOCUMENT_LOCAL_NAMES.split(" "))


@dataclass
class _Node:
    key: str
    props: dict[str, list[str]] = field(default_factory=dict)

    def values(self, prop: str) -> list[str]:
        return self.props.get(prop, [])

    def is_a(self, local: str) -> bool:
        return KG + local in self.values(_RDF_TYPE)

    @property
    def is_document(self) -> bool:
        return any(t in _DOCUMENT_CLASSES for t in self.values(_RDF_TYPE))

    @property
    def names(self) -> list[str]:
        return [v for prop in _NAME_PROPS for v in self.values(prop)]

    @property
    def symbols(self) -> list[str]:
        return self.values(KG + "symbol")

    def number(self, prop: str) -> float | None:
        for value in self.values(prop):
            try:
                return float(value)
            except ValueError:
                continue
        return None

    @property
    def display(self) -> str:
        for prop in (KG + "symbol", _LABEL, KG + "name", KG + "indicator"):
            if self.values(prop):
                return self.values(prop)[0]
        return self.key


def _term_key(term: Any) -> str:
    import pyoxigraph

    if isinstance(term, pyoxigraph.BlankNode):
        return f"_:{term.value}"
    return term.value


def _sparql_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n").replace("\r", "\\r") + '"'


@dataclass
class _FileGraph:
    """What F's graph states: its nodes (with union properties), edges, and the @source docs."""

    nodes: dict[str, _Node]
    edges: dict[str, list[tuple[str, str]]]
    source_docs: set[str]

    def node(self, key: str) -> _Node:
        return self.nodes.get(key) or _Node(key)


def _read_file_graph(store: GraphStore, file_name: str) -> _FileGraph:
    graph = source_file_iri(file_name)
    props = " ".join(f"<{p}>" for p in _NODE_PROPS)
    nodes: dict[str, _Node] = {}
    # every node the graph says anything about, or points at; its properties from the union
    rows = store.query(
        f"""{SPARQL_PREFIXES}
        SELECT ?n ?p ?v WHERE {{
          {{ SELECT DISTINCT ?n WHERE {{
               GRAPH <{graph}> {{ {{ ?n ?x ?y }} UNION {{ ?y ?x ?n FILTER(!isLiteral(?n)) }} }}
          }} }}
          VALUES ?p {{ {props} }}
          ?n ?p ?v .
        }}"""
    )
    for row in rows:
        node = nodes.setdefault(_term_key(row["n"]), _Node(_term_key(row["n"])))
        node.props.setdefault(row["p"].value, []).append(row["v"].value)
    for node in nodes.values():
        for values in node.props.values():
            values.sort()  # deterministic choice of display labels
    predicates = " ".join(f"<{p}>" for p in PREDICATES.values())
    edges: dict[str, list[tuple[str, str]]] = {p: [] for p in PREDICATES.values()}
    rows = store.query(
        f"""SELECT DISTINCT ?s ?p ?o WHERE {{
          VALUES ?p {{ {predicates} }}
          GRAPH <{graph}> {{ ?s ?p ?o FILTER(!isLiteral(?o)) }}
        }}"""
    )
    for row in rows:
        edges[row["p"].value].append((_term_key(row["s"]), _term_key(row["o"])))
    for pairs in edges.values():
        pairs.sort()
    rows = store.query(
        f"""{SPARQL_PREFIXES}
        SELECT DISTINCT ?d WHERE {{
          {{ ?d kg:sourceFile <{graph}> }}
          UNION {{ ?d kg:sourceFile ?f . ?f kg:fileName ?name
                   FILTER(STR(?name) = {_sparql_string(file_name)}) }}
        }}"""
    )
    source_docs = {_term_key(row["d"]) for row in rows}
    return _FileGraph(nodes=nodes, edges=edges, source_docs=source_docs)


# --- scoring one file ------------------------------------------------------------------------


@dataclass
class _Result:
    score: Score
    misses: list[Item] = field(default_factory=list)
    false_positives: list[Item] = field(default_factory=list)


def _score_any(
    category: str,
    golds: list[Any],
    preds: list[_Node],
    matches: Callable[[_Node, Any], bool],
    gold_label: Callable[[Any], str],
) -> _Result:
    """Precision over graph items matching any gold item; recall over gold items found."""
    hits = [[matches(node, gold) for gold in golds] for node in preds]
    found = [any(row[j] for row in hits) for j in range(len(golds))]
    result = _Result(Score())
    for node, row in zip(preds, hits, strict=True):
        if any(row):
            result.score.matched += 1
        else:
            result.score.fp += 1
            result.false_positives.append(Item(category=category, label=node.display, iri=node.key))
    for gold, ok in zip(golds, found, strict=True):
        if ok:
            result.score.tp += 1
        else:
            result.score.fn += 1
            result.misses.append(Item(category=category, label=gold_label(gold)))
    return result


def _score_documents(fg: _FileGraph, gold: GoldFile) -> _Result:
    predicted: dict[str, _Node] = {}
    for node in sorted(fg.nodes.values(), key=lambda n: n.key):
        for symbol in node.symbols:
            predicted.setdefault(normalise_symbol(symbol), node)
    golds = [d.symbol for d in gold.documents if d.symbol]
    if gold.source_document and gold.source_document.symbol:
        golds.append(gold.source_document.symbol)
    expected: dict[str, str] = {}
    for symbol in golds:
        expected.setdefault(normalise_symbol(symbol), symbol)
    hit = predicted.keys() & expected.keys()
    result = _Result(Score(tp=len(hit), matched=len(hit)))
    for key in sorted(predicted.keys() - expected.keys()):
        node = predicted[key]
        label = next(s for s in node.symbols if normalise_symbol(s) == key)
        result.false_positives.append(Item(category="documents", label=label, iri=node.key))
    for key in sorted(expected.keys() - predicted.keys()):
        result.misses.append(Item(category="documents", label=expected[key]))
    result.score.fp = len(result.false_positives)
    result.score.fn = len(result.misses)
    return result


def _ref_matches(fg: _FileGraph, node: _Node, ref: str, *, agency: bool = False) -> bool:
    """Does `node` stand for the gold reference `ref` (@source, a symbol, or a name)?"""
    ref = ref.strip()
    if ref == SOURCE:
        return node.key in fg.source_docs
    if _looks_like_symbol(ref):
        wanted = normalise_symbol(ref)
        return any(normalise_symbol(s) == wanted for s in node.symbols)
    agency = agency and node.is_a("Agency")
    return any(names_match(name, ref, agency=agency) for name in node.names)


def _score_relations(fg: _FileGraph, gold: GoldFile, predicate: str) -> _Result:
    category = f"relations.{predicate}"
    golds = sorted(
        {(r.subject.strip(), r.object.strip()) for r in gold.relations if r.predicate == predicate}
    )
    agency_object = predicate == "issued_by"
    edges = fg.edges[PREDICATES[predicate]]
    hits = [
        [
            _ref_matches(fg, fg.node(s), gs)
            and _ref_matches(fg, fg.node(o), go, agency=agency_object)
            for gs, go in golds
        ]
        for s, o in edges
    ]
    result = _Result(Score())
    for (s, o), row in zip(edges, hits, strict=True):
        if any(row):
            result.score.matched += 1
        else:
            result.score.fp += 1
            label = f"{fg.node(s).display} {predicate} {fg.node(o).display}"
            result.false_positives.append(Item(category=category, label=label, iri=s))
    for j, (gs, go) in enumerate(golds):
        if any(row[j] for row in hits):
            result.score.tp += 1
        else:
            result.score.fn += 1
            result.misses.append(Item(category=category, label=f"{gs} {predicate} {go}"))
    return result


def _score_named_documents(fg: _FileGraph, gold: GoldFile) -> _Result:
    golds = gold.named_documents
    preds = []
    for node in sorted(fg.nodes.values(), key=lambda n: n.key):
        if not node.is_document or node.symbols or node.key in fg.source_docs:
            continue  # the file's own document is scored by the relations it takes part in
        named = any(names_match(name, g.name) for name in node.names for g in golds)
        if node.is_a("Programme") and not named:
            continue  # a programme named in words is scored under `programmes`
        preds.append(node)
    return _score_any(
        "named_documents",
        golds,
        preds,
        lambda node, g: any(names_match(name, g.name) for name in node.names),
        lambda g: g.name,
    )


def _score_agencies(fg: _FileGraph, gold: GoldFile) -> _Result:
    preds = sorted((n for n in fg.nodes.values() if n.is_a("Agency")), key=lambda n: n.key)
    return _score_any(
        "agencies",
        gold.agencies,
        preds,
        lambda node, g: any(names_match(name, g.name, agency=True) for name in node.names),
        lambda g: g.name,
    )


def _programme_matches(node: _Node, gold: GoldProgramme) -> bool:
    if gold.symbol:
        wanted = normalise_symbol(gold.symbol)
        return any(normalise_symbol(s) == wanted for s in node.symbols)
    return any(names_match(name, gold.name or "") for name in node.names)


def _score_programmes(fg: _FileGraph, gold: GoldFile) -> _Result:
    preds = sorted((n for n in fg.nodes.values() if n.is_a("Programme")), key=lambda n: n.key)
    return _score_any(
        "programmes",
        gold.programmes,
        preds,
        _programme_matches,
        lambda g: g.symbol or g.name or "",
    )


def _score_border_gates(fg: _FileGraph, gold: GoldFile) -> _Result:
    preds = sorted((n for n in fg.nodes.values() if n.is_a("BorderGate")), key=lambda n: n.key)

    def matches(node: _Node, g: GoldBorderGate) -> bool:
        return any(gate_names_match(name, g.name) for name in node.names)

    result = _score_any("border_gates", gold.border_gates, preds, matches, lambda g: g.name)
    # level accuracy over the gold gates found: right when a matching gate has the gold level
    for g in gold.border_gates:
        found = [node for node in preds if matches(node, g)]
        if found:
            result.score.accuracy_total += 1
            if any(g.level in node.values(KG + "gateLevel") for node in found):
                result.score.accuracy_hits += 1
            else:
                levels = sorted({lv for node in found for lv in node.values(KG + "gateLevel")})
                result.misses.append(
                    Item(
                        category="border_gates.level",
                        label=f"{g.name}: gold {g.level}, graph {', '.join(levels) or 'none'}",
                    )
                )
    return result


def _same_number(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _target_matches(node: _Node, gold: GoldTarget) -> bool:
    value = node.number(KG + "value")
    if value is None or gold.value is None or not _same_number(value, gold.value):
        return False
    if not _same_number(node.number(KG + "valueMax"), gold.value_max):
        return False
    year = node.number(KG + "targetYear")
    if year is not None and gold.year is not None and int(year) != gold.year:
        return False
    indicators = node.values(KG + "indicator") or node.values(_LABEL)
    ref = set(_fold(gold.indicator))
    for indicator in indicators:
        words = set(_fold(indicator))
        shorter = min(len(words), len(ref))
        if shorter and len(words & ref) * 10 >= 3 * shorter:
            return True
    return False


def _max_matching(adjacency: list[list[int]]) -> dict[int, int]:
    """Maximum bipartite matching (Kuhn's augmenting paths): right index -> left index."""
    owner: dict[int, int] = {}

    def augment(left: int, seen: set[int]) -> bool:
        for right in adjacency[left]:
            if right in seen:
                continue
            seen.add(right)
            if right not in owner or augment(owner[right], seen):
                owner[right] = left
                return True
        return False

    for left in range(len(adjacency)):
        augment(left, set())
    return owner


def _target_label(g: GoldTarget) -> str:
    value = f"{g.value:g}" if g.value is not None else "?"
    if g.value_max is not None:
        value += f"-{g.value_max:g}"
    year = f" ({g.year})" if g.year is not None else ""
    return f"{g.indicator}: {value} {g.unit or ''}".rstrip() + year


def _node_target_label(node: _Node) -> str:
    value = node.number(KG + "value")
    value_max = node.number(KG + "valueMax")
    year = node.number(KG + "targetYear")
    text = f"{node.display}: {'?' if value is None else f'{value:g}'}"
    if value_max is not None:
        text += f"-{value_max:g}"
    return text + (f" ({int(year)})" if year is not None else "")


def _score_targets(fg: _FileGraph, gold: GoldFile) -> _Result:
    preds = sorted((n for n in fg.nodes.values() if n.is_a("Target")), key=lambda n: n.key)
    adjacency = [
        [i for i, node in enumerate(preds) if _target_matches(node, g)] for g in gold.targets
    ]
    owner = _max_matching(adjacency)  # each graph target stands for at most one gold target
    taken = set(owner.values())
    result = _Result(Score(tp=len(owner), matched=len(owner)))
    for i, node in enumerate(preds):
        if i not in owner:
            result.false_positives.append(
                Item(category="targets", label=_node_target_label(node), iri=node.key)
            )
    for j, g in enumerate(gold.targets):
        if j not in taken:
            result.misses.append(Item(category="targets", label=_target_label(g)))
    result.score.fp = len(result.false_positives)
    result.score.fn = len(result.misses)
    return result


def _evaluate_file(store: GraphStore, gold: GoldFile) -> FileReport:
    fg = _read_file_graph(store, gold.source)
    results: dict[str, _Result] = {
        "documents": _score_documents(fg, gold),
        "named_documents": _score_named_documents(fg, gold),
    }
    relations = Score()
    for predicate in PREDICATES:
        result = _score_relations(fg, gold, predicate)
        results[f"relations.{predicate}"] = result
        relations = relations + result.score
    results["relations"] = _Result(relations)
    results["border_gates"] = _score_border_gates(fg, gold)
    results["targets"] = _score_targets(fg, gold)
    results["agencies"] = _score_agencies(fg, gold)
    results["programmes"] = _score_programmes(fg, gold)
    return FileReport(
        source=gold.source,
        graph=source_file_iri(gold.source),
        graph_found=bool(fg.nodes),
        scores={category: results[category].score for category in CATEGORIES},
        misses=[item for category in CATEGORIES for item in results[category].misses],
        false_positives=[
            item for category in CATEGORIES for item in results[category].false_positives
        ],
    )


def evaluate(store: GraphStore, gold: list[GoldFile]) -> EvalReport:
    """Score the graph file by file against `gold`, and micro-average the counts."""
    files = [_evaluate_file(store, g) for g in gold]
    overall = {category: Score() for category in CATEGORIES}
    for report in files:
        for category, score in report.scores.items():
            overall[category] = overall[category] + score
    return EvalReport(overall=overall, files=files)


# --- the table -------------------------------------------------------------------------------


def _cell(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _table(scores: dict[str, Score]) -> list[str]:
    lines = [f"{'category':<24}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'fp':>6}{'fn':>6}"]
    for category, s in scores.items():
        lines.append(
            f"{category:<24}{_cell(s.precision):>7}{_cell(s.recall):>7}{_cell(s.f1):>7}"
            f"{s.tp:>6}{s.fp:>6}{s.fn:>6}"
        )
    gates = scores.get("border_gates")
    if gates is not None and gates.accuracy_total:
        lines.append(
            f"border gate level accuracy: {gates.accuracy_hits}/{gates.accuracy_total}"
            f" = {_cell(gates.accuracy)}"
        )
    return lines


def format_report(report: EvalReport, *, details: bool = True) -> str:
    """Plain-text tables: overall, then each file with its misses and false positives."""
    lines = [f"Overall ({len(report.files)} gold files, micro-averaged)", *_table(report.overall)]
    if not details:
        return "\n".join(lines) + "\n"
    for file in report.files:
        lines += ["", f"== {file.source}"]
        if not file.graph_found:
            lines.append(f"   (the graph states nothing in <{file.graph}>)")
        lines += _table(file.scores)
        for title, items in (("misses", file.misses), ("false positives", file.false_positives)):
            if items:
                lines.append(f"{title} ({len(items)}):")
                lines += [f"  {item.category}: {item.label}" for item in items]
    return "\n".join(lines) + "\n"
