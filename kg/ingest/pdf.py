"""PDF with a text layer -> text, page by page, with the offset where each page starts.

pypdf (pure Python, maintained by the py-pdf project) extracts the text layer; a scanned PDF has
none, and the message says to run OCR (`ocrmypdf in.pdf out.pdf`) first.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from pathlib import Path

# a page with fewer letters than this is taken as an image (a scan, a stamp, a signature page)
_MIN_LETTERS_PER_DOCUMENT = 20


class PdfError(ValueError):
    """Not a readable PDF, or one without text; the message says why."""


@dataclass
class PdfText:
    text: str
    pages: list[int]  # offset in `text` where each page starts


def read_pdf(path: Path, max_chars: int) -> PdfText:
    with open(path, "rb") as handle:
        if not handle.read(1024).lstrip().startswith(b"%PDF-"):
            raise PdfError("not a PDF file (no %PDF- header)")
    # pypdf reports recoverable damage through logging/warnings: the one-line error is ours
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _extract(path, max_chars)


def _extract(path: Path, max_chars: int) -> PdfText:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError

    try:
        reader = PdfReader(str(path), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise PdfError("encrypted PDF: remove the password first")
        pages = list(reader.pages)
    except PdfError:
        raise
    except (DependencyError, FileNotDecryptedError) as error:
        raise PdfError("encrypted PDF: remove the password first") from error
    except Exception as error:  # pypdf raises many types on damaged files
        raise PdfError(f"damaged or truncated PDF ({_reason(error)})") from error
    if not pages:
        raise PdfError("damaged or truncated PDF (no pages found)")
    texts: list[str] = []
    starts: list[int] = []
    length = 0
    failed = 0
    for page in pages:
        try:
            text = page.extract_text() or ""
        except Exception:  # one unreadable page: keep the others
            text = ""
            failed += 1
        text = text.replace("\x00", "").rstrip() + "\n"
        starts.append(length)
        texts.append(text)
        length += len(text) + 1  # the blank line between pages
        if length > max_chars:
            raise PdfError(f"more than {max_chars // 1_000_000} million characters of text")
    if failed == len(pages):
        raise PdfError("damaged PDF (no page could be read)")
    letters = sum(ch.isalpha() for text in texts for ch in text)
    if letters < _MIN_LETTERS_PER_DOCUMENT:
        raise PdfError(
            f"no text layer ({len(pages)} page(s), scanned?): run OCR first, "
            "e.g. `ocrmypdf -l vie in.pdf out.pdf`"
        )
    return PdfText("\n".join(texts), starts)


def _reason(error: Exception) -> str:
    text = " ".join(str(error).split())[:120]
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
