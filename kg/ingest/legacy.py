"""Vietnamese legacy font encodings (TCVN3/ABC, VNI Windows) and telling them apart from Unicode.

Old government files were typed in 8-bit fonts: ABC (`.VnTime`, TCVN3) and VNI (`VNI-Times`).
Their bytes reach us two ways: as a plain 8-bit file, or already "decoded" as Windows-1252 inside
a Unicode file (a .docx run in font `.VnTime` reads `NghÞ quyÕt` for `Nghị quyết`). Both are
handled on the Windows-1252 reading of the bytes, with the tables in `encodings/*.toml`.

Which reading is right is decided by counting words that are well-formed Vietnamese syllables:
wrong readings give words like `NghÞ` or `Vieät`, which no Vietnamese syllable looks like.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

ENCODINGS_DIR = Path(__file__).resolve().parent / "encodings"

TCVN3 = "tcvn3"
VNI = "vni"
CP1258 = "windows-1258"

_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_WORD = re.compile(r"[^\W\d_]+")
# Vietnamese vowel groups (tone marks removed): a syllable is onset + vowel group + coda, and
# the groups that end in a glide (ai, ao, ươu…) take no coda
_CLOSED = "a ă â e ê i o ô ơ u ư y oa oă oe oo uâ uê uô uơ uy ưa ươ iê yê uyê ia ua uya"
_OPEN = "ai ao au ay âu ây eo êu iu oi ôi ơi ui ưi ưu iêu yêu oai oay oao oeo uây uôi ươi ươu uyu"


def _alternatives(words: str) -> str:
    return "|".join(sorted(words.split(), key=len, reverse=True))


_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?"
    f"(?:(?:{_alternatives(_CLOSED)})(?:ch|ng|nh|[cmnpt])?|(?:{_alternatives(_OPEN)}))"
)
_SAMPLE_CHARS = 200_000  # scoring a sample is enough, and keeps huge files cheap


@cache
def _tcvn3_table() -> dict[int, str]:
    data = tomllib.loads((ENCODINGS_DIR / "tcvn3.toml").read_text(encoding="utf-8"))
    return {int(key, 16): value for key, value in data["bytes"].items()}


@cache
def _vni_tables() -> tuple[dict[str, str], re.Pattern[str]]:
    data = tomllib.loads((ENCODINGS_DIR / "vni.toml").read_text(encoding="utf-8"))
    table: dict[str, str] = data["sequences"]
    # longest first, so `ôù` (ớ) wins over `ô` (ơ); grouped by first character (`a(?:ù|ø|…)`),
    # so a scan tries the few sequences of the letter it is at, not all of them in turn
    keys = sorted(table, key=len, reverse=True)
    by_first: dict[str, list[str]] = {}
    for key in keys:
        by_first.setdefault(key[0], []).append(re.escape(key[1:]))
    pattern = "|".join(
        f"{re.escape(first)}(?:{'|'.join(rests)})" for first, rests in by_first.items()
    )
    return table, re.compile(pattern)


def _c1_map() -> dict[int, str]:
    table = {}
    for code in range(0x80, 0xA0):
        try:
            table[code] = bytes([code]).decode("cp1252")
        except UnicodeDecodeError:  # 0x81 0x8D 0x8F 0x90 0x9D: undefined, kept as Latin-1
            continue
    return table


_C1_TO_CP1252 = _c1_map()


def windows_1252(data: bytes) -> str:
    """Bytes as Windows-1252 (the five bytes it leaves undefined taken as Latin-1)."""
    return data.decode("latin-1").translate(_C1_TO_CP1252)


def tcvn3_text(text: str) -> str:
    """Text whose characters are the Windows-1252 reading of TCVN3 bytes -> Unicode."""
    table = _tcvn3_table()
    return text.translate(table)


def vni_text(text: str) -> str:
    """Text whose characters are the Windows-1252 reading of VNI bytes -> Unicode."""
    table, pattern = _vni_tables()
    return pattern.sub(lambda m: table[m.group(0)], text)


def decode_tcvn3(data: bytes) -> str:
    return tcvn3_text(windows_1252(data))


def decode_vni(data: bytes) -> str:
    return vni_text(windows_1252(data))


def decode_cp1258(data: bytes) -> str:
    # bytes Windows-1258 leaves undefined are kept as Latin-1 rather than failing the file
    return data.decode("cp1258", errors="replace").replace("\ufffd", "")


# on a tie the commoner encoding of old government files wins
DECODERS = {TCVN3: decode_tcvn3, VNI: decode_vni, CP1258: decode_cp1258}
TEXT_CONVERTERS = {TCVN3: tcvn3_text, VNI: vni_text}


@dataclass(frozen=True)
class Score:
    """Words with a non-ASCII letter: how many read as Vietnamese syllables, how many do not."""

    valid: int
    invalid: int

    @property
    def total(self) -> int:
        return self.valid + self.invalid

    @property
    def invalid_share(self) -> float:
        return self.invalid / self.total if self.total else 0.0


# the common words come back in every text: each is judged once
@lru_cache(maxsize=1 << 16)
def is_syllable(word: str) -> bool:
    # real words are lower case, Capitalised or UPPER; `quyÕt` (ABC read as Latin-1) is not
    if not (word.islower() or word.isupper() or (word[:1].isupper() and word[1:].islower())):
        return False
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(1 for ch in decomposed if ch in _TONE_MARKS)
    if tones > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_MARKS))
    return _SYLLABLE.fullmatch(bare) is not None


def score(text: str) -> Score:
    """Every Unicode text is scored (for legacy text pasted into it), so this counts each
    distinct word once rather than judging 20,000 words one by one."""
    sample = unicodedata.normalize("NFC", text[:_SAMPLE_CHARS])
    valid = invalid = 0
    # words never span white space: count the distinct white-space tokens (one C pass), and
    # find the words only inside the tokens that are not ASCII
    for token, count in Counter(sample.split()).items():
        if token.isascii():
            continue  # its words are the same in every reading: they say nothing
        token_valid, token_invalid = _judge_token(token)
        valid += token_valid * count
        invalid += token_invalid * count
    return Score(valid, invalid)


@lru_cache(maxsize=1 << 16)  # the common tokens come back in every text too
def _judge_token(token: str) -> tuple[int, int]:
    """(syllables, non-syllables) among the words of a token that are not ASCII."""
    valid = invalid = 0
    for word in _WORD.findall(token):
        if word.isascii():
            continue
        if is_syllable(word):
            valid += 1
        else:
            invalid += 1
    return valid, invalid


def plausible(result: Score) -> bool:
    """Reads as Vietnamese: most words with diacritics are syllables."""
    return result.valid >= 1 and result.invalid_share <= 0.25


def best_legacy_decoding(data: bytes) -> tuple[str, str] | None:
    """(encoding, text) of the 8-bit reading that gives the most Vietnamese, if any does."""
    best: tuple[int, str, str] | None = None
    for name, decode in DECODERS.items():
        text = decode(data)
        result = score(text)
        if not plausible(result):
            continue
        rank = result.valid - 4 * result.invalid
        if best is None or rank > best[0]:
            best = (rank, name, text)
    return (best[1], best[2]) if best else None


def detect_legacy_text(text: str) -> str | None:
    """The legacy encoding a Unicode text is really written in (`NghÞ quyÕt`), or None.

    Converts only when the text as it stands mostly fails to read as Vietnamese and the
    conversion mostly succeeds, so ordinary Unicode Vietnamese (even OCR output with stray
    accents) is never touched.
    """
    as_is = score(text)
    if as_is.total < 5 or as_is.invalid_share < 0.5:
        return None
    best: tuple[int, str] | None = None
    for name, convert in TEXT_CONVERTERS.items():
        converted = score(convert(text))
        if converted.invalid_share <= 0.15 and converted.valid > 1.5 * as_is.valid:
            rank = converted.valid - 4 * converted.invalid
            if best is None or rank > best[0]:
                best = (rank, name)
    return best[1] if best else None


# Legacy font names in .docx runs: `.VnTime`, `.VnArialH` (the H fonts show capitals), `VNI-Times`
def font_encoding(font: str | None) -> tuple[str, bool] | None:
    """(encoding, capitals) for a legacy Vietnamese font name, else None."""
    if not font:
        return None
    name = font.strip()
    if name.lower().startswith(".vn"):
        return TCVN3, name.endswith("H")
    if name.lower().startswith("vni-") or name.lower().startswith("vni "):
        return VNI, False
    return None


def convert_run(text: str, encoding: str, capitals: bool = False) -> str:
    converted = TEXT_CONVERTERS[encoding](text)
    return converted.upper() if capitals else converted
