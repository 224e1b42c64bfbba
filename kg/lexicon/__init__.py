"""Vietnamese lexicons and gazetteers, shipped as TOML data files beside this module.

Adding a document type, an issuer code or a relation cue is a data change: edit the TOML file.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from functools import cache
from importlib.resources import files
from typing import Any

from pydantic import BaseModel, PrivateAttr

from kg.normalise.fold import fold, fold_words


def load_toml(name: str) -> dict[str, Any]:
    return tomllib.loads((files("kg.lexicon") / name).read_text(encoding="utf-8"))


class DocumentType(BaseModel):
    code: str
    doc_class: str
    words: list[str]
    symbol_code: bool = True


class Issuer(BaseModel):
    code: str
    agency: str
    scope: str
    pattern: str | None = None
    ambiguous: bool = False


class RelationCue(BaseModel):
    words: str
    relation: str
    opens: bool = False

    @property
    def folded(self) -> str:
        return fold_words(self.words)


class Lexicon(BaseModel):
    document_types: list[DocumentType]
    untyped_class: str
    issuers: list[Issuer]
    cues: list[RelationCue]
    clause_breaks: list[str]
    nominal_before: list[str]
    issue_verbs: list[str]
    speech_verbs: list[str]
    default_province: str
    provinces: dict[str, list[str]]
    abbreviations: dict[str, str]
    version: str

    # abbreviations by their first word: [(words, expansion)], most words first (see name_key)
    _abbreviations_by_first: dict[str, list[tuple[list[str], list[str]]]] | None = PrivateAttr(
        default=None
    )

    def name_key(self, name: str) -> str:
        """Folded words of a name with abbreviations expanded (`KT-XH` -> `kinh te xa hoi`),
        so spellings of one name give one key."""
        words = _NOT_NAME_CHARACTERS.sub(" ", fold(name)).split()
        by_first = self._abbreviations_by_first
        if by_first is None:
            by_first = self._abbreviations_by_first = _by_first_word(self.abbreviations)
        out: list[str] = []
        index = 0
        while index < len(words):
            for key, expansion in by_first.get(words[index], ()):
                if words[index : index + len(key)] == key:
                    out.extend(expansion)
                    index += len(key)
                    break
            else:
                out.append(words[index])
                index += 1
        return " ".join(out)

    def type_by_code(self, code: str) -> DocumentType | None:
        key = fold(code)
        for doc_type in self.document_types:
            if doc_type.symbol_code and fold(doc_type.code) == key:
                return doc_type
        return None

    def issuer_by_code(self, code: str) -> Issuer | None:
        head = fold(code.split("-")[0])
        for issuer in self.issuers:
            if fold(issuer.code) == head:
                return issuer
            if issuer.pattern and re.fullmatch(fold(issuer.pattern), head):
                return issuer
        return None

    def class_for_words(self, words: str) -> str | None:
        folded = fold_words(words)
        best: tuple[int, str] | None = None
        for doc_type in self.document_types:
            for word in doc_type.words:
                if folded == fold_words(word) and (best is None or len(word) > best[0]):
                    best = (len(word), doc_type.doc_class)
        return best[1] if best else None


_NOT_NAME_CHARACTERS = re.compile(r"[^\w&]+")


def _by_first_word(abbreviations: dict[str, str]) -> dict[str, list[tuple[list[str], list[str]]]]:
    """Abbreviations keyed by their first word, each list in the order `name_key` tries them:
    most words first, the file's order among equals (a stable sort, done once)."""
    keys = sorted(abbreviations, key=lambda k: len(k.split()), reverse=True)
    by_first: dict[str, list[tuple[list[str], list[str]]]] = {}
    for key in keys:
        words = key.split()
        if words:
            by_first.setdefault(words[0], []).append((words, abbreviations[key].split()))
    return by_first


@cache
def lexicon() -> Lexicon:
    """The lexicon, loaded once per process."""
    names = ["document_types.toml", "issuers.toml", "relation_cues.toml", "places.toml"]
    types = load_toml("document_types.toml")
    issuers = load_toml("issuers.toml")
    cues = load_toml("relation_cues.toml")
    places = load_toml("places.toml")
    try:
        abbreviations = load_toml("abbreviations.toml").get("expand", {})
        names.append("abbreviations.toml")
    except FileNotFoundError:
        abbreviations = {}
    digest = hashlib.sha256()
    for name in names:
        digest.update((files("kg.lexicon") / name).read_bytes())
    return Lexicon(
        document_types=[
            DocumentType(
                code=t["code"],
                doc_class=t["class"],
                words=t["words"],
                symbol_code=t.get("symbol_code", True),
            )
            for t in types["type"]
        ],
        untyped_class=types["defaults"]["untyped"],
        issuers=[Issuer(**i) for i in issuers["issuer"]],
        cues=[RelationCue(**c) for c in cues["cue"]],
        clause_breaks=cues["scope"]["clause_breaks"],
        nominal_before=cues["scope"].get("nominal_before", []),
        issue_verbs=cues["verbs"]["issue"],
        speech_verbs=cues["verbs"]["speech"],
        default_province=places["default"],
        provinces={p["name"]: p.get("aliases", []) for p in places["province"]},
        abbreviations=abbreviations,
        version=digest.hexdigest()[:12],
    )
