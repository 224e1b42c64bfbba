"""read: corpus files -> SourceText (UTF-8 text here; other formats plug in beside it)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pydantic import BaseModel

from kg.models import InputError, SourceText

SUPPORTED_SUFFIXES = {".txt", ".md"}


class InputFileError(Exception):
    """A corpus file that cannot be read; the message names the file and the problem."""


class CorpusListing(BaseModel):
    files: list[Path]
    skipped: list[InputError] = []


def list_corpus(corpus: Path) -> CorpusListing:
    """Files of the corpus, recursively, in a stable order; files of other types are skipped."""
    files, skipped = [], []
    for path in sorted(corpus.rglob("*"), key=lambda p: p.relative_to(corpus).as_posix()):
        if not path.is_file():
            continue
        if path.suffix.lower() in SUPPORTED_SUFFIXES:
            files.append(path)
        else:
            name = path.relative_to(corpus).as_posix()
            skipped.append(InputError(file_name=name, message=f"{name}: skipped: not a text file"))
    return CorpusListing(files=files, skipped=skipped)


def read_source(path: Path, corpus: Path) -> SourceText:
    name = path.relative_to(corpus).as_posix()
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputFileError(f"{name}: cannot read: {error.strerror or error}") from error
    if not data.strip():
        raise InputFileError(f"{name}: empty file")
    if b"\x00" in data[:4096]:
        raise InputFileError(f"{name}: binary content, not text")
    encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    try:
        raw = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise InputFileError(
            f"{name}: not valid UTF-8 (byte {error.start}); save it as UTF-8"
        ) from error
    return SourceText(
        file_name=name, sha256=hashlib.sha256(data).hexdigest(), raw=raw, encoding=encoding
    )
