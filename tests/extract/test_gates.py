import re
from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract import gates
from kg.models import BorderGateMention
from kg.normalise.fold import fold

LEVELS = {"international", "main", "bilateral", "secondary", "opening", "clearance", "scenic"}


def found(analysis):
    return [
        (m.name, m.level, m.counterpart, m.province) for m in analysis.of_kind(BorderGateMention)
    ]


def names_levels(analysis):
    return [(m.name, m.level) for m in analysis.of_kind(BorderGateMention)]


def test_level_words_after_the_head(analyse):
    a = analyse(
        "Đầu tư cửa khẩu quốc tế Hữu Nghị, cửa khẩu chính Chi Ma, cửa khẩu song phương Sóc "
        "Giang; mở cửa khẩu phụ Pò Peo, lối mở Bản Khoòng và lối thông quan Nà Đoỏng.\n"
    )
    assert names_levels(a) == [
        ("Hữu Nghị", "international"),
        ("Chi Ma", "main"),
        ("Sóc Giang", "bilateral"),
        ("Pò Peo", "secondary"),
        ("Bản Khoòng", "opening"),
        ("Nà Đoỏng", "clearance"),
    ]


def test_the_level_the_text_states_wins_and_the_gazetteer_is_the_fallback(analyse):
    a = analyse("Trước đây là cửa khẩu chính Trà Lĩnh; nay hàng qua cửa khẩu Tà Lùng.\n")
    assert found(a) == [
        ("Trà Lĩnh", "main", "Long Bang", "Cao Bằng"),
        ("Tà Lùng", "international", "Thủy Khẩu", "Cao Bằng"),
    ]


def test_pairs_give_the_counterpart_and_the_span_covers_them(analyse):
    text = (
        "Vận hành chính thức cửa khẩu song phương Lý Vạn (Việt Nam) - Thạc Long (Trung Quốc) và "
        "Khu cảnh quan Thác Bản Giốc (Việt Nam) - Đức Thiên (Trung Quốc).\n"
    )
    a = analyse(text)
    assert found(a) == [
        ("Lý Vạn", "bilateral", "Thạc Long", "Cao Bằng"),
        ("Thác Bản Giốc", "scenic", "Đức Thiên", "Cao Bằng"),
    ]
    quotes = [a.text.quote(m.span) for m in a.of_kind(BorderGateMention)]
    assert quotes == [
        "cửa khẩu song phương Lý Vạn (Việt Nam) - Thạc Long (Trung Quốc)",
        "Khu cảnh quan Thác Bản Giốc (Việt Nam) - Đức Thiên (Trung Quốc)",
    ]


def test_a_pair_without_country_brackets(analyse):
    a = analyse("Cặp cửa khẩu Trà Lĩnh – Long Bang đón khách từ năm 2023.\n")
    assert found(a) == [("Trà Lĩnh", "international", "Long Bang", "Cao Bằng")]


def test_upgrades_give_the_new_level(analyse):
    a = analyse(
        "Công bố nâng cấp cửa khẩu Trà Lĩnh (Việt Nam) - Long Bang (Trung Quốc) lên cửa khẩu "
        "quốc tế, bao gồm lối thông quan Nà Đoỏng (Việt Nam) - Nà Ráy (Trung Quốc); triển khai "
        "thủ tục nâng cấp cửa khẩu Lý Vạn (Việt Nam) - Thạc Long (Trung Quốc) thành cửa khẩu quốc "
        "tế; cửa khẩu Pò Peo (Việt Nam) - Nhạc vu (Trung Quốc) và cửa khẩu Hạ Lang (Việt Nam) - "
        "Khoa Giáp (Trung Quốc) thành cửa khẩu song phương.\n"
    )
    assert found(a) == [
        ("Trà Lĩnh", "international", "Long Bang", "Cao Bằng"),
        ("Nà Đoỏng", "clearance", "Nà Ráy", "Cao Bằng"),
        ("Lý Vạn", "international", "Thạc Long", "Cao Bằng"),
        ("Pò Peo", "bilateral", "Nhạc Vu", "Cao Bằng"),
        ("Hạ Lang", "bilateral", "Khoa Giáp", "Cao Bằng"),
    ]
    # `nâng cấp cửa khẩu` is not `cặp cửa khẩu`: the span starts at the head
    assert a.text.quote(a.of_kind(BorderGateMention)[0].span).startswith("cửa khẩu Trà Lĩnh")


def test_a_passive_upgrade(analyse):
    a = analyse(
        "Kể từ khi cặp cửa khẩu Tà Lùng (Việt Nam) - Thuỷ Khẩu (Trung Quốc) được nâng cấp thành "
        "cửa khẩu quốc tế vào tháng 12/2024, hàng hóa tăng mạnh.\n"
    )
    assert found(a) == [("Tà Lùng", "international", "Thủy Khẩu", "Cao Bằng")]


def test_gates_the_gazetteer_lacks_are_found_by_pattern(analyse):
    a = analyse(
        "Đề nghị mở cửa khẩu phụ Nà Mon (Việt Nam) - Nà Pha (Trung Quốc) và lối mở Keo Sưa; "
        "nâng cấp cửa khẩu Pác Ngà thành cửa khẩu chính. Hàng qua cua khau Na Mon tăng.\n"
    )
    assert found(a) == [
        ("Nà Mon", "secondary", "Nà Pha", None),
        ("Keo Sưa", "opening", None, None),
        ("Pác Ngà", "main", None, None),
        # the unaccented spelling gets the best spelling and the level the file gave the name
        ("Nà Mon", "secondary", None, None),
    ]


def test_a_province_after_an_unknown_gate(analyse):
    a = analyse("Khảo sát lối mở Nà Mon (Cao Bằng) trong năm.\n")
    assert found(a) == [("Nà Mon", "opening", None, "Cao Bằng")]


def test_lists_keep_the_level(analyse):
    a = analyse(
        "Đầu tư hạ tầng các cửa khẩu quốc tế Trà Lĩnh, Tà Lùng, cửa khẩu chính Sóc Giang, Lý Vạn.\n"
    )
    assert names_levels(a) == [
        ("Trà Lĩnh", "international"),
        ("Tà Lùng", "international"),
        ("Sóc Giang", "main"),
        ("Lý Vạn", "main"),
    ]


def test_clearance_lanes_after_filler_words(analyse):
    a = analyse(
        "bao gồm Lối thông quan vận chuyển hàng hóa Nà Đoỏng (Việt Nam) - Nà Ráy (Trung Quốc); "
        "bao gồm lối thông quan cầu Tà Lùng II - Thuỷ Khẩu (Trung Quốc).\n"
    )
    assert names_levels(a) == [("Nà Đoỏng", "clearance"), ("Tà Lùng II", "clearance")]


def test_a_scenic_area_named_far_from_its_head(analyse):
    a = analyse(
        "Đưa vào vận hành Khu cảnh quan trên cơ sở Hiệp định hợp tác bảo vệ và khai thác tài "
        "nguyên du lịch thác Bản Giốc (Việt Nam) - Đức Thiên (Trung Quốc).\n"
    )
    assert found(a) == [("Thác Bản Giốc", "scenic", "Đức Thiên", "Cao Bằng")]


def test_one_name_two_gates_told_apart_by_counterpart_or_province(analyse):
    a = analyse(
        "Khách qua cửa khẩu Thanh Thủy (Việt Nam) - Nậm On (Lào) tăng; cửa khẩu quốc tế Thanh "
        "Thủy của tỉnh Hà Giang cũ đón hàng.\n"
    )
    assert found(a) == [
        ("Thanh Thủy", "main", "Nậm On", "Nghệ An"),
        ("Thanh Thủy", "international", "Thiên Bảo", "Tuyên Quang"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Phát triển kinh tế cửa khẩu, logistics và giao thông.",
        "Quy hoạch chung Khu kinh tế cửa khẩu tỉnh Cao Bằng đến năm 2040.",
        "Hoàn thiện hạ tầng cửa khẩu, lối mở biên giới, lối thông quan.",
        "Nâng cấp, mở mới các cặp cửa khẩu quốc tế, cửa khẩu song phương.",
        "Kết nối cao tốc Đồng Đăng - Trà Lĩnh với các cửa khẩu.",
        "Kiểm soát cửa khẩu Việt Nam - Trung Quốc chặt chẽ.",
        "Xây dựng mô hình cửa khẩu số, cửa khẩu thông minh.",
        "Thu ngân sách từ cửa khẩu tỉnh Cao Bằng đạt cao.",
        "Kinh té ctra khau co budc phat trién noi bat; khu kinh té cira khau.",
        "Du lịch Thác Bản Giốc thu hút khách; hợp tác hữu nghị.",
    ],
)
def test_not_gates(analyse, text):
    assert found(analyse(text + "\n")) == []


# --- OCR and unaccented text -----------------------------------------------------------------


def test_ocr_gate_words_and_names(analyse):
    text = (
        "Tiep tuc van hanh ctra khau quoc te Tra Linh; nang cap cap ctra khau Tra Linh (Viét Nam) "
        "— Long Bang (Trung Qudc) thanh cira khau qudc té, bao gom 16i théng quan Na Poong (Viét "
        "Nam) — Na Ray (Trung Qudc). Dau tu Khu canh quan thac Ban Gidc (Viét Nam) - Btc Thién "
        "(Trung Quéc).\n"
    )
    a = analyse(text)
    assert found(a) == [
        ("Trà Lĩnh", "international", "Long Bang", "Cao Bằng"),
        ("Trà Lĩnh", "international", "Long Bang", "Cao Bằng"),
        ("Nà Đoỏng", "clearance", "Nà Ráy", "Cao Bằng"),
        ("Thác Bản Giốc", "scenic", "Đức Thiên", "Cao Bằng"),
    ]
    # offsets stay in the real text
    quotes = [a.text.quote(m.span) for m in a.of_kind(BorderGateMention)]
    assert quotes[0] == "ctra khau quoc te Tra Linh"
    assert quotes[2] == "16i théng quan Na Poong (Viét Nam) — Na Ray (Trung Qudc)"


def test_stripped_text_reads_like_the_original(analyse):
    original = (
        "Công bố nâng cấp cặp cửa khẩu Tà Lùng (Việt Nam) - Thuỷ Khẩu (Trung Quốc) lên cửa khẩu "
        "quốc tế; vận hành cửa khẩu song phương Lý Vạn (Việt Nam) - Thạc Long (Trung Quốc), cửa "
        "khẩu phụ Hạ Lang và lối mở Nà Mon.\n"
    )
    stripped = "".join(ch.upper() if ch.isupper() else fold(ch) for ch in original)
    # gazetteer names come back with their diacritics; a name it lacks is spelled as written
    assert found(analyse(stripped))[:3] == found(analyse(original))[:3]
    assert found(analyse(stripped))[3] == ("Na Mon", "opening", None, None)
    assert names_levels(analyse(original)) == [
        ("Tà Lùng", "international"),
        ("Lý Vạn", "bilateral"),
        ("Hạ Lang", "secondary"),
        ("Nà Mon", "opening"),
    ]


def test_ocr_spellings_of_the_level_words(analyse):
    a = analyse(
        "Qua ctira khau quédc té Hữu Nghị, cia khau song phuwong Sóc Giang va ciza khdu qubc té "
        "Tà Lùng.\n"
    )
    assert names_levels(a) == [
        ("Hữu Nghị", "international"),
        ("Sóc Giang", "bilateral"),
        ("Tà Lùng", "international"),
    ]


def test_similar_reads_through_ocr_damage():
    assert gates.similar("Btc Thién", "Đức Thiên")
    assert gates.similar("Ban Gidc", "Bản Giốc")
    assert gates.similar("Na Poong", "Nà Đoỏng")
    assert not gates.similar("Tà Lùng", "Hạ Lang")
    assert not gates.similar("Pò Peo", "Pò Hèn")


# --- the gazetteer ---------------------------------------------------------------------------


def test_gazetteer_rows_are_well_formed():
    entries = gates.gazetteer()
    assert len(entries) >= 70
    for entry in entries:
        assert entry.level in LEVELS, entry
        assert entry.country in {"Trung Quốc", "Lào", "Campuchia"}, entry
        assert entry.province, entry
        assert entry.name != fold(entry.name) or entry.name.isascii(), entry


def test_gazetteer_keys_do_not_collide_across_names():
    # two rows may share a name (Thanh Thủy), but no spelling may lead to two different names
    names_by_key = defaultdict(set)
    for entry in gates.gazetteer():
        for form in entry.forms:
            names_by_key[gates.name_key(form)].add(entry.name)
    assert {k: v for k, v in names_by_key.items() if len(v) > 1} == {}


def test_every_gazetteer_name_is_found_after_a_head(analyse):
    for entry in gates.gazetteer():
        a = analyse(f"Hàng hóa qua cửa khẩu {entry.name} tăng.\n")
        assert [m.name for m in a.of_kind(BorderGateMention)] == [entry.name], entry.name


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*"a .!?\n\t", "cua khau"]), max_size=15).map("".join))
def test_a_sentence_start_is_the_end_of_the_last_stop_a_scan_finds(folded: str) -> None:
    for pos in range(len(folded) + 1):
        expected = 0
        for end in re.finditer(r"[.!?](?=\s)|\n", folded[:pos]):
            expected = end.end()
        assert gates._sentence_start(folded, pos) == expected, (folded, pos)
