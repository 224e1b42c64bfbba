"""Where the extractors' gazetteer phrases start in a text, found in one scan for many lists.

Agency names, places, relation and target cues, border gates and document type words are each
looked for where a trie of their phrases matches (see `kg.normalise.ocr`). Scanning a text with
a trie costs about the same whatever its phrases, so a text is scanned once for all the lists
that want whole words (`word_starts`) and once for those that do not (`phrase_starts`), and
each extractor reads the starts of its own lists (named `module.list`) from those scans.
"""

from __future__ import annotations

import sys
from functools import cache, lru_cache

from kg.normalise.ocr import TrieScan


def _members(scan: str) -> dict[str, list[str]]:
    """The phrase lists of the registered extractors that ask for this scan: a module takes
    part by defining `STARTS = "word"` or `"phrase"` and `start_phrases()`."""
    from kg.extract import registry

    members: dict[str, list[str]] = {}
    for _name, extractor in registry():
        module = sys.modules[extractor.__module__]
        if getattr(module, "STARTS", None) == scan:
            members.update(module.start_phrases())
    return members


@cache
def _word_scan() -> TrieScan:
    return TrieScan(_members("word"), word_start=True, word_end=True)


@cache
def _phrase_scan() -> TrieScan:
    return TrieScan(_members("phrase"), word_start=False, word_end=False)


@lru_cache(maxsize=2)  # asked by each extractor of one text in turn
def word_starts(folded: str) -> dict[str, list[int]]:
    """Where each list's phrases start in the folded text as whole words (no word character
    before or after), sorted."""
    return _word_scan().positions(folded)


@lru_cache(maxsize=2)
def phrase_starts(folded: str) -> dict[str, list[int]]:
    """Where each list's phrases start in the folded text, wherever they are, sorted."""
    return _phrase_scan().positions(folded)
