"""Which province a text is from: the one it names most (`tỉnh Cao Bằng`), else the default."""

from __future__ import annotations

import re
from collections import Counter

from kg.lexicon import lexicon
from kg.models import Text
from kg.normalise.fold import fold_words


def detect_jurisdiction(text: Text, default: str) -> str:
    counts: Counter[str] = Counter()
    for province, aliases in lexicon().provinces.items():
        for form in {fold_words(province), *(fold_words(a) for a in aliases)}:
            pattern = r"\btinh\s+" + r"\s+".join(map(re.escape, form.split())) + r"\b"
            counts[province] += len(re.findall(pattern, text.folded))
    if counts and counts.most_common(1)[0][1] > 0:
        best = counts.most_common()
        # ties go to the default province, then to the name, so the choice is stable
        top = best[0][1]
        tied = sorted(p for p, c in best if c == top)
        return default if default in tied else tied[0]
    return default
