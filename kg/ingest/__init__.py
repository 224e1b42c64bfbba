"""read: corpus files -> SourceText (UTF-8 text here; other formats plug in beside it)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from kg.models import SourceText

SUPPORTED_SUFFIXES = {".txt", ".md"}


class InputFileError(Exception):
    """A corpus file that cannot be read; the message names the file and the problem."""


def list_corpus(corpus: Path) -> list[Path]:
    """Files of the corpus, recursively, in a stable order."""
    return sorted(
        (p for p in corpus.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES),
        key=lambda p: p.relative_to(corpus).as_posix(),
    )


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
