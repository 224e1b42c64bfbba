"""Word .docx -> text in the form the normaliser knows from Word exports.

Paragraphs one per line; tables laid out as they look (the n-th line of each cell side by side,
tab-separated, so a heading table reads `TỈNH ỦY CAO BẰNG<TAB>ĐẢNG CỘNG SẢN VIỆT NAM`); a
footnote reference becomes `[footnoteRef:N]` and the note's text `[N: text]` at the end of its
paragraph, numbered in reading order, as in the .txt exports of the corpus. Runs in legacy
Vietnamese fonts (`.VnTime`, `.VnTimeH`, `VNI-Times`) are converted to Unicode by their font.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kg.ingest import legacy

if TYPE_CHECKING:
    from lxml.etree import _Element

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
FOOTNOTES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
MAX_UNPACKED = 300 * 2**20  # a zip bomb must not fill memory: refuse larger unpacked documents


class DocxError(ValueError):
    """Not a readable .docx; the message says why."""


@dataclass
class DocxText:
    text: str
    legacy_encodings: set[str] = field(default_factory=set)


def read_docx(path: Path) -> DocxText:
    _check_archive(path)
    import docx
    from lxml import etree

    try:
        document = docx.Document(str(path))
    except Exception as error:  # python-docx raises KeyError, ValueError, BadZipFile...
        raise DocxError(f"not a readable Word document ({_reason(error)})") from error
    fonts = _StyleFonts(document.styles.element)
    notes: dict[str, _Element] = {}
    for rel in document.part.rels.values():
        if rel.reltype == FOOTNOTES_REL and not rel.is_external:
            parser = etree.XMLParser(resolve_entities=False, no_network=True)
            root = etree.fromstring(rel.target_part.blob, parser=parser)
            notes = {n.get(W + "id"): n for n in root.iter(W + "footnote")}
    writer = _Writer(fonts, notes)
    lines = writer.blocks(document.element.body)
    return DocxText("\n".join(lines).strip("\n") + "\n", writer.legacy)


def _check_archive(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        with open(path, "rb") as handle:
            head = handle.read(8)
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            raise DocxError("a Word 97-2003 .doc file named .docx: save it as .docx") from error
        raise DocxError("damaged or truncated .docx (not a complete zip archive)") from error
    if "word/document.xml" not in names:
        raise DocxError("not a Word document (no word/document.xml inside)")
    if unpacked > MAX_UNPACKED:
        raise DocxError(f"unpacks to {unpacked // 2**20} MB: too large to read safely")


def _reason(error: Exception) -> str:
    text = " ".join(str(error).split())[:120]
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


class _StyleFonts:
    """The font a run shows in: its own, its character style's, its paragraph style's, default."""

    def __init__(self, styles: _Element) -> None:
        self.font: dict[str, str | None] = {}
        self.based_on: dict[str, str] = {}
        self.default_paragraph: str | None = None
        self.doc_default = None
        for style in styles.iter(W + "style"):
            style_id = style.get(W + "styleId")
            if not style_id:
                continue
            self.font[style_id] = _rfonts(style.find(W + "rPr"))
            based = style.find(W + "basedOn")
            if based is not None and based.get(W + "val"):
                self.based_on[style_id] = based.get(W + "val")
            if style.get(W + "type") == "paragraph" and style.get(W + "default") in ("1", "true"):
                self.default_paragraph = style_id
        defaults = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
        self.doc_default = _rfonts(defaults)

    def of_style(self, style_id: str | None) -> str | None:
        seen: set[str] = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            if self.font.get(style_id):
                return self.font[style_id]
            style_id = self.based_on.get(style_id)
        return None

    def of_run(self, run: _Element, paragraph_style: str | None) -> str | None:
        props = run.find(W + "rPr")
        own = _rfonts(props)
        if own:
            return own
        if props is not None:
            char_style = props.find(W + "rStyle")
            if char_style is not None and (font := self.of_style(char_style.get(W + "val"))):
                return font
        return (
            self.of_style(paragraph_style or self.default_paragraph)
            or self.of_style(self.default_paragraph)
            or self.doc_default
        )


def _rfonts(props: _Element | None) -> str | None:
    if props is None:
        return None
    fonts = props.find(W + "rFonts")
    if fonts is None:
        return None
    return fonts.get(W + "ascii") or fonts.get(W + "hAnsi")


class _Writer:
    def __init__(self, fonts: _StyleFonts, notes: dict[str, _Element]) -> None:
        self.fonts = fonts
        self.notes = notes
        self.next_note = 1
        self.legacy: set[str] = set()

    def blocks(self, parent: _Element) -> list[str]:
        lines: list[str] = []
        for child in parent:
            if child.tag == W + "p":
                lines.append(self.paragraph(child))
            elif child.tag == W + "tbl":
                lines.extend(self.table(child))
            elif child.tag == W + "sdt":
                content = child.find(W + "sdtContent")
                if content is not None:
                    lines.extend(self.blocks(content))
        return lines

    def table(self, table: _Element) -> list[str]:
        lines: list[str] = []
        for row in table.iter(W + "tr"):
            if _enclosing_table(row) is not table:
                continue  # a nested table's row: read within its cell
            cells = [self.blocks(cell) for cell in row if cell.tag == W + "tc"]
            cells = [[line for line in cell if line.strip()] for cell in cells]
            for index in range(max((len(c) for c in cells), default=0)):
                parts = [c[index] for c in cells if index < len(c)]
                lines.append("\t".join(parts))
        return lines

    def paragraph(self, paragraph: _Element, in_note: bool = False) -> str:
        props = paragraph.find(W + "pPr")
        style = None
        if props is not None and (style_el := props.find(W + "pStyle")) is not None:
            style = style_el.get(W + "val")
        pieces: list[str] = []
        notes: list[tuple[int, str]] = []
        for run in paragraph.iter(W + "r"):
            if _in_fallback(run) or _enclosing_paragraph(run) is not paragraph:
                continue
            text: list[str] = []
            for child in run:
                tag = child.tag
                if tag == W + "t":
                    text.append(child.text or "")
                elif tag == W + "tab":
                    text.append("\t")
                elif tag in (W + "br", W + "cr"):
                    text.append("\n")
                elif tag == W + "noBreakHyphen":
                    text.append("-")
                elif tag == W + "footnoteReference" and not in_note:
                    text.append(self._note_ref(child.get(W + "id"), notes))
            run_text = "".join(text)
            found = legacy.font_encoding(self.fonts.of_run(run, style))
            if found and run_text:
                encoding, capitals = found
                self.legacy.add(encoding)
                run_text = _convert_keeping_refs(run_text, encoding, capitals)
            pieces.append(run_text)
        line = "".join(pieces)
        for number, body in notes:
            line += f" [{number}: {body}]"
        return line

    def _note_ref(self, note_id: str | None, notes: list[tuple[int, str]]) -> str:
        note = self.notes.get(note_id or "")
        if note is None:
            return ""
        number = self.next_note
        self.next_note += 1
        body = " ".join(
            text
            for p in note.iter(W + "p")
            if (text := " ".join(self.paragraph(p, in_note=True).split()))
        )
        notes.append((number, body))
        return f"[footnoteRef:{number}]"


def _convert_keeping_refs(text: str, encoding: str, capitals: bool) -> str:
    # footnote markers are ours, not the font's: convert around them
    import re

    parts = re.split(r"(\[footnoteRef:\d+\])", text)
    return "".join(
        part if part.startswith("[footnoteRef:") else legacy.convert_run(part, encoding, capitals)
        for part in parts
    )


def _enclosing(element: _Element, tag: str) -> _Element | None:
    parent = element.getparent()
    while parent is not None and parent.tag != tag:
        parent = parent.getparent()
    return parent


def _enclosing_table(row: _Element) -> _Element | None:
    return _enclosing(row, W + "tbl")


def _enclosing_paragraph(run: _Element) -> _Element | None:
    return _enclosing(run, W + "p")


def _in_fallback(run: _Element) -> bool:
    """mc:AlternateContent holds the same text box twice; read the mc:Choice one only."""
    parent = run.getparent()
    while parent is not None:
        if isinstance(parent.tag, str) and parent.tag.endswith("}Fallback"):
            return True
        parent = parent.getparent()
    return False
