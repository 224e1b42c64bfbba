from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract.relations import _Phrases
from kg.models import Span
from tests.conftest import labelled_relations

SOURCE = "@source"


def test_subject_cue_object_in_one_clause(analyse):
    a = analyse(
        "Năm 2022, Tỉnh ủy ban hành Kế hoạch số 88-KH/TU, ngày 4/3/2022 thực hiện Chỉ thị số "
        "05-CT/TW của Bộ Chính trị; Ủy ban nhân dân tỉnh ban hành Kế hoạch số 970/KH-UBND.\n"
    )
    rels = labelled_relations(a)
    assert ("88-KH/TU", "implements", "05-CT/TW") in rels
    assert not any(s == "970/KH-UBND" and p == "implements" for s, p, _ in rels)


def test_each_implements_cue(analyse):
    for cue in ["triển khai thực hiện", "cụ thể hóa", "để thực hiện", "thực hiện"]:
        a = analyse(f"Đề án số 11-ĐA/TU được xây dựng nhằm {cue} Nghị quyết số 36-NQ/TW.\n")
        assert ("11-ĐA/TU", "implements", "36-NQ/TW") in labelled_relations(a), cue


def test_based_on_cites_and_responds_to(analyse):
    a = analyse(
        "Căn cứ Luật Tổ chức chính quyền địa phương, Ủy ban nhân dân tỉnh ban hành kế hoạch.\n"
        "Thực hiện đề nghị của Bộ Nội vụ tại Công văn số 5120/BNV-CCVC ngày 2/10/2024, Ủy ban "
        "nhân dân tỉnh báo cáo như sau.\n"
        "Kế hoạch số 14-KH/TU phát triển nguồn nhân lực theo tinh thần Nghị quyết số 45-NQ/TW.\n"
    )
    rels = labelled_relations(a)
    assert (SOURCE, "basedOn", "Luật Tổ chức chính quyền địa phương") in rels
    assert (SOURCE, "respondsTo", "5120/BNV-CCVC") in rels
    assert ("14-KH/TU", "cites", "45-NQ/TW") in rels


def test_the_text_opening_with_a_cue_speaks_for_itself(analyse):
    a = analyse(
        "Thực hiện Hướng dẫn số 21-HD/BTGTW, ngày 10/01/2026 của Ban Tuyên giáo và Dân vận Trung "
        "ương; Kế hoạch số 50-KH/TU, ngày 2/2/2026 của Tỉnh ủy, Ban Tuyên giáo và Dân vận Tỉnh ủy "
        "hướng dẫn như sau:\n1. Tuyên truyền rộng rãi.\n"
    )
    rels = labelled_relations(a)
    assert (SOURCE, "implements", "21-HD/BTGTW") in rels
    assert (SOURCE, "implements", "50-KH/TU") in rels
    assert (SOURCE, "issuedBy", "Ban Tuyên giáo và Dân vận Tỉnh ủy") in {
        (s, p, o) for s, p, o in rels
    } or any(s == SOURCE and p == "issuedBy" for s, p, _ in rels)


def test_a_purpose_clause_gives_its_objects_to_the_documents_issued(analyse):
    a = analyse(
        "Để triển khai thực hiện chính sách dân số theo Nghị quyết số 21-NQ/TW; năm 2021 Hội đồng "
        "nhân dân tỉnh đã ban hành Nghị quyết số 10/2021/NQ-HĐND và Nghị quyết số "
        "11/2021/NQ-HĐND.\n"
    )
    rels = labelled_relations(a)
    assert ("10/2021/NQ-HĐND", "implements", "21-NQ/TW") in rels
    assert ("11/2021/NQ-HĐND", "implements", "21-NQ/TW") in rels


def test_enumerated_objects(analyse):
    a = analyse(
        "Chương trình số 09-CTr/TU thực hiện Nghị quyết số 57-NQ/TW, ngày 22/12/2024 về khoa học, "
        "công nghệ, Nghị quyết số 59-NQ/TW và Nghị quyết số 66-NQ/TW.\n"
    )
    rels = labelled_relations(a)
    for target in ["57-NQ/TW", "59-NQ/TW", "66-NQ/TW"]:
        assert ("09-CTr/TU", "implements", target) in rels


def test_a_footnote_lists_what_generic_words_stand_for(analyse):
    a = analyse(
        "Tuyên truyền các Chương trình trọng tâm thực hiện Nghị quyết Đại hội Đảng bộ tỉnh lần "
        "thứ XX[footnoteRef:1] [1:  Gồm: Chương trình số 07-CTr/TU; Chương trình số 08-CTr/TU.] "
        "trong toàn tỉnh.\n"
    )
    rels = labelled_relations(a)
    congress = "Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XX"
    assert ("07-CTr/TU", "implements", congress) in rels
    assert ("08-CTr/TU", "implements", congress) in rels


def test_cues_that_must_not_produce_a_relation(analyse):
    a = analyse(
        "Báo cáo kết quả thực hiện Nghị quyết số 19-NQ/TW trong năm.\n"
        "Các địa phương tiếp tục thực hiện tốt các nhiệm vụ được giao.\n"
        "Tình hình thực hiện Chỉ thị số 05-CT/TW còn chậm.\n"
        "Quyết định số 12/QĐ-UBND; sau đó, địa phương thực hiện Nghị quyết số 19-NQ/TW.\n"
    )
    assert not any(p == "implements" for _, p, _ in labelled_relations(a))


def test_section_headings_name_the_document_a_section_guides(analyse):
    a = analyse(
        "I. Đối với Kế hoạch số 31-KH/TU, ngày 28/11/2025 của Ban Chấp hành Đảng bộ tỉnh\n"
        "1. Tuyên truyền phát triển nhân lực theo tinh thần Nghị quyết số 45-NQ/TW.\n"
    )
    rels = labelled_relations(a)
    assert (SOURCE, "guides", "31-KH/TU") in rels
    assert ("31-KH/TU", "cites", "45-NQ/TW") in rels


def test_issuers(analyse):
    a = analyse(
        "Quyết định số 1679/QĐ-TTg, ngày 22/11/2019 của Thủ tướng Chính phủ; Tỉnh ủy đã ban hành "
        "Kế hoạch số 190-KH/TU.\n"
    )
    rels = labelled_relations(a)
    assert ("1679/QĐ-TTg", "issuedBy", "Thủ tướng Chính phủ") in rels
    assert ("190-KH/TU", "issuedBy", "Tỉnh ủy") in rels


SPANS = st.tuples(st.integers(0, 12), st.integers(1, 6)).map(lambda p: (p[0], p[0] + p[1]))


@settings(max_examples=300, deadline=None)
@given(st.lists(SPANS, max_size=8), SPANS)
def test_a_span_is_inside_a_phrase_that_holds_it_and_is_not_it(phrases, span) -> None:
    start, end = span
    expected = any(s <= start and end <= e and (s, e) != span for s, e in phrases)
    assert _Phrases(phrases).inside(Span(start=start, end=end)) == expected
