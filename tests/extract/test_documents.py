import datetime as dt

from kg.models import DocumentMention


def docs(analysis):
    return {m.symbol: m for m in analysis.of_kind(DocumentMention) if m.symbol}


def test_class_date_issuer_and_title_from_the_phrase(analyse):
    a = analyse(
        "Kế hoạch số 45-KH/TU, ngày 3 tháng 2 năm 2024 của Ban Thường vụ Tỉnh ủy về phát triển "
        "du lịch cộng đồng giai đoạn 2024 - 2030; Chỉ thị số 12/CT-TTg, ngày 05/3/2023 của Thủ "
        "tướng Chính phủ về tăng cường quản lý rừng.\n"
    )
    found = docs(a)
    plan, directive = found["45-KH/TU"], found["12/CT-TTg"]
    assert (plan.doc_class, plan.date, plan.issuer_name) == (
        "Plan",
        dt.date(2024, 2, 3),
        "Ban Thường vụ Tỉnh ủy",
    )
    assert plan.title == "về phát triển du lịch cộng đồng giai đoạn 2024 - 2030"
    assert (directive.doc_class, directive.date, directive.issuer_name) == (
        "Directive",
        dt.date(2023, 3, 5),
        "Thủ tướng Chính phủ",
    )


def test_untyped_letters_take_their_class_from_the_words_before(analyse):
    a = analyse(
        "Công văn số 310/UBND-KT ngày 2/4/2024; Nghị quyết số 12/2022/HĐND quy định chính sách.\n"
    )
    found = docs(a)
    assert found["310/UBND-KT"].doc_class == "OfficialLetter"
    assert found["12/2022/HĐND"].doc_class == "Resolution"


def test_text_without_diacritics_gives_canonical_symbols(analyse):
    a = analyse("Nghi quyet so 08/2023/NQ-HDND ngay 14/7/2023 cua Hoi dong nhan dan tinh.\n")
    [mention] = [m for m in a.of_kind(DocumentMention) if m.symbol]
    assert mention.symbol == "08/2023/NQ-HĐND"
    assert mention.date == dt.date(2023, 7, 14)
