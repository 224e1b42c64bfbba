import datetime as dt

from kg.pipeline import analyse_text
from kg.resolve import resolve


def entities_by_symbol(resolution):
    return {e.symbol: e for e in resolution.entities if e.symbol}


def test_spellings_of_one_document_are_one_node():
    a = analyse_text(
        "Kế hoạch số 31-KH/TU, ngày 28/11/2025 của Tỉnh ủy. Kế hoạch 31-KH/TU được triển khai; "
        "Kế hoạch số 31-\n\nKH/TU đạt kết quả; ke hoach so 31-KH/TU.\n",
        "a.txt",
    )
    resolution = resolve([a], "Cao Bằng")
    docs = [e for e in resolution.entities if e.symbol == "31-KH/TU"]
    assert len(docs) == 1
    assert docs[0].date == dt.date(2025, 11, 28)
    assert len(docs[0].mentions) == 4


def test_local_symbols_are_scoped_by_jurisdiction_and_central_ones_are_not():
    cao_bang = analyse_text(
        "Tỉnh Cao Bằng: Kế hoạch số 12-KH/TU và Nghị quyết số 57-NQ/TW.\n", "cb.txt"
    )
    lang_son = analyse_text(
        "Tỉnh Lạng Sơn: Kế hoạch số 12-KH/TU và Nghị quyết số 57-NQ/TW.\n", "ls.txt"
    )
    resolution = resolve([cao_bang, lang_son], "Cao Bằng")
    plans = [e for e in resolution.entities if e.symbol == "12-KH/TU"]
    resolutions = [e for e in resolution.entities if e.symbol == "57-NQ/TW"]
    assert len(plans) == 2 and len(resolutions) == 1
    assert {p.jurisdiction.rsplit("/", 1)[-1] for p in plans} == {"cao-bang", "lang-son"}


def test_one_symbol_with_two_dates_is_two_documents():
    a = analyse_text(
        "Nghị quyết số 18-NQ/TW, ngày 16/6/2022 của Ban Chấp hành Trung ương.\n", "a.txt"
    )
    b = analyse_text(
        "Nghị quyết số 18-NQ/TW, ngày 25/10/2017 của Ban Chấp hành Trung ương.\n", "b.txt"
    )
    resolution = resolve([a, b], "Cao Bằng")
    docs = [e for e in resolution.entities if e.symbol == "18-NQ/TW"]
    assert sorted(d.date for d in docs) == [dt.date(2017, 10, 25), dt.date(2022, 6, 16)]
    assert len({d.iri for d in docs}) == 2


def test_congress_resolution_variants_are_one_node_with_the_fullest_label():
    a = analyse_text(
        "Thực hiện Nghị quyết Đại hội đại biểu Đảng bộ tỉnh Cao Bằng lần thứ XX, nhiệm kỳ 2025 - "
        "2030; Kế hoạch số 03-KH/TU thực hiện Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XX; Kế hoạch "
        "số 04-KH/TU nhằm cụ thể hóa Nghị quyết Đại hội Đảng bộ tỉnh nhiệm kỳ 2025 - 2030.\n",
        "a.txt",
    )
    resolution = resolve([a], "Cao Bằng")
    congress = [e for e in resolution.entities if "dai-hoi" in e.iri]
    assert len(congress) == 1
    assert congress[0].label.endswith("lần thứ XX, nhiệm kỳ 2025 - 2030")
    targets = {
        r.subject.rsplit("/", 1)[-1] for r in resolution.relations if r.object == congress[0].iri
    }
    assert {"03-KH-TU", "04-KH-TU"} <= targets


def test_each_file_is_a_document_and_self_loops_are_dropped():
    a = analyse_text(
        "HƯỚNG DẪN\nTuyên truyền năm 2026\nĐề án số 02-ĐA/TU thực hiện Đề án số 02-ĐA/TU.\n",
        "h.txt",
    )
    resolution = resolve([a], "Cao Bằng")
    own = [e for e in resolution.entities if e.source_file == "h.txt"]
    assert len(own) == 1 and own[0].rdf_class == "Guidance"
    assert own[0].label == "Tuyên truyền năm 2026"
    assert all(r.subject != r.object for r in resolution.relations)


def test_iris_are_stable():
    text = "Kế hoạch số 31-KH/TU thực hiện Nghị quyết số 57-NQ/TW của Bộ Chính trị.\n"
    first = resolve([analyse_text(text, "a.txt")], "Cao Bằng")
    second = resolve([analyse_text(text, "a.txt")], "Cao Bằng")
    assert [e.iri for e in first.entities] == [e.iri for e in second.entities]
    assert "https://w3id.org/kg-vn/id/doc/cao-bang/31-KH-TU" in {e.iri for e in first.entities}
    assert "https://w3id.org/kg-vn/id/doc/57-NQ-TW" in {e.iri for e in first.entities}


def test_issuer_codes_stand_in_for_an_issuer_the_text_does_not_name():
    a = analyse_text(
        "Nghị quyết số 99/NQ-CP về chương trình hành động; Nghị quyết số 57-NQ/TW về khoa học; "
        "Kế hoạch số 12-KH/TU, ngày 2/2/2024 của Ban Thường vụ Tỉnh ủy.\n",
        "a.txt",
    )
    resolution = resolve([a], "Cao Bằng")
    issued = {
        (r.subject.rsplit("/", 1)[-1], r.object.rsplit("/", 1)[-1])
        for r in resolution.relations
        if r.predicate == "issuedBy"
    }
    assert ("99-NQ-CP", "chinh-phu") in issued
    assert not any(s == "57-NQ-TW" for s, _ in issued)  # `TW` does not say which body
    assert ("12-KH-TU", "ban-thuong-vu-tinh-uy") in issued  # the text's issuer, not `Tỉnh ủy`
    assert ("12-KH-TU", "tinh-uy") not in issued


def test_province_counts_are_taken_once_per_file_and_combined_in_resolve():
    from kg.resolve.jurisdiction import choose_jurisdiction, province_counts

    folded = "tinh lang son va tinh  lang\nson, tinh cao bang; tinhlang son, tinh lang sonx"
    assert province_counts(folded) == {"Lạng Sơn": 2, "Cao Bằng": 1}
    assert choose_jurisdiction({"Lạng Sơn": 2, "Cao Bằng": 2}, "Cao Bằng") == "Cao Bằng"
    assert choose_jurisdiction({"Lạng Sơn": 2, "Hà Giang": 2}, "Cao Bằng") == "Hà Giang"
    assert choose_jurisdiction({}, "Cao Bằng") == "Cao Bằng"

    text = "Tỉnh Lạng Sơn: Kế hoạch số 12-KH/TU.\n"
    analysis = analyse_text(text, "ls.txt")
    assert analysis.province_counts == {"Lạng Sơn": 1}  # counted at extraction, cached with it
    (plan,) = [e for e in resolve([analysis], "Cao Bằng").entities if e.symbol == "12-KH/TU"]
    assert plan.jurisdiction.endswith("/lang-son")
    # resolve reads the counts, not the text again
    analysis.province_counts = {"Hà Giang": 3}
    (plan,) = [e for e in resolve([analysis], "Cao Bằng").entities if e.symbol == "12-KH/TU"]
    assert plan.jurisdiction.endswith("/ha-giang")
    # an analysis made without them is counted from its text
    analysis.province_counts = None
    (plan,) = [e for e in resolve([analysis], "Cao Bằng").entities if e.symbol == "12-KH/TU"]
    assert plan.jurisdiction.endswith("/lang-son")


def test_mentions_are_made_only_when_asked_for_and_equal_the_text_at_their_span():
    from kg.resolve import resolve_lazily

    text = "Kế hoạch  số 31-KH/TU của Tỉnh ủy; thực hiện Kế hoạch số 31-KH/TU.\n"
    analysis = analyse_text(text, "a.txt")
    lazy = resolve_lazily([analysis], "Cao Bằng")
    assert all(not e.mentions for e in lazy.entities)  # nothing made yet
    (index,) = [i for i, e in enumerate(lazy.entities) if e.symbol == "31-KH/TU"]
    refs = lazy.entity_mentions[index]
    assert [r.span.start for r in refs] == sorted(r.span.start for r in refs)
    resolution = lazy.resolution()
    (plan,) = [e for e in resolution.entities if e.symbol == "31-KH/TU"]
    assert len(plan.mentions) == 2
    for mention in plan.mentions:
        assert mention.quote == analysis.text.text[mention.span.start : mention.span.end]
        assert mention.original == analysis.text.original_span(mention.span)
    assert resolution == resolve([analysis], "Cao Bằng")


def test_an_edge_stated_twice_by_one_sentence_has_one_mention():
    from kg.models import RelationCandidate

    text = (
        "Kế hoạch số 31-KH/TU ngày 02/3/2025 của Tỉnh ủy thực hiện Nghị quyết số 57-NQ/TW "
        "của Bộ Chính trị.\n"
    )
    a, b = analyse_text(text, "a.txt"), analyse_text(text, "b.txt")
    (implements,) = [r for r in a.of_kind(RelationCandidate) if r.predicate == "implements"]
    a.candidates.append(implements.model_copy())  # one sentence, one cue: one mention
    (edge,) = [r for r in resolve([a, b], "Cao Bằng").relations if r.predicate == "implements"]
    assert [(m.file_name, m.span) for m in edge.mentions] == [
        ("a.txt", implements.evidence),
        ("b.txt", implements.evidence),
    ]
