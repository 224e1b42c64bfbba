"""read: corpus files -> SourceText.

Formats: .txt/.md (UTF-8 with or without BOM, UTF-16/32 with BOM, Windows-1258, TCVN3/ABC, VNI),
.html/.htm, .docx (python-docx), .pdf with a text layer (pypdf). `SourceText.encoding` names the
conversion used (`utf-8`, `windows-1258`, `tcvn3`, `docx+vni`, `pdf`, `utf-8+nfc`…).

A file that cannot be read raises InputFileError with one line naming the file and the problem;
the build reports it and goes on with the other files.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import unicodedata
from pathlib import Path

from kg.ingest import legacy
from kg.ingest.decode import DecodeError, decode_text
from kg.ingest.listing import (
    HTML_SUFFIXES,
    SUPPORTED_SUFFIXES,
    TEXT_SUFFIXES,
    CorpusListing,
    list_corpus,
)
from kg.models import SourceText

__all__ = [
    "MAX_TEXT_CHARS",
    "SUPPORTED_SUFFIXES",
    "CorpusListing",
    "InputFileError",
    "list_corpus",
    "page_of",
    "read_source",
]

# The extractors grow faster than linearly with a file's length (measured: 1 million characters
# take 10-40 s, 2 million two to four times that); the largest corpus text is 0.17 million. A
# text past this is refused, with a message to split it, rather than stalling the build.
MAX_TEXT_CHARS = 2_000_000
MAX_TEXT_FILE_BYTES = 8 * 2**20  # 4 bytes a character at most (UTF-32, UTF-8 for CJK)
MAX_PACKED_FILE_BYTES = 300 * 2**20  # .docx/.pdf: images make them large, not their text


class InputFileError(Exception):
    """A corpus file that cannot be read; the message names the file and the problem."""


def read_source(path: Path, corpus: Path) -> SourceText:
    name = Path(path).relative_to(corpus).as_posix()
    try:
        return _read(Path(path), name)
    except InputFileError:
        raise
    except (DecodeError, ValueError) as error:  # the format readers' own one-line reasons
        raise InputFileError(f"{name}: {_one_line(error)}") from error
    except OSError as error:
        raise InputFileError(f"{name}: cannot read: {_os_reason(error)}") from error
    except MemoryError as error:
        raise InputFileError(f"{name}: too large to read in memory") from error


def page_of(source: SourceText, offset: int) -> int | None:
    """1-based page of an offset into `source.raw`, for paged sources (PDF); else None."""
    if not source.pages:
        return None
    return max(1, bisect.bisect_right(source.pages, offset))


def _read(path: Path, name: str) -> SourceText:
    size = path.stat().st_size
    if size == 0:
        raise InputFileError(f"{name}: empty file")
    suffix = path.suffix.lower()
    textual = suffix in TEXT_SUFFIXES or suffix in HTML_SUFFIXES
    limit = MAX_TEXT_FILE_BYTES if textual else MAX_PACKED_FILE_BYTES
    if size > limit:
        raise InputFileError(
            f"{name}: too large ({size / 2**20:.1f} MB; files over {limit // 2**20} MB are not "
            "read): split it into smaller files"
        )
    data = path.read_bytes()
    pages: list[int] = []
    if suffix in TEXT_SUFFIXES:
        if not data.strip():
            raise InputFileError(f"{name}: empty file (only blank space)")
        raw, encoding = decode_text(data)
    elif suffix in HTML_SUFFIXES:
        raw, encoding = _read_html(data)
    elif suffix == ".docx":
        from kg.ingest.docx import read_docx

        document = read_docx(path)
        raw, encoding = document.text, "+".join(["docx", *sorted(document.legacy_encodings)])
        if not document.legacy_encodings:
            raw, encoding = _convert_legacy(raw, encoding)
    elif suffix == ".pdf":
        from kg.ingest.pdf import read_pdf

        pdf = read_pdf(path, MAX_TEXT_CHARS)
        raw, pages, encoding = _convert_pdf_legacy(pdf.text, pdf.pages)
    else:
        raise InputFileError(f"{name}: not a supported file type")
    if not raw.strip():
        raise InputFileError(f"{name}: no text in it")
    if len(raw) > MAX_TEXT_CHARS:
        raise InputFileError(
            f"{name}: too large ({len(raw):,} characters; the limit is {MAX_TEXT_CHARS:,}): "
            "split it into smaller files"
        )
    if "1258" not in encoding and not unicodedata.is_normalized("NFC", raw):
        encoding += "+nfc"  # decomposed Unicode (1258 always is): the normaliser composes it
    return SourceText(
        file_name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        raw=raw,
        encoding=encoding,
        pages=pages,
    )


def _read_html(data: bytes) -> tuple[str, str]:
    from kg.ingest.html import declared_charset, html_to_text

    charset = declared_charset(data)
    markup: str | None = None
    encoding = ""
    if charset and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        try:
            markup, encoding = data.decode(charset), charset
        except UnicodeDecodeError:
            markup = None  # the page lies about its charset: detect it instead
    if markup is None:
        markup, encoding = decode_text(data)
        text = html_to_text(markup)
    else:
        text, encoding = _convert_legacy(html_to_text(markup), encoding)
    return text, f"html/{encoding}"


def _convert_legacy(text: str, label: str) -> tuple[str, str]:
    found = legacy.detect_legacy_text(text)
    if found is None:
        return text, label
    return legacy.TEXT_CONVERTERS[found](text), f"{label}+{found}"


def _convert_pdf_legacy(text: str, pages: list[int]) -> tuple[str, list[int], str]:
    found = legacy.detect_legacy_text(text)
    if found is None:
        return text, pages, "pdf"
    # convert page by page: a VNI letter is two characters before and one after
    bounds = [*pages, len(text)]
    converted = [legacy.TEXT_CONVERTERS[found](text[a:b]) for a, b in itertools.pairwise(bounds)]
    starts, position = [], 0
    for part in converted:
        starts.append(position)
        position += len(part)
    return "".join(converted), starts, f"pdf+{found}"


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())


def _os_reason(error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return "file not found (deleted while reading, or a broken link)"
    if isinstance(error, PermissionError):
        return "permission denied"
    return (error.strerror or str(error)).lower()
