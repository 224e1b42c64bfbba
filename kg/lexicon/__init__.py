"""Vietnamese lexicons and gazetteers, shipped as TOML data files beside this module.

Adding a document type, an issuer code or a relation cue is a data change: edit the TOML file.
"""

from __future__ import annotations

import hashlib
import tomllib
from functools import cache
from importlib.resources import files
from typing import Any

from pydantic import BaseModel

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

    def name_key(self, name: str) -> str:
        """Folded words of a name with abbreviations expanded (`KT-XH` -> `kinh te xa hoi`),
        so spellings of one name give one key."""
        import re

        words = re.sub(r"[^\w&]+", " ", fold(name)).split()
        keys = sorted(self.abbreviations, key=lambda k: len(k.split()), reverse=True)
        out: list[str] = []
        index = 0
        while index < len(words):
            for key in keys:
                size = len(key.split())
                if words[index : index + size] == key.split():
                    out.extend(self.abbreviations[key].split())
                    index += size
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
        import re

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
