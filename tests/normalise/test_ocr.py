import re

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.normalise.ocr import prefiltered_finditer, tolerant, tolerant_any, tolerant_trie

# phrases that share prefixes (`ban`, `ban chỉ đạo`), OCR letters (`ư` read `tr`, `đ` read `p`)
# and one that is a prefix of another word (`bộ` in `bột`)
PHRASES = ["Ban", "Ban Chỉ đạo", "Ban Bí thư", "Bộ", "Bộ Chỉ huy", "Đảng ủy", "Trường", "cửa khẩu"]
WORDS = ["ban", "chi", "dao", "bi", "thu", "bo", "bot", "huy", "dang", "pang", "uy", "truong"]
WORDS += ["trtrong", "ctra", "cua", "khau", "xban", "ba", "b"]


def _spans(matches: list[re.Match[str]]) -> list[tuple[int, int, str | None]]:
    return [(m.start(), m.end(), m.lastgroup) for m in matches]


def test_trie_matches_what_the_alternation_matches() -> None:
    trie = re.compile(rf"(?:{tolerant_trie(PHRASES)})\Z")
    alternation = re.compile(rf"(?:{tolerant_any(PHRASES)})\Z")
    for text in ["ban chi dao", "ban", "bo chi huy", "pang uy", "trtrong", "ctra khau", "bot"]:
        assert bool(trie.match(text)) == bool(alternation.match(text)), text
    assert trie.match("ctra   khau") and not trie.match("cxa khau")


def test_word_start_trie_needs_no_letter_before() -> None:
    starts = re.compile(tolerant_trie(PHRASES, word_start=True))
    assert [m.start() for m in starts.finditer("xban ban (ban")] == [5, 10]


def test_tolerant_keeps_its_pattern() -> None:
    # other modules store and compare these patterns: the trie work must not change them
    assert tolerant("cửa khẩu") == r"c(?:ii|ir|ti|tr|ur|[uw])a\s+kh(?:[ai])u"
    assert tolerant_any(["Ban", "Ban Chỉ đạo"]) == r"ban\s+chi\s+(?:[bdp])ao|ban"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*WORDS, " ", "  ", ",", "\n", "("]), max_size=30))
def test_prefiltered_finditer_finds_what_finditer_finds(pieces: list[str]) -> None:
    text = " ".join(pieces)
    ordered = sorted(PHRASES, key=lambda p: (-len(p), p))
    groups = "|".join(f"(?P<g{i}>{tolerant(p)})" for i, p in enumerate(ordered))
    exact = re.compile(rf"(?<![\w])(?:{groups})(?:\s+(?P<place>ban))?(?![\w])")
    starts = re.compile(tolerant_trie(PHRASES, word_start=True))
    assert _spans(list(prefiltered_finditer(exact, starts, text))) == _spans(
        list(exact.finditer(text))
    )
