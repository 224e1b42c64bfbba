import re

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.normalise.ocr import (
    TrieScan,
    finditer_at,
    first_characters,
    last_word_spellings,
    prefiltered_finditer,
    tolerant,
    tolerant_any,
    tolerant_trie,
)

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


def _every_start(pattern: re.Pattern[str], text: str) -> list[int]:
    """Every position where `pattern` matches, overlapping ones included."""
    return [position for position in range(len(text) + 1) if pattern.match(text, position)]


def test_word_end_trie_needs_no_letter_after() -> None:
    text = "bot ban bo"
    assert _every_start(re.compile(tolerant_trie(PHRASES, word_start=True)), text) == [0, 4, 8]
    bounded = re.compile(tolerant_trie(PHRASES, word_start=True, word_end=True))
    assert _every_start(bounded, text) == [4, 8]  # `bộ` does not start `bột`


def test_spellings_of_first_letters_and_last_words() -> None:
    assert first_characters(["cửa khẩu", "Ban"]) == {"c", "b"}
    assert last_word_spellings("cửa khẩu") == {"khau", "khiu"}
    assert all(re.fullmatch(tolerant("khẩu"), s) for s in last_word_spellings("cửa khẩu"))


TEXTS = st.lists(st.sampled_from([*WORDS, " ", "  ", ",", "\n", "("]), max_size=30).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.booleans())
def test_a_trie_scan_finds_where_each_list_starts(text: str, whole_words: bool) -> None:
    lists = {"a": PHRASES[:3], "b": PHRASES[2:6], "c": PHRASES[5:], "d": ["b"], "none": []}
    scan = TrieScan(lists, word_start=whole_words, word_end=whole_words)
    found = scan.positions(text)
    for name, phrases in lists.items():
        trie = tolerant_trie(phrases, word_start=whole_words, word_end=whole_words)
        assert found[name] == (_every_start(re.compile(trie), text) if phrases else []), name


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_finditer_at_the_starts_finds_what_finditer_finds(text: str) -> None:
    ordered = sorted(PHRASES, key=lambda p: (-len(p), p))
    groups = "|".join(f"(?P<g{i}>{tolerant(p)})" for i, p in enumerate(ordered))
    exact = re.compile(rf"(?<![\w])(?:{groups})(?:\s+(?P<place>ban))?(?![\w])")
    starts = _every_start(re.compile(tolerant_trie(PHRASES, word_start=True, word_end=True)), text)
    assert _spans(list(finditer_at(exact, starts, text))) == _spans(list(exact.finditer(text)))
