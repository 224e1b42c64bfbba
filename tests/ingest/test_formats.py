"""kg/ingest: .docx, .pdf and .html read into the text form the normaliser and extractors know."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from kg.ingest import InputFileError, page_of, read_source
from kg.models import DocumentMention
from kg.normalise import normalise
from kg.pipeline import analyse_source
from tests.ingest.makers import (
    encode_cp1258,
    make_docx,
    make_image_only_pdf,
    make_pdf,
    note_ref,
    para,
    run,
    table,
)

NOTE = "Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị."


def read(path: Path):
    return read_source(path, path.parent)


def symbols_of(source) -> set[str]:
    analysis = analyse_source(source)
    return {m.symbol for m in analysis.of_kind(DocumentMention) if m.symbol}


# --- .docx -------------------------------------------------------------------------------------


def test_docx_paragraphs_tables_and_footnotes_keep_the_txt_form(tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "ke-hoach.docx",
        [
            table(
                [
                    [
                        ["TỈNH ỦY CAO BẰNG", "Số 31-KH/TU"],
                        ["ĐẢNG CỘNG SẢN VIỆT NAM", "Cao Bằng, ngày 5 tháng 3 năm 2021"],
                    ]
                ]
            ),
            para("KẾ HOẠCH"),
            para("Thực hiện các Chương trình trọng tâm", note_ref(7), " của Tỉnh ủy."),
        ],
        footnotes={7: NOTE},
    )
    source = read(path)
    assert source.encoding == "docx"
    lines = source.raw.splitlines()
    # a heading table reads as it looks: line n of each cell side by side
    assert lines[0] == "TỈNH ỦY CAO BẰNG\tĐẢNG CỘNG SẢN VIỆT NAM"
    assert lines[1] == "Số 31-KH/TU\tCao Bằng, ngày 5 tháng 3 năm 2021"
    assert lines[3] == (
        f"Thực hiện các Chương trình trọng tâm[footnoteRef:1] của Tỉnh ủy. [1: {NOTE}]"
    )
    # the normaliser moves the note after the body and anchors it where the marker stood
    text = normalise(source)
    (footnote,) = text.footnotes
    assert text.text[footnote.body.start : footnote.body.end] == NOTE
    assert text.text[: footnote.anchor].endswith("Chương trình trọng tâm")
    assert {"31-KH/TU", "57-NQ/TW"} <= symbols_of(source)


def test_docx_runs_in_legacy_fonts_are_converted_by_their_font(tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "cu.docx",
        [
            para(run("NghÞ quyÕt cña TØnh ñy", ".VnTime"), run(" và văn bản Unicode")),
            para(run("kÕ ho¹ch", ".VnTimeH")),  # the H fonts show capitals
            para(run("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "VNI-Times")),
        ],
    )
    source = read(path)
    assert source.encoding == "docx+tcvn3+vni"
    assert source.raw.splitlines() == [
        "Nghị quyết của Tỉnh ủy và văn bản Unicode",
        "KẾ HOẠCH",
        "Cộng hòa xã hội chủ nghĩa Việt Nam",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("truncate", "damaged or truncated .docx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "Word 97-2003 .doc file"),
        ("no-document", "not a Word document"),
    ],
    ids=["truncated", "doc-renamed", "zip-not-word"],
)
def test_broken_docx_is_one_line(tmp_path: Path, content: object, message: str) -> None:
    path = tmp_path / "hong.docx"
    if content == "truncate":
        good = make_docx(tmp_path / "good.docx", [para("Kế hoạch số 31-KH/TU")]).read_bytes()
        path.write_bytes(good[: len(good) // 2])
    elif content == "no-document":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("xl/workbook.xml", "<workbook/>")
    else:
        assert isinstance(content, bytes)
        path.write_bytes(content)
    with pytest.raises(InputFileError) as error:
        read(path)
    assert str(error.value).startswith("hong.docx: ") and message in str(error.value)
    assert "\n" not in str(error.value)


# --- .pdf --------------------------------------------------------------------------------------


def test_pdf_text_layer_with_page_offsets(tmp_path: Path) -> None:
    path = make_pdf(
        tmp_path / "ke-hoach.pdf",
        [
            ["KẾ HOẠCH", "Thực hiện Chương trình số 06-CTr/TU của Tỉnh ủy"],
            ["Căn cứ Nghị quyết số 57-NQ/TW ngày 22/12/2024", "của Bộ Chính trị"],
        ],
    )
    source = read(path)
    assert source.encoding == "pdf"
    assert len(source.pages) == 2 and source.pages[0] == 0
    second = source.raw.index("Căn cứ")
    assert source.pages[1] <= second < source.pages[1] + 5
    assert page_of(source, source.raw.index("06-CTr/TU")) == 1
    assert page_of(source, source.raw.index("57-NQ/TW")) == 2
    assert {"06-CTr/TU", "57-NQ/TW"} <= symbols_of(source)


def test_a_pdf_without_text_says_to_run_ocr(tmp_path: Path) -> None:
    path = make_image_only_pdf(tmp_path / "scan.pdf")
    with pytest.raises(InputFileError, match=r"^scan\.pdf: no text layer .*ocrmypdf"):
        read(path)


@pytest.mark.parametrize("keep", [0.2, 0.6], ids=["cut-early", "cut-late"])
def test_a_truncated_pdf_is_an_error_or_its_readable_pages(tmp_path: Path, keep: float) -> None:
    whole = make_pdf(tmp_path / "whole.pdf", [["Kế hoạch số 31-KH/TU"], ["trang hai"]])
    data = whole.read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: int(len(data) * keep)])
    try:
        source = read(path)
    except InputFileError as error:
        assert str(error).startswith("cut.pdf: ") and "\n" not in str(error)
        assert "PDF" in str(error)
    else:  # pypdf rebuilt what it could: then it is the real text
        assert "31-KH/TU" in source.raw


def test_not_a_pdf_named_pdf(tmp_path: Path) -> None:
    (tmp_path / "x.pdf").write_text("Kế hoạch", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"^x\.pdf: not a PDF file"):
        read(tmp_path / "x.pdf")


# --- .html -------------------------------------------------------------------------------------


def test_html_gives_the_text_not_the_markup(tmp_path: Path) -> None:
    page = (
        "<!doctype html><html><head><title>Cổng thông tin</title><style>p{color:red}</style>"
        '<meta charset="utf-8"></head><body><nav>Trang chủ</nav><h1>KẾ HOẠCH</h1>'
        "<p>Thực hiện\n   Chương trình số <b>06-CTr/TU</b> &amp; Nghị quyết số 57-NQ/TW</p>"
        "<table><tr><td>Chỉ tiêu</td><td>2030</td></tr></table>"
        "<script>var x = '<p>không phải văn bản</p>';</script></body></html>"
    )
    (tmp_path / "trang.html").write_text(page, encoding="utf-8")
    source = read(tmp_path / "trang.html")
    assert source.encoding == "html/utf-8"
    lines = [line for line in source.raw.splitlines() if line]
    assert lines == [
        "Trang chủ",
        "KẾ HOẠCH",
        "Thực hiện Chương trình số 06-CTr/TU & Nghị quyết số 57-NQ/TW",
        "Chỉ tiêu\t2030",
    ]
    assert "<" not in source.raw and "color" not in source.raw


def test_html_in_a_declared_or_detected_legacy_encoding(tmp_path: Path) -> None:
    body = "<p>Thực hiện Nghị quyết số 57-NQ/TW của Bộ Chính trị về phát triển</p>"
    declared = b'<html><head><meta charset="windows-1258"></head><body>' + encode_cp1258(body)
    (tmp_path / "a.htm").write_bytes(declared + b"</body></html>")
    source = read(tmp_path / "a.htm")
    assert source.encoding == "html/cp1258"
    assert (
        normalise(source).text.strip()
        == "Thực hiện Nghị quyết số 57-NQ/TW của Bộ Chính trị về phát triển"
    )
    (tmp_path / "b.htm").write_bytes(b"<html><body>" + encode_cp1258(body) + b"</body></html>")
    assert read(tmp_path / "b.htm").encoding == "html/windows-1258"
