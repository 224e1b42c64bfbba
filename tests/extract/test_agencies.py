from kg.models import AgencyMention


def agencies(analysis):
    return {(m.canonical or m.name) for m in analysis.of_kind(AgencyMention)}


def test_gazetteer_names_and_aliases_resolve_to_one_name(analyse):
    a = analyse(
        "UBND tỉnh, Ủy ban nhân dân tỉnh và Uỷ ban nhân dân tỉnh phối hợp với Bộ Tài chính.\n"
    )
    assert agencies(a) == {"Ủy ban nhân dân tỉnh", "Bộ Tài chính"}


def test_generic_heads_need_a_proper_name(analyse):
    a = analyse("Sở Giáo dục và Đào tạo chủ trì; số liệu do sở, ban, ngành cung cấp.\n")
    assert agencies(a) == {"Sở Giáo dục và Đào tạo"}


def test_steering_committee_names_run_to_their_subject(analyse):
    a = analyse(
        "Kế hoạch số 7-KH/BCĐ, ngày 2/5/2025 của Ban Chỉ đạo về phát triển kinh tế số tỉnh Cao "
        "Bằng triển khai nền tảng số.\n"
    )
    assert "Ban Chỉ đạo về phát triển kinh tế số tỉnh Cao Bằng" in agencies(a)
