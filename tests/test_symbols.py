from hypothesis import given, settings
from hypothesis import strategies as st

from kg.symbols import _grammar, canonical_issuer_code, find_symbols, issuer_is_local
from tests.conftest import CORPUS


def found(text: str) -> list[str]:
    return [m.symbol for m in find_symbols(text)]


def test_party_state_and_untyped_forms():
    text = (
        "Nghị quyết số 57-NQ/TW; Chương trình 06-CTr/TU; Đề án 02-ĐA/TU; Nghị quyết 99/NQ-CP; "
        "Chỉ thị 27/CT-TTg; Nghị định 39/2015/NĐ-CP; Công văn 2531/UBND-VX; 17417/BTC-NSNN; "
        "1657/NQ-UBTVQH15; 53/2021/HĐND; Kế hoạch 02-KH/BCĐTW."
    )
    assert found(text) == [
        "57-NQ/TW",
        "06-CTr/TU",
        "02-ĐA/TU",
        "99/NQ-CP",
        "27/CT-TTg",
        "39/2015/NĐ-CP",
        "2531/UBND-VX",
        "17417/BTC-NSNN",
        "1657/NQ-UBTVQH15",
        "53/2021/HĐND",
        "02-KH/BCĐTW",
    ]


def test_d_restored_to_dj_from_the_closed_code_sets():
    assert found("02-DA/TU, 39/2015/ND-CP, 1679/QD-TTg, 27/2018/NQ-HDND, 13-KH/BCD") == [
        "02-ĐA/TU",
        "39/2015/NĐ-CP",
        "1679/QĐ-TTg",
        "27/2018/NQ-HĐND",
        "13-KH/BCĐ",
    ]


def test_lower_case_and_spaced_symbols_come_out_canonical():
    assert found("nghi quyet so 57-nq/tw va 99 / NQ - CP") == ["57-NQ/TW", "99/NQ-CP"]


def test_issuer_code_glued_to_the_next_word_ends_at_the_code():
    matches = find_symbols("Chương trình số 03-CTr/TUlà chủ trương")
    assert [m.symbol for m in matches] == ["03-CTr/TU"]
    assert "Chương trình số 03-CTr/TUlà"[matches[0].end :] == "là"


def test_dates_numbers_and_prose_are_not_symbols():
    assert found("ngày 28/11/2025, mục 2.2.2, tỷ lệ 6/40, COVID-19, 160/161 xã, 3/4 số hộ") == []


def test_issuer_scope():
    assert issuer_is_local("TU") and issuer_is_local("UBND-VX") and issuer_is_local("HĐND")
    assert not issuer_is_local("TW") and not issuer_is_local("TTg")
    assert not issuer_is_local("UBTVQH15") and not issuer_is_local("BTC-NSNN")
    assert not issuer_is_local("BCĐTW")


def test_canonical_issuer_code():
    assert canonical_issuer_code("HDND") == "HĐND"
    assert canonical_issuer_code("UBND - VX") == "UBND-VX"
    assert canonical_issuer_code("bcdtw") == "BCĐTW"


# the grammar is tried only where a symbol can start; that finds what scanning every position does
SYMBOL_PIECES = [
    "57",
    "2015",
    "1",
    "-",
    "/",
    " ",
    ".",
    "NQ",
    "nq",
    "TW",
    "CP",
    "ND",
    "UBND",
    "là",
    "x",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(SYMBOL_PIECES), max_size=20).map("".join))
def test_symbols_are_found_where_a_scan_of_every_position_finds_them(text: str) -> None:
    pattern, _ = _grammar()
    expected = [m.span() for m in pattern.finditer(text)]
    assert [(m.start, m.end) for m in find_symbols(text)] == expected


def test_symbol_scan_on_the_corpus() -> None:
    pattern, _ = _grammar()
    for path in sorted(CORPUS.glob("*.txt"))[:2]:
        text = path.read_text(encoding="utf-8")
        expected = [m.span() for m in pattern.finditer(text)]
        assert expected and [(m.start, m.end) for m in find_symbols(text)] == expected
