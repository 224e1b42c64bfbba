"""Which files of a corpus folder to read: subfolders included, symbolic links followed once,
other file types and byte-identical copies skipped with a warning naming the reason."""

from __future__ import annotations

import hashlib
import os
import stat
from collections import defaultdict
from pathlib import Path

from pydantic import BaseModel

from kg.models import InputError

TEXT_SUFFIXES = frozenset({".txt", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
SUPPORTED_SUFFIXES = frozenset({*TEXT_SUFFIXES, *HTML_SUFFIXES, ".docx", ".pdf"})
CONFIG_FILES = frozenset({"kg.toml"})  # corpus settings at the corpus root, not a document

_ADVICE = {
    ".doc": "Word 97-2003 .doc is not read: save it as .docx",
    ".rtf": "RTF is not read: save it as .docx",
    ".odt": "OpenDocument is not read: save it as .docx",
}


class CorpusListing(BaseModel):
    files: list[Path]
    skipped: list[InputError] = []


def list_corpus(corpus: Path) -> CorpusListing:
    """Files of the corpus, recursively, in a stable order (by path inside the corpus)."""
    corpus = Path(corpus)
    files: list[tuple[str, Path]] = []
    skipped: list[InputError] = []

    def skip(name: str, why: str) -> None:
        skipped.append(InputError(file_name=name, message=f"{name}: skipped: {why}"))

    def walk(folder: Path, prefix: str, ancestors: tuple[str, ...], seen: dict[str, str]) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as error:
            skip(prefix.rstrip("/") or ".", f"cannot open folder ({_why(error)})")
            return
        for entry in entries:
            name = prefix + entry.name
            if entry.name.startswith(".") or entry.name.startswith("~$"):
                continue  # hidden files and Office lock files (`~$plan.docx`) are not documents
            if not prefix and entry.name in CONFIG_FILES:
                continue
            try:
                info = os.stat(entry.path)  # follows symbolic links
            except OSError as error:
                if entry.is_symlink():
                    skip(name, f"broken symbolic link ({_why(error)})")
                else:
                    skip(name, f"cannot read ({_why(error)})")
                continue
            if stat.S_ISDIR(info.st_mode):
                if entry.is_symlink():  # after the real folders, so they keep their own names
                    linked.append((name, Path(entry.path), ancestors))
                else:
                    real = os.path.realpath(entry.path)
                    seen[real] = name
                    walk(Path(entry.path), name + "/", (*ancestors, real), seen)
                continue
            if not stat.S_ISREG(info.st_mode):
                skip(name, "not a regular file")
                continue
            suffix = Path(entry.name).suffix.lower()
            if suffix in SUPPORTED_SUFFIXES:
                files.append((name, folder / entry.name))
            else:
                advice = _ADVICE.get(suffix)
                skip(name, advice or f"not a supported file type ({_supported()})")

    linked: list[tuple[str, Path, tuple[str, ...]]] = []
    root = os.path.realpath(corpus)
    seen = {root: "."}
    walk(corpus, "", (root,), seen)
    while linked:
        linked.sort(key=lambda item: item[0])
        name, path, ancestors = linked.pop(0)
        real = os.path.realpath(path)
        if real in ancestors:
            skip(name, "symbolic link loop (it points back to a folder above it)")
        elif real in seen:
            skip(name, f"the same folder as {seen[real]} (read once)")
        else:
            seen[real] = name
            walk(path, name + "/", (*ancestors, real), seen)
    files.sort(key=lambda item: item[0])
    kept, duplicates = _drop_duplicates(files)
    skipped.extend(duplicates)
    skipped.sort(key=lambda error: error.file_name)
    return CorpusListing(files=[path for _, path in kept], skipped=skipped)


def _drop_duplicates(
    files: list[tuple[str, Path]],
) -> tuple[list[tuple[str, Path]], list[InputError]]:
    """Byte-identical files are read once, as the first in corpus order."""
    by_size: dict[int, list[tuple[str, Path]]] = defaultdict(list)
    for name, path in files:
        try:
            size = path.stat().st_size
        except OSError:
            continue
        if size:  # empty files are errors of their own, not copies of each other
            by_size[size].append((name, path))
    first_of: dict[str, str] = {}
    duplicates: list[InputError] = []
    dropped: set[str] = set()
    for group in by_size.values():
        if len(group) < 2:
            continue
        for name, path in group:
            digest = _sha256(path)
            if digest is None:
                continue
            if digest in first_of:
                dropped.add(name)
                message = f"{name}: skipped: byte-identical to {first_of[digest]} (read once)"
                duplicates.append(InputError(file_name=name, message=message))
            else:
                first_of[digest] = name
    return [item for item in files if item[0] not in dropped], duplicates


def _sha256(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return None  # reading it will fail again, and say so, in read_source
    return digest.hexdigest()


def _supported() -> str:
    return "reads " + " ".join(sorted(SUPPORTED_SUFFIXES))


def _why(error: OSError) -> str:
    return (error.strerror or str(error)).lower()
