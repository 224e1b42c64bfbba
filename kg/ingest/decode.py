"""Bytes of a text file -> str, and the name of the conversion used.

Order: a byte-order mark (UTF-8, UTF-16, UTF-32) decides; then strict UTF-8 (a legacy file is
almost never valid UTF-8, so ordinary Unicode Vietnamese is never second-guessed, except for
TCVN3/VNI text that was once pasted into a Unicode file, `NghÞ quyÕt`); then the 8-bit
Vietnamese encodings, Windows-1258, TCVN3 and VNI, whichever reads as Vietnamese.
"""

from __future__ import annotations

import codecs

from kg.ingest import legacy

BOMS = [  # UTF-32 first: its little-endian BOM starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]

# what a binary file with a text name usually is, by its first bytes
MAGIC = [
    (b"%PDF-", "a PDF file"),
    (b"PK\x03\x04", "a zip archive (.docx, .xlsx…)"),
    (b"\xd0\xcf\x11\xe0", "an old Office file (.doc, .xls)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"{\\rtf", "an RTF file"),
]

# UTF-8 with a few broken bytes (a file cut mid-character) is still UTF-8
_MAX_BAD_UTF8 = 8


class DecodeError(ValueError):
    """The bytes are not text this reader understands; the message says what they look like."""


def sniff(data: bytes) -> str | None:
    for magic, what in MAGIC:
        if data.startswith(magic):
            return what
    return None


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding label). Raises DecodeError."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as error:
                raise DecodeError(f"broken {codec} text (byte {error.start})") from error
            return _unicode_or_legacy(text, _bom_label(codec, bom))
    head = data[:8192]
    if b"\x00" in head:
        what = sniff(data)
        if what:
            raise DecodeError(f"binary content, not text (looks like {what})")
        if _looks_utf16(head):
            raise DecodeError("UTF-16 text without a byte-order mark: save it as UTF-8")
        raise DecodeError("binary content, not text")
    if what := sniff(data):
        raise DecodeError(f"binary content, not text (looks like {what})")
    if _control_share(head) > 0.01:
        raise DecodeError("binary content, not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return _unicode_or_legacy(text, "utf-8")
    replaced = data.decode("utf-8", errors="replace")
    bad = replaced.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    good = sum(1 for ch in replaced if ord(ch) > 0x7F) - bad
    if bad <= _MAX_BAD_UTF8 and good >= 10 * bad:
        return replaced, f"utf-8 ({bad} invalid bytes replaced)"
    found = legacy.best_legacy_decoding(data)
    if found is not None:
        encoding, text = found
        return text, encoding
    if sum(1 for b in data[:65536] if b > 0x7F) <= 0.05 * min(len(data), 65536):
        return legacy.windows_1252(data), "windows-1252"  # mostly ASCII, a few Western letters
    raise DecodeError(
        "unknown text encoding (not UTF-8, Windows-1258, TCVN3 or VNI): save it as UTF-8"
    )


_CONTROL_BYTES = bytes(b for b in range(0x20) if b not in b"\t\n\r\x0b\x0c\x1a")


def _control_share(head: bytes) -> float:
    # what deleting the control bytes removes is how many there are (one C pass)
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls / len(head) if head else 0.0


def _unicode_or_legacy(text: str, label: str) -> tuple[str, str]:
    """Unicode text typed in a legacy font (`NghÞ quyÕt`) is converted."""
    found = legacy.detect_legacy_text(text)
    if found is None:
        return text, label
    return legacy.TEXT_CONVERTERS[found](text), f"{label}+{found}"


def _bom_label(codec: str, bom: bytes) -> str:
    if codec == "utf-8-sig":
        return "utf-8-sig"
    order = "le" if bom in (codecs.BOM_UTF16_LE, codecs.BOM_UTF32_LE) else "be"
    return f"{codec}-{order}"


def _looks_utf16(head: bytes) -> bool:
    """Mostly-ASCII UTF-16: zeros in every other byte."""
    even, odd = head[0::2], head[1::2]
    if not odd:
        return False
    return max(even.count(0), odd.count(0)) >= 0.3 * len(odd) and min(
        even.count(0), odd.count(0)
    ) <= 0.05 * len(odd)
