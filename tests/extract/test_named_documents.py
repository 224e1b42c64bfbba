from kg.models import DocumentMention


def named(analysis):
    return [m for m in analysis.of_kind(DocumentMention) if m.name and not m.generic]


def test_congress_resolutions_get_level_and_ordinal_keys(analyse):
    a = analyse(
        "Quán triệt Nghị quyết Đại hội đại biểu Đảng bộ tỉnh Lạng Sơn lần thứ XVIII, nhiệm kỳ "
        "2025 - 2030 và Nghị quyết Đại hội XIV của Đảng; thực hiện Nghị quyết Đại hội Đảng bộ "
        "tỉnh nhiệm kỳ 2025 - 2030.\n"
    )
    keys = [m.name_key for m in named(a)]
    assert keys == [
        "congress|province|XVIII|2025-2030",
        "congress|national|XIV|",
        "congress|province||2025-2030",
    ]


def test_an_alias_definition_points_back_to_its_document(analyse):
    a = analyse(
        "Thực hiện Nghị quyết Đại hội đại biểu Đảng bộ tỉnh lần thứ XX (sau đây gọi là Nghị quyết "
        "Đại hội); các cấp quán triệt Nghị quyết Đại hội trong toàn tỉnh.\n"
    )
    keys = {m.name_key for m in named(a)}
    assert keys == {"congress|province|XX|"}


def test_strategies_plannings_laws_and_composites(analyse):
    a = analyse(
        "Triển khai Chiến lược phát triển giáo dục đến năm 2030, tầm nhìn đến năm 2045; Quy hoạch "
        "tỉnh thời kỳ 2021 - 2030, tầm nhìn đến năm 2050; Luật Đầu tư công; Kế hoạch thực hiện "
        "Đề án số 05-ĐA/TU của Tỉnh ủy.\n"
    )
    by_class = {m.doc_class: m.name for m in named(a)}
    assert (
        by_class["Strategy"] == "Chiến lược phát triển giáo dục đến năm 2030, tầm nhìn đến năm 2045"
    )
    assert by_class["Planning"] == "Quy hoạch tỉnh thời kỳ 2021 - 2030, tầm nhìn đến năm 2050"
    assert by_class["Law"] == "Luật Đầu tư công"
    assert by_class["Plan"] == "Kế hoạch thực hiện Đề án số 05-ĐA/TU"


def test_a_lower_case_word_is_not_a_name(analyse):
    a = analyse("Xây dựng chiến lược và quy hoạch phù hợp với thực tế địa phương.\n")
    assert named(a) == []


def test_abbreviated_and_full_spellings_share_a_key(analyse):
    a = analyse(
        "Nghị quyết của Quốc hội về Kế hoạch phát triển KT-XH 5 năm 2026-2030 và Nghị quyết của "
        "Quốc hội về Kế hoạch phát triển kinh tế - xã hội 5 năm 2026-2030.\n"
    )
    keys = {m.name_key for m in named(a)}
    assert len(keys) == 1
