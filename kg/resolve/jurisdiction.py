"""Which province a text is from: the one it names most (`tỉnh Cao Bằng`), else the default.

Counting is per text and done at extraction time (`province_counts`, cached with the file's
analysis); resolve only combines the counts with the corpus's default (`choose_jurisdiction`).
"""

from __future__ import annotations

import re
from functools import cache

from kg.lexicon import lexicon
from kg.models import Analysis
from kg.normalise.fold import fold_words

# where a province may be named: after the word `tinh` (folded `tỉnh`) and white space
_PROVINCE_WORD = re.compile(r"\btinh\s+")


@cache
def _province_forms() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(province, pattern of one folded spelling), every spelling of every province.

    Each pattern is matched right after `tinh ` and must end at a word boundary."""
    forms = []
    for province, aliases in lexicon().provinces.items():
        for form in sorted({fold_words(province), *(fold_words(a) for a in aliases)}):
            words = r"\s+".join(map(re.escape, form.split()))
            forms.append((province, re.compile(words + r"\b")))
    return tuple(forms)


def province_counts(folded: str) -> dict[str, int]:
    """How many times the folded text names each province as `tỉnh <name>` (provinces it never
    names are left out).

    One pass finds every `tinh ` and each spelling is tried there, instead of one scan of the
    whole text per spelling; a spelling's matches do not overlap, as with `re.findall`.
    """
    forms = _province_forms()
    counts: dict[str, int] = {}
    ends = [0] * len(forms)  # where each spelling's last match ended
    for found in _PROVINCE_WORD.finditer(folded):
        start = found.start()
        for index, (province, pattern) in enumerate(forms):
            if start < ends[index]:
                continue
            match = pattern.match(folded, found.end())
            if match:
                ends[index] = match.end()
                counts[province] = counts.get(province, 0) + 1
    return counts


def choose_jurisdiction(counts: dict[str, int], default: str) -> str:
    """The province named most; ties go to the default, then to the name, so the choice is
    stable; the default if none is named."""
    top = max(counts.values(), default=0)
    if top <= 0:
        return default
    tied = sorted(p for p, c in counts.items() if c == top)
    return default if default in tied else tied[0]


def jurisdiction_of(analysis: Analysis, default: str) -> str:
    counts = analysis.province_counts
    if counts is None:  # an analysis not made by the pipeline's extraction
        counts = province_counts(analysis.text.folded)
    return choose_jurisdiction(counts, default)
