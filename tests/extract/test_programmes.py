from kg.models import DocumentMention
from kg.pipeline import analyse_text
from kg.resolve import resolve


def programmes(analysis):
    return [m for m in analysis.of_kind(DocumentMention) if m.doc_class == "Programme" and m.name]


def test_short_and_long_forms_are_one_programme(analyse):
    a = analyse(
        "Triển khai Chương trình MTQG giảm nghèo bền vững giai đoạn 2021 - 2025 và Chương trình "
        "mục tiêu quốc gia giảm nghèo bền vững; Chương trình 1719 và Chương trình mục tiêu quốc "
        "gia phát triển KT - XH vùng đồng bào dân tộc thiểu số và miền núi.\n"
    )
    found = programmes(a)
    assert len(found) == 4
    assert len({m.name_key for m in found}) == 2
    assert found[0].period == "2021 - 2025"


def test_a_quoted_proper_name_is_a_programme(analyse):
    a = analyse("Chương trình “Nông sản sạch vùng cao” được nhân rộng.\n")
    assert [m.name for m in programmes(a)] == ["Chương trình “Nông sản sạch vùng cao”"]


def test_a_programme_named_by_its_subject_is_the_numbered_programme():
    a = analyse_text(
        "Chương trình số 07-CTr/TU, ngày 1/12/2025 của Tỉnh ủy về phát triển nông nghiệp hữu cơ "
        "giai đoạn 2025 - 2030; tuyên truyền Chương trình phát triển nông nghiệp hữu cơ; "
        "Chương trình phát triển một thứ chưa có số hiệu.\n",
        "a.txt",
    )
    resolution = resolve([a], "Cao Bằng")
    programmes_ = [e for e in resolution.entities if e.rdf_class == "Programme"]
    assert len(programmes_) == 1
    assert programmes_[0].symbol == "07-CTr/TU"
    assert len(programmes_[0].mentions) == 2
