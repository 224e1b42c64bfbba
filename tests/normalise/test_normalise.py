import hashlib
import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.models import OffsetRun, SourceText
from kg.normalise import normalise, to_nfc
from kg.normalise.edits import apply_replacements, offset_runs
from kg.normalise.fold import fold
from kg.normalise.footnotes import (
    SUPERSCRIPT_DIGITS,
    _pdf_marker,
    _pdf_separators,
    _super_note_lines,
)
from kg.normalise.glue import glued_syllables, separate_glued_words
from kg.normalise.letters import LOWER, UPPER
from kg.normalise.lines import _breaks, _inner_spaces

# a hard-wrapped PDF page: every line cut at a fixed width, blank lines between them
PDF_PAGE = (
    "Chương trình số 03-\n\nCTr/TUlà chủ trương lớn, mang tính chiến lược của Tỉnh ủy "
    "trong thực \n\n"
    "hiện Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XX, xác định kinh tế rừng là trọng tâm của \n\n"
    "giai đoạn tới; các cấp, các ngành triển khai đồng bộ, quyết liệt và hiệu quả các nhiệm \n\n"
    "vụ, giải pháp đã đề ra trong Chương trình và kế hoạch thực hiện của từng địa phương. \n\n"
    "1. Tuyên truyền sâu rộng trong toàn tỉnh.\n"
)


def source(raw: str, name: str = "t.txt") -> SourceText:
    return SourceText(file_name=name, sha256=hashlib.sha256(raw.encode()).hexdigest(), raw=raw)


def test_wrapped_lines_are_joined_and_split_symbols_rejoined():
    text = normalise(source(PDF_PAGE)).text
    assert "03-CTr/TU là chủ trương" in text
    assert "trong thực hiện Nghị quyết" in text
    assert "\n1. Tuyên truyền" in text  # a list item still opens its own line


def test_glued_words_are_separated():
    raw = (
        "Đối vớiChương trình số 06-CTr/TU, ngày 28/11/2025của Ban Chấp hành "
        "Đảng bộ tỉnhvề phát triển.\n"
    )
    text = normalise(source(raw)).text
    assert "Đối với Chương trình" in text
    assert "28/11/2025 của Ban" in text
    assert "tỉnh về phát triển" in text


def test_real_words_are_not_split():
    for word in ["ngành", "chương", "người", "nghiêng", "quốc", "thuở", "video", "online"]:
        assert glued_syllables(word) is None, word
    assert glued_syllables("tỉnhvề") == 4
    assert glued_syllables("thựchiện") == 5


def test_every_copied_character_maps_back_to_the_original():
    raw = PDF_PAGE
    text = normalise(source(raw))
    for run in text.runs:
        if run.length:
            assert (
                text.text[run.norm : run.norm + run.length] == raw[run.orig : run.orig + run.length]
            )
    start = text.text.index("Nghị quyết Đại hội")
    assert raw[text.to_original(start) :].startswith("Nghị quyết Đại hội")


def test_nfd_input_is_composed_and_offsets_still_map():
    raw = unicodedata.normalize("NFD", "Thực hiện Nghị quyết số 57-NQ/TW của Bộ Chính trị.\n")
    text = normalise(source(raw))
    assert unicodedata.is_normalized("NFC", text.text)
    start = text.text.index("57-NQ/TW")
    assert raw[text.to_original(start) : text.to_original(start + 8)] == "57-NQ/TW"


def test_word_export_footnotes_move_after_the_body_and_keep_their_anchor():
    raw = (
        "Thực hiện các văn bản chỉ đạo của Trung ương[footnoteRef:1] [1:  Nghị quyết số 21-NQ/TW; "
        "Chỉ thị số 27/CT-TTg.] ; Tỉnh ủy đã ban hành Kế hoạch số 190-KH/TU.\n"
    )
    text = normalise(source(raw))
    body = text.text[: text.body_end]
    assert "footnoteRef" not in text.text and "21-NQ/TW" not in body
    [note] = text.footnotes
    assert text.text[note.body.start : note.body.end].startswith("Nghị quyết số 21-NQ/TW")
    assert body[: note.anchor].endswith("của Trung ương")


def test_superscript_footnotes():
    raw = (
        "Triển khai các nghị quyết chiến lược của Bộ Chính trị⁷, đạt nhiều kết quả.\n"
        "⁷ (1) Nghị quyết số 57-NQ/TW, (2) Nghị quyết số 59-NQ/TW.\n"
    )
    text = normalise(source(raw))
    [note] = text.footnotes
    assert note.number == "7"
    assert text.text[: note.anchor].endswith("của Bộ Chính trị")
    assert "(1) Nghị quyết số 57-NQ/TW" in text.text[note.body.start : note.body.end]


def test_pdf_footnote_block_with_marker_glued_to_a_year():
    raw = (
        "Thực hiện Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XX, nhiệm kỳ \n\n2025 - 20301; Ban "
        "Tuyên giáo và Dân vận Tỉnh uỷ đề nghị các sở, ban, ngành, Uỷ \n\nban MTTQ và các tổ chức "
        "chính trị - xã hội tỉnh, các Đảng uỷ trực thuộc \n\nTỉnh uỷ căn cứ vào tình hình thực tế "
        "và chức năng, nhiệm vụ được giao \n\ntriển khai thực hiện các \n"
        "                                        \n"
        "1 Bao gồm: Chương trình số 03-CTr/TU; Kế hoạch số 31-KH/TU. \n"
        " nội dung sau.\n"
    )
    text = normalise(source(raw))
    [note] = text.footnotes
    body = text.text[: text.body_end]
    assert "2025 - 2030;" in body and "20301" not in body
    assert body[: note.anchor].endswith("2025 - 2030")
    assert "các nội dung sau" in body  # the page's sentence reads on across the footnote
    assert "03-CTr/TU" in text.text[note.body.start : note.body.end]


def test_fold_keeps_length_and_removes_marks():
    assert fold("Nghị quyết ĐẠI HỘI Đảng") == "nghi quyet dai hoi dang"
    sample = "Cửa khẩu Trà Lĩnh – Long Bang ⁷"
    assert len(fold(sample)) == len(sample)


@settings(max_examples=60, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("aăâđeêoôơuư ÀẢÃÁẠĐ\n-/.,;:0123456789ĐCTrTU[]⁷ ")),
        max_size=300,
    )
)
def test_normalise_never_breaks_offsets(raw):
    text = normalise(source(raw))
    assert len(text.folded) == len(text.text)
    for run in text.runs:
        if run.length:
            assert (
                text.text[run.norm : run.norm + run.length] == raw[run.orig : run.orig + run.length]
            )
    for position in range(0, len(text.text) + 1, 7):
        assert 0 <= text.to_original(position) <= len(raw)


# --- the one-pass forms agree with the character-by-character definitions ---------------------


def _nfc_cluster_by_cluster(raw: str) -> tuple[str, list[OffsetRun]]:
    """NFC of each base character with its combining marks, one cluster at a time."""
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    edits, start = [], 0
    for index in range(1, len(raw) + 1):
        if index == len(raw) or not unicodedata.combining(raw[index]):
            cluster = raw[start:index]
            if unicodedata.normalize("NFC", cluster) != cluster:
                edits.append((start, index, unicodedata.normalize("NFC", cluster)))
            start = index
    text, runs = apply_replacements(raw, edits)
    return text, offset_runs(runs)


# decomposed Vietnamese, marks with no base, `Å` and `Ω` signs that NFC replaces on their own,
# a mark NFC replaces (U+0340), Hangul jamo (composed by NFC across clusters, not here)
NFC_ALPHABET = list(
    "aAeEoOuUyđĐ \n\r\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b\u0340\u212b\u2126\u1100\u1161"
)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(NFC_ALPHABET), max_size=60))
def test_to_nfc_composes_cluster_by_cluster(raw: str) -> None:
    assert to_nfc(raw) == _nfc_cluster_by_cluster(raw)


def _fold_char(ch: str) -> str:
    if ch in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", ch)[0]
    return base.lower() if len(base.lower()) == 1 else base


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40) | st.text(alphabet=st.sampled_from(list("ẠẢĐđİßǅﬁ Ωaz")), max_size=40))
def test_fold_folds_each_character_on_its_own(text: str) -> None:
    assert fold(text) == "".join(_fold_char(ch) for ch in text)


NON_ASCII_LOWER = "".join(ch for ch in LOWER if not ch.isascii())


def _glue_by_definition(text: str) -> str:
    """Spaces where a lower-case letter pair meets a capitalised word, after digits glued to a
    Vietnamese word, and between glued syllables, found position by position (glue.py scans
    for them faster)."""
    case = re.compile(rf"(?<=[{LOWER}]{{2}})(?=[{UPPER}][{LOWER}])")
    digit = re.compile(rf"(?<=\d)(?=[{LOWER}]*[{NON_ASCII_LOWER}][{LOWER}]*\b)")
    edits = [(m.start(), m.start(), " ") for p in (case, digit) for m in p.finditer(text)]
    for match in re.finditer(rf"\b[{LOWER}]{{4,}}\b", text):
        if split := glued_syllables(match.group()):
            edits.append((match.start() + split, match.start() + split, " "))
    return apply_replacements(text, edits)[0]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aệnNgHhĐđủcvềtỉ 2025-/")), max_size=40))
def test_glued_words_are_found_where_the_definitions_put_them(text: str) -> None:
    assert separate_glued_words(text)[0] == _glue_by_definition(text)


# --- the scans that skip to rare characters find what the patterns they stand for find ------

BLANKS = [*" \t\u00a0\u2002\u2003\u2009\u200b\n", "  ", " " * 15, "a", "¹", "²", "1", "đ"]
BLANK_TEXTS = st.lists(st.sampled_from(BLANKS), max_size=20).map("".join)


def _spans_of(pattern: str, text: str, flags: int = 0) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(pattern, text, flags)]


@settings(max_examples=500, deadline=None)
@given(BLANK_TEXTS)
def test_line_breaks_and_inner_blanks_are_what_their_patterns_find(text: str) -> None:
    assert list(_breaks(text)) == _spans_of(r"[ \t\u00a0]*\n(?:[ \t\u00a0]*\n)*[ \t\u00a0]*", text)
    blank = "[ \t\u00a0\u2002\u2003\u2009\u200b]"
    inner = rf"{blank}(?:{blank}+|(?<=[\t\u00a0\u2002\u2003\u2009]))"
    assert _inner_spaces(text) == _spans_of(inner, text)


@settings(max_examples=500, deadline=None)
@given(BLANK_TEXTS)
def test_footnote_lines_are_what_their_patterns_find(text: str) -> None:
    assert [m.span() for m in _pdf_separators(text)] == _spans_of(r"(?m)^[ \t]{15,}\n", text)
    note = rf"(?m)^[ \t]*([{SUPERSCRIPT_DIGITS}]+)[ \t]+(.*)$"
    assert [m.span() for m in _super_note_lines(text)] == _spans_of(note, text)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.sampled_from([*"aẠ)” 12093\n", "2025", "19"]), max_size=20).map("".join),
    st.sampled_from(["1", "2", "12", "3"]),
)
def test_a_pdf_marker_is_the_last_one_the_pattern_finds(text: str, number: str) -> None:
    letters = LOWER + UPPER
    glued = rf"(?:(?<=[{letters}\)”\"])|(?<=\b(?:19|20)\d\d)){number}(?![\d])"
    found = _spans_of(glued, text, re.IGNORECASE)
    assert _pdf_marker(text, number, 0, len(text)) == (found[-1] if found else None)
