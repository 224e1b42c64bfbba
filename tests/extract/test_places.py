from kg.models import PlaceMention


def test_units_countries_and_regions(analyse):
    a = analyse(
        "Dự án tại xã Đức Xuân, huyện Thạch An, tỉnh Cao Bằng và phường Thục Phán; hợp tác với "
        "Khu tự trị dân tộc Choang Quảng Tây (Trung Quốc).\n"
    )
    found = {(p.name, p.place_type) for p in a.of_kind(PlaceMention)}
    assert found == {
        ("Đức Xuân", "commune"),
        ("Thạch An", "district"),
        ("Cao Bằng", "province"),
        ("Thục Phán", "ward"),
        ("Quảng Tây", "region"),
        ("Trung Quốc", "country"),
    }


def test_places_in_text_without_diacritics(analyse):
    a = analyse("Tai xa Duc Xuan, huyen Thach An, tinh Cao Bang giap Trung Quoc.\n")
    found = {(p.name, p.place_type) for p in a.of_kind(PlaceMention)}
    assert ("Cao Bang", "province") in found and ("Trung Quốc", "country") in found
