"""IRIs of the graph's vocabulary and resources (see CONTRACT.md)."""

from __future__ import annotations

import functools
import re
import unicodedata

KG = "https://w3id.org/kg-vn/ontology#"
KGR = "https://w3id.org/kg-vn/id/"
ELI = "http://data.europa.eu/eli/ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
ORG = "http://www.w3.org/ns/org#"
DCTERMS = "http://purl.org/dc/terms/"
SH = "http://www.w3.org/ns/shacl#"

PREFIXES: dict[str, str] = {
    "kg": KG,
    "kgr": KGR,
    "eli": ELI,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "prov": PROV,
    "org": ORG,
    "dcterms": DCTERMS,
    "sh": SH,
}

ONTOLOGY_GRAPH = KGR + "graph/ontology"

SPARQL_PREFIXES = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


@functools.lru_cache(maxsize=1 << 16)  # pure; called for the same file name per mention
def slug(value: str) -> str:
    """ASCII, lower-case, hyphen-separated form of a name, for IRIs (đ -> d, no diacritics)."""
    folded = unicodedata.normalize("NFD", value.replace("Đ", "D").replace("đ", "d"))
    ascii_only = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "-", ascii_only.lower()).strip("-")


def symbol_slug(symbol: str) -> str:
    """`06-CTr/TU` -> `06-CTr-TU`, `39/2015/NĐ-CP` -> `39-2015-ND-CP` (case is kept)."""
    folded = unicodedata.normalize("NFD", symbol.replace("Đ", "D").replace("đ", "d"))
    ascii_only = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_only).strip("-")


def source_file_iri(file_name: str) -> str:
    return f"{KGR}source/{slug(file_name)}"


def document_iri(key: str) -> str:
    return f"{KGR}doc/{key}"


def agency_iri(key: str) -> str:
    return f"{KGR}agency/{key}"


def place_iri(key: str) -> str:
    return f"{KGR}place/{key}"


def mention_iri(file_name: str, start: int, end: int, suffix: str = "") -> str:
    tail = f"/{suffix}" if suffix else ""
    return f"{KGR}mention/{slug(file_name)}/{start}-{end}{tail}"
