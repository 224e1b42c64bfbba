"""Named (saved) SPARQL queries shipped in `ontology/queries/*.rq`.

Each file opens with comment lines that describe it:

    # title: Documents that implement a document
    # title_vi: Các văn bản thực hiện một văn bản
    # description: ...
    # param: ref — what the parameter means
    # param: year (integer) — a typed parameter

A parameter is a SPARQL variable (`?ref`) that the query uses but never binds. `bind()` binds it
with an inline `VALUES` block holding escaped literals; the query text itself is never edited,
so a value cannot change the query's meaning.

Why the block goes at the start of the outer WHERE group rather than after the query (a
trailing VALUES clause): SPARQL joins a trailing VALUES only after the WHERE group's FILTERs
and BINDs have run (SPARQL 1.1 §18.2.4.3), so `FILTER(CONTAINS(?label, ?issuer))` would see
?issuer unbound and drop every row. Inside the group, the filters see the value; and since the
block comes first, the engine also starts its joins from the parameter.
"""

from __future__ import annotations

import re
import unicodedata

from pydantic import BaseModel, Field

from kg.ontology_files import ontology_path

QUERY_DIR = "queries"
SUFFIX = ".rq"

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_HEADER = re.compile(r"^#\s*(?P<key>[a-z_]+)\s*:\s*(?P<value>.*?)\s*$")
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"(?:\s*\((?P<type>[a-z]+)\))?"
    r"(?:\s*(?:—|–|--|-)\s*(?P<help>.*))?$"
)
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
PARAM_TYPES = ("string", "integer")


class UnknownQueryError(KeyError):
    """No named query of that name."""

    def __str__(self) -> str:  # KeyError would print the message with quotes around it
        return str(self.args[0]) if self.args else ""


class MissingParameterError(ValueError):
    """A parameter the query needs was not given."""


class InvalidParameterError(ValueError):
    """A parameter was given that the query does not take, or a value of the wrong type."""


class NamedQuery(BaseModel):
    name: str
    title: str
    title_vi: str = ""
    description: str = ""
    params: list[str] = Field(default_factory=list)
    param_types: dict[str, str] = Field(
        default_factory=dict, description="param -> string | integer"
    )
    param_help: dict[str, str] = Field(default_factory=dict)
    text: str


def list_named_queries() -> list[NamedQuery]:
    """Every named query, sorted by name."""
    directory = ontology_path(QUERY_DIR)
    names = sorted(
        entry.name[: -len(SUFFIX)]
        for entry in directory.iterdir()
        if entry.name.endswith(SUFFIX) and entry.is_file()
    )
    return [load_named_query(name) for name in names]


def query_names() -> list[str]:
    directory = ontology_path(QUERY_DIR)
    return sorted(e.name[: -len(SUFFIX)] for e in directory.iterdir() if e.name.endswith(SUFFIX))


def load_named_query(name: str) -> NamedQuery:
    """The named query `name` (the file name without `.rq`)."""
    # The name must look like a file stem: no way to read a file outside queries/.
    entry = ontology_path(f"{QUERY_DIR}/{name}{SUFFIX}") if _NAME.match(name) else None
    if entry is None or not entry.is_file():
        known = ", ".join(query_names())
        raise UnknownQueryError(f"unknown query {name!r}; known queries: {known}")
    return parse_named_query(name, entry.read_text(encoding="utf-8"))


def parse_named_query(name: str, text: str) -> NamedQuery:
    """Read the `# key: value` header of a query file."""
    fields: dict[str, str] = {}
    params: list[str] = []
    types: dict[str, str] = {}
    helps: dict[str, str] = {}
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break  # the header ends at the first line of SPARQL
        match = _HEADER.match(stripped)
        if match is None:
            continue
        key, value = match["key"], match["value"]
        if key == "param":
            param = _PARAM.match(value)
            if param is None:
                raise ValueError(f"{name}: cannot read parameter line {value!r}")
            kind = param["type"] or "string"
            if kind not in PARAM_TYPES:
                raise ValueError(f"{name}: parameter type {kind!r} is not one of {PARAM_TYPES}")
            params.append(param["name"])
            types[param["name"]] = kind
            helps[param["name"]] = param["help"] or ""
        elif key in fields:
            fields[key] += " " + value  # a repeated key continues the previous line
        else:
            fields[key] = value
    return NamedQuery(
        name=name,
        title=fields.get("title", name),
        title_vi=fields.get("title_vi", ""),
        description=fields.get("description", ""),
        params=params,
        param_types=types,
        param_help=helps,
        text=text,
    )


def bind(query: NamedQuery, values: dict[str, str]) -> str:
    """The query's text with its parameters bound to `values` by an inline VALUES block."""
    missing = [p for p in query.params if p not in values]
    if missing:
        raise MissingParameterError(
            f"query {query.name!r} needs parameter(s) {', '.join(missing)}"
            f" (it takes: {', '.join(query.params)})"
        )
    extra = sorted(set(values) - set(query.params))
    if extra:
        takes = ", ".join(query.params) or "no parameters"
        raise InvalidParameterError(
            f"query {query.name!r} has no parameter(s) {', '.join(extra)} (it takes: {takes})"
        )
    if not query.params:
        return query.text
    terms = [_term(query, p, values[p]) for p in query.params]
    variables = " ".join(f"?{p}" for p in query.params)
    block = f"\n  VALUES ({variables}) {{ ({' '.join(terms)}) }}\n"
    at = _where_group_start(query)
    return query.text[:at] + block + query.text[at:]


def sparql_string(value: str) -> str:
    """`value` as a SPARQL string literal: only ECHAR escapes, so no `\\u` trickery applies."""
    escaped = (
        value.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
        .replace("\b", "\\b")
        .replace("\f", "\\f")
    )
    return f'"{escaped}"'


def _term(query: NamedQuery, param: str, value: str) -> str:
    if query.param_types.get(param, "string") == "integer":
        text = str(value).strip()
        if not _INTEGER.match(text):
            raise InvalidParameterError(
                f"query {query.name!r}: parameter {param} must be an integer, got {value!r}"
            )
        return str(int(text))
    # The graph's text is NFC; a value typed on a terminal that sends NFD must still match.
    return sparql_string(unicodedata.normalize("NFC", str(value)))


def _where_group_start(query: NamedQuery) -> int:
    """Offset just inside the `{` that opens the outer WHERE group."""
    # Blank out comment lines (keeping offsets) so a `where {` in the header cannot match.
    masked = re.sub(r"(?m)^[ \t]*#.*$", lambda m: " " * len(m.group(0)), query.text)
    match = re.search(r"\bWHERE\s*\{", masked, flags=re.IGNORECASE)
    if match is None:
        raise ValueError(f"query {query.name!r} has parameters but no `WHERE {{` to bind them in")
    return match.end()
