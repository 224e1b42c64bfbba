"""kg/ingest/decode.py, kg/ingest/legacy.py: every encoding staff's files come in reads as NFC."""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.ingest import InputFileError, list_corpus, read_source
from kg.ingest.decode import DecodeError, decode_text
from kg.ingest.legacy import Score, is_syllable, score, windows_1252
from kg.normalise import normalise
from tests.conftest import CORPUS
from tests.ingest.makers import encode_cp1258, encode_tcvn3, encode_vni

SAMPLE = (
    "Thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột phá phát triển "
    "khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia, Ban Thường vụ Tỉnh ủy "
    "Cao Bằng ban hành Kế hoạch thực hiện như sau. Mục đích, yêu cầu: quán triệt sâu rộng."
)
LOWER_SAMPLE = SAMPLE.lower()  # TCVN3 (ABC) has no capitals with tone marks


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@pytest.mark.parametrize(
    ("data", "label"),
    [
        (SAMPLE.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + SAMPLE.encode("utf-8"), "utf-8-sig"),
        (SAMPLE.encode("utf-16"), "utf-16-le"),  # Python writes the BOM, little-endian here
        (codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"), "utf-16-be"),
        (SAMPLE.encode("utf-32"), "utf-32-le"),
        (unicodedata.normalize("NFD", SAMPLE).encode("utf-8"), "utf-8+nfc"),
        (encode_cp1258(SAMPLE), "windows-1258"),
        (encode_vni(SAMPLE), "vni"),
        (encode_tcvn3(LOWER_SAMPLE), "tcvn3"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le", "utf-16-be", "utf-32", "nfd", "cp1258", "vni", "tcvn3"],
)
def test_each_encoding_reads_as_the_same_nfc_text(tmp_path: Path, data: bytes, label: str) -> None:
    path = tmp_path / "van-ban.txt"
    path.write_bytes(data)
    source = read_source(path, tmp_path)
    assert source.encoding == label
    expected = LOWER_SAMPLE if label == "tcvn3" else SAMPLE
    # the raw text keeps what the file says (combining marks for cp1258/NFD); the normalised
    # text is NFC, and its offsets still point into the raw text
    text = normalise(source)
    assert text.text.strip() == expected
    start = text.text.index("22/12/2024")
    original = text.to_original(start)
    assert source.raw[original : original + 10] == "22/12/2024"
    word = text.text.index("quyết")  # a letter that was one, two or three characters
    original = text.to_original(word)
    assert _nfc(source.raw[original : text.to_original(word + 5)]) == "quyết"


def test_cp1258_really_writes_combining_tone_marks() -> None:
    # the test above would prove little if the encoder wrote precomposed letters
    data = encode_cp1258("Nghị quyết")
    decoded = data.decode("cp1258")
    assert any(unicodedata.combining(ch) for ch in decoded)
    assert decode_text(data) == (decoded, "windows-1258")


def test_every_corpus_file_is_still_read_as_plain_utf8() -> None:
    for path in list_corpus(CORPUS).files:
        source = read_source(path, CORPUS)
        assert source.encoding in ("utf-8", "utf-8+nfc"), path.name
        assert source.raw == path.read_text(encoding="utf-8")


def test_legacy_text_saved_inside_a_unicode_file_is_converted(tmp_path: Path) -> None:
    # ABC text pasted into a UTF-8 editor: the bytes became their Windows-1252 letters
    mojibake = encode_tcvn3(LOWER_SAMPLE).decode("cp1252")
    assert "nghÞ quyÕt" in mojibake
    path = tmp_path / "dan.txt"
    path.write_text(mojibake, encoding="utf-8")
    source = read_source(path, tmp_path)
    assert source.encoding == "utf-8+tcvn3"
    assert source.raw == LOWER_SAMPLE

    vni = encode_vni(SAMPLE).decode("cp1252")
    path.write_text(vni, encoding="utf-8")
    assert read_source(path, tmp_path).raw == SAMPLE


def test_a_few_broken_bytes_in_utf8_are_replaced_not_fatal(tmp_path: Path) -> None:
    data = SAMPLE.encode("utf-8") + "Kế".encode()[:-1]  # cut in the middle of a letter
    (tmp_path / "cut.txt").write_bytes(data)
    source = read_source(tmp_path / "cut.txt", tmp_path)
    assert source.encoding.startswith("utf-8 (1 invalid bytes replaced)")
    assert source.raw.startswith(SAMPLE)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("Nghị quyết số 57".encode("utf-16-le"), "UTF-16 text without a byte-order mark"),
        (b"%PDF-1.7\n\x00\x01binary", "looks like a PDF file"),
        (b"PK\x03\x04" + bytes(range(256)), "looks like a zip archive"),
        (bytes(range(256)) * 4, "binary content"),
        (b"\x01\x02\x03\x04" * 100 + b"text", "binary content"),
    ],
    ids=["utf16-no-bom", "pdf", "zip", "random", "control-chars"],
)
def test_what_is_not_text_says_what_it_looks_like(
    tmp_path: Path, data: bytes, message: str
) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(data)
    with pytest.raises(InputFileError) as error:
        read_source(path, tmp_path)
    assert str(error.value).startswith("x.txt: ")
    assert message in str(error.value)
    assert "\n" not in str(error.value)


# --- properties over real Vietnamese words ----------------------------------------------------

# running text of the corpus, word by word (acronyms like BCSĐ left out: they are not words
# and, alone, could be read in more than one encoding)
_RUNNING = [
    word
    for path in sorted(CORPUS.glob("*.txt"))[:3]
    for word in re.findall(r"[^\W\d_]+", _nfc(path.read_text(encoding="utf-8")))
    if word.isascii() or is_syllable(word)
]
vietnamese = st.builds(
    lambda start, length: " ".join(_RUNNING[start : start + length]),
    st.integers(0, len(_RUNNING) - 40),
    st.integers(8, 40),
).filter(lambda text: not text.isascii())


@settings(max_examples=60, deadline=None)
@given(vietnamese)
def test_unicode_vietnamese_is_never_taken_for_a_legacy_encoding(text: str) -> None:
    assert decode_text(text.encode("utf-8")) == (text, "utf-8")


@settings(max_examples=60, deadline=None)
@given(vietnamese)
def test_legacy_encodings_round_trip(text: str) -> None:
    assert _nfc(decode_text(encode_vni(text))[0]) == text
    assert _nfc(decode_text(encode_cp1258(text))[0]) == text
    lower = text.lower()
    assert _nfc(decode_text(encode_tcvn3(lower))[0]) == lower


def test_unknown_8bit_text_is_an_error_not_a_guess() -> None:
    greek = "Η γρήγορη καφέ αλεπού πηδάει πάνω από τον τεμπέλη σκύλο " * 5
    with pytest.raises(DecodeError, match="unknown text encoding"):
        decode_text(greek.encode("iso-8859-7"))


@settings(max_examples=60, deadline=None)
@given(st.one_of(vietnamese, vietnamese.map(lambda text: windows_1252(encode_vni(text)))))
def test_score_judges_every_word_of_the_text(text: str) -> None:
    # score() counts each distinct word once; the counts are still those of every word
    words = [w for w in re.findall(r"[^\W\d_]+", _nfc(text)) if not w.isascii()]
    valid = sum(1 for word in words if is_syllable(word))
    assert score(text) == Score(valid, len(words) - valid)
